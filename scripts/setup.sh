#!/bin/sh
# setup.sh [BUILD_DIR [CMAKE_ARGS...]]: installs what is missing (Debian),
# then configures and builds bnnc into BUILD_DIR (default: build).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift

need="cmake make gcc clang flex bison libcmocka-dev libclang-rt-14-dev libjansson-dev python3-jsonschema"
# bnnc import: ONNX read with protobuf-c from libonnx-dev's onnx.proto; the
# tests build models with python3-onnx and evaluate them with numpy.
need="$need protobuf-c-compiler libprotobuf-c-dev libonnx-dev python3-onnx python3-numpy"
# bnnc import of Keras .h5 models, and its tests (docs/import.md).
need="$need libhdf5-dev python3-h5py"
# The valgrind test label (docs/robustness.md).
need="$need valgrind"
# The C back end's tests: AArch64 (NEON) under qemu, Cortex-M section sizes.
need="$need gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user gcc-arm-none-eabi"
# The editor tests (tests/editors) run these commands, as command:package.
# A command already there is kept, wherever it came from (say, a Node.js
# whose package conflicts with Debian's npm).
tools="vim:vim emacs:emacs-nox node:nodejs npm:npm"
missing=""
for p in $need; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
for t in $tools; do
    command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
# The HTML reports rendered in headless Chromium (tests/cli/browser.py),
# installed on its own: where the package cannot be had, the rest still
# builds and that test is skipped, saying so.
if ! command -v chromium >/dev/null 2>&1; then
    echo "setup: installing chromium"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        $sudo apt-get install -y -qq chromium >/dev/null; } ||
        echo "setup: chromium could not be installed: the browser test will be skipped"
fi

cmake -S "$root" -B "$root/$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$root/$build" -j "$(nproc)"
