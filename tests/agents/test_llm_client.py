"""LLMClient against a scripted OpenAI-compatible server over real HTTP, with the real `openai` client."""

from __future__ import annotations

import numpy as np
import pytest
from tests.agents.scripted_openai_server import Fail, Hang, Raw, Reply, ScriptedOpenAIServer, image_urls, user_text

from autoplay_gym.agents.llm import LLMClient, LLMError
from autoplay_gym.agents.llm_images import decode_data_url
from autoplay_gym.agents.local_llm import free_port

SCHEMA = {
    "type": "object",
    "properties": {"n": {"type": "integer"}, "word": {"type": "string"}},
    "required": ["n", "word"],
    "additionalProperties": False,
}
ASK = [{"role": "system", "content": "You answer in JSON."}, {"role": "user", "content": "Give n and word."}]
GOOD = '{"n": 3, "word": "three"}'


@pytest.fixture
def server():
    with ScriptedOpenAIServer() as s:
        yield s


def client_for(server: ScriptedOpenAIServer, **options) -> LLMClient:
    options = {"timeout": 10.0, "max_attempts": 3, "backoff": 0.0, "vision": False, **options}
    return LLMClient(base_url=server.base_url, api_key="test-key", **options)


def test_json_schema_mode_model_discovery_and_token_accounting(server):
    server.script(Reply(GOOD, prompt_tokens=120, completion_tokens=30))
    client = client_for(server)
    assert client.complete_json(ASK, SCHEMA, name="demo") == {"n": 3, "word": "three"}
    request = server.requests[0]
    assert request["model"] == "scripted-model"  # asked /v1/models because none was given
    assert request["response_format"] == {"type": "json_schema",
                                          "json_schema": {"name": "demo", "schema": SCHEMA, "strict": False}}
    assert request["messages"] == ASK
    assert server.headers[0]["authorization"] == "Bearer test-key"
    stats = client.stats
    assert (stats.calls, stats.succeeded, stats.failed, stats.requests) == (1, 1, 0, 1)
    assert (stats.prompt_tokens, stats.completion_tokens) == (120, 30)
    assert stats.to_dict()["seconds_per_call"] >= 0 and not stats.failures


@pytest.mark.parametrize("status", [400, 422, 500])  # llama-cpp-python answers 500 naming response_format
def test_falls_back_to_llama_cpp_schema_mode_and_remembers_it(status):
    with ScriptedOpenAIServer(reject_formats=("json_schema",), reject_status=status) as server:
        server.script(Reply(GOOD), Reply('{"n": 4, "word": "four"}'))
        client = client_for(server, model="scripted-model")
        assert client.complete_json(ASK, SCHEMA)["n"] == 3
        assert client.complete_json(ASK, SCHEMA)["n"] == 4
        assert len(server.rejected) == 1  # only the first call probed json_schema
        assert [r["response_format"] for r in server.requests] == [{"type": "json_object", "schema": SCHEMA}] * 2
        fresh = client_for(server, model="scripted-model")  # the memory is per server, shared by clients
        assert fresh.mode == "json_object"
        assert client.stats.retries == 0


def test_a_plain_500_is_not_mistaken_for_a_format_rejection(server):
    server.script(Fail(500, "out of memory"), Reply(GOOD))
    client = client_for(server)
    assert client.complete_json(ASK, SCHEMA)["n"] == 3
    assert [r["response_format"]["type"] for r in server.requests] == ["json_schema", "json_schema"]


def test_plain_text_server_gets_the_schema_in_the_prompt_and_fenced_json_is_read():
    with ScriptedOpenAIServer(reject_formats=("json_schema", "json_object")) as server:
        server.script(Reply('Sure! Here it is:\n```json\n{"n": 1, "word": "one"}\n```\nAnything else?'))
        client = client_for(server)
        assert client.complete_json(ASK, SCHEMA) == {"n": 1, "word": "one"}
        request = server.requests[0]
        assert "response_format" not in request
        assert '"additionalProperties": false' in request["messages"][-1]["content"]
        assert client.mode == "text"


def test_5xx_is_retried_with_backoff_then_succeeds(server):
    server.script(Fail(500), Fail(503), Reply(GOOD))
    client = client_for(server, backoff=0.01)
    assert client.complete_json(ASK, SCHEMA)["word"] == "three"
    assert (client.stats.requests, client.stats.retries, client.stats.failed) == (3, 2, 0)
    assert client.stats.backoff_seconds == pytest.approx(0.01 + 0.02)


def test_429_waits_as_long_as_retry_after_says(server):
    server.script(Fail(429, "slow down", headers={"Retry-After": "1"}), Reply(GOOD))
    client = client_for(server, backoff=0.0)
    assert client.complete_json(ASK, SCHEMA)["n"] == 3
    assert client.stats.backoff_seconds == pytest.approx(1.0)
    assert client.stats.requests == 2


def test_timeouts_are_bounded_recorded_and_the_client_stays_usable(server):
    server.script(Hang(120), Hang(120))
    client = client_for(server, timeout=1.5, max_attempts=2)
    with pytest.raises(LLMError) as caught:
        client.complete_json(ASK, SCHEMA, name="slow")
    assert len(caught.value.attempts) == 2 and all("timed out" in a for a in caught.value.attempts)
    assert client.stats.failed == 1 and client.stats.failures[0]["call"] == "slow"
    server.script(Reply(GOOD))
    assert client.complete_json(ASK, SCHEMA)["n"] == 3


def test_truncated_json_is_reasked_with_the_reason(server):
    server.script(Reply('{"n": 3, "wo', finish_reason="length"), Reply(GOOD))
    client = client_for(server)
    assert client.complete_json(ASK, SCHEMA)["n"] == 3
    reask = server.requests[1]["messages"]
    assert reask[-2] == {"role": "assistant", "content": '{"n": 3, "wo'}
    assert "cut off at the token limit" in reask[-1]["content"]


def test_wrong_schema_ends_in_a_clean_recorded_failure(server):
    server.script(*[Reply('{"n": "three"}')] * 3)
    client = client_for(server)
    with pytest.raises(LLMError) as caught:
        client.complete_json(ASK, SCHEMA)
    assert len(caught.value.attempts) == 3 and all("schema violation" in a for a in caught.value.attempts)
    assert "schema violation" in user_text(server.requests[1])
    assert client.stats.failed == 1 and server.pending == 0 and server.exhausted == 0


def test_smuggled_code_is_never_executed(server, tmp_path):
    target = tmp_path / "pwned"
    server.script(
        Reply(f"```python\n__import__('os').system('touch {target}')\n```"),
        Reply('{"n": __import__("os").system("touch ' + str(target) + '"), "word": "x"}'),
        Reply(f"__import__('os').system('touch {target}')"),
    )
    client = client_for(server)
    with pytest.raises(LLMError):
        client.complete_json(ASK, SCHEMA)
    assert not target.exists()
    assert client.stats.failed == 1


def test_validate_hook_rejection_is_reasked(server):
    server.script(Reply(GOOD), Reply('{"n": 8, "word": "eight"}'))

    def even(data):
        if data["n"] % 2:
            raise ValueError("n must be even")
        return data["n"]

    client = client_for(server)
    assert client.complete_json(ASK, SCHEMA, validate=even) == 8
    assert "n must be even" in user_text(server.requests[1])


def test_a_non_retryable_status_fails_at_once(server):
    server.script(Fail(401, "bad key"), Reply(GOOD))
    client = client_for(server)
    with pytest.raises(LLMError, match="401"):
        client.complete_json(ASK, SCHEMA)
    assert len(server.requests) == 1 and server.pending == 1


def test_unreachable_server_is_a_clean_failure():
    client = LLMClient(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", timeout=5, max_attempts=2,
                       backoff=0.0)
    with pytest.raises(LLMError, match="connection failed"):
        client.complete_json(ASK, SCHEMA)
    assert client.stats.failed == 1 and client.stats.requests == 2


def test_screenshots_go_as_downscaled_png_data_urls(server):
    server.script(Reply(GOOD))
    client = client_for(server, vision=True, image_max_side=320)
    screen = np.zeros((800, 1280, 3), dtype=np.uint8)
    screen[:, 640:] = 255
    client.complete_json([client.user_message("What is on screen?", [screen])], SCHEMA)
    (url,) = image_urls(server.requests[0])
    image = decode_data_url(url)
    assert image.format == "PNG" and image.size == (320, 200)
    pixels = np.asarray(image.convert("RGB"))
    assert pixels[100, 10].tolist() == [0, 0, 0] and pixels[100, 310].tolist() == [255, 255, 255]
    text_only = client_for(server, vision=False)
    assert text_only.user_message("tree only", [screen]) == {"role": "user", "content": "tree only"}


def test_base_url_and_key_come_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "env-key")
    server.script(Reply(GOOD))
    assert LLMClient(backoff=0.0, vision=False).complete_json(ASK, SCHEMA)["n"] == 3
    assert server.headers[0]["authorization"] == "Bearer env-key"


def test_a_200_that_is_not_a_completion_is_retried(server):
    server.script(Raw(200, b"<html>proxy error</html>"), Raw(200, b'{"choices": []}', "application/json"),
                  Reply(GOOD))
    client = client_for(server)
    assert client.complete_json(ASK, SCHEMA)["n"] == 3
    assert client.stats.requests == 3


def test_odd_data_in_a_validate_hook_is_a_rejection_not_a_crash(server):
    server.script(Reply('{"n": 1, "word": "a"}'), Reply('{"n": 2, "word": "b"}'))
    client = client_for(server, max_attempts=2)
    with pytest.raises(LLMError, match="KeyError"):
        client.complete_json(ASK, SCHEMA, validate=lambda data: data["missing"])
    deep = "[" * 100_000 + "]" * 100_000
    server.script(Reply(deep), Reply("{" * 50_000))
    with pytest.raises(LLMError, match="invalid reply"):
        client.complete_json(ASK, SCHEMA)
