/*
 * test_interp.c: the reference interpreter (src/interp.c) on small
 * networks whose outputs are worked out by hand in the comments, one
 * rule of docs/semantics.md at a time: windows and padding, binary dot
 * products, pooling, element-wise operations, the order of float sums.
 */
#include "support.h"

#include <math.h>
#include <string.h>

typedef struct {
    Run r;
    IrGraph *g;
    Weights w;
    LayerParams lp[8];
} Net;

static void net_compile(Net *t, const char *body) {
    memset(t, 0, sizeof *t);
    char src[2048];
    snprintf(src, sizeof src, "bnn 1;\nnetwork n {\n%s\n}\n", body);
    run_source(&t->r, src);
    if (!t->r.ok)
        fail_msg("the source does not compile:\n%s", t->r.diag);
    t->g = t->r.m.graphs.v[0];
    t->w.v = t->lp;
}

/* Gives layer `layer` weights w (n of them). */
static void net_weights(Net *t, const char *layer, float *w, int64_t n) {
    LayerParams *p = &t->lp[t->w.n++];
    p->layer = layer;
    p->w = w;
    p->nw = n;
}

/* Gives the layer given weights last a bias and a weight scale (either
 * may be NULL), n of each. */
static void net_epi(Net *t, float *bias, float *scale, int64_t n) {
    LayerParams *p = &t->lp[t->w.n - 1];
    p->bias = bias;
    p->wscale = scale;
    p->nout = n;
}

static void net_affine(Net *t, const char *layer, float *scale, float *shift, int64_t nc) {
    LayerParams *p = &t->lp[t->w.n++];
    p->layer = layer;
    p->scale = scale;
    p->shift = shift;
    p->nc = nc;
}

static void net_run(Net *t, const Tensor *in, Tensor *out) {
    if (!interp_run(&t->r.c, t->g, &t->w, in, out)) {
        fflush(t->r.err);
        fail_msg("interp_run failed:\n%s", t->r.diag);
    }
}

static Tensor tf(float *v, int64_t n) { return (Tensor){.type = DT_F32, .n = n, .f = v}; }
static Tensor ti(int32_t *v, int64_t n) { return (Tensor){.type = DT_I32, .n = n, .i = v}; }
static Tensor tb(int8_t *v, int64_t n) { return (Tensor){.type = DT_B1, .n = n, .b = v}; }

static void expect_f(const Tensor *t, const float *want, int64_t n) {
    assert_int_equal(t->type, DT_F32);
    assert_int_equal(t->n, n);
    for (int64_t i = 0; i < n; i++)
        if (memcmp(&t->f[i], &want[i], 4) != 0)
            fail_msg("element %lld is %.9g, want %.9g", (long long)i, t->f[i], want[i]);
}

static void expect_i(const Tensor *t, const int32_t *want, int64_t n) {
    assert_int_equal(t->type, DT_I32);
    assert_int_equal(t->n, n);
    for (int64_t i = 0; i < n; i++)
        if (t->i[i] != want[i])
            fail_msg("element %lld is %d, want %d", (long long)i, t->i[i], want[i]);
}

static void expect_b(const Tensor *t, const int8_t *want, int64_t n) {
    assert_int_equal(t->type, DT_B1);
    assert_int_equal(t->n, n);
    for (int64_t i = 0; i < n; i++)
        if (t->b[i] != want[i])
            fail_msg("element %lld is %d, want %d", (long long)i, t->b[i], want[i]);
}

/* 3x3 input 1..9, one 2x2 filter [[1, 2], [3, 4]]. */
static float x9[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w4[4] = {1, 2, 3, 4};

static void test_conv_valid(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3, 3, 1]; y = conv2d(x, filters = 1, kernel = 2); output y;");
    net_weights(&t, "y", w4, 4);
    Tensor in = tf(x9, 9), out;
    net_run(&t, &in, &out);
    /* 1*1+2*2+4*3+5*4 = 37, 2+6+15+24 = 47, 4+10+21+32 = 67, 5+12+24+36 = 77 */
    expect_f(&out, (float[]){37, 47, 67, 77}, 4);
    run_free(&t.r);
}

/* same: total padding 1 per axis, all of it at the bottom and right
 * (pad_top = 1 / 2 = 0). same_one pads a float input with +1. */
static void test_conv_same(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3, 3, 1];\n"
                    "y = conv2d(x, filters = 1, kernel = 2, padding = same);\n"
                    "z = conv2d(x, filters = 1, kernel = 2, padding = same_one);\n"
                    "output y, z;");
    net_weights(&t, "y", w4, 4);
    net_weights(&t, "z", w4, 4);
    Tensor in = tf(x9, 9), out[2];
    net_run(&t, &in, out);
    /* row 2: 7*1 + 8*2 = 23, 8 + 18 = 26, 9; column 2: 3 + 6*3 = 21, 6 + 27 = 33 */
    expect_f(&out[0], (float[]){37, 47, 21, 67, 77, 33, 23, 26, 9}, 9);
    /* plus the padded taps' weights: (0,2) 21 + 2 + 4 = 27, (2,1) 26 + 3 + 4 = 33,
     * (2,2) 9 + 2 + 3 + 4 = 18 */
    expect_f(&out[1], (float[]){37, 47, 27, 67, 77, 39, 30, 33, 18}, 9);
    run_free(&t.r);
}

/* A binary 3x3 conv of a 3x3 b1 input that is +1 but for the centre, with
 * weights +1 but for w[0][0] = -1: the corners with same (padded taps add
 * 0) and same_one (they add w). */
static void test_bconv_padding(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : b1[3, 3, 1];\n"
                    "y = bconv2d(x, filters = 1, kernel = 3, padding = same);\n"
                    "z = bconv2d(x, filters = 1, kernel = 3, padding = same_one);\n"
                    "v = bconv2d(x, filters = 1, kernel = 3);\n"
                    "output y, z, v;");
    float w[9] = {-1, 1, 1, 1, 1, 1, 1, 1, 1};
    net_weights(&t, "y", w, 9);
    net_weights(&t, "z", w, 9);
    net_weights(&t, "v", w, 9);
    int8_t x[9] = {1, 1, 1, 1, -1, 1, 1, 1, 1};
    Tensor in = tb(x, 9), out[3];
    net_run(&t, &in, out);
    /* same, (0,0): taps x(0..1, 0..1) with w11, w12, w21, w22 = +1: 1+1+1-1 = 2.
     * (2,2): taps x(1..2, 1..2) with w00, w01, w10, w11: -(-1)... = 1+1+1+1 = 4.
     * centre: w00 * 1 = -1, w11 * -1 = -1, seven more +1: 5. */
    assert_int_equal(out[0].type, DT_I32);
    assert_int_equal(out[0].i[0], 2);
    assert_int_equal(out[0].i[8], 4);
    assert_int_equal(out[0].i[4], 5);
    /* same_one, (0,0): 2 + w00 + w01 + w02 + w10 + w20 = 2 + 3 = 5.
     * (2,2): 4 + w02 + w12 + w20 + w21 + w22 = 9. The centre has no padding. */
    assert_int_equal(out[1].i[0], 5);
    assert_int_equal(out[1].i[8], 9);
    assert_int_equal(out[1].i[4], 5);
    /* (0,1) same: rows 0..1, cols 0..2 with w1x, w2x: 1+1+1 + 1-1+1 = 4;
     * same_one adds w00 + w01 + w02 = 1. */
    assert_int_equal(out[0].i[1], 4);
    assert_int_equal(out[1].i[1], 5);
    expect_i(&out[2], (int32_t[]){5}, 1);
    run_free(&t.r);
}

/* sign then bdense: sign(0) = +1; x = [+1, -1, +1],
 * w = [[1, 1], [-1, 1], [1, 1]]: 1 + 1 + 1 = 3 and 1 - 1 + 1 = 1. */
static void test_bdense(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3]; s = sign(x); d = bdense(s, units = 2);\n"
                    "f = bdense(x, units = 2); output d, f;");
    float w[6] = {1, 1, -1, 1, 1, 1};
    net_weights(&t, "d", w, 6);
    net_weights(&t, "f", w, 6);
    float x[3] = {0.5f, -2, 0};
    Tensor in = tf(x, 3), out[2];
    net_run(&t, &in, out);
    expect_i(&out[0], (int32_t[]){3, 1}, 2);
    /* With a float input: 0.5 + 2 + 0 and 0.5 - 2 + 0. */
    expect_f(&out[1], (float[]){2.5f, -1.5f}, 2);
    run_free(&t.r);
}

static void test_maxpool_types(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input a : f32[2, 2, 1]; input b : i32[2, 2, 1]; input c : b1[2, 2, 2];\n"
                    "input d : f32[3, 3, 1];\n"
                    "pa = maxpool(a, size = 2); pb = maxpool(b, size = 2);\n"
                    "pc = maxpool(c, size = 2); pd = maxpool(d, size = 2, padding = same);\n"
                    "output pa, pb, pc, pd;");
    float a[4] = {1, -3, 2, 0.5f};
    int32_t b[4] = {-5, -2, -7, -3};
    int8_t c[8] = {-1, -1, -1, -1, -1, -1, 1, -1}; /* channel 0 has one +1 */
    float d[9] = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
    Tensor in[4] = {tf(a, 4), ti(b, 4), tb(c, 8), tf(d, 9)}, out[4];
    net_run(&t, in, out);
    expect_f(&out[0], (float[]){2}, 1);
    expect_i(&out[1], (int32_t[]){-2}, 1);
    expect_b(&out[2], (int8_t[]){1, -1}, 2);
    /* Padded taps are skipped, not read as 0: the last window is x(2,2). */
    expect_f(&out[3], (float[]){-1, -3, -7, -9}, 4);
    run_free(&t.r);
}

/* avgpool with same padding divides by the real taps:
 * (1+2+4+5)/4 = 3, (3+6)/2 = 4.5, (7+8)/2 = 7.5, 9/1 = 9. */
static void test_avgpool(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3, 3, 1]; y = avgpool(x, size = 2, padding = same);\n"
                    "z = avgpool(x, size = 2, stride = 1); output y, z;");
    Tensor in = tf(x9, 9), out[2];
    net_run(&t, &in, out);
    expect_f(&out[0], (float[]){3, 4.5f, 7.5f, 9}, 4);
    expect_f(&out[1], (float[]){3, 4, 6, 7}, 4);
    run_free(&t.r);
}

static void test_global_avgpool(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[2, 2, 2]; y = global_avgpool(x); output y;");
    float x[8] = {1, 0.5f, 2, 0.5f, 3, 0.5f, 4, 1.5f};
    Tensor in = tf(x, 8), out;
    net_run(&t, &in, &out);
    expect_f(&out, (float[]){2.5f, 0.75f}, 2);
    run_free(&t.r);
}

static void test_add(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input a : i32[3]; input b : i32[3]; input c : f32[3];\n"
                    "s = add(a, b); f = add(a, c); output s, f;");
    int32_t a[3] = {1, -2, 16777217}, b[3] = {10, -20, 1};
    float c[3] = {0.5f, 0.25f, 0};
    Tensor in[3] = {ti(a, 3), ti(b, 3), tf(c, 3)}, out[2];
    net_run(&t, in, out);
    /* i32 + i32 is exact, even past 2^24; i32 + f32 is a float sum. */
    expect_i(&out[0], (int32_t[]){11, -22, 16777218}, 3);
    expect_f(&out[1], (float[]){1.5f, -1.75f, 16777216.0f}, 3);
    run_free(&t.r);
}

static void test_concat_flatten(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input a : f32[1, 2, 1]; input b : f32[1, 2, 2]; input c : b1[1, 2, 1];\n"
                    "input d : i32[2, 1, 1];\n"
                    "x = concat(a, b); y = concat(c, c); z = concat(a, c, b);\n"
                    "f = flatten(x); g = flatten(d); output x, y, z, f, g;");
    float a[2] = {1, 2}, b[4] = {10, 11, 20, 21};
    int8_t c[2] = {-1, 1};
    int32_t d[2] = {5, -6};
    Tensor in[4] = {tf(a, 2), tf(b, 4), tb(c, 2), ti(d, 2)}, out[5];
    net_run(&t, in, out);
    /* Channels one after the other, per pixel. */
    expect_f(&out[0], (float[]){1, 10, 11, 2, 20, 21}, 6);
    expect_b(&out[1], (int8_t[]){-1, -1, 1, 1}, 4);
    /* Mixed types give f32: b1 reads as -1.0 and +1.0. */
    expect_f(&out[2], (float[]){1, -1, 10, 11, 2, 1, 20, 21}, 8);
    expect_f(&out[3], (float[]){1, 10, 11, 2, 20, 21}, 6);
    expect_i(&out[4], (int32_t[]){5, -6}, 2);
    run_free(&t.r);
}

/* Ranks 2 and 4: element-wise operations by the last index as the
 * channel, b1 packed per row, flatten and concat in row-major order. */
static void test_ranks(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[1, 2, 2, 2]; input m : f32[2, 3];\n"
                    "b = batchnorm(x); s = sign(m); c = concat(s, m); f = flatten(b);\n"
                    "r = relu(m); output b, s, c, f, r;");
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, m[6] = {-1, 0, 2, -0.0f, -3, 0.5f};
    float scale[2] = {2, -1}, shift[2] = {0.5f, 1};
    net_affine(&t, "b", scale, shift, 2);
    Tensor in[2] = {tf(x, 8), tf(m, 6)}, out[5];
    net_run(&t, in, out);
    /* channel = last index: x * 2 + 0.5 on even elements, -x + 1 on odd */
    float b[8] = {2.5f, -1, 6.5f, -3, 10.5f, -5, 14.5f, -7};
    expect_f(&out[0], b, 8);
    expect_b(&out[1], (int8_t[]){-1, 1, 1, 1, -1, 1}, 6);
    /* per row: the 3 signs (as -1.0/+1.0) then the 3 values */
    expect_f(&out[2], (float[]){-1, 1, 1, -1, 0, 2, 1, -1, 1, -0.0f, -3, 0.5f}, 12);
    expect_f(&out[3], b, 8);
    expect_f(&out[4], (float[]){0, 0, 2, 0, 0, 0.5f}, 6);
    run_free(&t.r);
}

/* reshape: the same elements in the same order; transpose: y[j] =
 * x[i] with i_perm[k] = j_k, for every type. */
static void test_reshape_transpose(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[1, 2, 2, 3]; input s : b1[2, 3]; input k : i32[2, 3];\n"
                    "h = reshape(transpose(x, perm = (0, 2, 3, 1)), shape = (2, 3, 2));\n"
                    "u = transpose(s, perm = (1, 0)); r = reshape(s, shape = (3, 2));\n"
                    "v = transpose(k, perm = (1, 0)); output h, u, r, v;");
    /* x[0][c][h][w] = 100c + 10h + w: c in 0..1, h in 0..1, w in 0..2. */
    float x[12] = {0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112};
    int8_t s[6] = {1, -1, -1, 1, 1, -1};
    int32_t k[6] = {1, 2, 3, 4, 5, 6};
    Tensor in[3] = {tf(x, 12), tb(s, 6), ti(k, 6)}, out[4];
    net_run(&t, in, out);
    /* NHWC: for h, for w, the two channels: (h, w, c) = 100c + 10h + w. */
    expect_f(&out[0], (float[]){0, 100, 1, 101, 2, 102, 10, 110, 11, 111, 12, 112}, 12);
    /* s = [[1, -1, -1], [1, 1, -1]]: its transpose [[1, 1], [-1, 1], [-1, -1]]. */
    expect_b(&out[1], (int8_t[]){1, 1, -1, 1, -1, -1}, 6);
    expect_b(&out[2], s, 6);
    expect_i(&out[3], (int32_t[]){1, 4, 2, 5, 3, 6}, 6);
    run_free(&t.r);
}

/* mul: (float)a * (float)b, broadcast; sigmoid: 1 / (1 + expf(-x)). */
static void test_mul_sigmoid(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[2, 2, 3]; input c : f32[3]; input k : i32[2, 1, 1];\n"
                    "input s : b1[3];\n"
                    "a = mul(x, c); b = mul(k, x); d = mul(s, reshape(c, shape = (3, 1)));\n"
                    "g = sigmoid(x); output a, b, d, g;");
    float x[12] = {0, 1, 2, 3, 100, -100, 0.5f, -0.0f, 88, -88, 16777216, 3};
    float c[3] = {2, -1, 0.5f};
    int32_t k[2] = {3, -2};
    int8_t s[3] = {1, -1, 1};
    Tensor in[4] = {tf(x, 12), tf(c, 3), ti(k, 2), tb(s, 3)}, out[4];
    net_run(&t, in, out);
    /* c per channel: x * (2, -1, 0.5). */
    expect_f(&out[0], (float[]){0, -1, 1, 6, -100, -50, 1, 0.0f, 44, -176, -16777216, 1.5f},
             12);
    /* k per row: rows 0 and 1 of x (6 elements each) times 3 and -2;
     * 16777216 * -2 exact; 0.5 * -2 = -1; -0.0 * -2 = +0. */
    expect_f(&out[1], (float[]){0, 3, 6, 9, 300, -300, -1, 0.0f, -176, 176, -33554432, -6}, 12);
    /* [3] x [3, 1]: d[i][j] = c[i] * s[j]. */
    expect_f(&out[2], (float[]){2, -2, 2, -1, 1, -1, 0.5f, -0.5f, 0.5f}, 9);
    /* sigmoid(0) = 1 / (1 + 1) = 0.5; sigmoid(100): expf(-100) is
     * 3.7e-44 (subnormal), 1 + it rounds to 1: 1; sigmoid(-100): expf(100)
     * is inf: 1 / inf = 0; sigmoid(-0) = 0.5; sigmoid(88): 1;
     * sigmoid(-88): 1 / (1 + expf(88)) = 1 / 1.65e38, 6.05e-39 (subnormal). */
    assert_int_equal(out[3].n, 12);
    assert_true(out[3].f[0] == 0.5f && out[3].f[4] == 1.0f && out[3].f[5] == 0.0f);
    assert_true(out[3].f[7] == 0.5f && out[3].f[8] == 1.0f && out[3].f[10] == 1.0f);
    assert_true(out[3].f[9] > 6.0e-39f && out[3].f[9] < 6.1e-39f);
    /* The others to 1e-6 of the exact value: 1 / (1 + e^-1) = 0.7310586. */
    assert_true(fabsf(out[3].f[1] - 0.7310586f) < 1e-6f);
    assert_true(fabsf(out[3].f[6] - 0.6224593f) < 1e-6f);
    run_free(&t.r);
}

/* slice copies begin .. end - 1 per axis; pad_channels puts `before`
 * values, the channels, `after` values at each pixel. */
static void test_slice_pad(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[2, 2, 3]; input s : b1[2, 3]; input k : i32[2, 2];\n"
                    "a = slice(x, begin = 1, end = 3); b = slice(x, begin = (1, 0, 2), end = (2, 2, 3));\n"
                    "c = pad_channels(x, before = 1, after = 2, value = -0.5);\n"
                    "d = pad_channels(s, before = 2, value = 1); e = slice(s, begin = 2, end = 3);\n"
                    "f = pad_channels(k, after = 1, value = -9); output a, b, c, d, e, f;");
    /* x[h][w][c] = 100h + 10w + c. */
    float x[12] = {0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112};
    int8_t s[6] = {1, -1, -1, -1, 1, 1};
    int32_t k[4] = {5, 6, 7, 8};
    Tensor in[3] = {tf(x, 12), tb(s, 6), ti(k, 4)}, out[6];
    net_run(&t, in, out);
    expect_f(&out[0], (float[]){1, 2, 11, 12, 101, 102, 111, 112}, 8);
    expect_f(&out[1], (float[]){102, 112}, 2);
    expect_f(&out[2], (float[]){-0.5f, 0, 1, 2, -0.5f, -0.5f, -0.5f, 10, 11, 12, -0.5f, -0.5f,
                                -0.5f, 100, 101, 102, -0.5f, -0.5f, -0.5f, 110, 111, 112, -0.5f,
                                -0.5f},
             24);
    expect_b(&out[3], (int8_t[]){1, 1, 1, -1, -1, 1, 1, -1, 1, 1}, 10);
    expect_b(&out[4], (int8_t[]){-1, 1}, 2);
    expect_i(&out[5], (int32_t[]){5, 6, -9, 7, 8, -9}, 6);
    run_free(&t.r);
}

static void test_softmax(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3]; y = softmax(x); output y;");
    float x[3] = {1, 2, 3};
    Tensor in = tf(x, 3), out;
    net_run(&t, &in, &out);
    /* exp(x - 3) / sum: 0.0900306, 0.2447285, 0.6652410 */
    float e0 = expf(-2.0f), e1 = expf(-1.0f), e2 = expf(0.0f);
    float s = 0.0f;
    s = s + e0;
    s = s + e1;
    s = s + e2;
    expect_f(&out, (float[]){e0 / s, e1 / s, e2 / s}, 3);
    assert_true(fabsf(out.f[0] - 0.0900306f) < 1e-6f && fabsf(out.f[2] - 0.6652410f) < 1e-6f);
    assert_true(fabsf(out.f[0] + out.f[1] + out.f[2] - 1.0f) < 1e-6f);
    run_free(&t.r);
}

/* A batchnorm folded from a safetensors file: gamma 2, beta 0.5, mean 1,
 * variance 0.999 (+ 0.001): y = 2 (x - 1) + 0.5. Then sign. */
static void test_batchnorm_fold(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[2]; b = batchnorm(x); s = sign(b); output b, s;");
    float gamma[2] = {2, -1}, beta[2] = {0.5f, 0}, mean[2] = {1, 1}, var[2] = {0.999f, 3.999f};
    StTensor st[4] = {
        {"b.gamma", "F32", 1, {2}, gamma, 8},
        {"b.beta", "F32", 1, {2}, beta, 8},
        {"b.mean", "F32", 1, {2}, mean, 8},
        {"b.variance", "F32", 1, {2}, var, 8},
    };
    const char *p = tmp_path("bn.safetensors");
    st_write(p, st, 4);
    assert_true(weights_load(&t.r.c, t.g, p, &t.w));
    float x[2] = {3, 2};
    Tensor in = tf(x, 2), out[2];
    net_run(&t, &in, out);
    /* 2 * (3 - 1) + 0.5 = 4.5; -(2 - 1) / 2 = -0.5 */
    assert_true(fabsf(out[0].f[0] - 4.5f) < 1e-5f);
    assert_true(fabsf(out[0].f[1] + 0.5f) < 1e-5f);
    /* Exactly (float)x * scale + shift, rounded twice. */
    const LayerParams *lp = weights_get(&t.w, "b");
    for (int i = 0; i < 2; i++) {
        float prod = x[i] * lp->scale[i];
        float y = prod + lp->shift[i];
        expect_f(&(Tensor){.type = DT_F32, .n = 1, .f = &out[0].f[i]}, &y, 1);
    }
    expect_b(&out[1], (int8_t[]){1, -1}, 2);
    run_free(&t.r);
    tmp_cleanup();
}

/* sign(0) = +1, sign(-0.0) = +1, NaN gives -1; sign of i32 and u8. */
static void test_sign(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[5]; input k : i32[3]; input u : u8[2];\n"
                    "s = sign(x); t = sign(k); v = sign(u); w = sign(s); output s, t, v, w;");
    float x[5] = {0.0f, -0.0f, -1e-30f, NAN, 7};
    int32_t k[3] = {0, -1, 5};
    uint8_t u[2] = {0, 200};
    Tensor in[3] = {tf(x, 5), ti(k, 3), {.type = DT_U8, .n = 2, .u = u}}, out[4];
    net_run(&t, in, out);
    expect_b(&out[0], (int8_t[]){1, 1, -1, -1, 1}, 5);
    expect_b(&out[1], (int8_t[]){1, -1, 1}, 3);
    expect_b(&out[2], (int8_t[]){1, 1}, 2);
    expect_b(&out[3], (int8_t[]){1, 1, -1, -1, 1}, 5);
    run_free(&t.r);
}

static void test_prelu_relu_hardtanh(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[1, 2, 2]; input k : i32[2];\n"
                    "p = prelu(x); r = relu(x); h = hardtanh(x); q = relu(k);\n"
                    "output p, r, h, q;");
    float alpha[2] = {0.25f, 2};
    t.lp[0] = (LayerParams){.layer = "p", .alpha = alpha, .nc = 2};
    t.w.n = 1;
    float x[4] = {-4, -1, 3, -0.0f};
    int32_t k[2] = {-3, 3};
    Tensor in[2] = {tf(x, 4), ti(k, 2)}, out[4];
    net_run(&t, in, out);
    /* channel 0: -4 * 0.25, 3; channel 1: -1 * 2, -0.0 >= 0 stays -0.0 */
    expect_f(&out[0], (float[]){-1, -2, 3, -0.0f}, 4);
    /* relu(-0.0) is +0.0 */
    expect_f(&out[1], (float[]){0, 0, 3, 0.0f}, 4);
    expect_f(&out[2], (float[]){-1, -1, 1, -0.0f}, 4);
    expect_f(&out[3], (float[]){0, 3}, 2);
    run_free(&t.r);
}

/* prelu with per_element = yes: alpha[i] for element i, whatever its
 * channel; a per-channel prelu beside it reads alpha[i % C]. A wrong
 * number of alphas is an error naming the layer. */
static void test_prelu_per_element(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[1, 2, 2];\n"
                    "p = prelu(x, per_element = yes); q = prelu(x); output p, q;");
    float alpha[4] = {0.5f, 2, 4, -1}, beta[2] = {3, 10};
    t.lp[0] = (LayerParams){.layer = "p", .alpha = alpha, .nc = 4};
    t.lp[1] = (LayerParams){.layer = "q", .alpha = beta, .nc = 2};
    t.w.n = 2;
    float x[4] = {-4, -1, -3, 5};
    Tensor in[1] = {tf(x, 4)}, out[2];
    net_run(&t, in, out);
    /* per element: -4 * 0.5, -1 * 2, -3 * 4, 5 stays */
    expect_f(&out[0], (float[]){-2, -2, -12, 5}, 4);
    /* per channel: -4 * 3, -1 * 10, -3 * 3, 5 */
    expect_f(&out[1], (float[]){-12, -10, -9, 5}, 4);
    run_free(&t.r);

    net_compile(&t, "input x : f32[1, 2, 2];\n"
                    "p = prelu(x, per_element = yes); output p;");
    t.lp[0] = (LayerParams){.layer = "p", .alpha = beta, .nc = 2};
    t.w.n = 1;
    Tensor in2[1] = {tf(x, 4)}, out2[1];
    if (interp_run(&t.r.c, t.g, &t.w, in2, out2))
        fail_msg("two alphas for four elements ran");
    fflush(t.r.err);
    assert_non_null(strstr(t.r.diag, "no parameters for layer 'p' (prelu): its alpha is "
                                     "missing or of the wrong size"));
    run_free(&t.r);
}

/* Output channel c * 2 + m reads channel c: x = [3, 5] at one pixel,
 * w[c][m] = [[1, 2], [10, 20]]: 3, 6, 50, 100. */
static void test_depthwise_multiplier(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[1, 1, 2]; d = depthwise_conv2d(x, kernel = 1, multiplier = 2);\n"
                    "input y : f32[2, 2, 2];\n"
                    "e = depthwise_conv2d(y, kernel = 2, padding = same);\n"
                    "output d, e;");
    float w[4] = {1, 2, 10, 20};
    /* e: w[ky][kx][c]: channel 0 sums its window, channel 1 takes 10 times its
     * top-left tap; pad_top = 0, so the windows reach right and down. */
    float we[8] = {1, 10, 1, 0, 1, 0, 1, 0};
    net_weights(&t, "d", w, 4);
    net_weights(&t, "e", we, 8);
    float x[2] = {3, 5};
    float y[8] = {1, 2, 3, 4, 5, 6, 7, 8}; /* channel 0: 1 3 5 7; channel 1: 2 4 6 8 */
    Tensor in[2] = {tf(x, 2), tf(y, 8)}, out[2];
    net_run(&t, in, out);
    expect_f(&out[0], (float[]){3, 6, 50, 100}, 4);
    expect_f(&out[1], (float[]){16, 20, 10, 40, 12, 60, 7, 80}, 8);
    run_free(&t.r);
}

/* groups = 2: filter 0 reads channels 0-1, filter 1 channels 2-3.
 * w[ci][co] = [[1, 10], [2, 100]] on x = [1, 2, -3, 4]: 1*1 + 2*2 = 5,
 * -3*10 + 4*100 = 370. */
static void test_grouped_conv(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[1, 1, 4]; y = conv2d(x, filters = 2, kernel = 1, groups = 2);\n"
                    "s = sign(x); b = bconv2d(s, filters = 2, kernel = 1, groups = 2);\n"
                    "output y, b;");
    float w[4] = {1, 10, 2, 100}, wb[4] = {1, -1, 1, -1};
    net_weights(&t, "y", w, 4);
    net_weights(&t, "b", wb, 4);
    float x[4] = {1, 2, -3, 4};
    Tensor in = tf(x, 4), out[2];
    net_run(&t, &in, out);
    expect_f(&out[0], (float[]){5, 370}, 2);
    /* b: s = [1, 1, -1, 1], w = [[1, -1], [1, -1]]: 1 + 1 = 2; 1 - 1 = 0 */
    expect_i(&out[1], (int32_t[]){2, 0}, 2);
    run_free(&t.r);
}

/* stride 2, dilation 2 on a 5x5 input 0..24, w = [[1, 0], [0, 1]]:
 * x(2oy, 2ox) + x(2oy + 2, 2ox + 2): 0+12, 2+14, 10+22, 12+24. */
static void test_stride_dilation(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[5, 5, 1];\n"
                    "y = conv2d(x, filters = 1, kernel = 2, stride = 2, dilation = 2);\n"
                    "z = conv2d(x, filters = 1, kernel = 2, stride = (1, 3));\n"
                    "output y, z;");
    float w[4] = {1, 0, 0, 1};
    net_weights(&t, "y", w, 4);
    net_weights(&t, "z", w, 4);
    float x[25];
    for (int i = 0; i < 25; i++)
        x[i] = (float)i;
    Tensor in = tf(x, 25), out[2];
    net_run(&t, &in, out);
    expect_f(&out[0], (float[]){12, 16, 32, 36}, 4);
    /* z: [4, 2]: x(oy, 3ox) + x(oy + 1, 3ox + 1) = 2 * (5oy + 3ox) + 6 */
    expect_f(&out[1], (float[]){6, 12, 16, 22, 26, 32, 36, 42}, 8);
    run_free(&t.r);
}

/* Float sums run in order with every step rounded: (1e8 + 1) - 1e8 is 0
 * in float (1e8 + 1 rounds to 1e8), where reassociation would give 1. */
static void test_float_order(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3]; y = dense(x, units = 2); output y;");
    float w[6] = {1, 1, 1, 0, -1, 1};
    net_weights(&t, "y", w, 6);
    float x[3] = {1e8f, 1, 1e8f};
    Tensor in = tf(x, 3), out;
    net_run(&t, &in, &out);
    /* unit 0: 1e8 + 1 - 1e8 = 0; unit 1: 1e8 + 0 + 1e8 = 2e8 */
    expect_f(&out, (float[]){0, 2e8f}, 2);
    run_free(&t.r);
}

/* The passes' threshold gives what sign(batchnorm(x)) gave, on i32 input. */
static void test_threshold(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : i32[4]; a = sign(batchnorm(x)); output a;");
    float scale[4] = {0.5f, -0.5f, 1, 0}, shift[4] = {-1, 1, 0, -0.0f};
    net_affine(&t, "a.batchnorm", scale, shift, 4);
    int32_t x[4] = {2, 3, -1, 9};
    Tensor in = ti(x, 4), before, after;
    net_run(&t, &in, &before);
    /* 0.5*2 - 1 = 0 -> +1; -1.5 + 1 -> -1; -1 -> -1; 0 + -0.0 = 0 -> +1 */
    expect_b(&before, (int8_t[]){1, -1, -1, 1}, 4);
    assert_true(run_passes(&t.r, NULL, 0));
    assert_int_equal(((IrNode *)t.g->outputs.v[0])->op, OP_THRESHOLD);
    net_run(&t, &in, &after);
    expect_b(&after, (int8_t[]){1, -1, -1, 1}, 4);
    run_free(&t.r);
}

/* A whole example with random weights: the outputs have the network's
 * size, and the same seed gives the same bits. */
static void test_example_lenet(void **state) {
    (void)state;
    Run r;
    run_file(&r, BNNC_TEST_EXAMPLES "/lenet_bin.bnn", false);
    assert_true(r.ok);
    IrGraph *g = r.m.graphs.v[0];
    float x[784];
    for (int i = 0; i < 784; i++)
        x[i] = (float)((i * 37) % 101) / 101.0f;
    Tensor in = tf(x, 784), a, b;
    Weights w;
    weights_random(&r.c, g, 9, &w);
    assert_true(interp_run(&r.c, g, &w, &in, &a));
    assert_true(interp_run(&r.c, g, &w, &in, &b));
    assert_int_equal(a.type, DT_F32);
    assert_int_equal(a.n, 10);
    assert_memory_equal(a.f, b.f, 40);
    for (int i = 0; i < 10; i++)
        assert_true(isfinite(a.f[i]));
    run_free(&r);
}

static void test_input_errors(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3]; input s : b1[2]; y = relu(x); output y, s;");
    float x[3] = {1, 2, 3};
    int8_t s[2] = {1, 0};
    Tensor in[2] = {ti((int32_t *)x, 3), tb(s, 2)}, out[2];
    assert_false(interp_run(&t.r.c, t.g, &t.w, in, out));
    fflush(t.r.err);
    assert_non_null(strstr(t.r.diag, "input 'x' is i32 with 3 elements; network 'n' wants "
                                      "f32[3] (3)"));
    in[0] = tf(x, 3);
    assert_false(interp_run(&t.r.c, t.g, &t.w, in, out));
    fflush(t.r.err);
    assert_non_null(strstr(t.r.diag, "input 's' holds 0 at element 1"));
    s[1] = -1;
    assert_true(interp_run(&t.r.c, t.g, &t.w, in, out));
    /* An input that is an output comes back as it went in. */
    expect_b(&out[1], (int8_t[]){1, -1}, 2);
    run_free(&t.r);
}

/* interp_run_into writes the outputs into the caller's arrays, the same
 * values interp_run gives; a destination of another type or size is an
 * error, not an overrun. */
static void test_run_into(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3]; y = dense(x, units = 2); s = sign(y); output y, s;");
    float w[6] = {1, -1, 2, 0.5f, -3, 1};
    net_weights(&t, "y", w, 6);
    float x[3] = {1, 2, 3};
    Tensor in = tf(x, 3), out[2];
    net_run(&t, &in, out);
    /* y = (1 + 4 - 9, -1 + 1 + 3) = (-4, 3) */
    expect_f(&out[0], (float[]){-4, 3}, 2);
    expect_b(&out[1], (int8_t[]){-1, 1}, 2);
    float yf[4] = {7, 7, 7, 7};
    int8_t sb[4] = {0, 0, 0, 0};
    Tensor into[2] = {tf(yf + 1, 2), tb(sb + 1, 2)};
    assert_true(interp_run_into(&t.r.c, t.g, &t.w, &in, into));
    assert_true(yf[0] == 7 && yf[1] == -4 && yf[2] == 3 && yf[3] == 7);
    assert_true(sb[0] == 0 && sb[1] == -1 && sb[2] == 1 && sb[3] == 0);
    into[1] = tb(sb, 3);
    assert_false(interp_run_into(&t.r.c, t.g, &t.w, &in, into));
    into[1] = tf(yf, 2);
    assert_false(interp_run_into(&t.r.c, t.g, &t.w, &in, into));
    fflush(t.r.err);
    assert_non_null(strstr(t.r.diag, "internal error: no room for output 's' (b1, 2 elements)"));
    assert_true(sb[0] == 0 && sb[3] == 0);
    run_free(&t.r);
}

/* The batch rule of `bnnc run` (docs/weights.md section 3): which arrays
 * are a batch for an input, how many items, and the shape of the stacked
 * outputs. */
static void test_batch_rule(void **state) {
    (void)state;
    Shape s2 = {1, {2}}, s3 = {3, {28, 28, 1}}, s1 = {3, {1, 4, 2}}, one = {1, {1}};
    struct {
        const Shape *s;
        int rank;
        int64_t dims[4];
        BatchKind kind;
        int64_t items;
    } c[] = {
        {&s2, 1, {2}, BATCH_ONE, 1},
        {&s2, 2, {5, 2}, BATCH_STACKED, 5},
        {&s2, 2, {1, 2}, BATCH_STACKED, 1},
        {&s2, 2, {0, 2}, BATCH_STACKED, 0},
        {&s2, 1, {3}, BATCH_NONE, 0},
        {&s2, 2, {5, 3}, BATCH_NONE, 0},
        {&s2, 3, {5, 1, 2}, BATCH_NONE, 0},
        {&s3, 3, {28, 28, 1}, BATCH_ONE, 1},
        {&s3, 4, {7, 28, 28, 1}, BATCH_STACKED, 7},
        {&s3, 3, {7, 28, 1}, BATCH_NONE, 0},      /* 28 is not 1: no batch axis */
        {&s1, 3, {1, 4, 2}, BATCH_ONE, 1},
        {&s1, 3, {6, 4, 2}, BATCH_AXIS, 6},
        {&s1, 3, {0, 4, 2}, BATCH_AXIS, 0},
        {&s1, 4, {6, 1, 4, 2}, BATCH_STACKED, 6},
        {&s1, 4, {6, 2, 4, 2}, BATCH_NONE, 0},
        {&s1, 3, {6, 4, 3}, BATCH_NONE, 0},
        {&s1, 2, {4, 2}, BATCH_NONE, 0},
        {&one, 1, {9}, BATCH_AXIS, 9},
        {&one, 2, {9, 1}, BATCH_STACKED, 9},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        int64_t items = -1;
        BatchKind k = run_batch_kind(c[i].s, c[i].rank, c[i].dims, &items);
        if (k != c[i].kind || items != c[i].items)
            fail_msg("case %zu: kind %d, %lld items; want %d, %lld", i, (int)k,
                     (long long)items, (int)c[i].kind, (long long)c[i].items);
    }
    /* Outputs: [1, 10] and [10] for each way of giving 4 items. */
    Shape o1 = {2, {1, 10}}, o = {1, {10}};
    struct {
        BatchKind kind;
        const Shape *out;
        int rank;
        int64_t dims[4];
    } w[] = {
        {BATCH_ONE, &o1, 2, {1, 10}},     {BATCH_ONE, &o, 1, {10}},
        {BATCH_STACKED, &o1, 3, {4, 1, 10}}, {BATCH_STACKED, &o, 2, {4, 10}},
        {BATCH_AXIS, &o1, 2, {4, 10}},    {BATCH_AXIS, &o, 2, {4, 10}},
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        int rank;
        int64_t dims[8];
        run_batch_shape(w[i].kind, w[i].kind == BATCH_ONE ? 1 : 4, w[i].out, &rank, dims);
        assert_int_equal(rank, w[i].rank);
        for (int k = 0; k < rank; k++)
            assert_int_equal(dims[k], w[i].dims[k]);
    }
}

static void test_missing_params(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3]; y = dense(x, units = 2); output y;");
    float w[5] = {0};
    float x[3] = {1, 2, 3};
    Tensor in = tf(x, 3), out;
    assert_false(interp_run(&t.r.c, t.g, &t.w, &in, &out));
    net_weights(&t, "y", w, 5);
    assert_false(interp_run(&t.r.c, t.g, &t.w, &in, &out));
    fflush(t.r.err);
    assert_non_null(strstr(t.r.diag, "no parameters for layer 'y' (dense): none are given"));
    assert_non_null(strstr(t.r.diag, "its weights are missing or of the wrong size"));
    run_free(&t.r);
}

/* thresholds on an i32 of 2 channels, levels 3: T = [-1, 0, 2] and [5, 5, 7].
 * Not strict (x >= T): x = (-2, 5) -> (0, 2); (0, 7) -> (2, 3); (2, 4) -> (3, 0).
 * Strict (x > T): (-2, 5) -> (0, 0); (0, 7) -> (1, 2); (2, 4) -> (2, 0).
 * One level, T = [0] and [5]: (-2, 5) -> (-1, +1), (0, 7) -> (+1, +1),
 * (2, 4) -> (+1, -1); strict: (-1, -1), (-1, +1), (+1, -1). */
static void test_thresholds(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input k : i32[3, 1, 2];\n"
                    "a = thresholds(k, levels = 3); b = thresholds(k, levels = 3, strict = yes);\n"
                    "c = thresholds(k); d = thresholds(k, strict = yes); output a, b, c, d;");
    float t3[6] = {-1, 0, 2, 5, 5, 7}, t1[2] = {0, 5};
    net_weights(&t, "a", t3, 6);
    net_weights(&t, "b", t3, 6);
    net_weights(&t, "c", t1, 2);
    net_weights(&t, "d", t1, 2);
    int32_t k[6] = {-2, 5, 0, 7, 2, 4};
    Tensor in = ti(k, 6), out[4];
    net_run(&t, &in, out);
    assert_int_equal(out[0].type, DT_U8);
    assert_memory_equal(out[0].u, ((uint8_t[]){0, 2, 2, 3, 3, 0}), 6);
    assert_int_equal(out[1].type, DT_U8);
    assert_memory_equal(out[1].u, ((uint8_t[]){0, 0, 1, 2, 2, 0}), 6);
    expect_b(&out[2], (int8_t[]){-1, 1, 1, 1, 1, -1}, 6);
    expect_b(&out[3], (int8_t[]){-1, -1, -1, 1, 1, -1}, 6);
    run_free(&t.r);
}

/* A threshold between integers: x >= 1.5 is x >= 2, x > 1.5 also. */
static void test_thresholds_fraction(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input k : i32[3];\n"
                    "a = thresholds(k, levels = 2); b = thresholds(k, levels = 2, strict = yes);\n"
                    "output a, b;");
    float tk[6] = {1.5f, 1.5f, -0.5f, 3, -3, -2.5f}; /* channels 0, 1, 2: two each */
    net_weights(&t, "a", tk, 6);
    net_weights(&t, "b", tk, 6);
    int32_t k[3] = {2, 3, -3};
    Tensor in = ti(k, 3), out[2];
    net_run(&t, &in, out);
    /* a: 2 >= 1.5 twice: 2; 3 >= -0.5 and 3 >= 3: 2; -3 >= -3, not >= -2.5: 1. */
    assert_memory_equal(out[0].u, ((uint8_t[]){2, 2, 1}), 3);
    /* b: 2 > 1.5 twice: 2; 3 > -0.5, not > 3: 1; -3 > neither: 0. */
    assert_memory_equal(out[1].u, ((uint8_t[]){2, 1, 0}), 3);
    run_free(&t.r);
}

/* bdense and bconv2d on a u8 input: the integer dot product with the
 * -1/+1 weights. x = (3, 0, 2, 1), w = (+1, -1, -1, +1): 3 - 2 + 1 = 2;
 * w' = (-1, +1, +1, +1): -3 + 2 + 1 = 0. */
static void test_bitserial_dense(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input u : u8[4]; d = bdense(u, units = 2); output d;");
    float w[8] = {1, -1, -1, 1, -1, 1, 1, 1}; /* [n][u] */
    net_weights(&t, "d", w, 8);
    uint8_t u[4] = {3, 0, 2, 1};
    Tensor in = {.type = DT_U8, .n = 4, .u = u}, out;
    net_run(&t, &in, &out);
    expect_i(&out, (int32_t[]){2, 0}, 2);
    run_free(&t.r);
}

/* A 2x2 bconv2d of a 2x2 u8 input (1, 2 / 3, 0) with w = (+1, -1 / -1, +1):
 * valid: 1 - 2 - 3 + 0 = -4. same and same_one pad one row and column at
 * the bottom and right with p (0, or 1): (0,1) reads (2, p / 0, p):
 * 2 - p - 0 + p = 2; (1,0) reads (3, 0 / p, p): 3 - 0 - p + p = 3; (1,1)
 * reads (0, p / p, p): -p, so 0 with same and -1 with same_one. */
static void test_bitserial_conv(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input u : u8[2, 2, 1];\n"
                    "a = bconv2d(u, filters = 1, kernel = 2);\n"
                    "b = bconv2d(u, filters = 1, kernel = 2, padding = same);\n"
                    "c = bconv2d(u, filters = 1, kernel = 2, padding = same_one);\n"
                    "output a, b, c;");
    float w[4] = {1, -1, -1, 1};
    net_weights(&t, "a", w, 4);
    net_weights(&t, "b", w, 4);
    net_weights(&t, "c", w, 4);
    uint8_t u[4] = {1, 2, 3, 0};
    Tensor in = {.type = DT_U8, .n = 4, .u = u}, out[3];
    net_run(&t, &in, out);
    expect_i(&out[0], (int32_t[]){-4}, 1);
    expect_i(&out[1], (int32_t[]){-4, 2, 3, 0}, 4);
    expect_i(&out[2], (int32_t[]){-4, 2, 3, -1}, 4);
    run_free(&t.r);
}

/* bias = yes and scaled = yes: the dot product, times the scale, plus the
 * bias, per output channel; a binary dot product becomes f32. */
static void test_bias_scale(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3, 3, 1]; input v : f32[3];\n"
                    "c = conv2d(x, filters = 1, kernel = 2, bias = yes);\n"
                    "s = sign(v);\n"
                    "d = bdense(s, units = 2, scaled = yes, bias = yes);\n"
                    "e = bdense(v, units = 2, scaled = yes);\n"
                    "f = bdense(s, units = 2, bias = yes);\n"
                    "k = depthwise_conv2d(x, kernel = 2, multiplier = 2, bias = yes);\n"
                    "output c, d, e, f, k;");
    float bias_c[1] = {0.5f}, w[6] = {1, 1, -1, 1, 1, 1}, scale_d[2] = {0.5f, -2},
          bias_d[2] = {0.25f, 1}, scale_e[2] = {2, 0.5f}, bias_f[2] = {-3.5f, 0.125f},
          wk[8] = {1, -1, 2, -2, 3, -3, 4, -4}, bias_k[2] = {1, 100};
    net_weights(&t, "c", w4, 4);
    net_epi(&t, bias_c, NULL, 1);
    net_weights(&t, "d", w, 6);
    net_epi(&t, bias_d, scale_d, 2);
    net_weights(&t, "e", w, 6);
    net_epi(&t, NULL, scale_e, 2);
    net_weights(&t, "f", w, 6);
    net_epi(&t, bias_f, NULL, 2);
    net_weights(&t, "k", wk, 8);
    net_epi(&t, bias_k, NULL, 2);
    float v[3] = {0.5f, -2, 0};
    Tensor in[2] = {tf(x9, 9), tf(v, 3)}, out[5];
    net_run(&t, in, out);
    /* test_conv_valid's 37, 47, 67, 77, plus 0.5 */
    expect_f(&out[0], (float[]){37.5f, 47.5f, 67.5f, 77.5f}, 4);
    /* s = [+1, -1, +1]: dot products 3 and 1 (test_bdense); 3 * 0.5 + 0.25,
     * 1 * -2 + 1 */
    expect_f(&out[1], (float[]){1.75f, -1}, 2);
    /* float input: 2.5 and -1.5 (test_bdense), times 2 and 0.5 */
    expect_f(&out[2], (float[]){5, -0.75f}, 2);
    /* a bias alone: 3 - 3.5, 1 + 0.125 */
    expect_f(&out[3], (float[]){-0.5f, 1.125f}, 2);
    /* depthwise, multiplier 2: channel m = 0 has weights 1, 2, 3, 4 (the
     * 37, 47, 67, 77 of test_conv_valid) plus 1; m = 1 the negatives plus
     * 100 */
    expect_f(&out[4], (float[]){38, 63, 48, 53, 68, 33, 78, 23}, 8);
    run_free(&t.r);
}

/* The epilogue's order and roundings: (float)dot * scale rounded, then
 * + bias rounded, never fused: with dot 3, scale 0.1f and bias -0.3f the
 * product rounds to 0.3f exactly, so the output is +0.0; fused (one
 * rounding) it would be -7.450581e-09. */
static void test_bias_scale_order(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input v : b1[3];\n"
                    "d = bdense(v, units = 1, scaled = yes, bias = yes); output d;");
    float w[3] = {1, 1, 1}, scale[1] = {0.1f}, bias[1] = {-0.3f};
    net_weights(&t, "d", w, 3);
    net_epi(&t, bias, scale, 1);
    int8_t v[3] = {1, 1, 1};
    Tensor in = tb(v, 3), out;
    net_run(&t, &in, &out);
    expect_f(&out, (float[]){0.0f}, 1);
    run_free(&t.r);
}

/* conv2d and dense with float weights on a b1 input (Larq's
 * kernel_quantizer = None after ste_sign): each bit is -1.0 or +1.0. */
static void test_float_weights_b1(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3, 3, 1]; input v : f32[3];\n"
                    "s = sign(x); c = conv2d(s, filters = 1, kernel = 2);\n"
                    "u = sign(v); d = dense(u, units = 2); output c, d;");
    float wd[6] = {0.5f, 1, 2, -1, 0.25f, 3};
    net_weights(&t, "c", w4, 4);
    net_weights(&t, "d", wd, 6);
    float x[9] = {-4, -3, -2, -1, 0, 1, 2, 3, 4}, v[3] = {0.5f, -2, 0};
    Tensor in[2] = {tf(x, 9), tf(v, 3)}, out[2];
    net_run(&t, in, out);
    /* s = [-1 -1 -1; -1 +1 +1; +1 +1 +1] (sign(0) = +1) with w = [1 2; 3 4]:
     * -1-2-3+4 = -2, -1-2+3+4 = 4, -1+2+3+4 = 8, 1+2+3+4 = 10 */
    expect_f(&out[0], (float[]){-2, 4, 8, 10}, 4);
    /* u = [+1, -1, +1]: 0.5 - 2 + 0.25 = -1.25, 1 + 1 + 3 = 5 */
    expect_f(&out[1], (float[]){-1.25f, 5}, 2);
    run_free(&t.r);
}

/* batchnorm's epsilon, center = no (no beta) and scale = no (no gamma),
 * folded from a safetensors file. */
static void test_batchnorm_options(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[2];\n"
                    "a = batchnorm(x, epsilon = 0.5, center = no);\n"
                    "b = batchnorm(x, scale = no, epsilon = 1e-5);\n"
                    "c = batchnorm(x, center = no, scale = no);\n"
                    "output a, b, c;");
    float gamma[2] = {2, -1}, mean[2] = {1, 0}, var[2] = {1.5f, 3.5f}, beta[2] = {0.5f, -1},
          var_b[2] = {4, 0.25f}, var_c[2] = {0.999f, 8.999f};
    StTensor st[7] = {
        {"a.gamma", "F32", 1, {2}, gamma, 8},
        {"a.mean", "F32", 1, {2}, mean, 8},
        {"a.variance", "F32", 1, {2}, var, 8},
        {"b.beta", "F32", 1, {2}, beta, 8},
        {"b.mean", "F32", 1, {2}, mean, 8},
        {"b.variance", "F32", 1, {2}, var_b, 8},
        {"c.mean", "F32", 1, {2}, mean, 8},
    };
    StTensor st8[8];
    memcpy(st8, st, sizeof st);
    st8[7] = (StTensor){"c.variance", "F32", 1, {2}, var_c, 8};
    const char *p = tmp_path("bnopt.safetensors");
    st_write(p, st8, 8);
    assert_true(weights_load(&t.r.c, t.g, p, &t.w));
    /* a: variance + 0.5 = 2 and 4: scale 2 / sqrt(2) = sqrt(2), -1 / 2;
     * shift (beta = 0) -1 * 2 / sqrt(2) = -sqrt(2), -0 * -1 / 2 = 0 */
    const LayerParams *la = weights_get(&t.w, "a"), *lb = weights_get(&t.w, "b"),
                      *lc = weights_get(&t.w, "c");
    assert_true(la->scale[0] == (float)sqrt(2.0) && la->shift[0] == (float)-sqrt(2.0));
    assert_true(la->scale[1] == -0.5f && la->shift[1] == 0.0f);
    /* b: gamma = 1, epsilon 1e-5 (the double): scale 1 / sqrt(4.00001),
     * shift 0.5 - 1 / sqrt(4.00001); channel 1: 1 / sqrt(0.25001), -1 */
    assert_true(lb->scale[0] == (float)(1 / sqrt(4.0 + 1e-5)));
    assert_true(lb->shift[0] == (float)(0.5 - 1 / sqrt(4.0 + 1e-5)));
    assert_true(lb->scale[1] == (float)(1 / sqrt(0.25 + 1e-5)));
    assert_true(lb->shift[1] == -1.0f);
    assert_true(lb->scale[0] != 0.5f); /* the epsilon is not 0.001 */
    /* c: gamma 1, beta 0, epsilon 0.001: variance + epsilon = 1 and 9 in
     * double (0.999f + 0.001 is within a float's rounding of 1) */
    assert_true(lc->scale[0] == (float)(1 / sqrt((double)0.999f + 0.001)));
    assert_true(fabsf(lc->scale[1] - 1.0f / 3) < 1e-6f);
    assert_true(lc->shift[0] == (float)(-1 / sqrt((double)0.999f + 0.001)));
    float x[2] = {3, 2};
    Tensor in = tf(x, 2), out[3];
    net_run(&t, &in, out);
    float pa = 3 * la->scale[0], ya = pa + la->shift[0];
    assert_true(out[0].f[0] == ya);
    assert_true(fabsf(out[0].f[0] - 2 * (float)sqrt(2.0)) < 1e-5f);
    assert_true(out[0].f[1] == -1.0f);
    assert_true(fabsf(out[1].f[0] - (0.5f + 1.0f)) < 1e-5f); /* (3 - 1) / 2 + 0.5 */
    assert_true(fabsf(out[2].f[1] - 2.0f / 3) < 1e-5f);      /* (2 - 0) / 3 */
    run_free(&t.r);
    tmp_cleanup();
}

/* The interpreter refuses a layer whose bias or scale is missing. */
static void test_missing_bias(void **state) {
    (void)state;
    Net t;
    net_compile(&t, "input x : f32[3]; y = dense(x, units = 2, bias = yes);\n"
                    "s = sign(x); z = bdense(s, units = 2, scaled = yes); output y, z;");
    float w[6] = {0}, b[2] = {0};
    float x[3] = {1, 2, 3};
    Tensor in = tf(x, 3), out[2];
    net_weights(&t, "y", w, 6);
    net_weights(&t, "z", w, 6);
    assert_false(interp_run(&t.r.c, t.g, &t.w, &in, out));
    t.lp[0].bias = b;
    t.lp[0].nout = 2;
    assert_false(interp_run(&t.r.c, t.g, &t.w, &in, out));
    fflush(t.r.err);
    assert_non_null(strstr(t.r.diag, "no parameters for layer 'y' (dense): its bias is missing"));
    assert_non_null(strstr(t.r.diag, "layer 'z' (bdense): its weight scale is missing"));
    run_free(&t.r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_thresholds_fraction),
        cmocka_unit_test(test_bitserial_dense),
        cmocka_unit_test(test_bitserial_conv),
        cmocka_unit_test(test_conv_valid),
        cmocka_unit_test(test_conv_same),
        cmocka_unit_test(test_bconv_padding),
        cmocka_unit_test(test_bdense),
        cmocka_unit_test(test_maxpool_types),
        cmocka_unit_test(test_avgpool),
        cmocka_unit_test(test_global_avgpool),
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_concat_flatten),
        cmocka_unit_test(test_softmax),
        cmocka_unit_test(test_ranks),
        cmocka_unit_test(test_reshape_transpose),
        cmocka_unit_test(test_mul_sigmoid),
        cmocka_unit_test(test_slice_pad),
        cmocka_unit_test(test_batchnorm_fold),
        cmocka_unit_test(test_sign),
        cmocka_unit_test(test_prelu_relu_hardtanh),
        cmocka_unit_test(test_prelu_per_element),
        cmocka_unit_test(test_depthwise_multiplier),
        cmocka_unit_test(test_grouped_conv),
        cmocka_unit_test(test_stride_dilation),
        cmocka_unit_test(test_float_order),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_example_lenet),
        cmocka_unit_test(test_input_errors),
        cmocka_unit_test(test_missing_params),
        cmocka_unit_test(test_run_into),
        cmocka_unit_test(test_batch_rule),
        cmocka_unit_test(test_bias_scale),
        cmocka_unit_test(test_bias_scale_order),
        cmocka_unit_test(test_float_weights_b1),
        cmocka_unit_test(test_batchnorm_options),
        cmocka_unit_test(test_missing_bias),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
