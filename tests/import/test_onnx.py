"""test_onnx.py BNNC: `bnnc import` of ONNX models, built here with
onnx.helper, against an independent NumPy evaluation (onnx_ref.py).

Each model is imported, then run with `bnnc run` on random inputs (the
model's NCHW input given to bnnc as [H, W, C], docs/import.md), and each
output compared with the reference: integer and binary values exactly,
floats to 1e-5 * max(1, the largest |reference| of the output): the
reference sums in float64, bnnc in float32 in its own order
(docs/semantics.md), and a sum that cancels keeps its terms' rounding. Then
the importer's errors: each message pinned, exit status 1, nothing
written."""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_ref  # noqa: E402

sys.dont_write_bytecode = True
# test_onnx.py --seeds DIR: writes the models only, as seeds of the fuzz
# harness fuzz_onnx (tests/fuzz/corpus.sh).
SEEDS = os.path.abspath(sys.argv[2]) if sys.argv[1] == "--seeds" else None
BNNC = None if SEEDS else os.path.abspath(sys.argv[1])
if SEEDS:
    os.makedirs(SEEDS, exist_ok=True)
F = np.float32
rng = np.random.default_rng(17)
fails = []
passes = 0
tmp = tempfile.mkdtemp(prefix="bnnc-import-")
atexit.register(shutil.rmtree, tmp, True)
os.chdir(tmp)


def ok(cond, what):
    global passes
    if cond:
        passes += 1
    else:
        fails.append(what)
        print("FAIL", what)


def T(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def normal(*shape):
    return rng.standard_normal(shape).astype(F)


def pos(*shape):
    return (rng.random(shape) + 0.5).astype(F)


def pm1(*shape):
    return np.where(rng.random(shape) < 0.5, F(-1), F(1))


def bn(name, c, x, y, eps=1e-5):
    """A BatchNormalization node with random parameters, and its tensors."""
    ts = [T(name + "_g", pos(c) * np.where(rng.random(c) < 0.2, -1, 1).astype(F)),
          T(name + "_b", normal(c)), T(name + "_m", normal(c) * F(0.5)),
          T(name + "_v", pos(c))]
    n = helper.make_node("BatchNormalization", [x] + [t.name for t in ts], [y], name=name,
                         epsilon=eps)
    return n, ts


def model(name, nodes, inits, inputs, outputs, opset=13, qonnx=False):
    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs]
    outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outputs]
    g = helper.make_graph(nodes, name, ins, outs, inits)
    ops = [helper.make_opsetid("", opset)]
    if qonnx:
        ops.append(helper.make_opsetid("qonnx.custom_op.general", 1))
    m = helper.make_model(g, opset_imports=ops)
    m.ir_version = 8
    onnx.save(m, name + ".onnx")
    if SEEDS:
        onnx.save(m, os.path.join(SEEDS, name + ".onnx"))
    return m


def bnnc(*args):
    p = subprocess.run([BNNC] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check_model(m, name, runs=2, want_ops=()):
    """Imports name.onnx and compares bnnc run with the reference."""
    if SEEDS:
        return
    rc, _, err = bnnc("import", name + ".onnx", "-o", "out_" + name)
    if rc != 0:
        ok(False, "%s: import exit %d: %s" % (name, rc, err))
        return
    signs = sum(1 for n in m.graph.node if n.op_type == "Sign" and n.input[0] not in
                [t.name for t in m.graph.initializer])
    warn = [l for l in err.splitlines() if "ONNX's Sign gives 0" in l]
    ok((len(warn) == 1) == (signs > 0) and (not warn or ("Sign nodes (%d; the first" % signs) in warn[0]),
       "%s: the Sign warning (%d Sign nodes): %s" % (name, signs, err))
    text = open("out_%s/%s.bnn" % (name, name)).read()
    for op in want_ops:
        ok((" = %s(" % op) in text, "%s: no %s layer in\n%s" % (name, op, text))
    dump = subprocess.run([BNNC, "--dump-ir", "out_%s/%s.bnn" % (name, name)],
                          capture_output=True, text=True)
    ok(dump.returncode == 0, name + ": --dump-ir")
    outs = [l.split()[1] for l in text.splitlines() if l.strip().startswith("output ")]
    out_names = [o.strip(",;") for o in " ".join(
        l.strip()[len("output "):] for l in text.splitlines()
        if l.strip().startswith("output ")).split()]
    del outs
    for r in range(runs):
        feeds, args = {}, []
        for vi in m.graph.input:
            shape = [d.dim_value or 1 for d in vi.type.tensor_type.shape.dim]
            x = normal(*shape)
            feeds[vi.name] = x
            bx = x[0].transpose(1, 2, 0) if x.ndim == 4 else x[0]
            np.save("%s_in_%s_%d.npy" % (name, vi.name, r), np.ascontiguousarray(bx))
            args += ["--input", "%s_in_%s_%d.npy" % (name, vi.name, r)]
        ref = onnx_ref.run(m, feeds)
        od = "%s_out_%d/" % (name, r)
        rc, _, err = bnnc("run", "out_%s/%s.bnn" % (name, name), "--weights",
                          "out_%s/%s.safetensors" % (name, name), *args, "--output", od)
        if rc != 0:
            ok(False, "%s: run exit %d: %s" % (name, rc, err))
            return
        for k, o in enumerate(m.graph.output):
            got = np.load(od + out_names[k] + ".npy")
            want = ref[o.name]
            if want.ndim == 4:
                want = want[0].transpose(1, 2, 0)
            else:
                want = want.reshape(-1)
            if got.shape != want.shape:
                ok(False, "%s: output %s has shape %s, the reference %s"
                   % (name, o.name, got.shape, want.shape))
                continue
            if got.dtype.kind in "iu":
                ok(np.array_equal(got.astype(np.float64), want.astype(np.float64)),
                   "%s: output %s differs (exact): %s vs %s" % (name, o.name, got, want))
            else:
                # relative to the tensor's largest value: a float sum that
                # cancels keeps the rounding errors of its terms
                tol = 1e-5 * max(1.0, float(np.abs(want).max()))
                err_ = np.abs(got.astype(np.float64) - want)
                ok(bool(np.all(err_ <= tol)), "%s: output %s differs by %g"
                   % (name, o.name, float(err_.max())))


# ---------------------------------------------------------------- models

def m_bnn():
    """Conv with bias, BatchNormalization (its epsilon), Sign, a Conv with
    +-1 weights (binary), MaxPool, Flatten of a [6, 3, 3] (rows permuted),
    Gemm with transB and a bias, Softmax."""
    b1, t1 = bn("bn1", 4, "c1", "a1")
    nodes = [helper.make_node("Conv", ["x", "w1", "cb1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             b1, helper.make_node("Sign", ["a1"], ["s1"], name="sign1"),
             helper.make_node("Conv", ["s1", "w2"], ["c2"], name="bconv2"),
             helper.make_node("MaxPool", ["c2"], ["p2"], name="pool2", kernel_shape=[2, 2],
                              strides=[2, 2]),
             helper.make_node("Flatten", ["p2"], ["f"], name="flat"),
             helper.make_node("Gemm", ["f", "wd", "bd"], ["d"], name="fc", transB=1),
             helper.make_node("Softmax", ["d"], ["y"], name="prob")]
    inits = [T("w1", normal(4, 3, 3, 3)), T("cb1", normal(4)), T("w2", pm1(6, 4, 3, 3)),
             T("wd", normal(10, 54)), T("bd", normal(10))] + t1
    m = model("bnnet", nodes, inits, [("x", [1, 3, 8, 8])], ["y"])
    check_model(m, "bnnet", want_ops=("conv2d", "bconv2d", "maxpool", "flatten", "dense",
                                    "softmax", "sign", "batchnorm"))


def m_ste():
    """The straight-through estimator x + (sign(x) - x) before a Conv whose
    latent weights a Sign binarises; BatchNormalization, Relu,
    GlobalAveragePool, Flatten, MatMul, Add of a constant bias, PRelu,
    LeakyRelu, Identity, Dropout."""
    b1, t1 = bn("bn1", 5, "c1", "a1")
    b2, t2 = bn("bn2", 6, "c2", "a2")
    nodes = [helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             b1,
             helper.make_node("Sign", ["a1"], ["sg"], name="ste_sign"),
             helper.make_node("Sub", ["sg", "a1"], ["df"], name="ste_sub"),
             helper.make_node("Add", ["a1", "df"], ["s1"], name="ste_add"),
             helper.make_node("Sign", ["lw2"], ["w2"], name="wsign"),
             helper.make_node("Conv", ["s1", "w2"], ["c2"], name="bconv2", pads=[1, 1, 1, 1]),
             b2, helper.make_node("Relu", ["a2"], ["r2"], name="relu2"),
             helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
             helper.make_node("Flatten", ["g"], ["f"], name="flat"),
             helper.make_node("Identity", ["f"], ["fi"], name="ident"),
             helper.make_node("Dropout", ["fi"], ["fd"], name="drop"),
             helper.make_node("MatMul", ["fd", "wd"], ["d"], name="fc"),
             helper.make_node("Add", ["d", "bd"], ["db"], name="fc_bias"),
             helper.make_node("PRelu", ["db", "al"], ["pr"], name="prelu"),
             helper.make_node("LeakyRelu", ["pr"], ["y"], name="leaky", alpha=0.2)]
    inits = [T("w1", normal(5, 2, 3, 3)), T("lw2", normal(6, 5, 3, 3)),
             T("wd", normal(6, 7)), T("bd", normal(7)), T("al", (normal(7) * F(0.3)))] + t1 + t2
    m = model("ste", nodes, inits, [("x", [1, 2, 6, 7])], ["y"])
    check_model(m, "ste", want_ops=("bconv2d", "relu", "global_avgpool", "dense", "prelu"))


def m_resid():
    """A residual Add of two tensors, Concat of channels, AveragePool with
    padding (count_include_pad 0), Clip(-1, 1) (hardtanh), Mul, Sub, Div
    (by a power of two) and Add by constants, Sub of two tensors, Reshape
    to [1, -1] of a [C, 1, 1], Gemm without transB, AveragePool with
    ceil_mode (7 rows to 4: bnnc's 'same')."""
    b1, t1 = bn("bn1", 4, "c1", "a1")
    b2, t2 = bn("bn2", 4, "c2", "a2", eps=1e-3)
    nodes = [helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             b1, helper.make_node("Sign", ["a1"], ["s1"], name="sign1"),
             helper.make_node("Conv", ["s1", "w2"], ["c2"], name="bconv2", pads=[1, 1, 1, 1]),
             b2, helper.make_node("Add", ["a1", "a2"], ["r"], name="residual"),
             helper.make_node("Concat", ["r", "a1"], ["cat"], name="cat", axis=1),
             helper.make_node("AveragePool", ["cat"], ["ap"], name="avg", kernel_shape=[3, 3],
                              pads=[1, 1, 1, 1]),
             helper.make_node("Clip", ["ap", "lo", "hi"], ["ht"], name="hardtanh"),
             helper.make_node("Mul", ["ht", "k1"], ["m1"], name="scale"),
             helper.make_node("Sub", ["m1", "k2"], ["m2"], name="offset"),
             helper.make_node("Div", ["m2", "k3"], ["m3"], name="half"),
             helper.make_node("Sub", ["k4", "m3"], ["m4"], name="rsub"),
             helper.make_node("Sub", ["m4", "ap"], ["m5"], name="sub2"),
             helper.make_node("MaxPool", ["m5"], ["mp"], name="mp", kernel_shape=[3, 3],
                              strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("GlobalAveragePool", ["mp"], ["g"], name="gap"),
             helper.make_node("Reshape", ["g", "shape"], ["f"], name="reshape"),
             helper.make_node("Gemm", ["f", "wd"], ["y"], name="fc"),
             helper.make_node("AveragePool", ["ap"], ["y3"], name="avgceil", kernel_shape=[2, 2],
                              strides=[2, 2], ceil_mode=1)]
    inits = [T("w1", normal(4, 3, 3, 3)), T("w2", pm1(4, 4, 3, 3)), T("lo", F(-1)),
             T("hi", F(1)), T("k1", normal(1, 8, 1, 1)), T("k2", normal(8, 1, 1)),
             T("k3", F(2)), T("k4", F(0.25)), T("shape", np.array([1, -1], np.int64)),
             T("wd", normal(8, 5))] + t1 + t2
    m = model("resid", nodes, inits, [("x", [1, 3, 7, 7])], ["y", "y3"])
    check_model(m, "resid", want_ops=("add", "concat", "avgpool", "hardtanh", "maxpool"))


def m_convs():
    """Grouped and depthwise convolutions, dilation, stride with SAME_UPPER
    padding, VALID, a 1x1 convolution, two outputs (one [1, C, H, W])."""
    nodes = [helper.make_node("Conv", ["x", "w1"], ["c1"], name="grouped", group=2,
                              pads=[1, 1, 1, 1]),
             helper.make_node("Conv", ["c1", "w2"], ["c2"], name="depthwise", group=4,
                              auto_pad="SAME_UPPER", strides=[2, 2]),
             helper.make_node("Conv", ["c2", "w3", "b3"], ["c3"], name="dilated",
                              dilations=[2, 2], auto_pad="VALID"),
             helper.make_node("Conv", ["c3", "w4"], ["y2"], name="pointwise"),
             helper.make_node("Flatten", ["y2"], ["f"], name="flat"),
             helper.make_node("Gemm", ["f", "wd"], ["y"], name="fc", transB=1)]
    inits = [T("w1", normal(4, 2, 3, 3)), T("w2", normal(8, 1, 3, 3)),
             T("w3", pm1(6, 8, 2, 2)), T("b3", normal(6)), T("w4", normal(3, 6, 1, 1)),
             T("wd", normal(4, 3 * 3 * 2))]
    m = model("convs", nodes, inits, [("x", [1, 4, 9, 8])], ["y", "y2"])
    check_model(m, "convs", want_ops=("conv2d", "bconv2d"))


def m_flat():
    """A flat [1, N] input: Gemm with +-c weights per unit (a binary layer
    and a scale), BatchNormalization of [1, N], Sign, MatMul with +-1
    weights (an integer output, compared exactly), Unsqueeze, Squeeze."""
    wc = pm1(20, 12) * pos(1, 12)
    b1, t1 = bn("bn1", 12, "d1", "a1")
    nodes = [helper.make_node("Gemm", ["x", "w1"], ["d1"], name="fc1"), b1,
             helper.make_node("Sign", ["a1"], ["s1"], name="sign1"),
             helper.make_node("Unsqueeze", ["s1", "ax"], ["u"], name="unsq"),
             helper.make_node("Squeeze", ["u", "ax"], ["s2"], name="sq"),
             helper.make_node("MatMul", ["s2", "w2"], ["y"], name="fc2")]
    inits = [T("w1", wc), T("w2", pm1(12, 9)), T("ax", np.array([2], np.int64))] + t1
    m = model("flat", nodes, inits, [("x", [1, 20])], ["y"])
    check_model(m, "flat", want_ops=("bdense",))
    if not SEEDS:
        text = open("out_flat/flat.bnn").read()
        ok(text.count("bdense(") == 2, "flat: two binary dense layers")


def m_qonnx():
    """QONNX: BipolarQuant of the input (scale 1) and of weights, a
    BipolarQuant of activations with a scale (kept past a MaxPool and
    applied after the binary Conv), MultiThreshold with one threshold
    per channel (BIPOLAR), Quant of weights (4 bits) and of activations
    with 1 bit (unsigned and signed), MultiThreshold giving 0/1, an output
    that is a BipolarQuant with a scale, a one-bit Quant rounding down with
    a zero point of 1."""
    thr = normal(6, 1)
    nodes = [helper.make_node("BipolarQuant", ["x", "one"], ["q0"], name="inq",
                              domain="qonnx.custom_op.general"),
             helper.make_node("BipolarQuant", ["lw1", "one"], ["w1"], name="w1q",
                              domain="qonnx.custom_op.general"),
             helper.make_node("Conv", ["q0", "w1"], ["c1"], name="bconv1", pads=[1, 1, 1, 1]),
             helper.make_node("MultiThreshold", ["c1", "thr"], ["t1"], name="mt1",
                              domain="qonnx.custom_op.general", out_dtype="BIPOLAR"),
             helper.make_node("Quant", ["lw2", "s2", "zero", "bits4"], ["w2"], name="w2q",
                              domain="qonnx.custom_op.general", signed=1, narrow=1),
             helper.make_node("Conv", ["t1", "w2"], ["c2"], name="conv2"),
             helper.make_node("Quant", ["c2", "sa", "zero", "bits1"], ["q2"], name="actq",
                              domain="qonnx.custom_op.general", signed=0),
             helper.make_node("BipolarQuant", ["c2", "half"], ["q3"], name="bq3",
                              domain="qonnx.custom_op.general"),
             helper.make_node("MaxPool", ["q3"], ["p3"], name="pool3", kernel_shape=[2, 2],
                              strides=[2, 2]),
             helper.make_node("Conv", ["p3", "w4"], ["c4"], name="bconv4"),
             helper.make_node("Quant", ["c4", "sa", "zero", "bits1"], ["q4"], name="actq4",
                              domain="qonnx.custom_op.general", signed=1),
             helper.make_node("BipolarQuant", ["c4", "half"], ["q5"], name="bq5",
                              domain="qonnx.custom_op.general"),
             helper.make_node("Quant", ["c2", "quarter", "one", "bits1"], ["q6"], name="actq6",
                              domain="qonnx.custom_op.general", signed=0,
                              rounding_mode="FLOOR"),
             helper.make_node("MultiThreshold", ["q2", "thr2"], ["t2"], name="mt2",
                              domain="qonnx.custom_op.general"),
             helper.make_node("GlobalAveragePool", ["t2"], ["g"], name="gap"),
             helper.make_node("Flatten", ["g"], ["f"], name="flat"),
             helper.make_node("BipolarQuant", ["lwd", "one"], ["wd"], name="wdq",
                              domain="qonnx.custom_op.general"),
             helper.make_node("Gemm", ["f", "wd"], ["y"], name="fc")]
    inits = [T("one", F(1)), T("half", F(0.5)), T("quarter", F(0.25)), T("lw1", normal(6, 3, 3, 3)), T("thr", thr),
             T("lw2", normal(5, 6, 3, 3)), T("s2", F(0.25)), T("zero", F(0)), T("bits4", F(4)),
             T("bits1", F(1)), T("sa", F(0.5)), T("w4", pm1(4, 5, 1, 1)),
             T("thr2", np.array([[0.5]], F)), T("lwd", normal(5, 3))]
    m = model("qonnx", nodes, inits, [("x", [1, 3, 6, 6])], ["y", "q4", "q5", "q6"],
              qonnx=True)
    check_model(m, "qonnx", runs=3, want_ops=("bconv2d", "conv2d", "sign"))


def m_softmax11():
    """Softmax of opset 11 (over the axes from 1), Clip with attributes
    (opset 6: min 0 is relu), Flatten of a 1x1 spatial tensor."""
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("Clip", ["c"], ["r"], name="clip", min=0.0),
             helper.make_node("Flatten", ["r"], ["f"], name="flat"),
             helper.make_node("Softmax", ["f"], ["y"], name="prob")]
    inits = [T("w", normal(5, 2, 3, 3))]
    m = model("softmax11", nodes, inits, [("x", [1, 2, 3, 3])], ["y"], opset=6)
    check_model(m, "softmax11", want_ops=("relu", "softmax"))


def m_names():
    """The model's names made .bnn identifiers: PyTorch's '/0/Conv', a
    name that is a keyword ('input', 'output'), names that differ only in
    case, a node without a name (its output's, '23', starts with a digit),
    a name of symbols only."""
    nodes = [helper.make_node("Conv", ["input", "w"], ["/0/Conv_output_0"], name="/0/Conv"),
             helper.make_node("Relu", ["/0/Conv_output_0"], ["r1"], name="Relu"),
             helper.make_node("Relu", ["r1"], ["r2"], name="relu"),
             helper.make_node("Relu", ["r2"], ["23"]),
             helper.make_node("Relu", ["23"], ["r4"], name="+++"),
             helper.make_node("Relu", ["r4"], ["output"], name="output")]
    m = model("names", nodes, [T("w", normal(2, 1, 1, 1))], [("input", [1, 1, 2, 2])],
              ["output"])
    check_model(m, "names")
    if SEEDS:
        return
    got = open("out_names/names.bnn").read().split("network names {\n")[1]
    want = """    input input_2 : f32[2, 2, 1];
    n_0_Conv = conv2d(input_2, filters = 2, kernel = 1);  # Conv '/0/Conv'
    Relu = relu(n_0_Conv);  # Relu 'Relu'
    relu_2 = relu(Relu);  # Relu 'relu'
    n_23 = relu(relu_2);  # Relu '23'
    n = relu(n_23);  # Relu '+++'
    output_2 = relu(n);  # Relu 'output'
    output output_2;
}
"""
    ok(got == want, "names: the .bnn text is\n%s\nnot\n%s" % (got, want))


for f in (m_bnn, m_ste, m_resid, m_convs, m_flat, m_qonnx, m_softmax11, m_names):
    try:
        f()
    except Exception as e:  # a broken test is a failure, not a crash
        ok(False, "%s: %r" % (f.__name__, e))

# ---------------------------------------------------------------- errors


def error(name, nodes, inits, want, inputs=(("x", [1, 2, 5, 5]),), outputs=("y",), qonnx=False,
          opset=13, path=None):
    """Imports a model that must fail: exit 1, nothing written, and want
    (a line) on standard error."""
    if path is None:
        model(name, nodes, inits, list(inputs), list(outputs), qonnx=qonnx, opset=opset)
        path = name + ".onnx"
    if SEEDS:
        return
    rc, out, err = bnnc("import", path, "-o", "err_" + name)
    ok(rc == 1, "%s: exit %d, expected 1: %s" % (name, rc, err))
    ok(not os.path.exists("err_" + name), name + ": something was written")
    ok(want in err.splitlines(), "%s: stderr\n  %s\nlacks\n  %s" % (name, err.strip(), want))


conv = helper.make_node("Conv", ["x", "w"], ["y"], name="c")
error("op_unknown", [helper.make_node("Tanh", ["x"], ["y"], name="t")], [],
      "bnnc: error: 'op_unknown.onnx': node 't' (Tanh): bnnc import does not map the operator "
      "'Tanh' (docs/import.md lists those it maps)")
error("conv_autopad", [helper.make_node("Conv", ["x", "w"], ["y"], name="c",
                                        auto_pad="SAME_LOWER", strides=[2, 2])],
      [T("w", normal(3, 2, 2, 2))],
      "bnnc: error: 'conv_autopad.onnx': node 'c' (Conv): its padding along the height (1 at "
      "the start, 0 at the end) gives 3 outputs from 5; bnnc pads 'valid' (none: 2 outputs) "
      "or 'same' (3 outputs, 0 at the start, the rest at the end, as TensorFlow does), and "
      "neither is this")
error("conv_pads", [helper.make_node("Conv", ["x", "w"], ["y"], name="c", pads=[1, 1, 1, 1],
                                     strides=[2, 2])],
      [T("w", normal(3, 2, 3, 3))],
      "bnnc: error: 'conv_pads.onnx': node 'c' (Conv): its padding along the height (1 at the "
      "start, 1 at the end) gives 3 outputs from 6; bnnc pads 'valid' (none: 2 outputs) or "
      "'same' (3 outputs, 0 at the start, the rest at the end, as TensorFlow does), and "
      "neither is this", inputs=(("x", [1, 2, 6, 6]),))
error("conv_weight_input", [helper.make_node("Relu", ["x"], ["r"], name="r"),
                            helper.make_node("Conv", ["x", "r"], ["y"], name="c")], [],
      "bnnc: error: 'conv_weight_input.onnx': node 'c' (Conv): its weights (input 2, 'r') "
      "are computed by the network, not a constant: bnnc keeps weights and parameters in "
      "the safetensors file")
error("quant_2bit", [helper.make_node("Quant", ["x", "s", "z", "b"], ["y"], name="q",
                                      domain="qonnx.custom_op.general")],
      [T("s", F(1)), T("z", F(0)), T("b", F(2))],
      "bnnc: error: 'quant_2bit.onnx': node 'q' (Quant): it quantises a tensor of the network "
      "to 2 bits; the .bnn language has no multi-bit (multi-threshold) activation yet "
      "(docs/import.md)", qonnx=True)
error("mt_2", [helper.make_node("MultiThreshold", ["x", "t"], ["y"], name="mt",
                                domain="qonnx.custom_op.general")],
      [T("t", normal(2, 3))],
      "bnnc: error: 'mt_2.onnx': node 'mt' (MultiThreshold): it has 3 thresholds per channel; "
      "the .bnn language has no multi-threshold activation yet (docs/import.md)", qonnx=True)
error("sigmoid", [helper.make_node("Sigmoid", ["x"], ["y"], name="s")], [],
      "bnnc: error: 'sigmoid.onnx': node 's' (Sigmoid): it is a Sigmoid; the .bnn language "
      "has no 'sigmoid' yet (docs/import.md)")
error("transpose", [helper.make_node("Transpose", ["x"], ["y"], name="t", perm=[0, 2, 3, 1])],
      [], "bnnc: error: 'transpose.onnx': node 't' (Transpose): it transposes 'x'; the .bnn "
      "language has no 'transpose' yet (docs/import.md)")
error("mul2", [helper.make_node("Mul", ["x", "x"], ["y"], name="m")], [],
      "bnnc: error: 'mul2.onnx': node 'm' (Mul): it multiplies two tensors of the network; "
      "the .bnn language has no element-wise 'mul' yet (docs/import.md)")
error("div3", [helper.make_node("Div", ["x", "k"], ["y"], name="d")], [T("k", F(3))],
      "bnnc: error: 'div3.onnx': node 'd' (Div): it divides by a constant that is not a "
      "power of two (x * (1 / c) is not x / c to the bit); the .bnn language has no division "
      "yet (docs/import.md)")
error("mul_elem", [helper.make_node("Mul", ["x", "k"], ["y"], name="m")],
      [T("k", normal(1, 2, 5, 5))],
      "bnnc: error: 'mul_elem.onnx': node 'm' (Mul): its constant varies within a channel; "
      "bnnc's per-channel operations (batchnorm, prelu) take one value per channel, and the "
      ".bnn language has no element-wise 'mul' yet (docs/import.md)")
error("flat_out", [helper.make_node("Flatten", ["x"], ["y"], name="f")], [],
      "bnnc: error: 'flat_out.onnx': output 'y' is a flattened [2, 5, 5] whose elements bnnc "
      "orders (h, w, c), not (c, h, w); the .bnn language has no 'transpose' yet "
      "(docs/import.md)")
error("reshape", [helper.make_node("Reshape", ["x", "s"], ["y"], name="r")],
      [T("s", np.array([1, 10, 5], np.int64))],
      "bnnc: error: 'reshape.onnx': node 'r' (Reshape): it reshapes 'x' to [1, 10, 5]; the "
      ".bnn language has no 'reshape' yet (docs/import.md)")
error("attr_unknown", [helper.make_node("Relu", ["x"], ["y"], name="r", foo=1)], [],
      "bnnc: error: 'attr_unknown.onnx': node 'r' (Relu): attribute 'foo' is not one bnnc "
      "import knows for Relu")
error("clip_6", [helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="c")],
      [T("lo", F(0)), T("hi", F(6))],
      "bnnc: error: 'clip_6.onnx': node 'c' (Clip): it clips to [0, 6]; bnnc has hardtanh "
      "([-1, 1]) and relu ([0, inf))")
error("input_3d", [helper.make_node("Relu", ["x"], ["y"], name="r")], [],
      "bnnc: error: 'input_3d.onnx': input 'x' is not [1, C, H, W] or [1, N] (a batch of one)",
      inputs=(("x", [1, 4, 5]),))
error("domain", [helper.make_node("Relu", ["x"], ["y"], name="r", domain="com.example")], [],
      "bnnc: error: 'domain.onnx': node 'r' (Relu): its domain 'com.example' is not ONNX's or "
      "QONNX's")
error("gemm_spatial", [helper.make_node("Gemm", ["x", "w"], ["y"], name="g")],
      [T("w", normal(50, 3))],
      "bnnc: error: 'gemm_spatial.onnx': node 'g' (Gemm): its input 'x' is not a [1, N] "
      "tensor")
error("bn_training", [helper.make_node("BatchNormalization", ["x", "g", "b", "m", "v"],
                                       ["y"], name="bn", training_mode=1)],
      [T("g", pos(2)), T("b", pos(2)), T("m", pos(2)), T("v", pos(2))],
      "bnnc: error: 'bn_training.onnx': node 'bn' (BatchNormalization): it is in training "
      "mode, or not spatial")

if SEEDS:
    sys.exit(1 if fails else 0)

wn = normal(3, 2, 1, 1)
wn[1, 1, 0, 0] = np.nan
error("nan_weight", [helper.make_node("Conv", ["x", "w"], ["y"], name="c")], [T("w", wn)],
      "bnnc: error: 'nan_weight.onnx': node 'c' (Conv): its parameters are not finite: weight "
      "of 'c' holds nan at element 4")
short = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[3, 2, 1, 1], raw_data=bytes(12))
error("short_data", [helper.make_node("Conv", ["x", "w"], ["y"], name="c")], [short],
      "bnnc: error: 'short_data.onnx': tensor 'w' has 12 bytes of data; its shape needs 24")

error("output_twice", [helper.make_node("Relu", ["x"], ["r"], name="r"),
                       helper.make_node("Identity", ["r"], ["y"], name="i")], [],
      "bnnc: error: 'output_twice.onnx': outputs 'r' and 'y' are the same value; a .bnn "
      "network names each of its outputs once", outputs=("r", "y"))

error("stride_zero", [helper.make_node("Conv", ["x", "w"], ["y"], name="c", strides=[0, 1])],
      [T("w", normal(3, 2, 1, 1))],
      "bnnc: error: 'stride_zero.onnx': node 'c' (Conv): its kernel, strides or dilations are "
      "out of range (1 to 2^24)")
error("no_op_type", [helper.make_node("", ["x"], ["y"], name="n")], [],
      "bnnc: error: 'no_op_type.onnx': node 'n' (): it has no operator type")

error("input_twice", [helper.make_node("Relu", ["x"], ["y"], name="r")], [],
      "bnnc: error: 'input_twice.onnx': input 'x' is declared twice",
      inputs=(("x", [1, 2, 3, 3]), ("x", [1, 2, 3, 3])))
error("only_input", [helper.make_node("Identity", ["x"], ["y"], name="i")], [],
      "bnnc: error: 'only_input.onnx': its graph has no node bnnc computes")

error("fold_big", [helper.make_node("Mul", ["a", "b"], ["w"], name="m"),
                   helper.make_node("Conv", ["x", "w"], ["y"], name="c")],
      [T("a", normal(8192, 1)), T("b", normal(1, 8192))],
      "bnnc: error: 'fold_big.onnx': node 'm' (Mul): its result would have 67108864 elements, "
      "more than its inputs and than the 16777216 bnnc import computes")
# 2^40 elements an input, and 1024 layers as large: past the 2^50 bnnc allows
relus = [helper.make_node("Relu", ["x" if i == 0 else "r%d" % (i - 1)],
                          ["r%d" % i if i < 1099 else "y"], name="r%d" % i) for i in range(1100)]
error("elems_total", relus, [], "bnnc: error: 'elems_total.onnx': node 'r1023' (Relu): the "
      "network's tensors would have more than 2^50 elements in all",
      inputs=(("x", [1, 1, 1 << 20, 1 << 20]),))

# A corrupt protobuf, a truncated model, another format, paths that are
# not regular files, an HDF5 file (the Keras reader), names.
open("garbage.onnx", "wb").write(bytes(range(7, 250)) * 3)
error("garbage", None, None, "bnnc: error: 'garbage.onnx' is not an ONNX model: its bytes are "
      "not a protobuf ModelProto (a corrupt or truncated file, or another format)",
      path="garbage.onnx")
whole = open("bnnet.onnx", "rb").read() if os.path.exists("bnnet.onnx") else b""
open("truncated.onnx", "wb").write(whole[:len(whole) - 37])
error("truncated", None, None, "bnnc: error: 'truncated.onnx' is not an ONNX model: its bytes "
      "are not a protobuf ModelProto (a corrupt or truncated file, or another format)",
      path="truncated.onnx")
open("text.onnx", "w").write("bnn 1;\n")
error("text", None, None, "bnnc: error: 'text.onnx' is not an ONNX model: its bytes are not "
      "a protobuf ModelProto (a corrupt or truncated file, or another format)",
      path="text.onnx")
open("empty.onnx", "w").close()
error("empty", None, None, "bnnc: error: 'empty.onnx': it is not an ONNX model: it has no "
      "ir_version", path="empty.onnx")
os.mkdir("folder.onnx")
error("folder", None, None, "bnnc: error: 'folder.onnx' is a folder, not a model file",
      path="folder.onnx")
os.mkfifo("fifo.onnx")
error("fifo", None, None, "bnnc: error: 'fifo.onnx' is a pipe (FIFO), not a model file",
      path="fifo.onnx")
open("keras.h5", "wb").write(b"\x89HDF\r\n\x1a\n" + bytes(100))
rc, _, err = bnnc("import", "keras.h5", "-o", "err_keras")
ok(rc == 1 and not os.path.exists("err_keras") and ("'keras.h5' is a Keras .h5 file" in err or
                                                     "keras.h5" in err),
   "an HDF5 file goes to the Keras reader: %s" % err)
open("3net.onnx", "wb").write(whole)
error("badname", None, None, "bnnc: error: the network would be named '3net' after the "
      "model's file name, which is not a name bnnc can give it (a letter, then letters, "
      "digits and '_', at most 200, not a keyword of the language); rename the file",
      path="3net.onnx")
error("missing", None, None, "bnnc: error: cannot open the model 'missing.onnx': No such file "
      "or directory", path="missing.onnx")

# Usage.
rc, out, err = bnnc("import", "bnnet.onnx")
ok(rc == 2 and "no -o DIR" in err, "no -o: %d %s" % (rc, err))
rc, out, err = bnnc("import", "-o", "d")
ok(rc == 2 and "no model file" in err, "no model: %d %s" % (rc, err))
rc, out, err = bnnc("import", "bnnet.onnx", "-o", "d", "--frob")
ok(rc == 2 and "unknown option '--frob'" in err, "unknown option: %d %s" % (rc, err))
rc, out, err = bnnc("import", "--help")
ok(rc == 0 and out.startswith("usage: bnnc import MODEL -o DIR") and "-o DIR" in out,
   "bnnc import --help")
# --help and the man page name every option of bnnc import.
man = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                        "bnnc.1")).read()
opts = [l.split()[0].split("=")[0].rstrip(",") for l in out.splitlines()
        if l.startswith("  -")]
ok(set(opts) == {"-o", "--color", "-h"}, "bnnc import --help options: %s" % opts)
for o in opts:
    if o != "-h":
        ok(o.replace("-", "\\-") in man, "the man page lacks bnnc import's " + o)
ok("Options of bnnc import" in man and ".B bnnc import" in man, "the man page's bnnc import")
rc, out, err = bnnc("--help")
ok(rc == 0 and "bnnc import MODEL -o DIR" in out, "bnnc --help names bnnc import")

# -o DIR made when missing, nested in an existing folder; a second import
# replaces the files; a file in the way of DIR is an error.
rc, _, err = bnnc("import", "bnnet.onnx", "-o", "made/")
ok(rc == 0 and os.path.isfile("made/bnnet.bnn") and os.path.isfile("made/bnnet.safetensors"),
   "-o made/: %s" % err)
rc, _, err = bnnc("import", "bnnet.onnx", "-o", "made")
ok(rc == 0 and sorted(os.listdir("made")) == ["bnnet.bnn", "bnnet.safetensors"],
   "-o again: %s %s" % (err, os.listdir("made")))
open("afile", "w").write("x")
rc, _, err = bnnc("import", "bnnet.onnx", "-o", "afile")
ok(rc == 1 and "bnnc: error: 'afile' exists and is not a folder" in err, "-o a file: " + err)

print("import_onnx: %d passed, %d failed" % (passes, len(fails)))
sys.exit(1 if fails else 0)
