/* support.c: compile a source string with diagnostics captured. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void run_source(Run *r, const char *src) {
    memset(r, 0, sizeof *r);
    ctx_init(&r->c);
    r->c.color = false;
    r->err = open_memstream(&r->diag, &r->diag_len);
    r->c.err = r->err;
    vec_push(&r->c.arena, &r->c.search, (void *)BNNC_TEST_STDLIB);
    r->ok = load_source(&r->c, "t.bnn", src) && sema_run(&r->c, &r->m) &&
            ir_verify(&r->c, &r->m, NULL);
    fflush(r->err);
}

void run_free(Run *r) {
    fclose(r->err);
    free(r->diag);
    ctx_free(&r->c);
}

IrNode *find_node(Run *r, const char *name) {
    if (r->m.graphs.n == 0)
        return NULL;
    IrGraph *g = r->m.graphs.v[0];
    for (int i = 0; i < g->nodes.n; i++) {
        IrNode *n = g->nodes.v[i];
        if (strcmp(n->name, name) == 0)
            return n;
    }
    return NULL;
}

void assert_error(const char *src, const char *text) {
    Run r;
    run_source(&r, src);
    if (r.ok || !strstr(r.diag, text))
        fail_msg("expected an error containing \"%s\"; got ok=%d and:\n%s", text, r.ok,
                 r.diag ? r.diag : "");
    run_free(&r);
}

void assert_shape(Run *r, const char *name, int rank, int64_t d0, int64_t d1, int64_t d2) {
    IrNode *n = find_node(r, name);
    if (!n)
        fail_msg("no layer '%s'; messages:\n%s", name, r->diag);
    int64_t want[3] = {d0, d1, d2};
    assert_int_equal(n->shape.rank, rank);
    for (int i = 0; i < rank; i++)
        if (n->shape.d[i] != want[i])
            fail_msg("'%s' dim %d: got %lld, want %lld", name, i, (long long)n->shape.d[i],
                     (long long)want[i]);
}
