#!/bin/sh
# compile.sh ROOT: the kernel library (runtime/) compiles warning-free on
# its own, with -std=c99 -Wall -Wextra -Werror, under every compiler the
# machine has for the flavours' architectures:
#   - each header alone (a file that includes only it), for 32- and 64-bit
#     words, with gcc and clang on the host (x86-64 headers there);
#   - tests/kernels/use_all.c, which calls every function, once per
#     flavour, at -O2, plain and with the flavour's -m flags (-mpopcnt,
#     -mavx2, -mavx512f -mavx512vpopcntdq);
#   - bnn_neon.h with aarch64-linux-gnu-gcc and clang --target=aarch64;
#   - bnn_cortexm.h with arm-none-eabi-gcc and clang for Cortex-M7
#     (thumbv7em) and Cortex-M0+ (thumbv6m), no popcount of a library in
#     the object, USADA8 in the M7's and none in the M0+'s.
# What the machine lacks is skipped, and said.
root=$1
rt=$root/runtime
use=$root/tests/kernels/use_all.c
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
flags="-std=c99 -O2 -Wall -Wextra -Werror -I$rt"
pass=0 fail=0 skipped=""

# try LABEL CC ARGS...: one compilation into $tmp/o.o.
try() {
    label=$1
    shift
    if "$@" -c -o "$tmp/o.o" >"$tmp/err" 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $label: $*"
        head -20 "$tmp/err"
    fi
}

host_headers="bnn_base.h bnn_portable.h bnn_builtin.h bnn_kernels.h bnn_binary.h bnn_float.h bnn_elem.h
    bnn_shape.h bnn_parts.h"
case $(uname -m) in
    x86_64) host_headers="$host_headers bnn_popcnt_x86.h bnn_avx2.h bnn_avx512.h"
            host_flavours="portable builtin popcnt_x86 avx2 avx512" ;;
    *) host_flavours="portable builtin"; skipped="$skipped x86-64(host)" ;;
esac
for cc in gcc clang; do
    if ! command -v $cc >/dev/null; then skipped="$skipped $cc"; continue; fi
    for w in 32 64; do
        for h in $host_headers; do
            printf '#define BNN_W %s\n#include "%s"\n' $w $h >"$tmp/h.c"
            try "$h alone, $w-bit words" $cc $flags "$tmp/h.c"
        done
        for f in $host_flavours; do
            try "use_all $f" $cc $flags -DBNN_W=$w "-DBNN_FLAVOUR=\"bnn_$f.h\"" "$use"
        done
        try "use_all cortexm (host)" $cc $flags -DBNN_W=32 '-DBNN_FLAVOUR="bnn_cortexm.h"' "$use"
        # The pool of --threads N, and the program's hook instead.
        printf '#define BNN_W %s\n#define BNN_THREADS 3\n#include "bnn_threads.h"\n' $w >"$tmp/h.c"
        try "bnn_threads.h alone (pool), $w-bit words" $cc $flags -pthread "$tmp/h.c"
        try "bnn_threads.h alone (hook), $w-bit words" $cc $flags -DBNN_PARALLEL_HOOK "$tmp/h.c"
    done
    if [ "$(uname -m)" = x86_64 ]; then
        try "use_all popcnt -mpopcnt" $cc $flags -mpopcnt -DBNN_W=64 '-DBNN_FLAVOUR="bnn_popcnt_x86.h"' "$use"
        try "use_all avx2 -mavx2" $cc $flags -mavx2 -mpopcnt -DBNN_W=64 '-DBNN_FLAVOUR="bnn_avx2.h"' "$use"
        try "use_all avx512 -mavx512f" $cc $flags -mavx512f -mavx512vpopcntdq -DBNN_W=64 \
            '-DBNN_FLAVOUR="bnn_avx512.h"' "$use"
    fi
done

# AArch64: NEON on 64-bit words, the portable fallback on 32.
neon() {
    for w in 64 32; do
        printf '#define BNN_W %s\n#include "bnn_neon.h"\n' $w >"$tmp/h.c"
        try "bnn_neon.h alone, $w-bit words ($1)" "$@" $flags "$tmp/h.c"
        try "use_all neon, $w-bit words ($1)" "$@" $flags -DBNN_W=$w '-DBNN_FLAVOUR="bnn_neon.h"' "$use"
    done
}
if command -v aarch64-linux-gnu-gcc >/dev/null; then neon aarch64-linux-gnu-gcc
else skipped="$skipped aarch64-linux-gnu-gcc"; fi
if command -v clang >/dev/null && [ -d /usr/aarch64-linux-gnu/include ]; then
    neon clang --target=aarch64-linux-gnu
else skipped="$skipped clang-aarch64(no /usr/aarch64-linux-gnu)"; fi

# Cortex-M (Thumb): the software popcount, never a library call; on the
# cores with the DSP extension (M7) the byte sums are USADA8, on ARMv6-M
# (M0+) the path without it (tests/kernels/cortexm.sh runs both).
cortexm() {
    dsp=$1
    shift
    printf '#include "bnn_cortexm.h"\n' >"$tmp/h.c"
    try "bnn_cortexm.h alone ($*)" "$@" $flags "$tmp/h.c"
    try "use_all cortexm ($*)" "$@" $flags '-DBNN_FLAVOUR="bnn_cortexm.h"' "$use"
    nmtool=nm; command -v arm-none-eabi-nm >/dev/null && nmtool=arm-none-eabi-nm
    if ! $nmtool "$tmp/o.o" >"$tmp/syms" 2>&1; then
        fail=$((fail + 1)); echo "FAIL $*: $nmtool cannot read the object"; cat "$tmp/syms"
    elif grep -qi popcount "$tmp/syms"; then
        fail=$((fail + 1)); echo "FAIL $*: a library popcount is called:"; grep -i popcount "$tmp/syms"
    fi
    if command -v arm-none-eabi-objdump >/dev/null; then
        n=$(arm-none-eabi-objdump -d "$tmp/o.o" | grep -c usada8)
        if [ "$dsp" = dsp ] && [ "$n" -eq 0 ]; then
            fail=$((fail + 1)); echo "FAIL $*: no USADA8 with the DSP extension"
        elif [ "$dsp" = nodsp ] && [ "$n" -ne 0 ]; then
            fail=$((fail + 1)); echo "FAIL $*: USADA8 on a core without the DSP extension"
        fi
    else skipped="$skipped arm-none-eabi-objdump"; fi
}
newlib=/usr/lib/arm-none-eabi/include
if command -v arm-none-eabi-gcc >/dev/null; then
    cortexm dsp arm-none-eabi-gcc -mcpu=cortex-m7 -mthumb
    cortexm nodsp arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb
else skipped="$skipped arm-none-eabi-gcc"; fi
if command -v clang >/dev/null && [ -d $newlib ]; then
    cortexm dsp clang --target=thumbv7em-none-eabi -mcpu=cortex-m7 -isystem $newlib
    cortexm nodsp clang --target=thumbv6m-none-eabi -mcpu=cortex-m0plus -isystem $newlib
else skipped="$skipped clang-thumb(no newlib headers in $newlib)"; fi

[ -n "$skipped" ] && echo "not checked on this machine:$skipped"
echo "kernels.compile: $pass compiled, $fail failed"
[ "$fail" -eq 0 ]
