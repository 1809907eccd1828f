/*
 * bnn_threads.h: bnn_parallel_for, which the code of bnnc --emit c --threads N
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
 * and kept; the caller is one of the pool's threads. Each thread claims
 * the parts of a layer one at a time (an atomic counter), so a thread the
 * system has not scheduled delays nothing: the others do its parts; a
 * layer ends when all its parts are done (the barrier). Workers wait for the next layer
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

/* The pool. A call publishes the layer (fn, ctx, n), then its
 * generation; the parts are claimed one at a time from `next`, whose high
 * 32 bits are the generation and low 32 bits the next part, so that a
 * worker that wakes late claims nothing of a layer already done, nor of
 * the next one with the old function. A layer ends when `finished`
 * reaches n: the caller claims parts too, and does them all if no worker
 * comes (a worker the system has not scheduled costs no wait). */
static struct {
    pthread_mutex_t call; /* one caller at a time */
    pthread_mutex_t mu;   /* with wake: sleeping workers */
    pthread_cond_t wake;
    void (*fn)(void *, int);
    void *ctx;
    int n;                /* __atomic: parts of the layer */
    int nthreads;         /* threads of the pool, caller included */
    unsigned gen;         /* __atomic: the layer's generation */
    uint64_t next;        /* __atomic: generation << 32 | next part */
    int finished;         /* __atomic: parts of generation gen done */
} bnn_pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
              0, 0, 0, 1, 0u, 0u, 0};

/* Claims and runs the parts of generation g until none is left. */
static inline void bnn_pool_run(unsigned g)
{
    for (;;) {
        uint64_t v = __atomic_load_n(&bnn_pool.next, __ATOMIC_ACQUIRE);
        int t;
        do {
            t = (int)(uint32_t)v;
            if ((unsigned)(v >> 32) != g || (uint32_t)v >= (uint32_t)__atomic_load_n(&bnn_pool.n, __ATOMIC_RELAXED))
                return;
        } while (!__atomic_compare_exchange_n(&bnn_pool.next, &v, v + 1, 1, __ATOMIC_ACQ_REL,
                                              __ATOMIC_ACQUIRE));
        bnn_pool.fn(bnn_pool.ctx, t);
        __atomic_add_fetch(&bnn_pool.finished, 1, __ATOMIC_RELEASE);
    }
}

static inline void *bnn_pool_worker(void *arg)
{
    unsigned seen = 0;
    (void)arg;
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
        bnn_pool_run(g);
    }
    return 0;
}

static inline void bnn_pool_start(void)
{
    pthread_attr_t at;
    if (pthread_attr_init(&at) != 0)
        return;
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    for (int k = 1; k < BNN_THREADS; k++) {
        pthread_t th;
        if (pthread_create(&th, &at, bnn_pool_worker, 0) != 0)
            break;
        bnn_pool.nthreads = k + 1;
    }
    pthread_attr_destroy(&at);
}

static pthread_once_t bnn_pool_once = PTHREAD_ONCE_INIT;

static inline void bnn_parallel_for(void (*fn)(void *ctx, int t), void *ctx, int n)
{
    pthread_once(&bnn_pool_once, bnn_pool_start);
    if (bnn_pool.nthreads == 1 || n < 2) {
        for (int t = 0; t < n; t++)
            fn(ctx, t);
        return;
    }
    pthread_mutex_lock(&bnn_pool.call);
    unsigned g = bnn_pool.gen + 1u;
    /* Closed first (no part of the old layer left to claim, none of this
     * one yet), then the layer, then open. */
    __atomic_store_n(&bnn_pool.next, (uint64_t)g << 32 | 0xffffffffu, __ATOMIC_RELEASE);
    bnn_pool.fn = fn;
    bnn_pool.ctx = ctx;
    __atomic_store_n(&bnn_pool.n, n, __ATOMIC_RELAXED);
    __atomic_store_n(&bnn_pool.finished, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&bnn_pool.next, (uint64_t)g << 32, __ATOMIC_RELEASE);
    pthread_mutex_lock(&bnn_pool.mu); /* no worker between its test and its wait */
    __atomic_store_n(&bnn_pool.gen, g, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&bnn_pool.wake);
    pthread_mutex_unlock(&bnn_pool.mu);
    bnn_pool_run(g);
    long spins = 0;
    while (__atomic_load_n(&bnn_pool.finished, __ATOMIC_ACQUIRE) < n)
        if (++spins > BNN_SPIN)
            sched_yield();
    pthread_mutex_unlock(&bnn_pool.call);
}

#endif
#endif
