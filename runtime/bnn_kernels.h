/*
 * bnn_kernels.h: the kernel library of bnnc's generated code, in one
 * include: the portable C99 core and the flavour chosen before it.
 *
 * Use (runtime/README.md):
 *
 *     #define BNN_W 64                 (32 when not given)
 *     #include "bnn_avx512.h"          (a flavour; bnn_portable.h when none)
 *     #include "bnn_kernels.h"
 *
 * then call one layer function a layer, with constant arguments, from one
 * function: each is `static inline` (always_inline under GNU C) and folds
 * into a loop nest for that layer's sizes. The flavour headers define the
 * XOR-popcount blocks (bnn_block_pop, bnn_block_pop4, bnn_conv_out4,
 * BNN_L); the core is the same for all: bnn_binary.h (bconv2d, bdense on
 * b1, bit-serial on u8), bnn_float.h (float convolutions and dense layers,
 * the epilogue), bnn_elem.h (binarisation, thresholds, element-wise
 * operations, pools, softmax), bnn_shape.h (concat, transpose, slice,
 * repacking reshapes, pad_channels, mul, b1 inputs and outputs),
 * bnn_fused.h (binary layers with their element-wise chain fused in). Every
 * function computes what docs/semantics.md says, bit for bit; the float
 * ones need the file's floating-point contraction off, which this header
 * sets for gcc and clang (an FMA would round once where the contract
 * rounds twice).
 */
#ifndef BNN_KERNELS_H
#define BNN_KERNELS_H

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "bnn_base.h"
#ifndef BNN_L
#include "bnn_portable.h"
#endif
#include "bnn_binary.h"
#include "bnn_float.h"
#include "bnn_elem.h"
#include "bnn_shape.h"
#include "bnn_fused.h"

#endif
