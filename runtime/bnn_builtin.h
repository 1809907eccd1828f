/*
 * bnn_builtin.h: the compiler's popcount (`kernels = builtin`), GNU C.
 *
 * `__builtin_popcount` (32-bit words) or `__builtin_popcountll` (64-bit)
 * is one instruction where the compiler's target has one (RISC-V Zbb
 * `cpop`, x86 with -mpopcnt, AArch64 via CNT), and a library call where it
 * does not: choose it only for targets that have the instruction. One
 * output channel a lane (BNN_L 1).
 */
#ifndef BNN_BUILTIN_H
#define BNN_BUILTIN_H

#include "bnn_base.h"

#if !defined(__GNUC__)
#error "bnn_builtin.h needs GNU C (__builtin_popcount); use bnn_portable.h"
#endif

static inline int32_t bnn_pop(bnn_word x)
{
#if BNN_W == 64
    return __builtin_popcountll(x);
#else
    return __builtin_popcount(x);
#endif
}

#define BNN_BLOCK BNN_INLINE
#include "bnn_scalar.h"

#endif
