/*
 * test_cost.c: the cost model's counts against hand computations.
 *
 * Every expected value below is written as the arithmetic of
 * docs/cost-model.md applied to the layer's shapes, with a comment that
 * names the rule; none is copied from the program's output. The targets
 * are declared in the test with round costs so that the arithmetic is
 * exact in binary floating point.
 *
 * Notation as in the docs: W the word, fl = vector / 32 the fp32 lanes,
 * lanes = vector / word, c_x = (xnor + popcount + accumulate) / lanes.
 */
#include "support.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* 1. Every operation on a synthetic target.                           */

/* W = 32, vector = 128: lanes = 128 / 32 = 4, fl = 128 / 32 = 4,
 * c_x = (1 + 2 + 1) / 4 = 1 cycle per XNOROP. The element costs are
 * distinct primes so that a formula using the wrong one is caught:
 * fmac 2, fadd 3, compare 5, add 7, load 11, store 13. One memory level
 * that holds everything: the fastest, whose loads the costs include, so
 * no layer moves a byte past it and LXNOROP = XNOROP. */
#define SYN_TARGET                                                                         \
    "target syn {\n"                                                                       \
    "    clock = 100 MHz;\n"                                                               \
    "    word = 32 bits;\n"                                                                \
    "    vector = 128 bits;\n"                                                             \
    "    cost {\n"                                                                         \
    "        xnor = 1 cycle; popcount = 2 cycles; accumulate = 1 cycle;\n"                 \
    "        fmac = 2 cycles; fadd = 3 cycles; compare = 5 cycles; add = 7 cycles;\n"      \
    "        load = 11 cycles; store = 13 cycles;\n"                                       \
    "    }\n"                                                                              \
    "    memory { ram { size = 1 GiB; } }\n"                                              \
    "}\n"

#define FL 4.0      /* fp32 lanes */
#define LANES 4.0   /* words per vector */
#define FMAC 2.0
#define FADD 3.0
#define CMP 5.0
#define ADD 7.0
#define LOAD 11.0
#define STORE 13.0
#define VBYTES 16.0 /* vector / 8 */

static const char ops_src[] =
    "bnn 1;\n" SYN_TARGET
    "network ops {\n"
    "    input x : f32[8, 8, 16];\n"
    "    input v : f32[100];\n"
    "    cv  = conv2d(x, filters = 8, kernel = 3);\n"              /* f32[6,6,8] */
    "    s   = sign(x);\n"                                         /* b1[8,8,16] */
    "    bc  = bconv2d(s, filters = 8, kernel = 3);\n"             /* i32[6,6,8], binary */
    "    bf  = bconv2d(x, filters = 8, kernel = 3);\n"             /* f32[6,6,8], float in */
    "    dw  = depthwise_conv2d(x, kernel = 3, multiplier = 2);\n" /* f32[6,6,32] */
    "    gc  = conv2d(x, filters = 12, kernel = 3, groups = 4);\n" /* f32[6,6,12] */
    "    bg  = bconv2d(s, filters = 8, kernel = 3, groups = 2);\n" /* i32[6,6,8] */
    "    bk  = bconv2d(s, filters = 2, kernel = 7);\n"             /* i32[2,2,2] */
    "    pw  = conv2d(x, filters = 4, kernel = 1);\n"              /* f32[8,8,4] */
    "    bpw = bconv2d(s, filters = 4, kernel = 1);\n"             /* i32[8,8,4] */
    "    de  = dense(v, units = 10);\n"                            /* f32[10] */
    "    vs  = sign(v);\n"                                         /* b1[100] */
    "    bd  = bdense(vs, units = 10);\n"                          /* i32[10], binary */
    "    bdf = bdense(v, units = 10);\n"                           /* f32[10], float in */
    "    bn  = batchnorm(x);\n"
    "    re  = relu(x);\n"
    "    pr  = prelu(x);\n"
    "    ht  = hardtanh(x);\n"
    "    mp  = maxpool(x, size = 2);\n"                            /* f32[4,4,16] */
    "    mpb = maxpool(s, size = 2);\n"                            /* b1[4,4,16] */
    "    ap  = avgpool(x, size = 2);\n"                            /* f32[4,4,16] */
    "    gp  = global_avgpool(x);\n"                               /* f32[16] */
    "    ad  = add(x, bn);\n"                                      /* f32[8,8,16] */
    "    adi = add(bc, bg);\n"                                     /* i32[6,6,8] */
    "    cc  = concat(x, bn);\n"                                   /* f32[8,8,32] */
    "    fx  = flatten(x);\n"                                      /* f32[1024]: a view */
    "    fs  = flatten(s);\n"                                      /* b1[1024]: 16 % 32, a copy */
    "    s32 = sign(cc);\n"                                        /* b1[8,8,32] */
    "    fv  = flatten(s32);\n"                                    /* b1[2048]: a view */
    "    sm  = softmax(de);\n"                                     /* f32[10] */
    "    th  = sign(batchnorm(x));\n"                              /* fused: threshold */
    "    rx  = reshape(x, shape = (64, 16));\n"                    /* f32: a view */
    "    rs  = reshape(s, shape = (4, 16, 16));\n"                 /* b1, same channels: a view */
    "    rt  = reshape(s, shape = (16, 64));\n"                    /* b1[16,64]: a copy */
    "    tx  = transpose(x, perm = (2, 0, 1));\n"                  /* f32[16,8,8] */
    "    mu  = mul(x, gp);\n"                                      /* f32[8,8,16] */
    "    sg  = sigmoid(x);\n"
    "    sl  = slice(x, begin = 4, end = 12);\n"                   /* f32[8,8,8] */
    "    pc  = pad_channels(s, after = 16, value = 1);\n"          /* b1[8,8,32] */
    "    output cv, bc, bf, dw, gc, bk, pw, bpw, bd, bdf, re, pr, ht, mp, mpb, ap, gp,\n"
    "           ad, adi, fs, fx, fv, sm, th, rx, rs, rt, tx, mu, sg, sl, pc;\n"
    "}\n";

/* What a layer must cost; a field left out must be 0. */
typedef struct {
    const char *name;
    int64_t bmacs, fmacs;
    int64_t xnorop, xnorop_before;
    double util;                 /* binary layers */
    int64_t weight_bytes, param_bytes, out_bytes;
    double other;                /* non-binary cycles on one core */
} Want;

static void check(const Est *e, Want w) {
    const CostLayer *l = find_layer(e, w.name);
    const char *n = w.name;
    if (l->bmacs != w.bmacs || l->fmacs != w.fmacs)
        fail_msg("%s: MACs binary %lld float %lld, want %lld %lld", n, (long long)l->bmacs,
                 (long long)l->fmacs, (long long)w.bmacs, (long long)w.fmacs);
    if (l->xnorop != w.xnorop || l->xnorop_before != w.xnorop_before)
        fail_msg("%s: XNOROP %lld (before %lld), want %lld (%lld)", n, (long long)l->xnorop,
                 (long long)l->xnorop_before, (long long)w.xnorop, (long long)w.xnorop_before);
    if (l->weight_bytes != w.weight_bytes || l->param_bytes != w.param_bytes ||
        l->out_bytes != w.out_bytes)
        fail_msg("%s: weights %lld params %lld output %lld B, want %lld %lld %lld", n,
                 (long long)l->weight_bytes, (long long)l->param_bytes,
                 (long long)l->out_bytes, (long long)w.weight_bytes,
                 (long long)w.param_bytes, (long long)w.out_bytes);
    if (fabs(l->cyc_other - w.other) > 1e-9 * fmax(1, w.other))
        fail_msg("%s: non-binary cycles %.17g, want %.17g", n, l->cyc_other, w.other);
    bool bin = ir_is_binary(l->n);
    assert_int_equal(bin, w.xnorop > 0);
    if (bin) {
        assert_near(l->util, w.util);
        /* c_x = 1; nothing past the only level: LXNOROP = XNOROP. */
        assert_near(l->cyc_xnor, (double)w.xnorop * 1);
        assert_near(l->cyc_mem, 0);
        assert_near(l->lxnorop, (double)w.xnorop);
    } else {
        assert_near(l->cyc_mem, 0);
        assert_near(l->cyc_xnor, 0);
    }
    assert_near(l->cycles, l->cyc_xnor + l->cyc_mem + w.other);
    /* One thread: T_l = cycles / f. */
    assert_int_equal(l->threads, 1);
    assert_near(l->time, l->cycles / 100e6);
}

/* The layers of ops_src and their costs (docs sections 1, 3, 6). */
static const Want ops_want[] = {
    /* conv2d: MACs = H_o W_o C_o x K_h K_w C_i; weights 4 x C_o K_h K_w C_i;
     * cycles = MACs x fmac / fl. */
    {.name = "cv", .fmacs = (6 * 6 * 8) * (3 * 3 * 16), .param_bytes = 4 * (8 * 3 * 3 * 16),
     .out_bytes = 4 * (6 * 6 * 8), .other = (6 * 6 * 8) * (3 * 3 * 16) * FMAC / FL},
    /* sign: b1 output packed per pixel, 64 pixels x ceil(16/32) = 1 word x 4 B;
     * cycles = elements x (compare + add) / fl. */
    {.name = "s", .out_bytes = (8 * 8) * 1 * 4, .other = (8 * 8 * 16) * (CMP + ADD) / FL},
    /* bconv2d on b1: N = 3*3*16 = 144. Words: kernel 16 x ceil(9/32) = 16,
     * channel 9 x ceil(16/32) = 9, dense ceil(144/32) = 5 -> dense (5).
     * XNOROP = H_o W_o C_o x words. Weights C_o x words x 4 B.
     * Cycles: outputs x add / fl, plus the dense gather
     * H_o W_o x words_channel x 2 x add. */
    {.name = "bc", .bmacs = (6 * 6 * 8) * (3 * 3 * 16), .xnorop = (6 * 6 * 8) * 5,
     .xnorop_before = (6 * 6 * 8) * 16, .util = 144.0 / (5 * 32), .weight_bytes = 8 * 5 * 4,
     .out_bytes = 4 * (6 * 6 * 8), .other = (6 * 6 * 8) * ADD / FL + (6 * 6) * 9 * 2 * ADD},
    /* bconv2d on f32: float MACs, costed as a float layer; its binary
     * weights keep the uncompressed kernel packing (the pass compresses
     * binary layers only): C_o x 16 words x 4 B. */
    {.name = "bf", .fmacs = (6 * 6 * 8) * (3 * 3 * 16), .weight_bytes = 8 * 16 * 4,
     .out_bytes = 4 * (6 * 6 * 8), .other = (6 * 6 * 8) * (3 * 3 * 16) * FMAC / FL},
    /* depthwise_conv2d: C_o = 16 x 2 = 32; MACs = H_o W_o C_o x K_h K_w;
     * weights 4 x C_o K_h K_w. */
    {.name = "dw", .fmacs = (6 * 6 * 32) * (3 * 3), .param_bytes = 4 * (32 * 3 * 3),
     .out_bytes = 4 * (6 * 6 * 32), .other = (6 * 6 * 32) * (3 * 3) * FMAC / FL},
    /* grouped conv2d, g = 4: N = K_h K_w C_i / g = 9 x 16 / 4 = 36. */
    {.name = "gc", .fmacs = (6 * 6 * 12) * (3 * 3 * 16 / 4), .param_bytes = 4 * (12 * 36),
     .out_bytes = 4 * (6 * 6 * 12), .other = (6 * 6 * 12) * 36 * FMAC / FL},
    /* grouped bconv2d, g = 2: C_i/g = 8, N = 72. Words: kernel 8 x 1 = 8,
     * channel 9 x ceil(8/32) = 9, dense ceil(72/32) = 3 -> dense, which
     * saves words over channel: gather 9 source words per position. */
    {.name = "bg", .bmacs = (6 * 6 * 8) * 72, .xnorop = (6 * 6 * 8) * 3,
     .xnorop_before = (6 * 6 * 8) * 8, .util = 72.0 / (3 * 32), .weight_bytes = 8 * 3 * 4,
     .out_bytes = 4 * (6 * 6 * 8), .other = (6 * 6 * 8) * ADD / FL + (6 * 6) * 9 * 2 * ADD},
    /* bconv2d 7x7: 49 taps > W. N = 49 x 16 = 784. Words: kernel 16 x
     * ceil(49/32) = 32, channel 49 x 1 = 49, dense ceil(784/32) = 25. */
    {.name = "bk", .bmacs = (2 * 2 * 2) * 784, .xnorop = (2 * 2 * 2) * 25,
     .xnorop_before = (2 * 2 * 2) * 32, .util = 784.0 / (25 * 32), .weight_bytes = 2 * 25 * 4,
     .out_bytes = 4 * (2 * 2 * 2), .other = (2 * 2 * 2) * ADD / FL + (2 * 2) * 49 * 2 * ADD},
    /* pointwise conv2d: K_h K_w = 1. */
    {.name = "pw", .fmacs = (8 * 8 * 4) * 16, .param_bytes = 4 * (4 * 16),
     .out_bytes = 4 * (8 * 8 * 4), .other = (8 * 8 * 4) * 16 * FMAC / FL},
    /* pointwise bconv2d: kernel 16 x ceil(1/32) = 16, channel 1 x
     * ceil(16/32) = 1, dense ceil(16/32) = 1: a tie, the simpler channel
     * wins and there is no gather. */
    {.name = "bpw", .bmacs = (8 * 8 * 4) * 16, .xnorop = (8 * 8 * 4) * 1,
     .xnorop_before = (8 * 8 * 4) * 16, .util = 16.0 / (1 * 32), .weight_bytes = 4 * 1 * 4,
     .out_bytes = 4 * (8 * 8 * 4), .other = (8 * 8 * 4) * ADD / FL},
    /* dense: MACs N x units; weights 4 x N x units. */
    {.name = "de", .fmacs = 100 * 10, .param_bytes = 4 * 100 * 10, .out_bytes = 4 * 10,
     .other = 100 * 10 * FMAC / FL},
    /* sign of a flat tensor: ceil(100/32) = 4 words x 4 B. */
    {.name = "vs", .out_bytes = 4 * 4, .other = 100 * (CMP + ADD) / FL},
    /* bdense on b1: words ceil(100/32) = 4 for every packing;
     * XNOROP = units x words. */
    {.name = "bd", .bmacs = 100 * 10, .xnorop = 10 * 4, .xnorop_before = 10 * 4,
     .util = 100.0 / (4 * 32), .weight_bytes = 10 * 4 * 4, .out_bytes = 4 * 10,
     .other = 10 * ADD / FL},
    /* bdense on f32: float MACs; binary weights packed as one 16-bit mask
     * per input for each block of 16 units: ceil(10/16) x 100 x 2 B. */
    {.name = "bdf", .fmacs = 100 * 10, .weight_bytes = 1 * 100 * 2, .out_bytes = 4 * 10,
     .other = 100 * 10 * FMAC / FL},
    /* batchnorm: 8 x C bytes; elements x fmac / fl. */
    {.name = "bn", .param_bytes = 8 * 16, .out_bytes = 4 * 1024, .other = 1024 * FMAC / FL},
    {.name = "re", .out_bytes = 4 * 1024, .other = 1024 * CMP / FL},
    {.name = "pr", .param_bytes = 4 * 16, .out_bytes = 4 * 1024,
     .other = 1024 * (CMP + FMAC) / FL},
    {.name = "ht", .out_bytes = 4 * 1024, .other = 1024 * 2 * CMP / FL},
    /* maxpool f32: window 2x2 = 4; elements x (window - 1) x compare / fl. */
    {.name = "mp", .out_bytes = 4 * (4 * 4 * 16), .other = (4 * 4 * 16) * (4 - 1) * CMP / FL},
    /* maxpool b1: output words = 16 pixels x 1; words x (window - 1) x add / lanes. */
    {.name = "mpb", .out_bytes = (4 * 4) * 1 * 4, .other = (4 * 4 * 1) * (4 - 1) * ADD / LANES},
    /* avgpool: elements x (window x fadd + fmac) / fl. */
    {.name = "ap", .out_bytes = 4 * (4 * 4 * 16), .other = (4 * 4 * 16) * (4 * FADD + FMAC) / FL},
    /* global_avgpool: input elements x fadd / fl + C x fmac / fl. */
    {.name = "gp", .out_bytes = 4 * 16, .other = 1024 * FADD / FL + 16 * FMAC / FL},
    /* add f32: elements x fadd / fl; add i32: elements x add / fl. */
    {.name = "ad", .out_bytes = 4 * 1024, .other = 1024 * FADD / FL},
    {.name = "adi", .out_bytes = 4 * (6 * 6 * 8), .other = (6 * 6 * 8) * ADD / FL},
    /* concat: output bytes / (vector / 8) x (load + store). */
    {.name = "cc", .out_bytes = 4 * (8 * 8 * 32), .other = 4 * (8 * 8 * 32) / VBYTES * (LOAD + STORE)},
    /* flatten of f32: a view, 0 cycles. */
    {.name = "fx", .out_bytes = 4 * 1024, .other = 0},
    /* flatten of b1[8,8,16] on W = 32: 16 bits of each 32-bit pixel word
     * are padding, so the bits move: a copy of ceil(1024/32) x 4 = 128 B. */
    {.name = "fs", .out_bytes = (1024 / 32) * 4, .other = (1024 / 32) * 4 / VBYTES * (LOAD + STORE)},
    {.name = "s32", .out_bytes = (8 * 8) * 1 * 4, .other = (8 * 8 * 32) * (CMP + ADD) / FL},
    /* flatten of b1[8,8,32]: whole words per pixel, a view. */
    {.name = "fv", .out_bytes = (2048 / 32) * 4, .other = 0},
    /* softmax: elements x (12 fmac + fadd + fmac) / fl. */
    {.name = "sm", .out_bytes = 4 * 10, .other = 10 * (12 * FMAC + FADD + FMAC) / FL},
    /* threshold (sign(batchnorm(x)) fused) on an f32 input: the compare
     * stays in float, so the folded scale and shift, 8 x C bytes;
     * elements x (compare + add) / fl. */
    {.name = "th", .param_bytes = 8 * 16, .out_bytes = (8 * 8) * 1 * 4,
     .other = 1024 * (CMP + ADD) / FL},
    /* reshape of f32: a view, 0 cycles. */
    {.name = "rx", .out_bytes = 4 * 1024, .other = 0},
    /* reshape of b1[8,8,16] to [4,16,16]: 16 channels either way, the same
     * 64 pixel words: a view. */
    {.name = "rs", .out_bytes = 64 * 4, .other = 0},
    /* to [16,64]: 16 pixels of 2 words, other bits than 64 pixels of one
     * half-used word: a copy of 16 x 2 x 4 = 128 B. */
    {.name = "rt", .out_bytes = 16 * 2 * 4, .other = 128 / VBYTES * (LOAD + STORE)},
    /* transpose: elements x (load + store), no vectors. */
    {.name = "tx", .out_bytes = 4 * 1024, .other = 1024 * (LOAD + STORE)},
    /* mul: elements x fmac / fl, broadcast or not. */
    {.name = "mu", .out_bytes = 4 * 1024, .other = 1024 * FMAC / FL},
    /* sigmoid: elements x (12 fmac + fadd + fmac) / fl, as softmax. */
    {.name = "sg", .out_bytes = 4 * 1024, .other = 1024 * (12 * FMAC + FADD + FMAC) / FL},
    /* slice, pad_channels: copies, output bytes / (vector / 8) x (load + store). */
    {.name = "sl", .out_bytes = 4 * 512, .other = 4 * 512 / VBYTES * (LOAD + STORE)},
    {.name = "pc", .out_bytes = 64 * 4, .other = 64 * 4 / VBYTES * (LOAD + STORE)},
};

static void test_every_op(void **state) {
    (void)state;
    Est e;
    est_source(&e, ops_src, "syn", 0, MEM_LXNOROP, 1);
    /* The target as read: c_x = (1 + 2 + 1) / 4. */
    assert_int_equal(e.t.lanes, 4);
    assert_int_equal(e.t.flanes, 4);
    assert_near(e.t.c_x, (1 + 2 + 1) / 4.0);
    assert_int_equal(find_node(&e.r, "th")->op, OP_THRESHOLD);
    int n = (int)(sizeof ops_want / sizeof ops_want[0]);
    /* Every layer is in the table: the layers but the two inputs. */
    assert_int_equal(e.res.n, n);
    int64_t bmacs = 0, fmacs = 0, xnorop = 0, before = 0, wbytes = 0, pbytes = 0;
    double time = 0;
    for (int i = 0; i < n; i++) {
        check(&e, ops_want[i]);
        bmacs += ops_want[i].bmacs;
        fmacs += ops_want[i].fmacs;
        xnorop += ops_want[i].xnorop;
        before += ops_want[i].xnorop_before;
        wbytes += ops_want[i].weight_bytes;
        pbytes += ops_want[i].param_bytes;
        time += find_layer(&e, ops_want[i].name)->time;
    }
    assert_int_equal(e.res.bmacs, bmacs);
    assert_int_equal(e.res.fmacs, fmacs);
    assert_int_equal(e.res.xnorop, xnorop);
    assert_int_equal(e.res.xnorop_before, before);
    /* The footprint counts each array as the generated C stores it, in
     * whole units of the vector's 16 bytes (docs/codegen.md): bk's and
     * bdf's 200 bytes of weights take 208 each; the rest are whole. */
    assert_int_equal(e.res.weight_bytes, wbytes + 2 * 8);
    assert_int_equal(e.res.param_bytes, pbytes);
    assert_int_equal(e.res.nbinary, 5); /* bc, bg, bk, bpw, bd */
    assert_near(e.res.time, time);
    assert_near(e.res.rate, 1 / time);
    /* Inputs and working set of a few layers. */
    const CostLayer *l = find_layer(&e, "bc");
    assert_int_equal(l->in_bytes, 64 * 4);
    assert_int_equal(l->ws_bytes, 8 * 5 * 4 + 64 * 4 + 4 * 288);
    assert_int_equal(find_layer(&e, "adi")->in_bytes, 2 * 4 * 288);
    assert_int_equal(find_layer(&e, "cc")->in_bytes, 2 * 4 * 1024);
    assert_int_equal(find_layer(&e, "th")->in_bytes, 4 * 1024);
    est_free(&e);
}

/* Layer parameters (docs sections 1, 3, 6): a bias and a weight scale
 * add no MACs, a float per output channel each to the parameters, and
 * elements x fadd / fl (bias) and elements x fmac / fl (scale) to the
 * cycles; conv2d and dense on a b1 input count float MACs (larq's
 * 32-bit MACs: the larger of the input's and the weights' precision). */
static const char params_src[] =
    "bnn 1;\n" SYN_TARGET
    "network params {\n"
    "    input x : f32[8, 8, 16];\n"
    "    s   = sign(x);\n"                                                     /* b1[8,8,16] */
    "    cb  = conv2d(x, filters = 8, kernel = 3, bias = yes);\n"              /* f32[6,6,8] */
    "    bs  = bconv2d(s, filters = 8, kernel = 3, scaled = yes, bias = yes);\n" /* f32[6,6,8] */
    "    fb  = conv2d(s, filters = 8, kernel = 3);\n"                          /* f32[6,6,8] */
    "    f   = flatten(s);\n"                                                  /* b1[1024] */
    "    db  = dense(f, units = 10, bias = yes);\n"                            /* f32[10] */
    "    bds = bdense(f, units = 10, scaled = yes);\n"                         /* f32[10] */
    "    dwb = depthwise_conv2d(x, kernel = 3, bias = yes, frozen = yes);\n"   /* f32[6,6,16] */
    "    output cb, bs, fb, db, bds, dwb;\n"
    "}\n";

static const Want params_want[] = {
    /* conv2d with a bias: MACs as without, 6*6*8 x 3*3*16 = 41472; weights
     * 4 x 1152 B plus 4 x 8 B of bias; plus 288 x fadd / fl. */
    {.name = "cb", .fmacs = 41472, .param_bytes = 4 * 1152 + 4 * 8, .out_bytes = 4 * 288,
     .other = 41472 * FMAC / FL + 288 * FADD / FL},
    /* binary bconv2d with a scale and a bias: still binary, 41472 binary
     * MACs, XNOROP as "bc" of test_every_op (dense packing, 5 words); an
     * f32 output; scale and bias 4 x 8 B each; cycles plus
     * 288 x (fmac + fadd) / fl. */
    {.name = "bs", .bmacs = 41472, .xnorop = 288 * 5, .xnorop_before = 288 * 16,
     .util = 144.0 / (5 * 32), .weight_bytes = 8 * 5 * 4, .param_bytes = 2 * 4 * 8,
     .out_bytes = 4 * 288,
     .other = 288 * ADD / FL + 36 * 9 * 2 * ADD + 288 * (FMAC + FADD) / FL},
    /* conv2d on b1: float MACs, 6*6*8 x 3*3*16 = 41472 (hand count: 288
     * outputs x 144 taps), none binary. */
    {.name = "fb", .fmacs = 41472, .param_bytes = 4 * 1152, .out_bytes = 4 * 288,
     .other = 41472 * FMAC / FL},
    /* the flatten of b1[8,8,16] copies bits (16 of 32 are padding). */
    {.name = "f", .out_bytes = (1024 / 32) * 4, .other = (1024 / 32) * 4 / VBYTES * (LOAD + STORE)},
    /* dense on b1 with a bias: 1024 x 10 = 10240 float MACs; 4 x 10240 B
     * of weights, and 4 x 10 B of bias. */
    {.name = "db", .fmacs = 10240, .param_bytes = 4 * 10240 + 40, .out_bytes = 4 * 10,
     .other = 10240 * FMAC / FL + 10 * FADD / FL},
    /* binary bdense with a scale: 10240 binary MACs, 10 x 32 words;
     * scale 40 B; + 10 x fmac / fl. */
    {.name = "bds", .bmacs = 10240, .xnorop = 10 * 32, .xnorop_before = 10 * 32,
     .util = 1024.0 / (32 * 32), .weight_bytes = 10 * 32 * 4, .param_bytes = 40,
     .out_bytes = 4 * 10, .other = 10 * ADD / FL + 10 * FMAC / FL},
    /* depthwise with a bias, frozen: frozen changes no count here. */
    {.name = "dwb", .fmacs = (6 * 6 * 16) * 9, .param_bytes = 4 * 16 * 9 + 4 * 16,
     .out_bytes = 4 * (6 * 6 * 16), .other = (6 * 6 * 16) * 9 * FMAC / FL + 576 * FADD / FL},
};

static void test_layer_params(void **state) {
    (void)state;
    Est e;
    est_source(&e, params_src, "syn", 0, MEM_LXNOROP, 1);
    int n = (int)(sizeof params_want / sizeof params_want[0]);
    assert_int_equal(e.res.n, n + 1); /* and s */
    int64_t bmacs = 0, fmacs = 0;
    for (int i = 0; i < n; i++) {
        check(&e, params_want[i]);
        bmacs += params_want[i].bmacs;
        fmacs += params_want[i].fmacs;
    }
    /* The totals the report prints: 41472 + 10240 binary MACs, 41472 x 2
     * + 10240 + 5184 float MACs. */
    assert_int_equal(e.res.bmacs, 51712);
    assert_int_equal(e.res.fmacs, 41472 * 2 + 10240 + 5184);
    assert_int_equal(bmacs, 51712);
    assert_int_equal(fmacs, 41472 * 2 + 10240 + 5184);
    /* The footprint stores each array in whole 16-byte units: the two
     * 40-byte arrays (db's bias, bds's scale) take 48. */
    int64_t pbytes = 0;
    for (int i = 0; i < n; i++)
        pbytes += params_want[i].param_bytes;
    assert_int_equal(e.res.param_bytes, pbytes + 2 * 8);
    /* Parameters as larq counts them: weights at their precision, a bias
     * and a scale 32-bit; frozen: all non-trainable. cb 1152 + 8 float; bs
     * 1152 binary + 16 float; fb 1152 float; db 10240 + 10 float; bds
     * 10240 binary + 10 float; dwb 144 + 16 float, all 160 frozen. */
    static const struct {
        const char *name;
        int64_t bin, flt, frozen;
    } pw[] = {{"cb", 0, 1160, 0},  {"bs", 1152, 16, 0},    {"fb", 0, 1152, 0}, {"f", 0, 0, 0},
              {"db", 0, 10250, 0}, {"bds", 10240, 10, 0}, {"dwb", 0, 160, 160}};
    for (size_t i = 0; i < sizeof pw / sizeof pw[0]; i++) {
        const CostLayer *l = find_layer(&e, pw[i].name);
        if (l->params_binary != pw[i].bin || l->params_float != pw[i].flt ||
            l->params_frozen != pw[i].frozen)
            fail_msg("%s: params %lld binary %lld float %lld frozen", pw[i].name,
                     (long long)l->params_binary, (long long)l->params_float,
                     (long long)l->params_frozen);
    }
    assert_int_equal(e.res.params_binary, 1152 + 10240);
    assert_int_equal(e.res.params_float, 1160 + 16 + 1152 + 10250 + 10 + 160);
    assert_int_equal(e.res.params_frozen, 160);
    /* --explain splits the epilogue from the kernel's work. */
    const CostLayer *l = find_layer(&e, "bs");
    assert_near(l->cyc_epilogue, 288 * (FMAC + FADD) / FL);
    assert_non_null(strstr(l->epilogue_what, "weight scale, bias"));
    assert_null(find_layer(&e, "fb")->epilogue_what);
    est_free(&e);
}

/* larq's parameter count of a batchnorm (2 per channel, its moving mean
 * and variance, non-trainable, whatever center and scale say; a fused
 * threshold the same), prelu (1 per channel, trainable) and a frozen
 * binary layer (all non-trainable); the MACs of a frozen layer count as
 * any other's. */
static void test_param_counts(void **state) {
    (void)state;
    Est e;
    est_source(&e,
               "bnn 1;\n" SYN_TARGET
               "network p {\n"
               "    input x : f32[4, 4, 8];\n"
               "    b = batchnorm(x, center = no, scale = no);\n"       /* 2 x 8 */
               "    t = sign(batchnorm(b, epsilon = 1e-5));\n"          /* fused: 2 x 8 */
               "    q = bconv2d(t, filters = 4, kernel = 3, frozen = yes, bias = yes);\n"
               "    r = prelu(q);\n"                                    /* 4 */
               "    output r;\n"
               "}\n",
               "syn", 0, MEM_LXNOROP, 1);
    assert_int_equal(find_node(&e.r, "t")->op, OP_THRESHOLD);
    const CostLayer *b = find_layer(&e, "b"), *t = find_layer(&e, "t"), *q = find_layer(&e, "q"),
                    *r = find_layer(&e, "r");
    assert_true(b->params_float == 16 && b->params_frozen == 16 && b->params_binary == 0);
    assert_true(t->params_float == 16 && t->params_frozen == 16);
    /* q: 3 x 3 x 8 x 4 = 288 binary weights and 4 biases, all frozen;
     * its 2 x 2 x 4 outputs x 72 = 288 binary MACs all the same. */
    assert_true(q->params_binary == 288 && q->params_float == 4 && q->params_frozen == 292);
    assert_int_equal(q->bmacs, 2 * 2 * 4 * 72);
    assert_true(r->params_float == 4 && r->params_frozen == 0);
    assert_int_equal(e.res.params_binary, 288);
    assert_int_equal(e.res.params_float, 16 + 16 + 4 + 4);
    assert_int_equal(e.res.params_frozen, 16 + 16 + 292);
    est_free(&e);
}

/* A prelu with per_element = yes has an alpha per element, as Keras's
 * PReLU without shared_axes counts them (trainable), and keeps them as
 * floats: 4 bytes each; a per-channel one beside it 4 alphas. */
static void test_param_counts_prelu_per_element(void **state) {
    (void)state;
    Est e;
    est_source(&e,
               "bnn 1;\n" SYN_TARGET
               "network p {\n"
               "    input x : f32[3, 5, 4];\n"
               "    a = prelu(x, per_element = yes);\n"               /* 60 */
               "    b = prelu(a);\n"                                  /* 4 */
               "    c = prelu(flatten(b), per_element = yes);\n"      /* 60 */
               "    output c;\n"
               "}\n",
               "syn", 0, MEM_LXNOROP, 1);
    const CostLayer *a = find_layer(&e, "a"), *b = find_layer(&e, "b"), *c = find_layer(&e, "c");
    assert_true(a->params_float == 60 && a->params_frozen == 0 && a->params_binary == 0);
    assert_true(b->params_float == 4 && c->params_float == 60);
    assert_int_equal(e.res.params_float, 124);
    assert_int_equal(e.res.params_frozen, 0);
    est_free(&e);
}

/* Words per output of every packing on 32- and 64-bit words (docs
 * section 1, "Words per output"). */
static void test_words(void **state) {
    (void)state;
    Run r;
    run_source(&r, ops_src);
    assert_true(r.ok);
    struct {
        const char *name;
        int word;
        int64_t kernel, channel, dense;
    } want[] = {
        /* 3x3, C_i = 16: kernel C_i x ceil(9/W); channel 9 x ceil(16/W);
         * dense ceil(144/W). */
        {"bc", 32, 16 * 1, 9 * 1, (144 + 31) / 32},
        {"bc", 64, 16 * 1, 9 * 1, (144 + 63) / 64},
        /* groups 2: C_i/g = 8, N = 72. */
        {"bg", 32, 8 * 1, 9 * 1, (72 + 31) / 32},
        {"bg", 64, 8 * 1, 9 * 1, (72 + 63) / 64},
        /* 7x7, C_i = 16: ceil(49/32) = 2, ceil(49/64) = 1; N = 784. */
        {"bk", 32, 16 * 2, 49 * 1, (784 + 31) / 32},
        {"bk", 64, 16 * 1, 49 * 1, (784 + 63) / 64},
        /* 1x1, C_i = 16. */
        {"bpw", 32, 16 * 1, 1 * 1, 1},
        {"bpw", 64, 16 * 1, 1 * 1, 1},
        /* bdense N = 100: ceil(N/W) for all three. */
        {"bd", 32, 4, 4, 4},
        {"bd", 64, 2, 2, 2},
        /* float-input layers have binary weights packed the same way. */
        {"bf", 32, 16, 9, 5},
        {"bdf", 64, 2, 2, 2},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        IrNode *n = find_node(&r, want[i].name);
        assert_non_null(n);
        int w = want[i].word;
        if (cost_words(n, PACK_KERNEL, w) != want[i].kernel ||
            cost_words(n, PACK_CHANNEL, w) != want[i].channel ||
            cost_words(n, PACK_DENSE, w) != want[i].dense)
            fail_msg("%s on W = %d: words %lld %lld %lld, want %lld %lld %lld", want[i].name, w,
                     (long long)cost_words(n, PACK_KERNEL, w),
                     (long long)cost_words(n, PACK_CHANNEL, w),
                     (long long)cost_words(n, PACK_DENSE, w), (long long)want[i].kernel,
                     (long long)want[i].channel, (long long)want[i].dense);
        /* PACK_NONE costs as the uncompressed kernel packing. */
        assert_int_equal(cost_words(n, PACK_NONE, w), want[i].kernel);
    }
    /* Fan-in N: the receptive field, divided by the groups. */
    assert_int_equal(cost_fan_in(find_node(&r, "bc")), 3 * 3 * 16);
    assert_int_equal(cost_fan_in(find_node(&r, "bg")), 3 * 3 * 16 / 2);
    assert_int_equal(cost_fan_in(find_node(&r, "bd")), 100);
    run_free(&r);
}

/* Dilation, padding and stride change the output shape only: every
 * output counts all K_h K_w taps (docs section 1). u8 tensors take a byte
 * per element. */
static void test_counting_rules(void **state) {
    (void)state;
    Est e;
    est_source(&e,
               "bnn 1;\n" SYN_TARGET
               "network n {\n"
               "    input x : f32[8, 8, 16];\n"
               "    input u : u8[8, 8, 3];\n"
               "    s = sign(x);\n"
               "    dil = bconv2d(s, filters = 4, kernel = 3, dilation = 2);\n"
               "    pad = bconv2d(s, filters = 4, kernel = 3, padding = same);\n"
               "    one = bconv2d(s, filters = 4, kernel = 3, padding = same_one, stride = 2);\n"
               "    cu = conv2d(u, filters = 2, kernel = 3);\n"
               "    output dil, pad, one, cu;\n"
               "}\n",
               "syn", 0, MEM_LXNOROP, 1);
    /* dilation 2: extent 5, 8 - 5 + 1 = 4 rows; N = 3*3*16 = 144. */
    assert_int_equal(find_layer(&e, "dil")->bmacs, (4 * 4 * 4) * 144);
    /* same: 8 x 8 outputs, all 9 taps counted at the borders. */
    assert_int_equal(find_layer(&e, "pad")->bmacs, (8 * 8 * 4) * 144);
    /* Zero padding on a binary conv keeps int16 counts of +1 weights per
     * output channel and tap: 2 x 4 x 9 bytes; same_one needs none. */
    assert_int_equal(find_layer(&e, "pad")->param_bytes, 2 * 4 * 9);
    assert_int_equal(find_layer(&e, "one")->param_bytes, 0);
    /* same_one, stride 2: ceil(8/2) = 4. */
    assert_int_equal(find_layer(&e, "one")->bmacs, (4 * 4 * 4) * 144);
    assert_int_equal(find_layer(&e, "one")->xnorop, (4 * 4 * 4) * 5);
    /* conv2d on u8: [6,6,2] x 3*3*3 float MACs; input 8*8*3 x 1 B. */
    assert_int_equal(find_layer(&e, "cu")->fmacs, (6 * 6 * 2) * 27);
    assert_int_equal(find_layer(&e, "cu")->in_bytes, 8 * 8 * 3);
    assert_int_equal(e.res.bmacs, (4 * 4 * 4 + 8 * 8 * 4 + 4 * 4 * 4) * 144);
    /* Shares: every layer's time over T; with no overhead they add to 1. */
    double share = 0;
    for (int i = 0; i < e.res.n; i++) {
        assert_near(e.res.layers[i].share, e.res.layers[i].time / e.res.time);
        share += e.res.layers[i].share;
    }
    assert_near(share, 1);
    est_free(&e);
}

/* ------------------------------------------------------------------ */
/* 2. Whole examples: total binary and float MACs.                     */

static void example_macs(const char *file, int64_t bmacs, int64_t fmacs) {
    Run r;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BNNC_TEST_EXAMPLES, file);
    run_file(&r, path, true);
    if (!r.ok)
        fail_msg("%s does not compile:\n%s", file, r.diag);
    CostTarget t;
    assert_true(run_target(&r, "cortex-a53", &t));
    /* MACs do not depend on the passes: with and without them. */
    for (int off = 0; off < 2; off++) {
        if (off == 1) {
            run_free(&r);
            run_file(&r, path, true);
            assert_true(run_target(&r, "cortex-a53", &t));
        }
        assert_true(run_passes(&r, &t, off ? ~0u : 0));
        CostResult res;
        cost_run(&r.c, r.m.graphs.v[0], &t, MEM_LXNOROP, 1, &res);
        if (res.bmacs != bmacs || res.fmacs != fmacs)
            fail_msg("%s (passes %s): binary MACs %lld, float MACs %lld; want %lld, %lld", file,
                     off ? "off" : "on", (long long)res.bmacs, (long long)res.fmacs,
                     (long long)bmacs, (long long)fmacs);
    }
    run_free(&r);
}

static void test_example_mnist_mlp(void **state) {
    (void)state;
    example_macs("mnist_mlp.bnn",
                 /* h2, h3: bdense 2048 -> 2048 on b1 */
                 2 * (2048 * 2048),
                 /* h1: bdense on the float pixels, 784 -> 2048 (float MACs);
                  * logits: dense 2048 -> 10 */
                 784 * 2048 + 2048 * 10);
}

static void test_example_lenet_bin(void **state) {
    (void)state;
    example_macs("lenet_bin.bnn",
                 /* c2: bconv2d 5x5 on b1[12,12,32] -> [8,8,64];
                  * d3: bdense 4*4*64 = 1024 -> 512 */
                 (8 * 8 * 64) * (5 * 5 * 32) + 1024 * 512,
                 /* c1: conv2d 5x5 on [28,28,1] -> [24,24,32];
                  * logits: dense 512 -> 10 (float weights on b1) */
                 (24 * 24 * 32) * (5 * 5 * 1) + 512 * 10);
}

static void test_example_vgg_cifar10(void **state) {
    (void)state;
    example_macs("vgg_cifar10.bnn",
                 /* c2: [32,32,128] x 3*3*128 */
                 (int64_t)(32 * 32 * 128) * (3 * 3 * 128)
                     /* c3: [16,16,256] x 3*3*128;  c4: [16,16,256] x 3*3*256 */
                     + (16 * 16 * 256) * (3 * 3 * 128) + (int64_t)(16 * 16 * 256) * (3 * 3 * 256)
                     /* c5: [8,8,512] x 3*3*256;  c6: [8,8,512] x 3*3*512 */
                     + (8 * 8 * 512) * (3 * 3 * 256) + (int64_t)(8 * 8 * 512) * (3 * 3 * 512)
                     /* d7: 4*4*512 = 8192 -> 1024; d8: 1024 -> 1024; d9: 1024 -> 10 */
                     + 8192 * 1024 + 1024 * 1024 + 1024 * 10,
                 /* c1: conv2d 3x3 same on [32,32,3] -> [32,32,128] */
                 (32 * 32 * 128) * (3 * 3 * 3));
}

static void test_example_birealnet18(void **state) {
    (void)state;
    /* Every binary 3x3 conv of a stage: H W C_o x 9 C_i. */
    int64_t unit1 = (int64_t)(56 * 56 * 64) * (9 * 64);    /* stage 1, 4 units */
    int64_t down2 = (int64_t)(28 * 28 * 128) * (9 * 64);   /* stride 2, 56 -> 28 */
    int64_t unit2 = (int64_t)(28 * 28 * 128) * (9 * 128);  /* stage 2, 3 units */
    int64_t down3 = (int64_t)(14 * 14 * 256) * (9 * 128);
    int64_t unit3 = (int64_t)(14 * 14 * 256) * (9 * 256);
    int64_t down4 = (int64_t)(7 * 7 * 512) * (9 * 256);
    int64_t unit4 = (int64_t)(7 * 7 * 512) * (9 * 512);
    example_macs("birealnet18.bnn",
                 4 * unit1 + down2 + 3 * unit2 + down3 + 3 * unit3 + down4 + 3 * unit4,
                 /* c0: conv2d 7x7 stride 2 same on [224,224,3] -> [112,112,64] */
                 (int64_t)(112 * 112 * 64) * (7 * 7 * 3)
                     /* shortcuts of the down units: avgpool, then 1x1 conv
                      * C_i -> C_o at the new size */
                     + (28 * 28 * 128) * 64 + (14 * 14 * 256) * 128 + (7 * 7 * 512) * 256
                     /* logits: dense 512 -> 1000 */
                     + 512 * 1000);
}

static void test_example_quicknet(void **state) {
    (void)state;
    example_macs("quicknet.bnn",
                 /* 4 residual blocks in each of 4 sections; a binary 3x3
                  * conv at [56,56,64], [28,28,128], [14,14,256], [7,7,512] */
                 4 * ((int64_t)(56 * 56 * 64) * (9 * 64) + (int64_t)(28 * 28 * 128) * (9 * 128) +
                      (int64_t)(14 * 14 * 256) * (9 * 256) + (int64_t)(7 * 7 * 512) * (9 * 512)),
                 /* stem: conv2d 3x3 s2 [224,224,3] -> [112,112,16];
                  * depthwise 3x3 s2 -> [56,56,16]; 1x1 conv 16 -> 64 */
                 (112 * 112 * 16) * (3 * 3 * 3) + (56 * 56 * 16) * (3 * 3) + (56 * 56 * 64) * 16
                     /* transition 2: maxpool 2 s1 [56,56,64] -> [55,55,64];
                      * depthwise s2 same -> [28,28,64]; 1x1 64 -> 128 */
                     + (28 * 28 * 64) * (3 * 3) + (28 * 28 * 128) * 64
                     /* transition 3: [28,28,128] -> [27,27,128] -> [14,14,128];
                      * 1x1 128 -> 256 */
                     + (14 * 14 * 128) * (3 * 3) + (14 * 14 * 256) * 128
                     /* transition 4: [14,14,256] -> [13,13,256] -> [7,7,256];
                      * 1x1 256 -> 512 */
                     + (7 * 7 * 256) * (3 * 3) + (7 * 7 * 512) * 256
                     /* logits: dense 512 -> 1000 */
                     + 512 * 1000);
}

/* ------------------------------------------------------------------ */
/* 3. Filter compression.                                              */

/* A 3x3 bconv2d on b1 with 64 input channels. */
static const char c64_src[] =
    "bnn 1;\nimport \"std/targets\";\n"
    "target m4-channel : cortex-m4 { packing = channel; }\n"
    "target m4-kernel : cortex-m4 { packing = kernel; }\n"
    "network n {\n"
    "    input x : b1[8, 8, 64];\n"
    "    c = bconv2d(x, filters = 64, kernel = 3, padding = same_one);\n"
    "    input y : b1[8, 8, 16];\n"
    "    d = bconv2d(y, filters = 8, kernel = 3, padding = same_one);\n"
    "    output c, d;\n"
    "}\n";

static void test_compress_ratio(void **state) {
    (void)state;
    Est e;
    /* cortex-m4: W = 32. kernel 64 x ceil(9/32) = 64 words per output;
     * channel 9 x ceil(64/32) = 18 = dense ceil(576/32) = 18: channel
     * wins the tie. XNOROP drops by exactly 64 / 18. */
    est_source(&e, c64_src, "cortex-m4", 0, MEM_LXNOROP, 1);
    assert_int_equal(e.t.word, 32);
    const CostLayer *l = find_layer(&e, "c");
    assert_int_equal(l->n->packing, PACK_CHANNEL);
    assert_int_equal(l->words_before, 64);
    assert_int_equal(l->words, 18);
    assert_int_equal(l->xnorop_before, (8 * 8 * 64) * 64);
    assert_int_equal(l->xnorop, (8 * 8 * 64) * 18);
    assert_true(l->xnorop_before * 18 == l->xnorop * 64);
    assert_near((double)l->xnorop_before / (double)l->xnorop, 64.0 / 18.0);
    /* Utilisation 576 / (64 x 32) = 28.125 % before, 576 / (18 x 32) after. */
    assert_near(l->util_before, 576.0 / (64 * 32));
    assert_near(l->util, 1.0);
    /* Packed weights: C_o x words x 4 B with the chosen packing. */
    assert_int_equal(l->weight_bytes, 64 * 18 * 4);
    /* d: C_i = 16 on W = 32: channel 9 x 1 = 9, dense ceil(144/32) = 5:
     * dense beats channel. */
    l = find_layer(&e, "d");
    assert_int_equal(l->n->packing, PACK_DENSE);
    assert_int_equal(l->words, 5);
    assert_int_equal(l->words_before, 16);
    est_free(&e);

    /* cortex-a53: W = 64. kernel 64 x 1 = 64; channel 9 x 1 = 9 = dense
     * ceil(576/64): the factor is 64 / 9. */
    est_source(&e, c64_src, "cortex-a53", 0, MEM_LXNOROP, 1);
    l = find_layer(&e, "c");
    assert_int_equal(l->n->packing, PACK_CHANNEL);
    assert_int_equal(l->words, 9);
    assert_true(l->xnorop_before * 9 == l->xnorop * 64);
    assert_near((double)l->xnorop_before / (double)l->xnorop, 64.0 / 9.0);
    /* d on W = 64: channel 9, dense ceil(144/64) = 3. */
    assert_int_equal(find_layer(&e, "d")->words, 3);
    est_free(&e);
}

static void test_compress_target_packing(void **state) {
    (void)state;
    Est e;
    /* packing = channel: d gets channel (9 words), never dense. */
    est_source(&e, c64_src, "m4-channel", 0, MEM_LXNOROP, 1);
    assert_int_equal(e.t.packing, PACK_CHANNEL);
    assert_int_equal(find_node(&e.r, "c")->packing, PACK_CHANNEL);
    assert_int_equal(find_node(&e.r, "d")->packing, PACK_CHANNEL);
    assert_int_equal(find_layer(&e, "d")->words, 9);
    /* No gather: the packing is not dense. d: outputs x the catalog's
     * derived cost per output (ops.bconv2d), nothing more. */
    assert_true(e.t.op_cost[OP_BCONV2D] >= 0);
    assert_near(find_layer(&e, "d")->cyc_other, (8 * 8 * 8) * e.t.op_cost[OP_BCONV2D]);
    est_free(&e);
    /* packing = kernel: nothing changes. */
    est_source(&e, c64_src, "m4-kernel", 0, MEM_LXNOROP, 1);
    assert_int_equal(find_node(&e.r, "c")->packing, PACK_KERNEL);
    assert_int_equal(find_layer(&e, "c")->words, 64);
    assert_int_equal(find_layer(&e, "d")->words, 16);
    est_free(&e);
    /* A whole network on a channel target: no layer is dense. */
    Run r;
    char path[512];
    snprintf(path, sizeof path, "%s/vgg_cifar10.bnn", BNNC_TEST_EXAMPLES);
    run_file(&r, path, true);
    assert_true(r.ok);
    CostTarget t;
    assert_true(run_target(&r, "cortex-m4", &t));
    t.packing = PACK_CHANNEL;
    assert_true(run_passes(&r, &t, 0));
    IrGraph *g = r.m.graphs.v[0];
    int binary = 0;
    for (int i = 0; i < g->nodes.n; i++) {
        IrNode *n = g->nodes.v[i];
        assert_true(n->packing != PACK_DENSE);
        binary += ir_is_binary(n);
    }
    assert_int_equal(binary, 8); /* c2..c6, d7..d9 */
    run_free(&r);
}

static void test_compress_off(void **state) {
    (void)state;
    Est e;
    /* -fno-compress: layers keep PACK_NONE and cost as kernel packing. */
    est_source(&e, c64_src, "cortex-m4", 1u << PASS_COMPRESS, MEM_LXNOROP, 1);
    const CostLayer *l = find_layer(&e, "c");
    assert_int_equal(l->n->packing, PACK_NONE);
    assert_int_equal(l->words, 64);
    assert_int_equal(l->xnorop, (8 * 8 * 64) * 64);
    assert_int_equal(l->xnorop, l->xnorop_before);
    assert_near(l->util, 576.0 / (64 * 32));
    assert_int_equal(l->weight_bytes, 64 * 64 * 4);
    l = find_layer(&e, "d");
    assert_int_equal(l->n->packing, PACK_NONE);
    assert_int_equal(l->words, 16);
    /* No gather without dense packing: outputs x the cost per output. */
    assert_near(l->cyc_other, (8 * 8 * 8) * e.t.op_cost[OP_BCONV2D]);
    est_free(&e);
}

/* ------------------------------------------------------------------ */
/* 5. LXNOROP, memory levels, threads and the roofline.                */

/* An application processor: W = 64, vector 128 (lanes 2, fl 4),
 * c_x = (1 + 1 + 2) / 2 = 2; add and compare 1, load 2. Three levels
 * described by what a stream gets from them: l1 64 B/cycle, l2 8 B/cycle
 * (both scale with the clock), dram 1 GB/s (does not). l1 is exactly the
 * working set of layer c below (21504 B). Overlapped (the default): a
 * layer takes the larger of its compute and its traffic. */
#define APP_TARGETS                                                                        \
    "target app {\n"                                                                       \
    "    clock = 1 GHz;\n"                                                                 \
    "    cores = 4;\n"                                                                     \
    "    efficiency = 0.5;\n"                                                              \
    "    word = 64 bits;\n"                                                                \
    "    vector = 128 bits;\n"                                                             \
    "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 2 cycles;\n"              \
    "           add = 1 cycle; compare = 1 cycle; load = 2 cycles; }\n"                    \
    "    memory {\n"                                                                       \
    "        l1   { size = 21504 B; bandwidth = 64 B/cycle; }\n"                           \
    "        l2   { size = 64 KiB; bandwidth = 8 B/cycle; }\n"                             \
    "        dram { size = 1 GiB; bandwidth = 1 GB/s; }\n"                                 \
    "    }\n"                                                                              \
    "}\n"                                                                                  \
    "target app-small : app { memory { l1 { size = 21503 B; } } }\n"                       \
    "target app-tiny : app { memory { l1 { size = 1 KiB; } l2 { size = 8 KiB; }\n"         \
    "                                 dram { size = 4 KiB; } } }\n"                         \
    "target app-slow : app-tiny { memory { l2 { bandwidth = 1 B/cycle; } } }\n"           \
    "target app-sum : app-slow { overlap = no; }\n"                                       \
    "target app-overhead : app { overhead = 2 us; }\n"                                    \
    "target app-odd : app-small { memory { l3 { size = 32 KiB; bandwidth = 2 B/cycle; } } }\n" \
    "target bare { clock = 1 GHz; word = 64 bits; vector = 128 bits;\n"                   \
    "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 2 cycles; } }\n"          \
    "target app-nobw : bare { memory { l1 { size = 21503 B; } l2 { size = 64 KiB; } } }\n"

/* c: W = 64: kernel 64, channel 9 x ceil(64/64) = 9, dense
 * ceil(576/64) = 9: channel, 9 words. XNOROP = 8*8*64 x 9 = 36864.
 * Working set: weights 64 x 9 x 8 = 4608 B, input 64 px x 1 word x 8 B
 * = 512 B, output 4 x 8*8*64 = 16384 B; 21504 B in all. */
static const char app_src[] = "bnn 1;\n" APP_TARGETS
                              "network one {\n"
                              "    input x : b1[8, 8, 64];\n"
                              "    c = bconv2d(x, filters = 64, kernel = 3, padding = same_one);\n"
                              "    output c;\n"
                              "}\n";

#define C_XNOROP (8 * 8 * 64 * 9)
#define C_OTHER (8 * 8 * 64 * 1 / 4.0) /* outputs x add / fl; no gather */
#define C_COMPUTE (C_XNOROP * 2.0 + C_OTHER) /* XNOROP x c_x + other = 74752 */
#define C_ACT (512 + 16384.0)                /* input + output bytes */
#define C_PASSES 16                          /* ceil(8*8 positions / 4) */

static void test_lxnorop_app(void **state) {
    (void)state;
    Est e;
    est_source(&e, app_src, "app", 0, MEM_LXNOROP, 1);
    assert_near(e.t.c_x, (1 + 1 + 2) / 2.0);
    assert_true(e.t.overlap);
    /* B/cycle is converted at the clock; B/s is kept. */
    assert_near(e.t.lv[0].bandwidth, 64e9);
    assert_near(e.t.lv[1].bandwidth, 8e9);
    assert_near(e.t.lv[1].bw_cycle, 8);
    assert_near(e.t.lv[2].bandwidth, 1e9);
    assert_near(e.t.lv[2].bw_cycle, 0);
    const CostLayer *l = find_layer(&e, "c");
    assert_int_equal(l->xnorop, C_XNOROP);
    assert_int_equal(l->ws_bytes, 64 * 9 * 8 + 8 * 8 * 8 + 4 * 8 * 8 * 64);
    assert_int_equal(l->ws_bytes, 21504);
    /* The working set fits l1 exactly (size >= bytes): nothing moves past
     * the fastest level, whose loads c_x includes. LXNOROP = XNOROP. */
    assert_int_equal(l->level, 0);
    assert_int_equal(l->wlevel, 0);
    assert_int_equal(l->weight_passes, C_PASSES);
    assert_near(l->act_traffic, 0);
    assert_near(l->wt_traffic, 0);
    assert_near(l->lxnorop, C_XNOROP);
    assert_near(l->cycles, C_COMPUTE);
    assert_near(l->time, C_COMPUTE / 1e9);
    assert_near(e.res.time, l->time);
    assert_near(e.res.lxnorop, l->lxnorop);
    est_free(&e);

    /* One byte less of l1: the layer is shown in l2 (its working set)
     * and its activations, 16896 B, stream from there at 8 B/cycle: 2112
     * cycles, under the 74752 of compute, with which they overlap. The
     * weights, reused at every position, fit l1: no weight traffic. */
    est_source(&e, app_src, "app-small", 0, MEM_LXNOROP, 1);
    l = find_layer(&e, "c");
    assert_int_equal(l->level, 1);
    assert_int_equal(l->wlevel, 0);
    assert_near(l->act_traffic, C_ACT);
    assert_near(l->wt_traffic, 0);
    assert_near(l->t_traffic, C_ACT / 8 / 1e9);
    assert_near(l->cycles, C_COMPUTE);
    assert_near(l->cyc_mem, 0);
    assert_near(l->lxnorop, C_XNOROP);
    /* loads: 16896 / 8 = 2112 words past l1 over 36864 XNOROP; c_mem 0. */
    assert_near(l->loads, 2112.0 / C_XNOROP);
    assert_near(l->c_mem, 0);
    est_free(&e);

    /* No level holds 21504 B: the layer is shown in the largest one, l2
     * (8 KiB), not the last one listed (dram, 4 KiB). The weights (4608 B)
     * fit l2, not l1 (1 KiB), and are read once per 4 positions: 16
     * passes, 73728 B at 8 B/cycle = 9216 cycles, plus the activations'
     * 2112: 11328 cycles, still under the compute. */
    est_source(&e, app_src, "app-tiny", 0, MEM_LXNOROP, 1);
    l = find_layer(&e, "c");
    assert_int_equal(l->level, 1);
    assert_int_equal(l->wlevel, 1);
    assert_near(l->wt_traffic, 4608.0 * C_PASSES);
    assert_near(l->t_traffic, (4608.0 * C_PASSES + C_ACT) / 8 / 1e9);
    assert_near(l->cycles, C_COMPUTE);
    assert_near(l->lxnorop, C_XNOROP);
    est_free(&e);

    /* The same at 1 B/cycle from l2: traffic 73728 + 16896 = 90624 cycles,
     * more than the compute: the layer takes 90624 cycles, 15872 beyond
     * its compute. LXNOROP = XNOROP + 15872 / c_x = 44800; the words past
     * l1 are 90624 / 8 = 11328, each adding 15872 / 11328 cycles. */
    est_source(&e, app_src, "app-slow", 0, MEM_LXNOROP, 1);
    l = find_layer(&e, "c");
    assert_near(l->cycles, 90624);
    assert_near(l->time, 90624 / 1e9);
    assert_near(l->cyc_mem, 90624 - C_COMPUTE);
    assert_near(l->cyc_mem, 15872);
    assert_near(l->lxnorop, C_XNOROP + 15872 / 2.0);
    assert_near(l->loads, 11328.0 / C_XNOROP);
    assert_near(l->c_mem, 15872.0 / 11328);
    /* The identity of the note: LXNOROP = XNOROP (1 + loads c_mem / c_x). */
    assert_near(l->lxnorop, C_XNOROP * (1 + l->loads * l->c_mem / 2.0));
    est_free(&e);

    /* overlap = no: compute and traffic add: 74752 + 90624 cycles. */
    est_source(&e, app_src, "app-sum", 0, MEM_LXNOROP, 1);
    assert_false(e.t.overlap);
    l = find_layer(&e, "c");
    assert_near(l->cycles, C_COMPUTE + 90624);
    assert_near(l->cyc_mem, 90624);
    assert_near(l->lxnorop, C_XNOROP + 90624 / 2.0);
    est_free(&e);

    /* Levels are listed fastest first; the first that holds the working
     * set serves it. app-odd lists l1 (21503 B), l2 (64 KiB), dram (1 GiB),
     * then l3 (32 KiB, slower): l2, dram and l3 hold 21504 B; l2 comes
     * first, although l3 is smaller. The weights still fit l1. */
    est_source(&e, app_src, "app-odd", 0, MEM_LXNOROP, 1);
    assert_int_equal(e.t.nlv, 4);
    assert_string_equal(e.t.lv[3].name, "l3");
    l = find_layer(&e, "c");
    assert_int_equal(l->level, 1);
    assert_int_equal(l->wlevel, 0);
    assert_near(l->lxnorop, C_XNOROP);
    est_free(&e);

    /* A level that states no bandwidth moves its bytes at no cost under
     * lxnorop (it derives one from cost.load, default 1 cycle, the fastest
     * level's speed: 16 B per cycle): no traffic term. */
    est_source(&e, app_src, "app-nobw", 0, MEM_LXNOROP, 1);
    l = find_layer(&e, "c");
    assert_int_equal(l->level, 1);
    assert_false(e.t.lv[1].bandwidth_given);
    assert_near(e.t.lv[1].bandwidth, 16 * 1e9 / 1);
    assert_near(l->act_traffic, 0);
    assert_near(l->t_traffic, 0);
    est_free(&e);

    /* Weights that do not fit l1: 512 filters x 9 words x 8 B = 36864 B,
     * reused at every output position, come from l2 (64 KiB), once for
     * the 4 positions of a 2x2 output: 36864 B at 8 B/cycle = 4608 cycles;
     * the activations (32 + 8192 B) from l2, the working set's level: 1028
     * cycles. Compute: 18432 XNOROP x 2 + 2048 outputs / 4 = 37376: the
     * larger. A dense layer uses each weight once per inference: between
     * two uses the whole model is read (weights 36864 + 80 B and the arena,
     * under 9 KiB), more than l1 holds, so its 80 B of weights come from l2
     * as well, once: 10 cycles, under its 10 x 2 + 1 / 4 of compute. */
    est_source(&e,
               "bnn 1;\n" APP_TARGETS "network wide {\n"
               "    input x : b1[2, 2, 64];\n"
               "    c = bconv2d(x, filters = 512, kernel = 3, padding = same_one);\n"
               "    input v : b1[640];\n"
               "    d = bdense(v, units = 1);\n"
               "    output c, d;\n"
               "}\n",
               "app", 0, MEM_LXNOROP, 1);
    l = find_layer(&e, "c");
    assert_int_equal(l->weight_bytes, 512 * 9 * 8);
    assert_int_equal(l->wlevel, 1);
    assert_int_equal(l->weight_passes, 1);
    assert_near(l->wt_traffic, 36864);
    assert_near(l->act_traffic, 32 + 8192);
    assert_near(l->t_traffic, (36864 + 8224) / 8 / 1e9);
    assert_near(l->cycles, 2 * 2 * 512 * 9 * 2.0 + 2048 / 4.0);
    l = find_layer(&e, "d");
    assert_int_equal(l->wlevel, 1);
    assert_int_equal(l->level, 0);
    assert_near(l->wt_traffic, 80);
    assert_near(l->act_traffic, 0);
    assert_near(l->cycles, 10 * 2.0 + 1 / 4.0);
    assert_near(l->lxnorop, 10);
    est_free(&e);

    /* A dense layer whose weights only dram holds: 256 units x 1024 words
     * x 8 B = 2 MiB, and its working set with them (input 8 KiB, output
     * 1 KiB): 2097152 + 9216 B at 1 GB/s = 2.106368 ms, more than its
     * 256 x 1024 x 2 + 256 / 4 = 524352 cycles (0.524 ms) of compute:
     * memory-bound. A bandwidth in B/s takes the same seconds at any
     * clock. */
    est_source(&e,
               "bnn 1;\n" APP_TARGETS "network deep {\n"
               "    input v : b1[65536];\n"
               "    d = bdense(v, units = 256);\n"
               "    output d;\n"
               "}\n",
               "app", 0, MEM_LXNOROP, 1);
    l = find_layer(&e, "d");
    assert_string_equal(e.t.lv[l->wlevel].name, "dram");
    assert_string_equal(e.t.lv[l->level].name, "dram");
    assert_near(l->wt_traffic, 2097152);
    assert_near(l->act_traffic, 8192 + 1024);
    assert_near(l->t_traffic, (2097152 + 9216) / 1e9);
    assert_near(l->time, (2097152 + 9216) / 1e9);
    assert_near(l->cycles, 2097152 + 9216.0);
    assert_near(l->cyc_mem, 2097152 + 9216 - 524352.0);
    assert_near(l->lxnorop, 262144 + (2097152 + 9216 - 524352.0) / 2);
    /* At twice the clock the compute halves, the traffic does not. */
    assert_near(cost_time(&e.res, 2e9, 1), (2097152 + 9216) / 1e9);
    est_free(&e);

    /* A target without memory levels: no level serves the layer, there is
     * no memory term (LXNOROP = XNOROP) and nothing to fit in. */
    est_source(&e, app_src, "bare", 0, MEM_LXNOROP, 1);
    l = find_layer(&e, "c");
    assert_int_equal(l->level, -1);
    assert_int_equal(l->wlevel, -1);
    assert_near(l->lxnorop, C_XNOROP);
    assert_near(l->cycles, C_COMPUTE);
    assert_int_equal(e.res.nfits, 0);
    est_free(&e);
}

static void test_clock_override(void **state) {
    (void)state;
    /* cost_target_at: the same target at another clock. Cycles stay
     * cycles, B/cycle scales, B/s and times keep their seconds. */
    Run r;
    run_source(&r, "bnn 1;\n" APP_TARGETS);
    assert_true(r.ok);
    CostTarget t;
    const IrTarget *it = NULL;
    for (int i = 0; i < r.m.targets.n; i++)
        if (!strcmp(((IrTarget *)r.m.targets.v[i])->name, "app-overhead"))
            it = r.m.targets.v[i];
    assert_non_null(it);
    assert_true(cost_target_at(&r.c, it, 2e9, &t));
    assert_near(t.clock, 2e9);
    assert_near(t.c_x, 2);
    assert_near(t.lv[1].bandwidth, 8 * 2e9);
    assert_near(t.lv[2].bandwidth, 1e9);
    assert_near(t.overhead, 2e-6 * 2e9);
    assert_near(t.overhead_s, 2e-6);
    /* A bandwidth derived from cost.load (one 16 B vector a cycle) is per
     * cycle too: it doubles at twice the clock. */
    it = NULL;
    for (int i = 0; i < r.m.targets.n; i++)
        if (!strcmp(((IrTarget *)r.m.targets.v[i])->name, "app-nobw"))
            it = r.m.targets.v[i];
    assert_non_null(it);
    assert_true(cost_target_at(&r.c, it, 2e9, &t));
    assert_near(t.lv[1].bw_cycle, 16);
    assert_near(t.lv[1].bandwidth, 16 * 2e9);
    run_free(&r);
}

static void test_overhead(void **state) {
    (void)state;
    Est e;
    est_source(&e, app_src, "app-overhead", 0, MEM_LXNOROP, 1);
    /* overhead 2 us = 2000 cycles at 1 GHz; T = sum T_l + overhead. */
    assert_near(e.t.overhead, 2000);
    assert_near(e.res.overhead_time, 2e-6);
    double tl = C_COMPUTE / 1e9;
    assert_near(e.res.time, tl + 2e-6);
    assert_near(e.res.rate, 1 / (tl + 2e-6));
    assert_near(e.res.time_binary, tl);
    assert_near(e.res.time_other, 0);
    est_free(&e);
}

static void test_threads(void **state) {
    (void)state;
    Est e;
    double cycles = C_COMPUTE;
    /* --threads 2: p = min(2, 4 cores) = 2; p_l = min(2, 8 rows) = 2;
     * e = 0.5 since p_l > 1: T = cycles / (f x 2 x 0.5). */
    est_source(&e, app_src, "app", 0, MEM_LXNOROP, 2);
    assert_int_equal(e.res.threads, 2);
    assert_int_equal(find_layer(&e, "c")->threads, 2);
    assert_near(find_layer(&e, "c")->time, cycles / (1e9 * 2 * 0.5));
    /* Cycles are for one core and do not change. */
    assert_near(find_layer(&e, "c")->cycles, cycles);
    est_free(&e);
    /* --threads 8: p = min(8, 4) = 4; T = cycles / (f x 4 x 0.5). */
    est_source(&e, app_src, "app", 0, MEM_LXNOROP, 8);
    assert_int_equal(e.res.threads, 4);
    assert_int_equal(find_layer(&e, "c")->threads, 4);
    assert_near(find_layer(&e, "c")->time, cycles / (1e9 * 4 * 0.5));
    est_free(&e);
    /* Traffic does not divide among cores: app-slow's 90624 cycles of
     * traffic stay, the compute halves on 4 cores at 0.5: max(74752 / 2,
     * 90624) cycles. */
    est_source(&e, app_src, "app-slow", 0, MEM_LXNOROP, 4);
    assert_near(find_layer(&e, "c")->time, 90624 / 1e9);
    est_free(&e);
    /* A layer with 2 output rows runs on 2 cores; one output feature on
     * one core, at full efficiency. */
    est_source(&e,
               "bnn 1;\n" APP_TARGETS
               "network rows {\n"
               "    input x : b1[2, 8, 64];\n"
               "    c = bconv2d(x, filters = 64, kernel = 3, padding = same_one);\n"
               "    input v : b1[640];\n"
               "    d = bdense(v, units = 1);\n"
               "    output c, d;\n"
               "}\n",
               "app", 0, MEM_LXNOROP, 4);
    const CostLayer *l = find_layer(&e, "c");
    assert_int_equal(l->threads, 2);
    assert_near(l->time, l->cycles / (1e9 * 2 * 0.5));
    l = find_layer(&e, "d");
    assert_int_equal(l->threads, 1);
    /* d: words ceil(640/64) = 10, XNOROP 1 x 10; the whole model fits l1:
     * cycles = 10 x c_x 2 + 1 output x add / fl. */
    assert_int_equal(l->xnorop, 10);
    assert_near(l->cycles, 10 * 2.0 + 1 / 4.0);
    assert_near(l->time, l->cycles / 1e9);
    est_free(&e);
}

/* The parallel term (docs/cost-model.md): the code of --threads N splits
 * a layer's units into N parts of floor or ceil(units / N), so its compute
 * is ceil(units / N) / units of one thread's, and each bnn_parallel_for
 * it makes costs the target's sync. par: 4 cores, efficiency 1 (not
 * given), sync 3 us; one memory level, the fastest: no traffic, so a
 * layer's time on one thread is its cycles / f. */
static const char par_src[] =
    "bnn 1;\n"
    "target par {\n"
    "    clock = 1 GHz; cores = 4; word = 64 bits; vector = 128 bits; sync = 3 us;\n"
    "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 2 cycles; }\n"
    "    memory { ram { size = 1 GiB; } }\n"
    "}\n"
    "target par-cycles : par { sync = 1500 cycles; }\n"
    "network par {\n"
    "    input x : b1[3, 8, 64];\n"
    "    input v : f32[100];\n"
    "    c = bconv2d(x, filters = 64, kernel = 3, padding = same_one);\n"              /* 3 rows */
    "    e = bconv2d(x, filters = 64, kernel = 3, padding = same_one, scaled = yes);\n" /* + epilogue */
    "    d = dense(v, units = 5);\n"                                                      /* 5 units */
    "    s = softmax(v);\n"                                                               /* 1 */
    "    output c, e, d, s;\n"
    "}\n";

static void test_parallel_model(void **state) {
    (void)state;
    /* The largest part: ceil(u / N) / u. */
    assert_near(cost_parallel_share(3, 2), 2 / 3.0);
    assert_near(cost_parallel_share(3, 4), 1 / 3.0);
    assert_near(cost_parallel_share(7, 2), 4 / 7.0);
    assert_near(cost_parallel_share(5, 4), 2 / 5.0);
    assert_near(cost_parallel_share(8, 4), 1 / 4.0);
    assert_near(cost_parallel_share(1, 4), 1);
    assert_near(cost_parallel_share(8, 1), 1);
    Est one, e;
    est_source(&one, par_src, "par", 0, MEM_LXNOROP, 1);
    assert_near(one.t.sync_s, 3e-6);
    assert_near(one.t.sync, 3000);
    const char *names[] = {"c", "e", "d", "s"};
    double t1[4];
    for (int i = 0; i < 4; i++) { /* one thread: no split, no sync */
        const CostLayer *l = find_layer(&one, names[i]);
        assert_int_equal(l->threads, 1);
        t1[i] = l->cycles / 1e9;
        assert_near(l->time, t1[i]);
    }
    /* units: c and e 3 rows, d 5 units, s none; calls: e 2 (its weight
     * scale a pass of its own over 3 x 8 pixels), c and d 1, s 0. */
    assert_int_equal(find_layer(&one, "c")->units, 3);
    assert_int_equal(find_layer(&one, "d")->units, 5);
    assert_int_equal(find_layer(&one, "s")->units, 1);
    assert_int_equal(find_layer(&one, "c")->calls, 1);
    assert_int_equal(find_layer(&one, "e")->calls, 2);
    assert_int_equal(find_layer(&one, "d")->calls, 1);
    assert_int_equal(find_layer(&one, "s")->calls, 0);
    /* 2 threads: c 2 rows of 3 + 3 us; e the same + 2 x 3 us; d 3 units
     * of 5 + 3 us; s as on one thread. */
    est_source(&e, par_src, "par", 0, MEM_LXNOROP, 2);
    assert_int_equal(find_layer(&e, "c")->threads, 2);
    assert_near(find_layer(&e, "c")->time, t1[0] * 2 / 3 + 3e-6);
    assert_near(find_layer(&e, "e")->time, t1[1] * 2 / 3 + 6e-6);
    assert_near(find_layer(&e, "d")->time, t1[2] * 3 / 5 + 3e-6);
    assert_int_equal(find_layer(&e, "s")->threads, 1);
    assert_near(find_layer(&e, "s")->time, t1[3]);
    assert_near(e.res.time, t1[0] * 2 / 3 + t1[1] * 2 / 3 + t1[2] * 3 / 5 + t1[3] + 12e-6);
    est_free(&e);
    /* 4 threads: c on 3 (a row each: 1/3), d 2 units of 5. */
    est_source(&e, par_src, "par", 0, MEM_LXNOROP, 4);
    assert_int_equal(find_layer(&e, "c")->threads, 3);
    assert_near(find_layer(&e, "c")->time, t1[0] / 3 + 3e-6);
    assert_near(find_layer(&e, "d")->time, t1[2] * 2 / 5 + 3e-6);
    est_free(&e);
    /* sync in cycles: 1500 at 1 GHz is 1.5 us; at 2 GHz (cost_time) 0.75 us. */
    est_source(&e, par_src, "par-cycles", 0, MEM_LXNOROP, 2);
    assert_near(find_layer(&e, "c")->time, t1[0] * 2 / 3 + 1.5e-6);
    double at2 = cost_time(&e.res, 2e9, 2);
    assert_near(at2, (t1[0] * 2 / 3 + t1[1] * 2 / 3 + t1[2] * 3 / 5 + t1[3]) / 2 + 4 * 0.75e-6);
    est_free(&e);
    est_free(&one);
}

/* Traffic on threads: a level the cores share (the default) moves a
 * split layer's bytes at its bandwidth as on one thread; a level each
 * core has its own of (shared = no) moves each part's share, so the
 * largest part's. relu on 8 x 8 x 16 floats: 1024 cycles at 1 GHz, 1.024
 * us; 4096 + 4096 B from l2 (more than l1 holds) at 1 GB/s, 8.192 us,
 * which bounds it (overlap); 64 pixels, 32 a part on 2 threads. */
#define TRAFFIC_TARGET(NAME, SHARED)                                                           \
    "target " NAME " {\n"                                                                      \
    "    clock = 1 GHz; cores = 2; word = 64 bits; vector = 128 bits; sync = 1 us;\n"          \
    "    overlap = yes;\n"                                                                     \
    "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"                 \
    "    ops { relu = 1 cycle; }\n"                                                            \
    "    memory {\n"                                                                           \
    "        l1 { size = 4 KiB; bandwidth = 64 GB/s; }\n"                                      \
    "        l2 { size = 1 MiB; bandwidth = 1 GB/s;" SHARED " }\n"                             \
    "    }\n"                                                                                  \
    "}\n"
static const char traffic_src[] = "bnn 1;\n" TRAFFIC_TARGET("tsh", "")
    TRAFFIC_TARGET("town", " shared = no;") "network tr {\n"
    "    input x : f32[8, 8, 16];\n"
    "    re = relu(x);\n"
    "    output re;\n"
    "}\n";

static void test_parallel_traffic(void **state) {
    (void)state;
    Est e;
    est_source(&e, traffic_src, "tsh", 0, MEM_LXNOROP, 1);
    const CostLayer *l = find_layer(&e, "re");
    assert_false(e.t.lv[1].own);
    assert_near(l->cyc_other, 1024);
    assert_near(l->t_traffic, 8192 / 1e9);
    assert_near(l->time, 8192 / 1e9);
    est_free(&e);
    est_source(&e, traffic_src, "tsh", 0, MEM_LXNOROP, 2); /* shared: as one thread, + sync */
    l = find_layer(&e, "re");
    assert_int_equal(l->threads, 2);
    assert_near(l->time, 8192 / 1e9 + 1e-6);
    est_free(&e);
    est_source(&e, traffic_src, "town", 0, MEM_LXNOROP, 1); /* its own: one thread the same */
    assert_true(e.t.lv[1].own);
    assert_near(find_layer(&e, "re")->time, 8192 / 1e9);
    est_free(&e);
    est_source(&e, traffic_src, "town", 0, MEM_LXNOROP, 2); /* half the bytes each, + sync */
    l = find_layer(&e, "re");
    assert_near(l->time, 4096 / 1e9 + 1e-6);
    assert_near(l->t_traffic, 8192 / 1e9); /* one core's traffic, as reported */
    assert_near(cost_time(&e.res, 1e9, 2), 4096 / 1e9 + 1e-6);
    est_free(&e);
}

/* The units the code of --threads N splits each layer of the ops network
 * into (cost_split_units): rows of a window layer, dense units (in
 * blocks of the kernels' lanes for binary weights, 1 on the portable
 * kernels; of 16 on a float input), pixels of an element-wise layer,
 * elements of an i32 add; 1 for what runs on one thread. */
static void test_split_units(void **state) {
    (void)state;
    Est e;
    est_source(&e, ops_src, "syn", 0, MEM_LXNOROP, 1);
    static const struct {
        const char *name;
        int64_t units;
    } want[] = {
        {"cv", 6},  {"bc", 6},  {"bf", 6},  {"dw", 6},  {"gc", 6},   {"bk", 2}, {"pw", 8},
        {"bpw", 8}, {"de", 10}, {"bd", 10}, {"bdf", 1}, {"re", 64},  {"pr", 64}, {"ht", 64},
        {"mp", 4},  {"mpb", 4}, {"ap", 4},  {"gp", 1},  {"ad", 64},  {"adi", 288}, {"fs", 1},
        {"sm", 1},  {"th", 64}, {"rt", 1},  {"tx", 1},  {"mu", 1},   {"sg", 64}, {"sl", 1},
        {"pc", 1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const CostLayer *l = find_layer(&e, want[i].name);
        if (l->units != want[i].units)
            fail_msg("%s: %lld units, expected %lld", want[i].name, (long long)l->units,
                     (long long)want[i].units);
        assert_int_equal(l->calls, want[i].units > 1);
    }
    est_free(&e);
}

/* A microcontroller: W = 32 = vector (lanes 1, fl 1), c_x = 1 + 12 + 1
 * = 14; element costs default to 1. In order, it stalls on its loads:
 * overlap = no, compute and traffic add. Weights live in flash (100 MB/s);
 * activations in dtcm (the fastest level, 2304 B) or sram (4 B/cycle). */
#define MCU_TARGET                                                                         \
    "target mcu {\n"                                                                       \
    "    class = mcu;\n"                                                                   \
    "    clock = 100 MHz;\n"                                                               \
    "    cores = 2;\n"                                                                     \
    "    efficiency = 0.5;\n"                                                              \
    "    word = 32 bits;\n"                                                                \
    "    overlap = no;\n"                                                                  \
    "    cost { xnor = 1 cycle; popcount = 12 cycles; accumulate = 1 cycle; }\n"           \
    "    memory {\n"                                                                       \
    "        dtcm  { size = 2304 B; }\n"                                                   \
    "        sram  { size = 64 KiB; bandwidth = 4 B/cycle; }\n"                            \
    "        flash { size = 1 MiB; bandwidth = 100 MB/s; holds = weights; }\n"             \
    "    }\n"                                                                              \
    "}\n"

/* c: W = 32, C_i = 32: channel 9 x 1 = 9 = dense ceil(288/32): 9 words.
 * 16 filters: XNOROP = 8*8*16 x 9 = 9216; weights 16 x 9 x 4 = 576 B;
 * input 64 px x 4 B = 256 B; output 4 x 8*8*16 = 4096 B.
 * e: 8 filters: XNOROP 8*8*8 x 9 = 4608; weights 288 B; output 2048 B. */
static const char mcu_src[] = "bnn 1;\n" MCU_TARGET
                              "network m {\n"
                              "    input x : b1[8, 8, 32];\n"
                              "    c = bconv2d(x, filters = 16, kernel = 3, padding = same_one);\n"
                              "    e = bconv2d(x, filters = 8, kernel = 3, padding = same_one);\n"
                              "    output c, e;\n"
                              "}\n";

/* c: compute 9216 x 14 + 1024 outputs x add / fl = 130048 cycles;
 * activations 256 + 4096 = 4352 B > dtcm: from sram at 4 B/cycle, 1088
 * cycles; weights 576 B from flash, 16 passes (64 positions / 4): 9216 B
 * at 100 MB/s = 92.16 us = 9216 cycles at 100 MHz. In all 140352. */
#define MCU_C (130048.0 + 1088 + 9216)

static void test_lxnorop_mcu(void **state) {
    (void)state;
    Est e;
    est_source(&e, mcu_src, "mcu", 0, MEM_LXNOROP, 1);
    assert_near(e.t.c_x, 14);
    assert_false(e.t.overlap);
    assert_true(e.t.lv[2].holds_weights);
    const CostLayer *l = find_layer(&e, "c");
    assert_int_equal(l->xnorop, 8 * 8 * 16 * 9);
    assert_int_equal(l->level, 1);
    assert_int_equal(l->wlevel, 2);
    assert_near(l->act_traffic, 4352);
    assert_near(l->wt_traffic, 576 * 16);
    assert_near(l->cycles, MCU_C);
    assert_near(l->time, MCU_C / 100e6);
    /* LXNOROP = XNOROP + (1088 + 9216) / 14 = 9216 + 736. */
    assert_near(l->lxnorop, 9216 + (1088 + 9216) / 14.0);
    /* e: input + output = 256 + 2048 = 2304 B fit dtcm exactly (the whole
     * working set, 2592 B with the weights, would not: only activations
     * count, the weights stay in flash): no activation traffic; weights
     * 288 B x 16 passes = 4608 B at 100 MB/s = 4608 cycles. */
    l = find_layer(&e, "e");
    assert_int_equal(l->level, 0);
    assert_int_equal(l->wlevel, 2);
    assert_near(l->act_traffic, 0);
    assert_near(l->cycles, 4608 * 14.0 + 512 + 4608);
    /* Fits: weights and parameters in flash, the arena in the largest
     * other level (sram). */
    assert_int_equal(e.res.nfits, 2);
    assert_string_equal(e.res.fits[0].level, "flash");
    assert_int_equal(e.res.fits[0].need, 576 + 288);
    assert_string_equal(e.res.fits[1].level, "sram");
    assert_int_equal(e.res.fits[1].need, e.res.act_bytes);
    est_free(&e);

    /* --threads 2 (2 cores, efficiency 0.5): p_l = 2, e = 0.5: the compute
     * takes 130048 / (2 x 0.5) cycles, the traffic is not divided. */
    est_source(&e, mcu_src, "mcu", 0, MEM_LXNOROP, 2);
    l = find_layer(&e, "c");
    assert_int_equal(l->threads, 2);
    assert_near(l->time, (130048.0 / (2 * 0.5) + 1088 + 9216) / 100e6);
    est_free(&e);
}

static void test_roofline(void **state) {
    (void)state;
    Est e;
    /* app, layer c in l1: compute = (XNOROP x c_x + other) / f; traffic:
     * the working set once, (512 + 16384) B + 4608 B at l1's 64 B/cycle.
     * Compute-bound. */
    est_source(&e, app_src, "app", 0, MEM_ROOFLINE, 1);
    const CostLayer *l = find_layer(&e, "c");
    double compute = C_COMPUTE / 1e9;
    double traffic = (512 + 16384 + 4608) / 64e9;
    assert_near(l->t_compute, compute);
    assert_near(l->t_traffic, traffic);
    assert_near(l->time, fmax(compute, traffic));
    assert_near(l->time, compute);
    assert_near(l->cycles, C_COMPUTE);
    est_free(&e);

    /* --threads 4: p_l = min(4, 8 rows) = 4, e = 0.5: compute / (f x 4 x 0.5). */
    est_source(&e, app_src, "app", 0, MEM_ROOFLINE, 4);
    l = find_layer(&e, "c");
    assert_near(l->time, compute / (4 * 0.5));
    assert_near(l->t_traffic, traffic);
    est_free(&e);

    /* relu on f32[64,64,64]: 1 MiB in, 1 MiB out: only dram holds the
     * 2 MiB working set. compute = 262144 x compare / fl / f = 65.536 us;
     * traffic = 2 MiB / 1 GB/s = 2.097 ms: traffic-bound. */
    est_source(&e,
               "bnn 1;\n" APP_TARGETS "network big {\n"
               "    input x : f32[64, 64, 64];\n"
               "    r = relu(x);\n"
               "    output r;\n"
               "}\n",
               "app", 0, MEM_ROOFLINE, 1);
    l = find_layer(&e, "r");
    assert_int_equal(l->level, 2);
    assert_int_equal(l->wlevel, -1);
    assert_near(l->t_compute, 262144 * 1.0 / 4 / 1e9);
    assert_near(l->t_traffic, 2.0 * 1048576 / 1e9);
    assert_near(l->time, 2.0 * 1048576 / 1e9);
    est_free(&e);

    /* Under lxnorop the same relu moves its 2 MiB past l1 too: 2.097 ms,
     * not its 65.536 us of compares. A relu whose data fits l1 moves
     * nothing past it: its compute. */
    est_source(&e,
               "bnn 1;\n" APP_TARGETS "network big {\n"
               "    input x : f32[64, 64, 64];\n"
               "    r = relu(x);\n"
               "    input s : f32[8, 8, 16];\n"
               "    q = relu(s);\n"
               "    output r, q;\n"
               "}\n",
               "app", 0, MEM_LXNOROP, 1);
    l = find_layer(&e, "r");
    assert_near(l->t_compute, 262144 * 1.0 / 4 / 1e9);
    assert_near(l->time, 2.0 * 1048576 / 1e9);
    assert_near(l->cycles, 2.0 * 1048576);
    l = find_layer(&e, "q");
    assert_int_equal(l->level, 0);
    assert_near(l->time, 1024 * 1.0 / 4 / 1e9);
    est_free(&e);

    /* MCU: activations from sram (4 B/cycle x 100 MHz = 400 MB/s), weights
     * from flash (100 MB/s), each once. Layer c: (256 + 4096) / 4e8 +
     * 576 / 1e8; compute (9216 x 14 + 1024) / 1e8; roofline always takes
     * the larger. */
    est_source(&e, mcu_src, "mcu", 0, MEM_ROOFLINE, 1);
    l = find_layer(&e, "c");
    assert_near(l->t_traffic, (256 + 4096) / 4e8 + 576 / 1e8);
    assert_near(l->t_compute, (9216 * 14.0 + 1024) / 1e8);
    assert_near(l->time, (9216 * 14.0 + 1024) / 1e8);
    est_free(&e);
}

/* ------------------------------------------------------------------ */
/* 7. Target errors.                                                   */

static void target_error(const char *src, const char *name, const char *text) {
    Run r;
    run_source(&r, src);
    /* A target that lacks what the cost model needs is fine until used. */
    if (!r.ok)
        fail_msg("the source does not compile:\n%s", r.diag);
    CostTarget t;
    if (run_target(&r, name, &t) || !strstr(r.diag, text))
        fail_msg("expected cost_target to fail with \"%s\"; got:\n%s", text, r.diag);
    run_free(&r);
}

static void test_target_errors(void **state) {
    (void)state;
    /* Missing clock, located at the target's name (line 2, column 8). */
    target_error("bnn 1;\n"
                 "target noclock {\n"
                 "    word = 32 bits;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "}\n",
                 "noclock",
                 "t.bnn:2:8: error: target 'noclock' does not set 'clock', which the cost "
                 "model needs");
    target_error("bnn 1;\n"
                 "\n"
                 "target noword {\n"
                 "    clock = 1 GHz;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "}\n",
                 "noword",
                 "t.bnn:3:8: error: target 'noword' does not set 'word', which the cost "
                 "model needs");
    target_error("bnn 1;\n"
                 "target nocost { clock = 1 GHz; word = 64 bits; cost { xnor = 1 cycle; } }\n",
                 "nocost", "t.bnn:2:8: error: target 'nocost' does not set 'cost.popcount'");
    /* lanes disagrees with vector / word: located at the lanes value. */
    target_error("bnn 1;\n"
                 "target lanes {\n"
                 "    clock = 1 GHz; word = 32 bits; vector = 128 bits;\n"
                 "    lanes = 2;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "}\n",
                 "lanes", "t.bnn:4:13: error: 'lanes' is 2, but vector / word = 128 / 32 = 4");
    target_error("bnn 1;\n"
                 "target vec {\n"
                 "    clock = 1 GHz; word = 64 bits; vector = 96 bits;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "}\n",
                 "vec", "'vector' (96 bits) must be a multiple of 'word' (64 bits)");
    /* The vector kernels' lanes are their register's: AVX2 code on a
     * 128-bit vector would be emitted as NEON's two lanes. */
    target_error("bnn 1;\n"
                 "target k {\n"
                 "    clock = 1 GHz; word = 64 bits; vector = 128 bits;\n"
                 "    kernels = avx2;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "}\n",
                 "k", "t.bnn:4:15: error: kernels = avx2 compute on 256-bit vectors, but "
                      "'vector' is 128 bits");
    target_error("bnn 1;\n"
                 "target k {\n"
                 "    clock = 1 GHz; word = 64 bits; vector = 256 bits;\n"
                 "    kernels = neon;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "}\n",
                 "k", "kernels = neon compute on 128-bit vectors, but 'vector' is 256 bits");
    target_error("bnn 1;\n"
                 "target w16 {\n"
                 "    clock = 1 GHz; word = 16 bits;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "}\n",
                 "w16", "'word' must be 32 or 64 bits, not 16");
    /* Sizes too large for an int are refused where they are written
     * (the property's range, docs/language.md), before they become one
     * (UBSan: 1e+30 is outside the range of int). */
    assert_error("bnn 1;\n"
                 "target vbig {\n"
                 "    clock = 1 GHz; word = 32 bits; vector = 1e30 bits;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "}\n",
                 "t.bnn:3:45: error: property 'vector' must be a whole number from 1 to 65536, "
                 "not 1e+30 bits");
    assert_error("bnn 1;\n"
                 "target wbig {\n"
                 "    clock = 1 GHz; word = 1e30 bits;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "}\n",
                 "property 'word' must be a whole number from 1 to 65536, not 1e+30 bits");
    target_error("bnn 1;\n"
                 "target nosize {\n"
                 "    clock = 1 GHz; word = 32 bits;\n"
                 "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }\n"
                 "    memory { l1 { bandwidth = 1 GB/s; } }\n"
                 "}\n",
                 "nosize", "memory level 'l1' of target 'nosize' has no 'size'");
    /* A consistent lanes is accepted; a derived target inherits what is missing. */
    Run r;
    run_source(&r, "bnn 1;\n"
                   "target base { word = 64 bits; vector = 256 bits; lanes = 4;\n"
                   "    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; } }\n"
                   "target board : base { clock = 2 GHz; }\n");
    assert_true(r.ok);
    CostTarget t;
    assert_true(run_target(&r, "board", &t));
    assert_int_equal(t.lanes, 4);
    assert_int_equal(t.flanes, 8);
    assert_near(t.c_x, 3 / 4.0);
    assert_false(run_target(&r, "base", &t));
    assert_non_null(strstr(r.diag, "target 'base' does not set 'clock'"));
    run_free(&r);
}

/* A measured target, as bnnc calibrate writes one: measured operation
 * costs (threshold and threshold_float apart), a measured gather, and
 * measured bandwidths (docs/cost-model.md sections 3 and 4). */
static const char measured_src[] =
    "bnn 1;\n"
    "target meas {\n"
    "    clock = 1 GHz; word = 32 bits; vector = 128 bits;\n"
    "    cost { xnor = 0 cycles; popcount = 4 cycles; accumulate = 0 cycles; gather = 4 cycles; }\n"
    "    memory {\n"
    "        l1 { size = 4 KiB; bandwidth = 64 GB/s; }\n"
    "        l2 { size = 1 MiB; bandwidth = 4 GB/s; }\n"
    "    }\n"
    "    ops { bconv2d = 3 cycles; threshold = 5 cycles; threshold_float = 2 cycles;\n"
    "          relu = 1 cycle; }\n"
    "}\n"
    "network m {\n"
    "    input x : f32[8, 8, 16];\n"
    "    s  = sign(x);\n"                             /* b1[8,8,16] */
    "    re = relu(x);\n"                             /* f32[8,8,16] */
    "    bc = bconv2d(s, filters = 8, kernel = 3);\n"  /* i32[6,6,8], dense packing */
    "    tb = sign(batchnorm(bc));\n"                 /* threshold on i32 */
    "    tf = sign(batchnorm(x));\n"                  /* threshold on f32 */
    "    cv = conv2d(x, filters = 8, kernel = 3);\n"   /* f32[6,6,8] */
    "    c6 = conv2d(x, filters = 6, kernel = 3);\n"   /* f32[6,6,6] */
    "    output re, tb, tf, cv, c6;\n"
    "}\n";

static void test_measured(void **state) {
    (void)state;
    Est e;
    est_source(&e, measured_src, "meas", 0, MEM_LXNOROP, 1);
    assert_near(e.t.gather, 4);
    assert_near(e.t.c_x, 1); /* 4 / 4 lanes */
    /* relu: 1024 outputs x 1 cycle = 1.024 us at 1 GHz; it moves 4096 +
     * 4096 B, more than l1 holds: from l2 at 4 GB/s, 2.048 us, which
     * bounds it. */
    const CostLayer *l = find_layer(&e, "re");
    assert_near(l->cyc_other, 1024 * 1.0);
    assert_string_equal(e.t.lv[l->level].name, "l2");
    assert_near(l->t_traffic, 8192 / 4e9);
    assert_near(l->time, 8192 / 4e9);
    assert_near(l->cyc_mem, 8192 / 4.0 - 1024);
    assert_near(l->lxnorop, 0);
    /* bconv2d in dense packing (5 words < 9 channel words): 288 outputs x
     * 3 cycles + 36 positions x 9 source words x gather 4. Its data
     * (40 x 4 weights + 256 in + 1152 out) is in l1: LXNOROP = XNOROP. */
    l = find_layer(&e, "bc");
    assert_int_equal(l->words, 5);
    assert_near(l->cyc_other, 288 * 3.0 + 36 * 9 * 4.0);
    assert_near(l->cyc_mem, 0);
    assert_near(l->lxnorop, (double)l->xnorop);
    assert_near(l->time, ((double)l->xnorop * 1 + 288 * 3.0 + 36 * 9 * 4.0) / 1e9);
    /* The thresholds: on i32, 288 x threshold; on f32, 1024 x
     * threshold_float = 2.048 us, more than its traffic (4096 + 256 B
     * from l2: 1.088 us; its parameters are in l1, the fastest level). */
    l = find_layer(&e, "tb");
    assert_near(l->cyc_other, 288 * 5.0);
    l = find_layer(&e, "tf");
    assert_near(l->cyc_other, 1024 * 2.0);
    assert_string_equal(e.t.lv[l->level].name, "l2");
    assert_int_equal(l->wlevel, 0);
    assert_near(l->t_traffic, (4096 + 256) / 4e9);
    assert_near(l->time, 2048 / 1e9);
    /* conv2d: 6 x 6 x 8 outputs x 144 MACs x fmac 1 / 4 lanes = 10368
     * cycles; its weights (more than l1) are read once per block of four
     * output positions (the vector path: 8 channels, vectors of 4 lanes),
     * 9 times, from l2, and its activations (4096 + 1152 B) once: the
     * traffic bounds it. */
    l = find_layer(&e, "cv");
    assert_near(l->cyc_other, 288 * 144 / 4.0);
    int64_t wb = l->weight_bytes + l->param_bytes;
    assert_true(wb > 4096);
    assert_string_equal(e.t.lv[l->wlevel].name, "l2");
    assert_int_equal(l->weight_passes, 9);
    assert_near(l->t_traffic, (4096 + 1152 + 9.0 * (double)wb) / 4e9);
    assert_near(l->time, l->t_traffic);
    /* 6 channels are not a whole number of 4-lane vectors: the kernel's
     * scalar path reads the weights at each of the 36 positions. */
    l = find_layer(&e, "c6");
    assert_int_equal(l->weight_passes, 36);
    est_free(&e);
}

/* cost.unpack: a float dense layer on a binary input pays it once per
 * input bit beyond its MACs, with a measured cost per MAC and without
 * one; a dense layer on a float input never does (docs/cost-model.md
 * section 3). */
static const char unpack_src[] =
    "bnn 1;\n"
    "target u {\n"
    "    clock = 1 GHz; word = 32 bits; vector = 128 bits;\n"
    "    cost { xnor = 0 cycles; popcount = 4 cycles; accumulate = 0 cycles; fmac = 2 cycles;\n"
    "           unpack = 3 cycles; }\n"
    "    memory { l1 { size = 1 MiB; } }\n"
    "}\n"
    "target um : u { ops { dense = 0.5 cycles; } }\n"
    "network d {\n"
    "    input x : f32[64];\n"
    "    s  = sign(x);\n"                  /* b1[64] */
    "    lb = dense(s, units = 10);\n"     /* 640 MACs on 64 bits */
    "    lf = dense(x, units = 10);\n"     /* 640 MACs on 64 floats */
    "    output lb, lf;\n"
    "}\n";

static void test_unpack(void **state) {
    (void)state;
    Est e;
    /* No measured dense: 640 MACs x fmac 2 / 4 float lanes + 64 x 3. */
    est_source(&e, unpack_src, "u", 0, MEM_LXNOROP, 1);
    assert_near(e.t.unpack, 3);
    assert_near(find_layer(&e, "lb")->cyc_other, 640 * 2 / 4.0 + 64 * 3.0);
    assert_near(find_layer(&e, "lf")->cyc_other, 640 * 2 / 4.0);
    est_free(&e);
    /* Measured: 640 MACs x 0.5 + 64 x 3. */
    est_source(&e, unpack_src, "um", 0, MEM_LXNOROP, 1);
    assert_near(find_layer(&e, "lb")->cyc_other, 640 * 0.5 + 64 * 3.0);
    assert_near(find_layer(&e, "lf")->cyc_other, 640 * 0.5);
    est_free(&e);
}

static void test_cost_time(void **state) {
    (void)state;
    static const char *const files[] = {"mnist_mlp.bnn", "lenet_bin.bnn", "vgg_cifar10.bnn",
                                        "birealnet18.bnn", "quicknet.bnn"};
    static const char *const targets[] = {"cortex-a53", "stm32h743", "zen4", "cortex-m4"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        Run r;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BNNC_TEST_EXAMPLES, files[f]);
        run_file(&r, path, true);
        assert_true(r.ok);
        for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
            CostTarget t;
            assert_true(run_target(&r, targets[k], &t));
            assert_true(run_passes(&r, &t, 0));
            for (int model = 0; model < 2; model++)
                for (int threads = 1; threads <= 4; threads += 3) {
                    CostResult res;
                    cost_run(&r.c, r.m.graphs.v[0], &t, (MemModel)model, threads, &res);
                    assert_near(cost_time(&res, t.clock, res.threads), res.time);
                    /* At twice the clock the compute halves and the
                     * traffic over B/s bandwidths does not: the time is
                     * at least half and at least that traffic, and less
                     * than before unless the traffic holds every layer. */
                    double t2 = cost_time(&res, 2 * t.clock, res.threads), bound = 0;
                    for (int i = 0; i < res.n; i++)
                        bound += res.layers[i].traffic_s;
                    assert_true(t2 >= res.time / 2 - 1e-12 && t2 <= res.time + 1e-12);
                    assert_true(t2 >= bound - 1e-12);
                }
        }
        run_free(&r);
    }
}

/* Thresholds and the bit-serial layers that read their u8 counts
 * (docs/cost-model.md section 1). On syn (W = 32, c_x = 1, add 7,
 * compare 5, fl 4):
 *   c  = bconv2d(b1[6,6,8], 16 filters, 3x3, same): binary, N = 72.
 *   a  = thresholds(c, levels = 3): u8 of 2 bits, [6,6,16];
 *        576 x 3 x (5 + 7) / 4 = 5184 cycles; 16 x 3 int32 = 192 B.
 *   q  = bconv2d(a, 8 filters, 3x3, groups 2): bit-serial, N = 9 x 8 = 72,
 *        dense words ceil(72 / 32) = 3, outputs 4 x 4 x 8 = 128:
 *        XNOROP 128 x 3 x 2 bits = 768; other: 128 x 2 x 7 / 4 + 16
 *        positions x 144 inputs x 2 bits x (load 11 + store 13 + 3 x
 *        add 7 = 45 a bit put in its plane) = 448 + 207360 = 207808;
 *        weights 8 filters x 3 words x 4 B (one lane on syn's portable
 *        kernels), (2^2 - 1) x their +1 weights 8 x 4 B; read at each of 16 positions
 *        and 2 bits.
 *   one = thresholds(q): b1, levels 1.
 *   d  = bdense(flatten(a), 10): N = 576, words 18, 10 x 18 x 2 = 360
 *        XNOROP; the weights read twice (one pass per bit); other: 10 x 2
 *        x 7 / 4 + 576 inputs x 2 bits x 45 = 35 + 51840 = 51875. */
static void test_bitserial(void **state) {
    (void)state;
    Est e;
    est_source(&e,
               "bnn 1;\n" SYN_TARGET
               "network n {\n"
               "    input x : f32[6, 6, 8];\n"
               "    c = bconv2d(sign(x), filters = 16, kernel = 3, padding = same);\n"
               "    a = thresholds(c, levels = 3);\n"
               "    q = bconv2d(a, filters = 8, kernel = 3, groups = 2);\n"
               "    one = thresholds(q);\n"
               "    d = bdense(flatten(a), units = 10);\n"
               "    output one, d;\n"
               "}\n",
               "syn", 0, MEM_LXNOROP, 1);
    const CostLayer *a = find_layer(&e, "a"), *q = find_layer(&e, "q"),
                    *one = find_layer(&e, "one"), *d = find_layer(&e, "d");
    assert_int_equal(ir_value_bits(a->n), 2);
    assert_near(a->cyc_other, 576 * 3 * (CMP + ADD) / FL);
    assert_int_equal(a->param_bytes, 16 * 3 * 4);
    assert_true(ir_is_bitserial(q->n));
    assert_int_equal(q->bmacs, 128 * 72);
    assert_int_equal(q->fmacs, 0);
    assert_int_equal(q->words, 3);
    assert_int_equal(q->xnorop, 128 * 3 * 2);
    assert_near(q->cyc_xnor, 768 * 1.0);
    assert_near(q->cyc_other, 448 + 207360);
    assert_near(q->cyc_other, 128 * 2 * ADD / FL + 16 * 144 * 2 * (LOAD + STORE + 3 * ADD));
    /* Dense packing in blocks of the lanes (1: portable kernels). */
    assert_int_equal(q->weight_bytes, 8 * 3 * 4);
    assert_int_equal(q->param_bytes, 8 * 4);
    assert_int_equal(q->weight_passes, 16 * 2);
    assert_near(one->cyc_other, 128 * 1 * (CMP + ADD) / FL);
    assert_int_equal(d->xnorop, 10 * 18 * 2);
    assert_int_equal(d->weight_passes, 2);
    assert_near(d->cyc_other, 35 + 51840);
    /* Packed as a binary layer's (not the 16-unit masks of a float input):
     * 10 x 18 words x 4 B; (2^2 - 1) x its +1 weights, 10 x 4 B. */
    assert_int_equal(d->weight_bytes, 10 * 18 * 4);
    assert_int_equal(d->param_bytes, 10 * 4);
    /* Three XNOR-popcount layers: c, and q and d bit-serially. */
    assert_int_equal(e.res.nbinary, 3);
    est_free(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitserial),
        cmocka_unit_test(test_every_op),
        cmocka_unit_test(test_layer_params),
        cmocka_unit_test(test_param_counts),
        cmocka_unit_test(test_param_counts_prelu_per_element),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_counting_rules),
        cmocka_unit_test(test_example_mnist_mlp),
        cmocka_unit_test(test_example_lenet_bin),
        cmocka_unit_test(test_example_vgg_cifar10),
        cmocka_unit_test(test_example_birealnet18),
        cmocka_unit_test(test_example_quicknet),
        cmocka_unit_test(test_compress_ratio),
        cmocka_unit_test(test_compress_target_packing),
        cmocka_unit_test(test_compress_off),
        cmocka_unit_test(test_lxnorop_app),
        cmocka_unit_test(test_clock_override),
        cmocka_unit_test(test_overhead),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_parallel_model),
        cmocka_unit_test(test_parallel_traffic),
        cmocka_unit_test(test_split_units),
        cmocka_unit_test(test_lxnorop_mcu),
        cmocka_unit_test(test_roofline),
        cmocka_unit_test(test_target_errors),
        cmocka_unit_test(test_measured),
        cmocka_unit_test(test_unpack),
        cmocka_unit_test(test_cost_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
