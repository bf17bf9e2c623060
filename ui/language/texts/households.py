"""The household-import panel: template, upload, row report, choosing the population."""

TEXTS = {
    "households.title": ("导入农户数据", "Import a household table"),
    "households.intro": (
        "可用本地防返贫监测信息系统导出的农户表（CSV 或 XLSX）代替内置人口数据。导入的数据只用于本浏览器会话，"
        "不保存到服务器磁盘。",
        "Use your own household table exported from the monitoring information system (CSV or XLSX) instead of "
        "the embedded population. It is used for this browser session only and is not saved on the server's disk.",
    ),
    "households.privacy": (
        "姓名、身份证号、电话、住址、银行账号等个人信息列在读取表头后立即删除，其内容不会被读取、显示、保存或写入任何输出。",
        "Columns with names, ID-card numbers, phones, addresses or bank accounts are deleted as soon as the header "
        "is read: their contents are never read, shown, saved or written to any output.",
    ),
    "households.current_default": (
        "当前所有结果基于内置人口数据：{label}（{records} 条记录，{households} 户）。",
        "Every result is currently for the embedded population: {label} ({records} records, {households} households).",
    ),
    "households.current_imported": (
        "当前所有结果基于导入的农户表：{label}（{records} 条记录，{households} 户）。",
        "Every result is currently for the imported household table: {label} ({records} records, {households} "
        "households).",
    ),
    "households.template_header": ("1. 下载导入模板", "1. Download the template"),
    "households.template_help": (
        "模板列名与监测系统导出一致（也接受英文列名）；第二行为示例，请替换为实际数据。"
        "XLSX 模板的“说明”表列出每列的单位和取值。",
        "The template's headers are the monitoring system's (English column names are accepted too); row 2 is an "
        "example to replace. The XLSX template's notes sheet gives each column's unit and allowed values.",
    ),
    "households.template_csv": ("下载模板（CSV）", "Template (CSV)"),
    "households.template_xlsx": ("下载模板（XLSX）", "Template (XLSX)"),
    "households.upload_header": ("2. 上传农户表", "2. Upload the household table"),
    "households.mode": ("发现问题行时", "When rows have problems"),
    "households.mode.strict": ("拒绝整个文件（先修改再上传）", "refuse the whole file (fix it, then upload again)"),
    "households.mode.drop_bad_rows": ("剔除问题行，导入其余各行", "leave the bad rows out and import the rest"),
    "households.upload": ("选择文件（CSV：UTF-8 或 GBK；XLSX）", "Choose a file (CSV in UTF-8 or GBK; XLSX)"),
    "households.upload_help": (
        "不超过 {mb} MB、{rows} 行；表头在第 1 行，每户一行。",
        "At most {mb} MB and {rows} rows; headers in row 1, one household per row.",
    ),
    "households.accepted": (
        "{filename}：可导入 {kept} 户（{encoding}）。",
        "{filename}: {kept} households can be imported ({encoding}).",
    ),
    "households.accepted_dropped": (
        "{filename}：可导入 {kept} 户，剔除 {bad} 行（见下表）。",
        "{filename}: {kept} households can be imported, {bad} rows left out (see the table below).",
    ),
    "households.refused": (
        "{filename} 未导入：发现 {count} 个问题（见下表）。内置人口数据或此前导入的数据保持不变。",
        "{filename} was not imported: {count} problem(s) (see the table below). The population in use is unchanged.",
    ),
    "households.personal_dropped": (
        "已删除个人信息列（内容未读取）：{columns}",
        "Personal columns deleted unread: {columns}",
    ),
    "households.no_loans": (
        "以下县的上传表中没有任何小额信贷借款户（基年贷款余额全为 0）：{counties}。"
        "模型会把这些县的每一笔贷款都视为新增借款户，收益从第一户起递减；"
        "如是数据缺失，请补全“小额信贷余额（元）”列后重新上传。",
        "No household of these counties has a microcredit loan in the uploaded table (every base-year balance is 0): "
        "{counties}. The model reads every loan there as a new borrower's, whose return fades from the first; if the "
        "microcredit column (microcredit_yuan) is missing data, fill it in and upload again.",
    ),
    "households.separator": ("、", ", "),
    "households.report_header": (
        "问题清单（行号与 Excel 中一致，表头为第 1 行）",
        "Row report (Excel row numbers; the header is row 1)",
    ),
    "households.report_csv": ("下载问题清单（CSV）", "Download the report (CSV)"),
    "households.report_xlsx": ("下载问题清单（XLSX）", "Download the report (XLSX)"),
    "households.preview_header": (
        "各县（市、区）户数与人数（导入后）",
        "Households and persons by county (to be imported)",
    ),
    "households.col.county": ("县（市、区）", "County"),
    "households.col.households": ("户数（户）", "Households"),
    "households.col.persons": ("人数（人）", "Persons"),
    "households.col.income": ("2022 年人均纯收入（元/人·年，输入）", "2022 income per capita (yuan/person/yr, input)"),
    "households.use": ("3. 本会话使用此农户表", "3. Use this table for this session"),
    "households.use_help": (
        "所有方案将基于导入的农户表重新计算；仅影响本浏览器会话。",
        "Every scenario is recomputed on the imported table; only this browser session is affected.",
    ),
    "households.back": ("恢复内置人口数据", "Back to the embedded population"),
    "households.now_imported": ("已改用导入的农户表：{label}。", "Now using the imported table: {label}."),
    "households.now_default": ("已恢复内置人口数据。", "Back to the embedded population."),
    "households.over_budget": (
        "未改用导入的农户表：按当前方案的抽样次数，此表超出每次请求的计算上限（请先减少抽样次数）：",
        "The imported table was not used: with the scenarios' draws it is beyond the work budget per request "
        "(use fewer draws first):",
    ),
}
