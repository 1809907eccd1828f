#!/usr/bin/env python3
"""compare.py: the emitted C of two bnnc builds, timed layer by layer in one run.

    python3 bench/compare.py OLD_BNNC NEW_BNNC [--target T] [--rounds N]
                             [--cc CC] [--old-cc CC] [--new-cc CC] [--limit F]
                             FILE.bnn...

For every network, `bnnc bench FILE --target T --format json` runs with the
old and the new bnnc in turn (old, new, new, old, ... so that a drift of
the machine's speed falls on both alike), N rounds each, with the same
number of inferences per round; each layer keeps its least measured time
over the rounds. Prints a Markdown table per network (old and new time in
microseconds, new / old) and lists the layers slower than 1 + F (default
0.05) whose old time is at least 1 microsecond (below that a timing point
costs about as much as the layer). Exit status 0 when no such layer, 1
otherwise, 2 on bad usage or a bench that failed. --cc sets $CC for both
(`bnnc bench` builds with $CC, default cc); --old-cc and --new-cc for one
side each, to compare two compilers (or compiler options, through a
wrapper script) on the same bnnc.
"""
import argparse
import json
import os
import subprocess
import sys


def bench(bnnc, path, target, reps, cc):
    cmd = [bnnc, "bench", path, "--target", target, "--format", "json"]
    if reps:
        cmd += ["--reps", str(reps)]
    env = dict(os.environ)
    if cc:
        env["CC"] = cc
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.stderr.write("compare.py: %s failed (exit %d):\n%s" %
                         (" ".join(cmd), r.returncode, r.stderr))
        sys.exit(2)
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--target", default="zen4")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cc", default="")
    ap.add_argument("--old-cc", default="")
    ap.add_argument("--new-cc", default="")
    ap.add_argument("--limit", type=float, default=0.05)
    a = ap.parse_args()
    if a.rounds < 1:
        ap.error("--rounds must be at least 1")
    slow = []
    for path in a.files:
        cc = {"old": a.old_cc or a.cc, "new": a.new_cc or a.cc}
        first = bench(a.old, path, a.target, 0, cc["old"])
        reps = first["reps"]
        best = {"old": {}, "new": {}}
        total = {"old": float("inf"), "new": float("inf")}
        layers = [(l["name"], l["op"]) for l in first["layers"]]
        for k in range(a.rounds):
            order = ("old", "new") if k % 2 == 0 else ("new", "old")
            for which in order:
                res = bench(getattr(a, which), path, a.target, reps, cc[which])
                if [(l["name"], l["op"]) for l in res["layers"]] != layers:
                    sys.stderr.write("compare.py: %s: the two builds give different layers\n" % path)
                    sys.exit(2)
                total[which] = min(total[which], res["measured_s"])
                for l in res["layers"]:
                    prev = best[which].get(l["name"], float("inf"))
                    best[which][l["name"]] = min(prev, l["measured_s"])
        print("### %s (--target %s, %d inferences per round, %d rounds%s)\n" %
              (first["network"], a.target, reps, a.rounds,
               "".join(", %s CC=%s" % (k, cc[k]) for k in ("old", "new") if cc[k])))
        print("| layer | op | old µs | new µs | new / old |")
        print("|---|---|---:|---:|---:|")
        for name, op in layers:
            o, n = best["old"][name] * 1e6, best["new"][name] * 1e6
            ratio = n / o if o > 0 else float("nan")
            mark = ""
            if o >= 1.0 and ratio > 1 + a.limit:
                mark = " **slower**"
                slow.append("%s/%s %.3f" % (first["network"], name, ratio))
            print("| %s | %s | %.2f | %.2f | %s%s |" %
                  (name, op, o, n, "%.3f" % ratio if o > 0 else "-", mark))
        o, n = total["old"] * 1e6, total["new"] * 1e6
        print("| **network** | | %.2f | %.2f | %.3f |\n" % (o, n, n / o))
    if slow:
        print("slower than %.0f%%: %s" % (a.limit * 100, ", ".join(slow)))
        return 1
    print("no layer of 1 µs or more slower than %.0f%%" % (a.limit * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
