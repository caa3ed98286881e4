"""Thunderbird (Gecko): no Account Hub on start, seeded mail shows in a Local Folders Inbox, and selecting a
message displays its body."""

from __future__ import annotations

import pytest

from autoplay_gym.envs.ubuntu.profiles import THUNDERBIRD_PROFILE
from tests.envs.ubuntu.apps import media
from tests.envs.ubuntu.apps.support import (
    app_env,
    assert_frames_on_windows,
    assert_patched_reads_match_full_reads,
    find,
    named,
    step_ok,
    strict_check_env,
    wait_until,
)

pytestmark = pytest.mark.heavy

INBOX = f".thunderbird/{THUNDERBIRD_PROFILE}/Mail/Local Folders/Inbox"
MAIL = media.mbox(
    [
        ("Alice <alice@example.invalid>", "Quarterly report", "The numbers are attached."),
        ("Bob <bob@example.invalid>", "Lunch on Friday?", "Noon at the usual place?"),
    ]
)


@pytest.fixture(scope="module")
def thunderbird():
    with app_env("Thunderbird") as env:
        yield env


def test_check_env(thunderbird):
    strict_check_env(thunderbird)


def test_starts_on_local_folders_without_the_account_hub(thunderbird):
    thunderbird.reset(seed=0)
    assert not any(e.role == "dialog" for e in thunderbird.tree)
    assert find(thunderbird.tree, "tree item", "Local Folders")
    assert_frames_on_windows(thunderbird)
    assert len(named(thunderbird.tree)) >= 15


def test_seeded_message_opens(thunderbird):
    thunderbird.reset(options={"files": {INBOX: MAIL}})
    step_ok(thunderbird, {"type": "click", "element": find(thunderbird.tree, "tree item", "Local Folders").id})
    step_ok(thunderbird, {"type": "key", "key": "Right"})  # expand the account
    tree = wait_until(thunderbird, lambda t: any(e.role == "tree item" and e.text.startswith("Inbox") for e in t),
                      "the Inbox folder")
    step_ok(thunderbird, {"type": "click", "element": find(tree, "tree item", contains="Inbox").id})
    tree = wait_until(thunderbird, lambda t: any(e.role == "list item" and "Quarterly report" in e.text for e in t),
                      "the message list")
    step_ok(thunderbird, {"type": "click", "element": find(tree, "list item", contains="Quarterly report").id})
    wait_until(thunderbird, lambda t: "The numbers are attached." in t.all_text(), "the message body")


def test_patched_reads_match_full_reads(thunderbird):
    """Gecko announces its changes: the menu bar and focus moves patch the last read exactly. After a Tab, Alt
    shows the menu bar with news of its focused menu only: the other menus, which Gecko does not cache, are
    found as its siblings, and the page pushed down (its last heading now out of view, without news) is asked
    for its states where it moved. None of it takes a full read of the app."""
    thunderbird.reset(seed=0)
    patched = assert_patched_reads_match_full_reads(thunderbird, [{"type": "key", "key": "Tab"}])
    assert not any(e.role == "menu" for e in thunderbird.tree)
    shown = assert_patched_reads_match_full_reads(thunderbird, [{"type": "hotkey", "keys": ["alt"]}])
    assert len([e for e in thunderbird.tree if e.role == "menu"]) >= 6
    assert shown > 0, "the menus shown with the menu bar came with a full read"
    patched += shown + assert_patched_reads_match_full_reads(thunderbird, [  # the next Tabs hide it again
        {"type": "key", "key": "Tab"},
        {"type": "key", "key": "Tab"},
    ])
    assert patched > 0
