"""Files (nautilus): opens a seeded folder, and a folder created through its New Folder dialog appears on disk."""

from __future__ import annotations

import pytest

from tests.envs.ubuntu.apps.support import app_env, find, named, step_ok, strict_check_env, wait_until

SEED = {"Projects/report.txt": "quarterly numbers\n", "Projects/data.csv": "a,b\n1,2\n"}


@pytest.fixture(scope="module")
def files():
    with app_env("Files") as env:
        yield env


def _cells(tree) -> set[str]:
    return {e.text for e in tree if e.role == "table cell" and e.text}


def test_check_env(files):
    strict_check_env(files)


def test_opens_the_seeded_folder(files):
    files.reset(options={"files": SEED, "open": "Projects"})
    assert {"report.txt", "data.csv"} <= _cells(files.tree)
    assert find(files.tree, "frame", "Projects")
    assert len(named(files.tree)) >= 15


def test_new_folder_dialog_creates_a_folder(files):
    files.reset(options={"files": SEED, "open": "Projects"})
    step_ok(files, {"type": "hotkey", "keys": ["ctrl", "shift", "n"]})
    dialog = wait_until(files, lambda t: any(e.role == "dialog" and e.text == "New Folder" for e in t), "the dialog")
    assert find(dialog, "push button", "Create").enabled is False  # nothing typed yet
    step_ok(files, {"type": "type", "text": "Invoices\n"})  # the new dialog has the keyboard
    wait_until(files, lambda t: "Invoices" in _cells(t), "the new folder in the view")
    assert (files.backend.home / "Projects" / "Invoices").is_dir()


def test_reset_forgets_the_last_episode(files):
    files.reset(options={"files": SEED, "open": "Projects"})
    assert "Invoices" not in _cells(files.tree)
    assert not (files.backend.home / "Projects" / "Invoices").exists()
