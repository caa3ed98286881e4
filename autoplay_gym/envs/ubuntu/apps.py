"""The catalog of Ubuntu desktop apps: how to launch each, which Debian package provides it, and its quirks.

Every entry's `notes` record what was measured on this machine (Debian 12, Xvfb, no window manager): how the
app's toolkit reaches AT-SPI and what it gets wrong. Toolkit fixes live in `atspi.py` / `uncached.py` /
`quirks.py`; first-run prompts are answered in `profiles.py`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from autoplay_gym.envs.ubuntu import profiles

PATH_FIELD = "{path}"


@dataclass(frozen=True)
class UbuntuApp:
    """One desktop app. `deterministic` apps render identical frames for identical states (checked by tests)."""

    name: str
    command: tuple[str, ...]
    package: str
    toolkit: str
    deterministic: bool = True
    env: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    # Writes the app's pre-seeded profile (no first-run wizard, no tips) into a fresh HOME before each launch.
    prepare_profile: Callable[[Path], None] | None = None
    # Files (relative to HOME) the app writes at start-up that only make later starts faster, a cache of what is
    # installed: kept from a launch, before any action, and copied into each new HOME (profiles.carry_*).
    carried: tuple[str, ...] = ()
    # How `reset(options={"open": path})` hands a file to the app: arguments appended to the command, with
    # "{path}" standing for the file; per-suffix overrides (a CSV must skip LibreOffice's import dialog).
    open_args: tuple[str, ...] = (PATH_FIELD,)
    open_args_by_suffix: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def open_argv(self, path: Path) -> list[str]:
        """The arguments that make the app open `path`."""
        template = self.open_args_by_suffix.get(path.suffix.lower(), self.open_args)
        return [part.replace(PATH_FIELD, str(path)) for part in template]


LIBREOFFICE_ENV = {"SAL_USE_VCLPLUGIN": "gtk3"}  # the gtk3 VCL plugin is the one that speaks ATK / AT-SPI
LIBREOFFICE_FLAGS = ("--norestore", "--nologo", "--nolockcheck")
LIBREOFFICE_NOTES = (
    "LibreOffice 7.4 with the gtk3 VCL plugin (SAL_USE_VCLPLUGIN=gtk3: the plugin that bridges it to ATK). "
    "Quirks: its own (VCL) widgets report extents that omit the native menu bar, so everything below it is "
    "placed ~25 px too high (quirks.py shifts the root pane's subtree by the gap between its bottom and its "
    "X window's bottom), until some steps after the launch (Writer: the first click on Bold; Calc: the first "
    "click on the sheet) it corrects every report at once without drawing anything, often while a read is "
    "asking, so a read whose root pane moved reads every extent and the sheet's cells again; "
    "Calc updates its status bar's sum ~0.6 s after a key, after the step settled (announced); GTK widgets "
    "embedded in toolbars (font name, Name Box) are not in atk-bridge's cache and "
    "hang off uncached containers, which uncached.py reads up to a cached ancestor; GetItems takes "
    "125-170 ms because every closed menu item is cached (1,100-1,900 nodes), so the reader reuses the last "
    "nodes read while the app sends no event; after an event it re-reads the named nodes and the states of "
    "every shown node (its events do not name every change: sidebar controls are enabled silently), and "
    "lists again the children of nodes whose children changed (a menu's, or a node shown, still mean a full "
    "read). GetItems gives a menu's child count as -1 (a direct read gives the count); typing names "
    "paragraphs below Writer's managing document node, which are read afresh anyway; a new Impress slide "
    "(Ctrl+M) removes and adds children in the Slides pane and the edit view, builds and drops preview "
    "nodes within the step, and keeps the replaced slide row in its cache at index -1 (GetChildren of the "
    "pane leaves it out, GetItems lists it): the patch reads such a stray as GetItems would (92 ms, was "
    "188 ms with a full read). "
    "Registered nondeterministic: frames are pixel-identical "
    "across launches, but the tree can differ between two launches showing the same screen: each window has "
    "two accessible frames (GTK's and VCL's) and which one holds the root pane depends on the order "
    "LibreOffice creates them at start-up, and in about one Writer launch in five the document area's panel "
    "still reports focus when the launch has settled (measured 2026-11-22). Profile: no tip of the day, no "
    "What's New infobar, no "
    "recovery, no Impress template picker. Its extension registry (user/extensions, user/uno_packages), which "
    "a new profile builds at each start, is carried from episode to episode (profiles.LIBREOFFICE_EXTENSIONS): "
    "~0.4 s off each launch; it rewrites the lastsynchronized files at every start all the same."
)
CHROMIUM_FLAGS = (
    "--force-renderer-accessibility",  # build the web content's tree without waiting for a screen reader
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider",
    "--no-sandbox",  # the sandbox needs user namespaces, which containers usually lack
    "--test-type",  # hides the "unsupported command-line flag: --no-sandbox" infobar
    "--disable-gpu",
    "--password-store=basic",  # no keyring prompt
)
# VLC's front-end refuses to run as root; vlc_launcher.py starts the same libvlc + Qt interface instead.
VLC_COMMAND = (
    ("vlc",)
    if os.geteuid() != 0
    else (sys.executable, "-S", str(Path(__file__).with_name("vlc_launcher.py")))
)

UBUNTU_APPS: dict[str, UbuntuApp] = {
    app.name: app
    for app in (
        UbuntuApp(
            "Calculator",
            ("gnome-calculator",),
            "gnome-calculator",
            "GTK4",
            notes=(
                "GTK4 4.8 + libadwaita. The result shows both as a label and as the text of the GtkSourceView "
                "display. Buttons carry their label twice in the accessible name (`7 7`), which the tree reader "
                "folds; unlabelled widgets are named after their class (`GtkButton`), which it moves to class_name. "
                "After a mode switch the cache (GetItems) still holds the old keypad's container under its old "
                "parent, at the new keypad's index, though the parent no longer lists it: full reads drop such "
                "nodes (`_drop_unlisted`); GTK4 object paths are random UUIDs, so no order may rest on them."
            ),
        ),
        UbuntuApp(
            "TextEditor",
            ("gnome-text-editor", "--standalone", "--ignore-session"),
            "gnome-text-editor",
            "GTK4",
            notes=(
                "GTK4 4.8. `--ignore-session` keeps a fresh profile free of restored drafts; the document is a "
                "GtkSourceView whose content is read through the Text interface. Hidden info bars are reported "
                "VISIBLE with zero extents and are pruned."
            ),
        ),
        UbuntuApp(
            "Files",
            ("nautilus", "--new-window"),
            "nautilus",
            "GTK4",
            notes=(
                "Nautilus 43 (GTK4 + libadwaita). `reset(options={'open': 'folder'})` opens a seeded folder. "
                "File operations and trash go through gvfsd, a D-Bus-activated service: the backend shares the "
                "episode's environment with the session bus so it runs in the episode's HOME and dies with it. "
                "Icon-only buttons carry their label in the description."
            ),
        ),
        UbuntuApp(
            "Terminal",
            ("gnome-terminal", "--wait"),
            "gnome-terminal",
            "GTK3",
            open_args=(f"--working-directory={PATH_FIELD}",),
            notes=(
                "gnome-terminal 3.46 (GTK3 + VTE). The command is only a client: the window belongs to "
                "gnome-terminal-server, started by D-Bus activation (with the episode's environment, see Files). "
                "`--wait` keeps the client alive until the terminal closes, so app_status tracks it. The VTE "
                "widget is role `terminal` and its screen text is read through the Text interface. Closed "
                "menus' items are reported at INT_MIN extents and are dropped."
            ),
        ),
        UbuntuApp(
            "DocumentViewer",
            ("evince",),
            "evince",
            "GTK3",
            notes=(
                "Evince 43 (GTK3). With no file it shows an almost empty Recent Documents view; open a seeded "
                "PDF with reset(options={'files': {...}, 'open': 'doc.pdf'}). Page text is exposed per page."
            ),
        ),
        UbuntuApp(
            "ImageViewer",
            ("eog",),
            "eog",
            "GTK3",
            notes=(
                "Eye of GNOME 43 (GTK3). Centres its window on the screen without a window manager; reports true "
                "screen extents. Open a seeded image with reset(options={'open': 'picture.png'}). The properties "
                "pane's metadata labels sit in a viewport: when the window's content grows (the 'Set as "
                "Wallpaper' bar closing), labels below the old edge turn SHOWING with no event about them, so "
                "after a patched read the content of a resized or scrolled GTK3 viewport is asked for its states."
            ),
        ),
        UbuntuApp(
            "LibreOfficeCalc",
            ("libreoffice", "--calc", *LIBREOFFICE_FLAGS),
            "libreoffice-calc",
            "LibreOffice (gtk3 VCL)",
            deterministic=False,
            env=dict(LIBREOFFICE_ENV),
            prepare_profile=profiles.prepare_libreoffice,
            carried=profiles.LIBREOFFICE_EXTENSIONS,
            open_args_by_suffix={".csv": ("--infilter=CSV:44,34,76,1", PATH_FIELD)},  # comma, quote, UTF-8
            notes=LIBREOFFICE_NOTES + (
                " Calc: the sheet is a table with 2^34 cells and MANAGES_DESCENDANTS; its visible cells are "
                "read through the Table interface (quirks.py), never by listing children. A .csv opens without "
                "the Text Import dialog."
            ),
        ),
        UbuntuApp(
            "LibreOfficeWriter",
            ("libreoffice", "--writer", *LIBREOFFICE_FLAGS),
            "libreoffice-writer",
            "LibreOffice (gtk3 VCL)",
            deterministic=False,
            env=dict(LIBREOFFICE_ENV),
            prepare_profile=profiles.prepare_libreoffice,
            carried=profiles.LIBREOFFICE_EXTENSIONS,
            notes=LIBREOFFICE_NOTES + " Writer: the visible paragraphs are `paragraph` nodes with editable text.",
        ),
        UbuntuApp(
            "LibreOfficeImpress",
            ("libreoffice", "--impress", *LIBREOFFICE_FLAGS),
            "libreoffice-impress",
            "LibreOffice (gtk3 VCL)",
            deterministic=False,
            env=dict(LIBREOFFICE_ENV),
            prepare_profile=profiles.prepare_libreoffice,
            carried=profiles.LIBREOFFICE_EXTENSIONS,
            notes=LIBREOFFICE_NOTES + (
                " Impress: without the profile the 'Select a Template' dialog covers the window; slides are "
                "`panel` nodes in the Slides pane, placeholders are `panel`s holding `paragraph`s."
            ),
        ),
        UbuntuApp(
            "GIMP",
            ("gimp", "--no-splash"),
            "gimp",
            "GTK2",
            env={"GTK_MODULES": "gail:atk-bridge"},  # GTK2 loads its AT-SPI bridge only as a module
            prepare_profile=profiles.prepare_gimp,
            carried=(profiles.GIMP_PLUGINRC,),
            notes=(
                "GIMP 2.10 (GTK2, single-window mode). GTK2 needs GTK_MODULES=gail:atk-bridge (libgail-common "
                "and libatk-adaptor ship the modules). Its bridge caches the widgets that existed when it "
                "started, so the toolbox, tool options and docks are read node by node (uncached.py). Tool "
                "buttons are nameless toggle buttons whose tooltip sits on the parent panel's description. "
                "A fresh profile makes GIMP query all its plug-ins at start (a reset: ~3.9 s); the list it "
                "writes (pluginrc) is kept from the first launch and seeded into later profiles (~2.6-3.0 s). GIMP "
                "checks each entry against the plug-in's file and queries again what changed."
            ),
        ),
        UbuntuApp(
            "VLC",
            (*VLC_COMMAND, "--aout=adummy", "--no-qt-error-dialogs", "--no-playlist-autostart"),
            "vlc",
            "Qt5",
            prepare_profile=profiles.prepare_vlc,
            notes=(
                "VLC 3.0 (Qt 5.15, AT-SPI built into libQt5Gui, on with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1). "
                "Qt answers Cache.GetItems with nothing, so the whole tree is read node by node (uncached.py), "
                "and Qt 5.15 crashes on Properties.GetAll, which the reader therefore never sends to Qt. The "
                "`vlc` binary refuses root, so as root vlc_launcher.py starts the same interface through libvlc. "
                "Audio goes to a dummy output (Xvfb has no sound card); the profile skips the privacy dialog "
                "and turns the background cone off: it fades in over 1 s whenever the idle video area shows "
                "(launch, playlist hidden), and steps wait for the screen to go still. "
                "A file given with reset(options={'open': ...}) is queued, not played (--no-playlist-autostart): "
                "playing media redraws the position slider every few frames, so an episode would never start on "
                "a still screen, and --start-paused sometimes leaves the slider's opening animation running. "
                "Icon-only buttons carry their label in the description. Each time the playlist is shown, Qt "
                "makes its 47 table cells and column headers anew, with new object paths (its containers keep "
                "theirs): that read asks the shown ones' role and interfaces (the 25 hidden ones only their "
                "states). Qt announces each widget it shows or hides (~60 for the playlist), and the walk asked "
                "ahead goes by that news: the nodes remembered from the last time the playlist showed are "
                "asked at once (uncached.AskedAhead._ask_below), nothing below it once it is hidden, and the "
                "cells of its two item views step by step as each answer comes (_expand_managing): ~420 calls, "
                "~51 ms after Ctrl+L, against ~180 calls and ~25 ms with it hidden (medians of 60 on a 2-core "
                "VM, where the read is bound by the CPU of this process, Qt's main loop and the bus daemon: "
                "~80, ~50-60 and ~40 us of CPU per call)."
            ),
        ),
        UbuntuApp(
            "Thunderbird",
            ("thunderbird", "-no-remote"),
            "thunderbird",
            "Gecko",
            env={"MOZ_LEGACY_PROFILES": "1"},  # use profiles.ini's default profile, not a per-install one
            prepare_profile=profiles.prepare_thunderbird,
            notes=(
                "Thunderbird (Gecko, ATK through atk-bridge). Without the profile the Account Hub covers the "
                "window; the profile adds a Local Folders account instead, so the folder pane, menus and "
                "toolbars are live. Seed mail by writing mbox files below "
                "`.thunderbird/autoplay.default/Mail/Local Folders/` through reset(options={'files': ...}). "
                "Quirks: GetText answers \"\" when the end offset lies past the text, so texts are asked whole; "
                "after a Tab, Alt shows the menu bar with news of the focused menu only, while its other five "
                "menus (not in Gecko's cache) turn SHOWING silently, so the siblings of a node shown are asked; "
                "content the layout pushes out of view (or back) changes SHOWING without news, so after a "
                "patched read the nodes that moved are asked for their states."
            ),
        ),
        UbuntuApp(
            "Chromium",
            ("chromium", *CHROMIUM_FLAGS),
            "chromium",
            "Chromium (ATK)",
            prepare_profile=profiles.prepare_chromium,
            notes=(
                "Chromium with --force-renderer-accessibility so web content is in the tree; the user data "
                "directory is the episode's $XDG_CONFIG_HOME/chromium, pre-seeded with no first-run page. "
                "Quirk: hidden popups (omnibox suggestions) stay in the tree as unmapped top-level frames, which "
                "quirks.py drops when no mapped X window matches them."
            ),
        ),
    )
}

GENERIC_APP_ID = "App"


def app_for(name: str | None, command: list[str] | tuple[str, ...] | None) -> UbuntuApp:
    """The catalog entry for `name`, or an ad-hoc entry for any X11 program given as `command`."""
    if command:
        if isinstance(command, str):
            raise TypeError("command must be a list of arguments, e.g. ['galculator'], not a string")
        command = tuple(str(part) for part in command)
        base = UBUNTU_APPS.get(name or "")
        return UbuntuApp(
            name=base.name if base else command[0].rsplit("/", 1)[-1],
            command=command,
            package=base.package if base else "",
            toolkit=base.toolkit if base else "unknown",
            deterministic=base.deterministic if base else False,
            env=dict(base.env) if base else {},
            prepare_profile=base.prepare_profile if base else None,
            carried=base.carried if base else (),
            open_args=base.open_args if base else (PATH_FIELD,),
            open_args_by_suffix=dict(base.open_args_by_suffix) if base else {},
        )
    if name not in UBUNTU_APPS:
        known = ", ".join(sorted(UBUNTU_APPS))
        raise ValueError(f"unknown Ubuntu app {name!r}; known apps: {known}, or pass command=[...]")
    return UBUNTU_APPS[name]
