"""Documents and media generated at test time (no committed binaries): small but real files of each format.

PDF, ODF and mbox are written by hand from their specifications' minimal structure; PNG through Pillow; WAV
through the standard `wave` module. Each app under test parses them with its own real loader.
"""

from __future__ import annotations

import io
import math
import struct
import wave
import zipfile
from xml.sax.saxutils import escape


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing `lines` in Helvetica (ASCII text), with a correct cross-reference table."""
    text_ops = ["BT", "/F1 24 Tf", "72 720 Td", "28 TL"]
    for line in lines:
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text_ops.append(f"({safe}) Tj T*")
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def png(width: int = 320, height: int = 240) -> bytes:
    """A picture with a few coloured shapes (Pillow)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, width // 2, height // 2), fill=(200, 30, 30))
    draw.ellipse((width // 2, height // 2, width - 20, height - 20), fill=(30, 60, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def wav(seconds: float = 2.0, rate: int = 8000, frequency: float = 440.0) -> bytes:
    """A mono 16-bit sine tone."""
    frames = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * frequency * i / rate))) for i in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"'
)


def _odf(mimetype: str, body: str) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODF_NS}>'
        f"<office:body>{body}</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # first and stored, as ODF requires
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def odt(paragraphs: list[str]) -> bytes:
    """An OpenDocument text with one paragraph per string."""
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    return _odf("application/vnd.oasis.opendocument.text", f"<office:text>{body}</office:text>")


def ods(rows: list[list[str | float]], sheet: str = "Data") -> bytes:
    """An OpenDocument spreadsheet with one sheet; numbers become float cells."""
    out = []
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, (int, float)):
                kind = f'office:value-type="float" office:value="{value}"'
            else:
                kind = 'office:value-type="string"'
            cells.append(f"<table:table-cell {kind}><text:p>{escape(str(value))}</text:p></table:table-cell>")
        out.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    table = f'<table:table table:name="{escape(sheet)}">{"".join(out)}</table:table>'
    spreadsheet = f"<office:spreadsheet>{table}</office:spreadsheet>"
    return _odf("application/vnd.oasis.opendocument.spreadsheet", spreadsheet)


def html(title: str, body: str) -> str:
    head = f"<meta charset='utf-8'><title>{escape(title)}</title>"
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def mbox(messages: list[tuple[str, str, str]]) -> str:
    """An mbox file of (sender, subject, body) messages, as Thunderbird's Local Folders store them."""
    parts = []
    for i, (sender, subject, body) in enumerate(messages):
        parts.append(
            f"From - Mon Jan  5 10:0{i}:00 2026\n"
            f"From: {sender}\nTo: me@example.invalid\nSubject: {subject}\n"
            f"Date: Mon, 05 Jan 2026 10:0{i}:00 +0000\nMessage-ID: <autoplay-{i}@example.invalid>\n"
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n"
            f"{body}\n\n"
        )
    return "".join(parts)
