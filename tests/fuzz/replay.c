/*
 * replay.c: runs a fuzz harness on files, without libFuzzer: the main
 * that the fuzz.replay test links each harness with (any compiler, any
 * sanitizer), so that the corpus seeds and every input a fuzzer once
 * found (tests/fuzz/regress/HARNESS/) are replayed by the test suite.
 *
 *   fuzz_NAME_replay FILE|DIR...
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int count;

static void run_file(const char *path) {
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    for (;;) {
        if (len == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 4096)))
            abort();
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0)
            break;
        len += got;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    count++;
}

static void run_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        exit(2);
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        exit(2);
    }
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p)
            abort();
        snprintf(p, n, "%s/%s", path, e->d_name);
        run_path(p);
        free(p);
    }
    closedir(d);
}

int main(int argc, char **argv) {
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++)
        run_path(argv[i]);
    printf("%s: %d inputs\n", argv[0], count);
    return 0;
}
