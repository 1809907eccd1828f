/*
 * test_shapes.c: shape and precision inference. Every expected shape is
 * computed by hand in the comment next to it, from the formulas in
 * docs/language.md section 4:
 *   valid:      out = floor((in - dilation*(k-1) - 1) / stride) + 1
 *   same(_one): out = ceil(in / stride)
 */
#include "support.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void test_conv(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork n {\n input x : f32[28, 28, 1];\n"
                   " a = conv2d(x, filters = 32, kernel = 3);\n"                 /* 28-2 = 26 */
                   " b = conv2d(x, filters = 8, kernel = 3, stride = 2, padding = same);\n" /* ceil(28/2) = 14 */
                   " c = conv2d(x, filters = 4, kernel = 3, dilation = 2);\n"    /* 28-4-1+1 = 24 */
                   " d = conv2d(x, filters = 4, kernel = (5, 1), stride = (1, 3));\n" /* H 24, W floor(27/3)+1 = 10 */
                   " e = conv2d(x, filters = 2, kernel = 7, stride = 2, padding = same_one);\n" /* 14 */
                   " f = conv2d(x, filters = 6, kernel = 28);\n"                 /* 1 */
                   " output a, b, c, d, e, f;\n}\n");
    assert_true(r.ok);
    assert_shape(&r, "a", 3, 26, 26, 32);
    assert_shape(&r, "b", 3, 14, 14, 8);
    assert_shape(&r, "c", 3, 24, 24, 4);
    assert_shape(&r, "d", 3, 24, 10, 4);
    assert_shape(&r, "e", 3, 14, 14, 2);
    assert_shape(&r, "f", 3, 1, 1, 6);
    assert_int_equal(find_node(&r, "a")->type, DT_F32);
    assert_int_equal(find_node(&r, "a")->weights, W_FLOAT);
    run_free(&r);
}

static void test_binary_precision(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork n {\n input x : f32[32, 32, 3];\n"
                   " w = bconv2d(x, filters = 16, kernel = 3, padding = same);\n" /* float in, binary w */
                   " s = sign(w);\n"
                   " b = bconv2d(s, filters = 16, kernel = 3, padding = same_one);\n"
                   " p = maxpool(s, size = 2);\n"                 /* keeps b1; 16x16 */
                   " f = flatten(p);\n"                           /* 16*16*16 = 4096 */
                   " d = bdense(f, units = 10);\n"
                   " output b, d;\n}\n");
    assert_true(r.ok);
    IrNode *w = find_node(&r, "w"), *b = find_node(&r, "b"), *d = find_node(&r, "d");
    assert_int_equal(w->in_type, DT_F32);
    assert_int_equal(w->weights, W_BINARY);
    assert_int_equal(w->type, DT_F32);
    assert_int_equal(b->in_type, DT_B1);
    assert_int_equal(b->type, DT_I32);
    assert_int_equal(find_node(&r, "p")->type, DT_B1);
    assert_shape(&r, "f", 1, 4096, 0, 0);
    assert_int_equal(find_node(&r, "f")->type, DT_B1);
    assert_int_equal(d->type, DT_I32);
    assert_shape(&r, "d", 1, 10, 0, 0);
    run_free(&r);
}

static void test_other_ops(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork n {\n input x : f32[10, 10, 8];\n"
                   " dw = depthwise_conv2d(x, kernel = 3, multiplier = 2);\n" /* 8x8x16 */
                   " g = conv2d(x, filters = 12, kernel = 1, groups = 4);\n"  /* 10x10x12 */
                   " mp = maxpool(x, size = 3, stride = 2);\n"              /* floor(7/2)+1 = 4 */
                   " ap = avgpool(x, size = 2, padding = same);\n"          /* 5 */
                   " gp = global_avgpool(x);\n"                             /* [8] */
                   " cc = concat(x, g, x);\n"                               /* 8+12+8 = 28 */
                   " ad = add(x, relu(x));\n"
                   " sm = softmax(dense(gp, units = 3));\n"
                   " h = hardtanh(prelu(x));\n"
                   " output dw, mp, ap, cc, ad, sm, h;\n}\n");
    assert_true(r.ok);
    assert_shape(&r, "dw", 3, 8, 8, 16);
    assert_shape(&r, "g", 3, 10, 10, 12);
    assert_shape(&r, "mp", 3, 4, 4, 8);
    assert_shape(&r, "ap", 3, 5, 5, 8);
    assert_shape(&r, "gp", 1, 8, 0, 0);
    assert_shape(&r, "cc", 3, 10, 10, 28);
    assert_shape(&r, "ad", 3, 10, 10, 8);
    assert_shape(&r, "sm", 1, 3, 0, 0);
    assert_shape(&r, "h", 3, 10, 10, 8);
    assert_int_equal(find_node(&r, "ap")->type, DT_F32);
    run_free(&r);
}

static void test_blocks_and_repeat(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\n"
                   "block down(v, f) {\n"
                   "  y = conv2d(v, filters = 2 * f, kernel = 3, stride = 2, padding = same);\n"
                   "  return relu(y);\n}\n"
                   "network n {\n input x : f32[64, 64, 4];\n"
                   " s = repeat 3 down(x, f = 4);\n" /* 64 -> 32 -> 16 -> 8, channels 8 */
                   " output s;\n}\n");
    assert_true(r.ok);
    assert_shape(&r, "s.0.y", 3, 32, 32, 8);
    assert_shape(&r, "s.1.y", 3, 16, 16, 8);
    assert_shape(&r, "s.2.y", 3, 8, 8, 8);
    assert_shape(&r, "s.2", 3, 8, 8, 8);
    /* input + 3 x (conv, relu) */
    assert_int_equal(((IrGraph *)r.m.graphs.v[0])->nodes.n, 7);
    /* The expanded conv remembers where it was called from. */
    IrNode *c = find_node(&r, "s.1.y");
    assert_non_null(c->origin);
    assert_int_equal(c->origin->call.line, 8);
    assert_int_equal(c->loc.line, 3);
    run_free(&r);
}

/* Fails unless the shape of `name` is [d...] (rank = number of dims). */
static void assert_dims(Run *r, const char *name, int rank, const int64_t *d) {
    IrNode *n = find_node(r, name);
    if (!n)
        fail_msg("no layer '%s'; messages:\n%s", name, r->diag);
    assert_int_equal(n->shape.rank, rank);
    for (int i = 0; i < rank; i++)
        if (n->shape.d[i] != d[i])
            fail_msg("'%s' dim %d: got %lld, want %lld", name, i, (long long)n->shape.d[i],
                     (long long)d[i]);
}
#define DIMS(...) (int)(sizeof((int64_t[]){__VA_ARGS__}) / 8), (int64_t[]){__VA_ARGS__}

/* Ranks 1 to 4: element-wise operations keep any shape, flatten and
 * concat (on the last axis) take any rank, the window operations and
 * dense keep theirs. */
static void test_ranks(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork n {\n input x : f32[1, 3, 32, 32];\n"
                   " input v : f32[1, 784];\n input m : i32[4, 10];\n"
                   " a = relu(batchnorm(x));\n"       /* [1,3,32,32] */
                   " s = sign(v);\n"                   /* b1[1,784] */
                   " f = flatten(x);\n"                /* 3*32*32 = 3072 */
                   " g = flatten(s);\n"                /* b1[784] */
                   " c = concat(m, m, m);\n"           /* [4, 30], i32 */
                   " d = add(m, m);\n"                 /* i32 [4,10] */
                   " o = softmax(prelu(v));\n"         /* [1,784] */
                   " output a, f, g, c, d, o;\n}\n");
    assert_true(r.ok);
    assert_dims(&r, "x", DIMS(1, 3, 32, 32));
    assert_dims(&r, "a", DIMS(1, 3, 32, 32));
    assert_dims(&r, "s", DIMS(1, 784));
    assert_int_equal(find_node(&r, "s")->type, DT_B1);
    assert_dims(&r, "f", DIMS(3072));
    assert_dims(&r, "g", DIMS(784));
    assert_int_equal(find_node(&r, "g")->type, DT_B1);
    assert_dims(&r, "c", DIMS(4, 30));
    assert_int_equal(find_node(&r, "c")->type, DT_I32);
    assert_dims(&r, "d", DIMS(4, 10));
    assert_int_equal(find_node(&r, "d")->type, DT_I32);
    assert_dims(&r, "o", DIMS(1, 784));
    /* b1 [1, 784] is one pixel of 784 channels; [4, 10] four of 10. */
    assert_int_equal(shape_pixels(&find_node(&r, "s")->shape), 1);
    assert_int_equal(shape_pixels(&find_node(&r, "c")->shape), 4);
    assert_int_equal(shape_pixels(&find_node(&r, "x")->shape), 96);
    run_free(&r);
    assert_error("bnn 1; network n { input x : f32[1, 3, 8, 8];\n"
                 " y = maxpool(x, size = 2); output y; }",
                 "'maxpool' needs an [H, W, C] input, but 'x' is f32[1,3,8,8]");
    assert_error("bnn 1; network n { input x : f32[1, 3, 8, 8];\n"
                 " y = global_avgpool(x); output y; }",
                 "'global_avgpool' needs an [H, W, C] input, but 'x' is f32[1,3,8,8]");
    assert_error("bnn 1; network n { input x : f32[1, 784];\n"
                 " y = dense(x, units = 2); output y; }",
                 "'dense' needs a flat input, but 'x' is f32[1,784]; use flatten()");
    assert_error("bnn 1; network n { input x : f32[2, 3]; input z : f32[3, 3];\n"
                 " y = concat(x, z); output y; }",
                 "shape mismatch in 'concat': 'x' is f32[2,3] but 'z' is f32[3,3]");
    assert_error("bnn 1; network n { input x : f32[1, 1, 1, 1, 1]; output x; }",
                 "input 'x' has 5 dimensions; an input has 1 to 4");
}

/* reshape keeps the elements; transpose's output axis k is input axis
 * perm[k]; both keep the element type. */
static void test_reshape_transpose(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork n {\n input x : f32[1, 3, 32, 32];\n input s : b1[6, 4];\n"
                   " t = transpose(x, perm = (0, 2, 3, 1));\n"  /* [1,32,32,3] */
                   " h = reshape(t, shape = (32, 32, 3));\n"    /* [32,32,3] */
                   " c = conv2d(h, filters = 2, kernel = 3);\n" /* [30,30,2] */
                   " q = transpose(x, perm = (3, 2, 1, 0));\n"  /* [32,32,3,1] */
                   " f = reshape(x, shape = 3072);\n"           /* [3072] */
                   " b = reshape(s, shape = (2, 3, 2, 2));\n"   /* b1 */
                   " u = transpose(s, perm = (1, 0));\n"        /* b1[4,6] */
                   " output c, q, f, b, u;\n}\n");
    assert_true(r.ok);
    assert_dims(&r, "t", DIMS(1, 32, 32, 3));
    assert_dims(&r, "h", DIMS(32, 32, 3));
    assert_dims(&r, "c", DIMS(30, 30, 2));
    assert_dims(&r, "q", DIMS(32, 32, 3, 1));
    assert_dims(&r, "f", DIMS(3072));
    assert_dims(&r, "b", DIMS(2, 3, 2, 2));
    assert_dims(&r, "u", DIMS(4, 6));
    assert_int_equal(find_node(&r, "h")->type, DT_F32);
    assert_int_equal(find_node(&r, "b")->type, DT_B1);
    assert_int_equal(find_node(&r, "u")->type, DT_B1);
    run_free(&r);
    const char *x = "bnn 1; network n { input x : f32[1, 3, 4, 4];\n";
    char src[256];
    snprintf(src, sizeof src, "%s y = reshape(x, shape = (4, 4, 4)); output y; }", x);
    assert_error(src, "'reshape' keeps the number of elements, but 'x' is f32[1,3,4,4] (48 "
                      "elements) and shape = (4, 4, 4) has 64");
    /* (2^31 - 1)^4 overflows 64 bits: counted as past the limit. */
    snprintf(src, sizeof src, "%s y = reshape(x, shape = (2147483647, 2147483647, 2147483647, "
                              "2147483647)); output y; }", x);
    assert_error(src, "(48 elements) and shape = (2147483647, 2147483647, 2147483647, "
                      "2147483647) has more than 2^40");
    snprintf(src, sizeof src, "%s y = reshape(x, shape = (48, 0)); output y; }", x);
    assert_error(src, "'shape' of 'reshape' has a dimension 0: (48, 0)");
    snprintf(src, sizeof src, "%s y = reshape(x, shape = (1, 3, 4, 4, 1)); output y; }", x);
    assert_error(src, "a tuple holds at most 4 integers");
    snprintf(src, sizeof src, "%s y = transpose(x, perm = (0, 1, 2)); output y; }", x);
    assert_error(src, "'perm' of 'transpose' has 3 axes, but 'x' is f32[1,3,4,4], of rank 4");
    snprintf(src, sizeof src, "%s y = transpose(x, perm = (0, 1, 2, 4)); output y; }", x);
    assert_error(src, "'perm' of 'transpose' must name each axis 0 to 3 once; (0, 1, 2, 4) is "
                      "not a permutation");
    snprintf(src, sizeof src, "%s y = transpose(x); output y; }", x);
    assert_error(src, "operation 'transpose' is missing required parameter 'perm'");
    snprintf(src, sizeof src, "%s y = conv2d(x, filters = 1, kernel = 1); output y; }", x);
    assert_error(src, "note: if 'x' is [1, C, H, W] (ONNX, PyTorch), reshape(transpose(x, perm "
                      "= (0, 2, 3, 1)), shape = (4, 4, 3)) is its [H, W, C]");
}

/* mul broadcasts as NumPy does; its output is f32. sigmoid keeps the
 * shape. */
static void test_mul_sigmoid(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork n {\n input x : f32[8, 8, 16];\n input c : f32[16];\n"
                   " input k : i32[1, 1, 16];\n input m : f32[3, 1];\n input v : b1[4];\n"
                   " a = mul(x, c);\n"          /* [8,8,16] */
                   " b = mul(k, x);\n"          /* [8,8,16] */
                   " d = mul(m, v);\n"          /* [3,4]: outer product */
                   " e = mul(k, k);\n"          /* [1,1,16], f32 */
                   " f = mul(sign(x), sign(x));\n" /* f32 */
                   " s = sigmoid(k);\n"
                   " output a, b, d, e, f, s;\n}\n");
    assert_true(r.ok);
    assert_dims(&r, "a", DIMS(8, 8, 16));
    assert_dims(&r, "b", DIMS(8, 8, 16));
    assert_dims(&r, "d", DIMS(3, 4));
    assert_dims(&r, "e", DIMS(1, 1, 16));
    assert_dims(&r, "s", DIMS(1, 1, 16));
    const char *names[] = {"a", "b", "d", "e", "f", "s"};
    for (int i = 0; i < 6; i++)
        assert_int_equal(find_node(&r, names[i])->type, DT_F32);
    run_free(&r);
    assert_error("bnn 1; network n { input x : f32[4, 5]; input y : f32[3];\n"
                 " z = mul(x, y); output z; }",
                 "shapes of 'mul' do not broadcast: 'x' is f32[4,5] and 'y' is f32[3], and their "
                 "dimension 1 from the end is 5 against 3");
    assert_error("bnn 1; network n { input x : f32[2, 4, 5]; input y : f32[3, 1, 5];\n"
                 " z = mul(x, y); output z; }",
                 "dimension 3 from the end is 2 against 3");
    assert_error("bnn 1; network n { input x : f32[4]; z = mul(x, x, x); output z; }",
                 "'mul' takes 2 inputs, but 3 are given");
}

/* slice takes begin .. end - 1 of the last axis, or of every axis;
 * pad_channels adds before + after channels; both keep the type. */
static void test_slice_pad(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\nnetwork n {\n input x : f32[8, 6, 32];\n input k : i32[10];\n"
                   " a = slice(x, begin = 16, end = 32);\n"                /* [8,6,16] */
                   " b = slice(x, begin = (2, 0, 1), end = (5, 6, 2));\n"  /* [3,6,1] */
                   " c = pad_channels(x, after = 16);\n"                   /* [8,6,48] */
                   " d = pad_channels(sign(x), before = 3, after = 1, value = -1);\n" /* b1 36 */
                   " e = slice(k, begin = 0, end = 1);\n"                  /* i32[1] */
                   " f = pad_channels(k, before = 2, value = 7);\n"        /* i32[12] */
                   " output a, b, c, d, e, f;\n}\n");
    assert_true(r.ok);
    assert_dims(&r, "a", DIMS(8, 6, 16));
    assert_dims(&r, "b", DIMS(3, 6, 1));
    assert_dims(&r, "c", DIMS(8, 6, 48));
    assert_dims(&r, "d", DIMS(8, 6, 36));
    assert_dims(&r, "e", DIMS(1));
    assert_dims(&r, "f", DIMS(12));
    assert_int_equal(find_node(&r, "d")->type, DT_B1);
    assert_int_equal(find_node(&r, "e")->type, DT_I32);
    assert_int_equal(find_node(&r, "f")->type, DT_I32);
    run_free(&r);
    const char *x = "bnn 1; network n { input x : f32[8, 6, 32]; input k : i32[4]; input u : u8[4];\n";
    char src[320];
    snprintf(src, sizeof src, "%s y = slice(x, begin = 30, end = 33); output y; }", x);
    assert_error(src, "slice 30 to 33 of 'x' along axis 2 (the channels) is out of range: 'x' "
                      "is f32[8,6,32], 32 along it");
    snprintf(src, sizeof src, "%s y = slice(x, begin = 3, end = 2); output y; }", x);
    assert_error(src, "slice 3 to 2 of 'x' along axis 2 (the channels) is empty");
    snprintf(src, sizeof src, "%s y = slice(x, begin = (0, 7, 0), end = (8, 9, 1)); output y; }", x);
    assert_error(src, "slice 7 to 9 of 'x' along axis 1 is out of range");
    snprintf(src, sizeof src, "%s y = slice(x, begin = 1, end = (2, 3, 4)); output y; }", x);
    assert_error(src, "'begin' and 'end' of 'slice' have 1 and 3 values");
    snprintf(src, sizeof src, "%s y = slice(x, begin = 1); output y; }", x);
    assert_error(src, "operation 'slice' is missing required parameter 'end'");
    snprintf(src, sizeof src, "%s y = pad_channels(sign(x), after = 2); output y; }", x);
    assert_error(src, "with value = 0, but a b1 tensor holds -1 or +1 only");
    snprintf(src, sizeof src, "%s y = pad_channels(k, after = 2, value = 0.5); output y; }", x);
    assert_error(src, "'pad_channels' pads 'k' (i32[4]) with value = 0.5, but an i32 tensor "
                      "holds whole numbers");
    snprintf(src, sizeof src, "%s y = pad_channels(u, after = 2, value = 256); output y; }", x);
    assert_error(src, "but a u8 tensor holds whole numbers from 0 to 255");
    snprintf(src, sizeof src, "%s y = pad_channels(x, after = 2, value = 1e39); output y; }", x);
    assert_error(src, "but an f32 tensor holds numbers up to 3.4e38");
    snprintf(src, sizeof src, "%s y = pad_channels(x, after = -2); output y; }", x);
    assert_error(src, "parameter 'after' of 'pad_channels' takes integers from 0 to 2147483647");
    snprintf(src, sizeof src, "%s y = pad_channels(x, after = (1, 2)); output y; }", x);
    assert_error(src, "parameter 'after' of 'pad_channels' takes one integer, not 2");
}

#define NET(body) "network n {\n input x : f32[8, 8, 4];\n input v : f32[16];\n" body "\n}\n"

static void test_errors(void **state) {
    (void)state;
    assert_error("bnn 1;\n" NET("y = add(x, conv2d(x, filters = 4, kernel = 3)); output y;"),
                 "shape mismatch in 'add': 'x' is f32[8,8,4] but 'y.conv2d' is f32[6,6,4]");
    assert_error("bnn 1;\n" NET("y = dense(x, units = 2); output y;"),
                 "'dense' needs a flat input, but 'x' is f32[8,8,4]; use flatten()");
    assert_error("bnn 1;\n" NET("y = conv2d(v, filters = 2, kernel = 1); output y;"),
                 "'conv2d' needs an [H, W, C] input, but 'v' is f32[16]");
    assert_error("bnn 1;\n" NET("y = conv2d(x, filters = 2, kernel = 9); output y;"),
                 "window of 'y' (9 wide) is larger than its input 'x' along H (8)");
    assert_error("bnn 1;\n" NET("y = conv2d(x, filters = 6, kernel = 1, groups = 4); output y;"),
                 "groups = 4 must divide both the input channels of 'x' (4) and filters (6)");
    assert_error("bnn 1;\n" NET("y = concat(x, v); output y;"), "shape mismatch in 'concat'");
    assert_error("bnn 1;\n" NET("y = conv2d(x, filters = 0, kernel = 1); output y;"),
                 "parameter 'filters' of 'conv2d' must be positive");
    assert_error("bnn 1;\n" NET("y = conv2d(x, filters = 2, kernel = 1, padding = full); output y;"),
                 "'full' is not a padding of 'conv2d'");
    assert_error("bnn 1;\n" NET("y = add(x); output y;"), "'add' takes 2 inputs, but 1 is given");
    assert_error("bnn 1;\n" NET("y = conv2d(x, filters = 3 / 2, kernel = 1); output y;"),
                 "3 / 2 is not a whole number");
    assert_error("bnn 1;\n" NET("y = conv2d(x, filters = 9223372036854775807 + 1, kernel = 1); output y;"),
                 "integer overflow");
    assert_error("bnn 1;\n" NET("y = conv2d(x, filters = 2147483648, kernel = 1); output y;"),
                 "parameter 'filters' of 'conv2d' is too large");
    assert_error("bnn 1; network n { input x : f32[1000000, 1000000, 1000000]; output x; }",
                 "input 'x' is too large");
    /* 10^10 layers from nested repeats: the expansion stops at the limit
     * (BNNC_MAX_NODES), with one message. */
    assert_error("bnn 1; block h(v) { y = repeat 100000 relu(v); return y; }\n"
                 NET("y = repeat 100000 h(x); output y;"),
                 "network 'n' has more than 2000000 layers");
    assert_error("bnn 1;\n" NET("y = relu(x); y = relu(x); output y;"), "'y' is already defined");
    assert_error("bnn 1;\n" NET("output z;"), "undefined name 'z'");
    assert_error("bnn 1; network n { input x : f32[2]; }", "network 'n' has no 'output'");
    assert_error("bnn 1; block b(v) { return c(v); }", "unknown operation 'c'");
    assert_error("bnn 1; block b(v) { return b(v); }\n" NET("y = b(x); output y;"),
                 "block 'b' calls itself");
    assert_error("bnn 1; block b(v, f) { return conv2d(v, filters = f, kernel = 9); }\n"
                 NET("y = b(x, f = 2); output y;"),
                 "t.bnn:5:5: note: in block 'b' expanded here");
    assert_error("bnn 1;\n" NET("y = repeat 0 relu(x); output y;"), "'repeat' count must be between 1");
}

/* The shape functions report through the ShapeReport they are given (no
 * Ctx, no sema): called directly, an add of [4] and [5] reports one error
 * on the node, with both inputs' shapes; a dense on an [H, W, C] input of
 * [1, 3, 4, 5] reports the error, then the note on the ONNX layout. */
typedef struct {
    int errors, notes;
    const IrNode *node;
    char msg[512], note[512];
} Recorded;

static void rec_error(void *ctx, const IrNode *n, const char *fmt, va_list ap) {
    Recorded *r = ctx;
    r->errors++;
    r->node = n;
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
}

static void rec_note(void *ctx, const char *fmt, va_list ap) {
    Recorded *r = ctx;
    r->notes++;
    vsnprintf(r->note, sizeof r->note, fmt, ap);
}

static void test_shape_report(void **state) {
    (void)state;
    static const IrAttrs none;
    IrNode a = {.name = "a", .shape = {1, {4}}, .type = DT_F32};
    IrNode b = {.name = "b", .shape = {1, {5}}, .type = DT_F32};
    IrNode *ins[2] = {&a, &b};
    IrNode n = {.op = OP_ADD, .name = "s", .nin = 2, .in = ins, .at = &none};
    Recorded r = {0};
    ShapeReport rep = {&r, rec_error, rec_note};
    assert_false(ops_table[OP_ADD].infer(&rep, &n));
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.notes, 0);
    assert_ptr_equal(r.node, &n);
    assert_string_equal(r.msg, "shape mismatch in 'add': 'a' is f32[4] but 'b' is f32[5]");
    /* Same shapes: no report. */
    b.shape.d[0] = 4;
    memset(&r, 0, sizeof r);
    assert_true(ops_table[OP_ADD].infer(&rep, &n));
    assert_int_equal(r.errors + r.notes, 0);
    assert_int_equal(n.shape.rank, 1);
    assert_int_equal(n.shape.d[0], 4);
    /* A conv2d on [1, 3, 4, 5]: the error, then the note. */
    IrNode x = {.name = "x", .shape = {4, {1, 3, 4, 5}}, .type = DT_F32};
    IrNode *xin[1] = {&x};
    IrNode c = {.op = OP_CONV2D, .name = "c", .nin = 1, .in = xin, .at = &none};
    assert_false(ops_table[OP_CONV2D].infer(&rep, &c));
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.notes, 1);
    assert_string_equal(r.msg, "'conv2d' needs an [H, W, C] input, but 'x' is f32[1,3,4,5]");
    assert_non_null(strstr(r.note, "reshape(transpose(x, perm = (0, 2, 3, 1)), shape = (4, 5, 3))"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv),
        cmocka_unit_test(test_binary_precision),
        cmocka_unit_test(test_other_ops),
        cmocka_unit_test(test_blocks_and_repeat),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_ranks),
        cmocka_unit_test(test_reshape_transpose),
        cmocka_unit_test(test_mul_sigmoid),
        cmocka_unit_test(test_slice_pad),
        cmocka_unit_test(test_shape_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
