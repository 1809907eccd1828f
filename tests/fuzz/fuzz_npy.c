/*
 * fuzz_npy.c: the .npy reader (npy_parse) on any bytes. An array it
 * accepts is written back with npy_write and must read back the same.
 */
#include "fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 20)
        return -1;
    Ctx c;
    fuzz_ctx(&c);
    NpyArray a, b;
    if (npy_parse(&c, "fuzz.npy", data, size, &a)) {
        const char *path = mem_printf(&c.arena, "%s/a.npy", fuzz_dir());
        if (!npy_write(&c, path, &a) || !npy_read(&c, path, &b))
            fuzz_fail("an array read cannot be written and read back", NULL);
        size_t es = a.type == DT_F32 || a.type == DT_I32 ? 4 : 1;
        if (a.type != b.type || a.rank != b.rank || a.n != b.n ||
            memcmp(a.dims, b.dims, sizeof a.dims) != 0 ||
            (a.n && memcmp(a.data, b.data, (size_t)a.n * es) != 0))
            fuzz_fail("an array written and read back differs", NULL);
    }
    ctx_free(&c);
    return 0;
}
