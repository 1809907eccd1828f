/*
 * bnn_fused.h: binary layers with their element-wise epilogue fused in
 * (bnnc's pass fuse-epilogue, docs/codegen.md "Fused epilogues").
 *
 * A fused layer runs as a loop over blocks of output pixels, written by
 * the emitter: bnn_bconv2d_block (bnn_binary.h) computes the int32 dot
 * products of four pixels (one step of bnn_bconv2d, the same code),
 * bnn_bdense the whole row of a dense layer; then each step of the
 * chain is an ordinary element-wise layer function (bnn_batchnorm,
 * bnn_unary_op, bnn_prelu, bnn_add_f, bnn_threshold_int) called with
 * constant arguments on that block, in place, while it is in L1: the
 * compiler specialises each call as it does the unfused layer's, and the
 * tensors between the steps are never written to memory. Each step is the
 * same float statements, in the same order, as the layer it replaces, so
 * the result is theirs bit for bit; the file that includes this one has
 * FP contraction off (bnn_kernels.h).
 *
 * A block's floats are the layer's output rows themselves when the
 * output is float (the dot products are written there, then become
 * floats in place, bnn_epi_float); a b1 output needs a block of scratch
 * (int32 for the dot products, float for the chain, 4 * C each for a
 * convolution, C for a dense layer). bnn_epi_pack (bnn_elem.h) writes a block's signs
 * (+1 where v >= 0) as b1 words: the output of a chain that ends in a
 * sign, or the bits a sign layer would have read the floats again for
 * (`side`); with AVX-512 16 channels a compare, with AVX2 8.
 */
#ifndef BNN_FUSED_H
#define BNN_FUSED_H

#include "bnn_base.h"
#include "bnn_binary.h"
#include "bnn_elem.h"
#include "bnn_float.h"

/* np pixels of C int32 dot products a into floats v (v may be a itself:
 * the bytes change type, memcpy), times scale[c] then plus bias[c] when
 * not NULL (bnn_scale_bias, as bnn_epilogue). */
BNN_INLINE void bnn_epi_float(float *v, const int32_t *a, long np, long C, const float *scale,
                              const float *bias)
{
    for (long px = 0; px < np; px++)
        for (long c = 0; c < C; c++) {
            int32_t k;
            memcpy(&k, a + px * C + c, 4);
            float f = bnn_scale_bias((float)k, c, scale, bias);
            memcpy(v + px * C + c, &f, 4);
        }
}

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

#endif
