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
void run_free(Run *r);
/* The layer called `name` of the first network, or NULL. */
IrNode *find_node(Run *r, const char *name);
/* Fails the test unless the run failed with `text` in its messages. */
void assert_error(const char *src, const char *text);
/* Fails unless the shape of `name` is rank, d0, d1, d2. */
void assert_shape(Run *r, const char *name, int rank, int64_t d0, int64_t d1, int64_t d2);

#endif
