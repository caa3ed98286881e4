"""A simulated Android 13 (API 33, Pixel 6 profile, 1080x2400 at 420 dpi) device behind the real ADB host
protocol, so adbutils and the Debian `adb` client drive it exactly as they drive an emulator.

    from autoplay_gym.envs.android.sim import SimServer
    with SimServer(port=0) as server:          # loopback only; port 0 picks a free port
        ...  # adbutils.AdbClient(host="127.0.0.1", port=server.port) / `adb -H 127.0.0.1 -P PORT ...`

`python -m autoplay_gym.envs.android.sim --port PORT` (and `autoplay android-sim`) serve in the foreground.
It shares no code with the client side (envs/android/*.py) it is a test double for.

Modelled apps (the launcher is com.google.android.apps.nexuslauncher, as on the google_apis image):
  * Contacts, com.google.android.contacts: list with favourites and letter headers, search, details,
    create/edit (first/last name, phone with label, email), favourite toggle, delete with confirmation.
    Data: the Contacts Provider's /data/data/com.android.providers.contacts/databases/contacts2.db
    (raw_contacts, contacts, data, mimetypes, accounts), readable with `content query` on
    content://com.android.contacts/{contacts,raw_contacts,data,data/phones,data/emails} and the legacy
    content://contacts/{people,phones}, with --projection/--where/--sort; `content insert|delete` too.
  * Simple Calendar Pro, com.simplemobiletools.calendar.pro: month grid, day list, event editor with the
    platform date and time pickers, delete with confirmation.
    Data: /data/data/com.simplemobiletools.calendar.pro/databases/events.db, table `events`.
  * Pro Expense, com.arduia.expense: list with total, entry form (name, amount, category, note), detail
    with edit and delete with confirmation. Data: /data/data/com.arduia.expense/databases/accounting.db,
    table `expense` (amounts in cents).
The other 17 catalog apps are not installed: `am start -n` answers "Error type 3", monkey aborts, and
the launcher shows no icon for them. There is no soft-keyboard window, notification shade, port
forwarding or APK install. Reading app data needs `adb root` (or `su 0`), as on the real image.

Facts the reference marks [U] (unconfirmed) that had to be guessed, and other deliberate choices:
  * Features: adbd's Android 13 list without sendrecv_v2* (clients fall back to SEND/RECV v1 and need no
    compression codecs) and without openscreen_mdns/delayed_ack; STA2/LST2/LIS2/RCV2/SND2 are served
    anyway (uncompressed only). `host:kill` is acknowledged but the simulator keeps serving.
  * `uiautomator dump` writes the Android 13 framework dumper's attribute set (no drawing-order/hint,
    which some newer fixtures carry); `uiautomator dump /dev/tty` prints the XML then the usual line.
  * `am start` errors exit 0; `-W` LaunchState names and times; `dumpsys activity activities` prints
    mResumedActivity, ResumedActivity and topResumedActivity; `dumpsys window windows` has no
    mCurrentFocus (as on A13 phones) while `dumpsys window`/`displays` do; `am stack list` ends lines with
    topActivity=ComponentInfo{...}; `dumpsys activity recents` lists `id=N` per task.
  * Exit codes and texts of `input` argument errors, `input text` with non-ASCII (NullPointerException,
    255), `pm clear` of an unknown package ("Failed", 1), `content` errors (stderr, exit 0), `settings get`
    of an unset key (`null`), `getprop` of an unset key (empty line), monkey's "No activities found" on
    stdout (exit 252), `sqlite3` list-mode output and "Error: ..." (exit 1), `su -c` rejection.
  * ro.product.device=emu64xa; `ls -l` owners (u0_a158 media_rw on shared storage, shell in
    /data/local/tmp, u0_aNN in app data) and the fixed FUSE modes on shared storage.
  * App details nobody has published for these versions: Contacts' resource ids (open_search_bar,
    contact_list, cliv_name_textview, floating_action_button, menu_star, menu_edit, large_title,
    editor_menu_save_button), its texts ("Delete this contact?", "Discard changes?") and the editor/detail
    activity classes; Simple Calendar's ids, its events columns beyond those AndroidWorld names and its
    delete prompt; Pro Expense's ids, texts and column types; NexusLauncherActivity and the drawer ids.
  * App databases use SQLite's rollback journal (no -wal/-shm files beside them, unlike Room's default WAL),
    so a pulled .db file is always complete on its own.
  * The time picker opens in keyboard mode (Android's default is the clock dial); a swipe scrolls by its
    own length (no fling); toasts appear on screenshots only (they are not in an app's dump).
"""

from autoplay_gym.envs.android.sim.packages import MODELLED_APP_CLASSES
from autoplay_gym.envs.android.sim.server import SimServer, serve_forever

_SHORT_NAMES = {"com.google.android.contacts": "Contacts", "com.simplemobiletools.calendar.pro": "SimpleCalendarPro",
                "com.arduia.expense": "ProExpense"}
MODELLED_APPS: dict[str, str] = {app.package: _SHORT_NAMES[app.package] for app in MODELLED_APP_CLASSES}

__all__ = ["MODELLED_APPS", "SimServer", "serve_forever"]
