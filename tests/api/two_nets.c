/*
 * two_nets.c: the API of the generated C (docs/codegen.md, "The API") with
 * two networks and two instances of one in one program.
 *
 *   cc -std=c99 -pthread -Ilenet -Imlp two_nets.c lenet/lenet_bin.c
 *      lenet/lenet_bin_weights.c mlp/mnist_mlp.c mlp/mnist_mlp_weights.c -lm
 *   ./a.out IMG1.raw IMG2.raw VEC.raw OUTDIR
 *
 * Inputs are raw float32 files (two LeNet images, one MLP vector). The
 * program checks the status codes of lenet_bin_init and _invoke on bad
 * arguments, runs two LeNet contexts, each in its own arena, in two
 * threads at once and the MLP in the main thread meanwhile, checks that
 * every inference of a context gives the same bits, and writes to OUTDIR
 * the outputs of the new API (lenet_a.raw, lenet_b.raw, mlp_new.raw) and
 * of the old one (lenet_old1.raw, lenet_old2.raw, mlp_old.raw), which
 * two_nets.sh compares with `bnnc run`. Exit status 0, or 1 with a message.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lenet_bin.h"
#include "mnist_mlp.h"

#define ROUNDS 25

static int failed;

static void fail(const char *what, long got, long want) {
    fprintf(stderr, "FAIL %s: got %ld, expected %ld\n", what, got, want);
    failed = 1;
}

#define EXPECT(what, got, want)                                                                    \
    do {                                                                                           \
        long g_ = (long)(got), w_ = (long)(want);                                                  \
        if (g_ != w_)                                                                              \
            fail(what, g_, w_);                                                                    \
    } while (0)

static void load(const char *path, float *v, size_t n) {
    FILE *f = fopen(path, "rb");
    if (!f || fread(v, sizeof *v, n, f) != n || fgetc(f) != EOF) {
        fprintf(stderr, "two_nets: %s: expected %zu floats\n", path, n);
        exit(1);
    }
    fclose(f);
}

static void save(const char *dir, const char *name, const float *v, size_t n) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(v, sizeof *v, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "two_nets: cannot write %s\n", path);
        exit(1);
    }
}

/* An arena on the network's boundary inside a buffer of garbage. */
static unsigned char *arena_in(unsigned char *mem, size_t align) {
    return mem + (align - (uintptr_t)mem % align) % align;
}

typedef struct {
    lenet_bin_ctx ctx;
    const float *image;
    float first[LENET_BIN_OUT_LOGITS_SIZE];
    int status, differ;
} Job;

/* ROUNDS inferences of one context; each must give the first's bits. */
static void *run_job(void *p) {
    Job *j = p;
    for (int r = 0; r < ROUNDS; r++) {
        float out[LENET_BIN_OUT_LOGITS_SIZE];
        int st = lenet_bin_invoke(&j->ctx, j->image, out);
        if (st != LENET_BIN_OK)
            j->status = st;
        if (r == 0)
            memcpy(j->first, out, sizeof out);
        else if (memcmp(j->first, out, sizeof out) != 0)
            j->differ++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: two_nets IMG1.raw IMG2.raw VEC.raw OUTDIR\n");
        return 2;
    }
    static float img1[LENET_BIN_IN_IMAGE_SIZE], img2[LENET_BIN_IN_IMAGE_SIZE];
    static float vec[MNIST_MLP_IN_IMAGE_SIZE];
    load(argv[1], img1, LENET_BIN_IN_IMAGE_SIZE);
    load(argv[2], img2, LENET_BIN_IN_IMAGE_SIZE);
    load(argv[3], vec, MNIST_MLP_IN_IMAGE_SIZE);

    /* The status codes: 0, and three distinct negative errors. */
    EXPECT("LENET_BIN_OK", LENET_BIN_OK, 0);
    if (!(LENET_BIN_ERR_NULL < 0 && LENET_BIN_ERR_ARENA_SIZE < 0 && LENET_BIN_ERR_ARENA_ALIGN < 0 &&
          LENET_BIN_ERR_NULL != LENET_BIN_ERR_ARENA_SIZE &&
          LENET_BIN_ERR_NULL != LENET_BIN_ERR_ARENA_ALIGN &&
          LENET_BIN_ERR_ARENA_SIZE != LENET_BIN_ERR_ARENA_ALIGN))
        fail("distinct negative error codes", 0, 1);

    size_t la = LENET_BIN_ARENA_ALIGN, lb = LENET_BIN_ARENA_BYTES;
    size_t ma = MNIST_MLP_ARENA_ALIGN, mb = MNIST_MLP_ARENA_BYTES;
    unsigned char *mem_a = malloc(lb + la + 1), *mem_b = malloc(lb + la), *mem_m = malloc(mb + ma);
    if (!mem_a || !mem_b || !mem_m)
        return 1;
    /* Garbage: the code must read nothing it has not written. */
    memset(mem_a, 0xa5, lb + la + 1);
    memset(mem_b, 0x5a, lb + la);
    memset(mem_m, 0xff, mb + ma);
    unsigned char *arena_a = arena_in(mem_a, la), *arena_b = arena_in(mem_b, la);
    unsigned char *arena_m = arena_in(mem_m, ma);

    /* Bad arguments, and a context that is not set up. */
    lenet_bin_ctx bad;
    float out[LENET_BIN_OUT_LOGITS_SIZE], keep[LENET_BIN_OUT_LOGITS_SIZE];
    for (int k = 0; k < LENET_BIN_OUT_LOGITS_SIZE; k++)
        out[k] = keep[k] = (float)k;
    EXPECT("init(NULL ctx)", lenet_bin_init(NULL, arena_a, lb), LENET_BIN_ERR_NULL);
    EXPECT("init(NULL arena)", lenet_bin_init(&bad, NULL, lb), LENET_BIN_ERR_NULL);
    EXPECT("invoke after init(NULL arena)", lenet_bin_invoke(&bad, img1, out), LENET_BIN_ERR_NULL);
    EXPECT("init(ARENA_BYTES - 1)", lenet_bin_init(&bad, arena_a, lb - 1),
           LENET_BIN_ERR_ARENA_SIZE);
    EXPECT("invoke after a too small arena", lenet_bin_invoke(&bad, img1, out), LENET_BIN_ERR_NULL);
    EXPECT("init(arena + 1)", lenet_bin_init(&bad, arena_a + 1, lb), LENET_BIN_ERR_ARENA_ALIGN);
    EXPECT("invoke after a misaligned arena", lenet_bin_invoke(&bad, img1, out),
           LENET_BIN_ERR_NULL);
    EXPECT("init(arena + ARENA_ALIGN / 2)", lenet_bin_init(&bad, arena_a + la / 2, lb),
           LENET_BIN_ERR_ARENA_ALIGN);
    memset(&bad, 0, sizeof bad);
    EXPECT("invoke(zeroed ctx)", lenet_bin_invoke(&bad, img1, out), LENET_BIN_ERR_NULL);
    memset(&bad, 0x5a, sizeof bad);
    EXPECT("invoke(ctx of garbage)", lenet_bin_invoke(&bad, img1, out), LENET_BIN_ERR_NULL);
    EXPECT("invoke(NULL ctx)", lenet_bin_invoke(NULL, img1, out), LENET_BIN_ERR_NULL);
    EXPECT("init(exactly ARENA_BYTES)", lenet_bin_init(&bad, arena_a, lb), LENET_BIN_OK);
    EXPECT("invoke(NULL input)", lenet_bin_invoke(&bad, NULL, out), LENET_BIN_ERR_NULL);
    EXPECT("invoke(NULL output)", lenet_bin_invoke(&bad, img1, NULL), LENET_BIN_ERR_NULL);
    EXPECT("invoke_v(NULL inputs)", lenet_bin_invoke_v(&bad, NULL, (void *const *)&out),
           LENET_BIN_ERR_NULL);
    if (memcmp(out, keep, sizeof out) != 0)
        fail("an error leaves the output as it was", 1, 0);
    mnist_mlp_ctx m;
    EXPECT("mnist_mlp init(ARENA_BYTES - 1)", mnist_mlp_init(&m, arena_m, mb - 1),
           MNIST_MLP_ERR_ARENA_SIZE);

    /* Two LeNet contexts in two threads at once, the MLP meanwhile here. */
    Job ja = {.image = img1}, jb = {.image = img2};
    EXPECT("init(a)", lenet_bin_init(&ja.ctx, arena_a, lb), LENET_BIN_OK);
    EXPECT("init(b)", lenet_bin_init(&jb.ctx, arena_b, lb), LENET_BIN_OK);
    EXPECT("mnist_mlp init", mnist_mlp_init(&m, arena_m, mb), MNIST_MLP_OK);
    pthread_t ta, tb;
    if (pthread_create(&ta, NULL, run_job, &ja) || pthread_create(&tb, NULL, run_job, &jb)) {
        fprintf(stderr, "two_nets: cannot start the threads\n");
        return 1;
    }
    float mlp_new[MNIST_MLP_OUT_LOGITS_SIZE], mlp_again[MNIST_MLP_OUT_LOGITS_SIZE];
    EXPECT("mnist_mlp invoke", mnist_mlp_invoke(&m, vec, mlp_new), MNIST_MLP_OK);
    for (int r = 0; r < ROUNDS; r++) {
        EXPECT("mnist_mlp invoke again", mnist_mlp_invoke(&m, vec, mlp_again), MNIST_MLP_OK);
        if (memcmp(mlp_new, mlp_again, sizeof mlp_new) != 0)
            fail("mnist_mlp: the same bits every time", r, -1);
    }
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    EXPECT("lenet a status", ja.status, LENET_BIN_OK);
    EXPECT("lenet b status", jb.status, LENET_BIN_OK);
    EXPECT("lenet a: inferences that differ from the first", ja.differ, 0);
    EXPECT("lenet b: inferences that differ from the first", jb.differ, 0);

    /* The old API, in the static arenas. */
    float old1[LENET_BIN_OUT_LOGITS_SIZE], old2[LENET_BIN_OUT_LOGITS_SIZE];
    float mlp_old[MNIST_MLP_OUT_LOGITS_SIZE];
    lenet_bin_infer(img1, old1);
    mnist_mlp_infer(vec, mlp_old);
    lenet_bin_infer(img2, old2);

    save(argv[4], "lenet_a.raw", ja.first, LENET_BIN_OUT_LOGITS_SIZE);
    save(argv[4], "lenet_b.raw", jb.first, LENET_BIN_OUT_LOGITS_SIZE);
    save(argv[4], "lenet_old1.raw", old1, LENET_BIN_OUT_LOGITS_SIZE);
    save(argv[4], "lenet_old2.raw", old2, LENET_BIN_OUT_LOGITS_SIZE);
    save(argv[4], "mlp_new.raw", mlp_new, MNIST_MLP_OUT_LOGITS_SIZE);
    save(argv[4], "mlp_old.raw", mlp_old, MNIST_MLP_OUT_LOGITS_SIZE);
    free(mem_a);
    free(mem_b);
    free(mem_m);
    return failed;
}
