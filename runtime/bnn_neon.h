/*
 * bnn_neon.h: the AArch64 Advanced SIMD flavour (`kernels = neon`),
 * 64-bit words.
 *
 * Two output channels a block (BNN_L 2): one 128-bit load holds word j of
 * two filters ([block][word][2]), and the activation word is loaded into
 * both lanes (LD1R). EOR, then CNT counts the bits of each of the 16
 * bytes, and UADALP .8h adds pairs of byte counts into eight 16-bit
 * counters, four a filter: three instructions for 128 binary MACs, and no
 * folding inside the loop (the first word of a chunk starts the counters
 * with UADDLP instead of zeroing them). bnn_conv_out4 is register-blocked
 * (bnn_neon_block4): four blocks, eight output channels, of four
 * receptive fields, sixteen counters in registers; each word step loads
 * the four activation words once for four weight vectors and each weight
 * vector once for four fields (8 loads for 48 vector instructions). Every
 * BNN_NEON_CHUNK (1023) words, and at the end, two ADDP add a field's
 * counters into the eight channels' pops in 16-bit lanes, and UMLSL takes
 * 2 pops from the 32-bit outputs (which start at N): N - 2 pops as int32,
 * eight channels at a time. The 1 to 3 blocks past a multiple of four run
 * the same code with fewer weight vectors, and bnn_block_pop4 (fields
 * with zero-padded taps, fewer than four pixels, a last block of one
 * channel) is it for one block, writing pops. Under llvm-mca
 * (bench/mca_neon.sh) the loop reaches about 76 binary MACs a cycle on
 * -mcpu=cortex-a72 and 29 on -mcpu=cortex-a53, against 51 and 15 for the
 * two-channel loop it replaced. bnn_block_pop (bdense and the bit-serial
 * passes: one field, one block) is the one of before: byte counters
 * (ADD), folded every 31 words (UADDLP .16b, UADDLP .8h, UADALP .4s);
 * called with a constant word count, clang keeps the broadcast activation
 * words of a short dense layer in registers across its blocks. AArch64 only (`#error` otherwise); no attribute is needed,
 * Advanced SIMD is part of the base architecture. On 32-bit words the
 * flavour is the portable one (one lane).
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

/* Words a field's 16-bit counters take before a sum could overflow: a
 * word adds at most 64 to a filter's pops (16 to each of its four
 * counters), and the four are added into one 16-bit lane: 1023 * 64 <=
 * 65535. */
#define BNN_NEON_CHUNK 1023

/* popcount(x XOR v) of each byte, added pairwise into the counters; the
 * first word of a chunk starts them (UADDLP: no zeroing). */
#define BNN_NEON_XPOP(acc, x, v) vpadalq_u8((acc), vcntq_u8(veorq_u8((x), (v))))
#define BNN_NEON_XPOP0(x, v) vpaddlq_u8(vcntq_u8(veorq_u8((x), (v))))

/* Word j of block b's two filters, and of field p broadcast to both lanes. */
#define BNN_NEON_W(b) vreinterpretq_u8_u64(vld1q_u64(w + ((long)(b) * n + j) * 2))
#define BNN_NEON_A(p) vreinterpretq_u8_u64(vld1q_dup_u64(a + (long)(p) * n + j))

/* The four fields' counters of block b, started (OP = BNN_NEON_START) or
 * added to (BNN_NEON_ADD) with word j; a step is the k blocks. */
#define BNN_NEON_START(c, x, v) ((c) = BNN_NEON_XPOP0((x), (v)))
#define BNN_NEON_ADD(c, x, v) ((c) = BNN_NEON_XPOP((c), (x), (v)))
#define BNN_NEON_BLOCK(OP, b)                                                              \
    do {                                                                                   \
        uint8x16_t v = BNN_NEON_W(b);                                                      \
        OP(c##b##0, x0, v);                                                                \
        OP(c##b##1, x1, v);                                                                \
        OP(c##b##2, x2, v);                                                                \
        OP(c##b##3, x3, v);                                                                \
    } while (0)
#define BNN_NEON_STEP(OP)                                                                  \
    do {                                                                                   \
        uint8x16_t x0 = BNN_NEON_A(0), x1 = BNN_NEON_A(1), x2 = BNN_NEON_A(2),             \
                   x3 = BNN_NEON_A(3);                                                     \
        BNN_NEON_BLOCK(OP, 0);                                                             \
        if (k > 1)                                                                         \
            BNN_NEON_BLOCK(OP, 1);                                                         \
        if (k > 2)                                                                         \
            BNN_NEON_BLOCK(OP, 2);                                                         \
        if (k > 3)                                                                         \
            BNN_NEON_BLOCK(OP, 3);                                                         \
    } while (0)
/* Field p's counters of a chunk into its sums r[p]: lanes 0-3 of a
 * counter are filter 0 of its block, 4-7 filter 1, and two ADDP give the
 * pops of the chunk as [b0.0, b0.1, b1.0, b1.1, b2.0, b2.1, b3.0, b3.1];
 * then r = r - 2 pops (UMLSL) for outputs, r = r + pops (UADDW) for pops. */
#define BNN_NEON_FOLD(p)                                                                   \
    do {                                                                                   \
        uint16x8_t q = vpaddq_u16(c0##p, c1##p);                                           \
        uint16x8_t t = vpaddq_u16(q, k > 2 ? vpaddq_u16(c2##p, c3##p) : q);                \
        if (out) {                                                                         \
            r[p][0] = vmlsl_n_u16(r[p][0], vget_low_u16(t), 2);                            \
            if (k > 2)                                                                     \
                r[p][1] = vmlsl_high_n_u16(r[p][1], t, 2);                                 \
        } else {                                                                           \
            r[p][0] = vaddw_u16(r[p][0], vget_low_u16(t));                                 \
            if (k > 2)                                                                     \
                r[p][1] = vaddw_high_u16(r[p][1], t);                                      \
        }                                                                                  \
    } while (0)

/* The register-blocked core: the four fields a[p * n + j] (p < 4) against
 * k (1 to 4) blocks of two filters (block b at w + b * n * 2). With out,
 * y[p * ys + c] = N - 2 pops for the 2k channels c; else the pops,
 * y[p * 2 + l] (k 1: bnn_block_pop4). Written out, one named counter
 * c<block><field> each, so that no compiler need unroll a loop or split an
 * array to keep the sixteen in registers (gcc 12 -O2 does neither);
 * inlined with constant k and out, their tests fold away. The sums r are
 * 32-bit, modulo 2^32: N - 2 pops is exact in int32. */
BNN_INLINE void bnn_neon_block4(const bnn_word *a, const bnn_word *w, int n, int k, int out,
                                int32_t N, int32_t *y, long ys)
{
    uint32x4_t r[4][2];
    for (int p = 0; p < 4; p++)
        r[p][0] = r[p][1] = vdupq_n_u32(out ? (uint32_t)N : 0u);
    for (int j0 = 0; j0 < n; j0 += BNN_NEON_CHUNK) {
        int j1 = n - j0 > BNN_NEON_CHUNK ? j0 + BNN_NEON_CHUNK : n, j = j0;
        uint16x8_t c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = vdupq_n_u16(0);
        BNN_NEON_STEP(BNN_NEON_START);
        for (j = j0 + 1; j < j1; j++)
            BNN_NEON_STEP(BNN_NEON_ADD);
        BNN_NEON_FOLD(0);
        BNN_NEON_FOLD(1);
        BNN_NEON_FOLD(2);
        BNN_NEON_FOLD(3);
    }
    for (int p = 0; p < 4; p++) {
        int32x4_t r0 = vreinterpretq_s32_u32(r[p][0]), r1 = vreinterpretq_s32_u32(r[p][1]);
        int32_t *yp = out ? y + p * ys : y + p * 2;
        if (k == 1) {
            vst1_s32(yp, vget_low_s32(r0));
        } else {
            vst1q_s32(yp, r0);
            if (k == 3)
                vst1_s32(yp + 4, vget_low_s32(r1));
            else if (k == 4)
                vst1q_s32(yp + 4, r1);
        }
    }
}

/* pops[l] = sum over j of popcount(a[j] XOR w[2 * j + l]): byte
 * counters, folded every 31 words before a byte (at most 8 a word) can
 * overflow. */
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
    bnn_neon_block4(a, w, n, 1, 0, 0, pops, 0);
}

/* nb whole blocks of outputs of four pixels: y[p * ys + b * 2 + l] = N -
 * 2 pops, four blocks (eight channels) at a time, then the 1 to 3 left. */
BNN_INLINE void bnn_conv_out4(const bnn_word *a, const bnn_word *w, int n, int nb, int32_t N,
                              int32_t *y, long ys)
{
    int b = 0;
    for (; b + 4 <= nb; b += 4)
        bnn_neon_block4(a, w + (long)b * n * 2, n, 4, 1, N, y + b * 2, ys);
    if (nb - b == 3)
        bnn_neon_block4(a, w + (long)b * n * 2, n, 3, 1, N, y + b * 2, ys);
    else if (nb - b == 2)
        bnn_neon_block4(a, w + (long)b * n * 2, n, 2, 1, N, y + b * 2, ys);
    else if (nb - b == 1)
        bnn_neon_block4(a, w + (long)b * n * 2, n, 1, 1, N, y + b * 2, ys);
}
#define BNN_HAVE_CONV_OUT4 1
#undef BNN_NEON_XPOP
#undef BNN_NEON_XPOP0
#undef BNN_NEON_W
#undef BNN_NEON_A
#undef BNN_NEON_START
#undef BNN_NEON_ADD
#undef BNN_NEON_BLOCK
#undef BNN_NEON_STEP
#undef BNN_NEON_FOLD

#include "bnn_flavour.h"

#endif
#endif
