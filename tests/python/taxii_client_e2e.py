"""Drives an Accord server with the OASIS reference TAXII 2.1 client (`taxii2-client`), with
content built by the OASIS `stix2` library, and prints what it saw as one JSON document, for the
Rust test suite to check.

Usage: taxii_client_e2e.py DISCOVERY_URL USER PASSWORD"""
import json
import sys

import stix2
from taxii2client.v21 import Server, as_pages

url, user, password = sys.argv[1:4]
server = Server(url, user=user, password=password)
seen = {
    "title": server.title,
    "default": server.default.url if server.default else None,
    "api_roots": [],
}
for root in server.api_roots:
    seen["api_roots"].append(
        {
            "url": root.url,
            "title": root.title,
            "versions": root.versions,
            "max_content_length": root.max_content_length,
            "collections": [
                {"id": c.id, "title": c.title, "can_read": c.can_read, "can_write": c.can_write, "media_types": c.media_types}
                for c in root.collections
            ],
        }
    )
# Add a bundle to the first collection we may write, then read it back page by page.
root = server.default
writable = [c for c in root.collections if c.can_write]
if writable:
    collection = writable[0]
    indicators = [
        stix2.Indicator(
            name=f"C2 server {i}",
            pattern=f"[ipv4-addr:value = '203.0.113.{i}']",
            pattern_type="stix",
            valid_from="2018-04-17T00:00:00Z",
        )
        for i in range(12)
    ]
    status = collection.add_objects(stix2.Bundle(*indicators, allow_custom=True).serialize())
    read = []
    for page in as_pages(collection.get_objects, per_request=5):
        read.extend(o["id"] for o in page.get("objects", []))
    manifest_ids = sorted(i.id for i in indicators)
    seen["added"] = {
        "collection": collection.id,
        "status": status.status,
        "success_count": status.success_count,
        "failure_count": status.failure_count,
        "read_back": sorted(set(read) & set(manifest_ids)) == manifest_ids,
        "read_count": len(read),
    }
print(json.dumps(seen))
