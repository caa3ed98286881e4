"""`pm` (list packages, path, clear, grant/revoke, resolve-activity) over the simulated package registry."""

from __future__ import annotations

from autoplay_gym.envs.android.sim.commands.common import CommandFailure, device_of, report_exception
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell

PM_WHERE = "com.android.server.pm.PackageManagerShellCommand"


def _list_packages(sh: Shell, io: CommandIO, args: list[str]) -> int:
    device = device_of(sh)
    flags = {a for a in args if a.startswith("-")}
    filters = [a for a in args if not a.startswith("-") and a not in ("--user",) and not a.isdigit()]
    for name, package in device.packages.packages.items():
        user_app = device.packages.is_user_app(name)
        if ("-3" in flags and not user_app) or ("-s" in flags and user_app) or "-d" in flags:
            continue
        if filters and not any(f in name for f in filters):
            continue
        line = "package:"
        if "-f" in flags:
            line += f"{package.apk_path}="
        line += name
        if "--show-versioncode" in flags:
            line += " versionCode:33" if not user_app else " versionCode:1"
        if "-U" in flags:
            line += f" uid:{package.uid}"
        io.stdout.write(line + "\n")
    return 0


def cmd_pm(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    device = device_of(sh)
    args = argv[1:]
    if not args:
        io.stdout.write("Package manager (package) commands:\n  help\n    Print this help text.\n"
                        "  path [--user USER_ID] PACKAGE\n  list packages [-f] [-d] [-e] [-s] [-3] [-U] [FILTER]\n"
                        "  clear [--user USER_ID] PACKAGE\n  grant [--user USER_ID] PACKAGE PERMISSION\n")
        return 0
    sub, rest = args[0], args[1:]
    positional = [a for a in rest if not a.startswith("-")]
    if "--user" in rest and positional and positional[0].isdigit() or positional[:1] == ["current"]:
        positional = positional[1:]
    try:
        if sub == "list" and rest[:1] == ["packages"]:
            return _list_packages(sh, io, rest[1:])
        if sub == "path":
            package = device.packages.get(positional[0]) if positional else None
            if package is None:
                return 1
            io.stdout.write(f"package:{package.apk_path}\n")
            return 0
        if sub == "clear":
            if not positional:
                raise CommandFailure("java.lang.IllegalArgumentException", "Argument expected after \"clear\"",
                                     PM_WHERE)
            if device.packages.get(positional[0]) is None:
                io.stdout.write("Failed\n")
                return 1
            device.clear_package(positional[0])
            io.stdout.write("Success\n")
            return 0
        if sub in ("grant", "revoke"):
            if len(positional) < 2:
                raise CommandFailure("java.lang.IllegalArgumentException", "No permission specified", PM_WHERE)
            if device.packages.get(positional[0]) is None:
                raise CommandFailure("java.lang.IllegalArgumentException", f"Unknown package: {positional[0]}",
                                     PM_WHERE)
            return 0
        if sub == "resolve-activity":
            target = positional[-1] if positional else ""
            app = device.packages.app_class(target)
            if app is None:
                io.stdout.write("No activity found\n")
                return 0
            io.stdout.write(f"priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=true\n"
                            f"{app.package}/{app.launch_activity}\n")
            return 0
    except CommandFailure as failure:
        return report_exception(io, sub, failure)
    io.stderr.write(f"Unknown command: {sub}\n")
    return 255
