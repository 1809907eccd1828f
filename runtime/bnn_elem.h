/*
 * bnn_elem.h: the layers that read each element once, or a window of
 * them without weights: binarisation (sign, the fused sign(batchnorm)
 * threshold), FINN's thresholds, the element-wise operations, the pools,
 * softmax.
 *
 * A tensor is P pixels of C channels, row-major (docs/semantics.md
 * section 1); the channel of flat element i is i % C, and these loops run
 * over pixels, then channels: contiguous, no division, vectorisable. A b1
 * output is packed a word at a time (bnn_base.h). Float operations follow
 * docs/semantics.md to the bit, every product and sum its own statement;
 * the inputs they read may be of any type (bnn_ld).
 *
 * The pools read their windows through bnn_tap (bnn_binary.h). Where
 * BNN_FVEC, maxpool on f32 and avgpool on any input run a vector of
 * channels at a time, the window folded into it in a register (a pixel
 * whose window is inside the input without a test of its taps), the
 * channels past the last whole vector one at a time; maxpool's step is
 * x > y ? x : y in each lane (on x86 MAXPS, which is exactly that), so
 * NaN and -0.0f come out as in the interpreter. maxpool on b1, i32 and u8
 * (and without vectors) passes over rows of channels.
 */
#ifndef BNN_ELEM_H
#define BNN_ELEM_H

#include "bnn_base.h"
#include "bnn_binary.h"

/* y = the word of nb bits (nb <= BNN_W) whose bit b is the 0 or 1 of BIT,
 * an expression in the loop variable b: with the flavour's
 * bnn_pack_bytes (bnn_flavour.h), the bits go to bytes first, a loop of
 * compares that compilers vectorise, then into the word; otherwise each
 * is ORed in as it is computed. */
#if defined(BNN_HAVE_PACK_BYTES)
#define BNN_PACK_BITS(y, nb, b, BIT)                  \
    do {                                              \
        uint8_t m_[BNN_W];                            \
        for (int b = 0; b < (nb); b++)                \
            m_[b] = (uint8_t)(BIT);                   \
        (y) = bnn_pack_bytes(m_, (nb));               \
    } while (0)
#else
#define BNN_PACK_BITS(y, nb, b, BIT)                  \
    do {                                              \
        bnn_word a_ = 0;                              \
        for (int b = 0; b < (nb); b++)                \
            a_ |= (bnn_word)(BIT) << b;               \
        (y) = a_;                                     \
    } while (0)
#endif

/* The channels of word cw of a pixel of C channels. */
BNN_INLINE int bnn_word_bits(long C, int cw)
{
    return C - (long)cw * BNN_W < BNN_W ? (int)(C - (long)cw * BNN_W) : BNN_W;
}

/* sign of element i (channel c = i % C) of x: +1 where x >= 0 (u8
 * always; b1 the identity; -0.0f gives +1, NaN -1). */
BNN_INLINE int bnn_sign_bit(const void *x, bnn_dtype xt, long i, long C, long CW)
{
    return xt == BNN_B1    ? bnn_bit((const bnn_word *)x, i, C, CW)
           : xt == BNN_F32 ? ((const float *)x)[i] >= 0.0f
           : xt == BNN_U8  ? 1
                           : ((const int32_t *)x)[i] >= 0;
}

/* One word of signs: bit b set where v[b] >= 0 (-0.0f gives +1, NaN -1),
 * b < BNN_W. */
#if defined(BNN_AVX512_H) && BNN_W == 64
BNN_AVX512_ATTR
static inline bnn_word bnn_epi_sign_word(const float *v)
{
    const __m512 z = _mm512_setzero_ps();
    bnn_word m0 = _mm512_cmp_ps_mask(_mm512_loadu_ps(v), z, _CMP_GE_OQ);
    bnn_word m1 = _mm512_cmp_ps_mask(_mm512_loadu_ps(v + 16), z, _CMP_GE_OQ);
    bnn_word m2 = _mm512_cmp_ps_mask(_mm512_loadu_ps(v + 32), z, _CMP_GE_OQ);
    bnn_word m3 = _mm512_cmp_ps_mask(_mm512_loadu_ps(v + 48), z, _CMP_GE_OQ);
    return m0 | m1 << 16 | m2 << 32 | m3 << 48;
}
#elif defined(BNN_AVX2_H) && BNN_W == 64
__attribute__((target("avx2")))
static inline bnn_word bnn_epi_sign_word(const float *v)
{
    const __m256 z = _mm256_setzero_ps();
    bnn_word bits = 0;
    for (int k = 0; k < 8; k++)
        bits |= (bnn_word)(unsigned)_mm256_movemask_ps(
                    _mm256_cmp_ps(_mm256_loadu_ps(v + 8 * k), z, _CMP_GE_OQ))
                << (8 * k);
    return bits;
}
#else
BNN_INLINE bnn_word bnn_epi_sign_word(const float *v)
{
    bnn_word bits = 0;
    for (int b = 0; b < BNN_W; b++)
        bits |= (bnn_word)(v[b] >= 0.0f) << b;
    return bits;
}
#endif

/* The signs of np pixels of C floats v as b1 rows y (bnn_sign's bits):
 * whole words by bnn_epi_sign_word, the channels left one by one. A sign
 * layer on floats, and the fused layers' signs (bnn_fused.h). */
BNN_INLINE void bnn_epi_pack(bnn_word *y, const float *v, long np, long C)
{
    long CW = bnn_words(C), whole = C / BNN_W;
    for (long px = 0; px < np; px++) {
        for (long cw = 0; cw < whole; cw++)
            y[px * CW + cw] = bnn_epi_sign_word(v + px * C + cw * BNN_W);
        if (whole < CW) {
            bnn_word bits = 0;
            for (long c = whole * BNN_W; c < C; c++)
                bits |= (bnn_word)(v[px * C + c] >= 0.0f) << (c - whole * BNN_W);
            y[px * CW + whole] = bits;
        }
    }
}

/* sign on an input of type xt into b1 (bnn_sign_bit; floats
 * by bnn_epi_pack, a word of vector compares). */
BNN_INLINE void bnn_sign(const void *x, bnn_dtype xt, bnn_word *y, long P, long C)
{
    if (xt == BNN_F32) {
        bnn_epi_pack(y, (const float *)x, P, C);
        return;
    }
    long CW = bnn_words(C);
    for (long px = 0; px < P; px++)
        for (int cw = 0; cw < CW; cw++) {
            long i0 = px * C + (long)cw * BNN_W;
            BNN_PACK_BITS(y[px * CW + cw], bnn_word_bits(C, cw), b,
                          bnn_sign_bit(x, xt, i0 + b, C, CW));
        }
}

/* The bit of sign(batchnorm(v)) for channel c by one integer compare:
 * (v >= t[c]) differs from bit c of d (d[c / 8] >> c % 8; set where the
 * compare is v <= t[c] - 1). */
BNN_INLINE int bnn_threshold_bit(int32_t v, const int32_t *t, const uint8_t *d, int c)
{
    return (v >= t[c]) ^ ((d[c >> 3] >> (c & 7)) & 1);
}

/* sign(batchnorm(x)) on an integer x (i32, or u8 when xt is BNN_U8),
 * bnn_threshold_bit a channel. The emitter finds t and d by evaluating
 * the float expression for the integers the layer can produce
 * (docs/codegen.md). */
BNN_INLINE void bnn_threshold_int(const void *x, bnn_dtype xt, bnn_word *y, const int32_t *t,
                                  const uint8_t *d, long P, long C)
{
    long CW = bnn_words(C);
    for (long px = 0; px < P; px++)
        for (int cw = 0; cw < CW; cw++) {
            long i0 = px * C + (long)cw * BNN_W;
            int c0 = cw * BNN_W;
            if (xt == BNN_U8)
                BNN_PACK_BITS(y[px * CW + cw], bnn_word_bits(C, cw), b,
                              bnn_threshold_bit(((const uint8_t *)x)[i0 + b], t, d, c0 + b));
            else
                BNN_PACK_BITS(y[px * CW + cw], bnn_word_bits(C, cw), b,
                              bnn_threshold_bit(((const int32_t *)x)[i0 + b], t, d, c0 + b));
        }
}

/* The bit of sign(batchnorm(x)) as floats for element i, channel c: +1
 * where (float)x * scale[c] + shift[c] >= 0, a rounded product then a
 * rounded sum. */
BNN_INLINE int bnn_threshold_f_bit(const void *x, bnn_dtype xt, long i, long C, int c,
                                   const float *scale, const float *shift)
{
    float p = bnn_ld(x, xt, i, C) * scale[c];
    float v = p + shift[c];
    return v >= 0.0f;
}

/* sign(batchnorm(x)) as floats (bnn_threshold_f_bit). */
BNN_INLINE void bnn_threshold_f(const void *x, bnn_dtype xt, bnn_word *y, const float *scale,
                                const float *shift, long P, long C)
{
    long CW = bnn_words(C);
    for (long px = 0; px < P; px++)
        for (int cw = 0; cw < CW; cw++) {
            long i0 = px * C + (long)cw * BNN_W;
            int c0 = cw * BNN_W;
            BNN_PACK_BITS(y[px * CW + cw], bnn_word_bits(C, cw), b,
                          bnn_threshold_f_bit(x, xt, i0 + b, C, c0 + b, scale, shift));
        }
}

/* thresholds with one level, into b1: +1 where x >= t[c] (t the integer
 * threshold: ceil(T) for x >= T, floor(T) + 1 for x > T). */
BNN_INLINE void bnn_thresholds_b1(const int32_t *x, bnn_word *y, const int32_t *t, long P, long C)
{
    long CW = bnn_words(C);
    for (long px = 0; px < P; px++)
        for (int cw = 0; cw < CW; cw++) {
            long i0 = px * C + (long)cw * BNN_W;
            int c0 = cw * BNN_W;
            BNN_PACK_BITS(y[px * CW + cw], bnn_word_bits(C, cw), b, x[i0 + b] >= t[c0 + b]);
        }
}

/* thresholds with K levels into u8: the count of t[c][k] (int32 [C][K])
 * that x reaches. */
BNN_INLINE void bnn_thresholds_u8(const int32_t *x, uint8_t *y, const int32_t *t, long P, long C,
                                  long K)
{
    for (long px = 0; px < P; px++)
        for (long c = 0; c < C; c++) {
            int32_t v = x[px * C + c];
            const int32_t *tc = t + c * K;
            int count = 0;
            for (int k = 0; k < K; k++)
                count += v >= tc[k];
            y[px * C + c] = (uint8_t)count;
        }
}

/* The element-wise operations on float results (docs/semantics.md
 * section 3), over P pixels of C channels of x of type xt. */
typedef enum { BNN_RELU, BNN_HARDTANH, BNN_SIGMOID } bnn_unary;

/* relu (x > 0 ? x : 0, so -0.0f gives +0.0f), hardtanh (clamp to [-1,
 * 1]), sigmoid (1 / (1 + expf(-x)), each step rounded). */
BNN_INLINE void bnn_unary_op(const void *x, bnn_dtype xt, float *y, long P, long C, bnn_unary op)
{
    for (long px = 0; px < P; px++)
        for (long c = 0; c < C; c++) {
            long i = px * C + c;
            float v = bnn_ld(x, xt, i, C);
            if (op == BNN_RELU) {
                y[i] = v > 0.0f ? v : 0.0f;
            } else if (op == BNN_HARDTANH) {
                y[i] = v < -1.0f ? -1.0f : (v > 1.0f ? 1.0f : v);
            } else {
                float e = expf(-v);
                float d = 1.0f + e;
                y[i] = 1.0f / d;
            }
        }
}

/* batchnorm, folded: y = x * scale[c] + shift[c], a rounded product then a
 * rounded sum. */
BNN_INLINE void bnn_batchnorm(const void *x, bnn_dtype xt, float *y, const float *scale,
                              const float *shift, long P, long C)
{
    for (long px = 0; px < P; px++)
        for (long c = 0; c < C; c++) {
            long i = px * C + c;
            float p = bnn_ld(x, xt, i, C) * scale[c];
            y[i] = p + shift[c];
        }
}

/* prelu: y = x >= 0 ? x : alpha[c] * x. */
BNN_INLINE void bnn_prelu(const void *x, bnn_dtype xt, float *y, const float *alpha, long P, long C)
{
    for (long px = 0; px < P; px++)
        for (long c = 0; c < C; c++) {
            long i = px * C + c;
            float v = bnn_ld(x, xt, i, C);
            float p = alpha[c] * v;
            y[i] = v >= 0.0f ? v : p;
        }
}

/* add of two i32 tensors: the exact sum, wrapping as two's complement (the
 * shapes keep it in range). */
BNN_INLINE void bnn_add_i32(const int32_t *a, const int32_t *b, int32_t *y, long n)
{
    for (long i = 0; i < n; i++)
        y[i] = (int32_t)((uint32_t)a[i] + (uint32_t)b[i]);
}

/* add of anything else: (float)a + (float)b, one rounded sum. */
BNN_INLINE void bnn_add_f(const void *a, bnn_dtype at, const void *b, bnn_dtype bt, float *y,
                          long P, long C)
{
    for (long px = 0; px < P; px++)
        for (long c = 0; c < C; c++) {
            long i = px * C + c;
            float u = bnn_ld(a, at, i, C);
            float v = bnn_ld(b, bt, i, C);
            y[i] = u + v;
        }
}

/* The float pools, maxpool on f32 and avgpool on any input, for output
 * pixel (oy, ox): channels c0 .. C - 1 of yo[C] one at a time. A pool
 * leaves every padded tap out (bnn_tap's BNN_TAP_SKIP and BNN_TAP_ONE
 * alike). maxpool: the first real tap in (ky, kx) order, then v = x > v ?
 * x : v a tap (a NaN tap leaves v, a NaN v stays, of -0.0f and +0.0f the
 * earlier stays); avgpool: s = 0.0f, plus each real tap, then s / (float)
 * the count of real taps (at least 1: a window holds a real tap). */
BNN_INLINE void bnn_pool_px(const void *x, bnn_dtype xt, float *yo, const bnn_win *g, long c0,
                            int oy, int ox, int avg)
{
    for (long c = c0; c < g->C; c++) {
        float s = 0.0f;
        int count = 0;
        for (int ky = 0; ky < g->Kh; ky++)
            for (int kx = 0; kx < g->Kw; kx++) {
                long px;
                int tap = bnn_tap(g, oy, ox, ky, kx, &px);
                if (tap != BNN_TAP_IN)
                    continue;
                float v = bnn_ld(x, xt, px * g->C + c, g->C);
                if (avg)
                    s = s + v;
                else
                    s = count == 0 || v > s ? v : s;
                count++;
            }
        yo[c] = avg ? s / (float)count : s;
    }
}

#if BNN_FVEC && defined(__SSE2__)
#include <immintrin.h>
#endif
#if BNN_FVEC
/* x > y ? x : y in each lane, maxpool's step (bnn_pool_px). On x86 one
 * MAXPS: it returns its first operand where it is greater, else the
 * second, so also where either is a NaN or both are zeros (Intel SDM,
 * MAXPS); elsewhere a compare and a select. */
BNN_INLINE bnn_vf bnn_vmax(bnn_vf x, bnn_vf y)
{
#if defined(__AVX512F__)
    return (bnn_vf)_mm512_max_ps((__m512)x, (__m512)y);
#elif defined(__AVX__)
    return (bnn_vf)_mm256_max_ps((__m256)x, (__m256)y);
#elif defined(__SSE2__)
    return (bnn_vf)_mm_max_ps((__m128)x, (__m128)y);
#else
    bnn_vi k = x > y;
    return (bnn_vf)((k & (bnn_vi)x) | (~k & (bnn_vi)y));
#endif
}

/* bnn_pool_px's vector path for channels 0 .. nv - 1 (a multiple of
 * BNN_FV) of pixel (oy, ox): a vector of channels at a time, the window's
 * taps folded into it in register, each lane in the scalar order. */
BNN_INLINE void bnn_pool_fvec(const void *x, bnn_dtype xt, float *yo, const bnn_win *g, long nv,
                              int oy, int ox, int avg)
{
    for (long o = 0; o < nv; o += BNN_FV) {
        bnn_vf acc = {0};
        int count = 0;
        for (int ky = 0; ky < g->Kh; ky++)
            for (int kx = 0; kx < g->Kw; kx++) {
                long px;
                int tap = bnn_tap(g, oy, ox, ky, kx, &px);
                if (tap != BNN_TAP_IN)
                    continue;
                bnn_vf v = bnn_ld_vf(x, xt, px * g->C + o, g->C);
                if (avg)
                    acc = acc + v;
                else
                    acc = count ? bnn_vmax(v, acc) : v;
                count++;
            }
        if (avg)
            acc = acc / ((float)count - (bnn_vf){0});
        memcpy(yo + o, &acc, sizeof acc);
    }
}
#endif

/* The float pools over the whole output (bnn_pool_px): where BNN_FVEC,
 * vectors of channels (bnn_pool_fvec), a pixel whose window is inside the
 * input through a copy of g with valid padding, so that its taps are not
 * tested; the channels past the last whole vector one at a time. */
BNN_INLINE void bnn_pool_f(const void *x, bnn_dtype xt, float *y, bnn_win g, int avg)
{
    long nv = 0;
#if BNN_FVEC
    nv = g.C / BNN_FV * BNN_FV;
    bnn_win gi = g;
    gi.pad = BNN_PAD_VALID;
#endif
    for (int oy = 0; oy < g.Ho; oy++)
        for (int ox = 0; ox < g.Wo; ox++) {
            float *yo = y + ((long)oy * g.Wo + ox) * g.C;
#if BNN_FVEC
            if (nv && bnn_win_inside(&g, (long)oy * g.Wo + ox))
                bnn_pool_fvec(x, xt, yo, &gi, nv, oy, ox, avg);
            else if (nv)
                bnn_pool_fvec(x, xt, yo, &g, nv, oy, ox, avg);
#endif
            if (nv < g.C)
                bnn_pool_px(x, xt, yo, &g, nv, oy, ox, avg);
        }
}

/* maxpool over x of type xt (g: the window; g.Co = g.C): the largest
 * element of the real taps, from the first real tap on in (ky, kx) order
 * (y = x > y ? x : y); on b1, the OR of the words. */
/* One window tap of maxpool over rows of type T: the first real tap
 * copied, the others compared, in loops of their own (a test of `first`
 * inside the compare loop keeps gcc from vectorising it). */
#define BNN_MAX_ROW(T)                                                                            \
    do {                                                                                          \
        T *yo_ = (T *)y + o;                                                                      \
        const T *xr_ = (const T *)x + base;                                                       \
        if (first)                                                                                \
            for (long c = 0; c < C; c++)                                                          \
                yo_[c] = xr_[c];                                                                  \
        else                                                                                      \
            for (long c = 0; c < C; c++)                                                          \
                yo_[c] = xr_[c] > yo_[c] ? xr_[c] : yo_[c];                                       \
    } while (0)

BNN_INLINE void bnn_maxpool(const void *x, bnn_dtype xt, void *y, bnn_win g)
{
    long C = xt == BNN_B1 ? bnn_words(g.C) : g.C;
#if BNN_FVEC
    if (xt == BNN_F32) {
        bnn_pool_f(x, xt, (float *)y, g, 0);
        return;
    }
#endif
    for (int oy = 0; oy < g.Ho; oy++)
        for (int ox = 0; ox < g.Wo; ox++) {
            long o = ((long)oy * g.Wo + ox) * C;
            int first = 1;
            for (int ky = 0; ky < g.Kh; ky++)
                for (int kx = 0; kx < g.Kw; kx++) {
                    int iy = oy * g.sh - g.pt + ky, ix = ox * g.sw - g.pl + kx;
                    if (bnn_padded(&g, iy, ix))
                        continue;
                    long base = ((long)iy * g.W + ix) * C;
                    if (xt == BNN_B1) {
                        bnn_word *yo = (bnn_word *)y + o;
                        const bnn_word *xr = (const bnn_word *)x + base;
                        for (long c = 0; c < C; c++)
                            yo[c] = first ? xr[c] : yo[c] | xr[c];
                    } else if (xt == BNN_F32) {
                        BNN_MAX_ROW(float);
                    } else if (xt == BNN_I32) {
                        BNN_MAX_ROW(int32_t);
                    } else {
                        BNN_MAX_ROW(uint8_t);
                    }
                    first = 0;
                }
        }
}

/* avgpool: s = 0.0f, plus each real tap in (ky, kx) order, then s /
 * (float)count of the real taps. */
BNN_INLINE void bnn_avgpool(const void *x, bnn_dtype xt, float *y, bnn_win g)
{
#if BNN_FVEC
    bnn_pool_f(x, xt, y, g, 1);
#else
    for (int oy = 0; oy < g.Ho; oy++)
        for (int ox = 0; ox < g.Wo; ox++) {
            float *yo = y + ((long)oy * g.Wo + ox) * g.C;
            int count = 0; /* at least 1: a window holds a real tap */
            for (int c = 0; c < g.C; c++)
                yo[c] = 0.0f;
            for (int ky = 0; ky < g.Kh; ky++)
                for (int kx = 0; kx < g.Kw; kx++) {
                    int iy = oy * g.sh - g.pt + ky, ix = ox * g.sw - g.pl + kx;
                    if (bnn_padded(&g, iy, ix))
                        continue;
                    long base = ((long)iy * g.W + ix) * g.C;
                    count++;
                    if (xt == BNN_F32) { /* a float row read as one (vectorised) */
                        const float *xr = (const float *)x + base;
                        for (int c = 0; c < g.C; c++)
                            yo[c] = yo[c] + xr[c];
                    } else {
                        for (int c = 0; c < g.C; c++) {
                            float v = bnn_ld(x, xt, base + c, g.C);
                            yo[c] = yo[c] + v;
                        }
                    }
                }
            for (int c = 0; c < g.C; c++)
                yo[c] = yo[c] / (float)count;
        }
#endif
}

/* global_avgpool over HW pixels of C channels: each channel's sum in pixel
 * order, then divided by (float)HW. */
BNN_INLINE void bnn_global_avgpool(const void *x, bnn_dtype xt, float *y, long HW, long C)
{
    for (long c = 0; c < C; c++)
        y[c] = 0.0f;
    for (long p = 0; p < HW; p++)
        for (long c = 0; c < C; c++) {
            float v = bnn_ld(x, xt, p * C + c, C);
            y[c] = y[c] + v;
        }
    for (long c = 0; c < C; c++)
        y[c] = y[c] / (float)HW;
}

/* softmax over the whole tensor of N elements (C channels, for a b1 x):
 * m the largest, e_i = expf(x_i - m), s their sum in order, y_i = e_i /
 * s. */
BNN_INLINE void bnn_softmax(const void *x, bnn_dtype xt, float *y, long N, long C)
{
    float m = 0.0f, s = 0.0f;
    for (long i = 0; i < N; i++) {
        float v = bnn_ld(x, xt, i, C);
        if (i == 0 || v > m)
            m = v;
    }
    for (long i = 0; i < N; i++) {
        float d = bnn_ld(x, xt, i, C) - m;
        y[i] = expf(d);
        s = s + y[i];
    }
    for (long i = 0; i < N; i++)
        y[i] = y[i] / s;
}

#endif
