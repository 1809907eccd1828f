/*
 * use_all.c: calls every function of the kernel library once, with
 * arguments the compiler cannot see through, so that compiling this file
 * with -Wall -Wextra -Werror checks every body of the flavour given with
 * -DBNN_FLAVOUR='"bnn_avx2.h"' (tests/kernels/compile.sh). Never run.
 */
#ifndef BNN_FLAVOUR
#define BNN_FLAVOUR "bnn_portable.h"
#endif
#include BNN_FLAVOUR
#include "bnn_kernels.h"

void use_all(void **p, const int *v);

void use_all(void **p, const int *v)
{
    bnn_win g = bnn_window(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
                           (bnn_pad)v[11]);
    bnn_dtype t = (bnn_dtype)v[12];
    bnn_bconv2d(p[0], p[1], p[2], p[3], g, (bnn_pack)v[13], p[4], p[5]);
    bnn_bdense(p[0], p[1], p[2], v[14], v[15]);
    bnn_bconv2d_bitserial(p[0], p[1], p[2], p[3], g, v[16], p[4]);
    bnn_bdense_bitserial(p[0], p[1], p[2], p[3], v[14], v[15], v[16], p[4]);
    bnn_conv2d(p[0], t, p[1], p[2], g, v[17]);
    bnn_depthwise_conv2d(p[0], t, p[1], p[2], g);
    bnn_conv2d_bw(p[0], t, p[1], p[2], g);
    bnn_dense(p[0], t, p[1], p[2], v[14], v[15]);
    bnn_bdense_f(p[0], t, p[1], p[2], v[14], v[15]);
    bnn_epilogue(p[1], v[14], v[15], p[2], p[3], v[17]);
    bnn_sign(p[0], t, p[1], v[14], v[15]);
    bnn_threshold_int(p[0], t, p[1], p[2], p[3], v[14], v[15]);
    bnn_threshold_f(p[0], t, p[1], p[2], p[3], v[14], v[15]);
    bnn_thresholds_b1(p[0], p[1], p[2], v[14], v[15]);
    bnn_thresholds_u8(p[0], p[1], p[2], v[14], v[15], v[16]);
    bnn_unary_op(p[0], t, p[1], v[14], v[15], (bnn_unary)v[18]);
    bnn_batchnorm(p[0], t, p[1], p[2], p[3], v[14], v[15]);
    bnn_prelu(p[0], t, p[1], p[2], v[14], v[15]);
    bnn_add_i32(p[0], p[2], p[1], v[14]);
    bnn_add_f(p[0], t, p[2], (bnn_dtype)v[19], p[1], v[14], v[15]);
    bnn_maxpool(p[0], t, p[1], g);
    bnn_avgpool(p[0], t, p[1], g);
    bnn_global_avgpool(p[0], t, p[1], v[14], v[15]);
    bnn_softmax(p[0], t, p[1], v[14], v[15]);
    bnn_walk w = {{v[0], v[1], v[2], v[3]}, {v[4], v[5], v[6], v[7]}};
    bnn_gather(p[0], p[1], t, w, v[14], v[15], v[16]);
    bnn_concat(p[0], t, v[14], p[1], (bnn_dtype)v[19], v[15], v[16], v[17], v[18]);
    bnn_mul(p[0], t, v[14], p[2], (bnn_dtype)v[19], v[15], p[1], w, w);
    bnn_pad_channels(p[0], p[1], t, v[14], v[15], v[16], v[17], (double)v[18]);
    bnn_pack_input(p[0], p[1], v[14], v[15]);
    bnn_unpack_output(p[0], p[1], v[14], v[15]);
    bnn_copy_bits(p[1], v[14], p[0], v[15], v[16]);
    bnn_set_bits(p[1], v[14], v[16]);
    /* the steps of a fused chain (bnn_fused.h) */
    float x = bnn_s_int(p[0]);
    x = bnn_s_mul(bnn_s_add(x + bnn_s_ld(p[2]), p[3]), p[2]);
    x = bnn_s_prelu(bnn_s_hardtanh(bnn_s_relu(bnn_s_bn(x, p[2], p[3]))), p[2]);
    x = bnn_s_xadd(bnn_s_addx(x, p[0], t, v[14], v[15]), p[0], t, v[14], v[15]);
    bnn_s_st(p[1], x);
    bnn_word bits = bnn_s_pack(p[4], v[14], x, 0, v[15]);
#if BNN_FVEC
    bnn_vf y = bnn_v_int(p[0]);
    y = bnn_v_mul(bnn_v_add(y + bnn_v_ld(p[2]), p[3]), p[2]);
    y = bnn_v_prelu(bnn_v_hardtanh(bnn_v_relu(bnn_v_bn(y, p[2], p[3]))), p[2]);
    y = bnn_v_xadd(bnn_v_addx(y, p[0], t, v[14], v[15]), p[0], t, v[14], v[15]);
    bnn_v_st(p[1], y);
    bits = bnn_v_pack(p[4], v[16], y, bits, v[15]);
#endif
    ((bnn_word *)p[5])[0] = bits;
}
