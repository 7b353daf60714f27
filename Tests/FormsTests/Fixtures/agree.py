"""Validates samples against a JSON Schema with the `jsonschema` package (draft 2020-12).

Usage: python3 agree.py schema.json samples.json
samples.json is a list of {"name": ..., "data": ...}; prints one line per sample: name<TAB>valid|invalid.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for sample in json.load(open(sys.argv[2], encoding="utf-8")):
    ok = validator.is_valid(sample["data"])
    print(sample["name"] + "\t" + ("valid" if ok else "invalid"))
