/*
 * cmd_import.c: `bnnc import MODEL -o DIR`, a trained model brought in.
 *
 * The model's format is told by its content, not its name: a file that
 * starts with HDF5's signature is a Keras .h5 file (import_keras.c), any
 * other an ONNX model (import_onnx.c, QONNX included). The reader fills an
 * ImpGraph; import_write() checks it with bnnc's own front end and writes
 * DIR/NAME.bnn and DIR/NAME.safetensors as one set, NAME being the model's
 * file name without its extension (docs/import.md). Exit status: 0 ok,
 * 1 errors in the model or a file that cannot be written, 2 bad usage,
 * 70 internal error.
 */
#include "bnnc.h"
#include "import.h"

#include <string.h>

/* --help: the text around the options of cli_options. */
static const CliCmd import_cmd = {
    "bnnc import", CMD_IMPORT,
    "usage: bnnc import MODEL -o DIR\n"
    "\n"
    "Reads a trained model, an ONNX file (QONNX included) or a Keras/Larq .h5\n"
    "file, told apart by their content, and writes DIR/NAME.bnn and\n"
    "DIR/NAME.safetensors, NAME being MODEL's file name without its extension\n"
    "(docs/import.md); then\n"
    "  bnnc run DIR/NAME.bnn --weights DIR/NAME.safetensors --input X.npy ...\n"
    "computes what the model computes. Anything the importer cannot map\n"
    "exactly is an error naming the node or layer; nothing is written then.\n"
    "\n"
    "options:\n",
    "\n"
    "exit status: 0 ok, 1 errors in the model or files that cannot be written,\n"
    "2 bad usage, 70 internal error\n"};

/* HDF5's format signature, at the start of the file (docs/import.md). */
static const unsigned char hdf5_sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

/* NAME: MODEL's base name without its extension; NULL after reporting
 * when it cannot name a network (and the C functions --emit c writes). */
static const char *network_name(Ctx *c, const char *path) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    char *name = mem_strndup(&c->arena, b, n);
    bool ok = n > 0 && n <= 200 &&
              ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'));
    for (size_t i = 0; ok && i < n; i++) {
        char ch = name[i];
        ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
             ch == '_';
    }
    for (int i = 0; ok && lex_keywords[i]; i++)
        ok = strcmp(name, lex_keywords[i]) != 0;
    for (int i = 0; ok && lex_types[i]; i++)
        ok = strcmp(name, lex_types[i]) != 0;
    if (!ok)
        diag_plain(c, "the network would be named '%s' after the model's file name, which is "
                      "not a name bnnc can give it (a letter, then letters, digits and '_', at "
                      "most 200, not a keyword of the language); rename the file",
                   name);
    return ok ? name : NULL;
}

static int import_model(Ctx *c, const char *model, const char *dir) {
    const char *name = network_name(c, model);
    if (!name)
        return EXIT_INPUT;
    int64_t size;
    FILE *f = src_open(c, model, "the model ", "model", loc_none(), &size);
    if (!f)
        return EXIT_INPUT;
    unsigned char head[8];
    size_t got;
    bool ok = src_read_upto(c, f, model, head, sizeof head, &got);
    fclose(f);
    if (!ok)
        return EXIT_INPUT;
    ImpGraph g;
    memset(&g, 0, sizeof g);
    g.a = &c->arena;
    g.network = name;
    g.source = model;
    bool h5 = got == sizeof head && memcmp(head, hdf5_sig, sizeof head) == 0;
    int rc = h5 ? import_keras(c, model, &g) : import_onnx(c, model, &g);
    if (rc != EXIT_OK)
        return rc;
    return import_write(c, &g, dir, name);
}

typedef struct {
    const char *model, *dir;
} ImportArgs;

/* One option or operand of bnnc import (cli_parse). */
static int import_option(Ctx *c, void *st, const CliOpt *o, const char *v) {
    (void)c;
    ImportArgs *a = st;
    if (!o) {
        if (a->model)
            return cli_usage_error("bnnc import", "more than one model ('%s')", v);
        a->model = v;
    } else if (o->id == OPT_OUT) {
        a->dir = v;
    }
    return EXIT_OK;
}

int cmd_import(int argc, char **argv) {
    Ctx c;
    ctx_init(&c);
    ImportArgs a = {NULL, NULL};
    int rc = cli_parse(&c, &import_cmd, argc, argv, import_option, &a);
    if (rc == EXIT_OK && !a.model)
        rc = cli_usage_error("bnnc import", "%s", "no model file");
    if (rc == EXIT_OK && !a.dir)
        rc = cli_usage_error("bnnc import", "%s", "no -o DIR: the folder to write into");
    if (rc == EXIT_OK)
        rc = import_model(&c, a.model, a.dir);
    return cli_finish(&c, rc);
}
