/*
 * bnn_parts.h: the layers split into parts, for the code that runs each
 * layer on several threads (bnnc --emit-threads N, docs/codegen.md).
 *
 * bnn_X_part(args of bnn_X..., t, n) computes part t of n of what
 * bnn_X(args...) computes, and the n parts together compute it all, each
 * output once, by the same arithmetic: every output is a sum of its own
 * in a fixed order (docs/semantics.md), so the split changes no bit. The
 * parts are whole units (bnn_split): output rows of a window layer
 * (convolutions, pools: the layer over a window of fewer rows, its
 * padding moved up by the rows before it, bnn_win_rows), blocks of
 * output channels of a dense layer (BNN_L channels of binary weights, 16
 * of binary weights on a float input, one of float weights), pixels of an
 * element-wise layer. A layer of u units has parts of floor or ceil(u /
 * n) units; with fewer units than parts, the parts past them do nothing.
 * The cost model splits the same way (docs/cost-model.md, the parallel
 * term).
 *
 * Each is a thin wrapper over the function it splits: the part's range,
 * then that function on it, so a change to a kernel is a change to its
 * parts. The parts of one layer write disjoint outputs (a b1 output is
 * packed per pixel, so no word is shared by two pixels) and read only
 * what the layer reads: they may run at once.
 */
#ifndef BNN_PARTS_H
#define BNN_PARTS_H

#include "bnn_kernels.h"

/* Part t of n of u units: [*lo, *hi), sizes floor or ceil(u / n), in
 * order. */
BNN_INLINE void bnn_split(long u, int t, int n, long *lo, long *hi)
{
    *lo = u * t / n;
    *hi = u * (t + 1) / n;
}

/* Rows [r0, r1) of the output of window g: a window of r1 - r0 output
 * rows whose first is row r0 (its input rows and padding as before). */
BNN_INLINE bnn_win bnn_win_rows(bnn_win g, long r0, long r1)
{
    g.Ho = (int)(r1 - r0);
    g.pt -= (int)r0 * g.sh;
    return g;
}

/* Pixel p of a tensor of type t with C channels. */
BNN_INLINE const void *bnn_px(const void *x, bnn_dtype t, long p, long C)
{
    switch (t) {
    case BNN_B1:
        return (const bnn_word *)x + p * bnn_words(C);
    case BNN_U8:
        return (const uint8_t *)x + p * C;
    default:
        return (const float *)x + p * C; /* f32 and i32: 4 bytes */
    }
}

/* ------------------------------------------------- rows of a window */

BNN_INLINE void bnn_bconv2d_part(const bnn_word *x, int32_t *y, const bnn_word *w,
                                 const int16_t *wpop, bnn_win g, bnn_pack pk, bnn_word *col,
                                 int *padded, int t, int n)
{
    long r0, r1;
    bnn_split(g.Ho, t, n, &r0, &r1);
    if (r1 > r0)
        bnn_bconv2d(x, y + r0 * g.Wo * g.Co, w, wpop, bnn_win_rows(g, r0, r1), pk, col, padded);
}

BNN_INLINE void bnn_bconv2d_bitserial_part(const uint8_t *x, int32_t *y, const bnn_word *w,
                                           const int32_t *npos, bnn_win g, int B, bnn_word *col,
                                           int t, int n)
{
    long r0, r1;
    bnn_split(g.Ho, t, n, &r0, &r1);
    if (r1 > r0)
        bnn_bconv2d_bitserial(x, y + r0 * g.Wo * g.Co, w, npos, bnn_win_rows(g, r0, r1), B, col);
}

BNN_INLINE void bnn_conv2d_part(const void *x, bnn_dtype xt, float *y, const float *w, bnn_win g,
                                int chunk64, int t, int n)
{
    long r0, r1;
    bnn_split(g.Ho, t, n, &r0, &r1);
    if (r1 > r0)
        bnn_conv2d(x, xt, y + r0 * g.Wo * g.Co, w, bnn_win_rows(g, r0, r1), chunk64);
}

BNN_INLINE void bnn_depthwise_conv2d_part(const void *x, bnn_dtype xt, float *y, const float *w,
                                          bnn_win g, int t, int n)
{
    long r0, r1;
    bnn_split(g.Ho, t, n, &r0, &r1);
    if (r1 > r0)
        bnn_depthwise_conv2d(x, xt, y + r0 * g.Wo * g.Co, w, bnn_win_rows(g, r0, r1));
}

BNN_INLINE void bnn_conv2d_bw_part(const void *x, bnn_dtype xt, float *y, const bnn_word *w,
                                   bnn_win g, int t, int n)
{
    long r0, r1;
    bnn_split(g.Ho, t, n, &r0, &r1);
    if (r1 > r0)
        bnn_conv2d_bw(x, xt, y + r0 * g.Wo * g.Co, w, bnn_win_rows(g, r0, r1));
}

/* maxpool's output has the input's type (b1: words per pixel). */
BNN_INLINE void bnn_maxpool_part(const void *x, bnn_dtype xt, void *y, bnn_win g, int t, int n)
{
    long r0, r1;
    bnn_split(g.Ho, t, n, &r0, &r1);
    if (r1 > r0)
        bnn_maxpool(x, xt, (void *)(uintptr_t)bnn_px(y, xt, r0 * g.Wo, g.C), bnn_win_rows(g, r0, r1));
}

BNN_INLINE void bnn_avgpool_part(const void *x, bnn_dtype xt, float *y, bnn_win g, int t, int n)
{
    long r0, r1;
    bnn_split(g.Ho, t, n, &r0, &r1);
    if (r1 > r0)
        bnn_avgpool(x, xt, y + r0 * g.Wo * g.C, bnn_win_rows(g, r0, r1));
}

/* ---------------------------------------- output channels of a dense */

/* Blocks of BNN_L units: the weights [block][word][BNN_L]. */
BNN_INLINE void bnn_bdense_part(const bnn_word *x, int32_t *y, const bnn_word *w, long N, long U,
                                int t, int n)
{
    long b0, b1, L = BNN_L;
    bnn_split((U + L - 1) / L, t, n, &b0, &b1);
    long u1 = b1 * L < U ? b1 * L : U;
    if (b1 > b0)
        bnn_bdense(x, y + b0 * L, w + b0 * bnn_words(N) * L, N, u1 - b0 * L);
}

BNN_INLINE void bnn_bdense_bitserial_part(const uint8_t *x, int32_t *y, const bnn_word *w,
                                          const int32_t *npos, long N, long U, int B,
                                          bnn_word *col, int t, int n)
{
    long b0, b1, L = BNN_L;
    bnn_split((U + L - 1) / L, t, n, &b0, &b1);
    long u1 = b1 * L < U ? b1 * L : U;
    if (b1 > b0)
        bnn_bdense_bitserial(x, y + b0 * L, w + b0 * bnn_words(N) * L, npos + b0 * L, N,
                             u1 - b0 * L, B, col);
}

/* Blocks of 16 units: the masks [block][N]. */
BNN_INLINE void bnn_bdense_f_part(const void *x, bnn_dtype xt, float *y, const uint16_t *w, long N,
                                  long U, int t, int n)
{
    long b0, b1;
    bnn_split((U + 15) / 16, t, n, &b0, &b1);
    long u1 = b1 * 16 < U ? b1 * 16 : U;
    if (b1 > b0)
        bnn_bdense_f(x, xt, y + b0 * 16, w + b0 * N, N, u1 - b0 * 16);
}

/* Units of bnn_dense (bnn_dense_cols, bnn_float.h), split. */
BNN_INLINE void bnn_dense_part(const void *x, bnn_dtype xt, float *y, const float *w, long N,
                               long U, int t, int n)
{
    long u0, u1;
    bnn_split(U, t, n, &u0, &u1);
    if (u1 > u0)
        bnn_dense_cols(x, xt, y, w, N, U, u0, u1);
}

/* ---------------------------------------- pixels of an element layer */

/* The pixels [p0, p1) of P: declares and sets them, returns when empty. */
#define BNN_PIXELS(P)                                                                             \
    long p0, p1;                                                                                  \
    bnn_split((P), t, n, &p0, &p1);                                                               \
    if (p1 <= p0)                                                                                 \
        return

BNN_INLINE void bnn_sign_part(const void *x, bnn_dtype xt, bnn_word *y, long P, long C, int t,
                              int n)
{
    BNN_PIXELS(P);
    bnn_sign(bnn_px(x, xt, p0, C), xt, y + p0 * bnn_words(C), p1 - p0, C);
}

BNN_INLINE void bnn_threshold_int_part(const void *x, bnn_dtype xt, bnn_word *y,
                                       const int32_t *th, const uint8_t *d, long P, long C,
                                       int t, int n)
{
    BNN_PIXELS(P);
    bnn_threshold_int(bnn_px(x, xt, p0, C), xt, y + p0 * bnn_words(C), th, d, p1 - p0, C);
}

BNN_INLINE void bnn_threshold_f_part(const void *x, bnn_dtype xt, bnn_word *y, const float *scale,
                                     const float *shift, long P, long C, int t, int n)
{
    BNN_PIXELS(P);
    bnn_threshold_f(bnn_px(x, xt, p0, C), xt, y + p0 * bnn_words(C), scale, shift, p1 - p0, C);
}

BNN_INLINE void bnn_thresholds_b1_part(const int32_t *x, bnn_word *y, const int32_t *th, long P,
                                       long C, int t, int n)
{
    BNN_PIXELS(P);
    bnn_thresholds_b1(x + p0 * C, y + p0 * bnn_words(C), th, p1 - p0, C);
}

BNN_INLINE void bnn_thresholds_u8_part(const int32_t *x, uint8_t *y, const int32_t *th, long P,
                                       long C, long K, int t, int n)
{
    BNN_PIXELS(P);
    bnn_thresholds_u8(x + p0 * C, y + p0 * C, th, p1 - p0, C, K);
}

BNN_INLINE void bnn_unary_op_part(const void *x, bnn_dtype xt, float *y, long P, long C,
                                  bnn_unary op, int t, int n)
{
    BNN_PIXELS(P);
    bnn_unary_op(bnn_px(x, xt, p0, C), xt, y + p0 * C, p1 - p0, C, op);
}

BNN_INLINE void bnn_batchnorm_part(const void *x, bnn_dtype xt, float *y, const float *scale,
                                   const float *shift, long P, long C, int t, int n)
{
    BNN_PIXELS(P);
    bnn_batchnorm(bnn_px(x, xt, p0, C), xt, y + p0 * C, scale, shift, p1 - p0, C);
}

BNN_INLINE void bnn_prelu_part(const void *x, bnn_dtype xt, float *y, const float *alpha, long P,
                               long C, int t, int n)
{
    BNN_PIXELS(P);
    bnn_prelu(bnn_px(x, xt, p0, C), xt, y + p0 * C, alpha, p1 - p0, C);
}

BNN_INLINE void bnn_add_i32_part(const int32_t *a, const int32_t *b, int32_t *y, long N, int t,
                                 int n)
{
    BNN_PIXELS(N);
    bnn_add_i32(a + p0, b + p0, y + p0, p1 - p0);
}

BNN_INLINE void bnn_add_f_part(const void *a, bnn_dtype at, const void *b, bnn_dtype bt, float *y,
                               long P, long C, int t, int n)
{
    BNN_PIXELS(P);
    bnn_add_f(bnn_px(a, at, p0, C), at, bnn_px(b, bt, p0, C), bt, y + p0 * C, p1 - p0, C);
}

/* The epilogue over 4-byte elements (int32 or float) in place. */
BNN_INLINE void bnn_epilogue_part(void *y, long P, long C, const float *scale, const float *bias,
                                  int from_int, int t, int n)
{
    BNN_PIXELS(P);
    bnn_epilogue((unsigned char *)y + p0 * C * 4, p1 - p0, C, scale, bias, from_int);
}

#undef BNN_PIXELS

#endif
