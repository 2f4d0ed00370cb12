#!/usr/bin/env python3
"""A fake Figma REST API for bench/shapes/run.sh: serves every `KEY.json` of a folder as the
file KEY (`GET /v1/files/KEY`, streamed from disk) and its version check (`GET
/v1/files/KEY/meta`). Loopback only; stdlib only.

  python3 fake_figma.py DIR PORT
"""
import http.server
import json
import os
import sys

DIR = sys.argv[1]
PORT = int(sys.argv[2])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        if len(parts) >= 3 and parts[:2] == ["v1", "files"]:
            key = parts[2]
            path = os.path.join(DIR, key + ".json")
            if os.path.isfile(path) and key.isalnum():
                if parts[3:] == ["meta"]:
                    body = json.dumps({"file": {"name": key, "version": "1",
                                                "last_touched_at": "2026-01-01T00:00:00Z"}})
                    return self.send(200, body.encode())
                if parts[3:] == []:
                    size = os.path.getsize(path)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(size))
                    self.end_headers()
                    with open(path, "rb") as file:
                        while chunk := file.read(1 << 20):
                            self.wfile.write(chunk)
                    return None
        return self.send(404, b'{"status":404,"err":"Not found"}')

    def send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
