/*
 * bnn_threads.h: bnn_parallel_for, which the code of bnnc --emit-threads N
 * calls once a layer (docs/codegen.md, "Threads"):
 *
 *     void bnn_parallel_for(void (*fn)(void *ctx, int t), void *ctx, int n);
 *
 * calls fn(ctx, t) for t = 0 .. n - 1, in any order, on any threads, at
 * once or not, and returns when all n calls have returned. The calls of
 * one layer write disjoint outputs (bnn_parts.h), so any such order
 * computes the same bits.
 *
 * Hosted (a POSIX system: Linux on x86-64 or AArch64), the default: a
 * pool of BNN_THREADS - 1 POSIX threads, created once, at the first call,
 * and kept; the caller is the pool's thread 0. Thread k runs the parts t
 * = k, k + BNN_THREADS, ... of each layer; a layer ends when every thread
 * has counted itself done (the barrier). Workers wait for the next layer
 * spinning a while (BNN_SPIN tests of a word, about 50 us), then asleep
 * on a condition variable, so that a program between inferences costs
 * no CPU; nothing is allocated after the pool is made. Inferences of two
 * contexts in two threads take the pool in turn, layer by layer (a
 * mutex), and compute the same bits. If the system refuses a thread, the
 * pool runs with the ones it has (the caller does the rest of the parts).
 * Link with -pthread. GNU C (gcc, clang): the shared words are read and
 * written with the __atomic builtins.
 *
 * Compiled with -DBNN_PARALLEL_HOOK (a microcontroller, an RTOS, a
 * program with a pool of its own), this header only declares
 * bnn_parallel_for: the program defines it (docs/codegen.md has an
 * example; a sequential one is `for (int t = 0; t < n; t++) fn(ctx, t);`).
 */
#ifndef BNN_THREADS_H
#define BNN_THREADS_H

#include "bnn_parts.h"

#ifndef BNN_THREADS
#error "define BNN_THREADS (the parts of each layer) before including bnn_threads.h"
#endif

#ifdef BNN_PARALLEL_HOOK

void bnn_parallel_for(void (*fn)(void *ctx, int t), void *ctx, int n);

#else

#if !defined(__GNUC__)
#error "the pool of bnn_threads.h needs GNU C atomics: build with -DBNN_PARALLEL_HOOK and define bnn_parallel_for"
#endif

#include <pthread.h>
#include <sched.h>

#ifndef BNN_SPIN
#define BNN_SPIN 20000
#endif

/* The pool: the layer's function, its context and parts, the generation
 * of the layer (one more each call), the threads done with it. */
static struct {
    pthread_mutex_t call; /* one caller at a time */
    pthread_mutex_t mu;   /* with wake: sleeping workers */
    pthread_cond_t wake;
    void (*fn)(void *, int);
    void *ctx;
    int n, nthreads;      /* parts of the layer; threads of the pool, caller included */
    unsigned gen;         /* __atomic */
    int done;             /* __atomic: workers done with generation gen */
} bnn_pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
              0, 0, 0, 1, 0u, 0};

static inline void bnn_pool_run(int k)
{
    for (int t = k; t < bnn_pool.n; t += bnn_pool.nthreads)
        bnn_pool.fn(bnn_pool.ctx, t);
}

static inline void *bnn_pool_worker(void *arg)
{
    int k = (int)(intptr_t)arg;
    unsigned seen = 0;
    for (;;) {
        unsigned g;
        long spins = 0;
        while ((g = __atomic_load_n(&bnn_pool.gen, __ATOMIC_ACQUIRE)) == seen && spins < BNN_SPIN)
            spins++;
        if (g == seen) {
            pthread_mutex_lock(&bnn_pool.mu);
            while ((g = __atomic_load_n(&bnn_pool.gen, __ATOMIC_ACQUIRE)) == seen)
                pthread_cond_wait(&bnn_pool.wake, &bnn_pool.mu);
            pthread_mutex_unlock(&bnn_pool.mu);
        }
        seen = g;
        bnn_pool_run(k);
        __atomic_add_fetch(&bnn_pool.done, 1, __ATOMIC_RELEASE);
    }
    return 0;
}

static inline void bnn_pool_start(void)
{
    pthread_attr_t at;
    int ok = pthread_attr_init(&at) == 0;
    if (ok)
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    for (int k = 1; k < BNN_THREADS && ok; k++) {
        pthread_t th;
        if (pthread_create(&th, &at, bnn_pool_worker, (void *)(intptr_t)k) != 0)
            break;
        bnn_pool.nthreads = k + 1;
    }
    if (ok)
        pthread_attr_destroy(&at);
}

static pthread_once_t bnn_pool_once = PTHREAD_ONCE_INIT;

static inline void bnn_parallel_for(void (*fn)(void *ctx, int t), void *ctx, int n)
{
    pthread_once(&bnn_pool_once, bnn_pool_start);
    if (bnn_pool.nthreads == 1) {
        for (int t = 0; t < n; t++)
            fn(ctx, t);
        return;
    }
    pthread_mutex_lock(&bnn_pool.call);
    bnn_pool.fn = fn;
    bnn_pool.ctx = ctx;
    bnn_pool.n = n;
    __atomic_store_n(&bnn_pool.done, 0, __ATOMIC_RELAXED);
    pthread_mutex_lock(&bnn_pool.mu); /* no worker between its test and its wait */
    __atomic_add_fetch(&bnn_pool.gen, 1u, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&bnn_pool.wake);
    pthread_mutex_unlock(&bnn_pool.mu);
    bnn_pool_run(0);
    long spins = 0;
    while (__atomic_load_n(&bnn_pool.done, __ATOMIC_ACQUIRE) < bnn_pool.nthreads - 1)
        if (++spins > BNN_SPIN)
            sched_yield();
    pthread_mutex_unlock(&bnn_pool.call);
}

#endif
#endif
