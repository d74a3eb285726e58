"""A .docx as a package of parts (zip + XML), read without python-docx: the main document found through the package's
relationships, its styles, numbering, notes, headers and footers, and the chunks and objects it embeds.

Strict Open XML (ISO/IEC 29500 strict, as Word saves "Strict Open XML Document") is read by mapping its namespaces to
the transitional ones. A part that is missing (many plans have no numbering part) is simply absent.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from lxml import etree

from lib.plan.text import MAX_UNZIPPED_BYTES, document_error

STRICT_TO_TRANSITIONAL = (
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
)
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                         remove_blank_text=False)


class Package:
    """The parts of a .docx and the relationships between them."""

    def __init__(self, name: str, data: bytes, suffix: str):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            members = self.zip.infolist()
        except zipfile.BadZipFile as exc:
            raise document_error(name, "plan_doc_corrupt", kind="Word (.docx)", detail=str(exc)) from exc
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise document_error(name, "err_too_large", size="> 200 MB (unzipped)", limit="200 MB")
        self.name = name
        self.names = {m.filename for m in members}
        self.main = self._main_part()
        if self.main is None:
            other = "Excel" if "xl/workbook.xml" in self.names else "PowerPoint" if "ppt/presentation.xml" in \
                self.names else "OpenDocument" if "content.xml" in self.names else suffix.lstrip(".") or "zip"
            raise document_error(name, "plan_doc_not_word", found=other)

    def _main_part(self) -> str | None:
        """Return the main document part named by the package's relationships if it is a Word document (an Excel
        workbook has one too), word/document.xml as a fallback."""
        types = {}
        if "[Content_Types].xml" in self.names:
            for override in self.xml("[Content_Types].xml"):
                if override.get("PartName"):
                    types[override.get("PartName").lstrip("/")] = override.get("ContentType", "")
        for rel_type, target, _ in self.relationships(""):
            if rel_type.endswith("/officeDocument") and target in self.names \
                    and "wordprocessingml" in types.get(target, "wordprocessingml" if "word/" in target else ""):
                return target
        return "word/document.xml" if "word/document.xml" in self.names else None

    def read(self, part: str) -> bytes:
        """Return a part's bytes, strict namespaces mapped to transitional ones."""
        data = self.zip.read(part)
        for strict, transitional in STRICT_TO_TRANSITIONAL:
            data = data.replace(strict, transitional)
        return data

    def xml(self, part: str):
        """Return a part parsed (no entities, no network)."""
        return etree.fromstring(self.read(part), PARSER)

    def relationships(self, part: str) -> list[tuple[str, str, str]]:
        """Return (type, target part, target mode) of a part's relationships ('' for the package's own)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        if rels not in self.names:
            return []
        out = []
        for rel in self.xml(rels).iter(f"{RELATIONSHIPS}Relationship"):
            target, mode = rel.get("Target", ""), rel.get("TargetMode", "Internal")
            if mode != "External":
                target = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                            else posixpath.join(folder, target))
            out.append((rel.get("Type", ""), target, mode))
        return out

    def related(self, part: str, kind: str) -> list[str]:
        """Return the internal parts a part relates to with a relationship type ending in /kind (styles, numbering…)."""
        return [target for rel_type, target, mode in self.relationships(part)
                if rel_type.endswith("/" + kind) and mode != "External" and target in self.names]

    def by_id(self, part: str) -> dict[str, tuple[str, str, str]]:
        """Return a part's relationships by their r:id."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        if rels not in self.names:
            return {}
        out = {}
        for rel in self.xml(rels).iter(f"{RELATIONSHIPS}Relationship"):
            target, mode = rel.get("Target", ""), rel.get("TargetMode", "Internal")
            if mode != "External":
                target = posixpath.normpath(posixpath.join(folder, target.lstrip("/")) if not target.startswith("/")
                                            else target.lstrip("/"))
            out[rel.get("Id", "")] = (rel.get("Type", ""), target, mode)
        return out




def html_lines(data: bytes) -> list[str]:
    """Return the paragraphs of an HTML chunk (altChunk) as lines: block elements end a line, tags and scripts go."""
    from html.parser import HTMLParser

    class Lines(HTMLParser):
        BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"})

        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.lines, self.current, self.skip = [], "", 0

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style"):
                self.skip += 1
            elif tag in self.BLOCKS or tag == "td":
                self.flush(tag == "td")

        def handle_endtag(self, tag):
            if tag in ("script", "style") and self.skip:
                self.skip -= 1
            elif tag in self.BLOCKS:
                self.flush(False)

        def handle_data(self, text):
            if not self.skip:
                self.current += text

        def flush(self, cell: bool):
            if cell:
                self.current += " "
                return
            if line := re.sub(r"\s+", " ", self.current).strip():
                self.lines.append(line)
            self.current = ""

    text = data.decode("utf-8", errors="replace") if not data.startswith(b"\xff\xfe") else data.decode("utf-16")
    parser = Lines()
    parser.feed(text)
    parser.close()
    parser.flush(False)
    return parser.lines
