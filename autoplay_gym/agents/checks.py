"""A small, documented language of programmatic success checks: JSON dicts run against a final UI tree.

A check is a dict with a `type`. Built in:

- `tree_contains`: some element matches a selector (the other keys), e.g.
  `{"type": "tree_contains", "role": "label", "text": "42"}`; `"count": n` asks for at least n matches.
- `element_text_equals`: `{"type": "element_text_equals", "element": {selector}, "text": "hello"}`; the selected
  element's text equals `text` after whitespace normalisation (`"casefold": true` to ignore case).
- `element_checked`: `{"type": "element_checked", "element": {selector}, "checked": true}`.
- `screen_signature`: `{"type": "screen_signature", "signature": "..."}` against `UITree.signature()`
  (`"visible": true` compares the signature of the visible part, as the graph explorer keys states).
- `all` / `any`: `{"type": "all", "checks": [...]}`; `not`: `{"type": "not", "check": {...}}`.
- Android device state (see `device_checks`): `content_query` and `sqlite`, which need the env.

A selector is a dict of element attributes that must all hold: `role`, `text`, `description`, `name` (text or
description), `text_contains`, `resource_id`, any flag (`editable`, `checkable`, `checked`, `clickable`,
`selected`, `enabled`, `focused`, `scrollable`), `visible` (on screen, see `targets.visible_ids`), and `index`
(which of the matches, in tree order; default 0). Texts compare after whitespace normalisation.

Extension point: `register_check("my_type", fn)` where `fn(check, context) -> CheckResult`; checks that read
state beyond the tree get it from `context.env`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from autoplay_gym.agents.targets import visible_ids
from autoplay_gym.core.ui import UIElement, UITree

FLAGS = ("editable", "checkable", "checked", "clickable", "selected", "enabled", "focused", "scrollable")
SELECTOR_KEYS = frozenset({"role", "text", "description", "name", "text_contains", "resource_id", "visible", "index",
                           "casefold", *FLAGS})
_SPACE = re.compile(r"\s+")


class CheckError(ValueError):
    """A check that is malformed (unknown type, missing field): a bug in the task, not a failed attempt."""


@dataclass
class CheckResult:
    passed: bool
    reason: str


@dataclass
class CheckContext:
    """What a check may look at: the final tree, optionally the env (for device state) and the trajectory."""

    tree: UITree
    env: Any = None
    trajectory: Any = None
    _visible: set[int] | None = field(default=None, repr=False)

    @property
    def visible(self) -> set[int]:
        if self._visible is None:
            self._visible = visible_ids(self.tree)
        return self._visible


CheckFn = Callable[[dict[str, Any], CheckContext], CheckResult]
CHECKS: dict[str, CheckFn] = {}


def register_check(name: str, fn: CheckFn) -> None:
    """Add (or replace) a check type. `fn` raises `CheckError` for a malformed check."""
    CHECKS[name] = fn


def run_check(check: Any, context: CheckContext) -> CheckResult:
    """Evaluate `check`; raises `CheckError` if it is malformed."""
    if not isinstance(check, dict):
        raise CheckError(f"a check must be a JSON object, got {type(check).__name__}")
    kind = check.get("type")
    if kind not in CHECKS:
        raise CheckError(f"unknown check type {kind!r}; known: {', '.join(sorted(CHECKS))}")
    return CHECKS[kind](check, context)


def normalise_text(text: Any, casefold: bool = False) -> str:
    out = _SPACE.sub(" ", unicodedata.normalize("NFC", str(text))).strip()
    return out.casefold() if casefold else out


# --- selectors ------------------------------------------------------------------------------------------------


def select(selector: Any, context: CheckContext) -> list[UIElement]:
    """Every element matching `selector`, in tree order (`index` is not applied here)."""
    if not isinstance(selector, dict):
        raise CheckError(f"a selector must be a JSON object, got {type(selector).__name__}")
    unknown = set(selector) - SELECTOR_KEYS - {"type", "count"}
    if unknown:
        raise CheckError(f"unknown selector keys {sorted(unknown)}; known: {sorted(SELECTOR_KEYS)}")
    fold = bool(selector.get("casefold", False))
    wanted = {k: normalise_text(selector[k], fold) for k in ("text", "description", "name", "text_contains")
              if k in selector}
    out = []
    for e in context.tree:
        if "role" in selector and e.role != selector["role"]:
            continue
        if "resource_id" in selector and e.resource_id != selector["resource_id"]:
            continue
        if any(k in selector and bool(getattr(e, k)) != bool(selector[k]) for k in FLAGS):
            continue
        if "visible" in selector and (e.id in context.visible) != bool(selector["visible"]):
            continue
        text, description = normalise_text(e.text, fold), normalise_text(e.description, fold)
        if "text" in wanted and text != wanted["text"]:
            continue
        if "description" in wanted and description != wanted["description"]:
            continue
        if "name" in wanted and wanted["name"] not in (text, description):
            continue
        if "text_contains" in wanted and wanted["text_contains"] not in text:
            continue
        out.append(e)
    return out


def select_one(selector: Any, context: CheckContext) -> UIElement | None:
    matches = select(selector, context)
    index = selector.get("index", 0)
    if not isinstance(index, int) or isinstance(index, bool):
        raise CheckError(f"selector index must be an integer, got {index!r}")
    return matches[index] if -len(matches) <= index < len(matches) else None


def describe_selector(selector: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in selector.items() if k != "type") or "any element"


# --- built-in checks ------------------------------------------------------------------------------------------


def _tree_contains(check: dict[str, Any], ctx: CheckContext) -> CheckResult:
    count = check.get("count", 1)
    if not isinstance(count, int) or count < 1:
        raise CheckError(f"tree_contains count must be a positive integer, got {count!r}")
    matches = select(check, ctx)
    what = describe_selector({k: v for k, v in check.items() if k != "count"})
    if len(matches) >= count:
        return CheckResult(True, f"found {len(matches)} element(s) with {what}")
    return CheckResult(False, f"found {len(matches)} element(s) with {what}, needed {count}")


def _element(check: dict[str, Any], ctx: CheckContext) -> tuple[UIElement | None, str]:
    selector = check.get("element")
    if selector is None:
        raise CheckError(f"{check.get('type')} needs an 'element' selector")
    return select_one(selector, ctx), describe_selector(selector)


def _element_text_equals(check: dict[str, Any], ctx: CheckContext) -> CheckResult:
    if "text" not in check:
        raise CheckError("element_text_equals needs 'text'")
    element, what = _element(check, ctx)
    if element is None:
        return CheckResult(False, f"no element with {what}")
    fold = bool(check.get("casefold", False))
    actual, wanted = normalise_text(element.text, fold), normalise_text(check["text"], fold)
    if actual == wanted:
        return CheckResult(True, f"element [{element.id}] holds {wanted!r}")
    return CheckResult(False, f"element [{element.id}] holds {element.text[:80]!r}, expected {check['text']!r}")


def _element_checked(check: dict[str, Any], ctx: CheckContext) -> CheckResult:
    wanted = check.get("checked", True)
    if not isinstance(wanted, bool):
        raise CheckError(f"element_checked 'checked' must be true or false, got {wanted!r}")
    element, what = _element(check, ctx)
    if element is None:
        return CheckResult(False, f"no element with {what}")
    state = "checked" if element.checked else "unchecked"
    return CheckResult(element.checked == wanted, f"element [{element.id}] ({what}) is {state}")


def _screen_signature(check: dict[str, Any], ctx: CheckContext) -> CheckResult:
    wanted = check.get("signature")
    if not isinstance(wanted, str) or not wanted:
        raise CheckError("screen_signature needs a 'signature' string")
    tree = ctx.tree
    if check.get("visible"):
        tree = UITree([e for e in ctx.tree if e.id in ctx.visible]).renumbered()
    actual = tree.signature()
    return CheckResult(actual == wanted, f"screen signature is {actual}, expected {wanted}")


def _all(check: dict[str, Any], ctx: CheckContext) -> CheckResult:
    results = [run_check(c, ctx) for c in _subchecks(check)]
    failed = [r.reason for r in results if not r.passed]
    if failed:
        return CheckResult(False, "; ".join(failed))
    return CheckResult(True, "; ".join(r.reason for r in results))


def _any(check: dict[str, Any], ctx: CheckContext) -> CheckResult:
    results = [run_check(c, ctx) for c in _subchecks(check)]
    passed = [r.reason for r in results if r.passed]
    if passed:
        return CheckResult(True, passed[0])
    return CheckResult(False, "none held: " + "; ".join(r.reason for r in results))


def _not(check: dict[str, Any], ctx: CheckContext) -> CheckResult:
    inner = check.get("check")
    if inner is None:
        raise CheckError("not needs a 'check'")
    result = run_check(inner, ctx)
    if result.passed:
        return CheckResult(False, f"must not hold, but it does: {result.reason}")
    return CheckResult(True, f"does not hold, as required: {result.reason}")


def _subchecks(check: dict[str, Any]) -> list[Any]:
    checks = check.get("checks")
    if not isinstance(checks, list) or not checks:
        raise CheckError(f"{check.get('type')} needs a non-empty 'checks' list")
    return checks


for _name, _fn in {
    "tree_contains": _tree_contains,
    "element_text_equals": _element_text_equals,
    "element_checked": _element_checked,
    "screen_signature": _screen_signature,
    "all": _all,
    "any": _any,
    "not": _not,
}.items():
    register_check(_name, _fn)
