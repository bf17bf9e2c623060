"""Text shared by every part of the page."""

TEXTS = {
    "app.title": ("曲靖市脱贫人口增收情景模拟", "Qujing household-income scenario simulator"),
    "lang.switch": ("English", "English"),
    "app.unexpected": (
        "页面出现意外错误，未能显示完整。请刷新页面；如仍出现，请告知系统管理员（详情已记入服务器日志）。",
        "The page hit an unexpected error and could not be shown in full. Reload it; if it happens again, tell "
        "the administrator (the details are in the server's log).",
    ),
    "population.label": ("人口数据：{label}", "Population: {label}"),
    "kind.input": ("输入", "input"),
    "kind.assumption": ("假设", "assumption"),
    "kind.result": ("结果", "result"),
    "met.yes": ("达标", "met"),
    "met.no": ("未达标", "not met"),
    "common.yes": ("是", "yes"),
    "common.no": ("否", "no"),
}
