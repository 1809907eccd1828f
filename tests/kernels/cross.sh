# cross.sh, sourced by the kernel tests that cross-compile and run under
# qemu (neon.sh, cortexm.sh): need TEST TOOL... ends the test as skipped
# (exit 77), naming what is missing, when this machine lacks a tool.
need() {
    test=$1
    shift
    missing=""
    for t in "$@"; do
        command -v "$t" >/dev/null || missing="$missing $t"
    done
    if [ -n "$missing" ]; then
        echo "$test skipped: this machine lacks$missing"
        exit 77
    fi
}
