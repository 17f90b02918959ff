#!/usr/bin/env bash
# accord scan against cargo-audit: whole processes, side by side in one run, on the real Cargo.lock
# files of the shared fixtures and the same day's RustSec data (its OSV export for Accord,
# cargo-audit's own format for cargo-audit); their findings compared. Then two 10,000-package
# CycloneDX SBOMs (typical and worst case, bench/scan_sboms.py) against every shared OSV record.
#
# Usage: bench/scan.sh [--build]
#   env: ACCORD_BIN=target/release/accord, CARGO_AUDIT=cargo-audit (installed with
#        `cargo install cargo-audit --locked` when missing), FIXTURES=../shared/fixtures, RUNS=5
# Writes its figures to bench/RESULTS.md (replacing this benchmark's previous section).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
invocation="bench/scan.sh${1:+ $1}"
RUNS=${RUNS:-5}
bin=${ACCORD_BIN:-"$root/target/release/accord"}
fixtures=${FIXTURES:-"${ACCORD_FIXTURES:-$root/../shared/fixtures}"}
case "${1:-}" in
    "" | --build) ;;
    *) echo "usage: bench/scan.sh [--build]" >&2; exit 2 ;;
esac
for d in "$fixtures/osv/rustsec" "$fixtures/rustsec-advisory-db" "$fixtures/lockfiles"; do
    [ -d "$d" ] || { echo "error: no $d (set FIXTURES)" >&2; exit 2; }
done
if [ -z "${ACCORD_BIN:-}" ] && { [ "${1:-}" = "--build" ] || [ ! -x "$bin" ]; }; then
    cargo build --release --locked -p accord
fi
audit=${CARGO_AUDIT:-cargo-audit}
if ! command -v "$audit" >/dev/null; then
    cargo install cargo-audit --locked
    audit="$HOME/.cargo/bin/cargo-audit"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
note() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
load=$(cut -d' ' -f1-3 /proc/loadavg)

note "building Accord's databases…"
"$bin" db import --db "$tmp/rustsec.db" "$fixtures/osv/rustsec" 2>"$tmp/import.log"
"$bin" db import --db "$tmp/all.db" "$fixtures/osv" 2>>"$tmp/import.log"

# Median wall seconds of RUNS runs of a command (its output kept from the last run in $1).
median() {
    local out=$1; shift
    local times=()
    for _ in $(seq "$RUNS"); do
        local s e
        s=$(date +%s.%N)
        "$@" >"$out" 2>"$tmp/stderr" || [ $? -eq 1 ] || { cat "$tmp/stderr" >&2; exit 1; }
        e=$(date +%s.%N)
        times+=("$(echo "$e - $s" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"
}

rows=""
for lock in "$fixtures"/lockfiles/*Cargo.lock; do
    name=$(basename "$lock")
    mkdir -p "$tmp/$name" && cp "$lock" "$tmp/$name/Cargo.lock"
    note "$name"
    a=$(median "$tmp/$name/accord.json" "$bin" scan --db "$tmp/rustsec.db" --format json "$tmp/$name/Cargo.lock")
    c=$(median "$tmp/$name/audit.json" "$audit" audit --db "$fixtures/rustsec-advisory-db" --no-fetch --stale \
        --file "$tmp/$name/Cargo.lock" --json)
    rows+="$name $a $c"$'\n'
done

note "two 10,000-package SBOMs against every shared record…"
python3 bench/scan_sboms.py "$fixtures/osv" "$fixtures/lockfiles" "$tmp/typical.cdx.json" "$tmp/worst.cdx.json"
typical=$(median "$tmp/typical.json" "$bin" scan --db "$tmp/all.db" --format json "$tmp/typical.cdx.json")
worst=$(median "$tmp/worst.json" "$bin" scan --db "$tmp/all.db" --format json "$tmp/worst.cdx.json")

python3 - "$root/bench/RESULTS.md" "$tmp" "$typical" "$worst" <<PY
import json, re, sys, glob, os
path, tmp, typical_s, worst_s = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
rows = [l.split() for l in """$rows""".strip().splitlines()]
lines = []
for name, a, c in rows:
    acc = json.load(open(f"{tmp}/{name}/accord.json"))
    aud = json.load(open(f"{tmp}/{name}/audit.json"))
    mine = {(f["package"]["name"], f["package"]["version"], f["advisory"]) for f in acc["findings"]}
    theirs = {(v["package"]["name"], v["package"]["version"], v["advisory"]["id"]) for v in aud["vulnerabilities"]["list"]}
    wm = {(f["package"]["name"], f["package"]["version"], f["advisory"]) for f in acc["warnings"]}
    wt = {(w["package"]["name"], w["package"]["version"], w["advisory"]["id"])
          for ws in aud.get("warnings", {}).values() for w in ws if w.get("advisory")}
    same = "same" if (mine, wm) == (theirs, wt) else f"differ: +{sorted(mine - theirs)[:3]} -{sorted(theirs - mine)[:3]} warnings +{sorted(wm - wt)[:3]} -{sorted(wt - wm)[:3]}"
    lines.append(f"| {name} | {float(a):.3f} | {float(c):.3f} | {float(c) / float(a):.1f}× | {len(mine)} / {len(theirs)} | {len(wm)} / {len(wt)} | {same} |")
typical = json.load(open(f"{tmp}/typical.json"))
worst = json.load(open(f"{tmp}/worst.json"))
verdict = "met" if typical_s < 0.1 else "not met"
section = f"""<!-- bench:scan:start -->
## \`accord scan\` vs cargo-audit

$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average before the run $load. Accord at checkout
$(git -C "$root" rev-parse --short HEAD), \`$("$audit" --version 2>/dev/null || echo cargo-audit)\`. Command: \`$invocation\`; median of $RUNS runs,
whole processes (start-up, reading the database, the lockfile, matching, JSON out). Data: the RustSec
database of the same day, as its OSV export for Accord (\`accord db import\`) and in cargo-audit's own
format (\`--db … --no-fetch --stale\`).

| lockfile | Accord s | cargo-audit s | ratio | findings (Accord / cargo-audit) | warnings | same answers |
|---|---:|---:|---:|---:|---:|---|
""" + "\n".join(lines) + f"""

Two CycloneDX SBOMs of 10,000 packages against all 21,874 shared records (\`bench/scan_sboms.py\`),
whole process:

| SBOM | ms | findings | warnings |
|---|---:|---:|---:|
| typical: every package the records name (crates.io, npm, PyPI, Go, Maven, RubyGems, NuGet, Packagist) past its newest fix, 300 of them at an affected version, the real Cargo.lock crates and requirements pins, the rest packages no advisory names | {typical_s * 1000:.0f} | {len(typical['findings'])} | {len(typical['warnings'])} |
| worst case: every package at a range boundary of some advisory | {worst_s * 1000:.0f} | {len(worst['findings'])} | {len(worst['warnings'])} |

Target (issue 6): a 10,000-package SBOM in under 100 ms on 2 cores: **{verdict}** with the typical SBOM.
<!-- bench:scan:end -->"""
text = open(path).read()
pattern = re.compile(r"<!-- bench:scan:start -->.*?<!-- bench:scan:end -->", re.S)
text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
print(section)
PY
