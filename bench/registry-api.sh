#!/usr/bin/env bash
# Registry API benchmark: Accord against nginx on the same machine, in the same run.
#
#   1. GET /api/v1/signatories from Accord vs the very same JSON bytes served by nginx as a
#      static file (the ceiling for "serve this document over HTTP here").
#   2. Token authentication: Accord GET /api/v1/me with a valid Bearer token vs nginx serving a
#      file of the same size behind auth_basic ({SHA} htpasswd entry: one SHA-1 per request);
#      and Accord with an invalid token (the 401 path).
#
# Usage: bench/registry-api.sh [--build]
#   env: DURATION=8 CONNECTIONS=16 THREADS=1 (wrk), NGINX_WORKERS=1,
#        ACCORD_BIN=target/release/accord (another build of accord to measure)
# Writes its figures to bench/RESULTS.md (replacing this benchmark's previous section).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# the command line as given, for RESULTS.md
invocation="bench/registry-api.sh${1:+ $1}"
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
    *) echo "usage: bench/registry-api.sh [--build]" >&2; exit 2 ;;
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
for tool in curl openssl python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 2; }
done
if [ -z "${ACCORD_BIN:-}" ] && { [ "${1:-}" = "--build" ] || [ ! -x "$bin" ]; }; then
    cargo build --release --locked -p accord
fi
[ -x "$bin" ] || { echo "error: no accord binary at $bin" >&2; exit 2; }

tmp=$(mktemp -d)
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

# --- Accord -----------------------------------------------------------------------------
token="bench-admin-token-0123456789"
ACCORD_BOOTSTRAP_TOKEN=$token ACCORD_LOG=warn "$bin" serve --demo --data "$tmp/data" \
    --listen 127.0.0.1:0 2>"$tmp/accord.log" &
pids+=($!)
accord=""
for _ in $(seq 1 200); do
    accord=$(sed -n 's|^Accord is listening on \(http://[^/]*\)/$|\1|p' "$tmp/accord.log")
    [ -n "$accord" ] && break
    sleep 0.05
done
[ -n "$accord" ] || { echo "error: accord did not start:" >&2; cat "$tmp/accord.log" >&2; exit 2; }

# --- nginx with the same bytes --------------------------------------------------------------
mkdir -p "$tmp/www"
curl -sf "$accord/api/v1/signatories" -o "$tmp/www/signatories.json"
curl -sf -H "Authorization: Bearer $token" "$accord/api/v1/me" -o "$tmp/www/me.json"
sha=$(printf '%s' 'bench-password' | openssl dgst -sha1 -binary | base64)
printf 'bench:{SHA}%s\n' "$sha" >"$tmp/htpasswd"
chmod -R a+rX "$tmp/www" "$tmp/htpasswd"
nginx_port=$(free_port)
cat >"$tmp/nginx.conf" <<CONF
worker_processes $NGINX_WORKERS;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$nginx_port;
        root $tmp/www;
        location = /api/v1/signatories { default_type application/json; try_files /signatories.json =404; }
        location = /api/v1/me {
            auth_basic "bench";
            auth_basic_user_file $tmp/htpasswd;
            default_type application/json;
            try_files /me.json =404;
        }
    }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" &
pids+=($!)
nginx="http://127.0.0.1:$nginx_port"
for _ in $(seq 1 100); do curl -sf "$nginx/api/v1/signatories" -o /dev/null && break; sleep 0.05; done
cmp -s <(curl -sf "$nginx/api/v1/signatories") "$tmp/www/signatories.json" || { echo "error: nginx does not serve the same bytes" >&2; exit 2; }
basic=$(printf 'bench:bench-password' | base64)
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $basic" "$nginx/api/v1/me")" = 200 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer nope" "$accord/api/v1/me")" = 401 ]

# --- measure ---------------------------------------------------------------------------------
# run NAME URL [HEADER]: prints "rps p50 p99 non2xx" and keeps wrk's output in $tmp/NAME.wrk
# (the exact wrk command goes to $tmp/commands for RESULTS.md; header values are shown as given,
# they are throwaway credentials of this run)
run() {
    local name=$1 url=$2 header=${3:-}
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
    [ -n "$header" ] && args+=(-H "$header")
    printf 'wrk %s %s\n' "$(printf '%q ' "${args[@]}" | sed 's/ $//')" "$url" >>"$tmp/commands"
    wrk "${args[@]}" "$url" >"$tmp/$name.wrk" 2>&1 || { echo "error: wrk failed for $name:" >&2; cat "$tmp/$name.wrk" >&2; return 1; }
    local rps p50 p99 non2xx
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/$name.wrk")
    p50=$(awk '$1=="50%" {print $2}' "$tmp/$name.wrk")
    p99=$(awk '$1=="99%" {print $2}' "$tmp/$name.wrk")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$tmp/$name.wrk")
    if [ -z "$rps" ] || grep -q 'Socket errors' "$tmp/$name.wrk"; then
        echo "warning: $name: $(grep -E 'Socket errors|requests in' "$tmp/$name.wrk" | tr -s ' ' | tr '\n' ';')" >&2
    fi
    echo "${rps:-0} ${p50:--} ${p99:--} ${non2xx:-0}"
}

echo "measuring ($DURATION s per case, $CONNECTIONS connections)…" >&2
read -r a_sig_rps a_sig_p50 a_sig_p99 a_sig_non2xx < <(run accord-signatories "$accord/api/v1/signatories")
read -r n_sig_rps n_sig_p50 n_sig_p99 n_sig_non2xx < <(run nginx-signatories "$nginx/api/v1/signatories")
read -r a_me_rps a_me_p50 a_me_p99 a_me_non2xx < <(run accord-me "$accord/api/v1/me" "Authorization: Bearer $token")
read -r n_me_rps n_me_p50 n_me_p99 n_me_non2xx < <(run nginx-me "$nginx/api/v1/me" "Authorization: Basic $basic")
read -r a_bad_rps a_bad_p50 a_bad_p99 a_bad_non2xx < <(run accord-bad "$accord/api/v1/me" "Authorization: Bearer accord_not-a-valid-token")
# the figures only mean something if the accepted cases were accepted and the rejected one rejected
for n in a_sig n_sig a_me n_me; do
    v=${n}_non2xx; [ "${!v:-0}" = 0 ] || { echo "error: $n had ${!v} non-2xx answers" >&2; exit 1; }
done
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer accord_not-a-valid-token" "$accord/api/v1/me")" = 401 ]

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
sig_ratio=$(ratio "$a_sig_rps" "$n_sig_rps")
me_ratio=$(ratio "$a_me_rps" "$n_me_rps")
bad_ratio=$(ratio "$a_bad_rps" "$a_me_rps")

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit (working tree has changes)"
built=$(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC')
load=$(cut -d' ' -f1-3 /proc/loadavg)
section=$(cat <<MD
<!-- bench:registry-api:start -->
## Registry API: Accord vs nginx

$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($cpu), $(uname -m); load average before the run $load.
Accord: \`${bin#"$root/"}\` built $built, checkout $commit, demo data. nginx $(nginx -v 2>&1 | sed 's|.*/||'),
$NGINX_WORKERS worker(s), access log off; the auth case uses an htpasswd \`{SHA}\` entry (one unsalted SHA-1 per request).
The servers and wrk share the same $(nproc) cores (nothing is pinned), so compare ratios, not absolute figures.

Command: \`$invocation\`, which runs, in this order:

\`\`\`
$(sed "s|$tmp|\$TMP|g" "$tmp/commands")
\`\`\`

| case | requests/s | p50 | p99 |
|---|---:|---:|---:|
| Accord \`GET /api/v1/signatories\` ($(wc -c <"$tmp/www/signatories.json") bytes of JSON) | $a_sig_rps | $a_sig_p50 | $a_sig_p99 |
| nginx, same bytes as a static file | $n_sig_rps | $n_sig_p50 | $n_sig_p99 |
| Accord \`GET /api/v1/me\`, valid Bearer token | $a_me_rps | $a_me_p50 | $a_me_p99 |
| nginx, same-size file behind \`auth_basic\` ({SHA}) | $n_me_rps | $n_me_p50 | $n_me_p99 |
| Accord \`GET /api/v1/me\`, invalid token (401, $a_bad_non2xx answers) | $a_bad_rps | $a_bad_p50 | $a_bad_p99 |

Ratios: signatories Accord/nginx **$sig_ratio**; authenticated read Accord/nginx **$me_ratio**;
rejected/accepted token in Accord **$bad_ratio**.
<!-- bench:registry-api:end -->
MD
)

results="$root/bench/RESULTS.md"
[ -f "$results" ] || printf '# Benchmark results\n\nEach section is written by the script it names; re-running a script replaces its section.\n' >"$results"
python3 - "$results" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
pattern = re.compile(r"<!-- bench:registry-api:start -->.*?<!-- bench:registry-api:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
echo "$section"
