"""Reads STIX objects, one JSON document per line, and prints for each one line:
"ok" when the OASIS reference library `stix2` accepts it, or "error: <reason>" when it refuses.
Used as an oracle by the Rust test suite."""
import json
import sys

import stix2

for line in sys.stdin:
    try:
        stix2.parse(json.loads(line), allow_custom=True, version="2.1")
        print("ok")
    except Exception as e:  # the library raises many kinds; any of them is a refusal
        print("error: " + " ".join(str(e).split())[:300])
