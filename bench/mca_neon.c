/*
 * mca_neon.c: the inner loop of NEON's binary convolution, for
 * bench/mca_neon.sh to compile for a core and give to llvm-mca.
 *
 * mca_conv_out4 is the flavour's bnn_conv_out4 (the XOR-popcounts of four
 * receptive fields of n words against nb blocks of filters: a binary
 * convolution's output pixels, four at a time) with its sizes unknown to
 * the compiler, so that its loop over the words stays a loop whatever the
 * field's size: its steady state is what a 3x3 convolution of 64 channels
 * or more runs (9 words a field and up). The whole layers, with their
 * gathers, are bench/mca_neon.sh's second table. Never run.
 */
#define BNN_W 64
#include "bnn_neon.h"
#include "bnn_kernels.h"

void mca_conv_out4(const bnn_word *a, const bnn_word *w, int n, int nb, int32_t N, int32_t *y,
                   long ys);

void mca_conv_out4(const bnn_word *a, const bnn_word *w, int n, int nb, int32_t N, int32_t *y,
                   long ys)
{
    bnn_conv_out4(a, w, n, nb, N, y, ys);
}
