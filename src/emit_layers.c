/*
 * emit_layers.c: per layer of the graph, the call of the kernel library
 * (runtime/, runtime/README.md) that computes it in NAME.c.
 *
 * Every size is a constant of the call: a window is a bnn_win compound
 * literal, a strided walk a bnn_walk, a buffer a pointer into the arena
 * at the offset the buffer planner gave it (plan.c). A layer's weights
 * are packed and written first (emit_weights.c, emit_thresh.c for the
 * thresholds), then its call, then the epilogue of a dot product (weight
 * scale, bias). A reshape or flatten the planner made a view of its input
 * costs nothing. The library computes exactly what docs/semantics.md
 * says; the differential tests (tests/codegen/diff.sh) compare the two.
 */
#include "emit_c.h"

#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------- windows, literals */

static int64_t pad_before(int64_t in, int64_t out, int64_t k, int64_t s, int64_t d, int pad) {
    if (pad == PAD_VALID)
        return 0;
    int64_t total = (out - 1) * s + (k - 1) * d + 1 - in;
    return total > 0 ? total / 2 : 0;
}

static Win window_of(const IrNode *n) {
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
static void win_literal(char *out, size_t len, const Win *w, int64_t groups, int pad) {
    snprintf(out, len,
             "(bnn_win){%lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, "
             "%lld, %lld, %lld, %s}",
             (long long)w->H, (long long)w->Wd, (long long)w->C, (long long)w->Ho,
             (long long)w->Wo, (long long)w->Co, (long long)w->Kh, (long long)w->Kw,
             (long long)w->sh, (long long)w->sw, (long long)w->dh, (long long)w->dw,
             (long long)w->pt, (long long)w->pl, (long long)groups, pad_names[pad]);
}

/* ------------------------------------------------------ binary layers */

/* bconv2d on a b1 input: the weights packed and blocked for the
 * library's bnn_bconv2d, wpop (+1 weights per output channel and tap) for
 * padding = same, and one call with its scratch on the stack. */
static void emit_bconv(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    const IrNode *x = n->in[0];
    Win w = window_of(n);
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
    win_literal(win, sizeof win, &w, g, pad);
    /* The cost model's weight passes follow bnn_bconv2d's block (cost.c). */
    _Static_assert(EMIT_BCONV_BLOCK == 4, "bnn_bconv2d handles four positions at a time");
    if (n->epi) { /* a loop over blocks of four pixels, the chain on each */
        Arena *A = &e->c->arena;
        char *scratch = mem_printf(A, "        bnn_word col[4 * %lld];\n"
                                      "        int padded[4 * %lld] = {0};\n",
                                   (long long)words, (long long)taps);
        char wp[64] = "NULL";
        if (pid >= 0)
            snprintf(wp, sizeof wp, "%s_w%d", e->name, pid);
        emit_epi_block(e, n, scratch,
                       mem_printf(A, "bnn_bconv2d_block(%s, %s, %s_w%d, %s,\n"
                                     "                                       %s, %s, col, padded, q0)",
                                  xp, emit_epi_dst(n), e->name, wid, wp, win, pack_names[pk]));
        return;
    }
    fprintf(f, "    {\n        bnn_word col[4 * %lld];\n        int padded[4 * %lld] = {0};\n",
            (long long)words, (long long)taps);
    fprintf(f, "        bnn_bconv2d%s(%s, %s, %s_w%d, ", EMIT_PART(e), xp, yp, e->name, wid);
    if (pid >= 0)
        fprintf(f, "%s_w%d,\n", e->name, pid);
    else
        fputs("NULL,\n", f);
    fprintf(f, "                    %s, %s, col, padded%s);\n    }\n", win, pack_names[pk], EMIT_TARGS(e));
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
    if (n->epi) { /* the row of U outputs is one block */
        emit_epi_block(e, n, NULL,
                       mem_printf(&e->c->arena, "bnn_bdense(%s, %s, %s_w%d, %lld, %lld)", xp,
                                  emit_epi_dst(n), e->name, wid, (long long)N, (long long)U));
        return;
    }
    fprintf(e->src, "    bnn_bdense%s(%s, %s, %s_w%d, %lld, %lld%s);\n", EMIT_PART(e), xp, yp,
            e->name, wid, (long long)N, (long long)U, EMIT_TARGS(e));
}

/* bconv2d and bdense on a u8 input of B bits (ir_value_bits), bit-serial
 * (docs/cost-model.md): the receptive field is read as B planes of
 * dense-packed bits, plane p holding bit p of each value (a same_one
 * padded tap is the value 1, a zero-padded one 0). With the weights' +1
 * bits, the plane's dot product with the -1/+1 weights is npos - pop_p
 * (pop_p = popcount(plane XOR w), npos the filter's +1 weights), so the
 * output is sum_p 2^p (npos - pop_p) = (2^B - 1) npos - sum_p 2^p pop_p:
 * B XNOR-popcount passes, exact. A convolution gathers each field whole;
 * a dense layer streams its input in chunks of BNN_CHUNK words
 * (runtime/bnn_binary.h), so that the planes on the stack stay small. */
static void emit_bitserial(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    const IrNode *x = n->in[0];
    bool conv = n->op == OP_BCONV2D;
    Win w = {0};
    int64_t g = 1, cg, Co, taps = 1;
    if (conv) {
        w = window_of(n);
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
        win_literal(win, sizeof win, &w, g, (int)n->at->v[A_PADDING][0]);
        fprintf(f, "    {\n        bnn_word col[%d * %lld];\n"
                   "        bnn_bconv2d_bitserial%s(%s, %s, %s_w%d, %s_w%d,\n"
                   "                              %s, %d, col%s);\n    }\n",
                B, (long long)words, EMIT_PART(e), xp, yp, e->name, wid, e->name, sid, win, B,
                EMIT_TARGS(e));
    } else {
        fprintf(f, "    {\n        bnn_word col[%d * BNN_CHUNK];\n"
                   "        bnn_bdense_bitserial%s(%s, %s, %s_w%d, %s_w%d, %lld, %lld, %d, col%s);\n    }\n",
                B, EMIT_PART(e), xp, yp, e->name, wid, e->name, sid, (long long)N, (long long)Co, B,
                EMIT_TARGS(e));
    }
}

/* ------------------------------------------------------- float layers */

/* conv2d, bconv2d with a float input, depthwise_conv2d: accumulate in
 * the output, in (ky, kx, ci) order per output (docs/semantics.md). */
static void emit_conv_float(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    const IrNode *x = n->in[0];
    Win w = window_of(n);
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
    win_literal(win, sizeof win, &w, g, pad);
    _Static_assert(EMIT_BCONV_BLOCK == 4, "bnn_conv2d_block computes four pixels (BNN_FPX)");
    if (n->epi && !dw && !bw) { /* a loop over blocks of four pixels, the chain on each */
        emit_epi_block(e, n, NULL,
                       mem_printf(&e->c->arena, "bnn_conv2d_block(%s, %s, v, %s_w%d,\n"
                                                "                                      %s, %d, q0)",
                                  xp, emit_dtype_names[x->type], e->name, wid, win, chunk));
        return;
    }
    if (bw)
        fprintf(f, "    bnn_conv2d_bw%s(%s, %s, %s, %s_w%d,\n                  %s%s);\n",
                EMIT_PART(e), xp, emit_dtype_names[x->type], yp, e->name, wid, win, EMIT_TARGS(e));
    else if (dw)
        fprintf(f, "    bnn_depthwise_conv2d%s(%s, %s, %s, %s_w%d,\n                         %s%s);\n",
                EMIT_PART(e), xp, emit_dtype_names[x->type], yp, e->name, wid, win, EMIT_TARGS(e));
    else
        fprintf(f, "    bnn_conv2d%s(%s, %s, %s, %s_w%d,\n               %s, %d%s);\n", EMIT_PART(e), xp,
                emit_dtype_names[x->type], yp, e->name, wid, win, chunk, EMIT_TARGS(e));
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
    fprintf(e->src, "    %s%s(%s, %s, %s, %s_w%d, %lld, %lld%s);\n",
            n->weights == W_BINARY ? "bnn_bdense_f" : "bnn_dense", EMIT_PART(e), xp,
            emit_dtype_names[x->type], yp, e->name, wid, (long long)N, (long long)U, EMIT_TARGS(e));
}

/* The end of a dot product (docs/semantics.md section 3), over the
 * layer's output once its kernel has written it: times the weight scale
 * (scaled = yes), then plus the bias (bias = yes), each a rounded float
 * statement, per output channel c. A binary or bit-serial layer's
 * kernel leaves its i32 dot products there, which become floats in place (memcpy: the
 * bytes change type). */
static void emit_epilogue(Emit *e, const IrNode *n) {
    bool sc = ir_flag(n, A_SCALED), bi = ir_flag(n, A_BIAS);
    if ((!sc && !bi) || (n->op != OP_THRESHOLD && n->epi)) /* fused: in the kernel's */
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
    fprintf(e->src, "    bnn_epilogue%s(A + %lld, %lld, %lld, %s, %s, %d%s);\n", EMIT_PART(e),
            (long long)e->plan.buf[n->id].offset, (long long)P, (long long)C, sp, bp,
            ir_is_binary(n) || ir_is_bitserial(n), EMIT_TARGS(e));
}

/* ----------------------------------------------------- element layers */

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
        fprintf(f, "    bnn_batchnorm%s(%s, %s, %s, %s_w%d, %s_w%d, %lld, %lld%s);\n", EMIT_PART(e), xp,
                xt, yp, e->name, sid, e->name, hid, (long long)P, (long long)C, EMIT_TARGS(e));
        break;
    }
    case OP_RELU:
    case OP_HARDTANH:
    case OP_SIGMOID:
        fprintf(f, "    bnn_unary_op%s(%s, %s, %s, %lld, %lld, %s%s);\n", EMIT_PART(e), xp, xt, yp,
                (long long)P, (long long)C,
                n->op == OP_RELU ? "BNN_RELU" : n->op == OP_HARDTANH ? "BNN_HARDTANH" : "BNN_SIGMOID",
                EMIT_TARGS(e));
        break;
    case OP_PRELU: {
        snprintf(what, sizeof what, "%s: alpha", n->name);
        int aid = emit_float_array(e, lp->alpha, lp->nc, what);
        if (!ir_flag(n, A_PER_ELEMENT))
            fprintf(f, "    bnn_prelu%s(%s, %s, %s, %s_w%d, %lld, %lld%s);\n", EMIT_PART(e), xp, xt,
                    yp, e->name, aid, (long long)P, (long long)C, EMIT_TARGS(e));
        else if (x->type != DT_B1) /* an alpha per element: one pixel of N channels */
            fprintf(f, "    bnn_prelu(%s, %s, %s, %s_w%d, 1, %lld);\n", xp, xt, yp, e->name, aid,
                    (long long)N);
        else /* b1 packs each pixel on its own: one call a pixel */
            fprintf(f, "    for (long px = 0; px < %lld; px++)\n"
                       "        bnn_prelu(%s + px * %lld, BNN_B1, %s + px * %lld, %s_w%d + px * %lld, 1, %lld);\n",
                    (long long)P, xp, (long long)emit_cwords(C, e->W), yp, (long long)C, e->name,
                    aid, (long long)C, (long long)C);
        break;
    }
    case OP_ADD: {
        const IrNode *b = n->in[1];
        char bp[96];
        emit_buf(e, bp, sizeof bp, b);
        if (n->type == DT_I32)
            fprintf(f, "    bnn_add_i32%s(%s, %s, %s, %lld%s);\n", EMIT_PART(e), xp, bp, yp,
                    (long long)N, EMIT_TARGS(e));
        else
            fprintf(f, "    bnn_add_f%s(%s, %s, %s, %s, %s, %lld, %lld%s);\n", EMIT_PART(e), xp, xt,
                    bp, emit_dtype_names[b->type], yp, (long long)P, (long long)C, EMIT_TARGS(e));
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
    Win w = window_of(n);
    char yp[96], xp[96], win[256];
    emit_buf(e, yp, sizeof yp, n);
    emit_buf(e, xp, sizeof xp, x);
    win_literal(win, sizeof win, &w, 1, (int)n->at->v[A_PADDING][0]);
    fprintf(e->src, "    %s%s(%s, %s, %s,\n                %s%s);\n",
            n->op == OP_MAXPOOL ? "bnn_maxpool" : "bnn_avgpool", EMIT_PART(e), xp,
            emit_dtype_names[x->type], yp, win, EMIT_TARGS(e));
}

static void emit_global_avgpool(Emit *e, const IrNode *n) {
    const IrNode *x = n->in[0];
    char yp[96], xp[96];
    emit_buf(e, yp, sizeof yp, n);
    emit_buf(e, xp, sizeof xp, x);
    fprintf(e->src, "    bnn_global_avgpool(%s, %s, %s, %lld, %lld);\n", xp,
            emit_dtype_names[x->type], yp, (long long)(x->shape.d[0] * x->shape.d[1]),
            (long long)x->shape.d[2]);
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
                emit_dtype_names[n->type], (long long)P, (long long)C, (long long)Cx,
                (long long)off);
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

/* The layer's library call(s) into e->src, without its epilogue. */
static void emit_layer_call(Emit *e, const IrNode *n) {
    FILE *f = e->src;
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
        if (ir_side_of(n))
            fprintf(f, "    /* written by the kernel of %s */\n", ir_side_of(n)->name);
        else
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
}

/* What `what` writes for layer n, then `then` when not NULL (with
 * e->part as `part`), as a string of its own instead of into the body
 * (*len bytes); NULL after reporting. */
static char *emit_capture(Emit *e, const IrNode *n, void (*what)(Emit *, const IrNode *),
                          void (*then)(Emit *, const IrNode *), bool part, size_t *len) {
    FILE *body = e->src;
    char *text = NULL;
    if (!(e->src = open_memstream(&text, len))) {
        e->src = body;
        diag_plain(e->c, "cannot allocate memory for the generated code");
        e->ok = false;
        return NULL;
    }
    e->part = part;
    what(e, n);
    if (then)
        then(e, n);
    e->part = false;
    fclose(e->src);
    e->src = body;
    return text;
}

/* With --threads N: what `what` writes for layer n, as a function of its
 * own, bnn_layerK(ctx, t), that computes part t of N (the library's
 * bnn_X_part calls), before the inference function (e->decl, after the
 * layer's weights); the body calls bnn_parallel_for on it. */
static void emit_parts(Emit *e, const IrNode *n, void (*what)(Emit *, const IrNode *)) {
    size_t len = 0;
    char *text = emit_capture(e, n, what, NULL, true, &len);
    if (!text)
        return;
    int k = e->nparts++;
    fprintf(e->decl, "\n/* %s: part t of %d */\nstatic void bnn_layer%d(void *ctx, int t)\n{\n"
                     "    unsigned char *const A = (unsigned char *)ctx;\n"
                     "    const int n = BNN_THREADS;\n"
                     "    (void)A, (void)n, (void)t; /* a layer may use none */\n%s}\n",
            n->name, e->threads, k, text);
    fprintf(e->src, "    bnn_parallel_for(bnn_layer%d, A, BNN_THREADS);\n", k);
    free(text);
}

/* With one thread: layer n as a function of its own, bnn_layerK(arena),
 * kept out of line (BNN_NOINLINE), which the body calls. Each layer's
 * code is then compiled on its own: its register allocation and code
 * placement do not depend on the other layers' (docs/codegen.md). */
static void emit_own(Emit *e, const IrNode *n) {
    size_t len = 0;
    char *text = emit_capture(e, n, emit_layer_call, emit_epilogue, false, &len);
    if (!text)
        return;
    if (!strstr(text, "(A")) { /* no buffer of the arena (a view): the text in place */
        fwrite(text, 1, len, e->src);
        free(text);
        return;
    }
    int k = e->nparts++;
    fprintf(e->decl, "\n/* %s */\nstatic BNN_NOINLINE void bnn_layer%d(unsigned char *restrict arena)\n{\n"
                     "    unsigned char *const A = (unsigned char *)BNN_ASSUME_ALIGNED(arena, %d);\n%s}\n",
            n->name, k, emit_arena_align(e), text);
    fprintf(e->src, "    bnn_layer%d(A);\n", k);
    free(text);
}

void emit_layer(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    char shape[64];
    shape_format(shape, sizeof shape, &n->shape);
    fprintf(f, "\n    /* %s: %s -> %s%s", n->name, ops_table[n->op].name, dtype_name(n->type),
            shape);
    if (n->packing != PACK_NONE)
        fprintf(f, ", %s packing", ir_packing_names[n->packing]);
    fputs(" */\n", f);
    int calls = e->threads > 1 ? cost_split_calls(n, e->t) : 0;
    if (e->threads <= 1) {
        emit_own(e, n);
        return;
    }
    if (calls >= 1)
        emit_parts(e, n, emit_layer_call);
    else
        emit_layer_call(e, n);
    if (calls == 2)
        emit_parts(e, n, emit_epilogue);
    else
        emit_epilogue(e, n);
}
