"""Pure helpers of the AT-SPI reader, on hand-made nodes (no desktop)."""

from __future__ import annotations

import asyncio

from dbus_fast import Message, MessageType, Variant

from autoplay_gym.envs.ubuntu.atspi import (
    FILLS_AHEAD_LIMIT,
    SHOWING,
    AppInfo,
    AtspiTree,
    RawNode,
    _AppRead,
    _drop_husks,
    _remember_walked,
    _reports_moved,
    _reusable_fills,
)
from autoplay_gym.envs.ubuntu import quirks
from autoplay_gym.envs.ubuntu.changes import Changes

VIEW = (246, 52, 639, 493)


def node(path: str, role: str, name: str = "", extents=VIEW) -> RawNode:
    return RawNode(path, "", 0, 0, [], name, role, "", 0, extents=extents)


def entries(*rows: tuple[RawNode, str]) -> list[tuple[RawNode, int, int, str]]:
    return [(n, 0, 0, parent) for n, parent in rows]


def test_an_empty_husk_under_a_view_with_content_is_dropped_and_nothing_else():
    """Nautilus keeps, in some launches, an empty scroll pane exactly under its folder view."""
    view, husk, table = node("/v", "filler", "Content View"), node("/h", "scroll pane"), node("/t", "table")
    pane = node("/p", "scroll pane")
    order = entries((view, ""), (husk, "/v"), (pane, "/v"), (table, "/p"))
    assert [e[0].path for e in _drop_husks(order)] == ["/v", "/p", "/t"]

    elsewhere = node("/e", "scroll pane", extents=(0, 0, 100, 100))  # not under a sibling: kept
    named = node("/n", "scroll pane", "Preview")  # named: kept
    order = entries((view, ""), (elsewhere, "/v"), (named, "/v"), (pane, "/v"), (table, "/p"))
    assert [e[0].path for e in _drop_husks(order)] == ["/v", "/e", "/n", "/p", "/t"]

    lone = entries((view, ""), (husk, "/v"), (node("/h2", "scroll pane"), "/v"))  # no sibling has content
    assert len(_drop_husks(lone)) == 3


def test_a_node_off_the_screen_keeps_nothing_while_one_on_it_keeps_what_nothing_drew_over():
    """X reports no drawing off the screen: a terminal window grown past the edge moved its scroll bar unseen."""
    app = AppInfo(":1.5", name="gnome-terminal-server", toolkit="GTK", version="3.24.38")
    on, off, drawn = node("/on", "label"), node("/off", "scroll bar"), node("/drawn", "label")
    last = {
        (app.bus_name, "/on"): ((10, 10, 50, 20), "kept"),
        (app.bus_name, "/off"): ((1522, 25, 14, 458), None),
        (app.bus_name, "/drawn"): ((300, 300, 50, 20), "old"),
    }
    reusable = _reusable_fills(app, Changes(), [(290, 290, 100, 100)], last, screen=(1280, 800))
    assert reusable(on) == ((10, 10, 50, 20), "kept")
    assert reusable(off) is None
    assert reusable(drawn) is None
    edge = node("/edge", "panel")  # partly on the screen: drawing on its visible part is reported
    last[(app.bus_name, "/edge")] = ((1200, 0, 200, 50), None)
    assert reusable(edge) == ((1200, 0, 200, 50), None)


COMPONENT, TEXT = "org.a11y.atspi.Component", "org.a11y.atspi.Text"


class _Replies:
    """Stands in for the bus: answers GetExtents, GetText and GetState (`shown`: the paths now SHOWING), and
    notes what was asked."""

    def __init__(self, shown: frozenset[str] = frozenset()) -> None:
        self.asked: list[tuple[str, str]] = []
        self.shown = shown

    async def __call__(self, dest, path, interface, member, signature="", body=None):
        self.asked.append((path, member))
        if member == "GetAll":
            props = {"Name": Variant("s", f"name of {path}"), "Description": Variant("s", ""),
                     "ChildCount": Variant("i", 0)}
            return Message(message_type=MessageType.METHOD_RETURN, reply_serial=1, signature="a{sv}", body=[props])
        if member == "GetState":
            bits = SHOWING if path in self.shown else 0
            return Message(message_type=MessageType.METHOD_RETURN, reply_serial=1, signature="au",
                           body=[[bits & 0xFFFFFFFF, bits >> 32]])
        body = [(1, 2, 3, 4)] if member == "GetExtents" else [f"text of {path}"]
        return Message(message_type=MessageType.METHOD_RETURN, reply_serial=1, signature="(iiii)" if
                       member == "GetExtents" else "s", body=body)


def _tree_with_last_read(rows: list[RawNode], last: dict) -> tuple[AtspiTree, _Replies]:
    tree = AtspiTree(None, "", screen=(1280, 800))  # type: ignore[arg-type]  # no loop: nothing runs on it
    tree._nodes_memo[":1.5"] = [
        (n.path, n.parent, n.index, n.child_count, n.interfaces, n.name, n.role, n.description, n.states)
        for n in rows
    ]
    replies = _Replies()
    tree._call = replies  # type: ignore[method-assign]
    return tree, replies


def test_extents_and_text_are_asked_ahead_only_for_what_cannot_be_kept():
    """A small change that shows or hides nothing: the nodes named or drawn over are asked for their extents
    (and text, where read) with the read's first calls; a read then uses those answers, unless the node now
    needs other calls. Nodes shown or hidden, or too many drawn over, ask nothing ahead."""
    app = AppInfo(":1.5", name="gnome-terminal-server", toolkit="GTK", version="3.24.38")
    term = RawNode("/term", "", 0, 0, [COMPONENT, TEXT], "", "terminal", "", 0)
    bar = RawNode("/bar", "", 1, 0, [COMPONENT], "", "scroll bar", "", 0)
    far = RawNode("/far", "", 2, 0, [COMPONENT], "Menu", "menu", "", 0)
    last = {(app.bus_name, n.path): (rect, None) for n, rect in
            ((term, (0, 25, 700, 400)), (bar, (700, 25, 14, 400)), (far, (900, 700, 50, 20)))}
    tree, replies = _tree_with_last_read([term, bar, far], last)
    typed = Changes(nodes={"/term"})

    async def read() -> tuple[dict, list]:
        ahead = tree._fills_ahead(app, typed, [(0, 25, 722, 434)], last)
        asked = list(replies.asked)  # nothing is sent before the loop runs the tasks
        await asyncio.gather(*(call for _, calls in ahead.values() for call in calls if call is not None))
        return ahead, asked

    ahead, before = asyncio.run(read())
    assert before == [] and sorted(ahead) == ["/bar", "/term"]  # the menu far from the drawing keeps its own
    assert sorted(replies.asked) == [("/bar", "GetExtents"), ("/term", "GetExtents"), ("/term", "GetText")]

    async def fill(node: RawNode, ahead: dict) -> None:
        await tree._fill_all(app, [node], lambda n: None, ahead)

    replies.asked.clear()
    ahead = {"/term": ahead["/term"]}
    asyncio.run(fill(term, ahead))
    assert replies.asked == [] and term.extents == (1, 2, 3, 4) and term.text == "text of /term"
    named = RawNode("/bar", "", 1, 0, [COMPONENT, TEXT], "", "scroll bar", "", 0)  # now read for text too

    async def fill_unanswered() -> None:  # asked ahead without text: its answer (never coming) goes unused
        await fill(named, {"/bar": ((True, False), (asyncio.get_running_loop().create_future(), None))})

    asyncio.run(fill_unanswered())
    assert sorted(replies.asked) == [("/bar", "GetExtents"), ("/bar", "GetText")]

    shown = Changes(nodes={"/term"}, shown=True)
    assert asyncio.run(_ahead(tree, app, shown, last)) == {}
    crowd = [RawNode(f"/n{i}", "", i, 0, [COMPONENT], "", "label", "", 0) for i in range(FILLS_AHEAD_LIMIT + 1)]
    many = {(app.bus_name, n.path): ((0, 30 + i, 10, 10), None) for i, n in enumerate(crowd)}
    tree, _ = _tree_with_last_read(crowd, many)
    assert asyncio.run(_ahead(tree, app, typed, many)) == {}


async def _ahead(tree: AtspiTree, app: AppInfo, changes: Changes, last: dict) -> dict:
    return tree._fills_ahead(app, changes, [(0, 0, 1280, 800)], last)


def test_gecko_nodes_moved_are_asked_whether_they_still_show():
    """Gecko hides content its layout moves out of view, and shows content moved in, without news: after a
    patched read, the nodes that moved, the hidden children of those and the extent-less nodes between are
    asked for their states; the changed ones come back. Nodes in place, full reads and other toolkits ask
    nothing."""
    gecko = AppInfo(":1.5", name="Thunderbird", toolkit="Gecko", version="115")
    page = RawNode("/page", "", 0, 3, [COMPONENT], "", "landmark", "", SHOWING, extents=(286, 46, 854, 730))
    footer = RawNode("/footer", "/page", 0, 1, [], "", "section", "", SHOWING)  # no extents of its own
    heading = RawNode("/heading", "/footer", 0, 0, [COMPONENT], "Resources", "heading", "", 0)  # scrolled out
    menus = RawNode("/menus", "/page", 1, 0, [COMPONENT], "", "section", "", 0)
    status = RawNode("/status", "", 1, 0, [COMPONENT], "", "status bar", "", SHOWING, extents=(45, 777, 1107, 23))
    page.children, footer.children = [footer, menus], [heading]
    last = {(gecko.bus_name, "/page"): ((286, 72, 854, 704), None),
            (gecko.bus_name, "/footer"): (None, None),
            (gecko.bus_name, "/status"): ((45, 777, 1107, 23), None)}
    order = [(page, 0, 0, ""), (footer, 0, 0, "/page"), (status, 0, 0, "")]
    tree = AtspiTree(None, "")  # type: ignore[arg-type]
    tree._call = replies = _Replies(shown=frozenset({"/page", "/footer", "/heading", "/status"}))  # type: ignore

    def flipped(app: AppInfo, patched: bool = True) -> set[str]:
        read = _AppRead([page, status], order, 5, False, patched)
        return asyncio.run(tree._shown_by_moves(app, read, last))

    assert flipped(gecko) == {"/heading"}
    assert sorted(path for path, _ in replies.asked) == ["/footer", "/heading", "/menus", "/page"]
    replies.asked.clear()
    assert flipped(gecko, patched=False) == set() and flipped(AppInfo(":1.6", toolkit="GTK", version="3.24")) == set()
    assert replies.asked == []


def test_gtk3_viewports_resized_or_scrolled_have_their_content_asked_whether_it_shows():
    """GTK3 sets and clears SHOWING on a viewport's content as the viewport's visible area changes, without
    news (eog's properties pane when its window grows): after a patched read, what lies below a viewport that
    was resized, or whose scroll bar announced a change, is asked for its states, but for shown nodes inside
    the viewport; the changed ones come back. A viewport left alone, a full read and other toolkits ask
    nothing."""
    eog = AppInfo(":1.5", name="eog", toolkit="GTK", version="3.24")
    pane = RawNode("/pane", "", 0, 2, [COMPONENT], "", "scroll pane", "", SHOWING, extents=(686, 317, 224, 258))
    port = RawNode("/port", "/pane", 0, 1, [COMPONENT], "", "viewport", "", SHOWING, extents=(686, 317, 209, 258))
    bar = RawNode("/bar", "/pane", 1, 0, [COMPONENT], "", "scroll bar", "", SHOWING, extents=(895, 317, 15, 258))
    grid = RawNode("/grid", "/port", 0, 2, [COMPONENT], "", "panel", "", SHOWING, extents=(692, 317, 197, 261))
    size = RawNode("/size", "/grid", 0, 0, [COMPONENT], "Size", "label", "", SHOWING, extents=(692, 317, 82, 17))
    iso = RawNode("/iso", "/grid", 1, 0, [COMPONENT], "ISO", "label", "", 0)  # below the visible area
    pane.children, port.children, grid.children = [port, bar], [grid], [size, iso]
    order = [(pane, 0, 0, ""), (port, 0, 0, "/pane"), (grid, 0, 0, "/port"), (size, 0, 0, "/grid"),
             (bar, 0, 0, "/pane")]
    last = {(eog.bus_name, n.path): (n.extents, None) for n in (pane, port, bar, grid, size)}
    tree, _ = _tree_with_last_read([pane, port, bar, grid, size, iso], last)
    replies = _Replies(shown=frozenset({"/pane", "/port", "/bar", "/grid", "/size", "/iso"}))
    tree._call = replies  # type: ignore[method-assign]

    def flipped(app: AppInfo, changes: Changes, fills: dict, patched: bool = True) -> set[str]:
        read = _AppRead([pane], order, 6, False, patched)
        return asyncio.run(tree._shown_by_scrolling(app, read, fills, changes))

    assert flipped(eog, Changes(), last) == set() and replies.asked == []
    grown = {**last, (eog.bus_name, "/port"): ((686, 317, 209, 158), None)}
    assert flipped(eog, Changes(), grown) == {"/iso"}
    assert sorted(path for path, _ in replies.asked) == ["/grid", "/iso"]  # "Size" lies inside: it still shows
    replies.asked.clear()
    assert flipped(eog, Changes(nodes={"/bar"}), last) == {"/iso"}  # scrolled: the bar's value changed
    replies.asked.clear()
    gecko = AppInfo(":1.5", name="Thunderbird", toolkit="Gecko", version="115")
    writer = AppInfo(":1.5", name=quirks.LIBREOFFICE_APP, toolkit="GTK", version="3.24")  # asks every state anyway
    assert flipped(eog, Changes(), grown, patched=False) == set() and flipped(gecko, Changes(), grown) == set()
    assert flipped(writer, Changes(), grown) == set()
    assert replies.asked == []


def test_a_root_pane_moved_without_drawing_voids_libreoffices_kept_extents():
    """LibreOffice corrects its menu-bar-high extents some steps after a launch, all at once and with no pixel
    moving: its root pane reports other extents, and every extent kept on unchanged pixels is read again."""
    writer = AppInfo(":1.7", name="soffice", toolkit="VCL", version="7.4")
    pane = RawNode("/pane", "", 0, 3, [COMPONENT], "", "root pane", "", SHOWING, extents=(57, 75, 1165, 675))
    status = RawNode("/status", "/pane", 2, 0, [COMPONENT], "", "status bar", "", SHOWING, extents=(57, 703, 1165, 22))
    order = [(pane, 0, 0, ""), (status, 0, 0, "/pane")]
    before = {(writer.bus_name, "/pane"): ((57, 50, 1165, 675), None),
              (writer.bus_name, "/status"): ((57, 703, 1165, 22), None)}
    assert _reports_moved(writer, order, before)
    assert not _reports_moved(writer, order, {**before, (writer.bus_name, "/pane"): ((57, 75, 1165, 675), None)})
    gtk = AppInfo(":1.8", name="gedit", toolkit="GTK", version="3.24")
    assert not _reports_moved(gtk, order, before)  # extents kept only where nothing was drawn: no such moves


def test_siblings_of_a_node_shown_are_brought_up_to_date():
    """Alt shows Thunderbird's menu bar with news of the focused menu only: the cache gives the siblings it holds
    as they are now, and on Gecko the uncached ones the last read had hidden are asked; GTK3 announces each."""

    def row(path: str, states: int, name: str = "") -> RawNode:
        return RawNode(path, "/bar", 0, 0, [COMPONENT], name, "menu", "", states)

    def last_read() -> dict[str, RawNode]:
        return {"/bar": RawNode("/bar", "", 0, 5, [COMPONENT], "", "menu bar", "", SHOWING),
                "/file": row("/file", SHOWING, "File"), "/edit": row("/edit", 0), "/help": row("/help", 0),
                "/gone": row("/gone", 0)}

    cached = {"/bar": RawNode("/bar", "", 0, 6, [COMPONENT], "", "menu bar", "", SHOWING),
              "/file": row("/file", SHOWING, "File"), "/help": row("/help", SHOWING, "Help"),
              "/tools": row("/tools", SHOWING, "Tools")}
    tree = AtspiTree(None, "")  # type: ignore[arg-type]
    gecko = AppInfo(":1.5", name="Thunderbird", toolkit="Gecko", version="115")
    for path in ("/edit", "/gone"):
        gecko.memo[path] = ("menu", [COMPONENT])  # role and interfaces, known from the last read
    replies = _Replies(shown=frozenset({"/edit"}))

    async def vanish_gone(dest, path, interface, member, signature="", body=None):
        if path == "/gone":
            return Message(message_type=MessageType.ERROR, error_name="org.a11y.atspi.Error.UnknownObject",
                           reply_serial=1)
        return await replies(dest, path, interface, member, signature, body)

    tree._call = vanish_gone  # type: ignore[method-assign]
    nodes = last_read()
    changed = asyncio.run(tree._changed_siblings(gecko.bus_name, nodes, ["/file"], cached, gecko))
    assert sorted(changed) == ["/edit", "/help", "/tools"]
    assert nodes["/edit"].states & SHOWING and nodes["/edit"].name == "name of /edit"
    assert nodes["/bar"].child_count == 6 and "/gone" not in nodes  # the cache's row; dropped when gone

    replies.asked.clear()
    gtk = AppInfo(":1.6", name="evince", toolkit="GTK", version="3.24.38")
    nodes = last_read()
    changed = asyncio.run(tree._changed_siblings(gtk.bus_name, nodes, ["/file"], cached, gtk))
    assert sorted(changed) == ["/help", "/tools"] and replies.asked == [] and not nodes["/edit"].states & SHOWING


def test_walked_nodes_below_a_pane_hidden_since_are_remembered_until_their_parent_lists_others():
    """A full read that finds a pane hidden keeps the rows the last read walked below it; one that finds the pane
    shown again and its children changed forgets the children it no longer lists (Qt's new table cells)."""
    def raw(path, parent, states=SHOWING, count=1):
        return RawNode(path, parent, 0, count, [], path, "panel", "", states)

    shown = {n.path: n for n in (raw("/w", "/"), raw("/pane", "/w"), raw("/table", "/pane"), raw("/c1", "/table", count=0))}
    remembered: dict[str, tuple] = {}
    _remember_walked(remembered, shown, set(shown), SHOWING)
    assert set(remembered) == {"/w", "/pane", "/table", "/c1"}

    hidden = {"/w": raw("/w", "/"), "/pane": raw("/pane", "/w", states=0)}
    _remember_walked(remembered, hidden, set(hidden), SHOWING)
    assert set(remembered) == {"/w", "/pane", "/table", "/c1"}  # below the hidden pane: kept as last read
    assert remembered["/pane"][-1] == 0 and remembered["/table"][-1] == SHOWING

    again = {n.path: n for n in (raw("/w", "/"), raw("/pane", "/w"), raw("/table", "/pane"), raw("/c2", "/table", count=0))}
    _remember_walked(remembered, again, set(again), SHOWING)
    assert set(remembered) == {"/w", "/pane", "/table", "/c2"}  # /c1 is gone: its parent listed /c2 alone

    gone = {"/w": raw("/w", "/", count=0)}  # the pane itself went: what hung below it goes too
    _remember_walked(remembered, gone, set(gone), SHOWING)
    assert set(remembered) == {"/w"}
