#!/bin/sh
# test.sh: installs what is missing, then builds and runs every test twice:
# with gcc, and with clang under AddressSanitizer and UndefinedBehaviorSanitizer;
# the command-line tests once more with bnnc under valgrind; and each fuzz
# harness for $BNNC_FUZZ_SECONDS (default 60) seconds, two at a time
# (docs/robustness.md). Every build uses -Wall -Wextra -Werror.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

echo "== gcc build, all tests"
CC=gcc sh scripts/setup.sh build
(cd build && ctest --output-on-failure -j 2 -LE valgrind)

echo "== gcc build, the command-line tests under valgrind memcheck"
(cd build && ctest --output-on-failure -j 2 -L valgrind)

echo "== clang build with -fsanitize=address,undefined, all tests"
# The differential test of the C back end runs on fewer random networks
# here: its generated programs are not sanitised, only bnnc itself is.
CC=clang sh scripts/setup.sh build-asan -DBNNC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DBNNC_DIFF_COUNT=40
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j 2)

echo "== fuzz harnesses (clang, libFuzzer), ${BNNC_FUZZ_SECONDS:-60} s each"
# A fresh corpus from the seeds each time (in BUILD/ci, apart from the
# corpora of longer runs in BUILD/fuzz): the pass replays every seed and
# every input kept in tests/fuzz/regress, then mutates them.
fuzz_build=${BNNC_FUZZ_BUILD:-$root/build-fuzz}
rm -rf "$fuzz_build/ci"
BNNC_FUZZ_BUILD=$fuzz_build BNNC_FUZZ_WORK=$fuzz_build/ci sh tests/fuzz/run.sh "${BNNC_FUZZ_SECONDS:-60}"

echo "== the long-campaign script (tests/fuzz/campaign.sh)"
BNNC_FUZZ_BUILD=$fuzz_build sh tests/fuzz/test_campaign.sh
