/*
 * bnn_neon.h: the AArch64 Advanced SIMD flavour (`kernels = neon`),
 * 64-bit words.
 *
 * Two output channels a block (BNN_L 2): one 128-bit load holds word j of
 * two filters ([block][word][2]) and the activation word is duplicated
 * into both lanes. CNT counts the bits of each of the 16 bytes into byte
 * counters; every 31 words, before a byte (at most 8 a word) can
 * overflow, pairwise widening adds (UADDLP .16b, UADDLP .8h, UADALP .4s)
 * fold them into the two 64-bit sums. AArch64 only (`#error` otherwise);
 * no attribute is needed, Advanced SIMD is part of the base architecture.
 * On 32-bit words the flavour is the portable one (one lane).
 */
#ifndef BNN_NEON_H
#define BNN_NEON_H

#include "bnn_base.h"

#if BNN_W != 64
#include "bnn_portable.h"
#else

#if !defined(__aarch64__)
#error "these kernels are for AArch64 (NEON)"
#endif
#include <arm_neon.h>

#define BNN_L 2

/* pops[l] = sum over j of popcount(a[j] XOR w[2 * j + l]). */
static inline void bnn_block_pop(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    uint64x2_t acc = vdupq_n_u64(0);
    for (int j = 0; j < n;) {
        uint8x16_t bytes = vdupq_n_u8(0);
        int end = n - j > 31 ? j + 31 : n;
        for (; j < end; j++)
            bytes = vaddq_u8(bytes, vcntq_u8(vreinterpretq_u8_u64(
                veorq_u64(vdupq_n_u64(a[j]), vld1q_u64(w + 2 * j)))));
        acc = vpadalq_u32(acc, vpaddlq_u16(vpaddlq_u8(bytes)));
    }
    pops[0] = (int32_t)vgetq_lane_u64(acc, 0);
    pops[1] = (int32_t)vgetq_lane_u64(acc, 1);
}

/* The same for four receptive fields a[p * n + j], p < 4, that share each
 * weight load: pops[p * 2 + l]. */
static inline void bnn_block_pop4(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    uint64x2_t acc[4] = {vdupq_n_u64(0), vdupq_n_u64(0), vdupq_n_u64(0), vdupq_n_u64(0)};
    for (int j = 0; j < n;) {
        uint8x16_t bytes[4] = {vdupq_n_u8(0), vdupq_n_u8(0), vdupq_n_u8(0), vdupq_n_u8(0)};
        int end = n - j > 31 ? j + 31 : n;
        for (; j < end; j++) {
            uint64x2_t v = vld1q_u64(w + 2 * j);
            for (int p = 0; p < 4; p++)
                bytes[p] = vaddq_u8(bytes[p], vcntq_u8(vreinterpretq_u8_u64(
                    veorq_u64(vdupq_n_u64(a[p * n + j]), v))));
        }
        for (int p = 0; p < 4; p++)
            acc[p] = vpadalq_u32(acc[p], vpaddlq_u16(vpaddlq_u8(bytes[p])));
    }
    for (int p = 0; p < 4; p++) {
        pops[p * 2] = (int32_t)vgetq_lane_u64(acc[p], 0);
        pops[p * 2 + 1] = (int32_t)vgetq_lane_u64(acc[p], 1);
    }
}

#include "bnn_flavour.h"

#endif
#endif
