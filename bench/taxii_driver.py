#!/usr/bin/env python3
"""Load driver for bench/taxii.sh: posts generated STIX 2.1 indicators to a TAXII 2.1 server and
reads collections back page by page. Standard library only (http.client, keep-alive connections).

Every command prints one JSON object on stdout with its measurements, including the driver's own
CPU time, so that the report can show whether the driver or the server was the bottleneck.

  ingest  --base URL --root R --collection C --auth HEADER --start N --count M
          [--batch 1000] [--posters 1] [--deadline SECONDS]
  read    --base URL --root R --collection C --auth HEADER [--limit 1000] [--timeout SECONDS]
          [--dates FILE]     (writes the X-TAXII-Date-Added-Last of every page, one a line)
  pages   --base URL --root R --collection C --auth HEADER --dates FILE [--count 100]
          [--limit 1000] [--seed 1]   (pages at random positions, with added_after)
  proc    --pid PID          (VmHWM and VmRSS of a process in KiB, its CPU time in s)
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
import urllib.parse
import uuid

MEDIA = "application/taxii+json;version=2.1"
NAMESPACE = uuid.UUID("6d2c9a0e-4c1e-5b7a-9a3f-0b1e2d3c4b5a")  # fixed: the same ids every run
CREATED = "2026-01-01T00:00:00.000Z"


def indicator(i):
    """The i-th indicator of the workload (deterministic, valid STIX 2.1)."""
    object_id = "indicator--" + str(uuid.uuid5(NAMESPACE, "bench-indicator-%d" % i))
    a, b, c = (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF
    return (
        '{"type":"indicator","spec_version":"2.1","id":"%s","created":"%s","modified":"%s",'
        '"name":"bench indicator %d","indicator_types":["malicious-activity"],'
        '"pattern":"[ipv4-addr:value = \'10.%d.%d.%d\']","pattern_type":"stix","valid_from":"%s"}'
        % (object_id, CREATED, CREATED, i, a, b, c, CREATED)
    )


def envelope(start, count):
    return ('{"objects":[' + ",".join(indicator(i) for i in range(start, start + count)) + "]}").encode()


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[k]


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects once if the server closed it."""

    def __init__(self, base, auth, timeout=600):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.prefix = u.hostname, u.port, u.path.rstrip("/")
        self.auth, self.timeout = auth, timeout
        self.conn = None

    def request(self, method, path, body=None, timeout=None):
        headers = {"Accept": MEDIA, "Authorization": self.auth}
        if body is not None:
            headers["Content-Type"] = MEDIA
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
            elif timeout:
                self.conn.sock.settimeout(timeout)
            try:
                self.conn.request(method, self.prefix + path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.will_close:
                    self.conn.close()
                    self.conn = None
                return resp.status, dict(resp.getheaders()), data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


def post_envelope(client, root, collection, start, count, body):
    """POSTs one envelope and waits until its status is complete. Returns the seconds taken."""
    t0 = time.perf_counter()
    status, _, data = client.request("POST", "/%s/collections/%s/objects/" % (root, collection), body)
    if status not in (200, 202):
        raise RuntimeError("POST answered %d: %s" % (status, data[:300]))
    resource = json.loads(data)
    while resource.get("status") != "complete":
        time.sleep(0.05)
        status, _, data = client.request("GET", "/%s/status/%s/" % (root, resource["id"]))
        if status != 200:
            raise RuntimeError("GET status answered %d: %s" % (status, data[:300]))
        resource = json.loads(data)
    elapsed = time.perf_counter() - t0
    if resource.get("success_count") != count:
        raise RuntimeError(
            "envelope at %d: %s of %d objects stored (failures: %s)"
            % (start, resource.get("success_count"), count, json.dumps(resource.get("failures", [])[:2]))
        )
    return elapsed


def _envelopes(first, stop, batch, step):
    """The envelopes one poster sends: (start, count, body) for start = first, first+step, …"""
    return [(start, min(batch, stop - start), envelope(start, min(batch, stop - start)))
            for start in range(first, stop, step)]


def _post_all(client, root, collection, envelopes, deadline):
    """Posts prepared envelopes in order; [(wall-clock end time, objects, seconds in the request)]."""
    done = []
    for start, n, body in envelopes:
        if time.time() >= deadline:
            break
        seconds = post_envelope(client, root, collection, start, n, body)
        done.append((time.time(), n, seconds))
    return done


def _poster(args, barrier, results):
    """One concurrent poster (its own process and connection). It builds its envelopes first,
    waits until every poster has, then posts them; its CPU time is the posting part only."""
    base, auth, root, collection, first, stop, batch, step, deadline_after = args
    envelopes = _envelopes(first, stop, batch, step)
    client = Client(base, auth)
    barrier.wait()
    cpu0 = os.times()
    deadline = time.time() + deadline_after
    done = _post_all(client, root, collection, envelopes, deadline)
    cpu1 = os.times()
    results.put((done, (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)))


def cmd_ingest(a):
    """Envelopes are built before the clock starts, so that the figures are the server's: the
    driver shares the machine's cores with the server, and building JSON in Python is not part
    of ingest."""
    deadline_after = a.deadline if a.deadline else float("inf")
    stop = a.start + a.count
    if a.posters == 1:
        envelopes = _envelopes(a.start, stop, a.batch, a.batch)
        client = Client(a.base, a.auth)
        cpu0 = os.times()
        t0 = time.time()
        results = [(_post_all(client, a.root, a.collection, envelopes, t0 + deadline_after), 0.0)]
    else:
        barrier = multiprocessing.Barrier(a.posters + 1)
        queue = multiprocessing.Queue()
        posters = [
            multiprocessing.Process(
                target=_poster,
                args=((a.base, a.auth, a.root, a.collection, a.start + k * a.batch, stop, a.batch,
                       a.batch * a.posters, deadline_after), barrier, queue),
            )
            for k in range(a.posters)
        ]
        for p in posters:
            p.start()
        barrier.wait()
        cpu0 = os.times()
        t0 = time.time()
        results = [queue.get() for _ in posters]
        for p in posters:
            p.join()
    wall = time.time() - t0
    cpu1 = os.times()
    done = sorted(x for r, _ in results for x in r)
    stored = sum(n for _, n, _ in done)
    # with one poster its CPU is the parent's own; with several, the parent's plus each poster's
    driver_cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system) + (a.posters > 1) * sum(c for _, c in results)
    # Ingest rate over windows of the run, by completion time: objects stored / time taken.
    windows = []
    if a.windows and done:
        per = max(1, len(done) // a.windows)
        prev_t = t0
        for w in range(0, len(done) - per + 1, per):
            chunk = done[w : w + per]
            end = chunk[-1][0]
            windows.append({
                "stored_before": a.start + sum(n for _, n, _ in done[:w]),
                "objects": sum(n for _, n, _ in chunk),
                "seconds": round(end - prev_t, 3),
                "objects_per_s": round(sum(n for _, n, _ in chunk) / max(end - prev_t, 1e-9), 1),
            })
            prev_t = end
    latencies = [s for _, _, s in done]
    print(json.dumps({
        "objects": stored,
        "envelopes": len(done),
        "seconds": round(wall, 3),
        "objects_per_s": round(stored / wall, 1) if wall else None,
        "post_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "post_p95_ms": round(1000 * percentile(latencies, 95), 1) if latencies else None,
        "post_max_ms": round(1000 * max(latencies), 1) if latencies else None,
        "driver_cpu_s": round(driver_cpu, 3),
        "complete": stored == a.count,
        "windows": windows,
    }))


def page_path(a, query):
    return "/%s/collections/%s/objects/?%s" % (a.root, a.collection, urllib.parse.urlencode(query))


def cmd_read(a):
    client = Client(a.base, a.auth)
    latencies, dates = [], []
    objects, pages, timed_out, error = 0, 0, False, None
    query = {"limit": a.limit}
    cpu0 = os.times()
    t0 = time.perf_counter()
    while True:
        left = a.timeout - (time.perf_counter() - t0)
        if left <= 0:
            timed_out = True
            break
        s0 = time.perf_counter()
        try:
            status, headers, data = client.request("GET", page_path(a, query), timeout=left)
        except (TimeoutError, OSError) as e:  # socket.timeout is a TimeoutError
            timed_out = isinstance(e, TimeoutError) or "timed out" in str(e)
            error = None if timed_out else str(e)
            break
        latencies.append(time.perf_counter() - s0)
        if status != 200:
            error = "GET answered %d: %s" % (status, data[:200])
            break
        env = json.loads(data)
        got = len(env.get("objects", []))
        objects += got
        pages += 1
        last = {k.lower(): v for k, v in headers.items()}.get("x-taxii-date-added-last")
        if last:
            dates.append(last)
        if not env.get("more") or not env.get("next") or got == 0:
            break
        query = {"limit": a.limit, "next": env["next"]}
    wall = time.perf_counter() - t0
    cpu1 = os.times()
    if a.dates:
        with open(a.dates, "w") as f:
            f.write("\n".join(dates) + "\n")
    print(json.dumps({
        "objects": objects,
        "pages": pages,
        "seconds": round(wall, 3),
        "objects_per_s": round(objects / wall, 1) if wall and objects else 0,
        "page_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "page_p95_ms": round(1000 * percentile(latencies, 95), 1) if latencies else None,
        "page_max_ms": round(1000 * max(latencies), 1) if latencies else None,
        "wait_s": round(sum(latencies), 3),  # request sent to body read: the server's part of the wall time
        "driver_cpu_s": round((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), 3),
        "timed_out": timed_out,
        "error": error,
    }))


def cmd_pages(a):
    with open(a.dates) as f:
        dates = [d for d in (line.strip() for line in f) if d]
    rng = random.Random(a.seed)
    client = Client(a.base, a.auth)
    latencies, objects = [], 0
    cpu0 = os.times()
    for _ in range(a.count):
        # a random page boundary seen by the full read (not the last one: that page is empty)
        path = page_path(a, {"limit": a.limit, "added_after": rng.choice(dates[:-1] or dates)})
        s0 = time.perf_counter()
        status, _, data = client.request("GET", path)
        latencies.append(time.perf_counter() - s0)
        if status != 200:
            raise RuntimeError("GET answered %d: %s" % (status, data[:200]))
        objects += len(json.loads(data).get("objects", []))
    cpu1 = os.times()
    print(json.dumps({
        "pages": a.count,
        "objects_per_page": round(objects / a.count, 1),
        "page_p50_ms": round(1000 * statistics.median(latencies), 1),
        "page_p95_ms": round(1000 * percentile(latencies, 95), 1),
        "page_max_ms": round(1000 * max(latencies), 1),
        "driver_cpu_s": round((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), 3),
    }))


def cmd_proc(a):
    """Peak and current resident memory (KiB) and CPU time used so far (s) of a process."""
    out = {}
    with open("/proc/%d/status" % a.pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0])
    with open("/proc/%d/stat" % a.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    out["cpu_s"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    print(json.dumps(out))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("ingest", "read", "pages"):
        s = sub.add_parser(name)
        s.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080/taxii2")
        s.add_argument("--root", required=True)
        s.add_argument("--collection", required=True)
        s.add_argument("--auth", required=True, help="the Authorization header value")
        s.add_argument("--limit", type=int, default=1000)
    s = sub.choices["ingest"]
    s.add_argument("--start", type=int, default=0)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--batch", type=int, default=1000)
    s.add_argument("--posters", type=int, default=1)
    s.add_argument("--deadline", type=float, default=0, help="stop posting after this many seconds")
    s.add_argument("--windows", type=int, default=0, help="report the rate over this many windows")
    s = sub.choices["read"]
    s.add_argument("--timeout", type=float, default=600)
    s.add_argument("--dates")
    s = sub.choices["pages"]
    s.add_argument("--dates", required=True)
    s.add_argument("--count", type=int, default=100)
    s.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("proc")
    s.add_argument("--pid", type=int, required=True)
    a = p.parse_args()
    {"ingest": cmd_ingest, "read": cmd_read, "pages": cmd_pages, "proc": cmd_proc}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
