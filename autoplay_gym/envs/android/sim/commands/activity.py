"""`am` (start, force-stop, kill, stack list/remove, broadcast) and `monkey -p PKG ... N`."""

from __future__ import annotations

import random

from autoplay_gym.envs.android.sim.activity_manager import StartError
from autoplay_gym.envs.android.sim.apps.base import Intent, short_component
from autoplay_gym.envs.android.sim.commands.common import CommandFailure, device_of, report_exception
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell

FLAG_RECEIVER_FROM_SHELL = 0x400000
FLAG_ACTIVITY_NEW_TASK = 0x10000000
_EXTRA_CASTS = {"-e": str, "--es": str, "--ei": int, "--el": int, "--ef": float, "--ed": float,
                "--eu": str, "--ecn": str}


def parse_intent(args: list[str]) -> tuple[Intent, dict[str, bool]]:
    """Parse `am` intent options into an Intent plus the command flags (-W, -S)."""
    intent = Intent()
    options = {"wait": False, "stop": False}
    index = 0
    while index < len(args):
        arg = args[index]
        value = args[index + 1] if index + 1 < len(args) else None
        step = 2
        if arg == "-n" and value is not None:
            intent.component = value
        elif arg == "-a" and value is not None:
            intent.action = value
        elif arg == "-d" and value is not None:
            intent.data = value
        elif arg == "-t" and value is not None:
            intent.mime_type = value
        elif arg == "-c" and value is not None:
            intent.categories.append(value)
        elif arg == "-f" and value is not None:
            intent.flags |= int(value, 0)
        elif arg in _EXTRA_CASTS and index + 2 < len(args):
            try:
                intent.extras[args[index + 1]] = _EXTRA_CASTS[arg](args[index + 2])
            except ValueError:
                raise CommandFailure("java.lang.NumberFormatException",
                                     f'For input string: "{args[index + 2]}"') from None
            step = 3
        elif arg == "--ez" and index + 2 < len(args):
            intent.extras[args[index + 1]] = args[index + 2].lower() in ("true", "t", "1")
            step = 3
        elif arg in ("--user", "-p", "--display", "--windowingMode", "--activityType", "--task", "-P",
                     "--start-profiler", "--sampling", "-R", "--receiver-permission") and value is not None:
            step = 2
        elif arg == "-W":
            options["wait"], step = True, 1
        elif arg == "-S":
            options["stop"], step = True, 1
        elif arg.startswith("-"):
            step = 1  # boolean flags such as -D, --activity-clear-task, --grant-read-uri-permission
        else:
            if "/" in arg and "://" not in arg and intent.component is None:
                intent.component = arg
            else:
                intent.data = arg
            step = 1
        index += step
    return intent, options


def _am_start(sh: Shell, io: CommandIO, args: list[str]) -> int:
    device = device_of(sh)
    intent, options = parse_intent(args)
    intent.flags |= FLAG_ACTIVITY_NEW_TASK
    if options["stop"] and intent.component:
        io.stdout.write(f"Stopping: {intent.component.split('/')[0]}\n")
    io.stdout.write(f"Starting: {_describe_without_new_task(intent)}\n")
    try:
        result = device.am.start(intent, force_stop_first=options["stop"])
    except StartError as error:
        stream = io.stdout if options["wait"] else io.stderr
        stream.write("".join(line + "\n" for line in error.lines))
        return 0  # [U] Android 13's exit status here; older sources return 0, Android 15 returns 1
    top_now = device.am.focused_component()
    if result.launch_state == "HOT":
        io.stdout.write("Warning: Activity not started, its current task has been brought to the front\n"
                        if result.brought_to_front else
                        "Warning: Activity not started, intent has been delivered to currently running top-most "
                        "instance.\n")
    if options["wait"]:
        state = "UNKNOWN (0)" if result.launch_state == "HOT" else result.launch_state
        total = random.randint(180, 420) if result.launch_state == "COLD" else 0
        io.stdout.write(f"Status: ok\nLaunchState: {state}\nActivity: {short_component(top_now)}\n"
                        f"TotalTime: {total}\nWaitTime: {total + random.randint(2, 9)}\nComplete\n")
    return 0


def _describe_without_new_task(intent: Intent) -> str:
    """`am start` prints the intent before the shell adds FLAG_ACTIVITY_NEW_TASK."""
    shown = Intent(intent.action, intent.data, intent.mime_type, intent.categories, intent.component,
                   intent.extras, intent.flags & ~FLAG_ACTIVITY_NEW_TASK)
    return shown.describe()


def cmd_am(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    device = device_of(sh)
    args = argv[1:]
    if not args:
        io.stdout.write("Activity manager (activity) commands:\n  help\n      Print this help text.\n"
                        "  start-activity [-D] [-N] [-W] [-S] <INTENT>\n  force-stop [--user <USER_ID>] <PACKAGE>\n"
                        "  broadcast [--user <USER_ID>] <INTENT>\n  stack list\n  stack remove <TASK_ID>\n")
        return 0
    sub, rest = args[0], args[1:]
    try:
        if sub in ("start", "start-activity"):
            return _am_start(sh, io, rest)
        if sub in ("force-stop", "kill", "stop-app"):
            packages = [a for a in rest if not a.startswith("--") and not a.isdigit()]
            for package in packages:
                device.am.force_stop(package)
            return 0
        if sub == "kill-all":
            return 0
        if sub == "stack" and rest[:1] == ["list"]:
            io.stdout.write(stack_list(sh))
            return 0
        if sub == "stack" and rest[:1] == ["remove"] and len(rest) > 1:
            device.am.remove_task(int(rest[1]))
            return 0
        if sub == "broadcast":
            intent, _ = parse_intent(rest)
            intent.flags |= FLAG_RECEIVER_FROM_SHELL
            io.stdout.write(f"Broadcasting: {intent.describe()}\nBroadcast completed: result=0\n")
            return 0
    except CommandFailure as failure:
        return report_exception(io, sub, failure)
    except ValueError as error:
        return report_exception(io, sub, CommandFailure("java.lang.NumberFormatException", str(error)))
    io.stderr.write(f"Unknown command: {sub}\n")
    return 255


def stack_list(sh: Shell) -> str:
    """`am stack list`: one RootTask per task, top-most first, with the android_env-parsed topActivity."""
    device = device_of(sh)
    width, height = device.display.size
    lines = []
    for task in reversed(device.am.tasks):
        top = f"{task.app.package}/{task.app.current_activity()}"
        visible = "true" if task is device.am.top else "false"
        kind = "home" if task is device.am.home_task else "standard"
        lines.append(f"RootTask id={task.id} bounds=[0,0][{width},{height}] displayId=0 userId=0\n")
        lines.append(f"  configuration={{1.0 ?mcc?mnc [en_US] ldltr sw411dp w411dp h914dp 420dpi nrml long "
                     f"port finger -keyb/v/h -nav/h winConfig={{ mBounds=Rect(0, 0 - {width}, {height}) "
                     f"mWindowingMode=fullscreen mActivityType={kind}}}}}\n")
        lines.append(f"  taskId={task.id}: {short_component(top)} bounds=[0,0][{width},{height}] userId=0 "
                     f"visible={visible} topActivity=ComponentInfo{{{top}}}\n")
    return "".join(lines)


def cmd_monkey(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    """Only the launch form `monkey -p PKG [-c CATEGORY] N` is modelled: it starts the package's launcher
    activity N times (once is enough; further launches just keep it in front)."""
    device = device_of(sh)
    args = argv[1:]
    for arg in args:
        io.stdout.write(f"  bash arg: {arg}\n")
    io.stderr.write("args: [" + ", ".join(args) + "]\n" + "".join(f' arg: "{a}"\n' for a in args))
    packages, categories, count = [], [], None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "-p" and index + 1 < len(args):
            packages.append(args[index + 1])
            index += 2
            continue
        if arg.startswith("-c"):
            value = arg[2:] or (args[index + 1] if index + 1 < len(args) else "")
            categories.append(value)
            index += 1 if arg[2:] else 2
            continue
        if arg.isdigit():
            count = int(arg)
        index += 1
    for value in packages + categories:
        io.stderr.write(f'data="{value}"\n')
    launchable = [p for p in packages if (cls := device.packages.app_class(p)) is not None
                  and cls.package != device.packages.launcher.package]
    if count is None or not packages or not launchable:
        io.stdout.write("** No activities found to run, monkey aborted.\n")
        return 252
    app = device.packages.app_class(launchable[0])
    assert app is not None
    device.am.start(Intent(action="android.intent.action.MAIN", categories=["android.intent.category.LAUNCHER"],
                           component=f"{app.package}/{app.launch_activity}", flags=0x10200000))
    io.stdout.write(f"Events injected: {count}\n")
    elapsed = random.randint(7, 60)
    io.stdout.write(f"## Network stats: elapsed time={elapsed}ms (0ms mobile, 0ms wifi, {elapsed}ms not connected)\n")
    return 0
