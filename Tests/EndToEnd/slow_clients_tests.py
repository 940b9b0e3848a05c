"""Slow and abusive clients on real sockets, while a well-behaved client keeps being served:
a slowloris head on HTTP/1.1, thousands of idle connections, and HTTP/2 PING and rapid-reset
floods (nghttp2's limits)."""
import threading

from harness import *


def served(trellis):
    """A normal OTLP/HTTP export and a health check on the query port both answer 200."""
    body = b'{"resourceSpans":[]}'
    return (http("POST", trellis.url("http", "/v1/traces"), body, {"Content-Type": "application/json"}, timeout=5)[0] == 200
            and http("GET", trellis.url("query", "/healthz"), timeout=5)[0] == 200)


@test
def a_slowloris_head_gets_408_at_the_header_timeout_while_others_are_served(t):
    trellis = Trellis(idle="30s", read_header="2s").start()
    try:
        slow = socket.create_connection(("127.0.0.1", trellis.ports["http"]), timeout=10)
        started = time.time()
        answer = b""
        for byte in b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n":
            try:
                slow.sendall(bytes([byte]))
            except OSError:
                break
            assert served(trellis)
            slow.settimeout(0.25)
            try:
                chunk = slow.recv(4096)
            except socket.timeout:
                continue
            answer += chunk
            if not chunk or b"\r\n\r\n" in answer:
                break
        elapsed = time.time() - started
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout"), answer
        assert b"read_header_timeout" in answer, answer
        assert 1.5 < elapsed < 10, elapsed
        slow.close()
    finally:
        assert trellis.stop() == 0


@test
def two_thousand_idle_connections_do_not_stop_others_being_served(t):
    trellis = Trellis(idle="30s").start()
    idle = []
    try:
        for _ in range(2000):
            idle.append(socket.create_connection(("127.0.0.1", trellis.ports["query"]), timeout=10))
        assert served(trellis)
        assert trellis.process.poll() is None
    finally:
        for s in idle:
            s.close()
        assert trellis.stop() == 0


def h2_frame(kind, flags=0, stream=0, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(0x4)


def flood(port, frames):
    """Sends `frames` on a raw HTTP/2 connection without reading them back first; returns
    (the GOAWAY error code received or None, whether the server closed the connection)."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        raw.sendall(PREFACE + frames)
    except OSError:
        pass
    data, closed = b"", False
    raw.settimeout(5)
    try:
        while True:
            chunk = raw.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    raw.close()
    at = 0
    while at + 9 <= len(data):
        length = int.from_bytes(data[at:at + 3], "big")
        if data[at + 3] == 0x7:
            return int.from_bytes(data[at + 13:at + 17], "big"), closed
        at += 9 + length
    return None, closed


@test
def http2_ping_and_rapid_reset_floods_get_a_goaway_while_others_are_served(t):
    _, closed = flood(t.ports["grpc"], h2_frame(0x6, payload=b"\x00" * 8) * 20000)
    assert closed, "a PING flood was not cut off"
    rapid_reset = b"".join(h2_frame(0x1, 0x4, 2 * i + 1, b"\x83\x86\x84") + h2_frame(0x3, stream=2 * i + 1, payload=b"\x00\x00\x00\x08")
                           for i in range(3000))
    goaway, closed = flood(t.ports["grpc"], rapid_reset)
    assert goaway not in (None, 0) and closed, ("rapid reset was not cut off", goaway, closed)
    headers = H2(t.ports["grpc"]).call(EXPORT_PATH, b"\x00\x00\x00\x00\x00")
    assert headers.get("grpc-status") == "0", headers
