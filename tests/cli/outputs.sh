#!/bin/sh
# outputs.sh BNNC ROOT: every path bnnc writes for the user (`bnnc run
# --output`, `--emit c -o DIR`, `bnnc calibrate -o`) follows one rule
# (docs/robustness.md section 5): a FIFO or a device is written in place
# and stays what it is; a symbolic link stays a link and the file it names
# gets the contents; a regular file is replaced whole by a temporary file
# renamed over it; a set of files is all or none, every destination
# checked before any is replaced; the temporaries of --emit c go in DIR
# itself, so only DIR must be writable; nothing is left behind. The device
# tests need root (mknod), the unwritable-parent tests run as nobody
# (setpriv or runuser) and need root too; they are skipped otherwise.
bnnc=$1 root=$2
py=/usr/bin/python3
tool=$root/tests/cli/npy_tool.py
. "$root/tests/cli/lib.sh"

cat >mine.bnn <<'BNN'
bnn 1;
network my-net {
    input x : f32[4];
    y = dense(x, units = 2);
    s = sign(batchnorm(y));
    z = bdense(s, units = 3);
    output z;
}
network two {
    input x : f32[4];
    a = relu(x);
    b = sign(x);
    output a, b;
}
target board {
    clock = 100 MHz; word = 32 bits;
    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }
}
BNN
$py "$tool" write x.npy '<f4' 4 0.5 -1 2 0.25
run() { "$bnnc" run mine.bnn --network my-net --seed 3 --input x.npy "$@"; }
emit() { "$bnnc" mine.bnn --network my-net --target board --emit c --seed 3 "$@"; }
cycles=$root/tools/mca/out/cortex-a72.cycles
calib() { "$bnnc" calibrate --from "$cycles" --target cortex-a72 "$@"; }
# The expected contents, written to plain new paths. (timeout runs a
# program, not these functions: the FIFO tests spell their commands out.)
run --output ref.npy 2>/dev/null || ko "reference run"
emit -o ref 2>/dev/null || ko "reference emit"
calib >a72.ref || ko "reference calibrate --from"

# Temporaries left in the folders given (PATH.tmpXXXXXX, .tmpXXXXXX, the
# old DIR.bnnc-XXXXXX folders, PATH.bnnc-tmp).
left() { find "$@" -maxdepth 1 \( -name '*.tmp*' -o -name '*bnnc-*' \) 2>/dev/null; }

# A FIFO's reader: at most 30 s in the background, into file $2.
read_fifo() {
    timeout 30 cat "$1" >"$2" &
    reader=$!
}
# After the writer: wait for the reader when the FIFO is still one (with
# "none", first give it the end of file bnnc was not to write); when it was
# replaced, its reader waits for a writer that will never come: stop it.
end_fifo() {
    if [ ! -p "$1" ]; then
        kill "$reader" 2>/dev/null
    elif [ "$2" = none ] && kill -0 "$reader" 2>/dev/null; then
        timeout 5 sh -c ': >"$1"' sh "$1"
    fi
    wait "$reader" 2>/dev/null
}

# ---------------------------------------------------------------- FIFOs

mkfifo run.fifo
read_fifo run.fifo got.npy
check run-fifo 0 timeout 60 "$bnnc" run mine.bnn --network my-net --seed 3 --input x.npy \
    --output run.fifo
rc=$?
end_fifo run.fifo wrote
[ $rc -eq 0 ] && [ -p run.fifo ] && cmp -s got.npy ref.npy && [ -z "$(left .)" ] &&
    ok || ko "run --output FIFO: the FIFO is replaced or its reader got other bytes"

mkfifo calib.fifo
read_fifo calib.fifo got.bnn
check calib-fifo 0 timeout 60 "$bnnc" calibrate --from "$cycles" --target cortex-a72 -o calib.fifo
rc=$?
end_fifo calib.fifo wrote
[ $rc -eq 0 ] && [ -p calib.fifo ] && cmp -s got.bnn a72.ref && [ -z "$(left .)" ] &&
    ok || ko "calibrate --from -o FIFO"

mkdir e-fifo && mkfifo e-fifo/my_net.c
read_fifo e-fifo/my_net.c got.c
check emit-fifo 0 timeout 60 "$bnnc" mine.bnn --network my-net --target board --emit c --seed 3 \
    -o e-fifo
rc=$?
end_fifo e-fifo/my_net.c wrote
[ $rc -eq 0 ] && [ -p e-fifo/my_net.c ] && cmp -s got.c ref/my_net.c &&
    cmp -s e-fifo/my_net.h ref/my_net.h && [ -z "$(left e-fifo .)" ] &&
    ok || ko "--emit c with NAME.c a FIFO"

# A set of outputs is all or none, a FIFO among them too: with b.npy a
# folder, the FIFO a.npy gets nothing and stays a FIFO.
mkdir set && mkfifo set/a.npy && mkdir set/b.npy
read_fifo set/a.npy got-a.npy
check set-none 1 timeout 60 "$bnnc" run mine.bnn --network two --seed 3 --input x.npy --output set
rc=$?
end_fifo set/a.npy none
[ $rc -eq 0 ] && grep -q "cannot write 'set/b.npy': it is a folder" err && [ -p set/a.npy ] &&
    [ ! -s got-a.npy ] && [ -z "$(left set .)" ] &&
    ok || ko "an output blocked by a folder: the FIFO of the same set was written or replaced"
rmdir set/b.npy && echo old >set/b.npy
read_fifo set/a.npy got-a.npy
check set-all 0 timeout 60 "$bnnc" run mine.bnn --network two --seed 3 --input x.npy --output set
rc=$?
end_fifo set/a.npy wrote
[ $rc -eq 0 ] && [ -p set/a.npy ] && [ "$($py "$tool" print got-a.npy)" = "<f4 (4,) 0.5 0 2 0.25" ] &&
    [ "$($py "$tool" print set/b.npy)" = "|i1 (4,) 1 -1 1 1" ] && [ -z "$(left set)" ] &&
    ok || ko "a set with a FIFO and a file"

# ------------------------------------------------------- symbolic links

# The link stays a link; the file it names gets the contents.
echo old >target.npy && ln -s target.npy link.npy
check run-link 0 run --output link.npy && [ -L link.npy ] &&
    [ "$(readlink link.npy)" = target.npy ] && cmp -s target.npy ref.npy && [ -z "$(left .)" ] &&
    ok || ko "run --output LINK: the link is replaced or its target not written"
# A chain of links, and a link whose relative text is read from its own
# folder, to a file that does not exist yet.
echo old >target.npy && ln -s link.npy chain.npy
check run-chain 0 run --output chain.npy && [ -L chain.npy ] && [ -L link.npy ] &&
    cmp -s target.npy ref.npy && ok || ko "run --output through two links"
mkdir d1 d2 && ln -s ../d2/new.npy d1/l.npy
check run-dangling 0 run --output d1/l.npy && [ -L d1/l.npy ] && cmp -s d2/new.npy ref.npy &&
    [ -z "$(left d1 d2)" ] && ok || ko "run --output LINK to a new file in another folder"
# A loop of links is an error naming the path; the links stay.
ln -s loop1 loop2 && ln -s loop2 loop1
check run-loop 1 run --output loop1 && grep -q "cannot write 'loop1'.*symbolic links" err &&
    [ -L loop1 ] && [ -L loop2 ] && [ -z "$(left .)" ] && ok || ko "run --output into a loop of links"
echo old >cal.bnn && ln -s cal.bnn cal-link.bnn
check calib-link 0 calib -o cal-link.bnn && [ -L cal-link.bnn ] && cmp -s cal.bnn a72.ref &&
    [ -z "$(left .)" ] && ok || ko "calibrate --from -o LINK"
mkdir e-link && echo old >kept.h && ln -s ../kept.h e-link/my_net.h
check emit-link 0 emit -o e-link && [ -L e-link/my_net.h ] && cmp -s kept.h ref/my_net.h &&
    cmp -s e-link/my_net.c ref/my_net.c && [ -z "$(left e-link .)" ] &&
    ok || ko "--emit c with NAME.h a link"

# ----------------------------------------------------- folders, sockets

# --emit c: a destination that is a folder is an error naming it, before
# any file is replaced: NAME.h and NAME.c keep their old contents.
mkdir e1 && echo old-h >e1/my_net.h && echo old-c >e1/my_net.c && mkdir e1/my_net_weights.c
check emit-blocked 1 emit -o e1 && grep -q "cannot write 'e1/my_net_weights.c': it is a folder" err &&
    [ "$(cat e1/my_net.h)" = old-h ] && [ "$(cat e1/my_net.c)" = old-c ] &&
    [ "$(ls -A e1 | tr '\n' ' ')" = "my_net.c my_net.h my_net_weights.c " ] && [ -z "$(left e1 .)" ] &&
    ok || ko "--emit c with NAME_weights.c a folder replaced NAME.h or NAME.c, or left a temporary"
mkdir calf
check calib-folder 1 calib -o calf && grep -q "cannot write 'calf': it is a folder" err &&
    [ -z "$(left .)" ] && ok || ko "calibrate --from -o FOLDER"
# bnnc calibrate (a minute of measurements) refuses a folder before it
# measures anything (its scratch folder, if it went on, stays in ours).
mkdir scratch
check calibrate-folder 1 env TMPDIR="$PWD/scratch" timeout 30 "$bnnc" calibrate -o calf &&
    grep -q "cannot write 'calf': it is a folder" err && [ -z "$(left .)" ] &&
    ok || ko "calibrate -o FOLDER is not refused at once"
if $py -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' sock 2>/dev/null; then
    check run-socket 1 run --output sock && grep -q "cannot write 'sock': it is a socket" err &&
        [ -S sock ] && [ -z "$(left .)" ] && ok || ko "run --output SOCKET"
else
    echo "skip: cannot make a socket here"
fi

# ------------------------------------------------------- device nodes

# Nodes of our own (mknod, root only): never /dev/null itself, which a
# broken bnnc would replace for everyone on the machine.
if [ "$(id -u)" -eq 0 ] && mknod null c 1 3 2>/dev/null && mknod full c 1 7 2>/dev/null &&
    [ -c null ] && : >null 2>/dev/null; then
    check run-null 0 run --output null && [ -c null ] && [ "$(stat -c %t:%T null)" = 1:3 ] &&
        [ -z "$(left .)" ] && ok || ko "run --output DEVICE: the device node is replaced"
    ln -s null null-link
    check run-null-link 0 run --output null-link && [ -L null-link ] && [ -c null ] &&
        ok || ko "run --output LINK to a device"
    check calib-null 0 calib -o null && [ -c null ] && [ -z "$(left .)" ] &&
        ok || ko "calibrate --from -o DEVICE"
    mkdir null-dir && mknod null-dir/my_net_weights.c c 1 3 &&
        check emit-null 0 emit -o null-dir && [ -c null-dir/my_net_weights.c ] &&
        [ -z "$(left null-dir)" ] && ok || ko "--emit c with NAME_weights.c a device"
    # A device that fails to take the bytes (/dev/full): an error, the node kept.
    check run-full 1 run --output full && grep -q "cannot write 'full': No space left on device" err &&
        [ -c full ] && [ -z "$(left .)" ] && ok || ko "run --output /dev/full: no error, or the node replaced"
else
    echo "skip: the device node tests need root and mknod"
fi

# ------------------------------------------- a parent that is not writable

# As nobody: -o DIR into an existing folder DIR it may write, in a parent
# it may not. Nothing may be needed beside DIR.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
elif [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null; then
    as_nobody() { runuser -u nobody -- "$@"; }
fi
if [ "$(id -u)" -eq 0 ] && type as_nobody >/dev/null 2>&1 && id nobody >/dev/null 2>&1 &&
    chmod 755 . && mkdir -p ro/out && chown nobody ro/out && chmod 755 ro &&
    as_nobody test -w ro/out && ! as_nobody test -w ro; then
    check nobody-emit 0 as_nobody "$bnnc" mine.bnn --network my-net --target board --emit c \
        --seed 3 -o ro/out && cmp -s ro/out/my_net.c ref/my_net.c &&
        [ "$(ls -A ro | tr '\n' ' ')" = "out " ] && [ -z "$(left ro/out)" ] &&
        ok || ko "--emit c -o DIR as nobody, DIR writable, its parent not"
    check nobody-emit-slash 0 as_nobody "$bnnc" mine.bnn --network my-net --target board \
        --emit c --seed 3 -o ro/out/ && [ "$(ls -A ro | tr '\n' ' ')" = "out " ] &&
        ok || ko "--emit c -o DIR/ as nobody"
    check nobody-run 0 as_nobody "$bnnc" run mine.bnn --network my-net --seed 3 --input x.npy \
        --output ro/out && cmp -s ro/out/z.npy ref.npy && [ -z "$(left ro/out)" ] &&
        ok || ko "run --output DIR as nobody"
    check nobody-calib 0 as_nobody "$bnnc" calibrate --from "$cycles" --target cortex-a72 \
        -o ro/out/a72.bnn && cmp -s ro/out/a72.bnn a72.ref && ok || ko "calibrate --from -o as nobody"
    check nobody-new 1 as_nobody "$bnnc" mine.bnn --network my-net --target board --emit c \
        --seed 3 -o ro/new && grep -q "cannot create the folder 'ro/new': Permission denied" err &&
        [ "$(ls -A ro | tr '\n' ' ')" = "out " ] && ok || ko "--emit c -o NEW in a folder nobody may not write"
else
    echo "skip: the unwritable-parent tests need root, setpriv or runuser, and the user nobody"
fi

summary outputs
