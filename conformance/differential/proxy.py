#!/usr/bin/env python3
"""Random mod_proxy / mod_proxy_fcgi cases against the oracle's live backends (@BACKEND@, @BACKEND2@, @FCGI@)."""
import os, random, sys


def pick(r, xs):
    return r.choice(xs)


def case(seed, d):
    r = random.Random(seed)
    for f in ["htdocs/index.php", "htdocs/index.html", "htdocs/a.php", "htdocs/s.txt", "htdocs/d/b.php", "htdocs/d/index.php",
              "htdocs/st/x.css", "htdocs/app.wsgi"]:
        p = d + "/files/" + f
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write("x\n")
    conf = ["LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so",
            "LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so",
            "LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so",
            "<VirtualHost *:@PORT@>", "  ServerName p.example", "  DocumentRoot @ROOT@/htdocs"]
    opts = [
        "  ProxyPass /api/ http://127.0.0.1:@BACKEND@/v1/",
        "  ProxyPass /api http://127.0.0.1:@BACKEND@/v1",
        "  ProxyPass /api/health !",
        "  ProxyPass /b2 http://127.0.0.1:@BACKEND2@",
        "  ProxyPass / http://127.0.0.1:@BACKEND2@/",
        "  ProxyPass /st/ !",
        "  ProxyPassMatch ^/(.*\\.php(/.*)?)$ fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/$1",
        "  ProxyPassMatch ^/pm/(\\d+)$ http://127.0.0.1:@BACKEND@/n/$1",
        "  ProxyPassMatch ^/q(.*)$ http://127.0.0.1:@BACKEND2@/q$1",
        "  <FilesMatch \\.php$>\n    SetHandler \"proxy:fcgi://127.0.0.1:@FCGI@\"\n  </FilesMatch>",
        "  <FilesMatch \\.php$>\n    <If \"-f %{REQUEST_FILENAME}\">\n      SetHandler \"proxy:fcgi://127.0.0.1:@FCGI@\"\n    </If>\n  </FilesMatch>",
        "  <Location /loc/>\n    ProxyPass http://127.0.0.1:@BACKEND@/l/\n  </Location>",
        "  <Location /h>\n    SetHandler \"proxy:http://127.0.0.1:@BACKEND2@/h\"\n  </Location>",
        "  DirectoryIndex " + pick(r, ["index.php index.html", "index.html index.php", "/index.php"]),
        "  ProxyPreserveHost On",
        "  RewriteEngine On\n  RewriteRule ^/rw/(.*)$ http://127.0.0.1:@BACKEND@/rw/$1 [P%s]" % pick(r, ["", ",QSA", ",NE"]),
        "  RewriteEngine On\n  RewriteCond %{REQUEST_FILENAME} !-f\n  RewriteRule ^/(.*)$ /index.php/$1 [PT]",
        "  Alias /al/ @ROOT@/htdocs/d/",
        "  <Proxy \"fcgi://127.0.0.1:@FCGI@\">\n    ProxySet timeout=5\n  </Proxy>",
        "  ProxyFCGIBackendType " + pick(r, ["FPM", "GENERIC"]),
        "  <Location /api/private>\n    Require all denied\n  </Location>",
        "  <Directory @ROOT@/htdocs/d>\n    Require all denied\n  </Directory>",
        "  AllowEncodedSlashes " + pick(r, ["On", "NoDecode"]),
    ]
    conf += r.sample(opts, r.randint(2, 6))
    conf.append("</VirtualHost>")
    open(d + "/site.conf", "w").write("\n".join(conf) + "\n")
    paths = ["/api/users?x=1", "/api/", "/api", "/api/health", "/api/private/x", "/b2/z", "/b2", "/st/x.css", "/s.txt",
             "/index.php", "/a.php", "/a.php/extra/path", "/missing.php", "/d/b.php", "/d/", "/", "/pm/12", "/pm/x",
             "/q?y=2", "/qq/r", "/loc/x", "/loc", "/h", "/h/x", "/rw/a%20b?c=d", "/al/b.php", "/al/", "/nothing",
             "/api/a%2Fb", "/api/%7Euser"]
    extras = ["", "", "", " POST"]
    reqs = set()
    while len(reqs) < 10:
        reqs.add("p.example " + pick(r, paths) + pick(r, extras))
    open(d + "/requests.txt", "w").write("\n".join(sorted(reqs)) + "\n")
    open(d + "/options.txt", "w").write("location\n")
    open(d + "/README.txt", "w").write("random proxy case (conformance/differential/proxy.py) seed %d\n" % seed)


if __name__ == "__main__":
    base, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for s in range(start, start + n):
        case(s, "%s/fp-%d" % (base, s))
