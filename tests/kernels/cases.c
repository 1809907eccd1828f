/*
 * cases.c: the kernel library's test cases (cases.h): every layer
 * function on random data from fixed seeds, over odd channel counts (1,
 * 31, 33, 65, 100), the three paddings, strides 1 and 2, dilations,
 * groups, the three packings of binary convolutions, a bias and a weight
 * scale, bit-serial u8 inputs of 8 and of fewer bits, and every input
 * type a float layer reads.
 */
#include "cases.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int chans[5] = {1, 31, 33, 65, 100};

/* xorshift64*: the same numbers on every machine. */
static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717u) >> 32);
}

/* A float in [-2, 2) in steps of 1/64, or one of the awkward values. */
static float rnd_float(void)
{
    uint32_t r = rnd();
    if (r % 61 == 0)
        return (r / 61) % 2 ? -0.0f : 0.0f;
    return ((float)(int)(r % 256) - 128.0f) / 64.0f + (float)(r >> 24) / 65536.0f;
}

static float *floats(long n)
{
    float *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    for (long i = 0; i < n; i++)
        v[i] = rnd_float();
    return v;
}

/* Binary weights as the interpreter reads them: +1 where v >= 0. */
static float *signs(long n)
{
    float *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    for (long i = 0; i < n; i++)
        v[i] = rnd() % 2 ? 1.0f : -1.0f;
    return v;
}

/* An input tensor of type t with n elements; u8 values below 2^bits, i32
 * values in [lo, hi]. */
static kc_tensor input(char t, long n, int bits, int lo, int hi)
{
    kc_tensor x;
    memset(&x, 0, sizeof x);
    x.t = t;
    x.n = n;
    size_t m = (size_t)(n ? n : 1);
    switch (t) {
    case 'f':
        x.f = floats(n);
        break;
    case 'i':
        x.i = malloc(m * sizeof *x.i);
        for (long i = 0; i < n; i++)
            x.i[i] = lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
        break;
    case 'u':
        x.u = malloc(m);
        for (long i = 0; i < n; i++)
            x.u[i] = (uint8_t)(rnd() & ((1u << bits) - 1));
        break;
    default:
        x.b = malloc(m);
        for (long i = 0; i < n; i++)
            x.b[i] = rnd() % 2 ? 1 : -1;
        break;
    }
    return x;
}

void kc_tensor_free(kc_tensor *t)
{
    free(t->f);
    free(t->i);
    free(t->u);
    free(t->b);
    memset(t, 0, sizeof *t);
}

void kc_out_hw(const kc_case *c, int *Ho, int *Wo)
{
    int d[2] = {c->dh, c->dw}, s[2] = {c->sh, c->sw}, k[2] = {c->Kh, c->Kw}, in[2] = {c->H, c->W};
    int o[2];
    for (int a = 0; a < 2; a++)
        o[a] = c->pad == 0 ? (in[a] - d[a] * (k[a] - 1) - 1) / s[a] + 1 : (in[a] + s[a] - 1) / s[a];
    *Ho = o[0];
    *Wo = o[1];
}

char kc_out_type(const kc_case *c)
{
    switch (c->op) {
    case KC_BCONV:
    case KC_BDENSE:
    case KC_BCONV_BS:
    case KC_BDENSE_BS:
        return c->bias || c->wscale ? 'f' : 'i';
    case KC_SIGN:
    case KC_THRESHOLD:
        return 'b';
    case KC_BCONV_EPI:
    case KC_BDENSE_EPI:
    case KC_CONV_EPI:
        return c->epi == KC_EPI_FLOAT ? 'f' : 'b';
    case KC_THRESHOLDS:
        return c->levels == 1 ? 'b' : 'u';
    case KC_ADD:
        return c->x.t == 'i' && c->x2.t == 'i' ? 'i' : 'f';
    case KC_MAXPOOL:
    case KC_FLATTEN:
    case KC_TRANSPOSE:
    case KC_SLICE:
    case KC_RESHAPE:
    case KC_PAD:
        return c->x.t;
    case KC_CONCAT:
        return c->x.t == c->x2.t ? c->x.t : 'f';
    default:
        return 'f';
    }
}

long kc_out_elems(const kc_case *c)
{
    int Ho, Wo;
    kc_out_hw(c, &Ho, &Wo);
    long P = c->H ? (long)c->H * c->W : 1;
    switch (c->op) {
    case KC_BCONV:
    case KC_BCONV_BS:
    case KC_CONV:
    case KC_DWCONV:
    case KC_CONV_BW:
    case KC_BCONV_EPI:
    case KC_CONV_EPI:
        return (long)Ho * Wo * c->Co;
    case KC_BDENSE_EPI:
        return c->Co;
    case KC_MAXPOOL:
    case KC_AVGPOOL:
        return (long)Ho * Wo * c->C;
    case KC_BDENSE:
    case KC_BDENSE_BS:
    case KC_DENSE:
    case KC_BDENSE_F:
        return c->Co;
    case KC_GAVGPOOL:
        return c->C;
    case KC_CONCAT:
    case KC_FLATTEN:
    case KC_TRANSPOSE:
    case KC_SLICE:
    case KC_RESHAPE:
    case KC_MUL:
    case KC_PAD:
        return (long)c->o[0] * c->o[1] * c->o[2];
    default:
        return P * c->C;
    }
}

/* A window layer's geometry from index j: strides, dilations, kernels
 * and sizes vary together so that every combination turns up. */
static void window(kc_case *c, int j, int C, int pad)
{
    c->H = 6 + j % 2;
    c->W = 7;
    c->C = C;
    c->pad = pad;
    c->sh = 1 + j % 2;
    c->sw = 1 + (j / 3) % 2;
    c->dh = 1 + (j / 2) % 2;
    c->dw = 1 + (j / 5) % 2;
    c->Kh = j % 4 == 0 ? 1 : 3;
    c->Kw = j % 4 == 0 ? 1 : j % 4 == 3 ? 2 : 3;
    c->groups = 1;
}

static void make_bconv(kc_case *c, int j)
{
    static const int co_list[7] = {1, 7, 33, 64, 100, 24, 16};
    c->op = KC_BCONV;
    window(c, j, chans[j % 5], (j / 5) % 3);
    c->pack = j / 15;
    c->Co = co_list[j % 7];
    if (j % 4 == 1) { /* a whole window inside: four pixels through bnn_conv_out4 */
        c->dh = c->dw = c->sh = c->sw = 1;
    }
    if (c->C == 100 && j % 2 == 0) {
        c->groups = 2;
        c->Co = j % 4 ? 64 : 100;
    }
    long taps = (long)c->Kh * c->Kw;
    c->x = input('b', (long)c->H * c->W * c->C, 0, 0, 0);
    c->nw = taps * (c->C / c->groups) * c->Co;
    c->w = signs(c->nw);
    if (j % 4 == 2)
        c->bias = floats(c->Co);
    if (j % 8 == 3)
        c->wscale = floats(c->Co);
}

/* Binary convolutions for the register-blocked bnn_conv_out4 of the
 * vector flavours: output channels 2 to 17 (NEON's 1 to 8 blocks of two:
 * a multiple of four blocks, 1, 2 or 3 past one, and a last block of one
 * channel), field words 1 to 192 (odd and even) in the three packings,
 * the three paddings, strides 1 and 2, grouped, and pixel counts that are
 * not a multiple of four. */
static void make_bconv_blocks(kc_case *c, int j)
{
    static const int co_list[8] = {2, 3, 8, 9, 10, 12, 14, 17};
    static const int c_list[6] = {64, 128, 1, 100, 65, 192};
    c->op = KC_BCONV;
    c->H = 5 + j % 4;
    c->W = 6 + (j / 4) % 3;
    c->C = c_list[j % 6];
    c->Co = co_list[j % 8];
    c->pad = j % 3;
    c->sh = c->sw = 1 + (j / 3) % 2;
    c->Kh = 3;
    c->Kw = j % 5 == 4 ? 2 : 3;
    c->pack = (j / 8) % 3;
    if (c->C % 2 == 0 && c->Co % 2 == 0 && j % 4 == 2)
        c->groups = 2;
    c->x = input('b', (long)c->H * c->W * c->C, 0, 0, 0);
    c->nw = (long)c->Kh * c->Kw * (c->C / c->groups) * c->Co;
    c->w = signs(c->nw);
    if (j % 5 == 2)
        c->bias = floats(c->Co);
}

/* Fields past the reach of 16-bit counters: a b1 input whose XOR with the
 * weights is 1 at 10 bits of 16 (inputs +1 and weights -1 three times in
 * four), so that a counter that were not widened in time would overflow.
 * bconv2d: four pixels of a 1x2 window over 262400 channels, 8200 words a
 * field, 10 output channels (four blocks of two, then one); bdense:
 * 844800 inputs, 13200 words, 3 units. */
static void make_wide(kc_case *c, kc_op op)
{
    int conv = op == KC_BCONV;
    c->op = op;
    c->C = conv ? 262400 : 844800;
    c->Co = conv ? 10 : 3;
    if (conv)
        c->H = 1, c->W = 5, c->Kw = 2;
    long n = conv ? (long)c->W * c->C : c->C;
    c->x = input('b', n, 0, 0, 0);
    for (long i = 0; i < n; i++)
        c->x.b[i] = rnd() % 4 ? 1 : -1;
    c->nw = (long)c->Kw * c->C * c->Co;
    c->w = malloc((size_t)c->nw * sizeof *c->w);
    for (long i = 0; i < c->nw; i++)
        c->w[i] = rnd() % 4 ? -1.0f : 1.0f;
}

/* A binary layer with a fused chain: the geometry and weights of
 * make_bconv or make_dense, the chain's parameters per output channel. */
static void make_dense(kc_case *c, kc_op op, int j);
static void make_conv(kc_case *c, kc_op op, int j);

/* Every `every` elements of v from 3 on, by turns: a NaN, -0.0f, a
 * denormal, +0.0f. */
static void specials(float *v, long n, long every)
{
    static const float sp[4] = {NAN, -0.0f, 1e-40f, 0.0f};
    for (long i = 3; i < n; i += every)
        v[i] = sp[(i / every) % 4];
}

static void make_epi(kc_case *c, kc_op op, int j)
{
    static const int float_chains[4] = {KC_EPI_FLOAT, KC_EPI_SIGN, KC_EPI_THRF, KC_EPI_SIDE};
    if (op == KC_BCONV_EPI)
        make_bconv(c, (3 * j + 1) % 45); /* make_bconv takes j < 45 */
    else if (op == KC_CONV_EPI)
        make_conv(c, KC_CONV, j);
    else
        make_dense(c, KC_BDENSE, j + 1);
    c->op = op;
    c->epi = op == KC_CONV_EPI ? float_chains[j % 4] : j % 5;
    if (c->epi == KC_EPI_THRI) { /* the threshold on the integers */
        free(c->bias), free(c->wscale);
        c->bias = c->wscale = NULL;
    }
    c->scale = floats(c->Co);
    c->shift = floats(c->Co);
    for (int k = 0; k < c->Co; k++)
        c->shift[k] *= 16.0f; /* thresholds inside the range */
    if (c->Co > 1)
        c->scale[0] = 0.0f; /* a constant channel */
    if (c->Co > 2)
        c->scale[1] = -c->scale[1] - 0.25f; /* a falling one */
    c->alpha = floats(c->Co);
    long n = kc_out_elems(c);
    if (c->epi == KC_EPI_FLOAT) /* a float convolution's residual in floats */
        c->x2 = input(op == KC_CONV_EPI ? 'f' : 'b', n, 0, 0, 0);
    if (c->epi == KC_EPI_THRF || c->epi == KC_EPI_SIDE)
        c->x2 = input('f', n, 0, 0, 0);
    /* What a vector step could get wrong (runtime/bnn_fused.h): -0.0f into
     * relu, hardtanh and the signs (channel 0: scale 0, shift -0.0f), and
     * NaN, -0.0f, denormals in a float residual and in a float
     * convolution's input. */
    if (c->Co > 1 && (j / 2) % 2 == 0 && c->epi != KC_EPI_THRI)
        c->shift[0] = -0.0f;
    if (c->x2.t == 'f')
        specials(c->x2.f, n, 7);
    if (c->x2.t == 'f' && c->epi != KC_EPI_THRF && c->shift[0] == 0.0f) /* relu(-0.0f) + -0.0f */
        for (long i = 0; i < n; i += c->Co)
            c->x2.f[i] = -0.0f;
    if (op == KC_CONV_EPI && j % 3 == 1 && c->x.t == 'f')
        specials(c->x.f, c->x.n, 41);
}

static void make_bitserial(kc_case *c, int j)
{
    c->op = KC_BCONV_BS;
    window(c, j + 1, chans[j % 5], j % 3);
    c->Co = j % 2 ? 33 : 8;
    if (c->C == 100 && j % 2 == 0)
        c->groups = 2;
    c->bits = j % 2 ? 2 : 8;
    c->x = input('u', (long)c->H * c->W * c->C, c->bits, 0, 0);
    c->nw = (long)c->Kh * c->Kw * (c->C / c->groups) * c->Co;
    c->w = signs(c->nw);
    if (j % 3 == 1)
        c->bias = floats(c->Co), c->wscale = floats(c->Co);
}

static void make_dense(kc_case *c, kc_op op, int j)
{
    static const int ns[7] = {1, 31, 33, 65, 100, 1000, 4100};
    static const int us[5] = {1, 7, 33, 16, 100};
    c->op = op;
    c->C = ns[j % 7];
    c->Co = us[j % 5];
    if (op == KC_DENSE && j >= 7) /* over 128 units: wider than one pass of registers would hold */
        c->Co = j == 7 ? 129 : j == 8 ? 200 : 256;
    char t = op == KC_BDENSE ? 'b' : op == KC_BDENSE_BS ? 'u' : j % 3 != 1 ? 'f'
             : op == KC_DENSE ? 'b' : 'i';
    c->bits = j % 2 ? 3 : 8;
    if (op == KC_BDENSE_BS && j % 3 == 0)
        c->C = 3000 + 1000 * (j % 2); /* over BNN_CHUNK words: the stream */
    c->x = input(t, c->C, c->bits, 0, 0);
    c->nw = (long)c->C * c->Co;
    c->w = op == KC_DENSE ? floats(c->nw) : signs(c->nw);
    if (j % 3 == 2 && op != KC_BDENSE_F)
        c->bias = floats(c->Co);
    if (j % 4 == 1 && (op == KC_BDENSE || op == KC_BDENSE_BS))
        c->wscale = floats(c->Co);
}

static void make_conv(kc_case *c, kc_op op, int j)
{
    static const int co_list[7] = {1, 8, 16, 33, 64, 48, 128};
    c->op = op;
    window(c, j, chans[j % 5], (j / 5) % 3);
    c->Co = op == KC_DWCONV ? c->C * (1 + j % 2) : co_list[j % 7];
    if (op == KC_CONV && c->C == 100 && j % 2 == 0)
        c->groups = 4, c->Co = 64;
    if (op == KC_DWCONV)
        c->groups = c->C;
    c->chunk64 = op == KC_CONV && c->groups == 1 && c->Co % 64 == 0 && j % 2;
    static const char types[4] = {'f', 'b', 'i', 'u'};
    c->x = input(op == KC_CONV ? types[j % 4] : 'f', (long)c->H * c->W * c->C, 8, -100, 100);
    c->nw = (long)c->Kh * c->Kw * (op == KC_DWCONV ? c->Co : (c->C / c->groups) * c->Co);
    c->w = op == KC_CONV_BW ? signs(c->nw) : floats(c->nw);
    if (j % 3 == 0)
        c->bias = floats(c->Co);
}

static void make_pool(kc_case *c, kc_op op, int j)
{
    static const char types[4] = {'f', 'i', 'u', 'b'};
    c->op = op;
    window(c, 0, chans[j % 5], j % 2);
    c->Kh = c->Kw = 2 + j % 2;
    c->sh = c->sw = 2;
    c->Co = c->C;
    c->x = input(op == KC_MAXPOOL ? types[j % 4] : j % 3 == 2 ? 'b' : 'f',
                 (long)c->H * c->W * c->C, 8, -1000, 1000);
}

/* The vector paths of the window layers (bnn_dw_fvec, bnn_pool_fvec):
 * channel counts 16, 17 and 48 (whole vectors of 4, 8 and 16 floats, and
 * a scalar tail), on 9 x 10 so that blocks of four pixels fall inside the
 * input and beside the padding, strides 1 and 2, the three paddings
 * (depthwise) or two (pools). depthwise_conv2d: multipliers 1 and 2, 3x3
 * (dilated where j % 6 == 5) or 2x3, inputs f32 but for j % 9 == 4 (u8)
 * and j % 9 == 8 (b1). Pools: sizes 2 and 3, f32 sprinkled with NaN, -0.0
 * and +0.0, and channels of zeros of both signs only (where the first of
 * two equal taps must stay), avgpool also on u8 and b1. */
static void make_window_vec(kc_case *c, kc_op op, int j)
{
    static const int cv[3] = {16, 17, 48};
    c->op = op;
    c->H = 9, c->W = 10, c->C = cv[j % 3];
    c->dh = c->dw = 1;
    long n = (long)c->H * c->W * c->C;
    if (op == KC_DWCONV) { /* every channel count, padding, stride, multiplier */
        c->pad = (j / 3) % 3;
        c->sh = c->sw = 1 + (j / 9) % 2;
        c->Co = c->C * (1 + (j / 18) % 2);
        c->groups = c->C;
        c->Kh = j % 4 == 3 ? 2 : 3, c->Kw = 3;
        if (j % 6 == 5)
            c->dh = c->dw = 2;
        c->x = input(j % 9 == 4 ? 'u' : j % 9 == 8 ? 'b' : 'f', n, 8, 0, 0);
        c->nw = (long)c->Kh * c->Kw * c->Co;
        c->w = floats(c->nw);
        if (j % 5 == 1)
            c->bias = floats(c->Co);
        return;
    }
    c->sh = c->sw = 1 + (j / 3) % 2;
    c->pad = (j / 6) % 2;
    c->Kh = c->Kw = 2 + (j / 2) % 2;
    c->Co = c->C;
    char t = op == KC_AVGPOOL && j % 5 == 3 ? 'u' : op == KC_AVGPOOL && j % 5 == 4 ? 'b' : 'f';
    c->x = input(t, n, 8, 0, 0);
    if (t != 'f')
        return;
    for (long i = 0; i < n; i++) {
        uint32_t r = rnd();
        if (i % c->C % 5 == 3) /* zeros of both signs, now and then a NaN */
            c->x.f[i] = r % 13 == 0 ? NAN : r % 2 ? -0.0f : 0.0f;
        else if (r % 11 == 0)
            c->x.f[i] = NAN;
        else if (r % 11 == 1)
            c->x.f[i] = r % 2 ? -0.0f : 0.0f;
    }
}

/* Element-wise layers on [3, 2, C]. */
static void make_elem(kc_case *c, kc_op op, int j)
{
    static const char types[4] = {'f', 'i', 'u', 'b'};
    c->op = op;
    c->H = op == KC_GAVGPOOL || op == KC_SOFTMAX ? 2 + j % 2 : 3, c->W = 2, c->C = chans[j % 5];
    long n = (long)c->H * c->W * c->C;
    char t = op == KC_SIGN || op == KC_BATCHNORM || op == KC_RELU ? types[j % 4] : 'f';
    if (op == KC_THRESHOLD)
        t = j % 3 == 2 ? 'f' : j % 3 == 1 ? 'u' : 'i';
    if (op == KC_THRESHOLDS)
        t = 'i';
    c->lo = t == 'u' ? 0 : -300;
    c->hi = t == 'u' ? 255 : 300;
    c->x = input(t, n, 8, c->lo, c->hi);
    if (op == KC_SIGN && t == 'f') /* the edges of v >= 0, one a pixel, in turn */
        for (long i = 0; i < n; i += c->C) {
            static const float edge[4] = {-0.0f, 0.0f, NAN, -1e-45f};
            c->x.f[i + (i / c->C * 7) % c->C] = edge[i / c->C % 4];
        }
    if (op == KC_THRESHOLD || op == KC_BATCHNORM) {
        c->scale = floats(c->C);
        c->shift = floats(c->C);
        for (int k = 0; k < c->C; k++)
            c->shift[k] *= 64.0f; /* thresholds inside the range */
        if (c->C > 1)
            c->scale[0] = 0.0f; /* a constant channel */
    }
    if (op == KC_PRELU)
        c->alpha = floats(c->C);
    if (op == KC_THRESHOLDS) {
        c->levels = 1 + 3 * (j % 3);
        c->strict = j % 2;
        c->nw = (long)c->C * c->levels;
        c->w = malloc((size_t)c->nw * sizeof *c->w);
        for (int ch = 0; ch < c->C; ch++) { /* sorted; integers and halves */
            float v = (float)((int)(rnd() % 200) - 300);
            for (int k = 0; k < c->levels; k++) {
                v += (float)(rnd() % 120) / 2.0f;
                c->w[ch * c->levels + k] = v;
            }
        }
    }
    if (op == KC_ADD) {
        static const char a[4] = {'i', 'f', 'f', 'b'}, b[4] = {'i', 'f', 'i', 'f'};
        kc_tensor_free(&c->x);
        c->x = input(a[j % 4], n, 8, -1000000, 1000000);
        c->x2 = input(b[j % 4], n, 8, -1000000, 1000000);
    }
}

/* Shape operations on [3, 4, C] of every type. */
static void make_shape(kc_case *c, kc_op op, int j)
{
    static const char types[4] = {'f', 'i', 'u', 'b'};
    static const int perms[3][3] = {{2, 0, 1}, {1, 0, 2}, {0, 2, 1}};
    c->op = op;
    c->H = 3, c->W = 4, c->C = chans[j % 5];
    char t = types[j % 4];
    c->o[0] = c->H, c->o[1] = c->W, c->o[2] = c->C;
    switch (op) {
    case KC_CONCAT:
        c->C2 = chans[(j + 2) % 5];
        c->o[2] = c->C + c->C2;
        c->x2 = input(j % 3 ? t : types[(j + 1) % 4], (long)c->H * c->W * c->C2, 8, -50, 50);
        break;
    case KC_FLATTEN:
        t = 'b';
        c->o[0] = c->o[1] = 1, c->o[2] = c->H * c->W * c->C;
        break;
    case KC_RESHAPE: /* b1 [3, 4, C] as [3, 4 C]: its bits repacked */
        t = 'b';
        c->o[0] = 1, c->o[1] = c->H, c->o[2] = c->W * c->C;
        break;
    case KC_TRANSPOSE: {
        int in[3] = {c->H, c->W, c->C};
        for (int k = 0; k < 3; k++)
            c->perm[k] = perms[j % 3][k], c->o[k] = in[c->perm[k]];
        break;
    }
    case KC_SLICE:
        c->begin[0] = j % 2, c->begin[1] = 1, c->begin[2] = c->C > 2 ? c->C / 3 : 0;
        c->end[0] = c->H, c->end[1] = 3, c->end[2] = c->C > 1 ? c->C - 1 : 1;
        for (int k = 0; k < 3; k++)
            c->o[k] = c->end[k] - c->begin[k];
        break;
    case KC_MUL:
        c->m[0] = j % 2 ? c->H : 1, c->m[1] = j % 3 ? 1 : c->W, c->m[2] = j % 4 ? c->C : 1;
        c->x2 = input(types[(j + 1) % 4], (long)c->m[0] * c->m[1] * c->m[2], 8, -50, 50);
        break;
    default: /* pad_channels */
        c->before = j % 3, c->after = 1 + j % 2;
        c->value = t == 'b' ? (j % 2 ? 1 : -1) : t == 'f' ? -1.5 : 7;
        c->o[2] = c->before + c->C + c->after;
        break;
    }
    c->x = input(t, (long)c->H * c->W * c->C, 8, -50, 50);
}

/* The families: op, how many cases, and the maker (0 the op's own; for
 * a binary layer 1 make_bconv_blocks, 2 make_wide; for a window layer 3
 * make_window_vec). */
static const struct {
    kc_op op;
    int n, maker;
} families[] = {
    {KC_BCONV, 45, 0}, {KC_BDENSE, 10, 0}, {KC_BCONV_BS, 15, 0}, {KC_BDENSE_BS, 8, 0},
    {KC_CONV, 21, 0}, {KC_DWCONV, 6, 0}, {KC_CONV_BW, 9, 0}, {KC_DENSE, 10, 0},
    {KC_BDENSE_F, 7, 0}, {KC_SIGN, 8, 0}, {KC_THRESHOLD, 9, 0}, {KC_THRESHOLDS, 6, 0},
    {KC_BATCHNORM, 4, 0}, {KC_RELU, 4, 0}, {KC_HARDTANH, 2, 0}, {KC_SIGMOID, 2, 0},
    {KC_PRELU, 2, 0}, {KC_ADD, 4, 0}, {KC_MAXPOOL, 8, 0}, {KC_AVGPOOL, 6, 0},
    {KC_GAVGPOOL, 2, 0}, {KC_SOFTMAX, 2, 0}, {KC_CONCAT, 8, 0}, {KC_FLATTEN, 5, 0},
    {KC_TRANSPOSE, 8, 0}, {KC_SLICE, 8, 0}, {KC_RESHAPE, 5, 0}, {KC_MUL, 8, 0}, {KC_PAD, 8, 0},
    {KC_BCONV, 24, 1}, {KC_BCONV, 1, 2}, {KC_BDENSE, 1, 2},
    {KC_BCONV_EPI, 20, 0}, {KC_BDENSE_EPI, 10, 0}, {KC_CONV_EPI, 21, 0},
    {KC_DWCONV, 36, 3}, {KC_MAXPOOL, 12, 3}, {KC_AVGPOOL, 12, 3},
};

int kc_count(void)
{
    int n = 0;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        n += families[i].n;
    return n;
}

void kc_make(int k, kc_case *c)
{
    memset(c, 0, sizeof *c);
    rng_state = 0x9E3779B97F4A7C15u ^ ((uint64_t)(k + 1) * 0xD1B54A32D192ED03u);
    size_t f = 0;
    int j = k;
    while (j >= families[f].n)
        j -= families[f++].n;
    c->dh = c->dw = c->sh = c->sw = c->Kh = c->Kw = c->groups = 1;
    if (families[f].maker == 1) {
        make_bconv_blocks(c, j);
        return;
    }
    if (families[f].maker == 2) {
        make_wide(c, families[f].op);
        return;
    }
    if (families[f].maker == 3) {
        make_window_vec(c, families[f].op, j);
        return;
    }
    switch (families[f].op) {
    case KC_BCONV:
        make_bconv(c, j);
        break;
    case KC_BCONV_BS:
        make_bitserial(c, j);
        break;
    case KC_BDENSE:
    case KC_BDENSE_BS:
    case KC_DENSE:
    case KC_BDENSE_F:
        make_dense(c, families[f].op, j);
        break;
    case KC_CONV:
    case KC_DWCONV:
    case KC_CONV_BW:
        make_conv(c, families[f].op, j);
        break;
    case KC_MAXPOOL:
    case KC_AVGPOOL:
        make_pool(c, families[f].op, j);
        break;
    case KC_CONCAT:
    case KC_FLATTEN:
    case KC_TRANSPOSE:
    case KC_SLICE:
    case KC_RESHAPE:
    case KC_MUL:
    case KC_PAD:
        make_shape(c, families[f].op, j);
        break;
    case KC_BCONV_EPI:
    case KC_BDENSE_EPI:
    case KC_CONV_EPI:
        make_epi(c, families[f].op, j);
        break;
    default:
        make_elem(c, families[f].op, j);
        break;
    }
}

void kc_free(kc_case *c)
{
    kc_tensor_free(&c->x);
    kc_tensor_free(&c->x2);
    free(c->w);
    free(c->bias);
    free(c->wscale);
    free(c->scale);
    free(c->shift);
    free(c->alpha);
    memset(c, 0, sizeof *c);
}

void kc_describe(const kc_case *c, char *buf, size_t n)
{
    static const char *names[] = {"bconv2d", "bdense", "bconv2d bit-serial", "bdense bit-serial",
                                  "conv2d", "depthwise_conv2d", "bconv2d (float input)", "dense",
                                  "bdense (float input)", "sign", "threshold", "thresholds",
                                  "batchnorm", "relu", "hardtanh", "sigmoid", "prelu", "add",
                                  "maxpool", "avgpool", "global_avgpool", "softmax", "concat",
                                  "flatten", "transpose", "slice", "reshape", "mul",
                                  "pad_channels", "bconv2d fused", "bdense fused",
                                  "conv2d fused"};
    static const char *pads[] = {"valid", "same", "same_one"}, *packs[] = {"channel", "dense",
                                                                           "kernel"};
    snprintf(buf, n,
             "%s %c[%d,%d,%d] -> %d: kernel %dx%d stride %d,%d dilation %d,%d groups %d, %s "
             "padding, %s packing, %d bits, levels %d%s%s%s%s, chain %d",
             names[c->op], c->x.t, c->H, c->W, c->C, c->Co, c->Kh, c->Kw, c->sh, c->sw, c->dh,
             c->dw, c->groups, pads[c->pad], packs[c->pack], c->bits, c->levels,
             c->strict ? " strict" : "", c->chunk64 ? ", chunks of 64" : "",
             c->bias ? ", bias" : "", c->wscale ? ", scaled" : "", c->epi);
}
