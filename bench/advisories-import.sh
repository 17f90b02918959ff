#!/usr/bin/env bash
# OSV import benchmark: `accord admin import-osv` on the shared fixture folder (21,874 real OSV
# records from eleven databases), into a fresh store and again into the same store (every record
# unchanged), against a baseline that only parses the same files: Python's `json.load` over every
# file. No peer tool that imports a local folder of OSV JSON into a store could be installed from
# PyPI, npm or crates.io for this run (see the section it writes), hence the baseline.
#
# Usage: bench/advisories-import.sh [--build]
#   env: ACCORD_BIN=target/release/accord, OSV_DIR=../shared/fixtures/osv (or $ACCORD_FIXTURES/osv),
#        RUNS=3 (timed runs of each; the median is reported), BENCH_KEEP=1 (keep the temporary folder)
# Writes its figures to bench/RESULTS.md (replacing this benchmark's previous section).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
invocation="bench/advisories-import.sh${1:+ $1}"
for v in ACCORD_BIN OSV_DIR RUNS; do
    if [ -n "${!v+set}" ]; then invocation="$v=${!v} $invocation"; fi
done
RUNS=${RUNS:-3}
bin=${ACCORD_BIN:-"$root/target/release/accord"}
osv_dir=${OSV_DIR:-"${ACCORD_FIXTURES:-$root/../shared/fixtures}/osv"}
case "${1:-}" in
    "" | --build) ;;
    *) echo "usage: bench/advisories-import.sh [--build]" >&2; exit 2 ;;
esac
command -v python3 >/dev/null || { echo "error: python3 is needed" >&2; exit 2; }
[ -d "$osv_dir" ] || { echo "error: no OSV fixture folder at $osv_dir (set OSV_DIR)" >&2; exit 2; }
if [ -z "${ACCORD_BIN:-}" ] && { [ "${1:-}" = "--build" ] || [ ! -x "$bin" ]; }; then
    cargo build --release --locked -p accord
fi
[ -x "$bin" ] || { echo "error: no accord binary at $bin" >&2; exit 2; }

tmp=$(mktemp -d)
cleanup() { if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
note() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
load=$(cut -d' ' -f1-3 /proc/loadavg)

files=$(find "$osv_dir" -name '*.json' | wc -l)
bytes=$(find "$osv_dir" -name '*.json' -printf '%s\n' | awk '{s+=$1} END {print s}')
# Warm the page cache so that every run reads the files from memory.
find "$osv_dir" -name '*.json' -print0 | xargs -0 cat >/dev/null

# Runs a command with /usr/bin/time, appending "seconds peak_kib" to $1.
timed() {
    local out=$1; shift
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; exit 1; }
    cat "$tmp/time" >>"$out"
}

for i in $(seq "$RUNS"); do
    note "run $i/$RUNS: accord import into a fresh store"
    rm -rf "$tmp/store"
    timed "$tmp/fresh" "$bin" admin --data "$tmp/store" import-osv "$osv_dir"
    grep -q "$files added" "$tmp/stderr" || { cat "$tmp/stderr" >&2; echo "error: not every record was added" >&2; exit 1; }
    note "run $i/$RUNS: accord import again (unchanged)"
    timed "$tmp/again" "$bin" admin --data "$tmp/store" import-osv "$osv_dir"
    grep -q "$files unchanged" "$tmp/stderr" || { cat "$tmp/stderr" >&2; echo "error: a re-import changed something" >&2; exit 1; }
    note "run $i/$RUNS: python3 json.load over every file"
    timed "$tmp/python" python3 -c '
import json, pathlib, sys
n = 0
for p in pathlib.Path(sys.argv[1]).rglob("*.json"):
    with open(p, "rb") as f:
        json.load(f)
    n += 1
print(n)' "$osv_dir"
done
db_bytes=$(stat -c %s "$tmp/store/accord.sqlite3")
wal_bytes=$(stat -c %s "$tmp/store/accord.sqlite3-wal" 2>/dev/null || echo 0)

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
cores=$(nproc)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit (working tree has changes)"
built=$(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC')
pyver=$(python3 -c 'import platform; print(platform.python_version())')
fs=$(stat -f -c %T "$tmp")
section=$(python3 - "$tmp" "$files" "$bytes" "$db_bytes" "$wal_bytes" <<PY
import statistics, sys
tmp, files, size, db, wal = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def runs(name):
    rows = [line.split() for line in open(f"{tmp}/{name}") if line.strip()]
    return statistics.median(float(r[0]) for r in rows), max(int(r[1]) for r in rows)
fresh, fresh_rss = runs("fresh")
again, again_rss = runs("again")
py, py_rss = runs("python")
rate = lambda s: f"{files / s:,.0f}"
print(f"""<!-- bench:advisories-import:start -->
## OSV import: \`accord admin import-osv\` vs a JSON-parsing baseline

$(date -u '+%Y-%m-%d %H:%M UTC'), $cores cores ($cpu); load average before the run $load.
Accord: \`${bin#$root/}\` built $built, checkout $commit; store on $fs. Python $pyver.
Command: \`$invocation\`; median of $RUNS runs each, page cache warm, whole processes timed
with \`/usr/bin/time\` (start-up, walking the folder, reading, parsing and checking every record,
SHA-256, each document compressed (zstd with a dictionary the import trains on 128 of
the files, as the store has none), one SQLite transaction committed with \`synchronous=FULL\`;
files are read and parsed on both cores while the writer inserts). A run ends when its transaction is durable in the WAL:
copying the WAL into the database file is left to the store's checkpointer thread (the server,
or the next process that opens the store), as it is for every write of the server.

Input: the shared fixture folder, {files:,} OSV JSON files, {size / 1e6:.1f} MB (11 databases:
RustSec, Go, PyPA, OSS-Fuzz, PSF, Bitnami, Julia, Haskell, R, GHSA).

| run | seconds | records/s | peak RSS |
|---|---:|---:|---:|
| Accord, fresh store (all added) | {fresh:.2f} | {rate(fresh)} | {fresh_rss / 1024:.0f} MiB |
| Accord, same data again (all unchanged) | {again:.2f} | {rate(again)} | {again_rss / 1024:.0f} MiB |
| baseline: \`python3\` \`json.load\` of every file (parse only, nothing stored) | {py:.2f} | {rate(py)} | {py_rss / 1024:.0f} MiB |

Target (issue 5): at least 20,000 advisories/s for the whole set: **{"met" if files / fresh >= 20000 else "not met"}**
with a fresh store. Store afterwards: database file {db / 1e6:.1f} MB, WAL {wal / 1e6:.1f} MB. Accord / baseline time ratio: {fresh / py:.2f} (fresh), {again / py:.2f} (again).

Peer: none. osv-scanner is a Go program, not published on PyPI, npm or crates.io; the PyPI
package list offered scanners that query osv.dev and \`appthreat-vulnerability-db\`, which
builds its own SQLite store from sources it downloads (whether it can read a local folder was
not checked for this run). The baseline above stands in: it parses the same files in Python
and stores nothing, so it is a lower bound for any importer written in Python.
<!-- bench:advisories-import:end -->""")
PY
)
results="$root/bench/RESULTS.md"
[ -f "$results" ] || printf '# Benchmark results\n\nEach section is written by the script it names; re-running a script replaces its section.\n' >"$results"
python3 - "$results" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
pattern = re.compile(r"<!-- bench:advisories-import:start -->.*?<!-- bench:advisories-import:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
echo "$section"
