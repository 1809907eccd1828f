/*
 * fuzz_emit.c: the C emitter over random valid networks. The input's
 * bytes steer the generator of tests/gen (gen_net_bytes): byte 0 picks a
 * target of tests/codegen/targets.bnn (one per kernel flavour, word size
 * and packing), byte 1 the most layers, bytes 2..9 the seed, the rest the
 * generator's choices. The network must check; then random weights, the
 * reference interpreter on a random input, the passes for the target and
 * `--emit c` into a scratch folder must all succeed. Anything else is a
 * finding: a generator that makes an invalid network is as much a bug as
 * a compiler that rejects a valid one.
 */
#include "fuzz.h"
#include "gen_net.h"

#include <stdlib.h>
#include <string.h>

#ifndef BNNC_FUZZ_TARGETS
#error "BNNC_FUZZ_TARGETS: the path of tests/codegen/targets.bnn"
#endif

static Ctx tctx;
static CostTarget targets[32];
static int ntargets;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_ctx(&tctx);
    IrModule m = {0};
    if (!load_program(&tctx, BNNC_FUZZ_TARGETS) || !sema_run(&tctx, &m))
        fuzz_fail("cannot load " BNNC_FUZZ_TARGETS, NULL);
    for (int i = 0; i < m.targets.n && ntargets < 32; i++)
        if (cost_target(&tctx, m.targets.v[i], &targets[ntargets]))
            ntargets++;
    if (ntargets == 0)
        fuzz_fail("no target in " BNNC_FUZZ_TARGETS, NULL);
    return 0;
}

static uint64_t next(uint64_t *s) {
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* A random input tensor for network input x. */
static Tensor random_input(Ctx *c, const IrNode *x, uint64_t *s) {
    Tensor t = {.type = x->type, .n = shape_elems(&x->shape)};
    switch (x->type) {
    case DT_F32:
        t.f = mem_array(&c->arena, (size_t)t.n, sizeof(float));
        for (int64_t i = 0; i < t.n; i++)
            t.f[i] = (float)((int)(next(s) % 2001) - 1000) / 250.0f;
        break;
    case DT_I32:
        t.i = mem_array(&c->arena, (size_t)t.n, sizeof(int32_t));
        for (int64_t i = 0; i < t.n; i++)
            t.i[i] = (int32_t)(next(s) % 201) - 100;
        break;
    case DT_U8:
        t.u = mem_array(&c->arena, (size_t)t.n, 1);
        for (int64_t i = 0; i < t.n; i++)
            t.u[i] = (uint8_t)next(s);
        break;
    default:
        t.b = mem_array(&c->arena, (size_t)t.n, 1);
        for (int64_t i = 0; i < t.n; i++)
            t.b[i] = next(s) & 1 ? 1 : -1;
        break;
    }
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 10 || size > 4096)
        return -1;
    const CostTarget *t = &targets[data[0] % ntargets];
    int max = 1 + data[1] % 10;
    uint64_t seed = 0;
    for (int i = 0; i < 8; i++)
        seed = seed << 8 | data[2 + i];
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        abort();
    gen_net_bytes(data + 10, size - 10, seed, max, 2000, f);
    fclose(f);

    Ctx c;
    fuzz_ctx(&c);
    IrModule m = {0};
    if (!load_source(&c, "gen.bnn", text) || !sema_run(&c, &m) || m.graphs.n != 1)
        fuzz_fail("a generated network does not check", text);
    if (!ir_verify(&c, &m, NULL))
        fuzz_fail("the IR of a generated network does not verify", text);
    IrGraph *g = m.graphs.v[0];
    Weights w;
    if (!weights_random(&c, g, seed, &w))
        fuzz_fail("no random weights for a generated network", text);
    Tensor *ins = mem_array(&c.arena, (size_t)g->inputs.n, sizeof(Tensor));
    Tensor *outs = mem_array(&c.arena, (size_t)g->outputs.n, sizeof(Tensor));
    uint64_t s = seed;
    for (int i = 0; i < g->inputs.n; i++)
        ins[i] = random_input(&c, g->inputs.v[i], &s);
    if (!interp_run(&c, g, &w, ins, outs))
        fuzz_fail("the interpreter failed on a generated network", text);
    PassOptions po;
    pass_defaults(&po);
    po.target = t;
    if (!pass_run(&c, &m, &po, fuzz_sink()))
        fuzz_fail("a pass failed on a generated network", text);
    char *out = mem_printf(&c.arena, "%s/out", fuzz_dir());
    if (!emit_c(&c, g, t, &w, out))
        fuzz_fail("emit_c failed on a generated network", text);
    fuzz_clean_dir();
    ctx_free(&c);
    free(text);
    return 0;
}
