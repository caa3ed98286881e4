"""The node-by-node reader (uncached.py) agrees with a toolkit's own cache where both see the same objects."""

from __future__ import annotations

import pytest

from autoplay_gym.envs.ubuntu import uncached
from autoplay_gym.envs.ubuntu.atspi import NULL_PATH, ROOT_PATH, WALK_CHILD_LIMIT
from tests.envs.ubuntu.apps.support import app_env

QT = next(iter(uncached.GETALL_CRASHES))  # asked one Get per property, as Qt 5 is


@pytest.fixture(scope="module")
def terminal():
    with app_env("Terminal") as env:
        env.reset(seed=0)
        yield env


def _read(env, coroutine_factory):
    atspi = env.backend._atspi
    return atspi.loop.run(coroutine_factory, timeout=60, what="test read")


def _terminal_app(env):
    """The env's AT-SPI reader, and the terminal's bus name and app info in it."""
    atspi = env.backend._atspi
    bus = next(name for name, app in atspi._apps.items() if app.name == "gnome-terminal-server")
    return atspi, bus, atspi._apps[bus]


def _qt_walk(app, bus):
    """A walk of the whole app from nothing through a given call, asked one Get per property as on Qt 5."""
    def walk(call):
        return uncached.read_missing(
            call, bus, set(), [ROOT_PATH], shown=app.shown, budget=500, child_limit=WALK_CHILD_LIMIT,
            toolkit=QT, memo=app.memo,
        )
    return walk


@pytest.mark.parametrize("batched", [True, False], ids=["GetAll", "Get-per-property"])
def test_node_by_node_read_matches_the_cache(terminal, batched):
    """Both ways of asking for properties: one GetAll, or (as on Qt 5, which crashes on GetAll) one Get each,
    where a parent the walk already knows is not asked for."""
    atspi, bus, app = _terminal_app(terminal)

    async def both():
        cached = await atspi._items(bus)
        walked = await uncached.read_missing(
            atspi._call, bus, set(), [ROOT_PATH], shown=app.shown, budget=500, child_limit=WALK_CHILD_LIMIT,
            toolkit=app.toolkit if batched else QT,
        )
        return cached, walked

    cached, walked = _read(terminal, both)
    # On-screen nodes: hidden popup menus' items are listed under one parent and cached under another.
    common = [f for f in walked if f.path in cached and f.states & app.shown]
    assert len(common) >= 10
    for found in common:
        ref = cached[found.path]
        assert (found.role, found.name, found.description, found.parent) == (
            ref.role, ref.name, ref.description, ref.parent
        ), found.path
        # atk-bridge caches -1 ("unknown") as the child count of menus and the index of menu items
        if ref.child_count >= 0:
            assert found.child_count == ref.child_count, found.path
        if ref.index >= 0:
            assert found.index == ref.index, found.path
    assert any(f.role == "terminal" for f in walked)


def test_climbing_from_a_node_reaches_the_application(terminal):
    atspi, bus, _app = _terminal_app(terminal)

    async def climb():
        cached = await atspi._items(bus)
        leaf = next(n for n in cached.values() if n.role == "terminal")
        chain = await uncached.read_ancestors(
            atspi._call, bus, {leaf.path}, {leaf.parent}, stop=frozenset({ROOT_PATH, NULL_PATH}),
            toolkit=atspi._apps[bus].toolkit,
        )
        return cached, chain

    cached, chain = _read(terminal, climb)
    assert chain and chain[-1].role == "frame" and chain[-1].parent == ROOT_PATH
    for found in chain:
        assert cached[found.path].role == found.role and cached[found.path].parent == found.parent


def test_a_walk_asked_ahead_reads_what_a_walk_from_nothing_reads(terminal):
    """`AskedAhead` asks at once what the walk would ask of the nodes a last read held (here: what a walk finds,
    plus a node that no longer exists and a hidden one with a child), asked one Get per property as on Qt 5. The
    walk through it finds the same nodes as a walk that asked nothing ahead and takes most of its answers from
    those asked ahead; nothing below the hidden node is asked (the walk does not go there); the answers nobody
    took (the node gone) are dropped on close."""
    atspi, bus, app = _terminal_app(terminal)
    base = "/org/a11y/atspi/accessible/99999"

    walk = _qt_walk(app, bus)

    async def both():
        plain = await walk(atspi._call)
        frame = plain[0].path
        extra = [
            (base + "0", frame, 0, 2, [], "", "panel", "", app.shown),  # gone
            (base + "1", frame, 1, 1, [], "", "panel", "", 0),  # hidden, with a child
            (base + "2", base + "1", 0, 0, [], "", "label", "", app.shown),
        ]
        asked = uncached.AskedAhead(atspi._call, bus, [*(tuple(f) for f in plain), *extra])
        asked.walk([ROOT_PATH], shown=app.shown, child_limit=WALK_CHILD_LIMIT, toolkit=QT, memo=app.memo)
        paths = {key[0] for key in asked.futures}
        ahead = await walk(asked)
        return plain, ahead, paths, asked.taken, asked.close()

    plain, ahead, paths, taken, unused = _read(terminal, both)
    assert len(plain) >= 10
    assert sorted(ahead) == sorted(plain)
    # each node's states; a shown one's name, description and children (its child count where it manages its
    # descendants: `Reader.lists_children`)
    asks = sum(1 + (3 if f.states & app.shown else 0) for f in plain)
    assert taken >= asks * 0.9, (taken, asks)  # a hidden child counted as walkable asks no children
    assert {base + "0", base + "1"} <= paths and base + "2" not in paths
    assert unused >= 6  # the node gone: its states, three properties and children; the hidden one's states


def test_asked_one_get_each_a_hidden_node_costs_its_states_alone(terminal):
    """On a toolkit without GetAll (Qt 5), a new node's role and interfaces are asked with its properties once
    its states say it shows: a hidden node is asked for its states and nothing else."""
    atspi, bus, app = _terminal_app(terminal)
    asked: dict[str, list[str]] = {}

    def counting(dest, path, interface, member, signature="", body=None):
        asked.setdefault(path, []).append(member)
        return atspi._call(dest, path, interface, member, signature, body)

    found = _read(terminal, lambda: uncached.read_missing(
        counting, bus, set(), [ROOT_PATH], shown=app.shown, budget=500, child_limit=WALK_CHILD_LIMIT,
        toolkit=QT, memo={},
    ))
    shown = [f for f in found if f.states & app.shown]
    hidden = [f for f in found if not f.states & app.shown]
    assert len(shown) >= 10 and hidden  # the menu bar's closed menus
    for f in shown:
        assert {"GetRole", "GetInterfaces", "GetState"} <= set(asked[f.path]) and f.role, f.path
    for f in hidden:
        assert asked[f.path] == ["GetState"] and (f.role, f.interfaces) == ("", []), f.path


def test_a_pane_shown_again_has_its_remembered_subtree_asked_once_it_answers(terminal):
    """`AskedAhead` is given a last read in which the terminal's window showed nothing (its frame hidden) and,
    remembered from before, the nodes below it. Once the frame's states answer that it shows, what the walk
    will ask of those nodes, containers and leaves alike, is asked at once: the walk takes it, and reads what a
    walk from nothing reads."""
    atspi, bus, app = _terminal_app(terminal)

    walk = _qt_walk(app, bus)

    async def both():
        plain = await walk(atspi._call)
        frame = next(f for f in plain if f.parent == ROOT_PATH and f.states & app.shown)
        last = [(*tuple(frame)[:-1], 0)]  # the frame, hidden
        remembered = [tuple(f) for f in plain if f.parent != ROOT_PATH]
        asked = uncached.AskedAhead(atspi._call, bus, last, remembered)
        asked.walk([ROOT_PATH], shown=app.shown, child_limit=WALK_CHILD_LIMIT, toolkit=QT, memo=app.memo)
        before = len(asked.futures)
        ahead = await walk(asked)
        return plain, frame, ahead, before, asked.taken, asked.close()

    plain, frame, ahead, before, taken, unused = _read(terminal, both)
    assert sorted(ahead) == sorted(plain)
    below = [f for f in plain if f.parent != ROOT_PATH and f.states & app.shown]
    assert len([f for f in below if f.child_count > 0]) >= 3 and [f for f in below if f.child_count == 0]
    # asked ahead at first: the app's children, the frame's states; then, revealed, each shown node's states,
    # name, description and children, and the frame's
    assert before <= 3 and taken >= before + 4 * len(below), (before, taken, len(below))
    assert unused <= 3


def test_a_walk_asked_ahead_goes_where_the_app_said_it_hid_or_showed_nodes(terminal):
    """News of a node hidden since the last read (Qt's showing events): nothing below it is asked ahead. News
    of one shown that the last read found hidden: its remembered subtree is asked at once, before any answer.
    Either way the news only steers what is asked ahead: here it is wrong (the node still shows) or right, and
    the walk reads what a walk from nothing reads."""
    atspi, bus, app = _terminal_app(terminal)
    walk = _qt_walk(app, bus)

    async def both():
        plain = await walk(atspi._call)
        frame = next(f for f in plain if f.parent == ROOT_PATH and f.states & app.shown)
        below = {f.path for f in plain if f.path != frame.path}  # the frame holds everything but itself
        hidden_news = uncached.AskedAhead(atspi._call, bus, [tuple(f) for f in plain], showing={frame.path: False})
        hidden_news.walk([ROOT_PATH], shown=app.shown, child_limit=WALK_CHILD_LIMIT, toolkit=QT, memo=app.memo)
        asked_below = {key[0] for key in hidden_news.futures} & below
        after_hidden = await walk(hidden_news)
        hidden_news.close()
        last = [(*tuple(frame)[:-1], 0)]  # the frame, hidden at the last read
        remembered = [tuple(f) for f in plain if f.parent != ROOT_PATH]
        shown_news = uncached.AskedAhead(atspi._call, bus, last, remembered, showing={frame.path: True})
        shown_news.walk([ROOT_PATH], shown=app.shown, child_limit=WALK_CHILD_LIMIT, toolkit=QT, memo=app.memo)
        asked_at_once = {key[0] for key in shown_news.futures} & below
        after_shown = await walk(shown_news)
        return plain, asked_below, after_hidden, asked_at_once, after_shown, shown_news.revealed, shown_news.close()

    plain, asked_below, after_hidden, asked_at_once, after_shown, revealed, unused = _read(terminal, both)
    assert sorted(after_hidden) == sorted(plain) and sorted(after_shown) == sorted(plain)
    assert not asked_below
    shown_below = {f.path for f in plain if f.parent != ROOT_PATH and f.states & app.shown}
    assert len(shown_below) >= 6 and shown_below <= asked_at_once and revealed == 1
    assert unused <= 3


def test_asked_one_get_each_a_shown_node_lists_its_children_in_place_of_its_count(terminal):
    """On a toolkit without GetAll (Qt 5), a shown node that does not manage its descendants is asked for its
    children instead of its child count, and the walk takes that list rather than asking for it again: one
    GetChildren per container, and ChildCount only where a node manages its descendants."""
    atspi, bus, app = _terminal_app(terminal)
    asked: dict[str, list[str]] = {}

    def counting(dest, path, interface, member, signature="", body=None):
        asked.setdefault(path, []).append(body[1] if member == "Get" else member)
        return atspi._call(dest, path, interface, member, signature, body)

    walked = _read(terminal, lambda: _qt_walk(app, bus)(counting))
    plain = _read(terminal, lambda: _qt_walk(app, bus)(atspi._call))
    assert sorted(walked) == sorted(plain)
    shown = [f for f in walked if f.states & app.shown]
    assert sum(1 for f in shown if f.child_count) >= 5
    for f in shown:
        calls = asked[f.path]
        assert calls.count("GetChildren") == (0 if f.states & uncached.NOT_WALKED else 1), (f.path, calls)
        assert ("ChildCount" in calls) == bool(f.states & uncached.NOT_WALKED), (f.path, calls)
