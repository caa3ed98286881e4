"""Small pieces on their own: path mapping (and that it never leaves the device directory), the shell
tokenizer, key names, and `content` value formatting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autoplay_gym.envs.android.sim.commands.content import format_rows, format_value
from autoplay_gym.envs.android.sim.fs import DeviceFS, FsError
from autoplay_gym.envs.android.sim.input_manager import keycode_from_string
from autoplay_gym.envs.android.sim.shell.parser import Op, ShellSyntaxError, Word, parse, tokenize


@pytest.mark.parametrize("path, expected", [
    ("/sdcard/DCIM/a.jpg", "/storage/emulated/0/DCIM/a.jpg"),
    ("/storage/self/primary", "/storage/emulated/0"),
    ("/data/user/0/com.x/databases", "/data/data/com.x/databases"),
    ("/data/local/tmp/../../../../etc", "/etc"),
    ("//sdcard//Music/", "/storage/emulated/0/Music"),
])
def test_paths_normalize_like_the_device(path: str, expected: str) -> None:
    assert DeviceFS.normalize(path) == expected


def test_relative_paths_use_the_cwd() -> None:
    assert DeviceFS.normalize("x.txt", "/sdcard/Download") == "/storage/emulated/0/Download/x.txt"


def test_host_paths_never_escape_the_device_directory(tmp_path: Path) -> None:
    fs = DeviceFS(tmp_path / "fs", {})
    assert fs.host_path("/etc/passwd") == tmp_path / "fs" / "etc" / "passwd"
    os.symlink("/etc", tmp_path / "fs" / "data" / "local" / "tmp" / "escape")
    with pytest.raises(FsError):
        fs.host_path("/data/local/tmp/escape/passwd")


def test_shell_cannot_read_host_files(device) -> None:
    result = device.shell2("cat /../../../../etc/hostname", v2=True)
    assert (result.returncode, result.stderr) == (1, "cat: /../../../../etc/hostname: No such file or directory\n")


def test_tokenizer_keeps_quoting_and_operators() -> None:
    tokens = tokenize("echo 'a b'\"c\"d 2>&1 >>out; x && y || z | w")
    words = [t for t in tokens if isinstance(t, Word)]
    assert [p.kind for p in words[1].parts] == ["lit", "dq", "bare"]
    assert [t.text for t in tokens if isinstance(t, Op)] == ["2>&", ">>", ";", "&&", "||", "|"]


@pytest.mark.parametrize("source", ["if true; then echo", "echo 'x", "| x", "then", "echo $(echo"])
def test_parser_rejects_broken_scripts(source: str) -> None:
    with pytest.raises(ShellSyntaxError):
        parse(source)


@pytest.mark.parametrize("name, code", [("KEYCODE_BACK", 4), ("BACK", 4), ("4", 4), ("home", 3),
                                        ("KEYCODE_ENTER", 66), ("DEL", 67), ("KEYCODE_NOPE", 0)])
def test_key_names(name: str, code: int) -> None:
    assert keycode_from_string(name) == code


def test_content_value_formatting() -> None:
    assert [format_value(v) for v in (None, b"\x00", 1.5, 3.0, 1693421073675, "a, b")] == \
        ["NULL", "BLOB", "1.5", "3.0", "1693421073675", "a, b"]
    assert format_rows(["a"], []) == "No result found.\n"
    assert format_rows(["a", "b"], [(1, None)]) == "Row: 0 a=1, b=NULL\n"
