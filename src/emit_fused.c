/*
 * emit_fused.c: the fused layers' blocks (pass fuse-epilogue,
 * runtime/bnn_fused.h): the statements of a fused chain for one block of
 * output pixels, and the loop over the blocks, shared by the binary
 * convolution, the binary dense layer and the float convolution
 * (emit_layers.c).
 */
#include "emit_c.h"

#include <stdio.h>

/* The epilogue of a fused binary layer (pass_fuse_epilogue.c) as the
 * statements of one block of its output (runtime/bnn_fused.h): np pixels
 * from pixel q0 (the strings nps and q0s: "np" and "q0" in a
 * convolution's loop, "1" and "0" for a dense layer), their int32 dot
 * products in `acc` (a b1 output) or in the output rows themselves, the
 * floats in `v`. First the dot products become floats with the layer's
 * weight scale and bias, then one element-wise layer call a step, in
 * place, with constant arguments (the compiler specialises each as it
 * does the unfused layer's), then the signs packed when the chain ends in
 * a sign or a threshold, or beside the floats (IrEpi.side). A threshold
 * right on the integer dot products is one integer compare a channel
 * (bnn_threshold_int, as emit_binarize does) and nothing else. The
 * parameters are written as arrays. Returns the statements, NULL on an
 * error (reported); *bits: the output is b1, *ints: no floats (acc
 * only). */
char **emit_epi_chain(Emit *e, const IrNode *n, const char *q0s, const char *nps, int *count,
                      bool *bits, bool *ints) {
    const IrEpi *ep = n->epi;
    Arena *A = &e->c->arena;
    bool sc = ir_flag(n, A_SCALED), bi = ir_flag(n, A_BIAS);
    int64_t C = shape_channels(&n->shape), CW = (C + e->W - 1) / e->W;
    char what[256], sp[64] = "NULL", bp[64] = "NULL", yp[96];
    const LayerParams *lp = (sc || bi) ? emit_params(e, n->name) : NULL;
    if ((sc || bi) && !lp)
        return NULL;
    if (sc) {
        snprintf(what, sizeof what, "%s: weight scale per output channel", n->name);
        snprintf(sp, sizeof sp, "%s_w%d", e->name, emit_float_array(e, lp->wscale, lp->nout, what));
    }
    if (bi) {
        snprintf(what, sizeof what, "%s: bias per output channel", n->name);
        snprintf(bp, sizeof bp, "%s_w%d", e->name, emit_float_array(e, lp->bias, lp->nout, what));
    }
    emit_buf(e, yp, sizeof yp, n);
    char **line = mem_array(A, (size_t)ep->n + 2, sizeof(char *));
    int m = 0;
    *bits = n->type == DT_B1;
    *ints = false;
    if (ep->n == 1 && ep->v[0].op == OP_THRESHOLD && ep->dot == DT_I32) {
        const LayerParams *p = emit_params(e, ep->v[0].params);
        if (!p)
            return NULL;
        if (emit_int_threshold_ok(ep->dot, p, C)) {
            int did, tid = emit_int_thresholds(e, n, ep->v[0].name, ep->v[0].params, p, C, &did);
            line[m++] = mem_printf(A,
                                   "bnn_threshold_int(acc, BNN_I32, %s + %s * %lld, %s_w%d, "
                                   "%s_w%d, %s, %lld);",
                                   yp, q0s, (long long)CW, e->name, tid, e->name, did, nps,
                                   (long long)C);
            *ints = true;
            *count = m;
            return line;
        }
    }
    if (ir_is_binary(n)) /* int32 dot products (f32 when scaled or biased) */
        line[m++] = mem_printf(A, "bnn_epi_float(v, %s, %s, %lld, %s, %s);",
                               n->type == DT_B1 ? "acc" : "(const int32_t *)v", nps,
                               (long long)C, sp, bp);
    else if (sc || bi) /* a float dot product: bnn_epilogue on the block */
        line[m++] = mem_printf(A, "bnn_epilogue(v, %s, %lld, %s, %s, 0);", nps, (long long)C,
                               sp, bp);
    for (int k = 0; k < ep->n; k++) {
        const IrEpiStep *s = &ep->v[k];
        const LayerParams *p = NULL;
        if (s->op == OP_BATCHNORM || s->op == OP_PRELU || s->op == OP_THRESHOLD)
            if (!(p = emit_params(e, s->params)))
                return NULL;
        switch (s->op) {
        case OP_BATCHNORM:
        case OP_THRESHOLD: { /* a threshold: sign(batchnorm(v)) */
            snprintf(what, sizeof what, "%s: scale of %s", n->name, s->params);
            int sid = emit_float_array(e, p->scale, p->nc, what);
            snprintf(what, sizeof what, "%s: shift of %s", n->name, s->params);
            int hid = emit_float_array(e, p->shift, p->nc, what);
            line[m++] = mem_printf(A, "bnn_batchnorm(v, BNN_F32, v, %s_w%d, %s_w%d, %s, %lld);",
                                   e->name, sid, e->name, hid, nps, (long long)C);
            break;
        }
        case OP_RELU:
        case OP_HARDTANH:
            line[m++] = mem_printf(A, "bnn_unary_op(v, BNN_F32, v, %s, %lld, %s);", nps,
                                   (long long)C, s->op == OP_RELU ? "BNN_RELU" : "BNN_HARDTANH");
            break;
        case OP_PRELU: {
            snprintf(what, sizeof what, "%s: alpha of %s", n->name, s->params);
            int aid = emit_float_array(e, p->alpha, p->nc, what);
            if (s->at->has[A_PER_ELEMENT] && s->at->v[A_PER_ELEMENT][0]) /* alpha per element */
                line[m++] = mem_printf(A, "bnn_prelu(v, BNN_F32, v, %s_w%d + %s * %lld, 1, %s * %lld);",
                                       e->name, aid, q0s, (long long)C, nps, (long long)C);
            else
                line[m++] = mem_printf(A, "bnn_prelu(v, BNN_F32, v, %s_w%d, %s, %lld);", e->name,
                                       aid, nps, (long long)C);
            break;
        }
        case OP_ADD: {
            const IrNode *x = n->in[s->other];
            char xp[96], at[160];
            emit_buf(e, xp, sizeof xp, x);
            const char *xt = emit_dtype_names[x->type];
            snprintf(at, sizeof at, "bnn_epi_at(%s, %s, %s, %lld), %s", xp, xt, q0s, (long long)C,
                     xt);
            if (s->second) /* the chain's value is the add's second operand */
                line[m++] = mem_printf(A, "bnn_add_f(%s, v, BNN_F32, v, %s, %lld);", at, nps,
                                       (long long)C);
            else
                line[m++] = mem_printf(A, "bnn_add_f(v, BNN_F32, %s, v, %s, %lld);", at, nps,
                                       (long long)C);
            break;
        }
        default:
            break;
        }
    }
    if (*bits || ep->side) {
        char out[96];
        if (*bits)
            snprintf(out, sizeof out, "%s", yp);
        else
            emit_buf(e, out, sizeof out, ep->side);
        line[m++] = mem_printf(A, "bnn_epi_pack(%s + %s * %lld, v, %s, %lld);", out, q0s,
                               (long long)CW, nps, (long long)C);
    }
    *count = m;
    return line;
}

/* The loop over the blocks of four pixels of a fused convolution's P
 * output pixels, q0 the first of a block; with --threads, part t's share
 * of the blocks (bnn_parts.h). */
void emit_epi_loop(Emit *e, int64_t P) {
    if (e->part)
        fprintf(e->src, "        long b0, b1;\n        bnn_split(%lld, t, n, &b0, &b1);\n"
                        "        for (long q0 = 4 * b0; q0 < 4 * b1; q0 += 4) {\n",
                (long long)((P + 3) / 4));
    else
        fprintf(e->src, "        for (long q0 = 0; q0 < %lld; q0 += 4) {\n", (long long)P);
}
