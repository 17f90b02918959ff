"""Reads STIX 2.1 objects, one JSON document per line, and prints for each one line: "ok" when
the OASIS reference library `stix2` accepts it without custom content (`allow_custom=False`) and,
for an indicator with a STIX pattern, `stix2-patterns` finds no error in the pattern; otherwise
"error: <reason>". Used as an oracle by the Rust test suite (the demo content must pass it)."""
import json
import sys

import stix2
from stix2patterns.validator import run_validator


def verdict(obj):
    stix2.parse(obj, allow_custom=False, version="2.1")
    if obj.get("type") == "indicator" and obj.get("pattern_type") == "stix":
        errors = run_validator(obj["pattern"], stix_version="2.1")
        if errors:
            return "error: pattern: " + "; ".join(errors)
    return "ok"


for line in sys.stdin:
    try:
        print(verdict(json.loads(line)))
    except Exception as e:  # the library raises many kinds; any of them is a refusal
        print("error: " + " ".join(str(e).split())[:300])
