"""Drives an Accord server with the OASIS reference TAXII 2.1 client (`taxii2-client`) and prints
what it saw as one JSON document, for the Rust test suite to check.

Usage: taxii_client_e2e.py DISCOVERY_URL USER PASSWORD"""
import json
import sys

from taxii2client.v21 import Server

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
print(json.dumps(seen))
