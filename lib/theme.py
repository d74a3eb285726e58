"""Every colour and type size of the charts, the slides, the deck, the briefing and the pages' CSS, named once, and
the contrast check every text colour passes (WCAG AA: 4.5:1 against the ground it is drawn on).

Nothing else in lib/ or pages/ writes a #RRGGBB or a type size: charts, views, the deck, the briefing and the CSS
read them here (the CSS through the custom properties of `css_variables`). Status fills are Okabe–Ito, told apart by
colour-blind readers; a status written as text uses its darker ink, since the fills are too light to read as text.
"""

from __future__ import annotations

import re

# --- Colours ----------------------------------------------------------------------------------------------------
PLAN_BLUE = "#1F4E79"  # titles, the gap sentence, table headers
INK = "#222222"  # body text
INK_SOFT = "#333333"  # a picture's subtitle and card lines
NOTE = "#444444"  # lines under a title, card details, notes on charts
SOURCE = "#555555"  # the source line, the legend, secondary labels
MUTED = "#666666"  # the least a text may be: captions, a muted projection's note (5.7:1 on white)
RULE = "#CCCCCC"  # card borders, table rules
LIGHT_RULE = "#E0E0E0"  # the work-plan list's row lines
TRACK = "#E5E5E5"  # the empty part of a progress bar; the charts' grid
NARROW_TRACK = "#ECECEC"  # a phone chart's track to 100%
WHITE = "#FFFFFF"
SERIES = "#0072B2"  # this year's series (Okabe–Ito blue)
LAST_YEAR_LINE = "#9E9E9E"  # last year's cumulative line
LAST_YEAR_BARS = "#C7C7C7"  # last year's monthly bars
EXPECTED_LINE = "#7F7F7F"  # the linear expected path
COLORWAY = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#999999")  # Okabe–Ito
NOTE_GROUND = "rgba(255,255,255,0.85)"  # behind a month's note on a chart
GROUP_GROUND = "#E8EEF5"  # a group's line across a table (a department's, in the work plan's views)

# Status colours (lib/kinds' statuses table names them): the fill of bars, bands and badges (Okabe–Ito), and the
# darker ink of the same hue a status is written in.
ON_PACE_FILL, WATCH_FILL, BEHIND_FILL, NO_DATA_FILL = "#009E73", "#E69F00", "#D55E00", "#999999"
ON_PACE_INK, WATCH_INK, BEHIND_INK, NO_DATA_INK = "#006B4C", "#7A5200", "#A63A00", "#555555"
# This period's figure is in but its baseline (last year's) is not: sky blue, a figure waiting to be compared.
NO_BASE_FILL, NO_BASE_INK = "#56B4E9", "#1D6A96"
# Work-plan progress: (text, tinted ground) of each status's badge; the text alone where there is no ground.
PROGRESS_COLORS = {"behind": ("#A63A00", "#FBE1D3"), "not_started": ("#7A5200", "#FCEBC7"),
                   "in_progress": ("#00598A", "#D9EAF6"), "done": ("#006B4C", "#D3EFE4"),
                   "none": ("#555555", "#EBEBEB")}
PROGRESS_FILL = {"behind": BEHIND_FILL, "not_started": WATCH_FILL, "in_progress": SERIES, "done": ON_PACE_FILL,
                 "none": NO_DATA_FILL}  # a department's stacked bar

# --- Type sizes ---------------------------------------------------------------------------------------------------
# The app's charts, in CSS pixels.
CHART_PX = 14  # the template's text: ticks, legend, axis titles
CHART_SMALL_PX = 14  # value labels, month notes, a muted projection's note (never below the 14 px a slide needs)
CHART_HEADING_PX = 15  # a panel's category heading
PHONE_CHART_PX, PHONE_SMALL_PX, PHONE_NOTE_PX = 13, 12, 11  # a phone's charts (held close to the eye)
# The presentation page's charts, in CSS pixels (browser zoom enlarges them on a large screen).
SLIDE_CHART_PX, DENSE_SLIDE_CHART_PX = 16, 14
# A slide's picture (PNG, PDF page, the deck's pictures), in pixels of a 1920-wide slide.
TYPE_PX, NOTE_PX, SOURCE_PX, SUBTITLE_PX, TITLE_PX = 20, 18, 18, 26, 44
# The deck, in points of a 13.333 in slide: 1 pt is 2 px when it fills a 1920-wide screen.
DECK_TITLE_PT, DECK_DATE_PT, DECK_FOOT_PT = 28, 16, 11
DECK_LEAD_PT, DECK_BODY_PT, DECK_SMALL_PT, DECK_TABLE_PT = 20, 16, 14, 14
DECK_VALUE_PT = 32
DECK_LINE = 1.45  # a line of Noto Sans CJK is this many times its size tall (its ascent and descent are tall)
# The briefing (GB/T 9704 sizes in points): 2号 title, 3号 text and headings, 4号 page numbers and captions, 五号 table
# (小五 where a table's columns do not fit at 五号).
SIZE_2, SIZE_3, SIZE_4, SIZE_5, SIZE_SMALL_5 = 22.0, 16.0, 14.0, 10.5, 9.0
# The pages' CSS (rem of the browser's font size; slides in viewport heights).
CSS_SIZES = {"small": "0.85rem", "meta": "0.9rem", "status": "0.92rem", "answer": "1.15rem",
             "phone-h1": "1.55rem", "phone-h2": "1.3rem", "phone-h3": "1.15rem", "phone-metric": "1.5rem",
             "slide-text": "max(0.95rem, 2.2vh)", "slide-small": "max(0.85rem, 1.9vh)",
             "slide-title": "max(1.5rem, 4.6vh)", "slide-heading": "max(1.05rem, 2.8vh)",
             "slide-metric": "max(1.3rem, 4.6vh)", "slide-foot": "max(0.8rem, 1.7vh)", "phone-table": "0.85rem",
             "control": "1rem"}

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def rgba(color: str, alpha: float) -> str:
    """Return a #RRGGBB colour with an opacity, as Plotly takes it: rgba(0,114,178,0.150)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:.3f})"


def luminance(color: str) -> float:
    """Return the relative luminance of a #RRGGBB colour (WCAG 2.x)."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(color[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str = WHITE) -> float:
    """Return the WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


AA_TEXT = 4.5  # WCAG AA for text


def text_pairs() -> list[tuple[str, str, str]]:
    """Return every (name, text colour, ground) the outputs draw text in, for the contrast check."""
    pairs = [(name, color, WHITE) for name, color in (
        ("plan_blue", PLAN_BLUE), ("ink", INK), ("ink_soft", INK_SOFT), ("note", NOTE), ("source", SOURCE),
        ("muted", MUTED), ("series", SERIES))]
    pairs += [(name, color, WHITE) for name, color in (("on_pace_ink", ON_PACE_INK), ("watch_ink", WATCH_INK),
                                                       ("behind_ink", BEHIND_INK), ("no_data_ink", NO_DATA_INK),
                                                       ("no_base_ink", NO_BASE_INK))]
    pairs += [(f"progress_{name}", text, ground) for name, (text, ground) in PROGRESS_COLORS.items()]
    pairs += [(f"progress_{name}_plain", text, WHITE) for name, (text, _ground) in PROGRESS_COLORS.items()]
    pairs.append(("header_on_blue", WHITE, PLAN_BLUE))
    pairs.append(("group_line", PLAN_BLUE, GROUP_GROUND))
    return pairs


def low_contrast() -> list[str]:
    """Return the text colours that fall below WCAG AA on their ground ([] when every one passes)."""
    return [f"{name}: {fg} on {bg} is {contrast(fg, bg):.2f}:1" for name, fg, bg in text_pairs()
            if contrast(fg, bg) < AA_TEXT]


def css_variables() -> str:
    """Return the pages' colours and sizes as CSS custom properties (--kpi-…), for the static styles to use."""
    colours = {"plan-blue": PLAN_BLUE, "ink": INK, "note": NOTE, "source": SOURCE, "muted": MUTED, "rule": RULE,
               "light-rule": LIGHT_RULE, "white": WHITE, "group-ground": GROUP_GROUND}
    colours |= {f"progress-{name.replace('_', '-')}": text for name, (text, _g) in PROGRESS_COLORS.items()}
    colours |= {f"progress-{name.replace('_', '-')}-ground": ground for name, (_t, ground) in PROGRESS_COLORS.items()}
    lines = [f"--kpi-{name}: {value};" for name, value in colours.items()]
    lines += [f"--kpi-size-{name}: {value};" for name, value in CSS_SIZES.items()]
    return ":root { " + " ".join(lines) + " }"


def is_hex(color: str) -> bool:
    """Return whether a text is a #RRGGBB colour."""
    return bool(_HEX.fullmatch(color))
