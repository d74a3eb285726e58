"""What a scorecard card says for each target, as plain text (used by the pages and exports)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lib.engine import Score
from lib.fmt import estimate, format_month_range, format_pct, format_period, format_target, format_value
from lib.i18n import departments_label, status_label, t
from lib.kinds import KINDS, words


@dataclass
class Card:
    """The texts of one card: title, headline value, progress and detail lines."""

    title: str
    status: str
    status_text: str
    value: str
    target_text: str
    delta: str | None = None
    delta_note: str | None = None  # what the delta is measured against, shown beside it
    progress: float | None = None
    lines: list[str] = field(default_factory=list)


def build_card(s: Score, year: int, as_of: int, lang: str = "zh") -> Card:
    """Return the card texts of one score."""
    en = lang == "en"
    unit, kind = s.unit, KINDS[s.kind]
    card = Card(
        title=s.name_en if en else s.name,
        status=s.status,
        status_text=status_label(s.status, lang),
        value=format_value(s.actual_ytd, unit, lang),
        target_text="",
    )
    sep = ": " if en else "："
    card.target_text = kind.card_target(s, lang)
    if delta := kind.card_delta(s, lang):
        card.delta, card.delta_note = delta
    if s.completion_pct is not None and kind.shows_completion:
        card.progress = max(0.0, min(s.completion_pct, 100.0)) / 100
        line = f"{t('completion', lang)} {format_pct(s.completion_pct)}"
        if s.expected_pct_seasonal is not None:
            line += f" · {t('expected_seasonal', lang)} {format_pct(s.expected_pct_seasonal)}"
            if s.seasonal_basis == "baseline":
                line += f" · {t('expected_linear', lang)} {format_pct(s.expected_pct_linear)}"
        card.lines.append(line)
    if s.stretch_completion_pct is not None:
        card.lines.append(f"{t('stretch', lang)} {format_target(s.stretch, unit, lang)}{sep}"
                          f"{t('completion', lang)} {format_pct(s.stretch_completion_pct)}")
    if s.yoy_growth_pct is not None and kind.shows_yoy:
        line = f"{t('yoy', lang)} {format_pct(s.yoy_growth_pct, signed=True)}"
        if s.growth_target_pct is not None:
            line += f"（{t('growth_target', lang)} {format_pct(s.growth_target_pct, signed=True)}）" if not en \
                else f" ({t('growth_target', lang)} {format_pct(s.growth_target_pct, signed=True)})"
        card.lines.append(line)
    if kind.shows_projection and s.projection_year_end is not None:
        line = f"{t('projection', lang)} {format_value(estimate(s.projection_year_end, unit), unit, lang)}"
        if not s.projection_reliable:
            line += f"（{t('projection_unreliable', lang)}）" if not en else f" ({t('projection_unreliable', lang)})"
        card.lines.append(line)
    if s.required_monthly_avg and s.data_month is not None and s.data_month < 12:
        card.lines.append(words.required(s, format_month_range(s.data_month + 1, 12, lang), lang, compare=False))
    if s.data_month is not None and s.data_month < as_of:
        card.lines.append(t("data_through", lang, period=format_period(year, s.data_month, lang)))
    if s.baseline_consistent is False:
        card.lines.append(t(
            "baseline_warning", lang, target=format_target(s.target, unit, lang), growth=f"{s.growth_target_pct:g}",
            implied=format_value(s.implied_baseline, unit, lang), base_year=s.baseline_year,
            actual=format_value(s.baseline_total, unit, lang), gap=f"{s.baseline_gap_pct:+.1f}"))
    depts = departments_label(s.lead_departments, lang)
    card.lines.append(f"{t('lead', lang)}{sep}{depts}")
    return card
