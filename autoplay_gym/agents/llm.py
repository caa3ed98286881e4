"""One client for every OpenAI-compatible chat server (OpenAI, vLLM, llama.cpp): JSON replies checked against a
schema, bounded retries, a timeout on every call, and token and latency accounting.

Why one client: the agents should not care which server answers. Servers differ in how they constrain output,
so the client tries `response_format={"type": "json_schema"}` (OpenAI, vLLM), then llama.cpp's
`{"type": "json_object", "schema": ...}`, then plain text with the schema in the prompt, and remembers per server
which mode was accepted. Whatever the server does, a call ends in a schema-valid dict or an `LLMError`; the agents
catch that error, record it and fall back, so one bad reply never stops an exploration run.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import jsonschema
import openai

from autoplay_gym.agents.llm_images import image_part
from autoplay_gym.agents.llm_support import explain, extract_json, render
from autoplay_gym.core.errors import AutoPlayError

MODES = ("json_schema", "json_object", "text")
PLACEHOLDER_KEY = "sk-no-key-required"  # local servers ignore the key, but the SDK insists on one
_MODE_MEMORY: dict[str, str] = {}  # server (base URL + model) -> the structured-output mode it accepted
_MODE_LOCK = threading.Lock()
_RETRY_STATUSES = {408, 409, 429}


class LLMError(AutoPlayError):
    """A call failed after its bounded retries (or could not be retried). `attempts` says why each try failed.

    This is the one exception the LLM agents catch: they record it and fall back (a safe action, no tasks, a
    failed verdict)."""

    def __init__(self, message: str, attempts: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.attempts = list(attempts)


@dataclass
class LLMStats:
    """Running totals over a client's calls. `failures` keeps the last 200 failed calls with their reasons."""

    calls: int = 0
    succeeded: int = 0
    failed: int = 0
    requests: int = 0  # HTTP requests sent, retries included
    retries: int = 0
    backoff_seconds: float = 0.0  # time spent waiting between attempts (Retry-After or exponential backoff)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    failures: deque = field(default_factory=lambda: deque(maxlen=200))

    @property
    def seconds_per_call(self) -> float:
        return self.seconds / self.calls if self.calls else 0.0

    @property
    def success_rate(self) -> float:
        return self.succeeded / self.calls if self.calls else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"calls": self.calls, "succeeded": self.succeeded, "failed": self.failed, "requests": self.requests,
                "retries": self.retries, "backoff_seconds": round(self.backoff_seconds, 3),
                "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "seconds": round(self.seconds, 3),
                "seconds_per_call": round(self.seconds_per_call, 3), "failures": list(self.failures)}


class LLMClient:
    """A chat client that returns schema-valid JSON or raises `LLMError`.

    base_url / api_key default to `OPENAI_BASE_URL` / `OPENAI_API_KEY` (a placeholder key when unset, for local
    servers); model defaults to `OPENAI_MODEL`, else the first model the server lists. `vision=False` makes the
    agents send the accessibility tree only. `timeout` bounds each HTTP request; `max_attempts` bounds the tries
    of one call (network errors, 429, 5xx and invalid replies all count)."""

    def __init__(self, base_url: str | None = None, model: str | None = None, api_key: str | None = None, *,
                 timeout: float = 120.0, max_attempts: int = 3, backoff: float = 1.0, max_backoff: float = 20.0,
                 vision: bool = True, image_max_side: int = 1024, temperature: float = 0.0, max_tokens: int = 1024,
                 mode: str | None = None, seed: int | None = 0) -> None:
        if mode is not None and mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if max_attempts < 1 or timeout <= 0:
            raise ValueError("max_attempts must be >= 1 and timeout > 0")
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        self.model = model or os.environ.get("OPENAI_MODEL") or None
        self.timeout, self.max_attempts = float(timeout), int(max_attempts)
        self.backoff, self.max_backoff = float(backoff), float(max_backoff)
        self.vision, self.image_max_side = vision, int(image_max_side)
        self.temperature, self.max_tokens, self.seed = temperature, int(max_tokens), seed
        self.forced_mode = mode
        self.stats = LLMStats()
        self._lock = threading.Lock()
        self._sdk = openai.OpenAI(base_url=self.base_url, api_key=api_key or os.environ.get("OPENAI_API_KEY")
                                  or PLACEHOLDER_KEY, timeout=self.timeout, max_retries=0)

    # --- message helpers --------------------------------------------------------------------------------------

    def user_message(self, text: str, screenshots: Sequence[Any] = ()) -> dict[str, Any]:
        """A user turn: plain text, plus the screenshots as PNG data URLs when the client is in vision mode."""
        if not self.vision or not screenshots:
            return {"role": "user", "content": text}
        parts: list[dict[str, Any]] = [{"type": "text", "text": text}]
        parts.extend(image_part(s, self.image_max_side) for s in screenshots)
        return {"role": "user", "content": parts}

    # --- the call -----------------------------------------------------------------------------------------------

    def complete_json(self, messages: Sequence[dict[str, Any]], schema: dict[str, Any], *, name: str = "reply",
                      validate: Callable[[Any], Any] | None = None) -> Any:
        """Ask for a JSON reply matching `schema`; `validate(data)` may raise ValueError to reject it (the model is
        re-asked with the message; TypeError, KeyError and AttributeError count as rejections too, so odd data can
        never escape as a crash) or return a converted value. Returns that value or raises `LLMError`."""
        started = time.monotonic()
        attempts: list[str] = []
        convo = [dict(m) for m in messages]
        mode = self._mode()
        model = self._model()
        validator = jsonschema.Draft202012Validator(schema)
        tries = downgrades = 0
        while tries < self.max_attempts:
            tries += 1
            self._count(requests=1, retries=int(tries > 1))
            try:
                reply = self._send(convo, schema, mode, name, model, tries)
            except openai.APIStatusError as exc:
                if self._format_rejected(exc, mode) and downgrades < len(MODES) - 1:
                    attempts.append(f"server rejected response_format mode {mode}: {_status_text(exc)}")
                    mode, downgrades, tries = MODES[MODES.index(mode) + 1], downgrades + 1, tries - 1
                    continue
                attempts.append(f"HTTP {exc.status_code}: {_status_text(exc)}")
                if exc.status_code not in _RETRY_STATUSES and exc.status_code < 500:
                    break
                self._sleep(tries, _retry_after(exc))
                continue
            except openai.APIConnectionError as exc:  # includes APITimeoutError
                kind = "timed out" if isinstance(exc, openai.APITimeoutError) else "connection failed"
                attempts.append(f"request {kind} after {time.monotonic() - started:.1f}s: {exc}")
                self._sleep(tries, None)
                continue
            except openai.OpenAIError as exc:  # e.g. a 200 whose body is not a chat completion at all
                attempts.append(f"unreadable response: {type(exc).__name__}: {str(exc)[:300]}")
                self._sleep(tries, None)
                continue
            self._remember(mode)
            content, finish = _content(reply)
            self._count(prompt_tokens=_usage(reply, "prompt_tokens"),
                        completion_tokens=_usage(reply, "completion_tokens"))
            try:
                data = extract_json(content)
                error = jsonschema.exceptions.best_match(validator.iter_errors(data))
                if error is not None:
                    raise ValueError(f"schema violation {explain(error)}")
                result = validate(data) if validate is not None else data
            except (ValueError, TypeError, KeyError, AttributeError) as exc:  # any way the data can be unusable
                cut = " (the reply was cut off at the token limit)" if finish == "length" else ""
                why = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
                attempts.append(f"invalid reply{cut}: {why}; the reply began {(content or '')[:200]!r}")
                convo += [{"role": "assistant", "content": (content or "")[:4000]},
                          {"role": "user", "content": render("reask.txt", error=f"{why}{cut}")}]
                continue
            self._finish(name, started, ok=True)
            return result
        self._finish(name, started, ok=False, attempts=attempts)
        raise LLMError(f"{name}: no valid reply after {tries} attempt(s): {attempts[-1] if attempts else '?'}",
                       attempts)

    # --- internals ----------------------------------------------------------------------------------------------

    def _send(self, convo: list[dict[str, Any]], schema: dict[str, Any], mode: str, name: str, model: str,
              attempt: int) -> Any:
        kwargs: dict[str, Any] = {}
        messages = convo
        if mode == "json_schema":
            kwargs["response_format"] = {"type": "json_schema",
                                         "json_schema": {"name": name, "schema": schema, "strict": False}}
        elif mode == "json_object":
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        else:
            hint = {"role": "user", "content": render("json_text_mode.txt", schema=json.dumps(schema))}
            messages = [*convo, hint]
        if self.seed is not None:
            kwargs["seed"] = self.seed
        # Re-asks at temperature 0 tend to repeat the same mistake; warm up a little on each retry.
        temperature = min(1.0, self.temperature + 0.3 * (attempt - 1))
        return self._sdk.chat.completions.create(model=model, messages=messages, temperature=temperature,
                                                 max_tokens=self.max_tokens, timeout=self.timeout, **kwargs)

    def _format_rejected(self, exc: openai.APIStatusError, mode: str) -> bool:
        """Whether the server refused the request because of its `response_format`. Servers say so differently:
        OpenAI and vLLM answer 400/422, llama-cpp-python answers 500 with the validation error in the body."""
        if mode == "text" or self.forced_mode is not None:
            return False
        if exc.status_code in (400, 422):
            return True
        text = f"{exc.message} {exc.body}".lower()
        return exc.status_code >= 500 and ("response_format" in text or "json_schema" in text)

    def _server_key(self) -> str:
        return f"{self._sdk.base_url}|{self.model}"

    def _mode(self) -> str:
        if self.forced_mode:
            return self.forced_mode
        with _MODE_LOCK:
            return _MODE_MEMORY.get(self._server_key(), MODES[0])

    def _remember(self, mode: str) -> None:
        if self.forced_mode is None:
            with _MODE_LOCK:
                _MODE_MEMORY[self._server_key()] = mode

    @property
    def mode(self) -> str:
        """The structured-output mode the next call will start with."""
        return self._mode()

    def _model(self) -> str:
        """The model name; asks the server's `/models` once when none was given (llama.cpp and vLLM serve one)."""
        if self.model:
            return self.model
        try:
            listing = self._sdk.models.list(timeout=self.timeout)
            names = [m.id for m in listing.data]
        except openai.OpenAIError as exc:
            self._finish("list-models", time.monotonic(), ok=False, attempts=[str(exc)])
            raise LLMError(f"no model given and the server's model list failed: {exc}", [str(exc)]) from None
        if not names:
            raise LLMError("no model given and the server lists none")
        self.model = names[0]
        return self.model

    def _sleep(self, attempt: int, retry_after: float | None) -> None:
        if attempt >= self.max_attempts:
            return
        delay = retry_after if retry_after is not None else self.backoff * 2 ** (attempt - 1)
        delay = max(0.0, min(self.max_backoff, delay))
        with self._lock:
            self.stats.backoff_seconds += delay
        time.sleep(delay)

    def _count(self, **amounts: int) -> None:
        with self._lock:
            for key, value in amounts.items():
                setattr(self.stats, key, getattr(self.stats, key) + value)

    def _finish(self, name: str, started: float, *, ok: bool, attempts: Sequence[str] = ()) -> None:
        with self._lock:
            self.stats.calls += 1
            self.stats.seconds += time.monotonic() - started
            if ok:
                self.stats.succeeded += 1
            else:
                self.stats.failed += 1
                self.stats.failures.append({"call": name, "time": time.time(), "attempts": list(attempts)})


def _content(reply: Any) -> tuple[str | None, str | None]:
    choices = getattr(reply, "choices", None) or []
    if not choices:
        return None, None
    message = getattr(choices[0], "message", None)
    return getattr(message, "content", None), getattr(choices[0], "finish_reason", None)


def _usage(reply: Any, key: str) -> int:
    value = getattr(getattr(reply, "usage", None), key, None)
    return int(value) if isinstance(value, int) else 0


def _status_text(exc: openai.APIStatusError) -> str:
    return f"{exc.status_code} {str(exc.message)[:300]}"


def _retry_after(exc: openai.APIStatusError) -> float | None:
    """Seconds from a `Retry-After` header (429/503), if the server sent a number."""
    try:
        return float(exc.response.headers.get("retry-after", ""))
    except (AttributeError, TypeError, ValueError):
        return None
