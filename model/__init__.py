"""The household-income model: pure functions and frozen data, no user interface.

Folders by role; imports run downwards only (a module imports from its own folder or the ones above it here):

* ``schema``: the scenario's fields, files and validation; calibration figures with provenance; units and text.
* ``population``: the household table and the embedded default population generated from the calibration.
* ``engine``: channels, assumptions, shocks, the simulation, its result and the notice's targets
  (``model.engine.run.run_scenario`` is the one call every front end makes).
* ``io``: data in and out of the model: household tables imported from the monitoring system.
* ``analyses``: work made of many runs: goal seeking, the frontier, the county split.
* ``reports``: charts, the county assessment, the dispatch brief and the workbook (no Streamlit).
* ``cli``: ``python -m model`` and its commands.

Equations: docs/MODEL.md.
"""
