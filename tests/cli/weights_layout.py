#!/usr/bin/python3
"""weights_layout.py BNNC ROOT: the worked examples of docs/weights.md
section 5 run as written.

The network and every code block that starts "# from ..." are taken from
the page. Each block gets the source framework's objects holding random
weights in that framework's layout (PyTorch modules and Keras layers as
small stand-ins with the same attributes; ONNX a real ModelProto built with
onnx.helper), and must leave `tensors` (bnnc's safetensors) and `x` (the
input); `bnnc run` on them must give what a NumPy evaluation of the model
in the source framework's layout gives (NCHW convolution, (c, h, w)
flatten and `Linear` / `Gemm` / `MatMul` for PyTorch and ONNX, NHWC and
(h, w, c) for Keras). Wrong permutations of the same shapes must not pass
(the test can tell), and a square dense weight stored transposed loads
without an error (the page says it cannot be detected) but computes
something else.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

BNNC, ROOT = sys.argv[1], sys.argv[2]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg)


def section5():
    text = open(os.path.join(ROOT, "docs", "weights.md")).read()
    start = text.index("## 5. From a framework's layout to bnnc's")
    return text[start:]


def code_blocks(text):
    """The indented code blocks of a markdown text, dedented."""
    blocks, cur = [], None
    for line in text.split("\n"):
        if line.startswith("    ") or (cur is not None and line.strip() == ""):
            if cur is None:
                cur = []
            cur.append(line[4:])
        elif cur is not None:
            blocks.append("\n".join(cur).strip("\n"))
            cur = None
    if cur:
        blocks.append("\n".join(cur).strip("\n"))
    return blocks


def write_safetensors(path, tensors):
    header, data = {}, b""
    for name, v in tensors.items():
        a = np.ascontiguousarray(v, dtype="<f4")
        blob = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape),
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


def bnnc_run(net, tensors, x, tag):
    """Runs net on x with tensors; the output, or None after a failure."""
    write_safetensors(tag + ".safetensors", tensors)
    np.save(tag + ".npy", np.asarray(x, np.float32))
    p = subprocess.run([BNNC, "run", net, "--weights", tag + ".safetensors",
                        "--input", tag + ".npy", "--output", tag + "_out.npy"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("%s: bnnc run exited %d: %s" % (tag, p.returncode, p.stderr.strip()))
        return None
    return np.load(tag + "_out.npy")


# ---------------------------------------------------------------- references

def conv_nchw(x, w):
    """x [C, H, W], w [Co, Ci, Kh, Kw]: valid cross-correlation, stride 1."""
    co, ci, kh, kw = w.shape
    c, h, wd = x.shape
    out = np.zeros((co, h - kh + 1, wd - kw + 1), np.float64)
    for o in range(co):
        for i in range(h - kh + 1):
            for j in range(wd - kw + 1):
                out[o, i, j] = np.sum(w[o].astype(np.float64) * x[:, i:i + kh, j:j + kw])
    return out


def conv_nhwc(x, w):
    """x [H, W, C], w [Kh, Kw, Ci, Co]."""
    kh, kw, ci, co = w.shape
    h, wd, c = x.shape
    out = np.zeros((h - kh + 1, wd - kw + 1, co), np.float64)
    for i in range(h - kh + 1):
        for j in range(wd - kw + 1):
            patch = x[i:i + kh, j:j + kw, :].astype(np.float64)
            for o in range(co):
                out[i, j, o] = np.sum(patch * w[:, :, :, o])
    return out


# ------------------------------------------------- the frameworks' objects

class Param:
    """A torch parameter, as far as the page uses one."""

    def __init__(self, a):
        self.a = a

    def detach(self):
        return self

    def numpy(self):
        return self.a


class TorchModule:
    def __init__(self, weight):
        self.weight = Param(weight)


class KerasLayer:
    def __init__(self, kernel):
        self.kernel = kernel

    def get_weights(self):
        return [self.kernel]


def onnx_model(w, v, matmul):
    """image [1, 2, 4, 4] -> Conv(conv.weight) -> Flatten -> Gemm(fc.weight,
    transB = 1) or MatMul(fc.weight) -> y [1, 2]."""
    nodes = [helper.make_node("Conv", ["image", "conv.weight"], ["c"], kernel_shape=[3, 3]),
             helper.make_node("Flatten", ["c"], ["f"], axis=1)]
    if matmul:
        nodes.append(helper.make_node("MatMul", ["f", "fc.weight"], ["y"]))
    else:
        nodes.append(helper.make_node("Gemm", ["f", "fc.weight"], ["y"], transB=1))
    g = helper.make_graph(
        nodes, "layout",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 2, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(w, "conv.weight"), numpy_helper.from_array(v, "fc.weight")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    return m


def main():
    text = section5()
    blocks = code_blocks(text)
    nets = [b for b in blocks if b.startswith("bnn 1;")]
    if len(nets) != 1:
        fail("section 5 should show one network, not %d" % len(nets))
        return
    examples = {}
    for b in blocks:
        m = re.match(r"# from (PyTorch|Keras or Larq|ONNX: .*MatMul|ONNX: .*Gemm)", b)
        if m:
            examples[m.group(1).split(":")[0] + ("-matmul" if "MatMul" in m.group(1) else "")] = b
    want = {"PyTorch", "Keras or Larq", "ONNX", "ONNX-matmul"}
    if set(examples) != want:
        fail("section 5's examples are %s, want %s" % (sorted(examples), sorted(want)))
        return
    os.chdir(tempfile.mkdtemp())
    with open("layout.bnn", "w") as f:
        f.write(nets[0] + "\n")

    r = np.random.default_rng(17)
    rand = lambda *s: r.uniform(-1, 1, s).astype(np.float32)
    # The same weights seen by each framework in its layout, and an image.
    w_t, v_t = rand(3, 2, 3, 3), rand(2, 12)        # PyTorch / ONNX Gemm transB=1
    v_mm = rand(12, 2)                              # ONNX MatMul: [N, units], (c, h, w)
    w_k, v_k = rand(3, 3, 2, 3), rand(12, 2)        # Keras: HWIO, [N, units], (h, w, c)
    img_chw, img_hwc = rand(2, 4, 4), rand(4, 4, 2)

    ref_torch = v_t.astype(np.float64) @ conv_nchw(img_chw, w_t).reshape(-1)
    ref_mm = conv_nchw(img_chw, w_t).reshape(-1) @ v_mm.astype(np.float64)
    ref_keras = conv_nhwc(img_hwc, w_k).reshape(-1) @ v_k.astype(np.float64)
    cases = {
        "PyTorch": ({"conv": TorchModule(w_t), "fc": TorchModule(v_t), "image": img_chw},
                    ref_torch),
        "Keras or Larq": ({"conv": KerasLayer(w_k), "fc": KerasLayer(v_k), "image": img_hwc},
                          ref_keras),
        "ONNX": ({"model": onnx_model(w_t, v_t, False), "image": img_chw[None]}, ref_torch),
        "ONNX-matmul": ({"model": onnx_model(w_t, v_mm, True), "image": img_chw[None]}, ref_mm),
    }
    for name, (env, ref) in cases.items():
        ns = dict(env, np=np)
        try:
            exec(examples[name], ns)
        except Exception as e:  # the page's code does not run
            fail("%s: the example raises %s: %s" % (name, type(e).__name__, e))
            continue
        tag = re.sub(r"\W", "_", name)
        got = bnnc_run("layout.bnn", ns["tensors"], ns["x"], tag)
        if got is None:
            continue
        if got.shape != (2,) or not np.allclose(got, ref, rtol=1e-5, atol=1e-5):
            fail("%s: bnnc run gives %s, the framework's layout %s" % (name, got, ref))
        # The check can fail: the same shapes in the wrong order do not pass.
        wrong = {"c.weight": ns["tensors"]["c.weight"].transpose(1, 0, 2, 3),
                 "y.weight": ns["tensors"]["y.weight"]}
        bad = bnnc_run("layout.bnn", wrong, ns["x"], tag + "_wrong")
        if bad is None or np.allclose(bad, ref, rtol=1e-3, atol=1e-3):
            fail("%s: a transposed kernel gives the same output" % name)
        wrong = {"c.weight": ns["tensors"]["c.weight"],
                 "y.weight": ns["tensors"]["y.weight"].reshape(-1)[::-1].reshape(12, 2)}
        bad = bnnc_run("layout.bnn", wrong, ns["x"], tag + "_wrong2")
        if bad is None or np.allclose(bad, ref, rtol=1e-3, atol=1e-3):
            fail("%s: a reordered dense weight gives the same output" % name)

    # A square dense weight stored transposed: loaded without an error, and
    # wrong; transposed back (PyTorch's v.T), right.
    with open("square.bnn", "w") as f:
        f.write("bnn 1;\nnetwork square { input x : f32[4]; y = dense(x, units = 4); "
                "output y; }\n")
    v, x = rand(4, 4), rand(4)                       # PyTorch Linear(4, 4): [units, N]
    ref = v.astype(np.float64) @ x
    as_is = bnnc_run("square.bnn", {"y.weight": v}, x, "square_as_is")
    if as_is is None or np.allclose(as_is, ref, rtol=1e-3, atol=1e-3):
        fail("square: the untransposed weight gives the right output (%s)" % as_is)
    right = bnnc_run("square.bnn", {"y.weight": v.T}, x, "square_right")
    if right is None or not np.allclose(right, ref, rtol=1e-5, atol=1e-5):
        fail("square: v.T gives %s, want %s" % (right, ref))


main()
print("weights_layout: %d failed" % len(failures))
sys.exit(1 if failures else 0)
