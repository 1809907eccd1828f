/*
 * pass_dce.c: removal of values that do not reach an output.
 *
 * Marks every node an output depends on, walking inputs backwards in
 * reverse execution order, and drops the rest. Network inputs stay: they
 * are the interface of the network even when unused.
 */
#include "bnnc.h"

bool pass_dce(Ctx *c, IrGraph *g, const PassOptions *o) {
    (void)o;
    int n = g->nodes.n;
    bool *live = mem_array(&c->arena, (size_t)n + 1, sizeof(bool));
    for (int i = 0; i < g->outputs.n; i++)
        live[((IrNode *)g->outputs.v[i])->id] = true;
    for (int i = n - 1; i >= 0; i--) {
        IrNode *x = g->nodes.v[i];
        if (x->op == OP_COUNT)
            live[i] = true;
        if (!live[i])
            continue;
        for (int k = 0; k < x->nin; k++)
            live[x->in[k]->id] = true;
    }
    bool *dead = mem_array(&c->arena, (size_t)n + 1, sizeof(bool));
    for (int i = 0; i < n; i++)
        dead[i] = !live[i];
    ir_compact(g, dead);
    return true;
}
