#!/usr/bin/python3
"""make_weights.py: a bnnc weights file (safetensors) from NumPy arrays.

    make_weights.py NET.bnn OUT.safetensors ARRAYS.npz
    make_weights.py NET.bnn OUT.safetensors NAME=FILE.npy [NAME=FILE.npy ...]

options: --network NAME, -I DIR (as for bnnc), --bnnc PATH (default:
bnnc on PATH), --listing FILE.json (the output of `bnnc weights NET.bnn
--format json`, instead of running bnnc), --binary-encoding pm1|01|sign.

The arrays are checked against what the network needs, as `bnnc weights
--format json` lists it (docs/weights.md section 6): every tensor there,
no other, each of its shape. Float tensors are written as F32; binary
weights (bconv2d, bdense) as F32 when the array is floating-point (latent
weights, binarised by sign) and as I8 when it is an integer or bool array
(bool: False is -1, True is +1; integers -1/+1, or 0/1 with
--binary-encoding 01, which is then written to the file's metadata). The
file is written whole or not at all (a temporary file renamed over it).
Exit status: 0 written, 1 an error in the arrays or a file, 2 bad usage.

As a module:

    import make_weights
    make_weights.make_weights("net.bnn", "w.safetensors", {"c.weight": w, ...})

raises make_weights.WeightsError with every problem found. Needs NumPy.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

ENCODINGS = ("pm1", "01", "sign")


class WeightsError(Exception):
    """The arrays do not fit the network, or a file cannot be read or
    written; str() gives every problem, one a line."""


def listing(net, network=None, bnnc="bnnc", include=()):
    """The tensors net needs: `bnnc weights NET --format json`, parsed."""
    cmd = [bnnc, "weights", net, "--format", "json"]
    if network:
        cmd += ["--network", network]
    for d in include:
        cmd += ["-I", d]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise WeightsError("cannot run %s: %s" % (bnnc, e.strerror))
    if p.returncode != 0:
        raise WeightsError("bnnc weights failed:\n" + p.stderr.rstrip())
    return json.loads(p.stdout)


def _f32(name, a):
    if a.dtype.kind not in "fiub":
        raise WeightsError("'%s' has dtype %s; it must hold numbers" % (name, a.dtype))
    if a.dtype.kind == "b":
        raise WeightsError("'%s' is a bool array; only binary weights may be" % name)
    with np.errstate(over="ignore", invalid="ignore"):
        f = a.astype(np.float32)
    bad = np.flatnonzero(~np.isfinite(f))
    if bad.size:
        k = int(bad[0])
        raise WeightsError("'%s' holds %r at element %d; every value must be finite in "
                           "float32" % (name, a.reshape(-1)[k].item(), k))
    if a.dtype.kind in "iu" and not np.array_equal(f.astype(a.dtype), a):
        raise WeightsError("'%s' holds integers that float32 cannot hold exactly" % name)
    return f


def _binary(name, a, encoding):
    """(dtype, array) of binary weights: F32 for floats, I8 for the rest."""
    if a.dtype.kind == "f":
        f = _f32(name, a)
        allowed = {"pm1": (-1.0, 1.0), "01": (0.0, 1.0)}.get(encoding)
        if allowed is not None:
            bad = np.flatnonzero(~np.isin(f, allowed))
            if bad.size:
                raise WeightsError("'%s' holds %r at element %d; encoding %s wants %s" % (
                    name, f.reshape(-1)[bad[0]].item(), int(bad[0]), encoding,
                    " or ".join(repr(v) for v in allowed)))
        return "F32", f
    if a.dtype.kind == "b":
        if encoding not in (None, "pm1"):
            raise WeightsError("'%s' is a bool array (written as -1/+1), but the encoding is "
                               "%s" % (name, encoding))
        return "I8", np.where(a, 1, -1).astype(np.int8)
    if a.dtype.kind not in "iu":
        raise WeightsError("'%s' has dtype %s; binary weights are float, int or bool"
                           % (name, a.dtype))
    allowed = {None: (-1, 1), "pm1": (-1, 1), "01": (0, 1)}.get(encoding)
    if allowed is None:  # sign: any int8 value
        allowed = None
        if a.size and (a.min() < -128 or a.max() > 127):
            raise WeightsError("'%s' holds values outside int8" % name)
    else:
        bad = np.flatnonzero(~np.isin(a, allowed))
        if bad.size:
            hint = ("; give --binary-encoding 01 for 0/1 weights"
                    if encoding is None and np.isin(a, (0, 1)).all() else "")
            raise WeightsError("'%s' holds %d at element %d; binary weights stored as I8 must "
                               "be %d or %d%s" % (name, a.reshape(-1)[bad[0]].item(),
                                                  int(bad[0]), allowed[0], allowed[1], hint))
    return "I8", a.astype(np.int8)


def check(tensors, lst, encoding=None):
    """The arrays to write, {name: (dtype, contiguous array)}, in the
    listing's order, after checking tensors against lst (a parsed listing);
    raises WeightsError naming every problem."""
    if encoding not in (None,) + ENCODINGS:
        raise WeightsError("unknown binary encoding '%s' (pm1, 01 or sign)" % encoding)
    want = {t["name"]: t for t in lst["tensors"]}
    errors = []
    for name in sorted(set(tensors) - set(want)):
        errors.append("'%s' is not a tensor of network '%s'" % (name, lst["network"]))
    out = {}
    for name, t in want.items():
        if name not in tensors:
            errors.append("'%s' is missing (layer '%s', %s, %s %s %s)" % (
                name, t["layer"], t["op"], " or ".join(t["dtypes"]), t["shape"],
                "[" + ", ".join(t["layout"]) + "]"))
            continue
        a = np.asarray(tensors[name])
        if list(a.shape) != t["shape"]:
            errors.append("'%s' has shape %s; network '%s' needs %s [%s]" % (
                name, list(a.shape), lst["network"], t["shape"], ", ".join(t["layout"])))
            continue
        try:
            out[name] = _binary(name, a, encoding) if t["binary"] else ("F32", _f32(name, a))
        except WeightsError as e:
            errors.append(str(e))
    if errors:
        raise WeightsError("\n".join(errors))
    return out


def safetensors_bytes(arrays, metadata=None):
    """The bytes of a safetensors file of arrays {name: (dtype, array)},
    dtype F32 or I8, in the order given."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs, off = [], 0
    for name, (dtype, a) in arrays.items():
        b = np.ascontiguousarray(a, "<f4" if dtype == "F32" else "i1").tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape),
                        "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def write_file(path, data):
    """data to path, whole or not at all: a temporary file beside it,
    renamed over it. A path that exists and is not a regular file (a
    folder, a device) is refused."""
    if os.path.lexists(path) and not os.path.isfile(path):
        raise WeightsError("cannot write '%s': not a regular file" % path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + ".tmp")
    except OSError as e:
        raise WeightsError("cannot write '%s': %s" % (path, e.strerror))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as e:
        os.unlink(tmp)
        raise WeightsError("cannot write '%s': %s" % (path, e.strerror))


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


def make_weights(net, out, tensors, network=None, bnnc="bnnc", include=(), encoding=None,
                 lst=None):
    """Checks tensors {name: array} against net's listing (or lst, a parsed
    listing) and writes out. Raises WeightsError."""
    if lst is None:
        lst = listing(net, network, bnnc, include)
    arrays = check(tensors, lst, encoding)
    meta = {"format": "make_weights.py", "network": lst["network"]}
    if encoding:
        meta["bnnc.binary_encoding"] = encoding
    write_file(out, safetensors_bytes(arrays, meta))


def _load_arrays(specs):
    tensors = {}
    for s in specs:
        if "=" in s:
            name, path = s.split("=", 1)
            if name in tensors:
                raise WeightsError("'%s' is given twice" % name)
            try:
                tensors[name] = np.load(path, allow_pickle=False)
            except (OSError, ValueError) as e:
                raise WeightsError("cannot read '%s': %s" % (path, e))
        elif s.endswith(".npz"):
            try:
                with np.load(s, allow_pickle=False) as z:
                    for name in z.files:
                        if name in tensors:
                            raise WeightsError("'%s' is given twice" % name)
                        tensors[name] = z[name]
            except (OSError, ValueError) as e:
                raise WeightsError("cannot read '%s': %s" % (s, e))
        else:
            raise WeightsError("'%s' is neither ARRAYS.npz nor NAME=FILE.npy" % s)
    return tensors


def main(argv):
    ap = argparse.ArgumentParser(prog="make_weights.py",
                                 description="Writes a bnnc weights file from NumPy arrays.")
    ap.add_argument("net", metavar="NET.bnn")
    ap.add_argument("out", metavar="OUT.safetensors")
    ap.add_argument("arrays", nargs="+", metavar="ARRAYS.npz|NAME=FILE.npy")
    ap.add_argument("--network")
    ap.add_argument("-I", dest="include", action="append", default=[], metavar="DIR")
    ap.add_argument("--bnnc", default=os.environ.get("BNNC", "bnnc"))
    ap.add_argument("--listing", metavar="FILE.json")
    ap.add_argument("--binary-encoding", choices=ENCODINGS)
    a = ap.parse_args(argv)
    try:
        lst = None
        if a.listing:
            try:
                with open(a.listing) as f:
                    lst = json.load(f)
            except (OSError, ValueError) as e:
                raise WeightsError("cannot read '%s': %s" % (a.listing, e))
        tensors = _load_arrays(a.arrays)
        make_weights(a.net, a.out, tensors, a.network, a.bnnc, a.include, a.binary_encoding, lst)
    except WeightsError as e:
        for line in str(e).splitlines():
            print("make_weights.py: error: " + line, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
