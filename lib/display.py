"""What the pages show, built without Streamlit: escaped Markdown, badges, display tables, slide figures."""

from __future__ import annotations

import html
import re

import pandas as pd

from lib import intake
from lib.dataset import Dataset
from lib.engine import Score, default_period
from lib.fmt import (
    decimals,
    display_unit,
    display_width,
    estimate,
    format_month_range,
    format_pct,
    format_period,
    format_target,
    format_value,
    is_missing,
    trim_number,
)
from lib.i18n import category_label, chinese_only, departments_label, status_label, t
from lib.kinds import KINDS, STATUSES, WORST_FIRST
from lib.plans import headline_scores
from lib.safety import clean_control, neutralise_frame

_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~$#])")
# What Streamlit's Markdown turns into live links, emoji or icons from plain text, whatever is escaped (it finds them
# after the escapes are read): a word joiner (U+2060, invisible) splits ://, www., @ and :name: so that none forms.
_LIVE_TEXT = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)|(?<=:)(?=[\w/-]+:)", re.IGNORECASE)

# Group robots (WeCom, DingTalk, Feishu) read a Markdown with links, <font>, <@all> and no escapes: there the
# characters that start markup become their full-width forms, which read the same in a Chinese sentence.
_ROBOT = str.maketrans({"[": "［", "]": "］", "(": "（", ")": "）", "<": "＜", ">": "＞", "*": "＊", "`": "｀",
                        "_": "＿", "#": "＃", "~": "～", "|": "｜", "\\": "＼", "$": "＄", "!": "！", "@": "＠",
                        "&": "＆", "\n": " ", "\r": " ", "\t": " "})


def md(text: object, robot: bool = False) -> str:
    """Return text (a name, a note, a message with them) made inert for Markdown, so data shows as typed: control
    characters removed, Markdown's own characters escaped for Streamlit, or, for a group robot's Markdown
    (robot=True), replaced by their full-width forms (links, <font>, <@all> stay text). The one escaping helper:
    every title, card, caption and robot message that carries user text goes through it."""
    text = clean_control(str(text))
    return text.translate(_ROBOT) if robot else _LIVE_TEXT.sub("\u2060", _MARKDOWN.sub(r"\\\1", text))


def badge_markdown(status: str, label: str) -> str:
    """Return a status badge as Markdown (colour and icon), for use inside another text element."""
    s = STATUSES[status]
    return f":{s.badge_color}-badge[{s.badge_icon} {md(label)}]"


def status_count_badges(counts: dict[str, int], language: str) -> str:
    """Return the status counts as one line of coloured Markdown badges (a status with its figure in hand but not
    judged, no baseline yet, only when some target has it: a badge of 0 on every month else)."""
    return "#### " + "　".join(
        f":{STATUSES[s].badge_color}-badge[{STATUSES[s].symbol} {t(STATUSES[s].words_key, language)} {n}]"
        for s, n in counts.items() if n or not STATUSES[s].has_figure)


def progress_count_badges(counts: dict[str, int], language: str) -> str:
    """Return the progress counts as one line of coloured Markdown badges."""
    colors = {"behind": "red", "not_started": "orange", "in_progress": "blue", "done": "green", "none": "gray"}
    return "#### " + "　".join(f":{colors[s]}-badge[{t('prog_' + s, language)} {n}]" for s, n in counts.items())




def _shortfall(score: Score, language: str) -> str:
    """Return how one headline target falls short, in its kind's words: below its expected progress or target by so
    many points, or its status."""
    return KINDS[score.kind].shortfall(score, language)


def answer_sentence(scores: list[Score], year: int, as_of: int, language: str) -> str:
    """Return the overview's first sentence: how many targets stand where, and which headline targets fall short
    (those behind, worst first; else those to watch; else those without data), or that all are on pace. A year
    without any data says so once."""
    if scores and not any(STATUSES[s.status].judged for s in scores):
        return t("answer_year_no_data", language, year=year, total=len(scores))
    counts = {name: sum(s.status == name for s in scores) for name in STATUSES}
    text = t("answer_counts", language, period=format_period(year, as_of, language), total=len(scores), **counts)
    for name, n in counts.items():  # each unjudged status its own count: "no data" is not "no baseline yet"
        if n and not STATUSES[name].judged:
            text += t(STATUSES[name].answer_count_key, language, n=n)
    headline = headline_scores(scores)
    for status in WORST_FIRST:
        short = sorted((s for s in headline if s.status == status), key=lambda s: s.gap_points or 0.0)
        if short and not STATUSES[status].on_pace:
            sep = ", " if language == "en" else "、"
            text += t("answer_headline", language, items=sep.join(_shortfall(s, language) for s in short))
            break
    else:
        if headline:
            text += t("answer_all_on_pace", language)
    return text + t("answer_end", language)


def csv_bytes(frame) -> bytes:
    """Return a frame as UTF-8 CSV with BOM (opens correctly in Chinese Excel), formulas neutralised."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_sheet_names(data: bytes) -> list[str]:
    """Return the sheets of an uploaded workbook (none when it cannot be opened)."""
    try:
        return intake.xlsx_sheets(data)
    except Exception:  # the intake report explains an unreadable workbook
        return []


def next_period(ds: Dataset) -> tuple[int, int]:
    """Return the month after the latest with data (the one analysts report next)."""
    latest = default_period(ds)
    if latest is None:
        year = ds.catalog.years()[-1] if ds.catalog.years() else 2021
        return year, 1
    year, month = latest
    return (year, month + 1) if month < 12 else (year + 1, 1)


def _rounded(value: float | None, digits: int) -> float | None:
    """Return a number rounded for reading, or None when it is missing."""
    return None if is_missing(value) else round(value, digits)


def requirement_text(score: Score, language: str) -> str:
    """Return what a target asks for, in the table's unit: ≥24亿件, 零发生, ≥10万个（挑战值 15万个）; ≥24 in English."""
    kind = KINDS[score.kind]
    _, scale = table_unit(score, language)

    def amount(value: float) -> str:
        unit = "" if language == "en" and score.unit != "%" else score.unit  # English names the unit in its column
        return f"{trim_number(value * scale)}{unit}"

    text = kind.requirement(score, language, amount)
    if kind.shows_completion and score.stretch is not None and score.stretch == score.stretch:
        stretch = f"{t('stretch', language)} {amount(score.stretch)}"
        text += f" ({stretch})" if language == "en" else f"（{stretch}）"
    return text


def table_unit(score: Score, language: str) -> tuple[str, float]:
    """Return (unit label, multiplier) of a target's amounts in a table: its own unit in Chinese, the cards' scale
    in English (¥ bn, bn parcels), chosen by the size of its target (else its actual)."""
    return display_unit(score.unit, language, score.target if score.target is not None else score.actual_ytd)


def _scaled(value: float | None, scale: float) -> float | None:
    """Return an amount in a table's unit, or None when it is missing."""
    return None if is_missing(value) else value * scale


def scorecard_table(scores: list[Score], year: int, language: str) -> pd.DataFrame:
    """Return the scorecard as a table for reading and for Excel: one row per target, numbers left as numbers."""
    units = [table_unit(s, language) for s in scores]
    places = [decimals(s.unit, language, s.target if s.target is not None else s.actual_ytd) for s in scores]
    return pd.DataFrame({
        t("col_target_name", language): [s.name_en if language == "en" else s.name for s in scores],
        t("col_category", language): [category_label(s.category, language) for s in scores],
        t("col_lead", language): [departments_label(s.lead_departments, language) for s in scores],
        t("col_status", language): [status_label(s.status, language) for s in scores],
        t("col_requirement", language): [requirement_text(s, language) for s in scores],
        t("col_actual_ytd", language): [_rounded(_scaled(s.actual_ytd, k), n)
                                        for s, (_, k), n in zip(scores, units, places)],
        t("col_unit", language): [label for label, _ in units],
        t("col_completion_pct", language): [_rounded(s.completion_pct, 1) for s in scores],
        t("col_expected_pct", language): [_rounded(s.expected_pct_seasonal, 1) for s in scores],
        t("col_gap_points", language): [_rounded(s.gap_points, 1) for s in scores],
        t("col_yoy_pct", language): [_rounded(s.yoy_growth_pct, 1) for s in scores],
        t("col_growth_target_pct", language): [_rounded(s.growth_target_pct, 1) for s in scores],
        t("col_projection", language): [_rounded(_scaled(estimate(s.projection_year_end, s.unit), k), n)
                                        for s, (_, k), n in zip(scores, units, places)],
        t("col_data_through", language): [format_period(year, s.data_month, language) if s.data_month else ""
                                          for s in scores],
        t("col_sources", language): ["; ".join(s.sources) for s in scores],
    })


def format_timestamp(text: str, language: str) -> str:
    """Return an ISO timestamp from the logs as 2021年11月29日 09:52 (zh) or 29 Nov 2021 09:52 (en); '' stays ''."""
    if not text:
        return ""
    moment = pd.Timestamp(text)
    if language == "en":
        return f"{moment.day} {moment.strftime('%b')} {moment.year} {moment.strftime('%H:%M')}"
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.strftime('%H:%M')}"


def submissions_frame(log: pd.DataFrame, language: str) -> pd.DataFrame:
    """Return the submissions log for reading: who stored which file when, its rows, and whether it still counts."""
    return pd.DataFrame({
        t("col_submission_id", language): log["id"],
        t("col_submitted_at", language): [format_timestamp(v, language) for v in log["submitted_at"]],
        t("col_user", language): log["user"],
        t("col_original_name", language): log["original_name"],
        t("col_rows", language): pd.to_numeric(log["rows"], errors="coerce"),
        t("col_warning_count", language): pd.to_numeric(log["warnings"], errors="coerce"),
        t("col_submission_status", language): [t(f"submission_{s}", language) for s in log["status"]],
        t("col_reverted", language): [f"{format_timestamp(at, language)} · {by}" if at else ""
                                      for at, by in zip(log["reverted_at"], log["reverted_by"])],
        t("col_checksum", language): [v[:12] for v in log["sha256"]],
    })


def intake_summary(parsed, language: str) -> str:
    """Return one line on a checked file: rows or errors, warnings, and how it was read (layout, encoding)."""
    how = [t(f"layout_{parsed.layout}", language)] if parsed.layout else []
    how += [t(f"encoding_{parsed.encoding}", language)] if parsed.encoding else []
    sep = ", " if language == "en" else "，"
    params = dict(file=parsed.file, rows=len(parsed.rows), errors=len(parsed.errors), warnings=len(parsed.warnings),
                  how=sep.join(how) or "—")
    return t("intake_summary_refused" if parsed.errors else "intake_summary_ok", language, **params)


def baseline_note(parsed, catalog, language: str) -> str | None:
    """Return how a checked file's rows of a year without targets are stored: as the baseline (去年同期) of the next
    year's targets; None when it has none."""
    from lib.actuals import baseline_years

    if parsed.rows.empty:
        return None
    bases = baseline_years(catalog)
    counts = parsed.rows["year"].astype(int).value_counts()
    lines = [t("baseline_rows", language, year=int(y), rows=int(n), target_year=bases[int(y)])
             for y, n in sorted(counts.items()) if int(y) in bases]
    return " ".join(lines) or None


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a table as a page shows it: a missing cell blank, never None, nan or NaT. Streamlit's grid writes None
    for any missing cell (a Styler's na_rep included), so a column with one is shown as text; columns without stay
    numbers (sorted as numbers). A CSV of the frame itself keeps its empty cells empty."""
    out = frame.copy()
    for column in out.columns[out.isna().any()]:
        out[column] = out[column].map(_shown_cell).astype("str")
    return out


def _shown_cell(value: object) -> object:
    """Return one cell as a table shows it: '' for a missing one, a float without trailing zeros."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    return f"{value:,.10g}" if isinstance(value, float) else value


def _cell(value: object) -> str:
    """Return a table cell as text: '' for a missing one, never None, nan or NaT."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def problems_frame(problems, language: str):
    """Return problems as a table: severity, row, column, value, message (text throughout, blank where none)."""
    return pd.DataFrame([{
        t("col_severity", language): t(f"severity_{p.severity}", language),
        t("col_row", language): _cell(p.row), t("col_column", language): _cell(p.column),
        t("col_value", language): _cell(p.value), t("col_message", language): p.detail(language),
    } for p in problems])


def region_name(region: str, catalog, language: str) -> str:
    """Return a region as readers of language know it: 全市 / Whole city for the city, else its name or its English
    name from regions.csv (a region without one is marked Chinese-only)."""
    if not region:
        return t("city", language)
    if language != "en":
        return region
    english = catalog.regions["name_en"].get(region, "") if "name_en" in catalog.regions else ""
    return english or chinese_only(region, language)


def region_frame(view, catalog, language: str) -> pd.DataFrame:
    """Return a deep-dive's regions for reading: name, month, value, share of the regions, own target, completion."""
    frame, unit = view.regions, view.score.unit
    table = pd.DataFrame({
        t("col_region", language): [region_name(r, catalog, language) for r in frame["region"]],
        t("col_month", language): [format_month_range(m, m, language) for m in frame["month"]],
        t("actual", language): [format_value(v, unit, language) for v in frame["value"]],
        t("col_share", language): [format_pct(v) for v in frame["share_pct"]],
    })
    if frame["target"].notna().any():  # regions with targets of their own: their target and completion
        table[t("col_target", language)] = [format_target(v, unit, language) for v in frame["target"]]
        table[t("col_completion", language)] = [format_pct(v) for v in frame["completion_pct"]]
    return table


def preview_frame(rows, catalog, language: str):
    """Return parsed rows as they will be stored (indicator names, value in the indicator's unit), beside the value
    and unit as the file wrote them and the sheet they came from, when the rows carry them."""
    columns = {}
    if "source_sheet" in rows and rows["source_sheet"].fillna("").astype(bool).any():
        columns[t("col_sheet", language)] = rows["source_sheet"]
    columns |= {
        t("col_row", language): rows["source_row"],
        t("col_period", language): [format_period(int(y), int(m), language)
                                    for y, m in zip(rows["year"], rows["month"])],
        t("col_target_name", language): [catalog.indicators.at[i, "name_en" if language == "en" else "name_zh"]
                                         for i in rows["indicator"]],
        t("col_region", language): [region_name(r, catalog, language) for r in rows["region"]],
    }
    if "source_value" in rows:
        columns[t("col_source_value", language)] = rows["source_value"]
        columns[t("col_source_unit", language)] = rows["source_unit"]
    columns |= {
        t("col_value", language): rows["value"],
        t("col_unit", language): [catalog.indicators.at[i, "unit"] for i in rows["indicator"]],
        t("col_basis", language): [t(f"basis_{b}", language) for b in rows["basis"]],
        t("col_note", language): [chinese_only(v, language) if isinstance(v, str) else v for v in rows["note"]],
    }
    return pd.DataFrame(columns)


def provenance_frame(frame, unit: str, language: str):
    """Return the provenance table with translated headers and formatted values."""
    if frame.empty:
        return frame
    parts = {t("col_part", language): frame["part"]} if "part" in frame and frame["part"].astype(bool).any() else {}
    return pd.DataFrame({
        t("col_month", language): frame["month"],
        **parts,
        t("col_value", language): [format_value(v, unit, language) for v in frame["value"]],
        t("col_ytd", language): [format_value(v, unit, language) for v in frame["ytd"]],
        t("col_file", language): frame["file"],
        t("col_row", language): [int(r) if r == r and r is not None else "" for r in frame["row"]],
        t("col_submitted", language): frame["submitted"],
        t("col_note", language): [chinese_only(v, language) if isinstance(v, str) else "" for v in frame["note"]],
    })


def league_statuses(frame) -> list[str]:
    """Return the statuses a department league shows a count of: each, but one whose targets have their figure in
    hand (no baseline yet) only when some department has such a target (a column of noughts in every table else)."""
    return [name for name, s in STATUSES.items()
            if name in frame and (not s.has_figure or frame[name].sum() > 0)]


def league_frame(frame, language: str):
    """Return the department league table with translated headers."""
    return pd.DataFrame({
        t("col_department", language): frame["label"],
        t("col_targets", language): frame["targets"],
        **{t(STATUSES[name].words_key, language): frame[name] for name in league_statuses(frame)},
        t("col_on_pace", language): [format_pct(v) for v in frame["on_pace_pct"]],
    })


def table_lines(frame, language: str) -> str:
    """Return a table as Markdown for a phone, a row a paragraph: its first cell in bold, then each other filled cell
    after its column's name (a table of several columns does not fit 390 px; lines wrap)."""
    columns, colon = list(frame.columns), ": " if language == "en" else "："
    rows = []
    for values in frame.itertuples(index=False):
        cells = [f"{md(str(c))}{colon}{md(str(v))}" for c, v in zip(columns[1:], values[1:], strict=True)
                 if v is not None and str(v) not in ("", "nan")]
        rows.append(f"**{md(str(values[0]))}**  \n" + " · ".join(cells))
    return "\n\n".join(rows)


def league_lines(frame, language: str) -> str:
    """Return the department league table as Markdown lines for a phone: name, targets, status counts by symbol
    (as the badges) and the share on pace, one department a line."""
    lines = []
    for r in frame.itertuples(index=False):
        counts = " ".join(f"{STATUSES[name].symbol}{getattr(r, name)}" for name in league_statuses(frame))
        lines.append(f"- **{md(r.label)}** · {t('col_targets', language)} {r.targets} · {counts} · "
                     f"{t('col_on_pace', language)} {format_pct(r.on_pace_pct)}")
    return "\n".join(lines)


def item_label(list_type: str, number: str, text: str, language: str) -> str:
    """Return how a work-plan item is named in a picker: its list, number and the start of its text."""
    short = text if len(text) <= 40 else text[:40] + "…"
    return f"{t('list_' + list_type, language)} {number} · {short}"


def tracker_frame(rows, scores, language: str, with_list: bool = False):
    """Return tracker rows for display: light, number, section, text, lead, progress, linked targets."""
    by_id = {s.indicator: s for s in scores}

    def linked(ids: str) -> str:
        names = []
        for i in filter(None, ids.split(";")):
            if i in by_id:
                s = by_id[i]
                names.append(f"{STATUSES[s.status].symbol} {s.name_en if language == 'en' else s.name}")
        return "；".join(names)

    return pd.DataFrame({
        t("filter_progress_status", language): [t("prog_" + s, language) for s in rows["status"]],
        # Numbers restart in each list: where lists mix (a department's items) the list is named too.
        t("col_number", language): [f"{t('list_' + kind, language)} {n}" for kind, n in
                                    zip(rows["list_type"], rows["number"])] if with_list else rows["number"],
        t("col_section", language): [f"{s.split('·')[-1]}、{title}" if s else "" for s, title in
                                     zip(rows["section"], rows["section_title"])],
        t("col_item", language): rows["text"],
        t("col_lead", language): [departments_label(v.split("、"), language) for v in rows["lead_departments"]],
        t("col_progress", language): rows["narrative"],
        t("col_updated", language): [format_month_range(int(m), int(m), language) if m == m else ""
                                     for m in rows["updated_month"]],
        t("col_done_date", language): rows["completion_date"],
        t("col_linked_targets", language): [linked(v) for v in rows["target_ids"]],
    })


def tracker_list_html(rows, scores, language: str, with_list: bool = False) -> str:
    """Return tracker rows as an HTML list that reads at every width (the page's styles lay it out): per item its
    status (colour, symbol and words), number, section and full text with linked targets, lead and full progress."""
    by_id = {s.indicator: s for s in scores}
    sep = ": " if language == "en" else "："

    def labelled(key: str, text: str) -> str:
        return f'<span class="plan-label">{html.escape(t(key, language) + sep)}</span>{html.escape(text)}'

    def item(r) -> str:
        number = f"{t('list_' + r.list_type, language)} {r.number}" if with_list else str(r.number)
        section = f"{r.section.split('·')[-1]}、{r.section_title}" if r.section else ""
        linked = [f"{STATUSES[by_id[i].status].symbol} {by_id[i].name_en if language == 'en' else by_id[i].name}"
                  for i in filter(None, r.target_ids.split(";")) if i in by_id]
        when = []
        if r.updated_month == r.updated_month:  # NaN: never reported
            month = int(r.updated_month)
            when.append(t("col_updated", language) + sep + format_month_range(month, month, language))
        if r.completion_date:
            when.append(t("col_done_date", language) + sep + r.completion_date)
        text = (f'<span class="plan-section">{html.escape(section)}</span>' if section else "") + html.escape(r.text)
        if linked:
            text += f'<span class="plan-links">{labelled("col_linked_targets", "；".join(linked))}</span>'
        progress = labelled("col_progress", r.narrative or "—")
        if when:
            progress += f' <span class="plan-meta">({html.escape(" · ".join(when))})</span>'
        return (f'<div class="plan-item"><div class="plan-status {html.escape(r.status)}">'
                f'{html.escape(t("prog_" + r.status, language))}</div><div class="plan-number">{html.escape(number)}'
                f'</div><div class="plan-text">{text}</div><div class="plan-lead">'
                f'{labelled("col_lead", departments_label(r.lead_departments.split("、"), language))}</div>'
                f'<div class="plan-progress">{progress}</div></div>')

    head = "".join(f"<div>{html.escape(t(key, language))}</div>"
                   for key in ("filter_progress_status", "col_number", "col_item", "col_lead", "col_progress"))
    return (f'<div class="plan-list"><div class="plan-item head">{head}</div>'
            + "".join(item(r) for r in rows.itertuples(index=False)) + "</div>")


def slide_heading(text: str) -> str:
    """Return a slide's headline as Markdown, its heading level chosen so it fits one line beside the chart
    of a 1280-wide slide (width counted in Latin letters, a Chinese character two): a second line would push
    the footer off the screen."""
    width = display_width(text)
    level = "###" if width <= 56 else "####" if width <= 68 else "#####"
    return f"{level} {md(text)}"


def presentation_figure(fig, height: int):
    """Return a figure restyled for the back of a room: larger type, fixed height; a taller chart (a 1080p
    screen) gets type larger in proportion, since the room is as far away."""
    scale = max(1.0, height / 480)

    def size(points: int) -> int:
        return round(points * scale)

    fig.update_layout(height=height, font=dict(size=size(17)), margin=dict(l=10, r=20, t=40, b=size(40)))
    if fig.layout.legend.y is not None and fig.layout.legend.y < 0:  # a legend under the plot needs room
        fig.update_layout(margin=dict(b=size(95)), legend=dict(y=-0.2, font=dict(size=size(13))))
    elif fig.layout.legend.yref == "container":  # the overview's legend at the top: the slide's footer has one
        fig.update_layout(showlegend=False)
    fig.update_annotations(font_size=size(16))
    fig.update_xaxes(tickfont_size=size(15), title_font_size=size(15))
    fig.update_yaxes(tickfont_size=size(15), title_font_size=size(15))
    fig.update_traces(textfont_size=size(16), selector=dict(mode="text"))
    return fig
