#!/bin/sh
# valgrind.sh ARGS...: runs $BNNC_REAL (the bnnc under test) with ARGS under
# valgrind memcheck. The tests labelled valgrind pass this script to the
# command-line test scripts as their bnnc: any invalid read or write, use
# of an uninitialised value or leak makes bnnc exit 99 (which no test
# expects) and valgrind's report goes to standard error.
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect,possible "$BNNC_REAL" "$@"
