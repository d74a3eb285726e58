"""What the command line prints, through one door: terminal escape sequences and control characters in names a
file or a plan brought (ESC [ 2J, OSC 8 links, a bell) are removed, so that output cannot drive the terminal."""

from __future__ import annotations

import sys

from lib.safety import terminal_text


def say(*values: object, sep: str = " ", end: str = "\n", file=None) -> None:
    """Print values as print() does, made fit for a terminal (lib/safety.py terminal_text)."""
    print(terminal_text(sep.join(str(v) for v in values)), end=terminal_text(end), file=file or sys.stdout)
