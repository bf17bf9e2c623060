"""Refusals of share links (ui/session/share.py): every message names what is wrong, never quotes the link."""

TEXTS = {
    "share.too_long": ("链接参数超过 {limit:,} 个字符", "the parameter is longer than {limit:,} characters"),
    "share.unknown_format": (
        "链接格式未知（可能由更新版本的软件生成，或已损坏）",
        "unknown link format (written by a newer program, or damaged)",
    ),
    "share.undecodable": ("链接已损坏（无法解码）", "the link is damaged (cannot be decoded)"),
    "share.not_utf8": ("链接已损坏（不是 UTF-8 文本）", "the link is damaged (not UTF-8 text)"),
    "share.uninflatable": ("链接已损坏（无法解压）", "the link is damaged (cannot be inflated)"),
    "share.inflates_too_far": ("链接解压后超过 {kb} KB", "the link inflates beyond {kb} KB"),
    "share.cut_short": ("链接不完整（可能被截断）", "the link is incomplete (cut short?)"),
    "share.shape": (
        "链接内容的结构不对（应含 1–{slots} 个方案及正在编辑的序号）",
        "the link's content has the wrong shape (1–{slots} scenarios and the index of the edited one)",
    ),
    "share.slot_shape": ("应为 {base, changes}", "must be {base, changes}"),
    "share.slot": ("链接中第 {number} 个方案：", "scenario {number} of the link:"),
    "share.too_many_params": ("参数超过 {limit} 个", "more than {limit} parameters"),
}
