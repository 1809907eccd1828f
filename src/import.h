/*
 * import.h: what `bnnc import` makes of a trained model, whatever its
 * format, before it is written out as NAME.bnn and NAME.safetensors
 * (docs/import.md).
 *
 * A reader (import_onnx.c, import_keras.c) maps the model's nodes or
 * layers onto .bnn operations and fills an ImpGraph; import_write() then
 * writes the two files as one set (src/outfile.c: all or none) after
 * checking the .bnn text with bnnc's own front end. A reader never
 * approximates: anything it cannot map exactly is an error naming the
 * node or layer, its type and why.
 */
#ifndef BNNC_IMPORT_H
#define BNNC_IMPORT_H

#include "bnnc.h"

#define IMP_MAX_RANK 8

/* A parameter tensor of a layer, float32, in bnnc's layout
 * (docs/weights.md): `suffix` is what follows "LAYER." in the
 * safetensors file ("weight", "bias", "gamma", ...). */
typedef struct {
    const char *suffix;
    int rank;
    int64_t shape[IMP_MAX_RANK];
    float *data;               /* product of shape elements */
} ImpTensor;

/* One .bnn statement: NAME = OP(INPUTS..., ATTRS). */
typedef struct {
    const char *name;          /* a .bnn identifier, unique in the graph */
    const char *op;            /* a .bnn operation ("conv2d", "bconv2d", ...) */
    const char **inputs;       /* names of earlier layers or inputs */
    int nin;
    const char *attrs;         /* attribute text, "filters = 32, kernel = 3", or "" */
    ImpTensor *tensors;
    int ntensors;
    const char *src_name;      /* the node or layer of the model it comes from */
    const char *src_type;      /* its type there ("Conv", "QuantConv2D") */
} ImpLayer;

typedef struct {
    const char *name;          /* a .bnn identifier */
    DType type;
    int rank;
    int64_t shape[IMP_MAX_RANK];
} ImpInput;

typedef struct {
    Arena *a;                  /* owns every string and array of the graph */
    const char *network;       /* the network's name */
    const char *source;        /* the model file, for comments and errors */
    const char *format;        /* "ONNX", "Keras .h5" */
    ImpInput *inputs;
    int ninputs;
    ImpLayer *layers;          /* in topological order */
    int nlayers;
    const char **outputs;
    int noutputs;
} ImpGraph;

/* The Keras .h5 reader (import_keras.c): fills g from the model at path,
 * a regular file read whole (at most BNNC_MAX_RUN_BYTES); g->a, when
 * NULL, becomes c's arena. EXIT_OK, or EXIT_INPUT after reporting an
 * error that names the layer. */
int import_keras(Ctx *c, const char *path, ImpGraph *g);
/* The same for the bytes of a .h5 file in memory (`path` names it in
 * messages): the fuzz harness and the tests. */
int import_keras_mem(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                     ImpGraph *g);
/* Reads the bytes as import_keras_mem does, in a child process that gets
 * `seconds`: HDF5 may loop or crash on a damaged file. 0 when the child
 * finished (import_keras_mem will do as it did); 1 after reporting that it
 * did not finish in time, 2 that it failed otherwise. */
int import_keras_probe(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                       unsigned seconds);

#endif
