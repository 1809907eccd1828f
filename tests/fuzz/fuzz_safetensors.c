/*
 * fuzz_safetensors.c: the safetensors reader (weights_parse) on any
 * bytes, against a network with every operation that has parameters. A
 * file it accepts must give every layer its parameters, and the reference
 * interpreter must run with them.
 */
#include "fuzz.h"
#include "../weights_net.h"

#include <string.h>

/* tests/weights_net.h: every operation with parameters. */
static const char net_src[] = WEIGHTS_NET_SRC;

static Ctx nctx;
static IrGraph *net;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_ctx(&nctx);
    IrModule m = {0};
    if (!load_source(&nctx, "net.bnn", net_src) || !sema_run(&nctx, &m))
        fuzz_fail("the network does not check", net_src);
    net = m.graphs.v[0];
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Ctx c;
    fuzz_ctx(&c);
    Weights w;
    if (weights_parse(&c, net, "fuzz.safetensors", data, size, &w)) {
        static const char *const layers[] = {"c", "b", "bc", "d", "p", "bd", "y"};
        for (int i = 0; i < 7; i++)
            if (!weights_get(&w, layers[i]))
                fuzz_fail("a layer has no parameters after a successful load", layers[i]);
        float x[32];
        for (int i = 0; i < 32; i++)
            x[i] = (float)(i % 7) - 3;
        Tensor in = {.type = DT_F32, .n = 32, .f = x}, out;
        if (!interp_run(&c, net, &w, &in, &out))
            fuzz_fail("the interpreter failed with loaded weights", NULL);
    }
    ctx_free(&c);
    return 0;
}
