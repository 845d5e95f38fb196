"""Start and stop osmem-server, the in-memory Elasticsearch-compatible engine of development and tests.

Production never uses this module: it talks to Elasticsearch at ELASTICSEARCH_URL.
osmem keeps nothing on disk, so whoever starts it rebuilds the index afterwards.
"""

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


class EngineError(RuntimeError):
    pass


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, timeout: float = 30.0) -> None:
    """Polls the cluster health endpoint until it answers 200, or raises EngineError."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_cluster/health", timeout=2) as response:  # noqa: S310 (http URL we built)
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as error:
            last_error = error
        time.sleep(0.1)
    raise EngineError(f"the search engine at {url} did not answer within {timeout:.0f} s ({last_error})")


@dataclass
class RunningEngine:
    """An osmem-server process on a loopback port.

    ``stop()`` ends it; ``restart()`` brings it back, empty, on the same port.
    """

    port: int
    _server: object = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None and self._server.process.poll() is None

    def start(self) -> "RunningEngine":
        from osmem_server import OsmemServer  # a development/test dependency only

        self._server = OsmemServer.start(addr=f"127.0.0.1:{self.port}", japanese=False)
        wait_until_answering(self.url)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.close(grace=2)
            self._server = None

    def restart(self) -> "RunningEngine":
        self.stop()
        return self.start()

    def __enter__(self) -> "RunningEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_engine(port: int | None = None) -> RunningEngine:
    """Starts osmem-server on ``port`` (a free loopback port by default) and waits until it answers."""
    return RunningEngine(port=port or free_loopback_port()).start()
