"""test_onnx.py BNNC: `bnnc import` of ONNX models, built here with
onnx.helper, against an independent NumPy evaluation (onnx_ref.py).

Each model is imported, then run with `bnnc run` on random inputs (the
arrays the model takes, NCHW, as they are: the imported network declares
the model's inputs and outputs, docs/import.md), and each output, named
after the model's, compared with the reference: integer and binary values exactly,
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
if not os.environ.get("BNNC_KEEP_TMP"):  # keep the models and outputs to look at
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
    # the network's outputs are the model's, by name (m_names: names that
    # are not identifiers)
    out_line = [l.strip() for l in text.splitlines() if l.strip().startswith("output ")]
    want_names = [o.name for o in m.graph.output]
    ok(name == "names" or out_line == ["output %s;" % ", ".join(want_names)],
       "%s: the outputs are %s, not %s" % (name, out_line, want_names))
    for r in range(runs):
        feeds, args = {}, []
        for vi in m.graph.input:
            shape = [d.dim_value or 1 for d in vi.type.tensor_type.shape.dim]
            x = normal(*shape)
            feeds[vi.name] = x
            # the same array the model takes: no layout change here
            np.save("%s_in_%s_%d.npy" % (name, vi.name, r), x)
            args += ["--input", "%s_in_%s_%d.npy" % (name, vi.name, r)]
        ref = onnx_ref.run(m, feeds)
        od = "%s_out_%d/" % (name, r)
        rc, _, err = bnnc("run", "out_%s/%s.bnn" % (name, name), "--weights",
                          "out_%s/%s.safetensors" % (name, name), *args, "--output", od)
        if rc != 0:
            ok(False, "%s: run exit %d: %s" % (name, rc, err))
            return
        out_names = [o.strip(",;") for o in out_line[0].split()[1:]]
        for k, o in enumerate(m.graph.output):
            got = np.load(od + out_names[k] + ".npy")
            want = ref[o.name]
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
    want = """    input input_2 : f32[1, 1, 2, 2];
    input_hwc = reshape(input_2, shape = (2, 2, 1));  # Conv '/0/Conv'
    n_0_Conv = conv2d(input_hwc, filters = 2, kernel = 1);  # Conv '/0/Conv'
    Relu = relu(n_0_Conv);  # Relu 'Relu'
    relu_2 = relu(Relu);  # Relu 'relu'
    n_23 = relu(relu_2);  # Relu '23'
    n = relu(n_23);  # Relu '+++'
    output_2 = relu(n);  # Relu 'output'
    output_nhwc = reshape(output_2, shape = (1, 2, 2, 2));  # output 'output'
    output_3 = transpose(output_nhwc, perm = (0, 3, 1, 2));  # output 'output'
    output output_3;
}
"""
    ok(got == want, "names: the .bnn text is\n%s\nnot\n%s" % (got, want))


def m_golden():
    """The free layout change: an NCHW input of one channel is bnnc's
    [H, W, C] by a reshape alone, which the cost model does not charge;
    a bias, a BatchNormalization's own epsilon, the output named and
    shaped as the model's. The .bnn text pinned."""
    b1, t1 = bn("bn1", 4, "c1", "a1")
    nodes = [helper.make_node("Conv", ["image", "w1", "cb1"], ["c1"], name="conv1",
                              pads=[1, 1, 1, 1]),
             b1, helper.make_node("Sign", ["a1"], ["s1"], name="sign1"),
             helper.make_node("Conv", ["s1", "w2"], ["c2"], name="bconv2"),
             helper.make_node("MaxPool", ["c2"], ["p2"], name="pool2", kernel_shape=[2, 2],
                              strides=[2, 2]),
             helper.make_node("Flatten", ["p2"], ["f"], name="flat"),
             helper.make_node("Gemm", ["f", "wd", "bd"], ["logits"], name="fc", transB=1)]
    inits = [T("w1", normal(4, 1, 3, 3)), T("cb1", normal(4)), T("w2", pm1(2, 4, 3, 3)),
             T("wd", normal(3, 8)), T("bd", normal(3))] + t1
    m = model("golden", nodes, inits, [("image", [1, 1, 6, 6])], ["logits"])
    check_model(m, "golden")
    if SEEDS:
        return
    got = open("out_golden/golden.bnn").read().split("network golden {\n")[1]
    want = """    input image : f32[1, 1, 6, 6];
    image_hwc = reshape(image, shape = (6, 6, 1));  # Conv 'conv1'
    conv1 = conv2d(image_hwc, filters = 4, kernel = 3, padding = same, bias = yes);  # Conv 'conv1'
    bn1 = batchnorm(conv1, epsilon = 1e-05);  # BatchNormalization 'bn1'
    sign1 = sign(bn1);  # Sign 'sign1'
    bconv2 = bconv2d(sign1, filters = 2, kernel = 3);  # Conv 'bconv2'
    pool2 = maxpool(bconv2, size = 2);  # MaxPool 'pool2'
    flat = flatten(pool2);  # Flatten 'flat'
    fc = dense(flat, units = 3, bias = yes);  # Gemm 'fc'
    logits = reshape(fc, shape = (1, 3));  # output 'logits'
    output logits;
}
"""
    ok(got == want, "golden: the .bnn text is\n%s\nnot\n%s" % (got, want))
    # the reshapes cost nothing; the layer after them does
    rc, out, err = bnnc("out_golden/golden.bnn", "--target", "cortex-m7", "--report",
                        "--format", "json")
    ok(rc == 0, "golden: --report: " + err)
    if rc == 0:
        import json
        rep = json.loads(out)
        layers = rep["networks"][0]["layers"] if "networks" in rep else rep["layers"]
        cyc = {l["name"]: l["cycles"] for l in layers}
        ok(cyc.get("image_hwc") == 0 and cyc.get("logits") == 0 and cyc.get("conv1", 0) > 0,
           "golden: the reshapes' cycles: %s" % cyc)


def m_shapes():
    """An NCHW input of 3 channels, then what the language's shape
    operations give: a Transpose to NHWC (bnnc's own order: a free
    reshape), Sigmoid, a Reshape to a shape that is not flat, Slice of
    every axis and of the last, Mul of two tensors with broadcasting (in
    the model's order, and a [1, C, 1, 1] scaling branch against
    [1, C, H, W] in bnnc's), Pad of channels, a Pad of the height and
    width before a Conv (its padding), a Transpose that moves data, and
    outputs of ranks 3 and 4 in the model's order."""
    nodes = [helper.make_node("Transpose", ["x"], ["t"], name="to_nhwc", perm=[0, 2, 3, 1]),
             helper.make_node("Sigmoid", ["t"], ["s"], name="sig"),
             helper.make_node("Reshape", ["s", "shp"], ["r"], name="rows"),
             helper.make_node("Slice", ["r", "st", "en", "ax"], ["a"], name="cut"),
             helper.make_node("Slice", ["a", "st1", "en1", "ax1"], ["b"], name="first"),
             helper.make_node("Mul", ["a", "b"], ["prod"], name="mul"),
             helper.make_node("Conv", ["x", "w", "cb"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("GlobalAveragePool", ["c"], ["g"], name="gap"),
             helper.make_node("Sigmoid", ["g"], ["gs"], name="gate"),
             helper.make_node("Mul", ["c", "gs"], ["se"], name="excite"),
             helper.make_node("Pad", ["se", "pc"], ["sp"], name="padc"),
             helper.make_node("Transpose", ["sp"], ["swapped"], name="swap", perm=[0, 1, 3, 2]),
             helper.make_node("Pad", ["x", "phw"], ["xp"], name="padhw"),
             helper.make_node("Conv", ["xp", "w2"], ["padconv"], name="conv2")]
    inits = [T("shp", np.array([1, 16, 3], np.int64)),
             T("st", np.array([2, 0], np.int64)), T("en", np.array([10, 3], np.int64)),
             T("ax", np.array([1, 2], np.int64)),
             T("st1", np.array([1], np.int64)), T("en1", np.array([2], np.int64)),
             T("ax1", np.array([-1], np.int64)),
             T("w", normal(4, 3, 3, 3)), T("cb", normal(4)),
             T("pc", np.array([0, 1, 0, 0, 0, 2, 0, 0], np.int64)),
             T("phw", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)),
             T("w2", normal(2, 3, 3, 3))]
    m = model("shapes", nodes, inits, [("x", [1, 3, 4, 4])],
              ["prod", "se", "swapped", "padconv"])
    check_model(m, "shapes", want_ops=("transpose", "sigmoid", "reshape", "slice", "mul",
                                       "pad_channels"))
    if not SEEDS:
        text = open("out_shapes/shapes.bnn").read()
        # the Transpose to NHWC is bnnc's order: a reshape, no transpose
        ok("to_nhwc = reshape(x_hwc, shape = (1, 4, 4, 3));" in text or
           "to_nhwc = reshape(" in text and "to_nhwc = transpose(" not in text,
           "shapes: the Transpose to NHWC is a reshape:\n" + text)
        ok("conv2 = conv2d(x_hwc, filters = 2, kernel = 3, padding = same);" in text,
           "shapes: the Pad is the Conv's padding:\n" + text)
        ok("excite = mul(conv, gate);" in text, "shapes: the scaling branch in bnnc's order:\n"
           + text)
        emit_c("shapes", m)


def m_w1a2():
    """FINN's W1A2: a bipolar input, a binary Conv, MultiThreshold with 3
    thresholds per channel (2-bit counts, u8), a binary Conv reading them
    (an integer output, compared exactly); a 2-bit Quant of the integer
    dot product (its scale applied after the next binary layer's
    popcount: scaled = yes), MultiThreshold with output levels 2k - 3 (a
    batchnorm), a flat input, and a Pad of +1 around the bipolar input
    before a binary Conv (its padding, same_one)."""
    thr = np.sort(rng.integers(-8, 9, (4, 3)).astype(F) + F(0.5), axis=1)
    thr[1] = thr[1][::-1]  # any order: the count is the same
    nodes = [helper.make_node("BipolarQuant", ["x", "one"], ["q0"], name="inq",
                              domain="qonnx.custom_op.general"),
             helper.make_node("Conv", ["q0", "w1"], ["c1"], name="bconv1", pads=[1, 1, 1, 1]),
             helper.make_node("MultiThreshold", ["c1", "thr"], ["a1"], name="mt1",
                              domain="qonnx.custom_op.general"),
             helper.make_node("Conv", ["a1", "w2"], ["acc"], name="bconv2"),
             helper.make_node("Quant", ["c1", "four", "zero", "two"], ["q2"], name="act2",
                              domain="qonnx.custom_op.general", signed=0),
             helper.make_node("Conv", ["q2", "w3"], ["qacc"], name="bconv3"),
             helper.make_node("MultiThreshold", ["c1", "thr"], ["levels"], name="mt3",
                              domain="qonnx.custom_op.general", out_scale=2.0, out_bias=-3.0),
             helper.make_node("BipolarQuant", ["v", "one"], ["vq"], name="vq",
                              domain="qonnx.custom_op.general"),
             helper.make_node("MatMul", ["vq", "wv"], ["vacc"], name="fcv"),
             helper.make_node("MultiThreshold", ["vacc", "thv"], ["vcount"], name="mtv",
                              domain="qonnx.custom_op.general"),
             helper.make_node("Pad", ["q0", "phw", "one"], ["q0p"], name="padone"),
             helper.make_node("Conv", ["q0p", "w4"], ["onepad"], name="bconv4")]
    inits = [T("one", F(1)), T("four", F(4)), T("zero", F(0)), T("two", F(2)),
             T("w1", pm1(4, 2, 3, 3)), T("thr", thr), T("w2", pm1(3, 4, 3, 3)),
             T("w3", pm1(3, 4, 1, 1)), T("wv", pm1(12, 5)),
             T("thv", np.sort(rng.integers(-6, 7, (5, 2)).astype(F), axis=1)),
             T("phw", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)), T("w4", pm1(2, 2, 3, 3))]
    m = model("w1a2", nodes, inits, [("x", [1, 2, 5, 5]), ("v", [1, 12])],
              ["acc", "qacc", "levels", "vcount", "onepad"], qonnx=True)
    check_model(m, "w1a2", runs=3, want_ops=("thresholds", "bconv2d", "bdense"))
    if not SEEDS:
        text = open("out_w1a2/w1a2.bnn").read()
        ok("mt1 = thresholds(bconv1, levels = 3);" in text and
           "bconv2 = bconv2d(mt1, filters = 3, kernel = 3);" in text and
           "act2 = thresholds(bconv1, levels = 3);" in text and
           "bconv3 = bconv2d(act2, filters = 3, kernel = 1, scaled = yes);" in text and
           "bconv4 = bconv2d(q0_hwc, filters = 2, kernel = 3, padding = same_one);" in text,
           "w1a2: thresholds of 3 levels read by binary layers:\n" + text)
        emit_c("w1a2", m)


def m_layouts():
    """Values going between the layouts: a flattened [C, H, W] as an
    output (the model's order back), and reshaped back to [1, C, H, W]
    (bnnc's [H, W, C] again, free); BatchNormalization on the model's input;
    Slice of the height and width; Concat along the last axis of a rank-3
    tensor; Pad of the channels of a [1, N]; a one-bit signed Quant of an
    integer dot product (one threshold, two levels); an output that is the
    input itself."""
    b1, t1 = bn("bnx", 2, "x", "xb")
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("Flatten", ["c"], ["flat_out"], name="flat"),
             helper.make_node("Reshape", ["flat_out", "shp4"], ["u"], name="unflat"),
             helper.make_node("MaxPool", ["u"], ["unflat_pool"], name="pool", kernel_shape=[2, 2],
                              strides=[1, 1]),
             b1, helper.make_node("Slice", ["xb", "st", "en", "ax"], ["bn_crop"], name="crop"),
             helper.make_node("Reshape", ["x", "shp3"], ["r3"], name="rows"),
             helper.make_node("Concat", ["r3", "r3"], ["cat_last"], name="cat", axis=2),
             helper.make_node("GlobalAveragePool", ["c"], ["g"], name="gap"),
             helper.make_node("Flatten", ["g"], ["gf"], name="gflat"),
             helper.make_node("Pad", ["gf", "pc", "pv"], ["gpad"], name="gpad"),
             helper.make_node("Sign", ["x"], ["s"], name="sign"),
             helper.make_node("Conv", ["s", "wb"], ["bc"], name="bconv"),
             helper.make_node("Quant", ["bc", "one", "zero", "one"], ["q1"], name="q1",
                              domain="qonnx.custom_op.general", signed=1),
             helper.make_node("Identity", ["x"], ["x_copy"], name="copy")]
    inits = [T("w", normal(5, 2, 3, 3)), T("shp4", np.array([1, 5, 3, 4], np.int64)),
             T("st", np.array([1, 1], np.int64)), T("en", np.array([3, 3], np.int64)),
             T("ax", np.array([2, 3], np.int64)), T("shp3", np.array([1, 6, 4], np.int64)),
             T("pc", np.array([0, 1, 0, 2], np.int64)), T("pv", F(0.5)),
             T("wb", pm1(3, 2, 1, 1)), T("one", F(1)), T("zero", F(0))] + t1
    m = model("layouts", nodes, inits, [("x", [1, 2, 3, 4])],
              ["flat_out", "unflat_pool", "bn_crop", "cat_last", "gpad", "q1", "x_copy"],
              qonnx=True)
    check_model(m, "layouts", want_ops=("flatten", "slice", "concat", "pad_channels",
                                        "thresholds"))
    if not SEEDS:
        text = open("out_layouts/layouts.bnn").read()
        ok("unflat = reshape(flat, shape = (3, 4, 5));" in text and
           "x_copy = reshape(x, shape = (1, 2, 3, 4));" in text and
           "gpad_2 = pad_channels(gap, before = 1, after = 2, value = 0.5);" in text and
           "gpad = reshape(gpad_2, shape = (1, 8));" in text,
           "layouts: the free paths:\n" + text)


def emit_c(name, m):
    """The imported network through --emit c, compiled and run on the
    inputs of the last run: its outputs are bnnc run's, bit for bit (the
    integers and the floats: docs/semantics.md)."""
    here = os.path.dirname(os.path.abspath(__file__))
    harness = os.path.join(here, "..", "codegen", "harness.c")
    rc, _, err = bnnc("out_%s/%s.bnn" % (name, name), "--target", "t-portable64", "--targets",
                      os.path.join(here, "..", "codegen", "targets.bnn"), "--no-catalog",
                      "--emit", "c", "-o", "c_" + name,
                      "--weights", "out_%s/%s.safetensors" % (name, name))
    ok(rc == 0, "%s: --emit c: %s" % (name, err))
    if rc != 0:
        return
    p = subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-DNET=" + name,
                        "-include", "c_%s/%s.h" % (name, name), "-o", "c_%s/prog" % name,
                        harness, "c_%s/%s.c" % (name, name), "c_%s/%s_weights.c" % (name, name),
                        "-lm"], capture_output=True, text=True)
    ok(p.returncode == 0, "%s: the emitted C does not build: %s" % (name, p.stderr[:2000]))
    if p.returncode != 0:
        return
    r = max(k for k in range(8) if os.path.exists("%s_out_%d" % (name, k)))
    ins = ["%s_in_%s_%d.npy" % (name, vi.name, r) for vi in m.graph.input]
    outs = ["c_%s/got_%s.npy" % (name, o.name) for o in m.graph.output]
    p = subprocess.run(["c_%s/prog" % name] + ins + ["--"] + outs, capture_output=True,
                       text=True)
    ok(p.returncode == 0, "%s: the emitted program: %s" % (name, p.stderr))
    if p.returncode != 0:
        return
    for o, path in zip(m.graph.output, outs):
        want = np.load("%s_out_%d/%s.npy" % (name, r, o.name))
        got = np.load(path)
        ok(got.dtype == want.dtype and got.reshape(-1).tobytes() == want.reshape(-1).tobytes(),
           "%s: output %s of the emitted C differs from bnnc run" % (name, o.name))


for f in (m_bnn, m_ste, m_resid, m_convs, m_flat, m_qonnx, m_softmax11, m_names, m_golden,
          m_shapes, m_w1a2, m_layouts):
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
      "bnnc: error: 'quant_2bit.onnx': node 'q' (Quant): it quantises 'x', a float, to 2 "
      "bits; bnnc counts several thresholds on an integer only, the dot product (i32) of a "
      "binary layer without a bias or a scale (a float takes one threshold: sign)", qonnx=True)
error("mt_float", [helper.make_node("MultiThreshold", ["x", "t"], ["y"], name="mt",
                                    domain="qonnx.custom_op.general")],
      [T("t", normal(2, 3))],
      "bnnc: error: 'mt_float.onnx': node 'mt' (MultiThreshold): it counts 3 thresholds per "
      "channel on 'x', a float; bnnc's thresholds count on an integer, the dot product (i32) "
      "of a binary layer without a bias or a scale (a float takes one threshold: sign)",
      qonnx=True)
bq = [helper.make_node("BipolarQuant", ["x", "one"], ["q"], name="bq",
                       domain="qonnx.custom_op.general"),
      helper.make_node("Conv", ["q", "w"], ["c"], name="c")]
error("mt_levels", bq + [helper.make_node("MultiThreshold", ["c", "t"], ["y"], name="mt",
                                          domain="qonnx.custom_op.general", out_scale=0.1,
                                          out_bias=0.7)],
      [T("one", F(1)), T("w", pm1(3, 2, 1, 1)), T("t", np.array([[0, 1, 2]], F))],
      "bnnc: error: 'mt_levels.onnx': node 'mt' (MultiThreshold): its output levels in "
      "channel 0 (0.9 for 2 thresholds reached) are not a * count + b to the bit, which is "
      "what bnnc's batchnorm computes", qonnx=True)
error("mt_big", bq + [helper.make_node("MultiThreshold", ["c", "t"], ["y"], name="mt",
                                       domain="qonnx.custom_op.general")],
      [T("one", F(1)), T("w", pm1(3, 2, 1, 1)), T("t", np.array([[0, 2e9]], F))],
      "bnnc: error: 'mt_big.onnx': node 'mt' (MultiThreshold): its threshold 2e+09 (channel 0) "
      "is beyond 2^30; bnnc's thresholds are from -2^30 to 2^30", qonnx=True)
error("quant_9bit", bq + [helper.make_node("Quant", ["c", "s", "z", "b"], ["y"], name="q",
                                           domain="qonnx.custom_op.general")],
      [T("one", F(1)), T("w", pm1(3, 2, 1, 1)), T("s", F(1)), T("z", F(0)), T("b", F(9))],
      "bnnc: error: 'quant_9bit.onnx': node 'q' (Quant): it quantises a tensor of the network "
      "to 512 levels; bnnc's thresholds count at most 255", qonnx=True)
error("div2", [helper.make_node("Div", ["x", "x"], ["y"], name="d")], [],
      "bnnc: error: 'div2.onnx': node 'd' (Div): it divides two tensors of the network; bnnc "
      "has no division")
error("div3", [helper.make_node("Div", ["x", "k"], ["y"], name="d")], [T("k", F(3))],
      "bnnc: error: 'div3.onnx': node 'd' (Div): it divides by a constant that is not a "
      "power of two (x * (1 / c) is not x / c to the bit); bnnc has no division")
error("mul_elem", [helper.make_node("Mul", ["x", "k"], ["y"], name="m")],
      [T("k", normal(1, 2, 5, 5))],
      "bnnc: error: 'mul_elem.onnx': node 'm' (Mul): its constant varies within a channel; "
      "bnnc takes a constant as the per-channel parameters of a layer (batchnorm, prelu), and "
      "a .bnn network has no constant tensors (docs/import.md)")
error("mul_shapes", [helper.make_node("Slice", ["x", "s0", "e0", "a0"], ["h"], name="s"),
                     helper.make_node("Mul", ["x", "h"], ["y"], name="m")],
      [T("s0", np.array([0], np.int64)), T("e0", np.array([2], np.int64)),
       T("a0", np.array([2], np.int64))],
      "bnnc: error: 'mul_shapes.onnx': node 'm' (Mul): its inputs 'x' [1, 2, 5, 5] and 'h' "
      "[1, 2, 2, 5] do not broadcast together")
error("add_shapes", [helper.make_node("GlobalAveragePool", ["x"], ["g"], name="g"),
                     helper.make_node("Add", ["x", "g"], ["y"], name="a")], [],
      "bnnc: error: 'add_shapes.onnx': node 'a' (Add): its inputs 'x' [1, 2, 5, 5] and 'g' "
      "[1, 2, 1, 1] differ in shape; bnnc's 'add' takes equal shapes (it does not broadcast)")
error("slice_step", [helper.make_node("Slice", ["x", "s0", "e0", "a0", "p0"], ["y"], name="s")],
      [T("s0", np.array([0], np.int64)), T("e0", np.array([5], np.int64)),
       T("a0", np.array([3], np.int64)), T("p0", np.array([2], np.int64))],
      "bnnc: error: 'slice_step.onnx': node 's' (Slice): its step along axis 3 is 2; bnnc's "
      "slice takes every element")
error("pad_reflect", [helper.make_node("Pad", ["x", "p"], ["y"], name="p", mode="reflect")],
      [T("p", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64))],
      "bnnc: error: 'pad_reflect.onnx': node 'p' (Pad): its mode is 'reflect'; bnnc pads with "
      "a constant only")
error("pad_relu", [helper.make_node("Pad", ["x", "p"], ["xp"], name="p"),
                   helper.make_node("Relu", ["xp"], ["y"], name="r")],
      [T("p", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64))],
      "bnnc: error: 'pad_relu.onnx': node 'r' (Relu): it reads 'xp', a Pad of the height or "
      "width; bnnc pads within a convolution only ('same', 'same_one'), so such a Pad must "
      "feed a Conv")
error("pad_one", [helper.make_node("Pad", ["x", "p", "v"], ["y"], name="p")],
      [T("p", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)), T("v", F(1))],
      "bnnc: error: 'pad_one.onnx': node 'p' (Pad): it pads the height and width with a value "
      "other than 0 (or 1 around a binary tensor); bnnc pads the channels (pad_channels), or "
      "the height and width as a Conv that reads it does (zeros, or +1 around a binary "
      "tensor)")
error("pad_one_zero", [helper.make_node("Sign", ["x"], ["s"], name="s"),
                       helper.make_node("Pad", ["s", "p", "v"], ["sp"], name="p"),
                       helper.make_node("Conv", ["sp", "w"], ["y"], name="c", pads=[1, 1, 1, 1])],
      [T("p", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)), T("v", F(1)),
       T("w", pm1(3, 2, 3, 3))],
      "bnnc: error: 'pad_one_zero.onnx': node 'c' (Conv): its input 'sp' is a Pad of ones, and "
      "it pads with zeros too; bnnc pads with one or the other")
error("pad_conv_odd", [helper.make_node("Pad", ["x", "p"], ["xp"], name="p"),
                       helper.make_node("Conv", ["xp", "w"], ["y"], name="c")],
      [T("p", np.array([0, 0, 1, 0, 0, 0, 0, 0], np.int64)), T("w", normal(3, 2, 3, 3))],
      "bnnc: error: 'pad_conv_odd.onnx': node 'c' (Conv): its padding along the height (1 at "
      "the start, 0 at the end) gives 4 outputs from 5; bnnc pads 'valid' (none: 3 outputs) or "
      "'same' (5 outputs, 1 at the start, the rest at the end, as TensorFlow does), and "
      "neither is this")
error("pad_b1", [helper.make_node("Sign", ["x"], ["s"], name="s"),
                 helper.make_node("Pad", ["s", "p"], ["y"], name="p")],
      [T("p", np.array([0, 1, 0, 0, 0, 0, 0, 0], np.int64))],
      "bnnc: error: 'pad_b1.onnx': node 'p' (Pad): it pads 's', a binary (+-1) tensor, with 0; "
      "bnnc's b1 holds only -1 and +1")
error("concat_axis", [helper.make_node("Concat", ["x", "x"], ["y"], name="c", axis=2)], [],
      "bnnc: error: 'concat_axis.onnx': node 'c' (Concat): it joins along axis 2 of 4; bnnc's "
      "concat joins the last axis (the channels: axis 1 of [1, C, H, W])")
error("reshape_5d", [helper.make_node("Reshape", ["x", "s"], ["y"], name="r")],
      [T("s", np.array([1, 2, 5, 1, 5], np.int64))],
      "bnnc: error: 'reshape_5d.onnx': node 'r' (Reshape): it reshapes 'x' to [1, 2, 5, 1, 5]; "
      "bnnc's tensors have 1 to 4 dimensions")
error("input_5d", [helper.make_node("Relu", ["x"], ["y"], name="r")], [],
      "bnnc: error: 'input_5d.onnx': input 'x' has 5 dimensions; bnnc's inputs have 1 to 4",
      inputs=(("x", [1, 4, 5, 1, 1]),))
error("out_pad", [helper.make_node("Pad", ["x", "p"], ["y"], name="p")],
      [T("p", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64))],
      "bnnc: error: 'out_pad.onnx': output 'y' is a Pad of the height or width, which bnnc "
      "pads only within a Conv")
# the layouts' and shape operations' own errors
I64 = np.int64
error("out_5d", [helper.make_node("Flatten", ["x"], ["f"], name="f"),
                 helper.make_node("Unsqueeze", ["f", "ax"], ["y"], name="u")],
      [T("ax", np.array([2, 3, 4], I64))],
      "bnnc: error: 'out_5d.onnx': 'y' has 5 dimensions in the model; bnnc's tensors have 1 "
      "to 4")
error("slice_empty", [helper.make_node("Slice", ["x", "s0", "e0", "a0"], ["y"], name="s")],
      [T("s0", np.array([3], I64)), T("e0", np.array([3], I64)), T("a0", np.array([1], I64))],
      "bnnc: error: 'slice_empty.onnx': node 's' (Slice): it slices axis 1 to nothing")
error("slice_batch", [helper.make_node("Conv", ["x", "w"], ["c"], name="c"),
                      helper.make_node("Concat", ["c", "c"], ["cc"], name="cat", axis=0),
                      helper.make_node("Slice", ["cc", "s0", "e0", "a0"], ["y"], name="s")],
      [T("w", normal(2, 2, 1, 1)), T("s0", np.array([1, 1], I64)),
       T("e0", np.array([2, 3], I64)), T("a0", np.array([0, 2], I64))],
      "bnnc: error: 'slice_batch.onnx': node 'cat' (Concat): it joins along axis 0 of 4; "
      "bnnc's concat joins the last axis (the channels: axis 1 of [1, C, H, W])")
error("slice_lists", [helper.make_node("Slice", ["x", "s0", "e0"], ["y"], name="s")],
      [T("s0", np.array([1, 1], I64)), T("e0", np.array([2], I64))],
      "bnnc: error: 'slice_lists.onnx': node 's' (Slice): its starts, ends, axes and steps are "
      "not constant lists of one length")
error("pad_crop", [helper.make_node("Pad", ["x", "p"], ["y"], name="p")],
      [T("p", np.array([0, -1, 0, 0, 0, 0, 0, 0], I64))],
      "bnnc: error: 'pad_crop.onnx': node 'p' (Pad): it crops (a negative pad); bnnc's slice "
      "does that, not its pads")
error("pad_count", [helper.make_node("Pad", ["x", "p"], ["y"], name="p")],
      [T("p", np.array([0, 1, 0, 0], I64))],
      "bnnc: error: 'pad_count.onnx': node 'p' (Pad): its pads are not 2 values per axis")
error("pad_batch", [helper.make_node("Pad", ["x", "p"], ["y"], name="p")],
      [T("p", np.array([1, 0, 0, 0, 0, 0, 0, 0], I64))],
      "bnnc: error: 'pad_batch.onnx': node 'p' (Pad): it pads the batch axis or several kinds "
      "of axes; bnnc pads the channels (pad_channels), or the height and width as a Conv that "
      "reads it does (zeros, or +1 around a binary tensor)")
error("pad_int", bq + [helper.make_node("Pad", ["c", "p", "v"], ["y"], name="p")],
      [T("one", F(1)), T("w", pm1(3, 2, 1, 1)), T("p", np.array([0, 1, 0, 0, 0, 0, 0, 0], I64)),
       T("v", F(0.5))],
      "bnnc: error: 'pad_int.onnx': node 'p' (Pad): it pads 'c', an integer tensor, with 0.5",
      qonnx=True)
error("pad_autopad", [helper.make_node("Pad", ["x", "p"], ["xp"], name="p"),
                      helper.make_node("Conv", ["xp", "w"], ["y"], name="c", auto_pad="SAME_UPPER")],
      [T("p", np.array([0, 0, 1, 1, 0, 0, 1, 1], I64)), T("w", normal(3, 2, 3, 3))],
      "bnnc: error: 'pad_autopad.onnx': node 'c' (Conv): its input 'xp' is a Pad and its "
      "auto_pad is 'SAME_UPPER'")
error("mt_count", bq + [helper.make_node("MultiThreshold", ["c", "t"], ["y"], name="mt",
                                         domain="qonnx.custom_op.general")],
      [T("one", F(1)), T("w", pm1(3, 2, 1, 1)), T("t", np.zeros((1, 256), F))],
      "bnnc: error: 'mt_count.onnx': node 'mt' (MultiThreshold): it has 256 thresholds per "
      "channel; bnnc's thresholds take 1 to 255", qonnx=True)
error("quant_far", bq + [helper.make_node("Quant", ["c", "s", "z", "b"], ["y"], name="q",
                                          domain="qonnx.custom_op.general", signed=0)],
      [T("one", F(1)), T("w", pm1(3, 2, 1, 1)), T("s", F(1e12)), T("z", F(0)), T("b", F(2))],
      "bnnc: error: 'quant_far.onnx': node 'q' (Quant): its level 1 of channel 0 is reached "
      "beyond +-2^30; bnnc's thresholds are from -2^30 to 2^30", qonnx=True)
error("bn_axis", [helper.make_node("Reshape", ["x", "s"], ["r"], name="r"),
                  helper.make_node("BatchNormalization", ["r", "g", "b", "m", "v"], ["y"],
                                   name="bn")],
      [T("s", np.array([1, 2, 25], I64)), T("g", pos(2)), T("b", pos(2)), T("m", pos(2)),
       T("v", pos(2))],
      "bnnc: error: 'bn_axis.onnx': node 'bn' (BatchNormalization): its input 'r' has 2 "
      "channels (axis 1) of more than one element, and they are not bnnc's channels (the last "
      "axis)")
error("bn_epsilon", [helper.make_node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"],
                                      name="bn", epsilon=0.0)],
      [T("g", pos(2)), T("b", pos(2)), T("m", pos(2)), T("v", pos(2))],
      "bnnc: error: 'bn_epsilon.onnx': node 'bn' (BatchNormalization): its epsilon is 0; "
      "bnnc's batchnorm takes one above 0")
error("attr_unknown", [helper.make_node("Relu", ["x"], ["y"], name="r", foo=1)], [],
      "bnnc: error: 'attr_unknown.onnx': node 'r' (Relu): attribute 'foo' is not one bnnc "
      "import knows for Relu")
error("clip_6", [helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="c")],
      [T("lo", F(0)), T("hi", F(6))],
      "bnnc: error: 'clip_6.onnx': node 'c' (Clip): it clips to [0, 6]; bnnc has hardtanh "
      "([-1, 1]) and relu ([0, inf))")
error("domain", [helper.make_node("Relu", ["x"], ["y"], name="r", domain="com.example")], [],
      "bnnc: error: 'domain.onnx': node 'r' (Relu): its domain 'com.example' is not ONNX's or "
      "QONNX's")
error("gemm_spatial", [helper.make_node("Gemm", ["x", "w"], ["y"], name="g")],
      [T("w", normal(50, 3))],
      "bnnc: error: 'gemm_spatial.onnx': node 'g' (Gemm): its input 'x' is not a [1, N] "
      "tensor")
error("bn_negative_var", [helper.make_node("BatchNormalization", ["x", "g", "b", "m", "v"],
                                           ["y"], name="bn")],
      [T("g", pos(2)), T("b", pos(2)), T("m", pos(2)), T("v", np.array([1, -1e-30], F))],
      "bnnc: error: 'bn_negative_var.onnx': node 'bn' (BatchNormalization): its variance for "
      "channel 1 is -1e-30; bnnc's batchnorm takes a variance of 0 or more")
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
