/*
 * fuzz.c: helpers of the fuzz harnesses (fuzz.h).
 */
#define _GNU_SOURCE /* memmem */
#include "fuzz.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *fuzz_sink(void) {
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w"))) {
        perror("/dev/null");
        abort();
    }
    return null;
}

void fuzz_ctx(Ctx *c) {
    ctx_init(c);
    c->err = fuzz_sink();
    c->color = false;
    if (ctx_stdlib_dir()) /* NULL: no /proc and no BNNC_STDLIB */
        vec_push(&c->arena, &c->search, (void *)ctx_stdlib_dir());
}

char *fuzz_text(const uint8_t *data, size_t size, size_t max) {
    if (size > max)
        return NULL;
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = 0;
    static const char *const banned[] = {"/proc", "/sys", "/dev"};
    for (int i = 0; i < 3; i++)
        if (memmem(s, size, banned[i], strlen(banned[i]))) {
            free(s);
            return NULL;
        }
    return s;
}

void fuzz_fail(const char *what, const char *text) {
    fprintf(stderr, "fuzz: %s\n", what);
    if (text)
        fprintf(stderr, "---- input ----\n%s\n---------------\n", text);
    abort();
}

static char dir[256];
static void remove_dir(void);

const char *fuzz_dir(void) {
    if (dir[0])
        return dir;
    const char *base = getenv("TMPDIR");
    struct stat st;
    if (!base || !*base)
        base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/bnnc-fuzz-XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror(dir);
        abort();
    }
    atexit(remove_dir);
    return dir;
}

/* Removes what a harness wrote (one level of folders). */
static void clean(const char *path) {
    DIR *d = opendir(path);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        if (unlink(p) != 0) {
            clean(p);
            rmdir(p);
        }
    }
    closedir(d);
}

void fuzz_clean_dir(void) {
    if (dir[0])
        clean(dir);
}

static void remove_dir(void) {
    fuzz_clean_dir();
    rmdir(dir);
}

bool fuzz_import_small(const ImpGraph *g) {
    for (int i = 0; i < g->ninputs; i++) {
        int64_t n = 1;
        for (int k = 0; k < g->inputs[i].rank; k++)
            n *= g->inputs[i].shape[k];
        if (n > (1 << 20))
            return false;
    }
    for (int i = 0; i < g->nlayers; i++)
        for (int t = 0; t < g->layers[i].ntensors; t++)
            if (imp_tensor_elems(&g->layers[i].tensors[t]) > (1 << 20))
                return false;
    return true;
}
