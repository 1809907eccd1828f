/*
 * bnn_portable.h: the portable flavour (`kernels = portable`, the
 * default): C99 only, any word size, any compiler.
 *
 * The popcount of a word is the branch-free SWAR sequence of bnn_base.h
 * (shifts, masks and one multiply), inline, so the code never calls a
 * library popcount; one output channel a lane (BNN_L 1). It is also the
 * reference the vector flavours are tested against (tests/unit/
 * test_kernels.c runs all of them on the same data).
 */
#ifndef BNN_PORTABLE_H
#define BNN_PORTABLE_H

#include "bnn_base.h"

static inline int32_t bnn_pop(bnn_word x)
{
    return bnn_pop_swar(x);
}

#define BNN_BLOCK BNN_INLINE
#include "bnn_scalar.h"

#endif
