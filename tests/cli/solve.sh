#!/bin/sh
# solve.sh BNNC ROOT: the inverse task (--solve-fps) on small models and
# synthetic targets whose answers are computed by hand below, the three
# ways of giving the model, the constraints, the ranking and the exit
# status. Run in a temporary folder.
bnnc=$1 root=$2
py=/usr/bin/python3
. "$root/tests/cli/lib.sh"
# jq-like assertions on out (JSON): pyassert 'EXPRESSION over d'
pyassert() {
    $py -c "import json,sys; d=json.load(open('out')); sys.exit(0 if ($1) else 1)"
}

# Model: one binary dense layer, N = 64 inputs, 32 units, on W = 32 bits:
#   words = ceil(64/32) = 2, XNOROP = 32 x 2 = 64,
#   c_x = (1 + 1 + 1) / 1 = 3 -> 192 cycles; plus 32 outputs x add 1 = 32:
#   224 cycles per inference (one level, the fastest: no memory term).
# Footprint: weights 32 x 2 x 4 B = 256 B; arena: input b1[64] = 8 B -> 16
#   (aligned), output i32[32] = 128 B, both alive at once: 144 B.
#   Model total 256 + 144 = 400 B.
mkdir m && cd m || exit 2
cat > dense.bnn <<'BNN'
bnn 1;
network d {
    input x : b1[64];
    y = bdense(x, units = 32);
    output y;
}
BNN
cd ..
cat > targets.bnn <<'BNN'
bnn 1;
# exact: 224 cycles at 224 kHz = 1 ms: exactly 1000/s.
target exact {
    class = mcu; clock = 224 kHz; word = 32 bits;
    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; add = 1 cycle; }
    memory { sram { size = 64 KiB; } }
    price = 10 USD; power = 1 W;
}
# fast: 2000/s, margin 2.
target fast : exact { clock = 448 kHz; price = 20 USD; power = 3 W; }
# slow: 500/s, 2x short; 224 kHz would do, or 2 cores at 112 kHz
# (224 / (112000 x 2 x efficiency 1) = 1 ms).
target slow : exact { clock = 112 kHz; price = 5 USD; power = 0.5 W; }
# tiny: fast enough, but 400 B does not fit its largest memory, 64 B: 336 B over.
target tiny : exact {
    clock = 448 kHz;
    memory { l1 { size = 32 B; } sram { size = 64 B; } }
}
# broken: no word size: listed as incomplete.
target broken { clock = 1 GHz; }
# big: an application core, filtered out by --class mcu.
target big : exact { class = application; clock = 1 GHz; }
BNN
s="--no-catalog --targets targets.bnn"
d=m/dense.bnn

check exact-rate 0 "$bnnc" $d --solve-fps 1000 $s --format json && pyassert '
    [e["target"] for e in d["feasible"]] == ["big", "fast", "exact"] and
    d["feasible"][2]["rate_per_s"] == 1000 and d["feasible"][2]["margin"] == 1 and
    d["feasible"][1]["margin"] == 2 and d["feasible"][2]["fewest_threads"] == 1 and
    d["feasible"][2]["headroom_bytes"] == 65536 - 400 and d["feasible"][2]["headroom_level"] == "sram" and
    d["searched"] == 6 and d["qualifying"] == 3' && ok || ko "a target exactly at the rate qualifies"
check slow-why 0 "$bnnc" $d --solve-fps 1000 $s --format json && pyassert '
    [r for r in d["rejected"] if r["target"] == "slow"][0]["reasons"] == [
        {"kind": "compute", "shortfall": 2.0, "min_clock_hz": 224000.0, "max_clock_hz": None,
         "min_cores": 2}]' \
    && ok || ko "slow: 2x short, 224 kHz or 2 cores"
check tiny-why 0 "$bnnc" $d --solve-fps 1000 $s --format json && pyassert '
    [r for r in d["rejected"] if r["target"] == "tiny"][0]["reasons"] == [
        {"kind": "memory", "what": "model", "level": "sram", "need_bytes": 400,
         "have_bytes": 64.0, "over_bytes": 336.0}]' && ok || ko "tiny: larger than every memory, 336 B over"
check broken 0 "$bnnc" $d --solve-fps 1000 $s --format json && pyassert '
    d["rejected"][-1]["target"] == "broken" and d["rejected"][-1]["reasons"][0]["kind"] == "incomplete"
    and "word" in d["rejected"][-1]["reasons"][0]["message"]' && ok || ko "incomplete target listed last"
check class 0 "$bnnc" $d --solve-fps 1000 $s --class mcu --format json && pyassert '
    d["filtered"] == 1 and "big" not in [e["target"] for e in d["feasible"] + d["rejected"]]' \
    && ok || ko "--class mcu leaves the application core out"
check rank-price 0 "$bnnc" $d --solve-fps 1000 $s --class mcu --rank price --format json \
    && pyassert '[e["target"] for e in d["feasible"]] == ["exact", "fast"]' && ok || ko rank-price
check rank-power 0 "$bnnc" $d --solve-fps 1000 $s --class mcu --rank power \
    && grep -A3 '^feasible, ranked by power:' out | sed -n 3p | grep -q '^  exact ' && ok || ko rank-power
check max-price 0 "$bnnc" $d --solve-fps 1000 $s --class mcu --max-price 15 --format json && pyassert '
    [e["target"] for e in d["feasible"]] == ["exact"] and
    {"kind": "price", "limit": 15.0, "value": 20.0} in [r for r in d["rejected"] if r["target"] == "fast"][0]["reasons"]' \
    && ok || ko max-price
check max-power-none 3 "$bnnc" $d --solve-fps 1000 $s --class mcu --max-power 0.8 && grep -q ': 0 reach it, 5 do not' out \
    && grep -q 'power 1 W over --max-power 0.8 W' out && ok || ko "no target qualifies: exit 3"
check too-fast 3 "$bnnc" $d --solve-fps 5000 $s --class mcu && grep -q 'fast (mcu, 448 kHz, 1 core)' out \
    && grep -q '2.5x short of 5000' out && ok || ko "5000/s: none"
check threads-fixed 0 "$bnnc" $d --solve-fps 1000 $s --threads 1 --format json && pyassert 'd["threads"] == 1' && ok || ko threads-fixed
check text 0 "$bnnc" $d --solve-fps 1000 $s && grep -q '^network d must reach 1000 inferences per second' out \
    && grep -q '^searched 6 targets: 3 reach it, 3 do not$' out \
    && grep -q 'would reach it at a clock of 224 kHz (it has 112 kHz), or with 2 cores at 112 kHz (it has 1)' out \
    && grep -q 'does not fit: model 400 B in sram (64 B), 336 B over' out && ok || ko text

# Compression: one 3x3 binary conv over 64 channels, one output, W = 32:
# kernel packing 64 x ceil(9/32) = 64 words, channel/dense 9 x 2 = 18 words.
# Cycles 18 x 3 + 1 = 55 compressed (1 ms at 55 kHz), 64 x 3 + 1 = 193 not.
cat > conv.bnn <<'BNN'
bnn 1;
network c { input x : b1[3, 3, 64]; y = bconv2d(x, filters = 1, kernel = 3); output y; }
target c55 {
    clock = 55 kHz; word = 32 bits;
    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; add = 1 cycle; }
    memory { sram { size = 64 KiB; } }
}
BNN
check compressed 0 "$bnnc" conv.bnn --solve-fps 1000 --no-catalog && grep -q '^  c55 ' out && ok || ko "compressed conv reaches 1000/s"
check uncompressed 3 "$bnnc" conv.bnn --solve-fps 1000 --no-catalog -fno-compress --format json && pyassert '
    d["rejected"][0]["compression_would_fix"] is True and abs(d["rejected"][0]["rate_per_s"] - 55000 / 193) < 1e-9' \
    && ok || ko "with compression off, compression would fix it"
check uncompressed-text 3 "$bnnc" conv.bnn --solve-fps 1000 --no-catalog -fno-compress \
    && grep -q 'turning compression on (-fcompress) would make it feasible' out && ok || ko uncompressed-text

# max_clock: 'slow' at 112 kHz needs 224 kHz; declared a family maximum of
# 150 kHz, the suggestion says that it is beyond it.
cat > capped.bnn <<'BNN'
bnn 1;
import "targets.bnn";
target capped : slow { max_clock = 150 kHz; }
BNN
check max-clock 0 "$bnnc" $d --solve-fps 1000 --no-catalog --targets capped.bnn --class mcu && grep -A3 '^  capped ' out \
    | grep -q 'would need a clock of 224 kHz, beyond the 150 kHz its family offers (it has 112 kHz); would reach it with 2 cores at 112 kHz (it has 1)' \
    && ok || ko "max_clock: a clock beyond it is not suggested"
check max-clock-json 0 "$bnnc" $d --solve-fps 1000 --no-catalog --targets capped.bnn --class mcu --format json && pyassert '
    [r for r in d["rejected"] if r["target"] == "capped"][0]["reasons"] == [
        {"kind": "compute", "shortfall": 2.0, "min_clock_hz": 224000.0, "max_clock_hz": 150000.0, "min_cores": 2}]' \
    && ok || ko max-clock-json
# One number style: a margin of 2000 is 2000x, not 2e+03x.
check margin-style 0 "$bnnc" $d --solve-fps 1 $s --class mcu && grep -q ' 2000x ' out && ! grep -q 'e+0' out \
    && ok || ko "margin without an exponent"

# The three ways of giving the model.
check file 0 "$bnnc" $d --solve-fps 1000 $s && ok || ko "FILE given"
if "$bnnc" --solve-fps 1000 $s < $d > out 2>err && grep -q '^network d must reach' out; then ok; else ko "model piped on stdin"; fi
if cat $d | "$bnnc" --solve-fps 1000 $s > out 2>err && grep -q '^network d must reach' out; then ok; else ko "model from a pipe"; fi
(cd m && check folder 0 "$bnnc" --solve-fps 1000 --no-catalog --targets ../targets.bnn && grep -q '^network d must reach' out) && ok || ko "the one .bnn in the folder"
mkdir two && cp $d two/a.bnn && cp $d two/b.bnn
(cd two && check folder-two 1 "$bnnc" --solve-fps 1000 && grep -q "this folder holds 2 .bnn files ('a.bnn', 'b.bnn'); name the model to use" err) && ok || ko "two candidates named"
mkdir none
(cd none && check folder-none 1 "$bnnc" --solve-fps 1000 && grep -q "no model: name a .bnn file" err) && ok || ko "no candidate"
# The standard catalog is searched by default; --targets takes a folder.
check catalog 0 "$bnnc" "$root/examples/lenet_bin.bnn" --solve-fps 10 --format json && pyassert '
    d["searched"] >= 15 and "cortex-a53" in [e["target"] for e in d["feasible"] + d["rejected"]]' && ok || ko catalog
mkdir tdir && cp targets.bnn tdir/
check targets-dir 0 "$bnnc" $d --solve-fps 1000 --no-catalog --targets tdir --format json && pyassert 'd["searched"] == 6' && ok || ko targets-dir
check targets-missing 1 "$bnnc" $d --solve-fps 1000 --targets nope.bnn && grep -q "cannot open 'nope.bnn'" err && ok || ko targets-missing
# Usage errors.
check fps-zero 2 "$bnnc" $d --solve-fps 0 && ok || ko fps-zero
check fps-word 2 "$bnnc" $d --solve-fps fast && ok || ko fps-word
check rank-bad 2 "$bnnc" $d --solve-fps 10 --rank cost && ok || ko rank-bad
check class-bad 2 "$bnnc" $d --solve-fps 10 --class gpu && grep -q "not 'gpu'" err && ok || ko class-bad
check price-bad 2 "$bnnc" $d --solve-fps 10 --max-price -3 && ok || ko price-bad
check with-target 2 "$bnnc" $d --solve-fps 10 --target exact && ok || ko "solve with --target"
check rank-alone 2 "$bnnc" $d --rank price && ok || ko "rank without solve"
# The man page and --help name every option of the inverse task.
for opt in --solve-fps --targets --no-catalog --rank --class --max-price --max-power; do
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$root/docs/bnnc.1" && ok || ko "man page lacks $opt"
    "$bnnc" --help | grep -q -- "$opt" && ok || ko "--help lacks $opt"
done
# The JSON answer validates against its schema.
"$bnnc" $d --solve-fps 1000 $s --format json > s1.json
"$bnnc" conv.bnn --solve-fps 1000 --no-catalog -fno-compress --format json > s2.json
"$bnnc" "$root/examples/quicknet.bnn" --solve-fps 30 --max-price 100 --format json > s3.json
$py "$root/tests/cli/validate_json.py" "$root/docs/solve-schema.json" s1.json s2.json s3.json && ok || ko "solve JSON schema"

summary solve
