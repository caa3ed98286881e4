"""Pre-seeded per-episode profiles: every app starts on its main window, with no wizard, tip or prompt in front.

Each `prepare_*` function writes into a fresh HOME (see `session.Desktop.new_profile`) before the app starts.
They only write settings files the apps themselves read at start-up; nothing is patched or stubbed. What each
setting suppresses was seen on this machine with an empty profile. The only files carried from one episode to
the next (`carry_in`, `carry_out`) are ones an app writes at start-up about what is installed (GIMP's plug-ins,
LibreOffice's extension registry).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import tarfile
from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape

_LOG = logging.getLogger(__name__)

# Where the desktop points XDG_CONFIG_HOME inside a HOME (session.Desktop.app_env); a test checks they agree.
CONFIG_DIR = "config"

# LibreOffice (7.4): registrymodifications.xcu entries as (node path, property, XML type, value).
LIBREOFFICE_SETTINGS: tuple[tuple[str, str, str, str], ...] = (
    ("/org.openoffice.Office.Common/Misc", "ShowTipOfTheDay", "xs:boolean", "false"),  # "Tip of the Day" dialog
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "xs:boolean", "false"),
    ("/org.openoffice.Office.Common/Misc", "UseOpenCL", "xs:boolean", "false"),  # no OpenCL probe on Xvfb
    # The "What's New" infobar appears when this is older than the running version; a high value never is.
    ("/org.openoffice.Setup/Product", "ooSetupLastVersion", "xs:string", "99.0"),
    ("/org.openoffice.Setup/Office", "ooSetupInstCompleted", "xs:boolean", "true"),
    ("/org.openoffice.Office.Impress/Misc/NewDoc", "AutoPilot", "xs:boolean", "false"),  # "Select a Template"
    ("/org.openoffice.Office.Recovery/AutoSave", "Enabled", "xs:boolean", "false"),  # no recovery data, no prompt
    ("/org.openoffice.Office.Recovery/RecoveryInfo", "Enabled", "xs:boolean", "false"),
    ("/org.openoffice.Office.Common/Save/Document", "CreateBackup", "xs:boolean", "false"),
)


# What LibreOffice writes into a new user profile at start-up about the installed extensions: the build it
# synchronised with and each extension layer's registry. Carried, a launch skips that synchronisation (~0.4 s of
# a ~4.3 s reset); LibreOffice itself checks them against the installation and redoes it when they differ.
LIBREOFFICE_USER = f"{CONFIG_DIR}/libreoffice/4/user"
LIBREOFFICE_EXTENSIONS = (f"{LIBREOFFICE_USER}/extensions", f"{LIBREOFFICE_USER}/uno_packages")


def _config(home: Path) -> Path:
    return home / CONFIG_DIR


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def prepare_libreoffice(home: Path) -> None:
    """No tip of the day, no What's New infobar, no Impress template picker, no crash-recovery dialog."""
    items = "\n".join(
        f'<item oor:path="{escape(node)}"><prop oor:name="{escape(prop)}" oor:op="fuse">'
        f"<value>{escape(value)}</value></prop></item>"
        for node, prop, _type, value in LIBREOFFICE_SETTINGS
    )
    _write(
        _config(home) / "libreoffice" / "4" / "user" / "registrymodifications.xcu",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}\n</oor:items>\n",
    )


CHROMIUM_PREFERENCES = {
    "browser": {"has_seen_welcome_page": True, "check_default_browser": False},
    "distribution": {"skip_first_run_ui": True, "suppress_first_run_default_browser_prompt": True},
    "profile": {"exit_type": "Normal", "exited_cleanly": True},  # no "Restore pages?" bubble
    "translate": {"enabled": False},  # no translate bubble over foreign-language pages
}


def prepare_chromium(home: Path) -> None:
    """No first-run welcome page, no default-browser prompt, no restore bubble (user data in XDG config)."""
    data = _config(home) / "chromium"
    _write(data / "First Run", "")
    _write(data / "Default" / "Preferences", json.dumps(CHROMIUM_PREFERENCES))


THUNDERBIRD_PROFILE = "autoplay.default"
THUNDERBIRD_PREFS: dict[str, bool | int | str] = {
    # With no account Thunderbird opens the Account Hub over everything; this skips it (and with it the
    # automatic Local Folders account, which the prefs below create instead).
    "mail.provider.suppress_dialog_on_startup": True,
    "mail.shell.checkDefaultClient": False,  # "make Thunderbird your default mail client?" dialog
    "mail.spotlight.firstRunDone": True,
    "mail.winsearch.firstRunDone": True,
    "mailnews.start_page.enabled": False,  # the start page is fetched from the network
    "mail.rights.version": 1,  # the "know your rights" notification bar
    "mail.inappnotifications.enabled": False,  # donation and news notifications
    "datareporting.policy.dataSubmissionEnabled": False,  # the data-submission notification bar
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "app.update.auto": False,
    "offline.autoDetect": False,
    # Still frames for a still screen: overlay scrollbars fade out on a timer, carets blink, scrolls animate.
    "widget.gtk.overlay-scrollbars.enabled": False,
    "ui.caretBlinkTime": 0,
    "ui.prefersReducedMotion": 1,
    "general.smoothScroll": False,
    "mail.accountmanager.accounts": "account1",
    "mail.accountmanager.localfoldersserver": "server1",
    "mail.account.account1.server": "server1",
    "mail.server.server1.type": "none",
    "mail.server.server1.hostname": "Local Folders",
    "mail.server.server1.name": "Local Folders",
    "mail.server.server1.userName": "nobody",
    "mail.server.server1.directory-rel": "[ProfD]Mail/Local Folders",
}


def thunderbird_profile_dir(home: Path) -> Path:
    """Where the seeded Thunderbird profile lives (seed mail with reset(options={"files": ...}) below it)."""
    return home / ".thunderbird" / THUNDERBIRD_PROFILE


def prepare_thunderbird(home: Path) -> None:
    """A default profile with a Local Folders account and every first-run prompt answered.

    The app env sets MOZ_LEGACY_PROFILES=1 so Thunderbird takes the Default=1 profile from profiles.ini instead
    of creating a dedicated profile for its installation.
    """
    _write(
        home / ".thunderbird" / "profiles.ini",
        "[General]\nStartWithLastProfile=1\nVersion=2\n\n"
        f"[Profile0]\nName=default\nIsRelative=1\nPath={THUNDERBIRD_PROFILE}\nDefault=1\n",
    )
    lines = [f"user_pref({json.dumps(k)}, {json.dumps(v)});" for k, v in THUNDERBIRD_PREFS.items()]
    _write(thunderbird_profile_dir(home) / "user.js", "\n".join(lines) + "\n")
    (thunderbird_profile_dir(home) / "Mail" / "Local Folders").mkdir(parents=True, exist_ok=True)


# qt-bgcone: the idle video area's cone fades in over 1 s whenever that area shows (every launch, every time the
# playlist is hidden), and a step waits for the screen to go quiet: with it, reset took ~1.5 s and every other
# Ctrl+L ~1.1 s; without it (a black area instead, as VLC's "Display background cone or art" unticked), ~0.5 s
# and ~0.1 s.
VLC_SETTINGS = {
    "qt": {  # privacy dialog, update check, recent media, background cone
        "qt-privacy-ask": "0", "qt-updates-notif": "0", "qt-recentplay": "0", "qt-bgcone": "0",
    },
    "core": {"metadata-network-access": "0"},  # no album-art lookups over the network
}


def prepare_vlc(home: Path) -> None:
    """No "Privacy and Network Access Policy" dialog on first start, no network lookups, no fading cone."""
    text = "".join(
        f"[{section}]\n" + "".join(f"{key}={value}\n" for key, value in values.items()) + "\n"
        for section, values in VLC_SETTINGS.items()
    )
    _write(_config(home) / "vlc" / "vlcrc", text)


# "(restore-session no)" would also drop the default layout's toolbox and docks (they come from the session).
GIMP_SETTINGS = ("(save-session-info no)", "(check-updates no)")
# What GIMP learnt from querying every plug-in (paths as ${gimp_plug_in_dir}, with each file's mtime): carried.
GIMP_PLUGINRC = f"{CONFIG_DIR}/GIMP/2.10/pluginrc"


def prepare_gimp(home: Path) -> None:
    """No update check over the network, no session written back (single-window mode is Debian's default)."""
    _write(_config(home) / "GIMP" / "2.10" / "gimprc", "\n".join(GIMP_SETTINGS) + "\n")


def carried_store(app_name: str) -> Path:
    """Where an app's carried files (`UbuntuApp.carried`) are kept between episodes: the user's cache folder."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "autoplay_gym" / "carried" / app_name


def carry_in(home: Path, app_name: str, paths: Iterable[str]) -> None:
    """Seed a new HOME with the carried files and folders kept so far (before the launch). One that cannot be
    copied is left out, a folder unpacked in part removed: the app then builds it again, as on its first start."""
    store = carried_store(app_name)
    for rel in paths:
        source, target = store / rel, home / rel
        try:
            if source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            elif _archive(source).is_file():
                with tarfile.open(_archive(source)) as archive:
                    archive.extractall(target, filter="data")  # keeps the times: LibreOffice compares them
        except (OSError, tarfile.TarError) as exc:
            if _archive(source).is_file():
                shutil.rmtree(target, ignore_errors=True)  # half a registry could pass for a whole one
            _LOG.warning("could not seed %s for %s: %s", rel, app_name, exc)


def carry_out(home: Path, app_name: str, paths: Iterable[str]) -> None:
    """Keep the carried files and folders the app wrote at its launch, once it settled and before any action:
    only the app wrote them then. A folder is kept as one tar file, so that, like a file, a copy that differs
    from the kept one replaces it whole (another version installed), by rename: envs running side by side never
    read half of it. Failing to keep one costs only time: it is logged."""
    store = carried_store(app_name)
    for rel in paths:
        source = home / rel
        if source.is_dir():
            data, kept = _folder_archive(source), _archive(store / rel)
        else:
            data, kept = _contents(source), store / rel
        if data is None or _contents(kept) == data:
            continue  # not written (yet), or kept already
        partial = kept.with_name(f".{kept.name}.{os.getpid()}.partial")
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(data)
            os.replace(partial, kept)
        except OSError as exc:
            with contextlib.suppress(OSError):  # nothing half-written left behind, where there is a folder
                partial.unlink()
            _LOG.warning("could not keep %s for later %s episodes: %s", rel, app_name, exc)


def _archive(kept: Path) -> Path:
    """Where a carried folder is kept: one tar file beside where a file of its name would be."""
    return kept.with_name(kept.name + ".tar")


def _folder_archive(folder: Path) -> bytes | None:
    """A folder's files as tar bytes that depend only on their names, contents and times (sorted, no owner), so
    an unchanged folder gives the same bytes; None when it cannot be read."""
    buffer = io.BytesIO()
    try:
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for path in sorted(folder.rglob("*")):
                info = archive.gettarinfo(path, arcname=path.relative_to(folder).as_posix())
                if not (info.isfile() or info.isdir()):
                    continue  # a lock or socket link: nothing a later start needs
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if info.isfile():
                    with path.open("rb") as handle:
                        archive.addfile(info, handle)
                else:
                    archive.addfile(info)
    except OSError:
        return None
    return buffer.getvalue()


def _contents(path: Path) -> bytes | None:
    """A file's bytes, or None where there is no readable file."""
    try:
        return path.read_bytes()
    except OSError:
        return None
