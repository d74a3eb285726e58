"""Engine of the Suzhou postal and express-delivery target dashboard (no Streamlit here)."""
