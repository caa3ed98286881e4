"""`input`, `screencap` and `uiautomator dump`: the commands that look at and act on the screen."""

from __future__ import annotations

import posixpath

from PIL import Image

from autoplay_gym.envs.android.sim.commands.common import CommandFailure, device_of, int_arg, report_exception
from autoplay_gym.envs.android.sim.fs import FsError
from autoplay_gym.envs.android.sim.input_manager import KEYCODES, keycode_from_string
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell
from autoplay_gym.envs.android.sim.ui.dump import dump_xml
from autoplay_gym.envs.android.sim.ui.render import encode_png, encode_raw, render_image

INPUT_WHERE = "com.android.server.input.InputShellCommand"
SOURCES = {"keyboard", "mouse", "joystick", "touchnavigation", "touchpad", "trackball", "dpad", "stylus",
           "gesture", "touchscreen", "gamepad", "rotaryencoder"}
INPUT_USAGE = """Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]

The sources are:
      dpad
      keyboard
      mouse
      touchpad
      gamepad
      touchnavigation
      joystick
      touchscreen
      stylus
      trackball

-d: specify the display ID.
      (Default: -1 for key event, 0 for motion event if not specified.)
The commands and default sources are:
      text <string> (Default: touchscreen)
      keyevent [--longpress|--doubletap] <key code number or name> ... (Default: keyboard)
      tap <x> <y> (Default: touchscreen)
      swipe <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)
      draganddrop <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)
      press (Default: trackball)
      roll <dx> <dy> (Default: trackball)
      motionevent <DOWN|UP|MOVE|CANCEL> <x> <y> (Default: touchscreen)
      keycombination [-t duration(ms)] <key code 1> <key code 2> ... (Default: keyboard)
"""


def _required(args: list[str], index: int, after: str) -> str:
    if index >= len(args):
        raise CommandFailure("java.lang.IllegalArgumentException", f'Argument expected after "{after}"',
                             INPUT_WHERE)
    return args[index]


def cmd_input(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    device = device_of(sh)
    args = argv[1:]
    if args and args[0] in SOURCES:
        args = args[1:]
    if args[:1] == ["-d"]:
        args = args[2:]
    if not args or args[0] == "help":
        io.stdout.write(INPUT_USAGE)
        return 0
    command, rest = args[0], args[1:]
    try:
        if command == "text":
            text = _required(rest, 0, "text")
            if any(ord(c) > 126 for c in text):
                raise CommandFailure("java.lang.NullPointerException",
                                     "Attempt to get length of null array", INPUT_WHERE)
            device.input.text(text.replace("%s", " "))
        elif command == "tap":
            x, y = (int_arg(_required(rest, i, command), command) for i in range(2))
            device.input.tap(x, y)
        elif command in ("swipe", "draganddrop"):
            coords = [int_arg(_required(rest, i, command), command) for i in range(4)]
            duration = int_arg(rest[4], command) if len(rest) > 4 else 300
            device.input.swipe(*coords, duration)
        elif command == "keyevent":
            flags = [a for a in rest if a in ("--longpress", "--doubletap")]
            codes = [keycode_from_string(a) for a in rest if a not in flags]
            if not codes:
                _required(rest, len(rest), command)
            for code in codes:
                device.input.key(code)
                if "--doubletap" in flags:
                    device.input.key(code)
        elif command == "keycombination":
            names = rest[2:] if rest[:1] == ["-t"] else rest
            codes = [keycode_from_string(a) for a in names]
            if len(codes) < 2:
                raise CommandFailure("java.lang.IllegalArgumentException",
                                     "keycombination requires at least 2 keycodes", INPUT_WHERE)
            modifiers = frozenset(c for c in codes if c in (KEYCODES["CTRL_LEFT"], KEYCODES["CTRL_RIGHT"],
                                                            KEYCODES["SHIFT_LEFT"], KEYCODES["SHIFT_RIGHT"]))
            for code in codes:
                if code not in modifiers:
                    device.input.key(code, modifiers=modifiers)
        elif command == "motionevent":
            action = _required(rest, 0, command).upper()
            x, y = (int_arg(_required(rest, i, command), command) for i in (1, 2))
            _motion_event(sh, action, x, y)
        elif command in ("press", "roll"):
            pass  # trackball events have no target on a touch-only device
        else:
            io.stderr.write(f"Unknown command: {command}\n")
            io.stdout.write(INPUT_USAGE)
            return 1
    except CommandFailure as failure:
        return report_exception(io, command, failure)
    return 0


def _motion_event(sh: Shell, action: str, x: int, y: int) -> None:
    device = device_of(sh)
    if action == "DOWN":
        device.pending_touch = (x, y)
    elif action == "UP" and getattr(device, "pending_touch", None) is not None:
        x0, y0 = device.pending_touch
        device.pending_touch = None
        device.input.swipe(x0, y0, x, y, 100)
    elif action == "CANCEL":
        device.pending_touch = None


def screenshot(sh: Shell) -> Image.Image:
    device = device_of(sh)
    width, height = device.display.size
    windows = device.am.windows()
    dark = device.am.top is device.am.home_task
    return render_image(windows, width, height, device.display.dpi, device.now().strftime("%H:%M"), dark,
                        device.current_toast())


def cmd_screencap(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    args = argv[1:]
    png = "-p" in args
    positional = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "-d")]
    image = screenshot(sh)
    if not positional:
        io.stdout.write(encode_png(image) if png else encode_raw(image))
        return 0
    target = sh.resolve(positional[0])
    data = encode_png(image) if png or target.endswith(".png") else encode_raw(image)
    try:
        sh.fs.check(target, root=sh.root, write=True)
        sh.fs.write_bytes(target, data)
    except FsError as error:
        io.stderr.write(f"Error opening file: {positional[0]} ({error.strerror})\n")
        return 1
    return 0


def cmd_uiautomator(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    device = device_of(sh)
    args = argv[1:]
    if args[:1] != ["dump"]:
        io.stdout.write("Usage: uiautomator <subcommand> [options]\n\nAvailable subcommands:\n\n"
                        "help: displays help message\n\nruntest: executes UI automation tests\n"
                        "    runtest <class spec> [options]\n\ndump: creates an XML dump of current UI hierarchy\n"
                        "    dump [--verbose][file]\n      [--compressed]: dumps compressed layout information.\n"
                        "      [file]: the location where the dumped XML should be stored, default is\n"
                        "      /sdcard/window_dump.xml\n\nevents: prints out accessibility events until terminated\n")
        return 0 if not args or args[0] == "help" else 1
    path = "/sdcard/window_dump.xml"
    for arg in args[1:]:
        if not arg.startswith("-"):
            path = arg
    shown = posixpath.normpath(posixpath.join(sh.cwd, path))
    windows = device.am.windows()
    if not windows:
        io.stderr.write("ERROR: null root node returned by UiTestAutomationBridge.\n")
        return 0
    top = windows[-1]
    width, height = device.display.size
    xml = dump_xml(top.root, top.package, width, height).encode("utf-8")
    if shown == "/dev/tty":
        io.stdout.write(xml)
    else:
        try:  # the real dumper logs a failed write and still reports success
            target = sh.fs.normalize(shown)
            sh.fs.check(target, root=sh.root, write=True)
            sh.fs.write_bytes(target, xml)
        except FsError:
            pass
    io.stdout.write(f"UI hierchary dumped to: {shown}\n")
    return 0
