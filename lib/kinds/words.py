"""Words several kinds' rules share: a target's name and area, how it stands against its pace or its target, what
the rest of the year needs. Every number is written by lib/fmt as the rest of the app writes it; the templates in
lib/locale hold words only."""

from __future__ import annotations

import calendar

from lib import units
from lib.fmt import format_pct, format_period, format_points, format_target, format_value, is_missing, requirement
from lib.i18n import status_label, t
from lib.score import Score

ROUNDING = 0.05  # a difference that prints as 0.0 reads as level, not as ahead or behind


def month_span(start: int, end: int, lang: str) -> str:
    """Return a span of months as official documents write it: 1—10月 (zh, 一字线) or Jan–Oct (en)."""
    names = (calendar.month_abbr[start], calendar.month_abbr[end]) if lang == "en" else (start, end)
    key = "brief_span_single" if start == end else "brief_span"
    return t(key, lang, start=names[0], end=names[1])


def month_name(month: int, lang: str) -> str:
    """Return a month alone: 10月 or Oct."""
    return calendar.month_abbr[month] if lang == "en" else f"{month}月"


def name(s: Score, lang: str) -> str:
    """Return a target's name in the language."""
    return s.name_en if lang == "en" else s.name


def separator(lang: str) -> str:
    """Return what joins a label and its value: ：, or ': ' in English."""
    return ": " if lang == "en" else "："


def area(s: Score, lang: str) -> str:
    """Return 全市 before a city-wide target's name in Chinese (a regional target names its region)."""
    return t("city", lang) if lang != "en" and not s.region else ""


def late(s: Score, year: int, as_of: int, lang: str) -> str:
    """Return the note that a target's latest data is older than the as-of month, or ''."""
    if s.data_month is None or s.data_month >= as_of:
        return ""
    return t("brief_data_through", lang, period=format_period(year, s.data_month, lang))


def sentence_parts(s: Score, year: int, as_of: int, lang: str) -> dict[str, str]:
    """Return what every briefing sentence names: area, name, the late-data note and the actual."""
    return dict(area=area(s, lang), name=name(s, lang), late=late(s, year, as_of, lang),
                actual=format_value(s.actual_ytd, s.unit, lang))


def amount(value: float, s: Score, lang: str) -> str:
    """Return a difference in the target's unit: 个百分点 for percentages, the unit otherwise (0.3分)."""
    if s.unit == "%":
        return format_points(abs(value), lang).lstrip("+")
    return format_value(abs(value), s.unit, lang)


def is_level(value: float) -> bool:
    """Return whether a difference prints as nothing at all."""
    return abs(value) < ROUNDING


def pace_words(s: Score, lang: str) -> str:
    """Return 高于/低于序时进度 x 个百分点 (or 与序时进度持平) from a score's gap to expected progress."""
    if is_missing(s.gap_points) or is_level(s.gap_points):
        return t("brief_pace_level", lang)
    key = "brief_pace_ahead" if s.gap_points > 0 else "brief_pace_behind"
    return t(key, lang, points=format_points(abs(s.gap_points), lang).lstrip("+"))


def required(s: Score, months: str, lang: str, compare: bool = True) -> str:
    """Return what the months left need (months: how the caller writes them): 11–12月还需月均完成2.38亿件，比去年同期
    月均高7.2%. A count is a whole number: its monthly average is rounded up (2.67个 a month asks for 3: 2 would fall
    short), and a count needing less than one a month says the total instead (还需完成1家: "0.5家 a month" is no
    number anyone can build), against last year's same months in total."""
    left = 12 - s.data_month
    by_total = units.lookup(s.unit).whole and s.required_monthly_avg < 1
    if by_total:
        text = t("gap_required_total", lang, months=months,
                 value=format_value(requirement(s.required_monthly_avg * left, s.unit), s.unit, lang))
    else:
        text = t("gap_required", lang, months=months,
                 value=format_value(requirement(s.required_monthly_avg, s.unit), s.unit, lang))
    if compare and s.baseline_remaining_monthly_avg and s.baseline_remaining_monthly_avg > 0:
        diff = (s.required_monthly_avg / s.baseline_remaining_monthly_avg - 1) * 100
        pct = format_pct(abs(diff))
        if by_total:
            text += t("gap_total_vs_last_year_higher" if diff >= 0 else "gap_total_vs_last_year_lower", lang, pct=pct)
        else:
            text += t("gap_vs_last_year_higher" if diff >= 0 else "gap_vs_last_year_lower", lang, pct=pct)
    return text


def rest_of_year(s: Score, lang: str) -> str:
    """Return what the rest of the year needs: ；11—12月还需月均完成2.38亿件，比去年同期月均高7.2%, or ''."""
    if s.data_month is None or s.data_month >= 12 or s.required_monthly_avg is None:
        return ""
    if not s.required_monthly_avg:
        return t("brief_met", lang)
    return t("brief_required", lang, text=required(s, month_span(s.data_month + 1, 12, lang), lang))


def stretch(s: Score, lang: str) -> str:
    """Return ；挑战值15万个，已完成54.3%, or '' without a stretch value."""
    if s.stretch_completion_pct is None:
        return ""
    return t("brief_stretch", lang, value=format_target(s.stretch, s.unit, lang),
             pct=format_pct(s.stretch_completion_pct))


def yoy(s: Score, lang: str) -> str:
    """Return ，同比增长16.9%（目标增长15.0%）, or '' without last year's figure."""
    if s.yoy_growth_pct is None:
        return ""
    if is_level(s.yoy_growth_pct):
        text = t("brief_yoy_flat", lang)
    else:
        key = "brief_yoy_up" if s.yoy_growth_pct > 0 else "brief_yoy_down"
        text = t(key, lang, pct=format_pct(abs(s.yoy_growth_pct)))
    if s.growth_target_pct is not None:
        text += t("brief_growth_target", lang, pct=format_pct(s.growth_target_pct, signed=lang == "en"))
    return text


def rate_compare(s: Score, lang: str) -> str:
    """Return 高于/低于目标值（95%）1.2个百分点, or 达到目标值（95%）."""
    target = format_target(s.target, s.unit, lang)
    if is_missing(s.gap_points) or is_level(s.gap_points):
        return t("brief_rate_at", lang, target=target)
    key = "brief_rate_above" if s.gap_points > 0 else "brief_rate_below"
    return t(key, lang, target=target, diff=amount(s.gap_points, s, lang))


def change(s: Score, lang: str) -> str:
    """Return 提高/下降0.3分 against last year's same period, or 持平."""
    if is_level(s.gap_points):
        return t("brief_change_flat", lang)
    key = "brief_change_up" if s.gap_points > 0 else "brief_change_down"
    return t(key, lang, diff=amount(s.gap_points, s, lang))


def value_clause(s: Score, lang: str) -> str:
    """Return 目前为99.5%，低于目标值（100%）0.5个百分点: a value against the target value."""
    return t("brief_clause_value", lang, actual=format_value(s.actual_ytd, s.unit, lang),
             compare=rate_compare(s, lang))


def target_value(s: Score, lang: str) -> str:
    """Return the card's target of a kind judged against its target value: 目标：≥24亿件."""
    return f"{t('target', lang)}{separator(lang)}{s.comparator}{format_target(s.target, s.unit, lang)}"


def headline_value(s: Score, clause: str, lang: str) -> str:
    """Return the digest's line of a headline target told by a clause: 通达率：目前为99.5%，…（需关注）."""
    return t("digest_headline_value", lang, name=name(s, lang), clause=clause, status=status_label(s.status, lang))


def status_shortfall(s: Score, lang: str) -> str:
    """Return a headline target that falls short told by its status: 邮政普遍服务满意度滞后."""
    words = status_label(s.status, lang)
    return t("answer_status", lang, name=name(s, lang), status=words.lower() if lang == "en" else words)


def base_words(kind, s: Score, lang: str) -> str:
    """Return the period whose figure a target waiting for its baseline needs, as a sentence says it (2020年10月;
    2020年全年 for a kind judged on the baseline year's total; 上年同期 without a baseline year): `kind` is the
    score's kind (its base_period)."""
    period = kind.base_period(s)
    if period is None:
        return t("base_last_year", lang)
    return t("base_year_total", lang, year=period[0]) if kind.base_is_year_total else format_period(*period, lang)
