#!/bin/sh
# inputs.sh BNNC ROOT: what bnnc reads (docs/robustness.md section 2,
# docs/weights.md): the main .bnn file, its imports, the weights and the
# .npy inputs of `bnnc run` are regular files; a folder, a device
# (/dev/zero), a FIFO is refused at once, saying what it is (the main
# file may be a FIFO, read within the bound of standard input). Every read
# is bounded by what the header and the network allow: a header that
# announces more than the network can use, or a file longer than that, is
# refused before its data is read. NaN and infinities are refused in float
# inputs. Each command runs under `timeout 10`, so that a regression (an
# endless read of /dev/zero, an open that waits for a FIFO's writer) fails
# instead of hanging.
bnnc=$1 root=$2
tool="$(cd "$(dirname "$0")" && pwd)/npy_tool.py"
py=/usr/bin/python3
. "$root/tests/cli/lib.sh"

# expect NAME WANT_RC TEXT COMMAND...: exits WANT_RC within 10 s with TEXT
# (a fixed string) on standard error.
expect() {
    name=$1 want=$2 text=$3
    shift 3
    if check "$name" "$want" timeout 10 "$@" && grep -qF -- "$text" err; then
        ok
    else
        ko "$name (want \"$text\")"
        sed 's/^/  err: /' err | head -5
    fi
}

cat >mine.bnn <<'EOF'
bnn 1;
network mine {
    input x : f32[2];
    y = dense(x, units = 2);
    z = relu(batchnorm(y));
    output z;
}
EOF
$py "$tool" safetensors w.safetensors y.weight:F32:2,2:2,-1,3,0.5 \
    z.batchnorm.gamma:F32:2:2,2 z.batchnorm.beta:F32:2:1,1 z.batchnorm.mean:F32:2:3,3 \
    z.batchnorm.variance:F32:2:0.999,0.999 || ko "npy_tool safetensors"
$py "$tool" write x.npy '<f4' 2 1 2
check good 0 timeout 10 "$bnnc" run mine.bnn --weights w.safetensors --input x.npy \
    --output z.npy && ok || ko "the good run"
mkfifo fifo fifo.bnn || { ko "mkfifo"; summary inputs; exit 1; }
mkdir folder lib.bnn

# The main file.
expect main-folder 1 "'folder' is a folder, not a .bnn file" "$bnnc" folder
expect main-device 1 "'/dev/zero' is a device, not a .bnn file" "$bnnc" /dev/zero
# A pipe named on the command line is read like standard input (bnnc
# <(gen)), within the same bound; an import that is a pipe is refused below.
(cat mine.bnn >fifo.bnn &)
check main-fifo 0 timeout 10 "$bnnc" fifo.bnn && ok || ko "the main file from a FIFO"
# Standard input is still read, and still bounded.
check stdin 0 timeout 10 sh -c "\"\$0\" - <mine.bnn" "$bnnc" && ok || ko "bnnc - < FILE"
expect stdin-zero 1 "cannot read '<stdin>': file is larger than 64 MiB" \
    sh -c "\"\$0\" - </dev/zero" "$bnnc"

# Imports: each says what it found, at the import.
cat >imports.bnn <<'EOF'
bnn 1;
import "lib";
import "fifo";
import "/dev/zero";
import "folder";
network n { input x : f32[2]; y = relu(x); output y; }
EOF
expect import-folder 1 "imports.bnn:2:8: error: 'lib.bnn' is a folder, not a .bnn file" \
    "$bnnc" imports.bnn
expect import-fifo 1 "imports.bnn:3:8: error: 'fifo.bnn' is a pipe (FIFO), not a .bnn file" \
    "$bnnc" imports.bnn
expect import-device 1 "imports.bnn:4:8: error: '/dev/zero' is a device, not a .bnn file" \
    "$bnnc" imports.bnn
expect import-bare-folder 1 "imports.bnn:5:8: error: 'folder' is a folder, not a .bnn file" \
    "$bnnc" imports.bnn
grep -q "cannot find import" err && ko "'cannot find import' for a file that is there" || ok
# A regular file of the name along the search path still wins.
mkdir -p inc && cp mine.bnn inc/lib.bnn && sed -i 's/network mine/network lib/' inc/lib.bnn
printf 'bnn 1;\nimport "lib";\nnetwork n { input x : f32[2]; y = relu(x); output y; }\n' >uses.bnn
check import-search 0 timeout 10 "$bnnc" -I inc uses.bnn && ok || ko "a file on the search path"

# Weights: not a regular file.
for w in /dev/zero fifo folder; do
    kind=$(case $w in /dev/zero) echo "a device" ;; fifo) echo "a pipe (FIFO)" ;; *) echo "a folder" ;; esac)
    expect "weights-$w" 1 "'$w' is $kind, not a safetensors file" \
        "$bnnc" run mine.bnn --weights "$w" --input x.npy --output o.npy
    expect "emit-weights-$w" 1 "'$w' is $kind, not a safetensors file" \
        "$bnnc" mine.bnn --target cortex-m7 --emit c -o out --weights "$w"
done
# Inputs: not a regular file.
for i in /dev/zero fifo folder; do
    kind=$(case $i in /dev/zero) echo "a device" ;; fifo) echo "a pipe (FIFO)" ;; *) echo "a folder" ;; esac)
    expect "input-$i" 1 "'$i' is $kind, not a .npy file" \
        "$bnnc" run mine.bnn --weights w.safetensors --input "$i" --output o.npy
done

# Bounded: a header that announces more than the network can use, or a
# file longer than its header and the network allow, is refused before its
# data is read.
$py - <<'EOF'
import struct
def st(path, header, data):
    h = header.encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)
# the good tensors, then 1 MB more
good = open("w.safetensors", "rb").read()
open("tail.safetensors", "wb").write(good + b"\0" * 1000000)
# a header length of 2^40 bytes
open("header.safetensors", "wb").write(struct.pack("<Q", 1 << 40) + b"{}")
def npy(path, descr, shape, data):
    d = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, shape)
    d += " " * ((64 - (10 + len(d) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + data)
npy("huge.npy", "<f4", "1000000000,", b"")
npy("nan.npy", "<f4", "2,", struct.pack("<2f", 1, float("nan")))
npy("inf.npy", "<f4", "2,", struct.pack("<2f", float("-inf"), 1))
npy("sparse.npy", "<f4", "2,", struct.pack("<2f", 1, 2))
EOF
cp w.safetensors sparse.safetensors
# 4 GiB of nothing on disk (a sparse file): read whole, it would take 4 GiB.
truncate -s 4G sparse.safetensors sparse.npy || ko "truncate"
expect weights-tail 1 "'tail.safetensors' has 1000048 bytes of data after its header" \
    "$bnnc" run mine.bnn --weights tail.safetensors --input x.npy --output o.npy
grep -qF "the parameters of network 'mine' take at most 48 bytes (every tensor as F32)" err &&
    ok || ko "weights-tail: the network's bound"
expect weights-header 1 "'header.safetensors' has a header of 1099511627776 bytes, more than the 100 MB safetensors allows" \
    "$bnnc" run mine.bnn --weights header.safetensors --input x.npy --output o.npy
expect input-huge 1 "'huge.npy' has shape [1000000000]; input 'x' is f32[2]" \
    "$bnnc" run mine.bnn --weights w.safetensors --input huge.npy --output o.npy
# With at most 1 GB of address space the old reader ran out of memory
# (exit 70); now these fail at once. Not under valgrind or a sanitizer,
# which need the address space themselves.
if (ulimit -v 1000000 && "$bnnc" --version) >/dev/null 2>&1; then
    limit="ulimit -v 1000000;"
else
    limit=""
fi
expect weights-sparse 1 "'sparse.safetensors' has" \
    sh -c "$limit \"\$0\" run mine.bnn --weights sparse.safetensors --input x.npy --output o.npy" "$bnnc"
grep -qF "bytes of data after its header; the parameters of network 'mine' take at most 48 bytes" err &&
    ok || ko "weights-sparse: the network's bound"
expect input-sparse 1 "'sparse.npy' has $((4294967296 - 128 - 8)) bytes after its data (its shape needs 8)" \
    sh -c "$limit \"\$0\" run mine.bnn --weights w.safetensors --input sparse.npy --output o.npy" "$bnnc"

# NaN and infinities in a float input; in a float input binarised for a b1
# input as well.
expect input-nan 1 "'nan.npy' holds nan at element 1; the values of input 'x' must be finite" \
    "$bnnc" run mine.bnn --weights w.safetensors --input nan.npy --output o.npy
printf 'bnn 1;\nnetwork b { input x : b1[2]; y = bdense(x, units = 2); output y; }\n' >b.bnn
expect input-inf-b1 1 "'inf.npy' holds -inf at element 0; the values of input 'x' must be finite" \
    "$bnnc" run b.bnn --input inf.npy --output o.npy
[ ! -e o.npy ] && ok || ko "an output was written after an error"

summary inputs
