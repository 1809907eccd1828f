/*
 * import_keras.c: the Keras/Larq .h5 reader of `bnnc import` (HDF5 with
 * the model_config JSON). Not built yet: the reader comes from the keras
 * branch of issue 17, which replaces this file; until then an .h5 model
 * is an error that says so.
 */
#include "bnnc.h"
#include "import.h"

int import_keras(Ctx *c, const char *path, ImpGraph *g) {
    (void)g;
    diag_plain(c, "'%s' is a Keras .h5 file (HDF5); the Keras reader of bnnc import is not "
                  "built yet",
               path);
    return EXIT_INPUT;
}
