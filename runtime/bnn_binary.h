/*
 * bnn_binary.h: the binary layers: bconv2d and bdense on b1 (XNOR and
 * popcount), and on u8 (bit-serial).
 *
 * Each function is one layer, called with constant arguments and inlined
 * (BNN_INLINE), over the flavour's blocks (bnn_block_pop, bnn_block_pop4,
 * bnn_conv_out4 and BNN_L, from the flavour header included first;
 * bnn_portable.h when there is none). The
 * layouts (runtime/README.md gives them with the emitter's arrays):
 *   - activations: b1 packed per pixel (bnn_base.h), u8 one byte a value,
 *     the output i32 [Ho][Wo][Co] (or [U]);
 *   - a receptive field, and each filter, is `words` words in the layer's
 *     packing (bnn_field_bit): channel (tap t's channels from word t *
 *     ceil(cg / BNN_W)), dense (bit t * cg + ci), kernel (bit ci *
 *     ceil(taps / BNN_W) * BNN_W + t); padding bits zero;
 *   - the weights: per group, the output channels in blocks of BNN_L, each
 *     block [word][lane] (word j of the block's filters side by side), the
 *     lanes past the group's channels zero: [group][block][word][BNN_L];
 *   - bit 1 is +1 (a weight >= 0); a dot product over N taps is
 *     N - 2 * popcount(field XOR filter).
 * Padding (docs/semantics.md section 3): a same_one padded tap is gathered
 * as +1 bits; a zero-padded (same) tap is left out: its bits are zero, the
 * tap is not counted in N, and the popcount loses the filter's +1 bits at
 * that tap (wpop, int16 [Co][taps]). Bit-serial layers read B planes of
 * dense-packed bits and need no correction (a padded value is 0 or 1).
 * Scratch space comes from the caller (`col`, `padded`): nothing is
 * allocated, and the sizes are the caller's constants.
 */
#ifndef BNN_BINARY_H
#define BNN_BINARY_H

#include "bnn_base.h"

#ifndef BNN_L /* no flavour included before: the portable one */
#include "bnn_portable.h"
#endif

/* The packing of a binary receptive field and of the filters. */
typedef enum { BNN_PACK_CHANNEL, BNN_PACK_DENSE, BNN_PACK_KERNEL } bnn_pack;

/* The geometry of a window layer (docs/semantics.md section 3): input
 * [H][W][C], output [Ho][Wo][Co], window Kh x Kw with strides sh, sw,
 * dilations dh, dw, padding pad with pt rows on top and pl columns on the
 * left (bnn_window computes them), groups groups. Pools: Co = C, dh = dw =
 * 1, groups = 1. */
typedef struct {
    int H, W, C, Ho, Wo, Co, Kh, Kw, sh, sw, dh, dw, pt, pl, groups;
    bnn_pad pad;
} bnn_win;

/* Padding before the first row or column: TensorFlow's rule, half the
 * total, the rest after. */
BNN_INLINE int bnn_pad_before(int in, int out, int k, int s, int d, bnn_pad pad)
{
    int total = (out - 1) * s + (k - 1) * d + 1 - in;
    return pad == BNN_PAD_VALID || total <= 0 ? 0 : total / 2;
}

/* The geometry of a window over [H][W][C] with Co output channels: output
 * size floor((H - d (K - 1) - 1) / s) + 1 with valid padding, else
 * ceil(H / s). */
BNN_INLINE bnn_win bnn_window(int H, int W, int C, int Co, int Kh, int Kw, int sh, int sw, int dh,
                              int dw, int groups, bnn_pad pad)
{
    bnn_win g;
    g.H = H, g.W = W, g.C = C, g.Co = Co, g.Kh = Kh, g.Kw = Kw, g.sh = sh, g.sw = sw;
    g.dh = dh, g.dw = dw, g.groups = groups, g.pad = pad;
    g.Ho = pad == BNN_PAD_VALID ? (H - dh * (Kh - 1) - 1) / sh + 1 : (H + sh - 1) / sh;
    g.Wo = pad == BNN_PAD_VALID ? (W - dw * (Kw - 1) - 1) / sw + 1 : (W + sw - 1) / sw;
    g.pt = bnn_pad_before(H, g.Ho, Kh, sh, dh, pad);
    g.pl = bnn_pad_before(W, g.Wo, Kw, sw, dw, pad);
    return g;
}

/* Whether input row iy, column ix of a window is a padded tap. Never with
 * valid padding: every tap of a valid window is inside the input (the
 * output size says so), and the bounds are not tested at all, so that the
 * compiler need not prove it. */
BNN_INLINE int bnn_padded(const bnn_win *g, int iy, int ix)
{
    return g->pad != BNN_PAD_VALID && (iy < 0 || iy >= g->H || ix < 0 || ix >= g->W);
}

/* The padded-tap step of the float windows (conv2d, depthwise_conv2d,
 * the pools): tap (ky, kx) of output pixel (oy, ox) is input pixel *px =
 * iy * W + ix; returns BNN_TAP_IN, or on the padding BNN_TAP_SKIP (zero
 * padding: the tap is left out) or BNN_TAP_ONE (same_one: it reads
 * 1.0f). With valid padding it is BNN_TAP_IN, a constant. A pool's window
 * has dh = dw = 1, and a pool leaves out every tap but BNN_TAP_IN. */
enum { BNN_TAP_IN, BNN_TAP_SKIP, BNN_TAP_ONE };
BNN_INLINE int bnn_tap(const bnn_win *g, int oy, int ox, int ky, int kx, long *px)
{
    int iy = oy * g->sh - g->pt + ky * g->dh;
    int ix = ox * g->sw - g->pl + kx * g->dw;
    *px = (long)iy * g->W + ix;
    if (!bnn_padded(g, iy, ix))
        return BNN_TAP_IN;
    return g->pad == BNN_PAD_SAME_ONE ? BNN_TAP_ONE : BNN_TAP_SKIP;
}

/* Whether output pixel q's window lies inside the input (no tap on
 * padding). */
BNN_INLINE int bnn_win_inside(const bnn_win *g, long q)
{
    int iy = (int)(q / g->Wo) * g->sh - g->pt, ix = (int)(q % g->Wo) * g->sw - g->pl;
    return iy >= 0 && iy + (g->Kh - 1) * g->dh < g->H && ix >= 0 &&
           ix + (g->Kw - 1) * g->dw < g->W;
}

/* Words of a receptive field (and of a filter) of taps taps and cg
 * channels in packing pk. */
BNN_INLINE long bnn_field_words(bnn_pack pk, long taps, long cg)
{
    return pk == BNN_PACK_CHANNEL ? taps * bnn_words(cg)
           : pk == BNN_PACK_DENSE ? bnn_words(taps * cg)
                                  : cg * bnn_words(taps);
}

/* Bit of (tap t, channel ci of the group) in a field packed as pk. */
BNN_INLINE long bnn_field_bit(bnn_pack pk, long t, long ci, long taps, long cg)
{
    return pk == BNN_PACK_CHANNEL ? t * bnn_words(cg) * BNN_W + ci
           : pk == BNN_PACK_DENSE ? t * cg + ci
                                  : ci * bnn_words(taps) * BNN_W + t;
}

/* Gathers the receptive field of output (oy, ox), group gr, into col (its
 * words zero on entry, but with channel packing and one group, where
 * every word is written). Returns the number of zero-padded taps and
 * lists them in padded[]. Channel packing with one group copies the
 * pixels' words as they are (a row of the window at once where it is
 * inside the input); the other packings move bits. */
BNN_INLINE int bnn_bconv_gather(const bnn_word *x, bnn_word *col, int *padded, const bnn_win *g,
                                bnn_pack pk, int oy, int ox, int gr)
{
    long cg = g->C / g->groups, taps = (long)g->Kh * g->Kw, xcw = bnn_words(g->C);
    int copy = pk == BNN_PACK_CHANNEL && g->groups == 1, npad = 0;
    if (copy && g->dh == 1 && g->dw == 1) {
        int iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
        if (g->pad == BNN_PAD_VALID ||
            (ix0 >= 0 && ix0 + g->Kw <= g->W && iy0 >= 0 && iy0 + g->Kh <= g->H)) {
            for (int ky = 0; ky < g->Kh; ky++)
                memcpy(col + ky * g->Kw * xcw, x + ((long)(iy0 + ky) * g->W + ix0) * xcw,
                       (size_t)(g->Kw * xcw) * sizeof(bnn_word));
            return 0;
        }
    }
    for (int ky = 0; ky < g->Kh; ky++)
        for (int kx = 0; kx < g->Kw; kx++) {
            int t = ky * g->Kw + kx;
            int iy = oy * g->sh - g->pt + ky * g->dh;
            int ix = ox * g->sw - g->pl + kx * g->dw;
            int out = bnn_padded(g, iy, ix);
            int one = out && g->pad == BNN_PAD_SAME_ONE;
            if (out && g->pad == BNN_PAD_SAME) { /* no bits: the correction needs a = 0 */
                padded[npad++] = t;
                if (copy)
                    memset(col + t * xcw, 0, (size_t)xcw * sizeof(bnn_word));
                continue;
            }
            if (copy) {
                bnn_word *d = col + t * xcw;
                if (one) {
                    for (long j = 0; j < xcw; j++)
                        d[j] = j < g->C / BNN_W || g->C % BNN_W == 0
                                   ? ~(bnn_word)0
                                   : (((bnn_word)1 << (g->C % BNN_W)) - 1u);
                    continue;
                }
                memcpy(d, x + ((long)iy * g->W + ix) * xcw, (size_t)xcw * sizeof(bnn_word));
            } else if (pk != BNN_PACK_KERNEL) {
                long b = bnn_field_bit(pk, t, 0, taps, cg);
                if (one)
                    bnn_set_bits(col, b, cg);
                else
                    bnn_copy_bits(col, b, x + ((long)iy * g->W + ix) * xcw, gr * cg, cg);
            } else {
                for (long ci = 0; ci < cg; ci++) {
                    int bit = one ? 1
                                  : bnn_bit(x, ((long)iy * g->W + ix) * g->C + gr * cg + ci, g->C,
                                            xcw);
                    long b = bnn_field_bit(pk, t, ci, taps, cg);
                    col[b / BNN_W] |= (bnn_word)bit << (b % BNN_W);
                }
            }
        }
    return npad;
}

/* The outputs of the np fields in col (four at most, `words` words each)
 * for group gr, from position q0 on: N - 2 popcount per output channel,
 * less the zero-padded taps (npad[p] of them, listed in padded[p * taps
 * ..]) and their weights' +1 bits. Four fields without padding take the
 * flavour's bnn_conv_out4 for the whole blocks. */
BNN_INLINE void bnn_bconv_out(int32_t *y, const bnn_word *w, const int16_t *wpop, const bnn_win *g,
                              long words, const bnn_word *col, const int *npad, const int *padded,
                              long q0, int np, int gr)
{
    long cg = g->C / g->groups, cog = g->Co / g->groups, taps = (long)g->Kh * g->Kw;
    long nb = (cog + BNN_L - 1) / BNN_L;
    int32_t N = (int32_t)(taps * cg);
    int b0 = 0;
    if (np == 4 && (npad[0] | npad[1] | npad[2] | npad[3]) == 0) {
        b0 = (int)(cog / BNN_L);
        bnn_conv_out4(col, w + (long)gr * nb * words * BNN_L, (int)words, b0, N,
                      y + q0 * g->Co + gr * cog, g->Co);
    }
    for (int b = b0; b < nb; b++) {
        const bnn_word *wb = w + (long)(gr * nb + b) * words * BNN_L;
        int32_t pops[4 * BNN_L];
        if (np == 1) /* a last pixel alone: its field, not four */
            bnn_block_pop(col, wb, (int)words, pops);
        else
            bnn_block_pop4(col, wb, (int)words, pops);
        for (int p = 0; p < np; p++) {
            int32_t *yo = y + (q0 + p) * g->Co + gr * cog;
            if (npad[p] == 0 && (b + 1) * BNN_L <= cog) { /* a whole block, no zero padding */
                for (int l = 0; l < BNN_L; l++)
                    yo[b * BNN_L + l] = N - 2 * pops[p * BNN_L + l];
                continue;
            }
            for (int l = 0; l < BNN_L && b * BNN_L + l < cog; l++) {
                int co = b * BNN_L + l;
                int32_t pop = pops[p * BNN_L + l];
                if (g->pad == BNN_PAD_SAME)
                    for (int k = 0; k < npad[p]; k++)
                        pop -= wpop[(long)(gr * cog + co) * taps + padded[p * taps + k]];
                yo[co] = N - npad[p] * (int32_t)cg - 2 * pop;
            }
        }
    }
}

/* The dot products of output pixels q0 .. q0 + np - 1 (np = 4, or fewer
 * at the end) of bconv2d on a b1 input (bnn_bconv2d's arguments) into
 * yo[np][Co] int32; returns np. One step of bnn_bconv2d, and the block of
 * a fused layer (bnn_fused.h). */
BNN_INLINE int bnn_bconv2d_block(const bnn_word *x, int32_t *yo, const bnn_word *w,
                                 const int16_t *wpop, bnn_win g, bnn_pack pk, bnn_word *col,
                                 int *padded, long q0)
{
    long cg = g.C / g.groups, taps = (long)g.Kh * g.Kw, P = (long)g.Ho * g.Wo;
    long words = bnn_field_words(pk, taps, cg);
    int copy = pk == BNN_PACK_CHANNEL && g.groups == 1;
    int np = P - q0 < 4 ? (int)(P - q0) : 4;
    for (int gr = 0; gr < g.groups; gr++) {
        int npad[4] = {0, 0, 0, 0};
        /* Channel packing overwrites every word of a field it gathers;
         * the fields past np are computed and not used. */
        if (!copy || np < 4)
            memset(col, 0, (size_t)(4 * words) * sizeof(bnn_word));
        if (copy) {
            for (int p = 0; p < np; p++)
                npad[p] = bnn_bconv_gather(x, col + p * words, padded + p * taps, &g, pk,
                                           (int)((q0 + p) / g.Wo), (int)((q0 + p) % g.Wo), gr);
        } else { /* bits moved one by one: not vectorised (bnn_base.h) */
            BNN_NO_VECTORIZE
            for (int p = 0; p < np; p++)
                npad[p] = bnn_bconv_gather(x, col + p * words, padded + p * taps, &g, pk,
                                           (int)((q0 + p) / g.Wo), (int)((q0 + p) % g.Wo), gr);
        }
        bnn_bconv_out(yo, w, wpop, &g, words, col, npad, padded, 0, np, gr);
    }
    return np;
}

/* bconv2d on a b1 input x: y[Ho][Wo][Co] int32 dot products. w: the
 * weights in packing pk, blocked as above; wpop: the +1 weights per output
 * channel and tap, int16 [Co][taps], read with padding = same only (NULL
 * otherwise). Scratch: col of 4 * bnn_field_words(pk, taps, C / groups)
 * words, padded of 4 * taps ints. Four output pixels at a time (in raster
 * order, across rows) share each weight load. */
BNN_INLINE void bnn_bconv2d(const bnn_word *x, int32_t *y, const bnn_word *w, const int16_t *wpop,
                            bnn_win g, bnn_pack pk, bnn_word *col, int *padded)
{
    long P = (long)g.Ho * g.Wo;
    for (long q0 = 0; q0 < P; q0 += 4)
        bnn_bconv2d_block(x, y + q0 * g.Co, w, wpop, g, pk, col, padded, q0);
}

/* bdense on a b1 input x of N values: y[U] = N - 2 popcount(x XOR w_u).
 * w: [block][word][BNN_L], ceil(N / BNN_W) words a filter. */
BNN_INLINE void bnn_bdense(const bnn_word *x, int32_t *y, const bnn_word *w, long N, long U)
{
    long words = bnn_words(N), nb = (U + BNN_L - 1) / BNN_L;
    for (int b = 0; b < nb; b++) {
        int32_t pops[BNN_L];
        bnn_block_pop(x, w + (long)b * words * BNN_L, (int)words, pops);
        for (int l = 0; l < BNN_L && b * BNN_L + l < U; l++)
            y[b * BNN_L + l] = (int32_t)N - 2 * pops[l];
    }
}

/* Subtracts 2^p popcount(plane p XOR w) for the B planes of col (`stride`
 * words apart, nw words each, from word j0 of the filters) from the
 * outputs yo of group gr: the bit-serial dot products' passes. */
BNN_INLINE void bnn_bitserial_pass(int32_t *yo, const bnn_word *w, const bnn_word *col,
                                   long stride, int B, long words, long j0, int nw, long cog,
                                   int gr)
{
    long nb = (cog + BNN_L - 1) / BNN_L;
    for (int blk = 0; blk < nb; blk++) {
        const bnn_word *wb = w + ((long)(gr * nb + blk) * words + j0) * BNN_L;
        int32_t pops[BNN_L];
        for (int p = 0; p < B; p++) {
            bnn_block_pop(col + p * stride, wb, nw, pops);
            for (int l = 0; l < BNN_L && blk * BNN_L + l < cog; l++)
                yo[blk * BNN_L + l] -= pops[l] * (1 << p);
        }
    }
}

/* bconv2d on a u8 input of B bits (1..8; only the low B bits of a value
 * are read), bit-serial (docs/codegen.md): the field is B planes of
 * dense-packed bits, plane p bit p of each value (a same_one padded tap is
 * the value 1, a zero-padded one 0), and y = (2^B - 1) npos - sum over p
 * of 2^p popcount(plane p XOR w). w: dense packing, blocked; npos: (2^B -
 * 1) times the +1 weights of each output channel, int32 [Co]. Scratch: col
 * of B * bnn_words(taps * C / groups) words. */
BNN_INLINE void bnn_bconv2d_bitserial(const uint8_t *x, int32_t *y, const bnn_word *w,
                                      const int32_t *npos, bnn_win g, int B, bnn_word *col)
{
    long cg = g.C / g.groups, cog = g.Co / g.groups, words = bnn_words((long)g.Kh * g.Kw * cg);
    for (int oy = 0; oy < g.Ho; oy++)
        for (int ox = 0; ox < g.Wo; ox++)
            for (int gr = 0; gr < g.groups; gr++) {
                int32_t *yo = y + ((long)oy * g.Wo + ox) * g.Co + gr * cog;
                memset(col, 0, (size_t)(B * words) * sizeof(bnn_word));
                for (int ky = 0; ky < g.Kh; ky++)
                    for (int kx = 0; kx < g.Kw; kx++) {
                        int iy = oy * g.sh - g.pt + ky * g.dh;
                        int ix = ox * g.sw - g.pl + kx * g.dw;
                        int out = bnn_padded(&g, iy, ix);
                        for (long ci = 0; ci < cg; ci++) {
                            long b = (long)(ky * g.Kw + kx) * cg + ci;
                            unsigned v = out ? (g.pad == BNN_PAD_SAME_ONE ? 1u : 0u)
                                             : x[((long)iy * g.W + ix) * g.C + gr * cg + ci];
                            for (int p = 0; p < B; p++)
                                col[p * words + b / BNN_W] |= (bnn_word)((v >> p) & 1u)
                                                              << (b % BNN_W);
                        }
                    }
                for (int co = 0; co < cog; co++)
                    yo[co] = npos[gr * cog + co];
                bnn_bitserial_pass(yo, w, col, words, B, words, 0, (int)words, cog, gr);
            }
}

/* Words of a bit-serial dense layer's input chunk: the planes on the
 * stack stay small. */
#define BNN_CHUNK 32

/* bdense on a u8 input of N values of B bits, bit-serial, streaming the
 * input BNN_CHUNK words (of BNN_W values) at a time. w: [block][word]
 * [BNN_L], dense packing; npos as for bnn_bconv2d_bitserial. Scratch: col
 * of B * BNN_CHUNK words. */
BNN_INLINE void bnn_bdense_bitserial(const uint8_t *x, int32_t *y, const bnn_word *w,
                                     const int32_t *npos, long N, long U, int B, bnn_word *col)
{
    long words = bnn_words(N);
    for (int u = 0; u < U; u++)
        y[u] = npos[u];
    for (long j0 = 0; j0 < words; j0 += BNN_CHUNK) {
        int nw = words - j0 < BNN_CHUNK ? (int)(words - j0) : BNN_CHUNK;
        memset(col, 0, (size_t)(B * BNN_CHUNK) * sizeof(bnn_word));
        for (long b = j0 * BNN_W; b < N && b < (j0 + nw) * BNN_W; b++) {
            unsigned v = x[b];
            long k = b - j0 * BNN_W;
            for (int p = 0; p < B; p++)
                col[p * BNN_CHUNK + k / BNN_W] |= (bnn_word)((v >> p) & 1u) << (k % BNN_W);
        }
        bnn_bitserial_pass(y, w, col, BNN_CHUNK, B, words, j0, nw, U, 0);
    }
}

#endif
