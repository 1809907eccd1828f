/*
 * main.c: the bnnc driver.
 *
 * Parses the command line, then runs the pipeline as a straight list of
 * calls: load (read, validate, parse, imports) -> sema (IR) -> verify ->
 * the requested output. Exit status: 0 ok, 1 errors in the input, 2 bad
 * usage, 70 internal error (docs/bnnc.1).
 */
#include "bnnc.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: bnnc [options] FILE\n"
    "\n"
    "Checks a .bnn file (a network, block and target description) and exits\n"
    "0 without output when it is valid. FILE may be '-' for standard input.\n"
    "\n"
    "options:\n"
    "  --dump-ir          print the checked IR of every network and target\n"
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
    "exit status: 0 ok, 1 errors in the input, 2 bad usage, 70 internal error\n";

typedef struct {
    const char *file;
    bool dump_ir;
    bool print_tables;
} Options;

static int usage_error(const char *fmt, const char *arg) {
    fputs("bnnc: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'bnnc --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

static void print_list(const char *kind, const char *const *names) {
    for (int i = 0; names[i]; i++)
        printf("%s %s\n", kind, names[i]);
}

static void print_tables(void) {
    print_list("keyword", lex_keywords);
    print_list("type", lex_types);
    for (int i = 0; i < OP_COUNT; i++)
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

static void add_search_path(Ctx *c, const char *list) {
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n)
            vec_push(&c->arena, &c->search, mem_strndup(&c->arena, p, n));
        p += n + (e ? 1 : 0);
    }
}

int main(int argc, char **argv) {
    Ctx c;
    ctx_init(&c);
    Options o = {0};
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf(usage_text, ctx_stdlib_dir());
            goto done;
        } else if (strcmp(a, "--version") == 0) {
            printf("bnnc %s (.bnn language version %d)\n", BNNC_VERSION, BNNC_LANG_VERSION);
            goto done;
        } else if (strcmp(a, "--dump-ir") == 0) {
            o.dump_ir = true;
        } else if (strcmp(a, "--print-tables") == 0) {
            o.print_tables = true;
        } else if (strcmp(a, "-I") == 0) {
            if (i + 1 >= argc) {
                rc = usage_error("option '%s' needs a folder", a);
                goto done;
            }
            vec_push(&c.arena, &c.search, argv[++i]);
        } else if (strncmp(a, "-I", 2) == 0) {
            vec_push(&c.arena, &c.search, (char *)a + 2);
        } else if (strncmp(a, "--color=", 8) == 0) {
            const char *w = a + 8;
            if (strcmp(w, "always") == 0)
                c.color = true;
            else if (strcmp(w, "never") == 0)
                c.color = false;
            else if (strcmp(w, "auto") != 0) {
                rc = usage_error("--color takes auto, always or never, not '%s'", w);
                goto done;
            }
        } else if (a[0] == '-' && a[1] != 0) {
            rc = usage_error("unknown option '%s'", a);
            goto done;
        } else if (o.file) {
            rc = usage_error("more than one input file ('%s')", a);
            goto done;
        } else {
            o.file = a;
        }
    }
    if (o.print_tables) {
        print_tables();
        goto done;
    }
    if (!o.file) {
        rc = usage_error("%s", "no input file");
        goto done;
    }
    const char *env = getenv("BNNC_PATH");
    if (env)
        add_search_path(&c, env);
    vec_push(&c.arena, &c.search, (void *)ctx_stdlib_dir());

    IrModule m;
    memset(&m, 0, sizeof m);
    if (!load_program(&c, o.file) || !sema_run(&c, &m)) {
        rc = EXIT_INPUT;
        goto done;
    }
    if (!ir_verify(&c, &m, NULL)) {
        rc = EXIT_INTERNAL;
        goto done;
    }
    if (o.dump_ir)
        ir_dump(stdout, &m);
done:
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        fputs("bnnc: error: cannot write the output\n", stderr);
        rc = EXIT_INPUT;
    }
    ctx_free(&c);
    return rc;
}
