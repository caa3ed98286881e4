"""`uiautomator dump` output held against the real dumps in /work/shared/fixtures/android/uiautomator."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from autoplay_gym.envs.android.sim.ui.dump import dump_xml
from autoplay_gym.envs.android.sim.ui.view import View

FIXTURES = Path("/work/shared/fixtures/android/uiautomator")
# A dump from the framework's own dumper (no drawing-order/hint extras), the format the simulator writes.
FRAMEWORK_FIXTURE = FIXTURES / "aosp_launcher3_all_apps__maxiaohui0921_MyTools.xml"
BOUNDS = re.compile(r"^\[\d+,\d+\]\[\d+,\d+\]$")
BOOLEAN_ATTRS = ("checkable", "checked", "clickable", "enabled", "focusable", "focused", "scrollable",
                 "long-clickable", "password", "selected")


def attribute_orders(xml: str) -> set[tuple[str, ...]]:
    """The attribute name sequence of every <node ...> tag, read from the raw text (order matters)."""
    return {tuple(re.findall(r' ([\w-]+)="', tag)) for tag in re.findall(r"<node [^>]*>", xml)}


def check_structure(xml: str, width: int, height: int) -> ET.Element:
    """What every real dump satisfies; returns the parsed root."""
    assert xml.startswith("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\">")
    assert xml.endswith("</hierarchy>") and "\n" not in xml
    root = ET.fromstring(xml)
    assert root.tag == "hierarchy" and list(root.attrib) == ["rotation"]
    for node in root.iter("node"):
        assert BOUNDS.match(node.get("bounds", "")), node.attrib
        left, top, right, bottom = map(int, re.findall(r"\d+", node.get("bounds")))
        assert 0 <= left <= right <= width and 0 <= top <= bottom <= height
        assert all(node.get(name) in ("true", "false") for name in BOOLEAN_ATTRS)
        indexes = [int(child.get("index")) for child in node]
        assert indexes == sorted(set(indexes))
    return root


def fixture_order() -> tuple[str, ...]:
    """The fixture's attribute order (NAF, when present, always comes first and is optional)."""
    orders = {o[1:] if o[:1] == ("NAF",) else o for o in attribute_orders(FRAMEWORK_FIXTURE.read_text("utf-8"))}
    assert len(orders) == 1
    return orders.pop()


def test_the_checker_accepts_the_real_fixture() -> None:
    check_structure(FRAMEWORK_FIXTURE.read_text(encoding="utf-8"), 1080, 1920)


def screen_dumps(ui) -> dict[str, str]:
    """Dumps of several screens: home, contacts list/editor/dialog, calendar month and time picker."""
    dumps = {}

    def grab(name: str) -> None:
        ui.sh("uiautomator dump /data/local/tmp/d.xml")
        dumps[name] = ui.device.sync.read_text("/data/local/tmp/d.xml")

    grab("home")
    ui.sh('am start -a android.intent.action.INSERT -t vnd.android.cursor.dir/contact -e name "A & B <C>" -e phone 1')
    grab("editor")
    ui.tap(text="Save")
    ui.tap(content_desc="More options")
    ui.tap(text="Delete")
    grab("dialog")
    ui.key("BACK")
    ui.key("BACK")
    grab("contacts")
    ui.sh("monkey -p com.simplemobiletools.calendar.pro 1")
    grab("calendar")
    ui.tap(content_desc="New Event")
    ui.tap(resource_id="com.simplemobiletools.calendar.pro:id/event_start_time")
    grab("time picker")
    return dumps


def test_dumps_match_the_real_structure_and_attribute_order(ui) -> None:
    expected = fixture_order()
    for name, xml in screen_dumps(ui).items():
        root = check_structure(xml, 1080, 2400)
        for order in attribute_orders(xml):
            plain = order[1:] if order[:1] == ("NAF",) else order
            assert plain == expected, (name, order)
        assert len(list(root)) == 1, name  # one window: the active one


def test_dialog_is_its_own_window_and_text_is_escaped(ui) -> None:
    dumps = screen_dumps(ui)
    dialog_root = ET.fromstring(dumps["dialog"]).find("node")
    assert dialog_root.get("bounds") != "[0,0][1080,2400]"
    assert {n.get("package") for n in ET.fromstring(dumps["dialog"]).iter("node")} == {"com.google.android.contacts"}
    assert 'text="A &amp; B &lt;C&gt;"' in dumps["contacts"]


def test_default_path_and_confirmation_line(ui) -> None:
    assert ui.sh("uiautomator dump") == "UI hierchary dumped to: /sdcard/window_dump.xml\n"
    assert ui.device.sync.read_text("/sdcard/window_dump.xml").startswith("<?xml")
    out = ui.sh("uiautomator dump /dev/tty")
    assert out.endswith("</hierarchy>UI hierchary dumped to: /dev/tty\n")


def test_naf_and_escaping_rules() -> None:
    unlabeled = View("android.widget.ImageButton", (10, 10, 50, 50), clickable=True)
    labeled = View("android.widget.FrameLayout", (60, 10, 100, 50), clickable=True,
                   children=[View("android.widget.TextView", (60, 10, 100, 50), text='say "hi"\nnow')])
    listing = View("android.widget.ListView", (0, 60, 100, 100), clickable=True)
    hidden = View("android.widget.TextView", (0, 0, 1, 1), text="hidden", visible_to_user=False)
    root = View("android.widget.FrameLayout", (0, 0, 200, 200), children=[unlabeled, hidden, labeled, listing])
    xml = dump_xml(root, "pkg", 200, 200)
    tags = re.findall(r"<node [^>]*>", xml)
    assert tags[1].startswith('<node NAF="true" index="0" ')
    assert not any(t.startswith("<node NAF") for t in tags[2:])
    assert 'index="2"' in tags[2] and "hidden" not in xml  # invisible children are skipped, indexes keep counting
    assert 'text="say &quot;hi&quot;&#10;now"' in xml
    assert xml.count(" />") == 3


def test_header_is_byte_identical_to_the_fixture(device) -> None:
    ours = device.dump_hierarchy()
    real = FRAMEWORK_FIXTURE.read_text(encoding="utf-8")
    assert ours.split("<node", 1)[0] == real.split("<node", 1)[0]
