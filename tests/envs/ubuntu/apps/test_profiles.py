"""Pre-seeded profiles: written where the apps look, and every setting exists in the installed app's own schema
(a misspelt key is silently dropped by LibreOffice and GIMP, which would bring the dialogs back)."""

from __future__ import annotations

import configparser
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from autoplay_gym.envs.ubuntu import profiles
from autoplay_gym.envs.ubuntu.session import Desktop

LIBREOFFICE_REGISTRY = Path("/usr/lib/libreoffice/share/.registry")
OOR = "{http://openoffice.org/2001/registry}"
SYSTEM_GIMPRC = Path("/etc/gimp/2.0/gimprc")


def test_config_dir_is_where_the_desktop_points_xdg_config_home(tmp_path):
    desktop = Desktop()
    try:
        env = desktop.app_env(tmp_path)
    finally:
        desktop.close()
    assert Path(env["XDG_CONFIG_HOME"]) == tmp_path / profiles.CONFIG_DIR


def _schema_props() -> set[str]:
    """Every property path ("/org.openoffice.Office.Common/Misc/ShowTipOfTheDay") the installed schemas define."""
    found: set[str] = set()
    for xcd in sorted(LIBREOFFICE_REGISTRY.glob("*.xcd")):
        for schema in ET.parse(xcd).getroot().iter("{http://openoffice.org/2001/registry}component-schema"):
            root = f"/{schema.get(OOR + 'package')}.{schema.get(OOR + 'name')}"
            component = schema.find("component")
            if component is not None:
                _collect(component, root, found)
    return found


def _collect(element: ET.Element, path: str, out: set[str]) -> None:
    for child in element:
        name = child.get(OOR + "name")
        if child.tag == "prop":
            out.add(f"{path}/{name}")
        elif child.tag == "group":
            _collect(child, f"{path}/{name}", out)


def test_every_libreoffice_setting_exists_in_its_schema():
    known = _schema_props()
    assert len(known) > 1000
    for node, prop, _type, _value in profiles.LIBREOFFICE_SETTINGS:
        assert f"{node}/{prop}" in known, f"LibreOffice has no setting {node}/{prop}"


def test_libreoffice_profile_is_valid_xcu(tmp_path):
    profiles.prepare_libreoffice(tmp_path)
    xcu = tmp_path / "config" / "libreoffice" / "4" / "user" / "registrymodifications.xcu"
    items = ET.parse(xcu).getroot().findall("item")
    assert len(items) == len(profiles.LIBREOFFICE_SETTINGS)


def test_every_gimp_setting_is_a_gimprc_option():
    documented = set(re.findall(r"^# \(([a-z-]+) ", SYSTEM_GIMPRC.read_text(), re.MULTILINE))
    for setting in profiles.GIMP_SETTINGS:
        assert re.match(r"^\(([a-z-]+) ", setting).group(1) in documented, setting


def test_thunderbird_profile_is_the_default_one(tmp_path):
    profiles.prepare_thunderbird(tmp_path)
    ini = configparser.ConfigParser()
    ini.read(tmp_path / ".thunderbird" / "profiles.ini")
    assert ini["Profile0"]["Default"] == "1" and ini["Profile0"]["Path"] == profiles.THUNDERBIRD_PROFILE
    user_js = (profiles.thunderbird_profile_dir(tmp_path) / "user.js").read_text()
    assert 'user_pref("mail.provider.suppress_dialog_on_startup", true);' in user_js
    assert (profiles.thunderbird_profile_dir(tmp_path) / "Mail" / "Local Folders").is_dir()


def test_chromium_profile_skips_first_run(tmp_path):
    profiles.prepare_chromium(tmp_path)
    data = tmp_path / "config" / "chromium"
    assert (data / "First Run").exists()
    assert json.loads((data / "Default" / "Preferences").read_text())["browser"]["check_default_browser"] is False


def test_vlc_profile_turns_the_privacy_question_off(tmp_path):
    profiles.prepare_vlc(tmp_path)
    text = (tmp_path / "config" / "vlc" / "vlcrc").read_text()
    assert "[qt]\nqt-privacy-ask=0\n" in text
    assert "qt-bgcone=0\n" in text  # no cone fading in for a second whenever the video area shows


def test_carried_files_are_kept_seeded_and_replaced_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, second, third = tmp_path / "home1", tmp_path / "home2", tmp_path / "home3"
    rel = "config/App/list"
    profiles.carry_in(first, "App", [rel])  # nothing kept yet: nothing seeded
    assert not (first / rel).exists()
    (first / rel).parent.mkdir(parents=True)
    (first / rel).write_bytes(b"v1")
    profiles.carry_out(first, "App", [rel, "config/App/never-written"])
    assert (profiles.carried_store("App") / rel).read_bytes() == b"v1"
    profiles.carry_in(second, "App", [rel])
    assert (second / rel).read_bytes() == b"v1"
    (second / rel).write_bytes(b"v2, another version installed")
    profiles.carry_out(second, "App", [rel])
    profiles.carry_in(third, "App", [rel])
    assert (third / rel).read_bytes() == b"v2, another version installed"
    assert [p.name for p in (profiles.carried_store("App") / rel).parent.iterdir()] == ["list"]  # no partial left
    assert not (profiles.carried_store("Other") / rel).exists()  # kept per app


def test_a_carried_file_that_cannot_be_kept_costs_only_a_warning(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the store's folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "list").write_bytes(b"v1")
    profiles.carry_out(home, "App", ["config/list"])
    profiles.carry_in(tmp_path / "home2", "App", ["config/list"])
    assert "could not keep config/list" in caplog.text


def test_carried_folders_are_kept_as_one_archive_and_seeded_with_their_times(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, second = tmp_path / "home1", tmp_path / "home2"
    rel = "config/App/registry"
    (first / rel / "bundled").mkdir(parents=True)
    (first / rel / "buildid").write_bytes(b"40(Build:2)")
    (first / rel / "bundled" / "lastsynchronized").write_bytes(b"1")
    os.utime(first / rel / "bundled" / "lastsynchronized", (1_700_000_000, 1_700_000_000))
    profiles.carry_out(first, "App", [rel])
    kept = profiles.carried_store("App") / "config" / "App" / "registry.tar"
    assert [p.name for p in kept.parent.iterdir()] == ["registry.tar"]  # one file, no partial left
    stamp = kept.stat().st_mtime_ns
    profiles.carry_out(first, "App", [rel])  # unchanged: the same bytes, so not written again
    assert kept.stat().st_mtime_ns == stamp
    profiles.carry_in(second, "App", [rel])
    assert (second / rel / "buildid").read_bytes() == b"40(Build:2)"
    synced = second / rel / "bundled" / "lastsynchronized"
    assert synced.read_bytes() == b"1" and synced.stat().st_mtime == 1_700_000_000  # LibreOffice compares times


def test_a_broken_carried_archive_is_left_out_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept = profiles.carried_store("App") / "config" / "registry.tar"
    kept.parent.mkdir(parents=True)
    whole = tmp_path / "whole"
    (whole / "registry").mkdir(parents=True)
    for name in ("buildid", "backenddb.xml"):
        (whole / "registry" / name).write_bytes(b"x" * 4096)
    profiles.carry_out(whole, "App", ["registry"])
    archive = (profiles.carried_store("App") / "registry.tar").read_bytes()
    kept.write_bytes(archive[: len(archive) // 2])  # cut inside the second file: the first unpacks whole
    profiles.carry_in(tmp_path / "home", "App", ["config/registry"])
    assert "could not seed config/registry" in caplog.text
    assert not (tmp_path / "home" / "config" / "registry").exists()  # no half of it left behind
    kept.write_bytes(b"not a tar file")
    profiles.carry_in(tmp_path / "home2", "App", ["config/registry"])
    assert not (tmp_path / "home2" / "config" / "registry").exists()
