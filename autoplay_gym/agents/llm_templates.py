"""Task templates from a model, made concrete: slot checks, expansion over parameter values, near-duplicate removal.

Why slots are filled by regular expression and not `str.format`: a template is model output, and `format` would
let a template like `{x.__class__}` reach into Python objects. Here `{name}` is replaced by the literal value and
nothing else in the text has any meaning. Why a seeded subset: three parameters of eight values are 512 tasks of
one shape; a fixed sample per template keeps the set varied, small and identical from run to run.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MIN_VALUES = 5


@dataclass
class Template:
    """A checked template: its text, its parameters (name -> distinct values) and an optional answer template."""

    text: str
    params: dict[str, list[str]] = field(default_factory=dict)
    answer: str | None = None
    evidence: str = ""
    dropped: list[str] = field(default_factory=list)  # parameters the model gave but the text never uses


def check_template(raw: Mapping[str, Any], *, needs_answer: bool = False, min_values: int = MIN_VALUES) -> Template:
    """A `Template` from one model-proposed task, or ValueError saying what is wrong with it."""
    text = " ".join(str(raw.get("template") or "").split())
    if sum(1 for t in tokens(text) if any(c.isalpha() for c in t)) < 2:  # slot names count as words
        raise ValueError(f"template {text!r} is not an instruction (it needs at least two words)")
    params: dict[str, list[str]] = {}
    for entry in raw.get("params") or []:
        name = str(entry.get("name") or "").strip().strip("{}")
        if not SLOT.fullmatch("{" + name + "}"):
            raise ValueError(f"parameter name {name!r} is not a plain identifier")
        if name in params:
            raise ValueError(f"parameter {name!r} is given twice")
        values = list(dict.fromkeys(" ".join(str(v).split()) for v in entry.get("values") or []))
        values = [v for v in values if v]
        if len(values) < min_values:
            raise ValueError(f"parameter {name!r} has {len(values)} distinct values; it needs at least {min_values}")
        params[name] = values
    slots = set(SLOT.findall(text))
    if slots - set(params):
        raise ValueError(f"template {text!r} uses {sorted(slots - set(params))} without parameters for them")
    unused = sorted(set(params) - slots)
    for name in unused:  # values for a slot the text lacks change nothing: drop them, keep the task
        del params[name]
    answer = raw.get("answer")
    answer = " ".join(str(answer).split()) if answer is not None else None
    if needs_answer and not answer:
        raise ValueError(f"information-retrieval task {text!r} has no answer")
    if answer and set(SLOT.findall(answer)) - set(params):
        raise ValueError(f"answer {answer!r} uses slots the template has no parameters for")
    return Template(text=text, params=params, answer=answer or None, evidence=str(raw.get("evidence") or ""),
                    dropped=unused)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each `{name}` with its value, literally (see the module note on `str.format`)."""
    return SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def expand(template: Template, limit: int = 10) -> list[tuple[str, dict[str, str], str | None]]:
    """(instruction, params, answer) for up to `limit` combinations of the parameter values.

    The subset is seeded by the template's words and parameters, so the same template (or a rewording of it with
    the same words) always picks the same combinations, and its copies are then caught as duplicates."""
    names = sorted(template.params)
    if not names:
        return [(template.text, {}, template.answer)]
    combos = list(itertools.product(*(template.params[n] for n in names)))
    if len(combos) > limit:
        key = " ".join(sorted(tokens(template.text))) + json.dumps(template.params, sort_keys=True)
        seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
        picked = sorted(random.Random(seed).sample(range(len(combos)), limit))
        combos = [combos[i] for i in picked]
    out = []
    for combo in combos:
        values = dict(zip(names, combo))
        answer = fill(template.answer, values) if template.answer else None
        out.append((fill(template.text, values), values, answer))
    return out


def tokens(text: str) -> frozenset[str]:
    """Case-folded word tokens: what two instructions are compared on."""
    return frozenset(t.casefold() for t in _TOKEN.findall(text))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class Deduplicator:
    """Keeps instructions that are not near-duplicates (token Jaccard >= `threshold`) of any kept before.

    Token sets rather than character similarity: "Compute 12 plus 3" and "Compute 13 plus 3" differ by one
    character yet are different tasks, while a reworded copy with the same words is the same task."""

    def __init__(self, threshold: float = 0.85, seen: Iterable[str] = ()) -> None:
        self.threshold = threshold
        self._kept: list[frozenset[str]] = []
        for text in seen:
            self.add(text)

    def is_duplicate(self, text: str) -> bool:
        mine = tokens(text)
        return any(jaccard(mine, other) >= self.threshold for other in self._kept)

    def add(self, text: str) -> bool:
        """Keep `text` unless it is a near-duplicate; True when kept."""
        if self.is_duplicate(text):
            return False
        self._kept.append(tokens(text))
        return True


def task_id(env_id: str, guideline: str, instruction: str) -> str:
    """A deterministic id: the same instruction for the same env and guideline always gets the same id."""
    digest = hashlib.sha256(f"{env_id}\n{guideline}\n{instruction}".encode("utf-8")).hexdigest()
    return f"llm-{digest[:16]}"
