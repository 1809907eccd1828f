/*
 * report.c: the forward-task report as text, --explain, --list-targets.
 *
 * The text report is for a person: one line per layer (shape, MACs,
 * XNOROP, utilisation, LXNOROP, memory level, cycles, time, share), then a
 * summary read at a glance (latency, rate, binary versus non-binary time,
 * the bottlenecks, what compression changed) and the memory footprint
 * with what fits where. Figures use three significant digits; the JSON
 * form (report_json.c) carries the exact values.
 */
#include "bnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void report_count(char *buf, size_t n, double v) {
    static const char *const pre[] = {"", " k", " M", " G", " T", " P"};
    int k = 0;
    double a = fabs(v);
    while (a >= 999.5 && k < 5) {
        a /= 1000;
        v /= 1000;
        k++;
    }
    if (k == 0 && v == floor(v))
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, a >= 99.95 ? "%.0f%s" : a >= 9.995 ? "%.1f%s" : "%.2f%s", v, pre[k]);
}

void report_num(char *buf, size_t n, double v) {
    double a = fabs(v);
    if (v == 0) {
        snprintf(buf, n, "0");
        return;
    }
    if (!isfinite(v) || a < 1e-6) { /* not in a report (ranges); never an exponent above */
        snprintf(buf, n, "%.3g", v);
        return;
    }
    int decimals = 3 - (int)floor(log10(a));
    if (decimals < 0)
        decimals = 0;
    snprintf(buf, n, "%.*f", decimals, v);
    /* No trailing zeros after a decimal point. */
    if (strchr(buf, '.')) {
        size_t l = strlen(buf);
        while (l > 0 && buf[l - 1] == '0')
            buf[--l] = 0;
        if (l > 0 && buf[l - 1] == '.')
            buf[--l] = 0;
    }
}

/* An --explain figure: six significant digits, never an exponent. */
static const char *fmt6(char *buf, double v) {
    if (fabs(v) >= 1e6)
        snprintf(buf, 40, "%.0f", v);
    else if (v == 0 || fabs(v) >= 1e-4)
        snprintf(buf, 40, "%.6g", v);
    else
        report_num(buf, 40, v);
    return buf;
}
#define G6(v) fmt6((char[40]){0}, (v))

void report_time(char *buf, size_t n, double s) {
    static const struct { const char *u; double f; } u[] = {
        {"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
    int k = 0;
    while (k < 3 && fabs(s) < 0.9995 * u[k].f)
        k++;
    double v = s / u[k].f;
    if (s == 0)
        snprintf(buf, n, "0 s");
    else
        snprintf(buf, n, v >= 99.95 ? "%.0f %s" : v >= 9.995 ? "%.1f %s" : "%.2f %s", v, u[k].u);
}

void report_layer_counts(const CostLayer *l, char *a, char *b, char *x, char *lx) {
    strcpy(a, "-");
    strcpy(b, "-");
    strcpy(x, "-");
    strcpy(lx, "-");
    if (l->bmacs)
        report_count(a, 32, (double)l->bmacs);
    if (l->fmacs)
        report_count(b, 32, (double)l->fmacs);
    if (ir_is_binary(l->n) || ir_is_bitserial(l->n)) {
        report_count(x, 32, (double)l->xnorop);
        report_count(lx, 32, l->lxnorop);
    }
}

void report_bytes(char *buf, size_t n, double b) {
    static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int k = 0;
    /* Three significant digits below 1000 of a unit: 1000 MiB and more is
     * written in GiB (0.98 GiB, never 1024 MiB beside 1.00 GiB). */
    while (fabs(b) >= 999.5 && k < 4) {
        b /= 1024;
        k++;
    }
    if (k == 0)
        snprintf(buf, n, "%.0f B", b);
    else
        snprintf(buf, n, fabs(b) >= 99.95 ? "%.0f %s" : fabs(b) >= 9.995 ? "%.1f %s" : "%.2f %s",
                 b, u[k]);
}

void report_freq(char *buf, size_t n, double hz) {
    if (hz >= 1e9)
        snprintf(buf, n, "%.4g GHz", hz / 1e9);
    else if (hz >= 1e6)
        snprintf(buf, n, "%.4g MHz", hz / 1e6);
    else
        snprintf(buf, n, "%.4g kHz", hz / 1e3);
}

const char *report_figures(const CostTarget *t) {
    if (!t->figures)
        return "the target does not say where they come from (property 'figures')";
    if (!strcmp(t->figures, "measured"))
        return "measured on its machine by bnnc calibrate";
    if (!strcmp(t->figures, "derived"))
        return "derived from instruction models of bnnc's kernels (tools/mca) and sourced "
               "memory figures";
    return "estimated from instruction tables, without a model of bnnc's kernels";
}

static const char *level_name(const CostTarget *t, int k) {
    return k >= 0 ? t->lv[k].name : "-";
}

static void print_header(FILE *f, const CostResult *r) {
    const CostTarget *t = r->t;
    char clk[96], mx[32], cx[32];
    report_freq(clk, sizeof clk, t->clock);
    report_num(cx, sizeof cx, t->c_x);
    if (t->max_clock > 0 && t->clock > t->max_clock) { /* --clock beyond the family */
        report_freq(mx, sizeof mx, t->max_clock);
        size_t l = strlen(clk);
        snprintf(clk + l, sizeof clk - l, " (above its max_clock, %s)", mx);
    }
    fprintf(f, "network %s on target %s: %d thread%s, memory model %s\n", r->g->name, t->name,
            r->threads, r->threads == 1 ? "" : "s", cost_model_names[r->model]);
    fprintf(f, "target: %s, %s, %d core%s, word %d bits, vector %d bits (%d lane%s), "
               "popcount %s, c_x = %s cycles per XNOROP\n",
            t->cls, clk, t->cores, t->cores == 1 ? "" : "s", t->word, t->vector, t->lanes,
            t->lanes == 1 ? "" : "s", t->sw_popcount ? "software" : "hardware", cx);
    fprintf(f, "figures: %s", report_figures(t));
    if (t->validated_error >= 0)
        fprintf(f, "; validated: within %.0f%% of the measurements of this device class in "
                   "docs/validation.md\n",
                100 * t->validated_error);
    else
        fputs("; not validated against measurements (docs/validation.md)\n", f);
}

void report_text(FILE *f, const CostResult *r) {
    const CostTarget *t = r->t;
    char a[32], b[32], x[32], lx[32], cy[32], tm[32], sh[64];
    print_header(f, r);
    int wname = 5;
    for (int i = 0; i < r->n; i++) {
        int len = (int)strlen(r->layers[i].n->name);
        if (len > wname)
            wname = len;
    }
    if (wname > 40)
        wname = 40;
    fputc('\n', f);
    fprintf(f, "%-*s  %-16s %-18s %8s %8s %8s %5s %8s %-5s %8s %9s %6s\n", wname, "layer", "op",
            "output", "bMACs", "fMACs", "XNOROP", "util", "LXNOROP", "mem", "cycles", "time",
            "share");
    for (int i = 0; i < r->n; i++) {
        const CostLayer *l = &r->layers[i];
        const IrNode *n = l->n;
        char shape[64];
        shape_format(shape, sizeof shape, &n->shape);
        snprintf(sh, sizeof sh, "%s%s", dtype_name(n->type), shape);
        bool bin = ir_is_binary(n) || ir_is_bitserial(n);
        report_layer_counts(l, a, b, x, lx);
        report_count(cy, sizeof cy, l->cycles);
        report_time(tm, sizeof tm, l->time);
        char util[16] = "-";
        if (bin)
            snprintf(util, sizeof util, "%.0f%%", l->util * 100);
        fprintf(f, "%-*.*s  %-16s %-18s %8s %8s %8s %5s %8s %-5s %8s %9s %5.1f%%\n", wname, wname,
                n->name, ir_op_label(n), sh, a, b, x, util, lx,
                level_name(t, l->level), cy, tm, l->share * 100);
    }
    report_count(a, sizeof a, (double)r->bmacs);
    report_count(b, sizeof b, (double)r->fmacs);
    report_count(x, sizeof x, (double)r->xnorop);
    report_count(lx, sizeof lx, r->lxnorop);
    report_time(tm, sizeof tm, r->time);
    fprintf(f, "%-*s  %-16s %-18s %8s %8s %8s %5s %8s %-5s %8s %9s %5.1f%%\n", wname, "total", "",
            "", a, b, x, "", lx, "", "", tm, 100.0);

    fputs("\nsummary\n", f);
    report_time(tm, sizeof tm, r->time);
    fprintf(f, "  latency        %s per inference", tm);
    if (r->overhead_time > 0) {
        report_time(a, sizeof a, r->overhead_time);
        fprintf(f, " (of which %s fixed overhead)", a);
    }
    fputc('\n', f);
    if (isfinite(r->rate)) {
        report_num(a, sizeof a, r->rate);
        fprintf(f, "  rate           %s inferences per second\n", a);
    }
    else /* nothing in the network costs anything on this target */
        fputs("  rate           unbounded: the estimate is 0 s per inference\n", f);
    report_time(a, sizeof a, r->time_binary);
    report_time(b, sizeof b, r->time_other);
    double tt = r->time > 0 ? r->time : 1;
    fprintf(f, "  binary         %s (%.1f%%) in %d binary layer%s; non-binary %s (%.1f%%)\n", a,
            100 * r->time_binary / tt, r->nbinary, r->nbinary == 1 ? "" : "s", b,
            100 * r->time_other / tt);
    /* The three layers that take the most time. */
    int top[3] = {-1, -1, -1};
    for (int i = 0; i < r->n; i++)
        for (int k = 0; k < 3; k++)
            if (top[k] < 0 || r->layers[i].time > r->layers[top[k]].time) {
                for (int j = 2; j > k; j--)
                    top[j] = top[j - 1];
                top[k] = i;
                break;
            }
    fputs("  bottlenecks   ", f);
    for (int k = 0; k < 3 && top[k] >= 0; k++)
        fprintf(f, "%s %s (%s) %.1f%%", k ? "," : "", r->layers[top[k]].n->name,
                ir_op_label(r->layers[top[k]].n), 100 * r->layers[top[k]].share);
    fputc('\n', f);
    if (r->nbinary) {
        report_count(a, sizeof a, (double)r->xnorop_before);
        report_count(b, sizeof b, (double)r->xnorop);
        fprintf(f, "  compression    XNOROP %s -> %s", a, b);
        if (r->xnorop < r->xnorop_before)
            fprintf(f, " (%.2fx fewer)", (double)r->xnorop_before / (double)r->xnorop);
        else
            fputs(" (unchanged)", f);
        int changed = 0;
        for (int i = 0; i < r->n; i++)
            changed += r->layers[i].words < r->layers[i].words_before;
        fprintf(f, ", %d of %d binary layer%s repacked\n", changed, r->nbinary,
                r->nbinary == 1 ? "" : "s");
    }

    fputs("\nmemory\n", f);
    /* Parameters, counted as larq's summary counts them. */
    report_count(a, sizeof a, (double)(r->params_binary + r->params_float));
    report_count(b, sizeof b, (double)r->params_binary);
    report_count(x, sizeof x, (double)r->params_float);
    report_count(lx, sizeof lx, (double)r->params_frozen);
    fprintf(f, "  parameters     %s (%s binary, %s float), %s non-trainable\n", a, b, x, lx);
    report_bytes(a, sizeof a, (double)r->weight_bytes);
    fprintf(f, "  packed weights %s\n", a);
    report_bytes(a, sizeof a, (double)r->param_bytes);
    fprintf(f, "  float params   %s\n", a);
    report_bytes(a, sizeof a, (double)r->act_bytes);
    report_bytes(b, sizeof b, (double)r->act_live);
    fprintf(f, "  activations    %s peak (arena; largest live set %s)\n", a, b);
    if (r->nfits == 0)
        fputs("  fits           unknown: the target declares no memory\n", f);
    for (int i = 0; i < r->nfits; i++) {
        const CostFit *fi = &r->fits[i];
        report_bytes(a, sizeof a, (double)fi->need);
        report_bytes(b, sizeof b, fi->have);
        double spare = fi->have - (double)fi->need;
        report_bytes(x, sizeof x, fabs(spare));
        fprintf(f, "  fits           %s %s in %s (%s): %s, %s %s\n", fi->what, a, fi->level, b,
                spare >= 0 ? "yes" : "NO", x, spare >= 0 ? "spare" : "over");
    }
}

/* One traffic term of --explain: bytes from a level over its bandwidth. */
static void traffic_line(FILE *f, const CostTarget *t, const char *what, const char *how,
                         double bytes, double per_pass, int k) {
    if (bytes <= 0 || k < 0)
        return;
    const CostLevel *v = &t->lv[k];
    char b[32], bw[48], tm[32];
    report_bytes(b, sizeof b, bytes);
    char nb[32];
    report_num(nb, sizeof nb, v->bw_cycle > 0 ? v->bw_cycle : v->bandwidth / 1e9);
    snprintf(bw, sizeof bw, "%s %s", nb, v->bw_cycle > 0 ? "B/cycle" : "GB/s");
    report_time(tm, sizeof tm, bytes / v->bandwidth);
    if (per_pass > 0)
        fprintf(f, "  %-19s = %s = %.0f B x %.0f = %s from %s at %s%s = %s\n", what, how, per_pass,
                bytes / per_pass, b, v->name, bw, v->bandwidth_given ? "" : " (derived)", tm);
    else
        fprintf(f, "  %-19s = %s = %s from %s at %s%s = %s\n", what, how, b, v->name, bw,
                v->bandwidth_given ? "" : " (derived)", tm);
}

void report_explain(FILE *f, const CostResult *r, const CostLayer *l) {
    const CostTarget *t = r->t;
    const IrNode *n = l->n;
    char shape[64], tm[32];
    shape_format(shape, sizeof shape, &n->shape);
    fprintf(f, "layer %s: %s -> %s%s on %s (memory model %s)\n", n->name, ir_op_label(n),
            dtype_name(n->type), shape, t->name, cost_model_names[r->model]);
    bool serial = ir_is_bitserial(n);
    if (ir_is_binary(n) || serial) {
        int64_t per = n->op == OP_BDENSE ? n->shape.d[0] : shape_elems(&n->shape);
        fprintf(f, "  N (dot length)      = %lld", (long long)l->fan_in);
        if (n->op == OP_BCONV2D)
            fprintf(f, " = %lld x %lld x %lld", (long long)n->at->v[A_KERNEL][0],
                    (long long)n->at->v[A_KERNEL][1],
                    (long long)(n->in[0]->shape.d[2] / n->at->v[A_GROUPS][0]));
        fputc('\n', f);
        fprintf(f, "  binary MACs         = outputs x N = %lld x %lld = %lld\n", (long long)per,
                (long long)l->fan_in, (long long)l->bmacs);
        if (serial)
            fprintf(f, "  packing             = dense (a u8 input, bit-serial: not compressed)\n");
        else
            fprintf(f, "  packing             = %s (uncompressed: kernel, %lld words)\n",
                    ir_packing_names[n->packing == PACK_NONE ? PACK_KERNEL : n->packing],
                    (long long)l->words_before);
        fprintf(f, "  words per output    = %lld of W = %d bits\n", (long long)l->words, t->word);
        fprintf(f, "  utilisation u       = N / (words x W) = %lld / (%lld x %d) = %.4f\n",
                (long long)l->fan_in, (long long)l->words, t->word, l->util);
        if (serial)
            fprintf(f, "  XNOROP              = outputs x words x bits = %lld x %lld x %d = %lld "
                       "(one pass per bit of the u8 input)\n",
                    (long long)per, (long long)l->words, ir_value_bits(n->in[0]),
                    (long long)l->xnorop);
        else
            fprintf(f, "  XNOROP              = outputs x words = %lld x %lld = %lld\n",
                    (long long)per, (long long)l->words, (long long)l->xnorop);
        fprintf(f, "  c_x                 = (xnor + popcount + accumulate) / lanes = "
                   "(%s + %s + %s) / %d = %s cycles\n",
                G6(t->xnor), G6(t->popcount), G6(t->accumulate), t->lanes, G6(t->c_x));
        fprintf(f, "  XNOR cycles         = XNOROP x c_x = %s\n", G6(l->cyc_xnor));
    } else if (l->fmacs) {
        fprintf(f, "  float MACs          = %lld\n", (long long)l->fmacs);
    }
    if (l->epilogue_what)
        fprintf(f, "  other cycles        = %s + %s = %s: %s + %s\n",
                G6(l->cyc_other - l->cyc_epilogue), G6(l->cyc_epilogue), G6(l->cyc_other),
                l->other_what, l->epilogue_what);
    else
        fprintf(f, "  other cycles        = %s: %s\n", G6(l->cyc_other), l->other_what);
    report_time(tm, sizeof tm, l->t_compute);
    if (l->threads > 1) /* the largest of N parts of u units (docs/cost-model.md) */
        fprintf(f, "  compute             = %s%s cycles x ceil(u / N) / u / (f x e) = %s x "
                   "ceil(%lld / %d) / %lld / (%s x %s) = %s\n",
                ir_is_binary(n) || serial ? "XNOR + other = " : "", G6(l->cyc_f), G6(l->cyc_f),
                (long long)l->units, r->threads, (long long)l->units, G6(t->clock),
                G6(t->efficiency), tm);
    else
        fprintf(f, "  compute             = %s%s cycles / (f x p x e) = %s / (%s x 1 x 1) = %s\n",
                ir_is_binary(n) || serial ? "XNOR + other = " : "", G6(l->cyc_f), G6(l->cyc_f),
                G6(t->clock), tm);
    fprintf(f, "  working set         = %lld B (weights %lld, inputs %lld, output %lld)\n",
            (long long)l->ws_bytes, (long long)(l->weight_bytes + l->param_bytes),
            (long long)l->in_bytes, (long long)l->out_bytes);
    bool roof = r->model == MEM_ROOFLINE;
    if (l->level >= 0 || l->wlevel >= 0)
        fprintf(f, "  memory levels       = %s (activations), %s (weights)\n",
                level_name(t, l->level), level_name(t, l->wlevel));
    double wb = (double)(l->weight_bytes + l->param_bytes);
    traffic_line(f, t, "activation traffic", roof ? "working set's activations once"
                                                    : "inputs + output, past the fastest level",
                 l->act_traffic, 0, l->level);
    char how[64] = "weights once";
    if (!roof && l->weight_passes > 1 && l->weight_passes < shape_pixels(&n->shape))
        snprintf(how, sizeof how, "weights x passes (one per %d positions)", EMIT_BCONV_BLOCK);
    else if (!roof && l->weight_passes > 1)
        snprintf(how, sizeof how, "weights x passes (one per position)");
    traffic_line(f, t, "weight traffic", how, l->wt_traffic,
                 !roof && l->weight_passes > 1 ? wb : 0, l->wlevel);
    report_time(tm, sizeof tm, l->t_traffic);
    fprintf(f, "  traffic             = %s\n", tm);
    char ct[32], bt[32];
    report_time(ct, sizeof ct, l->t_compute);
    report_time(bt, sizeof bt, l->t_traffic);
    report_time(tm, sizeof tm, l->time);
    if (roof || t->overlap)
        fprintf(f, "  time                = max(compute, traffic) = max(%s, %s) = %s (%.2f%% of the "
                   "total)%s\n",
                ct, bt, tm, 100 * l->share, roof ? "" : "; overlap = yes");
    else
        fprintf(f, "  time                = compute + traffic = %s + %s = %s (%.2f%% of the "
                   "total); overlap = no\n",
                ct, bt, tm, 100 * l->share);
    if (l->threads > 1) {
        char sy[32];
        report_time(sy, sizeof sy, t->sync_s ? t->sync_s : t->sync / t->clock);
        fprintf(f, "  sync                = %d bnn_parallel_for x %s, in the time (the barrier)\n",
                l->calls, sy);
    }
    fprintf(f, "  cycles (one core)   = %s (memory beyond compute %s)\n", G6(l->cycles),
            G6(l->cyc_mem));
    if ((ir_is_binary(n) || serial) && !roof)
        fprintf(f, "  LXNOROP             = XNOROP x (1 + loads x c_mem / c_x) = %lld x (1 + %s x "
                   "%s / %s) = %s\n"
                   "                        (loads: words past the fastest level per XNOROP; "
                   "c_mem: cycles each adds beyond compute)\n",
                (long long)l->xnorop, G6(l->loads), G6(l->c_mem), G6(t->c_x), G6(l->lxnorop));
}

void report_targets(FILE *f, const CostTarget *ts, int n) {
    fprintf(f, "%-16s %-11s %9s %5s %8s %-8s %7s %7s  %s\n", "target", "class", "clock", "cores",
            "word/vec", "popcount", "c_x", "price", "memories");
    for (int i = 0; i < n; i++) {
        const CostTarget *t = &ts[i];
        char clk[32], wv[32], price[48] = "-", mem[256] = "";
        report_freq(clk, sizeof clk, t->clock);
        snprintf(wv, sizeof wv, "%d/%d", t->word, t->vector);
        char cx[32], pn[32];
        report_num(cx, sizeof cx, t->c_x);
        if (t->price >= 0) {
            report_num(pn, sizeof pn, t->price);
            snprintf(price, sizeof price, "%s USD", pn);
        }
        size_t len = 0;
        for (int k = 0; k < t->nlv && len < sizeof mem; k++) {
            char sz[32];
            report_bytes(sz, sizeof sz, t->lv[k].size);
            len += (size_t)snprintf(mem + len, sizeof mem - len, "%s%s %s%s", k ? ", " : "",
                                    t->lv[k].name, sz, t->lv[k].holds_weights ? " (weights)" : "");
        }
        fprintf(f, "%-16s %-11s %9s %5d %8s %-8s %7s %7s  %s\n", t->name, t->cls, clk, t->cores,
                wv, t->sw_popcount ? "software" : "hardware", cx, price, mem);
    }
}
