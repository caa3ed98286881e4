"""Progress for long stages: a tqdm bar (counts and rates) on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys

from tqdm import tqdm


class Progress:
    def __init__(self, stage: str, total: int, *, unit: str = "it") -> None:
        self.stage = stage
        self.bar = tqdm(total=total, desc=stage, unit=f" {unit}", file=sys.stderr, dynamic_ncols=True,
                        mininterval=0.5, disable=None if sys.stderr.isatty() else False, leave=True)

    def advance(self, n: int = 1, *, note: str = "") -> None:
        if note:
            self.bar.set_postfix_str(note[:60], refresh=False)
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()
