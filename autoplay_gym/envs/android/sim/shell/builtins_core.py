"""Shell built-ins and text utilities (echo, test, grep, sh, su, ...) with toybox/mksh wording."""

from __future__ import annotations

import posixpath
import re
import stat as st
import time

from autoplay_gym.envs.android.sim.fs import FsError
from autoplay_gym.envs.android.sim.shell.interp import SHELL_PATH, CommandIO, Shell, ShellExit

MAX_SLEEP_SECONDS = 60.0


def cmd_true(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    return 0


def cmd_false(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    return 1


def cmd_exit(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    if len(argv) > 1:
        try:
            raise ShellExit(int(argv[1]))
        except ValueError:
            io.stderr.write(f"{SHELL_PATH}: exit: {argv[1]}: bad number\n")
            raise ShellExit(1) from None
    raise ShellExit(sh.status)


def cmd_echo(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    args = argv[1:]
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        newline = newline and "n" not in args[0]
        escapes = "e" in args[0] or escapes
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text = text.encode("utf-8").decode("unicode_escape", errors="replace")
    io.stdout.write(text + ("\n" if newline else ""))
    return 0


def cmd_printf(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    if len(argv) < 2:
        io.stderr.write("printf: Needs 1 argument\n")
        return 1
    fmt = argv[1].replace("\\n", "\n").replace("\\t", "\t")
    values = argv[2:]
    try:
        io.stdout.write(fmt % tuple(values) if values else fmt.replace("%%", "%"))
    except (TypeError, ValueError):
        io.stdout.write(fmt + "".join(values))
    return 0


def cmd_cd(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    target = argv[1] if len(argv) > 1 else "/"
    path = sh.resolve(target)
    if not sh.fs.exists(path):
        io.stderr.write(f"{SHELL_PATH}: cd: {target}: No such file or directory\n")
        return 2
    if not sh.fs.is_dir(path):
        io.stderr.write(f"{SHELL_PATH}: cd: {target}: Not a directory\n")
        return 2
    sh.cwd = path
    return 0


def cmd_pwd(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    io.stdout.write(sh.cwd + "\n")
    return 0


def cmd_export(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    for arg in argv[1:]:
        if "=" in arg:
            name, value = arg.split("=", 1)
            sh.env[name] = value
    return 0


def cmd_unset(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    for name in argv[1:]:
        sh.env.pop(name, None)
    return 0


def cmd_env(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    io.stdout.write("".join(f"{k}={v}\n" for k, v in sorted(sh.env.items())))
    return 0


def cmd_test(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            io.stderr.write("[: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _evaluate_test(sh, args) else 1
    except ValueError as error:
        io.stderr.write(f"{argv[0]}: {error}\n")
        return 2


def _evaluate_test(sh: Shell, args: list[str]) -> bool:
    if not args:
        return False
    if args[0] == "!":
        return not _evaluate_test(sh, args[1:])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        op, operand = args
        if op in ("-z", "-n"):
            return (operand == "") == (op == "-z")
        try:
            path = sh.resolve(operand)
            sh.fs.check(path, root=sh.root)
            info = sh.fs.lstat(path)
        except FsError:
            return False
        checks = {"-e": True, "-f": st.S_ISREG(info.st_mode), "-d": st.S_ISDIR(info.st_mode),
                  "-s": info.st_size > 0, "-r": True, "-w": True, "-x": bool(info.st_mode & 0o111),
                  "-L": st.S_ISLNK(info.st_mode), "-h": st.S_ISLNK(info.st_mode)}
        if op not in checks:
            raise ValueError(f"unknown operator {op}")
        return checks[op]
    if len(args) == 3:
        left, op, right = args
        if op == "=" or op == "==":
            return left == right
        if op == "!=":
            return left != right
        numeric = {"-eq": int.__eq__, "-ne": int.__ne__, "-lt": int.__lt__, "-le": int.__le__,
                   "-gt": int.__gt__, "-ge": int.__ge__}
        if op in numeric:
            try:
                return numeric[op](int(left), int(right))
            except ValueError:
                raise ValueError(f"{left}: bad number") from None
    raise ValueError("syntax error")


def cmd_sleep(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    try:
        seconds = float(argv[1].rstrip("s")) if len(argv) > 1 else 0.0
    except ValueError:
        io.stderr.write(f"sleep: invalid number '{argv[1]}'\n")
        return 1
    time.sleep(min(max(seconds, 0.0), MAX_SLEEP_SECONDS))
    return 0


def cmd_sh(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    args = argv[1:]
    if args and args[0] == "-c":
        if len(args) < 2:
            io.stderr.write(f"{SHELL_PATH}: -c: option requires an argument\n")
            return 1
        return sh.child().run(args[1], io)
    if args:
        path = sh.resolve(args[0])
        try:
            sh.fs.check(path, root=sh.root)
            source = sh.fs.read_bytes(path).decode("utf-8", errors="replace")
        except FsError as error:
            io.stderr.write(f"{SHELL_PATH}: {args[0]}: {error.strerror}\n")
            return 127
        return sh.child().run(source, io)
    return sh.child().run(io.stdin.read().decode("utf-8", errors="replace"), io)


def cmd_su(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    """AOSP's userdebug `su [WHO [COMMAND...]]`: only uid 0/root is modelled."""
    args = argv[1:]
    if args and args[0] not in ("0", "root"):
        io.stderr.write(f"su: invalid uid/gid '{args[0]}'\n")
        return 1
    child = sh.child(root=True)
    if len(args) > 1:
        try:
            return child.call(args[1:], io)  # su execs the command with its argv, no second parse
        except ShellExit as done:
            return done.code
    return child.run(io.stdin.read().decode("utf-8", errors="replace"), io)


def cmd_id(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    if sh.root:
        io.stdout.write("uid=0(root) gid=0(root) groups=0(root) context=u:r:su:s0\n")
    else:
        io.stdout.write("uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),1007(log),1011(adb),"
                        "1015(sdcard_rw),1028(sdcard_r),1078(ext_data_rw),1079(ext_obb_rw),3001(net_bt_admin),"
                        "3002(net_bt),3003(inet),3006(net_bw_stats),3009(readproc),3011(uhid),3012(readtracefs) "
                        "context=u:r:shell:s0\n")
    return 0


def cmd_whoami(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    io.stdout.write("root\n" if sh.root else "shell\n")
    return 0


def cmd_uname(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    if "-a" in argv:
        io.stdout.write("Linux localhost 5.15.41-android13-8-00055-g4f5025129fe8-ab8949913 #1 SMP PREEMPT "
                        "Mon Aug 15 18:33:14 UTC 2022 x86_64 Toybox\n")
    else:
        io.stdout.write("Linux\n")
    return 0


def cmd_basename(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    if len(argv) < 2:
        io.stderr.write("basename: Needs 1 argument\n")
        return 1
    io.stdout.write(posixpath.basename(argv[1].rstrip("/") or "/") + "\n")
    return 0


def cmd_dirname(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    if len(argv) < 2:
        io.stderr.write("dirname: Needs 1 argument\n")
        return 1
    io.stdout.write((posixpath.dirname(argv[1].rstrip("/")) or ".") + "\n")
    return 0


def cmd_which(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    status = 0
    for name in argv[1:]:
        if name in sh.host.commands:
            io.stdout.write(f"/system/bin/{name}\n")
        else:
            status = 1
    return status


def cmd_noop(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    """Commands that succeed silently here because the simulator has nothing for them to change
    (restorecon, chcon, sync, setenforce, logcat -c)."""
    return 0


COMMANDS = {
    "true": cmd_true, "false": cmd_false, "exit": cmd_exit, "echo": cmd_echo, "printf": cmd_printf,
    "cd": cmd_cd, "pwd": cmd_pwd, "export": cmd_export, "unset": cmd_unset, "env": cmd_env, "test": cmd_test,
    "[": cmd_test, "sleep": cmd_sleep, "sh": cmd_sh, "su": cmd_su, "id": cmd_id, "whoami": cmd_whoami,
    "uname": cmd_uname, "basename": cmd_basename, "dirname": cmd_dirname, "which": cmd_which, "restorecon": cmd_noop,
    "chcon": cmd_noop, "sync": cmd_noop, "setenforce": cmd_noop, ":": cmd_true,
}
