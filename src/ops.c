/*
 * ops.c: the operations of the language and their shape functions.
 *
 * The descriptor table is expanded from ops.def, so an operation is
 * declared once: its name, how many inputs it takes, whether it has float
 * or binary weights, which attributes it allows and requires, and the
 * function that infers its output shape and element type. Shape functions
 * report errors through sema_node_error, which names the layer, its
 * inputs and their shapes, and adds block-expansion notes.
 */
#include "bnnc.h"

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

const char *dtype_name(DType t) {
    static const char *const n[] = {"?", "b1", "u8", "i32", "f32"};
    return (unsigned)t < 5 ? n[t] : "?";
}

static char *fmt_shape(Sema *s, const IrNode *n, char *buf, size_t len) {
    (void)s;
    char sh[96];
    shape_format(sh, sizeof sh, &n->shape);
    snprintf(buf, len, "%s%s", dtype_name(n->type), sh);
    return buf;
}

static bool need_rank3(Sema *s, IrNode *n) {
    IrNode *x = n->in[0];
    if (x->shape.rank == 3)
        return true;
    char b[128];
    sema_node_error(s, n, "'%s' needs an [H, W, C] input, but '%s' is %s",
                    ops_table[n->op].name, x->name, fmt_shape(s, x, b, sizeof b));
    return false;
}

/* Checked a * b for sizes; false on overflow or past the limit. */
static bool mul_ok(int64_t a, int64_t b, int64_t *out) {
    return !__builtin_mul_overflow(a, b, out) && *out <= BNNC_MAX_ELEMS;
}

static bool check_elems(Sema *s, IrNode *n) {
    int64_t e = 1;
    for (int i = 0; i < n->shape.rank; i++) {
        if (n->shape.d[i] > BNNC_MAX_DIM || !mul_ok(e, n->shape.d[i], &e)) {
            char b[128];
            sema_node_error(s, n, "output of '%s' is too large: %s", n->name,
                            fmt_shape(s, n, b, sizeof b));
            return false;
        }
    }
    return true;
}

/* Output size of a sliding window along one axis. */
static bool window(Sema *s, IrNode *n, int axis, int64_t in, int64_t k,
                   int64_t stride, int64_t dil, int64_t *out) {
    int64_t extent;
    if (__builtin_mul_overflow(dil, k - 1, &extent) || extent >= BNNC_MAX_DIM) {
        sema_node_error(s, n, "kernel of '%s' is too large", n->name);
        return false;
    }
    extent += 1;
    if (n->at->v[A_PADDING][0] != PAD_VALID) {
        *out = (in + stride - 1) / stride;
        return true;
    }
    if (extent > in) {
        sema_node_error(s, n,
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

static bool infer_conv(Sema *s, IrNode *n) {
    if (!need_rank3(s, n))
        return false;
    IrNode *x = n->in[0];
    int64_t c = x->shape.d[2];
    int64_t ho, wo, co;
    if (!window(s, n, 0, x->shape.d[0], n->at->v[A_KERNEL][0], n->at->v[A_STRIDE][0],
                n->at->v[A_DILATION][0], &ho) ||
        !window(s, n, 1, x->shape.d[1], n->at->v[A_KERNEL][1], n->at->v[A_STRIDE][1],
                n->at->v[A_DILATION][1], &wo))
        return false;
    if (n->op == OP_DEPTHWISE_CONV2D) {
        if (!mul_ok(c, n->at->v[A_MULTIPLIER][0], &co)) {
            sema_node_error(s, n, "output channels of '%s' are too many", n->name);
            return false;
        }
    } else {
        int64_t g = n->at->v[A_GROUPS][0];
        co = n->at->v[A_FILTERS][0];
        if (c % g != 0 || co % g != 0) {
            sema_node_error(s, n,
                            "groups = %lld must divide both the input channels of "
                            "'%s' (%lld) and filters (%lld)",
                            (long long)g, x->name, (long long)c, (long long)co);
            return false;
        }
    }
    n->shape = (Shape){3, {ho, wo, co}};
    n->type = ir_dot_type(n, x->type);
    return check_elems(s, n);
}

static bool infer_dense(Sema *s, IrNode *n) {
    IrNode *x = n->in[0];
    if (x->shape.rank != 1) {
        char b[128];
        sema_node_error(s, n, "'%s' needs a flat input, but '%s' is %s; use flatten()",
                        ops_table[n->op].name, x->name, fmt_shape(s, x, b, sizeof b));
        return false;
    }
    n->shape = (Shape){1, {n->at->v[A_UNITS][0]}};
    n->type = ir_dot_type(n, x->type);
    return check_elems(s, n);
}

static bool infer_float_same(Sema *s, IrNode *n) {
    (void)s;
    n->shape = n->in[0]->shape;
    n->type = DT_F32;
    return true;
}

static bool infer_sign(Sema *s, IrNode *n) {
    (void)s;
    n->shape = n->in[0]->shape;
    n->type = DT_B1;
    return true;
}

static bool infer_pool(Sema *s, IrNode *n) {
    if (!need_rank3(s, n))
        return false;
    IrNode *x = n->in[0];
    int64_t ho, wo;
    if (!window(s, n, 0, x->shape.d[0], n->at->v[A_SIZE][0], n->at->v[A_STRIDE][0], 1, &ho) ||
        !window(s, n, 1, x->shape.d[1], n->at->v[A_SIZE][1], n->at->v[A_STRIDE][1], 1, &wo))
        return false;
    n->shape = (Shape){3, {ho, wo, x->shape.d[2]}};
    n->type = n->op == OP_MAXPOOL ? x->type : DT_F32;
    return true;
}

static bool infer_global_pool(Sema *s, IrNode *n) {
    if (!need_rank3(s, n))
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

static bool infer_add(Sema *s, IrNode *n) {
    IrNode *a = n->in[0], *b = n->in[1];
    if (!same_shape(&a->shape, &b->shape)) {
        char x[128], y[128];
        sema_node_error(s, n, "shape mismatch in 'add': '%s' is %s but '%s' is %s",
                        a->name, fmt_shape(s, a, x, sizeof x), b->name,
                        fmt_shape(s, b, y, sizeof y));
        return false;
    }
    n->shape = a->shape;
    n->type = (a->type == DT_I32 && b->type == DT_I32) ? DT_I32 : DT_F32;
    return true;
}

static bool infer_concat(Sema *s, IrNode *n) {
    IrNode *a = n->in[0];
    int64_t sum = 0;
    DType t = a->type;
    for (int i = 0; i < n->nin; i++) {
        IrNode *b = n->in[i];
        bool ok = b->shape.rank == a->shape.rank;
        if (ok && a->shape.rank == 3)
            ok = b->shape.d[0] == a->shape.d[0] && b->shape.d[1] == a->shape.d[1];
        if (!ok) {
            char x[128], y[128];
            sema_node_error(s, n,
                            "shape mismatch in 'concat': '%s' is %s but '%s' is %s "
                            "(all but the last dimension must agree)",
                            a->name, fmt_shape(s, a, x, sizeof x), b->name,
                            fmt_shape(s, b, y, sizeof y));
            return false;
        }
        sum += b->shape.d[b->shape.rank - 1];
        if (b->type != t)
            t = DT_F32;
    }
    n->shape = a->shape;
    n->shape.d[n->shape.rank - 1] = sum;
    n->type = t;
    return check_elems(s, n);
}

static bool infer_flatten(Sema *s, IrNode *n) {
    IrNode *x = n->in[0];
    n->shape = (Shape){1, {shape_elems(&x->shape)}};
    n->type = x->type;
    return check_elems(s, n);
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
