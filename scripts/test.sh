#!/bin/sh
# test.sh: installs what is missing, then builds and runs every test twice:
# with gcc, and with clang under AddressSanitizer and UndefinedBehaviorSanitizer.
# Both builds use -Wall -Wextra -Werror.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

echo "== gcc build, all tests"
CC=gcc sh scripts/setup.sh build
(cd build && ctest --output-on-failure -j 2)

echo "== clang build with -fsanitize=address,undefined, all tests"
# The differential test of the C back end runs on fewer random networks
# here: its generated programs are not sanitised, only bnnc itself is.
CC=clang sh scripts/setup.sh build-asan -DBNNC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DBNNC_DIFF_COUNT=40
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j 2)
