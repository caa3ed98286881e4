"""The catalog: every app is registered, installed, and hands files to its program the way that program wants."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import gymnasium as gym
import pytest

import autoplay_gym  # noqa: F401
from autoplay_gym.envs.registration import ubuntu_env_ids
from autoplay_gym.envs.ubuntu.apps import UBUNTU_APPS, VLC_COMMAND, app_for

ALL_APPS = (
    "Calculator", "TextEditor", "Files", "Terminal", "DocumentViewer", "ImageViewer", "LibreOfficeCalc",
    "LibreOfficeWriter", "LibreOfficeImpress", "GIMP", "VLC", "Thunderbird", "Chromium",
)


def test_the_thirteen_apps_are_registered():
    assert tuple(UBUNTU_APPS) == ALL_APPS
    for name in ALL_APPS:
        env_id = f"AutoPlay-Ubuntu-{name}"
        assert env_id in ubuntu_env_ids() and env_id in gym.registry
        assert gym.spec(env_id).nondeterministic is (not UBUNTU_APPS[name].deterministic)


@pytest.mark.parametrize("name", ALL_APPS)
def test_every_app_is_installed_and_documented(name):
    app = UBUNTU_APPS[name]
    program = "vlc" if app.command[: len(VLC_COMMAND)] == VLC_COMMAND else app.command[0]
    assert shutil.which(program), f"{program} missing: apt-get install --no-install-recommends {app.package}"
    assert len(app.notes) > 80  # the quirks measured for it
    if not app.deterministic:
        assert "nondeterministic" in app.notes  # and why


def test_open_arguments_follow_each_program():
    path = Path("/home/u/data.csv")
    assert UBUNTU_APPS["LibreOfficeCalc"].open_argv(path) == ["--infilter=CSV:44,34,76,1", str(path)]
    assert UBUNTU_APPS["LibreOfficeCalc"].open_argv(Path("/h/s.ods")) == ["/h/s.ods"]
    assert UBUNTU_APPS["Terminal"].open_argv(Path("/h/work")) == ["--working-directory=/h/work"]
    assert UBUNTU_APPS["DocumentViewer"].open_argv(Path("/h/a.pdf")) == ["/h/a.pdf"]


def test_an_ad_hoc_command_keeps_the_catalog_entry_settings():
    app = app_for("LibreOfficeCalc", ["libreoffice", "--calc", "--norestore"])
    assert app.command == ("libreoffice", "--calc", "--norestore")
    assert app.env == UBUNTU_APPS["LibreOfficeCalc"].env
    assert app.prepare_profile is UBUNTU_APPS["LibreOfficeCalc"].prepare_profile
    assert app.open_args_by_suffix == UBUNTU_APPS["LibreOfficeCalc"].open_args_by_suffix


def test_vlc_runs_through_the_launcher_only_as_root():
    command = UBUNTU_APPS["VLC"].command
    if os.geteuid() == 0:
        assert command[2].endswith("vlc_launcher.py")
    else:
        assert command[0] == "vlc"
