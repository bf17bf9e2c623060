"""The Streamlit page's parts: translation, state, caching, widgets and panels (app.py wires them)."""
