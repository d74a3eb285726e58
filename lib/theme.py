"""Colours of the presentation's slides, pictures and tables, named once (the status colours are lib/kinds' statuses
table; the app's Plotly template is lib/charts.py's)."""

from __future__ import annotations

PLAN_BLUE = "#1F4E79"  # titles, the gap sentence, table headers
INK = "#222222"  # body text
INK_SOFT = "#333333"  # a picture's subtitle and card lines
NOTE = "#444444"  # lines under a title, card details
SOURCE = "#555555"  # the source line and the legend
RULE = "#CCCCCC"  # card borders, table rules
TRACK = "#E5E5E5"  # the empty part of a progress bar
WHITE = "#FFFFFF"
