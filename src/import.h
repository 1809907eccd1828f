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

/* Writes DIR/NAME.bnn and DIR/NAME.safetensors for g (DIR made if
 * missing), all or none (out_open, out_commit), after checking the .bnn
 * text with bnnc's own front end and the tensors against the checked
 * graph, in memory: a failure there is an internal error naming the layer
 * (EXIT_INTERNAL), and nothing is written. Returns EXIT_OK, EXIT_INPUT
 * (a file could not be written) or EXIT_INTERNAL, after reporting. */
int import_write(Ctx *c, const ImpGraph *g, const char *dir, const char *name);
/* The elements of a tensor: the product of its shape. */
int64_t imp_tensor_elems(const ImpTensor *x);

/* The readers: fill g (g->a set by the caller, and g->network, g->source)
 * from the model at path. EXIT_OK, or EXIT_INPUT after reporting an error
 * that names the node or layer. */
int import_onnx(Ctx *c, const char *path, ImpGraph *g);
int import_keras(Ctx *c, const char *path, ImpGraph *g);
/* import_onnx on the bytes of a model in memory (`path` names it in
 * messages): what the fuzz harness runs. */
int import_onnx_parse(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                      ImpGraph *g);

/* `bnnc import MODEL -o DIR`: argv[0] is "import". The exit status. */
int cmd_import(int argc, char **argv);

/* A .bnn identifier made of s: letters, digits and '_' (anything else
 * becomes '_'; what precedes the first letter or digit is dropped; "n_"
 * goes before a digit, "n" stands for nothing), at most 202 bytes,
 * arena-owned. import_write applies it to every name of the graph (a
 * reader may give the model's names as they are) and makes them unique,
 * ignoring case; a layer's inputs name earlier layers or inputs by the
 * names the reader gave. */
char *import_ident(Arena *a, const char *s);

/* import_keras (import_keras.c) reads a regular file whole, at most
 * BNNC_MAX_RUN_BYTES; this is the same for the bytes of a .h5 file in
 * memory (`path` names it in messages): the fuzz harness and the tests.
 * g->a, when NULL, becomes c's arena. */
int import_keras_mem(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                     ImpGraph *g);
/* Reads the bytes as import_keras_mem does, in a child process that gets
 * `seconds` (HDF5 may loop, crash or write over memory on a damaged file)
 * and sends the graph back (import_pipe.c), into g (g->a, when NULL,
 * becomes c's arena). 0 when the child read the model; 1 after reporting
 * that it did not finish in time, 2 that it failed otherwise, 3 after
 * showing the diagnostics with which it refused the model. */
int import_keras_isolated(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                          unsigned seconds, ImpGraph *g);
/* In a child process: SIGALRM ends it after `seconds`, whatever its parent
 * did with the signal (import_keras_isolated's child, fuzz_h5's). */
void import_alarm(unsigned seconds);
/* The graph as a stream of bytes for another process of the same build:
 * false when it cannot be written, or when what is read is short, damaged
 * or past bnnc's limits (import_pipe.c). receive allocates in g->a and
 * sets the graph's format, inputs, layers and outputs. */
bool imp_graph_send(FILE *f, const ImpGraph *g);
bool imp_graph_receive(FILE *f, ImpGraph *g);

#endif
