#!/usr/bin/python3
"""derive.py: per-core costs from instruction models of the C bnnc emits.

For a core of the catalog this script

 1. emits the calibration networks of `bnnc calibrate` (or any network,
    with --network) as C for the core's catalog target (`bnnc --emit c`,
    with the timing points between layers);
 2. compiles that C with clang for the core (`-mcpu=cortex-a72`,
    `-march=znver4`, ...) to assembly;
 3. adds a counter at the start of every basic block, assembles and runs
    the program once (under qemu-user for Arm, natively for x86), so that
    each block's executions are known layer by layer;
 4. runs llvm-mca with the core's scheduling model on every block that ran,
    for its cycles per execution in a steady state;
 5. sums executions x cycles per layer and writes the layers' cycles, then
    has `bnnc calibrate --from` fit them exactly as it fits measured times
    into the target's `cost` and `ops` sections (tools/mca/out/CORE.bnn).

Nothing here is fitted to a whole-network latency: the figures are the
cycles of the calibration networks' layers, from the instruction model of
the code that bnnc emits. Calls to library functions are not inside any
block of ours: the script removes them from llvm-mca's input and charges
each call the figure of CALL_CYCLES (estimates, listed in the output).

    derive.py CORE                      # tools/mca/out/CORE.{cycles,bnn}
    derive.py CORE --update-catalog     # also rewrite the catalog's section
    derive.py CORE --network F.bnn [--net NAME] [--target T]
                                        # per-layer cycles of any network
    derive.py --list                    # the cores and their models

Needs clang-19 and llvm-19 (Debian packages clang-19, llvm-19), qemu-user,
and for the Arm cores the cross C libraries (libc6-dev-arm64-cross,
libc6-dev-armhf-cross, binutils for both). Python 3 standard library only.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LLVM = os.environ.get("BNNC_LLVM", "/usr/lib/llvm-19/bin")
CLANG = os.environ.get("BNNC_CLANG", "clang-19")

AARCH64 = dict(isa="aarch64", triple="aarch64-unknown-linux-gnu", mca_triple="aarch64",
               run=["qemu-aarch64"], link=["--target=aarch64-unknown-linux-gnu"])
THUMB = dict(isa="thumb", triple="thumbv7em-unknown-linux-gnueabihf", mca_triple="thumbv7em",
             run=["qemu-arm"], link=["--target=armv8a-unknown-linux-gnueabihf",
                                     "-mfloat-abi=hard", "-fuse-ld=bfd"])
X86 = dict(isa="x86_64", triple="x86_64-unknown-linux-gnu", mca_triple="x86_64", run=[],
           link=[])

# target: the catalog target whose emitted C is compiled (its kernels and
# word size); cflags: how clang compiles for the core; mcpu: llvm-mca's
# scheduling model; note: what stands in where LLVM has no model.
CORES = {
    "cortex-a53": dict(AARCH64, target="cortex-a53", cflags=["-mcpu=cortex-a53"],
                       mcpu="cortex-a53", note="LLVM's Cortex-A53 model (in order)"),
    "cortex-a55": dict(AARCH64, target="cortex-a55", cflags=["-mcpu=cortex-a55"],
                       mcpu="cortex-a55", note="LLVM's Cortex-A55 model (in order)"),
    "cortex-a57": dict(AARCH64, target="cortex-a57", cflags=["-mcpu=cortex-a57"],
                       mcpu="cortex-a57", note="LLVM's Cortex-A57 model"),
    "cortex-a72": dict(AARCH64, target="cortex-a72", cflags=["-mcpu=cortex-a72"],
                       mcpu="cortex-a72",
                       note="LLVM 19 schedules -mcpu=cortex-a72 with its Cortex-A57 model "
                            "(it has no A72 model of its own)"),
    "cortex-a76": dict(AARCH64, target="cortex-a76", cflags=["-mcpu=cortex-a76"],
                       mcpu="neoverse-n1",
                       note="stand-in: LLVM 19 has no Cortex-A76 model (-mcpu=cortex-a76 gets "
                            "the Cortex-A57 one); its Neoverse N1 model, an A76-derived core, "
                            "as in the catalog's instruction tables (S3)"),
    "cortex-m4": dict(THUMB, target="cortex-m4",
                      cflags=["-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
                      mcpu="cortex-m4", note="LLVM's Cortex-M4 model"),
    "cortex-m7": dict(THUMB, target="cortex-m7",
                      cflags=["-mcpu=cortex-m7", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"],
                      mcpu="cortex-m7", note="LLVM's Cortex-M7 model (dual issue)"),
    "cortex-m33": dict(THUMB, target="cortex-m33",
                       cflags=["-mcpu=cortex-m33", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"],
                       mcpu="cortex-m33", note="LLVM schedules cortex-m33 with its Cortex-M4 "
                                               "model (S8)"),
    "cortex-m0plus": dict(THUMB, target="cortex-m0plus",
                          triple="thumbv6m-unknown-linux-gnueabihf",
                          cflags=["-mcpu=cortex-m0plus", "-mfloat-abi=soft", "-D__ARM_PCS_VFP=1"],
                          link=["--target=armv8a-unknown-linux-gnueabihf", "-mfloat-abi=hard",
                                "-fuse-ld=bfd"],
                          mcpu="cortex-m4",
                          note="stand-in: LLVM has no Cortex-M0+ model; its Cortex-M4 model "
                               "(also single issue, 1-cycle ALU, 2-cycle loads: S9) on the "
                               "ARMv6-M code; soft-float calls at CALL_CYCLES"),
    "skylake": dict(X86, target="skylake", cflags=["-march=skylake"], mcpu="skylake",
                    note="LLVM's Skylake model"),
    "zen2": dict(X86, target="zen2", cflags=["-march=znver2", "-mno-sse4a"], mcpu="znver2",
                 note="LLVM's Zen 2 model (-mno-sse4a: AMD's insertq would not run on an "
                      "Intel host that counts the blocks)"),
    "icelake": dict(X86, target="icelake", cflags=["-march=icelake-client"],
                    mcpu="icelake-client", note="LLVM's Ice Lake client model"),
    "zen4": dict(X86, target="zen4", cflags=["-march=znver4", "-mno-sse4a"], mcpu="znver4",
                 note="LLVM's Zen 4 model (-mno-sse4a: AMD's insertq would not run on an "
                      "Intel host that counts the blocks)"),
    "sapphire-rapids": dict(X86, target="sapphire-rapids",
                            cflags=["-march=sapphirerapids", "-mno-avx512fp16"],
                            mcpu="sapphirerapids",
                            note="LLVM's Sapphire Rapids model (-mno-avx512fp16: clang's "
                                 "vmovw would not run on an AMD host that counts the blocks)"),
}

# Cycles charged for a call to a library function, which no block of ours
# covers. Estimates: the functions were not modelled.
CALL_CYCLES = {
    "expf": 40, "exp": 60, "memcpy": 40, "memset": 40, "memmove": 40,
    "__aeabi_fadd": 60, "__aeabi_fsub": 60, "__aeabi_fmul": 60, "__aeabi_fdiv": 120,
    "__aeabi_i2f": 40, "__aeabi_f2iz": 40, "__aeabi_fcmplt": 30, "__aeabi_fcmpge": 30,
    "__aeabi_fcmpgt": 30, "__aeabi_fcmple": 30, "__aeabi_fcmpeq": 30, "__aeabi_fcmpun": 30,
    "__aeabi_ui2f": 40, "__aeabi_f2d": 30, "__aeabi_d2f": 30,
}
DEFAULT_CALL = 50

BLOCK_RE = re.compile(r"^(\.LBB\d+_\d+):|^\s*(?://|#|@) (%bb\.\d+):")
LABEL_RE = re.compile(r"^([\w.$]+):")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.stderr.write("derive.py: failed: %s\n%s%s" % (" ".join(cmd), r.stdout[-4000:],
                                                        r.stderr[-4000:]))
        sys.exit(1)
    return r.stdout


def comment_char(isa):
    return {"aarch64": "//", "thumb": "@", "x86_64": "#"}[isa]


def counter(isa, off):
    """Code that adds 1 to the counter at byte offset `off` of the current
    layer's row, changing no register and no flag."""
    if isa == "aarch64":
        return ["\tstp x16, x17, [sp, #-16]!",
                "\tadrp x16, bnnmca_cur", "\tldr x17, [x16, :lo12:bnnmca_cur]",
                "\tadrp x16, bnnmca_cnt", "\tadd x16, x16, :lo12:bnnmca_cnt",
                "\tadd x16, x16, x17",
                "\tmov x17, #%d" % (off & 0xFFFF), "\tmovk x17, #%d, lsl #16" % (off >> 16),
                "\tadd x16, x16, x17",
                "\tldr x17, [x16]", "\tadd x17, x17, #1", "\tstr x17, [x16]",
                "\tldp x16, x17, [sp], #16"]
    if isa == "thumb":
        return ["\tpush {r0, r1}",
                "\tmovw r0, :lower16:bnnmca_cur", "\tmovt r0, :upper16:bnnmca_cur",
                "\tldr r1, [r0]",
                "\tmovw r0, :lower16:(bnnmca_cnt+%d)" % off,
                "\tmovt r0, :upper16:(bnnmca_cnt+%d)" % off,
                "\tadd r0, r1", "\tldr r1, [r0]", "\tadd.w r1, r1, #1", "\tstr r1, [r0]",
                "\tpop {r0, r1}"]
    return ["\tleaq -128(%rsp), %rsp", "\tpushq %rax", "\tpushq %rdx",
            "\tmovq bnnmca_cur(%rip), %rax", "\tleaq bnnmca_cnt(%rip), %rdx",
            "\tleaq %d(%%rdx,%%rax), %%rdx" % off,
            "\tmovq (%rdx), %rax", "\tleaq 1(%rax), %rax", "\tmovq %rax, (%rdx)",
            "\tpopq %rdx", "\tpopq %rax", "\tleaq 128(%rsp), %rsp"]


def instrument(asm, isa):
    """The assembly with a counter at every basic block, and each block's
    instructions (for llvm-mca) and the functions it calls."""
    cc = comment_char(isa)
    slot = 4 if isa == "thumb" else 8
    funcs = set(re.findall(r"\.type\s+([\w.$]+),\s*[@%]function", asm))
    out, blocks, calls = [], [], []
    cur, pending = None, None
    for ln in asm.split("\n"):
        s = ln.strip()
        lm = LABEL_RE.match(ln)
        if BLOCK_RE.match(ln) or (lm and lm.group(1) in funcs):
            out.append(ln)
            cur = pending = len(blocks)
            blocks.append([])
            calls.append([])
            continue
        code = s and not s.startswith(".") and not LABEL_RE.match(s) and not s.startswith(cc) \
            and not s.startswith("#")
        if pending is not None and code:
            out.extend(counter(isa, slot * pending))
            pending = None
        if cur is not None and code:
            ins = s.split(cc)[0].strip()
            m = re.match(r"(?:bl|blx|call|callq|jmp|b)\s+([A-Za-z_][\w.$@]*)", ins)
            # A call of a function of this file (a kernel the compiler did
            # not inline) stays an instruction of its block: the callee's
            # blocks are counted where they run, in the caller's layer.
            if m and not m.group(1).startswith(".L") and m.group(1) not in funcs and (
                    ins.split()[0] in ("bl", "blx", "call", "callq") or m.group(1) in CALL_CYCLES
                    or m.group(1).startswith("__aeabi")):
                calls[cur].append(m.group(1).split("@")[0])
            else:
                blocks[cur].append(ins)
        if s.startswith(".size") or s.startswith(".cfi_endproc"):
            cur = None
        out.append(ln)
    return "\n".join(out) + "\n", blocks, calls


def for_linking(asm, core):
    """Thumb code for an M profile, assembled for an A-profile Linux: the
    instructions are common to both; only the attributes change."""
    if core["isa"] != "thumb":
        return asm
    asm = re.sub(r"(?m)^\s*\.cpu\s.*$", "\t.arch armv8-a", asm)
    asm = re.sub(r"(?m)^\s*\.arch\s+armv[67].*$", "\t.arch armv8-a", asm)
    asm = re.sub(r"(?m)^\s*\.fpu\s.*$", "\t.fpu crypto-neon-fp-armv8", asm)
    asm = re.sub(r"(?m)^\s*\.eabi_attribute\s+(6|7|8|9|27|28|36),.*$", "", asm)
    # The counters lengthen the code past the 126 bytes a cbz or cbnz
    # reaches: the opposite test hops over a long branch (no flag changes).
    hops = iter(range(1 << 30))

    def hop(m):
        k = next(hops)
        other = "cbnz" if m.group(2) == "cbz" else "cbz"
        return "%s%s %s, .Lbnnmca_hop%d\n\tb.w %s\n.Lbnnmca_hop%d:" % (
            m.group(1), other, m.group(3), k, m.group(4), k)
    asm = re.sub(r"(?m)^(\s*)(cbz|cbnz)\s+(r\d+),\s*(\S+)", hop, asm)
    # Every object claims the hard-float calling convention of the C
    # library (a soft-float core's code passes no float to it but expf's).
    return asm.replace("\t.syntax unified", "\t.syntax unified\n\t.eabi_attribute 28, 1", 1)


DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include NET_H
#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
#if __SIZEOF_POINTER__ == 8 || defined(__x86_64__)
typedef unsigned long long bnnmca_t;
#else
typedef unsigned int bnnmca_t;
#endif
bnnmca_t bnnmca_cnt[(NL + 2) * NB];
long bnnmca_cur;
void bnn_timing(int k) { bnnmca_cur = (long)(k + 1) * NB * (long)sizeof(bnnmca_t); }
int main(void)
{
    const char *it = XCAT(NET, _input_types), *ot = XCAT(NET, _output_types);
    void *in[64], *out[64];
    int nin = (int)strlen(it), nout = (int)strlen(ot);
    srand(1);
    for (int i = 0; i < nin; i++) {
        long n = XCAT(NET, _input_sizes)[i];
        unsigned char *p = malloc((size_t)n * 4 + 4);
        if (it[i] == 'f') {
            float *q = (float *)p;
            for (long k = 0; k < n; k++)
                q[k] = (float)(rand() % 2001 - 1000) / 1000.0f;
        } else {
            for (long k = 0; k < n * 4; k++)
                p[k] = (unsigned char)rand();
        }
        in[i] = p;
    }
    for (int i = 0; i < nout; i++)
        out[i] = malloc((size_t)XCAT(NET, _output_sizes)[i] * 4 + 4);
    XCAT(NET, _infer_v)((const void *const *)in, out);
    memset(bnnmca_cnt, 0, sizeof bnnmca_cnt);
    bnnmca_cur = 0;
    XCAT(NET, _infer_v)((const void *const *)in, out);
    for (long l = 0; l < NL + 2; l++)
        for (long b = 0; b < NB; b++)
            if (bnnmca_cnt[l * NB + b])
                printf("%ld %ld %llu\n", l, b, (unsigned long long)bnnmca_cnt[l * NB + b]);
    return 0;
}
"""


def mca_cycles(blocks, used, core, work):
    """Cycles per execution of each used block, steady state, from one
    llvm-mca run with a code region per block."""
    text = []
    marker = "@" if core["isa"] == "thumb" else "#"
    for b in sorted(used):
        ins = [x for x in blocks[b] if x]
        if not ins:
            continue
        text.append("%s LLVM-MCA-BEGIN b%d" % (marker, b))
        text.extend(ins)
        text.append("%s LLVM-MCA-END" % marker)
    path = os.path.join(work, "mca.s")
    with open(path, "w") as f:
        f.write("\n".join(text) + "\n")
    r = subprocess.run([os.path.join(LLVM, "llvm-mca"), "-mtriple=" + core["mca_triple"],
                        "-mcpu=" + core["mcpu"], "-iterations=200", "-all-views=false",
                        "-summary-view", "-skip-unsupported-instructions=lack-sched", path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr[-4000:])
        sys.exit(1)
    cyc, cur = {}, None
    for ln in r.stdout.split("\n"):
        m = re.match(r"\[\d+\] Code Region - b(\d+)", ln)
        if m:
            cur = int(m.group(1))
        m = re.match(r"Total Cycles:\s+(\d+)", ln)
        if m and cur is not None:
            cyc[cur] = int(m.group(1)) / 200.0
    return cyc


def layer_cycles(bnnc, core, src, net, target, work, seed=1, show=0, runtime=None,
                 flags=()):
    """Per timing point (layer 1..n): cycles, and calls charged; with show,
    the `show` costliest blocks of each layer on standard error; with
    runtime, a folder whose kernel library headers replace the ones bnnc
    wrote (another revision's runtime/, same interface); flags: more
    options of bnnc."""
    out = os.path.join(work, net)
    run([bnnc, src, "--network", net, "--target", target, "--emit", "c", "-o", out,
         "--seed", str(seed)] + list(flags))
    if runtime:
        for h in os.listdir(out):
            if h.startswith("bnn_") and h.endswith(".h"):
                shutil.copyfile(os.path.join(runtime, h), os.path.join(out, h))
    name = [f[:-2] for f in os.listdir(out) if f.endswith(".c") and not f.endswith("_weights.c")][0]
    csrc = os.path.join(out, name + ".c")
    nl = int(re.search(r"_num_layers = (\d+)", open(csrc).read()).group(1))
    cflags = ["--target=" + core["triple"]] + core["cflags"] + ["-O3", "-std=c99"]
    asm = run([CLANG] + cflags + ["-DBNN_TIMING", "-S", "-o", "-", csrc])
    inst, blocks, calls = instrument(asm, core["isa"])
    with open(os.path.join(work, net + ".s"), "w") as f:
        f.write(for_linking(inst, core))
    drv = os.path.join(work, net + "_drv.c")
    with open(drv, "w") as f:
        f.write('#define NET %s\n#define NET_H "%s"\n#define NB %d\n#define NL %d\n%s' %
                (name, os.path.join(out, name + ".h"), len(blocks), nl, DRIVER))
    objs = []
    for c in (drv, os.path.join(out, name + "_weights.c")):
        o = c + ".s"
        run([CLANG] + cflags + ["-S", "-o", o, c])
        with open(o) as f:
            t = for_linking(f.read(), core)
        with open(o, "w") as f:
            f.write(t)
        objs.append(o)
    prog = os.path.join(work, net + ".prog")
    run([CLANG] + core["link"] + ["-static", "-o", prog, os.path.join(work, net + ".s")] +
        objs + ["-lm"])
    counts = collections.defaultdict(dict)
    used = set()
    for ln in run(core["run"] + [prog]).split("\n"):
        if ln.strip():
            l, b, n = (int(x) for x in ln.split())
            counts[l][b] = n
            used.add(b)
    cyc = mca_cycles(blocks, used, core, work)
    res = []
    for k in range(1, nl + 1):
        c, ncall = 0.0, collections.Counter()
        for b, n in counts.get(k, {}).items():
            c += n * cyc.get(b, 0.0)
            for fn in calls[b]:
                if fn != "bnn_timing":  # the timing points, not in the network's code
                    ncall[fn] += n
        for fn, n in ncall.items():
            c += n * CALL_CYCLES.get(fn, DEFAULT_CALL)
        res.append((c, dict(ncall)))
        if show:
            top = sorted(counts.get(k, {}).items(), key=lambda x: -x[1] * cyc.get(x[0], 0))
            sys.stderr.write("%s layer %d: %.0f cycles\n" % (net, k, c))
            for b, n in top[:show]:
                sys.stderr.write("  block %d: %d x %.2f cycles, %d instructions\n" %
                                 (b, n, cyc.get(b, 0), len(blocks[b])))
                if show > 1:
                    sys.stderr.write("".join("      %s\n" % i for i in blocks[b]))
    return res


def tool_versions():
    v = run([CLANG, "--version"]).split("\n")[0]
    m = run([os.path.join(LLVM, "llvm-mca"), "--version"])
    mv = re.search(r"LLVM version ([\d.]+)", m)
    return v, "llvm-mca " + (mv.group(1) if mv else "?")


def update_catalog(core_name, frag):
    """Replaces the section between '# BEGIN derived CORE' and '# END
    derived CORE' of stdlib/std/targets.bnn with the fragment."""
    path = os.path.join(ROOT, "stdlib", "std", "targets.bnn")
    text = open(path).read()
    a = "    # BEGIN derived %s (tools/mca/derive.py; do not edit by hand)\n" % core_name
    b = "    # END derived %s\n" % core_name
    i, j = text.find(a), text.find(b)
    if i < 0 or j < i:
        sys.exit("derive.py: %s has no '%s' ... '%s' section" % (path, a.strip(), b.strip()))
    text = text[:i + len(a)] + frag + text[j:]
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("core", nargs="?")
    ap.add_argument("--bnnc", default=os.path.join(ROOT, "build", "bnnc"))
    ap.add_argument("--network", help="a .bnn file: print its layers' cycles instead")
    ap.add_argument("--net", help="the network of --network (default: its first)")
    ap.add_argument("--target", help="with --network: the target to emit for")
    ap.add_argument("--option", action="append", default=[],
                    help="with --network: an option of bnnc's emission, as "
                         "--option=-fno-fuse-epilogue (repeatable)")
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--update-catalog", action="store_true")
    ap.add_argument("--keep", help="keep the work files in this folder")
    ap.add_argument("--runtime", help="compile with the kernel library headers of this "
                                      "folder (e.g. another revision's runtime/) instead of "
                                      "the ones bnnc writes")
    ap.add_argument("--blocks", type=int, default=0,
                    help="print each layer's N costliest blocks (N > 1: with their code)")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for k, c in CORES.items():
            print("%-15s target %-15s llvm-mca -mcpu=%-15s %s" % (k, c["target"], c["mcpu"],
                                                                 c["note"]))
        return
    if a.core not in CORES:
        ap.error("name a core: %s" % ", ".join(CORES))
    core = CORES[a.core]
    work = a.keep or tempfile.mkdtemp(prefix="bnnc-mca-")
    os.makedirs(work, exist_ok=True)
    try:
        clang_v, mca_v = tool_versions()
        if a.network:
            net = a.net
            if not net:
                m = re.search(r"(?m)^network\s+([\w-]+)", open(a.network).read())
                net = m.group(1)
            res = layer_cycles(a.bnnc, core, a.network, net, a.target or core["target"], work,
                               show=a.blocks, runtime=a.runtime, flags=a.option)
            total = 0.0
            print("# %s on %s: %s -mcpu=%s (%s); %s" % (net, a.core, mca_v, core["mcpu"],
                                                      core["note"], clang_v))
            for k, (c, calls) in enumerate(res, 1):
                total += c
                print("%s %d %.1f%s" % (net, k, c, "  # calls: %s" % calls if calls else ""))
            print("# total %.1f cycles" % total)
            return
        src = os.path.join(work, "calib.bnn")
        with open(src, "w") as f:
            f.write(run([a.bnnc, "calibrate", "--networks"]))
        os.makedirs(a.out, exist_ok=True)
        lines = ["# %s: per-layer cycles of the calibration networks, emitted for the catalog "
                 "target %s" % (a.core, core["target"]),
                 "# compiled: %s --target=%s %s -O3" % (clang_v, core["triple"],
                                                       " ".join(core["cflags"])),
                 "# model: %s -mcpu=%s: %s" % (mca_v, core["mcpu"], core["note"]),
                 "# executions of each basic block counted under %s" %
                 (" ".join(core["run"]) or "the host, natively")]
        for net in ("calib_bconv", "calib_ops"):
            # Without fused epilogues, as `bnnc calibrate` builds them: each
            # operation's cycles are its own layer's, and the timing points
            # are the layers `calibrate --from` reads (in these networks
            # nothing would fuse: every binary layer's value is an output).
            for k, (c, calls) in enumerate(layer_cycles(a.bnnc, core, src, net, core["target"],
                                                        work, show=a.blocks,
                                                        runtime=a.runtime,
                                                        flags=["-fno-fuse-epilogue"]), 1):
                lines.append("%s %d %.1f%s" % (net, k, c, "  # calls charged: %s" %
                                               ", ".join("%s x%d at %d cycles" %
                                                         (fn, n, CALL_CYCLES.get(fn, DEFAULT_CALL))
                                                         for fn, n in sorted(calls.items()))
                                               if calls else ""))
        cyc_path = os.path.join(a.out, a.core + ".cycles")
        with open(cyc_path, "w") as f:
            f.write("\n".join(lines) + "\n")
        frag_path = os.path.join(a.out, a.core + ".bnn")
        source = "%s -mcpu=%s of the C compiled by %s %s (tools/mca/out/%s.cycles)" % (
            mca_v, core["mcpu"], clang_v.replace("Debian ", ""), " ".join(core["cflags"]),
            a.core)
        run([a.bnnc, "calibrate", "--from", cyc_path, "--target", core["target"], "-o",
             frag_path, "--source", source])
        if a.update_catalog:
            update_catalog(a.core, open(frag_path).read())
        print("derive.py: wrote %s and %s" % (cyc_path, frag_path))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
