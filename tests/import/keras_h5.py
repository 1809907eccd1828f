"""keras_h5.py: Keras 2 .h5 model files written with h5py, and what the
models compute, evaluated with NumPy (Larq's semantics), for the tests of
`bnnc import` (tests/import/test_keras.py, docs/import.md).

The layout is the one Keras 2's HDF5 saving writes (facts from its file
format, docs/import.md): root attributes `model_config` (JSON, bytes),
`keras_version`, `backend`; a group `model_weights` whose attribute
`layer_names` lists the layers; per layer a group `model_weights/LAYER`
whose attribute `weight_names` lists its weights, stored as datasets
`model_weights/LAYER/LAYER/kernel:0` and so on.

The evaluator is independent of bnnc: float64 NumPy, written from Keras's
and Larq's definitions (TensorFlow's `same` padding, larq.math.sign with
sign(0) = +1, magnitude_aware_sign's mean |w| per output channel).
"""
import json

import h5py
import numpy as np


class Model:
    """A Keras model being described: layers in topological order."""

    def __init__(self, name, kind="Functional"):
        self.name = name
        self.kind = kind          # Functional, Sequential, Sequential22
        self.implicit = False     # Sequential: no InputLayer, the first
                                  # layer has batch_input_shape
        self.layers = []          # dicts: class_name, config, inbound, weights
        self.inputs, self.outputs = [], []

    def input(self, name, shape):
        self.layers.append(dict(class_name="InputLayer", name=name, inbound=[],
                                config={"batch_input_shape": [None] + list(shape),
                                        "dtype": "float32", "sparse": False,
                                        "ragged": False, "name": name},
                                weights=[]))
        self.inputs.append(name)
        return name

    def add(self, cls, name, inputs, config=None, weights=()):
        if inputs is None:  # Sequential: the layer before
            inputs = [self.layers[-1]["name"]]
        if isinstance(inputs, str):
            inputs = [inputs]
        conf = {"name": name, "trainable": True, "dtype": "float32"}
        conf.update(config or {})
        self.layers.append(dict(class_name=cls, name=name, inbound=list(inputs),
                                config=conf, weights=list(weights)))
        return name

    def layer(self, name):
        return next(L for L in self.layers if L["name"] == name)

    # ------------------------------------------------------------ saving

    def config(self):
        if self.kind == "Functional":
            layers = []
            for L in self.layers:
                e = {"class_name": L["class_name"], "config": L["config"], "name": L["name"]}
                e["inbound_nodes"] = [] if L["class_name"] == "InputLayer" else \
                    [[[i, 0, 0, {}] for i in L["inbound"]]]
                layers.append(e)
            return {"class_name": "Functional",
                    "config": {"name": self.name, "layers": layers,
                               "input_layers": [[i, 0, 0] for i in self.inputs],
                               "output_layers": [[o, 0, 0] for o in self.outputs]}}
        layers = [{"class_name": L["class_name"], "config": dict(L["config"])}
                  for L in self.layers]
        if self.implicit:
            layers[1]["config"]["batch_input_shape"] = \
                layers[0]["config"]["batch_input_shape"]
            layers = layers[1:]
        if self.kind == "Sequential22":  # Keras 2.2: the config is the list
            return {"class_name": "Sequential", "config": layers}
        return {"class_name": "Sequential", "config": {"name": self.name, "layers": layers}}

    def save(self, path, config_as_str=False, split_names=False, f64=()):
        """config_as_str: model_config as a variable-length string (h5py's
        str) rather than bytes; split_names: weight_names split over
        weight_names0, weight_names1 as Keras does past 64 KiB; f64: layers
        whose weights are stored as float64."""
        cfg = json.dumps(self.config())
        with h5py.File(path, "w") as f:
            f.attrs["keras_version"] = "2.11.0"
            f.attrs["backend"] = "tensorflow"
            f.attrs["model_config"] = cfg if config_as_str else cfg.encode("utf8")
            mw = f.create_group("model_weights")
            mw.attrs["layer_names"] = np.array([L["name"].encode() for L in self.layers])
            mw.attrs["backend"] = b"tensorflow"
            mw.attrs["keras_version"] = b"2.11.0"
            for L in sorted(self.layers, key=lambda L: L["name"]):
                if self.implicit and L["class_name"] == "InputLayer":
                    continue
                g = mw.create_group(L["name"])
                names = [("%s/%s:0" % (L["name"], w)).encode() for w, _ in L["weights"]]
                if split_names and len(names) > 1:
                    g.attrs["weight_names0"] = np.array(names[:1])
                    g.attrs["weight_names1"] = np.array(names[1:])
                else:
                    g.attrs["weight_names"] = np.array(names, dtype="S%d" % max(
                        [len(n) for n in names] + [1]))
                for (w, v), n in zip(L["weights"], names):
                    dt = np.float64 if L["name"] in f64 else np.float32
                    g.create_dataset(n.decode(), data=np.asarray(v, dt))

    # -------------------------------------------------------- evaluating

    def output_names(self):
        """The model's outputs: its output layers, or a Sequential
        model's last layer."""
        return list(self.outputs) if self.kind == "Functional" else [self.layers[-1]["name"]]

    def run(self, feeds):
        """The outputs for feeds (one array per input, with the batch
        dimension of 1, as the model takes them), with the batch dimension
        of 1, in float64; self.fragile is set when a sign decided on a
        value that float32 might decide otherwise."""
        self.fragile = False
        vals = {}
        seq_prev = None
        for i, L in enumerate(self.layers):
            if L["class_name"] == "InputLayer":
                x = np.asarray(feeds[self.inputs.index(L["name"])], np.float64)
                assert x.shape[0] == 1, x.shape
                vals[L["name"]] = x[0]  # the one example of the batch
                seq_prev = L["name"]
                continue
            ins = L["inbound"] if self.kind == "Functional" else [seq_prev]
            vals[L["name"]] = self.eval(L, [vals[x] for x in ins])
            seq_prev = L["name"]
        return [vals[o][None] for o in self.output_names()]

    def sign(self, x):
        frac = x[x != np.round(x)]
        if frac.size and np.min(np.abs(frac)) < 1e-4 * max(1.0, float(np.max(np.abs(x)))):
            self.fragile = True
        return np.where(x >= 0, 1.0, -1.0)

    def quant(self, q, x):
        name = q if q is None or isinstance(q, str) else q["class_name"]
        if name in (None, "noop", "NoOp"):  # Larq's NoOp: the input as it is
            return x
        if name in ("ste_sign", "SteSign", "approx_sign", "ApproxSign", "swish_sign",
                    "SwishSign"):
            return self.sign(x)
        if name in ("magnitude_aware_sign", "MagnitudeAwareSign"):
            scale = np.mean(np.abs(x), axis=tuple(range(x.ndim - 1)))
            return scale * np.where(x >= 0, 1.0, -1.0)
        raise ValueError(name)

    def activation(self, name, x):
        if name in (None, "linear"):
            return x
        if name == "relu":
            return np.maximum(x, 0)
        if name == "softmax":
            e = np.exp(x - np.max(x, axis=-1, keepdims=True))
            return e / np.sum(e, axis=-1, keepdims=True)
        if name == "hard_tanh":
            return np.clip(x, -1, 1)
        if name in ("ste_sign", "approx_sign", "swish_sign"):
            return self.sign(x)
        if name == "sigmoid":
            return 1 / (1 + np.exp(-x))
        raise ValueError(name)

    def eval(self, L, xs):
        c, w = L["config"], dict(L["weights"])
        w = {k: np.asarray(v, np.float64) for k, v in w.items()}
        cls = L["class_name"]
        x = xs[0]
        if cls in ("Conv2D", "QuantConv2D", "DepthwiseConv2D", "QuantDepthwiseConv2D"):
            dw = "Depthwise" in cls
            k = w["depthwise_kernel" if dw else "kernel"]
            x = self.quant(c.get("input_quantizer"), x)
            k = self.quant(c.get("depthwise_quantizer" if dw else "kernel_quantizer"), k)
            y = conv(x, k, pair(c.get("strides", 1)), pair(c.get("dilation_rate", 1)),
                     c.get("padding", "valid"), float(c.get("pad_values", 0.0)),
                     c.get("groups", 1), dw)
            if c.get("use_bias", True):
                y = y + w["bias"]
            return self.activation(c.get("activation"), y)
        if cls in ("Dense", "QuantDense"):
            x = self.quant(c.get("input_quantizer"), x)
            k = self.quant(c.get("kernel_quantizer"), w["kernel"])
            y = x @ k
            if c.get("use_bias", True):
                y = y + w["bias"]
            return self.activation(c.get("activation"), y)
        if cls == "BatchNormalization":  # along the last axis
            ch = x.shape[-1]
            g = w["gamma"] if c.get("scale", True) else np.ones(ch)
            b = w["beta"] if c.get("center", True) else np.zeros(ch)
            return (x - w["moving_mean"]) / np.sqrt(w["moving_variance"] +
                                                    c.get("epsilon", 0.001)) * g + b
        if cls == "PReLU":  # alpha: x's shape, or 1 along the shared axes
            return np.where(x >= 0, x, w["alpha"] * x)
        if cls == "ReLU":
            return np.maximum(x, 0)
        if cls == "Activation":
            return self.activation(c["activation"], x)
        if cls in ("MaxPooling2D", "AveragePooling2D"):
            p = pair(c.get("pool_size", 2))
            s = pair(c["strides"]) if c.get("strides") is not None else p
            return pool(x, p, s, c.get("padding", "valid"), cls == "MaxPooling2D")
        if cls == "GlobalAveragePooling2D":
            return x.mean(axis=(0, 1), keepdims=bool(c.get("keepdims", False)))
        if cls == "Flatten":
            return x.reshape(-1)
        if cls == "Reshape":
            return x.reshape(c["target_shape"])
        if cls in ("Dropout", "SpatialDropout2D"):
            return x
        if cls == "Add":
            y = xs[0]
            for z in xs[1:]:
                y = y + z
            return y
        if cls == "Concatenate":
            return np.concatenate(xs, axis=-1)
        raise ValueError(cls)


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def same_pads(n, k, s, d):
    out = -(-n // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    return out, total // 2, total - total // 2


def windows(x, k, s, d, padding, fill):
    """x [H, W, C] padded as TensorFlow pads, and the output size."""
    H, W = x.shape[:2]
    if padding == "valid":
        return x, (H - d[0] * (k[0] - 1) - 1) // s[0] + 1, (W - d[1] * (k[1] - 1) - 1) // s[1] + 1
    ho, t, b = same_pads(H, k[0], s[0], d[0])
    wo, l, r = same_pads(W, k[1], s[1], d[1])
    return np.pad(x, ((t, b), (l, r), (0, 0)), constant_values=fill), ho, wo


def conv(x, k, s, d, padding, padval, groups, depthwise):
    kh, kw, cig, co = k.shape
    xp, ho, wo = windows(x, (kh, kw), s, d, padding, padval)
    C = x.shape[2]
    y = np.zeros((ho, wo, C * co if depthwise else co))
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[ky * d[0]: ky * d[0] + (ho - 1) * s[0] + 1: s[0],
                       kx * d[1]: kx * d[1] + (wo - 1) * s[1] + 1: s[1], :]
            if depthwise:
                y += (patch[:, :, :, None] * k[ky, kx][None, None]).reshape(ho, wo, -1)
                continue
            cog = co // groups
            for g in range(groups):
                y[:, :, g * cog:(g + 1) * cog] += patch[:, :, g * cig:(g + 1) * cig] @ \
                    k[ky, kx, :, g * cog:(g + 1) * cog]
    return y


def pool(x, p, s, padding, is_max):
    fill = -np.inf if is_max else 0.0
    xp, ho, wo = windows(x, p, s, (1, 1), padding, fill)
    cnt, _, _ = windows(np.ones(x.shape[:2] + (1,)), p, s, (1, 1), padding, 0.0)
    y = np.full((ho, wo, x.shape[2]), -np.inf if is_max else 0.0)
    n = np.zeros((ho, wo, 1))
    for ky in range(p[0]):
        for kx in range(p[1]):
            sl = (slice(ky, ky + (ho - 1) * s[0] + 1, s[0]), slice(kx, kx + (wo - 1) * s[1] + 1, s[1]))
            if is_max:
                y = np.maximum(y, xp[sl])
            else:
                y += xp[sl]
                n += cnt[sl]
    return y if is_max else y / n
