/*
 * test_passes.c: the optimisation passes (docs/cost-model.md sections 1
 * and 3): fuse-bn-sign folds sign(batchnorm(x)) into a threshold when the
 * batchnorm has no other reader, dce removes what reaches no output, and
 * the IR verifier accepts the graph after each pass.
 */
#include "support.h"

#include <string.h>

static int node_count(Run *r) {
    return ((IrGraph *)r->m.graphs.v[0])->nodes.n;
}

/* Compiles src and runs the passes but those in `off`, without a target;
 * checks the verifier after the pipeline as well. */
static void compile_and_pass(Run *r, const char *src, unsigned off) {
    run_source(r, src);
    if (!r->ok)
        fail_msg("the source does not compile:\n%s", r->diag);
    if (!run_passes(r, NULL, off))
        fail_msg("the passes fail:\n%s", r->diag);
    assert_true(ir_verify(&r->c, &r->m, "test"));
}

static void test_fuse_single_reader(void **state) {
    (void)state;
    Run r;
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : f32[4, 4, 8];\n"
                     "    a = sign(batchnorm(x));\n"
                     "    output a;\n}\n",
                     0);
    /* x, threshold: the batchnorm is gone. */
    assert_int_equal(node_count(&r), 2);
    IrNode *a = find_node(&r, "a");
    assert_non_null(a);
    assert_int_equal(a->op, OP_THRESHOLD);
    assert_string_equal(a->folds, "a.batchnorm");
    assert_int_equal(a->nin, 1);
    assert_ptr_equal(a->in[0], find_node(&r, "x"));
    assert_int_equal(a->in_type, DT_F32);
    assert_int_equal(a->type, DT_B1);
    assert_null(find_node(&r, "a.batchnorm"));
    /* ids are positions again */
    assert_int_equal(a->id, 1);
    run_free(&r);
}

static void test_fuse_integer_input(void **state) {
    (void)state;
    Run r;
    /* sign(batchnorm(popcount result)): the threshold reads the i32 conv. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : b1[6, 6, 32];\n"
                     "    c = bconv2d(x, filters = 32, kernel = 3);\n"
                     "    a = sign(batchnorm(c));\n"
                     "    d = bconv2d(a, filters = 8, kernel = 3);\n"
                     "    output d;\n}\n",
                     0);
    IrNode *a = find_node(&r, "a");
    assert_int_equal(a->op, OP_THRESHOLD);
    assert_int_equal(a->in_type, DT_I32);
    assert_ptr_equal(a->in[0], find_node(&r, "c"));
    /* The binary conv after it still reads b1. */
    assert_true(ir_is_binary(find_node(&r, "d")));
    assert_int_equal(node_count(&r), 4);
    run_free(&r);
}

static void test_fuse_two_readers(void **state) {
    (void)state;
    Run r;
    /* The batchnorm is read by sign and by relu: it stays. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : f32[4, 4, 8];\n"
                     "    b = batchnorm(x);\n"
                     "    s = sign(b);\n"
                     "    r = relu(b);\n"
                     "    output s, r;\n}\n",
                     0);
    assert_int_equal(find_node(&r, "s")->op, OP_SIGN);
    assert_ptr_equal(find_node(&r, "s")->in[0], find_node(&r, "b"));
    assert_int_equal(node_count(&r), 4);
    run_free(&r);

    /* Two signs of one batchnorm: neither fuses. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : f32[4, 4, 8];\n"
                     "    b = batchnorm(x);\n"
                     "    s1 = sign(b);\n"
                     "    s2 = sign(b);\n"
                     "    output s1, s2;\n}\n",
                     0);
    assert_int_equal(node_count(&r), 4);
    IrGraph *g = r.m.graphs.v[0];
    for (int i = 0; i < g->nodes.n; i++)
        assert_int_not_equal(((IrNode *)g->nodes.v[i])->op, OP_THRESHOLD);
    run_free(&r);
}

static void test_fuse_output(void **state) {
    (void)state;
    Run r;
    /* The batchnorm is a network output: it stays, and so does the sign. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : f32[4, 4, 8];\n"
                     "    b = batchnorm(x);\n"
                     "    s = sign(b);\n"
                     "    output s, b;\n}\n",
                     0);
    assert_int_equal(find_node(&r, "s")->op, OP_SIGN);
    assert_non_null(find_node(&r, "b"));
    assert_int_equal(node_count(&r), 3);
    run_free(&r);
}

static void test_fuse_off(void **state) {
    (void)state;
    Run r;
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : f32[4, 4, 8];\n"
                     "    a = sign(batchnorm(x));\n"
                     "    output a;\n}\n",
                     1u << PASS_FUSE);
    assert_int_equal(find_node(&r, "a")->op, OP_SIGN);
    assert_int_equal(node_count(&r), 3);
    run_free(&r);
}

static const char dead_src[] = "bnn 1;\nnetwork n {\n"
                               "    input x : f32[4, 4, 8];\n"
                               "    input unused : f32[3];\n"
                               "    a = relu(x);\n"
                               "    d1 = conv2d(x, filters = 2, kernel = 1);\n"
                               "    d2 = relu(d1);\n"
                               "    b = batchnorm(a);\n"
                               "    d3 = hardtanh(b);\n"
                               "    s = sign(b);\n"
                               "    output s;\n}\n";

static void test_dce(void **state) {
    (void)state;
    Run r;
    /* Only dce: d1, d2 and d3 reach no output and go; the unused input
     * stays (it is the network's interface). */
    compile_and_pass(&r, dead_src, 1u << PASS_FUSE);
    assert_null(find_node(&r, "d1"));
    assert_null(find_node(&r, "d2"));
    assert_null(find_node(&r, "d3"));
    assert_non_null(find_node(&r, "unused"));
    /* x, unused, a, b, s */
    assert_int_equal(node_count(&r), 5);
    IrGraph *g = r.m.graphs.v[0];
    for (int i = 0; i < g->nodes.n; i++)
        assert_int_equal(((IrNode *)g->nodes.v[i])->id, i);
    assert_int_equal(g->inputs.n, 2);
    assert_int_equal(g->outputs.n, 1);
    assert_ptr_equal(g->outputs.v[0], find_node(&r, "s"));
    run_free(&r);

    /* dce runs before fuse-bn-sign: once d3 is gone, b has one reader and
     * fuses. x, unused, a, threshold. */
    compile_and_pass(&r, dead_src, 0);
    assert_int_equal(find_node(&r, "s")->op, OP_THRESHOLD);
    assert_ptr_equal(find_node(&r, "s")->in[0], find_node(&r, "a"));
    assert_int_equal(node_count(&r), 4);
    run_free(&r);

    /* Without dce, d3 keeps b alive and unfused: all 8 layers stay. */
    compile_and_pass(&r, dead_src, 1u << PASS_DCE);
    assert_int_equal(node_count(&r), 8);
    assert_int_equal(find_node(&r, "s")->op, OP_SIGN);
    run_free(&r);
}

/* The verifier runs after every pass and catches a broken graph. */
static void test_verifier(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork n {\n"
                   "    input x : f32[4, 4, 8];\n"
                   "    a = relu(x);\n"
                   "    output a;\n}\n");
    assert_true(r.ok);
    for (int p = 0; p < PASS_COUNT; p++) {
        PassOptions o;
        pass_defaults(&o);
        for (int q = 0; q < PASS_COUNT; q++)
            o.on[q] = q == p;
        assert_true(pass_run(&r.c, &r.m, &o, NULL));
        assert_true(ir_verify(&r.c, &r.m, pass_names[p]));
    }
    /* A packing on a float layer is an internal error. */
    find_node(&r, "a")->packing = PACK_DENSE;
    assert_false(ir_verify(&r.c, &r.m, "test"));
    fflush(r.err);
    assert_non_null(strstr(r.diag, "packing on a layer that is not binary"));
    run_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuse_single_reader),
        cmocka_unit_test(test_fuse_integer_input),
        cmocka_unit_test(test_fuse_two_readers),
        cmocka_unit_test(test_fuse_output),
        cmocka_unit_test(test_fuse_off),
        cmocka_unit_test(test_dce),
        cmocka_unit_test(test_verifier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
