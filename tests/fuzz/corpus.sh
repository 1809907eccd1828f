#!/bin/sh
# corpus.sh ROOT OUT: assembles the seed corpus of every harness into
# OUT/NAME/ from the source tree (nothing is copied into git):
#   parse, check   every .bnn file: examples, tests/bad, tests/good,
#                  the standard library, the codegen targets;
#   report         the same networks, each behind three option bytes
#                  (target, options: fuzz_report.c; the second also
#                  writes the HTML and CSV reports);
#   emit, safetensors, npy   seeds.py's files;
#   onnx           the models of tests/import/test_onnx.py;
#   h5             seeds_h5.py's Keras .h5 files (tests/import/);
# and, for each, the inputs kept in tests/fuzz/regress/NAME/.
set -eu
root=$1 out=$2
mkdir -p "$out"
bnn=$(find "$root/examples" "$root/tests/bad" "$root/tests/good" "$root/stdlib" \
    "$root/tests/codegen" -name '*.bnn' | sort)
for h in parse check report emit safetensors npy onnx h5; do
    mkdir -p "$out/$h"
done
i=0
for f in $bnn; do
    i=$((i + 1))
    cp "$f" "$out/parse/$i.bnn"
    cp "$f" "$out/check/$i.bnn"
    k=0
    for p in '\000\000' '\007\141' '\377\020'; do
        k=$((k + 1))
        { printf "$p"; cat "$f"; } > "$out/report/$i-$k"
    done
done
python3 "$root/tests/fuzz/seeds.py" "$out"
# onnx: every model tests/import/test_onnx.py builds (python3-onnx), the
# good ones and those the importer refuses.
/usr/bin/python3 "$root/tests/import/test_onnx.py" --seeds "$out/onnx"
# Keras .h5 files need h5py: Debian's python3-h5py, for /usr/bin/python3.
/usr/bin/python3 "$root/tests/fuzz/seeds_h5.py" "$out"
for h in parse check report emit safetensors npy onnx h5; do
    if [ -d "$root/tests/fuzz/regress/$h" ]; then
        cp "$root/tests/fuzz/regress/$h"/* "$out/$h/" 2>/dev/null || true
    fi
done
