/*
 * fuzz_h5.c: the Keras .h5 reader of bnnc import (import_keras_mem) on any
 * bytes, opened by HDF5 from memory (its core driver). A graph it accepts
 * must hold together: every input of a layer names an input of the
 * network or an earlier layer, every name is given once, each tensor has
 * its data and a shape of positive dimensions, every output names a value;
 * and import_write, which checks the .bnn text with bnnc's own front end
 * and the tensors with its safetensors reader, must accept it.
 *
 * HDF5 itself loops for minutes on some damaged files: each input is
 * first read in a child process with 2 seconds (import_keras_probe, as
 * bnnc import does with its own limit); an input the child does not
 * finish in time is skipped. HDF5 also crashes on some damaged files:
 * H5HG_read copies a heap object of the size the file gives, petabytes
 * (regress/h5/hdf5-heap-read-overrun); H5Fclose frees a global heap's
 * buffer that is not one (regress/h5/hdf5-heap-free), where even ASan's
 * report fails part way. bnnc import reports those as damaged files
 * through the child; here they are not findings. The child's standard
 * error goes to a file, and its sanitizer report says whose crash it was
 * (hdf5_crash): one whose first frame in a library or in bnnc's code is
 * in libhdf5 is HDF5's, and the input is skipped; any other failure of
 * the child is read here again, so that libFuzzer sees it. In a build
 * without AddressSanitizer (fuzz.replay with gcc) a child killed by a
 * signal leaves no report, cannot be told apart, and is skipped; the
 * sanitizer builds replay the same inputs.
 *
 * HDF5 also allocates what a damaged file says a string's length is (up
 * to 4 GiB, regress/h5/hdf5-vlen-huge); the reader bounds that with an
 * address-space limit while it reads strings, which AddressSanitizer's
 * shadow memory rules out: under ASan an allocation over 256 MiB fails
 * instead (__asan_default_options below; ASAN_OPTIONS may override it).
 */
#include "fuzz.h"
#include "import.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

#ifdef FUZZ_ASAN
/* Whether the first stack frame of a sanitizer report that is in libhdf5
 * or in bnnc's code is in libhdf5. Frames of the sanitizer's runtime and
 * interceptors and of libc (memcpy, free) are neither. */
static bool hdf5_crash(const char *r) {
    for (const char *l = strstr(r, "    #"); l; l = strstr(l + 1, "    #")) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), l);
        if (strstr(line, "libhdf5"))
            return true;
        /* bnnc's frames name their source file: "in f /.../src/x.c:12:3";
         * the runtime's name the executable: "(/.../fuzz_h5+0x1243d5)" */
        if ((strstr(line, "/src/") || strstr(line, "/tests/fuzz/")) && strstr(line, ".c:"))
            return false;
    }
    return false;
}
#endif

/* import_keras_probe with the child's standard error (its sanitizer
 * report) in a temporary file: *hdf5s when the child died in HDF5. */
static int probe(Ctx *c, const uint8_t *data, size_t size, bool *hdf5s) {
    *hdf5s = false;
    FILE *t = tmpfile();
    int saved = dup(2);
    if (!t || saved < 0)
        fuzz_fail("cannot make a temporary file for the child's report", NULL);
    fflush(stderr);
    dup2(fileno(t), 2);
    int st = 0;
    int rc = import_keras_probe(c, "fuzz.h5", data, size, 2, &st);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    if (rc == 2) {
#ifdef FUZZ_ASAN
        static char report[1 << 16];
        rewind(t);
        size_t n = fread(report, 1, sizeof report - 1, t);
        report[n] = 0;
        *hdf5s = hdf5_crash(report);
#else
        *hdf5s = WIFSIGNALED(st);
#endif
    }
    fclose(t);
    return rc;
}

static bool known(const ImpGraph *g, int upto, const char *name) {
    for (int i = 0; i < g->ninputs; i++)
        if (strcmp(g->inputs[i].name, name) == 0)
            return true;
    for (int i = 0; i < upto; i++)
        if (strcmp(g->layers[i].name, name) == 0)
            return true;
    return false;
}

const char *__asan_default_options(void);
__attribute__((used)) const char *__asan_default_options(void) {
    return "allocator_may_return_null=1:max_allocation_size_mb=256";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 20)
        return -1;
    Ctx c;
    fuzz_ctx(&c);
    bool hdf5s;
    int rc = probe(&c, data, size, &hdf5s);
    if (rc == 1 || hdf5s) {
        ctx_free(&c);
        return -1;
    }
    ImpGraph g;
    memset(&g, 0, sizeof g);
    g.a = &c.arena;
    g.network = "fuzz";
    g.source = "fuzz.h5";
    if (import_keras_mem(&c, "fuzz.h5", data, size, &g) == EXIT_OK) {
        if (g.ninputs < 1 || g.nlayers < 1 || g.noutputs < 1)
            fuzz_fail("an accepted model has no input, layer or output", NULL);
        for (int i = 0; i < g.nlayers; i++) {
            const ImpLayer *L = &g.layers[i];
            if (known(&g, i, L->name))
                fuzz_fail("a name is given twice", L->name);
            for (int j = 0; j < L->nin; j++)
                if (!known(&g, i, L->inputs[j]))
                    fuzz_fail("a layer reads a value not defined before it", L->name);
            for (int t = 0; t < L->ntensors; t++) {
                const ImpTensor *x = &L->tensors[t];
                if (!x->data || x->rank < 1 || x->rank > IMP_MAX_RANK)
                    fuzz_fail("a tensor has no data or a bad rank", L->name);
                for (int d = 0; d < x->rank; d++)
                    if (x->shape[d] < 1)
                        fuzz_fail("a tensor has a dimension below 1", L->name);
            }
        }
        for (int i = 0; i < g.noutputs; i++)
            if (!known(&g, g.nlayers, g.outputs[i]))
                fuzz_fail("an output names no value", g.outputs[i]);
        if (fuzz_import_small(&g)) {
            if (import_write(&c, &g, fuzz_dir(), "fuzz") == EXIT_INTERNAL)
                fuzz_fail("a model the Keras reader accepts makes a network bnnc refuses", NULL);
            fuzz_clean_dir();
        }
    }
    ctx_free(&c);
    return 0;
}
