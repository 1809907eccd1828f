#!/usr/bin/python3
"""validate_report.py SCHEMA REPORT.json...: checks bnnc JSON reports.

Each report must validate against the schema (docs/report-schema.json) and
be consistent: totals are the sums of the layers, the latency is the sum
of the layer times plus the overhead, the rate is its inverse, the shares
sum to the layers' part of the latency. Before the reports, a broken copy
of the first one must be rejected, so that a validator that accepts
everything fails the test. Exit status 0 when all is well.
"""
import copy
import json
import math
import sys

import jsonschema


def close(a, b, rel=1e-9):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-15)


def check(doc):
    errs = []
    layers, tot = doc["layers"], doc["totals"]
    for key in ("binary_macs", "float_macs", "binary_params", "float_params",
                "non_trainable_params"):
        s = sum(l[key] for l in layers)
        if s != tot[key]:
            errs.append(f"totals.{key} {tot[key]} != sum of layers {s}")
    for key in ("xnorop", "xnorop_uncompressed"):
        s = sum(l.get(key, 0) for l in layers)
        if s != tot[key]:
            errs.append(f"totals.{key} {tot[key]} != sum of layers {s}")
    for l in layers:
        if l["non_trainable_params"] > l["binary_params"] + l["float_params"]:
            errs.append(f"layer {l['name']}: more non-trainable parameters than parameters")
    nb = sum(1 for l in layers if l["binary"])
    if nb != tot["binary_layers"]:
        errs.append(f"binary_layers {tot['binary_layers']} != {nb}")
    t = sum(l["time_s"] for l in layers) + tot["overhead_s"]
    if not close(t, tot["latency_s"]):
        errs.append(f"latency {tot['latency_s']} != sum of layer times {t}")
    if not close(tot["rate_per_s"] * tot["latency_s"], 1.0):
        errs.append("rate is not 1 / latency")
    if not close(tot["binary_time_s"] + tot["non_binary_time_s"] + tot["overhead_s"],
                 tot["latency_s"]):
        errs.append("binary + non-binary + overhead != latency")
    for l in layers:
        if l["binary"]:
            if l["xnorop"] > l["xnorop_uncompressed"]:
                errs.append(f"{l['name']}: compression raised XNOROP")
            if l["lxnorop"] + 1e-9 < l["xnorop"]:
                errs.append(f"{l['name']}: LXNOROP below XNOROP")
            if not close(l["cycles_xnor"], l["xnorop"] * doc["target"]["c_x"]):
                errs.append(f"{l['name']}: cycles_xnor != XNOROP x c_x")
    mem = doc["memory"]
    if mem["activation_bytes"] < mem["activation_live_bytes"]:
        errs.append("arena smaller than the live lower bound")
    for f in mem["fits"]:
        if f["fits"] != (f["need_bytes"] <= f["have_bytes"]):
            errs.append(f"fits flag of {f['what']} is wrong")
    return errs


def main():
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    docs = [(p, json.load(open(p))) for p in sys.argv[2:]]
    if not docs:
        print("no reports given")
        return 1
    broken = copy.deepcopy(docs[0][1])
    del broken["totals"]["xnorop"]
    broken["layers"][0]["shape"] = []
    if v.is_valid(broken):
        print("FAIL: the schema accepts a report without totals.xnorop")
        return 1
    bad = 0
    for path, doc in docs:
        errs = [e.message for e in v.iter_errors(doc)]
        if not errs:
            errs = check(doc)
        if errs:
            bad += 1
            print(f"FAIL {path}:")
            for e in errs[:10]:
                print("   ", e)
    print(f"reports: {len(docs) - bad} valid, {bad} invalid")
    return 1 if bad else 0


sys.exit(main())
