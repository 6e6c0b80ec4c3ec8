#!/usr/bin/env python3
"""Random URL-mapping cases: Alias*, ScriptAlias, Redirect*, userdir, path_info, encodings, Files."""
import os, random, sys


def pick(r, xs):
    return r.choice(xs)


def case(seed, d):
    r = random.Random(seed)
    files = ["htdocs/index.html", "htdocs/a.txt", "htdocs/d/x.txt", "htdocs/d/index.html", "htdocs/app.wsgi", "htdocs/s.php",
             "other/o.txt", "other/sub/p.txt", "other/app.wsgi", "other/index.html", "htdocs/.ht.txt", "htdocs/back.txt~",
             "htdocs/x.cgi", "htdocs/u v.txt", "htdocs/d/e/f.txt"]
    for f in files:
        p = d + "/files/" + f
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write("x\n")
    conf = ["<VirtualHost *:@PORT@>", "  ServerName m.example", "  DocumentRoot @ROOT@/htdocs"]
    opts = [
        "  Alias /al @ROOT@/other", "  Alias /al/ @ROOT@/other/", "  Alias /al/ @ROOT@/other", "  Alias /al @ROOT@/other/",
        "  AliasMatch ^/am/(.*)$ @ROOT@/other/$1", "  AliasMatch ^/am(.*) @ROOT@/other$1",
        "  ScriptAlias /sc/ @ROOT@/other/", "  ScriptAliasMatch ^/scm/(.*) @ROOT@/other/$1",
        "  WSGIScriptAlias /w @ROOT@/other/app.wsgi", "  WSGIScriptAlias /w/ @ROOT@/other/",
        "  Redirect /r http://red.example/x", "  Redirect 301 /r/ /d/", "  RedirectMatch ^/rm/(.*)$ http://red.example/$1",
        "  RedirectMatch 410 ^/gone", "  Redirect seeother /so /a.txt", "  RedirectPermanent /rp /d",
        "  AcceptPathInfo " + pick(r, ["On", "Off", "Default"]),
        "  AllowEncodedSlashes " + pick(r, ["On", "Off", "NoDecode"]),
        "  MergeSlashes " + pick(r, ["On", "Off"]),
        "  <FilesMatch \"(~|\\.bak)$\">\n    Require all denied\n  </FilesMatch>",
        "  <Files \".ht*\">\n    Require all denied\n  </Files>",
        "  <Location /d/e>\n    Require all denied\n  </Location>",
        "  <LocationMatch \"^/al/sub\">\n    Require all denied\n  </LocationMatch>",
        "  <Directory @ROOT@/other>\n    Options %s\n    AddHandler wsgi-script .wsgi\n  </Directory>" % pick(r, ["ExecCGI", "None", "Indexes"]),
        "  <Location /loc>\n    SetHandler %s\n  </Location>" % pick(r, ["wsgi-script", "none", "server-status", "default-handler"]),
        "  AddHandler cgi-script .cgi",
        "  DirectoryIndex " + pick(r, ["index.html", "a.txt", "/a.txt", "disabled", "missing.html index.html"]),
        "  Alias /d/x.txt @ROOT@/other/o.txt",
        "  Alias /al/sub @ROOT@/htdocs/d",
    ]
    conf += r.sample(opts, r.randint(2, 7))
    conf.append("</VirtualHost>")
    open(d + "/site.conf", "w").write("\n".join(conf) + "\n")
    paths = ["/al", "/al/", "/al/o.txt", "/al/sub/p.txt", "/al//o.txt", "/am/o.txt", "/am/sub/", "/sc/o.txt", "/scm/sub/p.txt",
             "/w", "/w/", "/w/x/y", "/w/app.wsgi/z", "/r", "/r/", "/r/q?x=1", "/rm/a%20b", "/gone/x", "/so", "/rp/z",
             "/a.txt/extra", "/d/x.txt/more", "/d//x.txt", "/d/./x.txt", "/d/../a.txt", "/%2e%2e/a.txt", "/d%2fx.txt",
             "/.ht.txt", "/back.txt~", "/d/e/f.txt", "/loc", "/loc/x", "/x.cgi", "/u%20v.txt", "/d", "/d/", "/", "/a.txt?q",
             "/d/x.txt", "/al/index.html", "/%7Euser/"]
    reqs = set()
    while len(reqs) < 12:
        reqs.add("m.example " + pick(r, paths))
    open(d + "/requests.txt", "w").write("\n".join(sorted(reqs)) + "\n")
    open(d + "/options.txt", "w").write("location\n")
    open(d + "/README.txt", "w").write("random mapping case (conformance/differential/mapping.py) seed %d\n" % seed)


if __name__ == "__main__":
    base, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for s in range(start, start + n):
        case(s, "%s/fm-%d" % (base, s))
