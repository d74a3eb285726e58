"""What a presentation view is, for every view module and every place that shows views.

A View is one 16:9 slide; its kind (a ViewKind, one module of lib/views/ each) knows which slides of it a meeting
has and how each is drawn: its subtitle, its figure (a PNG, a PDF page, the deck's picture), its body on a deck slide
and its body on the presentation page. A view draws on the page through a SlideBody and on a deck slide through a
SlideSpace: lib/ui/present.py and lib/export/deck.py give them, so no view module imports Streamlit or python-pptx.
The registry (VIEW_KINDS) is filled, in presentation order, by lib/views/__init__.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd
import plotly.graph_objects as go

from lib.dataset import Dataset
from lib.deepdive import IndicatorView, indicator_view
from lib.engine import Score, status_counts
from lib.fmt import format_period
from lib.i18n import status_label, t
from lib.sources import source_line

# A line of a deck text box: (text, size in points, bold, colour).
DeckLine = tuple[str, float, bool, str]


@dataclass(frozen=True)
class View:
    """One slide: its kind (a key of VIEW_KINDS), its title, its file name, and the target, category or work-plan
    items it is about."""

    shows: str
    title: str
    slug: str
    target_id: str | None = None
    category: str | None = None
    items: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.shows not in VIEW_KINDS:
            raise ValueError(f"unknown view kind {self.shows!r}; registered: {', '.join(VIEW_KINDS)}")

    @property
    def kind(self) -> ViewKind:
        """Return the view's kind: everything it knows about drawing this view."""
        return VIEW_KINDS[self.shows]


@dataclass
class Meeting:
    """What the views of one presentation read: the dataset, period, language, scores, work-plan table and the
    slides themselves (lib.views.meeting builds it)."""

    ds: Dataset
    year: int
    as_of: int
    lang: str
    scores: list[Score]
    tracker: pd.DataFrame
    slides: list[View] = field(default_factory=list)
    # How the deep dive of a target is had: the page passes its cache; else computed from the meeting's scores.
    details: Callable[[str], IndicatorView] | None = None

    def views(self) -> list[View]:
        """Return the presentation's views (the one list the page, the deck, the PNGs and the PDF show)."""
        return self.slides

    def view(self, slug: str) -> View:
        """Return the view with this slug; raise KeyError when the presentation has none."""
        for view in self.slides:
            if view.slug == slug:
                return view
        raise KeyError(f"no view {slug!r}; the views are {', '.join(v.slug for v in self.slides)}")

    def source(self) -> str:
        """Return the source line: the data's last submission and the plan's document number."""
        return source_line(self.ds, self.year, self.lang)

    def score(self, target_id: str) -> Score:
        """Return one target's score."""
        return next(s for s in self.scores if s.indicator == target_id)

    def indicator(self, target_id: str) -> IndicatorView:
        """Return the deep dive of one target."""
        if self.details is not None:
            return self.details(target_id)
        return indicator_view(self.ds, self.year, self.as_of, target_id, scores=self.scores)

    def as_of_words(self) -> str:
        """Return 截至2021年10月 / As of Oct 2021."""
        return t("as_of_period", self.lang, period=format_period(self.year, self.as_of, self.lang))

    def counted_words(self) -> str:
        """Return how many targets there are and how they stand: 共24项：进度正常 17 · 需关注 3 · 滞后 4."""
        counts = status_words(status_counts(self.scores), self.lang)
        return f"{t('targets_counted', self.lang, n=len(self.scores))}{counts}"


def status_words(counts: dict[str, int], lang: str) -> str:
    """Return status counts in words: 进度正常 17 · 需关注 4 · 滞后 2 (statuses with none left out)."""
    return " · ".join(f"{status_label(s, lang)} {n}" for s, n in counts.items() if n)


@dataclass(frozen=True)
class TableRows:
    """A table a view shows on the page and the deck: its header, its rows (each a list of cells), what each row is
    ("group": a line across the table, such as a department's; "item": a row of cells) and the colour of each row's
    first cell (a group's whole line)."""

    header: list[str]
    rows: list[list[str]]
    kinds: list[str]
    colors: list[str]


@dataclass(frozen=True)
class Header:
    """What a picture that stands alone (a PNG, a PDF page) carries above and below its body."""

    title: str
    subtitle: list[str]
    source: str


class SlideBody(Protocol):
    """The body of the presentation page's slide, as a view draws into it (lib/ui/present.py draws it in Streamlit).
    Charts fill what the body leaves; on a phone (narrow) the views follow one another down a page."""

    narrow: bool

    def markdown(self, text: str) -> None:
        """Draw Markdown (escape data with lib.display.md)."""

    def caption(self, text: str) -> None:
        """Draw a caption."""

    def html(self, text: str) -> None:
        """Draw HTML made by lib.display (data escaped)."""

    def columns(self, spec: int | list[float]) -> list[SlideBody]:
        """Return side-by-side parts of the body."""

    def container(self, key: str) -> SlideBody:
        """Return a keyed part of the body (the page's styles find it by key)."""

    def card(self, card, details: bool = False) -> None:
        """Draw a target's card: title, status, value (with details, its progress and first line)."""

    def badge(self, status: str, text: str) -> None:
        """Draw a status badge."""

    def metric(self, card) -> None:
        """Draw a card's value, target and delta as a large metric."""

    def numbers(self, score: Score) -> None:
        """Draw completion, expected progress and projection as large metrics."""

    def chart(self, fig: go.Figure, phone: go.Figure | None = None, dense: bool = False) -> None:
        """Draw a chart at the height the body leaves (dense: many rows, a smaller type); `phone` on a phone."""

    def table(self, table: TableRows, share: float | None = None) -> None:
        """Draw a table whose rows grow with their text, a group's line across it, each row's first cell in its
        colour; `share`: its type size as a share of the slide's height (the deck's, so the page fills as it does)."""


class SlideSpace(Protocol):
    """A deck slide below its title, as a view fills it (lib/export/deck.py writes it with python-pptx); positions
    and sizes in inches of a 13.333 × 7.5 in slide."""

    def text(self, left: float, top: float, width: float, height: float, lines: list[DeckLine]) -> None:
        """Add a text box of (text, points, bold, colour) paragraphs."""

    def picture(self) -> None:
        """Add the view's figure as a picture where its kind says (ViewKind.picture)."""

    def cards(self, cards: list, left: float, top: float, width: float, height: float, gap: float) -> None:
        """Add a row of targets' cards as bordered boxes sharing the width, their type as large as the fullest
        card lets it be."""

    def table(self, table: TableRows, left: float, top: float, widths: list[float], size: float) -> None:
        """Add a native table at a type size, its rows as tall as their text, a group's line merged across it, each
        row's first cell in its colour."""


@dataclass(frozen=True)
class ViewKind:
    """A kind of view: which slides of it a presentation has, and how each is drawn wherever it is shown."""

    name: str
    # Its slides (title, slug, what each is about) from the scores, the language and the work plan (None: no plan).
    views: Callable[[list[Score], str, pd.DataFrame | None], list[View]]
    # The lines under its title: the as-of month and how its targets stand, in words.
    subtitle: Callable[[Meeting, View], list[str]]
    # Its figure at width × height pixels: a PNG or a PDF page with a Header, the deck's picture without one.
    figure: Callable[[Meeting, View, int, int, Header | None], go.Figure]
    # Its body on a deck slide (the deck adds the title, the month and the footer).
    slide: Callable[[SlideSpace, Meeting, View], None]
    # Its body on the presentation page (the page adds the title and the footer).
    page: Callable[[SlideBody, Meeting, View], None]
    # Where its picture goes on a deck slide, (left, top, width, height) in inches; None: no picture.
    picture: tuple[float, float, float, float] | None = None
    # The app's chart it shows (a label width in Latin letters), for a view that is one chart; else None.
    chart: Callable[[Meeting, View, int], go.Figure] | None = None
    in_briefing: bool = False  # the monthly briefing attaches its chart


# The registry of view kinds, in presentation order: filled by lib/views/__init__.py, read through View.kind.
VIEW_KINDS: dict[str, ViewKind] = {}


def register(kind: ViewKind) -> None:
    """Add a view kind at the end of the presentation; raise ValueError when its name is taken or it is not one."""
    if not isinstance(kind, ViewKind):
        raise TypeError(f"{kind!r} is not a ViewKind")
    if kind.name in VIEW_KINDS:
        raise ValueError(f"view kind {kind.name!r} is registered already")
    if kind.in_briefing and kind.chart is None:
        raise ValueError(f"view kind {kind.name!r} is in the briefing but has no chart")
    VIEW_KINDS[kind.name] = kind


def unregister(name: str) -> None:
    """Remove a view kind (a test's throw-away one); raise KeyError when there is none of that name."""
    del VIEW_KINDS[name]
