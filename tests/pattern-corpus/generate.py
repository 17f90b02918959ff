"""Generates the differential corpus of accord-pattern (deterministic: run it again to get the
same files).

  patterns.jsonl  {"pattern": ...}: valid and invalid patterns (grammar-generated, mutated, and
                  hand-written edge cases) for the validator comparison
  pairs.jsonl     {"pattern": ..., "objects": [...]}: a pattern and STIX 2.1 objects
                  (observed-data and the objects they refer to) for the matcher comparison

Only inputs are stored: the expected answers come from the reference implementations at test
time (tests/python/pattern_oracle.py).

Usage: python3 tests/pattern-corpus/generate.py
"""
import base64
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20240607)

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def q(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ts(year=None, frac=False):
    y = year or rng.randint(2015, 2025)
    t = "%04d-%02d-%02dT%02d:%02d:%02d" % (
        y, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
    if frac:
        t += "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 9)))
    return t + "Z"


# ---------------------------------------------------------------------------------------------
# Random patterns (syntax only)

TYPES = ["file", "ipv4-addr", "ipv6-addr", "network-traffic", "domain-name", "process", "url",
         "x-acme-widget", "email-message", "user-account", "windows-registry-key", "artifact", "_t"]
PROPS = ["name", "size", "value", "pid", "src_port", "x_y", "_under", "created", "payload_bin", "key"]


def literal(allow_bool=True):
    kind = rng.choice(["int", "float", "str", "bool", "bin", "hex", "ts"] if allow_bool
                      else ["int", "float", "str", "bin", "hex", "ts"])
    if kind == "int":
        return rng.choice(["0", "1", "-1", "+7", "443", "-0", "123456789", str(rng.randint(-99999, 99999))])
    if kind == "float":
        return rng.choice(["0.5", "-1.25", "+3.0", ".5", "-.75", "1024.0", "3.14159"])
    if kind == "str":
        return q(rng.choice(["a", "", "it's", "back\\slash", "evil.exe", "10.0.0.0/8", "%.exe", "ünï", "a b"]))
    if kind == "bool":
        return rng.choice(["true", "false"])
    if kind == "bin":
        return "b'" + base64.b64encode(bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 7)))).decode() + "'"
    if kind == "hex":
        return "h'" + "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(2 * rng.randint(0, 5))) + "'"
    return "t'" + ts(frac=rng.random() < 0.3) + "'"


def path():
    t = rng.choice(TYPES)
    first = rng.choice(PROPS + ["'quoted key'", "hashes", "extensions"])
    p = t + ":" + first
    if first == "hashes":
        p += "." + rng.choice(["MD5", "'SHA-256'", "'SHA-1'", "sha256", "ssdeep", "'x-custom'", "MD6"])
        return p
    if first == "extensions":
        p += "." + rng.choice(["'windows-pebinary-ext'", "'archive-ext'", "'x-ext'"]) + "." + rng.choice(PROPS)
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        p += rng.choice(["." + rng.choice(PROPS), "[" + rng.choice(["0", "1", "+2", "*"]) + "]",
                         ".'a-b'", ".src_ref", ".child_refs[*]"])
    return p


def hash_literal(p):
    # A literal of the right form for the algorithm most of the time.
    algo = p.rsplit(".", 1)[-1].upper().replace("-", "").replace("'", "")
    good = {"MD5": MD5, "SHA256": SHA256, "SHA1": "a" * 40, "SSDEEP": "3:abc:def", "MD6": "b" * 32}
    if algo in good and rng.random() < 0.8:
        return q(good[algo])
    return literal()


def prop_test(depth=0):
    r = rng.random()
    if depth < 2 and r < 0.1:
        return "(" + comparison(depth + 1) + ")"
    if r < 0.15:
        return "EXISTS " + path()
    p = path()
    neg = "NOT " if rng.random() < 0.15 else ""
    op = rng.choice(["=", "!=", "==", "<>", "<", "<=", ">", ">=", "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"])
    if op in ("=", "!=", "==", "<>"):
        value = hash_literal(p) if ":hashes." in p else literal()
        return "%s %s%s %s" % (p, neg, op, value)
    if op in ("<", "<=", ">", ">="):
        return "%s %s%s %s" % (p, neg, op, literal(allow_bool=False))
    if op == "IN":
        kind = rng.choice(["int", "str", "mixed", "empty"])
        if kind == "int":
            items = [str(rng.randint(0, 100)) for _ in range(rng.randint(1, 4))]
        elif kind == "str":
            items = [q(rng.choice(["a", "b", "c.exe"])) for _ in range(rng.randint(1, 4))]
        elif kind == "mixed":
            items = [literal() for _ in range(rng.randint(1, 3))]
        else:
            items = []
        return "%s %sIN (%s)" % (p, neg, ", ".join(items))
    value = {"LIKE": ["'%.exe'", "'a_c'", "'%'"], "MATCHES": ["'^a.*z$'", "'[0-9]+'", "'(a|b)'"],
             "ISSUBSET": ["'10.0.0.0/8'", "'192.168.0.0/16'"], "ISSUPERSET": ["'10.1.2.3'", "'10.0.0.0/24'"]}[op]
    return "%s %s%s %s" % (p, neg, op, rng.choice(value))


def comparison(depth=0):
    parts = [prop_test(depth) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    out = parts[0]
    for part in parts[1:]:
        out += rng.choice([" AND ", " OR "]) + part
    return out


def qualifier():
    return rng.choice([
        "WITHIN %s SECONDS" % rng.choice(["1", "300", "0.5", "+10", "0", "86400"]),
        "REPEATS %s TIMES" % rng.choice(["1", "2", "5", "0"]),
        "START t'%s' STOP t'%s'" % (ts(2019), ts(2021)),
    ])


def observation(depth=0):
    if depth < 2 and rng.random() < 0.2:
        inner = observations(depth + 1)
        out = "(" + inner + ")"
    else:
        out = "[" + comparison() + "]"
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
        out += " " + qualifier()
    return out


def observations(depth=0):
    out = observation(depth)
    for _ in range(rng.choice([0, 0, 1, 2])):
        out += " " + rng.choice(["AND", "OR", "FOLLOWEDBY"]) + " " + observation(depth)
    return out


def mutate(p):
    chars = list(p)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(chars) + 1)
        action = rng.choice(["insert", "delete", "replace"])
        c = rng.choice("[]()'\\:.,=<>!*-+ 0aZ_tbh%\n")
        if action == "insert":
            chars.insert(i, c)
        elif chars and i < len(chars):
            if action == "delete":
                del chars[i]
            else:
                chars[i] = c
    return "".join(chars)


EDGE_PATTERNS = [
    "[file:name = 'a']",
    "[file:name == 'a']",
    "[file:name <> 'a']",
    "[file:name = 'a'",
    "file:name = 'a'",
    "[file:name = 'a'] and [file:name = 'b']",
    "[file:name = 'a'] AND [file:name = 'b']",
    "[file:name = 'a'] FOLLOWEDBY [file:name = 'b'] OR [file:size > 5]",
    "([file:name = 'a'])",
    "((([file:name = 'a'])))",
    "  \t[file:name = 'a']  ",
    "/* comment */ [file:name = 'a']",
    "[file:name = 'a'] /* trailing */",
    "[file:name = 'a'] // line comment",
    "[file:name /* inside */ = 'a']",
    "[file:name = 'a'] @",
    "[file:name = 'a'];",
    "[file:name = \"a\"]",
    "[file:\"name\" = 'a']",
    "[file:'name' = 'a']",
    "[file:name.'quoted key'[0] = 'a']",
    "[file:hashes.MD5 = '%s']" % MD5,
    "[file:hashes.MD5 = '%s0']" % MD5,
    "[file:hashes.'SHA-256' = '%s']" % SHA256,
    "[file:hashes.'SHA-256' = '%s']" % MD5,
    "[file:hashes.sha256 = '%s']" % SHA256,
    "[file:hashes.'SHA-256' IN ('%s')]" % SHA256,
    "[file:hashes.MD5 LIKE '%s']" % MD5,
    "[file:hashes.MD5 = 5]",
    "[file:hashes.'x-custom' = 'anything']",
    "[file:hashes.MD6 = '%s']" % ("a" * 40),
    "[file:hashes.MD6 = 'abc']",
    "[file:hashes.SSDEEP = '3:abc:def']",
    "[file:hashes.SSDEEP = 'not ssdeep!']",
    "[file:hashes[*] = 'x']",
    "[file:hashes.MD5 = '%s\n']" % MD5,
    "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
    "[file:extensions.'windows-pebinary-ext'.sections[0].name = '.text']",
    "[file:extensions.windows-pebinary-ext.sections = 'a']",
    "[x-acme:field = 1]",
    "[x_acme:field = 1]",
    "[AND:field = 1]",
    "[true:field = 1]",
    "[file:true = 1]",
    "[file:AND = 1]",
    "[file:LAST = 1]",
    "[file:last = 1]",
    "[file:a-b = 1]",
    "[file:1a = 1]",
    "[file:name.1 = 1]",
    "[file:name[01] = 1]",
    "[file:name[-1] = 1]",
    "[file:name[+1] = 1]",
    "[file:name[1.5] = 1]",
    "[file:size = 007]",
    "[file:size = -0]",
    "[file:size = +5]",
    "[file:size = 5.]",
    "[file:size = .5]",
    "[file:size = -.5]",
    "[file:size = 1e5]",
    "[file:size > true]",
    "[file:size = true]",
    "[file:size = TRUE]",
    "[file:size IN ()]",
    "[file:size IN (1)]",
    "[file:size IN (1, 'a', true)]",
    "[file:size IN (1,)]",
    "[file:size IN 1]",
    "[file:size NOT IN (1, 2)]",
    "[file:size NOT = 1]",
    "[file:size NOT != 1]",
    "[file:size NOT < 1]",
    "[NOT file:size = 1]",
    "[file:size = NOT 1]",
    "[EXISTS file:size]",
    "[NOT EXISTS file:size]",
    "[file:size EXISTS]",
    "[EXISTS file:size AND file:name = 'a']",
    "[file:name LIKE 'a%']",
    "[file:name LIKE 5]",
    "[file:name MATCHES '^a$']",
    "[file:name NOT MATCHES 'a']",
    "[ipv4-addr:value ISSUBSET '10.0.0.0/8']",
    "[ipv4-addr:value ISSUPERSET '10.0.0.1']",
    "[ipv4-addr:value ISSUBSET 10]",
    "[file:name = b'YWJj']",
    "[file:name = b'YWI=']",
    "[file:name = b'YQ==']",
    "[file:name = b'YQ=']",
    "[file:name = b'Y===']",
    "[file:name = b'']",
    "[file:name = b'AB==']",
    "[file:name = h'']",
    "[file:name = h'0a']",
    "[file:name = h'0']",
    "[file:name = h'zz']",
    "[file:name = B'YWJj']",
    "[file:name = t'2020-01-01T00:00:00Z']",
    "[file:name = t'2020-01-01T00:00:00.123Z']",
    "[file:name = t'2020-01-01T00:00:00.Z']",
    "[file:name = t'2020-01-01T00:00:00']",
    "[file:name = t'2020-01-01 00:00:00Z']",
    "[file:name = t'2020-13-01T00:00:00Z']",
    "[file:name = t'2020-02-30T00:00:00Z']",
    "[file:name = t'2020-01-01T24:00:00Z']",
    "[file:name = t'2020-01-01T00:60:00Z']",
    "[file:name = t'2020-01-01T00:00:60Z']",
    "[file:name = t'2020-01-01T00:00:61Z']",
    "[file:name = t'2020-1-01T00:00:00Z']",
    "[file:name = T'2020-01-01T00:00:00Z']",
    "[file:name = 'it\\'s']",
    "[file:name = 'back\\\\slash']",
    "[file:name = 'bad\\escape']",
    "[file:name = 'unterminated]",
    "[file:name = 'multi\nline']",
    "[file:name = 'a'] WITHIN 5 SECONDS",
    "[file:name = 'a'] WITHIN 5.5 SECONDS",
    "[file:name = 'a'] WITHIN -5 SECONDS",
    "[file:name = 'a'] WITHIN 0 SECONDS",
    "[file:name = 'a'] WITHIN 5 SECOND",
    "[file:name = 'a'] WITHIN 5",
    "[file:name = 'a'] within 5 seconds",
    "[file:name = 'a'] REPEATS 2 TIMES",
    "[file:name = 'a'] REPEATS 2.5 TIMES",
    "[file:name = 'a'] REPEATS -2 TIMES",
    "[file:name = 'a'] REPEATS 0 TIMES",
    "[file:name = 'a'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'",
    "[file:name = 'a'] START t'2021-01-01T00:00:00Z' STOP t'2020-01-01T00:00:00Z'",
    "[file:name = 'a'] START '2020-01-01T00:00:00Z' STOP '2021-01-01T00:00:00Z'",
    "[file:name = 'a'] START t'2020-01-01T00:00:00Z'",
    "[file:name = 'a'] WITHIN 5 SECONDS WITHIN 6 SECONDS",
    "([file:name = 'a']) WITHIN 5 SECONDS WITHIN 6 SECONDS",
    "([file:name = 'a'] WITHIN 5 SECONDS) WITHIN 6 SECONDS",
    "[file:name = 'a'] REPEATS 2 TIMES REPEATS 3 TIMES",
    "[file:name = 'a'] REPEATS 2 TIMES WITHIN 5 SECONDS",
    "[file:name = 'a'] WITHIN 5 SECONDS REPEATS 2 TIMES WITHIN 6 SECONDS",
    "[file:name = 'a'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z' "
    "START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'",
    "[file:name = 'a'] AND [file:name = 'b'] WITHIN 5 SECONDS WITHIN 6 SECONDS",
    "([file:name = 'a'] AND [file:name = 'b']) WITHIN 5 SECONDS WITHIN 6 SECONDS",
    "[file:name = 'a'] WITHIN 5 SECONDS AND [file:name = 'b'] WITHIN 5 SECONDS",
    "[file:name = 'a' AND (file:size = 1 OR file:size = 2)]",
    "[(file:name = 'a')]",
    "[((file:name = 'a'))]",
    "[file:name = 'a' AND]",
    "[file:name = 'a' OR OR file:size = 1]",
    "[file:name = 'a' FOLLOWEDBY file:size = 1]",
    "[file:name = 'a'] FOLLOWEDBY",
    "[file:name = 'a'] [file:name = 'b']",
    "[]",
    "[file]",
    "[file:]",
    "[file:name]",
    "[:name = 'a']",
    "[file name = 'a']",
    "(",
    "(]",
    "([file:name = 'a']",
    "[file:name = 'a'])",
    "[file:name\u00a0= 'a']",
    "[file:name\u2003=\u3000'a']",
    "[file:name = 'a']\u200b",
    "[file:naмe = 'a']",
    "[file:name = 'ünïcödé']",
    "[network-traffic:src_ref.value = '10.0.0.1']",
    "[network-traffic:protocols[*] = 'tcp']",
    "[process:child_refs[*].name = 'cmd.exe']",
    "[email-message:from_ref.value MATCHES '.+@example\\\\.com$']",
    "[windows-registry-key:values[*].data = 'x']",
    "[artifact:payload_bin = b'SGVsbG8=']",
    "[file:size > 99999999999999999999]",
    "[file:size IN (1, 2.5)]",
]


def build_patterns():
    out = list(EDGE_PATTERNS)
    generated = [observations() for _ in range(420)]
    out.extend(generated)
    out.extend(mutate(rng.choice(generated + EDGE_PATTERNS[:40])) for _ in range(260))
    return out


# ---------------------------------------------------------------------------------------------
# Observed data and patterns about it

NAMES = ["evil.exe", "notepad.exe", "a_c", "abc", "report.pdf", "it's.txt", "ABC.EXE", "x\ny", "ünï.txt"]
IPS = ["10.0.0.1", "10.1.2.3", "192.168.1.7", "8.8.8.8", "172.16.5.4", "10.0.0.0/24", "2001:db8::1"]
DOMAINS = ["example.com", "evil.example.org", "xn--e1afmkfd.test"]


class World:
    """A few observed-data objects and their SCOs."""

    def __init__(self):
        self.objects = []
        self.counter = 0

    def new_id(self, t):
        self.counter += 1
        return "%s--00000000-0000-4000-8000-%012d" % (t, self.counter)

    def sco(self, t, **props):
        obj = {"type": t, "id": self.new_id(t)}
        obj.update(props)
        self.objects.append(obj)
        return obj

    def file(self):
        props = {"name": rng.choice(NAMES), "size": rng.choice([0, 1, 512, 1024, 4096, 2.5, 10 ** 6])}
        if rng.random() < 0.6:
            props["hashes"] = {rng.choice(["MD5", "SHA-256"]): rng.choice([MD5, SHA256])}
        if rng.random() < 0.3:
            props["x_data_hex"] = rng.choice(["616263", "00ff", "DEADBEEF", ""])
        if rng.random() < 0.3:
            props["x_data_bin"] = rng.choice(["YWJj", "AAEC", "SGVsbG8="])
        if rng.random() < 0.3:
            props["created"] = ts()
        if rng.random() < 0.2:
            props["is_encrypted"] = rng.choice([True, False])
        if rng.random() < 0.3:
            props["extensions"] = {"windows-pebinary-ext": {"pe_type": "exe", "sections": [
                {"name": rng.choice([".text", ".data"]), "entropy": rng.choice([3.5, 7.2, 7.9])}
                for _ in range(rng.randint(1, 3))]}}
        if rng.random() < 0.3:
            d = self.sco("directory", path=rng.choice(["C:\\Windows", "/tmp", "/usr/bin"]))
            props["parent_directory_ref"] = d["id"]
        return self.sco("file", **props)

    def traffic(self):
        src = self.sco("ipv4-addr", value=rng.choice(IPS))
        dst = self.sco(rng.choice(["ipv4-addr", "domain-name"]), value=rng.choice(IPS + DOMAINS))
        return self.sco("network-traffic", src_ref=src["id"], dst_ref=dst["id"],
                        src_port=rng.choice([80, 443, 8080, 53]), dst_port=rng.choice([80, 443]),
                        protocols=rng.sample(["ipv4", "tcp", "udp", "http", "dns"], rng.randint(1, 3)))

    def process(self):
        kids = [self.sco("process", pid=rng.randint(2, 9999), name=rng.choice(NAMES))
                for _ in range(rng.randint(0, 2))]
        props = {"pid": rng.choice([4, 1234, 4242]), "name": rng.choice(NAMES)}
        if kids:
            props["child_refs"] = [k["id"] for k in kids] + (["process--missing"] if rng.random() < 0.2 else [])
        return self.sco("process", **props)

    def observed(self, start_year=2020):
        roots = []
        for _ in range(rng.randint(1, 3)):
            maker = rng.choice([self.file, self.traffic, self.process, lambda: self.sco(
                "domain-name", value=rng.choice(DOMAINS)), lambda: self.sco("url", value="http://" + rng.choice(DOMAINS) + "/x")])
            roots.append(maker())
        first = "%d-01-01T00:%02d:%02dZ" % (start_year, rng.randint(0, 5), rng.randint(0, 59))
        span = rng.choice([0, 0, 1, 30, 200])
        last_minute = int(first[14:16]) + span // 60
        last_second = int(first[17:19]) + span % 60
        last_minute += last_second // 60
        last = "%d-01-01T00:%02d:%02dZ" % (start_year, last_minute, last_second % 60)
        refs = sorted({o["id"] for o in self.objects if o["type"] != "observed-data"})
        od = {"type": "observed-data", "spec_version": "2.1", "id": self.new_id("observed-data"),
              "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
              "first_observed": first, "last_observed": last,
              "number_observed": rng.choice([1, 1, 1, 2, 3]), "object_refs": refs}
        # Each observed-data refers to the objects made since the previous one.
        done = {r for o in self.objects if o["type"] == "observed-data" for r in o["object_refs"]}
        od["object_refs"] = [r for r in refs if r not in done]
        self.objects.append(od)
        return od


def values_of(world, t, prop):
    vals = []
    for o in world.objects:
        if o["type"] == t and prop in o:
            vals.append(o[prop])
    return vals


def json_literal(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return q(v)


def world_test(world):
    """A comparison, about the world's values most of the time."""
    kind = rng.choice(["name", "size", "hash", "ip", "port", "proto", "ref", "refs", "domain", "hex", "bin",
                       "created", "ext", "exists", "pid", "enc", "url"])
    neg = "NOT " if rng.random() < 0.12 else ""
    if kind == "name":
        names = values_of(world, "file", "name") or NAMES
        op = rng.choice(["=", "!=", "LIKE", "MATCHES", "IN", "<", ">="])
        name = rng.choice(names + NAMES[:2])
        if op == "LIKE":
            pat = rng.choice([name[:2] + "%", "%" + name[-3:], name.replace(name[0], "_", 1), "%", "a_c", "%.EXE"])
            return "file:name %sLIKE %s" % (neg, q(pat))
        if op == "MATCHES":
            return "file:name %sMATCHES %s" % (neg, q(rng.choice(["^" + name[:2], "exe", "^[a-z]+\\.exe", "(pdf|txt)",
                                                                  "\\d", "^.{3}", "[A-Z]{3}", "x.y", "(?i)abc"])))
        if op == "IN":
            return "file:name %sIN (%s)" % (neg, ", ".join(q(rng.choice(names + NAMES)) for _ in range(rng.randint(1, 3))))
        if op in ("<", ">="):
            return "file:name %s%s %s" % (neg, op, q(rng.choice(["m", "a", "z", name])))
        return "file:name %s%s %s" % (neg, op, q(name))
    if kind == "size":
        sizes = values_of(world, "file", "size") or [1]
        op = rng.choice(["=", "!=", "<", "<=", ">", ">=", "IN"])
        v = rng.choice(sizes + [512, 1000, 2.5, 0])
        if op == "IN":
            return "file:size %sIN (%s)" % (neg, ", ".join(json_literal(rng.choice(sizes + [7, 1.0, 2.5])) for _ in range(2)))
        lit = json_literal(v) if rng.random() < 0.8 else rng.choice(["'512'", "1024.0", "-1", "true" if op in "=!=" else "0"])
        return "file:size %s%s %s" % (neg, op, lit)
    if kind == "hash":
        algo = rng.choice(["MD5", "'SHA-256'"])
        value = MD5 if algo == "MD5" else SHA256
        if rng.random() < 0.3:
            value = value.upper()
        return "file:hashes.%s %s%s %s" % (algo, neg, rng.choice(["=", "!="]), q(value))
    if kind == "ip":
        op = rng.choice(["ISSUBSET", "ISSUPERSET", "=", "MATCHES"])
        if op == "ISSUBSET":
            return "ipv4-addr:value %sISSUBSET %s" % (neg, q(rng.choice(["10.0.0.0/8", "10.0.0.0/24", "192.168.0.0/16",
                                                                          "0.0.0.0/1", "10.0.0.1/32", "8.8.8.8/31"])))
        if op == "ISSUPERSET":
            return "ipv4-addr:value %sISSUPERSET %s" % (neg, q(rng.choice(["10.0.0.1", "10.0.0.0/25", "8.8.8.8", "10.0.0.0/8"])))
        if op == "MATCHES":
            return "ipv4-addr:value %sMATCHES '^10\\\\.'" % neg
        return "ipv4-addr:value %s= %s" % (neg, q(rng.choice(IPS)))
    if kind == "port":
        return "network-traffic:%s %s%s %d" % (rng.choice(["src_port", "dst_port"]), neg,
                                               rng.choice(["=", "<", ">", "!=", ">=", "<="]), rng.choice([53, 80, 443, 1024]))
    if kind == "proto":
        return "network-traffic:protocols[%s] %s= %s" % (rng.choice(["*", "0", "1", "-1", "5"]), neg,
                                                          q(rng.choice(["tcp", "udp", "ipv4", "dns"])))
    if kind == "ref":
        return "network-traffic:%s.value %s%s" % (
            rng.choice(["src_ref", "dst_ref"]), neg,
            rng.choice([" = " + q(rng.choice(IPS + DOMAINS)), " ISSUBSET '10.0.0.0/8'", " LIKE '%.com'",
                        " IN ('8.8.8.8', '10.0.0.1')"]))
    if kind == "refs":
        return "process:child_refs[%s].%s %s= %s" % (
            rng.choice(["*", "0", "1"]), rng.choice(["name", "pid"]), neg,
            q(rng.choice(NAMES)) if rng.random() < 0.6 else str(rng.randint(2, 9999)))
    if kind == "domain":
        return "domain-name:value %s%s" % (neg, rng.choice([" = " + q(rng.choice(DOMAINS)), " LIKE '%.example.%'",
                                                           " MATCHES 'example\\\\.(com|org)$'"]))
    if kind == "hex":
        return "file:x_data_hex %s%s" % (neg, rng.choice([" = h'616263'", " = 'abc'", " = b'YWJj'", " > h'00'",
                                                         " < 'zzz'", " LIKE 'a%'", " MATCHES '^ab'", " = h'deadbeef'",
                                                         " IN (h'616263', h'00ff')"]))
    if kind == "bin":
        return "file:x_data_bin %s%s" % (neg, rng.choice([" = 'abc'", " = h'000102'", " = b'SGVsbG8='", " >= 'Hello'",
                                                         " LIKE 'Hel%'", " MATCHES 'l+'"]))
    if kind == "created":
        op = rng.choice(["=", "<", ">", ">=", "IN", "!="])
        t = rng.choice(values_of(world, "file", "created") or [ts()])
        if op == "IN":
            return "file:created %sIN (t'%s', t'%s')" % (neg, t, ts())
        return "file:created %s%s t'%s'" % (neg, op, t if rng.random() < 0.5 else ts())
    if kind == "ext":
        return "file:extensions.'windows-pebinary-ext'.sections[%s].%s" % (
            rng.choice(["*", "0", "1"]), rng.choice(["entropy > 7.0", "entropy <= 3.5", "name = '.text'", "name != '.data'"]))
    if kind == "exists":
        return "EXISTS " + rng.choice(["file:hashes.MD5", "file:parent_directory_ref.path", "process:child_refs",
                                       "network-traffic:protocols[2]", "file:extensions"])
    if kind == "pid":
        return "process:pid %s%s %d" % (neg, rng.choice(["=", ">", "<"]), rng.choice([4, 1234, 4242, 5000]))
    if kind == "enc":
        return "file:is_encrypted %s%s" % (neg, rng.choice([" = true", " = false", " != true", " IN (true)", " IN (1)", " = 1"]))
    return "url:value %s%s" % (neg, rng.choice([" LIKE 'http://%'", " MATCHES '/x$'", " = 'http://example.com/x'"]))


def world_comparison(world):
    parts = [world_test(world) for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))]
    out = parts[0]
    for part in parts[1:]:
        out += rng.choice([" AND ", " OR ", " OR "]) + part
    if rng.random() < 0.1 and len(parts) > 1:
        out = "(" + out + ")"
    return out


def world_observation(world, depth=0):
    if depth < 1 and rng.random() < 0.15:
        out = "(" + world_pattern(world, depth + 1) + ")"
    else:
        out = "[" + world_comparison(world) + "]"
    r = rng.random()
    if r < 0.15:
        out += " WITHIN %s SECONDS" % rng.choice(["1", "10", "60", "120", "0.5", "3600", "300"])
    elif r < 0.25:
        out += " REPEATS %d TIMES" % rng.choice([1, 2, 2, 3, 4])
    elif r < 0.35:
        a, b = rng.choice([("2019-01-01T00:00:00Z", "2021-01-01T00:00:00Z"), ("2020-01-01T00:00:00Z", "2020-01-01T00:01:00Z"),
                           ("2020-01-01T00:03:00Z", "2020-01-01T01:00:00Z"), ("2021-01-01T00:00:00Z", "2022-01-01T00:00:00Z"),
                           ("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z")])
        out += " START t'%s' STOP t'%s'" % (a, b)
    return out


def world_pattern(world, depth=0):
    out = world_observation(world, depth)
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        out += " " + rng.choice(["AND", "OR", "FOLLOWEDBY"]) + " " + world_observation(world, depth)
    return out


PAIR_EDGE = [
    # Refusals of the matcher that must be refusals here too.
    ("[file:name = 'a'] REPEATS 0 TIMES", None),
    ("[file:name = 'a'] WITHIN 0 SECONDS", None),
    ("[file:name IN ('a', 1)]", None),
    ("[file:name = t'2020-02-30T00:00:00Z']", None),
    ("[file:name = 'a'] START t'2020-01-01T00:00:60Z' STOP t'2021-01-01T00:00:00Z'", None),
    ("[file:name = t'2020-01-01T00:00:00Z']", None),
    ("[file:name > t'2020-01-01T00:00:00Z']", None),
    ("[file:name IN (t'2020-01-01T00:00:00Z')]", None),
    ("[ipv4-addr:value ISSUBSET 'not a cidr']", None),
    ("[ipv4-addr:value ISSUBSET '10.0.0.0/0']", None),
    ("[file:name ISSUBSET '10.0.0.0/8']", None),
    ("[file:name MATCHES '(unclosed']", None),
    ("[indicator:name = 'x']", None),
    ("[observed-data:number_observed > 0]", None),
    ("[file:name = 'evil.exe'] START t'2021-01-01T00:00:00Z' STOP t'2020-01-01T00:00:00Z'", None),
    ("[file:name = 'evil.exe'] AND [file:name = 'evil.exe']", None),
    ("[file:name = 'evil.exe'] REPEATS 3 TIMES", None),
    ("[file:name = 'evil.exe'] FOLLOWEDBY [file:name = 'evil.exe']", None),
]


def probe_world():
    """A fixed world for the semantic probes: values and times chosen to sit on the edges."""
    f1 = {"type": "file", "id": "file--p1", "name": "abc\n", "size": 1024, "x_data_hex": "616263",
          "x_data_bin": "w6k=", "is_encrypted": True, "created": "2020-01-01T00:00:00.1234567Z",
          "child_refs": ["file--p2", "file--missing", "file--p3"], "weird_ref": "observed-data--p1",
          "tags": ["a", 1, None, {"k": "v"}, ["x"]], "nothing": None}
    f2 = {"type": "file", "id": "file--p2", "name": "x\ny", "size": 2.5, "is_encrypted": False}
    f3 = {"type": "file", "id": "file--p3", "name": "ABC", "size": 0}
    ip = {"type": "ipv4-addr", "id": "ipv4-addr--p1", "value": "10.1"}
    ip2 = {"type": "ipv4-addr", "id": "ipv4-addr--p2", "value": "192.168.1.0/24"}
    od1 = {"type": "observed-data", "id": "observed-data--p1", "first_observed": "2020-01-01T00:00:00Z",
           "last_observed": "2020-01-01T00:00:10Z", "number_observed": 2,
           "object_refs": ["file--p1", "file--p2", "file--p3", "file--p1", "ipv4-addr--p1"]}
    od2 = {"type": "observed-data", "id": "observed-data--p2", "first_observed": "2020-01-01T00:00:20.5Z",
           "last_observed": "2020-01-01T00:00:30Z", "number_observed": 1, "object_refs": ["file--p2", "ipv4-addr--p2"]}
    od3 = {"type": "observed-data", "id": "observed-data--p3", "first_observed": "2020-01-01T00:01:00Z",
           "last_observed": "2020-01-01T00:01:00Z", "number_observed": 3, "object_refs": ["file--p3"]}
    return [od1, f1, f2, f3, ip, ip2, od2, od3]


PROBES = [
    "[file:size = 1024.0]", "[file:size = '1024']", "[file:size != '1024']", "[file:size NOT = '1024']",
    "[file:size > 'a']", "[file:size NOT > 'a']", "[file:size > 1023.5]", "[file:size < 2.5]", "[file:size <= 2.5]",
    "[file:size IN (1024.0, 7)]", "[file:size IN (1024.5)]", "[file:is_encrypted IN (1)]", "[file:is_encrypted IN (0)]",
    "[file:is_encrypted = 1]", "[file:is_encrypted = true]", "[file:is_encrypted != false]", "[file:size IN (true)]",
    "[file:size = 0 AND file:name = 'ABC']", "[file:size = 0 AND file:name = 'abc\n']",
    "[file:x_data_hex = 'abc']", "[file:x_data_hex < 'abd']", "[file:x_data_hex > '\u0101']",
    "[file:x_data_hex > 'ā']", "[file:x_data_hex NOT > 'ā']", "[file:x_data_hex NOT = 'ā']",
    "[file:x_data_hex = h'616263']", "[file:x_data_hex = b'YWJj']", "[file:x_data_hex IN (h'616263')]",
    "[file:x_data_hex IN ('abc')]", "[file:x_data_hex LIKE 'a%']", "[file:x_data_hex MATCHES '^ab']",
    "[file:x_data_bin = 'é']", "[file:x_data_bin LIKE 'é']", "[file:x_data_bin MATCHES 'é']", "[file:x_data_bin MATCHES '^.$']",
    "[file:x_data_bin MATCHES '^..$']", "[file:name = b'YWJjCg==']", "[file:name = h'6162630a']",
    "[file:name LIKE 'abc']", "[file:name LIKE 'abc%']", "[file:name LIKE 'abc_']", "[file:name LIKE 'x%']",
    "[file:name LIKE 'x_y']", "[file:name LIKE '%']", "[file:name LIKE '_B_']", "[file:name LIKE 'a.c%']",
    "[file:name MATCHES 'x.y']", "[file:name MATCHES '^abc']", "[file:name MATCHES 'c$']", "[file:name MATCHES '(?i)^abc']",
    "[file:name MATCHES '\\d']", "[file:name NOT MATCHES 'z']", "[file:name NOT LIKE 'zz']",
    "[file:name > 'ABC']", "[file:name < 'abc\n']", "[file:name >= 'abc\n']", "[file:name IN ('ABC', 'x')]",
    "[file:created = t'2020-01-01T00:00:00.123456Z']", "[file:created = t'2020-01-01T00:00:00.1234567Z']",
    "[file:created > t'2020-01-01T00:00:00.123455Z']", "[file:created IN (t'2020-01-01T00:00:00.123456Z')]",
    "[file:created != t'2020-01-01T00:00:00Z']", "[file:created LIKE '2020%']",
    "[file:child_refs[*].name = 'x\ny']", "[file:child_refs[1].name = 'ABC']", "[file:child_refs[2].name = 'ABC']",
    "[file:child_refs[-1].name = 'ABC']", "[file:child_refs[0].size > 2]", "[file:child_refs = 'file--p2']",
    "[file:child_refs != 'file--p2']", "[file:weird_ref.number_observed = 2]", "[file:weird_ref.type = 'observed-data']",
    "[file:tags[*] = 'a']", "[file:tags[*] = 1]", "[file:tags[3].k = 'v']", "[file:tags[4][0] = 'x']", "[file:tags != 'a']",
    "[file:tags[*] IN ('a', 'b')]", "[file:nothing = 'x']", "[file:nothing != 'x']", "[EXISTS file:nothing]",
    "[EXISTS file:tags[9]]", "[EXISTS file:child_refs[*].size]", "[EXISTS file:child_refs[5]]",
    "[ipv4-addr:value ISSUBSET '10.0.0.0/16']", "[ipv4-addr:value ISSUBSET '10.0.0.1/32']",
    "[ipv4-addr:value ISSUPERSET '192.168.1.200']", "[ipv4-addr:value ISSUPERSET '192.168.0.0/16']",
    "[ipv4-addr:value ISSUPERSET '192.168.1.0/25']", "[ipv4-addr:value NOT ISSUBSET '11.0.0.0/8']",
    "[file:name = 'ABC'] AND [file:name = 'ABC']", "[file:name = 'ABC'] AND [file:name = 'ABC'] AND [file:name = 'ABC']",
    "[file:name = 'ABC'] REPEATS 4 TIMES", "[file:name = 'ABC'] REPEATS 5 TIMES", "[file:name = 'ABC'] REPEATS 6 TIMES",
    "[file:size = 1024] REPEATS 2 TIMES", "[file:size = 1024] REPEATS 3 TIMES",
    "([file:size = 1024] OR [file:size = 0]) REPEATS 5 TIMES", "([file:size = 1024] OR [file:size = 0]) REPEATS 6 TIMES",
    "([file:size = 1024] AND [file:size = 0]) REPEATS 2 TIMES", "([file:size = 1024] AND [file:size = 0]) REPEATS 3 TIMES",
    "[file:size = 2.5] AND [file:size = 2.5]", "[file:size = 2.5] AND [file:size = 2.5] AND [file:size = 2.5]",
    "[file:size = 2.5] AND [file:size = 2.5] AND [file:size = 2.5] AND [file:size = 2.5]",
    "[file:size = 1024] FOLLOWEDBY [file:size = 1024]", "[file:size = 1024] FOLLOWEDBY [ipv4-addr:value = '192.168.1.0/24']",
    "[ipv4-addr:value = '192.168.1.0/24'] FOLLOWEDBY [file:size = 1024]", "[file:size = 0] FOLLOWEDBY [file:size = 1024]",
    "[file:size = 0] FOLLOWEDBY [file:size = 0]", "[file:size = 2.5] FOLLOWEDBY [file:size = 2.5]",
    "([file:size = 1024] AND [ipv4-addr:value = '192.168.1.0/24']) WITHIN 10 SECONDS",
    "([file:size = 1024] AND [ipv4-addr:value = '192.168.1.0/24']) WITHIN 10.5 SECONDS",
    "([file:size = 1024] AND [ipv4-addr:value = '192.168.1.0/24']) WITHIN 10.4 SECONDS",
    "([file:size = 1024] AND [file:size = 0]) WITHIN 1 SECONDS",
    "([file:size = 0] AND [file:size = 0]) WITHIN 0.000001 SECONDS",
    "([file:size = 0] AND [ipv4-addr:value = '192.168.1.0/24']) WITHIN 30 SECONDS",
    "([file:size = 0] AND [ipv4-addr:value = '192.168.1.0/24']) WITHIN 29.5 SECONDS",
    "[file:size = 1024] START t'2020-01-01T00:00:10Z' STOP t'2020-01-02T00:00:00Z'",
    "[file:size = 1024] START t'2019-01-01T00:00:00Z' STOP t'2020-01-01T00:00:00Z'",
    "[file:size = 1024] START t'2019-01-01T00:00:00Z' STOP t'2020-01-01T00:00:00.000001Z'",
    "[file:size = 0] START t'2020-01-01T00:01:00Z' STOP t'2020-01-01T00:02:00Z'",
    "[file:size = 0] START t'2020-01-01T00:00:30Z' STOP t'2020-01-01T00:01:00Z'",
    "([file:size = 2.5] OR [file:size = 0]) START t'2020-01-01T00:00:11Z' STOP t'2020-01-01T00:02:00Z'",
    "([file:size = 2.5] AND [file:size = 0]) START t'2020-01-01T00:00:11Z' STOP t'2020-01-01T00:02:00Z'",
    "([file:size = 2.5] FOLLOWEDBY [file:size = 0]) WITHIN 40 SECONDS",
    "([file:size = 2.5] FOLLOWEDBY [file:size = 0]) WITHIN 50 SECONDS REPEATS 2 TIMES",
    "[file:size = 1024] OR [file:size = 99]", "[file:size = 99] OR [file:size = 98]",
    "([file:size = 99] OR [file:size = 0]) AND [file:size = 0]",
    "[observed-data:id = 'observed-data--p1']", "[directory:path = 'x']",
]


def build_pairs():
    pairs = [{"pattern": p, "objects": probe_world()} for p in PROBES]
    for i in range(620):
        world = World()
        for j in range(rng.choice([1, 2, 2, 3, 4])):
            world.observed(start_year=rng.choice([2020, 2020, 2020, 2021]))
        pattern = PAIR_EDGE[i][0] if i < len(PAIR_EDGE) else world_pattern(world)
        objects = world.objects[:]
        rng.shuffle(objects)
        pairs.append({"pattern": pattern, "objects": objects})
    # Data the matcher refuses: a timestamp it cannot read, number_observed 0, bad hex.
    for bad in range(12):
        world = World()
        od = world.observed()
        f = world.sco("file", name="evil.exe", created="yesterday", x_data_hex="abc")
        od["object_refs"].append(f["id"])
        pattern = ["[file:created < t'2020-01-01T00:00:00Z']", "[file:created = 'yesterday']",
                   "[file:x_data_hex = 'a']", "[file:name = 'evil.exe']"][bad % 4]
        if bad >= 8:
            od["number_observed"] = 0
        if 4 <= bad < 8:
            od["first_observed"] = "2020-01-01"
        pairs.append({"pattern": pattern, "objects": world.objects})
    return pairs


def main():
    patterns = build_patterns()
    with open(os.path.join(HERE, "patterns.jsonl"), "w", encoding="utf-8") as f:
        for p in patterns:
            f.write(json.dumps({"pattern": p}, ensure_ascii=False) + "\n")
    pairs = build_pairs()
    with open(os.path.join(HERE, "pairs.jsonl"), "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n")
    print("%d patterns, %d pairs" % (len(patterns), len(pairs)))


if __name__ == "__main__":
    main()
