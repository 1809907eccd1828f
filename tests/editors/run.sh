#!/bin/sh
# run.sh TEST BNNC ROOT WORK: one editor test (tests/editors/CMakeLists.txt).
#   npm           install vscode-tmgrammar-test from package-lock.json into WORK/npm
#   vscode        TextMate assertions in fixtures/*.bnn; no invalid.* token in
#                 the examples and the standard library; the extension's files
#   vim, emacs    the same assertions, mapped to highlight groups and faces;
#                 no error highlighting in the examples and the standard library
#   vscode-drift, vim-drift, emacs-drift
#                 the fixture that gen_fixture.sh makes from `BNNC --print-tables`
#                 is highlighted right, and the editor's word lists hold exactly
#                 the compiler's names
# BNNC is the built compiler, ROOT the source tree, WORK a scratch folder.
# A missing tool fails the test: scripts/setup.sh installs vim, emacs and node.
set -eu
[ $# -eq 4 ] || { echo "usage: run.sh TEST BNNC ROOT WORK" >&2; exit 2; }
test=$1
bnnc=$2
root=$3
work=$4
here=$root/tests/editors
nl='
'

need() {
    command -v "$1" >/dev/null 2>&1 && return
    echo "FAIL: '$1' is not installed (scripts/setup.sh installs it)"
    exit 1
}

# Files one a line: the hand-written fixtures; the examples and the stdlib.
fixtures=$(ls "$here"/fixtures/*.bnn)
clean=$(ls "$root"/examples/*.bnn "$root"/stdlib/std/*.bnn)

case $test in
*-drift)
    dir=$work/$test
    mkdir -p "$dir"
    "$bnnc" --print-tables > "$dir/tables.txt"
    sh "$here/gen_fixture.sh" "$dir/tables.txt" "$dir/generated.bnn"
    fixtures=$dir/generated.bnn
    clean=
    tables=$dir/tables.txt
    ;;
*)
    tables=
    ;;
esac

case $test in
npm)
    need node
    need npm
    mkdir -p "$work/npm"
    cp "$here/package.json" "$here/package-lock.json" "$work/npm/"
    npm ci --prefix "$work/npm" --no-audit --no-fund --loglevel=error
    ;;
vscode | vscode-drift)
    need node
    tool=$work/npm/node_modules/.bin/vscode-tmgrammar-test
    [ -x "$tool" ] || { echo "FAIL: $tool is missing (the editors.npm test installs it)"; exit 1; }
    rc=0
    # One file a line: split on newlines only, no globbing.
    set -f
    IFS=$nl
    # shellcheck disable=SC2086
    "$tool" -g "$root/editors/vscode/syntaxes/bnn.tmLanguage.json" $fixtures || rc=1
    if [ -n "$clean" ]; then
        # shellcheck disable=SC2086
        NODE_PATH=$work/npm/node_modules node "$here/tm_tokenize.js" --no-invalid $clean || rc=1
        node "$here/vscode_package.js" || rc=1
    fi
    unset IFS
    set +f
    if [ -n "$tables" ]; then
        node "$here/tm_tables.js" "$tables" || rc=1
    fi
    exit $rc
    ;;
vim | vim-drift)
    need vim
    log=$work/$test.log
    rm -f "$log"
    rc=0
    BNN_FIXTURES=$fixtures BNN_CLEAN=$clean BNN_TABLES=$tables BNN_LOG=$log \
        vim -u NONE -i NONE -es -N -c "source $here/test_vim.vim" </dev/null || rc=1
    cat "$log" 2>/dev/null || { echo "FAIL: vim wrote no report"; rc=1; }
    exit $rc
    ;;
emacs | emacs-drift)
    need emacs
    BNN_FIXTURES=$fixtures BNN_CLEAN=$clean BNN_TABLES=$tables \
        emacs -Q -batch -l ert -l "$here/bnn-mode-tests.el" -f ert-run-tests-batch-and-exit 2>&1
    ;;
*)
    echo "run.sh: unknown test '$test'" >&2
    exit 2
    ;;
esac
