#!/bin/sh
# mcu_size.sh BNNC ROOT: the C emitted for Cortex-M4 and Cortex-M7 builds
# with arm-none-eabi-gcc, and its sections agree with the report: .bss is
# exactly the arena (the report's peak activation bytes), .data is empty,
# the weights' .rodata is exactly the report's packed weights plus
# parameters and the header's NAME_WEIGHT_BYTES, at -O2 and at -Os (no
# alignment padding between the arrays: each takes whole words, see
# docs/codegen.md), and the popcount is inline (no __popcountsi2 library
# call). Besides the examples, tests/codegen/mlp_odd.bnn, whose arrays of
# masks and direction bits are not whole words (tests/codegen/
# weight_bytes.sh checks the other targets). Prints .text for the record.
bnnc=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
pass=0 fail=0
command -v arm-none-eabi-gcc >/dev/null || { echo "FAIL: arm-none-eabi-gcc is missing (scripts/setup.sh installs it)"; exit 1; }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

for t in cortex-m4:"-mcpu=cortex-m4 -mfpu=fpv4-sp-d16" cortex-m7:"-mcpu=cortex-m7 -mfpu=fpv5-d16"; do
    target=${t%%:*} flags=${t#*:}
    for ex in lenet_bin mnist_mlp vgg_cifar10 mlp_odd w1a2; do
        d=$tmp/$target-$ex
        net=$root/examples/$ex.bnn
        [ -f "$net" ] || net=$root/tests/codegen/$ex.bnn
        "$bnnc" "$net" --target "$target" --emit c -o "$d" 2>/dev/null || { ko "emit $ex $target"; continue; }
        "$bnnc" "$net" --target "$target" --report --format json > "$d/report.json" || { ko "report $ex"; continue; }
        # shellcheck disable=SC2086
        if ! arm-none-eabi-gcc -std=c99 -O2 -mthumb -mfloat-abi=hard $flags -Wall -Wextra -Werror \
                -c "$d/$ex.c" -o "$d/net.o" || ! arm-none-eabi-gcc -std=c99 -O2 -mthumb \
                -mfloat-abi=hard $flags -c "$d/${ex}_weights.c" -o "$d/w.o" ||
                ! arm-none-eabi-gcc -std=c99 -Os -mthumb -mfloat-abi=hard $flags \
                -c "$d/${ex}_weights.c" -o "$d/ws.o"; then
            ko "compile $ex for $target"; continue
        fi
        sec() { arm-none-eabi-size -A "$1" | awk -v s="$2" '$1 == s { print $2 }'; }
        bss=$(sec "$d/net.o" .bss) data=$(sec "$d/net.o" .data) text=$(sec "$d/net.o" .text)
        ro=$(sec "$d/w.o" .rodata) ros=$(sec "$d/ws.o" .rodata)
        hdr=$(awk '$2 ~ /_WEIGHT_BYTES$/ { print $3 }' "$d/$ex.h")
        want=$($py -c "import json; m = json.load(open('$d/report.json'))['memory']; print(m['activation_bytes'], m['packed_weight_bytes'] + m['float_param_bytes'])")
        arena=${want% *} params=${want#* }
        ok=1
        [ "${bss:-0}" -eq "$arena" ] || { ko "$ex on $target: .bss $bss B, report's activations $arena B"; ok=0; }
        [ "${data:-0}" -eq 0 ] || { ko "$ex on $target: .data is $data B, expected none"; ok=0; }
        if [ "${ro:-0}" -ne "$params" ] || [ "${ros:-0}" -ne "$params" ] || [ "${hdr:-0}" -ne "$params" ]; then
            ko "$ex on $target: weights .rodata $ro B (-Os: $ros B), header's WEIGHT_BYTES $hdr B, report's weights + parameters $params B"; ok=0
        fi
        if arm-none-eabi-nm -u "$d/net.o" | grep -q popcount; then
            ko "$ex on $target calls a library popcount"; ok=0
        fi
        [ $ok = 1 ] && pass=$((pass + 1)) &&
            echo "$ex on $target: .text $text B, .bss $bss B = arena, weights .rodata $ro B = header = report"
    done
done
echo "mcu_size: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
