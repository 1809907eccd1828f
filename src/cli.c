/*
 * cli.c: what the two commands, `bnnc` (main.c) and `bnnc run`
 * (cmd_run.c), share on their command lines: usage errors, "--opt VALUE"
 * and "--opt=VALUE", the options every command takes (-I, --color), the
 * import search path, the seed, and the choice of a network.
 */
#include "bnnc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int cli_unknown_option(Ctx *c, const char *cmd, const char *usage, const char *a) {
    const char *names[128];
    int n = 0;
    for (const char *p = usage; (p = strstr(p, "--")) && n < 128;) {
        size_t l = 2;
        while (islower((unsigned char)p[l]) || p[l] == '-')
            l++;
        if (l > 2)
            names[n++] = mem_strndup(&c->arena, p, l);
        p += l;
    }
    const char *near = ops_suggest(mem_strndup(&c->arena, a, strcspn(a, "=")), names, n);
    if (!near)
        return cli_usage_error(cmd, "unknown option '%s'", a);
    return cli_usage_error(cmd, "%s",
                           mem_printf(&c->arena, "unknown option '%s'; did you mean '%s'?", a, near));
}

const char *cli_value(int argc, char **argv, int *i, const char *name, bool *missing) {
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != 0)
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

int cli_common(Ctx *c, int argc, char **argv, int *i, const char *cmd) {
    const char *a = argv[*i];
    if (strcmp(a, "-I") == 0) {
        if (*i + 1 >= argc)
            return cli_usage_error(cmd, "option '%s' needs a folder", a);
        vec_push(&c->arena, &c->search, argv[++*i]);
    } else if (strncmp(a, "-I", 2) == 0) {
        vec_push(&c->arena, &c->search, (char *)a + 2);
    } else if (strncmp(a, "--color=", 8) == 0) {
        const char *w = a + 8;
        if (strcmp(w, "always") == 0)
            c->color = true;
        else if (strcmp(w, "never") == 0)
            c->color = false;
        else if (strcmp(w, "auto") != 0)
            return cli_usage_error(cmd, "--color takes auto, always or never, not '%s'", w);
    } else {
        return -1;
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
    vec_push(&c->arena, &c->search, (void *)ctx_stdlib_dir());
}

bool cli_seed(const char *s, uint64_t *out) {
    if (!*s || *s == '-' || *s == '+')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return false;
    *out = v;
    return true;
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
