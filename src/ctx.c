/*
 * ctx.c: the compilation context and the standard library folder.
 */
#include "bnnc.h"

#include <stdlib.h>
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

/* The installed standard library if there is one, else the source tree's
 * (for a build that was not installed). BNNC_STDLIB overrides both. */
const char *ctx_stdlib_dir(void) {
    const char *env = getenv("BNNC_STDLIB");
    if (env && *env)
        return env;
    if (is_dir(BNNC_STDLIB_INSTALLED))
        return BNNC_STDLIB_INSTALLED;
    return BNNC_STDLIB_SRC;
}
