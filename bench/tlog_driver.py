"""Driver of bench/tlog.sh: logged events over HTTP, and tile reads.

  keys    --count N --out FILE                 N fresh Ed25519 public keys (base64), one per line
  append  --base URL --token T --org ID --keys FILE --threads K
          adds every key to the organisation (each addition is a logged event whose answer
          carries its receipt), K keep-alive connections in parallel; prints one JSON object:
          events, seconds, events/s, latency percentiles, failures, and the sizes of the
          receipts seen.
"""

import argparse
import base64
import http.client
import json
import sys
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def cmd_keys(a):
    with open(a.out, "w") as f:
        for _ in range(a.count):
            raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            f.write(base64.b64encode(raw).decode() + "\n")


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def cmd_append(a):
    keys = [k.strip() for k in open(a.keys) if k.strip()]
    url = urllib.parse.urlsplit(a.base)
    path = f"/api/v1/organizations/{a.org}/keys"
    headers = {"Authorization": f"Bearer {a.token}", "Content-Type": "application/json"}
    lock = threading.Lock()
    next_key = [0]
    latencies, failures, receipts = [], [], []

    def worker():
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        while True:
            with lock:
                i = next_key[0]
                next_key[0] += 1
            if i >= len(keys):
                break
            body = json.dumps({"public_key": keys[i]})
            start = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            took = time.perf_counter() - start
            with lock:
                if resp.status == 201:
                    latencies.append(took)
                    receipt = json.loads(data).get("log_receipt") or ""
                    receipts.append(len(receipt))
                else:
                    failures.append((resp.status, data[:200].decode(errors="replace")))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(a.threads)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    json.dump(
        {
            "events": len(latencies),
            "seconds": seconds,
            "rate": len(latencies) / seconds if seconds else 0.0,
            "p50_ms": percentile(latencies, 0.50) * 1000,
            "p95_ms": percentile(latencies, 0.95) * 1000,
            "max_ms": (latencies[-1] if latencies else 0.0) * 1000,
            "failures": len(failures),
            "first_failure": failures[0] if failures else None,
            "receipts": sum(1 for r in receipts if r > 0),
            "receipt_bytes_max": max(receipts) if receipts else 0,
        },
        sys.stdout,
    )


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("keys")
    k.add_argument("--count", type=int, required=True)
    k.add_argument("--out", required=True)
    s = sub.add_parser("append")
    s.add_argument("--base", required=True)
    s.add_argument("--token", required=True)
    s.add_argument("--org", required=True)
    s.add_argument("--keys", required=True)
    s.add_argument("--threads", type=int, default=4)
    a = p.parse_args()
    {"keys": cmd_keys, "append": cmd_append}[a.cmd](a)


if __name__ == "__main__":
    main()
