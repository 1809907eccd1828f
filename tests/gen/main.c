/*
 * main.c: the gen_net program, a random valid .bnn network per seed
 * (gen_net.c) on standard output.
 *
 *   gen_net SEED [MAXLAYERS]
 */
#include "gen_net.h"

#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: gen_net SEED [MAXLAYERS]\n");
        return 2;
    }
    gen_net(strtoull(argv[1], NULL, 10), argc > 2 ? atoi(argv[2]) : 8, stdout);
    return 0;
}
