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
 *     tensor of the network, kept as bnnc lays it out: a [1, C, H, W]
 *     value of the model is bnnc's [H, W, C] ("spatial"), a [1, N] value
 *     bnnc's [N] ("flat"), possibly holding a flattened [C, H, W] in
 *     bnnc's (h, w, c) order (a "permuted" flat value: the rows of the
 *     dense layer that reads it are permuted to match);
 *   - weights whose values are all -1 or +1 make a binary layer; -c and +c
 *     per output channel a binary layer and a scale; others a float layer;
 *   - what the language cannot say yet is said with the operations it has
 *     where that is exact (a bias, a batchnorm's own epsilon, a constant
 *     scale or offset: a batchnorm whose folded scale and shift are exactly
 *     those wanted), and is an error naming the node and the missing
 *     feature where it is not.
 *
 * Nothing is approximated: an attribute the mapping does not cover, a
 * padding bnnc cannot reproduce, a non-constant weight are errors that
 * name the node, its type and why.
 */
#include "bnnc.h"
#include "import.h"
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

typedef enum { V_CONST, V_SPATIAL, V_FLAT, V_STE_DIFF } VKind;

/* A value of the model. */
typedef struct {
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
     * its element type and layout. */
    const char *ref;
    DType type;
    int64_t H, W, C;           /* V_SPATIAL */
    int64_t N;                 /* V_FLAT */
    int64_t pc, ph, pw;        /* V_FLAT from a [C, H, W] in (h, w, c) order; pc 0: none */
    float scale;               /* a b1 value times this (BipolarQuant); 0: none */
    const char *scale_ref;     /* that product made into a layer, once needed */
    const char *ste_of;        /* V_STE_DIFF: sign(x) - x of this x */
    const char *ste_sign;      /* and the sign's value */
} Val;

typedef struct {
    Ctx *c;
    ImpGraph *g;
    Arena *a;
    const char *path;
    /* values by name: open addressing */
    Val **slot;
    size_t cap, n;
    PtrVec layers;             /* ImpLayer* */
    PtrVec inputs;             /* ImpInput* */
    /* the reader's layer names, to keep them unique */
    const char **names;
    size_t ncap, nnames;
    int opset;                 /* of the default domain */
    const Onnx__NodeProto *node;   /* being mapped, for errors */
    bool failed;               /* an error out_like reported */
    int64_t elems, params, macs;   /* the network's totals so far */
    int64_t folded;            /* elements of the constants computed */
    int signs;                 /* ONNX Sign nodes mapped */
    const char *first_sign;
    const char *out_label;     /* the graph output being mapped */
} Reader;

static void grow(Reader *R) {
    size_t cap = R->cap ? 2 * R->cap : 256;
    Val **s = mem_array(R->a, cap, sizeof *s);
    for (size_t i = 0; i < R->cap; i++) {
        if (!R->slot[i])
            continue;
        size_t k = (size_t)str_hash(R->slot[i]->name) & (cap - 1);
        while (s[k])
            k = (k + 1) & (cap - 1);
        s[k] = R->slot[i];
    }
    R->slot = s;
    R->cap = cap;
}

static Val *lookup(Reader *R, const char *name) {
    if (!R->cap)
        return NULL;
    size_t k = (size_t)str_hash(name) & (R->cap - 1);
    while (R->slot[k] && strcmp(R->slot[k]->name, name))
        k = (k + 1) & (R->cap - 1);
    return R->slot[k];
}

/* Binds name (a later binding of the same name replaces it). */
static Val *bind(Reader *R, const char *name) {
    if (2 * (R->n + 1) > R->cap)
        grow(R);
    size_t k = (size_t)str_hash(name) & (R->cap - 1);
    while (R->slot[k] && strcmp(R->slot[k]->name, name))
        k = (k + 1) & (R->cap - 1);
    if (!R->slot[k])
        R->n++;
    Val *v = mem_alloc(R->a, sizeof *v);
    v->name = mem_strdup(R->a, name);
    R->slot[k] = v;
    return v;
}

/* A layer name not given yet, made of base. */
static const char *unique_name(Reader *R, const char *base) {
    base = mem_strdup(R->a, base); /* the model's strings are freed after reading */
    const char *s = base;
    for (int k = 2;; k++) {
        bool used = false;
        size_t h = (size_t)str_hash(s);
        if (R->ncap) {
            size_t i = h & (R->ncap - 1);
            while (R->names[i] && !(used = strcmp(R->names[i], s) == 0))
                i = (i + 1) & (R->ncap - 1);
        }
        if (!used)
            break;
        s = mem_printf(R->a, "%s_%d", base, k);
    }
    if (2 * (R->nnames + 1) > R->ncap) {
        size_t cap = R->ncap ? 2 * R->ncap : 256;
        const char **t = mem_array(R->a, cap, sizeof *t);
        for (size_t i = 0; i < R->ncap; i++)
            if (R->names[i]) {
                size_t j = (size_t)str_hash(R->names[i]) & (cap - 1);
                while (t[j])
                    j = (j + 1) & (cap - 1);
                t[j] = R->names[i];
            }
        R->names = t;
        R->ncap = cap;
    }
    size_t i = (size_t)str_hash(s) & (R->ncap - 1);
    while (R->names[i])
        i = (i + 1) & (R->ncap - 1);
    R->names[i] = s;
    R->nnames++;
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

/* A missing feature of the language: the node cannot be mapped exactly. */
static bool lacks(Reader *R, const char *what, const char *feature) {
    return fail(R, "%s; the .bnn language has no %s yet (docs/import.md)", what, feature);
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

static int64_t elems_of(int rank, const int64_t *d) {
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= d[i];
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
    return v->kind == V_SPATIAL ? v->C : v->N;
}

/* The position in the model's order of the element at bnnc position j of
 * a permuted flat value (bnnc (h, w, c) of a model [C, H, W]). */
static int64_t model_index(const Val *v, int64_t j) {
    if (!v->pc)
        return j;
    int64_t c = j % v->pc, hw = j / v->pc;
    return c * v->ph * v->pw + hw;
}

/* y = x * scale[c] + shift[c], exactly: a batchnorm whose folded scale and
 * shift (docs/semantics.md section 2) are these floats. Its gamma is the
 * scale and its beta the shift, with mean 0 and variance 0.999f: the fold
 * divides by sqrt(0.999f + 0.001) = 1.0000000064, which moves no float by
 * half an ulp, so the scale is the gamma given and the shift the beta
 * given, to the bit. Until batchnorm takes its own epsilon (docs/import.md). */
static const char *affine(Reader *R, const char *in, int64_t C, const float *scale,
                          const float *shift, const char *suffix) {
    ImpLayer *l = add_layer(R, mem_printf(R->a, "%s%s", label(R), suffix), "batchnorm", "", 1,
                            in, NULL);
    int64_t d[1] = {C};
    float *g = add_tensor(R, l, "gamma", 1, d), *b = add_tensor(R, l, "beta", 1, d);
    float *m = add_tensor(R, l, "mean", 1, d), *var = add_tensor(R, l, "variance", 1, d);
    for (int64_t i = 0; i < C; i++) {
        g[i] = scale[i];
        b[i] = shift[i];
        m[i] = 0.0f;
        var[i] = 0.999f;
    }
    return l->name;
}

/* The bnnc value of v, with a pending BipolarQuant scale made a layer. */
static const char *use(Reader *R, Val *v) {
    if (v->scale == 0.0f || v->scale == 1.0f)
        return v->ref;
    if (!v->scale_ref) {
        int64_t C = chans(v);
        float *s = mem_array(R->a, (size_t)C + 1, sizeof(float));
        float *z = mem_array(R->a, (size_t)C + 1, sizeof(float));
        for (int64_t i = 0; i < C; i++)
            s[i] = v->scale;
        v->scale_ref = affine(R, v->ref, C, s, z, "_scale");
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
    return v;
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
    bool *set = mem_array(R->a, (size_t)C + 1, sizeof(bool));
    int64_t total = elems_of(r, x->dims), idx[IMP_MAX_RANK] = {0};
    if (total != (x->kind == V_SPATIAL ? x->H * x->W * x->C : x->N))
        goto bad;
    for (int64_t e = 0; e < total; e++) {
        /* e in the model's order: its bnnc channel, and k's element */
        int64_t ko = 0, ch;
        for (int i = 0; i < r; i++)
            ko = ko * kd[i] + (kd[i] == 1 ? 0 : idx[i]);
        if (x->kind == V_SPATIAL) {
            ch = idx[1];
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
            return fail(R, "its %s varies within a channel; bnnc's per-channel operations "
                           "(batchnorm, prelu) take one value per channel, and the .bnn "
                           "language has no element-wise 'mul' yet (docs/import.md)",
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
    int pad;                   /* 0 valid, 1 same */
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
        s = mem_printf(R->a, "%s, padding = same", s);
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
    /* a BipolarQuant scale of the input: the products are scaled after */
    float in_scale = x->scale != 0.0f && x->scale != 1.0f && bin ? x->scale : 1.0f;
    const char *in = in_scale != 1.0f ? x->ref : use(R, x);
    int64_t out = elems_of(like->rank, like->dims);
    if (nin > 0 && out > (BNNC_MAX_MACS - R->macs) / nin)
        return fail(R, "the network would need more than 2^60 multiply-accumulates");
    R->macs += out * nin;
    ImpLayer *l = add_layer(R, node_label(R->node), bin ? op_binary : op_float, attrs, 1, in,
                            NULL);
    float *t = add_tensor(R, l, "weight", wrank, wshape);
    for (int64_t i = 0; i < nin * nout; i++)
        t[i] = bin ? (w[i] > 0 ? 1.0f : -1.0f) : w[i];
    DType type = bin && x->type == DT_B1 ? DT_I32 : DT_F32;
    const char *ref = l->name;
    bool need_scale = bin && (!all_one || in_scale != 1.0f);
    if (need_scale || bias) {
        float *sc = mem_array(R->a, (size_t)nout + 1, sizeof(float));
        float *sh = mem_array(R->a, (size_t)nout + 1, sizeof(float));
        for (int64_t o = 0; o < nout; o++) {
            sc[o] = bin ? c[o] * in_scale : 1.0f;
            sh[o] = bias ? bias[o] : 0.0f;
            if (!isfinite(sc[o]))
                return fail(R, "its weights times its input's scale overflow a float");
        }
        ref = affine(R, ref, nout, sc, sh, need_scale ? "_scale" : "_bias");
        type = DT_F32;
    }
    out_like(R, 0, like, ref, type);
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
    if (x->kind != V_SPATIAL)
        return fail(R, "its input '%s' is not a [1, C, H, W] tensor", x->name);
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
    if (x->kind != V_FLAT || x->rank != 2 || x->dims[0] != 1)
        return fail(R, "its input '%s' is not a [1, N] tensor", x->name);
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
    if (!x)
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
    if (x->kind == V_FLAT && x->N != C)
        return fail(R, "its input '%s' has %lld channels of more than one element; bnnc's "
                       "flat tensors have one per channel", x->name, (long long)C);
    double eps = attr_float(R->node, "epsilon", 1e-5);
    int64_t n = chans(x);
    float *sc = mem_array(R->a, (size_t)n + 1, sizeof(float));
    float *sh = mem_array(R->a, (size_t)n + 1, sizeof(float));
    for (int64_t j = 0; j < n; j++) {
        int64_t i = x->kind == V_FLAT ? model_index(x, j) : j;
        double var = p[3]->v[i] + eps;
        if (!(var > 0))
            return fail(R, "its variance plus epsilon is %g for channel %lld; it must be "
                           "positive", var, (long long)i);
        double d = sqrt(var);
        sc[j] = (float)(p[0]->v[i] / d);
        sh[j] = (float)(p[1]->v[i] - p[2]->v[i] * p[0]->v[i] / d);
        if (!isfinite(sc[j]) || !isfinite(sh[j]))
            return fail(R, "its folded scale or shift for channel %lld is not a finite float",
                        (long long)i);
    }
    out_like(R, 0, x, affine(R, use(R, x), n, sc, sh, ""), DT_F32);
    return true;
}

/* Mul, Add, Sub, Div with one constant operand: a batchnorm. */
static bool map_arith_const(Reader *R, Val *x, Val *k, bool k_first) {
    const char *op = R->node->op_type;
    int64_t n = chans(x);
    float *kv = per_channel(R, x, k, "constant");
    if (!kv)
        return false;
    float *sc = mem_array(R->a, (size_t)n + 1, sizeof(float));
    float *sh = mem_array(R->a, (size_t)n + 1, sizeof(float));
    for (int64_t j = 0; j < n; j++) {
        sc[j] = 1.0f;
        sh[j] = 0.0f;
        float c = kv[j];
        if (!strcmp(op, "Mul")) {
            sc[j] = c;
        } else if (!strcmp(op, "Add")) {
            sh[j] = c;
        } else if (!strcmp(op, "Sub")) {
            if (k_first)
                sc[j] = -1.0f, sh[j] = c; /* c - x = x * -1 + c */
            else
                sh[j] = -c;
        } else {
            /* x / c is x * (1 / c) to the bit when 1 / c is exact: a power of two */
            int e;
            float m = frexpf(c, &e);
            if (k_first || !(m == 0.5f || m == -0.5f) || !isfinite(1.0f / c))
                return lacks(R, k_first ? "it divides a constant by a tensor"
                                        : "it divides by a constant that is not a power of "
                                          "two (x * (1 / c) is not x / c to the bit)",
                             "division");
            sc[j] = 1.0f / c;
        }
    }
    const char *in = use(R, x);
    out_like(R, 0, x, affine(R, in, n, sc, sh, ""), DT_F32);
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
    if (!strcmp(op, "Mul") || !strcmp(op, "Div"))
        return lacks(R, mem_printf(R->a, "it %s two tensors of the network",
                                   op[0] == 'M' ? "multiplies" : "divides"),
                     "element-wise 'mul'");
    if (!same_layout(x, y))
        return fail(R, "its inputs '%s' and '%s' differ in shape; bnnc's 'add' takes equal "
                       "shapes (the .bnn language has no broadcasting yet)", x->name, y->name);
    const char *yr = use(R, y);
    if (!strcmp(op, "Sub")) {
        int64_t n = chans(y);
        float *sc = mem_array(R->a, (size_t)n + 1, sizeof(float));
        float *sh = mem_array(R->a, (size_t)n + 1, sizeof(float));
        for (int64_t j = 0; j < n; j++)
            sc[j] = -1.0f, sh[j] = 0.0f;
        yr = affine(R, yr, n, sc, sh, "_neg");
    }
    const char *xr = use(R, x);
    ImpLayer *l = add_layer(R, node_label(R->node), "add", "", 2, xr, yr);
    bool ints = x->type == DT_I32 && y->type == DT_I32 && !strcmp(op, "Add");
    out_like(R, 0, x, l->name, ints ? DT_I32 : DT_F32);
    return true;
}

static bool map_prelu(Reader *R, bool leaky) {
    static const char *const kp[] = {NULL};
    static const char *const kl[] = {"alpha", NULL};
    if (!known_attrs(R, leaky ? kl : kp))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x)
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

/* sign(x * 1 + shift) then, unless lo/hi are -1/+1, y = b * gamma + beta
 * with b's -1 giving lo and +1 hi exactly; thr: +1 when x >= thr[c]. */
static bool threshold_out(Reader *R, Val *x, const float *thr, const float *lo,
                          const float *hi) {
    int64_t n = chans(x);
    float *one = mem_array(R->a, (size_t)n + 1, sizeof(float));
    float *sh = mem_array(R->a, (size_t)n + 1, sizeof(float));
    bool zero = true, bip = true;
    for (int64_t j = 0; j < n; j++) {
        one[j] = 1.0f;
        sh[j] = -thr[j];
        zero &= thr[j] == 0.0f;
        bip &= lo[j] == -1.0f && hi[j] == 1.0f;
    }
    const char *in = use(R, x);
    /* x >= t exactly when x - t >= 0 (a difference of floats is 0 only
     * when they are equal); with t = 0, sign alone */
    if (!zero)
        in = affine(R, in, n, one, sh, "_threshold");
    ImpLayer *l = add_layer(R, mem_printf(R->a, "%s%s", node_label(R->node), bip ? "" : "_sign"),
                            "sign", "", 1, in, NULL);
    if (bip) {
        out_like(R, 0, x, l->name, DT_B1);
        return true;
    }
    float *ga = mem_array(R->a, (size_t)n + 1, sizeof(float));
    float *be = mem_array(R->a, (size_t)n + 1, sizeof(float));
    for (int64_t j = 0; j < n; j++) {
        ga[j] = (hi[j] - lo[j]) / 2.0f;
        be[j] = (hi[j] + lo[j]) / 2.0f;
        float yl = -1.0f * ga[j] + be[j], yh = 1.0f * ga[j] + be[j];
        if (yl != lo[j] || yh != hi[j] || !isfinite(ga[j]) || !isfinite(be[j]))
            return lacks(R, mem_printf(R->a, "its two output levels %g and %g are not a "
                                             "batchnorm of -1 and +1 to the bit",
                                       (double)lo[j], (double)hi[j]),
                         "threshold activation with output levels");
    }
    out_like(R, 0, x, affine(R, l->name, n, ga, be, ""), DT_F32);
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
    if (!scalar(s, &sv) && !(sc = per_channel(R, x, s, "scale")))
        return false;
    ImpLayer *l = add_layer(R, node_label(R->node), "sign", "", 1, use(R, x), NULL);
    Val *o = out_like(R, 0, x, l->name, DT_B1);
    if (!sc) {
        if (!(sv != 0) || !isfinite(sv))
            return fail(R, "its scale is %g", sv);
        o->scale = (float)sv;
        return true;
    }
    int64_t n = chans(x);
    float *z = mem_array(R->a, (size_t)n + 1, sizeof(float));
    o->ref = affine(R, l->name, n, sc, z, "_scale");
    o->type = DT_F32;
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

static bool map_quant(Reader *R) {
    QuantSpec q;
    double bits;
    Val *s, *z;
    if (!quant_spec(R, &q, &bits, &s, &z))
        return false;
    Val *x = tensor_in(R, 0);
    if (!x)
        return false;
    if (bits != 1)
        return lacks(R, mem_printf(R->a, "it quantises a tensor of the network to %g bits",
                                   bits),
                     "multi-bit (multi-threshold) activation");
    float *sc = per_channel(R, x, s, "scale"), *zc = per_channel(R, x, z, "zero point");
    if (!sc || !zc)
        return false;
    int64_t n = chans(x);
    float *thr = mem_array(R->a, (size_t)n + 1, sizeof(float));
    float *lo = mem_array(R->a, (size_t)n + 1, sizeof(float));
    float *hi = mem_array(R->a, (size_t)n + 1, sizeof(float));
    for (int64_t j = 0; j < n; j++) {
        if (!(sc[j] > 0) || !isfinite(sc[j]))
            return fail(R, "its scale for channel %lld is %g; bnnc import takes a positive "
                           "scale", (long long)j, (double)sc[j]);
        /* the least float giving the higher level; q is monotone in x */
        double qmax = quant_q(INFINITY, sc[j], zc[j], q.lo, q.hi, q.mode);
        double qmin = quant_q(-INFINITY, sc[j], zc[j], q.lo, q.hi, q.mode);
        if (qmax == qmin || isnan(qmax) || isnan(qmin))
            return fail(R, "its output is one value for every input (channel %lld)",
                        (long long)j);
        int64_t lo_k = ford(-INFINITY), hi_k = ford(INFINITY);
        while (lo_k + 1 < hi_k) {
            int64_t mid = lo_k + (hi_k - lo_k) / 2;
            if (quant_q(unord(mid), sc[j], zc[j], q.lo, q.hi, q.mode) == qmax)
                hi_k = mid;
            else
                lo_k = mid;
        }
        thr[j] = unord(hi_k);
        if (!isfinite(thr[j]))
            return fail(R, "its threshold for channel %lld is not finite", (long long)j);
        lo[j] = (float)(((float)qmin - zc[j]) * sc[j]);
        hi[j] = (float)(((float)qmax - zc[j]) * sc[j]);
    }
    return threshold_out(R, x, thr, lo, hi);
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
    if (x->kind == V_SPATIAL && strcmp(layout, "NCHW"))
        return fail(R, "its data_layout is '%s'; the model's tensors are NCHW", layout);
    int64_t n = chans(x);
    if (t->rank != 2 || (t->dims[0] != 1 && t->dims[0] != (x->rank >= 2 ? x->dims[1] : -1)))
        return fail(R, "its thresholds are not [C, T] or [1, T]");
    if (t->dims[1] != 1)
        return lacks(R, mem_printf(R->a, "it has %lld thresholds per channel",
                                   (long long)t->dims[1]),
                     "multi-threshold activation");
    if (x->kind == V_FLAT && x->N != x->dims[1] && t->dims[0] != 1)
        return fail(R, "its input's channels hold more than one element");
    float os = (float)attr_float(R->node, "out_scale", 1.0);
    float ob = (float)attr_float(R->node, "out_bias", 0.0);
    const char *dt = attr_str(R, R->node, "out_dtype", "");
    float *thr = mem_array(R->a, (size_t)n + 1, sizeof(float));
    float *lo = mem_array(R->a, (size_t)n + 1, sizeof(float));
    float *hi = mem_array(R->a, (size_t)n + 1, sizeof(float));
    for (int64_t j = 0; j < n; j++) {
        int64_t i = t->dims[0] == 1 ? 0 : x->kind == V_FLAT ? model_index(x, j) : j;
        thr[j] = (float)t->v[i];
        if ((double)thr[j] != t->v[i] && !isnan(t->v[i]))
            return fail(R, "its threshold %g is not a float", t->v[i]);
        if (!isfinite(thr[j]))
            return fail(R, "its threshold for channel %lld is not finite", (long long)j);
        lo[j] = os * 0.0f + ob;
        hi[j] = os * 1.0f + ob;
        if (!strcmp(dt, "BIPOLAR")) {
            lo[j] = 2.0f * lo[j] - 1.0f;
            hi[j] = 2.0f * hi[j] - 1.0f;
        }
    }
    return threshold_out(R, x, thr, lo, hi);
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
    if (!x)
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
    if (!x)
        return false;
    if (x->kind != V_SPATIAL)
        return fail(R, "its input '%s' is not a [1, C, H, W] tensor", x->name);
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
    if (!x)
        return false;
    if (x->kind != V_SPATIAL)
        return fail(R, "its input '%s' is not a [1, C, H, W] tensor", x->name);
    ImpLayer *l = add_layer(R, node_label(R->node), "global_avgpool", "", 1, use(R, x), NULL);
    Val like = *x;
    like.kind = V_FLAT;
    like.N = x->C;
    like.dims[2] = like.dims[3] = 1;
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
    int64_t axis = attr_int(n, "axis", 1);
    if (axis < 0)
        axis += xs[0]->rank;
    if (axis != 1)
        return fail(R, "it joins along axis %lld; bnnc's concat joins channels (axis 1)",
                    (long long)axis);
    int64_t sum = 0;
    for (size_t i = 0; i < n->n_input; i++) {
        Val *x = xs[i];
        bool ok = x->kind == xs[0]->kind && !x->pc && x->rank == xs[0]->rank;
        for (int d = 0; ok && d < x->rank; d++)
            ok = d == 1 || x->dims[d] == xs[0]->dims[d];
        if (x->kind == V_FLAT)
            ok = ok && x->N == x->dims[1];
        if (!ok)
            return fail(R, "its inputs '%s' and '%s' do not join along channels in bnnc's "
                           "layout", xs[0]->name, x->name);
        sum += x->dims[1];
    }
    if (n->n_input == 1) {
        out_like(R, 0, xs[0], use(R, xs[0]), xs[0]->type);
        return true;
    }
    ImpLayer *l = add_layer(R, node_label(n), "concat", "", (int)n->n_input, use(R, xs[0]),
                            n->n_input > 1 ? use(R, xs[1]) : NULL);
    DType t = xs[0]->type;
    for (size_t i = 0; i < n->n_input; i++) {
        l->inputs[i] = use(R, xs[i]);
        if (xs[i]->type != t || (xs[i]->scale != 0 && xs[i]->scale != 1))
            t = DT_F32;
    }
    Val like = *xs[0];
    like.dims[1] = sum;
    if (like.kind == V_SPATIAL)
        like.C = sum;
    else
        like.N = sum;
    out_like(R, 0, &like, l->name, t);
    return true;
}

/* Flatten, Reshape, Squeeze, Unsqueeze to the model shape d (rank r):
 * the same elements in the same order, so bnnc needs at most a flatten. */
static bool reshape_to(Reader *R, Val *x, int r, const int64_t *d) {
    int64_t total = elems_of(x->rank, x->dims);
    if (elems_of(r, d) != total)
        return fail(R, "its shape has %lld elements, its input %lld",
                    (long long)elems_of(r, d), (long long)total);
    bool same = r == x->rank;
    for (int i = 0; same && i < r; i++)
        same = d[i] == x->dims[i];
    Val like = *x;
    like.rank = r;
    memcpy(like.dims, d, sizeof(int64_t) * (size_t)r);
    if (same) {
        Val *o = out_like(R, 0, &like, x->ref, x->type);
        o->scale = x->scale;
        o->scale_ref = x->scale_ref;
        return true;
    }
    /* a flat-like shape: a batch of one, at most one other dimension
     * above 1 ([1, N], [1, N, 1, 1]) */
    int nbig = 0;
    for (int i = 1; i < r; i++)
        nbig += d[i] != 1;
    bool flat = r >= 1 && d[0] == 1 && nbig <= 1;
    if (flat && x->kind == V_FLAT) {
        Val *o = out_like(R, 0, &like, x->ref, x->type);
        o->scale = x->scale;
        o->scale_ref = x->scale_ref;
        return true;
    }
    if (flat && x->kind == V_SPATIAL) {
        ImpLayer *l = add_layer(R, node_label(R->node), "flatten", "", 1, x->ref, NULL);
        like.kind = V_FLAT;
        like.N = total;
        like.pc = like.ph = like.pw = 0;
        if (x->C > 1 && x->H * x->W > 1)
            like.pc = x->C, like.ph = x->H, like.pw = x->W;
        Val *o = out_like(R, 0, &like, l->name, x->type);
        o->scale = x->scale;
        return true;
    }
    char want[200] = "";
    size_t l = 0;
    for (int i = 0; i < r && l < sizeof want; i++)
        l += (size_t)snprintf(want + l, sizeof want - l, "%s%lld", i ? ", " : "", (long long)d[i]);
    return lacks(R, mem_printf(R->a, "it reshapes '%s' to [%s]", x->name, want), "'reshape'");
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
        for (int i = 0; i < x->rank; i++)
            *(i < axis ? &a : &b) *= x->dims[i];
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
            known_n *= d[i];
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
                axes[na++] = (int64_t)av->v[i];
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
    const Onnx__AttributeProto *p = attr(R->node, "perm");
    bool id = p && p->n_ints == (size_t)x->rank;
    for (size_t i = 0; id && i < p->n_ints; i++)
        id = p->ints[i] == (int64_t)i;
    /* moving axes of size 1 only keeps the order too */
    if (!id && p && p->n_ints == (size_t)x->rank) {
        int64_t prev = -1;
        id = true;
        for (size_t i = 0; id && i < p->n_ints; i++) {
            int64_t a = p->ints[i];
            if (a < 0 || a >= x->rank)
                return fail(R, "its perm is out of range");
            if (x->dims[a] == 1)
                continue;
            id = a > prev;
            prev = a;
        }
        if (id) {
            int64_t d[IMP_MAX_RANK];
            for (int i = 0; i < x->rank; i++)
                d[i] = x->dims[p->ints[i]];
            return reshape_to(R, x, x->rank, d);
        }
    }
    if (!id)
        return lacks(R, mem_printf(R->a, "it transposes '%s'", x->name), "'transpose'");
    Val *o = out_like(R, 0, x, x->ref, x->type);
    o->scale = x->scale;
    o->scale_ref = x->scale_ref;
    return true;
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
        return lacks(R, "it is a Sigmoid", "'sigmoid'");
    if (!strcmp(op, "Slice"))
        return lacks(R, "it slices a tensor", "'slice'");
    if (!strcmp(op, "Pad"))
        return lacks(R, "it pads a tensor", "'pad'");
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
    if (r > IMP_MAX_RANK || r < 1)
        return fail(R, "input '%s' has %zu dimensions", name, r);
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
    if (d[0] != 1 || (r != 2 && r != 4))
        return fail(R, "input '%s' is not [1, C, H, W] or [1, N] (a batch of one)", name);
    if (lookup(R, name))
        return fail(R, "input '%s' is declared twice", name);
    Val *v = bind(R, name);
    ImpInput *in = mem_alloc(R->a, sizeof *in);
    in->name = unique_name(R, name);
    in->type = dt;
    v->kind = r == 4 ? V_SPATIAL : V_FLAT;
    v->rank = (int)r;
    memcpy(v->dims, d, sizeof(int64_t) * r);
    v->ref = in->name;
    v->type = dt;
    if (r == 4) {
        v->C = d[1], v->H = d[2], v->W = d[3];
        in->rank = 3;
        in->shape[0] = d[2], in->shape[1] = d[3], in->shape[2] = d[1];
    } else {
        v->N = d[1];
        in->rank = 1;
        in->shape[0] = d[1];
    }
    vec_push(R->a, &R->inputs, in);
    R->elems += e; /* as sema counts them */
    return true;
}

static bool map_output(Reader *R, const char *name, const char **ref) {
    Val *v = lookup(R, name);
    R->out_label = mem_strdup(R->a, name);
    if (!v)
        return fail(R, "output '%s' is not computed by any node", name);
    if (v->kind == V_CONST)
        return fail(R, "output '%s' is a constant", name);
    if (v->kind == V_STE_DIFF)
        return fail(R, "output '%s' is the difference of a Sign and its input", name);
    if (v->pc)
        return lacks(R, mem_printf(R->a, "output '%s' is a flattened [%lld, %lld, %lld] whose "
                                         "elements bnnc orders (h, w, c), not (c, h, w)",
                                   name, (long long)v->pc, (long long)v->ph, (long long)v->pw),
                     "'transpose'");
    *ref = use(R, v);
    return true;
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
