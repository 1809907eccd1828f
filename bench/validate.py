#!/usr/bin/python3
"""validate.py: the cost model's estimates against reality (docs/validation.md).

(a) This machine, without calibration: the catalog entry of its core at its
    measured clock (`bnnc bench E --target ENTRY --clock host`) for every
    example, ROUNDS rounds each, the median error.
(b) Published measurements of peer runtimes on real boards: bnnc's
    estimate of each network on the device (`bnnc NET --target T --clock F
    --report`) against the published latency, with the signed error.
    --evidence adds, per row, the instruction model of bnnc's own emitted
    code for the whole network (tools/mca/derive.py --network): the cycles
    of the code the estimate models, with every load from L1.

Nothing is fitted here: the catalog's figures come from tools/mca, the
devices' sources and the boards in bench/validation/targets.bnn.

    bench/validate.py [--bnnc build/bnnc] [--rounds 3] [--evidence]
                      [--out docs/validation.md] [--quick] [--part b]

--out rewrites the part of the file between the '<!-- BEGIN generated'
and '<!-- END generated -->' lines (the rest is prose kept by hand);
without --out the tables go to standard output. --quick (CI): one round of
one small example, and the published rows without evidence. --part b
makes table (b) alone (no timing, so a busy machine does not matter) and
with --out replaces only that table, between '### (b)' and the next
'### ' heading or the end of the generated part. Python 3
standard library only. bnnc bench builds with $CC, default clang-19 when it
is installed: the compiler whose code the catalog's figures model.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EX = os.path.join(ROOT, "examples")
VAL = os.path.join(HERE, "validation")
BOARDS = os.path.join(VAL, "targets.bnn")
EXAMPLES = ["mnist_mlp", "lenet_bin", "vgg_cifar10", "birealnet18", "quicknet"]

LCE = "LCE README (larq/compute-engine, 2022-04), published.md 1"
DABNN = "daBNN docs/benchmark_and_comparison.md (2019-05-06), published.md 2"
BOLT = "Bolt docs/BENCHMARK.md (v1.0.0, llvm build), published.md 3"
# (label, network file, network, target, clock, threads, published ms, source, mca core)
ROWS = [
    ("QuickNetSmall, RPi 4B, 1 thread", "quicknet_small.bnn", None, "rpi4b", "1.5GHz", 1, 27.7,
     LCE, "cortex-a72"),
    ("QuickNet, RPi 4B, 1 thread", "../../examples/quicknet.bnn", None, "rpi4b", "1.5GHz", 1, 45.0,
     LCE, "cortex-a72"),
    ("QuickNetLarge, RPi 4B, 1 thread", "quicknet_large.bnn", None, "rpi4b", "1.5GHz", 1, 77.0,
     LCE, "cortex-a72"),
    ("QuickNetSmall, RPi 4B, 4 threads", "quicknet_small.bnn", None, "rpi4b", "1.5GHz", 4, 12.1,
     LCE, None),
    ("QuickNet, RPi 4B, 4 threads", "../../examples/quicknet.bnn", None, "rpi4b", "1.5GHz", 4,
     20.8, LCE, None),
    ("QuickNetLarge, RPi 4B, 4 threads", "quicknet_large.bnn", None, "rpi4b", "1.5GHz", 4, 31.7,
     LCE, None),
    ("daBNN 3x3 conv 56x56x64, Pixel 1", "dabnn_convs.bnn", "dabnn_56x56x64", "pixel1", None, 1,
     1.306, DABNN, "cortex-a72"),
    ("daBNN 3x3 conv 28x28x128, Pixel 1", "dabnn_convs.bnn", "dabnn_28x28x128", "pixel1", None, 1,
     0.958, DABNN, "cortex-a72"),
    ("daBNN 3x3 conv 14x14x256, Pixel 1", "dabnn_convs.bnn", "dabnn_14x14x256", "pixel1", None, 1,
     0.975, DABNN, "cortex-a72"),
    ("daBNN 3x3 conv 7x7x512, Pixel 1", "dabnn_convs.bnn", "dabnn_7x7x512", "pixel1", None, 1,
     1.282, DABNN, "cortex-a72"),
    ("daBNN Bi-Real Net 18, Pixel 1", "../../examples/birealnet18.bnn", None, "pixel1", None, 1,
     61.3, "LCE README's daBNN row (published.md 1; daBNN's own doc: 61.9)", "cortex-a72"),
    ("Bolt Bi-Real Net 18, Kirin 810 A55", "../../examples/birealnet18.bnn", None, "kirin810-a55",
     None, 1, 64.1, BOLT, "cortex-a55"),
    ("Bolt Bi-Real Net 18, Kirin 990 A55", "../../examples/birealnet18.bnn", None, "kirin990-a55",
     None, 1, 68.1, BOLT, "cortex-a55"),
    ("Bolt Bi-Real Net 18, Kirin 810 A76", "../../examples/birealnet18.bnn", None, "kirin810-a76",
     None, 1, 23.1, BOLT, "cortex-a76"),
    ("Bolt Bi-Real Net 18, Kirin 990 A76", "../../examples/birealnet18.bnn", None, "kirin990-a76",
     None, 1, 19.1, BOLT, "cortex-a76"),
    ("CBin-NN SmallCifar, STM32F746", "cbin_smallcifar.bnn", None, "stm32f746", None, 1, 110.0,
     "CBin-NN index.md, result1.png (published.md 4)", "cortex-m7"),
    ("MNIST BNN MLP (7,890 parameters), STM32F411", "stm32_mnist_mlp.bnn", None, "stm32f411",
     None, 1, 1.3, "ittuann/STM32-Binarized-Neural-Networks README (published.md 4)",
     "cortex-m4"),
]


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.stderr.write("validate.py: failed: %s\n%s%s" % (" ".join(cmd), r.stdout[-3000:],
                                                          r.stderr[-3000:]))
        sys.exit(1)
    return r.stdout


def cpuinfo():
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ":" in ln:
                    k, v = ln.split(":", 1)
                    info.setdefault(k.strip(), v.strip())
    except OSError:
        pass
    return info


def host_entry(info):
    """The catalog entry of this machine's core, and why; None if none."""
    vendor = info.get("vendor_id", "")
    flags = set(info.get("flags", "").split())
    family = int(info.get("cpu family", "0") or 0)
    if platform.machine() != "x86_64":
        return None, "no catalog entry is matched on %s hosts" % platform.machine()
    if vendor == "GenuineIntel" and "avx512_vpopcntdq" in flags and (
            "amx_tile" in flags or "avx512_fp16" in flags):
        return "sapphire-rapids", "GenuineIntel with AVX-512 VPOPCNTDQ and AMX/AVX512-FP16: " \
                                  "Golden Cove or later Xeon P-cores"
    if vendor == "GenuineIntel" and "avx512_vpopcntdq" in flags:
        return "icelake", "GenuineIntel with AVX-512 VPOPCNTDQ, no AMX: Ice Lake class"
    if vendor == "GenuineIntel" and "avx2" in flags:
        return "skylake", "GenuineIntel with AVX2, no AVX-512: Skylake class"
    if vendor == "AuthenticAMD" and family == 0x19 and "avx512_vpopcntdq" in flags:
        return "zen4", "AuthenticAMD family 19h with AVX-512 VPOPCNTDQ: Zen 4"
    if vendor == "AuthenticAMD" and family == 0x17:
        return "zen2", "AuthenticAMD family 17h: Zen 2 class"
    return None, "no catalog entry for %s family %d" % (vendor, family)


def host_part(bnnc, rounds, examples, env):
    info = cpuinfo()
    entry, why = host_entry(info)
    rows = []
    if not entry:
        return info, entry, why, rows
    for ex in examples:
        errs, last = [], None
        for _ in range(rounds):
            d = json.loads(run([bnnc, "bench", os.path.join(EX, ex + ".bnn"), "--target", entry,
                                "--clock", "host", "--format", "json"], env))
            errs.append(d["error"])
            last = d
        med = statistics.median(errs)
        rows.append((ex, last["measured_s"], last["estimated_s"], errs, med))
    return info, entry, why, rows


def estimate(bnnc, row):
    label, f, net, target, clock, threads, pub, src, core = row
    cmd = [bnnc, os.path.normpath(os.path.join(VAL, f)), "--target", "%s:%s" % (BOARDS, target)
           if not target.startswith("rpi") else target, "--report", "--format", "json",
           "--threads", str(threads)]
    if net:
        cmd += ["--network", net]
    if clock:
        cmd += ["--clock", clock]
    d = json.loads(run(cmd))
    return d["totals"]["latency_s"] * 1e3, d


def evidence(bnnc, row, clock_hz):
    """The whole network's cycles from the instruction model of bnnc's
    code (tools/mca), in ms at the row's clock; None without a core."""
    label, f, net, target, clock, threads, pub, src, core = row
    if not core:
        return None
    cmd = [sys.executable, os.path.join(ROOT, "tools", "mca", "derive.py"), core, "--bnnc", bnnc,
           "--network", os.path.normpath(os.path.join(VAL, f)), "--target",
           "%s:%s" % (BOARDS, target) if not target.startswith("rpi") else target]
    if net:
        cmd += ["--net", net]
    out = run(cmd)
    m = re.search(r"# total ([\d.]+) cycles", out)
    return float(m.group(1)) / clock_hz * 1e3 if m else None


def fmt_ms(v):
    return "%.3g" % v if v < 10 else "%.1f" % v


def tables(args, env):
    out = []
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    cc = env.get("CC", "cc")
    ver = run([args.bnnc, "--version"]).strip()
    out.append("Generated by `bench/validate.py%s` on %s with %s; `bnnc bench` built the "
               "emitted C with `%s`." % (" --evidence" if args.evidence else "", when, ver, cc))
    out.append("")
    if args.part == "b":
        return "\n".join(out[2:]) + table_b(args)
    info, entry, why, hrows = host_part(args.bnnc, args.rounds,
                                        EXAMPLES[:1] if args.quick else EXAMPLES, env)
    out.append("### (a) This machine, the catalog entry of its core, no calibration")
    out.append("")
    out.append("Host: %s (%s, family %s, model %s), %s. Catalog entry: %s." % (
        info.get("model name", "?"), info.get("vendor_id", "?"), info.get("cpu family", "?"),
        info.get("model", "?"), "%d CPUs" % os.cpu_count(),
        "`%s` (%s)" % (entry, why) if entry else why))
    out.append("")
    if hrows:
        out.append("| example | measured | estimated (`--target %s --clock host`) | error per round "
                   "| median error |" % entry)
        out.append("|---|---:|---:|---|---:|")
        for ex, m, e, errs, med in hrows:
            out.append("| %s | %s ms | %s ms | %s | %+.1f%% |" % (
                ex, fmt_ms(m * 1e3), fmt_ms(e * 1e3), ", ".join("%+.1f%%" % (100 * x)
                                                                 for x in errs), 100 * med))
        worst = max(abs(r[4]) for r in hrows)
        out.append("")
        out.append("Largest |median error|: %.1f%% (goal: 20%%)." % (100 * worst))
    out.append("")
    return "\n".join(out) + "\n" + table_b(args)


def table_b(args):
    """Table (b), from its heading on."""
    out = []
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    out.append("### (b) Published measurements of peer runtimes on real boards")
    out.append("")
    if args.part == "b":
        out.append("Table (b) regenerated by `bench/validate.py --part b%s` on %s." % (
            " --evidence" if args.evidence else "", when))
        out.append("")
    head = "| row | device (target, clock) | published | bnnc estimate | error |"
    line = "|---|---|---:|---:|---:|"
    if args.evidence:
        head += " instruction model of bnnc's code |"
        line += "---:|"
    out.append(head + " source |")
    out.append(line + "---|")
    worst = []
    for k, row in enumerate(ROWS, 1):
        label, f, net, target, clock, threads, pub, src, core = row
        est, d = estimate(args.bnnc, row)
        err = (est - pub) / pub
        worst.append(abs(err))
        dev = "%s, %.4g GHz%s" % (target, d["target"]["clock_hz"] / 1e9,
                                  ", %d threads" % threads if threads > 1 else "")
        cells = "| %d %s | %s | %s ms | %s ms | %+.1f%% |" % (k, label, dev, fmt_ms(pub),
                                                            fmt_ms(est), 100 * err)
        if args.evidence:
            ev = evidence(args.bnnc, row, d["target"]["clock_hz"])
            cells += " %s |" % ("%s ms" % fmt_ms(ev) if ev else "-")
        out.append(cells + " %s |" % src)
    out.append("")
    inside = sum(1 for w in worst if w <= 0.25)
    out.append("%d of %d rows within +-25%%." % (inside, len(worst)))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bnnc", default=os.path.join(ROOT, "build", "bnnc"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--evidence", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--part", choices=["b"])
    args = ap.parse_args()
    if args.quick:
        args.rounds = 1
    env = dict(os.environ)
    if "CC" not in env and shutil.which("clang-19"):
        env["CC"] = "clang-19"
    text = tables(args, env)
    if not args.out:
        sys.stdout.write(text)
        return
    doc = open(args.out).read() if os.path.exists(args.out) else ""
    a = doc.find("<!-- BEGIN generated")
    b = doc.find("<!-- END generated -->")
    if a < 0 or b < a:
        sys.exit("validate.py: %s has no '<!-- BEGIN generated' ... '<!-- END generated -->' "
                 "part" % args.out)
    a = doc.index("\n", a) + 1
    if args.part == "b":
        t = doc.find("### (b)", a, b)
        if t < 0:
            sys.exit("validate.py: %s has no '### (b)' heading in its generated part" % args.out)
        e = doc.find("\n### ", t + 1, b)
        a, b = t, (e + 1 if e >= 0 else b)
        text = text[text.index("### (b)"):]
    with open(args.out + ".tmp", "w") as f:
        f.write(doc[:a] + text + doc[b:])
    os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
