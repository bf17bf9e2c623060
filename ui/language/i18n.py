"""All text the page shows, in Chinese and English, from one table.

Each module under ``ui/language/texts/`` holds ``TEXTS = {key: (zh, en)}`` for one part of the page; this module merges
them and refuses duplicate keys, so no string literal is scattered in page code.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import ui.language.texts
from model.schema.text import pick

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


@cache
def catalogue() -> dict[str, tuple[str, str]]:
    """Every key → (zh, en), merged from ``ui/language/texts/*.py``."""
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(ui.language.texts.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"ui.language.texts.{info.name}")
        for key, pair in module.TEXTS.items():
            if key in merged:
                raise KeyError(f"text key {key!r} defined twice (ui/language/texts/{info.name}.py)")
            merged[key] = pair
    return merged


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    return pick(catalogue()[key], lang, **values)
