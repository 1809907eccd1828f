"""onnx_ref.py: an independent NumPy evaluation of the ONNX (and QONNX)
operators bnnc import maps, in float32, written from the operators'
specifications (onnx.ai's Operators.md, QONNX's custom operators), for the
import tests. Not onnxruntime, and not bnnc: its own loops and einsums."""
import numpy as np
from onnx import numpy_helper

F = np.float32


def attrs(node):
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def pads_of(a, x, k, s, d):
    """[top, left, bottom, right] for a window over x ([N, C, H, W])."""
    ap = a.get("auto_pad", b"NOTSET")
    ap = ap.decode() if isinstance(ap, bytes) else ap
    if ap == "VALID":
        return [0, 0, 0, 0]
    if ap in ("SAME_UPPER", "SAME_LOWER"):
        p = [0, 0, 0, 0]
        for i in range(2):
            n = x.shape[2 + i]
            o = -(-n // s[i])
            t = max((o - 1) * s[i] + (k[i] - 1) * d[i] + 1 - n, 0)
            p[i] = t // 2 if ap == "SAME_UPPER" else t - t // 2
            p[i + 2] = t - p[i]
        return p
    return list(a.get("pads", [0, 0, 0, 0]))


def windows(x, k, s, d, p, fill, ceil=False):
    """x [N, C, H, W] -> taps [N, C, Ho, Wo, Kh, Kw] and a mask of the real taps."""
    n, c, h, w = x.shape
    xp = np.full((n, c, h + p[0] + p[2] + 64, w + p[1] + p[3] + 64), fill, F)
    xp[:, :, p[0]:p[0] + h, p[1]:p[1] + w] = x
    real = np.zeros(xp.shape[2:], bool)
    real[p[0]:p[0] + h, p[1]:p[1] + w] = True
    oh = [(h + p[0] + p[2] - d[0] * (k[0] - 1) - 1), (w + p[1] + p[3] - d[1] * (k[1] - 1) - 1)]
    oh = [(v + s[i] - 1) // s[i] + 1 if ceil else v // s[i] + 1 for i, v in enumerate(oh)]
    t = np.zeros((n, c, oh[0], oh[1], k[0], k[1]), F)
    m = np.zeros((oh[0], oh[1], k[0], k[1]), bool)
    for i in range(oh[0]):
        for j in range(oh[1]):
            for a in range(k[0]):
                for b in range(k[1]):
                    y, z = i * s[0] + a * d[0], j * s[1] + b * d[1]
                    t[:, :, i, j, a, b] = xp[:, :, y, z]
                    m[i, j, a, b] = real[y, z]
    return t, m


def conv(x, w, b, a):
    g = a.get("group", 1)
    k = list(w.shape[2:])
    s = list(a.get("strides", [1, 1]))
    d = list(a.get("dilations", [1, 1]))
    p = pads_of(a, x, k, s, d)
    t, _ = windows(x, k, s, d, p, 0.0)
    co, cg = w.shape[0], w.shape[1]
    outs = []
    for gi in range(g):
        tg = t[:, gi * cg:(gi + 1) * cg].astype(np.float64)
        wg = w[gi * (co // g):(gi + 1) * (co // g)].astype(np.float64)
        outs.append(np.einsum("ncijab,ocab->noij", tg, wg))
    y = np.concatenate(outs, 1)
    if b is not None:
        y = y + b.reshape(1, -1, 1, 1)
    return y.astype(F)


def pool(x, a, kind):
    k = list(a["kernel_shape"])
    s = list(a.get("strides", [1, 1]))
    p = pads_of(a, x, k, s, [1, 1])
    ceil = a.get("ceil_mode", 0)
    if kind == "max":
        t, m = windows(x, k, s, [1, 1], p, -np.inf, ceil)
        return t.max(axis=(4, 5))
    t, m = windows(x, k, s, [1, 1], p, 0.0, ceil)
    if a.get("count_include_pad", 0):
        return t.mean(axis=(4, 5), dtype=np.float64).astype(F)
    return (t.sum(axis=(4, 5), dtype=np.float64) / m.sum(axis=(2, 3))).astype(F)


def rnd(v, mode):
    mode = mode.decode() if isinstance(mode, bytes) else mode
    return {"ROUND": np.round, "CEIL": np.ceil, "FLOOR": np.floor,
            "ROUND_TO_ZERO": np.trunc}[mode](v)


def quant(x, s, z, bw, a):
    signed, narrow = a.get("signed", 1), a.get("narrow", 0)
    bw = int(bw)
    lo = -(2 ** (bw - 1)) + (1 if narrow else 0) if signed else 0
    hi = 2 ** (bw - 1) - 1 if signed else 2 ** bw - 1 - (1 if narrow else 0)
    q = (x / s + z).astype(F)
    q = np.clip(q, lo, hi)
    q = rnd(q, a.get("rounding_mode", "ROUND"))
    return ((q - z) * s).astype(F)


def multithreshold(x, t, a):
    c = x.shape[1]
    tt = np.broadcast_to(t, (c, t.shape[1])) if t.shape[0] == 1 else t
    shape = [1, c] + [1] * (x.ndim - 2)
    cnt = np.zeros(x.shape, F)
    for j in range(tt.shape[1]):
        cnt += (x >= tt[:, j].reshape(shape)).astype(F)
    y = (F(a.get("out_scale", 1.0)) * cnt + F(a.get("out_bias", 0.0))).astype(F)
    dt = a.get("out_dtype", b"")
    if (dt.decode() if isinstance(dt, bytes) else dt) == "BIPOLAR":
        y = 2 * y - 1
    return y.astype(F)


def run(model, feeds):
    """Evaluates model (a ModelProto) on feeds {name: array}: {output: array}."""
    g = model.graph
    opset = max([o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] or [13])
    v = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    v.update(feeds)
    for n in g.node:
        a = attrs(n)
        i = [v[k] if k else None for k in n.input]
        op = n.op_type
        x = i[0] if i else None
        if op == "Constant":
            y = numpy_helper.to_array(a["value"])
        elif op == "Conv":
            y = conv(x, i[1], i[2] if len(i) > 2 else None, a)
        elif op == "Gemm":
            w = i[1].T if a.get("transB", 0) else i[1]
            y = (x.astype(np.float64) @ w.astype(np.float64))
            if len(i) > 2:
                y = y + i[2]
            y = y.astype(F)
        elif op == "MatMul":
            y = (x.astype(np.float64) @ i[1].astype(np.float64)).astype(F)
        elif op == "BatchNormalization":
            sh = [1, -1] + [1] * (x.ndim - 2)
            sc, b, m, var = [t.reshape(sh) for t in i[1:5]]
            y = ((x - m) / np.sqrt(var + F(a.get("epsilon", 1e-5))) * sc + b).astype(F)
        elif op == "Relu":
            y = np.maximum(x, 0)
        elif op == "LeakyRelu":
            y = np.where(x >= 0, x, x * F(a.get("alpha", 0.01))).astype(F)
        elif op == "PRelu":
            y = np.where(x >= 0, x, x * i[1]).astype(F)
        elif op == "Sign":
            y = np.sign(x).astype(x.dtype)
        elif op == "Neg":
            y = -x
        elif op == "Clip":
            lo = i[1] if len(i) > 1 and i[1] is not None else a.get("min", -np.inf)
            hi = i[2] if len(i) > 2 and i[2] is not None else a.get("max", np.inf)
            y = np.clip(x, lo, hi).astype(F)
        elif op == "MaxPool":
            y = pool(x, a, "max")
        elif op == "AveragePool":
            y = pool(x, a, "avg")
        elif op == "GlobalAveragePool":
            y = x.mean(axis=(2, 3), keepdims=True, dtype=np.float64).astype(F)
        elif op in ("Add", "Sub", "Mul", "Div"):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}[op]
            y = f(x, i[1])
            if x.dtype == F or i[1].dtype == F:
                y = y.astype(F)
        elif op == "Concat":
            y = np.concatenate(i, axis=a["axis"])
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = x.reshape(int(np.prod(x.shape[:ax])), -1)
        elif op == "Reshape":
            shape = [int(s) for s in i[1]]
            shape = [x.shape[k] if s == 0 else s for k, s in enumerate(shape)]
            y = x.reshape(shape)
        elif op == "Squeeze":
            axes = a.get("axes", list(i[1]) if len(i) > 1 else None)
            y = np.squeeze(x, axis=tuple(axes) if axes is not None else None)
        elif op == "Unsqueeze":
            axes = a.get("axes", list(i[1]) if len(i) > 1 else None)
            y = np.expand_dims(x, tuple(int(k) for k in axes))
        elif op == "Transpose":
            y = np.transpose(x, a.get("perm"))
        elif op == "Softmax":
            ax = a.get("axis", -1 if opset >= 13 else 1)
            if opset >= 13:
                e = np.exp(x - x.max(axis=ax, keepdims=True))
                y = (e / e.sum(axis=ax, keepdims=True)).astype(F)
            else:
                flat = x.reshape(int(np.prod(x.shape[:ax])), -1)
                e = np.exp(flat - flat.max(axis=1, keepdims=True))
                y = (e / e.sum(axis=1, keepdims=True)).reshape(x.shape).astype(F)
        elif op == "Sigmoid":
            y = (1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(F)
        elif op == "Slice":
            if opset < 10:
                st, en = a["starts"], a["ends"]
                ax = a.get("axes", list(range(len(st))))
                sp = [1] * len(st)
            else:
                st, en = list(i[1]), list(i[2])
                ax = list(i[3]) if len(i) > 3 and i[3] is not None else list(range(len(st)))
                sp = list(i[4]) if len(i) > 4 and i[4] is not None else [1] * len(st)
            sl = [slice(None)] * x.ndim
            for s0, e0, a0, p0 in zip(st, en, ax, sp):
                sl[int(a0)] = slice(int(s0), int(e0), int(p0))
            y = x[tuple(sl)]
        elif op == "Pad":
            pads = list(a["pads"]) if opset < 11 else [int(p) for p in i[1]]
            val = a.get("value", 0.0) if opset < 11 else (
                float(i[2]) if len(i) > 2 and i[2] is not None else 0.0)
            r = x.ndim
            y = np.pad(x, [(pads[k], pads[k + r]) for k in range(r)], constant_values=val)
        elif op in ("Identity", "Dropout"):
            y = x
        elif op == "BipolarQuant":
            y = (np.where(x >= 0, F(1), F(-1)) * i[1]).astype(F)
        elif op == "Quant":
            y = quant(x, i[1], i[2], i[3], a)
        elif op == "MultiThreshold":
            y = multithreshold(x, i[1], a)
        else:
            raise ValueError("onnx_ref: no operator " + op)
        v[n.output[0]] = np.asarray(y)
    return {o.name: v[o.name] for o in g.output}
