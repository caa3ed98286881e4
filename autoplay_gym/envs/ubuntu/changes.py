"""Which accessible objects an app said it changed since its nodes were last read.

AT-SPI toolkits announce a change of a node's states, name or description with an event on that node's path.
Collected per app, those paths let a snapshot re-read only the announced nodes instead of every node
(LibreOffice's `GetItems` alone costs ~125 ms, Gecko's uncached walk ~50 ms): typing, toggling, focusing and
selecting cost a few calls. Children added or removed are announced on their parent, whose children are then
listed again and the new ones read with their subtrees (the cache object's AddAccessible and RemoveAccessible
name the parent, or the node whose parent the last read knows); an announcement on a container neither the last
read nor the new nodes hold (Gecko builds a new tab's subtree under unlisted nodes) asks for a full read, as
does a window created. Events that move only
pixels (caret, selection) need nothing; a node that moved (bounds) has its extents read again. An event of a kind
not listed here, or too many changes at once, also asks for a full read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Events that cannot change a node's role, name, description, states or children.
PIXELS_ONLY = frozenset(
    {
        "TextCaretMoved",
        "TextSelectionChanged",
        "TextAttributesChanged",
        "TextBoundsChanged",
        "AttributesChanged",
        "LinkSelected",
        "ActiveDescendantChanged",  # a managed table's cells are read afresh every snapshot (quirks.py)
        "Announcement",
    }
)
# The node's own states or properties changed. A label's name is its text: LibreOffice announces only the text.
NODE_CHANGES = frozenset({"StateChanged", "PropertyChange", "VisibleDataChanged", "TextChanged"})
# The states of the node's children changed (selection), and toolkits do not always say which ones.
CHILD_STATE_CHANGES = frozenset({"SelectionChanged"})
# The node gained or lost children.
STRUCTURE_CHANGES = frozenset({"ChildrenChanged"})
# Window events that change no structure (creation and destruction do).
WINDOW_STATE_CHANGES = frozenset({"Activate", "Deactivate", "Minimize", "Maximize", "Restore", "Raise", "Lower",
                                  "Move", "Resize", "Shade", "Unshade"})
MAX_CHANGED = 256  # beyond this, one GetItems is cheaper than node-by-node reads


@dataclass
class Changes:
    """What one app announced since its last read."""

    nodes: set[str] = field(default_factory=set)  # re-read these nodes' states, properties and text
    moved: set[str] = field(default_factory=set)  # re-read these nodes' extents
    child_states: set[str] = field(default_factory=set)  # re-read these nodes' children
    structure: set[str] = field(default_factory=set)  # list these nodes' children again: some came or went
    removed: set[str] = field(default_factory=set)  # nodes dropped from the cache: list their parents' children
    # nodes added to the cache, with the parent and index their rows give (GTK3 puts a popover under its window
    # at -1, while the popover's button's box lists it): a full read's GetItems holds them there
    cached: dict[str, tuple[str, int]] = field(default_factory=dict)
    focus: bool = False  # focus moved: re-read the nodes that had it too (the loser is not always announced)
    shown: bool = False  # a node was shown or hidden: which nodes the read keeps changes
    revealed: bool = False  # a node said it was shown: its subtree is likely read again (atspi._described_ahead)
    # the last news of each node's SHOWING state (set or cleared): where a walk asked ahead goes (atspi._walk_ahead)
    showing: dict[str, bool] = field(default_factory=dict)
    full: bool = False  # read everything again

    def __bool__(self) -> bool:
        return self.full or self.focus or bool(self.nodes or self.child_states or self.structure or self.removed)

    @property
    def reshaped(self) -> bool:
        """Whether nodes came, went, or were shown or hidden: which nodes a read keeps may differ."""
        return self.full or self.shown or bool(self.structure or self.removed or self.cached)

    @property
    def too_many(self) -> bool:
        return len(self.nodes) + len(self.child_states) + len(self.structure) + len(self.removed) > MAX_CHANGED

    def add_event(self, member: str, path: str, detail: str = "", gained: bool = False) -> None:
        """An `object:` event; `gained`: its first number is 1 (a state set, not cleared)."""
        if member in PIXELS_ONLY:
            return
        if member == "BoundsChanged":
            self.moved.add(path)
            return
        if member in NODE_CHANGES:
            self.nodes.add(path)
            # GTK3 says when a node gains focus, not always when another loses it (a menu taking the grab)
            self.focus = self.focus or (member == "StateChanged" and detail == "focused")
            shown = member == "StateChanged" and detail in ("showing", "visible")
            self.shown = self.shown or shown
            self.revealed = self.revealed or (shown and gained)
            if member == "StateChanged" and detail == "showing":
                self.showing[path] = gained
        elif member in CHILD_STATE_CHANGES:
            self.child_states.add(path)
        elif member in STRUCTURE_CHANGES:
            self.structure.add(path)
        else:  # table rows and columns, and anything unknown
            self.full = True

    def add_window_event(self, member: str, path: str) -> None:
        """A `window:` event: GTK3 announces a new top-level window (a dialog, a menu) only this way."""
        if member in WINDOW_STATE_CHANGES:
            self.nodes.add(path)
        else:
            self.full = True

    def add_focus_event(self, path: str) -> None:
        self.nodes.add(path)
        self.focus = True
