"""Unit tests of lib/ui/tables.py: how wide a text is in the grid's font, how many lines it takes in a column, and the
widths and row height a grid gets so that no cell is cut (values worked out by hand from the measured widths)."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.ui.tables import cell_text, grid_layout, line_count, row_height, text_px


@pytest.mark.parametrize(("text", "px"), [
    ("邮政", 2 * 14 * 1.1),  # a Chinese character is a full em: 14 px, and the 10 % margin
    ("Mw", (12 + 12) * 1.1),
    ("1,0", (8 + 4 + 8) * 1.1),
    ("≥", 14 * 1.1),  # any other character counted a full em
    ("", 0),
])
def test_text_px_counts_each_character_in_the_grids_font(text, px):
    assert text_px(text) == pytest.approx(px)


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("邮" * 24, 400, 1),  # 24 × 15.4 = 369.6 px fits the 384 px inside a 400 px column
    ("邮" * 25, 400, 2),  # 385 px does not
    ("邮" * 50, 400, 3),  # 24 + 24 + 2
    ("邮" * 75, 280, 5),  # 17 a line in 264 px: 17 × 4 = 68, then 7
    ("aaa bbb", 56, 2),  # 40 px inside: "aaa b" would fit, the break goes back to the space
    ("aaaaaaaaa", 56, 3),  # no space: 4 a line (4 × 8.8 = 35.2), then 4, then 1
    ("邮\n政", 400, 2),  # a newline starts a line
])
def test_line_count_wraps_as_the_grid_does(text, width, lines):
    assert line_count(text, width) == lines


@pytest.mark.parametrize(("lines", "height"), [
    (1, None),  # the grid's own 35 px rows
    (2, 65),  # 15 × 2.4 + 6 = 42 px, but a grid wraps only in rows above 64 px
    (3, 65),  # 15 × 3.8 + 6 = 63
    (4, 84),  # 15 × 5.2 + 6
    (5, 105),  # 15 × 6.6 + 6
    (8, 168),  # 15 × 10.8 + 6 = 168
])
def test_row_height_shows_every_line(lines, height):
    assert row_height(lines) == height


def test_cell_text_is_the_longer_way_a_number_is_written():
    assert [cell_text(v) for v in (1234567, 2.5, 12345.5, "快递", None, True)] == \
        ["1,234,567", "2.5", "12,345.5", "快递", "", "True"]


def test_grid_layout_sizes_columns_to_their_widest_cell_and_wraps_the_long_ones():
    frame = pd.DataFrame({"月份": ["2021年1月", "2021年10月"], "值": [1, 12345],
                          "备注": ["短", "邮" * 50]})
    widths, height = grid_layout(frame, narrow=False)
    # 月份: "2021年10月" = 6 digits (8 px) + 2 Chinese (14 px) = 76 px × 1.1 = 83.6, up to 84, + 16 + 2
    # 值: "12,345" = 5 × 8 + 4 = 44 × 1.1 = 48.4, up to 49, + 18; 备注: 50 × 15.4 = 770 px, over 400: 3 lines
    assert widths == {"月份": 102, "值": 67, "备注": 400}
    assert height == 65
    widths, height = grid_layout(frame, narrow=True)  # 17 a line in 280 px: 17 + 17 + 16
    assert widths == {"月份": 102, "值": 67, "备注": 280} and height == 65


def test_grid_layout_keeps_one_line_rows_when_every_cell_fits():
    frame = pd.DataFrame({"处室": ["办公室", "市场监管处"], "指标数": [1, 15]})
    widths, height = grid_layout(frame, narrow=False)
    # 处室: 5 × 15.4 = 77, up to 77, + 18 = 95; 指标数 (its header the widest): 3 × 15.4 = 46.2, up to 47, + 18
    assert widths == {"处室": 95, "指标数": 65} and height is None


def test_grid_layout_caps_a_very_long_cell_at_eight_lines():
    frame = pd.DataFrame({"说明": ["邮" * 1000]})
    assert grid_layout(frame, narrow=False) == ({"说明": 400}, 168)
