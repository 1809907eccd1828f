#!/usr/bin/python3
"""shapes.py BNNC: `bnnc run` on tensors of rank 1 to 4 and on the shape
and element-wise operations (docs/semantics.md), against NumPy.

Each case is a network, its inputs and parameters; the expected outputs
are computed here with NumPy, independently of bnnc, in float32 with one
rounding per operation as docs/semantics.md orders them, and compared bit
for bit (shape, dtype and bytes), but for sigmoid whose expf may differ
in the last bit from NumPy's exp (tolerance of docs/semantics.md
section 6)."""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

BNNC = sys.argv[1]
TMP = tempfile.mkdtemp()
failures = []
passed = 0


def safetensors(path, tensors):
    """Writes a safetensors file of float32 tensors."""
    header, blobs, off = {}, [], 0
    for name, a in tensors.items():
        b = np.ascontiguousarray(a, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def run(name, src, inputs, weights, want, close=()):
    """Runs network `src` on `inputs` (name -> array, in the order the
    network declares them) and compares each output with want[name]."""
    global passed
    d = os.path.join(TMP, name)
    os.makedirs(d)
    with open(os.path.join(d, "net.bnn"), "w") as f:
        f.write("bnn 1;\nnetwork n {\n" + src + "\n}\n")
    args = [BNNC, "run", os.path.join(d, "net.bnn"), "--output", os.path.join(d, "out") + "/"]
    if weights:
        safetensors(os.path.join(d, "w.safetensors"), weights)
        args += ["--weights", os.path.join(d, "w.safetensors")]
    else:
        args += ["--seed", "1"]
    for k, a in inputs.items():
        p = os.path.join(d, k + ".npy")
        np.save(p, a)
        args += ["--input", p]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        failures.append("%s: bnnc run failed: %s" % (name, r.stderr.strip()))
        return
    for k, w in want.items():
        got = np.load(os.path.join(d, "out", k + ".npy"))
        if got.shape != w.shape or got.dtype != w.dtype:
            failures.append("%s: output %s is %s %s, want %s %s" %
                            (name, k, got.dtype, got.shape, w.dtype, w.shape))
            return
        if k in close:
            ok = np.all(np.abs(got - w) <= 1e-5 * np.maximum(1, np.abs(w)))
        else:
            ok = got.tobytes() == w.tobytes()
        if not ok:
            bad = np.flatnonzero(got.reshape(-1) != w.reshape(-1))
            failures.append("%s: output %s differs at %d elements, first %d: %r, want %r" %
                            (name, k, len(bad), bad[0], got.reshape(-1)[bad[0]],
                             w.reshape(-1)[bad[0]]))
            return
    passed += 1


rng = np.random.default_rng(17)


def rand(*shape):
    """Random float32 values, some exactly 0 and -0."""
    a = rng.standard_normal(shape).astype(np.float32)
    a.reshape(-1)[::7] = 0
    a.reshape(-1)[3::11] = -0.0
    return a


def sign(a):
    return np.where(a >= 0, 1, -1).astype(np.int8)


def relu(a):
    return np.where(a > 0, a, np.float32(0)).astype(np.float32)


# 1. Tensors of rank 1 to 4: inputs and outputs as NumPy shapes them.
x = rand(1, 3, 4, 5)
v = rand(2, 6)
run("ranks", """
    input x : f32[1, 3, 4, 5];
    input v : f32[2, 6];
    a = relu(x);
    s = sign(v);
    f = flatten(x);
    c = concat(v, relu(v));
    output a, s, f, c;""", {"x": x, "v": v}, None,
    {"a": relu(x), "s": sign(v), "f": x.reshape(-1), "c": np.concatenate([v, relu(v)], -1)})
# batchnorm on rank 4: the channel is the last index.
x = rand(1, 2, 3, 4)
g, b, m, var = rand(4), rand(4), rand(4), np.abs(rand(4)) + 0.5
scale = (g.astype(np.float64) / np.sqrt(var.astype(np.float64) + 0.001)).astype(np.float32)
shift = (b.astype(np.float64) - m.astype(np.float64) * g.astype(np.float64) /
         np.sqrt(var.astype(np.float64) + 0.001)).astype(np.float32)
run("batchnorm_rank4", """
    input x : f32[1, 2, 3, 4];
    y = batchnorm(x);
    output y;""", {"x": x}, {"y.gamma": g, "y.beta": b, "y.mean": m, "y.variance": var},
    {"y": (x * scale + shift).astype(np.float32)})

# 2. reshape and transpose. An ONNX model's NCHW input becomes bnnc's
# [H, W, C]: NumPy's x[0].transpose(1, 2, 0), exactly; then a conv2d
# summed as docs/semantics.md orders it (ky, kx, ci), from the NCHW array
# and a PyTorch [Co, Ci, Kh, Kw] weight, one float32 rounding a step.
x = rand(1, 3, 6, 5)
wt = rand(4, 3, 3, 3)                      # PyTorch layout [Co, Ci, Kh, Kw]
acc = np.zeros((4, 3, 4), np.float32)      # [Ho, Wo, Co]
for ky in range(3):
    for kx in range(3):
        for ci in range(3):
            p = x[0, ci, ky:ky + 4, kx:kx + 3][:, :, None] * wt[:, ci, ky, kx]
            acc = (acc + p.astype(np.float32)).astype(np.float32)
run("onnx_layout", """
    input x : f32[1, 3, 6, 5];
    hwc = reshape(transpose(x, perm = (0, 2, 3, 1)), shape = (6, 5, 3));
    c = conv2d(hwc, filters = 4, kernel = 3);
    output hwc, c;""", {"x": x}, {"c.weight": wt.transpose(2, 3, 1, 0)},
    {"hwc": x[0].transpose(1, 2, 0), "c": acc})
# Every permutation of a rank-4 and a rank-3 tensor, for f32, i32 and b1;
# reshapes of b1 that keep and that change its packing.
x = rand(2, 3, 4, 5)
k = rng.integers(-1000, 1000, (3, 4, 70)).astype(np.int32)
run("transposes", """
    input x : f32[2, 3, 4, 5];
    input k : i32[3, 4, 70];
    a = transpose(x, perm = (3, 1, 0, 2));
    b = transpose(x, perm = (1, 2, 3, 0));
    c = transpose(k, perm = (2, 0, 1));
    d = transpose(sign(k), perm = (1, 2, 0));
    e = transpose(sign(x), perm = (0, 2, 3, 1));
    f = reshape(sign(x), shape = (6, 20));
    g = reshape(sign(k), shape = (12, 70));
    h = reshape(sign(k), shape = (3, 280));
    i = reshape(transpose(sign(x), perm = (0, 3, 2, 1)), shape = (2, 20, 3));
    output a, b, c, d, e, f, g, h, i;""", {"x": x, "k": k}, None,
    {"a": x.transpose(3, 1, 0, 2), "b": x.transpose(1, 2, 3, 0), "c": k.transpose(2, 0, 1),
     "d": sign(k).transpose(1, 2, 0), "e": sign(x).transpose(0, 2, 3, 1),
     "f": sign(x).reshape(6, 20), "g": sign(k).reshape(12, 70), "h": sign(k).reshape(3, 280),
     "i": sign(x).transpose(0, 3, 2, 1).reshape(2, 20, 3)})

# 3. mul with NumPy's broadcasting (one float32 product), and sigmoid in
# float32 steps, within the tolerance of expf.
x = rand(4, 5, 6)
c = rand(6)
k = rng.integers(-50, 50, (1, 5, 1)).astype(np.int32)
m = rand(3, 1, 1, 6)
with np.errstate(over="ignore"):
    sg = (np.float32(1) / (np.float32(1) + np.exp(-x))).astype(np.float32)
run("mul_sigmoid", """
    input x : f32[4, 5, 6];
    input c : f32[6];
    input k : i32[1, 5, 1];
    input m : f32[3, 1, 1, 6];
    a = mul(x, c);
    b = mul(reshape(c, shape = (1, 1, 6)), x);
    d = mul(k, x);
    e = mul(sign(x), m);
    f = mul(k, k);
    s = sigmoid(x);
    g = mul(x, s);
    output a, b, d, e, f, s, g;""", {"x": x, "c": c, "k": k, "m": m}, None,
    {"a": x * c, "b": c.reshape(1, 1, 6) * x, "d": k.astype(np.float32) * x,
     "e": sign(x).astype(np.float32) * m, "f": (k.astype(np.float32) * k.astype(np.float32)),
     "s": sg, "g": x * sg}, close=("s", "g"))

# 4. Channel slices and pads (a ResNet shortcut, Bi-Real Net's
# downsampling), per-axis slices, for f32, i32 and b1.
x = rand(3, 4, 70)
k = rng.integers(-99, 99, (5, 40)).astype(np.int32)


def pad(a, before, after, value):
    w = [(0, 0)] * (a.ndim - 1) + [(before, after)]
    return np.pad(a, w, constant_values=value).astype(a.dtype)


run("slice_pad", """
    input x : f32[3, 4, 70];
    input k : i32[5, 40];
    a = slice(x, begin = 16, end = 48);
    b = slice(sign(x), begin = 3, end = 69);
    c = slice(x, begin = (1, 1, 0), end = (3, 4, 33));
    d = pad_channels(x, after = 16);
    e = pad_channels(sign(x), before = 5, after = 60, value = -1);
    f = pad_channels(sign(x), before = 1, value = 1);
    g = pad_channels(k, before = 3, after = 2, value = -7);
    h = slice(sign(k), begin = (1, 30), end = (3, 40));
    i = pad_channels(slice(x, begin = 0, end = 35), before = 2, after = 33, value = -0.5);
    output a, b, c, d, e, f, g, h, i;""", {"x": x, "k": k}, None,
    {"a": x[..., 16:48], "b": sign(x)[..., 3:69], "c": x[1:3, 1:4, 0:33],
     "d": pad(x, 0, 16, 0), "e": pad(sign(x), 5, 60, -1), "f": pad(sign(x), 1, 0, 1),
     "g": pad(k, 3, 2, -7), "h": sign(k)[1:3, 30:40], "i": pad(x[..., 0:35], 2, 33, -0.5)})

# The generated C's header gives each input's and output's rank and
# dimensions, of any rank.
d = os.path.join(TMP, "emit")
os.makedirs(d)
with open(os.path.join(d, "net.bnn"), "w") as f:
    f.write("bnn 1;\nnetwork r4 {\n input x : f32[1, 3, 4, 5];\n"
            " y = reshape(relu(x), shape = (12, 5));\n output y;\n}\n")
r = subprocess.run([BNNC, os.path.join(d, "net.bnn"), "--target", "cortex-m7", "--emit", "c",
                    "-o", os.path.join(d, "out"), "--seed", "1"], capture_output=True, text=True)
want = ["#define R4_IN_X_SIZE 60", "#define R4_IN_X_RANK 4", "#define R4_IN_X_DIM0 1",
        "#define R4_IN_X_DIM1 3", "#define R4_IN_X_DIM2 4", "#define R4_IN_X_DIM3 5",
        "#define R4_OUT_Y_SIZE 60", "#define R4_OUT_Y_RANK 2", "#define R4_OUT_Y_DIM0 12",
        "#define R4_OUT_Y_DIM1 5"]
if r.returncode != 0:
    failures.append("emit: " + r.stderr.strip())
else:
    h = open(os.path.join(d, "out", "r4.h")).read().splitlines()
    missing = [w for w in want if w not in h]
    # The reshape is an alias: no code, its output the relu's buffer.
    c = open(os.path.join(d, "out", "r4.c")).read()
    if missing:
        failures.append("emit: r4.h lacks %s" % missing)
    elif "/* y: reshape -> f32[12,5] */\n    /* a view of its input: nothing to do */" not in c:
        failures.append("emit: the reshape is not an alias in r4.c")
    else:
        passed += 1

if failures:
    print("\n".join(failures))
print("shapes: %d passed, %d failed" % (passed, len(failures)))
sys.exit(1 if failures else 0)
