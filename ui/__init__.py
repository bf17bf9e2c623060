"""The Streamlit page's parts (app.py wires them), in four layers; a module imports only from its own or lower ones.

From the bottom:

1. ``language/`` — the page's words: the translation tables and how values and units are written.
2. ``server/`` — computing and caching in the server process, shared by every session: populations, results,
   the background queue of full runs, long work in a session's thread, the disk cache and its warm-up.
3. ``session/`` — one browser session and what crosses its edge: the scenario slots, the runs they show, share
   links, scenario files in and out, uploads.
4. ``draw/`` — what is drawn: the sidebar and its levers, target cards, charts, fragments, the pages and panels.
"""
