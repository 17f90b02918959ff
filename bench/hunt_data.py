#!/usr/bin/env python3
"""Data of bench/hunt.sh, generated (seeded, so runs compare).

  hunt_data.py logs OUT SIZE_MB
      OUT/iocs.json  a STIX bundle of 100,000 indicators: 40,000 IPv4, 40,000 domains, 20,000 SHA-256
      OUT/iocs.txt   the same values, one a line (for grep -F -f)
      OUT/access.log combined-format access logs (60% of SIZE_MB) and
      OUT/events.jsonl JSON lines with ECS names (40%), both with planted indicator values and
                     near misses that contain one as a substring (110.2.3.45 for 10.2.3.4,
                     notevil.com for evil.com, a hash with one more hex digit)
      OUT/truth.txt  "file line" of every line holding a planted indicator value as a whole token
  hunt_data.py patterns OUT EVENTS
      OUT/patterns.json  a bundle of 20 indicators with patterns of every operator kind
      OUT/patterns.txt   the same patterns, one a line
      OUT/observed.jsonl EVENTS observed-data bundles (for stix2-matcher), one a line
      OUT/observed-events.jsonl the same events as ECS JSON lines (for accord hunt)
"""
import json
import random
import sys

rnd = random.Random(20240601)


def ip(ioc=False):
    # indicators and background traffic come from disjoint ranges, so only planted lines match
    first = rnd.randint(100, 223) if ioc else rnd.randint(11, 99)
    return f"{first}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"


WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango".split()
def domain(ioc=False):
    tld = rnd.choice(("io", "info", "biz") if ioc else ("com", "net", "org"))
    return f"{rnd.choice(WORDS)}{rnd.randint(0, 999999)}.{rnd.choice(WORDS)}.{tld}"


def sha256():
    return "%064x" % rnd.getrandbits(256)


def indicator(n, pattern):
    return {
        "type": "indicator", "spec_version": "2.1",
        "id": "indicator--00000000-0000-4000-8000-%012d" % n,
        "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
        "pattern_type": "stix", "pattern": pattern, "valid_from": "2024-01-01T00:00:00Z",
    }


def logs(out, size_mb):
    ips = [ip(True) for _ in range(40_000)]
    domains = [domain(True) for _ in range(40_000)]
    hashes = [sha256() for _ in range(20_000)]
    objects = []
    for v in ips:
        objects.append(indicator(len(objects), f"[ipv4-addr:value = '{v}']"))
    for v in domains:
        objects.append(indicator(len(objects), f"[domain-name:value = '{v}']"))
    for v in hashes:
        objects.append(indicator(len(objects), f"[file:hashes.'SHA-256' = '{v}']"))
    with open(f"{out}/iocs.json", "w") as f:
        json.dump({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": objects}, f)
    with open(f"{out}/iocs.txt", "w") as f:
        f.write("\n".join(ips + domains + hashes) + "\n")
    truth = []
    agents = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
              "curl/8.5.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"]
    paths = ["/", "/index.html", "/api/v1/items?id=", "/static/app.js", "/login", "/search?q="]

    def near_ip(v):  # contains v as a substring, is not v
        return "1" + v + "1" if v.count(".") == 3 and len(v) < 14 else "1" + v

    def access_line(n):
        client, referer, path = ip(), f"https://{domain()}/page", rnd.choice(paths) + str(rnd.randint(0, 99999))
        planted = False
        r = rnd.random()
        if r < 0.0004:
            client, planted = rnd.choice(ips), True
        elif r < 0.0008:
            referer, planted = f"https://{rnd.choice(domains)}/x", True
        elif r < 0.0012:
            path, planted = f"/download?sha={rnd.choice(hashes)}", True
        elif r < 0.0016:
            client = near_ip(rnd.choice(ips))
        elif r < 0.0020:
            referer = f"https://not{rnd.choice(domains)}/x"
        elif r < 0.0024:
            path = f"/download?sha={rnd.choice(hashes)}0"
        s = rnd.randint(0, 59)
        line = (f'{client} - - [01/Jun/2024:10:{s // 2:02d}:{s:02d} +0000] "GET {path} HTTP/1.1" '
                f'{rnd.choice((200, 200, 200, 304, 404))} {rnd.randint(100, 90000)} "{referer}" "{rnd.choice(agents)}"')
        return line, planted

    def json_line(n):
        ev = {"@timestamp": f"2024-06-01T10:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}Z",
              "source": {"ip": ip(), "port": rnd.randint(1024, 65535)},
              "destination": {"ip": ip(), "port": rnd.choice((80, 443, 53))},
              "event": {"action": rnd.choice(("connect", "query", "download"))}}
        planted = False
        r = rnd.random()
        if r < 0.0004:
            ev["destination"]["ip"], planted = rnd.choice(ips), True
        elif r < 0.0008:
            ev["dns"], planted = {"question": {"name": rnd.choice(domains)}}, True
        elif r < 0.0012:
            ev["file"], planted = {"name": "x.bin", "hash": {"sha256": rnd.choice(hashes)}}, True
        elif r < 0.0016:
            ev["destination"]["ip"] = near_ip(rnd.choice(ips))
        elif r < 0.0020:
            ev["dns"] = {"question": {"name": "not" + rnd.choice(domains)}}
        elif r < 0.0024:
            ev["file"] = {"name": "x.bin", "hash": {"sha256": rnd.choice(hashes) + "0"}}
        else:
            ev["dns"] = {"question": {"name": domain()}}
        return json.dumps(ev, separators=(",", ":")), planted

    for name, make, share in (("access.log", access_line, 0.6), ("events.jsonl", json_line, 0.4)):
        target = int(size_mb * share * 1_000_000)
        written, n = 0, 0
        with open(f"{out}/{name}", "w") as f:
            block = []
            while written < target:
                n += 1
                line, planted = make(n)
                if planted:
                    truth.append(f"{name} {n}")
                block.append(line)
                written += len(line) + 1
                if len(block) == 10_000:
                    f.write("\n".join(block) + "\n")
                    block = []
            if block:
                f.write("\n".join(block) + "\n")
    with open(f"{out}/truth.txt", "w") as f:
        f.write("\n".join(truth) + "\n")


PATTERNS = [
    "[ipv4-addr:value = '203.0.113.7']",
    "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
    "[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2', '192.0.2.3')]",
    "[domain-name:value = 'evil.example.com']",
    "[domain-name:value LIKE '%.evil.example.com']",
    "[domain-name:value MATCHES '^c2-[0-9]+\\\\.example\\\\.net$']",
    "[url:value LIKE '%/wp-login.php%']",
    "[url:value MATCHES 'cmd=(whoami|id)']",
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[file:name = 'mimikatz.exe' OR file:name = 'psexec.exe']",
    "[file:name LIKE '%.ps1' AND file:hashes.'SHA-256' != 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
    "[network-traffic:dst_port = 4444]",
    "[network-traffic:dst_port IN (6667, 6697)]",
    "[network-traffic:dst_port > 60000]",
    "[ipv4-addr:value = '203.0.113.8' OR domain-name:value = 'bad.example.org']",
    "[user-account:account_login = 'administrator']",
    "[domain-name:value NOT LIKE '%.example.%']",
    "[url:value = 'http://malware.example.net/payload.bin']",
    "[ipv4-addr:value ISSUBSET '10.0.0.0/8' AND ipv4-addr:value != '10.0.0.1']",
    "[email-addr:value = 'ceo@evil.example.com']",
]


def patterns(out, events):
    with open(f"{out}/patterns.json", "w") as f:
        json.dump({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000",
                   "objects": [indicator(i, p) for i, p in enumerate(PATTERNS)]}, f)
    with open(f"{out}/patterns.txt", "w") as f:
        f.write("\n".join(PATTERNS) + "\n")
    special_ips = ["203.0.113.7", "198.51.100.9", "192.0.2.2", "10.1.1.1", "10.0.0.1", "203.0.113.8"]
    special_domains = ["evil.example.com", "a.evil.example.com", "c2-17.example.net", "bad.example.org", "good.test"]
    special_urls = ["http://x.test/wp-login.php?a=1", "http://x.test/run?cmd=whoami", "http://malware.example.net/payload.bin"]
    with open(f"{out}/observed.jsonl", "w") as od, open(f"{out}/observed-events.jsonl", "w") as ev:
        for n in range(events):
            t = f"2024-06-01T10:{n // 60 % 60:02d}:{n % 60:02d}Z"
            objs, line = [], {"@timestamp": t}

            def add(obj, key, value):
                obj["id"] = f"{obj['type']}--00000000-0000-4000-8000-{len(objs):012d}"
                objs.append(obj)
                line[key] = value

            v = rnd.choice(special_ips) if rnd.random() < 0.05 else ip()
            add({"type": "ipv4-addr", "value": v}, "source.ip", v)
            v = rnd.choice(special_domains) if rnd.random() < 0.05 else domain()
            add({"type": "domain-name", "value": v}, "dns.question.name", v)
            if rnd.random() < 0.3:
                v = rnd.choice(special_urls) if rnd.random() < 0.1 else f"http://{domain()}/p{rnd.randint(0, 999)}"
                add({"type": "url", "value": v}, "url.full", v)
            if rnd.random() < 0.3:
                p = rnd.choice((80, 443, 4444, 6667, 61000, 22))
                add({"type": "network-traffic", "dst_port": p}, "destination.port", p)
            if rnd.random() < 0.1:
                name = rnd.choice(("mimikatz.exe", "a.ps1", "calc.exe"))
                h = rnd.choice(("aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f", sha256()))
                objs.append({"type": "file", "id": f"file--00000000-0000-4000-8000-{len(objs):012d}",
                             "name": name, "hashes": {"SHA-256": h}})
                line["file.name"] = name
                line["file.hash.sha256"] = h
            if rnd.random() < 0.05:
                who = rnd.choice(("administrator", "bob"))
                add({"type": "user-account", "account_login": who}, "user.name", who)
            observed = {"type": "observed-data", "spec_version": "2.1",
                        "id": f"observed-data--00000000-0000-4000-8000-{n:012d}",
                        "created": t, "modified": t, "first_observed": t, "last_observed": t, "number_observed": 1,
                        "object_refs": [o["id"] for o in objs]}
            od.write(json.dumps({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000",
                                 "objects": [observed] + objs}) + "\n")
            ev.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "logs":
        logs(sys.argv[2], float(sys.argv[3]))
    else:
        patterns(sys.argv[2], int(sys.argv[3]))
