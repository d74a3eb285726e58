"""The floor: a bare Streamlit page drawing the overview's figure and metrics from precomputed values.

What the overview costs beyond this is the price of our engine, cards and layout. Reads
bench/.floor.json, which bench/run.py writes from the engine's own output, once (cached, as
the overview caches its figure), so each rerun only draws.
"""

import json
from pathlib import Path

import streamlit as st


@st.cache_data
def floor_data() -> dict:
    """Return the precomputed title, counts, figure (as a dict) and cards."""
    data = json.loads((Path(__file__).parent / ".floor.json").read_text(encoding="utf-8"))
    data["figure"] = json.loads(data["figure"])
    return data


st.set_page_config(layout="wide")
data = floor_data()
st.title(data["title"])
for col, (label, value) in zip(st.columns(4), data["counts"], strict=False):
    col.metric(label, value, border=True)
st.plotly_chart(data["figure"], key="floor_chart")
for start in range(0, len(data["cards"]), 4):
    for col, card in zip(st.columns(4), data["cards"][start:start + 4], strict=False):
        with col, st.container(border=True):
            st.metric(card["label"], card["value"], delta=card["delta"])
            st.caption(card["lines"])
