#!/usr/bin/env bash
# Coordinated disclosure under concurrent load: Accord against nginx on the same machine, in the
# same run.
#
#   1. Report intake: anonymous POST /api/v1/reports with a ~1.5 KB report (each accepted report
#      is sealed and committed with synchronous=FULL before the 201) vs nginx answering 201 with
#      a body of the same size to the same POST (the ceiling for accepting an HTTP POST here).
#      Afterwards the reports stored are counted through the API and compared with the 201s wrk
#      received: every acknowledged report must be there.
#   2. Case-page reads: GET /api/v1/cases/{id} of a case with 3 invited vendors, their
#      statements and scores, by a vendor's and by the coordinator's Bearer token, vs nginx serving
#      the very same JSON bytes as a static file, chosen by the Authorization header; and an
#      uninvited organisation's token (404), which must cost no more than a participant's read.
#
# Usage: bench/cases.sh [--build]
#   env: DURATION=8 CONNECTIONS=16 THREADS=1 (wrk), NGINX_WORKERS=1,
#        ACCORD_BIN=target/release/accord (another build of accord to measure)
# Writes its figures to bench/RESULTS.md (replacing this benchmark's previous section).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
root=$(pwd)
# the command line as given, for RESULTS.md
invocation="bench/cases.sh${1:+ $1}"
for v in ACCORD_BIN NGINX_WORKERS THREADS CONNECTIONS DURATION; do
    if [ -n "${!v+set}" ]; then invocation="$v=${!v} $invocation"; fi
done
DURATION=${DURATION:-8}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
NGINX_WORKERS=${NGINX_WORKERS:-1}
bin=${ACCORD_BIN:-"$root/target/release/accord"}

case "${1:-}" in
    "" | --build) ;;
    *) echo "usage: bench/cases.sh [--build]" >&2; exit 2 ;;
esac
for tool in wrk nginx; do
    if ! command -v "$tool" >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "installing wrk and nginx with apt-get…" >&2
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null
        fi
        command -v "$tool" >/dev/null || {
            echo "error: $tool is needed and could not be installed (as root: apt-get update && apt-get install -y wrk nginx)" >&2
            exit 2
        }
    fi
done
for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 2; }
done
if [ -z "${ACCORD_BIN:-}" ] && { [ "${1:-}" = "--build" ] || [ ! -x "$bin" ]; }; then
    cargo build --release --locked -p accord
fi
[ -x "$bin" ] || { echo "error: no accord binary at $bin" >&2; exit 2; }

# The data folder must be on a real disk for the durable-write figure to mean anything: mktemp's
# folder is used as long as it is not tmpfs (where fsync costs nothing).
# the machine's state before anything starts, for RESULTS.md
load=$(cut -d' ' -f1-3 /proc/loadavg)
taxii_before=$(pgrep -f 'bench/taxii.sh|taxii_driver.py' >/dev/null && echo yes || echo no)

tmp=$(mktemp -d)
if [ "$(stat -f -c %T "$tmp")" = tmpfs ]; then
    rmdir "$tmp"
    tmp=$(mktemp -d -p /var/tmp)
fi
chmod 755 "$tmp"   # nginx workers run as an unprivileged user and must read the files
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
if [ -n "${BENCH_DEBUG:-}" ]; then set -x; fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# field FILE KEY…: a value out of a JSON document (keys and list indexes, as a path)
field() {
    python3 - "$@" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)
PY
}

# --- Accord -----------------------------------------------------------------------------
token="bench-admin-token-0123456789"
ACCORD_BOOTSTRAP_TOKEN=$token ACCORD_LOG=warn "$bin" serve --demo --data "$tmp/data" \
    --listen 127.0.0.1:0 2>"$tmp/accord.log" &
accord_pid=$!
pids+=("$accord_pid")
accord=""
for _ in $(seq 1 200); do
    accord=$(sed -n 's|^Accord is listening on \(http://[^/]*\)/$|\1|p' "$tmp/accord.log")
    [ -n "$accord" ] && break
    sleep 0.05
done
[ -n "$accord" ] || { echo "error: accord did not start:" >&2; cat "$tmp/accord.log" >&2; exit 2; }

# api METHOD PATH TOKEN [BODY] [EXPECTED]: the answer's body on stdout; fails on another status
api() {
    local method=$1 path=$2 bearer=$3 body=${4:-} expected=${5:-}
    local args=(-s -o "$tmp/answer" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $bearer")
    [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    local code
    code=$(curl "${args[@]}" "$accord$path")
    local ok=1
    if [ -n "$expected" ]; then [ "$code" = "$expected" ] || ok=0; else [ "${code:0:1}" = 2 ] || ok=0; fi
    if [ "$ok" = 0 ]; then
        echo "error: $method $path answered $code: $(cat "$tmp/answer")" >&2
        return 1
    fi
    cat "$tmp/answer"
}

# --- the case: a report naming 3 vendors, triaged, the vendors invited, statements, scores ---
curl -sf "$accord/api/v1/organizations" -o "$tmp/organizations.json"
org() {
    python3 - "$tmp/organizations.json" "$1" <<'PY'
import json, sys
orgs = json.load(open(sys.argv[1]))["organizations"]
print(next(o["id"] for o in orgs if o["domain"] == sys.argv[2]))
PY
}
ms=$(org microsoft.com); cisco=$(org cisco.com); oracle=$(org oracle.com); nokia=$(org nokia.com)
new_user() {   # NAME ROLE [ORG] → the user's API token
    local body
    if [ -n "${3:-}" ]; then body="{\"name\":\"$1\",\"role\":\"$2\",\"organization_id\":\"$3\"}"
    else body="{\"name\":\"$1\",\"role\":\"$2\"}"; fi
    api POST /api/v1/users "$token" "$body" 201 >"$tmp/user.json"
    field "$tmp/user.json" token
}
coordinator=$(new_user "Bench coordinator" coordinator)
ms_user=$(new_user "Bench Microsoft analyst" analyst "$ms")
cisco_user=$(new_user "Bench Cisco analyst" analyst "$cisco")
oracle_user=$(new_user "Bench Oracle analyst" analyst "$oracle")
outsider=$(new_user "Bench Nokia analyst" analyst "$nokia")

# The report of the intake case (the same bytes for every request), about 1.5 KB of JSON.
cat >"$tmp/report.json" <<'JSON'
{"title": "Heap overflow in the Frobnicator management agent's TLV parser (pre-auth RCE)",
 "description": "The management agent listens on TCP 4711 on every interface by default. Its TLV parser reads a 16-bit length from the packet and copies that many bytes into a fixed 4096-byte stack-adjacent heap buffer without comparing the length with the space left. A single unauthenticated packet with a length field of 0xFFF0 overwrites the allocator metadata of the following chunk; with the agent's predictable allocation pattern this gives control of a function pointer in the session object. We confirmed code execution as the agent's service account on 2.3.0 and 2.4.0 (x86-64, default configuration, ASLR on: the parser also echoes 64 bytes of heap in its error reply, which leaks a pointer). Older versions down to 1.9 have the same parser and crash.",
 "products": ["Frobnicator management agent", "Frobnicator appliance firmware"],
 "versions": ">= 1.9, < 2.4.1 (agent); appliance firmware 7.x bundling the agent",
 "impact": "Remote code execution without authentication; information disclosure through the error reply",
 "steps_to_reproduce": "1. Install the agent 2.4.0 with defaults. 2. Send the 22-byte packet in the attached file to TCP 4711: type 0x0003, length 0xFFF0, followed by 16 bytes. 3. The agent crashes in tlv_read (or, with the second stage, starts /bin/sh). 4. A length of 0x0FF0 instead shows the 64-byte heap echo in the error reply.",
 "contact": "finder@research.example",
 "credit": "A. Finder, Example Research"}
JSON
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/report.json"
# the case's own report also names the vendors
python3 - "$tmp/report.json" "$ms" "$cisco" "$oracle" >"$tmp/case-report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["vendors"] = sys.argv[2:]
print(json.dumps(r))
PY
curl -s -o "$tmp/submitted.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$tmp/case-report.json" "$accord/api/v1/reports" | grep -qx 201
report_id=$(field "$tmp/submitted.json" id)
api POST /api/v1/cases "$coordinator" "{\"report_id\":\"$report_id\"}" 201 >"$tmp/case.json"
case_id=$(field "$tmp/case.json" id)
for vendor in "$ms" "$cisco" "$oracle"; do
    api POST "/api/v1/cases/$case_id/vendors" "$coordinator" "{\"organization_id\":\"$vendor\"}" 201 >/dev/null
done
statement() {   # VENDOR TOKEN PRODUCT BODY
    local product
    product=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$3")
    api PUT "/api/v1/cases/$case_id/vendors/$1/products/$product" "$2" "$4" 200 >/dev/null
}
statement "$ms" "$ms_user" "Frobnicator management agent" \
    '{"status":"fixed","fixed_version":"2.4.1","remediation":"Upgrade the agent to 2.4.1; until then block TCP 4711 at the host firewall."}'
statement "$ms" "$ms_user" "Frobnicator appliance firmware" '{"status":"under_investigation"}'
statement "$cisco" "$cisco_user" "Frobnicator management agent" \
    '{"status":"not_affected","justification":"vulnerable_code_not_present"}'
statement "$oracle" "$oracle_user" "Frobnicator management agent" \
    '{"status":"affected","remediation":"A fixed build is being prepared; disable the management listener (agent.conf: listen = off) in the meantime."}'
statement "$oracle" "$oracle_user" "Frobnicator appliance firmware" \
    '{"status":"fixed","fixed_version":"7.3.2"}'
api PUT "/api/v1/cases/$case_id/scores" "$coordinator" \
    '{"cvss_v31":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","cvss_v40":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N","cve_ids":["CVE-2026-40711"]}' 200 >/dev/null

# --- nginx: the same case bytes per token, and 201 with an answer of Accord's size ------------
mkdir -p "$tmp/www"
api GET "/api/v1/cases/$case_id" "$ms_user" "" 200 >"$tmp/www/case-vendor.json"
api GET "/api/v1/cases/$case_id" "$coordinator" "" 200 >"$tmp/www/case-coordinator.json"
cmp -s "$tmp/www/case-vendor.json" <(api GET "/api/v1/cases/$case_id" "$ms_user" "" 200) ||
    { echo "error: the case page is not the same from one read to the next" >&2; exit 2; }
[ "$(field "$tmp/www/case-vendor.json" role)" = vendor ] && [ "$(field "$tmp/www/case-coordinator.json" role)" = coordinator ]
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vendors"]))' "$tmp/www/case-vendor.json")" = 3 ]
api GET "/api/v1/cases/$case_id" "$outsider" "" 404 >"$tmp/www/case-outsider.json"
# the intake answer: same size as Accord's (its id, token and link are random, their length is not)
cp "$tmp/submitted.json" "$tmp/www/submitted.json"
chmod -R a+rX "$tmp/www"
nginx_port=$(free_port)
cat >"$tmp/nginx.conf" <<CONF
worker_processes $NGINX_WORKERS;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    map_hash_bucket_size 256;
    map \$http_authorization \$case_file {
        "Bearer $ms_user" /case-vendor.json;
        "Bearer $coordinator" /case-coordinator.json;
        default "";
    }
    server {
        listen 127.0.0.1:$nginx_port;
        root $tmp/www;
        client_body_buffer_size 16k;
        location = /api/v1/reports {
            default_type application/json;
            return 201 '$(cat "$tmp/submitted.json")';
        }
        location = /api/v1/cases/$case_id {
            default_type application/json;
            if (\$case_file = "") { return 404; }
            try_files \$case_file =404;
        }
    }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" &
pids+=($!)
nginx="http://127.0.0.1:$nginx_port"
for _ in $(seq 1 100); do curl -s "$nginx/" -o /dev/null && break; sleep 0.05; done
cmp -s <(curl -sf -H "Authorization: Bearer $ms_user" "$nginx/api/v1/cases/$case_id") "$tmp/www/case-vendor.json" ||
    { echo "error: nginx does not serve the same case bytes" >&2; exit 2; }
cmp -s <(curl -sf -H "Authorization: Bearer $coordinator" "$nginx/api/v1/cases/$case_id") "$tmp/www/case-coordinator.json"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $outsider" "$nginx/api/v1/cases/$case_id")" = 404 ]
cmp -s <(curl -sf -H 'Content-Type: application/json' --data-binary @"$tmp/report.json" "$nginx/api/v1/reports") \
    "$tmp/submitted.json" || { echo "error: nginx does not answer the POST as configured" >&2; exit 2; }

# wrk's POST: the report's bytes, and a count of the answers by status (each thread counts, the
# totals are printed when wrk ends)
{
    echo 'wrk.method = "POST"'
    echo 'wrk.headers["Content-Type"] = "application/json"'
    printf 'wrk.body = [==[%s]==]\n' "$(cat "$tmp/report.json")"
    cat <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) created = 0; other = 0 end
function response(status, headers, body)
    if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
    local c, o = 0, 0
    for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("other") end
    io.write(string.format("answers: 201 %d, other %d\n", c, o))
end
LUA
} >"$tmp/report.lua"
report_bytes=$(wc -c <"$tmp/report.json")

# --- measure ---------------------------------------------------------------------------------
# server CPU time so far (user + system), in seconds: PID
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat"; }
nginx_master=${pids[-1]}
nginx_cpu() {   # master and workers
    local total=0 p
    for p in $nginx_master $(pgrep -P "$nginx_master"); do
        total=$(python3 -c "print($total + $(cpu_seconds "$p"))")
    done
    printf '%.1f' "$total"
}
# run NAME SERVER URL [wrk options…]: prints "rps p50 p99 non2xx requests created other cpu" and
# keeps wrk's output in $tmp/NAME.wrk (the exact command goes to $tmp/commands for RESULTS.md;
# header values are shown as given, they are throwaway credentials of this run). SERVER (accord
# or nginx) says whose CPU time to measure.
run() {
    local name=$1 server=$2 url=$3
    shift 3
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
    printf 'wrk %s %s\n' "$(printf '%q ' "${args[@]}" | sed 's/ $//')" "$url" >>"$tmp/commands"
    local before after
    if [ "$server" = accord ]; then before=$(cpu_seconds "$accord_pid"); else before=$(nginx_cpu); fi
    wrk "${args[@]}" "$url" >"$tmp/$name.wrk" 2>&1 || { echo "error: wrk failed for $name:" >&2; cat "$tmp/$name.wrk" >&2; return 1; }
    if [ "$server" = accord ]; then after=$(cpu_seconds "$accord_pid"); else after=$(nginx_cpu); fi
    local rps p50 p99 non2xx requests created other
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/$name.wrk")
    p50=$(awk '$1=="50%" {print $2}' "$tmp/$name.wrk")
    p99=$(awk '$1=="99%" {print $2}' "$tmp/$name.wrk")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$tmp/$name.wrk")
    requests=$(awk '/requests in/ {print $1}' "$tmp/$name.wrk")
    created=$(sed -n 's/^answers: 201 \([0-9]*\), other \([0-9]*\)$/\1/p' "$tmp/$name.wrk")
    other=$(sed -n 's/^answers: 201 \([0-9]*\), other \([0-9]*\)$/\2/p' "$tmp/$name.wrk")
    if [ -z "$rps" ] || grep -q 'Socket errors' "$tmp/$name.wrk"; then
        echo "warning: $name: $(grep -E 'Socket errors|requests in' "$tmp/$name.wrk" | tr -s ' ' | tr '\n' ';')" >&2
    fi
    echo "${rps:-0} ${p50:--} ${p99:--} ${non2xx:-0} ${requests:-0} ${created:--} ${other:--} $(python3 -c "print(f'{$after - $before:.1f}')")"
}

# A reference for the durable write: how many 4 KiB appends, each followed by fdatasync, one
# process can make per second in the data folder (SQLite in WAL mode with synchronous=FULL syncs
# the WAL at every commit).
fsync_rate() {
    python3 - "$tmp/data" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
block, n, start = b"\0" * 4096, 0, time.monotonic()
while time.monotonic() - start < 2.0:
    os.write(fd, block); os.fdatasync(fd); n += 1
elapsed = time.monotonic() - start
os.close(fd); os.unlink(path)
print(f"{n / elapsed:.0f} {1000 * elapsed / n:.2f}")
PY
}

echo "measuring ($DURATION s per case, $CONNECTIONS connections)…" >&2
case_url="/api/v1/cases/$case_id"
# reads first, on the store as set up; the intake then adds its reports
read -r a_ven_rps a_ven_p50 a_ven_p99 a_ven_non2xx _ _ _ a_ven_cpu < <(run accord-vendor accord "$accord$case_url" -H "Authorization: Bearer $ms_user")
read -r a_coo_rps a_coo_p50 a_coo_p99 a_coo_non2xx _ _ _ a_coo_cpu < <(run accord-coordinator accord "$accord$case_url" -H "Authorization: Bearer $coordinator")
read -r a_out_rps a_out_p50 a_out_p99 a_out_non2xx a_out_requests _ _ a_out_cpu < <(run accord-outsider accord "$accord$case_url" -H "Authorization: Bearer $outsider")
read -r n_ven_rps n_ven_p50 n_ven_p99 n_ven_non2xx _ _ _ n_ven_cpu < <(run nginx-vendor nginx "$nginx$case_url" -H "Authorization: Bearer $ms_user")
read -r fsyncs fsync_ms < <(fsync_rate)
received_before=$(api GET '/api/v1/reports?status=received' "$token" "" 200 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["reports"]))')
read -r a_rep_rps a_rep_p50 a_rep_p99 a_rep_non2xx a_rep_requests a_rep_created a_rep_other a_rep_cpu < <(run accord-reports accord "$accord/api/v1/reports" -s "$tmp/report.lua")
# the reports whose request was still on its way when wrk stopped may still be committed
sleep 1
api GET '/api/v1/reports?status=received' "$token" "" 200 >"$tmp/received.json"
stored=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["reports"]) - int(sys.argv[2]))' "$tmp/received.json" "$received_before")
read -r n_rep_rps n_rep_p50 n_rep_p99 n_rep_non2xx n_rep_requests n_rep_created n_rep_other n_rep_cpu < <(run nginx-reports nginx "$nginx/api/v1/reports" -s "$tmp/report.lua")

# the figures only mean something if every case ran, the accepted cases were accepted and the
# rejected one rejected
for n in a_ven a_coo a_out n_ven a_rep n_rep; do
    v=${n}_rps; [ -n "${!v:-}" ] && [ "${!v}" != 0 ] || { echo "error: no figure for $n" >&2; exit 1; }
done
for n in a_ven a_coo n_ven a_rep n_rep; do
    v=${n}_non2xx; [ "${!v:-0}" = 0 ] || { echo "error: $n had ${!v} non-2xx answers" >&2; exit 1; }
done
for n in a_rep n_rep; do
    v=${n}_other; [ "${!v}" = 0 ] || { echo "error: $n had ${!v} answers other than 201" >&2; exit 1; }
done
[ "$a_out_non2xx" = "$a_out_requests" ] || { echo "error: the outsider got $a_out_non2xx 404s of $a_out_requests" >&2; exit 1; }
# Every acknowledged report is stored; at most one per connection more (in flight when wrk stopped).
if [ "$stored" -lt "$a_rep_created" ] || [ "$stored" -gt $((a_rep_created + CONNECTIONS)) ]; then
    echo "error: $a_rep_created reports acknowledged with 201, but $stored stored" >&2
    exit 1
fi
durable="every one of the $a_rep_created reports acknowledged with 201 is stored"
[ "$stored" = "$a_rep_created" ] ||
    durable="$durable; $((stored - a_rep_created)) more were stored whose answers wrk did not wait for (in flight when it stopped)"

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
rep_ratio=$(ratio "$a_rep_rps" "$n_rep_rps")
ven_ratio=$(ratio "$a_ven_rps" "$n_ven_rps")
coo_ratio=$(ratio "$a_coo_rps" "$n_ven_rps")
out_ratio=$(ratio "$a_out_rps" "$a_ven_rps")
per_commit=$(python3 -c "print(f'{$a_rep_rps/$fsyncs:.2f}')")
# CPU per request, in microseconds
cpu_us() { python3 -c "r = $2 * $DURATION; print(f'{1e6 * $1 / r:.0f}' if r else '-')"; }

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit (working tree has changes)"
built=$(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC')
fs=$(df -T "$tmp" | awk 'NR==2 {print $2}')
others=""
if [ "$taxii_before" = yes ] || pgrep -f 'bench/taxii.sh|taxii_driver.py' >/dev/null; then
    others=" **bench/taxii.sh was running on the same machine during this run.**"
fi
section=$(cat <<MD
<!-- bench:cases:start -->
## Coordinated disclosure: Accord vs nginx

$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($cpu), $(uname -m); load average before the run $load.$others
Accord: \`${bin#"$root/"}\` built $built, checkout $commit, demo data, data folder on $fs.
nginx $(nginx -v 2>&1 | sed 's|.*/||'), $NGINX_WORKERS worker(s), access log off.
The servers and wrk share the same $(nproc) cores (nothing is pinned), so compare ratios, not absolute figures.

The case: one report naming 3 demo vendors, triaged, the 3 vendors invited, 5 product statements
(fixed, under investigation, not affected, affected, fixed; 2 with a sealed remediation text),
CVSS 3.1 and 4.0 vectors and a CVE id. Its page is $(wc -c <"$tmp/www/case-vendor.json") bytes of JSON for the vendor,
$(wc -c <"$tmp/www/case-coordinator.json") for the coordinator; nginx serves the same bytes as static files, chosen by a \`map\` of the
\`Authorization\` header (404 for any other). The intake POSTs the same $report_bytes-byte report each time
(title, description, 2 products, versions, impact, steps, contact, credit; no vendors); nginx
answers it with \`return 201\` and a body of the size of Accord's answer ($(wc -c <"$tmp/submitted.json") bytes).

Command: \`$invocation\`, which runs, in this order (\`report.lua\` sets the method, the body and
\`Content-Type\`, and counts the answers by status):

\`\`\`
$(sed "s|$tmp|\$TMP|g" "$tmp/commands")
\`\`\`

| case | requests/s | p50 | p99 | server CPU per request |
|---|---:|---:|---:|---:|
| Accord \`GET /api/v1/cases/{id}\`, invited vendor's token | $a_ven_rps | $a_ven_p50 | $a_ven_p99 | $(cpu_us "$a_ven_cpu" "$a_ven_rps") µs |
| Accord, the coordinator's token | $a_coo_rps | $a_coo_p50 | $a_coo_p99 | $(cpu_us "$a_coo_cpu" "$a_coo_rps") µs |
| Accord, an uninvited organisation's token (404) | $a_out_rps | $a_out_p50 | $a_out_p99 | $(cpu_us "$a_out_cpu" "$a_out_rps") µs |
| nginx, the vendor's bytes as a static file | $n_ven_rps | $n_ven_p50 | $n_ven_p99 | $(cpu_us "$n_ven_cpu" "$n_ven_rps") µs |
| Accord \`POST /api/v1/reports\` (sealed, committed with \`synchronous=FULL\`) | $a_rep_rps | $a_rep_p50 | $a_rep_p99 | $(cpu_us "$a_rep_cpu" "$a_rep_rps") µs |
| nginx \`return 201\` to the same POST | $n_rep_rps | $n_rep_p50 | $n_rep_p99 | $(cpu_us "$n_rep_cpu" "$n_rep_rps") µs |

Ratios: case page Accord/nginx **$ven_ratio** (vendor), **$coo_ratio** (coordinator, against the
vendor's file); outsider's 404 / vendor's read in Accord **$out_ratio**; report intake
Accord/nginx **$rep_ratio**.

Durability (\`GET /api/v1/reports?status=received\` as the administrator, before and after the
intake): $durable. Disk reference: one process appending 4 KiB and calling \`fdatasync\` in the data
folder managed $fsyncs syncs/s ($fsync_ms ms each); the intake's $a_rep_rps reports/s are $per_commit
reports per such sync.
<!-- bench:cases:end -->
MD
)

results="$root/bench/RESULTS.md"
[ -f "$results" ] || printf '# Benchmark results\n\nEach section is written by the script it names; re-running a script replaces its section.\n' >"$results"
python3 - "$results" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
pattern = re.compile(r"<!-- bench:cases:start -->.*?<!-- bench:cases:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
echo "$section"
