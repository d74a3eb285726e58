"""Container XML read with a real parser (expat), fed as it inflates: no DTD and so no entity is ever expanded, no
external resource is loaded, and the elements are counted against a limit as they stream.

A handler sees each element by its local name (x:c and c alike, whatever its prefix) and its attributes by theirs,
so that neither quoting (r='A1'), spacing (r = "A1"), case of a reference, nor a namespace prefix changes what is
measured. What expat cannot read is damaged (err_corrupt); what passes a limit is too large (err_limit_*).
"""

from __future__ import annotations

from xml.parsers import expat

from lib import config
from lib.intake.guard.shapes import Refused, short


class DoctypeRefused(Refused):
    """A part with a DTD: the file is refused whole, whichever sheet the part is."""


def local(name: str) -> str:
    """Return an element or attribute name without its prefix."""
    return name.rpartition(":")[2]


def attribute(attrs: dict[str, str], name: str) -> str | None:
    """Return an attribute by its local name, whatever its prefix."""
    value = attrs.get(name)
    if value is not None:
        return value
    for key, value in attrs.items():
        if key.endswith(":" + name):
            return value
    return None


class Scan:
    """One part's XML parsed as it streams: feed(chunk) while it inflates, close() at its end.

    start(local_name, attrs) and end(local_name) are called for each element (end only when given). Elements are
    counted against config.MAX_XML_ELEMENTS, the count shared by every part of one file (counter). A lenient scan
    (of a part only the reader interprets) refuses a DTD and stops quietly where the XML is not well-formed."""

    def __init__(self, part: str, start=None, end=None, counter: list[int] | None = None, lenient: bool = False):
        self.part, self.lenient, self.stopped = part, lenient, False
        self.counter = counter if counter is not None else [0]
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._refuse_dtd
        self.parser.EntityDeclHandler = self._refuse_dtd
        self.parser.ExternalEntityRefHandler = self._refuse_dtd
        self.parser.buffer_text = True
        self.names: dict[str, str] = {}
        self.start, self.end = start, end
        if start is not None:
            self.parser.StartElementHandler = self._start
        if end is not None:
            self.parser.EndElementHandler = self._end

    def _refuse_dtd(self, *_):
        raise DoctypeRefused("err_corrupt", detail=f"{self.part}: DTD")

    def _local(self, name: str) -> str:
        found = self.names.get(name)
        if found is None:
            found = self.names[name] = local(name)
        return found

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.counter[0] += 1
        if self.counter[0] > config.MAX_XML_ELEMENTS:
            raise Refused("err_limit_elements", count=f"> {config.MAX_XML_ELEMENTS:,}",
                          limit=f"{config.MAX_XML_ELEMENTS:,}")
        self.start(self._local(name), attrs)

    def _end(self, name: str) -> None:
        self.end(self._local(name))

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Parse the next bytes of the part; raise Refused when they are not well-formed XML."""
        if self.stopped:
            return
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            if self.lenient:  # a part no one here interprets (Excel's VML is not well-formed): its DTD was the point
                self.stopped = True
                return
            raise Refused("err_corrupt", detail=f"{self.part}: {short(exc)}") from None

    def close(self) -> None:
        """Finish the part: cut-short XML is damaged."""
        self.feed(b"", True)
