#!/usr/bin/env python3
"""Random mod_wsgi + rewrite + access cases for a differential run against the real server."""
import os, random, sys

GROUPS = ["g1", "g2", "g3"]


def pick(r, xs):
    return r.choice(xs)


def htaccess(r):
    lines = []
    ch = r.random()
    if ch < 0.5:
        lines += ["RewriteEngine On"]
        if r.random() < 0.3:
            lines.append("RewriteBase /" + pick(r, ["", "app/", "u/"]))
        if r.random() < 0.5:
            lines += ["RewriteCond %{REQUEST_FILENAME} !-f", "RewriteCond %{REQUEST_FILENAME} !-d"]
        lines.append("RewriteRule ^(.*)$ %s [%s]" % (pick(r, ["app.wsgi/$1", "/app.wsgi/$1", "index.wsgi", "app.wsgi"]),
                                                  pick(r, ["QSA,PT,L", "L", "QSA,L", "PT,L", "END", "E=PROCESS_GROUP:g2,L", "E=APPLICATION_GROUP:x,L"])))
    if r.random() < 0.5:
        lines.append("WSGIProcessGroup " + pick(r, GROUPS + ["%{ENV:PROCESS_GROUP}", "%{GLOBAL}"]))
    if r.random() < 0.3:
        lines.append("WSGIApplicationGroup " + pick(r, ["%{GLOBAL}", "%{RESOURCE}", "%{SERVER}", "x", "%{ENV:APPLICATION_GROUP}"]))
    if r.random() < 0.3:
        lines.append("SetEnv PROCESS_GROUP " + pick(r, GROUPS))
    if r.random() < 0.3:
        lines.append("SetEnvIf Request_URI %s PROCESS_GROUP=%s" % (pick(r, ["^/admin", "\\.wsgi", "^/app"]), pick(r, GROUPS)))
    if r.random() < 0.2:
        lines.append("AddHandler wsgi-script .py")
    if r.random() < 0.2:
        lines.append("Options " + pick(r, ["+ExecCGI", "-ExecCGI", "+FollowSymLinks", "-FollowSymLinks"]))
    if r.random() < 0.15:
        lines.append("<Files \"app.wsgi\">\n  Require %s\n</Files>" % pick(r, ["all denied", "ip 127.0.0.2", "all granted"]))
    return lines


def case(seed, d):
    r = random.Random(seed)
    files = ["htdocs/index.html", "htdocs/app.wsgi", "htdocs/static.txt", "htdocs/app/app.wsgi", "htdocs/app/index.wsgi",
             "htdocs/app/s.txt", "htdocs/admin/app.wsgi", "htdocs/x.py", "htdocs/app/x.py", "u/app.wsgi", "u/s.txt"]
    for f in files:
        p = d + "/files/" + f
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write("x\n")
    conf = ["<VirtualHost *:@PORT@>", "  ServerName w.example", "  DocumentRoot @ROOT@/htdocs"]
    for g in GROUPS:
        conf.append("  WSGIDaemonProcess %s threads=1" % g)
    if r.random() < 0.7:
        conf.append("  WSGIRestrictProcess " + " ".join(r.sample(GROUPS, r.randint(1, 2))))
    if r.random() < 0.5:
        conf.append("  WSGIProcessGroup " + pick(r, GROUPS + ["%{ENV:PROCESS_GROUP}"]))
    if r.random() < 0.3:
        conf.append("  Alias /u/ @ROOT@/u/")
    if r.random() < 0.3:
        conf.append("  WSGIScriptAlias /sa @ROOT@/htdocs/app/app.wsgi")
    if r.random() < 0.3:
        conf.append("  WSGIScriptAliasMatch ^/m/(\\w+) @ROOT@/htdocs/app/$1.wsgi")
    if r.random() < 0.3:
        conf.append("  SetEnvIf User-Agent bot PROCESS_GROUP=g3")
    if r.random() < 0.3:
        conf.append("  DirectoryIndex index.wsgi index.html")
    if r.random() < 0.3:
        conf += ["  RewriteEngine On", "  RewriteRule ^/old/(.*)$ /app/$1 [%s]" % pick(r, ["PT", "L", "R=301,L", "E=PROCESS_GROUP:g1,PT"])]
    ao = pick(r, ["All", "All", "All", "FileInfo", "FileInfo", "FileInfo Options", "None", "FileInfo Options=ExecCGI,FollowSymLinks", "AuthConfig"])
    for dd in ["htdocs", "u"]:
        conf += ["  <Directory @ROOT@/%s>" % dd, "    Options %s" % pick(r, ["ExecCGI FollowSymLinks", "ExecCGI FollowSymLinks", "ExecCGI", "FollowSymLinks", "ExecCGI SymLinksIfOwnerMatch"]),
                 "    AllowOverride " + ao, "    AddHandler wsgi-script .wsgi", "  </Directory>"]
    if r.random() < 0.3:
        conf += ["  <Location /admin>", "    WSGIProcessGroup " + pick(r, GROUPS), "  </Location>"]
    conf.append("</VirtualHost>")
    open(d + "/site.conf", "w").write("\n".join(conf) + "\n")
    for where in ["htdocs", "htdocs/app", "u"]:
        if r.random() < 0.5:
            open(d + "/files/%s/.htaccess" % where, "w").write("\n".join(htaccess(r)) + "\n")
    paths = ["/", "/app/", "/app/foo/bar", "/app/s.txt", "/app/app.wsgi/p", "/app.wsgi", "/static.txt", "/missing?x=1",
             "/admin/app.wsgi", "/x.py", "/app/x.py", "/u/", "/u/foo", "/u/app.wsgi", "/sa/z", "/m/index", "/m/app/q",
             "/old/p", "/app"]
    extras = ["", "", "", " User-Agent:bot", " from=127.0.0.2", " POST"]
    reqs = set()
    while len(reqs) < 9:
        reqs.add("w.example " + pick(r, paths) + pick(r, extras))
    open(d + "/requests.txt", "w").write("\n".join(sorted(reqs)) + "\n")
    open(d + "/options.txt", "w").write("location\n")
    open(d + "/README.txt", "w").write("random wsgi case (conformance/differential/wsgi.py) seed %d\n" % seed)


if __name__ == "__main__":
    base, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for s in range(start, start + n):
        case(s, "%s/fw-%d" % (base, s))
