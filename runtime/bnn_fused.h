/*
 * bnn_fused.h: binary layers with their element-wise epilogue fused in
 * (bnnc's pass fuse-epilogue, docs/codegen.md "Fused epilogues").
 *
 * A fused layer runs as a loop over blocks of output pixels, written by
 * the emitter: bnn_bconv2d_block (bnn_binary.h) computes the int32 dot
 * products of four pixels (one step of bnn_bconv2d, the same code),
 * bnn_bdense the whole row of a dense layer, bnn_conv2d_block (bnn_float.h)
 * four pixels of a float convolution. Then the whole chain runs in one pass
 * over the block, a vector of BNN_FV channels at a time (bnn_vf, where
 * BNN_FVEC; the channels left, or all of them without vectors, one at a
 * time): the dot products are loaded once (bnn_v_int, bnn_v_ld), each step
 * of the chain is a small function on the register (bnn_v_mul and
 * bnn_v_add for the layer's weight scale and bias, bnn_v_bn, bnn_v_relu,
 * bnn_v_hardtanh, bnn_v_prelu, bnn_v_addx / bnn_v_xadd for a residual
 * add), with constant arguments, in the chain's order; the floats are
 * stored once when they are needed (bnn_v_st: a float output, or one
 * beside the signs), and the signs are packed from the same register
 * (bnn_v_pack) when the chain ends in a sign or a threshold, or beside the
 * floats. bnn_s_... are the same steps on one float.
 *
 * Each step is the float statements of the element-wise layer it replaces
 * (bnn_elem.h, bnn_float.h's bnn_scale_bias), in the same order, a lane
 * for an element, so the result is theirs bit for bit, -0.0f and NaN
 * included: relu gives +0.0f for -0.0f and NaN (x > 0 ? x : 0), hardtanh
 * keeps NaN and -0.0f, prelu gives alpha * x where x >= 0 fails (NaN), the
 * signs are +1 where x >= 0 (-0.0f +1, NaN -1). The selects are bitwise
 * (a compare's mask ANDed with the value), never min or max, whose NaN and
 * signed-zero rules differ between instruction sets. The file that
 * includes this one has FP contraction off (bnn_kernels.h).
 *
 * A block's dot products are the layer's output rows themselves when the
 * output is float (written there, then floats in place, a vector at a
 * time: each is loaded before it is stored); a b1 output needs a block of
 * scratch for the dot products (int32 for a binary layer, float for a
 * float convolution, 4 * C for a convolution, C for a dense layer) and
 * nothing for the chain. bnn_epi_pack (bnn_elem.h) packs a tensor of
 * floats already in memory (an unfused sign).
 */
#ifndef BNN_FUSED_H
#define BNN_FUSED_H

#include "bnn_base.h"
#include "bnn_binary.h"
#include "bnn_elem.h"
#include "bnn_float.h"

#if BNN_FVEC && defined(__SSE2__)
#include <immintrin.h> /* bnn_v_signs */
#endif

/* Element px * C of x of type xt: where a block of pixels from px on
 * starts (b1 rows are bnn_words(C) words). */
BNN_INLINE const void *bnn_epi_at(const void *x, bnn_dtype xt, long px, long C)
{
    switch (xt) {
    case BNN_F32:
        return (const float *)x + px * C;
    case BNN_I32:
        return (const int32_t *)x + px * C;
    case BNN_U8:
        return (const uint8_t *)x + px * C;
    default:
        return (const bnn_word *)x + px * bnn_words(C);
    }
}

/* The steps on one float x (bnn_s_...) and on a vector of BNN_FV floats
 * (bnn_v_...), channel c's parameters at p[0] (the emitter passes
 * `w + c`): the dot product a loaded (an int32 made a float, or a float),
 * x stored, and each element-wise step, the statements of the layer
 * function it replaces. */
BNN_INLINE float bnn_s_int(const int32_t *a)
{
    int32_t k;
    memcpy(&k, a, 4);
    return (float)k;
}

BNN_INLINE float bnn_s_ld(const float *a)
{
    float x;
    memcpy(&x, a, 4);
    return x;
}

BNN_INLINE void bnn_s_st(float *y, float x)
{
    memcpy(y, &x, 4);
}

/* The weight scale (x * s), the bias (x + b): bnn_scale_bias. */
BNN_INLINE float bnn_s_mul(float x, const float *s)
{
    float p = x * s[0];
    return p;
}

BNN_INLINE float bnn_s_add(float x, const float *b)
{
    float y = x + b[0];
    return y;
}

/* batchnorm: a rounded product, then a rounded sum (bnn_batchnorm). */
BNN_INLINE float bnn_s_bn(float x, const float *scale, const float *shift)
{
    float p = x * scale[0];
    return p + shift[0];
}

/* relu and hardtanh (bnn_unary_op). */
BNN_INLINE float bnn_s_relu(float x)
{
    return x > 0.0f ? x : 0.0f;
}

BNN_INLINE float bnn_s_hardtanh(float x)
{
    return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
}

/* prelu (bnn_prelu). */
BNN_INLINE float bnn_s_prelu(float x, const float *alpha)
{
    float p = alpha[0] * x;
    return x >= 0.0f ? x : p;
}

/* add (bnn_add_f) of element i of z (type zt, C channels: bnn_ld), x
 * its first operand (addx: x + z) or its second (xadd: z + x). */
BNN_INLINE float bnn_s_addx(float x, const void *z, bnn_dtype zt, long i, long C)
{
    float u = bnn_ld(z, zt, i, C);
    return x + u;
}

BNN_INLINE float bnn_s_xadd(float x, const void *z, bnn_dtype zt, long i, long C)
{
    float u = bnn_ld(z, zt, i, C);
    return u + x;
}

/* The sign of channel c (+1 where x >= 0) ORed into bits, the word of a
 * pixel's C channels being built; the word is stored at y[c / BNN_W] when
 * it is full or the pixel's last channel is in, then the bits start again
 * from 0. Returns the bits. */
BNN_INLINE bnn_word bnn_s_pack(bnn_word *y, long c, float x, bnn_word bits, long C)
{
    bits |= (bnn_word)(x >= 0.0f) << (c % BNN_W);
    if ((c + 1) % BNN_W == 0 || c + 1 == C) {
        y[c / BNN_W] = bits;
        bits = 0;
    }
    return bits;
}

#if BNN_FVEC
/* bnn_vi (bnn_base.h): the int32 lanes of a bnn_vf, and the masks of its
 * compares (all ones where true). */

BNN_INLINE bnn_vf bnn_v_int(const int32_t *a)
{
    bnn_vi k;
    memcpy(&k, a, sizeof k);
    return __builtin_convertvector(k, bnn_vf);
}

BNN_INLINE bnn_vf bnn_v_ld(const float *a)
{
    bnn_vf x;
    memcpy(&x, a, sizeof x);
    return x;
}

BNN_INLINE void bnn_v_st(float *y, bnn_vf x)
{
    memcpy(y, &x, sizeof x);
}

/* Where m, a; elsewhere b (bit for bit). */
BNN_INLINE bnn_vf bnn_v_sel(bnn_vi m, bnn_vf a, bnn_vf b)
{
    return (bnn_vf)(((bnn_vi)a & m) | ((bnn_vi)b & ~m));
}

BNN_INLINE bnn_vf bnn_v_mul(bnn_vf x, const float *s)
{
    bnn_vf p = x * bnn_v_ld(s);
    return p;
}

BNN_INLINE bnn_vf bnn_v_add(bnn_vf x, const float *b)
{
    bnn_vf y = x + bnn_v_ld(b);
    return y;
}

BNN_INLINE bnn_vf bnn_v_bn(bnn_vf x, const float *scale, const float *shift)
{
    bnn_vf p = x * bnn_v_ld(scale);
    return p + bnn_v_ld(shift);
}

BNN_INLINE bnn_vf bnn_v_relu(bnn_vf x)
{
    const bnn_vf z = {0};
    return (bnn_vf)((bnn_vi)x & (x > z));
}

BNN_INLINE bnn_vf bnn_v_hardtanh(bnn_vf x)
{
    const bnn_vf z = {0}, one = z + 1.0f, mone = z - 1.0f;
    return bnn_v_sel(x < mone, mone, bnn_v_sel(x > one, one, x));
}

BNN_INLINE bnn_vf bnn_v_prelu(bnn_vf x, const float *alpha)
{
    const bnn_vf z = {0};
    bnn_vf p = bnn_v_ld(alpha) * x;
    return bnn_v_sel(x >= z, x, p);
}

BNN_INLINE bnn_vf bnn_v_addx(bnn_vf x, const void *z, bnn_dtype zt, long i, long C)
{
    bnn_vf u = bnn_ld_vf(z, zt, i, C); /* bnn_base.h */
    return x + u;
}

BNN_INLINE bnn_vf bnn_v_xadd(bnn_vf x, const void *z, bnn_dtype zt, long i, long C)
{
    bnn_vf u = bnn_ld_vf(z, zt, i, C); /* bnn_base.h */
    return u + x;
}

/* The BNN_FV signs of x as bits (lane l: bit l, set where x >= 0):
 * AVX-512 compares into a mask register, AVX and SSE take the compare's
 * sign bits (VMOVMSKPS); elsewhere the compare's mask ANDed with each
 * lane's bit, then the lanes summed. All are ordered compares
 * (NaN false). */
BNN_INLINE bnn_word bnn_v_signs(bnn_vf x)
{
#if BNN_FV == 16 && defined(__AVX512F__)
    return (bnn_word)_mm512_cmp_ps_mask((__m512)x, _mm512_setzero_ps(), _CMP_GE_OQ);
#elif BNN_FV == 8 && defined(__AVX__)
    return (bnn_word)(unsigned)_mm256_movemask_ps(
        _mm256_cmp_ps((__m256)x, _mm256_setzero_ps(), _CMP_GE_OQ));
#elif BNN_FV == 4 && defined(__SSE2__)
    return (bnn_word)(unsigned)_mm_movemask_ps(_mm_cmpge_ps((__m128)x, _mm_setzero_ps()));
#else
    const bnn_vf z = {0};
    bnn_vi w; /* lane l: 1 << l, one bit a lane, so that the sum is the OR (NEON: ADDV) */
    for (int l = 0; l < BNN_FV; l++)
        w[l] = 1 << l;
    bnn_vi m = (x >= z) & w;
    unsigned bits = 0;
    for (int l = 0; l < BNN_FV; l++)
        bits += (unsigned)m[l];
    return bits;
#endif
}

/* bnn_s_pack for the BNN_FV channels from c on (BNN_FV divides BNN_W, and
 * c is a multiple of BNN_FV). */
BNN_INLINE bnn_word bnn_v_pack(bnn_word *y, long c, bnn_vf x, bnn_word bits, long C)
{
    bits |= bnn_v_signs(x) << (c % BNN_W);
    if ((c + BNN_FV) % BNN_W == 0 || c + BNN_FV == C) {
        y[c / BNN_W] = bits;
        bits = 0;
    }
    return bits;
}
#endif

#endif
