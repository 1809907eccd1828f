/*
 * pass_compress.c: filter compression.
 *
 * A binary layer starts in `kernel` packing: one word per input channel
 * slice of the filter, so a 3x3 slice fills 9 of W bits. The pass gives
 * each binary layer the packing with the fewest words per output among
 * those the target's kernels support (its `packing` property names the
 * most compact one), preferring the simpler layout on a tie. Bits past
 * the receptive field in the last word are zero in both the filter and
 * the gathered input, so they add nothing to popcount(a XOR w) and the
 * result is the same bit for bit; the report prints the utilisation and
 * XNOROP before and after. Without a target the word size is unknown and
 * the pass leaves the IR alone.
 */
#include "bnnc.h"

bool pass_compress(Ctx *c, IrGraph *g, const PassOptions *o) {
    (void)c;
    if (!o->target)
        return true;
    int word = o->target->word;
    for (int i = 0; i < g->nodes.n; i++) {
        IrNode *n = g->nodes.v[i];
        if (!ir_is_binary(n))
            continue;
        Packing best = PACK_KERNEL;
        int64_t words = cost_words(n, PACK_KERNEL, word);
        for (Packing p = PACK_CHANNEL; p <= o->target->packing; p++) {
            int64_t w = cost_words(n, p, word);
            if (w < words) {
                words = w;
                best = p;
            }
        }
        n->packing = best;
    }
    return true;
}
