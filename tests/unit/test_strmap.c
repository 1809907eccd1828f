/*
 * test_strmap.c: the string map every name table uses (src/strmap.c):
 * set, get, replace, a NULL value told from an unset key, growth through
 * many keys with every one still found, keys compared ignoring case or
 * not, malloc'ed and arena tables, and a freed map used again.
 */
#include "support.h"

#include "../../src/strmap.h"

#include <stdio.h>
#include <string.h>

static void test_basic(void **state) {
    (void)state;
    StrMap m = {0};
    int a = 1, b = 2;
    assert_null(strmap_get(&m, "x"));
    assert_false(strmap_has(&m, "x"));
    strmap_put(&m, "x", &a);
    strmap_put(&m, "y", &b);
    assert_ptr_equal(strmap_get(&m, "x"), &a);
    assert_ptr_equal(strmap_get(&m, "y"), &b);
    assert_null(strmap_get(&m, "X"));      /* exact by default */
    strmap_put(&m, "x", &b);               /* replaced, not added */
    assert_ptr_equal(strmap_get(&m, "x"), &b);
    assert_int_equal(m.n, 2);
    strmap_put(&m, "nothing", NULL);
    assert_null(strmap_get(&m, "nothing"));
    assert_true(strmap_has(&m, "nothing"));
    assert_false(strmap_has(&m, "nothin"));
    assert_int_equal(m.n, 3);
    strmap_free(&m);
    assert_int_equal(m.n, 0);
    assert_false(strmap_has(&m, "x"));
    strmap_put(&m, "again", &a);           /* usable after strmap_free */
    assert_ptr_equal(strmap_get(&m, "again"), &a);
    strmap_free(&m);
}

/* 20,000 keys: the table doubles many times and stays at most half full. */
static void grow(StrMap *m, Arena *keys) {
    enum { N = 20000 };
    char **k = mem_array(keys, N, sizeof *k);
    for (int i = 0; i < N; i++) {
        k[i] = mem_printf(keys, "layer_%d", i);
        strmap_put(m, k[i], k[i]);
    }
    assert_int_equal(m->n, N);
    assert_true(m->cap >= 2 * (size_t)N);
    assert_int_equal(m->cap & (m->cap - 1), 0);
    for (int i = 0; i < N; i++) {
        char probe[32];
        snprintf(probe, sizeof probe, "layer_%d", i);  /* another pointer, same text */
        assert_ptr_equal(strmap_get(m, probe), k[i]);
    }
    assert_null(strmap_get(m, "layer_20000"));
    assert_null(strmap_get(m, "layer_"));
}

static void test_grow_malloc(void **state) {
    (void)state;
    Arena keys;
    mem_init(&keys);
    StrMap m = {0};
    grow(&m, &keys);
    strmap_free(&m);
    mem_free(&keys);
}

static void test_grow_arena(void **state) {
    (void)state;
    Arena a;
    mem_init(&a);
    StrMap m;
    strmap_init(&m, &a, false);
    grow(&m, &a);
    strmap_free(&m);   /* nothing of the arena's is freed */
    assert_int_equal(m.cap, 0);
    mem_free(&a);
}

static void test_fold(void **state) {
    (void)state;
    StrMap m;
    strmap_init(&m, NULL, true);
    int a = 1, b = 2;
    strmap_put(&m, "Conv_1", &a);
    assert_ptr_equal(strmap_get(&m, "conv_1"), &a);
    assert_ptr_equal(strmap_get(&m, "CONV_1"), &a);
    assert_null(strmap_get(&m, "conv_12"));
    assert_null(strmap_get(&m, "conv_"));
    strmap_put(&m, "CONV_1", &b);         /* the same key */
    assert_int_equal(m.n, 1);
    assert_ptr_equal(strmap_get(&m, "Conv_1"), &b);
    /* only ASCII letters fold: '[' (0x5B) is not '{' (0x7B) */
    strmap_put(&m, "a[", &a);
    assert_null(strmap_get(&m, "a{"));
    assert_ptr_equal(strmap_get(&m, "A["), &a);
    strmap_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_grow_malloc),
        cmocka_unit_test(test_grow_arena),
        cmocka_unit_test(test_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
