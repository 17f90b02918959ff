#!/usr/bin/env bash
# TAXII 2.1 benchmark: Accord against medallion (the OASIS reference TAXII 2.1 server, memory
# back end) on the same machine, in the same run, with the same workload.
#
#   1. Ingest 20,000 STIX 2.1 indicators as 20 envelopes of 1,000 (POST …/objects/, one
#      keep-alive connection, each envelope timed until its status resource says complete).
#   2. A full paginated read (GET …/objects/?limit=1000, following `next` until `more` is false),
#      with a timeout: objects/s and page latencies.
#   3. Accord only: grow its store to SCALE_OBJECTS objects with POSTERS concurrent posters, then
#      the ingest rate over the run (flat?), a full read, pages at random positions
#      (`added_after`), and the server's peak RSS (VmHWM).
#
# Usage: bench/taxii.sh [--build]
#   env: SCALE_OBJECTS=1000000 (QUICK=1: 100000), POSTERS=3, SCALE_DEADLINE=600 (seconds of
#        scaled ingest at most), READ_TIMEOUT=120 (seconds per full read of 20,000 objects),
#        INGEST_TIMEOUT=600 (seconds for medallion's 20,000 objects), RANDOM_PAGES=100,
#        MEDALLION_PROBE="1000 2000" (collection sizes at which a fresh medallion's first page is
#        timed; empty to skip), MEDALLION_VERSION=3.0.0, MEDALLION_VENV=bench/.venv,
#        ACCORD_BIN=target/release/accord, BENCH_KEEP=1 (keep the temporary folder)
# Writes its figures to bench/RESULTS.md (replacing this benchmark's previous section).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
invocation="bench/taxii.sh${1:+ $1}"
for v in ACCORD_BIN QUICK SCALE_OBJECTS POSTERS SCALE_DEADLINE READ_TIMEOUT INGEST_TIMEOUT RANDOM_PAGES MEDALLION_PROBE MEDALLION_VERSION MEDALLION_VENV; do
    if [ -n "${!v+set}" ]; then invocation="$v=${!v} $invocation"; fi
done
if [ -n "${QUICK:-}" ]; then SCALE_OBJECTS=${SCALE_OBJECTS:-100000}; fi
SCALE_OBJECTS=${SCALE_OBJECTS:-1000000}
POSTERS=${POSTERS:-3}
SCALE_DEADLINE=${SCALE_DEADLINE:-600}
READ_TIMEOUT=${READ_TIMEOUT:-120}
INGEST_TIMEOUT=${INGEST_TIMEOUT:-600}
RANDOM_PAGES=${RANDOM_PAGES:-100}
MEDALLION_PROBE=${MEDALLION_PROBE-"1000 2000"}
MEDALLION_VERSION=${MEDALLION_VERSION:-3.0.0}
venv=${MEDALLION_VENV:-"$root/bench/.venv"}
bin=${ACCORD_BIN:-"$root/target/release/accord"}
BASE_OBJECTS=20000   # the side-by-side workload: 20 envelopes of 1,000
BATCH=1000

case "${1:-}" in
    "" | --build) ;;
    *) echo "usage: bench/taxii.sh [--build]" >&2; exit 2 ;;
esac
[ "$SCALE_OBJECTS" -ge "$BASE_OBJECTS" ] || { echo "error: SCALE_OBJECTS must be at least $BASE_OBJECTS" >&2; exit 2; }
for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 2; }
done
if [ ! -x "$venv/bin/medallion" ] || [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("medallion"))' 2>/dev/null)" != "$MEDALLION_VERSION" ]; then
    echo "installing medallion $MEDALLION_VERSION into $venv…" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "medallion==$MEDALLION_VERSION"
fi
if [ -z "${ACCORD_BIN:-}" ] && { [ "${1:-}" = "--build" ] || [ ! -x "$bin" ]; }; then
    cargo build --release --locked -p accord
fi
[ -x "$bin" ] || { echo "error: no accord binary at $bin" >&2; exit 2; }

tmp=$(mktemp -d)
accord_pid=""
medallion_pid=""
cleanup() {
    for p in "$accord_pid" "$medallion_pid"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
if [ -n "${BENCH_DEBUG:-}" ]; then set -x; fi

driver() { python3 "$root/bench/taxii_driver.py" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"v": v}))' "$@"; }
note() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
taxii_accept='Accept: application/taxii+json;version=2.1'

# --- Accord -----------------------------------------------------------------------------------
token="bench-admin-token-0123456789"
ACCORD_BOOTSTRAP_TOKEN=$token ACCORD_LOG=warn "$bin" serve --demo --data "$tmp/accord-data" \
    --listen 127.0.0.1:0 2>"$tmp/accord.log" &
accord_pid=$!
accord=""
for _ in $(seq 1 200); do
    accord=$(sed -n 's|^Accord is listening on \(http://[^/]*\)/$|\1|p' "$tmp/accord.log")
    [ -n "$accord" ] && break
    sleep 0.05
done
[ -n "$accord" ] || { echo "error: accord did not start:" >&2; cat "$tmp/accord.log" >&2; exit 2; }
accord_auth="Basic $(printf 'bench:%s' "$token" | base64)"   # any user name, the token as password
curl -sf -H "Authorization: $accord_auth" -H "$taxii_accept" "$accord/taxii2/accord/collections/" >"$tmp/collections.json"
accord_collection=$(json "$tmp/collections.json" \
    '[c["id"] for c in v["collections"] if c["title"] == "Signatories only"][0]')
accord_args=(--base "$accord/taxii2" --root accord --collection "$accord_collection" --auth "$accord_auth")

# --- medallion (memory back end, loaded from a JSON file) --------------------------------------
medallion_auth="Basic $(printf 'bench:bench-password' | base64)"
medallion_collection="2f7c1c4e-9a3b-4d1e-8c55-6b0f3e2a1d90"
# start_medallion NAME: a fresh medallion with an empty writable collection; sets $medallion
start_medallion() {
    local dir="$tmp/$1" port
    mkdir -p "$dir"
    port=$(free_port)
    cat >"$dir/data.json" <<JSON
{"/discovery": {"title": "medallion (bench)", "description": "memory back end",
                "default": "http://127.0.0.1:$port/bench/", "api_roots": ["http://127.0.0.1:$port/bench/"]},
 "bench": {"information": {"title": "bench", "description": "bench API root",
                           "versions": ["application/taxii+json;version=2.1"], "max_content_length": 104857600},
           "status": [],
           "collections": [{"id": "$medallion_collection", "title": "bench", "description": "writable",
                            "can_read": true, "can_write": true,
                            "media_types": ["application/stix+json;version=2.1"],
                            "objects": [], "manifest": []}]}}
JSON
    cat >"$dir/config.json" <<JSON
{"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
             "filename": "$dir/data.json"},
 "users": {"bench": "bench-password"},
 "taxii": {"max_page_size": $BATCH}}
JSON
    "$venv/bin/medallion" --host 127.0.0.1 --port "$port" --log-level WARN "$dir/config.json" >"$dir/medallion.log" 2>&1 &
    medallion_pid=$!
    medallion="http://127.0.0.1:$port"
    for _ in $(seq 1 200); do
        curl -sf -H "Authorization: $medallion_auth" -H "$taxii_accept" "$medallion/bench/collections/$medallion_collection/" -o /dev/null && return 0
        sleep 0.05
    done
    echo "error: medallion did not start:" >&2; cat "$dir/medallion.log" >&2; exit 2
}
# stop_medallion: medallion keeps computing a request whose client gave up, so stop it at once
stop_medallion() {
    kill "$medallion_pid" 2>/dev/null || true
    wait "$medallion_pid" 2>/dev/null || true
    medallion_pid=""
}
start_medallion medallion
medallion_args=(--base "$medallion" --root bench --collection "$medallion_collection" --auth "$medallion_auth")

# --- 1 and 2: the same workload on both ------------------------------------------------------
load=$(cut -d' ' -f1-3 /proc/loadavg)
note "ingest: $BASE_OBJECTS objects into Accord…"
driver proc --pid "$accord_pid" >"$tmp/a-proc0.json"
driver ingest "${accord_args[@]}" --count $BASE_OBJECTS --batch $BATCH >"$tmp/a-ingest.json"
driver proc --pid "$accord_pid" >"$tmp/a-proc1.json"
note "ingest: $BASE_OBJECTS objects into medallion…"
driver proc --pid "$medallion_pid" >"$tmp/m-proc0.json"
driver ingest "${medallion_args[@]}" --count $BASE_OBJECTS --batch $BATCH --deadline "$INGEST_TIMEOUT" >"$tmp/m-ingest.json"
driver proc --pid "$medallion_pid" >"$tmp/m-proc1.json"
note "full read of Accord's collection…"
driver read "${accord_args[@]}" --limit $BATCH --timeout "$READ_TIMEOUT" >"$tmp/a-read.json"
driver proc --pid "$accord_pid" >"$tmp/a-proc2.json"
note "full read of medallion's collection (timeout ${READ_TIMEOUT}s)…"
driver read "${medallion_args[@]}" --limit $BATCH --timeout "$READ_TIMEOUT" >"$tmp/m-read.json"
driver proc --pid "$medallion_pid" >"$tmp/m-proc2.json"
stop_medallion

# medallion's first page on small collections (a fresh server, no other object in memory)
: >"$tmp/m-probe.jsonl"
if [ -n "$MEDALLION_PROBE" ]; then
    start_medallion medallion-probe
    medallion_args=(--base "$medallion" --root bench --collection "$medallion_collection" --auth "$medallion_auth")
    have=0
    for size in $MEDALLION_PROBE; do
        note "medallion: first page of a $size-object collection…"
        driver ingest "${medallion_args[@]}" --start $have --count $((size - have)) --batch $BATCH >/dev/null
        have=$size
        driver read "${medallion_args[@]}" --limit $BATCH --timeout "$READ_TIMEOUT" \
            | python3 -c 'import json,sys; r=json.load(sys.stdin); r["size"]=int(sys.argv[1]); print(json.dumps(r))' "$size" \
            >>"$tmp/m-probe.jsonl"
        if [ "$(tail -1 "$tmp/m-probe.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["timed_out"])')" = True ]; then
            break   # larger sizes would only take longer
        fi
    done
    stop_medallion
fi

# --- 3: Accord at scale ------------------------------------------------------------------------
note "growing Accord's collection to $SCALE_OBJECTS objects ($POSTERS posters, at most ${SCALE_DEADLINE}s)…"
driver proc --pid "$accord_pid" >"$tmp/s-proc0.json"
driver ingest "${accord_args[@]}" --start $BASE_OBJECTS --count $((SCALE_OBJECTS - BASE_OBJECTS)) \
    --batch $BATCH --posters "$POSTERS" --deadline "$SCALE_DEADLINE" --windows 10 >"$tmp/s-ingest.json"
driver proc --pid "$accord_pid" >"$tmp/s-proc1.json"
note "full read of Accord's collection at scale…"
driver read "${accord_args[@]}" --limit $BATCH --timeout $((READ_TIMEOUT * 10)) --dates "$tmp/dates" >"$tmp/s-read.json"
driver proc --pid "$accord_pid" >"$tmp/s-proc2.json"
note "$RANDOM_PAGES pages at random positions (added_after)…"
driver pages "${accord_args[@]}" --limit $BATCH --dates "$tmp/dates" --count "$RANDOM_PAGES" >"$tmp/s-pages.json"
driver proc --pid "$accord_pid" >"$tmp/s-proc3.json"
ls -l "$tmp/accord-data" >"$tmp/accord-files" 2>/dev/null || true
db_bytes=$(du -sb "$tmp/accord-data" | cut -f1)

# --- RESULTS.md ----------------------------------------------------------------------------------
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit (working tree has changes)"
built=$(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC')
pyver=$("$venv/bin/python" -c 'import platform; print(platform.python_version())')
flaskver=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("flask"), m.version("werkzeug"))')
export tmp root bin commit built load cpu pyver flaskver invocation db_bytes \
    SCALE_OBJECTS POSTERS SCALE_DEADLINE READ_TIMEOUT INGEST_TIMEOUT RANDOM_PAGES MEDALLION_VERSION BASE_OBJECTS BATCH
section=$(python3 "$root/bench/taxii_report.py")
results="$root/bench/RESULTS.md"
[ -f "$results" ] || printf '# Benchmark results\n\nEach section is written by the script it names; re-running a script replaces its section.\n' >"$results"
python3 - "$results" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
pattern = re.compile(r"<!-- bench:taxii:start -->.*?<!-- bench:taxii:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
echo "$section"
