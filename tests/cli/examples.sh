#!/bin/sh
# examples.sh BNNC ROOT: every example and the standard library check
# cleanly (exit 0, no output).
bnnc=$1 root=$2
pass=0 fail=0
for f in "$root"/examples/*.bnn "$root"/stdlib/std/*.bnn; do
    out=$("$bnnc" "$f" 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && [ -z "$out" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL $f: exit $rc"; echo "$out"; fail=$((fail + 1))
    fi
done
echo "examples: $pass passed, $fail failed"
[ $fail -eq 0 ]
