#!/usr/bin/python3
"""npytool.py: .npy files for the differential tests, without numpy.

  npytool.py make OUT.npy TYPE SHAPE SEED  random values of SHAPE ("12,6,64"):
                                        f (float32 in [-2, 2)), b (int8 -1/+1), i, u
  npytool.py compare REF.npy GOT.npy    exact for integer and binary types;
                                        float32 within 1e-5 * max(1, |ref|)
Prints the largest float difference; exit 1 on a mismatch.
"""
import math
import random
import struct
import sys

FMT = {"<f4": ("f", 4), "<i4": ("i", 4), "|u1": ("B", 1), "|i1": ("b", 1)}


def read(path):
    data = open(path, "rb").read()
    if data[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not .npy")
    if data[6] == 1:
        hl, start = struct.unpack("<H", data[8:10])[0], 10
    else:
        hl, start = struct.unpack("<I", data[8:12])[0], 12
    header = data[start:start + hl].decode("latin1")
    descr = header.split("'descr':")[1].split("'")[1]
    code, size = FMT[descr]
    body = data[start + hl:]
    n = len(body) // size
    return descr, list(struct.unpack("<%d%s" % (n, code), body[:n * size]))


def write(path, descr, values, shape=None):
    code, _ = FMT[descr]
    dims = shape or [len(values)]
    h = "{'descr': '%s', 'fortran_order': False, 'shape': (%s,), }" % (
        descr, ", ".join(str(d) for d in dims))
    h += " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode("latin1"))
        f.write(struct.pack("<%d%s" % (len(values), code), *values))


def main():
    if sys.argv[1] == "make":
        path, t, seed = sys.argv[2], sys.argv[3], int(sys.argv[5])
        shape = [int(d) for d in sys.argv[4].split(",")]
        n = math.prod(shape)
        r = random.Random(seed)
        if t == "f":
            write(path, "<f4", [r.uniform(-2, 2) for _ in range(n)], shape)
        elif t == "b":
            write(path, "|i1", [r.choice((-1, 1)) for _ in range(n)], shape)
        elif t == "i":
            write(path, "<i4", [r.randint(-100, 100) for _ in range(n)], shape)
        else:
            write(path, "|u1", [r.randint(0, 255) for _ in range(n)], shape)
        return 0
    (da, a), (db, b) = read(sys.argv[2]), read(sys.argv[3])
    if da != db or len(a) != len(b):
        print(f"FAIL: {sys.argv[2]} is {da}[{len(a)}], {sys.argv[3]} is {db}[{len(b)}]")
        return 1
    worst = 0.0
    for k, (x, y) in enumerate(zip(a, b)):
        if da != "<f4":
            if x != y:
                print(f"FAIL: element {k}: reference {x}, generated {y}")
                return 1
            continue
        if math.isnan(x) and math.isnan(y):
            continue
        d = abs(x - y)
        if not d <= 1e-5 * max(1.0, abs(x)):
            print(f"FAIL: element {k}: reference {x!r}, generated {y!r}")
            return 1
        worst = max(worst, d / max(1.0, abs(x)))
    print(f"max relative float difference {worst:.3g}")
    return 0


sys.exit(main())
