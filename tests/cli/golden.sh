#!/bin/sh
# golden.sh BNNC DIR MODE [SRCDIR]: golden tests of the command line.
#   MODE bad:  each DIR/NAME.bnn must exit 1 (never crash) and print exactly
#              DIR/NAME.err on stderr and nothing on stdout.
#   MODE good: for each DIR/NAME.ir, SRCDIR/NAME.bnn (SRCDIR defaults to
#              DIR) must exit 0, print nothing on stderr and exactly
#              DIR/NAME.ir on stdout with --dump-ir.
# Runs in DIR so that file names in messages are short; the standard
# library's folder ($BNNC_STDLIB) is written STDLIB, so that the files do
# not depend on where the checkout is. Set UPDATE=1 to rewrite the
# expected files (then review them with git diff).
bnnc=$1 dir=$2 mode=$3 srcdir=${4:-.}
cd "$dir" || exit 2
pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
if [ "$mode" = bad ]; then list=$(ls *.bnn); else list=$(ls *.ir); fi
for item in $list; do
    name=${item%.*}
    src=$name.bnn
    [ "$mode" = good ] && src=$srcdir/$name.bnn
    if [ "$mode" = bad ]; then
        NO_COLOR=1 "$bnnc" "$src" >"$tmp/out" 2>"$tmp/err" </dev/null
        rc=$?
        if [ -n "$BNNC_STDLIB" ]; then
            sed "s|$BNNC_STDLIB|STDLIB|g" "$tmp/err" >"$tmp/err2" && mv "$tmp/err2" "$tmp/err"
        fi
        want="$name.err" got="$tmp/err" want_rc=1
    else
        NO_COLOR=1 "$bnnc" "$src" --dump-ir >"$tmp/out" 2>"$tmp/err" </dev/null
        rc=$?
        want="$name.ir" got="$tmp/out" want_rc=0
    fi
    [ -n "$UPDATE" ] && cp "$got" "$want"
    ok=1
    if [ "$rc" -ne "$want_rc" ]; then
        echo "FAIL $src: exit status $rc, expected $want_rc"; ok=0
    fi
    if [ "$mode" = bad ] && [ -s "$tmp/out" ]; then
        echo "FAIL $src: printed on stdout"; ok=0
    fi
    if [ "$mode" = good ] && [ -s "$tmp/err" ]; then
        echo "FAIL $src: printed on stderr:"; cat "$tmp/err"; ok=0
    fi
    if ! diff -u "$want" "$got" >"$tmp/diff" 2>&1; then
        echo "FAIL $src: output differs from $want:"; cat "$tmp/diff"; ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$mode: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
