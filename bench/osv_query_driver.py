#!/usr/bin/env python3
"""Drives POST /v1/querybatch for the OSV query benchmark (Python standard library only).

make-set: writes COPIES renamed copies of every OSV record under SRC into OUT (ids and package
names suffixed with the copy number, so each copy is a distinct advisory of distinct packages
with the same real ranges), and a query list: for every package with a SEMVER or ECOSYSTEM
range, its boundary versions.

bodies: writes BATCHES request bodies of BATCH queries each (one JSON object per line), drawn in
turn from the query list, for wrk (bench/osv_query.lua).

drive: CLIENTS keep-alive connections post batches of BATCH queries drawn round-robin from the
query list for DURATION seconds; prints JSON figures (queries/s, batch latency percentiles,
answers with at least one advisory).
"""
import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse


def make_set(src, out, copies, queries_out):
    os.makedirs(out, exist_ok=True)
    queries = []
    n = 0
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".json") or f == "osv-schema.json":
                continue
            with open(os.path.join(dirpath, f), "rb") as fh:
                rec = json.load(fh)
            for k in range(copies):
                r = json.loads(json.dumps(rec))
                if k:
                    r["id"] = f"{rec['id']}-C{k}"
                    r.pop("aliases", None)
                    r.pop("related", None)
                    r.pop("upstream", None)
                for a in r.get("affected") or []:
                    p = a.get("package")
                    if p and k:
                        p["name"] = f"{p['name']}-c{k}"
                        p.pop("purl", None)
                    if p and not r.get("withdrawn"):
                        for rg in a.get("ranges") or []:
                            if rg.get("type") in ("SEMVER", "ECOSYSTEM"):
                                for e in rg.get("events") or []:
                                    for v in e.values():
                                        if v != "0":
                                            queries.append({"version": v, "package": {"ecosystem": p["ecosystem"], "name": p["name"]}})
                with open(os.path.join(out, f"{r['id']}.json"), "w") as fh:
                    json.dump(r, fh)
                n += 1
    random.Random(1).shuffle(queries)
    with open(queries_out, "w") as fh:
        json.dump(queries, fh)
    print(json.dumps({"records": n, "queries": len(queries)}))


def drive(base, queries_file, clients, batch, duration):
    with open(queries_file) as fh:
        queries = json.load(fh)
    u = urllib.parse.urlsplit(base)
    lat, answered, hits = [], [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def worker(i):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        pos = (i * 7919 * batch) % len(queries)
        mine_lat, mine_n, mine_hits = [], 0, 0
        while time.monotonic() < stop:
            chunk = [queries[(pos + j) % len(queries)] for j in range(batch)]
            pos = (pos + batch) % len(queries)
            body = json.dumps({"queries": chunk})
            t0 = time.monotonic()
            conn.request("POST", "/v1/querybatch", body, {"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
            mine_lat.append(time.monotonic() - t0)
            if resp.status != 200:
                sys.exit(f"HTTP {resp.status}: {data[:200]!r}")
            results = json.loads(data)["results"]
            assert len(results) == batch
            mine_n += batch
            mine_hits += sum(1 for r in results if r.get("vulns"))
        with lock:
            lat.extend(mine_lat)
            answered[0] += mine_n
            hits[0] += mine_hits

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    lat.sort()
    pct = lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1)
    print(json.dumps({"queries": answered[0], "seconds": round(wall, 2), "queries_per_s": round(answered[0] / wall),
                      "batches": len(lat), "p50_ms": pct(0.5), "p95_ms": pct(0.95), "max_ms": round(lat[-1] * 1000, 1),
                      "answers_with_advisories": hits[0], "driver_cpu_s": round(time.process_time(), 1)}))


def bodies(queries_file, out, batch, batches):
    with open(queries_file) as fh:
        queries = json.load(fh)
    pos = 0
    with open(out, "w") as fh:
        for _ in range(batches):
            chunk = [queries[(pos + j) % len(queries)] for j in range(batch)]
            pos = (pos + batch) % len(queries)
            fh.write(json.dumps({"queries": chunk}, separators=(",", ":")) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-set")
    m.add_argument("--src", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--copies", type=int, default=5)
    m.add_argument("--queries", required=True)
    b = sub.add_parser("bodies")
    b.add_argument("--queries", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--batch", type=int, default=1000)
    b.add_argument("--batches", type=int, default=292)
    d = sub.add_parser("drive")
    d.add_argument("--base", required=True)
    d.add_argument("--queries", required=True)
    d.add_argument("--clients", type=int, default=2)
    d.add_argument("--batch", type=int, default=1000)
    d.add_argument("--duration", type=float, default=10)
    a = p.parse_args()
    if a.cmd == "make-set":
        make_set(a.src, a.out, a.copies, a.queries)
    elif a.cmd == "bodies":
        bodies(a.queries, a.out, a.batch, a.batches)
    else:
        drive(a.base, a.queries, a.clients, a.batch, a.duration)


if __name__ == "__main__":
    main()
