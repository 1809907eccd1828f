#!/bin/sh
# flags.sh BNNC ROOT: each command-line flag, its output and exit status,
# in a temporary folder (as a user would run them).
bnnc=$1 root=$2
. "$root/tests/cli/lib.sh"

printf 'bnn 1;\nnetwork n { input x : f32[4]; y = relu(x); output y; }\n' > ok.bnn
printf 'bnn 1;\nnetwork n { input x : f32[4]; y = relu(z); output y; }\n' > bad.bnn
mkdir -p inc lib
printf 'bnn 1;\nblock twice(v) { return relu(relu(v)); }\n' > lib/helpers.bnn
printf 'bnn 1;\nimport "helpers";\nnetwork n { input x : f32[4]; y = twice(x); output y; }\n' > uses.bnn

check help 0 "$bnnc" --help && grep -q '^usage: bnnc' out && grep -q -- '--dump-ir' out && ok || ko help
check help-short 0 "$bnnc" -h && grep -q '^usage: bnnc' out && ok || ko help-short
# Each subcommand once in the synopsis; calibrate with its --name.
check help-once 0 "$bnnc" --help && [ "$(grep -c '^ *\(usage: \)\?bnnc run ' out)" -eq 1 ] \
    && grep -q 'bnnc calibrate -o HOST.bnn \[--name NAME\]' out && ok || ko "--help: run once, calibrate --name"
check version 0 "$bnnc" --version && grep -Eq '^bnnc [0-9]+\.[0-9]+\.[0-9]+ ' out && ok || ko version
check valid 0 "$bnnc" ok.bnn && [ ! -s out ] && [ ! -s err ] && ok || ko "valid file is silent"
check invalid 1 "$bnnc" bad.bnn && grep -q "^bad.bnn:2:40: error: undefined name 'z'" err && ok || ko invalid
check no-file 2 "$bnnc" && grep -q "no input file" err && grep -q -- "--help" err && ok || ko no-file
check unknown-option 2 "$bnnc" --frobnicate ok.bnn && grep -q "^bnnc: error: unknown option '--frobnicate'$" err && ok || ko unknown-option
check option-near 2 "$bnnc" --reprot ok.bnn && grep -q "^bnnc: error: unknown option '--reprot'; did you mean '--report'?$" err && ok || ko option-near
check option-near-value 2 "$bnnc" --solve-fsp=60 ok.bnn && grep -q "unknown option '--solve-fsp=60'; did you mean '--solve-fps'?" err && ok || ko option-near-value
# The parser is getopt_long's, with what bnnc refuses kept refused: an
# abbreviated option, a value given to a flag, grouped short options, '--'.
check option-abbrev 2 "$bnnc" ok.bnn --repor && grep -q "^bnnc: error: unknown option '--repor'; did you mean '--report'?$" err && ok || ko option-abbrev
check flag-value 2 "$bnnc" ok.bnn --report=yes && grep -q "^bnnc: error: unknown option '--report=yes'; did you mean '--report'?$" err && ok || ko flag-value
check short-grouped 2 "$bnnc" ok.bnn -hO0 && [ ! -s out ] && grep -q "^bnnc: error: unknown option '-hO0'$" err && ok || ko short-grouped
check dash-dash 2 "$bnnc" -- ok.bnn && grep -q "^bnnc: error: unknown option '--'$" err && ok || ko dash-dash
check option-anywhere 0 "$bnnc" --dump-ir ok.bnn -O0 && grep -q '^network n {' out && ok || ko option-anywhere
check I-equals-value 0 "$bnnc" --color=never ok.bnn -Ilib --network=n && ok || ko I-equals-value
check calibrate-unknown 2 "$bnnc" calibrate --nme x && grep -q "^bnnc: error: unknown option '--nme'; did you mean '--name'?$" err \
    && grep -q "^Try 'bnnc calibrate --help'" err && ok || ko calibrate-unknown
check calibrate-operand 2 "$bnnc" calibrate x.bnn && grep -q "^bnnc: error: unknown argument 'x.bnn'$" err && ok || ko calibrate-operand
check calibrate-help-options 0 "$bnnc" calibrate --help && grep -q '^  --networks  ' out && grep -q '^  --source TEXT  ' out && ok || ko calibrate-help-options
check two-files 2 "$bnnc" ok.bnn bad.bnn && grep -q "more than one input file" err && ok || ko two-files
check missing-file 1 "$bnnc" nope.bnn && grep -q "cannot open 'nope.bnn'" err && ok || ko missing-file
check dir-as-file 1 "$bnnc" inc && ok || ko dir-as-file
check I-missing-arg 2 "$bnnc" ok.bnn -I && ok || ko I-missing-arg
check color-bad 2 "$bnnc" --color=sometimes ok.bnn && ok || ko color-bad
# Colour: never on a pipe, always when asked, never with NO_COLOR.
check no-color-pipe 1 "$bnnc" bad.bnn && ! grep -q "$(printf '\033')" err && ok || ko no-color-pipe
check color-always 1 "$bnnc" --color=always bad.bnn && grep -q "$(printf '\033')" err && ok || ko color-always
# Imports: -I DIR, -IDIR and BNNC_PATH.
check import-missing 1 "$bnnc" uses.bnn && grep -q "cannot find import 'helpers'" err && ok || ko import-missing
check import-I 0 "$bnnc" -I lib uses.bnn && ok || ko import-I
check import-Ijoined 0 "$bnnc" -Ilib uses.bnn && ok || ko import-Ijoined
check import-env 0 env BNNC_PATH="inc:$tmp/lib" "$bnnc" uses.bnn && ok || ko import-env
# Standard input.
if "$bnnc" - --dump-ir <ok.bnn >out 2>err && grep -q '%y : f32\[4\] = relu(%x)' out; then ok; else ko stdin; fi
if ! "$bnnc" - <bad.bnn >out 2>err && grep -q '^<stdin>:2:' err; then ok; else ko stdin-error; fi
# Diagnostics (docs/robustness.md, "Diagnostics: every error, in line
# order"): a missing version line does not hide the other errors, with a
# target (the catalog loaded after the file) or on standard input; the
# errors come in line order, whatever check found them.
printf 'network n { input x : f32[4]; y = relu(z); }\nnetwork m { input x : f32[4]; output x; }\n' > nover.bnn
check no-version 1 "$bnnc" nover.bnn --target rpi4b --report && [ ! -s out ] \
    && [ "$(grep -c ': error: ' err)" -eq 3 ] \
    && [ "$(grep ': error: ' err | cut -d: -f2,3 | tr '\n' ' ')" = "1:1 1:9 1:40 " ] \
    && ok || ko "no version line: every error, in line order"
if ! "$bnnc" - <nover.bnn >out 2>err && grep -q "^<stdin>:1:1: error: missing format version" err \
    && grep -q "^<stdin>:1:40: error: undefined name 'z'" err; then ok; else ko stdin-no-version; fi
printf 'target t { clock = 1 GHz; }\n' > nover_t.bnn
check no-version-target 1 "$bnnc" ok.bnn --target nover_t.bnn --report && [ ! -s out ] \
    && grep -q "^nover_t.bnn:1:1: error: missing format version" err && ok || ko no-version-target
printf 'bnn 2;\nnetwork n { y <- $; }\n' > v2.bnn
check version-2 1 "$bnnc" v2.bnn && [ "$(grep -c ': error: ' err)" -eq 1 ] \
    && grep -q "^v2.bnn:1:5: note: the rest of the file is not checked" err && ok || ko version-2

# --dump-ir prints the IR; --print-tables the language's tables.
check dump 0 "$bnnc" --dump-ir ok.bnn && grep -q '^network n {' out && ok || ko dump
check tables 0 "$bnnc" --print-tables && grep -q '^keyword network$' out && grep -q '^op bconv2d$' out \
    && grep -q '^unit GHz$' out && grep -q '^attr padding$' out && ok || ko tables
# The man page exists and names every option of --help.
for opt in --dump-ir --print-tables --color --version; do
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$root/docs/bnnc.1" && ok || ko "man page lacks $opt"
done

# An option a command takes once is an error the second time (cli_parse,
# CliOpt.once), before anything is read or written; bnnc's own options
# take the later value.
for cmd in "run ok.bnn --weights a.st --weights b.st|bnnc run|--weights" \
           "run ok.bnn --output a.npy --output=b.npy|bnnc run|--output" \
           "import m.onnx -o d1 -o d2|bnnc import|-o" \
           "weights ok.bnn --template a.st --template b.st|bnnc weights|--template" \
           "calibrate --from c.txt --target host -o a.bnn -o=b.bnn|bnnc calibrate|-o"; do
    args=${cmd%%|*} rest=${cmd#*|} sub=${rest%%|*} opt=${rest#*|}
    # shellcheck disable=SC2086
    check "$sub $opt twice" 2 "$bnnc" $args && [ ! -s out ] \
        && [ "$(head -1 err)" = "bnnc: error: $opt is given twice" ] \
        && grep -q "^Try '$sub --help' for more information.$" err \
        && [ ! -e d1 ] && [ ! -e d2 ] && [ ! -e a.st ] && [ ! -e b.st ] && [ ! -e a.bnn ] \
        && ok || ko "$sub $opt twice"
done
check "bnnc --format twice" 0 "$bnnc" ok.bnn --target zen4 --report --format json --format text \
    && grep -q '^network n' out && ok || ko "bnnc --format twice: the later wins"

summary flags
