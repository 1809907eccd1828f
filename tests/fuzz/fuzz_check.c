/*
 * fuzz_check.c: the whole check pipeline on any text, as `bnnc FILE
 * --dump-ir` runs it: load (imports from the standard library), sema,
 * the IR verifier, every pass with the verifier after each, the IR dump.
 * An internal error (the verifier or a pass failing on a network sema
 * accepted) is a finding.
 */
#include "fuzz.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = fuzz_text(data, size, 100000);
    if (!text)
        return -1;
    Ctx c;
    fuzz_ctx(&c);
    IrModule m = {0};
    if (load_source(&c, "fuzz.bnn", text) && sema_run(&c, &m)) {
        if (!ir_verify(&c, &m, NULL))
            fuzz_fail("the IR of a checked program does not verify", text);
        ir_dump(fuzz_sink(), &m);
        PassOptions o;
        pass_defaults(&o);
        if (!pass_run(&c, &m, &o, fuzz_sink()))
            fuzz_fail("a pass failed on a checked program", text);
        ir_dump(fuzz_sink(), &m);
    }
    ctx_free(&c);
    free(text);
    return 0;
}
