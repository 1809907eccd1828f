/*
 * test_npy.c: .npy arrays (src/npy.c): a round trip of every element
 * type, the header numpy writes, version 2.0 and bool arrays, and a clear
 * error for each thing bnnc does not read.
 */
#include "support.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A .npy file with the given header dict (padded as numpy pads it), and
 * data. */
static void write_npy(const char *path, int major, const char *dict, const void *data, size_t n) {
    unsigned char b[4096];
    size_t pre = major == 1 ? 10 : 12, l = strlen(dict);
    size_t total = (pre + l + 1 + 63) / 64 * 64, hlen = total - pre;
    memcpy(b, "\x93NUMPY", 6);
    b[6] = (unsigned char)major;
    b[7] = 0;
    for (size_t i = 0; i < pre - 8; i++)
        b[8 + i] = (unsigned char)(hlen >> (8 * i));
    memcpy(b + pre, dict, l);
    memset(b + pre + l, ' ', hlen - l - 1);
    b[total - 1] = '\n';
    memcpy(b + total, data, n);
    write_bytes(path, b, total + n);
}

static void test_round_trip(void **state) {
    (void)state;
    float f[6] = {1.5f, -2.25f, 0.0f, -0.0f, 3e38f, 1e-42f};
    int32_t i[3] = {-2147483647 - 1, 0, 2147483647};
    uint8_t u[4] = {0, 1, 128, 255};
    int8_t b[5] = {-1, 1, 1, -1, 1};
    struct {
        DType t;
        int rank;
        int64_t dims[3];
        void *data;
        size_t es;
    } cases[] = {
        {DT_F32, 3, {1, 2, 3}, f, 4},
        {DT_I32, 1, {3}, i, 4},
        {DT_U8, 2, {2, 2}, u, 1},
        {DT_B1, 1, {5}, b, 1},
        {DT_F32, 0, {0}, f, 4},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Quiet q;
        quiet_init(&q);
        NpyArray a = {.type = cases[k].t, .rank = cases[k].rank, .data = cases[k].data};
        a.n = 1;
        for (int d = 0; d < a.rank; d++)
            a.n *= a.dims[d] = cases[k].dims[d];
        const char *p = tmp_path("rt.npy");
        assert_true(npy_write(&q.c, p, &a));
        NpyArray r;
        if (!npy_read(&q.c, p, &r))
            fail_msg("case %zu: %s", k, quiet_diag(&q));
        assert_int_equal(r.type, a.type);
        assert_int_equal(r.rank, a.rank);
        assert_int_equal(r.n, a.n);
        for (int d = 0; d < a.rank; d++)
            assert_int_equal(r.dims[d], a.dims[d]);
        assert_memory_equal(r.data, a.data, (size_t)a.n * cases[k].es);
        /* The data starts on a 64-byte boundary. */
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal((st.st_size - (off_t)((size_t)a.n * cases[k].es)) % 64, 0);
        quiet_free(&q);
    }
}

/* The header is byte for byte what numpy.save writes (numpy 1.x). */
static void test_header_text(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    float f[6] = {0};
    NpyArray a = {.type = DT_F32, .rank = 2, .dims = {2, 3}, .n = 6, .data = f};
    const char *p = tmp_path("h.npy");
    assert_true(npy_write(&q.c, p, &a));
    char buf[256];
    FILE *fp = fopen(p, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    assert_int_equal(n, 128 + 24);
    const char *want = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    assert_memory_equal(buf, "\x93NUMPY\x01\x00\x76\x00", 10);
    assert_memory_equal(buf + 10, want, strlen(want));
    for (size_t k = 10 + strlen(want); k < 127; k++)
        assert_int_equal(buf[k], ' ');
    assert_int_equal(buf[127], '\n');
    /* One dimension is written as (N,); b1 as int8. */
    int8_t b[2] = {1, -1};
    NpyArray c = {.type = DT_B1, .rank = 1, .dims = {2}, .n = 2, .data = b};
    assert_true(npy_write(&q.c, p, &c));
    fp = fopen(p, "rb");
    n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    buf[n < sizeof buf ? n : sizeof buf - 1] = 0;
    assert_non_null(strstr(buf + 10, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }"));
    quiet_free(&q);
}

static void test_version2_and_bool(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    const char *p = tmp_path("v2.npy");
    int32_t v[2] = {7, -9};
    write_npy(p, 2, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", v, 8);
    NpyArray a;
    assert_true(npy_read(&q.c, p, &a));
    assert_int_equal(a.type, DT_I32);
    assert_int_equal(((int32_t *)a.data)[1], -9);
    /* Keys in another order, double quotes, no trailing comma. */
    unsigned char bits[3] = {1, 0, 1};
    write_npy(p, 1, "{\"shape\": (3,), \"fortran_order\": False, \"descr\": \"|b1\"}", bits, 3);
    assert_true(npy_read(&q.c, p, &a));
    assert_int_equal(a.type, DT_B1);
    int8_t want[3] = {1, -1, 1};
    assert_memory_equal(a.data, want, 3);
    quiet_free(&q);
}

/* Each bad file fails with a message containing `text`. */
static void expect_error(const char *p, const char *text) {
    Quiet q;
    quiet_init(&q);
    NpyArray a;
    if (npy_read(&q.c, p, &a))
        fail_msg("expected an error containing \"%s\"", text);
    if (!strstr(quiet_diag(&q), text))
        fail_msg("expected an error containing \"%s\"; got:\n%s", text, quiet_diag(&q));
    quiet_free(&q);
}

static void test_errors(void **state) {
    (void)state;
    const char *p = tmp_path("bad.npy");
    float f[4] = {1, 2, 3, 4};
    expect_error(tmp_path("nope.npy"), "cannot open");
    expect_error(tmp_dir(), "is a folder, not a .npy file");
    write_bytes(p, "PK\x03\x04 not an array", 18);
    expect_error(p, "is not a .npy file");
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f, 16);
    expect_error(p, "Fortran order");
    write_npy(p, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", f, 16);
    expect_error(p, "big-endian");
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", f, 16);
    expect_error(p, "is truncated: its shape needs 20 bytes of data, but 16 follow");
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f, 16);
    expect_error(p, "4 bytes after its data");
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f, 16);
    expect_error(p, "holds '<f8' elements");
    write_npy(p, 1, "{'descr': '<i2', 'fortran_order': False, 'shape': (8,), }", f, 16);
    expect_error(p, "'<i2'");
    write_npy(p, 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }", f, 16);
    expect_error(p, "structured array");
    write_npy(p, 1, "{'descr': '<f4', 'shape': (4,), }", f, 16);
    expect_error(p, "lacks 'fortran_order'");
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, }", f, 16);
    expect_error(p, "bad .npy header");
    write_npy(p, 1, "not a dict", f, 16);
    expect_error(p, "bad .npy header");
    /* Found by fuzz_npy: a second 'shape' of another rank was taken,
     * leaving the first one's dimensions behind. */
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'shape': (4,), }",
              f, 16);
    expect_error(p, "bad .npy header: it has a key twice");
    write_npy(p, 3, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", f, 16);
    expect_error(p, "version 3.0");
    unsigned char i8[2] = {1, 0};
    write_npy(p, 1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", i8, 2);
    expect_error(p, "holds 0 at element 1");
    /* The header length points past the end of the file. */
    write_bytes(p, "\x93NUMPY\x01\x00\xff\x00{'descr'", 18);
    expect_error(p, "ends inside the .npy header");
}

/* The header is read first: an array of more data than the reader takes
 * is refused before its data is read (the first file ends after its
 * header), with what it is read for. */
static void test_bounds(void **state) {
    (void)state;
    const char *p = tmp_path("big.npy");
    /* 2^30 floats: 4 GiB, more than the 2 GiB bnnc holds. */
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824,), }", "", 0);
    expect_error(p, "big.npy' has shape [1073741824]: 4294967296 bytes of data, more than the "
                    "2048 MiB bnnc reads");
    float f[3] = {1, 2, 3};
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f, 12);
    Quiet q;
    quiet_init(&q);
    NpyArray a;
    assert_false(npy_read_max(&q.c, p, 8, "input 'x' is f32[2]", &a));
    if (!strstr(quiet_diag(&q), "big.npy' has shape [3]; input 'x' is f32[2]"))
        fail_msg("got:\n%s", quiet_diag(&q));
    assert_true(npy_read_max(&q.c, p, 12, "input 'x' is f32[3]", &a));
    assert_int_equal(a.n, 3);
    quiet_free(&q);
}

/* npy_read_check: the check sees the header's type and shape (no data
 * yet) and may refuse the array before its data is read; the size bound
 * comes after it. */
typedef struct {
    int calls;
    NpyArray seen;
    bool accept;
} Seen;

static bool see_header(Ctx *c, const char *path, const NpyArray *a, void *arg) {
    Seen *s = arg;
    s->calls++;
    s->seen = *a;
    if (!s->accept)
        diag_plain(c, "'%s': refused by the check", path);
    return s->accept;
}

static void test_read_check(void **state) {
    (void)state;
    const char *p = tmp_path("checked.npy");
    /* 2^31 int32 and no data: a check that refuses it is all that is said
     * (not the size, not the missing data). */
    write_npy(p, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 1073741824), }",
              "", 0);
    Quiet q;
    quiet_init(&q);
    NpyArray a;
    Seen s = {0};
    assert_false(npy_read_check(&q.c, p, BNNC_MAX_RUN_BYTES, see_header, &s, &a));
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.seen.type, DT_I32);
    assert_int_equal(s.seen.rank, 2);
    assert_int_equal(s.seen.dims[0], 2);
    assert_int_equal(s.seen.dims[1], 1073741824);
    assert_int_equal(s.seen.n, 2147483648);
    assert_null(s.seen.data);
    if (!strstr(quiet_diag(&q), "checked.npy': refused by the check") || strstr(quiet_diag(&q), "bytes"))
        fail_msg("got:\n%s", quiet_diag(&q));
    /* Accepted, it is then too large. */
    s.accept = true;
    assert_false(npy_read_check(&q.c, p, BNNC_MAX_RUN_BYTES, see_header, &s, &a));
    if (!strstr(quiet_diag(&q), "checked.npy' has shape [2, 1073741824]: 8589934592 bytes of data, "
                          "more than the 2048 MiB bnnc reads"))
        fail_msg("got:\n%s", quiet_diag(&q));
    quiet_free(&q);
    /* A small array accepted is read whole. */
    int32_t v[6] = {1, -2, 3, -4, 5, -6};
    write_npy(p, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 2), }", v, 24);
    quiet_init(&q);
    s = (Seen){.accept = true};
    assert_true(npy_read_check(&q.c, p, 24, see_header, &s, &a));
    assert_int_equal(s.calls, 1);
    assert_int_equal(a.n, 6);
    assert_memory_equal(a.data, v, 24);
    /* ... unless the bound is smaller. */
    assert_false(npy_read_check(&q.c, p, 20, see_header, &s, &a));
    assert_int_equal(s.calls, 2);
    quiet_free(&q);
}

/* A failed write leaves no file, temporary or final; a good one replaces
 * the old file. */
static void test_write_atomic(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    float f[2] = {1, 2};
    NpyArray a = {.type = DT_F32, .rank = 1, .dims = {2}, .n = 2, .data = f};
    assert_false(npy_write(&q.c, tmp_path("no/such/folder/x.npy"), &a));
    assert_non_null(strstr(quiet_diag(&q), "cannot write"));
    const char *p = tmp_path("over.npy");
    write_bytes(p, "old", 3);
    assert_true(npy_write(&q.c, p, &a));
    NpyArray r;
    assert_true(npy_read(&q.c, p, &r));
    assert_int_equal(r.n, 2);
    DIR *d = opendir(tmp_dir());
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, ".tmp"))
            fail_msg("a temporary file is left: %s", e->d_name);
    closedir(d);
    quiet_free(&q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_round_trip, tmp_teardown),
        cmocka_unit_test_teardown(test_header_text, tmp_teardown),
        cmocka_unit_test_teardown(test_version2_and_bool, tmp_teardown),
        cmocka_unit_test_teardown(test_errors, tmp_teardown),
        cmocka_unit_test_teardown(test_bounds, tmp_teardown),
        cmocka_unit_test_teardown(test_read_check, tmp_teardown),
        cmocka_unit_test_teardown(test_write_atomic, tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
