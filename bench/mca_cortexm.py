#!/usr/bin/python3
"""mca_cortexm.py: cycles per 32-bit word of the Cortex-M popcount kernels.

Each variant of bench/mca_cortexm.c (the `swar` flavour's blocks as
runtime/bnn_cortexm.h has them, the loop it had before, a call of libgcc's
__popcountsi2 per word, and the alternatives that were tried) is compiled
for the core, by clang-19 (--target=thumbv7em-none-eabi, -O3, as
tools/mca/derive.py compiles the catalog's code) and by arm-none-eabi-gcc
(-O2), then counted and priced the way derive.py prices a network:

  1. a counter at the start of every basic block (derive.instrument), the
     program run once under qemu-arm on random words, with every result
     checked against a bit-by-bit popcount (and once more on all-ones
     words, where the counts are largest);
  2. llvm-mca-19 with the core's model (-mcpu=cortex-m4, cortex-m7) gives
     each block that ran its cycles per execution in a steady state;
  3. cycles of a call = sum of executions x cycles; per word = that over n
     words (bnn_block_pop) or 4 n (bnn_block_pop4: four fields share each
     weight word).

__popcountsi2 is libgcc's own code: its disassembly (arm-none-eabi-objdump
of the libgcc.a that arm-none-eabi-gcc links for the core) is assembled
into the program as a function, counted and priced like the rest; each
`bl` that calls it is charged 1 cycle, the price llvm-mca's models give a
branch (llvm-mca prices a call at 100 cycles, so it cannot take the `bl`
itself). llvm-mca charges no pipeline refill for a taken branch (the
Cortex-M4 TRM: 1 + P cycles, P = 1 to 3): the table also gives, per word,
the instructions and the branches executed (calls and returns included).

    python3 bench/mca_cortexm.py [--words 9,18,36,72,144] [--cores cortex-m4,cortex-m7]
                                 [--keep DIR]

Needs what derive.py needs for the Thumb cores (clang-19, llvm-19,
qemu-user, libc6-dev-armhf-cross) and arm-none-eabi-gcc (with its newlib
headers). Python 3 standard library only.
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
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tools", "mca"))
import derive  # noqa: E402  (tools/mca/derive.py: instrument, for_linking, mca_cycles)

NEWLIB = "/usr/lib/arm-none-eabi/include"
# Core -> the flags of both compilers (the FPU does not matter here: the
# kernels are integer code, and a hard-float ABI links with the C library).
CORES = {
    "cortex-m4": ["-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
    "cortex-m7": ["-mcpu=cortex-m7", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"],
}
# The variants of bench/mca_cortexm.c, in the order of the tables.
VARIANTS = [
    ("library", "bnn_cortexm.h as it is: a full adder over three words, two nibble counts, USADA8"),
    ("before", "the loop swar had before: per word the SWAR popcount and its multiply"),
    ("libcall", "a call of libgcc's __popcountsi2 per word (CBin-NN's generated code)"),
    ("usada1", "per word: nibble counts, bytes, USADA8 (no grouping)"),
    ("pairs", "two words' nibble counts summed, one byte step and USADA8 a pair"),
    ("hs8", "Harley-Seal over 8 words a field (carry-save tree), one popcount per 8"),
]
DRIVER = r"""
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
typedef void kfn(const uint32_t *, const uint32_t *, int, int32_t *);
%(decls)s
static kfn *const fns[] = {%(fns)s};
static const int fields[] = {%(fields)s}, words[] = {%(words)s};
unsigned bnnmca_cnt[(NC + 1) * NB];
long bnnmca_cur;
static uint32_t a[4 * MAXN], w[MAXN];
static int ref(uint32_t x)
{
    int c = 0;
    for (int i = 0; i < 32; i++)
        c += (int)((x >> i) & 1u);
    return c;
}
static int check(int k)
{
    int32_t pops[4];
    int n = words[k], bad = 0;
    bnnmca_cur = (long)k * NB * (long)sizeof(unsigned);
    fns[k](a, w, n, pops);
    bnnmca_cur = (long)NC * NB * (long)sizeof(unsigned);
    for (int p = 0; p < fields[k]; p++) {
        int32_t want = 0;
        for (int j = 0; j < n; j++)
            want += ref(a[(fields[k] == 1 ? 0 : p * n) + j] ^ w[j]);
        if (pops[p] != want) {
            printf("wrong %%d %%d %%d %%d\n", k, p, (int)pops[p], (int)want);
            bad = 1;
        }
    }
    return bad;
}
int main(void)
{
    int bad = 0;
    for (int i = 0; i < 4 * MAXN; i++)
        a[i] = (uint32_t)rand() ^ ((uint32_t)rand() << 16);
    for (int i = 0; i < MAXN; i++)
        w[i] = (uint32_t)rand() ^ ((uint32_t)rand() << 16);
    for (int k = 0; k < NC; k++)
        bad |= check(k);
    for (long l = 0; l < NC; l++)
        for (long b = 0; b < NB; b++)
            if (bnnmca_cnt[l * NB + b])
                printf("%%ld %%ld %%u\n", l, b, bnnmca_cnt[l * NB + b]);
    /* All-ones fields against all-zero weights: every count at its
     * largest (32 a word), where a byte or nibble sum would overflow. */
    for (int i = 0; i < 4 * MAXN; i++)
        a[i] = 0xFFFFFFFFu;
    for (int i = 0; i < MAXN; i++)
        w[i] = 0;
    for (int k = 0; k < NC; k++)
        bad |= check(k);
    return bad;
}
"""


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("mca_cortexm.py: failed: %s\n%s%s" % (" ".join(cmd), r.stdout[-3000:],
                                                       r.stderr[-3000:]))
    return r.stdout


def libgcc_popcount(flags):
    """libgcc's __popcountsi2 for the core, disassembled, as an assembly
    function (the instructions only: it has no literal pool on v7E-M)."""
    lib = run(["arm-none-eabi-gcc", "-mthumb"] + flags + ["-print-libgcc-file-name"]).strip()
    dis = run(["arm-none-eabi-objdump", "-d", "--disassemble=__popcountsi2", lib])
    body, on = [], False
    for ln in dis.split("\n"):
        if re.match(r"^[0-9a-f]+ <__popcountsi2>:", ln):
            on = True
            continue
        if on:
            m = re.match(r"^\s+[0-9a-f]+:\s+(?:[0-9a-f]{4} ?){1,2}\s+(.*)$", ln)
            if not m:
                break
            ins = m.group(1).split("@")[0].strip().replace("\t", " ")
            if ins.startswith("."):
                sys.exit("mca_cortexm.py: %s: __popcountsi2 has data (%s)" % (lib, ins))
            body.append(ins)
    if not body or body[-1] != "bx lr":
        sys.exit("mca_cortexm.py: cannot read __popcountsi2 from %s" % lib)
    return lib, body


def asm_function(name, body):
    return ("\t.text\n\t.globl %s\n\t.p2align 2\n\t.type %s,%%function\n\t.code 16\n"
            "\t.thumb_func\n%s:\n%s\t.size %s, .-%s\n" %
            (name, name, name, "".join("\t%s\n" % i for i in body), name, name))


BRANCH_RE = re.compile(r"^\s*(b(?:eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)(?:\.[nw])?|"
                       r"cbn?z)\s")


def gcc_blocks(asm):
    """gcc's assembly in clang's block labels: `.L3` becomes `.LBB0_3`, and
    the code after a conditional branch, which gcc leaves unlabelled, gets
    a label of its own, so that derive.instrument counts every block."""
    out, k, lines = [], 0, asm.split("\n")
    for i, ln in enumerate(lines):
        out.append(ln)
        if BRANCH_RE.match(ln):
            nxt = next((x for x in lines[i + 1:] if x.strip()), "")
            if not derive.LABEL_RE.match(nxt):
                out.append(".LBB1_%d:" % k)
                k += 1
    return re.sub(r"\.L(\d+)\b", r".LBB0_\1", "\n".join(out))


def is_branch(ins):
    """A branch, a return or a call (what costs a pipeline refill when taken)."""
    op = ins.split()[0]
    return (re.match(r"(b|bl|blx|bx)(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)?(\.[nw])?$",
                     op) is not None or op in ("cbz", "cbnz", "tbb", "tbh")
            or (op.startswith("pop") and "pc" in ins))


def measure(core, flags, compiler, words, work):
    """{(variant, fields, n): (cycles, instructions, branches) per call}."""
    cdef = derive.CORES[core]
    src = os.path.join(HERE, "mca_cortexm.c")
    inc = ["-I" + os.path.join(ROOT, "runtime")]
    if compiler == "clang":
        asm = run([derive.CLANG, "--target=thumbv7em-none-eabi"] + flags +
                  ["-O3", "-std=c99", "-isystem", NEWLIB] + inc + ["-S", "-o", "-", src])
    else:
        asm = gcc_blocks(run(["arm-none-eabi-gcc", "-mthumb"] + flags +
                             ["-O2", "-std=c99"] + inc + ["-S", "-o", "-", src]))
    lib, body = libgcc_popcount(flags)
    asm += "\n" + asm_function("__popcountsi2", body)
    inst, blocks, calls = derive.instrument(asm, "thumb")
    with open(os.path.join(work, "k.s"), "w") as f:
        f.write(derive.for_linking(inst, cdef))
    cases = [(v, f, n) for v, _ in VARIANTS for f in (1, 4) for n in words]
    drv = os.path.join(work, "drv.c")
    with open(drv, "w") as f:
        f.write("#define NC %d\n#define NB %d\n#define MAXN %d\n" %
                (len(cases), len(blocks), max(words)))
        f.write(DRIVER % dict(
            decls="\n".join("kfn %s_pop, %s_pop4;" % (v, v) for v, _ in VARIANTS),
            fns=", ".join("%s_pop%s" % (v, "4" if fl == 4 else "") for v, fl, _ in cases),
            fields=", ".join(str(fl) for _, fl, _ in cases),
            words=", ".join(str(n) for _, _, n in cases)))
    run([derive.CLANG, "--target=" + cdef["triple"]] + cdef["cflags"] +
        ["-O2", "-std=c99", "-S", "-o", drv + ".s", drv])
    with open(drv + ".s") as f:
        t = derive.for_linking(f.read(), cdef)
    with open(drv + ".s", "w") as f:
        f.write(t)
    prog = os.path.join(work, "prog")
    run([derive.CLANG] + cdef["link"] + ["-static", "-o", prog, os.path.join(work, "k.s"),
                                         drv + ".s"])
    r = subprocess.run(cdef["run"] + [prog], capture_output=True, text=True)
    if r.returncode != 0 or "wrong" in r.stdout:
        sys.exit("mca_cortexm.py: a variant's counts are wrong (%s, %s):\n%s" %
                 (core, compiler, "\n".join(x for x in r.stdout.split("\n") if "wrong" in x)))
    counts = collections.defaultdict(dict)
    for ln in r.stdout.split("\n"):
        if ln.strip():
            k, b, n = (int(x) for x in ln.split())
            counts[k][b] = n
    used = {b for c in counts.values() for b in c}
    cyc = derive.mca_cycles(blocks, used, dict(cdef, mcpu=core), work)
    res = {}
    for k, case in enumerate(cases):
        c = i = br = 0.0
        for b, n in counts[k].items():
            c += n * (cyc.get(b, 0.0) + len(calls[b]))
            i += n * (len(blocks[b]) + len(calls[b]))
            br += n * (2 * len(calls[b]) + sum(1 for x in blocks[b] if is_branch(x)))
        res[case] = (c, i, br)
    return res, lib


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", default="9,18,36,72,144",
                    help="words a field (3x3 binary convolutions of 32 to 512 channels)")
    ap.add_argument("--cores", default="cortex-m4,cortex-m7")
    ap.add_argument("--compilers", default="clang,gcc")
    ap.add_argument("--keep", help="keep the work files in this folder")
    a = ap.parse_args()
    words = [int(x) for x in a.words.split(",")]
    work = a.keep or tempfile.mkdtemp(prefix="bnnc-mca-cortexm-")
    os.makedirs(work, exist_ok=True)
    try:
        clang_v, mca_v = derive.tool_versions()
        gcc_v = run(["arm-none-eabi-gcc", "--version"]).split("\n")[0]
        print("# cycles per 32-bit word (XOR, popcount, accumulate), %s; %s -O3; %s -O2" %
              (mca_v, clang_v, gcc_v))
        for core in a.cores.split(","):
            for comp in a.compilers.split(","):
                res, lib = measure(core, CORES[core], comp, words, work)
                print("\n## %s, %s (llvm-mca -mcpu=%s); __popcountsi2 from %s" %
                      (core, comp, core, os.path.relpath(lib, "/usr/lib/gcc/arm-none-eabi")))
                print("| variant | fields | " + " | ".join("n=%d" % n for n in words) +
                      " | instructions, branches a word (n=%d) |" % words[-1])
                print("|---|---:|" + "---:|" * len(words) + "---|")
                for v, _ in VARIANTS:
                    for fl in (1, 4):
                        row = [res[(v, fl, n)][0] / (n * fl) for n in words]
                        _, ins, br = res[(v, fl, words[-1])]
                        print("| %s | %d | %s | %.2f, %.2f |" % (
                            v, fl, " | ".join("%.2f" % x for x in row),
                            ins / (words[-1] * fl), br / (words[-1] * fl)))
        print("\n# variants:")
        for v, d in VARIANTS:
            print("#   %-8s %s" % (v, d))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
