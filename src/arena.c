/*
 * arena.c: the one allocator of bnnc.
 *
 * Long-lived objects (IR nodes, names, target properties) are carved out
 * of large blocks owned by an Arena and released together by mem_free, so
 * there is no per-object free to get wrong. The parser's AST is the one
 * exception: it is malloc-owned so that Bison can discard subtrees during
 * error recovery (see ast.c). Out of memory is reported and ends the
 * process with status 70; nothing continues on a NULL pointer.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "bnnc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct MemBlock {
    MemBlock *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

static void oom(void) {
    fputs("bnnc: fatal error: out of memory\n", stderr);
    exit(EXIT_INTERNAL);
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* A block of n bytes; 2 MiB blocks are aligned and marked for huge
 * pages where the system has them. */
static MemBlock *block_alloc(size_t n) {
#ifdef MADV_HUGEPAGE
    if (n == (size_t)2 << 20) {
        void *p = NULL;
        if (posix_memalign(&p, n, n) != 0)
            oom();
        madvise(p, n, MADV_HUGEPAGE);
        return p;
    }
#endif
    return xmalloc(n);
}

void mem_init(Arena *a) {
    a->head = NULL;
    a->total = 0;
}

void mem_free(Arena *a) {
    MemBlock *b = a->head;
    while (b) {
        MemBlock *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void *mem_alloc(Arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    MemBlock *b = a->head;
    if (!b || b->cap - b->used < n) {
        /* Blocks grow with the arena, up to 2 MiB: a big program takes
         * few blocks, and the kernel may back them with huge pages, which
         * saves most of the page faults (docs/benchmarks.md). */
        size_t cap = a->total < (1u << 20) ? 65536 : ((size_t)2 << 20) - sizeof(MemBlock);
        if (cap < n) {
            /* A block of its own, behind the current one: the room left
             * in that one still serves the small objects that follow. */
            b = block_alloc(sizeof(MemBlock) + n);
            b->cap = b->used = n;
            b->next = a->head ? a->head->next : NULL;
            if (a->head)
                a->head->next = b;
            else
                a->head = b;
            a->total += n;
            memset(b->data, 0, n);
            return b->data;
        }
        b = block_alloc(sizeof(MemBlock) + cap);
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

void *mem_array(Arena *a, size_t n, size_t sz) {
    if (sz && n > SIZE_MAX / sz / 2)
        oom();
    return mem_alloc(a, n * sz);
}

char *mem_strndup(Arena *a, const char *s, size_t n) {
    char *p = mem_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

uint64_t str_hash(const char *s) {
    uint64_t h = 0xCBF29CE484222325ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 0x100000001B3ull;
    return h;
}

char *mem_strdup(Arena *a, const char *s) { return mem_strndup(a, s, strlen(s)); }

char *mem_printf(Arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    char *p = mem_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void vec_push(Arena *a, PtrVec *v, void *p) {
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 8;
        void **nv = mem_array(a, (size_t)cap, sizeof(void *));
        if (v->n)
            memcpy(nv, v->v, (size_t)v->n * sizeof(void *));
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = p;
}
