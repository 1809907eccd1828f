/*
 * import_write.c: the two files `bnnc import` writes for a model, whatever
 * its format (docs/import.md): DIR/NAME.bnn, one statement a line with a
 * comment naming the node or layer it comes from, and DIR/NAME.safetensors,
 * the parameters named LAYER.SUFFIX in float32 (docs/weights.md).
 *
 * Every name of the graph becomes a .bnn identifier (import_ident), unique
 * ignoring case (so that the generated C's upper-case macros stay
 * distinct too), not a keyword; references to earlier layers follow.
 * Before anything is written, the text is checked with bnnc's own front
 * end (load, sema) and the tensors with its own safetensors reader against
 * the checked graph, both in memory: a reader that made something bnnc
 * does not accept is an internal error naming the layer, never a file.
 * The two files are then written as one set (out_open, out_commit), into
 * DIR, made when missing and removed again after an error, as
 * `--emit c -o DIR` does.
 */
#include "bnnc.h"
#include "import.h"
#include "strmap.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Identifiers kept well below BNNC_MAX_IDENT, room for a "_N" suffix. */
#define IDENT_MAX 200

static bool alnum(char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

int64_t imp_tensor_elems(const ImpTensor *x) {
    int64_t n = 1;
    for (int k = 0; k < x->rank; k++)
        n *= x->shape[k];
    return n;
}

char *import_ident(Arena *a, const char *s) {
    while (*s && !alnum(*s)) /* "/0/Conv": "0_Conv", then "n_0_Conv" */
        s++;
    size_t n = strlen(s);
    if (n > IDENT_MAX)
        n = IDENT_MAX;
    char *o = mem_alloc(a, n + 3);
    size_t k = 0;
    if (!n || (s[0] >= '0' && s[0] <= '9'))
        o[k++] = 'n';
    if (n && k)
        o[k++] = '_';
    for (size_t i = 0; i < n; i++)
        o[k++] = alnum(s[i]) || s[i] == '_' ? s[i] : '_';
    o[k] = 0;
    return o;
}

/* ------------------------------------------------------------ names */

static bool reserved(const char *s) {
    for (int i = 0; lex_keywords[i]; i++)
        if (strcasecmp(s, lex_keywords[i]) == 0)
            return true;
    for (int i = 0; lex_types[i]; i++)
        if (strcasecmp(s, lex_types[i]) == 0)
            return true;
    return false;
}

typedef struct {
    Ctx *c;
    const ImpGraph *g;
    StrMap used;                  /* identifiers given, ignoring case */
    StrMap bound;                 /* the reader's name -> the identifier */
    const char **in_id;        /* per input */
    const char **layer_id;     /* per layer */
} Names;

/* A unique identifier for the reader's name raw. */
static const char *fresh(Names *nm, const char *raw) {
    Arena *a = &nm->c->arena;
    char *base = import_ident(a, raw);
    const char *id = base;
    for (int k = 2; reserved(id) || strmap_has(&nm->used, id); k++)
        id = mem_printf(a, "%s_%d", base, k);
    strmap_put(&nm->used, id, (void *)id);
    strmap_put(&nm->bound, raw, (void *)id);
    return id;
}

/* ------------------------------------------------------------- text */

/* Copies s for a comment: printable ASCII only, at most 120 bytes. */
static void put_comment_text(FILE *f, const char *s) {
    size_t n = 0;
    for (; *s && n < 120; s++, n++)
        fputc(*s >= 0x20 && *s < 0x7f ? *s : '?', f);
    if (*s)
        fputs("...", f);
}

/* The reader's attribute text, as it is: it is the reader's .bnn, checked
 * below. */
static void write_text(Names *nm, FILE *f, const char *name, int **line_of) {
    const ImpGraph *g = nm->g;
    int line = 1;
    fprintf(f, "# %s.bnn: imported by 'bnnc import' from '", name);
    put_comment_text(f, g->source ? g->source : "?");
    fprintf(f, "' (%s).\n", g->format ? g->format : "?");
    fprintf(f, "# Its parameters are in %s.safetensors (docs/weights.md); each statement\n"
               "# names the node or layer of the model it comes from (docs/import.md).\n",
            name);
    fputs("bnn 1;\n\n", f);
    line += 5;
    fprintf(f, "network %s {\n", nm->g->network);
    line++;
    for (int i = 0; i < g->ninputs; i++) {
        const ImpInput *in = &g->inputs[i];
        fprintf(f, "    input %s : %s[", nm->in_id[i], dtype_name(in->type));
        for (int k = 0; k < in->rank; k++)
            fprintf(f, "%s%lld", k ? ", " : "", (long long)in->shape[k]);
        fputs("];\n", f);
        line++;
    }
    *line_of = mem_array(&nm->c->arena, (size_t)g->nlayers + 1, sizeof(int));
    for (int i = 0; i < g->nlayers; i++) {
        const ImpLayer *l = &g->layers[i];
        (*line_of)[i] = line;
        int col = fprintf(f, "    %s = %s(", nm->layer_id[i], l->op);
        for (int k = 0; k < l->nin; k++) {
            const char *id = strmap_get(&nm->bound, l->inputs[k]);
            if (k && col > 90) {
                fputs(",\n        ", f);
                line++;
                col = 8;
            } else if (k) {
                col += fprintf(f, ", ");
            }
            col += fprintf(f, "%s", id ? id : l->inputs[k]);
        }
        if (l->attrs && *l->attrs)
            fprintf(f, "%s%s", l->nin ? ", " : "", l->attrs);
        fputs(");", f);
        if (l->src_name || l->src_type) {
            fputs("  # ", f);
            put_comment_text(f, l->src_type ? l->src_type : "");
            if (l->src_name) {
                fputs(" '", f);
                put_comment_text(f, l->src_name);
                fputc('\'', f);
            }
        }
        fputc('\n', f);
        line++;
    }
    fputs("    output ", f);
    for (int i = 0; i < g->noutputs; i++) {
        const char *id = strmap_get(&nm->bound, g->outputs[i]);
        fprintf(f, "%s%s", i ? ", " : "", id ? id : g->outputs[i]);
    }
    fputs(";\n}\n", f);
}

/* ------------------------------------------------------ safetensors */

/* The safetensors bytes of g's tensors, in layer order; NULL after
 * reporting (a tensor too large). */
static unsigned char *make_safetensors(Names *nm, const char *name, size_t *len) {
    Ctx *c = nm->c;
    const ImpGraph *g = nm->g;
    json_t *h = json_object(), *meta = json_object();
    json_object_set_new(meta, "format", json_string("bnnc import"));
    json_object_set_new(meta, "network", json_string(name));
    json_object_set_new(h, "__metadata__", meta);
    uint64_t off = 0;
    bool ok = true;
    for (int i = 0; i < g->nlayers && ok; i++) {
        const ImpLayer *l = &g->layers[i];
        for (int t = 0; t < l->ntensors; t++) {
            const ImpTensor *x = &l->tensors[t];
            json_t *shape = json_array();
            uint64_t n = 1;
            for (int k = 0; k < x->rank; k++) {
                json_array_append_new(shape, json_integer(x->shape[k]));
                n *= (uint64_t)x->shape[k];
            }
            if (n > (uint64_t)BNNC_MAX_RUN_BYTES / 4 || off > (uint64_t)BNNC_MAX_RUN_BYTES) {
                diag_plain(c, "the parameters of '%s' take more than %lld MiB; bnnc holds at "
                              "most that many",
                           nm->layer_id[i], (long long)(BNNC_MAX_RUN_BYTES >> 20));
                json_decref(shape);
                ok = false;
                break;
            }
            json_t *e = json_object();
            json_object_set_new(e, "dtype", json_string("F32"));
            json_object_set_new(e, "shape", shape);
            json_t *o = json_array();
            json_array_append_new(o, json_integer((json_int_t)off));
            json_array_append_new(o, json_integer((json_int_t)(off + 4 * n)));
            json_object_set_new(e, "data_offsets", o);
            json_object_set_new(
                h, mem_printf(&c->arena, "%s.%s", nm->layer_id[i], x->suffix), e);
            off += 4 * n;
        }
    }
    if (!ok) {
        json_decref(h);
        return NULL;
    }
    unsigned char *d;
    unsigned char *b = weights_st_buffer(h, (size_t)off, len, &d);
    if (!b)
        return NULL;
    for (int i = 0; i < g->nlayers; i++) {
        const ImpLayer *l = &g->layers[i];
        for (int t = 0; t < l->ntensors; t++) {
            const ImpTensor *x = &l->tensors[t];
            int64_t n = imp_tensor_elems(x);
            for (int64_t e = 0; e < n; e++) {
                uint32_t u;
                memcpy(&u, &x->data[e], 4);
                for (int k = 0; k < 4; k++)
                    *d++ = (unsigned char)(u >> (8 * k));
            }
        }
    }
    return b;
}

/* ------------------------------------------------------------ check */

/* The layer written at `line`, or -1. */
static int layer_at(const ImpGraph *g, const int *line_of, int line) {
    int best = -1;
    for (int i = 0; i < g->nlayers; i++)
        if (line_of[i] <= line)
            best = i;
    return best;
}

static void internal(Names *nm, int li, const char *what) {
    const ImpGraph *g = nm->g;
    if (li >= 0) {
        const ImpLayer *l = &g->layers[li];
        diag_plain(nm->c, "internal error: the %s import made for layer '%s' (%s '%s' of '%s') "
                          "is not valid bnnc input; please report it",
                   what, nm->layer_id[li], l->src_type ? l->src_type : "?",
                   l->src_name ? l->src_name : "?", g->source ? g->source : "?");
    } else {
        diag_plain(nm->c, "internal error: the %s import made for '%s' is not valid bnnc "
                          "input; please report it",
                   what, g->source ? g->source : "?");
    }
}

/* Checks the text and the tensors with bnnc's own readers. */
static bool check(Names *nm, const char *path, const char *text, const int *line_of,
                  const unsigned char *st, size_t stlen) {
    Ctx c2;
    ctx_init(&c2);
    c2.color = nm->c->color;
    c2.err = nm->c->err;
    IrModule m;
    memset(&m, 0, sizeof m);
    bool ok = load_source(&c2, path, text) && sema_run(&c2, &m) && m.graphs.n == 1;
    if (!ok) {
        internal(nm, c2.last_loc.line > 0 ? layer_at(nm->g, line_of, c2.last_loc.line) : -1,
                 ".bnn text");
    } else {
        IrGraph *g = m.graphs.v[0];
        Weights w;
        if (!weights_parse(&c2, g, path, st, stlen, &w)) {
            internal(nm, -1, "safetensors file");
            ok = false;
        }
    }
    ctx_free(&c2);
    return ok;
}

/* ------------------------------------------------------------ write */

int import_write(Ctx *c, const ImpGraph *g, const char *dir, const char *name) {
    Names nm = {.c = c, .g = g};
    strmap_init(&nm.used, &c->arena, true);
    strmap_init(&nm.bound, &c->arena, false);
    nm.in_id = mem_array(&c->arena, (size_t)g->ninputs + 1, sizeof(char *));
    nm.layer_id = mem_array(&c->arena, (size_t)g->nlayers + 1, sizeof(char *));
    for (int i = 0; i < g->ninputs; i++)
        nm.in_id[i] = fresh(&nm, g->inputs[i].name);
    for (int i = 0; i < g->nlayers; i++)
        nm.layer_id[i] = fresh(&nm, g->layers[i].name);

    char *text = NULL;
    size_t tlen = 0;
    FILE *mf = open_memstream(&text, &tlen);
    if (!mf) {
        diag_plain(c, "cannot write the .bnn text: %s", strerror(errno));
        return EXIT_INPUT;
    }
    int *line_of;
    ImpGraph named = *g;
    named.network = name;
    nm.g = &named;
    write_text(&nm, mf, name, &line_of);
    fclose(mf);

    size_t dl = strlen(dir);
    const char *sep = dl && dir[dl - 1] == '/' ? "" : "/";
    const char *paths[2] = {mem_printf(&c->arena, "%s%s%s.bnn", dir, sep, name),
                            mem_printf(&c->arena, "%s%s%s.safetensors", dir, sep, name)};
    size_t stlen = 0;
    unsigned char *st = make_safetensors(&nm, name, &stlen);
    int rc = EXIT_INTERNAL;
    if (!st) {
        free(text);
        return EXIT_INPUT;
    }
    if (!check(&nm, paths[0], text, line_of, st, stlen))
        goto done;

    rc = EXIT_INPUT;
    struct stat sb;
    bool made = false;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) {
            diag_plain(c, "'%s' exists and is not a folder", dir);
            goto done;
        }
    } else if (mkdir(dir, 0777) != 0) {
        diag_plain(c, "cannot create the folder '%s': %s", dir, strerror(errno));
        goto done;
    } else {
        made = true;
    }
    OutFile files[2];
    int n = 0;
    bool ok = true;
    for (; n < 2 && ok; n++)
        if (!(ok = out_open(c, &files[n], paths[n])))
            break;
    if (ok) {
        fwrite(text, 1, tlen, files[0].f);
        fwrite(st, 1, stlen, files[1].f);
        ok = out_commit(c, files, 2);
    } else {
        for (int i = 0; i < n; i++)
            out_discard(&files[i]);
    }
    if (!ok && made)
        rmdir(dir); /* empty: no temporary is left */
    if (ok)
        rc = EXIT_OK;
done:
    free(text);
    free(st);
    return rc;
}
