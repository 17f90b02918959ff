#!/usr/bin/env bash
# accord hunt against grep -F -f, and the pattern evaluator against stix2-matcher, in one run on
# the same generated data (bench/hunt_data.py, seeded).
#
# 1. 100,000 indicators (40,000 IPv4, 40,000 domains, 20,000 SHA-256) as a STIX bundle for
#    `accord hunt` and as a list of values for `grep -F -f`, over HUNT_MB (default 1000) MB of
#    combined access logs and ECS JSON lines with planted indicator values and near misses
#    (values that contain an indicator as a substring). Matching lines of each are compared
#    with the planted truth: what grep finds beyond it are substring false positives.
# 2. 20 patterns of every operator kind over HUNT_EVENTS (default 200,000) events: `accord hunt`
#    on the events as ECS JSON lines, and `stix2-matcher` (Python, STIX 2.1 mode) on the same
#    events as observed-data bundles, timed on the first HUNT_PY_EVENTS (default 2,000) of them;
#    evaluations per second compared, and the answers compared on the events both evaluated.
#
# Usage: bench/hunt.sh [--build]
#   env: ACCORD_BIN=target/release/accord, ACCORD_PYTHON (a python with stix2-matcher; default
#        .venv/bin/python), HUNT_MB=1000, HUNT_EVENTS=200000, HUNT_PY_EVENTS=2000, TMPDIR
# Writes its figures to bench/RESULTS.md (replacing this benchmark's previous section).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
invocation="bench/hunt.sh${1:+ $1}"
bin=${ACCORD_BIN:-"$root/target/release/accord"}
python=${ACCORD_PYTHON:-"$root/.venv/bin/python"}
HUNT_MB=${HUNT_MB:-1000}
HUNT_EVENTS=${HUNT_EVENTS:-200000}
HUNT_PY_EVENTS=${HUNT_PY_EVENTS:-2000}
case "${1:-}" in
    "" | --build) ;;
    *) echo "usage: bench/hunt.sh [--build]" >&2; exit 2 ;;
esac
if [ -z "${ACCORD_BIN:-}" ] && { [ "${1:-}" = "--build" ] || [ ! -x "$bin" ]; }; then
    cargo build --release --locked -p accord
fi
"$python" -c 'import stix2matcher' 2>/dev/null || {
    echo "error: $python has no stix2-matcher (python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt, or set ACCORD_PYTHON)" >&2
    exit 2
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
note() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
load=$(cut -d' ' -f1-3 /proc/loadavg)
# wall seconds of a command, its stdout to $1 (exit 1, "found something", is fine)
timed() {
    local out=$1; shift
    local s e
    s=$(date +%s.%N)
    "$@" >"$out" 2>"$tmp/stderr" || [ $? -eq 1 ] || { cat "$tmp/stderr" >&2; exit 1; }
    e=$(date +%s.%N)
    echo "$e - $s" | bc -l
}

note "generating $HUNT_MB MB of logs and 100,000 indicators…"
python3 bench/hunt_data.py logs "$tmp" "$HUNT_MB"
bytes=$(( $(stat -c %s "$tmp/access.log") + $(stat -c %s "$tmp/events.jsonl") ))
# warm the page cache for both
cat "$tmp/access.log" "$tmp/events.jsonl" >/dev/null

note "accord hunt…"
accord_s=$(timed "$tmp/accord.out" "$bin" hunt --indicators "$tmp/iocs.json" --output json "$tmp/access.log" "$tmp/events.jsonl")
cp "$tmp/stderr" "$tmp/accord.stderr"
note "grep -F -f…"
grep_s=$(timed "$tmp/grep.out" env LC_ALL=C grep -F -n -H -f "$tmp/iocs.txt" "$tmp/access.log" "$tmp/events.jsonl")
# accord alone on the access logs (the text-log rate)
access_bytes=$(stat -c %s "$tmp/access.log")
access_s=$(timed "$tmp/accord-access.out" "$bin" hunt --indicators "$tmp/iocs.json" --output json "$tmp/access.log")

note "patterns: generating $HUNT_EVENTS events…"
python3 bench/hunt_data.py patterns "$tmp" "$HUNT_EVENTS"
eval_s=$(timed "$tmp/eval.out" "$bin" hunt --indicators "$tmp/patterns.json" --output json "$tmp/observed-events.jsonl")
note "stix2-matcher on $HUNT_PY_EVENTS events…"
"$python" - "$tmp" "$HUNT_PY_EVENTS" >"$tmp/py.out" <<'PY'
import json, sys, time
from stix2matcher.matcher import match
tmp, n = sys.argv[1], int(sys.argv[2])
patterns = [l.rstrip("\n") for l in open(f"{tmp}/patterns.txt")]
bundles = []
with open(f"{tmp}/observed.jsonl") as f:
    for i, line in enumerate(f):
        if i == n:
            break
        bundles.append(json.loads(line))
hits = []
start = time.perf_counter()
for e, b in enumerate(bundles):
    for p, pattern in enumerate(patterns):
        if match(pattern, [b], stix_version="2.1"):
            hits.append((p, e + 1))
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "evaluations": len(bundles) * len(patterns), "hits": hits}))
PY

python3 - "$root/bench/RESULTS.md" "$tmp" "$bytes" "$accord_s" "$grep_s" "$access_bytes" "$access_s" "$eval_s" "$HUNT_EVENTS" <<PY
import json, re, sys
path, tmp = sys.argv[1], sys.argv[2]
nbytes, accord_s, grep_s = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
access_bytes, access_s, eval_s, events = int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
name = lambda p: p.rsplit("/", 1)[-1]
truth = {tuple(l.split()) for l in open(f"{tmp}/truth.txt") if l.strip()}
truth = {(f, int(n)) for f, n in truth}
accord = set()
for l in open(f"{tmp}/accord.out"):
    v = json.loads(l)
    accord.add((name(v["file"]), v["line"]))
grep = set()
for l in open(f"{tmp}/grep.out", errors="replace"):
    f, n, _ = l.split(":", 2)
    grep.add((name(f), int(n)))
mb = nbytes / 1e6
a_rate, g_rate, t_rate = mb / accord_s, mb / grep_s, access_bytes / 1e6 / access_s
py = json.load(open(f"{tmp}/py.out"))
py_rate = py["evaluations"] / py["seconds"]
patterns = sum(1 for _ in open(f"{tmp}/patterns.txt"))
a_evals = events * patterns / eval_s
n_py = py["evaluations"] // patterns
mine = set()
for l in open(f"{tmp}/eval.out"):
    v = json.loads(l)
    if v["line"] <= n_py:
        mine.add((int(v["indicator"].rsplit("-", 1)[-1]), v["line"]))
theirs = {(p, e) for p, e in py["hits"]}
agree = "the same" if mine == theirs else f"different: {len(mine - theirs)} only Accord, {len(theirs - mine)} only stix2-matcher"
met = lambda ok: "met" if ok else "not met"
section = f"""<!-- bench:hunt:start -->
## \`accord hunt\` vs \`grep -F -f\`, pattern evaluation vs stix2-matcher

$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average before the run $load. Accord at checkout
$(git -C "$root" rev-parse --short HEAD), \`$(grep --version | head -1)\`, stix2-matcher $("$python" -c 'import importlib.metadata as m; print(m.version("stix2-matcher"))').
Command: \`$invocation\` with HUNT_MB=$HUNT_MB (one run; whole processes, files in the page cache).

100,000 indicators (40,000 IPv4, 40,000 domains, 20,000 SHA-256; \`bench/hunt_data.py\`) over
{mb:.0f} MB of generated logs ({access_bytes / 1e6:.0f} MB combined access log, {(nbytes - access_bytes) / 1e6:.0f} MB ECS JSON lines)
holding {len(truth)} planted indicator values and as many near misses (\`110.2.3.45\` for \`10.2.3.4\`,
\`notevil.com\` for \`evil.com\`, a longer hex string):

| | seconds | MB/s | matching lines | planted found | beyond the planted lines |
|---|---:|---:|---:|---:|---:|
| \`accord hunt --indicators iocs.json\` | {accord_s:.2f} | {a_rate:.0f} | {len(accord)} | {len(truth & accord)} / {len(truth)} | {len(accord - truth)} |
| \`grep -F -f iocs.txt\` (LC_ALL=C) | {grep_s:.2f} | {g_rate:.0f} | {len(grep)} | {len(truth & grep)} / {len(truth)} | {len(grep - truth)} (substring false positives) |

Ratio: \`accord hunt\` is **{grep_s / accord_s:.1f}×** the speed of \`grep -F -f\`. On the access log alone
\`accord hunt\` reads **{t_rate:.0f} MB/s**. Targets (issue 7): at least as fast as grep -F -f while matching
exactly: **{met(accord_s <= grep_s and truth <= accord)}**; ≥ 500 MB/s on text logs: **{met(t_rate >= 500)}**.

Pattern evaluation: {patterns} patterns (equality, \`IN\`, \`LIKE\`, \`MATCHES\`, \`ISSUBSET\`, \`NOT\`, order,
\`AND\`/\`OR\`) against {events:,} events. \`accord hunt\` on them as ECS JSON lines (whole process: reading,
parsing JSON, compiling, matching): **{a_evals:,.0f}** pattern evaluations per second;
\`stix2-matcher.match\` on the same events as observed-data bundles, in a Python loop over the first
{n_py:,}: **{py_rate:,.0f}** per second. Ratio **{a_evals / py_rate:,.0f}×** (target ≥ 1,000×:
**{met(a_evals / py_rate >= 1000)}**). Answers on the {n_py:,} events both evaluated: {agree}.
<!-- bench:hunt:end -->"""
text = open(path).read()
pattern = re.compile(r"<!-- bench:hunt:start -->.*?<!-- bench:hunt:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
print(section)
PY
