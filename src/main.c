/*
 * main.c: the bnnc driver.
 *
 * Parses the command line, then runs the pipeline as a straight list of
 * calls: load (read, validate, parse, imports; the standard target catalog
 * when a target is named) -> sema (IR) -> verify -> passes (each verified)
 * -> the requested output: the IR, the forward-task report, one layer's
 * formula, or the target catalog. Exit status: 0 ok, 1 errors in the
 * input, 2 bad usage, 70 internal error (docs/bnnc.1).
 */
#include "bnnc.h"
#include "import.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The commands of this file: the text of their --help around the
 * options of cli_options (cli.c). */
static const CliCmd bnnc_cmd = {
    "bnnc", CMD_BNNC,
    "usage: bnnc [options] FILE\n"
    "       bnnc FILE --target T --report [--format text|json|html|csv] [--output F]\n"
    "       bnnc FILE --target T --emit c -o DIR [--weights W.safetensors | --seed N]\n"
    "       bnnc [FILE] --solve-fps R [--rank margin|price|power|fps] [--format html]\n"
    "       bnnc bench FILE --target T [--reps N] [--clock F|host] [--threads N]\n"
    "                  [--format json]\n"
    "       bnnc calibrate -o HOST.bnn [--name NAME]   (bnnc calibrate --help)\n"
    "       bnnc run FILE (--weights W | --seed S) --input X.npy --output Y.npy\n"
    "                                                 (bnnc run --help)\n"
    "       bnnc import MODEL -o DIR                  (bnnc import --help)\n"
    "       bnnc weights FILE [--template W.safetensors [--seed S]]\n"
    "                                                 (bnnc weights --help)\n"
    "       bnnc --list-targets [FILE]\n"
    "\n"
    "Checks a .bnn file (a network, block and target description) and exits\n"
    "0 without output when it is valid. FILE may be '-' for standard input.\n"
    "With --target, estimates the network's inference rate on a device with\n"
    "the XNOROP/LXNOROP cost model (docs/cost-model.md); with --solve-fps,\n"
    "finds the targets that reach a rate. Without FILE, --solve-fps reads the\n"
    "model piped on standard input, else the one *.bnn file in this folder.\n"
    "\n"
    "options:\n",
    "\n"
    "environment:\n"
    "  BNNC_PATH          ':'-separated folders searched for imports\n"
    "  BNNC_STDLIB        the standard library folder (in use: %s)\n"
    "  NO_COLOR           when set and not empty, no colour in auto mode\n"
    "\n"
    "exit status: 0 ok, 1 errors in the input, 2 bad usage, 3 no target\n"
    "reaches the --solve-fps rate, 70 internal error\n"};

/* bnnc bench: bnnc's parser, bnnc's names in messages, its own --help. */
static const CliCmd bench_cmd = {
    "bnnc", CMD_BENCH,
    "usage: bnnc bench FILE --target T [--reps N] [--clock F|host] [--threads N]\n"
    "                  [--memory-model M]\n"
    "                  [--weights W.safetensors | --seed N] [--network NAME]\n"
    "                  [--format json] [-fPASS | -fno-PASS | -O0 | -O1] [-I DIR]\n"
    "\n"
    "Emits the network's C for the target with a timing point after every\n"
    "layer, builds it with $CC (default cc) -O3 -march=native, runs it on this\n"
    "machine and prints, per layer and for the network, the estimated and the\n"
    "measured time and the deviation (estimated - measured) / measured\n"
    "(docs/measured.md). The target's kernels must run on this machine.\n"
    "\n",
    "\n"
    "exit status: 0 ok, 1 errors in the input or a build or run that failed,\n"
    "2 bad usage, 70 internal error\n"};

static const CliCmd calibrate_cmd = {
    "bnnc calibrate", CMD_CALIBRATE,
    "usage: bnnc calibrate -o HOST.bnn [--name NAME]\n"
    "       bnnc calibrate --networks\n"
    "       bnnc calibrate --from CYCLES --target T [-o FILE] [--source TEXT]\n\n"
    "Measures this machine (clock, the binary kernels bnnc emits, the\n"
    "memory levels, every operation) and writes a target description\n"
    "of it, target NAME (default host), to HOST.bnn. It builds and runs\n"
    "C programs with $CC (default cc) and takes about a minute.\n\n"
    "--networks prints the calibration networks. --from reads the cycles\n"
    "of their layers, had elsewhere (lines 'NETWORK LAYER CYCLES', LAYER\n"
    "the timing point from 1; tools/mca derives them from llvm-mca), fits\n"
    "them like a measurement and writes target T's cost and ops sections.\n"
    "\n"
    "options:\n",
    ""};
typedef enum { FMT_TEXT, FMT_JSON, FMT_HTML, FMT_CSV } ReportFormat;
static const char *const format_names[] = {"text", "json", "html", "csv", NULL};

typedef struct {
    const char *file;
    bool dump_ir;
    bool print_tables;
    bool list_targets;
    bool report;
    bool json;
    ReportFormat format;       /* --format */
    const char *output;        /* --output FILE: the report or the answer */
    const char *target;
    const char *network;
    const char *explain;
    int threads;               /* 0: auto; -1: not given */
    MemModel model;
    PassOptions passes;
    double solve_fps;          /* 0: no inverse task */
    RankBy rank;
    double max_price, max_power;
    unsigned classes;
    PtrVec target_paths;       /* --targets */
    bool no_catalog;
    const char *emit;          /* "c" */
    const char *out_dir;
    const char *weights;
    uint64_t seed;
    bool seed_given;
    bool bench;                /* bnnc bench */
    int reps;
    double clock;              /* --clock: Hz; 0 not given; -1 host */
} Options;

static void print_list(const char *kind, const char *const *names) {
    for (int i = 0; names[i]; i++)
        printf("%s %s\n", kind, names[i]);
}

static void print_tables(void) {
    print_list("keyword", lex_keywords);
    print_list("type", lex_types);
    for (int i = 0; i < OP_COUNT; i++)
        if (!ops_table[i].internal)
            printf("op %s\n", ops_table[i].name);
    for (int i = 0; i < A_COUNT; i++)
        printf("attr %s\n", ops_attr_names[i]);
    for (int i = 0; i < 3; i++)
        printf("enum %s\n", ops_padding_names[i]);
    print_list("enum", target_words);
    for (int i = 0; i < unit_count; i++)
        printf("unit %s\n", unit_table[i].name);
    print_list("property", target_property_names);
}

/* A clock: a number with a frequency unit ("1.5GHz", "800 MHz") or
 * plain Hz; -1 when it is none. */
static double parse_clock(const char *v) {
    char *end;
    double d = strtod(v, &end);
    while (*end == ' ')
        end++;
    double scale = 1;
    if (*end) {
        const UnitDesc *u = unit_lookup(end);
        if (!u || u->dim != DIM_FREQ)
            return -1;
        scale = u->scale;
    }
    d *= scale;
    return end != v && isfinite(d) && d >= 1e3 && d <= 1e12 ? d : -1;
}

/* A positive number, or -1. */
static double parse_positive(const char *v) {
    char *end;
    double d = strtod(v, &end);
    return (*v && !*end && isfinite(d) && d > 0) ? d : -1;
}

static bool is_path(const char *s) {
    struct stat st;
    return strchr(s, '/') || (strlen(s) > 4 && strcmp(s + strlen(s) - 4, ".bnn") == 0 &&
                              stat(s, &st) == 0);
}

static bool declares_target(Ctx *c, const char *name) {
    for (int i = 0; i < c->decls.n; i++) {
        Decl *d = c->decls.v[i];
        if (d->ast->kind == AST_TARGET && strcmp(d->ast->name, name) == 0)
            return true;
    }
    return false;
}

/* The target a target file stands for: the one named after a ':'
 * (FILE:NAME), else the first it declares. */
static const char *target_of_file(Ctx *c, int file, const char *path, const char *name) {
    for (int i = 0; i < c->decls.n; i++) {
        Decl *d = c->decls.v[i];
        if (d->file == file && d->ast->kind == AST_TARGET &&
            (!name || strcmp(d->ast->name, name) == 0))
            return d->ast->name;
    }
    if (name)
        diag_plain(c, "'%s' declares no target called '%s'", path, name);
    else
        diag_plain(c, "'%s' declares no target", path);
    return NULL;
}

static const IrTarget *find_ir_target(const IrModule *m, const char *name) {
    for (int i = 0; i < m->targets.n; i++) {
        const IrTarget *t = m->targets.v[i];
        if (strcmp(t->name, name) == 0)
            return t;
    }
    return NULL;
}

/* The options of bnnc and bnnc bench that take a word from a list, or
 * name a pass (bnnc_value). */
static int bnnc_word(Ctx *c, Options *o, OptId id, const char *v) {
    int k = 0;
    switch (id) {
    case OPT_EMIT:
        if (strcmp(v, "c") != 0)
            return cli_usage_error("bnnc", "--emit takes c, not '%s'", v);
        o->emit = v;
        break;
    case OPT_FORMAT:
        while (format_names[k] && strcmp(format_names[k], v) != 0)
            k++;
        if (!format_names[k])
            return cli_usage_error("bnnc", "--format takes text, json, html or csv, not '%s'", v);
        o->format = (ReportFormat)k;
        o->json = o->format == FMT_JSON;
        break;
    case OPT_RANK:
        while (k < 4 && strcmp(solve_rank_names[k], v) != 0)
            k++;
        if (k == 4)
            return cli_usage_error("bnnc", "--rank takes margin, price, power or fps, not '%s'", v);
        o->rank = (RankBy)k;
        break;
    case OPT_CLASS:
        for (char *w = strtok(mem_strdup(&c->arena, v), ","); w; w = strtok(NULL, ",")) {
            for (k = 0; solve_class_names[k] && strcmp(solve_class_names[k], w) != 0;)
                k++;
            if (!solve_class_names[k])
                return cli_usage_error("bnnc", "--class takes mcu, application, desktop or server, "
                                   "not '%s'", w);
            o->classes |= 1u << k;
        }
        break;
    case OPT_MEMORY_MODEL:
        if (strcmp(v, "lxnorop") == 0)
            o->model = MEM_LXNOROP;
        else if (strcmp(v, "roofline") == 0)
            o->model = MEM_ROOFLINE;
        else
            return cli_usage_error("bnnc", "--memory-model takes lxnorop or roofline, not '%s'", v);
        break;
    case OPT_DUMP_AFTER:
        if ((k = pass_lookup(v)) < 0)
            return cli_usage_error("bnnc", "unknown pass '%s' (passes: dce, fuse-bn-sign, compress)", v);
        o->passes.dump_after = k;
        break;
    default: { /* -fPASS, -fno-PASS */
        bool on = strncmp(v, "no-", 3) != 0;
        const char *name = on ? v : v + 3;
        if ((k = pass_lookup(name)) < 0)
            return cli_usage_error("bnnc", "unknown pass '%s' (passes: dce, fuse-bn-sign, compress)",
                               name);
        o->passes.on[k] = on;
        break;
    }
    }
    return EXIT_OK;
}

/* The options of bnnc and bnnc bench that take a number or a word from a
 * list (bnnc_option). */
static int bnnc_value(Ctx *c, Options *o, OptId id, const char *v) {
    char *end;
    long n;
    switch (id) {
    case OPT_SEED:
        {
            int rc = cli_seed("bnnc", v, &o->seed);
            if (rc != EXIT_OK)
                return rc;
        }
        o->seed_given = true;
        break;
    case OPT_REPS:
        n = strtol(v, &end, 10);
        if (!o->bench || !*v || *end || n < 1 || n > 100000)
            return cli_usage_error("bnnc", o->bench ? "--reps takes a whole number from 1 to "
                                                      "100000, not '%s'"
                                                    : "--reps goes with bnnc bench ('%s')",
                                   v);
        o->reps = (int)n;
        break;
    case OPT_CLOCK:
        if (strcmp(v, "host") == 0)
            o->clock = -1;
        else if ((o->clock = parse_clock(v)) < 0)
            return cli_usage_error("bnnc", "--clock takes a frequency from 1 kHz to 1 THz "
                                           "such as 1.5GHz or 800MHz (bnnc bench: or host), "
                                           "not '%s'",
                                   v);
        break;
    case OPT_THREADS:
        n = strtol(v, &end, 10);
        if (strcmp(v, "auto") == 0)
            n = 0;
        else if (*v == 0 || *end || n < 1 || n > 65536)
            return cli_usage_error("bnnc", "--threads takes auto or a whole number from 1 to 65536, "
                               "not '%s'", v);
        o->threads = (int)n;
        break;
    case OPT_SOLVE_FPS:
        o->solve_fps = parse_positive(v);
        if (o->solve_fps <= 0)
            return cli_usage_error("bnnc", "--solve-fps takes a rate above 0 (inferences per second), "
                               "not '%s'", v);
        break;
    case OPT_MAX_PRICE:
        if ((o->max_price = parse_positive(v)) < 0)
            return cli_usage_error("bnnc", "--max-price takes a price in USD above 0, not '%s'", v);
        break;
    case OPT_MAX_POWER:
        if ((o->max_power = parse_positive(v)) < 0)
            return cli_usage_error("bnnc", "--max-power takes a power in W above 0, not '%s'", v);
        break;
    default:
        return bnnc_word(c, o, id, v);
    }
    return EXIT_OK;
}

/* One option or operand of bnnc and bnnc bench (cli_parse). */
static int bnnc_option(Ctx *c, void *st, const CliOpt *opt, const char *v) {
    Options *o = st;
    if (!opt) {
        if (o->file)
            return cli_usage_error("bnnc", "more than one input file ('%s')", v);
        o->file = v;
        return EXIT_OK;
    }
    switch (opt->id) {
    case OPT_VERSION:
        printf("bnnc %s (.bnn language version %d)\n", BNNC_VERSION, BNNC_LANG_VERSION);
        return -1;
    case OPT_DUMP_IR:
        o->dump_ir = true;
        break;
    case OPT_PRINT_TABLES:
        o->print_tables = true;
        break;
    case OPT_LIST_TARGETS:
        o->list_targets = true;
        break;
    case OPT_NO_CATALOG:
        o->no_catalog = true;
        break;
    case OPT_REPORT:
        o->report = true;
        break;
    case OPT_TARGET:
        o->target = v;
        break;
    case OPT_NETWORK:
        o->network = v;
        break;
    case OPT_EXPLAIN:
        o->explain = v;
        break;
    case OPT_OUT:
        o->out_dir = v;
        break;
    case OPT_OUTPUT:
        o->output = v;
        break;
    case OPT_WEIGHTS:
        o->weights = v;
        break;
    case OPT_TARGETS:
        vec_push(&c->arena, &o->target_paths, (void *)v);
        break;
    case OPT_O0:
    case OPT_O1:
        for (int p = 0; p < PASS_COUNT; p++)
            o->passes.on[p] = opt->id == OPT_O1;
        break;
    default:
        return bnnc_value(c, o, opt->id, v);
    }
    return EXIT_OK;
}

/* Parses bnnc's (or, o->bench set, bnnc bench's) command line, then
 * checks how its options go together. */
static int parse_args(int argc, char **argv, Ctx *c, Options *o) {
    pass_defaults(&o->passes);
    o->threads = -1;
    o->max_price = o->max_power = -1;
    o->seed = 1;
    int rc = cli_parse(c, o->bench ? &bench_cmd : &bnnc_cmd, argc, argv, bnnc_option, o);
    if (rc != EXIT_OK)
        return rc;
    if (o->print_tables || o->list_targets)
        return EXIT_OK;
    if (o->solve_fps > 0 && (o->report || o->explain || o->target))
        return cli_usage_error("bnnc", "%s", "--solve-fps searches every target: it does not go with "
                                 "--target, --report or --explain");
    if (!o->file && !o->solve_fps)
        return cli_usage_error("bnnc", "%s", "no input file");
    if ((o->report || o->explain) && !o->target)
        return cli_usage_error("bnnc", "%s needs --target", o->report ? "--report" : "--explain");
    if (o->format && !o->report && !o->solve_fps && !o->bench)
        return cli_usage_error("bnnc", "--format %s goes with --report or --solve-fps",
                               format_names[o->format]);
    if (o->format >= FMT_HTML && o->bench)
        return cli_usage_error("bnnc", "bnnc bench takes --format text or json, not '%s'",
                               format_names[o->format]);
    if (o->format == FMT_CSV && o->solve_fps)
        return cli_usage_error("bnnc", "%s", "--format csv is the report's per-layer table: it "
                                             "goes with --report, not --solve-fps");
    if (o->output && ((!o->report && !o->solve_fps) || o->explain))
        return cli_usage_error("bnnc", "%s", "--output goes with --report or --solve-fps");
    if (o->bench && (!o->target || o->report || o->explain || o->solve_fps || o->emit))
        return cli_usage_error("bnnc", "%s", "bnnc bench FILE needs --target T, and takes no "
                                             "--report, --explain, --solve-fps or --emit");
    if (o->clock && !o->target)
        return cli_usage_error("bnnc", "%s", "--clock goes with --target");
    if (o->clock < 0 && !o->bench)
        return cli_usage_error("bnnc", "%s", "--clock host goes with bnnc bench (which measures "
                                             "this machine)");
    if (o->emit && (!o->target || !o->out_dir))
        return cli_usage_error("bnnc", "%s", "--emit c needs --target T and -o DIR");
    if (!o->emit && !o->bench && (o->out_dir || o->weights || o->seed_given))
        return cli_usage_error("bnnc", "%s", "-o, --weights and --seed go with --emit c");
    if (o->weights && o->seed_given)
        return cli_usage_error("bnnc", "%s", "--weights and --seed exclude each other");
    if (o->emit && (o->report || o->explain || o->solve_fps))
        return cli_usage_error("bnnc", "%s", "--emit c does not go with --report, --explain or --solve-fps");
    if (!o->solve_fps && (o->rank || o->max_price >= 0 || o->max_power >= 0 || o->classes))
        return cli_usage_error("bnnc", "%s", "--rank, --max-price, --max-power and --class go with "
                                 "--solve-fps");
    return EXIT_OK;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .bnn files of a folder, sorted, or NULL after an error. */
static PtrVec *bnn_files(Ctx *c, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        diag_plain(c, "cannot open the folder '%s'", dir);
        return NULL;
    }
    PtrVec *v = mem_alloc(&c->arena, sizeof *v);
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".bnn") == 0 && e->d_name[0] != '.')
            vec_push(&c->arena, v,
                     strcmp(dir, ".") == 0 ? mem_strdup(&c->arena, e->d_name)
                                           : mem_printf(&c->arena, "%s/%s", dir, e->d_name));
    }
    closedir(d);
    if (v->n > 1)
        qsort(v->v, (size_t)v->n, sizeof v->v[0], cmp_str);
    return v;
}

/* --targets PATH: a .bnn file, or every .bnn file of a folder. */
static bool load_targets(Ctx *c, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return load_program(c, path);
    PtrVec *v = bnn_files(c, path);
    if (!v)
        return false;
    bool ok = true;
    for (int i = 0; i < v->n; i++)
        ok &= load_program(c, v->v[i]);
    return ok;
}

/* The model of `bnnc --solve-fps R` without FILE: standard input when it
 * is a pipe or a file, else the one .bnn file in the current folder. */
static const char *implicit_model(Ctx *c) {
    struct stat st;
    if (fstat(0, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode)))
        return "-";
    PtrVec *v = bnn_files(c, ".");
    if (!v)
        return NULL;
    if (v->n == 1)
        return v->v[0];
    if (v->n == 0) {
        diag_plain(c, "no model: name a .bnn file, pipe one on standard input, or run in a "
                      "folder that holds one");
        return NULL;
    }
    char list[512] = "";
    for (int i = 0; i < v->n; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s'%s'", i ? ", " : "", (char *)v->v[i]);
    }
    diag_plain(c, "this folder holds %d .bnn files (%s); name the model to use", v->n, list);
    return NULL;
}

/* Loads what the command needs: the file, the target file, the catalog. */
static bool load_all(Ctx *c, Options *o, const char **target_name) {
    *target_name = o->target;
    if (o->file && !load_program(c, o->file))
        return false;
    /* FILE.bnn:NAME names a target of a file. */
    const char *tfile = o->target, *tname = NULL;
    const char *colon = o->target ? strrchr(o->target, ':') : NULL;
    if (colon && colon - o->target > 4 && strncmp(colon - 4, ".bnn", 4) == 0) {
        tfile = mem_strndup(&c->arena, o->target, (size_t)(colon - o->target));
        tname = colon + 1;
    }
    if (o->target && (tname || is_path(o->target))) {
        int file = c->files.n;
        if (!load_program(c, tfile))
            return false;
        *target_name = target_of_file(c, file, tfile, tname);
        if (!*target_name)
            return false;
    }
    for (int i = 0; i < o->target_paths.n; i++)
        if (!load_targets(c, o->target_paths.v[i]))
            return false;
    if (o->no_catalog)
        return true;
    if (o->list_targets || o->solve_fps || (o->target && !declares_target(c, *target_name)))
        return load_catalog(c);
    return true;
}

/* Where the report or the answer goes: stdout, or of opened on --output
 * (finish_output puts it in place). NULL after reporting. */
static FILE *start_output(Ctx *c, const Options *o, OutFile *of) {
    if (!o->output)
        return stdout;
    return out_open(c, of, o->output) ? of->f : NULL;
}

/* After the report or the answer went to f (stdout or of, --output):
 * puts the file in place, or drops it when writing failed (!ok). False
 * after reporting. */
static bool finish_output(Ctx *c, const Options *o, OutFile *of, bool ok) {
    if (!o->output)
        return ok;
    if (!ok) {
        out_discard(of);
        return false;
    }
    return out_commit(c, of, 1);
}

/* The inverse task: the passes but compression run once; compression is
 * per target, in solve_run. */
static int solve(Ctx *c, Options *o, IrModule *m) {
    bool compress = o->passes.on[PASS_COMPRESS];
    o->passes.on[PASS_COMPRESS] = false;
    if (!pass_run(c, m, &o->passes, stdout))
        return EXIT_INTERNAL;
    IrGraph *g = cli_network(c, m, o->network, "solve for");
    if (!g)
        return EXIT_INPUT;
    /* One thread unless asked: the code bnnc emits runs on one. */
    SolveOptions so = {o->solve_fps, o->threads < 0 ? 1 : o->threads, o->model, o->rank,
                       o->max_price, o->max_power, o->classes, compress};
    SolveResult r;
    solve_run(c, g, m, &so, &r);
    OutFile of;
    FILE *f = start_output(c, o, &of);
    if (!f)
        return EXIT_INPUT;
    bool ok = true;
    if (o->format == FMT_JSON)
        ok = solve_json(f, g, &so, &r);
    else if (o->format == FMT_HTML)
        solve_html(f, g, &so, &r);
    else
        solve_text(f, g, &so, &r);
    if (!finish_output(c, o, &of, ok))
        return ok ? EXIT_INPUT : EXIT_INTERNAL;
    return r.nfeasible ? EXIT_OK : EXIT_NONE;
}

/* --explain NAME: the terms of layer NAME's cost in estimate r of g; or
 * what became of it (folded by fuse-bn-sign, fused by fuse-epilogue,
 * removed by dce: `existed` in
 * the checked graph), or an error. */
static int explain(Ctx *c, const char *name, const IrGraph *g, const CostResult *r,
                   bool existed) {
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->layers[i].n->name, name) == 0) {
            report_explain(stdout, r, &r->layers[i]);
            return EXIT_OK;
        }
    for (int i = 0; i < r->n; i++) {
        const IrNode *n = r->layers[i].n;
        if (n->op == OP_THRESHOLD && strcmp(n->folds, name) == 0) {
            printf("layer %s: folded into %s (a threshold) by the pass fuse-bn-sign, which "
                   "-fno-fuse-bn-sign turns off; its cost is part of %s's:\n",
                   name, n->name, n->name);
            report_explain(stdout, r, &r->layers[i]);
            return EXIT_OK;
        }
        for (int k = 0; n->op != OP_THRESHOLD && n->epi && k < n->epi->n; k++)
            if (strcmp(n->epi->v[k].name, name) == 0) {
                printf("layer %s: fused into %s (%s) by the pass fuse-epilogue, which "
                       "-fno-fuse-epilogue turns off; its cost is part of %s's:\n",
                       name, n->name, n->epi->label, n->name);
                report_explain(stdout, r, &r->layers[i]);
                return EXIT_OK;
            }
    }
    if (existed) {
        diag_plain(c, "layer '%s' of network '%s' was removed by the pass dce: its value "
                      "reaches no output (-fno-dce keeps it)", name, g->name);
        return EXIT_INPUT;
    }
    diag_plain(c, "network '%s' has no layer called '%s'%s", g->name, name,
               "; the report's first column names the layers");
    return EXIT_INPUT;
}

static int run(Ctx *c, Options *o) {
    if (o->print_tables) {
        print_tables();
        return EXIT_OK;
    }
    cli_search_path(c);

    if (!o->file && o->solve_fps && !(o->file = implicit_model(c)))
        return EXIT_INPUT;
    IrModule m;
    memset(&m, 0, sizeof m);
    const char *tname = NULL;
    if (!load_all(c, o, &tname) || !sema_run(c, &m))
        return EXIT_INPUT;
    if (!ir_verify(c, &m, NULL))
        return EXIT_INTERNAL;
    if (o->list_targets) {
        CostTarget *ts = mem_array(&c->arena, (size_t)m.targets.n + 1, sizeof *ts);
        int n = 0;
        for (int i = 0; i < m.targets.n; i++)
            if (!cost_target(c, m.targets.v[i], &ts[n]))
                return EXIT_INPUT;
            else
                n++;
        report_targets(stdout, ts, n);
        return EXIT_OK;
    }
    /* An unknown --network is an error whatever the command. */
    if (o->network && !cli_network(c, &m, o->network, "check"))
        return EXIT_INPUT;
    if (o->dump_ir) {
        ir_dump(stdout, &m);
        if (!o->target && o->passes.dump_after < 0)
            return EXIT_OK;
    }
    if (o->solve_fps)
        return solve(c, o, &m);
    CostTarget t;
    if (tname) {
        const IrTarget *it = find_ir_target(&m, tname);
        if (!it) {
            const char *sug = cli_nearest(c, tname, &m.targets, offsetof(IrTarget, name));
            diag_plain(c, "unknown target '%s'%s%s%s; 'bnnc --list-targets' prints the catalog",
                       tname, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
            return EXIT_INPUT;
        }
        double clock = o->clock;
        if (clock < 0 && !calibrate_clock(c, &clock))
            return EXIT_INPUT;
        if (!cost_target_at(c, it, clock, &t))
            return EXIT_INPUT;
        o->passes.target = &t;
    }
    /* The parameters belong to the checked graph: load them before the
     * passes fold and rename layers. */
    IrGraph *g = NULL;
    Weights w;
    if (o->emit || o->bench) {
        if (!(g = cli_network(c, &m, o->network, "compile")))
            return EXIT_INPUT;
        if (o->weights) {
            if (!weights_load(c, g, o->weights, &w))
                return EXIT_INPUT;
        } else {
            if (!weights_random(c, g, o->seed, &w))
                return EXIT_INPUT;
        }
    }
    /* --explain of a layer the passes fold or remove says what became of
     * it: remember whether the checked graph had it. */
    bool explain_existed = false;
    for (int i = 0; o->explain && i < m.graphs.n; i++) {
        const IrGraph *gi = m.graphs.v[i];
        for (int k = 0; k < gi->nodes.n; k++)
            explain_existed |= strcmp(((IrNode *)gi->nodes.v[k])->name, o->explain) == 0;
    }
    if (!pass_run(c, &m, &o->passes, stdout))
        return EXIT_INTERNAL;
    if (o->bench) {
        BenchOptions bo = {o->model, o->reps, o->json,
                           o->threads < 0 ? 1 : o->threads ? o->threads : t.cores};
        return bench_run(c, g, &t, &w, &bo);
    }
    if (o->emit) {
        if (!emit_c_threads(c, g, &t, &w, o->out_dir,
                            o->threads < 0 ? 1 : o->threads ? o->threads : t.cores))
            return EXIT_INPUT;
        if (w.random)
            fprintf(stderr, "bnnc: warning: no --weights: the parameters are pseudo-random "
                            "(seed %llu)\n",
                    (unsigned long long)o->seed);
        return EXIT_OK;
    }
    if (!tname || (!o->report && !o->explain)) {
        /* Not silent: the target was resolved and checked, nothing else. */
        if (tname && !o->dump_ir && o->passes.dump_after < 0)
            fprintf(stderr, "bnnc: note: '%s' and target '%s' are valid; --target has no other "
                            "effect without --report, --explain, --emit c or bnnc bench\n",
                    strcmp(o->file, "-") == 0 ? "<stdin>" : o->file, t.name);
        return EXIT_OK;
    }
    if (!(g = cli_network(c, &m, o->network, "estimate")))
        return EXIT_INPUT;
    CostResult r;
    cost_run(c, g, &t, o->model, o->threads < 0 ? 1 : o->threads ? o->threads : t.cores, &r);
    if (o->explain)
        return explain(c, o->explain, g, &r, explain_existed);
    OutFile of;
    FILE *f = start_output(c, o, &of);
    if (!f)
        return EXIT_INPUT;
    bool ok = true;
    switch (o->format) {
    case FMT_JSON:
        ok = report_json(f, &r);
        break;
    case FMT_HTML:
        report_html(f, &r);
        break;
    case FMT_CSV:
        report_csv(f, &r);
        break;
    default:
        report_text(f, &r);
    }
    if (!finish_output(c, o, &of, ok))
        return ok ? EXIT_INPUT : EXIT_INTERNAL;
    return EXIT_OK;
}

typedef struct {
    const char *out, *name, *from, *target, *source;
    bool nets;
} CalibArgs;

/* One option or operand of bnnc calibrate (cli_parse): it takes no
 * operand. */
static int calibrate_option(Ctx *c, void *st, const CliOpt *o, const char *v) {
    (void)c;
    CalibArgs *a = st;
    if (!o)
        return cli_usage_error("bnnc calibrate", "unknown argument '%s'", v);
    switch (o->id) {
    case OPT_NETWORKS:
        a->nets = true;
        break;
    case OPT_OUT:
        a->out = v;
        break;
    case OPT_NAME:
        a->name = v;
        break;
    case OPT_FROM:
        a->from = v;
        break;
    case OPT_TARGET:
        a->target = v;
        break;
    default:
        a->source = v;
        break;
    }
    return EXIT_OK;
}

/* bnnc calibrate -o FILE [--name NAME]
 * bnnc calibrate --networks
 * bnnc calibrate --from CYCLES --target T [-o FILE] [--source TEXT] */
static int calibrate_args(Ctx *c, int argc, char **argv) {
    CalibArgs a = {NULL, "host", NULL, NULL, "an instruction model", false};
    int rc = cli_parse(c, &calibrate_cmd, argc, argv, calibrate_option, &a);
    if (rc != EXIT_OK)
        return rc;
    const char *out = a.out, *name = a.name, *from = a.from, *target = a.target;
    const char *source = a.source;
    bool nets = a.nets;
    if (nets) {
        if (out || from || target)
            return cli_usage_error("bnnc calibrate", "%s", "--networks takes no other option");
        fputs(calibrate_networks(), stdout);
        return EXIT_OK;
    }
    if (from || target) {
        if (!from || !target)
            return cli_usage_error("bnnc calibrate", "%s", "--from CYCLES and --target T go together");
        cli_search_path(c);
        return calibrate_derive(c, from, target, out, source);
    }
    if (!out)
        return cli_usage_error("bnnc calibrate", "%s", "-o FILE is needed");
    const char *p = name;
    bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_';
    for (; *p && ok; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '_' || *p == '-';
    if (!ok)
        return cli_usage_error("bnnc calibrate", "--name takes a target name, not '%s'", name);
    cli_search_path(c);
    return calibrate_run(c, out, name);
}

int main(int argc, char **argv) {
    ctx_set_argv0(argv[0]);
    if (argc > 1 && strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "import") == 0)
        return cmd_import(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "weights") == 0)
        return cmd_weights(argc - 1, argv + 1);
    Ctx c;
    ctx_init(&c);
    Options o;
    memset(&o, 0, sizeof o);
    if (argc > 1 && strcmp(argv[1], "calibrate") == 0)
        return cli_finish(&c, calibrate_args(&c, argc - 1, argv + 1));
    if (argc > 1 && strcmp(argv[1], "bench") == 0) {
        o.bench = true;
        argc--, argv++;
    }
    int rc = parse_args(argc, argv, &c, &o);
    if (rc == EXIT_OK)
        rc = run(&c, &o);
    return cli_finish(&c, rc);
}
