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

/* bnn_pack_bytes(m, n): the word whose bit b is m[b] (each 0 or 1), b < n
 * <= BNN_W. The binarising layers (bnn_elem.h) compare a word's elements
 * into bytes, a loop compilers vectorise, then pack them here: on x86-64
 * SSE2's PMOVMSKB takes 16 bytes at a time (every x86-64 has it, so no
 * target attribute). Elsewhere BNN_HAVE_PACK_BYTES stays undefined and
 * the layers OR each bit into the word as it is computed, the code whose
 * instruction models the catalog's Arm figures are. */
#if !defined(BNN_HAVE_PACK_BYTES) && defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#define BNN_HAVE_PACK_BYTES 1
BNN_INLINE bnn_word bnn_pack_bytes(const uint8_t *m, int n)
{
    bnn_word w = 0;
    int b = 0;
    for (; b + 16 <= n; b += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(m + b));
        w |= (bnn_word)(unsigned)_mm_movemask_epi8(_mm_slli_epi16(v, 7)) << b;
    }
    for (; b < n; b++)
        w |= (bnn_word)m[b] << b;
    return w;
}
#endif

#endif
