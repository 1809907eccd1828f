/*
 * bnn_popcnt_x86.h: the x86-64 POPCNT flavour (`kernels = popcnt`).
 *
 * One POPCNT a word (_mm_popcnt_u64 or _u32), one output channel a lane
 * (BNN_L 1). The functions that use the instruction carry
 * `__attribute__((target("popcnt")))`, so the file builds with a plain
 * `cc -O2` (no -mpopcnt) and the instruction is used only inside them; the
 * program must run on a CPU that has it (every x86-64 since 2008). The
 * AVX2 and AVX-512 flavours fall back to this one on 32-bit words.
 */
#ifndef BNN_POPCNT_X86_H
#define BNN_POPCNT_X86_H

#include "bnn_base.h"

#if !defined(__x86_64__)
#error "these kernels are for x86-64"
#endif
#include <immintrin.h>

__attribute__((target("popcnt")))
static inline int32_t bnn_pop(bnn_word x)
{
#if BNN_W == 64
    return (int32_t)_mm_popcnt_u64(x);
#else
    return (int32_t)_mm_popcnt_u32(x);
#endif
}

#define BNN_BLOCK __attribute__((target("popcnt"))) static inline
#include "bnn_scalar.h"

#endif
