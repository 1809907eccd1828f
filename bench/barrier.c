/*
 * barrier.c: the cost of one bnn_parallel_for of runtime/bnn_threads.h,
 * the pool the code of `bnnc --emit c --threads N` runs each layer on:
 * the `sync` of a target (docs/cost-model.md, the parallel term).
 *
 *     cc -std=c99 -O2 -pthread -Iruntime -DBNN_THREADS=2 -o barrier bench/barrier.c
 *     ./barrier [CALLS [WORK]]
 *
 * Times CALLS (default 20000) calls of bnn_parallel_for with N parts
 * that each work WORK us (default 5: a loop on the clock), back to back
 * as a network's layers are, after 1000 to start the pool and warm up;
 * five rounds. With the parts on N cores a call would take WORK us: what
 * it takes beyond is the sync, printed as the least and the median over
 * the rounds. (Parts that do nothing measure nothing: the caller claims
 * them all before a worker comes.) The calls of one inference are as
 * close together (a layer of QuickNet takes 5 to 200 us), so the workers
 * are spinning, not asleep, when one comes.
 */
#define _POSIX_C_SOURCE 199309L
#define BNN_W 64
#include "bnn_kernels.h"
#include "bnn_threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double work;

static void part(void *ctx, int t)
{
    (void)ctx;
    (void)t;
    double t0 = now();
    while (now() - t0 < work)
        ;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 20000;
    work = (argc > 2 ? atof(argv[2]) : 5) * 1e-6;
    double r[5];
    for (int k = 0; k < 1000; k++)
        bnn_parallel_for(part, NULL, BNN_THREADS);
    for (int round = 0; round < 5; round++) {
        double t0 = now();
        for (long k = 0; k < calls; k++)
            bnn_parallel_for(part, NULL, BNN_THREADS);
        r[round] = (now() - t0) / (double)calls - work;
    }
    qsort(r, 5, sizeof r[0], cmp);
    printf("threads %d, parts of %.3g us: sync %.3g us a call (least of 5 rounds), median %.3g us\n",
           BNN_THREADS, work * 1e6, r[0] * 1e6, r[2] * 1e6);
    return 0;
}
