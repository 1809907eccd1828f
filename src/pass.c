/*
 * pass.c: the pass pipeline.
 *
 * The passes are declared once in bnnc.h's PASSES table, in the order they
 * run: dead-value removal (pass_dce.c), batchnorm + sign fusion
 * (pass_fuse.c), filter compression (pass_compress.c), element-wise
 * epilogues fused into binary layers (pass_fuse_epilogue.c). Each can be turned
 * off (-fno-NAME); -O0 turns them all off. The IR verifier runs after
 * every pass, and --dump-ir-after=NAME prints the IR at that point.
 */
#include "bnnc.h"

#include <string.h>

const char *const pass_names[PASS_COUNT] = {
#define X(id, name, fn, help) name,
    PASSES(X)
#undef X
};

const char *const pass_help[PASS_COUNT] = {
#define X(id, name, fn, help) help,
    PASSES(X)
#undef X
};

typedef bool (*PassFn)(Ctx *c, IrGraph *g, const PassOptions *o);

static const PassFn pass_fns[PASS_COUNT] = {
#define X(id, name, fn, help) fn,
    PASSES(X)
#undef X
};

int pass_lookup(const char *name) {
    for (int i = 0; i < PASS_COUNT; i++)
        if (strcmp(pass_names[i], name) == 0)
            return i;
    return -1;
}

void pass_defaults(PassOptions *o) {
    memset(o, 0, sizeof *o);
    for (int i = 0; i < PASS_COUNT; i++)
        o->on[i] = true;
    o->dump_after = -1;
}

bool pass_run(Ctx *c, IrModule *m, const PassOptions *o, FILE *dump) {
    for (int p = 0; p < PASS_COUNT; p++) {
        if (o->on[p]) {
            for (int i = 0; i < m->graphs.n; i++)
                if (!pass_fns[p](c, m->graphs.v[i], o))
                    return false;
            if (!ir_verify(c, m, pass_names[p]))
                return false;
        }
        if (p == o->dump_after && dump) {
            for (int i = 0; i < m->graphs.n; i++) {
                if (i)
                    fputc('\n', dump);
                ir_dump_graph(dump, m->graphs.v[i]);
            }
        }
    }
    return true;
}
