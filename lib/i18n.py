"""Interface texts in Chinese (the default) and English."""

from __future__ import annotations

import logging
import os

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

log = logging.getLogger(__name__)

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
    "col_target_name": ("指标", "Target"),
    "col_status": ("状态", "Status"),
    "col_category": ("类别", "Category"),
    "col_requirement": ("目标要求", "Requirement"),
    "col_actual_ytd": ("实际完成", "Actual"),
    "col_completion_pct": ("完成率（%）", "Completion (%)"),
    "col_expected_pct": ("序时进度（%）", "Expected (%)"),
    "col_gap_points": ("快慢（百分点）", "Ahead / behind (pp)"),
    "col_yoy_pct": ("同比（%）", "YoY (%)"),
    "col_growth_target_pct": ("目标增幅（%）", "Growth target (%)"),
    "col_projection": ("预计全年", "Year-end projection"),
    "col_data_through": ("数据截至", "Data through"),
    "col_sources": ("来源文件", "Source files"),
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
    "not_below_target": ("不低于去年同期", "Not below last year"),
    "vs_last_year": ("较去年同期", "vs last year"),
    "vs_expected": ("较序时进度", "vs expected"),
    "vs_target": ("较目标", "vs target"),
    "zero_target": ("零发生", "Zero"),
    "baseline_warning": (
        "目标与基期不一致：{target} ÷ (1+{growth}%) = {implied}，而{base_year}年实际为{actual}（相差{gap}%）。",
        "Target and baseline disagree: {target} ÷ (1+{growth}%) = {implied}, but {base_year} actual is {actual} ({gap}% off).",
    ),
    "projection_unreliable": ("不足3个月，预计仅供参考", "fewer than 3 months: rough estimate"),
    "table_title": ("明细表", "Detail table"),
    "download_csv": ("下载明细（CSV）", "Download table (CSV)"),
    "footer_source": (
        "数据来源：{source}（{files}个文件）；目标依据：苏邮管〔2021〕21号《2021年工作要点》及民生实事分工安排。",
        "Source: {source} ({files} files); targets: Suzhou Postal Administration work plan 2021 "
        "(苏邮管〔2021〕21号).",
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
    "dept_各相关处室": ("各相关处室", "Divisions concerned"),
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
    "warn_ytd_month_outlier": ("累计值减去上月累计（{prev}{unit}），当月为{implied}{unit}，与去年同月（{last}{unit}）相差过大，请核对", "this year to date less the previous month's ({prev} {unit}) leaves {implied} {unit} for the month, far from the same month last year ({last} {unit}): please check"),
    "warn_ytd_below_loaded": ("累计值低于已入库的上月累计（{prev}{unit}），当月将为{implied}{unit}，请核对", "below the previous month's year to date already loaded ({prev} {unit}): the month would be {implied} {unit}; please check"),
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
    # indicator deep-dive
    "nav_indicator": ("指标详情", "Indicator detail"),
    "nav_departments": ("处室视图", "Departments"),
    "pick_target": ("选择指标", "Target"),
    "open_detail": ("查看详情", "Details"),
    "gap_no_data": ("暂无数据。", "No data yet."),
    "gap_year_done": ("全年数据已齐，完成率{completion}。", "The year is complete: {completion} of target."),
    "gap_already_met": ("已达到全年目标。", "The year's target is already met."),
    "gap_required": ("{months}还需月均完成{value}", "{months}: {value} needed per month"),
    "gap_vs_last_year_higher": ("，比去年同期月均高{pct}", ", {pct} above the same months last year"),
    "gap_vs_last_year_lower": ("，比去年同期月均低{pct}", ", {pct} below the same months last year"),
    "gap_rate": ("累计比率{rate}，与目标相差{points}。", "Year-to-date rate {rate}, {points} against the target."),
    "gap_zero_ok": ("年内未发生，保持零发生。", "None this year: keep it at zero."),
    "gap_zero_bad": ("年内已发生{value}，零容忍目标未守住。", "{value} this year: the zero-tolerance target is broken."),
    "gap_not_below": ("当前{value}，去年同期{base}。", "Now {value}; same period last year {base}."),
    "explain_title": ("计算方法", "How it is computed"),
    "explain_actual_flow": ("累计实际 = 1–{month}各月之和 = {value}", "Year to date = sum of months to {month} = {value}"),
    "explain_actual_level": ("实际 = 截至{month}最新上报值 = {value}", "Actual = latest reported value to {month} = {value}"),
    "explain_completion": ("完成率 = 实际 ÷ 目标 = {actual} ÷ {target} = {pct}", "Completion = actual ÷ target = {actual} ÷ {target} = {pct}"),
    "explain_linear": ("线性进度 = {m} ÷ 12 = {pct}", "Linear expected progress = {m} ÷ 12 = {pct}"),
    "explain_seasonal": ("季节序时进度 = {year}年{months}累计 ÷ {year}年全年 = {base} ÷ {total} = {pct}", "Seasonal expected progress = {year} {months} ÷ {year} total = {base} ÷ {total} = {pct}"),
    "explain_seasonal_linear": ("无完整基期数据，序时进度按线性计算。", "No complete baseline year: expected progress is linear."),
    "explain_status_pace": ("状态：完成率 − 序时进度 = {gap}；≥0 为进度正常，{band}个百分点以内为需关注，否则滞后 → {status}", "Status: completion − expected = {gap}; ≥ 0 on pace, within {band} points watch, else behind → {status}"),
    "explain_projection_flow": ("预计全年 = 累计 ÷ 季节占比 = {actual} ÷ {pct} = {value}（估算）", "Year-end projection = year to date ÷ seasonal share = {actual} ÷ {pct} = {value} (estimate)"),
    "explain_projection_level": ("预计全年 = 最新值 × 12 ÷ {m} = {value}（按年初为零匀速增长估算）", "Year-end projection = latest × 12 ÷ {m} = {value} (estimate, steady build-up from zero)"),
    "explain_required": ("还需月均 = (目标 − 实际) ÷ 剩余月数 = ({target} − {actual}) ÷ {n} = {value}", "Needed per month = (target − actual) ÷ months left = ({target} − {actual}) ÷ {n} = {value}"),
    "explain_growth": ("同比 = {actual} ÷ 去年同期 {base} − 1 = {pct}（目标 {target}）", "YoY = {actual} ÷ same period last year {base} − 1 = {pct} (target {target})"),
    "explain_consistency": ("目标与基期核对：{target} ÷ (1+{growth}%) = {implied}；基期实际 {actual}，相差 {gap}（容差 {tol}%）", "Target vs baseline: {target} ÷ (1+{growth}%) = {implied}; baseline actual {actual}, {gap} off (tolerance {tol}%)"),
    "explain_ratio": ("累计比率 = 分子累计 ÷ 分母累计（不是各月比率的平均）= {rate}；只报比率时取最新累计比率", "Year-to-date rate = summed numerator ÷ summed denominator (not the mean of monthly rates) = {rate}; when only the rate is reported, the latest one"),
    "explain_status_rate": ("状态：达到 {target} 为进度正常，差距{band}个百分点以内为需关注，否则滞后 → {status}", "Status: meeting {target} is on pace, within {band} points watch, else behind → {status}"),
    "explain_zero": ("年内累计 {value}；任何发生即为滞后 → {status}", "Year to date {value}; any incident is behind → {status}"),
    "explain_not_below": ("最新值 {value}，{year}年同期 {base}；不低于去年同期为进度正常 → {status}", "Latest {value}; same period of {year} {base}; not below is on pace → {status}"),
    "chart_cumulative": ("累计完成", "Year to date"),
    "chart_level": ("实际值", "Value"),
    "chart_target": ("目标", "Target"),
    "chart_expected_seasonal": ("序时进度（季节）", "Expected (seasonal)"),
    "chart_expected_linear": ("序时进度（线性）", "Expected (linear)"),
    "chart_projection": ("预计（估算）", "Projection (estimate)"),
    "chart_projection_band": ("预计区间（线性–季节）", "Projection range (linear–seasonal)"),
    "chart_last_year": ("去年同期累计", "Last year, year to date"),
    "chart_monthly": ("当月", "Month"),
    "chart_monthly_last_year": ("去年当月", "Same month last year"),
    "chart_yoy": ("当月同比（%）", "YoY by month (%)"),
    "chart_growth_target": ("目标增幅", "Growth target"),
    "chart_rate": ("累计比率", "Year-to-date rate"),
    "chart_rate_month": ("当月比率", "Monthly rate"),
    "projection_muted": ("数据不足3个月，预计仅供参考", "fewer than 3 months in: the projection is a rough estimate"),
    "regions_title": ("分地区", "By region"),
    "region_rule": ("全市合计取全市行；没有全市行时取各县级市（区）之和（须全部上报）。两者不一致时提示。", "The city total comes from city rows; without them, from the sum of all county-level regions (all must report). Disagreements are flagged."),
    "region_disagree": ("{period}：全市{city}，各地区合计{sum}，相差{pct}", "{period}: city {city}, regions sum to {sum} ({pct} apart)"),
    "col_share": ("占比", "Share"),
    "col_completion": ("完成率", "Completion"),
    "col_target": ("目标", "Target"),
    "col_month": ("月份", "Month"),
    "col_file": ("来源文件", "Source file"),
    "col_submitted": ("提交人 · 时间 · 原文件", "Submitted by · at · original file"),
    "col_ytd": ("累计", "Year to date"),
    "provenance_title": ("数据来源", "Provenance"),
    "sample_source": ("示例数据", "sample data"),
    "dropped_source": ("直接放入数据目录", "dropped into the data folder"),
    "departments_title": ("处室视图", "Departments"),
    "pick_department": ("选择处室", "Department"),
    "league_title": ("处室排名", "League table"),
    "col_department": ("处室", "Department"),
    "col_targets": ("指标数", "Targets"),
    "col_on_pace": ("进度正常占比", "Share on pace"),
    "dept_targets": ("{dept}牵头的指标（最需关注的在前）", "Targets led by {dept} (worst first)"),
    # presentation
    "nav_present": ("演示模式", "Presentation"),
    "slide_scorecard": ("主要指标完成情况", "Headline targets at a glance"),
    "slide_workplan": ("工作要点推进情况", "Work plan progress"),
    "slide_of": ("第{n}/{total}页", "{n} of {total}"),
    "prev": ("上一页", "Previous"),
    "big_screen": ("大屏", "HD"),
    "screen_help": ("投影为 1920×1080 时打开，图表更大", "Turn on for a 1920×1080 projector: larger charts"),
    "next": ("下一页", "Next"),
    "exit_present": ("退出演示", "Exit"),
    "legend": ("图例：● 进度正常　▲ 需关注　✕ 滞后　○ 无数据", "Legend: ● on pace  ▲ watch  ✕ behind  ○ no data"),
    "slide_footer": ("截至{period} · {source}", "As of {period} · {source}"),
    "slide_source": ("数据来源：{source}；目标依据：苏邮管〔2021〕21号", "{source} · plan 苏邮管〔2021〕21号"),
    # exports
    "export_unavailable": ("无法生成图片：需要 Chromium 浏览器和中文字体。请安装：apt-get install chromium fonts-noto-cjk（并 pip install kaleido）。页面其他功能不受影响。", "Cannot render images: Chromium and CJK fonts are needed. Install them: apt-get install chromium fonts-noto-cjk (and pip install kaleido). Everything else keeps working."),
    "export_title": ("导出", "Export"),
    "export_pptx": ("生成演示文稿（PPTX）", "Build the deck (PPTX)"),
    "export_building": ("正在生成：{label}", "Building: {label}"),
    "download_pptx": ("下载 PPTX", "Download PPTX"),
    "export_png": ("生成本页图表 PNG", "Render this chart as PNG"),
    "download_png": ("下载 PNG", "Download PNG"),
    # analysts
    "nav_upload": ("数据上报", "Data intake"),
    "signed_in_as": ("分析员：**{name}**", "Analyst: **{name}**"),
    "sign_out": ("退出登录", "Sign out"),
    "sign_in_title": ("分析员登录", "Analyst sign-in"),
    "sign_in": ("登录", "Sign in"),
    "user_name": ("用户名", "Name"),
    "password": ("密码", "Password"),
    "sign_in_failed": ("用户名或密码不正确", "Wrong name or password"),
    "sign_in_throttled": ("尝试次数过多，请{minutes}分钟后再试", "Too many attempts: try again in {minutes} minute(s)"),
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
    "problems_unlisted": ("另有至少{count}个问题未逐行列出（每项检查只列前{limit}个）。",
                          "At least {count} more problems are not listed (each check lists its first {limit})."),
    "file_ok": ("校验通过，可以入库。", "The file passed all checks and can be stored."),
    "file_has_errors": ("文件有{count}个错误，未入库。请按清单修改后重新上传。", "The file has {count} error(s) and was not stored. Fix them and upload again."),
    "file_has_errors_at_least": ("文件至少有{count}个错误，未入库。请按清单修改后重新上传。",
                                 "The file has at least {count} errors and was not stored. Fix them and upload again."),
    "file_has_warnings": ("有{count}个提醒：数据会入库，但请核对。", "{count} warning(s): the data will be stored, but please check them."),
    "confirm_store": ("确认入库", "Store these rows"),
    "sign_in_to_store": ("登录分析员账号后可入库。", "Sign in as an analyst to store the data."),
    "stored_ok": ("已入库：提交编号 {id}，共{rows}行。总览已更新。", "Stored as submission {id} ({rows} rows). The overview now includes it."),
    "revert": ("撤回所选提交", "Revert the selected submission"),
    "revert_pick": ("选择要撤回的提交", "Submission to revert"),
    "reverted_ok": ("已撤回提交 {id}。", "Submission {id} was reverted."),
    "col_submission_id": ("提交编号", "Submission"),
    "col_submitted_at": ("提交时间", "Submitted"),
    "col_user": ("提交人", "By"),
    "col_original_name": ("原文件名", "Original file"),
    "col_rows": ("行数", "Rows"),
    "col_warning_count": ("提醒", "Warnings"),
    "col_submission_status": ("状态", "Status"),
    "col_reverted": ("撤回时间 · 撤回人", "Reverted at · by"),
    "col_checksum": ("校验码（SHA-256前12位）", "Checksum (SHA-256, first 12)"),
    "submission_active": ("有效", "in use"),
    "submission_reverted": ("已撤回", "reverted"),
    "already_stored": ("此文件已于{time}由{user}入库（提交编号 {id}），无需重复提交。", "This file was already stored on {time} by {user} (submission {id}); there is nothing to store again."),
    "no_submissions": ("暂无提交记录。", "No submissions yet."),
    "template_long_csv": ("长表模板（CSV）", "Long template (CSV)"),
    "template_long_xlsx": ("长表模板（XLSX）", "Long template (XLSX)"),
    "template_wide_csv": ("宽表模板（CSV）", "Wide template (CSV)"),
    "template_wide_xlsx": ("宽表模板（XLSX）", "Wide template (XLSX)"),
    "templates_intro": ("模板已填好指标代码、中文名称和单位；空白数值视为未上报。", "Templates come with indicator ids, Chinese names and units; blank values count as not reported."),
    "severity_error": ("错误", "error"),
    "severity_warning": ("提醒", "warning"),
    # work-plan tracker
    "nav_tracker": ("工作要点跟踪", "Work plan"),
    "tracker_title": ("工作要点与民生实事推进情况", "Work plan and livelihood projects"),
    "tracker_caption": ("截至{period}：共{total}项，滞后{behind}项，未启动{not_started}项，推进中{in_progress}项，已完成{done}项，未更新{none}项。", "As of {period}: {total} items; {behind} behind, {not_started} not started, {in_progress} in progress, {done} done, {none} not reported."),
    "prog_behind": ("✕ 滞后", "✕ Behind"),
    "prog_not_started": ("○ 未启动", "○ Not started"),
    "prog_in_progress": ("◐ 推进中", "◐ In progress"),
    "prog_done": ("● 已完成", "● Done"),
    "prog_none": ("– 未更新", "– Not reported"),
    "list_key_work": ("重点工作", "Key work"),
    "list_work_item": ("工作要点", "Work item"),
    "list_livelihood": ("民生实事", "Livelihood project"),
    "tab_work_items": ("工作要点（{n}项）", "Work items ({n})"),
    "tab_livelihood": ("民生实事（{n}项）", "Livelihood projects ({n})"),
    "tab_key_works": ("重点工作（{n}项）", "Key works ({n})"),
    "tab_department": ("处室一览", "By department"),
    "filter_department": ("牵头处室", "Lead department"),
    "filter_progress_status": ("状态", "Status"),
    "search": ("搜索事项", "Search items"),
    "all": ("全部", "All"),
    "col_number": ("编号", "No."),
    "col_section": ("板块", "Section"),
    "col_item": ("事项", "Item"),
    "col_lead": ("牵头", "Lead"),
    "col_progress": ("进展情况", "Progress"),
    "col_updated": ("更新月份", "Updated"),
    "col_done_date": ("完成时间", "Completed"),
    "col_linked_targets": ("关联指标", "Linked targets"),
    "no_tasks": ("尚未导入工作要点：运行 python -m lib.cli parse-plan 计划文本.txt --out data", "No work plan imported yet: run python -m lib.cli parse-plan PLAN.txt --out data"),
    "dept_items": ("牵头事项", "Items led"),
    "dept_kpis": ("牵头指标", "Targets led"),
    "edit_progress": ("更新进展（分析员）", "Update progress (analysts)"),
    "edit_help": ("修改状态、进展和完成时间后保存；保存内容与上传文件经过同样的校验，并记录在提交日志中。", "Change statuses, narratives and completion dates, then save: the same checks as an uploaded file apply, and the log records it."),
    "save_progress": ("保存{period}进展", "Save progress for {period}"),
    "progress_saved": ("已保存：提交编号 {id}，共{rows}项。", "Saved as submission {id} ({rows} items)."),
    "upload_progress": ("或上传进展文件（CSV/XLSX：月份、事项、状态、进展情况、完成时间）", "Or upload a progress file (CSV/XLSX: period, item, status, narrative, completion_date)"),
    "item_history": ("事项进展历史", "Item history"),
    "pick_item": ("选择事项", "Item"),
    # work-plan progress
    "err_progress_header": ("找不到表头：需要「月份、事项、状态」列（可选「进展情况、完成时间」）", "no header found: expected columns period, item, status (optional narrative, completion_date)"),
    "err_item": ("未知事项「{value}」，应为如 45、工作要点45、实事12、重点工作3", "unknown item '{value}'; expected e.g. 45, 工作要点45, 实事12, 重点工作3"),
    "err_status": ("「{value}」不是有效状态，应为 未启动、推进中、已完成 或 滞后", "'{value}' is not a status; expected 未启动, 推进中, 已完成 or 滞后"),
    "err_narrative_long": ("进展说明超过{limit}字", "the narrative is longer than {limit} characters"),
    "err_date": ("「{value}」不是有效日期，应为如 2021-05-03", "'{value}' is not a date; expected e.g. 2021-05-03"),
    "err_date_future": ("完成时间「{value}」晚于今天", "completion date '{value}' is in the future"),
    # intake
    "intake_summary_ok": ("{file}：{rows}行数据，{warnings}个提醒（{how}）", "{file}: {rows} rows, {warnings} warning(s) ({how})"),
    "intake_summary_refused": ("{file}：{errors}个错误，{warnings}个提醒，未入库（{how}）", "{file}: {errors} error(s), {warnings} warning(s), not stored ({how})"),
    "layout_long": ("长表：每行一个指标", "long: one indicator per row"),
    "layout_wide": ("宽表：每列一个指标", "wide: one indicator per column"),
    "layout_bulletin": ("快报格式", "bulletin"),
    "encoding_utf-8-sig": ("UTF-8编码", "UTF-8"),
    "encoding_gb18030": ("GBK编码", "GBK"),
    "encoding_xlsx": ("Excel工作簿", "Excel workbook"),
    "import_stored": ("已入库，提交编号 {id}（{file}）", "stored as submission {id} ({file})"),
    "import_rejected": ("未入库，文件及报告已保存在 rejected/{file}", "not stored; the file and its report are kept as rejected/{file}"),
    "import_failed": ("入库失败，未做任何修改：{detail}", "import failed; nothing was changed: {detail}"),
    "err_unwritable": ("无法写入：{detail}", "cannot write: {detail}"),
    "err_plan_no_items": ("没有找到以（…牵头）结尾的编号事项", "no numbered items with （…牵头） found"),
    "plan_no_targets": ("（未找到 {path}，target_ids 留空）", "({path} not found: target_ids left empty)"),
    "cli_no_file": ("文件不存在：{path}", "file not found: {path}"),
    # CLI
    "cli_bad_as_of": ("截至月份「{value}」无效，应为 YYYY-MM", "as-of month '{value}' is invalid; expected YYYY-MM"),
    "cli_no_year": ("{year}年没有目标", "there are no targets for {year}"),
    "cli_passwords_differ": ("两次输入的密码不一致", "the two passwords differ"),
    "cli_password_short": ("密码至少需要8个字符", "use at least 8 characters"),
    "password_again": ("再次输入密码", "Again"),
    "cli_no_data_dir": ("数据目录不存在：{path}", "data directory not found: {path}"),
    # English view: text that exists only in Chinese is marked, not mixed into English sentences
    "chinese_only": ("仅中文", "Chinese only"),
}


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Return the text for key in lang, with params filled in."""
    pair = TEXT.get(key)
    if pair is None:
        # A missing key is a bug. Under KPI_STRICT_I18N=1 (tests/conftest.py sets it for the whole suite) it raises,
        # so a test fails on it; a live page shows the key and logs a warning rather than crash over one label.
        if os.environ.get("KPI_STRICT_I18N") == "1":
            raise KeyError(f"no text for {key!r} in lib/i18n.py")
        log.warning("no text for %r in lib/i18n.py", key)
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text


def category_label(category: str, lang: str) -> str:
    """Return the display name of a target category."""
    return t(f"cat_{category}", lang) if f"cat_{category}" in TEXT else category


def department_label(department: str, lang: str) -> str:
    """Return the display name of a lead department."""
    key = f"dept_{department}"
    return t(key, lang) if key in TEXT else department


def departments_label(departments, lang: str) -> str:
    """Return lead departments as one text: 普遍服务处、市场监管处 or "Universal Service Division, …"."""
    return (", " if lang == "en" else "、").join(department_label(d, lang) for d in departments if d)


def status_label(status: str, lang: str) -> str:
    """Return the display name of a status colour."""
    return t(f"status_{status}", lang)


def has_chinese(text: str) -> bool:
    """Return whether text holds any Chinese character."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def chinese_only(text: str, lang: str) -> str:
    """Return text as the English view shows data that exists only in Chinese: marked "(Chinese only)"; else as is."""
    if lang != "en" or not has_chinese(text):
        return text
    return f"{text} ({t('chinese_only', lang)})"
