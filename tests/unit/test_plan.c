/*
 * test_plan.c: the activation buffer planner (docs/cost-model.md section
 * 6). Small graphs are placed by hand: sizes rounded up to 16 bytes,
 * buffers alive from their producer to their last reader (network outputs
 * to the end), placed in execution order at the lowest free offset, and
 * released after their last reader; a flatten that moves no bit shares its
 * input's buffer. The example networks are checked for the invariants:
 * no two buffers alive at once overlap.
 */
#include "support.h"

#include <string.h>

static void plan_first(Run *r, int word, Plan *p) {
    if (!r->ok)
        fail_msg("the source does not compile:\n%s", r->diag);
    plan_graph(&r->c, r->m.graphs.v[0], word, p);
}

typedef struct {
    const char *name;
    int64_t offset, size;
    int first, last;
} WantBuf;

static void check_bufs(Run *r, const Plan *p, const WantBuf *w, int n) {
    assert_int_equal(p->n, n);
    for (int i = 0; i < n; i++) {
        IrNode *x = find_node(r, w[i].name);
        assert_non_null(x);
        const PlanBuf *b = &p->buf[x->id];
        if (b->offset != w[i].offset || b->size != w[i].size || b->first != w[i].first ||
            b->last != w[i].last)
            fail_msg("%s: offset %lld size %lld life [%d, %d]; want %lld %lld [%d, %d]",
                     w[i].name, (long long)b->offset, (long long)b->size, b->first, b->last,
                     (long long)w[i].offset, (long long)w[i].size, w[i].first, w[i].last);
    }
}

/* x -> sign -> bconv2d -> sign -> flatten -> bdense. */
static const char chain_src[] = "bnn 1;\nnetwork chain {\n"
                                "    input x : f32[5, 5, 3];\n"                  /* 0 */
                                "    a = sign(x);\n"                             /* 1 */
                                "    b = bconv2d(a, filters = 32, kernel = 3);\n" /* 2 */
                                "    c = sign(b);\n"                             /* 3 */
                                "    f = flatten(c);\n"                          /* 4 */
                                "    d = bdense(f, units = 5);\n"                /* 5 */
                                "    output d;\n}\n";

static void test_chain(void **state) {
    (void)state;
    Run r;
    run_source(&r, chain_src);
    Plan p;
    /* W = 32.
     * x: 5*5*3 x 4 = 300 B -> 304; alive [0, 1].
     * a: b1[5,5,3]: 25 px x ceil(3/32) = 1 word x 4 B = 100 -> 112; [1, 2].
     * b: i32[3,3,32]: 288 x 4 = 1152; [2, 3].
     * c: b1[3,3,32]: 9 px x 1 word x 4 B = 36 -> 48; [3, 5] (read by d
     *    through the view f).
     * f: flatten of 32 channels on W = 32: whole words, a view of c.
     * d: i32[5] = 20 -> 32; an output: alive to the end (6).
     * Placement, first fit:
     *   x at 0.            live x[0,304)
     *   a at 304.          live x, a[304,416); x released
     *   b: [0,304) is too small for 1152: at 416 -> [416,1568); a released
     *   c at 0 -> [0,48); b released
     *   f = c
     *   d: c is live at [0,48): d at 48 -> [48,80); c released
     * Arena 1568; the largest live sum is a + b = 112 + 1152 = 1264. */
    plan_first(&r, 32, &p);
    WantBuf w32[] = {
        {"x", 0, 304, 0, 1},   {"a", 304, 112, 1, 2}, {"b", 416, 1152, 2, 3},
        {"c", 0, 48, 3, 5},    {"f", 0, 48, 4, 5},    {"d", 48, 32, 5, 6},
    };
    check_bufs(&r, &p, w32, 6);
    assert_int_equal(p.buf[4].owner, 3);
    assert_true(plan_is_view(find_node(&r, "f"), 32));
    assert_int_equal(p.arena, 1568);
    assert_int_equal(p.live_peak, 112 + 1152);

    /* W = 64: 32 channels are half a word, so f is a copy.
     * a: 25 px x 1 word x 8 B = 200 -> 208.
     * c: 9 px x 8 B = 72 -> 80, alive [3, 4].
     * f: ceil(288/64) = 5 words x 8 B = 40 -> 48, alive [4, 5].
     *   x at 0; a at 304 -> [304,512); b at 512 -> [512,1664);
     *   c at 0 -> [0,80); f at 80 -> [80,128); d at 0 -> [0,32) (c is
     *   released after f).
     * Arena 1664; the largest live sum is a + b = 208 + 1152 = 1360. */
    plan_first(&r, 64, &p);
    WantBuf w64[] = {
        {"x", 0, 304, 0, 1},  {"a", 304, 208, 1, 2}, {"b", 512, 1152, 2, 3},
        {"c", 0, 80, 3, 4},   {"f", 80, 48, 4, 5},   {"d", 0, 32, 5, 6},
    };
    check_bufs(&r, &p, w64, 6);
    assert_false(plan_is_view(find_node(&r, "f"), 64));
    assert_int_equal(p.arena, 1664);
    assert_int_equal(p.live_peak, 208 + 1152);
    run_free(&r);
}

/* A reshape that moves no bit is a view, and a view of a view shares
 * the first buffer: it lives until the last reader of any of them. */
static void test_reshape_views(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork v {\n"
                   "    input x : f32[1, 2, 2, 4];\n"              /* 0: 64 B */
                   "    a = reshape(x, shape = (2, 2, 4));\n"      /* 1: view of x */
                   "    b = transpose(a, perm = (1, 0, 2));\n"     /* 2: 64 B */
                   "    c = reshape(b, shape = (16));\n"           /* 3: view of b */
                   "    d = relu(a);\n"                            /* 4: reads x via a */
                   "    e = add(c, flatten(d));\n"                 /* 5: e.flatten view of d; 6 */
                   "    output e;\n}\n");
    Plan p;
    /* x at [0,64), alive to 4 (d reads it through a); b at [64,128),
     * alive to 6 (e reads it through c); d cannot take x's place, which is
     * alive while d runs: at [128,192), alive to 6 (e reads it through
     * e.flatten); e at [0,64), free since x's release after 4. */
    plan_first(&r, 32, &p);
    WantBuf w[] = {
        {"x", 0, 64, 0, 4},   {"a", 0, 64, 1, 4},   {"b", 64, 64, 2, 6},
        {"c", 64, 64, 3, 6},  {"d", 128, 64, 4, 6}, {"e.flatten", 128, 64, 5, 6},
        {"e", 0, 64, 6, 7},
    };
    check_bufs(&r, &p, w, 7);
    assert_int_equal(p.buf[1].owner, 0);
    assert_int_equal(p.buf[3].owner, 2);
    assert_int_equal(p.arena, 192);
    run_free(&r);
}

static void test_residual(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork res {\n"
                   "    input x : f32[3, 3, 3];\n"                   /* 0 */
                   "    a = relu(x);\n"                              /* 1 */
                   "    b = conv2d(a, filters = 3, kernel = 1);\n"   /* 2 */
                   "    c = add(b, x);\n"                            /* 3 */
                   "    o = relu(c);\n"                              /* 4 */
                   "    output o;\n}\n");
    Plan p;
    /* Every tensor is f32[3,3,3]: 27 x 4 = 108 B -> 112.
     *   x at 0, alive to c (3).
     *   a at 112 [1, 2].
     *   b: x and a live: at 224 [2, 3]; a released after b.
     *   c: x [0,112) and b [224,336) live, a's hole fits: at 112; then x
     *      and b released.
     *   o: c live at [112,224): at 0; an output, alive to 5.
     * Arena 3 x 112 = 336, the largest live sum (x, a, b; or x, b, c). */
    plan_first(&r, 64, &p);
    WantBuf w[] = {
        {"x", 0, 112, 0, 3},   {"a", 112, 112, 1, 2}, {"b", 224, 112, 2, 3},
        {"c", 112, 112, 3, 4}, {"o", 0, 112, 4, 5},
    };
    check_bufs(&r, &p, w, 5);
    assert_int_equal(p.arena, 3 * 112);
    assert_int_equal(p.live_peak, 3 * 112);
    run_free(&r);

    /* Two outputs: both stay alive to the end (4).
     *   x at 0 [0, 1]; a at 112 [1, 3]; x is released after a.
     *   b at 0, in x's space [2, 4].
     *   c: a [112,224) and b [0,112) are live: at 224 [3, 4]. */
    run_source(&r, "bnn 1;\nnetwork two {\n"
                   "    input x : f32[3, 3, 3];\n"    /* 0 */
                   "    a = relu(x);\n"               /* 1 */
                   "    b = hardtanh(a);\n"           /* 2 */
                   "    c = relu(a);\n"               /* 3 */
                   "    output b, c;\n}\n");
    plan_first(&r, 32, &p);
    WantBuf w2[] = {
        {"x", 0, 112, 0, 1}, {"a", 112, 112, 1, 3}, {"b", 0, 112, 2, 4}, {"c", 224, 112, 3, 4},
    };
    check_bufs(&r, &p, w2, 4);
    assert_int_equal(p.arena, 336);
    run_free(&r);
}

/* Invariants of a plan, checked against an independent computation of
 * the live ranges. */
static void check_invariants(Run *r, int word) {
    IrGraph *g = r->m.graphs.v[0];
    Plan p;
    plan_graph(&r->c, g, word, &p);
    int n = g->nodes.n;
    assert_int_equal(p.n, n);
    /* Owners and last readers, from the graph. */
    int owner[4096], last[4096];
    assert_true(n < 4096);
    for (int i = 0; i < n; i++) {
        IrNode *x = g->nodes.v[i];
        owner[i] = plan_is_view(x, word) ? owner[x->in[0]->id] : i;
        last[i] = i;
    }
    for (int i = 0; i < n; i++) {
        IrNode *x = g->nodes.v[i];
        for (int k = 0; k < x->nin; k++)
            if (last[owner[x->in[k]->id]] < i)
                last[owner[x->in[k]->id]] = i;
        if (last[owner[i]] < i)
            last[owner[i]] = i;
        /* A sign written by its producer's kernel (pass fuse-epilogue)
         * keeps what that kernel reads alive until it is placed. */
        const IrNode *side = ir_side_of(x);
        for (int k = 0; side && k < side->nin; k++)
            if (last[owner[side->in[k]->id]] < i)
                last[owner[side->in[k]->id]] = i;
    }
    for (int i = 0; i < g->outputs.n; i++)
        last[owner[((IrNode *)g->outputs.v[i])->id]] = n;
    int64_t arena = 0, peak = 0;
    for (int j = 0; j < n; j++) {
        const PlanBuf *b = &p.buf[j];
        assert_int_equal(b->owner, owner[j]);
        assert_int_equal(b->last, last[owner[j]]);
        assert_int_equal(b->offset % PLAN_ALIGN, 0);
        if (owner[j] != j) {
            assert_int_equal(b->offset, p.buf[owner[j]].offset);
            assert_int_equal(b->size, p.buf[owner[j]].size);
            continue;
        }
        /* Size: the tensor's bytes rounded up to 16. */
        int64_t bytes = plan_bytes(g->nodes.v[j], word);
        assert_int_equal(b->size, (bytes + 15) / 16 * 16);
        if (b->offset + b->size > arena)
            arena = b->offset + b->size;
        /* Every buffer alive when j is written (created before j, last
         * read at j or later) lies apart from j's. */
        int64_t live = b->size;
        for (int i = 0; i < j; i++) {
            if (owner[i] != i || last[i] < j)
                continue;
            const PlanBuf *a = &p.buf[i];
            live += a->size;
            if (a->offset < b->offset + b->size && b->offset < a->offset + a->size)
                fail_msg("%s: buffers of '%s' [%lld, %lld) and '%s' [%lld, %lld) overlap "
                         "while both are alive",
                         g->name, ((IrNode *)g->nodes.v[i])->name, (long long)a->offset,
                         (long long)(a->offset + a->size), ((IrNode *)g->nodes.v[j])->name,
                         (long long)b->offset, (long long)(b->offset + b->size));
        }
        if (live > peak)
            peak = live;
    }
    assert_int_equal(p.arena, arena);
    assert_int_equal(p.live_peak, peak);
    assert_true(p.live_peak <= p.arena);
}

static void check_example(const char *file) {
    Run r;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BNNC_TEST_EXAMPLES, file);
    run_file(&r, path, false);
    if (!r.ok)
        fail_msg("%s does not compile:\n%s", file, r.diag);
    /* As compiled, and after the passes (views and fused nodes change). */
    check_invariants(&r, 32);
    check_invariants(&r, 64);
    assert_true(run_passes(&r, NULL, 0));
    check_invariants(&r, 32);
    check_invariants(&r, 64);
    run_free(&r);
}

static void test_examples_no_overlap(void **state) {
    (void)state;
    check_example("quicknet.bnn");
    check_example("birealnet18.bnn");
    check_example("vgg_cifar10.bnn");
    check_example("lenet_bin.bnn");
    check_example("mnist_mlp.bnn");
}

/* The report's peak activation memory is the planner's arena. */
static void test_report_uses_plan(void **state) {
    (void)state;
    Est e;
    est_source(&e,
               "bnn 1;\n"
               "target t32 { clock = 1 GHz; word = 32 bits;\n"
               "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
               "    memory { ram { size = 1 MiB; } } }\n"
               "network chain {\n"
               "    input x : f32[5, 5, 3];\n"
               "    a = sign(x);\n"
               "    b = bconv2d(a, filters = 32, kernel = 3);\n"
               "    c = sign(b);\n"
               "    f = flatten(c);\n"
               "    d = bdense(f, units = 5);\n"
               "    output d;\n}\n",
               "t32", 1u << PASS_FUSE_EPI, MEM_LXNOROP, 1);
    /* As test_chain on W = 32 (the sign not fused into b). */
    assert_int_equal(e.res.act_bytes, 1568);
    assert_int_equal(e.res.act_live, 1264);
    /* Fits: the model (weights + params + arena) in the largest level.
     * b: 32 filters x ceil(27/32) = 1 dense word x 4 B = 128 B;
     * d: 5 units x ceil(288/32) = 9 words x 4 B = 180 B. */
    assert_int_equal(e.res.weight_bytes, 32 * 1 * 4 + 5 * 9 * 4);
    assert_int_equal(e.res.nfits, 1);
    assert_int_equal(e.res.fits[0].need, 32 * 1 * 4 + 5 * 9 * 4 + 1568);
    est_free(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_reshape_views),
        cmocka_unit_test(test_residual),
        cmocka_unit_test(test_examples_no_overlap),
        cmocka_unit_test(test_report_uses_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
