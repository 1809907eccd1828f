/*
 * emit_thresh.c: the layers that make -1/+1 bits of numbers (sign,
 * threshold, thresholds), and their constants in NAME_weights.c.
 *
 * A fused sign(batchnorm(x)) is a threshold (pass_fuse.c): where x is an
 * integer (a binary or bit-serial layer's i32 dot products, a u8 input),
 * sign(x * scale + shift) is decided by one integer compare per channel,
 * x >= tau or x <= tau. tau is found by a binary search over the range x
 * can take (int_range), evaluating the same float expression as the
 * interpreter (bn_positive), so the compare is exact, not an
 * approximation of the rounded float arithmetic. With a float input, or
 * a scale or shift that is not finite, the float expression itself is
 * emitted (bnn_threshold_f). thresholds (the multi-level form) rounds its
 * real thresholds T to the integers x must reach.
 */
#include "emit_c.h"

#include <math.h>
#include <stdlib.h>

/* The integer threshold of sign(x * scale + shift) over x in [lo, hi]:
 * the output is +1 where x >= tau (dir 0) or x <= tau (dir 1), found by
 * evaluating the same float expression as the interpreter. */
static bool bn_positive(int64_t x, float scale, float shift) {
    float p = (float)x * scale;
    float v = p + shift;
    return v >= 0.0f;
}

static void int_threshold(float scale, float shift, int64_t lo, int64_t hi, int32_t *tau,
                          int32_t *dir) {
    if (scale > 0) { /* non-decreasing: the least x that is positive */
        int64_t a = lo, b = hi + 1;
        while (a < b) {
            int64_t m = a + (b - a) / 2;
            if (bn_positive(m, scale, shift))
                b = m;
            else
                a = m + 1;
        }
        *tau = (int32_t)a;
        *dir = 0;
    } else if (scale < 0) { /* non-increasing: the greatest x that is positive */
        int64_t a = lo - 1, b = hi;
        while (a < b) {
            int64_t m = a + (b - a + 1) / 2;
            if (bn_positive(m, scale, shift))
                a = m;
            else
                b = m - 1;
        }
        *tau = (int32_t)a;
        *dir = 1;
    } else { /* constant (or NaN: never positive) */
        *tau = bn_positive(0, scale, shift) ? (int32_t)lo : (int32_t)(hi + 1);
        *dir = 0;
    }
}

/* Bounds of an i32 value: binary dot products are within [-N, N]. */
static void int_range(const IrNode *n, int64_t *lo, int64_t *hi) {
    switch (n->op) {
    case OP_BCONV2D:
    case OP_BDENSE: /* on b1: -N..N; on u8 of B bits: -(2^B - 1) N..(2^B - 1) N */
        *hi = cost_fan_in(n) * (ir_is_bitserial(n) ? (1 << ir_value_bits(n->in[0])) - 1 : 1);
        *lo = -*hi;
        return;
    case OP_MAXPOOL:
        int_range(n->in[0], lo, hi);
        return;
    case OP_ADD: {
        int64_t a, b, c, d;
        int_range(n->in[0], &a, &b);
        int_range(n->in[1], &c, &d);
        *lo = a + c;
        *hi = b + d;
        if (*lo < INT32_MIN + 1)
            *lo = INT32_MIN + 1;
        if (*hi > INT32_MAX - 1)
            *hi = INT32_MAX - 1;
        return;
    }
    case OP_CONCAT: {
        int64_t a, b;
        *lo = INT32_MAX;
        *hi = INT32_MIN;
        for (int i = 0; i < n->nin; i++) {
            int_range(n->in[i], &a, &b);
            if (a < *lo)
                *lo = a;
            if (b > *hi)
                *hi = b;
        }
        return;
    }
    default:
        *lo = INT32_MIN + 1;
        *hi = INT32_MAX - 1;
        return;
    }
}

/* sign or threshold into a packed binary tensor: one word at a time. */
void emit_binarize(Emit *e, const IrNode *n) {
    FILE *f = e->src;
    const IrNode *x = n->in[0];
    int64_t C = shape_channels(&n->shape), P = shape_pixels(&n->shape);
    char yp[96], xp[96];
    emit_buf(e, yp, sizeof yp, n);
    emit_buf(e, xp, sizeof xp, x);
    const char *xt = emit_dtype_names[x->type];
    if (n->op != OP_THRESHOLD) {
        fprintf(f, "    bnn_sign%s(%s, %s, %s, %lld, %lld%s);\n", EMIT_PART(e), xp, xt, yp,
                (long long)P, (long long)C, EMIT_TARGS(e));
        return;
    }
    const LayerParams *lp = emit_params(e, n->folds);
    if (!lp)
        return;
    char what[256];
    if (!emit_int_threshold_ok(x->type, lp, C)) {
        snprintf(what, sizeof what, "%s: scale of %s", n->name, n->folds);
        int sid = emit_float_array(e, lp->scale, lp->nc, what);
        snprintf(what, sizeof what, "%s: shift of %s", n->name, n->folds);
        int hid = emit_float_array(e, lp->shift, lp->nc, what);
        fprintf(f, "    bnn_threshold_f%s(%s, %s, %s, %s_w%d, %s_w%d, %lld, %lld%s);\n",
                EMIT_PART(e), xp, xt, yp, e->name, sid, e->name, hid, (long long)P, (long long)C,
                EMIT_TARGS(e));
        return;
    }
    int did, tid = emit_int_thresholds(e, x, n->name, n->folds, lp, C, &did);
    fprintf(f, "    bnn_threshold_int%s(%s, %s, %s, %s_w%d, %s_w%d, %lld, %lld%s);\n", EMIT_PART(e),
            xp, xt, yp, e->name, tid, e->name, did, (long long)P, (long long)C, EMIT_TARGS(e));
}

int emit_int_thresholds(Emit *e, const IrNode *x, const char *name, const char *folds,
                        const LayerParams *lp, int64_t C, int *did) {
    char what[256];
    int64_t lo, hi;
    if (x->type == DT_U8)
        lo = 0, hi = 255;
    else
        int_range(x, &lo, &hi);
    int32_t *tau = xmalloc((size_t)C * sizeof *tau), *dir = xmalloc((size_t)C * sizeof *dir);
    /* x <= t is !(x >= t + 1): one compare, then the direction bit
     * (t <= hi < INT32_MAX, so t + 1 does not overflow). */
    for (int64_t c = 0; c < C; c++) {
        int_threshold(lp->scale[c], lp->shift[c], lo, hi, &tau[c], &dir[c]);
        tau[c] += dir[c];
    }
    snprintf(what, sizeof what, "%s: thresholds of %s: +1 where (x >= t) != d", name, folds);
    int tid = emit_int_array(e, "int32_t", tau, C, what);
    snprintf(what, sizeof what, "%s: d, bit c: the compare is x <= t - 1", name);
    *did = emit_bits_array(e, dir, C, what);
    free(tau);
    free(dir);
    return tid;
}

bool emit_int_threshold_ok(DType xt, const LayerParams *lp, int64_t C) {
    bool integer = xt == DT_I32 || xt == DT_U8;
    for (int64_t c = 0; c < C && integer; c++)
        integer = isfinite(lp->scale[c]) && isfinite(lp->shift[c]);
    return integer;
}

/* thresholds: the count of integer thresholds x reaches, tau = ceil(T)
 * (x >= T) or floor(T) + 1 (x > T), exact for the integer x; one level
 * packs the bit (+1: reached), more store the count as a u8. */
void emit_thresholds(Emit *e, const IrNode *n) {
    int64_t C = shape_channels(&n->shape), P = shape_elems(&n->shape) / C;
    int64_t K = n->at->v[A_LEVELS][0];
    bool strict = n->at->v[A_STRICT][0] != 0;
    const LayerParams *lp = emit_params(e, n->name);
    if (!lp)
        return;
    int32_t *tau = xmalloc((size_t)(C * K) * sizeof *tau);
    for (int64_t i = 0; i < C * K; i++) /* |T| <= 2^30 (weights.c): no overflow */
        tau[i] = (int32_t)(strict ? floor((double)lp->w[i]) + 1 : ceil((double)lp->w[i]));
    char what[256], xp[96], yp[96];
    snprintf(what, sizeof what, "%s: integer thresholds [%lld][%lld], x %s T is x >= t", n->name,
             (long long)C, (long long)K, strict ? ">" : ">=");
    int tid = emit_int_array(e, "int32_t", tau, C * K, what);
    free(tau);
    emit_buf(e, xp, sizeof xp, n->in[0]);
    emit_buf(e, yp, sizeof yp, n);
    if (n->type == DT_B1)
        fprintf(e->src, "    bnn_thresholds_b1%s(%s, %s, %s_w%d, %lld, %lld%s);\n", EMIT_PART(e), xp,
                yp, e->name, tid, (long long)P, (long long)C, EMIT_TARGS(e));
    else
        fprintf(e->src, "    bnn_thresholds_u8%s(%s, %s, %s_w%d, %lld, %lld, %lld%s);\n",
                EMIT_PART(e), xp, yp, e->name, tid, (long long)P, (long long)C, (long long)K,
                EMIT_TARGS(e));
}
