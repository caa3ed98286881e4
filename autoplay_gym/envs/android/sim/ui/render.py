"""Draws windows into a screenshot with Pillow: backgrounds, legible DejaVu text, icon glyphs, the status and
navigation bars, and the dim behind dialogs."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from autoplay_gym.envs.android.sim.ui.view import View, Window

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
STATUS_BAR_DP = 24
NAV_BAR_DP = 24


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(FONT_DIR + name, size)
    except OSError:  # fonts-dejavu-core missing: still legible, just not pretty
        return ImageFont.load_default(size)


def _fit(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text + "…"


def _wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}".strip()
            if current and draw.textlength(candidate, font=face) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines


def _draw_node(image: Image.Image, draw: ImageDraw.ImageDraw, node: View) -> None:
    style = node.style
    left, top, right, bottom = node.draw_bounds or node.bounds
    if right <= left or bottom <= top:
        return
    if style.background or style.border:
        draw.rounded_rectangle((left, top, right - 1, bottom - 1), radius=style.radius,
                               fill=style.background, outline=style.border, width=3 if style.border else 0)
    if style.icon:
        size = style.icon_size or min(right - left, bottom - top) * 5 // 10
        face = font(max(size, 8), True)
        draw.text(((left + right) // 2, (top + bottom) // 2), style.icon, font=face,
                  fill=style.icon_color or style.color, anchor="mm")
    if node.text and not style.hide_text:
        face = font(style.size, style.bold)
        inner_left, inner_right = left + style.padding, right - style.padding
        width = max(inner_right - inner_left, 1)
        line_height = int(style.size * 1.25)
        lines = _wrap(draw, node.text, face, width) if style.valign == "top" else [node.text]
        max_lines = max((bottom - top) // line_height, 1)
        lines = [_fit(draw, line, face, width) for line in lines[:max_lines]]
        y = top + style.padding if style.valign == "top" else (top + bottom) // 2 - line_height * (len(lines) - 1) // 2
        for line in lines:
            anchor = {"left": "lm", "center": "mm", "right": "rm"}[style.align]
            x = {"left": inner_left, "center": (inner_left + inner_right) // 2, "right": inner_right}[style.align]
            draw.text((x, y + (line_height // 2 if style.valign == "top" else 0)), line, font=face,
                      fill=style.color, anchor=anchor)
            y += line_height
    if node.clips_children:
        _draw_clipped_children(image, node)
        return
    for child in node.children:
        if child.visible_to_user:
            _draw_node(image, draw, child)


def _draw_clipped_children(image: Image.Image, node: View) -> None:
    """Draw a viewport's rows at their full size on a copy, then paste back only the viewport."""
    layer = image.copy()
    layer_draw = ImageDraw.Draw(layer)
    for child in node.children:
        if child.visible_to_user:
            _draw_node(layer, layer_draw, child)
    box = node.bounds
    image.paste(layer.crop(box), box[:2])


def _system_bars(draw: ImageDraw.ImageDraw, width: int, height: int, density: int, clock_text: str,
                 dark: bool) -> None:
    status_height = STATUS_BAR_DP * density // 160
    nav_height = NAV_BAR_DP * density // 160
    color = "#f5f5f5" if dark else "#1f1f1f"
    face = font(max(status_height * 11 // 20, 10))
    draw.text((status_height, status_height // 2), clock_text, font=face, fill=color, anchor="lm")
    draw.text((width - status_height, status_height // 2), "▼ ▮ 100%", font=face, fill=color, anchor="rm")
    handle_width = width // 4
    y = height - nav_height // 2
    draw.rounded_rectangle(((width - handle_width) // 2, y - 5, (width + handle_width) // 2, y + 5), radius=5,
                           fill=color)


def render_image(windows: list[Window], width: int, height: int, density: int, clock_text: str,
                 dark_status: bool = False, toast: str | None = None) -> Image.Image:
    """What `screencap` shows for these windows (bottom to top), with system bars and any toast."""
    image = Image.new("RGB", (width, height), "#ffffff")
    for window in windows:
        if window.is_dialog and window.dim_behind:
            overlay = Image.new("RGBA", (width, height), (0, 0, 0, 82))
            image.paste(overlay, (0, 0), overlay)
        _draw_node(image, ImageDraw.Draw(image), window.root)
    draw = ImageDraw.Draw(image)
    _system_bars(draw, width, height, density, clock_text, dark_status)
    if toast:
        face = font(14 * density // 160)
        text_width = int(draw.textlength(toast, font=face))
        pad = 16 * density // 160
        bottom = height - 96 * density // 160
        box = ((width - text_width) // 2 - pad, bottom - 48 * density // 160, (width + text_width) // 2 + pad, bottom)
        draw.rounded_rectangle(box, radius=24 * density // 160, fill="#303030")
        draw.text((width // 2, (box[1] + box[3]) // 2), toast, font=face, fill="#ffffff", anchor="mm")
    return image


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def encode_raw(image: Image.Image) -> bytes:
    """`screencap` without -p: width, height, format (1 = RGBA_8888), dataspace as LE uint32, then pixels."""
    width, height = image.size
    header = width.to_bytes(4, "little") + height.to_bytes(4, "little") + (1).to_bytes(4, "little")
    header += (0).to_bytes(4, "little")
    return header + image.convert("RGBA").tobytes()
