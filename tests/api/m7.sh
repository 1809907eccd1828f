#!/bin/sh
# m7.sh BNNC ROOT: the API of the generated C for a Cortex-M7 with
# arm-none-eabi-gcc (docs/codegen.md, "The API"): LeNet's NAME.c built
# with -DBNN_ARENA_SECTION='".dtcm_bss"' has its static arena, all
# LENET_BIN_ARENA_BYTES of it, in .dtcm_bss and nothing in .bss; built
# with -DBNN_NO_STATIC_ARENA it has no arena, no lenet_bin_infer and no
# .bss at all; and the second program of docs/codegen.md (two instances,
# the arenas the caller's) builds with its arenas in .dtcm_bss, and links
# into one executable with the network. Exit 77 (skipped) without
# arm-none-eabi-gcc.
bnnc=$1 root=$2
command -v arm-none-eabi-gcc >/dev/null || { echo "SKIP: no arm-none-eabi-gcc"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
fail() { echo "FAIL: $*"; exit 1; }
cc="arm-none-eabi-gcc -std=c99 -O2 -mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard"
cc="$cc -Wall -Wextra -Werror"
"$bnnc" "$root/examples/lenet_bin.bnn" --target cortex-m7 --emit c -o out 2>/dev/null ||
    fail "emit lenet_bin"
bytes=$(awk '$2 == "LENET_BIN_ARENA_BYTES" { print $3 }' out/lenet_bin.h)
[ -n "$bytes" ] && [ "$bytes" -gt 0 ] || fail "no LENET_BIN_ARENA_BYTES"
# The section of symbol $2 in object $1, and its size.
where() {
    arm-none-eabi-readelf -SW "$1" > sec.txt && arm-none-eabi-readelf -sW "$1" > sym.txt || return 1
    ndx=$(awk -v s="$2" '$8 == s { print $7 }' sym.txt)
    size=$(awk -v s="$2" '$8 == s { print $3 }' sym.txt)
    [ -n "$ndx" ] || { echo "none"; return 0; }
    size=$(printf '%d' "$size") # readelf writes large sizes in hex
    sec=$(sed -n "s/^ *\[ *$ndx\] \([^ ]*\) .*/\1/p" sec.txt)
    echo "$sec $size"
}
secsize() { arm-none-eabi-size -A "$1" | awk -v s="$2" '$1 == s { print $2 }'; }

# The static arena in a named section.
# shellcheck disable=SC2086
$cc -DBNN_ARENA_SECTION='".dtcm_bss"' -c out/lenet_bin.c -o placed.o || fail "BNN_ARENA_SECTION build"
got=$(where placed.o bnn_arena)
[ "$got" = ".dtcm_bss $bytes" ] || fail "bnn_arena in '$got', expected '.dtcm_bss $bytes'"
[ "$(secsize placed.o .bss)" = 0 ] || fail "BNN_ARENA_SECTION: .bss is $(secsize placed.o .bss) B"
echo "m7: -DBNN_ARENA_SECTION: bnn_arena ($bytes B) in .dtcm_bss, .bss empty"
# No static arena, no old API.
# shellcheck disable=SC2086
$cc -DBNN_NO_STATIC_ARENA -c out/lenet_bin.c -o none.o || fail "BNN_NO_STATIC_ARENA build"
[ "$(where none.o bnn_arena)" = none ] || fail "BNN_NO_STATIC_ARENA: bnn_arena is there"
for f in lenet_bin_infer lenet_bin_infer_v; do
    [ "$(where none.o $f)" = none ] || fail "BNN_NO_STATIC_ARENA: $f is there"
done
for f in lenet_bin_init lenet_bin_invoke lenet_bin_invoke_v; do
    [ "$(where none.o $f)" != none ] || fail "BNN_NO_STATIC_ARENA: no $f"
done
[ "$(secsize none.o .bss)" = 0 ] && [ "$(secsize none.o .data)" = 0 ] ||
    fail "BNN_NO_STATIC_ARENA: .bss $(secsize none.o .bss) B, .data $(secsize none.o .data) B"
echo "m7: -DBNN_NO_STATIC_ARENA: no bnn_arena, no lenet_bin_infer, .bss and .data empty"
# The program of docs/codegen.md with the caller's arenas in DTCM.
sed -n '/^\/\* two.c: /,/^```$/p' "$root/docs/codegen.md" | sed '$d' > two.c
grep -q 'lenet_bin_invoke(' two.c || fail "no two.c in docs/codegen.md"
# shellcheck disable=SC2086
$cc -DBNN_NO_STATIC_ARENA -DARENA_SECTION='".dtcm_bss"' -Iout -c two.c -o two.o ||
    fail "two.c does not build for Cortex-M7"
got=$(where two.o arena)
[ "$got" = ".dtcm_bss $((2 * bytes))" ] || fail "two.c: arena in '$got', expected '.dtcm_bss $((2 * bytes))'"
$cc -c out/lenet_bin_weights.c -o w.o || fail "weights"
# shellcheck disable=SC2086
$cc --specs=nosys.specs -o two.elf two.o none.o w.o -lm || fail "two.c does not link"
got=$(where two.elf arena)
[ "$got" = ".dtcm_bss $((2 * bytes))" ] || fail "two.elf: arena in '$got'"
echo "m7: two.c of docs/codegen.md: its two arenas ($((2 * bytes)) B) in .dtcm_bss, linked"
