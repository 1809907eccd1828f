/*
 * ir.c: the IR's helpers, its verifier and its text form.
 *
 * The text form is what `bnnc FILE --dump-ir` prints and what the golden
 * tests compare: one line per layer with its name, output element type
 * and shape, operation, inputs, attributes, and the precision of its
 * inputs and weights. The verifier checks the invariants every later
 * stage relies on; a failure is a bug in bnnc, not in the input.
 */
#include "bnnc.h"

#include <string.h>

const char *const ir_packing_names[4] = {"none", "kernel", "channel", "dense"};

bool ir_is_binary(const IrNode *n) {
    return n->op < OP_COUNT && n->weights == W_BINARY && n->in_type == DT_B1;
}

bool ir_fuses_epilogue(const IrNode *n) {
    if (n->op == OP_BCONV2D || n->op == OP_BDENSE)
        return ir_is_binary(n);
    return n->op == OP_CONV2D && n->weights != W_BINARY;
}

bool ir_is_bitserial(const IrNode *n) {
    return (n->op == OP_BCONV2D || n->op == OP_BDENSE) && n->in_type == DT_U8;
}

int ir_value_bits(const IrNode *n) {
    if (n->type != DT_U8)
        return n->type == DT_B1 ? 1 : 32;
    switch (n->op) {
    case OP_THRESHOLDS: {
        int b = 0;
        while (((int64_t)1 << b) <= n->at->v[A_LEVELS][0])
            b++;
        return b;
    }
    case OP_MAXPOOL:
    case OP_FLATTEN:
    case OP_CONCAT: {
        int b = 0;
        for (int k = 0; k < n->nin; k++) {
            int x = ir_value_bits(n->in[k]);
            b = x > b ? x : b;
        }
        return b;
    }
    default:
        return 8;
    }
}

bool ir_flag(const IrNode *n, AttrId a) {
    return n->at->has[a] && n->at->v[a][0] != 0;
}

DType ir_dot_type(const IrNode *n, DType in) {
    if (n->weights == W_BINARY && (in == DT_B1 || in == DT_U8) && !ir_flag(n, A_BIAS) &&
        !ir_flag(n, A_SCALED))
        return DT_I32;
    return DT_F32;
}

const char *ir_op_label(const IrNode *n) {
    if (n->op == OP_COUNT)
        return "input";
    return n->op != OP_THRESHOLD && n->epi ? n->epi->label : ops_table[n->op].name;
}

const IrNode *ir_side_of(const IrNode *n) {
    if (n->op != OP_SIGN || n->nin != 1)
        return NULL;
    const IrNode *p = n->in[0];
    return ir_fuses_epilogue(p) && p->epi && p->epi->side == n ? p : NULL;
}

int ir_epi_inputs(const IrNode *n) {
    int k = 0;
    if (n->op == OP_THRESHOLD || n->op == OP_COUNT || !n->epi)
        return 0;
    for (int i = 0; i < n->epi->n; i++)
        k += n->epi->v[i].other >= 0;
    return k;
}

int64_t ir_prelu_alphas(const IrNode *n) {
    return ir_flag(n, A_PER_ELEMENT) ? shape_elems(&n->shape) : shape_channels(&n->shape);
}

int *ir_use_counts(Ctx *c, const IrGraph *g) {
    int *uses = mem_array(&c->arena, (size_t)g->nodes.n + 1, sizeof(int));
    for (int i = 0; i < g->nodes.n; i++) {
        const IrNode *n = g->nodes.v[i];
        for (int k = 0; k < n->nin; k++)
            uses[n->in[k]->id]++;
    }
    for (int i = 0; i < g->outputs.n; i++)
        uses[((IrNode *)g->outputs.v[i])->id]++;
    return uses;
}

void ir_compact(IrGraph *g, const bool *dead) {
    int k = 0;
    for (int i = 0; i < g->nodes.n; i++) {
        IrNode *n = g->nodes.v[i];
        if (dead[i])
            continue;
        n->id = k;
        g->nodes.v[k++] = n;
    }
    g->nodes.n = k;
}

int64_t shape_elems(const Shape *s) {
    int64_t e = 1;
    for (int i = 0; i < s->rank; i++)
        e *= s->d[i];
    return e;
}

int64_t shape_channels(const Shape *s) {
    return s->rank ? s->d[s->rank - 1] : 1;
}

int64_t shape_pixels(const Shape *s) {
    int64_t p = 1;
    for (int i = 0; i + 1 < s->rank; i++)
        p *= s->d[i];
    return p;
}

void shape_format(char *buf, size_t n, const Shape *s) {
    size_t len = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < s->rank && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%lld", i ? "," : "",
                                (long long)s->d[i]);
    if (len < n)
        snprintf(buf + len, n - len, "]");
}

const TProp *ir_target_get(const IrTarget *t, const char *path) {
    for (int i = 0; i < t->props.n; i++) {
        const TProp *p = t->props.v[i];
        if (strcmp(p->path, path) == 0)
            return p;
    }
    return NULL;
}

static void dump_attr(FILE *f, const IrNode *n, int a) {
    fprintf(f, " %s=", ops_attr_names[a]);
    const IrAttrs *at = n->at;
    if (ops_attr_types[a] == ATTR_PADDING) {
        fputs(ops_padding_names[at->v[a][0]], f);
    } else if (ops_attr_types[a] == ATTR_REAL) {
        fprintf(f, "%.9g", at->r[a]);
    } else if (ops_attr_types[a] == ATTR_FLAG) {
        fputs(at->v[a][0] ? "yes" : "no", f);
    } else if (ops_attr_types[a] == ATTR_TUPLE) {
        fputc('(', f);
        for (int k = 0; k < at->len[a]; k++)
            fprintf(f, "%s%lld", k ? "," : "", (long long)at->v[a][k]);
        fputc(')', f);
    } else if (ops_attr_types[a] == ATTR_PAIR && at->v[a][0] != at->v[a][1]) {
        fprintf(f, "%lldx%lld", (long long)n->at->v[a][0], (long long)n->at->v[a][1]);
    } else {
        fprintf(f, "%lld", (long long)n->at->v[a][0]);
    }
}

static bool attr_is_default(const IrNode *n, int a) {
    if (ops_attr_types[a] == ATTR_FLAG)
        return n->at->v[a][0] == (int64_t)ops_attr_defaults[a];
    if (ops_attr_types[a] == ATTR_REAL)
        return n->at->r[a] == ops_attr_defaults[a];
    return false;
}

void ir_dump_graph(FILE *f, const IrGraph *g) {
    char sh[128];
    fprintf(f, "network %s {\n", g->name);
    for (int i = 0; i < g->nodes.n; i++) {
        const IrNode *n = g->nodes.v[i];
        shape_format(sh, sizeof sh, &n->shape);
        if (n->op == OP_COUNT) {
            fprintf(f, "  input %%%s : %s%s\n", n->name, dtype_name(n->type), sh);
            continue;
        }
        fprintf(f, "  %%%s : %s%s = %s(", n->name, dtype_name(n->type), sh,
                ops_table[n->op].name);
        for (int k = 0; k < n->nin; k++)
            fprintf(f, "%s%%%s", k ? ", " : "", n->in[k]->name);
        fputc(')', f);
        /* A tuple left out has no default and is not shown (pad_channels'
         * before and after: 0); a yes/no or real attribute shows when it is
         * not its default (bias=yes, epsilon=1e-05), so that the common
         * layer reads short. */
        for (int a = 0; a < A_COUNT; a++)
            if (n->at->has[a] && !(ops_attr_types[a] == ATTR_TUPLE && n->at->len[a] == 0) &&
                !attr_is_default(n, a))
                dump_attr(f, n, a);
        if (n->packing != PACK_NONE)
            fprintf(f, " pack=%s", ir_packing_names[n->packing]);
        if (n->op == OP_THRESHOLD && n->folds)
            fprintf(f, " folds=%%%s", n->folds);
        if (n->op != OP_THRESHOLD && n->epi) {
            /* The fused layers, in order: an add names its other tensor. */
            fputs(" epilogue=[", f);
            for (int k = 0; k < n->epi->n; k++) {
                const IrEpiStep *s = &n->epi->v[k];
                fprintf(f, "%s%s %%%s", k ? ", " : "", ops_table[s->op].name, s->name);
                if (s->other >= 0)
                    fprintf(f, "(%%%s)", n->in[s->other]->name);
                else if (s->op == OP_THRESHOLD)
                    fprintf(f, "(folds %%%s)", s->params);
            }
            fputc(']', f);
            if (n->epi->side)
                fprintf(f, " side=%%%s", n->epi->side->name);
        }
        fprintf(f, "  ; in=%s", dtype_name(n->in_type));
        if (n->weights != W_NONE)
            fprintf(f, " w=%s", n->weights == W_BINARY ? "b1" : "f32");
        fputc('\n', f);
    }
    fputs("  output", f);
    for (int i = 0; i < g->outputs.n; i++)
        fprintf(f, "%s %%%s", i ? "," : "", ((IrNode *)g->outputs.v[i])->name);
    fputs("\n}\n", f);
}

static void dump_target(FILE *f, const IrTarget *t) {
    char v[64];
    fprintf(f, "target %s", t->name);
    if (t->parent)
        fprintf(f, " : %s", t->parent);
    fputs(" {\n", f);
    for (int i = 0; i < t->props.n; i++) {
        const TProp *p = t->props.v[i];
        if (p->dim == DIM_NAME)
            snprintf(v, sizeof v, "%s", p->word);
        else
            unit_format(v, sizeof v, p->value, p->dim);
        fprintf(f, "  %s = %s\n", p->path, v);
    }
    fputs("}\n", f);
}

void ir_dump(FILE *f, const IrModule *m) {
    for (int i = 0; i < m->graphs.n; i++) {
        if (i)
            fputc('\n', f);
        ir_dump_graph(f, m->graphs.v[i]);
    }
    for (int i = 0; i < m->targets.n; i++) {
        if (i || m->graphs.n)
            fputc('\n', f);
        dump_target(f, m->targets.v[i]);
    }
}

static bool fail(Ctx *c, const char *after, const IrGraph *g, const IrNode *n,
                 const char *what) {
    diag_plain(c, "internal error: IR verifier%s%s: network '%s', layer '%s': %s",
               after ? " after " : "", after ? after : "", g->name, n ? n->name : "-", what);
    return false;
}

bool ir_verify(Ctx *c, const IrModule *m, const char *after) {
    for (int gi = 0; gi < m->graphs.n; gi++) {
        const IrGraph *g = m->graphs.v[gi];
        for (int i = 0; i < g->nodes.n; i++) {
            const IrNode *n = g->nodes.v[i];
            if (n->id != i)
                return fail(c, after, g, n, "id is not its position");
            if (n->op > OP_COUNT)
                return fail(c, after, g, n, "unknown operation");
            if (n->op < OP_COUNT) {
                const OpDesc *d = &ops_table[n->op];
                int extra = ir_epi_inputs(n);
                if (n->nin - extra < d->nin_min ||
                    (d->nin_max >= 0 && n->nin - extra > d->nin_max))
                    return fail(c, after, g, n, "wrong number of inputs");
            } else if (n->nin != 0) {
                return fail(c, after, g, n, "an input has inputs");
            }
            for (int k = 0; k < n->nin; k++) {
                const IrNode *x = n->in[k];
                if (!x || x->id >= n->id || g->nodes.v[x->id] != x)
                    return fail(c, after, g, n, "input is not an earlier layer");
            }
            if (n->shape.rank < 1 || n->shape.rank > IR_MAX_RANK)
                return fail(c, after, g, n, "rank is not 1 to 4");
            for (int k = 0; k < n->shape.rank; k++)
                if (n->shape.d[k] <= 0)
                    return fail(c, after, g, n, "dimension is not positive");
            if (n->type == DT_NONE)
                return fail(c, after, g, n, "no element type");
            if (n->packing != PACK_NONE && !ir_is_binary(n))
                return fail(c, after, g, n, "packing on a layer that is not binary");
            if (n->op == OP_THRESHOLD && n->folds == NULL)
                return fail(c, after, g, n, "a threshold without its batchnorm");
            if (n->op != OP_THRESHOLD && n->epi && (!ir_fuses_epilogue(n) || n->epi->n < 1))
                return fail(c, after, g, n, "an epilogue on a layer that cannot fuse one");
            if (n->op != OP_THRESHOLD && n->epi && n->epi->side &&
                (n->type != DT_F32 || n->epi->side->id != n->id + 1 ||
                 g->nodes.v[n->id + 1] != n->epi->side || !ir_side_of(n->epi->side)))
                return fail(c, after, g, n, "the sign its kernel writes is not its next layer");
        }
        for (int i = 0; i < g->outputs.n; i++) {
            const IrNode *o = g->outputs.v[i];
            if (!o || o->id >= g->nodes.n || g->nodes.v[o->id] != o)
                return fail(c, after, g, o, "output is not a layer");
        }
    }
    return true;
}
