/*
 * bnn_flavour.h: what every flavour shares once its blocks are defined.
 *
 * Included at the end of each flavour header, after BNN_L,
 * bnn_block_pop and bnn_block_pop4: the generic bnn_conv_out4 (the
 * flavours but AVX-512 and NEON use it; bnn_avx512.h has its own,
 * register-blocked two blocks at a time, bnn_neon.h its own, four blocks
 * at a time, and they define BNN_HAVE_CONV_OUT4), and the check that one
 * flavour only is in the translation unit.
 */
#ifndef BNN_FLAVOUR_H
#define BNN_FLAVOUR_H

#if !defined(BNN_L) || (BNN_L != 1 && BNN_L != 2 && BNN_L != 4 && BNN_L != 8)
#error "bnn_flavour.h: include a flavour header (bnn_portable.h, bnn_avx2.h, ...), not this file"
#endif

#ifndef BNN_HAVE_CONV_OUT4
/* nb whole blocks of outputs of four pixels: y[p * ys + b * BNN_L + l] =
 * N - 2 pops of field p (a[p * n ..]) with block b of the weights (w + b *
 * n * BNN_L). Inlined into the layer: it carries no target attribute, and
 * calls the flavour's bnn_block_pop4. */
BNN_INLINE void bnn_conv_out4(const bnn_word *a, const bnn_word *w, int n, int nb, int32_t N,
                          int32_t *y, long ys)
{
    for (int b = 0; b < nb; b++) {
        int32_t pops[4 * BNN_L];
        bnn_block_pop4(a, w + (long)b * n * BNN_L, n, pops);
        for (int p = 0; p < 4; p++)
            for (int l = 0; l < BNN_L; l++)
                y[p * ys + b * BNN_L + l] = N - 2 * pops[p * BNN_L + l];
    }
}
#endif

#endif
