/*
 * interp.c: the reference interpreter, `bnnc run`.
 *
 * It evaluates a checked graph layer by layer in plain loops, following
 * docs/semantics.md to the letter: float32 arithmetic with every product
 * and every sum its own rounded statement, in the order the page gives
 * (the file is compiled with -ffp-contract=off as well), and binary dot
 * products as sums of -1/+1 products. It is meant to be obviously right,
 * not fast; the C emitter's output is checked against it.
 *
 * Tensors live in malloc'ed memory from the layer that makes them to its
 * last reader; the network's outputs are copied into the arena
 * (interp_run) or into the caller's arrays (interp_run_into: one item of
 * a batch, into the stacked outputs of `bnnc run`).
 */
#include "bnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    Ctx *c;
    const IrGraph *g;
    const Weights *w;
    Tensor *val;               /* by node id */
} Interp;

static Tensor tensor_new(DType t, int64_t n) {
    Tensor r = {.type = t, .n = n};
    switch (t) {
    case DT_F32: r.f = xmalloc((size_t)n * sizeof(float)); break;
    case DT_I32: r.i = xmalloc((size_t)n * sizeof(int32_t)); break;
    case DT_U8: r.u = xmalloc((size_t)n); break;
    default: r.b = xmalloc((size_t)n); break;
    }
    return r;
}

static void tensor_free(Tensor *t) {
    free(t->f);
    free(t->i);
    free(t->u);
    free(t->b);
    memset(t, 0, sizeof *t);
}

/* Element i read by a float operation (docs/semantics.md section 1). */
static float elem_f(const Tensor *t, int64_t i) {
    switch (t->type) {
    case DT_F32: return t->f[i];
    case DT_I32: return (float)t->i[i];
    case DT_U8: return (float)t->u[i];
    default: return t->b[i] < 0 ? -1.0f : 1.0f;
    }
}

/* The tensor as floats: itself when it is f32, else a converted copy that
 * the caller frees (*copy is set). */
static const float *as_float(const Tensor *t, float **copy) {
    *copy = NULL;
    if (t->type == DT_F32)
        return t->f;
    *copy = xmalloc((size_t)t->n * sizeof(float));
    for (int64_t i = 0; i < t->n; i++)
        (*copy)[i] = elem_f(t, i);
    return *copy;
}

/* ------------------------------------------------------------- windows */

/* One axis of a sliding window: input row of output o and tap k is
 * o * stride - pad + k * dil. */
typedef struct {
    int64_t in, out, k, stride, dil, pad;
} Axis;

static Axis axis(const IrNode *n, int a, int64_t k, int64_t dil) {
    Axis r = {n->in[0]->shape.d[a], n->shape.d[a], k, n->at->v[A_STRIDE][a], dil, 0};
    if (n->at->v[A_PADDING][0] != PAD_VALID) {
        int64_t total = (r.out - 1) * r.stride + (r.k - 1) * r.dil + 1 - r.in;
        r.pad = total > 0 ? total / 2 : 0;
    }
    return r;
}

static Axis kernel_axis(const IrNode *n, int a) {
    return axis(n, a, n->at->v[A_KERNEL][a], n->at->v[A_DILATION][a]);
}

static Axis pool_axis(const IrNode *n, int a) { return axis(n, a, n->at->v[A_SIZE][a], 1); }

static int64_t tap(const Axis *x, int64_t o, int64_t k) { return o * x->stride - x->pad + k * x->dil; }

/* --------------------------------------------------------- parameters */

static const LayerParams *params(Interp *it, const IrNode *n, const char *layer, int64_t nw,
                                 int64_t nc) {
    const LayerParams *p = weights_get(it->w, layer);
    const char *what = NULL;
    if (!p)
        what = "none are given";
    else if (nw && (!p->w || p->nw != nw))
        what = "its weights are missing or of the wrong size";
    else if (nc && n->op == OP_PRELU && (!p->alpha || p->nc != nc))
        what = "its alpha is missing or of the wrong size";
    else if (nc && n->op != OP_PRELU && (!p->scale || !p->shift || p->nc != nc))
        what = "its batchnorm parameters are missing or of the wrong size";
    else if (ir_flag(n, A_BIAS) && (!p->bias || p->nout != shape_channels(&n->shape)))
        what = "its bias is missing or of the wrong size";
    else if (ir_flag(n, A_SCALED) && (!p->wscale || p->nout != shape_channels(&n->shape)))
        what = "its weight scale is missing or of the wrong size";
    if (what) {
        diag_plain(it->c, "no parameters for layer '%s' (%s): %s", layer, ops_table[n->op].name,
                   what);
        return NULL;
    }
    return p;
}

/* The end of a dot product of output channel co (docs/semantics.md
 * section 3): times the weight scale (scaled = yes), then plus the bias
 * (bias = yes), each a rounded float operation. */
static float epilogue(const IrNode *n, const LayerParams *p, int64_t co, float acc) {
    if (ir_flag(n, A_SCALED)) {
        float prod = acc * p->wscale[co];
        acc = prod;
    }
    if (ir_flag(n, A_BIAS)) {
        float sum = acc + p->bias[co];
        acc = sum;
    }
    return acc;
}

/* Stores a binary dot product: the i32 itself, or (float)acc through the
 * epilogue when the layer has a scale or a bias (an f32 output). */
static void put_dot(const IrNode *n, const LayerParams *p, Tensor *y, int64_t i, int64_t co,
                    int32_t acc) {
    if (y->type == DT_I32)
        y->i[i] = acc;
    else
        y->f[i] = epilogue(n, p, co, (float)acc);
}

/* --------------------------------------------------------------- convs */

/* conv2d and bconv2d: float arithmetic, or the integer dot product when a
 * bconv2d reads b1 (-1 or +1) or u8 (0 to 255) against its -1/+1 weights. */
static bool run_conv(Interp *it, const IrNode *n, const Tensor *xt, Tensor *y) {
    const IrNode *x = n->in[0];
    int64_t H = x->shape.d[0], W = x->shape.d[1], C = x->shape.d[2];
    int64_t Ho = n->shape.d[0], Wo = n->shape.d[1], Co = n->shape.d[2];
    int64_t Kh = n->at->v[A_KERNEL][0], Kw = n->at->v[A_KERNEL][1];
    int64_t g = n->at->v[A_GROUPS][0], cig = C / g, cog = Co / g;
    Axis ay = kernel_axis(n, 0), ax = kernel_axis(n, 1);
    bool one = n->at->v[A_PADDING][0] == PAD_SAME_ONE;
    const LayerParams *p = params(it, n, n->name, Kh * Kw * cig * Co, 0);
    if (!p)
        return false;
    *y = tensor_new(n->type, Ho * Wo * Co);
    if (ir_is_binary(n) || ir_is_bitserial(n)) {
        /* Weights as int8, laid out [co][ky][kx][ci] for the inner loop. */
        int8_t *wt = xmalloc((size_t)(Kh * Kw * cig * Co));
        for (int64_t ky = 0; ky < Kh; ky++)
            for (int64_t kx = 0; kx < Kw; kx++)
                for (int64_t ci = 0; ci < cig; ci++)
                    for (int64_t co = 0; co < Co; co++)
                        wt[((co * Kh + ky) * Kw + kx) * cig + ci] =
                            p->w[((ky * Kw + kx) * cig + ci) * Co + co] < 0 ? -1 : 1;
        for (int64_t oy = 0; oy < Ho; oy++)
            for (int64_t ox = 0; ox < Wo; ox++)
                for (int64_t co = 0; co < Co; co++) {
                    int64_t gr = co / cog;
                    int32_t acc = 0;
                    for (int64_t ky = 0; ky < Kh; ky++) {
                        int64_t iy = tap(&ay, oy, ky);
                        for (int64_t kx = 0; kx < Kw; kx++) {
                            int64_t ix = tap(&ax, ox, kx);
                            const int8_t *wp = wt + ((co * Kh + ky) * Kw + kx) * cig;
                            if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                                if (one) /* the input is +1 */
                                    for (int64_t ci = 0; ci < cig; ci++)
                                        acc += wp[ci];
                                continue;
                            }
                            int64_t base = (iy * W + ix) * C + gr * cig;
                            if (xt->type == DT_U8)
                                for (int64_t ci = 0; ci < cig; ci++)
                                    acc += xt->u[base + ci] * wp[ci];
                            else
                                for (int64_t ci = 0; ci < cig; ci++)
                                    acc += xt->b[base + ci] * wp[ci];
                        }
                    }
                    put_dot(n, p, y, (oy * Wo + ox) * Co + co, co, acc);
                }
        free(wt);
        return true;
    }
    float *copy;
    const float *xf = as_float(xt, &copy);
    const float *w = p->w;
    for (int64_t oy = 0; oy < Ho; oy++)
        for (int64_t ox = 0; ox < Wo; ox++)
            for (int64_t co = 0; co < Co; co++) {
                int64_t gr = co / cog;
                float acc = 0.0f;
                for (int64_t ky = 0; ky < Kh; ky++) {
                    int64_t iy = tap(&ay, oy, ky);
                    for (int64_t kx = 0; kx < Kw; kx++) {
                        int64_t ix = tap(&ax, ox, kx);
                        bool padded = iy < 0 || iy >= H || ix < 0 || ix >= W;
                        if (padded && !one)
                            continue;
                        for (int64_t ci = 0; ci < cig; ci++) {
                            float wv = w[((ky * Kw + kx) * cig + ci) * Co + co];
                            float xv = padded ? 1.0f : xf[(iy * W + ix) * C + gr * cig + ci];
                            float prod = xv * wv;
                            acc = acc + prod;
                        }
                    }
                }
                y->f[(oy * Wo + ox) * Co + co] = epilogue(n, p, co, acc);
            }
    free(copy);
    return true;
}

/* depthwise_conv2d: output channel c * multiplier + m reads channel c. */
static bool run_depthwise(Interp *it, const IrNode *n, const Tensor *xt, Tensor *y) {
    const IrNode *x = n->in[0];
    int64_t H = x->shape.d[0], W = x->shape.d[1], C = x->shape.d[2];
    int64_t Ho = n->shape.d[0], Wo = n->shape.d[1];
    int64_t Kh = n->at->v[A_KERNEL][0], Kw = n->at->v[A_KERNEL][1], M = n->at->v[A_MULTIPLIER][0];
    Axis ay = kernel_axis(n, 0), ax = kernel_axis(n, 1);
    bool one = n->at->v[A_PADDING][0] == PAD_SAME_ONE;
    const LayerParams *p = params(it, n, n->name, Kh * Kw * C * M, 0);
    if (!p)
        return false;
    float *copy;
    const float *xf = as_float(xt, &copy);
    *y = tensor_new(DT_F32, Ho * Wo * C * M);
    for (int64_t oy = 0; oy < Ho; oy++)
        for (int64_t ox = 0; ox < Wo; ox++)
            for (int64_t c = 0; c < C; c++)
                for (int64_t m = 0; m < M; m++) {
                    float acc = 0.0f;
                    for (int64_t ky = 0; ky < Kh; ky++) {
                        int64_t iy = tap(&ay, oy, ky);
                        for (int64_t kx = 0; kx < Kw; kx++) {
                            int64_t ix = tap(&ax, ox, kx);
                            bool padded = iy < 0 || iy >= H || ix < 0 || ix >= W;
                            if (padded && !one)
                                continue;
                            float wv = p->w[((ky * Kw + kx) * C + c) * M + m];
                            float xv = padded ? 1.0f : xf[(iy * W + ix) * C + c];
                            float prod = xv * wv;
                            acc = acc + prod;
                        }
                    }
                    y->f[((oy * Wo + ox) * C + c) * M + m] = epilogue(n, p, c * M + m, acc);
                }
    free(copy);
    return true;
}

/* dense and bdense. */
static bool run_dense(Interp *it, const IrNode *n, const Tensor *xt, Tensor *y) {
    int64_t N = n->in[0]->shape.d[0], U = n->shape.d[0];
    const LayerParams *p = params(it, n, n->name, N * U, 0);
    if (!p)
        return false;
    *y = tensor_new(n->type, U);
    if (ir_is_binary(n) || ir_is_bitserial(n)) {
        for (int64_t u = 0; u < U; u++) {
            int32_t acc = 0;
            for (int64_t k = 0; k < N; k++)
                acc += (xt->type == DT_U8 ? xt->u[k] : xt->b[k]) * (p->w[k * U + u] < 0 ? -1 : 1);
            put_dot(n, p, y, u, u, acc);
        }
        return true;
    }
    float *copy;
    const float *xf = as_float(xt, &copy);
    for (int64_t u = 0; u < U; u++) {
        float acc = 0.0f;
        for (int64_t k = 0; k < N; k++) {
            float prod = xf[k] * p->w[k * U + u];
            acc = acc + prod;
        }
        y->f[u] = epilogue(n, p, u, acc);
    }
    free(copy);
    return true;
}

/* ------------------------------------------------------------ pooling */

static bool run_maxpool(const IrNode *n, const Tensor *xt, Tensor *y) {
    const IrNode *x = n->in[0];
    int64_t H = x->shape.d[0], W = x->shape.d[1], C = x->shape.d[2];
    int64_t Ho = n->shape.d[0], Wo = n->shape.d[1];
    Axis ay = pool_axis(n, 0), ax = pool_axis(n, 1);
    *y = tensor_new(n->type, Ho * Wo * C);
    for (int64_t oy = 0; oy < Ho; oy++)
        for (int64_t ox = 0; ox < Wo; ox++)
            for (int64_t c = 0; c < C; c++) {
                bool first = true;
                float mf = 0.0f;
                int64_t mi = 0; /* i32, u8 and b1 */
                for (int64_t ky = 0; ky < ay.k; ky++) {
                    int64_t iy = tap(&ay, oy, ky);
                    for (int64_t kx = 0; kx < ax.k; kx++) {
                        int64_t ix = tap(&ax, ox, kx);
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                            continue;
                        int64_t i = (iy * W + ix) * C + c;
                        switch (xt->type) {
                        case DT_F32: mf = first ? xt->f[i] : (xt->f[i] > mf ? xt->f[i] : mf); break;
                        case DT_I32: mi = first || xt->i[i] > mi ? xt->i[i] : mi; break;
                        case DT_U8: mi = first || xt->u[i] > mi ? xt->u[i] : mi; break;
                        default: mi = first || xt->b[i] > mi ? xt->b[i] : mi; break;
                        }
                        first = false;
                    }
                }
                int64_t o = (oy * Wo + ox) * C + c;
                switch (y->type) {
                case DT_F32: y->f[o] = mf; break;
                case DT_I32: y->i[o] = (int32_t)mi; break;
                case DT_U8: y->u[o] = (uint8_t)mi; break;
                default: y->b[o] = (int8_t)mi; break;
                }
            }
    return true;
}

static bool run_avgpool(const IrNode *n, const Tensor *xt, Tensor *y) {
    const IrNode *x = n->in[0];
    int64_t H = x->shape.d[0], W = x->shape.d[1], C = x->shape.d[2];
    int64_t Ho = n->shape.d[0], Wo = n->shape.d[1];
    Axis ay = pool_axis(n, 0), ax = pool_axis(n, 1);
    *y = tensor_new(DT_F32, Ho * Wo * C);
    for (int64_t oy = 0; oy < Ho; oy++)
        for (int64_t ox = 0; ox < Wo; ox++)
            for (int64_t c = 0; c < C; c++) {
                float s = 0.0f;
                int64_t count = 0;
                for (int64_t ky = 0; ky < ay.k; ky++) {
                    int64_t iy = tap(&ay, oy, ky);
                    for (int64_t kx = 0; kx < ax.k; kx++) {
                        int64_t ix = tap(&ax, ox, kx);
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                            continue;
                        s = s + elem_f(xt, (iy * W + ix) * C + c);
                        count++;
                    }
                }
                y->f[(oy * Wo + ox) * C + c] = s / (float)count;
            }
    return true;
}

static bool run_global_avgpool(const IrNode *n, const Tensor *xt, Tensor *y) {
    const IrNode *x = n->in[0];
    int64_t H = x->shape.d[0], W = x->shape.d[1], C = x->shape.d[2];
    *y = tensor_new(DT_F32, C);
    for (int64_t c = 0; c < C; c++) {
        float s = 0.0f;
        for (int64_t h = 0; h < H; h++)
            for (int64_t w = 0; w < W; w++)
                s = s + elem_f(xt, (h * W + w) * C + c);
        y->f[c] = s / (float)(H * W);
    }
    return true;
}

/* ------------------------------------------------------- element-wise */

/* y = (float)x * scale[c] + shift[c]: a rounded product, a rounded sum. */
static float affine(const LayerParams *p, const Tensor *xt, int64_t i, int64_t C) {
    int64_t c = i % C;
    float prod = elem_f(xt, i) * p->scale[c];
    float r = prod + p->shift[c];
    return r;
}

static int8_t sign_of(const Tensor *t, int64_t i) {
    switch (t->type) {
    case DT_F32: return t->f[i] >= 0.0f ? 1 : -1; /* -0.0 gives +1, NaN -1 */
    case DT_I32: return t->i[i] >= 0 ? 1 : -1;
    case DT_U8: return 1;
    default: return t->b[i] < 0 ? -1 : 1;
    }
}

static bool run_elementwise(Interp *it, const IrNode *n, const Tensor *xt, Tensor *y) {
    int64_t N = xt->n, C = shape_channels(&n->shape);
    const LayerParams *p = NULL;
    if (n->op == OP_BATCHNORM || n->op == OP_PRELU || n->op == OP_THRESHOLD) {
        const char *layer = n->op == OP_THRESHOLD ? n->folds : n->name;
        if (!(p = params(it, n, layer, 0, n->op == OP_PRELU ? ir_prelu_alphas(n) : C)))
            return false;
    }
    bool per_element = ir_flag(n, A_PER_ELEMENT);
    *y = tensor_new(n->type, N);
    for (int64_t i = 0; i < N; i++) {
        switch (n->op) {
        case OP_BATCHNORM:
            y->f[i] = affine(p, xt, i, C);
            break;
        case OP_THRESHOLD: {
            float v = affine(p, xt, i, C);
            y->b[i] = v >= 0.0f ? 1 : -1;
            break;
        }
        case OP_SIGN:
            y->b[i] = sign_of(xt, i);
            break;
        case OP_RELU: {
            float v = elem_f(xt, i);
            y->f[i] = v > 0.0f ? v : 0.0f;
            break;
        }
        case OP_HARDTANH: {
            float v = elem_f(xt, i);
            y->f[i] = v < -1.0f ? -1.0f : (v > 1.0f ? 1.0f : v);
            break;
        }
        case OP_SIGMOID: { /* 1 / (1 + e^-x), each step rounded; C99 expf */
            float e = expf(-elem_f(xt, i));
            float d = 1.0f + e;
            y->f[i] = 1.0f / d;
            break;
        }
        case OP_PRELU: {
            float v = elem_f(xt, i);
            if (v >= 0.0f) {
                y->f[i] = v;
            } else {
                float prod = p->alpha[per_element ? i : i % C] * v;
                y->f[i] = prod;
            }
            break;
        }
        default:
            break;
        }
    }
    return true;
}

/* thresholds: the count of T[c][k] that x reaches (x >= T, or x > T when
 * strict), compared exactly in double; one level gives b1 (+1 when it is
 * reached), more a u8 count. */
static bool run_thresholds(Interp *it, const IrNode *n, const Tensor *xt, Tensor *y) {
    int64_t C = shape_channels(&n->shape), K = n->at->v[A_LEVELS][0];
    bool strict = n->at->v[A_STRICT][0] != 0;
    const LayerParams *p = params(it, n, n->name, C * K, 0);
    if (!p)
        return false;
    *y = tensor_new(n->type, xt->n);
    for (int64_t i = 0; i < xt->n; i++) {
        double x = (double)xt->i[i];
        const float *t = p->w + (i % C) * K;
        int count = 0;
        for (int64_t k = 0; k < K; k++)
            count += strict ? x > (double)t[k] : x >= (double)t[k];
        if (n->type == DT_B1)
            y->b[i] = count ? 1 : -1;
        else
            y->u[i] = (uint8_t)count;
    }
    return true;
}

static void run_add(const IrNode *n, const Tensor *a, const Tensor *b, Tensor *y) {
    *y = tensor_new(n->type, a->n);
    for (int64_t i = 0; i < a->n; i++) {
        if (n->type == DT_I32) /* exact; wraps (never in practice) rather than undefined */
            y->i[i] = (int32_t)((uint32_t)a->i[i] + (uint32_t)b->i[i]);
        else
            y->f[i] = elem_f(a, i) + elem_f(b, i);
    }
}

/* Copies element i of x to element o of y (same type, or to f32). */
static void copy_elem(const Tensor *x, int64_t i, Tensor *y, int64_t o) {
    switch (y->type) {
    case DT_F32: y->f[o] = elem_f(x, i); break;
    case DT_I32: y->i[o] = x->i[i]; break;
    case DT_U8: y->u[o] = x->u[i]; break;
    default: y->b[o] = x->b[i]; break;
    }
}

static void run_concat(Interp *it, const IrNode *n, Tensor *y) {
    int64_t C = shape_channels(&n->shape), pixels = shape_elems(&n->shape) / C;
    *y = tensor_new(n->type, pixels * C);
    int64_t base = 0;
    for (int k = 0; k < n->nin; k++) {
        const Tensor *x = &it->val[n->in[k]->id];
        int64_t ck = shape_channels(&n->in[k]->shape);
        for (int64_t p = 0; p < pixels; p++)
            for (int64_t c = 0; c < ck; c++)
                copy_elem(x, p * ck + c, y, p * C + base + c);
        base += ck;
    }
}

/* ------------------------------------------------------------- shapes */

/* Row-major strides of shape s, in elements. */
static void strides(const Shape *s, int64_t *st) {
    int64_t e = 1;
    for (int k = s->rank - 1; k >= 0; k--) {
        st[k] = e;
        e *= s->d[k];
    }
}

/* y[j] = x[base + sum over k of j_k * step[k]] for every index j of n's
 * output in row-major order: a transpose, a slice. */
static void gather(const IrNode *n, const Tensor *x, const int64_t *step, int64_t base,
                   Tensor *y) {
    const Shape *s = &n->shape;
    int64_t d[IR_MAX_RANK] = {1, 1, 1, 1}, st[IR_MAX_RANK] = {0};
    int off = IR_MAX_RANK - s->rank; /* leading axes of extent 1 */
    for (int k = 0; k < s->rank; k++) {
        d[off + k] = s->d[k];
        st[off + k] = step[k];
    }
    *y = tensor_new(n->type, shape_elems(s));
    int64_t o = 0;
    for (int64_t a = 0; a < d[0]; a++)
        for (int64_t b = 0; b < d[1]; b++)
            for (int64_t c = 0; c < d[2]; c++)
                for (int64_t e = 0; e < d[3]; e++)
                    copy_elem(x, base + a * st[0] + b * st[1] + c * st[2] + e * st[3], y, o++);
}

/* The first element of a slice and its steps: x's own strides. */
static void run_slice(const IrNode *n, const Tensor *x, Tensor *y) {
    const Shape *xs = &n->in[0]->shape;
    int64_t st[IR_MAX_RANK], base = 0;
    strides(xs, st);
    int nb = n->at->len[A_BEGIN];
    for (int k = 0; k < nb; k++)
        base += n->at->v[A_BEGIN][k] * st[nb == 1 ? xs->rank - 1 : k];
    gather(n, x, st, base, y);
}

/* At every pixel: `before` channels of value, x's channels, `after` of
 * value. */
static void run_pad_channels(const IrNode *n, const Tensor *x, Tensor *y) {
    int64_t C = shape_channels(&n->in[0]->shape), Co = shape_channels(&n->shape);
    int64_t P = shape_pixels(&n->shape), before = n->at->v[A_BEFORE][0];
    double v = n->at->r[A_VALUE];
    *y = tensor_new(n->type, P * Co);
    for (int64_t p = 0; p < P; p++)
        for (int64_t c = 0; c < Co; c++) {
            int64_t o = p * Co + c;
            if (c >= before && c < before + C) {
                copy_elem(x, p * C + c - before, y, o);
                continue;
            }
            switch (n->type) {
            case DT_F32: y->f[o] = (float)v; break;
            case DT_I32: y->i[o] = (int32_t)v; break;
            case DT_U8: y->u[o] = (uint8_t)v; break;
            default: y->b[o] = v > 0 ? 1 : -1; break;
            }
        }
}

static void run_transpose(const IrNode *n, const Tensor *x, Tensor *y) {
    int64_t st[IR_MAX_RANK], step[IR_MAX_RANK];
    strides(&n->in[0]->shape, st);
    for (int k = 0; k < n->shape.rank; k++)
        step[k] = st[n->at->v[A_PERM][k]];
    gather(n, x, step, 0, y);
}

/* The steps through x of each axis of the output of an operation that
 * broadcasts x, with the axes padded
 * to IR_MAX_RANK from the front: 0 where x is broadcast (an axis of
 * extent 1, or one x does not have). */
static void broadcast_steps(const IrNode *x, int64_t *st) {
    int64_t xs[IR_MAX_RANK];
    strides(&x->shape, xs);
    for (int k = 0; k < IR_MAX_RANK; k++) {
        int kx = k - (IR_MAX_RANK - x->shape.rank);
        st[k] = kx >= 0 && x->shape.d[kx] > 1 ? xs[kx] : 0;
    }
}

/* y = (float)a * (float)b, broadcast (NumPy's rules). */
static void run_mul(const IrNode *n, const Tensor *a, const Tensor *b, Tensor *y) {
    int64_t d[IR_MAX_RANK] = {1, 1, 1, 1}, sa[IR_MAX_RANK], sb[IR_MAX_RANK];
    for (int k = 0; k < n->shape.rank; k++)
        d[IR_MAX_RANK - n->shape.rank + k] = n->shape.d[k];
    broadcast_steps(n->in[0], sa);
    broadcast_steps(n->in[1], sb);
    *y = tensor_new(DT_F32, shape_elems(&n->shape));
    int64_t o = 0;
    for (int64_t i = 0; i < d[0]; i++)
        for (int64_t j = 0; j < d[1]; j++)
            for (int64_t k = 0; k < d[2]; k++)
                for (int64_t l = 0; l < d[3]; l++) {
                    float va = elem_f(a, i * sa[0] + j * sa[1] + k * sa[2] + l * sa[3]);
                    float vb = elem_f(b, i * sb[0] + j * sb[1] + k * sb[2] + l * sb[3]);
                    y->f[o++] = va * vb;
                }
}

static void run_softmax(const Tensor *xt, Tensor *y) {
    int64_t N = xt->n;
    *y = tensor_new(DT_F32, N);
    float m = elem_f(xt, 0);
    for (int64_t i = 1; i < N; i++) {
        float v = elem_f(xt, i);
        m = v > m ? v : m;
    }
    float s = 0.0f;
    for (int64_t i = 0; i < N; i++) {
        float d = elem_f(xt, i) - m;
        y->f[i] = expf(d);
        s = s + y->f[i];
    }
    for (int64_t i = 0; i < N; i++)
        y->f[i] = y->f[i] / s;
}

/* -------------------------------------------------------------- driver */

static bool run_node(Interp *it, const IrNode *n, Tensor *y) {
    const Tensor *x = n->nin ? &it->val[n->in[0]->id] : NULL;
    switch (n->op) {
    case OP_CONV2D:
    case OP_BCONV2D:
        return run_conv(it, n, x, y);
    case OP_DEPTHWISE_CONV2D:
        return run_depthwise(it, n, x, y);
    case OP_DENSE:
    case OP_BDENSE:
        return run_dense(it, n, x, y);
    case OP_BATCHNORM:
    case OP_SIGN:
    case OP_THRESHOLD:
    case OP_RELU:
    case OP_PRELU:
    case OP_HARDTANH:
    case OP_SIGMOID:
        return run_elementwise(it, n, x, y);
    case OP_MUL:
        run_mul(n, x, &it->val[n->in[1]->id], y);
        return true;
    case OP_SLICE:
        run_slice(n, x, y);
        return true;
    case OP_PAD_CHANNELS:
        run_pad_channels(n, x, y);
        return true;
    case OP_THRESHOLDS:
        return run_thresholds(it, n, x, y);
    case OP_MAXPOOL:
        return run_maxpool(n, x, y);
    case OP_AVGPOOL:
        return run_avgpool(n, x, y);
    case OP_GLOBAL_AVGPOOL:
        return run_global_avgpool(n, x, y);
    case OP_ADD:
        run_add(n, x, &it->val[n->in[1]->id], y);
        return true;
    case OP_CONCAT:
        run_concat(it, n, y);
        return true;
    case OP_FLATTEN:
    case OP_RESHAPE:
        *y = tensor_new(n->type, x->n);
        for (int64_t i = 0; i < x->n; i++)
            copy_elem(x, i, y, i);
        return true;
    case OP_SOFTMAX:
        run_softmax(x, y);
        return true;
    case OP_TRANSPOSE:
        run_transpose(n, x, y);
        return true;
    default:
        diag_plain(it->c, "internal error: the interpreter cannot run '%s'", n->name);
        return false;
    }
}

/* Checks a network input against its node and takes it (not a copy). */
static bool take_input(Interp *it, const IrNode *n, const Tensor *in) {
    char sh[96];
    shape_format(sh, sizeof sh, &n->shape);
    int64_t want = shape_elems(&n->shape);
    if (in->type != n->type || in->n != want) {
        diag_plain(it->c, "input '%s' is %s with %lld elements; network '%s' wants %s%s (%lld)",
                   n->name, dtype_name(in->type), (long long)in->n, it->g->name,
                   dtype_name(n->type), sh, (long long)want);
        return false;
    }
    const void *data = in->type == DT_F32 ? (const void *)in->f
                       : in->type == DT_I32 ? (const void *)in->i
                       : in->type == DT_U8 ? (const void *)in->u
                                           : (const void *)in->b;
    if (!data && want) {
        diag_plain(it->c, "input '%s' has no data", n->name);
        return false;
    }
    if (in->type == DT_B1)
        for (int64_t i = 0; i < in->n; i++)
            if (in->b[i] != 1 && in->b[i] != -1) {
                diag_plain(it->c, "input '%s' holds %d at element %lld; b1 values are -1 or +1",
                           n->name, in->b[i], (long long)i);
                return false;
            }
    it->val[n->id] = *in;
    return true;
}

/* A copy of t in the arena. */
static Tensor arena_copy(Ctx *c, const Tensor *t) {
    Tensor r = {.type = t->type, .n = t->n};
    size_t es = (t->type == DT_F32 || t->type == DT_I32) ? 4 : 1;
    void *d = mem_array(&c->arena, (size_t)t->n, es);
    switch (t->type) {
    case DT_F32: r.f = memcpy(d, t->f, (size_t)t->n * es); break;
    case DT_I32: r.i = memcpy(d, t->i, (size_t)t->n * es); break;
    case DT_U8: r.u = memcpy(d, t->u, (size_t)t->n * es); break;
    default: r.b = memcpy(d, t->b, (size_t)t->n * es); break;
    }
    return r;
}

static int64_t tensor_bytes(const IrNode *n) {
    return shape_elems(&n->shape) * (n->type == DT_F32 || n->type == DT_I32 ? 4 : 1);
}

/* False after reporting when the tensors alive at once would take more
 * than BNNC_MAX_RUN_BYTES, as interp_run keeps them (the network inputs,
 * each tensor until its last reader, the outputs). Sema's limits keep the
 * sums within int64_t. */
static bool check_memory(Ctx *c, const IrGraph *g, const bool *live, const bool *keep,
                         const int *last) {
    int64_t bytes = 0;
    for (int i = 0; i < g->nodes.n; i++) {
        const IrNode *x = g->nodes.v[i];
        if (!live[i] && x->op != OP_COUNT)
            continue;
        bytes += tensor_bytes(x);
        if (bytes > BNNC_MAX_RUN_BYTES) {
            diag_error_at(c, x->loc, x->origin,
                          "running network '%s' takes more than %lld MiB of tensors at once "
                          "at '%s'; bnnc run holds at most %lld MiB",
                          g->name, (long long)(BNNC_MAX_RUN_BYTES >> 20), x->name,
                          (long long)(BNNC_MAX_RUN_BYTES >> 20));
            return false;
        }
        for (int k = 0; k < x->nin; k++) {
            int j = x->in[k]->id;
            bool seen = false;
            for (int m = 0; m < k; m++)
                seen |= x->in[m]->id == j;
            if (!seen && last[j] == i && !keep[j])
                bytes -= tensor_bytes(x->in[k]);
        }
    }
    return true;
}

/* Copies t into the caller's out (interp_run_into); false after reporting
 * a destination of another type or size. */
static bool copy_into(Ctx *c, const IrNode *n, const Tensor *t, Tensor *out) {
    void *d = out->type == DT_F32 ? (void *)out->f
              : out->type == DT_I32 ? (void *)out->i
              : out->type == DT_U8 ? (void *)out->u
                                   : (void *)out->b;
    if (out->type != t->type || out->n != t->n || (!d && t->n)) {
        diag_plain(c, "internal error: no room for output '%s' (%s, %lld elements)", n->name,
                   dtype_name(t->type), (long long)t->n);
        return false;
    }
    const void *s = t->type == DT_F32 ? (const void *)t->f
                    : t->type == DT_I32 ? (const void *)t->i
                    : t->type == DT_U8 ? (const void *)t->u
                                       : (const void *)t->b;
    size_t es = (t->type == DT_F32 || t->type == DT_I32) ? 4 : 1;
    if (t->n)
        memcpy(d, s, (size_t)t->n * es);
    return true;
}

static bool run_graph(Ctx *c, const IrGraph *g, const Weights *w, const Tensor *inputs,
                      Tensor *outputs, bool into) {
    int n = g->nodes.n;
    Interp it = {c, g, w, xmalloc(((size_t)n + 1) * sizeof(Tensor))};
    memset(it.val, 0, ((size_t)n + 1) * sizeof(Tensor));
    bool *live = xmalloc((size_t)n + 1), *keep = xmalloc((size_t)n + 1);
    int *last = xmalloc(((size_t)n + 1) * sizeof(int));
    memset(live, 0, (size_t)n + 1);
    memset(keep, 0, (size_t)n + 1);
    /* Only what reaches an output runs; a tensor is freed after its last
     * reader, unless it is an output or a network input (the caller's). */
    for (int i = 0; i < g->outputs.n; i++)
        live[((IrNode *)g->outputs.v[i])->id] = keep[((IrNode *)g->outputs.v[i])->id] = true;
    for (int i = 0; i < g->inputs.n; i++)
        keep[((IrNode *)g->inputs.v[i])->id] = true;
    for (int i = n - 1; i >= 0; i--) {
        const IrNode *x = g->nodes.v[i];
        last[i] = -1;
        if (live[i])
            for (int k = 0; k < x->nin; k++)
                live[x->in[k]->id] = true;
    }
    for (int i = 0; i < n; i++) {
        const IrNode *x = g->nodes.v[i];
        if (live[i])
            for (int k = 0; k < x->nin; k++)
                last[x->in[k]->id] = i;
    }
    bool ok = check_memory(c, g, live, keep, last);
    for (int i = 0; i < g->inputs.n && ok; i++)
        ok = take_input(&it, g->inputs.v[i], &inputs[i]);
    for (int i = 0; i < n && ok; i++) {
        const IrNode *x = g->nodes.v[i];
        if (!live[i] || x->op == OP_COUNT)
            continue;
        ok = run_node(&it, x, &it.val[i]);
        for (int k = 0; k < x->nin && ok; k++) {
            int j = x->in[k]->id;
            if (last[j] == i && !keep[j])
                tensor_free(&it.val[j]);
        }
    }
    for (int i = 0; i < g->outputs.n && ok; i++) {
        const IrNode *o = g->outputs.v[i];
        if (into)
            ok = copy_into(c, o, &it.val[o->id], &outputs[i]);
        else
            outputs[i] = arena_copy(c, &it.val[o->id]);
    }
    for (int i = 0; i < n; i++) {
        const IrNode *x = g->nodes.v[i];
        if (x->op != OP_COUNT)
            tensor_free(&it.val[i]);
    }
    free(it.val);
    free(live);
    free(keep);
    free(last);
    return ok;
}

bool interp_run(Ctx *c, const IrGraph *g, const Weights *w, const Tensor *inputs,
                Tensor *outputs) {
    return run_graph(c, g, w, inputs, outputs, false);
}

bool interp_run_into(Ctx *c, const IrGraph *g, const Weights *w, const Tensor *inputs,
                     Tensor *outputs) {
    return run_graph(c, g, w, inputs, outputs, true);
}
