#!/usr/bin/env python3
"""Random shared-hosting cases: per-user trees (UserDir and vhosts), customers choosing mod_wsgi
daemon groups from .htaccess, WSGIRestrictProcess per directory, application groups."""
import os, random, sys

USERS = ["bob", "joe", "alice"]


def pick(r, xs):
    return r.choice(xs)


def user_htaccess(r, u, groups):
    lines = []
    if r.random() < 0.6:
        lines.append("WSGIProcessGroup " + pick(r, groups + ["%{GLOBAL}", "%{ENV:PROCESS_GROUP}", "%{RESOURCE}", "%{SERVER}"]))
    if r.random() < 0.3:
        lines.append("WSGIApplicationGroup " + pick(r, ["%{GLOBAL}", "%{RESOURCE}", "%{SERVER}", u + "-app", "%{ENV:APP}"]))
    if r.random() < 0.3:
        lines.append("SetEnv PROCESS_GROUP " + pick(r, groups))
    if r.random() < 0.2:
        lines.append("SetEnv APP " + u + "-env")
    if r.random() < 0.35:
        lines += ["RewriteEngine On", "RewriteCond %{REQUEST_FILENAME} !-f",
                  "RewriteRule ^(.*)$ %s [%s]" % (pick(r, ["app.wsgi/$1", "index.wsgi"]),
                                                pick(r, ["L", "QSA,L", "E=PROCESS_GROUP:%s,L" % pick(r, groups)]))]
    if r.random() < 0.2:
        lines.append("WSGIRestrictProcess " + pick(r, groups))
    if r.random() < 0.15:
        lines.append("Options " + pick(r, ["+ExecCGI", "-ExecCGI"]))
    return lines


def case(seed, d):
    r = random.Random(seed)
    os.makedirs(d, exist_ok=True)
    groups = [u + "-" + g for u in USERS for g in ("a", "b")]
    use_userdir = r.random() < 0.5
    conf = []
    for g in groups:
        if r.random() < 0.85:
            conf.append("WSGIDaemonProcess %s threads=1%s" % (g, pick(r, ["", "", " user=" + g.split("-")[0]])))
    ao = pick(r, ["All", "FileInfo", "FileInfo Options", "FileInfo Options=ExecCGI"])
    if use_userdir:
        conf += ["<VirtualHost *:@PORT@>", "  ServerName h.example", "  DocumentRoot @ROOT@/www",
                 "  UserDir @ROOT@/users/*/web", "  <Directory @ROOT@/users>",
                 "    Options %s" % pick(r, ["ExecCGI FollowSymLinks", "ExecCGI SymLinksIfOwnerMatch", "FollowSymLinks"]),
                 "    AllowOverride " + ao, "    AddHandler wsgi-script .wsgi", "  </Directory>"]
        for u in USERS:
            if r.random() < 0.6:
                conf += ["  <Directory @ROOT@/users/%s>" % u,
                         "    WSGIRestrictProcess " + " ".join(r.sample([g for g in groups if g.startswith(u)] + ["%{GLOBAL}"], r.randint(1, 2)))]
                if r.random() < 0.5:
                    conf.append("    WSGIProcessGroup " + pick(r, [g for g in groups if g.startswith(u)]))
                conf.append("  </Directory>")
        if r.random() < 0.3:
            conf.append("  UserDir disabled " + pick(r, USERS))
        conf.append("</VirtualHost>")
    else:
        for u in USERS:
            conf += ["<VirtualHost *:@PORT@>", "  ServerName %s.example" % u, "  DocumentRoot @ROOT@/users/%s/web" % u,
                     "  <Directory @ROOT@/users/%s/web>" % u,
                     "    Options %s" % pick(r, ["ExecCGI FollowSymLinks", "ExecCGI", "FollowSymLinks ExecCGI"]),
                     "    AllowOverride " + ao, "    AddHandler wsgi-script .wsgi", "  </Directory>"]
            if r.random() < 0.7:
                conf.append("  WSGIRestrictProcess " + " ".join(r.sample([g for g in groups if g.startswith(u)], r.randint(1, 2))))
            if r.random() < 0.5:
                conf.append("  WSGIProcessGroup " + pick(r, [g for g in groups if g.startswith(u)] + ["%{GLOBAL}"]))
            if r.random() < 0.3:
                conf.append("  WSGIScriptAlias /api @ROOT@/users/%s/web/app.wsgi process-group=%s" % (u, pick(r, groups)))
            conf.append("</VirtualHost>")
    open(d + "/site.conf", "w").write("\n".join(conf) + "\n")
    for u in USERS:
        for f in ["web/app.wsgi", "web/index.wsgi", "web/s.txt", "web/sub/app.wsgi"]:
            p = "%s/files/users/%s/%s" % (d, u, f)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").write("x\n")
        os.makedirs(d + "/files/www", exist_ok=True)
        open(d + "/files/www/index.html", "w").write("x\n")
        for where in ["web", "web/sub"]:
            if r.random() < 0.5:
                lines = user_htaccess(r, u, groups)
                if lines:
                    open("%s/files/users/%s/%s/.htaccess" % (d, u, where), "w").write("\n".join(lines) + "\n")
    reqs = set()
    while len(reqs) < 10:
        u = pick(r, USERS)
        path = pick(r, ["/app.wsgi", "/index.wsgi", "/s.txt", "/sub/app.wsgi", "/", "/missing/x", "/app.wsgi/p?q=1", "/api/x", "/sub/"])
        if use_userdir:
            reqs.add("h.example /~%s%s" % (u, path))
        else:
            reqs.add("%s.example %s" % (u, path))
    open(d + "/requests.txt", "w").write("\n".join(sorted(reqs)) + "\n")
    open(d + "/README.txt", "w").write("random hosting case (conformance/differential/hosting.py) seed %d\n" % seed)


if __name__ == "__main__":
    base, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for s in range(start, start + n):
        case(s, "%s/fh-%d" % (base, s))
