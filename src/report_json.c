/*
 * report_json.c: the forward-task report as JSON, written with jansson.
 *
 * The document holds the same data as the text report with exact values
 * and base units (seconds, bytes, hertz); docs/report-schema.json is its
 * schema and tests/cli/report_json.sh validates every example against it.
 */
#include "bnnc.h"

#include <jansson.h>
#include <math.h>

json_t *report_json_num(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

bool report_json_write(FILE *f, json_t *doc) {
    if (!doc)
        return false;
    int rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    fputc('\n', f);
    json_decref(doc);
    return rc == 0;
}

#define num report_json_num

static json_t *level_or_null(const CostTarget *t, int k) {
    return k >= 0 ? json_string(t->lv[k].name) : json_null();
}

static json_t *target_json(const CostTarget *t) {
    json_t *mem = json_array();
    for (int k = 0; k < t->nlv; k++) {
        const CostLevel *l = &t->lv[k];
        json_array_append_new(
            mem, json_pack("{s:s, s:o, s:o, s:b, s:s}", "name", l->name, "size_bytes",
                           num(l->size), "bandwidth_bytes_per_s", num(l->bandwidth),
                           "bandwidth_given",
                           l->bandwidth_given, "holds",
                           l->holds_weights ? "weights" : l->no_weights ? "activations" : "all"));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:i, s:o, s:i, s:i, s:i, s:s, s:o, s:b, s:o, s:o, "
                     "s:s, s:o, s:o, s:o}",
                     "name", t->name, "class", t->cls, "clock_hz", num(t->clock),
                     "max_clock_hz", t->max_clock > 0 ? num(t->max_clock) : json_null(), "cores",
                     t->cores, "efficiency", num(t->efficiency), "word_bits", t->word,
                     "vector_bits", t->vector, "lanes", t->lanes, "popcount",
                     t->sw_popcount ? "software" : "hardware", "c_x", num(t->c_x),
                     "overlap", t->overlap, "figures",
                     t->figures ? json_string(t->figures) : json_null(), "validated_error",
                     t->validated_error >= 0 ? num(t->validated_error) : json_null(), "packing",
                     ir_packing_names[t->packing], "price_usd",
                     t->price >= 0 ? num(t->price) : json_null(), "power_w",
                     t->power >= 0 ? num(t->power) : json_null(), "memory", mem);
}

static json_t *layer_json(const CostResult *r, const CostLayer *l) {
    const IrNode *n = l->n;
    json_t *shape = json_array();
    for (int k = 0; k < n->shape.rank; k++)
        json_array_append_new(shape, json_integer(n->shape.d[k]));
    bool bin = ir_is_binary(n);
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:s, s:b, s:I, s:I, s:o, s:o, s:o}", "name", n->name, "op",
        ir_op_label(n), "shape", shape, "dtype", dtype_name(n->type), "binary", bin,
        "binary_macs", (json_int_t)l->bmacs, "float_macs", (json_int_t)l->fmacs,
        "memory_level", level_or_null(r->t, l->level), "weight_memory_level",
        level_or_null(r->t, l->wlevel), "threads", json_integer(l->threads));
    if (ir_is_bitserial(n)) /* XNOR-popcount passes, one per bit */
        json_object_set_new(o, "activation_bits", json_integer(ir_value_bits(n->in[0])));
    if (bin || ir_is_bitserial(n)) {
        json_object_set_new(o, "fan_in", json_integer(l->fan_in));
        json_object_set_new(o, "packing",
                            json_string(ir_packing_names[ir_is_bitserial(n)    ? PACK_DENSE
                                                         : n->packing == PACK_NONE ? PACK_KERNEL
                                                                                   : n->packing]));
        json_object_set_new(o, "words_per_output", json_integer(l->words));
        json_object_set_new(o, "words_per_output_uncompressed", json_integer(l->words_before));
        json_object_set_new(o, "xnorop", json_integer(l->xnorop));
        json_object_set_new(o, "xnorop_uncompressed", json_integer(l->xnorop_before));
        json_object_set_new(o, "utilisation", num(l->util));
        json_object_set_new(o, "utilisation_uncompressed", num(l->util_before));
        json_object_set_new(o, "lxnorop", num(l->lxnorop));
        json_object_set_new(o, "loads_per_xnorop", num(l->loads));
        json_object_set_new(o, "c_mem", num(l->c_mem));
    }
    json_object_set_new(o, "working_set_bytes", json_integer(l->ws_bytes));
    json_object_set_new(o, "weight_bytes", json_integer(l->weight_bytes));
    json_object_set_new(o, "param_bytes", json_integer(l->param_bytes));
    json_object_set_new(o, "binary_params", json_integer(l->params_binary));
    json_object_set_new(o, "float_params", json_integer(l->params_float));
    json_object_set_new(o, "non_trainable_params", json_integer(l->params_frozen));
    json_object_set_new(o, "cycles_xnor", num(l->cyc_xnor));
    json_object_set_new(o, "cycles_memory", num(l->cyc_mem));
    json_object_set_new(o, "cycles_other", num(l->cyc_other));
    json_object_set_new(o, "cycles", num(l->cycles));
    json_object_set_new(o, "activation_traffic_bytes", num(l->act_traffic));
    json_object_set_new(o, "weight_traffic_bytes", num(l->wt_traffic));
    json_object_set_new(o, "weight_passes", json_integer(l->weight_passes));
    json_object_set_new(o, "compute_time_s", num(l->t_compute));
    json_object_set_new(o, "traffic_time_s", num(l->t_traffic));
    json_object_set_new(o, "time_s", num(l->time));
    json_object_set_new(o, "share", num(l->share));
    return o;
}

bool report_json(FILE *f, const CostResult *r) {
    json_t *layers = json_array();
    for (int i = 0; i < r->n; i++)
        json_array_append_new(layers, layer_json(r, &r->layers[i]));
    json_t *fits = json_array();
    for (int i = 0; i < r->nfits; i++) {
        const CostFit *fi = &r->fits[i];
        json_array_append_new(fits, json_pack("{s:s, s:s, s:I, s:o, s:b}", "what", fi->what,
                                              "level", fi->level, "need_bytes",
                                              (json_int_t)fi->need, "have_bytes", num(fi->have),
                                              "fits", (double)fi->need <= fi->have));
    }
    json_t *totals = json_pack(
        "{s:I, s:I, s:I, s:I, s:o, s:i, s:o, s:o, s:o, s:o, s:o}", "binary_macs",
        (json_int_t)r->bmacs, "float_macs", (json_int_t)r->fmacs, "xnorop", (json_int_t)r->xnorop,
        "xnorop_uncompressed", (json_int_t)r->xnorop_before, "lxnorop", num(r->lxnorop),
        "binary_layers", r->nbinary, "latency_s", num(r->time), "rate_per_s", num(r->rate),
        "overhead_s", num(r->overhead_time), "binary_time_s", num(r->time_binary),
        "non_binary_time_s", num(r->time_other));
    json_object_set_new(totals, "binary_params", json_integer(r->params_binary));
    json_object_set_new(totals, "float_params", json_integer(r->params_float));
    json_object_set_new(totals, "non_trainable_params", json_integer(r->params_frozen));
    json_t *memory = json_pack("{s:I, s:I, s:I, s:I, s:o}", "packed_weight_bytes",
                               (json_int_t)r->weight_bytes, "float_param_bytes",
                               (json_int_t)r->param_bytes, "activation_bytes",
                               (json_int_t)r->act_bytes, "activation_live_bytes",
                               (json_int_t)r->act_live, "fits", fits);
    json_t *doc = json_pack("{s:s, s:s, s:o, s:s, s:i, s:o, s:o, s:o}", "bnnc", BNNC_VERSION,
                            "network", r->g->name, "target", target_json(r->t), "memory_model",
                            cost_model_names[r->model], "threads", r->threads, "layers", layers,
                            "totals", totals, "memory", memory);
    return report_json_write(f, doc);
}
