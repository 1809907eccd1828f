/*
 * emit_c.h: the parts of the C emitter (`--emit c`) and what they share.
 *
 * include/bnnc.h keeps the emitter's public entry points (emit_c,
 * emit_name, emit_kernels); this header is for its own files only:
 *   emit_c.c        the driver: the names checks, NAME.h, NAME.c's
 *                   prelude and inference functions, the files written
 *                   all or none, and the helpers below;
 *   emit_layers.c   per layer, the call of the kernel library
 *                   (runtime/) that computes it;
 *   emit_fused.c    a fused layer's chain for one block of pixels, and
 *                   the loop over the blocks;
 *   emit_thresh.c   sign, threshold and thresholds: the integer
 *                   thresholds of fused batch norms, exact;
 *   emit_weights.c  the const arrays of NAME_weights.c and the packing
 *                   of each layer's weights into them.
 * One Emit holds all the state of one emission: the emitter is
 * reentrant (the fuzz harness, bnnc bench and calibrate call it many
 * times in one process).
 */
#ifndef BNNC_EMIT_C_H
#define BNNC_EMIT_C_H

#include "bnnc.h"

typedef struct {
    Ctx *c;
    const IrGraph *g;
    const CostTarget *t;
    const Weights *w;
    Plan plan;
    const char *name;          /* C prefix: the network name made an identifier */
    FILE *h, *wf;              /* NAME.h, NAME_weights.c */
    FILE *decl;                /* NAME.c: the prelude and declarations */
    FILE *src;                 /* the body of the inference function */
    int64_t weight_bytes;      /* of the arrays in NAME_weights.c */
    int64_t pad;               /* zero elements the open array ends with */
    int narrays;               /* weight arrays written so far: NAME_w0, NAME_w1, ... */
    int W;                     /* word bits */
    int threads;               /* parts of a layer (--threads); 1: no split */
    bool part;                 /* writing a layer's part function (bnn_X_part) */
    int nparts;                /* layer or part functions written: bnn_layer0, ... */
    bool ok;
} Emit;

/* Geometry of a window op along both axes (docs/semantics.md section 3). */
typedef struct {
    int64_t H, Wd, C, Ho, Wo, Co, Kh, Kw, sh, sw, dh, dw, pt, pl;
} Win;

/* In a layer's part function the library calls are bnn_X_part(..., t, n)
 * (runtime/bnn_parts.h); elsewhere bnn_X(...). */
#define EMIT_PART(e) ((e)->part ? "_part" : "")
#define EMIT_TARGS(e) ((e)->part ? ", t, n" : "")

/* Words of W bits per pixel for C channels. */
static inline int64_t emit_cwords(int64_t C, int W) {
    return (C + W - 1) / W;
}

/* ----------------------------------------------------------- emit_c.c */

/* The parameters of `layer`, or NULL after reporting an internal error. */
const LayerParams *emit_params(Emit *e, const char *layer);
/* Into out[len]: a pointer expression to node n's buffer in the arena,
 * as elements of type t (emit_buf: of its own type). */
void emit_buf_as(Emit *e, char *out, size_t len, const IrNode *n, DType t);
void emit_buf(Emit *e, char *out, size_t len, const IrNode *n);
/* The boundary the arena starts on (NAME_ARENA_ALIGN). */
int emit_arena_align(const Emit *e);

/* ------------------------------------------------------ emit_layers.c */

/* The library's element types (bnn_dtype) by DType. */
extern const char *const emit_dtype_names[];
/* Layer n into the body of the inference function (e->src), its weights
 * into NAME_weights.c. */
void emit_layer(Emit *e, const IrNode *n);

/* ------------------------------------------------------ emit_thresh.c */

/* sign and threshold into a packed binary tensor; thresholds into bits
 * (one level) or u8 counts. */
void emit_binarize(Emit *e, const IrNode *n);
void emit_thresholds(Emit *e, const IrNode *n);
/* Whether sign(batchnorm(x)) with lp's scale and shift is decided by an
 * integer compare: x an integer (of type xt), the scale and shift finite. */
bool emit_int_threshold_ok(DType xt, const LayerParams *lp, int64_t C);
/* The integer thresholds of sign(batchnorm(x)) (x's range, lp's folded
 * scale and shift, C channels) as two arrays, for layer `name` folding
 * batchnorm `folds`: returns t's array, *did d's (bnn_threshold_int). */
int emit_int_thresholds(Emit *e, const IrNode *x, const char *name, const char *folds,
                        const LayerParams *lp, int64_t C, int *did);

/* ----------------------------------------------------- emit_weights.c */

/* Const arrays in NAME_weights.c, each with its extern in NAME.c and the
 * comment `what`; each returns the array's number K (NAME_wK). */
int emit_float_array(Emit *e, const float *v, int64_t n, const char *what);
/* A fused layer (emit_fused.c): the scratch declarations `scratch` (or
 * NULL), the loop over its blocks, the block kernel `call` writing the
 * block's dot products to emit_epi_dst(n) (a convolution's an expression
 * for np, the pixels written), then the chain in one pass over the
 * block. */
void emit_epi_block(Emit *e, const IrNode *n, const char *scratch, const char *call);
const char *emit_epi_dst(const IrNode *n);
/* Integers of C type `type` (int32_t or int16_t). */
int emit_int_array(Emit *e, const char *type, const int32_t *v, int64_t n, const char *what);
/* One bit per value (v != 0), eight a byte, the first in bit 0. */
int emit_bits_array(Emit *e, const int32_t *v, int64_t n, const char *what);

/* A layer's weights (lp) packed as its kernel reads them, written as
 * arrays; each returns the weights' array. bconv2d on b1 in packing pk,
 * `words` a filter: *pid the +1 weights per output channel and tap
 * (padding = same) or -1. */
int emit_pack_bconv(Emit *e, const IrNode *n, const LayerParams *lp, const Win *w, Packing pk,
                    int64_t words, int *pid);
/* bdense on b1: N inputs, U units. */
int emit_pack_bdense(Emit *e, const IrNode *n, const LayerParams *lp, int64_t N, int64_t U);
/* conv2d, depthwise_conv2d, bconv2d on a float input, g groups; chunk:
 * in chunks of 64 output channels (the vector kernel's order). */
int emit_pack_conv_float(Emit *e, const IrNode *n, const LayerParams *lp, const Win *w,
                         int64_t g, bool chunk);
/* dense, and bdense on a float input: N inputs, U units. */
int emit_pack_dense_float(Emit *e, const IrNode *n, const LayerParams *lp, int64_t N, int64_t U);
/* bconv2d and bdense bit-serial: g groups, Co output channels, N values
 * a filter; *sid the (2^B - 1) x +1 weights of each output channel. */
int emit_pack_bitserial(Emit *e, const IrNode *n, const LayerParams *lp, int64_t g, int64_t Co,
                        int64_t N, int *sid);

#endif
