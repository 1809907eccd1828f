# lib.sh: what the command-line test scripts share; each sources it after
# setting bnnc and root. It moves to a fresh temporary folder (removed at
# exit) and defines:
#   check NAME WANT_RC COMMAND...  runs COMMAND with stdout in ./out, stderr
#                                  in ./err, stdin from /dev/null; true when
#                                  it exits WANT_RC, else says why
#   ok / ko WHAT                   count a passed / failed assertion
#   summary NAME                   prints the counts; false if any failed
pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

check() {
    name=$1 want=$2
    shift 2
    "$@" >out 2>err </dev/null
    rc=$?
    [ "$rc" -eq "$want" ] && return 0
    echo "FAIL $name: exit $rc, expected $want"; sed 's/^/  err: /' err | head -20
    return 1
}
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }
summary() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
