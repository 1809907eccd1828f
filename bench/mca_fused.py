#!/usr/bin/python3
"""mca_fused.py: the estimate of each fused binary layer against the
instruction model of its code (docs/benchmarks.md, "Catalog re-derived
after fusion and threads").

    bench/mca_fused.py CORE TARGET [NETWORK] [--bnnc build/bnnc]
    bench/mca_fused.py cortex-a72 rpi4b examples/quicknet.bnn

For every layer the pass fuse-epilogue made (`bconv2d+relu+bn+add`):
the estimate's compute cycles (`bnnc NETWORK --target TARGET --report
--format json`: cycles_xnor + cycles_other, no memory term) against
tools/mca/derive.py's cycles of the fused code (every load from L1, as
llvm-mca takes it); then the epilogue alone, per output element: the
fused layer less the same binary layer built with -fno-fuse-epilogue,
in both; and the unfused steps (the layers the epilogue replaced, each
its own layer) in both. Python 3 standard library only.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def report(bnnc, net, target, opts):
    r = subprocess.run([bnnc, net, "--target", target, "--report", "--format", "json"] + opts,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)["layers"]


def mca(bnnc, core, net, target, opts):
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mca", "derive.py"), core,
                        "--bnnc", bnnc, "--network", net, "--target", target] +
                       ["--option=" + o for o in opts], capture_output=True, text=True, check=True)
    return [float(ln.split()[2]) for ln in r.stdout.split("\n")
            if ln and not ln.startswith("#")]


def compute(layer):
    return layer["cycles_xnor"] + layer["cycles_other"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("core")
    ap.add_argument("target")
    ap.add_argument("network", nargs="?", default=os.path.join(ROOT, "examples", "quicknet.bnn"))
    ap.add_argument("--bnnc", default=os.path.join(ROOT, "build", "bnnc"))
    a = ap.parse_args()
    nofuse = ["-fno-fuse-epilogue"]
    F, U = report(a.bnnc, a.network, a.target, []), report(a.bnnc, a.network, a.target, nofuse)
    mf = mca(a.bnnc, a.core, a.network, a.target, [])
    mu = mca(a.bnnc, a.core, a.network, a.target, nofuse)
    if len(F) != len(mf) or len(U) != len(mu):
        sys.exit("mca_fused.py: the report's layers and the timing points differ")
    where = {u["name"]: k for k, u in enumerate(U)}
    print("# %s on %s (%s); cycles of compute, every load from L1" %
          (os.path.basename(a.network), a.target, a.core))
    print("| layer | operation | estimate | llvm-mca | est/mca | epilogue est | epilogue mca "
          "| unfused steps est | unfused steps mca |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    te = tm = 0.0
    for i, f in enumerate(F):
        if "+" not in f["op"] or f["name"] not in where:
            continue
        b = where[f["name"]]
        steps = len(f["op"].split("+")) - 1
        n = 1
        for d in f["shape"]:
            n *= d
        e, m = compute(f), mf[i]
        te, tm = te + e, tm + m
        print("| %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.3f | %.3f |" % (
            f["name"], f["op"], e, m, e / m, (e - compute(U[b])) / n, (m - mu[b]) / n,
            sum(compute(u) for u in U[b + 1:b + 1 + steps]) / n, sum(mu[b + 1:b + 1 + steps]) / n))
    print("\nfused layers: estimate %.0f, llvm-mca %.0f cycles (%.2f); whole network: "
          "estimate %.0f, llvm-mca %.0f; unfused: estimate %.0f, llvm-mca %.0f" % (
              te, tm, te / tm if tm else 0, sum(compute(f) for f in F), sum(mf),
              sum(compute(u) for u in U), sum(mu)))
    print("(epilogue and steps in cycles per output element)")


if __name__ == "__main__":
    main()
