/*
 * load.c: reading a program: the main file and, transitively, its imports.
 *
 * An import names a file relative to the importing file's folder or to a
 * folder of the search path (-I, BNNC_PATH, the standard library). A file
 * is read once, keyed by its canonical path. A cycle is reported at the
 * import that closes it, with a note for each import along the chain.
 * Every network, block and target found is recorded as a declaration for
 * sema. A file with syntax errors stops the load (its imports are not
 * read); a soft error (a missing or misplaced 'bnn 1;') does not: the load
 * succeeds, its diagnostics are held (diag_defer) for sema_run, which
 * reports the rest in line order and fails.
 */
#include "bnnc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const char *real;
    Loc at; /* the import that brought this file in */
} Frame;

typedef struct {
    Ctx *c;
    Frame stack[BNNC_MAX_NEST];
    int depth;
} Loader;

static bool is_file(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Something that is there but is not a regular file: a folder, a device,
 * a pipe, a socket. */
static bool is_other(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && !S_ISREG(st.st_mode);
}

static char *dir_of(Arena *a, const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        return mem_strdup(a, ".");
    if (slash == path)
        return mem_strdup(a, "/");
    return mem_strndup(a, path, (size_t)(slash - path));
}

static bool has_suffix(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Joins dir and name and removes "." and "dir/.." segments, so that
 * messages show "inc/x.bnn", not "./inc/../inc/x.bnn". */
static char *join_path(Arena *a, const char *dir, const char *name) {
    char *full = (name[0] == '/' || strcmp(dir, ".") == 0) ? mem_strdup(a, name)
                                                          : mem_printf(a, "%s/%s", dir, name);
    size_t n = strlen(full);
    const char **seg = mem_array(a, n + 1, sizeof(char *));
    int k = 0;
    bool abs = full[0] == '/';
    for (char *t = strtok(full, "/"); t; t = strtok(NULL, "/")) {
        if (strcmp(t, ".") == 0)
            continue;
        if (strcmp(t, "..") == 0 && k > 0 && strcmp(seg[k - 1], "..") != 0) {
            k--;
            continue;
        }
        seg[k++] = t;
    }
    char *out = mem_alloc(a, n + 3);
    char *p = out;
    if (abs)
        *p++ = '/';
    for (int i = 0; i < k; i++) {
        size_t l = strlen(seg[i]);
        if (i)
            *p++ = '/';
        memcpy(p, seg[i], l);
        p += l;
    }
    if (p == out)
        *p++ = '.';
    *p = 0;
    return out;
}

/* Finds an import; returns the path found or NULL. A regular file
 * NAME.bnn is looked for first in the importing file's folder, then along
 * the search path. When there is none, the first NAME.bnn or NAME there
 * that is something else (a folder, a device, a pipe) is returned, so that
 * loading it says what it is rather than that nothing was found. */
static char *find_import(Ctx *c, const char *from_dir, const char *name) {
    Arena *a = &c->arena;
    const char *suffix = has_suffix(name, ".bnn") ? "" : ".bnn";
    const char *file = mem_printf(a, "%s%s", name, suffix);
    int ndirs = name[0] == '/' ? 1 : c->search.n + 1;
    for (int i = 0; i < ndirs; i++) {
        char *p = join_path(a, i ? (char *)c->search.v[i - 1] : from_dir, file);
        if (is_file(p))
            return p;
    }
    for (int i = 0; i < ndirs; i++) {
        const char *dir = i ? (char *)c->search.v[i - 1] : from_dir;
        char *p = join_path(a, dir, file);
        if (is_other(p))
            return p;
        p = join_path(a, dir, name);
        if (*suffix && is_other(p))
            return p;
    }
    return NULL;
}

static int find_loaded(Ctx *c, const char *real) {
    for (int i = 0; i < c->files.n; i++) {
        SrcFile *f = c->files.v[i];
        if (strcmp(f->real, real) == 0)
            return i;
    }
    return -1;
}

static bool load_file(Loader *L, const char *path, Loc from);

static void do_imports(Loader *L, int file, Ast *root) {
    Ctx *c = L->c;
    SrcFile *f = c->files.v[file];
    char *dir = strcmp(f->path, "<stdin>") == 0 ? mem_strdup(&c->arena, ".")
                                                : dir_of(&c->arena, f->path);
    for (int i = 0; i < root->nkids; i++) {
        Ast *it = root->kids[i];
        if (it->kind != AST_IMPORT) {
            if (it->kind == AST_NETWORK || it->kind == AST_BLOCK || it->kind == AST_TARGET) {
                Decl *d = mem_alloc(&c->arena, sizeof *d);
                d->ast = it;
                d->file = file;
                d->weak = c->loading_weak;
                vec_push(&c->arena, &c->decls, d);
            }
            continue;
        }
        if (it->name[0] == 0) {
            diag_error(c, it->loc, "empty import name");
            continue;
        }
        char *found = find_import(c, dir, it->name);
        if (!found) {
            diag_error(c, it->loc, "cannot find import '%s'", it->name);
            char list[1024];
            int len = snprintf(list, sizeof list, "%s", dir);
            for (int k = 0; k < c->search.n && len < (int)sizeof list; k++)
                len += snprintf(list + len, sizeof list - (size_t)len, ", %s",
                                (char *)c->search.v[k]);
            diag_note(c, loc_none(), "looked for '%s%s' in: %s", it->name,
                      has_suffix(it->name, ".bnn") ? "" : ".bnn", list);
            if (ctx_stdlib_problem())
                diag_note(c, loc_none(), "%s", ctx_stdlib_problem());
            continue;
        }
        load_file(L, found, it->loc);
    }
}

static bool parse_and_import(Loader *L, int file, Loc from);

static bool load_file(Loader *L, const char *path, Loc from) {
    Ctx *c = L->c;
    char realbuf[PATH_MAX];
    const char *real = path;
    if (strcmp(path, "-") != 0 && realpath(path, realbuf))
        real = realbuf;
    for (int i = 0; i < L->depth; i++) {
        if (strcmp(L->stack[i].real, real) == 0) {
            diag_error(c, from, "import cycle: '%s' imports itself", path);
            int n = L->depth - 1 - i;
            for (int k = L->depth - 1, j = 0; k > i; k--, j++)
                if (diag_chain_note(c, j, n, "imports"))
                    diag_note(c, L->stack[k].at, "through this import");
            return false;
        }
    }
    if (find_loaded(c, real) >= 0)
        return true;
    if (L->depth >= BNNC_MAX_NEST) {
        diag_error(c, from, "imports are nested deeper than %d files", BNNC_MAX_NEST);
        return false;
    }
    int file = src_load(c, path, real, from);
    if (file < 0)
        return false;
    return parse_and_import(L, file, from);
}

static bool parse_and_import(Loader *L, int file, Loc from) {
    Ctx *c = L->c;
    if (c->main_file < 0)
        c->main_file = file;
    if (!src_validate(c, file))
        return false;
    int before = c->errors, soft = c->soft_errors;
    Ast *root = parse_file(c, file);
    if (!root)
        return false;
    vec_push(&c->arena, &c->asts, root);
    /* Imports named in a broken file would only cascade; but after a soft
     * error (a missing 'bnn 1;') the file is read as version 1. */
    if (c->errors - before != c->soft_errors - soft)
        return false;
    SrcFile *f = c->files.v[file];
    L->stack[L->depth++] = (Frame){f->real, from};
    do_imports(L, file, root);
    L->depth--;
    return true;
}

/* Ends a load that began with `before` errors, `soft` of them soft: true
 * when every error since is soft. Then checking goes on and what is held
 * waits for sema_run, to be printed in line order with its errors; else
 * (or when nothing is held) it is printed now. */
static bool load_end(Ctx *c, int before, int soft) {
    bool ok = c->errors - before == c->soft_errors - soft;
    if (!ok || (c->held.n == 0 && c->held.dropped == 0))
        diag_flush(c);
    return ok;
}

bool load_source(Ctx *c, const char *name, const char *text) {
    Loader L = {.c = c};
    int before = c->errors, soft = c->soft_errors;
    diag_defer(c);
    int file = src_add_text(c, name, text, strlen(text));
    parse_and_import(&L, file, loc_none());
    return load_end(c, before, soft);
}

bool load_program(Ctx *c, const char *path) {
    Loader L = {.c = c};
    int before = c->errors, soft = c->soft_errors;
    diag_defer(c);
    load_file(&L, path, loc_none());
    return load_end(c, before, soft);
}

bool load_catalog(Ctx *c) {
    char *path = find_import(c, ".", "std/targets");
    if (!path && ctx_stdlib_problem()) {
        diag_plain(c, "cannot find the target catalog 'std/targets.bnn': %s", ctx_stdlib_problem());
        return false;
    }
    if (!path) {
        diag_plain(c, "cannot find the target catalog 'std/targets.bnn' in the standard "
                      "library folder '%s'", ctx_stdlib_dir());
        return false;
    }
    c->loading_weak = true;
    bool ok = load_program(c, path);
    c->loading_weak = false;
    return ok;
}
