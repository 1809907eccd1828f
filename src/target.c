/*
 * target.c: target declarations into resolved property lists.
 *
 * A target is a tree of properties and sections. The schema below says
 * which properties exist and the dimension each takes; every value is
 * converted to base units (units.c) and checked where it is written.
 * `target A : B` starts from B's resolved properties (inheritance chains
 * are resolved once each, cycles reported) and overrides what A sets.
 */
#include "bnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A property: its dimensions, its words, and its valid range in base
 * units for each dimension (lo < value when `open`, else lo <= value;
 * value <= hi; `whole`: an integer). docs/language.md lists the ranges. */
typedef struct {
    const char *name;
    Dim dim, dim2;          /* dim2: a second accepted dimension */
    const char *const *words; /* for DIM_NAME */
    double lo, hi, lo2, hi2;
    bool open, whole;
} PropSpec;

static const char *const class_words[] = {"mcu", "application", "desktop", "server", NULL};
static const char *const popcount_words[] = {"hardware", "software", NULL};
static const char *const holds_words[] = {"weights", "activations", "all", NULL};
static const char *const packing_words[] = {"kernel", "channel", "dense", NULL};
static const char *const kernels_words[] = {"portable", "swar", "builtin", "popcnt",
                                            "avx2",     "avx512", "neon", NULL};
static const char *const yes_no_words[] = {"yes", "no", NULL};
static const char *const figures_words[] = {"measured", "derived", "estimated", NULL};

static const PropSpec top_props[] = {
    {"clock", DIM_FREQ, DIM_FREQ, NULL, 1e3, 1e11, 0, 0, false, false},
    {"max_clock", DIM_FREQ, DIM_FREQ, NULL, 1e3, 1e11, 0, 0, false, false},
    {"cores", DIM_NUMBER, DIM_NUMBER, NULL, 1, 1e6, 0, 0, false, true},
    {"efficiency", DIM_NUMBER, DIM_NUMBER, NULL, 0, 1, 0, 0, true, false},
    {"lanes", DIM_NUMBER, DIM_NUMBER, NULL, 1, 1e6, 0, 0, false, true},
    {"word", DIM_BITS, DIM_BITS, NULL, 1, 65536, 0, 0, false, true},
    {"vector", DIM_BITS, DIM_BITS, NULL, 1, 65536, 0, 0, false, true},
    {"price", DIM_MONEY, DIM_MONEY, NULL, 0, 1e9, 0, 0, false, false},
    {"power", DIM_POWER, DIM_POWER, NULL, 0, 1e6, 0, 0, false, false},
    {"class", DIM_NAME, DIM_NAME, class_words, 0, 0, 0, 0, false, false},
    {"popcount", DIM_NAME, DIM_NAME, popcount_words, 0, 0, 0, 0, false, false},
    {"packing", DIM_NAME, DIM_NAME, packing_words, 0, 0, 0, 0, false, false},
    {"kernels", DIM_NAME, DIM_NAME, kernels_words, 0, 0, 0, 0, false, false},
    {"overhead", DIM_CYCLES, DIM_TIME, NULL, 0, 1e12, 0, 1e3, false, false},
    {"sync", DIM_CYCLES, DIM_TIME, NULL, 0, 1e12, 0, 1, false, false},
    {"overlap", DIM_NAME, DIM_NAME, yes_no_words, 0, 0, 0, 0, false, false},
    {"figures", DIM_NAME, DIM_NAME, figures_words, 0, 0, 0, 0, false, false},
    {"validated_error", DIM_NUMBER, DIM_NUMBER, NULL, 0, 10, 0, 0, false, false},
    {NULL, 0, 0, NULL, 0, 0, 0, 0, false, false},
};

static const PropSpec level_props[] = {
    {"size", DIM_BYTES, DIM_BYTES, NULL, 1, 17592186044416.0, 0, 0, false, false},
    {"bandwidth", DIM_BANDWIDTH, DIM_BPC, NULL, 1e3, 1e14, 1e-3, 1e5, false, false},
    {"holds", DIM_NAME, DIM_NAME, holds_words, 0, 0, 0, 0, false, false},
    {"shared", DIM_NAME, DIM_NAME, yes_no_words, 0, 0, 0, 0, false, false},
    {NULL, 0, 0, NULL, 0, 0, 0, 0, false, false},
};

/* The sections 'cost' (cycles per instruction) and 'ops' (cycles per
 * unit of work): 0 to 10^5 cycles. */
#define COST_LO 0
#define COST_HI 1e5

/* Properties of earlier versions of the cost model, and what replaced
 * them (docs/cost-model.md section 4): a located error that says so. */
static const struct {
    int level; /* 0: the target, 2: a memory level */
    const char *name, *why;
} removed_props[] = {
    {0, "loads_per_xnorop", "the word loads of an XNOROP follow from the kernels bnnc emits; "
                            "a level's 'bandwidth' says what they cost"},
    {2, "latency", "levels are described by what a streaming kernel gets from them: give "
                   "'bandwidth' (B/s or B/cycle); no kernel bnnc emits waits for a dependent load"},
    {2, "wait_states", "give the level's 'bandwidth' (bytes per access x clock / (1 + wait "
                       "states)) and the target's 'overlap = no' when the core stalls on it"},
    {2, "cost", "give the level's streaming 'bandwidth' (bnnc calibrate measures it)"},
};

static const char *const section_names[] = {"cost", "memory", "ops", NULL};

/* The properties of 'cost' (cycles), the names cost_target reads. */
static const char *const cost_names[] = {"xnor",    "popcount", "accumulate", "fmac",
                                         "fadd",    "add",      "compare",    "load",
                                         "store",   "gather",   "tap",        "unpack",
                                         NULL};

/* Names that --print-tables lists as target properties and words. */
const char *const target_property_names[] = {
    "clock", "max_clock", "cores", "efficiency", "lanes", "word", "vector", "price", "power",
    "class", "popcount", "packing", "kernels", "overhead", "overlap", "figures",
    "validated_error", "sync", "cost", "memory", "ops", "size", "bandwidth", "holds", "shared", NULL,
};
const char *const target_words[] = {
    "mcu", "application", "desktop", "server", "hardware", "software",
    "weights", "activations", "all", "kernel", "channel", "dense", "portable", "swar",
    "builtin", "popcnt", "avx2", "avx512", "neon", "yes", "no", "measured", "derived",
    "estimated", NULL,
};

typedef struct {
    Ctx *c;
    const char *target;
    PtrVec *props;          /* TProp* being built */
    int first_own;          /* props before this index are inherited */
} TCheck;

static const PropSpec *find_spec(const PropSpec *t, const char *name) {
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static void suggest(Ctx *c, Loc loc, const char *name, const PropSpec *t) {
    const char *names[16];
    int n = 0;
    for (; t->name && n < 16; t++)
        names[n++] = t->name;
    const char *s = ops_suggest(name, names, n);
    if (s)
        diag_note(c, loc, "did you mean '%s'?", s);
}

/* words, NULL-terminated, as "a, b, c" in buf. */
static const char *join_words(char *buf, size_t len, const char *const *words) {
    buf[0] = 0;
    for (int i = 0; words[i]; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, len - l, "%s%s", i ? ", " : "", words[i]);
    }
    return buf;
}

/* Evaluates a property value against its spec. */
static bool prop_value(TCheck *T, const PropSpec *sp, Ast *e, TProp *out) {
    Ctx *c = T->c;
    bool neg = false;
    if (e->kind == AST_NEG) {
        neg = true;
        e = e->kids[0];
    }
    if (e->kind == AST_NAME) {
        if (sp->dim != DIM_NAME) {
            diag_error(c, e->loc, "property '%s' takes %s (%s), not a name", sp->name,
                       unit_dim_name(sp->dim), unit_dim_units(sp->dim));
            return false;
        }
        for (int i = 0; sp->words[i]; i++)
            if (strcmp(sp->words[i], e->name) == 0) {
                out->dim = DIM_NAME;
                out->word = sp->words[i];
                return true;
            }
        diag_error(c, e->loc, "'%s' is not a value of '%s'", e->name, sp->name);
        char list[256];
        diag_note(c, e->loc, "'%s' is one of: %s", sp->name, join_words(list, sizeof list, sp->words));
        return false;
    }
    if (e->kind != AST_INT && e->kind != AST_REAL) {
        diag_error(c, e->loc, "property '%s' takes a single value", sp->name);
        return false;
    }
    if (sp->dim == DIM_NAME) {
        diag_error(c, e->loc, "property '%s' takes a name, not a number", sp->name);
        return false;
    }
    double v = e->kind == AST_INT ? (double)e->ival : e->rval;
    Dim dim = DIM_NUMBER;
    if (e->name) {
        const UnitDesc *u = unit_lookup(e->name);
        if (!u) {
            diag_error(c, e->loc, "unknown unit '%s'", e->name);
            const char *names[64];
            int n = 0;
            for (int i = 0; i < unit_count && n < 64; i++)
                names[n++] = unit_table[i].name;
            const char *s = ops_suggest(e->name, names, n);
            if (s)
                diag_note(c, e->loc, "did you mean '%s'?", s);
            return false;
        }
        dim = u->dim;
        v *= u->scale;
    }
    if (dim != sp->dim && dim != sp->dim2) {
        if (dim == DIM_NUMBER)
            diag_error(c, e->loc, "property '%s' needs a unit: %s (%s)", sp->name,
                       unit_dim_name(sp->dim), unit_dim_units(sp->dim));
        else if (sp->dim == DIM_NUMBER)
            diag_error(c, e->loc, "property '%s' is a plain number; '%s' is %s", sp->name,
                       e->name, unit_dim_name(dim));
        else if (sp->dim2 != sp->dim)
            diag_error(c, e->loc, "unit mismatch: property '%s' takes %s (%s) or %s (%s), but "
                                  "'%s' is %s",
                       sp->name, unit_dim_name(sp->dim), unit_dim_units(sp->dim),
                       unit_dim_name(sp->dim2), unit_dim_units(sp->dim2), e->name,
                       unit_dim_name(dim));
        else
            diag_error(c, e->loc, "unit mismatch: property '%s' takes %s (%s), but '%s' is %s",
                       sp->name, unit_dim_name(sp->dim), unit_dim_units(sp->dim), e->name,
                       unit_dim_name(dim));
        return false;
    }
    if (neg)
        v = -v;
    double lo = dim == sp->dim ? sp->lo : sp->lo2, hi = dim == sp->dim ? sp->hi : sp->hi2;
    if (!isfinite(v) || v < lo || v > hi || (sp->open && v <= lo) ||
        (sp->whole && v != floor(v))) {
        /* The range in the unit written (percent as percent), and the
         * value as written. */
        char a[64], b[64], got[96];
        bool pct = e->name && strcmp(e->name, "percent") == 0;
        const char *plain = dim == DIM_MONEY ? " USD" : dim == DIM_CYCLES ? " cycles"
                          : dim == DIM_POWER ? " W" : pct ? " percent" : "";
        if (pct || sp->whole || dim == DIM_NUMBER || *plain) {
            double k = pct ? 100 : 1;
            snprintf(a, sizeof a, "%.15g%s", lo * k, plain);
            snprintf(b, sizeof b, "%.15g%s", hi * k, plain);
        } else {
            unit_format(a, sizeof a, lo, dim);
            unit_format(b, sizeof b, hi, dim);
        }
        if (lo == 0)
            snprintf(a, sizeof a, "0");
        double raw = e->kind == AST_INT ? (double)e->ival : e->rval;
        snprintf(got, sizeof got, "%s%.6g%s%s", neg ? "-" : "", raw, e->name ? " " : "",
                 e->name ? e->name : "");
        if (sp->open)
            diag_error(c, e->loc, "property '%s' must be above %s and at most %s, not %s",
                       sp->name, a, b, got);
        else
            diag_error(c, e->loc, "property '%s' must be %sfrom %s to %s, not %s", sp->name,
                       sp->whole ? "a whole number " : "", a, b, got);
        return false;
    }
    out->dim = dim;
    out->value = v;
    return true;
}

static void set_prop(TCheck *T, const char *path, TProp *p) {
    Arena *a = &T->c->arena;
    p->path = path;
    for (int i = 0; i < T->props->n; i++) {
        TProp *q = T->props->v[i];
        if (strcmp(q->path, path) != 0)
            continue;
        if (i >= T->first_own) {
            diag_error(T->c, p->loc, "property '%s' is set twice in target '%s'", path,
                       T->target);
            diag_note(T->c, q->loc, "it was first set here");
            return;
        }
        T->props->v[i] = p; /* override the inherited value in place */
        return;
    }
    vec_push(a, T->props, p);
}

static void check_props(TCheck *T, Ast *sec, const PropSpec *spec, const char *prefix,
                        int level);

static void check_stmt(TCheck *T, Ast *st, const PropSpec *spec, const char *prefix,
                       int level) {
    Ctx *c = T->c;
    Arena *a = &c->arena;
    const char *path = prefix[0] ? mem_printf(a, "%s.%s", prefix, st->name) : st->name;
    /* level 0: the target; 1: cost or memory; 2: a memory level. */
    if (st->kind == AST_SECTION) {
        if (level == 0) {
            bool known = false;
            for (int i = 0; section_names[i]; i++)
                known |= strcmp(section_names[i], st->name) == 0;
            if (!known) {
                diag_error(c, st->loc, "target '%s' has no section called '%s'", T->target,
                           st->name);
                diag_note(c, st->loc, "sections are 'cost', 'memory' and 'ops'");
                return;
            }
            check_props(T, st, strcmp(st->name, "memory") == 0 ? level_props : NULL, path, 1);
        } else if (level == 1 && strcmp(prefix, "memory") == 0) {
            check_props(T, st, level_props, path, 2);
        } else {
            diag_error(c, st->loc, "'%s' cannot hold a section", prefix);
        }
        return;
    }
    /* A property. */
    PropSpec cost_spec = {st->name, DIM_CYCLES, DIM_CYCLES, NULL, COST_LO, COST_HI,
                          0, 0, false, false};
    const PropSpec *sp;
    if (level == 1 && strcmp(prefix, "cost") == 0) {
        int k = 0;
        while (cost_names[k] && strcmp(cost_names[k], st->name) != 0)
            k++;
        if (!cost_names[k]) {
            diag_error(c, st->loc, "section 'cost' of target '%s' has no property called '%s'",
                       T->target, st->name);
            const char *sug = ops_suggest(st->name, cost_names, k);
            char list[160];
            if (sug)
                diag_note(c, st->loc, "did you mean '%s'?", sug);
            else
                diag_note(c, st->loc, "'cost' holds the cycles of: %s",
                          join_words(list, sizeof list, cost_names));
            return;
        }
        sp = &cost_spec;
    } else if (level == 1 && strcmp(prefix, "ops") == 0) {
        /* An operation's measured cost: OP, or OP_float for binary weights
         * (or a threshold) on a float input. */
        size_t len = strlen(st->name);
        bool fl = len > 6 && strcmp(st->name + len - 6, "_float") == 0;
        char *op = mem_strndup(a, st->name, fl ? len - 6 : len);
        int k = 0;
        while (k < OP_COUNT && strcmp(ops_table[k].name, op) != 0)
            k++;
        if (k == OP_COUNT || (fl && ops_table[k].weights != W_BINARY && k != OP_THRESHOLD)) {
            diag_error(c, st->loc, "'ops' takes operation names, and '%s' is none", st->name);
            const char *names[OP_COUNT];
            for (int i = 0; i < OP_COUNT; i++)
                names[i] = ops_table[i].name;
            const char *sug = ops_suggest(st->name, names, OP_COUNT);
            if (sug)
                diag_note(c, st->loc, "did you mean '%s'?", sug);
            return;
        }
        sp = &cost_spec;
    } else if (level == 1) {
        diag_error(c, st->loc, "'memory' holds levels such as 'l1 { size = 32 KiB; }', "
                               "not the property '%s'", st->name);
        return;
    } else {
        sp = find_spec(spec, st->name);
        for (size_t k = 0; !sp && k < sizeof removed_props / sizeof removed_props[0]; k++)
            if (removed_props[k].level == level && strcmp(removed_props[k].name, st->name) == 0) {
                diag_error(c, st->loc, "%s '%s' has no property '%s' any more",
                           level == 0 ? "target" : "memory level",
                           level == 0 ? T->target : prefix, st->name);
                diag_note(c, st->loc, "%s (docs/cost-model.md)", removed_props[k].why);
                return;
            }
        if (!sp) {
            if (level == 0 && (strcmp(st->name, "cost") == 0 || strcmp(st->name, "memory") == 0 ||
                               strcmp(st->name, "ops") == 0))
                diag_error(c, st->loc, "'%s' is a section: write '%s { ... }'", st->name,
                           st->name);
            else {
                diag_error(c, st->loc, "%s '%s' has no property called '%s'",
                           level == 0 ? "target" : "memory level",
                           level == 0 ? T->target : prefix, st->name);
                suggest(c, st->loc, st->name, spec);
            }
            return;
        }
    }
    TProp *p = mem_alloc(a, sizeof *p);
    p->loc = st->kids[0]->loc;
    if (!prop_value(T, sp, st->kids[0], p))
        return;
    set_prop(T, path, p);
}

static void check_props(TCheck *T, Ast *sec, const PropSpec *spec, const char *prefix,
                        int level) {
    for (int i = 0; i < sec->nkids; i++)
        check_stmt(T, sec->kids[i], spec, prefix, level);
}

typedef struct {
    Ast *ast;
    IrTarget *ir;
    int state; /* 0 new, 1 resolving, 2 done */
    int order; /* declaration order */
} TEntry;

/* Entries sorted by name (then order), so that a parent is found by
 * bisection: catalogs of thousands of targets resolve in n log n. */
static int cmp_entry(const void *pa, const void *pb) {
    const TEntry *a = pa, *b = pb;
    int d = strcmp(a->ast->name, b->ast->name);
    return d ? d : a->order - b->order;
}

static TEntry *find_target(TEntry *all, int n, const char *name) {
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(all[mid].ast->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(all[lo].ast->name, name) == 0 ? &all[lo] : NULL;
}

static int cmp_order(const void *pa, const void *pb) {
    return (*(TEntry *const *)pa)->order - (*(TEntry *const *)pb)->order;
}

static IrTarget *resolve(Ctx *c, TEntry *all, int n, TEntry *t) {
    if (t->state == 2)
        return t->ir;
    if (t->state == 1) {
        diag_error(c, t->ast->loc, "target '%s' inherits from itself", t->ast->name);
        return NULL;
    }
    t->state = 1;
    Arena *a = &c->arena;
    IrTarget *ir = mem_alloc(a, sizeof *ir);
    ir->name = t->ast->name;
    ir->parent = t->ast->name2;
    ir->loc = t->ast->loc;
    bool ok = true;
    if (t->ast->name2) {
        TEntry *p = find_target(all, n, t->ast->name2);
        if (!p) {
            diag_error(c, t->ast->kw, "target '%s' inherits from unknown target '%s'",
                       t->ast->name, t->ast->name2);
            ok = false;
        } else {
            IrTarget *pi = resolve(c, all, n, p);
            if (!pi)
                ok = false;
            else
                for (int i = 0; i < pi->props.n; i++)
                    vec_push(a, &ir->props, pi->props.v[i]);
        }
    }
    TCheck T = {c, ir->name, &ir->props, ir->props.n};
    check_props(&T, t->ast, top_props, "", 0);
    t->state = 2;
    t->ir = ok ? ir : NULL;
    return t->ir;
}

bool sema_targets(Ctx *c, IrModule *m) {
    int before = c->errors;
    int n = 0;
    for (int i = 0; i < c->decls.n; i++)
        n += ((Decl *)c->decls.v[i])->ast->kind == AST_TARGET;
    if (!n)
        return true;
    TEntry *all = mem_array(&c->arena, (size_t)n, sizeof(TEntry));
    int k = 0;
    for (int i = 0; i < c->decls.n; i++) {
        Decl *d = c->decls.v[i];
        if (d->ast->kind == AST_TARGET) {
            all[k].ast = d->ast;
            all[k].order = k;
            k++;
        }
    }
    qsort(all, (size_t)k, sizeof *all, cmp_entry);
    /* Duplicates were reported by sema_run: keep the first of each name. */
    int u = 0;
    for (int i = 0; i < k; i++)
        if (u == 0 || strcmp(all[u - 1].ast->name, all[i].ast->name) != 0)
            all[u++] = all[i];
    /* Resolve in declaration order, so that the IR lists them so. */
    TEntry **byorder = mem_array(&c->arena, (size_t)u + 1, sizeof(TEntry *));
    for (int i = 0; i < u; i++)
        byorder[i] = &all[i];
    qsort(byorder, (size_t)u, sizeof *byorder, cmp_order);
    for (int i = 0; i < u; i++) {
        IrTarget *t = resolve(c, all, u, byorder[i]);
        if (t)
            vec_push(&c->arena, &m->targets, t);
    }
    return c->errors == before;
}
