"""The uiautomator dump parser on every real dump in shared/fixtures (values read from the files by hand)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autoplay_gym.core.ui import Bounds
from autoplay_gym.envs.android.hierarchy import HierarchyError, parse_hierarchy, role_for

# shared/ sits beside the repository checkout (locally and in CI).
FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "android" / "uiautomator"
FILES = sorted(FIXTURES.glob("*.xml"))
# Node counts as listed in SOURCES.md beside the fixtures.
NODES = {
    "android_anr_dialog": 12, "aosp_launcher3_all_apps": 29, "dialer_keypad_typed_number": 127,
    "ecovacs_with_notification_shade_de": 143, "files_documentsui_recent_empty_zh": 27,
    "gmail_setup_email_account_list": 48, "huawei_calendar_new_event_zh": 115, "intentresolver_share_sheet": 54,
    "launcher_search_engine_choice": 31, "maps_search_results_list": 179, "packageinstaller_permission_dialog_zh": 15,
    "permissioncontroller_location_dialog": 18, "permissioncontroller_security_privacy": 60,
    "phone_preferred_network_dialog_pt": 30, "pixel_launcher_home": 35, "pixel_launcher_home_widgets": 101,
    "systemui_lockscreen_notifications_pt__AliveGroup": 79, "systemui_lockscreen_notifications_pt__JhusNeto": 113,
    "systemui_lockscreen_pin_entry": 98, "systemui_quick_settings_emulator": 109, "vivo_launcher_home_zh": 98,
    "wework_invite_confirm_dialog_zh": 10,
}


def _named(path: Path, prefix: str) -> bool:
    """A fixture's screen name is the part before `__` (two lock screens also need their source repo)."""
    return path.stem.split("__")[0] == prefix or ("__" in prefix and path.stem.startswith(prefix))


def load(prefix: str):
    (path,) = [f for f in FILES if _named(f, prefix)]
    return parse_hierarchy(path.read_bytes())


def test_every_fixture_is_present():
    assert len(FILES) == 22


@pytest.mark.parametrize("path", FILES, ids=[f.name.split("__")[0] for f in FILES])
def test_every_node_becomes_an_element_in_document_order(path):
    raw = path.read_text(encoding="utf-8")
    tree = parse_hierarchy(raw)
    expected = next(n for prefix, n in NODES.items() if _named(path, prefix))
    assert len(tree) == expected == len(re.findall(r"<node\b", raw))
    assert not tree.truncated and tree.total_nodes == expected
    assert [e.id for e in tree] == list(range(expected))
    # bounds and classes in the same order as they appear in the file
    assert [e.bounds.as_list() for e in tree] == [
        [int(v) for v in m] for m in re.findall(r'bounds="\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]"', raw)
    ]
    assert [e.class_name for e in tree] == re.findall(r'class="([^"]*)"', raw)
    for element in tree:
        assert element.parent is None or element.parent < element.id
        if element.parent is not None:
            assert element.depth == tree[element.parent].depth + 1


def test_permission_dialog_in_chinese():
    tree = load("packageinstaller_permission_dialog_zh")
    assert tree[9].text == "允许“通讯录”访问您设备上的照片、媒体内容和文件吗？"
    assert tree[9].role == "label" and tree[9].resource_id == "com.android.packageinstaller:id/permission_message"
    deny, allow = tree[13], tree[14]
    assert (deny.text, deny.role, deny.clickable, deny.bounds) == ("拒绝", "push button", True, Bounds(1187, 584, 1299, 668))
    assert (allow.text, allow.bounds) == ("允许", Bounds(1299, 584, 1411, 668))
    assert tree.find_text("允许", exact=True) == [allow]
    assert tree[0].bounds == Bounds(452, 42, 1467, 1080)  # a dialog window that does not start at [0,0]


def test_password_field_on_the_lock_screen():
    tree = load("systemui_lockscreen_pin_entry")
    (field,) = [e for e in tree if e.resource_id == "com.android.systemui:id/vivo_pin_edittext"]
    assert field.role == "password text" and field.editable and field.focused and field.clickable
    assert field.description == "Edit password in the password input box"
    assert field.bounds == Bounds(116, 702, 604, 762)
    assert [e for e in tree if e.editable] == [field]


def test_dialer_number_field_and_hint():
    tree = load("dialer_keypad_typed_number")
    (digits,) = [e for e in tree if e.resource_id == "com.google.android.dialer:id/digits"]
    assert (digits.text, digits.role, digits.editable, digits.focused) == ("(286) 800-00", "entry", True, False)
    assert digits.description == ""  # the hint "Phone Number" is shown only while the field is empty
    assert digits.bounds == Bounds(147, 988, 933, 1132) and digits.app == "com.google.android.dialer"


def test_autocomplete_title_field_and_disabled_icon():
    tree = load("huawei_calendar_new_event_zh")
    (title,) = [e for e in tree if e.resource_id == "com.huawei.calendar:id/title"]
    assert (title.text, title.role, title.editable, title.focused, title.selected) == ("标题", "entry", True, True, True)
    (done,) = [e for e in tree if not e.enabled]
    assert (done.description, done.clickable, done.role) == ("完成", True, "image")
    assert "disabled" in done.line()


def test_checked_radio_button_and_scrollable_list():
    tree = load("permissioncontroller_location_dialog")
    (precise,) = tree.find(text="Precise")
    assert (precise.role, precise.checkable, precise.checked, precise.clickable) == ("radio button", True, True, True)
    assert precise.bounds == Bounds(157, 969, 498, 1382)
    maps = load("maps_search_results_list")
    (veg,) = [e for e in maps if e.class_name == "android.widget.CompoundButton" and e.description == "Vegetarian options"]
    assert (veg.description, veg.checked, veg.role) == ("Vegetarian options", True, "toggle button")
    assert any(e.scrollable for e in maps)


def test_several_windows_and_german_text():
    tree = load("ecovacs_with_notification_shade_de")
    assert len([e for e in tree if e.parent is None]) == 4
    (back,) = [e for e in tree if e.resource_id == "com.android.systemui:id/back"]
    assert back.description == "Zurück" and back.clickable
    assert any(e.description == "Benachrichtigung von Gerätewartung: Hintergrund-Energienutzung prüfen" for e in tree)


def test_multi_line_text_survives():
    tree = load("intentresolver_share_sheet")
    (museum,) = [e for e in tree if e.text.startswith("Dr Sun Yat-sen Museum")]
    assert museum.text.split("\n") == [
        "Dr Sun Yat-sen Museum",
        "Official museum directory - Central & Western",
        "Weather 0.78, AQHI 0.85, and ETA 7 min make this a stronger leisure option.",
        "22.2821, 114.1508",
        "http://www.lcsd.gov.hk/CE/Museum/sysm/en/index.php",
    ]
    assert "\\n" in museum.line()  # one line per element in the text form


def test_text_form_is_one_line_per_element():
    tree = load("wework_invite_confirm_dialog_zh")
    lines = tree.to_text().splitlines()
    assert len(lines) == 10
    assert any('"当前群聊人数较多。为减少打扰，对方同意后才会进入群聊，现在邀请？"' in line for line in lines)


def test_max_nodes_truncates():
    tree = parse_hierarchy((FIXTURES / FILES[0].name).read_bytes(), max_nodes=5)
    assert len(tree) == 5 and tree.truncated and tree.total_nodes == 12


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "ERROR: could not get idle state.", "<?xml version='1.0' ?><hierarchy rotation=\"0\"><node index=\"0\"",
     "<?xml version='1.0' ?><hierarchy rotation=\"0\"></hierarchy>", "<html></html>"],
)
def test_bad_dumps_raise_hierarchy_error(bad):
    with pytest.raises(HierarchyError):
        parse_hierarchy(bad)


def test_roles_for_framework_and_library_classes():
    assert role_for("com.google.android.material.button.MaterialButton") == "push button"
    assert role_for("androidx.appcompat.widget.AppCompatEditText") == "entry"
    assert role_for("androidx.appcompat.widget.SwitchCompat") == "switch"
    assert role_for("android.widget.FrameLayout") == "panel"
    assert role_for("com.example.Widget") == "unknown"
    assert role_for("android.widget.EditText", password=True) == "password text"
