#!/bin/sh
# memory.sh BNNC ROOT: the memory a layer takes to check and to report
# (docs/robustness.md section 2, "Memory per layer"). Peak resident memory
# (wait4's ru_maxrss) of a network of 100,000 `relu` layers and of 400,000;
# their difference over 300,000 is the bytes a layer takes, without what
# bnnc takes for any network. Measured at 2853fc3 (before issue 16): 1,218
# bytes a layer to check, 1,537 to report; now about 897 and 1,228. The
# bounds below sit between. Not run in a sanitizer build, whose allocator
# pads every block.
bnnc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") root=$2
py=/usr/bin/python3
. "$root/tests/cli/lib.sh"

layers() {
    awk -v n="$1" 'BEGIN {
        print "bnn 1;\nnetwork n {\n    input l0 : f32[4];"
        for (i = 1; i <= n; i++) printf "    l%d = relu(l%d);\n", i, i - 1
        printf "    output l%d;\n}\n", n }' > "r$1.bnn"
}
layers 100000
layers 400000

# per_layer LIMIT WHAT ARGS...: bytes a layer, at most LIMIT.
per_layer() {
    limit=$1 what=$2
    shift 2
    if "$py" - "$bnnc" "$limit" "$@" > out 2> err <<'PY'
import os, sys
bnnc, limit, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rss = {}
for n in (100000, 400000):
    pid = os.fork()
    if pid == 0:
        fd = os.open("/dev/null", os.O_WRONLY)
        os.dup2(fd, 1)
        os.execv(bnnc, [bnnc, "r%d.bnn" % n] + args)
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        sys.exit("bnnc r%d.bnn %s: status %d" % (n, " ".join(args), status))
    rss[n] = usage.ru_maxrss * 1024
per = (rss[400000] - rss[100000]) / 300000
print("%.0f bytes a layer (peak %d and %d bytes)" % (per, rss[100000], rss[400000]))
sys.exit(0 if per <= limit else 1)
PY
    then
        echo "$what: $(cat out)"; ok
    else
        ko "$what: $(cat out) $(cat err), more than $limit bytes a layer"
    fi
}
per_layer 1050 check
per_layer 1350 report --target cortex-a53 --report
summary cli.memory
