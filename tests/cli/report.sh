#!/bin/sh
# report.sh BNNC ROOT: the forward-task options (--target, --report,
# --format, --threads, --memory-model, --explain, --network, --list-targets,
# the pass flags), their output and exit status, run in a temporary folder.
bnnc=$1 root=$2
. "$root/tests/cli/lib.sh"

q=$root/examples/quicknet.bnn
l=$root/examples/lenet_bin.bnn
# A network with its own target, and a board file with one leaf target.
cat > own.bnn <<'BNN'
bnn 1;
network n {
    input x : f32[64];
    s = sign(x);
    y = bdense(s, units = 32);
    output y;
}
target board {
    clock = 100 MHz; word = 32 bits;
    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }
    memory { sram { size = 64 KiB; } }
}
BNN
cat > host.bnn <<'BNN'
bnn 1;
import "std/targets";
target myboard : cortex-m4 { clock = 100 MHz; }
BNN
cat > two.bnn <<'BNN'
bnn 1;
import "std/targets";
target a : cortex-m4 { clock = 100 MHz; }
target b : cortex-m4 { clock = 50 MHz; }
BNN
# The program's own 'cortex-a53' wins over the catalog's.
cat > shadow.bnn <<'BNN'
bnn 1;
network n { input x : f32[64]; y = bdense(sign(x), units = 64); output y; }
target cortex-a53 {
    clock = 2 GHz; word = 64 bits;
    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }
}
BNN
cat > nets.bnn <<'BNN'
bnn 1;
network a { input x : f32[8]; y = dense(x, units = 4); output y; }
network b { input x : f32[8]; y = dense(x, units = 2); output y; }
BNN
printf 'bnn 1;\ntarget t { clock = 1 GHz; }\nnetwork n { input x : f32[4]; y = relu(x); output y; }\n' > nocost.bnn

# The README's main command.
check main 0 "$bnnc" "$q" --target cortex-a53 --report && grep -q '^network quicknet on target cortex-a53: 1 thread, memory model lxnorop$' out \
    && grep -Eq '^  rate +[0-9.]+ inferences per second$' out && grep -q '^  compression    XNOROP' out \
    && grep -q '^  fits           model' out && [ ! -s err ] && ok || ko main
check target-only 0 "$bnnc" "$q" --target cortex-a53 && [ ! -s out ] \
    && grep -q "^bnnc: note: '.*quicknet.bnn' and target 'cortex-a53' are valid; --target has no other effect without --report" err \
    && ok || ko "--target alone checks, and says so"
check target-only-bad 1 "$bnnc" "$q" --target nosuch && grep -q "unknown target 'nosuch'" err && ok || ko "--target alone: an unknown target"
check network-check 1 "$bnnc" "$q" --network nosuch && grep -q "^bnnc: error: no network called 'nosuch'" err \
    && ok || ko "--network: an unknown network on a plain check"
check network-check-ok 0 "$bnnc" nets.bnn --network b && [ ! -s out ] && [ ! -s err ] && ok || ko "--network b on a plain check"
check report-needs-target 2 "$bnnc" "$q" --report && grep -q -- "--report needs --target" err && ok || ko report-needs-target
check explain-needs-target 2 "$bnnc" "$q" --explain c0 && ok || ko explain-needs-target
check unknown-target 1 "$bnnc" "$q" --target cortex-a35 --report && grep -q "unknown target 'cortex-a35'" err && ok || ko unknown-target
check unknown-target-near 1 "$bnnc" "$q" --target Cortex-A53 --report && grep -q "unknown target 'Cortex-A53' (did you mean 'cortex-a53'?)" err && ok || ko unknown-target-near
check unknown-target-far 1 "$bnnc" "$q" --target zzz --report && grep -q "^bnnc: error: unknown target 'zzz'; 'bnnc --list-targets' prints the catalog$" err && ok || ko unknown-target-far
check target-missing-value 2 "$bnnc" "$q" --report --target && grep -q "option '--target' needs a value" err && ok || ko target-missing-value
check target-equals 0 "$bnnc" "$q" --report --target=rpi4b && grep -q 'on target rpi4b' out && ok || ko target-equals
check own-target 0 "$bnnc" own.bnn --target board --report && grep -q 'on target board' out && ok || ko own-target
check target-file 0 "$bnnc" "$l" --target host.bnn --report && grep -q 'on target myboard' out && grep -q '100 MHz' out && ok || ko target-file
check target-file-two 0 "$bnnc" "$l" --target two.bnn --report && grep -q 'on target a:' out && ok || ko "a file stands for its first target"
check target-file-name 0 "$bnnc" "$l" --target two.bnn:b --report && grep -q 'on target b:' out && grep -q '50 MHz' out && ok || ko "FILE:NAME"
check target-file-noname 1 "$bnnc" "$l" --target two.bnn:c --report && grep -q "'two.bnn' declares no target called 'c'" err && ok || ko "FILE:NAME unknown"
check target-file-missing 1 "$bnnc" "$l" --target ./nope.bnn --report && grep -q "cannot open './nope.bnn'" err && ok || ko target-file-missing
check shadow 0 "$bnnc" shadow.bnn --target cortex-a53 --report && grep -q '2 GHz' out && ok || ko "own target shadows the catalog"
check target-incomplete 1 "$bnnc" nocost.bnn --target t --report && grep -q "target 't' does not set 'word', which the cost model needs" err && ok || ko target-incomplete
check two-networks 1 "$bnnc" nets.bnn --target cortex-m4 --report && grep -q "declares 2 networks; choose one with --network" err && ok || ko two-networks
check network 0 "$bnnc" nets.bnn --target cortex-m4 --report --network b && grep -q '^network b on' out && ok || ko network
check network-near 1 "$bnnc" "$root/examples/mnist_mlp.bnn" --target cortex-m4 --report --network mnist_mpl && grep -q "no network called 'mnist_mpl'; did you mean 'mnist_mlp'?" err && ok || ko network-near
check network-unknown 1 "$bnnc" nets.bnn --target cortex-m4 --report --network c && grep -q "^bnnc: error: no network called 'c'$" err && ok || ko network-unknown
# --format
check json 0 "$bnnc" "$l" --target stm32f4 --report --format json && /usr/bin/python3 -m json.tool out >/dev/null && ok || ko json
check format-bad 2 "$bnnc" "$l" --target stm32f4 --report --format xml && grep -q "^bnnc: error: --format takes text, json, html or csv, not 'xml'$" err && ok || ko format-bad
check json-needs-report 2 "$bnnc" "$l" --target stm32f4 --format json && ok || ko json-needs-report
# --threads: stated in the report; the cores bound it.
check threads 0 "$bnnc" "$q" --target cortex-a53 --report --threads 2 && grep -q ': 2 threads,' out && ok || ko threads
check threads-capped 0 "$bnnc" "$q" --target cortex-a53 --report --threads 64 && grep -q ': 4 threads,' out && ok || ko threads-capped
check threads-zero 2 "$bnnc" "$q" --target cortex-a53 --report --threads 0 && ok || ko threads-zero
check threads-word 2 "$bnnc" "$q" --target cortex-a53 --report --threads two && ok || ko threads-word
# More threads: less time.
"$bnnc" "$q" --target cortex-a53 --report --format json > one.json
"$bnnc" "$q" --target cortex-a53 --report --format json --threads 4 > four.json
/usr/bin/python3 - one.json four.json <<'PY' && ok || ko "4 threads faster than 1"
import json, sys
a, b = (json.load(open(p))["totals"]["latency_s"] for p in sys.argv[1:])
sys.exit(0 if b < a else 1)
PY
# --memory-model
check roofline 0 "$bnnc" "$q" --target cortex-a53 --report --memory-model roofline && grep -q 'memory model roofline' out && ok || ko roofline
check model-bad 2 "$bnnc" "$q" --target cortex-a53 --report --memory-model cache && ok || ko model-bad
# --explain
check explain 0 "$bnnc" "$q" --target cortex-a53 --explain r1.0.c && grep -q '^  XNOROP              = outputs x words = 200704 x 9 = 1806336$' out && ok || ko explain
check explain-unknown 1 "$bnnc" "$q" --target cortex-a53 --explain nope && grep -q "network 'quicknet' has no layer called 'nope'" err && ok || ko explain-unknown
# Passes: compression off leaves kernel packing; -O0 turns everything off.
check no-compress 0 "$bnnc" "$q" --target cortex-a53 --report -fno-compress && grep -q 'XNOROP 206 M -> 206 M (unchanged)' out && ok || ko no-compress
check O0 0 "$bnnc" "$l" --target stm32f4 --report -O0 && grep -q ' batchnorm ' out && ! grep -q threshold out && grep -q '(unchanged)' out && ok || ko O0
check O0-fcompress 0 "$bnnc" "$l" --target stm32f4 --report -O0 -fcompress && grep -q 'XNOROP 147 k -> 119 k' out && ok || ko O0-fcompress
check fuse 0 "$bnnc" "$l" --target stm32f4 --report && grep -q ' threshold ' out && ok || ko fuse
check pass-bad 2 "$bnnc" "$l" -fno-frobnicate && grep -q "unknown pass 'frobnicate'" err && ok || ko pass-bad
check dump-after-bad 2 "$bnnc" "$l" --dump-ir-after=nope && ok || ko dump-after-bad
check dump-after 0 "$bnnc" "$l" --dump-ir-after=dce && grep -q 'sign(%a1.batchnorm)' out && ok || ko dump-after
# --list-targets: the catalog, and the file's own targets with it.
check list 0 "$bnnc" --list-targets && [ "$(grep -c . out)" -ge 16 ] && grep -q '^cortex-a53 ' out && grep -q '^rp2040 ' out && ok || ko list
check list-file 0 "$bnnc" --list-targets own.bnn && grep -q '^board ' out && grep -q '^zen4 ' out && ok || ko list-file
# --explain of a layer a pass folded or removed says what became of it.
check explain-folded 0 "$bnnc" "$l" --target stm32f4 --explain a1.batchnorm \
    && grep -q '^layer a1.batchnorm: folded into a1 (a threshold) by the pass fuse-bn-sign' out \
    && grep -q '^layer a1: threshold -> b1\[12,12,32\] on stm32f4' out && ok || ko explain-folded
printf 'bnn 1;\nnetwork n { input x : f32[4]; u = relu(x); y = dense(x, units = 2); output y; }\n' > dead.bnn
check explain-removed 1 "$bnnc" dead.bnn --target stm32f4 --explain u \
    && grep -q "^bnnc: error: layer 'u' of network 'n' was removed by the pass dce: its value reaches no output (-fno-dce keeps it)$" err \
    && ok || ko explain-removed
check explain-kept 0 "$bnnc" dead.bnn --target stm32f4 --explain u -fno-dce && grep -q '^layer u: relu' out && ok || ko explain-kept
# --explain's figures never take an exponent (168000000, not 1.68e+08).
check explain-digits 0 "$bnnc" "$l" --target stm32f4 --explain a1 && grep -q '(168000000 x 1 x 1)' out \
    && ! grep -q 'e+0' out && ok || ko explain-digits

# max_clock: a declared clock above it is an error at the clock; --clock
# beyond it is a what-if the header points out.
cat > maxclk.bnn <<'BNN'
bnn 1;
import "std/targets";
target fast : stm32f4 { clock = 200 MHz; }
target ok : cortex-m4 { clock = 100 MHz; max_clock = 100 MHz; }
BNN
check max-clock 1 "$bnnc" "$l" --target maxclk.bnn:fast --report \
    && grep -q "maxclk.bnn:3:33: error: 'clock' 200 MHz is above the target's 'max_clock' 180 MHz" err \
    && ok || ko "clock above max_clock"
check max-clock-ok 0 "$bnnc" "$l" --target maxclk.bnn:ok --report && grep -q ', 100 MHz, 1 core' out && ok || ko max-clock-ok
check max-clock-flag 0 "$bnnc" "$l" --target stm32f4 --clock 300MHz --report \
    && grep -q '^target: mcu, 300 MHz (above its max_clock, 180 MHz), 1 core' out && ok || ko "--clock above max_clock"
check max-clock-json 0 "$bnnc" "$l" --target stm32f4 --report --format json && /usr/bin/python3 -c '
import json; d = json.load(open("out")); assert d["target"]["max_clock_hz"] == 180e6' && ok || ko max-clock-json

# The man page and --help name every option.
for opt in --target --report --format --output --threads --memory-model --explain --network --list-targets --dump-ir-after -fno-; do
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$root/docs/bnnc.1" && ok || ko "man page lacks $opt"
    "$bnnc" --help | grep -q -- "$opt" && ok || ko "--help lacks $opt"
done

summary report
