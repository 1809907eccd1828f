/*
 * test_weights.c: network parameters (src/weights.c, docs/weights.md):
 * safetensors files built byte by byte here load, binarise and fold; every
 * problem with a file is reported naming the tensor; random parameters are
 * deterministic, independent of the other layers, and cover every
 * operation with parameters.
 */
#include "support.h"
#include "../weights_net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* tests/weights_net.h: every operation with parameters. */
static const char net_src[] = WEIGHTS_NET_SRC;

static float c_w[24], bd_w[180], y_w[10], d_w[4], alpha[4];
static float gamma_[3] = {2, -1, 0.5f}, beta_[3] = {1, 0, -1}, mean_[3] = {0.5f, 1, 2},
             var_[3] = {3.999f, 0.999f, 0.249f};
static int8_t bc_w[54];

enum { T_C, T_GAMMA, T_BETA, T_MEAN, T_VAR, T_BC, T_D, T_ALPHA, T_BD, T_Y, T_COUNT };

static void good_tensors(StTensor *t) {
    for (int i = 0; i < 24; i++)
        c_w[i] = (float)i / 8 - 1;
    for (int i = 0; i < 54; i++)
        bc_w[i] = (int8_t)(i % 3 == 0 ? -1 : 1);
    for (int i = 0; i < 180; i++)
        bd_w[i] = i % 3 == 0 ? -0.5f : i % 3 == 1 ? 0.0f : 0.25f;
    for (int i = 0; i < 10; i++)
        y_w[i] = (float)i;
    for (int i = 0; i < 4; i++)
        d_w[i] = alpha[i] = (float)(i + 1) / 4;
    StTensor g[T_COUNT] = {
        {"c.weight", "F32", 4, {2, 2, 2, 3}, c_w, sizeof c_w},
        {"b.gamma", "F32", 1, {3}, gamma_, sizeof gamma_},
        {"b.beta", "F32", 1, {3}, beta_, sizeof beta_},
        {"b.mean", "F32", 1, {3}, mean_, sizeof mean_},
        {"b.variance", "F32", 1, {3}, var_, sizeof var_},
        {"bc.weight", "I8", 4, {3, 3, 3, 2}, bc_w, sizeof bc_w},
        {"d.weight", "F32", 4, {1, 1, 2, 2}, d_w, sizeof d_w},
        {"p.alpha", "F32", 1, {4}, alpha, sizeof alpha},
        {"bd.weight", "F32", 2, {36, 5}, bd_w, sizeof bd_w},
        {"y.weight", "F32", 2, {5, 2}, y_w, sizeof y_w},
    };
    memcpy(t, g, sizeof g);
}

static IrGraph *compile(Run *r, const char *src) {
    run_source(r, src);
    if (!r->ok)
        fail_msg("the source does not compile:\n%s", r->diag);
    return r->m.graphs.v[0];
}

static void test_load_good(void **state) {
    (void)state;
    Run r;
    IrGraph *g = compile(&r, net_src);
    StTensor t[T_COUNT];
    good_tensors(t);
    const char *p = tmp_path("good.safetensors");
    st_write(p, t, T_COUNT);
    Weights w;
    if (!weights_load(&r.c, g, p, &w))
        fail_msg("the good file does not load:\n%s", r.diag);
    assert_false(w.random);
    assert_int_equal(w.n, 7);
    const LayerParams *c = weights_get(&w, "c");
    assert_non_null(c);
    assert_int_equal(c->nw, 24);
    assert_memory_equal(c->w, c_w, sizeof c_w);
    /* Binary weights: I8 -1/+1 as they are; F32 latent weights by sign,
     * v >= 0 is +1. */
    const LayerParams *bc = weights_get(&w, "bc");
    assert_int_equal(bc->nw, 54);
    for (int i = 0; i < 54; i++)
        assert_true(bc->w[i] == (i % 3 == 0 ? -1.0f : 1.0f));
    const LayerParams *bd = weights_get(&w, "bd");
    for (int i = 0; i < 180; i++)
        assert_true(bd->w[i] == (i % 3 == 0 ? -1.0f : 1.0f));
    /* Float weights are kept as they are. */
    assert_memory_equal(weights_get(&w, "y")->w, y_w, sizeof y_w);
    assert_memory_equal(weights_get(&w, "d")->w, d_w, sizeof d_w);
    const LayerParams *pr = weights_get(&w, "p");
    assert_int_equal(pr->nc, 4);
    assert_memory_equal(pr->alpha, alpha, sizeof alpha);
    /* Batchnorm folded in double, then rounded (docs/semantics.md 2). */
    const LayerParams *b = weights_get(&w, "b");
    assert_int_equal(b->nc, 3);
    assert_null(b->w);
    for (int i = 0; i < 3; i++) {
        double sd = sqrt((double)var_[i] + 0.001);
        assert_true(b->scale[i] == (float)((double)gamma_[i] / sd));
        assert_true(b->shift[i] ==
                    (float)((double)beta_[i] - (double)mean_[i] * (double)gamma_[i] / sd));
    }
    /* About: scale = gamma / 2, 1, 2 ... */
    assert_true(fabsf(b->scale[0] - 1.0f) < 1e-6f && fabsf(b->shift[0] - 0.5f) < 1e-6f);
    assert_true(fabsf(b->scale[1] + 1.0f) < 1e-6f && fabsf(b->shift[1] - 1.0f) < 1e-6f);
    assert_true(fabsf(b->scale[2] - 1.0f) < 1e-6f && fabsf(b->shift[2] + 3.0f) < 1e-6f);
    assert_null(weights_get(&w, "s"));
    assert_null(weights_get(&w, "nope"));
    run_free(&r);
}

/* Loads the file at p and expects a failure with each of the texts. */
static void expect_load_error(const char *src, const char *p, const char *t1, const char *t2) {
    Run r;
    IrGraph *g = compile(&r, src);
    Weights w;
    if (weights_load(&r.c, g, p, &w))
        fail_msg("expected an error containing \"%s\"", t1);
    fflush(r.err);
    if (!strstr(r.diag, t1) || (t2 && !strstr(r.diag, t2)))
        fail_msg("expected an error containing \"%s\" and \"%s\"; got:\n%s", t1, t2 ? t2 : "",
                 r.diag);
    assert_null(w.v);
    run_free(&r);
}

/* The good file with tensor k changed by `edit`, then expect the error. */
static void expect_tensor_error(int k, StTensor edit, const char *t1, const char *t2) {
    StTensor t[T_COUNT + 1];
    good_tensors(t);
    int n = T_COUNT;
    if (k < 0)
        t[n++] = edit;
    else if (!edit.name)
        t[k] = t[--n];
    else
        t[k] = edit;
    const char *p = tmp_path("bad.safetensors");
    st_write(p, t, n);
    expect_load_error(net_src, p, t1, t2);
}

static void test_load_tensor_errors(void **state) {
    (void)state;
    static float f36[64], f24[24];
    static int8_t i8[24];
    static uint16_t h3[3];
    /* Missing, extra, wrong shape, wrong dtype. */
    expect_tensor_error(T_ALPHA, (StTensor){0}, "tensor 'p.alpha' is missing",
                        "layer 'p', prelu, needs F32 [4]");
    expect_tensor_error(T_BC, (StTensor){0}, "tensor 'bc.weight' is missing", "F32 or I8");
    expect_tensor_error(-1, (StTensor){"q.weight", "F32", 1, {4}, alpha, 16},
                        "tensor 'q.weight' is not a parameter of network 'n'", NULL);
    expect_tensor_error(T_C, (StTensor){"c.weight", "F32", 4, {2, 2, 3, 2}, f24, 96},
                        "tensor 'c.weight' has shape [2, 2, 3, 2]; layer 'c' (conv2d) wants "
                        "[2, 2, 2, 3]", NULL);
    expect_tensor_error(T_BD, (StTensor){"bd.weight", "F32", 1, {36}, f36, 144},
                        "tensor 'bd.weight' has shape [36]", "wants [36, 5]");
    expect_tensor_error(T_C, (StTensor){"c.weight", "I8", 4, {2, 2, 2, 3}, i8, 24},
                        "tensor 'c.weight' is I8; it must be F32", NULL);
    expect_tensor_error(T_GAMMA, (StTensor){"b.gamma", "F16", 1, {3}, h3, 6},
                        "tensor 'b.gamma' is F16; it must be F32", NULL);
    expect_tensor_error(T_BC, (StTensor){"bc.weight", "I32", 4, {3, 3, 3, 2}, f36, 54 * 4},
                        "tensor 'bc.weight' is I32; it must be F32 or I8 (binary weights)", NULL);
    /* Values: a negative variance, a NaN. */
    static float negvar[3] = {1, -0.5f, 1}, nanw[10];
    expect_tensor_error(T_VAR, (StTensor){"b.variance", "F32", 1, {3}, negvar, 12},
                        "tensor 'b.variance' holds a negative variance", "channel 1");
    memcpy(nanw, y_w, sizeof nanw);
    nanw[7] = NAN;
    expect_tensor_error(T_Y, (StTensor){"y.weight", "F32", 2, {5, 2}, nanw, 40},
                        "tensor 'y.weight' holds nan at element 7", NULL);
}

/* The tensors a layer's attributes add or leave out: NAME.bias [Co] and
 * NAME.scale [Co] (binary weights); no NAME.gamma with scale = no, no
 * NAME.beta with center = no. Each wrong one is an error naming it. */
static const char attr_src[] =
    "bnn 1;\nnetwork n { input x : f32[2, 2, 2];\n"
    "  c = conv2d(x, filters = 3, kernel = 1, bias = yes);\n"
    "  s = sign(x); q = bconv2d(s, filters = 2, kernel = 1, scaled = yes);\n"
    "  b = batchnorm(q, center = no); output c, b; }\n";

static void expect_attr_error(int drop, StTensor add, const char *t1, const char *t2) {
    static float cw[6], cb[3], qw[4], qs[2] = {0.5f, 0.25f}, g[2] = {1, 2}, m[2], v[2] = {1, 1};
    StTensor t[8] = {
        {"c.weight", "F32", 4, {1, 1, 2, 3}, cw, sizeof cw},
        {"c.bias", "F32", 1, {3}, cb, sizeof cb},
        {"q.weight", "F32", 4, {1, 1, 2, 2}, qw, sizeof qw},
        {"q.scale", "F32", 1, {2}, qs, sizeof qs},
        {"b.gamma", "F32", 1, {2}, g, sizeof g},
        {"b.mean", "F32", 1, {2}, m, sizeof m},
        {"b.variance", "F32", 1, {2}, v, sizeof v},
    };
    int n = 7;
    if (drop >= 0)
        t[drop] = t[--n];
    if (add.name)
        t[n++] = add;
    const char *p = tmp_path("attr.safetensors");
    st_write(p, t, n);
    if (!t1) { /* the good file */
        Run r;
        IrGraph *gr = compile(&r, attr_src);
        Weights w;
        assert_true(weights_load(&r.c, gr, p, &w));
        const LayerParams *q = weights_get(&w, "q"), *c = weights_get(&w, "c");
        assert_true(q->wscale && q->nout == 2 && q->wscale[1] == 0.25f && !q->bias);
        assert_true(c->bias && c->nout == 3 && !c->wscale);
        run_free(&r);
        return;
    }
    expect_load_error(attr_src, p, t1, t2);
}

static void test_load_attr_tensors(void **state) {
    (void)state;
    static float f4[4], f3[3];
    expect_attr_error(-1, (StTensor){0}, NULL, NULL);
    expect_attr_error(1, (StTensor){0}, "tensor 'c.bias' is missing",
                      "layer 'c', conv2d, needs F32 [3]");
    expect_attr_error(1, (StTensor){"c.bias", "F32", 1, {4}, f4, 16},
                      "tensor 'c.bias' has shape [4]; layer 'c' (conv2d) wants [3]", NULL);
    expect_attr_error(1, (StTensor){"c.bias", "F32", 2, {1, 3}, f3, 12},
                      "tensor 'c.bias' has shape [1, 3]", "wants [3]");
    expect_attr_error(3, (StTensor){0}, "tensor 'q.scale' is missing",
                      "layer 'q', bconv2d, needs F32 [2]");
    expect_attr_error(3, (StTensor){"q.scale", "I8", 1, {2}, f4, 2},
                      "tensor 'q.scale' is I8; it must be F32", NULL);
    expect_attr_error(-1, (StTensor){"q.bias", "F32", 1, {2}, f4, 8},
                      "tensor 'q.bias' is not a parameter of network 'n'; layer 'q' (bconv2d) "
                      "has bias = no", NULL);
    expect_attr_error(-1, (StTensor){"c.scale", "F32", 1, {3}, f3, 12},
                      "tensor 'c.scale' is not a parameter of network 'n'", NULL);
    expect_attr_error(-1, (StTensor){"b.beta", "F32", 1, {2}, f4, 8},
                      "tensor 'b.beta' is not a parameter of network 'n'; layer 'b' (batchnorm) "
                      "has center = no", NULL);
    expect_attr_error(4, (StTensor){0}, "tensor 'b.gamma' is missing", NULL);
}

/* NaN and infinities are refused in every tensor, binary weights too (a
 * NaN has no sign to binarise), naming the tensor and the element. */
static void test_load_nonfinite(void **state) {
    (void)state;
    static float bc_f[54], bd_f[180], g3[3];
    for (int i = 0; i < 54; i++)
        bc_f[i] = i % 2 ? 0.5f : -0.5f;
    bc_f[5] = NAN;
    expect_tensor_error(T_BC, (StTensor){"bc.weight", "F32", 4, {3, 3, 3, 2}, bc_f, sizeof bc_f},
                        "tensor 'bc.weight' holds nan at element 5", NULL);
    for (int i = 0; i < 180; i++)
        bd_f[i] = 1;
    bd_f[179] = INFINITY;
    expect_tensor_error(T_BD, (StTensor){"bd.weight", "F32", 2, {36, 5}, bd_f, sizeof bd_f},
                        "tensor 'bd.weight' holds inf at element 179", NULL);
    bd_f[179] = 1;
    bd_f[0] = -INFINITY;
    expect_tensor_error(T_BD, (StTensor){"bd.weight", "F32", 2, {36, 5}, bd_f, sizeof bd_f},
                        "tensor 'bd.weight' holds -inf at element 0", NULL);
    g3[0] = 1;
    g3[1] = 2;
    g3[2] = -INFINITY;
    expect_tensor_error(T_GAMMA, (StTensor){"b.gamma", "F32", 1, {3}, g3, sizeof g3},
                        "tensor 'b.gamma' holds -inf at element 2", NULL);
    /* Finite tensors whose fold is not: gamma 3e38 over sqrt(1e-7 +
     * 0.001) = 0.0316 is 9.486e39, beyond float32, which would compute
     * infinities. */
    static float big[3] = {1, 3e38f, 1}, tiny[3] = {1, 1e-7f, 1};
    StTensor t[T_COUNT];
    good_tensors(t);
    t[T_GAMMA] = (StTensor){"b.gamma", "F32", 1, {3}, big, sizeof big};
    t[T_VAR] = (StTensor){"b.variance", "F32", 1, {3}, tiny, sizeof tiny};
    const char *p = tmp_path("fold.safetensors");
    st_write(p, t, T_COUNT);
    expect_load_error(net_src, p, "batchnorm 'b', channel 1: its folded scale",
                      "= 9.486e+39, is beyond float32");
}

/* Loads t (n tensors) with "__metadata__" meta into w of graph g (r);
 * false after an error, in r->diag. */
static bool load_meta(Run *r, IrGraph **g, const char *meta, const StTensor *t, int n,
                      Weights *w) {
    *g = compile(r, net_src);
    const char *p = tmp_path("enc.safetensors");
    st_write_meta(p, meta, t, n);
    bool ok = weights_load(&r->c, *g, p, w);
    fflush(r->err);
    return ok;
}

/* The good tensors with bc.weight (I8) and bd.weight (F32) replaced, and
 * meta, must fail with t1 and t2 in the message. */
static void expect_enc_error(const char *meta, const int8_t *bc, const float *bd,
                             const char *t1, const char *t2) {
    StTensor t[T_COUNT];
    good_tensors(t);
    if (bc)
        t[T_BC].data = bc;
    if (bd)
        t[T_BD].data = bd;
    Run r;
    IrGraph *g;
    Weights w;
    if (load_meta(&r, &g, meta, t, T_COUNT, &w))
        fail_msg("expected an error containing \"%s\"", t1);
    if (!strstr(r.diag, t1) || (t2 && !strstr(r.diag, t2)))
        fail_msg("expected an error containing \"%s\" and \"%s\"; got:\n%s", t1,
                 t2 ? t2 : "", r.diag);
    assert_null(w.v);
    run_free(&r);
}

/* Binary weights by the file's encoding (docs/weights.md section 1):
 * without one, I8 must hold -1 and +1 (a 0/1 tensor, the common mistake,
 * is an error naming the tensor, the element and its value, and saying
 * how to choose an encoding) and F32 is binarised by sign; "01", "pm1"
 * and "sign" in "__metadata__" apply to every binary tensor of the file. */
static void test_load_binary_encoding(void **state) {
    (void)state;
    static int8_t bc01[54], bcbad[54], bcwide[54];
    static float bd01[180], bdpm[180];
    for (int i = 0; i < 54; i++) {
        bc01[i] = (int8_t)(i % 3 == 0 ? 0 : 1);
        bcwide[i] = (int8_t)(i % 3 == 0 ? -3 : i % 3 == 1 ? 0 : 5);
    }
    for (int i = 0; i < 180; i++) {
        bd01[i] = i % 3 == 0 ? 0.0f : 1.0f;
        bdpm[i] = i % 3 == 0 ? -1.0f : 1.0f;
    }
    /* No encoding: I8 0/1 is refused at its first 0 (element 0, [0, 0, 0,
     * 0]); a 0/1 tensor with a 1 first at its first 0. */
    expect_enc_error("", bc01, NULL,
                     "tensor 'bc.weight' holds 0 at element 0 [0, 0, 0, 0]; binary weights "
                     "stored as I8 must be -1 or +1; a file that stores them otherwise says so "
                     "in its \"__metadata__\": \"bnnc.binary_encoding\": \"01\" (0 is -1, 1 is "
                     "+1) or \"sign\" (v >= 0 is +1)", NULL);
    memcpy(bcbad, bc_w, sizeof bcbad);
    bcbad[5] = 2;
    expect_enc_error("\"format\":\"pt\"", bcbad, NULL,
                     "tensor 'bc.weight' holds 2 at element 5 [0, 0, 2, 1]; binary weights "
                     "stored as I8 must be -1 or +1", NULL);
    /* "pm1" said explicitly: the same for I8, and F32 must be -1.0 or 1.0
     * (bd.weight's first value is -0.5). */
    expect_enc_error("\"bnnc.binary_encoding\":\"pm1\"", bcbad, bdpm,
                     "tensor 'bc.weight' holds 2 at element 5 [0, 0, 2, 1]; the file's "
                     "\"bnnc.binary_encoding\" is \"pm1\", so binary weights must be -1 or +1",
                     NULL);
    expect_enc_error("\"bnnc.binary_encoding\":\"pm1\"", NULL, NULL,
                     "tensor 'bd.weight' holds -0.5 at element 0 [0, 0]; the file's "
                     "\"bnnc.binary_encoding\" is \"pm1\", so binary weights must be -1 or +1",
                     NULL);
    /* "01": 0 is -1, 1 is +1; -1 is then an error, and so is 0.25. */
    expect_enc_error("\"bnnc.binary_encoding\":\"01\"", NULL, bd01,
                     "tensor 'bc.weight' holds -1 at element 0 [0, 0, 0, 0]; the file's "
                     "\"bnnc.binary_encoding\" is \"01\", so binary weights must be 0 (for -1) "
                     "or 1 (for +1)", NULL);
    bd01[7] = 0.25f;
    expect_enc_error("\"bnnc.binary_encoding\":\"01\"", bc01, bd01,
                     "tensor 'bd.weight' holds 0.25 at element 7 [1, 2]; the file's "
                     "\"bnnc.binary_encoding\" is \"01\"", NULL);
    bd01[7] = 1.0f;
    /* The encoding's value and bnnc's keys are checked. */
    expect_enc_error("\"bnnc.binary_encoding\":\"bipolar\"", NULL, NULL,
                     "\"bnnc.binary_encoding\" is \"bipolar\"; it must be \"pm1\" (-1 and +1), "
                     "\"01\" (0 is -1, 1 is +1) or \"sign\" (v >= 0 is +1)", NULL);
    expect_enc_error("\"bnnc.binary_encoding\":\"\"", NULL, NULL,
                     "\"bnnc.binary_encoding\" is \"\"; it must be", NULL);
    expect_enc_error("\"bnnc.binary_encoding\":1", NULL, NULL,
                     "\"bnnc.binary_encoding\" is not a string; it must be", NULL);
    expect_enc_error("\"bnnc.binary_encodng\":\"01\"", NULL, NULL,
                     "\"__metadata__\" has the key \"bnnc.binary_encodng\", which bnnc does "
                     "not know; the one it reads is \"bnnc.binary_encoding\"", NULL);

    /* What loads: "01" on I8 and F32; "pm1" on F32; "sign" on I8 (any
     * value, v >= 0 is +1); other metadata keys are ignored. */
    struct {
        const char *meta;
        const int8_t *bc;
        const float *bd;
    } good[] = {
        {"\"format\":\"np\",\"bnnc.binary_encoding\":\"01\"", bc01, bd01},
        {"\"bnnc.binary_encoding\":\"pm1\",\"other\":\"x\"", bc_w, bdpm},
        {"\"bnnc.binary_encoding\":\"sign\"", bcwide, bd_w},
    };
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        StTensor t[T_COUNT];
        good_tensors(t);
        t[T_BC].data = good[k].bc;
        t[T_BD].data = good[k].bd;
        Run r;
        IrGraph *g;
        Weights w;
        if (!load_meta(&r, &g, good[k].meta, t, T_COUNT, &w))
            fail_msg("encoding %s does not load:\n%s", good[k].meta, r.diag);
        const LayerParams *bc = weights_get(&w, "bc"), *bd = weights_get(&w, "bd");
        for (int i = 0; i < 54; i++)
            assert_true(bc->w[i] == (i % 3 == 0 ? -1.0f : 1.0f));
        for (int i = 0; i < 180; i++)
            assert_true(bd->w[i] == (i % 3 == 0 ? -1.0f : 1.0f));
        /* Float weights are not binary weights: no encoding applies. */
        assert_memory_equal(weights_get(&w, "y")->w, y_w, sizeof y_w);
        run_free(&r);
    }
}

/* prelu with per_element = yes: its alpha has the layer's shape, here
 * [2, 3]; [3] (one per channel) is an error that names the shape it
 * wants. Random alphas fill every element. */
static void test_prelu_per_element_alpha(void **state) {
    (void)state;
    static const char src[] = "bnn 1;\nnetwork m { input x : f32[2, 3]; "
                              "z = prelu(x, per_element = yes); output z; }\n";
    static float a6[6] = {1, 2, 3, 4, 5, 6};
    const char *p = tmp_path("pe.safetensors");
    StTensor good = {"z.alpha", "F32", 2, {2, 3}, a6, 24};
    st_write(p, &good, 1);
    Run r;
    IrGraph *g = compile(&r, src);
    Weights w;
    if (!weights_load(&r.c, g, p, &w))
        fail_msg("the [2, 3] alpha does not load:\n%s", r.diag);
    const LayerParams *z = weights_get(&w, "z");
    assert_int_equal(z->nc, 6);
    assert_memory_equal(z->alpha, a6, sizeof a6);
    run_free(&r);
    StTensor bad = {"z.alpha", "F32", 1, {3}, a6, 12};
    st_write(p, &bad, 1);
    expect_load_error(src, p, "tensor 'z.alpha' has shape [3]; layer 'z' (prelu) wants [2, 3]",
                      NULL);
    IrGraph *g2 = compile(&r, src);
    weights_random(&r.c, g2, 5, &w);
    z = weights_get(&w, "z");
    assert_int_equal(z->nc, 6);
    for (int i = 0; i < 6; i++)
        assert_true(z->alpha[i] > 0.1f && z->alpha[i] < 0.4f);
    run_free(&r);
}

/* A small network for hand-written headers: y.weight [2,1], z.alpha [1]. */
static const char small_src[] =
    "bnn 1;\nnetwork m { input x : f32[2]; y = dense(x, units = 1); z = prelu(y); output z; }\n";

static void expect_raw_error(const char *header, size_t data_len, const char *t1,
                             const char *t2) {
    static const unsigned char zeros[64];
    const char *p = tmp_path("raw.safetensors");
    st_write_raw(p, header, zeros, data_len);
    expect_load_error(small_src, p, t1, t2);
}

static void test_load_file_errors(void **state) {
    (void)state;
    const char *good = "{\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
                       "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
    /* The good header loads, also padded with spaces as the safetensors
     * library pads it; then each fault. */
    for (int pad = 0; pad < 2; pad++) {
        const unsigned char zeros[12] = {0};
        const char *p = tmp_path("raw.safetensors");
        char h[512];
        snprintf(h, sizeof h, "%s%s", good, pad ? "       " : "");
        st_write_raw(p, h, zeros, 12);
        Run r;
        IrGraph *g = compile(&r, small_src);
        Weights w;
        if (!weights_load(&r.c, g, p, &w))
            fail_msg("the good header does not load:\n%s", r.diag);
        run_free(&r);
    }
    expect_load_error(small_src, tmp_path("nope.safetensors"), "cannot open the weights", NULL);
    expect_load_error(small_src, tmp_dir(), "is a folder, not a safetensors file", NULL);
    write_bytes(tmp_path("short"), "\x10\0\0", 3);
    expect_load_error(small_src, tmp_path("short"), "is truncated: a safetensors file starts",
                      NULL);
    write_bytes(tmp_path("cut"), "\xff\0\0\0\0\0\0\0{\"y.w", 13);
    expect_load_error(small_src, tmp_path("cut"), "is truncated: its header is 255 bytes",
                      "only 5 follow");
    /* The data is cut short: the offsets point past its end. */
    expect_raw_error(good, 10, "tensor 'z.alpha' has data offsets [8, 12] outside the data "
                               "(10 bytes after the header)", NULL);
    expect_raw_error("{\"y.weight\": {\"dtype\": \"F32\",", 12, "has a bad header", NULL);
    expect_raw_error("[1, 2]", 12, "has a bad header: it is not a JSON object", NULL);
    /* Found by fuzz_safetensors: a shape of more dimensions than the
     * tensor's (up to 8) was compared past the end of the wanted one. */
    expect_raw_error("{\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1,1,1,1,1],"
                     "\"data_offsets\":[0,8]},"
                     "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                     12, "tensor 'y.weight' has shape [2, 1, 1, 1, 1, 1]; layer 'y' (dense) wants "
                     "[2, 1]", NULL);
    expect_raw_error("{\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
                     "\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
                     "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                     12, "duplicate", NULL);
    expect_raw_error("{\"__metadata__\":[],"
                     "\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
                     "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                     12, "\"__metadata__\" is not an object", NULL);
    /* Offsets: before the data (into the header), of the wrong size,
     * overlapping another tensor, not numbers. */
    expect_raw_error("{\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[-4,4]},"
                     "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                     12, "tensor 'y.weight' has data offsets [-4, 4] outside the data", NULL);
    /* (Within the 12 bytes the network's tensors take: more data is
     * refused as a whole, test_load_bounds.) */
    expect_raw_error("{\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,12]},"
                     "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                     12, "tensor 'y.weight' has data offsets [0, 12], 12 bytes; its shape [2, 1] "
                         "of F32 takes 8", NULL);
    expect_raw_error("{\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
                     "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                     12, "tensor 'z.alpha' overlaps tensor 'y.weight'", NULL);
    expect_raw_error("{\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":\"0-8\"},"
                     "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                     12, "tensor 'y.weight' needs a \"dtype\" string", NULL);
    expect_raw_error("{\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]},"
                     "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                     12, "tensor 'y.weight' has a bad shape (want [2, 1])", NULL);
    expect_raw_error("{\"y.weight\":7,"
                     "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                     12, "tensor 'y.weight' is not described by an object", NULL);
}

/* Reads are bounded by the header and the network: the data after the
 * header may be no more than the network's tensors as F32 (12 bytes for
 * small_src), the header no more than 100 MB; both are refused before
 * anything more is read, from a file or (weights_parse) from memory. */
static void test_load_bounds(void **state) {
    (void)state;
    const char *good = "{\"y.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
                       "\"z.alpha\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
    static const unsigned char zeros[1 << 16];
    expect_raw_error(good, 13, "raw.safetensors' has 13 bytes of data after its header; the "
                     "parameters of network 'm' take at most 12 bytes (every tensor as F32)",
                     NULL);
    st_write_raw(tmp_path("long.safetensors"), good, zeros, sizeof zeros);
    expect_load_error(small_src, tmp_path("long.safetensors"),
                      "has 65536 bytes of data after its header", NULL);
    /* A header length of 2^40 in a file of 10 bytes: the length is what
     * is wrong, not that the file is short. */
    write_bytes(tmp_path("hlen"), "\0\0\0\0\0\x01\0\0{}", 10);
    expect_load_error(small_src, tmp_path("hlen"),
                      "has a header of 1099511627776 bytes, more than the 100 MB", NULL);
    /* 2 MiB: within the format's limit, but more than a header of this
     * network's 2 tensors takes (1 MiB and 1 KiB a tensor). */
    write_bytes(tmp_path("hlen"), "\0\0\x20\0\0\0\0\0{}", 10);
    expect_load_error(small_src, tmp_path("hlen"),
                      "has a header of 2097152 bytes; network 'm' has 2 tensors, whose header "
                      "takes at most 1050624 bytes", NULL);
    /* The same from memory (fuzz_safetensors' path). */
    size_t h = strlen(good);
    unsigned char *buf = calloc(1, 8 + h + 20);
    buf[0] = (unsigned char)h;
    memcpy(buf + 8, good, h);
    Run r;
    IrGraph *g = compile(&r, small_src);
    Weights w;
    assert_true(weights_parse(&r.c, g, "mem", buf, 8 + h + 12, &w));
    assert_false(weights_parse(&r.c, g, "mem", buf, 8 + h + 20, &w));
    fflush(r.err);
    if (!strstr(r.diag, "'mem' has 20 bytes of data after its header"))
        fail_msg("got:\n%s", r.diag);
    run_free(&r);
    free(buf);
}

/* ------------------------------------------------------------- random */

static void assert_same_params(const LayerParams *a, const LayerParams *b, bool same) {
    assert_int_equal(a->nw, b->nw);
    assert_int_equal(a->nc, b->nc);
    bool eq = true;
    if (a->w)
        eq &= memcmp(a->w, b->w, (size_t)a->nw * 4) == 0;
    if (a->scale)
        eq &= memcmp(a->scale, b->scale, (size_t)a->nc * 4) == 0 &&
              memcmp(a->shift, b->shift, (size_t)a->nc * 4) == 0;
    if (a->alpha)
        eq &= memcmp(a->alpha, b->alpha, (size_t)a->nc * 4) == 0;
    if (eq != same)
        fail_msg("layer '%s': parameters are %s", a->layer, eq ? "equal" : "different");
}

static void test_random_deterministic(void **state) {
    (void)state;
    Run r;
    IrGraph *g = compile(&r, net_src);
    Weights a, b, c;
    weights_random(&r.c, g, 1, &a);
    weights_random(&r.c, g, 1, &b);
    weights_random(&r.c, g, 2, &c);
    assert_true(a.random);
    assert_int_equal(a.seed, 1);
    assert_int_equal(c.seed, 2);
    /* Every layer with parameters, of the sizes the layer needs. */
    assert_int_equal(a.n, 7);
    struct {
        const char *layer;
        int64_t nw, nc;
    } want[] = {{"c", 24, 0}, {"b", 0, 3}, {"bc", 54, 0}, {"d", 4, 0},
                {"p", 0, 4},  {"bd", 180, 0}, {"y", 10, 0}};
    for (int i = 0; i < 7; i++) {
        const LayerParams *p = weights_get(&a, want[i].layer);
        assert_non_null(p);
        assert_int_equal(p->nw, want[i].nw);
        assert_int_equal(p->nc, want[i].nc);
        assert_true((p->w != NULL) == (want[i].nw > 0));
        assert_true((p->alpha != NULL) == (strcmp(want[i].layer, "p") == 0));
        assert_true((p->scale != NULL) == (strcmp(want[i].layer, "b") == 0));
        assert_same_params(p, weights_get(&b, want[i].layer), true);
        assert_same_params(p, weights_get(&c, want[i].layer), false);
    }
    /* Binary weights are -1 or +1, some of each; float weights within
     * sqrt(3 / fan_in) = sqrt(3 / 8). */
    const LayerParams *bc = weights_get(&a, "bc");
    int plus = 0;
    for (int i = 0; i < bc->nw; i++) {
        assert_true(bc->w[i] == 1.0f || bc->w[i] == -1.0f);
        plus += bc->w[i] > 0;
    }
    assert_true(plus > 10 && plus < 44);
    const LayerParams *cw = weights_get(&a, "c");
    for (int i = 0; i < cw->nw; i++)
        assert_true(fabsf(cw->w[i]) <= sqrtf(3.0f / 8.0f));
    run_free(&r);
}

/* A tensor's values depend on the seed and its name only. */
static void test_random_independent(void **state) {
    (void)state;
    Run r1, r2;
    IrGraph *g1 = compile(&r1, "bnn 1;\nnetwork n { input x : f32[8]; "
                               "d = dense(x, units = 4); output d; }\n");
    IrGraph *g2 = compile(&r2, "bnn 1;\nnetwork n { input x : f32[8]; "
                               "a = dense(x, units = 8); e = prelu(a); "
                               "d = dense(e, units = 4); output d; }\n");
    Weights w1, w2;
    weights_random(&r1.c, g1, 42, &w1);
    weights_random(&r2.c, g2, 42, &w2);
    assert_same_params(weights_get(&w1, "d"), weights_get(&w2, "d"), true);
    run_free(&r1);
    run_free(&r2);
}

/* Batchnorm: gamma mostly positive, about one in ten negative; the mean
 * and variance follow the input: sqrt(N) for a binary dot product of
 * length N, so the signs after it are balanced. */
static void test_random_batchnorm(void **state) {
    (void)state;
    Run r;
    IrGraph *g = compile(&r, "bnn 1;\nnetwork n { input x : f32[1024];\n"
                             "  s = sign(x); d = bdense(s, units = 2000);\n"
                             "  b = batchnorm(d); f = batchnorm(x); output b, f; }\n");
    Weights w;
    weights_random(&r.c, g, 7, &w);
    const LayerParams *b = weights_get(&w, "b"), *f = weights_get(&w, "f");
    assert_int_equal(b->nc, 2000);
    int neg = 0;
    double mean_scale = 0;
    for (int i = 0; i < 2000; i++) {
        neg += b->scale[i] < 0;
        mean_scale += fabs(b->scale[i]) / 2000;
        assert_true(isfinite(b->scale[i]) && isfinite(b->shift[i]));
        /* The threshold -shift / scale lies within the spread, 32. */
        assert_true(fabsf(b->shift[i] / b->scale[i]) < 32);
    }
    assert_true(neg > 100 && neg < 320);
    /* scale ~ gamma / sqrt(variance) ~ 1 / 32 */
    assert_true(mean_scale > 1.0 / 64 && mean_scale < 2.0 / 32);
    for (int i = 0; i < 1024; i++)
        assert_true(fabsf(f->scale[i]) > 0.3f && fabsf(f->scale[i]) < 2.5f);
    run_free(&r);
}

/* The fused graph's threshold needs the parameters of the batchnorm it
 * folds, under the batchnorm's name. */
static void test_random_threshold(void **state) {
    (void)state;
    Run r;
    IrGraph *g = compile(&r, "bnn 1;\nnetwork n { input x : f32[4];\n"
                             "  a = sign(batchnorm(x)); output a; }\n");
    Weights before, after;
    weights_random(&r.c, g, 3, &before);
    assert_true(run_passes(&r, NULL, 0));
    assert_int_equal(((IrNode *)g->nodes.v[1])->op, OP_THRESHOLD);
    weights_random(&r.c, g, 3, &after);
    assert_int_equal(after.n, 1);
    assert_same_params(weights_get(&before, "a.batchnorm"), weights_get(&after, "a.batchnorm"),
                       true);
    run_free(&r);
}

/* Random thresholds: integers, sorted per channel, spread about the dot
 * product's range (sqrt(N) = 6 for N = 36): not all equal. */
static void test_random_thresholds(void **state) {
    (void)state;
    Run r;
    IrGraph *g = compile(&r, "bnn 1;\nnetwork n { input x : f32[36];\n"
                             "  d = bdense(sign(x), units = 16); t = thresholds(d, levels = 7);"
                             " output t; }\n");
    Weights w;
    assert_true(weights_random(&r.c, g, 5, &w));
    const LayerParams *p = weights_get(&w, "t");
    assert_non_null(p);
    assert_int_equal(p->nw, 16 * 7);
    int distinct = 0;
    for (int64_t c = 0; c < 16; c++)
        for (int64_t k = 0; k < 7; k++) {
            float v = p->w[c * 7 + k];
            assert_true(v == floorf(v) && fabsf(v) <= 9);
            if (k > 0) {
                assert_true(p->w[c * 7 + k - 1] <= v);
                distinct += p->w[c * 7 + k - 1] < v;
            }
        }
    assert_true(distinct > 16 * 3);
    run_free(&r);
}

/* Parameters filled in by hand need not be sorted. */
static void test_get_unsorted(void **state) {
    (void)state;
    LayerParams v[3] = {{.layer = "zeta"}, {.layer = "alpha"}, {.layer = "mid"}};
    Weights w = {v, 3, false, 0};
    for (int i = 0; i < 3; i++)
        assert_ptr_equal(weights_get(&w, v[i].layer), &v[i]);
    assert_null(weights_get(&w, "beta"));
    assert_null(weights_get(NULL, "beta"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_load_good, tmp_teardown),
        cmocka_unit_test_teardown(test_load_tensor_errors, tmp_teardown),
        cmocka_unit_test_teardown(test_load_file_errors, tmp_teardown),
        cmocka_unit_test_teardown(test_load_nonfinite, tmp_teardown),
        cmocka_unit_test_teardown(test_load_binary_encoding, tmp_teardown),
        cmocka_unit_test_teardown(test_load_attr_tensors, tmp_teardown),
        cmocka_unit_test_teardown(test_load_bounds, tmp_teardown),
        cmocka_unit_test(test_random_deterministic),
        cmocka_unit_test(test_random_independent),
        cmocka_unit_test_teardown(test_prelu_per_element_alpha, tmp_teardown),
        cmocka_unit_test(test_random_batchnorm),
        cmocka_unit_test(test_random_threshold),
        cmocka_unit_test(test_random_thresholds),
        cmocka_unit_test(test_get_unsorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
