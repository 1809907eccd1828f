/*
 * import_pipe.c: an imported graph (ImpGraph) as a stream of bytes, so that
 * the child process that reads a Keras .h5 model with HDF5 can hand the
 * parent its result (import_keras.c): HDF5 is not safe on damaged files
 * and may write over memory it does not own, so bnnc never runs it in the
 * process that goes on to write the network.
 *
 * The stream is for one machine and one build: the magic, then every
 * field in the host's byte order (ints as int64, strings as a length and
 * their bytes, a NULL string as length -1, tensors as their shapes and
 * float32 values). The reader trusts nothing it reads: every count, rank,
 * dimension and length is checked against bnnc's limits before anything
 * is allocated, and a short or inconsistent stream is an error.
 */
#include "import.h"

#include <string.h>

#define PIPE_MAGIC "bnncimp1"
/* A string of the graph: a name, an attribute text. */
#define PIPE_MAX_STR ((int64_t)1 << 24)
/* Layers, inputs and outputs of a graph; inputs and tensors of a layer. */
#define PIPE_MAX_COUNT ((int64_t)1 << 24)

static bool put_int(FILE *f, int64_t v) {
    return fwrite(&v, sizeof v, 1, f) == 1;
}

static bool put_str(FILE *f, const char *s) {
    int64_t n = s ? (int64_t)strlen(s) : -1;
    return put_int(f, n) && (n <= 0 || fwrite(s, 1, (size_t)n, f) == (size_t)n);
}

static bool put_shape(FILE *f, int rank, const int64_t *shape) {
    bool ok = put_int(f, rank);
    for (int d = 0; ok && d < rank; d++)
        ok = put_int(f, shape[d]);
    return ok;
}

bool imp_graph_send(FILE *f, const ImpGraph *g) {
    bool ok = fwrite(PIPE_MAGIC, 1, 8, f) == 8 && put_str(f, g->format) &&
              put_int(f, g->ninputs) && put_int(f, g->nlayers) && put_int(f, g->noutputs);
    for (int i = 0; ok && i < g->ninputs; i++) {
        const ImpInput *in = &g->inputs[i];
        ok = put_str(f, in->name) && put_int(f, in->type) && put_shape(f, in->rank, in->shape);
    }
    for (int i = 0; ok && i < g->nlayers; i++) {
        const ImpLayer *L = &g->layers[i];
        ok = put_str(f, L->name) && put_str(f, L->op) && put_str(f, L->attrs) &&
             put_str(f, L->src_name) && put_str(f, L->src_type) && put_int(f, L->nin) &&
             put_int(f, L->ntensors);
        for (int j = 0; ok && j < L->nin; j++)
            ok = put_str(f, L->inputs[j]);
        for (int t = 0; ok && t < L->ntensors; t++) {
            const ImpTensor *x = &L->tensors[t];
            int64_t n = imp_tensor_elems(x);
            ok = put_str(f, x->suffix) && put_shape(f, x->rank, x->shape) &&
                 (n == 0 || fwrite(x->data, sizeof(float), (size_t)n, f) == (size_t)n);
        }
    }
    for (int i = 0; ok && i < g->noutputs; i++)
        ok = put_str(f, g->outputs[i]);
    return ok && fflush(f) == 0;
}

/* The reader's state: the stream, the arena, the bytes of tensor data so
 * far (against BNNC_MAX_RUN_BYTES). */
typedef struct {
    FILE *f;
    Arena *a;
    int64_t bytes;
} In;

static bool get_int(In *r, int64_t *v, int64_t lo, int64_t hi) {
    return fread(v, sizeof *v, 1, r->f) == 1 && *v >= lo && *v <= hi;
}

static bool get_count(In *r, int *v) {
    int64_t n;
    if (!get_int(r, &n, 0, PIPE_MAX_COUNT))
        return false;
    *v = (int)n;
    return true;
}

static bool get_str(In *r, const char **s) {
    int64_t n;
    if (!get_int(r, &n, -1, PIPE_MAX_STR))
        return false;
    if (n < 0) {
        *s = NULL;
        return true;
    }
    char *p = mem_alloc(r->a, (size_t)n + 1);
    if (n > 0 && fread(p, 1, (size_t)n, r->f) != (size_t)n)
        return false;
    p[n] = 0;
    *s = p;
    return memchr(p, 0, (size_t)n) == NULL;
}

static bool get_shape(In *r, int *rank, int64_t *shape) {
    int64_t k;
    if (!get_int(r, &k, 0, IMP_MAX_RANK))
        return false;
    *rank = (int)k;
    int64_t n = 1;
    for (int d = 0; d < *rank; d++) {
        if (!get_int(r, &shape[d], 0, BNNC_MAX_DIM))
            return false;
        if (shape[d] > 0 && n > BNNC_MAX_RUN_BYTES / shape[d])
            return false;
        n *= shape[d];
    }
    return true;
}

static bool get_tensor(In *r, ImpTensor *x) {
    if (!get_str(r, &x->suffix) || !get_shape(r, &x->rank, x->shape))
        return false;
    int64_t n = imp_tensor_elems(x);
    if (n > (BNNC_MAX_RUN_BYTES - r->bytes) / (int64_t)sizeof(float))
        return false;
    r->bytes += n * (int64_t)sizeof(float);
    x->data = mem_array(r->a, (size_t)(n ? n : 1), sizeof(float));
    return n == 0 || fread(x->data, sizeof(float), (size_t)n, r->f) == (size_t)n;
}

static bool get_layer(In *r, ImpLayer *L) {
    if (!get_str(r, &L->name) || !get_str(r, &L->op) || !get_str(r, &L->attrs) ||
        !get_str(r, &L->src_name) || !get_str(r, &L->src_type) || !get_count(r, &L->nin) ||
        !get_count(r, &L->ntensors) || !L->name || !L->op)
        return false;
    L->inputs = mem_array(r->a, (size_t)L->nin + 1, sizeof *L->inputs);
    for (int j = 0; j < L->nin; j++)
        if (!get_str(r, &L->inputs[j]) || !L->inputs[j])
            return false;
    L->tensors = mem_array(r->a, (size_t)L->ntensors + 1, sizeof *L->tensors);
    for (int t = 0; t < L->ntensors; t++)
        if (!get_tensor(r, &L->tensors[t]))
            return false;
    return true;
}

bool imp_graph_receive(FILE *f, ImpGraph *g) {
    In r = {f, g->a, 0};
    char magic[8];
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, PIPE_MAGIC, 8) != 0)
        return false;
    const char *format;
    if (!get_str(&r, &format) || !get_count(&r, &g->ninputs) || !get_count(&r, &g->nlayers) ||
        !get_count(&r, &g->noutputs))
        return false;
    if (format)
        g->format = format;
    g->inputs = mem_array(r.a, (size_t)g->ninputs + 1, sizeof *g->inputs);
    for (int i = 0; i < g->ninputs; i++) {
        ImpInput *in = &g->inputs[i];
        int64_t type;
        if (!get_str(&r, &in->name) || !in->name || !get_int(&r, &type, 0, DT_F32) ||
            !get_shape(&r, &in->rank, in->shape))
            return false;
        in->type = (DType)type;
    }
    g->layers = mem_array(r.a, (size_t)g->nlayers + 1, sizeof *g->layers);
    for (int i = 0; i < g->nlayers; i++)
        if (!get_layer(&r, &g->layers[i]))
            return false;
    g->outputs = mem_array(r.a, (size_t)g->noutputs + 1, sizeof *g->outputs);
    for (int i = 0; i < g->noutputs; i++)
        if (!get_str(&r, &g->outputs[i]) || !g->outputs[i])
            return false;
    return fgetc(f) == EOF;
}
