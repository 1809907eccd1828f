/*
 * mca_cortexm.c: the variants of the Cortex-M XOR-popcount blocks that
 * bench/mca_cortexm.py prices with llvm-mca, each as NAME_pop (one field:
 * pops[0] = sum over j < n of popcount(a[j] ^ w[j])) and NAME_pop4 (four
 * fields a[p * n + j] sharing each weight word), the contracts of
 * bnn_block_pop and bnn_block_pop4 (runtime/bnn_scalar.h):
 *   library  runtime/bnn_cortexm.h as it is;
 *   before   the loop the swar flavour had before (bnn_pop_swar a word);
 *   libcall  a call of libgcc's __popcountsi2 a word;
 *   usada1, pairs, hs8  the alternatives tried (below).
 * Built for ARMv7E-M with the DSP extension; the driver checks every result.
 */
#include "bnn_cortexm.h"
#include <arm_acle.h>

typedef void mb_fn(const uint32_t *, const uint32_t *, int, int32_t *);
mb_fn library_pop, library_pop4, before_pop, before_pop4, libcall_pop, libcall_pop4, usada1_pop,
    usada1_pop4, pairs_pop, pairs_pop4, hs8_pop, hs8_pop4;
int __popcountsi2(unsigned); /* libgcc's, as CBin-NN's code calls it */

void library_pop(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    bnn_block_pop(a, w, n, pops);
}

void library_pop4(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    bnn_block_pop4(a, w, n, pops);
}

/* One field, a word at a time: s += POP(a[j] ^ w[j]). */
#define MB_POP1(POP)                                                                           \
    int32_t s = 0;                                                                             \
    for (int j = 0; j < n; j++)                                                                \
        s += POP(a[j] ^ w[j]);                                                                 \
    pops[0] = s
/* Four fields, a word at a time. */
#define MB_POP4(POP)                                                                           \
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;                                                    \
    for (int j = 0; j < n; j++) {                                                              \
        uint32_t v = w[j];                                                                     \
        s0 += POP(a[j] ^ v);                                                                   \
        s1 += POP(a[n + j] ^ v);                                                               \
        s2 += POP(a[2 * n + j] ^ v);                                                           \
        s3 += POP(a[3 * n + j] ^ v);                                                           \
    }                                                                                          \
    pops[0] = s0, pops[1] = s1, pops[2] = s2, pops[3] = s3

void before_pop(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    MB_POP1(bnn_pop_swar);
}

void before_pop4(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    MB_POP4(bnn_pop_swar);
}

void libcall_pop(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    MB_POP1(__popcountsi2);
}

void libcall_pop4(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    MB_POP4(__popcountsi2);
}

/* The pieces of the alternatives. The popcounts of the nibbles of x
 * (0 to 4 each, in the nibbles). */
static inline uint32_t mb_nib(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    return (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
}

/* The bytes of nibble sums of at most 15: byte i = its two nibbles. */
static inline uint32_t mb_bytes(uint32_t s)
{
    return (s & 0x0F0F0F0Fu) + ((s >> 4) & 0x0F0F0F0Fu);
}

/* acc + the four bytes of b (USADA8). */
static inline int32_t mb_acc(int32_t acc, uint32_t b)
{
    return (int32_t)__usada8(b, 0, (uint32_t)acc);
}

/* acc + popcount(x): nibble counts, one byte step, USADA8. */
static inline int32_t mb_acc1(int32_t acc, uint32_t x)
{
    x = mb_nib(x);
    return mb_acc(acc, (x + (x >> 4)) & 0x0F0F0F0Fu);
}

/* usada1: USADA8 in place of the multiply and the shift, a word at a time. */
void usada1_pop(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    int32_t s = 0;
    for (int j = 0; j < n; j++)
        s = mb_acc1(s, a[j] ^ w[j]);
    pops[0] = s;
}

void usada1_pop4(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int j = 0; j < n; j++) {
        uint32_t v = w[j];
        s0 = mb_acc1(s0, a[j] ^ v);
        s1 = mb_acc1(s1, a[n + j] ^ v);
        s2 = mb_acc1(s2, a[2 * n + j] ^ v);
        s3 = mb_acc1(s3, a[3 * n + j] ^ v);
    }
    pops[0] = s0, pops[1] = s1, pops[2] = s2, pops[3] = s3;
}

/* pairs: two words' nibble counts (8 at most) added, one byte step. */
static inline int32_t mb_acc2(int32_t acc, uint32_t x, uint32_t y)
{
    return mb_acc(acc, mb_bytes(mb_nib(x) + mb_nib(y)));
}

void pairs_pop(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    int32_t s = 0;
    int j = 0;
    for (; j + 2 <= n; j += 2)
        s = mb_acc2(s, a[j] ^ w[j], a[j + 1] ^ w[j + 1]);
    for (; j < n; j++)
        s = mb_acc1(s, a[j] ^ w[j]);
    pops[0] = s;
}

void pairs_pop4(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    int32_t s[4] = {0, 0, 0, 0};
    int j = 0;
    for (; j + 2 <= n; j += 2) {
        uint32_t v = w[j], u = w[j + 1];
        for (int p = 0; p < 4; p++)
            s[p] = mb_acc2(s[p], a[p * n + j] ^ v, a[p * n + j + 1] ^ u);
    }
    for (; j < n; j++)
        for (int p = 0; p < 4; p++)
            s[p] = mb_acc1(s[p], a[p * n + j] ^ w[j]);
    for (int p = 0; p < 4; p++)
        pops[p] = s[p];
}

/* hs8: Harley-Seal. ones, twos, fours carry across groups of 8 words; each
 * group ends in one word of eights, whose popcount is taken; the field's
 * count is 8 eights + 4 fours + 2 twos + ones. */
#define MB_CSA(h, l, a, b, c)                                                                  \
    do {                                                                                       \
        uint32_t a_ = (a), b_ = (b), c_ = (c), u_ = a_ ^ b_;                                   \
        h = (a_ & b_) | (u_ & c_);                                                             \
        l = u_ ^ c_;                                                                           \
    } while (0)

static inline int32_t mb_hs8(const uint32_t *a, const uint32_t *w, int n)
{
    uint32_t ones = 0, twos = 0, fours = 0, tA, tB, fA, fB, e;
    int32_t s = 0;
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        MB_CSA(tA, ones, ones, a[j] ^ w[j], a[j + 1] ^ w[j + 1]);
        MB_CSA(tB, ones, ones, a[j + 2] ^ w[j + 2], a[j + 3] ^ w[j + 3]);
        MB_CSA(fA, twos, twos, tA, tB);
        MB_CSA(tA, ones, ones, a[j + 4] ^ w[j + 4], a[j + 5] ^ w[j + 5]);
        MB_CSA(tB, ones, ones, a[j + 6] ^ w[j + 6], a[j + 7] ^ w[j + 7]);
        MB_CSA(fB, twos, twos, tA, tB);
        MB_CSA(e, fours, fours, fA, fB);
        s = mb_acc1(s, e);
    }
    uint32_t t = mb_nib(ones) + 2 * mb_nib(twos), f = mb_nib(fours); /* 12, 4 at most */
    s = mb_acc(8 * s, mb_bytes(t) + 4 * ((f + (f >> 4)) & 0x0F0F0F0Fu)); /* 24 + 32 */
    for (; j < n; j++)
        s = mb_acc1(s, a[j] ^ w[j]);
    return s;
}

void hs8_pop(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    pops[0] = mb_hs8(a, w, n);
}

/* Four fields one after the other: the state of four would not fit the
 * registers. */
void hs8_pop4(const uint32_t *a, const uint32_t *w, int n, int32_t *pops)
{
    for (int p = 0; p < 4; p++)
        pops[p] = mb_hs8(a + p * n, w, n);
}

