"""`uiautomator dump` XML -> `UITree`.

Every `<node>` becomes one element, in document order, so ids follow the dump and a parent always precedes its
children. Android class names are mapped onto the role vocabulary the AT-SPI side uses (`push button`, `entry`,
`label`...) so agents read one language on both platforms; the full class stays in `class_name`.
A dump that does not parse, is empty or has no `<hierarchy>` root raises `HierarchyError` (the device layer retries).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from autoplay_gym.core.errors import BackendError
from autoplay_gym.core.spaces import MAX_ELEMENTS
from autoplay_gym.core.ui import Bounds, UIElement, UITree

_BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")

# Matched against the end of the short class name, first match wins; custom and AndroidX widgets
# (`MaterialButton`, `AppCompatEditText`, `SwitchCompat`) end like the framework class they extend.
_ROLE_BY_SUFFIX: tuple[tuple[str, str], ...] = (
    ("EditText", "entry"),
    ("AutoCompleteTextView", "entry"),
    ("SearchAutoComplete", "entry"),
    ("CheckedTextView", "check box"),
    ("CheckBox", "check box"),
    ("RadioButton", "radio button"),
    ("SwitchCompat", "switch"),
    ("SwitchMaterial", "switch"),
    ("Switch", "switch"),
    ("ToggleButton", "toggle button"),
    ("CompoundButton", "toggle button"),
    ("Chip", "push button"),
    ("Button", "push button"),
    ("TextView", "label"),
    ("TextSwitcher", "label"),
    ("ImageView", "image"),
    ("Image", "image"),
    ("SeekBar", "slider"),
    ("RatingBar", "slider"),
    ("ProgressBar", "progress bar"),
    ("Spinner", "combo box"),
    ("RecyclerView", "list"),
    ("ListView", "list"),
    ("GridView", "list"),
    ("ScrollView", "scroll pane"),
    ("ViewPager", "scroll pane"),
    ("ViewPager2", "scroll pane"),
    ("WebView", "document web"),
    ("TabWidget", "page tab list"),
    ("TabLayout", "page tab list"),
    ("TabView", "page tab"),
    ("Toolbar", "tool bar"),
)
_EDITABLE_SUFFIXES = ("EditText", "AutoCompleteTextView", "SearchAutoComplete", "TextField", "TextInputEditText")


class HierarchyError(BackendError):
    """A dump that is empty, truncated or not a uiautomator hierarchy."""


def short_class(class_name: str) -> str:
    return class_name.rsplit(".", 1)[-1].rsplit("$", 1)[-1]


def role_for(class_name: str, *, password: bool = False, children: bool = False) -> str:
    """The shared role name for an Android view class."""
    if password:
        return "password text"
    short = short_class(class_name)
    for suffix, role in _ROLE_BY_SUFFIX:
        if short.endswith(suffix):
            return role
    return "panel" if children or short.endswith(("Layout", "ViewGroup", "View")) else "unknown"


def is_editable(class_name: str, attrs: dict[str, str]) -> bool:
    """Text fields: EditText and its subclasses, Compose/Material text fields, and any password field."""
    if attrs.get("password") == "true":
        return True
    return short_class(class_name).endswith(_EDITABLE_SUFFIXES)


def parse_bounds(text: str) -> Bounds | None:
    match = _BOUNDS.fullmatch(text.strip()) if text else None
    if match is None:
        return None
    x1, y1, x2, y2 = (int(v) for v in match.groups())
    return Bounds(x1, y1, x2, y2)


def parse_hierarchy(xml: str | bytes, *, max_nodes: int = MAX_ELEMENTS) -> UITree:
    """Parse a dump into a tree of at most `max_nodes` elements (the rest are dropped and `truncated` is set)."""
    if isinstance(xml, bytes):
        xml = xml.decode("utf-8", errors="replace")
    text = xml.strip()
    if not text:
        raise HierarchyError("the UI dump is empty")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        tail = text[-60:].replace("\n", " ")
        raise HierarchyError(f"the UI dump is not well-formed XML ({exc}); it ends with {tail!r}") from None
    if root.tag != "hierarchy":
        raise HierarchyError(f"the UI dump's root is <{root.tag}>, not <hierarchy>")
    elements: list[UIElement] = []
    total = sum(1 for _ in root.iter("node"))
    # Depth-first in document order; each stack entry is (node, depth, parent id).
    stack: list[tuple[ET.Element, int, int | None]] = [(child, 0, None) for child in reversed(root)]
    while stack:
        node, depth, parent = stack.pop()
        if node.tag != "node" or len(elements) >= max_nodes:
            continue
        element = _element(node, len(elements), depth, parent)
        elements.append(element)
        stack.extend((child, depth + 1, element.id) for child in reversed(node))
    if total == 0:
        raise HierarchyError("the UI dump has no <node> elements (no window on screen?)")
    return UITree(elements, truncated=total > len(elements), total_nodes=total)


def _element(node: ET.Element, element_id: int, depth: int, parent: int | None) -> UIElement:
    attrs = node.attrib
    class_name = attrs.get("class", "")
    password = attrs.get("password") == "true"
    flag = attrs.get
    description = attrs.get("content-desc", "")
    if not description and not attrs.get("text") and attrs.get("hint"):
        description = attrs["hint"]  # an empty field's hint is what TalkBack reads for it
    return UIElement(
        id=element_id,
        role=role_for(class_name, password=password, children=len(node) > 0),
        text=attrs.get("text", ""),
        description=description,
        resource_id=attrs.get("resource-id", ""),
        bounds=parse_bounds(attrs.get("bounds", "")),
        clickable=flag("clickable") == "true",
        editable=is_editable(class_name, attrs),
        scrollable=flag("scrollable") == "true",
        checkable=flag("checkable") == "true",
        checked=flag("checked") == "true",
        selected=flag("selected") == "true",
        enabled=flag("enabled", "true") == "true",
        focused=flag("focused") == "true",
        depth=depth,
        parent=parent,
        app=attrs.get("package", ""),
        class_name=class_name,
    )
