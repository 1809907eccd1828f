/*
 * ops.c: the operations of the language and their shape functions.
 *
 * The descriptor table is expanded from ops.def, so an operation is
 * declared once: its name, how many inputs it takes, whether it has float
 * or binary weights, which attributes it allows and requires, and the
 * function that infers its output shape and element type. Shape functions
 * report errors through the ShapeReport their caller gives them (sema's
 * adds the block-expansion notes): each message names the layer, its
 * inputs and their shapes. ops.c knows nothing of the stages above it.
 */
#include "bnnc.h"

#include <float.h>
#include <math.h>
#include <string.h>

const char *const ops_attr_names[A_COUNT] = {
#define X(id, name, ty, dflt) #name,
    OPS_ATTRS(X)
#undef X
};

const AttrType ops_attr_types[A_COUNT] = {
#define X(id, name, ty, dflt) ty,
    OPS_ATTRS(X)
#undef X
};

const double ops_attr_defaults[A_COUNT] = {
#define X(id, name, ty, dflt) dflt,
    OPS_ATTRS(X)
#undef X
};

const char *const ops_padding_names[3] = {"valid", "same", "same_one"};

static void shape_error(const ShapeReport *rep, const IrNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void shape_error(const ShapeReport *rep, const IrNode *n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rep->error(rep->ctx, n, fmt, ap);
    va_end(ap);
}

static void shape_note(const ShapeReport *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void shape_note(const ShapeReport *rep, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rep->note(rep->ctx, fmt, ap);
    va_end(ap);
}

const char *dtype_name(DType t) {
    static const char *const n[] = {"?", "b1", "u8", "i32", "f32"};
    return (unsigned)t < 5 ? n[t] : "?";
}

static char *fmt_shape(const IrNode *n, char *buf, size_t len) {
    char sh[96];
    shape_format(sh, sizeof sh, &n->shape);
    snprintf(buf, len, "%s%s", dtype_name(n->type), sh);
    return buf;
}

static bool need_rank3(const ShapeReport *rep, IrNode *n) {
    IrNode *x = n->in[0];
    if (x->shape.rank == 3)
        return true;
    char b[128];
    shape_error(rep, n, "'%s' needs an [H, W, C] input, but '%s' is %s",
                ops_table[n->op].name, x->name, fmt_shape(x, b, sizeof b));
    const int64_t *d = x->shape.d;
    if (x->shape.rank == 4 && d[0] == 1)
        shape_note(rep, "if '%s' is [1, C, H, W] (ONNX, PyTorch), reshape(transpose(%s, perm = (0, 2, "
                   "3, 1)), shape = (%lld, %lld, %lld)) is its [H, W, C]",
                   x->name, x->name, (long long)d[2], (long long)d[3], (long long)d[1]);
    return false;
}

/* Checked a * b for sizes; false on overflow or past the limit. */
static bool mul_ok(int64_t a, int64_t b, int64_t *out) {
    return !__builtin_mul_overflow(a, b, out) && *out <= BNNC_MAX_ELEMS;
}

static bool check_elems(const ShapeReport *rep, IrNode *n) {
    int64_t e = 1;
    for (int i = 0; i < n->shape.rank; i++) {
        if (n->shape.d[i] > BNNC_MAX_DIM || !mul_ok(e, n->shape.d[i], &e)) {
            char b[128];
            shape_error(rep, n, "output of '%s' is too large: %s", n->name,
                        fmt_shape(n, b, sizeof b));
            return false;
        }
    }
    return true;
}

/* Output size of a sliding window along one axis. */
static bool window(const ShapeReport *rep, IrNode *n, int axis, int64_t in, int64_t k,
                   int64_t stride, int64_t dil, int64_t *out) {
    int64_t extent;
    if (__builtin_mul_overflow(dil, k - 1, &extent) || extent >= BNNC_MAX_DIM) {
        shape_error(rep, n, "kernel of '%s' is too large", n->name);
        return false;
    }
    extent += 1;
    if (n->at->v[A_PADDING][0] != PAD_VALID) {
        *out = (in + stride - 1) / stride;
        return true;
    }
    if (extent > in) {
        shape_error(rep, n,
                    "window of '%s' (%lld wide%s) is larger than "
                    "its input '%s' along %s (%lld) with padding = valid",
                    n->name, (long long)extent, dil > 1 ? " with dilation" : "",
                    n->in[0]->name,
                    axis == 0 ? "H" : "W", (long long)in);
        return false;
    }
    *out = (in - extent) / stride + 1;
    return true;
}

static bool infer_conv(const ShapeReport *rep, IrNode *n) {
    if (!need_rank3(rep, n))
        return false;
    IrNode *x = n->in[0];
    int64_t c = x->shape.d[2];
    int64_t ho, wo, co;
    if (!window(rep, n, 0, x->shape.d[0], n->at->v[A_KERNEL][0], n->at->v[A_STRIDE][0],
                n->at->v[A_DILATION][0], &ho) ||
        !window(rep, n, 1, x->shape.d[1], n->at->v[A_KERNEL][1], n->at->v[A_STRIDE][1],
                n->at->v[A_DILATION][1], &wo))
        return false;
    if (n->op == OP_DEPTHWISE_CONV2D) {
        if (!mul_ok(c, n->at->v[A_MULTIPLIER][0], &co)) {
            shape_error(rep, n, "output channels of '%s' are too many", n->name);
            return false;
        }
    } else {
        int64_t g = n->at->v[A_GROUPS][0];
        co = n->at->v[A_FILTERS][0];
        if (c % g != 0 || co % g != 0) {
            shape_error(rep, n,
                        "groups = %lld must divide both the input channels of "
                        "'%s' (%lld) and filters (%lld)",
                        (long long)g, x->name, (long long)c, (long long)co);
            return false;
        }
    }
    n->shape = (Shape){3, {ho, wo, co}};
    n->type = ir_dot_type(n, x->type);
    return check_elems(rep, n);
}

static bool infer_dense(const ShapeReport *rep, IrNode *n) {
    IrNode *x = n->in[0];
    if (x->shape.rank != 1) {
        char b[128];
        shape_error(rep, n, "'%s' needs a flat input, but '%s' is %s; use flatten()",
                    ops_table[n->op].name, x->name, fmt_shape(x, b, sizeof b));
        return false;
    }
    n->shape = (Shape){1, {n->at->v[A_UNITS][0]}};
    n->type = ir_dot_type(n, x->type);
    return check_elems(rep, n);
}

static bool infer_float_same(const ShapeReport *rep, IrNode *n) {
    (void)rep;
    n->shape = n->in[0]->shape;
    n->type = DT_F32;
    return true;
}

static bool infer_sign(const ShapeReport *rep, IrNode *n) {
    (void)rep;
    n->shape = n->in[0]->shape;
    n->type = DT_B1;
    return true;
}

/* thresholds(x, levels = K, strict = no): x an i32 (a binary layer's
 * dot product); K from 1 to 255; b1 for one level, else u8 (0..K). */
static bool infer_thresholds(const ShapeReport *rep, IrNode *n) {
    IrNode *x = n->in[0];
    int64_t k = n->at->v[A_LEVELS][0];
    if (x->type != DT_I32) {
        char b[128];
        shape_error(rep, n, "'thresholds' needs an i32 input (the dot product of a bconv2d "
                          "or bdense on b1 or u8), but '%s' is %s",
                    x->name, fmt_shape(x, b, sizeof b));
        return false;
    }
    if (k > 255) {
        shape_error(rep, n, "parameter 'levels' of 'thresholds' is %lld; it must be 1 to 255 "
                          "(the count is a u8)",
                    (long long)k);
        return false;
    }
    n->shape = x->shape;
    n->type = k == 1 ? DT_B1 : DT_U8;
    return true;
}

static bool infer_pool(const ShapeReport *rep, IrNode *n) {
    if (!need_rank3(rep, n))
        return false;
    IrNode *x = n->in[0];
    int64_t ho, wo;
    if (!window(rep, n, 0, x->shape.d[0], n->at->v[A_SIZE][0], n->at->v[A_STRIDE][0], 1, &ho) ||
        !window(rep, n, 1, x->shape.d[1], n->at->v[A_SIZE][1], n->at->v[A_STRIDE][1], 1, &wo))
        return false;
    n->shape = (Shape){3, {ho, wo, x->shape.d[2]}};
    n->type = n->op == OP_MAXPOOL ? x->type : DT_F32;
    return true;
}

static bool infer_global_pool(const ShapeReport *rep, IrNode *n) {
    if (!need_rank3(rep, n))
        return false;
    n->shape = (Shape){1, {n->in[0]->shape.d[2]}};
    n->type = DT_F32;
    return true;
}

static bool same_shape(const Shape *a, const Shape *b) {
    if (a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->d[i] != b->d[i])
            return false;
    return true;
}

static bool infer_add(const ShapeReport *rep, IrNode *n) {
    IrNode *a = n->in[0], *b = n->in[1];
    if (!same_shape(&a->shape, &b->shape)) {
        char x[128], y[128];
        shape_error(rep, n, "shape mismatch in 'add': '%s' is %s but '%s' is %s",
                    a->name, fmt_shape(a, x, sizeof x), b->name,
                    fmt_shape(b, y, sizeof y));
        return false;
    }
    n->shape = a->shape;
    n->type = (a->type == DT_I32 && b->type == DT_I32) ? DT_I32 : DT_F32;
    return true;
}

static bool infer_concat(const ShapeReport *rep, IrNode *n) {
    IrNode *a = n->in[0];
    int64_t sum = 0;
    DType t = a->type;
    for (int i = 0; i < n->nin; i++) {
        IrNode *b = n->in[i];
        bool ok = b->shape.rank == a->shape.rank;
        for (int k = 0; ok && k + 1 < a->shape.rank; k++)
            ok = b->shape.d[k] == a->shape.d[k];
        if (!ok) {
            char x[128], y[128];
            shape_error(rep, n,
                        "shape mismatch in 'concat': '%s' is %s but '%s' is %s "
                        "(all but the last dimension must agree)",
                        a->name, fmt_shape(a, x, sizeof x), b->name,
                        fmt_shape(b, y, sizeof y));
            return false;
        }
        sum += b->shape.d[b->shape.rank - 1];
        if (b->type != t)
            t = DT_F32;
    }
    n->shape = a->shape;
    n->shape.d[n->shape.rank - 1] = sum;
    n->type = t;
    return check_elems(rep, n);
}

static bool infer_flatten(const ShapeReport *rep, IrNode *n) {
    IrNode *x = n->in[0];
    n->shape = (Shape){1, {shape_elems(&x->shape)}};
    n->type = x->type;
    return check_elems(rep, n);
}

/* A tuple attribute as text: "(1, 3, 32)". */
static char *fmt_tuple(const IrNode *n, int a, char *buf, size_t len) {
    size_t l = (size_t)snprintf(buf, len, "(");
    for (int k = 0; k < n->at->len[a] && l < len; k++)
        l += (size_t)snprintf(buf + l, len - l, "%s%lld", k ? ", " : "",
                              (long long)n->at->v[a][k]);
    if (l < len)
        snprintf(buf + l, len - l, ")");
    return buf;
}

/* reshape(x, shape = (a, b, ...)): the same elements in the same order. */
static bool infer_reshape(const ShapeReport *rep, IrNode *n) {
    IrNode *x = n->in[0];
    int r = n->at->len[A_SHAPE];
    char b[128], t[128];
    Shape sh = {r, {0}};
    int64_t e = 1;
    bool big = false; /* more than BNNC_MAX_ELEMS, which no tensor has */
    for (int k = 0; k < r; k++) {
        sh.d[k] = n->at->v[A_SHAPE][k];
        if (sh.d[k] == 0) {
            shape_error(rep, n, "'shape' of 'reshape' has a dimension 0: %s",
                        fmt_tuple(n, A_SHAPE, t, sizeof t));
            return false;
        }
        big = big || !mul_ok(e, sh.d[k], &e);
    }
    if (big || e != shape_elems(&x->shape)) {
        char cnt[32];
        if (big)
            snprintf(cnt, sizeof cnt, "more than 2^40");
        else
            snprintf(cnt, sizeof cnt, "%lld", (long long)e);
        shape_error(rep, n,
                    "'reshape' keeps the number of elements, but '%s' is %s (%lld elements) "
                    "and shape = %s has %s",
                    x->name, fmt_shape(x, b, sizeof b), (long long)shape_elems(&x->shape),
                    fmt_tuple(n, A_SHAPE, t, sizeof t), cnt);
        return false;
    }
    n->shape = sh;
    n->type = x->type;
    return true;
}

/* transpose(x, perm = (...)): output axis k is input axis perm[k]. */
static bool infer_transpose(const ShapeReport *rep, IrNode *n) {
    IrNode *x = n->in[0];
    int r = n->at->len[A_PERM];
    char b[128], t[128];
    if (r != x->shape.rank) {
        shape_error(rep, n, "'perm' of 'transpose' has %d ax%s, but '%s' is %s, of rank %d",
                    r, r == 1 ? "is" : "es", x->name, fmt_shape(x, b, sizeof b),
                    x->shape.rank);
        return false;
    }
    bool seen[IR_MAX_RANK] = {false};
    for (int k = 0; k < r; k++) {
        int64_t p = n->at->v[A_PERM][k];
        if (p >= r || seen[p]) {
            shape_error(rep, n, "'perm' of 'transpose' must name each axis 0 to %d once; %s "
                              "is not a permutation",
                        r - 1, fmt_tuple(n, A_PERM, t, sizeof t));
            return false;
        }
        seen[p] = true;
        n->shape.d[k] = x->shape.d[p];
    }
    n->shape.rank = r;
    n->type = x->type;
    return true;
}

/* mul(a, b): NumPy's broadcasting. The shapes are aligned at their last
 * dimension; each pair of dimensions is equal or one of them is 1 (a
 * missing one counts as 1), and the output takes the larger. */
static bool infer_mul(const ShapeReport *rep, IrNode *n) {
    IrNode *a = n->in[0], *b = n->in[1];
    int r = a->shape.rank > b->shape.rank ? a->shape.rank : b->shape.rank;
    Shape sh = {r, {0}};
    for (int k = 0; k < r; k++) {
        int ka = k - (r - a->shape.rank), kb = k - (r - b->shape.rank);
        int64_t da = ka >= 0 ? a->shape.d[ka] : 1, db = kb >= 0 ? b->shape.d[kb] : 1;
        if (da != db && da != 1 && db != 1) {
            char x[128], y[128];
            shape_error(rep, n,
                        "shapes of 'mul' do not broadcast: '%s' is %s and '%s' is %s, and "
                        "their dimension %d from the end is %lld against %lld (each pair "
                        "must be equal, or one of them 1)",
                        a->name, fmt_shape(a, x, sizeof x), b->name,
                        fmt_shape(b, y, sizeof y), r - k, (long long)da, (long long)db);
            return false;
        }
        sh.d[k] = da > db ? da : db;
    }
    n->shape = sh;
    n->type = DT_F32;
    return check_elems(rep, n);
}

/* slice(x, begin = ..., end = ...): elements begin[k] to end[k] - 1 of
 * each axis k; one value each: the last axis (the channels). */
static bool infer_slice(const ShapeReport *rep, IrNode *n) {
    IrNode *x = n->in[0];
    int r = x->shape.rank, nb = n->at->len[A_BEGIN], ne = n->at->len[A_END];
    char b[128];
    if (nb != ne || (nb != 1 && nb != r)) {
        shape_error(rep, n,
                    "'begin' and 'end' of 'slice' have %d and %d values; give one each (the "
                    "last axis) or %d each (every axis of '%s', which is %s)",
                    nb, ne, r, x->name, fmt_shape(x, b, sizeof b));
        return false;
    }
    n->shape = x->shape;
    for (int k = 0; k < nb; k++) {
        int axis = nb == 1 ? r - 1 : k;
        int64_t lo = n->at->v[A_BEGIN][k], hi = n->at->v[A_END][k], dim = x->shape.d[axis];
        if (hi <= lo || hi > dim) {
            shape_error(rep, n,
                        "slice %lld to %lld of '%s' along axis %d%s is %s: '%s' is %s, "
                        "%lld along it",
                        (long long)lo, (long long)hi, x->name, axis,
                        axis == r - 1 ? " (the channels)" : "",
                        hi <= lo ? "empty (end must be above begin)" : "out of range",
                        x->name, fmt_shape(x, b, sizeof b), (long long)dim);
            return false;
        }
        n->shape.d[axis] = hi - lo;
    }
    n->type = x->type;
    return true;
}

/* pad_channels(x, before = a, after = b, value = v): a channels of v,
 * then x's, then b of v, at every pixel. */
static bool infer_pad_channels(const ShapeReport *rep, IrNode *n) {
    IrNode *x = n->in[0];
    char b[128];
    int64_t add = 0;
    for (int a = A_BEFORE; a <= A_AFTER; a++) {
        if (n->at->len[a] > 1) {
            shape_error(rep, n, "parameter '%s' of 'pad_channels' takes one integer, not %d",
                        ops_attr_names[a], n->at->len[a]);
            return false;
        }
        add += n->at->v[a][0]; /* 0 when not given */
    }
    double v = n->at->r[A_VALUE];
    const char *why = NULL;
    switch (x->type) {
    case DT_B1:
        if (v != 1 && v != -1)
            why = "a b1 tensor holds -1 or +1 only: give value = 1 or value = -1";
        break;
    case DT_I32:
        if (v != floor(v) || v < INT32_MIN || v > INT32_MAX)
            why = "an i32 tensor holds whole numbers from -2^31 to 2^31 - 1";
        break;
    case DT_U8:
        if (v != floor(v) || v < 0 || v > 255)
            why = "a u8 tensor holds whole numbers from 0 to 255";
        break;
    default:
        if (fabs(v) > FLT_MAX)
            why = "an f32 tensor holds numbers up to 3.4e38";
        break;
    }
    if (why) {
        shape_error(rep, n, "'pad_channels' pads '%s' (%s) with value = %g, but %s", x->name,
                    fmt_shape(x, b, sizeof b), v, why);
        return false;
    }
    n->shape = x->shape;
    n->shape.d[n->shape.rank - 1] += add;
    n->type = x->type;
    return check_elems(rep, n);
}

const OpDesc ops_table[OP_COUNT] = {
#define OP(id, name, nmin, nmax, w, attrs, req, infer) \
    [OP_##id] = {name, nmin, nmax, w, attrs, req, infer, false},
#define INTERNAL_OP(id, name, nmin, nmax, w) [OP_##id] = {name, nmin, nmax, w, 0, 0, NULL, true},
#include "ops.def"
#undef OP
#undef INTERNAL_OP
};

int ops_lookup(const char *name) {
    for (int i = 0; i < OP_COUNT; i++)
        if (!ops_table[i].internal && strcmp(ops_table[i].name, name) == 0)
            return i;
    return -1;
}

int ops_attr_lookup(const char *name) {
    for (int i = 0; i < A_COUNT; i++)
        if (strcmp(ops_attr_names[i], name) == 0)
            return i;
    return -1;
}

static int edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

const char *ops_suggest(const char *s, const char *const *names, int n) {
    const char *best = NULL;
    int bd = 99;
    for (int i = 0; i < n; i++) {
        if (!names[i])
            continue;
        int d = edit_distance(s, names[i]);
        if (d < bd)
            bd = d, best = names[i];
    }
    size_t len = strlen(s);
    int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    /* Never a name that shares nothing with s ('c' for 'a'). */
    return bd <= limit && bd < (int)len ? best : NULL;
}
