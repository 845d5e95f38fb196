"""A loopback TCP proxy in front of the search engine that delays every answer.

Requests reach the engine at once (so it applies the writes); the answer is held back for
``delay + seconds_per_megabyte * request size``. That is what a busy engine looks like to the
client: the bigger the bulk request, the later the answer, and a client timeout does not mean
the write was lost.
"""

import contextlib
import socket
import threading
import time


class SlowProxy:
    def __init__(self, upstream_port: int, *, delay: float = 0.0, seconds_per_megabyte: float = 0.0):
        self.upstream_port = upstream_port
        self.delay = delay
        self.seconds_per_megabyte = seconds_per_megabyte
        self.requests = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self):
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, upstream]
            sent = {"bytes": 0}  # bytes of the request being answered
            threading.Thread(target=self._requests, args=(client, upstream, sent), daemon=True).start()
            threading.Thread(target=self._answers, args=(upstream, client, sent), daemon=True).start()

    def _requests(self, source, target, sent):
        while data := self._receive(source):
            if not sent["bytes"]:
                self.requests += 1
            sent["bytes"] += len(data)
            target.sendall(data)
        self._shut(target)

    def _answers(self, source, target, sent):
        while data := self._receive(source):
            if sent["bytes"]:  # the first part of an answer: hold it back
                time.sleep(self.delay + self.seconds_per_megabyte * sent["bytes"] / 1_000_000)
                sent["bytes"] = 0
            try:
                target.sendall(data)
            except OSError:  # the client gave up waiting (its timeout): the engine did the work anyway
                break
        self._shut(target)

    @staticmethod
    def _receive(sock) -> bytes:
        try:
            return sock.recv(65536)
        except OSError:
            return b""

    @staticmethod
    def _shut(sock):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def close(self):
        self._closed.set()
        self._listener.close()
        for sock in self._sockets:
            self._shut(sock)
            sock.close()
