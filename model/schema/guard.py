"""Limits checked before any scenario text is parsed, and the bounded TOML / JSON readers that apply them.

Python's TOML and JSON parsers recurse once per nested array or table and convert digits to integers without a
size limit, so hostile text (5,000 nested brackets, a 5,000-digit number) makes them raise ``RecursionError`` or
``ValueError`` instead of a parsing error, and ``tomllib`` takes quadratic time in the parts of a dotted key (a
100 kB key takes 18 s). Every scenario file, JSON share link and JSON cell therefore passes :func:`load_toml` or
:func:`load_json`: one linear scan refuses deep nesting, long dotted keys, over-long numbers and strings before
parsing; the parsed data is then walked (without recursion) for depth and size. The only exception these readers
raise is :class:`InputRefused`, whose message is bilingual and never quotes the input.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_TEXT_CHARS = 1024 * 1024  # a scenario file is ~6 kB; the page's upload limit is 1 MB
MAX_NESTING = 8  # brackets and braces open at once; a scenario needs 3 (JSON: file, section, county shares)
MAX_DEPTH = 6  # tables within tables once parsed; a scenario needs 3
MAX_ENTRIES = 5_000  # keys and list items once parsed; a complete scenario has ~110
MAX_KEY_PARTS = 8  # parts of a dotted TOML key; a scenario needs 3 (funds.county_shares."麒麟区")
MAX_NUMBER_CHARS = 32  # a number (or bare word starting with a digit); the longest field value has 10 digits
MAX_STRING_CHARS = 4_000  # one quoted string; the longest text field (description) allows 2,000 characters
ECHO_CHARS = 60  # the most of any value a message quotes

# One pass, linear in the text: a string that is opened always matches, up to its closing quote or, when it is
# never closed, to the end of its line (or of the text), so the scan never goes back into it: 1 MB of escaped
# quotes costs one pass, not one pass per quote.
_TOKEN = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.?|"(?!""))*(?:"""|\Z)'  # multi-line basic string
    r"|'''.*?(?:'''|\Z)"  # multi-line literal string
    r'|"(?:[^"\\\n]|\\.?)*(?:"|$)'  # basic string (and JSON's strings)
    r"|'[^'\n]*(?:'|$))"  # literal string
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<open>[\[{])"
    r"|(?P<close>[\]}])"
    r"|(?P<number>(?<![A-Za-z0-9_])[0-9][0-9A-Za-z_]{" + str(MAX_NUMBER_CHARS) + ",})"
    r"|(?P<dot>\.)"
    r"|(?P<end>[=,:\n])",
    re.DOTALL | re.MULTILINE,
)
_LINE_COLUMN = re.compile(r"line (\d+), column (\d+)")


class InputRefused(ValueError):
    """Text refused before or while parsing; ``zh`` and ``en`` say why without quoting the text."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        """The reason in ``lang``."""
        return self.zh if lang == "zh" else self.en


def check_text(text: str) -> None:
    """Refuse text whose nesting, dotted keys, numbers or strings exceed the limits, scanning it once.

    Strings and comments of TOML and JSON are skipped, so brackets, dots and digits inside a scenario's name do
    not count. A misread unterminated string can only make the scan stricter; the parser refuses that text anyway.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise InputRefused(
            f"文本超过 {MAX_TEXT_CHARS:,} 个字符", f"the text is longer than {MAX_TEXT_CHARS:,} characters"
        )
    depth = dots = 0
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "dot":
            dots += 1
            if dots >= MAX_KEY_PARTS:
                _refuse("key", text, token.start())
        elif kind == "string":
            if len(token.group()) > MAX_STRING_CHARS + 6:  # the quotes and escapes are counted too
                _refuse("string", text, token.start())
        elif kind != "comment":
            dots = 0  # a key ends at "=", ",", a bracket or the end of the line
            if kind == "open":
                depth += 1
                if depth > MAX_NESTING:
                    _refuse("nesting", text, token.start())
            elif kind == "close":
                depth = max(depth - 1, 0)
            elif kind == "number":
                _refuse("number", text, token.start())


_TEXT_LIMITS = {
    "nesting": (
        f"方括号或花括号嵌套超过 {MAX_NESTING} 层",
        f"brackets or braces nested deeper than {MAX_NESTING} levels",
    ),
    "key": (f"点分键超过 {MAX_KEY_PARTS} 段", f"a dotted key of more than {MAX_KEY_PARTS} parts"),
    "number": (f"数字超过 {MAX_NUMBER_CHARS} 位", f"a number longer than {MAX_NUMBER_CHARS} characters"),
    "string": (f"文字超过 {MAX_STRING_CHARS:,} 个字符", f"a text longer than {MAX_STRING_CHARS:,} characters"),
}


def _refuse(limit: str, text: str, position: int) -> None:
    zh, en = _TEXT_LIMITS[limit]
    line = text.count("\n", 0, position) + 1
    raise InputRefused(f"{zh}（第 {line} 行）", f"{en} (line {line})")


def check_structure(data: Any) -> None:
    """Refuse parsed data nested deeper than :data:`MAX_DEPTH` or holding more than :data:`MAX_ENTRIES` entries.

    Walks with an explicit stack: a section header ``[a.a.a…]`` 2,000 keys deep parses into dictionaries 2,000
    deep, which any recursive printer or validator would fail on.
    """
    stack = [(data, 1)]
    entries = 0
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise InputRefused(f"表嵌套超过 {MAX_DEPTH} 层", f"tables nested deeper than {MAX_DEPTH} levels")
        entries += len(value)
        if entries > MAX_ENTRIES:
            raise InputRefused(f"条目超过 {MAX_ENTRIES:,} 个", f"more than {MAX_ENTRIES:,} entries")
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children)


def load_toml(text: str) -> dict[str, Any]:
    """Parse TOML text within the limits."""
    check_text(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax(str(exc)) from None
    except (RecursionError, ValueError):  # second line behind check_text: the parser's own recursion / int limits
        raise _too_complex() from None
    check_structure(data)
    return data


def load_json(text: str) -> Any:
    """Parse JSON text within the limits; duplicate keys and NaN / Infinity are refused."""
    check_text(text)
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _syntax(f"{exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except InputRefused:
        raise
    except (RecursionError, ValueError):
        raise _too_complex() from None
    check_structure(data)
    return data


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            shown = shorten(json.dumps(key, ensure_ascii=False))
            raise InputRefused(f"同一个键出现两次：{shown}", f"a key appears twice: {shown}")
        data[key] = value
    return data


def _no_constant(name: str) -> Any:
    raise InputRefused(f"不接受 {name}（应为有限的数字）", f"{name} is not accepted (a finite number is expected)")


def _syntax(reason: str) -> InputRefused:
    """A parser's reason (English, fixed texts that quote no input) with the line and column in Chinese too."""
    where = _LINE_COLUMN.search(reason)
    place = f"（第 {where.group(1)} 行第 {where.group(2)} 列）" if where else ""
    return InputRefused(f"语法错误{place}：{shorten(reason, 120)}", f"syntax error: {shorten(reason, 120)}")


def _too_complex() -> InputRefused:
    return InputRefused("结构过于复杂，无法读取", "the structure is too complex to read")


def shorten(text: str, limit: int = ECHO_CHARS) -> str:
    """``text`` cut to ``limit`` characters with "…": no message ever echoes a value whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


Refuse = Callable[[str, str], Exception]  # (zh, en) → the exception a stored file's reader raises


def stored_bytes(path: Path, refuse: Refuse) -> bytes:
    """The bytes of a result file a command kept for the page; an unreadable file is refused through ``refuse``."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise refuse(f"无法读取文件（{exc.strerror}）", f"the file cannot be read ({exc.strerror})") from None


def stored_json(data: bytes, max_bytes: int, version: int, refuse: Refuse) -> dict[str, Any]:
    """A kept result file as a JSON object of ``version``, before its own reader checks its parts.

    Refused through ``refuse(zh, en)``: more than ``max_bytes``, not UTF-8 JSON (or nested too deep to parse), not
    an object of ``version``.
    """
    if len(data) > max_bytes:
        size = f"{max_bytes // 2**20} MB" if max_bytes >= 2**20 else f"{max_bytes // 1024} KB"
        raise refuse(f"文件超过 {size}", f"the file is over {size}")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise refuse("不是 UTF-8 编码的 JSON", "not UTF-8 JSON") from None
    if not isinstance(raw, dict) or raw.get("version") != version:
        raise refuse(f"版本应为 {version}", f"version must be {version}")
    return raw
