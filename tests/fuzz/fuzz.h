/*
 * fuzz.h: what the libFuzzer harnesses of tests/fuzz share. Each harness
 * defines LLVMFuzzerTestOneInput (and may define LLVMFuzzerInitialize);
 * built with clang -fsanitize=fuzzer (CMake option BNNC_FUZZ), or with
 * replay.c's main, which runs it on files (the fuzz.replay test).
 *
 * A harness aborts when bnnc breaks a promise that is not a sanitizer's
 * business: an internal error on a checked network, a valid generated
 * network rejected, an emission that fails. libFuzzer keeps the input.
 */
#ifndef BNNC_FUZZ_H
#define BNNC_FUZZ_H

#include "bnnc.h"
#include "import.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A fresh context whose diagnostics go to /dev/null (they are formatted
 * all the same), with the standard library on the search path. */
void fuzz_ctx(Ctx *c);
/* A NUL-terminated copy of the input (free it), or NULL when the harness
 * should skip it: the text names a file under /proc, /sys or /dev (an
 * import of /proc/kmsg would block), or it is over `max` bytes. */
char *fuzz_text(const uint8_t *data, size_t size, size_t max);
/* The stream the harnesses print reports and IR to: /dev/null. */
FILE *fuzz_sink(void);
/* Stops the process with a message: a finding. */
_Noreturn void fuzz_fail(const char *what, const char *text);
/* A folder for files written by a harness (made once, under $TMPDIR or
 * /dev/shm), emptied by fuzz_clean_dir. */
const char *fuzz_dir(void);
void fuzz_clean_dir(void);

/* An imported graph with no tensor or input over 2^20 elements: a larger
 * network may pass the language's limits (docs/robustness.md section 2),
 * an error of the checked text then, not a finding. */
bool fuzz_import_small(const ImpGraph *g);

#endif
