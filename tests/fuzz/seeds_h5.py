#!/usr/bin/python3
"""seeds_h5.py DIR: the seed inputs of fuzz_h5.c, Keras .h5 files written
in Keras 2's layout (tests/import/keras_h5.py): models of
tests/import/test_keras.py, small and deterministic, and a few broken
ones. Needs h5py (/usr/bin/python3, Debian's python3-h5py)."""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "import"))
import test_keras  # noqa: E402


def main():
    out = os.path.join(sys.argv[1], "h5")
    os.makedirs(out, exist_ok=True)
    for build in test_keras.MODELS:
        m, _, opts = build(np.random.default_rng(0))
        m.save(os.path.join(out, m.name), **opts)
    for i, (what, m, how, _) in enumerate(test_keras.bad_models()):
        p = os.path.join(out, "bad%02d" % i)
        m.save(p)
        test_keras.patch(p, how, m)


if __name__ == "__main__":
    main()
