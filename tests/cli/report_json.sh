#!/bin/sh
# report_json.sh BNNC ROOT: every example network, on an application core,
# a microcontroller and a desktop target, under both memory models and with
# several threads, and a network of rank-4 and rank-2 tensors, prints a
# JSON report that validates against
# docs/report-schema.json and is self-consistent (validate_report.py).
bnnc=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
n=0
for ex in mnist_mlp lenet_bin vgg_cifar10 birealnet18 quicknet; do
    for t in cortex-a53 stm32h743 zen4; do
        for opt in "--memory-model lxnorop" "--memory-model roofline --threads 4"; do
            n=$((n + 1))
            # shellcheck disable=SC2086
            if ! "$bnnc" "$root/examples/$ex.bnn" --target $t --report --format json $opt \
                    >"$tmp/$n.json" 2>"$tmp/err"; then
                echo "FAIL $ex on $t ($opt):"; cat "$tmp/err"; exit 1
            fi
        done
    done
done
# Tensors of rank 4 and 2, views and a transpose (tests/good/onnx_layout.bnn).
for t in cortex-a53 stm32h743; do
    n=$((n + 1))
    "$bnnc" "$root/tests/good/onnx_layout.bnn" --target $t --report --format json >"$tmp/$n.json" ||
        { echo "FAIL onnx_layout on $t"; exit 1; }
done
# Numbers without float noise: zen2's 4.1 GHz is 4100000000.0, not
# 4099999999.9999995 (15 significant digits, what a double holds exactly).
"$bnnc" "$root/examples/lenet_bin.bnn" --target zen2 --report --format json >"$tmp/zen2" || exit 1
grep -q '^    "clock_hz": 4100000000.0,$' "$tmp/zen2" || { echo "FAIL float noise in clock_hz:"; grep clock_hz "$tmp/zen2"; exit 1; }
exec /usr/bin/python3 "$(dirname "$0")/validate_report.py" "$root/docs/report-schema.json" "$tmp"/*.json
