/*
 * bench.c: `bnnc bench FILE --target T`: the estimate against reality.
 *
 * Emits the network's C for the target with its timing points, writes a
 * driver that fills the inputs with random values, warms up, then times
 * whole inferences (NAME_invoke, in an arena of the driver's: the median
 * of the repetitions) and, in separate repetitions, every layer (the time
 * between its timing points, averaged),
 * builds both with the host's C compiler (-O3 -march=native), runs it, and
 * prints the measured and the estimated rates and their relative error,
 * for the network and for each layer. The estimate is the forward task on
 * as many threads as the code timed runs on (--threads N: the code of
 * emit_c_threads, each layer in N parts; the default one).
 */
#include "bnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The driver. NET is the network's C name. Whole inferences and layers
 * are timed in separate repetitions; each figure is a median. */
static const char driver[] =
    "#define _POSIX_C_SOURCE 199309L\n"
    "#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <time.h>\n"
    "#include NET_H\n"
    "#define CAT(a, b) a##b\n#define XCAT(a, b) CAT(a, b)\n"
    "/* The caller's arena (docs/codegen.md, \"The API\"). */\n"
    "#define ARENA_BYTES XCAT(NET_UP, _ARENA_BYTES)\n#define ARENA_ALIGN XCAT(NET_UP, _ARENA_ALIGN)\n"
    "static unsigned char mem[ARENA_BYTES + ARENA_ALIGN];\nstatic XCAT(NET, _ctx) ctx;\n"
    "#define INFER_V(in, out) XCAT(NET, _invoke_v)(&ctx, in, out)\n"
    "extern const int XCAT(NET, _num_layers);\n"
    "static double now(void)\n{\n    struct timespec t;\n"
    "    clock_gettime(CLOCK_MONOTONIC, &t);\n    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;\n}\n"
    "/* Per-layer samples of the current repetition, and all repetitions. */\n"
    "static int on, rep;\nstatic double last;\nstatic double *samples; /* [rep][layer] */\n"
    "#define NL XCAT(NET, _num_layers)\n"
    "void bnn_timing(int k)\n{\n    if (!on)\n        return;\n    double t = now();\n"
    "    if (k > 0)\n        samples[(long)rep * NL + k - 1] = t - last;\n    last = now();\n}\n"
    "static int cmp(const void *a, const void *b)\n{\n"
    "    double x = *(const double *)a, y = *(const double *)b;\n    return (x > y) - (x < y);\n}\n"
    "int main(int argc, char **argv)\n{\n"
    "    int reps = argc > 1 ? atoi(argv[1]) : 0;\n"
    "    const char *it = XCAT(NET, _input_types), *ot = XCAT(NET, _output_types);\n"
    "    void *in[64], *out[64];\n"
    "    int nin = (int)strlen(it), nout = (int)strlen(ot);\n"
    "    unsigned char *arena = mem + (ARENA_ALIGN - (uintptr_t)mem % ARENA_ALIGN) % ARENA_ALIGN;\n"
    "    if (XCAT(NET, _init)(&ctx, arena, ARENA_BYTES) != 0) {\n"
    "        fprintf(stderr, \"bench: the network's init failed\\n\");\n        return 1;\n    }\n"
    "    srand(1);\n"
    "    for (int i = 0; i < nin; i++) {\n"
    "        long n = XCAT(NET, _input_sizes)[i];\n"
    "        if (it[i] == 'f') {\n            float *p = malloc((size_t)n * sizeof *p);\n"
    "            for (long k = 0; k < n; k++)\n                p[k] = (float)rand() / RAND_MAX * 2 - 1;\n"
    "            in[i] = p;\n"
    "        } else {\n            unsigned char *p = malloc((size_t)n * 4);\n"
    "            for (long k = 0; k < n * 4; k++)\n                p[k] = (unsigned char)rand();\n"
    "            in[i] = p;\n        }\n    }\n"
    "    for (int i = 0; i < nout; i++)\n        out[i] = malloc((size_t)XCAT(NET, _output_sizes)[i] * 4 + 4);\n"
    "    double t0 = now();\n    int warm = 0;\n"
    "    while (warm < 3 || (now() - t0 < 0.3 && warm < 1000)) {\n"
    "        INFER_V((const void *const *)in, out);\n        warm++;\n    }\n"
    "    double one = (now() - t0) / warm;\n"
    "    if (reps <= 0)\n        reps = one > 0 ? (int)(0.3 / one) : 1000;\n"
    "    if (reps < 5)\n        reps = 5;\n    if (reps > 2000)\n        reps = 2000;\n"
    "    double *t = malloc((size_t)reps * sizeof *t);\n"
    "    samples = malloc((size_t)reps * NL * sizeof *samples);\n"
    "    printf(\"reps %d\\n\", reps);\n"
    "    /* Three rounds: the caller keeps the least of their medians (other\n"
    "     * programs on the machine only ever add time). */\n"
    "    for (int round = 0; round < 3; round++) {\n"
    "        on = 0;\n"
    "        for (int r = 0; r < reps; r++) {\n            double s = now();\n"
    "            INFER_V((const void *const *)in, out);\n            t[r] = now() - s;\n        }\n"
    "        qsort(t, (size_t)reps, sizeof *t, cmp);\n"
    "        printf(\"median %.9g\\n\", t[reps / 2]);\n"
    "        on = 1;\n"
    "        for (rep = 0; rep < reps; rep++)\n            INFER_V((const void *const *)in, out);\n"
    "        for (int k = 0; k < NL; k++) {\n"
    "            for (int r = 0; r < reps; r++)\n                t[r] = samples[(long)r * NL + k];\n"
    "            qsort(t, (size_t)reps, sizeof *t, cmp);\n"
    "            printf(\"layer %d %.9g\\n\", k + 1, t[reps / 2]);\n        }\n"
    "    }\n"
    "    return 0;\n}\n";

bool bench_measure(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w, int reps,
                   double *whole, int *nreps, double *layers, int nlayers) {
    return bench_measure_threads(c, g, t, w, reps, 1, whole, nreps, layers, nlayers);
}

bool bench_measure_threads(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w,
                           int reps, int threads, double *whole, int *nreps, double *layers,
                           int nlayers) {
    char *dir = host_tmpdir(c);
    if (!dir)
        return false;
    bool ok = false;
    char *out = mem_printf(&c->arena, "%s/out", dir);
    if (emit_c_threads(c, g, t, w, out, threads)) {
        const char *name = emit_name(c, g);
        char *drv = mem_printf(&c->arena, "%s/bench.c", dir);
        FILE *f = fopen(drv, "w");
        if (f) {
            char *up = mem_strdup(&c->arena, name);
            for (char *p = up; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 'a' + 'A');
            fprintf(f, "#define NET %s\n#define NET_UP %s\n#define NET_H \"%s/%s.h\"\n%s", name,
                    up, out, name, driver);
            fclose(f);
            const char *srcs[3] = {drv, mem_printf(&c->arena, "%s/%s.c", out, name),
                                   mem_printf(&c->arena, "%s/%s_weights.c", out, name)};
            char *prog = mem_printf(&c->arena, "%s/bench", dir);
            if (host_compile(c, dir, prog, srcs, 3)) {
                char reps_s[32];
                snprintf(reps_s, sizeof reps_s, "%d", reps);
                char *argv[] = {prog, reps_s, NULL};
                char *text = host_run(c, dir, argv);
                if (text) {
                    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                        int k;
                        double v;
                        if (sscanf(line, "median %lf", &v) == 1)
                            *whole = *whole > 0 && *whole < v ? *whole : v;
                        else if (sscanf(line, "reps %d", &k) == 1)
                            *nreps = k;
                        else if (sscanf(line, "layer %d %lf", &k, &v) == 2 && k >= 1 &&
                                 k <= nlayers && (layers[k - 1] <= 0 || v < layers[k - 1]))
                            layers[k - 1] = v;
                    }
                    ok = *whole > 0;
                }
            }
        }
    }
    host_rmtree(dir);
    return ok;
}

static double rel_err(double est, double meas) {
    return meas > 0 ? (est - meas) / meas : 0;
}

int bench_run(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w,
              const BenchOptions *o) {
    /* Timing code on a machine it was not written for says nothing about
     * the target: refuse before building anything. */
    if (!strcmp(t->cls, "mcu")) {
        diag_plain(c, "target '%s' is a microcontroller (class mcu): bnnc bench times the "
                      "emitted code on this machine, which is not one; --report estimates it, "
                      "and the code must be timed on the device",
                   t->name);
        return EXIT_INPUT;
    }
    if (!calibrate_host_runs(t->kernels)) {
        diag_plain(c, "target '%s' uses the %s kernels, which this machine does not run; "
                      "bnnc bench times the emitted code here, so it needs a target of this "
                      "machine (bnnc calibrate -o host.bnn, or the catalog entry of its core "
                      "with --clock host)",
                   t->name, t->kernels);
        return EXIT_INPUT;
    }
    CostResult r;
    cost_run(c, g, t, o->model, o->threads, &r);
    double *meas = mem_array(&c->arena, (size_t)r.n + 1, sizeof(double));
    double whole = 0;
    int reps = 0;
    if (!bench_measure_threads(c, g, t, w, o->reps, o->threads, &whole, &reps, meas, r.n))
        return EXIT_INPUT;
    double err = rel_err(r.time, whole);
    if (o->json) {
        printf("{\n  \"network\": \"%s\",\n  \"target\": \"%s\",\n  \"kernels\": \"%s\",\n"
               "  \"memory_model\": \"%s\",\n  \"reps\": %d,\n  \"measured_s\": %.9g,\n"
               "  \"estimated_s\": %.9g,\n  \"measured_rate_per_s\": %.9g,\n"
               "  \"estimated_rate_per_s\": %.9g,\n  \"error\": %.6f,\n  \"layers\": [\n",
               g->name, t->name, t->kernels, cost_model_names[o->model], reps, whole, r.time,
               1 / whole, r.rate, err);
        for (int i = 0; i < r.n; i++)
            printf("    {\"name\": \"%s\", \"op\": \"%s\", \"measured_s\": %.9g, "
                   "\"estimated_s\": %.9g}%s\n",
                   r.layers[i].n->name, ir_op_label(r.layers[i].n), meas[i],
                   r.layers[i].time, i + 1 < r.n ? "," : "");
        printf("  ]\n}\n");
        return EXIT_OK;
    }
    char a[32], b[32];
    printf("network %s on target %s (kernels %s, %d-bit words), %d thread%s, memory model %s\n",
           g->name, t->name, t->kernels, t->word, o->threads, o->threads == 1 ? "" : "s",
           cost_model_names[o->model]);
    printf("measured: the emitted C built with -O3 -march=native; the least of three medians "
           "of %d runs\n\n",
           reps);
    int wn = 5;
    for (int i = 0; i < r.n; i++)
        if ((int)strlen(r.layers[i].n->name) > wn)
            wn = (int)strlen(r.layers[i].n->name);
    if (wn > 40)
        wn = 40;
    printf("%-*s  %-16s %10s %10s %8s\n", wn, "layer", "op", "estimated", "measured", "error");
    double sum = 0;
    for (int i = 0; i < r.n; i++) {
        const CostLayer *l = &r.layers[i];
        report_time(a, sizeof a, l->time);
        report_time(b, sizeof b, meas[i]);
        sum += meas[i];
        printf("%-*.*s  %-16s %10s %10s %+7.1f%%\n", wn, wn, l->n->name, ir_op_label(l->n),
               a, b, 100 * rel_err(l->time, meas[i]));
    }
    report_time(a, sizeof a, r.time);
    report_time(b, sizeof b, whole);
    char mr[32], er[32];
    report_num(mr, sizeof mr, 1 / whole);
    report_num(er, sizeof er, r.rate);
    printf("\nmeasured   %s per inference, %s inferences per second\n", b, mr);
    printf("estimated  %s per inference, %s inferences per second\n", a, er);
    report_time(b, sizeof b, sum);
    printf("layers     %s: the sum of the layers' medians\n", b);
    /* Not "error:": a line that starts so reads as a diagnostic to tools. */
    printf("deviation  %+.1f%%: (estimated - measured) / measured\n", 100 * err);
    return EXIT_OK;
}
