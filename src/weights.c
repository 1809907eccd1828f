/*
 * weights.c: a network's parameters, from a safetensors file or a seed.
 *
 * Every layer with parameters has tensors named after it (docs/weights.md):
 * NAME.weight for conv2d and bconv2d [Kh, Kw, Ci/g, Co], depthwise_conv2d
 * [Kh, Kw, C, multiplier], dense and bdense [N, units]; NAME.gamma,
 * NAME.beta, NAME.mean and NAME.variance [C] for batchnorm; NAME.alpha [C]
 * for prelu (the layer's shape with per_element = yes); NAME.thresholds [C, levels] for thresholds, sorted per
 * channel. A threshold (a batchnorm folded into a sign by a pass) needs
 * the tensors of the batchnorm it folds.
 *
 * A safetensors file is an 8-byte little-endian header length, a JSON
 * header mapping each tensor name to its dtype, shape and data offsets
 * (relative to the data that follows the header), and an optional
 * "__metadata__" object. The loader checks the file against the graph and
 * reports every problem, naming the tensor. It reads a file's header
 * first and its data only when the header fits the network and the data
 * is no more than the network's tensors take: no file makes it read more
 * (docs/robustness.md section 2). Binary weights are read by the file's
 * encoding ("bnnc.binary_encoding" in "__metadata__"; without it I8 must
 * hold -1 and +1, and F32 latent weights are binarised with v >= 0 as +1),
 * and batchnorms folded into a scale and a shift per channel
 * (docs/semantics.md section 2).
 *
 * Random parameters come from splitmix64 seeded with a hash of the seed
 * and the tensor's name, so a tensor's values depend on nothing else.
 */
#include "bnnc.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_HEADER ((uint64_t)100 << 20)
/* The header a network's file may have: 1 MiB (metadata, padding), and 1
 * KiB a tensor (its name, dtype, shape and offsets take a tenth of it). A
 * header is parsed whole, into some 20 times its size. */
#define HEADER_BASE ((uint64_t)1 << 20)
#define HEADER_PER_TENSOR 1024

typedef enum {
    P_WEIGHT, P_GAMMA, P_BETA, P_MEAN, P_VARIANCE, P_ALPHA, P_THRESHOLDS, P_BIAS, P_SCALE,
    P_COUNT
} ParamKind;
static const char *const suffix[P_COUNT] = {"weight", "gamma", "beta",       "mean", "variance",
                                            "alpha",  "thresholds", "bias", "scale"};

/* One tensor the graph needs. */
typedef struct {
    const char *name;          /* LAYER.suffix */
    const char *layer;
    const IrNode *node;        /* the layer (for a threshold: the threshold) */
    ParamKind kind;
    int rank;
    int64_t dims[4];
    int64_t elems;
    bool binary;               /* binary weights: F32 or I8, binarised */
    bool found;
} Need;

/* How a file stores binary weights (docs/weights.md section 1): its
 * "__metadata__" key "bnnc.binary_encoding", else by dtype: I8 as -1/+1,
 * F32 as latent values binarised by sign. */
typedef enum { ENC_DEFAULT, ENC_PM1, ENC_01, ENC_SIGN } BinaryEncoding;
static const char *const enc_name[] = {"", "pm1", "01", "sign"};

typedef struct {
    Need *v;
    int n;
    LayerParams *lp;           /* one per layer with parameters */
    int nlp;
    BinaryEncoding enc;        /* the file's, ENC_DEFAULT when it names none */
} Needs;

static int cmp_need(const void *a, const void *b) {
    return strcmp(((const Need *)a)->name, ((const Need *)b)->name);
}

static int cmp_lp(const void *a, const void *b) {
    return strcmp(((const LayerParams *)a)->layer, ((const LayerParams *)b)->layer);
}

static void add_need(Ctx *c, Needs *s, const IrNode *n, const char *layer, ParamKind k,
                     int rank, const int64_t *dims, bool binary) {
    Need *e = &s->v[s->n++];
    e->name = mem_printf(&c->arena, "%s.%s", layer, suffix[k]);
    e->layer = layer;
    e->node = n;
    e->kind = k;
    e->rank = rank;
    e->elems = 1;
    for (int i = 0; i < rank; i++) {
        e->dims[i] = dims[i];
        e->elems *= dims[i];
    }
    e->binary = binary;
}

/* The tensors graph g needs, sorted by name, and an empty LayerParams for
 * each layer with parameters (sorted by layer name as well). False after
 * reporting when they take more than BNNC_MAX_RUN_BYTES as floats. */
static int tensors_of(const IrNode *n) {
    switch (n->op) {
    case OP_CONV2D: case OP_BCONV2D: case OP_DEPTHWISE_CONV2D: case OP_DENSE: case OP_BDENSE:
        return 1 + ir_flag(n, A_BIAS) + ir_flag(n, A_SCALED);
    case OP_PRELU: case OP_THRESHOLDS:
        return 1;
    case OP_BATCHNORM: case OP_THRESHOLD:
        /* mean and variance, gamma unless scale = no, beta unless center
         * = no (a threshold has the attributes of the batchnorm it folds) */
        return 2 + ir_flag(n, A_SCALE) + ir_flag(n, A_CENTER);
    default:
        return 0;
    }
}

static bool list_needs(Ctx *c, const IrGraph *g, Needs *s) {
    int64_t bytes = 0;
    size_t ntensors = 0, nlayers = 0;
    for (int i = 0; i < g->nodes.n; i++) {
        int k = tensors_of(g->nodes.v[i]);
        ntensors += (size_t)k;
        nlayers += k > 0;
    }
    s->v = mem_array(&c->arena, ntensors + 1, sizeof(Need));
    s->lp = mem_array(&c->arena, nlayers + 1, sizeof(LayerParams));
    s->n = s->nlp = 0;
    s->enc = ENC_DEFAULT;
    for (int i = 0; i < g->nodes.n; i++) {
        const IrNode *n = g->nodes.v[i];
        const IrNode *x = n->nin ? n->in[0] : NULL;
        const char *layer = n->op == OP_THRESHOLD ? n->folds : n->name;
        int64_t d[4] = {0};
        int rank = 4;
        switch (n->op) {
        case OP_CONV2D:
        case OP_BCONV2D:
            d[0] = n->at->v[A_KERNEL][0];
            d[1] = n->at->v[A_KERNEL][1];
            d[2] = x->shape.d[2] / n->at->v[A_GROUPS][0];
            d[3] = n->shape.d[2];
            break;
        case OP_DEPTHWISE_CONV2D:
            d[0] = n->at->v[A_KERNEL][0];
            d[1] = n->at->v[A_KERNEL][1];
            d[2] = x->shape.d[2];
            d[3] = n->at->v[A_MULTIPLIER][0];
            break;
        case OP_DENSE:
        case OP_BDENSE:
            d[0] = x->shape.d[0];
            d[1] = n->shape.d[0];
            rank = 2;
            break;
        case OP_PRELU:
            /* alpha: [C], or the layer's own shape with per_element */
            if (ir_flag(n, A_PER_ELEMENT)) {
                rank = n->shape.rank;
                for (int k = 0; k < rank; k++)
                    d[k] = n->shape.d[k];
                break;
            }
            d[0] = shape_channels(&n->shape);
            rank = 1;
            break;
        case OP_BATCHNORM:
        case OP_THRESHOLD:
            d[0] = shape_channels(&n->shape);
            rank = 1;
            break;
        case OP_THRESHOLDS:
            d[0] = shape_channels(&n->shape);
            d[1] = n->at->v[A_LEVELS][0];
            rank = 2;
            break;
        default:
            continue;
        }
        if (!layer)
            continue;
        /* Within BNNC_MAX_PARAMS (sema): no overflow. A batchnorm has up
         * to four tensors [C]; a bias and a scale are [C_o] each. */
        int64_t elems = 1, co = shape_channels(&n->shape);
        for (int k = 0; k < rank; k++)
            elems *= d[k];
        if (n->op == OP_BATCHNORM || n->op == OP_THRESHOLD)
            elems *= tensors_of(n);
        else if (n->op != OP_PRELU)
            elems += (tensors_of(n) - 1) * co;
        bytes += 4 * elems;
        if (bytes > BNNC_MAX_RUN_BYTES) {
            diag_error_at(c, n->loc, n->origin,
                          "the parameters of network '%s' take more than %lld MiB with '%s'; "
                          "bnnc holds at most %lld MiB of them to run or compile a network",
                          g->name, (long long)(BNNC_MAX_RUN_BYTES >> 20), n->name,
                          (long long)(BNNC_MAX_RUN_BYTES >> 20));
            return false;
        }
        LayerParams *lp = &s->lp[s->nlp++];
        lp->layer = layer;
        switch (n->op) {
        case OP_CONV2D:
        case OP_BCONV2D:
        case OP_DEPTHWISE_CONV2D:
        case OP_DENSE:
        case OP_BDENSE:
            add_need(c, s, n, layer, P_WEIGHT, rank, d, n->weights == W_BINARY);
            if (ir_flag(n, A_SCALED))
                add_need(c, s, n, layer, P_SCALE, 1, &co, false);
            if (ir_flag(n, A_BIAS))
                add_need(c, s, n, layer, P_BIAS, 1, &co, false);
            break;
        case OP_PRELU:
            add_need(c, s, n, layer, P_ALPHA, rank, d, false);
            break;
        case OP_THRESHOLDS:
            add_need(c, s, n, layer, P_THRESHOLDS, 2, d, false);
            break;
        default:
            for (int k = P_GAMMA; k <= P_VARIANCE; k++)
                if ((k != P_GAMMA || ir_flag(n, A_SCALE)) && (k != P_BETA || ir_flag(n, A_CENTER)))
                    add_need(c, s, n, layer, (ParamKind)k, 1, d, false);
            break;
        }
    }
    /* A name twice (two thresholds folding one batchnorm) counts once. */
    qsort(s->v, (size_t)s->n, sizeof(Need), cmp_need);
    int k = 0;
    for (int i = 0; i < s->n; i++)
        if (k == 0 || strcmp(s->v[k - 1].name, s->v[i].name) != 0)
            s->v[k++] = s->v[i];
    s->n = k;
    qsort(s->lp, (size_t)s->nlp, sizeof(LayerParams), cmp_lp);
    k = 0;
    for (int i = 0; i < s->nlp; i++)
        if (k == 0 || strcmp(s->lp[k - 1].layer, s->lp[i].layer) != 0)
            s->lp[k++] = s->lp[i];
    s->nlp = k;
    return true;
}

static Need *find_need(Needs *s, const char *name) {
    Need key = {.name = name};
    return bsearch(&key, s->v, (size_t)s->n, sizeof(Need), cmp_need);
}

static void format_dims(char *buf, size_t n, int rank, const int64_t *d) {
    size_t l = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < rank && l < n; i++)
        l += (size_t)snprintf(buf + l, n - l, "%s%lld", i ? ", " : "", (long long)d[i]);
    if (l < n)
        snprintf(buf + l, n - l, "]");
}

/* Folds batchnorm parameters into lp (docs/semantics.md section 2): in
 * double, then rounded to float; gamma is 1 without its tensor (scale =
 * no), beta 0 (center = no); epsilon is the layer's (above 0, sema). A
 * scale or shift beyond float32 (gamma 3e38 over a small variance) is an
 * error naming the file, the layer and the channel: it would compute
 * infinities. */
static bool fold(Ctx *c, const char *path, LayerParams *lp, double eps, const float *gamma,
                 const float *beta, const float *mean, const float *var) {
    lp->scale = mem_array(&c->arena, (size_t)lp->nc, sizeof(float));
    lp->shift = mem_array(&c->arena, (size_t)lp->nc, sizeof(float));
    for (int64_t i = 0; i < lp->nc; i++) {
        double g = gamma ? (double)gamma[i] : 1.0, b = beta ? (double)beta[i] : 0.0;
        double sd = sqrt((double)var[i] + eps);
        double scale = g / sd, shift = b - (double)mean[i] * g / sd;
        lp->scale[i] = (float)scale;
        lp->shift[i] = (float)shift;
        if (!isfinite(lp->scale[i]) || !isfinite(lp->shift[i])) {
            bool sc = !isfinite(lp->scale[i]);
            diag_plain(c, "'%s': batchnorm '%s', channel %lld: its folded %s, %s = %.4g, is "
                          "beyond float32 (at most 3.4e38)",
                       path, lp->layer, (long long)i, sc ? "scale" : "shift",
                       sc ? "gamma / sqrt(variance + epsilon)"
                          : "beta - mean * gamma / sqrt(variance + epsilon)",
                       sc ? scale : shift);
            return false;
        }
    }
    return true;
}

/* The values of tensor LAYER.suffix, or NULL when the layer has none. */
static float *value_of(Ctx *c, Needs *s, float **vals, const char *layer, ParamKind k) {
    Need *e = find_need(s, mem_printf(&c->arena, "%s.%s", layer, suffix[k]));
    return e ? vals[e - s->v] : NULL;
}

/* Fills the layers' parameters from the values of the tensors (vals[i]
 * for s->v[i]), folding every batchnorm; the layers are sorted by name, as
 * weights_get expects. False after reporting a fold beyond float32. */
static bool assemble(Ctx *c, const char *path, Needs *s, float **vals, Weights *out) {
    for (int i = 0; i < s->n; i++) {
        Need *e = &s->v[i];
        LayerParams key = {.layer = e->layer};
        LayerParams *lp = bsearch(&key, s->lp, (size_t)s->nlp, sizeof(LayerParams), cmp_lp);
        if (e->kind == P_WEIGHT || e->kind == P_THRESHOLDS) {
            lp->w = vals[i];
            lp->nw = e->elems;
        } else if (e->kind == P_ALPHA) {
            lp->alpha = vals[i];
            lp->nc = e->elems;
        } else if (e->kind == P_BIAS) {
            lp->bias = vals[i];
            lp->nout = e->elems;
        } else if (e->kind == P_SCALE) {
            lp->wscale = vals[i];
            lp->nout = e->elems;
        } else if (e->kind == P_VARIANCE) {
            lp->nc = e->elems;
            if (!fold(c, path, lp, e->node->at->r[A_EPSILON],
                      value_of(c, s, vals, e->layer, P_GAMMA), value_of(c, s, vals, e->layer, P_BETA),
                      value_of(c, s, vals, e->layer, P_MEAN), vals[i]))
                return false;
        }
    }
    out->v = s->lp;
    out->n = s->nlp;
    return true;
}

/* -------------------------------------------------------------- loading */

static float get_f32(const unsigned char *p) {
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* A tensor found in the header. */
typedef struct {
    const char *name;
    Need *need;
    bool i8;
    uint64_t begin, end;
} Entry;

static int cmp_entry(const void *a, const void *b) {
    const Entry *x = a, *y = b;
    return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : strcmp(x->name, y->name);
}

/* Checks one header entry against the need; false after reporting. */
static bool check_entry(Ctx *c, const char *path, const char *name, json_t *t, Need *e,
                        uint64_t data_len, Entry *out) {
    if (!json_is_object(t)) {
        diag_plain(c, "'%s': tensor '%s' is not described by an object in the header", path,
                   name);
        return false;
    }
    json_t *dt = json_object_get(t, "dtype"), *sh = json_object_get(t, "shape"),
           *off = json_object_get(t, "data_offsets");
    if (!json_is_string(dt) || !json_is_array(sh) || !json_is_array(off) ||
        json_array_size(off) != 2 || !json_is_integer(json_array_get(off, 0)) ||
        !json_is_integer(json_array_get(off, 1))) {
        diag_plain(c, "'%s': tensor '%s' needs a \"dtype\" string, a \"shape\" array and two "
                      "\"data_offsets\"", path, name);
        return false;
    }
    bool ok = true;
    const char *dtype = json_string_value(dt);
    bool i8 = strcmp(dtype, "I8") == 0;
    if (strcmp(dtype, "F32") != 0 && !(i8 && e->binary)) {
        diag_plain(c, "'%s': tensor '%s' is %s; it must be F32%s", path, name, dtype,
                   e->binary ? " or I8 (binary weights)" : "");
        ok = false;
    }
    int64_t got[8];
    size_t rank = json_array_size(sh);
    bool shape_ok = rank == (size_t)e->rank;
    bool dims_ok = rank <= 8;
    for (size_t i = 0; i < rank && dims_ok; i++) {
        json_t *v = json_array_get(sh, i);
        dims_ok = json_is_integer(v) && json_integer_value(v) >= 0 &&
                  json_integer_value(v) <= BNNC_MAX_DIM;
        if (dims_ok) {
            got[i] = json_integer_value(v);
            shape_ok &= i < (size_t)e->rank && got[i] == e->dims[i];
        }
    }
    char want[96], have[96];
    format_dims(want, sizeof want, e->rank, e->dims);
    if (!dims_ok) {
        diag_plain(c, "'%s': tensor '%s' has a bad shape (want %s)", path, name, want);
        return false;
    }
    if (!shape_ok) {
        format_dims(have, sizeof have, (int)rank, got);
        diag_plain(c, "'%s': tensor '%s' has shape %s; layer '%s' (%s) wants %s", path, name,
                   have, e->layer, ops_table[e->node->op].name, want);
        ok = false;
    }
    json_int_t b = json_integer_value(json_array_get(off, 0)),
               en = json_integer_value(json_array_get(off, 1));
    if (b < 0 || en < b || (uint64_t)en > data_len) {
        diag_plain(c, "'%s': tensor '%s' has data offsets [%lld, %lld] outside the data "
                      "(%llu bytes after the header)", path, name, (long long)b, (long long)en,
                   (unsigned long long)data_len);
        return false;
    }
    if (ok) {
        uint64_t bytes = (uint64_t)e->elems * (i8 ? 1 : 4);
        if ((uint64_t)(en - b) != bytes) {
            diag_plain(c, "'%s': tensor '%s' has data offsets [%lld, %lld], %lld bytes; its "
                          "shape %s of %s takes %llu", path, name, (long long)b, (long long)en,
                       (long long)(en - b), want, dtype, (unsigned long long)bytes);
            ok = false;
        }
    }
    *out = (Entry){name, e, i8, (uint64_t)b, (uint64_t)en};
    return ok;
}

/* A binary weight that the encoding does not allow: the error names the
 * tensor, the element (flat and by index) and its value, and says how to
 * choose an encoding. */
static void bad_binary(Ctx *c, const char *path, const Entry *t, BinaryEncoding enc, int64_t i,
                       const char *value) {
    const Need *e = t->need;
    char idx[96];
    int64_t d[4], r = i;
    for (int k = e->rank - 1; k >= 0; k--) {
        d[k] = e->dims[k] ? r % e->dims[k] : 0;
        r = e->dims[k] ? r / e->dims[k] : 0;
    }
    format_dims(idx, sizeof idx, e->rank, d);
    if (enc == ENC_DEFAULT)
        diag_plain(c, "'%s': tensor '%s' holds %s at element %lld %s; binary weights stored as "
                      "I8 must be -1 or +1; a file that stores them otherwise says so in its "
                      "\"__metadata__\": \"bnnc.binary_encoding\": \"01\" (0 is -1, 1 is +1) "
                      "or \"sign\" (v >= 0 is +1)", path, t->name, value, (long long)i, idx);
    else
        diag_plain(c, "'%s': tensor '%s' holds %s at element %lld %s; the file's "
                      "\"bnnc.binary_encoding\" is \"%s\", so binary weights must be %s", path,
                   t->name, value, (long long)i, idx, enc_name[enc],
                   enc == ENC_01 ? "0 (for -1) or 1 (for +1)" : "-1 or +1");
}

/* Binary weight v of a tensor (I8 or F32, finite) as -1.0f or +1.0f by
 * encoding enc (docs/weights.md section 1); 0 when enc does not allow v. */
static float binarise(BinaryEncoding enc, bool i8, double v) {
    if (enc == ENC_DEFAULT)
        enc = i8 ? ENC_PM1 : ENC_SIGN;
    switch (enc) {
    case ENC_PM1: return v == 1 ? 1.0f : v == -1 ? -1.0f : 0.0f;
    case ENC_01: return v == 1 ? 1.0f : v == 0 ? -1.0f : 0.0f;
    default: return v >= 0 ? 1.0f : -1.0f;
    }
}

/* Copies a tensor's data out of the file: floats, or binary weights as
 * -1.0f/+1.0f by the file's encoding. Every F32 value must be finite
 * (binary weights too: a NaN has no sign to binarise); a variance not
 * negative. */
static bool take_data(Ctx *c, const char *path, const Entry *t, BinaryEncoding enc,
                      const unsigned char *data, float *dst) {
    const Need *e = t->need;
    const unsigned char *p = data + t->begin;
    for (int64_t i = 0; i < e->elems; i++) {
        char value[32];
        if (t->i8) {
            int v = (int8_t)p[i];
            dst[i] = binarise(enc, true, v);
            if (dst[i] == 0) {
                snprintf(value, sizeof value, "%d", v);
                bad_binary(c, path, t, enc, i, value);
                return false;
            }
            continue;
        }
        float v = get_f32(p + 4 * i);
        if (!isfinite(v)) {
            diag_plain(c, "'%s': tensor '%s' holds %g at element %lld", path, t->name, v,
                       (long long)i);
            return false;
        }
        if (e->binary) {
            dst[i] = binarise(enc, false, v);
            if (dst[i] == 0) {
                snprintf(value, sizeof value, "%.9g", v);
                bad_binary(c, path, t, enc, i, value);
                return false;
            }
            continue;
        }
        if (e->kind == P_VARIANCE && v < 0) {
            diag_plain(c, "'%s': tensor '%s' holds a negative variance, %g, at channel %lld",
                       path, t->name, v, (long long)i);
            return false;
        }
        dst[i] = v;
    }
    return true;
}

/* Bytes of data the tensors of s take at most: every one as F32. Below
 * BNNC_MAX_RUN_BYTES (list_needs). */
static int64_t max_data(const Needs *s) {
    int64_t b = 0;
    for (int i = 0; i < s->n; i++)
        b += 4 * s->v[i].elems;
    return b;
}

static uint64_t get_le64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* The first 8 bytes (len of them): the header's length, at most 100 MB
 * (the format's limit) and at most what the header of g's tensors takes.
 * False after reporting. */
static bool header_length(Ctx *c, const IrGraph *g, const Needs *s, const char *path,
                          const unsigned char *p, size_t len, uint64_t *hlen) {
    if (len < 8) {
        diag_plain(c, "'%s' is truncated: a safetensors file starts with an 8-byte header "
                      "length, and this one has %zu bytes", path, len);
        return false;
    }
    *hlen = get_le64(p);
    if (*hlen > MAX_HEADER) {
        diag_plain(c, "'%s' has a header of %llu bytes, more than the 100 MB safetensors "
                      "allows", path, (unsigned long long)*hlen);
        return false;
    }
    uint64_t most = HEADER_BASE + HEADER_PER_TENSOR * (uint64_t)s->n;
    if (*hlen > most) {
        diag_plain(c, "'%s' has a header of %llu bytes; network '%s' has %d tensors, whose "
                      "header takes at most %llu bytes (1 MiB and 1 KiB a tensor)", path,
                   (unsigned long long)*hlen, g->name, s->n, (unsigned long long)most);
        return false;
    }
    return true;
}

static void header_truncated(Ctx *c, const char *path, uint64_t hlen, size_t have) {
    diag_plain(c, "'%s' is truncated: its header is %llu bytes, but only %zu follow the "
                  "length", path, (unsigned long long)hlen, have);
}

/* The keys of "__metadata__" that bnnc reads: "bnnc.binary_encoding".
 * Other keys are the exporter's and ignored, but a "bnnc." key bnnc does
 * not know is an error (a misspelt encoding must not be ignored).
 * Reports each problem. */
static void read_metadata(Ctx *c, const char *path, json_t *meta, Needs *s) {
    const char *key;
    json_t *val;
    json_object_foreach(meta, key, val) {
        if (strncmp(key, "bnnc.", 5) != 0)
            continue;
        if (strcmp(key, "bnnc.binary_encoding") != 0) {
            diag_plain(c, "'%s': \"__metadata__\" has the key \"%s\", which bnnc does not "
                          "know; the one it reads is \"bnnc.binary_encoding\"", path, key);
            continue;
        }
        const char *v = json_is_string(val) ? json_string_value(val) : NULL;
        s->enc = !v ? ENC_DEFAULT : strcmp(v, "pm1") == 0 ? ENC_PM1
                 : strcmp(v, "01") == 0 ? ENC_01 : strcmp(v, "sign") == 0 ? ENC_SIGN
                                                 : ENC_DEFAULT;
        if (s->enc == ENC_DEFAULT)
            diag_plain(c, "'%s': \"bnnc.binary_encoding\" is %s%s%s; it must be \"pm1\" "
                          "(-1 and +1), \"01\" (0 is -1, 1 is +1) or \"sign\" (v >= 0 is +1)",
                       path, v ? "\"" : "", v ? v : "not a string", v ? "\"" : "");
    }
}

/* Why a layer has no tensor `key` when the attribute that gives it is
 * off ("; layer 'c' (conv2d) has bias = no"), else "". */
static const char *why_not(Ctx *c, const Needs *s, const char *key) {
    const char *dot = strrchr(key, '.');
    if (!dot)
        return "";
    static const struct {
        const char *suffix;
        AttrId a;
    } gives[] = {{"bias", A_BIAS}, {"scale", A_SCALED}, {"gamma", A_SCALE}, {"beta", A_CENTER}};
    for (int i = 0; i < s->n; i++) {
        const Need *e = &s->v[i];
        if (strlen(e->layer) != (size_t)(dot - key) || strncmp(e->layer, key, (size_t)(dot - key)))
            continue;
        for (size_t k = 0; k < sizeof gives / sizeof gives[0]; k++)
            if (!strcmp(dot + 1, gives[k].suffix) && e->node->at->has[gives[k].a])
                return mem_printf(&c->arena, "; layer '%s' (%s) has %s = no", e->layer,
                                  ops_table[e->node->op].name, ops_attr_names[gives[k].a]);
        return "";
    }
    return "";
}

/* The tensors a header describes, checked against the needs and the
 * data_len bytes of data after it: one Entry per tensor that is right,
 * sorted by offset. False after reporting every problem (naming the
 * tensor), and when there is more data than the network's tensors take as
 * F32: more is not a file for this network (or not a file at all). */
static bool check_header(Ctx *c, const IrGraph *g, Needs *s, const char *path,
                         const unsigned char *h, uint64_t hlen, uint64_t data_len,
                         Entry **ents_out, int *ne_out) {
    json_error_t jerr;
    json_t *root = json_loadb((const char *)h, (size_t)hlen, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        diag_plain(c, "'%s' has a bad header: %s (header line %d, column %d)", path, jerr.text,
                   jerr.line, jerr.column);
        return false;
    }
    if (!json_is_object(root)) {
        diag_plain(c, "'%s' has a bad header: it is not a JSON object", path);
        json_decref(root);
        return false;
    }
    size_t nent = json_object_size(root);
    Entry *ents = mem_array(&c->arena, nent + 1, sizeof(Entry));
    int ne = 0;
    int before = c->errors;
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        if (strcmp(key, "__metadata__") == 0) {
            if (!json_is_object(val))
                diag_plain(c, "'%s' has a bad header: \"__metadata__\" is not an object", path);
            else
                read_metadata(c, path, val, s);
            continue;
        }
        Need *e = find_need(s, key);
        if (!e) {
            diag_plain(c, "'%s': tensor '%s' is not a parameter of network '%s'%s", path, key,
                       g->name, why_not(c, s, key));
            continue;
        }
        e->found = true;
        Entry t;
        if (check_entry(c, path, mem_strdup(&c->arena, key), val, e, data_len, &t))
            ents[ne++] = t;
    }
    json_decref(root);
    for (int i = 0; i < s->n; i++) {
        Need *e = &s->v[i];
        if (e->found)
            continue;
        char want[96];
        format_dims(want, sizeof want, e->rank, e->dims);
        diag_plain(c, "'%s': tensor '%s' is missing (layer '%s', %s, needs %s %s)", path,
                   e->name, e->layer, ops_table[e->node->op].name, e->binary ? "F32 or I8" : "F32",
                   want);
    }
    /* Tensors may not share bytes. */
    qsort(ents, (size_t)ne, sizeof(Entry), cmp_entry);
    for (int i = 1; i < ne; i++)
        if (ents[i].begin < ents[i - 1].end && ents[i].end > ents[i].begin)
            diag_plain(c, "'%s': tensor '%s' overlaps tensor '%s' in the data", path,
                       ents[i].name, ents[i - 1].name);
    if (c->errors != before)
        return false;
    int64_t most = max_data(s);
    if (data_len > (uint64_t)most) {
        diag_plain(c, "'%s' has %llu bytes of data after its header; the parameters of network "
                      "'%s' take at most %lld bytes (every tensor as F32)", path,
                   (unsigned long long)data_len, g->name, (long long)most);
        return false;
    }
    *ents_out = ents;
    *ne_out = ne;
    return true;
}

/* A thresholds tensor [C, K]: each value within +-2^30 (the integer it
 * is compared with is a dot product below 2^31), each channel's sorted
 * (T[c][k] <= T[c][k + 1]), as FINN's MultiThreshold stores them. */
static bool check_thresholds(Ctx *c, const char *path, const Need *e, const float *t) {
    int64_t C = e->dims[0], K = e->dims[1];
    for (int64_t i = 0; i < C * K; i++)
        if (!(fabsf(t[i]) <= 1073741824.0f)) {
            diag_plain(c, "'%s': tensor '%s' holds %g at [%lld, %lld]; a threshold must be from "
                          "-2^30 to 2^30", path, e->name, (double)t[i], (long long)(i / K),
                       (long long)(i % K));
            return false;
        }
    for (int64_t ch = 0; ch < C; ch++)
        for (int64_t k = 0; k + 1 < K; k++)
            if (t[ch * K + k] > t[ch * K + k + 1]) {
                diag_plain(c, "'%s': tensor '%s' is not sorted in channel %lld: [%lld, %lld] is "
                              "%g, [%lld, %lld] is %g; each channel's thresholds must be in "
                              "increasing order", path, e->name, (long long)ch, (long long)ch,
                           (long long)k, (double)t[ch * K + k], (long long)ch,
                           (long long)(k + 1), (double)t[ch * K + k + 1]);
                return false;
            }
    return true;
}

/* Gathers the values of the checked tensors from the data, then folds
 * every batchnorm. False after reporting a bad value. */
static bool take_all(Ctx *c, Needs *s, const char *path, const Entry *ents, int ne,
                     const unsigned char *data, Weights *out) {
    float **vals = mem_array(&c->arena, (size_t)s->n + 1, sizeof(float *));
    for (int i = 0; i < ne; i++) {
        const Need *e = ents[i].need;
        float *dst = mem_array(&c->arena, (size_t)e->elems, sizeof(float));
        if (!take_data(c, path, &ents[i], s->enc, data, dst) ||
            (e->kind == P_THRESHOLDS && !check_thresholds(c, path, e, dst)))
            return false;
        vals[e - s->v] = dst;
    }
    return assemble(c, path, s, vals, out);
}

bool weights_load(Ctx *c, const IrGraph *g, const char *path, Weights *out) {
    memset(out, 0, sizeof *out);
    Needs s;
    if (!list_needs(c, g, &s))
        return false;
    int64_t size;
    FILE *f = src_open(c, path, "the weights ", "safetensors", loc_none(), &size);
    if (!f)
        return false;
    /* The header first (at most 1 MiB and 1 KiB a tensor), checked against
     * the network with the data's length from fstat; the data only then,
     * if it is no more than the network's tensors take: nothing past that
     * is ever read (a file of gigabytes, the wrong file). A file whose
     * size fstat does not give (/proc) has its data read first, with the
     * same bound. */
    int64_t most = max_data(&s);
    unsigned char head[8];
    unsigned char *h = NULL, *data = NULL;
    size_t n, got;
    uint64_t hlen, data_len;
    bool ok = false, have_data = false;
    Entry *ents;
    int ne;
    if (!src_read_upto(c, f, path, head, 8, &n) || !header_length(c, g, &s, path, head, n, &hlen))
        goto done;
    if (size >= 8 && (uint64_t)size - 8 < hlen) {
        header_truncated(c, path, hlen, (size_t)size - 8);
        goto done;
    }
    h = xmalloc((size_t)hlen + 1);
    if (!src_read_upto(c, f, path, h, (size_t)hlen, &got))
        goto done;
    if (got < hlen) {
        header_truncated(c, path, hlen, got);
        goto done;
    }
    if (size > 0 && (uint64_t)size >= 8 + hlen) {
        data_len = (uint64_t)size - 8 - hlen;
    } else {
        if (!src_read_rest(c, f, path, (size_t)most, 0, &data, &got))
            goto done;
        data_len = got;
        have_data = true;
    }
    if (!check_header(c, g, &s, path, h, hlen, data_len, &ents, &ne))
        goto done;
    if (!have_data) {
        if (!src_read_rest(c, f, path, (size_t)data_len, (size_t)data_len, &data, &got))
            goto done;
        if (got < data_len) {
            diag_plain(c, "'%s' is truncated: it ended after %zu of its %llu bytes of data (did "
                          "it change while it was read?)", path, got,
                       (unsigned long long)data_len);
            goto done;
        }
    }
    ok = take_all(c, &s, path, ents, ne, data, out);
done:
    fclose(f);
    free(h);
    free(data);
    if (!ok)
        memset(out, 0, sizeof *out);
    return ok;
}

bool weights_parse(Ctx *c, const IrGraph *g, const char *path, const unsigned char *buf,
                   size_t len, Weights *out) {
    memset(out, 0, sizeof *out);
    Needs s;
    uint64_t hlen;
    Entry *ents;
    int ne;
    if (!list_needs(c, g, &s) || !header_length(c, g, &s, path, buf, len, &hlen))
        return false;
    if (hlen > len - 8) {
        header_truncated(c, path, hlen, len - 8);
        return false;
    }
    bool ok = check_header(c, g, &s, path, buf + 8, hlen, len - 8 - hlen, &ents, &ne) &&
              take_all(c, &s, path, ents, ne, buf + 8 + hlen, out);
    if (!ok)
        memset(out, 0, sizeof *out);
    return ok;
}

/* ------------------------------------------------------------- random */

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The generator's start for one tensor: FNV-1a of the name, mixed with
 * the seed. */
static uint64_t tensor_state(uint64_t seed, const char *name) {
    uint64_t h = str_hash(name);
    uint64_t st = seed ^ 0x5EEDB17C0FFEEull;
    uint64_t a = splitmix64(&st);
    st = h ^ a;
    splitmix64(&st);
    return st;
}

/* Uniform in [-1, 1) with 24 bits: exact in float, the same everywhere. */
static double uniform(uint64_t *st) {
    return (double)(splitmix64(st) >> 40) * (1.0 / 8388608.0) - 1.0;
}

/* The centre and spread of the values a batchnorm or prelu reads: a
 * binary dot product (an i32, maybe through maxpool or relu) of length N
 * is spread over about sqrt(N); u8 pixels over 0..255; anything else is
 * taken to be of order 1. */
static void input_range(const IrNode *n, double *centre, double *spread) {
    const IrNode *x = n->in[0];
    *centre = 0;
    *spread = 1;
    if (x->type == DT_U8) {
        *centre = 127.5;
        *spread = 64;
        return;
    }
    /* The expected largest of k standard normal values, k = 1..10. */
    static const double emax[] = {0, 0, 0.564, 0.846, 1.029, 1.163, 1.267, 1.352, 1.424,
                                  1.485, 1.539};
    double shift = 0;
    bool relu = false;
    while (x->op == OP_MAXPOOL || x->op == OP_RELU || x->op == OP_FLATTEN) {
        if (x->op == OP_MAXPOOL) {
            int64_t k = x->at->v[A_SIZE][0] * x->at->v[A_SIZE][1];
            shift += k <= 10 ? emax[k] : 0.7 * sqrt(2 * log((double)k));
        }
        relu |= x->op == OP_RELU;
        x = x->in[0];
    }
    if ((x->op == OP_BCONV2D || x->op == OP_BDENSE) && ir_is_binary(x)) {
        /* A random weight scale is about 1 / sqrt(N): the products then
         * spread over about 1. */
        *spread = ir_flag(x, A_SCALED) ? 1.0 : sqrt((double)cost_fan_in(x));
        *centre = shift * *spread;
        if (relu && *centre < 0.4 * *spread)
            *centre = 0.4 * *spread; /* the mean of a half-normal */
    }
}

static float *random_tensor(Ctx *c, const Need *e, uint64_t seed) {
    uint64_t st = tensor_state(seed, e->name);
    float *v = mem_array(&c->arena, (size_t)e->elems, sizeof(float));
    const IrNode *n = e->node;
    double centre, spread;
    switch (e->kind) {
    case P_WEIGHT: {
        if (e->binary) {
            for (int64_t i = 0; i < e->elems; i++)
                v[i] = (splitmix64(&st) >> 63) ? 1.0f : -1.0f;
            break;
        }
        /* Uniform with variance 1 / fan_in: sqrt(3 / fan_in) * [-1, 1). */
        int64_t fan_in = e->rank == 2 ? e->dims[0]
                         : n->op == OP_DEPTHWISE_CONV2D ? e->dims[0] * e->dims[1]
                                                        : e->dims[0] * e->dims[1] * e->dims[2];
        double k = sqrt(3.0 / (double)(fan_in > 0 ? fan_in : 1));
        for (int64_t i = 0; i < e->elems; i++)
            v[i] = (float)(k * uniform(&st));
        break;
    }
    case P_GAMMA:
        /* 0.5 .. 1.5, negative for about one channel in ten. */
        for (int64_t i = 0; i < e->elems; i++) {
            double mag = 1.0 + 0.5 * uniform(&st);
            v[i] = (float)((splitmix64(&st) % 10 == 0) ? -mag : mag);
        }
        break;
    case P_BETA:
        for (int64_t i = 0; i < e->elems; i++)
            v[i] = (float)(0.1 * uniform(&st));
        break;
    case P_MEAN:
        input_range(n, &centre, &spread);
        for (int64_t i = 0; i < e->elems; i++)
            v[i] = (float)(centre + 0.25 * spread * uniform(&st));
        break;
    case P_VARIANCE:
        input_range(n, &centre, &spread);
        for (int64_t i = 0; i < e->elems; i++)
            v[i] = (float)(spread * spread * (1.0 + 0.5 * uniform(&st)));
        break;
    case P_ALPHA:
        for (int64_t i = 0; i < e->elems; i++)
            v[i] = (float)(0.25 + 0.1 * uniform(&st));
        break;
    case P_THRESHOLDS: {
        /* Integers about the dot product's spread, sorted per channel:
         * K draws, then an insertion sort of each channel's. */
        input_range(n, &centre, &spread);
        int64_t K = e->dims[1];
        for (int64_t i = 0; i < e->elems; i++)
            v[i] = (float)floor(centre + 1.5 * spread * uniform(&st));
        for (int64_t ch = 0; ch < e->dims[0]; ch++) {
            float *t = v + ch * K;
            for (int64_t k = 1; k < K; k++)
                for (int64_t j = k; j > 0 && t[j - 1] > t[j]; j--) {
                    float x = t[j];
                    t[j] = t[j - 1];
                    t[j - 1] = x;
                }
        }
        break;
    }
    case P_BIAS:
        for (int64_t i = 0; i < e->elems; i++)
            v[i] = (float)(0.1 * uniform(&st));
        break;
    case P_SCALE: {
        /* Positive, about 1 / sqrt(N) (as the mean |w| of latent weights
         * of variance 1 / N would be). */
        double k = 1.0 / sqrt((double)cost_fan_in(n));
        for (int64_t i = 0; i < e->elems; i++)
            v[i] = (float)(k * (1.0 + 0.5 * uniform(&st)));
        break;
    }
    default:
        break;
    }
    return v;
}

bool weights_random(Ctx *c, const IrGraph *g, uint64_t seed, Weights *out) {
    memset(out, 0, sizeof *out);
    Needs s;
    if (!list_needs(c, g, &s))
        return false;
    float **vals = mem_array(&c->arena, (size_t)s.n + 1, sizeof(float *));
    for (int i = 0; i < s.n; i++)
        vals[i] = random_tensor(c, &s.v[i], seed);
    if (!assemble(c, "random parameters", &s, vals, out))
        return false;
    out->random = true;
    out->seed = seed;
    return true;
}

/* ---------------------------------------------------------------- lookup */

const LayerParams *weights_get(const Weights *w, const char *layer) {
    if (!w || !w->v || !layer)
        return NULL;
    /* Loaded and random parameters are sorted by layer name; parameters
     * filled in by hand may not be, hence the linear search after. */
    LayerParams key = {.layer = layer};
    const LayerParams *p = bsearch(&key, w->v, (size_t)w->n, sizeof(LayerParams), cmp_lp);
    if (p)
        return p;
    for (int i = 0; i < w->n; i++)
        if (w->v[i].layer && strcmp(w->v[i].layer, layer) == 0)
            return &w->v[i];
    return NULL;
}

/* ------------------------------------------------------------- listing */

bool weights_tensors(Ctx *c, const IrGraph *g, const uint64_t *seed, WeightTensor **out, int *n,
                     float ***vals) {
    Needs s;
    *out = NULL;
    *n = 0;
    if (vals)
        *vals = NULL;
    if (!list_needs(c, g, &s))
        return false;
    WeightTensor *t = mem_array(&c->arena, (size_t)s.n + 1, sizeof *t);
    float **v = seed && vals ? mem_array(&c->arena, (size_t)s.n + 1, sizeof(float *)) : NULL;
    for (int i = 0; i < s.n; i++) {
        const Need *e = &s.v[i];
        t[i] = (WeightTensor){.name = e->name, .layer = e->layer, .suffix = suffix[e->kind],
                              .node = e->node, .rank = e->rank, .elems = e->elems,
                              .binary = e->binary};
        memcpy(t[i].dims, e->dims, sizeof t[i].dims);
        if (v)
            v[i] = random_tensor(c, e, *seed);
    }
    *out = t;
    *n = s.n;
    if (vals)
        *vals = v;
    return true;
}

unsigned char *weights_st_buffer(json_t *h, size_t data, size_t *len, unsigned char **body) {
    char *text = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(h);
    if (!text)
        return NULL;
    size_t hl = strlen(text), pad = (8 - hl % 8) % 8;
    uint64_t hlen = hl + pad;
    *len = 8 + (size_t)hlen + data;
    unsigned char *b = xmalloc(*len);
    for (int k = 0; k < 8; k++)
        b[k] = (unsigned char)(hlen >> (8 * k));
    memcpy(b + 8, text, hl);
    memset(b + 8 + hl, ' ', pad);
    free(text);
    *body = b + 8 + hlen;
    return b;
}
