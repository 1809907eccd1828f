/*
 * kernels.c: the emitted binary layers against float layers of the same
 * shapes through OpenBLAS, and against the machine's popcount peak.
 * Built and run by bench/kernels.sh (docs/benchmarks.md), which emits
 * bench/kernels.bnn with bnnc for the host and passes the layer shapes.
 *
 * For each layer, in one run, single thread:
 *   binary  the emitted layer's median time (its timing points);
 *   float   im2col + cblas_sgemm (conv) or cblas_sgemv (dense), median;
 * and the peak: XOR, VPOPCNTQ and add on registers only, four
 * independent chains, as XNOROP per second (bench/peaks.h). Prints one
 * line per layer:
 * binary MACs per second, the fraction of the peak, the float time and
 * the speedup (float time / binary time).
 */
#define _POSIX_C_SOURCE 199309L
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include NET_H

#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
#define NL XCAT(NET, _num_layers)
extern const int XCAT(NET, _num_layers);

static double bench_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
#define now bench_now

#include "peaks.h"

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define REPS 31
static double last, samples[REPS][64];
static int rep;

void bnn_timing(int k) {
    double t = now();
    if (k > 0 && k <= 64)
        samples[rep][k - 1] = t - last;
    last = now();
}

int main(int argc, char **argv) {
    /* argv: per layer "conv H W C F" (3x3 same_one) or "dense N U". */
    int nl = argc - 1;
    if (nl != NL) {
        fprintf(stderr, "kernels: %d shapes for %d layers\n", nl, NL);
        return 2;
    }
    const char *it = XCAT(NET, _input_types);
    void *in[64], *out[64];
    srand(1);
    for (int i = 0; i < (int)strlen(it); i++) {
        long n = XCAT(NET, _input_sizes)[i];
        int8_t *p = malloc((size_t)n);
        for (long k = 0; k < n; k++)
            p[k] = (rand() & 1) ? 1 : -1;
        in[i] = p;
    }
    for (int i = 0; i < (int)strlen(XCAT(NET, _output_types)); i++)
        out[i] = malloc((size_t)XCAT(NET, _output_sizes)[i] * 4);
    XCAT(NET, _infer_v)((const void *const *)in, out); /* warm up */
    for (rep = 0; rep < REPS; rep++)
        XCAT(NET, _infer_v)((const void *const *)in, out);
    double peak = bench_peak_xnorop();
    printf("peak %.6g\n", peak);
    for (int l = 0; l < nl; l++) {
        double t[REPS];
        for (int r = 0; r < REPS; r++)
            t[r] = samples[r][l];
        qsort(t, REPS, sizeof t[0], cmp);
        double tb = t[REPS / 2];
        int H, W, C, F;
        double macs, tf;
        if (sscanf(argv[1 + l], "conv %d %d %d %d", &H, &W, &C, &F) == 4) {
            /* Float 3x3 same convolution: im2col then [H*W x 9C] x [9C x F]. */
            long K = 9L * C, M = (long)H * W;
            float *x = malloc((size_t)M * C * 4), *col = malloc((size_t)M * K * 4);
            float *wt = malloc((size_t)K * F * 4), *y = malloc((size_t)M * F * 4);
            for (long k = 0; k < M * C; k++)
                x[k] = (float)rand() / RAND_MAX - 0.5f;
            for (long k = 0; k < K * F; k++)
                wt[k] = (float)rand() / RAND_MAX - 0.5f;
            for (int r = 0; r < REPS; r++) {
                double s = now();
                for (int oy = 0; oy < H; oy++)
                    for (int ox = 0; ox < W; ox++) {
                        float *d = col + ((long)oy * W + ox) * K;
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = oy - 1 + ky, ix = ox - 1 + kx;
                                float *dd = d + (ky * 3 + kx) * C;
                                if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                                    memset(dd, 0, (size_t)C * 4);
                                else
                                    memcpy(dd, x + ((long)iy * W + ix) * C, (size_t)C * 4);
                            }
                    }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)M, F, (int)K, 1.0f,
                            col, (int)K, wt, F, 0.0f, y, F);
                t[r] = now() - s;
            }
            macs = (double)M * F * K;
            free(x), free(col), free(wt), free(y);
        } else if (sscanf(argv[1 + l], "dense %d %d", &C, &F) == 2) {
            float *x = malloc((size_t)C * 4), *wt = malloc((size_t)C * F * 4), *y = malloc((size_t)F * 4);
            for (long k = 0; k < C; k++)
                x[k] = (float)rand() / RAND_MAX - 0.5f;
            for (long k = 0; k < (long)C * F; k++)
                wt[k] = (float)rand() / RAND_MAX - 0.5f;
            for (int r = 0; r < REPS; r++) {
                double s = now();
                cblas_sgemv(CblasRowMajor, CblasTrans, C, F, 1.0f, wt, F, x, 1, 0.0f, y, 1);
                t[r] = now() - s;
            }
            macs = (double)C * F;
            free(x), free(wt), free(y);
        } else {
            fprintf(stderr, "kernels: bad shape '%s'\n", argv[1 + l]);
            return 2;
        }
        qsort(t, REPS, sizeof t[0], cmp);
        tf = t[REPS / 2];
        printf("layer %d %s | binary %.6g s %.6g MAC/s | float %.6g s | speedup %.4g | peak %.4g\n",
               l + 1, argv[1 + l], tb, macs / tb, tf, tf / tb, peak > 0 ? macs / 64 / tb / peak : 0);
    }
    return 0;
}
