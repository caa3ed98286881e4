"""Turn `--llm URL|local --model NAME` into an agent spec, checking the endpoint before any work starts.

`local` starts the packaged small model's llama.cpp server on a free loopback port for the length of the run and
stops it afterwards, also when the run fails.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Iterator

from autoplay_gym.agents.specs import MODEL_FREE


class EndpointError(Exception):
    """The LLM endpoint cannot be used; the message says what to fix."""


def probe(base_url: str, timeout: float = 10.0) -> list[str]:
    """Model ids the server lists; raises EndpointError when it does not answer."""
    import openai

    client = openai.OpenAI(base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
                           timeout=timeout, max_retries=0)
    try:
        return [m.id for m in client.models.list()]
    except openai.APIError as exc:
        raise EndpointError(f"the LLM endpoint {base_url} is unreachable or refused /models: {exc}") from None


@contextlib.contextmanager
def resolve_agents(llm: str | None, model: str | None) -> Iterator[dict[str, Any]]:
    if not llm:
        yield dict(MODEL_FREE)
        return
    if llm == "local":
        from autoplay_gym.agents.local_llm import LocalLLMServer, LocalServerError

        server = LocalLLMServer()
        try:
            server.start()
        except LocalServerError as exc:
            raise EndpointError(f"--llm local: {exc}") from None
        try:
            yield {"kind": "llm", "base_url": server.base_url, "model": server.alias, "vision": False}
        finally:
            server.stop()
        return
    try:
        models = probe(llm)
    except EndpointError as exc:
        raise EndpointError(f"{exc}; check --llm, or run `autoplay doctor --llm {llm}`") from None
    chosen = model or (models[0] if models else None)
    if chosen is None:
        raise EndpointError(f"{llm} lists no model; pass --model NAME")
    yield {"kind": "llm", "base_url": llm, "model": chosen}
