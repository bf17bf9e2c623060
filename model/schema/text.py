"""Bilingual text: every (Chinese, English) pair in the project is read through :func:`pick`."""

from __future__ import annotations

import re

LANGS = ("zh", "en")


def pick(pair: tuple[str, str], lang: str, **values: object) -> str:
    """The Chinese or English half of ``pair`` ("zh" → Chinese, anything else → English), ``{name}`` filled."""
    chosen = pair[0] if lang == "zh" else pair[1]
    return chosen.format(**values) if values else chosen


class BilingualError(ValueError):
    """A refusal whose message exists in Chinese and English (str() is the English one, for logs)."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(en)

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang``."""
        return pick((self.zh, self.en), lang)


BOTH = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s?/ (?=[A-Za-z])")


def either(text: str, lang: str) -> str:
    """The ``lang`` half of a text written once for both languages as ``"中文 / English"``; other text unchanged.

    Used for the few labels the model writes that way (the default population's label, "每年 / per year"): the
    halves are split at the first slash between a Chinese character and an English word.
    """
    halves = BOTH.split(text, maxsplit=1)
    return (halves[0] if lang == "zh" else halves[1]).strip() if len(halves) == 2 else text
