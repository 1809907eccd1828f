#!/bin/sh
# golden_cmd.sh BNNC DIR ROOT: golden tests of whole commands. Each
# DIR/NAME.cmd holds the arguments of one bnnc command (paths relative to
# ROOT); it must exit 0, print nothing on stderr and exactly DIR/NAME.out
# on stdout. Set UPDATE=1 to rewrite the .out files (then review the diff).
bnnc=$1 dir=$2 root=$3
pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 2
for cmd in "$dir"/*.cmd; do
    name=${cmd%.cmd}
    # shellcheck disable=SC2046
    NO_COLOR=1 "$bnnc" $(cat "$cmd") >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    [ -n "$UPDATE" ] && cp "$tmp/out" "$name.out"
    ok=1
    if [ "$rc" -ne 0 ]; then echo "FAIL $cmd: exit status $rc"; ok=0; fi
    if [ -s "$tmp/err" ]; then echo "FAIL $cmd: printed on stderr:"; cat "$tmp/err"; ok=0; fi
    if ! diff -u "$name.out" "$tmp/out" >"$tmp/diff" 2>&1; then
        echo "FAIL $cmd: output differs from $name.out:"; cat "$tmp/diff"; ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "commands: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
