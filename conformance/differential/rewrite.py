#!/usr/bin/env python3
"""Random rewrite/alias/proxy/wsgi cases for a differential run against the real server."""
import os, random, sys

PATS = [r"^/?a/(.*)$", r"^(.*)\.php$", r"^/?$", r"(.*)", r"^/?x$", r"^/?old/(\w+)/?$", r"\.(txt|html)$",
        r"^/?app/(.*)", r"^/?d(/.*)?$", r"^/?q", r"(.+)/$", r"^/?api/(.*)$", r"^/?(\w+)\.html$"]
SUBS = ["/b/$1", "$1.html", "-", "http://other.example/$1", "index.php?q=$1", "app.wsgi/$1", "/app.wsgi/$1",
        "/static.txt", "static.txt", "/d/", "/new/$1?x=1", "b/$1", "index.html", "/a/$1", "http://127.0.0.1:@BACKEND@/v/$1",
        "%{REQUEST_URI}", "/sub/$1"]
FLAGS = ["L", "R=301,L", "R,L", "PT", "QSA", "QSA,L", "F", "G", "NC,L", "END", "C", "S=1", "E=PROCESS_GROUP:g2",
         "E=X:1,L", "T=text/plain", "DPI", "NE,R=302,L", "B,L", "QSD,L", "R=303", "P", "N=3", "H=wsgi-script,L",
         "QSL,L", "NS,L", "L,R=302"]
CONDS = ["%{REQUEST_FILENAME} !-f", "%{REQUEST_FILENAME} !-d", "%{QUERY_STRING} ^a=(\\d+)", "%{HTTP_HOST} ^www\\.",
         "%{REQUEST_URI} !^/static", "%{ENV:REDIRECT_STATUS} ^$", "%{REQUEST_METHOD} =POST",
         "%{REQUEST_FILENAME} -f", "%{HTTP:X-Forwarded-Proto} !https", "%{QUERY_STRING} !^$", "%{HTTPS} off",
         "%{REQUEST_URI} \\.wsgi [NC]", "%{THE_REQUEST} \\s/+index\\.php", "%{ENV:X} =1"]
PATHS = ["/", "/a/1", "/a/b/c", "/x", "/x.php", "/index.php", "/static.txt", "/d", "/d/", "/d/e.txt", "/old/foo",
         "/old/foo/", "/app/z", "/app.wsgi/p", "/api/u?y=2", "/q?a=5", "/missing", "/sub/", "/sub/s.txt",
         "/page.html", "/a/1?a=7", "/index.html", "/x?z"]
EXTRAS = ["", "", "", " POST", " X-Forwarded-Proto:https", " from=127.0.0.2"]
FILES = ["index.html", "static.txt", "index.php", "app.wsgi", "d/e.txt", "d/index.html", "sub/s.txt", "b/1",
         "new/.keep", "page.html"]


def rules(r, n):
    out = []
    for _ in range(n):
        for _ in range(r.choice([0, 0, 1, 1, 2])):
            c = r.choice(CONDS)
            if r.random() < 0.15 and "[" not in c:
                c += " [OR]"
            out.append("RewriteCond " + c)
        f = r.choice(FLAGS)
        out.append("RewriteRule %s %s [%s]" % (r.choice(PATS), r.choice(SUBS), f))
    return out


def case(seed, d):
    r = random.Random(seed)
    os.makedirs(d + "/files/htdocs", exist_ok=True)
    for f in FILES:
        p = d + "/files/htdocs/" + f
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write("x\n")
    where = r.choice(["server", "htaccess", "directory", "both", "location"])
    conf = ["LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so",
            "LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so",
            "<VirtualHost *:@PORT@>", "  ServerName r.example", "  ServerAlias www.r.example",
            "  DocumentRoot @ROOT@/htdocs",
            "  WSGIDaemonProcess g1 threads=1", "  WSGIDaemonProcess g2 threads=1",
            "  WSGIProcessGroup %{ENV:PROCESS_GROUP}" if r.random() < 0.3 else "  WSGIProcessGroup g1"]
    if r.random() < 0.3:
        conf.append("  Alias /al/ @ROOT@/htdocs/sub/")
    if r.random() < 0.3:
        conf.append("  Redirect 301 /old/ http://red.example/o/")
    if r.random() < 0.3:
        conf.append("  ProxyPass /api/ http://127.0.0.1:@BACKEND2@/p/")
    if r.random() < 0.3:
        conf.append("  DirectoryIndex index.php index.html")
    if r.random() < 0.2:
        conf.append("  WSGIScriptAlias /ws @ROOT@/htdocs/app.wsgi")
    if r.random() < 0.2:
        conf.append("  ScriptAlias /cgi/ @ROOT@/htdocs/d/")
    if r.random() < 0.2:
        conf.append("  RedirectMatch 302 ^/x$ /static.txt")
    if r.random() < 0.15:
        conf.append("  DirectorySlash Off")
    if r.random() < 0.2:
        conf.append("  <Directory @ROOT@/htdocs/d>\n    RewriteEngine On\n    RewriteOptions %s\n    %s\n  </Directory>" % (r.choice(["Inherit","InheritBefore","IgnoreInherit"]), "\n    ".join(rules(r, 2))))
    if r.random() < 0.2:
        open_sub = d + "/files/htdocs/sub/.htaccess"
        os.makedirs(os.path.dirname(open_sub), exist_ok=True)
        open(open_sub, "w").write("\n".join(["RewriteEngine On"] + rules(r, 2)) + "\n")
    conf += ["  <Directory @ROOT@/htdocs>", "    Options %s" % r.choice(["FollowSymLinks ExecCGI"]*4+["ExecCGI", "SymLinksIfOwnerMatch ExecCGI Indexes"]),
             "    AllowOverride All", "    AddHandler wsgi-script .wsgi", "  </Directory>"]
    if where in ("server", "both"):
        conf += ["  RewriteEngine On"] + ["  " + l for l in rules(r, r.randint(1, 4))]
    if where == "directory":
        conf += ["  <Directory @ROOT@/htdocs>", "    RewriteEngine On"] + ["    " + l for l in rules(r, r.randint(1, 4))] + ["  </Directory>"]
    if where == "location":
        conf += ["  <Location /app>", "    RewriteEngine On"] + ["    " + l for l in rules(r, r.randint(1, 3))] + ["  </Location>"]
    conf.append("</VirtualHost>")
    open(d + "/site.conf", "w").write("\n".join(conf) + "\n")
    if where in ("htaccess", "both"):
        ht = ["RewriteEngine On"]
        if r.random() < 0.4:
            ht.append("RewriteBase " + r.choice(["/", "/d/", "/sub"]))
        ht += rules(r, r.randint(1, 4))
        open(d + "/files/htdocs/.htaccess", "w").write("\n".join(ht) + "\n")
    reqs = set()
    while len(reqs) < 8:
        host = r.choice(["r.example", "r.example", "www.r.example"])
        reqs.add(host + " " + r.choice(PATHS) + r.choice(EXTRAS))
    open(d + "/requests.txt", "w").write("\n".join(sorted(reqs)) + "\n")
    open(d + "/options.txt", "w").write("location\n")
    open(d + "/README.txt", "w").write("random rewrite case (conformance/differential/rewrite.py) seed %d (%s)\n" % (seed, where))


if __name__ == "__main__":
    base, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for s in range(start, start + n):
        case(s, "%s/fz-%d" % (base, s))
