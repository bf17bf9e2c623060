"""Panels other parts of the page add (each exports ``render(ctx: PageContext) -> None``)."""
