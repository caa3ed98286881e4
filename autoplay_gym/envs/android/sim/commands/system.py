"""System commands: getprop/setprop, settings, svc, date, wm, ime, service, and the `cmd <service>` front."""

from __future__ import annotations

import datetime as dt
import re

from autoplay_gym.envs.android.sim.commands.common import device_of
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell

IME_ID = "com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME"
SERVICES = ("DockObserver", "SurfaceFlinger", "accessibility", "account", "activity", "activity_task", "alarm",
            "appops", "audio", "battery", "bluetooth_manager", "clipboard", "connectivity", "content",
            "device_policy", "display", "input", "input_method", "jobscheduler", "location", "media_session",
            "netstats", "notification", "package", "permission", "phone", "power", "settings", "statusbar",
            "telephony.registry", "uimode", "user", "vibrator", "wallpaper", "wifi", "window")


def cmd_getprop(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    props = device_of(sh).properties
    if len(argv) == 1:
        io.stdout.write("".join(f"[{key}]: [{props[key]}]\n" for key in sorted(props)))
        return 0
    default = argv[2] if len(argv) > 2 else ""
    io.stdout.write(props.get(argv[1], default) + "\n")
    return 0


def cmd_setprop(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    if len(argv) != 3:
        io.stderr.write("usage: setprop [-h] NAME VALUE\n")
        return 1
    name, value = argv[1], argv[2]
    props = device_of(sh).properties
    allowed = sh.root if not name.startswith("ro.") else name not in props
    if not allowed and not name.startswith(("debug.", "log.tag", "persist.log")):
        io.stderr.write(f"Failed to set property '{name}' to '{value}'.\nSee dmesg for error reason.\n")
        return 1
    props[name] = value
    return 0


def cmd_settings(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    settings = device_of(sh).settings
    args = [a for i, a in enumerate(argv[1:]) if a != "--user" and not (i and argv[i] == "--user")]
    if len(args) < 2 or args[1] not in settings:
        io.stderr.write("Invalid command: " + " ".join(args) + "\n" if args else "")
        io.stdout.write("usage:  settings [--user <USER_ID> | current] get namespace key\n"
                        "        settings [--user <USER_ID> | current] put namespace key value\n"
                        "        settings [--user <USER_ID> | current] delete namespace key\n"
                        "        settings [--user <USER_ID> | current] list namespace\n")
        return 1 if args else 0
    verb, namespace, rest = args[0], settings[args[1]], args[2:]
    if verb == "get" and rest:
        io.stdout.write(namespace.get(rest[0], "null") + "\n")
    elif verb == "put" and len(rest) >= 2:
        namespace[rest[0]] = rest[1]
    elif verb == "delete" and rest:
        io.stdout.write(f"Deleted {int(namespace.pop(rest[0], None) is not None)} rows\n")
    elif verb == "list":
        io.stdout.write("".join(f"{k}={v}\n" for k, v in sorted(namespace.items())))
    else:
        io.stderr.write("Invalid command: " + " ".join(args) + "\n")
        return 1
    return 0


def cmd_svc(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    global_settings = device_of(sh).settings["global"]
    keys = {"wifi": "wifi_on", "bluetooth": "bluetooth_on", "data": "mobile_data"}
    if len(argv) >= 3 and argv[1] in keys and argv[2] in ("enable", "disable"):
        global_settings[keys[argv[1]]] = "1" if argv[2] == "enable" else "0"
        return 0
    if len(argv) >= 2 and argv[1] == "power":
        return 0 if len(argv) >= 4 and argv[2] == "stayon" else 1
    io.stdout.write("Available commands:\n    help     Show information about the subcommands\n"
                    "    power    Control the power manager\n    data     Control mobile data connectivity\n"
                    "    wifi     Control the Wi-Fi manager\n    bluetooth Control Bluetooth service\n")
    return 0


def cmd_date(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    device = device_of(sh)
    args = [a for a in argv[1:] if a != "-u"]
    if args and not args[0].startswith("+"):
        moment = _parse_set_date(args[0], device.now())
        if moment is None:
            io.stderr.write(f"date: bad date '{args[0]}'\n")
            return 1
        if not sh.root:
            io.stderr.write("date: cannot set date: Operation not permitted\n")
            return 1
        device.set_time(moment)
        args = []
    now = device.now()
    if args:
        fmt = args[0][1:]
        fmt = fmt.replace("%s", str(int(now.timestamp()))).replace("%N", f"{now.microsecond * 1000:09d}")
        io.stdout.write(now.strftime(fmt) + "\n")
    else:
        io.stdout.write(now.strftime("%a %b ") + f"{now.day:2d}" + now.strftime(" %H:%M:%S UTC %Y") + "\n")
    return 0


def _parse_set_date(text: str, now: dt.datetime) -> dt.datetime | None:
    """toybox `date MMDDhhmm[[CC]YY][.ss]`."""
    match = re.fullmatch(r"(\d{2})(\d{2})(\d{2})(\d{2})(\d{2}|\d{4})?(?:\.(\d{2}))?", text)
    if not match:
        return None
    month, day, hour, minute, year, second = match.groups()
    full_year = now.year if year is None else (int(year) if len(year) == 4 else 2000 + int(year))
    try:
        return dt.datetime(full_year, int(month), int(day), int(hour), int(minute), int(second or 0),
                           tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def cmd_wm(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    display = device_of(sh).display
    args = argv[1:]
    if args[:1] == ["size"]:
        if len(args) == 1:
            io.stdout.write("Physical size: 1080x2400\n")
            if display.override_size:
                io.stdout.write(f"Override size: {display.override_size[0]}x{display.override_size[1]}\n")
            return 0
        if args[1] == "reset":
            display.override_size = None
            return 0
        match = re.fullmatch(r"(\d+)x(\d+)", args[1])
        if not match or min(int(match.group(1)), int(match.group(2))) < 100:
            io.stderr.write(f"Error: bad size {args[1]}\n")
            return 255
        size = (int(match.group(1)), int(match.group(2)))
        display.override_size = None if size == (1080, 2400) else size
        return 0
    if args[:1] == ["density"]:
        if len(args) == 1:
            io.stdout.write(f"Physical density: {display.density}\n")
            if display.override_density:
                io.stdout.write(f"Override density: {display.override_density}\n")
            return 0
        if args[1] == "reset":
            display.override_density = None
            return 0
        if not args[1].isdigit():
            io.stderr.write(f"Error: bad number {args[1]}\n")
            return 255
        if int(args[1]) < 72:
            io.stderr.write("Error: density must be >= 72\n")
            return 255
        display.override_density = None if int(args[1]) == display.density else int(args[1])
        return 0
    if args[:1] == ["dismiss-keyguard"]:
        return 0
    io.stdout.write("Window manager (window) commands:\n  help\n  size [reset|WxH|WdpxHdp]\n"
                    "  density [reset|DENSITY]\n")
    return 0


def cmd_ime(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] == ["list"]:
        if "-s" in args:
            io.stdout.write(IME_ID + "\n")
        else:
            io.stdout.write(f"{IME_ID}:\n  mId={IME_ID} mSettingsActivity=com.android.inputmethod.latin.settings"
                            ".SettingsActivity\n")
        return 0
    if args[:1] in (["set"], ["enable"]) and len(args) > 1:
        verb = "selected" if args[0] == "set" else "enabled"
        io.stdout.write(f"Input method {args[1]} {verb} for user #0\n")
        return 0
    io.stderr.write("Unknown command: " + " ".join(args) + "\n")
    return 255


def cmd_service(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    if argv[1:2] == ["list"]:
        io.stdout.write(f"Found {len(SERVICES)} services:\n")
        io.stdout.write("".join(f"{i}\t{name}: [android.I{name.title().replace('.', '')}]\n"
                                for i, name in enumerate(SERVICES)))
        return 0
    if argv[1:2] == ["check"] and len(argv) > 2:
        found = "found" if argv[2] in SERVICES else "not found"
        io.stdout.write(f"Service {argv[2]}: {found}\n")
        return 0
    if argv[1:2] == ["call"]:
        io.stdout.write("Result: Parcel(00000000    '....')\n")
        return 0
    io.stdout.write("Usage: service [-h|-?]\n       service list\n       service check SERVICE\n"
                    "       service call SERVICE CODE [i32 N | i64 N | f N | d N | s16 STR | null | fd f ] ...\n")
    return 0


def cmd_cmd(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    """`cmd <service> ...`: am, pm, wm, input and settings are thin wrappers over these services."""
    services = {"activity": "am", "package": "pm", "window": "wm", "input": "input", "settings": "settings",
                "input_method": "ime"}
    if len(argv) < 2:
        io.stderr.write("cmd: No service specified; use -l to list all running services.\n")
        return 20
    if argv[1] == "-l":
        io.stdout.write("Currently running services:\n" + "".join(f"  {s}\n" for s in SERVICES))
        return 0
    target = services.get(argv[1])
    if target is None:
        io.stderr.write(f"cmd: Can't find service: {argv[1]}\n")
        return 20
    return sh.call([target, *argv[2:]], io)
