/*
 * gen_net.c: random valid .bnn networks, one per seed (gen_net.h; the
 * gen_net program is main.c).
 *
 * The network exercises what the C emitter and the interpreter must agree
 * on: every operation, binary layers on b1 inputs (fused sign(batchnorm)
 * thresholds on i32 dot products, maxpool on i32 and b1), FINN's integer
 * thresholds on dot products (one level to b1, several to a u8 count)
 * and the bit-serial binary layers that read that u8, float layers
 * with binary weights, kernels 1 to 3 (and rectangular), strides 1 and 2,
 * dilation, groups, the three paddings, channel counts that are and are
 * not multiples of 32 and 64, residual adds, concatenations, flatten to
 * dense heads, inputs of rank 4 ([1, C, H, W], made [H, W, C] by a
 * transpose and a reshape) and of rank 2, reshapes that are views and
 * that repack bits, transposes of every type, mul with broadcasting
 * (scaling branches), sigmoid, channel and per-axis slices and channel
 * pads of every type, and sometimes two outputs (of any rank); biases,
 * scaled binary weights and frozen layers, float weights on b1 inputs,
 * batchnorms with their own epsilon and without beta (center = no) or
 * gamma (scale = no), prelu with an alpha per element. Shapes are tracked as the layers
 * are drawn, so every network checks; the differential tests
 * (tests/codegen) and the fuzzers (tests/fuzz) share it. Deterministic:
 * a fixed generator, no libc rand.
 */
#include "gen_net.h"

#include <stdarg.h>

typedef struct {
    char name[32];
    int rank, h, w, c; /* rank 1: c is the length */
    char type;         /* 'f' f32, 'i' i32, 'b' b1, 'u' u8 */
} Val;

/* The generator's state: the choices' source and the values drawn. */
typedef struct {
    unsigned long long state;
    const uint8_t *data;       /* choices to take first (gen_net_bytes) */
    size_t n, pos;
    FILE *out;
    Val vals[256];
    int nvals;
    int counter;
    long params;               /* weights drawn so far (a rough count) */
    long budget;               /* stop drawing layers past it; 0: none */
    Val *side;                 /* a value of rank 2 or 4 that may be an output */
} G;

/* A choice in [0, n). */
static unsigned rnd(G *g, unsigned n) {
    if (g->pos < g->n)
        return g->data[g->pos++] % n;
    g->state ^= g->state << 13;
    g->state ^= g->state >> 7;
    g->state ^= g->state << 17;
    return (unsigned)(g->state % n);
}

static int pick(G *g, int n, ...) {
    va_list ap;
    va_start(ap, n);
    int k = (int)rnd(g, (unsigned)n), v = 0;
    for (int i = 0; i <= k; i++)
        v = va_arg(ap, int);
    va_end(ap);
    return v;
}

static Val *new_val(G *g, const Val *like, char type) {
    Val *v = &g->vals[g->nvals++];
    *v = *like;
    v->type = type;
    snprintf(v->name, sizeof v->name, "v%d", g->counter++);
    return v;
}

/* A channel count: often around the word sizes. */
static int channels(G *g) {
    return pick(g, 12, 1, 2, 3, 5, 8, 16, 31, 32, 33, 63, 64, 65);
}

static int out_size(int in, int k, int s, int d, int pad) {
    if (pad)
        return (in + s - 1) / s;
    return (in - (d * (k - 1) + 1)) / s + 1;
}

static const char *pad_name(int p) {
    return p == 0 ? "valid" : p == 1 ? "same" : "same_one";
}

/* A batchnorm's optional attributes, as ", epsilon = ..." (or ""). */
static const char *bn_attrs(G *g) {
    static const char *const eps[] = {"", ", epsilon = 1e-5", ", epsilon = 0.01",
                                      ", epsilon = 2"};
    static char buf[96];
    int e = rnd(g, 3) ? 0 : 1 + (int)rnd(g, 3);
    int center = rnd(g, 4) != 0, scale = rnd(g, 4) != 0;
    snprintf(buf, sizeof buf, "%s%s%s", eps[e], center ? "" : ", center = no",
             scale ? "" : ", scale = no");
    return buf;
}

/* A dot product layer's optional attributes: a bias, a weight scale
 * (binary weights only), frozen weights; *f32 is set when the output is
 * f32 even for a binary dot product. */
static const char *dot_attrs(G *g, int binary_weights, int *f32) {
    static char buf[96];
    int bias = rnd(g, 3) == 0;
    int scaled = binary_weights && rnd(g, 3) == 0;
    int frozen = rnd(g, 6) == 0;
    snprintf(buf, sizeof buf, "%s%s%s", bias ? ", bias = yes" : "",
             scaled ? ", scaled = yes" : "", frozen ? ", frozen = yes" : "");
    *f32 = bias || scaled;
    return buf;
}

/* sign(x), keeping the b1 input as it is. */
static Val *binarize(G *g, Val *x) {
    if (x->type == 'b')
        return x;
    Val *y = new_val(g, x, 'b');
    if (rnd(g, 2)) {
        fprintf(g->out, "    %s = sign(batchnorm(%s%s));\n", y->name, x->name, bn_attrs(g));
        g->params += 4L * x->c;
    } else {
        fprintf(g->out, "    %s = sign(%s);\n", y->name, x->name);
    }
    return y;
}

/* thresholds(x) of an i32 x: one level (b1) or several (a u8 count). */
static Val *quantize(G *g, Val *x) {
    int levels = pick(g, 4, 1, 2, 3, 7);
    Val *y = new_val(g, x, levels == 1 ? 'b' : 'u');
    fprintf(g->out, "    %s = thresholds(%s, levels = %d, strict = %s);\n", y->name, x->name,
            levels, rnd(g, 2) ? "yes" : "no");
    g->params += (long)levels * x->c;
    return y;
}

/* The input of a binary-weight layer: b1, or a u8 count (from an i32, or
 * the u8 itself). */
static Val *binary_input(G *g, Val *x) {
    if (x->type == 'i' && rnd(g, 2))
        return quantize(g, x);
    if (x->type == 'u' && rnd(g, 4)) /* read bit-serially */
        return x;
    return binarize(g, x);
}

/* A convolution-like layer on a rank-3 value. */
static Val *conv(G *g, Val *x) {
    int kind = (int)rnd(g, 4); /* 0 conv2d, 1 bconv2d binary, 2 bconv2d float in, 3 depthwise */
    if (kind == 1)
        x = binary_input(g, x);
    else if (kind == 0 && rnd(g, 4) == 0) /* conv2d: float weights on b1 */
        x = binarize(g, x);
    int kh = 1 + (int)rnd(g, 3), kw = rnd(g, 4) ? kh : 1 + (int)rnd(g, 3);
    int s = rnd(g, 3) ? 1 : 2, d = rnd(g, 5) ? 1 : 2;
    int pad = (int)rnd(g, 3);
    if (!pad && (x->h < d * (kh - 1) + 1 || x->w < d * (kw - 1) + 1))
        pad = 1 + (int)rnd(g, 2);
    Val *y = new_val(g, x, kind == 1 ? 'i' : 'f');
    y->h = out_size(x->h, kh, s, d, pad);
    y->w = out_size(x->w, kw, s, d, pad);
    char ks[32];
    if (kh == kw)
        snprintf(ks, sizeof ks, "%d", kh);
    else
        snprintf(ks, sizeof ks, "(%d, %d)", kh, kw);
    if (kind == 3) {
        int m = 1 + (int)rnd(g, 2);
        y->c = x->c * m;
        g->params += (long)kh * kw * y->c;
        int f32;
        const char *extra = dot_attrs(g, 0, &f32);
        fprintf(g->out,
                "    %s = depthwise_conv2d(%s, kernel = %s, stride = %d, dilation = %d, "
                "padding = %s, multiplier = %d%s);\n",
                y->name, x->name, ks, s, d, pad_name(pad), m, extra);
        return y;
    }
    int groups = 1;
    int f = channels(g);
    if (rnd(g, 5) == 0) {
        int gs[] = {2, 3, 4};
        int gg = gs[rnd(g, 3)];
        if (x->c % gg == 0) {
            groups = gg;
            f = gg * (1 + (int)rnd(g, 20));
        }
    }
    y->c = f;
    g->params += (long)kh * kw * x->c / groups * f;
    if (kind == 2 && (x->type == 'b' || x->type == 'u'))
        kind = 1, y->type = 'i';
    int f32;
    const char *extra = dot_attrs(g, kind != 0, &f32);
    if (f32)
        y->type = 'f';
    fprintf(g->out,
            "    %s = %s(%s, filters = %d, kernel = %s, stride = %d, dilation = %d, "
            "padding = %s, groups = %d%s);\n",
            y->name, kind == 0 ? "conv2d" : "bconv2d", x->name, f, ks, s, d, pad_name(pad),
            groups, extra);
    return y->type == 'i' && rnd(g, 3) == 0 ? quantize(g, y) : y;
}

static Val *pool(G *g, Val *x) {
    int max = rnd(g, 3) != 0;
    int k = 1 + (int)rnd(g, 3), s = 1 + (int)rnd(g, 2);
    int pad = (int)rnd(g, 3);
    if (!pad && (x->h < k || x->w < k))
        pad = 1;
    Val *y = new_val(g, x, max ? x->type : 'f');
    y->h = out_size(x->h, k, s, 1, pad);
    y->w = out_size(x->w, k, s, 1, pad);
    fprintf(g->out, "    %s = %s(%s, size = %d, stride = %d, padding = %s);\n", y->name,
            max ? "maxpool" : "avgpool", x->name, k, s, pad_name(pad));
    return y;
}

static Val *elementwise(G *g, Val *x) {
    static const char *const ops[] = {"batchnorm", "relu", "prelu", "hardtanh", "sigmoid"};
    Val *y = new_val(g, x, 'f');
    int op = (int)rnd(g, 5);
    /* a prelu has one alpha per channel, or per element (Keras's
     * default) one time in three */
    int per_element = op == 2 && rnd(g, 3) == 0;
    fprintf(g->out, "    %s = %s(%s%s);\n", y->name, ops[op], x->name,
            op == 0 ? bn_attrs(g) : per_element ? ", per_element = yes" : "");
    g->params += per_element && x->rank == 3 ? (long)x->h * x->w * x->c : 4L * x->c;
    return y;
}

static Val *dense(G *g, Val *x) {
    int binary = rnd(g, 2);
    if (binary && rnd(g, 3))
        x = binary_input(g, x);
    else if (!binary && rnd(g, 4) == 0) /* dense: float weights on b1 */
        x = binarize(g, x);
    int f32;
    const char *extra = dot_attrs(g, binary, &f32);
    Val *y = new_val(g, x, binary && (x->type == 'b' || x->type == 'u') && !f32 ? 'i' : 'f');
    y->c = pick(g, 8, 1, 7, 10, 32, 33, 64, 65, 100);
    g->params += (long)x->c * y->c;
    fprintf(g->out, "    %s = %s(%s, units = %d%s);\n", y->name, binary ? "bdense" : "dense",
            x->name, y->c, extra);
    return y->type == 'i' && rnd(g, 3) == 0 ? quantize(g, y) : y;
}

/* A residual: add(x, f(x)) with f keeping the shape. */
static Val *residual(G *g, Val *x) {
    Val *b = x;
    if (x->rank == 3 && rnd(g, 2)) {
        Val *s = binarize(g, x);
        b = new_val(g, x, 'i');
        fprintf(g->out, "    %s = bconv2d(%s, filters = %d, kernel = 3, padding = %s);\n",
                b->name, s->name, x->c, rnd(g, 2) ? "same_one" : "same");
        g->params += 9L * x->c * x->c;
        if (rnd(g, 2)) {
            Val *n = new_val(g, b, 'f');
            fprintf(g->out, "    %s = batchnorm(%s%s);\n", n->name, b->name, bn_attrs(g));
            b = n;
        }
    } else {
        b = elementwise(g, x);
    }
    char t = x->type == 'i' && b->type == 'i' ? 'i' : 'f';
    if (x->type == 'b' || b->type == 'b')
        t = 'f';
    Val *y = new_val(g, x, t);
    fprintf(g->out, "    %s = add(%s, %s);\n", y->name, x->name, b->name);
    return y;
}

/* A value of rank 2 or 4 (d: its dimensions), which only an output or
 * a shape operation reads. */
static Val *side_val(G *g, const Val *like, char type) {
    Val *v = new_val(g, like, type);
    g->side = v;
    return v;
}

/* Reshapes and transposes that come back to a rank-3 [H, W, C] (or a
 * flat [N]), through ranks 2 and 4, with an element-wise layer on the
 * way: views, copies of bits, transposes of each type. */
static Val *shape_ops(G *g, Val *x) {
    FILE *o = g->out;
    if (x->rank == 1) {
        int n = x->c;
        Val *r = side_val(g, x, x->type);
        int a = n % 2 == 0 && rnd(g, 2) ? 2 : 1;
        fprintf(o, "    %s = reshape(%s, shape = (%d, %d));\n", r->name, x->name, a, n / a);
        Val *t = r;
        if (a == 2 && rnd(g, 2)) {
            t = side_val(g, x, x->type);
            fprintf(o, "    %s = transpose(%s, perm = (1, 0));\n", t->name, r->name);
        }
        Val *e = t;
        if (rnd(g, 2)) {
            e = side_val(g, x, rnd(g, 2) ? 'b' : 'f');
            fprintf(o, "    %s = %s(%s);\n", e->name, e->type == 'b' ? "sign" : "relu", t->name);
        }
        Val *y = new_val(g, x, e->type);
        fprintf(o, "    %s = reshape(%s, shape = %d);\n", y->name, e->name, n);
        return y;
    }
    int h = x->h, w = x->w, c = x->c;
    switch (rnd(g, 4)) {
    case 0: { /* H and W swapped: a rank-3 value the window layers take */
        Val *y = new_val(g, x, x->type);
        y->h = w;
        y->w = h;
        fprintf(o, "    %s = transpose(%s, perm = (1, 0, 2));\n", y->name, x->name);
        return y;
    }
    case 1: { /* to rank 2 and back: rows of pixels, or of whole images */
        Val *r = side_val(g, x, x->type);
        if (rnd(g, 2))
            fprintf(o, "    %s = reshape(%s, shape = (%d, %d));\n", r->name, x->name, h * w, c);
        else
            fprintf(o, "    %s = reshape(%s, shape = (%d, %d));\n", r->name, x->name, h, w * c);
        Val *e = r;
        if (rnd(g, 2)) {
            e = side_val(g, x, rnd(g, 2) ? 'b' : 'f');
            fprintf(o, "    %s = %s(%s);\n", e->name, e->type == 'b' ? "sign" : "hardtanh",
                    r->name);
        }
        Val *y = new_val(g, x, e->type);
        fprintf(o, "    %s = reshape(%s, shape = (%d, %d, %d));\n", y->name, e->name, h, w, c);
        return y;
    }
    default: { /* to NCHW [1, C, H, W] and back, as an ONNX model's input */
        Val *t = side_val(g, x, x->type);
        fprintf(o, "    %s = transpose(reshape(%s, shape = (1, %d, %d, %d)), perm = (0, 3, 1, 2));\n",
                t->name, x->name, h, w, c);
        Val *e = t;
        if (rnd(g, 2)) {
            e = side_val(g, x, x->type == 'b' || rnd(g, 2) ? 'f' : 'b');
            /* a float one: relu, or a prelu with an alpha per element of
             * the [1, C, H, W] value */
            int prelu = e->type == 'f' && rnd(g, 2);
            fprintf(o, "    %s = %s(%s%s);\n", e->name,
                    e->type == 'b' ? "sign" : prelu ? "prelu" : "relu", t->name,
                    prelu ? ", per_element = yes" : "");
            g->params += prelu ? (long)h * w * c : 0;
        }
        Val *y = new_val(g, x, e->type);
        fprintf(o, "    %s = reshape(transpose(%s, perm = (0, 2, 3, 1)), shape = (%d, %d, %d));\n",
                y->name, e->name, h, w, c);
        return y;
    }
    }
}

/* mul with broadcasting: a scaling branch (global_avgpool, dense,
 * sigmoid) of [C] or [1, 1, C] against [H, W, C], or two values of the
 * same shape (b1, i32 or f32), or a flat value against a column. */
static Val *scale(G *g, Val *x) {
    FILE *o = g->out;
    Val *y;
    if (x->rank == 3 && rnd(g, 2)) {
        Val *p = new_val(g, x, 'f');
        p->rank = 1;
        fprintf(o, "    %s = global_avgpool(%s);\n", p->name, x->name);
        Val *sg = new_val(g, p, 'f');
        fprintf(o, "    %s = sigmoid(dense(%s, units = %d));\n", sg->name, p->name, x->c);
        g->params += (long)x->c * x->c;
        y = new_val(g, x, 'f');
        if (rnd(g, 2))
            fprintf(o, "    %s = mul(%s, %s);\n", y->name, x->name, sg->name);
        else
            fprintf(o, "    %s = mul(reshape(%s, shape = (1, 1, %d)), %s);\n", y->name,
                    sg->name, x->c, x->name);
        return y;
    }
    if (x->rank == 1 && x->c <= 128 && rnd(g, 2)) { /* [N, 1] x [N]: [N, N] */
        Val *t = side_val(g, x, 'f');
        fprintf(o, "    %s = mul(reshape(%s, shape = (%d, 1)), %s);\n", t->name, x->name, x->c,
                x->name);
        y = new_val(g, x, 'f');
        fprintf(o, "    %s = global_avgpool(reshape(%s, shape = (%d, 1, %d)));\n", y->name,
                t->name, x->c, x->c);
        y->c = x->c;
        return y;
    }
    Val *b = rnd(g, 2) ? binarize(g, x) : x;
    y = new_val(g, x, 'f');
    fprintf(o, "    %s = mul(%s, %s);\n", y->name, x->name, b->name);
    return y;
}

/* A channel slice, a per-axis slice, or a channel pad (value +-1 for
 * b1, an integer for i32, a real for f32); on any of the three types. */
static Val *channel_ops(G *g, Val *x) {
    FILE *o = g->out;
    Val *y = new_val(g, x, x->type);
    int c = x->c;
    if (rnd(g, 2) && c > 1) {
        int b = (int)rnd(g, (unsigned)c - 1), e = b + 1 + (int)rnd(g, (unsigned)(c - b));
        if (x->rank == 3 && rnd(g, 3) == 0) {
            int h0 = (int)rnd(g, (unsigned)x->h), w0 = (int)rnd(g, (unsigned)x->w);
            int h1 = h0 + 1 + (int)rnd(g, (unsigned)(x->h - h0));
            int w1 = w0 + 1 + (int)rnd(g, (unsigned)(x->w - w0));
            fprintf(o, "    %s = slice(%s, begin = (%d, %d, %d), end = (%d, %d, %d));\n",
                    y->name, x->name, h0, w0, b, h1, w1, e);
            y->h = h1 - h0;
            y->w = w1 - w0;
        } else {
            fprintf(o, "    %s = slice(%s, begin = %d, end = %d);\n", y->name, x->name, b, e);
        }
        y->c = e - b;
        return y;
    }
    int before = rnd(g, 2) ? 0 : (int)rnd(g, 40), after = (int)rnd(g, 70);
    char v[32];
    if (x->type == 'b')
        snprintf(v, sizeof v, "%d", rnd(g, 2) ? 1 : -1);
    else if (x->type == 'i')
        snprintf(v, sizeof v, "%d", (int)rnd(g, 21) - 10);
    else if (x->type == 'u') /* a count of thresholds: a whole number of u8 */
        snprintf(v, sizeof v, "%d", (int)rnd(g, 4));
    else
        snprintf(v, sizeof v, "%s", rnd(g, 2) ? "0" : "-0.75");
    fprintf(o, "    %s = pad_channels(%s, before = %d, after = %d, value = %s);\n", y->name,
            x->name, before, after, v);
    y->c = c + before + after;
    return y;
}

static Val *concat(G *g, Val *x) {
    Val *a = x->rank == 3 ? conv(g, x) : dense(g, x);
    Val *b = x->rank == 3 && rnd(g, 2) ? binarize(g, x) : elementwise(g, x);
    if (a->rank != b->rank || (a->rank == 3 && (a->h != b->h || a->w != b->w)))
        return a;
    Val *y = new_val(g, a, a->type == b->type ? a->type : 'f');
    y->c = a->c + b->c;
    fprintf(g->out, "    %s = concat(%s, %s);\n", y->name, a->name, b->name);
    return y;
}

static void generate(G *g, uint64_t seed, int max) {
    if (max < 1)
        max = 1;
    FILE *out = g->out;
    g->nvals = g->counter = 0;
    g->state = (unsigned long long)seed * 2654435761ULL + 0x9E3779B97F4A7C15ULL;
    fprintf(out, "bnn 1;\n# gen_net %s%llu %d\nnetwork n%llu {\n", g->data ? "bytes " : "",
            (unsigned long long)seed, max, (unsigned long long)seed);
    Val in = {"x", 3, 0, 0, 0, 'f'};
    in.h = 1 + (int)rnd(g, 12);
    in.w = 1 + (int)rnd(g, 12);
    in.c = channels(g);
    if (rnd(g, 6) == 0) {
        in.rank = 1;
        in.c = pick(g, 6, 1, 5, 32, 63, 64, 100);
    }
    if (rnd(g, 8) == 0)
        in.type = 'b';
    g->vals[g->nvals++] = in;
    /* The input as an ONNX model takes it, 1 time in 5: [1, C, H, W]
     * made [H, W, C], or [1, N] made [N]. */
    int onnx = rnd(g, 5) == 0;
    const char *tn = in.type == 'b' ? "b1" : "f32";
    if (onnx && in.rank == 3)
        fprintf(out, "    input x : %s[1, %d, %d, %d];\n", tn, in.c, in.h, in.w);
    else if (onnx)
        fprintf(out, "    input x : %s[1, %d];\n", tn, in.c);
    else if (in.rank == 3)
        fprintf(out, "    input x : %s[%d, %d, %d];\n", tn, in.h, in.w, in.c);
    else
        fprintf(out, "    input x : %s[%d];\n", tn, in.c);
    Val *x = &g->vals[0];
    if (onnx) {
        Val *y = new_val(g, x, x->type);
        if (in.rank == 3)
            fprintf(out, "    %s = reshape(transpose(x, perm = (0, 2, 3, 1)), shape = (%d, %d, %d));\n",
                    y->name, in.h, in.w, in.c);
        else
            fprintf(out, "    %s = reshape(x, shape = %d);\n", y->name, in.c);
        x = y;
    }
    Val *second = NULL;
    int n = 1 + (int)rnd(g, (unsigned)max);
    for (int i = 0; i < n && g->nvals < 200 && (!g->budget || g->params < g->budget); i++) {
        unsigned r = rnd(g, 100);
        if (rnd(g, 8) == 0) {
            unsigned k = rnd(g, 3);
            x = k == 0 ? shape_ops(g, x) : k == 1 ? scale(g, x) : channel_ops(g, x);
        } else if (x->rank == 3) {
            if (r < 35)
                x = conv(g, x);
            else if (r < 45)
                x = pool(g, x);
            else if (r < 55)
                x = elementwise(g, x);
            else if (r < 65)
                x = binary_input(g, x);
            else if (r < 75)
                x = residual(g, x);
            else if (r < 82)
                x = concat(g, x);
            else if (r < 90) {
                Val *y = new_val(g, x, x->type);
                y->rank = 1;
                y->c = x->h * x->w * x->c;
                fprintf(out, "    %s = flatten(%s);\n", y->name, x->name);
                x = y;
            } else {
                Val *y = new_val(g, x, 'f');
                y->rank = 1;
                fprintf(out, "    %s = global_avgpool(%s);\n", y->name, x->name);
                x = y;
            }
        } else {
            if (r < 45)
                x = dense(g, x);
            else if (r < 60)
                x = binary_input(g, x);
            else if (r < 75)
                x = elementwise(g, x);
            else if (r < 85)
                x = residual(g, x);
            else if (r < 92)
                x = concat(g, x);
            else {
                Val *y = new_val(g, x, 'f');
                fprintf(out, "    %s = softmax(%s);\n", y->name, x->name);
                x = y;
            }
        }
        if (!second && rnd(g, 10) == 0 && x != &g->vals[0])
            second = x;
        if (!second && g->side && rnd(g, 4) == 0)
            second = g->side;
        g->side = NULL;
    }
    if (second && second != x)
        fprintf(out, "    output %s, %s;\n}\n", x->name, second->name);
    else
        fprintf(out, "    output %s;\n}\n", x->name);
}

void gen_net(uint64_t seed, int max_layers, FILE *out) {
    G g = {.out = out};
    generate(&g, seed, max_layers);
}

void gen_net_bytes(const uint8_t *data, size_t n, uint64_t seed, int max_layers,
                   long max_params, FILE *out) {
    G g = {.out = out, .data = data, .n = n, .budget = max_params};
    generate(&g, seed, max_layers);
}
