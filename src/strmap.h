/*
 * strmap.h: a map from C strings to pointers, the one every name table of
 * bnnc uses (sema's scopes, the importers' names and values).
 *
 * Open addressing with linear probing over a power-of-two table kept at
 * most half full, hashed with str_hash (FNV-1a). Keys and values are not
 * copied: they must outlive the map. A map set to {0} is empty, compares
 * keys exactly and takes its table from malloc (strmap_free releases it);
 * strmap_init chooses an arena instead (nothing to free, the old tables
 * stay in the arena as the map grows) and whether keys compare ignoring
 * ASCII case.
 */
#ifndef BNNC_STRMAP_H
#define BNNC_STRMAP_H

#include "bnnc.h"

typedef struct {
    const char *key;
    void *val;
} StrSlot;

typedef struct {
    StrSlot *slots;
    size_t cap, n;     /* cap: 0 or a power of two; n keys set */
    Arena *arena;      /* NULL: malloc */
    bool fold;         /* keys compare ignoring ASCII case */
} StrMap;

void strmap_init(StrMap *m, Arena *arena, bool fold);
/* The value of key, or NULL when it is not set. */
void *strmap_get(const StrMap *m, const char *key);
/* Sets key to val (replacing a value it had); val may be NULL, which
 * strmap_get cannot tell from unset: strmap_has can. */
void strmap_put(StrMap *m, const char *key, void *val);
bool strmap_has(const StrMap *m, const char *key);
/* Releases a malloc'ed table; the map is empty again, its settings kept. */
void strmap_free(StrMap *m);

#endif
