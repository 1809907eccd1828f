/*
 * emit_fused.c: the fused layers' blocks (pass fuse-epilogue,
 * runtime/bnn_fused.h), shared by the binary convolution, the binary
 * dense layer and the float convolution (emit_layers.c): the loop over
 * the blocks of output pixels, the scratch of a block, and the chain as
 * one pass over the block, a vector of channels at a time.
 *
 * A block's chain is written twice, from one list of steps: on vectors of
 * BNN_FV channels (bnn_v_...) under `#if BNN_FVEC`, then on the channels
 * left one at a time (bnn_s_..., all of them without vectors). Each step
 * is a call with constant arguments (the parameter arrays from channel c
 * on), so the compiler keeps the value in a register from the load of
 * the dot products to the store of the floats and the signs' bits.
 */
#include "emit_c.h"

#include <stdio.h>

/* One step of a chain: x = bnn_v_FN(x ARGS) (bnn_s_ on one channel). */
typedef struct {
    const char *fn;
    char *args;
} EpiStep;

/* A chain's steps and the lines before its pass over a block (the
 * residuals' first element in the block). */
typedef struct {
    EpiStep *v;
    int n;
    char **pre;
    int npre;
} EpiChain;

/* Steps of the chain of n into ch: the weight scale and bias, then the
 * element-wise layers in order, channel c of pixel p of the block (q0s:
 * its first pixel), C channels. False after reporting. */
static bool epi_steps(Emit *e, const IrNode *n, const char *q0s, EpiChain *ch) {
    const IrEpi *ep = n->epi;
    Arena *A = &e->c->arena;
    bool sc = ir_flag(n, A_SCALED), bi = ir_flag(n, A_BIAS);
    long long C = (long long)shape_channels(&n->shape);
    char what[256];
    ch->v = mem_array(A, (size_t)ep->n + 2, sizeof(EpiStep));
    ch->pre = mem_array(A, (size_t)ep->n + 1, sizeof(char *));
    ch->n = ch->npre = 0;
    if (sc || bi) {
        const LayerParams *lp = emit_params(e, n->name);
        if (!lp)
            return false;
        if (sc) { /* bnn_scale_bias: the product, then the sum */
            snprintf(what, sizeof what, "%s: weight scale per output channel", n->name);
            int id = emit_float_array(e, lp->wscale, lp->nout, what);
            ch->v[ch->n++] = (EpiStep){"mul", mem_printf(A, ", %s_w%d + c", e->name, id)};
        }
        if (bi) {
            snprintf(what, sizeof what, "%s: bias per output channel", n->name);
            int id = emit_float_array(e, lp->bias, lp->nout, what);
            ch->v[ch->n++] = (EpiStep){"add", mem_printf(A, ", %s_w%d + c", e->name, id)};
        }
    }
    for (int k = 0; k < ep->n; k++) {
        const IrEpiStep *s = &ep->v[k];
        const LayerParams *p = NULL;
        if (s->op == OP_BATCHNORM || s->op == OP_PRELU || s->op == OP_THRESHOLD)
            if (!(p = emit_params(e, s->params)))
                return false;
        EpiStep *st = &ch->v[ch->n];
        switch (s->op) {
        case OP_BATCHNORM:
        case OP_THRESHOLD: { /* a threshold: sign(batchnorm(v)) */
            snprintf(what, sizeof what, "%s: scale of %s", n->name, s->params);
            int sid = emit_float_array(e, p->scale, p->nc, what);
            snprintf(what, sizeof what, "%s: shift of %s", n->name, s->params);
            int hid = emit_float_array(e, p->shift, p->nc, what);
            *st = (EpiStep){"bn", mem_printf(A, ", %s_w%d + c, %s_w%d + c", e->name, sid,
                                             e->name, hid)};
            break;
        }
        case OP_RELU:
        case OP_HARDTANH:
            *st = (EpiStep){s->op == OP_RELU ? "relu" : "hardtanh", ""};
            break;
        case OP_PRELU: {
            snprintf(what, sizeof what, "%s: alpha of %s", n->name, s->params);
            int aid = emit_float_array(e, p->alpha, p->nc, what);
            if (s->at->has[A_PER_ELEMENT] && s->at->v[A_PER_ELEMENT][0]) /* alpha per element */
                *st = (EpiStep){"prelu", mem_printf(A, ", %s_w%d + (%s + p) * %lld + c", e->name,
                                                    aid, q0s, C)};
            else
                *st = (EpiStep){"prelu", mem_printf(A, ", %s_w%d + c", e->name, aid)};
            break;
        }
        case OP_ADD: { /* the other operand from the block's first pixel on: z<k> */
            const IrNode *x = n->in[s->other];
            char xp[96];
            emit_buf(e, xp, sizeof xp, x);
            const char *xt = emit_dtype_names[x->type];
            ch->pre[ch->npre++] = mem_printf(A, "const void *z%d = bnn_epi_at(%s, %s, %s, %lld);",
                                             k, xp, xt, q0s, C);
            /* s->second: the chain's value is the add's second operand */
            *st = (EpiStep){s->second ? "xadd" : "addx",
                            mem_printf(A, ", z%d, %s, p * %lld + c, %lld", k, xt, C, C)};
            break;
        }
        default:
            continue;
        }
        ch->n++;
    }
    return true;
}

/* The pass over one block (np pixels from q0, strings nps and q0s), the
 * chain's value x in a vector (kind 'v', under BNN_FVEC) or a float ('s'):
 * the dot product `src` loaded, the steps, the float stored at `dst` (or
 * not: NULL), the sign packed (pack). ind: the indent. */
static void epi_pass(Emit *e, const EpiChain *ch, char kind, const char *src, const char *dst,
                     bool pack, long long C, const char *ind) {
    FILE *f = e->src;
    if (kind == 'v')
        fprintf(f, "#if BNN_FVEC\n%s    for (; c + BNN_FV <= %lld; c += BNN_FV) {\n"
                   "%s        bnn_vf x = bnn_v_%s + p * %lld + c);\n",
                ind, C, ind, src, C);
    else
        fprintf(f, "%s    for (; c < %lld; c++) {\n%s        float x = bnn_s_%s + p * %lld + c);\n",
                ind, C, ind, src, C);
    for (int k = 0; k < ch->n; k++)
        fprintf(f, "%s        x = bnn_%c_%s(x%s);\n", ind, kind, ch->v[k].fn, ch->v[k].args);
    if (dst)
        fprintf(f, "%s        bnn_%c_st(%s + p * %lld + c, x);\n", ind, kind, dst, C);
    if (pack)
        fprintf(f, "%s        bits = bnn_%c_pack(s, c, x, bits, %lld);\n", ind, kind, C);
    fprintf(f, "%s    }\n%s", ind, kind == 'v' ? "#endif\n" : "");
}

/* The chain of n on a block whose dot products the call before it wrote:
 * a threshold right on the integer dot products is one bnn_threshold_int
 * (as emit_binarize does), anything else one pass over the block's
 * pixels (epi_pass). False after reporting. */
static bool epi_chain(Emit *e, const IrNode *n, const char *q0s, const char *nps,
                      const char *ind) {
    FILE *f = e->src;
    const IrEpi *ep = n->epi;
    long long C = (long long)shape_channels(&n->shape), CW = (C + e->W - 1) / e->W;
    bool bits = n->type == DT_B1, bin = ir_is_binary(n);
    char yp[96];
    emit_buf(e, yp, sizeof yp, n);
    if (bits && ep->n == 1 && ep->v[0].op == OP_THRESHOLD && ep->dot == DT_I32) {
        const LayerParams *p = emit_params(e, ep->v[0].params);
        if (!p)
            return false;
        if (emit_int_threshold_ok(ep->dot, p, C)) {
            int did, tid = emit_int_thresholds(e, n, ep->v[0].name, ep->v[0].params, p, C, &did);
            fprintf(f, "%sbnn_threshold_int(acc, BNN_I32, %s + %s * %lld, %s_w%d, %s_w%d, %s, %lld);\n",
                    ind, yp, q0s, CW, e->name, tid, e->name, did, nps, C);
            return true;
        }
    }
    EpiChain ch;
    if (!epi_steps(e, n, q0s, &ch))
        return false;
    for (int k = 0; k < ch.npre; k++)
        fprintf(f, "%s%s\n", ind, ch.pre[k]);
    const char *src = bin ? (bits ? "int(acc" : "int((const int32_t *)v") : "ld(v";
    /* a float output's rows: stored, unless a float convolution's are already the value */
    const char *dst = bits || (!bin && ch.n == 0) ? NULL : "v";
    bool pack = bits || ep->side;
    fprintf(f, "%sfor (long p = 0; p < %s; p++) {\n", ind, nps);
    if (pack) {
        char out[96];
        if (bits)
            snprintf(out, sizeof out, "%s", yp);
        else
            emit_buf(e, out, sizeof out, ep->side);
        fprintf(f, "%s    bnn_word *s = %s + (%s + p) * %lld, bits = 0;\n", ind, out, q0s, CW);
    }
    fprintf(f, "%s    long c = 0;\n", ind);
    epi_pass(e, &ch, 'v', src, dst, pack, C, ind);
    epi_pass(e, &ch, 's', src, dst, pack, C, ind);
    fprintf(f, "%s}\n", ind);
    return true;
}

const char *emit_epi_dst(const IrNode *n) {
    return !ir_is_binary(n) ? "v" : n->type == DT_B1 ? "acc" : "(int32_t *)v";
}

/* A fused layer (runtime/bnn_fused.h): the block's scratch (the caller's
 * `scratch` declarations, then `acc` or `v` for a b1 output), the loop
 * over the blocks of four pixels (a dense layer's row is one block; with
 * --threads, part t's share of the blocks, bnn_parts.h, or part 0 the
 * whole row), a float output's rows as the block (`v`), the block kernel
 * `call` (a convolution's an expression for np, the pixels it wrote,
 * writing to emit_epi_dst), then the chain. */
void emit_epi_block(Emit *e, const IrNode *n, const char *scratch, const char *call) {
    FILE *f = e->src;
    bool dense = n->op == OP_BDENSE, bits = n->type == DT_B1;
    int64_t C = shape_channels(&n->shape), blk = dense ? 1 : 4;
    int64_t P = dense ? 1 : shape_pixels(&n->shape);
    char yp[96];
    if (dense && e->part) /* one block: no split */
        fputs("    (void)n;\n    if (t == 0) {\n", f);
    else
        fputs("    {\n", f);
    if (scratch)
        fputs(scratch, f);
    if (bits)
        fprintf(f, "        %s %s[%lld];\n", ir_is_binary(n) ? "int32_t" : "float",
                emit_epi_dst(n), (long long)(blk * C));
    const char *ind = "        ";
    if (!dense) {
        ind = "            ";
        if (e->part)
            fprintf(f, "        long b0, b1;\n        bnn_split(%lld, t, n, &b0, &b1);\n"
                       "        for (long q0 = 4 * b0; q0 < 4 * b1; q0 += 4) {\n",
                    (long long)((P + 3) / 4));
        else
            fprintf(f, "        for (long q0 = 0; q0 < %lld; q0 += 4) {\n", (long long)P);
    }
    if (!bits) {
        emit_buf(e, yp, sizeof yp, n);
        fprintf(f, "%sfloat *v = %s%s;\n", ind, yp,
                dense ? "" : mem_printf(&e->c->arena, " + q0 * %lld", (long long)C));
    }
    fprintf(f, dense ? "%s%s;\n" : "%sint np = %s;\n", ind, call);
    epi_chain(e, n, dense ? "0" : "q0", dense ? "1" : "np", ind);
    fputs(dense ? "    }\n" : "        }\n    }\n", f);
}
