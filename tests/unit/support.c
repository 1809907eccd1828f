/* support.c: compile a source string with diagnostics captured; run the
 * passes and the cost model on it. */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_init(Run *r) {
    memset(r, 0, sizeof *r);
    ctx_init(&r->c);
    r->c.color = false;
    r->err = open_memstream(&r->diag, &r->diag_len);
    r->c.err = r->err;
    vec_push(&r->c.arena, &r->c.search, (void *)BNNC_TEST_STDLIB);
}

void run_source(Run *r, const char *src) {
    run_init(r);
    r->ok = load_source(&r->c, "t.bnn", src) && sema_run(&r->c, &r->m) &&
            ir_verify(&r->c, &r->m, NULL);
    fflush(r->err);
}

void run_file(Run *r, const char *path, bool catalog) {
    run_init(r);
    r->ok = load_program(&r->c, path) && (!catalog || load_catalog(&r->c)) &&
            sema_run(&r->c, &r->m) && ir_verify(&r->c, &r->m, NULL);
    fflush(r->err);
}

void run_free(Run *r) {
    ctx_free(&r->c); /* prints what it still holds (diag_flush) to r->err */
    fclose(r->err);
    free(r->diag);
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

bool run_target(Run *r, const char *name, CostTarget *t) {
    bool ok = false;
    for (int i = 0; i < r->m.targets.n; i++) {
        const IrTarget *it = r->m.targets.v[i];
        if (strcmp(it->name, name) == 0) {
            ok = cost_target(&r->c, it, t);
            break;
        }
    }
    fflush(r->err);
    return ok;
}

bool run_passes(Run *r, const CostTarget *t, unsigned off) {
    PassOptions o;
    pass_defaults(&o);
    for (int p = 0; p < PASS_COUNT; p++)
        if (off & (1u << p))
            o.on[p] = false;
    o.target = t;
    bool ok = pass_run(&r->c, &r->m, &o, NULL);
    fflush(r->err);
    return ok;
}

void est_source(Est *e, const char *src, const char *target, unsigned off, MemModel model,
                int threads) {
    run_source(&e->r, src);
    if (!e->r.ok)
        fail_msg("the source does not compile:\n%s", e->r.diag);
    if (!run_target(&e->r, target, &e->t))
        fail_msg("target '%s' is refused:\n%s", target, e->r.diag);
    if (!run_passes(&e->r, &e->t, off))
        fail_msg("the passes fail:\n%s", e->r.diag);
    cost_run(&e->r.c, e->r.m.graphs.v[0], &e->t, model, threads, &e->res);
}

void est_free(Est *e) {
    run_free(&e->r);
}

const CostLayer *find_layer(const Est *e, const char *name) {
    for (int i = 0; i < e->res.n; i++)
        if (strcmp(e->res.layers[i].n->name, name) == 0)
            return &e->res.layers[i];
    fail_msg("the estimate has no layer '%s'", name);
    return NULL;
}

void assert_near_at(double got, double want, const char *what, const char *file, int line) {
    double tol = 1e-12 * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("%s:%d: %s is %.17g, want %.17g", file, line, what, got, want);
}

/* ---------------------------------------------------------------- files */

static char tmp_root[64];

const char *tmp_dir(void) {
    if (!tmp_root[0]) {
        strcpy(tmp_root, "/tmp/bnnc-test-XXXXXX");
        if (!mkdtemp(tmp_root))
            fail_msg("cannot make a temporary folder");
    }
    return tmp_root;
}

const char *tmp_path(const char *name) {
    static char buf[8][256];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 256, "%s/%s", tmp_dir(), name);
    return p;
}

void tmp_cleanup(void) {
    if (!tmp_root[0])
        return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmp_root);
    tmp_root[0] = 0;
}

int tmp_teardown(void **state) {
    (void)state;
    tmp_cleanup();
    return 0;
}

void write_bytes(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

void st_write_raw(const char *path, const char *header, const void *data, size_t n) {
    size_t h = strlen(header);
    unsigned char *b = malloc(8 + h + n + 1);
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)h >> (8 * i));
    memcpy(b + 8, header, h);
    if (n)
        memcpy(b + 8 + h, data, n);
    write_bytes(path, b, 8 + h + n);
    free(b);
}

void st_write(const char *path, const StTensor *t, int n) {
    st_write_meta(path, "\"format\":\"pt\"", t, n);
}

void st_write_meta(const char *path, const char *meta, const StTensor *t, int n) {
    size_t cap = 256 + strlen(meta), len = 0, total = 0;
    for (int i = 0; i < n; i++)
        cap += 200 + strlen(t[i].name), total += t[i].bytes;
    char *h = malloc(cap);
    unsigned char *data = malloc(total + 1);
    len += (size_t)snprintf(h + len, cap - len, "{\"__metadata__\":{%s}", meta);
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf(h + len, cap - len, ",\"%s\":{\"dtype\":\"%s\",\"shape\":[",
                                t[i].name, t[i].dtype);
        for (int k = 0; k < t[i].rank; k++)
            len += (size_t)snprintf(h + len, cap - len, "%s%lld", k ? "," : "",
                                    (long long)t[i].dims[k]);
        len += (size_t)snprintf(h + len, cap - len, "],\"data_offsets\":[%zu,%zu]}", off,
                                off + t[i].bytes);
        memcpy(data + off, t[i].data, t[i].bytes);
        off += t[i].bytes;
    }
    snprintf(h + len, cap - len, "}");
    st_write_raw(path, h, data, total);
    free(h);
    free(data);
}

void quiet_init(Quiet *q) {
    ctx_init(&q->c);
    q->c.color = false;
    q->err = open_memstream(&q->diag, &q->len);
    q->c.err = q->err;
}

void quiet_free(Quiet *q) {
    fclose(q->err);
    free(q->diag);
    ctx_free(&q->c);
}

const char *quiet_diag(Quiet *q) {
    fflush(q->err);
    return q->diag ? q->diag : "";
}
