/*
 * import_keras.c: the Keras .h5 reader of `bnnc import`, Larq's quantized
 * layers included (docs/import.md, "Keras and Larq .h5").
 *
 * A Keras 2 model file is HDF5: the root attribute `model_config` holds
 * the architecture as JSON, and the group `model_weights/LAYER` holds a
 * layer's weights, listed by its attribute `weight_names`. The file is
 * read whole into memory (a regular file only, at most BNNC_MAX_RUN_BYTES)
 * and HDF5 opens that image with its core driver, its own error printing
 * turned off: bnnc reports. Each layer is then mapped, in the order of the
 * configuration, onto .bnn operations. The shape of every Keras tensor is
 * tracked, so that each weight dataset is checked against the shape its
 * layer needs before a byte of it is read.
 *
 * Nothing is approximated: a construct the .bnn language cannot express
 * exactly is an error naming the layer, its class and why. Keras's own
 * parameters are written as they are: a layer's bias (bias = yes), a
 * batch normalization's epsilon, center and scale, magnitude_aware_sign's
 * per-channel scale (scaled = yes), a PReLU's alphas per channel or per
 * element (per_element = yes).
 *
 * The network takes the model's inputs as the model does, [1, H, W, C] or
 * [1, N] (the batch of one), under the InputLayers' names, and gives its
 * outputs likewise, under the names of the model's output layers: a free
 * reshape after each input drops the batch dimension (NAME_item), and one
 * before each output adds it back (the layer that computes an output is
 * then NAME_item).
 */
#include "bnnc.h"
#include "import.h"
#include "strmap.h"

#include <errno.h>
#include <float.h>
#include <hdf5.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* An attribute of strings bnnc reads (model_config, layer_names,
 * weight_names): at most this many bytes. */
#define KR_MAX_ATTR ((size_t)64 << 20)
/* The time HDF5 gets to read a model (import_keras_isolated). */
#define KR_SECONDS 20
/* Layers of a model, and inputs of one layer. */
#define KR_MAX_LAYERS 1000000
#define KR_MAX_INPUTS 65536

/* The value a Keras layer's output is: the .bnn name holding it and its
 * shape without the batch dimension ([H, W, C], [N], or of rank 2). */
typedef struct {
    const char *kname;         /* the Keras layer */
    const char *ktype;         /* its class */
    const char *bnn;           /* the .bnn value */
    int rank;
    int64_t d[3];
} KVal;


typedef struct {
    Ctx *c;
    ImpGraph *g;
    Arena *a;
    const char *path;
    hid_t file;                /* the HDF5 file, or -1 */
    hid_t mw;                  /* its group model_weights, or -1 */
    KVal *vals;                /* one per Keras layer mapped */
    int nvals, capvals;
    StrMap byname;               /* Keras layer name -> index in vals */
    StrMap used;                 /* .bnn names: 1 given; 0 a Keras layer's,
                                  2 a model output's, reserved */
    bool final;                /* emitting the outputs' reshapes */
    PtrVec layers;             /* ImpLayer* */
    PtrVec inputs;             /* ImpInput* */
    PtrVec inkname;            /* per input, its Keras layer's name */
    int64_t weights;           /* float elements read, in all */
    /* the layer being mapped, for messages */
    const char *lname, *ltype;
} Kr;

/* ---------------------------------------------------------------- maps */

/* Names to numbers 0 or more: a StrMap holding n + 1, so that NULL is
 * "not there" (-1). */
static int smap_get(const StrMap *m, const char *k) {
    intptr_t v = (intptr_t)strmap_get(m, k);
    return v ? (int)(v - 1) : -1;
}

static void smap_put(StrMap *m, const char *k, int v) {
    strmap_put(m, k, (void *)(intptr_t)(v + 1));
}

/* -------------------------------------------------------------- errors */

static char *vfmt(Kr *k, const char *fmt, va_list ap) {
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    return mem_strdup(k->a, buf);
}

/* An error about the file as a whole. Returns false. */
static bool ferr(Kr *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool ferr(Kr *k, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *m = vfmt(k, fmt, ap);
    va_end(ap);
    diag_plain(k->c, "'%s': %s", k->path, m);
    return false;
}

/* An error about the layer being mapped. Returns false. */
static bool lerr(Kr *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool lerr(Kr *k, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *m = vfmt(k, fmt, ap);
    va_end(ap);
    diag_plain(k->c, "'%s': layer '%.200s' (%.100s): %s", k->path, k->lname, k->ltype, m);
    return false;
}

/* "[a, b, c]" */
static const char *shape_str(Kr *k, int rank, const int64_t *d) {
    char buf[256];
    size_t n = 0;
    buf[n++] = '[';
    for (int i = 0; i < rank && n < sizeof buf - 32; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", i ? ", " : "", (long long)d[i]);
    snprintf(buf + n, sizeof buf - n, "]");
    return mem_strdup(k->a, buf);
}

static const char *val_shape(Kr *k, const KVal *v) { return shape_str(k, v->rank, v->d); }

/* ---------------------------------------------------------------- HDF5 */

#if H5_VERSION_GE(1, 12, 0)
#define KR_RECLAIM(t, s, buf) H5Treclaim(t, s, H5P_DEFAULT, buf)
#else
#define KR_RECLAIM(t, s, buf) H5Dvlen_reclaim(t, s, H5P_DEFAULT, buf)
#endif

static void h5close(hid_t *id, herr_t (*fn)(hid_t)) {
    if (*id >= 0)
        fn(*id);
    *id = -1;
}

/* HDF5 trusts a variable-length string's length as a file states it: it
 * allocates and clears that much (up to 4 GiB) before it finds that the
 * heap holds no such string (fuzz_h5: regress/h5/hdf5-vlen-huge). While it
 * reads an attribute of strings, which bnnc takes up to KR_MAX_ATTR bytes
 * long, the address space may grow by KR_STR_MEM at most (RLIMIT_AS), so
 * that such an allocation fails and HDF5 reports an error. */
#define KR_STR_MEM (4 * KR_MAX_ATTR + ((size_t)64 << 20))

typedef struct {
    struct rlimit was;
    bool set;
} KrLimit;

/* Lowers the address-space limit to the present size plus `more` bytes
 * (kr_unlimit puts it back). Not in an AddressSanitizer build, whose
 * shadow memory reserves terabytes of address space (the fuzz harness
 * bounds allocations through ASan's max_allocation_size_mb there), nor
 * where /proc/self/statm is absent. */
static KrLimit kr_limit(size_t more) {
    KrLimit l = {.set = false};
#ifndef BNNC_ASAN
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    bool got = f && fscanf(f, "%lu", &pages) == 1;
    if (f)
        fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    if (!got || page <= 0 || getrlimit(RLIMIT_AS, &l.was) != 0)
        return l;
    rlim_t want = (rlim_t)pages * (rlim_t)page + (rlim_t)more;
    if (l.was.rlim_cur != RLIM_INFINITY && l.was.rlim_cur <= want)
        return l;
    struct rlimit r = l.was;
    r.rlim_cur = want;
    l.set = setrlimit(RLIMIT_AS, &r) == 0;
#else
    (void)more;
#endif
    return l;
}

static void kr_unlimit(KrLimit *l) {
    if (l->set)
        setrlimit(RLIMIT_AS, &l->was);
    l->set = false;
}

/* Why an HDF5 read failed, for its message: "" unless an allocation did. */
static const char *kr_why(void) {
    return errno == ENOMEM ? ": HDF5 asked for more memory than the file can need, so the file "
                             "is damaged"
                           : "";
}

/* The strings of attribute `name` of obj: one string, or an array of
 * them, of fixed or variable length. Returns the count (*out arena-owned),
 * -1 when there is no such attribute, -2 after reporting (`what` names the
 * attribute in messages). */
static int read_strings(Kr *k, hid_t obj, const char *name, const char *what, char ***out) {
    htri_t ex = H5Aexists(obj, name);
    if (ex == 0)
        return -1;
    if (ex < 0)
        return ferr(k, "cannot read the attribute %s", what), -2;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT), t = -1, s = -1, mt = -1;
    int rc = -2;
    if (a < 0 || (t = H5Aget_type(a)) < 0 || (s = H5Aget_space(a)) < 0) {
        ferr(k, "cannot read the attribute %s", what);
        goto done;
    }
    hssize_t n = H5Sget_simple_extent_npoints(s);
    if (H5Tget_class(t) != H5T_STRING || n < 0) {
        ferr(k, "the attribute %s is not a string or an array of strings", what);
        goto done;
    }
    if ((size_t)n > KR_MAX_ATTR / sizeof(char *)) {
        ferr(k, "the attribute %s has %lld strings, more than bnnc reads", what, (long long)n);
        goto done;
    }
    char **v = mem_array(k->a, (size_t)n + 1, sizeof *v);
    htri_t var = H5Tis_variable_str(t);
    if (var < 0 || (mt = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_cset(mt, H5Tget_cset(t)) < 0) {
        ferr(k, "cannot read the attribute %s", what);
        goto done;
    }
    if (var) {
        char **p = calloc((size_t)n + 1, sizeof *p);
        KrLimit lim = kr_limit(KR_STR_MEM);
        errno = 0;
        herr_t got = p && H5Tset_size(mt, H5T_VARIABLE) >= 0 ? H5Aread(a, mt, p) : -1;
        kr_unlimit(&lim);
        if (got < 0) {
            ferr(k, "cannot read the attribute %s%s", what, kr_why());
            free(p);
            goto done;
        }
        size_t total = 0;
        bool ok = true;
        for (hssize_t i = 0; i < n; i++) {
            size_t len = p[i] ? strlen(p[i]) : 0;
            total += len;
            if (total > KR_MAX_ATTR) {
                ok = false;
                break;
            }
            v[i] = mem_strndup(k->a, p[i] ? p[i] : "", len);
        }
        KR_RECLAIM(mt, s, p);
        free(p);
        if (!ok) {
            ferr(k, "the attribute %s is longer than %zu MiB", what, KR_MAX_ATTR >> 20);
            goto done;
        }
    } else {
        size_t sz = H5Tget_size(t);
        if (sz == 0 || (n > 0 && sz > KR_MAX_ATTR / (size_t)n)) {
            ferr(k, "the attribute %s is longer than %zu MiB", what, KR_MAX_ATTR >> 20);
            goto done;
        }
        char *buf = malloc(sz * (size_t)n + 1);
        if (!buf || H5Tset_size(mt, sz) < 0 || H5Tset_strpad(mt, H5T_STR_NULLPAD) < 0 ||
            H5Aread(a, mt, buf) < 0) {
            free(buf);
            ferr(k, "cannot read the attribute %s", what);
            goto done;
        }
        for (hssize_t i = 0; i < n; i++)
            v[i] = mem_strndup(k->a, buf + (size_t)i * sz, sz);
        free(buf);
    }
    *out = v;
    rc = (int)n;
done:
    h5close(&mt, H5Tclose);
    h5close(&s, H5Sclose);
    h5close(&t, H5Tclose);
    h5close(&a, H5Aclose);
    return rc;
}

/* The same for a list Keras may split over NAME0, NAME1, ... when it is
 * longer than an object header holds (64 KiB). */
static int read_string_list(Kr *k, hid_t obj, const char *name, const char *what, char ***out) {
    int n = read_strings(k, obj, name, what, out);
    if (n != -1)
        return n;
    PtrVec all = {0};
    for (int part = 0;; part++) {
        char key[300], w[400];
        snprintf(key, sizeof key, "%s%d", name, part);
        snprintf(w, sizeof w, "%s%d", what, part);
        char **v;
        int m = read_strings(k, obj, key, w, &v);
        if (m == -2)
            return -2;
        if (m == -1) {
            if (part == 0)
                return -1;
            break;
        }
        if (all.n + m > KR_MAX_LAYERS)
            return ferr(k, "the attribute %s lists more than %d names", what, KR_MAX_LAYERS), -2;
        for (int i = 0; i < m; i++)
            vec_push(k->a, &all, v[i]);
    }
    *out = (char **)all.v;
    return all.n;
}

/* ---------------------------------------------------------------- JSON */

static const char *jstr(json_t *o, const char *key) {
    return json_string_value(json_object_get(o, key));
}

/* An integer option from 1 to BNNC_MAX_DIM, or a pair of them: `key`
 * of the layer's config. `def` when absent or null (0: required). */
static bool jpair(Kr *k, json_t *conf, const char *key, int64_t def, int64_t out[2]) {
    json_t *v = json_object_get(conf, key);
    if (!v || json_is_null(v)) {
        if (!def)
            return lerr(k, "its config has no '%s'", key);
        out[0] = out[1] = def;
        return true;
    }
    if (json_is_integer(v)) {
        out[0] = out[1] = json_integer_value(v);
    } else if (json_is_array(v) && json_array_size(v) == 2 &&
               json_is_integer(json_array_get(v, 0)) && json_is_integer(json_array_get(v, 1))) {
        out[0] = json_integer_value(json_array_get(v, 0));
        out[1] = json_integer_value(json_array_get(v, 1));
    } else {
        return lerr(k, "'%s' must be an integer or a pair of integers", key);
    }
    for (int i = 0; i < 2; i++)
        if (out[i] < 1 || out[i] > BNNC_MAX_DIM)
            return lerr(k, "'%s' must be from 1 to %lld, not %lld", key, (long long)BNNC_MAX_DIM,
                        (long long)out[i]);
    return true;
}

static bool jint(Kr *k, json_t *conf, const char *key, int64_t def, int64_t *out) {
    int64_t p[2] = {0, 0}; /* gcc -O3 cannot see that jpair sets both */
    json_t *v = json_object_get(conf, key);
    if (v && !json_is_null(v) && !json_is_integer(v))
        return lerr(k, "'%s' must be an integer", key);
    if (!jpair(k, conf, key, def, p))
        return false;
    *out = p[0];
    return true;
}

static bool jbool(Kr *k, json_t *conf, const char *key, bool def, bool *out) {
    json_t *v = json_object_get(conf, key);
    if (!v) {
        *out = def;
        return true;
    }
    if (!json_is_boolean(v))
        return lerr(k, "'%s' must be true or false", key);
    *out = json_is_true(v);
    return true;
}

/* `data_format`: only channels_last (Keras's default) is the .bnn layout. */
static bool channels_last(Kr *k, json_t *conf) {
    const char *f = jstr(conf, "data_format");
    if (f && strcmp(f, "channels_last") != 0)
        return lerr(k, "data_format '%s' is not supported: bnnc's tensors are channels_last "
                       "([H, W, C])",
                    f);
    return true;
}

/* ------------------------------------------------------------- emitting */

/* A .bnn name not given yet: base, else base_2, base_3, ... The names
 * of the Keras layers are reserved first (value 0), so that a layer keeps
 * its own name and the layers bnnc adds take another. A model output's
 * name (value 2) is its final reshape's: the layer that computes the
 * output is named NAME_item. */
static const char *fresh(Kr *k, const char *base) {
    int u = smap_get(&k->used, base);
    bool own = strcmp(base, k->lname) == 0;
    if (own && u == (k->final ? 2 : 0)) {
        smap_put(&k->used, base, 1);
        return base;
    }
    if (own && u == 2)
        base = mem_printf(k->a, "%s_item", base);
    const char *n = base;
    for (int i = 2; smap_get(&k->used, n) >= 0; i++)
        n = mem_printf(k->a, "%s_%d", base, i);
    smap_put(&k->used, n, 1);
    return n;
}

/* Appends `name = op(inputs..., attrs)`; the name is made fresh. */
static ImpLayer *emit(Kr *k, const char *name, const char *op, const char *const *in, int nin,
                      const char *attrs) {
    ImpLayer *L = mem_alloc(k->a, sizeof *L);
    L->name = fresh(k, name);
    L->op = op;
    const char **v = mem_array(k->a, (size_t)nin, sizeof *v);
    for (int i = 0; i < nin; i++)
        v[i] = in[i];
    L->inputs = v;
    L->nin = nin;
    L->attrs = attrs ? attrs : "";
    L->src_name = k->lname;
    L->src_type = k->ltype;
    vec_push(k->a, &k->layers, L);
    return L;
}

static ImpLayer *emit1(Kr *k, const char *name, const char *op, const char *x, const char *attrs) {
    return emit(k, name, op, &x, 1, attrs);
}

static void add_tensor(Kr *k, ImpLayer *L, const char *suffix, int rank, const int64_t *d,
                       float *data) {
    ImpTensor *t = mem_array(k->a, (size_t)L->ntensors + 1, sizeof *t);
    if (L->ntensors)
        memcpy(t, L->tensors, (size_t)L->ntensors * sizeof *t);
    ImpTensor *x = &t[L->ntensors];
    x->suffix = suffix;
    x->rank = rank;
    for (int i = 0; i < rank; i++)
        x->shape[i] = d[i];
    x->data = data;
    L->tensors = t;
    L->ntensors++;
}

/* "(h, w)" or "h". */
static const char *pair_text(Kr *k, const int64_t p[2]) {
    if (p[0] == p[1])
        return mem_printf(k->a, "%lld", (long long)p[0]);
    return mem_printf(k->a, "(%lld, %lld)", (long long)p[0], (long long)p[1]);
}

/* ------------------------------------------------------------- weights */

/* The layer's weight `suffix` ("kernel", "bias", ...), the dataset its
 * group's weight_names lists as ".../SUFFIX:N", checked to be a float
 * array of shape want[rank] before it is read, and its values finite.
 * NULL after reporting. */
static float *weight(Kr *k, const char *suffix, int rank, const int64_t *want) {
    if (k->mw < 0)
        return lerr(k, "the file has no weights (no group 'model_weights'); it needs '%s'",
                    suffix),
               NULL;
    htri_t ex = H5Lexists(k->mw, k->lname, H5P_DEFAULT);
    if (ex <= 0)
        return lerr(k, "its weights are missing: the file has no group 'model_weights/%.200s'",
                    k->lname),
               NULL;
    hid_t grp = H5Gopen2(k->mw, k->lname, H5P_DEFAULT), d = -1, sp = -1, t = -1;
    float *out = NULL;
    if (grp < 0) {
        lerr(k, "cannot open its weights, 'model_weights/%.200s'", k->lname);
        goto done;
    }
    char **names = NULL;
    const char *what = mem_printf(k->a, "'weight_names' of 'model_weights/%.200s'", k->lname);
    int n = read_string_list(k, grp, "weight_names", what, &names);
    if (n == -2)
        goto done;
    const char *found = NULL;
    for (int i = 0; i < n && !found; i++) {
        const char *b = strrchr(names[i], '/');
        b = b ? b + 1 : names[i];
        size_t len = strcspn(b, ":");
        if (len == strlen(suffix) && strncmp(b, suffix, len) == 0)
            found = names[i];
    }
    if (!found) {
        lerr(k, "its weight '%s' is missing (%s lists %d weight%s)", suffix, what, n < 0 ? 0 : n,
             n == 1 ? "" : "s");
        goto done;
    }
    if (H5Lexists(grp, found, H5P_DEFAULT) <= 0 ||
        (d = H5Dopen2(grp, found, H5P_DEFAULT)) < 0) {
        lerr(k, "its weight '%.200s' is listed but not in the file", found);
        goto done;
    }
    if ((sp = H5Dget_space(d)) < 0 || (t = H5Dget_type(d)) < 0) {
        lerr(k, "cannot read its weight '%.200s'", found);
        goto done;
    }
    int r = H5Sget_simple_extent_ndims(sp);
    hsize_t dims[H5S_MAX_RANK];
    if (r < 0 || r > H5S_MAX_RANK || H5Sget_simple_extent_dims(sp, dims, NULL) < 0) {
        lerr(k, "cannot read the shape of its weight '%.200s'", found);
        goto done;
    }
    bool same = r == rank;
    for (int i = 0; same && i < r; i++)
        same = dims[i] == (hsize_t)want[i];
    if (!same) {
        int64_t have[H5S_MAX_RANK];
        for (int i = 0; i < r; i++)
            have[i] = dims[i] > (hsize_t)INT64_MAX ? INT64_MAX : (int64_t)dims[i];
        lerr(k, "its weight '%.200s' has shape %s; the layer needs %s", found,
             shape_str(k, r, have), shape_str(k, rank, want));
        goto done;
    }
    size_t tsz = H5Tget_size(t);
    if (H5Tget_class(t) != H5T_FLOAT || (tsz != 4 && tsz != 2)) {
        lerr(k, "its weight '%.200s' is not float32 (nor float16): bnnc computes in float32",
             found);
        goto done;
    }
    int64_t cnt = 1;
    for (int i = 0; i < rank; i++)
        cnt *= want[i]; /* each at most BNNC_MAX_DIM, the product checked by the caller */
    if (cnt > (BNNC_MAX_RUN_BYTES >> 2) - k->weights) {
        lerr(k, "its weight '%.200s' takes the model's parameters past %lld MiB, the most "
                "bnnc holds",
             found, (long long)(BNNC_MAX_RUN_BYTES >> 20));
        goto done;
    }
    float *buf = mem_array(k->a, (size_t)(cnt ? cnt : 1), sizeof(float));
    if (cnt > 0 && H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        lerr(k, "cannot read its weight '%.200s': the file is damaged or uses a filter bnnc's "
                "HDF5 lacks",
             found);
        goto done;
    }
    for (int64_t i = 0; i < cnt; i++)
        if (!isfinite(buf[i])) {
            lerr(k, "its weight '%.200s' holds %s at element %lld; weights must be finite", found,
                 isnan(buf[i]) ? "nan" : buf[i] > 0 ? "inf" : "-inf", (long long)i);
            goto done;
        }
    k->weights += cnt;
    out = buf;
done:
    h5close(&t, H5Tclose);
    h5close(&sp, H5Sclose);
    h5close(&d, H5Dclose);
    h5close(&grp, H5Gclose);
    return out;
}

/* ------------------------------------------------------------- layers */

static int64_t elems(const KVal *v) {
    int64_t n = 1;
    for (int i = 0; i < v->rank; i++)
        n *= v->d[i];
    return n;
}

/* Whether v has at most BNNC_MAX_ELEMS elements (each dimension is at
 * most BNNC_MAX_DIM), so that counting them never overflows; reports. */
static bool fits(Kr *k, const KVal *v, const char *what) {
    int64_t n = 1;
    for (int i = 0; i < v->rank; i++) {
        if (v->d[i] > BNNC_MAX_ELEMS / n)
            return lerr(k, "its %s %s has more than 2^40 elements, the most a tensor of bnnc "
                           "has",
                        what, val_shape(k, v));
        n *= v->d[i];
    }
    return true;
}

static bool need_rank(Kr *k, const KVal *x, int rank) {
    if (x->rank == rank)
        return true;
    if (rank == 3)
        return lerr(k, "its input '%.200s' is %s; the layer needs an image [H, W, C]", x->kname,
                    val_shape(k, x));
    return lerr(k, "its input '%.200s' is %s; the layer needs a flat input [N] (add a Flatten "
                   "before it)",
                x->kname, val_shape(k, x));
}

/* What a quantizer does at inference. */
typedef enum { Q_NONE, Q_SIGN, Q_MAGNITUDE } Quant;

/* The quantizer config.key: null, a name, or {"class_name": ..., "config": ...}. */
static bool quantizer(Kr *k, json_t *conf, const char *key, Quant *q) {
    json_t *v = json_object_get(conf, key);
    *q = Q_NONE;
    if (!v || json_is_null(v))
        return true;
    const char *name = json_is_string(v) ? json_string_value(v)
                       : json_is_object(v) ? jstr(v, "class_name")
                                           : NULL;
    if (!name)
        return lerr(k, "'%s' must be null, a quantizer's name or an object with a "
                       "\"class_name\"",
                    key);
    static const char *const sign[] = {"ste_sign", "SteSign", "approx_sign", "ApproxSign",
                                       "swish_sign", "SwishSign"};
    for (size_t i = 0; i < sizeof sign / sizeof *sign; i++)
        if (strcmp(name, sign[i]) == 0) {
            *q = Q_SIGN;
            return true;
        }
    if (strcmp(name, "magnitude_aware_sign") == 0 || strcmp(name, "MagnitudeAwareSign") == 0) {
        *q = Q_MAGNITUDE;
        return true;
    }
    if (strcmp(name, "noop") == 0 || strcmp(name, "NoOp") == 0)
        return true;
    return lerr(k, "%s '%.100s' is not supported: bnnc binarises with sign(x) = (x >= 0 ? +1 : "
                   "-1), as ste_sign, approx_sign, swish_sign and magnitude_aware_sign (with its "
                   "scale) do at inference",
                key, name);
}

/* The activation after a Conv2D, Dense or an Activation layer: x, or a
 * new layer applying it, named after the layer (own: the Activation layer
 * itself) or LAYER_relu and the like. NULL after reporting. */
static const char *activation(Kr *k, json_t *conf, const KVal *x, bool own) {
    json_t *v = json_object_get(conf, "activation");
    if (!v || json_is_null(v))
        return x->bnn;
    const char *a = json_string_value(v);
    if (!a)
        return lerr(k, "'activation' must be the name of an activation"), NULL;
    if (strcmp(a, "linear") == 0)
        return x->bnn;
    static const char *const map[][2] = {
        {"relu", "relu"},           {"hard_tanh", "hardtanh"}, {"ste_sign", "sign"},
        {"approx_sign", "sign"},    {"swish_sign", "sign"},    {"softmax", "softmax"},
        {"sigmoid", "sigmoid"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        if (strcmp(a, map[i][0]) != 0)
            continue;
        /* Keras's softmax runs along the last axis; bnnc's over the whole
         * tensor: the same when that is all there is. */
        if (!strcmp(a, "softmax") && elems(x) != x->d[x->rank - 1])
            return lerr(k, "softmax of %s runs over each position's channels in Keras, but "
                           "bnnc's softmax runs over the whole tensor",
                        val_shape(k, x)),
                   NULL;
        const char *name = own ? k->lname : mem_printf(k->a, "%s_%s", k->lname, map[i][1]);
        return emit1(k, name, map[i][1], x->bnn, "")->name;
    }
    return lerr(k, "activation '%.100s' is not supported: the .bnn language has relu, "
                   "hardtanh (hard_tanh), sign (ste_sign, approx_sign, swish_sign), sigmoid and "
                   "softmax",
                a),
           NULL;
}

/* Per last-axis index, the mean of |w| over the other axes, as larq's
 * magnitude_aware_sign scales (in double, rounded to float). */
static float *mean_abs(Kr *k, const float *w, int64_t n, int64_t last) {
    float *s = mem_array(k->a, (size_t)last, sizeof(float));
    double *acc = calloc((size_t)last, sizeof(double));
    if (!acc) {
        fputs("bnnc: fatal error: out of memory\n", stderr);
        exit(EXIT_INTERNAL);
    }
    for (int64_t i = 0; i < n; i++)
        acc[i % last] += fabs((double)w[i]);
    for (int64_t j = 0; j < last; j++)
        s[j] = (float)(acc[j] / (double)(n / last));
    free(acc);
    return s;
}

/* Every value exactly -1 or +1. */
static bool all_pm1(const float *w, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        if (w[i] != 1.0f && w[i] != -1.0f)
            return false;
    return true;
}

/* sign(w) as larq computes it (sign(0) = +1), in place. */
static void binarise(float *w, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        w[i] = w[i] >= 0.0f ? 1.0f : -1.0f;
}

/* The window options shared by convolutions and pools: padding, and for a
 * Larq layer pad_values (1.0: same_one). */
static bool padding(Kr *k, json_t *conf, bool larq, const char **out) {
    const char *p = jstr(conf, "padding");
    if (!p || strcmp(p, "valid") == 0) {
        *out = "valid";
        return true;
    }
    if (strcmp(p, "same") != 0)
        return lerr(k, "padding '%.100s' is not supported (valid or same)", p);
    *out = "same";
    json_t *pv = json_object_get(conf, "pad_values");
    if (!larq || !pv || json_is_null(pv))
        return true;
    if (!json_is_number(pv))
        return lerr(k, "'pad_values' must be a number");
    double v = json_number_value(pv);
    if (v == 1.0)
        *out = "same_one";
    else if (v != 0.0)
        return lerr(k, "pad_values %g is not supported: bnnc pads with 0 (padding = same) or "
                       "+1 (same_one)",
                    v);
    return true;
}

/* A convolution's or dense layer's attributes `attrs`, then `scaled =
 * yes` with a weight scale and `bias = yes` with a bias. */
static const char *epilogue(Kr *k, const char *attrs, const float *scale, const float *bias) {
    return mem_printf(k->a, "%s%s%s", attrs, scale ? ", scaled = yes" : "",
                      bias ? ", bias = yes" : "");
}

/* Their tensors NAME.scale and NAME.bias, [co] each. */
static void add_epilogue(Kr *k, ImpLayer *L, int64_t co, float *scale, float *bias) {
    if (scale)
        add_tensor(k, L, "scale", 1, &co, scale);
    if (bias)
        add_tensor(k, L, "bias", 1, &co, bias);
}

/* Conv2D, QuantConv2D, DepthwiseConv2D, QuantDepthwiseConv2D. */
static bool map_conv(Kr *k, json_t *conf, const KVal *x, KVal *y, bool larq, bool depthwise) {
    if (!need_rank(k, x, 3) || !channels_last(k, conf))
        return false;
    int64_t ks[2], st[2], dil[2], filters = 0, groups = 1, mult = 1;
    const char *pad;
    bool bias = false;
    if (!jpair(k, conf, "kernel_size", 0, ks) || !jpair(k, conf, "strides", 1, st) ||
        !jpair(k, conf, "dilation_rate", 1, dil) || !padding(k, conf, larq, &pad) ||
        !jbool(k, conf, "use_bias", true, &bias))
        return false;
    if (depthwise ? !jint(k, conf, "depth_multiplier", 1, &mult)
                  : !jint(k, conf, "filters", 0, &filters) || !jint(k, conf, "groups", 1, &groups))
        return false;
    if ((st[0] > 1 || st[1] > 1) && (dil[0] > 1 || dil[1] > 1))
        return lerr(k, "strides and dilation_rate above 1 together are not supported");
    int64_t C = x->d[2];
    if (!depthwise && (C % groups || filters % groups))
        return lerr(k, "groups = %lld must divide its input channels (%lld) and filters (%lld)",
                    (long long)groups, (long long)C, (long long)filters);
    if (depthwise && mult > BNNC_MAX_DIM / C)
        return lerr(k, "depth_multiplier %lld is too large", (long long)mult);
    Quant iq = Q_NONE, kq = Q_NONE;
    if (larq && (!quantizer(k, conf, "input_quantizer", &iq) ||
                 !quantizer(k, conf, depthwise ? "depthwise_quantizer" : "kernel_quantizer", &kq)))
        return false;
    if (iq == Q_MAGNITUDE)
        return lerr(k, "input_quantizer magnitude_aware_sign scales by the mean of the "
                       "activations at run time; bnnc has no such operation");
    /* Output size, as Keras computes it. */
    int64_t o[2];
    for (int i = 0; i < 2; i++) {
        int64_t ext = dil[i] * (ks[i] - 1) + 1;
        if (strcmp(pad, "valid") == 0) {
            if (ext > x->d[i])
                return lerr(k, "its %lld-wide window is larger than its input %s along %s",
                            (long long)ext, val_shape(k, x), i ? "W" : "H");
            o[i] = (x->d[i] - ext) / st[i] + 1;
        } else {
            o[i] = (x->d[i] + st[i] - 1) / st[i];
        }
    }
    int64_t co = depthwise ? C * mult : filters;
    int64_t want[4] = {ks[0], ks[1], depthwise ? C : C / groups, depthwise ? mult : filters};
    if (want[0] * want[1] > BNNC_MAX_DIM / want[2] ||
        want[0] * want[1] * want[2] > BNNC_MAX_DIM / want[3])
        return lerr(k, "its kernel %s is too large", shape_str(k, 4, want));
    float *w = weight(k, depthwise ? "depthwise_kernel" : "kernel", 4, want);
    if (!w)
        return false;
    int64_t nw = want[0] * want[1] * want[2] * want[3];
    float *b = NULL;
    if (bias && !(b = weight(k, "bias", 1, &co)))
        return false;
    bool binary = kq == Q_SIGN || (kq == Q_NONE && all_pm1(w, nw));
    float *scale = NULL;
    if (kq == Q_MAGNITUDE) {
        scale = mean_abs(k, w, nw, want[3]);
        binary = true;
    }
    if (binary)
        binarise(w, nw);
    const char *in = x->bnn;
    if (iq == Q_SIGN)
        in = emit1(k, mem_printf(k->a, "%s_sign", k->lname), "sign", in, "")->name;
    const char *attrs, *op;
    const char *geo = mem_printf(k->a, "kernel = %s%s%s%s%s%s%s", pair_text(k, ks),
                                 st[0] != 1 || st[1] != 1 ? ", stride = " : "",
                                 st[0] != 1 || st[1] != 1 ? pair_text(k, st) : "",
                                 strcmp(pad, "valid") ? ", padding = " : "",
                                 strcmp(pad, "valid") ? pad : "",
                                 dil[0] != 1 || dil[1] != 1 ? ", dilation = " : "",
                                 dil[0] != 1 || dil[1] != 1 ? pair_text(k, dil) : "");
    if (depthwise) {
        /* The .bnn language has no binary depthwise convolution: binary
         * weights are the floats -1.0 and +1.0 (times the scale), which
         * is exactly what larq computes with. */
        if (scale)
            for (int64_t i = 0; i < nw; i++)
                w[i] *= scale[i % want[3]];
        scale = NULL;
        op = "depthwise_conv2d";
        attrs = mult != 1 ? mem_printf(k->a, "%s, multiplier = %lld", geo, (long long)mult) : geo;
    } else {
        op = binary ? "bconv2d" : "conv2d";
        attrs = mem_printf(k->a, "filters = %lld, %s%s", (long long)filters, geo,
                           groups != 1 ? mem_printf(k->a, ", groups = %lld", (long long)groups)
                                       : "");
    }
    ImpLayer *L = emit1(k, k->lname, op, in, epilogue(k, attrs, scale, b));
    add_tensor(k, L, "weight", 4, want, w);
    add_epilogue(k, L, co, scale, b);
    y->rank = 3;
    y->d[0] = o[0];
    y->d[1] = o[1];
    y->d[2] = co;
    y->bnn = L->name;
    const char *act = activation(k, conf, y, false);
    if (!act)
        return false;
    y->bnn = act;
    return true;
}

/* Dense, QuantDense. */
static bool map_dense(Kr *k, json_t *conf, const KVal *x, KVal *y, bool larq) {
    if (!need_rank(k, x, 1))
        return false;
    int64_t units;
    bool bias = false;
    if (!jint(k, conf, "units", 0, &units) || !jbool(k, conf, "use_bias", true, &bias))
        return false;
    Quant iq = Q_NONE, kq = Q_NONE;
    if (larq && (!quantizer(k, conf, "input_quantizer", &iq) ||
                 !quantizer(k, conf, "kernel_quantizer", &kq)))
        return false;
    if (iq == Q_MAGNITUDE)
        return lerr(k, "input_quantizer magnitude_aware_sign scales by the mean of the "
                       "activations at run time; bnnc has no such operation");
    int64_t want[2] = {x->d[0], units};
    if (want[0] > BNNC_MAX_DIM / want[1])
        return lerr(k, "its kernel %s is too large", shape_str(k, 2, want));
    float *w = weight(k, "kernel", 2, want);
    if (!w)
        return false;
    float *b = NULL;
    if (bias && !(b = weight(k, "bias", 1, &units)))
        return false;
    int64_t nw = want[0] * want[1];
    bool binary = kq == Q_SIGN || (kq == Q_NONE && all_pm1(w, nw));
    float *scale = NULL;
    if (kq == Q_MAGNITUDE) {
        scale = mean_abs(k, w, nw, units);
        binary = true;
    }
    if (binary)
        binarise(w, nw);
    const char *in = x->bnn;
    if (iq == Q_SIGN)
        in = emit1(k, mem_printf(k->a, "%s_sign", k->lname), "sign", in, "")->name;
    ImpLayer *L = emit1(k, k->lname, binary ? "bdense" : "dense", in,
                        epilogue(k, mem_printf(k->a, "units = %lld", (long long)units),
                                 scale, b));
    add_tensor(k, L, "weight", 2, want, w);
    add_epilogue(k, L, units, scale, b);
    y->rank = 1;
    y->d[0] = units;
    y->bnn = L->name;
    const char *act = activation(k, conf, y, false);
    if (!act)
        return false;
    y->bnn = act;
    return true;
}

/* Whether `axis` (Keras counts the batch dimension: 1..rank) names the
 * last axis of x: -1, rank, or a list of one of them. */
static bool last_axis(json_t *axis, const KVal *x) {
    if (json_is_array(axis) && json_array_size(axis) == 1)
        axis = json_array_get(axis, 0);
    if (!json_is_integer(axis))
        return false;
    json_int_t a = json_integer_value(axis);
    return a == -1 || a == x->rank;
}

/* The shortest text of v that reads back as v (strtod), for the .bnn. */
static const char *real_text(Kr *k, double v) {
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return mem_strdup(k->a, buf);
}

/* BatchNormalization: bnnc's batchnorm with Keras's tensors, epsilon,
 * center and scale as they are (no gamma without scale, no beta without
 * center). */
static bool map_batchnorm(Kr *k, json_t *conf, const KVal *x, KVal *y) {
    json_t *axis = json_object_get(conf, "axis");
    if (axis && !last_axis(axis, x))
        return lerr(k, "it normalizes an axis other than the channels (the last): bnnc's "
                       "batchnorm has one set of parameters per channel");
    bool center = true, scale = true;
    if (!jbool(k, conf, "center", true, &center) || !jbool(k, conf, "scale", true, &scale))
        return false;
    json_t *e = json_object_get(conf, "epsilon");
    double eps = 0.001;
    if (e && !json_is_null(e)) {
        if (!json_is_number(e) || !(json_number_value(e) > 0) || json_number_value(e) > 1e30)
            return lerr(k, "'epsilon' must be a number above 0 (bnnc's batchnorm adds an "
                           "epsilon above 0 to the variance)");
        eps = json_number_value(e);
    }
    int64_t ch = x->d[x->rank - 1];
    float *gamma = scale ? weight(k, "gamma", 1, &ch) : NULL;
    float *beta = (gamma || !scale) && center ? weight(k, "beta", 1, &ch) : NULL;
    bool ok = (gamma || !scale) && (beta || !center);
    float *mean = ok ? weight(k, "moving_mean", 1, &ch) : NULL;
    float *var = mean ? weight(k, "moving_variance", 1, &ch) : NULL;
    if (!var)
        return false;
    for (int64_t i = 0; i < ch; i++) {
        if (var[i] < 0)
            return lerr(k, "its moving_variance is negative (%g) at channel %lld", (double)var[i],
                        (long long)i);
        /* bnnc folds in double and refuses a scale or shift beyond
         * float32 when it loads the weights: refused here, by layer. */
        double r = sqrt((double)var[i] + eps), g = gamma ? gamma[i] : 1.0;
        double sc = g / r, sh = (beta ? beta[i] : 0.0) - (double)mean[i] * g / r;
        if (!(fabs(sc) <= FLT_MAX) || !(fabs(sh) <= FLT_MAX))
            return lerr(k, "its folded scale or shift at channel %lld is beyond float32",
                        (long long)i);
    }
    const char *attrs = mem_printf(k->a, "%s%s%s", eps != 0.001 ? ", epsilon = " : "",
                                   eps != 0.001 ? real_text(k, eps) : "",
                                   center ? "" : ", center = no");
    attrs = mem_printf(k->a, "%s%s", attrs, scale ? "" : ", scale = no");
    ImpLayer *L = emit1(k, k->lname, "batchnorm", x->bnn, *attrs ? attrs + 2 : "");
    if (gamma)
        add_tensor(k, L, "gamma", 1, &ch, gamma);
    if (beta)
        add_tensor(k, L, "beta", 1, &ch, beta);
    add_tensor(k, L, "mean", 1, &ch, mean);
    add_tensor(k, L, "variance", 1, &ch, var);
    *y = *x;
    y->bnn = L->name;
    return true;
}

/* PReLU: shared_axes None, one alpha per element (Keras's default), is
 * prelu with per_element = yes and the alphas as Keras stores them; one
 * shared over every axis but the channels (and maybe the channels too)
 * is bnnc's prelu, an alpha per channel. */
static bool map_prelu(Kr *k, json_t *conf, const KVal *x, KVal *y) {
    int64_t want[3];
    for (int i = 0; i < x->rank; i++)
        want[i] = x->d[i];
    json_t *sh = json_object_get(conf, "shared_axes");
    bool shared = sh && !json_is_null(sh);
    if (shared) {
        if (json_is_integer(sh)) {
            json_t *one = json_array();
            json_array_append(one, sh);
            sh = one;
        } else if (!json_is_array(sh)) {
            return lerr(k, "'shared_axes' must be null, an axis or a list of axes");
        } else {
            json_incref(sh);
        }
        for (size_t i = 0; i < json_array_size(sh); i++) {
            json_t *a = json_array_get(sh, i);
            json_int_t ax = json_is_integer(a) ? json_integer_value(a) : 0;
            if (ax < 0)
                ax += x->rank + 1;
            if (ax < 1 || ax > x->rank) {
                json_decref(sh);
                return lerr(k, "'shared_axes' names an axis its input %s does not have",
                            val_shape(k, x));
            }
            want[ax - 1] = 1;
        }
        json_decref(sh);
        for (int i = 0; i + 1 < x->rank; i++)
            if (want[i] != 1)
                return lerr(k, "'shared_axes' shares its alphas over some axes of its input %s "
                               "but not all of them but the channels: bnnc's prelu has one "
                               "alpha per channel (shared_axes [1, 2] for an image) or per "
                               "element (shared_axes None)",
                            val_shape(k, x));
    }
    float *al = weight(k, "alpha", x->rank, want);
    if (!al)
        return false;
    int64_t C = x->d[x->rank - 1];
    ImpLayer *L;
    if (!shared && x->rank > 1) {
        L = emit1(k, k->lname, "prelu", x->bnn, "per_element = yes");
        add_tensor(k, L, "alpha", x->rank, want, al);
    } else {
        /* per channel: [C] from [..., 1, C], or C copies of one shared by
         * the channels too */
        float *alpha = al;
        if (want[x->rank - 1] == 1 && C > 1) {
            alpha = mem_array(k->a, (size_t)C, sizeof(float));
            for (int64_t c = 0; c < C; c++)
                alpha[c] = al[0];
        }
        L = emit1(k, k->lname, "prelu", x->bnn, "");
        add_tensor(k, L, "alpha", 1, &C, alpha);
    }
    *y = *x;
    y->bnn = L->name;
    return true;
}

static bool map_pool(Kr *k, json_t *conf, const KVal *x, KVal *y, const char *op) {
    if (!need_rank(k, x, 3) || !channels_last(k, conf))
        return false;
    int64_t ps[2], st[2];
    const char *pad;
    if (!jpair(k, conf, "pool_size", 2, ps) || !padding(k, conf, false, &pad))
        return false;
    json_t *s = json_object_get(conf, "strides");
    if (!s || json_is_null(s))
        st[0] = ps[0], st[1] = ps[1];
    else if (!jpair(k, conf, "strides", 1, st))
        return false;
    int64_t o[2];
    for (int i = 0; i < 2; i++) {
        if (strcmp(pad, "valid") == 0) {
            if (ps[i] > x->d[i])
                return lerr(k, "its %lld-wide window is larger than its input %s along %s",
                            (long long)ps[i], val_shape(k, x), i ? "W" : "H");
            o[i] = (x->d[i] - ps[i]) / st[i] + 1;
        } else {
            o[i] = (x->d[i] + st[i] - 1) / st[i];
        }
    }
    const char *attrs = mem_printf(k->a, "size = %s", pair_text(k, ps));
    if (st[0] != ps[0] || st[1] != ps[1])
        attrs = mem_printf(k->a, "%s, stride = %s", attrs, pair_text(k, st));
    if (strcmp(pad, "valid"))
        attrs = mem_printf(k->a, "%s, padding = same", attrs);
    y->rank = 3;
    y->d[0] = o[0];
    y->d[1] = o[1];
    y->d[2] = x->d[2];
    y->bnn = emit1(k, k->lname, op, x->bnn, attrs)->name;
    return true;
}

static bool same_shape(const KVal *a, const KVal *b) {
    if (a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->d[i] != b->d[i])
            return false;
    return true;
}

/* The .bnn tuple of a shape: "(a, b, c)", or "n" for one dimension; with
 * the batch dimension of 1 first when `batch`. */
static const char *tuple_text(Kr *k, int rank, const int64_t *d, bool batch) {
    const char *t = batch ? "1" : "";
    for (int i = 0; i < rank; i++)
        t = mem_printf(k->a, "%s%s%lld", t, *t ? ", " : "", (long long)d[i]);
    return rank + batch > 1 ? mem_printf(k->a, "(%s)", t) : t;
}

/* Flatten, Reshape: flatten to [N], reshape to any other shape (the
 * elements in the same order, as Keras's Reshape keeps them: both are
 * free, views); nothing where the shape does not change. */
static bool map_reshape(Kr *k, json_t *conf, const KVal *x, KVal *y, bool flatten) {
    KVal to = {0};
    if (flatten) {
        to.rank = 1;
        to.d[0] = elems(x);
    } else {
        json_t *ts = json_object_get(conf, "target_shape");
        size_t n = json_array_size(ts);
        if (n < 1 || n > 3)
            return lerr(k, "'target_shape' must be a list of 1 to 3 dimensions (bnnc's "
                           "tensors have at most 4, the batch dimension included)");
        to.rank = (int)n;
        int64_t known = 1;
        int unknown = -1;
        for (size_t i = 0; i < n; i++) {
            json_t *d = json_array_get(ts, i);
            json_int_t v = json_is_integer(d) ? json_integer_value(d) : 0;
            if (v == -1 && unknown < 0) {
                unknown = (int)i;
                continue;
            }
            if (v < 1 || v > BNNC_MAX_DIM || known > BNNC_MAX_DIM * 1024 / v)
                return lerr(k, "'target_shape' must hold positive dimensions (and at most one "
                               "-1)");
            to.d[i] = v;
            known *= v;
        }
        if (unknown >= 0) {
            if (elems(x) % known)
                return lerr(k, "its input %s does not reshape to 'target_shape'",
                            val_shape(k, x));
            to.d[unknown] = elems(x) / known;
            known = elems(x);
        }
        if (known != elems(x))
            return lerr(k, "its input %s has %lld elements; target_shape %s has %lld",
                        val_shape(k, x), (long long)elems(x), shape_str(k, to.rank, to.d),
                        (long long)known);
    }
    to.kname = x->kname;
    if (same_shape(&to, x)) {
        *y = *x;
        return true;
    }
    *y = to;
    y->bnn = to.rank == 1 ? emit1(k, k->lname, "flatten", x->bnn, "")->name
                          : emit1(k, k->lname, "reshape", x->bnn,
                                  mem_printf(k->a, "shape = %s",
                                             tuple_text(k, to.rank, to.d, false)))
                                ->name;
    return true;
}

/* Add, Concatenate. */
static bool map_merge(Kr *k, json_t *conf, KVal **x, int nin, KVal *y, bool concat) {
    if (nin < 2)
        return lerr(k, "it has %d input%s; it needs at least 2", nin, nin == 1 ? "" : "s");
    const char **in = mem_array(k->a, (size_t)nin, sizeof *in);
    for (int i = 0; i < nin; i++) {
        in[i] = x[i]->bnn;
        bool fits = x[i]->rank == x[0]->rank;
        for (int d = 0; concat && fits && d + 1 < x[0]->rank; d++)
            fits = x[i]->d[d] == x[0]->d[d];
        if (!concat)
            fits = same_shape(x[i], x[0]);
        if (!fits)
            return lerr(k, "its inputs '%.200s' %s and '%.200s' %s do not fit together",
                        x[0]->kname, val_shape(k, x[0]), x[i]->kname, val_shape(k, x[i]));
    }
    *y = *x[0];
    if (concat) {
        json_t *axis = json_object_get(conf, "axis");
        if (axis && !last_axis(axis, x[0]))
            return lerr(k, "it concatenates along an axis other than the channels (the last): "
                           "bnnc's concat joins channels");
        int64_t sum = 0;
        for (int i = 0; i < nin; i++)
            sum += x[i]->d[x[i]->rank - 1];
        if (sum > BNNC_MAX_DIM)
            return lerr(k, "it has too many channels");
        y->d[y->rank - 1] = sum;
        y->bnn = emit(k, k->lname, "concat", in, nin, "")->name;
        return true;
    }
    /* Keras adds its inputs one after the other: ((a + b) + c) + ... */
    const char *acc = in[0];
    for (int i = 1; i < nin; i++) {
        const char *pair[2] = {acc, in[i]};
        const char *name = i == nin - 1 ? k->lname : mem_printf(k->a, "%s_%d", k->lname, i);
        acc = emit(k, name, "add", pair, 2, "")->name;
    }
    y->bnn = acc;
    return true;
}

/* An input: InputLayer, or the batch_input_shape of a Sequential model's
 * first layer. */
static bool map_input(Kr *k, json_t *conf, const char *name, KVal *y) {
    json_t *bs = json_object_get(conf, "batch_input_shape");
    if (!bs)
        bs = json_object_get(conf, "batch_shape");
    size_t n = json_array_size(bs);
    if (n != 2 && n != 4)
        return lerr(k, "its input shape must be [batch, H, W, C] or [batch, N] "
                       "('batch_input_shape')");
    const char *dt = jstr(conf, "dtype");
    if (dt && strcmp(dt, "float32") != 0)
        return lerr(k, "its dtype is '%.50s': bnnc imports float32 inputs", dt);
    y->rank = (int)n - 1;
    for (size_t i = 1; i < n; i++) {
        json_t *d = json_array_get(bs, i);
        if (!json_is_integer(d) || json_integer_value(d) < 1 ||
            json_integer_value(d) > BNNC_MAX_DIM)
            return lerr(k, "its input shape must give every dimension but the batch, from 1 "
                           "to %lld (dimension %zu is %s)",
                        (long long)BNNC_MAX_DIM, i, json_is_null(d) ? "None" : "out of range");
        y->d[i - 1] = json_integer_value(d);
    }
    if (!fits(k, y, "input"))
        return false;
    json_t *b0 = json_array_get(bs, 0);
    if (!json_is_null(b0) && !(json_is_integer(b0) && json_integer_value(b0) == 1))
        return lerr(k, "its batch dimension must be None or 1");
    /* The model's input, [1, ...], under its name (a model output's name
     * too when the input is an output), then a free reshape without the
     * batch dimension. */
    ImpInput *in = mem_alloc(k->a, sizeof *in);
    int u = smap_get(&k->used, name);
    in->name = u == 0 || u == 2 ? name : fresh(k, name);
    smap_put(&k->used, in->name, 1);
    in->type = DT_F32;
    in->rank = y->rank + 1;
    in->shape[0] = 1;
    for (int i = 0; i < y->rank; i++)
        in->shape[i + 1] = y->d[i];
    vec_push(k->a, &k->inputs, in);
    vec_push(k->a, &k->inkname, (void *)name);
    ImpLayer *L = emit1(k, mem_printf(k->a, "%s_item", in->name), "reshape", in->name,
                        mem_printf(k->a, "shape = %s", tuple_text(k, y->rank, y->d, false)));
    L->src_name = name;
    L->src_type = "InputLayer";
    y->bnn = L->name;
    return true;
}

static bool map_layer1(Kr *k, const char *cls, json_t *conf, KVal **x, int nin, KVal *y);

/* One layer: class cls, config conf, reading x[0..nin), into y. */
static bool map_layer(Kr *k, const char *cls, json_t *conf, KVal **x, int nin, KVal *y) {
    return map_layer1(k, cls, conf, x, nin, y) && fits(k, y, "output");
}

static bool map_layer1(Kr *k, const char *cls, json_t *conf, KVal **x, int nin, KVal *y) {
    if (nin != 1 && strcmp(cls, "Add") != 0 && strcmp(cls, "Concatenate") != 0)
        return lerr(k, "it has %d inputs; it takes one", nin);
    KVal *a = x[0];
    if (!strcmp(cls, "Conv2D"))
        return map_conv(k, conf, a, y, false, false);
    if (!strcmp(cls, "QuantConv2D"))
        return map_conv(k, conf, a, y, true, false);
    if (!strcmp(cls, "DepthwiseConv2D"))
        return map_conv(k, conf, a, y, false, true);
    if (!strcmp(cls, "QuantDepthwiseConv2D"))
        return map_conv(k, conf, a, y, true, true);
    if (!strcmp(cls, "Dense"))
        return map_dense(k, conf, a, y, false);
    if (!strcmp(cls, "QuantDense"))
        return map_dense(k, conf, a, y, true);
    if (!strcmp(cls, "BatchNormalization"))
        return map_batchnorm(k, conf, a, y);
    if (!strcmp(cls, "PReLU"))
        return map_prelu(k, conf, a, y);
    if (!strcmp(cls, "MaxPooling2D"))
        return map_pool(k, conf, a, y, "maxpool");
    if (!strcmp(cls, "AveragePooling2D"))
        return map_pool(k, conf, a, y, "avgpool");
    if (!strcmp(cls, "Flatten"))
        return channels_last(k, conf) && map_reshape(k, conf, a, y, true);
    if (!strcmp(cls, "Reshape"))
        return map_reshape(k, conf, a, y, false);
    if (!strcmp(cls, "Add"))
        return map_merge(k, conf, x, nin, y, false);
    if (!strcmp(cls, "Concatenate"))
        return map_merge(k, conf, x, nin, y, true);
    if (!strcmp(cls, "Dropout") || !strcmp(cls, "SpatialDropout2D")) {
        *y = *a; /* nothing at inference */
        return true;
    }
    if (!strcmp(cls, "GlobalAveragePooling2D")) {
        bool keep = false;
        if (!need_rank(k, a, 3) || !channels_last(k, conf) ||
            !jbool(k, conf, "keepdims", false, &keep))
            return false;
        y->rank = 1;
        y->d[0] = a->d[2];
        y->bnn = emit1(k, k->lname, "global_avgpool", a->bnn, "")->name;
        if (keep) { /* [1, 1, C]: a free reshape of bnnc's [C] */
            int64_t d[3] = {1, 1, a->d[2]};
            y->rank = 3;
            memcpy(y->d, d, sizeof d);
            y->bnn = emit1(k, mem_printf(k->a, "%s_keepdims", k->lname), "reshape", y->bnn,
                           mem_printf(k->a, "shape = %s", tuple_text(k, 3, d, false)))
                         ->name;
        }
        return true;
    }
    if (!strcmp(cls, "ReLU")) {
        json_t *mv = json_object_get(conf, "max_value");
        json_t *ns = json_object_get(conf, "negative_slope");
        json_t *th = json_object_get(conf, "threshold");
        if ((mv && !json_is_null(mv)) || (ns && json_number_value(ns) != 0) ||
            (th && json_number_value(th) != 0))
            return lerr(k, "max_value, negative_slope and threshold other than none, 0 and 0 "
                           "are not supported: bnnc's relu is max(x, 0)");
        *y = *a;
        y->bnn = emit1(k, k->lname, "relu", a->bnn, "")->name;
        return true;
    }
    if (!strcmp(cls, "Activation")) {
        *y = *a;
        const char *r = activation(k, conf, a, true);
        y->bnn = r;
        return r != NULL;
    }
    return lerr(k, "layer class '%.100s' is not supported by bnnc import (docs/import.md lists "
                   "the Keras and Larq layers it maps)",
                cls);
}

/* ------------------------------------------------------------- models */

/* Keeps y as the value of Keras layer `kname`. */
static void keep_val(Kr *k, const char *kname, const KVal *y) {
    if (k->nvals == k->capvals) {
        int cap = k->capvals ? 2 * k->capvals : 64;
        KVal *v = mem_array(k->a, (size_t)cap, sizeof *v);
        if (k->nvals)
            memcpy(v, k->vals, (size_t)k->nvals * sizeof *v);
        k->vals = v;
        k->capvals = cap;
    }
    k->vals[k->nvals] = *y;
    k->vals[k->nvals].kname = kname;
    k->vals[k->nvals].ktype = k->ltype;
    smap_put(&k->byname, kname, k->nvals);
    k->nvals++;
}

static bool is_nested_model(const char *cls) {
    return !strcmp(cls, "Sequential") || !strcmp(cls, "Functional") || !strcmp(cls, "Model");
}

/* The layers of the model: each needs a class, a config object and a
 * name, unique; the names are reserved as .bnn names. */
static bool check_layers(Kr *k, json_t *layers) {
    size_t n = json_array_size(layers);
    if (n == 0)
        return ferr(k, "the model in 'model_config' has no layers");
    if (n > KR_MAX_LAYERS)
        return ferr(k, "the model has more than %d layers", KR_MAX_LAYERS);
    StrMap seen;
    strmap_init(&seen, k->a, false);
    for (size_t i = 0; i < n; i++) {
        json_t *L = json_array_get(layers, i), *conf = json_object_get(L, "config");
        const char *name = jstr(conf, "name");
        if (!name)
            name = jstr(L, "name");
        if (!jstr(L, "class_name") || !json_is_object(conf) || !name || !*name)
            return ferr(k, "layer %zu of 'model_config' needs a \"class_name\", a \"config\" "
                           "object and a name",
                        i);
        if (smap_get(&seen, name) >= 0)
            return ferr(k, "two layers are named '%.200s'", name);
        name = mem_strdup(k->a, name);
        smap_put(&seen, name, 0);
        smap_put(&k->used, name, 0);
    }
    return true;
}

/* Sets k->lname, k->ltype (arena copies: the graph outlives the JSON)
 * and *conf from layer entry L. */
static void layer_head(Kr *k, json_t *L, json_t **conf) {
    *conf = json_object_get(L, "config");
    const char *name = jstr(*conf, "name");
    k->lname = mem_strdup(k->a, name ? name : jstr(L, "name"));
    k->ltype = mem_strdup(k->a, jstr(L, "class_name"));
}

/* The model's outputs, in order: out[i] the value of the layer names[i],
 * given the batch dimension of 1 by a free reshape named after that
 * layer. */
static bool emit_outputs(Kr *k, KVal **out, int n) {
    k->g->outputs = mem_array(k->a, (size_t)n, sizeof(char *));
    k->g->noutputs = n;
    k->final = true;
    for (int i = 0; i < n; i++) {
        const KVal *v = out[i];
        k->lname = v->kname;
        k->ltype = v->ktype;
        ImpLayer *L = emit1(k, v->kname, "reshape", v->bnn,
                            mem_printf(k->a, "shape = %s", tuple_text(k, v->rank, v->d, true)));
        k->g->outputs[i] = L->name;
    }
    return true;
}

/* Reserves the name of a model output's layer for its final reshape. */
static void reserve_output(Kr *k, const char *name) {
    if (name && smap_get(&k->used, name) == 0)
        smap_put(&k->used, name, 2);
}

static bool sequential(Kr *k, json_t *layers) {
    if (!check_layers(k, layers))
        return false;
    size_t n = json_array_size(layers);
    KVal prev = {0};
    bool have = false, any = false;
    json_t *lastc;
    layer_head(k, json_array_get(layers, n - 1), &lastc);
    reserve_output(k, k->lname);
    for (size_t i = 0; i < n; i++) {
        json_t *conf;
        layer_head(k, json_array_get(layers, i), &conf);
        if (is_nested_model(k->ltype))
            return lerr(k, "a model inside a model is not supported; save the inner model's "
                           "layers in the outer one");
        KVal y = {0};
        if (!strcmp(k->ltype, "InputLayer")) {
            if (have)
                return lerr(k, "a Sequential model has one InputLayer, its first layer");
            if (!map_input(k, conf, k->lname, &y))
                return false;
            keep_val(k, k->lname, &y);
            prev = k->vals[k->nvals - 1];
            have = true;
            continue;
        }
        if (!have) {
            /* No InputLayer: the first layer gives the input's shape, and
             * Keras names the input after it. */
            const char *iname = mem_printf(k->a, "%s_input", k->lname);
            if (!map_input(k, conf, iname, &prev))
                return false;
            const char *cls = k->ltype;
            k->ltype = "InputLayer";
            keep_val(k, iname, &prev);
            k->ltype = cls;
            have = true;
        }
        KVal x = prev, *xs[1] = {&x};
        if (!map_layer(k, k->ltype, conf, xs, 1, &y))
            return false;
        keep_val(k, k->lname, &y);
        prev = k->vals[k->nvals - 1];
        any = true;
    }
    if (!any)
        return ferr(k, "the model has no layer but its input");
    KVal *out[1] = {&prev};
    return emit_outputs(k, out, 1);
}

/* ["name", node_index, tensor_index, ...]: the value of the layer `name`
 * (its only call and output), or NULL after reporting (`what` is the
 * reference, for messages: a layer's input, or the model's). */
static KVal *ref_val(Kr *k, json_t *ref, const char *what) {
    const char *name = json_string_value(json_array_get(ref, 0));
    json_t *node = json_array_get(ref, 1), *tensor = json_array_get(ref, 2);
    if (!name || !json_is_integer(node) || !json_is_integer(tensor))
        return ferr(k, "%s must be [\"layer\", node, tensor, ...]", what), NULL;
    int i = smap_get(&k->byname, name);
    if (i < 0)
        return ferr(k, "%s reads '%.200s', which is not a layer before it", what, name), NULL;
    if (json_integer_value(node) != 0 || json_integer_value(tensor) != 0)
        return ferr(k, "%s reads output %lld of call %lld of '%.200s': bnnc maps layers "
                       "called once, with one output",
                    what, (long long)json_integer_value(tensor),
                    (long long)json_integer_value(node), name),
               NULL;
    return &k->vals[i];
}

/* input_layers / output_layers: a list of [name, 0, 0], or one of them
 * (a new reference either way). */
static json_t *ref_list(json_t *v) {
    if (json_is_array(v) && json_is_string(json_array_get(v, 0))) {
        json_t *l = json_array();
        json_array_append(l, v);
        return l;
    }
    return json_is_array(v) ? json_incref(v) : json_array();
}

/* The layers of a functional model, in the order of its config. */
static bool map_functional(Kr *k, json_t *layers) {
    size_t n = json_array_size(layers);
    for (size_t i = 0; i < n; i++) {
        json_t *L = json_array_get(layers, i), *lc;
        layer_head(k, L, &lc);
        if (is_nested_model(k->ltype))
            return lerr(k, "a model inside a model is not supported; save the inner model's "
                           "layers in the outer one");
        json_t *nodes = json_object_get(L, "inbound_nodes");
        KVal y = {0};
        if (!strcmp(k->ltype, "InputLayer")) {
            if (!map_input(k, lc, k->lname, &y))
                return false;
        } else {
            if (!json_is_array(nodes) || json_array_size(nodes) == 0)
                return lerr(k, "it has no \"inbound_nodes\": nothing calls it");
            if (json_array_size(nodes) > 1)
                return lerr(k, "it is called %zu times (a shared layer); bnnc maps a layer "
                               "called once",
                            json_array_size(nodes));
            json_t *node = json_array_get(nodes, 0);
            if (!json_is_array(node))
                return lerr(k, "its inbound node is not a list of [\"layer\", node, tensor, "
                               "kwargs] (a format of Keras 3?)");
            size_t nin = json_array_size(node);
            if (nin == 0 || nin > KR_MAX_INPUTS)
                return lerr(k, "it has %zu inputs", nin);
            KVal **xs = mem_array(k->a, nin, sizeof *xs);
            const char *what = mem_printf(k->a, "an input of layer '%.200s'", k->lname);
            for (size_t j = 0; j < nin; j++) {
                KVal *v = ref_val(k, json_array_get(node, j), what);
                if (!v)
                    return false;
                xs[j] = mem_alloc(k->a, sizeof(KVal));
                *xs[j] = *v;
            }
            if (!map_layer(k, k->ltype, lc, xs, (int)nin, &y))
                return false;
        }
        keep_val(k, k->lname, &y);
    }
    return true;
}

static bool functional(Kr *k, json_t *conf) {
    json_t *layers = json_object_get(conf, "layers");
    if (!check_layers(k, layers))
        return false;
    json_t *outs = ref_list(json_object_get(conf, "output_layers"));
    json_t *ins = ref_list(json_object_get(conf, "input_layers"));
    for (size_t i = 0; i < json_array_size(outs); i++)
        reserve_output(k, json_string_value(json_array_get(json_array_get(outs, i), 0)));
    bool ok = map_functional(k, layers);
    size_t no = json_array_size(outs), ni = json_array_size(ins);
    if (ok && !(no > 0 && ni == (size_t)k->inputs.n))
        ok = ferr(k, "'model_config' needs \"input_layers\" (one per InputLayer, here %d) and "
                     "\"output_layers\"",
                  k->inputs.n);
    /* The inputs in the order the model takes them. */
    void **order = ok ? mem_array(k->a, ni ? ni : 1, sizeof *order) : NULL;
    for (size_t i = 0; ok && i < ni; i++) {
        KVal *v = ref_val(k, json_array_get(ins, i), "an entry of \"input_layers\"");
        ok = v != NULL;
        for (int m = 0; ok && m < k->inputs.n; m++) {
            if (k->inkname.v[m] && strcmp(k->inkname.v[m], v->kname) == 0) {
                order[i] = k->inputs.v[m];
                k->inkname.v[m] = NULL;
                break;
            }
            if (m + 1 == k->inputs.n)
                ok = ferr(k, "\"input_layers\" names '%.200s', which is not an InputLayer or "
                             "is named twice",
                          v->kname);
        }
    }
    if (ok)
        k->inputs.v = order;
    KVal **ov = ok ? mem_array(k->a, no, sizeof *ov) : NULL;
    for (size_t i = 0; ok && i < no; i++)
        ok = (ov[i] = ref_val(k, json_array_get(outs, i), "an entry of \"output_layers\"")) != NULL;
    json_decref(outs);
    json_decref(ins);
    return ok && emit_outputs(k, ov, (int)no);
}

/* ---------------------------------------------------------------- entry */

static bool read_model(Kr *k) {
    char **cfgs;
    int n = read_strings(k, k->file, "model_config", "'model_config'", &cfgs);
    if (n == -2)
        return false;
    if (n == -1) {
        if (H5Lexists(k->file, "layer_names", H5P_DEFAULT) > 0 ||
            H5Aexists(k->file, "layer_names") > 0)
            return ferr(k, "it holds weights only (Keras's save_weights), no 'model_config': "
                           "save the whole model (model.save(\"m.h5\"))");
        return ferr(k, "it is an HDF5 file but not a Keras model: it has no attribute "
                       "'model_config'");
    }
    if (n != 1)
        return ferr(k, "the attribute 'model_config' must be one string");
    json_error_t jerr;
    json_t *root = json_loads(cfgs[0], JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return ferr(k, "its 'model_config' is not JSON: %s at character %d", jerr.text,
                    jerr.position);
    bool ok = false;
    const char *cls = jstr(root, "class_name");
    json_t *conf = json_object_get(root, "config");
    if (!cls) {
        ferr(k, "its 'model_config' has no \"class_name\"");
    } else if (!strcmp(cls, "Sequential")) {
        /* Keras 2.2 wrote the list of layers as the config itself. */
        ok = sequential(k, json_is_array(conf) ? conf : json_object_get(conf, "layers"));
    } else if (!strcmp(cls, "Functional") || !strcmp(cls, "Model")) {
        ok = json_is_object(conf) ? functional(k, conf)
                                  : ferr(k, "its 'model_config' has no \"config\" object");
    } else {
        ferr(k, "its model is a '%.100s'; bnnc imports Sequential and functional models "
                "(Functional, Model)",
             cls);
    }
    json_decref(root);
    return ok;
}

/* HDF5's format signature, at byte 0 or after a user block (512, 1024,
 * 2048, ... bytes). */
static bool hdf5_signature(const unsigned char *buf, size_t len) {
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    for (size_t off = 0; off + 8 <= len; off = off ? 2 * off : 512)
        if (memcmp(buf + off, sig, 8) == 0)
            return true;
    return false;
}

int import_keras_mem(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                     ImpGraph *g) {
    Kr k;
    memset(&k, 0, sizeof k);
    k.c = c;
    k.g = g;
    if (!g->a)
        g->a = &c->arena;
    k.a = g->a;
    strmap_init(&k.byname, k.a, false);
    strmap_init(&k.used, k.a, false);
    k.path = path;
    k.file = k.mw = -1;
    k.lname = "";
    k.ltype = "";
    g->format = "Keras .h5";
    if (!g->source)
        g->source = path;
    if (!hdf5_signature(buf, len))
        return ferr(&k, "not an HDF5 file (no HDF5 signature)"), EXIT_INPUT;
    /* HDF5 prints its own error stack by default; bnnc reports. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    bool ok = fapl >= 0 && H5Pset_fapl_core(fapl, 1 << 16, 0) >= 0 &&
              H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0 &&
              H5Pset_file_image(fapl, (void *)buf, len) >= 0;
    /* The core driver refuses an image under the name of a file that
     * exists: the name is one no file can have (/dev/null is no folder),
     * a new one per open, as HDF5 tells files apart by name. */
    static unsigned opened;
    char label[64];
    snprintf(label, sizeof label, "/dev/null/bnnc-h5-image-%u", opened++);
    if (ok)
        k.file = H5Fopen(label, H5F_ACC_RDONLY, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (!ok || k.file < 0) {
        ferr(&k, "cannot open it as HDF5: the file is damaged or truncated");
        return EXIT_INPUT;
    }
    if (H5Lexists(k.file, "model_weights", H5P_DEFAULT) > 0)
        k.mw = H5Gopen2(k.file, "model_weights", H5P_DEFAULT);
    ok = read_model(&k);
    if (k.mw >= 0)
        H5Gclose(k.mw);
    H5Fclose(k.file);
    if (!ok)
        return EXIT_INPUT;
    g->inputs = mem_array(k.a, (size_t)k.inputs.n, sizeof *g->inputs);
    for (int i = 0; i < k.inputs.n; i++)
        g->inputs[i] = *(ImpInput *)k.inputs.v[i];
    g->ninputs = k.inputs.n;
    g->layers = mem_array(k.a, (size_t)k.layers.n, sizeof *g->layers);
    for (int i = 0; i < k.layers.n; i++)
        g->layers[i] = *(ImpLayer *)k.layers.v[i];
    g->nlayers = k.layers.n;
    return EXIT_OK;
}

/* HDF5 is not hardened against damaged files: on some it loops for
 * minutes, on others it crashes or writes over memory it does not own
 * (fuzz_h5 found each: docs/robustness.md). So the model is read in a
 * child process under a time limit, and the child sends the graph it made
 * to bnnc through a pipe (import_pipe.c); HDF5 never runs in bnnc's own
 * process. The child's diagnostics go to a temporary file, shown when it
 * refuses the model. */

/* Copies what the child wrote to f (its diagnostics) to c's stream. */
static void kr_relay(Ctx *c, FILE *f) {
    char chunk[4096];
    size_t n;
    rewind(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, c->err);
}

void import_alarm(unsigned seconds) {
    /* whatever the parent did with SIGALRM: a shell may ignore or block
     * it, libFuzzer handles it */
    signal(SIGALRM, SIG_DFL);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);
    alarm(seconds);
}

/* The child: reads the model, sends the graph to `to` (exit 0) or ends
 * with exit status 3 after writing its diagnostics to `said`. */
static _Noreturn void kr_child(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                               unsigned seconds, FILE *said, FILE *to) {
    import_alarm(seconds);
    Ctx cc;
    ctx_init(&cc);
    cc.color = c->color;
    cc.err = said;
    ImpGraph g;
    memset(&g, 0, sizeof g);
    int rc = import_keras_mem(&cc, path, buf, len, &g);
    bool sent = rc == EXIT_OK && imp_graph_send(to, &g);
    fflush(said);
    _exit(rc != EXIT_OK ? 3 : sent ? 0 : 4);
}

int import_keras_isolated(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                          unsigned seconds, ImpGraph *g) {
    FILE *said = tmpfile();
    int fd[2] = {-1, -1};
    if (!said || pipe(fd) != 0) {
        diag_plain(c, "'%s': cannot set up the process that reads it: %s", path,
                   strerror(errno));
        if (said)
            fclose(said);
        return 2;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        FILE *to = fdopen(fd[1], "wb");
        if (!to)
            _exit(4);
        kr_child(c, path, buf, len, seconds, said, to);
    }
    close(fd[1]);
    FILE *from = pid > 0 ? fdopen(fd[0], "rb") : NULL;
    if (pid < 0 || !from) {
        diag_plain(c, "'%s': cannot start the process that reads it: %s", path,
                   strerror(errno));
        if (from)
            fclose(from);
        else
            close(fd[0]);
        fclose(said);
        if (pid > 0)
            waitpid(pid, NULL, 0);
        return 2;
    }
    if (!g->a)
        g->a = &c->arena;
    /* Read while the child writes (a pipe holds 64 KiB); the end of the
     * stream comes when the child ends, whatever way. */
    bool got = imp_graph_receive(from, g);
    if (!got)
        while (fgetc(from) != EOF) {
        }
    fclose(from);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            diag_plain(c, "'%s': lost the process that reads it: %s", path, strerror(errno));
            fclose(said);
            return 2;
        }
    int rc;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && got) {
        rc = 0;
    } else if (WIFEXITED(st) && WEXITSTATUS(st) == 3) {
        kr_relay(c, said);
        c->errors++;
        rc = 3;
    } else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
        diag_plain(c, "'%s': HDF5 did not finish reading it in %u s: the file is damaged", path,
                   seconds);
        rc = 1;
    } else if (WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 4)) {
        diag_plain(c, "'%s': the process that read it could not hand over the network it read",
                   path);
        rc = 2;
    } else {
        diag_plain(c, "'%s': HDF5 failed reading it (%s %d): the file is damaged", path,
                   WIFSIGNALED(st) ? "signal" : "exit status",
                   WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
        rc = 2;
    }
    fclose(said);
    return rc;
}

int import_keras(Ctx *c, const char *path, ImpGraph *g) {
    int64_t size;
    FILE *f = src_open(c, path, "the model ", ".h5", loc_none(), &size);
    if (!f)
        return EXIT_INPUT;
    unsigned char *buf;
    size_t len;
    bool ok = src_read_rest(c, f, path, (size_t)BNNC_MAX_RUN_BYTES,
                            size > 0 ? (size_t)size : 0, &buf, &len);
    fclose(f);
    if (!ok)
        return EXIT_INPUT;
    int rc;
    if (len > (size_t)BNNC_MAX_RUN_BYTES) {
        diag_plain(c, "'%s': the model file is larger than %lld MiB, the most bnnc reads", path,
                   (long long)(BNNC_MAX_RUN_BYTES >> 20));
        rc = EXIT_INPUT;
    } else {
        if (!g->source)
            g->source = path;
        rc = import_keras_isolated(c, path, buf, len, KR_SECONDS, g) == 0 ? EXIT_OK : EXIT_INPUT;
    }
    free(buf);
    return rc;
}
