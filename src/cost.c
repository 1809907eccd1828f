/*
 * cost.c: the cost model, XNOROP and LXNOROP (docs/cost-model.md).
 *
 * cost_target reads a resolved target into a flat struct with every
 * default applied, and refuses one that lacks what the model needs.
 * cost_run walks the graph in order and gives each layer its counts
 * (binary and float MACs, words per output, XNOROP), the memory levels
 * that serve it and the bytes its kernel moves from them, its compute
 * cycles (XNOR-popcount work, non-binary work) and its time on the threads
 * it may use: compute and traffic overlapped (the larger) or not (the
 * sum), as the target says; then sums the network.
 * Nothing here knows a model or a device by name: every figure comes
 * from the IR and the target's properties.
 */
#include "bnnc.h"

#include <math.h>
#include <string.h>

const char *const cost_model_names[2] = {"lxnorop", "roofline"};

/* Softmax's exp costs this many fmac instructions per vector: range
 * reduction plus a degree-6 polynomial. An estimate (docs/cost-model.md). */
#define SOFTMAX_EXP_FMACS 12.0

static double prop(const IrTarget *t, const char *path, double def, bool *given) {
    const TProp *p = ir_target_get(t, path);
    if (given)
        *given = p != NULL;
    return p ? p->value : def;
}

static const char *word_prop(const IrTarget *t, const char *path, const char *def) {
    const TProp *p = ir_target_get(t, path);
    return p ? p->word : def;
}

/* Refuses the target: the message goes to out->problem and, with a
 * context, is reported at loc. Returns false. */
static bool refuse(Ctx *c, CostTarget *o, Loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool refuse(Ctx *c, CostTarget *o, Loc loc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->problem, sizeof o->problem, fmt, ap);
    va_end(ap);
    if (o->report)
        diag_error(c, loc, "%s", o->problem);
    return false;
}

static bool require(Ctx *c, CostTarget *o, const IrTarget *t, const char *path) {
    if (ir_target_get(t, path))
        return true;
    return refuse(c, o, t->loc, "target '%s' does not set '%s', which the cost model needs",
                  t->name, path);
}

/* A figure given in cycles or as a time, in cycles at `clock`. */
static double in_cycles(const TProp *p, double clock) {
    if (!p)
        return 0;
    return p->dim == DIM_TIME ? p->value * clock : p->value;
}

static bool read_target(Ctx *c, bool report, const IrTarget *t, double clock, CostTarget *o) {
    memset(o, 0, sizeof *o);
    o->report = report;
    o->ir = t;
    o->name = t->name;
    bool ok = true;
    static const char *const needed[] = {"clock", "word", "cost.xnor", "cost.popcount",
                                         "cost.accumulate"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0] && ok; i++)
        ok = require(c, o, t, needed[i]);
    if (!ok)
        return false;
    o->cls = word_prop(t, "class", "application");
    o->clock = clock > 0 ? clock : prop(t, "clock", 0, NULL);
    o->max_clock = prop(t, "max_clock", 0, NULL);
    o->cores = (int)prop(t, "cores", 1, NULL);
    o->efficiency = prop(t, "efficiency", 1, NULL);
    /* Sizes are checked as read, before they become ints. */
    double word = prop(t, "word", 0, NULL);
    double vector = prop(t, "vector", word, NULL);
    bool lanes_given;
    int lanes = (int)prop(t, "lanes", 0, &lanes_given); /* 1 to 10^6 (target.c) */
    const TProp *wp = ir_target_get(t, "word");
    if (word != 32 && word != 64)
        return refuse(c, o, wp->loc, "'word' must be 32 or 64 bits, not %g", word);
    o->word = (int)word;
    if (o->clock <= 0)
        return refuse(c, o, ir_target_get(t, "clock")->loc, "'clock' must be above 0");
    /* The declared clock must be one the family offers; --clock may go
     * beyond it (what-if), the report then says so. */
    if (o->max_clock > 0 && !(clock > 0) && o->clock > o->max_clock) {
        char a[32], b[32];
        report_freq(a, sizeof a, o->clock);
        report_freq(b, sizeof b, o->max_clock);
        return refuse(c, o, ir_target_get(t, "clock")->loc,
                      "'clock' %s is above the target's 'max_clock' %s", a, b);
    }
    if (vector < word || vector > 65536 || fmod(vector, word) != 0)
        return refuse(c, o, ir_target_get(t, "vector")->loc,
                      "'vector' (%g bits) must be a multiple of 'word' (%d bits), at most "
                      "65536 bits", vector, o->word);
    o->vector = (int)vector;
    o->lanes = o->vector / o->word;
    if (lanes_given && lanes != o->lanes)
        return refuse(c, o, ir_target_get(t, "lanes")->loc,
                      "'lanes' is %d, but vector / word = %d / %d = %d", lanes, o->vector,
                      o->word, o->lanes);
    o->flanes = o->vector / 32;
    o->sw_popcount = strcmp(word_prop(t, "popcount", "hardware"), "software") == 0;
    o->xnor = prop(t, "cost.xnor", 0, NULL);
    o->popcount = prop(t, "cost.popcount", 0, NULL);
    o->accumulate = prop(t, "cost.accumulate", 0, NULL);
    o->fmac = prop(t, "cost.fmac", 1, NULL);
    o->fadd = prop(t, "cost.fadd", 1, NULL);
    o->add = prop(t, "cost.add", 1, NULL);
    o->compare = prop(t, "cost.compare", 1, NULL);
    o->load = prop(t, "cost.load", 1, NULL);
    o->store = prop(t, "cost.store", 1, NULL);
    /* Copying a source word's bits into the dense receptive field: a
     * shift and an or, unless measured. */
    o->gather = prop(t, "cost.gather", 2 * o->add, NULL);
    /* A float convolution's work per output position and tap beyond its
     * MACs (the padding test, the loop), when measured; else none. */
    o->tap = prop(t, "cost.tap", 0, NULL);
    /* A float dense layer on a binary input turns each input bit into
     * +1.0 or -1.0 once, beyond its MACs, when measured; else none. */
    o->unpack = prop(t, "cost.unpack", 0, NULL);
    o->c_x = (o->xnor + o->popcount + o->accumulate) / o->lanes;
    if (o->c_x <= 0)
        return refuse(c, o, t->loc, "target '%s': xnor + popcount + accumulate must be above 0",
                      t->name);
    o->overlap = strcmp(word_prop(t, "overlap", "yes"), "yes") == 0;
    o->figures = word_prop(t, "figures", NULL);
    o->validated_error = prop(t, "validated_error", -1, NULL);
    const TProp *ov = ir_target_get(t, "overhead");
    o->overhead = in_cycles(ov, o->clock);
    o->overhead_s = ov && ov->dim == DIM_TIME ? ov->value : 0;
    const TProp *sy = ir_target_get(t, "sync");
    o->sync = in_cycles(sy, o->clock);
    o->sync_s = sy && sy->dim == DIM_TIME ? sy->value : 0;
    const char *pk = word_prop(t, "packing", "dense");
    o->packing = strcmp(pk, "kernel") == 0 ? PACK_KERNEL
                 : strcmp(pk, "channel") == 0 ? PACK_CHANNEL
                                              : PACK_DENSE;
    o->kernels = word_prop(t, "kernels", "portable");
    /* The vector kernels are written for one register width: with 64-bit
     * words their weights come in blocks of vector / word lanes, which
     * must be that width's (emit_c.c chooses the code by the lanes). */
    int need = !strcmp(o->kernels, "avx2") ? 256 : !strcmp(o->kernels, "avx512") ? 512
               : !strcmp(o->kernels, "neon") ? 128 : 0;
    if (need && o->word == 64 && o->vector != need)
        return refuse(c, o, ir_target_get(t, "kernels")->loc,
                      "kernels = %s compute on %d-bit vectors, but 'vector' is %d bits",
                      o->kernels, need, o->vector);
    for (int k = 0; k < OP_COUNT; k++) {
        char path[96];
        snprintf(path, sizeof path, "ops.%s", ops_table[k].name);
        o->op_cost[k] = prop(t, path, -1, NULL);
        snprintf(path, sizeof path, "ops.%s_float", ops_table[k].name);
        o->op_cost_float[k] = prop(t, path, -1, NULL);
    }
    o->price = prop(t, "price", -1, NULL);
    o->power = prop(t, "power", -1, NULL);
    /* Memory levels, in declaration order: "memory.NAME.size" etc. */
    for (int i = 0; i < t->props.n; i++) {
        const TProp *p = t->props.v[i];
        if (strncmp(p->path, "memory.", 7) != 0)
            continue;
        const char *name = p->path + 7;
        const char *dot = strchr(name, '.');
        if (!dot)
            continue;
        size_t len = (size_t)(dot - name);
        int k = 0;
        while (k < o->nlv && !(strlen(o->lv[k].name) == len && !strncmp(o->lv[k].name, name, len)))
            k++;
        if (k == o->nlv) {
            if (o->nlv == COST_MAX_LEVELS)
                return refuse(c, o, p->loc, "a target has at most %d memory levels",
                              COST_MAX_LEVELS);
            o->lv[o->nlv++].name = mem_strndup(&c->arena, name, len);
        }
    }
    for (int k = 0; k < o->nlv; k++) {
        CostLevel *l = &o->lv[k];
        char path[128];
        snprintf(path, sizeof path, "memory.%s.size", l->name);
        const TProp *sz = ir_target_get(t, path);
        if (!sz)
            return refuse(c, o, t->loc, "memory level '%s' of target '%s' has no 'size'",
                          l->name, t->name);
        l->size = sz->value;
        snprintf(path, sizeof path, "memory.%s.bandwidth", l->name);
        const TProp *bw = ir_target_get(t, path);
        l->bandwidth_given = bw != NULL;
        if (bw && bw->dim == DIM_BPC) {
            l->bw_cycle = bw->value;
            l->bandwidth = bw->value * o->clock;
        } else if (bw) {
            l->bandwidth = bw->value;
        } else { /* one vector load per `load` cycles: it scales with the clock */
            l->bw_cycle = (o->vector / 8.0) / (o->load > 0 ? o->load : 1);
            l->bandwidth = l->bw_cycle * o->clock;
        }
        if (l->bandwidth_given && !(l->bandwidth > 0))
            return refuse(c, o, bw->loc, "the bandwidth of memory level '%s' must be above 0",
                          l->name);
        snprintf(path, sizeof path, "memory.%s.holds", l->name);
        const char *h = word_prop(t, path, "all");
        l->holds_weights = strcmp(h, "weights") == 0;
        l->no_weights = strcmp(h, "activations") == 0;
        snprintf(path, sizeof path, "memory.%s.shared", l->name);
        l->own = strcmp(word_prop(t, path, "yes"), "no") == 0;
    }
    return true;
}

bool cost_target(Ctx *c, const IrTarget *t, CostTarget *o) {
    return read_target(c, true, t, 0, o);
}

bool cost_target_at(Ctx *c, const IrTarget *t, double clock, CostTarget *o) {
    return read_target(c, true, t, clock, o);
}

bool cost_target_quiet(Ctx *c, const IrTarget *t, CostTarget *o) {
    return read_target(c, false, t, 0, o);
}

static int64_t ceil_div(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}

int64_t cost_fan_in(const IrNode *n) {
    if (n->op == OP_BDENSE || n->op == OP_DENSE)
        return n->in[0]->shape.d[0];
    int64_t cig = n->in[0]->shape.d[2] / n->at->v[A_GROUPS][0];
    return n->at->v[A_KERNEL][0] * n->at->v[A_KERNEL][1] * cig;
}

int64_t cost_words(const IrNode *n, Packing p, int word) {
    if (n->op == OP_BDENSE)
        return ceil_div(n->in[0]->shape.d[0], word);
    int64_t taps = n->at->v[A_KERNEL][0] * n->at->v[A_KERNEL][1];
    int64_t cig = n->in[0]->shape.d[2] / n->at->v[A_GROUPS][0];
    switch (p) {
    case PACK_NONE:
    case PACK_KERNEL:
        return cig * ceil_div(taps, word);
    case PACK_CHANNEL:
        return taps * ceil_div(cig, word);
    case PACK_DENSE:
        return ceil_div(taps * cig, word);
    }
    return 0;
}

/* Float multiply-accumulates of a layer with float weights or inputs. */
static int64_t macs(const IrNode *n) {
    int64_t out = shape_elems(&n->shape);
    switch (n->op) {
    case OP_CONV2D:
    case OP_BCONV2D:
    case OP_DENSE:
    case OP_BDENSE:
        return out * cost_fan_in(n);
    case OP_DEPTHWISE_CONV2D:
        return out * n->at->v[A_KERNEL][0] * n->at->v[A_KERNEL][1];
    default:
        return 0;
    }
}

/* A layer's parameters as larq's summary (larq.models.summary) counts
 * them: the weights at their precision (binary: 1 bit, else 32), a bias
 * and a weight scale at 32 bits; a batchnorm (or a threshold that folds
 * one) two per channel, its moving mean and variance, for larq counts
 * beta with the mean and gamma with the variance, none trainable; prelu
 * one per channel, or one per element (per_element = yes). A frozen layer's are all non-trainable. */
static void count_params(const IrNode *n, int64_t *bin, int64_t *flt, int64_t *frozen) {
    int64_t c = shape_channels(&n->shape), w = 0;
    *bin = *flt = *frozen = 0;
    switch (n->op) {
    case OP_CONV2D:
    case OP_BCONV2D:
    case OP_DENSE:
    case OP_BDENSE:
        w = cost_fan_in(n) * c;
        break;
    case OP_DEPTHWISE_CONV2D:
        w = cost_taps(n) * c;
        break;
    case OP_BATCHNORM:
    case OP_THRESHOLD:
        *flt = *frozen = 2 * c;
        return;
    case OP_PRELU:
        *flt = ir_prelu_alphas(n);
        return;
    default:
        return;
    }
    if (n->weights == W_BINARY)
        *bin = w;
    else
        *flt = w;
    *flt += (ir_flag(n, A_BIAS) + ir_flag(n, A_SCALED)) * c;
    if (ir_flag(n, A_FROZEN))
        *frozen = *bin + *flt;
    /* A fused layer's parameters are still the network's. */
    for (int k = 0; n->op != OP_THRESHOLD && n->epi && k < n->epi->n; k++) {
        const IrEpiStep *s = &n->epi->v[k];
        if (s->op == OP_BATCHNORM || s->op == OP_THRESHOLD) {
            *flt += 2 * c;
            *frozen += 2 * c;
        } else if (s->op == OP_PRELU) {
            *flt += s->at->has[A_PER_ELEMENT] && s->at->v[A_PER_ELEMENT][0]
                        ? shape_elems(&n->shape)
                        : c;
        }
    }
}

/* Bytes of the parameters a layer keeps besides packed binary weights,
 * each of its arrays in the generated C rounded up to `unit` bytes: 1 for
 * the parameters themselves (what the kernel reads), emit_param_align for
 * what they take in NAME_weights.c (the footprint). */
static int64_t param_bytes(const IrNode *n, int64_t unit) {
    int64_t c = shape_channels(&n->shape);
#define ARRAY(bytes) (ceil_div((bytes), unit) * unit)
    /* A weight scale and a bias: a float per output channel each. */
    int64_t epi = (ir_flag(n, A_SCALED) + ir_flag(n, A_BIAS)) * ARRAY(4 * c);
    /* The fused layers' arrays (emit_layers.c): a batchnorm's folded scale
     * and shift, a threshold's (or its int32 thresholds and direction
     * bits, on the integer dot product), a prelu's alphas. */
    for (int k = 0; n->op != OP_THRESHOLD && n->epi && k < n->epi->n; k++) {
        const IrEpiStep *s = &n->epi->v[k];
        if (s->op == OP_THRESHOLD && k == 0 && n->epi->dot == DT_I32)
            epi += ARRAY(4 * c) + ARRAY(ceil_div(c, 8));
        else if (s->op == OP_BATCHNORM || s->op == OP_THRESHOLD)
            epi += 2 * ARRAY(4 * c);
        else if (s->op == OP_PRELU)
            epi += ARRAY(4 * (s->at->has[A_PER_ELEMENT] && s->at->v[A_PER_ELEMENT][0]
                                  ? shape_elems(&n->shape)
                                  : c));
    }
    switch (n->op) {
    case OP_CONV2D:
    case OP_DEPTHWISE_CONV2D:
    case OP_DENSE:
        return ARRAY(4 * macs(n) / shape_pixels(&n->shape)) + epi;
    case OP_BCONV2D:
        if (ir_is_bitserial(n)) /* (2^B - 1) x its +1 weights, int32 a channel */
            return ARRAY(4 * c);
        /* Zero padding on a binary layer: the +1 weights of each output
         * channel and tap (int16) correct the popcount at the borders. */
        if (ir_is_binary(n) && n->at->v[A_PADDING][0] == PAD_SAME)
            return ARRAY(2 * c * n->at->v[A_KERNEL][0] * n->at->v[A_KERNEL][1]) + epi;
        return epi;
    case OP_BDENSE:
        if (ir_is_bitserial(n))
            return ARRAY(4 * c);
        /* Binary weights with float inputs are kept packed as well, in
         * kernel packing (compression is for binary layers only); their
         * bytes are counted by packed_weight_bytes. */
        return epi;
    case OP_BATCHNORM:
        return 2 * ARRAY(4 * c); /* folded scale and shift */
    case OP_PRELU:
        return ARRAY(4 * ir_prelu_alphas(n));
    case OP_THRESHOLDS:
        return ARRAY(4 * c * n->at->v[A_LEVELS][0]); /* int32 thresholds */
    case OP_THRESHOLD:
        /* On integers: an int32 threshold and a direction bit; on floats
         * the folded scale and shift. */
        if (n->in[0]->type == DT_I32 || n->in[0]->type == DT_U8)
            return ARRAY(4 * c) + ARRAY(ceil_div(c, 8));
        return 2 * ARRAY(4 * c);
    default:
        return 0;
    }
#undef ARRAY
}

int cost_co_lanes(const CostTarget *t) {
    const char *k = t->kernels ? t->kernels : "portable";
    bool vec = !strcmp(k, "avx2") || !strcmp(k, "avx512") || !strcmp(k, "neon");
    return vec && t->word == 64 ? t->lanes : 1;
}

int64_t cost_split_units(const IrNode *n, const CostTarget *t) {
    int64_t U = n->shape.d[0];
    if ((n->op == OP_SIGN || n->op == OP_THRESHOLD) && ir_side_of(n))
        return 1; /* written by the fused layer before it: no code, no call */
    switch (n->op) {
    case OP_CONV2D:
    case OP_DEPTHWISE_CONV2D:
    case OP_BCONV2D:
    case OP_MAXPOOL:
    case OP_AVGPOOL:
        return n->shape.d[0]; /* output rows */
    case OP_BDENSE: /* on a float input, as dense */
    case OP_DENSE:
        if (n->op == OP_BDENSE && (ir_is_binary(n) || ir_is_bitserial(n)))
            return ceil_div(U, cost_co_lanes(t));
        return n->weights == W_BINARY ? ceil_div(U, 16) : U;
    case OP_PRELU:
        if (ir_flag(n, A_PER_ELEMENT))
            return 1;
        return shape_pixels(&n->shape);
    case OP_ADD:
        if (n->type == DT_I32)
            return shape_elems(&n->shape);
        return shape_pixels(&n->shape);
    case OP_THRESHOLDS:
        return shape_elems(&n->shape) / shape_channels(&n->shape);
    case OP_SIGN:
    case OP_THRESHOLD:
    case OP_BATCHNORM:
    case OP_RELU:
    case OP_HARDTANH:
    case OP_SIGMOID:
        return shape_pixels(&n->shape);
    default:
        return 1;
    }
}

int cost_split_calls(const IrNode *n, const CostTarget *t) {
    if (cost_split_units(n, t) < 2)
        return 0;
    bool epi = ir_flag(n, A_SCALED) || ir_flag(n, A_BIAS);
    return 1 + (epi && shape_elems(&n->shape) / shape_channels(&n->shape) >= 2);
}

/* Binary layers' output channels are packed in blocks of the kernels'
 * lanes (per group), the last block padded with zero words. */
static int64_t packed_weight_bytes(const IrNode *n, const CostTarget *t) {
    if (n->weights != W_BINARY)
        return 0;
    if (n->op == OP_BDENSE && !ir_is_binary(n) && !ir_is_bitserial(n)) /* float input: 16-unit masks */
        return ceil_div(n->shape.d[0], 16) * n->in[0]->shape.d[0] * 2;
    bool bs = ir_is_bitserial(n); /* dense packing, blocks of lanes */
    int64_t L = ir_is_binary(n) || bs ? cost_co_lanes(t) : 1;
    int64_t g = n->op == OP_BCONV2D ? n->at->v[A_GROUPS][0] : 1;
    int64_t per = shape_channels(&n->shape) / g;
    return g * ceil_div(per, L) * L * cost_words(n, bs ? PACK_DENSE : n->packing, t->word) *
           (t->word / 8);
}

/* Cycles of a layer's non-binary work on one core, and what it is. */
/* The units of work of a measured operation cost (`cost { OP = ...; }`):
 * MACs for float-MAC layers, output elements for binary layers (beyond
 * their XNOROPs) and for element-wise ones, output taps for pools, input
 * elements for global_avgpool. Returns the count; *what says it. */
static double op_units(const IrNode *n, int64_t fmacs, const char **unit) {
    double out = (double)shape_elems(&n->shape);
    switch (n->op) {
    case OP_CONV2D:
    case OP_DEPTHWISE_CONV2D:
    case OP_DENSE:
        *unit = "MACs x the target's measured cost per MAC";
        return (double)fmacs;
    case OP_BCONV2D:
    case OP_BDENSE:
        if (!ir_is_binary(n) && !ir_is_bitserial(n)) {
            *unit = "MACs x the target's measured cost per MAC";
            return (double)fmacs;
        }
        *unit = "outputs x the target's measured cost per output";
        return out;
    case OP_MAXPOOL:
    case OP_AVGPOOL:
        *unit = "output taps x the target's measured cost per tap";
        return out * (double)(n->at->v[A_SIZE][0] * n->at->v[A_SIZE][1]);
    case OP_GLOBAL_AVGPOOL:
        *unit = "inputs x the target's measured cost per input";
        return (double)shape_elems(&n->in[0]->shape);
    default:
        *unit = "outputs x the target's measured cost per output";
        return out;
    }
}

bool cost_float_variant(const IrNode *n) {
    if (n->op == OP_THRESHOLD)
        return n->in[0]->type == DT_F32;
    return n->weights == W_BINARY && !ir_is_binary(n) && !ir_is_bitserial(n);
}

bool cost_unpacks(const IrNode *n) {
    return n->op == OP_DENSE && n->in[0]->type == DT_B1;
}

int64_t cost_taps(const IrNode *n) {
    return n->at->v[A_KERNEL][0] * n->at->v[A_KERNEL][1];
}

double cost_op_units(const IrNode *n, const char **what) {
    return op_units(n, macs(n), what);
}

/* The epilogue of a dot product: a float multiply per output by the
 * weight scale (scaled = yes), a float add of the bias (bias = yes);
 * *what says which, or is NULL when there is none. */
static double epilogue_cycles(const IrNode *n, const CostTarget *t, const char **what) {
    bool sc = ir_flag(n, A_SCALED), bi = ir_flag(n, A_BIAS);
    *what = sc && bi ? "elements x (fmac + fadd) / float lanes (weight scale, bias)"
            : sc    ? "elements x fmac / float lanes (weight scale)"
            : bi    ? "elements x fadd / float lanes (bias)"
                    : NULL;
    double per = (sc ? t->fmac : 0) + (bi ? t->fadd : 0);
    /* The layers fused into the kernel (pass fuse-epilogue): each one's
     * arithmetic per element, as its own layer's formula below, but no
     * tensor read or written: their bytes are gone from the graph. */
    if (n->op != OP_THRESHOLD && n->epi) {
        for (int k = 0; k < n->epi->n; k++)
            switch (n->epi->v[k].op) {
            case OP_BATCHNORM: per += t->fmac; break;
            case OP_RELU: per += t->compare; break;
            case OP_HARDTANH: per += 2 * t->compare; break;
            case OP_PRELU: per += t->compare + t->fmac; break;
            case OP_ADD: per += t->fadd; break;
            case OP_SIGN: per += t->compare + t->add; break;
            case OP_THRESHOLD: /* on the integer dot product, one compare */
                per += (k == 0 && n->epi->dot == DT_I32 ? 0 : t->fmac) + t->compare + t->add;
                break;
            default: break;
            }
        if (n->epi->side) /* the side sign's compare and bit insert */
            per += t->compare + t->add;
        *what = sc || bi ? "elements x (weight scale, bias and the fused layers' operations) / "
                           "float lanes"
                         : "elements x the fused layers' operations / float lanes";
    }
    return (double)shape_elems(&n->shape) * per / t->flanes;
}

static double kernel_cycles(const IrNode *n, const CostTarget *t, int64_t fmacs,
                            const char **what);

/* Cycles to put one bit of a u8 value into its bit plane (a bit-serial
 * layer's gather): extract, shift, and a read-modify-write of the plane's
 * word (load, or, store). */
static double cost_plane_bit(const CostTarget *t) {
    return t->load + t->store + 3 * t->add;
}

/* Cycles of a layer's non-binary work on one core: its kernel's, and its
 * epilogue's (measured operation costs do not include it). */
static double other_cycles(const IrNode *n, const CostTarget *t, int64_t fmacs,
                           const char **what, double *epi, const char **epi_what) {
    *epi = epilogue_cycles(n, t, epi_what);
    return kernel_cycles(n, t, fmacs, what) + *epi;
}

static double kernel_cycles(const IrNode *n, const CostTarget *t, int64_t fmacs,
                            const char **what) {
    double fl = t->flanes;
    double out = (double)shape_elems(&n->shape);
    double in = (double)shape_elems(&n->in[0]->shape);
    int64_t win = n->at->has[A_SIZE] ? n->at->v[A_SIZE][0] * n->at->v[A_SIZE][1] : 0;
    double measured = n->op < OP_COUNT ? (cost_float_variant(n) ? t->op_cost_float[n->op]
                                                                 : t->op_cost[n->op])
                                       : -1;
    /* A bit-serial layer's work is not what `ops { bconv2d; }` measured
     * (a b1 kernel): the formula below. */
    if (ir_is_bitserial(n))
        measured = -1;
    bool gather = n->op == OP_BCONV2D && ir_is_binary(n) && n->packing == PACK_DENSE &&
                  cost_words(n, PACK_DENSE, t->word) < cost_words(n, PACK_CHANNEL, t->word);
    /* Gathering each receptive field into dense words: the cost of a
     * source word (a shift and an or, unless measured), once per output
     * position. */
    double gcyc = gather ? (double)shape_pixels(&n->shape) * (double)cost_words(n, PACK_CHANNEL, t->word) *
                               t->gather
                         : 0;
    /* Unpacking a binary input's bits for a float dense layer. */
    double ucyc = cost_unpacks(n) && t->unpack > 0 ? in * t->unpack : 0;
    if (measured >= 0 && !plan_is_view(n, t->word) && !ir_side_of(n)) {
        double units = op_units(n, fmacs, what);
        if (gather)
            *what = "outputs x the target's measured cost per output + positions x source "
                    "words x gather";
        if (ucyc > 0)
            *what = "MACs x the target's measured cost per MAC + inputs x unpack";
        if (n->op == OP_CONV2D && t->tap > 0) {
            *what = "MACs x the target's measured cost per MAC + positions x taps x tap";
            return units * measured + (double)shape_pixels(&n->shape) * (double)cost_taps(n) * t->tap;
        }
        return units * measured + gcyc + ucyc;
    }
    switch (n->op) {
    case OP_CONV2D:
    case OP_DEPTHWISE_CONV2D:
    case OP_DENSE:
        *what = ucyc > 0 ? "float MACs x fmac / float lanes + inputs x unpack"
                         : "float MACs x fmac / float lanes";
        return (double)fmacs * t->fmac / fl + ucyc;
    case OP_BCONV2D:
    case OP_BDENSE:
        if (ir_is_bitserial(n)) {
            /* Each output takes off its B planes' 2^p popcounts; each
             * position gathers B bits of each of its field's values, and
             * the kernels (bnn_bconv2d_bitserial, bnn_bdense_bitserial)
             * take a bit in five instructions: extract it, shift it to
             * its place, load, or and store its plane's word. */
            double b = ir_value_bits(n->in[0]);
            double gathered = (double)shape_pixels(&n->shape) * (double)cost_fan_in(n) *
                              (double)(n->op == OP_BCONV2D ? n->at->v[A_GROUPS][0] : 1);
            *what = "outputs x bits x add / float lanes + positions x inputs x bits x "
                    "(load + store + 3 add) (bit planes)";
            return out * b * t->add / fl + gathered * b * cost_plane_bit(t);
        }
        if (!ir_is_binary(n)) {
            *what = "float MACs x fmac / float lanes (float input, binary weights)";
            return (double)fmacs * t->fmac / fl;
        }
        if (gather) {
            *what = "outputs x add (N - 2 popcount) + positions x source words x gather";
            return out * t->add / fl + gcyc;
        }
        *what = "outputs x add / float lanes (N - 2 popcount)";
        return out * t->add / fl;
    case OP_BATCHNORM:
        *what = "elements x fmac / float lanes";
        return out * t->fmac / fl;
    case OP_SIGN:
    case OP_THRESHOLD:
        if (ir_side_of(n)) {
            *what = "none (written by the kernel of the fused layer before it)";
            return 0;
        }
        *what = "elements x (compare + add) / float lanes (binarise and pack)";
        return out * (t->compare + t->add) / fl;
    case OP_THRESHOLDS:
        *what = "elements x levels x (compare + add) / float lanes (count, or pack)";
        return out * (double)n->at->v[A_LEVELS][0] * (t->compare + t->add) / fl;
    case OP_RELU:
        *what = "elements x compare / float lanes";
        return out * t->compare / fl;
    case OP_HARDTANH:
        *what = "elements x 2 compare / float lanes";
        return out * 2 * t->compare / fl;
    case OP_PRELU:
        *what = "elements x (compare + fmac) / float lanes";
        return out * (t->compare + t->fmac) / fl;
    case OP_MAXPOOL:
        if (n->type == DT_B1) {
            *what = "output words x (window - 1) x add / lanes (or of bits)";
            return (double)(plan_bytes(n, t->word) / (t->word / 8)) * (double)(win - 1) *
                   t->add / t->lanes;
        }
        *what = "outputs x (window - 1) x compare / float lanes";
        return out * (double)(win - 1) * t->compare / fl;
    case OP_AVGPOOL:
        *what = "outputs x (window x fadd + fmac) / float lanes";
        return out * ((double)win * t->fadd + t->fmac) / fl;
    case OP_GLOBAL_AVGPOOL:
        *what = "inputs x fadd / float lanes + channels x fmac / float lanes";
        return in * t->fadd / fl + out * t->fmac / fl;
    case OP_ADD:
        *what = "elements x fadd / float lanes";
        return out * (n->type == DT_I32 ? t->add : t->fadd) / fl;
    case OP_TRANSPOSE:
        /* Element by element, strided: no vectors. */
        *what = "elements x (load + store) (a strided copy)";
        return out * (t->load + t->store);
    case OP_CONCAT:
    case OP_FLATTEN:
    case OP_RESHAPE:
    case OP_SLICE:
    case OP_PAD_CHANNELS:
        if (plan_is_view(n, t->word)) {
            *what = "none (a view of its input)";
            return 0;
        }
        *what = "bytes / vector bytes x (load + store)";
        return (double)plan_bytes(n, t->word) / (t->vector / 8.0) * (t->load + t->store);
    case OP_MUL:
        *what = "elements x fmac / float lanes";
        return out * t->fmac / fl;
    case OP_SIGMOID:
        *what = "elements x (12 fmac for exp + fadd + fmac) / float lanes";
        return out * (SOFTMAX_EXP_FMACS * t->fmac + t->fadd + t->fmac) / fl;
    case OP_SOFTMAX:
        *what = "elements x (12 fmac for exp + fadd + fmac) / float lanes";
        return out * (SOFTMAX_EXP_FMACS * t->fmac + t->fadd + t->fmac) / fl;
    default:
        *what = "none";
        return 0;
    }
}

/* The first level, in the order listed (fastest first), holding `bytes`
 * that may hold activations (or weights, with for_weights); the largest
 * such level if none does. */
static int pick_level(const CostTarget *t, double bytes, bool for_weights) {
    int best = -1;
    for (int k = 0; k < t->nlv; k++) {
        const CostLevel *l = &t->lv[k];
        if (for_weights ? l->no_weights : l->holds_weights)
            continue;
        if (l->size >= bytes)
            return k;
        if (best < 0 || l->size > t->lv[best].size)
            best = k;
    }
    return best;
}

static int weight_level(const CostTarget *t) {
    for (int k = 0; k < t->nlv; k++)
        if (t->lv[k].holds_weights)
            return k;
    return -1;
}

/* Whether a float conv2d runs the kernel's vector path, blocks of
 * EMIT_BCONV_BLOCK positions (bnn_conv2d_block, BNN_FPX): the kernel
 * takes it where BNN_FVEC (bnn_base.h: GNU C on a SIMD target, vectors of
 * 128 bits or more, t->flanes floats) and a whole number of vectors
 * makes a group's output channels; both sides must change together. */
static bool conv_vector_path(const IrNode *n, const CostTarget *t) {
    return n->op == OP_CONV2D && n->weights != W_BINARY && t->vector >= 128 && t->flanes > 0 &&
           (shape_channels(&n->shape) / n->at->v[A_GROUPS][0]) % t->flanes == 0;
}

/* How often a layer's kernel reads all of its weights: a binary
 * convolution once per block of EMIT_BCONV_BLOCK positions (they share
 * each weight load), a float conv2d too where its vector path runs
 * (conv_vector_path; a border's blocks, whose windows reach the padding,
 * go pixel by pixel there, left out here), else at every output
 * position, a dense layer once (docs/cost-model.md section 4). */
static int64_t weight_passes(const IrNode *n, const CostTarget *t) {
    int64_t pos = shape_pixels(&n->shape);
    if (conv_vector_path(n, t))
        return (pos + EMIT_BCONV_BLOCK - 1) / EMIT_BCONV_BLOCK;
    switch (n->op) {
    case OP_BCONV2D:
        if (ir_is_binary(n))
            return (pos + EMIT_BCONV_BLOCK - 1) / EMIT_BCONV_BLOCK;
        if (ir_is_bitserial(n)) /* every plane at every position */
            return pos * ir_value_bits(n->in[0]);
        return pos;
    case OP_BDENSE:
        return ir_is_bitserial(n) ? ir_value_bits(n->in[0]) : 1;
    case OP_CONV2D:
    case OP_DEPTHWISE_CONV2D:
        return pos;
    default:
        return 1;
    }
}

double cost_parallel_share(int64_t units, int threads) {
    if (units < 2 || threads < 2)
        return 1;
    return (double)ceil_div(units, threads) / (double)units;
}

/* The compute of layer l on `threads` threads as a fraction of its
 * compute on one: the largest part's share of its units, over the
 * target's efficiency (1 unless it says) when more than one runs. */
static double compute_share(const CostLayer *l, const CostTarget *t, int threads) {
    if (l->threads < 2)
        return 1;
    return cost_parallel_share(l->units, threads) / t->efficiency;
}

/* A layer's time at clock f on up to `threads` cores (sets l->threads).
 * The code of --threads N splits the layer's units (cost_split_units)
 * into N parts of floor or ceil(units / N), so the compute is the
 * largest part's; each bnn_parallel_for the layer makes costs the
 * target's `sync` on top (the barrier; docs/cost-model.md). Traffic from
 * a level the cores share does not divide; from a level each core has
 * its own of (shared = no) each part moves its share at the level's
 * bandwidth, as its compute. Overlapped, the time is the larger of
 * compute and traffic (roofline always overlaps); else their sum. */
static double layer_time(CostLayer *l, const CostTarget *t, MemModel model, double f,
                         int threads) {
    int p = l->units < threads ? (int)l->units : threads;
    l->threads = p;
    double compute = l->cyc_f / f * compute_share(l, t, threads);
    double own = l->own_s + l->own_c / f;
    double traffic = l->traffic_s + l->traffic_c / f - own +
                     own * cost_parallel_share(l->units, threads);
    double time = model == MEM_ROOFLINE || t->overlap ? (compute > traffic ? compute : traffic)
                                                      : compute + traffic;
    if (p > 1)
        time += l->calls * (t->sync_s ? t->sync_s : t->sync / f);
    return time;
}

/* `bytes` moved from level k: seconds over a bandwidth in B/s, cycles
 * over one in B/cycle. */
static void traffic(const CostTarget *t, int k, double bytes, CostLayer *l) {
    if (k < 0 || bytes <= 0)
        return;
    const CostLevel *v = &t->lv[k];
    if (v->bw_cycle > 0) {
        l->traffic_c += bytes / v->bw_cycle;
        l->own_c += v->own ? bytes / v->bw_cycle : 0;
    } else {
        l->traffic_s += bytes / v->bandwidth;
        l->own_s += v->own ? bytes / v->bandwidth : 0;
    }
}

static void cost_layer(const CostTarget *t, MemModel model, int threads, int64_t model_bytes,
                       const IrNode *n, CostLayer *l) {
    memset(l, 0, sizeof *l);
    l->n = n;
    l->level = l->wlevel = -1;
    int64_t m = macs(n);
    bool bs = ir_is_bitserial(n);
    bool bin = ir_is_binary(n) || bs;
    if (bin) {
        /* A bit-serial layer: B passes of XNOR-popcount over dense words
         * (docs/cost-model.md section 1). */
        int64_t planes = bs ? ir_value_bits(n->in[0]) : 1;
        l->bmacs = m;
        l->fan_in = cost_fan_in(n);
        l->words = cost_words(n, bs ? PACK_DENSE : n->packing, t->word);
        l->words_before = cost_words(n, bs ? PACK_DENSE : PACK_KERNEL, t->word);
        int64_t per = n->op == OP_BDENSE ? n->shape.d[0] : shape_elems(&n->shape);
        l->xnorop = per * l->words * planes;
        l->xnorop_before = per * l->words_before * planes;
        l->util = (double)l->fan_in / ((double)l->words * t->word);
        l->util_before = (double)l->fan_in / ((double)l->words_before * t->word);
    } else {
        l->fmacs = m;
    }
    count_params(n, &l->params_binary, &l->params_float, &l->params_frozen);
    l->weight_bytes = packed_weight_bytes(n, t);
    l->param_bytes = param_bytes(n, 1);
    for (int k = 0; k < n->nin; k++)
        l->in_bytes += plan_bytes(n->in[k], t->word);
    l->out_bytes = plan_bytes(n, t->word);
    /* A fused layer writes its side sign's bits; that sign moves nothing. */
    if (n->op != OP_THRESHOLD && n->op != OP_COUNT && n->epi && n->epi->side)
        l->out_bytes += plan_bytes(n->epi->side, t->word);
    bool view = plan_is_view(n, t->word) || ir_side_of(n); /* moves no byte */
    int64_t act_bytes = view ? 0 : l->in_bytes + l->out_bytes;
    l->ws_bytes = l->weight_bytes + l->param_bytes + act_bytes;
    /* Memory levels. An MCU keeps weights in their own level and
     * activations in the smallest other level that holds them. Elsewhere
     * the layer is shown in the smallest level holding its working set,
     * and the weights come from the smallest level that holds what is read
     * between two uses of a weight word: the layer's weights when it
     * reuses them across output positions, else the whole model. */
    int wl = weight_level(t);
    int64_t wbytes = l->weight_bytes + l->param_bytes;
    if (wl >= 0) {
        l->wlevel = wbytes ? wl : -1;
        l->level = pick_level(t, (double)act_bytes, false);
    } else {
        l->level = pick_level(t, (double)l->ws_bytes, false);
        int64_t reuse = shape_pixels(&n->shape) > 1 ? wbytes : model_bytes;
        l->wlevel = wbytes ? pick_level(t, (double)reuse, false) : -1;
    }
    l->cyc_xnor = (double)l->xnorop * t->c_x;
    l->cyc_other = other_cycles(n, t, l->fmacs, &l->other_what, &l->cyc_epilogue,
                                &l->epilogue_what);
    l->cyc_f = l->cyc_xnor + l->cyc_other;
    /* The bytes the kernel moves. Roofline: the working set once. Else
     * what the emitted kernel reads past the fastest level (whose loads
     * the per-operation costs include), from levels with a stated
     * bandwidth: the activations once, and all the weights at each of its
     * weight passes. */
    l->weight_passes = weight_passes(n, t);
    if (model == MEM_ROOFLINE) {
        l->act_traffic = (double)act_bytes;
        l->wt_traffic = (double)wbytes;
    } else {
        bool ab = l->level > 0 && t->lv[l->level].bandwidth_given;
        bool wb = l->wlevel > 0 && t->lv[l->wlevel].bandwidth_given;
        l->act_traffic = ab ? (double)act_bytes : 0;
        l->wt_traffic = wb ? (double)wbytes * (double)l->weight_passes : 0;
    }
    traffic(t, l->level, l->act_traffic, l);
    traffic(t, l->wlevel, l->wt_traffic, l);
    l->units = cost_split_units(n, t);
    l->calls = cost_split_calls(n, t);
    l->time = layer_time(l, t, model, t->clock, threads);
    l->t_compute = l->cyc_f / t->clock * compute_share(l, t, threads);
    l->t_traffic = l->traffic_s + l->traffic_c / t->clock;
    /* Cycles on one core; beyond compute, what the traffic adds. */
    double one = l->cyc_f / t->clock;
    if (model == MEM_ROOFLINE || t->overlap)
        one = one > l->t_traffic ? one : l->t_traffic;
    else
        one += l->t_traffic;
    l->cycles = one * t->clock;
    l->cyc_mem = l->cycles - l->cyc_f > 0 ? l->cycles - l->cyc_f : 0;
    if (bin) {
        /* LXNOROP = XNOROP (1 + loads c_mem / c_x): the words the XNOROPs
         * load past the fastest level, and the cycles each adds beyond
         * the compute. */
        double words = (l->act_traffic + l->wt_traffic) / (t->word / 8.0);
        l->loads = l->xnorop ? words / (double)l->xnorop : 0;
        l->c_mem = words > 0 ? l->cyc_mem / words : 0;
        l->lxnorop = (double)l->xnorop + l->cyc_mem / t->c_x;
    }
}

static void add_fit(CostResult *r, const char *what, const CostLevel *l, int64_t need) {
    r->fits[r->nfits++] = (CostFit){what, l->name, need, l->size};
}

void cost_run(Ctx *c, const IrGraph *g, const CostTarget *t, MemModel model, int threads,
              CostResult *r) {
    CostOptions o = {model, threads, NULL, NULL};
    cost_run_opt(c, g, t, &o, r);
}

void cost_run_opt(Ctx *c, const IrGraph *g, const CostTarget *t, const CostOptions *o,
                  CostResult *r) {
    memset(r, 0, sizeof *r);
    r->g = g;
    r->t = t;
    r->model = o->model;
    r->threads = o->threads < t->cores ? o->threads : t->cores;
    r->layers = o->layers ? o->layers
                          : mem_array(&c->arena, (size_t)g->nodes.n + 1, sizeof(CostLayer));
    Plan own;
    const Plan *p = o->plan;
    if (!p) {
        plan_graph(c, g, t->word, &own);
        p = &own;
    }
    /* What one inference reads: every parameter and the arena. */
    int64_t model_bytes = p->arena, unit = emit_param_align(t);
    for (int i = 0; i < g->nodes.n; i++) {
        const IrNode *n = g->nodes.v[i];
        if (n->op != OP_COUNT)
            model_bytes += packed_weight_bytes(n, t) + param_bytes(n, 1);
    }
    for (int i = 0; i < g->nodes.n; i++) {
        const IrNode *n = g->nodes.v[i];
        if (n->op == OP_COUNT)
            continue;
        CostLayer *l = &r->layers[r->n++];
        cost_layer(t, o->model, r->threads, model_bytes, n, l);
        r->bmacs += l->bmacs;
        r->fmacs += l->fmacs;
        r->xnorop += l->xnorop;
        r->xnorop_before += l->xnorop_before;
        r->params_binary += l->params_binary;
        r->params_float += l->params_float;
        r->params_frozen += l->params_frozen;
        /* XNOR-popcount layers: binary, and bit-serial on a u8 input. */
        bool xn = ir_is_binary(n) || ir_is_bitserial(n);
        r->nbinary += xn;
        r->lxnorop += l->lxnorop;
        /* The footprint: the arrays as the generated C stores them, each
         * a whole number of the layout's units (the packed weights are
         * one array), which NAME_weights.c takes to the byte. */
        r->weight_bytes += ceil_div(l->weight_bytes, unit) * unit;
        r->param_bytes += param_bytes(n, unit);
        if (xn)
            r->time_binary += l->time;
        else
            r->time_other += l->time;
        r->time += l->time;
    }
    r->overhead_time = t->overhead / t->clock;
    r->time += r->overhead_time;
    r->rate = r->time > 0 ? 1 / r->time : INFINITY;
    for (int i = 0; i < r->n; i++)
        r->layers[i].share = r->time > 0 ? r->layers[i].time / r->time : 0;
    r->act_bytes = p->arena;
    r->act_live = p->live_peak;
    /* Fits: on an MCU, weights in their level, activations in the largest
     * other; elsewhere everything in the largest level. */
    int wl = weight_level(t);
    int big = pick_level(t, INFINITY, false);
    if (wl >= 0) {
        add_fit(r, "weights", &t->lv[wl], r->weight_bytes + r->param_bytes);
        if (big >= 0)
            add_fit(r, "activations", &t->lv[big], r->act_bytes);
    } else if (big >= 0) {
        add_fit(r, "model", &t->lv[big], r->weight_bytes + r->param_bytes + r->act_bytes);
    }
}

double cost_time(const CostResult *r, double clock, int threads) {
    const CostTarget *t = r->t;
    double sum = t->overhead_s ? t->overhead_s : t->overhead / clock;
    for (int i = 0; i < r->n; i++) {
        CostLayer l = r->layers[i];
        sum += layer_time(&l, t, r->model, clock, threads);
    }
    return sum;
}
