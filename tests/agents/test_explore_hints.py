"""The graph explorer's predictions, on hand-made graphs: inert families and modal overlays."""

from __future__ import annotations

from autoplay_gym.agents.explore_hints import FamilyOutcomes, dismissals, overlay_base
from autoplay_gym.agents.ui_graph import ExplorationGraph


def test_two_inert_siblings_make_the_rest_of_their_family_predictable():
    families = FamilyOutcomes()
    rows = {f"click:list item|Row {i}||#0": "list|Stats||>list item" for i in range(5)}
    families.note_options("props", {**rows, "click:push button|Close||#0": ""})
    names = sorted(rows)
    families.record("props", names[0], "props")
    assert not families.predictable("props", names[2])
    families.record("props", names[1], "details", novel=True)  # a member that did something else does not count
    assert not families.predictable("props", names[2])
    families.record("props", names[3], "props")
    assert families.predictable("props", names[2]) and not families.predictable("other", names[2])
    assert not families.predictable("props", "click:push button|Close||#0")  # not in a family


def test_siblings_that_all_led_to_one_screen_make_the_rest_predictable():
    families = FamilyOutcomes()
    items = {f"click:radio menu item|{n}||#0": "menu|Tab width||>radio menu item" for n in (2, 4, 6, 8)}
    families.note_options("popover", items)
    names = sorted(items)
    families.record("popover", names[0], "editor")
    assert not families.predictable("popover", names[2])  # one member is no evidence
    families.record("popover", names[1], "editor")
    assert families.predictable("popover", names[2])
    families.record("popover", names[3], "dialog", novel=True)  # one went elsewhere: the family is no longer alike
    assert not families.predictable("popover", names[2])


def test_siblings_that_found_nothing_new_anywhere_make_the_rest_predictable_everywhere():
    families = FamilyOutcomes()
    rows = {f"click:list item|Font {i}||#0": "list|Fonts||>list item" for i in range(6)}
    names = sorted(rows)
    for screen in ("fonts-over-a", "fonts-over-b", "fonts-over-c"):  # one dialog over three states of the app
        families.note_options(screen, rows)
    families.record("fonts-over-a", names[0], "fonts-over-a2")  # selected: another screen, seen before
    assert not families.predictable("fonts-over-b", names[2])  # one member is no evidence
    families.record("fonts-over-b", names[1], "fonts-over-b2")
    assert families.predictable("fonts-over-c", names[2])  # on a screen where no member was clicked yet
    assert not families.predictable("fonts-over-c", "click:push button|Select||#0")
    families.record("fonts-over-c", names[3], "preview", novel=True)  # one found something new
    assert not families.predictable("fonts-over-a", names[4])


def _graph(edges: list[tuple[str, str, str]]) -> ExplorationGraph:
    graph = ExplorationGraph()
    for source, name, target in edges:
        graph.add_edge(source, target, {"type": "click"}, None, name)
    return graph


MAIN = {"click:Menu": "m", "click:View": "v", "click:Open": "o", "type:doc": "d", "back": None}


def test_an_overlay_that_outside_clicks_dismissed_is_predicted_to_dismiss_again():
    options = {"main": MAIN, "popover": {**MAIN, "click:Recent": "r"}}
    graph = _graph([("main", "click:Open", "popover"), ("popover", "back", "main"), ("popover", "click:View", "main")])
    assert overlay_base(graph, options, "popover") is None  # one outside click is no evidence yet (back is none)
    graph = _graph([("popover", "click:View", "main"), ("popover", "click:Menu", "main")])
    assert overlay_base(graph, options, "popover") == "main"
    assert dismissals(graph, options, "popover") == set(MAIN)  # its own "Recent" item stays worth a try
    assert dismissals(graph, options, "main") == set()


def test_a_panel_that_stays_open_is_no_overlay():
    options = {"main": MAIN, "search": {**MAIN, "type:find": "f", "click:Close search": "c"},
               "menu over search": {**MAIN, "type:find": "f", "click:Close search": "c", "click:Save": "s"}}
    graph = _graph([("search", "click:Close search", "main"), ("search", "back", "main"),
                    ("search", "click:Menu", "menu over search")])
    assert overlay_base(graph, options, "search") is None  # it was left only by its own controls
    different = {"main": MAIN, "dialog": {"click:OK": "k", "back": None}}
    graph = _graph([("dialog", "click:OK", "main"), ("dialog", "back", "main")])
    assert overlay_base(graph, different, "dialog") is None  # the screen underneath is not part of it
