/*
 * fuzz_report.c: the forward task, as `bnnc FILE --target T --report`
 * runs it: check, the passes for the target, the cost model, the text,
 * JSON, HTML and CSV reports and every layer's --explain.
 *
 * The input's first byte picks the target: with its top bit clear, one of
 * the standard catalog (read once, at start); with it set, the first
 * target the input itself declares that the cost model takes. The second byte picks the options: the
 * memory model, the threads, passes off (-O0), the report format, and
 * (bit 6) the HTML page and the CSV table, checked for inf and nan. The
 * rest is the .bnn text.
 */
#include "fuzz.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Ctx catalog;
static CostTarget *targets;
static int ntargets;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_ctx(&catalog);
    IrModule m = {0};
    if (!load_catalog(&catalog) || !sema_run(&catalog, &m))
        fuzz_fail("cannot load the standard target catalog", NULL);
    targets = mem_array(&catalog.arena, (size_t)m.targets.n, sizeof *targets);
    for (int i = 0; i < m.targets.n; i++)
        if (cost_target_quiet(&catalog, m.targets.v[i], &targets[ntargets]))
            ntargets++;
    if (ntargets == 0)
        fuzz_fail("no target in the catalog", NULL);
    return 0;
}

/* Every figure a report prints is finite and not negative: the target's
 * ranges (docs/language.md) keep them so. The one infinity is the rate of
 * a network whose estimate is 0 s, which the reports print as
 * "unbounded" and null. */
static void check_finite(const CostResult *r, const char *text) {
    double v[] = {r->time, r->lxnorop, r->overhead_time, r->time_binary, r->time_other};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        if (!isfinite(v[k]) || v[k] < 0)
            fuzz_fail("a total of the estimate is not a finite, non-negative number", text);
    if (!(isfinite(r->rate) ? r->rate > 0 : r->time == 0))
        fuzz_fail("the rate is not 1 / latency", text);
    for (int i = 0; i < r->n; i++) {
        const CostLayer *l = &r->layers[i];
        double f[] = {l->cycles, l->time, l->share, l->lxnorop, l->cyc_xnor, l->cyc_mem,
                      l->cyc_other, l->t_compute, l->t_traffic, l->act_traffic, l->wt_traffic,
                      l->loads, l->c_mem, l->util};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
            if (!isfinite(f[k]) || f[k] < 0)
                fuzz_fail("a layer's figure is not a finite, non-negative number", text);
    }
}

/* Whether s holds "inf" or "nan" as a word of its own (not "inference"). */
static bool has_nonfinite(const char *s) {
    static const char *const words[] = {"inf", "nan"};
    for (int w = 0; w < 2; w++)
        for (const char *p = s; (p = strstr(p, words[w])); p++) {
            char before = p > s ? p[-1] : ' ', after = p[3];
            if (!isalpha((unsigned char)before) && !isalpha((unsigned char)after))
                return true;
        }
    return false;
}

/* The HTML page and the CSV table of r: no inf or nan in either. */
static void check_html(const CostResult *r, const char *text) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return;
    report_html(m, r);
    report_csv(m, r);
    fclose(m);
    if (has_nonfinite(buf))
        fuzz_fail("inf or nan in the HTML or CSV report", text);
    free(buf);
}

/* The first target of m the cost model takes, into t. */
static bool own_target(Ctx *c, const IrModule *m, CostTarget *t) {
    for (int i = 0; i < m->targets.n; i++)
        if (cost_target(c, m->targets.v[i], t))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return -1;
    char *text = fuzz_text(data + 2, size - 2, 100000);
    if (!text)
        return -1;
    bool own_pick = data[0] & 0x80;
    unsigned opt = data[1];
    Ctx c;
    fuzz_ctx(&c);
    IrModule m = {0};
    CostTarget own;
    if (!load_source(&c, "fuzz.bnn", text) || !sema_run(&c, &m) || m.graphs.n == 0)
        goto done;
    if (!ir_verify(&c, &m, NULL))
        fuzz_fail("the IR of a checked program does not verify", text);
    const CostTarget *t = &targets[(data[0] & 0x7f) % ntargets];
    if (own_pick) {
        if (!own_target(&c, &m, &own))
            goto done;
        t = &own;
    }
    PassOptions po;
    pass_defaults(&po);
    if (opt & 8)
        for (int p = 0; p < PASS_COUNT; p++)
            po.on[p] = false;
    po.target = t;
    if (!pass_run(&c, &m, &po, fuzz_sink()))
        fuzz_fail("a pass failed on a checked program", text);
    MemModel model = (opt & 1) ? MEM_ROOFLINE : MEM_LXNOROP;
    int threads = (opt >> 1) & 3; /* 0: all cores */
    for (int i = 0; i < m.graphs.n; i++) {
        CostResult r;
        cost_run(&c, m.graphs.v[i], t, model, threads ? threads : t->cores, &r);
        check_finite(&r, text);
        FILE *out = fuzz_sink();
        if (opt & 16) {
            if (!report_json(out, &r))
                fuzz_fail("report_json failed", text);
        } else {
            report_text(out, &r);
        }
        if (opt & 32)
            for (int k = 0; k < r.n; k++)
                report_explain(out, &r, &r.layers[k]);
        if (opt & 64)
            check_html(&r, text);
    }
done:
    ctx_free(&c);
    free(text);
    return 0;
}
