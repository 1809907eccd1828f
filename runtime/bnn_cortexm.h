/*
 * bnn_cortexm.h: the software-popcount flavour (`kernels = swar`) of
 * 32-bit microcontrollers without a popcount instruction: Cortex-M0 to
 * M7, ESP32's Xtensa, RV32 without Zbb.
 *
 * The arithmetic is the portable flavour's, on 32-bit words: the SWAR
 * popcount inline (12 ALU operations and one multiply a word, single-cycle
 * MUL on Cortex-M3/M4/M7), never a call of libgcc's __popcountsi2, which
 * costs a call and a table walk per word (tests/codegen/mcu_size.sh checks
 * that no library popcount is linked). Words are 32 bits: BNN_W must be
 * 32 (the default).
 */
#ifndef BNN_CORTEXM_H
#define BNN_CORTEXM_H

#include "bnn_base.h"

#if BNN_W != 32
#error "bnn_cortexm.h: the software popcount flavour runs on 32-bit words (BNN_W 32)"
#endif

static inline int32_t bnn_pop(bnn_word x)
{
    return bnn_pop_swar(x);
}

#define BNN_BLOCK BNN_INLINE
#include "bnn_scalar.h"

#endif
