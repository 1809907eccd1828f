/*
 * calibrate.c: `bnnc calibrate -o HOST.bnn`: a target description of the
 * machine bnnc runs on, from micro-benchmarks of the code bnnc emits.
 *
 * 1. What the system says: the popcount instructions (/proc/cpuinfo, or
 *    the architecture), the data caches (/sys/devices/system/cpu/cpu0/
 *    cache), the cores online, the memory (/proc/meminfo).
 * 2. A micro-benchmark program, built with the host's C compiler like the
 *    emitted code: the clock (a chain of dependent integer adds, one a
 *    cycle) and a working-set sweep of the emitter's own binary kernel
 *    (bnn_block_pop over weight arrays from 16 KiB to past the last
 *    cache), which gives the cycles per XNOROP when the weights stream
 *    from each memory level.
 * 3. Two networks emitted, built and timed layer by layer like `bnnc
 *    bench`: two binary convolutions that differ only in their input
 *    channels (so XNOROP changes and the outputs do not: the fit gives
 *    the cycles per XNOROP and per output), and one layer of every other
 *    operation, whose time per unit of work is its measured cost.
 * The description is written through outfile.c (replaced whole, or not at
 * all), each figure with a comment that says how it was measured or where
 * it was read. calibrate_run runs these as phases over one Calib record:
 * calib_probe (1), calib_sweep (2), calib_networks (3), calib_paths (the
 * other kernel paths and the last cache checked against the sweep), then
 * write_host.
 */
#define _GNU_SOURCE /* sysconf(_SC_LEVEL1_DCACHE_SIZE) */
#include "bnnc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The micro-benchmark: the clock, then the sweep sizes given as arguments. */
static const char micro[] =
    "#include <stdio.h>\n#include <stdlib.h>\n#include <time.h>\n"
    "static double now(void)\n{\n    struct timespec t;\n"
    "    clock_gettime(CLOCK_MONOTONIC, &t);\n    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;\n}\n"
    "/* Eight dependent adds an iteration: one cycle each; the loop's own\n"
    " * instructions run beside them. The addend is a register, not an\n"
    " * immediate: some cores (Intel's Golden Cove) fold chains of adds of\n"
    " * an immediate at rename, several a cycle. */\n"
    "static volatile uint64_t one = 1;\n"
    "static double clock_hz(void)\n{\n    uint64_t x = 0, y = one;\n    long n = 50000000;\n"
    "    double t0 = now();\n    for (long i = 0; i < n; i++) {\n"
    "#if defined(__x86_64__)\n"
    "        __asm__ volatile(\"add %1, %0\\n\\tadd %1, %0\\n\\tadd %1, %0\\n\\tadd %1, %0\\n\\t\"\n"
    "                         \"add %1, %0\\n\\tadd %1, %0\\n\\tadd %1, %0\\n\\tadd %1, %0\" : \"+r\"(x) : \"r\"(y));\n"
    "#elif defined(__aarch64__)\n"
    "        __asm__ volatile(\"add %0, %0, %1\\n\\tadd %0, %0, %1\\n\\tadd %0, %0, %1\\n\\tadd %0, %0, %1\\n\\t\"\n"
    "                         \"add %0, %0, %1\\n\\tadd %0, %0, %1\\n\\tadd %0, %0, %1\\n\\tadd %0, %0, %1\" : \"+r\"(x) : \"r\"(y));\n"
    "#else\n"
    "#error \"bnnc calibrate measures the clock on x86-64 and AArch64\"\n"
    "#endif\n    }\n    double t = now() - t0;\n"
    "    return x == 8u * (uint64_t)n ? 8.0 * (double)n / t : 0;\n}\n"
    "/* Float streaming: cycles per 8 bytes of a sum over `bytes` of floats\n"
    " * in 8 vectors of the widest registers (what a float kernel's loads do). */\n"
    "#if defined(__AVX512F__)\n#define FV 16\n#elif defined(__AVX__)\n#define FV 8\n#else\n#define FV 4\n#endif\n"
    "typedef float vf __attribute__((vector_size(FV * 4)));\n"
    "static double fstream(long bytes, double hz)\n{\n"
    "    long n = bytes / (long)(8 * sizeof(vf));\n    if (n < 1)\n        n = 1;\n"
    "    char *raw = malloc((size_t)n * 8 * sizeof(vf) + 64);\n    if (!raw)\n        return 0;\n"
    "    vf *v = (vf *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);\n"
    "    for (long i = 0; i < n * 8; i++)\n        v[i] = (vf){0} + (float)(i & 7);\n"
    "    vf s[8];\n    for (int k = 0; k < 8; k++)\n        s[k] = (vf){0};\n    double best = 1e30;\n"
    "    for (int r = 0; r < 5; r++) {\n"
    "        long passes = 0;\n        double t0 = now(), t;\n"
    "        do {\n"
    "            for (long i = 0; i < n; i++)\n"
    "                for (int k = 0; k < 8; k++)\n                    s[k] += v[i * 8 + k];\n"
    "            passes++;\n            t = now() - t0;\n"
    "        } while (t < 0.05);\n"
    "        double c = t * hz / ((double)passes * (double)n * (double)sizeof(vf));\n"
    "        if (c < best)\n            best = c;\n    }\n"
    "    float sink = 0;\n    for (int k = 0; k < 8; k++)\n        sink += s[k][0];\n"
    "    free(raw);\n    return sink == 1.5f ? best * 1.0000001 : best;\n}\n"
    "/* Float copying: cycles per 8 bytes moved (read or written) by y = x + c\n"
    " * over two arrays of `bytes` / 2 each (what an element-wise layer does). */\n"
    "static double cstream(long bytes, double hz)\n{\n"
    "    long n = bytes / (long)(2 * sizeof(vf));\n    if (n < 1)\n        n = 1;\n"
    "    char *raw = malloc((size_t)n * 2 * sizeof(vf) + 128);\n    if (!raw)\n        return 0;\n"
    "    vf *x = (vf *)(((uintptr_t)raw + 63) & ~(uintptr_t)63), *y = x + n;\n"
    "    for (long i = 0; i < n; i++)\n        x[i] = (vf){0} + (float)(i & 7);\n"
    "    double best = 1e30;\n    vf c = (vf){0} + 0.5f;\n"
    "    for (int r = 0; r < 5; r++) {\n"
    "        long passes = 0;\n        double t0 = now(), t;\n"
    "        do {\n"
    "            for (long i = 0; i < n; i++)\n                y[i] = x[i] + c;\n"
    "            __asm__ volatile(\"\" : : \"r\"(y) : \"memory\");\n"
    "            passes++;\n            t = now() - t0;\n"
    "        } while (t < 0.05);\n"
    "        double cy = t * hz * 8 / ((double)passes * (double)n * 2 * (double)sizeof(vf));\n"
    "        if (cy < best)\n            best = cy;\n    }\n"
    "    float sink = y[n - 1][0];\n"
    "    free(raw);\n    return sink == 1.5f ? best * 1.0000001 : best;\n}\n"
    "static uint64_t rnd = 88172645463325252u;\n"
    "static bnn_word next(void)\n{\n    rnd ^= rnd << 13;\n    rnd ^= rnd >> 7;\n    rnd ^= rnd << 17;\n"
    "    return (bnn_word)rnd;\n}\n"
    "int main(int argc, char **argv)\n{\n    double hz = 0;\n"
    "    /* --clock HZ: skip the clock's measurement (another kernel path). */\n"
    "    int k0 = 1;\n"
    "    if (argc > 2 && argv[1][0] == '-') {\n        hz = atof(argv[2]);\n        k0 = 3;\n    }\n"
    "    for (int r = 0; r < 3 && k0 == 1; r++) {\n        double h = clock_hz();\n        if (h > hz)\n            hz = h;\n    }\n"
    "    printf(\"clock %.6g\\n\", hz);\n    fflush(stdout);\n"
    "    const int words = 64;\n    bnn_word a[64];\n    for (int j = 0; j < words; j++)\n        a[j] = next();\n"
    "    int32_t pops[BNN_L], sink = 0;\n"
    "    for (int k = k0; k < argc; k++) {\n"
    "        long bytes = atol(argv[k]);\n"
    "        long nb = bytes / (long)(words * sizeof(bnn_word) * BNN_L);\n"
    "        if (nb < 1)\n            nb = 1;\n"
    "        long n = nb * words * BNN_L;\n"
    "        bnn_word *w = malloc((size_t)n * sizeof *w);\n"
    "        if (!w)\n            return 1;\n"
    "        for (long i = 0; i < n; i++)\n            w[i] = next();\n"
    "        double best = 1e30;\n"
    "        for (int r = 0; r < 5; r++) {\n"
    "            long passes = 0;\n            double t0 = now(), t;\n"
    "            do {\n"
    "                for (long b = 0; b < nb; b++) {\n"
    "                    bnn_block_pop(a, w + b * words * BNN_L, words, pops);\n"
    "                    sink += pops[0];\n                }\n"
    "                passes++;\n                t = now() - t0;\n"
    "            } while (t < 0.05);\n"
    "            double c = t * hz / ((double)passes * (double)n);\n"
    "            if (c < best)\n                best = c;\n        }\n"
    "        printf(\"sweep %ld %.6g\\n\", bytes, best);\n        fflush(stdout);\n"
    "        free(w);\n"
    "        if (k0 == 1) {\n"
    "            printf(\"fsweep %ld %.6g\\n\", bytes, fstream(bytes, hz));\n"
    "            printf(\"csweep %ld %.6g\\n\", bytes, cstream(bytes, hz));\n"
    "            fflush(stdout);\n"
    "        }\n"
    "    }\n    return sink == 12345 ? 3 : 0;\n}\n";

/* The calibration networks: binary convolutions for the fit, and one layer
 * of every other operation. The element-wise layers form a chain, each
 * reading what the one before wrote, on tensors of 128 KiB: they are timed
 * with their data in l2 (a layer whose data is further away pays the
 * level's cost per word on top, docs/cost-model.md). `gx` is a binary
 * convolution in dense packing: its time beyond the fit is the gather. */
static const char networks[] =
    "bnn 1;\n"
    "network calib_bconv {\n"
    "    input x1 : b1[56, 56, 64];\n"
    "    input x2 : b1[28, 28, 128];\n"
    "    input x3 : b1[14, 14, 256];\n"
    "    input x4 : b1[7, 7, 512];\n"
    "    input x5 : b1[28, 28, 64];\n"
    "    input x6 : b1[16, 16, 192];\n"
    "    a1 = bconv2d(x1, filters = 64, kernel = 3, padding = same_one);\n"
    "    a2 = bconv2d(x2, filters = 128, kernel = 3, padding = same_one);\n"
    "    a3 = bconv2d(x3, filters = 256, kernel = 3, padding = same_one);\n"
    "    a4 = bconv2d(x4, filters = 512, kernel = 3, padding = same_one);\n"
    "    a5 = bconv2d(x5, filters = 128, kernel = 3, stride = 2, padding = same_one);\n"
    "    a6 = bconv2d(x6, filters = 64, kernel = 3, padding = same_one);\n"
    "    output a1, a2, a3, a4, a5, a6;\n"
    "}\n"
    "network calib_ops {\n"
    "    input f : f32[8, 8, 64];\n"
    "    input g : f32[16, 16, 16];\n"
    "    input v : f32[784];\n"
    "    input e : f32[512];\n"
    "    input u : b1[1024];\n"
    "    input q : b1[16, 16, 128];\n"
    "    input r : b1[14, 14, 32];\n"
    "    input p : b1[8, 8, 100];\n"
    "    input z : f32[1000];\n"
    "    input g1 : f32[28, 28, 64];\n"
    "    input g7 : f32[32, 32, 3];\n"
    "    input w : b1[2048];\n"
    "    bn = batchnorm(f);\n"
    "    re = relu(bn);\n"
    "    pr = prelu(re);\n"
    "    ht = hardtanh(pr);\n"
    "    ad = add(ht, pr);\n"
    "    sg = sign(ad);\n"
    "    tf = sign(batchnorm(ad));\n"
    "    cc = concat(ad, ht);\n"
    "    mp = maxpool(ad, size = 2);\n"
    "    ap = avgpool(ad, size = 2);\n"
    "    dw = depthwise_conv2d(g1, kernel = 3, stride = 2, padding = same);\n"
    "    gp = global_avgpool(ad);\n"
    "    conv = conv2d(g, filters = 64, kernel = 3, padding = same);\n"
    "    conv1 = conv2d(g1, filters = 128, kernel = 1);\n"
    "    conv7 = conv2d(g7, filters = 64, kernel = 7, stride = 2, padding = same);\n"
    "    bcf = bconv2d(g, filters = 32, kernel = 3, padding = same);\n"
    "    qc = bconv2d(q, filters = 128, kernel = 1);\n"
    "    th = sign(batchnorm(qc));\n"
    "    gx = bconv2d(r, filters = 64, kernel = 3, padding = same_one);\n"
    "    fl = flatten(p);\n"
    "    de = dense(e, units = 100);\n"
    "    lg = dense(w, units = 10);\n"
    "    bf = bdense(v, units = 256);\n"
    "    bd = bdense(u, units = 256);\n"
    "    sm = softmax(z);\n"
    "    output sg, tf, cc, mp, ap, dw, gp, conv, th, gx, fl, de, bf, bd, sm,\n"
    "           conv1, conv7, lg, bcf;\n"
    "}\n";

typedef struct {
    const char *kernels;
    int vector;
    const char *why;
} Isa;

/* The kernel paths this processor runs, best first (/proc/cpuinfo). */
static int detect_isas(Isa *out) {
    int n = 0;
#if defined(__aarch64__)
    out[n++] = (Isa){"neon", 128, "AArch64: Advanced SIMD (CNT) is architectural"};
#else
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    bool vp = false, avx2 = false, pc = false;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        vp |= strstr(line, " avx512_vpopcntdq") != NULL;
        avx2 |= strstr(line, " avx2") != NULL;
        pc |= strstr(line, " popcnt") != NULL;
    }
    if (f)
        fclose(f);
    if (vp)
        out[n++] = (Isa){"avx512", 512, "avx512_vpopcntdq in /proc/cpuinfo"};
    if (avx2)
        out[n++] = (Isa){"avx2", 256, "avx2 in /proc/cpuinfo"};
    if (pc)
        out[n++] = (Isa){"popcnt", 64, "popcnt in /proc/cpuinfo"};
#endif
    out[n++] = (Isa){"portable", 64, "C99 only: a SWAR popcount"};
    return n;
}

/* Builds the micro-benchmark for kernels isa in dir (named by tag);
 * returns the program's path, or NULL after reporting. */
static char *build_micro(Ctx *c, const char *dir, const Isa *isa, const char *tag) {
    CostTarget kt = {0};
    kt.word = 64;
    kt.vector = isa->vector;
    kt.lanes = isa->vector / 64;
    kt.kernels = isa->kernels;
    char *src = mem_printf(&c->arena, "%s/micro-%s.c", dir, tag);
    FILE *f = fopen(src, "w");
    if (!f) {
        diag_plain(c, "cannot write '%s': %s", src, strerror(errno));
        return NULL;
    }
    fputs("#define _POSIX_C_SOURCE 199309L\n#include <stdint.h>\n", f);
    emit_kernels(c, &kt, f);
    fputs(micro, f);
    fclose(f);
    char *prog = mem_printf(&c->arena, "%s/micro-%s", dir, tag);
    const char *srcs[1] = {src};
    return host_compile(c, dir, prog, srcs, 1) ? prog : NULL;
}

typedef struct {
    int level;
    int64_t size;
} Cache;

/* Data and unified caches of cpu0, smallest level first. */
static int detect_caches(Cache *out, int max, const char **source) {
    int n = 0;
    *source = "/sys/devices/system/cpu/cpu0/cache";
    for (int i = 0; i < 16 && n < max; i++) {
        char path[128], buf[64];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        FILE *f = fopen(path, "r");
        if (!f)
            break;
        bool data = fgets(buf, sizeof buf, f) && strncmp(buf, "Instruction", 11) != 0;
        fclose(f);
        if (!data)
            continue;
        int level = 0;
        long size = 0;
        char unit = 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        if ((f = fopen(path, "r"))) {
            if (fscanf(f, "%d", &level) != 1)
                level = 0;
            fclose(f);
        }
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if ((f = fopen(path, "r"))) {
            if (fscanf(f, "%ld%c", &size, &unit) < 1)
                size = 0;
            fclose(f);
        }
        int64_t bytes = (int64_t)size * (unit == 'K' ? 1024 : unit == 'M' ? 1048576 : 1);
        if (level > 0 && bytes > 0)
            out[n++] = (Cache){level, bytes};
    }
#ifdef _SC_LEVEL1_DCACHE_SIZE
    /* No sysfs (some virtual machines): the C library reads CPUID. */
    static const int names[] = {_SC_LEVEL1_DCACHE_SIZE, _SC_LEVEL2_CACHE_SIZE,
                                _SC_LEVEL3_CACHE_SIZE, _SC_LEVEL4_CACHE_SIZE};
    if (n == 0)
        *source = "sysconf(): CPUID, as the C library reads it";
    for (int i = 0; n == 0 && i < 4; i++) {
        long size = sysconf(names[i]);
        for (int k = i; k < 4 && size > 0 && n < max; k++) {
            long s2 = sysconf(names[k]);
            if (s2 > 0)
                out[n++] = (Cache){k + 1, s2};
        }
        break;
    }
#endif
    return n;
}

static int64_t memory_bytes(void) {
    FILE *f = fopen("/proc/meminfo", "r");
    long kb = 0;
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemTotal: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return (int64_t)kb * 1024;
}

static double sweep_at(const double *size, const double *cyc, int n, double bytes) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (fabs(log(size[i] / bytes)) < fabs(log(size[best] / bytes)))
            best = i;
    return cyc[best];
}

/* The provisional target the networks are emitted and estimated for. */
static char *provisional(Ctx *c, const Isa *isa, double clock) {
    return mem_printf(&c->arena,
                      "bnn 1;\ntarget host {\n    clock = %.0f Hz; word = 64 bits; vector = %d bits;\n"
                      "    kernels = %s;\n    cost { xnor = 0 cycles; popcount = 1 cycle; "
                      "accumulate = 0 cycles; }\n}\n",
                      clock, isa->vector, isa->kernels);
}

static const IrGraph *graph_named(const IrModule *m, const char *name) {
    for (int i = 0; i < m->graphs.n; i++)
        if (!strcmp(((IrGraph *)m->graphs.v[i])->name, name))
            return m->graphs.v[i];
    return NULL;
}

/* Emits, builds and times network `name`; per-layer seconds into *times,
 * its estimate (for the units) into r. */
static bool time_network(Ctx *c, IrModule *m, const char *name, const CostTarget *t,
                         CostResult *r, double **times) {
    IrGraph *g = (IrGraph *)graph_named(m, name);
    Weights w;
    weights_random(c, g, 1, &w);
    PassOptions po;
    pass_defaults(&po);
    po.on[PASS_FUSE_EPI] = false; /* each layer timed on its own */
    po.target = t;
    IrModule one = {0};
    vec_push(&c->arena, &one.graphs, g);
    if (!pass_run(c, &one, &po, NULL))
        return false;
    cost_run(c, g, t, MEM_LXNOROP, 1, r);
    *times = mem_array(&c->arena, (size_t)r->n + 1, sizeof(double));
    double *again = mem_array(&c->arena, (size_t)r->n + 1, sizeof(double));
    double whole = 0;
    int reps;
    /* Twice, a few seconds apart, each layer's least time: on a shared
     * machine other programs only ever add time, and a busy spell rarely
     * covers both. */
    if (!bench_measure(c, g, t, &w, 0, &whole, &reps, *times, r->n) ||
        !bench_measure(c, g, t, &w, 0, &whole, &reps, again, r->n))
        return false;
    for (int i = 0; i < r->n; i++)
        if (again[i] > 0 && again[i] < (*times)[i])
            (*times)[i] = again[i];
    return true;
}

typedef struct {
    double cx;                 /* cycles per XNOROP */
    double kout;               /* bconv2d: cycles per output beyond XNOROPs */
    double conv_a, conv_b;     /* conv2d: per MAC, per position and tap */
    double gather;             /* per position and source word; < 0: none */
    const char *gather_layer;
    double unpack;             /* per input bit; < 0: none */
} Fits;

/* The fits over the calibration networks' per-layer cycles (measured, or
 * from an instruction model: the same formulas either way). */
static bool fit_costs(Ctx *c, const CostTarget *t, const CostResult *rb, const double *cb,
                      const CostResult *ro, const double *co, Fits *z) {
    /* The fit: t = c_x XNOROP + k outputs, least squares (no intercept)
     * over six layers of the shapes of BNN stages: 9 to 72 words per output,
     * 64 to 512 filters, one of stride 2. */
    double sxx = 0, sxo = 0, soo = 0, sxy = 0, soy = 0;
    for (int i = 0; i < rb->n; i++) {
        double xv = (double)rb->layers[i].xnorop, yv = cb[i];
        double ov = (double)shape_elems(&rb->layers[i].n->shape);
        sxx += xv * xv, sxo += xv * ov, soo += ov * ov, sxy += xv * yv, soy += ov * yv;
    }
    double det = sxx * soo - sxo * sxo;
    double cx = (sxy * soo - soy * sxo) / det;
    double kout = (soy * sxx - sxy * sxo) / det;
    if (cx <= 0) {
        diag_plain(c, "the binary convolutions did not time consistently (c_x %g); is the "
                      "machine busy? run bnnc calibrate again",
                   cx);
        return false;
    }
    if (kout < 0) { /* no cost per output to see: XNOROPs alone */
        kout = 0;
        cx = sxy / sxx;
    }
    /* Float conv2d: cycles = a MACs + b positions x taps, least squares
     * over three layers (3x3 with padding, 1x1, 7x7 of stride 2 on 3
     * channels), all with their weights in l1. */
    double conv_a = -1, conv_b = 0;
    {
        double s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
        int k = 0;
        for (int i = 0; i < ro->n; i++) {
            const IrNode *n = ro->layers[i].n;
            if (n->op != OP_CONV2D)
                continue;
            double x1 = (double)ro->layers[i].fmacs;
            double x2 = (double)(shape_elems(&n->shape) / shape_channels(&n->shape)) * (double)cost_taps(n);
            double y = co[i];
            s11 += x1 * x1, s12 += x1 * x2, s22 += x2 * x2, s1y += x1 * y, s2y += x2 * y;
            k++;
        }
        double d = s11 * s22 - s12 * s12;
        if (k >= 2 && d > 0) {
            conv_a = (s1y * s22 - s2y * s12) / d;
            conv_b = (s2y * s11 - s1y * s12) / d;
        }
        if (conv_b < 0 || conv_a <= 0) { /* no overhead to see: MACs alone */
            conv_a = s1y / s11;
            conv_b = 0;
        }
    }
    /* The gather: the dense-packed convolution's cycles beyond the fit,
     * per output position and source word (channel packing's words). */
    double gather = -1;
    const char *gather_layer = "";
    for (int i = 0; i < ro->n; i++) {
        const IrNode *n = ro->layers[i].n;
        if (n->op != OP_BCONV2D || !ir_is_binary(n) || n->packing != PACK_DENSE)
            continue;
        double src = (double)cost_words(n, PACK_CHANNEL, t->word);
        double pos = (double)(shape_elems(&n->shape) / shape_channels(&n->shape));
        double rest = co[i] - cx * (double)ro->layers[i].xnorop -
                      kout * (double)shape_elems(&n->shape);
        gather = fmax(0, rest / (pos * src));
        gather_layer = n->name;
    }
    /* The unpack: a float dense layer's cycles on a binary input beyond
     * its MACs at the cost per MAC of the one on a float input, per input. */
    double mac = -1, unpack = -1;
    for (int i = 0; i < ro->n; i++)
        if (ro->layers[i].n->op == OP_DENSE && ro->layers[i].n->in[0]->type == DT_F32)
            mac = co[i] / (double)ro->layers[i].fmacs;
    for (int i = 0; i < ro->n; i++) {
        const IrNode *n = ro->layers[i].n;
        if (cost_unpacks(n) && mac >= 0)
            unpack = fmax(0, (co[i] - mac * (double)ro->layers[i].fmacs) /
                                 (double)shape_elems(&n->in[0]->shape));
    }
    z->cx = cx;
    z->kout = kout;
    z->conv_a = conv_a;
    z->conv_b = conv_b;
    z->gather = gather;
    z->gather_layer = gather_layer;
    z->unpack = unpack;
    return true;
}

/* The cost section from the fits; `how` is "Measured" or "Derived", `by`
 * how the layers' cycles were had. */
static void write_cost(FILE *f, const Fits *z, int lanes, const char *how, const char *by) {
    fprintf(f, "    cost {\n");
    fprintf(f, "        # c_x = %.4g cycles per XNOROP. %s: six 3x3 bconv2d of the shapes\n"
               "        # of BNN stages (56x56x64 to 7x7x512, one of stride 2), %s;\n"
               "        # cycles = c_x XNOROP + k outputs, least squares. The three parts\n"
               "        # come together: all of it is given as popcount.\n",
            z->cx, how, by);
    fprintf(f, "        xnor = 0 cycles;\n        popcount = %.4g cycles;    # c_x x %d lanes\n"
               "        accumulate = 0 cycles;\n",
            z->cx * lanes, lanes);
    if (z->gather >= 0)
        fprintf(f, "        # %s: layer '%s', a 3x3 bconv2d in dense packing, less the fit:\n"
                   "        # cycles per output position and source word gathered.\n"
                   "        gather = %.4g cycles;\n",
                how, z->gather_layer, z->gather);
    fprintf(f, "        # %s: three float conv2d (3x3 padded, 1x1, 7x7 of stride 2),\n"
               "        # cycles = conv2d MACs + tap x positions x taps, least squares.\n"
               "        tap = %.4g cycles;\n",
            how, z->conv_b);
    if (z->unpack >= 0)
        fprintf(f, "        # %s: layer 'lg', a float dense on b1[2048] with 10 units, less\n"
                   "        # its MACs at the cost per MAC of layer 'de': cycles per input bit.\n"
                   "        unpack = %.4g cycles;\n",
                how, z->unpack);
    fprintf(f, "    }\n");
}

/* The ops section: each layer of calib_ops, its cycles over its units of
 * work; `what` opens the section's comment. */
static void write_ops(FILE *f, const Fits *z, const CostTarget *t, const CostResult *ro,
                      const double *co, const char *what) {
    fprintf(f, "    ops {\n        # %s; its cycles over its units of work.\n", what);
    fprintf(f, "        bconv2d = %.4g cycles;    # per output beyond its XNOROPs: k of the fit above\n",
            z->kout);
    for (int i = 0; i < ro->n; i++) {
        const CostLayer *l = &ro->layers[i];
        const IrNode *n = l->n;
        const char *unit;
        double units = cost_op_units(n, &unit);
        double cyc = co[i];
        const char *key = ops_table[n->op].name;
        bool fl = cost_float_variant(n);
        if (n->op == OP_BCONV2D && !fl)
            continue; /* the fit, and the gather */
        if (n->op == OP_CONV2D) {
            if (strcmp(n->name, "conv") == 0)
                fprintf(f, "        conv2d = %.4g cycles;    # per MAC, with tap above: the fit over "
                           "'conv', 'conv1', 'conv7'\n",
                        z->conv_a);
            continue;
        }
        if (ir_is_binary(n)) /* per output beyond XNOROPs */
            cyc -= (double)l->xnorop * z->cx;
        if (plan_is_view(n, t->word) || cost_unpacks(n))
            continue; /* a view; the unpack above */
        double v = units > 0 ? fmax(0, cyc / units) : 0;
        char shape[64];
        shape_format(shape, sizeof shape, &n->shape);
        fprintf(f, "        %s%s = %.4g cycles;    # %s: layer '%s' -> %s%s\n", key,
                fl ? "_float" : "", v, strstr(unit, "per ") ? strstr(unit, "per ") : unit,
                n->name, dtype_name(n->type), shape);
    }
    fprintf(f, "    }\n");
}

/* What bnnc calibrate found and measured, phase by phase (calibrate_run). */
typedef struct {
    Isa isas[4];               /* the kernel paths, best first */
    int nisa;
    Cache caches[8];           /* the data caches, fastest first */
    int ncache;
    const char *cache_source;  /* where their sizes were read */
    long cores;
    int64_t mem;               /* bytes of memory */
    double clock;              /* Hz, measured */
    /* The sweeps: bytes of the working set against cycles per weight word
     * (s), per 8 bytes of floats summed (f), per 8 bytes copied (c). */
    double ssize[32], scyc[32], fsize[32], fcyc[32], csize[32], ccyc[32];
    int ns, nf, nc;
    double vpath[4];           /* per kernel path: cycles per weight word in l1 */
    const char *last_note;     /* the last cache's size, corrected: why */
    CostTarget t;              /* the provisional target of the networks */
    CostResult ro;             /* calib_ops, estimated */
    double *co;                /* calib_ops: cycles per layer, measured */
    Fits z;
} Calib;

/* Phase 1, what the system says: kernel paths, caches, cores, memory.
 * False after reporting when the caches cannot be read. */
static bool calib_probe(Ctx *c, Calib *k) {
    k->nisa = detect_isas(k->isas);
    k->ncache = detect_caches(k->caches, 8, &k->cache_source);
    if (k->ncache == 0) {
        diag_plain(c, "cannot read the caches from /sys/devices/system/cpu/cpu0/cache");
        return false;
    }
    k->cores = sysconf(_SC_NPROCESSORS_ONLN);
    k->mem = memory_bytes();
    fprintf(stderr, "bnnc calibrate: %s kernels (%s), %d cache levels, %ld cores\n",
            k->isas[0].kernels, k->isas[0].why, k->ncache, k->cores);
    return true;
}

/* Phase 2, the micro-benchmark of the best kernel path, built and run in
 * dir: the clock and the three working-set sweeps. False after reporting
 * when it cannot be built or gives no clock or sweep. */
static bool calib_sweep(Ctx *c, const char *dir, Calib *k) {
    char *prog = build_micro(c, dir, &k->isas[0], "main");
    if (!prog)
        return false;
    /* Sizes: 16 KiB by factors of 4 to 4 times the last cache (at
     * least 64 MiB), and half of each cache. */
    char *argv[40];
    int na = 0;
    argv[na++] = prog;
    int64_t last = k->caches[k->ncache - 1].size * 4;
    if (last < ((int64_t)64 << 20))
        last = (int64_t)64 << 20;
    for (int64_t s = 16 << 10; s <= last && na < 30; s *= s < (1 << 20) ? 4 : 2)
        argv[na++] = mem_printf(&c->arena, "%lld", (long long)s);
    for (int i = 0; i < k->ncache && na < 38; i++)
        argv[na++] = mem_printf(&c->arena, "%lld", (long long)(k->caches[i].size / 2));
    argv[na] = NULL;
    fprintf(stderr, "bnnc calibrate: clock and memory sweep...\n");
    char *text = host_run(c, dir, argv);
    if (!text)
        return false;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        double a, b;
        if (sscanf(line, "clock %lf", &a) == 1)
            k->clock = a;
        else if (sscanf(line, "csweep %lf %lf", &a, &b) == 2 && k->nc < 32) {
            k->csize[k->nc] = a;
            k->ccyc[k->nc++] = b;
        } else if (sscanf(line, "fsweep %lf %lf", &a, &b) == 2 && k->nf < 32) {
            k->fsize[k->nf] = a;
            k->fcyc[k->nf++] = b;
        } else if (sscanf(line, "sweep %lf %lf", &a, &b) == 2 && k->ns < 32) {
            k->ssize[k->ns] = a;
            k->scyc[k->ns++] = b;
        }
    }
    if (k->clock <= 0 || k->ns == 0 || k->nf == 0 || k->nc == 0) {
        diag_plain(c, "the calibration program gave no clock or sweep");
        return false;
    }
    return true;
}

/* Phase 3, the networks: the calibration networks on a provisional
 * target at the measured clock, emitted, built and timed layer by layer,
 * then the fits (k->t, k->ro, k->co, k->z). False after reporting. */
static bool calib_networks(Ctx *c, IrModule *m, Calib *k) {
    fprintf(stderr, "bnnc calibrate: timing the binary convolutions and every operation...\n");
    if (!load_source(c, "<calibrate>", provisional(c, &k->isas[0], k->clock)) ||
        !load_source(c, "<calibrate>", networks) || !sema_run(c, m))
        return false;
    if (!cost_target(c, m->targets.v[0], &k->t))
        return false;
    CostResult rb;
    double *tb, *to;
    if (!time_network(c, m, "calib_bconv", &k->t, &rb, &tb) ||
        !time_network(c, m, "calib_ops", &k->t, &k->ro, &to))
        return false;
    /* Per-layer cycles at the measured clock. */
    double *cb = mem_array(&c->arena, (size_t)rb.n + 1, sizeof(double));
    k->co = mem_array(&c->arena, (size_t)k->ro.n + 1, sizeof(double));
    for (int i = 0; i < rb.n; i++)
        cb[i] = tb[i] * k->clock;
    for (int i = 0; i < k->ro.n; i++)
        k->co[i] = to[i] * k->clock;
    return fit_costs(c, &k->t, &rb, cb, &k->ro, k->co, &k->z);
}

/* Phase 4, the other kernel paths: the same micro-benchmark for each, on
 * weights in l1 (k->vpath; the first path's from its sweep). Then the
 * last cache's size, checked against the sweep: some virtual machines
 * report a cache far larger than the plateau of the curve, which ends at
 * twice the largest size that still costs less than 60% of the largest
 * size's cost (k->last_note says so). False after reporting. */
static bool calib_paths(Ctx *c, const char *dir, Calib *k) {
    k->vpath[0] = sweep_at(k->ssize, k->scyc, k->ns, (double)k->caches[0].size / 2);
    for (int p = 1; p < k->nisa; p++) {
        char *prog = build_micro(c, dir, &k->isas[p], k->isas[p].kernels);
        if (!prog)
            return false;
        char *argv[] = {prog, "--clock", mem_printf(&c->arena, "%.6g", k->clock),
                        mem_printf(&c->arena, "%lld", (long long)(k->caches[0].size / 2)), NULL};
        char *text = host_run(c, dir, argv);
        double a, b;
        for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n"))
            if (sscanf(line, "sweep %lf %lf", &a, &b) == 2)
                k->vpath[p] = b;
        if (k->vpath[p] <= 0) {
            diag_plain(c, "the %s kernels gave no measurement", k->isas[p].kernels);
            return false;
        }
    }
    double big = 0, vbig = 0, end = 0;
    for (int i = 0; i < k->ns; i++)
        if (k->ssize[i] > big)
            big = k->ssize[i], vbig = k->scyc[i];
    for (int i = 0; i < k->ns; i++)
        if (k->scyc[i] < 0.6 * vbig && k->ssize[i] > end)
            end = k->ssize[i];
    Cache *lc = &k->caches[k->ncache - 1];
    if (k->ncache > 1 && end > 0 && (double)lc->size > 4 * end) {
        k->last_note = mem_printf(&c->arena, "the system reports %lld KiB; the sweep's plateau "
                                             "ends near this",
                                  (long long)(lc->size / 1024));
        lc->size = (int64_t)(2 * end);
    }
    return true;
}

/* The description's opening comment: who measured it, and the sweeps. */
static void write_sweeps(FILE *f, const Calib *k, const char *name) {
    char when[64];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    fprintf(f, "bnn 1;\n\n# %s: this machine, measured by bnnc calibrate %s on %s.\n"
               "# Each figure says how it was measured or where it was read; the\n"
               "# measurements time the C bnnc emits, built with the host's compiler\n"
               "# (-O3 -march=native). Run bnnc calibrate again after any change.\n",
            name, BNNC_VERSION, when);
    fprintf(f, "#\n# The working-set sweep (bytes of binary weights: cycles per weight word):\n");
    for (int i = 0; i < k->ns; i++)
        fprintf(f, "#   %10.0f: %.4g\n", k->ssize[i], k->scyc[i]);
    fprintf(f, "#\n# The float streaming sweep (bytes of floats: cycles per 8 bytes summed):\n");
    for (int i = 0; i < k->nf; i++)
        fprintf(f, "#   %10.0f: %.4g\n", k->fsize[i], k->fcyc[i]);
    fprintf(f, "#\n# The float copy sweep (bytes of floats read and written: cycles per 8\n"
               "# bytes moved):\n");
    for (int i = 0; i < k->nc; i++)
        fprintf(f, "#   %10.0f: %.4g\n", k->csize[i], k->ccyc[i]);
}

/* The target's overlap property, from the sweeps: past L1 the binary
 * kernel takes either the larger of its L1 time and the read stream's
 * time per word (its loads overlap its compute) or their sum, whichever
 * it is nearer to; judged where the two differ most (the level where the
 * smaller of the two times is largest), a quarter into the level, away
 * from the edges of the curve. */
static void write_overlap(FILE *f, const Calib *k) {
    double v1w = sweep_at(k->ssize, k->scyc, k->ns, (double)k->caches[0].size / 2);
    double at = 0, sep = -1;
    for (int i = 1; i <= k->ncache; i++) {
        double b = i < k->ncache ? (double)k->caches[i].size / 4 : 1e15;
        double fs = sweep_at(k->fsize, k->fcyc, k->nf, b);
        if (fmin(v1w, fs) > sep)
            sep = fmin(v1w, fs), at = b;
    }
    double vb = sweep_at(k->ssize, k->scyc, k->ns, at), fb = sweep_at(k->fsize, k->fcyc, k->nf, at);
    double tmax = fmax(v1w, fb), tsum = v1w + fb;
    bool ov = fabs(vb - tmax) <= fabs(vb - tsum);
    fprintf(f, "    overlap = %s;    # measured: over %.0f KiB the binary kernel takes %.4g cycles\n"
               "                      # a word; max(l1 %.4g, stream %.4g) = %.4g, their sum %.4g\n",
            ov ? "yes" : "no", at / 1024, vb, v1w, fb, tmax, tsum);
}

/* The memory section: a level's bandwidth is the bytes a float copy
 * moves (read and written) over a working set of half the level's size;
 * dram's, over the largest working set. */
static void write_memory(FILE *f, const Calib *k) {
    fprintf(f, "    memory {\n");
    for (int i = 0; i < k->ncache; i++) {
        double at = (double)k->caches[i].size / 2;
        double v = sweep_at(k->ssize, k->scyc, k->ns, at);
        double fv = sweep_at(k->fsize, k->fcyc, k->nf, at);
        double cv = sweep_at(k->csize, k->ccyc, k->nc, at);
        fprintf(f, "        l%d {\n            size = %lld KiB;    # %s\n"
                   "            bandwidth = %.4g GB/s;    # measured: a float copy moves 8 B per %.4g cycles\n"
                   "                                      # over %lld KiB (a float sum reads 8 B per %.4g,\n"
                   "                                      # the binary kernel %.4g cycles per weight word)\n"
                   "        }\n",
                k->caches[i].level, (long long)(k->caches[i].size / 1024),
                i == k->ncache - 1 && k->last_note ? k->last_note : k->cache_source,
                8.0 * k->clock / cv / 1e9, cv, (long long)(k->caches[i].size / 2048), fv, v);
    }
    double vd = k->scyc[0];
    double dsz = k->ssize[0];
    double fd = sweep_at(k->fsize, k->fcyc, k->nf, 1e15);
    double cd = sweep_at(k->csize, k->ccyc, k->nc, 1e15);
    for (int i = 0; i < k->ns; i++)
        if (k->ssize[i] > dsz)
            dsz = k->ssize[i], vd = k->scyc[i];
    fprintf(f, "        dram {\n            size = %lld MiB;    # /proc/meminfo MemTotal\n"
               "            bandwidth = %.4g GB/s;    # measured: a float copy moves 8 B per %.4g cycles\n"
               "                                      # over %lld MiB (a float sum reads 8 B per %.4g,\n"
               "                                      # the binary kernel %.4g cycles per weight word)\n"
               "        }\n    }\n",
            (long long)(k->mem >> 20), 8.0 * k->clock / cd / 1e9, cd, (long long)(dsz / 1048576),
            fd, vd);
}

/* Phase 5, the description: target `name` (and one derived target per
 * other kernel path) written to f, each figure with how it was measured
 * or where it was read. */
static void write_host(FILE *f, const Calib *k, const char *name) {
    const Isa *isa = &k->isas[0];
    int lanes = isa->vector / 64;
    write_sweeps(f, k, name);
    fprintf(f, "target %s {\n", name);
    fprintf(f, "    class = %s;\n", !strcmp(isa->kernels, "neon") ? "application" : "desktop");
    fprintf(f, "    clock = %.4g GHz;    # measured: 8 dependent adds an iteration, best of 3\n",
            k->clock / 1e9);
    fprintf(f, "    cores = %ld;    # sysconf(_SC_NPROCESSORS_ONLN)\n", k->cores > 0 ? k->cores : 1);
    fprintf(f, "    sync = 0.5 us;    # estimate: one bnn_parallel_for, bench/barrier.c on the 2-vCPU "
               "x86 host (docs/benchmarks.md); not measured by bnnc calibrate\n");
    fprintf(f, "    figures = measured;    # every figure below was measured on this machine\n");
    write_overlap(f, k);
    fprintf(f, "    word = 64 bits;\n    vector = %d bits;    # %s\n    lanes = %d;\n",
            isa->vector, isa->why, lanes);
    fprintf(f, "    kernels = %s;    # %s\n", isa->kernels, isa->why);
    fprintf(f, "    popcount = hardware;\n");
    write_cost(f, &k->z, lanes, "Measured", "timed layer by layer");
    write_memory(f, k);
    write_ops(f, &k->z, &k->t, &k->ro, k->co,
              "Measured: one layer of each operation, emitted, built and timed\n"
              "        # layer by layer");
    fprintf(f, "}\n");
    double v1 = k->vpath[0];
    if (k->nisa > 1)
        fprintf(f, "\n# The other kernel paths of this machine: the same kernel on weights in\n"
                   "# l1, c_x scaled by the ratio of their cycles per weight word to the\n"
                   "# first path's (%.4g); the other figures as for %s.\n",
                v1, name);
    for (int p = 1; p < k->nisa; p++) {
        double cxk = k->z.cx * k->vpath[p] / v1;
        int lk = k->isas[p].vector / 64;
        fprintf(f, "target %s-%s : %s {\n    kernels = %s;    # %s\n    vector = %d bits;\n"
                   "    lanes = %d;\n"
                   "    cost { popcount = %.4g cycles; }    # measured: %.4g cycles per weight word, "
                   "c_x = %.4g x %d lanes\n}\n",
                name, k->isas[p].kernels, name, k->isas[p].kernels, k->isas[p].why,
                k->isas[p].vector, lk, cxk * lk, k->vpath[p], cxk, lk);
    }
}

/* bnnc calibrate -o out_path --name name: the phases in order, in a
 * temporary folder removed at the end; the description is written through
 * outfile.c (replaced whole, or not at all), nothing after an error. */
int calibrate_run(Ctx *c, const char *out_path, const char *name) {
    /* Fail now, not after a minute of measurements, if the file cannot be
     * written. */
    if (!out_check(c, out_path))
        return EXIT_INPUT;
    Calib *k = mem_alloc(&c->arena, sizeof *k);
    if (!calib_probe(c, k))
        return EXIT_INPUT;
    char *dir = host_tmpdir(c);
    if (!dir)
        return EXIT_INPUT;
    int rc = EXIT_INPUT;
    IrModule m = {0};
    OutFile of;
    if (calib_sweep(c, dir, k) && calib_networks(c, &m, k) && calib_paths(c, dir, k) &&
        out_open(c, &of, out_path)) {
        write_host(of.f, k, name);
        if (out_commit(c, &of, 1)) {
            fprintf(stderr, "bnnc calibrate: wrote %s (clock %.4g GHz, c_x %.4g cycles per "
                            "XNOROP)\n",
                    out_path, k->clock / 1e9, k->z.cx);
            rc = EXIT_OK;
        }
    }
    host_rmtree(dir);
    return rc;
}

const char *calibrate_networks(void) {
    return networks;
}

/* The passes of `bnnc calibrate` on network `name`, for target t, and the
 * estimate that gives each layer its units of work. */
static IrGraph *prepare(Ctx *c, IrModule *m, const char *name, const CostTarget *t,
                        CostResult *r) {
    IrGraph *g = (IrGraph *)graph_named(m, name);
    PassOptions po;
    pass_defaults(&po);
    po.on[PASS_FUSE_EPI] = false; /* each layer timed on its own */
    po.target = t;
    IrModule one = {0};
    vec_push(&c->arena, &one.graphs, g);
    if (!g || !pass_run(c, &one, &po, NULL))
        return NULL;
    cost_run(c, g, t, MEM_LXNOROP, 1, r);
    return g;
}

/* Reads "NETWORK K CYCLES" lines (K: the layer's timing point, 1 up) into
 * the cycles of networks calib_bconv and calib_ops; every layer must have
 * exactly one line. */
static bool read_cycles(Ctx *c, const char *path, const CostResult *rb, double *cb,
                        const CostResult *ro, double *co) {
    FILE *f = fopen(path, "r");
    if (!f) {
        diag_plain(c, "cannot read '%s': %s", path, strerror(errno));
        return false;
    }
    char line[256];
    int lineno = 0, seen_b = 0, seen_o = 0;
    bool ok = true;
    for (int i = 0; i < rb->n; i++)
        cb[i] = -1;
    for (int i = 0; i < ro->n; i++)
        co[i] = -1;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char net[64];
        int k;
        double v;
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == 0)
            continue;
        if (sscanf(line, "%63s %d %lf", net, &k, &v) != 3 || !isfinite(v) || v < 0) {
            diag_plain(c, "%s:%d: expected 'NETWORK LAYER CYCLES'", path, lineno);
            ok = false;
            break;
        }
        bool bc = !strcmp(net, "calib_bconv"), op = !strcmp(net, "calib_ops");
        const CostResult *r = bc ? rb : ro;
        double *dst = bc ? cb : co;
        if ((!bc && !op) || k < 1 || k > r->n || dst[k - 1] >= 0) {
            diag_plain(c, "%s:%d: no layer %d of network '%s', or given twice", path, lineno, k,
                       net);
            ok = false;
            break;
        }
        dst[k - 1] = v;
        seen_b += bc;
        seen_o += op;
    }
    fclose(f);
    if (ok && (seen_b != rb->n || seen_o != ro->n)) {
        diag_plain(c, "'%s' gives %d of the %d layers of calib_bconv and %d of the %d of "
                      "calib_ops",
                   path, seen_b, rb->n, seen_o, ro->n);
        ok = false;
    }
    return ok;
}

int calibrate_derive(Ctx *c, const char *cycles, const char *target, const char *out_path,
                     const char *source) {
    IrModule m = {0};
    bool file = strchr(target, '/') || (strlen(target) > 4 &&
                                        !strcmp(target + strlen(target) - 4, ".bnn"));
    int first = c->files.n;
    if (!load_source(c, "<calibrate>", networks) ||
        !(file ? load_program(c, target) : load_catalog(c)) || !sema_run(c, &m))
        return EXIT_INPUT;
    const char *name = target;
    if (file) { /* its first target */
        name = NULL;
        for (int i = 0; i < c->decls.n && !name; i++) {
            Decl *d = c->decls.v[i];
            if (d->file > first && d->ast->kind == AST_TARGET)
                name = d->ast->name;
        }
    }
    const IrTarget *it = NULL;
    for (int i = 0; name && i < m.targets.n; i++)
        if (!strcmp(((IrTarget *)m.targets.v[i])->name, name))
            it = m.targets.v[i];
    if (!it) {
        diag_plain(c, "unknown target '%s'", target);
        return EXIT_INPUT;
    }
    CostTarget t;
    CostResult rb, ro;
    if (!cost_target(c, it, &t) || !prepare(c, &m, "calib_bconv", &t, &rb) ||
        !prepare(c, &m, "calib_ops", &t, &ro))
        return EXIT_INPUT;
    double *cb = mem_array(&c->arena, (size_t)rb.n + 1, sizeof(double));
    double *co = mem_array(&c->arena, (size_t)ro.n + 1, sizeof(double));
    Fits z;
    if (!read_cycles(c, cycles, &rb, cb, &ro, co) || !fit_costs(c, &t, &rb, cb, &ro, co, &z))
        return EXIT_INPUT;
    OutFile of;
    if (out_path && !out_open(c, &of, out_path))
        return EXIT_INPUT;
    FILE *f = out_path ? of.f : stdout;
    fprintf(f, "    # Derived by bnnc calibrate --from: the cycles of the calibration networks'\n"
               "    # layers (bnnc calibrate --networks) emitted for %s, from %s.\n",
            t.name, source);
    write_cost(f, &z, t.lanes, "Derived", "cycles from the instruction model");
    write_ops(f, &z, &t, &ro, co, "Derived: one layer of each operation, emitted, its cycles from\n"
                                 "        # the instruction model");
    if (out_path && !out_commit(c, &of, 1))
        return EXIT_INPUT;
    return EXIT_OK;
}

bool calibrate_clock(Ctx *c, double *hz) {
    Isa isas[4];
    detect_isas(isas);
    char *dir = host_tmpdir(c);
    if (!dir)
        return false;
    bool ok = false;
    char *prog = build_micro(c, dir, &isas[0], "clock");
    if (prog) {
        char *argv[] = {prog, NULL};
        char *text = host_run(c, dir, argv);
        double v;
        if (text && sscanf(text, "clock %lf", &v) == 1 && v > 0) {
            *hz = v;
            ok = true;
        } else {
            diag_plain(c, "the clock measurement gave no clock");
        }
    }
    host_rmtree(dir);
    return ok;
}

bool calibrate_host_runs(const char *kernels) {
    if (!strcmp(kernels, "portable") || !strcmp(kernels, "swar") || !strcmp(kernels, "builtin"))
        return true;
    Isa isas[4];
    int n = detect_isas(isas);
    for (int i = 0; i < n; i++)
        if (!strcmp(isas[i].kernels, kernels))
            return true;
    return false;
}
