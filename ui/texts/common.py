"""Text shared by every part of the page."""

TEXTS = {
    "app.title": ("曲靖市脱贫人口增收情景模拟", "Qujing household-income scenario simulator"),
    "lang.switch": ("English", "English"),
    "population.label": ("人口数据：{label}", "Population: {label}"),
    "kind.input": ("输入", "input"),
    "kind.assumption": ("假设", "assumption"),
    "kind.result": ("结果", "result"),
    "met.yes": ("达标", "met"),
    "met.no": ("未达标", "not met"),
    "common.yes": ("是", "yes"),
    "common.no": ("否", "no"),
}
