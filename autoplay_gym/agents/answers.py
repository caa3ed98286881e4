"""Answer normalisation for information-retrieval tasks: "42", "42.0", " 42 ", "forty-two" and "1,000" vs "1000"
are the same answer; letter case, surrounding quotes, trailing full stops and runs of spaces do not matter."""

from __future__ import annotations

import math
import re
import unicodedata

_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                      "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?(e[+-]?\d+)?%?$")
_NUMBERS_IN_TEXT = re.compile(r"(?<![\w.])[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w])")


def normalise_answer(text: str) -> str:
    """Casefolded, NFKC, single-spaced, without wrapping quotes or trailing sentence punctuation."""
    out = unicodedata.normalize("NFKC", str(text)).replace("\u2212", "-").casefold()
    out = re.sub(r"\s+", " ", out).strip()
    out = out.strip("\"'“”‘’`")
    out = re.sub(r"[.!?;:]+$", "", out).strip()
    return out


def parse_number(text: str) -> float | None:
    """The number `text` states, in digits ("1,234.5", "42%", "-3") or English words ("forty-two",
    "one hundred and five", "minus seven"); None if it is not just a number."""
    s = normalise_answer(text).replace(" ", "") if _digits_like(text) else normalise_answer(text)
    if _NUMBER.match(s) and any(c.isdigit() for c in s):
        try:
            return float(s.rstrip("%").replace(",", ""))
        except ValueError:
            return None
    return _words_to_number(s)


def _digits_like(text: str) -> bool:
    return bool(re.fullmatch(r"[\s\d,.+\-\u2212e%]+", str(text).strip(), re.IGNORECASE))


def _words_to_number(text: str) -> float | None:
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if not words:
        return None
    sign = 1
    if words[0] in ("minus", "negative"):
        sign, words = -1, words[1:]
    total = current = 0
    seen = False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return float(sign * (total + current)) if seen else None


def numbers_in(text: str) -> list[float]:
    """Every number written in digits inside a longer reply ("The result is 1,024." -> [1024.0])."""
    return [float(m.group(0).replace(",", "")) for m in _NUMBERS_IN_TEXT.finditer(normalise_answer(text))]


def same_number(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def answers_match(expected: str, given: str, *, contains: bool = False) -> bool:
    """True if `given` states the `expected` answer. With `contains`, a longer reply that includes the expected
    text as whole words (or the expected number among its numbers) also matches."""
    if given is None:
        return False
    want_n, got_n = parse_number(expected), parse_number(given)
    if want_n is not None and got_n is not None:
        return same_number(want_n, got_n)
    want, got = normalise_answer(expected), normalise_answer(given)
    if want == got:
        return True
    if not contains:
        return False
    if want_n is not None:
        return any(same_number(want_n, n) for n in numbers_in(given))
    return re.search(r"(?<!\w)" + re.escape(want) + r"(?!\w)", got) is not None
