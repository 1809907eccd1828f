/*
 * emit_c.c: the C emitter (`bnnc FILE --target T --emit c -o DIR`).
 *
 * Writes three C99 files for one network after the passes:
 *   NAME.h          the API: one inference function, the sizes and shapes
 *                   of the inputs and outputs, the arena size;
 *   NAME.c          a call of a kernel library function a layer, every
 *                   size a constant, over one static arena laid out by
 *                   the buffer planner (plan.c); it includes the library
 *                   (runtime/, the flavour of the target's `kernels`),
 *                   whose headers go next to it (emit_runtime.c);
 *   NAME_weights.c  the parameters: binary weights packed as the
 *                   compression pass chose, float weights, folded batch
 *                   norms, and the integer thresholds of fused sign(bn).
 * The emitter lowers the graph only: the arrays of weights and their
 * packing, the arena plan, and per layer the library call that computes
 * exactly what docs/semantics.md says (runtime/README.md). No malloc: the
 * arena is static.
 * The files are written all or none through outfile.c: temporaries in DIR
 * itself, renamed over the old files only when all are complete and
 * every destination has been checked.
 */
#include "emit_c.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers */

static char *c_ident(Arena *a, const char *s) {
    size_t n = strlen(s);
    char *o = mem_alloc(a, n + 2);
    size_t k = 0;
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        o[k++] = '_';
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '_';
        o[k++] = ok ? ch : '_';
    }
    o[k] = 0;
    return o;
}

static char *upper(Arena *a, const char *s) {
    char *o = mem_strdup(a, s);
    for (char *p = o; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return o;
}

const LayerParams *emit_params(Emit *e, const char *layer) {
    const LayerParams *p = weights_get(e->w, layer);
    if (!p) {
        diag_plain(e->c, "internal error: no parameters for layer '%s'", layer);
        e->ok = false;
    }
    return p;
}

/* The C type of an element of type t (b1: the word). */
static const char *emit_ctype(DType t) {
    switch (t) {
    case DT_F32:
        return "float";
    case DT_I32:
        return "int32_t";
    case DT_U8:
        return "uint8_t";
    default:
        return "bnn_word";
    }
}

/* Pointer expression to node n's buffer, as elements of type t. */
static void emit_buf_as(Emit *e, char *out, size_t len, const IrNode *n, DType t) {
    snprintf(out, len, "((%s *)(A + %lld))", emit_ctype(t), (long long)e->plan.buf[n->id].offset);
}

/* Pointer expression to node n's buffer. */
void emit_buf(Emit *e, char *out, size_t len, const IrNode *n) {
    emit_buf_as(e, out, len, n, n->type);
}

/* BNN_ALIGN: the weight arrays and the arena start on a boundary of the
 * target's vector (GNU C), so that no vector load splits a cache line. */
static void emit_align(Emit *e, FILE *f) {
    int a = emit_param_align(e->t);
    if (a > 8)
        fprintf(f, "\n/* Arrays start on a %d-byte boundary: vector loads do not split cache\n"
                   " * lines. */\n#if defined(__GNUC__)\n#define BNN_ALIGN __attribute__((aligned(%d)))\n"
                   "#else\n#define BNN_ALIGN\n#endif\n",
                a, a);
    else
        fputs("\n#define BNN_ALIGN\n", f);
}

/* ------------------------------------------------------ binary layers */

static int64_t pad_before(int64_t in, int64_t out, int64_t k, int64_t s, int64_t d, int pad) {
    if (pad == PAD_VALID)
        return 0;
    int64_t total = (out - 1) * s + (k - 1) * d + 1 - in;
    return total > 0 ? total / 2 : 0;
}

static Win emit_window(const IrNode *n) {
    const IrNode *x = n->in[0];
    Win w;
    bool pool = n->op == OP_MAXPOOL || n->op == OP_AVGPOOL;
    w.H = x->shape.d[0];
    w.Wd = x->shape.d[1];
    w.C = x->shape.d[2];
    w.Ho = n->shape.d[0];
    w.Wo = n->shape.d[1];
    w.Co = n->shape.d[2];
    w.Kh = pool ? n->at->v[A_SIZE][0] : n->at->v[A_KERNEL][0];
    w.Kw = pool ? n->at->v[A_SIZE][1] : n->at->v[A_KERNEL][1];
    w.sh = n->at->v[A_STRIDE][0];
    w.sw = n->at->v[A_STRIDE][1];
    w.dh = pool ? 1 : n->at->v[A_DILATION][0];
    w.dw = pool ? 1 : n->at->v[A_DILATION][1];
    int pad = (int)n->at->v[A_PADDING][0];
    w.pt = pad_before(w.H, w.Ho, w.Kh, w.sh, w.dh, pad);
    w.pl = pad_before(w.Wd, w.Wo, w.Kw, w.sw, w.dw, pad);
    return w;
}

/* The library's names of the paddings and packings (runtime/bnn_base.h,
 * bnn_binary.h). */
static const char *const pad_names[] = {"BNN_PAD_VALID", "BNN_PAD_SAME", "BNN_PAD_SAME_ONE"};
static const char *const pack_names[] = {
    [PACK_CHANNEL] = "BNN_PACK_CHANNEL", [PACK_DENSE] = "BNN_PACK_DENSE",
    [PACK_KERNEL] = "BNN_PACK_KERNEL"};

/* The library's element types (bnn_dtype) by DType. */
const char *const emit_dtype_names[] = {
    [DT_NONE] = "BNN_F32", [DT_B1] = "BNN_B1", [DT_U8] = "BNN_U8", [DT_I32] = "BNN_I32",
    [DT_F32] = "BNN_F32"};

/* A walk (bnn_shape.h) as a compound literal: extents d, steps st. */
static void walk_literal(char *out, size_t len, const int64_t *d, const int64_t *st) {
    snprintf(out, len, "(bnn_walk){{%lld, %lld, %lld, %lld}, {%lld, %lld, %lld, %lld}}",
             (long long)d[0], (long long)d[1], (long long)d[2], (long long)d[3], (long long)st[0],
             (long long)st[1], (long long)st[2], (long long)st[3]);
}

/* A window as the library's bnn_win, a compound literal of constants. */
static void emit_win_literal(char *out, size_t len, const Win *w, int64_t groups, int pad) {
    snprintf(out, len,
             "(bnn_win){%lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, "
             "%lld, %lld, %lld, %s}",
             (long long)w->H, (long long)w->Wd, (long long)w->C, (long long)w->Ho,
             (long long)w->Wo, (long long)w->Co, (long long)w->Kh, (long long)w->Kw,
             (long long)w->sh, (long long)w->sw, (long long)w->dh, (long long)w->dw,
             (long long)w->pt, (long long)w->pl, (long long)groups, pad_names[pad]);
}

/* bconv2d on a b1 input: the weights packed and blocked for the
 * library's bnn_bconv2d, wpop (+1 weights per output channel and tap) for
 * padding = same, and one call with its scratch on the stack. */
static void emit_bconv(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    const IrNode *x = n->in[0];
    Win w = emit_window(n);
    int64_t g = n->at->v[A_GROUPS][0];
    int64_t taps = w.Kh * w.Kw;
    Packing pk = n->packing == PACK_NONE ? PACK_KERNEL : n->packing;
    int64_t words = cost_words(n, pk, e->W);
    int pad = (int)n->at->v[A_PADDING][0];
    const LayerParams *lp = emit_params(e, n->name);
    if (!lp)
        return;
    int pid;
    int wid = emit_pack_bconv(e, n, lp, &w, pk, words, &pid);
    char xp[96], yp[96], win[256];
    emit_buf(e, xp, sizeof xp, x);
    emit_buf_as(e, yp, sizeof yp, n, DT_I32); /* f32 after the epilogue (scale, bias) */
    emit_win_literal(win, sizeof win, &w, g, pad);
    /* The cost model's weight passes follow bnn_bconv2d's block (cost.c). */
    _Static_assert(EMIT_BCONV_BLOCK == 4, "bnn_bconv2d handles four positions at a time");
    fprintf(f, "    {\n        bnn_word col[4 * %lld];\n        int padded[4 * %lld] = {0};\n",
            (long long)words, (long long)taps);
    fprintf(f, "        bnn_bconv2d(%s, %s, %s_w%d, ", xp, yp, e->name, wid);
    if (pid >= 0)
        fprintf(f, "%s_w%d,\n", e->name, pid);
    else
        fputs("NULL,\n", f);
    fprintf(f, "                    %s, %s, col, padded);\n    }\n", win, pack_names[pk]);
}

static void emit_bdense(Emit *e, const IrNode *n) {
    const IrNode *x = n->in[0];
    int64_t N = x->shape.d[0], U = n->shape.d[0];
    const LayerParams *lp = emit_params(e, n->name);
    if (!lp)
        return;
    int wid = emit_pack_bdense(e, n, lp, N, U);
    char xp[96], yp[96];
    emit_buf(e, xp, sizeof xp, x);
    emit_buf_as(e, yp, sizeof yp, n, DT_I32); /* f32 after the epilogue (scale, bias) */
    fprintf(e->src, "    bnn_bdense(%s, %s, %s_w%d, %lld, %lld);\n", xp, yp, e->name, wid,
            (long long)N, (long long)U);
}

/* ------------------------------------------------------- float layers */

/* conv2d, bconv2d with a float input, depthwise_conv2d: accumulate in
 * the output, in (ky, kx, ci) order per output (docs/semantics.md). */
static void emit_conv_float(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    const IrNode *x = n->in[0];
    Win w = emit_window(n);
    bool dw = n->op == OP_DEPTHWISE_CONV2D, bw = n->weights == W_BINARY;
    int64_t g = dw ? w.C : n->at->v[A_GROUPS][0];
    int pad = (int)n->at->v[A_PADDING][0];
    const LayerParams *lp = emit_params(e, n->name);
    if (!lp)
        return;
    bool chunk = !dw && !bw && e->t->vector >= 128 && w.Co % 64 == 0;
    int wid = emit_pack_conv_float(e, n, lp, &w, g, chunk);
    char xp[96], yp[96], win[256];
    emit_buf(e, xp, sizeof xp, x);
    emit_buf(e, yp, sizeof yp, n);
    emit_win_literal(win, sizeof win, &w, g, pad);
    if (bw)
        fprintf(f, "    bnn_conv2d_bw(%s, %s, %s, %s_w%d,\n                  %s);\n", xp,
                emit_dtype_names[x->type], yp, e->name, wid, win);
    else if (dw)
        fprintf(f, "    bnn_depthwise_conv2d(%s, %s, %s, %s_w%d,\n                         %s);\n",
                xp, emit_dtype_names[x->type], yp, e->name, wid, win);
    else
        fprintf(f, "    bnn_conv2d(%s, %s, %s, %s_w%d,\n               %s, %d);\n", xp,
                emit_dtype_names[x->type], yp, e->name, wid, win, chunk);
}

static void emit_dense_float(Emit *e, const IrNode *n) {
    const IrNode *x = n->in[0];
    int64_t N = x->shape.d[0], U = n->shape.d[0];
    const LayerParams *lp = emit_params(e, n->name);
    if (!lp)
        return;
    int wid = emit_pack_dense_float(e, n, lp, N, U);
    char xp[96], yp[96];
    emit_buf(e, xp, sizeof xp, x);
    emit_buf(e, yp, sizeof yp, n);
    fprintf(e->src, "    %s(%s, %s, %s, %s_w%d, %lld, %lld);\n",
            n->weights == W_BINARY ? "bnn_bdense_f" : "bnn_dense", xp, emit_dtype_names[x->type],
            yp, e->name, wid, (long long)N, (long long)U);
}

/* The end of a dot product (docs/semantics.md section 3), over the
 * layer's output once its kernel has written it: times the weight scale
 * (scaled = yes), then plus the bias (bias = yes), each a rounded float
 * statement, per output channel c. A binary or bit-serial layer's
 * kernel leaves its i32 dot products there, which become floats in place (memcpy: the
 * bytes change type). */
static void emit_epilogue(Emit *e, const IrNode *n) {
    bool sc = ir_flag(n, A_SCALED), bi = ir_flag(n, A_BIAS);
    if (!sc && !bi)
        return;
    const LayerParams *lp = emit_params(e, n->name);
    if (!lp)
        return;
    int64_t C = shape_channels(&n->shape), P = shape_elems(&n->shape) / C;
    char what[256];
    int sid = -1, bid = -1;
    if (sc) {
        snprintf(what, sizeof what, "%s: weight scale per output channel", n->name);
        sid = emit_float_array(e, lp->wscale, lp->nout, what);
    }
    if (bi) {
        snprintf(what, sizeof what, "%s: bias per output channel", n->name);
        bid = emit_float_array(e, lp->bias, lp->nout, what);
    }
    char sp[64] = "NULL", bp[64] = "NULL";
    if (sc)
        snprintf(sp, sizeof sp, "%s_w%d", e->name, sid);
    if (bi)
        snprintf(bp, sizeof bp, "%s_w%d", e->name, bid);
    fprintf(e->src, "    bnn_epilogue(A + %lld, %lld, %lld, %s, %s, %d);\n",
            (long long)e->plan.buf[n->id].offset, (long long)P, (long long)C, sp, bp,
            ir_is_binary(n) || ir_is_bitserial(n));
}

/* ---------------------------------------------------- element layers */

/* bconv2d and bdense on a u8 input of B bits (ir_value_bits), bit-serial
 * (docs/cost-model.md): the receptive field is read as B planes of
 * dense-packed bits, plane p holding bit p of each value (a same_one
 * padded tap is the value 1, a zero-padded one 0). With the weights' +1
 * bits, the plane's dot product with the -1/+1 weights is npos - pop_p
 * (pop_p = popcount(plane XOR w), npos the filter's +1 weights), so the
 * output is sum_p 2^p (npos - pop_p) = (2^B - 1) npos - sum_p 2^p pop_p:
 * B XNOR-popcount passes, exact. A convolution gathers each field whole;
 * a dense layer streams its input in chunks of BNN_CHUNK words, so that
 * the planes on the stack stay small. */
static void emit_bitserial(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    const IrNode *x = n->in[0];
    bool conv = n->op == OP_BCONV2D;
    Win w = {0};
    int64_t g = 1, cg, Co, taps = 1;
    if (conv) {
        w = emit_window(n);
        g = n->at->v[A_GROUPS][0];
        cg = w.C / g;
        Co = w.Co;
        taps = w.Kh * w.Kw;
    } else {
        cg = x->shape.d[0];
        Co = n->shape.d[0];
    }
    int64_t N = taps * cg, words = emit_cwords(N, e->W);
    int B = ir_value_bits(x);
    const LayerParams *lp = emit_params(e, n->name);
    if (!lp)
        return;
    int sid;
    int wid = emit_pack_bitserial(e, n, lp, g, Co, N, &sid);
    char xp[96], yp[96];
    emit_buf(e, xp, sizeof xp, x);
    emit_buf_as(e, yp, sizeof yp, n, DT_I32); /* f32 after the epilogue (scale, bias) */
    if (conv) {
        char win[256];
        emit_win_literal(win, sizeof win, &w, g, (int)n->at->v[A_PADDING][0]);
        fprintf(f, "    {\n        bnn_word col[%d * %lld];\n"
                   "        bnn_bconv2d_bitserial(%s, %s, %s_w%d, %s_w%d,\n"
                   "                              %s, %d, col);\n    }\n",
                B, (long long)words, xp, yp, e->name, wid, e->name, sid, win, B);
    } else {
        fprintf(f, "    {\n        bnn_word col[%d * BNN_CHUNK];\n"
                   "        bnn_bdense_bitserial(%s, %s, %s_w%d, %s_w%d, %lld, %lld, %d, col);\n    }\n",
                B, xp, yp, e->name, wid, e->name, sid, (long long)N, (long long)Co, B);
    }
}

static void emit_elementwise(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    const IrNode *x = n->in[0];
    int64_t N = shape_elems(&n->shape), C = shape_channels(&n->shape), P = N / C;
    char yp[96], xp[96], what[256];
    emit_buf(e, yp, sizeof yp, n);
    emit_buf(e, xp, sizeof xp, x);
    const char *xt = emit_dtype_names[x->type];
    const LayerParams *lp = NULL;
    if ((n->op == OP_BATCHNORM || n->op == OP_PRELU) && !(lp = emit_params(e, n->name)))
        return;
    switch (n->op) {
    case OP_BATCHNORM: {
        snprintf(what, sizeof what, "%s: scale", n->name);
        int sid = emit_float_array(e, lp->scale, lp->nc, what);
        snprintf(what, sizeof what, "%s: shift", n->name);
        int hid = emit_float_array(e, lp->shift, lp->nc, what);
        fprintf(f, "    bnn_batchnorm(%s, %s, %s, %s_w%d, %s_w%d, %lld, %lld);\n", xp, xt, yp,
                e->name, sid, e->name, hid, (long long)P, (long long)C);
        break;
    }
    case OP_RELU:
    case OP_HARDTANH:
    case OP_SIGMOID:
        fprintf(f, "    bnn_unary_op(%s, %s, %s, %lld, %lld, %s);\n", xp, xt, yp, (long long)P,
                (long long)C,
                n->op == OP_RELU ? "BNN_RELU" : n->op == OP_HARDTANH ? "BNN_HARDTANH" : "BNN_SIGMOID");
        break;
    case OP_PRELU: {
        snprintf(what, sizeof what, "%s: alpha", n->name);
        int aid = emit_float_array(e, lp->alpha, lp->nc, what);
        if (!ir_flag(n, A_PER_ELEMENT))
            fprintf(f, "    bnn_prelu(%s, %s, %s, %s_w%d, %lld, %lld);\n", xp, xt, yp, e->name,
                    aid, (long long)P, (long long)C);
        else if (x->type != DT_B1) /* an alpha per element: one pixel of N channels */
            fprintf(f, "    bnn_prelu(%s, %s, %s, %s_w%d, 1, %lld);\n", xp, xt, yp, e->name, aid,
                    (long long)N);
        else /* b1 packs each pixel on its own: one call a pixel */
            fprintf(f, "    for (long px = 0; px < %lld; px++)\n"
                       "        bnn_prelu(%s + px * %lld, BNN_B1, %s + px * %lld, %s_w%d + px * %lld, 1, %lld);\n",
                    (long long)P, xp, (long long)emit_cwords(C, e->W), yp, (long long)C, e->name, aid,
                    (long long)C, (long long)C);
        break;
    }
    case OP_ADD: {
        const IrNode *b = n->in[1];
        char bp[96];
        emit_buf(e, bp, sizeof bp, b);
        if (n->type == DT_I32)
            fprintf(f, "    bnn_add_i32(%s, %s, %s, %lld);\n", xp, bp, yp, (long long)N);
        else
            fprintf(f, "    bnn_add_f(%s, %s, %s, %s, %s, %lld, %lld);\n", xp, xt, bp,
                    emit_dtype_names[b->type], yp, (long long)P, (long long)C);
        break;
    }
    default:
        break;
    }
}

/* Pools: per output pixel, the taps in (ky, kx) order, each a pass over
 * the channels (the order of docs/semantics.md per channel, and a loop
 * the compiler can vectorise). */
static void emit_pool(Emit *e, const IrNode *n) {
    const IrNode *x = n->in[0];
    Win w = emit_window(n);
    char yp[96], xp[96], win[256];
    emit_buf(e, yp, sizeof yp, n);
    emit_buf(e, xp, sizeof xp, x);
    emit_win_literal(win, sizeof win, &w, 1, (int)n->at->v[A_PADDING][0]);
    fprintf(e->src, "    %s(%s, %s, %s,\n                %s);\n",
            n->op == OP_MAXPOOL ? "bnn_maxpool" : "bnn_avgpool", xp, emit_dtype_names[x->type], yp, win);
}

static void emit_global_avgpool(Emit *e, const IrNode *n) {
    const IrNode *x = n->in[0];
    char yp[96], xp[96];
    emit_buf(e, yp, sizeof yp, n);
    emit_buf(e, xp, sizeof xp, x);
    fprintf(e->src, "    bnn_global_avgpool(%s, %s, %s, %lld, %lld);\n", xp, emit_dtype_names[x->type],
            yp, (long long)(x->shape.d[0] * x->shape.d[1]), (long long)x->shape.d[2]);
}

/* concat, and flatten when it copies: element by element (bits for b1). */
static void emit_copy(Emit *e, const IrNode *n) {
    char yp[96], xp[96];
    emit_buf(e, yp, sizeof yp, n);
    int64_t P = shape_pixels(&n->shape), C = shape_channels(&n->shape);
    int64_t off = 0;
    if (n->type == DT_B1) /* bnn_concat ORs the bits in */
        fprintf(e->src, "    memset(%s, 0, %lld);\n", yp,
                (long long)(P * emit_cwords(C, e->W) * (e->W / 8)));
    for (int k = 0; k < n->nin; k++) {
        const IrNode *x = n->in[k];
        int64_t Cx = n->op == OP_FLATTEN ? C : shape_channels(&x->shape);
        emit_buf(e, xp, sizeof xp, x);
        fprintf(e->src, "    bnn_concat(%s, %s, %lld, %s, %s, %lld, %lld, %lld, %lld);\n", xp,
                emit_dtype_names[x->type], (long long)shape_channels(&x->shape), yp,
                emit_dtype_names[n->type], (long long)P, (long long)C, (long long)Cx, (long long)off);
        off += Cx;
    }
}

/* y[o] = x[base + sum over k of j_k * step[k]] for every index j of n's
 * output in row-major order (o the flat index of j): a transpose, a
 * slice, a reshape that repacks bits. Bits for b1, one by one. */
static void emit_gather(Emit *e, const IrNode *n, const int64_t *step, int64_t base) {
    const IrNode *x = n->in[0];
    const Shape *s = &n->shape;
    int64_t d[IR_MAX_RANK] = {1, 1, 1, 1}, st[IR_MAX_RANK] = {0};
    int off = IR_MAX_RANK - s->rank;
    for (int k = 0; k < s->rank; k++) {
        d[off + k] = s->d[k];
        st[off + k] = step[k];
    }
    char xp[96], yp[96], wk[256];
    emit_buf(e, xp, sizeof xp, x);
    emit_buf(e, yp, sizeof yp, n);
    walk_literal(wk, sizeof wk, d, st);
    fprintf(e->src, "    bnn_gather(%s, %s, %s, %s, %lld, %lld, %lld);\n", xp, yp,
            emit_dtype_names[n->type], wk, (long long)base, (long long)shape_channels(&x->shape),
            (long long)shape_channels(s));
}

static void row_major(const Shape *s, int64_t *st) {
    int64_t v = 1;
    for (int k = s->rank - 1; k >= 0; k--) {
        st[k] = v;
        v *= s->d[k];
    }
}

/* The steps through x of each axis of the output of an operation that
 * broadcasts x (IR_MAX_RANK axes,
 * padded from the front): 0 where x is broadcast. */
static void broadcast_steps(const IrNode *x, int64_t *st) {
    int64_t xs[IR_MAX_RANK];
    row_major(&x->shape, xs);
    for (int k = 0; k < IR_MAX_RANK; k++) {
        int kx = k - (IR_MAX_RANK - x->shape.rank);
        st[k] = kx >= 0 && x->shape.d[kx] > 1 ? xs[kx] : 0;
    }
}

/* mul: y = (float)a * (float)b over the output in row-major order, each
 * input read through its broadcast steps. */
static void emit_mul(Emit *e, const IrNode *n) {
    int64_t d[IR_MAX_RANK] = {1, 1, 1, 1}, sa[IR_MAX_RANK], sb[IR_MAX_RANK];
    for (int k = 0; k < n->shape.rank; k++)
        d[IR_MAX_RANK - n->shape.rank + k] = n->shape.d[k];
    broadcast_steps(n->in[0], sa);
    broadcast_steps(n->in[1], sb);
    const IrNode *a = n->in[0], *b = n->in[1];
    char yp[96], ap[96], bp[96], wa[256], wb[256];
    emit_buf(e, yp, sizeof yp, n);
    emit_buf(e, ap, sizeof ap, a);
    emit_buf(e, bp, sizeof bp, b);
    walk_literal(wa, sizeof wa, d, sa);
    walk_literal(wb, sizeof wb, d, sb);
    fprintf(e->src, "    bnn_mul(%s, %s, %lld, %s, %s, %lld, %s,\n            %s,\n            %s);\n",
            ap, emit_dtype_names[a->type], (long long)shape_channels(&a->shape), bp,
            emit_dtype_names[b->type], (long long)shape_channels(&b->shape), yp, wa, wb);
}

static void emit_slice(Emit *e, const IrNode *n) {
    const Shape *xs = &n->in[0]->shape;
    int64_t st[IR_MAX_RANK], base = 0;
    row_major(xs, st);
    int nb = n->at->len[A_BEGIN];
    for (int k = 0; k < nb; k++)
        base += n->at->v[A_BEGIN][k] * st[nb == 1 ? xs->rank - 1 : k];
    emit_gather(e, n, st, base);
}

/* pad_channels: per pixel, `before` values, the input's channels (a copy
 * of the row; bits one by one for b1), `after` values. */
static void emit_pad_channels(Emit *e, const IrNode *n) {
    const IrNode *x = n->in[0];
    int64_t C = shape_channels(&x->shape), Co = shape_channels(&n->shape);
    int64_t P = shape_pixels(&n->shape), before = n->at->v[A_BEFORE][0];
    char xp[96], yp[96];
    emit_buf(e, xp, sizeof xp, x);
    emit_buf(e, yp, sizeof yp, n);
    fprintf(e->src, "    bnn_pad_channels(%s, %s, %s, %lld, %lld, %lld, %lld, %.17g);\n", xp, yp,
            emit_dtype_names[n->type], (long long)P, (long long)C, (long long)Co, (long long)before,
            n->at->r[A_VALUE]);
}

static void emit_transpose(Emit *e, const IrNode *n) {
    int64_t st[IR_MAX_RANK], step[IR_MAX_RANK];
    row_major(&n->in[0]->shape, st);
    for (int k = 0; k < n->shape.rank; k++)
        step[k] = st[n->at->v[A_PERM][k]];
    emit_gather(e, n, step, 0);
}

static void emit_softmax(Emit *e, const IrNode *n) {
    const IrNode *x = n->in[0];
    char yp[96], xp[96];
    emit_buf(e, yp, sizeof yp, n);
    emit_buf(e, xp, sizeof xp, x);
    fprintf(e->src, "    bnn_softmax(%s, %s, %s, %lld, %lld);\n", xp, emit_dtype_names[x->type], yp,
            (long long)shape_elems(&n->shape), (long long)shape_channels(&x->shape));
}

/* ------------------------------------------------------------- layers */

static void emit_layer(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    char shape[64];
    shape_format(shape, sizeof shape, &n->shape);
    fprintf(f, "\n    /* %s: %s -> %s%s", n->name, ops_table[n->op].name, dtype_name(n->type),
            shape);
    if (n->packing != PACK_NONE)
        fprintf(f, ", %s packing", ir_packing_names[n->packing]);
    fputs(" */\n", f);
    switch (n->op) {
    case OP_CONV2D:
    case OP_DEPTHWISE_CONV2D:
        emit_conv_float(e, n);
        break;
    case OP_BCONV2D:
        if (ir_is_binary(n))
            emit_bconv(e, n);
        else if (ir_is_bitserial(n))
            emit_bitserial(e, n);
        else
            emit_conv_float(e, n);
        break;
    case OP_DENSE:
        emit_dense_float(e, n);
        break;
    case OP_BDENSE:
        if (ir_is_binary(n))
            emit_bdense(e, n);
        else if (ir_is_bitserial(n))
            emit_bitserial(e, n);
        else
            emit_dense_float(e, n);
        break;
    case OP_THRESHOLDS:
        emit_thresholds(e, n);
        break;
    case OP_SIGN:
    case OP_THRESHOLD:
        emit_binarize(e, n);
        break;
    case OP_BATCHNORM:
    case OP_RELU:
    case OP_HARDTANH:
    case OP_PRELU:
    case OP_ADD:
    case OP_SIGMOID:
        emit_elementwise(e, n);
        break;
    case OP_MAXPOOL:
    case OP_AVGPOOL:
        emit_pool(e, n);
        break;
    case OP_GLOBAL_AVGPOOL:
        emit_global_avgpool(e, n);
        break;
    case OP_CONCAT:
        emit_copy(e, n);
        break;
    case OP_FLATTEN:
        if (plan_is_view(n, e->W))
            fputs("    /* a view of its input: nothing to do */\n", f);
        else
            emit_copy(e, n);
        break;
    case OP_RESHAPE:
        if (plan_is_view(n, e->W)) {
            fputs("    /* a view of its input: nothing to do */\n", f);
        } else { /* b1 whose packing changes: the bits in order */
            int64_t st[IR_MAX_RANK];
            row_major(&n->shape, st);
            emit_gather(e, n, st, 0);
        }
        break;
    case OP_TRANSPOSE:
        emit_transpose(e, n);
        break;
    case OP_MUL:
        emit_mul(e, n);
        break;
    case OP_SLICE:
        emit_slice(e, n);
        break;
    case OP_PAD_CHANNELS:
        emit_pad_channels(e, n);
        break;
    case OP_SOFTMAX:
        emit_softmax(e, n);
        break;
    case OP_COUNT: /* network inputs are copied in by the caller */
        break;
    }
    emit_epilogue(e, n);
}

/* ------------------------------------------------------- API and files */

static const char *io_ctype(DType t) {
    switch (t) {
    case DT_F32:
        return "float";
    case DT_I32:
        return "int32_t";
    case DT_U8:
        return "uint8_t";
    default:
        return "int8_t";
    }
}

/* Names of the inputs and outputs as C parameters: in_X, out_X, X the
 * name made an identifier; distinct (check_names). */
static const char **io_names(Emit *e, const PtrVec *v, const char *prefix) {
    const char **names = mem_array(&e->c->arena, (size_t)v->n + 1, sizeof(char *));
    for (int i = 0; i < v->n; i++)
        names[i] = mem_printf(&e->c->arena, "%s%s", prefix,
                              c_ident(&e->c->arena, ((IrNode *)v->v[i])->name));
    return names;
}

/* ------------------------------------------------------------- names */

/* The headers of the C library (C11, and C23's stdbit and stdckdint) and
 * the intrinsics headers the generated code includes: a NAME.h of one of
 * these names, in a folder given with -I, would be included instead of the
 * library's (the generated NAME.c includes <stdint.h>, <string.h> and
 * <math.h>; the user's program <stdio.h>), on a file system that ignores
 * case too. */
static const char *const c_headers[] = {
    "assert", "complex", "ctype", "errno", "fenv", "float", "inttypes", "iso646",
    "limits", "locale", "math", "setjmp", "signal", "stdalign", "stdarg", "stdatomic",
    "stdbit", "stdbool", "stdckdint", "stddef", "stdint", "stdio", "stdlib", "stdnoreturn",
    "string", "tgmath", "threads", "time", "uchar", "wchar", "wctype", "immintrin",
    "arm_neon",
};

static bool same_nocase(const char *a, const char *b) {
    for (; *a && tolower((unsigned char)*a) == tolower((unsigned char)*b); a++, b++)
        ;
    return tolower((unsigned char)*a) == tolower((unsigned char)*b);
}

/* The names of the network, its inputs and its outputs become C names
 * (docs/codegen.md, "Names"): NAME, the network's name with '-' as '_',
 * prefixes its files, functions and arrays, and in upper case its macros;
 * an input X is the parameter in_X and the macros NAME_IN_X_SIZE, _RANK,
 * _DIMd in upper case (an output out_X, NAME_OUT_X_...). Each C name must
 * be unique and none bnnc's own, or the header defines a macro twice with
 * two values, or a parameter hides an array: such a network is refused,
 * at the name, before any file is written. Every clash is reported. */
static bool check_names(Emit *e) {
    Ctx *c = e->c;
    const IrGraph *g = e->g;
    bool ok = true;
    if (g->name[0] == '_') {
        diag_error(c, g->loc,
                   "the C names of network '%s' would begin with '_' (%s_infer, %s_H), which C "
                   "reserves for the compiler and its library; rename the network",
                   g->name, e->name, upper(&c->arena, e->name));
        ok = false;
    }
    for (size_t i = 0; i < sizeof c_headers / sizeof c_headers[0]; i++)
        if (same_nocase(e->name, c_headers[i])) {
            diag_error(c, g->loc,
                       "network '%s' would be written to '%s.h', which hides the C library's "
                       "<%s.h>%s wherever its folder is an include path (-I); rename the "
                       "network",
                       g->name, e->name, c_headers[i],
                       strcmp(e->name, c_headers[i]) ? " on a file system that ignores case,"
                                                     : "");
            ok = false;
        }
    /* The kernel library's headers are written next to NAME.h (every
     * target's, so that a name does not work on one target only). */
    for (int i = 0; i < runtime_nfiles; i++) {
        const char *h = runtime_files[i].name;
        size_t hl = strlen(h) - 2; /* without ".h" */
        char *stem = mem_printf(&c->arena, "%.*s", (int)hl, h);
        if (!same_nocase(e->name, stem))
            continue;
        diag_error(c, g->loc,
                   "network '%s' would be written to '%s.h', the name of a header of bnnc's "
                   "kernel library written next to it%s; rename the network",
                   g->name, e->name,
                   strcmp(e->name, stem) ? " on a file system that ignores case" : "");
        ok = false;
    }
    for (int pass = 0; pass < 2; pass++) {
        const PtrVec *v = pass ? &g->outputs : &g->inputs;
        const char *what = pass ? "output" : "input", *pre = pass ? "out_" : "in_";
        const char **param = io_names(e, v, pre);
        const char **macro = mem_array(&c->arena, (size_t)v->n + 1, sizeof(char *));
        for (int i = 0; i < v->n; i++) {
            const IrNode *x = v->v[i];
            macro[i] = upper(&c->arena, param[i]);
            /* Two names that differ only in case, or in '-', '.' and '_':
             * the same macros. */
            for (int k = 0; k < i; k++) {
                if (strcmp(macro[k], macro[i]))
                    continue;
                const IrNode *y = v->v[k];
                diag_error_at(c, x->loc, x->origin,
                              "%s '%s' and %s '%s' would both define %s_%s_SIZE in the "
                              "generated C (its macros are in upper case, '-' and '.' become "
                              "'_'); rename one",
                              what, x->name, what, y->name, upper(&c->arena, e->name), macro[i]);
                diag_note(c, y->loc, "%s '%s' is %s here", what, y->name,
                          pass ? "defined" : "declared");
                ok = false;
                break;
            }
        }
    }
    return ok;
}

/* After the layers are emitted (e->narrays arrays): a parameter of the
 * inference function must not hide a weights array NAME_wK it reads (a
 * network 'in' and an input 'w0'). */
static bool check_params(Emit *e, const char **in, const char **out) {
    Ctx *c = e->c;
    const IrGraph *g = e->g;
    size_t nl = strlen(e->name);
    bool ok = true;
    for (int pass = 0; pass < 2; pass++) {
        const PtrVec *v = pass ? &g->outputs : &g->inputs;
        const char **param = pass ? out : in;
        for (int i = 0; i < v->n; i++) {
            const IrNode *x = v->v[i];
            const char *p = param[i], *k = p + nl + 2;
            if (strncmp(p, e->name, nl) || p[nl] != '_' || p[nl + 1] != 'w' || !*k ||
                strspn(k, "0123456789") != strlen(k) || (k[0] == '0' && k[1]) ||
                strlen(k) > 9 || atoi(k) >= e->narrays)
                continue;
            diag_error_at(c, x->loc, x->origin,
                          "%s '%s' would be the C parameter '%s', which is also the name of a "
                          "weights array of network '%s'; rename the %s or the network",
                          pass ? "output" : "input", x->name, p, g->name,
                          pass ? "output" : "input");
            diag_note(c, g->loc, "network '%s' is declared here", g->name);
            ok = false;
        }
    }
    return ok;
}

static void emit_header(Emit *e, const char **in, const char **out) {
    FILE *h = e->h;
    const IrGraph *g = e->g;
    char *U = upper(&e->c->arena, e->name);
    fprintf(h, "/* %s.h: generated by bnnc %s from network '%s' for target '%s'.\n"
               " * Do not edit; regenerate with bnnc --emit c. docs/codegen.md explains the API. */\n",
            e->name, BNNC_VERSION, g->name, e->t->name);
    fprintf(h, "#ifndef %s_H\n#define %s_H\n\n#include <stdint.h>\n\n", U, U);
    if (e->w->random)
        fprintf(h, "/* WARNING: the weights are pseudo-random (bnnc --seed %llu), not trained.\n"
                   " * This code computes nothing useful; give bnnc --weights FILE.safetensors. */\n"
                   "#define %s_RANDOM_WEIGHTS 1\n\n",
                (unsigned long long)e->w->seed, U);
    fprintf(h, "/* Bytes of the static activation arena (the report's peak activation\n"
               " * memory), and of the parameters in %s_weights.c. */\n",
            e->name);
    fprintf(h, "#define %s_ARENA_BYTES %lld\n", U, (long long)e->plan.arena);
    fprintf(h, "#define %s_WEIGHT_BYTES %lld\n\n", U, (long long)e->weight_bytes);
    fprintf(h, "#define %s_NUM_INPUTS %d\n#define %s_NUM_OUTPUTS %d\n\n", U, g->inputs.n, U,
            g->outputs.n);
    for (int pass = 0; pass < 2; pass++) {
        const PtrVec *v = pass ? &g->outputs : &g->inputs;
        const char **nm = pass ? out : in;
        for (int i = 0; i < v->n; i++) {
            const IrNode *x = v->v[i];
            char *N = upper(&e->c->arena, nm[i]);
            char shape[64];
            shape_format(shape, sizeof shape, &x->shape);
            fprintf(h, "/* %s '%s': %s%s, as %s%s */\n", pass ? "output" : "input", x->name,
                    dtype_name(x->type), shape, io_ctype(x->type),
                    x->type == DT_B1 ? " (-1 or +1; an input >= 0 is +1)" : "");
            fprintf(h, "#define %s_%s_SIZE %lld\n", U, N, (long long)shape_elems(&x->shape));
            fprintf(h, "#define %s_%s_RANK %d\n", U, N, x->shape.rank);
            for (int d = 0; d < x->shape.rank; d++)
                fprintf(h, "#define %s_%s_DIM%d %lld\n", U, N, d, (long long)x->shape.d[d]);
            fputc('\n', h);
        }
    }
    fprintf(h, "/* One inference. Not reentrant: the arena is static. */\nvoid %s_infer(", e->name);
    for (int i = 0; i < g->inputs.n; i++)
        fprintf(h, "%sconst %s *%s", i ? ", " : "", io_ctype(((IrNode *)g->inputs.v[i])->type),
                in[i]);
    for (int i = 0; i < g->outputs.n; i++)
        fprintf(h, ", %s *%s", io_ctype(((IrNode *)g->outputs.v[i])->type), out[i]);
    fputs(");\n\n", h);
    fprintf(h, "/* The same with arrays of pointers, inputs and outputs in order. */\n"
               "void %s_infer_v(const void *const *inputs, void *const *outputs);\n\n",
            e->name);
    fprintf(h, "/* Element counts and types ('f': float, 'i': int32_t, 'u': uint8_t,\n"
               " * 'b': int8_t -1/+1) of the inputs and outputs, in order. */\n"
               "extern const long %s_input_sizes[%d];\nextern const char %s_input_types[%d];\n"
               "extern const long %s_output_sizes[%d];\nextern const char %s_output_types[%d];\n\n",
            e->name, g->inputs.n, e->name, g->inputs.n + 1, e->name, g->outputs.n, e->name,
            g->outputs.n + 1);
    fprintf(h, "#endif\n");
}

static char type_letter(DType t) {
    return t == DT_F32 ? 'f' : t == DT_I32 ? 'i' : t == DT_U8 ? 'u' : 'b';
}

static void emit_source(Emit *e, const char **in, const char **out) {
    FILE *f = e->decl;
    const IrGraph *g = e->g;
    fprintf(e->wf, "/* %s_weights.c: generated by bnnc %s: the parameters of network '%s'\n"
                   " * for target '%s'%s. Do not edit. */\n#include <stdint.h>\n\n"
                   "typedef uint%d_t bnn_word;\n",
            e->name, BNNC_VERSION, g->name, e->t->name,
            e->w->random ? " (pseudo-random: not trained)" : "", e->W);
    emit_align(e, e->wf);
    /* The layers first, into buffers: the prelude depends on what they
     * use, and their weights' declarations go before the function. */
    char *body = NULL, *externs = NULL;
    size_t blen = 0, elen = 0;
    e->src = open_memstream(&body, &blen);
    e->decl = open_memstream(&externs, &elen);
    if (!e->src || !e->decl) {
        diag_plain(e->c, "cannot allocate memory for the generated code");
        e->ok = false;
        return;
    }
    int nlayers = 0;
    fputs("    BNN_TIME(0);\n", e->src);
    for (int i = 0; i < g->nodes.n && e->ok; i++) {
        const IrNode *n = g->nodes.v[i];
        if (n->op == OP_COUNT)
            continue;
        emit_layer(e, n);
        /* The layer's code sits between two timing points (bnnc bench). */
        fprintf(e->src, "    BNN_TIME(%d);\n", ++nlayers);
    }
    fclose(e->src);
    fclose(e->decl);
    e->src = NULL;
    e->decl = f;
    fprintf(f, "/* %s.c: generated by bnnc %s from network '%s' for target '%s'\n"
               " * (kernels: %s, %d-bit words). Do not edit. */\n",
            e->name, BNNC_VERSION, g->name, e->t->name, e->t->kernels, e->W);
    /* The kernel library: the flavour, then the core (write_all writes
     * the headers next to this file). */
    fprintf(f, "\n#define BNN_W %d\n#include \"%s\"\n#include \"bnn_kernels.h\"\n\n"
               "#include \"%s.h\"\n",
            e->W, runtime_flavour(e->t), e->name);
    emit_align(e, f);
    fprintf(f, "static union {\n    uint64_t align;\n    unsigned char b[%lld];\n} bnn_arena BNN_ALIGN;\n\n",
            (long long)(e->plan.arena ? e->plan.arena : 16));
    fprintf(f, "/* Built with -DBNN_TIMING, each layer ends with a call of bnn_timing(k),\n"
               " * k = 1 .. %d, and the inference starts with bnn_timing(0): bnnc bench\n"
               " * times the layers so. Otherwise the calls are not there. */\n"
               "#ifdef BNN_TIMING\nvoid bnn_timing(int point);\n#define BNN_TIME(k) bnn_timing(k)\n"
               "const int %s_num_layers = %d;\n#else\n#define BNN_TIME(k) ((void)0)\n#endif\n\n",
            nlayers, e->name, nlayers);
    if (externs)
        fwrite(externs, 1, elen, f);
    free(externs);
    fprintf(f, "\nvoid %s_infer(", e->name);
    for (int i = 0; i < g->inputs.n; i++)
        fprintf(f, "%sconst %s *%s", i ? ", " : "", io_ctype(((IrNode *)g->inputs.v[i])->type),
                in[i]);
    for (int i = 0; i < g->outputs.n; i++)
        fprintf(f, ", %s *%s", io_ctype(((IrNode *)g->outputs.v[i])->type), out[i]);
    fputs(")\n{\n    unsigned char *const A = bnn_arena.b;\n", f);
    /* Inputs into the arena. */
    for (int i = 0; i < g->inputs.n; i++) {
        const IrNode *x = g->inputs.v[i];
        char xp[96];
        emit_buf(e, xp, sizeof xp, x);
        int64_t N = shape_elems(&x->shape);
        if (x->type == DT_B1) {
            fprintf(f, "    bnn_pack_input(%s, %s, %lld, %lld);\n", in[i], xp,
                    (long long)shape_pixels(&x->shape), (long long)shape_channels(&x->shape));
        } else {
            fprintf(f, "    memcpy(%s, %s, %lld * sizeof(%s));\n", xp, in[i], (long long)N,
                    emit_ctype(x->type));
        }
    }
    if (body)
        fwrite(body, 1, blen, f);
    free(body);
    /* Outputs out of the arena. */
    fputc('\n', f);
    for (int i = 0; i < g->outputs.n; i++) {
        const IrNode *x = g->outputs.v[i];
        char xp[96];
        emit_buf(e, xp, sizeof xp, x);
        int64_t N = shape_elems(&x->shape);
        if (x->type == DT_B1)
            fprintf(f, "    bnn_unpack_output(%s, %s, %lld, %lld);\n", xp, out[i], (long long)N,
                    (long long)shape_channels(&x->shape));
        else
            fprintf(f, "    memcpy(%s, %s, %lld * sizeof(%s));\n", out[i], xp, (long long)N,
                    emit_ctype(x->type));
    }
    fputs("}\n\n", f);
    fprintf(f, "void %s_infer_v(const void *const *inputs, void *const *outputs)\n{\n    %s_infer(",
            e->name, e->name);
    for (int i = 0; i < g->inputs.n; i++)
        fprintf(f, "%s(const %s *)inputs[%d]", i ? ", " : "",
                io_ctype(((IrNode *)g->inputs.v[i])->type), i);
    for (int i = 0; i < g->outputs.n; i++)
        fprintf(f, ", (%s *)outputs[%d]", io_ctype(((IrNode *)g->outputs.v[i])->type), i);
    fputs(");\n}\n\n", f);
    for (int pass = 0; pass < 2; pass++) {
        const PtrVec *v = pass ? &g->outputs : &g->inputs;
        const char *what = pass ? "output" : "input";
        fprintf(f, "const long %s_%s_sizes[%d] = {", e->name, what, v->n);
        for (int i = 0; i < v->n; i++)
            fprintf(f, "%s%lld", i ? ", " : "", (long long)shape_elems(&((IrNode *)v->v[i])->shape));
        fprintf(f, "};\nconst char %s_%s_types[%d] = \"", e->name, what, v->n + 1);
        for (int i = 0; i < v->n; i++)
            fputc(type_letter(((IrNode *)v->v[i])->type), f);
        fputs("\";\n", f);
    }
}

/* Writes the files into dir (made if it does not exist), all or none
 * (out_open, out_commit): their temporaries go in dir itself, so only dir
 * must be writable, and each destination is checked before anything is
 * written. A folder made here is removed again after an error. */
static bool write_all(Emit *e, const char *dir) {
    Ctx *c = e->c;
    struct stat st;
    bool made = false;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            diag_plain(c, "'%s' exists and is not a folder", dir);
            return false;
        }
    } else if (mkdir(dir, 0777) != 0) {
        diag_plain(c, "cannot create the folder '%s': %s", dir, strerror(errno));
        return false;
    } else {
        made = true;
    }
    size_t dl = strlen(dir);
    const char *sep = dl && dir[dl - 1] == '/' ? "" : "/";
    /* NAME.h, NAME.c, NAME_weights.c, then the library headers NAME.c
     * includes, as in runtime/. */
    bool *used = mem_array(&c->arena, (size_t)runtime_nfiles, sizeof(bool));
    runtime_closure(runtime_flavour(e->t), used);
    runtime_closure("bnn_kernels.h", used);
    const char *ext[3] = {".h", ".c", "_weights.c"};
    const RuntimeFile **lib = mem_array(&c->arena, (size_t)runtime_nfiles + 3, sizeof *lib);
    const char **path = mem_array(&c->arena, (size_t)runtime_nfiles + 3, sizeof(char *));
    int nf = 0;
    for (; nf < 3; nf++)
        path[nf] = mem_printf(&c->arena, "%s%s%s%s", dir, sep, e->name, ext[nf]);
    for (int i = 0; i < runtime_nfiles; i++)
        if (used[i]) {
            lib[nf] = &runtime_files[i];
            path[nf++] = mem_printf(&c->arena, "%s%s%s", dir, sep, runtime_files[i].name);
        }
    OutFile *files = mem_array(&c->arena, (size_t)nf, sizeof(OutFile));
    int n = 0;
    bool ok = true;
    for (; n < nf && ok; n++)
        if (!(ok = out_open(c, &files[n], path[n])))
            break;
    if (ok) {
        e->h = files[0].f;
        e->decl = files[1].f;
        e->wf = files[2].f;
        const char **in = io_names(e, &e->g->inputs, "in_");
        const char **out = io_names(e, &e->g->outputs, "out_");
        emit_source(e, in, out);
        emit_header(e, in, out);
        for (int i = 3; i < nf; i++)
            fwrite(lib[i]->text, 1, lib[i]->size, files[i].f);
        if (e->ok && !check_params(e, in, out))
            e->ok = false;
        ok = e->ok && out_commit(c, files, nf);
        if (!e->ok)
            for (int i = 0; i < nf; i++)
                out_discard(&files[i]);
    } else {
        for (int i = 0; i < n; i++)
            out_discard(&files[i]);
    }
    if (!ok && made)
        rmdir(dir); /* empty: no temporary is left */
    return ok;
}

void emit_kernels(Ctx *c, const CostTarget *t, FILE *f) {
    bool *done = mem_array(&c->arena, (size_t)runtime_nfiles, sizeof(bool));
    fprintf(f, "#define BNN_W %d\n", t->word);
    runtime_expand(f, runtime_flavour(t), done);
}

const char *emit_name(Ctx *c, const IrGraph *g) {
    return c_ident(&c->arena, g->name);
}

bool emit_c(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w, const char *dir) {
    Emit e = {.c = c, .g = g, .t = t, .w = w, .W = t->word, .ok = true};
    e.name = emit_name(c, g);
    plan_graph(c, g, t->word, &e.plan);
    if (!emit_c_fits(c, g, &e.plan, t->word) || !check_names(&e))
        return false;
    return write_all(&e, dir);
}
