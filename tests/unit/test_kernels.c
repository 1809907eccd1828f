/*
 * test_kernels.c: the kernel library (runtime/) against the reference
 * interpreter, flavour by flavour.
 *
 * Each case of tests/kernels/cases.c (one layer, random data from a fixed
 * seed) runs through the interpreter as a one-layer network (interp_run,
 * the arithmetic of docs/semantics.md), and through every flavour's
 * runner (tests/kernels/runner.c: the library's function on the emitter's
 * layouts); the outputs must be equal to the bit, floats included. The
 * x86 flavours run where the CPU has their instructions (cpuid), and are
 * skipped, saying so, where it does not. With --write-expected FILE the
 * program writes the interpreter's outputs instead, for the AArch64 test
 * under qemu (tests/kernels/neon.sh), which has no interpreter.
 */
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"

static int ncases;
static kc_case *cases;
static Tensor *expected; /* the interpreter's output of each case */
static Run *runs;        /* their compilations, which own the outputs */
static int nrun;         /* how many of them there are */

static const char *tname(char t)
{
    return t == 'f' ? "f32" : t == 'i' ? "i32" : t == 'u' ? "u8" : "b1";
}

/* The attributes of a window layer. */
static void window_attrs(const kc_case *c, char *b, size_t n, bool conv)
{
    static const char *pads[] = {"valid", "same", "same_one"};
    int k = snprintf(b, n, "kernel = (%d, %d), stride = (%d, %d), padding = %s", c->Kh, c->Kw,
                     c->sh, c->sw, pads[c->pad]);
    if (conv)
        snprintf(b + k, n - (size_t)k, ", dilation = (%d, %d)%s%s", c->dh, c->dw,
                 c->bias ? ", bias = yes" : "", c->wscale ? ", scaled = yes" : "");
}

/* The network of case c: input x (and z for add), the layer y. */
static void source(const kc_case *c, char *src, size_t n)
{
    char in[64], a[256], layer[512];
    if (c->H)
        snprintf(in, sizeof in, "%s[%d, %d, %d]", tname(c->x.t), c->H, c->W, c->C);
    else
        snprintf(in, sizeof in, "%s[%d]", tname(c->x.t), c->C);
    bool conv = c->op == KC_BCONV || c->op == KC_BCONV_BS || c->op == KC_CONV ||
                c->op == KC_CONV_BW || c->op == KC_DWCONV || c->op == KC_BCONV_EPI ||
                c->op == KC_CONV_EPI;
    window_attrs(c, a, sizeof a, conv);
    const char *epi = c->bias && c->wscale ? ", bias = yes, scaled = yes"
                      : c->bias            ? ", bias = yes"
                      : c->wscale          ? ", scaled = yes"
                                           : "";
    switch (c->op) {
    case KC_BCONV: case KC_BCONV_BS: case KC_CONV_BW: case KC_CONV:
        snprintf(layer, sizeof layer, "y = %s(x, filters = %d, %s, groups = %d);",
                 c->op == KC_CONV ? "conv2d" : "bconv2d", c->Co, a, c->groups);
        break;
    case KC_DWCONV:
        snprintf(layer, sizeof layer, "y = depthwise_conv2d(x, %s, multiplier = %d);", a,
                 c->Co / c->C);
        break;
    case KC_BDENSE: case KC_BDENSE_BS: case KC_BDENSE_F: case KC_DENSE:
        snprintf(layer, sizeof layer, "y = %s(x, units = %d%s);",
                 c->op == KC_DENSE ? "dense" : "bdense", c->Co, epi);
        break;
    case KC_THRESHOLD:
        snprintf(layer, sizeof layer, "b = batchnorm(x); y = sign(b);");
        break;
    case KC_THRESHOLDS:
        snprintf(layer, sizeof layer, "y = thresholds(x, levels = %d, strict = %s);", c->levels,
                 c->strict ? "yes" : "no");
        break;
    case KC_ADD:
        snprintf(layer, sizeof layer, "input z : %s[%d, %d, %d]; y = add(x, z);", tname(c->x2.t),
                 c->H, c->W, c->C);
        break;
    case KC_MAXPOOL: case KC_AVGPOOL:
        snprintf(layer, sizeof layer, "y = %s(x, size = %d, stride = %d, padding = %s);",
                 c->op == KC_MAXPOOL ? "maxpool" : "avgpool", c->Kh, c->sh,
                 c->pad ? "same" : "valid");
        break;
    case KC_CONCAT:
        snprintf(layer, sizeof layer, "input z : %s[%d, %d, %d]; y = concat(x, z);",
                 tname(c->x2.t), c->H, c->W, c->C2);
        break;
    case KC_MUL:
        snprintf(layer, sizeof layer, "input z : %s[%d, %d, %d]; y = mul(x, z);", tname(c->x2.t),
                 c->m[0], c->m[1], c->m[2]);
        break;
    case KC_FLATTEN:
        snprintf(layer, sizeof layer, "y = flatten(x);");
        break;
    case KC_RESHAPE:
        snprintf(layer, sizeof layer, "y = reshape(x, shape = (%d, %d));", c->o[1], c->o[2]);
        break;
    case KC_TRANSPOSE:
        snprintf(layer, sizeof layer, "y = transpose(x, perm = (%d, %d, %d));", c->perm[0],
                 c->perm[1], c->perm[2]);
        break;
    case KC_SLICE:
        snprintf(layer, sizeof layer, "y = slice(x, begin = (%d, %d, %d), end = (%d, %d, %d));",
                 c->begin[0], c->begin[1], c->begin[2], c->end[0], c->end[1], c->end[2]);
        break;
    case KC_PAD:
        snprintf(layer, sizeof layer, "y = pad_channels(x, before = %d, after = %d, value = %g);",
                 c->before, c->after, c->value);
        break;
    case KC_BCONV_EPI:
    case KC_BDENSE_EPI:
    case KC_CONV_EPI: {
        static const char *chains[] = {
            [KC_EPI_FLOAT] = "b = batchnorm(c); r = relu(b); y = add(r, z);",
            [KC_EPI_SIGN] = "b = batchnorm(c); p = prelu(b); h = hardtanh(p); y = sign(h);",
            [KC_EPI_THRF] = "a = add(z, c); b = batchnorm(a); y = sign(b);",
            [KC_EPI_THRI] = "b = batchnorm(c); y = sign(b);",
            [KC_EPI_SIDE] = "b = batchnorm(c); r = relu(b); a = add(r, z); y = sign(a);"};
        char dot[320], z[64] = "";
        if (c->op == KC_BCONV_EPI || c->op == KC_CONV_EPI)
            snprintf(dot, sizeof dot, "c = %s(x, filters = %d, %s, groups = %d);",
                     c->op == KC_CONV_EPI ? "conv2d" : "bconv2d", c->Co, a, c->groups);
        else
            snprintf(dot, sizeof dot, "c = bdense(x, units = %d%s);", c->Co, epi);
        if (c->x2.t) {
            int Ho, Wo;
            kc_out_hw(c, &Ho, &Wo);
            if (c->op != KC_BDENSE_EPI)
                snprintf(z, sizeof z, "input z : %s[%d, %d, %d]; ", tname(c->x2.t), Ho, Wo, c->Co);
            else
                snprintf(z, sizeof z, "input z : %s[%d]; ", tname(c->x2.t), c->Co);
        }
        snprintf(layer, sizeof layer, "%s%s %s", z, dot, chains[c->epi]);
        break;
    }
    default: {
        static const char *ops[] = {[KC_SIGN] = "sign", [KC_BATCHNORM] = "batchnorm",
                                    [KC_RELU] = "relu", [KC_HARDTANH] = "hardtanh",
                                    [KC_SIGMOID] = "sigmoid", [KC_PRELU] = "prelu",
                                    [KC_GAVGPOOL] = "global_avgpool", [KC_SOFTMAX] = "softmax"};
        snprintf(layer, sizeof layer, "y = %s(x);", ops[c->op]);
    }
    }
    snprintf(src, n, "bnn 1;\nnetwork n {\n    input x : %s;\n    %s\n    output y;\n}\n", in,
             layer);
}

static Tensor to_tensor(const kc_tensor *t)
{
    Tensor r = {.n = t->n, .f = t->f, .i = t->i, .u = t->u, .b = t->b};
    r.type = t->t == 'f' ? DT_F32 : t->t == 'i' ? DT_I32 : t->t == 'u' ? DT_U8 : DT_B1;
    return r;
}

/* Runs case k through the interpreter into expected[k]. */
static void interpret(int k)
{
    const kc_case *c = &cases[k];
    char src[1024], what[512];
    source(c, src, sizeof src);
    kc_describe(c, what, sizeof what);
    Run *r = &runs[k];
    run_source(r, src);
    nrun = k + 1;
    if (!r->ok)
        fail_msg("case %d (%s) does not compile:\n%s\n%s", k, what, src, r->diag);
    LayerParams lp = {.layer = "y", .w = c->w, .nw = c->nw, .bias = c->bias,
                      .wscale = c->wscale, .nout = c->Co};
    if (c->op == KC_THRESHOLD || c->op == KC_BATCHNORM)
        lp = (LayerParams){.layer = c->op == KC_THRESHOLD ? "b" : "y", .scale = c->scale,
                           .shift = c->shift, .nc = c->C};
    if (c->op == KC_PRELU)
        lp = (LayerParams){.layer = "y", .alpha = c->alpha, .nc = c->C};
    Weights w = {.v = &lp, .n = 1};
    LayerParams chain[3] = {
        {.layer = "c", .w = c->w, .nw = c->nw, .bias = c->bias, .wscale = c->wscale,
         .nout = c->Co},
        {.layer = "b", .scale = c->scale, .shift = c->shift, .nc = c->Co},
        {.layer = "p", .alpha = c->alpha, .nc = c->Co}};
    if (c->op == KC_BCONV_EPI || c->op == KC_BDENSE_EPI || c->op == KC_CONV_EPI)
        w = (Weights){.v = chain, .n = c->epi == KC_EPI_SIGN ? 3 : 2};
    Tensor in[2] = {to_tensor(&c->x), to_tensor(&c->x2)};
    if (!interp_run(&r->c, r->m.graphs.v[0], &w, in, &expected[k])) {
        fflush(r->err);
        fail_msg("case %d (%s): interp_run failed:\n%s", k, what, r->diag);
    }
}

static int setup(void **state)
{
    (void)state;
    ncases = kc_count();
    cases = calloc((size_t)ncases, sizeof *cases);
    expected = calloc((size_t)ncases, sizeof *expected);
    runs = calloc((size_t)ncases, sizeof *runs);
    for (int k = 0; k < ncases; k++) {
        kc_make(k, &cases[k]);
        interpret(k);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int k = 0; k < ncases; k++)
        kc_free(&cases[k]);
    for (int k = 0; k < nrun; k++)
        run_free(&runs[k]);
    free(cases);
    free(expected);
    free(runs);
    return 0;
}

/* Case k's library output got against the interpreter's; returns the
 * number of differing elements, printing the first. */
static long compare(int k, const char *flavour, const kc_tensor *got)
{
    const Tensor *e = &expected[k];
    Tensor g = to_tensor(got);
    char what[512];
    kc_describe(&cases[k], what, sizeof what);
    if (g.type != e->type || g.n != e->n) {
        print_error("%s, case %d (%s): output %s of %lld elements, want %s of %lld\n", flavour,
                    k, what, dtype_name(g.type), (long long)g.n, dtype_name(e->type),
                    (long long)e->n);
        return 1;
    }
    long bad = 0;
    for (int64_t i = 0; i < e->n; i++) {
        bool same;
        double gv, ev;
        switch (e->type) {
        case DT_F32: same = !memcmp(&g.f[i], &e->f[i], 4), gv = g.f[i], ev = e->f[i]; break;
        case DT_I32: same = g.i[i] == e->i[i], gv = g.i[i], ev = e->i[i]; break;
        case DT_U8: same = g.u[i] == e->u[i], gv = g.u[i], ev = e->u[i]; break;
        default: same = g.b[i] == e->b[i], gv = g.b[i], ev = e->b[i]; break;
        }
        if (!same && bad++ == 0)
            print_error("%s, case %d (%s): element %lld is %.9g, want %.9g\n", flavour, k, what,
                        (long long)i, gv, ev);
    }
    return bad;
}

typedef void (*Runner)(const kc_case *, kc_tensor *);

static void run_flavour(const char *flavour, Runner run)
{
    int failed = 0;
    for (int k = 0; k < ncases; k++) {
        kc_tensor got;
        memset(&got, 0, sizeof got);
        run(&cases[k], &got);
        failed += compare(k, flavour, &got) != 0;
        kc_tensor_free(&got);
    }
    print_message("%s: %d cases, %d differ from the interpreter\n", flavour, ncases, failed);
    assert_int_equal(failed, 0);
}

#define FLAVOUR_TEST(name, supported)                                                          \
    static void test_##name(void **state)                                                      \
    {                                                                                          \
        (void)state;                                                                           \
        if (!(supported)) {                                                                    \
            print_message("%s: skipped, this CPU lacks its instructions\n", #name);            \
            skip();                                                                            \
        }                                                                                      \
        run_flavour(#name, kc_run_##name);                                                     \
    }

#if defined(__x86_64__)
#define CPU(f) __builtin_cpu_supports(f)
#else
#define CPU(f) 0
#endif
FLAVOUR_TEST(portable32, 1)
FLAVOUR_TEST(portable64, 1)
FLAVOUR_TEST(cortexm32, 1)
FLAVOUR_TEST(builtin32, 1)
FLAVOUR_TEST(builtin64, 1)
#if defined(__x86_64__)
FLAVOUR_TEST(popcnt32, CPU("popcnt"))
FLAVOUR_TEST(popcnt64, CPU("popcnt"))
FLAVOUR_TEST(avx2, CPU("avx2") && CPU("popcnt"))
FLAVOUR_TEST(avx512, CPU("avx512f") && CPU("avx512vpopcntdq"))
#else
#define NOT_X86(name)                                                                          \
    static void test_##name(void **state)                                                      \
    {                                                                                          \
        (void)state;                                                                           \
        print_message("%s: skipped, the host is not x86-64\n", #name);                         \
        skip();                                                                                \
    }
NOT_X86(popcnt32)
NOT_X86(popcnt64)
NOT_X86(avx2)
NOT_X86(avx512)
#endif

/* The cases cover what they promise: each padding, packing, channel
 * count, stride, dilation, grouped and bit-serial width turns up in the
 * binary convolutions; the register-blocked bnn_conv_out4 of NEON (blocks
 * of two channels, four at a time) meets every remainder of blocks (0 to
 * 3, and a last block of one channel) with +1 and with no padding, in the
 * three packings, with strides 1 and 2; and a convolution's field is so
 * wide that NEON's 16-bit counters would overflow if they were not
 * widened in time: at 10 bits of 16 set (make_wide), a counter passes
 * 65535 after 6554 words (a filter's sum of four counters, widened every
 * 1023 words, after 1639); a dense layer's input as wide, 13200 words.
 * The vector paths of depthwise_conv2d and the pools (make_window_vec)
 * meet 16, 17 and 48 channels, depthwise in each padding with multiplier
 * 2 and strides 1 and 2, the pools on f32 holding NaN and zeros of both
 * signs. */
static void test_coverage(void **state)
{
    (void)state;
    int pads[3] = {0}, packs[3] = {0}, chans[101] = {0}, s2 = 0, d2 = 0, grouped = 0, b2 = 0,
        b8 = 0, epi = 0, out4 = 0, rem[4][3] = {{0}}, odd_co = 0, bpacks[3] = {0}, bs2 = 0,
        wide_conv = 0, wide_dense = 0, dwv[3][3] = {{0}}, dwm2 = 0, dws[2] = {0},
        poolv[2][3] = {{0}};
    for (int k = 0; k < ncases; k++) {
        const kc_case *c = &cases[k];
        if (c->op == KC_BCONV) {
            pads[c->pad]++, packs[c->pack]++;
            if (c->C <= 100)
                chans[c->C]++;
            s2 += c->sh == 2 || c->sw == 2, d2 += c->dh == 2 || c->dw == 2;
            grouped += c->groups > 1, epi += c->bias || c->wscale;
            out4 += c->pad == 0 && c->Co % 8 == 0 && c->Co >= 16;
            int Ho, Wo, cog = c->Co / c->groups;
            kc_out_hw(c, &Ho, &Wo);
            if ((long)Ho * Wo >= 4 && c->pad != 1) {
                rem[(cog / 2) % 4][c->pad]++;
                odd_co += cog % 2 == 1 && cog > 2;
                bpacks[c->pack]++, bs2 += c->sh == 2;
            }
            wide_conv += (long)c->Kh * c->Kw * ((c->C + 63) / 64) > 6554;
        }
        if (c->op == KC_BDENSE)
            wide_dense += (c->C + 63) / 64 > 13108;
        if (c->op == KC_BCONV_BS)
            b2 += c->bits == 2, b8 += c->bits == 8;
        int vc = c->C == 16 ? 0 : c->C == 17 ? 1 : c->C == 48 ? 2 : -1;
        if (c->op == KC_DWCONV && vc >= 0) {
            dwv[vc][c->pad]++;
            dwm2 += c->Co == 2 * c->C, dws[c->sh - 1]++;
        }
        if ((c->op == KC_MAXPOOL || c->op == KC_AVGPOOL) && vc >= 0 && c->x.t == 'f') {
            int nan = 0, nz = 0, pz = 0;
            for (long i = 0; i < c->x.n; i++) {
                float v = c->x.f[i];
                nan |= v != v, nz |= v == 0.0f && signbit(v), pz |= v == 0.0f && !signbit(v);
            }
            poolv[c->op == KC_AVGPOOL][vc] += nan && nz && pz;
        }
    }
    for (int v = 0; v < 3; v++) { /* the window layers' vector paths and tails */
        for (int pd = 0; pd < 3; pd++)
            assert_true(dwv[v][pd] >= 2);
        assert_true(poolv[0][v] >= 2 && poolv[1][v] >= 2);
    }
    assert_true(dwm2 >= 6 && dws[0] >= 6 && dws[1] >= 6);
    for (int i = 0; i < 3; i++) {
        assert_true(pads[i] >= 5);
        assert_true(packs[i] >= 5);
        assert_true(bpacks[i] >= 3);
    }
    for (int r = 0; r < 4; r++) {
        assert_true(rem[r][0] >= 1);
        assert_true(rem[r][2] >= 1);
    }
    int want[5] = {1, 31, 33, 65, 100};
    for (int i = 0; i < 5; i++)
        assert_true(chans[want[i]] >= 3);
    assert_true(s2 && d2 && grouped && b2 && b8 && epi && out4 && odd_co && bs2);
    assert_true(wide_conv && wide_dense);
}

/* Writes the interpreter's outputs: for each case its type letter, its
 * element count (int64) and its elements, little-endian as the host. */
static int write_expected(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 1;
    for (int k = 0; k < ncases; k++) {
        const Tensor *e = &expected[k];
        char t = e->type == DT_F32 ? 'f' : e->type == DT_I32 ? 'i' : e->type == DT_U8 ? 'u' : 'b';
        int64_t n = e->n;
        size_t sz = t == 'f' || t == 'i' ? 4 : 1;
        const void *p = t == 'f' ? (const void *)e->f : t == 'i' ? (const void *)e->i
                        : t == 'u' ? (const void *)e->u : (const void *)e->b;
        fwrite(&t, 1, 1, f);
        fwrite(&n, sizeof n, 1, f);
        fwrite(p, sz, (size_t)n, f);
    }
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-expected")) {
        setup(NULL);
        int rc = write_expected(argv[2]);
        teardown(NULL);
        return rc;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coverage),    cmocka_unit_test(test_portable32),
        cmocka_unit_test(test_portable64),  cmocka_unit_test(test_cortexm32),
        cmocka_unit_test(test_builtin32),   cmocka_unit_test(test_builtin64),
        cmocka_unit_test(test_popcnt32),    cmocka_unit_test(test_popcnt64),
        cmocka_unit_test(test_avx2),        cmocka_unit_test(test_avx512),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
