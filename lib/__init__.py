"""Engine of the postal and express-delivery target dashboard of a city's postal administration (no Streamlit here)."""
