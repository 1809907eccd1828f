/*
 * test_passes.c: the optimisation passes (docs/cost-model.md sections 1
 * and 3): fuse-bn-sign folds sign(batchnorm(x)) into a threshold when the
 * batchnorm has no other reader, dce removes what reaches no output, and
 * the IR verifier accepts the graph after each pass; fuse-epilogue folds
 * the element-wise chain after a binary dot product into its node, and
 * stops where it must.
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
                     1u << PASS_FUSE_EPI);
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

    /* Without dce, d3 keeps b alive and unfused: all 8 layers stay (with
     * fuse-epilogue off, which would fold d2 into d1's kernel). */
    compile_and_pass(&r, dead_src, 1u << PASS_DCE | 1u << PASS_FUSE_EPI);
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

/* ------------------------------------------------------ fuse-epilogue */

/* The chain of element-wise layers after a binary dot product, as
 * QuickNet's residual block has it: relu, batchnorm, add of the block's
 * input. x, s, c (fused), s2, d: the relu, batchnorm and add are gone. */
static const char *chain_src =
    "bnn 1;\nnetwork n {\n"
    "    input x : f32[6, 6, 32];\n"
    "    s = sign(x);\n"
    "    c = bconv2d(s, filters = 32, kernel = 3, padding = same_one);\n"
    "    r = relu(c);\n"
    "    b = batchnorm(r);\n"
    "    a = add(b, x);\n"
    "    s2 = sign(a);\n"
    "    d = bconv2d(s2, filters = 8, kernel = 3);\n"
    "    output d, a;\n}\n";

static void test_epi_chain(void **state) {
    (void)state;
    Run r;
    /* a is a network output: the chain stops before it. */
    compile_and_pass(&r, chain_src, 0);
    IrNode *c = find_node(&r, "c");
    assert_non_null(c->epi);
    assert_int_equal(c->epi->n, 2);
    assert_int_equal(c->epi->v[0].op, OP_RELU);
    assert_int_equal(c->epi->v[1].op, OP_BATCHNORM);
    assert_string_equal(c->epi->v[1].params, "b");
    assert_int_equal(c->epi->dot, DT_I32);
    assert_int_equal(c->type, DT_F32);
    assert_string_equal(ir_op_label(c), "bconv2d+relu+bn");
    assert_non_null(find_node(&r, "a"));
    assert_ptr_equal(find_node(&r, "a")->in[0], c);
    /* x, s, c, a, s2, d */
    assert_int_equal(node_count(&r), 6);
    run_free(&r);

    /* Without a as an output, the add joins: its other operand x is an
     * input of the fused node, and its value a reaches s2 and d only
     * through c. x, s, c, s2, d. */
    const char *src = "bnn 1;\nnetwork n {\n"
                      "    input x : f32[6, 6, 32];\n"
                      "    s = sign(x);\n"
                      "    c = bconv2d(s, filters = 32, kernel = 3, padding = same_one);\n"
                      "    b = batchnorm(relu(c));\n"
                      "    a = add(b, x);\n"
                      "    t = relu(a);\n"
                      "    d = bconv2d(sign(a), filters = 8, kernel = 3);\n"
                      "    output d, t;\n}\n";
    compile_and_pass(&r, src, 0);
    c = find_node(&r, "c");
    assert_int_equal(c->epi->n, 3);
    assert_int_equal(c->epi->v[2].op, OP_ADD);
    assert_false(c->epi->v[2].second);
    assert_int_equal(c->epi->v[2].other, 1);
    assert_int_equal(c->nin, 2);
    assert_ptr_equal(c->in[1], find_node(&r, "x"));
    assert_int_equal(ir_epi_inputs(c), 1);
    assert_null(find_node(&r, "a"));
    assert_ptr_equal(find_node(&r, "t")->in[0], c);
    /* a's sign is read as well as t: the kernel writes its bits on the
     * side, and it moves right after c. x, s, c, d.sign, t, d. */
    IrNode *ds = find_node(&r, "d.sign");
    assert_ptr_equal(ds->in[0], c);
    assert_ptr_equal(c->epi->side, ds);
    assert_ptr_equal(ir_side_of(ds), c);
    assert_null(ir_side_of(find_node(&r, "s")));
    assert_int_equal(ds->id, c->id + 1);
    assert_int_equal(find_node(&r, "t")->id, c->id + 2);
    assert_int_equal(node_count(&r), 6);
    run_free(&r);

    /* -fno-fuse-epilogue: every layer stays. */
    compile_and_pass(&r, chain_src, 1u << PASS_FUSE_EPI);
    assert_null(find_node(&r, "c")->epi);
    assert_int_equal(find_node(&r, "c")->type, DT_I32);
    assert_int_equal(node_count(&r), 8); /* x, s, c, r, b, a, s2, d */
    run_free(&r);
}

/* Where a chain must stop. */
static void test_epi_stops(void **state) {
    (void)state;
    Run r;
    /* The batchnorm has two readers: it joins (c is read once), the relu
     * and the prelu after it do not. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : b1[6, 6, 32];\n"
                     "    c = bconv2d(x, filters = 16, kernel = 3);\n"
                     "    b = batchnorm(c);\n"
                     "    r = relu(b);\n"
                     "    p = prelu(b);\n"
                     "    output r, p;\n}\n",
                     0);
    IrNode *c = find_node(&r, "c");
    assert_int_equal(c->epi->n, 1);
    assert_int_equal(c->epi->v[0].op, OP_BATCHNORM);
    assert_ptr_equal(find_node(&r, "r")->in[0], c);
    assert_ptr_equal(find_node(&r, "p")->in[0], c);
    run_free(&r);

    /* The dot product has two readers: nothing fuses. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : b1[6, 6, 32];\n"
                     "    c = bconv2d(x, filters = 16, kernel = 3);\n"
                     "    r = relu(batchnorm(c));\n"
                     "    h = hardtanh(c);\n"
                     "    output r, h;\n}\n",
                     0);
    assert_null(find_node(&r, "c")->epi);
    run_free(&r);

    /* A network output in the middle: the chain stops before it. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : b1[6, 6, 32];\n"
                     "    c = bconv2d(x, filters = 16, kernel = 3);\n"
                     "    b = batchnorm(c);\n"
                     "    r = relu(b);\n"
                     "    output b, r;\n}\n",
                     0);
    assert_null(find_node(&r, "c")->epi);
    assert_int_equal(find_node(&r, "b")->op, OP_BATCHNORM);
    run_free(&r);

    /* An add whose other operand is computed after the dot product: the
     * fused node runs where c ran, before l exists. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : b1[6, 6, 32];\n"
                     "    input z : f32[4, 4, 16];\n"
                     "    c = bconv2d(x, filters = 16, kernel = 3);\n"
                     "    b = batchnorm(c);\n"
                     "    l = relu(z);\n"
                     "    a = add(b, l);\n"
                     "    output a;\n}\n",
                     0);
    c = find_node(&r, "c");
    assert_int_equal(c->epi->n, 1);
    assert_int_equal(find_node(&r, "a")->op, OP_ADD);
    assert_ptr_equal(find_node(&r, "a")->in[0], c);
    assert_int_equal(c->nin, 1);
    run_free(&r);

    /* An add of two i32 dot products is an integer add: not fused (the
     * steps are float); a conv2d's chain stops before a network output. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : b1[6, 6, 32];\n"
                     "    input f : f32[6, 6, 32];\n"
                     "    c = bconv2d(x, filters = 16, kernel = 3);\n"
                     "    e = bconv2d(x, filters = 16, kernel = 3);\n"
                     "    a = add(c, e);\n"
                     "    k = relu(conv2d(f, filters = 16, kernel = 3));\n"
                     "    output a, k;\n}\n",
                     0);
    assert_null(find_node(&r, "c")->epi);
    assert_null(find_node(&r, "e")->epi);
    assert_int_equal(find_node(&r, "k")->op, OP_RELU);
    run_free(&r);
}

/* A float conv2d heads a chain too (QuickNet's transitions: conv2d,
 * batchnorm, read by the next block's sign and its add); a depthwise
 * convolution and a bconv2d on a float input do not. */
static void test_epi_float(void **state) {
    (void)state;
    Run r;
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : f32[8, 8, 16];\n"
                     "    c = conv2d(x, filters = 32, kernel = 1, bias = yes);\n"
                     "    r = relu(batchnorm(c));\n"
                     "    e = bconv2d(sign(r), filters = 32, kernel = 3, padding = same_one);\n"
                     "    a = add(batchnorm(e), r);\n"
                     "    d = depthwise_conv2d(a, kernel = 3);\n"
                     "    g = relu(d);\n"
                     "    k = bconv2d(g, filters = 8, kernel = 3);\n"
                     "    h = relu(k);\n"
                     "    output h;\n}\n",
                     0);
    IrNode *c = find_node(&r, "c"), *e = find_node(&r, "e");
    assert_non_null(c->epi);
    assert_int_equal(c->epi->n, 2);
    assert_int_equal(c->epi->v[0].op, OP_BATCHNORM);
    assert_int_equal(c->epi->v[1].op, OP_RELU);
    assert_int_equal(c->epi->dot, DT_F32);
    assert_int_equal(c->type, DT_F32);
    assert_string_equal(ir_op_label(c), "conv2d+bn+relu");
    /* r is read by e's sign and by the add: the sign's bits on the side. */
    IrNode *es = find_node(&r, "e.sign");
    assert_ptr_equal(c->epi->side, es);
    assert_ptr_equal(ir_side_of(es), c);
    assert_int_equal(es->id, c->id + 1);
    assert_null(find_node(&r, "r"));
    /* e's add reads c, the fused node. */
    assert_int_equal(e->epi->n, 2);
    assert_int_equal(e->epi->v[1].op, OP_ADD);
    assert_ptr_equal(e->in[1], c);
    assert_null(find_node(&r, "d")->epi);
    assert_int_equal(find_node(&r, "g")->op, OP_RELU);
    assert_null(find_node(&r, "k")->epi);
    assert_int_equal(find_node(&r, "h")->op, OP_RELU);
    run_free(&r);

    /* -fno-fuse-epilogue: c computes the convolution alone. */
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : f32[8, 8, 16];\n"
                     "    c = conv2d(x, filters = 32, kernel = 1);\n"
                     "    r = relu(batchnorm(c));\n"
                     "    output r;\n}\n",
                     1u << PASS_FUSE_EPI);
    assert_null(find_node(&r, "c")->epi);
    assert_int_equal(find_node(&r, "r")->op, OP_RELU);
    run_free(&r);
}

/* A chain whose value only a sign or a threshold reads: the binarisation
 * joins and the node writes bits; the next binary layer reads them. */
static void test_epi_bits(void **state) {
    (void)state;
    Run r;
    compile_and_pass(&r,
                     "bnn 1;\nnetwork n {\n"
                     "    input x : b1[6, 6, 32];\n"
                     "    c = bconv2d(x, filters = 16, kernel = 3, padding = same);\n"
                     "    h = sign(hardtanh(batchnorm(c)));\n"
                     "    e = bdense(flatten(h), units = 10, scaled = yes);\n"
                     "    t = sign(batchnorm(e));\n"
                     "    d = bdense(t, units = 4);\n"
                     "    output d;\n}\n",
                     0);
    IrNode *c = find_node(&r, "c"), *e = find_node(&r, "e");
    assert_int_equal(c->type, DT_B1);
    assert_int_equal(c->epi->n, 3);
    assert_int_equal(c->epi->v[2].op, OP_SIGN);
    assert_string_equal(ir_op_label(c), "bconv2d+bn+hardtanh+sign");
    assert_null(find_node(&r, "h"));
    assert_ptr_equal(find_node(&r, "e.flatten")->in[0], c);
    /* fuse-bn-sign made t a threshold first; it joins e's chain whole. */
    assert_int_equal(e->type, DT_B1);
    assert_int_equal(e->epi->n, 1);
    assert_int_equal(e->epi->v[0].op, OP_THRESHOLD);
    assert_string_equal(e->epi->v[0].params, "t.batchnorm");
    assert_int_equal(e->epi->dot, DT_F32);
    assert_ptr_equal(find_node(&r, "d")->in[0], e);
    assert_true(ir_is_binary(find_node(&r, "d")));
    /* x, c, e.flatten, e, d */
    assert_int_equal(node_count(&r), 5);
    run_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epi_chain),
        cmocka_unit_test(test_epi_stops),
        cmocka_unit_test(test_epi_bits),
        cmocka_unit_test(test_epi_float),
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
