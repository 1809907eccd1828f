/*
 * cortexm_pop.c: the popcount pieces and blocks of bnn_cortexm.h (the
 * `swar` flavour) against a bit-by-bit count: bnn_pop_nibbles,
 * bnn_add_bytes, bnn_pop_acc, bnn_pop3_acc, bnn_pop, bnn_block_pop and
 * bnn_block_pop4, on random words of every density from fixed seeds and
 * on the words whose counts are the largest (all ones against zero
 * weights: 32 a word, where a nibble or byte sum would overflow first),
 * for fields of 0 to 40 words (every remainder of the groups of three)
 * and of 72, 144 and 301 words, at unaligned offsets.
 *
 * The host runs the path without the DSP extension (a multiply sums the
 * bytes); tests/kernels/cortexm.sh builds this file for Thumb-2 with the
 * DSP extension and runs it under qemu-arm, the USADA8 path. Plain C99, no
 * test library: exit status 0 when every count is right, 1 otherwise.
 */
#include "bnn_cortexm.h"

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            if (failures++ < 20) {                                                             \
                fprintf(stderr, "cortexm_pop: ");                                              \
                fprintf(stderr, __VA_ARGS__);                                                  \
                fputc('\n', stderr);                                                           \
            }                                                                                  \
        }                                                                                      \
    } while (0)

static uint32_t seed = 12345u;

static uint32_t rnd(void) /* xorshift32: the same words on every machine */
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

/* A word whose bits are set with probability about d / 8. */
static uint32_t rnd_density(int d)
{
    uint32_t x = 0;
    for (int b = 0; b < 32; b++)
        x |= (uint32_t)((rnd() & 7u) < (uint32_t)d) << b;
    return x;
}

static int32_t ref(uint32_t x)
{
    int32_t c = 0;
    for (int b = 0; b < 32; b++)
        c += (int32_t)((x >> b) & 1u);
    return c;
}

static uint32_t word(int k)
{
    switch (k % 4) {
    case 0: return rnd();
    case 1: return rnd_density(k % 9);
    case 2: return ~rnd_density(k % 3);
    default: return k % 8 == 3 ? 0xFFFFFFFFu : 0u;
    }
}

static void test_pieces(void)
{
    for (int k = 0; k < 200000; k++) {
        uint32_t x = word(k), y = word(k + 1), z = word(k + 2);
        int32_t acc = (int32_t)(rnd() % 100000u) - 50000;
        uint32_t nib = bnn_pop_nibbles(x);
        for (int i = 0; i < 8; i++)
            CHECK(((nib >> (4 * i)) & 15u) == (uint32_t)ref((x >> (4 * i)) & 15u),
                  "bnn_pop_nibbles(0x%08lx): nibble %d is %lu", (unsigned long)x, i,
                  (unsigned long)((nib >> (4 * i)) & 15u));
        CHECK(bnn_pop(x) == ref(x), "bnn_pop(0x%08lx) = %ld", (unsigned long)x, (long)bnn_pop(x));
        CHECK(bnn_pop_acc(acc, x) == acc + ref(x), "bnn_pop_acc(%ld, 0x%08lx) = %ld", (long)acc,
              (unsigned long)x, (long)bnn_pop_acc(acc, x));
        CHECK(bnn_pop3_acc(acc, x, y, z) == acc + ref(x) + ref(y) + ref(z),
              "bnn_pop3_acc(%ld, 0x%08lx, 0x%08lx, 0x%08lx) = %ld", (long)acc, (unsigned long)x,
              (unsigned long)y, (unsigned long)z, (long)bnn_pop3_acc(acc, x, y, z));
        /* Four bytes of at most 63, the total below 256 (the contract). */
        uint32_t b = rnd() & 0x3F3F3F3Fu;
        int32_t sum = (int32_t)((b & 255u) + ((b >> 8) & 255u) + ((b >> 16) & 255u) + (b >> 24));
        CHECK(bnn_add_bytes(acc, b) == acc + sum, "bnn_add_bytes(%ld, 0x%08lx) = %ld", (long)acc,
              (unsigned long)b, (long)bnn_add_bytes(acc, b));
    }
    /* The largest sums of three words, and bytes of 24 (the blocks' most). */
    CHECK(bnn_pop3_acc(7, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu) == 103,
          "bnn_pop3_acc of three all-ones words");
    CHECK(bnn_add_bytes(-5, 0x18181818u) == 91, "bnn_add_bytes of four bytes of 24");
    CHECK(bnn_pop(0u) == 0 && bnn_pop(0xFFFFFFFFu) == 32 && bnn_pop(0x80000001u) == 2,
          "bnn_pop of 0, all ones, 0x80000001");
}

#define MAXW 301
static bnn_word fa[4 * MAXW + 1], fw[MAXW + 1];

/* The blocks on fields of n words from offset off, against ref. */
static void check_blocks(int n, int off, const char *what)
{
    const bnn_word *a = fa + off, *w = fw + off;
    int32_t want[4] = {0, 0, 0, 0}, got[4] = {-1, -1, -1, -1}, one = -1;
    for (int p = 0; p < 4; p++)
        for (int j = 0; j < n; j++)
            want[p] += ref(a[p * n + j] ^ w[j]);
    bnn_block_pop(a, w, n, &one);
    CHECK(one == want[0], "bnn_block_pop, %d words (%s, offset %d): %ld, want %ld", n, what, off,
          (long)one, (long)want[0]);
    bnn_block_pop4(a, w, n, got);
    for (int p = 0; p < 4; p++)
        CHECK(got[p] == want[p], "bnn_block_pop4, %d words (%s, offset %d), field %d: %ld, want %ld",
              n, what, off, p, (long)got[p], (long)want[p]);
}

static void test_blocks(void)
{
    int sizes[44], ns = 0;
    for (int n = 0; n <= 40; n++)
        sizes[ns++] = n;
    sizes[ns++] = 72, sizes[ns++] = 144, sizes[ns++] = MAXW;
    for (int i = 0; i < ns; i++)
        for (int off = 0; off < 2; off++) {
            for (int round = 0; round < 8; round++) {
                for (int k = 0; k < 4 * MAXW + 1; k++)
                    fa[k] = round < 4 ? rnd() : word(k + round);
                for (int k = 0; k < MAXW + 1; k++)
                    fw[k] = round < 4 ? rnd() : word(3 * k + round);
                check_blocks(sizes[i], off, "random");
            }
            for (int k = 0; k < 4 * MAXW + 1; k++)
                fa[k] = 0xFFFFFFFFu;
            for (int k = 0; k < MAXW + 1; k++)
                fw[k] = 0;
            check_blocks(sizes[i], off, "all ones");
            for (int k = 0; k < MAXW + 1; k++)
                fw[k] = 0xFFFFFFFFu;
            check_blocks(sizes[i], off, "all equal");
        }
}

int main(void)
{
#ifdef BNN_CM_USADA8
    const char *path = "USADA8 (DSP extension)";
#else
    const char *path = "multiply (no DSP extension)";
#endif
    test_pieces();
    test_blocks();
    printf("cortexm_pop: the byte sums by %s: %d failures\n", path, failures);
    return failures != 0;
}
