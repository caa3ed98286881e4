"""Framework commands in the formats real clients parse (the regexes below are the clients' own)."""

from __future__ import annotations

import re
import struct

CONTACTS = "com.google.android.contacts"
LAUNCHER = "com.google.android.apps.nexuslauncher"


def run(device, command: str) -> tuple[int, str, str]:
    result = device.shell2(command, v2=True)
    return result.returncode, result.stdout, result.stderr


def test_wm_and_getprop(device) -> None:
    assert run(device, "wm density") == (0, "Physical density: 420\n", "")
    assert run(device, "wm size 12") == (255, "", "Error: bad size 12\n")
    assert run(device, "wm density 50") == (255, "", "Error: density must be >= 72\n")
    assert run(device, "getprop ro.build.version.sdk") == (0, "33\n", "")
    assert run(device, "getprop no.such.prop") == (0, "\n", "")
    lines = run(device, "getprop")[1].splitlines()
    assert lines == sorted(lines) and "[ro.product.model]: [sdk_gphone64_x86_64]" in lines


def test_focus_lines_for_every_client(device) -> None:
    run(device, f"am start -n {CONTACTS}/com.android.contacts.activities.PeopleActivity")
    window = run(device, "dumpsys window")[1]
    focused_app = re.search(r"^\s*mFocusedApp.+Record\{.*\s([^\s\/\}]+)\/([^\s\/\}\,]+)\,?(\s[^\s\/\}]+)*\}",
                            window, re.M)  # appium
    assert focused_app.groups()[:2] == (CONTACTS, "com.android.contacts.activities.PeopleActivity")
    current = re.search(r"^\s*mCurrentFocus.+\{.+\s([^\s\/]+)\/([^\s]+)\b", window, re.M)
    assert current.group(1) == CONTACTS
    assert re.search(r"mCurrentRotation=ROTATION_(\d+)", window).group(1) == "0"  # AndroidWorld
    assert "mCurrentFocus" not in run(device, "dumpsys window windows")[1]  # as on Android 13
    activities = run(device, "dumpsys activity activities")[1]
    resumed = re.search(r"mResumedActivity: ActivityRecord\{.*?\s+(?P<package>[^\s]+)/(?P<activity>[^\s]+)\s.*?\}",
                        activities)  # adbutils
    assert resumed.group("package") == CONTACTS
    top = re.findall(r"ACTIVITY (?P<package>[^\s]+)/(?P<activity>[^/\s]+) \w+ pid=(?P<pid>\d+)",
                     run(device, "dumpsys activity top")[1])
    assert top[-1][:2] == (CONTACTS, "com.android.contacts.activities.PeopleActivity")
    stack = run(device, "am stack list | grep -E visible=true")[1]  # android_env's current activity
    assert re.search(r".*\{(.*)\}", stack).group(1) == f"{CONTACTS}/com.android.contacts.activities.PeopleActivity"
    frame = run(device, "dumpsys input | grep logicalFrame")[1]
    assert re.search(r"logicalFrame=\[0, 0, (\d+), (\d+)\]", frame).groups() == ("1080", "2400")
    display = run(device, "dumpsys display")[1]
    first = next(line for line in display.splitlines() if "orientation=" in line)
    assert "mViewports=[DisplayViewport{" in first


def test_am_start_outputs(device) -> None:
    component = f"{CONTACTS}/com.android.contacts.activities.PeopleActivity"
    status, out, _ = run(device, f"am start -W -n {component}")
    assert status == 0
    assert out.splitlines()[:3] == [f"Starting: Intent {{ cmp={CONTACTS}/com.android.contacts.activities"
                                    ".PeopleActivity }", "Status: ok", "LaunchState: COLD"]
    assert out.splitlines()[-1] == "Complete" and re.search(r"^TotalTime: \d+$", out, re.M)
    assert "Warning: Activity not started, intent has been delivered to currently running top-most instance." \
        in run(device, f"am start -n {component}")[1]
    assert run(device, f"am start -n {CONTACTS}/.Nope") == (
        0, f"Starting: Intent {{ cmp={CONTACTS}/.Nope }}\n",
        f"Error type 3\nError: Activity class {{{CONTACTS}/{CONTACTS}.Nope}} does not exist.\n")
    _, out, err = run(device, "am start -a android.intent.action.VIEW -d https://example.com")
    assert err == "Error: Activity not started, unable to resolve Intent { act=android.intent.action.VIEW " \
                  "dat=https://example.com flg=0x10000000 }\n"


def test_home_back_and_force_stop(device) -> None:
    run(device, f"monkey -p {CONTACTS} 1")
    assert device.app_current().package == CONTACTS
    run(device, "input keyevent 3")
    assert device.app_current().package == LAUNCHER
    run(device, f"monkey -p {CONTACTS} 1")
    run(device, "input keyevent KEYCODE_BACK")
    assert device.app_current().package == LAUNCHER
    run(device, f"monkey -p {CONTACTS} 1")
    run(device, f"am force-stop {CONTACTS}")
    assert device.app_current().package == LAUNCHER
    recents = run(device, "dumpsys activity recents")[1]
    assert re.findall(r"id=(\d+)", recents) == []


def test_recents_and_stack_remove(device) -> None:
    run(device, f"monkey -p {CONTACTS} 1")
    run(device, "input keyevent HOME")
    ids = re.findall(r"id=(\d+)", run(device, "dumpsys activity recents")[1])  # AndroidWorld close_recents
    assert len(ids) == 1
    assert run(device, f"am stack remove {ids[0]}") == (0, "", "")
    assert re.findall(r"id=(\d+)", run(device, "dumpsys activity recents")[1]) == []


def test_monkey_and_pm(device) -> None:
    status, out, err = run(device, "monkey -p org.example.missing -c android.intent.category.LAUNCHER 1")
    assert status == 252 and out.endswith("** No activities found to run, monkey aborted.\n")
    assert err.startswith("args: [-p, org.example.missing, -c, android.intent.category.LAUNCHER, 1]\n")
    packages = re.findall(r"^package:([^\s]+)\r?$", run(device, "pm list packages")[1], re.M)  # adbutils
    assert {CONTACTS, LAUNCHER, "com.arduia.expense", "com.simplemobiletools.calendar.pro"} <= set(packages)
    assert run(device, "pm list packages -3")[1] == ("package:com.simplemobiletools.calendar.pro\n"
                                                     "package:com.arduia.expense\n")
    assert run(device, f"pm path {CONTACTS}") == (0, "package:/product/app/GoogleContacts/GoogleContacts.apk\n", "")
    assert run(device, "pm path org.example.missing") == (1, "", "")
    assert run(device, "pm clear org.example.missing") == (1, "Failed\n", "")


def test_input_errors_are_java_exceptions(device) -> None:
    status, _, err = run(device, "input tap a 1")
    assert status == 255
    assert "Exception occurred while executing 'tap':" in err
    assert "java.lang.IllegalArgumentException: Error: Invalid arguments for command: tap" in err
    status, _, err = run(device, "input tap 1")
    assert status == 255 and 'Argument expected after "tap"' in err
    assert run(device, "input text café")[0] == 255
    assert run(device, "input")[1].startswith("Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]")


def test_settings_and_svc(device) -> None:
    assert run(device, "settings get global airplane_mode_on") == (0, "0\n", "")
    assert run(device, "settings get system no_such_key") == (0, "null\n", "")
    assert run(device, "settings put system time_12_24 24") == (0, "", "")
    assert "time_12_24=24\n" in run(device, "settings list system")[1]
    run(device, "svc wifi disable")
    assert run(device, "settings get global wifi_on")[1] == "0\n"
    assert run(device, "content query --uri content://settings/global --projection name:value "
                       "--where \"name='wifi_on'\"")[1] == "Row: 0 name=wifi_on, value=0\n"


def test_screencap_raw_and_to_file(device) -> None:
    raw = device.shell("screencap", encoding=None)
    width, height, pixel_format = struct.unpack("<III", raw[:12])
    assert (width, height, pixel_format) == (1080, 2400, 1)
    assert len(raw) == 16 + 1080 * 2400 * 4
    assert run(device, "screencap -p /sdcard/Pictures/s.png") == (0, "", "")
    assert device.sync.read_bytes("/sdcard/Pictures/s.png").startswith(b"\x89PNG")
