"""stcheck.py: what the Python tests of safetensors files share: a tally
of checks, and a reader of the format written here from its description
(an 8-byte little-endian header length, a JSON header padded to 8 bytes,
then the tensors' bytes), independent of bnnc's and of the tool's."""
import json
import struct
import sys

import numpy as np


class Tally:
    """ok(cond, what) counts a check and prints FAIL what when it fails;
    finish() prints the counts and exits 1 when any failed."""

    def __init__(self, name):
        self.name = name
        self.passes = self.fails = 0

    def ok(self, cond, what):
        if cond:
            self.passes += 1
        else:
            self.fails += 1
            print("FAIL", what)
        return cond

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passes, self.fails))
        sys.exit(1 if self.fails else 0)


def read_safetensors(path):
    """{name: (dtype, shape, values as numpy)}, metadata. Asserts that the
    header is padded to 8 bytes and that the data holds its tensors and
    nothing more."""
    with open(path, "rb") as f:
        b = f.read()
    (hl,) = struct.unpack("<Q", b[:8])
    assert hl % 8 == 0, "header not padded to 8"
    h = json.loads(b[8:8 + hl])
    data = b[8 + hl:]
    meta = h.pop("__metadata__", {})
    out, end = {}, 0
    for name, e in h.items():
        lo, hi = e["data_offsets"]
        dt = {"F32": "<f4", "I8": "i1"}[e["dtype"]]
        a = np.frombuffer(data[lo:hi], dt).reshape(e["shape"])
        out[name] = (e["dtype"], e["shape"], a)
        end = max(end, hi)
    assert end == len(data), "data longer than its tensors"
    return out, meta
