/*
 * bnn_avx2.h: the AVX2 flavour (`kernels = avx2`), x86-64, 64-bit words.
 *
 * Four output channels a block (BNN_L 4): their weights are stored word by
 * word, lane by lane ([block][word][4]), so one 256-bit load holds the
 * word j of four filters and one activation word, broadcast, meets all
 * four. AVX2 has no popcount instruction: the popcount is a nibble lookup
 * (VPSHUFB on the low and high nibbles of each byte) added into byte
 * counters, which are summed into 64-bit lanes (VPSADBW) every 31 words,
 * before a byte (at most 8 a word) can overflow. The functions carry
 * `__attribute__((target("avx2")))`: a plain `cc -O2` builds the file, and
 * the CPU must have AVX2 to run it. On 32-bit words the flavour is the
 * POPCNT one (bnn_popcnt_x86.h), as bnnc's cost model assumes (one lane).
 */
#ifndef BNN_AVX2_H
#define BNN_AVX2_H

#include "bnn_base.h"

#if BNN_W != 64
#include "bnn_popcnt_x86.h"
#else

#if !defined(__x86_64__)
#error "these kernels are for x86-64"
#endif
#include <immintrin.h>

#define BNN_L 4

/* pops[l] = sum over j of popcount(a[j] XOR w[4 * j + l]). */
__attribute__((target("avx2")))
static inline void bnn_block_pop(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
    __m256i acc = zero;
    for (int j = 0; j < n;) {
        __m256i bytes = zero;
        int end = n - j > 31 ? j + 31 : n;
        for (; j < end; j++) {
            __m256i x = _mm256_xor_si256(_mm256_set1_epi64x((long long)a[j]),
                                         _mm256_loadu_si256((const __m256i *)(w + 4 * j)));
            bytes = _mm256_add_epi8(bytes, _mm256_add_epi8(
                _mm256_shuffle_epi8(lut, _mm256_and_si256(x, low)),
                _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low))));
        }
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(bytes, zero));
    }
    long long sum[4];
    _mm256_storeu_si256((__m256i *)sum, acc);
    for (int l = 0; l < 4; l++)
        pops[l] = (int32_t)sum[l];
}

/* The same for four receptive fields a[p * n + j], p < 4, that share each
 * weight load: pops[p * 4 + l]. */
__attribute__((target("avx2")))
static inline void bnn_block_pop4(const bnn_word *a, const bnn_word *w, int n, int32_t *pops)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
    __m256i acc[4] = {zero, zero, zero, zero};
    for (int j = 0; j < n;) {
        __m256i bytes[4] = {zero, zero, zero, zero};
        int end = n - j > 31 ? j + 31 : n;
        for (; j < end; j++) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(w + 4 * j));
            for (int p = 0; p < 4; p++) {
                __m256i x = _mm256_xor_si256(_mm256_set1_epi64x((long long)a[p * n + j]), v);
                bytes[p] = _mm256_add_epi8(bytes[p], _mm256_add_epi8(
                    _mm256_shuffle_epi8(lut, _mm256_and_si256(x, low)),
                    _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low))));
            }
        }
        for (int p = 0; p < 4; p++)
            acc[p] = _mm256_add_epi64(acc[p], _mm256_sad_epu8(bytes[p], zero));
    }
    for (int p = 0; p < 4; p++) {
        long long sum[4];
        _mm256_storeu_si256((__m256i *)sum, acc[p]);
        for (int l = 0; l < 4; l++)
            pops[p * 4 + l] = (int32_t)sum[l];
    }
}

#include "bnn_flavour.h"

#endif
#endif
