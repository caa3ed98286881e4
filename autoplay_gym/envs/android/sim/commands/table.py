"""The device's command table: shell built-ins and toybox utilities, plus the framework commands (which run
under the device lock)."""

from __future__ import annotations

from autoplay_gym.envs.android.sim.commands import activity, content, dumpsys, package, sqlite, system, ui
from autoplay_gym.envs.android.sim.commands.common import locked
from autoplay_gym.envs.android.sim.shell import builtins_core, builtins_files, builtins_inspect, builtins_text
from autoplay_gym.envs.android.sim.shell.interp import CommandFn

FRAMEWORK_COMMANDS: dict[str, CommandFn] = {
    "am": activity.cmd_am, "monkey": activity.cmd_monkey, "pm": package.cmd_pm, "input": ui.cmd_input,
    "screencap": ui.cmd_screencap, "uiautomator": ui.cmd_uiautomator, "dumpsys": dumpsys.cmd_dumpsys,
    "content": content.cmd_content, "getprop": system.cmd_getprop, "setprop": system.cmd_setprop,
    "settings": system.cmd_settings, "svc": system.cmd_svc, "date": system.cmd_date, "wm": system.cmd_wm,
    "ime": system.cmd_ime, "service": system.cmd_service, "cmd": system.cmd_cmd, "sqlite3": sqlite.cmd_sqlite3,
}


def build_command_table() -> dict[str, CommandFn]:
    table: dict[str, CommandFn] = {}
    table.update(builtins_core.COMMANDS)
    table.update(builtins_text.COMMANDS)
    table.update(builtins_files.COMMANDS)
    table.update(builtins_inspect.COMMANDS)
    table.update({name: locked(function) for name, function in FRAMEWORK_COMMANDS.items()})
    return table
