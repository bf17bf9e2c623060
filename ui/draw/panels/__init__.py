"""Panels other parts of the page add (each exports ``render(ctx: PageContext) -> None``; list it in ui/draw/pages.py).

A panel reads the slots' runs from ``ctx.runs``; the slots named in ``ctx.previews`` still show a quick preview
while their full run computes, and the page reruns with the full runs when they are done (say so, and do not
offer a preview's numbers for keeps: see the brief). Extra full runs go through ``ctx.run_cached`` (stored and
shared with every session). Work of many runs (searches, sweeps, sensitivity) runs in the session's script
thread through :class:`ui.server.long_work.LongWork`: a progress bar, a Cancel button, and simulations that take a
slot of the process's bounded heavy runs.
"""
