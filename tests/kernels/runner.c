/*
 * runner.c: one flavour of the kernel library on the test cases
 * (cases.h). Compiled once per flavour, with -DBNN_FLAVOUR='"bnn_X.h"',
 * -DBNN_W and -DKC_RUN=kc_run_NAME (tests/CMakeLists.txt,
 * tests/kernels/neon.sh): it packs each case's parameters as the emitter
 * lays them out for the library (runtime/README.md), calls the layer's
 * function, and unpacks the output.
 */
#include BNN_FLAVOUR
#include "bnn_kernels.h"

#include <math.h>
#include <stdlib.h>

#include "cases.h"

void KC_RUN(const kc_case *c, kc_tensor *out);

static void *zalloc(size_t n)
{
    return calloc(n ? n : 1, 1);
}

/* The input as the library reads it: b1 packed per pixel of C channels. */
static const void *lib_input(const kc_tensor *x, long C, bnn_word **packed, bnn_dtype *t)
{
    *packed = NULL;
    switch (x->t) {
    case 'f':
        *t = BNN_F32;
        return x->f;
    case 'i':
        *t = BNN_I32;
        return x->i;
    case 'u':
        *t = BNN_U8;
        return x->u;
    default: {
        long P = x->n / C;
        bnn_word *p = zalloc((size_t)(P * bnn_words(C)) * sizeof *p);
        bnn_pack_input(x->b, p, P, C);
        *t = BNN_B1;
        *packed = p;
        return p;
    }
    }
}

/* Per-channel packed filters wb[co][words] into blocks of BNN_L channels
 * per group, [group][block][word][lane]. */
static bnn_word *blocks(const bnn_word *wb, long groups, long per, long words)
{
    long nb = (per + BNN_L - 1) / BNN_L;
    bnn_word *t = zalloc((size_t)(groups * nb * words * BNN_L) * sizeof *t);
    for (long g = 0; g < groups; g++)
        for (long co = 0; co < per; co++)
            for (long j = 0; j < words; j++)
                t[((g * nb + co / BNN_L) * words + j) * BNN_L + co % BNN_L] =
                    wb[(g * per + co) * words + j];
    return t;
}

/* The filters of a binary layer (weights w[t][ci][co], taps * cg rows)
 * packed as pk, blocked; with wpop, the +1 weights per channel and tap,
 * and npos, (2^bits - 1) times the +1 weights per channel. */
static bnn_word *filters(const float *w, long taps, long cg, long Co, long groups, bnn_pack pk,
                         int16_t **wpop, int32_t **npos, int bits)
{
    long words = bnn_field_words(pk, taps, cg);
    bnn_word *wb = zalloc((size_t)(Co * words) * sizeof *wb);
    *wpop = zalloc((size_t)(Co * taps) * sizeof **wpop);
    *npos = zalloc((size_t)Co * sizeof **npos);
    for (long co = 0; co < Co; co++)
        for (long t = 0; t < taps; t++)
            for (long ci = 0; ci < cg; ci++)
                if (w[(t * cg + ci) * Co + co] >= 0) {
                    long b = bnn_field_bit(pk, t, ci, taps, cg);
                    wb[co * words + b / BNN_W] |= (bnn_word)1 << (b % BNN_W);
                    (*wpop)[co * taps + t]++;
                    (*npos)[co] += (1 << bits) - 1;
                }
    bnn_word *blk = blocks(wb, groups, Co / groups, words);
    free(wb);
    return blk;
}

static bnn_win geometry(const kc_case *c)
{
    return bnn_window(c->H, c->W, c->C, c->Co, c->Kh, c->Kw, c->sh, c->sw, c->dh, c->dw,
                      c->groups, (bnn_pad)c->pad);
}

/* bconv2d and bdense on b1 or u8, and their epilogue. */
static void run_binary(const kc_case *c, kc_tensor *out)
{
    bnn_dtype t;
    bnn_word *xp;
    const void *x = lib_input(&c->x, c->C, &xp, &t);
    int conv = c->op == KC_BCONV || c->op == KC_BCONV_BS, bs = c->op == KC_BCONV_BS ||
                                                              c->op == KC_BDENSE_BS;
    long taps = conv ? (long)c->Kh * c->Kw : 1, cg = c->C / c->groups;
    bnn_pack pk = conv && !bs ? (bnn_pack)c->pack : BNN_PACK_DENSE;
    int16_t *wpop;
    int32_t *npos;
    bnn_word *w = filters(c->w, taps, cg, c->Co, c->groups, pk, &wpop, &npos, bs ? c->bits : 1);
    int32_t *y = zalloc((size_t)out->n * 4);
    bnn_word *col = zalloc((size_t)(8 * bnn_field_words(pk, taps, cg) + 8 * BNN_CHUNK) *
                           sizeof *col);
    int *padded = zalloc((size_t)(4 * taps) * sizeof *padded);
    if (c->op == KC_BCONV)
        bnn_bconv2d(x, y, w, c->pad == 1 ? wpop : NULL, geometry(c), pk, col, padded);
    else if (c->op == KC_BCONV_BS)
        bnn_bconv2d_bitserial(x, y, w, npos, geometry(c), c->bits, col);
    else if (c->op == KC_BDENSE)
        bnn_bdense(x, y, w, c->C, c->Co);
    else
        bnn_bdense_bitserial(x, y, w, npos, c->C, c->Co, c->bits, col);
    if (c->wscale || c->bias)
        bnn_epilogue(y, out->n / c->Co, c->Co, c->wscale, c->bias, 1);
    if (out->t == 'f')
        out->f = (float *)y;
    else
        out->i = y;
    free(xp), free(w), free(wpop), free(npos), free(col), free(padded);
}

static void int_threshold(float scale, float shift, int64_t lo, int64_t hi, int32_t *tau,
                          uint8_t *dirs, long c);

/* The steps of c's chain (cases.h, KC_EPI_...) on x, a float or a vector
 * (K: s or v, runtime/bnn_fused.h), channel co, element i of the block
 * (z0: the residual's block); the float stored at yv (not NULL), the sign
 * into the word of s (not NULL). */
#define KC_EPI_STEPS(K, x)                                                                        \
    do {                                                                                          \
        if (c->wscale)                                                                            \
            x = bnn_##K##_mul(x, c->wscale + co);                                                 \
        if (c->bias)                                                                              \
            x = bnn_##K##_add(x, c->bias + co);                                                   \
        switch (c->epi) {                                                                         \
        case KC_EPI_FLOAT:                                                                        \
        case KC_EPI_SIDE:                                                                         \
            x = bnn_##K##_bn(x, c->scale + co, c->shift + co);                                    \
            x = bnn_##K##_relu(x);                                                                \
            x = bnn_##K##_addx(x, z0, zt, p * Co + co, Co);                                       \
            break;                                                                                \
        case KC_EPI_SIGN:                                                                         \
            x = bnn_##K##_bn(x, c->scale + co, c->shift + co);                                    \
            x = bnn_##K##_prelu(x, c->alpha + co);                                                \
            x = bnn_##K##_hardtanh(x);                                                            \
            break;                                                                                \
        default: /* KC_EPI_THRF */                                                                \
            x = bnn_##K##_xadd(x, z0, zt, p * Co + co, Co);                                       \
            x = bnn_##K##_bn(x, c->scale + co, c->shift + co);                                    \
            break;                                                                                \
        }                                                                                         \
        if (yv)                                                                                   \
            bnn_##K##_st(yv + p * Co + co, x);                                                    \
        if (s)                                                                                    \
            bits = bnn_##K##_pack(s, co, x, bits, Co);                                            \
    } while (0)

/* One block of a fused layer's chain (cases.h, KC_EPI_...), as the
 * emitter writes it (src/emit_fused.c, epi_chain): np pixels from q0 of
 * Co channels, the int32 dot products in acc (a binary layer's b1
 * output), or the dot products in the float rows yf (as int32 for a
 * binary layer), or a float convolution's in v; one pass over them, a
 * vector of channels at a time, then the channels left. */
static void epi_block(const kc_case *c, void *y, float *yf, int32_t *acc, float *v, bnn_word *sb,
                      const void *z, bnn_dtype zt, const int32_t *tt, const uint8_t *dd, long q0,
                      long np)
{
    long Co = c->Co, CW = bnn_words(Co);
    int bits_out = y != (void *)yf, fl = c->op == KC_CONV_EPI;
    if (c->epi == KC_EPI_THRI) {
        bnn_threshold_int(acc, BNN_I32, (bnn_word *)y + q0 * CW, tt, dd, np, Co);
        return;
    }
    const void *z0 = z ? bnn_epi_at(z, zt, q0, Co) : NULL;
    const int32_t *ai = bits_out ? acc : (const int32_t *)v;
    float *yv = bits_out ? NULL : v;
    for (long p = 0; p < np; p++) {
        bnn_word *s = bits_out ? (bnn_word *)y + (q0 + p) * CW : sb ? sb + (q0 + p) * CW : NULL;
        bnn_word bits = 0;
        long co = 0;
#if BNN_FVEC
        for (; co + BNN_FV <= Co; co += BNN_FV) {
            bnn_vf x = fl ? bnn_v_ld(v + p * Co + co) : bnn_v_int(ai + p * Co + co);
            KC_EPI_STEPS(v, x);
        }
#endif
        for (; co < Co; co++) {
            float x = fl ? bnn_s_ld(v + p * Co + co) : bnn_s_int(ai + p * Co + co);
            KC_EPI_STEPS(s, x);
        }
    }
}

static float *chunked(const kc_case *c);

/* bconv2d and bdense on b1, conv2d, with a fused chain (cases.h,
 * KC_EPI_...). */
static void run_epi(const kc_case *c, kc_tensor *out)
{
    bnn_dtype t, zt = BNN_F32;
    bnn_word *xp, *zp = NULL;
    const void *x = lib_input(&c->x, c->C, &xp, &t);
    const void *z = c->x2.t ? lib_input(&c->x2, c->Co, &zp, &zt) : NULL;
    int conv = c->op == KC_BCONV_EPI, fl = c->op == KC_CONV_EPI;
    long taps = conv ? (long)c->Kh * c->Kw : 1, cg = c->C / c->groups;
    bnn_pack pk = conv ? (bnn_pack)c->pack : BNN_PACK_DENSE;
    int16_t *wpop = NULL;
    int32_t *npos = NULL;
    bnn_word *w = fl ? NULL : filters(c->w, taps, cg, c->Co, c->groups, pk, &wpop, &npos, 1);
    float *fw = fl && c->chunk64 ? chunked(c) : NULL;
    long P = out->n / c->Co, CW = bnn_words(c->Co), blk = conv || fl ? 4 : 1;
    int side = c->epi == KC_EPI_SIDE, bits = out->t == 'b' && !side;
    void *y = zalloc((size_t)(bits ? P * CW * (long)sizeof(bnn_word) : out->n * 4));
    int32_t *acc = bits ? zalloc((size_t)(blk * c->Co) * 4) : NULL;
    float *vb = bits ? zalloc((size_t)(blk * c->Co) * 4) : NULL;
    bnn_word *sb = side ? zalloc((size_t)(P * CW) * sizeof *sb) : NULL;
    bnn_word *col = zalloc((size_t)(4 * bnn_field_words(pk, taps, cg)) * sizeof *col);
    int *padded = zalloc((size_t)(4 * taps) * sizeof *padded);
    int32_t *tt = NULL;
    uint8_t *dd = NULL;
    if (c->epi == KC_EPI_THRI) { /* the dot product is within [-N, N] */
        long N = taps * cg;
        tt = zalloc((size_t)c->Co * sizeof *tt);
        dd = zalloc((size_t)(c->Co + 7) / 8);
        for (long co = 0; co < c->Co; co++)
            int_threshold(c->scale[co], c->shift[co], -N, N, &tt[co], dd, co);
    }
    float *yf = bits ? NULL : (float *)y;
    if (fl) { /* the emitter's loop over blocks of BNN_FPX pixels */
        for (long q0 = 0; q0 < P; q0 += BNN_FPX) {
            float *v = bits ? vb : yf + q0 * c->Co;
            int np = bnn_conv2d_block(x, t, v, fw ? fw : c->w, geometry(c), c->chunk64, q0);
            epi_block(c, y, yf, NULL, v, sb, z, zt, NULL, NULL, q0, np);
        }
    } else if (conv) {
        for (long q0 = 0; q0 < P; q0 += 4) {
            float *v = bits ? vb : yf + q0 * c->Co;
            int np = bnn_bconv2d_block(x, bits ? acc : (int32_t *)v, w,
                                       c->pad == 1 ? wpop : NULL, geometry(c), pk, col, padded,
                                       q0);
            epi_block(c, y, yf, acc, v, sb, z, zt, tt, dd, q0, np);
        }
    } else {
        float *v = bits ? vb : yf;
        bnn_bdense(x, bits ? acc : (int32_t *)v, w, c->C, c->Co);
        epi_block(c, y, yf, acc, v, sb, z, zt, tt, dd, 0, 1);
    }
    if (bits || side) { /* the side bits: the floats are KC_EPI_FLOAT's */
        out->b = zalloc((size_t)out->n);
        bnn_unpack_output(side ? sb : y, out->b, out->n, c->Co);
        free(y), free(sb);
    } else {
        out->f = y;
    }
    free(xp), free(zp), free(w), free(wpop), free(npos), free(col), free(padded), free(acc);
    free(vb), free(tt), free(dd), free(fw);
}

/* conv2d's weights in chunks of 64 output channels (bnn_float.h). */
static float *chunked(const kc_case *c)
{
    long taps = (long)c->Kh * c->Kw, cg = c->C / c->groups, Co = c->Co;
    float *cw = zalloc((size_t)c->nw * sizeof *cw);
    for (long tp = 0; tp < taps; tp++)
        for (long ci = 0; ci < cg; ci++)
            for (long co = 0; co < Co; co++)
                cw[(((co / 64) * taps + tp) * cg + ci) * 64 + co % 64] =
                    c->w[(tp * cg + ci) * Co + co];
    return cw;
}

/* The float convolutions and dense layers, and their epilogue. */
static void run_float(const kc_case *c, kc_tensor *out)
{
    bnn_dtype t;
    bnn_word *xp;
    const void *x = lib_input(&c->x, c->C, &xp, &t);
    float *y = zalloc((size_t)out->n * 4);
    long taps = (long)c->Kh * c->Kw, cg = c->C / c->groups, Co = c->Co;
    if (c->op == KC_CONV && c->chunk64) {
        float *cw = chunked(c);
        bnn_conv2d(x, t, y, cw, geometry(c), 1);
        free(cw);
    } else if (c->op == KC_CONV) {
        bnn_conv2d(x, t, y, c->w, geometry(c), 0);
    } else if (c->op == KC_DWCONV) {
        bnn_depthwise_conv2d(x, t, y, c->w, geometry(c));
    } else if (c->op == KC_CONV_BW) {
        long KW = bnn_words(taps), words = cg * KW;
        bnn_word *wb = zalloc((size_t)(Co * words) * sizeof *wb);
        for (long co = 0; co < Co; co++)
            for (long tp = 0; tp < taps; tp++)
                for (long ci = 0; ci < cg; ci++)
                    if (c->w[(tp * cg + ci) * Co + co] >= 0)
                        wb[co * words + ci * KW + tp / BNN_W] |= (bnn_word)1 << (tp % BNN_W);
        bnn_conv2d_bw(x, t, y, wb, geometry(c));
        free(wb);
    } else if (c->op == KC_DENSE) {
        bnn_dense(x, t, y, c->w, c->C, Co);
    } else {
        long nb = (Co + 15) / 16;
        uint16_t *m = zalloc((size_t)(nb * c->C) * sizeof *m);
        for (long u = 0; u < Co; u++)
            for (long i = 0; i < c->C; i++)
                if (c->w[i * Co + u] >= 0)
                    m[(u / 16) * c->C + i] |= (uint16_t)(1u << (u % 16));
        bnn_bdense_f(x, t, y, m, c->C, Co);
        free(m);
    }
    if (c->wscale || c->bias)
        bnn_epilogue(y, out->n / Co, Co, c->wscale, c->bias, 0);
    out->f = y;
    free(xp);
}

/* sign(x * scale + shift) >= 0 for integer x: the least (scale > 0) or
 * greatest (scale < 0) integer of [lo, hi] that gives +1, as the emitter
 * finds it (src/emit_thresh.c, int_threshold), then t += dir. */
static int positive(int64_t x, float scale, float shift)
{
    float p = (float)x * scale;
    float v = p + shift;
    return v >= 0.0f;
}

static void int_threshold(float scale, float shift, int64_t lo, int64_t hi, int32_t *tau,
                          uint8_t *dirs, long c)
{
    int dir = 0;
    int64_t a, b;
    if (scale > 0) {
        for (a = lo, b = hi + 1; a < b;) {
            int64_t m = a + (b - a) / 2;
            if (positive(m, scale, shift))
                b = m;
            else
                a = m + 1;
        }
    } else if (scale < 0) {
        for (a = lo - 1, b = hi; a < b;) {
            int64_t m = a + (b - a + 1) / 2;
            if (positive(m, scale, shift))
                a = m;
            else
                b = m - 1;
        }
        dir = 1;
    } else {
        a = positive(0, scale, shift) ? lo : hi + 1;
    }
    *tau = (int32_t)(a + dir);
    dirs[c / 8] |= (uint8_t)(dir << (c % 8));
}

/* The layers that binarise: sign, threshold, thresholds. */
static void run_binarize(const kc_case *c, kc_tensor *out)
{
    bnn_dtype t;
    bnn_word *xp;
    const void *x = lib_input(&c->x, c->C, &xp, &t);
    long P = c->x.n / c->C, CW = bnn_words(c->C);
    bnn_word *y = zalloc((size_t)(P * CW) * sizeof *y);
    if (c->op == KC_SIGN && t == BNN_F32) { /* as the emitter writes it (emit_binarize) */
        bnn_epi_pack(y, x, P, c->C);
    } else if (c->op == KC_SIGN) {
        bnn_sign(x, t, y, P, c->C);
    } else if (c->op == KC_THRESHOLD && t == BNN_F32) {
        bnn_threshold_f(x, t, y, c->scale, c->shift, P, c->C);
    } else if (c->op == KC_THRESHOLD) {
        int32_t *tau = zalloc((size_t)c->C * sizeof *tau);
        uint8_t *d = zalloc((size_t)(c->C + 7) / 8);
        for (long ch = 0; ch < c->C; ch++)
            int_threshold(c->scale[ch], c->shift[ch], c->lo, c->hi, &tau[ch], d, ch);
        bnn_threshold_int(x, t, y, tau, d, P, c->C);
        free(tau), free(d);
    } else {
        int32_t *tau = zalloc((size_t)c->nw * sizeof *tau);
        for (long i = 0; i < c->nw; i++)
            tau[i] = (int32_t)(c->strict ? floor((double)c->w[i]) + 1 : ceil((double)c->w[i]));
        if (c->levels == 1)
            bnn_thresholds_b1(c->x.i, y, tau, P, c->C);
        else
            bnn_thresholds_u8(c->x.i, out->u = zalloc((size_t)out->n), tau, P, c->C, c->levels);
        free(tau);
    }
    if (out->t == 'b') {
        out->b = zalloc((size_t)out->n);
        bnn_unpack_output(y, out->b, out->n, c->C);
    }
    (void)CW;
    free(y), free(xp);
}

/* Element-wise layers, pools, softmax. */
static void run_elem(const kc_case *c, kc_tensor *out)
{
    bnn_dtype t, t2 = BNN_F32;
    bnn_word *xp, *xp2 = NULL;
    const void *x = lib_input(&c->x, c->C, &xp, &t), *x2 = NULL;
    long P = c->x.n / c->C;
    void *y = zalloc((size_t)(out->n * 16 + 64)); /* b1: up to a word a pixel */
    if (c->op == KC_ADD)
        x2 = lib_input(&c->x2, c->C, &xp2, &t2);
    switch (c->op) {
    case KC_BATCHNORM: bnn_batchnorm(x, t, y, c->scale, c->shift, P, c->C); break;
    case KC_RELU: bnn_unary_op(x, t, y, P, c->C, BNN_RELU); break;
    case KC_HARDTANH: bnn_unary_op(x, t, y, P, c->C, BNN_HARDTANH); break;
    case KC_SIGMOID: bnn_unary_op(x, t, y, P, c->C, BNN_SIGMOID); break;
    case KC_PRELU: bnn_prelu(x, t, y, c->alpha, P, c->C); break;
    case KC_ADD:
        if (t == BNN_I32 && t2 == BNN_I32)
            bnn_add_i32(x, x2, y, c->x.n);
        else
            bnn_add_f(x, t, x2, t2, y, P, c->C);
        break;
    case KC_MAXPOOL: bnn_maxpool(x, t, y, geometry(c)); break;
    case KC_AVGPOOL: bnn_avgpool(x, t, y, geometry(c)); break;
    case KC_GAVGPOOL: bnn_global_avgpool(x, t, y, P, c->C); break;
    default: bnn_softmax(x, t, y, c->x.n, c->C); break;
    }
    switch (out->t) {
    case 'f': out->f = y; break;
    case 'i': out->i = y; break;
    case 'u': out->u = y; break;
    default: /* a maxpool of b1 */
        out->b = zalloc((size_t)out->n);
        bnn_unpack_output(y, out->b, out->n, c->C);
        free(y);
    }
    free(xp), free(xp2);
}

/* A walk over [1, o0, o1, o2] with steps s through the input. */
static bnn_walk walk(const int *o, long s0, long s1, long s2)
{
    bnn_walk w = {{1, o[0], o[1], o[2]}, {0, s0, s1, s2}};
    return w;
}

/* The shape operations, with their steps worked out as the emitter does
 * (src/emit_layers.c: row_major, broadcast_steps, emit_slice). */
static void run_shape(const kc_case *c, kc_tensor *out)
{
    bnn_dtype t, t2 = BNN_F32, yt = out->t == 'f' ? BNN_F32 : out->t == 'i' ? BNN_I32
                                   : out->t == 'u' ? BNN_U8 : BNN_B1;
    bnn_word *xp, *xp2 = NULL;
    const void *x = lib_input(&c->x, c->C, &xp, &t), *x2 = NULL;
    long P = (long)c->H * c->W, yC = c->o[2], st[3] = {(long)c->W * c->C, c->C, 1};
    void *y = zalloc((size_t)(out->n * 16 + 64));
    if (c->x2.t)
        x2 = lib_input(&c->x2, c->op == KC_CONCAT ? c->C2 : c->m[2], &xp2, &t2);
    switch (c->op) {
    case KC_CONCAT:
        bnn_concat(x, t, c->C, y, yt, P, yC, c->C, 0);
        bnn_concat(x2, t2, c->C2, y, yt, P, yC, c->C2, c->C);
        break;
    case KC_FLATTEN:
        bnn_concat(x, t, c->C, y, yt, 1, out->n, out->n, 0);
        break;
    case KC_RESHAPE:
        bnn_gather(x, y, t, walk(c->o, 0, c->o[2], 1), 0, c->C, yC);
        break;
    case KC_TRANSPOSE:
        bnn_gather(x, y, t, walk(c->o, st[c->perm[0]], st[c->perm[1]], st[c->perm[2]]), 0, c->C,
                   yC);
        break;
    case KC_SLICE:
        bnn_gather(x, y, t, walk(c->o, st[0], st[1], st[2]),
                   c->begin[0] * st[0] + c->begin[1] * st[1] + c->begin[2], c->C, yC);
        break;
    case KC_MUL: {
        long ms[3] = {(long)c->m[1] * c->m[2], c->m[2], 1};
        bnn_mul(x, t, c->C, x2, t2, c->m[2], y, walk(c->o, st[0], st[1], st[2]),
                walk(c->o, c->m[0] > 1 ? ms[0] : 0, c->m[1] > 1 ? ms[1] : 0,
                     c->m[2] > 1 ? ms[2] : 0));
        break;
    }
    default:
        bnn_pad_channels(x, y, t, P, c->C, yC, c->before, c->value);
        break;
    }
    switch (out->t) {
    case 'f': out->f = y; break;
    case 'i': out->i = y; break;
    case 'u': out->u = y; break;
    default:
        out->b = zalloc((size_t)out->n);
        bnn_unpack_output(y, out->b, out->n, yC);
        free(y);
    }
    free(xp), free(xp2);
}

void KC_RUN(const kc_case *c, kc_tensor *out)
{
    out->t = kc_out_type(c);
    out->n = kc_out_elems(c);
    switch (c->op) {
    case KC_BCONV:
    case KC_BDENSE:
    case KC_BCONV_BS:
    case KC_BDENSE_BS:
        run_binary(c, out);
        break;
    case KC_CONV:
    case KC_DWCONV:
    case KC_CONV_BW:
    case KC_DENSE:
    case KC_BDENSE_F:
        run_float(c, out);
        break;
    case KC_SIGN:
    case KC_THRESHOLD:
    case KC_THRESHOLDS:
        run_binarize(c, out);
        break;
    case KC_CONCAT:
    case KC_FLATTEN:
    case KC_TRANSPOSE:
    case KC_SLICE:
    case KC_RESHAPE:
    case KC_MUL:
    case KC_PAD:
        run_shape(c, out);
        break;
    case KC_BCONV_EPI:
    case KC_BDENSE_EPI:
    case KC_CONV_EPI:
        run_epi(c, out);
        break;
    default:
        run_elem(c, out);
        break;
    }
}
