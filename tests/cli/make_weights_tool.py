#!/usr/bin/python3
"""make_weights_tool.py BNNC ROOT: tools/make_weights.py, on the command line and
as a module.

The tensors of a seed-1 template (`bnnc weights --template --seed 1`), read
by a safetensors reader of this test's own, go back through the tool as a
.npz file, as NAME=FILE.npy files and as a dict: each file it writes holds
the arrays given, bit for bit, with the dtype the tool's rules give (F32;
I8 for int and bool binary weights, bool as -1/+1; F32 for latent ones),
and `bnnc run --weights` on it writes what `bnnc run --seed 1` does.
Binary weights as 0/1 with --binary-encoding 01, and as latent floats,
run alike. Every error is pinned: a missing tensor, one too many, a wrong
shape, 0/1 weights without an encoding, a NaN, a bool float tensor, a
folder for the output, an unknown network; none writes a file.
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

bnnc, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
tool = os.path.join(root, "tools", "make_weights.py")
sys.path.insert(0, os.path.join(root, "tools"))
import make_weights  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stcheck  # noqa: E402

tally = stcheck.Tally("make_weights")
ok = tally.ok


def read_safetensors(path):
    """{name: (dtype, values)}, metadata."""
    got, meta = stcheck.read_safetensors(path)
    return {n: (d, a) for n, (d, _, a) in got.items()}, meta


def tool_run(*args):
    p = subprocess.run(["/usr/bin/python3", tool, "--bnnc", bnnc] + list(args),
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def bnnc_run(*args):
    p = subprocess.run([bnnc, "run"] + list(args), capture_output=True, text=True)
    return p.returncode, p.stderr


tmp = tempfile.mkdtemp()
atexit.register(shutil.rmtree, tmp, True)
os.chdir(tmp)
lenet = os.path.join(root, "examples", "lenet_bin.bnn")
subprocess.run([bnnc, "weights", lenet, "--template", "t.st", "--seed", "1"], check=True)
t, _ = read_safetensors("t.st")
np.save("x.npy", np.random.default_rng(5).standard_normal((28, 28, 1)).astype(np.float32))
rc, err = bnnc_run(lenet, "--seed", "1", "--input", "x.npy", "--output", "ref.npy")
ok(rc == 0, "bnnc run --seed 1: " + err)
ref = open("ref.npy", "rb").read()
binary = {n for n, (d, _) in t.items() if d == "I8"}
ok(binary == {"c2.weight", "d3.weight"}, "the binary weights of lenet_bin: %s" % binary)


def same_run(path, what):
    rc, err = bnnc_run(lenet, "--weights", path, "--input", "x.npy", "--output", "y.npy")
    ok(rc == 0 and open("y.npy", "rb").read() == ref, "%s: bnnc run: %s" % (what, err))


def holds(path, arrays, dtypes, what):
    got, meta = read_safetensors(path)
    ok(set(got) == set(arrays), "%s: tensors %s" % (what, sorted(set(got) ^ set(arrays))))
    for n, a in arrays.items():
        if n in got:
            ok(got[n][0] == dtypes[n] and got[n][1].shape == a.shape and
               got[n][1].tobytes() == np.ascontiguousarray(a).tobytes(),
               "%s: tensor %s (%s)" % (what, n, got[n][0]))
    return meta


# float64 arrays for the float tensors (written as float32), int8 -1/+1
# for the binary weights: a .npz file.
arrays = {n: (a.astype(np.float64) if d == "F32" else a.astype(np.int64))
          for n, (d, a) in t.items()}
np.savez("w.npz", **arrays)
rc, out, err = tool_run(lenet, "w.safetensors", "w.npz")
if ok(rc == 0 and out == "" and err == "", "npz: %s" % err):
    meta = holds("w.safetensors", {n: a for n, (d, a) in t.items()},
                 {n: d for n, (d, a) in t.items()}, "npz")
    ok(meta == {"format": "make_weights.py", "network": "lenet_bin"}, "npz: metadata %s" % meta)
    same_run("w.safetensors", "npz")

# NAME=FILE.npy, binary weights as bool (False -1, True +1).
specs = []
for n, (d, a) in t.items():
    np.save(n + ".npy", a > 0 if d == "I8" else a)
    specs.append("%s=%s.npy" % (n, n))
rc, out, err = tool_run(lenet, "n.safetensors", *specs)
if ok(rc == 0, "npy files: %s" % err):
    holds("n.safetensors", {n: a for n, (d, a) in t.items()}, {n: d for n, (d, a) in t.items()},
          "npy files, bool")
    same_run("n.safetensors", "npy files")

# As a module: latent float binary weights (F32, binarised by sign), given
# a listing read once.
lst = make_weights.listing(lenet, bnnc=bnnc)
ok(lst["network"] == "lenet_bin" and len(lst["tensors"]) == len(t), "listing()")
rng = np.random.default_rng(9)
latent = {n: (a * rng.uniform(0.01, 2.0, a.shape)).astype(np.float32) if d == "I8" else a
          for n, (d, a) in t.items()}
make_weights.make_weights(lenet, "m.safetensors", latent, lst=lst)
holds("m.safetensors", latent, {n: "F32" for n in t}, "module, latent")
same_run("m.safetensors", "module, latent")

# 0/1 binary weights with --binary-encoding 01 (in the file's metadata).
bits = {n: ((a + 1) // 2).astype(np.uint8) if d == "I8" else a for n, (d, a) in t.items()}
np.savez("bits.npz", **bits)
rc, out, err = tool_run(lenet, "b.safetensors", "bits.npz", "--binary-encoding", "01")
if ok(rc == 0, "01: %s" % err):
    meta = holds("b.safetensors", {n: a.astype(np.int8) if n in binary else a
                                   for n, a in bits.items()},
                 {n: d for n, (d, a) in t.items()}, "01")
    ok(meta.get("bnnc.binary_encoding") == "01", "01: metadata %s" % meta)
    same_run("b.safetensors", "01")

# A listing saved to a file instead of running bnnc.
with open("l.json", "w") as f:
    json.dump(lst, f)
rc, out, err = tool_run(lenet, "l.safetensors", "w.npz", "--listing", "l.json",
                        "--bnnc", "/nonexistent")
ok(rc == 0 and os.path.isfile("l.safetensors"), "--listing: %s" % err)

# Errors: each message, exit 1, no file written.
E = "make_weights.py: error: "


def error(name, want, *args, out="e.safetensors"):
    rc, o, err = tool_run(lenet, out, *args)
    ok(rc == 1 and err == "".join(E + w + "\n" for w in want) and
       not os.path.exists("e.safetensors"),
       "%s: exit %d, stderr %r" % (name, rc, err))


def npz(name, **changes):
    a = dict(arrays)
    for k, v in changes.items():
        if v is None:
            del a[k.replace("__", ".")]
        else:
            a[k.replace("__", ".")] = v
    np.savez(name, **a)
    return name


error("missing", ["'c1.weight' is missing (layer 'c1', conv2d, F32 [5, 5, 1, 32] "
                  "[Kh, Kw, Ci/groups, Co])"], npz("m1.npz", c1__weight=None))
error("extra and shape", ["'c9.weight' is not a tensor of network 'lenet_bin'",
                          "'logits.weight' has shape [10, 512]; network 'lenet_bin' needs "
                          "[512, 10] [N, units]"],
      npz("m2.npz", c9__weight=np.zeros(3), logits__weight=arrays["logits.weight"].T))
error("0/1 without encoding", ["'d3.weight' holds 0 at element 0; binary weights stored as I8 "
                               "must be -1 or 1; give --binary-encoding 01 for 0/1 weights"],
      npz("m3.npz", d3__weight=np.zeros((1024, 512), np.int8)))
nan = arrays["a1.batchnorm.beta"].copy()
nan[3] = np.nan
error("nan", ["'a1.batchnorm.beta' holds nan at element 3; every value must be finite in "
              "float32"], npz("m4.npz", a1__batchnorm__beta=nan))
error("bool float tensor", ["'a1.batchnorm.mean' is a bool array; only binary weights may be"],
      npz("m5.npz", a1__batchnorm__mean=np.ones(32, bool)))
error("not npz", ["'w.safetensors' is neither ARRAYS.npz nor NAME=FILE.npy"], "w.safetensors")
os.mkdir("dir")
rc, o, err = tool_run(lenet, "dir", "w.npz")
ok(rc == 1 and err == E + "cannot write 'dir': not a regular file\n" and os.listdir("dir") == [],
   "folder: %s" % err)
rc, o, err = tool_run(lenet, "e.safetensors", "w.npz", "--network", "nope")
ok(rc == 1 and err == E + "bnnc weights failed:\n" + E + "bnnc: error: no network called "
   "'nope'\n" and not os.path.exists("e.safetensors"), "unknown network: %r" % err)
try:
    make_weights.make_weights(lenet, "e.safetensors", {}, lst=lst)
    ok(False, "module: no error for no tensors")
except make_weights.WeightsError as e:
    ok(len(str(e).splitlines()) == len(t) and not os.path.exists("e.safetensors"),
       "module: every missing tensor: %s" % e)
rc, o, err = tool_run(lenet)
ok(rc == 2 and "usage: make_weights.py" in err, "usage: %s" % err)

tally.finish()
