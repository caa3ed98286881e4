"""`uiautomator dump` XML, byte-for-byte in the format of Android 13's AccessibilityNodeInfoDumper.

One line, no trailing newline, KXmlSerializer escaping, attributes in the dumper's fixed order, NAF="true" on
clickable nodes without any text or description in their subtree (except list/grid containers), and
invisible children skipped while `index` keeps counting them.
"""

from __future__ import annotations

from autoplay_gym.envs.android.sim.ui.view import View

XML_HEADER = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
_NAF_EXCLUDED = ("android.widget.GridView", "android.widget.GridLayout", "android.widget.ListView",
                 "android.widget.TableLayout")


def _strip_invalid(text: str) -> str:
    """The dumper replaces XML-invalid characters with '.' before serializing."""
    out = []
    for ch in text:
        code = ord(ch)
        if (0x1 <= code <= 0x8 or 0xB <= code <= 0xC or 0xE <= code <= 0x1F or 0x7F <= code <= 0x84
                or 0x86 <= code <= 0x9F or 0xFDD0 <= code <= 0xFDDF or (code & 0xFFFE) == 0xFFFE and code > 0xFFFF):
            out.append(".")
        else:
            out.append(ch)
    return "".join(out)


def _escape(text: str) -> str:
    """KXmlSerializer's attribute escaping (double-quoted)."""
    out = []
    for ch in _strip_invalid(text):
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif ch in "\n\r\t":
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def _has_label(node: View) -> bool:
    return bool(node.text or node.content_desc)


def _child_labelled(node: View) -> bool:
    return any(child.in_dump and (_has_label(child) or _child_labelled(child)) for child in node.children)


def _is_naf(node: View) -> bool:
    if node.cls.endswith(_NAF_EXCLUDED):
        return False
    if not (node.clickable and node.enabled and not _has_label(node)):
        return False
    return not _child_labelled(node)


def _clip(bounds: tuple[int, int, int, int], width: int, height: int) -> str:
    left, top, right, bottom = bounds
    left, right = max(0, min(left, width)), max(0, min(right, width))
    top, bottom = max(0, min(top, height)), max(0, min(bottom, height))
    return f"[{left},{top}][{right},{bottom}]"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _node_xml(node: View, index: int, package: str, width: int, height: int, out: list[str]) -> None:
    attrs = []
    if _is_naf(node):
        attrs.append('NAF="true"')
    attrs += [
        f'index="{index}"', f'text="{_escape(node.text)}"', f'resource-id="{_escape(node.resource_id)}"',
        f'class="{_escape(node.cls)}"', f'package="{_escape(package)}"',
        f'content-desc="{_escape(node.content_desc)}"', f'checkable="{_bool(node.checkable)}"',
        f'checked="{_bool(node.checked)}"', f'clickable="{_bool(node.clickable)}"',
        f'enabled="{_bool(node.enabled)}"', f'focusable="{_bool(node.focusable)}"',
        f'focused="{_bool(node.focused)}"', f'scrollable="{_bool(node.scrollable)}"',
        f'long-clickable="{_bool(node.long_clickable)}"', f'password="{_bool(node.password)}"',
        f'selected="{_bool(node.selected)}"', f'bounds="{_clip(node.bounds, width, height)}"',
    ]
    visible = [(i, child) for i, child in enumerate(node.children) if child.visible_to_user and child.in_dump]
    if not visible:
        out.append("<node " + " ".join(attrs) + " />")
        return
    out.append("<node " + " ".join(attrs) + ">")
    for child_index, child in visible:
        _node_xml(child, child_index, package, width, height, out)
    out.append("</node>")


def dump_xml(root: View, package: str, width: int, height: int, rotation: int = 0) -> str:
    """The complete dump of one window, as `uiautomator dump` writes it."""
    out = [XML_HEADER, f'<hierarchy rotation="{rotation}">']
    _node_xml(root, 0, package, width, height, out)
    out.append("</hierarchy>")
    return "".join(out)
