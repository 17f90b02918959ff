#!/usr/bin/env bash
# OSV query API benchmark: POST /v1/querybatch with 1,000 queries per batch against a store of
# more than 100,000 imported advisories (the 21,874 real records of the shared fixtures and
# renamed copies of them: distinct ids and package names, the same real ranges), asking the
# boundary versions (introduced, fixed, last_affected) of every package. Measures queries/s and
# the latency of a batch over keep-alive connections, driven by wrk (bench/osv_query.lua) with
# request bodies written in advance, so the client costs little of the two cores; the first
# batch, which builds the server's index, is timed apart, and a short Python pass checks and
# counts the answers. No peer runs here: the public OSV service is not reachable
# and osv-scanner is not installable from the registries this machine has (see RESULTS.md).
#
# Usage: bench/osv-query.sh [--build]
#   env: ACCORD_BIN=target/release/accord, OSV_DIR=../shared/fixtures/osv, COPIES=5,
#        CLIENTS=2, DURATION=15 (seconds), BENCH_KEEP=1
# Writes its figures to bench/RESULTS.md (replacing this benchmark's previous section).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
invocation="bench/osv-query.sh${1:+ $1}"
for v in ACCORD_BIN OSV_DIR COPIES CLIENTS DURATION; do
    if [ -n "${!v+set}" ]; then invocation="$v=${!v} $invocation"; fi
done
COPIES=${COPIES:-5}
CLIENTS=${CLIENTS:-2}
DURATION=${DURATION:-15}
bin=${ACCORD_BIN:-"$root/target/release/accord"}
osv_dir=${OSV_DIR:-"${ACCORD_FIXTURES:-$root/../shared/fixtures}/osv"}
case "${1:-}" in
    "" | --build) ;;
    *) echo "usage: bench/osv-query.sh [--build]" >&2; exit 2 ;;
esac
[ -d "$osv_dir" ] || { echo "error: no OSV fixture folder at $osv_dir (set OSV_DIR)" >&2; exit 2; }
if [ -z "${ACCORD_BIN:-}" ] && { [ "${1:-}" = "--build" ] || [ ! -x "$bin" ]; }; then
    cargo build --release --locked -p accord
fi
[ -x "$bin" ] || { echo "error: no accord binary at $bin" >&2; exit 2; }
command -v wrk >/dev/null || { echo "error: wrk is needed (apt-get install wrk)" >&2; exit 2; }

tmp=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
note() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
driver() { python3 "$root/bench/osv_query_driver.py" "$@"; }
load=$(cut -d' ' -f1-3 /proc/loadavg)

note "making the data set ($COPIES copies of every record)…"
driver make-set --src "$osv_dir" --out "$tmp/set" --copies "$COPIES" --queries "$tmp/queries.json" >"$tmp/set.json"
records=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$tmp/set.json")
note "importing $records records…"
start=$(date +%s.%N)
"$bin" admin --data "$tmp/store" import-osv "$tmp/set" 2>"$tmp/import.log" || { cat "$tmp/import.log" >&2; exit 1; }
import_s=$(python3 -c "import sys; print(round($(date +%s.%N) - $start, 1))")

ACCORD_LOG=warn "$bin" serve --data "$tmp/store" --listen 127.0.0.1:0 2>"$tmp/serve.log" &
pid=$!
base=""
for _ in $(seq 1 400); do
    base=$(sed -n 's|^Accord is listening on \(http://[^/]*\)/$|\1|p' "$tmp/serve.log")
    [ -n "$base" ] && break
    sleep 0.05
done
[ -n "$base" ] || { cat "$tmp/serve.log" >&2; exit 2; }
note "first batch (builds the index)…"
first=$(python3 - "$base" "$tmp/queries.json" <<'PY'
import http.client, json, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1]); q = json.load(open(sys.argv[2]))[:1000]
c = http.client.HTTPConnection(u.hostname, u.port, timeout=600); t = time.monotonic()
c.request("POST", "/v1/querybatch", json.dumps({"queries": q}), {"Content-Type": "application/json"})
r = c.getresponse(); r.read(); assert r.status == 200, r.status
print(round(time.monotonic() - t, 2))
PY
)
note "checking answers for 3 s (Python client)…"
driver drive --base "$base" --queries "$tmp/queries.json" --clients 1 --duration 3 >"$tmp/check.json"
driver bodies --queries "$tmp/queries.json" --out "$tmp/bodies.txt" --batches 292
note "driving /v1/querybatch for ${DURATION}s with wrk, $CLIENTS connections…"
OSV_BODIES="$tmp/bodies.txt" wrk -t"$CLIENTS" -c"$CLIENTS" -d"${DURATION}s" --latency -s "$root/bench/osv_query.lua" "$base" >"$tmp/wrk.txt"
python3 - "$tmp/wrk.txt" "$tmp/check.json" >"$tmp/drive.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
check = json.load(open(sys.argv[2]))
def ms(v, unit):
    return round(float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 1)
pct = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
if bad:
    sys.exit(f"{bad.group(1)} answers were not 200")
mx = re.search(r"Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s)", text)
print(json.dumps({"queries_per_s": round(rps * 1000), "p50_ms": pct["50"], "p95_ms": pct.get("90"),
                  "p99_ms": pct.get("99"), "max_ms": ms(*mx.groups()),
                  "answers_with_advisories": check["answers_with_advisories"], "queries": check["queries"]}))
PY
rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

python3 - "$root/bench/RESULTS.md" "$tmp/drive.json" "$tmp/set.json" <<PY
import json, re, sys
path, drive, made = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
qps = drive["queries_per_s"]
met = lambda ok: "**met**" if ok else "**not met**"
section = f"""<!-- bench:osv-query:start -->
## OSV query API: \`POST /v1/querybatch\`

$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average before the run $load. Accord \`$(basename "$bin")\` at
checkout $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), SQLite store. Command: \`$invocation\`.

Data: {made['records']:,} imported records: the {made['records'] // $COPIES:,} real records of the shared fixtures and
$(($COPIES - 1)) renamed copies of each (distinct ids and package names, the same real ranges); import took ${import_s} s.
Queries: {made['queries']:,} package versions, every \`introduced\`, \`fixed\` and \`last_affected\` version of every
SEMVER or ECOSYSTEM range, shuffled, written in advance as 292 request bodies of 1,000; \`wrk\` posts
them in turn over $CLIENTS keep-alive connections for ${DURATION} s (\`bench/osv_query.lua\`); client and server
share the cores. A 3 s pass of the Python client (\`bench/osv_query_driver.py\`) checks the answers first.

| figure | Accord |
|---|---:|
| queries/s | **{qps:,}** |
| batch of 1,000: p50 / p90 / p99 / max ms | {drive['p50_ms']} / {drive['p95_ms']} / {drive['p99_ms']} / {drive['max_ms']} |
| first batch after start (builds the index from the store) | ${first} s |
| answers naming at least one advisory (Python check pass) | {drive['answers_with_advisories']:,} of {drive['queries']:,} |
| server peak RSS (VmHWM) | {int("$rss") // 1024} MiB |

| target (issue 5) | measured | |
|---|---|---|
| ≥ 50,000 queries/s on 2 cores | {qps:,} | {met(qps >= 50000)} |
| p50 < 20 ms per batch of 1,000 | {drive['p50_ms']} ms | {met(drive['p50_ms'] < 20)} |

No peer ran: the public OSV service (\`api.osv.dev\`) is not reachable from this machine, and
osv-scanner, whose offline mode answers the same question, is a Go program that none of the
registries here (crates.io, PyPI, npm, Debian) ships.
<!-- bench:osv-query:end -->"""
text = open(path).read()
pattern = re.compile(r"<!-- bench:osv-query:start -->.*?<!-- bench:osv-query:end -->", re.S)
text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
print(section)
PY
