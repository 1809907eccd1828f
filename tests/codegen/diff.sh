#!/bin/sh
# diff.sh BNNC ROOT [COUNT]: differential tests of the C emitter against the
# reference interpreter (docs/codegen.md). For every example network on each
# kernel flavour the host runs, and for COUNT (default 200) random networks
# from tests/gen/gen_net.c on targets drawn in turn from tests/codegen/
# targets.bnn: emit C with --seed, compile it with -std=c99 -Wall -Wextra
# -Werror (-mavx2 or -march=native for the AVX2 and AVX-512 flavours), run
# it and `bnnc run` on the same random inputs, and compare
# every output (integers and bits exactly, floats within 1e-5 relative).
# DIFF_FLAGS: more options for the emitting bnnc (-fno-fuse-epilogue).
# With gcc-aarch64-linux-gnu and qemu-aarch64, the NEON kernels run under
# qemu too (the examples, and every 10th random network). gcc and clang
# build the host programs in turn.
# With THREADS=N (N > 1), the code is emitted with --threads N (each layer
# in N parts on a pool of threads, runtime/bnn_threads.h) and built with
# -pthread, and its outputs must also be the same bytes as those of the
# code of one thread, built by the same compiler.
bnnc=$1 root=$2 count=${3:-200}
threads=${THREADS:-1}
topt="" tcc=""
if [ "$threads" -gt 1 ]; then
    topt="--threads $threads" tcc="-pthread"
fi
here=$root/tests/codegen
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# The emitted code is built with gcc and clang in turn (both must take it
# with -Werror).
ccs=${CC_EMITTED:-gcc clang}
nchecks=0
py=/usr/bin/python3
pass=0 fail=0 skipped=""

flavours="t-portable32 t-swar32 t-portable64 t-builtin64 t-kernel32 t-channel64"
grep -qw popcnt /proc/cpuinfo && flavours="$flavours t-popcnt" || skipped="$skipped popcnt"
grep -qw avx2 /proc/cpuinfo && flavours="$flavours t-avx2" || skipped="$skipped avx2"
grep -qw avx512_vpopcntdq /proc/cpuinfo && flavours="$flavours t-avx512" || skipped="$skipped avx512"
qemu=""
if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
    qemu=1
else
    skipped="$skipped neon(qemu)"
fi
cc -std=c11 -O2 -o "$tmp/gen_net" "$root/tests/gen/main.c" "$root/tests/gen/gen_net.c" || exit 2

# one NET.bnn TARGET SEED: emit, build, run both ways, compare.
one() {
    net=$1 target=$2 seed=$3
    d=$tmp/w
    rm -rf "$d" && mkdir -p "$d/ref" "$d/in"
    # shellcheck disable=SC2086
    if ! "$bnnc" "$net" --target "$target" --targets "$here/targets.bnn" --no-catalog \
            --emit c -o "$d/out" --seed "$seed" $topt $DIFF_FLAGS 2>"$d/err"; then
        grep -v 'pseudo-random' "$d/err"; return 1
    fi
    name=$(basename "$d"/out/*_weights.c _weights.c)
    if [ "$target" = t-neon ]; then
        build="aarch64-linux-gnu-gcc -static" run="qemu-aarch64"
    else
        set -- $ccs
        k=$((nchecks % $# + 1))
        eval "build=\${$k}"
        run=""
    fi
    # The x86 vector flavours build for their instruction sets, so that
    # the float vector code runs 8 (AVX) and 16 (AVX-512) lanes wide too.
    isa=""
    case "$target" in
        t-avx2) isa="-mavx2 -mpopcnt" ;;
        t-avx512) isa="-march=native" ;;
    esac
    if ! $build -std=c99 -O2 $isa $tcc -Wall -Wextra -Werror -DNET="$name" \
            -DNET_UP="$(echo "$name" | tr a-z A-Z)" -include "$d/out/$name.h" \
            -o "$d/prog" "$here/harness.c" "$d/out/$name.c" "$d/out/${name}_weights.c" -lm \
            2>"$d/err"; then
        echo "compile error:"; head -20 "$d/err"; return 1
    fi
    if [ "$threads" -gt 1 ]; then
        "$bnnc" "$net" --target "$target" --targets "$here/targets.bnn" --no-catalog \
            --emit c -o "$d/one" --seed "$seed" 2>/dev/null || return 1
        if ! $build -std=c99 -O2 $isa -Wall -Wextra -Werror -DNET="$name" \
                -DNET_UP="$(echo "$name" | tr a-z A-Z)" -include "$d/one/$name.h" \
                -o "$d/prog1" "$here/harness.c" "$d/one/$name.c" "$d/one/${name}_weights.c" -lm \
                2>"$d/err"; then
            echo "compile error (one thread):"; head -20 "$d/err"; return 1
        fi
    fi
    # Inputs (type letters from the generated C, shapes from its header)
    # and the interpreter's outputs depend only on the network and the
    # seed: made once, kept for the other flavours.
    key=$(echo "$net $seed" | cksum | cut -d' ' -f1)
    c=$tmp/cache/$key
    if [ ! -d "$c" ]; then
        mkdir -p "$c/in" "$c/ref"
        types=$(sed -n "s/^const char ${name}_input_types\[[0-9]*\] = \"\(.*\)\";/\1/p" "$d/out/$name.c")
        k=0 inargs=""
        for shape in $(sed -n "s|^/\* input '.*': [a-z0-9]*\[\([0-9,]*\)\].*|\1|p" "$d/out/$name.h"); do
            t=$(echo "$types" | cut -c$((k + 1)))
            $py "$here/npytool.py" make "$c/in/$k.npy" "$t" "$shape" $((seed * 7 + k)) || return 1
            inargs="$inargs --input $c/in/$k.npy"
            k=$((k + 1))
        done
        # shellcheck disable=SC2086
        if ! "$bnnc" run "$net" --seed "$seed" $inargs --output "$c/ref/" 2>"$d/err"; then
            grep -v 'pseudo-random' "$d/err"; rm -rf "$c"; return 1
        fi
    fi
    ins="" k=0
    while [ -f "$c/in/$k.npy" ]; do
        ins="$ins $c/in/$k.npy"
        k=$((k + 1))
    done
    outs=$(sed -n 's/^\s*output \(.*\);/\1/p' "$net" | tr -d ' ' | tr ',' ' ')
    gots="" k=0
    for o in $outs; do gots="$gots $d/got$k.npy"; k=$((k + 1)); done
    # shellcheck disable=SC2086
    if ! $run "$d/prog" $ins -- $gots 2>"$d/err"; then
        echo "run error:"; head -5 "$d/err"; return 1
    fi
    k=0
    for o in $outs; do
        if ! $py "$here/npytool.py" compare "$c/ref/$o.npy" "$d/got$k.npy" >"$d/cmp"; then
            echo "output '$o':"; cat "$d/cmp"; return 1
        fi
        sed -n 's/^max relative float difference //p' "$d/cmp" >> "$tmp/diffs"
        k=$((k + 1))
    done
    if [ "$threads" -gt 1 ]; then
        ones="" k=0
        for o in $outs; do ones="$ones $d/one$k.npy"; k=$((k + 1)); done
        # shellcheck disable=SC2086
        if ! $run "$d/prog1" $ins -- $ones 2>"$d/err"; then
            echo "run error (one thread):"; head -5 "$d/err"; return 1
        fi
        k=0
        for o in $outs; do
            if ! cmp "$d/one$k.npy" "$d/got$k.npy"; then
                echo "output '$o': $threads threads and one differ"; return 1
            fi
            k=$((k + 1))
        done
    fi
    return 0
}

check() {
    nchecks=$((nchecks + 1))
    if one "$@" >"$tmp/log" 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $1 on $2 (seed $3):"; sed 's/^/    /' "$tmp/log" | head -20
    fi
}

for ex in ${EXAMPLES-mnist_mlp lenet_bin vgg_cifar10 birealnet18 quicknet}; do
    for t in $flavours; do
        case "$ex:$t" in
            quicknet:t-portable32|quicknet:t-portable64|quicknet:t-swar32|quicknet:t-builtin64) ;;
            birealnet18:t-portable32|birealnet18:t-swar32|birealnet18:t-builtin64) ;;
            *) check "$root/examples/$ex.bnn" "$t" 1 ;;
        esac
    done
    [ -n "$qemu" ] && check "$root/examples/$ex.bnn" t-neon 1
done
# FINN's thresholds and the bit-serial layers on their u8 counts, on
# every flavour (the random networks draw them too, less often).
# The same with a bias and a weight scale after bit-serial layers.
for fl in $flavours; do
    check "$here/w1a2.bnn" "$fl" 2
    check "$here/w1a2_epilogue.bnn" "$fl" 3
done
[ -n "$qemu" ] && check "$here/w1a2.bnn" t-neon 2 && check "$here/w1a2_epilogue.bnn" t-neon 3
set -- $flavours
nf=$#
i=1
while [ "$i" -le "$count" ]; do
    "$tmp/gen_net" "$i" > "$tmp/net$i.bnn"
    k=$((i % nf + 1))
    eval "t=\${$k}"
    check "$tmp/net$i.bnn" "$t" "$i"
    if [ -n "$qemu" ] && [ $((i % 10)) -eq 0 ]; then
        check "$tmp/net$i.bnn" t-neon "$i"
    fi
    i=$((i + 1))
done
# With each compiler on every flavour: the grouped bit gather that clang
# 14 miscompiled at -O2 with AVX2, and a layer's function whose call gcc
# 12.2 deleted when it was only noinline (runtime/bnn_base.h).
all_ccs=$ccs
for cc in $all_ccs; do
    ccs=$cc
    for fl in $flavours; do
        check "$here/grouped_gather.bnn" "$fl" 16
        check "$here/ipa_call.bnn" "$fl" 200
    done
done
ccs=$all_ccs
# Fused epilogues (pass fuse-epilogue): chains into floats, into bits,
# an integer threshold, a bdense with a weight scale and a prelu.
for fl in $flavours; do
    check "$here/fused.bnn" "$fl" 5
done
[ -n "$qemu" ] && check "$here/fused.bnn" t-neon 5
# prelu with an alpha per element, on tensors of rank 1, 3 and 4, on
# every flavour (after the random networks, which keep their compilers).
for fl in $flavours; do
    check "$here/prelu_elem.bnn" "$fl" 4
done
[ -n "$qemu" ] && check "$here/prelu_elem.bnn" t-neon 4
# Every layer the code of --threads N splits, with fewer rows, channel
# blocks or pixels than parts too.
for fl in $flavours; do
    check "$here/threads_rows.bnn" "$fl" 5
done
[ -n "$qemu" ] && check "$here/threads_rows.bnn" t-neon 5
[ -n "$skipped" ] && echo "not run on this machine:$skipped"
[ -s "$tmp/diffs" ] && echo "largest relative difference of a float output: $(sort -g "$tmp/diffs" | tail -1)"
echo "codegen ($threads thread(s)): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
