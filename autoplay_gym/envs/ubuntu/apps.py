"""The catalog of Ubuntu desktop apps: how to launch each, which Debian package provides it, and its quirks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


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
                "folds; unlabelled widgets are named after their class (`GtkButton`), which it moves to class_name."
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
        )
    if name not in UBUNTU_APPS:
        known = ", ".join(sorted(UBUNTU_APPS))
        raise ValueError(f"unknown Ubuntu app {name!r}; known apps: {known}, or pass command=[...]")
    return UBUNTU_APPS[name]
