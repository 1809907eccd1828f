/*
 * emit_fits.c: what the C back end can generate (emit_c_fits).
 *
 * The generated code indexes tensors and the arena with `long`, which has
 * 32 bits on the MCUs it targets, and a few loops with `int`. So every
 * tensor's element count and size in bytes, and the arena, must stay
 * below 2^31 (BNNC_MAX_EMIT); a network past that is refused with an
 * error at the layer, before any file is written.
 *
 * It also fixes the layout of the parameters (emit_param_align,
 * emit_param_bytes), which the emitter writes and the cost model's
 * footprint counts: every const array of NAME_weights.c takes a whole
 * number of units of the file's alignment, its last elements zero, so that
 * no compiler has to pad between arrays, in whatever order it places them,
 * and the file's .rodata is exactly the sum of the arrays' sizes.
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

/* The unit: the vector's bytes where the arrays are aligned to it
 * (BNN_ALIGN, vectors wider than 8 bytes), else the word's (4 or 8 bytes).
 * A multiple of every element's size and alignment (1, 2, 4 bytes, and the
 * word), and of the alignment the targets' compilers give arrays beyond
 * that (measured: arm-none-eabi-gcc -O2 aligns every array to 4 bytes,
 * AArch64 gcc to 8 or 16, x86-64 gcc up to 32 and clang to 16), so no
 * gap is left between arrays in any order (gcc -O2 emits them in reverse
 * order). */
int emit_param_align(const CostTarget *t) {
    int v = t->vector / 8;
    return v > 8 ? v : t->word / 8;
}

int64_t emit_param_bytes(const CostTarget *t, int64_t bytes) {
    int64_t a = emit_param_align(t);
    return (bytes + a - 1) / a * a;
}
