"""Screenshots of a private X display with mss (a shared-memory grab of the root window, ~0.5 ms at 1280x800)."""

from __future__ import annotations

import mss
import numpy as np
from PIL import Image

from autoplay_gym.core.errors import BackendError


class Screen:
    def __init__(self, display: str) -> None:
        self.display = display
        try:
            self._mss = mss.MSS(display=display)
        except mss.ScreenShotError as exc:
            raise BackendError(f"cannot open display {display} for screenshots: {exc}") from None
        monitor = self._mss.monitors[0]
        self.monitor = {"left": monitor["left"], "top": monitor["top"], "width": monitor["width"], "height": monitor["height"]}

    @property
    def size(self) -> tuple[int, int]:
        return self.monitor["width"], self.monitor["height"]

    def grab_raw(self) -> bytes:
        """The screen as BGRA bytes: the cheapest form, for change detection."""
        try:
            return bytes(self._mss.grab(self.monitor).raw)
        except mss.ScreenShotError as exc:
            raise BackendError(f"screenshot of display {self.display} failed: {exc}") from None

    def grab(self) -> np.ndarray:
        """The screen as a new H x W x 3 uint8 RGB array."""
        try:
            shot = self._mss.grab(self.monitor)
        except mss.ScreenShotError as exc:
            raise BackendError(f"screenshot of display {self.display} failed: {exc}") from None
        # Pillow's BGRX decoder is ~4x faster than numpy's reversed-stride copy (3 vs 12-15 ms at 1280x800).
        image = Image.frombuffer("RGB", (shot.width, shot.height), shot.raw, "raw", "BGRX", 0, 1)
        return np.array(image)

    def close(self) -> None:
        try:
            self._mss.close()
        except Exception:  # the display may be gone already; closing must not raise
            pass
