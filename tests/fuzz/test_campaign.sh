#!/bin/sh
# test_campaign.sh: checks campaign.sh on the fastest harness (npy) with
# two-second chunks: a campaign of 1 execution records exactly one chunk
# with executions in its ledger; asked for more, it runs no chunk while
# WORK/stop exists, and removes the file; an existing ledger goes on where
# it stopped. Uses BNNC_FUZZ_BUILD like run.sh; works in a fresh folder.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BNNC_FUZZ_BUILD:-$root/build-fuzz}
work=$build/test-campaign
rm -rf "$work"
fail() { echo "test_campaign: $*" >&2; exit 1; }
rows() { awk -F'\t' '$2 == "npy"' "$work/ledger.tsv" | wc -l; }
camp() { BNNC_FUZZ_BUILD=$build BNNC_FUZZ_WORK=$work sh "$root/tests/fuzz/campaign.sh" "$@"; }

camp 1 2 npy >"$work.out"
[ "$(rows)" -eq 1 ] || fail "one chunk wanted, ledger: $(cat "$work/ledger.tsv")"
awk -F'\t' '$2 == "npy" && $4 == 2 && $5 > 0 && $10 == "ok" { ok = 1 } END { exit !ok }' \
    "$work/ledger.tsv" || fail "bad ledger line: $(cat "$work/ledger.tsv")"
grep -q '^npy  *[1-9][0-9]*  *1$' "$work.out" || fail "bad totals: $(cat "$work.out")"

# Already at 1 execution: a second campaign of 1 runs nothing.
camp 1 2 npy >"$work.out"
[ "$(rows)" -eq 1 ] || fail "a finished campaign ran again"

# Stopped before its first chunk.
touch "$work/stop"
camp 1000000000000 2 npy >"$work.out" &
pid=$!
# A campaign that ignored the file would run for ever: give it 60 s.
n=0
while kill -0 "$pid" 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -le 60 ] || { kill "$pid"; pkill -f "$work/corpus" || true; fail "WORK/stop ignored"; }
    sleep 1
done
wait "$pid"
[ "$(rows)" -eq 1 ] || fail "ran a chunk although WORK/stop existed"
[ ! -e "$work/stop" ] || fail "WORK/stop not removed"
grep -q '^stopped:' "$work.out" || fail "no 'stopped' line: $(cat "$work.out")"
rm -rf "$work" "$work.out"
echo "test_campaign: ok"
