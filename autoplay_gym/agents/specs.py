"""Agents from JSON-able specs, so pipeline workers in other processes can build the same agents.

A spec is `{"kind": "graph"}` for the model-free agents or `{"kind": "llm", "base_url": ..., "model": ...}` for
the LLM agents (the API key comes from `OPENAI_API_KEY` in each worker's environment, never from the spec, so it
is not written into run.json).
"""

from __future__ import annotations

from typing import Any

MODEL_FREE = {"kind": "graph"}


def is_llm(spec: dict[str, Any]) -> bool:
    return spec.get("kind") == "llm"


def llm_client(spec: dict[str, Any]) -> Any:
    from autoplay_gym.agents.llm import LLMClient

    options = {k: v for k, v in spec.items() if k in ("timeout", "max_attempts", "vision", "image_max_side", "max_tokens")}
    return LLMClient(base_url=spec.get("base_url"), model=spec.get("model"), **options)


def build_explorer(spec: dict[str, Any], env_id: str, seed: int) -> Any:
    if is_llm(spec):
        from autoplay_gym.agents.llm_explorer import LLMExplorer

        return LLMExplorer(llm_client(spec))
    from autoplay_gym.agents.graph_explorer import GraphExplorer

    return GraphExplorer(seed=seed, env_id=env_id)


def build_executor(spec: dict[str, Any], task: dict[str, Any]) -> Any:
    if is_llm(spec):
        from autoplay_gym.agents.llm_executor import LLMExecutor

        return LLMExecutor(llm_client(spec))
    from autoplay_gym.agents.replay import ReplayExecutor

    # With the recorded descriptors, each stored id is looked up again on the screen it acts on: GTK4 realises
    # list rows late (TextEditor's Preferences), and a stored id then names the row above the recorded check box.
    targets = (task.get("metadata") or {}).get("witness_targets")
    return ReplayExecutor(task.get("witness") or [], targets)


def token_use(agent: Any) -> dict[str, int]:
    """Prompt and completion tokens an LLM agent spent (zeros for model-free agents)."""
    client = getattr(agent, "client", None)
    stats = getattr(client, "stats", None)
    if stats is None:
        return {"prompt": 0, "completion": 0, "calls": 0}
    return {"prompt": stats.prompt_tokens, "completion": stats.completion_tokens, "calls": stats.calls}
