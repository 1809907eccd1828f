/*
 * pass_fuse_epilogue.c: element-wise layers fused into the kernel of a
 * dot product.
 *
 * A bconv2d or bdense on a b1 input (or a float conv2d: a network's stem
 * and transitions; ir_fuses_epilogue) is followed by a chain
 * of element-wise layers that only it feeds: batchnorm, relu, prelu,
 * hardtanh, and an add of a residual tensor. Unfused, each of them reads
 * and writes a tensor of the full size. The pass folds the chain into the
 * dot product's node as a list of epilogue steps (IrNode.epi), each
 * naming the layer it folds in; the kernel then applies them to each
 * output row while it is in cache, right after the dot products, and writes
 * the chain's final value once (docs/codegen.md). When that value's only
 * consumer binarises it (sign, or a threshold), the binarisation is a
 * step too and the node writes packed bits: the b1 layout the next binary
 * layer reads. When a float value is read by a sign and by other layers
 * (a residual block's output: the next block's sign and its add), the
 * kernel writes the floats and the sign's bits (IrEpi.side); the sign's
 * node stays, moved right after the fused one, and computes nothing.
 *
 * A layer joins the chain when it is the only consumer of the value
 * before it, that value is no network output, and it is none itself
 * (the network's interface keeps its names); an add when its result is
 * f32 and its other operand is computed before the dot product (the fused
 * node runs where the dot product ran). Each step is the same float
 * statements in the same order as the layer it replaces, so the result is
 * the interpreter's, bit for bit (the interpreter runs the unfused graph).
 * The add's other tensor becomes an input of the fused node: the buffer
 * planner keeps it alive until the node runs.
 */
#include "bnnc.h"

#include <string.h>

/* Whether U can follow value `cur` in the chain of dot product d. */
static bool joins(const IrNode *d, const IrNode *cur, const IrNode *u) {
    switch (u->op) {
    case OP_BATCHNORM:
    case OP_RELU:
    case OP_PRELU:
    case OP_HARDTANH:
        return u->type == DT_F32;
    case OP_ADD: {
        const IrNode *other = u->in[0] == cur ? u->in[1] : u->in[0];
        return u->type == DT_F32 && other != cur && other->id < d->id;
    }
    case OP_SIGN:
    case OP_THRESHOLD:
        return cur->type == DT_F32 || cur->type == DT_I32;
    default:
        return false;
    }
}

static const char *short_name(OpId op) {
    return op == OP_BATCHNORM ? "bn" : ops_table[op].name;
}

bool pass_fuse_epilogue(Ctx *c, IrGraph *g, const PassOptions *o) {
    (void)o;
    int n = g->nodes.n;
    int *uses = ir_use_counts(c, g);
    bool *out = mem_array(&c->arena, (size_t)n + 1, sizeof(bool));
    for (int i = 0; i < g->outputs.n; i++)
        out[((IrNode *)g->outputs.v[i])->id] = true;
    /* The one consumer of each value read once (the last one seen), and
     * the first sign of each value. */
    IrNode **cons = mem_array(&c->arena, (size_t)n + 1, sizeof(IrNode *));
    IrNode **sign = mem_array(&c->arena, (size_t)n + 1, sizeof(IrNode *));
    for (int i = 0; i < n; i++) {
        IrNode *u = g->nodes.v[i];
        for (int k = 0; k < u->nin; k++)
            cons[u->in[k]->id] = u;
        if (u->op == OP_SIGN && !sign[u->in[0]->id])
            sign[u->in[0]->id] = u;
    }
    bool *moved = mem_array(&c->arena, (size_t)n + 1, sizeof(bool));
    bool reorder = false;
    IrNode **repl = mem_array(&c->arena, (size_t)n + 1, sizeof(IrNode *));
    bool *dead = mem_array(&c->arena, (size_t)n + 1, sizeof(bool));
    bool any = false;
    for (int i = 0; i < n; i++) {
        IrNode *d = g->nodes.v[i];
        if (!ir_fuses_epilogue(d) || d->epi)
            continue;
        /* The chain's length first, then its steps. */
        int len = 0;
        const IrNode *cur = d;
        while (uses[cur->id] == 1 && !out[cur->id] && cons[cur->id]) {
            const IrNode *u = cons[cur->id];
            if (out[u->id] || !joins(d, cur, u))
                break;
            len++;
            cur = u;
            if (u->type == DT_B1)
                break;
        }
        if (!len)
            continue;
        IrEpi *e = mem_alloc(&c->arena, sizeof *e);
        e->v = mem_array(&c->arena, (size_t)len, sizeof *e->v);
        e->dot = d->type;
        int adds = 0;
        cur = d;
        for (int k = 0; k < len; k++) {
            IrNode *u = cons[cur->id];
            IrEpiStep *s = &e->v[e->n++];
            s->op = u->op;
            s->name = u->name;
            s->params = u->op == OP_THRESHOLD ? u->folds : u->name;
            s->at = u->at;
            s->type = u->type;
            s->other = -1;
            if (u->op == OP_ADD) {
                s->second = u->in[1] == cur;
                s->other = d->nin + adds++;
            }
            dead[u->id] = k + 1 < len;
            cur = u;
        }
        if (adds) {
            IrNode **in = mem_array(&c->arena, (size_t)(d->nin + adds), sizeof *in);
            memcpy(in, d->in, (size_t)d->nin * sizeof *in);
            const IrNode *v = d;
            for (int k = 0; k < len; k++) {
                IrNode *u = cons[v->id];
                if (u->op == OP_ADD)
                    in[e->v[k].other] = u->in[e->v[k].second ? 0 : 1];
                v = u;
            }
            d->in = in;
            d->nin += adds;
        }
        /* The label: the operation, then the steps. */
        size_t ll = strlen(ops_table[d->op].name) + 1;
        for (int k = 0; k < e->n; k++)
            ll += strlen(short_name(e->v[k].op)) + 1;
        char *label = mem_alloc(&c->arena, ll);
        strcpy(label, ops_table[d->op].name);
        for (int k = 0; k < e->n; k++) {
            strcat(label, "+");
            strcat(label, short_name(e->v[k].op));
        }
        e->label = label;
        /* A float value read by a sign and by others: the kernel writes
         * the sign's bits too, and the sign moves right after it (it
         * reads nothing else), so that the planner gives its buffer a
         * place beside the fused layer's inputs and output. */
        if (cur->type == DT_F32 && sign[cur->id]) {
            e->side = sign[cur->id];
            moved[e->side->id] = true;
            reorder = true;
        }
        d->epi = e;
        d->type = cur->type;
        dead[cur->id] = true;
        repl[cur->id] = d;
        any = true;
    }
    if (!any)
        return true;
    for (int i = 0; i < n; i++) {
        IrNode *u = g->nodes.v[i];
        for (int k = 0; k < u->nin; k++)
            if (repl[u->in[k]->id])
                u->in[k] = repl[u->in[k]->id];
    }
    if (!reorder) {
        ir_compact(g, dead);
        return true;
    }
    /* The order without the dead, each side sign after its layer. */
    IrNode **order = mem_array(&c->arena, (size_t)n + 1, sizeof(IrNode *));
    int k = 0;
    for (int i = 0; i < n; i++) {
        IrNode *u = g->nodes.v[i];
        if (dead[i] || moved[i])
            continue;
        order[k++] = u;
        if (ir_fuses_epilogue(u) && u->epi && u->epi->side)
            order[k++] = u->epi->side;
    }
    for (int i = 0; i < k; i++) {
        order[i]->id = i;
        g->nodes.v[i] = order[i];
    }
    g->nodes.n = k;
    return true;
}
