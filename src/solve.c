/*
 * solve.c: the inverse task: which targets reach a required rate R*.
 *
 * For every target of the catalog (the standard library's, the model
 * file's and those of --targets): read its parameters, apply the class,
 * price and power constraints, compress the filters for its word size,
 * run the full forward estimate (the memory term depends on the target,
 * so no shortcut is exact), and check the memories. A target is feasible
 * when its rate on the threads allowed is at least R* and the model fits.
 * Feasible targets get the fewest threads that reach R* and their memory
 * headroom; rejected ones say why, by how much, and what would fix it:
 * the lowest clock and the fewest cores that reach R* (each alone, from
 * cost_time), and whether turning compression on would. The estimate of
 * one target reuses one buffer plan per word size and one layer array, so
 * a catalog of thousands of targets is solved in well under a second.
 */
#include "bnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const solve_rank_names[4] = {"margin", "price", "power", "fps"};
const char *const solve_class_names[] = {"mcu", "application", "desktop", "server", NULL};

/* The most cores bnnc considers when it looks for a core count. */
#define SOLVE_MAX_CORES 65536

static bool class_allowed(const SolveOptions *o, const char *cls) {
    if (!o->classes)
        return true;
    for (int i = 0; solve_class_names[i]; i++)
        if (strcmp(solve_class_names[i], cls) == 0)
            return (o->classes >> i) & 1;
    return false;
}

static void set_packing(Ctx *c, IrGraph *g, const CostTarget *t, bool compress) {
    if (compress) {
        PassOptions po;
        pass_defaults(&po);
        po.target = t;
        pass_compress(c, g, &po);
        return;
    }
    for (int i = 0; i < g->nodes.n; i++)
        ((IrNode *)g->nodes.v[i])->packing = PACK_NONE;
}

/* The lowest clock at which r's network takes at most `need` seconds on
 * `p` threads; 0 when no clock does (time that does not scale with it). */
static double min_clock(const CostResult *r, int p, double need) {
    if (cost_time(r, INFINITY, p) > need)
        return 0;
    if (r->model == MEM_LXNOROP) {
        /* The time is A / f + B: solve for f. */
        double b = cost_time(r, INFINITY, p);
        double a = (cost_time(r, r->t->clock, p) - b) * r->t->clock;
        double f = a / (need - b);
        for (int i = 0; i < 64; i++, f = nextafter(f, INFINITY))
            if (cost_time(r, f, p) <= need) /* rounding: the first that works */
                return f;
    }
    double lo = r->t->clock, hi = lo;
    while (cost_time(r, hi, p) > need && hi < 1e30)
        hi *= 2;
    for (int i = 0; i < 200 && hi - lo > hi * 1e-9; i++) {
        double mid = (lo + hi) / 2;
        if (cost_time(r, mid, p) > need)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

/* The fewest cores from `from` up at which r takes at most `need`
 * seconds at its clock; 0 when no number does. Beyond one core the time
 * only falls as cores are added, so a bisection finds it. */
static int min_cores(const CostResult *r, int from, double need) {
    double f = r->t->clock;
    if (from <= 1) {
        if (cost_time(r, f, 1) <= need)
            return 1;
        from = 2;
    }
    int64_t most = 1;
    for (int i = 0; i < r->n; i++)
        if (r->layers[i].units > most)
            most = r->layers[i].units;
    int hi = most < SOLVE_MAX_CORES ? (int)most : SOLVE_MAX_CORES;
    if (hi < from)
        hi = from;
    if (cost_time(r, f, hi) > need)
        return 0;
    int lo = from;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cost_time(r, f, mid) <= need)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void add_why(SolveEntry *e, SolveWhy w) {
    if (e->nwhy < (int)(sizeof e->why / sizeof e->why[0]))
        e->why[e->nwhy++] = w;
}

static void judge(SolveEntry *e, const CostResult *r, const SolveOptions *o) {
    double need = 1 / o->rate;
    e->rate = r->rate;
    e->margin = r->rate / o->rate;
    e->headroom = INFINITY;
    e->headroom_level = NULL;
    for (int i = 0; i < r->nfits; i++) {
        const CostFit *fi = &r->fits[i];
        double spare = fi->have - (double)fi->need;
        if (spare < 0)
            add_why(e, (SolveWhy){.kind = WHY_MEMORY, .fit = *fi});
        if (spare < e->headroom) {
            e->headroom = spare;
            e->headroom_level = fi->level;
        }
    }
    if (r->time > need) {
        SolveWhy w = {.kind = WHY_COMPUTE, .shortfall = o->rate / r->rate};
        w.min_clock = min_clock(r, e->threads, need);
        w.min_cores = min_cores(r, e->threads + 1, need);
        add_why(e, w);
    } else {
        for (int p = 1; p <= e->threads; p++)
            if (cost_time(r, r->t->clock, p) <= need) {
                e->fewest = p;
                break;
            }
    }
}

static int cmp_num(double a, double b, bool asc) {
    if (a == b)
        return 0;
    return (a < b) == asc ? -1 : 1;
}

static RankBy rank_by;

/* Feasible first in the chosen order (unknown prices and powers last);
 * rejected after them, closest to the required rate first. */
static int cmp_entry(const void *pa, const void *pb) {
    const SolveEntry *a = pa, *b = pb;
    if (a->feasible != b->feasible)
        return a->feasible ? -1 : 1;
    int d = 0;
    if (a->feasible) {
        double x, y;
        switch (rank_by) {
        case RANK_PRICE:
        case RANK_POWER:
            x = rank_by == RANK_PRICE ? a->t.price : a->t.power;
            y = rank_by == RANK_PRICE ? b->t.price : b->t.power;
            if ((x < 0) != (y < 0))
                return x < 0 ? 1 : -1;
            d = cmp_num(x, y, true);
            if (!d)
                d = cmp_num(a->margin, b->margin, false);
            break;
        case RANK_MARGIN:
        case RANK_FPS:
            d = cmp_num(a->margin, b->margin, false);
            break;
        }
    } else {
        bool ia = a->nwhy && a->why[0].kind == WHY_INCOMPLETE;
        bool ib = b->nwhy && b->why[0].kind == WHY_INCOMPLETE;
        if (ia != ib)
            return ia ? 1 : -1;
        d = cmp_num(a->rate, b->rate, false);
    }
    return d ? d : strcmp(a->t.name, b->t.name);
}

void solve_run(Ctx *c, IrGraph *g, const IrModule *m, const SolveOptions *o, SolveResult *out) {
    memset(out, 0, sizeof *out);
    out->e = mem_array(&c->arena, (size_t)m->targets.n + 1, sizeof(SolveEntry));
    Plan plans[2];
    bool planned[2] = {false, false};
    CostLayer *scratch = mem_array(&c->arena, (size_t)g->nodes.n + 1, sizeof(CostLayer));
    for (int i = 0; i < m->targets.n; i++) {
        const IrTarget *it = m->targets.v[i];
        out->searched++;
        SolveEntry *e = &out->e[out->n];
        memset(e, 0, sizeof *e);
        e->compression = -1;
        if (!cost_target_quiet(c, it, &e->t)) {
            e->t.name = it->name;
            e->t.cls = "?";
            const TProp *cls = ir_target_get(it, "class");
            if (cls)
                e->t.cls = cls->word;
            if (class_allowed(o, e->t.cls) || !cls) {
                add_why(e, (SolveWhy){.kind = WHY_INCOMPLETE});
                out->n++;
            } else {
                out->filtered++;
            }
            continue;
        }
        if (!class_allowed(o, e->t.cls)) {
            out->filtered++;
            continue;
        }
        out->n++;
        const CostTarget *t = &e->t;
        int w = t->word == 64;
        if (!planned[w]) {
            plan_graph(c, g, t->word, &plans[w]);
            planned[w] = true;
        }
        e->threads = o->threads == 0 || o->threads > t->cores ? t->cores : o->threads;
        set_packing(c, g, t, o->compress);
        CostOptions co = {o->model, e->threads, &plans[w], scratch};
        CostResult r;
        cost_run_opt(c, g, t, &co, &r);
        judge(e, &r, o);
        if (o->max_price >= 0 && !(t->price >= 0 && t->price <= o->max_price))
            add_why(e, (SolveWhy){.kind = WHY_PRICE, .limit = o->max_price, .value = t->price});
        if (o->max_power >= 0 && !(t->power >= 0 && t->power <= o->max_power))
            add_why(e, (SolveWhy){.kind = WHY_POWER, .limit = o->max_power, .value = t->power});
        e->feasible = e->nwhy == 0;
        out->nfeasible += e->feasible;
        if (!e->feasible && !o->compress) {
            set_packing(c, g, t, true);
            cost_run_opt(c, g, t, &co, &r);
            SolveEntry with = *e;
            with.nwhy = 0;
            judge(&with, &r, o);
            bool limits = false;
            for (int k = 0; k < e->nwhy; k++)
                limits |= e->why[k].kind == WHY_PRICE || e->why[k].kind == WHY_POWER;
            e->compression = with.nwhy == 0 && !limits;
            set_packing(c, g, t, false);
        }
    }
    rank_by = o->rank;
    qsort(out->e, (size_t)out->n, sizeof *out->e, cmp_entry);
}
