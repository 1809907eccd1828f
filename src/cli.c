/*
 * cli.c: what the commands (`bnnc` and `bnnc bench`, main.c; `bnnc run`,
 * cmd_run.c; `bnnc import`, cmd_import.c; `bnnc calibrate`, main.c;
 * `bnnc weights`, cmd_weights.c) share
 * on their command lines: the one table of their options, from which each
 * command's parser, its --help and its "did you mean" come; usage errors;
 * the options every command takes (-I, --color, --help); the import
 * search path, the seed, and the choice of a network.
 *
 * cli_parse drives getopt_long: it builds getopt's long-option array and
 * short-option string from the rows a command takes, in RETURN_IN_ORDER
 * mode so operands come back in place. Before getopt sees an argument,
 * cli_parse checks that it is one of the command's options spelled in
 * full, which keeps what getopt would otherwise allow and bnnc refuses:
 * abbreviated long options, grouped short options, '--'.
 */
#include "bnnc.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum {
    B = CMD_BNNC | CMD_BENCH,        /* bnnc and bnnc bench share a parser */
    ALL = B | CMD_RUN | CMD_IMPORT | CMD_CALIBRATE | CMD_WEIGHTS,
};

/* The rows of a command's --help in the order it lists them. */
const CliOpt cli_options[] = {
    {"--target", CLI_VALUE, OPT_TARGET, B, CMD_BNNC, "--target T",
     "the device: a target in FILE, in the standard\n"
     "catalog (bnnc --list-targets), a .bnn file (its\n"
     "first target), or FILE.bnn:NAME"},
    {"--report", CLI_FLAG, OPT_REPORT, B, CMD_BNNC, "--report",
     "print the forward-task report (needs --target)"},
    {"--format", CLI_VALUE, OPT_FORMAT, B, CMD_BNNC, "--format FMT",
     "report format: text (default), json, html (one\n"
     "page with charts; also --solve-fps) or csv (the\n"
     "per-layer table)"},
    {"--output", CLI_VALUE, OPT_OUTPUT, CMD_BNNC, CMD_BNNC, "--output FILE",
     "write the report or the --solve-fps answer to FILE\n"
     "(whole or not at all) instead of standard output"},
    {"--threads", CLI_VALUE, OPT_THREADS, B, CMD_BNNC, "--threads N|auto",
     "cores the inference may use (default 1; auto: all);\n"
     "with --emit c and bnnc bench, the code splits each\n"
     "layer into N parts on N threads"},
    {"--memory-model", CLI_VALUE, OPT_MEMORY_MODEL, B, CMD_BNNC, "--memory-model M",
     "lxnorop (default) or roofline"},
    {"--clock", CLI_VALUE, OPT_CLOCK, B, CMD_BNNC, "--clock F",
     "the target at another clock, e.g. 1.5GHz or 800MHz;\n"
     "with bnnc bench also 'host': this machine's,\n"
     "measured (figures in cycles keep their cycles)"},
    {"--explain", CLI_VALUE, OPT_EXPLAIN, B, CMD_BNNC, "--explain LAYER",
     "print the terms of the cost formula for one layer"},
    {"--emit", CLI_VALUE, OPT_EMIT, B, CMD_BNNC, "--emit c",
     "write C99 kernels for the target (needs --target, -o)"},
    {"-o", CLI_VALUE, OPT_OUT, B, CMD_BNNC, "-o DIR",
     "the folder --emit c writes NAME.h, NAME.c and\n"
     "NAME_weights.c into (created if missing)"},
    {"--weights", CLI_VALUE, OPT_WEIGHTS, B, CMD_BNNC, "--weights FILE",
     "the parameters, a .safetensors file (docs/weights.md)"},
    {"--seed", CLI_VALUE, OPT_SEED, B, CMD_BNNC, "--seed N",
     "without --weights: pseudo-random parameters from N\n"
     "(default 1; the generated header warns)"},
    {"--network", CLI_VALUE, OPT_NETWORK, B, CMD_BNNC, "--network NAME",
     "the network to use when FILE declares several"},
    {"--list-targets", CLI_FLAG, OPT_LIST_TARGETS, B, CMD_BNNC, "--list-targets",
     "print the target catalog with its key figures"},
    {"--solve-fps", CLI_VALUE, OPT_SOLVE_FPS, B, CMD_BNNC, "--solve-fps R",
     "list the targets that reach R inferences per second,\n"
     "and why the others do not (exit 3 when none does)"},
    {"--targets", CLI_VALUE, OPT_TARGETS, B, CMD_BNNC, "--targets PATH",
     "add the targets of a .bnn file, or of every .bnn file\n"
     "in a folder, to the catalog (repeatable)"},
    {"--no-catalog", CLI_FLAG, OPT_NO_CATALOG, B, CMD_BNNC, "--no-catalog",
     "leave out the standard target catalog"},
    {"--rank", CLI_VALUE, OPT_RANK, B, CMD_BNNC, "--rank KEY",
     "order of the feasible targets: margin (default),\n"
     "price, power or fps"},
    {"--max-price", CLI_VALUE, OPT_MAX_PRICE, B, CMD_BNNC, "--max-price USD",
     "--solve-fps: only targets at most this price"},
    {"--max-power", CLI_VALUE, OPT_MAX_POWER, B, CMD_BNNC, "--max-power W",
     "--solve-fps: only targets at most this power"},
    {"--class", CLI_VALUE, OPT_CLASS, B, CMD_BNNC, "--class C[,C...]",
     "--solve-fps: only targets of these classes: mcu,\n"
     "application, desktop, server (repeatable)"},
    {"-f", CLI_SUFFIX, OPT_PASS, B, CMD_BNNC, "-fPASS, -fno-PASS",
     "turn a pass on or off: dce, fuse-bn-sign, compress,\n"
     "fuse-epilogue"},
    {"-O0", CLI_FLAG, OPT_O0, B, CMD_BNNC, "-O0, -O1", "all passes off / on (default -O1)"},
    {"-O1", CLI_FLAG, OPT_O1, B, 0, NULL, NULL},
    {"--dump-ir", CLI_FLAG, OPT_DUMP_IR, B, CMD_BNNC, "--dump-ir",
     "print the checked IR of every network and target"},
    {"--dump-ir-after", CLI_VALUE, OPT_DUMP_AFTER, B, CMD_BNNC, "--dump-ir-after=PASS",
     "print the IR after PASS ran (or would have run)"},
    /* bnnc bench: --reps, and its words for two options it shares. */
    {"--reps", CLI_VALUE, OPT_REPS, B, CMD_BENCH, "--reps N",
     "inferences per round (default: as many as fit in\n"
     "0.3 s, 5 to 2000); three rounds, the least median"},
    {"--clock", CLI_VALUE, OPT_CLOCK, 0, CMD_BENCH, "--clock F|host",
     "estimate at another clock; host: this machine's,\n"
     "measured"},
    {"--threads", CLI_VALUE, OPT_THREADS, 0, CMD_BENCH, "--threads N",
     "time the code of N threads (each layer in N\n"
     "parts, built with -pthread) against the estimate\n"
     "on N cores (default 1)"},
    {"--format", CLI_VALUE, OPT_FORMAT, 0, CMD_BENCH, "--format json", "the comparison as JSON"},
    /* bnnc run. */
    {"--weights", CLI_ONCE, OPT_WEIGHTS, CMD_RUN, CMD_RUN, "--weights FILE",
     "the parameters, a safetensors file"},
    {"--seed", CLI_VALUE, OPT_SEED, CMD_RUN, CMD_RUN, "--seed S",
     "without --weights: random parameters from seed S\n"
     "(default 1; a warning says so)"},
    {"--input", CLI_VALUE, OPT_INPUT, CMD_RUN, CMD_RUN, "--input FILE",
     "a .npy array for the next network input, or a\n"
     "batch of them"},
    {"--output", CLI_ONCE, OPT_OUTPUT, CMD_RUN, CMD_RUN, "--output PATH",
     "the output file, or folder"},
    {"--network", CLI_VALUE, OPT_NETWORK, CMD_RUN, CMD_RUN, "--network NAME",
     "the network to run when FILE declares several"},
    /* bnnc import. */
    {"-o", CLI_ONCE, OPT_OUT, CMD_IMPORT, CMD_IMPORT, "-o DIR",
     "the folder the two files go into (made if missing)"},
    /* bnnc calibrate. */
    {"-o", CLI_ONCE, OPT_OUT, CMD_CALIBRATE, CMD_CALIBRATE, "-o FILE",
     "the target description to write; with --from, the\n"
     "file for T's derived sections (default: standard output)"},
    {"--name", CLI_VALUE, OPT_NAME, CMD_CALIBRATE, CMD_CALIBRATE, "--name NAME",
     "the name of the target written (default host)"},
    {"--networks", CLI_FLAG, OPT_NETWORKS, CMD_CALIBRATE, CMD_CALIBRATE, "--networks",
     "print the calibration networks"},
    {"--from", CLI_VALUE, OPT_FROM, CMD_CALIBRATE, CMD_CALIBRATE, "--from CYCLES",
     "the file of their layers' cycles, had elsewhere"},
    {"--target", CLI_VALUE, OPT_TARGET, CMD_CALIBRATE, CMD_CALIBRATE, "--target T",
     "with --from: the target whose sections are derived"},
    {"--source", CLI_VALUE, OPT_SOURCE, CMD_CALIBRATE, CMD_CALIBRATE, "--source TEXT",
     "with --from: where the cycles came from, for the\n"
     "comments (default: an instruction model)"},
    /* bnnc weights. */
    {"--template", CLI_ONCE, OPT_TEMPLATE, CMD_WEIGHTS, CMD_WEIGHTS, "--template FILE",
     "write a safetensors file of the tensors: zeros\n"
     "(binary weights +1), or with --seed what bnnc run\n"
     "--seed makes"},
    {"--seed", CLI_VALUE, OPT_SEED, CMD_WEIGHTS, CMD_WEIGHTS, "--seed S",
     "with --template: the values of seed S"},
    {"--format", CLI_VALUE, OPT_FORMAT, CMD_WEIGHTS, CMD_WEIGHTS, "--format FMT",
     "the listing: text (default) or json"},
    {"--network", CLI_VALUE, OPT_NETWORK, CMD_WEIGHTS, CMD_WEIGHTS, "--network NAME",
     "the network when FILE declares several"},
    /* Shared. */
    {"-I", CLI_JOINED, OPT_INCLUDE, B | CMD_RUN | CMD_WEIGHTS, CMD_BNNC | CMD_RUN | CMD_WEIGHTS, "-I DIR",
     "add DIR to the import search path (repeatable)"},
    {"--color", CLI_EQUALS, OPT_COLOR, B | CMD_RUN | CMD_IMPORT | CMD_WEIGHTS,
     CMD_BNNC | CMD_RUN | CMD_IMPORT | CMD_WEIGHTS, "--color=WHEN", "colour diagnostics: auto (default), always, never"},
    {"--print-tables", CLI_FLAG, OPT_PRINT_TABLES, B, CMD_BNNC, "--print-tables",
     "print the language's keywords, operations,\n"
     "attributes, units and target properties"},
    {"-h", CLI_FLAG, OPT_HELP, ALL, ALL & ~CMD_BENCH, "-h, --help", "print this help and exit"},
    {"--help", CLI_FLAG, OPT_HELP, ALL, 0, NULL, NULL},
    {"--version", CLI_FLAG, OPT_VERSION, B, CMD_BNNC, "--version",
     "print the version and exit"},
};
const int cli_noptions = (int)(sizeof cli_options / sizeof cli_options[0]);

int cli_usage_error(const char *cmd, const char *fmt, const char *arg) {
    fputs("bnnc: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", cmd);
    return EXIT_USAGE;
}

const char *cli_nearest(Ctx *c, const char *s, const PtrVec *v, size_t off) {
    const char **names = mem_alloc(&c->arena, sizeof *names * (size_t)(v->n + 1));
    for (int i = 0; i < v->n; i++)
        names[i] = *(const char *const *)((const char *)v->v[i] + off);
    return ops_suggest(s, names, v->n);
}

/* The row of cmd that argument a spells in full, or NULL. */
static const CliOpt *cli_match(const CliCmd *cmd, const char *a) {
    for (int k = 0; k < cli_noptions; k++) {
        const CliOpt *o = &cli_options[k];
        size_t n = strlen(o->name);
        if (!(o->cmds & cmd->bit) || strncmp(a, o->name, n) != 0)
            continue;
        char after = a[n];
        switch (o->arg) {
        case CLI_FLAG:
            if (!after)
                return o;
            break;
        case CLI_VALUE:
        case CLI_ONCE:
            if (!after || after == '=')
                return o;
            break;
        case CLI_EQUALS:
            if (after == '=')
                return o;
            break;
        case CLI_JOINED:
            return o;
        case CLI_SUFFIX:
            if (after)
                return o;
            break;
        }
    }
    return NULL;
}

int cli_unknown_option(Ctx *c, const CliCmd *cmd, const char *a) {
    const char **names = mem_array(&c->arena, (size_t)cli_noptions, sizeof *names);
    int n = 0;
    for (int k = 0; k < cli_noptions; k++)
        if ((cli_options[k].cmds & cmd->bit) && strncmp(cli_options[k].name, "--", 2) == 0)
            names[n++] = cli_options[k].name;
    const char *near = ops_suggest(mem_strndup(&c->arena, a, strcspn(a, "=")), names, n);
    if (!near)
        return cli_usage_error(cmd->name, "unknown option '%s'", a);
    return cli_usage_error(cmd->name, "%s",
                           mem_printf(&c->arena, "unknown option '%s'; did you mean '%s'?", a, near));
}

void cli_help(FILE *f, const CliCmd *cmd) {
    fputs(cmd->head, f);
    for (int k = 0; k < cli_noptions; k++) {
        const CliOpt *o = &cli_options[k];
        if (!(o->help & cmd->bit))
            continue;
        int pad = 19 - (int)strlen(o->spell);
        fprintf(f, "  %s%*s", o->spell, pad < 2 ? 2 : pad, "");
        for (const char *p = o->text; *p;) {
            size_t l = strcspn(p, "\n");
            fprintf(f, "%.*s\n", (int)l, p);
            p += l;
            if (*p && *++p)
                fprintf(f, "%21s", "");
        }
    }
    /* The standard library folder in use, or none and why. */
    const char *problem = ctx_stdlib_problem();
    char none[4096];
    snprintf(none, sizeof none, "none: %s", problem ? problem : "");
    fprintf(f, cmd->foot, problem ? none : ctx_stdlib_dir());
}

/* getopt_long's view of cmd's rows: long options (val: 256 + the row's
 * index) and the short-option string, "-:" first (operands returned in
 * place as 1; a missing value as ':'). */
static void getopt_tables(const CliCmd *cmd, struct option *lo, char *so) {
    int nl = 0;
    char *p = so;
    *p++ = '-';
    *p++ = ':';
    for (int k = 0; k < cli_noptions; k++) {
        const CliOpt *o = &cli_options[k];
        if (!(o->cmds & cmd->bit))
            continue;
        if (o->name[1] == '-') {
            int has = o->arg == CLI_FLAG ? no_argument
                      : o->arg == CLI_EQUALS ? optional_argument : required_argument;
            lo[nl++] = (struct option){o->name + 2, has, NULL, 256 + k};
        } else if (!strchr(so, o->name[1])) {
            /* -O0 and -O1: -O with a value joined to it. */
            *p++ = o->name[1];
            if (o->arg != CLI_FLAG || o->name[2])
                *p++ = ':';
            if (o->arg == CLI_SUFFIX || o->name[2])
                *p++ = ':';
        }
    }
    lo[nl] = (struct option){NULL, 0, NULL, 0};
    *p = 0;
}

/* The options every command takes: --help, -I, --color. */
static int cli_common(Ctx *c, const CliCmd *cmd, const CliOpt *o, const char *v) {
    if (o->id == OPT_HELP) {
        cli_help(stdout, cmd);
        return -1;
    }
    if (o->id == OPT_INCLUDE) {
        vec_push(&c->arena, &c->search, (void *)v);
    } else if (strcmp(v, "always") == 0) {
        c->color = true;
    } else if (strcmp(v, "never") == 0) {
        c->color = false;
    } else if (strcmp(v, "auto") != 0) {
        return cli_usage_error(cmd->name, "--color takes auto, always or never, not '%s'", v);
    }
    return EXIT_OK;
}

int cli_parse(Ctx *c, const CliCmd *cmd, int argc, char **argv, CliFn fn, void *st) {
    struct option *lo = mem_array(&c->arena, (size_t)cli_noptions + 1, sizeof *lo);
    char *so = mem_alloc(&c->arena, 3 * (size_t)cli_noptions + 3);
    getopt_tables(cmd, lo, so);
    bool *seen = mem_array(&c->arena, (size_t)cli_noptions, sizeof *seen);
    optind = 0; /* glibc: start afresh */
    opterr = 0;
    for (int i = 1; i < argc;) {
        const char *a = argv[i];
        const CliOpt *o = NULL;
        if (a[0] == '-' && a[1] && !(o = cli_match(cmd, a)))
            return cli_unknown_option(c, cmd, a);
        int ch = getopt_long(argc, argv, so, lo, NULL);
        i = optind;
        const char *v = optarg;
        int rc;
        if (ch == ':')
            return cli_usage_error(cmd->name, o->id == OPT_INCLUDE ? "option '%s' needs a folder"
                                                                   : "option '%s' needs a value",
                                   a);
        if (ch == 1)
            rc = fn(c, st, NULL, v);
        else if (ch == '?' || !o) /* not reached: a was checked */
            return cli_usage_error(cmd->name, "unknown option '%s'", a);
        else {
            if (o->arg == CLI_ONCE && seen[o - cli_options])
                return cli_usage_error(cmd->name, "%s is given twice", o->name);
            seen[o - cli_options] = true;
            if (o->arg == CLI_FLAG)
                v = NULL;
            else if ((o->arg == CLI_VALUE || o->arg == CLI_ONCE) && o->name[1] != '-' &&
                     a[2] == '=')
                v++; /* -o=DIR */
            rc = o->id <= OPT_COLOR ? cli_common(c, cmd, o, v) : fn(c, st, o, v);
        }
        if (rc != EXIT_OK)
            return rc;
    }
    return EXIT_OK;
}

void cli_search_path(Ctx *c) {
    const char *p = getenv("BNNC_PATH");
    while (p && *p) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n)
            vec_push(&c->arena, &c->search, mem_strndup(&c->arena, p, n));
        p += n + (e ? 1 : 0);
    }
    /* Even when it is missing: the note of a missing import names it. */
    if (ctx_stdlib_dir())
        vec_push(&c->arena, &c->search, (void *)ctx_stdlib_dir());
}

int cli_seed(const char *cmd, const char *s, uint64_t *out) {
    char *end = NULL;
    errno = 0;
    bool digits = *s && *s != '-' && *s != '+';
    unsigned long long v = digits ? strtoull(s, &end, 10) : 0;
    if (!digits || *end || errno)
        return cli_usage_error(cmd, "--seed takes a whole number from 0 to 2^64 - 1, not '%s'", s);
    *out = v;
    return EXIT_OK;
}

IrGraph *cli_network(Ctx *c, const IrModule *m, const char *name, const char *what) {
    IrGraph *found = NULL;
    int n = 0;
    for (int i = 0; i < m->graphs.n; i++) {
        IrGraph *g = m->graphs.v[i];
        if (name ? strcmp(g->name, name) == 0 : g->loc.file == c->main_file) {
            found = g;
            n++;
        }
    }
    if (name && !found) {
        const char *sug = cli_nearest(c, name, &m->graphs, offsetof(IrGraph, name));
        diag_plain(c, "no network called '%s'%s%s%s", name, sug ? "; did you mean '" : "",
                   sug ? sug : "", sug ? "'?" : "");
    } else if (!found) {
        diag_plain(c, "the file declares no network to %s", what);
    } else if (n > 1) {
        diag_plain(c, "the file declares %d networks; choose one with --network NAME", n);
    }
    return n == 1 ? found : NULL;
}

int cli_finish(Ctx *c, int rc) {
    if (rc < 0) /* --help, --version */
        rc = EXIT_OK;
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        fputs("bnnc: error: cannot write the output\n", stderr);
        rc = EXIT_INPUT;
    }
    ctx_free(c);
    return rc;
}
