/*
 * test_import_keras.c: the Keras .h5 reader (src/import_keras.c) on files
 * written here with HDF5's C API in Keras 2's layout, checked on the graph
 * it makes (tests/import/test_keras.py runs whole models through `bnnc
 * import` and `bnnc run`): the model's input and output shapes and names
 * through free reshapes, a bias, a weight scale, a batchnorm's epsilon,
 * center and scale, PReLU's alphas, reshapes; and the paths it refuses.
 */
#include "support.h"
#include "import.h"

#include <float.h>
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* As in fuzz_h5: under AddressSanitizer, where the reader cannot bound
 * HDF5 with an address-space limit, an allocation over 256 MiB fails. */
const char *__asan_default_options(void);
__attribute__((used)) const char *__asan_default_options(void) {
    return "allocator_may_return_null=1:max_allocation_size_mb=256";
}

/* ------------------------------------------------------------ writing */

static void str_attr(hid_t obj, const char *name, const char *const *v, int n) {
    size_t len = 1;
    for (int i = 0; i < n; i++)
        if (strlen(v[i]) > len)
            len = strlen(v[i]);
    char *buf = calloc((size_t)n + 1, len);
    for (int i = 0; i < n; i++)
        memcpy(buf + (size_t)i * len, v[i], strlen(v[i]));
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, len);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    hsize_t dims[1] = {(hsize_t)n};
    hid_t s = n < 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, NULL);
    hid_t a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Awrite(a, t, buf) >= 0);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
    free(buf);
}

/* A Keras file: model_config `cfg`, and for layer `layer` the float32
 * weights names[i] (relative to model_weights/LAYER) of rank ranks[i]. */
typedef struct {
    const char *name;
    int rank;
    hsize_t dims[4];
    const float *data;
} W;

static void write_h5(const char *path, const char *cfg, const char *layer, const W *w, int n) {
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    /* model_config as one fixed-length string (Keras writes bytes) */
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(cfg));
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, "model_config", t, s, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(H5Awrite(a, t, cfg) >= 0);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
    hid_t mw = H5Gcreate2(f, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const char *names[] = {"x", layer};
    str_attr(mw, "layer_names", names, 2);
    H5Gclose(H5Gcreate2(mw, "x", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    hid_t g = H5Gcreate2(mw, layer, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const char *wn[8] = {0};
    for (int i = 0; i < n; i++)
        wn[i] = w[i].name;
    str_attr(g, "weight_names", wn, n);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    for (int i = 0; i < n; i++) {
        hid_t ds = H5Screate_simple(w[i].rank, w[i].dims, NULL);
        hid_t d = H5Dcreate2(g, w[i].name, H5T_IEEE_F32LE, ds, lcpl, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(d >= 0 &&
                    H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, w[i].data) >= 0);
        H5Dclose(d);
        H5Sclose(ds);
    }
    H5Pclose(lcpl);
    H5Gclose(g);
    H5Gclose(mw);
    H5Fclose(f);
}

/* A functional model: InputLayer x [4, 4, 2], then one layer l of class
 * `cls` with the config fields `conf` (JSON members, no braces). */
static char *model_cfg(const char *cls, const char *conf) {
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
             "{\"class_name\": \"InputLayer\", \"name\": \"x\", \"inbound_nodes\": [], "
             "\"config\": {\"name\": \"x\", \"batch_input_shape\": [null, 4, 4, 2], "
             "\"dtype\": \"float32\"}}, "
             "{\"class_name\": \"%s\", \"name\": \"l\", \"inbound_nodes\": "
             "[[[\"x\", 0, 0, {}]]], \"config\": {\"name\": \"l\", %s}}], "
             "\"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"l\", 0, 0]]}}",
             cls, conf);
    return buf;
}

typedef struct {
    Ctx c;
    ImpGraph g;
    char *diag;
    size_t len;
    int rc;
} Imp;

static void import(Imp *m, const char *path) {
    ctx_init(&m->c);
    m->c.err = open_memstream(&m->diag, &m->len);
    memset(&m->g, 0, sizeof m->g);
    m->rc = import_keras(&m->c, path, &m->g);
    fflush(m->c.err);
}

static void import_free(Imp *m) {
    fclose(m->c.err);
    m->c.err = stderr;
    ctx_free(&m->c);
    free(m->diag);
}

static const ImpLayer *layer(const Imp *m, const char *name) {
    for (int i = 0; i < m->g.nlayers; i++)
        if (strcmp(m->g.layers[i].name, name) == 0)
            return &m->g.layers[i];
    fail_msg("no layer '%s'", name);
    return NULL;
}

static const ImpTensor *tensor(const ImpLayer *L, const char *suffix) {
    for (int i = 0; i < L->ntensors; i++)
        if (strcmp(L->tensors[i].suffix, suffix) == 0)
            return &L->tensors[i];
    fail_msg("layer '%s' has no tensor '%s'", L->name, suffix);
    return NULL;
}

/* ------------------------------------------------------------- tests */

/* The model's input x, [1, 4, 4, 2], then its free reshape to [4, 4, 2]. */
static void expect_input(const Imp *m) {
    assert_int_equal(m->g.ninputs, 1);
    assert_string_equal(m->g.inputs[0].name, "x");
    assert_int_equal(m->g.inputs[0].type, DT_F32);
    assert_int_equal(m->g.inputs[0].rank, 4);
    const int64_t shape[4] = {1, 4, 4, 2};
    for (int i = 0; i < 4; i++)
        assert_int_equal(m->g.inputs[0].shape[i], shape[i]);
    const ImpLayer *L = &m->g.layers[0];
    assert_string_equal(L->name, "x_item");
    assert_string_equal(L->op, "reshape");
    assert_string_equal(L->inputs[0], "x");
    assert_string_equal(L->attrs, "shape = (4, 4, 2)");
    assert_string_equal(L->src_type, "InputLayer");
}

/* The model's one output, l: the last layer, a reshape of `from` to
 * `shape` named after the output layer. */
static void expect_output(const Imp *m, const char *from, const char *shape) {
    assert_int_equal(m->g.noutputs, 1);
    assert_string_equal(m->g.outputs[0], "l");
    const ImpLayer *L = &m->g.layers[m->g.nlayers - 1];
    assert_string_equal(L->name, "l");
    assert_string_equal(L->op, "reshape");
    assert_string_equal(L->inputs[0], from);
    assert_string_equal(L->attrs, shape);
    assert_string_equal(L->src_name, "l");
}

/* QuantConv2D(2, 3, padding same, pad_values 1, ste_sign on the input,
 * magnitude_aware_sign on the kernel, a bias, relu): sign, bconv2d with
 * the kernel's signs (0 is +1), scaled = yes with mean |w| per output
 * channel as its scale, bias = yes with the bias, then relu. The layer
 * is the model's output: its reshape takes the name l. */
static void test_quant_conv(void **state) {
    (void)state;
    float k[36], b[2] = {0.5f, -0.25f};
    for (int i = 0; i < 36; i++)
        k[i] = (float)((i * 7) % 11 - 5) / 4; /* includes 0 */
    W w[] = {{"l/kernel:0", 4, {3, 3, 2, 2}, k}, {"l/bias:0", 1, {2}, b}};
    const char *path = tmp_path("q.h5");
    write_h5(path,
             model_cfg("QuantConv2D", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": "
                                      "[1, 1], \"padding\": \"same\", \"pad_values\": 1.0, "
                                      "\"use_bias\": true, \"activation\": \"relu\", "
                                      "\"input_quantizer\": \"ste_sign\", \"kernel_quantizer\": "
                                      "\"magnitude_aware_sign\""),
             "l", w, 2);
    Imp m;
    import(&m, path);
    if (m.rc != EXIT_OK)
        fail_msg("import failed:\n%s", m.diag);
    assert_string_equal(m.g.format, "Keras .h5");
    expect_input(&m);
    assert_int_equal(m.g.nlayers, 5);
    const char *ops[3][4] = {
        {"l_sign", "sign", "x_item", ""},
        {"l_item", "bconv2d", "l_sign",
         "filters = 2, kernel = 3, padding = same_one, scaled = yes, bias = yes"},
        {"l_relu", "relu", "l_item", ""}};
    for (int i = 0; i < 3; i++) {
        const ImpLayer *L = &m.g.layers[i + 1];
        assert_string_equal(L->name, ops[i][0]);
        assert_string_equal(L->op, ops[i][1]);
        assert_int_equal(L->nin, 1);
        assert_string_equal(L->inputs[0], ops[i][2]);
        assert_string_equal(L->attrs, ops[i][3]);
        assert_string_equal(L->src_name, "l");
        assert_string_equal(L->src_type, "QuantConv2D");
    }
    expect_output(&m, "l_relu", "shape = (1, 4, 4, 2)");
    const ImpLayer *c = layer(&m, "l_item");
    assert_int_equal(c->ntensors, 3);
    const ImpTensor *t = tensor(c, "weight");
    assert_int_equal(t->rank, 4);
    assert_int_equal(t->shape[3], 2);
    double sum[2] = {0, 0};
    for (int i = 0; i < 36; i++) {
        assert_true(t->data[i] == (k[i] >= 0 ? 1.0f : -1.0f));
        sum[i % 2] += fabs(k[i]);
    }
    for (int o = 0; o < 2; o++) {
        assert_true(tensor(c, "scale")->data[o] == (float)(sum[o] / 18));
        assert_true(tensor(c, "bias")->data[o] == b[o]);
    }
    import_free(&m);
}

/* BatchNormalization with epsilon 1e-5 and center off: bnnc's batchnorm
 * with epsilon = 1e-05 and center = no, Keras's gamma, mean and variance
 * as they are, no beta. */
static void test_batchnorm(void **state) {
    (void)state;
    float g[2] = {1.5f, -0.75f}, mean[2] = {0.25f, -1}, var[2] = {0.5f, 0.001f};
    W w[] = {{"l/gamma:0", 1, {2}, g},
             {"l/moving_mean:0", 1, {2}, mean},
             {"l/moving_variance:0", 1, {2}, var}};
    const char *path = tmp_path("bn.h5");
    write_h5(path, model_cfg("BatchNormalization", "\"axis\": 3, \"epsilon\": 1e-05, "
                                                   "\"center\": false, \"scale\": true"),
             "l", w, 3);
    Imp m;
    import(&m, path);
    if (m.rc != EXIT_OK)
        fail_msg("import failed:\n%s", m.diag);
    expect_input(&m);
    assert_int_equal(m.g.nlayers, 3);
    const ImpLayer *L = layer(&m, "l_item");
    assert_string_equal(L->op, "batchnorm");
    assert_string_equal(L->attrs, "epsilon = 1e-05, center = no");
    assert_int_equal(L->ntensors, 3);
    assert_memory_equal(tensor(L, "gamma")->data, g, sizeof g);
    assert_memory_equal(tensor(L, "mean")->data, mean, sizeof mean);
    assert_memory_equal(tensor(L, "variance")->data, var, sizeof var);
    expect_output(&m, "l_item", "shape = (1, 4, 4, 2)");
    import_free(&m);
    /* scale off too, epsilon the default: no gamma, no epsilon */
    W w2[] = {{"l/beta:0", 1, {2}, g},
              {"l/moving_mean:0", 1, {2}, mean},
              {"l/moving_variance:0", 1, {2}, var}};
    write_h5(path, model_cfg("BatchNormalization", "\"axis\": -1, \"epsilon\": 0.001, "
                                                   "\"scale\": false"),
             "l", w2, 3);
    import(&m, path);
    if (m.rc != EXIT_OK)
        fail_msg("import failed:\n%s", m.diag);
    L = layer(&m, "l_item");
    assert_string_equal(L->attrs, "scale = no");
    assert_int_equal(L->ntensors, 3);
    assert_memory_equal(tensor(L, "beta")->data, g, sizeof g);
    import_free(&m);
}

/* PReLU: shared_axes null is per_element = yes with alpha [4, 4, 2] as
 * stored; [1, 2] one alpha per channel, [2]; [1, 2, 3] one for all,
 * written per channel. */
static void test_prelu(void **state) {
    (void)state;
    float a[32], one[1] = {0.375f};
    for (int i = 0; i < 32; i++)
        a[i] = (float)i / 64;
    const char *path = tmp_path("p.h5");
    W w[] = {{"l/alpha:0", 3, {4, 4, 2}, a}};
    write_h5(path, model_cfg("PReLU", "\"shared_axes\": null"), "l", w, 1);
    Imp m;
    import(&m, path);
    if (m.rc != EXIT_OK)
        fail_msg("import failed:\n%s", m.diag);
    const ImpLayer *L = layer(&m, "l_item");
    assert_string_equal(L->op, "prelu");
    assert_string_equal(L->attrs, "per_element = yes");
    const ImpTensor *t = tensor(L, "alpha");
    assert_int_equal(t->rank, 3);
    assert_true(t->shape[0] == 4 && t->shape[1] == 4 && t->shape[2] == 2);
    assert_memory_equal(t->data, a, sizeof a);
    import_free(&m);

    W w2[] = {{"l/alpha:0", 3, {1, 1, 2}, a + 3}};
    write_h5(path, model_cfg("PReLU", "\"shared_axes\": [1, 2]"), "l", w2, 1);
    import(&m, path);
    if (m.rc != EXIT_OK)
        fail_msg("import failed:\n%s", m.diag);
    L = layer(&m, "l_item");
    assert_string_equal(L->attrs, "");
    t = tensor(L, "alpha");
    assert_true(t->rank == 1 && t->shape[0] == 2);
    assert_memory_equal(t->data, a + 3, 2 * sizeof(float));
    import_free(&m);

    W w3[] = {{"l/alpha:0", 3, {1, 1, 1}, one}};
    write_h5(path, model_cfg("PReLU", "\"shared_axes\": [1, 2, 3]"), "l", w3, 1);
    import(&m, path);
    if (m.rc != EXIT_OK)
        fail_msg("import failed:\n%s", m.diag);
    t = tensor(layer(&m, "l_item"), "alpha");
    assert_true(t->rank == 1 && t->shape[0] == 2 && t->data[0] == 0.375f &&
                t->data[1] == 0.375f);
    import_free(&m);
}

/* Reshape to [2, -1]: reshape(shape = (2, 16)), and the output [1, 2, 16];
 * GlobalAveragePooling2D with keepdims: [C], then a reshape to [1, 1, C]. */
static void test_reshape(void **state) {
    (void)state;
    const char *path = tmp_path("r.h5");
    write_h5(path, model_cfg("Reshape", "\"target_shape\": [2, -1]"), "l", NULL, 0);
    Imp m;
    import(&m, path);
    if (m.rc != EXIT_OK)
        fail_msg("import failed:\n%s", m.diag);
    assert_int_equal(m.g.nlayers, 3);
    const ImpLayer *L = layer(&m, "l_item");
    assert_string_equal(L->op, "reshape");
    assert_string_equal(L->attrs, "shape = (2, 16)");
    expect_output(&m, "l_item", "shape = (1, 2, 16)");
    import_free(&m);

    write_h5(path, model_cfg("GlobalAveragePooling2D", "\"keepdims\": true"), "l", NULL, 0);
    import(&m, path);
    if (m.rc != EXIT_OK)
        fail_msg("import failed:\n%s", m.diag);
    assert_string_equal(layer(&m, "l_item")->op, "global_avgpool");
    L = layer(&m, "l_keepdims");
    assert_string_equal(L->attrs, "shape = (1, 1, 2)");
    expect_output(&m, "l_keepdims", "shape = (1, 1, 1, 2)");
    import_free(&m);
}

static void expect_error(const char *path, const char *want) {
    Imp m;
    import(&m, path);
    assert_int_equal(m.rc, EXIT_INPUT);
    if (!strstr(m.diag, want))
        fail_msg("wanted '%s' in:\n%s", want, m.diag);
    import_free(&m);
}

/* Only a regular file is read: a folder, a FIFO; an empty file and one
 * that is not HDF5 are refused by the reader itself. */
static void test_paths(void **state) {
    (void)state;
    const char *dir = tmp_path("d.h5");
    mkdir(dir, 0700);
    char want[512];
    snprintf(want, sizeof want, "'%s' is a folder, not a .h5 file", dir);
    expect_error(dir, want);
    const char *fifo = tmp_path("p.h5");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    snprintf(want, sizeof want, "'%s' is a pipe (FIFO), not a .h5 file", fifo);
    expect_error(fifo, want);
    const char *empty = tmp_path("e.h5");
    write_bytes(empty, "", 0);
    snprintf(want, sizeof want, "'%s': not an HDF5 file (no HDF5 signature)", empty);
    expect_error(empty, want);
    const char *text = tmp_path("t.h5");
    write_bytes(text, "\x89HDF\r\n\x1a\n garbage after the signature", 33);
    snprintf(want, sizeof want, "'%s': cannot open it as HDF5: the file is damaged or truncated",
             text);
    expect_error(text, want);
}

/* A context whose diagnostics go to a memory stream (*diag), the bytes
 * of tests/fuzz/regress/h5/NAME, and an empty graph for
 * import_keras_isolated to fill; probe_end frees them. */
typedef struct {
    Ctx c;
    char *diag;
    size_t dlen;
    unsigned char *buf;
    size_t len;
    ImpGraph g;
} Probe;

static void probe_begin(Probe *p, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/../tests/fuzz/regress/h5/%s", BNNC_TEST_EXAMPLES, name);
    ctx_init(&p->c);
    p->c.color = false;
    p->c.err = open_memstream(&p->diag, &p->dlen);
    assert_true(src_read_all(&p->c, path, "", &p->buf, &p->len));
    memset(&p->g, 0, sizeof p->g);
}

static void probe_end(Probe *p) {
    free(p->buf);
    fclose(p->c.err);
    p->c.err = stderr;
    ctx_free(&p->c);
    free(p->diag);
}

/* HDF5 loops on some damaged files (fuzz_h5 found this one): the child
 * that reads the file first is stopped at its time limit, and the error
 * says so. */
static void test_probe(void **state) {
    (void)state;
    Probe p;
    probe_begin(&p, "hdf5-global-heap-loop");
    assert_int_equal(import_keras_isolated(&p.c, "loop.h5", p.buf, p.len, 1, &p.g), 1);
    fflush(p.c.err);
    assert_non_null(strstr(p.diag, "bnnc: error: 'loop.h5': HDF5 did not finish reading it in "
                                   "1 s: the file is damaged"));
    /* a good file: the child reads it and hands over the graph the
     * reader makes in this process */
    const char *good = tmp_path("g.h5");
    float gamma[2] = {1, 2}, z[2] = {0, 0}, one[2] = {1, 1};
    W w[] = {{"l/gamma:0", 1, {2}, gamma}, {"l/beta:0", 1, {2}, z},
             {"l/moving_mean:0", 1, {2}, z}, {"l/moving_variance:0", 1, {2}, one}};
    write_h5(good, model_cfg("BatchNormalization", "\"axis\": -1"), "l", w, 4);
    free(p.buf);
    assert_true(src_read_all(&p.c, good, "", &p.buf, &p.len));
    memset(&p.g, 0, sizeof p.g);
    assert_int_equal(import_keras_isolated(&p.c, "g.h5", p.buf, p.len, 10, &p.g), 0);
    const ImpGraph g = p.g;
    ImpGraph here;
    memset(&here, 0, sizeof here);
    assert_int_equal(import_keras_mem(&p.c, "g.h5", p.buf, p.len, &here), EXIT_OK);
    assert_string_equal(g.format, "Keras .h5");
    assert_int_equal(g.ninputs, here.ninputs);
    assert_int_equal(g.nlayers, here.nlayers);
    assert_int_equal(g.noutputs, here.noutputs);
    for (int i = 0; i < g.ninputs; i++) {
        assert_string_equal(g.inputs[i].name, here.inputs[i].name);
        assert_int_equal(g.inputs[i].type, here.inputs[i].type);
        assert_int_equal(g.inputs[i].rank, here.inputs[i].rank);
        assert_memory_equal(g.inputs[i].shape, here.inputs[i].shape,
                            sizeof g.inputs[i].shape[0] * (size_t)g.inputs[i].rank);
    }
    for (int i = 0; i < g.nlayers; i++) {
        const ImpLayer *a = &g.layers[i], *b = &here.layers[i];
        assert_string_equal(a->name, b->name);
        assert_string_equal(a->op, b->op);
        assert_string_equal(a->attrs, b->attrs);
        assert_string_equal(a->src_type, b->src_type);
        assert_int_equal(a->nin, b->nin);
        for (int j = 0; j < a->nin; j++)
            assert_string_equal(a->inputs[j], b->inputs[j]);
        assert_int_equal(a->ntensors, b->ntensors);
        for (int t = 0; t < a->ntensors; t++) {
            const ImpTensor *x = &a->tensors[t], *y = &b->tensors[t];
            assert_int_equal(x->rank, y->rank);
            int64_t n = 1;
            for (int d = 0; d < x->rank; d++) {
                assert_int_equal(x->shape[d], y->shape[d]);
                n *= x->shape[d];
            }
            assert_memory_equal(x->data, y->data, (size_t)n * sizeof(float));
        }
    }
    for (int i = 0; i < g.noutputs; i++)
        assert_string_equal(g.outputs[i], here.outputs[i]);
    probe_end(&p);
}

/* A damaged file whose model_config string says it is 1.8 GiB long (fuzz_h5
 * found it): HDF5 would allocate and clear that much before finding the
 * heap holds no such string. The reader bounds the memory of that read, so
 * the child refuses the file with a message saying why, shown once, and
 * takes far less memory than the string's stated length. */
static void test_vlen_huge(void **state) {
    (void)state;
    Probe p;
    probe_begin(&p, "hdf5-vlen-huge");
    assert_int_equal(import_keras_isolated(&p.c, "huge.h5", p.buf, p.len, 10, &p.g), 3);
    fflush(p.c.err);
    const char *want = "bnnc: error: 'huge.h5': cannot read the attribute 'model_config': HDF5 "
                       "asked for more memory than the file can need, so the file is damaged\n";
    assert_string_equal(p.diag, want);
    assert_int_equal(p.c.errors, 1);
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
    assert_true(ru.ru_maxrss < 1024L * 1024); /* KiB */
    /* read here, the same */
    rewind(p.c.err);
    ImpGraph g;
    memset(&g, 0, sizeof g);
    assert_int_equal(import_keras_mem(&p.c, "huge.h5", p.buf, p.len, &g), EXIT_INPUT);
    fflush(p.c.err);
    assert_string_equal(p.diag, want);
    probe_end(&p);
}

/* The graph stream between the child and bnnc (import_pipe.c): a graph
 * comes back as it went, and every cut of the stream, a wrong magic, a
 * count past the limits or bytes after the end are refused. */
static void test_pipe(void **state) {
    (void)state;
    Arena a;
    mem_init(&a);
    float w[6] = {1, -1, 0.5f, 2, -3, 4};
    ImpTensor t = {"weight", 2, {2, 3}, w};
    const char *ins[] = {"x"};
    ImpLayer L = {"d", "dense", ins, 1, "units = 2", &t, 1, "dense_1", "Dense"};
    ImpInput in = {"x", DT_F32, 2, {1, 3}};
    const char *outs[] = {"d"};
    ImpGraph g = {&a, "n", "m.h5", "Keras .h5", &in, 1, &L, 1, outs, 1};
    char *bytes;
    size_t n;
    FILE *f = open_memstream(&bytes, &n);
    assert_true(imp_graph_send(f, &g));
    fclose(f);
    ImpGraph back;
    memset(&back, 0, sizeof back);
    back.a = &a;
    f = fmemopen(bytes, n, "rb");
    assert_true(imp_graph_receive(f, &back));
    fclose(f);
    assert_string_equal(back.format, "Keras .h5");
    assert_int_equal(back.ninputs, 1);
    assert_string_equal(back.inputs[0].name, "x");
    assert_int_equal(back.inputs[0].type, DT_F32);
    assert_int_equal(back.inputs[0].shape[1], 3);
    assert_int_equal(back.nlayers, 1);
    assert_string_equal(back.layers[0].attrs, "units = 2");
    assert_string_equal(back.layers[0].src_name, "dense_1");
    assert_string_equal(back.layers[0].inputs[0], "x");
    assert_string_equal(back.layers[0].tensors[0].suffix, "weight");
    assert_memory_equal(back.layers[0].tensors[0].data, w, sizeof w);
    assert_string_equal(back.outputs[0], "d");
    /* every cut is refused */
    for (size_t cut = 0; cut < n; cut++) {
        ImpGraph x;
        memset(&x, 0, sizeof x);
        x.a = &a;
        f = fmemopen(bytes, cut ? cut : 1, "rb");
        if (cut == 0)
            fgetc(f);
        if (imp_graph_receive(f, &x))
            fail_msg("a stream cut at %zu bytes of %zu was taken", cut, n);
        fclose(f);
    }
    /* one byte more, a wrong magic, a count of layers past the limit */
    char *more = malloc(n + 1);
    memcpy(more, bytes, n);
    more[n] = 0;
    ImpGraph x;
    memset(&x, 0, sizeof x);
    x.a = &a;
    f = fmemopen(more, n + 1, "rb");
    assert_false(imp_graph_receive(f, &x));
    fclose(f);
    more[0] ^= 1;
    f = fmemopen(more, n, "rb");
    assert_false(imp_graph_receive(f, &x));
    fclose(f);
    more[0] ^= 1;
    /* the layer count follows the magic (8), the format (8 + 9) and the
     * input count (8) */
    int64_t big = (int64_t)1 << 40;
    memcpy(more + 8 + 8 + 9 + 8, &big, sizeof big);
    f = fmemopen(more, n, "rb");
    assert_false(imp_graph_receive(f, &x));
    fclose(f);
    free(more);
    free(bytes);
    mem_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_quant_conv, tmp_teardown),
        cmocka_unit_test_teardown(test_batchnorm, tmp_teardown),
        cmocka_unit_test_teardown(test_prelu, tmp_teardown),
        cmocka_unit_test_teardown(test_reshape, tmp_teardown),
        cmocka_unit_test_teardown(test_paths, tmp_teardown),
        cmocka_unit_test_teardown(test_probe, tmp_teardown),
        cmocka_unit_test(test_vlen_huge),
        cmocka_unit_test(test_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
