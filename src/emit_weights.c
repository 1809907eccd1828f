/*
 * emit_weights.c: NAME_weights.c, the parameters of the emitted network.
 *
 * Every parameter array is a const array of its own, NAME_wK (K counted
 * in Emit, in the order the layers ask for them), with its extern in
 * NAME.c. Each takes a whole number of the layout's units
 * (emit_param_bytes, emit_fits.c): zero elements end it, so that no
 * compiler pads between the arrays and NAME_WEIGHT_BYTES is the file's
 * .rodata to the byte. Floats are written so that they read back to the
 * same bits.
 *
 * The packing: a layer's -1/+1 weights become bits (+1: set) in the
 * layout its kernel in runtime/ reads, channel, dense or kernel packing
 * (field_bit), blocked by the target's lanes of output channels
 * (block_array); float weights of a vector convolution in chunks of 64
 * output channels. The layer's call itself is written by emit_c.c.
 */
#include "emit_c.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- arrays */

/* A float constant that reads back to the same bits, into out[n]. */
static void float_text(char *out, size_t n, float v) {
    if (isnan(v))
        snprintf(out, n, "(0.0f/0.0f)");
    else if (isinf(v))
        snprintf(out, n, "%s", v > 0 ? "(1.0f/0.0f)" : "(-1.0f/0.0f)");
    else if (v == 0 && signbit(v))
        snprintf(out, n, "-0.0f");
    else {
        char b[32];
        snprintf(b, sizeof b, "%.9g", (double)v);
        snprintf(out, n, "%s%sf", b, strpbrk(b, ".e") ? "" : ".0");
    }
}

static void put_float(FILE *f, float v) {
    char b[48];
    float_text(b, sizeof b, v);
    fputs(b, f);
}

/* Opens a const array of n elements in NAME_weights.c and its extern in
 * NAME.c. The array takes a whole number of the layout's units
 * (emit_param_bytes): weights_close adds the zero elements that make it
 * up, so that no compiler pads between the arrays and NAME_WEIGHT_BYTES
 * is the file's .rodata to the byte. */
static int weights_array(Emit *e, const char *type, int64_t n, const char *what) {
    int id = e->narrays++;
    int64_t size = !strcmp(type, "float") || !strcmp(type, "int32_t") ? 4
                   : !strcmp(type, "int16_t") || !strcmp(type, "uint16_t") ? 2
                   : !strcmp(type, "uint8_t")                         ? 1
                                                                      : e->W / 8;
    int64_t len = emit_param_bytes(e->t, size * (n ? n : 1)) / size;
    e->pad = len - n;
    e->weight_bytes += len * size;
    char pad[64] = "";
    if (len - (n ? n : 1))
        snprintf(pad, sizeof pad, " (and %lld zero%s to whole %d-byte units)",
                 (long long)(len - (n ? n : 1)), len - (n ? n : 1) > 1 ? "s" : "",
                 emit_param_align(e->t));
    fprintf(e->decl, "extern const %s %s_w%d[%lld]; /* %s%s */\n", type, e->name, id,
            (long long)len, what, pad);
    fprintf(e->wf, "\n/* %s%s */\nconst %s %s_w%d[%lld] BNN_ALIGN = {", what, pad, type, e->name,
            id, (long long)len);
    return id;
}

/* Closes the array opened by weights_array after its n elements: the zero
 * elements up to its length. */
static void weights_close(Emit *e, int64_t n) {
    for (int64_t i = 0; i < e->pad; i++)
        fputs(n + i == 0 ? "0" : ((n + i) % 16 ? ", 0" : ",\n    0"), e->wf);
    fputs("\n};\n", e->wf);
}

static void put_sep(FILE *f, int64_t i, int per_line) {
    fputs(i % per_line ? ", " : (i ? ",\n    " : "\n    "), f);
}

int emit_float_array(Emit *e, const float *v, int64_t n, const char *what) {
    int id = weights_array(e, "float", n, what);
    for (int64_t i = 0; i < n; i++) {
        put_sep(e->wf, i, 6);
        put_float(e->wf, v[i]);
    }
    weights_close(e, n);
    return id;
}

int emit_int_array(Emit *e, const char *type, const int32_t *v, int64_t n, const char *what) {
    int id = weights_array(e, type, n, what);
    for (int64_t i = 0; i < n; i++) {
        put_sep(e->wf, i, 10);
        fprintf(e->wf, "%ld", (long)v[i]);
    }
    weights_close(e, n);
    return id;
}

int emit_bits_array(Emit *e, const int32_t *v, int64_t n, const char *what) {
    int64_t bytes = (n + 7) / 8;
    int id = weights_array(e, "uint8_t", bytes, what);
    for (int64_t i = 0; i < bytes; i++) {
        unsigned b = 0;
        for (int k = 0; k < 8 && i * 8 + k < n; k++)
            b |= (unsigned)(v[i * 8 + k] != 0) << k;
        put_sep(e->wf, i, 12);
        fprintf(e->wf, "0x%02x", b);
    }
    weights_close(e, bytes);
    return id;
}

static int mask_array(Emit *e, const int32_t *v, int64_t n, const char *what) {
    int id = weights_array(e, "uint16_t", n, what);
    for (int64_t i = 0; i < n; i++) {
        put_sep(e->wf, i, 10);
        fprintf(e->wf, "0x%04x", (unsigned)v[i]);
    }
    weights_close(e, n);
    return id;
}

static int word_array(Emit *e, const uint64_t *v, int64_t n, const char *what) {
    int id = weights_array(e, "bnn_word", n, what);
    for (int64_t i = 0; i < n; i++) {
        put_sep(e->wf, i, e->W == 64 ? 4 : 6);
        fprintf(e->wf, e->W == 64 ? "0x%016llxu" : "0x%08llxu", (unsigned long long)v[i]);
    }
    weights_close(e, n);
    return id;
}

/* ------------------------------------------------------------ packing */

/* Bit position of (tap t, channel ci of the group) in a receptive field
 * packed as p; taps = Kh * Kw, cg = channels per group. */
static int64_t field_bit(Packing p, int64_t t, int64_t ci, int64_t taps, int64_t cg, int W) {
    switch (p) {
    case PACK_CHANNEL:
        return (t * emit_cwords(cg, W)) * W + ci;
    case PACK_DENSE:
        return t * cg + ci;
    default: /* kernel */
        return (ci * emit_cwords(taps, W)) * W + t;
    }
}

/* Writes per-channel packed weights wb[co][words] (co in 0..groups *
 * per - 1) as blocks of L channels, word by word, lane by lane:
 * [group][block][word][lane], zero in the lanes past a group's channels. */
static int block_array(Emit *e, const uint64_t *wb, int64_t groups, int64_t per, int64_t words,
                       const char *what) {
    int64_t L = cost_co_lanes(e->t), nb = (per + L - 1) / L;
    int64_t n = groups * nb * words * L;
    uint64_t *t = xmalloc((size_t)n * sizeof *t);
    memset(t, 0, (size_t)n * sizeof *t);
    for (int64_t g = 0; g < groups; g++)
        for (int64_t co = 0; co < per; co++)
            for (int64_t j = 0; j < words; j++)
                t[((g * nb + co / L) * words + j) * L + co % L] = wb[(g * per + co) * words + j];
    int id = word_array(e, t, n, what);
    free(t);
    return id;
}

/* bconv2d on b1 (bnn_bconv2d): wb[co][words] in packing pk, blocked;
 * wpop[co][t], the +1 weights of tap t, for padding = same. */
int emit_pack_bconv(Emit *e, const IrNode *n, const LayerParams *lp, const Win *w, Packing pk,
                    int64_t words, int *pid) {
    int W = e->W;
    int64_t g = n->at->v[A_GROUPS][0];
    int64_t cg = w->C / g, cog = w->Co / g;
    int64_t taps = w->Kh * w->Kw;
    uint64_t *wb = xmalloc((size_t)(w->Co * words) * sizeof *wb);
    memset(wb, 0, (size_t)(w->Co * words) * sizeof *wb);
    int32_t *wpop = xmalloc((size_t)(w->Co * taps) * sizeof *wpop);
    memset(wpop, 0, (size_t)(w->Co * taps) * sizeof *wpop);
    for (int64_t co = 0; co < w->Co; co++)
        for (int64_t t = 0; t < taps; t++)
            for (int64_t ci = 0; ci < cg; ci++) {
                float v = lp->w[(t * cg + ci) * w->Co + co];
                if (v >= 0) {
                    int64_t b = field_bit(pk, t, ci, taps, cg, W);
                    wb[co * words + b / W] |= (uint64_t)1 << (b % W);
                    wpop[co * taps + t]++;
                }
            }
    char what[256];
    snprintf(what, sizeof what, "%s: binary weights [%lld][%lld words], %s packing", n->name,
             (long long)w->Co, (long long)words, ir_packing_names[pk]);
    int wid = block_array(e, wb, g, cog, words, what);
    *pid = -1;
    if (n->at->v[A_PADDING][0] == PAD_SAME) {
        snprintf(what, sizeof what, "%s: +1 weights per output channel and tap", n->name);
        *pid = emit_int_array(e, "int16_t", wpop, w->Co * taps, what);
    }
    free(wb);
    free(wpop);
    return wid;
}

/* bdense on b1 (bnn_bdense): wb[u][words], blocked. */
int emit_pack_bdense(Emit *e, const IrNode *n, const LayerParams *lp, int64_t N, int64_t U) {
    int64_t words = emit_cwords(N, e->W);
    uint64_t *wb = xmalloc((size_t)(U * words) * sizeof *wb);
    memset(wb, 0, (size_t)(U * words) * sizeof *wb);
    for (int64_t u = 0; u < U; u++)
        for (int64_t i = 0; i < N; i++)
            if (lp->w[i * U + u] >= 0)
                wb[u * words + i / e->W] |= (uint64_t)1 << (i % e->W);
    char what[256];
    snprintf(what, sizeof what, "%s: binary weights [%lld][%lld words]", n->name, (long long)U,
             (long long)words);
    int wid = block_array(e, wb, 1, U, words, what);
    free(wb);
    return wid;
}

/* Binary weights on a float input stay packed, in kernel packing: word
 * ci * KW + t / W, bit t % W of output channel co (bnn_conv2d_bw). Float
 * weights as they are, [ky][kx][ci][co], or in chunks of 64 output
 * channels, [Co / 64][ky][kx][ci][64]: the vector kernel reads a chunk's
 * weights in order. */
int emit_pack_conv_float(Emit *e, const IrNode *n, const LayerParams *lp, const Win *w,
                         int64_t g, bool chunk) {
    bool dw = n->op == OP_DEPTHWISE_CONV2D;
    int64_t cg = dw ? 1 : w->C / g, cog = w->Co / g;
    int64_t taps = w->Kh * w->Kw, KW = emit_cwords(taps, e->W), words = cg * KW;
    char what[256];
    int wid;
    if (n->weights == W_BINARY) {
        uint64_t *wb = xmalloc((size_t)(w->Co * words) * sizeof *wb);
        memset(wb, 0, (size_t)(w->Co * words) * sizeof *wb);
        for (int64_t co = 0; co < w->Co; co++)
            for (int64_t t = 0; t < taps; t++)
                for (int64_t ci = 0; ci < cg; ci++)
                    if (lp->w[(t * cg + ci) * w->Co + co] >= 0)
                        wb[co * words + ci * KW + t / e->W] |= (uint64_t)1 << (t % e->W);
        snprintf(what, sizeof what, "%s: binary weights [%lld][%lld words], kernel packing",
                 n->name, (long long)w->Co, (long long)words);
        wid = word_array(e, wb, w->Co * words, what);
        free(wb);
    } else if (chunk) {
        float *cw = xmalloc((size_t)lp->nw * sizeof *cw);
        for (int64_t t = 0; t < taps; t++)
            for (int64_t ci = 0; ci < cg; ci++)
                for (int64_t co = 0; co < w->Co; co++)
                    cw[(((co / 64) * taps + t) * cg + ci) * 64 + co % 64] =
                        lp->w[(t * cg + ci) * w->Co + co];
        snprintf(what, sizeof what, "%s: weights [%lld / 64][%lld][%lld][%lld][64]", n->name,
                 (long long)w->Co, (long long)w->Kh, (long long)w->Kw, (long long)cg);
        wid = emit_float_array(e, cw, lp->nw, what);
        free(cw);
    } else {
        snprintf(what, sizeof what, "%s: weights [%lld][%lld][%lld][%lld]", n->name,
                 (long long)w->Kh, (long long)w->Kw, (long long)(dw ? w->C : cg),
                 (long long)(dw ? cog : w->Co));
        wid = emit_float_array(e, lp->w, lp->nw, what);
    }
    return wid;
}

/* Binary weights on a float input: 16 units a block, one 16-bit mask per
 * input, [block][input] (bnn_bdense_f). Float weights as they are,
 * [input][unit] (bnn_dense). */
int emit_pack_dense_float(Emit *e, const IrNode *n, const LayerParams *lp, int64_t N, int64_t U) {
    char what[256];
    if (n->weights != W_BINARY) {
        snprintf(what, sizeof what, "%s: weights [%lld][%lld]", n->name, (long long)N,
                 (long long)U);
        return emit_float_array(e, lp->w, lp->nw, what);
    }
    int64_t nb = (U + 15) / 16;
    int32_t *m = xmalloc((size_t)(nb * N) * sizeof *m);
    memset(m, 0, (size_t)(nb * N) * sizeof *m);
    for (int64_t u = 0; u < U; u++)
        for (int64_t i = 0; i < N; i++)
            if (lp->w[i * U + u] >= 0)
                m[(u / 16) * N + i] |= 1 << (u % 16);
    snprintf(what, sizeof what, "%s: binary weights, [%lld blocks of 16 units][%lld inputs]",
             n->name, (long long)nb, (long long)N);
    int wid = mask_array(e, m, nb * N, what);
    free(m);
    return wid;
}

/* Bit-serial layers: the +1 bits of each filter in dense packing,
 * blocked, and npos, the count of +1 weights of each output channel,
 * times 2^B - 1 (B the input's bits): the term that turns the planes'
 * popcounts into the dot product (emit_c.c, emit_bitserial). */
int emit_pack_bitserial(Emit *e, const IrNode *n, const LayerParams *lp, int64_t g, int64_t Co,
                        int64_t N, int *sid) {
    int64_t cog = Co / g, words = emit_cwords(N, e->W);
    int B = ir_value_bits(n->in[0]);
    uint64_t *wb = xmalloc((size_t)(Co * words) * sizeof *wb);
    memset(wb, 0, (size_t)(Co * words) * sizeof *wb);
    int32_t *npos = xmalloc((size_t)Co * sizeof *npos);
    for (int64_t co = 0; co < Co; co++) {
        npos[co] = 0;
        for (int64_t i = 0; i < N; i++) /* i = t * cg + ci: the layout of w too */
            if (lp->w[i * Co + co] >= 0) {
                npos[co]++;
                wb[co * words + i / e->W] |= (uint64_t)1 << (i % e->W);
            }
    }
    char what[256];
    snprintf(what, sizeof what, "%s: binary weights [%lld][%lld words], dense packing", n->name,
             (long long)Co, (long long)words);
    int wid = block_array(e, wb, g, cog, words, what);
    snprintf(what, sizeof what, "%s: (2^%d - 1) x the +1 weights of each output channel",
             n->name, B);
    for (int64_t co = 0; co < Co; co++) /* <= 255 N < 2^31 (sema) */
        npos[co] *= (1 << B) - 1;
    *sid = emit_int_array(e, "int32_t", npos, Co, what);
    free(wb);
    free(npos);
    return wid;
}
