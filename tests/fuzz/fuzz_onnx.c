/*
 * fuzz_onnx.c: the ONNX reader of bnnc import (import_onnx_parse) on any
 * bytes. A model it accepts is written out by import_write, which checks
 * the .bnn text with bnnc's own front end and the tensors with its own
 * safetensors reader: a model the reader accepts but bnnc refuses is a
 * finding (an internal error). Models with an input or a tensor of more
 * than 2^20 elements are skipped after reading: their networks may pass
 * the language's limits (docs/robustness.md section 2), which the
 * checked text then reports as an error of its own.
 */
#include "fuzz.h"
#include "import.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 20)
        return -1;
    Ctx c;
    fuzz_ctx(&c);
    ImpGraph g;
    memset(&g, 0, sizeof g);
    g.a = &c.arena;
    g.network = "fuzz";
    g.source = "fuzz.onnx";
    if (import_onnx_parse(&c, "fuzz.onnx", data, size, &g) == EXIT_OK && fuzz_import_small(&g)) {
        if (import_write(&c, &g, fuzz_dir(), "fuzz") == EXIT_INTERNAL)
            fuzz_fail("a model the ONNX reader accepts makes a network bnnc refuses", NULL);
        fuzz_clean_dir();
    }
    ctx_free(&c);
    return 0;
}
