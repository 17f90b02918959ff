"""Reference findings for Python lockfiles, computed with the `packaging` library.

Usage: pypi_reference.py OSV_FOLDER LOCKFILE...

Reads every OSV record under OSV_FOLDER (recursively) that names a `PyPI` package, reads the
pinned packages of each LOCKFILE on its own (`requirements.txt` pins with
`packaging.requirements`, `uv.lock` with `tomllib`), and evaluates the records' `ECOSYSTEM`
ranges with `packaging.version` as the OSV schema's pseudo-code does: events in version order,
`introduced` opens, `fixed` closes at the version, `last_affected` closes after it; a version in
an entry's `versions` list is affected too. Withdrawn records are left out. Names are compared
in their PEP 503 normal form.

Prints one JSON object: `findings` as [file name, normalized package, version, advisory id]
lists, sorted, and `unreadable`: the range versions `packaging` could not read, with their
record, so a test can tell what this reference does not judge.
"""

import json
import os
import sys
import tomllib

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version


def records(root):
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                try:
                    record = json.load(f)
                except ValueError:
                    continue
            if isinstance(record, dict) and "id" in record:
                yield record


def requirements_pins(path):
    pins = []
    with open(path, encoding="utf-8") as f:
        logical = ""
        for raw in f:
            line = raw.rstrip("\n")
            if line.endswith("\\"):
                logical += line[:-1] + " "
                continue
            logical += line
            text, logical = logical, ""
            # A comment starts at a `#` at the line's start or after whitespace.
            for i, c in enumerate(text):
                if c == "#" and (i == 0 or text[i - 1].isspace()):
                    text = text[:i]
                    break
            text = text.strip()
            if not text or text.startswith("-"):
                continue
            # Options after the requirement (`--hash=…`) are not part of it.
            text = text.split(" --", 1)[0].strip()
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            specs = list(req.specifier)
            if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
                pins.append((req.name, specs[0].version))
    return pins


def uv_lock_pins(path):
    with open(path, "rb") as f:
        lock = tomllib.load(f)
    pins = []
    for package in lock.get("package", []):
        if "registry" in package.get("source", {}) and "version" in package:
            pins.append((package["name"], package["version"]))
    return pins


def affected_by_ranges(version, ranges, record_id, unreadable):
    for r in ranges:
        if r.get("type") != "ECOSYSTEM":
            continue
        events = []
        readable = True
        for event in r.get("events", []):
            (kind, value), = event.items()
            if kind == "limit":
                continue
            if kind == "introduced" and value == "0":
                events.append((None, 0, kind))
                continue
            try:
                events.append((Version(value), 1, kind))
            except InvalidVersion:
                unreadable.add((record_id, value))
                readable = False
        if not readable:
            continue
        # "0" sorts first; at one version an opening comes before a closing.
        events.sort(key=lambda e: (e[1], e[0] if e[0] is not None else Version("0"), e[2] != "introduced"))
        vulnerable = False
        for at, _, kind in events:
            if kind == "introduced" and (at is None or version >= at):
                vulnerable = True
            elif kind == "fixed" and version >= at:
                vulnerable = False
            elif kind == "last_affected" and version > at:
                vulnerable = False
        if vulnerable:
            return True
    return False


def main():
    root, lockfiles = sys.argv[1], sys.argv[2:]
    by_name = {}
    for record in records(root):
        if record.get("withdrawn"):
            continue
        for entry in record.get("affected", []):
            package = entry.get("package", {})
            if package.get("ecosystem") == "PyPI":
                by_name.setdefault(canonicalize_name(package["name"]), []).append((record["id"], entry))

    findings = set()
    unreadable = set()
    for path in lockfiles:
        name = os.path.basename(path)
        pins = uv_lock_pins(path) if name.endswith("uv.lock") else requirements_pins(path)
        for package, version in pins:
            canonical = canonicalize_name(package)
            entries = by_name.get(canonical, [])
            try:
                parsed = Version(version)
            except InvalidVersion:
                parsed = None
            for record_id, entry in entries:
                hit = version in entry.get("versions", [])
                if not hit and parsed is not None:
                    hit = affected_by_ranges(parsed, entry.get("ranges", []), record_id, unreadable)
                if hit:
                    findings.add((name, canonical, version, record_id))

    json.dump({"findings": sorted(findings), "unreadable": sorted(unreadable)}, sys.stdout)


if __name__ == "__main__":
    main()
