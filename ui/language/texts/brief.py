"""The dispatch-meeting brief panel (N20): brief and workbook downloads."""

TEXTS = {
    "brief.title": ("调度会简报与结果表", "Dispatch-meeting brief and result workbook"),
    "brief.intro": (
        "选择方案和季度，下载一份可打印的中文简报（HTML，浏览器打开后可打印或另存为PDF），"
        "内容包括方案、目标完成情况、各县考核表、主要图表及所依据的假设；以及包含全部结果表的Excel工作簿。",
        "Pick a scenario and a quarter, then download a printable brief (HTML: open it in a browser, "
        "print or save as PDF) with the scenario, the targets met and missed, the county table, the key "
        "charts and the assumptions; and an Excel workbook with every result table.",
    ),
    "brief.scenario": ("方案", "Scenario"),
    "brief.quarter": ("调度会季度", "Meeting quarter"),
    "brief.quarter_help": (
        "一季度调度会回顾上年全年，三季度调度会回顾上半年（通知N20）",
        "The Q1 meeting reviews the previous year, the Q3 meeting the first half (notice N20)",
    ),
    "brief.lang": ("简报语言", "Brief language"),
    "brief.lang.zh": ("中文", "Chinese"),
    "brief.lang.en": ("英文", "English"),
    "brief.compare": ("图表中同时显示其他方案", "Show the other scenarios in the charts too"),
    "brief.download_html": ("下载调度会简报（HTML）", "Download the meeting brief (HTML)"),
    "brief.download_xlsx": ("下载结果工作簿（Excel）", "Download the result workbook (Excel)"),
    "brief.preparing": (
        "点击下载后生成文件，图表较多时需几秒钟。",
        "The file is built when you click; charts take a few seconds.",
    ),
    "brief.contents": ("简报包括：{sections}", "The brief holds: {sections}"),
    "brief.sections": (
        "人口数据与方案；目标完成情况；{quarter}各县考核；主要图表；所依据的假设",
        "population and scenario; targets met and missed; county assessment {quarter}; key charts; assumptions",
    ),
    "brief.sheets": ("工作簿工作表：{sheets}", "Workbook sheets: {sheets}"),
}
