"""End to end through gym.make, adbutils and the ADB protocol: gymnasium's checker, and a contact created, edited
and deleted through UI actions only (element ids read from each observation), checked in the Contacts Provider."""

from __future__ import annotations

import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

from autoplay_gym.core.ui import UIElement

from .conftest import DEVICES, env_kwargs

PHONES = "content://contacts/phones/"
FIRST, LAST, NUMBER = "Ada, Countess=of", "Lovelace", "+1 555-0100"  # a comma-space and '=' inside a value


def find(env, *, text: str | None = None, desc: str | None = None, editable: bool | None = None) -> UIElement:
    """The first element of the current observation with this exact text or description."""
    for element in env.tree:
        if text is not None and element.text != text:
            continue
        if desc is not None and element.description != desc:
            continue
        if editable is not None and element.editable != editable:
            continue
        return element
    raise AssertionError(f"no element with text={text!r} desc={desc!r} on screen:\n{env.tree.to_text()}")


def act(env, action: dict) -> dict:
    obs, reward, terminated, truncated, info = env.step(action)
    assert info["action_error"] is None, info["action_error"]
    assert not terminated and not truncated
    assert obs["a11y_tree"] == env.tree.to_text()
    return info


def phones(env, name: str) -> list[dict]:
    return [r for r in env.device.content_query(PHONES, ["display_name", "number"]) if r["display_name"] == name]


@pytest.mark.parametrize("kind", DEVICES)
def test_check_env(kind):
    env = gym.make("AutoPlay-Android-Contacts", **env_kwargs(kind))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any checker warning is a failure, not noise
            check_env(env.unwrapped)
    finally:
        env.close()


def test_create_edit_delete_a_contact(contacts):
    env = contacts
    env.reset(seed=0)
    name = f"{FIRST} {LAST}"
    assert phones(env, name) == []

    act(env, {"type": "click", "element": find(env, desc="Create contact").id})
    act(env, {"type": "type", "element": find(env, text="First name", editable=True).id, "text": FIRST})
    act(env, {"type": "type", "element": find(env, text="Last name", editable=True).id, "text": LAST})
    act(env, f'type("{NUMBER}", element={find(env, text="Phone", editable=True).id})')  # the text form works too
    assert find(env, text=FIRST, editable=True) and find(env, text=NUMBER, editable=True)
    act(env, {"type": "click", "element": find(env, text="Save").id})
    assert phones(env, name) == [{"display_name": name, "number": NUMBER}]
    assert find(env, text=name).role == "label"  # the details page shows it

    act(env, {"type": "click", "element": find(env, desc="Edit contact").id})
    act(env, {"type": "type", "element": find(env, text=NUMBER, editable=True).id, "text": "+44 20 7946 0958",
              "clear": True})
    act(env, {"type": "click", "element": find(env, text="Save").id})
    assert phones(env, name) == [{"display_name": name, "number": "+44 20 7946 0958"}]

    act(env, {"type": "click", "element": find(env, desc="More options").id})
    act(env, {"type": "click", "element": find(env, text="Delete").id})
    act(env, {"type": "click", "element": find(env, text="Delete").id})  # the confirmation dialog's button
    assert phones(env, name) == []


def test_keys_back_home_and_open_app(contacts):
    env = contacts
    env.reset(seed=0)
    act(env, {"type": "click", "element": find(env, desc="Create contact").id})
    assert find(env, text="Save")
    act(env, {"type": "key", "key": "Back"})  # an untouched editor closes without asking
    assert find(env, desc="Create contact") and not any(e.text == "Save" for e in env.tree)
    act(env, {"type": "home"})
    assert not any(e.app == "com.google.android.contacts" for e in env.tree)
    act(env, {"type": "open_app", "app": "Pro Expense"})  # other apps are reachable: cross-app tasks need that
    assert any(e.app == "com.arduia.expense" for e in env.tree)
    act(env, {"type": "open_app", "app": "com.google.android.contacts"})
    assert any(e.app == "com.google.android.contacts" for e in env.tree)
    act(env, {"type": "scroll", "direction": "down"})
    act(env, {"type": "wait", "seconds": 0.1})


def test_an_app_missing_from_the_device_is_an_action_error(contacts):
    contacts.reset(seed=0)
    before = contacts.tree.content_hash()
    _, _, _, _, info = contacts.step({"type": "open_app", "app": "Clock"})
    if contacts.device.is_installed("com.google.android.deskclock"):
        assert info["action_error"] is None
    else:
        assert "does not exist" in info["action_error"] and contacts.tree.content_hash() == before


def _inside_clickable(tree, element: UIElement) -> bool:
    while element is not None:
        if element.clickable or element.editable:
            return True
        element = tree[element.parent] if element.parent is not None else None
    return False


def test_typing_into_something_that_is_not_a_text_field(contacts):
    contacts.reset(seed=0)
    label = next(e for e in contacts.tree if e.role == "label" and not _inside_clickable(contacts.tree, e))
    _, _, _, _, info = contacts.step({"type": "type", "element": label.id, "text": "hello"})
    assert "no text field took the focus" in info["action_error"]
    assert "hello" not in contacts.tree.all_text()
    # tapping the search bar opens a focused search field, so typing there works
    _, _, _, _, info = contacts.step({"type": "type", "element": find(contacts, text="Search contacts").id,
                                      "text": "hello"})
    assert info["action_error"] is None and "hello" in [e.text for e in contacts.tree if e.editable]
