/*
 * gen_net.c: prints a random valid .bnn network, one per seed.
 *
 *   gen_net SEED [MAXLAYERS]
 *
 * The network exercises what the C emitter and the interpreter must agree
 * on: every operation, binary layers on b1 inputs (fused sign(batchnorm)
 * thresholds on i32 dot products, maxpool on i32 and b1), float layers
 * with binary weights, kernels 1 to 3 (and rectangular), strides 1 and 2,
 * dilation, groups, the three paddings, channel counts that are and are
 * not multiples of 32 and 64, residual adds, concatenations, flatten to
 * dense heads, and sometimes two outputs. Shapes are tracked as the layers
 * are drawn, so every network checks; the differential tests
 * (tests/codegen) and the fuzzers (tests/fuzz) share it. Deterministic:
 * a fixed generator, no libc rand.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long state;

static unsigned rnd(unsigned n) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % n);
}

static int pick(int n, ...) {
    va_list ap;
    va_start(ap, n);
    int k = (int)rnd((unsigned)n), v = 0;
    for (int i = 0; i <= k; i++)
        v = va_arg(ap, int);
    va_end(ap);
    return v;
}

typedef struct {
    char name[32];
    int rank, h, w, c; /* rank 1: c is the length */
    char type;         /* 'f' f32, 'i' i32, 'b' b1 */
} Val;

static Val vals[256];
static int nvals;
static int counter;

static Val *new_val(const Val *like, char type) {
    Val *v = &vals[nvals++];
    *v = *like;
    v->type = type;
    snprintf(v->name, sizeof v->name, "v%d", counter++);
    return v;
}

/* A channel count: often around the word sizes. */
static int channels(void) {
    return pick(12, 1, 2, 3, 5, 8, 16, 31, 32, 33, 63, 64, 65);
}

static int out_size(int in, int k, int s, int d, int pad) {
    if (pad)
        return (in + s - 1) / s;
    return (in - (d * (k - 1) + 1)) / s + 1;
}

static const char *pad_name(int p) {
    return p == 0 ? "valid" : p == 1 ? "same" : "same_one";
}

/* sign(x), keeping the b1 input as it is. */
static Val *binarize(Val *x) {
    if (x->type == 'b')
        return x;
    Val *y = new_val(x, 'b');
    if (rnd(2)) {
        printf("    %s = sign(batchnorm(%s));\n", y->name, x->name);
    } else {
        printf("    %s = sign(%s);\n", y->name, x->name);
    }
    return y;
}

/* A convolution-like layer on a rank-3 value. */
static Val *conv(Val *x) {
    int kind = (int)rnd(4); /* 0 conv2d, 1 bconv2d binary, 2 bconv2d float in, 3 depthwise */
    if (kind == 1)
        x = binarize(x);
    int kh = 1 + (int)rnd(3), kw = rnd(4) ? kh : 1 + (int)rnd(3);
    int s = rnd(3) ? 1 : 2, d = rnd(5) ? 1 : 2;
    int pad = (int)rnd(3);
    if (!pad && (x->h < d * (kh - 1) + 1 || x->w < d * (kw - 1) + 1))
        pad = 1 + (int)rnd(2);
    Val *y = new_val(x, kind == 1 ? 'i' : 'f');
    y->h = out_size(x->h, kh, s, d, pad);
    y->w = out_size(x->w, kw, s, d, pad);
    char ks[32];
    if (kh == kw)
        snprintf(ks, sizeof ks, "%d", kh);
    else
        snprintf(ks, sizeof ks, "(%d, %d)", kh, kw);
    if (kind == 3) {
        int m = 1 + (int)rnd(2);
        y->c = x->c * m;
        printf("    %s = depthwise_conv2d(%s, kernel = %s, stride = %d, dilation = %d, "
               "padding = %s, multiplier = %d);\n",
               y->name, x->name, ks, s, d, pad_name(pad), m);
        return y;
    }
    int g = 1;
    int f = channels();
    if (rnd(5) == 0) {
        int gs[] = {2, 3, 4};
        int gg = gs[rnd(3)];
        if (x->c % gg == 0) {
            g = gg;
            f = gg * (1 + (int)rnd(20));
        }
    }
    y->c = f;
    if (kind == 2 && x->type == 'b')
        kind = 1, y->type = 'i';
    printf("    %s = %s(%s, filters = %d, kernel = %s, stride = %d, dilation = %d, "
           "padding = %s, groups = %d);\n",
           y->name, kind == 0 ? "conv2d" : "bconv2d", x->name, f, ks, s, d, pad_name(pad), g);
    return y;
}

static Val *pool(Val *x) {
    int max = rnd(3) != 0;
    int k = 1 + (int)rnd(3), s = 1 + (int)rnd(2);
    int pad = (int)rnd(3);
    if (!pad && (x->h < k || x->w < k))
        pad = 1;
    Val *y = new_val(x, max ? x->type : 'f');
    y->h = out_size(x->h, k, s, 1, pad);
    y->w = out_size(x->w, k, s, 1, pad);
    printf("    %s = %s(%s, size = %d, stride = %d, padding = %s);\n", y->name,
           max ? "maxpool" : "avgpool", x->name, k, s, pad_name(pad));
    return y;
}

static Val *elementwise(Val *x) {
    static const char *const ops[] = {"batchnorm", "relu", "prelu", "hardtanh"};
    Val *y = new_val(x, 'f');
    printf("    %s = %s(%s);\n", y->name, ops[rnd(4)], x->name);
    return y;
}

static Val *dense(Val *x) {
    int binary = rnd(2);
    if (binary && rnd(3))
        x = binarize(x);
    Val *y = new_val(x, binary && x->type == 'b' ? 'i' : 'f');
    y->c = pick(8, 1, 7, 10, 32, 33, 64, 65, 100);
    printf("    %s = %s(%s, units = %d);\n", y->name, binary ? "bdense" : "dense", x->name, y->c);
    return y;
}

/* A residual: add(x, f(x)) with f keeping the shape. */
static Val *residual(Val *x) {
    Val *b = x;
    if (x->rank == 3 && rnd(2)) {
        Val *s = binarize(x);
        b = new_val(x, 'i');
        printf("    %s = bconv2d(%s, filters = %d, kernel = 3, padding = %s);\n", b->name,
               s->name, x->c, rnd(2) ? "same_one" : "same");
        if (rnd(2)) {
            Val *n = new_val(b, 'f');
            printf("    %s = batchnorm(%s);\n", n->name, b->name);
            b = n;
        }
    } else {
        b = elementwise(x);
    }
    char t = x->type == 'i' && b->type == 'i' ? 'i' : 'f';
    if (x->type == 'b' || b->type == 'b')
        t = 'f';
    Val *y = new_val(x, t);
    printf("    %s = add(%s, %s);\n", y->name, x->name, b->name);
    return y;
}

static Val *concat(Val *x) {
    Val *a = x->rank == 3 ? conv(x) : dense(x);
    Val *b = x->rank == 3 && rnd(2) ? binarize(x) : elementwise(x);
    if (a->rank != b->rank || (a->rank == 3 && (a->h != b->h || a->w != b->w)))
        return a;
    Val *y = new_val(a, a->type == b->type ? a->type : 'f');
    y->c = a->c + b->c;
    printf("    %s = concat(%s, %s);\n", y->name, a->name, b->name);
    return y;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: gen_net SEED [MAXLAYERS]\n");
        return 2;
    }
    state = strtoull(argv[1], NULL, 10) * 2654435761ULL + 0x9E3779B97F4A7C15ULL;
    int max = argc > 2 ? atoi(argv[2]) : 8;
    if (max < 1)
        max = 1;
    printf("bnn 1;\n# gen_net %s %d\nnetwork n%s {\n", argv[1], max, argv[1]);
    Val in = {"x", 3, 1 + (int)rnd(12), 1 + (int)rnd(12), channels(), 'f'};
    if (rnd(6) == 0) {
        in.rank = 1;
        in.c = pick(6, 1, 5, 32, 63, 64, 100);
    }
    if (rnd(8) == 0)
        in.type = 'b';
    vals[nvals++] = in;
    if (in.rank == 3)
        printf("    input x : %s[%d, %d, %d];\n", in.type == 'b' ? "b1" : "f32", in.h, in.w, in.c);
    else
        printf("    input x : %s[%d];\n", in.type == 'b' ? "b1" : "f32", in.c);
    Val *x = &vals[0];
    Val *second = NULL;
    int n = 1 + (int)rnd((unsigned)max);
    for (int i = 0; i < n && nvals < 200; i++) {
        unsigned r = rnd(100);
        if (x->rank == 3) {
            if (r < 35)
                x = conv(x);
            else if (r < 45)
                x = pool(x);
            else if (r < 55)
                x = elementwise(x);
            else if (r < 65)
                x = binarize(x);
            else if (r < 75)
                x = residual(x);
            else if (r < 82)
                x = concat(x);
            else if (r < 90) {
                Val *y = new_val(x, x->type);
                y->rank = 1;
                y->c = x->h * x->w * x->c;
                printf("    %s = flatten(%s);\n", y->name, x->name);
                x = y;
            } else {
                Val *y = new_val(x, 'f');
                y->rank = 1;
                printf("    %s = global_avgpool(%s);\n", y->name, x->name);
                x = y;
            }
        } else {
            if (r < 45)
                x = dense(x);
            else if (r < 60)
                x = binarize(x);
            else if (r < 75)
                x = elementwise(x);
            else if (r < 85)
                x = residual(x);
            else if (r < 92)
                x = concat(x);
            else {
                Val *y = new_val(x, 'f');
                printf("    %s = softmax(%s);\n", y->name, x->name);
                x = y;
            }
        }
        if (!second && rnd(10) == 0 && x != &vals[0])
            second = x;
    }
    if (second && second != x)
        printf("    output %s, %s;\n}\n", x->name, second->name);
    else
        printf("    output %s;\n}\n", x->name);
    return 0;
}
