"""The 20-app catalog and its registration as `AutoPlay-Android-<App>` ids."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.envs.android.apps import ANDROID_APPS, app_for, find_app
from autoplay_gym.envs.registration import android_env_ids, register_all

REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "android_apps.json"
NAMES = ["Contacts", "Clock", "Markor", "SimpleCalendarPro", "AudioRecorder", "ProExpense", "Broccoli", "Files",
         "Camera", "Chrome", "Settings", "Joplin", "OpenTracks", "OsmAnd", "RetroMusic", "SimpleDrawPro",
         "SimpleGalleryPro", "SimpleSMSMessenger", "Tasks", "VLC"]


def test_twenty_apps_match_the_reference():
    reference = {entry["name"]: entry for entry in json.loads(REFERENCE.read_text())}
    assert sorted(ANDROID_APPS) == sorted(NAMES) == sorted(reference)
    for name, app in ANDROID_APPS.items():
        assert app.package == reference[name]["package"]
        assert app.activity == reference[name]["activity"]
        assert app.activity.split("/")[0] == app.package
        assert app.state, f"{name} says nowhere where its state is"


def test_state_sources_name_real_stores():
    assert ANDROID_APPS["Contacts"].state[0].location == "content://contacts/phones/"
    cal = ANDROID_APPS["SimpleCalendarPro"].state[0]
    assert (cal.kind, cal.location, cal.tables) == (
        "sqlite", "/data/data/com.simplemobiletools.calendar.pro/databases/events.db", ("events",))
    assert ANDROID_APPS["ProExpense"].state[0].key == "expense_id"
    assert ANDROID_APPS["SimpleSMSMessenger"].state[0].location == "content://sms/sent"
    for app in ANDROID_APPS.values():
        for source in app.state:
            if source.kind == "sqlite":
                assert source.location.startswith("/data/") and source.tables


def test_every_id_is_registered_without_version_and_idempotently():
    register_all()  # a second time must not raise
    ids = android_env_ids()
    assert ids == ["AutoPlay-Android-" + n for n in NAMES]
    for env_id in ids:
        spec = gym.spec(env_id)
        assert spec.version is None and spec.max_episode_steps and spec.nondeterministic
        assert spec.kwargs == {"platform": "android", "app": env_id.removeprefix("AutoPlay-Android-")}


@pytest.mark.parametrize(
    "text, name",
    [("contacts", "Contacts"), ("Simple Calendar Pro", "SimpleCalendarPro"), ("org.tasks", "Tasks"),
     ("open  tracks", "OpenTracks"), ("com.android.settings", "Settings"), ("RETRO MUSIC", "RetroMusic")],
)
def test_find_app_by_name_alias_or_package(text, name):
    assert find_app(text).name == name


def test_unknown_apps():
    assert find_app("Firefox") is None
    with pytest.raises(ValueError, match="known apps: Contacts"):
        app_for("Firefox")
