"""The check language, StateVerifier, AnswerVerifier and their compositions, on trees captured from the real
Calculator (a real gnome-calculator on a private Xvfb) once per module."""

from __future__ import annotations

import sqlite3

import gymnasium as gym
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.agents.checks import CheckContext, CheckResult, register_check, run_check
from autoplay_gym.agents.device_checks import expect_rows, parse_content_rows, run_sqlite
from autoplay_gym.agents.state_verifier import (
    AllOf,
    AnswerVerifier,
    AnyOf,
    ProgrammaticVerifier,
    StateVerifier,
    Weighted,
)
from autoplay_gym.agents.targets import tree_from_info
from autoplay_gym.tasks import Step, Task, Trajectory

pytestmark = pytest.mark.desktop
DISPLAY = {"role": "text", "editable": True, "visible": True}


def _button(info: dict, name: str) -> int:
    for e in tree_from_info(info):
        if e.role == "push button" and (e.text == name or e.description == name) and e.bounds is not None:
            return e.id
    raise AssertionError(f"no button {name!r}")


@pytest.fixture(scope="module")
def captured():
    """Trajectories recorded from the real app: the start screen, 7 × 6 = 42, the open mode menu, an answer."""
    env = gym.make("AutoPlay-Ubuntu-Calculator")
    try:
        obs, info = env.reset(seed=0)
        start = Trajectory("start", "AutoPlay-Ubuntu-Calculator", steps=[Step.from_env(0, obs, info)])
        computed = Trajectory("computed", "AutoPlay-Ubuntu-Calculator", steps=[Step.from_env(0, obs, info)])
        for name in ("7", "×", "6", "="):
            obs, _, _, _, info = env.step({"type": "click", "element": _button(info, name)})
            assert info["action_error"] is None
            computed.steps.append(Step.from_env(len(computed.steps), obs, info, action=info["action"]))
        obs, _, terminated, _, info = env.step({"type": "answer", "text": " Forty-Two. "})
        assert terminated
        answered = Trajectory("answered", "AutoPlay-Ubuntu-Calculator",
                              steps=computed.steps + [Step.from_env(len(computed.steps), obs, info,
                                                                    action=info["action"])])
        obs, info = env.reset(seed=0)
        obs, _, _, _, info = env.step({"type": "click", "element": _button(info, "Mode selection")})
        menu = Trajectory("menu", "AutoPlay-Ubuntu-Calculator", steps=[Step.from_env(0, obs, info)])
        yield {"start": start, "computed": computed, "answered": answered, "menu": menu}
    finally:
        env.close()


def task(check=None, answer=None, **extra) -> Task:
    return Task(id="t", env_id="AutoPlay-Ubuntu-Calculator", instruction="x", check=check, answer=answer, **extra)


def judge(check, trajectory) -> tuple[bool, str]:
    verdict = StateVerifier().verify(task(check), trajectory)
    assert verdict.score == (1.0 if verdict.success else 0.0)
    return verdict.success, verdict.reason


def test_tree_contains_sees_the_result_only_after_computing(captured):
    check = {"type": "tree_contains", "text": "42", "editable": False, "visible": True}
    assert judge(check, captured["computed"])[0]
    ok, reason = judge(check, captured["start"])
    assert not ok and "found 0" in reason
    assert judge({"type": "tree_contains", "role": "push button", "count": 10}, captured["start"])[0]
    assert not judge({"type": "tree_contains", "role": "push button", "count": 500}, captured["start"])[0]


def test_element_text_equals_reads_the_display(captured):
    assert judge({"type": "element_text_equals", "element": DISPLAY, "text": " 42 "}, captured["computed"])[0]
    ok, reason = judge({"type": "element_text_equals", "element": DISPLAY, "text": "41"}, captured["computed"])
    assert not ok and "holds '42'" in reason
    ok, reason = judge({"type": "element_text_equals", "element": {**DISPLAY, "index": 5}, "text": "42"},
                       captured["computed"])
    assert not ok and "no element" in reason


def test_element_checked_on_the_real_mode_menu(captured):
    basic = {"role": "radio menu item", "name": "Basic"}
    assert judge({"type": "element_checked", "element": basic, "checked": True}, captured["menu"])[0]
    advanced = {"role": "radio menu item", "name": "Advanced"}
    assert judge({"type": "element_checked", "element": advanced, "checked": False}, captured["menu"])[0]
    ok, reason = judge({"type": "element_checked", "element": advanced}, captured["menu"])
    assert not ok and "unchecked" in reason


def test_screen_signature_and_boolean_combinators(captured):
    start_tree = captured["start"].final.tree()
    same = {"type": "screen_signature", "signature": start_tree.signature()}
    assert judge(same, captured["start"])[0]
    assert not judge(same, captured["menu"])[0]
    has_42 = {"type": "tree_contains", "text": "42"}
    assert judge({"type": "all", "checks": [has_42, {"type": "not", "check": same}]}, captured["computed"])[0]
    assert not judge({"type": "all", "checks": [has_42, same]}, captured["computed"])[0]
    assert judge({"type": "any", "checks": [has_42, same]}, captured["start"])[0]
    ok, reason = judge({"type": "any", "checks": [has_42, {"type": "not", "check": same}]}, captured["start"])
    assert not ok and reason.startswith("none held")


@pytest.mark.parametrize("check, fragment", [
    ({"type": "no_such_check"}, "unknown check type"),
    ({"type": "tree_contains", "colour": "red"}, "unknown selector keys"),
    ({"type": "element_text_equals", "element": DISPLAY}, "needs 'text'"),
    ({"type": "all", "checks": []}, "non-empty 'checks'"),
    ({"type": "not"}, "needs a 'check'"),
    ({"type": "content_query", "uri": "content://sms", "expect": {"min_rows": 1}}, "give the verifier the env"),
    ("tree_contains", "must be a JSON object"),
])
def test_malformed_checks_give_a_failed_verdict_with_the_reason(captured, check, fragment):
    verdict = StateVerifier().verify(task(check), captured["start"])
    assert not verdict.success and verdict.score == 0.0
    assert verdict.reason.startswith("invalid check") and fragment in verdict.reason


def test_check_extension_point(captured):
    def at_least(check: dict, ctx: CheckContext) -> CheckResult:
        n = len(ctx.tree)
        return CheckResult(n >= check["n"], f"{n} elements")

    register_check("at_least_elements", at_least)
    assert judge({"type": "at_least_elements", "n": 5}, captured["start"])[0]
    assert not judge({"type": "at_least_elements", "n": 10_000}, captured["start"])[0]
    with pytest.raises(Exception, match="unknown check type"):
        run_check({"type": "never_registered"}, CheckContext(captured["start"].final.tree()))


def test_answer_verifier_normalises(captured):
    verifier = AnswerVerifier()
    assert verifier.verify(task(answer="42"), captured["answered"]).success  # " Forty-Two. "
    assert verifier.verify(task(answer="42.0"), captured["answered"]).success
    assert not verifier.verify(task(answer="43"), captured["answered"]).success
    no_answer = verifier.verify(task(answer="42"), captured["computed"])
    assert not no_answer.success and "no answer" in no_answer.reason
    extra = task(answer="6 x 7", metadata={"accepted_answers": ["forty two"]})
    assert verifier.verify(extra, captured["answered"]).success


def test_compositions(captured):
    result = {"type": "element_text_equals", "element": DISPLAY, "text": "42"}
    right, wrong = task(result, answer="42"), task(result, answer="7")
    state, answer = StateVerifier(), AnswerVerifier()
    both = AllOf(state, answer)
    assert both.verify(right, captured["answered"]).success
    verdict = both.verify(wrong, captured["answered"])
    assert not verdict.success and verdict.score == 0.0 and len(verdict.details["parts"]) == 2
    assert AnyOf(state, answer).verify(wrong, captured["answered"]).success
    weighted = Weighted([(state, 3), (answer, 1)])
    partial = weighted.verify(wrong, captured["answered"])
    assert partial.score == pytest.approx(0.75) and not partial.success
    assert Weighted([(state, 3), (answer, 1)], threshold=0.7).verify(wrong, captured["answered"]).success
    with pytest.raises(ValueError):
        Weighted([(state, 0)])
    programmatic = ProgrammaticVerifier()
    assert programmatic.verify(right, captured["answered"]).success
    assert not programmatic.verify(wrong, captured["answered"]).success
    assert not programmatic.verify(task(), captured["answered"]).success


def test_content_query_rows_and_expectations():
    output = ("Row: 0 _id=2, address=+1111, date=1693421073675, body=Yo, see you at 5\n"
              "Row: 1 _id=3, address=+2222, date=1693421073999, body=NULL\n")
    rows = parse_content_rows(output)
    assert rows[0]["body"] == "Yo, see you at 5" and rows[1]["address"] == "+2222"
    assert parse_content_rows("No result found.\n") == []
    assert expect_rows(rows, {"min_rows": 2, "row_contains": {"address": "+1111"}}).passed
    assert not expect_rows(rows, {"row_contains": {"address": "+3333"}}).passed
    assert not expect_rows(rows, {"max_rows": 1}).passed


def test_sqlite_on_a_real_database(tmp_path):
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (title TEXT, body TEXT)")
        db.executemany("INSERT INTO notes VALUES (?, ?)", [("Groceries", "milk"), ("Work", None)])
    columns, rows = run_sqlite(path, "SELECT title, body FROM notes ORDER BY title")
    assert columns == ["title", "body"] and rows == [["Groceries", "milk"], ["Work", None]]
    assert expect_rows(rows, {"rows": [["Groceries", "milk"], ["Work", "NULL"]]}, columns).passed
    assert expect_rows(rows, {"row_contains": {"title": "groceries"}, "casefold": True}, columns).passed
    with pytest.raises(sqlite3.OperationalError):  # read-only: a task's check can never change app data
        run_sqlite(path, "DELETE FROM notes")
