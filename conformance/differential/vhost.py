#!/usr/bin/env python3
"""Random virtual-host selection cases: name/IP vhosts on two ports, ServerAlias wildcards, _default_, main server."""
import os, random, sys


def pick(r, xs):
    return r.choice(xs)


NAMES = ["a.example", "b.example", "www.a.example", "*.a.example", "a.*", "?.example", "*", "A.Example", "c.example.",
         "x.test", "*.test", "localhost", "127.0.0.1"]
ADDRS = ["*:@PORT@", "127.0.0.1:@PORT@", "*:@PORT2@", "127.0.0.1:@PORT2@", "_default_:@PORT2@", "*", "127.0.0.1",
         "*:@PORT@ *:@PORT2@", "[::1]:@PORT@ 127.0.0.1:@PORT@"]


def case(seed, d):
    r = random.Random(seed)
    conf = []
    n = r.randint(2, 5)
    for i in range(n):
        root = "@ROOT@/v%d" % i
        os.makedirs(d + "/files/v%d" % i, exist_ok=True)
        open(d + "/files/v%d/who.txt" % i, "w").write("v%d\n" % i)
        conf.append("<VirtualHost %s>" % pick(r, ADDRS))
        if r.random() < 0.85:
            conf.append("  ServerName " + pick(r, NAMES[:3] + ["b.example", "c.example", "x.test", "localhost"]))
        for _ in range(r.choice([0, 0, 1, 2])):
            conf.append("  ServerAlias " + " ".join(r.sample(NAMES, r.randint(1, 2))))
        conf.append("  DocumentRoot " + root)
        # Tell the vhosts apart by what they deny.
        conf.append("  <Location /v%d-only>\n    Require all denied\n  </Location>" % i)
        conf.append("  Redirect 302 /which http://v%d.example/" % i)
        conf.append("</VirtualHost>")
    open(d + "/site.conf", "w").write("\n".join(conf) + "\n")
    hosts = ["a.example", "A.EXAMPLE", "www.a.example", "foo.a.example", "a.b", "b.example", "c.example", "c.example.",
             "x.test", "y.test", "localhost", "127.0.0.1", "nomatch.example", "z.example"]
    reqs = set()
    while len(reqs) < 10:
        h = pick(r, hosts)
        if r.random() < 0.4:
            h += ":port2"
        reqs.add(h + " /which")
    open(d + "/requests.txt", "w").write("\n".join(sorted(reqs)) + "\n")
    open(d + "/options.txt", "w").write("location\n")
    open(d + "/README.txt", "w").write("random vhost case (conformance/differential/vhost.py) seed %d\n" % seed)


if __name__ == "__main__":
    base, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for s in range(start, start + n):
        case(s, "%s/fv-%d" % (base, s))
