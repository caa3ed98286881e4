"""The model-free pieces of the LLM agents: JSON extraction, action schema and checks, templates, marked frames."""

from __future__ import annotations

import jsonschema
import numpy as np
import pytest

from autoplay_gym.agents.llm_images import action_point, downscale, mark_action, to_image
from autoplay_gym.agents.llm_support import (EXPLORE_TYPES, TASK_TYPES, action_schema, actionable_ids, check_action,
                                             compact_tree, explain, extract_json, render)
from autoplay_gym.agents.llm_templates import Deduplicator, check_template, expand, fill, task_id

ELEMENTS = [
    {"id": 0, "role": "frame", "text": "Calculator", "bounds": [0, 0, 400, 500], "enabled": True},
    {"id": 1, "role": "panel", "text": "", "bounds": [0, 0, 400, 500], "enabled": True},
    {"id": 2, "role": "push button", "text": "7", "bounds": [20, 290, 76, 334], "clickable": True, "enabled": True},
    {"id": 3, "role": "text", "text": "", "bounds": [5, 170, 348, 203], "editable": True, "enabled": True},
]


def test_extract_json_reads_plain_fenced_and_embedded_objects_only():
    assert extract_json('{"a": 1}') == {"a": 1}
    assert extract_json('Here:\n```json\n{"a": 2}\n```') == {"a": 2}
    assert extract_json('I think {"a": 3} is right') == {"a": 3}
    assert extract_json('{"a": "two\nlines", "b": {"c": 1}}') == {"a": "two\nlines", "b": {"c": 1}}  # raw newline
    for bad in ("", "   ", "```python\nimport os\nos.system('true')\n```", '{"a": 1', "__import__('os')"):
        with pytest.raises(ValueError):
            extract_json(bad)


def test_action_schema_offers_only_real_actionable_ids_and_check_action_uses_parse_action():
    schema = action_schema(ELEMENTS, EXPLORE_TYPES, ("reflection", "thought"))
    validator = jsonschema.Draft202012Validator(schema)
    ok = {"reflection": "", "thought": "press 7", "action": {"type": "click", "element": 2}}
    assert validator.is_valid(ok)
    assert not validator.is_valid({**ok, "action": {"type": "click", "element": 1}})  # a bare panel
    hidden = [*ELEMENTS, {"id": 4, "role": "menu item", "text": "Quit", "bounds": None, "clickable": True},
              {"id": 5, "role": "push button", "text": "x", "bounds": [3, 3, 3, 9], "clickable": True}]
    assert actionable_ids(hidden) == [2, 3]  # no rectangle, no click
    with pytest.raises(ValueError, match="not visible"):
        check_action({"type": "click", "element": 4}, hidden, EXPLORE_TYPES)
    assert not validator.is_valid({**ok, "action": {"type": "answer", "text": "x"}})  # explorers do not answer
    assert jsonschema.Draft202012Validator(action_schema(ELEMENTS, TASK_TYPES)).is_valid(
        {"thought": "", "action": {"type": "answer", "text": "x"}})
    assert check_action({"type": "click", "element": 2}, ELEMENTS, EXPLORE_TYPES) == {"type": "click", "element": 2}
    assert check_action('type("12", element=3)', ELEMENTS, EXPLORE_TYPES) == {"type": "type", "text": "12",
                                                                             "element": 3}
    for bad, why in [({"type": "click", "element": 9}, "does not exist"), ({"type": "done"}, "not allowed"),
                     ("__import__('os').system('true')", "invalid action"), ({"type": "fly"}, "invalid action")]:
        with pytest.raises(ValueError, match=why):
            check_action(bad, ELEMENTS, EXPLORE_TYPES)


def test_compact_tree_keeps_named_and_actionable_elements_with_their_real_ids():
    text = compact_tree(ELEMENTS)
    assert text.splitlines() == ['[0] frame "Calculator"', '[2] push button "7" clickable',
                                 '[3] text "" editable']
    assert "more elements not shown" in compact_tree(ELEMENTS, max_chars=30)


def test_prompts_render_and_missing_slots_are_errors():
    assert "was cut" in render("reask.txt", error="it was cut")
    with pytest.raises(KeyError):
        render("reask.txt")


def test_templates_are_checked_expanded_deterministically_and_safely():
    raw = {"template": "Compute {a} plus {b}", "params": [{"name": "a", "values": ["1", "2", "3", "4", "5"]},
                                                          {"name": "b", "values": ["6", "7", "8", "9", "10"]}]}
    template = check_template(raw)
    first, second = expand(template, limit=7), expand(template, limit=7)
    assert first == second and len(first) == 7
    assert all(text == f"Compute {p['a']} plus {p['b']}" for text, p, _ in first)
    with pytest.raises(ValueError, match="at least 5"):
        check_template({"template": "Open {page}", "params": [{"name": "page", "values": ["a", "b", "a"]}]})
    with pytest.raises(ValueError, match="without parameters"):
        check_template({"template": "Open {page}", "params": []})
    unused = check_template({"template": "Open it now", "params": [{"name": "x", "values": list("abcde")}]})
    assert unused.params == {} and unused.dropped == ["x"] and expand(unused) == [("Open it now", {}, None)]
    with pytest.raises(ValueError, match="not an instruction"):
        check_template({"template": "...", "params": []})
    with pytest.raises(ValueError, match="no answer"):
        check_template({"template": "What is shown?", "params": []}, needs_answer=True)
    # a template is data: attribute lookups in braces are not slots and are never evaluated
    assert fill("{x.__class__} and {x}", {"x": "1"}) == "{x.__class__} and 1"
    assert task_id("E", "feature-use", "Compute 1 plus 6") == task_id("E", "feature-use", "Compute 1 plus 6")
    assert task_id("E", "feature-use", "Compute 1 plus 6") != task_id("E", "feature-use", "Compute 1 plus 7")


def test_deduplicator_drops_rewordings_but_keeps_parameter_variants():
    dedup = Deduplicator(0.85)
    assert dedup.add("Compute 12 plus 3 in the calculator")
    assert dedup.add("Compute 13 plus 3 in the calculator")
    assert not dedup.add("compute 12 plus 3 in the Calculator!")
    assert not dedup.add("In the calculator, compute 12 plus 3")


def test_marked_frame_shows_the_acted_point():
    frame = np.zeros((500, 400, 3), dtype=np.uint8)
    action = {"type": "click", "element": 2}
    assert action_point(action, ELEMENTS) == (48, 312)
    marked = np.asarray(mark_action(frame, action, ELEMENTS))
    assert marked[312, 48 + 20].tolist() == [255, 0, 64]  # the crosshair arm
    assert marked[10, 10].tolist() == [0, 0, 0]
    assert np.array_equal(np.asarray(mark_action(frame, {"type": "back"}, ELEMENTS)), frame)
    assert downscale(to_image(frame), 100).size == (80, 100)


def test_schema_errors_are_explained_inside_the_action_variant_the_model_meant():
    validator = jsonschema.Draft202012Validator(action_schema(ELEMENTS, EXPLORE_TYPES))

    def why(action):
        return explain(jsonschema.exceptions.best_match(validator.iter_errors({"thought": "", "action": action})))

    assert why({"type": "fly"}).startswith('at action: its type must be one of "click", "double_click"')
    assert why({"type": "scroll", "direction": "sideways"}) == (
        "at action/direction: 'sideways' is not one of ['up', 'down', 'left', 'right']")
    assert why({"type": "type"}) == "at action: 'text' is a required property"
