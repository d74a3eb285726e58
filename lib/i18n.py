"""Interface texts in Chinese (the default) and English."""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("苏州市邮政快递业2021年目标任务跟踪", "Suzhou Postal & Express 2021 Target Tracker"),
    "nav_overview": ("总览", "Overview"),
    "language": ("语言 / Language", "语言 / Language"),
    "year": ("年度", "Year"),
    "as_of": ("截至月份", "As of"),
    "sample_banner": (
        "示例数据：当前显示的是随仓库附带的模拟数据，并非真实统计数据。",
        "Sample data: these figures are synthetic data bundled with the app, not official statistics.",
    ),
    "data_dir": ("数据目录", "Data directory"),
    "no_data": ("没有可用的实际数据。请把月度数据文件放入 {path}。", "No actuals found. Put monthly data files into {path}."),
    "no_targets_year": ("{year}年没有目标。", "No targets for {year}."),
    "targets_error": ("目标定义文件有误，无法计算：", "The targets file has errors; nothing can be computed:"),
    "files_rejected": (
        "{count}个数据文件未载入（其余数据照常显示）：",
        "{count} data file(s) were not loaded (everything else is shown):",
    ),
    "file_problems": ("{file}：{count}个问题", "{file}: {count} problem(s)"),
    # overview
    "overview_title": ("目标任务完成情况总览", "Target completion overview"),
    "overview_caption": (
        "截至{period}，共{total}项目标：{green}项进度正常，{yellow}项需关注，{red}项滞后，{grey}项无数据。",
        "As of {period}: {total} targets; {green} on pace, {yellow} to watch, {red} behind, {grey} without data.",
    ),
    "completion_chart": ("完成进度与序时进度", "Completion against expected progress"),
    "completion_axis": ("完成率（%）", "Completion (%)"),
    "expected_marker": ("序时进度（季节）", "Expected progress (seasonal)"),
    "cards_title": ("分项指标", "Targets"),
    "filter_status": ("按状态筛选", "Filter by status"),
    "col_target_name": ("指标", "Target"),
    "col_status": ("状态", "Status"),
    "col_severity": ("类型", "Type"),
    "col_row": ("行", "Row"),
    "col_column": ("列", "Column"),
    "col_value": ("数值", "Value"),
    "col_message": ("说明", "Message"),
    "col_period": ("月份", "Period"),
    "col_region": ("地区", "Region"),
    "col_unit": ("单位", "Unit"),
    "col_basis": ("口径", "Basis"),
    "col_note": ("备注", "Note"),
    "city": ("全市", "Whole city"),
    "basis_month": ("当月", "month"),
    "basis_ytd": ("累计", "year to date"),
    "actual": ("实际", "Actual"),
    "target": ("目标", "Target"),
    "stretch": ("挑战值", "Stretch"),
    "completion": ("完成率", "Completion"),
    "expected_seasonal": ("序时进度", "Expected"),
    "expected_linear": ("线性进度", "Linear"),
    "yoy": ("同比", "YoY"),
    "growth_target": ("目标增幅", "growth target"),
    "projection": ("预计全年", "Year-end projection"),
    "required_avg": ("还需月均", "Needed per month"),
    "lead": ("牵头", "Lead"),
    "data_through": ("数据截至{period}", "Data through {period}"),
    "rate_now": ("累计比率", "Year-to-date rate"),
    "incidents_ytd": ("年内累计", "Year to date"),
    "baseline_same_period": ("去年同期", "Same period last year"),
    "not_below_target": ("不低于去年同期", "Not below last year"),
    "zero_target": ("零发生", "Zero"),
    "baseline_warning": (
        "目标与基期不一致：{target} ÷ (1+{growth}%) = {implied}，而{base_year}年实际为{actual}（相差{gap}%）。",
        "Target and baseline disagree: {target} ÷ (1+{growth}%) = {implied}, but {base_year} actual is {actual} ({gap}% off).",
    ),
    "projection_unreliable": ("不足3个月，预计仅供参考", "fewer than 3 months: rough estimate"),
    "table_title": ("明细表", "Detail table"),
    "download_csv": ("下载明细（CSV）", "Download table (CSV)"),
    "footer_source": (
        "数据来源：{source}；目标依据：苏邮管〔2021〕21号《2021年工作要点》及民生实事分工安排。",
        "Source: {source}; targets: Suzhou Postal Administration work plan 2021 (苏邮管〔2021〕21号).",
    ),
    "how_status_title": ("状态如何判定", "How the status is decided"),
    "how_status": (
        "状态规则：完成率不低于序时进度为正常；低于序时进度{band:g}个百分点以内为需关注；更低为滞后。比率类指标按目标值比较；零容忍指标出现即为滞后；“稳中有升”指标与去年同期比较。",
        "Status: on pace when completion ≥ expected progress; watch within {band:g} points below; behind further below. Rates compare with their target; any zero-tolerance incident is behind; 'not below last year' compares with the same period of the baseline year.",
    ),
    # statuses
    "status_green": ("进度正常", "On pace"),
    "status_yellow": ("需关注", "Watch"),
    "status_red": ("滞后", "Behind"),
    "status_grey": ("无数据", "No data"),
    # kinds
    "kind_flow": ("累计量", "Flow (summed)"),
    "kind_level": ("存量", "Level (latest)"),
    "kind_ratio": ("比率", "Rate"),
    "kind_zero_tolerance": ("零容忍", "Zero tolerance"),
    "kind_not_below_last_year": ("稳中有升", "Not below last year"),
    # categories
    "cat_headline": ("主要发展指标", "Headline targets"),
    "cat_green": ("绿色包装", "Green packaging"),
    "cat_workforce": ("从业人员", "Workforce"),
    "cat_rural": ("快递进村", "Rural delivery"),
    "cat_culture_security": ("“扫黄打非”进基层", "Anti-pornography & illegal publications"),
    "cat_safety": ("安全底线", "Safety"),
    "cat_quality": ("服务质量", "Service quality"),
    # departments
    "dept_办公室": ("办公室", "General Office"),
    "dept_市场监管处": ("市场监管处", "Market Supervision Division"),
    "dept_普遍服务处": ("普遍服务处", "Universal Service Division"),
    "dept_协会": ("协会", "Express Association"),
    # problems with data files
    "problem_at": ("{file} 第{row}行「{column}」", "{file} row {row}, column '{column}'"),
    "problem_file": ("{file}", "{file}"),
    "err_unreadable": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
    "err_encoding": ("无法识别文件编码（应为UTF-8或GBK）", "unknown text encoding (expected UTF-8 or GBK)"),
    "err_empty": ("文件为空", "the file is empty"),
    "err_too_large": ("文件过大（{size}），上限为{limit}", "the file is too large ({size}); the limit is {limit}"),
    "err_binary": ("文件不是文本表格（含二进制内容），请另存为 CSV 或 XLSX", "the file is not a text table (binary content); save it as CSV or XLSX"),
    "err_format": ("不支持的文件类型「.{suffix}」，请上传 CSV 或 XLSX（Excel 2007 及以上）", "unsupported file type '.{suffix}'; upload CSV or XLSX (Excel 2007 or later)"),
    "err_no_header": ("找不到表头：需要「月份、指标、数值」列，或「月份」加各指标列，或「指标名称、本月/累计」列（文件开头为：{found}）", "no header found: expected columns period, indicator, value; or a period column and one column per indicator; or 指标名称 with 本月/累计 (the file starts with: {found})"),
    "err_bulletin_period": ("快报格式缺少月份：请在标题行（如“2021年10月”）或文件名中注明", "bulletin layout without a month: put it in a title row (e.g. 2021年10月) or the file name"),
    "err_future": ("月份「{value}」晚于当前月份", "period '{value}' is in the future"),
    "err_year": ("「{value}」所在年度没有目标（可用年度：{years}）", "'{value}' is in a year without targets (years in use: {years})"),
    "err_ytd_down": ("累计值「{value}」小于第{prev_row}行的上月累计值「{previous}」", "year-to-date value '{value}' is below the previous month's {previous} (row {prev_row})"),
    "warn_revision": ("修订已入库数据：{old} → {new}{unit}（原来源：{source}）", "revises loaded data: {old} → {new} {unit} (was from {source})"),
    "warn_outlier": ("数值与去年同月（{last}{unit}）相差过大（{factor}倍），请核对", "far from the same month last year ({last} {unit}; ×{factor}): please check"),
    "err_missing_columns": ("缺少必需的列：{columns}（现有列：{found}）", "missing required column(s): {columns} (found: {found})"),
    "err_period": ("「{value}」不是有效的月份，应为如 2021-03 的年月", "'{value}' is not a month; expected a period like 2021-03"),
    "err_indicator": ("未知指标「{value}」，请使用 targets.csv 中的指标代码或中文名称", "unknown indicator '{value}'; use an id or Chinese name from targets.csv"),
    "err_indicator_hint": ("未知指标「{value}」，您是否指：{names}", "unknown indicator '{value}'; did you mean: {names}"),
    "err_number": ("「{value}」不是数字", "'{value}' is not a number"),
    "err_unit": ("未知单位「{value}」，该指标可用单位：{allowed}", "unknown unit '{value}'; this indicator accepts: {allowed}"),
    "err_basis": ("「{value}」不是有效口径，应为 month（当月）或 ytd（累计）", "'{value}' is not a basis; expected month (当月) or ytd (累计)"),
    "err_region": ("未知地区「{value}」，可用：{allowed}", "unknown region '{value}'; expected one of: {allowed}"),
    "err_negative": ("数值「{value}」不能为负", "value '{value}' cannot be negative"),
    "err_over_100": ("比率「{value}」超过100%", "rate '{value}' is above 100%"),
    "err_duplicate": ("与第{other}行重复（同一月份、指标、地区）", "duplicates row {other} (same period, indicator and region)"),
    "err_targets": ("目标定义第{row}行「{column}」：{detail}", "targets row {row}, column '{column}': {detail}"),
    # analysts
    "nav_upload": ("数据上报", "Data intake"),
    "signed_in_as": ("分析员：**{name}**", "Analyst: **{name}**"),
    "sign_out": ("退出登录", "Sign out"),
    "sign_in_title": ("分析员登录", "Analyst sign-in"),
    "sign_in": ("登录", "Sign in"),
    "user_name": ("用户名", "Name"),
    "password": ("密码", "Password"),
    "sign_in_failed": ("用户名或密码不正确", "Wrong name or password"),
    "no_accounts": ("尚未配置分析员账号（见 README“设置分析员密码”），只能查看和校验。", "No analyst accounts are set up (see README, 'Analyst passwords'): you can view and check files only."),
    "upload_title": ("数据上报", "Data intake"),
    "upload_intro": ("上传月度数据（CSV 或 XLSX，支持 GBK 编码、长表、宽表和快报格式），先校验、预览，确认后入库。", "Upload monthly actuals (CSV or XLSX; GBK, long, wide and bulletin layouts work): checked and previewed before anything is stored."),
    "tab_upload": ("上传与校验", "Upload & check"),
    "tab_templates": ("模板下载", "Templates"),
    "tab_history": ("提交记录", "Submissions"),
    "uploader": ("选择或拖入文件", "Choose or drop a file"),
    "sheet": ("工作表", "Sheet"),
    "preview": ("解析结果预览", "Parsed rows"),
    "problems": ("问题清单", "Problems"),
    "file_ok": ("校验通过，可以入库。", "The file passed all checks and can be stored."),
    "file_has_errors": ("文件有{count}个错误，未入库。请按清单修改后重新上传。", "The file has {count} error(s) and was not stored. Fix them and upload again."),
    "file_has_warnings": ("有{count}个提醒：数据会入库，但请核对。", "{count} warning(s): the data will be stored, but please check them."),
    "confirm_store": ("确认入库", "Store these rows"),
    "sign_in_to_store": ("登录分析员账号后可入库。", "Sign in as an analyst to store the data."),
    "stored_ok": ("已入库：提交编号 {id}，共{rows}行。总览已更新。", "Stored as submission {id} ({rows} rows). The overview now includes it."),
    "revert": ("撤回所选提交", "Revert the selected submission"),
    "revert_pick": ("选择要撤回的提交", "Submission to revert"),
    "reverted_ok": ("已撤回提交 {id}。", "Submission {id} was reverted."),
    "no_submissions": ("暂无提交记录。", "No submissions yet."),
    "template_long_csv": ("长表模板（CSV）", "Long template (CSV)"),
    "template_long_xlsx": ("长表模板（XLSX）", "Long template (XLSX)"),
    "template_wide_csv": ("宽表模板（CSV）", "Wide template (CSV)"),
    "template_wide_xlsx": ("宽表模板（XLSX）", "Wide template (XLSX)"),
    "templates_intro": ("模板已填好指标代码、中文名称和单位；空白数值视为未上报。", "Templates come with indicator ids, Chinese names and units; blank values count as not reported."),
    "severity_error": ("错误", "error"),
    "severity_warning": ("提醒", "warning"),
    # intake
    "intake_summary": ("{file}：{rows}行有效数据，{errors}个错误，{warnings}个提醒（格式：{layout}，编码：{encoding}）", "{file}: {rows} valid rows, {errors} error(s), {warnings} warning(s) (layout: {layout}, encoding: {encoding})"),
    "import_stored": ("已入库，提交编号 {id}（{file}）", "stored as submission {id} ({file})"),
    "import_rejected": ("未入库，文件及报告已保存在 rejected/{file}", "not stored; the file and its report are kept as rejected/{file}"),
    "import_failed": ("入库失败，未做任何修改：{detail}", "import failed; nothing was changed: {detail}"),
    "cli_no_file": ("文件不存在：{path}", "file not found: {path}"),
    # CLI
    "cli_bad_as_of": ("截至月份「{value}」无效，应为 YYYY-MM", "as-of month '{value}' is invalid; expected YYYY-MM"),
    "cli_no_year": ("{year}年没有目标", "there are no targets for {year}"),
    "cli_no_data_dir": ("数据目录不存在：{path}", "data directory not found: {path}"),
}


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Return the text for key in lang, with params filled in."""
    pair = TEXT.get(key)
    if pair is None:
        return key.format(**params) if params else key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text


def category_label(category: str, lang: str) -> str:
    """Return the display name of a target category."""
    return t(f"cat_{category}", lang) if f"cat_{category}" in TEXT else category


def department_label(department: str, lang: str) -> str:
    """Return the display name of a lead department."""
    key = f"dept_{department}"
    return t(key, lang) if key in TEXT else department


def status_label(status: str, lang: str) -> str:
    """Return the display name of a status colour."""
    return t(f"status_{status}", lang)
