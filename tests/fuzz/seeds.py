#!/usr/bin/env python3
"""seeds.py DIR: writes the binary seed inputs of the fuzz harnesses.

  DIR/safetensors/  files for fuzz_safetensors.c's network: a good one
                    (F32, and I8 binary weights), with metadata, padded,
                    and a few broken ones;
  DIR/npy/          .npy arrays of every type bnnc reads, versions 1 and 2;
  DIR/emit/         byte strings for fuzz_emit.c (target, layers, seed,
                    choices).
Deterministic: the same files on every run.
"""
import json
import os
import random
import struct
import sys

rng = random.Random(8)

# fuzz_safetensors.c's network: name -> shape, binary
TENSORS = [
    ("c.weight", [2, 2, 2, 3], False),
    ("b.gamma", [3], False),
    ("b.beta", [3], False),
    ("b.mean", [3], False),
    ("b.variance", [3], False),
    ("bc.weight", [3, 3, 3, 2], True),
    ("d.weight", [1, 1, 2, 2], False),
    ("p.alpha", [4], False),
    ("bd.weight", [36, 5], True),
    ("y.weight", [5, 2], False),
]


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def safetensors(i8=True, metadata=False, pad=0, drop=None, extra=False):
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = {"format": "pt"}
    for name, shape, binary in TENSORS:
        if name == drop:
            continue
        n = count(shape)
        if binary and i8:
            blob = bytes(rng.choice([0xFF, 0x01, 0x00]) for _ in range(n))
            dtype = "I8"
        else:
            lo = 0.1 if name.endswith("variance") else -2.0
            blob = struct.pack("<%df" % n, *[rng.uniform(lo, 2.0) for _ in range(n)])
            dtype = "F32"
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    if extra:
        header["z.weight"] = {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}
    h = json.dumps(header).encode() + b" " * pad
    return struct.pack("<Q", len(h)) + h + data


def npy(descr, shape, payload, version=1):
    d = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d," % s for s in shape) if len(shape) == 1 else ", ".join(map(str, shape)))
    pre = 10 if version == 1 else 12
    total = (pre + len(d) + 1 + 63) // 64 * 64
    h = (d + " " * (total - pre - len(d) - 1) + "\n").encode()
    size = struct.pack("<H", len(h)) if version == 1 else struct.pack("<I", len(h))
    return b"\x93NUMPY" + bytes([version, 0]) + size + h + payload


def write(path, blob):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(blob)


def main():
    out = sys.argv[1]
    st = os.path.join(out, "safetensors")
    write(os.path.join(st, "good_i8"), safetensors())
    write(os.path.join(st, "good_f32"), safetensors(i8=False))
    write(os.path.join(st, "metadata_padded"), safetensors(metadata=True, pad=7))
    write(os.path.join(st, "missing"), safetensors(drop="p.alpha"))
    write(os.path.join(st, "extra"), safetensors(extra=True))
    write(os.path.join(st, "truncated"), safetensors()[:100])

    n = os.path.join(out, "npy")
    write(os.path.join(n, "f4"), npy("<f4", [2, 3], struct.pack("<6f", *range(6))))
    write(os.path.join(n, "i4_v2"), npy("<i4", [4], struct.pack("<4i", -1, 0, 7, 2**31 - 1), 2))
    write(os.path.join(n, "u1"), npy("|u1", [2, 2, 1], bytes([0, 1, 128, 255])))
    write(os.path.join(n, "i1"), npy("|i1", [3], bytes([1, 255, 1])))
    write(os.path.join(n, "b1"), npy("|b1", [2], bytes([0, 1])))
    write(os.path.join(n, "scalar"), npy("<f4", [], struct.pack("<f", 1.5)))
    write(os.path.join(n, "empty"), npy("<f4", [0, 3], b""))

    e = os.path.join(out, "emit")
    for i in range(32):
        length = 10 + rng.randrange(0, 120)
        write(os.path.join(e, "seed%02d" % i), bytes(rng.randrange(256) for _ in range(length)))


if __name__ == "__main__":
    main()
