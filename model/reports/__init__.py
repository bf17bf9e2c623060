"""Charts and exports built from simulation runs, shared by the page and the printed brief (no Streamlit here)."""
