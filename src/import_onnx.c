/*
 * import_onnx.c: the ONNX reader of `bnnc import` (docs/import.md).
 *
 * The model is read whole (a regular file of at most 2 GiB, protobuf's own
 * limit, src_open) and unpacked by protobuf-c, with the C code generated at
 * build time from the onnx.proto of Debian's libonnx-dev, through an
 * allocator that refuses to hold more than BNNC_MAX_RUN_BYTES. The graph's
 * nodes are then mapped one by one, in their (topological) order, onto
 * .bnn layers:
 *
 *   - every value is a constant (an initializer, a Constant node, or a
 *     node computed at import time from constants only: the binarisation
 *     of weights by Sign, BipolarQuant or Quant, a Transpose, ...), or a
 *     tensor of the network in one of three layouts: the model's own
 *     shape and order ("model", rank 1 to 4: the inputs, and what the
 *     shape operations give), bnnc's [H, W, C] of a model [1, C, H, W]
 *     ("spatial", for the window operations), or bnnc's [N] of a model
 *     [1, N] ("flat"), possibly holding a flattened [C, H, W] in bnnc's
 *     (h, w, c) order (a "permuted" flat value: the rows of the dense
 *     layer that reads it are permuted to match). A value goes from one
 *     layout to another where an operation needs it, once: by a reshape
 *     where the elements keep their order (free), else a transpose and a
 *     reshape; the outputs go back to the model's shape and order;
 *   - weights whose values are all -1 or +1 make a binary layer; -c and +c
 *     per output channel a binary layer with `scaled = yes`; others a
 *     float layer; a bias is the layer's own (`bias = yes`);
 *   - a constant scale or offset per channel is a batchnorm whose fold is
 *     exactly x * a + b (variance 0.5, epsilon 0.5: it divides by 1);
 *     thresholds on an integer dot product are bnnc's `thresholds`;
 *     anything the language cannot say exactly is an error naming the
 *     node and why.
 *
 * Nothing is approximated: an attribute the mapping does not cover, a
 * padding bnnc cannot reproduce, a non-constant weight are errors that
 * name the node, its type and why.
 */
#include "bnnc.h"
#include "import.h"
#include "strmap.h"
#include "onnx.pb-c.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Elements of one constant the reader computes (folded broadcasts). */
#define MAX_CONST_ELEMS ((int64_t)1 << 28)
/* Elements of a constant computed from others (a broadcast result). */
#define MAX_FOLD_ELEMS ((int64_t)1 << 24)
/* Elements of all the constants computed, together. */
#define MAX_FOLD_TOTAL ((int64_t)1 << 26)

/* ------------------------------------------------------- allocator */

typedef struct {
    size_t held, limit;
    bool refused;
} Budget;

static void *budget_alloc(void *data, size_t size) {
    Budget *b = data;
    if (size > b->limit - b->held || size > SIZE_MAX - 16) {
        b->refused = true;
        return NULL;
    }
    size_t *p = malloc(size + 16);
    if (!p)
        return NULL;
    b->held += size;
    p[0] = size;
    return (char *)p + 16;
}

static void budget_free(void *data, void *ptr) {
    Budget *b = data;
    if (!ptr)
        return;
    size_t *p = (size_t *)((char *)ptr - 16);
    b->held -= p[0];
    free(p);
}

/* ----------------------------------------------------------- values */

typedef enum { V_CONST, V_SPATIAL, V_FLAT, V_MODEL, V_STE_DIFF } VKind;

/* A value of the model. */
typedef struct Val Val;
struct Val {
    const char *name;          /* the model's name of it */
    VKind kind;
    /* Its shape in the model (constants, and tensors: [1, C, H, W], [1, N], ...). */
    int rank;
    int64_t dims[IMP_MAX_RANK];
    /* V_CONST: its elements as doubles (floats and integers are exact);
     * is_float: a float32 tensor (computed on in float). */
    double *v;
    int64_t n;
    bool is_float;
    /* A tensor: the bnnc value (the reader's name of a layer or input),
     * its element type and layout: V_SPATIAL [H, W, C] of a model
     * [1, C, H, W]; V_FLAT [N] of a model [1, N] (or [1, N, 1, 1], ...);
     * V_MODEL the model's own shape and order (rank 1 to 4). */
    const char *ref;
    DType type;
    int64_t H, W, C;           /* V_SPATIAL */
    int64_t N;                 /* V_FLAT */
    int64_t pc, ph, pw;        /* V_FLAT from a [C, H, W] in (h, w, c) order; pc 0: none */
    float scale;               /* the value times this (BipolarQuant, Quant); 0: none */
    const char *scale_ref;     /* that product made into a layer, once needed */
    const char *ste_of;        /* V_STE_DIFF: sign(x) - x of this x */
    const char *ste_sign;      /* and the sign's value */
    int64_t pad[4];            /* a Pad (top, left, bottom, right) that the next Conv */
    bool padded;               /* takes into its own padding: of zeros, or */
    bool pad_one;              /* of +1 around a b1 value (same_one) */
    Val *as_sp, *as_fl, *as_md;    /* the value in another layout, once made */
};

typedef struct {
    Ctx *c;
    ImpGraph *g;
    Arena *a;
    const char *path;
    StrMap vals;               /* the model's name -> Val */
    PtrVec layers;             /* ImpLayer* */
    PtrVec inputs;             /* ImpInput* */
    /* the reader's layer names, to keep them unique */
    StrMap names;
    int opset;                 /* of the default domain */
    const Onnx__NodeProto *node;   /* being mapped, for errors */
    bool failed;               /* an error out_like reported */
    int64_t elems, params, macs;   /* the network's totals so far */
    int64_t folded;            /* elements of the constants computed */
    int signs;                 /* ONNX Sign nodes mapped */
    const char *first_sign;
    const char *out_label;     /* the graph output being mapped */
    const char **out_names;    /* the layer name kept for each graph output */
} Reader;

static Val *lookup(Reader *R, const char *name) {
    return strmap_get(&R->vals, name);
}

/* Binds name (a later binding of the same name replaces it). */
static Val *bind(Reader *R, const char *name) {
    Val *v = mem_alloc(R->a, sizeof *v);
    v->name = mem_strdup(R->a, name);
    strmap_put(&R->vals, v->name, v);
    return v;
}

/* A layer name not given yet, made of base. */
static const char *unique_name(Reader *R, const char *base) {
    base = mem_strdup(R->a, base); /* the model's strings are freed after reading */
    const char *s = base;
    for (int k = 2; strmap_has(&R->names, s); k++)
        s = mem_printf(R->a, "%s_%d", base, k);
    strmap_put(&R->names, s, NULL);
    return s;
}

/* ----------------------------------------------------------- errors */

static const char *node_label(const Onnx__NodeProto *n) {
    if (n->name && *n->name)
        return n->name;
    return n->n_output && n->output[0] ? n->output[0] : "?";
}

/* The node being mapped, or, past the nodes, the graph output: what a
 * layer made now is named after. */
static const char *label(const Reader *R) {
    return R->node ? node_label(R->node) : R->out_label;
}

/* "'model': ONNX node 'name' (Op): ...": an error about the node mapped. */
static bool fail(Reader *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(Reader *R, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (R->node)
        diag_plain(R->c, "'%s': node '%s' (%s): %s", R->path, node_label(R->node),
                   R->node->op_type ? R->node->op_type : "?", msg);
    else
        diag_plain(R->c, "'%s': %s", R->path, msg);
    return false;
}

/* ------------------------------------------------------- attributes */

static const Onnx__AttributeProto *attr(const Onnx__NodeProto *n, const char *name) {
    for (size_t i = 0; i < n->n_attribute; i++)
        if (n->attribute[i]->name && strcmp(n->attribute[i]->name, name) == 0)
            return n->attribute[i];
    return NULL;
}

/* Every attribute of the node is one of the NULL-terminated `known`. */
static bool known_attrs(Reader *R, const char *const *known) {
    const Onnx__NodeProto *n = R->node;
    for (size_t i = 0; i < n->n_attribute; i++) {
        const char *a = n->attribute[i]->name ? n->attribute[i]->name : "";
        bool ok = false;
        for (int k = 0; known[k] && !ok; k++)
            ok = strcmp(a, known[k]) == 0;
        if (!ok)
            return fail(R, "attribute '%s' is not one bnnc import knows for %s", a,
                        n->op_type);
        if (n->attribute[i]->ref_attr_name && *n->attribute[i]->ref_attr_name)
            return fail(R, "attribute '%s' refers to a function's attribute", a);
    }
    return true;
}

static int64_t attr_int(const Onnx__NodeProto *n, const char *name, int64_t def) {
    const Onnx__AttributeProto *a = attr(n, name);
    return a && a->has_i ? a->i : def;
}

static double attr_float(const Onnx__NodeProto *n, const char *name, double def) {
    const Onnx__AttributeProto *a = attr(n, name);
    return a && a->has_f ? a->f : def;
}

/* The string attribute, or def; arena copy. */
static const char *attr_str(Reader *R, const Onnx__NodeProto *n, const char *name,
                            const char *def) {
    const Onnx__AttributeProto *a = attr(n, name);
    if (!a || !a->has_s)
        return def;
    if (!a->s.len || !a->s.data)
        return "";
    return mem_strndup(R->a, (const char *)a->s.data, a->s.len);
}

/* An ints attribute of exactly `want` values (or absent: def for each). */
static bool attr_ints(Reader *R, const char *name, int want, int64_t def, int64_t *out) {
    const Onnx__AttributeProto *a = attr(R->node, name);
    for (int i = 0; i < want; i++)
        out[i] = def;
    if (!a)
        return true;
    if (a->n_ints != (size_t)want)
        return fail(R, "attribute '%s' has %zu values; bnnc import takes %d (a 2-D window)",
                    name, a->n_ints, want);
    for (int i = 0; i < want; i++)
        out[i] = a->ints[i];
    return true;
}

/* ------------------------------------------------------- constants */

/* The product of a's and b's (both at least 0), or BNNC_MAX_ELEMS + 1
 * once it passes BNNC_MAX_ELEMS: a shape from a damaged model can
 * multiply past int64_t, and every caller refuses more than
 * BNNC_MAX_ELEMS elements. */
static int64_t mul_cap(int64_t a, int64_t b) {
    int64_t n;
    if (__builtin_mul_overflow(a, b, &n) || n > BNNC_MAX_ELEMS)
        return BNNC_MAX_ELEMS + 1;
    return n;
}

static int64_t elems_of(int rank, const int64_t *d) {
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n = mul_cap(n, d[i]);
    return n;
}

/* A tensor's dims, checked: rank at most IMP_MAX_RANK, each from 0 to
 * BNNC_MAX_DIM, the product at most MAX_CONST_ELEMS. */
static bool check_dims(Reader *R, const char *what, size_t rank, const int64_t *d) {
    if (rank > IMP_MAX_RANK)
        return fail(R, "%s has %zu dimensions; bnnc import takes at most %d", what, rank,
                    IMP_MAX_RANK);
    int64_t n = 1;
    for (size_t i = 0; i < rank; i++) {
        if (d[i] < 0 || d[i] > BNNC_MAX_DIM)
            return fail(R, "%s has a dimension of %lld", what, (long long)d[i]);
        n *= d[i];
        if (n > MAX_CONST_ELEMS)
            return fail(R, "%s has more than %lld elements", what, (long long)MAX_CONST_ELEMS);
    }
    return true;
}

static double rd_le(const uint8_t *p, int32_t type) {
    uint64_t u = 0;
    int sz = type == 11 || type == 7 || type == 13 ? 8 : type == 1 || type == 6 || type == 12 ? 4
             : type == 2 || type == 3 || type == 9 ? 1 : 0;
    for (int k = 0; k < sz; k++)
        u |= (uint64_t)p[k] << (8 * k);
    switch (type) {
    case 1: { uint32_t w = (uint32_t)u; float f; memcpy(&f, &w, 4); return f; }
    case 11: { double d; memcpy(&d, &u, 8); return d; }
    case 2: case 9: return (double)(uint8_t)u;
    case 3: return (double)(int8_t)(uint8_t)u;
    case 6: return (double)(int32_t)(uint32_t)u;
    case 12: return (double)(uint32_t)u;
    case 7: return (double)(int64_t)u;
    default: return (double)u;
    }
}

static const char *type_name(int32_t t) {
    static const char *const names[] = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16",
                                        "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE",
                                        "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
    return t >= 0 && t < 17 ? names[t] : "an unknown type";
}

/* A TensorProto as a constant value named `name`. */
static bool tensor_const(Reader *R, const Onnx__TensorProto *t, const char *name, Val *v) {
    char what[300];
    snprintf(what, sizeof what, "tensor '%.200s'", name);
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return fail(R, "%s keeps its data in an external file; bnnc import reads models "
                       "whose tensors are in the .onnx file", what);
    if (t->segment)
        return fail(R, "%s is stored in segments", what);
    if (!check_dims(R, what, t->n_dims, t->dims))
        return false;
    int32_t ty = t->data_type;
    static const int ok_types[] = {1, 2, 3, 6, 7, 9, 11, 12, 13};
    bool ok = false;
    for (size_t i = 0; i < sizeof ok_types / sizeof ok_types[0]; i++)
        ok |= ty == ok_types[i];
    if (!ok)
        return fail(R, "%s is of type %s; bnnc import reads FLOAT, DOUBLE and integer tensors",
                    what, type_name(ty));
    v->kind = V_CONST;
    v->rank = (int)t->n_dims;
    for (size_t i = 0; i < t->n_dims; i++)
        v->dims[i] = t->dims[i];
    v->n = elems_of(v->rank, v->dims);
    v->is_float = ty == 1 || ty == 11;
    int sz = ty == 11 || ty == 7 || ty == 13 ? 8 : ty == 1 || ty == 6 || ty == 12 ? 4 : 1;
    size_t have;
    if (t->has_raw_data) {
        if (t->raw_data.len != (size_t)v->n * (size_t)sz)
            return fail(R, "%s has %zu bytes of data; its shape needs %lld", what,
                        t->raw_data.len, (long long)v->n * sz);
        v->v = mem_array(R->a, (size_t)v->n + 1, sizeof(double));
        for (int64_t i = 0; i < v->n; i++)
            v->v[i] = rd_le(t->raw_data.data + i * sz, ty);
        goto check;
    }
    switch (ty) {
    case 1: have = t->n_float_data; break;
    case 11: have = t->n_double_data; break;
    case 7: have = t->n_int64_data; break;
    case 12: case 13: have = t->n_uint64_data; break;
    default: have = t->n_int32_data; break;
    }
    if (have != (size_t)v->n)
        return fail(R, "%s has %zu values; its shape needs %lld", what, have, (long long)v->n);
    v->v = mem_array(R->a, (size_t)v->n + 1, sizeof(double));
    for (int64_t i = 0; i < v->n; i++)
        switch (ty) {
        case 1: v->v[i] = t->float_data[i]; break;
        case 11: v->v[i] = t->double_data[i]; break;
        case 7: v->v[i] = (double)t->int64_data[i]; break;
        case 12: case 13: v->v[i] = (double)t->uint64_data[i]; break;
        default: v->v[i] = t->int32_data[i]; break;
        }
check:
    if (ty == 11)
        for (int64_t i = 0; i < v->n; i++)
            v->v[i] = (float)v->v[i]; /* computed on as float32 */
    v->is_float = ty == 1 || ty == 11;
    return true;
}

/* Input k of the node, or NULL when it is absent (optional, ""). */
static Val *in_val(Reader *R, size_t k) {
    const Onnx__NodeProto *n = R->node;
    if (k >= n->n_input || !n->input[k] || !*n->input[k])
        return NULL;
    return lookup(R, n->input[k]);
}

/* A constant input: NULL after reporting (absent, or not a constant). */
static Val *const_in(Reader *R, size_t k, const char *role) {
    Val *v = in_val(R, k);
    if (!v) {
        fail(R, "its %s (input %zu) is missing", role, k + 1);
        return NULL;
    }
    if (v->kind != V_CONST) {
        fail(R, "its %s (input %zu, '%s') %s computed by the network, not a constant: bnnc "
                "keeps weights and parameters in the safetensors file", role, k + 1, v->name,
             strcmp(role, "weights") && strcmp(role, "thresholds") ? "is" : "are");
        return NULL;
    }
    return v;
}

/* A constant holding one value (any shape of one element). */
static bool scalar(const Val *v, double *out) {
    if (!v || v->kind != V_CONST || v->n != 1)
        return false;
    *out = v->v[0];
    return true;
}

/* A constant's element as an integer: false when it is not a whole
 * number within +-2^62 (NaN, infinite, out of range). */
static bool whole(double v, int64_t *out) {
    if (!(v == floor(v)) || fabs(v) > 4611686018427387904.0)
        return false;
    *out = (int64_t)v;
    return true;
}

/* ----------------------------------------------------------- layers */

static ImpLayer *add_layer(Reader *R, const char *base, const char *op, const char *attrs,
                           int nin, const char *in0, const char *in1) {
    ImpLayer *l = mem_alloc(R->a, sizeof *l);
    l->name = unique_name(R, base);
    l->op = op;
    l->attrs = attrs ? attrs : "";
    l->nin = nin;
    l->inputs = mem_array(R->a, (size_t)nin + 1, sizeof(char *));
    if (nin > 0)
        l->inputs[0] = in0;
    if (nin > 1)
        l->inputs[1] = in1;
    l->src_name = mem_strdup(R->a, label(R));
    l->src_type = R->node ? mem_strdup(R->a, R->node->op_type) : "output";
    vec_push(R->a, &R->layers, l);
    return l;
}

static float *add_tensor(Reader *R, ImpLayer *l, const char *suffix, int rank,
                         const int64_t *shape) {
    ImpTensor *t = mem_array(R->a, (size_t)l->ntensors + 1, sizeof *t);
    if (l->ntensors)
        memcpy(t, l->tensors, sizeof *t * (size_t)l->ntensors);
    ImpTensor *x = &t[l->ntensors++];
    l->tensors = t;
    x->suffix = suffix;
    x->rank = rank;
    for (int i = 0; i < rank; i++)
        x->shape[i] = shape[i];
    x->data = mem_array(R->a, (size_t)elems_of(rank, shape) + 1, sizeof(float));
    return x->data;
}

/* Channels of a tensor value (the last bnnc dimension). */
static int64_t chans(const Val *v) {
    return v->kind == V_SPATIAL ? v->C : v->kind == V_FLAT ? v->N : v->dims[v->rank - 1];
}

/* The position in the model's order of the element at bnnc position j of
 * a permuted flat value (bnnc (h, w, c) of a model [C, H, W]). */
static int64_t model_index(const Val *v, int64_t j) {
    if (v->kind != V_FLAT || !v->pc)
        return j;
    int64_t c = j % v->pc, hw = j / v->pc;
    return c * v->ph * v->pw + hw;
}

/* y = x * a[c] + b[c], exactly, per channel (the last axis): a batchnorm
 * with gamma a, beta b, mean 0, variance 0.5 and epsilon 0.5. Its fold
 * (docs/semantics.md section 2) divides by sqrt(0.5 + 0.5) = 1 exactly,
 * so the scale is a and the shift b to the bit. Without a, `scale = no`
 * (gamma 1); without b, `center = no` (beta 0, a shift of +0). */
static const char *affine(Reader *R, const char *in, int64_t C, const float *a, const float *b,
                          const char *suffix) {
    const char *at = "epsilon = 0.5";
    if (!a)
        at = "epsilon = 0.5, scale = no";
    if (!b)
        at = "epsilon = 0.5, center = no";
    ImpLayer *l = add_layer(R, mem_printf(R->a, "%s%s", label(R), suffix), "batchnorm", at, 1,
                            in, NULL);
    int64_t d[1] = {C};
    float *g = a ? add_tensor(R, l, "gamma", 1, d) : NULL;
    float *be = b ? add_tensor(R, l, "beta", 1, d) : NULL;
    float *m = add_tensor(R, l, "mean", 1, d), *var = add_tensor(R, l, "variance", 1, d);
    for (int64_t i = 0; i < C; i++) {
        if (g)
            g[i] = a[i];
        if (be)
            be[i] = b[i];
        m[i] = 0.0f;
        var[i] = 0.5f;
    }
    return l->name;
}

/* The bnnc value of v, with a pending scale made a layer. */
static const char *use(Reader *R, Val *v) {
    if (v->scale == 0.0f || v->scale == 1.0f)
        return v->ref;
    if (!v->scale_ref) {
        int64_t C = chans(v);
        float *s = mem_array(R->a, (size_t)C + 1, sizeof(float));
        for (int64_t i = 0; i < C; i++)
            s[i] = v->scale;
        v->scale_ref = affine(R, v->ref, C, s, NULL, "_scale");
    }
    return v->scale_ref;
}

/* The element type of use(v). */
static DType use_type(const Val *v) {
    return v->scale != 0.0f && v->scale != 1.0f ? DT_F32 : v->type;
}

/* A tensor input (not a constant): NULL after reporting. */
static Val *tensor_in(Reader *R, size_t k) {
    Val *v = in_val(R, k);
    if (!v) {
        fail(R, "its input %zu is missing", k + 1);
        return NULL;
    }
    if (v->kind == V_STE_DIFF) {
        fail(R, "it reads '%s', the difference of a Sign and its input, other than as a "
                "straight-through estimator x + (sign(x) - x)", v->name);
        return NULL;
    }
    if (v->kind == V_CONST) {
        fail(R, "its input '%s' is a constant; bnnc import takes constants only as weights "
                "and parameters", v->name);
        return NULL;
    }
    if (v->padded && strcmp(R->node->op_type, "Conv")) {
        fail(R, "it reads '%s', a Pad of the height or width; bnnc pads within a convolution "
                "only ('same', 'same_one'), so such a Pad must feed a Conv", v->name);
        return NULL;
    }
    return v;
}

/* A copy of v as a new value of another layout (no cached conversions). */
static Val *derive(Reader *R, const Val *v, VKind kind, const char *ref) {
    Val *o = mem_alloc(R->a, sizeof *o);
    *o = *v;
    o->kind = kind;
    o->ref = ref;
    o->scale_ref = NULL;
    o->as_sp = o->as_fl = o->as_md = NULL;
    o->padded = o->pad_one = false;
    if (kind != V_FLAT)
        o->pc = o->ph = o->pw = 0;
    return o;
}

static const char *dims_text(Reader *R, int r, const int64_t *d) {
    const char *s = "";
    for (int i = 0; i < r; i++)
        s = mem_printf(R->a, "%s%s%lld", s, i ? ", " : "", (long long)d[i]);
    return s;
}

static const char *reshape_layer(Reader *R, const char *base, const char *in, int r,
                                 const int64_t *d) {
    ImpLayer *l = add_layer(R, base, "reshape",
                            mem_printf(R->a, "shape = (%s)", dims_text(R, r, d)), 1, in, NULL);
    return l->name;
}

static const char *transpose_layer(Reader *R, const char *base, const char *in, int r,
                                   const int *perm) {
    int64_t p[IMP_MAX_RANK];
    for (int i = 0; i < r; i++)
        p[i] = perm[i];
    ImpLayer *l = add_layer(R, base, "transpose",
                            mem_printf(R->a, "perm = (%s)", dims_text(R, r, p)), 1, in, NULL);
    return l->name;
}

static bool same_dims(int ra, const int64_t *a, int rb, const int64_t *b) {
    if (ra != rb)
        return false;
    for (int i = 0; i < ra; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Whether perm (of the axes of extents d) moves only axes of extent 1,
 * so the elements keep their order. */
static bool keeps_order(int r, const int64_t *d, const int *perm) {
    int prev = -1;
    for (int i = 0; i < r; i++) {
        if (d[perm[i]] == 1)
            continue;
        if (perm[i] < prev)
            return false;
        prev = perm[i];
    }
    return true;
}

/* v in the model's own shape and order (V_MODEL): a free reshape, or a
 * transpose where bnnc's layout orders the elements otherwise. NULL
 * after reporting (more than 4 dimensions). */
static Val *as_model(Reader *R, Val *v) {
    if (v->kind == V_MODEL)
        return v;
    if (v->as_md)
        return v->as_md;
    if (v->rank < 1 || v->rank > 4) {
        fail(R, "'%s' has %d dimensions in the model; bnnc's tensors have 1 to 4", v->name,
             v->rank);
        return NULL;
    }
    static const int to_nchw[4] = {0, 3, 1, 2};
    const char *ref = v->ref;
    const char *base = mem_printf(R->a, "%s_nchw", v->name);
    if (v->kind == V_SPATIAL && v->C > 1 && v->H * v->W > 1) {
        int64_t nhwc[4] = {1, v->H, v->W, v->C};
        ref = reshape_layer(R, mem_printf(R->a, "%s_nhwc", v->name), ref, 4, nhwc);
        ref = transpose_layer(R, base, ref, 4, to_nchw);
    } else if (v->kind == V_FLAT && v->pc) {
        int64_t nhwc[4] = {1, v->ph, v->pw, v->pc}, nchw[4] = {1, v->pc, v->ph, v->pw};
        ref = reshape_layer(R, mem_printf(R->a, "%s_nhwc", v->name), ref, 4, nhwc);
        ref = transpose_layer(R, base, ref, 4, to_nchw);
        if (!same_dims(4, nchw, v->rank, v->dims))
            ref = reshape_layer(R, mem_printf(R->a, "%s_model", v->name), ref, v->rank, v->dims);
    } else {
        int64_t n = v->kind == V_FLAT ? v->N : v->H * v->W * v->C;
        if (!(v->rank == 1 && v->dims[0] == n && v->kind == V_FLAT))
            ref = reshape_layer(R, base, ref, v->rank, v->dims);
    }
    return v->as_md = derive(R, v, V_MODEL, ref);
}

/* v as bnnc's [H, W, C] of a model [1, C, H, W] (V_SPATIAL), for the
 * window operations: a free reshape where the elements are in that order
 * (C or H * W is 1, or a flattened [C, H, W] read back), else the
 * model's order transposed. NULL after reporting. */
static Val *as_spatial(Reader *R, Val *v) {
    if (v->kind == V_SPATIAL)
        return v;
    if (v->as_sp)
        return v->as_sp;
    if (v->rank != 4 || v->dims[0] != 1) {
        fail(R, "its input '%s' is not a [1, C, H, W] tensor", v->name);
        return NULL;
    }
    int64_t C = v->dims[1], H = v->dims[2], W = v->dims[3], hwc[3] = {H, W, C};
    const char *ref;
    const char *base = mem_printf(R->a, "%s_hwc", v->name);
    if (v->kind == V_FLAT && v->pc == C && v->ph == H && v->pw == W && C > 0) {
        ref = reshape_layer(R, base, v->ref, 3, hwc);
    } else if (C == 1 || H * W == 1) {
        Val *m = v->kind == V_FLAT && v->pc ? as_model(R, v) : v;
        if (!m)
            return NULL;
        ref = reshape_layer(R, base, m->ref, 3, hwc);
    } else {
        Val *m = as_model(R, v);
        if (!m)
            return NULL;
        static const int to_nhwc[4] = {0, 2, 3, 1};
        ref = transpose_layer(R, mem_printf(R->a, "%s_nhwc", v->name), m->ref, 4, to_nhwc);
        ref = reshape_layer(R, base, ref, 3, hwc);
    }
    Val *o = derive(R, v, V_SPATIAL, ref);
    o->C = C, o->H = H, o->W = W;
    return v->as_sp = o;
}

/* Whether the model shape is flat-like: a batch of one and at most one
 * other dimension above 1 ([1, N], [1, N, 1, 1]). */
static bool flat_like(int r, const int64_t *d) {
    int nbig = 0;
    for (int i = 1; i < r; i++)
        nbig += d[i] != 1;
    return r >= 2 && d[0] == 1 && nbig <= 1;
}

/* v in bnnc's layout for the per-channel operations: a flat-like value
 * V_FLAT, a [1, C, H, W] V_SPATIAL, others as they are (their channel is
 * the last axis). NULL after reporting. */
static Val *canon(Reader *R, Val *v) {
    if (v->kind != V_MODEL)
        return v;
    if (flat_like(v->rank, v->dims)) {
        if (v->as_fl)
            return v->as_fl;
        int64_t n = elems_of(v->rank, v->dims);
        Val *o = derive(R, v, V_FLAT,
                        reshape_layer(R, mem_printf(R->a, "%s_flat", v->name), v->ref, 1, &n));
        o->N = n;
        return v->as_fl = o;
    }
    if (v->rank == 4 && v->dims[0] == 1)
        return as_spatial(R, v);
    return v;
}

/* The layout canon(v) gives, without making it. */
static VKind canon_kind(const Val *v) {
    if (v->kind != V_MODEL)
        return v->kind;
    if (flat_like(v->rank, v->dims))
        return V_FLAT;
    return v->rank == 4 && v->dims[0] == 1 ? V_SPATIAL : V_MODEL;
}

/* Binds output k of the node to a tensor like `like` with bnnc value ref. */
static Val *out_like(Reader *R, size_t k, const Val *like, const char *ref, DType type) {
    int64_t e = 1;
    for (int i = 0; i < like->rank; i++) {
        if (like->dims[i] < 0 || like->dims[i] > BNNC_MAX_DIM ||
            (like->dims[i] && e > BNNC_MAX_ELEMS / like->dims[i])) {
            if (!R->failed)
                fail(R, "its output would have more than 2^40 elements");
            R->failed = true;
            break;
        }
        e *= like->dims[i];
    }
    Val *o = bind(R, R->node->output[k]);
    const char *name = o->name;
    *o = *like;
    o->name = name;
    o->ref = ref;
    o->type = type;
    o->scale = 0;
    o->scale_ref = NULL;
    o->ste_of = o->ste_sign = NULL;
    o->as_sp = o->as_fl = o->as_md = NULL;
    o->padded = o->pad_one = false;
    return o;
}

/* The node's outputs past the first are not used by any later node or the
 * graph: checked when they are looked up (they are never bound). */

/* ---------------------------------------------------- broadcasting */

/* The constant k broadcast to the model shape of tensor x, as one float
 * per bnnc channel of x; NULL after reporting when it is not one value
 * per channel (or does not broadcast to x's shape). */
static float *per_channel(Reader *R, const Val *x, const Val *k, const char *what) {
    int r = x->rank;
    if (k->rank > r)
        goto bad;
    int64_t kd[IMP_MAX_RANK];
    for (int i = 0; i < r; i++) {
        int j = i - (r - k->rank);
        kd[i] = j >= 0 ? k->dims[j] : 1;
        if (kd[i] != 1 && kd[i] != x->dims[i])
            goto bad;
    }
    int64_t C = chans(x);
    float *out = mem_array(R->a, (size_t)C + 1, sizeof(float));
    if (k->n == 1) {
        for (int64_t j = 0; j < C; j++)
            out[j] = (float)k->v[0];
        return out;
    }
    bool *set = mem_array(R->a, (size_t)C + 1, sizeof(bool));
    int64_t total = elems_of(r, x->dims), idx[IMP_MAX_RANK] = {0};
    if (x->kind != V_MODEL && total != (x->kind == V_SPATIAL ? x->H * x->W * x->C : x->N))
        goto bad;
    for (int64_t e = 0; e < total; e++) {
        /* e in the model's order: its bnnc channel, and k's element */
        int64_t ko = 0, ch;
        for (int i = 0; i < r; i++)
            ko = ko * kd[i] + (kd[i] == 1 ? 0 : idx[i]);
        if (x->kind == V_SPATIAL) {
            ch = idx[1];
        } else if (x->kind == V_MODEL) {
            ch = idx[r - 1];
        } else {
            /* bnnc position of model element e: invert model_index */
            if (x->pc) {
                int64_t c = e / (x->ph * x->pw), hw = e % (x->ph * x->pw);
                ch = hw * x->pc + c;
            } else {
                ch = e;
            }
        }
        float val = (float)k->v[ko];
        if (set[ch] && memcmp(&out[ch], &val, sizeof val) != 0)
            return fail(R, "its %s varies within a channel; bnnc takes a constant as the "
                           "per-channel parameters of a layer (batchnorm, prelu), and a .bnn "
                           "network has no constant tensors (docs/import.md)",
                        what),
                   NULL;
        out[ch] = val;
        set[ch] = true;
        for (int i = r - 1; i >= 0; i--) {
            if (++idx[i] < x->dims[i])
                break;
            idx[i] = 0;
        }
    }
    return out;
bad:
    fail(R, "its %s '%s' does not broadcast to the shape of '%s'", what, k->name, x->name);
    return NULL;
}

/* ------------------------------------------------ constant folding */

static double fold1(const char *op, double a, double b, bool fl) {
    if (fl) {
        float x = (float)a, y = (float)b;
        if (!strcmp(op, "Add")) return x + y;
        if (!strcmp(op, "Sub")) return x - y;
        if (!strcmp(op, "Mul")) return x * y;
        return x / y;
    }
    if (!strcmp(op, "Add")) return a + b;
    if (!strcmp(op, "Sub")) return a - b;
    if (!strcmp(op, "Mul")) return a * b;
    if (b == 0)
        return NAN;
    return trunc(a / b);
}

/* out = a OP b with numpy's broadcasting. */
static bool fold_binary(Reader *R, const char *op, const Val *a, const Val *b, Val *o) {
    int r = a->rank > b->rank ? a->rank : b->rank;
    int64_t ad[IMP_MAX_RANK], bd[IMP_MAX_RANK];
    o->rank = r;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        ad[i] = ia >= 0 ? a->dims[ia] : 1;
        bd[i] = ib >= 0 ? b->dims[ib] : 1;
        if (ad[i] != bd[i] && ad[i] != 1 && bd[i] != 1)
            return fail(R, "its inputs '%s' and '%s' do not broadcast together", a->name,
                        b->name);
        o->dims[i] = ad[i] == 1 ? bd[i] : ad[i];
    }
    if (!check_dims(R, "its result", (size_t)r, o->dims))
        return false;
    o->n = elems_of(r, o->dims);
    if (o->n > MAX_FOLD_ELEMS && o->n > a->n && o->n > b->n)
        return fail(R, "its result would have %lld elements, more than its inputs and than "
                       "the %lld bnnc import computes", (long long)o->n,
                    (long long)MAX_FOLD_ELEMS);
    o->kind = V_CONST;
    o->is_float = a->is_float || b->is_float;
    o->v = mem_array(R->a, (size_t)o->n + 1, sizeof(double));
    int64_t idx[IMP_MAX_RANK] = {0};
    for (int64_t e = 0; e < o->n; e++) {
        int64_t ia = 0, ib = 0;
        for (int i = 0; i < r; i++) {
            ia = ia * ad[i] + (ad[i] == 1 ? 0 : idx[i]);
            ib = ib * bd[i] + (bd[i] == 1 ? 0 : idx[i]);
        }
        o->v[e] = fold1(op, a->v[ia], b->v[ib], o->is_float);
        for (int i = r - 1; i >= 0; i--) {
            if (++idx[i] < o->dims[i])
                break;
            idx[i] = 0;
        }
    }
    return true;
}

/* Half to even, as numpy's round. */
static double round_even(double x) {
    double r = nearbyint(x);
    return r;
}

/* QONNX Quant's integer q for input x (float32 arithmetic). */
static double quant_q(float x, float s, float z, double lo, double hi, const char *mode) {
    float t = x / s + z;
    double q;
    if (!strcmp(mode, "ROUND"))
        q = round_even(t);
    else if (!strcmp(mode, "CEIL"))
        q = ceil(t);
    else if (!strcmp(mode, "FLOOR"))
        q = floor(t);
    else /* ROUND_TO_ZERO */
        q = trunc(t);
    return q < lo ? lo : q > hi ? hi : q;
}

typedef struct {
    float s, z;                /* scale, zero point (per channel: the caller's) */
    double lo, hi;             /* integer range */
    const char *mode;
} QuantSpec;

/* Reads Quant's attributes and constant scale, zero point, bit width. */
static bool quant_spec(Reader *R, QuantSpec *q, double *bits, Val **scale, Val **zero) {
    static const char *const known[] = {"signed", "narrow", "rounding_mode", NULL};
    if (!known_attrs(R, known))
        return false;
    Val *bw = const_in(R, 3, "bit width");
    if (!bw || !(*scale = const_in(R, 1, "scale")) || !(*zero = const_in(R, 2, "zero point")))
        return false;
    if (!scalar(bw, bits) || *bits != floor(*bits) || *bits < 1 || *bits > 32)
        return fail(R, "its bit width must be one whole number from 1 to 32");
    int64_t sgn = attr_int(R->node, "signed", 1), nar = attr_int(R->node, "narrow", 0);
    q->mode = attr_str(R, R->node, "rounding_mode", "ROUND");
    if (strcmp(q->mode, "ROUND") && strcmp(q->mode, "CEIL") && strcmp(q->mode, "FLOOR") &&
        strcmp(q->mode, "ROUND_TO_ZERO"))
        return fail(R, "rounding_mode '%s' is not ROUND, CEIL, FLOOR or ROUND_TO_ZERO", q->mode);
    double p = ldexp(1.0, (int)*bits - 1);
    q->lo = sgn ? -p + (nar ? 1 : 0) : 0;
    q->hi = sgn ? p - 1 : 2 * p - 1 - (nar ? 1 : 0);
    return true;
}

/* Folds a node whose inputs are all constants, when it is one bnnc import
 * computes; *done false when it is not (then it is mapped as a layer). */
static bool fold(Reader *R, bool *done) {
    const Onnx__NodeProto *n = R->node;
    const char *op = n->op_type;
    *done = false;
    for (size_t k = 0; k < n->n_input; k++) {
        Val *v = in_val(R, k);
        if (n->input[k] && *n->input[k] && (!v || v->kind != V_CONST))
            return true;
    }
    if (!n->n_output || !n->output[0] || !*n->output[0])
        return true;
    Val *a = in_val(R, 0), *b = in_val(R, 1);
    Val o = {0};
    if (!a)
        return true;
    if (!strcmp(op, "Identity") || !strcmp(op, "Dropout")) {
        o = *a;
    } else if (!strcmp(op, "Sign") || !strcmp(op, "Neg")) {
        o = *a;
        o.v = mem_array(R->a, (size_t)a->n + 1, sizeof(double));
        for (int64_t i = 0; i < a->n; i++)
            o.v[i] = op[0] == 'N' ? -a->v[i] : (a->v[i] > 0) - (a->v[i] < 0);
    } else if ((!strcmp(op, "Add") || !strcmp(op, "Sub") || !strcmp(op, "Mul") ||
                !strcmp(op, "Div")) && b) {
        if (!fold_binary(R, op, a, b, &o))
            return false;
    } else if (!strcmp(op, "BipolarQuant") && b) {
        /* where(x >= 0, 1, -1) * scale, broadcast */
        Val sg = *a;
        sg.v = mem_array(R->a, (size_t)a->n + 1, sizeof(double));
        for (int64_t i = 0; i < a->n; i++)
            sg.v[i] = a->v[i] >= 0 ? 1 : -1;
        sg.is_float = true;
        if (!fold_binary(R, "Mul", &sg, b, &o))
            return false;
    } else if (!strcmp(op, "Quant")) {
        QuantSpec q;
        double bits;
        Val *s, *z;
        if (!quant_spec(R, &q, &bits, &s, &z))
            return false;
        /* per element: broadcast scale and zero point to a's shape */
        Val sb, zb;
        Val one = {.kind = V_CONST, .rank = a->rank, .n = a->n, .is_float = true};
        memcpy(one.dims, a->dims, sizeof one.dims);
        one.v = mem_array(R->a, (size_t)a->n + 1, sizeof(double));
        for (int64_t i = 0; i < a->n; i++)
            one.v[i] = 1;
        if (!fold_binary(R, "Mul", &one, s, &sb) || !fold_binary(R, "Mul", &one, z, &zb))
            return false;
        if (sb.n != a->n || zb.n != a->n)
            return fail(R, "its scale or zero point does not broadcast to its input's shape");
        o = *a;
        o.is_float = true;
        o.v = mem_array(R->a, (size_t)a->n + 1, sizeof(double));
        for (int64_t i = 0; i < a->n; i++) {
            float sf = (float)sb.v[i], zf = (float)zb.v[i];
            double qi = quant_q((float)a->v[i], sf, zf, q.lo, q.hi, q.mode);
            o.v[i] = (float)(((float)qi - zf) * sf);
        }
    } else if (!strcmp(op, "Transpose")) {
        const Onnx__AttributeProto *p = attr(n, "perm");
        int r = a->rank;
        int perm[IMP_MAX_RANK];
        for (int i = 0; i < r; i++)
            perm[i] = r - 1 - i;
        if (p) {
            if (p->n_ints != (size_t)r)
                return fail(R, "its perm has %zu values for a tensor of rank %d", p->n_ints, r);
            bool seen[IMP_MAX_RANK] = {0};
            for (int i = 0; i < r; i++) {
                if (p->ints[i] < 0 || p->ints[i] >= r || seen[p->ints[i]])
                    return fail(R, "its perm is not a permutation of 0..%d", r - 1);
                seen[p->ints[i]] = true;
                perm[i] = (int)p->ints[i];
            }
        }
        o = *a;
        for (int i = 0; i < r; i++)
            o.dims[i] = a->dims[perm[i]];
        o.v = mem_array(R->a, (size_t)a->n + 1, sizeof(double));
        int64_t idx[IMP_MAX_RANK] = {0}, stride[IMP_MAX_RANK];
        for (int i = r - 1, s = 1; i >= 0; i--) {
            stride[i] = s;
            s *= (int)a->dims[i];
        }
        for (int64_t e = 0; e < o.n; e++) {
            int64_t src = 0;
            for (int i = 0; i < r; i++)
                src += idx[i] * stride[perm[i]];
            o.v[e] = a->v[src];
            for (int i = r - 1; i >= 0; i--) {
                if (++idx[i] < o.dims[i])
                    break;
                idx[i] = 0;
            }
        }
    } else {
        return true;
    }
    if (o.v != a->v && (R->folded += o.n) > MAX_FOLD_TOTAL)
        return fail(R, "the constants bnnc import computes would have more than %lld "
                       "elements in all", (long long)MAX_FOLD_TOTAL);
    Val *out = bind(R, n->output[0]);
    const char *name = out->name;
    *out = o;
    out->name = name;
    *done = true;
    return true;
}

/* ------------------------------------------------------- windows */

/* bnnc's padding for a window of the model: 0 valid, 1 same; -1 after
 * reporting. in, k, s, d: input, kernel, stride, dilation; pb, pe: the
 * model's padding at the beginning and the end; ceil_mode. */
static int window_pad(Reader *R, const char *axis, int64_t in, int64_t k, int64_t s, int64_t d,
                      int64_t pb, int64_t pe, bool ceil_mode, int64_t *out) {
    const int64_t big = (int64_t)1 << 24;
    if (k < 1 || s < 1 || d < 1 || pb < 0 || pe < 0 || k > big || s > big || d > big ||
        pb > big || pe > big) {
        fail(R, "its %s kernel, stride, dilation or padding is out of range", axis);
        return -1;
    }
    int64_t span = in + pb + pe - d * (k - 1) - 1;
    if (span < 0) {
        fail(R, "its window is larger than its padded input along %s", axis);
        return -1;
    }
    int64_t o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    int64_t valid = in - d * (k - 1) - 1 >= 0 ? (in - d * (k - 1) - 1) / s + 1 : -1;
    int64_t same = (in + s - 1) / s;
    int64_t total = (same - 1) * s + (k - 1) * d + 1 - in;
    if (total < 0)
        total = 0;
    *out = o;
    if (pb == 0 && o == valid)
        return 0;
    if (o == same && pb == total / 2)
        return 1;
    fail(R, "its padding along %s (%lld at the start, %lld at the end%s) gives %lld outputs "
            "from %lld; bnnc pads 'valid' (none: %lld outputs) or 'same' (%lld outputs, "
            "%lld at the start, the rest at the end, as TensorFlow does), and neither is this",
         axis, (long long)pb, (long long)pe, ceil_mode ? ", ceil_mode" : "", (long long)o,
         (long long)in, (long long)(valid < 0 ? 0 : valid), (long long)same,
         (long long)(total / 2));
    return -1;
}

typedef struct {
    int64_t k[2], s[2], d[2];
    int pad;                   /* 0 valid, 1 same, 2 same_one */
    int64_t oh, ow;
} Window;

/* The window attributes of Conv, MaxPool, AveragePool on x. */
static bool window(Reader *R, const Val *x, const int64_t *kernel, bool ceil_ok, Window *w) {
    int64_t pads[4];
    if (!attr_ints(R, "strides", 2, 1, w->s) || !attr_ints(R, "dilations", 2, 1, w->d) ||
        !attr_ints(R, "pads", 4, 0, pads))
        return false;
    w->k[0] = kernel[0];
    w->k[1] = kernel[1];
    const int64_t big = (int64_t)1 << 24;
    for (int i = 0; i < 2; i++)
        if (w->k[i] < 1 || w->s[i] < 1 || w->d[i] < 1 || w->k[i] > big || w->s[i] > big ||
            w->d[i] > big)
            return fail(R, "its kernel, strides or dilations are out of range (1 to 2^24)");
    const char *ap = attr_str(R, R->node, "auto_pad", "NOTSET");
    int64_t ceil_mode = attr_int(R->node, "ceil_mode", 0);
    if (ceil_mode && !ceil_ok)
        return fail(R, "ceil_mode is set");
    int64_t in[2] = {x->H, x->W};
    if (!strcmp(ap, "VALID")) {
        pads[0] = pads[1] = pads[2] = pads[3] = 0;
    } else if (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
        for (int i = 0; i < 2; i++) {
            int64_t o = (in[i] + w->s[i] - 1) / w->s[i];
            int64_t t = (o - 1) * w->s[i] + (w->k[i] - 1) * w->d[i] + 1 - in[i];
            if (t < 0)
                t = 0;
            bool upper = ap[5] == 'U';
            pads[i] = upper ? t / 2 : t - t / 2;
            pads[i + 2] = t - pads[i];
        }
    } else if (strcmp(ap, "NOTSET")) {
        return fail(R, "auto_pad '%s' is not NOTSET, VALID, SAME_UPPER or SAME_LOWER", ap);
    }
    if (x->padded) {
        /* the zeros of a Pad before it: more padding of its own */
        if (strcmp(ap, "NOTSET") && strcmp(ap, "VALID"))
            return fail(R, "its input '%s' is a Pad and its auto_pad is '%s'", x->name, ap);
        for (int i = 0; i < 4; i++) {
            if (x->pad_one && pads[i])
                return fail(R, "its input '%s' is a Pad of ones, and it pads with zeros too; "
                               "bnnc pads with one or the other", x->name);
            pads[i] += x->pad[i];
        }
    }
    int64_t o[2];
    int p[2];
    for (int i = 0; i < 2; i++) {
        p[i] = window_pad(R, i ? "the width" : "the height", in[i], w->k[i], w->s[i], w->d[i],
                          pads[i], pads[i + 2], ceil_mode != 0, &o[i]);
        if (p[i] < 0)
            return false;
    }
    if (p[0] != p[1]) {
        /* one axis valid, the other same: the same geometry when the valid
         * axis needs no padding as same */
        for (int i = 0; i < 2; i++)
            if (p[i] == 0) {
                int64_t same = (in[i] + w->s[i] - 1) / w->s[i];
                int64_t t = (same - 1) * w->s[i] + (w->k[i] - 1) * w->d[i] + 1 - in[i];
                if (same == o[i] && t <= 0)
                    p[i] = 1;
            }
        if (p[0] != p[1])
            return fail(R, "it pads one axis and not the other; bnnc's padding is one for both");
    }
    w->pad = p[0];
    w->oh = o[0];
    w->ow = o[1];
    return true;
}

static const char *pair(Reader *R, const int64_t *v) {
    if (v[0] == v[1])
        return mem_printf(R->a, "%lld", (long long)v[0]);
    return mem_printf(R->a, "(%lld, %lld)", (long long)v[0], (long long)v[1]);
}

static const char *window_attrs(Reader *R, const Window *w, const char *first) {
    char *s = mem_printf(R->a, "%s", first);
    if (w->s[0] != 1 || w->s[1] != 1)
        s = mem_printf(R->a, "%s, stride = %s", s, pair(R, w->s));
    if (w->pad)
        s = mem_printf(R->a, "%s, padding = %s", s, w->pad == 2 ? "same_one" : "same");
    if (w->d[0] != 1 || w->d[1] != 1)
        s = mem_printf(R->a, "%s, dilation = %s", s, pair(R, w->d));
    return s;
}

/* -------------------------------------------------- weighted layers */

/* Whether every element of w[o*stride_o + i*stride_i] for i < n is -c or
 * +c for one c > 0 per output o; fills c[o]. */
static bool binary_per_output(const float *w, int64_t nout, int64_t nin, float *c) {
    for (int64_t o = 0; o < nout; o++) {
        float m = fabsf(w[o]);
        if (!(m > 0) || !isfinite(m))
            return false;
        for (int64_t i = 0; i < nin; i++) {
            float v = w[i * nout + o];
            if (v != m && v != -m)
                return false;
        }
        c[o] = m;
    }
    return true;
}

/* Makes the layer for weights w ([..., Co] in bnnc's layout, nin rows per
 * output), a bias (or NULL), on input x; binds output 0. op_float /
 * op_binary: the float and the binary operation. */
static bool weighted(Reader *R, Val *x, float *w, int64_t nin, int64_t nout, int wrank,
                     const int64_t *wshape, const float *bias, const char *op_float,
                     const char *op_binary, const char *attrs, Val *like) {
    float *c = mem_array(R->a, (size_t)nout + 1, sizeof(float));
    bool bin = binary_per_output(w, nout, nin, c);
    bool all_one = bin;
    for (int64_t o = 0; bin && o < nout; o++)
        all_one &= c[o] == 1.0f;
    /* one weight per output is -c or +c whatever it is: binary only as +-1 */
    if (nin < 2 && !all_one)
        bin = false;
    /* a scale of the input (BipolarQuant, Quant): the products are scaled after */
    float in_scale = x->scale != 0.0f && x->scale != 1.0f && bin ? x->scale : 1.0f;
    const char *in = in_scale != 1.0f ? x->ref : use(R, x);
    int64_t out = elems_of(like->rank, like->dims);
    if (nin > 0 && out > (BNNC_MAX_MACS - R->macs) / nin)
        return fail(R, "the network would need more than 2^60 multiply-accumulates");
    R->macs += out * nin;
    bool need_scale = bin && (!all_one || in_scale != 1.0f);
    if (need_scale)
        attrs = mem_printf(R->a, "%s, scaled = yes", attrs);
    if (bias)
        attrs = mem_printf(R->a, "%s, bias = yes", attrs);
    ImpLayer *l = add_layer(R, node_label(R->node), bin ? op_binary : op_float, attrs, 1, in,
                            NULL);
    float *t = add_tensor(R, l, "weight", wrank, wshape);
    for (int64_t i = 0; i < nin * nout; i++)
        t[i] = bin ? (w[i] > 0 ? 1.0f : -1.0f) : w[i];
    int64_t d[1] = {nout};
    if (need_scale) {
        float *sc = add_tensor(R, l, "scale", 1, d);
        for (int64_t o = 0; o < nout; o++) {
            sc[o] = c[o] * in_scale;
            if (!isfinite(sc[o]))
                return fail(R, "its weights times its input's scale overflow a float");
        }
    }
    if (bias)
        memcpy(add_tensor(R, l, "bias", 1, d), bias, sizeof(float) * (size_t)nout);
    DType type = bin && !need_scale && !bias && (x->type == DT_B1 || x->type == DT_U8)
                     ? DT_I32
                     : DT_F32;
    out_like(R, 0, like, l->name, type);
    return true;
}

static bool map_conv(Reader *R) {
    static const char *const known[] = {"kernel_shape", "strides", "pads", "dilations", "group",
                                        "auto_pad", NULL};
    if (!known_attrs(R, known))
        return false;
    Val *x = tensor_in(R, 0), *wv;
    if (!x || !(wv = const_in(R, 1, "weights")))
        return false;
    if (!(x = as_spatial(R, x)))
        return false;
    if (wv->rank != 4)
        return fail(R, "its weights have %d dimensions; bnnc import maps 2-D convolutions "
                       "([Co, Ci/group, Kh, Kw])", wv->rank);
    int64_t g = attr_int(R->node, "group", 1);
    int64_t Co = wv->dims[0], Cg = wv->dims[1], Kh = wv->dims[2], Kw = wv->dims[3];
    if (g < 1 || x->C % g || Cg * g != x->C || Co % g || Co < 1)
        return fail(R, "its weights [%lld, %lld, %lld, %lld] and group %lld do not fit its "
                       "input's %lld channels",
                    (long long)Co, (long long)Cg, (long long)Kh, (long long)Kw, (long long)g,
                    (long long)x->C);
    int64_t ks[2];
    if (!attr_ints(R, "kernel_shape", 2, 0, ks))
        return false;
    if ((ks[0] && ks[0] != Kh) || (ks[1] && ks[1] != Kw))
        return fail(R, "its kernel_shape differs from its weights' shape");
    int64_t kernel[2] = {Kh, Kw};
    Window w;
    if (!window(R, x, kernel, false, &w))
        return false;
    if (x->pad_one && w.pad)
        w.pad = 2; /* the +1 around a b1 input */
    float *bias = NULL;
    Val *bv = in_val(R, 2);
    if (bv) {
        if (bv->kind != V_CONST)
            return fail(R, "its bias '%s' is computed by the network, not a constant", bv->name);
        if (bv->n != Co || bv->rank != 1)
            return fail(R, "its bias has %lld values for %lld filters", (long long)bv->n,
                        (long long)Co);
        bias = mem_array(R->a, (size_t)Co + 1, sizeof(float));
        for (int64_t i = 0; i < Co; i++)
            bias[i] = (float)bv->v[i];
    }
    /* [Co, Cg, Kh, Kw] -> [Kh, Kw, Cg, Co] */
    float *wt = mem_array(R->a, (size_t)(Co * Cg * Kh * Kw) + 1, sizeof(float));
    for (int64_t o = 0; o < Co; o++)
        for (int64_t ci = 0; ci < Cg; ci++)
            for (int64_t kh = 0; kh < Kh; kh++)
                for (int64_t kw = 0; kw < Kw; kw++)
                    wt[((kh * Kw + kw) * Cg + ci) * Co + o] =
                        (float)wv->v[((o * Cg + ci) * Kh + kh) * Kw + kw];
    const char *attrs =
        window_attrs(R, &w, mem_printf(R->a, "filters = %lld, kernel = %s", (long long)Co,
                                       pair(R, kernel)));
    if (g != 1)
        attrs = mem_printf(R->a, "%s, groups = %lld", attrs, (long long)g);
    int64_t shape[4] = {Kh, Kw, Cg, Co};
    Val like = *x;
    like.H = w.oh;
    like.W = w.ow;
    like.C = Co;
    like.dims[1] = Co;
    like.dims[2] = w.oh;
    like.dims[3] = w.ow;
    return weighted(R, x, wt, Kh * Kw * Cg, Co, 4, shape, bias, "conv2d", "bconv2d", attrs,
                    &like);
}

/* Gemm and MatMul: a dense layer. */
static bool map_dense(Reader *R, bool gemm) {
    static const char *const kg[] = {"alpha", "beta", "transA", "transB", NULL};
    static const char *const km[] = {NULL};
    if (!known_attrs(R, gemm ? kg : km))
        return false;
    Val *x = tensor_in(R, 0), *wv;
    if (!x || !(wv = const_in(R, 1, "weights")))
        return false;
    if (x->rank != 2 || x->dims[0] != 1)
        return fail(R, "its input '%s' is not a [1, N] tensor", x->name);
    if (!(x = canon(R, x)))
        return false;
    if (gemm && (attr_float(R->node, "alpha", 1.0) != 1.0 || attr_int(R->node, "transA", 0)))
        return fail(R, "alpha is not 1 or transA is set");
    bool tb = gemm && attr_int(R->node, "transB", 0);
    if (wv->rank != 2)
        return fail(R, "its weights have %d dimensions, not 2", wv->rank);
    int64_t K = tb ? wv->dims[1] : wv->dims[0], M = tb ? wv->dims[0] : wv->dims[1];
    if (K != x->N || M < 1)
        return fail(R, "its weights [%lld, %lld]%s do not fit its input's %lld features",
                    (long long)wv->dims[0], (long long)wv->dims[1], tb ? " (transB)" : "",
                    (long long)x->N);
    float *bias = NULL;
    Val *bv = gemm ? in_val(R, 2) : NULL;
    if (bv) {
        if (bv->kind != V_CONST)
            return fail(R, "its bias '%s' is computed by the network, not a constant", bv->name);
        double beta = attr_float(R->node, "beta", 1.0);
        if (beta != 1.0)
            return fail(R, "beta is %g, not 1", beta);
        bias = mem_array(R->a, (size_t)M + 1, sizeof(float));
        bool ok = bv->n == 1 || (bv->n == M && bv->dims[bv->rank - 1] == M);
        if (!ok)
            return fail(R, "its C '%s' is not one value or one per unit", bv->name);
        for (int64_t i = 0; i < M; i++)
            bias[i] = (float)bv->v[bv->n == 1 ? 0 : i];
    }
    /* [K, M] in bnnc's row order (a permuted input permutes the rows) */
    float *wt = mem_array(R->a, (size_t)(K * M) + 1, sizeof(float));
    for (int64_t j = 0; j < K; j++) {
        int64_t i = model_index(x, j);
        for (int64_t m = 0; m < M; m++)
            wt[j * M + m] = (float)(tb ? wv->v[m * K + i] : wv->v[i * M + m]);
    }
    int64_t shape[2] = {K, M};
    Val like = *x;
    like.N = M;
    like.dims[1] = M;
    like.pc = like.ph = like.pw = 0;
    return weighted(R, x, wt, K, M, 2, shape, bias, "dense", "bdense",
                    mem_printf(R->a, "units = %lld", (long long)M), &like);
}

/* ------------------------------------------------- per-channel ops */

static bool map_batchnorm(Reader *R) {
    static const char *const known[] = {"epsilon", "momentum", "spatial", "training_mode", NULL};
    if (!known_attrs(R, known))
        return false;
    if (attr_int(R->node, "training_mode", 0) || attr_int(R->node, "spatial", 1) != 1)
        return fail(R, "it is in training mode, or not spatial");
    for (size_t k = 1; k < R->node->n_output; k++)
        if (R->node->output[k] && *R->node->output[k])
            return fail(R, "it has training outputs (running mean and variance)");
    Val *x = tensor_in(R, 0);
    if (!x || !(x = canon(R, x)))
        return false;
    Val *p[4];
    static const char *const role[4] = {"scale", "bias", "mean", "variance"};
    for (int i = 0; i < 4; i++)
        if (!(p[i] = const_in(R, (size_t)i + 1, role[i])))
            return false;
    int64_t C = x->rank >= 2 ? x->dims[1] : 0;
    for (int i = 0; i < 4; i++)
        if (p[i]->n != C || p[i]->rank != 1)
            return fail(R, "its %s has %lld values for %lld channels", role[i],
                        (long long)p[i]->n, (long long)C);
    if ((x->kind == V_FLAT && x->N != C) || (x->kind == V_MODEL && x->rank != 2))
        return fail(R, "its input '%s' has %lld channels (axis 1) of more than one element, "
                       "and they are not bnnc's channels (the last axis)", x->name,
                    (long long)C);
    /* epsilon: a float attribute, written as the shortest decimal that
     * reads back as that float */
    float eps = (float)attr_float(R->node, "epsilon", 1e-5);
    if (!(eps > 0) || !isfinite(eps))
        return fail(R, "its epsilon is %g; bnnc's batchnorm takes one above 0", (double)eps);
    char et[40];
    for (int prec = 1; prec <= 9; prec++) {
        snprintf(et, sizeof et, "%.*g", prec, (double)eps);
        if (strtof(et, NULL) == eps)
            break;
    }
    if (!strchr(et, '.') && !strchr(et, 'e'))
        strcat(et, ".0");
    int64_t n = chans(x);
    ImpLayer *l = add_layer(R, node_label(R->node), "batchnorm",
                            mem_printf(R->a, "epsilon = %s", et), 1, use(R, x), NULL);
    static const char *const suf[4] = {"gamma", "beta", "mean", "variance"};
    int64_t d[1] = {n};
    float *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = add_tensor(R, l, suf[i], 1, d);
    double epsd = strtod(et, NULL);
    for (int64_t j = 0; j < n; j++) {
        int64_t i = model_index(x, j);
        for (int k = 0; k < 4; k++)
            t[k][j] = (float)p[k]->v[i];
        if (t[3][j] < 0)
            return fail(R, "its variance for channel %lld is %g; bnnc's batchnorm takes a "
                           "variance of 0 or more", (long long)i, (double)t[3][j]);
        /* bnnc's fold (docs/semantics.md section 2), which must be finite */
        double var = (double)t[3][j] + epsd;
        if (!(var > 0))
            return fail(R, "its variance plus epsilon is %g for channel %lld; it must be "
                           "positive", var, (long long)i);
        double sc = (double)t[0][j] / sqrt(var);
        double sh = (double)t[1][j] - (double)t[2][j] * (double)t[0][j] / sqrt(var);
        if (!isfinite((float)sc) || !isfinite((float)sh))
            return fail(R, "its folded scale or shift for channel %lld is not a finite float",
                        (long long)i);
    }
    out_like(R, 0, x, l->name, DT_F32);
    return true;
}

/* Mul, Add, Sub, Div with one constant operand, one value per channel:
 * a batchnorm computing x * a + b exactly (affine). */
static bool map_arith_const(Reader *R, Val *x, Val *k, bool k_first) {
    const char *op = R->node->op_type;
    if (!(x = canon(R, x)))
        return false;
    int64_t n = chans(x);
    float *kv = per_channel(R, x, k, "constant");
    if (!kv)
        return false;
    float *sc = mem_array(R->a, (size_t)n + 1, sizeof(float));
    float *sh = mem_array(R->a, (size_t)n + 1, sizeof(float));
    bool scaled = true, shifted = true;
    for (int64_t j = 0; j < n; j++) {
        float c = kv[j];
        sc[j] = 1.0f;
        sh[j] = 0.0f;
        if (!strcmp(op, "Mul")) {
            sc[j] = c;
            shifted = false;
        } else if (!strcmp(op, "Add")) {
            sh[j] = c;
            scaled = false;
        } else if (!strcmp(op, "Sub")) {
            if (k_first) {
                sc[j] = -1.0f, sh[j] = c; /* c - x = x * -1 + c */
            } else {
                sh[j] = -c; /* x - c = x + -c */
                scaled = false;
            }
        } else {
            /* x / c is x * (1 / c) to the bit when 1 / c is exact: a power of two */
            int e;
            float m = frexpf(c, &e);
            if (k_first || !(m == 0.5f || m == -0.5f) || !isfinite(1.0f / c))
                return fail(R, "%s; bnnc has no division", k_first
                            ? "it divides a constant by a tensor"
                            : "it divides by a constant that is not a power of two (x * (1 / "
                              "c) is not x / c to the bit)");
            sc[j] = 1.0f / c;
            shifted = false;
        }
    }
    const char *in = use(R, x);
    out_like(R, 0, x, affine(R, in, n, scaled ? sc : NULL, shifted ? sh : NULL, ""), DT_F32);
    return true;
}

static bool same_layout(const Val *a, const Val *b) {
    if (a->kind != b->kind || a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    return a->pc == b->pc && a->ph == b->ph && a->pw == b->pw;
}

/* The broadcast of two model shapes (NumPy's rules) into o; false when
 * they do not broadcast. */
static bool broadcast(const Val *a, const Val *b, int *r, int64_t *o) {
    *r = a->rank > b->rank ? a->rank : b->rank;
    for (int i = 0; i < *r; i++) {
        int ia = i - (*r - a->rank), ib = i - (*r - b->rank);
        int64_t x = ia >= 0 ? a->dims[ia] : 1, y = ib >= 0 ? b->dims[ib] : 1;
        if (x != y && x != 1 && y != 1)
            return false;
        o[i] = x == 1 ? y : x;
    }
    return true;
}

/* Whether v is in bnnc's layout of a model [1, C, H, W] with NumPy's
 * broadcasting the model's: [H, W, C] (V_SPATIAL), or [C] of a
 * [1, C, 1, 1] (V_FLAT). */
static bool hwc_broadcasts(const Val *v) {
    if (v->rank != 4 || v->dims[0] != 1)
        return false;
    return v->kind == V_SPATIAL ||
           (v->kind == V_FLAT && !v->pc && v->dims[2] == 1 && v->dims[3] == 1);
}

/* Mul of two tensors: bnnc's mul, which broadcasts as NumPy does. */
static bool map_mul2(Reader *R, Val *x, Val *y) {
    int r;
    int64_t d[IMP_MAX_RANK];
    if (!broadcast(x, y, &r, d))
        return fail(R, "its inputs '%s' [%s] and '%s' [%s] do not broadcast together", x->name,
                    dims_text(R, x->rank, x->dims), y->name, dims_text(R, y->rank, y->dims));
    Val like = *x;
    like.rank = r;
    memcpy(like.dims, d, sizeof(int64_t) * (size_t)r);
    like.pc = like.ph = like.pw = 0;
    /* in bnnc's layout where neither needs a copy to get there */
    Val *cx = x, *cy = y;
    bool fast = r == 4;
    for (int i = 0; i < 2; i++) {
        Val *v = i ? y : x;
        fast &= hwc_broadcasts(v) ||
                (v->kind == V_MODEL && v->rank == 4 && v->dims[0] == 1 && v->dims[2] == 1 &&
                 v->dims[3] == 1);
    }
    if (fast && ((x->kind == V_MODEL && !(cx = canon(R, x))) ||
                 (y->kind == V_MODEL && !(cy = canon(R, y)))))
        return false;
    if (fast) {
        /* in bnnc's [H, W, C]: a scaling branch's [C] against the [H, W, C] */
        ImpLayer *l = add_layer(R, node_label(R->node), "mul", "", 2, use(R, cx), use(R, cy));
        if (cx->kind == V_SPATIAL || cy->kind == V_SPATIAL) {
            like.kind = V_SPATIAL;
            like.C = d[1], like.H = d[2], like.W = d[3];
        } else {
            like.kind = V_FLAT;
            like.N = d[1];
        }
        out_like(R, 0, &like, l->name, DT_F32);
        return true;
    }
    if (same_layout(cx, cy) && cx->kind == V_FLAT) {
        ImpLayer *l = add_layer(R, node_label(R->node), "mul", "", 2, use(R, cx), use(R, cy));
        like.kind = V_FLAT;
        like.pc = cx->pc, like.ph = cx->ph, like.pw = cx->pw;
        out_like(R, 0, &like, l->name, DT_F32);
        return true;
    }
    Val *mx = as_model(R, x), *my = mx ? as_model(R, y) : NULL;
    if (!my)
        return false;
    if (r > 4)
        return fail(R, "its output has %d dimensions; bnnc's tensors have 1 to 4", r);
    ImpLayer *l = add_layer(R, node_label(R->node), "mul", "", 2, use(R, mx), use(R, my));
    like.kind = V_MODEL;
    out_like(R, 0, &like, l->name, DT_F32);
    return true;
}

static bool map_arith(Reader *R) {
    static const char *const known[] = {NULL};
    if (!known_attrs(R, known))
        return false;
    const char *op = R->node->op_type;
    Val *a = in_val(R, 0), *b = in_val(R, 1);
    if (!a || !b)
        return fail(R, "it needs two inputs");
    /* the straight-through estimator: Sub(Sign(x), x), then Add(x, that) */
    if (!strcmp(op, "Sub") && a->kind != V_CONST && b->kind != V_CONST && a->ste_of == NULL &&
        a->ste_sign && !strcmp(a->ste_sign, b->name)) {
        Val *o = bind(R, R->node->output[0]);
        o->kind = V_STE_DIFF;
        o->ste_of = b->name;
        o->ste_sign = a->name;
        return true;
    }
    if (!strcmp(op, "Add") && (a->kind == V_STE_DIFF || b->kind == V_STE_DIFF)) {
        Val *d = a->kind == V_STE_DIFF ? a : b, *x = a->kind == V_STE_DIFF ? b : a;
        if (strcmp(d->ste_of, x->name))
            return fail(R, "it adds sign(x) - x to a value other than x");
        Val *s = lookup(R, d->ste_sign);
        if (!s)
            return fail(R, "internal: the sign of a straight-through estimator is gone");
        out_like(R, 0, s, s->ref, s->type);
        Val *o = lookup(R, R->node->output[0]);
        o->scale = s->scale;
        o->scale_ref = s->scale_ref;
        return true;
    }
    if (a->kind == V_CONST && b->kind == V_CONST)
        return fail(R, "internal: constants not folded");
    if (a->kind == V_CONST || b->kind == V_CONST) {
        Val *x = a->kind == V_CONST ? tensor_in(R, 1) : tensor_in(R, 0);
        if (!x)
            return false;
        return map_arith_const(R, x, a->kind == V_CONST ? a : b, a->kind == V_CONST);
    }
    Val *x = tensor_in(R, 0), *y = tensor_in(R, 1);
    if (!x || !y)
        return false;
    if (!strcmp(op, "Mul"))
        return map_mul2(R, x, y);
    if (!strcmp(op, "Div"))
        return fail(R, "it divides two tensors of the network; bnnc has no division");
    if (!same_dims(x->rank, x->dims, y->rank, y->dims))
        return fail(R, "its inputs '%s' [%s] and '%s' [%s] differ in shape; bnnc's 'add' "
                       "takes equal shapes (it does not broadcast)", x->name,
                    dims_text(R, x->rank, x->dims), y->name, dims_text(R, y->rank, y->dims));
    /* one layout for both: bnnc's where one is in it already, else the model's */
    if (!same_layout(x, y)) {
        if (x->kind == V_MODEL && y->kind != V_MODEL && canon_kind(x) == y->kind && !y->pc)
            x = canon(R, x);
        else if (y->kind == V_MODEL && x->kind != V_MODEL && canon_kind(y) == x->kind && !x->pc)
            y = canon(R, y);
        if (!x || !y)
            return false;
        if (!same_layout(x, y) && (!(x = as_model(R, x)) || !(y = as_model(R, y))))
            return false;
    }
    const char *yr = use(R, y);
    if (!strcmp(op, "Sub")) {
        int64_t n = chans(y);
        float *sc = mem_array(R->a, (size_t)n + 1, sizeof(float));
        for (int64_t j = 0; j < n; j++)
            sc[j] = -1.0f;
        yr = affine(R, yr, n, sc, NULL, "_neg");
    }
    const char *xr = use(R, x);
    ImpLayer *l = add_layer(R, node_label(R->node), "add", "", 2, xr, yr);
    bool ints = use_type(x) == DT_I32 && use_type(y) == DT_I32 && !strcmp(op, "Add");
    out_like(R, 0, x, l->name, ints ? DT_I32 : DT_F32);
    return true;
}

static bool map_prelu(Reader *R, bool leaky) {
    static const char *const kp[] = {NULL};
    static const char *const kl[] = {"alpha", NULL};
    if (!known_attrs(R, leaky ? kl : kp))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x || !(x = canon(R, x)))
        return false;
    int64_t n = chans(x);
    float *al;
    if (leaky) {
        al = mem_array(R->a, (size_t)n + 1, sizeof(float));
        for (int64_t j = 0; j < n; j++)
            al[j] = (float)attr_float(R->node, "alpha", 0.01);
    } else {
        Val *s = const_in(R, 1, "slope");
        if (!s || !(al = per_channel(R, x, s, "slope")))
            return false;
    }
    ImpLayer *l = add_layer(R, node_label(R->node), "prelu", "", 1, use(R, x), NULL);
    int64_t d[1] = {n};
    memcpy(add_tensor(R, l, "alpha", 1, d), al, sizeof(float) * (size_t)n);
    out_like(R, 0, x, l->name, DT_F32);
    return true;
}

/* ------------------------------------------------------- activations */

/* How the output levels of a count are made: vals[j * (K + 1) + k] is
 * what the model gives in channel j where k of the K thresholds are
 * reached; the count is b1 for K = 1 (-1: none, +1: one), else u8 (k). */
typedef struct {
    int mode;                  /* 0: the count as it is; 1: times s; 2: a * count + b */
    float s;
    float *a, *b;
} Levels;

static bool levels_plan(Reader *R, int64_t n, int64_t K, const float *vals, Levels *L) {
    int64_t top = K == 1 ? 1 : K; /* the count of the highest level */
    L->mode = 0;
    L->s = vals[K] / (float)top;
    bool common = L->s != 0.0f && isfinite(L->s);
    for (int64_t j = 0; j < n && common; j++)
        for (int64_t k = 0; k <= K && common; k++) {
            float base = K == 1 ? (float)(2 * k - 1) : (float)k;
            common = base * L->s == vals[j * (K + 1) + k];
        }
    if (common) {
        L->mode = L->s == 1.0f ? 0 : 1;
        return true;
    }
    L->mode = 2;
    L->a = mem_array(R->a, (size_t)n + 1, sizeof(float));
    L->b = mem_array(R->a, (size_t)n + 1, sizeof(float));
    for (int64_t j = 0; j < n; j++) {
        const float *v = vals + j * (K + 1);
        float a = K == 1 ? (v[1] - v[0]) / 2.0f : v[1] - v[0];
        float b = K == 1 ? (v[1] + v[0]) / 2.0f : v[0];
        for (int64_t k = 0; k <= K; k++) {
            float base = K == 1 ? (float)(2 * k - 1) : (float)k;
            if (base * a + b != v[k] || !isfinite(a) || !isfinite(b))
                return fail(R, "its output levels in channel %lld (%g for %lld thresholds "
                               "reached) are not a * count + b to the bit, which is what "
                               "bnnc's batchnorm computes", (long long)j, (double)v[k],
                            (long long)k);
        }
        L->a[j] = a;
        L->b[j] = b;
    }
    return true;
}

/* Counts the thresholds thr[j * K + k] (each channel's in increasing
 * order) that x reaches (x >= t), gives the output levels vals
 * (levels_plan) and binds output 0. On an i32 x (a binary layer's dot
 * product): thresholds(levels = K); on a float x, with one threshold:
 * sign(x - t), that is x >= t to the bit (a difference of floats is 0 only
 * when they are equal). */
static bool count_out(Reader *R, Val *x, int64_t K, const float *thr, const float *vals) {
    int64_t n = chans(x);
    Levels L = {0};
    if (!levels_plan(R, n, K, vals, &L))
        return false;
    const char *name = mem_printf(R->a, "%s%s", node_label(R->node), L.mode == 2 ? "_count" : "");
    const char *ref;
    DType t = K == 1 ? DT_B1 : DT_U8;
    if (use_type(x) == DT_I32) {
        const double lim = 1073741824.0; /* 2^30 */
        for (int64_t i = 0; i < n * K; i++)
            if (!(fabs((double)thr[i]) <= lim))
                return fail(R, "its threshold %g (channel %lld) is beyond 2^30; bnnc's "
                               "thresholds are from -2^30 to 2^30", (double)thr[i],
                            (long long)(i / K));
        ImpLayer *l = add_layer(R, name, "thresholds",
                                K == 1 ? "" : mem_printf(R->a, "levels = %lld", (long long)K),
                                1, use(R, x), NULL);
        int64_t d[2] = {n, K};
        memcpy(add_tensor(R, l, "thresholds", 2, d), thr, sizeof(float) * (size_t)(n * K));
        ref = l->name;
    } else if (K == 1) {
        bool zero = true;
        float *sh = mem_array(R->a, (size_t)n + 1, sizeof(float));
        for (int64_t j = 0; j < n; j++) {
            sh[j] = -thr[j];
            zero &= thr[j] == 0.0f;
        }
        const char *in = use(R, x);
        if (!zero)
            in = affine(R, in, n, NULL, sh, "_threshold");
        ref = add_layer(R, name, "sign", "", 1, in, NULL)->name;
    } else {
        return fail(R, "it counts %lld thresholds per channel on '%s', a float; bnnc's "
                       "thresholds count on an integer, the dot product (i32) of a binary "
                       "layer without a bias or a scale (a float takes one threshold: sign)",
                    (long long)K, x->name);
    }
    if (L.mode == 2) {
        out_like(R, 0, x, affine(R, ref, n, L.a, L.b, ""), DT_F32);
        return true;
    }
    Val *o = out_like(R, 0, x, ref, t);
    if (L.mode == 1)
        o->scale = L.s;
    return true;
}

static bool map_sign(Reader *R) {
    static const char *const known[] = {NULL};
    if (!known_attrs(R, known))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x)
        return false;
    ImpLayer *l = add_layer(R, node_label(R->node), "sign", "", 1, use(R, x), NULL);
    Val *o = out_like(R, 0, x, l->name, DT_B1);
    /* remember x, for a straight-through estimator Sub(Sign(x), x) */
    o->ste_sign = x->name;
    if (!R->signs++)
        R->first_sign = mem_strdup(R->a, node_label(R->node));
    return true;
}

static bool map_bipolar(Reader *R) {
    static const char *const known[] = {NULL};
    if (!known_attrs(R, known))
        return false;
    Val *x = tensor_in(R, 0), *s;
    if (!x || !(s = const_in(R, 1, "scale")))
        return false;
    double sv = 1;
    float *sc = NULL;
    if (!scalar(s, &sv) && (!(x = canon(R, x)) || !(sc = per_channel(R, x, s, "scale"))))
        return false;
    ImpLayer *l = add_layer(R, mem_printf(R->a, "%s%s", node_label(R->node), sc ? "_sign" : ""),
                            "sign", "", 1, use(R, x), NULL);
    if (!sc) {
        Val *o = out_like(R, 0, x, l->name, DT_B1);
        if (!(sv != 0) || !isfinite((float)sv))
            return fail(R, "its scale is %g", sv);
        o->scale = (float)sv;
        return true;
    }
    out_like(R, 0, x, affine(R, l->name, chans(x), sc, NULL, ""), DT_F32);
    return true;
}

/* Floats in increasing order as integers, and back. */
static int64_t ford(float f) {
    int32_t i;
    memcpy(&i, &f, 4);
    return i >= 0 ? (int64_t)i : -(int64_t)(i & 0x7fffffff);
}

static float unord(int64_t k) {
    int32_t i = k >= 0 ? (int32_t)k : (int32_t)((-k) | 0x80000000u);
    float f;
    memcpy(&f, &i, 4);
    return f;
}

/* Quant of a tensor of the network: its 2^bits levels are a count of
 * thresholds. One bit: the least float reaching the upper level, found by
 * bisection over the floats with the operator's own arithmetic. More: on
 * an integer (i32) input, the least integer reaching each level. */
static bool map_quant(Reader *R) {
    QuantSpec q;
    double bits;
    Val *s, *z;
    if (!quant_spec(R, &q, &bits, &s, &z))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x || !(x = canon(R, x)))
        return false;
    float *sc = per_channel(R, x, s, "scale"), *zc = sc ? per_channel(R, x, z, "zero point") : NULL;
    if (!sc || !zc)
        return false;
    int64_t n = chans(x);
    int64_t K = (int64_t)(q.hi - q.lo);
    if (K <= 255 && n * (K + 1) > MAX_FOLD_ELEMS)
        return fail(R, "its thresholds would be more than %lld numbers",
                    (long long)MAX_FOLD_ELEMS);
    if (K > 255)
        return fail(R, "it quantises a tensor of the network to %lld levels; bnnc's thresholds "
                       "count at most 255", (long long)K + 1);
    if (K > 1 && use_type(x) != DT_I32)
        return fail(R, "it quantises '%s', a float, to %g bits; bnnc counts several "
                       "thresholds on an integer only, the dot product (i32) of a binary layer "
                       "without a bias or a scale (a float takes one threshold: sign)",
                    x->name, bits);
    float *thr = mem_array(R->a, (size_t)(n * K) + 1, sizeof(float));
    float *vals = mem_array(R->a, (size_t)(n * (K + 1)) + 1, sizeof(float));
    for (int64_t j = 0; j < n; j++) {
        if (!(sc[j] > 0) || !isfinite(sc[j]))
            return fail(R, "its scale for channel %lld is %g; bnnc import takes a positive "
                           "scale", (long long)j, (double)sc[j]);
        double qmax = quant_q(INFINITY, sc[j], zc[j], q.lo, q.hi, q.mode);
        double qmin = quant_q(-INFINITY, sc[j], zc[j], q.lo, q.hi, q.mode);
        if (qmax == qmin || isnan(qmax) || isnan(qmin))
            return fail(R, "its output is one value for every input (channel %lld)",
                        (long long)j);
        for (int64_t k = 1; k <= K; k++) {
            double want = q.lo + (double)k;
            if (K == 1) {
                /* the least float giving the upper level; q is monotone in x */
                int64_t lo_k = ford(-INFINITY), hi_k = ford(INFINITY);
                while (lo_k + 1 < hi_k) {
                    int64_t mid = lo_k + (hi_k - lo_k) / 2;
                    if (quant_q(unord(mid), sc[j], zc[j], q.lo, q.hi, q.mode) >= want)
                        hi_k = mid;
                    else
                        lo_k = mid;
                }
                thr[j] = unord(hi_k);
            } else {
                /* the least integer giving level k at least, within +-2^30 */
                int64_t lo_i = -((int64_t)1 << 30) - 1, hi_i = (int64_t)1 << 30;
                if (quant_q((float)hi_i, sc[j], zc[j], q.lo, q.hi, q.mode) < want ||
                    quant_q((float)(lo_i + 1), sc[j], zc[j], q.lo, q.hi, q.mode) >= want)
                    return fail(R, "its level %g of channel %lld is reached beyond +-2^30; "
                                   "bnnc's thresholds are from -2^30 to 2^30", want,
                                (long long)j);
                while (lo_i + 1 < hi_i) {
                    int64_t mid = lo_i + (hi_i - lo_i) / 2;
                    if (quant_q((float)mid, sc[j], zc[j], q.lo, q.hi, q.mode) >= want)
                        hi_i = mid;
                    else
                        lo_i = mid;
                }
                thr[j * K + k - 1] = (float)hi_i;
            }
        }
        if (!isfinite(thr[j * K]))
            return fail(R, "its threshold for channel %lld is not finite", (long long)j);
        for (int64_t k = 0; k <= K; k++)
            vals[j * (K + 1) + k] = (float)(((float)(q.lo + (double)k) - zc[j]) * sc[j]);
    }
    return count_out(R, x, K, thr, vals);
}

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static bool map_multithreshold(Reader *R) {
    static const char *const known[] = {"out_scale", "out_bias", "out_dtype", "data_layout",
                                        NULL};
    if (!known_attrs(R, known))
        return false;
    Val *x = tensor_in(R, 0), *t;
    if (!x || !(t = const_in(R, 1, "thresholds")))
        return false;
    const char *layout = attr_str(R, R->node, "data_layout", "NCHW");
    if (x->rank == 4 && strcmp(layout, "NCHW"))
        return fail(R, "its data_layout is '%s'; the model's tensors are NCHW", layout);
    if (!(x = canon(R, x)))
        return false;
    int64_t n = chans(x);
    if (t->rank != 2 || (t->dims[0] != 1 && t->dims[0] != (x->rank >= 2 ? x->dims[1] : -1)))
        return fail(R, "its thresholds are not [C, T] or [1, T]");
    int64_t K = t->dims[1];
    if (K < 1 || K > 255)
        return fail(R, "it has %lld thresholds per channel; bnnc's thresholds take 1 to 255",
                    (long long)K);
    if (n * (K + 1) > MAX_FOLD_ELEMS)
        return fail(R, "its thresholds would be more than %lld numbers",
                    (long long)MAX_FOLD_ELEMS);
    if (((x->kind == V_FLAT && x->N != x->dims[1]) || (x->kind == V_MODEL && x->rank != 2)) &&
        t->dims[0] != 1)
        return fail(R, "its input's channels (axis 1) hold more than one element, and they "
                       "are not bnnc's channels (the last axis)");
    float os = (float)attr_float(R->node, "out_scale", 1.0);
    float ob = (float)attr_float(R->node, "out_bias", 0.0);
    const char *dt = attr_str(R, R->node, "out_dtype", "");
    float *thr = mem_array(R->a, (size_t)(n * K) + 1, sizeof(float));
    float *vals = mem_array(R->a, (size_t)(n * (K + 1)) + 1, sizeof(float));
    for (int64_t j = 0; j < n; j++) {
        int64_t i = t->dims[0] == 1 ? 0 : model_index(x, j);
        for (int64_t k = 0; k < K; k++) {
            double tv = t->v[i * K + k];
            float f = (float)tv;
            if ((double)f != tv && !isnan(tv))
                return fail(R, "its threshold %g is not a float", tv);
            if (!isfinite(f))
                return fail(R, "its threshold for channel %lld is not finite", (long long)j);
            thr[j * K + k] = f;
        }
        /* the count does not depend on the order of the thresholds */
        qsort(thr + j * K, (size_t)K, sizeof(float), cmp_float);
        for (int64_t k = 0; k <= K; k++) {
            float y = os * (float)k + ob;
            if (!strcmp(dt, "BIPOLAR"))
                y = 2.0f * y - 1.0f;
            vals[j * (K + 1) + k] = y;
        }
    }
    return count_out(R, x, K, thr, vals);
}

static bool map_clip(Reader *R) {
    static const char *const known[] = {"min", "max", NULL};
    if (!known_attrs(R, known))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x)
        return false;
    double lo = -INFINITY, hi = INFINITY;
    const Onnx__AttributeProto *amin = attr(R->node, "min"), *amax = attr(R->node, "max");
    if (amin)
        lo = amin->f;
    if (amax)
        hi = amax->f;
    Val *vmin = in_val(R, 1), *vmax = in_val(R, 2);
    if ((vmin && !scalar(vmin, &lo)) || (vmax && !scalar(vmax, &hi)))
        return fail(R, "its min or max is not one constant value");
    const char *op;
    if (lo == -1.0 && hi == 1.0)
        op = "hardtanh";
    else if (lo == 0.0 && hi == INFINITY)
        op = "relu";
    else
        return fail(R, "it clips to [%g, %g]; bnnc has hardtanh ([-1, 1]) and relu ([0, inf))",
                    lo, hi);
    ImpLayer *l = add_layer(R, node_label(R->node), op, "", 1, use(R, x), NULL);
    out_like(R, 0, x, l->name, DT_F32);
    return true;
}

static bool map_unary(Reader *R, const char *op) {
    static const char *const known[] = {NULL};
    if (!known_attrs(R, known))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x)
        return false;
    ImpLayer *l = add_layer(R, node_label(R->node), op, "", 1, use(R, x), NULL);
    out_like(R, 0, x, l->name, DT_F32);
    return true;
}

static bool map_softmax(Reader *R) {
    static const char *const known[] = {"axis", NULL};
    if (!known_attrs(R, known))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x || !(x = canon(R, x)))
        return false;
    int64_t axis = attr_int(R->node, "axis", R->opset >= 13 ? -1 : 1);
    if (axis < 0)
        axis += x->rank;
    /* over every element of a flat tensor (bnnc's softmax is over the
     * whole tensor): before opset 13, over the axes from `axis` on, so
     * those before must be 1; from 13, over `axis` alone, so the others */
    bool ok = x->kind == V_FLAT && !x->pc && axis >= 0 && axis < x->rank;
    for (int i = 0; ok && i < x->rank; i++)
        ok = i == axis || (R->opset < 13 && i > axis) || x->dims[i] == 1;
    if (!ok)
        return fail(R, "it is over axis %lld of a tensor that is not [1, N]; bnnc's softmax is "
                       "over the whole of a flat tensor", (long long)axis);
    ImpLayer *l = add_layer(R, node_label(R->node), "softmax", "", 1, use(R, x), NULL);
    out_like(R, 0, x, l->name, DT_F32);
    return true;
}

/* ------------------------------------------------------------ pools */

static bool map_pool(Reader *R, bool avg) {
    static const char *const km[] = {"kernel_shape", "strides", "pads", "dilations",
                                     "auto_pad", "ceil_mode", "storage_order", NULL};
    static const char *const ka[] = {"kernel_shape", "strides", "pads", "dilations",
                                     "auto_pad", "ceil_mode", "count_include_pad", NULL};
    if (!known_attrs(R, avg ? ka : km))
        return false;
    if (R->node->n_output > 1 && R->node->output[1] && *R->node->output[1])
        return fail(R, "its Indices output is used");
    Val *x = tensor_in(R, 0);
    if (!x || !(x = as_spatial(R, x)))
        return false;
    int64_t k[2];
    if (!attr_ints(R, "kernel_shape", 2, 0, k))
        return false;
    if (!attr(R->node, "kernel_shape"))
        return fail(R, "it has no kernel_shape");
    Window w;
    if (!window(R, x, k, true, &w))
        return false;
    if (w.d[0] != 1 || w.d[1] != 1)
        return fail(R, "it is dilated; bnnc's pools are not");
    int64_t in[2] = {x->H, x->W}, o[2] = {w.oh, w.ow};
    for (int i = 0; avg && w.pad && attr_int(R->node, "count_include_pad", 0) && i < 2; i++)
        if ((o[i] - 1) * w.s[i] + w.k[i] - in[i] > 0)
            return fail(R, "count_include_pad is set and its windows reach into the padding; "
                           "bnnc's avgpool counts the real taps only");
    /* bnnc's stride defaults to the size, the model's to 1 */
    const char *attrs = mem_printf(R->a, "size = %s", pair(R, k));
    if (w.s[0] != k[0] || w.s[1] != k[1])
        attrs = mem_printf(R->a, "%s, stride = %s", attrs, pair(R, w.s));
    if (w.pad)
        attrs = mem_printf(R->a, "%s, padding = same", attrs);
    /* a max commutes with a positive BipolarQuant scale: kept for later */
    bool keep = !avg && x->scale > 0;
    ImpLayer *l = add_layer(R, node_label(R->node), avg ? "avgpool" : "maxpool", attrs, 1,
                            keep ? x->ref : use(R, x), NULL);
    Val like = *x;
    like.H = w.oh;
    like.W = w.ow;
    like.dims[2] = w.oh;
    like.dims[3] = w.ow;
    Val *ov = out_like(R, 0, &like, l->name, avg ? DT_F32 : keep ? x->type : use_type(x));
    if (keep)
        ov->scale = x->scale;
    return true;
}

static bool map_global_avgpool(Reader *R) {
    static const char *const known[] = {NULL};
    if (!known_attrs(R, known))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x || !(x = as_spatial(R, x)))
        return false;
    ImpLayer *l = add_layer(R, node_label(R->node), "global_avgpool", "", 1, use(R, x), NULL);
    Val like = *x;
    like.kind = V_FLAT;
    like.N = x->C;
    like.dims[2] = like.dims[3] = 1;
    like.pc = like.ph = like.pw = 0;
    out_like(R, 0, &like, l->name, DT_F32);
    return true;
}

/* ------------------------------------------------------ structure */

static bool map_concat(Reader *R) {
    static const char *const known[] = {"axis", NULL};
    if (!known_attrs(R, known))
        return false;
    const Onnx__NodeProto *n = R->node;
    if (n->n_input < 1)
        return fail(R, "it has no inputs");
    Val **xs = mem_array(R->a, n->n_input + 1, sizeof(Val *));
    for (size_t i = 0; i < n->n_input; i++)
        if (!(xs[i] = tensor_in(R, i)))
            return false;
    int r = xs[0]->rank;
    int64_t axis = attr_int(n, "axis", 1);
    if (axis < 0)
        axis += r;
    if (axis < 0 || axis >= r)
        return fail(R, "its axis %lld is out of range", (long long)attr_int(n, "axis", 1));
    int64_t sum = 0;
    for (size_t i = 0; i < n->n_input; i++) {
        Val *x = xs[i];
        bool ok = x->rank == r;
        for (int d = 0; ok && d < r; d++)
            ok = d == axis || x->dims[d] == xs[0]->dims[d];
        if (!ok)
            return fail(R, "its inputs '%s' [%s] and '%s' [%s] do not join along axis %lld",
                        xs[0]->name, dims_text(R, r, xs[0]->dims), x->name,
                        dims_text(R, x->rank, x->dims), (long long)axis);
        sum += x->dims[axis];
    }
    if (n->n_input == 1) {
        Val *o = out_like(R, 0, xs[0], xs[0]->ref, xs[0]->type);
        o->scale = xs[0]->scale;
        return true;
    }
    /* bnnc's concat joins the last axis: the channels of [H, W, C] or [N],
     * or the last axis of the model's own layout */
    VKind kind = V_MODEL;
    if (axis == 1 && r == 4 && xs[0]->dims[0] == 1) {
        kind = V_SPATIAL;
        for (size_t i = 0; i < n->n_input; i++)
            if (!(xs[i] = as_spatial(R, xs[i])))
                return false;
    } else if (axis == 1 && r == 2 && xs[0]->dims[0] == 1) {
        kind = V_FLAT;
        for (size_t i = 0; i < n->n_input; i++) {
            if (!(xs[i] = canon(R, xs[i])))
                return false;
            if (xs[i]->pc)
                kind = V_MODEL;
        }
    } else if (axis != r - 1 || r > 4) {
        return fail(R, "it joins along axis %lld of %d; bnnc's concat joins the last axis "
                       "(the channels: axis 1 of [1, C, H, W])", (long long)axis, r);
    }
    if (kind == V_MODEL)
        for (size_t i = 0; i < n->n_input; i++)
            if (!(xs[i] = as_model(R, xs[i])))
                return false;
    ImpLayer *l = add_layer(R, node_label(n), "concat", "", (int)n->n_input, NULL, NULL);
    DType t = use_type(xs[0]);
    for (size_t i = 0; i < n->n_input; i++) {
        l->inputs[i] = use(R, xs[i]);
        if (use_type(xs[i]) != t)
            t = DT_F32;
    }
    Val like = *xs[0];
    like.dims[axis] = sum;
    if (kind == V_SPATIAL)
        like.C = sum;
    else if (kind == V_FLAT)
        like.N = sum;
    out_like(R, 0, &like, l->name, t);
    return true;
}

/* Flatten, Reshape, Squeeze, Unsqueeze, a Transpose that keeps the order,
 * to the model shape d (rank r): the same elements in the same order. */
static bool reshape_to(Reader *R, Val *x, int r, const int64_t *d) {
    int64_t total = elems_of(x->rank, x->dims);
    if (r < 1)
        return fail(R, "its output is a scalar; bnnc's tensors have 1 to 4 dimensions");
    for (int i = 0; i < r; i++)
        if (d[i] > BNNC_MAX_DIM)
            return fail(R, "its output has a dimension of %lld; bnnc takes at most %lld",
                        (long long)d[i], (long long)BNNC_MAX_DIM);
    if (elems_of(r, d) != total || total > BNNC_MAX_ELEMS)
        return fail(R, "its shape has %lld elements, its input %lld",
                    (long long)elems_of(r, d), (long long)total);
    Val like = *x;
    like.rank = r;
    memcpy(like.dims, d, sizeof(int64_t) * (size_t)r);
    Val *o;
    bool flat = flat_like(r, d);
    if (same_dims(r, d, x->rank, x->dims) || (flat && x->kind == V_FLAT)) {
        o = out_like(R, 0, &like, x->ref, x->type); /* nothing moves */
        o->scale_ref = x->scale_ref;
    } else if (flat && x->kind == V_SPATIAL) {
        /* bnnc's flatten: (h, w, c) order, which a dense layer reading it
         * takes with its rows permuted, free */
        ImpLayer *l = add_layer(R, node_label(R->node), "flatten", "", 1, x->ref, NULL);
        like.kind = V_FLAT;
        like.N = total;
        like.pc = like.ph = like.pw = 0;
        if (x->C > 1 && x->H * x->W > 1)
            like.pc = x->C, like.ph = x->H, like.pw = x->W;
        o = out_like(R, 0, &like, l->name, x->type);
    } else if (flat && x->kind == V_MODEL) {
        like.kind = V_FLAT;
        like.N = total;
        o = out_like(R, 0, &like, reshape_layer(R, node_label(R->node), x->ref, 1, &total),
                     x->type);
    } else if (r == 4 && x->kind == V_FLAT && x->pc && d[0] == 1 && d[1] == x->pc &&
               d[2] == x->ph && d[3] == x->pw) {
        /* a flattened [C, H, W] back to [1, C, H, W]: bnnc's [H, W, C] */
        int64_t hwc[3] = {x->ph, x->pw, x->pc};
        like.kind = V_SPATIAL;
        like.H = x->ph, like.W = x->pw, like.C = x->pc;
        o = out_like(R, 0, &like, reshape_layer(R, node_label(R->node), x->ref, 3, hwc),
                     x->type);
    } else {
        if (r > 4)
            return fail(R, "it reshapes '%s' to [%s]; bnnc's tensors have 1 to 4 dimensions",
                        x->name, dims_text(R, r, d));
        Val *m = as_model(R, x);
        if (!m)
            return false;
        like.kind = V_MODEL;
        like.pc = like.ph = like.pw = 0;
        o = out_like(R, 0, &like, reshape_layer(R, node_label(R->node), m->ref, r, d), x->type);
    }
    o->scale = x->scale;
    return true;
}

static bool map_reshape(Reader *R) {
    const Onnx__NodeProto *n = R->node;
    const char *op = n->op_type;
    Val *x = tensor_in(R, 0);
    if (!x)
        return false;
    int64_t d[IMP_MAX_RANK];
    int r = 0;
    if (!strcmp(op, "Flatten")) {
        static const char *const known[] = {"axis", NULL};
        if (!known_attrs(R, known))
            return false;
        int64_t axis = attr_int(n, "axis", 1);
        if (axis < 0)
            axis += x->rank;
        if (axis < 0 || axis > x->rank)
            return fail(R, "its axis is out of range");
        int64_t a = 1, b = 1;
        for (int i = 0; i < x->rank; i++) {
            int64_t *p = i < axis ? &a : &b;
            *p = mul_cap(*p, x->dims[i]);
        }
        d[0] = a, d[1] = b, r = 2;
    } else if (!strcmp(op, "Reshape")) {
        static const char *const known[] = {"allowzero", NULL};
        if (!known_attrs(R, known))
            return false;
        Val *s = const_in(R, 1, "shape");
        if (!s)
            return false;
        if (s->rank != 1 || s->n > IMP_MAX_RANK || s->n < 1)
            return fail(R, "its shape is not a list of 1 to %d dimensions", IMP_MAX_RANK);
        r = (int)s->n;
        int minus = -1;
        int64_t known_n = 1;
        for (int i = 0; i < r; i++) {
            double v = s->v[i];
            if (v == 0 && !attr_int(n, "allowzero", 0) && i < x->rank)
                v = (double)x->dims[i];
            if (v == -1 && minus < 0) {
                minus = i;
                continue;
            }
            if (v < 0 || v > BNNC_MAX_DIM || v != floor(v))
                return fail(R, "its shape has a dimension of %g", s->v[i]);
            d[i] = (int64_t)v;
            known_n = mul_cap(known_n, d[i]);
        }
        if (minus >= 0) {
            int64_t total = elems_of(x->rank, x->dims);
            if (known_n == 0 || total % known_n)
                return fail(R, "its shape's -1 cannot be resolved");
            d[minus] = total / known_n;
        }
    } else {
        /* Squeeze, Unsqueeze: axes as an attribute (opset < 13) or an input */
        static const char *const known[] = {"axes", NULL};
        if (!known_attrs(R, known))
            return false;
        bool sq = op[0] == 'S';
        int64_t axes[IMP_MAX_RANK];
        int na = 0;
        const Onnx__AttributeProto *aa = attr(n, "axes");
        Val *av = in_val(R, 1);
        if (aa) {
            if (aa->n_ints > IMP_MAX_RANK)
                return fail(R, "it has too many axes");
            for (size_t i = 0; i < aa->n_ints; i++)
                axes[na++] = aa->ints[i];
        } else if (av) {
            if (av->kind != V_CONST || av->n > IMP_MAX_RANK)
                return fail(R, "its axes are not a constant list");
            for (int64_t i = 0; i < av->n; i++)
                if (!whole(av->v[i], &axes[na++]))
                    return fail(R, "its axes are not whole numbers");
        } else if (!sq) {
            return fail(R, "it has no axes");
        }
        int outr = sq ? x->rank - na : x->rank + na;
        if (sq && na == 0) {
            outr = 0;
            for (int i = 0; i < x->rank; i++)
                if (x->dims[i] != 1)
                    d[outr++] = x->dims[i];
        } else {
            if (outr < 0 || outr > IMP_MAX_RANK)
                return fail(R, "its axes do not fit its input's rank");
            bool mark[IMP_MAX_RANK] = {0};
            int base = sq ? x->rank : outr;
            for (int i = 0; i < na; i++) {
                int64_t ax = axes[i] < 0 ? axes[i] + base : axes[i];
                if (ax < 0 || ax >= base || mark[ax])
                    return fail(R, "its axis %lld is out of range or repeated",
                                (long long)axes[i]);
                mark[ax] = true;
                if (sq && x->dims[ax] != 1)
                    return fail(R, "it squeezes axis %lld of size %lld", (long long)ax,
                                (long long)x->dims[ax]);
            }
            int k = 0;
            if (sq) {
                for (int i = 0; i < x->rank; i++)
                    if (!mark[i])
                        d[k++] = x->dims[i];
            } else {
                for (int i = 0, j = 0; i < outr; i++)
                    d[k++] = mark[i] ? 1 : x->dims[j++];
            }
            outr = k;
        }
        r = outr;
    }
    return reshape_to(R, x, r, d);
}

static bool map_transpose(Reader *R) {
    static const char *const known[] = {"perm", NULL};
    if (!known_attrs(R, known))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x)
        return false;
    int r = x->rank;
    int perm[IMP_MAX_RANK];
    for (int i = 0; i < r; i++)
        perm[i] = r - 1 - i;
    const Onnx__AttributeProto *p = attr(R->node, "perm");
    if (p) {
        if (p->n_ints != (size_t)r)
            return fail(R, "its perm has %zu values for a tensor of rank %d", p->n_ints, r);
        bool seen[IMP_MAX_RANK] = {0};
        for (int i = 0; i < r; i++) {
            if (p->ints[i] < 0 || p->ints[i] >= r || seen[p->ints[i]])
                return fail(R, "its perm is not a permutation of 0..%d", r - 1);
            seen[p->ints[i]] = true;
            perm[i] = (int)p->ints[i];
        }
    }
    int64_t d[IMP_MAX_RANK];
    for (int i = 0; i < r; i++)
        d[i] = x->dims[perm[i]];
    if (keeps_order(r, x->dims, perm))
        return reshape_to(R, x, r, d);
    if (r > 4)
        return fail(R, "it transposes '%s' of %d dimensions; bnnc's tensors have 1 to 4", x->name,
                    r);
    Val like = *x;
    memcpy(like.dims, d, sizeof(int64_t) * (size_t)r);
    like.kind = V_MODEL;
    like.pc = like.ph = like.pw = 0;
    const char *ref;
    static const int m[4] = {0, 3, 1, 2};
    if (x->kind == V_MODEL && r == 4 && x->dims[0] == 1) {
        /* to bnnc's [H, W, C] first when that is where the permutation
         * leads (NHWC), or it is made already */
        int q[4];
        int64_t nhwc[4] = {1, x->dims[2], x->dims[3], x->dims[1]};
        for (int i = 0; i < 4; i++)
            q[i] = m[perm[i]];
        if ((x->as_sp || keeps_order(4, nhwc, q)) && !(x = as_spatial(R, x)))
            return false;
    }
    if (x->kind == V_SPATIAL) {
        /* bnnc holds the model's [1, C, H, W] as [1, H, W, C]: model axis
         * a is axis m[a] there */
        int q[4];
        int64_t nhwc[4] = {1, x->H, x->W, x->C};
        for (int i = 0; i < 4; i++)
            q[i] = m[perm[i]];
        if (keeps_order(4, nhwc, q)) {
            ref = reshape_layer(R, node_label(R->node), x->ref, 4, d); /* free */
        } else {
            ref = reshape_layer(R, mem_printf(R->a, "%s_nhwc", x->name), x->ref, 4, nhwc);
            ref = transpose_layer(R, node_label(R->node), ref, 4, q);
        }
    } else {
        Val *mx = as_model(R, x);
        if (!mx)
            return false;
        ref = transpose_layer(R, node_label(R->node), mx->ref, r, perm);
    }
    Val *o = out_like(R, 0, &like, ref, x->type);
    o->scale = x->scale;
    return true;
}

static bool map_slice(Reader *R) {
    const Onnx__NodeProto *n = R->node;
    bool old = R->opset < 10;
    static const char *const ko[] = {"starts", "ends", "axes", NULL};
    static const char *const kn[] = {NULL};
    if (!known_attrs(R, old ? ko : kn))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x)
        return false;
    int r = x->rank;
    int64_t b[IMP_MAX_RANK], e[IMP_MAX_RANK], st[IMP_MAX_RANK], en[IMP_MAX_RANK],
        ax[IMP_MAX_RANK], sp[IMP_MAX_RANK];
    int na = 0;
    for (int i = 0; i < r; i++)
        b[i] = 0, e[i] = x->dims[i];
    if (old) {
        const Onnx__AttributeProto *as = attr(n, "starts"), *ae = attr(n, "ends"),
                                   *aa = attr(n, "axes");
        if (!as || !ae || as->n_ints != ae->n_ints || as->n_ints > (size_t)r ||
            (aa && aa->n_ints != as->n_ints))
            return fail(R, "its starts, ends and axes are not lists of one length");
        na = (int)as->n_ints;
        for (int i = 0; i < na; i++)
            st[i] = as->ints[i], en[i] = ae->ints[i], ax[i] = aa ? aa->ints[i] : i, sp[i] = 1;
    } else {
        Val *vs = const_in(R, 1, "starts"), *ve = vs ? const_in(R, 2, "ends") : NULL;
        if (!ve)
            return false;
        Val *va = in_val(R, 3), *vp = in_val(R, 4);
        if (vs->rank != 1 || ve->n != vs->n || vs->n > r || (va && va->n != vs->n) ||
            (vp && vp->n != vs->n) || (va && va->kind != V_CONST) ||
            (vp && vp->kind != V_CONST))
            return fail(R, "its starts, ends, axes and steps are not constant lists of one "
                           "length");
        na = (int)vs->n;
        for (int i = 0; i < na; i++) {
            /* INT64_MAX and the like: to the end */
            st[i] = (int64_t)fmax(fmin(vs->v[i], 4e18), -4e18);
            en[i] = (int64_t)fmax(fmin(ve->v[i], 4e18), -4e18);
            ax[i] = i;
            sp[i] = 1;
            if (isnan(vs->v[i]) || isnan(ve->v[i]) || (va && !whole(va->v[i], &ax[i])) ||
                (vp && !whole(vp->v[i], &sp[i])))
                return fail(R, "its starts, ends, axes or steps are not whole numbers");
        }
    }
    bool seen[IMP_MAX_RANK] = {0};
    for (int i = 0; i < na; i++) {
        int64_t a = ax[i] < 0 ? ax[i] + r : ax[i];
        if (a < 0 || a >= r || seen[a])
            return fail(R, "its axis %lld is out of range or repeated", (long long)ax[i]);
        seen[a] = true;
        if (sp[i] != 1)
            return fail(R, "its step along axis %lld is %lld; bnnc's slice takes every "
                           "element", (long long)a, (long long)sp[i]);
        int64_t dim = x->dims[a], s0 = st[i], e0 = en[i];
        s0 = s0 < 0 ? s0 + dim : s0;
        e0 = e0 < 0 ? e0 + dim : e0;
        b[a] = s0 < 0 ? 0 : s0 > dim ? dim : s0;
        e[a] = e0 < 0 ? 0 : e0 > dim ? dim : e0;
        if (b[a] >= e[a])
            return fail(R, "it slices axis %lld to nothing", (long long)a);
    }
    int64_t d[IMP_MAX_RANK];
    int nsl = 0, last = -1;
    for (int i = 0; i < r; i++) {
        d[i] = e[i] - b[i];
        if (d[i] != x->dims[i])
            nsl++, last = i;
    }
    if (!nsl)
        return reshape_to(R, x, r, d);
    Val like = *x;
    memcpy(like.dims, d, sizeof(int64_t) * (size_t)r);
    const char *at;
    const char *in;
    if (x->kind == V_SPATIAL) {
        /* model axes 1, 2, 3 are bnnc's 2, 0, 1 */
        if (nsl == 1 && last == 1) {
            at = mem_printf(R->a, "begin = %lld, end = %lld", (long long)b[1], (long long)e[1]);
        } else {
            if (b[0] != 0 || d[0] != 1)
                return fail(R, "it slices the batch axis");
            at = mem_printf(R->a, "begin = (%lld, %lld, %lld), end = (%lld, %lld, %lld)",
                            (long long)b[2], (long long)b[3], (long long)b[1], (long long)e[2],
                            (long long)e[3], (long long)e[1]);
        }
        like.H = d[2], like.W = d[3], like.C = d[1];
        in = use(R, x);
    } else if (x->kind == V_FLAT && !x->pc && nsl == 1 && x->dims[last] == x->N) {
        at = mem_printf(R->a, "begin = %lld, end = %lld", (long long)b[last], (long long)e[last]);
        like.N = d[last];
        in = use(R, x);
    } else {
        if (r > 4)
            return fail(R, "it slices '%s' of %d dimensions; bnnc's tensors have 1 to 4",
                        x->name, r);
        Val *m = as_model(R, x);
        if (!m)
            return false;
        in = use(R, m);
        like.kind = V_MODEL;
        like.pc = like.ph = like.pw = 0;
        if (nsl == 1 && last == r - 1)
            at = mem_printf(R->a, "begin = %lld, end = %lld", (long long)b[last],
                            (long long)e[last]);
        else
            at = mem_printf(R->a, "begin = (%s), end = (%s)", dims_text(R, r, b),
                            dims_text(R, r, e));
    }
    ImpLayer *l = add_layer(R, node_label(n), "slice", at, 1, in, NULL);
    out_like(R, 0, &like, l->name, use_type(x));
    return true;
}

static bool map_pad(Reader *R) {
    const Onnx__NodeProto *n = R->node;
    bool old = R->opset < 11;
    static const char *const ko[] = {"mode", "pads", "value", NULL};
    static const char *const kn[] = {"mode", NULL};
    if (!known_attrs(R, old ? ko : kn))
        return false;
    const char *mode = attr_str(R, n, "mode", "constant");
    if (strcmp(mode, "constant"))
        return fail(R, "its mode is '%s'; bnnc pads with a constant only", mode);
    Val *x = tensor_in(R, 0);
    if (!x)
        return false;
    int r = x->rank;
    int64_t pads[2 * IMP_MAX_RANK] = {0};
    double value = 0;
    if (old) {
        const Onnx__AttributeProto *ap = attr(n, "pads");
        if (!ap || ap->n_ints != (size_t)(2 * r))
            return fail(R, "its pads are not 2 values per axis");
        for (int i = 0; i < 2 * r; i++)
            pads[i] = ap->ints[i];
        value = attr_float(n, "value", 0.0);
    } else {
        Val *vp = const_in(R, 1, "pads");
        if (!vp)
            return false;
        Val *va = in_val(R, 3), *vv = in_val(R, 2);
        int nax = va ? (int)va->n : r;
        if ((va && (va->kind != V_CONST || va->n > r)) || vp->n != 2 * nax)
            return fail(R, "its pads are not 2 values per axis");
        for (int i = 0; i < nax; i++) {
            int64_t a = i, pb, pe;
            if ((va && !whole(va->v[i], &a)) || !whole(vp->v[i], &pb) ||
                !whole(vp->v[i + nax], &pe))
                return fail(R, "its pads or axes are not whole numbers");
            a = a < 0 ? a + r : a;
            if (a < 0 || a >= r)
                return fail(R, "its axis %lld is out of range", (long long)a);
            pads[a] = pb;
            pads[a + r] = pe;
        }
        if (vv && !scalar(vv, &value))
            return fail(R, "its constant_value is not one constant value");
    }
    int64_t d[IMP_MAX_RANK];
    bool axes[IMP_MAX_RANK] = {0};
    for (int i = 0; i < r; i++) {
        if (pads[i] < 0 || pads[i + r] < 0)
            return fail(R, "it crops (a negative pad); bnnc's slice does that, not its pads");
        if (pads[i] > BNNC_MAX_DIM || pads[i + r] > BNNC_MAX_DIM)
            return fail(R, "its pads are out of range");
        axes[i] = pads[i] || pads[i + r];
        d[i] = x->dims[i] + pads[i] + pads[i + r];
    }
    Val like = *x;
    memcpy(like.dims, d, sizeof(int64_t) * (size_t)r);
    int chan = r == 4 || r == 2 ? 1 : r - 1; /* the model's channel axis */
    bool only_chan = true, only_hw = r == 4 && x->dims[0] == 1;
    for (int i = 0; i < r; i++) {
        only_chan &= !axes[i] || i == chan;
        only_hw &= !axes[i] || i >= 2;
    }
    if (only_chan && axes[chan]) {
        if (!(x = canon(R, x)))
            return false;
        if ((x->kind == V_FLAT && (x->pc || x->N != x->dims[chan])) ||
            (x->kind == V_MODEL && chan != r - 1))
            return fail(R, "it pads axis %d, which is not bnnc's channels here (the last "
                           "axis)", chan);
        DType t = use_type(x);
        if (t == DT_B1 && value != 1 && value != -1)
            return fail(R, "it pads '%s', a binary (+-1) tensor, with %g; bnnc's b1 holds "
                           "only -1 and +1", x->name, value);
        if ((t == DT_I32 || t == DT_U8) && value != floor(value))
            return fail(R, "it pads '%s', an integer tensor, with %g", x->name, value);
        if (!isfinite((float)value))
            return fail(R, "its constant_value %g is not a finite float", value);
        char vt[40];
        for (int prec = 1; prec <= 9; prec++) {
            snprintf(vt, sizeof vt, "%.*g", prec, value);
            if (strtof(vt, NULL) == (float)value)
                break;
        }
        const char *at = mem_printf(R->a, "before = %lld, after = %lld",
                                    (long long)pads[chan], (long long)pads[chan + r]);
        if (value != 0)
            at = mem_printf(R->a, "%s, value = %s", at, vt);
        ImpLayer *l = add_layer(R, node_label(n), "pad_channels", at, 1, use(R, x), NULL);
        like = *x;
        memcpy(like.dims, d, sizeof(int64_t) * (size_t)r);
        if (x->kind == V_SPATIAL)
            like.C = d[1];
        else if (x->kind == V_FLAT)
            like.N = d[1];
        out_like(R, 0, &like, l->name, t);
        return true;
    }
    bool one = value == 1 && use_type(x) == DT_B1;
    if (only_hw && (value == 0 || one)) {
        /* zeros around the height and width, or +1 around a b1 value: a
         * Conv's own padding ('same', 'same_one') */
        Val *xs = as_spatial(R, x);
        if (!xs)
            return false;
        like = *xs;
        memcpy(like.dims, d, sizeof(int64_t) * (size_t)r);
        Val *o = out_like(R, 0, &like, xs->ref, xs->type);
        o->scale = xs->scale;
        o->padded = true;
        o->pad_one = one;
        o->pad[0] = pads[2], o->pad[1] = pads[3], o->pad[2] = pads[2 + r],
        o->pad[3] = pads[3 + r];
        return true;
    }
    return fail(R, "it pads %s; bnnc pads the channels (pad_channels), or the height and "
                   "width as a Conv that reads it does (zeros, or +1 around a binary tensor)",
                only_hw ? "the height and width with a value other than 0 (or 1 around a binary "
                          "tensor)"
                        : "the batch axis or several kinds of axes");
}

static bool map_identity(Reader *R) {
    const Onnx__NodeProto *n = R->node;
    if (!strcmp(n->op_type, "Dropout")) {
        static const char *const known[] = {"ratio", "seed", "is_test", NULL};
        if (!known_attrs(R, known))
            return false;
        Val *tm = in_val(R, 2);
        double t;
        if (tm && (!scalar(tm, &t) || t != 0))
            return fail(R, "its training_mode is not a constant false");
        if (n->n_output > 1 && n->output[1] && *n->output[1])
            return fail(R, "its mask output is used");
    } else {
        static const char *const known[] = {NULL};
        if (!known_attrs(R, known))
            return false;
    }
    Val *x = tensor_in(R, 0);
    if (!x)
        return false;
    Val *o = out_like(R, 0, x, x->ref, x->type);
    o->scale = x->scale;
    o->scale_ref = x->scale_ref;
    o->ste_sign = x->ste_sign;
    return true;
}

static bool map_constant(Reader *R) {
    const Onnx__NodeProto *n = R->node;
    const Onnx__AttributeProto *v = attr(n, "value");
    if (n->n_attribute != 1 || !n->n_output)
        return fail(R, "it is not a Constant with one 'value' tensor");
    Val *o = bind(R, n->output[0]);
    if (v && v->t)
        return tensor_const(R, v->t, o->name, o);
    const Onnx__AttributeProto *f = attr(n, "value_float"), *i = attr(n, "value_int");
    const Onnx__AttributeProto *fs = attr(n, "value_floats"), *is = attr(n, "value_ints");
    o->kind = V_CONST;
    if (f || i) {
        o->rank = 0;
        o->n = 1;
        o->v = mem_alloc(R->a, sizeof(double));
        o->v[0] = f ? f->f : (double)i->i;
        o->is_float = f != NULL;
        return true;
    }
    if (fs || is) {
        size_t k = fs ? fs->n_floats : is->n_ints;
        o->rank = 1;
        o->dims[0] = (int64_t)k;
        o->n = (int64_t)k;
        o->v = mem_array(R->a, k + 1, sizeof(double));
        for (size_t j = 0; j < k; j++)
            o->v[j] = fs ? fs->floats[j] : (double)is->ints[j];
        o->is_float = fs != NULL;
        return true;
    }
    return fail(R, "its value is not a tensor, a float or an int");
}

/* ------------------------------------------------------------ nodes */

static bool qonnx_domain(const char *d) {
    return !strncmp(d, "qonnx", 5) || !strncmp(d, "finn", 4);
}

static bool map_node1(Reader *R);
static bool map_node(Reader *R) {
    int before = R->layers.n;
    bool ok = map_node1(R) && !R->failed;
    /* the network's totals, within the language's limits (sema's, and
     * what bnnc holds to run it): else an error here, not a network bnnc
     * then refuses. Every layer made for a node has the node's output size. */
    Val *o = ok && R->layers.n > before ? lookup(R, R->node->output[0]) : NULL;
    if (o) {
        int64_t e = elems_of(o->rank, o->dims);
        for (int i = before; i < R->layers.n; i++) {
            const ImpLayer *l = R->layers.v[i];
            R->elems += e;
            for (int t = 0; t < l->ntensors; t++)
                R->params += elems_of(l->tensors[t].rank, l->tensors[t].shape);
        }
        if (R->layers.n > BNNC_MAX_NODES)
            ok = fail(R, "the network would have more than %d layers", BNNC_MAX_NODES);
        else if (R->elems > BNNC_MAX_TOTAL_ELEMS)
            ok = fail(R, "the network's tensors would have more than 2^50 elements in all");
        else if (R->params > BNNC_MAX_RUN_BYTES / 4)
            ok = fail(R, "the network's parameters would take more than %lld MiB as floats, "
                         "more than bnnc holds to run or compile a network",
                      (long long)(BNNC_MAX_RUN_BYTES >> 20));
        else if (R->macs > BNNC_MAX_MACS)
            ok = fail(R, "the network would need more than 2^60 multiply-accumulates");
    }
    /* the parameters it gave must be finite, as bnnc's weights must */
    for (int i = before; ok && i < R->layers.n; i++) {
        const ImpLayer *l = R->layers.v[i];
        for (int t = 0; ok && t < l->ntensors; t++) {
            const ImpTensor *x = &l->tensors[t];
            int64_t n = elems_of(x->rank, x->shape);
            for (int64_t e = 0; ok && e < n; e++)
                if (!isfinite(x->data[e]))
                    ok = fail(R, "its parameters are not finite: %s of '%s' holds %g at "
                                 "element %lld", x->suffix, l->name, (double)x->data[e],
                              (long long)e);
        }
    }
    return ok;
}

static bool map_node1(Reader *R) {
    const Onnx__NodeProto *n = R->node;
    const char *op = n->op_type ? n->op_type : "";
    const char *dom = n->domain ? n->domain : "";
    if (!n->n_output || !n->output[0] || !*n->output[0])
        return fail(R, "it has no output");
    if (!*op)
        return fail(R, "it has no operator type");
    for (size_t k = 0; k < n->n_input; k++)
        if (!n->input[k])
            return fail(R, "its input %zu has no name", k + 1);
    bool q = qonnx_domain(dom);
    if (*dom && strcmp(dom, "ai.onnx") && !q)
        return fail(R, "its domain '%s' is not ONNX's or QONNX's", dom);
    if (q && strcmp(op, "BipolarQuant") && strcmp(op, "Quant") && strcmp(op, "MultiThreshold"))
        return fail(R, "it is not a QONNX operator bnnc import maps (BipolarQuant, Quant, "
                       "MultiThreshold)");
    if (!q && (!strcmp(op, "BipolarQuant") || !strcmp(op, "Quant") ||
               !strcmp(op, "MultiThreshold")))
        return fail(R, "it is a QONNX operator in the domain '%s'", dom);
    if (!strcmp(op, "Constant"))
        return map_constant(R);
    for (size_t k = 0; k < n->n_input; k++)
        if (n->input[k] && *n->input[k] && !lookup(R, n->input[k]))
            return fail(R, "its input '%s' is not defined before it (the graph must be in "
                           "topological order)", n->input[k]);
    bool done;
    if (!fold(R, &done))
        return false;
    if (done)
        return true;
    if (!strcmp(op, "Conv"))
        return map_conv(R);
    if (!strcmp(op, "Gemm"))
        return map_dense(R, true);
    if (!strcmp(op, "MatMul"))
        return map_dense(R, false);
    if (!strcmp(op, "BatchNormalization"))
        return map_batchnorm(R);
    if (!strcmp(op, "Relu"))
        return map_unary(R, "relu");
    if (!strcmp(op, "PRelu"))
        return map_prelu(R, false);
    if (!strcmp(op, "LeakyRelu"))
        return map_prelu(R, true);
    if (!strcmp(op, "Sign"))
        return map_sign(R);
    if (!strcmp(op, "Clip"))
        return map_clip(R);
    if (!strcmp(op, "MaxPool"))
        return map_pool(R, false);
    if (!strcmp(op, "AveragePool"))
        return map_pool(R, true);
    if (!strcmp(op, "GlobalAveragePool"))
        return map_global_avgpool(R);
    if (!strcmp(op, "Add") || !strcmp(op, "Sub") || !strcmp(op, "Mul") || !strcmp(op, "Div"))
        return map_arith(R);
    if (!strcmp(op, "Concat"))
        return map_concat(R);
    if (!strcmp(op, "Flatten") || !strcmp(op, "Reshape") || !strcmp(op, "Squeeze") ||
        !strcmp(op, "Unsqueeze"))
        return map_reshape(R);
    if (!strcmp(op, "Transpose"))
        return map_transpose(R);
    if (!strcmp(op, "Softmax"))
        return map_softmax(R);
    if (!strcmp(op, "Identity") || !strcmp(op, "Dropout"))
        return map_identity(R);
    if (!strcmp(op, "BipolarQuant"))
        return map_bipolar(R);
    if (!strcmp(op, "Quant"))
        return map_quant(R);
    if (!strcmp(op, "MultiThreshold"))
        return map_multithreshold(R);
    if (!strcmp(op, "Sigmoid"))
        return map_unary(R, "sigmoid");
    if (!strcmp(op, "Slice"))
        return map_slice(R);
    if (!strcmp(op, "Pad"))
        return map_pad(R);
    return fail(R, "bnnc import does not map the operator '%s' (docs/import.md lists those it "
                   "maps)", op);
}

/* ---------------------------------------------------- inputs, outputs */

static bool map_input(Reader *R, const Onnx__ValueInfoProto *vi) {
    const char *name = vi->name;
    const Onnx__TypeProto *tp = vi->type;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type ||
        !tp->tensor_type->shape)
        return fail(R, "input '%s' is not a tensor of known shape", name);
    const Onnx__TypeProto__Tensor *t = tp->tensor_type;
    DType dt = t->elem_type == 1 ? DT_F32 : t->elem_type == 2 ? DT_U8 : t->elem_type == 6 ? DT_I32
                                                                                            : DT_NONE;
    if (dt == DT_NONE)
        return fail(R, "input '%s' is of type %s; bnnc's inputs are FLOAT, UINT8 or INT32", name,
                    type_name(t->elem_type));
    size_t r = t->shape->n_dim;
    int64_t d[IMP_MAX_RANK];
    if (r > 4 || r < 1)
        return fail(R, "input '%s' has %zu dimensions; bnnc's inputs have 1 to 4", name, r);
    for (size_t i = 0; i < r; i++) {
        const Onnx__TensorShapeProto__Dimension *dm = t->shape->dim[i];
        if (dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
            d[i] = dm->dim_value;
        else if (i == 0)
            d[i] = 1; /* a named batch dimension: one inference */
        else
            return fail(R, "input '%s' has a dimension %zu of unknown size", name, i);
        if (d[i] < 1 || d[i] > BNNC_MAX_DIM)
            return fail(R, "input '%s' has a dimension of %lld", name, (long long)d[i]);
    }
    int64_t e = 1;
    for (size_t i = 0; i < r; i++)
        if ((e *= d[i]) > BNNC_MAX_ELEMS)
            return fail(R, "input '%s' has more than 2^40 elements", name);
    if (lookup(R, name))
        return fail(R, "input '%s' is declared twice", name);
    Val *v = bind(R, name);
    ImpInput *in = mem_alloc(R->a, sizeof *in);
    in->name = unique_name(R, name);
    in->type = dt;
    /* the model's shape and order: the network converts where it must */
    v->kind = V_MODEL;
    v->rank = (int)r;
    memcpy(v->dims, d, sizeof(int64_t) * r);
    v->ref = in->name;
    v->type = dt;
    in->rank = (int)r;
    memcpy(in->shape, d, sizeof(int64_t) * r);
    vec_push(R->a, &R->inputs, in);
    R->elems += e; /* as sema counts them */
    return true;
}

/* The bnnc value of graph output `name`, in the model's shape and order. */
static bool map_output(Reader *R, const char *name, const char **ref) {
    Val *v = lookup(R, name);
    R->out_label = mem_strdup(R->a, name);
    if (!v)
        return fail(R, "output '%s' is not computed by any node", name);
    if (v->kind == V_CONST)
        return fail(R, "output '%s' is a constant", name);
    if (v->kind == V_STE_DIFF)
        return fail(R, "output '%s' is the difference of a Sign and its input", name);
    if (v->padded)
        return fail(R, "output '%s' is a Pad of the height or width, which bnnc pads only "
                       "within a Conv", name);
    Val *m = as_model(R, v);
    if (!m)
        return false;
    *ref = use(R, m);
    return true;
}

/* Names each output's layer after the graph output: the layer that
 * computes it renamed, or a free reshape where that layer is an input or
 * another output. */
static void name_outputs(Reader *R, const Onnx__GraphProto *g) {
    ImpGraph *ig = R->g;
    for (int i = 0; i < ig->noutputs; i++) {
        const char *ref = ig->outputs[i];
        const char *want = g->output[i]->name;
        ImpLayer *l = NULL;
        for (int k = R->layers.n - 1; k >= 0 && !l; k--)
            if (!strcmp(((ImpLayer *)R->layers.v[k])->name, ref))
                l = R->layers.v[k];
        bool other = false;
        for (int k = 0; k < ig->noutputs; k++)
            other |= k != i && !strcmp(ig->outputs[k], ref);
        const char *nn = R->out_names[i];
        if (l && !strcmp(l->name, nn))
            continue;
        if (!l || other) {
            Val *v = lookup(R, want);
            R->out_label = want;
            ImpLayer *x = add_layer(R, "", "reshape",
                                    mem_printf(R->a, "shape = (%s)",
                                               dims_text(R, v->rank, v->dims)), 1, ref, NULL);
            x->name = nn;
            ig->outputs[i] = nn;
            continue;
        }
        for (int k = 0; k < R->layers.n; k++) {
            ImpLayer *o = R->layers.v[k];
            for (int j = 0; j < o->nin; j++)
                if (!strcmp(o->inputs[j], ref))
                    o->inputs[j] = nn;
        }
        l->name = nn;
        ig->outputs[i] = nn;
    }
}

/* ------------------------------------------------------------- read */

static bool read_graph(Reader *R, const Onnx__ModelProto *m) {
    if (!m->has_ir_version || !m->graph)
        return fail(R, "it is not an ONNX model: it has no %s",
                    m->has_ir_version ? "graph" : "ir_version");
    R->opset = 1;
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        if ((!o->domain || !*o->domain || !strcmp(o->domain, "ai.onnx")) && o->has_version)
            R->opset = (int)(o->version > 1000 ? 1000 : o->version);
    }
    const Onnx__GraphProto *g = m->graph;
    if (g->n_sparse_initializer)
        return fail(R, "it has sparse initializers");
    for (size_t i = 0; i < g->n_initializer; i++) {
        const Onnx__TensorProto *t = g->initializer[i];
        const char *name = t->name ? t->name : "";
        if (!*name)
            return fail(R, "initializer %zu has no name", i + 1);
        if (!tensor_const(R, t, name, bind(R, name)))
            return false;
    }
    for (size_t i = 0; i < g->n_input; i++) {
        const char *name = g->input[i]->name ? g->input[i]->name : "";
        Val *v = lookup(R, name);
        if (v && v->kind == V_CONST)
            continue; /* an initializer listed as an input (IR version < 4) */
        if (!*name)
            return fail(R, "input %zu has no name", i + 1);
        if (!map_input(R, g->input[i]))
            return false;
    }
    if (!R->inputs.n)
        return fail(R, "its graph has no input");
    /* the outputs' names are kept for the layers that give them */
    R->out_names = mem_array(R->a, g->n_output + 1, sizeof(char *));
    for (size_t i = 0; i < g->n_output; i++)
        R->out_names[i] = unique_name(R, g->output[i]->name ? g->output[i]->name : "");
    for (size_t i = 0; i < g->n_node; i++) {
        R->node = g->node[i];
        if (!map_node(R))
            return false;
    }
    R->node = NULL;
    if (!g->n_output)
        return fail(R, "its graph has no output");
    ImpGraph *ig = R->g;
    ig->outputs = mem_array(R->a, g->n_output + 1, sizeof(char *));
    for (size_t i = 0; i < g->n_output; i++) {
        const char *name = g->output[i]->name ? g->output[i]->name : "";
        if (!map_output(R, name, &ig->outputs[ig->noutputs]))
            return false;
        for (int k = 0; k < ig->noutputs; k++)
            if (!strcmp(ig->outputs[k], ig->outputs[ig->noutputs]))
                return fail(R, "outputs '%s' and '%s' are the same value; a .bnn network "
                               "names each of its outputs once",
                            g->output[k]->name ? g->output[k]->name : "", name);
        ig->noutputs++;
    }
    if (!R->layers.n)
        return fail(R, "its graph has no node bnnc computes");
    name_outputs(R, g);
    ig->ninputs = R->inputs.n;
    ig->inputs = mem_array(R->a, (size_t)R->inputs.n + 1, sizeof(ImpInput));
    for (int i = 0; i < R->inputs.n; i++)
        ig->inputs[i] = *(ImpInput *)R->inputs.v[i];
    ig->nlayers = R->layers.n;
    ig->layers = mem_array(R->a, (size_t)R->layers.n + 1, sizeof(ImpLayer));
    for (int i = 0; i < R->layers.n; i++)
        ig->layers[i] = *(ImpLayer *)R->layers.v[i];
    if (!ig->nlayers)
        return fail(R, "its graph has no node bnnc computes");
    return true;
}

int import_onnx(Ctx *c, const char *path, ImpGraph *g) {
    int64_t size;
    FILE *f = src_open(c, path, "the model ", "model", loc_none(), &size);
    if (!f)
        return EXIT_INPUT;
    unsigned char *buf;
    size_t len;
    size_t max = (size_t)BNNC_MAX_RUN_BYTES;
    bool ok = src_read_rest(c, f, path, max, size > 0 ? (size_t)size : 0, &buf, &len);
    fclose(f);
    if (!ok)
        return EXIT_INPUT;
    if (len > max) {
        diag_plain(c, "cannot read the model '%s': file is larger than %lld MiB (protobuf's "
                      "limit)", path, (long long)(BNNC_MAX_RUN_BYTES >> 20));
        free(buf);
        return EXIT_INPUT;
    }
    int rc = import_onnx_parse(c, path, buf, len, g);
    free(buf);
    return rc;
}

int import_onnx_parse(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                      ImpGraph *g) {
    Budget b = {.limit = (size_t)BNNC_MAX_RUN_BYTES};
    ProtobufCAllocator al = {budget_alloc, budget_free, &b};
    Onnx__ModelProto *m = onnx__model_proto__unpack(&al, len, buf);
    if (!m) {
        if (b.refused)
            diag_plain(c, "'%s' would take more than %lld MiB to read", path,
                       (long long)(BNNC_MAX_RUN_BYTES >> 20));
        else
            diag_plain(c, "'%s' is not an ONNX model: its bytes are not a protobuf ModelProto "
                          "(a corrupt or truncated file, or another format)", path);
        return EXIT_INPUT;
    }
    Reader R = {.c = c, .g = g, .a = g->a, .path = path};
    strmap_init(&R.vals, g->a, false);
    strmap_init(&R.names, g->a, false);
    g->format = "ONNX";
    bool ok = read_graph(&R, m);
    onnx__model_proto__free_unpacked(m, &al);
    if (ok && R.signs)
        diag_warn(c, loc_none(),
                  "'%s': ONNX's Sign gives 0 for an input of 0 and bnnc's sign gives +1: "
                  "where the input of one of its Sign nodes (%d; the first '%s') is exactly "
                  "0, the outputs differ (docs/import.md)",
                  path, R.signs, R.first_sign);
    return ok ? EXIT_OK : EXIT_INPUT;
}
