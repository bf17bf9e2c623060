"""Bilingual text: every (Chinese, English) pair in the project is read through :func:`pick`."""

from __future__ import annotations

LANGS = ("zh", "en")


def pick(pair: tuple[str, str], lang: str, **values: object) -> str:
    """The Chinese or English half of ``pair`` ("zh" → Chinese, anything else → English), ``{name}`` filled."""
    chosen = pair[0] if lang == "zh" else pair[1]
    return chosen.format(**values) if values else chosen
