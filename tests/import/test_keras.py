#!/usr/bin/python3
"""test_keras.py BNNC WORKDIR: `bnnc import` of Keras/Larq .h5 models.

Each model is written with h5py in the layout Keras 2 saves
(keras_h5.py), imported with `bnnc import`, run with `bnnc run`, and its
outputs compared with keras_h5.py's NumPy evaluation (Larq's semantics):
binary and integer outputs exactly, float outputs to 1e-5 * max(1,
|reference|). Between them the models use every layer, quantizer and
option the importer maps (docs/import.md). Then each error the importer
reports is pinned: the exact message, exit status 1, nothing written.
"""
import os
import shutil
import stat
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_h5 import Model  # noqa: E402

BNNC = WORK = None  # set by main
failures = []


def fail(what):
    failures.append(what)
    print("FAIL:", what)


def run(*args):
    p = subprocess.run([BNNC] + list(args), cwd=WORK, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


# ------------------------------------------------------------ values

def odd8(rng, shape):
    """Odd multiples of 1/8: never 0, exact in float32."""
    return ((2 * rng.integers(-8, 8, shape) + 1) / 8.0).astype(np.float32)


def dy16(rng, shape):
    """Multiples of 1/16 in [-1, 1]: float sums of them are exact."""
    return (rng.integers(-16, 17, shape) / 16.0).astype(np.float32)


def latent(rng, shape):
    """Latent weights of a binary layer, zeros included (sign(0) = +1)."""
    w = rng.uniform(-1, 1, shape).astype(np.float32)
    w.flat[0] = 0.0
    return w


def bn_weights(rng, ch, center=True, scale=True):
    g = rng.uniform(0.5, 1.5, ch) * np.where(rng.random(ch) < 0.2, -1, 1)
    w = []
    if scale:
        w.append(("gamma", g))
    if center:
        w.append(("beta", rng.uniform(-0.5, 0.5, ch)))
    w += [("moving_mean", rng.uniform(-2, 2, ch)), ("moving_variance", rng.uniform(0.5, 3, ch))]
    return w


def conv_cfg(filters, k, **kw):
    c = {"filters": filters, "kernel_size": [k, k], "strides": [1, 1], "padding": "valid",
         "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
         "activation": "linear", "use_bias": True,
         "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}}}
    c.update(kw)
    return c


def quant_cfg(filters, k, iq, kq, **kw):
    c = conv_cfg(filters, k, **kw)
    c.update(input_quantizer=iq, kernel_quantizer=kq, metrics=[],
             kernel_constraint={"class_name": "WeightClip", "config": {"clip_value": 1}})
    c.setdefault("pad_values", 0.0)
    return c


def dw_cfg(k, mult, **kw):
    c = {"kernel_size": [k, k], "strides": [1, 1], "padding": "valid",
         "data_format": "channels_last", "dilation_rate": [1, 1], "depth_multiplier": mult,
         "activation": "linear", "use_bias": True}
    c.update(kw)
    return c


def bn_cfg(**kw):
    c = {"axis": [3], "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True}
    c.update(kw)
    return c


STE = "ste_sign"
STE_DICT = {"class_name": "SteSign", "config": {"clip_value": 1.0}}


# ------------------------------------------------------------ models

def seq_bin(rng):
    """Sequential: float conv with bias and relu, Larq convolutions with
    every sign quantizer and both pad_values, batchnorms with another
    epsilon and without center or scale, pools, Dropout, Flatten, a
    QuantDense with a bias and a Dense with softmax."""
    m = Model("seq_bin", "Sequential")
    m.input("image", (8, 8, 2))
    m.add("Conv2D", "c1", None, conv_cfg(4, 3, padding="same", activation="relu"),
          [("kernel", dy16(rng, (3, 3, 2, 4))), ("bias", dy16(rng, 4))])
    m.add("BatchNormalization", "bn1", None, bn_cfg(), bn_weights(rng, 4))
    m.add("QuantConv2D", "q1", None,
          quant_cfg(8, 3, STE, STE, padding="same", pad_values=1.0, use_bias=False),
          [("kernel", latent(rng, (3, 3, 4, 8)))])
    m.add("BatchNormalization", "bn2", None, bn_cfg(center=False, epsilon=1e-5),
          bn_weights(rng, 8, center=False))
    m.add("MaxPooling2D", "mp", None, {"pool_size": [2, 2], "padding": "valid",
                                       "strides": [2, 2], "data_format": "channels_last"})
    m.add("QuantConv2D", "q2", None,
          quant_cfg(8, 3, STE_DICT, "approx_sign", padding="same", pad_values=0.0,
                    use_bias=False),
          [("kernel", latent(rng, (3, 3, 8, 8)))])
    m.add("BatchNormalization", "bn3", None, bn_cfg(scale=False), bn_weights(rng, 8, scale=False))
    m.add("AveragePooling2D", "ap", None, {"pool_size": [2, 2], "padding": "same",
                                           "strides": [1, 1], "data_format": "channels_last"})
    m.add("Dropout", "drop", None, {"rate": 0.2, "noise_shape": None, "seed": None})
    m.add("Flatten", "flat", None, {"data_format": "channels_last"})
    m.add("QuantDense", "qd", None,
          {"units": 10, "activation": "linear", "use_bias": True, "input_quantizer": STE,
           "kernel_quantizer": {"class_name": "SwishSign", "config": {"beta": 5.0}}},
          [("kernel", latent(rng, (128, 10))), ("bias", dy16(rng, 10))])
    m.add("Dense", "out", None, {"units": 5, "activation": "softmax", "use_bias": True},
          [("kernel", rng.uniform(-0.3, 0.3, (10, 5))), ("bias", rng.uniform(-1, 1, 5))])
    return m, [odd8(rng, (1, 8, 8, 2))], {}


def func_res(rng):
    """Functional, two outputs: residual Adds of two and three inputs,
    float weights on a binary input (kernel quantizer NoOp), magnitude_aware_sign with a bias, PReLU shared over H and W,
    Concatenate, binary and float depthwise convolutions, a grouped 1x1
    conv with hard_tanh, global pooling, softmax."""
    m = Model("func_res")
    m.input("in1", (6, 6, 3))
    m.add("Conv2D", "c0", "in1", conv_cfg(8, 3, padding="same", use_bias=False),
          [("kernel", dy16(rng, (3, 3, 3, 8)))])
    m.add("BatchNormalization", "b0", "c0", bn_cfg(), bn_weights(rng, 8))
    m.add("ReLU", "r0", "b0", {"max_value": None, "negative_slope": 0.0, "threshold": 0.0})
    m.add("QuantConv2D", "q1", "r0",
          quant_cfg(8, 3, STE, {"class_name": "NoOp", "config": {"precision": 1}},
                    padding="same", use_bias=False),
          [("kernel", dy16(rng, (3, 3, 8, 8)))])
    m.add("BatchNormalization", "b1", "q1", bn_cfg(scale=False), bn_weights(rng, 8, scale=False))
    m.add("Add", "a1", ["r0", "b1"])
    m.add("Add", "a3", ["a1", "b1", "r0"])
    m.add("QuantConv2D", "q2", "a3",
          quant_cfg(8, 3, STE, "magnitude_aware_sign", padding="same", pad_values=1.0),
          [("kernel", latent(rng, (3, 3, 8, 8))), ("bias", dy16(rng, 8))])
    m.add("PReLU", "p2", "q2", {"shared_axes": [1, 2]},
          [("alpha", rng.uniform(0, 0.5, (1, 1, 8)))])
    m.add("Concatenate", "cat", ["a1", "p2"], {"axis": -1})
    m.add("QuantDepthwiseConv2D", "dw1", "cat",
          dict(dw_cfg(3, 2, padding="same", pad_values=1.0), input_quantizer=STE,
               depthwise_quantizer=STE),
          [("depthwise_kernel", latent(rng, (3, 3, 16, 2))), ("bias", dy16(rng, 32))])
    m.add("DepthwiseConv2D", "dw2", "dw1", dw_cfg(3, 1, use_bias=False),
          [("depthwise_kernel", rng.uniform(-0.5, 0.5, (3, 3, 32, 1)))])
    m.add("Conv2D", "g1", "dw2", conv_cfg(8, 1, groups=4, activation="hard_tanh"),
          [("kernel", rng.uniform(-0.5, 0.5, (1, 1, 8, 8))), ("bias", rng.uniform(-1, 1, 8))])
    m.add("GlobalAveragePooling2D", "gap", "g1", {"data_format": "channels_last",
                                                  "keepdims": False})
    m.add("Dense", "d1", "gap", {"units": 4, "activation": "softmax", "use_bias": True},
          [("kernel", rng.uniform(-1, 1, (8, 4))), ("bias", rng.uniform(-1, 1, 4))])
    m.outputs = ["d1", "gap"]
    return m, [odd8(rng, (1, 6, 6, 3))], {"config_as_str": True, "split_names": True}


def seq_flat(rng):
    """Keras 2.2's Sequential (the config is the list of layers), no
    InputLayer: a QuantDense whose stored kernel is already +-1 and has no
    kernel quantizer (binary), PReLU with shared_axes None on a flat input,
    an identity Reshape, magnitude_aware_sign on a dense layer, ReLU."""
    m = Model("seq_flat", "Sequential22")
    m.implicit = True
    m.input("ignored", (12,))
    m.add("QuantDense", "qd0", None,
          {"units": 16, "activation": "linear", "use_bias": False, "input_quantizer": STE,
           "kernel_quantizer": None},
          [("kernel", np.where(rng.random((12, 16)) < 0.5, -1.0, 1.0))])
    m.add("BatchNormalization", "bn", None, bn_cfg(axis=-1), bn_weights(rng, 16))
    m.add("PReLU", "pr", None, {"shared_axes": None}, [("alpha", rng.uniform(0, 0.5, 16))])
    m.add("Reshape", "rs", None, {"target_shape": [16]})
    m.add("QuantDense", "qd1", None,
          {"units": 6, "activation": "relu", "use_bias": False, "input_quantizer": STE,
           "kernel_quantizer": "magnitude_aware_sign"},
          [("kernel", latent(rng, (16, 6)))])
    m.add("Dense", "d", None, {"units": 3, "activation": "linear", "use_bias": True},
          [("kernel", rng.uniform(-1, 1, (6, 3))), ("bias", rng.uniform(-1, 1, 3))])
    return m, [odd8(rng, (1, 12))], {}


def func_two(rng):
    """Functional with two inputs, given to the model in the order of
    "input_layers" (not of the layers): Concatenate, a dilated float conv,
    a Conv2D whose stored kernel is +-1 (binary weights, float input) with
    stride 2, Activation ste_sign, Reshape to [-1] (a flatten), Activation
    softmax; three outputs: float, integer (a binary convolution) and
    binary (the sign)."""
    m = Model("func_two")
    m.input("a", (7, 7, 2))
    m.input("b", (7, 7, 3))
    m.inputs = ["b", "a"]
    m.add("Concatenate", "cat", ["a", "b"], {"axis": 3})
    m.add("Conv2D", "dil", "cat", conv_cfg(4, 3, padding="same", dilation_rate=[2, 2],
                                           use_bias=False),
          [("kernel", dy16(rng, (3, 3, 5, 4)))])
    m.add("Conv2D", "pm", "dil", conv_cfg(6, 2, strides=[2, 2], use_bias=False),
          [("kernel", np.where(rng.random((2, 2, 4, 6)) < 0.5, -1.0, 1.0))])
    m.add("Activation", "sg", "pm", {"activation": "ste_sign"})
    m.add("Reshape", "rs", "sg", {"target_shape": [-1]})
    m.add("Activation", "sm", "rs", {"activation": "softmax"})
    m.add("QuantConv2D", "bq", "cat", quant_cfg(3, 3, STE, STE, use_bias=False),
          [("kernel", latent(rng, (3, 3, 5, 3)))])
    m.outputs = ["sm", "bq", "sg"]
    return m, [odd8(rng, (1, 7, 7, 3)), odd8(rng, (1, 7, 7, 2))], {}


def func_params(rng):
    """Functional, two outputs named as in the model (logits [1, 5], feat
    [1, 1, 1, 2]): biases (bias = yes), PReLU with an alpha per element
    (shared_axes None, on an image and on a rank-2 value) and per channel
    (shared_axes [1, 2]), magnitude_aware_sign with a bias on a
    convolution and a dense layer (scaled = yes), batch normalizations
    with another epsilon, with center and scale off, and on a rank-2
    value, Reshapes to an image of another layout and to rank 2, a sigmoid
    activation, GlobalAveragePooling2D with keepdims."""
    m = Model("func_params")
    m.input("img", (6, 6, 3))
    m.add("Conv2D", "c1", "img", conv_cfg(4, 3, padding="same"),
          [("kernel", dy16(rng, (3, 3, 3, 4))), ("bias", dy16(rng, 4))])
    m.add("PReLU", "p1", "c1", {"shared_axes": None},
          [("alpha", rng.uniform(-0.5, 0.5, (6, 6, 4)))])
    m.add("QuantConv2D", "q2", "p1", quant_cfg(8, 3, STE, "magnitude_aware_sign"),
          [("kernel", latent(rng, (3, 3, 4, 8))), ("bias", dy16(rng, 8))])
    m.add("BatchNormalization", "bn2", "q2", bn_cfg(epsilon=1e-4, center=False, scale=False),
          bn_weights(rng, 8, center=False, scale=False))
    m.add("PReLU", "p2", "bn2", {"shared_axes": [1, 2]},
          [("alpha", rng.uniform(0, 0.5, (1, 1, 8)))])
    m.add("Reshape", "r3", "p2", {"target_shape": [8, -1, 4]})
    m.add("Conv2D", "c3", "r3", conv_cfg(2, 3, activation="sigmoid"),
          [("kernel", dy16(rng, (3, 3, 4, 2))), ("bias", dy16(rng, 2))])
    m.add("Reshape", "r4", "c3", {"target_shape": [4, 6]})
    m.add("PReLU", "p4", "r4", {"shared_axes": None}, [("alpha", rng.uniform(0, 0.5, (4, 6)))])
    m.add("BatchNormalization", "bn4", "p4", bn_cfg(axis=-1, epsilon=0.01), bn_weights(rng, 6))
    m.add("Flatten", "f", "bn4", {"data_format": "channels_last"})
    m.add("QuantDense", "logits", "f",
          {"units": 5, "activation": "linear", "use_bias": True, "input_quantizer": STE,
           "kernel_quantizer": "magnitude_aware_sign"},
          [("kernel", latent(rng, (24, 5))), ("bias", dy16(rng, 5))])
    m.add("GlobalAveragePooling2D", "feat", "c3", {"data_format": "channels_last",
                                                   "keepdims": True})
    m.outputs = ["logits", "feat"]
    return m, [odd8(rng, (1, 6, 6, 3))], {}


MODELS = [seq_bin, func_res, seq_flat, func_two, func_params]
# The .bnn text `bnnc import` writes for this model is pinned as well
# (tests/import/func_params.bnn; UPDATE=1 rewrites it).
GOLDEN = "func_params"


def bnn_inputs(text):
    """[(name, shape)] of the .bnn's input declarations."""
    res = []
    for line in text.splitlines():
        s = line.split("#")[0].strip()
        if s.startswith("input "):
            name, decl = s[len("input "):].rstrip(";").split(":")
            dims = decl.strip()[len("f32["):-1]
            res.append((name.strip(), tuple(int(d) for d in dims.split(","))))
    return res


def model_inputs(m, feeds):
    """[(name, shape)] the model takes: its input layers' names (a
    Sequential model without an InputLayer names it after its first
    layer) and the feeds' shapes, [1, ...]."""
    names = list(m.inputs)
    if m.implicit:
        names = [m.layers[1]["name"] + "_input"]
    return [(n, tuple(x.shape)) for n, x in zip(names, feeds)]


def bnn_outputs(text):
    for line in text.splitlines():
        s = line.split("#")[0].strip()
        if s.startswith("output "):
            return [o.strip() for o in s[len("output "):].rstrip(";").split(",")]
    return []


def check_model(build):
    for seed in range(40):
        rng = np.random.default_rng(seed)
        m, feeds, opts = build(rng)
        ref = m.run(feeds)
        if not m.fragile:
            break
    else:
        return fail("%s: every seed gives a sign of a value near 0" % m.name)
    name = m.name
    path = os.path.join(WORK, name + ".h5")
    m.save(path, **opts)
    out = os.path.join(WORK, name + "_out")
    rc, _, err = run("import", name + ".h5", "-o", name + "_out")
    if rc != 0:
        return fail("%s: bnnc import exit %d: %s" % (name, rc, err))
    bnn = open(os.path.join(out, name + ".bnn")).read()
    args = ["run", os.path.join(out, name + ".bnn"), "--weights",
            os.path.join(out, name + ".safetensors")]
    for i, x in enumerate(feeds):
        np.save(os.path.join(WORK, "%s_in%d.npy" % (name, i)), x)
        args += ["--input", "%s_in%d.npy" % (name, i)]
    outs = bnn_outputs(bnn)
    if outs != m.output_names():
        return fail("%s: outputs %s in the .bnn, %s in the model" % (name, outs,
                                                                    m.output_names()))
    if bnn_inputs(bnn) != model_inputs(m, feeds):
        return fail("%s: inputs %s in the .bnn, %s in the model" % (
            name, bnn_inputs(bnn), model_inputs(m, feeds)))
    if name == GOLDEN:
        check_golden(name, bnn)
    res = os.path.join(WORK, name + "_res")
    args += ["--output", res + "/"]
    rc, _, err = run(*args)
    if rc != 0:
        return fail("%s: bnnc run exit %d: %s" % (name, rc, err))
    before = len(failures)
    for o, r in zip(outs, ref):
        y = np.load(os.path.join(res, o + ".npy"))
        if y.shape != r.shape:
            fail("%s: output %s has shape %s, the model %s" % (name, o, y.shape, r.shape))
            continue
        if y.dtype.kind in "iu":
            ok = np.array_equal(y.astype(np.float64), r)
        else:
            ok = np.all(np.abs(y - r) <= 1e-5 * np.maximum(1, np.abs(r)))
        if not ok:
            fail("%s: output %s differs from NumPy's: max |diff| %g" %
                 (name, o, float(np.max(np.abs(y - r)))))
    if len(failures) > before:
        return bnn
    print("ok %s (seed %d): %s" % (name, seed, ", ".join(
        "%s %s" % (o, np.load(os.path.join(res, o + ".npy")).dtype) for o in outs)))
    return bnn


def check_golden(name, bnn):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".bnn")
    if os.environ.get("UPDATE"):
        open(path, "w").write(bnn)
    if not os.path.exists(path) or open(path).read() != bnn:
        fail("%s: the .bnn text differs from %s:\n%s" % (name, path, bnn))


# ------------------------------------------------------------ errors

def small(rng, cls="Conv2D", config=None, weights=None, shape=(4, 4, 2)):
    m = Model("e")
    m.input("x", shape)
    if weights is None:
        weights = [("kernel", dy16(rng, (3, 3, shape[-1], 2))), ("bias", dy16(rng, 2))]
    m.add(cls, "l", "x", config if config is not None else conv_cfg(2, 3), weights)
    m.outputs = ["l"]
    return m


def bad_models():
    rng = np.random.default_rng(1)
    P = "bnnc: error: 'e.h5': "
    L = P + "layer 'l' (%s): "
    yield ("unsupported layer", small(rng, "Conv1D"), None,
           L % "Conv1D" + "layer class 'Conv1D' is not supported by bnnc import "
           "(docs/import.md lists the Keras and Larq layers it maps)")
    yield ("unsupported quantizer", small(rng, "QuantConv2D", quant_cfg(2, 3, "ste_heaviside", STE)),
           None, L % "QuantConv2D" + "input_quantizer 'ste_heaviside' is not supported: bnnc "
           "binarises with sign(x) = (x >= 0 ? +1 : -1), as ste_sign, approx_sign, swish_sign "
           "and magnitude_aware_sign (with its scale) do at inference")
    yield ("unsupported quantizer class",
           small(rng, "QuantConv2D", quant_cfg(2, 3, None, {"class_name": "DoReFaQuantizer",
                                                            "config": {"k_bit": 2}})),
           None, L % "QuantConv2D" + "kernel_quantizer 'DoReFaQuantizer' is not supported: bnnc "
           "binarises with sign(x) = (x >= 0 ? +1 : -1), as ste_sign, approx_sign, swish_sign "
           "and magnitude_aware_sign (with its scale) do at inference")
    yield ("magnitude_aware_sign on the input",
           small(rng, "QuantConv2D", quant_cfg(2, 3, "magnitude_aware_sign", STE)), None,
           L % "QuantConv2D" + "input_quantizer magnitude_aware_sign scales by the mean of the "
           "activations at run time; bnnc has no such operation")
    yield ("pad_values -1",
           small(rng, "QuantConv2D", quant_cfg(2, 3, STE, STE, padding="same", pad_values=-1.0)),
           None, L % "QuantConv2D" + "pad_values -1 is not supported: bnnc pads with 0 "
           "(padding = same) or +1 (same_one)")
    yield ("missing weight group", small(rng), "drop-group",
           L % "Conv2D" + "its weights are missing: the file has no group 'model_weights/l'")
    yield ("missing bias", small(rng, weights=[("kernel", dy16(rng, (3, 3, 2, 2)))]), None,
           L % "Conv2D" + "its weight 'bias' is missing ('weight_names' of 'model_weights/l' "
           "lists 1 weight)")
    yield ("listed weight not stored", small(rng), "drop-dataset",
           L % "Conv2D" + "its weight 'l/kernel:0' is listed but not in the file")
    yield ("wrong kernel shape",
           small(rng, weights=[("kernel", dy16(rng, (3, 3, 2, 3))), ("bias", dy16(rng, 2))]),
           None, L % "Conv2D" + "its weight 'l/kernel:0' has shape [3, 3, 2, 3]; the layer "
           "needs [3, 3, 2, 2]")
    w = dy16(rng, (3, 3, 2, 2))
    w[1, 1, 0, 1] = np.nan
    yield ("nan weight", small(rng, weights=[("kernel", w), ("bias", dy16(rng, 2))]), None,
           L % "Conv2D" + "its weight 'l/kernel:0' holds nan at element 17; weights must be "
           "finite")
    yield ("float64 weights", small(rng), "f64",
           L % "Conv2D" + "its weight 'l/kernel:0' is not float32 (nor float16): bnnc computes "
           "in float32")
    yield ("prelu shared over H only",
           small(rng, "PReLU", {"shared_axes": [1]}, [("alpha", rng.uniform(0, 1, (1, 4, 2)))]),
           None, L % "PReLU" + "'shared_axes' shares its alphas over some axes of its input "
           "[4, 4, 2] but not all of them but the channels: bnnc's prelu has one alpha per "
           "channel (shared_axes [1, 2] for an image) or per element (shared_axes None)")
    yield ("prelu shared over the channels",
           small(rng, "PReLU", {"shared_axes": -1}, [("alpha", rng.uniform(0, 1, (4, 4, 1)))]),
           None, L % "PReLU" + "'shared_axes' shares its alphas over some axes of its input "
           "[4, 4, 2] but not all of them but the channels: bnnc's prelu has one alpha per "
           "channel (shared_axes [1, 2] for an image) or per element (shared_axes None)")
    yield ("prelu alpha shape",
           small(rng, "PReLU", {"shared_axes": None}, [("alpha", rng.uniform(0, 1, (1, 1, 2)))]),
           None, L % "PReLU" + "its weight 'l/alpha:0' has shape [1, 1, 2]; the layer needs "
           "[4, 4, 2]")
    yield ("softmax over channels", small(rng, "Activation", {"activation": "softmax"}, []),
           None, L % "Activation" + "softmax of [4, 4, 2] runs over each position's channels in "
           "Keras, but bnnc's softmax runs over the whole tensor")
    yield ("tanh", small(rng, "Activation", {"activation": "tanh"}, []), None,
           L % "Activation" + "activation 'tanh' is not supported: the .bnn language has "
           "relu, hardtanh (hard_tanh), sign (ste_sign, approx_sign, swish_sign), sigmoid and "
           "softmax")
    yield ("reshape to rank 4", small(rng, "Reshape", {"target_shape": [2, 2, 2, 4]}, []), None,
           L % "Reshape" + "'target_shape' must be a list of 1 to 3 dimensions (bnnc's tensors "
           "have at most 4, the batch dimension included)")
    yield ("reshape count", small(rng, "Reshape", {"target_shape": [3, -1]}, []), None,
           L % "Reshape" + "its input [4, 4, 2] does not reshape to 'target_shape'")
    yield ("epsilon 0", small(rng, "BatchNormalization", bn_cfg(epsilon=0), bn_weights(rng, 2)),
           None, L % "BatchNormalization" + "'epsilon' must be a number above 0 (bnnc's "
           "batchnorm adds an epsilon above 0 to the variance)")
    yield ("batchnorm axis", small(rng, "BatchNormalization", bn_cfg(axis=1),
                                   bn_weights(rng, 2)), None,
           L % "BatchNormalization" + "it normalizes an axis other than the channels (the "
           "last): bnnc's batchnorm has one set of parameters per channel")
    yield ("channels_first", small(rng, config=conv_cfg(2, 3, data_format="channels_first")),
           None, L % "Conv2D" + "data_format 'channels_first' is not supported: bnnc's tensors "
           "are channels_last ([H, W, C])")
    yield ("dense on an image", small(rng, "Dense", {"units": 3},
                                      [("kernel", dy16(rng, (2, 3))), ("bias", dy16(rng, 3))]),
           None, L % "Dense" + "its input 'x' is [4, 4, 2]; the layer needs a flat input [N] "
           "(add a Flatten before it)")
    yield ("relu6", small(rng, "ReLU", {"max_value": 6.0}, []), None,
           L % "ReLU" + "max_value, negative_slope and threshold other than none, 0 and 0 are "
           "not supported: bnnc's relu is max(x, 0)")
    yield ("window too large", small(rng, config=conv_cfg(2, 5),
                                     weights=[("kernel", dy16(rng, (5, 5, 2, 2))),
                                              ("bias", dy16(rng, 2))]), None,
           L % "Conv2D" + "its 5-wide window is larger than its input [4, 4, 2] along H")
    yield ("shared layer", small(rng), "shared",
           L % "Conv2D" + "it is called 2 times (a shared layer); bnnc maps a layer called once")
    yield ("keras 3 nodes", small(rng), "keras3",
           L % "Conv2D" + "its inbound node is not a list of [\"layer\", node, tensor, kwargs] "
           "(a format of Keras 3?)")
    yield ("nested model", small(rng, "Functional", {"layers": []}, []), None,
           L % "Functional" + "a model inside a model is not supported; save the inner model's "
           "layers in the outer one")
    yield ("undefined input", small(rng), "undefined",
           P + "an input of layer 'l' reads 'nope', which is not a layer before it")
    yield ("duplicate names", small(rng), "dup",
           P + "two layers are named 'x'")
    yield ("huge input", small(rng), "huge",
           (P + "layer 'x' (%s): ") % "InputLayer" + "its input [100000, 100000, 1000] has "
           "more than 2^40 elements, the most a tensor of bnnc has")
    yield ("uint8 input", small(rng), "uint8",
           (P + "layer 'x' (%s): ") % "InputLayer" + "its dtype is 'uint8': bnnc imports "
           "float32 inputs")
    yield ("bad batch", small(rng), "batch",
           (P + "layer 'x' (%s): ") % "InputLayer" + "its batch dimension must be None or 1")
    yield ("open dimension", small(rng), "open",
           (P + "layer 'x' (%s): ") % "InputLayer" + "its input shape must give every dimension but the batch, from "
           "1 to 2147483647 (dimension 2 is None)")
    yield ("not json", small(rng), "notjson",
           P + "its 'model_config' is not JSON: '[' or '{' expected near 'this' at character 4")
    yield ("not a model", small(rng), "noconfig",
           P + "it is an HDF5 file but not a Keras model: it has no attribute 'model_config'")
    yield ("weights only", small(rng), "weightsonly",
           P + "it holds weights only (Keras's save_weights), no 'model_config': save the "
           "whole model (model.save(\"m.h5\"))")
    yield ("other class", small(rng), "subclassed",
           P + "its model is a 'MyModel'; bnnc imports Sequential and functional models "
           "(Functional, Model)")
    only = Model("e", "Sequential")
    only.input("x", (4,))
    yield ("only an input", only, None, P + "the model has no layer but its input")
    yield ("no input_layers", small(rng), "noinputs",
           P + "'model_config' needs \"input_layers\" (one per InputLayer, here 1) and "
           "\"output_layers\"")
    yield ("output not a layer", small(rng), "badoutput",
           P + "an entry of \"output_layers\" reads 'nope', which is not a layer before it")
    yield ("truncated", small(rng), "truncate",
           P + "cannot open it as HDF5: the file is damaged or truncated")


def patch(path, how, m):
    if how is None:
        return
    if how == "f64":
        m.save(path, f64=("l",))
        return
    if how in ("notjson", "noconfig", "weightsonly", "subclassed", "batch", "open", "dup", "uint8", "huge",
               "undefined", "keras3", "shared", "noinputs", "badoutput"):
        import json
        cfg = m.config()
        L = cfg["config"]["layers"]
        if how == "batch":
            L[0]["config"]["batch_input_shape"][0] = 2
        if how == "huge":
            L[0]["config"]["batch_input_shape"] = [None, 100000, 100000, 1000]
        if how == "uint8":
            L[0]["config"]["dtype"] = "uint8"
        if how == "open":
            L[0]["config"]["batch_input_shape"][2] = None
        if how == "dup":
            L[1]["config"]["name"] = L[1]["name"] = "x"
        if how == "undefined":
            L[1]["inbound_nodes"] = [[["nope", 0, 0, {}]]]
        if how == "keras3":
            L[1]["inbound_nodes"] = [{"args": [{"class_name": "__keras_tensor__", "config": {
                "shape": [None, 4, 4, 2], "dtype": "float32", "keras_history": ["x", 0, 0]}}],
                "kwargs": {}}]
        if how == "shared":
            L[1]["inbound_nodes"] = [[["x", 0, 0, {}]], [["x", 0, 0, {}]]]
        if how == "subclassed":
            cfg["class_name"] = "MyModel"
        if how == "noinputs":
            cfg["config"]["input_layers"] = []
        if how == "badoutput":
            cfg["config"]["output_layers"] = [["nope", 0, 0]]
        with h5py.File(path, "a") as f:
            if how == "notjson":
                f.attrs["model_config"] = b"this is not JSON"
            elif how in ("noconfig", "weightsonly"):
                del f.attrs["model_config"]
                if how == "weightsonly":
                    f.attrs["layer_names"] = np.array([b"x", b"l"])
            else:
                f.attrs["model_config"] = json.dumps(cfg).encode()
        return
    with h5py.File(path, "a") as f:
        if how == "drop-group":
            del f["model_weights/l"]
        elif how == "drop-dataset":
            del f["model_weights/l/l/kernel:0"]
    if how == "truncate":
        data = open(path, "rb").read()
        open(path, "wb").write(data[: len(data) // 2])


def check_errors():
    out = os.path.join(WORK, "e_out")
    for what, m, how, want in bad_models():
        path = os.path.join(WORK, "e.h5")
        m.save(path)
        patch(path, how, m)
        rc, so, err = run("import", "e.h5", "-o", "e_out")
        if rc != 1 or err.strip() != want or so:
            fail("%s: exit %d, stderr\n  %s\nwanted\n  %s" % (what, rc, err.strip(), want))
        if os.path.exists(out):
            fail("%s: %s was made" % (what, out))
            shutil.rmtree(out)
    # Paths that are not a regular file.
    os.makedirs(os.path.join(WORK, "dir.h5"), exist_ok=True)
    fifo = os.path.join(WORK, "fifo.h5")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    for p, is_ in (("dir.h5", "a folder"), ("fifo.h5", "a pipe (FIFO)")):
        rc, so, err = run("import", p, "-o", "e_out")
        if rc != 1 or "'%s' is %s, not a " % (p, is_) not in err:
            fail("%s: exit %d, stderr %s" % (p, rc, err.strip()))


def main():
    global BNNC, WORK
    BNNC, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    for build in MODELS:
        check_model(build)
    check_errors()
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("all passed")


if __name__ == "__main__":
    main()
