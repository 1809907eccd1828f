#!/bin/sh
# relocatable.sh CMAKE CC BUILD_TYPE SRC BNNC: an installed bnnc works with the source
# tree gone and its prefix moved (README.md, "Installing").
#
# The source tree (git's files, or all but build*/ outside a git checkout)
# is copied to a temporary folder, configured with an install prefix that
# is never created (with the build's compiler and build type), and only
# bnnc is built there; `cmake --install` puts it
# in P; the copy and its build folder are deleted and P is moved to Q.
# Then Q/bin/bnnc, which no path of the tree it was built from can reach,
# runs the README's main command on Q's examples, byte for byte what the
# build's BNNC prints; finds its standard library in Q (--help says which);
# Q holds the man page (man finds it), the editor support, the kernel
# headers (--emit c's copies, and the emitted C compiles against them);
# and without its standard library it fails saying where it looked, with
# no fallback. BNNC is the bnnc of a build folder: it finds the source
# tree's standard library by itself (no BNNC_STDLIB here).
set -u
cmake=$1 cc=$2 type=$3 src=$4 bnnc=$5
unset BNNC_STDLIB BNNC_PATH
pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }
die() { echo "FAIL $1"; exit 1; }

# The copy of the source tree.
mkdir "$tmp/src"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$src" && git ls-files -z --cached --others --exclude-standard |
        xargs -0 cp --parents -t "$tmp/src") || die "copy of the source tree"
else
    (cd "$src" && for f in * .[!.]*; do
        case $f in build* | .git) ;; *) [ -e "$f" ] && cp -R "$f" "$tmp/src/" ;; esac
    done) || die "copy of the source tree"
fi
"$cmake" -S "$tmp/src" -B "$tmp/build" -DCMAKE_C_COMPILER="$cc" -DBUILD_TESTING=OFF \
    -DCMAKE_BUILD_TYPE="$type" -DCMAKE_INSTALL_PREFIX="$tmp/configured" >"$tmp/log" 2>&1 &&
    "$cmake" --build "$tmp/build" --target bnnc -j 2 >>"$tmp/log" 2>&1 &&
    "$cmake" --install "$tmp/build" --prefix "$tmp/p" >>"$tmp/log" 2>&1 ||
    { tail -30 "$tmp/log"; die "build and install of the copy"; }
# The copy's own build: its bnnc uses the copy's stdlib/, and only that.
b=$tmp/build/bnnc
"$b" --help | grep -qxF "  BNNC_STDLIB        the standard library folder (in use: $tmp/src/stdlib)" &&
    ok || ko "--help of the copy's build names the copy's stdlib/"
mv "$tmp/src/stdlib" "$tmp/src/stdlib.away"
"$b" --list-targets >"$tmp/out.txt" 2>"$tmp/err.txt"
[ $? -eq 1 ] && [ ! -s "$tmp/out.txt" ] && [ "$(cat "$tmp/err.txt")" = "bnnc: error: cannot find the \
target catalog 'std/targets.bnn': no standard library folder '$tmp/src/stdlib' (the source tree of \
this build of bnnc; set BNNC_STDLIB to use another)" ] && ok ||
    { ko "the build's bnnc without its source tree's stdlib/"; cat "$tmp/err.txt"; }
rm -rf "$tmp/src" "$tmp/build"
mv "$tmp/p" "$tmp/q"
q=$tmp/q
[ ! -e "$tmp/configured" ] && [ ! -e "$tmp/src" ] && [ ! -e "$tmp/build" ] && ok ||
    ko "the configured prefix, the copy and its build folder are gone"
# No absolute prefix is compiled in: not the configured one, not the one
# installed to.
grep -rqF -e "$tmp/configured" -e "$tmp/p/" "$q" && ko "Q names a prefix" || ok

# The README's main command, from Q's examples, as the build's bnnc runs it.
(cd "$src" && "$bnnc" examples/quicknet.bnn --target cortex-a53 --report) >"$tmp/want" 2>&1 ||
    ko "the build's bnnc runs the README's command"
(cd "$q/share/bnnc" && "$q/bin/bnnc" examples/quicknet.bnn --target cortex-a53 --report) \
    >"$tmp/got" 2>&1 && cmp "$tmp/want" "$tmp/got" && ok ||
    { ko "the installed bnnc's report is the build's"; diff "$tmp/want" "$tmp/got" | head; }
head -1 "$tmp/got" | grep -qx 'network quicknet on target cortex-a53: 1 thread, memory model lxnorop' &&
    grep -q '^  rate  .* inferences per second$' "$tmp/got" && ok || ko "a report was printed"
# Run through PATH as a bare name too (argv[0] without a folder).
(cd "$q/share/bnnc" && PATH="$q/bin:$PATH" bnnc examples/quicknet.bnn --target cortex-a53 \
    --report) >"$tmp/got2" 2>&1 && cmp -s "$tmp/want" "$tmp/got2" && ok || ko "bnnc on PATH"
# Where /proc is absent, bnnc finds itself through argv[0]: a path, a
# relative one, or a name on PATH. /proc is hidden under a tmpfs in a user
# and mount namespace, where unshare may make one (else this is skipped).
if unshare -rm true 2>/dev/null; then
    (cd "$q/share/bnnc" && unshare -rm sh -c '
        mount -t tmpfs none /proc && [ ! -e /proc/self/exe ] || exit 9
        r="examples/quicknet.bnn --target cortex-a53 --report"
        "$1/bin/bnnc" $r >"$2/p1" 2>&1
        ../../bin/bnnc $r >"$2/p2" 2>&1
        PATH="/nonexistent:$1/bin:$PATH" bnnc $r >"$2/p3" 2>&1
        /usr/bin/python3 -c "import os, sys; os.execv(sys.argv[1], [\"nowhere\", \"--list-targets\"])" \
            "$1/bin/bnnc" >"$2/p4" 2>&1
        echo $? >"$2/p4.rc"' sh "$q" "$tmp")
    if [ $? -eq 9 ]; then
        echo "skipped: /proc could not be hidden (unshare, mount)"
    else
        for i in 1 2 3; do
            cmp -s "$tmp/want" "$tmp/p$i" && ok || { ko "no /proc: argv[0] case $i"; head -3 "$tmp/p$i"; }
        done
        # An argv[0] that leads nowhere: no guess.
        [ "$(cat "$tmp/p4.rc")" = 1 ] && [ "$(cat "$tmp/p4")" = "bnnc: error: cannot find the target \
catalog 'std/targets.bnn': no standard library: the bnnc executable's own folder is unknown (no \
/proc/self/exe, and 'nowhere' is not a file or on PATH); set BNNC_STDLIB to its folder" ] && ok ||
            { ko "no /proc, argv[0] unknown"; cat "$tmp/p4"; }
    fi
else
    echo "skipped: no unshare -rm here: the runs without /proc"
fi
for f in "$src"/examples/*.bnn; do
    cmp -s "$f" "$q/share/bnnc/examples/${f##*/}" || ko "installed example ${f##*/}"
done
"$q/bin/bnnc" --help >"$tmp/help" &&
    grep -qxF "  BNNC_STDLIB        the standard library folder (in use: $q/share/bnnc/stdlib)" \
        "$tmp/help" && ok || ko "--help names Q's standard library"
"$bnnc" --help | grep -qxF "  BNNC_STDLIB        the standard library folder (in use: $src/stdlib)" &&
    ok || ko "--help of the build's bnnc names the source tree's standard library"
cmp -s "$src/stdlib/std/targets.bnn" "$q/share/bnnc/stdlib/std/targets.bnn" && ok ||
    ko "installed std/targets.bnn"

# The man page, where man looks for it, and readable.
[ -f "$q/share/man/man1/bnnc.1" ] && cmp -s "$src/docs/bnnc.1" "$q/share/man/man1/bnnc.1" &&
    ok || ko "share/man/man1/bnnc.1"
if command -v man >/dev/null 2>&1; then
    [ "$(MANPATH="$q/share/man" man -w bnnc 2>/dev/null)" = "$q/share/man/man1/bnnc.1" ] &&
        ok || ko "man -w bnnc finds Q's page"
fi
if command -v groff >/dev/null 2>&1; then
    groff -man -Tascii -ww -P-cbou "$q/share/man/man1/bnnc.1" 2>"$tmp/groff" | grep -q 'BNNC_STDLIB' &&
        [ ! -s "$tmp/groff" ] && ok || { ko "groff reads the man page"; head "$tmp/groff"; }
fi
# The editor support: every file of editors/.
for f in README.md emacs/bnn-mode.el vim/ftdetect/bnn.vim vim/ftplugin/bnn.vim \
    vim/syntax/bnn.vim vscode/package.json vscode/language-configuration.json \
    vscode/syntaxes/bnn.tmLanguage.json; do
    cmp -s "$src/editors/$f" "$q/share/bnnc/editors/$f" || ko "editors/$f"
done
[ "$(cd "$src/editors" && find . -type f | sort)" = "$(cd "$q/share/bnnc/editors" && find . -type f | sort)" ] &&
    ok || ko "share/bnnc/editors holds editors/'s files"
# The kernel library: every header, and what --emit c copies out is them.
[ "$(cd "$src/runtime" && ls)" = "$(cd "$q/include/bnnc/runtime" && ls)" ] && ok ||
    ko "include/bnnc/runtime holds runtime/'s files"
for f in "$src"/runtime/*; do
    cmp -s "$f" "$q/include/bnnc/runtime/${f##*/}" || ko "installed runtime/${f##*/}"
done
"$q/bin/bnnc" "$q/share/bnnc/examples/lenet_bin.bnn" --target cortex-m7 --emit c -o "$tmp/out" \
    2>"$tmp/err" && ok || { ko "installed bnnc --emit c"; cat "$tmp/err"; }
n=0
for f in "$tmp"/out/*.h; do
    case ${f##*/} in bnn_*) cmp -s "$f" "$q/include/bnnc/runtime/${f##*/}" &&
        rm "$f" && n=$((n + 1)) || ko "emitted ${f##*/} is the installed one" ;;
    esac
done
[ "$n" -ge 5 ] && ok || ko "--emit c copied the kernel headers ($n)"
(cd "$tmp/out" && "$cc" -std=c99 -O1 -Wall -Wextra -Werror -I"$q/include/bnnc/runtime" \
    -c lenet_bin.c lenet_bin_weights.c) && ok || ko "the emitted C compiles with the installed headers"

# BNNC_STDLIB overrides, with no fallback to the installed folder.
mv "$q/share/bnnc/stdlib" "$tmp/std"
(cd "$q/share/bnnc" && BNNC_STDLIB="$tmp/std" "$q/bin/bnnc" examples/quicknet.bnn \
    --target cortex-a53 --report) >"$tmp/got" 2>&1 && cmp -s "$tmp/want" "$tmp/got" && ok ||
    ko "BNNC_STDLIB names a moved standard library"
# No standard library: each use fails saying where bnnc looked.
lib="no standard library folder '$q/share/bnnc/stdlib' (../share/bnnc/stdlib from the executable's folder; set BNNC_STDLIB to use another)"
check() { # check WANT_STDERR COMMAND...: exit 1, exactly that on stderr, nothing on stdout
    want=$1
    shift
    (cd "$q/share/bnnc" && "$@") >"$tmp/out.txt" 2>"$tmp/err.txt"
    rc=$?
    printf '%s\n' "$want" >"$tmp/want_err"
    [ "$rc" -eq 1 ] && [ ! -s "$tmp/out.txt" ] && cmp -s "$tmp/want_err" "$tmp/err.txt" && return 0
    echo "exit $rc:"; diff "$tmp/want_err" "$tmp/err.txt"
    return 1
}
check "bnnc: error: cannot find the target catalog 'std/targets.bnn': $lib" \
    "$q/bin/bnnc" examples/quicknet.bnn --target cortex-a53 --report && ok || ko "no stdlib: --target"
check "bnnc: error: cannot find the target catalog 'std/targets.bnn': $lib" \
    "$q/bin/bnnc" --list-targets && ok || ko "no stdlib: --list-targets"
check "examples/targets.bnn:5:8: error: cannot find import 'std/targets'
    5 | import \"std/targets\";
      |        ^~~~~~~~~~~~~
bnnc: note: looked for 'std/targets.bnn' in: examples, $q/share/bnnc/stdlib
bnnc: note: $lib" "$q/bin/bnnc" examples/targets.bnn && ok || ko "no stdlib: import \"std/targets\""
check "bnnc: error: cannot find the target catalog 'std/targets.bnn': no standard library folder '$tmp/std/none' (named by BNNC_STDLIB)" \
    env BNNC_STDLIB="$tmp/std/none" "$q/bin/bnnc" --list-targets && ok || ko "no stdlib: BNNC_STDLIB"
# A network that needs no library is still checked.
(cd "$q/share/bnnc" && "$q/bin/bnnc" examples/quicknet.bnn) && ok || ko "no stdlib: a plain check"
"$q/bin/bnnc" --help | grep -qxF "  BNNC_STDLIB        the standard library folder (in use: none: $lib)" &&
    ok || ko "no stdlib: --help says so"

echo "install.relocatable: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
