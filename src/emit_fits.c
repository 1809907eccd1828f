/*
 * emit_fits.c: what the C back end can generate (emit_c_fits).
 *
 * The generated code indexes tensors and the arena with `long`, which has
 * 32 bits on the MCUs it targets, and a few loops with `int`. So every
 * tensor's element count and size in bytes, and the arena, must stay
 * below 2^31 (BNNC_MAX_EMIT); a network past that is refused with an
 * error at the layer, before any file is written.
 */
#include "bnnc.h"

bool emit_c_fits(Ctx *c, const IrGraph *g, const Plan *p, int word) {
    for (int i = 0; i < g->nodes.n; i++) {
        const IrNode *n = g->nodes.v[i];
        int64_t elems = shape_elems(&n->shape), bytes = plan_bytes(n, word);
        if (elems > BNNC_MAX_EMIT || bytes > BNNC_MAX_EMIT) {
            char sh[96];
            shape_format(sh, sizeof sh, &n->shape);
            diag_error_at(c, n->loc, n->origin,
                          "'%s' is too large for the C back end: %s%s, %lld bytes; the "
                          "generated code indexes with 32 bits, so at most %lld",
                          n->name, dtype_name(n->type), sh, (long long)bytes,
                          (long long)BNNC_MAX_EMIT);
            return false;
        }
    }
    if (p->arena > BNNC_MAX_EMIT) {
        diag_error(c, g->loc,
                   "the activations of network '%s' need an arena of %lld bytes; the C back end "
                   "allows at most %lld",
                   g->name, (long long)p->arena, (long long)BNNC_MAX_EMIT);
        return false;
    }
    return true;
}
