/*
 * pass_fuse.c: batchnorm + sign fusion into thresholds.
 *
 * sign(batchnorm(x)) is +1 where gamma * (x - mean) / sqrt(var + eps) +
 * beta >= 0, that is where x >= tau (or x <= tau when gamma < 0) for one
 * threshold tau per channel. The pass replaces the pair by one internal
 * `threshold` node reading x and naming the batchnorm it folds in (its
 * parameters give tau). When x is an integer popcount result, tau is
 * rounded so that the integer compare is exact; the threshold keeps the
 * batchnorm's attributes (epsilon, center, scale). A batchnorm read by
 * anything else, or that is a network output, stays.
 */
#include "bnnc.h"

bool pass_fuse(Ctx *c, IrGraph *g, const PassOptions *o) {
    (void)o;
    int n = g->nodes.n;
    int *uses = ir_use_counts(c, g);
    bool *dead = mem_array(&c->arena, (size_t)n + 1, sizeof(bool));
    bool any = false;
    for (int i = 0; i < n; i++) {
        IrNode *s = g->nodes.v[i];
        if (s->op != OP_SIGN || s->in[0]->op != OP_BATCHNORM)
            continue;
        IrNode *bn = s->in[0];
        if (uses[bn->id] != 1)
            continue;
        s->op = OP_THRESHOLD;
        s->folds = bn->name;
        s->at = bn->at; /* its epsilon, center and scale: which tensors it reads */
        s->in[0] = bn->in[0];
        s->in_type = bn->in[0]->type;
        dead[bn->id] = true;
        any = true;
    }
    if (any)
        ir_compact(g, dead);
    return true;
}
