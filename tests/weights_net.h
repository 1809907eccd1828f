/*
 * weights_net.h: the network of the weights tests (tests/unit/test_weights.c)
 * and of the safetensors fuzzer (tests/fuzz/fuzz_safetensors.c): every
 * operation with parameters. The tensors it needs:
 *   c.weight [2,2,2,3]  b.gamma/beta/mean/variance [3]  bc.weight [3,3,3,2]
 *   d.weight [1,1,2,2]  p.alpha [4]  bd.weight [36,5]  y.weight [5,2]
 * (tests/fuzz/seeds.py writes safetensors files for it).
 */
#ifndef BNNC_TESTS_WEIGHTS_NET_H
#define BNNC_TESTS_WEIGHTS_NET_H

#define WEIGHTS_NET_SRC                                                  \
    "bnn 1;\n"                                                           \
    "network n {\n"                                                      \
    "  input x : f32[4, 4, 2];\n"                                        \
    "  c = conv2d(x, filters = 3, kernel = 2);\n"                        \
    "  b = batchnorm(c);\n"                                              \
    "  s = sign(b);\n"                                                   \
    "  bc = bconv2d(s, filters = 2, kernel = 3, padding = same);\n"      \
    "  d = depthwise_conv2d(bc, kernel = 1, multiplier = 2);\n"          \
    "  p = prelu(d);\n"                                                  \
    "  f = flatten(p);\n"                                                \
    "  bd = bdense(f, units = 5);\n"                                     \
    "  y = dense(bd, units = 2);\n"                                      \
    "  output y;\n"                                                      \
    "}\n"

#endif
