/*
 * peaks.c: prints this machine's register-only peaks (bench/peaks.h),
 * for bench/roofline.py:
 *   xnorop_per_s  X     XNOROP (64 binary MACs) a second, 0 without
 *                       AVX-512 VPOPCNTDQ
 *   muladd_per_s  Y     float multiply-then-add a second
 * each the best of five runs (a shared machine only ever slows a run).
 * Build: cc -O2 -march=native bench/peaks.c -o peaks
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <time.h>

#include "peaks.h"

static double bench_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void) {
    double x = 0, f = 0;
    for (int r = 0; r < 5; r++) {
        double xr = bench_peak_xnorop(), fr = bench_peak_muladd();
        x = xr > x ? xr : x;
        f = fr > f ? fr : f;
    }
    printf("xnorop_per_s %.6g\nmuladd_per_s %.6g\n", x, f);
    return 0;
}
