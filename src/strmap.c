/*
 * strmap.c: the string map of strmap.h.
 */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

static unsigned char lower(unsigned char ch) {
    return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch - 'A' + 'a') : ch;
}

static uint64_t hash(const char *s, bool fold) {
    if (!fold)
        return str_hash(s);
    uint64_t h = 0xCBF29CE484222325ull; /* str_hash of the lower-case key */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ lower(*p)) * 0x100000001B3ull;
    return h;
}

static bool same(const char *a, const char *b, bool fold) {
    if (!fold)
        return strcmp(a, b) == 0;
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (; *x && lower(*x) == lower(*y); x++, y++)
        ;
    return lower(*x) == lower(*y);
}

void strmap_init(StrMap *m, Arena *arena, bool fold) {
    *m = (StrMap){NULL, 0, 0, arena, fold};
}

/* Where key is, or the empty slot where it would go (cap > 0). */
static size_t slot(const StrMap *m, const char *key) {
    size_t i = (size_t)hash(key, m->fold) & (m->cap - 1);
    while (m->slots[i].key && !same(m->slots[i].key, key, m->fold))
        i = (i + 1) & (m->cap - 1);
    return i;
}

void *strmap_get(const StrMap *m, const char *key) {
    return m->cap ? m->slots[slot(m, key)].val : NULL;
}

bool strmap_has(const StrMap *m, const char *key) {
    return m->cap && m->slots[slot(m, key)].key;
}

static void grow(StrMap *m) {
    size_t cap = m->cap ? 2 * m->cap : 16;
    StrMap big = *m;
    big.cap = cap;
    big.n = 0;
    if (m->arena) {
        big.slots = mem_array(m->arena, cap, sizeof(StrSlot));
    } else {
        big.slots = xmalloc(cap * sizeof(StrSlot));
        memset(big.slots, 0, cap * sizeof(StrSlot));
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            big.slots[slot(&big, m->slots[i].key)] = m->slots[i], big.n++;
    if (!m->arena)
        free(m->slots);
    *m = big;
}

void strmap_put(StrMap *m, const char *key, void *val) {
    if (2 * (m->n + 1) > m->cap)
        grow(m);
    size_t i = slot(m, key);
    if (!m->slots[i].key)
        m->n++;
    m->slots[i] = (StrSlot){key, val};
}

void strmap_free(StrMap *m) {
    if (!m->arena)
        free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}
