"""llama-cpp-python's own OpenAI-compatible server with the SmolLM2 GGUF, on loopback (test helper)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

from assistant.config import default_gguf_path

GGUF = default_gguf_path()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def llama_server(*extra: str) -> Iterator[str]:
    """Start ``python -m llama_cpp.server`` (``extra`` arguments appended); yield its /v1 URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", GGUF, "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", "2048", "--n_threads", "2", "--model_alias", "smollm2", *extra,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("llama_cpp.server did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # busy with a request on a loaded machine
            process.kill()
            process.wait()
