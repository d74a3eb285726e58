"""Fuzzing the door (#25): small valid .xlsx, .ods, .xls, .docx and PDF files mutated at the byte level and, inside
their zip packages, at the XML level (numbers made huge, quotes and case changed, elements repeated, DTDs and
control characters put in, tags cut). Each mutant is read as the pages read it, with a fixed seed: it is stored or
refused with a message, within the sandbox's limits, and this process (the server) reads a normal file afterwards.
"""

from __future__ import annotations

import io
import random
import re
import time
import zipfile

import pytest

from lib import config
from lib.catalog import load_catalog
from lib.intake import Parsed, parse
from lib.plan.documents import read_plan_document
from lib.problems import PlanDocumentError
from lib.safety import has_control
from tests.conftest import CITY
from tests.test_hostile_files import BASE, OFFICE
from tests.test_plan_documents import minimal_pdf

SEED = 25
CASES_PER_FILE = 100  # 500 mutants in all


def docx_seed() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("苏州市邮政管理局2022年工作要点")
    document.add_paragraph("1. 快递业务量达到26亿件，同比增长10%。（市场监管处牵头）")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "指标", "95%"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_seed() -> bytes:
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return minimal_pdf(b"BT /F1 12 Tf 72 700 Td (Work plan 2022: 26 parcels) Tj ET", b"<< /Font << /F1 5 0 R >> >>",
                       [font])


SEEDS = {"xlsx": lambda: BASE, "ods": lambda: (OFFICE / "bulletin_2021-11.ods").read_bytes(),
         "xls": lambda: (OFFICE / "bulletin_2021-11.xls").read_bytes(), "docx": docx_seed, "pdf": pdf_seed}

XML_MUTATIONS = [
    lambda x, r: re.sub(rb'(?<=")\d+(?=")', lambda m: str(r.choice([0, 16384, 1048576, 10**9, 2**31])).encode(),
                        x, count=r.randint(1, 5)),  # numbers in attributes made huge
    lambda x, r: x.replace(b'="', b"='", r.randint(1, 50)).replace(b'" ', b"' ", r.randint(1, 50)),  # quotes
    lambda x, r: re.sub(rb' r="([A-Z]+)(\d+)"', lambda m: rb" r = '" + r.choice([m.group(1).lower(), b"XFD"])
                        + str(r.choice([int(m.group(2)), 60000, 1048576])).encode() + b"'", x),  # cell references
    lambda x, r: x.replace(b"<", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><", 1) if r.random() < 0.5 else x,  # a DTD
    lambda x, r: _cut(x, r),  # a tag cut short
    lambda x, r: _repeat(x, r),  # an element repeated many times
    lambda x, r: x.replace(b">", b">\x01\x1b[2J", r.randint(1, 3)),  # control characters (not XML)
    lambda x, r: x.replace(b"number-columns-repeated=\"", b"number-columns-repeated='9999999' x=\"", 1),
    lambda x, r: re.sub(rb"<mergeCell ref=\"[^\"]*\"/>", b"<mergeCell ref='A1:XFD1048576'/>" * 50, x),
]


def _cut(xml: bytes, r: random.Random) -> bytes:
    at = r.randrange(len(xml)) if xml else 0
    return xml[:at] + xml[at + r.randint(1, 40):]


def _repeat(xml: bytes, r: random.Random) -> bytes:
    tags = re.findall(rb"<(?:\w+:)?(?:c|row|table-cell|table-row|w:p|p)\b[^>]*/>", xml)
    if not tags:
        return xml
    tag = r.choice(tags)
    return xml.replace(tag, tag * r.choice([2, 100, 5000]), 1)


def mutate_bytes(data: bytes, r: random.Random) -> bytes:
    data = bytearray(data)
    kind = r.randrange(4)
    if kind == 0:  # flip bytes
        for _ in range(r.randint(1, 20)):
            data[r.randrange(len(data))] = r.randrange(256)
    elif kind == 1:  # cut short
        del data[r.randrange(len(data)):]
    elif kind == 2:  # insert noise
        at = r.randrange(len(data))
        data[at:at] = bytes(r.randrange(256) for _ in range(r.randint(1, 200)))
    else:  # repeat a slice
        at = r.randrange(len(data))
        data[at:at] = data[at:at + r.randint(1, 500)] * r.randint(2, 50)
    return bytes(data)


def mutate_package(data: bytes, r: random.Random) -> bytes:
    """Return the zip package with one of its XML parts mutated and the package written again (its CRCs right,
    so the mutation reaches the parsers)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    xml = [n for n in parts if n.endswith((".xml", ".rels"))]
    name = r.choice([n for n in xml if "sheet" in n or "content" in n or "document" in n] or xml)
    for mutation in r.sample(XML_MUTATIONS, r.randint(1, 3)):
        parts[name] = mutation(parts[name], r)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for part, content in parts.items():
            book.writestr(part, content)
    return buffer.getvalue()


def mutants():
    r = random.Random(SEED)
    for kind, make in SEEDS.items():
        seed = make()
        for i in range(CASES_PER_FILE):
            zipped = seed[:4] == b"PK\x03\x04"
            data = mutate_package(seed, r) if zipped and r.random() < 0.7 else mutate_bytes(seed, r)
            yield f"{kind}-{i}", f"mutant{i}.{kind}", data


@pytest.fixture
def quick_limits(monkeypatch):
    """The sandbox's limits made smaller, so that a mutant that makes a reader work hard ends in seconds."""
    monkeypatch.setattr(config, "SANDBOX_WALL_SECONDS", 10)
    monkeypatch.setattr(config, "SANDBOX_CPU_SECONDS", 8)
    monkeypatch.setattr(config, "SANDBOX_PLAN_WALL_SECONDS", 10)
    monkeypatch.setattr(config, "SANDBOX_PLAN_CPU_SECONDS", 8)
    monkeypatch.setattr(config, "SANDBOX_MEMORY_BYTES", 1024**3)


def test_mutated_files_are_stored_or_refused_with_a_message(quick_limits):
    catalog = load_catalog(CITY)
    outcomes: dict[str, int] = {}
    slowest = 0.0
    count = 0
    for case, name, data in mutants():
        count += 1
        start = time.monotonic()
        if name.endswith((".docx", ".pdf")):
            try:
                text = read_plan_document(name, data).text
                assert isinstance(text, str) and not has_control(text.replace("\n", "")), case
                outcome = "read"
            except PlanDocumentError as exc:
                message = exc.problem.message("zh")
                assert message.startswith(name) and "Traceback" not in message, (case, message)
                outcome = exc.problem.code
        else:
            parsed = parse(name, data, catalog)
            assert isinstance(parsed, Parsed), case
            assert parsed.accepted or parsed.errors, case
            for problem in parsed.errors:
                message = problem.message("zh")
                assert name in message and "Traceback" not in message and "/tmp" not in message, (case, message)
            outcome = "stored" if parsed.accepted else parsed.errors[0].code
        slowest = max(slowest, time.monotonic() - start)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert count == 5 * CASES_PER_FILE
    assert slowest < 30  # each within the sandbox's limits (10 s of wall time), whatever it did to a reader
    assert outcomes.get("stored", 0) + outcomes.get("read", 0) > 0  # some mutants are harmless and still read
    assert len(outcomes) > 5  # and the rest are refused for many different reasons
    # this process, standing in for the server, is alive and reads a normal file
    assert parse("normal.xlsx", BASE, catalog).accepted
