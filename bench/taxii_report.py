#!/usr/bin/env python3
"""Writes bench/taxii.sh's section of RESULTS.md (Markdown on stdout) from the JSON files the
driver left in $tmp. Called by bench/taxii.sh with its settings in the environment."""

import datetime
import json
import os

env = os.environ
tmp = env["tmp"]


def load(name):
    with open(os.path.join(tmp, name)) as f:
        return json.load(f)


def num(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def ratio(a, b):
    if not a or not b:
        return "–"
    return f"{a / b:.1f}×" if a / b >= 10 else f"{a / b:.2f}×"


def mib(kib):
    return f"{kib / 1024:,.0f} MiB"


def met(ok):
    return "**met**" if ok else "**not met**"


a_ingest, m_ingest = load("a-ingest.json"), load("m-ingest.json")
a_read, m_read = load("a-read.json"), load("m-read.json")
a0, a1, a2 = load("a-proc0.json"), load("a-proc1.json"), load("a-proc2.json")
m0, m1, m2 = load("m-proc0.json"), load("m-proc1.json"), load("m-proc2.json")
s_ingest, s_read, s_pages = load("s-ingest.json"), load("s-read.json"), load("s-pages.json")
s0, s1, s2, s3 = (load(f"s-proc{i}.json") for i in range(4))
probe = []
with open(os.path.join(tmp, "m-probe.jsonl")) as f:
    probe = [json.loads(line) for line in f if line.strip()]

base = int(env["BASE_OBJECTS"])
batch = int(env["BATCH"])
target_scale = int(env["SCALE_OBJECTS"])
read_timeout = env["READ_TIMEOUT"]
stored = base + s_ingest["objects"]
root = env["root"]
binary = env["bin"][len(root) + 1 :] if env["bin"].startswith(root + "/") else env["bin"]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
cores = os.cpu_count()


def read_cell(r, field="objects_per_s"):
    if r["timed_out"] and r["objects"] == 0:
        return f"no page within {read_timeout} s"
    v = num(r[field])
    if r["timed_out"]:
        v += f" ({r['objects']:,} objects before the {read_timeout} s timeout)"
    if r["error"]:
        v += f" (error: {r['error']})"
    return v


def pages_cell(r):
    if r["page_p50_ms"] is None:
        return "–"
    return f"{num(r['page_p50_ms'], 1)} / {num(r['page_p95_ms'], 1)} / {num(r['page_max_ms'], 1)}"


def server_bound(r):
    """Objects/s over the time spent waiting for the server (one reader, so the driver's own
    time adds to the wall time)."""
    wait = r.get("wait_s")
    return num(r["objects"] / wait) if r["objects"] and wait else "–"


def cpu_share(driver_s, wall_s):
    return f"{driver_s:.1f} s of {wall_s:.1f} s" if wall_s else "–"


rows = [
    ("ingest, objects/s (20 × 1,000, one connection)", num(a_ingest["objects_per_s"]),
     num(m_ingest["objects_per_s"]) + ("" if m_ingest["complete"] else f" ({m_ingest['objects']:,} objects before the timeout)"),
     ratio(a_ingest["objects_per_s"], m_ingest["objects_per_s"])),
    ("POST until complete, p50 / p95 / max ms", f"{num(a_ingest['post_p50_ms'], 1)} / {num(a_ingest['post_p95_ms'], 1)} / {num(a_ingest['post_max_ms'], 1)}",
     f"{num(m_ingest['post_p50_ms'], 1)} / {num(m_ingest['post_p95_ms'], 1)} / {num(m_ingest['post_max_ms'], 1)}", ""),
    ("full read, objects/s (`limit=1000`, following `next`)", read_cell(a_read), read_cell(m_read),
     ratio(a_read["objects_per_s"], m_read["objects_per_s"])),
    ("page latency p50 / p95 / max ms", pages_cell(a_read), pages_cell(m_read), ""),
    ("server CPU during ingest / read", f"{a1['cpu_s'] - a0['cpu_s']:.1f} s / {a2['cpu_s'] - a1['cpu_s']:.1f} s",
     f"{m1['cpu_s'] - m0['cpu_s']:.1f} s / {m2['cpu_s'] - m1['cpu_s']:.1f} s", ""),
    ("driver CPU of wall time, ingest / read", f"{cpu_share(a_ingest['driver_cpu_s'], a_ingest['seconds'])} / {cpu_share(a_read['driver_cpu_s'], a_read['seconds'])}",
     f"{cpu_share(m_ingest['driver_cpu_s'], m_ingest['seconds'])} / {cpu_share(m_read['driver_cpu_s'], m_read['seconds'])}", ""),
    ("server peak RSS (VmHWM) after these", mib(a2["VmHWM"]), mib(m2["VmHWM"]), ""),
]
table = "\n".join(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} |" for r in rows)

probe_text = ""
if probe:
    parts = []
    for p in probe:
        if p["timed_out"] and p["pages"] == 0:
            parts.append(f"{p['size']:,} objects: no answer within {read_timeout} s")
        else:
            first = p["page_max_ms"] if p["pages"] == 1 else None
            parts.append(f"{p['size']:,} objects: {p['pages']} page(s) in {p['seconds']:.1f} s"
                         + (f" (first page {first / 1000:.1f} s)" if first else f" (slowest page {p['page_max_ms'] / 1000:.1f} s)"))
    probe_text = ("medallion's read on a fresh server holding only the probe collection: " + "; ".join(parts) + ".")

windows = s_ingest["windows"]
wtable = "\n".join(
    f"| {w['stored_before']:,} | {w['objects']:,} | {w['seconds']:.1f} | {num(w['objects_per_s'])} |" for w in windows
)
first_rate = windows[0]["objects_per_s"] if windows else None
last_rate = windows[-1]["objects_per_s"] if windows else None
low_rate = min((w["objects_per_s"] for w in windows), default=None)
reached_note = "" if s_ingest["complete"] else (
    f" The deadline ({env['SCALE_DEADLINE']} s of posting) stopped the growth at **{stored:,}** of "
    f"the {target_scale:,} objects asked for."
)
at = f"{stored:,} objects"
full = stored >= 1_000_000


def verdict(ok):
    """Met / not met when the store reached 1M objects; otherwise what the figure says at the
    size reached, without claiming the target."""
    if full:
        return met(ok)
    return f"not judged at {stored:,} objects (would be {'met' if ok else 'not met'} at this size)"


page_ok_next = s_read["page_p95_ms"] is not None and s_read["page_p95_ms"] < 20
page_ok_random = s_pages["page_p95_ms"] < 20
ingest_ok = low_rate is not None and low_rate >= 20000 and a_ingest["objects_per_s"] >= 20000
targets = [
    ("ingest ≥ 20,000 objects/s on SQLite, flat up to 1M",
     (f"side by side {num(a_ingest['objects_per_s'])}; growth {num(s_ingest['objects_per_s'])} overall, "
      f"first tenth {num(first_rate)}, last tenth {num(last_rate)} (last/first {last_rate / first_rate:.2f}), "
      f"lowest tenth {num(low_rate)}") if first_rate else "–",
     # a rate under the target is a miss whatever the size reached
     met(False) if not ingest_ok else verdict(True)),
    ("full read ≥ 50,000 objects/s",
     f"{read_cell(s_read)} objects/s end to end at {at} ({server_bound(s_read)} over the server's part)",
     verdict(s_read["objects_per_s"] >= 50000 and not s_read["timed_out"])),
    ("page p95 < 20 ms at 1M (`limit=1000`)",
     f"following `next`: {num(s_read['page_p95_ms'], 1)} ms; random positions (`added_after`): {num(s_pages['page_p95_ms'], 1)} ms",
     verdict(page_ok_next) + " with `next`; " + verdict(page_ok_random) + " with `added_after`"),
    ("server memory < 200 MiB at 1M",
     f"VmHWM {mib(s3['VmHWM'])} (peak over the whole run), VmRSS {mib(s3['VmRSS'])} at the end",
     verdict(s3["VmHWM"] < 200 * 1024)),
]
ttable = "\n".join(f"| {t[0]} | {t[1]} | {t[2]} |" for t in targets)

print(f"""<!-- bench:taxii:start -->
## TAXII 2.1: Accord vs medallion

{now}, {cores} cores ({env['cpu']}), {os.uname().machine}; load average before the run {env['load']}.
Accord: `{binary}` built {env['built']}, checkout {env['commit']}, SQLite store, `serve --demo` on an
empty data folder, the demo API root `accord` and its "Signatories only" collection, the
administrator's token as HTTP Basic password. medallion {env['MEDALLION_VERSION']} (Python {env['pyver']},
Flask/Werkzeug {env['flaskver']}) started with its own `medallion` command (Werkzeug's threaded server),
memory back end loaded from a generated JSON file with one writable collection, HTTP Basic user,
`max_page_size` {batch}. The servers and the driver (`bench/taxii_driver.py`, Python standard library,
keep-alive connections) share the same {cores} cores (nothing is pinned), so compare ratios.

Command: `{env['invocation']}`.

Workload, the same for both servers: {base:,} STIX 2.1 indicators (ids `indicator--` + UUIDv5 of
a counter, `pattern` `[ipv4-addr:value = '10.a.b.c']`, `pattern_type` `stix`, `spec_version` `2.1`,
`created` = `modified` = `valid_from`, a name and `indicator_types`; about 350 bytes each) POSTed as
{base // batch} envelopes of {batch:,} to `…/collections/{{id}}/objects/`, one after another over one
connection, each timed until its status resource says `complete` (both servers answer 202 with a
complete status; the driver would poll `…/status/{{id}}/` otherwise, and checks `success_count`).
Then `GET …/objects/?limit={batch}` following `next` until `more` is false, with a {read_timeout} s
timeout.

| {base:,} objects | Accord | medallion | Accord/medallion |
|---|---:|---:|---:|
{table}

{probe_text}

### Accord alone at scale

The same collection grown from {base:,} to {stored:,} objects with {env['POSTERS']} concurrent posters
(envelopes of {batch:,}, one connection and process each), in {s_ingest['seconds']:.0f} s:
**{num(s_ingest['objects_per_s'])} objects/s** (POST p50 {num(s_ingest['post_p50_ms'], 1)} ms, p95
{num(s_ingest['post_p95_ms'], 1)} ms, max {num(s_ingest['post_max_ms'], 1)} ms; server CPU
{s1['cpu_s'] - s0['cpu_s']:.1f} s, driver CPU {s_ingest['driver_cpu_s']:.1f} s).{reached_note}

| stored before | objects | seconds | objects/s |
|---:|---:|---:|---:|
{wtable}

At {stored:,} objects ({int(env['db_bytes']) / 2**20:,.0f} MiB of data folder):

- full read (`limit={batch}`, following `next`): **{read_cell(s_read)} objects/s**, {s_read['pages']:,} pages,
  page p50 / p95 / max {pages_cell(s_read)} ms (server CPU {s2['cpu_s'] - s1['cpu_s']:.1f} s, driver CPU
  {s_read['driver_cpu_s']:.1f} s of {s_read['seconds']:.1f} s). The read is one request after another,
  so the driver's parsing adds to the wall time: over the time spent waiting for the server the
  rate is {server_bound(s_read)} objects/s;
- {s_pages['pages']} pages at random positions (`added_after` = a page boundary seen by the full read,
  {s_pages['objects_per_page']:,.0f} objects per page): p50 / p95 / max **{num(s_pages['page_p50_ms'], 1)} /
  {num(s_pages['page_p95_ms'], 1)} / {num(s_pages['page_max_ms'], 1)} ms**;
- server peak RSS (VmHWM, over the whole run): **{mib(s3['VmHWM'])}**; RSS at the end {mib(s3['VmRSS'])}.

| target (from the issue) | measured | |
|---|---|---|
{ttable}
<!-- bench:taxii:end -->""")
