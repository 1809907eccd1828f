/*
 * bnn_base.h: the words, bits and types every kernel of the library shares.
 *
 * The kernel library (runtime/README.md) is a set of headers of `static
 * inline` C99 functions, meant to be included into one generated NAME.c
 * and called there with constant arguments, so that the C compiler
 * specialises each call after inlining: every size becomes a constant,
 * every test of a layout or a padding mode folds away, as if the loop
 * nest had been written out for that layer. This file holds what all the
 * others use:
 *   - the word of packed binary tensors, bnn_word, of BNN_W bits (32 or
 *     64, chosen by the includer with `#define BNN_W` before the first
 *     include; 32 when it does not): a b1 tensor is packed per pixel,
 *     ceil(C / BNN_W) words, bit c % BNN_W of word c / BNN_W is channel c
 *     (1 is +1), the padding bits of the last word zero;
 *   - BNN_INLINE, the storage class of the layer functions: `static
 *     inline`, with always_inline under GNU C so that a layer function is
 *     inlined (and specialised) even where it is large;
 *   - the element types of tensors (bnn_dtype) and a loader of any element
 *     as a float (docs/semantics.md section 1);
 *   - the bit helpers the gathers use (bnn_bit, bnn_copy_bits,
 *     bnn_set_bits), and the SWAR popcount of one word;
 *   - the float vector types of GNU C (BNN_FVEC), where the machine has
 *     SIMD, which the float layers use.
 * Nothing here allocates; pointers are to the caller's arrays (the static
 * arena of the generated code), and no function keeps any state.
 */
#ifndef BNN_BASE_H
#define BNN_BASE_H

#include <stdint.h>
#include <string.h>
#include <math.h>

#ifndef BNN_W
#define BNN_W 32
#endif
#if BNN_W == 64
typedef uint64_t bnn_word;
#elif BNN_W == 32
typedef uint32_t bnn_word;
#else
#error "BNN_W must be 32 or 64"
#endif

/* The layer functions: inlined into the caller, where their constant
 * arguments specialise them. */
#if defined(__GNUC__)
#define BNN_INLINE static inline __attribute__((always_inline))
#else
#define BNN_INLINE static inline
#endif

/* A layer's own function in the emitted code (one thread): kept out of
 * line, so that each layer is compiled on its own. With gcc, noipa: no
 * interprocedural analysis either. gcc 12.2 at -O1 and above deleted the
 * call of a layer function that was only noinline, whose output the next
 * layer read (a threshold layer storing u8 after reading i32 through the
 * same arena pointer; tests/codegen/ipa_call.bnn), as if its stores were
 * dead: with -fno-ipa-modref and -fno-ipa-pure-const together it stayed.
 * BNN_ASSUME_ALIGNED: the arena's alignment, told to the compiler. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define BNN_NOINLINE __attribute__((noipa))
#define BNN_ASSUME_ALIGNED(p, a) __builtin_assume_aligned(p, a)
#elif defined(__GNUC__)
#define BNN_NOINLINE __attribute__((noinline))
#define BNN_ASSUME_ALIGNED(p, a) __builtin_assume_aligned(p, a)
#else
#define BNN_NOINLINE
#define BNN_ASSUME_ALIGNED(p, a) (p)
#endif

/* Before a loop: clang must not vectorise it. clang 14 at -O2 with AVX2
 * vectorises the bit gather of a grouped binary convolution over its four
 * pixels into wrong code (tests/codegen/grouped_gather.bnn; clang 19 and
 * gcc are right); vectors gain nothing there. */
#if defined(__clang__)
#define BNN_NO_VECTORIZE _Pragma("clang loop vectorize(disable)")
#else
#define BNN_NO_VECTORIZE
#endif

/* Element types of a tensor read by a float operation: f32 as float, i32
 * as int32_t, u8 as uint8_t, b1 packed in words (above). */
typedef enum { BNN_F32, BNN_I32, BNN_U8, BNN_B1 } bnn_dtype;

/* Padding of a window (docs/semantics.md section 3): none; zero padding
 * (a padded tap is left out); +1 padding (a padded tap reads +1, or the
 * value 1.0f, or the integer 1). */
typedef enum { BNN_PAD_VALID, BNN_PAD_SAME, BNN_PAD_SAME_ONE } bnn_pad;

/* Words of BNN_W bits for n bits. */
BNN_INLINE long bnn_words(long n)
{
    return (n + BNN_W - 1) / BNN_W;
}

/* Bit c of pixel i / C of a packed binary tensor of C channels (CW words a
 * pixel), i the flat index of the element: 1 is +1. */
BNN_INLINE int bnn_bit(const bnn_word *p, long i, long C, long CW)
{
    long c = i % C;
    return (int)((p[(i / C) * CW + c / BNN_W] >> (c % BNN_W)) & 1u);
}

/* Element i (flat index) of a tensor of type t with C channels, as the
 * float a float operation reads: a b1 element is -1.0f or +1.0f, an i32
 * or u8 one the nearest float. */
BNN_INLINE float bnn_ld(const void *x, bnn_dtype t, long i, long C)
{
    switch (t) {
    case BNN_F32:
        return ((const float *)x)[i];
    case BNN_I32:
        return (float)((const int32_t *)x)[i];
    case BNN_U8:
        return (float)((const uint8_t *)x)[i];
    default:
        return (float)(2 * bnn_bit((const bnn_word *)x, i, C, bnn_words(C)) - 1);
    }
}

/* ORs n bits of s from bit soff into d from bit doff, up to a word at a
 * time (the bits of d there are zero). */
BNN_INLINE void bnn_copy_bits(bnn_word *d, long doff, const bnn_word *s, long soff, long n)
{
    while (n > 0) {
        long k = n < BNN_W ? n : BNN_W;
        long sw = soff / BNN_W, sb = soff % BNN_W, dw = doff / BNN_W, db = doff % BNN_W;
        bnn_word v = s[sw] >> sb;
        if (sb && sb + k > BNN_W)
            v |= s[sw + 1] << (BNN_W - sb);
        if (k < BNN_W)
            v &= ((bnn_word)1 << k) - 1u;
        d[dw] |= v << db;
        if (db && db + k > BNN_W)
            d[dw + 1] |= v >> (BNN_W - db);
        n -= k, soff += k, doff += k;
    }
}

/* Sets n bits of d from bit doff (+1 activations on same_one padding). */
BNN_INLINE void bnn_set_bits(bnn_word *d, long doff, long n)
{
    while (n > 0) {
        long k = n < BNN_W ? n : BNN_W;
        long dw = doff / BNN_W, db = doff % BNN_W;
        bnn_word v = k < BNN_W ? ((bnn_word)1 << k) - 1u : ~(bnn_word)0;
        d[dw] |= v << db;
        if (db && db + k > BNN_W)
            d[dw + 1] |= v >> (BNN_W - db);
        n -= k, doff += k;
    }
}

/* Branch-free SWAR popcount of one word, inline: never a call of the C
 * library's or libgcc's popcount (a Cortex-M has no instruction for it). */
static inline int32_t bnn_pop_swar(bnn_word x)
{
#if BNN_W == 64
    x = x - ((x >> 1) & 0x5555555555555555u);
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
    return (int32_t)((x * 0x0101010101010101u) >> 56);
#else
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (int32_t)((x * 0x01010101u) >> 24);
#endif
}

/* Vectors of floats where the compiler has them (GNU C) and the machine
 * SIMD: bdense on a float input keeps 16 sums in four vectors of 4
 * floats; conv2d keeps up to 4 vectors of BNN_FV floats, the widest
 * registers, depthwise_conv2d and the pools vectors of channels (bnn_vi:
 * their compare masks). Elsewhere (Cortex-M, another compiler), or with BNN_NO_FVEC
 * defined, BNN_FVEC is 0 and the scalar loops run; both give the same bits
 * (each lane is one output's sum, in the same order). */
#if defined(__GNUC__) && (defined(__SSE2__) || defined(__ARM_NEON)) && !defined(BNN_NO_FVEC)
#define BNN_FVEC 1
#if defined(__AVX512F__)
#define BNN_FV 16
#elif defined(__AVX__)
#define BNN_FV 8
#else
#define BNN_FV 4
#endif
typedef float bnn_vf __attribute__((vector_size(BNN_FV * 4)));
typedef float bnn_v4f __attribute__((vector_size(16)));
typedef uint32_t bnn_v4u __attribute__((vector_size(16)));
typedef int32_t bnn_vi __attribute__((vector_size(BNN_FV * 4)));

/* BNN_FV elements of x of type xt from flat index i as floats, lane l
 * bnn_ld of element i + l: one vector load where x is f32. */
BNN_INLINE bnn_vf bnn_ld_vf(const void *x, bnn_dtype xt, long i, long C)
{
    bnn_vf v;
    if (xt == BNN_F32) {
        memcpy(&v, (const float *)x + i, sizeof v);
        return v;
    }
    float t[BNN_FV];
    for (int l = 0; l < BNN_FV; l++)
        t[l] = bnn_ld(x, xt, i + l, C);
    memcpy(&v, t, sizeof v);
    return v;
}
#else
#define BNN_FVEC 0
#endif

#endif
