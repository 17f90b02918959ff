"""The two 10,000-package CycloneDX SBOMs of bench/scan.sh.

Usage: scan_sboms.py OSV_FOLDER LOCKFILE_FOLDER TYPICAL_OUT WORST_OUT

typical: a project's SBOM as a scanner meets it. Every package that a shared record names in
  the ecosystems below, at a version past its newest fix (300 of them, chosen with a fixed seed,
  at a version their advisories affect), so every advisory of every such package has its
  ranges evaluated; the crates of the real Cargo.lock files and the pins of the real
  requirements files; the rest are packages that no advisory names (a company's own
  components), which still cost a look-up each.
worst: every package at a range boundary of some advisory (introduced, fixed or last affected
  versions), so most packages are affected by several advisories and the run is dominated by
  findings.
"""

import json
import os
import random
import re
import sys

PURL_TYPE = {
    "crates.io": "cargo",
    "npm": "npm",
    "PyPI": "pypi",
    "Go": "golang",
    "Maven": "maven",
    "RubyGems": "gem",
    "NuGet": "nuget",
    "Packagist": "composer",
}
SIZE = 10_000


def purl(kind, name, version):
    if kind == "maven":
        group, _, artifact = name.partition(":")
        return f"pkg:maven/{group}/{artifact}@{version}"
    if kind in ("golang", "npm", "composer"):
        return f"pkg:{kind}/{name.replace('@', '%40')}@{version}"
    return f"pkg:{kind}/{name}@{version}"


def version_key(v):
    return [int(x) if x.isdigit() else 0 for x in re.split(r"[.\-+]", v.lstrip("v"))]


class Sbom:
    def __init__(self):
        self.components, self.seen = [], set()

    def add(self, kind, name, version):
        p = purl(kind, name, version)
        if p not in self.seen and len(self.components) < SIZE:
            self.seen.add(p)
            self.components.append({"type": "library", "name": name, "version": version, "purl": p})

    def write(self, path):
        doc = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": self.components}
        with open(path, "w") as f:
            json.dump(doc, f)


def main():
    osv, lockfiles, typical_out, worst_out = sys.argv[1:5]
    packages = {}  # (purl type, name) -> (introduced versions, fixed versions)
    worst = Sbom()
    for folder, _, files in os.walk(osv):
        for file in sorted(files):
            if not file.endswith(".json"):
                continue
            with open(os.path.join(folder, file)) as f:
                record = json.load(f)
            for affected in record.get("affected") or []:
                package = affected.get("package") or {}
                kind = PURL_TYPE.get(package.get("ecosystem"))
                if not kind:
                    continue
                introduced, fixed = packages.setdefault((kind, package["name"]), (set(), set()))
                for r in affected.get("ranges") or []:
                    if r.get("type") == "GIT":
                        continue
                    for event in r.get("events") or []:
                        for what, version in event.items():
                            if version == "0" or what == "limit":
                                continue
                            (introduced if what == "introduced" else fixed).add(version)
                            worst.add(kind, package["name"], version)
    worst.write(worst_out)

    rng = random.Random(7)
    typical = Sbom()
    names = sorted(packages)
    affected_ones = set(rng.sample(range(len(names)), min(300, len(names))))
    for i, key in enumerate(names):
        introduced, fixed = packages[key]
        if i in affected_ones and introduced:
            typical.add(*key, min(introduced, key=version_key))
        elif fixed:
            typical.add(*key, max(fixed, key=version_key))
    for file in sorted(os.listdir(lockfiles)):
        path = os.path.join(lockfiles, file)
        if file.endswith("Cargo.lock"):
            with open(path) as f:
                for block in f.read().split("[[package]]")[1:]:
                    fields = dict(re.findall(r'^(name|version) = "([^"]+)"', block, re.M))
                    if "name" in fields and "version" in fields:
                        typical.add("cargo", fields["name"], fields["version"])
        elif file.endswith("requirements.txt"):
            with open(path) as f:
                for line in f:
                    m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
                    if m:
                        typical.add("pypi", m.group(1), m.group(2))
    n = 0
    while len(typical.components) < SIZE:
        typical.add("npm", f"internal-component-{n:05d}", f"1.{n % 17}.{n % 5}")
        n += 1
    typical.write(typical_out)


if __name__ == "__main__":
    main()
