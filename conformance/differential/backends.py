#!/usr/bin/env python3
"""Random cases where mod_proxy's target may not answer: live backends (@BACKEND@, @BACKEND2@,
@FCGI@), loopback ports nothing listens on, host names that do not resolve, missing unix:
sockets, paths glued onto a port, balancers with dead, standby and disabled members (at most
one live member, so the lbmethod's turn does not decide), ProxyRemote, a forward proxy."""
import os, random, sys

LIVE = ["127.0.0.1:@BACKEND@", "127.0.0.1:@BACKEND2@", "localhost:@BACKEND@"]
DEAD = ["127.0.0.1:1", "127.0.0.1:2", "127.0.0.2:@BACKEND@", "localhost:3", "[::1]:@BACKEND@"]
NODNS = ["nosuch.invalid", "backend.internal:8080", "127.0.0.1x", "api"]


def target(r, path=""):
    kind = r.choice(["live", "dead", "dead", "nodns"])
    hp = r.choice({"live": LIVE, "dead": DEAD, "nodns": NODNS}[kind])
    return "http://%s%s" % (hp, path)


def fcgi_target(r):
    return r.choice(["fcgi://127.0.0.1:@FCGI@", "fcgi://127.0.0.1:1", "fcgi://fpm.invalid:9000",
                     "unix:@ROOT@/run/php-fpm.sock|fcgi://localhost", "unix:/nonexistent/php.sock|fcgi://localhost"])


def case(seed, d):
    r = random.Random(seed)
    for f in ["htdocs/index.html", "htdocs/a.php", "htdocs/s.txt", "htdocs/d/b.php"]:
        p = d + "/files/" + f
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write("x\n")
    conf = ["LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so",
            "LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so",
            "LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so",
            "LoadModule proxy_balancer_module /usr/lib/apache2/modules/mod_proxy_balancer.so",
            "LoadModule lbmethod_byrequests_module /usr/lib/apache2/modules/mod_lbmethod_byrequests.so",
            "LoadModule slotmem_shm_module /usr/lib/apache2/modules/mod_slotmem_shm.so"]
    members = []
    live = r.choice([None, r.choice(LIVE)])
    for i in range(r.randint(1, 3)):
        hp = r.choice(DEAD)
        flag = r.choice(["", "", " status=+H", " status=+D", " lbset=1"])
        members.append("  BalancerMember http://%s/m%d%s" % (hp, i, flag))
    if live:
        members.insert(r.randint(0, len(members)), "  BalancerMember http://%s/live%s" % (live, r.choice(["", "", " status=+H", " lbset=1"])))
    conf += ["<Proxy balancer://pool>"] + members + ["</Proxy>"]
    conf += ["<VirtualHost *:@PORT@>", "  ServerName p.example", "  DocumentRoot @ROOT@/htdocs"]
    opts = [
        "  ProxyPass /a/ %s" % target(r, "/a/"),
        "  ProxyPass /b/ %s" % target(r, "/b/"),
        "  ProxyPass /g/ %s" % target(r),
        # maxattempts below the members less one makes the answer depend on the
        # lbmethod's turn and on earlier requests: the engine leaves it undecided.
        "  ProxyPass /lb/ balancer://pool/",
        "  ProxyPassMatch ^/m/(.*)$ %s" % target(r, "/m/$1"),
        "  RewriteEngine On\n  RewriteRule ^/rw/(.*)$ %s [P]" % target(r, "/rw/$1"),
        "  <FilesMatch \\.php$>\n    SetHandler \"proxy:%s\"\n  </FilesMatch>" % fcgi_target(r),
        "  ProxyPass /f/ %s/srv/" % fcgi_target(r),
        "  <Location /loc/>\n    ProxyPass %s\n  </Location>" % target(r, "/l/"),
    ]
    conf += r.sample(opts, r.randint(3, 7))
    conf.append("</VirtualHost>")
    conf += ["<VirtualHost *:@PORT2@>", "  ServerName fwd.example", "  DocumentRoot @ROOT@/htdocs",
             "  ProxyRequests On", "  <Proxy \"*\">\n    Require ip 127.0.0.1\n  </Proxy>"]
    if r.random() < 0.3:
        remote = target(r)
        while "[" in remote:  # add_proxy refuses an IPv6 remote at start-up
            remote = target(r)
        conf.append("  ProxyRemote * %s" % remote)
    conf.append("</VirtualHost>")
    open(d + "/site.conf", "w").write("\n".join(conf) + "\n")
    paths = ["/a/x", "/a/", "/b/y?q=1", "/g/", "/g/x", "/g/1", "/lb/x", "/lb/", "/m/z", "/rw/p", "/a.php", "/d/b.php",
             "/missing.php", "/f/x.php", "/loc/x", "/s.txt"]
    fwd = ["http://127.0.0.1:1/x", "http://nosuch.invalid/y", "http://localhost:2/", "http://127.0.0.3:80/z"]
    reqs = set()
    while len(reqs) < 10:
        if r.random() < 0.2:
            reqs.add("fwd.example:port2 " + r.choice(fwd))
        else:
            reqs.add("p.example " + r.choice(paths) + r.choice(["", "", " POST"]))
    open(d + "/requests.txt", "w").write("\n".join(sorted(reqs)) + "\n")
    open(d + "/README.txt", "w").write("random backends case (conformance/differential/backends.py) seed %d\n" % seed)


if __name__ == "__main__":
    base, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for s in range(start, start + n):
        case(s, "%s/fb-%d" % (base, s))
