"""The yardstick of bench/bench_page.py and bench/bench_concurrency.py: one slider, one metric, nothing else."""

import streamlit as st

st.slider("value", 0.0, 100.0, 10.0, 0.5, key="value")
st.metric("card", f"{st.session_state['value'] * 2:.1f}")
