"""One translation table: every key in both languages, matching placeholders, no Chinese literals in page code."""

import ast
import string
from pathlib import Path

import pytest

from ui.language.i18n import catalogue, t

ROOT = Path(__file__).resolve().parent.parent
PAGE_CODE = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _has_cjk(text: str) -> bool:
    """Chinese characters (ideographs); punctuation such as a list separator is not text to translate."""
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def test_every_key_has_chinese_and_english_with_the_same_placeholders():
    entries = catalogue()
    assert len(entries) > 50
    for key, (zh, en) in entries.items():
        assert zh.strip() and en.strip(), key
        assert _placeholders(zh) == _placeholders(en), key


def test_english_texts_are_english():
    for key, (_, en) in catalogue().items():
        assert not _has_cjk(en), key


@pytest.mark.parametrize("path", [p for p in PAGE_CODE if "texts" not in p.parts], ids=lambda p: p.name)
def test_no_chinese_string_literals_outside_the_translation_tables(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    offending = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and _has_cjk(node.value)
    ]
    assert not offending, f"{path.relative_to(ROOT)}: move {offending} to ui/language/texts/"


def test_lookup_fills_placeholders_in_the_chosen_language():
    assert t("refine.queued", "zh", name="甲", ahead=2) == "“甲”完整结果排队中（前面还有 2 个）"
    assert t("refine.queued", "en", name="A", ahead=2) == "“A”: full result queued (2 ahead)"
    assert t("app.title") == t("app.title", "zh")


def test_labels_written_for_both_languages_show_one_half():
    from model.population.synth import DEFAULT_LABEL
    from model.schema.text import either

    label = DEFAULT_LABEL.format(year=2022)
    assert either(label, "zh") == "内置默认人口（合成，2022年校准）"
    assert either(label, "en").startswith("Embedded default population")
    assert (either("每年 / per year", "zh"), either("每年 / per year", "en")) == ("每年", "per year")
    assert either("2023 vs 2022", "zh") == "2023 vs 2022" and either("村/组 a", "en") == "村/组 a"


def test_user_text_is_shown_literally_inside_markdown():
    from ui.language.formats import plain

    assert plain("**粗体** [链接](javascript:x) :red[红] $x$ <b>") == (
        r"\*\*粗体\*\* \[链接\]\(javascript\:x\) \:red\[红\] \$x\$ \<b\>"
    )
