/*
 * cmd_weights.c: `bnnc weights`, the tensors a network's weights file
 * holds.
 *
 *   bnnc weights NET.bnn [--network NAME] [--format text|json]
 *                [--template W.safetensors [--seed S]] [-I DIR]
 *
 * It checks the .bnn file as `bnnc FILE` does and lists every tensor that
 * `--weights` must hold for the network (weights_tensors, the list
 * weights_load checks a file against): its name, the dtypes it may have,
 * its shape and what each axis is (docs/weights.md section 1), as text or
 * JSON (docs/weights-schema.json). With --template it writes a
 * safetensors file of those tensors instead: zeros (binary weights, which
 * are -1 or +1, as +1), or with --seed S the values `bnnc run --seed S`
 * makes, so that `bnnc run --weights` on it computes what `bnnc run
 * --seed S` does, to the bit. Float tensors are F32, binary weights I8
 * (-1/+1, the encoding a file that names none has). The file is loaded
 * back in memory (weights_parse) before it is written, and written as
 * outfile.c writes every file: all or none. Exit status: 0 ok, 1 errors in
 * the input or a file that cannot be written, 2 bad usage, 70 a template
 * that does not load (a bug).
 */
#include "bnnc.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const CliCmd weights_cmd = {
    "bnnc weights", CMD_WEIGHTS,
    "usage: bnnc weights FILE [--network NAME] [--format text|json]\n"
    "                    [--template W.safetensors [--seed S]] [-I DIR]\n"
    "\n"
    "Lists every tensor the --weights file of a network of FILE must hold\n"
    "(bnnc run, --emit c): its name, dtype, shape and the meaning of each\n"
    "axis (docs/weights.md). With --template, writes such a file instead:\n"
    "zeros, or the values bnnc run --seed S uses, F32 and binary weights\n"
    "as I8 -1/+1; an exporter's file can be checked against it.\n"
    "\n"
    "options:\n",
    "\n"
    "exit status: 0 ok, 1 errors in the input, 2 bad usage, 70 internal error\n"};

typedef struct {
    const char *file;
    const char *network;
    const char *format;
    const char *template_path;
    const char *seed_arg;
    uint64_t seed;
} WeightsOptions;

static int weights_option(Ctx *c, void *st, const CliOpt *opt, const char *v) {
    (void)c;
    WeightsOptions *o = st;
    if (!opt) {
        if (o->file)
            return cli_usage_error("bnnc weights", "more than one network file ('%s')", v);
        o->file = v;
        return EXIT_OK;
    }
    switch (opt->id) {
    case OPT_NETWORK:
        o->network = v;
        break;
    case OPT_FORMAT:
        if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
            return cli_usage_error("bnnc weights", "--format takes text or json, not '%s'", v);
        o->format = v;
        break;
    case OPT_TEMPLATE:
        o->template_path = v;
        break;
    case OPT_SEED:
        {
            int rc = cli_seed("bnnc weights", v, &o->seed);
            if (rc != EXIT_OK)
                return rc;
        }
        o->seed_arg = v;
        break;
    default:
        break;
    }
    return EXIT_OK;
}

/* The names of a tensor's axes, as docs/weights.md section 1 gives them. */
static int axes_of(const WeightTensor *t, const char **ax) {
    static const char *const conv[] = {"Kh", "Kw", "Ci/groups", "Co"};
    static const char *const dw[] = {"Kh", "Kw", "C", "multiplier"};
    static const char *const dense[] = {"N", "units"};
    static const char *const hwc[] = {"H", "W", "C"};
    static const char *const dims[] = {"D0", "D1", "D2", "D3"};
    static const char *const thr[] = {"C", "levels"};
    const char *const *src = dims;
    OpId op = t->node->op;
    bool conv_like = op == OP_CONV2D || op == OP_BCONV2D;
    if (strcmp(t->suffix, "weight") == 0)
        src = conv_like ? conv : op == OP_DEPTHWISE_CONV2D ? dw : dense;
    else if (strcmp(t->suffix, "thresholds") == 0)
        src = thr;
    else if (strcmp(t->suffix, "bias") == 0 || strcmp(t->suffix, "scale") == 0) {
        static const char *const co[] = {"Co"}, *const cm[] = {"C*multiplier"},
                                 *const units[] = {"units"};
        src = conv_like ? co : op == OP_DEPTHWISE_CONV2D ? cm : units;
    } else if (strcmp(t->suffix, "alpha") == 0 && ir_flag(t->node, A_PER_ELEMENT)) {
        /* the input's own shape */
        src = t->rank == 3 ? hwc : t->rank == 1 ? dense : dims;
    } else {
        static const char *const ch[] = {"C"};
        src = ch;
    }
    for (int i = 0; i < t->rank; i++)
        ax[i] = src[i];
    return t->rank;
}

static const char *dtypes_text(const WeightTensor *t) { return t->binary ? "F32 or I8" : "F32"; }

static char *bracket(Arena *a, int n, const char *const *s, const int64_t *d) {
    size_t len = 3;
    char buf[32];
    for (int i = 0; i < n; i++)
        len += (s ? strlen(s[i]) : 21) + 2;
    char *out = mem_alloc(a, len), *p = out;
    *p++ = '[';
    for (int i = 0; i < n; i++) {
        if (i) {
            *p++ = ',';
            *p++ = ' ';
        }
        const char *x = s ? s[i] : (snprintf(buf, sizeof buf, "%lld", (long long)d[i]), buf);
        size_t l = strlen(x);
        memcpy(p, x, l);
        p += l;
    }
    *p++ = ']';
    *p = 0;
    return out;
}

static int64_t total_values(const WeightTensor *t, int n) {
    int64_t v = 0;
    for (int i = 0; i < n; i++)
        v += t[i].elems;
    return v;
}

static void list_text(Ctx *c, const IrGraph *g, const WeightTensor *t, int n) {
    const char *head[5] = {"tensor", "dtype", "shape", "layout", "layer"};
    int w[4];
    for (int k = 0; k < 4; k++)
        w[k] = (int)strlen(head[k]);
    char **shape = mem_array(&c->arena, (size_t)n + 1, sizeof(char *));
    char **layout = mem_array(&c->arena, (size_t)n + 1, sizeof(char *));
    for (int i = 0; i < n; i++) {
        const char *ax[4];
        int r = axes_of(&t[i], ax);
        shape[i] = bracket(&c->arena, t[i].rank, NULL, t[i].dims);
        layout[i] = bracket(&c->arena, r, ax, NULL);
        int l[4] = {(int)strlen(t[i].name), (int)strlen(dtypes_text(&t[i])),
                    (int)strlen(shape[i]), (int)strlen(layout[i])};
        for (int k = 0; k < 4; k++)
            w[k] = l[k] > w[k] ? l[k] : w[k];
    }
    int64_t values = total_values(t, n);
    printf("network %s: %d tensor%s, %lld values (%lld bytes as F32)\n", g->name, n,
           n == 1 ? "" : "s", (long long)values, (long long)(4 * values));
    if (!n)
        return;
    printf("%-*s  %-*s  %-*s  %-*s  %s\n", w[0], head[0], w[1], head[1], w[2], head[2], w[3],
           head[3], head[4]);
    for (int i = 0; i < n; i++)
        printf("%-*s  %-*s  %-*s  %-*s  %s (%s)\n", w[0], t[i].name, w[1], dtypes_text(&t[i]),
               w[2], shape[i], w[3], layout[i], t[i].layer, ops_table[t[i].node->op].name);
}

static bool list_json(const IrGraph *g, const WeightTensor *t, int n) {
    json_t *root = json_object(), *arr = json_array();
    json_object_set_new(root, "bnnc", json_string(BNNC_VERSION));
    json_object_set_new(root, "network", json_string(g->name));
    for (int i = 0; i < n; i++) {
        json_t *e = json_object(), *dt = json_array(), *sh = json_array(), *lay = json_array();
        const char *ax[4];
        int r = axes_of(&t[i], ax);
        json_array_append_new(dt, json_string("F32"));
        if (t[i].binary)
            json_array_append_new(dt, json_string("I8"));
        for (int k = 0; k < t[i].rank; k++)
            json_array_append_new(sh, json_integer((json_int_t)t[i].dims[k]));
        for (int k = 0; k < r; k++)
            json_array_append_new(lay, json_string(ax[k]));
        json_object_set_new(e, "name", json_string(t[i].name));
        json_object_set_new(e, "layer", json_string(t[i].layer));
        json_object_set_new(e, "op", json_string(ops_table[t[i].node->op].name));
        json_object_set_new(e, "dtypes", dt);
        json_object_set_new(e, "template_dtype", json_string(t[i].binary ? "I8" : "F32"));
        json_object_set_new(e, "binary", json_boolean(t[i].binary));
        json_object_set_new(e, "shape", sh);
        json_object_set_new(e, "layout", lay);
        json_object_set_new(e, "elements", json_integer((json_int_t)t[i].elems));
        json_array_append_new(arr, e);
    }
    json_object_set_new(root, "tensors", arr);
    json_object_set_new(root, "values", json_integer((json_int_t)total_values(t, n)));
    int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    putchar('\n');
    return rc == 0;
}

static void put_le32(unsigned char *p, uint32_t u) {
    for (int k = 0; k < 4; k++)
        p[k] = (unsigned char)(u >> (8 * k));
}

/* The safetensors bytes of the template (xmalloc'd; *len its size):
 * tensors in name order, F32 or I8 (binary weights), the data in the
 * header's order; vals NULL for zeros (binary weights +1). */
static unsigned char *make_template(const IrGraph *g, const WeightTensor *t, int n,
                                    float **vals, const char *what, size_t *len) {
    json_t *h = json_object(), *meta = json_object();
    json_object_set_new(meta, "format", json_string("bnnc weights"));
    json_object_set_new(meta, "network", json_string(g->name));
    json_object_set_new(meta, "values", json_string(what));
    json_object_set_new(h, "__metadata__", meta);
    uint64_t off = 0;
    for (int i = 0; i < n; i++) {
        uint64_t bytes = (uint64_t)t[i].elems * (t[i].binary ? 1 : 4);
        json_t *e = json_object(), *sh = json_array(), *o = json_array();
        for (int k = 0; k < t[i].rank; k++)
            json_array_append_new(sh, json_integer((json_int_t)t[i].dims[k]));
        json_array_append_new(o, json_integer((json_int_t)off));
        json_array_append_new(o, json_integer((json_int_t)(off + bytes)));
        json_object_set_new(e, "dtype", json_string(t[i].binary ? "I8" : "F32"));
        json_object_set_new(e, "shape", sh);
        json_object_set_new(e, "data_offsets", o);
        json_object_set_new(h, t[i].name, e);
        off += bytes;
    }
    unsigned char *d;
    unsigned char *b = weights_st_buffer(h, (size_t)off, len, &d);
    if (!b)
        return NULL;
    for (int i = 0; i < n; i++)
        for (int64_t e = 0; e < t[i].elems; e++) {
            float v = vals ? vals[i][e] : 0.0f;
            if (t[i].binary) {
                *d++ = (unsigned char)(int8_t)(vals && v < 0 ? -1 : 1);
            } else {
                uint32_t u;
                memcpy(&u, &v, 4);
                put_le32(d, u);
                d += 4;
            }
        }
    return b;
}

static int write_template(Ctx *c, const IrGraph *g, const WeightTensor *t, int n, float **vals,
                          const WeightsOptions *o) {
    const char *what = o->seed_arg ? mem_printf(&c->arena, "seed %llu",
                                                (unsigned long long)o->seed)
                                   : "zeros";
    size_t len;
    unsigned char *buf = make_template(g, t, n, vals, what, &len);
    if (!buf) {
        diag_plain(c, "cannot write the header of '%s': out of memory", o->template_path);
        return EXIT_INPUT;
    }
    /* What bnnc run --weights reads must load: anything else is a bug. */
    Weights w;
    if (!weights_parse(c, g, o->template_path, buf, len, &w)) {
        diag_plain(c, "internal error: the template of network '%s' does not load", g->name);
        free(buf);
        return EXIT_INTERNAL;
    }
    OutFile f;
    if (!out_open(c, &f, o->template_path)) {
        free(buf);
        return EXIT_INPUT;
    }
    if (fwrite(buf, 1, len, f.f) != len)
        f.err = errno;
    free(buf);
    return out_commit(c, &f, 1) ? EXIT_OK : EXIT_INPUT;
}

static int weights_run(Ctx *c, const WeightsOptions *o) {
    cli_search_path(c);
    IrModule m;
    memset(&m, 0, sizeof m);
    if (!load_program(c, o->file) || !sema_run(c, &m))
        return EXIT_INPUT;
    if (!ir_verify(c, &m, NULL))
        return EXIT_INTERNAL;
    IrGraph *g = cli_network(c, &m, o->network, "list the weights of");
    if (!g)
        return EXIT_INPUT;
    WeightTensor *t;
    int n;
    float **vals;
    if (!weights_tensors(c, g, o->template_path && o->seed_arg ? &o->seed : NULL, &t, &n, &vals))
        return EXIT_INPUT;
    if (o->template_path) {
        int rc = write_template(c, g, t, n, vals, o);
        if (rc != EXIT_OK || !o->format)
            return rc;
    }
    if (o->format && strcmp(o->format, "json") == 0)
        return list_json(g, t, n) ? EXIT_OK : EXIT_INPUT;
    list_text(c, g, t, n);
    return EXIT_OK;
}

int cmd_weights(int argc, char **argv) {
    Ctx c;
    ctx_init(&c);
    WeightsOptions o;
    memset(&o, 0, sizeof o);
    int rc = cli_parse(&c, &weights_cmd, argc, argv, weights_option, &o);
    if (rc == EXIT_OK && !o.file)
        rc = cli_usage_error("bnnc weights", "%s", "no network file");
    if (rc == EXIT_OK && o.seed_arg && !o.template_path)
        rc = cli_usage_error("bnnc weights", "%s", "--seed goes with --template: it gives the "
                                                   "template's values");
    if (rc == EXIT_OK)
        rc = weights_run(&c, &o);
    return cli_finish(&c, rc);
}
