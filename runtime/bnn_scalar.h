/*
 * bnn_scalar.h: the XOR-popcount blocks of the one-lane flavours, written
 * once over the flavour's popcount of a word.
 *
 * A flavour header (bnn_portable.h, bnn_cortexm.h, bnn_builtin.h,
 * bnn_popcnt_x86.h) defines `bnn_pop(x)`, the popcount of one bnn_word,
 * and BNN_BLOCK, the storage class and attributes of the blocks: BNN_INLINE
 * where the popcount needs no attribute, so that the blocks are inlined
 * into the layer and specialised for its word count (clang propagates
 * constants into a called function before it inlines, so a block called
 * from an inlined layer would not be); `static inline` with the x86
 * target("popcnt") otherwise (such a function cannot be always_inline
 * into code compiled without it). It then includes this file. With one lane
 * (BNN_L 1) the binary weights of an output channel are its own row of
 * words, and the blocks below are the contracts every flavour implements
 * (runtime/README.md, "Flavours"):
 *   bnn_block_pop(a, w, n, pops):  pops[l] = sum over j < n of
 *                                  popcount(a[j] XOR w[j * BNN_L + l]);
 *   bnn_block_pop4(a, w, n, pops): the same for four fields a[p * n + j],
 *                                  p < 4, sharing each weight word:
 *                                  pops[p * BNN_L + l];
 *   bnn_conv_out4(a, w, n, nb, N, y, ys): nb whole blocks of outputs of
 *                                  the four fields, y[p * ys + b * BNN_L + l]
 *                                  = N - 2 * pops (bnn_flavour.h).
 * The sums are exact integers, so every flavour gives the same numbers.
 */
#ifndef BNN_SCALAR_H
#define BNN_SCALAR_H

#define BNN_L 1

BNN_BLOCK void bnn_block_pop(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    int32_t s = 0;
    for (int j = 0; j < n; j++)
        s += bnn_pop(a[j] ^ w[j]);
    pops[0] = s;
}

BNN_BLOCK void bnn_block_pop4(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int j = 0; j < n; j++) {
        bnn_word v = w[j];
        s0 += bnn_pop(a[j] ^ v);
        s1 += bnn_pop(a[n + j] ^ v);
        s2 += bnn_pop(a[2 * n + j] ^ v);
        s3 += bnn_pop(a[3 * n + j] ^ v);
    }
    pops[0] = s0;
    pops[1] = s1;
    pops[2] = s2;
    pops[3] = s3;
}

#include "bnn_flavour.h"

#endif
