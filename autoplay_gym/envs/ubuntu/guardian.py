"""Tears a desktop down when its owner dies without calling close().

Run as a script (not as a package module, so it starts in a few milliseconds without importing gymnasium):
`python guardian.py TOKEN`. It blocks reading stdin, whose write end only the owning process holds; the read
returns end-of-file when that process exits for any reason, SIGKILL included, and the guardian then ends every
process tagged with TOKEN.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    token = sys.argv[1]
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    from processes import kill_tagged  # the script's own folder is sys.path[0]

    kill_tagged(token, grace=0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
