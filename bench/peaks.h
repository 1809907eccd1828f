/*
 * peaks.h: this machine's register-only peaks, for bench/kernels.c and
 * bench/peaks.c (docs/benchmarks.md). Each loop runs independent chains
 * on registers only, so memory plays no part:
 *   bench_peak_xnorop   XOR, VPOPCNTQ and add on 512-bit vectors, four
 *                       chains: XNOROP (64 binary MACs) per second, 0
 *                       where the CPU lacks AVX-512 VPOPCNTDQ;
 *   bench_peak_muladd   a float multiply then a separate add (no FMA: the
 *                       emitted float layers are built without
 *                       contraction, docs/semantics.md), twelve chains
 *                       of 16-float GNU vectors: float MACs per second.
 * The includer defines bench_now() (seconds, monotonic).
 */
#ifndef BENCH_PEAKS_H
#define BENCH_PEAKS_H

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static double bench_now(void);

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512vpopcntdq"))) static double bench_xnorop_avx512(void) {
    __m512i a0 = _mm512_set1_epi64(1), a1 = _mm512_set1_epi64(3), a2 = _mm512_set1_epi64(7),
            a3 = _mm512_set1_epi64(15), w = _mm512_set1_epi64(0x1234);
    __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
    long n = 50000000;
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        s0 = _mm512_add_epi64(s0, _mm512_popcnt_epi64(_mm512_xor_si512(a0, w)));
        s1 = _mm512_add_epi64(s1, _mm512_popcnt_epi64(_mm512_xor_si512(a1, w)));
        s2 = _mm512_add_epi64(s2, _mm512_popcnt_epi64(_mm512_xor_si512(a2, w)));
        s3 = _mm512_add_epi64(s3, _mm512_popcnt_epi64(_mm512_xor_si512(a3, w)));
        __asm__ volatile("" : "+v"(w));
    }
    double t = bench_now() - t0;
    volatile long long sink = _mm512_reduce_add_epi64(
        _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3)));
    (void)sink;
    return 4.0 * 8 * (double)n / t;
}
#endif

static double bench_peak_xnorop(void) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512vpopcntdq"))
        return bench_xnorop_avx512();
#endif
    return 0;
}

typedef float bench_vf __attribute__((vector_size(64)));

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#define BENCH_NO_CONTRACT
#else
#define BENCH_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#endif
BENCH_NO_CONTRACT __attribute__((noinline)) static double bench_peak_muladd(void) {
    bench_vf w = {0}, c = {0};
    w += 1.0001f;
    c += 1e-7f;
    bench_vf a0 = w, a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c;
    bench_vf a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
    long n = 20000000;
    double t0 = bench_now();
#define BENCH_MA(a) do { bench_vf p_ = a * w; a = p_ + c; } while (0)
    for (long i = 0; i < n; i++) {
        BENCH_MA(a0); BENCH_MA(a1); BENCH_MA(a2); BENCH_MA(a3); BENCH_MA(a4); BENCH_MA(a5);
        BENCH_MA(a6); BENCH_MA(a7); BENCH_MA(a8); BENCH_MA(a9); BENCH_MA(a10); BENCH_MA(a11);
        __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5));
        __asm__ volatile("" : "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11));
    }
#undef BENCH_MA
    double t = bench_now() - t0;
    volatile float sink = a0[0] + a1[0] + a2[0] + a3[0] + a4[0] + a5[0] + a6[0] + a7[0] +
                          a8[0] + a9[0] + a10[0] + a11[0];
    (void)sink;
    return 12.0 * 16 * (double)n / t;
}

#endif
