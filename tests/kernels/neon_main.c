/*
 * neon_main.c: the NEON flavour of the kernel library on the test cases,
 * under qemu-aarch64 (tests/kernels/neon.sh). The machine that runs it
 * has no interpreter: the interpreter's outputs come from the host, in the
 * file `test_kernels --write-expected FILE` writes (per case: the type
 * letter, the element count as int64, the elements), and every output of
 * kc_run_neon must equal them to the bit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"

/* The flavour's runner and its name in the messages: NEON, unless the
 * build names another (tests/kernels/cortexm.sh: bnn_cortexm.h). */
#ifndef KC_MAIN_RUN
#define KC_MAIN_RUN kc_run_neon
#define KC_MAIN_NAME "neon"
#endif

static int differs(const kc_tensor *got, char t, int64_t n, const void *want, long *first)
{
    size_t sz = t == 'f' || t == 'i' ? 4 : 1;
    const void *p = t == 'f' ? (const void *)got->f : t == 'i' ? (const void *)got->i
                    : t == 'u' ? (const void *)got->u : (const void *)got->b;
    if (got->t != t || got->n != n || !p)
        return 1;
    for (long i = 0; i < n; i++)
        if (memcmp((const char *)p + i * sz, (const char *)want + i * sz, sz)) {
            *first = i;
            return 1;
        }
    return 0;
}

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: neon_main EXPECTED (from test_kernels --write-expected)\n");
        return 2;
    }
    int n = kc_count(), failed = 0;
    for (int k = 0; k < n; k++) {
        char t;
        int64_t m;
        if (fread(&t, 1, 1, f) != 1 || fread(&m, sizeof m, 1, f) != 1 || m < 0 || m > 1 << 24) {
            fprintf(stderr, "%s: case %d: truncated\n", argv[1], k);
            return 2;
        }
        size_t sz = t == 'f' || t == 'i' ? 4 : 1;
        void *want = malloc((size_t)m * sz + 1);
        if (fread(want, sz, (size_t)m, f) != (size_t)m) {
            fprintf(stderr, "%s: case %d: truncated\n", argv[1], k);
            return 2;
        }
        kc_case c;
        kc_tensor got;
        long first = -1;
        memset(&got, 0, sizeof got);
        kc_make(k, &c);
        KC_MAIN_RUN(&c, &got);
        if (differs(&got, t, m, want, &first)) {
            char what[512];
            kc_describe(&c, what, sizeof what);
            fprintf(stderr,
                    KC_MAIN_NAME ", case %d (%s): differs from the interpreter at element %ld\n", k,
                    what, first);
            failed++;
        }
        kc_tensor_free(&got);
        kc_free(&c);
        free(want);
    }
    fclose(f);
    printf(KC_MAIN_NAME ": %d cases, %d differ from the interpreter\n", n, failed);
    return failed != 0;
}
