#!/usr/bin/env bash
# Registry API benchmark: Accord against nginx on the same machine, in the same run.
#
#   1. GET /api/v1/signatories from Accord vs the very same JSON bytes served by nginx as a
#      static file (the ceiling for "serve this document over HTTP here").
#   2. Token authentication: Accord GET /api/v1/me with a valid Bearer token vs nginx serving a
#      file of the same size behind auth_basic ({SHA} htpasswd entry: one SHA-1 per request);
#      and Accord with an invalid token (the 401 path).
#
# Usage: bench/registry-api.sh [--build]      (env: DURATION=8 CONNECTIONS=16 THREADS=1)
# Writes its figures to bench/RESULTS.md (replacing this benchmark's previous section).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
DURATION=${DURATION:-8}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
bin="$root/target/release/accord"

for tool in wrk nginx python3; do
    if ! command -v "$tool" >/dev/null; then
        if [ "$(id -u)" = 0 ] && [ "$tool" != python3 ]; then
            apt-get update -qq && apt-get install -y -qq wrk nginx >/dev/null
        else
            echo "error: $tool is needed (apt-get install wrk nginx)" >&2
            exit 2
        fi
    fi
done
if [ "${1:-}" = "--build" ] || [ ! -x "$bin" ]; then
    cargo build --release --locked -p accord
fi

tmp=$(mktemp -d)
chmod 755 "$tmp"   # nginx workers run as an unprivileged user and must read the files
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${BENCH_DEBUG:-}" ] && set -x

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
worker_processes 2;
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
# run NAME URL [HEADER]: prints "rps p50 p99" and keeps wrk's output
run() {
    local name=$1 url=$2 header=${3:-}
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
    [ -n "$header" ] && args+=(-H "$header")
    wrk "${args[@]}" "$url" >"$tmp/$name.wrk"
    local rps p50 p99 non2xx
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/$name.wrk")
    p50=$(awk '$1=="50%" {print $2}' "$tmp/$name.wrk")
    p99=$(awk '$1=="99%" {print $2}' "$tmp/$name.wrk")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$tmp/$name.wrk")
    echo "$rps $p50 $p99 ${non2xx:-0}"
}

echo "measuring ($DURATION s per case, $CONNECTIONS connections)…" >&2
read -r a_sig_rps a_sig_p50 a_sig_p99 _ < <(run accord-signatories "$accord/api/v1/signatories")
read -r n_sig_rps n_sig_p50 n_sig_p99 _ < <(run nginx-signatories "$nginx/api/v1/signatories")
read -r a_me_rps a_me_p50 a_me_p99 _ < <(run accord-me "$accord/api/v1/me" "Authorization: Bearer $token")
read -r n_me_rps n_me_p50 n_me_p99 _ < <(run nginx-me "$nginx/api/v1/me" "Authorization: Basic $basic")
read -r a_bad_rps a_bad_p50 a_bad_p99 a_bad_non2xx < <(run accord-bad "$accord/api/v1/me" "Authorization: Bearer accord_not-a-valid-token")

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
sig_ratio=$(ratio "$a_sig_rps" "$n_sig_rps")
me_ratio=$(ratio "$a_me_rps" "$n_me_rps")
bad_ratio=$(ratio "$a_bad_rps" "$a_me_rps")

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
section=$(cat <<MD
<!-- bench:registry-api:start -->
## Registry API: Accord vs nginx

$(date -u +%Y-%m-%d), $(nproc) cores ($cpu), $(uname -m); \`bench/registry-api.sh\`
(wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, release build, demo data, nginx $(nginx -v 2>&1 | sed 's|.*/||') with 2 workers;
the servers and wrk share the machine's cores, so compare ratios, not absolute figures).

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
