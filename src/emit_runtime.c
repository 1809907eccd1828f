/*
 * emit_runtime.c: the kernel library in the emitted code.
 *
 * The headers of runtime/ are linked into bnnc as data (runtime_files,
 * made at build time by cmake/embed_runtime.cmake), so bnnc needs no path
 * to its source tree. `--emit c` writes the ones a target's code includes
 * next to NAME.c (docs/codegen.md, "The kernel library"): the flavour
 * header of the target's `kernels` and bnn_kernels.h, with every header
 * they include in turn, byte for byte as in runtime/. `bnnc calibrate`
 * writes the flavour's blocks into its micro-benchmark instead, with the
 * includes expanded in place (runtime_expand).
 */
#include "bnnc.h"

#include <string.h>

const RuntimeFile *runtime_file(const char *name) {
    for (int i = 0; i < runtime_nfiles; i++)
        if (!strcmp(runtime_files[i].name, name))
            return &runtime_files[i];
    return NULL;
}

/* runtime/README.md, "Choosing the flavour": the Cortex-M header is for
 * 32-bit words, the portable one is the same code on 64; the others fall
 * back by themselves on 32-bit words. */
const char *runtime_flavour(const CostTarget *t) {
    const char *k = t->kernels ? t->kernels : "portable";
    if (!strcmp(k, "swar"))
        return t->word == 32 ? "bnn_cortexm.h" : "bnn_portable.h";
    if (!strcmp(k, "builtin"))
        return "bnn_builtin.h";
    if (!strcmp(k, "popcnt"))
        return "bnn_popcnt_x86.h";
    if (!strcmp(k, "avx2"))
        return "bnn_avx2.h";
    if (!strcmp(k, "avx512"))
        return "bnn_avx512.h";
    if (!strcmp(k, "neon"))
        return "bnn_neon.h";
    return "bnn_portable.h";
}

/* The name in a line `#include "NAME"` (into out), or false. */
static bool quoted_include(const char *line, const char *end, char *out, size_t len) {
    static const char pre[] = "#include \"";
    size_t n = sizeof pre - 1;
    if ((size_t)(end - line) <= n || strncmp(line, pre, n))
        return false;
    const char *s = line + n, *q = memchr(s, '"', (size_t)(end - s));
    if (!q || (size_t)(q - s) >= len)
        return false;
    memcpy(out, s, (size_t)(q - s));
    out[q - s] = '\0';
    return true;
}

void runtime_closure(const char *name, bool *used) {
    const RuntimeFile *f = runtime_file(name);
    if (!f || used[f - runtime_files])
        return;
    used[f - runtime_files] = true;
    const char *p = (const char *)f->text, *end = p + f->size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        char inc[64];
        if (quoted_include(p, le, inc, sizeof inc))
            runtime_closure(inc, used);
        p = nl ? nl + 1 : end;
    }
}

void runtime_expand(FILE *out, const char *name, bool *done) {
    const RuntimeFile *f = runtime_file(name);
    if (!f || done[f - runtime_files])
        return;
    done[f - runtime_files] = true;
    const char *p = (const char *)f->text, *end = p + f->size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl + 1 : end;
        char inc[64];
        if (quoted_include(p, le, inc, sizeof inc) && runtime_file(inc))
            runtime_expand(out, inc, done);
        else
            fwrite(p, 1, (size_t)(le - p), out);
        p = le;
    }
}
