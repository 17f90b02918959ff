"""The reference answers for STIX 2.1 patterns, used as an oracle by accord-pattern's tests.

Reads JSON lines on stdin. A line {"pattern": P} asks whether the OASIS validator
(`stix2-patterns`, STIX 2.1) accepts P; the answer is "valid" or "invalid". A line
{"pattern": P, "objects": [...]} asks whether the OASIS matcher (`stix2-matcher`, STIX 2.1 mode)
matches P against those objects (observed-data and the objects they refer to, as in a bundle);
the answer is "match", "nomatch" or "error: <reason>" when the matcher refuses the pattern or
the data. When the reference itself fails (an exception that is not one of its refusals: a
KeyError, an AttributeError, ...) the answer is "crash: <reason>": it has no answer for that case.

One answer per line, in order.
"""
import json
import re
import sys

from stix2matcher.matcher import MatcherException, match
from stix2patterns.exceptions import ParseException
from stix2patterns.validator import validate

# What the reference raises on purpose for invalid patterns or data (binascii.Error and
# UnicodeDecodeError are ValueErrors).
REFUSALS = (MatcherException, ParseException, ValueError, re.error)


def one_line(e):
    return type(e).__name__ + ": " + " ".join(str(e).split())[:300]


def answer(case):
    pattern = case["pattern"]
    if "objects" not in case:
        try:
            return "valid" if validate(pattern, stix_version="2.1") else "invalid"
        except Exception as e:  # noqa: BLE001 -- any exception is the validator failing
            return "crash: " + one_line(e)
    bundle = {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": case["objects"]}
    try:
        return "match" if match(pattern, [bundle], stix_version="2.1") else "nomatch"
    except REFUSALS as e:
        # Combining EXISTS with another test on one observation makes the matcher merge a dict
        # with a set: a failure of the matcher, not a refusal.
        if "dictionary update sequence" in str(e):
            return "crash: " + one_line(e)
        return "error: " + one_line(e)
    except Exception as e:  # noqa: BLE001 -- anything else is the matcher failing
        return "crash: " + one_line(e)


for line in sys.stdin:
    if line.strip():
        print(answer(json.loads(line)), flush=False)
