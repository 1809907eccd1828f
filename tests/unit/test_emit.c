/*
 * test_emit.c: the C emitter called many times in one process, as the
 * fuzz harness (fuzz_emit), bnnc bench and bnnc calibrate call it. All
 * the state of an emission is in its Emit (src/emit_c.h), none in the
 * files' globals: a network emitted after others, and after an emission
 * refused once its layers were written, is written byte for byte as when
 * it was emitted first, its weight arrays numbered from NAME_w0 again.
 * What the files say is checked by the golden and codegen tests.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

/* Compiles, gives seed-1 weights, runs the passes for `target` and emits
 * into the temporary folder `dir`; the result of emit_c, messages in
 * *diag (malloc'ed). */
static bool emit_run(Run *r, const char *target, const char *dir, char **diag) {
    if (!r->ok)
        fail_msg("the network does not compile:\n%s", r->diag);
    CostTarget t;
    if (!run_target(r, target, &t))
        fail_msg("target '%s' is refused:\n%s", target, r->diag);
    IrGraph *g = r->m.graphs.v[0];
    Weights w;
    if (!weights_random(&r->c, g, 1, &w))
        fail_msg("no random weights:\n%s", r->diag);
    if (!run_passes(r, &t, 0))
        fail_msg("the passes fail:\n%s", r->diag);
    bool ok = emit_c(&r->c, g, &t, &w, tmp_path(dir));
    fflush(r->err);
    *diag = xstrdup(r->diag ? r->diag : "");
    run_free(r);
    return ok;
}

static void emit_example(const char *name, const char *dir) {
    char path[512], *diag;
    snprintf(path, sizeof path, "%s/%s.bnn", BNNC_TEST_EXAMPLES, name);
    Run r;
    run_file(&r, path, true);
    if (!emit_run(&r, "cortex-m7", dir, &diag))
        fail_msg("emit_c fails on %s:\n%s", name, diag);
    free(diag);
}

/* The bytes of a file of the temporary folder, NUL-terminated. */
static char *slurp(const char *name, size_t *len) {
    FILE *f = fopen(tmp_path(name), "rb");
    if (!f)
        fail_msg("cannot open %s", name);
    char *b = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 4097 > cap)
            b = xrealloc(b, cap = 2 * cap + 8192);
        size_t got = fread(b + *len, 1, 4096, f);
        *len += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    b[*len] = 0;
    return b;
}

static void assert_same_file(const char *a, const char *b) {
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    if (la != lb || memcmp(x, y, la))
        fail_msg("%s (%zu bytes) and %s (%zu bytes) differ", a, la, b, lb);
    free(x);
    free(y);
}

/* A network whose output 'w1' would be the parameter out_w1, the name of
 * its second weights array: refused after its layers are emitted. */
static const char *const shadow =
    "bnn 1;\n"
    "target t { clock = 1 GHz; word = 32 bits; kernels = portable;\n"
    "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; } }\n"
    "network out {\n"
    "    input x : f32[4];\n"
    "    w0 = dense(x, units = 3);\n"
    "    w1 = dense(w0, units = 3);\n"
    "    w2 = relu(w1);\n"
    "    output w2, w1;\n"
    "}\n";

static void test_emit_again(void **state) {
    (void)state;
    emit_example("lenet_bin", "first");
    emit_example("vgg_cifar10", "other");
    Run r;
    run_source(&r, shadow);
    char *diag;
    assert_false(emit_run(&r, "t", "refused", &diag));
    if (!strstr(diag, "output 'w1' would be the C parameter 'out_w1', which is also the name "
                      "of a weights array of network 'out'"))
        fail_msg("not the expected error:\n%s", diag);
    free(diag);
    emit_example("lenet_bin", "again");
    const char *files[] = {"lenet_bin.h", "lenet_bin.c", "lenet_bin_weights.c"};
    for (int i = 0; i < 3; i++) {
        char a[128], b[128];
        snprintf(a, sizeof a, "first/%s", files[i]);
        snprintf(b, sizeof b, "again/%s", files[i]);
        assert_same_file(a, b);
    }
    /* The arrays are NAME_w0 .. NAME_w(n-1) again, n the externs. */
    size_t len;
    char *c = slurp("again/lenet_bin.c", &len);
    int n = 0;
    for (const char *p = c; (p = strstr(p, "extern const ")); p++)
        n++;
    assert_true(n >= 10);
    for (int k = 0; k <= n; k++) {
        char name[64];
        snprintf(name, sizeof name, " lenet_bin_w%d[", k);
        if ((strstr(c, name) != NULL) != (k < n))
            fail_msg("array %d of %d: %s", k, n, k < n ? "missing" : "one too many");
    }
    free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_emit_again, tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
