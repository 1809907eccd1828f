#!/usr/bin/env python3
"""compare.py: the emitted C of two bnnc builds, timed layer by layer in one run.

    python3 bench/compare.py OLD_BNNC NEW_BNNC [--target T] [--rounds N]
                             [--confirm M] [--cc CC] [--old-cc CC]
                             [--new-cc CC] [--limit F] [--old-arg A]
                             [--new-arg A] FILE.bnn...

For every network, `bnnc bench FILE --target T --format json` runs with the
old and the new bnnc in turn (old, new, new, old, ... so that a drift of
the machine's speed falls on both alike), N rounds each, with the same
number of inferences per round; each layer keeps its least measured time
over the rounds. Prints a Markdown table per network (old and new time in
microseconds, new / old) and lists the layers slower than 1 + F (default
0.05) whose old time is at least 1 microsecond (below that a timing point
costs about as much as the layer). With --confirm M, a network with such
layers is measured again, M rounds from scratch, and a layer is slower
only when the second measurement finds it slower too: on this shared
machine the same code built twice (OLD = NEW) shows layers 5% apart in
one measurement, and one measurement cannot tell those from a real
regression. Exit status 0 when no such layer, 1
otherwise, 2 on bad usage or a bench that failed. --cc sets $CC for both
(`bnnc bench` builds with $CC, default cc); --old-cc and --new-cc for one
side each, to compare two compilers (or compiler options, through a
wrapper script) on the same bnnc. --old-arg and --new-arg (repeatable)
add an option to one side's `bnnc bench`, e.g. --new-arg=-fno-fuse-epilogue
to compare the new build's unfused layers with an old build's. With
--network only the whole networks are compared, and the two builds may
give different layers (a fused graph against an unfused one).
"""
import argparse
import json
import os
import subprocess
import sys


def bench(bnnc, path, target, reps, cc, args=()):
    cmd = [bnnc, "bench", path, "--target", target, "--format", "json"] + list(args)
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


def measure(a, path, cc, reps, layers, rounds):
    """Each build's least time per layer, and per network, over `rounds`
    rounds taken in turns (old, new, new, old, ...)."""
    best = {"old": {}, "new": {}}
    total = {"old": float("inf"), "new": float("inf")}
    for k in range(rounds):
        order = ("old", "new") if k % 2 == 0 else ("new", "old")
        for which in order:
            res = bench(getattr(a, which), path, a.target, reps, cc[which],
                        getattr(a, which + "_arg"))
            if layers is not None and [(l["name"], l["op"]) for l in res["layers"]] != layers:
                sys.stderr.write("compare.py: %s: the two builds give different layers\n" % path)
                sys.exit(2)
            total[which] = min(total[which], res["measured_s"])
            for l in res["layers"] if layers is not None else []:
                prev = best[which].get(l["name"], float("inf"))
                best[which][l["name"]] = min(prev, l["measured_s"])
    return best, total


def ratio_of(best, name):
    o = best["old"][name]
    return best["new"][name] / o if o > 0 else float("nan")


def is_slow(best, name, limit):
    """Slower than 1 + limit, for a layer of 1 µs or more."""
    return best["old"][name] * 1e6 >= 1.0 and ratio_of(best, name) > 1 + limit


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--target", default="zen4")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--confirm", type=int, default=0)
    ap.add_argument("--cc", default="")
    ap.add_argument("--old-cc", default="")
    ap.add_argument("--new-cc", default="")
    ap.add_argument("--limit", type=float, default=0.05)
    ap.add_argument("--old-arg", action="append", default=[])
    ap.add_argument("--new-arg", action="append", default=[])
    ap.add_argument("--network", action="store_true")
    a = ap.parse_args()
    if a.rounds < 1:
        ap.error("--rounds must be at least 1")
    if a.confirm < 0:
        ap.error("--confirm must be 0 or more")
    slow, unconfirmed = [], []
    for path in a.files:
        cc = {"old": a.old_cc or a.cc, "new": a.new_cc or a.cc}
        first = bench(a.old, path, a.target, 0, cc["old"], a.old_arg)
        reps = first["reps"]
        layers = [(l["name"], l["op"]) for l in first["layers"]]
        if a.network:
            _, total = measure(a, path, cc, reps, None, a.rounds)
            o, n = total["old"] * 1e6, total["new"] * 1e6
            print("### %s (--target %s, %d inferences per round, %d rounds): whole network\n" %
                  (first["network"], a.target, reps, a.rounds))
            print("| network | old µs | new µs | new / old | old / new |")
            print("|---|---:|---:|---:|---:|")
            print("| %s | %.2f | %.2f | %.3f | %.3f |\n" % (first["network"], o, n, n / o, o / n))
            continue
        best, total = measure(a, path, cc, reps, layers, a.rounds)
        flagged = [name for name, _ in layers if is_slow(best, name, a.limit)]
        again = None
        if flagged and a.confirm > 0:
            again, _ = measure(a, path, cc, reps, layers, a.confirm)
        print("### %s (--target %s, %d inferences per round, %d rounds%s%s)\n" %
              (first["network"], a.target, reps, a.rounds,
               ", %d rounds again for the layers over the limit" % a.confirm if again else "",
               "".join(", %s CC=%s" % (k, cc[k]) for k in ("old", "new") if cc[k])))
        print("| layer | op | old µs | new µs | new / old |")
        print("|---|---|---:|---:|---:|")
        for name, op in layers:
            o, n = best["old"][name] * 1e6, best["new"][name] * 1e6
            ratio = n / o if o > 0 else float("nan")
            mark = ""
            if name in flagged:
                if again is None or is_slow(again, name, a.limit):
                    mark = " **slower**"
                    slow.append("%s/%s %.3f" % (first["network"], name, ratio))
                    if again is not None:
                        mark += " (again %.3f)" % ratio_of(again, name)
                else:
                    mark = " (again %.3f)" % ratio_of(again, name)
                    unconfirmed.append("%s/%s" % (first["network"], name))
            print("| %s | %s | %.2f | %.2f | %s%s |" %
                  (name, op, o, n, "%.3f" % ratio if o > 0 else "-", mark))
        o, n = total["old"] * 1e6, total["new"] * 1e6
        print("| **network** | | %.2f | %.2f | %.3f |\n" % (o, n, n / o))
    if unconfirmed:
        print("slower than %.0f%% once, not again: %s" % (a.limit * 100, ", ".join(unconfirmed)))
    if slow:
        print("slower than %.0f%%: %s" % (a.limit * 100, ", ".join(slow)))
        return 1
    print("no layer of 1 µs or more slower than %.0f%%" % (a.limit * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
