#!/bin/sh
# kernels.sh: the emitted binary kernels against OpenBLAS float layers of
# the same shapes and against the popcount peak (docs/benchmarks.md).
#
#   sh bench/kernels.sh [BNNC [TARGET]]   (defaults: build-rel/bnnc, zen4)
#
# Emits bench/kernels.bnn for TARGET (its kernels must run here), builds
# bench/kernels.c with it and OpenBLAS (Debian libopenblas-dev; installed
# if missing) with cc -O3 -march=native, and runs it single-threaded.
set -eu
BNNC=${1:-build-rel/bnnc}
TARGET=${2:-zen4}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -x "$BNNC" ] || { echo "kernels.sh: no bnnc at '$BNNC'" >&2; exit 2; }
if ! dpkg-query -W -f='${Status}' libopenblas-dev 2>/dev/null | grep -q "install ok installed"; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get install -y -qq libopenblas-dev >/dev/null
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bnnc-kernels.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
"$BNNC" "$HERE/kernels.bnn" --target "$TARGET" --emit c -o "$TMP/out" 2>/dev/null
cc -std=c99 -O3 -march=native -DBNN_TIMING -DNET=kernels -DNET_H="\"$TMP/out/kernels.h\"" \
    -o "$TMP/kernels" "$HERE/kernels.c" "$TMP/out/kernels.c" "$TMP/out/kernels_weights.c" \
    -lopenblas -lm
OPENBLAS_NUM_THREADS=1 "$TMP/kernels" "conv 56 56 64 64" "conv 28 28 128 128" \
    "conv 14 14 256 256" "conv 7 7 512 512" "dense 4096 4096" "dense 1024 1024"
