/*
 * fuzz_h5.c: the Keras .h5 reader of bnnc import (import_keras_mem) on any
 * bytes, opened by HDF5 from memory (its core driver). A graph it accepts
 * must hold together: every input of a layer names an input of the
 * network or an earlier layer, every name is given once, each tensor has
 * its data and a shape of positive dimensions, every output names a value;
 * and import_write, which checks the .bnn text with bnnc's own front end
 * and the tensors with its safetensors reader, must accept it.
 *
 * HDF5 (Debian's, not built with the sanitizers) is not safe on damaged
 * files: it loops for minutes on some, crashes on others (H5HG_read
 * copies a heap object of the size the file gives, petabytes:
 * regress/h5/hdf5-heap-read-overrun; H5Fclose frees a heap buffer that is
 * not one: regress/h5/hdf5-heap-free), and on some it writes over freed
 * memory unseen, so that the process fails minutes later in another
 * input's free. bnnc import reads a model in a child process for that
 * reason (import_keras_isolated). Here each input is read, checked and
 * written (all of the above) in a child process of its own with 2
 * seconds, its standard error in a file; the parent never runs HDF5. A
 * child that finishes copies its coverage counters (libFuzzer's inline
 * 8-bit counters) to shared memory and the parent copies them back, so
 * libFuzzer is guided as if the input ran in process. A child past its
 * time is skipped (HDF5 looping). A child that fails leaves a report:
 * a harness check's, or a sanitizer's whose first frame in a library or
 * in bnnc's code is bnnc's, is printed and the parent aborts (libFuzzer
 * keeps the input); one whose first such frame is in libhdf5 is HDF5's
 * and the input is skipped. In a build without AddressSanitizer
 * (fuzz.replay with gcc) a crash leaves no stack to tell by and is
 * skipped; the sanitizer builds replay the same inputs. In the child,
 * LeakSanitizer checks for leaks before it ends (lsan.supp excuses
 * HDF5's own).
 *
 * HDF5 also allocates what a damaged file says a string's length is (up
 * to 4 GiB, regress/h5/hdf5-vlen-huge); the reader bounds that with an
 * address-space limit while it reads strings, which AddressSanitizer's
 * shadow memory rules out: under ASan an allocation over 256 MiB fails
 * instead (__asan_default_options below; ASAN_OPTIONS may override it).
 */
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS */
#include "fuzz.h"
#include "import.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef BNNC_ASAN
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

/* What the child does with the input: read it, check the graph, write it.
 * A failed check aborts (fuzz_fail). */
static void check(const uint8_t *data, size_t size) {
    Ctx c;
    fuzz_ctx(&c);
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
}

/* libFuzzer's coverage counters (inline 8-bit counters), where the
 * harness is built with it: the range each instrumented module registers,
 * seen through the linker's --wrap (tests/fuzz/CMakeLists.txt). Declaring
 * the section's own __start_ and __stop_ symbols here instead would make
 * the instrumentation of this file register nothing. */
static uint8_t *cntrs_start, *cntrs_stop;
#ifdef FUZZ_COUNTERS
void __real___sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
void __wrap___sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
void __wrap___sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop) {
    if (!cntrs_start || (start <= cntrs_start && stop >= cntrs_stop)) {
        cntrs_start = start;
        cntrs_stop = stop;
    }
    __real___sanitizer_cov_8bit_counters_init(start, stop);
}
#endif
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

/* The exit status of a child that found leaks. */
#define LEAKED 23

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 20)
        return -1;
    size_t ncov = cntrs_start ? (size_t)(cntrs_stop - cntrs_start) : 0;
    uint8_t *cov = mmap(NULL, ncov ? ncov : 1, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                        -1, 0);
    FILE *t = tmpfile();
    (void)fuzz_dir(); /* made here: the child ends without atexit */
    fflush(stdout);
    fflush(stderr);
    int saved = dup(2);
    if (cov == MAP_FAILED || !t || saved < 0)
        fuzz_fail("cannot set up the child process", NULL);
    dup2(fileno(t), 2);
    pid_t pid = fork();
    if (pid == 0) {
        /* libFuzzer's death callback would write a crash file from here */
        if (__sanitizer_set_death_callback)
            __sanitizer_set_death_callback(NULL);
        import_alarm(2);
        check(data, size);
        if (__lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check())
            _exit(LEAKED);
        if (ncov)
            memcpy(cov, cntrs_start, ncov);
        _exit(0);
    }
    int st = 0;
    while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    if (pid < 0)
        fuzz_fail("cannot start the child process", NULL);
    int rc = 0;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        if (ncov)
            memcpy(cntrs_start, cov, ncov);
    } else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
        rc = -1; /* HDF5 looping */
    } else {
        static char report[1 << 16];
        rewind(t);
        size_t n = fread(report, 1, sizeof report - 1, t);
        report[n] = 0;
        bool ours = strstr(report, "fuzz: ") != NULL; /* fuzz_fail */
#ifdef BNNC_ASAN
        ours = ours || !hdf5_crash(report);
#endif
        if (ours) {
            fputs(report, stderr);
            fprintf(stderr, "fuzz_h5: the child process failed (%s %d)\n",
                    WIFSIGNALED(st) ? "signal" : "exit status",
                    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
            abort();
        }
        rc = -1; /* HDF5's own crash */
    }
    fclose(t);
    munmap(cov, ncov ? ncov : 1);
    return rc;
}
