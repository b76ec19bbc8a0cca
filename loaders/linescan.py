"""Fast scanning with ``(?m)^…`` patterns: the same matches, found from line starts.

A pattern that opens with ``^`` gives the regex engine nothing to skip ahead with, so a
search tries a match at every offset of a document (about 6 ns a character, a full scan
each time). :class:`LineScan` jumps from newline to newline with a ``\\n``-prefixed copy of
the pattern (a literal prefix, scanned in C) and re-runs the original pattern at the line
start it found, so callers get the original pattern's match objects::

    >>> import re
    >>> rx = re.compile(r"^[ \\t]*Nơi nhận\\s*:?", re.M)
    >>> [m.span() for m in LineScan(rx).finditer("x\\n Nơi nhận:\\nNơi nhận")] == [m.span() for m in rx.finditer("x\\n Nơi nhận:\\nNơi nhận")]
    True
"""
from __future__ import annotations

import re
from typing import Iterator

try:
    from re import _parser as _sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]


class LineScan:
    """``search``/``finditer`` of ``rx``, with the same results as the pattern's own. Only a
    pattern under ``re.M`` that opens with ``^``, has no top-level ``|`` and never matches the
    empty string is scanned line by line; any other is simply run as it is."""

    def __init__(self, rx: re.Pattern[str]) -> None:
        parsed = _sre_parse.parse(rx.pattern, rx.flags)
        first = parsed.data[0] if parsed.data else None
        if (not rx.flags & re.M or not rx.pattern.startswith("^") or first is None
                or first[0] is not _sre_parse.AT or first[1] is not _sre_parse.AT_BEGINNING  # line start under re.M
                or parsed.getwidth()[0] == 0):
            self.rx, self._nl = rx, None  # not a line-start pattern: no shortcut
            return
        self.rx = rx
        # parsed.data[0] is the only ^ at top level and the body has no top-level "|" (that
        # would have parsed as one BRANCH item), so "\n(?:body)" is "^body" after a newline.
        self._nl = re.compile("\n(?:" + rx.pattern[1:] + ")", rx.flags)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else min(endpos, len(text))
        if self._nl is None:
            return self.rx.search(text, pos, end)
        if pos > end:
            return None
        if pos == 0 or text[pos - 1] == "\n":
            m = self.rx.match(text, pos, end)
            if m:
                return m
        hit = self._nl.search(text, pos, end)  # the next line start (> pos) where it matches
        return self.rx.match(text, hit.start() + 1, end) if hit else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        if self._nl is None:
            yield from self.rx.finditer(text, pos, len(text) if endpos is None else endpos)
            return
        while True:
            m = self.search(text, pos, endpos)
            if m is None:
                return
            yield m
            pos = m.end()  # never empty (checked above), as finditer goes on
