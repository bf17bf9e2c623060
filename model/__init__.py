"""The household-income model: pure functions and frozen data, no user interface.

Entry points: ``model.scenario`` (load, validate, save scenarios), ``model.synth.default_population`` and
``model.households_io`` (populations), ``model.api.run_scenario`` (simulate and check the notice's targets),
``model.seek`` (goal seeking), ``python -m model`` (the command line). Equations: docs/MODEL.md.
"""
