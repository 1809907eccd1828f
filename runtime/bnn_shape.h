/*
 * bnn_shape.h: the layers that move elements without arithmetic (concat,
 * a flatten or reshape that repacks bits, transpose, slice, pad_channels),
 * mul with broadcasting, and the network's inputs and outputs of type b1.
 *
 * A strided walk (bnn_walk) describes a gather: the output's four axes
 * (the shape padded with 1s in front) and, for each, the step through the
 * input's flat index; transpose, slice and a repacking reshape are all
 * y[o] = x[base + sum of j_k * step_k] over the output in row-major order.
 * mul reads each input through its own steps, 0 along a broadcast axis.
 * Elements of b1 tensors move bit by bit (bnn_bit), in packed words of
 * the tensor's own channels; other types move whole (4 bytes for f32 and
 * i32, 1 for u8), unconverted.
 */
#ifndef BNN_SHAPE_H
#define BNN_SHAPE_H

#include "bnn_base.h"

/* The output's extents d[0..3] (padded with 1s in front) and the steps
 * through an input, s[0..3]. */
typedef struct {
    long d[4], s[4];
} bnn_walk;

/* Bytes of an element of type t (b1: not used). */
BNN_INLINE long bnn_elem_bytes(bnn_dtype t)
{
    return t == BNN_U8 ? 1 : 4;
}

/* Sets bit o (flat) of a b1 tensor of C channels a pixel. */
BNN_INLINE void bnn_put_bit(bnn_word *y, long o, long C, int bit)
{
    y[(o / C) * bnn_words(C) + (o % C) / BNN_W] |= (bnn_word)bit << (o % C % BNN_W);
}

/* y[o] = x[base + sum of j_k * w.s[k]] for the output's elements j in
 * row-major order (o their flat index): transpose, slice, and a reshape or
 * flatten of b1 that repacks bits. For b1, xC and yC are the input's and
 * the output's channels, and y is zeroed first. */
BNN_INLINE void bnn_gather(const void *x, void *y, bnn_dtype t, bnn_walk w, long base, long xC,
                           long yC)
{
    long n = w.d[0] * w.d[1] * w.d[2] * w.d[3], o = 0, sz = bnn_elem_bytes(t);
    if (t == BNN_B1)
        memset(y, 0, (size_t)(n / yC * bnn_words(yC)) * sizeof(bnn_word));
    for (long a = 0; a < w.d[0]; a++)
        for (long b = 0; b < w.d[1]; b++)
            for (long c = 0; c < w.d[2]; c++)
                for (long d = 0; d < w.d[3]; d++, o++) {
                    long i = base + a * w.s[0] + b * w.s[1] + c * w.s[2] + d * w.s[3];
                    if (t == BNN_B1)
                        bnn_put_bit((bnn_word *)y, o, yC,
                                    bnn_bit((const bnn_word *)x, i, xC, bnn_words(xC)));
                    else
                        memcpy((unsigned char *)y + o * sz, (const unsigned char *)x + i * sz,
                               (size_t)sz);
                }
}

/* One input of a concat (or a flatten that copies): its Cx channels of
 * each of P pixels to channels off .. off + Cx - 1 of y (Cy channels a
 * pixel). Same types: copied (b1 bit by bit, x having xC channels a pixel
 * for its packing; y zeroed before the first input); else y is f32 and
 * each element the float of bnn_ld. */
BNN_INLINE void bnn_concat(const void *x, bnn_dtype xt, long xC, void *y, bnn_dtype yt, long P,
                           long Cy, long Cx, long off)
{
    if (xt == BNN_B1 && yt == BNN_B1) {
        for (long px = 0; px < P; px++)
            for (long c = 0; c < Cx; c++)
                bnn_put_bit((bnn_word *)y, px * Cy + off + c, Cy,
                            bnn_bit((const bnn_word *)x, px * Cx + c, xC, bnn_words(xC)));
    } else if (xt == yt) {
        long sz = bnn_elem_bytes(xt);
        for (long px = 0; px < P; px++)
            memcpy((unsigned char *)y + (px * Cy + off) * sz,
                   (const unsigned char *)x + px * Cx * sz, (size_t)(Cx * sz));
    } else {
        for (long px = 0; px < P; px++)
            for (long c = 0; c < Cx; c++)
                ((float *)y)[px * Cy + off + c] = bnn_ld(x, xt, px * Cx + c, xC);
    }
}

/* mul: y = (float)a * (float)b, one rounded product, over the output in
 * row-major order; a is read through wa.s, b through wb.s (0 along a
 * broadcast axis), both walks with the output's extents; aC, bC: the
 * inputs' channels (for b1). */
BNN_INLINE void bnn_mul(const void *a, bnn_dtype at, long aC, const void *b, bnn_dtype bt, long bC,
                        float *y, bnn_walk wa, bnn_walk wb)
{
    long o = 0;
    for (long i = 0; i < wa.d[0]; i++)
        for (long j = 0; j < wa.d[1]; j++)
            for (long k = 0; k < wa.d[2]; k++)
                for (long l = 0; l < wa.d[3]; l++) {
                    long ia = i * wa.s[0] + j * wa.s[1] + k * wa.s[2] + l * wa.s[3];
                    long ib = i * wb.s[0] + j * wb.s[1] + k * wb.s[2] + l * wb.s[3];
                    float u = bnn_ld(a, at, ia, aC);
                    float v = bnn_ld(b, bt, ib, bC);
                    y[o++] = u * v;
                }
}

/* pad_channels: per pixel of P, `before` channels of value, the input's C
 * channels, then value up to Co. value as the type takes it: (float)value
 * for f32, the integer for i32 and u8, +1 (value > 0) or -1 for b1. */
BNN_INLINE void bnn_pad_channels(const void *x, void *y, bnn_dtype t, long P, long C, long Co,
                                 long before, double value)
{
    if (t == BNN_B1) {
        memset(y, 0, (size_t)(P * bnn_words(Co)) * sizeof(bnn_word));
        for (long p = 0; p < P; p++)
            for (long c = 0; c < Co; c++) {
                int bit = c < before || c >= before + C
                              ? value > 0
                              : bnn_bit((const bnn_word *)x, p * C + c - before, C, bnn_words(C));
                bnn_put_bit((bnn_word *)y, p * Co + c, Co, bit);
            }
        return;
    }
    long sz = bnn_elem_bytes(t);
    for (long p = 0; p < P; p++) {
        unsigned char *yp = (unsigned char *)y + p * Co * sz;
        for (long c = 0; c < Co; c++) {
            if (c >= before && c < before + C)
                continue;
            if (t == BNN_F32)
                ((float *)yp)[c] = (float)value;
            else if (t == BNN_I32)
                ((int32_t *)yp)[c] = (int32_t)(long long)value;
            else
                yp[c] = (uint8_t)(long long)value;
        }
        memcpy(yp + before * sz, (const unsigned char *)x + p * C * sz, (size_t)(C * sz));
    }
}

/* A network input of type b1, given as int8 (or any signed values): +1
 * where in[i] >= 0, packed into y, P pixels of C channels. */
BNN_INLINE void bnn_pack_input(const int8_t *in, bnn_word *y, long P, long C)
{
    long CW = bnn_words(C);
    for (long px = 0; px < P; px++)
        for (int cw = 0; cw < CW; cw++) {
            bnn_word acc = 0;
            for (int b = 0; b < BNN_W && cw * BNN_W + b < C; b++)
                acc |= (bnn_word)(in[px * C + cw * BNN_W + b] >= 0) << b;
            y[px * CW + cw] = acc;
        }
}

/* A network output of type b1, N elements of C channels a pixel: out[i]
 * is +1 or -1. */
BNN_INLINE void bnn_unpack_output(const bnn_word *x, int8_t *out, long N, long C)
{
    for (long i = 0; i < N; i++)
        out[i] = bnn_bit(x, i, C, bnn_words(C)) ? 1 : -1;
}

#endif
