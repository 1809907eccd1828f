#!/usr/bin/python3
"""thresholds.py BNNC ROOT: FINN's integer thresholds and the bit-serial
binary layers, `bnnc run` against an independent NumPy evaluation.

A W1A2 network (binary weights, 2-bit activations): sign, a binary 3x3
convolution, thresholds with three levels (a u8 count 0..3, as FINN's
MultiThreshold: out = number of k with x >= T[c][k]), a binary
convolution on that u8 (an integer dot product), strict thresholds
(x > T), a binary dense layer on the flattened counts, and one threshold
level (b1). The weights are drawn here, written as a safetensors file,
and the network evaluated here with NumPy; every output must be equal.
Then the weights file's errors: unsorted thresholds, a threshold out of
range."""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

bnnc, root = sys.argv[1], sys.argv[2]
fails = 0


def ko(msg):
    global fails
    fails += 1
    print("FAIL " + msg)


NET = """bnn 1;
network w1a2 {
    input img : f32[6, 6, 3];
    s = sign(img);
    c1 = bconv2d(s, filters = 8, kernel = 3, padding = same);
    a1 = thresholds(c1, levels = 3);
    c2 = bconv2d(a1, filters = 6, kernel = 3, padding = same_one, stride = 2);
    a2 = thresholds(c2, levels = 3, strict = yes);
    d = bdense(flatten(a2), units = 5);
    b = thresholds(d);
    output a2, d, b;
}
"""


def safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, arr in tensors.items():
        data = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape),
                        "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def npy(path, arr):
    np.save(path, arr)


def pad_of(n_in, n_out, k, s):
    total = max((n_out - 1) * s + k - n_in, 0)
    return total // 2, total - total // 2


def conv(x, w, stride, padding, value):
    """x [H, W, C] integers, w [K, K, C, F] of -1/+1: the integer dot
    product, padded taps `value` (0 for same, 1 for same_one)."""
    H, W, C = x.shape
    K, F = w.shape[0], w.shape[3]
    if padding == "valid":
        Ho, Wo = (H - K) // stride + 1, (W - K) // stride + 1
        xp = x
    else:
        Ho, Wo = -(-H // stride), -(-W // stride)
        (t, b), (l, r) = pad_of(H, Ho, K, stride), pad_of(W, Wo, K, stride)
        xp = np.pad(x, ((t, b), (l, r), (0, 0)), constant_values=value)
    y = np.zeros((Ho, Wo, F), dtype=np.int64)
    for oy in range(Ho):
        for ox in range(Wo):
            win = xp[oy * stride:oy * stride + K, ox * stride:ox * stride + K, :]
            y[oy, ox] = np.tensordot(win.astype(np.int64), w.astype(np.int64), axes=3)
    return y


def multithreshold(x, t, strict):
    """QONNX MultiThreshold on the last axis (channels): the count of
    thresholds reached."""
    cmp = x[..., None] > t if strict else x[..., None] >= t
    return cmp.sum(axis=-1)


rng = np.random.default_rng(17)
w_c1 = rng.choice([-1.0, 1.0], size=(3, 3, 3, 8)).astype(np.float32)
w_c2 = rng.choice([-1.0, 1.0], size=(3, 3, 8, 6)).astype(np.float32)
w_d = rng.choice([-1.0, 1.0], size=(3 * 3 * 6, 5)).astype(np.float32)
# Sorted thresholds about the dot products' range; some between integers.
t_a1 = np.sort(rng.integers(-8, 9, size=(8, 3)), axis=1).astype(np.float32)
t_a1[:, 1] += 0.5
t_a1 = np.sort(t_a1, axis=1)
t_a2 = np.sort(rng.integers(-20, 21, size=(6, 3)), axis=1).astype(np.float32)
t_b = rng.integers(-10, 11, size=(5, 1)).astype(np.float32)
img = rng.standard_normal((6, 6, 3)).astype(np.float32)

with tempfile.TemporaryDirectory() as d:
    net = os.path.join(d, "w1a2.bnn")
    with open(net, "w") as f:
        f.write(NET)
    ws = {"c1.weight": w_c1, "a1.thresholds": t_a1, "c2.weight": w_c2,
          "a2.thresholds": t_a2, "d.weight": w_d, "b.thresholds": t_b}
    safetensors(os.path.join(d, "w.safetensors"), ws)
    npy(os.path.join(d, "img.npy"), img)
    out = os.path.join(d, "out") + "/"
    r = subprocess.run([bnnc, "run", net, "--weights", os.path.join(d, "w.safetensors"),
                        "--input", os.path.join(d, "img.npy"), "--output", out],
                       capture_output=True, text=True)
    if r.returncode != 0:
        ko("bnnc run: status %d: %s" % (r.returncode, r.stderr))
    else:
        s = np.where(img >= 0, 1, -1)
        c1 = conv(s, w_c1, 1, "same", 0)
        a1 = multithreshold(c1, t_a1, False)
        c2 = conv(a1, w_c2, 2, "same_one", 1)
        a2 = multithreshold(c2, t_a2, True)
        dd = a2.reshape(-1).astype(np.int64) @ w_d.astype(np.int64)
        b = np.where(multithreshold(dd, t_b, False) > 0, 1, -1)
        want = {"a2": (a2.astype(np.uint8), np.uint8), "d": (dd.astype(np.int32), np.int32),
                "b": (b.astype(np.int8), np.int8)}
        for name, (v, dt) in want.items():
            got = np.load(out + name + ".npy")
            if got.dtype != dt or got.shape != v.shape or not np.array_equal(got, v):
                ko("output %s: %s %s, want %s %s\n%s\n%s" % (name, got.dtype, got.shape, dt.__name__,
                                                          v.shape, got, v))
        # The test means something: the counts take every level.
        if sorted(set(a2.reshape(-1).tolist())) != [0, 1, 2, 3] or len(set(a1.reshape(-1))) < 4:
            ko("the drawn network does not reach every level: %s" % sorted(set(a2.reshape(-1))))

    # Weights that are not thresholds FINN would store: errors naming the tensor.
    bad = dict(ws)
    bad["a1.thresholds"] = t_a1[:, ::-1].copy()
    safetensors(os.path.join(d, "unsorted.safetensors"), bad)
    bad = dict(ws)
    big = t_b.copy()
    big[2, 0] = 3e9
    bad["b.thresholds"] = big
    safetensors(os.path.join(d, "range.safetensors"), bad)
    for f, want in [("unsorted", "'%s': tensor 'a1.thresholds' is not sorted in channel 0: "
                     "[0, 0] is %g, [0, 1] is %g; each channel's thresholds must be in "
                     "increasing order\n" % (os.path.join(d, "unsorted.safetensors"),
                                              t_a1[0, 2], t_a1[0, 1])),
                    ("range", "'%s': tensor 'b.thresholds' holds 3e+09 at [2, 0]; a threshold "
                     "must be from -2^30 to 2^30\n" % os.path.join(d, "range.safetensors"))]:
        r = subprocess.run([bnnc, "run", net, "--weights", os.path.join(d, f + ".safetensors"),
                            "--input", os.path.join(d, "img.npy"), "--output", out],
                           capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
        if r.returncode != 1 or r.stderr != "bnnc: error: " + want:
            ko("%s: status %d, stderr:\n%s\nwant:\nbnnc: error: %s" % (f, r.returncode, r.stderr,
                                                                       want))

print("thresholds: %s" % ("ok" if not fails else "%d failed" % fails))
sys.exit(1 if fails else 0)
