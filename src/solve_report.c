/*
 * solve_report.c: the inverse task's answer, as text and as JSON.
 *
 * Text: the requirement, how many targets were searched and how many
 * qualify; a table of the feasible targets in the chosen order (rate,
 * margin, fewest threads, memory headroom, price, power); then each
 * rejected target with one line per reason and what would fix it. JSON
 * (docs/solve-schema.json) carries the same data in base units.
 */
#include "bnnc.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

static void threads_text(char *buf, size_t n, const SolveOptions *o) {
    if (o->threads == 0)
        snprintf(buf, n, "all cores of each target");
    else if (o->threads == 1)
        snprintf(buf, n, "1, what the code bnnc emits runs on; --threads N or auto for more");
    else
        snprintf(buf, n, "at most %d", o->threads);
}

void solve_price_power(const SolveEntry *e, char *pr, char *pw) {
    strcpy(pr, "-");
    strcpy(pw, "-");
    if (e->t.price >= 0) {
        report_num(pr, 32 - 4, e->t.price);
        strcat(pr, " USD");
    }
    if (e->t.power >= 0) {
        report_num(pw, 32 - 2, e->t.power);
        strcat(pw, " W");
    }
}

void solve_why_text(FILE *f, const SolveEntry *e, const SolveWhy *w, const SolveOptions *o) {
    char a[32], b[32], x[32];
    switch (w->kind) {
    case WHY_INCOMPLETE:
        fprintf(f, "      incomplete: %s\n", e->t.problem);
        break;
    case WHY_COMPUTE:
        report_count(a, sizeof a, e->rate);
        report_num(b, sizeof b, w->shortfall);
        report_num(x, sizeof x, o->rate);
        fprintf(f, "      too slow: %s inferences/s on %d thread%s, %sx short of %s\n", a,
                e->threads, e->threads == 1 ? "" : "s", b, x);
        report_freq(b, sizeof b, e->t.clock);
        if (w->min_clock > 0 && e->t.max_clock > 0 && w->min_clock > e->t.max_clock) {
            report_freq(a, sizeof a, w->min_clock);
            report_freq(x, sizeof x, e->t.max_clock);
            fprintf(f, "      would need a clock of %s, beyond the %s its family offers "
                       "(it has %s)", a, x, b);
            if (w->min_cores > 0)
                fprintf(f, "; would reach it with %d cores at %s (it has %d)", w->min_cores, b,
                        e->t.cores);
            fputc('\n', f);
        } else if (w->min_clock > 0) {
            report_freq(a, sizeof a, w->min_clock);
            fprintf(f, "      would reach it at a clock of %s (it has %s)", a, b);
            if (w->min_cores > 0)
                fprintf(f, ", or with %d cores at %s (it has %d)", w->min_cores, b, e->t.cores);
            fputc('\n', f);
        } else if (w->min_cores > 0) {
            fprintf(f, "      would reach it with %d cores at %s (it has %d); no clock alone "
                       "does (traffic over bandwidths in B/s)\n",
                    w->min_cores, b, e->t.cores);
        } else {
            fprintf(f, "      neither a faster clock (traffic over bandwidths in B/s) nor more "
                       "cores (layers with few rows) reaches it alone\n");
        }
        break;
    case WHY_MEMORY:
        report_bytes(a, sizeof a, (double)w->fit.need);
        report_bytes(b, sizeof b, w->fit.have);
        report_bytes(x, sizeof x, (double)w->fit.need - w->fit.have);
        fprintf(f, "      does not fit: %s %s in %s (%s), %s over\n", w->fit.what, a, w->fit.level,
                b, x);
        break;
    case WHY_PRICE:
    case WHY_POWER: {
        const char *what = w->kind == WHY_PRICE ? "price" : "power";
        const char *unit = w->kind == WHY_PRICE ? "USD" : "W";
        report_num(b, sizeof b, w->limit);
        if (w->value < 0) {
            fprintf(f, "      %s unknown, and --max-%s is %s %s\n", what, what, b, unit);
        } else {
            report_num(a, sizeof a, w->value);
            fprintf(f, "      %s %s %s over --max-%s %s %s\n", what, a, unit, what, b, unit);
        }
        break;
    }
    }
}

void solve_text(FILE *f, const IrGraph *g, const SolveOptions *o, const SolveResult *r) {
    char th[128], a[32], b[32], hr[64], pr[32], pw[32];
    threads_text(th, sizeof th, o);
    report_num(a, sizeof a, o->rate);
    fprintf(f, "network %s must reach %s inferences per second (memory model %s, threads: %s)\n",
            g->name, a, cost_model_names[o->model], th);
    fprintf(f, "searched %d target%s", r->searched, r->searched == 1 ? "" : "s");
    if (r->filtered)
        fprintf(f, " (%d left out by --class)", r->filtered);
    fprintf(f, ": %d reach%s it, %d do%s not\n", r->nfeasible, r->nfeasible == 1 ? "es" : "",
            r->n - r->nfeasible, r->n - r->nfeasible == 1 ? "es" : "");
    if (r->nfeasible) {
        fprintf(f, "\nfeasible, ranked by %s:\n", solve_rank_names[o->rank]);
        fprintf(f, "  %-16s %-11s %9s %9s %9s  %-24s %9s %9s\n", "target", "class", "rate/s",
                "margin", "threads", "memory headroom", "price", "power");
    }
    for (int i = 0; i < r->nfeasible; i++) {
        const SolveEntry *e = &r->e[i];
        char mg[32];
        if (isfinite(e->rate)) {
            report_count(a, sizeof a, e->rate);
            report_num(mg, sizeof mg - 1, e->margin);
            strcat(mg, "x");
        } else { /* an estimate of 0 s */
            snprintf(a, sizeof a, "unbounded");
            snprintf(mg, sizeof mg, "unbounded");
        }
        snprintf(b, sizeof b, "%d of %d", e->fewest, e->threads);
        if (e->headroom_level) {
            report_bytes(hr, sizeof hr, e->headroom);
            size_t l = strlen(hr);
            snprintf(hr + l, sizeof hr - l, " in %s", e->headroom_level);
        } else {
            snprintf(hr, sizeof hr, "unknown");
        }
        solve_price_power(e, pr, pw);
        fprintf(f, "  %-16s %-11s %9s %9s %9s  %-24s %9s %9s\n", e->t.name, e->t.cls, a, mg,
                b, hr, pr, pw);
    }
    if (r->n > r->nfeasible)
        fputs("\nrejected:\n", f);
    for (int i = r->nfeasible; i < r->n; i++) {
        const SolveEntry *e = &r->e[i];
        if (e->nwhy && e->why[0].kind == WHY_INCOMPLETE) {
            fprintf(f, "  %s\n", e->t.name);
        } else {
            report_freq(a, sizeof a, e->t.clock);
            fprintf(f, "  %s (%s, %s, %d core%s)\n", e->t.name, e->t.cls, a, e->t.cores,
                    e->t.cores == 1 ? "" : "s");
        }
        for (int k = 0; k < e->nwhy; k++)
            solve_why_text(f, e, &e->why[k], o);
        if (e->compression == 1)
            fputs("      turning compression on (-fcompress) would make it feasible\n", f);
    }
}

#define num report_json_num

static json_t *opt_num(double v) {
    return v >= 0 ? num(v) : json_null();
}

static json_t *why_json(const SolveEntry *e, const SolveWhy *w) {
    switch (w->kind) {
    case WHY_INCOMPLETE:
        return json_pack("{s:s, s:s}", "kind", "incomplete", "message", e->t.problem);
    case WHY_COMPUTE:
        return json_pack("{s:s, s:o, s:o, s:o, s:o}", "kind", "compute", "shortfall",
                         num(w->shortfall), "min_clock_hz",
                         w->min_clock > 0 ? num(w->min_clock) : json_null(), "max_clock_hz",
                         e->t.max_clock > 0 ? num(e->t.max_clock) : json_null(), "min_cores",
                         w->min_cores > 0 ? json_integer(w->min_cores) : json_null());
    case WHY_MEMORY:
        return json_pack("{s:s, s:s, s:s, s:I, s:o, s:o}", "kind", "memory", "what", w->fit.what,
                         "level", w->fit.level, "need_bytes", (json_int_t)w->fit.need,
                         "have_bytes", num(w->fit.have), "over_bytes",
                         num((double)w->fit.need - w->fit.have));
    case WHY_PRICE:
    case WHY_POWER:
        return json_pack("{s:s, s:o, s:o}", "kind", w->kind == WHY_PRICE ? "price" : "power",
                         "limit", num(w->limit), "value", opt_num(w->value));
    }
    return json_null();
}

bool solve_json(FILE *f, const IrGraph *g, const SolveOptions *o, const SolveResult *r) {
    json_t *feasible = json_array(), *rejected = json_array();
    for (int i = 0; i < r->n; i++) {
        const SolveEntry *e = &r->e[i];
        bool incomplete = e->nwhy && e->why[0].kind == WHY_INCOMPLETE;
        json_t *o1 = json_pack("{s:s, s:s}", "target", e->t.name, "class", e->t.cls);
        if (!incomplete) {
            json_object_set_new(o1, "clock_hz", num(e->t.clock));
            json_object_set_new(o1, "cores", json_integer(e->t.cores));
            json_object_set_new(o1, "price_usd", opt_num(e->t.price));
            json_object_set_new(o1, "power_w", opt_num(e->t.power));
            json_object_set_new(o1, "threads", json_integer(e->threads));
            json_object_set_new(o1, "rate_per_s", num(e->rate));
            json_object_set_new(o1, "margin", num(e->margin));
            json_object_set_new(o1, "headroom_bytes", e->headroom_level ? num(e->headroom)
                                                                        : json_null());
            json_object_set_new(o1, "headroom_level", e->headroom_level
                                                          ? json_string(e->headroom_level)
                                                          : json_null());
        }
        if (e->feasible) {
            json_object_set_new(o1, "fewest_threads", json_integer(e->fewest));
            json_array_append_new(feasible, o1);
            continue;
        }
        json_t *why = json_array();
        for (int k = 0; k < e->nwhy; k++)
            json_array_append_new(why, why_json(e, &e->why[k]));
        json_object_set_new(o1, "reasons", why);
        json_object_set_new(o1, "compression_would_fix",
                            e->compression < 0 ? json_null() : json_boolean(e->compression));
        json_array_append_new(rejected, o1);
    }
    json_t *classes = json_array();
    for (int i = 0; solve_class_names[i]; i++)
        if (!o->classes || ((o->classes >> i) & 1))
            json_array_append_new(classes, json_string(solve_class_names[i]));
    json_t *doc = json_pack(
        "{s:s, s:s, s:o, s:s, s:o, s:s, s:b, s:o, s:o, s:o, s:i, s:i, s:i, s:o, s:o}", "bnnc",
        BNNC_VERSION, "network", g->name, "required_rate_per_s", num(o->rate), "memory_model",
        cost_model_names[o->model], "threads", o->threads ? json_integer(o->threads)
                                                          : json_string("auto"),
        "rank", solve_rank_names[o->rank], "compression", o->compress, "max_price_usd",
        opt_num(o->max_price), "max_power_w", opt_num(o->max_power), "classes", classes,
        "searched", r->searched, "filtered", r->filtered, "qualifying", r->nfeasible, "feasible",
        feasible, "rejected", rejected);
    return report_json_write(f, doc);
}
