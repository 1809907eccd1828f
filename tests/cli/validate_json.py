#!/usr/bin/python3
"""validate_json.py SCHEMA DOC.json...: every document validates against
the JSON Schema (2020-12). A copy of the first document without the
schema's first required key must be rejected, so that a schema that
accepts everything fails. Exit status 0 when all is well."""
import copy
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
docs = [(p, json.load(open(p))) for p in sys.argv[2:]]
if not docs:
    sys.exit("no documents given")
broken = copy.deepcopy(docs[0][1])
del broken[schema["required"][0]]
if v.is_valid(broken):
    sys.exit(f"FAIL: the schema accepts a document without '{schema['required'][0]}'")
bad = 0
for path, doc in docs:
    errs = list(v.iter_errors(doc))
    if errs:
        bad += 1
        print(f"FAIL {path}:")
        for e in errs[:10]:
            print("   ", "/".join(str(x) for x in e.absolute_path), e.message)
print(f"documents: {len(docs) - bad} valid, {bad} invalid")
sys.exit(1 if bad else 0)
