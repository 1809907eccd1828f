#!/bin/sh
# measure.sh BNNC ROOT: bnnc calibrate writes a target description of this
# machine that bnnc reads back, and bnnc bench measures the emitted code
# against the estimate for it; their usage errors. Run in a temporary
# folder. (The figures themselves are machine-dependent: docs/measured.md.)
bnnc=$1 root=$2
py=/usr/bin/python3
. "$root/tests/cli/lib.sh"

check calibrate 0 "$bnnc" calibrate -o host.bnn && [ -s host.bnn ] && grep -q "wrote host.bnn" err && ok || ko calibrate
# The description checks cleanly, and says how each figure was measured.
check reads-back 0 "$bnnc" host.bnn && ok || ko "the description does not check"
grep -q '^target host {$' host.bnn && grep -q 'clock = .* GHz;    # measured' host.bnn &&
    grep -q '^    kernels = ' host.bnn && grep -q '^    ops {$' host.bnn && ok || ko "description contents"
# The figures of the refined model: the gather, the conv tap fit, the
# unpack (and one dense cost, from the dense on a float input), both
# thresholds, and bandwidths from the float streaming sweep.
grep -Eq '^        gather = [0-9.e+-]+ cycles;$' host.bnn && grep -Eq '^        tap = [0-9.e+-]+ cycles;$' host.bnn &&
    grep -Eq '^        unpack = [0-9.e+-]+ cycles;$' host.bnn && [ "$(grep -c '^        dense = ' host.bnn)" -eq 1 ] &&
    grep -Eq '^        threshold = [0-9.e+-]+ cycles;' host.bnn &&
    grep -Eq '^        threshold_float = [0-9.e+-]+ cycles;' host.bnn &&
    grep -Eq '^        conv2d = [0-9.e+-]+ cycles;    # per MAC, with tap above' host.bnn &&
    [ "$(grep -c 'bandwidth = .* GB/s;    # measured: a float copy moves 8 B per' host.bnn)" -ge 2 ] &&
    grep -q '^# The float streaming sweep' host.bnn && grep -q '^# The float copy sweep' host.bnn &&
    grep -Eq '^    overlap = (yes|no);    # measured: ' host.bnn &&
    grep -q '^    figures = measured;' host.bnn && ok || ko "refined figures"
check report 0 "$bnnc" "$root/examples/lenet_bin.bnn" --target host.bnn --report --format json &&
    $py -c "
import json, sys
d = json.load(open('out'))
t = d['target']
sys.exit(0 if 0.3e9 < t['clock_hz'] < 8e9 and 0 < t['c_x'] < 10 and d['totals']['rate_per_s'] > 0 else 1)
" && ok || ko "the description gives a sane estimate"
check name 0 "$bnnc" calibrate -o other.bnn --name lab-pc && grep -q '^target lab-pc {$' other.bnn && ok || ko name
# bench: a table, the error line; JSON.
check bench 0 "$bnnc" bench "$root/examples/lenet_bin.bnn" --target host.bnn --reps 20 &&
    grep -Eq '^deviation  [+-][0-9]+\.[0-9]%: ' out && grep -q '^c2 ' out && grep -q 'three medians of 20 runs' out && ok || ko bench
check bench-json 0 "$bnnc" bench "$root/examples/mnist_mlp.bnn" --target host.bnn --reps 10 --format json &&
    $py -c "
import json, sys
d = json.load(open('out'))
# h1, a1, h2 and h3 (each with its threshold fused in: fuse-epilogue), logits
sys.exit(0 if d['reps'] == 10 and d['measured_s'] > 0 and len(d['layers']) == 5 else 1)
" && ok || ko bench-json
# Kernels this machine cannot run are refused before anything is built
# (NEON on x86, or AVX-512 elsewhere), and so is a microcontroller.
case $(uname -m) in
    x86_64) other=cortex-a53 ;;
    *) other=zen4 ;;
esac
check bench-foreign 1 "$bnnc" bench "$root/examples/lenet_bin.bnn" --target $other --reps 5 &&
    grep -q "kernels, which this machine does not run" err && [ ! -s out ] && ok || ko bench-foreign
check bench-mcu 1 "$bnnc" bench "$root/examples/lenet_bin.bnn" --target cortex-m7 --reps 5 &&
    grep -q "target 'cortex-m7' is a microcontroller (class mcu)" err && [ ! -s out ] && ok || ko bench-mcu
# --clock: the target at another clock; 'host' measures this machine's.
check clock-report 0 "$bnnc" "$root/examples/lenet_bin.bnn" --target host.bnn --clock 1GHz --report &&
    grep -q '1 GHz' out && ok || ko clock-report
check clock-host-report 2 "$bnnc" "$root/examples/lenet_bin.bnn" --target host.bnn --clock host --report &&
    grep -q -- '--clock host goes with bnnc bench' err && ok || ko clock-host-report
check clock-bad 2 "$bnnc" "$root/examples/lenet_bin.bnn" --target host.bnn --clock 3cycles --report &&
    grep -q -- "--clock takes a frequency" err && ok || ko clock-bad
check clock-no-target 2 "$bnnc" "$root/examples/lenet_bin.bnn" --clock 1GHz && ok || ko clock-no-target
check bench-clock-host 0 "$bnnc" bench "$root/examples/mnist_mlp.bnn" --target host.bnn --clock host --reps 5 &&
    grep -Eq '^deviation  [+-][0-9]+\.[0-9]%: ' out && ok || ko bench-clock-host
# Usage.
check bench-no-target 2 "$bnnc" bench "$root/examples/lenet_bin.bnn" && ok || ko bench-no-target
check bench-reps 2 "$bnnc" bench "$root/examples/lenet_bin.bnn" --target host.bnn --reps 0 && ok || ko bench-reps
check reps-alone 2 "$bnnc" "$root/examples/lenet_bin.bnn" --reps 3 && ok || ko reps-alone
check calibrate-no-o 2 "$bnnc" calibrate && ok || ko calibrate-no-o
check calibrate-name 2 "$bnnc" calibrate -o x.bnn --name "1 2" && ok || ko calibrate-name
check calibrate-bad-dir 1 "$bnnc" calibrate -o nowhere/host.bnn && [ ! -e nowhere ] && ok || ko calibrate-bad-dir
check calibrate-help 0 "$bnnc" calibrate --help && grep -q 'usage: bnnc calibrate' out && ok || ko calibrate-help
check bench-help 0 "$bnnc" bench --help && grep -q '^usage: bnnc bench FILE --target T' out \
    && grep -q -- '--reps N' out && ! grep -q -- '--solve-fps' out && ok || ko "bench --help is bench's"
for opt in bench calibrate --reps; do
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$root/docs/bnnc.1" && ok || ko "man page lacks $opt"
done
"$bnnc" --help | grep -q 'bnnc bench' && "$bnnc" --help | grep -q 'bnnc calibrate' && ok || ko "--help"
summary measure
