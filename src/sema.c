/*
 * sema.c: from declarations to the IR of each network.
 *
 * Sema checks the program as a whole: every network, block and target name
 * is declared once; every block is linted on its own (names defined
 * before use, operations and attributes that exist, one final 'return'),
 * so that mistakes in a block are found whether or not it is called.
 * Then each network is evaluated statement by statement into an IrGraph:
 * block calls are expanded in place (layers named "call.local"),
 * 'repeat' unrolls a call, attribute expressions are folded to integers,
 * and each layer's output shape and element type are inferred by its
 * operation's shape function (ops.c). A failed layer yields NULL, and
 * everything that depends on it is skipped silently, so one mistake
 * gives one message. Errors inside an expanded block carry a note per
 * expansion site (Origin chain; of a long one the first and the last,
 * diag_origins). Diagnostics are held and printed in line order at the
 * end (diag_defer, diag_flush), whatever order the checks run in.
 */
#include "bnnc.h"

#include "strmap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- values */

typedef enum { V_BAD, V_INT, V_REAL, V_NAME, V_TUPLE, V_STRING } VKind;

/* An attribute value: an integer (i[0]), a real (r), a name or string
 * (s), or a tuple of n integers (i[0 .. n-1]; a pair when n is 2). */
typedef struct {
    VKind k;
    int64_t i[IR_ATTR_MAX];
    int n;
    double r;
    const char *s;
    const char *unit;
    Loc loc;
} Value;

/* A name in scope: a tensor (node may be NULL after an error) or, for a
 * block parameter, an attribute value. One per layer of a network: small. */
typedef struct {
    IrNode *node;
    const Value *value;        /* NULL for a tensor */
    Loc loc;
} Binding;

typedef struct {
    StrMap names;
    const char *prefix; /* "" in a network, "call." in an expansion */
} Env;

typedef struct {
    const char *name;
    Ast *ast;
    int file;
    bool bad;           /* lint failed: calls are not expanded */
    bool active;        /* being expanded: a call now is recursion */
    Ast *ret;           /* its 'return' (the first), or NULL */
    int nret;           /* values it returns: ret's, else 1 */
} BlockInfo;

typedef struct Sema {
    Ctx *c;
    Arena *a;
    StrMap blocks;         /* name -> BlockInfo */
    IrGraph *g;
    StrMap node_names;     /* names used in g */
    const Origin *origin;
    int depth;
    /* The values inside block calls by dotted name ("s1.y", "s2.0.y"),
     * kept only for a network whose 'output' names one (qual_on). */
    StrMap qual;
    bool qual_on;
    int errors_at_start;
    /* What g needs so far, against the BNNC_MAX_* limits of a network. */
    int64_t params, macs, elems;
    bool over;          /* a limit was reported: later layers fail quietly */
} Sema;

/* A shape or type error of node n, with the block-expansion notes. */
static void node_verror(void *ctx, const IrNode *n, const char *fmt, va_list ap) {
    Sema *s = ctx;
    diag_vemit(s->c, DIAG_ERROR, n->loc, fmt, ap);
    diag_origins(s->c, n->origin);
}

static void node_error(Sema *s, const IrNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void node_error(Sema *s, const IrNode *n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    node_verror(s, n, fmt, ap);
    va_end(ap);
}

/* A note after a shape function's error (ShapeReport.note). */
static void shape_vnote(void *ctx, const char *fmt, va_list ap) {
    Sema *s = ctx;
    diag_vemit(s->c, DIAG_NOTE, loc_none(), fmt, ap);
}

#define ERR(s, loc, ...) diag_error_at((s)->c, (loc), (s)->origin, __VA_ARGS__)

static Binding *bind(Sema *s, Env *env, const char *name, Loc loc) {
    Binding *old = strmap_get(&env->names, name);
    if (old) {
        ERR(s, loc, "'%s' is already defined", name);
        diag_note(s->c, old->loc, "'%s' was defined here", name);
        return NULL;
    }
    Binding *b = mem_alloc(s->a, sizeof *b);
    b->loc = loc;
    strmap_put(&env->names, name, b);
    return b;
}

/* ---------------------------------------------------- attribute values */

static Value eval_expr(Sema *s, Env *env, Ast *e) {
    Value v = {.k = V_BAD, .loc = e->loc};
    switch (e->kind) {
    case AST_INT:
        v.k = V_INT;
        v.i[0] = e->ival;
        v.unit = e->name;
        return v;
    case AST_REAL:
        v.k = V_REAL;
        v.r = e->rval;
        v.unit = e->name;
        return v;
    case AST_STRING:
        v.k = V_STRING;
        v.s = e->name;
        return v;
    case AST_NAME: {
        Binding *b = env ? strmap_get(&env->names, e->name) : NULL;
        if (b && b->value) {
            Value r = *b->value;
            r.loc = e->loc;
            return r;
        }
        if (b) {
            ERR(s, e->loc, "'%s' is a tensor, not an attribute value", e->name);
            return v;
        }
        v.k = V_NAME;
        v.s = e->name;
        return v;
    }
    case AST_TUPLE: {
        if (e->nkids > IR_ATTR_MAX) {
            ERR(s, e->loc, "a tuple holds at most %d integers", IR_ATTR_MAX);
            return v;
        }
        for (int k = 0; k < e->nkids; k++) {
            Value x = eval_expr(s, env, e->kids[k]);
            if (x.k == V_BAD)
                return v;
            if (x.k != V_INT || x.unit) {
                ERR(s, x.loc, e->nkids == 2 ? "a pair holds two integers"
                                            : "a tuple holds integers only");
                return v;
            }
            v.i[k] = x.i[0];
        }
        v.k = V_TUPLE;
        v.n = e->nkids;
        return v;
    }
    case AST_NEG:
    case AST_BINOP: {
        Value x = eval_expr(s, env, e->kids[0]);
        Value y = e->kind == AST_BINOP ? eval_expr(s, env, e->kids[1]) : x;
        if (x.k == V_BAD || y.k == V_BAD)
            return v;
        if (e->kind == AST_NEG && x.k == V_REAL) { /* a negative real: -0.5 */
            v.k = V_REAL;
            v.r = -x.r;
            v.unit = x.unit;
            return v;
        }
        if (x.k != V_INT || y.k != V_INT || x.unit || y.unit) {
            ERR(s, e->loc, "arithmetic works on integers only");
            return v;
        }
        int64_t r = 0;
        bool ovf = false;
        switch (e->kind == AST_NEG ? 'n' : (int)e->ival) {
        case 'n': ovf = __builtin_sub_overflow((int64_t)0, x.i[0], &r); break;
        case '+': ovf = __builtin_add_overflow(x.i[0], y.i[0], &r); break;
        case '-': ovf = __builtin_sub_overflow(x.i[0], y.i[0], &r); break;
        case '*': ovf = __builtin_mul_overflow(x.i[0], y.i[0], &r); break;
        case '/':
            if (y.i[0] == 0) {
                ERR(s, e->loc, "division by zero");
                return v;
            }
            if (x.i[0] % y.i[0] != 0) {
                ERR(s, e->loc, "%lld / %lld is not a whole number", (long long)x.i[0],
                    (long long)y.i[0]);
                return v;
            }
            r = x.i[0] / y.i[0];
            break;
        }
        if (ovf) {
            ERR(s, e->loc, "integer overflow in this expression");
            return v;
        }
        v.k = V_INT;
        v.i[0] = r;
        return v;
    }
    default:
        ERR(s, e->loc, "expected a value");
        return v;
    }
}

static const char *vkind_name(const Value *v) {
    switch (v->k) {
    case V_INT: return v->unit ? "a quantity" : "an integer";
    case V_REAL: return "a real number";
    case V_NAME: return "a name";
    case V_TUPLE: return v->n == 2 ? "a pair" : "a tuple";
    case V_STRING: return "a string";
    default: return "an invalid value";
    }
}

/* Converts `v` to attribute `a` of operation `op`, into at. */
static bool attr_value(Sema *s, const char *op, AttrId a, const Value *v, IrAttrs *at) {
    const char *an = ops_attr_names[a];
    int64_t *out = at->v[a];
    switch (ops_attr_types[a]) {
    case ATTR_REAL:
        if ((v->k == V_REAL || v->k == V_INT) && !v->unit) {
            double r = v->k == V_REAL ? v->r : (double)v->i[0];
            if (!isfinite(r)) {
                ERR(s, v->loc, "parameter '%s' of '%s' must be a finite number", an, op);
                return false;
            }
            if (a == A_EPSILON && !(r > 0)) { /* variance + epsilon must be above 0 */
                ERR(s, v->loc, "parameter '%s' of '%s' must be above 0, not %g", an, op, r);
                return false;
            }
            at->r[a] = r;
            return true;
        }
        ERR(s, v->loc, "parameter '%s' of '%s' takes a number, not %s", an, op,
            v->unit ? "a quantity" : vkind_name(v));
        return false;
    case ATTR_FLAG:
        if (v->k == V_NAME && (strcmp(v->s, "yes") == 0 || strcmp(v->s, "no") == 0)) {
            out[0] = strcmp(v->s, "yes") == 0;
            return true;
        }
        if (v->k == V_NAME)
            ERR(s, v->loc, "parameter '%s' of '%s' takes yes or no, not '%s'", an, op, v->s);
        else
            ERR(s, v->loc, "parameter '%s' of '%s' takes yes or no, not %s", an, op,
                vkind_name(v));
        return false;
    case ATTR_TUPLE: {
        if (!((v->k == V_INT && !v->unit) || v->k == V_TUPLE)) {
            ERR(s, v->loc, "parameter '%s' of '%s' takes an integer or a tuple of up to %d, not %s",
                an, op, IR_ATTR_MAX, vkind_name(v));
            return false;
        }
        int n = v->k == V_TUPLE ? v->n : 1;
        for (int k = 0; k < n; k++) {
            if (v->i[k] < 0 || v->i[k] > BNNC_MAX_DIM) {
                ERR(s, v->loc, "parameter '%s' of '%s' takes integers from 0 to %lld", an, op,
                    (long long)BNNC_MAX_DIM);
                return false;
            }
            out[k] = v->i[k];
        }
        at->len[a] = (unsigned char)n;
        return true;
    }
    case ATTR_PADDING:
        if (v->k == V_NAME) {
            for (int i = 0; i < 3; i++)
                if (strcmp(v->s, ops_padding_names[i]) == 0) {
                    out[0] = out[1] = i;
                    return true;
                }
            ERR(s, v->loc, "'%s' is not a padding of '%s': use valid, same or same_one",
                v->s, op);
            return false;
        }
        ERR(s, v->loc, "parameter 'padding' of '%s' takes valid, same or same_one, not %s",
            op, vkind_name(v));
        return false;
    case ATTR_INT:
    case ATTR_PAIR: {
        bool pair_ok = ops_attr_types[a] == ATTR_PAIR;
        if (v->k == V_NAME) {
            ERR(s, v->loc, "parameter '%s' of '%s' takes an integer%s; '%s' is not defined",
                an, op, pair_ok ? " or a pair" : "", v->s);
            return false;
        }
        if (!((v->k == V_INT && !v->unit) || (pair_ok && v->k == V_TUPLE && v->n == 2))) {
            ERR(s, v->loc, "parameter '%s' of '%s' takes an integer%s, not %s", an, op,
                pair_ok ? " or a pair (h, w)" : "", vkind_name(v));
            return false;
        }
        out[0] = v->i[0];
        out[1] = v->k == V_TUPLE ? v->i[1] : v->i[0];
        if (out[0] <= 0 || out[1] <= 0) {
            ERR(s, v->loc, "parameter '%s' of '%s' must be positive", an, op);
            return false;
        }
        if (out[0] > BNNC_MAX_DIM || out[1] > BNNC_MAX_DIM) {
            ERR(s, v->loc, "parameter '%s' of '%s' is too large (the limit is %lld)", an, op,
                (long long)BNNC_MAX_DIM);
            return false;
        }
        return true;
    }
    }
    return false;
}

/* --------------------------------------------------------- expressions */

static IrNode *eval_value(Sema *s, Env *env, Ast *v, const char *name);

static const char *unique_name(Sema *s, const char *want) {
    if (!strmap_get(&s->node_names, want))
        return want;
    for (int i = 2;; i++) {
        const char *n = mem_printf(s->a, "%s_%d", want, i);
        if (!strmap_get(&s->node_names, n))
            return n;
    }
}

/* A layer's attributes, apart from its node (IrNode.at): a layer without
 * any, most of a deep network, shares `no_attrs`. */
static const IrAttrs no_attrs;

static IrNode *new_node(Sema *s, OpId op, const char *name, Loc loc) {
    if (s->g->nodes.n >= BNNC_MAX_NODES) {
        if (s->g->nodes.n == BNNC_MAX_NODES) {
            ERR(s, loc, "network '%s' has more than %d layers", s->g->name, BNNC_MAX_NODES);
            s->g->nodes.n++; /* report once */
        }
        return NULL;
    }
    IrNode *n = mem_alloc(s->a, sizeof *n);
    n->op = op;
    n->name = unique_name(s, name);
    n->loc = loc;
    n->origin = s->origin;
    n->at = &no_attrs;
    return n;
}

/* A count for a message: the number, or "over 2^63" when it overflowed. */
static const char *count_str(Sema *s, bool ovf, int64_t v) {
    return ovf ? "more than 2^63" : mem_printf(s->a, "%lld", (long long)v);
}

/* Adds `add` (ovf: it overflowed) to *total; false after reporting at n
 * when the total passes `limit`. */
static bool add_total(Sema *s, IrNode *n, int64_t *total, int64_t add, bool ovf, int64_t limit,
                      const char *what, const char *limit_str) {
    ovf = ovf || __builtin_add_overflow(*total, add, total);
    if (!ovf && *total <= limit)
        return true;
    if (!s->over)
        node_error(s, n, "network '%s' needs too many %s: %s with '%s' (the limit is %s)",
                   s->g->name, what, count_str(s, ovf, *total), n->name, limit_str);
    s->over = true;
    return false;
}

/* Checks the size of layer n and what it adds to the network's totals:
 * its receptive field (binary dot products must stay within 32 bits,
 * docs/semantics.md), its parameters, multiply-accumulates and output
 * elements, so that the cost model, the buffer planner and the back
 * ends never overflow. False after reporting. */
static bool check_budget(Sema *s, IrNode *n) {
    if (s->over)
        return false;
    const IrNode *x = n->nin ? n->in[0] : NULL;
    int64_t fan = 0, params = 0, t = 0;
    bool ovf = false;
    int64_t kh = n->at->v[A_KERNEL][0], kw = n->at->v[A_KERNEL][1];
    switch (n->op) {
    case OP_CONV2D:
    case OP_BCONV2D:
        ovf |= __builtin_mul_overflow(kh, kw, &t);
        ovf |= __builtin_mul_overflow(t, x->shape.d[2] / n->at->v[A_GROUPS][0], &fan);
        ovf |= __builtin_mul_overflow(fan, n->shape.d[2], &params);
        break;
    case OP_DEPTHWISE_CONV2D:
        ovf |= __builtin_mul_overflow(kh, kw, &fan);
        ovf |= __builtin_mul_overflow(fan, n->shape.d[2], &params);
        break;
    case OP_DENSE:
    case OP_BDENSE:
        fan = x->shape.d[0];
        ovf |= __builtin_mul_overflow(fan, n->shape.d[0], &params);
        break;
    case OP_BATCHNORM:
        params = 4 * n->shape.d[n->shape.rank - 1];
        break;
    case OP_PRELU:
        params = ir_prelu_alphas(n);
        break;
    case OP_THRESHOLDS:
        params = n->shape.d[n->shape.rank - 1] * n->at->v[A_LEVELS][0];
        break;
    default:
        break;
    }
    /* A binary layer on a u8 input sums values up to 2^B - 1 (B bits, at
     * most 8): its dot product must stay within 32 bits too. */
    if (!ovf && (n->op == OP_BCONV2D || n->op == OP_BDENSE) && x->type == DT_U8 &&
        fan <= BNNC_MAX_DIM) {
        int64_t top = ((int64_t)1 << ir_value_bits(x)) - 1;
        if (fan * top > BNNC_MAX_DIM) {
            node_error(s, n, "'%s' sums %lld products of u8 values up to %lld per output; "
                             "its dot product may pass 2^31 - 1",
                       n->name, (long long)fan, (long long)top);
            return false;
        }
    }
    if (ovf || fan > BNNC_MAX_DIM) {
        node_error(s, n, "'%s' sums %s products per output (its receptive field); the "
                         "limit is %lld (2^31 - 1)",
                   n->name, count_str(s, ovf, fan), (long long)BNNC_MAX_DIM);
        return false;
    }
    int64_t out = shape_elems(&n->shape), macs = 0;
    bool movf = __builtin_mul_overflow(out, fan, &macs);
    return add_total(s, n, &s->params, params, false, BNNC_MAX_PARAMS, "parameters", "2^40") &&
           add_total(s, n, &s->macs, macs, movf, BNNC_MAX_MACS, "multiply-accumulates",
                     "2^60") &&
           add_total(s, n, &s->elems, out, false, BNNC_MAX_TOTAL_ELEMS, "tensor elements",
                     "2^50");
}

static void add_node(Sema *s, IrNode *n) {
    n->id = s->g->nodes.n;
    vec_push(s->a, &s->g->nodes, n);
    strmap_put(&s->node_names, n->name, n);
}

static const char *arg_name(Sema *s, const char *name, Ast *arg) {
    if (arg->kind == AST_CALL)
        return mem_printf(s->a, "%s.%s", name, arg->name);
    if (arg->kind == AST_REPEAT)
        return mem_printf(s->a, "%s.repeat", name);
    return name;
}

/* A note naming the operations that take attribute a ('scaled' is a
 * parameter of bconv2d and bdense). */
static void attr_takers(Sema *s, AttrId a, Loc loc) {
    char list[256] = "";
    size_t len = 0;
    int n = 0;
    for (int k = 0; k < OP_COUNT && len < sizeof list; k++)
        if (!ops_table[k].internal && (ops_table[k].attrs & (1u << a)))
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", n++ ? ", " : "",
                                    ops_table[k].name);
    diag_note(s->c, loc, "'%s' is a parameter of %s", ops_attr_names[a], list);
}

static IrNode *eval_op(Sema *s, Env *env, Ast *call, OpId op, const char *name, IrNode *first) {
    const OpDesc *d = &ops_table[op];
    IrNode *ins[64];
    int nin = 0;
    bool ok = true;
    IrAttrs set = {0}; /* the attributes the call gives */
    bool *has = set.has;
    for (int i = 0; i < call->nkids; i++) {
        Ast *arg = call->kids[i];
        if (arg->kind != AST_NAMED) {
            IrNode *x = (nin == 0 && first) ? first : eval_value(s, env, arg, arg_name(s, name, arg));
            if (!x)
                ok = false;
            if (nin < 64)
                ins[nin] = x;
            nin++;
            continue;
        }
        int a = ops_attr_lookup(arg->name);
        if (a < 0 || !(d->attrs & (1u << a))) {
            ERR(s, arg->loc, "operation '%s' has no parameter called '%s'", d->name, arg->name);
            const char *names[A_COUNT];
            for (int k = 0; k < A_COUNT; k++)
                names[k] = (d->attrs & (1u << k)) ? ops_attr_names[k] : NULL;
            const char *sug = ops_suggest(arg->name, names, A_COUNT);
            if (sug)
                diag_note(s->c, arg->loc, "did you mean '%s'?", sug);
            else if (a >= 0)
                attr_takers(s, (AttrId)a, arg->loc);
            ok = false;
            continue;
        }
        if (has[a]) {
            ERR(s, arg->loc, "parameter '%s' is given twice", arg->name);
            ok = false;
            continue;
        }
        has[a] = true;
        Value v = eval_expr(s, env, arg->kids[0]);
        if (v.k == V_BAD || !attr_value(s, d->name, (AttrId)a, &v, &set))
            ok = false;
    }
    if (nin < d->nin_min || (d->nin_max >= 0 && nin > d->nin_max) || nin > 64) {
        if (d->nin_min == d->nin_max)
            ERR(s, call->loc, "'%s' takes %d input%s, but %d %s given", d->name, d->nin_min,
                d->nin_min == 1 ? "" : "s", nin, nin == 1 ? "is" : "are");
        else
            ERR(s, call->loc, "'%s' takes at least %d inputs (and at most 64), but %d %s given",
                d->name, d->nin_min, nin, nin == 1 ? "is" : "are");
        return NULL;
    }
    for (int a = 0; a < A_COUNT; a++)
        if ((d->required & (1u << a)) && !has[a]) {
            ERR(s, call->loc, "operation '%s' is missing required parameter '%s'", d->name,
                ops_attr_names[a]);
            ok = false;
        }
    if (!ok)
        return NULL;
    IrNode *n = new_node(s, op, name, call->loc);
    if (!n)
        return NULL;
    n->nin = nin;
    n->in = mem_array(s->a, (size_t)nin, sizeof(IrNode *));
    memcpy(n->in, ins, (size_t)nin * sizeof(IrNode *));
    /* Defaults (ops_attr_defaults); a pooling window's stride defaults to
     * its size. */
    if (d->attrs) {
        IrAttrs *at = mem_alloc(s->a, sizeof *at);
        *at = set;
        for (int a = 0; a < A_COUNT; a++) {
            if (!(d->attrs & (1u << a)) || has[a])
                continue;
            at->has[a] = true;
            double dflt = ops_attr_defaults[a];
            if (a == A_STRIDE && (d->attrs & (1u << A_SIZE))) {
                at->v[a][0] = set.v[A_SIZE][0];
                at->v[a][1] = set.v[A_SIZE][1];
            } else if (ops_attr_types[a] == ATTR_REAL) {
                at->r[a] = dflt;
            } else if (ops_attr_types[a] != ATTR_TUPLE) {
                at->v[a][0] = at->v[a][1] = (int64_t)dflt;
            }
        }
        n->at = at;
    }
    n->in_type = ins[0]->type;
    n->weights = d->weights;
    ShapeReport rep = {s, node_verror, shape_vnote};
    if (!d->infer(&rep, n) || !check_budget(s, n))
        return NULL;
    add_node(s, n);
    return n;
}

static bool eval_block(Sema *s, Env *env, Ast *call, BlockInfo *b, const char *const *names,
                       int nres, IrNode *first, IrNode **out);

/* "block 'b' returns 2 values, but one is expected here" (want 1) or "...
 * but 3 names are given", with a note at the block's 'return'. */
static void arity_error(Sema *s, Loc loc, const BlockInfo *b, int want) {
    if (want == 1)
        ERR(s, loc, "block '%s' returns %d values, but one is expected here", b->name, b->nret);
    else if (b->nret == 1)
        ERR(s, loc, "block '%s' returns one value, but %d names are given", b->name, want);
    else
        ERR(s, loc, "block '%s' returns %d values, but %d names are given", b->name, b->nret,
            want);
    if (b->ret)
        diag_note(s->c, b->ret->loc, "block '%s' returns %s here", b->name,
                  b->nret == 1 ? "one value" : mem_printf(s->a, "%d values", b->nret));
}

/* A value where several names are given that is not a block call: a
 * name, an operation or a repeat, each one value. */
static void unpack_error(Sema *s, Ast *v, int want) {
    const char *what = v->kind == AST_REPEAT ? "'repeat'"
                       : v->kind == AST_CALL ? mem_printf(s->a, "operation '%s'", v->name)
                                             : mem_printf(s->a, "'%s'", v->name);
    ERR(s, v->loc, "%s gives one value, but %d names are given", what, want);
    diag_note(s->c, loc_none(), "only a block call gives several values: 'return a, b;'");
}

/* 'repeat' feeds its result back as the first input: a block that
 * returns several values cannot be repeated. */
static void repeat_error(Sema *s, Ast *call, const BlockInfo *b) {
    ERR(s, call->loc, "'repeat' needs a block that returns one value; '%s' returns %d",
        b->name, b->nret);
    if (b->ret)
        diag_note(s->c, b->ret->loc, "block '%s' returns %d values here", b->name, b->nret);
}

static IrNode *eval_call(Sema *s, Env *env, Ast *call, const char *name, IrNode *first) {
    int op = ops_lookup(call->name);
    if (op >= 0)
        return eval_op(s, env, call, (OpId)op, name, first);
    BlockInfo *b = strmap_get(&s->blocks, call->name);
    if (b) {
        IrNode *x = NULL;
        if (!b->bad && b->nret != 1) {
            arity_error(s, call->loc, b, 1);
            return NULL;
        }
        eval_block(s, env, call, b, &name, 1, first, &x);
        return x;
    }
    /* Unknown: sema_lint reported it for blocks; here, in a network. */
    ERR(s, call->loc, "unknown operation '%s'", call->name);
    const char *names[OP_COUNT];
    for (int i = 0; i < OP_COUNT; i++)
        names[i] = ops_table[i].internal ? NULL : ops_table[i].name;
    const char *sug = ops_suggest(call->name, names, OP_COUNT);
    if (sug)
        diag_note(s->c, call->loc, "did you mean '%s'?", sug);
    return NULL;
}

static bool repeat_count(Sema *s, Env *env, Ast *e, int64_t *n) {
    Value v = eval_expr(s, env, e);
    if (v.k == V_BAD)
        return false;
    if (v.k != V_INT || v.unit) {
        ERR(s, e->loc, "'repeat' takes an integer count, not %s", vkind_name(&v));
        return false;
    }
    if (v.i[0] < 1 || v.i[0] > 100000) {
        ERR(s, e->loc, "'repeat' count must be between 1 and 100000, not %lld",
            (long long)v.i[0]);
        return false;
    }
    *n = v.i[0];
    return true;
}

static IrNode *eval_value(Sema *s, Env *env, Ast *v, const char *name) {
    switch (v->kind) {
    case AST_NAME: {
        Binding *b = strmap_get(&env->names, v->name);
        if (!b) {
            ERR(s, v->loc, "undefined name '%s'", v->name);
            return NULL;
        }
        if (b->value) {
            ERR(s, v->loc, "'%s' is an attribute value, not a tensor", v->name);
            return NULL;
        }
        return b->node;
    }
    case AST_CALL:
        return eval_call(s, env, v, name, NULL);
    case AST_REPEAT: {
        int64_t n;
        Ast *call = v->kids[1];
        if (!repeat_count(s, env, v->kids[0], &n))
            return NULL;
        int first_arg = -1;
        for (int i = 0; i < call->nkids && first_arg < 0; i++)
            if (call->kids[i]->kind != AST_NAMED)
                first_arg = i;
        if (first_arg < 0) {
            ERR(s, call->loc, "'repeat' needs a call with an input to feed back");
            return NULL;
        }
        BlockInfo *rb = strmap_get(&s->blocks, call->name);
        if (ops_lookup(call->name) < 0 && rb && !rb->bad && rb->nret != 1) {
            repeat_error(s, call, rb);
            return NULL;
        }
        Ast *a0 = call->kids[first_arg];
        IrNode *x = eval_value(s, env, a0, arg_name(s, name, a0));
        for (int64_t i = 0; i < n && x; i++)
            x = eval_call(s, env, call, mem_printf(s->a, "%s.%lld", name, (long long)i), x);
        return x;
    }
    default:
        ERR(s, v->loc, "expected a tensor value");
        return NULL;
    }
}

/* ------------------------------------------------------------- blocks */

/* Records the value `local` of the expansion with prefix `prefix` under
 * its dotted name, for 'output s1.y' (only when the network has one). */
static void qual_put(Sema *s, const char *prefix, const char *local, IrNode *x) {
    if (s->qual_on && x)
        strmap_put(&s->qual, mem_printf(s->a, "%s%s", prefix, local), x);
}

/* p, q = call(...): a block call's values bound to the names, in a
 * network (env->prefix "") or a block. The layers of the call are named
 * after the first name. */
static void eval_unpack(Sema *s, Env *env, Ast *st) {
    int n = st->nkids - 1;
    Ast *v = st->kids[0];
    IrNode **out = mem_array(s->a, (size_t)n, sizeof *out);
    const char **names = mem_array(s->a, (size_t)n, sizeof *names);
    for (int k = 0; k < n; k++)
        names[k] = mem_printf(s->a, "%s%s", env->prefix, st->kids[k + 1]->name);
    BlockInfo *b = v->kind == AST_CALL && ops_lookup(v->name) < 0 ? strmap_get(&s->blocks, v->name)
                                                                   : NULL;
    if (b && !b->bad && b->nret != n)
        arity_error(s, v->loc, b, n);
    else if (b)
        eval_block(s, env, v, b, names, n, NULL, out);
    else if (v->kind != AST_CALL || ops_lookup(v->name) >= 0)
        unpack_error(s, v, n);
    else
        eval_call(s, env, v, names[0], NULL); /* unknown: reports it */
    for (int k = 0; k < n; k++) {
        Binding *bd = bind(s, env, st->kids[k + 1]->name, st->kids[k + 1]->loc);
        if (bd)
            bd->node = out[k];
        if (*env->prefix)
            qual_put(s, env->prefix, st->kids[k + 1]->name, out[k]);
    }
}

/* Expands call `call` of block b: its nres values (the block's 'return'
 * must give that many) into out[], the k-th named names[k] where it is a
 * new layer; the call's layers are named "names[0].local". False when it
 * failed (out[] is then NULL where a value could not be made). */
static bool eval_block(Sema *s, Env *env, Ast *call, BlockInfo *b, const char *const *names,
                       int nres, IrNode *first, IrNode **out) {
    const char *name = names[0];
    for (int k = 0; k < nres; k++)
        out[k] = NULL;
    if (b->bad)
        return false;
    if (b->active) {
        ERR(s, call->loc, "block '%s' calls itself", b->name);
        return false;
    }
    if (s->depth >= BNNC_MAX_NEST) {
        ERR(s, call->loc, "blocks are expanded more than %d deep", BNNC_MAX_NEST);
        return false;
    }
    Ast *params = b->ast->kids[0];
    int np = params->nkids;
    Env inner = {.prefix = mem_printf(s->a, "%s.", name)};
    Binding **slot = mem_array(s->a, (size_t)np + 1, sizeof(Binding *));
    bool ok = true;
    /* Attribute values by name first, then tensors in order. */
    for (int i = 0; i < call->nkids; i++) {
        Ast *arg = call->kids[i];
        if (arg->kind != AST_NAMED)
            continue;
        int p = -1;
        for (int k = 0; k < np; k++)
            if (strcmp(params->kids[k]->name, arg->name) == 0)
                p = k;
        if (p < 0) {
            ERR(s, arg->loc, "block '%s' has no parameter called '%s'", b->name, arg->name);
            ok = false;
            continue;
        }
        if (slot[p]) {
            ERR(s, arg->loc, "parameter '%s' is given twice", arg->name);
            ok = false;
            continue;
        }
        Value v = eval_expr(s, env, arg->kids[0]);
        if (v.k == V_BAD) {
            ok = false;
            v.k = V_BAD;
        }
        slot[p] = mem_alloc(s->a, sizeof(Binding));
        Value *pv = mem_alloc(s->a, sizeof *pv);
        *pv = v;
        slot[p]->value = pv;
        slot[p]->loc = params->kids[p]->loc;
    }
    int next = 0, given = 0;
    for (int i = 0; i < call->nkids; i++) {
        Ast *arg = call->kids[i];
        if (arg->kind == AST_NAMED)
            continue;
        given++;
        while (next < np && slot[next])
            next++;
        IrNode *x = (given == 1 && first) ? first : eval_value(s, env, arg, arg_name(s, name, arg));
        if (next >= np) {
            ERR(s, arg->loc, "block '%s' takes %d parameter%s; this is one too many", b->name,
                np, np == 1 ? "" : "s");
            ok = false;
            break;
        }
        if (!x)
            ok = false;
        slot[next] = mem_alloc(s->a, sizeof(Binding));
        slot[next]->node = x;
        slot[next]->loc = params->kids[next]->loc;
    }
    for (int k = 0; k < np; k++)
        if (!slot[k]) {
            ERR(s, call->loc, "block '%s' is missing parameter '%s'", b->name,
                params->kids[k]->name);
            diag_note(s->c, params->kids[k]->loc, "'%s' is declared here", params->kids[k]->name);
            ok = false;
        }
    if (!ok)
        return false;
    for (int k = 0; k < np; k++) {
        strmap_put(&inner.names, params->kids[k]->name, slot[k]);
        if (!slot[k]->value)
            qual_put(s, inner.prefix, params->kids[k]->name, slot[k]->node);
    }
    Origin *o = mem_alloc(s->a, sizeof *o);
    *o = (Origin){call->loc, b->name, s->origin};
    const Origin *saved = s->origin;
    s->origin = o;
    s->depth++;
    b->active = true;
    bool done = true;
    for (int i = 1; i < b->ast->nkids; i++) {
        Ast *st = b->ast->kids[i];
        if (st->kind == AST_ASSIGN) {
            IrNode *x = eval_value(s, &inner, st->kids[0],
                                   mem_printf(s->a, "%s%s", inner.prefix, st->name));
            Binding *bd = bind(s, &inner, st->name, st->loc);
            if (bd)
                bd->node = x;
            qual_put(s, inner.prefix, st->name, x);
        } else if (st->kind == AST_UNPACK) {
            eval_unpack(s, &inner, st);
        } else if (st->kind == AST_RETURN) {
            for (int k = 0; k < nres && k < st->nkids; k++) {
                out[k] = eval_value(s, &inner, st->kids[k], names[k]);
                done &= out[k] != NULL;
            }
        }
    }
    b->active = false;
    s->depth--;
    s->origin = saved;
    strmap_free(&inner.names);
    return done;
}

/* Lint of a block body on its own: statements allowed, names defined
 * before use, operations and attributes known. */
typedef struct {
    Sema *s;
    BlockInfo *b;
    StrMap names;
    bool ok;
} Lint;

static void lint_expr(Lint *L, Ast *e);

/* Lints value v where `want` values are expected: 1, or the names of
 * 'p, q = call(...)'. */
static void lint_value(Lint *L, Ast *v, int want) {
    Sema *s = L->s;
    if (want != 1 && (v->kind != AST_CALL || ops_lookup(v->name) >= 0)) {
        unpack_error(s, v, want);
        L->ok = false;
    }
    if (v->kind == AST_NAME) {
        if (!strmap_get(&L->names, v->name)) {
            diag_error(s->c, v->loc, "undefined name '%s' in block '%s'", v->name, L->b->name);
            L->ok = false;
        }
        return;
    }
    if (v->kind == AST_REPEAT) {
        lint_expr(L, v->kids[0]);
        Ast *call = v->kids[1];
        BlockInfo *rb = ops_lookup(call->name) < 0 ? strmap_get(&s->blocks, call->name) : NULL;
        if (rb && rb->nret != 1) {
            repeat_error(s, call, rb);
            L->ok = false;
        }
        lint_value(L, call, rb ? rb->nret : 1);
        return;
    }
    if (v->kind != AST_CALL)
        return;
    int op = ops_lookup(v->name);
    BlockInfo *callee = op < 0 ? strmap_get(&s->blocks, v->name) : NULL;
    if (callee && callee->nret != want) {
        arity_error(s, v->loc, callee, want);
        L->ok = false;
    }
    if (op < 0 && !callee) {
        diag_error(s->c, v->loc, "unknown operation '%s'", v->name);
        const char *names[OP_COUNT];
        for (int i = 0; i < OP_COUNT; i++)
            names[i] = ops_table[i].internal ? NULL : ops_table[i].name;
        const char *sug = ops_suggest(v->name, names, OP_COUNT);
        if (sug)
            diag_note(s->c, v->loc, "did you mean '%s'?", sug);
        L->ok = false;
    }
    for (int i = 0; i < v->nkids; i++) {
        Ast *arg = v->kids[i];
        if (arg->kind != AST_NAMED) {
            lint_value(L, arg, 1);
            continue;
        }
        if (op >= 0) {
            int a = ops_attr_lookup(arg->name);
            if (a < 0 || !(ops_table[op].attrs & (1u << a))) {
                diag_error(s->c, arg->loc, "operation '%s' has no parameter called '%s'",
                           ops_table[op].name, arg->name);
                L->ok = false;
            }
        } else if (callee) {
            Ast *params = callee->ast->kids[0];
            bool found = false;
            for (int k = 0; k < params->nkids; k++)
                found |= strcmp(params->kids[k]->name, arg->name) == 0;
            if (!found) {
                diag_error(s->c, arg->loc, "block '%s' has no parameter called '%s'",
                           callee->name, arg->name);
                L->ok = false;
            }
        }
        lint_expr(L, arg->kids[0]);
    }
}

static void lint_expr(Lint *L, Ast *e) {
    for (int i = 0; i < e->nkids; i++)
        lint_expr(L, e->kids[i]);
}

static void lint_block(Sema *s, BlockInfo *b) {
    Lint L = {.s = s, .b = b, .ok = true};
    Ast *params = b->ast->kids[0];
    for (int k = 0; k < params->nkids; k++) {
        Ast *p = params->kids[k];
        Loc *prev = strmap_get(&L.names, p->name);
        if (prev) {
            diag_error(s->c, p->loc, "parameter '%s' is declared twice", p->name);
            L.ok = false;
        }
        strmap_put(&L.names, p->name, &p->loc);
    }
    bool returned = false;
    for (int i = 1; i < b->ast->nkids; i++) {
        Ast *st = b->ast->kids[i];
        if (returned) {
            diag_error(s->c, st->loc, "statement after 'return' in block '%s'", b->name);
            L.ok = false;
            break;
        }
        switch (st->kind) {
        case AST_ASSIGN:
        case AST_UNPACK: {
            bool one = st->kind == AST_ASSIGN;
            lint_value(&L, st->kids[0], one ? 1 : st->nkids - 1);
            for (int k = one ? 0 : 1; k < (one ? 1 : st->nkids); k++) {
                Ast *nm = one ? st : st->kids[k];
                Loc *prev = strmap_get(&L.names, nm->name);
                if (prev) {
                    diag_error(s->c, nm->loc, "'%s' is already defined", nm->name);
                    diag_note(s->c, *prev, "'%s' was defined here", nm->name);
                    L.ok = false;
                }
                strmap_put(&L.names, nm->name, &nm->loc);
            }
            break;
        }
        case AST_RETURN:
            for (int k = 0; k < st->nkids; k++)
                lint_value(&L, st->kids[k], 1);
            returned = true;
            break;
        case AST_INPUT:
            diag_error(s->c, st->kw, "'input' belongs in a network, not in block '%s'",
                       b->name);
            diag_note(s->c, loc_none(), "a block takes its inputs as parameters");
            L.ok = false;
            break;
        default:
            diag_error(s->c, st->kw, "'output' belongs in a network, not in block '%s'",
                       b->name);
            diag_note(s->c, loc_none(), "a block gives its result with 'return'");
            L.ok = false;
            break;
        }
    }
    if (!returned && L.ok) {
        diag_error(s->c, b->ast->loc, "block '%s' has no 'return'", b->name);
        L.ok = false;
    }
    b->bad = !L.ok;
    strmap_free(&L.names);
}

/* ------------------------------------------------------------ networks */

static DType parse_dtype(const char *t) {
    if (strcmp(t, "f32") == 0) return DT_F32;
    if (strcmp(t, "i32") == 0) return DT_I32;
    if (strcmp(t, "u8") == 0) return DT_U8;
    return DT_B1;
}

/* The value a dotted output names ("s1.y": the value 'y' of the call
 * bound to 's1'), or NULL after reporting, with the nearest dotted name
 * of that call. */
static IrNode *eval_dotted(Sema *s, Env *env, Ast *v) {
    IrNode *x = strmap_get(&s->qual, v->name);
    if (x)
        return x;
    size_t head = strcspn(v->name, ".");
    const char *first = mem_strndup(s->a, v->name, head);
    Binding *b = strmap_get(&env->names, first);
    if (b && !b->node && !b->value)
        return NULL; /* the call failed: reported there */
    ERR(s, v->loc, "network '%s' has no value '%s'", s->g->name, v->name);
    const char **names = mem_array(s->a, (size_t)s->qual.n + 1, sizeof *names);
    int n = 0;
    for (size_t i = 0; i < s->qual.cap; i++) {
        const char *k = s->qual.slots[i].key;
        if (k && strncmp(k, v->name, head + 1) == 0)
            names[n++] = k;
    }
    const char *sug = ops_suggest(v->name, names, n);
    if (sug)
        diag_note(s->c, v->loc, "did you mean '%s'?", sug);
    else if (b && n == 0)
        diag_note(s->c, b->loc, "'%s' is not the value of a block call: only a block's values "
                                "have dotted names ('%s.LOCAL')",
                  first, first);
    else if (!b)
        diag_note(s->c, loc_none(), "'%s' is not defined before this 'output'", first);
    return NULL;
}

static void eval_network(Sema *s, IrGraph *g, Ast *net) {
    Env env = {.prefix = ""};
    s->g = g;
    s->qual = (StrMap){0};
    s->qual_on = false;
    for (int i = 0; i < net->nkids; i++)
        for (int k = 0; net->kids[i]->kind == AST_OUTPUT && k < net->kids[i]->nkids; k++)
            s->qual_on |= strchr(net->kids[i]->kids[k]->name, '.') != NULL;
    s->node_names = (StrMap){0};
    s->origin = NULL;
    s->params = s->macs = s->elems = 0;
    s->over = false;
    for (int i = 0; i < net->nkids; i++) {
        Ast *st = net->kids[i];
        switch (st->kind) {
        case AST_INPUT: {
            bool ok = true;
            if (st->nkids < 1 || st->nkids > IR_MAX_RANK) {
                diag_error(s->c, st->loc,
                           "input '%s' has %d dimensions; an input has 1 to %d ([N], "
                           "[H, W, C], [1, C, H, W], ...)",
                           st->name, st->nkids, IR_MAX_RANK);
                ok = false;
            }
            Shape sh = {0};
            int64_t elems = 1;
            for (int k = 0; k < st->nkids && ok; k++) {
                int64_t d = st->kids[k]->ival;
                if (d <= 0 || d > BNNC_MAX_DIM ||
                    __builtin_mul_overflow(elems, d, &elems) || elems > BNNC_MAX_ELEMS) {
                    diag_error(s->c, st->kids[k]->loc,
                               d <= 0 ? "dimension of input '%s' must be positive"
                                      : "input '%s' is too large",
                               st->name);
                    ok = false;
                    break;
                }
                sh.d[k] = d;
            }
            sh.rank = st->nkids;
            Binding *b = bind(s, &env, st->name, st->loc);
            if (!b || !ok)
                break;
            IrNode *n = new_node(s, OP_COUNT, st->name, st->loc);
            if (!n)
                break;
            n->shape = sh;
            n->type = parse_dtype(st->name2);
            n->in_type = n->type;
            if (!check_budget(s, n))
                break;
            add_node(s, n);
            vec_push(s->a, &g->inputs, n);
            b->node = n;
            break;
        }
        case AST_ASSIGN: {
            IrNode *x = eval_value(s, &env, st->kids[0], st->name);
            Binding *b = bind(s, &env, st->name, st->loc);
            if (b)
                b->node = x;
            break;
        }
        case AST_UNPACK:
            eval_unpack(s, &env, st);
            break;
        case AST_OUTPUT:
            for (int k = 0; k < st->nkids; k++) {
                IrNode *x = strchr(st->kids[k]->name, '.')
                                ? eval_dotted(s, &env, st->kids[k])
                                : eval_value(s, &env, st->kids[k], st->kids[k]->name);
                if (!x)
                    continue;
                bool dup = false;
                for (int j = 0; j < g->outputs.n; j++)
                    dup |= g->outputs.v[j] == x;
                if (dup)
                    diag_error(s->c, st->kids[k]->loc, "'%s' is already an output",
                               st->kids[k]->name);
                else
                    vec_push(s->a, &g->outputs, x);
            }
            break;
        case AST_RETURN:
            diag_error(s->c, st->loc, "'return' belongs in a block; a network uses 'output'");
            break;
        default:
            break;
        }
    }
    bool has_output = false;
    for (int i = 0; i < net->nkids; i++)
        has_output |= net->kids[i]->kind == AST_OUTPUT;
    if (!has_output)
        diag_error(s->c, net->loc, "network '%s' has no 'output'", net->name);
    strmap_free(&env.names);
    strmap_free(&s->node_names);
    strmap_free(&s->qual);
}

/* -------------------------------------------------------------- driver */

static const char *decl_kind(AstKind k) {
    return k == AST_NETWORK ? "network" : k == AST_BLOCK ? "block" : "target";
}

bool sema_run(Ctx *c, IrModule *m) {
    int before = c->errors;
    diag_defer(c); /* printed in line order at the end */
    Sema s = {.c = c, .a = &c->arena};
    StrMap seen[3] = {{0}};
    /* Names are unique per kind; a block may not shadow an operation. */
    for (int i = 0; i < c->decls.n; i++) {
        Decl *d = c->decls.v[i];
        int kind = d->ast->kind == AST_NETWORK ? 0 : d->ast->kind == AST_BLOCK ? 1 : 2;
        Decl *prev = strmap_get(&seen[kind], d->ast->name);
        if (prev && d->weak) {
            d->file = -1; /* shadowed by the program's own: dropped below */
            continue;
        }
        if (prev) {
            diag_error(c, d->ast->loc, "%s '%s' is already declared", decl_kind(d->ast->kind),
                       d->ast->name);
            diag_note(c, prev->ast->loc, "the first declaration is here");
            continue;
        }
        if (kind == 1 && ops_lookup(d->ast->name) >= 0) {
            diag_error(c, d->ast->loc, "block '%s' has the name of a built-in operation",
                       d->ast->name);
            continue;
        }
        strmap_put(&seen[kind], d->ast->name, d);
        if (kind == 1) {
            BlockInfo *b = mem_alloc(s.a, sizeof *b);
            *b = (BlockInfo){d->ast->name, d->ast, d->file, false, false, NULL, 1};
            for (int k = 1; k < d->ast->nkids && !b->ret; k++)
                if (d->ast->kids[k]->kind == AST_RETURN)
                    b->ret = d->ast->kids[k];
            if (b->ret)
                b->nret = b->ret->nkids;
            strmap_put(&s.blocks, b->name, b);
        }
    }
    int k = 0;
    for (int i = 0; i < c->decls.n; i++)
        if (((Decl *)c->decls.v[i])->file >= 0)
            c->decls.v[k++] = c->decls.v[i];
    c->decls.n = k;
    for (int i = 0; i < c->decls.n; i++) {
        Decl *d = c->decls.v[i];
        if (d->ast->kind != AST_BLOCK)
            continue;
        BlockInfo *b = strmap_get(&s.blocks, d->ast->name);
        if (b && b->ast == d->ast)
            lint_block(&s, b);
    }
    for (int i = 0; i < c->decls.n; i++) {
        Decl *d = c->decls.v[i];
        if (d->ast->kind != AST_NETWORK || strmap_get(&seen[0], d->ast->name) != d)
            continue;
        IrGraph *g = mem_alloc(s.a, sizeof *g);
        g->name = d->ast->name;
        g->loc = d->ast->loc;
        eval_network(&s, g, d->ast);
        vec_push(s.a, &m->graphs, g);
    }
    for (int i = 0; i < 3; i++)
        strmap_free(&seen[i]);
    strmap_free(&s.blocks);
    sema_targets(c, m);
    diag_flush(c);
    /* The loader went on after soft errors (a missing 'bnn 1;'): fail. */
    return c->errors == before && c->soft_errors == 0;
}
