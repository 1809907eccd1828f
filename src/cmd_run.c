/*
 * cmd_run.c: `bnnc run`, the reference interpreter on the command line.
 *
 *   bnnc run NET.bnn [--network NAME] [--weights W.safetensors | --seed S]
 *            --input X.npy [--input Y.npy ...] --output OUT [-I DIR]
 *
 * It checks the .bnn file as `bnnc FILE` does, loads the parameters (or
 * makes them from a seed, with a warning), reads one .npy array per
 * network input, in order, evaluates the network (interp.c) and writes
 * each output as a .npy array. An array of shape [N] + the input's shape
 * (or, for an input whose first dimension is 1, [N] + the rest) is a
 * batch of N items: the network runs on one item at a time, each writing
 * its outputs into stacked arrays of N items (run_batch_kind,
 * run_batch_shape). The outputs go to OUT when the network has one output
 * and OUT is not a folder, else to OUT/NAME.npy for each output NAME. Nothing
 * is written unless the whole evaluation succeeded, and the outputs are
 * written all or none as outfile.c does (a file replaced by rename, a
 * link's target written, a device or FIFO written in place; a folder made
 * for them is removed again after an error). Exit status: 0 ok, 1 errors in
 * the input (the .bnn file, the weights, an array), 2 bad usage.
 * docs/weights.md describes the files.
 */
#include "bnnc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --help: the text around the options of cli_options. */
static const CliCmd run_cmd = {
    "bnnc run", CMD_RUN,
    "usage: bnnc run FILE [--network NAME] [--weights W.safetensors | --seed S]\n"
    "                --input X.npy [--input Y.npy ...] --output OUT [-I DIR]\n"
    "\n"
    "Evaluates a network of FILE with the reference interpreter\n"
    "(docs/semantics.md) on .npy inputs, one --input per network input in\n"
    "order, and writes its outputs as .npy files: to OUT when the network has\n"
    "one output, else (or when OUT is a folder or ends in '/') to\n"
    "OUT/NAME.npy for each output NAME (docs/weights.md). An input of\n"
    "shape [N] + the network input's shape (or, when that starts with 1,\n"
    "N in place of the 1) is a batch: N runs, every output stacked.\n"
    "\n"
    "options:\n",
    "\n"
    "exit status: 0 ok, 1 errors in the input, 2 bad usage, 70 internal error\n"};

typedef struct {
    const char *file;
    const char *network;
    const char *weights;
    const char *seed_arg;
    uint64_t seed;
    PtrVec inputs;             /* const char* */
    const char *output;
} RunOptions;

/* One option or operand of bnnc run (cli_parse). */
static int run_option(Ctx *c, void *st, const CliOpt *opt, const char *v) {
    RunOptions *o = st;
    if (!opt) { /* the network file */
        if (o->file)
            return cli_usage_error("bnnc run", "more than one network file ('%s')", v);
        o->file = v;
        return EXIT_OK;
    }
    switch (opt->id) {
    case OPT_NETWORK:
        o->network = v;
        break;
    case OPT_WEIGHTS:
        o->weights = v;
        break;
    case OPT_SEED:
        {
            int rc = cli_seed("bnnc run", v, &o->seed);
            if (rc != EXIT_OK)
                return rc;
        }
        o->seed_arg = v;
        break;
    case OPT_INPUT:
        vec_push(&c->arena, &o->inputs, (void *)v);
        break;
    case OPT_OUTPUT:
        o->output = v;
        break;
    default:
        break;
    }
    return EXIT_OK;
}

/* Returns EXIT_OK, a usage error, or -1 for --help. */
static int parse_run_args(int argc, char **argv, Ctx *c, RunOptions *o) {
    o->seed = 1;
    int rc = cli_parse(c, &run_cmd, argc, argv, run_option, o);
    if (rc != EXIT_OK)
        return rc;
    if (!o->file)
        return cli_usage_error("bnnc run", "%s", "no network file");
    if (o->weights && o->seed_arg)
        return cli_usage_error("bnnc run", "%s", "--weights and --seed do not go together: the seed "
                                     "makes random weights");
    if (!o->inputs.n)
        return cli_usage_error("bnnc run", "%s", "no --input");
    if (!o->output)
        return cli_usage_error("bnnc run", "%s", "no --output");
    return EXIT_OK;
}

static void format_shape(char *buf, size_t n, int rank, const int64_t *d) {
    size_t l = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < rank && l < n; i++)
        l += (size_t)snprintf(buf + l, n - l, "%s%lld", i ? ", " : "", (long long)d[i]);
    if (l < n)
        snprintf(buf + l, n - l, "]");
}

/* "[N, 3, 4]" for d = {3, 4} (rank 2), then `sep`. */
static void format_batch(char *buf, size_t n, int rank, const int64_t *d, const char *sep) {
    size_t l = (size_t)snprintf(buf, n, "[N");
    for (int i = 0; i < rank && l < n; i++)
        l += (size_t)snprintf(buf + l, n - l, ", %lld", (long long)d[i]);
    if (l < n)
        snprintf(buf + l, n - l, "]%s", sep);
}

static const char *npy_type_name(const NpyArray *a) {
    switch (a->type) {
    case DT_F32: return "float32";
    case DT_I32: return "int32";
    case DT_U8: return "uint8";
    default: return "int8";
    }
}

BatchKind run_batch_kind(const Shape *s, int rank, const int64_t *dims, int64_t *items) {
    *items = 0;
    bool same = rank == s->rank, tail = rank == s->rank + 1, axis = rank == s->rank && s->d[0] == 1;
    for (int i = 0; i < s->rank; i++) {
        same = same && dims[i] == s->d[i];
        tail = tail && dims[i + 1] == s->d[i];
        axis = axis && (i == 0 || dims[i] == s->d[i]);
    }
    if (same) {
        *items = 1;
        return BATCH_ONE;
    }
    if (tail) {
        *items = dims[0];
        return BATCH_STACKED;
    }
    if (axis) {
        *items = dims[0];
        return BATCH_AXIS;
    }
    return BATCH_NONE;
}

/* A stacked output has one dimension more than the network's: it must
 * fit the 8 of a .npy array (NpyArray.dims). */
_Static_assert(IR_MAX_RANK < 8, "a batch's outputs need a dimension more than IR_MAX_RANK");

void run_batch_shape(BatchKind k, int64_t items, const Shape *out, int *rank, int64_t *dims) {
    int r = 0;
    if (k == BATCH_STACKED || (k == BATCH_AXIS && out->d[0] != 1))
        dims[r++] = items;
    for (int i = 0; i < out->rank; i++)
        dims[r++] = i == 0 && k == BATCH_AXIS && out->d[0] == 1 ? items : out->d[i];
    *rank = r;
}

/* What the inputs read so far say about the batch; check_input fills it
 * from each array's header, before its data is read. */
typedef struct {
    const IrGraph *g;
    const IrNode *n;           /* the input being read */
    int64_t out_bytes;         /* the bytes of one item's outputs */
    const char *first;         /* the first array read: path, items, shape */
    int64_t items;
    char first_shape[96];
    const char *batched;       /* the first array given as a batch, and how */
    BatchKind kind;
} Batch;

/* "3 items (shape [3, 2])" or "one item (shape [2])". */
static const char *items_text(Ctx *c, int64_t items, const char *shape) {
    return items == 1 ? mem_printf(&c->arena, "one item (shape %s)", shape)
                      : mem_printf(&c->arena, "%lld items (shape %s)", (long long)items, shape);
}

/* The header of the array for input b->n: its shape is the input's, or a
 * batch of it, of as many items as the arrays before it and given the
 * same way; its element type one the input takes; and a batch's outputs
 * fit in BNNC_MAX_RUN_BYTES. False after reporting. */
static bool check_input(Ctx *c, const char *path, const NpyArray *a, void *arg) {
    Batch *b = arg;
    const IrNode *n = b->n;
    char want[96], have[96];
    format_shape(want, sizeof want, n->shape.rank, n->shape.d);
    format_shape(have, sizeof have, a->rank, a->dims);
    int64_t items;
    BatchKind kind = run_batch_kind(&n->shape, a->rank, a->dims, &items);
    if (kind == BATCH_NONE) {
        /* [N] + shape, and [N, ...] in place of a first dimension of 1. */
        char stacked[128], axis[128] = "";
        format_batch(stacked, sizeof stacked, n->shape.rank, n->shape.d, "");
        if (n->shape.d[0] == 1)
            format_batch(axis, sizeof axis, n->shape.rank - 1, n->shape.d + 1, " or ");
        diag_plain(c, "'%s' has shape %s; input '%s' is %s%s: give it as %s, or as %s%s for "
                      "a batch of N items", path, have, n->name, dtype_name(n->type), want,
                   want, axis, stacked);
        return false;
    }
    bool type_ok = a->type == n->type || (n->type == DT_B1 && a->type == DT_F32);
    if (!type_ok) {
        static const char *const want_npy[] = {"", "int8 (-1/+1), bool or float32", "uint8",
                                               "int32", "float32"};
        diag_plain(c, "'%s' holds %s; input '%s' is %s%s, given as %s", path, npy_type_name(a),
                   n->name, dtype_name(n->type), want, want_npy[n->type]);
        return false;
    }
    if (items == 0) {
        diag_plain(c, "'%s' has shape %s: a batch of no items; input '%s' is %s%s", path, have,
                   n->name, dtype_name(n->type), want);
        return false;
    }
    if (b->first && items != b->items) {
        diag_plain(c, "'%s' holds %s, but '%s' holds %s; every input must hold as many items",
                   path, items_text(c, items, have), b->first, items_text(c, b->items,
                                                                           b->first_shape));
        return false;
    }
    if (kind != BATCH_ONE && b->batched && kind != b->kind) {
        static const char axis[] = "holds its items along the input's first dimension (1, "
                                   "a batch of one)";
        const char *how[] = {"", "", "stacks its items ([N] + the input's shape)", axis};
        diag_plain(c, "'%s' %s, but '%s' %s; give every input the same way", path, how[kind],
                   b->batched, how[b->kind]);
        return false;
    }
    if (kind != BATCH_ONE && !b->batched &&
        (b->out_bytes > 0 && items > BNNC_MAX_RUN_BYTES / b->out_bytes)) {
        diag_plain(c, "'%s' holds %lld items; the outputs of network '%s' for them take more "
                      "than the %lld MiB bnnc run writes (%lld bytes an item): run the batch "
                      "in parts", path, (long long)items, b->g->name,
                   (long long)(BNNC_MAX_RUN_BYTES >> 20), (long long)b->out_bytes);
        return false;
    }
    if (!b->first) {
        b->first = path;
        b->items = items;
        snprintf(b->first_shape, sizeof b->first_shape, "%s", have);
    }
    if (kind != BATCH_ONE && !b->batched) {
        b->batched = path;
        b->kind = kind;
    }
    return true;
}

/* Reads the array for network input b->n, with as many items as the
 * others (check_input), and converts it to a tensor of all its items
 * (docs/semantics.md section 4); false after reporting. */
static bool read_input(Ctx *c, Batch *b, const char *path, Tensor *t) {
    const IrNode *n = b->n;
    NpyArray a;
    /* The header is checked first (check_input); then the data, at most
     * BNNC_MAX_RUN_BYTES. */
    if (!npy_read_check(c, path, BNNC_MAX_RUN_BYTES, check_input, b, &a))
        return false;
    /* Float values must be finite, as the parameters must (a NaN has no
     * sign to binarise either). */
    for (int64_t i = 0; a.type == DT_F32 && i < a.n; i++) {
        float v = ((const float *)a.data)[i];
        if (!isfinite(v)) {
            diag_plain(c, "'%s' holds %g at element %lld; the values of input '%s' must be "
                          "finite", path, v, (long long)i, n->name);
            return false;
        }
    }
    *t = (Tensor){.type = n->type, .n = a.n};
    switch (n->type) {
    case DT_F32: t->f = a.data; break;
    case DT_I32: t->i = a.data; break;
    case DT_U8: t->u = a.data; break;
    default:
        if (a.type == DT_F32) {
            /* float values binarised with sign: +1 when x >= 0 */
            t->b = mem_alloc(&c->arena, (size_t)a.n);
            for (int64_t i = 0; i < a.n; i++)
                t->b[i] = ((float *)a.data)[i] >= 0.0f ? 1 : -1;
        } else {
            t->b = a.data;
        }
        break;
    }
    return true;
}

/* Item k of t, items of m elements each: a view, not a copy. */
static Tensor item_of(const Tensor *t, int64_t k, int64_t m) {
    Tensor r = {.type = t->type, .n = m};
    switch (t->type) {
    case DT_F32: r.f = t->f + k * m; break;
    case DT_I32: r.i = t->i + k * m; break;
    case DT_U8: r.u = t->u + k * m; break;
    default: r.b = t->b + k * m; break;
    }
    return r;
}

static int64_t elem_bytes(DType t) { return t == DT_F32 || t == DT_I32 ? 4 : 1; }

static bool is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int run_network(Ctx *c, RunOptions *o) {
    cli_search_path(c);
    IrModule m;
    memset(&m, 0, sizeof m);
    if (!load_program(c, o->file) || !sema_run(c, &m))
        return EXIT_INPUT;
    if (!ir_verify(c, &m, NULL))
        return EXIT_INTERNAL;
    IrGraph *g = cli_network(c, &m, o->network, "run");
    if (!g)
        return EXIT_INPUT;
    if (o->inputs.n != g->inputs.n) {
        char list[512] = "";
        for (int i = 0; i < g->inputs.n; i++) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s'%s'", i ? ", " : "",
                     ((IrNode *)g->inputs.v[i])->name);
        }
        fprintf(stderr, "bnnc: error: network '%s' has %d input%s (%s), but %d --input %s "
                        "given\nTry 'bnnc run --help' for more information.\n",
                g->name, g->inputs.n, g->inputs.n == 1 ? "" : "s", list, o->inputs.n,
                o->inputs.n == 1 ? "is" : "are");
        return EXIT_USAGE;
    }
    size_t olen = strlen(o->output);
    bool folder = is_dir(o->output) || (olen && o->output[olen - 1] == '/');
    if (g->outputs.n > 1 && !folder) {
        fprintf(stderr, "bnnc: error: network '%s' has %d outputs; --output must name a "
                        "folder (an existing one, or a path ending in '/')\n"
                        "Try 'bnnc run --help' for more information.\n",
                g->name, g->outputs.n);
        return EXIT_USAGE;
    }

    Weights w;
    if (o->weights) {
        if (!weights_load(c, g, o->weights, &w))
            return EXIT_INPUT;
    } else {
        diag_warn(c, loc_none(), "no --weights: running '%s' with random weights from seed "
                                 "%llu", g->name, (unsigned long long)o->seed);
        if (!weights_random(c, g, o->seed, &w))
            return EXIT_INPUT;
    }
    Tensor *ins = mem_array(&c->arena, (size_t)g->inputs.n + 1, sizeof(Tensor));
    Batch b = {.g = g};
    for (int i = 0; i < g->outputs.n; i++) {
        const IrNode *n = g->outputs.v[i];
        b.out_bytes += shape_elems(&n->shape) * elem_bytes(n->type);
    }
    bool ok = true;
    for (int i = 0; i < g->inputs.n; i++) {
        b.n = g->inputs.v[i];
        ok &= read_input(c, &b, o->inputs.v[i], &ins[i]);
    }
    if (!ok)
        return EXIT_INPUT;
    /* Item by item, each output straight into its stacked array: one
     * item's tensors at a time, whatever the batch. */
    int64_t items = b.items;
    BatchKind kind = b.batched ? b.kind : BATCH_ONE;
    NpyArray *arrays = mem_array(&c->arena, (size_t)g->outputs.n + 1, sizeof(NpyArray));
    Tensor *whole = mem_array(&c->arena, (size_t)g->outputs.n + 1, sizeof(Tensor));
    for (int i = 0; i < g->outputs.n; i++) {
        const IrNode *n = g->outputs.v[i];
        NpyArray *a = &arrays[i];
        *a = (NpyArray){.type = n->type, .n = items * shape_elems(&n->shape)};
        run_batch_shape(kind, items, &n->shape, &a->rank, a->dims);
        a->data = mem_array(&c->arena, (size_t)a->n, (size_t)elem_bytes(n->type));
        whole[i] = (Tensor){.type = n->type, .n = a->n};
        switch (n->type) {
        case DT_F32: whole[i].f = a->data; break;
        case DT_I32: whole[i].i = a->data; break;
        case DT_U8: whole[i].u = a->data; break;
        default: whole[i].b = a->data; break;
        }
    }
    Tensor *in_k = mem_array(&c->arena, (size_t)g->inputs.n + 1, sizeof(Tensor));
    Tensor *out_k = mem_array(&c->arena, (size_t)g->outputs.n + 1, sizeof(Tensor));
    for (int64_t k = 0; k < items; k++) {
        for (int i = 0; i < g->inputs.n; i++)
            in_k[i] = item_of(&ins[i], k, shape_elems(&((IrNode *)g->inputs.v[i])->shape));
        for (int i = 0; i < g->outputs.n; i++)
            out_k[i] = item_of(&whole[i], k, shape_elems(&((IrNode *)g->outputs.v[i])->shape));
        if (!interp_run_into(c, g, &w, in_k, out_k))
            return EXIT_INPUT;
    }

    bool made = false;
    if (folder && !is_dir(o->output)) {
        if (mkdir(o->output, 0777) != 0) {
            diag_plain(c, "cannot make the folder '%s': %s", o->output, strerror(errno));
            return EXIT_INPUT;
        }
        made = true;
    }
    /* All outputs or none. */
    const char **paths = mem_array(&c->arena, (size_t)g->outputs.n + 1, sizeof(char *));
    for (int i = 0; i < g->outputs.n; i++) {
        const IrNode *n = g->outputs.v[i];
        paths[i] = !folder ? o->output
                           : mem_printf(&c->arena, "%s%s%s.npy", o->output,
                                        o->output[olen - 1] == '/' ? "" : "/", n->name);
    }
    if (npy_write_all(c, paths, arrays, g->outputs.n))
        return EXIT_OK;
    if (made) /* empty: an error leaves no temporary */
        rmdir(o->output);
    return EXIT_INPUT;
}

int cmd_run(int argc, char **argv) {
    Ctx c;
    ctx_init(&c);
    RunOptions o;
    memset(&o, 0, sizeof o);
    int rc = parse_run_args(argc, argv, &c, &o);
    if (rc == EXIT_OK)
        rc = run_network(&c, &o);
    return cli_finish(&c, rc);
}
