/*
 * gen_net.c: random valid .bnn networks, one per seed (gen_net.h; the
 * gen_net program is main.c).
 *
 * The network exercises what the C emitter and the interpreter must agree
 * on: every operation, binary layers on b1 inputs (fused sign(batchnorm)
 * thresholds on i32 dot products, maxpool on i32 and b1), float layers
 * with binary weights, kernels 1 to 3 (and rectangular), strides 1 and 2,
 * dilation, groups, the three paddings, channel counts that are and are
 * not multiples of 32 and 64, residual adds, concatenations, flatten to
 * dense heads, and sometimes two outputs; biases, scaled binary weights
 * and frozen layers, float weights on b1 inputs, batchnorms with their own
 * epsilon and without beta (center = no) or gamma (scale = no). Shapes are tracked as the layers
 * are drawn, so every network checks; the differential tests
 * (tests/codegen) and the fuzzers (tests/fuzz) share it. Deterministic:
 * a fixed generator, no libc rand.
 */
#include "gen_net.h"

#include <stdarg.h>

typedef struct {
    char name[32];
    int rank, h, w, c; /* rank 1: c is the length */
    char type;         /* 'f' f32, 'i' i32, 'b' b1 */
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

/* A convolution-like layer on a rank-3 value. */
static Val *conv(G *g, Val *x) {
    int kind = (int)rnd(g, 4); /* 0 conv2d, 1 bconv2d binary, 2 bconv2d float in, 3 depthwise */
    if (kind == 1 || (kind == 0 && rnd(g, 4) == 0)) /* conv2d: float weights on b1 */
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
    if (kind == 2 && x->type == 'b')
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
    return y;
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
    static const char *const ops[] = {"batchnorm", "relu", "prelu", "hardtanh"};
    Val *y = new_val(g, x, 'f');
    int op = (int)rnd(g, 4);
    fprintf(g->out, "    %s = %s(%s%s);\n", y->name, ops[op], x->name, op ? "" : bn_attrs(g));
    g->params += 4L * x->c;
    return y;
}

static Val *dense(G *g, Val *x) {
    int binary = rnd(g, 2);
    if (binary ? rnd(g, 3) != 0 : rnd(g, 4) == 0) /* dense: float weights on b1 */
        x = binarize(g, x);
    int f32;
    const char *extra = dot_attrs(g, binary, &f32);
    Val *y = new_val(g, x, binary && x->type == 'b' && !f32 ? 'i' : 'f');
    y->c = pick(g, 8, 1, 7, 10, 32, 33, 64, 65, 100);
    g->params += (long)x->c * y->c;
    fprintf(g->out, "    %s = %s(%s, units = %d%s);\n", y->name, binary ? "bdense" : "dense",
            x->name, y->c, extra);
    return y;
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
    if (in.rank == 3)
        fprintf(out, "    input x : %s[%d, %d, %d];\n", in.type == 'b' ? "b1" : "f32", in.h, in.w,
                in.c);
    else
        fprintf(out, "    input x : %s[%d];\n", in.type == 'b' ? "b1" : "f32", in.c);
    Val *x = &g->vals[0];
    Val *second = NULL;
    int n = 1 + (int)rnd(g, (unsigned)max);
    for (int i = 0; i < n && g->nvals < 200 && (!g->budget || g->params < g->budget); i++) {
        unsigned r = rnd(g, 100);
        if (x->rank == 3) {
            if (r < 35)
                x = conv(g, x);
            else if (r < 45)
                x = pool(g, x);
            else if (r < 55)
                x = elementwise(g, x);
            else if (r < 65)
                x = binarize(g, x);
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
                x = binarize(g, x);
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
