"""A TCP proxy a test controls, between the app and PostgreSQL or Redis (issue 18's
fault-injection test). Modes, switched at any time with ``proxy.mode = ...``:

- ``"pass"``: forward both ways.
- ``"refuse"``: new connections are closed at once (the client sees its connection reset
  or closed before any answer); connections already open are cut.
- ``"hang"``: new connections are accepted and never answered; open ones stop forwarding.
- ``"cut_after_commit"``: forward, and once the server's answer to a COMMIT
  (PostgreSQL's CommandComplete ``C`` message ``COMMIT``) has been forwarded, cut that
  connection when the client next sends anything: the commit is stored and the client
  knows it, then the database is gone for whatever runs after the commit.
"""

from __future__ import annotations

import select
import socket
import threading
import time

# PostgreSQL's CommandComplete message for a COMMIT: 'C', length 11, "COMMIT\0".
COMMIT_COMPLETE = b"C\x00\x00\x00\x0bCOMMIT\x00"


class FaultProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.mode = "pass"
        self.commits_cut = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self._remember(client)
            if self.mode == "refuse":
                self._close(client)
            elif self.mode == "hang":
                continue  # held open, never read, never answered
            else:
                threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            self._close(client)
            return
        self._remember(server)
        committed = False
        try:
            while not self._stop.is_set():
                if self.mode == "refuse":
                    break
                if self.mode == "hang":
                    time.sleep(0.2)  # nothing read, nothing answered
                    continue
                ready, _, _ = select.select([client, server], [], [], 0.2)
                for side in ready:
                    data = side.recv(65536)
                    if not data:
                        return
                    if side is client and committed:
                        self.commits_cut += 1
                        return  # cut: the client's next message after its COMMIT answer
                    (server if side is client else client).sendall(data)
                    if side is server and self.mode == "cut_after_commit" and COMMIT_COMPLETE in data:
                        committed = True
        except OSError:
            pass
        finally:
            self._close(client)
            self._close(server)

    def _remember(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.append(sock)

    def _close(self, sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def cut_all(self) -> None:
        """Close every connection opened through the proxy so far."""
        with self._lock:
            sockets, self._open = self._open, []
        for sock in sockets:
            self._close(sock)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._listener.close()
        self.cut_all()
