"""What the LLM agents share besides the client: prompt files, reading JSON out of model text, a compact
screen description, and the action schema a model answers in.

Model output is data: `extract_json` only ever calls `json`, and actions are checked by `parse_action`.
"""

from __future__ import annotations

import itertools
import json
import re
import string
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, Sequence

import jsonschema

from autoplay_gym.core.actions import DIRECTIONS, parse_action
from autoplay_gym.core.errors import ActionError

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\r?\n(.*?)```", re.DOTALL)
_JSON_FENCE_LABELS = ("", "json", "jsonc", "json5")

# Action types an explorer may use: everything that changes the screen, nothing that ends the episode.
EXPLORE_TYPES = ("click", "double_click", "long_press", "type", "scroll", "key", "back", "wait")
TASK_TYPES = EXPLORE_TYPES + ("answer", "done")


# --- prompts ----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def load_prompt(name: str) -> str:
    """The text of `agents/prompts/<name>` (a packaged file, so users can read and diff prompts)."""
    path = resources.files("autoplay_gym.agents").joinpath("prompts", name)
    if not path.is_file():
        raise FileNotFoundError(f"no prompt file agents/prompts/{name}")
    return path.read_text(encoding="utf-8")


def render(name: str, **values: Any) -> str:
    """Fill a prompt file's `$name` slots. `string.Template` substitutes once, so model-derived text put into a
    prompt is never expanded again, and a missing slot is an error here rather than a silently odd prompt."""
    return string.Template(load_prompt(name)).substitute({k: str(v) for k, v in values.items()})


# --- JSON out of text -------------------------------------------------------------------------------------------


def extract_json(text: str | None) -> Any:
    """The JSON value in a model reply: the whole reply, else a ```json (or unlabelled) fence, else the first
    decodable `{...}` object. Raises ValueError saying what was wrong; never evaluates anything."""
    if text is None or not text.strip():
        raise ValueError("the reply was empty")
    stripped = text.strip()
    try:  # strict=False: grammar-constrained servers may emit raw newlines inside strings
        return json.loads(stripped, strict=False)
    except json.JSONDecodeError as exc:
        first_error = exc
    except RecursionError:  # absurdly deep nesting: not a reply worth reading
        raise ValueError("the reply nests JSON too deeply") from None
    for label, body in _FENCE.findall(stripped):
        if label.lower() in _JSON_FENCE_LABELS:
            try:
                return json.loads(body, strict=False)
            except (json.JSONDecodeError, RecursionError):
                continue
    decoder = json.JSONDecoder(strict=False)
    for match in itertools.islice(re.finditer(r"\{", stripped), 64):  # bounded work on pathological replies
        try:
            value, _ = decoder.raw_decode(stripped, match.start())
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(value, dict):
            return value
    raise ValueError(f"the reply is not valid JSON ({first_error.msg} at char {first_error.pos})")


def explain(error: jsonschema.ValidationError) -> str:
    """Where and why a reply breaks the schema, in words a model can act on. For `anyOf` variants (the actions)
    the error inside the variant the reply meant (its `type` const matched) says more than "not valid under any"."""
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[jsonschema.ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
        meant = [e for errs in branches.values() if not any(x.validator == "const" for x in errs) for e in errs]
        if meant:
            best = jsonschema.exceptions.best_match(meant)
            if best is not None:
                return explain(best)
        kinds = [json.dumps(e.validator_value) for e in error.context if e.validator == "const"]
        if kinds:
            return f"at {where}: its type must be one of {', '.join(kinds)}"
    return f"at {where}: {error.message}"


# --- the screen as text -----------------------------------------------------------------------------------------


def is_informative(element: Mapping[str, Any]) -> bool:
    """Elements worth a model's tokens: anything with a name or that can be acted on; bare layout panels are not."""
    if element.get("text") or element.get("description"):
        return True
    return any(element.get(flag) for flag in ("clickable", "editable", "scrollable", "checkable"))


def element_line(element: Mapping[str, Any], max_text: int = 80) -> str:
    """`[id] role "text" desc="..." flags`: the env's text form, shortened (bounds left out to save tokens)."""
    parts = [f"[{element.get('id')}]", str(element.get("role") or "unknown")]
    parts.append(json.dumps(_cut(str(element.get("text") or ""), max_text), ensure_ascii=False))
    description = str(element.get("description") or "")
    if description and description != element.get("text"):
        parts.append("desc=" + json.dumps(_cut(description, max_text), ensure_ascii=False))
    flags = [f for f in ("clickable", "editable", "scrollable", "checkable", "checked", "selected", "focused")
             if element.get(f)]
    if element.get("enabled") is False:
        flags.append("disabled")
    return " ".join(parts + flags)


def compact_tree(ui_elements: Sequence[Mapping[str, Any]], max_chars: int = 6000) -> str:
    """The informative elements of a screen, one per line with their real ids, cut at `max_chars`."""
    lines: list[str] = []
    used = 0
    kept = [e for e in ui_elements if is_informative(e)]
    for count, element in enumerate(kept):
        line = element_line(element)
        if used + len(line) + 1 > max_chars:
            lines.append(f"[...] {len(kept) - count} more elements not shown")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines) if lines else "(no elements)"


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


# --- actions ----------------------------------------------------------------------------------------------------


def actionable_ids(ui_elements: Sequence[Mapping[str, Any]]) -> list[int]:
    """Ids of enabled elements a model can sensibly act on: flagged actionable and, when the screen reports
    positions at all, with a non-empty rectangle (a closed menu's items have none, and acting on them fails)."""
    positioned = any(e.get("bounds") for e in ui_elements)
    return [int(e["id"]) for e in ui_elements if e.get("enabled", True) is not False
            and any(e.get(f) for f in ("clickable", "editable", "scrollable", "checkable"))
            and (not positioned or _has_area(e.get("bounds")))]


def _has_area(bounds: Any) -> bool:
    return bool(bounds) and len(bounds) == 4 and bounds[2] > bounds[0] and bounds[3] > bounds[1]


def action_schema(ui_elements: Sequence[Mapping[str, Any]], types: Iterable[str] = EXPLORE_TYPES,
                  fields: Sequence[str] = ("thought",)) -> dict[str, Any]:
    """A JSON schema for `{<fields>..., "action"}` (free-text fields first, so the model reasons before it acts)
    whose action is one of `types`.

    Element ids are an enum of the current screen's actionable ids, so a grammar-constrained server cannot even
    emit an id that does not exist; servers without grammars get the same schema checked after the fact."""
    ids = actionable_ids(ui_elements) or [int(e["id"]) for e in ui_elements]
    element: dict[str, Any] = {"type": "integer", "enum": ids} if ids else {"type": "integer", "minimum": 0}
    variants: dict[str, dict[str, Any]] = {
        "click": {"element": element},
        "double_click": {"element": element},
        "long_press": {"element": element},
        "type": {"text": {"type": "string", "maxLength": 200}, "element": element},
        "scroll": {"direction": {"type": "string", "enum": list(DIRECTIONS)}, "element": element},
        "key": {"key": {"type": "string", "maxLength": 32}},
        "back": {},
        "wait": {"seconds": {"type": "number", "minimum": 0, "maximum": 5}},
        "answer": {"text": {"type": "string", "maxLength": 500}},
        "done": {"status": {"type": "string", "enum": ["success", "infeasible"]}},
    }
    required_extra = {"click": ["element"], "double_click": ["element"], "long_press": ["element"],
                      "type": ["text"], "scroll": ["direction"], "key": ["key"], "wait": ["seconds"],
                      "answer": ["text"], "done": ["status"]}
    options = []
    for kind in types:
        props = {"type": {"type": "string", "const": kind}, **variants[kind]}
        options.append({"type": "object", "properties": props, "required": ["type", *required_extra.get(kind, [])],
                        "additionalProperties": False})
    properties: dict[str, Any] = {name: {"type": "string", "maxLength": 300} for name in fields}
    properties["action"] = {"anyOf": options}
    return {"type": "object", "properties": properties, "required": [*fields, "action"], "additionalProperties": False}


def check_action(raw: Any, ui_elements: Sequence[Mapping[str, Any]], types: Iterable[str]) -> dict[str, Any]:
    """The canonical dict of a model's action, or ValueError (the re-ask message) if it is unusable here."""
    try:
        action = parse_action(raw)
    except ActionError as exc:
        raise ValueError(f"invalid action: {exc}") from None
    allowed = tuple(types)
    if action.type not in allowed:
        raise ValueError(f"action type {action.type!r} is not allowed here; use one of {', '.join(allowed)}")
    if action.element is not None and action.element >= len(ui_elements):
        raise ValueError(f"element {action.element} does not exist; ids on this screen go up to {len(ui_elements) - 1}")
    if (action.element is not None and any(e.get("bounds") for e in ui_elements)
            and not _has_area(ui_elements[action.element].get("bounds"))):
        raise ValueError(f"element {action.element} is not visible (it has no area on screen); pick a visible one")
    return action.to_dict()


def describe_action(action: Mapping[str, Any] | None, ui_elements: Sequence[Mapping[str, Any]] = ()) -> str:
    """`click(element=41)` plus what the element was (`on push button "7"`), for histories and judges."""
    if not action:
        return "(none)"
    try:
        text = parse_action(dict(action)).to_text()
    except ActionError:
        text = json.dumps(dict(action), ensure_ascii=False)[:200]
    element = action.get("element")
    if isinstance(element, int) and 0 <= element < len(ui_elements):
        e = ui_elements[element]
        name = e.get("text") or e.get("description") or ""
        text += f" on {e.get('role') or 'element'} {json.dumps(_cut(str(name), 60), ensure_ascii=False)}"
    return text
