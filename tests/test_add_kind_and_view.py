"""The README's "Add a target kind" and "Add a view", done once: a throw-away kind (an upper limit, "ceiling": lower is
better, judged against its target) and a throw-away view (each upper limit's headroom) go in through the public
registries only — the kind's class, its entry and its texts; the view's module-like functions and its registry line —
and show in every page and every export with their words and numbers."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from lib import digest, export, kinds, theme, views
from lib.briefing import monthly_briefing
from lib.catalog import TARGET_COLUMNS
from lib.charts import base_layout
from lib.dataset import open_dataset
from lib.display import md
from lib.fmt import format_target, format_value
from lib.i18n import TEXT, status_label, t
from lib.kinds import STATUSES, TargetKind, words
from lib.score import EMPTY, Score, Series, meets, percent
from lib.views import Header, Meeting, SlideBody, SlideSpace, View, ViewKind
from lib.views.figure import chart_figure
from tests.conftest import CITY, MINI_TARGETS, REPO, add_actuals, monthly, plotly_values, write_csv
from tests.documents import cell_texts, docx_paragraphs, plain

NEEDS_BROWSER = os.environ.get("CI") == "true" or export.chromium_path() is not None
browser_only = pytest.mark.skipif(not NEEDS_BROWSER, reason="no Chromium here (CI requires it)")
APP = str(REPO / "app.py")

# --- the kind: one class with its rules, one entry, its texts ---------------------------------------------------------

WARN_SHARE = 0.9  # an upper limit used to 90% or more is to watch


class Ceiling(TargetKind):
    """An upper limit on the year to date: on pace while under 90% of it, to watch up to it, behind beyond it."""

    def score(self, score: Score, cur: Series, base: Series, as_of: int, num: Series = EMPTY,
              den: Series = EMPTY) -> None:
        m = cur.latest_month(as_of)
        if m is None or score.target is None:
            return
        actual = cur.ytd[m]
        score.actual_ytd, score.data_month = actual, m
        score.completion_pct = percent(actual, score.target)  # the share of the limit used
        score.gap_points = score.target - actual  # the headroom, in the target's unit
        if not meets(actual, score.target, "≤"):
            score.status = "red"
        else:
            score.status = "yellow" if actual >= WARN_SHARE * score.target else "green"

    def _gap(self, s: Score, lang: str) -> str:
        value, limit = format_value(s.actual_ytd, s.unit, lang), format_value(s.target, s.unit, lang)
        if s.gap_points >= 0:
            return t("ceiling_room", lang, value=value, limit=limit, room=format_value(s.gap_points, s.unit, lang))
        return t("ceiling_over", lang, value=value, limit=limit, over=format_value(-s.gap_points, s.unit, lang))

    def card_target(self, s: Score, lang: str) -> str:
        return f"{t('ceiling_target', lang)}{words.separator(lang)}≤{format_target(s.target, s.unit, lang)}"

    def card_delta(self, s: Score, lang: str) -> tuple[str, str] | None:
        return None  # a headroom reads as a fall in Streamlit's delta arrow: said in the lines instead

    def gap_sentence(self, s: Score, lang: str) -> str:
        return self._gap(s, lang)

    def formula_lines(self, s: Score, lang: str) -> list[str]:
        return [t("ceiling_formula", lang, value=format_value(s.actual_ytd, s.unit, lang),
                  limit=format_value(s.target, s.unit, lang), status=status_label(s.status, lang))]

    def brief_sentence(self, s: Score, year: int, as_of: int, lang: str) -> str:
        return t("ceiling_brief", lang, **words.sentence_parts(s, year, as_of, lang), text=self._gap(s, lang))

    def brief_clause(self, s: Score, lang: str) -> str:
        return self._gap(s, lang).rstrip("。.")

    def requirement(self, s: Score, lang: str, amount) -> str:
        return f"≤{amount(s.target)}"

    def digest_line(self, s: Score, lang: str) -> str:
        return words.headline_value(s, self.brief_clause(s, lang), lang)

    def shortfall(self, s: Score, lang: str) -> str:
        return words.status_shortfall(s, lang)


CEILING = Ceiling("ceiling", label_key="kind_ceiling", judged_by="ceiling", target_value_required=True,
                  chart_target_line=True, chart_actual_key="chart_cumulative", default_aggregation="sum")
KIND_TEXTS = {
    "kind_ceiling": ("上限", "Upper limit"),
    "ceiling_target": ("上限", "Limit"),
    "ceiling_room": ("累计{value}，距上限{limit}还有{room}。", "{value} so far, {room} below the limit of {limit}."),
    "ceiling_over": ("累计{value}，超出上限{limit}{over}。", "{value} so far, {over} over the limit of {limit}."),
    "ceiling_formula": ("累计 {value}，上限 {limit}；不足九成为进度正常，九成至上限为需关注，超出为滞后 → {status}",
                        "Year to date {value}, limit {limit}; under 90% of it on pace, up to it watch, over it behind"
                        " → {status}"),
    "ceiling_brief": ("{area}{name}{late}{text}", "{name}{late}: {text}"),
}

# --- the view: its functions and its registry line ---------------------------------------------------------------


def _limited(scores: list[Score]) -> list[Score]:
    return [s for s in scores if s.kind == CEILING.name]


def limits_views(scores: list[Score], lang: str, tracker) -> list[View]:
    return [View("limits", t("slide_limits", lang), "limits")] if _limited(scores) else []


def _lines(m: Meeting) -> list[str]:
    return [f"{STATUSES[s.status].symbol} {words.name(s, m.lang)}：{format_value(s.actual_ytd, s.unit, m.lang)} / "
            f"≤{format_target(s.target, s.unit, m.lang)}" for s in _limited(m.scores)]


def limits_subtitle(m: Meeting, view: View) -> list[str]:
    return [f"{m.as_of_words()} · {'；'.join(_lines(m))}"]


def limits_chart(m: Meeting, view: View, label_width: int = 30) -> go.Figure:
    limited = _limited(m.scores)
    fig = go.Figure(go.Bar(y=[words.name(s, m.lang) for s in limited], x=[s.actual_ytd for s in limited],
                           orientation="h", name=t("slide_limits", m.lang),
                           marker_color=[STATUSES[s.status].color for s in limited]))
    fig.add_scatter(y=[words.name(s, m.lang) for s in limited], x=[s.target for s in limited], mode="markers",
                    name=t("ceiling_target", m.lang),
                    marker=dict(symbol="line-ns", size=22, line=dict(width=3, color=theme.INK)))
    fig.update_layout(**base_layout(height=360))
    return fig


def limits_figure(m: Meeting, view: View, width: int, height: int, header: Header | None) -> go.Figure:
    return chart_figure(limits_chart(m, view), width, height, header)


def limits_slide(space: SlideSpace, m: Meeting, view: View) -> None:
    space.text(0.5, 1.0, 12.3, 0.4, [(limits_subtitle(m, view)[0], 14, False, theme.NOTE)])
    space.picture()


def limits_page(body: SlideBody, m: Meeting, view: View) -> None:
    body.markdown("\n".join(f"- {md(line)}" for line in _lines(m)))
    body.chart(limits_chart(m, view))


LIMITS = ViewKind("limits", views=limits_views, subtitle=limits_subtitle, figure=limits_figure, slide=limits_slide,
                  page=limits_page, picture=(0.4, 1.35, 12.5, 5.5), chart=limits_chart, in_briefing=True)
VIEW_TEXTS = {"slide_limits": ("上限指标", "Upper limits")}

# --- a plan with one upper limit, its figures worked by hand ----------------------------------------------------------
# Major complaints: 2 + 3 + 4 = 9起 by March against a limit of 12起 for the year: 75% used, on pace; 3起 of headroom.
LIMIT = dict(id="major_complaints", year=2021, name_zh="快递重大投诉", name_en="Major parcel complaints",
             category="quality", lead_departments="市场监管处", unit="起", target_value=12, comparator="≤",
             kind="ceiling", aggregation="sum", headline=2)
ROOM = "累计9起，距上限12起还有3起。"


@pytest.fixture(scope="module")
def added():
    """Add the ceiling kind and the limits view (and their texts) for this module; remove them afterwards."""
    with pytest.MonkeyPatch.context() as patch:
        for key, pair in {**KIND_TEXTS, **VIEW_TEXTS}.items():
            patch.setitem(TEXT, key, pair)
        kinds.register(CEILING)
        views.register(LIMITS)
        try:
            yield
        finally:
            views.unregister(LIMITS.name)
            kinds.unregister(CEILING.name)
    assert "ceiling" not in kinds.KINDS and "limits" not in views.VIEW_KINDS


@pytest.fixture(scope="module")
def data(added, tmp_path_factory) -> Path:
    """Return the mini plan with the upper limit added (headline 2 after parcels) and three months of figures."""
    data = tmp_path_factory.mktemp("ceiling") / "data"
    rows = [dict(r, headline=1) if r["id"] == "parcels" else r for r in MINI_TARGETS] + [LIMIT]
    write_csv(data / "targets.csv", rows, TARGET_COLUMNS)
    shutil.copy(CITY / "regions.csv", data / "regions.csv")
    add_actuals(data, "2021.csv", monthly("major_complaints", 2021, [2, 3, 4]) + monthly("parcels", 2021, [5, 7, 9])
                + monthly("incidents", 2021, [0, 0, 0]))
    return data


def test_the_kind_and_the_view_are_in_their_tables_and_an_unknown_view_is_an_error(added):
    assert kinds.KINDS["ceiling"] is CEILING and list(views.VIEW_KINDS)[-1] == "limits"
    with pytest.raises(ValueError, match="view kind 'limits' is registered already"):
        views.register(LIMITS)
    with pytest.raises(ValueError, match="unknown view kind 'nope'"):
        View("nope", "?", "nope")

    class Half(TargetKind):  # a kind that forgets its rules cannot be made, let alone fall through
        def score(self, *args) -> None:
            pass

    with pytest.raises(TypeError, match="abstract"):
        Half("half")


def test_the_engine_and_every_sentence_use_the_kinds_rules(data):
    ds = open_dataset(data)
    m = views.meeting(ds, 2021, 3, "zh")
    score = m.score("major_complaints")
    assert (score.status, score.actual_ytd, score.completion_pct) == ("green", 9.0, 75.0)
    assert [v.slug for v in m.views()] == ["scorecard", "overview", "parcels", "major_complaints", "green", "limits"]
    assert views.view_subtitle(m, m.view("major_complaints"))[1] == ROOM
    assert views.view_subtitle(m, m.view("limits")) == ["截至2021年3月 · ● 快递重大投诉：9起 / ≤12起"]


def run_page(monkeypatch, data: Path, page: str, **params) -> AppTest:
    monkeypatch.setenv("KPI_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=60).run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, (page, at.exception)
    return at


def page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error")
             for e in at.get(kind) if isinstance(getattr(e, "value", None), str)]
    return "\n".join(parts + [f"{m.label} {m.value}" for m in at.metric])


def test_every_page_shows_the_upper_limit(monkeypatch, data):
    overview = page_text(run_page(monkeypatch, data, "pages/overview.py"))
    assert "上限：≤12起" in overview and "快递重大投诉" in overview
    indicator = page_text(run_page(monkeypatch, data, "pages/indicator.py", id="major_complaints"))
    assert "上限 · 上限：≤12起" in indicator and ROOM in indicator  # the kind's label, its target, its gap sentence
    assert "累计 9起，上限 12起；不足九成为进度正常，九成至上限为需关注，超出为滞后 → 进度正常" in indicator
    departments = page_text(run_page(monkeypatch, data, "pages/departments.py"))
    assert "快递重大投诉" in departments
    for page in ("pages/tracker.py", "pages/upload.py", "pages/plan.py"):
        run_page(monkeypatch, data, page)


def test_the_presentation_page_shows_the_view_and_the_limits_slide(monkeypatch, data):
    at = run_page(monkeypatch, data, "pages/present.py", view="limits")
    titles = [m.value for m in at.markdown if m.value.startswith("# ")]
    assert titles == ["# 上限指标"] and "- ● 快递重大投诉：9起 / ≤12起" in page_text(at)
    assert plotly_values(json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["x"]) == [9]
    at = run_page(monkeypatch, data, "pages/present.py", view="major_complaints")
    assert "### " + ROOM in page_text(at)
    seen = []
    at = run_page(monkeypatch, data, "pages/present.py")
    while True:  # every view, previous to next
        seen.append(next(m.value for m in at.markdown if m.value.startswith("# ")))
        if at.button(key="slide_next").disabled:
            break
        at.button(key="slide_next").click().run()
        assert not at.exception
    assert seen[-1] == "# 上限指标" and len(seen) == 6


@browser_only
def test_every_export_shows_them(data, tmp_path):
    from docx import Document
    from pptx import Presentation
    from pypdf import PdfReader

    from tests.image_checks import text_boxes

    ds = open_dataset(data)
    m = views.meeting(ds, 2021, 3, "zh")
    # PNG: the view's picture explains itself: its title, month and headroom, and the bar of 9
    svg = export.figure_svg(views.view_figure(m, m.view("limits")))
    texts = " ".join(b.text for b in text_boxes(svg))
    assert "上限指标" in texts and "截至2021年3月 · ● 快递重大投诉：9起 / ≤12起" in texts
    pngs = export.export_pngs(m, tmp_path / "png")
    assert [p.name for p in pngs][-1] == "06_limits.png"
    # PPTX: the view's slide, and the upper limit's own slide with its target and gap sentence
    slugs = [v.slug for v in m.views()]
    deck = Presentation(io.BytesIO(export.build_deck(ds, 2021, 3, "zh", m=m)))
    slides = dict(zip(slugs, deck.slides, strict=True))
    text = {slug: plain(" ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame))
            for slug, slide in slides.items()}
    assert text["limits"].startswith("上限指标") and "快递重大投诉：9起 / ≤12起" in text["limits"]
    assert "上限：≤12起" in text["major_complaints"] and ROOM in text["major_complaints"]
    assert sum(sh.shape_type == 13 for sh in slides["limits"].shapes) == 1  # the view's picture
    # PDF: the same pages, text selectable
    pdf = dict(zip(slugs, PdfReader(io.BytesIO(export.build_pdf(m))).pages, strict=True))
    assert "上限指标" in pdf["limits"].extract_text().replace(" ", "")
    # The briefing: the limit's sentence among the headline targets, its row in the table, the view's chart attached
    doc = Document(io.BytesIO(monthly_briefing(ds, 2021, 3, "zh").data))
    paragraphs = docx_paragraphs(doc)
    assert any(p.endswith("全市快递重大投诉" + ROOM) for p in paragraphs), paragraphs
    row = next(r for r in doc.tables[0].rows if r.cells[1].text == "快递重大投诉")
    assert cell_texts(row)[2:4] == ["≤12起", "9起"]
    assert paragraphs[-1] == "图4　上限指标" and len(doc.inline_shapes) == 4  # overview, two headline targets, limits
    # The digest's text: the headline line in the limit's words
    result = digest.run_digest(ds, 2021, 3, tmp_path / "outbox", "zh", charts=False)
    assert "- 快递重大投诉：累计9起，距上限12起还有3起（进度正常）" in result.summary.splitlines()


def test_english_says_it_too(data):
    m = views.meeting(open_dataset(data), 2021, 3, "en")
    room = "9 incidents so far, 3 incidents below the limit of 12 incidents"  # English counts 起 as incidents
    assert views.view_subtitle(m, m.view("major_complaints"))[1] == room + "."
    assert m.view("limits").title == "Upper limits"
    summary = digest.summary_markdown(digest.build_digest(m.scores, 2021, 3, "en"))
    assert f"- Major parcel complaints: {room} (On pace)" in summary.splitlines()
