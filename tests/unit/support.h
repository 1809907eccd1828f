/* support.h: helpers shared by the unit tests. */
#ifndef BNNC_TEST_SUPPORT_H
#define BNNC_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "bnnc.h"

typedef struct {
    Ctx c;
    IrModule m;
    char *diag;     /* everything printed on the error stream */
    size_t diag_len;
    FILE *err;
    bool ok;
} Run;

/* Compiles `src` (load, sema, verify); diagnostics go to r->diag. */
void run_source(Run *r, const char *src);
/* The same for a file; with `catalog`, std/targets is loaded as well (as
 * `bnnc FILE --target NAME` does for a target the file does not declare). */
void run_file(Run *r, const char *path, bool catalog);
void run_free(Run *r);
/* The layer called `name` of the first network, or NULL. */
IrNode *find_node(Run *r, const char *name);
/* Fails the test unless the run failed with `text` in its messages. */
void assert_error(const char *src, const char *text);
/* Fails unless the shape of `name` is rank, d0, d1, d2. */
void assert_shape(Run *r, const char *name, int rank, int64_t d0, int64_t d1, int64_t d2);

/* The cost model on a compiled run. */

/* Reads target `name` of r's module with cost_target. Returns false when
 * there is no such target or cost_target refuses it; messages in r->diag. */
bool run_target(Run *r, const char *name, CostTarget *t);
/* Runs the pass pipeline (every pass on but those whose bit (1u << PassId)
 * is set in `off`) with target t (NULL: none), as the driver does; the IR
 * verifier runs after each pass. Returns pass_run's result. */
bool run_passes(Run *r, const CostTarget *t, unsigned off);

/* A whole estimate: compile, target, passes, cost_run on the first network. */
typedef struct {
    Run r;
    CostTarget t;
    CostResult res;
} Est;

/* Fails the test if any step fails. `off` as for run_passes. */
void est_source(Est *e, const char *src, const char *target, unsigned off, MemModel model,
                int threads);
void est_free(Est *e);
/* The layer called `name` of the estimate; fails the test if there is none. */
const CostLayer *find_layer(const Est *e, const char *name);

/* Fails unless got and want agree to a relative 1e-12 (exact in practice:
 * the expected values are sums and products of small binary fractions). */
#define assert_near(got, want) assert_near_at((got), (want), #got, __FILE__, __LINE__)
void assert_near_at(double got, double want, const char *what, const char *file, int line);

/* Files for the interpreter's tests. */

/* A context whose diagnostics go to memory, uncoloured: what a test that
 * calls a module directly checks its messages with. */
typedef struct {
    Ctx c;
    char *diag;
    size_t len;
    FILE *err;
} Quiet;
void quiet_init(Quiet *q);
void quiet_free(Quiet *q);
/* Everything reported so far ("" when nothing). */
const char *quiet_diag(Quiet *q);

/* A fresh temporary folder (removed by tmp_cleanup); paths inside it. */
const char *tmp_dir(void);
const char *tmp_path(const char *name);
void tmp_cleanup(void);
/* A cmocka teardown that calls tmp_cleanup. */
int tmp_teardown(void **state);
/* Writes n bytes to path; fails the test if it cannot. */
void write_bytes(const char *path, const void *p, size_t n);

/* A tensor of a safetensors file written by st_write: dtype "F32", "I8"...,
 * shape, and its data (bytes, little-endian). */
typedef struct {
    const char *name;
    const char *dtype;
    int rank;
    int64_t dims[4];
    const void *data;
    size_t bytes;
} StTensor;
/* Writes the tensors to a safetensors file, data in the order given. */
void st_write(const char *path, const StTensor *t, int n);
/* The same with "__metadata__" holding `meta` (the object's members as
 * JSON text, "\"k\":\"v\""; st_write's is "\"format\":\"pt\""). */
void st_write_meta(const char *path, const char *meta, const StTensor *t, int n);
/* The same with a header given as text and raw data after it. */
void st_write_raw(const char *path, const char *header, const void *data, size_t n);

#endif
