#!/usr/bin/env python3
"""A local HTTP server for the --fetch tests (tests/cli/fetch_test.cpp).

Listens on 127.0.0.1 on a free port, writes the port number to the file
named by argv[1], and serves a few fixed answers: an image, redirects that
must be refused, oversize bodies, an HTML page, a 404. Exits by itself after
argv[2] seconds (default 120), so a crashed test never leaves it running.
"""
import http.server
import os
import sys
import struct
import threading
import zlib



def png_1x1(pixel=b"\xff\xff\xff"):
    """A 1×1 opaque PNG (white by default), built here so its checksums are right."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(b"\x00" + pixel)) + chunk(b"IEND", b""))


PNG = png_1x1()


LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"


def version():
    """The version of /etag.png: the number in the file <port file>.version (default 1)."""
    try:
        with open(sys.argv[1] + ".version") as f:
            return int(f.read().strip() or "1")
    except (OSError, ValueError):
        return 1


def log(path, status):
    """Appends "PATH STATUS" to <port file>.log: the tests count requests."""
    with LOCK, open(sys.argv[1] + ".log", "a") as f:
        f.write("%s %d\n" % (path, status))


LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        log(self.path.split("?")[0], status)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k == "Content-Length" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        path = self.path.split("?")[0]
        if path in ("/pic.png", "/second.png"):
            self.send(200, PNG, [("Content-Type", "image/png")])
        elif path == "/cached.png":  # fresh for an hour: not asked again
            self.send(200, PNG, [("Cache-Control", "public, max-age=3600")])
        elif path == "/plain.png":  # no caching headers: Moyin's default age
            self.send(200, PNG)
        elif path == "/etag.png":  # revalidated on every use, by its ETag
            tag = '"v%d"' % version()
            headers = [("Cache-Control", "no-cache"), ("ETag", tag)]
            if self.headers.get("If-None-Match") == tag:
                self.send(304, headers=headers)
            else:
                self.send(200, png_1x1(bytes([version() * 40, 0, 0])), headers)
        elif path == "/lastmod.png":  # stale at once; revalidated by its date
            headers = [("Expires", "Thu, 01 Jan 1970 00:00:00 GMT"),
                       ("Last-Modified", LAST_MODIFIED)]
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                # The 304 renews the copy's freshness for an hour.
                self.send(304, headers=[("Cache-Control", "max-age=3600")] + headers)
            else:
                self.send(200, PNG, headers)
        elif path == "/png-as-text":  # the catalog sniffs, whatever the server says
            self.send(200, PNG, [("Content-Type", "text/plain")])
        elif path == "/page.png":
            self.send(200, b"<!doctype html><p>not an image</p>", [("Content-Type", "image/png")])
        elif path == "/redirect-ok":
            self.send(302, headers=[("Location", "/pic.png")])
        elif path == "/redirect-loopback":
            self.send(302, headers=[("Location", "http://localhost:%d/pic.png" % port)])
        elif path == "/redirect-private":
            self.send(302, headers=[("Location", "http://10.11.12.13/pic.png")])
        elif path == "/redirect-file":
            self.send(302, headers=[("Location", "file:///etc/passwd")])
        elif path == "/big-declared.png":  # refused from its Content-Length
            self.send(200, PNG, [("Content-Length", str(100 << 20))])
        elif path == "/big-stream.png":  # no length: refused while it arrives
            self.send_response(200)
            self.end_headers()
            chunk = PNG + b"\0" * (1 << 20)
            try:
                for _ in range(40):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self.send(404, b"not found")


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
    threading.Timer(lifetime, lambda: os._exit(0)).start()
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
