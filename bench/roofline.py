#!/usr/bin/env python3
"""roofline.py: how close a network's emitted code runs to this machine's
register-only peaks, and the fastest it could run (docs/benchmarks.md).

    python3 bench/roofline.py BNNC NET.bnn ... [--target zen4] [--old OLD_BNNC]
                              [--rounds N] [--cc CC]

Builds bench/peaks.c (-O2 -march=native) and measures the XOR-popcount
peak (XNOROP a second) and the float multiply-then-add peak (MACs a
second). For each network it takes each layer's work from `BNNC NET
--report --format json` (XNOROP of a binary layer, float MACs of a float
one) and its measured time from `BNNC bench NET --clock host --format
json`, the least of N rounds, and prints, per class of layer (binary,
float, other): the measured time, the work, the rate and its fraction of
the peak. The bound is the network's work at the peaks with every other
layer free: no code can run it faster on this core. With --old, OLD_BNNC's
emitted code of the network is timed in the same rounds (old, new, new,
old, ...) and the ceiling old / bound is the most any new code could gain
over it.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def peaks(cc, tmp):
    exe = os.path.join(tmp, "peaks")
    subprocess.run([cc, "-O2", "-march=native", os.path.join(HERE, "peaks.c"), "-o", exe],
                   check=True)
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    vals = dict(line.split() for line in out.splitlines() if line.strip())
    return float(vals["xnorop_per_s"]), float(vals["muladd_per_s"])


def report(bnnc, net, target):
    out = subprocess.run([bnnc, net, "--target", target, "--report", "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def bench(bnnc, net, target):
    out = subprocess.run([bnnc, "bench", net, "--target", target, "--clock", "host",
                          "--format", "json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def us(s):
    return "%.0f" % (s * 1e6) if s >= 1e-4 else "%.1f" % (s * 1e6)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bnnc")
    ap.add_argument("nets", nargs="+")
    ap.add_argument("--target", default="zen4")
    ap.add_argument("--old", help="an older bnnc whose emitted code is timed alongside")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    a = ap.parse_args()
    if a.rounds < 1:
        ap.error("--rounds must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        px, pf = peaks(a.cc, tmp)
    print("peaks: %.3g XNOROP/s (%.3g binary MACs/s), %.3g float MACs/s (multiply, then add)"
          % (px, 64 * px, pf))
    for net in a.nets:
        rep = report(a.bnnc, net, a.target)
        work = {l["name"]: l for l in rep["layers"]}
        best, old = None, []
        for r in range(a.rounds):
            order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
            for side in order:
                if side == "old" and a.old:
                    old.append(bench(a.old, net, a.target)["measured_s"])
                elif side == "new":
                    b = bench(a.bnnc, net, a.target)
                    if best is None or b["measured_s"] < best["measured_s"]:
                        best = b
        rows = {"binary": [0, 0.0, 0.0], "float": [0, 0.0, 0.0], "other": [0, 0.0, 0.0]}
        for l in best["layers"]:
            w = work.get(l["name"])
            if w is None:
                sys.exit("roofline.py: %s: layer %s not in the report" % (net, l["name"]))
            if w.get("xnorop", 0) > 0:
                key, amount = "binary", float(w["xnorop"])
            elif w.get("float_macs", 0) > 0:
                key, amount = "float", float(w["float_macs"])
            else:
                key, amount = "other", 0.0
            rows[key][0] += 1
            rows[key][1] += l["measured_s"]
            rows[key][2] += amount
        if px <= 0 and rows["binary"][0]:
            sys.exit("roofline.py: no XOR-popcount peak on this CPU (AVX-512 VPOPCNTDQ)")
        tb = rows["binary"][2] / px if px > 0 else 0.0
        tf = rows["float"][2] / pf
        print("\n### %s (--target %s, the least of %d rounds)\n" % (best["network"], a.target,
                                                                   a.rounds))
        print("| layers | count | measured µs | work | rate | of the peak | at the peak µs |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for key, unit, peak, tpk in (("binary", "XNOROP", px, tb), ("float", "MAC", pf, tf)):
            n, t, w = rows[key]
            if n:
                print("| %s | %d | %s | %.3g %s | %.3g /s | %.0f%% | %s |"
                      % (key, n, us(t), w, unit, w / t, 100 * w / t / peak, us(tpk)))
        n, t, _ = rows["other"]
        print("| other | %d | %s | | | | 0 |" % (n, us(t)))
        bound = tb + tf
        print("| **network** | | **%s** (timed whole) | | | | **%s** (the bound) |"
              % (us(best["measured_s"]), us(bound)))
        line = "\nmeasured / bound: %.2f" % (best["measured_s"] / bound)
        if old:
            o = min(old)
            line += "; old %s µs (least of %d): old / new %.2f, old / bound %.2f (the ceiling)" % (
                us(o), len(old), o / best["measured_s"], o / bound)
        print(line)


if __name__ == "__main__":
    main()
