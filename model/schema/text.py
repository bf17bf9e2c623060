"""Bilingual text: every (Chinese, English) pair in the project is read through :func:`pick`."""

from __future__ import annotations

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
