"""The monthly briefing (通报) as data: its title, sections, sentences, charts and table, built from the engine.

Every number in a sentence comes from a Score (or the work-plan tracker) and is written by lib/fmt as
the rest of the app writes it; the templates in lib/i18n hold words only. Rendering to Word is
lib/briefing/word.py; nothing here needs python-docx or a browser.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from lib import config
from lib.dataset import Dataset
from lib.engine import Score, scorecard, status_counts
from lib.fmt import format_pct, format_period, format_target, format_value, is_missing
from lib.i18n import category_label, department_label, departments_label, original, status_label, t
from lib.kinds import KINDS, STATUSES, WORST_FIRST, words
from lib.kinds.words import month_span, separator
from lib.plans import HEADLINE_CATEGORY, overview_groups, plan_for
from lib.views import briefing_charts, meeting

CHINESE_DIGITS = "零一二三四五六七八九"
# what 存在问题 lists, worst first: the statuses judged and not on pace
PROBLEM_STATUSES = tuple(name for name in WORST_FIRST if STATUSES[name].judged and not STATUSES[name].on_pace)


@dataclass(frozen=True)
class PlanIdentity:
    """Who issues the briefing and which plan it reports on."""

    issuer: str
    plan: str


def plan_identity(ds: Dataset, year: int, lang: str = "zh") -> PlanIdentity:
    """Return the issuing body and the plan (with its 文号) the briefing cites: the year's record in plans.csv."""
    plan = plan_for(ds.catalog, year)
    return PlanIdentity(issuer=plan.issuer(lang), plan=plan.citation(lang))


@dataclass
class Para:
    """One paragraph: an optional run-in lead (（一）快递业务量。 or 1.…) and the text after it."""

    text: str
    lead: str = ""
    lead_style: str = "h2"  # h2: a second-level heading (楷体); h3: a third-level one (仿宋, bold)


@dataclass
class Chart:
    """A figure placed as a picture, with its numbered caption."""

    slug: str
    caption: str
    figure: go.Figure


@dataclass
class Section:
    """A first-level section: its numbered heading (一、总体情况) and its paragraphs."""

    key: str
    heading: str
    blocks: list[Para] = field(default_factory=list)

    def paragraphs(self) -> list[str]:
        """Return the section's paragraphs as plain text, each lead joined to its text."""
        return [b.lead + b.text for b in self.blocks]


@dataclass
class Briefing:
    """Everything the briefing says, in order, ready to be rendered."""

    year: int
    as_of: int
    lang: str
    title: str
    intro: str
    sections: list[Section]
    table_title: str
    table_header: list[str]
    table_rows: list[list[str]]
    row_statuses: list[str]
    table_note: str
    issuer: str
    issued: str
    figures_title: str
    figures: list[Chart] = field(default_factory=list)
    notice: str = ""
    items_title: str = ""  # the attachment of the work-plan items behind, in full ('' when none is behind)
    items_header: list[str] = field(default_factory=list)
    items_rows: list[list[str]] = field(default_factory=list)

    def section(self, key: str) -> Section:
        """Return the section with this key (overall, headline, categories, problems, workplan)."""
        return next(s for s in self.sections if s.key == key)

    def attachments(self, with_figures: bool = True) -> list[str]:
        """Return the titles of the attachments: the table, the items behind (when any is), then the charts (when
        there are any and they are wanted)."""
        return ([self.table_title] + ([self.items_title] if self.items_rows else [])
                + ([self.figures_title] if with_figures and self.figures else []))


def chinese_number(n: int) -> str:
    """Return 1–99 in Chinese numerals, as headings number them: 一, 十, 十二, 二十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CHINESE_DIGITS[ones]
    return ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")


def issued_text(day: dt.date, lang: str) -> str:
    """Return the date of issue: 2021年11月5日 (GB/T 9704 writes it in Arabic digits) or 5 Nov 2021."""
    return t("brief_date", lang, year=day.year, month=day.month, day=day.day, mon=calendar.month_abbr[day.month])


def target_sentence(s: Score, year: int, as_of: int, lang: str = "zh") -> str:
    """Return the sentence reporting one target, in its kind's words; a target without data says so."""
    if s.data_month is None:
        return t("brief_no_data", lang, area=words.area(s, lang), name=words.name(s, lang),
                 period=format_period(year, as_of, lang))
    return KINDS[s.kind].brief_sentence(s, year, as_of, lang)


def gap_clause(s: Score, lang: str = "zh") -> str:
    """Return how far a target is from where it should be, in its kind's words, for the 存在问题 list."""
    return KINDS[s.kind].brief_clause(s, lang)


def requirement(s: Score, lang: str = "zh") -> str:
    """Return what a target asks for, with its unit: ≥24亿件, ≥10万个（挑战值15万个）, 零发生, 不低于去年同期."""
    kind = KINDS[s.kind]
    text = kind.requirement(s, lang, lambda value: format_target(value, s.unit, lang))
    if kind.shows_completion and s.stretch is not None and not is_missing(s.stretch):
        open_, close = (" (", ")") if lang == "en" else ("（", "）")
        space = " " if lang == "en" else ""
        text += f"{open_}{t('stretch', lang)}{space}{format_target(s.stretch, s.unit, lang)}{close}"
    return text


def table_rows(scores: list[Score], lang: str = "zh") -> list[list[str]]:
    """Return one row per target: 序号, 指标, 目标, 实际, 完成率, 序时进度, 状态."""
    return [[str(i), words.name(s, lang), requirement(s, lang), format_value(s.actual_ytd, s.unit, lang),
             format_pct(s.completion_pct), format_pct(s.expected_pct_seasonal), status_label(s.status, lang)]
            for i, s in enumerate(scores, start=1)]


def unjudged_counts(counts: dict[str, int], lang: str = "zh") -> str:
    """Return the briefing's counts of the unjudged statuses (，暂无数据7项): "no data" always, as the briefing has
    always said it, a status with a figure in hand (no baseline yet) only when some target has it."""
    return "".join(t(STATUSES[name].brief_count_key, lang, n=n) for name, n in counts.items()
                   if not STATUSES[name].judged and (n or not STATUSES[name].has_figure))


def problems(scores: list[Score], year: int, as_of: int, lang: str = "zh") -> list[Para]:
    """Return the 存在问题 paragraphs: each red then yellow target with its lead departments and its gap."""
    period = format_period(year, as_of, lang)
    flagged = sorted((s for s in scores if s.status in PROBLEM_STATUSES),
                     key=lambda s: (PROBLEM_STATUSES.index(s.status), s.gap_points if s.gap_points is not None else 0))
    counts = status_counts(scores)
    unjudged = [s for s in scores if not STATUSES[s.status].judged]
    missing = [s for s in unjudged if not STATUSES[s.status].has_figure]
    no_base = [s for s in unjudged if STATUSES[s.status].has_figure]
    if not flagged and not unjudged:
        return [Para(t("brief_problems_none", lang, period=period))]
    judged = len(unjudged) < len(scores)  # a year without data has nothing to compare: its list of names alone
    out = [Para(t("brief_problems_intro", lang, period=period, red=counts["red"], yellow=counts["yellow"]))] \
        if judged else []
    for n, s in enumerate(flagged, start=1):
        lead = t("brief_problem_lead", lang, n=n, name=words.name(s, lang),
                 depts=departments_label(s.lead_departments, lang))
        out.append(Para(t("brief_problem", lang, status=status_label(s.status, lang), clause=gap_clause(s, lang)),
                        lead=lead, lead_style="h3"))
    if missing:
        sep = ", " if lang == "en" else "、"
        out.append(Para(t("brief_no_data_list", lang, names=sep.join(words.name(s, lang) for s in missing)),
                        lead=t("brief_no_data_lead", lang, n=len(flagged) + 1), lead_style="h3"))
    if no_base:  # the figure is in: what is asked for is last year's, never this month's again
        sep = ", " if lang == "en" else "、"
        names = sep.join(t("brief_no_base_item", lang, name=words.name(s, lang),
                           period=words.base_words(KINDS[s.kind], s, lang)) for s in no_base)
        out.append(Para(t("brief_no_base_list", lang, names=names),
                        lead=t("brief_no_base_lead", lang, n=len(flagged) + bool(missing) + 1), lead_style="h3"))
    if judged:
        out.append(Para(t("brief_problems_close", lang)))
    return out


SHORT_TITLE_CHARS = 30  # an item's title in a sentence of the briefing: about a line of 28 characters
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_CLAUSE_END = "，：,:"  # where a long first sentence may stop: a clause's end, never inside a list (、) or a word


def short_title(text: str, limit: int = SHORT_TITLE_CHARS) -> tuple[str, bool]:
    """Return an item's title for a sentence, and whether its first sentence was cut: that sentence, or when it is
    longer than `limit` characters its clauses up to the last clause's end within the limit. Never cut inside a word
    (a first clause longer than the limit is written whole and wraps); the full text is in the briefing's
    attachment."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first, False  # the first sentence names the item: the rest is its detail
    ends = [i for i, ch in enumerate(first[:limit + 1]) if ch in _CLAUSE_END]
    cut = ends[-1] if ends else next((i for i, ch in enumerate(first) if ch in _CLAUSE_END), len(first))
    return first[:cut], True


def workplan_items(tracker: pd.DataFrame | None) -> pd.DataFrame:
    """Return the work-plan items the briefing reports one by one: those behind, in the tracker's order."""
    if tracker is None or tracker.empty:
        return pd.DataFrame()
    return tracker[tracker["status"] == "behind"]


def _item_words(row, lang: str) -> str:
    """Return one item in a sentence: 工作要点第39项（进一步规范行政许可和备案管理工作等），进展：进度滞后，正在督办."""
    title, shortened = short_title(row.text)
    text = original(title, lang) + (t("brief_item_abridged", lang) if shortened else "")
    narrative = t("brief_item_narrative", lang, text=original(row.narrative, lang)) if row.narrative else ""
    return t("brief_item", lang, list=t(f"list_{row.list_type}", lang), number=row.number, text=text,
             narrative=narrative)


def workplan(tracker: pd.DataFrame | None, year: int, as_of: int, lang: str = "zh",
             attachment: int | None = None) -> list[Para]:
    """Return the 工作要点推进 paragraphs: the items' status counts, then the items behind by lead department (their
    titles shortened at a clause, the full text in attachment number `attachment`)."""
    if tracker is None or tracker.empty:
        return [Para(t("brief_workplan_missing", lang))]
    counts = tracker["status"].value_counts()
    present = set(tracker["list_type"])
    lists = (", " if lang == "en" else "、").join(
        t(f"list_{kind}", lang) for kind in ("key_work", "work_item", "livelihood") if kind in present)
    out = [Para(t("brief_workplan_counts", lang, period=format_period(year, as_of, lang), lists=lists,
                  total=len(tracker), **{s: int(counts.get(s, 0))
                                         for s in ("done", "in_progress", "not_started", "behind", "none")}))]
    behind = workplan_items(tracker)
    if behind.empty:
        out.append(Para(t("brief_workplan_none_behind", lang)))
        return out
    out.append(Para(t("brief_workplan_behind", lang)))
    by_dept: dict[str, list[str]] = {}
    for row in behind.itertuples(index=False):
        for dept in [d for d in str(row.lead_departments).split("、") if d] or [""]:
            by_dept.setdefault(dept, []).append(_item_words(row, lang))
    for n, (dept, items) in enumerate(by_dept.items(), start=1):
        lead = t("brief_dept_lead", lang, n=chinese_number(n), dept=department_label(dept, lang) or "—")
        out.append(Para(("; " if lang == "en" else "；").join(items) + ("." if lang == "en" else "。"), lead=lead))
    if attachment is not None:
        out.append(Para(t("brief_items_in_full", lang, n=attachment)))
    if lang == "en":
        out.append(Para(t("original_legend", lang)))
    return out


def item_rows(items: pd.DataFrame, lang: str = "zh") -> list[list[str]]:
    """Return the attachment's rows of the items behind, in full: 序号, 牵头处室, 事项, 进展情况."""
    return [[str(n), departments_label(str(row.lead_departments).split("、"), lang),
             f"{t(f'list_{row.list_type}', lang)} {row.number}{separator(lang)}{original(row.text, lang)}",
             original(row.narrative, lang) if row.narrative else "—"]
            for n, row in enumerate(items.itertuples(index=False), start=1)]


def build_briefing(ds: Dataset, year: int, as_of: int, lang: str = "zh", tracker: pd.DataFrame | None = None,
                   issued: dt.date | None = None, identity: PlanIdentity | None = None,
                   charts: dict[str, tuple[str, go.Figure]] | None = None) -> Briefing:
    """Return the briefing for a year and as-of month: sections of sentences from the scorecard and the work-plan
    tracker (None when there is no plan), then the table and the charts (slug -> (title, figure); {} for none),
    of the views whose kind is in the briefing, in the presentation's order, as attachments."""
    identity = identity or plan_identity(ds, year, lang)
    scores = scorecard(ds, year, as_of)
    if charts is None:
        charts = briefing_charts(meeting(ds, year, as_of, lang, scores=scores, tracker=tracker))
    span = month_span(1, as_of, lang)
    period = format_period(year, as_of, lang)
    groups = overview_groups(scores)
    first = groups[0][1] if groups and groups[0][0] == HEADLINE_CATEGORY else []
    figures = [Chart(slug, t("brief_figure", lang, n=n, title=title), figure)
               for n, (slug, (title, figure)) in enumerate(charts.items(), start=1)]
    counts = status_counts(scores)
    overall = Section("overall", t("brief_h_overall", lang), [Para(t("brief_counts", lang, period=period,
                                                                     total=len(scores), unjudged=unjudged_counts(
                                                                         counts, lang), **counts))])
    if scores and not any(STATUSES[s.status].judged for s in scores):  # no data: said once, not per target
        overall.blocks = [Para(t("brief_year_no_data", lang, year=year, total=len(scores)))]
        first, groups = [], []

    headline = Section("headline", t("brief_h_headline", lang))
    for n, s in enumerate(first, start=1):
        lead = t("brief_cat_lead", lang, n=chinese_number(n), category=words.name(s, lang))
        headline.blocks.append(Para(target_sentence(s, year, as_of, lang), lead=lead))

    others = Section("categories", t("brief_h_categories", lang))
    sep = " " if lang == "en" else ""
    for n, (category, group) in enumerate(groups[1:] if first else groups, start=1):
        sentences = [target_sentence(s, year, as_of, lang) for s in group]
        lead = t("brief_cat_lead", lang, n=chinese_number(n), category=category_label(category, lang))
        others.blocks.append(Para(sep.join(sentences), lead=lead))

    items = workplan_items(tracker)
    sections = [overall, headline, others,
                Section("problems", t("brief_h_problems", lang), problems(scores, year, as_of, lang)),
                Section("workplan", t("brief_h_workplan", lang),
                        workplan(tracker, year, as_of, lang, attachment=2 if not items.empty else None))]
    sections = [s for s in sections if s.blocks]
    for n, section in enumerate(sections, start=1):
        section.heading = (f"{n}. {section.heading}" if lang == "en" else f"{chinese_number(n)}、{section.heading}")

    table_title = t("brief_table_title", lang, year=year, span=span)
    rule = t("how_status", lang, band=config.PACE_YELLOW_BAND_POINTS)
    header = [t(key, lang) for key in ("brief_col_no", "col_target_name", "brief_col_target", "actual",
                                       "brief_col_completion", "expected_seasonal", "col_status")]
    return Briefing(
        year=year, as_of=as_of, lang=lang,
        title=t("brief_title", lang, year=year, span=span),
        intro=t("brief_intro", lang, plan=identity.plan, year=year, span=span),
        notice=t("brief_sample", lang) if ds.is_sample else "",
        sections=sections, table_title=table_title, table_header=header, table_rows=table_rows(scores, lang),
        row_statuses=[s.status for s in scores], table_note=t("brief_table_note", lang, rule=rule),
        issuer=identity.issuer, issued=issued_text(issued or dt.date.today(), lang),
        figures_title=t("brief_figures_title", lang, year=year, span=span), figures=figures,
        items_title=t("brief_items_title", lang, year=year, span=span) if not items.empty else "",
        items_header=[t(key, lang) for key in ("brief_col_no", "brief_col_lead", "brief_col_item", "col_progress")],
        items_rows=item_rows(items, lang),
    )
