#!/usr/bin/env python3
"""A scripted HTTP server for the golden cases of make pull and make push.

usage: server.py SCENARIO DIR [TIMEOUT]

Binds 127.0.0.1 on a port the system picks (never another address),
writes the port to DIR/port, and answers requests in the order they come
with the entries of SCENARIO, one entry a request: JSON lines (blank
lines and lines starting with '#' are skipped), each an object of

  "status"   the HTTP status (default 200)
  "headers"  {"Name": "value"} added to the answer
  "body"     the body's text, or "json" (a value sent as compact JSON),
             or "file" (a file's bytes, its path relative to SCENARIO's
             folder); "{port}" in a body reads as the port
  "delay"    seconds to wait before answering (a timeout)
  "close"    true: close the connection without an answer

Every request is appended to DIR/log: "== N METHOD PATH?QUERY", each
query parameter decoded when it was percent-encoded, the headers sorted
by name (without Host and User-Agent), and "body: ..." when one came.
A secret is never written: the value of each environment variable named
in TEST_SECRET_VARS reads "${NAME}" in the log, so a case shows that the
right secret went in the right header without writing it. A body may
name one the same way, "${NAME}", to make a server quote it.

With TEST_TLS_CERT and TEST_TLS_KEY set (PEM files), it speaks HTTPS.

The server exits once the scenario's last answer is sent, or after
TIMEOUT seconds (default 30) with "== timeout" in the log: it never
outlives its case. DIR/done is written when it exits.
"""
import http.server
import json
import os
import socketserver
import sys
import threading
import time
import urllib.parse

scenario_path, out_dir = sys.argv[1], sys.argv[2]
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0

secrets = []
for name in os.environ.get("TEST_SECRET_VARS", "").split():
    value = os.environ.get(name)
    if value:
        secrets.append((name, value))
secrets.sort(key=lambda nv: -len(nv[1]))


def mask(text):
    for name, value in secrets:
        text = text.replace(value, "${%s}" % name)
    return text


def unmask(text):
    for name, value in secrets:
        text = text.replace("${%s}" % name, value)
    return text


entries = []
base = os.path.dirname(os.path.abspath(scenario_path))
with open(scenario_path, encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append(json.loads(line))

lock = threading.Lock()
state = {"next": 0, "answered": 0}
log = open(os.path.join(out_dir, "log"), "a", encoding="utf-8")
finished = threading.Event()


def body_of(entry, port):
    if "file" in entry:
        with open(os.path.join(base, entry["file"]), "rb") as f:
            data = f.read()
    elif "json" in entry:
        data = json.dumps(entry["json"], separators=(",", ":")).encode()
    else:
        data = entry.get("body", "").encode()
    return unmask(data.decode("utf-8", "surrogateescape").replace(
        "{port}", str(port))).encode("utf-8", "surrogateescape")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            n = state["next"]
            state["next"] += 1
            out = ["== %d %s %s" % (n + 1, self.command, self.path)]
            query = urllib.parse.urlsplit(self.path).query
            for part in query.split("&") if query else []:
                if "%" in part or "+" in part:
                    k, _, v = part.partition("=")
                    out.append("   %s = %s" % (k, urllib.parse.unquote(v)))
            for k in sorted(self.headers.keys(), key=str.lower):
                if k.lower() not in ("host", "user-agent"):
                    out.append("%s: %s" % (k, self.headers[k]))
            if body:
                out.append("body: " + body.decode("utf-8", "replace"))
            if n >= len(entries):
                out.append("   (beyond the scenario)")
            log.write(mask("\n".join(out)) + "\n")
            log.flush()
        if n >= len(entries):
            self.close_connection = True
            return
        entry = entries[n]
        try:
            if entry.get("delay"):
                time.sleep(float(entry["delay"]))
            if entry.get("close"):
                self.close_connection = True
                return
            data = body_of(entry, self.server.server_address[1])
            self.send_response(int(entry.get("status", 200)))
            headers = entry.get("headers", {})
            if not any(k.lower() == "content-type" for k in headers):
                self.send_header("Content-Type", "application/json")
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with lock:
                state["answered"] += 1
                if state["answered"] >= len(entries):
                    finished.set()

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = False


server = Server(("127.0.0.1", 0), Handler)
if os.environ.get("TEST_TLS_CERT"):
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.environ["TEST_TLS_CERT"], os.environ["TEST_TLS_KEY"])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
port = server.server_address[1]
tmp = os.path.join(out_dir, "port.tmp")
with open(tmp, "w") as f:
    f.write("%d\n" % port)
os.rename(tmp, os.path.join(out_dir, "port"))
threading.Thread(target=server.serve_forever, daemon=True).start()
if not entries:
    finished.set()
if not finished.wait(timeout):
    with lock:
        log.write("== timeout\n")
# let the last answer reach the client before the process ends
time.sleep(0.05)
server.shutdown()
log.close()
open(os.path.join(out_dir, "done"), "w").close()
