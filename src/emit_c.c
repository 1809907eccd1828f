/*
 * emit_c.c: the C emitter (`bnnc FILE --target T --emit c -o DIR`).
 *
 * Writes three C99 files for one network after the passes:
 *   NAME.h          the API: a context over the caller's arena with its
 *                   set-up and inference functions and status codes, the
 *                   first API's inference function over a static arena,
 *                   the sizes and shapes of the inputs and outputs, the
 *                   arena's size and alignment;
 *   NAME.c          a call of a kernel library function a layer, every
 *                   size a constant, each in a function of its own
 *                   (bnn_layerK, out of line), called in order by one
 *                   static function (bnn_run)
 *                   over an arena laid out by the buffer planner
 *                   (plan.c), the context's or the static one (which
 *                   BNN_ARENA_SECTION places and BNN_NO_STATIC_ARENA
 *                   leaves out); it includes the library
 *                   (runtime/, the flavour of the target's `kernels`),
 *                   whose headers go next to it (emit_runtime.c);
 *   NAME_weights.c  the parameters: binary weights packed as the
 *                   compression pass chose, float weights, folded batch
 *                   norms, and the integer thresholds of fused sign(bn).
 * The emitter lowers the graph only: the arrays of weights and their
 * packing (emit_weights.c, emit_thresh.c), the arena plan, and per layer
 * the library call that computes exactly what docs/semantics.md says
 * (emit_layers.c, runtime/README.md). No malloc, and no writable global
 * but the static arena: two contexts run independently.
 * This file is the driver: it checks the C names the network's names
 * become, writes NAME.h and NAME.c around the layers, and writes the
 * files all or none through outfile.c: temporaries in DIR itself, renamed
 * over the old files only when all are complete and every destination
 * has been checked. src/emit_c.h lists the parts and what they share.
 */
#include "emit_c.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers */

static char *c_ident(Arena *a, const char *s) {
    size_t n = strlen(s);
    char *o = mem_alloc(a, n + 2);
    size_t k = 0;
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        o[k++] = '_';
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '_';
        o[k++] = ok ? ch : '_';
    }
    o[k] = 0;
    return o;
}

static char *upper(Arena *a, const char *s) {
    char *o = mem_strdup(a, s);
    for (char *p = o; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return o;
}

const LayerParams *emit_params(Emit *e, const char *layer) {
    const LayerParams *p = weights_get(e->w, layer);
    if (!p) {
        diag_plain(e->c, "internal error: no parameters for layer '%s'", layer);
        e->ok = false;
    }
    return p;
}

/* The C type of an element of type t (b1: the word). */
static const char *ctype(DType t) {
    switch (t) {
    case DT_F32:
        return "float";
    case DT_I32:
        return "int32_t";
    case DT_U8:
        return "uint8_t";
    default:
        return "bnn_word";
    }
}

/* Pointer expression to node n's buffer, as elements of type t. */
void emit_buf_as(Emit *e, char *out, size_t len, const IrNode *n, DType t) {
    snprintf(out, len, "((%s *)(A + %lld))", ctype(t), (long long)e->plan.buf[n->id].offset);
}

/* Pointer expression to node n's buffer. */
void emit_buf(Emit *e, char *out, size_t len, const IrNode *n) {
    emit_buf_as(e, out, len, n, n->type);
}

/* BNN_ALIGN: the weight arrays and the arena start on a boundary of the
 * target's vector (GNU C), so that no vector load splits a cache line. */
static void emit_align(Emit *e, FILE *f) {
    int a = emit_param_align(e->t);
    if (a > 8)
        fprintf(f, "\n/* Arrays start on a %d-byte boundary: vector loads do not split cache\n"
                   " * lines. */\n#if defined(__GNUC__)\n#define BNN_ALIGN __attribute__((aligned(%d)))\n"
                   "#else\n#define BNN_ALIGN\n#endif\n",
                a, a);
    else
        fputs("\n#define BNN_ALIGN\n", f);
}

/* The boundary the arena starts on: the target's vector (BNN_ALIGN) or 8
 * bytes (a 64-bit word), whichever is larger; the planner's offsets are
 * multiples of PLAN_ALIGN. */
int emit_arena_align(const Emit *e) {
    int a = emit_param_align(e->t);
    return a > 8 ? a : 8;
}

/* ------------------------------------------------- inputs and outputs */

static const char *io_ctype(DType t) {
    switch (t) {
    case DT_F32:
        return "float";
    case DT_I32:
        return "int32_t";
    case DT_U8:
        return "uint8_t";
    default:
        return "int8_t";
    }
}

/* Names of the inputs and outputs as C parameters: in_X, out_X, X the
 * name made an identifier; distinct (check_names). */
static const char **io_names(Emit *e, const PtrVec *v, const char *prefix) {
    const char **names = mem_array(&e->c->arena, (size_t)v->n + 1, sizeof(char *));
    for (int i = 0; i < v->n; i++)
        names[i] = mem_printf(&e->c->arena, "%s%s", prefix,
                              c_ident(&e->c->arena, ((IrNode *)v->v[i])->name));
    return names;
}

/* -------------------------------------------------------------- names */

/* The headers of the C library (C11, and C23's stdbit and stdckdint) and
 * the intrinsics headers the generated code includes: a NAME.h of one of
 * these names, in a folder given with -I, would be included instead of the
 * library's (the generated NAME.c includes <stdint.h>, <string.h> and
 * <math.h>; the user's program <stdio.h>), on a file system that ignores
 * case too. */
static const char *const c_headers[] = {
    "assert", "complex", "ctype", "errno", "fenv", "float", "inttypes", "iso646",
    "limits", "locale", "math", "setjmp", "signal", "stdalign", "stdarg", "stdatomic",
    "stdbit", "stdbool", "stdckdint", "stddef", "stdint", "stdio", "stdlib", "stdnoreturn",
    "string", "tgmath", "threads", "time", "uchar", "wchar", "wctype", "immintrin",
    "arm_neon",
};

static bool same_nocase(const char *a, const char *b) {
    for (; *a && tolower((unsigned char)*a) == tolower((unsigned char)*b); a++, b++)
        ;
    return tolower((unsigned char)*a) == tolower((unsigned char)*b);
}

/* The names of the network, its inputs and its outputs become C names
 * (docs/codegen.md, "Names"): NAME, the network's name with '-' as '_',
 * prefixes its files, functions and arrays, and in upper case its macros;
 * an input X is the parameter in_X and the macros NAME_IN_X_SIZE, _RANK,
 * _DIMd in upper case (an output out_X, NAME_OUT_X_...). Each C name must
 * be unique and none bnnc's own, or the header defines a macro twice with
 * two values, or a parameter hides an array: such a network is refused,
 * at the name, before any file is written. Every clash is reported. */
static bool check_names(Emit *e) {
    Ctx *c = e->c;
    const IrGraph *g = e->g;
    bool ok = true;
    if (g->name[0] == '_') {
        diag_error(c, g->loc,
                   "the C names of network '%s' would begin with '_' (%s_infer, %s_H), which C "
                   "reserves for the compiler and its library; rename the network",
                   g->name, e->name, upper(&c->arena, e->name));
        ok = false;
    }
    for (size_t i = 0; i < sizeof c_headers / sizeof c_headers[0]; i++)
        if (same_nocase(e->name, c_headers[i])) {
            diag_error(c, g->loc,
                       "network '%s' would be written to '%s.h', which hides the C library's "
                       "<%s.h>%s wherever its folder is an include path (-I); rename the "
                       "network",
                       g->name, e->name, c_headers[i],
                       strcmp(e->name, c_headers[i]) ? " on a file system that ignores case,"
                                                     : "");
            ok = false;
        }
    /* The kernel library's headers are written next to NAME.h (every
     * target's, so that a name does not work on one target only). */
    for (int i = 0; i < runtime_nfiles; i++) {
        const char *h = runtime_files[i].name;
        size_t hl = strlen(h) - 2; /* without ".h" */
        char *stem = mem_printf(&c->arena, "%.*s", (int)hl, h);
        if (!same_nocase(e->name, stem))
            continue;
        diag_error(c, g->loc,
                   "network '%s' would be written to '%s.h', the name of a header of bnnc's "
                   "kernel library written next to it%s; rename the network",
                   g->name, e->name,
                   strcmp(e->name, stem) ? " on a file system that ignores case" : "");
        ok = false;
    }
    for (int pass = 0; pass < 2; pass++) {
        const PtrVec *v = pass ? &g->outputs : &g->inputs;
        const char *what = pass ? "output" : "input", *pre = pass ? "out_" : "in_";
        const char **param = io_names(e, v, pre);
        const char **macro = mem_array(&c->arena, (size_t)v->n + 1, sizeof(char *));
        for (int i = 0; i < v->n; i++) {
            const IrNode *x = v->v[i];
            macro[i] = upper(&c->arena, param[i]);
            /* Two names that differ only in case, or in '-', '.' and '_':
             * the same macros. */
            for (int k = 0; k < i; k++) {
                if (strcmp(macro[k], macro[i]))
                    continue;
                const IrNode *y = v->v[k];
                diag_error_at(c, x->loc, x->origin,
                              "%s '%s' and %s '%s' would both define %s_%s_SIZE in the "
                              "generated C (its macros are in upper case, '-' and '.' become "
                              "'_'); rename one",
                              what, x->name, what, y->name, upper(&c->arena, e->name), macro[i]);
                diag_note(c, y->loc, "%s '%s' is %s here", what, y->name,
                          pass ? "defined" : "declared");
                ok = false;
                break;
            }
        }
    }
    return ok;
}

/* After the layers are emitted (e->narrays arrays): a parameter of the
 * inference function must not hide a weights array NAME_wK it reads (a
 * network 'in' and an input 'w0'). */
static bool check_params(Emit *e, const char **in, const char **out) {
    Ctx *c = e->c;
    const IrGraph *g = e->g;
    size_t nl = strlen(e->name);
    bool ok = true;
    for (int pass = 0; pass < 2; pass++) {
        const PtrVec *v = pass ? &g->outputs : &g->inputs;
        const char **param = pass ? out : in;
        for (int i = 0; i < v->n; i++) {
            const IrNode *x = v->v[i];
            const char *p = param[i], *k = p + nl + 2;
            if (strncmp(p, e->name, nl) || p[nl] != '_' || p[nl + 1] != 'w' || !*k ||
                strspn(k, "0123456789") != strlen(k) || (k[0] == '0' && k[1]) ||
                strlen(k) > 9 || atoi(k) >= e->narrays)
                continue;
            diag_error_at(c, x->loc, x->origin,
                          "%s '%s' would be the C parameter '%s', which is also the name of a "
                          "weights array of network '%s'; rename the %s or the network",
                          pass ? "output" : "input", x->name, p, g->name,
                          pass ? "output" : "input");
            diag_note(c, g->loc, "network '%s' is declared here", g->name);
            ok = false;
        }
    }
    return ok;
}

/* ------------------------------------------------------------- NAME.h */

/* The parameters of NAME_infer: the inputs, then the outputs. */
static void put_params(FILE *f, const IrGraph *g, const char **in, const char **out) {
    for (int i = 0; i < g->inputs.n; i++)
        fprintf(f, "%sconst %s *%s", i ? ", " : "", io_ctype(((IrNode *)g->inputs.v[i])->type),
                in[i]);
    for (int i = 0; i < g->outputs.n; i++)
        fprintf(f, ", %s *%s", io_ctype(((IrNode *)g->outputs.v[i])->type), out[i]);
}

static void emit_header(Emit *e, const char **in, const char **out) {
    FILE *h = e->h;
    const IrGraph *g = e->g;
    char *U = upper(&e->c->arena, e->name);
    fprintf(h, "/* %s.h: generated by bnnc %s from network '%s' for target '%s'.\n"
               " * Do not edit; regenerate with bnnc --emit c. docs/codegen.md explains the API. */\n",
            e->name, BNNC_VERSION, g->name, e->t->name);
    fprintf(h, "#ifndef %s_H\n#define %s_H\n\n#include <stddef.h>\n#include <stdint.h>\n\n", U, U);
    if (e->w->random)
        fprintf(h, "/* WARNING: the weights are pseudo-random (bnnc --seed %llu), not trained.\n"
                   " * This code computes nothing useful; give bnnc --weights FILE.safetensors. */\n"
                   "#define %s_RANDOM_WEIGHTS 1\n\n",
                (unsigned long long)e->w->seed, U);
    fprintf(h, "/* Bytes of the activation arena (the report's peak activation memory),\n"
               " * the boundary it must start on, and the bytes of the parameters in\n"
               " * %s_weights.c. */\n",
            e->name);
    fprintf(h, "#define %s_ARENA_BYTES %lld\n", U, (long long)e->plan.arena);
    fprintf(h, "#define %s_ARENA_ALIGN %d\n", U, emit_arena_align(e));
    fprintf(h, "#define %s_WEIGHT_BYTES %lld\n\n", U, (long long)e->weight_bytes);
    fprintf(h, "/* The status of %s_init and %s_invoke. */\n#define %s_OK 0\n"
               "#define %s_ERR_NULL (-1)        /* a NULL pointer, or a context not set up */\n"
               "#define %s_ERR_ARENA_SIZE (-2)  /* the arena is smaller than %s_ARENA_BYTES */\n"
               "#define %s_ERR_ARENA_ALIGN (-3) /* the arena is not on a %s_ARENA_ALIGN boundary */\n\n",
            e->name, e->name, U, U, U, U, U, U);
    fprintf(h, "#define %s_NUM_INPUTS %d\n#define %s_NUM_OUTPUTS %d\n\n", U, g->inputs.n, U,
            g->outputs.n);
    for (int pass = 0; pass < 2; pass++) {
        const PtrVec *v = pass ? &g->outputs : &g->inputs;
        const char **nm = pass ? out : in;
        for (int i = 0; i < v->n; i++) {
            const IrNode *x = v->v[i];
            char *N = upper(&e->c->arena, nm[i]);
            char shape[64];
            shape_format(shape, sizeof shape, &x->shape);
            fprintf(h, "/* %s '%s': %s%s, as %s%s */\n", pass ? "output" : "input", x->name,
                    dtype_name(x->type), shape, io_ctype(x->type),
                    x->type == DT_B1 ? " (-1 or +1; an input >= 0 is +1)" : "");
            fprintf(h, "#define %s_%s_SIZE %lld\n", U, N, (long long)shape_elems(&x->shape));
            fprintf(h, "#define %s_%s_RANK %d\n", U, N, x->shape.rank);
            for (int d = 0; d < x->shape.rank; d++)
                fprintf(h, "#define %s_%s_DIM%d %lld\n", U, N, d, (long long)x->shape.d[d]);
            fputc('\n', h);
        }
    }
    fprintf(h, "/* One instance of the network: its arena, given by the caller. Set up by\n"
               " * %s_init; the fields are the generated code's. */\n"
               "typedef struct {\n    unsigned char *arena;\n    uintptr_t check;\n} %s_ctx;\n\n",
            e->name, e->name);
    fprintf(h, "/* Sets up ctx on the arena (%s_ARENA_BYTES bytes or more, on a\n"
               " * %s_ARENA_ALIGN-byte boundary): %s_OK, or an error and ctx not set up. */\n"
               "int %s_init(%s_ctx *ctx, void *arena, size_t arena_bytes);\n\n",
            U, U, U, e->name, e->name);
    fprintf(h, "/* One inference in ctx's arena: %s_OK, or %s_ERR_NULL. Reentrant: two\n"
               " * contexts, with two arenas, run independently (in two threads too). */\n"
               "int %s_invoke(%s_ctx *ctx, ",
            U, U, e->name, e->name);
    put_params(h, g, in, out);
    fputs(");\n", h);
    fprintf(h, "/* The same with arrays of pointers, inputs and outputs in order. */\n"
               "int %s_invoke_v(%s_ctx *ctx, const void *const *inputs, void *const *outputs);\n\n",
            e->name, e->name);
    fprintf(h, "#ifndef BNN_NO_STATIC_ARENA\n"
               "/* One inference in a static arena of %s.c (placed in the section\n"
               " * BNN_ARENA_SECTION if defined). Not reentrant: one at a time. */\nvoid %s_infer(",
            e->name, e->name);
    put_params(h, g, in, out);
    fputs(");\n", h);
    fprintf(h, "/* The same with arrays of pointers, inputs and outputs in order. */\n"
               "void %s_infer_v(const void *const *inputs, void *const *outputs);\n#endif\n\n",
            e->name);
    fprintf(h, "/* Element counts and types ('f': float, 'i': int32_t, 'u': uint8_t,\n"
               " * 'b': int8_t -1/+1) of the inputs and outputs, in order. */\n"
               "extern const long %s_input_sizes[%d];\nextern const char %s_input_types[%d];\n"
               "extern const long %s_output_sizes[%d];\nextern const char %s_output_types[%d];\n\n",
            e->name, g->inputs.n, e->name, g->inputs.n + 1, e->name, g->outputs.n, e->name,
            g->outputs.n + 1);
    fprintf(h, "#endif\n");
}

/* --------------------------------------------- NAME.c, NAME_weights.c */

static char type_letter(DType t) {
    return t == DT_F32 ? 'f' : t == DT_I32 ? 'i' : t == DT_U8 ? 'u' : 'b';
}

/* The layers, into memory: the body of the inference function (*body)
 * and the externs of their weights (*externs), which go before it in
 * NAME.c; NAME.c's prelude depends on what they use. The number of
 * layers, or -1 after reporting. */
static int emit_body(Emit *e, char **body, size_t *blen, char **externs, size_t *elen) {
    const IrGraph *g = e->g;
    FILE *f = e->decl;
    e->src = open_memstream(body, blen);
    e->decl = open_memstream(externs, elen);
    if (!e->src || !e->decl) {
        diag_plain(e->c, "cannot allocate memory for the generated code");
        e->ok = false;
        if (e->src)
            fclose(e->src);
        if (e->decl)
            fclose(e->decl);
        e->src = NULL;
        e->decl = f;
        return -1;
    }
    int nlayers = 0;
    fputs("    BNN_TIME(0);\n", e->src);
    for (int i = 0; i < g->nodes.n && e->ok; i++) {
        const IrNode *n = g->nodes.v[i];
        if (n->op == OP_COUNT)
            continue;
        emit_layer(e, n);
        /* The layer's code sits between two timing points (bnnc bench). */
        fprintf(e->src, "    BNN_TIME(%d);\n", ++nlayers);
    }
    fclose(e->src);
    fclose(e->decl);
    e->src = NULL;
    e->decl = f;
    return nlayers;
}

/* NAME.c up to its declarations: the kernel library, the arena, the
 * timing points of nlayers layers. */
static void source_prelude(Emit *e, int nlayers) {
    FILE *f = e->decl;
    fprintf(f, "/* %s.c: generated by bnnc %s from network '%s' for target '%s'\n"
               " * (kernels: %s, %d-bit words). Do not edit. */\n",
            e->name, BNNC_VERSION, e->g->name, e->t->name, e->t->kernels, e->W);
    /* The kernel library: the flavour, then the core (write_all writes
     * the headers next to this file). */
    fprintf(f, "\n#define BNN_W %d\n#include \"%s\"\n#include \"bnn_kernels.h\"\n\n"
               "#include \"%s.h\"\n",
            e->W, runtime_flavour(e->t), e->name);
    if (e->threads > 1)
        fprintf(f, "\n/* Each layer in %d parts, run by bnn_parallel_for (bnn_threads.h): a pool\n"
                   " * of POSIX threads (link with -pthread), or with -DBNN_PARALLEL_HOOK the\n"
                   " * program's own bnn_parallel_for. */\n#define BNN_THREADS %d\n"
                   "#include \"bnn_threads.h\"\n",
                e->threads, e->threads);
    emit_align(e, f);
    fprintf(f, "\n/* The arena of %s_infer. Built with -DBNN_ARENA_SECTION='\".name\"' it goes\n"
               " * to that section (GNU C); with -DBNN_NO_STATIC_ARENA it and %s_infer are\n"
               " * not there, and the caller gives %s_init an arena. */\n"
               "#ifndef BNN_NO_STATIC_ARENA\n#if defined(BNN_ARENA_SECTION)\n#if !defined(__GNUC__)\n"
               "#error \"BNN_ARENA_SECTION needs GNU C: give %s_init an arena placed otherwise\"\n"
               "#endif\n#define BNN_ARENA_PLACE __attribute__((section(BNN_ARENA_SECTION)))\n"
               "#else\n#define BNN_ARENA_PLACE\n#endif\n",
            e->name, e->name, e->name, e->name);
    fprintf(f, "static union {\n    uint64_t align;\n    unsigned char b[%lld];\n"
               "} bnn_arena BNN_ALIGN BNN_ARENA_PLACE;\n#endif\n\n",
            (long long)(e->plan.arena ? e->plan.arena : 16));
    fprintf(f, "/* Built with -DBNN_TIMING, each layer ends with a call of bnn_timing(k),\n"
               " * k = 1 .. %d, and the inference starts with bnn_timing(0): bnnc bench\n"
               " * times the layers so. Otherwise the calls are not there. */\n"
               "#ifdef BNN_TIMING\nvoid bnn_timing(int point);\n#define BNN_TIME(k) bnn_timing(k)\n"
               "const int %s_num_layers = %d;\n#else\n#define BNN_TIME(k) ((void)0)\n#endif\n\n",
            nlayers, e->name, nlayers);
}

/* NAME_infer: the inputs into the arena (b1 packed), the layers' body,
 * the outputs out of it. */
static void source_infer(Emit *e, const char **in, const char **out, const char *body,
                         size_t blen) {
    FILE *f = e->decl;
    const IrGraph *g = e->g;
    fprintf(f, "\n/* The inference in the arena at `arena` (%s_ARENA_ALIGN-aligned): it\n"
               " * writes no other memory than the arena and the outputs (reentrant).\n"
               " * restrict: nothing else the layers read (weights, inputs) is in the\n"
               " * arena, as with a static arena, so the compiler keeps values in\n"
               " * registers across the arena's stores. */\n"
               "static void bnn_run(unsigned char *restrict arena, ",
            upper(&e->c->arena, e->name));
    put_params(f, g, in, out);
    fprintf(f, ")\n{\n#if defined(__GNUC__)\n"
               "    unsigned char *const A = (unsigned char *)__builtin_assume_aligned(arena, %d);\n"
               "#else\n    unsigned char *const A = arena;\n#endif\n",
            emit_arena_align(e));
    for (int i = 0; i < g->inputs.n; i++) {
        const IrNode *x = g->inputs.v[i];
        char xp[96];
        emit_buf(e, xp, sizeof xp, x);
        int64_t N = shape_elems(&x->shape);
        if (x->type == DT_B1) {
            fprintf(f, "    bnn_pack_input(%s, %s, %lld, %lld);\n", in[i], xp,
                    (long long)shape_pixels(&x->shape), (long long)shape_channels(&x->shape));
        } else {
            fprintf(f, "    memcpy(%s, %s, %lld * sizeof(%s));\n", xp, in[i], (long long)N,
                    ctype(x->type));
        }
    }
    if (body)
        fwrite(body, 1, blen, f);
    fputc('\n', f);
    for (int i = 0; i < g->outputs.n; i++) {
        const IrNode *x = g->outputs.v[i];
        char xp[96];
        emit_buf(e, xp, sizeof xp, x);
        int64_t N = shape_elems(&x->shape);
        if (x->type == DT_B1)
            fprintf(f, "    bnn_unpack_output(%s, %s, %lld, %lld);\n", xp, out[i], (long long)N,
                    (long long)shape_channels(&x->shape));
        else
            fprintf(f, "    memcpy(%s, %s, %lld * sizeof(%s));\n", out[i], xp, (long long)N,
                    ctype(x->type));
    }
    fputs("}\n\n", f);
}

/* NAME_infer_v, and the element counts and types of the inputs and
 * outputs. */
static void put_args(FILE *f, const IrGraph *g, const char **in, const char **out) {
    for (int i = 0; i < g->inputs.n; i++)
        fprintf(f, "%s%s", i ? ", " : "", in[i]);
    for (int i = 0; i < g->outputs.n; i++)
        fprintf(f, ", %s", out[i]);
}

/* The arguments of the _v functions: the arrays' pointers, cast. */
static void put_args_v(FILE *f, const IrGraph *g) {
    for (int i = 0; i < g->inputs.n; i++)
        fprintf(f, "%s(const %s *)inputs[%d]", i ? ", " : "",
                io_ctype(((IrNode *)g->inputs.v[i])->type), i);
    for (int i = 0; i < g->outputs.n; i++)
        fprintf(f, ", (%s *)outputs[%d]", io_ctype(((IrNode *)g->outputs.v[i])->type), i);
}

/* NAME_init, NAME_invoke and NAME_invoke_v over the caller's arena; the
 * old API, NAME_infer and NAME_infer_v, over the static one. */
static void source_api(Emit *e, const char **in, const char **out) {
    FILE *f = e->decl;
    const IrGraph *g = e->g;
    const char *n = e->name;
    char *U = upper(&e->c->arena, n);
    fprintf(f, "int %s_init(%s_ctx *ctx, void *arena, size_t arena_bytes)\n{\n"
               "    if (!ctx)\n        return %s_ERR_NULL;\n"
               "    ctx->arena = NULL;\n    ctx->check = 0;\n"
               "    if (!arena)\n        return %s_ERR_NULL;\n",
            n, n, U, U);
    if (e->plan.arena > 0)
        fprintf(f, "    if (arena_bytes < %s_ARENA_BYTES)\n        return %s_ERR_ARENA_SIZE;\n", U,
                U);
    else
        fputs("    (void)arena_bytes;\n", f);
    fprintf(f, "    if ((uintptr_t)arena %% %s_ARENA_ALIGN != 0)\n        return %s_ERR_ARENA_ALIGN;\n"
               "    ctx->arena = (unsigned char *)arena;\n"
               "    ctx->check = ~(uintptr_t)ctx->arena;\n    return %s_OK;\n}\n\n",
            U, U, U);
    fprintf(f, "int %s_invoke(%s_ctx *ctx, ", n, n);
    put_params(f, g, in, out);
    fprintf(f, ")\n{\n    if (!ctx || !ctx->arena || ctx->check != ~(uintptr_t)ctx->arena");
    for (int pass = 0; pass < 2; pass++) {
        const char **nm = pass ? out : in;
        for (int i = 0; i < (pass ? g->outputs.n : g->inputs.n); i++)
            fprintf(f, " || !%s", nm[i]);
    }
    fprintf(f, ")\n        return %s_ERR_NULL;\n    bnn_run(ctx->arena, ", U);
    put_args(f, g, in, out);
    fprintf(f, ");\n    return %s_OK;\n}\n\n", U);
    fprintf(f, "int %s_invoke_v(%s_ctx *ctx, const void *const *inputs, void *const *outputs)\n{\n"
               "    if (!inputs || !outputs)\n        return %s_ERR_NULL;\n    return %s_invoke(ctx, ",
            n, n, U, n);
    put_args_v(f, g);
    fputs(");\n}\n\n", f);
    fprintf(f, "#ifndef BNN_NO_STATIC_ARENA\nvoid %s_infer(", n);
    put_params(f, g, in, out);
    fputs(")\n{\n    bnn_run(bnn_arena.b, ", f);
    put_args(f, g, in, out);
    fprintf(f, ");\n}\n\nvoid %s_infer_v(const void *const *inputs, void *const *outputs)\n{\n"
               "    %s_infer(",
            n, n);
    put_args_v(f, g);
    fputs(");\n}\n#endif\n\n", f);
    for (int pass = 0; pass < 2; pass++) {
        const PtrVec *v = pass ? &g->outputs : &g->inputs;
        const char *what = pass ? "output" : "input";
        fprintf(f, "const long %s_%s_sizes[%d] = {", e->name, what, v->n);
        for (int i = 0; i < v->n; i++)
            fprintf(f, "%s%lld", i ? ", " : "",
                    (long long)shape_elems(&((IrNode *)v->v[i])->shape));
        fprintf(f, "};\nconst char %s_%s_types[%d] = \"", e->name, what, v->n + 1);
        for (int i = 0; i < v->n; i++)
            fputc(type_letter(((IrNode *)v->v[i])->type), f);
        fputs("\";\n", f);
    }
}

/* NAME_weights.c's opening (its arrays follow as the layers ask for
 * them), then NAME.c: the layers first, into memory, then the prelude,
 * their externs, the inference functions and the tables. */
static void emit_source(Emit *e, const char **in, const char **out) {
    fprintf(e->wf, "/* %s_weights.c: generated by bnnc %s: the parameters of network '%s'\n"
                   " * for target '%s'%s. Do not edit. */\n#include <stdint.h>\n\n"
                   "typedef uint%d_t bnn_word;\n",
            e->name, BNNC_VERSION, e->g->name, e->t->name,
            e->w->random ? " (pseudo-random: not trained)" : "", e->W);
    emit_align(e, e->wf);
    char *body = NULL, *externs = NULL;
    size_t blen = 0, elen = 0;
    int nlayers = emit_body(e, &body, &blen, &externs, &elen);
    if (nlayers >= 0) {
        source_prelude(e, nlayers);
        if (externs)
            fwrite(externs, 1, elen, e->decl);
        source_infer(e, in, out, body, blen);
        source_api(e, in, out);
    }
    free(externs);
    free(body);
}

/* -------------------------------------------------------------- files */

/* Writes the files into dir (made if it does not exist), all or none
 * (out_open, out_commit): their temporaries go in dir itself, so only dir
 * must be writable, and each destination is checked before anything is
 * written. A folder made here is removed again after an error. */
static bool write_all(Emit *e, const char *dir) {
    Ctx *c = e->c;
    struct stat st;
    bool made = false;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            diag_plain(c, "'%s' exists and is not a folder", dir);
            return false;
        }
    } else if (mkdir(dir, 0777) != 0) {
        diag_plain(c, "cannot create the folder '%s': %s", dir, strerror(errno));
        return false;
    } else {
        made = true;
    }
    size_t dl = strlen(dir);
    const char *sep = dl && dir[dl - 1] == '/' ? "" : "/";
    /* NAME.h, NAME.c, NAME_weights.c, then the library headers NAME.c
     * includes, as in runtime/. */
    bool *used = mem_array(&c->arena, (size_t)runtime_nfiles, sizeof(bool));
    runtime_closure(runtime_flavour(e->t), used);
    runtime_closure("bnn_kernels.h", used);
    if (e->threads > 1)
        runtime_closure("bnn_threads.h", used);
    const char *ext[3] = {".h", ".c", "_weights.c"};
    const RuntimeFile **lib = mem_array(&c->arena, (size_t)runtime_nfiles + 3, sizeof *lib);
    const char **path = mem_array(&c->arena, (size_t)runtime_nfiles + 3, sizeof(char *));
    int nf = 0;
    for (; nf < 3; nf++)
        path[nf] = mem_printf(&c->arena, "%s%s%s%s", dir, sep, e->name, ext[nf]);
    for (int i = 0; i < runtime_nfiles; i++)
        if (used[i]) {
            lib[nf] = &runtime_files[i];
            path[nf++] = mem_printf(&c->arena, "%s%s%s", dir, sep, runtime_files[i].name);
        }
    OutFile *files = mem_array(&c->arena, (size_t)nf, sizeof(OutFile));
    int n = 0;
    bool ok = true;
    for (; n < nf && ok; n++)
        if (!(ok = out_open(c, &files[n], path[n])))
            break;
    if (ok) {
        e->h = files[0].f;
        e->decl = files[1].f;
        e->wf = files[2].f;
        const char **in = io_names(e, &e->g->inputs, "in_");
        const char **out = io_names(e, &e->g->outputs, "out_");
        emit_source(e, in, out);
        emit_header(e, in, out);
        for (int i = 3; i < nf; i++)
            fwrite(lib[i]->text, 1, lib[i]->size, files[i].f);
        if (e->ok && !check_params(e, in, out))
            e->ok = false;
        ok = e->ok && out_commit(c, files, nf);
        if (!e->ok)
            for (int i = 0; i < nf; i++)
                out_discard(&files[i]);
    } else {
        for (int i = 0; i < n; i++)
            out_discard(&files[i]);
    }
    if (!ok && made)
        rmdir(dir); /* empty: no temporary is left */
    return ok;
}

void emit_kernels(Ctx *c, const CostTarget *t, FILE *f) {
    bool *done = mem_array(&c->arena, (size_t)runtime_nfiles, sizeof(bool));
    fprintf(f, "#define BNN_W %d\n", t->word);
    runtime_expand(f, runtime_flavour(t), done);
}

const char *emit_name(Ctx *c, const IrGraph *g) {
    return c_ident(&c->arena, g->name);
}

bool emit_c(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w, const char *dir) {
    return emit_c_threads(c, g, t, w, dir, 1);
}

bool emit_c_threads(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w,
                    const char *dir, int threads) {
    Emit e = {.c = c, .g = g, .t = t, .w = w, .W = t->word, .ok = true, .threads = threads};
    e.name = emit_name(c, g);
    plan_graph(c, g, t->word, &e.plan);
    if (!emit_c_fits(c, g, &e.plan, t->word) || !check_names(&e))
        return false;
    return write_all(&e, dir);
}
