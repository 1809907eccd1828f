#!/bin/sh
# threads_hook.sh BNNC ROOT: the code of --threads N with the program's own
# bnn_parallel_for (-DBNN_PARALLEL_HOOK, docs/codegen.md "Threads"), as on
# a microcontroller or an RTOS. tests/codegen/threads_rows.bnn with 3
# parts, built without -pthread and with a hook that runs the parts one
# after the other, last first, and counts them: the outputs are the same
# bytes as the code of one thread's, every call asks for 3 parts, there is
# one call per split layer (the number of bnn_layerK functions), and the
# objects reference no pthread function. Then the pool of 2 and 3 threads
# under ThreadSanitizer (clang). With arm-none-eabi-gcc, the same NAME.c
# compiles for Cortex-M4.
bnnc=$1 root=$2
here=$root/tests/codegen
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
net=$here/threads_rows.bnn
opts="--targets $here/targets.bnn --no-catalog --seed 5"
"$bnnc" "$net" --target t-portable32 $opts --emit c -o "$tmp/n3" --threads 3 2>/dev/null ||
    fail "emit --threads 3"
"$bnnc" "$net" --target t-portable32 $opts --emit c -o "$tmp/n1" 2>/dev/null || fail "emit"
grep -q '^#define BNN_THREADS 3$' "$tmp/n3/threads_rows.c" || fail "no BNN_THREADS 3"
grep -q 'BNN_THREADS\|bnn_parallel_for' "$tmp/n1/threads_rows.c" && fail "one thread mentions threads"
[ -f "$tmp/n1/bnn_threads.h" ] && fail "one thread writes bnn_threads.h"
nsplit=$(grep -c '^static void bnn_layer[0-9]*(void \*ctx, int t)$' "$tmp/n3/threads_rows.c")
[ "$nsplit" -ge 10 ] || fail "only $nsplit split layers"
cat > "$tmp/hook.c" <<'HOOK'
#include <stdio.h>
/* The program's bnn_parallel_for: the parts in turn, last first. */
static int calls, bad;
void bnn_parallel_for(void (*fn)(void *ctx, int t), void *ctx, int n)
{
    calls++;
    bad += n != 3;
    for (int t = n - 1; t >= 0; t--)
        fn(ctx, t);
}
void hook_report(void)
{
    fprintf(stderr, "calls %d bad %d\n", calls, bad);
}
HOOK
# The harness reports the hook's counts at exit.
cat > "$tmp/main.c" <<'MAIN'
#include <stdlib.h>
void hook_report(void);
static void at_exit(void) { hook_report(); }
__attribute__((constructor)) static void reg(void) { atexit(at_exit); }
MAIN
py=/usr/bin/python3
$py "$here/npytool.py" make "$tmp/in.npy" f 6,5,3 11 || exit 2
for v in 1 3; do
    extra=""
    [ $v = 3 ] && extra="-DBNN_PARALLEL_HOOK $tmp/hook.c $tmp/main.c"
    # shellcheck disable=SC2086
    cc -std=c99 -O2 -Wall -Wextra -Werror -DNET=threads_rows -DNET_UP=THREADS_ROWS \
        -include "$tmp/n$v/threads_rows.h" -o "$tmp/p$v" "$here/harness.c" \
        "$tmp/n$v/threads_rows.c" "$tmp/n$v/threads_rows_weights.c" $extra -lm ||
        fail "compile $v"
    "$tmp/p$v" "$tmp/in.npy" -- "$tmp/u$v.npy" "$tmp/k$v.npy" "$tmp/w$v.npy" 2>"$tmp/err$v" ||
        fail "run $v"
done
for o in u k w; do
    cmp "$tmp/${o}1.npy" "$tmp/${o}3.npy" || fail "output $o differs with the hook"
done
# The harness runs the network twice (NAME_invoke, NAME_infer).
grep -q "^calls $((2 * nsplit)) bad 0$" "$tmp/err3" ||
    fail "hook: $(cat "$tmp/err3"), expected $((2 * nsplit)) calls of 3 parts"
nm "$tmp/p3" | grep -qi pthread && fail "the hook build references pthread"
# The pool itself under ThreadSanitizer: no two parts of a layer write
# the same bytes, no part reads what another writes, the pool's words are
# shared through atomics; and the outputs are still one thread's.
if echo 'int main(void){return 0;}' > "$tmp/t.c" &&
        clang -fsanitize=thread -o "$tmp/t" "$tmp/t.c" 2>/dev/null && "$tmp/t"; then
    for n in 2 3; do
        "$bnnc" "$net" --target t-portable64 $opts --emit c -o "$tmp/pool$n" --threads $n \
            2>/dev/null || fail "emit --threads $n (t-portable64)"
        "$bnnc" "$net" --target t-portable64 $opts --emit c -o "$tmp/one64" 2>/dev/null ||
            fail "emit (t-portable64)"
        for d in pool$n one64; do
            clang -std=c99 -O1 -g -fsanitize=thread -pthread -Wall -Wextra -Werror \
                -DNET=threads_rows -DNET_UP=THREADS_ROWS -include "$tmp/$d/threads_rows.h" \
                -o "$tmp/$d.prog" "$here/harness.c" "$tmp/$d/threads_rows.c" \
                "$tmp/$d/threads_rows_weights.c" -lm || fail "tsan compile $d"
            TSAN_OPTIONS=halt_on_error=1:exitcode=66 "$tmp/$d.prog" "$tmp/in.npy" -- \
                "$tmp/$d.u.npy" "$tmp/$d.k.npy" "$tmp/$d.w.npy" 2>"$tmp/tsan" ||
                { head -30 "$tmp/tsan"; fail "ThreadSanitizer, $n threads"; }
        done
        for o in u k w; do
            cmp "$tmp/pool$n.$o.npy" "$tmp/one64.$o.npy" || fail "output $o, $n threads under tsan"
        done
    done
else
    echo "not run on this machine: ThreadSanitizer (clang -fsanitize=thread)"
fi
if command -v arm-none-eabi-gcc >/dev/null; then
    "$bnnc" "$net" --target cortex-m4 --seed 5 --emit c -o "$tmp/m4" --threads 2 2>/dev/null ||
        fail "emit cortex-m4"
    arm-none-eabi-gcc -std=c99 -O2 -mcpu=cortex-m4 -mthumb -Wall -Wextra -Werror \
        -DBNN_PARALLEL_HOOK -c -o "$tmp/m4.o" "$tmp/m4/threads_rows.c" || fail "cortex-m4 compile"
    arm-none-eabi-nm "$tmp/m4.o" | grep -q ' U bnn_parallel_for$' ||
        fail "cortex-m4: bnn_parallel_for is not the program's"
else
    echo "not run on this machine: cortex-m4 (no arm-none-eabi-gcc)"
fi
echo "threads_hook: passed ($nsplit split layers)"
