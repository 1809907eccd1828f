#!/usr/bin/python3
"""run_params.py BNNC: `bnnc run` on layers with a bias, scaled binary
weights, float weights on a b1 input, a frozen layer and batchnorms with
their own epsilon, without beta (center = no) or gamma (scale = no),
against an independent NumPy evaluation of docs/semantics.md written here:
every product and sum rounded to float32 in the page's order, the
batchnorm folded in double. The weights file is written byte by byte
(safetensors: a little-endian header length, a JSON header, the data).
The outputs must be equal to the bit."""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

f32 = np.float32
NET = """bnn 1;
network params {
    input x : f32[5, 5, 3];
    c = conv2d(x, filters = 4, kernel = 3, padding = same, bias = yes);
    n1 = batchnorm(c, epsilon = 1e-5, center = no);
    s = sign(n1);
    q = bconv2d(s, filters = 6, kernel = 3, scaled = yes, bias = yes);
    n2 = batchnorm(q, scale = no, epsilon = 0.01);
    k = depthwise_conv2d(n2, kernel = 2, bias = yes, frozen = yes);
    f = flatten(sign(k));
    d = dense(f, units = 3, bias = yes);
    e = bdense(f, units = 4, scaled = yes);
    output d, e, n2;
}
"""


def save_safetensors(path, tensors):
    header, data = {}, b""
    for name, (dtype, arr) in tensors.items():
        raw = arr.astype("<f4" if dtype == "F32" else "i1").tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    with open(path, "wb") as fp:
        fp.write(struct.pack("<Q", len(h)) + h + data)


def conv(x, w, pad):
    """conv2d, stride 1, float: acc = acc + x * w over (ky, kx, ci)."""
    H, W, C = x.shape
    Kh, Kw, _, Co = w.shape
    if pad:
        Ho, Wo = H, W
        pt, pl = (Kh - 1) // 2, (Kw - 1) // 2
    else:
        Ho, Wo, pt, pl = H - Kh + 1, W - Kw + 1, 0, 0
    acc = np.zeros((Ho, Wo, Co), f32)
    for ky in range(Kh):
        for kx in range(Kw):
            for ci in range(C):
                for oy in range(Ho):
                    for ox in range(Wo):
                        iy, ix = oy - pt + ky, ox - pl + kx
                        if 0 <= iy < H and 0 <= ix < W:
                            acc[oy, ox] = acc[oy, ox] + f32(x[iy, ix, ci]) * w[ky, kx, ci]
    return acc


def fold(mean, var, eps, gamma=None, beta=None):
    g = gamma.astype(np.float64) if gamma is not None else np.ones(len(mean))
    b = beta.astype(np.float64) if beta is not None else np.zeros(len(mean))
    sd = np.sqrt(var.astype(np.float64) + eps)
    return (g / sd).astype(f32), (b - mean.astype(np.float64) * g / sd).astype(f32)


def sign(v):
    return np.where(v >= 0, 1, -1).astype(np.int8)


def main():
    bnnc = sys.argv[1]
    rng = np.random.default_rng(17)
    u = lambda *shape: rng.uniform(-1, 1, shape).astype(f32)
    x = u(5, 5, 3)
    t = {
        "c.weight": u(3, 3, 3, 4), "c.bias": u(4),
        "n1.gamma": u(4) + f32(1.5), "n1.mean": u(4) * f32(0.1),
        "n1.variance": np.abs(u(4)) + f32(0.5),
        "q.weight": np.where(u(3, 3, 4, 6) >= 0, 1, -1).astype(np.int8),
        "q.scale": np.abs(u(6)) * f32(0.2), "q.bias": u(6),
        "n2.beta": u(6), "n2.mean": u(6), "n2.variance": np.abs(u(6)) + f32(0.25),
        "k.weight": u(2, 2, 6, 1), "k.bias": u(6),
        "d.weight": u(24, 3), "d.bias": u(3),
        "e.weight": u(24, 4), "e.scale": np.abs(u(4)),
    }
    # The reference evaluation.
    c = conv(x, t["c.weight"], True) + t["c.bias"]
    sc, sh = fold(t["n1.mean"], t["n1.variance"], 1e-5, gamma=t["n1.gamma"])
    n1 = (c * sc) + sh
    s = sign(n1).astype(np.int32)
    qw = t["q.weight"].astype(np.int32)
    qacc = np.zeros((3, 3, 6), np.int32)
    for oy in range(3):
        for ox in range(3):
            qacc[oy, ox] = np.einsum("ijc,ijco->o", s[oy:oy + 3, ox:ox + 3], qw)
    q = (qacc.astype(f32) * t["q.scale"]) + t["q.bias"]
    sc, sh = fold(t["n2.mean"], t["n2.variance"], 0.01, beta=t["n2.beta"])
    n2 = (q * sc) + sh
    kacc = np.zeros((2, 2, 6), f32)
    for ky in range(2):
        for kx in range(2):
            kacc = kacc + n2[ky:ky + 2, kx:kx + 2] * t["k.weight"][ky, kx, :, 0]
    k = kacc + t["k.bias"]
    fb = sign(k).reshape(-1)
    d = np.zeros(3, f32)
    for n in range(24):
        d = d + f32(fb[n]) * t["d.weight"][n]
    d = d + t["d.bias"]
    eacc = (fb.astype(np.int32)[:, None] * np.where(t["e.weight"] >= 0, 1, -1)).sum(0)
    e = eacc.astype(f32) * t["e.scale"]
    with tempfile.TemporaryDirectory() as tmp:
        net = os.path.join(tmp, "params.bnn")
        with open(net, "w") as fp:
            fp.write(NET)
        st = os.path.join(tmp, "w.safetensors")
        save_safetensors(st, {k2: ("I8" if k2 == "q.weight" else "F32", v) for k2, v in t.items()})
        np.save(os.path.join(tmp, "x.npy"), x)
        out = os.path.join(tmp, "out") + "/"
        r = subprocess.run([bnnc, "run", net, "--weights", st, "--input",
                            os.path.join(tmp, "x.npy"), "--output", out],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print("bnnc run failed:", r.stderr)
            return 1
        bad = 0
        for name, want in (("d", d), ("e", e), ("n2", n2)):
            got = np.load(out + name + ".npy")
            if got.dtype != np.float32 or got.shape != want.shape or \
                    got.tobytes() != want.astype(f32).tobytes():
                print(f"output {name}: got {got!r}, want {want!r}")
                bad += 1
        # Every output must depend on what it claims to: a wrong epsilon,
        # or a bias added before the scale, changes the bits.
        sc_wrong, sh_wrong = fold(t["n2.mean"], t["n2.variance"], 0.001, beta=t["n2.beta"])
        if np.array_equal((q * sc_wrong) + sh_wrong, n2):
            print("the test does not see the epsilon")
            bad += 1
        if np.array_equal((qacc.astype(f32) + t["q.bias"]) * t["q.scale"], q):
            print("the test does not see the order of scale and bias")
            bad += 1
        print("run_params: %s" % ("ok" if not bad else "%d failed" % bad))
        return 1 if bad else 0


sys.exit(main())
