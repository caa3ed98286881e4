"""The accessibility tree over raw D-Bus with dbus-fast: one `Cache.GetItems` per app plus pipelined extents.

libatspi walks the tree one synchronous round trip per property (250-400 ms for ~100 nodes). Here one
`GetItems` returns every cached node with role, name, states and parent (2-4 ms), and `GetExtents` / `GetText`
are sent pipelined (transport.py), over each app's direct connection where it offers one (peer.py). Toolkit
quirks handled:
- GTK4 fills its cache lazily: nodes whose child count exceeds their cached children are walked with
  `GetChildren` (only those, so a stable screen costs no walk), then `GetItems` is asked again.
- GTK3 (atk-bridge) answers only after some client registered an event listener: `start()` registers one.
- GTK4 4.8 reports extents relative to its X window's client area, inside a client-side-decoration margin;
  `window_offsets` (from the X server) turns them into true screen pixels.
- GTK4 4.8 names unlabelled widgets after their class (`GtkButton`) and repeats a button's label (`7 7`).
- atk-bridge (GTK2/3, LibreOffice, Gecko, Chromium) leaves parts out of its cache and Qt 5 caches nothing:
  `uncached.py` reads those nodes property by property (never GetAll on Qt, which crashes on it).
- "On screen" is SHOWING, except on GTK4, which never sets it (VISIBLE there); nodes that manage their
  descendants are never listed (Calc's 2^34 cells): `quirks.py` adds their visible children, and fixes
  LibreOffice's extents, GTK2's open menus and Chromium's unmapped popup frames.
- An app's nodes are reused while it sends no AT-SPI event (GTK4 excepted, whose lazy cache changes silently;
  toolkits that do not announce their changes, only while nothing is drawn either).
  GTK3 and Gecko name every node they change, so after an event only the named nodes are read again
  (`changes.py`); LibreOffice changes some shown controls silently, so the states of the shown nodes where
  pixels changed are read too (all of them: a third of its ~125 ms GetItems, which lists every closed menu's
  items); other toolkits, a change
  of structure, or a node shown or hidden, get a full read (on toolkits that never announce their changes, its
  calls asked at once as if the tree were as the last full read found it: `_walk_ahead`). A patched read asks
  the named nodes' states and properties (and, when one says it was shown, `GetItems`) at once, before its
  bookkeeping gets to them (`_described_ahead`). Extents and text are read where something was drawn
  (on LibreOffice, which repaints far more than it changes: where pixels changed) or an event named the node.
  (`backend.py` skips even that while nothing is drawn and no event arrives.)
D-Bus object paths never leave this module: GTK4 paths carry per-launch UUIDs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, NamedTuple

from dbus_fast import Message, MessageType, Variant
from dbus_fast.aio import MessageBus

from autoplay_gym.core.errors import BackendError
from autoplay_gym.core.ui import Bounds, UIElement, UITree
from autoplay_gym.envs.ubuntu.atspi_enums import ROLE_NAMES, STATE_BITS, state_bits
from autoplay_gym.envs.ubuntu.batched_writes import BatchingBus
from autoplay_gym.envs.ubuntu.loop import LoopThread
from autoplay_gym.envs.ubuntu.peer import APPLICATION, connect_peer
from autoplay_gym.envs.ubuntu.transport import Transport, replies_of
from autoplay_gym.envs.ubuntu import quirks, uncached
from autoplay_gym.envs.ubuntu.changes import Changes
from autoplay_gym.envs.ubuntu.damage import Rect, contains, overlaps
from autoplay_gym.envs.ubuntu.screen import ChangedTiles

REGISTRY = "org.a11y.atspi.Registry"
ROOT_PATH = "/org/a11y/atspi/accessible/root"
CACHE_PATH = "/org/a11y/atspi/cache"
ACCESSIBLE = "org.a11y.atspi.Accessible"
NULL_PATH = "/org/a11y/atspi/null"
OBJECT_EVENTS = "org.a11y.atspi.Event.Object"
CACHE_EVENTS = "org.a11y.atspi.Cache"
EVENT_INTERFACES = (
    OBJECT_EVENTS,
    "org.a11y.atspi.Event.Window",
    "org.a11y.atspi.Event.Focus",
    "org.a11y.atspi.Event.Document",  # a page loaded: Gecko replaces a document's subtree without other news
    CACHE_EVENTS,
)

MENU_ROLES = frozenset({"menu", "menu bar", "popup menu"})
CLICKABLE_ROLES = frozenset(
    {
        "push button",
        "toggle button",
        "check box",
        "radio button",
        "menu item",
        "check menu item",
        "radio menu item",
        "page tab",
        "link",
        "list item",
        "combo box",
        "tree item",
        "icon",
        "push button menu",
        "spin button",
        "table cell",
        "menu",
        "desktop icon",
    }
)
SCROLLABLE_ROLES = frozenset({"scroll pane", "list box", "tree", "tree table", "table", "document web", "viewport"})
CHECKABLE_ROLES = frozenset({"check box", "radio button", "toggle button", "check menu item", "radio menu item"})
TEXT_ROLES = frozenset(
    {"text", "entry", "password text", "terminal", "paragraph", "document text", "spin button", "page"}
)
_CLASS_NAME = re.compile(r"^(Gtk|Adw|Gd|Gdk|Gs|Vte|Nautilus|Gnome|Gedit|Ide|Gcal|Gtk4)[A-Z]\w*$")

TEXT_LIMIT = 10_000
REMEMBERED_LIMIT = 2000  # walked nodes remembered per app below panes hidden since (`_remember_walked`)
FILLS_AHEAD_LIMIT = 16  # extents and text are asked ahead of a read for at most this many nodes (`_fills_ahead`)
FULL_READ_FILLS_AHEAD_LIMIT = 64  # ... and of a full read of a toolkit that does not announce its changes


def _bit(name: str) -> int:
    return 1 << STATE_BITS[name]


VISIBLE, SHOWING, SENSITIVE, ENABLED = _bit("visible"), _bit("showing"), _bit("sensitive"), _bit("enabled")
EDITABLE, FOCUSED, FOCUSABLE = _bit("editable"), _bit("focused"), _bit("focusable")
CHECKED, PRESSED, CHECKABLE, SELECTED = _bit("checked"), _bit("pressed"), _bit("checkable"), _bit("selected")
READ_ONLY, DEFUNCT = _bit("read-only"), _bit("defunct")
MANAGES_DESCENDANTS = _bit("manages-descendants")
# Containers with more children than this are never walked: a spreadsheet reports 2^31 cells, and asking
# for them all would block a step for seconds (LibreOffice builds each child on demand).
WALK_CHILD_LIMIT = 1000
UNCACHED_BUDGET = 3000  # nodes read one by one per app and snapshot, when the toolkit's cache lacks them
OFFSCREEN = -(2**31)  # GTK3 places unmapped widgets (closed menus, hidden bars) at INT_MIN
UNKNOWN_OBJECT = "org.freedesktop.DBus.Error.UnknownObject"  # atk-bridge's answer for a path that died
UNKNOWN_COUNT = -1  # LibreOffice's cache gives a menu's child count as -1; asked directly, it answers the count


@dataclass
class RawNode:
    """One cached AT-SPI object, as `GetItems` reports it (plus extents and text fetched separately)."""

    path: str
    parent: str
    index: int
    child_count: int
    interfaces: list[str]
    name: str
    role: str
    description: str
    states: int
    children: list["RawNode"] = field(default_factory=list)
    extents: tuple[int, int, int, int] | None = None
    text: str | None = None
    label: str | None = None  # text of a folded child label

    def has(self, interface: str) -> bool:
        return f"org.a11y.atspi.{interface}" in self.interfaces


@dataclass
class AppInfo:
    bus_name: str
    name: str = ""
    toolkit: str = ""
    version: str = ""
    pid: int = 0
    memo: dict[str, tuple[str, list[str]]] = field(default_factory=dict, repr=False)  # see uncached.py
    quirk_memo: dict[str, dict] = field(default_factory=dict, repr=False)  # see quirks.py

    @property
    def window_relative(self) -> bool:
        """GTK4 reports extents relative to its window; GTK3, Qt, Gecko and LibreOffice report screen pixels."""
        return self.toolkit.upper() == "GTK" and self.version.startswith("4.")

    @property
    def announces_changes(self) -> bool:
        """Toolkits whose events name every node they change, so a read can be patched node by node.

        Checked step by step against full reads under random actions: GTK3 apps and Gecko agree every time.
        GTK2 re-reads lose menu items' descriptions, Qt 5 and Chromium leave focus and whole popups unannounced:
        those are read again in full after any event or drawing. LibreOffice is in between (`rereads_shown`).
        """
        gtk3 = self.toolkit.upper() == "GTK" and self.version.startswith("3.") and not self.rereads_shown
        return gtk3 or self.toolkit == "Gecko"

    @property
    def rereads_shown(self) -> bool:
        """LibreOffice changes shown nodes silently (Impress enables sidebar controls without an event) but
        announces new windows and children: after an event, the states of the last read's shown nodes are read
        again and compared (all of them cost a third of its full read: GetItems lists 1,100-1,900 nodes, mostly
        closed menus' items, in ~125 ms), except where no pixel changed (`_kept_states`)."""
        return self.name == quirks.LIBREOFFICE_APP

    @property
    def keeps_unlisted(self) -> bool:
        """Whether a full read holds cached nodes that their parent does not list (GTK3's scroll bars and
        popovers at index -1), so a patched read places them where the cache does. LibreOffice keeps replaced
        slide rows in its cache that way: its full reads drop them (`_drop_unlisted`), and so do patched ones.
        So does GTK4: after a mode switch, Calculator's cache still holds the old keypad's container under its
        old parent, at the index of the new one, and a tie between the two went by their random object paths."""
        return not (self.rereads_shown or self.window_relative)

    @property
    def clips_to_viewports(self) -> bool:
        """GTK3 clears and sets SHOWING on a viewport's content as the viewport is resized or scrolled, without
        news: after a patched read, what lies below such a viewport is asked for its states (`_shown_by_scrolling`).
        Not LibreOffice (GTK 3 too), whose patched reads ask the states of every shown node anyway."""
        return self.toolkit.upper() == "GTK" and self.version.startswith("3.") and not self.rereads_shown

    @property
    def hides_offscreen(self) -> bool:
        """Gecko clears SHOWING on content that its layout moves out of a scroll port, and sets it on content
        moved in, without news (Thunderbird's Alt pushes a page down by the menu bar's height): after a patched
        read, the nodes that moved are asked for their states again (`_shown_by_moves`)."""
        return self.toolkit == "Gecko"

    @property
    def shows_siblings_silently(self) -> bool:
        """Gecko shows a menu bar's menus (Thunderbird's Alt) with news of the focused one only, and caches that
        one alone: when a node is shown, its uncached siblings the last read had hidden are asked for their
        states (`_changed_siblings`). GTK3 announces each one (evince's F9: never one found, ~1.5 ms per read)."""
        return self.toolkit == "Gecko"

    @property
    def caches_nothing(self) -> bool:
        """Qt implements `Cache.GetItems` but answers it with no items: asking would cost a full read a round
        trip behind VLC's busy main loop (~2 ms) for nothing."""
        return self.toolkit.lower() == "qt"

    @property
    def text_end(self) -> int:
        """The end offset a text read asks for. Gecko and LibreOffice answer "" when it lies past the text's
        end (75 of Thunderbird's 95 texts, 730 of Writer's 740 when asked up to 10,000), so they are asked for
        all of it (-1) and the reader cuts it; the others stop at TEXT_LIMIT themselves (a terminal's
        scrollback is never sent whole). Both give the same text for every node of the 13 apps."""
        return -1 if self.toolkit == "Gecko" or self.name == quirks.LIBREOFFICE_APP else TEXT_LIMIT

    @property
    def compare_pixels(self) -> bool:
        """LibreOffice repaints its whole work area for a new slide (X DAMAGE then covers ~180
        of Impress's ~210 nodes) while the pixels of a few dozen change: its extents and text are kept where
        no pixel changed. A node that moved or grew changes the pixels where it was, unless what took its place
        looks the same; the text a node shows is drawn there, and LibreOffice announces text changes."""
        return self.name == quirks.LIBREOFFICE_APP

    @property
    def shown(self) -> int:
        """The state bits that mean "on screen": GTK4 4.8 never sets SHOWING, while atk-bridge (GTK2/3,
        LibreOffice, Gecko, Chromium) and Qt set it reliably and mark closed menus' items VISIBLE without it."""
        return VISIBLE | SHOWING if self.window_relative else SHOWING


# A node's GetExtents and GetText calls, as futures: None where the node is not asked for that (`_fill_asks`)
_FillCalls = tuple[asyncio.Future | None, asyncio.Future | None]


class _AppRead(NamedTuple):
    """One app's part of a snapshot."""

    roots: list[RawNode]
    order: list  # the nodes kept, in depth-first order (`_visible_preorder`)
    total: int  # the nodes seen, kept or not
    truncated: bool  # whether the budget or a huge table cut the read
    patched: bool  # whether it started from the last read (patched or reused), not read in full


@dataclass(frozen=True)
class TopWindow:
    """A mapped top-level X window, as the X server places it."""

    title: str
    x: int
    y: int
    width: int
    height: int


def window_offsets(frames: list[tuple[str, int, int]], windows: list[TopWindow]) -> list[tuple[int, int]]:
    """Screen offset of each GTK4 frame (name, width, height): its X window's origin plus the CSD margin.

    GTK4 without a compositing window manager pads the surface by a margin on every side (5 px on 4.8) and does
    not publish `_GTK_FRAME_EXTENTS`, so the margin is half the size difference between window and frame.
    Frames pair with windows by title, then by the closest size.
    """
    offsets = []
    for name, width, height in frames:
        candidates = [w for w in windows if w.title == name] or list(windows)
        if not candidates or width <= 0:
            offsets.append((0, 0))
            continue
        win = min(candidates, key=lambda w: abs(w.width - width) + abs(w.height - height))
        offsets.append((win.x + max(win.width - width, 0) // 2, win.y + max(win.height - height, 0) // 2))
    return offsets


class AtspiTree:
    """A connection to one desktop's accessibility bus that snapshots every application's tree."""

    def __init__(
        self, loop: LoopThread, session_bus_address: str, *, call_timeout: float = 5.0,
        screen: tuple[int, int] | None = None,
    ) -> None:
        self.loop = loop
        self.screen = screen  # the display's width and height: X reports no drawing beyond them
        self.session_bus_address = session_bus_address
        self.call_timeout = call_timeout
        self.bus: MessageBus | None = None
        self._apps: dict[str, AppInfo] = {}
        self.last_event = 0.0
        self.event_count = 0
        # Every signal from the bus (object events, cache additions and removals, registry changes): while it
        # stands still and nothing was drawn, the last snapshot is still exact.
        self.change_count = 0
        # Per app bus name: what it announced since its nodes were last read, and the nodes of that read.
        # AT-SPI toolkits announce every change of a node's name, states or children with an event on it, so
        # a snapshot re-reads only the announced nodes (extents and text are read every time): LibreOffice's
        # GetItems alone costs ~125 ms, Gecko's uncached walk ~50 ms, GIMP's and Qt's 40-70 ms.
        self._changes: dict[str, Changes] = {}
        # The registry's list of apps, kept until a signal says it may have changed (the registry announces
        # every app added or removed with ChildrenChanged on the desktop root): its round trip is a fifth of a
        # small app's read. The version tells a listing that raced such a signal not to keep its answer.
        self._app_names: list[str] | None = None
        self._app_names_version = 0
        self._nodes_memo: dict[str, list[tuple]] = {}
        self._read_afresh: dict[str, set[str]] = {}  # per app: paths below managing nodes, read every snapshot
        self._cells: dict[str, dict[str, dict]] = {}  # per app: the visible cells of its tables (quirks.CellKeep)
        self._walked: dict[str, set[str]] = {}  # per app: the paths its last full read found by walking, not cached
        # per app: the rows of walked nodes that the last read did not reach (below a pane hidden since), as they
        # were when last read (`_remember_walked`, `uncached.AskedAhead._ask_below`)
        self._remembered: dict[str, dict[str, tuple]] = {}
        self.reads = {"reused": 0, "patched": 0, "full": 0}  # how each app's nodes were read, for benchmarks
        self.fills = {"kept": 0, "read": 0}  # nodes whose extents and text were kept from the last read, or read
        self.silent_states = {"kept": 0, "asked": 0}  # LibreOffice's unannounced states: kept (no pixel changed), asked
        # answers asked ahead of full reads (`_walk_ahead`) and patched ones (`_described_ahead`), and panes shown
        # again whose remembered subtrees were asked ahead (`uncached.AskedAhead._ask_below`)
        self.walked_ahead = {"taken": 0, "unused": 0, "revealed": 0}
        # (bus name, path) -> (extents, text) of the last read's kept nodes: kept while nothing drew over them
        # and no event named them (see damage.py)
        self._fills: dict[tuple[str, str], tuple[tuple[int, int, int, int] | None, str | None]] = {}
        self._transport: Transport | None = None  # the calls to apps, over their direct connections or the bus

    # --- connection -------------------------------------------------------------------------------------------

    def start(self) -> None:
        self.loop.run(self._start, timeout=self.call_timeout * 2, what="connecting to the accessibility bus")

    async def _start(self) -> None:
        session = await MessageBus(bus_address=self.session_bus_address).connect()
        try:
            await self._checked(
                session,
                Message(
                    destination="org.a11y.Bus",
                    path="/org/a11y/bus",
                    interface="org.freedesktop.DBus.Properties",
                    member="Set",
                    signature="ssv",
                    body=["org.a11y.Status", "IsEnabled", Variant("b", True)],
                ),
            )
            reply = await self._checked(
                session,
                Message(destination="org.a11y.Bus", path="/org/a11y/bus", interface="org.a11y.Bus", member="GetAddress"),
            )
        finally:
            session.disconnect()
        self.bus = await BatchingBus(bus_address=reply.body[0]).connect()
        self._transport = Transport(self.bus, self.call_timeout)
        self.bus.add_message_handler(self._on_message)
        for interface in EVENT_INTERFACES:  # object:, window:, focus: and document: events, cache changes
            await self._checked(
                self.bus,
                Message(
                    destination="org.freedesktop.DBus",
                    path="/org/freedesktop/DBus",
                    interface="org.freedesktop.DBus",
                    member="AddMatch",
                    signature="s",
                    body=[f"type='signal',interface='{interface}'"],
                ),
            )
        for event in ("object:", "window:", "focus:", "document:"):  # GTK3's bridge stays silent until a listener exists
            await self._checked(
                self.bus,
                Message(
                    destination=REGISTRY,
                    path="/org/a11y/atspi/registry",
                    interface="org.a11y.atspi.Registry",
                    member="RegisterEvent",
                    signature="sass",
                    body=[event, [], ""],
                ),
            )

    def _on_message(self, message: Message) -> bool:
        if message.message_type != MessageType.SIGNAL:
            return False
        self.change_count += 1
        listed = self._app_names
        if listed is not None and (
            (message.member == "ChildrenChanged" and message.path == ROOT_PATH) or message.sender not in listed
        ):
            self._app_names, self._app_names_version = None, self._app_names_version + 1
        if message.interface == OBJECT_EVENTS:
            self.last_event = time.monotonic()
            self.event_count += 1
        if not message.sender or message.interface not in EVENT_INTERFACES:
            return False
        changes = self._changes.setdefault(message.sender, Changes())
        member, path = message.member or "", message.path or ""
        if message.interface == OBJECT_EVENTS:
            detail = message.body[0] if message.body and isinstance(message.body[0], str) else ""
            changes.add_event(member, path, detail, gained=len(message.body) > 1 and message.body[1] == 1)
        elif message.interface == "org.a11y.atspi.Event.Window":
            changes.add_window_event(member, path)
        elif message.interface == "org.a11y.atspi.Event.Focus":
            changes.add_focus_event(path)
        elif message.interface == CACHE_EVENTS:
            try:
                if message.member == "AddAccessible":  # the new node's parent (the row is one of GetItems')
                    changes.structure.add(str(message.body[0][2][1]))
                    changes.cached[str(message.body[0][0][1])] = (str(message.body[0][2][1]), int(message.body[0][3]))
                else:
                    changes.removed.add(str(message.body[0][1]))
            except (IndexError, TypeError):  # a body not as the spec says: read everything
                changes.full = True
        else:  # document events
            changes.full = True
        return False

    async def _checked(self, bus: MessageBus, message: Message) -> Message:
        reply = await asyncio.wait_for(bus.call(message), self.call_timeout)
        if reply is None or reply.message_type == MessageType.ERROR:
            detail = reply.body[0] if reply is not None and reply.body else "no reply"
            raise BackendError(f"D-Bus {message.interface}.{message.member} failed: {reply.error_name}: {detail}")
        return reply

    def close(self) -> None:
        if self.bus is not None:
            bus, self.bus = self.bus, None
            transport, self._transport = self._transport, None
            try:
                self.loop.run(self._disconnect(bus, transport), timeout=2.0)
            except Exception:  # the bus may already be gone with its desktop
                pass

    @staticmethod
    async def _disconnect(bus: MessageBus, transport: Transport | None) -> None:
        if transport is not None:
            transport.drop_peers()
        bus.disconnect()

    @property
    def calls(self) -> dict[str, int]:
        """How many calls went to apps over their direct connections and over the bus (tests, benchmarks)."""
        return dict(self._transport.counts) if self._transport is not None else {"peer": 0, "bus": 0}

    def forget(self) -> None:
        """Drop every memo of earlier reads: the next snapshot reads every node, extent and text again."""
        self._nodes_memo.clear()
        self._read_afresh.clear()
        self._cells.clear()
        self._walked.clear()
        self._remembered.clear()
        self._fills.clear()
        self._app_names = None

    # --- snapshot ---------------------------------------------------------------------------------------------

    def applications(self) -> list[str]:
        return self.loop.run(self._applications, timeout=self.call_timeout, what="listing accessible apps")

    async def _applications(self, cached: bool = False) -> list[str]:
        """The bus names of the registered apps; `cached`: the last listing while no signal says it changed."""
        assert self.bus is not None
        if cached and self._app_names is not None:
            return self._app_names
        version = self._app_names_version
        reply = await self._call(REGISTRY, ROOT_PATH, ACCESSIBLE, "GetChildren")
        if reply is None or reply.message_type == MessageType.ERROR or not reply.body:
            return []
        names = [name for name, _ in reply.body[0]]
        if version == self._app_names_version:
            self._app_names = names
        if self._transport is not None:
            self._transport.drop_peers(keep=set(names))  # apps that exited: their sockets are closed here too
        return names

    def snapshot(self, windows: list[TopWindow], *, max_nodes: int = 2000) -> UITree:
        """Every visible element of every app on this desktop, ids in depth-first order.

        `windows` are the desktop's mapped top-level X windows, used to place GTK4's window-relative extents.
        """
        return self.finish_snapshot(self.begin_snapshot(max_nodes=max_nodes), windows)

    def begin_snapshot(
        self,
        *,
        max_nodes: int = 2000,
        damaged: list[Rect] | None = None,
        changed: concurrent.futures.Future | None = None,
    ) -> concurrent.futures.Future:
        """Start reading the tree on the bus thread; the caller can grab the screen meanwhile.

        `damaged`: the screen areas drawn since the last snapshot (damage.py). The extents and text of nodes
        outside them that no event named are taken from the last snapshot; None reads them all.
        `changed`: for apps that `compare_pixels`, what the caller's grab will find (screen.changed_tiles, or
        None for "unknown"); such apps keep the extents and text of nodes where no pixel changed.
        """
        if self.bus is None:
            raise BackendError("the accessibility bus is not connected")
        return asyncio.run_coroutine_threadsafe(self._read(max_nodes, damaged, changed), self.loop.loop)

    @property
    def compares_pixels(self) -> bool:
        """Whether a snapshot would use `begin_snapshot`'s `changed` (an app that `compare_pixels` is known)."""
        return any(app.compare_pixels for app in self._apps.values())

    def finish_snapshot(self, pending: concurrent.futures.Future, windows: list[TopWindow]) -> UITree:
        try:
            apps, total, truncated = pending.result(self.call_timeout * 3)
        except concurrent.futures.TimeoutError:
            pending.cancel()
            raise BackendError(f"reading the accessibility tree timed out after {self.call_timeout * 3:.0f} s") from None
        elements: list[UIElement] = []
        for app, roots, order in apps:
            quirks.fix_libreoffice_extents(app, roots, windows)
            placed: dict[str, tuple[int, int]] | None = None
            if app.window_relative:
                offsets = window_offsets([(f.name, *_size(f)) for f in roots], windows)
                order, placed = _place_gtk4(order, offsets, windows)
            else:
                offsets = [(0, 0)] * len(roots)
                hidden = quirks.unmapped_roots(roots, windows)
                order = [entry for entry in order if entry[2] not in hidden]
            _convert(order, offsets, app, elements, placed)
        return UITree(elements, truncated=truncated, total_nodes=total)

    async def _read(
        self, max_nodes: int, damaged: list[Rect] | None, changed: concurrent.futures.Future | None = None
    ) -> tuple[list[tuple[AppInfo, list[RawNode], list]], int, bool]:
        names = await self._applications(cached=True)
        apps = []
        total, count, truncated = 0, 0, False
        last_fills, self._fills = self._fills, {}
        for bus_name in names:
            app = self._apps.get(bus_name) or await self._app_info(bus_name)
            changes = self._changes.pop(bus_name, None) or Changes()
            pixels = _PixelNews(app, changed, last_fills)
            drawn = damaged is None or bool(damaged)
            asked = self._walk_ahead(app, changes, drawn) or self._described_ahead(app, changes, drawn)
            ahead = self._fills_ahead(app, changes, damaged, last_fills)
            try:
                budget = max_nodes - count
                read = await self._read_app(app, changes, pixels, damaged, last_fills, ahead, budget, asked)
                flipped = await self._shown_by_moves(app, read, last_fills)
                flipped |= await self._shown_by_scrolling(app, read, last_fills, changes)
                if flipped:  # patch them in: every other node keeps what this read just found
                    fresh = {(bus_name, e[0].path): (e[0].extents, e[0].text) for e in read.order}
                    for key in fresh:
                        self._fills.pop(key, None)
                    read = await self._read_app(app, Changes(nodes=flipped), _PixelNews(app, None, fresh), [], fresh,
                                                {}, budget)
            except BaseException:
                for _, pair in ahead.values():
                    for future in _asked(pair):
                        future.cancel()
                raise
            finally:  # answers asked ahead for nodes the read dropped
                await asyncio.gather(*(f for _, pair in ahead.values() for f in _asked(pair)), return_exceptions=True)
                if asked is not None:
                    self.walked_ahead["unused"] += asked.close()
                    self.walked_ahead["taken"] += asked.taken
                    self.walked_ahead["revealed"] += asked.revealed
            apps.append((app, read.roots, read.order))
            total += read.total
            count += len(read.order)
            truncated = truncated or read.truncated
        return apps, total, truncated

    async def _read_app(
        self, app: AppInfo, changes: Changes, pixels: _PixelNews, damaged: list[Rect] | None,
        last_fills: dict[tuple[str, str], tuple], ahead: dict, budget: int,
        asked: uncached.AskedAhead | None = None,
    ) -> _AppRead:
        """One app's part of a snapshot."""
        bus_name = app.bus_name
        drawn = damaged is None or bool(damaged)
        roots, patched = await self._nodes(bus_name, changes, pixels, drawn, asked)
        tiles = await pixels.tiles()
        # children of nodes that manage their descendants (Calc's 2^34 cells) that were left out
        afresh = self._read_afresh.setdefault(bus_name, set())
        keep = quirks.CellKeep(
            self._cells.setdefault(bus_name, {}), _unchanged(app, tiles, self.screen), changes.nodes
        )
        expand_managed = partial(  # through `asked`: the walk asked ahead for some (AskedAhead._expand_managing)
            quirks.expand_managed, asked or self._call, bus_name, app, roots, RawNode, WALK_CHILD_LIMIT, afresh, keep
        )
        omitted = await expand_managed()
        await quirks.find_gtk_islands(self._call, bus_name, app, roots)
        await quirks.show_open_gtk2_menus(self._call, bus_name, app, roots)
        kept = _visible_preorder(roots, budget, app.shown)
        reusable = _reusable_fills(app, changes, damaged, last_fills, tiles, self.screen)
        await self._fill_all(app, [e[0] for e in kept.order], reusable, ahead)
        if _reports_moved(app, kept.order, last_fills):
            # The app changed its frame of reference while or since the last read: the extents kept from it, and
            # the sheet's cells, read before the root pane's (a Calc launch's first click: LibreOffice corrects
            # its reports while this read asks), hold the old one. Both are read again, after the change.
            omitted = await expand_managed()
            kept = _visible_preorder(roots, budget, app.shown)
            await self._fill_all(app, [e[0] for e in kept.order], _nothing_kept)
        self._fills.update(((bus_name, e[0].path), (e[0].extents, e[0].text)) for e in kept.order)
        order = _drop_husks(_drop_offscreen(kept.order))
        return _AppRead(roots, order, kept.total + omitted, kept.truncated or omitted > 0, patched)

    async def _shown_by_moves(
        self, app: AppInfo, read: _AppRead, last_fills: dict[tuple[str, str], tuple]
    ) -> set[str]:
        """After a patched read of an app that `hides_offscreen`: the nodes whose extents changed since the last
        read (or that have none, below one that moved), and their hidden children, whose shown states now differ
        from the read's. The read's nodes that kept their extents (nothing drew over them) and new ones (read
        afresh) are not asked."""
        if not (read.patched and app.hides_offscreen):
            return set()
        asked = [node for node, *_ in read.order if _moved(app, node, last_fills)]
        stack = [kid for node in asked for kid in node.children]
        while stack:
            kid = stack.pop()
            if not kid.states & app.shown:
                asked.append(kid)
            elif kid.extents is None:  # shown with no extents of its own: it went with its parent
                asked.append(kid)
                stack.extend(kid.children)
        return await self._shown_flipped(app, asked)

    async def _shown_by_scrolling(
        self, app: AppInfo, read: _AppRead, last_fills: dict[tuple[str, str], tuple], changes: Changes
    ) -> set[str]:
        """After a patched read of a GTK3 app: the nodes below a viewport that was resized or scrolled whose
        shown states now differ from the read's. GTK3 computes SHOWING against the viewport's visible area and
        says nothing when that area changes: eog's properties pane shows 14 more metadata labels when its window
        grows, and only the viewport and its ancestors get BoundsChanged. A viewport counts as scrolled when a
        scroll bar beside it announced a change (its value). Shown nodes that lie inside the viewport still show
        and are not asked."""
        if not (read.patched and app.clips_to_viewports):
            return set()
        viewports = [
            node for node, *_ in read.order
            if node.role == "viewport"
            and (_moved(app, node, last_fills) or changes.nodes and changes.nodes & set(self._sibling_paths(app, node)))
        ]
        asked = []
        for port in viewports:
            stack = list(port.children)
            while stack:
                kid = stack.pop()
                stack.extend(kid.children)
                if not (kid.states & app.shown and contains(port.extents, kid.extents)):  # inside: it still shows
                    asked.append(kid)
        return await self._shown_flipped(app, asked)

    async def _shown_flipped(self, app: AppInfo, nodes: list[RawNode]) -> set[str]:
        """Paths of `nodes` whose shown states, asked again, differ from the ones they hold."""
        reader = uncached.Reader(self._call, app.bus_name, app.toolkit, app.memo)
        replies = await replies_of(reader.ask(node.path, ACCESSIBLE, "GetState") for node in nodes)
        return {
            node.path for node, reply in zip(nodes, replies)
            if reply is not None and reply.message_type != MessageType.ERROR and reply.body
            and (state_bits(reply.body[0]) ^ node.states) & app.shown
        }

    def _sibling_paths(self, app: AppInfo, node: RawNode) -> list[str]:
        """Paths of `node`'s siblings in the app's last read (its memo rows)."""
        memo = self._nodes_memo.get(app.bus_name) or []
        return [row[0] for row in memo if row[1] == node.parent and row[0] != node.path]

    def _walk_ahead(self, app: AppInfo, changes: Changes, drawn: bool) -> uncached.AskedAhead | None:
        """The calls of the full read that follows every drawing on a toolkit that does not announce its changes
        (Qt, Chromium, GTK2), asked ahead: its `GetItems` at once (the app answers in order, and the rest waits
        for it), and, once the read knows where its walk starts, the walk of what the last full read found
        outside the cache below there (all of Qt's tree), as if it were still there, save the nodes the app said
        it hid or showed since (`uncached.AskedAhead`). The walk's levels then cost about one round trip: VLC's ~18
        behind its main loop, Chromium's ~5 after its 5 ms `GetItems`. None where no full read follows."""
        memo = self._nodes_memo.get(app.bus_name)
        if not memo or not _reads_in_full(app, changes, drawn):
            return None
        walked = self._walked.get(app.bus_name, set())
        remembered = [row for path, row in self._remembered.get(app.bus_name, {}).items() if path not in walked]
        asked = uncached.AskedAhead(
            self._call, app.bus_name, [row for row in memo if row[0] in walked], remembered, changes.showing
        )
        if not app.caches_nothing:
            asked.ask(app.bus_name, CACHE_PATH, "org.a11y.atspi.Cache", "GetItems")
        return asked

    def _described_ahead(self, app: AppInfo, changes: Changes, drawn: bool) -> uncached.AskedAhead | None:
        """The calls a patched read makes first, asked before it gets to them: the states and properties of the
        nodes the app announced, and, when one of them said it was shown (a side pane), the app's `GetItems`,
        from which `_reread_below_shown` takes its subtree. The read's own calls come only after it reads the
        states, a round trip later (two for a node hidden at the last read, whose properties wait for its
        states). Not on LibreOffice (its reads after a node shows are full ones) nor GTK4 (never patched).
        None where nothing is asked."""
        memo = self._nodes_memo.get(app.bus_name)
        if (
            memo is None or not app.announces_changes or app.rereads_shown or app.window_relative
            or not changes.nodes or not _patchable(app, changes, drawn)
        ):
            return None
        rows = [row for row in memo if row[0] in changes.nodes]
        if not rows or len(rows) > FILLS_AHEAD_LIMIT:
            return None
        for node in (RawNode(*row) for row in rows):  # a path's role and interfaces never change (as `_apply_changes`)
            app.memo.setdefault(node.path, (node.role, node.interfaces))
        asked = uncached.AskedAhead(self._call, app.bus_name)
        # a node shown at the last read has its properties asked with its states, one hidden then once its states
        # say it shows: when a node said it was shown, those too
        asked.describe(rows, eager=lambda states: changes.revealed or bool(states & app.shown), toolkit=app.toolkit,
                       memo=app.memo)
        if changes.revealed and not app.caches_nothing:
            asked.ask(app.bus_name, CACHE_PATH, "org.a11y.atspi.Cache", "GetItems")
        return asked

    def _fills_ahead(
        self, app: AppInfo, changes: Changes, damaged: list[Rect] | None, last_fills: dict[tuple[str, str], tuple],
    ) -> dict[str, tuple[tuple[bool, bool], _FillCalls]]:
        """Extents and text asked for before the nodes are read, per path: the last read's nodes that cannot keep
        theirs (an event named them, or something was drawn over them) are asked at once, beside their states, a
        round trip less per read (a key typed in Terminal: ~0.4 ms of ~4.6, in medians of 40). Only for small
        changes that leave the same nodes shown: the app answers these calls before the read's own, and after a
        pane was shown or hidden (F9 in evince) they delay the read more than they save (~0.6 ms), and go
        unused where the pane went. Not where the keeping waits for the main thread's pixel comparison
        (LibreOffice), nor on GTK4, whose reads are never kept. Before a full read of a cached app that does not
        announce its changes (Chromium, GTK2), whatever the change, and for up to 64 nodes: its `GetItems` and
        walk take several round trips (`_walk_ahead`), and these answers come in meanwhile (Chromium's ~30-45
        after its bookmarks bar is toggled: ~2 ms less of ~16). More delay the walk more than they save (GIMP's
        ~150 after Tab: ~3 ms more of ~50), and so do these on Qt, whose read is all walk, asked at once."""
        memo = self._nodes_memo.get(app.bus_name)
        full = _reads_in_full(app, changes, drawn=damaged is None or bool(damaged)) and not app.caches_nothing
        if memo is None or app.compare_pixels or app.window_relative or (changes.reshaped and not full):
            return {}
        reusable = _reusable_fills(app, changes, damaged, last_fills, None, self.screen)
        shown = {path for bus, path in last_fills if bus == app.bus_name}
        stale = [node for node in (RawNode(*row) for row in memo if row[0] in shown) if reusable(node) is None]
        if len(stale) > (FULL_READ_FILLS_AHEAD_LIMIT if full else FILLS_AHEAD_LIMIT):
            return {}
        return {
            node.path: (asks, self._ask_fill(app, node.path, asks))
            for node, asks in ((node, _fill_asks(node)) for node in stale)
        }

    async def _app_info(self, bus_name: str) -> AppInfo:
        info = AppInfo(bus_name)
        # One Get per property: Qt 5 crashes when its first accessibility call is GetAll on the Application
        # interface, and atk-bridge fails GetAll on properties it lacks.
        for prop in ("ToolkitName", "Version"):
            reply = await self._call(
                bus_name, ROOT_PATH, "org.freedesktop.DBus.Properties", "Get", "ss",
                ["org.a11y.atspi.Application", prop],
            )
            if reply is not None and reply.message_type != MessageType.ERROR:
                setattr(info, "toolkit" if prop == "ToolkitName" else "version", str(reply.body[0].value))
        name = await self._call(bus_name, ROOT_PATH, "org.freedesktop.DBus.Properties", "Get", "ss", [ACCESSIBLE, "Name"])
        if name is not None and name.message_type != MessageType.ERROR:
            info.name = str(name.body[0].value)
        pid = await self._call(
            "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixProcessID",
            "s", [bus_name],
        )
        if pid is not None and pid.message_type != MessageType.ERROR:
            info.pid = int(pid.body[0])
        if info.toolkit.lower() != "qt":  # Qt offers no direct connection (and crashes on calls it does not expect)
            address = await self._call(bus_name, ROOT_PATH, APPLICATION, "GetApplicationBusAddress")
            if address is not None and address.message_type != MessageType.ERROR and address.body:
                peer = await connect_peer(str(address.body[0]), self.call_timeout)
                if peer is not None and self._transport is not None:
                    self._transport.add_peer(bus_name, peer)
        self._apps[bus_name] = info
        return info

    def _call(
        self, dest: str, path: str, interface: str, member: str, signature: str = "", body: list | None = None
    ) -> asyncio.Future:
        """One method call to an app (or the registry) as a future of its reply: over the app's direct connection
        where it has one, else over the bus (transport.py). It fails with BackendError after `call_timeout`."""
        if self._transport is None:
            raise BackendError("the accessibility bus is not connected")
        return self._transport.call(dest, path, interface, member, signature, body)

    async def _items(self, bus_name: str, call: uncached.Call | None = None) -> dict[str, RawNode]:
        if bus_name in self._apps and self._apps[bus_name].caches_nothing:
            return {}
        reply = await (call or self._call)(bus_name, CACHE_PATH, "org.a11y.atspi.Cache", "GetItems")
        if reply is None or reply.message_type == MessageType.ERROR:
            return {}
        nodes = {}
        for (_, path), _app, (_, parent), index, count, ifaces, name, role, desc, states in reply.body[0]:
            bits = state_bits(states)
            role_name = ROLE_NAMES[role] if 0 <= role < len(ROLE_NAMES) else "unknown"
            nodes[path] = RawNode(path, parent, index, count, ifaces, name, role_name, desc, bits)
        return nodes

    async def _nodes(
        self, bus_name: str, changes: Changes, pixels: _PixelNews | None = None, drawn: bool = True,
        asked: uncached.AskedAhead | None = None,
    ) -> tuple[list[RawNode], bool]:
        """The app's top-level nodes with children linked: the last read updated with what the app announced
        since, or a full read (cache, plus a walk where the cache is incomplete); and whether it was the former.
        `drawn`: whether anything was drawn on the screen since the last read (or that is unknown); `asked`:
        the full read's walk (`_walk_ahead`) or the patch's first calls (`_described_ahead`), asked ahead."""
        memo = self._nodes_memo.get(bus_name)
        app = self._apps.get(bus_name) or AppInfo(bus_name)
        nodes: dict[str, RawNode] | None = None
        if memo is not None and _patchable(app, changes, drawn):
            nodes = {row[0]: RawNode(*row) for row in memo}
            if changes and not await self._apply_changes(bus_name, nodes, changes, app, pixels, asked):
                nodes = None
            else:
                self.reads["patched" if changes else "reused"] += 1
        patched = nodes is not None
        if nodes is None:
            nodes = await self._read_nodes(bus_name, asked)
            self.reads["full"] += 1
        if not app.window_relative:  # GTK4 realises nodes lazily and silently: never reuse its reads
            self._nodes_memo[bus_name] = [_row(n) for n in nodes.values()]
        for node in nodes.values():
            parent = nodes.get(node.parent)
            if parent is not None:
                parent.children.append(node)
        for node in nodes.values():
            node.children.sort(key=_sibling_order)
        roots = [n for n in nodes.values() if n.parent not in nodes or n.parent == ROOT_PATH]
        roots = [n for n in roots if n.path != ROOT_PATH and n.role != "application"]
        roots.sort(key=_sibling_order)
        return roots, patched

    async def _read_nodes(self, bus_name: str, asked: uncached.AskedAhead | None = None) -> dict[str, RawNode]:
        """Every node of the app: its cache, plus what the cache lacks (both through `asked`, when given)."""
        nodes = await self._items(bus_name, asked)
        app = self._apps.get(bus_name) or AppInfo(bus_name)
        if not app.window_relative:  # every toolkit but GTK4 leaves gaps that walking does not fill
            if not app.keeps_unlisted:
                await self._drop_unlisted(bus_name, nodes)
            self._walked[bus_name] = await self._read_uncached(bus_name, nodes, app, asked)
            _remember_walked(self._remembered.setdefault(bus_name, {}), nodes, self._walked[bus_name], app.shown)
            return nodes
        for _ in range(64):  # GTK4: each round realises one more level of lazily cached nodes
            missing = _incomplete(nodes, app.shown)
            if not missing:
                break
            replies = await replies_of(
                self._call(bus_name, path, ACCESSIBLE, "GetChildren") for path in missing[:512]
            )
            listed = {
                child
                for r in replies
                if r is not None and r.message_type != MessageType.ERROR
                for _, child in r.body[0]
            }
            if not listed:
                break
            before = len(nodes)
            nodes = await self._items(bus_name)
            if len(nodes) <= before:
                if listed - nodes.keys():  # GTK4 has not cached what the walk listed yet: read it by hand
                    await self._read_uncached(bus_name, nodes, app)
                break
        await self._drop_unlisted(bus_name, nodes)
        return nodes

    async def _drop_unlisted(self, bus_name: str, nodes: dict[str, RawNode]) -> None:
        """LibreOffice leaves replaced objects in its cache under their old parent, still SHOWING: Impress's
        slide pane piles up a row per slide for every new slide ("Slide 1" many times over). A parent caching
        more children than it has is asked for them, and the cached ones it does not list are dropped with their
        subtrees, in place (a read patched after a change of children drops them the same way)."""
        below = _children_index(nodes)
        overfull = sorted(
            path for path, kids in below.items()
            if path in nodes and 0 <= nodes[path].child_count < sum(1 for kid in kids if kid != path)
        )
        replies = await replies_of(self._call(bus_name, path, ACCESSIBLE, "GetChildren") for path in overfull)
        for parent, reply in zip(overfull, replies):
            if reply is None or reply.message_type == MessageType.ERROR or not reply.body:
                continue
            listed = {child for _, child in reply.body[0]}
            for kid in below[parent]:
                if kid != parent and kid not in listed:
                    _drop_subtree(nodes, below, kid)

    async def _read_uncached(
        self, bus_name: str, nodes: dict[str, RawNode], app: AppInfo, asked: uncached.AskedAhead | None = None
    ) -> set[str]:
        """Add what atk-bridge (GTK2/3, LibreOffice, Gecko, Chromium) or Qt left out of the cache, in place:
        first the missing containers of cached nodes, then the children of incomplete showing nodes (walked
        through `asked`, when given: see `_walk_ahead`). Returns the paths of the latter."""
        orphaned = {n.parent for n in nodes.values() if n.parent not in nodes and n.states & app.shown}
        orphaned -= {ROOT_PATH, NULL_PATH, ""}
        if orphaned:
            found = await uncached.read_ancestors(
                self._call, bus_name, set(nodes), orphaned, stop=frozenset({ROOT_PATH, NULL_PATH}),
                toolkit=app.toolkit, memo=app.memo,
            )
            nodes.update((f.path, RawNode(*f)) for f in found)
        missing = _incomplete(nodes, app.shown)
        if not missing:
            return set()
        if asked is not None:
            asked.walk(missing, shown=app.shown, child_limit=WALK_CHILD_LIMIT, toolkit=app.toolkit, memo=app.memo)
        return await self._read_below(bus_name, nodes, missing, app, asked)

    async def _read_below(
        self, bus_name: str, nodes: dict[str, RawNode], parents: list[str], app: AppInfo,
        call: uncached.Call | None = None,
    ) -> set[str]:
        """Read the shown nodes below `parents` that `nodes` lacks into it; returns their paths."""
        found = await uncached.read_missing(
            call or self._call, bus_name, set(nodes), parents, shown=app.shown, budget=UNCACHED_BUDGET,
            child_limit=WALK_CHILD_LIMIT, toolkit=app.toolkit, memo=app.memo,
        )
        nodes.update((f.path, RawNode(*f)) for f in found)
        return {f.path for f in found}

    async def _apply_changes(
        self, bus_name: str, nodes: dict[str, RawNode], changes: Changes, app: AppInfo,
        pixels: _PixelNews | None = None, asked: uncached.AskedAhead | None = None,
    ) -> bool:
        """Update the last read in place with what the app announced: list again the children of nodes that
        gained or lost some, re-read the announced nodes (on LibreOffice, also the states of every shown node
        and of the hidden children of shown containers), forget what lies below a node hidden, and read again
        what lies below a node shown (see `_reread_below_shown`). False when that is not enough: a shown node
        that neither read holds was named, a node died, a node was shown on LibreOffice, or a node's child
        count or (on LibreOffice) a node's visibility changed unannounced. `asked`: calls asked ahead
        (`_described_ahead`), which the reads take."""
        reader = uncached.Reader(asked or self._call, bus_name, app.toolkit, app.memo)
        added: set[str] = set()
        parents = changes.structure | {nodes[p].parent for p in changes.removed if p in nodes}
        if parents and not await self._relist(bus_name, nodes, parents, app, reader, added, news=changes):
            return False
        reread = changes.nodes & (nodes.keys() - added)  # the rest sit below managing nodes, which are read afresh
        reread.update(p for p, n in nodes.items() if n.parent in changes.child_states and n.parent != p)
        if changes.focus:
            reread.update(p for p, n in nodes.items() if n.states & FOCUSED)
        reread.discard(ROOT_PATH)
        unnamed = sorted(_shown_and_their_children(nodes, app.shown) - reread - added) if app.rereads_shown else []
        for path in reread:  # a path's role and interfaces never change: no need to ask
            reader.memo.setdefault(path, (nodes[path].role, nodes[path].interfaces))
        named = sorted(reread)

        found, (unnamed, states) = await asyncio.gather(
            asyncio.gather(*(
                reader.describe(p, nodes[p].parent, nodes[p].index, app.shown, bool(nodes[p].states & app.shown))
                for p in named
            )),
            self._silent_states(app, nodes, unnamed, pixels, reader),
        )
        hidden, revealed = [], []
        for path, fresh in zip(named, found):
            if fresh is None:
                return False  # it died between the event and now
            if (fresh.states ^ nodes[path].states) & app.shown:
                if fresh.states & app.shown:
                    if app.rereads_shown:
                        return False  # LibreOffice: GetItems is most of a full read
                    revealed.append(path)  # its descendants came with it, silently
                else:
                    hidden.append(path)  # its descendants went with it, silently: what the last read held is dropped
            elif nodes[path].child_count == UNKNOWN_COUNT:
                fresh = fresh._replace(child_count=UNKNOWN_COUNT)  # what a full read would say again
            elif fresh.states & app.shown and fresh.child_count != nodes[path].child_count:
                return False  # its children changed unannounced (Gecko loading a document)
            nodes[path] = RawNode(*fresh)
        if hidden:
            _drop_below(nodes, hidden)
        # named nodes that went with a hidden ancestor: read just now, and hidden with it whatever their states
        below_hidden = {path for path in named if path not in nodes}
        if revealed:
            added.update(await self._reread_below_shown(bus_name, nodes, revealed, app, asked))
        unread = changes.nodes - nodes.keys() - {ROOT_PATH} - self._read_afresh.get(bus_name, set()) - below_hidden
        if unread and not await self._place_unread(bus_name, nodes, unread, app, reader, added, news=changes):
            return False  # news of a shown node that cannot be placed: the last read is missing a part
        for path, reply in zip(unnamed, states):
            if path not in nodes:
                continue  # below a node just hidden
            if reply is None or reply.message_type == MessageType.ERROR or not reply.body:
                return False
            bits = state_bits(reply.body[0])
            if (bits ^ nodes[path].states) & app.shown:
                return False
            nodes[path].states = bits  # enabled, checked, selected... changed silently
        return True

    async def _silent_states(
        self, app: AppInfo, nodes: dict[str, RawNode], paths: list[str], pixels: _PixelNews | None,
        reader: uncached.Reader,
    ) -> tuple[list[str], list[Message | None]]:
        """The states of `paths` (LibreOffice's shown nodes no event named), asked for again except where no pixel
        changed (`_kept_states`); the pixel comparison is awaited while the named nodes are read. Returns the
        paths asked for and the replies."""
        if paths and pixels is not None:
            unchanged = _unchanged(app, await pixels.tiles(), self.screen)
            kept = _kept_states(app, nodes, paths, pixels.last_fills, unchanged)
            paths = [p for p in paths if p not in kept]
            self.silent_states["kept"] += len(kept)
        self.silent_states["asked"] += len(paths)
        return paths, await replies_of(reader.ask(p, ACCESSIBLE, "GetState") for p in paths)

    async def _reread_below_shown(
        self, bus_name: str, nodes: dict[str, RawNode], revealed: list[str], app: AppInfo,
        asked: uncached.AskedAhead | None = None,
    ) -> set[str]:
        """Replace what lies below nodes just shown (a side pane, a menu bar) as a full read would find it: their
        descendants' states changed without news. They come from one GetItems, then a walk of what the cache
        lacks below them; the full read's walk of the whole app (Gecko's ~40 ms) is spared. Their siblings shown
        or hidden since are taken anew too (`_changed_siblings`). Returns their paths. `asked`: the GetItems
        asked ahead (`_described_ahead`), if it was."""
        cached = await self._items(bus_name, asked)
        below = _children_index(cached)
        siblings = await self._changed_siblings(bus_name, nodes, revealed, cached, app)
        revealed = [*revealed, *siblings]
        _drop_below(nodes, revealed)
        nodes.update((path, cached[path]) for path in revealed if path in cached)  # as a full read has them
        subtree: dict[str, RawNode] = {}
        stack = [kid for path in revealed for kid in below.get(path, ()) if kid != path]
        while stack:
            path = stack.pop()
            if path not in subtree and path not in nodes:
                subtree[path] = cached[path]
                stack.extend(kid for kid in below.get(path, ()) if kid != path)
        nodes.update(subtree)
        part = {path: nodes[path] for path in (*revealed, *subtree)}
        missing = [path for path in _incomplete(part, app.shown) if path != ROOT_PATH]  # no windows in `part`
        walked = await self._read_below(bus_name, nodes, missing, app) if missing else set()
        return set(siblings) | set(subtree) | walked

    async def _changed_siblings(
        self, bus_name: str, nodes: dict[str, RawNode], revealed: list[str], cached: dict[str, RawNode], app: AppInfo
    ) -> list[str]:
        """The other children of the parents of nodes just shown, where the last read is out of date: those the
        cache (`cached`, a GetItems just made) holds and the last read did not, or holds shown where the last read
        had them hidden or the other way round (the caller takes those from the cache); and, where the app
        `shows_siblings_silently`, the last read's hidden ones that the cache lacks (walked) and that are asked
        and found shown, which go into `nodes` as they are now. The parents' cached rows (their child counts)
        go into `nodes` too; children gone since are dropped."""
        parents = sorted({nodes[p].parent for p in revealed} & nodes.keys())
        nodes.update((parent, cached[parent]) for parent in parents if parent in cached)
        in_cache, in_read = _children_index(cached), _children_index(nodes)
        changed, ask = [], []
        for parent in parents:
            for kid in dict.fromkeys((*in_cache.get(parent, ()), *in_read.get(parent, ()))):
                if kid == parent or kid in revealed:
                    continue
                if kid in cached:
                    if kid not in nodes or (nodes[kid].states ^ cached[kid].states) & app.shown:
                        changed.append(kid)
                elif app.shows_siblings_silently and not nodes[kid].states & app.shown:
                    ask.append(kid)
        reader = uncached.Reader(self._call, bus_name, app.toolkit, app.memo)
        found = await asyncio.gather(*(reader.describe(k, nodes[k].parent, nodes[k].index, app.shown) for k in ask))
        for kid, fresh in zip(ask, found):
            if fresh is None:  # gone since
                _drop_subtree(nodes, in_read, kid)
            elif fresh.states & app.shown:
                nodes[kid] = RawNode(*fresh)
                changed.append(kid)
        return changed

    async def _relist(
        self, bus_name: str, nodes: dict[str, RawNode], parents: set[str], app: AppInfo, reader: uncached.Reader,
        added: set[str], depth: int = 1, *, news: Changes | None = None,
    ) -> bool:
        """Patch the structure below `parents`, whose children changed: drop the subtrees of children gone,
        renumber the rest, and read the new children with their shown subtrees (their paths go into `added`).
        A parent that died since its news (Impress replaces a slide's panel right after announcing its children)
        is gone with its subtree, and its own parent is listed again.
        False when a full read is safer: a parent that neither the last read nor this one holds, or one whose
        children are a menu's (LibreOffice repeats indices among them) or too many to list."""
        cached, removed = (news.cached, news.removed) if news is not None else ({}, set())
        by_cache = app.keeps_unlisted  # where the cache puts a node, a full read has it (GetItems)
        order = sorted(parents & nodes.keys())
        if any(nodes[p].role in MENU_ROLES or nodes[p].states & (MANAGES_DESCENDANTS | DEFUNCT) for p in order):
            return False
        replies = await replies_of(reader.ask(p, ACCESSIBLE, "GetChildren") for p in order)
        below = _children_index(nodes)
        new: list[tuple[str, str, int]] = []
        orphaned: set[str] = set()  # parents of parents that died
        for parent, reply in zip(order, replies):
            if parent not in nodes:
                continue  # it went with the subtree of a child gone from another parent
            if reply is not None and reply.message_type == MessageType.ERROR and reply.error_name == UNKNOWN_OBJECT:
                orphaned.add(nodes[parent].parent)
                _drop_subtree(nodes, below, parent)
                continue
            if reply is None or reply.message_type == MessageType.ERROR or not reply.body:
                return False
            kids = [child for _, child in reply.body[0]]
            if len(kids) > WALK_CHILD_LIMIT:
                return False
            for gone in set(below.get(parent, ())) - set(kids) - {parent}:
                if by_cache and nodes[gone].index < 0 and gone not in removed:
                    continue  # cached at -1 and not listed (GTK3's scroll bars, popovers): a full read keeps it
                _drop_subtree(nodes, below, gone)
            for index, kid in enumerate(kids):
                node = nodes.get(kid)
                row = cached.get(kid) if by_cache else None
                if row is not None and row[0] != parent:  # the cache puts it elsewhere, and so does a full read
                    if node is None:
                        new.append((kid, *row))
                elif node is None:
                    new.append((kid, parent, index))
                elif node.parent != parent and node.index < 0 and by_cache:
                    continue  # cached elsewhere at -1 (GTK3's popovers), where a full read keeps it
                elif node.parent != parent:  # moved here, or (LibreOffice) a path reused for a new object
                    _drop_subtree(nodes, below, kid)
                    new.append((kid, parent, index))
                elif node.index >= 0:  # GTK3 lists a scrolled window's scroll bars at -1: kept as a full read has it
                    node.index = index
            nodes[parent].child_count = len(kids)
        await self._read_new(bus_name, nodes, new, app, reader, added)
        orphaned = (orphaned - set(order)) & nodes.keys()
        if orphaned and (
            depth < 0 or not await self._relist(bus_name, nodes, orphaned, app, reader, added, depth - 1, news=news)
        ):
            return False
        return await self._place_unread(
            bus_name, nodes, parents - nodes.keys(), app, reader, added, depth - 1, news=news
        )

    async def _read_new(
        self, bus_name: str, nodes: dict[str, RawNode], new: list[tuple[str, str, int | None]], app: AppInfo,
        reader: uncached.Reader, added: set[str],
    ) -> None:
        """Read new nodes (path, parent, index or None to ask) and their shown subtrees into `nodes`."""
        found = await asyncio.gather(*(reader.describe(kid, parent, index, app.shown) for kid, parent, index in new))
        fresh = [f for f in found if f is not None]
        nodes.update((f.path, RawNode(*f)) for f in fresh)
        added.update(f.path for f in fresh)
        walk = [f.path for f in fresh if f.states & app.shown and f.child_count > 0]
        if walk:
            added.update(await self._read_below(bus_name, nodes, walk, app))

    async def _place_unread(
        self, bus_name: str, nodes: dict[str, RawNode], paths: set[str], app: AppInfo, reader: uncached.Reader,
        added: set[str], depth: int = 1, *, news: Changes | None = None,
    ) -> bool:
        """Make sure news of nodes neither read holds changes nothing unseen. Those gone or hidden are moot:
        LibreOffice builds and drops a slide's preview nodes within one step, and a hidden node shown later
        announces it. A shown one must be new below a node the read holds, whose children are then listed
        again (LibreOffice names a slide pane's rebuilt rows without news of their parent). One its parent
        does not list is where a full read has it: only in the app's cache (GetItems), so it is read, where
        the cache's row puts it, when the cache announced it (`news.cached`), and left out otherwise (GTK3
        focuses a combo box's inner toggle button, which neither the cache nor the combo box lists).
        LibreOffice leaves them all out: it keeps replaced slide rows in its cache (at index -1 or their old
        index), which its full reads drop (`_drop_unlisted`). Otherwise it is False and a full read follows."""
        order = sorted(paths)
        replies = await replies_of(reader.ask(p, ACCESSIBLE, "GetState") for p in order)
        shown = [p for p, r in zip(order, replies) if r is not None and r.message_type != MessageType.ERROR and r.body
                 and state_bits(r.body[0]) & app.shown and not state_bits(r.body[0]) & DEFUNCT]
        if not shown:
            return True
        if depth < 0:
            return False
        props = await asyncio.gather(*(reader.properties(p) for p in shown))
        parents = {str(p.get("Parent", "")) for p in props}
        if not parents <= nodes.keys():
            return False
        if not await self._relist(bus_name, nodes, parents, app, reader, added, depth, news=news):
            return False
        cached = news.cached if news is not None else {}
        strays = [(p, *cached[p]) for p in shown if p not in nodes and p in cached and app.keeps_unlisted]
        await self._read_new(bus_name, nodes, strays, app, reader, added)
        return True

    async def _fill_all(
        self, app: AppInfo, nodes: list[RawNode], reusable: Callable[[RawNode], tuple | None],
        ahead: dict[str, tuple[tuple[bool, bool], _FillCalls]] | None = None,
    ) -> None:
        """Set each node's extents and text: kept from the last read where `reusable` allows, else read (with
        the answers asked ahead, where they asked the same). The calls go out together, as futures: a coroutine
        per node would cost a task each."""
        asked: list[tuple[RawNode, _FillCalls]] = []
        for node in nodes:
            last = reusable(node)
            if last is not None:
                node.extents, node.text = last
                continue
            asks = _fill_asks(node)
            early = ahead.get(node.path) if ahead else None
            asked.append((node, early[1] if early is not None and early[0] == asks else
                          self._ask_fill(app, node.path, asks)))
        self.fills["kept"] += len(nodes) - len(asked)
        self.fills["read"] += len(asked)
        await replies_of([future for _, pair in asked for future in _asked(pair) if not future.done()])
        for node, pair in asked:
            extents, text = (future.result() if future is not None else None for future in pair)
            if extents is not None and extents.message_type != MessageType.ERROR:
                rect = tuple(extents.body[0])
                node.extents = None if OFFSCREEN in rect[:2] else rect  # type: ignore[assignment]
            if text is not None and text.message_type != MessageType.ERROR:
                node.text = text.body[0][:TEXT_LIMIT]

    def _ask_fill(self, app: AppInfo, path: str, asks: tuple[bool, bool]) -> _FillCalls:
        """The calls for GetExtents and GetText, as `asks` (`_fill_asks`) wants them (None where not), as
        futures (the transport's calls are; any other awaitable becomes a task)."""
        extents, text = asks
        return (
            asyncio.ensure_future(self._call(app.bus_name, path, "org.a11y.atspi.Component", "GetExtents", "u", [0]))
            if extents else None,
            asyncio.ensure_future(self._call(app.bus_name, path, "org.a11y.atspi.Text", "GetText", "ii",
                                             [0, app.text_end]))
            if text else None,
        )


def _reads_in_full(app: AppInfo, changes: Changes, drawn: bool) -> bool:
    """Whether the app's next read is a full one for certain: it does not announce its changes, and it changed."""
    silent = not (app.announces_changes or app.rereads_shown or app.window_relative)
    return silent and not _patchable(app, changes, drawn)


def _patchable(app: AppInfo, changes: Changes, drawn: bool) -> bool:
    """Whether the app's last read, patched with what it announced since, is as good as a full read."""
    # Toolkits that do not announce their changes make some without any event at all (Chromium shows its
    # bookmarks bar, GTK2 focuses a menu bar item): their last read holds only while nothing is drawn.
    silent = not (app.announces_changes or app.rereads_shown)
    unchanged = not changes and not (silent and drawn)
    patchable = unchanged or (app.announces_changes and not changes.too_many) or app.rereads_shown
    return patchable and not changes.full


def _fill_asks(node: RawNode) -> tuple[bool, bool]:
    """Whether a node's extents and its text are read. A nameless leaf with a Text interface holds content
    only there (Gecko puts message bodies and web paragraphs' text in the Text of a plain `section`)."""
    leaf_text = not node.name and node.child_count == 0
    wants_text = node.has("Text") and bool(node.states & EDITABLE or node.role in TEXT_ROLES or leaf_text)
    return node.has("Component"), wants_text


def _asked(pair: _FillCalls) -> list[asyncio.Future]:
    """The calls of a node's fill that were made."""
    return [future for future in pair if future is not None]


def _nothing_kept(node: RawNode) -> None:
    """A `_reusable_fills` that keeps nothing: every extent and text is read."""
    return None


def _reusable_fills(
    app: AppInfo,
    changes: Changes,
    damaged: list[Rect] | None,
    last: dict[tuple[str, str], tuple],
    tiles: ChangedTiles | None = None,
    screen: tuple[int, int] | None = None,
) -> Callable[[RawNode], tuple | None]:
    """Which nodes keep last snapshot's extents and text: those shown at a place nothing has drawn over since
    (with `tiles`, no pixel changed), that no event named. GTK4's extents are window-relative (nothing to test
    against screen damage), and LibreOffice's sit up to a menu bar's height above where they show (quirks.py),
    so its test area is taller. A node wholly off the `screen` is never kept: nothing drawn there is reported
    (a terminal window grown past the screen's edge moved its scroll bar unseen)."""
    if damaged is None or app.window_relative:
        return _nothing_kept
    named = changes.nodes | changes.moved
    unchanged = _unchanged(app, tiles, screen) or (
        lambda rect: _on_screen(rect, screen) and not overlaps(_shown_area(app, rect), damaged)
    )

    def reusable(node: RawNode) -> tuple | None:
        fill = last.get((app.bus_name, node.path))
        if fill is None or fill[0] is None or node.path in named:
            return None
        return fill if unchanged(fill[0]) else None

    return reusable


def _reports_moved(app: AppInfo, order: list, last: dict[tuple[str, str], tuple]) -> bool:
    """Whether the app moved its frame of reference for extents without drawing: LibreOffice reports its widgets
    a menu bar's height too high after a launch (quirks.fix_libreoffice_extents), and corrects every report at
    once some steps later (in Writer, at the first click on Bold), with no pixel moving. Its root panes then
    report other extents, and no extents kept on the strength of unchanged pixels hold."""
    return app.compare_pixels and any(node.role == "root pane" and _moved(app, node, last) for node, *_ in order)


def _moved(app: AppInfo, node: RawNode, last: dict[tuple[str, str], tuple]) -> bool:
    """Whether the node reports other extents than at the last read, which held it."""
    fill = last.get((app.bus_name, node.path))
    return fill is not None and node.extents != fill[0]


def _shown_area(app: AppInfo, rect: Rect) -> Rect:
    """Where a node with these extents may show: LibreOffice's sit up to a menu bar's height too high."""
    x, y, w, h = rect
    return (x, y, w, h + quirks.menu_bar_gap(app)) if app.name == quirks.LIBREOFFICE_APP else rect


@dataclass
class _PixelNews:
    """What one read knows of the screen's pixels for one app: where they changed since the last read started
    (`tiles`, from the caller's grab: None when not compared) and the last read's extents and text per node."""

    app: AppInfo
    changed: concurrent.futures.Future | None
    last_fills: dict[tuple[str, str], tuple]

    async def tiles(self) -> ChangedTiles | None:
        if self.changed is None or not self.app.compare_pixels:
            return None
        return await asyncio.wrap_future(self.changed)


def _kept_states(
    app: AppInfo,
    nodes: dict[str, RawNode],
    paths: list[str],
    last_fills: dict[tuple[str, str], tuple],
    unchanged: Callable[[Rect], bool] | None,
) -> set[str]:
    """Of `paths` (shown nodes and the hidden children of shown ones, whose states LibreOffice may change
    without news), those whose states the last read still gives: no pixel changed where they showed at the last
    read (a hidden child: its parent). A state the observation carries is drawn there: a control enabled,
    checked, shown or hidden repaints it (focus comes with news). Nodes with no such area are asked."""
    if unchanged is None:
        return set()
    kept = set()
    for path in paths:
        node = nodes[path]
        fill = last_fills.get((app.bus_name, path if node.states & app.shown else node.parent))
        rect = fill[0] if fill is not None else None
        if rect is not None and rect[2] > 0 and rect[3] > 0 and min(rect[0], rect[1]) > OFFSCREEN and unchanged(rect):
            kept.add(path)
    return kept


def _unchanged(
    app: AppInfo, tiles: ChangedTiles | None, screen: tuple[int, int] | None = None
) -> Callable[[Rect], bool] | None:
    """Whether no pixel changed where a node with these extents shows (False wholly off the `screen`, where no
    pixel is seen); None when pixels were not compared."""
    if tiles is None:
        return None
    return lambda rect: _on_screen(rect, screen) and not tiles.overlaps(_shown_area(app, rect))


def _on_screen(rect: Rect, screen: tuple[int, int] | None) -> bool:
    """Whether some of `rect` lies on a screen of this (width, height); True when the size is unknown."""
    if screen is None:
        return True
    x, y, w, h = rect
    return x < screen[0] and y < screen[1] and x + w > 0 and y + h > 0


def _drop_below(nodes: dict[str, RawNode], paths: list[str]) -> None:
    """Forget what lies below `paths` (nodes just hidden: a full read would list their subtrees, but hidden)."""
    below = _children_index(nodes)
    for path in paths:
        for kid in below.get(path, ()):
            if kid != path:
                _drop_subtree(nodes, below, kid)


def _row(node: RawNode) -> tuple:
    """A node as the memo of reads keeps it, in `RawNode`'s field order."""
    return (node.path, node.parent, node.index, node.child_count, node.interfaces, node.name, node.role,
            node.description, node.states)


def _remember_walked(remembered: dict[str, tuple], nodes: dict[str, RawNode], walked: set[str], shown: int) -> None:
    """Update, in place, the rows of every node a full read found by walking, as last read: `nodes` and
    `walked` are this read's. A remembered node this read did not find where it would have (its parent shown
    and walked into) is gone, and so is what hung below it. Those below a node hidden since stay, for
    `uncached.AskedAhead._ask_below`; at most REMEMBERED_LIMIT of them."""
    remembered.update((path, _row(nodes[path])) for path in walked if path in nodes)
    below: dict[str, list[str]] = {}
    for path, row in remembered.items():
        parent = nodes.get(row[1])
        listed = (  # a walk lists the children of such a parent: those it did not find are gone
            parent is not None and bool(parent.states & shown) and not parent.states & uncached.NOT_WALKED
            and 0 <= parent.child_count <= WALK_CHILD_LIMIT
        )
        if path in nodes or not listed:
            below.setdefault(row[1], []).append(path)
    kept, stack = {path for path in remembered if path in nodes}, [parent for parent in below if parent in nodes]
    while stack:
        for path in below.get(stack.pop(), ()):
            if path not in kept:
                kept.add(path)
                stack.append(path)
    if len(kept - walked) > REMEMBERED_LIMIT:
        kept &= walked
    for path in [p for p in remembered if p not in kept]:
        del remembered[path]


def _children_index(nodes: dict[str, RawNode]) -> dict[str, list[str]]:
    below: dict[str, list[str]] = {}
    for path, node in nodes.items():
        below.setdefault(node.parent, []).append(path)
    return below


def _drop_subtree(nodes: dict[str, RawNode], below: dict[str, list[str]], path: str) -> None:
    stack = [path]
    while stack:
        gone = stack.pop()
        if nodes.pop(gone, None) is not None:
            stack.extend(p for p in below.get(gone, ()) if p != gone)


def _shown_and_their_children(nodes: dict[str, RawNode], shown: int) -> set[str]:
    """The shown nodes, and the hidden children of shown nodes that are no menus (a closed menu's items stay
    hidden until it opens, which brings a new window and a full read)."""
    parents = {p for p, n in nodes.items() if n.states & shown}
    open_to = parents - {p for p in parents if nodes[p].role == "menu"}
    return parents | {p for p, n in nodes.items() if n.parent in open_to}


def _sibling_order(node: RawNode) -> tuple[int, int, str]:
    """By index in parent. GTK3's cache reports -1 for a scrolled window's scroll bars, while walking lists them
    last; LibreOffice repeats indices among menu items. Ties go by path, numbered in creation order."""
    return (node.index if node.index >= 0 else 1 << 30, len(node.path), node.path)


def _incomplete(nodes: dict[str, RawNode], shown: int = VISIBLE | SHOWING) -> list[str]:
    """Paths of nodes (or the app root) whose cached children are fewer than they report."""
    counts: dict[str, int] = {}
    for node in nodes.values():
        counts[node.parent] = counts.get(node.parent, 0) + 1
    missing = [
        path
        for path, node in nodes.items()
        if node.child_count > counts.get(path, 0)
        and node.states & shown
        and not node.states & (DEFUNCT | MANAGES_DESCENDANTS)
        and node.child_count <= WALK_CHILD_LIMIT
    ]
    # The application node is never SHOWING, so compare its window count alone (its own row names the
    # registry's root, which has the same path, as its parent).
    root = nodes.get(ROOT_PATH)
    windows = sum(1 for path, node in nodes.items() if node.parent == ROOT_PATH and path != ROOT_PATH)
    if (windows == 0 or (root is not None and root.child_count > windows)) and ROOT_PATH not in missing:
        missing.append(ROOT_PATH)
    return missing


def _size(node: RawNode) -> tuple[int, int]:
    return (node.extents[2], node.extents[3]) if node.extents else (0, 0)


@dataclass
class _Kept:
    # node, depth among kept nodes, top-level index, path of the nearest kept ancestor ("" for none)
    order: list[tuple[RawNode, int, int, str]] = field(default_factory=list)
    total: int = 0
    truncated: bool = False


STRUCTURAL_ROLES = frozenset({"panel", "filler", "section", "grouping", "layered pane", "glass pane", "redundant object"})


def _structural(node: RawNode) -> bool:
    """Nameless layout containers: they carry no meaning for an agent, and skipping them saves a round trip each."""
    return (
        node.role in STRUCTURAL_ROLES
        and not node.description
        and (not node.name or bool(_CLASS_NAME.match(node.name)))
        and not node.states & (FOCUSABLE | FOCUSED | CHECKABLE | EDITABLE)
        and bool(node.children)
    )


def _folded_label(node: RawNode, parent: RawNode | None) -> bool:
    """A leaf label inside a button only repeats the button's text: fold it into the button."""
    if parent is None or node.children or node.role != "label" or parent.role not in CLICKABLE_ROLES:
        return False
    if len(parent.children) == 1 or not parent.label:
        parent.label = parent.label or node.name
        return True
    return False


def _visible_preorder(roots: list[RawNode], budget: int, shown: int = VISIBLE | SHOWING) -> _Kept:
    """Depth-first list of visible nodes, pruning invisible subtrees and flattening layout-only containers,
    cut at `budget` nodes."""
    kept = _Kept()
    stack: list[tuple[RawNode, int, int, str, RawNode | None]] = [
        (root, 0, i, "", None) for i, root in reversed(list(enumerate(roots)))
    ]
    while stack:
        node, depth, top, kept_parent, parent = stack.pop()
        if not node.states & shown or node.states & DEFUNCT:
            continue
        if _folded_label(node, parent):
            continue
        if _structural(node) and depth > 0:
            stack.extend((child, depth, top, kept_parent, node) for child in reversed(node.children))
            continue
        kept.total += 1
        if len(kept.order) >= budget:
            kept.truncated = True
            continue
        kept.order.append((node, depth, top, kept_parent))
        stack.extend((child, depth + 1, top, node.path, node) for child in reversed(node.children))
    return kept


def _drop_offscreen(order: list[tuple[RawNode, int, int, str]]) -> list[tuple[RawNode, int, int, str]]:
    """Remove nodes with no area whose descendants have none either: GTK4 marks unmapped widgets visible."""
    keep: set[str] = set()
    for node, _, _, parent in reversed(order):  # descendants come after ancestors, so walk backwards
        has_area = node.extents is not None and node.extents[2] > 0 and node.extents[3] > 0
        if has_area or node.path in keep:
            keep.add(node.path)
            keep.add(parent)
    return [entry for entry in order if entry[0].path in keep]


HUSK_ROLES = frozenset({"scroll pane", "viewport", "filler", "panel"})


def _drop_husks(order: list[tuple[RawNode, int, int, str]]) -> list[tuple[RawNode, int, int, str]]:
    """Remove empty, nameless containers that lie exactly under a sibling with content: Nautilus keeps, in
    some launches and not others, the husk of a replaced view (a scroll pane with nothing in it) beside the
    view, so the tree of one screen would differ between launches. It shows nothing, and a click or a
    scroll there lands on the sibling."""
    parents = {entry[3] for entry in order}
    filled: set[tuple[str, tuple]] = {(parent, node.extents) for node, _, _, parent in order if node.path in parents}
    husks = {
        node.path
        for node, _, _, parent in order
        if node.role in HUSK_ROLES and node.path not in parents and not node.name and not node.description
        and node.extents is not None and (parent, node.extents) in filled
    }
    return [entry for entry in order if entry[0].path not in husks] if husks else order


def _clean_name(name: str, role: str, window_relative: bool) -> tuple[str, str]:
    """(text, class name): undo GTK4's class-name fallback and its doubled labels (`7 7`, `_Retry Retry`)."""
    if not window_relative:
        return name, ""
    if _CLASS_NAME.match(name):
        return "", name
    half = len(name) // 2
    for split in (half, half + 1, half - 1):
        first, sep, second = name[:split], name[split : split + 1], name[split + 1 :]
        if sep == " " and first and first.replace("_", "") == second:
            return second, ""
    return name, ""


POPOVER_ROLES = frozenset({"menu", "popup menu", "window", "dialog", "tool tip", "panel", "filler", "list"})


def _place_gtk4(
    order: list[tuple[RawNode, int, int, str]], offsets: list[tuple[int, int]], windows: list[TopWindow]
) -> tuple[list[tuple[RawNode, int, int, str]], dict[str, tuple[int, int]]]:
    """Screen offsets per node for a GTK4 app, and the nodes that are really on screen.

    GTK4 4.8 reports a popover's subtree relative to a bogus origin although the popover is its own X window:
    a popover root is recognised by having exactly the size of a mapped X window that no frame claimed, and its
    subtree is moved onto that window. GTK4 also keeps unmapped widgets VISIBLE with stale extents (a closed
    popover's items, the keypads of other calculator modes): a node with no area takes its subtree with it, and
    a node outside the window it belongs to is dropped.
    """
    claimed = {_window_for_offset(offset, windows) for offset in offsets}
    spare = [w for w in windows if w not in claimed]
    placed: dict[str, tuple[int, int]] = {}
    surfaces: dict[str, tuple[int, int, int, int]] = {}
    kept = []
    for entry in order:
        node, depth, top, parent = entry
        extents = node.extents
        if depth > 0 and (parent not in placed or extents is None or extents[2] <= 0 or extents[3] <= 0):
            continue
        offset = placed.get(parent, offsets[top] if top < len(offsets) else (0, 0))
        surface = surfaces.get(parent)
        if extents is not None and depth > 0 and node.role in POPOVER_ROLES:
            match = next((w for w in spare if (w.width, w.height) == (extents[2], extents[3])), None)
            if match is not None:
                spare.remove(match)
                offset = (match.x - extents[0], match.y - extents[1])
                surface = (match.x, match.y, match.x + match.width, match.y + match.height)
        if extents is not None:
            x1, y1 = extents[0] + offset[0], extents[1] + offset[1]
            rect = (x1, y1, x1 + extents[2], y1 + extents[3])
            if surface is None:
                surface = rect
            elif rect[0] >= surface[2] or rect[2] <= surface[0] or rect[1] >= surface[3] or rect[3] <= surface[1]:
                continue
        placed[node.path] = offset
        surfaces[node.path] = surface if surface is not None else (0, 0, 1 << 16, 1 << 16)
        kept.append(entry)
    return kept, placed


def _window_for_offset(offset: tuple[int, int], windows: list[TopWindow]) -> TopWindow | None:
    """The X window a frame offset was derived from (its origin lies within the window's CSD margin)."""
    return next((w for w in windows if 0 <= offset[0] - w.x <= 32 and 0 <= offset[1] - w.y <= 32), None)


def _convert(
    order: list[tuple[RawNode, int, int, str]],
    offsets: list[tuple[int, int]],
    app: AppInfo,
    out: list[UIElement],
    placed: dict[str, tuple[int, int]] | None = None,
) -> None:
    ids: dict[str, int] = {}
    for node, depth, top, parent in order:
        element_id = len(out)
        ids[node.path] = element_id
        if placed is not None:
            dx, dy = placed[node.path]
        else:
            dx, dy = offsets[top] if top < len(offsets) else (0, 0)
        bounds = None
        if node.extents is not None and node.extents[2] > 0 and node.extents[3] > 0:
            x, y, w, h = node.extents
            bounds = Bounds(x + dx, y + dy, x + dx + w, y + dy + h)
        text, class_name = _clean_name(node.name, node.role, app.window_relative)
        if node.text is not None and (node.states & EDITABLE or node.role in TEXT_ROLES or not text):
            text = node.text
        if not text and node.label:
            text = node.label
        states = node.states
        out.append(
            UIElement(
                id=element_id,
                role=node.role,
                text=text,
                description=node.description,
                bounds=bounds,
                clickable=_clickable(node),
                editable=bool(states & EDITABLE) and not states & READ_ONLY,
                scrollable=node.role in SCROLLABLE_ROLES,
                checkable=bool(states & CHECKABLE) or node.role in CHECKABLE_ROLES,
                checked=bool(states & (CHECKED | PRESSED)),
                selected=bool(states & SELECTED),
                enabled=bool(states & (SENSITIVE | ENABLED)),
                focused=bool(states & FOCUSED),
                depth=depth,
                parent=ids.get(parent),
                app=app.name,
                class_name=class_name,
            )
        )


def _clickable(node: RawNode) -> bool:
    if node.role in CLICKABLE_ROLES:
        return True
    return bool(node.states & FOCUSABLE) and node.has("Action") and node.role not in TEXT_ROLES | {"panel", "filler"}
