/*
 * bnn_cortexm.h: the software-popcount flavour (`kernels = swar`) of
 * 32-bit microcontrollers without a popcount instruction: Cortex-M0+ to
 * M7 and M33, ESP32's Xtensa, RV32 without Zbb. Words are 32 bits: BNN_W
 * must be 32 (the default).
 *
 * The blocks (bnn_block_pop, bnn_block_pop4: the contracts of
 * bnn_scalar.h) take the words of a field three at a time through a full
 * adder: lo = x ^ y ^ z and hi = majority(x, y, z), bit by bit, so that
 * popcount(x) + popcount(y) + popcount(z) = popcount(lo) + 2
 * popcount(hi), two popcounts for three words. Each popcount stops at its
 * nibbles (the counts of the eight nibbles, 0 to 4, five operations); the
 * two are added as nibble counts (lo + 2 hi, 12 at most), turned into four
 * bytes (24 at most) and those bytes added to the sum: with the DSP
 * extension (__ARM_FEATURE_DSP and __ARM_FEATURE_SIMD32: Cortex-M4, M7,
 * M33) one USADA8, the sum of four bytes and an accumulator; without it
 * (Cortex-M0+, M3, other cores) a multiply by 0x01010101 and a shift, which
 * is exact because the four bytes add up to less than 256. The last
 * words past a multiple of three take the SWAR popcount one at a time
 * (bnn_pop_acc). bnn_block_pop4 loads each group of three weight words
 * once for its four fields.
 *
 * Counted with llvm-mca on the code clang-19 -O3 writes
 * (bench/mca_cortexm.py, docs/benchmarks.md "Cortex-M popcount under
 * llvm-mca"), bnn_block_pop4
 * takes four fields of 18 words (a 3x3 convolution on 64 channels) in
 * 12.3 cycles a word on the Cortex-M4 model and 7.9 on the M7, against
 * 16.0 and 9.9 for the SWAR popcount of each word with its multiply (the
 * flavour before), and 22.4 and 22.2 for a call of libgcc's __popcountsi2
 * a word (the same SWAR sequence, 13 instructions with the return, plus
 * the call and the loop around it). A Harley-Seal tree (a carry-save adder
 * over 8 words, one popcount for 8) needs fewer operations a word on long
 * fields, but its state does not fit the registers for four fields, and
 * its final popcounts cost more than it saves on fields of 9 to 36 words;
 * it is in the benchmark, not here. Never a library call:
 * tests/codegen/mcu_size.sh and tests/kernels/compile.sh check that no
 * popcount is linked.
 */
#ifndef BNN_CORTEXM_H
#define BNN_CORTEXM_H

#include "bnn_base.h"

#if BNN_W != 32
#error "bnn_cortexm.h: the software popcount flavour runs on 32-bit words (BNN_W 32)"
#endif

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#define BNN_CM_USADA8 1
#endif

/* The popcounts of the eight nibbles of x, 0 to 4 each, in its nibbles. */
static inline uint32_t bnn_pop_nibbles(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    return (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
}

/* acc plus the sum of the four bytes of b, whose total is below 256. */
static inline int32_t bnn_add_bytes(int32_t acc, uint32_t b)
{
#ifdef BNN_CM_USADA8
    return (int32_t)__usada8(b, 0u, (uint32_t)acc);
#else
    return acc + (int32_t)((b * 0x01010101u) >> 24);
#endif
}

/* acc + popcount(x). */
static inline int32_t bnn_pop_acc(int32_t acc, uint32_t x)
{
    x = bnn_pop_nibbles(x);
    return bnn_add_bytes(acc, (x + (x >> 4)) & 0x0F0F0F0Fu);
}

/* acc + popcount(x) + popcount(y) + popcount(z), through the full adder. */
static inline int32_t bnn_pop3_acc(int32_t acc, uint32_t x, uint32_t y, uint32_t z)
{
    uint32_t u = x ^ y, lo = u ^ z, hi = (x & y) | (u & z);
    uint32_t s = bnn_pop_nibbles(lo) + 2u * bnn_pop_nibbles(hi); /* 12 at most a nibble */
    return bnn_add_bytes(acc, (s & 0x0F0F0F0Fu) + ((s >> 4) & 0x0F0F0F0Fu));
}

static inline int32_t bnn_pop(bnn_word x)
{
    return bnn_pop_acc(0, x);
}

#define BNN_L 1

BNN_INLINE void bnn_block_pop(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    int32_t s = 0;
    int j = 0;
    for (; j + 3 <= n; j += 3)
        s = bnn_pop3_acc(s, a[j] ^ w[j], a[j + 1] ^ w[j + 1], a[j + 2] ^ w[j + 2]);
    for (; j < n; j++)
        s = bnn_pop_acc(s, a[j] ^ w[j]);
    pops[0] = s;
}

BNN_INLINE void bnn_block_pop4(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    const bnn_word *a1 = a + n, *a2 = a + 2 * n, *a3 = a + 3 * n;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int j = 0;
    for (; j + 3 <= n; j += 3) {
        bnn_word u = w[j], v = w[j + 1], t = w[j + 2];
        s0 = bnn_pop3_acc(s0, a[j] ^ u, a[j + 1] ^ v, a[j + 2] ^ t);
        s1 = bnn_pop3_acc(s1, a1[j] ^ u, a1[j + 1] ^ v, a1[j + 2] ^ t);
        s2 = bnn_pop3_acc(s2, a2[j] ^ u, a2[j + 1] ^ v, a2[j + 2] ^ t);
        s3 = bnn_pop3_acc(s3, a3[j] ^ u, a3[j + 1] ^ v, a3[j + 2] ^ t);
    }
    for (; j < n; j++) {
        bnn_word u = w[j];
        s0 = bnn_pop_acc(s0, a[j] ^ u);
        s1 = bnn_pop_acc(s1, a1[j] ^ u);
        s2 = bnn_pop_acc(s2, a2[j] ^ u);
        s3 = bnn_pop_acc(s3, a3[j] ^ u);
    }
    pops[0] = s0;
    pops[1] = s1;
    pops[2] = s2;
    pops[3] = s3;
}

#include "bnn_flavour.h"

#endif
