/*
 * test_calibrate.c: the fits of bnnc calibrate, fed cycles made up by the
 * test (bnnc calibrate --from, the path tools/mca uses).
 *
 * Each layer of the calibration networks gets cycles from round per-unit
 * costs chosen here: the binary convolutions 2 cycles per XNOROP and 3 per
 * output, the dense-packed one 5 more per position and source word, the
 * float convolutions 0.5 per MAC and 4 per position and tap, the dense on
 * a binary input 9 per input bit beyond 7 per MAC, every other layer 7 per
 * unit of work. The fits must give these numbers back exactly, written as
 * the target's cost and ops sections.
 */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A 64-bit target with 2 lanes: popcount = c_x x 2. */
static const char target_src[] =
    "bnn 1;\n"
    "target t64 {\n"
    "    clock = 1 GHz; word = 64 bits; vector = 128 bits; kernels = neon;\n"
    "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
    "}\n";

/* The made-up cycles of layer l (see the file's comment). */
static double cycles_of(const CostLayer *l, const CostTarget *t) {
    const IrNode *n = l->n;
    double out = (double)shape_elems(&n->shape);
    const char *unit;
    double units = cost_op_units(n, &unit);
    if (n->op == OP_BCONV2D && ir_is_binary(n)) {
        double c = 2 * (double)l->xnorop + 3 * out;
        if (n->packing == PACK_DENSE)
            c += 5 * (double)shape_pixels(&n->shape) * (double)cost_words(n, PACK_CHANNEL, t->word);
        return c;
    }
    if (n->op == OP_BDENSE && ir_is_binary(n))
        return 2 * (double)l->xnorop + 7 * out;
    if (n->op == OP_CONV2D)
        return 0.5 * (double)l->fmacs +
               4 * (double)shape_pixels(&n->shape) * (double)cost_taps(n);
    if (cost_unpacks(n))
        return 7 * (double)l->fmacs + 9 * (double)shape_elems(&n->in[0]->shape);
    return 7 * units;
}

/* The value of `name = V cycles;` in text, or NAN. */
static double figure(const char *text, const char *name) {
    char key[64];
    snprintf(key, sizeof key, "        %s = ", name);
    const char *p = strstr(text, key);
    return p ? strtod(p + strlen(key), NULL) : NAN;
}

static void test_from_cycles(void **state) {
    (void)state;
    /* The units of each layer, from the same passes and target. */
    char *src = NULL;
    size_t n = strlen(target_src) + strlen(calibrate_networks()) + 1;
    src = malloc(n);
    snprintf(src, n, "%s%s", target_src, calibrate_networks() + strlen("bnn 1;\n"));
    Run r;
    run_source(&r, src);
    assert_true(r.ok);
    CostTarget t;
    assert_true(run_target(&r, "t64", &t));
    assert_true(run_passes(&r, &t, 0));
    const char *cyc_path = tmp_path("cycles.txt");
    const char *tgt_path = tmp_path("t64.bnn");
    const char *out_path = tmp_path("out.bnn");
    write_bytes(tgt_path, target_src, strlen(target_src));
    FILE *f = fopen(cyc_path, "w");
    assert_non_null(f);
    fputs("# made up by test_calibrate.c\n", f);
    for (int g = 0; g < r.m.graphs.n; g++) {
        IrGraph *gr = r.m.graphs.v[g];
        CostResult res;
        cost_run(&r.c, gr, &t, MEM_LXNOROP, 1, &res);
        for (int i = 0; i < res.n; i++)
            fprintf(f, "%s %d %.17g\n", gr->name, i + 1, cycles_of(&res.layers[i], &t));
    }
    fclose(f);
    run_free(&r);
    free(src);

    /* The fits, through the library function bnnc calibrate --from calls. */
    Ctx c;
    ctx_init(&c);
    FILE *errs = tmpfile();
    c.err = errs;
    int rc = calibrate_derive(&c, cyc_path, tgt_path, out_path, "a test");
    if (rc != EXIT_OK) {
        rewind(errs);
        char buf[2048] = "";
        size_t got = fread(buf, 1, sizeof buf - 1, errs);
        buf[got] = 0;
        fail_msg("calibrate_derive failed: %s", buf);
    }
    fclose(errs);
    ctx_free(&c);
    FILE *o = fopen(out_path, "r");
    assert_non_null(o);
    char text[16384];
    size_t len = fread(text, 1, sizeof text - 1, o);
    text[len] = 0;
    fclose(o);
    /* c_x = 2 cycles per XNOROP, given as popcount x 2 lanes. */
    assert_near(figure(text, "popcount"), 4);
    assert_near(figure(text, "xnor"), 0);
    assert_near(figure(text, "bconv2d"), 3);
    assert_near(figure(text, "gather"), 5);
    assert_near(figure(text, "conv2d"), 0.5);
    assert_near(figure(text, "tap"), 4);
    assert_near(figure(text, "unpack"), 9);
    assert_near(figure(text, "dense"), 7);
    assert_near(figure(text, "bdense"), 7);
    static const char *const sevens[] = {"batchnorm", "relu", "prelu", "hardtanh", "add",
                                         "sign", "threshold_float", "threshold", "concat",
                                         "maxpool", "avgpool", "depthwise_conv2d",
                                         "global_avgpool", "bdense_float", "bconv2d_float",
                                         "softmax"};
    for (size_t k = 0; k < sizeof sevens / sizeof sevens[0]; k++)
        if (fabs(figure(text, sevens[k]) - 7) > 1e-9)
            fail_msg("%s: %g, want 7\n%s", sevens[k], figure(text, sevens[k]), text);
    assert_non_null(strstr(text, "from a test."));
    tmp_cleanup();
}

/* Cycles that do not cover every layer, or name one twice, are refused
 * with the file and line. */
static void test_from_bad_cycles(void **state) {
    (void)state;
    const char *tgt_path = tmp_path("t64.bnn");
    const char *cyc_path = tmp_path("cycles.txt");
    write_bytes(tgt_path, target_src, strlen(target_src));
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"calib_bconv 1 100\n", "gives 1 of the 6 layers of calib_bconv"},
        {"calib_bconv 1 100\ncalib_bconv 1 100\n", "cycles.txt:2: no layer 1 of network "
                                                   "'calib_bconv', or given twice"},
        {"calib_bconv 99 100\n", "no layer 99"},
        {"calib_bconv one 100\n", "cycles.txt:1: expected 'NETWORK LAYER CYCLES'"},
        {"calib_bconv 1 -5\n", "cycles.txt:1: expected 'NETWORK LAYER CYCLES'"},
        {"other 1 5\n", "no layer 1 of network 'other'"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        write_bytes(cyc_path, cases[k].text, strlen(cases[k].text));
        Ctx c;
        ctx_init(&c);
        FILE *errs = tmpfile();
        c.err = errs;
        int rc = calibrate_derive(&c, cyc_path, tgt_path, NULL, "a test");
        rewind(errs);
        char buf[2048] = "";
        size_t got = fread(buf, 1, sizeof buf - 1, errs);
        buf[got] = 0;
        fclose(errs);
        ctx_free(&c);
        if (rc != EXIT_INPUT || !strstr(buf, cases[k].want))
            fail_msg("case %zu: rc %d, messages: %s", k, rc, buf);
    }
    tmp_cleanup();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_cycles),
        cmocka_unit_test(test_from_bad_cycles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
