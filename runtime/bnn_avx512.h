/*
 * bnn_avx512.h: the AVX-512 VPOPCNTDQ flavour (`kernels = avx512`),
 * x86-64, 64-bit words.
 *
 * Eight output channels a block (BNN_L 8): one 512-bit load holds word j
 * of eight filters ([block][word][8]), the activation word is broadcast to
 * the eight lanes, and VPOPCNTQ counts each lane's XOR into a 64-bit sum.
 * bnn_block_pop runs two accumulators over even and odd words (two
 * independent dependency chains); bnn_block_pop4 shares each weight load
 * among four receptive fields; bnn_conv_out4 is register-blocked: two
 * blocks of eight channels at a time, eight sums in registers, each
 * activation word broadcast once for two weight vectors, and writes N - 2
 * pops directly as 8 int32 (VPMOVQD, shift, subtract). The functions carry
 * `__attribute__((target("avx512f,avx512vpopcntdq")))`: a plain `cc -O2`
 * builds the file, and the CPU must have AVX512F and AVX512_VPOPCNTDQ
 * (Ice Lake, Zen 4 and later) to run it. On 32-bit words the flavour is
 * the POPCNT one (bnn_popcnt_x86.h).
 */
#ifndef BNN_AVX512_H
#define BNN_AVX512_H

#include "bnn_base.h"

#if BNN_W != 64
#include "bnn_popcnt_x86.h"
#else

#if !defined(__x86_64__)
#error "these kernels are for x86-64"
#endif
#include <immintrin.h>

#define BNN_L 8
#define BNN_AVX512_ATTR __attribute__((target("avx512f,avx512vpopcntdq")))

/* pops[l] = sum over j of popcount(a[j] XOR w[8 * j + l]): AVX-512
 * VPOPCNTQ, the activation word broadcast to the 8 lanes. Not inlined:
 * inlined into bnn_bdense's loop over blocks, gcc 12 hoists the n
 * broadcasts of the activation (the same for every block) out of it and
 * spills them to the stack, 6% slower than a call (docs/benchmarks.md);
 * the call still gets a clone for its constant n. */
BNN_AVX512_ATTR __attribute__((noinline, unused))
static void bnn_block_pop(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
    int j = 0;
    for (; j + 2 <= n; j += 2) {
        s0 = _mm512_add_epi64(s0, _mm512_popcnt_epi64(_mm512_xor_si512(
            _mm512_set1_epi64((long long)a[j]), _mm512_loadu_si512((const void *)(w + 8 * j)))));
        s1 = _mm512_add_epi64(s1, _mm512_popcnt_epi64(_mm512_xor_si512(
            _mm512_set1_epi64((long long)a[j + 1]), _mm512_loadu_si512((const void *)(w + 8 * j + 8)))));
    }
    if (j < n)
        s0 = _mm512_add_epi64(s0, _mm512_popcnt_epi64(_mm512_xor_si512(
            _mm512_set1_epi64((long long)a[j]), _mm512_loadu_si512((const void *)(w + 8 * j)))));
    _mm256_storeu_si256((__m256i *)pops, _mm512_cvtepi64_epi32(_mm512_add_epi64(s0, s1)));
}

/* The same for four receptive fields a[p * n + j], p < 4, that share each
 * weight load: pops[p * 8 + l]. */
BNN_AVX512_ATTR
static inline void bnn_block_pop4(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
    for (int j = 0; j < n; j++) {
        __m512i v = _mm512_loadu_si512((const void *)(w + 8 * j));
        s0 = _mm512_add_epi64(s0, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_set1_epi64((long long)a[j]), v)));
        s1 = _mm512_add_epi64(s1, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_set1_epi64((long long)a[n + j]), v)));
        s2 = _mm512_add_epi64(s2, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_set1_epi64((long long)a[2 * n + j]), v)));
        s3 = _mm512_add_epi64(s3, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_set1_epi64((long long)a[3 * n + j]), v)));
    }
    _mm256_storeu_si256((__m256i *)pops, _mm512_cvtepi64_epi32(s0));
    _mm256_storeu_si256((__m256i *)(pops + 8), _mm512_cvtepi64_epi32(s1));
    _mm256_storeu_si256((__m256i *)(pops + 16), _mm512_cvtepi64_epi32(s2));
    _mm256_storeu_si256((__m256i *)(pops + 24), _mm512_cvtepi64_epi32(s3));
}

/* nb whole blocks of outputs of four pixels: y[p * ys + b * 8 + l] =
 * N - 2 pops, two blocks at a time (eight sums; each activation word
 * broadcast once for two weight vectors). */
BNN_AVX512_ATTR
static inline void bnn_conv_out4(const bnn_word *a, const bnn_word *w, int n, int nb, int32_t N,
                                 int32_t *y, long ys)
{
    const __m256i nn = _mm256_set1_epi32(N);
    int b = 0;
    for (; b + 2 <= nb; b += 2) {
        const bnn_word *w0 = w + (long)b * n * 8, *w1 = w0 + (long)n * 8;
        __m512i s[8];
        for (int k = 0; k < 8; k++)
            s[k] = _mm512_setzero_si512();
        for (int j = 0; j < n; j++) {
            __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 8 * j));
            __m512i v1 = _mm512_loadu_si512((const void *)(w1 + 8 * j));
            for (int p = 0; p < 4; p++) {
                __m512i x = _mm512_set1_epi64((long long)a[p * n + j]);
                s[p] = _mm512_add_epi64(s[p], _mm512_popcnt_epi64(_mm512_xor_si512(x, v0)));
                s[4 + p] = _mm512_add_epi64(s[4 + p], _mm512_popcnt_epi64(_mm512_xor_si512(x, v1)));
            }
        }
        for (int p = 0; p < 4; p++) {
            _mm256_storeu_si256((__m256i *)(y + p * ys + b * 8),
                _mm256_sub_epi32(nn, _mm256_slli_epi32(_mm512_cvtepi64_epi32(s[p]), 1)));
            _mm256_storeu_si256((__m256i *)(y + p * ys + b * 8 + 8),
                _mm256_sub_epi32(nn, _mm256_slli_epi32(_mm512_cvtepi64_epi32(s[4 + p]), 1)));
        }
    }
    if (b < nb) {
        int32_t pops[32];
        bnn_block_pop4(a, w + (long)b * n * 8, n, pops);
        for (int p = 0; p < 4; p++)
            for (int l = 0; l < 8; l++)
                y[p * ys + b * 8 + l] = N - 2 * pops[p * 8 + l];
    }
}
#define BNN_HAVE_CONV_OUT4 1

#include "bnn_flavour.h"

#endif
#endif
