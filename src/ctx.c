/*
 * ctx.c: the compilation context and the standard library folder.
 */
#include "bnnc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ctx_init(Ctx *c) {
    *c = (Ctx){0};
    mem_init(&c->arena);
    c->err = stderr;
    c->main_file = -1;
    const char *nc = getenv("NO_COLOR");
    c->color = isatty(fileno(stderr)) && !(nc && *nc);
}

void ctx_free(Ctx *c) {
    /* Diagnostics a caller left held (a load with soft errors, no sema). */
    if (c->held.n || c->held.dropped)
        diag_flush(c);
    for (int i = 0; i < c->asts.n; i++)
        ast_free(c->asts.v[i]);
    mem_free(&c->arena);
}

static bool is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---------------------------------------------- the standard library
 *
 * Where the standard library is (docs/bnnc.1, ENVIRONMENT): the folder
 * BNNC_STDLIB names when it is set and not empty; else, for the bnnc of
 * the build folder it was built in, the source tree's stdlib/; else the
 * installed one, at BNNC_STDLIB_REL from the executable's own folder
 * (bin/../share/bnnc/stdlib with the default GNU install folders), so a
 * prefix that is moved whole keeps working. The executable is found
 * through /proc/self/exe, else through argv[0] (a path, or a name looked
 * up on PATH). There is one place per case and no fallback from one to
 * the next: when it is not a folder, ctx_stdlib_problem says where bnnc
 * looked and the commands that need the library fail with it. */

static const char *argv0_seen;

void ctx_set_argv0(const char *argv0) {
    argv0_seen = argv0;
}

static bool is_exec_file(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

bool ctx_find_exe(const char *argv0, const char *path, char *out) {
    if (!argv0 || !*argv0)
        return false;
    if (strchr(argv0, '/'))
        return is_exec_file(argv0) && realpath(argv0, out);
    /* A bare name is what a shell found on PATH (an empty entry is the
     * current folder, as for execvp). */
    while (path) {
        const char *e = strchr(path, ':');
        int n = e ? (int)(e - path) : (int)strlen(path);
        char cand[PATH_MAX];
        int l = snprintf(cand, sizeof cand, "%.*s%s%s", n ? n : 1, n ? path : ".", "/", argv0);
        if (l > 0 && l < (int)sizeof cand && is_exec_file(cand))
            return realpath(cand, out) != NULL;
        path = e ? e + 1 : NULL;
    }
    return false;
}

/* dir/rel, with each leading "../" of rel taking off one component of dir
 * (an absolute path free of links, as realpath gives). */
static void join_up(char *out, size_t size, const char *dir, const char *rel) {
    char d[PATH_MAX];
    snprintf(d, sizeof d, "%s", dir);
    while (strncmp(rel, "../", 3) == 0) {
        char *slash = strrchr(d, '/');
        if (slash && slash != d)
            *slash = 0;
        else
            snprintf(d, sizeof d, "/");
        rel += 3;
    }
    if (snprintf(out, size, "%s%s%s", d, strcmp(d, "/") ? "/" : "", rel) >= (int)size)
        snprintf(out, size, "%s", "(too long)");
}

static struct {
    bool done;
    const char *dir;     /* NULL: the executable's folder is unknown */
    bool found;
    char buf[PATH_MAX];
    char problem[2 * PATH_MAX + 200];
} stdlib_at;

static void stdlib_resolve(void) {
    if (stdlib_at.done)
        return;
    stdlib_at.done = true;
    const char *env = getenv("BNNC_STDLIB");
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0)
        exe[n] = 0;
    if (env && *env) {
        stdlib_at.dir = env;
        snprintf(stdlib_at.problem, sizeof stdlib_at.problem,
                 "no standard library folder '%s' (named by BNNC_STDLIB)", env);
    } else if (n <= 0 && !ctx_find_exe(argv0_seen, getenv("PATH"), exe)) {
        snprintf(stdlib_at.problem, sizeof stdlib_at.problem,
                 "no standard library: the bnnc executable's own folder is unknown (no "
                 "/proc/self/exe, and '%s' is not a file or on PATH); set BNNC_STDLIB to "
                 "its folder", argv0_seen ? argv0_seen : "");
        return;
    } else {
        *strrchr(exe, '/') = 0; /* its folder */
        char build[PATH_MAX];
        if (realpath(BNNC_BUILD_DIR, build) && strcmp(build, exe) == 0) {
            stdlib_at.dir = BNNC_STDLIB_SRC;
            snprintf(stdlib_at.problem, sizeof stdlib_at.problem,
                     "no standard library folder '%s' (the source tree of this build of bnnc; "
                     "set BNNC_STDLIB to use another)", BNNC_STDLIB_SRC);
        } else {
            join_up(stdlib_at.buf, sizeof stdlib_at.buf, exe, BNNC_STDLIB_REL);
            stdlib_at.dir = stdlib_at.buf;
            snprintf(stdlib_at.problem, sizeof stdlib_at.problem,
                     "no standard library folder '%s' (%s from the executable's folder; "
                     "set BNNC_STDLIB to use another)", stdlib_at.buf, BNNC_STDLIB_REL);
        }
    }
    stdlib_at.found = is_dir(stdlib_at.dir);
}

const char *ctx_stdlib_dir(void) {
    stdlib_resolve();
    return stdlib_at.dir;
}

const char *ctx_stdlib_problem(void) {
    stdlib_resolve();
    return stdlib_at.found ? NULL : stdlib_at.problem;
}
