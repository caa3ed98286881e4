"""Per-toolkit corrections to what AT-SPI reports, each measured against the X server and the screen.

- LibreOffice (gtk3 VCL plugin): VCL's own widgets report their extents as if the native menu bar were not
  there, so everything inside the root pane except the menu bar sits one menu-bar height (~25 px) too high.
  The missing height is the gap between the root pane's bottom and its X window's bottom. Some steps after a
  launch (in Writer, the first click on Bold; in Calc, the first click on the sheet) it corrects every report
  at once, with no pixel moving, often while a read is asking: a read whose root pane moved reads every extent
  and the sheet's cells again (atspi._reports_moved).
- Spreadsheets: Calc's sheet is a table of 2^20 x 2^14 cells with MANAGES_DESCENDANTS; listing its children
  would make LibreOffice build them all. The visible range comes from the cells under the table's corners
  (`GetAccessibleAtPoint`, named by address), the cells from `Table.GetAccessibleAt`, up to a budget; their
  bounds come from one row and one column of cells. A cell's text is its content, its description its
  address ("B3").
- GTK2 menus: GAIL leaves SHOWING off the items of an open menu; they are shown when the first one has a
  position on screen.
- Unmapped top-level frames (Chromium keeps its hidden omnibox popup as SHOWING frames): a top-level frame,
  window or dialog that no mapped X window matches is not on the screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Awaitable, Callable

from dbus_fast import Message, MessageType

from autoplay_gym.envs.ubuntu import uncached
from autoplay_gym.envs.ubuntu.atspi_enums import STATE_BITS
from autoplay_gym.envs.ubuntu.transport import replies_of

if TYPE_CHECKING:
    from autoplay_gym.envs.ubuntu.atspi import AppInfo, RawNode, TopWindow

Call = Callable[..., Awaitable["Message | None"]]

LIBREOFFICE_APP = "soffice"
COMPONENT = "org.a11y.atspi.Component"
ACCESSIBLE = "org.a11y.atspi.Accessible"
PROPERTIES = "org.freedesktop.DBus.Properties"
CELL_ADDRESS = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
TABLE = "org.a11y.atspi.Table"
MANAGES_DESCENDANTS = 1 << STATE_BITS["manages-descendants"]
SHOWING = 1 << STATE_BITS["showing"]
VISIBLE = 1 << STATE_BITS["visible"]
OFFSCREEN = -(2**31)  # where GTK places what is not on screen
GTK2_TOOLKIT = "GAIL"
CELL_STATES = sum(1 << STATE_BITS[s] for s in ("visible", "showing", "enabled", "sensitive", "focusable"))
CELL_BUDGET = 100  # cells read per table and snapshot: ~2 calls each, ~0.15 ms per call in LibreOffice
MAX_COLUMNS = 10  # the budget goes to rows of at most this many columns, so a wide sheet still shows rows
TOP_LEVEL_ROLES = frozenset({"frame", "window", "dialog", "alert", "file chooser"})
MAX_MENU_BAR = 100  # px: a larger gap under a root pane is not a menu bar
MENU_BAR_GAP = "menu_bar_gap"  # quirk_memo key: the largest shift the last read applied


def _ok(reply: Message | None) -> bool:
    return reply is not None and reply.message_type != MessageType.ERROR and bool(reply.body)


# --- LibreOffice extents ----------------------------------------------------------------------------------------


async def find_gtk_islands(call: Call, bus_name: str, app: AppInfo, roots: list[RawNode]) -> None:
    """LibreOffice: remember which children of root panes are GTK widgets (attribute toolkit=gtk, e.g. the
    sidebar and the toolbars' combo boxes): they report true screen extents and must not be shifted."""
    if app.name != LIBREOFFICE_APP:
        return
    islands = app.quirk_memo.setdefault("gtk_islands", {})
    asks = [child for pane in _root_panes(roots) for child in pane.children if child.path not in islands]
    replies = await replies_of(call(bus_name, c.path, ACCESSIBLE, "GetAttributes", "", []) for c in asks)
    for child, reply in zip(asks, replies):
        islands[child.path] = _ok(reply) and reply.body[0].get("toolkit") == "gtk"  # type: ignore[union-attr]


def fix_libreoffice_extents(app: AppInfo, roots: list[RawNode], windows: list[TopWindow]) -> None:
    """Move VCL widgets under their menu bar (in place).

    A root pane that starts at its X window's top but ends above its bottom was laid out without the menu
    bar's height: that gap is the shift. (The frame above the root pane is no reference: LibreOffice has two
    accessible frames per window, GTK's and VCL's, and which one holds the root pane varies between launches.)
    The menu bar and GTK widgets embedded in the pane (see find_gtk_islands) are placed right already.
    """
    if app.name != LIBREOFFICE_APP:
        return
    islands = app.quirk_memo.get("gtk_islands", {})
    gaps = [0]
    for pane in _root_panes(roots):
        if pane.extents is None:
            continue
        x, y, w, h = pane.extents
        for win in windows:
            gap = (win.y + win.height) - (y + h)
            if abs(win.x - x) <= 2 and abs(win.width - w) <= 2 and win.y == y and 0 < gap <= MAX_MENU_BAR:
                pane.extents = (x, y + gap, w, h)
                gaps.append(gap)
                for child in pane.children:
                    if child.role != "menu bar" and not islands.get(child.path, False):
                        _shift_subtree(child, gap)
                break
    app.quirk_memo[MENU_BAR_GAP] = max(gaps)


def menu_bar_gap(app: AppInfo) -> int:
    """How far LibreOffice's widgets may sit above where they show: the largest shift the last read applied
    (MAX_MENU_BAR before any read)."""
    return int(app.quirk_memo.get(MENU_BAR_GAP, MAX_MENU_BAR))


def _root_panes(roots: list[RawNode]) -> list[RawNode]:
    out, stack = [], list(roots)
    while stack:
        node = stack.pop()
        if node.role == "root pane":
            out.append(node)
        else:
            stack.extend(node.children)
    return out


def _shift_subtree(node: RawNode, dy: int) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.extents is not None:
            x, y, w, h = current.extents
            current.extents = (x, y + dy, w, h)
        stack.extend(current.children)


# --- GTK2 menus -------------------------------------------------------------------------------------------------


async def show_open_gtk2_menus(call: Call, bus_name: str, app: AppInfo, roots: list[RawNode]) -> None:
    """GTK2 (GAIL) never sets SHOWING on the items of an open menu, only VISIBLE, on open and closed menus
    alike. A menu is open when its first visible item is on screen (closed ones report INT_MIN): set SHOWING
    on the items of open menus, one GetExtents per showing menu."""
    if app.toolkit != GTK2_TOOLKIT:
        return
    menus = [node for node in _showing_menus(roots) if node.children]
    while menus:
        probes = [next((c for c in menu.children if c.states & VISIBLE), None) for menu in menus]
        replies = await replies_of(
            call(bus_name, p.path, COMPONENT, "GetExtents", "u", [0]) for p in probes if p is not None
        )
        opened: list[RawNode] = []
        answers = iter(replies)
        for menu, probe in zip(menus, probes):
            if probe is None:
                continue
            reply = next(answers)
            if _ok(reply) and OFFSCREEN not in reply.body[0][:2]:  # type: ignore[union-attr]
                for item in menu.children:
                    if item.states & VISIBLE:
                        item.states |= SHOWING
                        opened.append(item)
        menus = [item for item in opened if item.role == "menu" and item.children]  # open submenus too


def _showing_menus(roots: list[RawNode]) -> list[RawNode]:
    out, stack = [], list(roots)
    while stack:
        node = stack.pop()
        if not node.states & SHOWING:
            continue
        if node.role == "menu":
            out.append(node)
        else:
            stack.extend(node.children)
    return out


# --- visible cells of huge tables -------------------------------------------------------------------------------


def managing_nodes(roots: list[RawNode], shown: int) -> list[RawNode]:
    """Showing nodes that manage their descendants: atk-bridge neither caches nor counts their children."""
    out, stack = [], list(roots)
    while stack:
        node = stack.pop()
        if not node.states & shown:
            continue
        if node.states & MANAGES_DESCENDANTS:
            out.append(node)
        stack.extend(node.children)
    return out


@dataclass
class CellKeep:
    """What lets `add_visible_cells` keep a cell from the last snapshot instead of asking for it again."""

    memo: dict[str, dict]  # table path -> the range, box and cells (path, text by row and column) last read
    unchanged: Callable[[tuple[int, int, int, int]], bool] | None  # no pixel changed in this rectangle
    named: set[str] = field(default_factory=set)  # paths an event named since: read again


async def expand_managed(
    call: Call, bus_name: str, app: AppInfo, roots: list[RawNode], make_node: Callable[..., RawNode], child_limit: int,
    read_afresh: set[str] | None = None, keep: CellKeep | None = None,
) -> int:
    """Give every showing node that manages its descendants its visible children, in place; returns how many
    children were left out. Huge tables get their visible cells (below, with `keep`); other such nodes
    (Writer's document, whose children are its visible paragraphs) are read child by child when they have few
    enough. The paths it read go into `read_afresh`: they are read again every snapshot, so an event naming one
    needs no patch."""
    omitted = 0
    managing = managing_nodes(roots, app.shown)
    if read_afresh is not None:
        read_afresh.clear()
    if not managing:
        return 0
    known = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        known.add(node.path)
        stack.extend(node.children)
    for node in managing:
        if node.role in uncached.TABLE_ROLES and node.has("Table"):
            omitted += await add_visible_cells(call, bus_name, node, make_node, keep)
            continue
        count = await call(bus_name, node.path, PROPERTIES, "Get", "ss", [ACCESSIBLE, "ChildCount"])
        total = int(count.body[0].value) if _ok(count) else 0  # type: ignore[union-attr]
        if not 0 < total <= child_limit:
            omitted += max(total, 0)
            continue
        found = await uncached.read_missing(
            call, bus_name, known, [node.path], shown=app.shown, budget=child_limit, child_limit=child_limit,
            toolkit=app.toolkit, memo=app.memo,
        )
        by_path = {node.path: node}
        for f in found:
            child = make_node(*f)
            by_path[f.path] = child
            known.add(f.path)
        for f in found:
            if f.parent in by_path:
                by_path[f.parent].children.append(by_path[f.path])
        for parent in by_path.values():
            parent.children.sort(key=lambda n: n.index)
    if read_afresh is not None:
        stack = [child for node in managing for child in node.children]
        while stack:
            node = stack.pop()
            read_afresh.add(node.path)
            stack.extend(node.children)
    return omitted


def column_name(index: int) -> str:
    """Spreadsheet column letters: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


async def add_visible_cells(
    call: Call, bus_name: str, table: RawNode, make_node: Callable[..., RawNode], keep: CellKeep | None = None
) -> int:
    """Attach the table's visible cells (up to CELL_BUDGET) as its children; returns how many were left out.

    With `keep`, a cell of the last snapshot keeps its path and text when the table shows the same range in
    the same box, no event named it, and no pixel changed where it was: a cell's text is drawn in it, and a
    row or column that grew or moved shifts the grid lines drawn through the cells after it. The rows' and
    columns' rectangles are read every time (one cell per row and per column)."""
    reply = await call(bus_name, table.path, COMPONENT, "GetExtents", "u", [0])
    if not _ok(reply):
        return 0
    x, y, w, h = reply.body[0]  # type: ignore[union-attr]
    if w <= 2 or h <= 2:
        return 0
    first = await _cell_at(call, bus_name, table, x + 1, y + 1)
    last = await _cell_at(call, bus_name, table, x + w - 2, y + h - 2)
    if first is None or last is None:
        return 0
    rows = range(first[0], last[0] + 1)
    cols = range(first[1], min(last[1] + 1, first[1] + MAX_COLUMNS))
    keep_rows = rows[: max(1, CELL_BUDGET // len(cols))]
    omitted = len(rows) * (last[1] + 1 - first[1]) - len(keep_rows) * len(cols)
    grid = [(r, c) for r in keep_rows for c in cols]
    def ask(path: str, interface: str, member: str, signature: str = "", body: list | None = None):
        return call(bus_name, path, interface, member, signature, body or [])  # the transport bounds the calls

    view = ((x, y, w, h), first, last)
    old = keep.memo.get(table.path) if keep is not None else None
    kept: dict[tuple[int, int], tuple[str, str]] = {}
    if keep is not None and keep.unchanged is not None and old is not None and old["view"] == view:
        kept = {
            cell: (path, text) for cell, (path, text, box) in old["cells"].items()
            if box is not None and path not in keep.named and keep.unchanged(box)
        }
    # The first row's and column's cells locate the grid, so they are asked for even when kept.
    ask_for = [cell for cell in grid if cell not in kept or cell[0] == keep_rows[0] or cell[1] == cols[0]]
    refs = await replies_of(ask(table.path, TABLE, "GetAccessibleAt", "ii", [r, c]) for r, c in ask_for)
    paths = {cell: kept[cell][0] for cell in kept}
    paths.update((cell, ref.body[0][1] if _ok(ref) else "") for cell, ref in zip(ask_for, refs))  # type: ignore[union-attr]
    unread = [cell for cell in grid if cell not in kept and paths[cell]]
    # -1: to the end; LibreOffice answers "" for a range that ends past the text
    replies = await replies_of(ask(paths[cell], "org.a11y.atspi.Text", "GetText", "ii", [0, -1]) for cell in unread)
    texts = {cell: text for cell, (_, text) in kept.items()}
    texts.update((cell, str(r.body[0]) if _ok(r) else "") for cell, r in zip(unread, replies))  # type: ignore[union-attr]
    # One cell per row and per column gives every cell's rectangle: a grid is a grid.
    row_ext = await replies_of(ask(paths[(r, cols[0])], COMPONENT, "GetExtents", "u", [0]) for r in keep_rows)
    col_ext = await replies_of(ask(paths[(keep_rows[0], c)], COMPONENT, "GetExtents", "u", [0]) for c in cols)
    row_box = {r: e.body[0] for r, e in zip(keep_rows, row_ext) if _ok(e)}  # type: ignore[union-attr]
    col_box = {c: e.body[0] for c, e in zip(cols, col_ext) if _ok(e)}  # type: ignore[union-attr]
    table.children = []
    cells: dict[tuple[int, int], tuple[str, str, tuple | None]] = {}
    for i, (r, c) in enumerate(grid):
        path = paths[(r, c)]
        if not path:
            continue
        cell = make_node(path, table.path, i, 0, ["org.a11y.atspi.Accessible"], texts.get((r, c), ""),
                         "table cell", f"{column_name(c)}{r + 1}", CELL_STATES)
        if r in row_box and c in col_box:
            cell.extents = (col_box[c][0], row_box[r][1], col_box[c][2], row_box[r][3])
        cells[(r, c)] = (path, cell.name, cell.extents)
        table.children.append(cell)
    if keep is not None:
        keep.memo[table.path] = {"view": view, "cells": cells}
    return max(omitted, 0)


async def _cell_at(call: Call, bus_name: str, table: RawNode, x: int, y: int) -> tuple[int, int] | None:
    """(row, column) of the cell under a screen point, from the cell's name: Calc names cells by address.

    (Its flat child index would overflow 32 bits below row 131072 of a 16384-column sheet.)
    """
    hit = await call(bus_name, table.path, COMPONENT, "GetAccessibleAtPoint", "iiu", [x, y, 0])
    if not _ok(hit) or hit.body[0][1] in ("", "/org/a11y/atspi/null"):  # type: ignore[union-attr]
        return None
    cell_path = hit.body[0][1]  # type: ignore[union-attr]
    name = await call(bus_name, cell_path, PROPERTIES, "Get", "ss", [ACCESSIBLE, "Name"])
    match = CELL_ADDRESS.match(str(name.body[0].value)) if _ok(name) else None  # type: ignore[union-attr]
    if match is None:
        return None
    return int(match.group(2)) - 1, column_index(match.group(1))


def column_index(letters: str) -> int:
    """The inverse of column_name: A -> 0, AA -> 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


# --- unmapped top-level frames ----------------------------------------------------------------------------------


def unmapped_roots(roots: list[RawNode], windows: list[TopWindow], tolerance: int = 16) -> set[int]:
    """Indices of top-level frames/windows/dialogs whose rectangle matches no mapped X window."""
    if not windows:
        return set()
    out = set()
    for i, root in enumerate(roots):
        if root.role not in TOP_LEVEL_ROLES or root.extents is None:
            continue
        x, y, w, h = root.extents
        if not any(
            abs(win.x - x) <= tolerance
            and abs(win.y - y) <= tolerance
            and abs(win.width - w) <= 2 * tolerance
            and abs(win.height - h) <= 2 * tolerance
            for win in windows
        ):
            out.add(i)
    return out
