#!/bin/sh
# weight_bytes.sh BNNC ROOT: NAME_WEIGHT_BYTES, the report's packed weights
# plus parameters and the .rodata of NAME_weights.c compiled by the
# target's own compiler are the same number, to the byte, on the targets
# whose arrays are aligned to the vector (BNN_ALIGN): skylake (AVX2, 32
# bytes) and zen4 (AVX-512, 64 bytes) with gcc and clang at -O2 and -O0,
# cortex-a53 (NEON, 16 bytes) with aarch64-linux-gnu-gcc when it is
# installed (tests/codegen/mcu_size.sh checks Cortex-M4 and M7). Each array
# takes whole units of the alignment (docs/codegen.md), so no compiler
# pads between them. The networks: the examples, tests/codegen/
# mlp_odd.bnn, whose arrays are not whole words, and tests/good/
# layer_params.bnn (biases and weight scales).
bnnc=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
pass=0 fail=0 skipped=""
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

# rodata CC SIZE FILE.c: bytes of the .rodata sections of FILE.c compiled
# by CC at -O2 and at -O0, "N N".
rodata() {
    cc=$1 size=$2 src=$3 r=""
    for o in -O2 -O0; do
        # shellcheck disable=SC2086
        $cc -std=c99 $o -c "$src" -o "$tmp/w.o" || { echo "compile"; return; }
        r="$r $($size -A "$tmp/w.o" | awk '$1 ~ /^\.rodata/ { s += $2 } END { print s + 0 }')"
    done
    echo $r
}

compilers() {
    case $1 in
    cortex-a53)
        if command -v aarch64-linux-gnu-gcc >/dev/null; then
            echo "aarch64-linux-gnu-gcc:aarch64-linux-gnu-size"
        fi ;;
    *)
        for cc in gcc clang; do command -v $cc >/dev/null && echo "$cc:size"; done ;;
    esac
}
command -v aarch64-linux-gnu-gcc >/dev/null || skipped="$skipped cortex-a53(aarch64-linux-gnu-gcc)"

for target in skylake zen4 cortex-a53; do
    for ex in lenet_bin mnist_mlp vgg_cifar10 quicknet mlp_odd w1a2 layer_params; do
        net=$root/examples/$ex.bnn
        [ -f "$net" ] || net=$root/tests/codegen/$ex.bnn
        [ -f "$net" ] || net=$root/tests/good/$ex.bnn
        d=$tmp/$target-$ex
        "$bnnc" "$net" --target "$target" --emit c -o "$d" 2>/dev/null || { ko "emit $ex $target"; continue; }
        params=$("$bnnc" "$net" --target "$target" --report --format json | $py -c "import json, sys; m = json.load(sys.stdin)['memory']; print(m['packed_weight_bytes'] + m['float_param_bytes'])") ||
            { ko "report $ex $target"; continue; }
        hdr=$(awk '$2 ~ /_WEIGHT_BYTES$/ { print $3 }' "$d/$ex.h")
        [ "$hdr" = "$params" ] || ko "$ex on $target: header's WEIGHT_BYTES $hdr B, report's weights + parameters $params B"
        for c in $(compilers $target); do
            got=$(rodata "${c%%:*}" "${c#*:}" "$d/${ex}_weights.c")
            if [ "$got" = "$params $params" ]; then
                pass=$((pass + 1))
                echo "$ex on $target, ${c%%:*}: .rodata $params B = header = report"
            else
                ko "$ex on $target, ${c%%:*}: .rodata (-O2, -O0) $got B, header $hdr B, report $params B"
            fi
        done
    done
done
[ -n "$skipped" ] && echo "skipped:$skipped"
echo "weight_bytes: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
