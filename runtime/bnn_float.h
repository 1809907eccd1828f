/*
 * bnn_float.h: the float layers (conv2d, depthwise_conv2d, dense, and
 * bconv2d/bdense on a float input) and the epilogue of every dot product.
 *
 * They follow docs/semantics.md to the bit: each output is a sum started
 * at 0.0f, of its taps in (ky, kx, ci) order, every product and every sum
 * its own statement. The file that includes this header must not let the
 * compiler fuse them into an FMA: bnn_kernels.h sets `#pragma STDC
 * FP_CONTRACT OFF` (clang) or `#pragma GCC optimize("fp-contract=off")`
 * (gcc) before it. The input may be of any type (bnn_ld: f32, i32 and u8
 * converted, b1 read as -1.0f or +1.0f). Layouts:
 *   - conv2d weights [Kh][Kw][C / groups][Co], or in chunks of 64 output
 *     channels [Co / 64][Kh][Kw][C / groups][64] (`chunk64`, Co a multiple
 *     of 64) so that a block of vectors reads its weights in order;
 *   - depthwise weights [Kh][Kw][C][m];
 *   - binary weights on a float input: bconv2d in kernel packing, word
 *     ci * ceil(taps / BNN_W) + t / BNN_W of output channel co's row,
 *     bit t % BNN_W; bdense 16 units a block, one uint16 mask an input,
 *     [block][input], bit k of unit 16 block + k;
 *   - dense weights [N][U].
 * With valid padding the bounds are not tested (bnn_padded). Every
 * window takes its taps through bnn_tap (bnn_binary.h): the input pixel,
 * or a zero-padded tap to skip, or a same_one one that reads 1.0f.
 * Where BNN_FVEC (bnn_base.h), conv2d keeps 1, 2 or 4 vectors of output
 * channels in registers over the taps (as many as divide the output
 * channels of a group) for four pixels at once where their windows are
 * inside the input, else for one pixel at a time; depthwise_conv2d keeps
 * one vector of output channels for four pixels at once where their
 * windows are inside the input (a weight vector read once a tap for the
 * four), else for one pixel, the channels past the last whole vector by
 * the scalar loop (a multiplier m > 1 fills a lane from input channel
 * o / m); bdense on a float input 16 sums in four vectors. Each lane
 * still sums one output in the scalar order.
 */
#ifndef BNN_FLOAT_H
#define BNN_FLOAT_H

#include "bnn_base.h"
#include "bnn_binary.h"

/* Output pixels of conv2d a block: bnn_conv2d_block computes BNN_FPX
 * consecutive pixels (row-major, they may span rows) at a time, so that a
 * weight vector read once serves them all. */
#define BNN_FPX 4

#if BNN_FVEC
/* conv2d's vector path for output pixel (oy, ox): every channel, NA
 * vectors of BNN_FV channels at a time (NA = 4, 2 or 1, dividing the
 * channels of a group), the sums in registers over the taps in the scalar
 * order; a zero-padded tap is skipped, a same_one padded one reads 1.0f. */
BNN_INLINE void bnn_conv2d_fvec1(const void *x, bnn_dtype xt, float *yo, const float *w,
                                 const bnn_win *g, int chunk64, const int NA, int oy, int ox)
{
    long cg = g->C / g->groups, cog = g->Co / g->groups, taps = (long)g->Kh * g->Kw;
    long wstride = chunk64 ? 64 : g->Co; /* floats from one (tap, ci) row to the next */
    for (int cb = 0; cb < g->Co; cb += NA * BNN_FV) {
        int gr = (int)(cb / cog);
        const float *wb = chunk64 ? w + (long)(cb / 64) * taps * cg * 64 + cb % 64 : w + cb;
        bnn_vf acc[4];
        for (int k = 0; k < NA; k++)
            acc[k] = (bnn_vf){0};
        for (int ky = 0; ky < g->Kh; ky++)
            for (int kx = 0; kx < g->Kw; kx++) {
                long px;
                int tap = bnn_tap(g, oy, ox, ky, kx, &px);
                if (tap == BNN_TAP_SKIP)
                    continue;
                const float *wt = wb + (long)(ky * g->Kw + kx) * cg * wstride;
                for (int ci = 0; ci < cg; ci++) {
                    long xi = px * g->C + gr * cg + ci;
                    float xv = tap == BNN_TAP_ONE ? 1.0f : bnn_ld(x, xt, xi, g->C);
                    const float *wr = wt + ci * wstride;
                    bnn_vf xs = xv - (bnn_vf){0};
                    for (int k = 0; k < NA; k++) {
                        bnn_vf wv;
                        memcpy(&wv, wr + k * BNN_FV, sizeof wv);
                        bnn_vf pr = xs * wv;
                        acc[k] = acc[k] + pr;
                    }
                }
            }
        memcpy(yo + cb, acc, (size_t)NA * sizeof(bnn_vf));
    }
}

/* The same for BNN_FPX pixels from q0 whose windows are all inside the
 * input (bnn_win_inside): BNN_FPX x NA sums in registers, so that each
 * weight vector read serves every pixel; each lane is one output's sum in
 * the scalar order. */
BNN_INLINE void bnn_conv2d_fvec(const void *x, bnn_dtype xt, float *yo, const float *w,
                                const bnn_win *g, int chunk64, const int NA, long q0)
{
    long cg = g->C / g->groups, cog = g->Co / g->groups, taps = (long)g->Kh * g->Kw;
    long wstride = chunk64 ? 64 : g->Co; /* floats from one (tap, ci) row to the next */
    int oy[BNN_FPX], ox[BNN_FPX];
    for (int p = 0; p < BNN_FPX; p++) {
        oy[p] = (int)((q0 + p) / g->Wo);
        ox[p] = (int)((q0 + p) % g->Wo);
    }
    for (int cb = 0; cb < g->Co; cb += NA * BNN_FV) {
        int gr = (int)(cb / cog);
        const float *wb = chunk64 ? w + (long)(cb / 64) * taps * cg * 64 + cb % 64 : w + cb;
        bnn_vf acc[BNN_FPX][4];
        for (int p = 0; p < BNN_FPX; p++)
            for (int k = 0; k < NA; k++)
                acc[p][k] = (bnn_vf){0};
        for (int ky = 0; ky < g->Kh; ky++)
            for (int kx = 0; kx < g->Kw; kx++) {
                long xo[BNN_FPX];
                for (int p = 0; p < BNN_FPX; p++) {
                    int iy = oy[p] * g->sh - g->pt + ky * g->dh;
                    int ix = ox[p] * g->sw - g->pl + kx * g->dw;
                    xo[p] = ((long)iy * g->W + ix) * g->C + gr * cg;
                }
                const float *wt = wb + (long)(ky * g->Kw + kx) * cg * wstride;
                for (int ci = 0; ci < cg; ci++) {
                    const float *wr = wt + ci * wstride;
                    bnn_vf wv[4];
                    for (int k = 0; k < NA; k++)
                        memcpy(&wv[k], wr + k * BNN_FV, sizeof(bnn_vf));
                    for (int p = 0; p < BNN_FPX; p++) {
                        bnn_vf xs = bnn_ld(x, xt, xo[p] + ci, g->C) - (bnn_vf){0};
                        for (int k = 0; k < NA; k++) {
                            bnn_vf pr = xs * wv[k];
                            acc[p][k] = acc[p][k] + pr;
                        }
                    }
                }
            }
        for (int p = 0; p < BNN_FPX; p++)
            for (int k = 0; k < NA; k++)
                memcpy(yo + (long)p * g->Co + cb + k * BNN_FV, &acc[p][k], sizeof(bnn_vf));
    }
}
#endif

/* conv2d's scalar loop for output pixel (oy, ox): yo[Co]. */
BNN_INLINE void bnn_conv2d_px(const void *x, bnn_dtype xt, float *yo, const float *w,
                              const bnn_win *gp, int chunk64, int oy, int ox)
{
    bnn_win g = *gp;
    long cg = g.C / g.groups, cog = g.Co / g.groups, taps = (long)g.Kh * g.Kw;
    for (int co = 0; co < g.Co; co++)
        yo[co] = 0.0f;
    for (int ky = 0; ky < g.Kh; ky++)
        for (int kx = 0; kx < g.Kw; kx++) {
            long px;
            int tap = bnn_tap(&g, oy, ox, ky, kx, &px);
            if (tap == BNN_TAP_SKIP)
                continue;
            for (int gr = 0; gr < g.groups; gr++)
                for (long ci = 0; ci < cg; ci++) {
                    long xi = px * g.C + gr * cg + ci;
                    float xv = tap == BNN_TAP_ONE ? 1.0f : bnn_ld(x, xt, xi, g.C);
                    for (long co = gr * cog; co < (gr + 1) * cog; co++) {
                        float p = xv * (chunk64 ? w[(((co / 64) * taps + ky * g.Kw + kx) * cg +
                                                      ci) * 64 + co % 64]
                                                : w[((long)(ky * g.Kw + kx) * cg + ci) * g.Co +
                                                    co]);
                        yo[co] = yo[co] + p;
                    }
                }
        }
}

/* conv2d's outputs of pixels q0 .. q0 + np - 1 (np = BNN_FPX, or fewer
 * at the end) into yo[np][Co]; returns np. A fused layer's block
 * (bnn_fused.h), and the body of bnn_conv2d. */
BNN_INLINE int bnn_conv2d_block(const void *x, bnn_dtype xt, float *yo, const float *w, bnn_win g,
                                int chunk64, long q0)
{
    long P = (long)g.Ho * g.Wo;
    int np = P - q0 < BNN_FPX ? (int)(P - q0) : BNN_FPX;
#if BNN_FVEC
    long cog = g.Co / g.groups;
    int na = cog % (4 * BNN_FV) == 0 ? 4 : cog % (2 * BNN_FV) == 0 ? 2 : cog % BNN_FV == 0 ? 1 : 0;
    if (na) {
        int inside = np == BNN_FPX;
        for (int p = 0; p < np && inside; p++)
            inside = bnn_win_inside(&g, q0 + p);
        if (inside && na == 4) /* a constant NA each: the sums stay in registers */
            bnn_conv2d_fvec(x, xt, yo, w, &g, chunk64, 4, q0);
        else if (inside && na == 2)
            bnn_conv2d_fvec(x, xt, yo, w, &g, chunk64, 2, q0);
        else if (inside)
            bnn_conv2d_fvec(x, xt, yo, w, &g, chunk64, 1, q0);
        else /* a window on the padding: pixel by pixel, its taps skipped */
            for (int p = 0; p < np; p++)
                bnn_conv2d_fvec1(x, xt, yo + (long)p * g.Co, w, &g, chunk64, na,
                                 (int)((q0 + p) / g.Wo), (int)((q0 + p) % g.Wo));
        return np;
    }
#endif
        for (int p = 0; p < np; p++)
            bnn_conv2d_px(x, xt, yo + (long)p * g.Co, w, &g, chunk64, (int)((q0 + p) / g.Wo),
                          (int)((q0 + p) % g.Wo));
    return np;
}

/* conv2d (float weights w, see above) of x of type xt: y[Ho][Wo][Co]
 * float. A same_one padded tap reads 1.0f; a zero-padded one is skipped. */
BNN_INLINE void bnn_conv2d(const void *x, bnn_dtype xt, float *y, const float *w, bnn_win g,
                           int chunk64)
{
    for (long q0 = 0; q0 < (long)g.Ho * g.Wo; q0 += BNN_FPX)
        bnn_conv2d_block(x, xt, y + q0 * g.Co, w, g, chunk64, q0);
}

/* depthwise_conv2d's scalar loop for output pixel (oy, ox): output
 * channels o0 .. Co - 1 of yo[Co] (output channel o = c * m + k reads
 * input channel c = o / m, weights [Kh][Kw][C][m], so a tap's weights are
 * in the order of the outputs). */
BNN_INLINE void bnn_dw_px(const void *x, bnn_dtype xt, float *yo, const float *w, const bnn_win *g,
                          long o0, int oy, int ox)
{
    long m = g->Co / g->C;
    for (long o = o0; o < g->Co; o++)
        yo[o] = 0.0f;
    for (int ky = 0; ky < g->Kh; ky++)
        for (int kx = 0; kx < g->Kw; kx++) {
            long px;
            int tap = bnn_tap(g, oy, ox, ky, kx, &px);
            if (tap == BNN_TAP_SKIP)
                continue;
            const float *wr = w + (long)(ky * g->Kw + kx) * g->Co;
            for (long o = o0; o < g->Co; o++) {
                long xi = px * g->C + o / m;
                float xv = tap == BNN_TAP_ONE ? 1.0f : bnn_ld(x, xt, xi, g->C);
                float p = xv * wr[o];
                yo[o] = yo[o] + p;
            }
        }
}

#if BNN_FVEC
/* The inputs of output channels o .. o + BNN_FV - 1 of a depthwise layer
 * of multiplier m at input pixel px (a same_one padded tap, one: 1.0f in
 * every lane):
 * lane l reads input channel (o + l) / m; with m = 1, bnn_ld_vf. */
BNN_INLINE bnn_vf bnn_dw_x(const void *x, bnn_dtype xt, const bnn_win *g, long m, long px, int one,
                           long o)
{
    bnn_vf v;
    if (one)
        return 1.0f - (bnn_vf){0};
    if (m == 1)
        return bnn_ld_vf(x, xt, px * g->C + o, g->C);
    float t[BNN_FV];
    for (int l = 0; l < BNN_FV; l++)
        t[l] = bnn_ld(x, xt, px * g->C + (o + l) / m, g->C);
    memcpy(&v, t, sizeof v);
    return v;
}

/* depthwise_conv2d's vector path for BNN_FPX pixels from q0 whose windows
 * are inside the input: the first nv output channels (a multiple of
 * BNN_FV) a vector at a time, the BNN_FPX sums in registers over the taps,
 * one weight vector read a tap for all of them; each lane sums one output
 * in the scalar order. */
BNN_INLINE void bnn_dw_fvec(const void *x, bnn_dtype xt, float *y, const float *w,
                            const bnn_win *g, long nv, long q0)
{
    long m = g->Co / g->C, p0[BNN_FPX];
    for (int p = 0; p < BNN_FPX; p++) /* tap (0, 0) of each pixel */
        p0[p] = (long)((int)((q0 + p) / g->Wo) * g->sh - g->pt) * g->W +
                (int)((q0 + p) % g->Wo) * g->sw - g->pl;
    for (long o = 0; o < nv; o += BNN_FV) {
        bnn_vf acc[BNN_FPX];
        for (int p = 0; p < BNN_FPX; p++)
            acc[p] = (bnn_vf){0};
        for (int ky = 0; ky < g->Kh; ky++)
            for (int kx = 0; kx < g->Kw; kx++) {
                long d = (long)ky * g->dh * g->W + (long)kx * g->dw;
                bnn_vf wv;
                memcpy(&wv, w + (long)(ky * g->Kw + kx) * g->Co + o, sizeof wv);
                for (int p = 0; p < BNN_FPX; p++) {
                    bnn_vf pr = bnn_dw_x(x, xt, g, m, p0[p] + d, 0, o) * wv;
                    acc[p] = acc[p] + pr;
                }
            }
        for (int p = 0; p < BNN_FPX; p++)
            memcpy(y + (q0 + p) * g->Co + o, &acc[p], sizeof(bnn_vf));
    }
}

/* The same for one pixel (oy, ox) whose window may reach the padding: a
 * zero-padded tap skipped, a same_one one read as 1.0f (bnn_tap). */
BNN_INLINE void bnn_dw_fvec1(const void *x, bnn_dtype xt, float *yo, const float *w,
                             const bnn_win *g, long nv, int oy, int ox)
{
    long m = g->Co / g->C;
    for (long o = 0; o < nv; o += BNN_FV) {
        bnn_vf acc = {0};
        for (int ky = 0; ky < g->Kh; ky++)
            for (int kx = 0; kx < g->Kw; kx++) {
                long px;
                int tap = bnn_tap(g, oy, ox, ky, kx, &px);
                if (tap == BNN_TAP_SKIP)
                    continue;
                bnn_vf wv;
                memcpy(&wv, w + (long)(ky * g->Kw + kx) * g->Co + o, sizeof wv);
                bnn_vf pr = bnn_dw_x(x, xt, g, m, px, tap == BNN_TAP_ONE, o) * wv;
                acc = acc + pr;
            }
        memcpy(yo + o, &acc, sizeof acc);
    }
}
#endif

/* depthwise_conv2d: output channel c * m + k reads input channel c,
 * weights [Kh][Kw][C][m]; g.Co = C * m, g.groups = C. Where BNN_FVEC,
 * BNN_FPX pixels at a time whose windows are inside the input
 * (bnn_dw_fvec), else pixel by pixel (bnn_dw_fvec1), vectors of output
 * channels; the channels past the last whole vector by the scalar loop. */
BNN_INLINE void bnn_depthwise_conv2d(const void *x, bnn_dtype xt, float *y, const float *w,
                                     bnn_win g)
{
    long P = (long)g.Ho * g.Wo, nv = 0;
#if BNN_FVEC
    nv = g.Co / BNN_FV * BNN_FV;
#endif
    for (long q0 = 0; q0 < P; q0 += BNN_FPX) {
        int np = P - q0 < BNN_FPX ? (int)(P - q0) : BNN_FPX;
#if BNN_FVEC
        if (nv) {
            int inside = np == BNN_FPX;
            for (int p = 0; p < np && inside; p++)
                inside = bnn_win_inside(&g, q0 + p);
            if (inside)
                bnn_dw_fvec(x, xt, y, w, &g, nv, q0);
            else
                for (int p = 0; p < np; p++)
                    bnn_dw_fvec1(x, xt, y + (q0 + p) * g.Co, w, &g, nv, (int)((q0 + p) / g.Wo),
                                 (int)((q0 + p) % g.Wo));
        }
#endif
        if (nv < g.Co)
            for (int p = 0; p < np; p++)
                bnn_dw_px(x, xt, y + (q0 + p) * g.Co, w, &g, nv, (int)((q0 + p) / g.Wo),
                          (int)((q0 + p) % g.Wo));
    }
}

/* bconv2d with binary weights (kernel packing, one row of C / groups *
 * ceil(taps / BNN_W) words an output channel) on a float input: x * (+1
 * or -1) is exactly x or -x, added in the order of conv2d. */
BNN_INLINE void bnn_conv2d_bw(const void *x, bnn_dtype xt, float *y, const bnn_word *w, bnn_win g)
{
    long cg = g.C / g.groups, cog = g.Co / g.groups, KW = bnn_words((long)g.Kh * g.Kw);
    for (int oy = 0; oy < g.Ho; oy++)
        for (int ox = 0; ox < g.Wo; ox++) {
            float *yo = y + ((long)oy * g.Wo + ox) * g.Co;
            for (int co = 0; co < g.Co; co++)
                yo[co] = 0.0f;
            for (int ky = 0; ky < g.Kh; ky++)
                for (int kx = 0; kx < g.Kw; kx++) {
                    long px;
                    int tap = bnn_tap(&g, oy, ox, ky, kx, &px);
                    int t = ky * g.Kw + kx;
                    if (tap == BNN_TAP_SKIP)
                        continue;
                    for (int gr = 0; gr < g.groups; gr++)
                        for (long ci = 0; ci < cg; ci++) {
                            long xi = px * g.C + gr * cg + ci;
                            float xv = tap == BNN_TAP_ONE ? 1.0f : bnn_ld(x, xt, xi, g.C);
                            for (long co = gr * cog; co < (gr + 1) * cog; co++) {
                                bnn_word wv = w[co * cg * KW + ci * KW + t / BNN_W];
                                float p = xv * (float)(2 * (int)((wv >> (t % BNN_W)) & 1u) - 1);
                                yo[co] = yo[co] + p;
                            }
                        }
                }
        }
}

/* Units [u0, u1) of dense with float weights [N][U] on x of N values of
 * type xt: each sum started at 0.0f, plus x[i] * w[i][u] in input order.
 * The weights stream row after row (the compiler vectorises over u, the
 * sums in L1): 8 vectors of units in registers over the inputs, with
 * their rows read in strided pieces, were 1.2 to 1.34 times slower where
 * the weights come from L3 or DRAM (docs/benchmarks.md). */
BNN_INLINE void bnn_dense_cols(const void *x, bnn_dtype xt, float *y, const float *w, long N,
                               long U, long u0, long u1)
{
    for (long u = u0; u < u1; u++)
        y[u] = 0.0f;
    for (long i = 0; i < N; i++) {
        float xv = bnn_ld(x, xt, i, N);
        const float *wr = w + i * U;
        for (long u = u0; u < u1; u++) {
            float p = xv * wr[u];
            y[u] = y[u] + p;
        }
    }
}

/* dense with float weights [N][U] on x of N values of type xt. */
BNN_INLINE void bnn_dense(const void *x, bnn_dtype xt, float *y, const float *w, long N, long U)
{
    bnn_dense_cols(x, xt, y, w, N, U, 0, U);
}

#if BNN_FVEC
static const bnn_v4u bnn_fbit[4] = {{1u, 2u, 4u, 8u}, {16u, 32u, 64u, 128u},
    {256u, 512u, 1024u, 2048u}, {4096u, 8192u, 16384u, 32768u}};
static const bnn_v4u bnn_fsign = {0x80000000u, 0x80000000u, 0x80000000u, 0x80000000u};
#endif

/* bdense with binary weights on a float input: 16 units a block, masks
 * wm[block][N] (bit k: unit 16 block + k is +1). With vectors, a lane
 * adds x with its sign bit flipped where the weight is -1 (exactly x * -1
 * for every number but a NaN), in the order of the scalar loop. */
BNN_INLINE void bnn_bdense_f(const void *x, bnn_dtype xt, float *y, const uint16_t *w, long N,
                             long U)
{
    for (long blk = 0; blk < (U + 15) / 16; blk++) {
        float acc[16];
        const uint16_t *wm = w + blk * N;
#if BNN_FVEC
        bnn_v4f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        for (long i = 0; i < N; i++) {
            float xv = bnn_ld(x, xt, i, N);
            uint32_t xb;
            memcpy(&xb, &xv, 4);
            bnn_v4u m = (bnn_v4u){0, 0, 0, 0} + (uint32_t)wm[i];
            bnn_v4u xs = (bnn_v4u){0, 0, 0, 0} + xb;
            a0 += (bnn_v4f)(xs ^ ((bnn_v4u)((m & bnn_fbit[0]) == 0) & bnn_fsign));
            a1 += (bnn_v4f)(xs ^ ((bnn_v4u)((m & bnn_fbit[1]) == 0) & bnn_fsign));
            a2 += (bnn_v4f)(xs ^ ((bnn_v4u)((m & bnn_fbit[2]) == 0) & bnn_fsign));
            a3 += (bnn_v4f)(xs ^ ((bnn_v4u)((m & bnn_fbit[3]) == 0) & bnn_fsign));
        }
        memcpy(acc, &a0, 16);
        memcpy(acc + 4, &a1, 16);
        memcpy(acc + 8, &a2, 16);
        memcpy(acc + 12, &a3, 16);
#else
        for (int k = 0; k < 16; k++)
            acc[k] = 0.0f;
        for (long i = 0; i < N; i++) {
            float xv = bnn_ld(x, xt, i, N);
            unsigned mv = wm[i];
            for (int k = 0; k < 16; k++) {
                float p = xv * (float)(2 * (int)((mv >> k) & 1u) - 1);
                acc[k] = acc[k] + p;
            }
        }
#endif
        for (int k = 0; k < 16 && blk * 16 + k < U; k++)
            y[blk * 16 + k] = acc[k];
    }
}


/* Value v of channel c times scale[c], then plus bias[c], each when not
 * NULL: the epilogue of a dot product, a statement at a time (no FP
 * contraction: bnn_kernels.h). */
BNN_INLINE float bnn_scale_bias(float v, long c, const float *scale, const float *bias)
{
    if (scale) {
        float p = v * scale[c];
        v = p;
    }
    if (bias) {
        float b = v + bias[c];
        v = b;
    }
    return v;
}

/* The end of a dot product (docs/semantics.md section 3), in place over a
 * layer's output of P pixels of C channels once its kernel has written
 * it: v = v * scale[c] (scale not NULL), then v = v + bias[c] (bias not
 * NULL), each a rounded float statement. With `from_int` the elements are
 * the int32 dot products of a binary or bit-serial layer, which become
 * floats in place (memcpy: the bytes change type). */
BNN_INLINE void bnn_epilogue(void *y, long P, long C, const float *scale, const float *bias,
                             int from_int)
{
    unsigned char *q = (unsigned char *)y;
    for (long px = 0; px < P; px++)
        for (long c = 0; c < C; c++, q += 4) {
            float v;
            if (from_int) {
                int32_t a;
                memcpy(&a, q, 4);
                v = (float)a;
            } else {
                memcpy(&v, q, 4);
            }
            v = bnn_scale_bias(v, c, scale, bias);
            memcpy(q, &v, 4);
        }
}

#endif
