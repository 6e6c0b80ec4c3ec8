#!/usr/bin/env python3
"""Random access-control cases (authz, Limit, SetEnvIf, If, Files, Location, access_compat)."""
import os, random, sys

REQ = ["all granted", "all denied", "ip 127.0.0.2", "not ip 127.0.0.2", "env OK", "method POST", "method GET",
       "expr %{REQUEST_URI} =~ m#^/a#", "host localhost", "local"]


def pick(r, xs):
    return r.choice(xs)


def authz(r, ind):
    out = []
    k = r.random()
    if k < 0.25:
        out.append("Require " + pick(r, REQ))
    elif k < 0.45:
        kind = pick(r, ["RequireAll", "RequireAny", "RequireNone"])
        out.append("<%s>" % kind)
        for _ in range(r.randint(1, 3)):
            out.append("  Require " + pick(r, [x for x in REQ if not (kind == "RequireNone" and x.startswith("not"))]))
        out.append("</%s>" % kind)
        if kind == "RequireNone":
            out.insert(0, "<RequireAll>")
            out.insert(1, "  Require all granted")
            out.append("</RequireAll>")
    elif k < 0.6:
        out += ["Order %s" % pick(r, ["allow,deny", "deny,allow"]), "Allow from %s" % pick(r, ["all", "127.0.0.2", "env=OK"]),
                "Deny from %s" % pick(r, ["127.0.0.2", "env=BAD", "none"])]
        if r.random() < 0.4:
            out.append("Satisfy " + pick(r, ["Any", "All"]))
    elif k < 0.75:
        out += ["<Limit %s>" % pick(r, ["POST", "GET", "POST PUT", "DELETE"]), "  Require " + pick(r, REQ), "</Limit>"]
    elif k < 0.85:
        out += ["<LimitExcept %s>" % pick(r, ["GET", "GET POST", "POST"]), "  Require " + pick(r, REQ), "</LimitExcept>"]
    else:
        out.append("AuthMerging " + pick(r, ["And", "Or", "Off"]))
        out.append("Require " + pick(r, REQ))
    return [ind + l for l in out]


def case(seed, d):
    r = random.Random(seed)
    for f in ["htdocs/index.html", "htdocs/a/x.txt", "htdocs/a/b/y.txt", "htdocs/s.txt", "htdocs/.env", "htdocs/a/.hidden", "htdocs/p.php"]:
        p = d + "/files/" + f
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write("x\n")
    conf = ["<VirtualHost *:@PORT@>", "  ServerName z.example", "  DocumentRoot @ROOT@/htdocs"]
    if r.random() < 0.5:
        conf.append("  SetEnvIf %s %s %s" % (pick(r, ["Remote_Addr", "Request_Method", "User-Agent", "Request_URI"]),
                                             pick(r, ["^127\\.0\\.0\\.2$", "POST", "bot", "^/a"]), pick(r, ["OK", "BAD", "!OK"])))
    if r.random() < 0.3:
        conf.append("  SetEnvIfNoCase User-Agent BOT OK")
    for sec in ["<Directory @ROOT@/htdocs>", "<Directory @ROOT@/htdocs/a>", "<Location /a/b>", "<Files \".*\">",
                "<FilesMatch \"\\.(txt|env)$\">", "<If \"%{QUERY_STRING} =~ /x/\">", "<DirectoryMatch \"/a/?$\">", "<LocationMatch \"^/s\">"]:
        if r.random() < 0.4:
            name = sec[1:].split()[0]
            conf.append("  " + sec)
            if name == "Directory" and r.random() < 0.5:
                conf.append("    AllowOverride " + pick(r, ["AuthConfig", "All", "Limit", "None"]))
            conf += authz(r, "    ")
            conf.append("  </%s>" % name)
    conf.append("</VirtualHost>")
    open(d + "/site.conf", "w").write("\n".join(conf) + "\n")
    for where in ["htdocs", "htdocs/a"]:
        if r.random() < 0.4:
            open(d + "/files/%s/.htaccess" % where, "w").write("\n".join(authz(r, "")) + "\n")
    paths = ["/", "/a/x.txt", "/a/b/y.txt", "/s.txt", "/.env", "/a/.hidden", "/p.php", "/a/", "/s.txt?x=1", "/missing", "/a/b/"]
    extras = ["", "", " POST", " DELETE", " from=127.0.0.2", " User-Agent:bot", " from=127.0.0.2 POST", " PUT", " OPTIONS"]
    reqs = set()
    while len(reqs) < 10:
        reqs.add("z.example " + pick(r, paths) + pick(r, extras))
    open(d + "/requests.txt", "w").write("\n".join(sorted(reqs)) + "\n")
    open(d + "/README.txt", "w").write("random access case (conformance/differential/access.py) seed %d\n" % seed)


if __name__ == "__main__":
    base, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for s in range(start, start + n):
        case(s, "%s/fa-%d" % (base, s))
