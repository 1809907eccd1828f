#!/usr/bin/python3
"""npy_tool.py: .npy and safetensors files for tests/cli/run.sh, without numpy.

  npy_tool.py inputs DUMP DIR SEED     random arrays for the inputs of the
                                       network in DUMP (bnnc --dump-ir); prints
                                       their paths, one a line, in order
  npy_tool.py check DUMP OUT           OUT (a file, or a folder of NAME.npy)
                                       holds every output of DUMP's network with
                                       its shape and dtype, finite floats, b1 as
                                       -1/+1
  npy_tool.py write OUT DESCR SHAPE V...  an array: SHAPE is 2,3 (or - for ())
  npy_tool.py print FILE               prints descr, shape and the values
  npy_tool.py safetensors OUT NAME:DTYPE:SHAPE:V,V,... ...
                                       a safetensors file (F32 or I8 values);
                                       meta:KEY=VALUE adds KEY to __metadata__
"""
import ast
import json
import math
import os
import random
import re
import struct
import sys

FMT = {"<f4": "f", "<i4": "i", "|u1": "B", "|i1": "b"}
DESCR = {"f32": "<f4", "i32": "<i4", "u8": "|u1", "b1": "|i1"}


def write_npy(path, descr, shape, values):
    dims = "".join("%d, " % d for d in shape)
    if len(shape) == 1:
        dims = "%d," % shape[0]
    else:
        dims = dims[:-2]
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%d%s" % (len(values), FMT[descr]), *values))


def read_npy(path):
    with open(path, "rb") as f:
        b = f.read()
    if b[:8] != b"\x93NUMPY\x01\x00":
        raise ValueError("%s: not a version 1.0 .npy file" % path)
    hlen = struct.unpack("<H", b[8:10])[0]
    if (10 + hlen) % 64:
        raise ValueError("%s: the data does not start on a 64-byte boundary" % path)
    h = ast.literal_eval(b[10:10 + hlen].decode())
    n = 1
    for d in h["shape"]:
        n *= d
    data = b[10 + hlen:]
    size = struct.calcsize(FMT[h["descr"]])
    if len(data) != n * size:
        raise ValueError("%s: %d bytes of data, want %d" % (path, len(data), n * size))
    return h, struct.unpack("<%d%s" % (n, FMT[h["descr"]]), data)


def network(dump):
    """(inputs, outputs) of the one network of a --dump-ir text:
    each a list of (name, type, shape)."""
    tensors, inputs, outputs = {}, [], []
    for line in open(dump):
        m = re.match(r"  (?:input )?%(\S+) : (\w+)\[([\d,]+)\]", line)
        if m:
            t = (m.group(1), m.group(2), [int(d) for d in m.group(3).split(",")])
            tensors[t[0]] = t
            if line.startswith("  input "):
                inputs.append(t)
        elif line.startswith("  output"):
            outputs = [tensors[n.strip().lstrip("%")] for n in line[8:].split(",")]
    return inputs, outputs


def cmd_inputs(dump, folder, seed):
    r = random.Random(int(seed))
    for name, ty, shape in network(dump)[0]:
        n = 1
        for d in shape:
            n *= d
        path = os.path.join(folder, name + ".npy")
        if ty == "f32" or ty == "b1":
            write_npy(path, "<f4", shape, [r.uniform(-1, 1) for _ in range(n)])
        elif ty == "u8":
            write_npy(path, "|u1", shape, [r.randrange(256) for _ in range(n)])
        else:
            write_npy(path, "<i4", shape, [r.randrange(-100, 100) for _ in range(n)])
        print(path)


def cmd_check(dump, out):
    outputs = network(dump)[1]
    for name, ty, shape in outputs:
        path = os.path.join(out, name + ".npy") if os.path.isdir(out) else out
        h, v = read_npy(path)
        if h["descr"] != DESCR[ty] or list(h["shape"]) != shape or h["fortran_order"]:
            raise ValueError("%s: %s %s, want %s %s" % (path, h["descr"], h["shape"],
                                                        DESCR[ty], shape))
        if ty == "f32" and not all(math.isfinite(x) for x in v):
            raise ValueError("%s: a value is not finite" % path)
        if ty == "b1" and not all(x in (-1, 1) for x in v):
            raise ValueError("%s: a b1 value is not -1 or +1" % path)


def cmd_safetensors(out, specs):
    header, data = {"__metadata__": {"format": "test"}}, b""
    for spec in specs:
        if spec.startswith("meta:"):
            key, value = spec[5:].split("=", 1)
            header["__metadata__"][key] = value
            continue
        name, dtype, shape, values = spec.split(":")
        shape = [int(d) for d in shape.split(",")] if shape else []
        vals = [float(x) for x in values.split(",")]
        blob = struct.pack("<%d%s" % (len(vals), "f" if dtype == "F32" else "b"),
                           *[v if dtype == "F32" else int(v) for v in vals])
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    h = json.dumps(header).encode()
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


def main(argv):
    cmd = argv[1]
    if cmd == "inputs":
        cmd_inputs(argv[2], argv[3], argv[4])
    elif cmd == "check":
        cmd_check(argv[2], argv[3])
    elif cmd == "write":
        shape = [] if argv[4] == "-" else [int(d) for d in argv[4].split(",")]
        conv = float if argv[3] == "<f4" else int
        write_npy(argv[2], argv[3], shape, [conv(x) for x in argv[5:]])
    elif cmd == "print":
        h, v = read_npy(argv[2])
        print(h["descr"], tuple(h["shape"]), " ".join("%g" % x for x in v))
    elif cmd == "safetensors":
        cmd_safetensors(argv[2], argv[3:])
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except (ValueError, OSError, KeyError) as e:
        print("npy_tool: %s" % e, file=sys.stderr)
        sys.exit(1)
