#!/bin/sh
# replay.sh BUILD ROOT: the fuzz.replay test. Runs every harness, built
# with replay.c (fuzz_NAME_replay), on its seed corpus (corpus.sh) and on
# the inputs the fuzzers found (tests/fuzz/regress/NAME/, in the corpus):
# no input may crash, leak or trip a sanitizer or a harness's check.
build=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
sh "$root/tests/fuzz/corpus.sh" "$root" "$tmp" || exit 2
fail=0
for h in parse check report emit safetensors npy onnx h5; do
    if ! (cd "$tmp" && "$build/fuzz_${h}_replay" "$tmp/$h"); then
        echo "FAIL fuzz_$h"
        fail=1
    fi
done
exit $fail
