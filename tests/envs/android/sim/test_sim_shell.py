"""The device shell (mksh semantics, toybox utilities) as clients reach it through `shell,v2`."""

from __future__ import annotations

import re


def run(device, command: str) -> tuple[int, str, str]:
    result = device.shell2(command, v2=True)
    return result.returncode, result.stdout, result.stderr


def test_quoting_chains_and_status(device) -> None:
    assert run(device, "echo 'a  b' \"c $?\" d\\ e") == (0, "a  b c 0 d e\n", "")
    assert run(device, "false; echo $?") == (0, "1\n", "")
    assert run(device, "true && echo yes || echo no") == (0, "yes\n", "")
    assert run(device, "false && echo yes || echo no") == (0, "no\n", "")
    assert run(device, "sh -c 'exit 300'")[0] == 44
    assert run(device, "! false")[0] == 0
    assert run(device, "X=1; echo $X ${X}2 $(echo sub)")[1] == "1 12 sub\n"


def test_redirections_and_pipes(device) -> None:
    assert run(device, "echo one > /data/local/tmp/f; echo two >> /data/local/tmp/f; cat /data/local/tmp/f") \
        == (0, "one\ntwo\n", "")
    assert run(device, "cat /data/local/tmp/nope 2>&1") == (1, "cat: /data/local/tmp/nope: No such file or directory\n",
                                                             "")
    assert run(device, "echo hidden 2>/dev/null >/dev/null") == (0, "", "")
    assert run(device, "printf 'a\\nb\\nc\\n' | grep -v b | wc -l") == (0, "2\n", "")
    assert run(device, "echo x > /system/x")[2] == "/system/bin/sh: /system/x: create: Read-only file system\n"


def test_if_test_and_globs(device) -> None:
    script = ("mkdir -p /sdcard/Documents/Markor && echo hi > /sdcard/Documents/Markor/a.md && "
              "echo ho > /sdcard/Documents/Markor/b.md; "
              "if [ -f /sdcard/Documents/Markor/a.md ]; then echo Exists; else echo 'Does not exist'; fi")
    assert run(device, script) == (0, "Exists\n", "")
    assert run(device, "ls -1 /sdcard/Documents/Markor") == (0, "a.md\nb.md\n", "")
    assert run(device, "rm -r /sdcard/Documents/Markor/*; ls /sdcard/Documents/Markor") == (0, "", "")
    assert run(device, "if [ -d /nope ]; then echo y; elif true; then echo elif; fi")[1] == "elif\n"


def test_syntax_errors_and_unknown_commands(device) -> None:
    assert run(device, "fi") == (1, "", "/system/bin/sh: syntax error: unexpected 'fi'\n")
    assert run(device, "echo 'open") == (1, "", "/system/bin/sh: syntax error: no closing quote\n")
    assert run(device, "nosuchcmd --x") == (127, "", "/system/bin/sh: nosuchcmd: inaccessible or not found\n")
    assert run(device, "/system/bin/ls /sdcard/DCIM") == (0, "", "")
    assert run(device, "cd /nope")[0] == 2


def test_ls_long_formats(device) -> None:
    run(device, "echo 12345 > /sdcard/Download/n.txt")
    status, out, _ = run(device, "ls -l /sdcard/Download")
    assert status == 0
    assert re.fullmatch(r"total \d+\n-rw-rw---- 1 u0_a158 media_rw 6 \d{4}-\d\d-\d\d \d\d:\d\d n\.txt\n", out)
    _, full, _ = run(device, "ls /sdcard/Download -ll -au")
    line = full.splitlines()[-1]
    parts = line.split(None, 8)  # how AndroidWorld parses it
    assert parts[4] == "6" and parts[8] == "n.txt"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000", " ".join(parts[5:8]))


def test_find_and_delete(device) -> None:
    run(device, "mkdir -p /sdcard/Music/a && touch /sdcard/Music/a/x.mp3 /sdcard/Music/y.mp3")
    assert run(device, "find /sdcard/Music -type f")[1] == "/sdcard/Music/a/x.mp3\n/sdcard/Music/y.mp3\n"
    assert run(device, "find /sdcard/Music -name '*.mp3' -o -type d")[1].count("\n") == 4
    run(device, "find /storage/emulated/0/ -mindepth 1 -type f -delete")
    assert run(device, "find /sdcard/Music -type f") == (0, "", "")


def test_permissions_follow_the_adbd_uid(device) -> None:
    assert run(device, "whoami") == (0, "shell\n", "")
    assert run(device, "ls /data/data") == (1, "", "ls: /data/data: Permission denied\n")
    assert run(device, "su 0 ls /data/data")[0] == 0
    assert run(device, "su 0 whoami") == (0, "root\n", "")
    assert run(device, "su -c id")[2] == "su: invalid uid/gid '-c'\n"


def test_date_and_clock(device) -> None:
    assert run(device, "date 1015153423.00") == (1, "", "date: cannot set date: Operation not permitted\n")
    assert run(device, "su 0 date 1015153423.00") == (0, "Sun Oct 15 15:34:00 UTC 2023\n", "")
    assert 1697384040 <= int(run(device, "date +%s")[1]) < 1697384040 + 600  # the clock keeps running
    assert run(device, "su 0 date 1005070423.00")[1] == "Thu Oct  5 07:04:00 UTC 2023\n"  # space-padded day


def test_sqlite3_on_device(device) -> None:
    db = "/data/local/tmp/t.db"
    assert run(device, f"sqlite3 {db} 'CREATE TABLE t (a, b); INSERT INTO t VALUES (1, \"x\"), (2, NULL)'")[0] == 0
    assert run(device, f"sqlite3 {db} 'SELECT * FROM t'") == (0, "1|x\n2|\n", "")
    assert run(device, f"sqlite3 {db} 'SELECT * FROM nope'") == (1, "", "Error: no such table: nope\n")
