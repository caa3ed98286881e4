"""The catalog of the 20 AndroidWorld apps: package, launch activity, and where each keeps the state a verifier reads.

Facts come from AndroidWorld's setup and task code (see shared reference `android_apps.md`). A verifier needs to know
*where* to look (a content provider, an SQLite file, shared storage, the settings provider, or only the screen), so
every entry names that place; `AndroidDevice.content_query` and `AndroidDevice.sqlite_query` read it.
This module imports nothing heavy: registration reads it on `import autoplay_gym`.
"""

from __future__ import annotations

from dataclasses import dataclass

STATE_KINDS = ("content", "sqlite", "files", "settings", "ui")


@dataclass(frozen=True)
class StateSource:
    """One place an app keeps checkable state.

    `kind` is how to read it: `content` (a content-provider URI, `AndroidDevice.content_query`), `sqlite`
    (a database file on the device, `AndroidDevice.sqlite_query`), `files` (a folder in shared storage),
    `settings` (`settings get <namespace> <key>`) or `ui` (nothing to read: only the screen shows it).
    """

    kind: str
    location: str
    tables: tuple[str, ...] = ()
    key: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in STATE_KINDS:
            raise ValueError(f"state kind must be one of {STATE_KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class AndroidApp:
    """One app: `activity` is the component `am start -n` takes (`package/class`, short `.Class` allowed)."""

    name: str
    package: str
    activity: str
    state: tuple[StateSource, ...]
    aliases: tuple[str, ...] = ()
    preinstalled: bool = False
    notes: str = ""


def _sqlite(path: str, *tables: str, key: str = "", note: str = "") -> StateSource:
    return StateSource("sqlite", path, tuple(tables), key, note)


_D = "/data/data/"
_SD = "/storage/emulated/0/"

ANDROID_APPS: dict[str, AndroidApp] = {
    app.name: app
    for app in (
        AndroidApp(
            "Contacts",
            "com.google.android.contacts",
            "com.google.android.contacts/com.android.contacts.activities.PeopleActivity",
            (
                StateSource("content", "content://contacts/phones/", note="projection display_name:number"),
                StateSource("content", "content://com.android.contacts/raw_contacts", note="deleted=0 rows are live"),
            ),
            aliases=("contacts", "people"),
            preinstalled=True,
            notes="Data lives in the Contacts Provider (com.android.providers.contacts), not in the app.",
        ),
        AndroidApp(
            "Clock",
            "com.google.android.deskclock",
            "com.google.android.deskclock/com.android.deskclock.DeskClock",
            (StateSource("ui", "stopwatch and timer screens", note="content-desc Pause/Lap/Start"),),
            aliases=("clock", "deskclock", "alarm"),
            preinstalled=True,
        ),
        AndroidApp(
            "Markor",
            "net.gsantner.markor",
            "net.gsantner.markor/net.gsantner.markor.activity.MainActivity",
            (StateSource("files", _SD + "Documents/Markor", note="plain-text and Markdown notes"),),
            aliases=("markor",),
        ),
        AndroidApp(
            "SimpleCalendarPro",
            "com.simplemobiletools.calendar.pro",
            "com.simplemobiletools.calendar.pro/com.simplemobiletools.calendar.pro.activities.MainActivity",
            (_sqlite(_D + "com.simplemobiletools.calendar.pro/databases/events.db", "events", key="id"),),
            aliases=("simple calendar pro", "simple calendar", "calendar"),
        ),
        AndroidApp(
            "AudioRecorder",
            "com.dimowner.audiorecorder",
            "com.dimowner.audiorecorder/com.dimowner.audiorecorder.app.welcome.WelcomeActivity",
            (StateSource("files", _SD + "Android/data/com.dimowner.audiorecorder/files/Music/records"),),
            aliases=("audio recorder",),
        ),
        AndroidApp(
            "ProExpense",
            "com.arduia.expense",
            "com.arduia.expense/com.arduia.expense.ui.MainActivity",
            (_sqlite(_D + "com.arduia.expense/databases/accounting.db", "expense", key="expense_id",
                     note="amount in integer cents; dates in ms"),),
            aliases=("pro expense", "expense"),
        ),
        AndroidApp(
            "Broccoli",
            "com.flauschcode.broccoli",
            "com.flauschcode.broccoli/com.flauschcode.broccoli.MainActivity",
            (_sqlite(_D + "com.flauschcode.broccoli/databases/broccoli", "recipes", key="recipeId"),),
            aliases=("broccoli app", "broccoli", "recipes"),
        ),
        AndroidApp(
            "Files",
            "com.google.android.documentsui",
            "com.google.android.documentsui/com.android.documentsui.files.FilesActivity",
            (StateSource("files", _SD, note="Download, Documents, DCIM, Pictures, Music, Movies, ..."),),
            aliases=("files", "file manager", "documentsui"),
            preinstalled=True,
        ),
        AndroidApp(
            "Camera",
            "com.android.camera2",
            "com.android.camera2/com.android.camera.CameraLauncher",
            (StateSource("files", "/sdcard/Pictures", note="photos"), StateSource("files", "/sdcard/Movies", note="videos")),
            aliases=("camera",),
            preinstalled=True,
        ),
        AndroidApp(
            "Chrome",
            "com.android.chrome",
            "com.android.chrome/com.google.android.apps.chrome.Main",
            (StateSource("ui", "page content", note="the task page shows 'Success!'"),),
            aliases=("chrome", "browser"),
            preinstalled=True,
        ),
        AndroidApp(
            "Settings",
            "com.android.settings",
            "com.android.settings/.Settings",
            (
                StateSource("settings", "global", key="wifi_on"),
                StateSource("settings", "global", key="bluetooth_on"),
                StateSource("settings", "system", key="screen_brightness"),
            ),
            aliases=("settings",),
            preinstalled=True,
        ),
        AndroidApp(
            "Joplin",
            "net.cozic.joplin",
            "net.cozic.joplin/.MainActivity",
            (_sqlite(_D + "net.cozic.joplin/databases/joplin.sqlite", "notes", "notes_normalized", "folders", key="id"),),
            aliases=("joplin", "notes"),
        ),
        AndroidApp(
            "OpenTracks",
            "de.dennisguse.opentracks",
            "de.dennisguse.opentracks/de.dennisguse.opentracks.TrackListActivity",
            (_sqlite(_D + "de.dennisguse.opentracks/databases/database.db", "tracks", key="_id"),),
            aliases=("open tracks sports tracker", "activity tracker", "open tracks", "opentracks"),
        ),
        AndroidApp(
            "OsmAnd",
            "net.osmand",
            "net.osmand/net.osmand.plus.activities.MapActivity",
            (
                StateSource("files", "/data/media/0/Android/data/net.osmand/files/favorites/favorites.gpx",
                            note="favourites as GPX wpt elements"),
                _sqlite(_D + "net.osmand/databases/map_markers_db", "map_markers", key="marker_id"),
                StateSource("files", "/data/media/0/Android/data/net.osmand/files/tracks", note="track GPX files"),
            ),
            aliases=("osmand", "maps"),
        ),
        AndroidApp(
            "RetroMusic",
            "code.name.monkey.retromusic",
            "code.name.monkey.retromusic/.activities.MainActivity",
            (
                _sqlite(_D + "code.name.monkey.retromusic/databases/playlist.db", "PlaylistEntity", "SongEntity",
                        key="playlist_id"),
                _sqlite(_D + "code.name.monkey.retromusic/databases/music_playback_state.db", "playing_queue"),
            ),
            aliases=("retro music", "music"),
        ),
        AndroidApp(
            "SimpleDrawPro",
            "com.simplemobiletools.draw.pro",
            "com.simplemobiletools.draw.pro/com.simplemobiletools.draw.pro.activities.MainActivity",
            (StateSource("files", _SD + "Pictures", note="saved drawings (.png, .svg, .jpg)"),),
            aliases=("simple draw pro", "draw"),
        ),
        AndroidApp(
            "SimpleGalleryPro",
            "com.simplemobiletools.gallery.pro",
            "com.simplemobiletools.gallery.pro/com.simplemobiletools.gallery.pro.activities.MainActivity",
            (StateSource("files", "/sdcard/DCIM"), StateSource("files", _SD + "Download", note="saved copies")),
            aliases=("simple gallery pro", "gallery"),
        ),
        AndroidApp(
            "SimpleSMSMessenger",
            "com.simplemobiletools.smsmessenger",
            "com.simplemobiletools.smsmessenger/com.simplemobiletools.smsmessenger.activities.MainActivity",
            (
                StateSource("content", "content://sms/sent", note="address, body, date (ms)"),
                StateSource("content", "content://sms/inbox"),
                _sqlite(_D + "com.android.providers.telephony/databases/mmssms.db", "sms", "threads", key="_id"),
            ),
            aliases=("simple sms messenger", "sms messenger", "messages", "sms"),
        ),
        AndroidApp(
            "Tasks",
            "org.tasks",
            "org.tasks/com.todoroo.astrid.activity.MainActivity",
            (_sqlite(_D + "org.tasks/databases/database", "tasks", key="_id"),),
            aliases=("tasks", "tasks.org"),
        ),
        AndroidApp(
            "VLC",
            "org.videolan.vlc",
            "org.videolan.vlc/.gui.MainActivity",
            (_sqlite(_D + "org.videolan.vlc/app_db/vlc_media.db", "Playlist", "Media", "PlaylistMediaRelation"),),
            aliases=("vlc",),
        ),
    )
}


def app_for(name: str) -> AndroidApp:
    """The catalog entry for an env's app name (exact, as in the env id)."""
    if name not in ANDROID_APPS:
        raise ValueError(f"unknown Android app {name!r}; known apps: {', '.join(ANDROID_APPS)}")
    return ANDROID_APPS[name]


def find_app(text: str) -> AndroidApp | None:
    """The app an agent means by `text`: a catalog name, an AndroidWorld alias or a package, case-insensitively."""
    wanted = " ".join(text.split()).casefold()
    for app in ANDROID_APPS.values():
        names = {app.name.casefold(), app.package.casefold(), *(a.casefold() for a in app.aliases)}
        if wanted in names:
            return app
    return None
