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

static const char usage_text[] =
    "usage: bnnc [options] FILE\n"
    "       bnnc FILE --target T --report [--format text|json]\n"
    "       bnnc FILE --target T --emit c -o DIR [--weights W.safetensors | --seed N]\n"
    "       bnnc [FILE] --solve-fps R [--rank margin|price|power|fps]\n"
    "       bnnc bench FILE --target T [--reps N] [--clock F|host] [--format json]\n"
    "       bnnc calibrate -o HOST.bnn [--name NAME]   (bnnc calibrate --help)\n"
    "       bnnc run FILE (--weights W | --seed S) --input X.npy --output Y.npy\n"
    "                                                 (bnnc run --help)\n"
    "       bnnc import MODEL -o DIR                  (bnnc import --help)\n"
    "       bnnc --list-targets [FILE]\n"
    "\n"
    "Checks a .bnn file (a network, block and target description) and exits\n"
    "0 without output when it is valid. FILE may be '-' for standard input.\n"
    "With --target, estimates the network's inference rate on a device with\n"
    "the XNOROP/LXNOROP cost model (docs/cost-model.md); with --solve-fps,\n"
    "finds the targets that reach a rate. Without FILE, --solve-fps reads the\n"
    "model piped on standard input, else the one *.bnn file in this folder.\n"
    "\n"
    "options:\n"
    "  --target T         the device: a target in FILE, in the standard\n"
    "                     catalog (bnnc --list-targets), a .bnn file (its\n"
    "                     first target), or FILE.bnn:NAME\n"
    "  --report           print the forward-task report (needs --target)\n"
    "  --format FMT       report format: text (default) or json\n"
    "  --threads N|auto   cores the inference may use (default 1, what the\n"
    "                     code bnnc emits runs on; auto: all)\n"
    "  --memory-model M   lxnorop (default) or roofline\n"
    "  --clock F          the target at another clock, e.g. 1.5GHz or 800MHz;\n"
    "                     with bnnc bench also 'host': this machine's,\n"
    "                     measured (figures in cycles keep their cycles)\n"
    "  --explain LAYER    print the terms of the cost formula for one layer\n"
    "  --emit c           write C99 kernels for the target (needs --target, -o)\n"
    "  -o DIR             the folder --emit c writes NAME.h, NAME.c and\n"
    "                     NAME_weights.c into (created if missing)\n"
    "  --weights FILE     the parameters, a .safetensors file (docs/weights.md)\n"
    "  --seed N           without --weights: pseudo-random parameters from N\n"
    "                     (default 1; the generated header warns)\n"
    "  --network NAME     the network to use when FILE declares several\n"
    "  --list-targets     print the target catalog with its key figures\n"
    "  --solve-fps R      list the targets that reach R inferences per second,\n"
    "                     and why the others do not (exit 3 when none does)\n"
    "  --targets PATH     add the targets of a .bnn file, or of every .bnn file\n"
    "                     in a folder, to the catalog (repeatable)\n"
    "  --no-catalog       leave out the standard target catalog\n"
    "  --rank KEY         order of the feasible targets: margin (default),\n"
    "                     price, power or fps\n"
    "  --max-price USD    --solve-fps: only targets at most this price\n"
    "  --max-power W      --solve-fps: only targets at most this power\n"
    "  --class C[,C...]   --solve-fps: only targets of these classes: mcu,\n"
    "                     application, desktop, server (repeatable)\n"
    "  -fPASS, -fno-PASS  turn a pass on or off: dce, fuse-bn-sign, compress\n"
    "  -O0, -O1           all passes off / on (default -O1)\n"
    "  --dump-ir          print the checked IR of every network and target\n"
    "  --dump-ir-after=PASS  print the IR after PASS ran (or would have run)\n"
    "  -I DIR             add DIR to the import search path (repeatable)\n"
    "  --color=WHEN       colour diagnostics: auto (default), always, never\n"
    "  --print-tables     print the language's keywords, operations,\n"
    "                     attributes, units and target properties\n"
    "  -h, --help         print this help and exit\n"
    "  --version          print the version and exit\n"
    "\n"
    "environment:\n"
    "  BNNC_PATH          ':'-separated folders searched for imports\n"
    "  BNNC_STDLIB        the standard library folder (default: %s)\n"
    "  NO_COLOR           when set and not empty, no colour in auto mode\n"
    "\n"
    "exit status: 0 ok, 1 errors in the input, 2 bad usage, 3 no target\n"
    "reaches the --solve-fps rate, 70 internal error\n";

static const char bench_usage_text[] =
    "usage: bnnc bench FILE --target T [--reps N] [--clock F|host] [--memory-model M]\n"
    "                  [--weights W.safetensors | --seed N] [--network NAME]\n"
    "                  [--format json] [-fPASS | -fno-PASS | -O0 | -O1] [-I DIR]\n"
    "\n"
    "Emits the network's C for the target with a timing point after every\n"
    "layer, builds it with $CC (default cc) -O3 -march=native, runs it on this\n"
    "machine and prints, per layer and for the network, the estimated and the\n"
    "measured time and the deviation (estimated - measured) / measured\n"
    "(docs/measured.md). The target's kernels must run on this machine.\n"
    "\n"
    "  --reps N           inferences per round (default: as many as fit in\n"
    "                     0.3 s, 5 to 2000); three rounds, the least median\n"
    "  --clock F|host     estimate at another clock; host: this machine's,\n"
    "                     measured\n"
    "  --format json      the comparison as JSON\n"
    "\n"
    "exit status: 0 ok, 1 errors in the input or a build or run that failed,\n"
    "2 bad usage, 70 internal error\n";

typedef struct {
    const char *file;
    bool dump_ir;
    bool print_tables;
    bool list_targets;
    bool report;
    bool json;
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

static int parse_args(int argc, char **argv, Ctx *c, Options *o) {
    int rc = EXIT_OK;
    pass_defaults(&o->passes);
    o->threads = -1;
    o->max_price = o->max_power = -1;
    o->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        bool missing = false;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            if (o->bench)
                fputs(bench_usage_text, stdout);
            else
                printf(usage_text, ctx_stdlib_dir());
            return -1;
        } else if (strcmp(a, "--version") == 0) {
            printf("bnnc %s (.bnn language version %d)\n", BNNC_VERSION, BNNC_LANG_VERSION);
            return -1;
        } else if (strcmp(a, "--dump-ir") == 0) {
            o->dump_ir = true;
        } else if (strcmp(a, "--print-tables") == 0) {
            o->print_tables = true;
        } else if (strcmp(a, "--list-targets") == 0) {
            o->list_targets = true;
        } else if (strcmp(a, "--no-catalog") == 0) {
            o->no_catalog = true;
        } else if (strcmp(a, "--report") == 0) {
            o->report = true;
        } else if ((v = cli_value(argc, argv, &i, "--target", &missing))) {
            o->target = v;
        } else if ((v = cli_value(argc, argv, &i, "--network", &missing))) {
            o->network = v;
        } else if ((v = cli_value(argc, argv, &i, "--explain", &missing))) {
            o->explain = v;
        } else if ((v = cli_value(argc, argv, &i, "--emit", &missing))) {
            if (strcmp(v, "c") != 0)
                return cli_usage_error("bnnc", "--emit takes c, not '%s'", v);
            o->emit = v;
        } else if ((v = cli_value(argc, argv, &i, "-o", &missing))) {
            o->out_dir = v;
        } else if ((v = cli_value(argc, argv, &i, "--weights", &missing))) {
            o->weights = v;
        } else if ((v = cli_value(argc, argv, &i, "--seed", &missing))) {
            if (!cli_seed(v, &o->seed))
                return cli_usage_error("bnnc", "--seed takes a whole number from 0 to 2^64 - 1, "
                                       "not '%s'", v);
            o->seed_given = true;
        } else if ((v = cli_value(argc, argv, &i, "--reps", &missing))) {
            char *end;
            long n = strtol(v, &end, 10);
            if (!o->bench || !*v || *end || n < 1 || n > 100000)
                return cli_usage_error("bnnc", o->bench ? "--reps takes a whole number from 1 to "
                                                          "100000, not '%s'"
                                                        : "--reps goes with bnnc bench ('%s')",
                                       v);
            o->reps = (int)n;
        } else if ((v = cli_value(argc, argv, &i, "--clock", &missing))) {
            if (strcmp(v, "host") == 0)
                o->clock = -1;
            else if ((o->clock = parse_clock(v)) < 0)
                return cli_usage_error("bnnc", "--clock takes a frequency from 1 kHz to 1 THz "
                                               "such as 1.5GHz or 800MHz (bnnc bench: or host), "
                                               "not '%s'",
                                       v);
        } else if ((v = cli_value(argc, argv, &i, "--format", &missing))) {
            if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
                return cli_usage_error("bnnc", "--format takes text or json, not '%s'", v);
            o->json = strcmp(v, "json") == 0;
        } else if ((v = cli_value(argc, argv, &i, "--threads", &missing))) {
            char *end;
            long n = strtol(v, &end, 10);
            if (strcmp(v, "auto") == 0)
                n = 0;
            else if (*v == 0 || *end || n < 1 || n > 65536)
                return cli_usage_error("bnnc", "--threads takes auto or a whole number from 1 to 65536, "
                                   "not '%s'", v);
            o->threads = (int)n;
        } else if ((v = cli_value(argc, argv, &i, "--solve-fps", &missing))) {
            o->solve_fps = parse_positive(v);
            if (o->solve_fps <= 0)
                return cli_usage_error("bnnc", "--solve-fps takes a rate above 0 (inferences per second), "
                                   "not '%s'", v);
        } else if ((v = cli_value(argc, argv, &i, "--targets", &missing))) {
            vec_push(&c->arena, &o->target_paths, (void *)v);
        } else if ((v = cli_value(argc, argv, &i, "--rank", &missing))) {
            int k = 0;
            while (k < 4 && strcmp(solve_rank_names[k], v) != 0)
                k++;
            if (k == 4)
                return cli_usage_error("bnnc", "--rank takes margin, price, power or fps, not '%s'", v);
            o->rank = (RankBy)k;
        } else if ((v = cli_value(argc, argv, &i, "--max-price", &missing))) {
            if ((o->max_price = parse_positive(v)) < 0)
                return cli_usage_error("bnnc", "--max-price takes a price in USD above 0, not '%s'", v);
        } else if ((v = cli_value(argc, argv, &i, "--max-power", &missing))) {
            if ((o->max_power = parse_positive(v)) < 0)
                return cli_usage_error("bnnc", "--max-power takes a power in W above 0, not '%s'", v);
        } else if ((v = cli_value(argc, argv, &i, "--class", &missing))) {
            char *list = mem_strdup(&c->arena, v);
            for (char *w = strtok(list, ","); w; w = strtok(NULL, ",")) {
                int k = 0;
                while (solve_class_names[k] && strcmp(solve_class_names[k], w) != 0)
                    k++;
                if (!solve_class_names[k])
                    return cli_usage_error("bnnc", "--class takes mcu, application, desktop or server, "
                                       "not '%s'", w);
                o->classes |= 1u << k;
            }
        } else if ((v = cli_value(argc, argv, &i, "--memory-model", &missing))) {
            if (strcmp(v, "lxnorop") == 0)
                o->model = MEM_LXNOROP;
            else if (strcmp(v, "roofline") == 0)
                o->model = MEM_ROOFLINE;
            else
                return cli_usage_error("bnnc", "--memory-model takes lxnorop or roofline, not '%s'", v);
        } else if ((v = cli_value(argc, argv, &i, "--dump-ir-after", &missing))) {
            int p = pass_lookup(v);
            if (p < 0)
                return cli_usage_error("bnnc", "unknown pass '%s' (passes: dce, fuse-bn-sign, compress)", v);
            o->passes.dump_after = p;
        } else if (strcmp(a, "-O0") == 0 || strcmp(a, "-O1") == 0) {
            for (int p = 0; p < PASS_COUNT; p++)
                o->passes.on[p] = a[2] == '1';
        } else if (strncmp(a, "-f", 2) == 0 && a[2]) {
            bool on = strncmp(a + 2, "no-", 3) != 0;
            const char *name = on ? a + 2 : a + 5;
            int p = pass_lookup(name);
            if (p < 0)
                return cli_usage_error("bnnc", "unknown pass '%s' (passes: dce, fuse-bn-sign, compress)",
                                   name);
            o->passes.on[p] = on;
        } else if (missing) {
            return cli_usage_error("bnnc", "option '%s' needs a value", a);
        } else if ((rc = cli_common(c, argc, argv, &i, "bnnc")) >= 0) {
            if (rc != EXIT_OK)
                return rc;
        } else if (a[0] == '-' && a[1] != 0) {
            return cli_unknown_option(c, "bnnc", usage_text, a);
        } else if (o->file) {
            return cli_usage_error("bnnc", "more than one input file ('%s')", a);
        } else {
            o->file = a;
        }
    }
    if (o->print_tables || o->list_targets)
        return EXIT_OK;
    if (o->solve_fps > 0 && (o->report || o->explain || o->target))
        return cli_usage_error("bnnc", "%s", "--solve-fps searches every target: it does not go with "
                                 "--target, --report or --explain");
    if (!o->file && !o->solve_fps)
        return cli_usage_error("bnnc", "%s", "no input file");
    if ((o->report || o->explain) && !o->target)
        return cli_usage_error("bnnc", "%s needs --target", o->report ? "--report" : "--explain");
    if (o->json && !o->report && !o->solve_fps && !o->bench)
        return cli_usage_error("bnnc", "%s", "--format json goes with --report or --solve-fps");
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
    if (o->json) {
        if (!solve_json(stdout, g, &so, &r))
            return EXIT_INTERNAL;
    } else {
        solve_text(stdout, g, &so, &r);
    }
    return r.nfeasible ? EXIT_OK : EXIT_NONE;
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
        BenchOptions bo = {o->model, o->reps, o->json};
        return bench_run(c, g, &t, &w, &bo);
    }
    if (o->emit) {
        if (!emit_c(c, g, &t, &w, o->out_dir))
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
    if (o->explain) {
        for (int i = 0; i < r.n; i++)
            if (strcmp(r.layers[i].n->name, o->explain) == 0) {
                report_explain(stdout, &r, &r.layers[i]);
                return EXIT_OK;
            }
        for (int i = 0; i < r.n; i++) {
            const IrNode *n = r.layers[i].n;
            if (n->folds && strcmp(n->folds, o->explain) == 0) {
                printf("layer %s: folded into %s (a threshold) by the pass fuse-bn-sign, which "
                       "-fno-fuse-bn-sign turns off; its cost is part of %s's:\n",
                       o->explain, n->name, n->name);
                report_explain(stdout, &r, &r.layers[i]);
                return EXIT_OK;
            }
        }
        if (explain_existed) {
            diag_plain(c, "layer '%s' of network '%s' was removed by the pass dce: its value "
                          "reaches no output (-fno-dce keeps it)", o->explain, g->name);
            return EXIT_INPUT;
        }
        diag_plain(c, "network '%s' has no layer called '%s'%s", g->name, o->explain,
                   "; the report's first column names the layers");
        return EXIT_INPUT;
    }
    if (o->json)
        return report_json(stdout, &r) ? EXIT_OK : EXIT_INTERNAL;
    report_text(stdout, &r);
    return EXIT_OK;
}

/* bnnc calibrate -o FILE [--name NAME]
 * bnnc calibrate --networks
 * bnnc calibrate --from CYCLES --target T [-o FILE] [--source TEXT] */
static int calibrate_args(Ctx *c, int argc, char **argv) {
    const char *out = NULL, *name = "host", *from = NULL, *target = NULL;
    const char *source = "an instruction model";
    bool nets = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        bool missing = false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs("usage: bnnc calibrate -o HOST.bnn [--name NAME]\n"
                  "       bnnc calibrate --networks\n"
                  "       bnnc calibrate --from CYCLES --target T [-o FILE] [--source TEXT]\n\n"
                  "Measures this machine (clock, the binary kernels bnnc emits, the\n"
                  "memory levels, every operation) and writes a target description\n"
                  "of it, target NAME (default host), to HOST.bnn. It builds and runs\n"
                  "C programs with $CC (default cc) and takes about a minute.\n\n"
                  "--networks prints the calibration networks. --from reads the cycles\n"
                  "of their layers, had elsewhere (lines 'NETWORK LAYER CYCLES', LAYER\n"
                  "the timing point from 1; tools/mca derives them from llvm-mca), fits\n"
                  "them like a measurement and writes target T's cost and ops sections.\n",
                  stdout);
            return -1;
        } else if (strcmp(argv[i], "--networks") == 0) {
            nets = true;
        } else if ((v = cli_value(argc, argv, &i, "-o", &missing))) {
            out = v;
        } else if ((v = cli_value(argc, argv, &i, "--name", &missing))) {
            name = v;
        } else if ((v = cli_value(argc, argv, &i, "--from", &missing))) {
            from = v;
        } else if ((v = cli_value(argc, argv, &i, "--target", &missing))) {
            target = v;
        } else if ((v = cli_value(argc, argv, &i, "--source", &missing))) {
            source = v;
        } else if (missing) {
            return cli_usage_error("bnnc calibrate", "option '%s' needs a value", argv[i]);
        } else {
            return cli_usage_error("bnnc calibrate", "unknown argument '%s'", argv[i]);
        }
    }
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
    if (argc > 1 && strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "import") == 0)
        return cmd_import(argc - 1, argv + 1);
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
