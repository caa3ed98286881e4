"""Reading the accessible objects a toolkit leaves out of its AT-SPI cache, one property at a time.

`Cache.GetItems` is the fast path (one call for every node), but not every toolkit fills that cache:
- Qt 5 (VLC) implements the Cache interface and answers with no items at all;
- GTK2/GTK3's atk-bridge caches the widgets that existed when it registered plus those later announced by
  children-changed events, so widgets built afterwards without one are missing (GIMP's toolbox and docks,
  LibreOffice's GTK widgets embedded in its toolbars, part of evince's header bar);
- GTK4 adds nodes to its cache once they are walked, which `atspi.py` handles by walking and asking again.
For the first two, this walks `GetChildren` level by level from the incomplete nodes and asks each unknown node
for its role, states, interfaces, name and description, all pipelined. It descends only into showing subtrees
that do not manage their own descendants, so closed menus and million-cell tables cost nothing.

Every call costs the app's main loop ~0.1-0.3 ms, so calls are kept few: name, description and child count
come from one `Properties.GetAll` (except on Qt 5, which crashes on GetAll), and role and interfaces, which
never change for an object path, are remembered per app in `memo`.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Awaitable, Callable, NamedTuple

from dbus_fast import Message, MessageType

from autoplay_gym.envs.ubuntu.atspi_enums import ROLE_NAMES, STATE_BITS, state_bits
from autoplay_gym.envs.ubuntu.transport import replies_of

ACCESSIBLE = "org.a11y.atspi.Accessible"
PROPERTIES = "org.freedesktop.DBus.Properties"
MANAGES = 1 << STATE_BITS["manages-descendants"]
DEFUNCT = 1 << STATE_BITS["defunct"]
NOT_WALKED = DEFUNCT | MANAGES
TABLE_ROLES = ("table", "tree table")  # with the Table interface, their visible cells are read (quirks.py)

Call = Callable[..., Awaitable["Message | None"]]  # AtspiTree._call: a future of the reply
GETALL_CRASHES = frozenset({"qt"})  # Qt 5.15 segfaults on org.freedesktop.DBus.Properties.GetAll


class Found(NamedTuple):
    """One node read property by property, in the field order of `atspi.RawNode`."""

    path: str
    parent: str
    index: int
    child_count: int
    interfaces: list[str]
    name: str
    role: str
    description: str
    states: int


def _ok(reply: Message | None) -> bool:
    return reply is not None and reply.message_type != MessageType.ERROR and bool(reply.body)


def _walkable(states: int, shown: int, child_count: int, child_limit: int) -> bool:
    return bool(states & shown) and not states & NOT_WALKED and 0 < child_count <= child_limit


class Reader:
    """Pipelined property reads on one app (the transport bounds how many are in flight)."""

    def __init__(self, call: Call, bus_name: str, toolkit: str, memo: dict | None) -> None:
        self.call = call
        self.bus_name = bus_name
        self.memo: dict[str, tuple[str, list[str]]] = {} if memo is None else memo
        self.batch = toolkit.lower() not in GETALL_CRASHES
        self.listed: dict[str, list[str]] = {}  # children listed in place of a child count (`lists_children`)

    def ask(self, path: str, interface: str, member: str, signature: str = "", body: list | None = None) -> Awaitable:
        """The reply, as the call gives it: a future (no task of its own when gathered)."""
        return self.call(self.bus_name, path, interface, member, signature, body or [])

    async def children(self, path: str) -> list[str]:
        listed = self.listed.pop(path, None)
        if listed is not None:
            return listed
        reply = await self.ask(path, ACCESSIBLE, "GetChildren")
        return [child for _, child in reply.body[0]] if _ok(reply) else []

    async def properties(self, path: str, parent: bool = True) -> dict[str, object]:
        """Name, Description, ChildCount and (if `parent`, or free) Parent as a path, in one GetAll where that
        is safe; one Get per property otherwise, so a parent already known is not asked for."""
        keys, asks = self._property_asks(path, parent)
        return self._properties(keys, await replies_of(asks))

    def _property_asks(
        self, path: str, parent: bool, listing: bool = False
    ) -> tuple[tuple[str, ...], list[Awaitable]]:
        """The calls for Name, Description, ChildCount and (if `parent`) Parent; with `listing` (one Get per
        property only: `lists_children`), the node's children in place of its child count."""
        count = "Children" if listing and not self.batch else "ChildCount"
        keys = ("Name", "Description", count, "Parent") if parent else ("Name", "Description", count)
        if self.batch:
            return keys, [self.ask(path, PROPERTIES, "GetAll", "s", [ACCESSIBLE])]
        return keys, [
            self.ask(path, ACCESSIBLE, "GetChildren") if k == "Children" else
            self.ask(path, PROPERTIES, "Get", "ss", [ACCESSIBLE, k])
            for k in keys
        ]

    def _properties(self, keys: tuple[str, ...], answers: list) -> dict[str, object]:
        if self.batch:
            props = answers[0].body[0] if _ok(answers[0]) else {}
            values = {k: props[k].value for k in keys if k in props}
        else:
            values = {
                k: [child for _, child in r.body[0]] if k == "Children" else r.body[0].value
                for k, r in zip(keys, answers) if _ok(r)
            }
            if "Children" in values:
                values["ChildCount"] = len(values["Children"])
        parent = values.get("Parent")
        values["Parent"] = parent[1] if isinstance(parent, (list, tuple)) and len(parent) == 2 else ""
        return values

    def _static_asks(self, path: str) -> list[Awaitable]:
        """Role and interfaces never change for an object path: asked once per path."""
        if path in self.memo:
            return []
        return [self.ask(path, ACCESSIBLE, "GetRole"), self.ask(path, ACCESSIBLE, "GetInterfaces")]

    def _static(self, path: str, answers: list) -> tuple[str, list[str]] | None:
        """(role, interfaces), from the memo or from the answers `_static_asks` asked for."""
        if path not in self.memo:
            role, ifaces = answers
            if not _ok(role):
                return None
            number = role.body[0]  # type: ignore[union-attr]
            name = ROLE_NAMES[number] if 0 <= number < len(ROLE_NAMES) else "unknown"
            self.memo[path] = (name, list(ifaces.body[0]) if _ok(ifaces) else [])  # type: ignore[union-attr]
        return self.memo[path]

    async def describe(
        self, path: str, parent: str | None, index: int | None, shown: int | None = None, likely_shown: bool = False
    ) -> Found | None:
        """One node; with `parent`/`index` None they are asked for too (climbing from an orphan). With `shown`,
        a node whose states lack those bits gets no name, description or child count: nothing reads them.
        `likely_shown` (it showed at the last read, or it is the child of a shown node) asks for those together
        with the states, a round trip less; they are dropped if it turns out hidden. Every call goes out at
        once, as a future: awaited in turn, they cost no task each (`transport.replies_of`)."""
        # ChildCount, not GetChildren, until the states say whether the node manages its descendants: listing a
        # spreadsheet's children would build 2^31 objects (`lists_children`)
        early = shown is None or likely_shown
        deferred = self.defers_static(path, early)
        static = [] if deferred else self._static_asks(path)
        keys, props = self._property_asks(path, parent is None) if early else ((), [])
        where = [self.ask(path, ACCESSIBLE, "GetIndexInParent")] if index is None else []
        first = await replies_of([*static, self.ask(path, ACCESSIBLE, "GetState"), *props, *where])
        state = first[len(static)]
        if not _ok(state):
            return None  # the object vanished between the listing and the questions
        bits = state_bits(state.body[0])  # type: ignore[union-attr]
        values = self._properties(keys, first[len(static) + 1 : len(static) + 1 + len(props)]) if early else None
        if shown is not None and not bits & shown:
            values = {}
            # a hidden node's role and interfaces, when nobody asked for them (`defers_static`): none
            fixed = ("", []) if deferred else self._static(path, first[: len(static)])
        elif values is None:
            keys, props = self._property_asks(path, parent is None, self.lists_children(bits))
            later = self._static_asks(path) if deferred else []
            answers = await replies_of([*later, *props])
            fixed = self._static(path, answers[: len(later)] if deferred else first[: len(static)])
            values = self._properties(keys, answers[len(later):])
            listed = values.pop("Children", None)
            if listed is not None:
                self.listed[path] = listed  # type: ignore[assignment]
        else:
            fixed = self._static(path, first[: len(static)])
        if fixed is None:
            return None
        if index is None:
            index = int(first[-1].body[0]) if _ok(first[-1]) else 0
        return Found(
            path,
            str(values.get("Parent", "")) if parent is None else parent,
            index,
            int(values.get("ChildCount", 0)),  # type: ignore[call-overload]
            fixed[1],
            str(values.get("Name", "")),
            fixed[0],
            str(values.get("Description", "")),
            bits,
        )

    def lists_children(self, states: int) -> bool:
        """Whether a shown node's children are asked in place of its child count, once its states are known: on
        toolkits without GetAll (Qt), where the count is a call of its own. The count is the list's length and
        the walk takes the list (`children`): a container costs one call less and its level one round trip
        less. Not where the node manages its descendants (Qt's item views do): listing them builds them all."""
        return not self.batch and not states & NOT_WALKED

    def defers_static(self, path: str, early: bool) -> bool:
        """Whether a new node's role and interfaces wait for its states to say it shows: on toolkits without
        GetAll (Qt), whose properties wait for the states anyway, so a shown node's role and interfaces come in
        the same round trip as its properties, and a hidden one costs one call, not three (VLC's playlist makes
        47 nodes anew each time it is shown, 25 of them hidden cells)."""
        return not self.batch and not early and path not in self.memo


def _reached(rows: list[tuple], parents: list[str], shown: int, child_limit: int) -> tuple[list[tuple], list[str]]:
    """The `rows` a walk from `parents` meets, descending only through walkable ones (as `read_missing` does),
    and the paths of those it descends through."""
    below: dict[str, list[tuple]] = {}
    for row in rows:
        below.setdefault(row[1], []).append(row)
    met, walkable, seen, stack = [], [], set(parents), list(parents)
    while stack:
        for row in below.get(stack.pop(), ()):
            if row[0] not in seen:
                seen.add(row[0])
                met.append(row)
                if _walkable(row[-1], shown, row[3], child_limit):
                    walkable.append(row[0])
                    stack.append(row[0])
    return met, walkable


class AskedAhead:
    """Calls sent before a walk asks for them, which the walk then takes instead of asking again.

    A toolkit with no cache (Qt 5) is read by walking, three round trips per level of its tree (states, then
    name, description and child count, then children), each behind the app's main loop: VLC's ~40 nodes took
    ~20-30 ms in ~18 round trips. The uncached parts of the others are walked the same way, two round trips per
    level (Chromium's: ~5 after its `GetItems`). `walk` asks at once everything the walk would ask if the tree
    were as the last read found it (`rows`: the nodes it found by walking); the walk itself is unchanged and
    every answer is from this read, so a tree that changed is still read exactly (what the last read lacks is
    asked as before, what it had and went is not used)."""

    def __init__(
        self, call: Call, bus_name: str, rows: list[tuple] | None = None, remembered: list[tuple] | None = None,
        showing: dict[str, bool] | None = None,
    ) -> None:
        self.call = call
        self.bus_name = bus_name
        self.rows = rows or []  # in `Found`'s field order
        self.remembered = remembered or []  # see `_reveal`
        self.showing = showing or {}  # what the app announced of nodes' SHOWING since the last read (`walk`)
        self.futures: dict[tuple, Awaitable] = {}
        self.again: dict[tuple, Awaitable] = {}  # the same calls once more, for a second asker (`ask_again`)
        self.taken = 0  # answers the walk took from what was asked ahead
        self.revealed = 0  # nodes shown again whose remembered subtrees were asked (`_reveal`)
        self.closed = False

    def __call__(
        self, dest: str, path: str, interface: str, member: str, signature: str = "", body: list | None = None
    ) -> Awaitable:
        """`Call`, answered from what was asked ahead where the same was asked of the same app."""
        key = (path, interface, member, tuple(body or ()))
        asked = (self.futures.pop(key, None) or self.again.pop(key, None)) if dest == self.bus_name else None
        if asked is None:
            return self.call(dest, path, interface, member, signature, body or [])
        self.taken += 1
        return asked

    def ask(
        self, dest: str, path: str, interface: str, member: str, signature: str = "", body: list | None = None
    ) -> Awaitable:
        """Send a call now, for whoever asks the same later."""
        key = (path, interface, member, tuple(body or ()))
        if key not in self.futures:
            self.futures[key] = self.call(dest, path, interface, member, signature, body or [])
        return self.futures[key]

    def ask_again(
        self, dest: str, path: str, interface: str, member: str, signature: str = "", body: list | None = None
    ) -> Awaitable:
        """Send a call now for whoever asks it after someone took the answer `ask` got (a managing node's child
        count: the walk asks it, then `quirks.expand_managed`)."""
        key = (path, interface, member, tuple(body or ()))
        if key not in self.again:
            self.again[key] = self.call(dest, path, interface, member, signature, body or [])
        return self.again[key]

    def walk(
        self, parents: list[str], *, shown: int, child_limit: int, toolkit: str,
        memo: dict[str, tuple[str, list[str]]],
    ) -> None:
        """Ask what `read_missing` below `parents` asks of the `rows` it would meet there, as the last read
        found them: each one's states, a shown one's properties, a walkable one's children (and it descends only
        through those, as the walk does: a pane hidden since costs nothing). Children go first: the app answers
        in order, and new nodes below them are asked only once they are listed.

        Where the app announced since that a node was hidden or shown (`showing`: Qt sends news of each widget
        shown or hidden, VLC's playlist ~60), the node counts as it said: below one hidden, nothing is asked
        (VLC's hidden playlist: ~66 calls that went unused); one shown has its remembered subtree asked at
        once, not a round trip later when its states answer (`_reveal`). News that turns out wrong costs only
        speed: the walk asks what it lacks itself, and leaves what it does not need."""
        reader = Reader(self.ask, self.bus_name, toolkit, memo)
        announced = [self._as_announced(row, shown) for row in self.rows] if self.showing else self.rows
        rows, walkable = _reached(announced, parents, shown, child_limit)
        for path in (*parents, *walkable):
            reader.ask(path, ACCESSIBLE, "GetChildren")
        # one GetAll is asked with the states (`read_missing`)
        self.describe(rows, eager=lambda states: reader.batch or bool(states & shown), toolkit=toolkit, memo=memo)
        remembered_below = {row[1] for row in self.remembered}
        reveal = partial(self._ask_below, shown=shown, child_limit=child_limit, toolkit=toolkit, memo=memo)
        for row in rows:
            path, states = row[0], row[-1]
            if path not in remembered_below or self.showing.get(path) is False:
                continue
            if self.showing.get(path):
                reveal(path, states)
            elif not states & shown:
                future = self.futures.get((path, ACCESSIBLE, "GetState", ()))
                if isinstance(future, asyncio.Future):
                    future.add_done_callback(partial(self._reveal, path, reveal=reveal, shown=shown))
        self._expand_managing(rows, shown=shown, child_limit=child_limit, toolkit=toolkit, memo=memo)

    def _as_announced(self, row: tuple, shown: int) -> tuple:
        """A last read's row with the SHOWING state the app announced for it since (`showing`), if it did."""
        news = self.showing.get(row[0])
        if news is None:
            return row
        return (*row[:-1], row[-1] | shown if news else row[-1] & ~shown)

    def _reveal(
        self, path: str, states: asyncio.Future, *, reveal: Callable[[str, int], None], shown: int,
    ) -> None:
        """When a node the last read found hidden answers that it shows now (VLC's playlist, toggled back on),
        `reveal` what lies below it (`_ask_below`)."""
        reply = _answer(self, states)
        if reply is not None and state_bits(reply.body[0]) & shown:
            reveal(path, state_bits(reply.body[0]))

    def _ask_below(
        self, path: str, bits: int, *, shown: int, child_limit: int, toolkit: str,
        memo: dict[str, tuple[str, list[str]]],
    ) -> None:
        """Ask at once what the walk will ask below a node shown again of the nodes it held when it last showed
        (`remembered`), and of the node itself (its states: `bits`): the walk would find them a level per two or
        three round trips (VLC: ~12 round trips behind its main loop). Leaves too: asked only once their
        container listed them, VLC's playlist buttons and labels took the walk ~5 round trips more (~4 ms) after
        everything else had answered. The cells of item views, which Qt makes anew each time they are shown,
        are not remembered (the walk does not descend into nodes that manage their descendants)."""
        self.revealed += 1
        reader = Reader(self.ask, self.bus_name, toolkit, memo)
        _ask_shown(reader, path, bits)
        rows, walkable = _reached(self.remembered, [path], shown, child_limit)
        for parent in (path, *walkable):
            reader.ask(parent, ACCESSIBLE, "GetChildren")
        self.describe(rows, eager=lambda bits: reader.batch or bool(bits & shown), toolkit=toolkit, memo=memo)
        self._expand_managing(rows, shown=shown, child_limit=child_limit, toolkit=toolkit, memo=memo)

    def _expand_managing(
        self, rows: list[tuple], *, shown: int, child_limit: int, toolkit: str,
        memo: dict[str, tuple[str, list[str]]],
    ) -> None:
        """Ask ahead what `quirks.expand_managed` will ask of the `rows`' shown nodes that manage their
        descendants (not tables, whose visible cells it reads otherwise): each step as soon as the one before
        answers, not once the whole walk is done. VLC's playlist holds two item views whose ~47 cells Qt makes
        anew each time it is shown; read after the walk, their child count, children, cells' states and shown
        cells' properties took four round trips behind Qt's main loop, ~20 of a read's ~50 ms. One level: Qt's
        cells have no children; deeper nodes are left to the read."""
        for row in rows:
            states = row[-1]
            if not (states & shown and states & MANAGES) or states & DEFUNCT:
                continue  # the read expands only shown nodes that manage their descendants
            node = Found._make(row)
            if node.role in TABLE_ROLES and "org.a11y.atspi.Table" in node.interfaces:
                continue
            count = self.ask(self.bus_name, node.path, PROPERTIES, "Get", "ss", [ACCESSIBLE, "ChildCount"])
            if isinstance(count, asyncio.Future):
                count.add_done_callback(partial(
                    self._counted, node.path, shown=shown, child_limit=child_limit, toolkit=toolkit, memo=memo,
                ))

    def _counted(
        self, path: str, count: asyncio.Future, *, shown: int, child_limit: int, toolkit: str,
        memo: dict[str, tuple[str, list[str]]],
    ) -> None:
        """A managing node's child count answered: within `child_limit`, ask for its children (as
        `quirks.expand_managed` does: listing a huge one would build every child)."""
        reply = _answer(self, count)
        total = getattr(reply.body[0], "value", None) if reply is not None else None
        if not isinstance(total, int) or not 0 < total <= child_limit:
            return
        self.ask_again(self.bus_name, path, PROPERTIES, "Get", "ss", [ACCESSIBLE, "ChildCount"])
        listed = self.ask(self.bus_name, path, ACCESSIBLE, "GetChildren")
        if isinstance(listed, asyncio.Future):
            listed.add_done_callback(partial(
                self._listed, shown=shown, child_limit=child_limit, toolkit=toolkit, memo=memo,
            ))

    def _listed(
        self, listed: asyncio.Future, *, shown: int, child_limit: int, toolkit: str,
        memo: dict[str, tuple[str, list[str]]],
    ) -> None:
        """A managing node's children listed: ask what `read_missing` asks of each first, and of a shown one
        what it asks once its states answer."""
        reply = _answer(self, listed)
        if reply is None:
            return
        reader = Reader(self.ask, self.bus_name, toolkit, memo)
        kids = [(kid, 0) for _, kid in reply.body[0]][:child_limit]  # (path, states): a row as `describe` reads it
        self.describe(kids, eager=lambda _: reader.batch, toolkit=toolkit, memo=memo)
        if reader.batch:
            return  # the properties went with the states
        for kid, _ in kids:
            states = self.futures.get((kid, ACCESSIBLE, "GetState", ()))
            if isinstance(states, asyncio.Future):
                states.add_done_callback(partial(self._stated, kid, reader=reader, shown=shown))

    def _stated(self, path: str, states: asyncio.Future, *, reader: Reader, shown: int) -> None:
        """A managed child's states answered: if it shows, ask what `Reader.describe` asks next."""
        reply = _answer(self, states)
        if reply is None:
            return
        bits = state_bits(reply.body[0])
        if bits & shown:
            _ask_shown(reader, path, bits)

    def describe(
        self, rows: list[tuple], *, eager: Callable[[int], bool], toolkit: str,
        memo: dict[str, tuple[str, list[str]]],
    ) -> None:
        """Ask what `Reader.describe` asks of the `rows`' nodes, as the last read found them: role and
        interfaces where `memo` lacks them, the states, and the properties with them where `eager(states)`
        (the caller's `likely_shown`)."""
        reader = Reader(self.ask, self.bus_name, toolkit, memo)
        for path, *_rest, states in rows:
            if not reader.defers_static(path, eager(states)):
                reader._static_asks(path)
            reader.ask(path, ACCESSIBLE, "GetState")
            if eager(states):
                reader._property_asks(path, False, reader.lists_children(states))

    def close(self) -> int:
        """Drop the answers nobody took (nodes gone or hidden since): those still to come are cancelled, so the
        read does not wait for them (their replies are dropped when they come), and the errors of those in are
        retrieved. Returns how many there were."""
        self.closed = True
        left, self.futures, self.again = [*self.futures.values(), *self.again.values()], {}, {}
        for future in left:
            if not future.cancel() and not future.cancelled():
                future.exception()
        return len(left)


def _ask_shown(reader: Reader, path: str, bits: int) -> None:
    """Ask what `Reader.describe` asks of a node once its states (`bits`) say it shows: its role and interfaces
    where they waited for that (a node new or hidden at the last read: `Reader.defers_static`; asked once per
    path), and its properties."""
    reader._static_asks(path)
    reader._property_asks(path, False, reader.lists_children(bits))


def _answer(asked: AskedAhead, future: asyncio.Future) -> Message | None:
    """A reply that a callback of `asked` may build on: None once the read is over (closed: nobody would take
    or cancel what it asks), or when the call failed or was cancelled."""
    if asked.closed or future.cancelled() or future.exception() is not None or not _ok(future.result()):
        return None
    return future.result()


async def read_missing(
    call: Call,
    bus_name: str,
    known: set[str],
    parents: list[str],
    *,
    shown: int,
    budget: int,
    child_limit: int,
    toolkit: str = "",
    memo: dict[str, tuple[str, list[str]]] | None = None,
) -> list[Found]:
    """Every node below `parents` whose path is not in `known`, up to `budget` nodes, descending only into
    nodes whose states include a bit of `shown` (the toolkit's "on screen" states).

    `call(dest, path, interface, member, signature, body)` is the reader's D-Bus call with its timeout;
    `memo` (path -> role, interfaces) carries what never changes from one snapshot to the next.
    """
    reader = Reader(call, bus_name, toolkit, memo)
    seen = set(known)
    out: list[Found] = []

    # Each node's children are listed as soon as the node is known to be walkable, not level by level:
    # Gecko's and GTK's trees are 15-25 levels deep, and waiting for whole levels stalls on the slowest call.
    async def expand(path: str) -> None:
        kids = [(i, kid) for i, kid in enumerate(await reader.children(path)) if kid not in seen]
        kids = kids[: max(budget - (len(seen) - len(known)), 0)]
        seen.update(kid for _, kid in kids)
        await asyncio.gather(*(visit(kid, path, i) for i, kid in kids))

    async def visit(path: str, parent: str, index: int) -> None:
        # Most children of a shown node show (GIMP: 3 in 4, Chromium: all): their name, description and child
        # count are asked with their states, a round trip less per level (GIMP's reads: ~20% faster). Not
        # on Qt, where that is three calls, not one.
        found = await reader.describe(path, parent, index, shown, likely_shown=reader.batch)
        if found is None:
            return
        out.append(found)
        if _walkable(found.states, shown, found.child_count, child_limit):
            await expand(found.path)

    await asyncio.gather(*(expand(path) for path in parents))
    return out


async def read_ancestors(
    call: Call,
    bus_name: str,
    known: set[str],
    orphans_parents: set[str],
    *,
    stop: frozenset[str],
    toolkit: str = "",
    memo: dict[str, tuple[str, list[str]]] | None = None,
    max_depth: int = 32,
) -> list[Found]:
    """The uncached ancestors of cached nodes, climbing until a known path or one of `stop` (the app root).

    atk-bridge caches some widgets whose containers it never cached (LibreOffice's toolbar combo boxes and
    sidebar): without their ancestors they would float as extra top-level nodes, in no stable order.
    """
    reader = Reader(call, bus_name, toolkit, memo)
    seen = set(known) | set(stop)
    out: list[Found] = []
    wave = sorted(p for p in orphans_parents if p not in seen)
    for _ in range(max_depth):
        if not wave:
            break
        seen.update(wave)
        found = [r for r in await asyncio.gather(*(reader.describe(p, None, None) for p in wave)) if r is not None]
        out.extend(found)
        wave = sorted({f.parent for f in found if f.parent and f.parent not in seen})
    return out
