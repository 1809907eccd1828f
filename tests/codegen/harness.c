/*
 * harness.c: runs one network emitted by `bnnc --emit c` on .npy inputs
 * and writes its outputs as .npy files, for the differential tests.
 *
 *   cc -std=c99 -DNET=name -DNET_UP=NAME -include DIR/name.h harness.c
 *      DIR/name.c DIR/name_weights.c -lm
 *   ./a.out IN.npy... -- OUT.npy...
 *
 * With NET_UP (NAME, the name in upper case: its macros' prefix) the
 * network runs twice: through NAME_invoke_v in an arena of the harness,
 * filled with garbage first (the code must not read what it has not
 * written), and through NAME_infer_v in the static arena; the two outputs
 * must be the same, bit for bit (docs/codegen.md, "The API"). Without it
 * (tests/import/test_onnx.py), only through NAME_infer_v.
 *
 * Inputs are read as the network's types (f32 '<f4', i32 '<i4', u8 '|u1',
 * b1 '|i1'); the element count must match. Outputs are written flat.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
#define INFER_V XCAT(NET, _infer_v)
#define INVOKE_V XCAT(NET, _invoke_v)
#define INIT XCAT(NET, _init)
#define CTX XCAT(NET, _ctx)
#define ARENA_BYTES XCAT(NET_UP, _ARENA_BYTES)
#define ARENA_ALIGN XCAT(NET_UP, _ARENA_ALIGN)
#define IN_SIZES XCAT(NET, _input_sizes)
#define IN_TYPES XCAT(NET, _input_types)
#define OUT_SIZES XCAT(NET, _output_sizes)
#define OUT_TYPES XCAT(NET, _output_types)

static size_t item(char t) {
    return t == 'f' || t == 'i' ? 4 : 1;
}

static const char *descr(char t) {
    return t == 'f' ? "<f4" : t == 'i' ? "<i4" : t == 'u' ? "|u1" : "|i1";
}

static void *read_npy(const char *path, char t, long n) {
    FILE *f = fopen(path, "rb");
    unsigned char head[10];
    if (!f || fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0) {
        fprintf(stderr, "harness: %s: not a .npy file\n", path);
        exit(1);
    }
    size_t hl = head[6] == 1 ? (size_t)(head[8] | head[9] << 8) : 0;
    if (head[6] != 1) {
        unsigned char more[2];
        if (fread(more, 1, 2, f) != 2) {
            fprintf(stderr, "harness: %s: truncated\n", path);
            exit(1);
        }
        hl = (size_t)head[8] | (size_t)head[9] << 8 | (size_t)more[0] << 16 | (size_t)more[1] << 24;
    }
    char *h = malloc(hl + 1);
    if (!h || fread(h, 1, hl, f) != hl) {
        fprintf(stderr, "harness: %s: truncated header\n", path);
        exit(1);
    }
    h[hl] = 0;
    if (!strstr(h, descr(t))) {
        fprintf(stderr, "harness: %s: expected dtype %s: %s\n", path, descr(t), h);
        exit(1);
    }
    free(h);
    void *d = malloc((size_t)n * item(t) + 1);
    if (!d || fread(d, item(t), (size_t)n, f) != (size_t)n || fgetc(f) != EOF) {
        fprintf(stderr, "harness: %s: expected %ld elements\n", path, n);
        exit(1);
    }
    fclose(f);
    return d;
}

static void write_npy(const char *path, char t, long n, const void *d) {
    char h[128];
    int len = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (%ld,), }",
                       descr(t), n);
    while ((10 + len + 1) % 64)
        h[len++] = ' ';
    h[len++] = '\n';
    FILE *f = fopen(path, "wb");
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(len & 255),
                             (unsigned char)(len >> 8)};
    if (!f || fwrite(pre, 1, 10, f) != 10 || fwrite(h, 1, (size_t)len, f) != (size_t)len ||
        fwrite(d, item(t), (size_t)n, f) != (size_t)n || fclose(f) != 0) {
        fprintf(stderr, "harness: cannot write %s\n", path);
        exit(1);
    }
}

int main(int argc, char **argv) {
    int nin = (int)strlen(IN_TYPES), nout = (int)strlen(OUT_TYPES);
    if (argc != nin + nout + 2 || strcmp(argv[nin + 1], "--") != 0) {
        fprintf(stderr, "usage: %s IN.npy x %d -- OUT.npy x %d\n", argv[0], nin, nout);
        return 2;
    }
    const void *in[16] = {0};
    void *out[16] = {0};
    for (int i = 0; i < nin; i++)
        in[i] = read_npy(argv[1 + i], IN_TYPES[i], IN_SIZES[i]);
    void *old[16] = {0};
    for (int i = 0; i < nout; i++) {
        out[i] = calloc((size_t)OUT_SIZES[i] + 1, item(OUT_TYPES[i]));
        old[i] = calloc((size_t)OUT_SIZES[i] + 1, item(OUT_TYPES[i]));
    }
#ifdef NET_UP
    unsigned char *mem = malloc((size_t)ARENA_BYTES + ARENA_ALIGN);
    if (!mem) {
        fprintf(stderr, "harness: out of memory\n");
        return 1;
    }
    memset(mem, 0xa5, (size_t)ARENA_BYTES + ARENA_ALIGN);
    unsigned char *arena = mem + (ARENA_ALIGN - (uintptr_t)mem % ARENA_ALIGN) % ARENA_ALIGN;
    CTX ctx;
    int st = INIT(&ctx, arena, ARENA_BYTES);
    if (st != 0 || (st = INVOKE_V(&ctx, in, out)) != 0) {
        fprintf(stderr, "harness: status %d\n", st);
        return 1;
    }
    INFER_V(in, old);
    for (int i = 0; i < nout; i++)
        if (memcmp(out[i], old[i], (size_t)OUT_SIZES[i] * item(OUT_TYPES[i])) != 0) {
            fprintf(stderr, "harness: output %d of invoke and of infer differ\n", i);
            return 1;
        }
    free(mem);
#else
    INFER_V(in, out);
#endif
    for (int i = 0; i < nout; i++) {
        write_npy(argv[nin + 2 + i], OUT_TYPES[i], OUT_SIZES[i], out[i]);
        free(out[i]);
        free(old[i]);
    }
    for (int i = 0; i < nin; i++)
        free((void *)in[i]);
    return 0;
}
