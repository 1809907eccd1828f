/*
 * cases.h: the kernel library's test cases (tests/unit/test_kernels.c,
 * tests/kernels/neon_main.c), in plain C99 so that the same cases are
 * built for the host and cross-compiled for AArch64.
 *
 * A case is one layer with random inputs and parameters from a fixed seed
 * (kc_make), in the layouts of docs/semantics.md section 2: what the
 * reference interpreter takes. A runner (runner.c, compiled once per
 * flavour as kc_run_FLAVOUR) packs the parameters as the emitter does,
 * calls the library's function and returns the output unpacked (b1 as
 * int8 -1/+1), to be compared bit for bit with the interpreter's.
 */
#ifndef KC_CASES_H
#define KC_CASES_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    KC_BCONV, KC_BDENSE, KC_BCONV_BS, KC_BDENSE_BS, KC_CONV, KC_DWCONV, KC_CONV_BW, KC_DENSE,
    KC_BDENSE_F, KC_SIGN, KC_THRESHOLD, KC_THRESHOLDS, KC_BATCHNORM, KC_RELU, KC_HARDTANH,
    KC_SIGMOID, KC_PRELU, KC_ADD, KC_MAXPOOL, KC_AVGPOOL, KC_GAVGPOOL, KC_SOFTMAX, KC_CONCAT,
    KC_FLATTEN, KC_TRANSPOSE, KC_SLICE, KC_RESHAPE, KC_MUL, KC_PAD, KC_BCONV_EPI, KC_BDENSE_EPI,
    KC_CONV_EPI
} kc_op;

/* The chains of the fused layers (KC_BCONV_EPI, KC_BDENSE_EPI, and
 * KC_CONV_EPI, a float conv2d: all but KC_EPI_THRI; runtime/bnn_fused.h),
 * on the dot product c (weights "c"), z an input of the output's shape:
 *   KC_EPI_FLOAT   b = batchnorm(c); r = relu(b); y = add(r, z), z b1 (f32 after a
 *                  conv2d)
 *   KC_EPI_SIGN    b = batchnorm(c); p = prelu(b); h = hardtanh(p); y = sign(h)
 *   KC_EPI_THRF    a = add(z, c); b = batchnorm(a); y = sign(b), z f32
 *   KC_EPI_THRI    b = batchnorm(c); y = sign(b), on the integer c
 *   KC_EPI_SIDE    KC_EPI_FLOAT's chain into a, y = sign(a): the kernel
 *                  writes a's floats and, on the side, y's bits, z f32 */
enum { KC_EPI_FLOAT, KC_EPI_SIGN, KC_EPI_THRF, KC_EPI_THRI, KC_EPI_SIDE };

/* A tensor: t is 'f' (f32), 'i' (i32), 'u' (u8) or 'b' (b1 as int8 -1/+1). */
typedef struct {
    char t;
    long n;
    float *f;
    int32_t *i;
    uint8_t *u;
    int8_t *b;
} kc_tensor;

typedef struct {
    kc_op op;
    /* Input [H, W, C]; a flat input [C] has H = 0. */
    int H, W, C;
    /* Windows: Kh, Kw, strides, dilations, pad 0 valid, 1 same, 2 same_one. */
    int Co, Kh, Kw, sh, sw, dh, dw, groups, pad;
    int pack;     /* binary conv: 0 channel, 1 dense, 2 kernel */
    int bits;     /* bit-serial: B */
    int levels, strict;
    int chunk64;  /* conv2d: weights in chunks of 64 output channels */
    int lo, hi;   /* threshold on integers: the range of x */
    int epi;      /* fused layers: KC_EPI_... */
    kc_tensor x, x2;
    float *w;     /* weights (or thresholds T[C][levels]) */
    long nw;
    float *bias, *wscale;  /* per output channel, or NULL */
    float *scale, *shift;  /* batchnorm (folded) and threshold: per channel */
    float *alpha;          /* prelu */
    /* Shape operations on x [H, W, C] (x2 of concat: [H, W, C2]; of mul:
     * [m0, m1, m2], each 1 or x's extent): the output's shape o[3]. */
    int C2, m[3], perm[3], begin[3], end[3], before, after;
    double value;
    int o[3];
} kc_case;

int kc_count(void);
void kc_make(int k, kc_case *c);
void kc_free(kc_case *c);
/* "bconv2d b1[6,7,33] -> 7, kernel 3x3, ..." */
void kc_describe(const kc_case *c, char *buf, size_t n);
/* The output: its type letter and element count, Ho and Wo of a window. */
char kc_out_type(const kc_case *c);
long kc_out_elems(const kc_case *c);
void kc_out_hw(const kc_case *c, int *Ho, int *Wo);
void kc_tensor_free(kc_tensor *t);

/* The runners, one per flavour (runner.c). */
#define KC_RUNNERS(X) X(portable32) X(portable64) X(cortexm32) X(builtin32) \
    X(builtin64) X(popcnt32) X(popcnt64) X(avx2) X(avx512) X(neon)
#define KC_DECLARE(name) void kc_run_##name(const kc_case *c, kc_tensor *out);
KC_RUNNERS(KC_DECLARE)
#undef KC_DECLARE

#endif
