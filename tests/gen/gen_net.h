/*
 * gen_net.h: random valid .bnn networks (gen_net.c), for the differential
 * tests of the C back end (tests/codegen/diff.sh runs the gen_net program,
 * main.c) and the fuzzers (tests/fuzz/fuzz_emit.c).
 */
#ifndef GEN_NET_H
#define GEN_NET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Prints to `out` the network of `seed` with up to max_layers steps (at
 * least 1), "network n<seed>". The same seed gives the same network on
 * every machine. */
void gen_net(uint64_t seed, int max_layers, FILE *out);

/* The same, but every choice takes the next byte of data[0..n) while
 * there is one (a fuzzer's input steers the network), then continues
 * from `seed`; and no layer is drawn once the network has about
 * max_params weights (0: no limit), which keeps a fuzzer fast. Always a
 * valid network. */
void gen_net_bytes(const uint8_t *data, size_t n, uint64_t seed, int max_layers,
                   long max_params, FILE *out);

#endif
