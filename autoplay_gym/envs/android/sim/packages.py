"""Installed packages: the system packages an API 33 image always has plus the simulated apps, with the
uids, APK paths and data directories that pm, dumpsys and the file system report."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from autoplay_gym.envs.android.sim.apps.base import AppContext, SimApp
from autoplay_gym.envs.android.sim.apps.calendar_app import CalendarApp
from autoplay_gym.envs.android.sim.apps.contacts_app import ContactsApp
from autoplay_gym.envs.android.sim.apps.expense_app import ExpenseApp
from autoplay_gym.envs.android.sim.apps.launcher import LauncherApp

MODELLED_APP_CLASSES: tuple[type[SimApp], ...] = (ContactsApp, CalendarApp, ExpenseApp)


@dataclass(frozen=True)
class Package:
    name: str
    uid: int
    apk_path: str
    app_class: type[SimApp] | None = None


def _user_apk(name: str) -> str:
    """/data/app/~~<b64>==/<pkg>-<b64>==/base.apk with stable pseudo-random segments."""
    digest = hashlib.sha256(name.encode()).digest()
    first = base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")
    second = base64.urlsafe_b64encode(digest[16:32]).decode().rstrip("=")
    return f"/data/app/~~{first}==/{name}-{second}==/base.apk"


_SYSTEM = (
    Package("android", 1000, "/system/framework/framework-res.apk"),
    Package("com.android.systemui", 10128, "/system_ext/priv-app/SystemUIGoogle/SystemUIGoogle.apk"),
    Package("com.android.shell", 2000, "/system/priv-app/Shell/Shell.apk"),
    Package("com.android.providers.settings", 1000, "/system/priv-app/SettingsProvider/SettingsProvider.apk"),
    Package("com.android.providers.contacts", 10108, "/system/priv-app/ContactsProvider/ContactsProvider.apk"),
    Package("com.google.android.apps.nexuslauncher", 10130,
            "/system_ext/priv-app/NexusLauncherRelease/NexusLauncherRelease.apk", LauncherApp),
    Package("com.google.android.contacts", 10119, "/product/app/GoogleContacts/GoogleContacts.apk", ContactsApp),
)
_USER = (
    Package(CalendarApp.package, 10158, _user_apk(CalendarApp.package), CalendarApp),
    Package(ExpenseApp.package, 10159, _user_apk(ExpenseApp.package), ExpenseApp),
)


class PackageRegistry:
    """Looks packages up and creates app instances bound to the device."""

    def __init__(self, context: Callable[[], AppContext]) -> None:
        self._context = context
        self.packages: dict[str, Package] = {p.name: p for p in _SYSTEM + _USER}
        self.launcher = LauncherApp

    def uids(self) -> dict[str, int]:
        return {name: package.uid for name, package in self.packages.items()}

    def get(self, name: str) -> Package | None:
        return self.packages.get(name)

    def app_class(self, name: str) -> type[SimApp] | None:
        package = self.packages.get(name)
        return package.app_class if package else None

    def app_classes(self) -> list[type[SimApp]]:
        return [p.app_class for p in self.packages.values() if p.app_class and p.app_class is not LauncherApp]

    def launchables(self) -> list[type[SimApp]]:
        return list(MODELLED_APP_CLASSES)

    def is_user_app(self, name: str) -> bool:
        return name in {p.name for p in _USER}

    def create_app(self, app_class: type[SimApp] | str) -> SimApp:
        cls = self.app_class(app_class) if isinstance(app_class, str) else app_class
        if cls is None:
            raise KeyError(f"no app for package {app_class}")
        if cls is LauncherApp:
            return LauncherApp(self._context(), self.launchables)
        return cls(self._context())
