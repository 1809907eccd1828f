/*
 * bnn_fused.h: binary layers with their element-wise epilogue fused in
 * (bnnc's pass fuse-epilogue, docs/codegen.md "Fused epilogues").
 *
 * bnn_bconv2d_epi and bnn_bdense_epi compute the dot products as
 * bnn_bconv2d and bnn_bdense do, then, for each output row of C channels
 * while it is in cache (four rows at a time for a convolution, the one
 * row of a dense layer), apply a chain of steps to each element, BNN_W
 * channels at a time in a local array the compiler keeps in registers,
 * and write the chain's final value once: as floats, or as packed bits
 * (the b1 layout, bnn_base.h) when the chain ends in a binarisation.
 * Each step is the same float statements, in the same order, as the
 * layer function it replaces (bnn_epilogue, bnn_batchnorm, bnn_unary_op,
 * bnn_prelu, bnn_add_f, bnn_sign, bnn_threshold_f, bnn_threshold_int), so
 * the result is theirs bit for bit; the file that includes this one has
 * FP contraction off (bnn_kernels.h).
 *
 * A float output may bring its signs along, packed (`side`): the bits a
 * sign layer would have read the floats again for.
 * Scratch: a float output needs none (the int32 dot products are written
 * in the output rows, then replaced by floats); a b1 output needs `acc`,
 * 4 * C int32 for a convolution, C for a dense layer.
 */
#ifndef BNN_FUSED_H
#define BNN_FUSED_H

#include "bnn_base.h"
#include "bnn_binary.h"

/* One element-wise step, on v (channel c of pixel px):
 *   BNN_EPI_BATCHNORM  p = v * a[c]; v = p + b[c]  (folded scale, shift)
 *   BNN_EPI_RELU       v = v > 0 ? v : 0
 *   BNN_EPI_HARDTANH   v = v < -1 ? -1 : (v > 1 ? 1 : v)
 *   BNN_EPI_PRELU      p = a[c] * v; v = v >= 0 ? v : p  (a[px * C + c]
 *                      with BNN_EPI_PRELU_ELEM: an alpha per element)
 *   BNN_EPI_ADD        v = v + u, u element px * C + c of x (type xt)
 *   BNN_EPI_ADD_REV    v = u + v (the chain's value was the second operand)
 */
typedef enum {
    BNN_EPI_BATCHNORM, BNN_EPI_RELU, BNN_EPI_HARDTANH, BNN_EPI_PRELU, BNN_EPI_PRELU_ELEM,
    BNN_EPI_ADD, BNN_EPI_ADD_REV
} bnn_epi_op;

typedef struct {
    bnn_epi_op op;
    const float *a, *b;
    const void *x;
    bnn_dtype xt;
} bnn_epi_step;

/* What the chain writes: floats; bits, +1 where v >= 0 (sign; a
 * threshold on floats is a batchnorm step, then this); or bits from the
 * integer dot product itself, +1 where (acc >= t[c]) differs from bit c
 * of d (a threshold on the integers, bnn_threshold_int; no steps). */
typedef enum { BNN_EPI_F32, BNN_EPI_SIGN, BNN_EPI_THRESHOLD_INT } bnn_epi_out;

/* The epilogue of a dot product: its own weight scale and bias (NULL
 * when it has none), then n steps, then the output. */
typedef struct {
    const float *scale, *bias;
    const bnn_epi_step *s;
    int n;
    bnn_epi_out out;
    const int32_t *t;
    const uint8_t *d;
    bnn_word *side; /* BNN_EPI_F32: the floats' signs as b1 too (bnn_sign); or NULL */
} bnn_epi;

/* One word's worth of channels, c0 = cw * BNN_W to c0 + nb: called with
 * nb = BNN_W, a constant, for every whole word, so that its loops have a
 * fixed trip count (vectorised without remainders) and the chunk stays in
 * registers; then once with the channels left. */
BNN_INLINE void bnn_epi_chunk(const bnn_epi *e, const unsigned char *q, void *y, long px, long C,
                              long CW, long cw, int nb)
{
    long c0 = cw * BNN_W;
    {
        int32_t a[BNN_W];
        float v[BNN_W];
        memcpy(a, q + c0 * 4, (size_t)nb * 4);
        if (e->out == BNN_EPI_THRESHOLD_INT) {
            bnn_word bits = 0;
            for (int b = 0; b < nb; b++) {
                long c = c0 + b;
                int bit = (a[b] >= e->t[c]) ^ ((e->d[c >> 3] >> (c & 7)) & 1);
                bits |= (bnn_word)bit << b;
            }
            ((bnn_word *)y)[px * CW + cw] = bits;
            return;
        }
        for (int b = 0; b < nb; b++)
            v[b] = (float)a[b];
        if (e->scale)
            for (int b = 0; b < nb; b++) {
                float p = v[b] * e->scale[c0 + b];
                v[b] = p;
            }
        if (e->bias)
            for (int b = 0; b < nb; b++) {
                float s = v[b] + e->bias[c0 + b];
                v[b] = s;
            }
        for (int k = 0; k < e->n; k++) {
            const bnn_epi_step *s = &e->s[k];
            switch (s->op) {
            case BNN_EPI_BATCHNORM:
                for (int b = 0; b < nb; b++) {
                    float p = v[b] * s->a[c0 + b];
                    v[b] = p + s->b[c0 + b];
                }
                break;
            case BNN_EPI_RELU:
                for (int b = 0; b < nb; b++)
                    v[b] = v[b] > 0.0f ? v[b] : 0.0f;
                break;
            case BNN_EPI_HARDTANH:
                for (int b = 0; b < nb; b++)
                    v[b] = v[b] < -1.0f ? -1.0f : (v[b] > 1.0f ? 1.0f : v[b]);
                break;
            case BNN_EPI_PRELU:
            case BNN_EPI_PRELU_ELEM: {
                const float *al = s->a + (s->op == BNN_EPI_PRELU_ELEM ? px * C : 0) + c0;
                for (int b = 0; b < nb; b++) {
                    float p = al[b] * v[b];
                    v[b] = v[b] >= 0.0f ? v[b] : p;
                }
                break;
            }
            case BNN_EPI_ADD:
            case BNN_EPI_ADD_REV: {
                /* The other operand as floats first: a float row read as
                 * one (vectorised), any other type through bnn_ld. */
                float u[BNN_W];
                if (s->xt == BNN_F32)
                    memcpy(u, (const float *)s->x + px * C + c0, (size_t)nb * 4);
                else
                    for (int b = 0; b < nb; b++)
                        u[b] = bnn_ld(s->x, s->xt, px * C + c0 + b, C);
                if (s->op == BNN_EPI_ADD)
                    for (int b = 0; b < nb; b++)
                        v[b] = v[b] + u[b];
                else
                    for (int b = 0; b < nb; b++)
                        v[b] = u[b] + v[b];
                break;
            }
            }
        }
        if (e->out == BNN_EPI_F32) {
            memcpy((unsigned char *)y + (px * C + c0) * 4, v, (size_t)nb * 4);
            if (e->side) {
                bnn_word bits = 0;
                for (int b = 0; b < nb; b++)
                    bits |= (bnn_word)(v[b] >= 0.0f) << b;
                e->side[px * CW + cw] = bits;
            }
        } else {
            bnn_word bits = 0;
            for (int b = 0; b < nb; b++)
                bits |= (bnn_word)(v[b] >= 0.0f) << b;
            ((bnn_word *)y)[px * CW + cw] = bits;
        }
    }
}

/* Row px of C channels: the int32 dot products acc[C] (read with memcpy:
 * for a float output they are the output row itself) through the chain
 * into y (float [P][C], or b1 [P][ceil(C / BNN_W)] words). */
BNN_INLINE void bnn_epi_row(const bnn_epi *e, const void *acc, void *y, long px, long C)
{
    const unsigned char *q = (const unsigned char *)acc;
    long CW = bnn_words(C), whole = C / BNN_W;
    for (long cw = 0; cw < whole; cw++)
        bnn_epi_chunk(e, q, y, px, C, CW, cw, BNN_W);
    if (whole < CW)
        bnn_epi_chunk(e, q, y, px, C, CW, whole, (int)(C - whole * BNN_W));
}

/* bconv2d on a b1 input (bnn_bconv2d's arguments) with epilogue e into
 * y: float [Ho][Wo][Co], or b1 when e->out is not BNN_EPI_F32. acc: 4 *
 * Co int32 of scratch for a b1 output, NULL for a float one. */
BNN_INLINE void bnn_bconv2d_epi(const bnn_word *x, void *y, const bnn_word *w,
                                const int16_t *wpop, bnn_win g, bnn_pack pk, bnn_word *col,
                                int *padded, int32_t *acc, const bnn_epi *e)
{
    long cg = g.C / g.groups, taps = (long)g.Kh * g.Kw, P = (long)g.Ho * g.Wo;
    long words = bnn_field_words(pk, taps, cg);
    int copy = pk == BNN_PACK_CHANNEL && g.groups == 1;
    for (long q0 = 0; q0 < P; q0 += 4) {
        int np = P - q0 < 4 ? (int)(P - q0) : 4;
        for (int gr = 0; gr < g.groups; gr++) {
            int npad[4] = {0, 0, 0, 0};
            if (!copy || np < 4)
                memset(col, 0, (size_t)(4 * words) * sizeof(bnn_word));
            if (copy) {
                for (int p = 0; p < np; p++)
                    npad[p] = bnn_bconv_gather(x, col + p * words, padded + p * taps, &g, pk,
                                               (int)((q0 + p) / g.Wo), (int)((q0 + p) % g.Wo), gr);
            } else {
                BNN_NO_VECTORIZE
                for (int p = 0; p < np; p++)
                    npad[p] = bnn_bconv_gather(x, col + p * words, padded + p * taps, &g, pk,
                                               (int)((q0 + p) / g.Wo), (int)((q0 + p) % g.Wo), gr);
            }
            if (acc)
                bnn_bconv_out(acc, w, wpop, &g, words, col, npad, padded, 0, np, gr);
            else
                bnn_bconv_out((int32_t *)y, w, wpop, &g, words, col, npad, padded, q0, np, gr);
        }
        for (int p = 0; p < np; p++)
            bnn_epi_row(e, acc ? (const void *)(acc + (long)p * g.Co)
                               : (const void *)((const float *)y + (q0 + p) * g.Co),
                        y, q0 + p, g.Co);
    }
}

/* bdense on a b1 input (bnn_bdense's arguments) with epilogue e into y:
 * float [U], or b1 when e->out is not BNN_EPI_F32. acc: U int32 of
 * scratch for a b1 output, NULL for a float one. */
BNN_INLINE void bnn_bdense_epi(const bnn_word *x, void *y, const bnn_word *w, long N, long U,
                               int32_t *acc, const bnn_epi *e)
{
    int32_t *d = acc ? acc : (int32_t *)y;
    bnn_bdense(x, d, w, N, U);
    bnn_epi_row(e, d, y, 0, U);
}

#endif
