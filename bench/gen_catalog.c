/*
 * gen_catalog.c: prints a catalog of N synthetic targets for the inverse
 * task benchmark (bench/solve.sh, docs/benchmarks.md).
 *
 *   gen_catalog N [SEED]
 *
 * The targets span the standard catalog's range: microcontrollers (32-bit
 * words, software popcount, SRAM plus flash that holds the weights),
 * application cores and desktops (64-bit words, 128 to 512-bit vectors,
 * two to four cache levels and DRAM given in ns). A quarter inherit from
 * an earlier generated target, as boards do from cores. The numbers come
 * from a fixed linear congruential generator, so a seed gives one file.
 */
#include <stdio.h>
#include <stdlib.h>

static unsigned long long state = 88172645463325252ULL;

static unsigned rnd(unsigned n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((state >> 33) % n);
}

int main(int argc, char **argv) {
    if (argc < 2 || atoi(argv[1]) < 1) {
        fprintf(stderr, "usage: gen_catalog N [SEED]\n");
        return 2;
    }
    int n = atoi(argv[1]);
    if (argc > 2)
        state ^= strtoull(argv[2], NULL, 10);
    printf("bnn 1;\n# %d synthetic targets from bench/gen_catalog.c\n", n);
    for (int i = 0; i < n; i++) {
        if (i >= 8 && rnd(4) == 0) { /* a board derived from an earlier target */
            printf("target t%d : t%u { clock = %u MHz; price = %u USD; }\n", i, rnd((unsigned)i),
                   100 + rnd(3000), 2 + rnd(400));
            continue;
        }
        unsigned kind = rnd(3); /* 0 mcu, 1 application, 2 desktop */
        printf("target t%d {\n", i);
        if (kind == 0) {
            printf("    class = mcu; clock = %u MHz; cores = %u; word = 32 bits;\n",
                   48 + rnd(500), 1 + rnd(2));
            printf("    popcount = software;\n");
            printf("    cost { xnor = 1 cycle; popcount = %u cycles; accumulate = 1 cycle; "
                   "fmac = %u cycles; }\n", 3 + rnd(14), 1 + rnd(3));
            printf("    overlap = no;\n");
            printf("    memory {\n        sram { size = %u KiB; }\n", 64 + 64 * rnd(16));
            printf("        flash { size = %u MiB; bandwidth = %u MB/s; holds = weights; }\n    }\n",
                   1 + rnd(8), 50 + rnd(500));
        } else {
            unsigned vec = kind == 1 ? 128 : 128u << rnd(3);
            printf("    class = %s; clock = %u MHz; cores = %u; efficiency = 0.9;\n",
                   kind == 1 ? "application" : "desktop", 800 + rnd(4000), 1u << rnd(5));
            printf("    word = 64 bits; vector = %u bits;\n", vec);
            printf("    cost { xnor = %u.%u cycles; popcount = %u cycles; accumulate = 1 cycle; "
                   "fmac = 1 cycle; load = 1 cycle; }\n", rnd(2), 5 * rnd(2), 1 + rnd(2));
            printf("    memory {\n        l1 { size = %u KiB; }\n", 32 + 16 * rnd(3));
            printf("        l2 { size = %u KiB; bandwidth = %u B/cycle; }\n", 256 << rnd(4),
                   8 + rnd(32));
            if (rnd(2))
                printf("        l3 { size = %u MiB; bandwidth = %u B/cycle; }\n", 2 << rnd(5),
                       4 + rnd(16));
            printf("        dram { size = %u GiB; bandwidth = %u GB/s; }\n    }\n",
                   1 << rnd(6), 2 + rnd(60));
        }
        printf("    price = %u USD; power = %u W;\n}\n", 2 + rnd(900), 1 + rnd(200));
    }
    return 0;
}
