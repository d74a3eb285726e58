"""Reading a plan for recall, then deciding: a corpus of sentences and items in the forms real 工作要点 of several
provinces and cities use, each with its reading worked out by hand — every figure found, taken or not (and why), a
taken one's name, value, unit, kind and direction, and the item's departments.

The sentences are written for the tests in the styles of the Suzhou 2021 plan (data/plans/2021_plan.txt) and of other
cities' and provinces' plans: 牵头处室：X; X牵头，Y配合; （X）; （X、Y）; 责任单位：…; counts with 新增/新建/建成/培育/
打造/创建/完成/达到/不低于/超过/力争/确保/控制在…以内. Every reading a test once missed stays here.

Expectations: ("taken", figure as written, name, value, unit, kind, comparator); ("growth", figure, the target it is
the growth rate of); ("not", figure, reason). Plans are read as the 2023 plan (a year before it is last year's).
"""

from __future__ import annotations

import pytest

from lib.plan import parse_plan, read_figures
from lib.plan.model import Mention
from lib.plan.naming import guess_kind

GOAL, ITEM, LINE = "goal", "item", "line"
OFFICE, MARKET, UNIVERSAL = "办公室", "市场监管处", "普遍服务处"

CORPUS = [
    # 主要目标, in the words of several cities' plans
    ("g_volume_growth", GOAL, "全年邮政业务总量完成540亿元、同比增长13.8%", [], [], [
        ("taken", "540亿元", "邮政业务总量", 540, "亿元", "flow", "≥"), ("growth", "13.8%", "邮政业务总量")]),
    ("g_parcels", GOAL, "快递业务量完成24亿件、同比增长15%", [], [], [
        ("taken", "24亿件", "快递业务量", 24, "亿件", "flow", "≥"), ("growth", "15%", "快递业务量")]),
    ("g_about", GOAL, "邮政行业业务收入完成300亿元左右", [], [], [
        ("taken", "300亿元", "邮政行业业务收入", 300, "亿元", "flow", "≈")]),
    ("g_growth_only", GOAL, "快递业务收入同比增长9%", [], [], [
        ("taken", "9%", "快递业务收入", None, "", "flow", "≥")]),
    ("g_growth_kept", GOAL, "邮政业务总量增速保持在10%以上", [], [], [
        ("taken", "10%", "邮政业务总量", None, "", "flow", "≥")]),
    ("g_break_through", GOAL, "全年快递业务量力争突破30亿件", [], [], [
        ("taken", "30亿件", "快递业务量", 30, "亿件", "flow", ">")]),
    ("g_exceed", GOAL, "快递业务收入力争超过300亿元", [], [], [
        ("taken", "300亿元", "快递业务收入", 300, "亿元", "flow", ">")]),
    ("g_national", GOAL, "全国快递业务量预计达到1320亿件", [], [], [("not", "1320亿件", "context")]),
    ("g_province", GOAL, "全省快递业务量预计完成100亿件、增长10%", [], [], [
        ("not", "100亿件", "context"), ("not", "10%", "context")]),
    ("g_last_year", GOAL, "2022年全市快递业务量完成22.5亿件，同比增长8.1%", [], [], [
        ("not", "2022年", "date"), ("not", "22.5亿件", "last_year"), ("not", "8.1%", "last_year")]),
    ("g_national_last_year", GOAL, "2022年全国快递业务量达1105.8亿件，同比增长2.1%", [], [], [
        ("not", "2022年", "date"), ("not", "1105.8亿件", "context"), ("not", "2.1%", "context")]),
    ("g_state_post", GOAL, "国家邮政局提出2023年快递业务量达到1250亿件", [], [], [
        ("not", "2023年", "date"), ("not", "1250亿件", "context")]),
    ("g_idiom", GOAL, "快递服务满意度稳中有升，机要通信确保万无一失", [], [], [
        ("taken", "稳中有升", "快递服务满意度", None, "", "not_below_last_year", "≥"), ("not", "万无一失", "idiom")]),
    ("g_share", GOAL, "全市快递业务量占全省比重保持在15%以上", [], [], [
        ("taken", "15%", "快递业务量占全省比重", 15, "%", "ratio", "≥")]),
    ("g_score", GOAL, "邮政寄递服务满意度保持在80分以上", [], [], [
        ("taken", "80分", "邮政寄递服务满意度", 80, "分", "level", "≥")]),
    ("g_than_last_year", GOAL, "快递业务量比上年增长8%", [], [], [
        ("taken", "8%", "快递业务量", None, "", "flow", "≥")]),
    ("g_percent_words", GOAL, "快递服务满意度达到百分之九十五以上", [], [], [
        ("taken", "百分之九十五", "快递服务满意度", 95, "%", "ratio", "≥")]),
    # Counts of new things this year: flows toward the year's number, in every department form
    ("i_new_lockers", ITEM, "新增智能快件箱2万个。（市场监管处）", [MARKET], [], [
        ("taken", "2万个", "新增智能快件箱", 2, "万个", "flow", "≥")]),
    ("i_new_stations", ITEM, "新建村级寄递物流综合服务站120个。（普遍服务处、市场监管处）", [UNIVERSAL, MARKET], [], [
        ("taken", "120个", "新建村级寄递物流综合服务站", 120, "个", "flow", "≥")]),
    ("i_verb_inside", ITEM, "在全市新增快递共配柜体30组。牵头处室：市场监管处", [MARKET], [], [
        ("taken", "30组", "新增快递共配柜体", 30, "组", "flow", "≥")]),
    ("i_built_level", ITEM, "建成快递服务现代农业示范项目10个，市场监管处牵头，普遍服务处配合。", [MARKET], [UNIVERSAL], [
        ("taken", "10个", "快递服务现代农业示范项目", 10, "个", "level", "≥")]),
    ("i_cultivate", ITEM, "培育快递服务制造业重点项目15个。（市场监管处）", [MARKET], [], [
        ("taken", "15个", "快递服务制造业重点项目", 15, "个", "flow", "≥")]),
    ("i_create_model", ITEM, "打造快递进村示范县3个。责任单位：普遍服务处", [UNIVERSAL], [], [
        ("taken", "3个", "快递进村示范县", 3, "个", "flow", "≥")]),
    ("i_create", ITEM, "创建绿色网点示范单位20家。（市场监管处）", [MARKET], [], [
        ("taken", "20家", "绿色网点示范单位", 20, "家", "flow", "≥")]),
    ("i_complete_training", ITEM, "完成快递从业人员职业技能培训3000人次。（办公室）", [OFFICE], [], [
        ("taken", "3000人次", "快递从业人员职业技能培训", 3000, "人次", "flow", "≥")]),
    ("i_chinese_numerals", ITEM, "培训从业人员三千人次。（办公室）", [OFFICE], [], [
        ("taken", "三千人次", "培训从业人员", 3000, "人次", "flow", "≥")]),
    ("i_chinese_sets", ITEM, "新建智能信报箱一百五十组。（普遍服务处）", [UNIVERSAL], [], [
        ("taken", "一百五十组", "新建智能信报箱", 150, "组", "flow", "≥")]),
    ("i_chinese_sites", ITEM, "建成乡镇快递服务站点十五个以上。（普遍服务处）", [UNIVERSAL], [], [
        ("taken", "十五个", "乡镇快递服务站点", 15, "个", "level", "≥")]),
    ("i_named_people", ITEM, "全年培训快递员5000名。（办公室）", [OFFICE], [], [
        ("taken", "5000名", "培训快递员", 5000, "名", "flow", "≥")]),
    ("i_open_lines", ITEM, "开通农村客货邮融合线路20条。（普遍服务处）", [UNIVERSAL], [], [
        ("taken", "20条", "农村客货邮融合线路", 20, "条", "flow", "≥")]),
    ("i_put_vehicles", ITEM, "投放新能源快递车辆500辆。（市场监管处）", [MARKET], [], [
        ("taken", "500辆", "新能源快递车辆", 500, "辆", "flow", "≥")]),
    ("i_outlets_reach", ITEM, "邮政普遍服务营业场所达到312处。（普遍服务处）", [UNIVERSAL], [], [
        ("taken", "312处", "邮政普遍服务营业场所", 312, "处", "level", "≥")]),
    ("i_each_county", ITEM, "各县（市、区）分别建成2家标杆网点。（市场监管处）", [MARKET], [], [
        ("taken", "2家", "各县（市、区）标杆网点", 2, "家", "level", "≥")]),
    # Rates, at least, at most
    ("i_rate_reach", ITEM, "建制村快递服务通达率达到100%。（普遍服务处）", [UNIVERSAL], [], [
        ("taken", "100%", "建制村快递服务通达率", 100, "%", "ratio", "≥")]),
    ("i_not_below", ITEM, "电商快件不再二次包装率不低于95%。（市场监管处）", [MARKET], [], [
        ("not", "二次包装", "name"), ("taken", "95%", "电商快件不再二次包装率", 95, "%", "ratio", "≥")]),
    ("i_within", ITEM, "快递车辆违规事件控制在10起以内。（市场监管处）", [MARKET], [], [
        ("taken", "10起", "快递车辆违规事件", 10, "起", "flow", "≤")]),
    ("i_boxes", ITEM, "力争年底可循环快递箱（盒）使用量达到15万个。（市场监管处）", [MARKET], [], [
        ("taken", "15万个", "可循环快递箱（盒）使用量", 15, "万个", "level", "≥")]),
    ("i_exceed_rate", ITEM, "确保邮件快件全程时限准时率超过80%。（市场监管处）", [MARKET], [], [
        ("taken", "80%", "邮件快件全程时限准时率", 80, "%", "ratio", ">")]),
    ("i_at_least", ITEM, "主要品牌快递企业进厂项目不少于50个。（市场监管处）", [MARKET], [], [
        ("taken", "50个", "主要品牌快递企业进厂项目", 50, "个", "level", "≥")]),
    ("i_inspections", ITEM, "开展执法检查不少于200次。（市场监管处）", [MARKET], [], [
        ("taken", "200次", "执法检查", 200, "次", "flow", "≥")]),
    ("i_new_energy_share", ITEM, "新能源快递车辆占比达到30%。（市场监管处牵头）", [MARKET], [], [
        ("taken", "30%", "新能源快递车辆占比", 30, "%", "ratio", "≥")]),
    ("i_5g", ITEM, "5G智能快件箱覆盖率达到60%。（市场监管处）", [MARKET], [], [
        ("not", "5G", "name"), ("taken", "60%", "5G智能快件箱覆盖率", 60, "%", "ratio", "≥")]),
    ("i_score", ITEM, "快递服务满意度得分不低于80分。（市场监管处）", [MARKET], [], [
        ("taken", "80分", "快递服务满意度得分", 80, "分", "level", "≥")]),
    # Suzhou 2021, as printed
    ("s_item35", ITEM, "市区建成3家主要品牌快递企业“扫黄打非”工作站，各县（市）分别建成1家主要品牌快递企业“扫黄打非”工作站，"
     "城区普遍服务网点“扫黄打非”工作点建设覆盖率达40%以上。（普遍服务处牵头）", [UNIVERSAL], [], [
        ("taken", "3家", "市区主要品牌快递企业“扫黄打非”工作站", 3, "家", "level", "≥"),
        ("taken", "1家", "各县（市）主要品牌快递企业“扫黄打非”工作站", 1, "家", "level", "≥"),
        ("taken", "40%", "城区普遍服务网点“扫黄打非”工作点建设覆盖率", 40, "%", "ratio", "≥")]),
    ("s_item45", ITEM, "落实行业生态环保“29551”工程，继续开展重金属和特定物质超标包装袋、过度包装2个专项治理，电商快件不再二次"
     "包装率保持在95%以上，力争年底可循环快递箱（盒）使用量达10万个。（市场监管处牵头）", [MARKET], [], [
        ("not", "29551", "name"), ("not", "2个", "name"), ("not", "二次包装", "name"),
        ("taken", "95%", "电商快件不再二次包装率", 95, "%", "ratio", "≥"),
        ("taken", "10万个", "可循环快递箱（盒）使用量", 10, "万个", "level", "≥")]),
    ("s_item52", ITEM, "推动落实《苏州市快递从业人员职业技能提升实施方案》，全年培训从业人员力争超2000人次。（办公室牵头）",
     [OFFICE], [], [("taken", "2000人次", "培训从业人员", 2000, "人次", "flow", ">")]),
    ("s_item1", ITEM, "深入学习贯彻党的十九届五中全会精神，进一步增强“四个意识”，坚定“四个自信”，做到“两个维护”。（办公室牵头）",
     [OFFICE], [], [("not", "十九届", "name"), ("not", "五中全会", "name"), ("not", "四个意识", "name"),
                    ("not", "四个自信", "name"), ("not", "两个维护", "name")]),
    ("s_item6", ITEM, "完成2018-2020年市级文明单位创建工作。（办公室牵头）", [OFFICE], [], [
        ("not", "2018-2020年", "date")]),
    ("s_item3", ITEM, "开展庆祝建党100周年系列活动。（办公室牵头）", [OFFICE], [], [("not", "100周年", "name")]),
    ("s_item34", ITEM, "规范监督管理档案，确保机要通信万无一失。（普遍服务处牵头）", [UNIVERSAL], [], [
        ("not", "万无一失", "idiom")]),
    ("s_two_leads", ITEM, "推动“两进一出”工程出实效。（市场监管处、普遍服务处牵头）", [MARKET, UNIVERSAL], [], [
        ("not", "两进一出", "name")]),
    ("s_trailing_comma", ITEM, "推进落实实事项目“交邮惠民”公交示范邮路建设。（市场监管处牵头，）", [MARKET], [], []),
    # Names, idioms, dates, ordinals, events: never targets
    ("n_campaigns", ITEM, "继续开展过度包装、违规分拣2个专项治理。（市场监管处）", [MARKET], [], [("not", "2个", "name")]),
    ("n_project_code", ITEM, "实施“9210”工程。（市场监管处）", [MARKET], [], [("not", "9210", "name")]),
    ("n_plus_n", ITEM, "推进邮政快递业“1+2+N”服务体系建设。（普遍服务处）", [UNIVERSAL], [], [
        ("not", "1", "name"), ("not", "2", "name")]),
    ("n_five_year", ITEM, "落实“十四五”邮政业发展规划。（办公室）", [OFFICE], [], [("not", "十四五", "name")]),
    ("n_congress", ITEM, "深入学习贯彻党的二十大精神。（办公室）", [OFFICE], [], [("not", "二十大", "name")]),
    ("n_three_systems", ITEM, "全面落实安全监管“三项制度”。（市场监管处）", [MARKET], [], [("not", "三项制度", "name")]),
    ("n_three_years", ITEM, "深化安全生产三年专项整治。（市场监管处）", [MARKET], [], [("not", "三年", "name")]),
    ("n_law_campaign", ITEM, "组织八五普法培训。（办公室）", [OFFICE], [], [("not", "八五普法", "name")]),
    ("n_tricycles", ITEM, "强化电动三轮车规范整治。（市场监管处）", [MARKET], [], [("not", "三轮车", "name")]),
    ("n_one_network", ITEM, "推动政务服务“一网通办”。（办公室）", [OFFICE], [], [("not", "一网通办", "idiom")]),
    ("n_consistent", ITEM, "始终坚持一以贯之的工作要求。（办公室）", [OFFICE], [], [("not", "一以贯之", "idiom")]),
    ("n_integration", ITEM, "加快推进城乡物流一体化发展。（普遍服务处）", [UNIVERSAL], [], [("not", "一体化", "idiom")]),
    ("n_deadline", ITEM, "于2023年6月底前完成智能信报箱建设。（普遍服务处）", [UNIVERSAL], [], [
        ("not", "2023年6月", "date")]),
    ("n_years", ITEM, "完成2020-2022年行业统计数据核查。（市场监管处）", [MARKET], [], [("not", "2020-2022年", "date")]),
    ("n_ordinal", ITEM, "举办第3届快递职业技能大赛。（办公室）", [OFFICE], [], [("not", "3届", "ordinal")]),
    ("n_meetings", ITEM, "召开全市邮政管理工作会议2次。（办公室）", [OFFICE], [], [("not", "2次", "not_monthly")]),
    ("n_rules", ITEM, "制定出台2项行业管理制度。（办公室）", [OFFICE], [], [("not", "2项", "not_monthly")]),
    ("n_no_wording", ITEM, "推动1家快递企业在本市设立区域总部。（市场监管处）", [MARKET], [], [("not", "1家", "not_target")]),
    ("n_last_year_built", ITEM, "上年建成的30个示范网点全部通过复评。（市场监管处）", [MARKET], [], [
        ("not", "30个", "last_year")]),
    ("n_third_party", ITEM, "委托第三方机构开展评估。（市场监管处）", [MARKET], [], []),
    ("n_no_figure", ITEM, "进一步提升申诉处理满意率。（市场监管处）", [MARKET], [], [
        ("taken", "进一步提升", "申诉处理满意率", None, "", "not_below_last_year", "≥")]),
    # A measurable activity over the year, counted in units of work done after 开展/组织/实施 (#23, held-out check);
    # an event held once is not measured monthly
    ("i_organised_training", ITEM, "组织开展寄递企业安全生产培训2000人次。（市场监管处）", [MARKET], [], [
        ("taken", "2000人次", "寄递企业安全生产培训", 2000, "人次", "flow", "≥")]),
    ("i_activity_checks", ITEM, "年内开展快递网点安全检查600家。（市场监管处）", [MARKET], [], [
        ("taken", "600家", "快递网点安全检查", 600, "家", "flow", "≥")]),
    ("i_spot_checks", ITEM, "实施快递末端网点服务质量抽查300个。（市场监管处）", [MARKET], [], [
        ("taken", "300个", "快递末端网点服务质量抽查", 300, "个", "flow", "≥")]),
    ("i_held_once", ITEM, "举办全市快递业务技能比武1次。（办公室）", [OFFICE], [], [("not", "1次", "not_monthly")]),
    ("i_drills", ITEM, "组织开展寄递安全应急演练4次。（市场监管处）", [MARKET], [], [("not", "4次", "not_monthly")]),
    ("n_activity_no_count", ITEM, "开展“快递进社区”宣传活动。（办公室）", [OFFICE], [], []),
    ("i_steady_at", ITEM, "邮件快件全程时限准时率稳定在85%以上。（市场监管处）", [MARKET], [], [
        ("taken", "85%", "邮件快件全程时限准时率", 85, "%", "ratio", "≥")]),
    ("i_yearly_amount", ITEM, "环保快递袋年使用量达到20万个。（市场监管处）", [MARKET], [], [
        ("taken", "20万个", "环保快递袋年使用量", 20, "万个", "flow", "≥")]),
    ("i_quoted_list", ITEM, "快递网点“防雨、防潮、防晒”设施配备率达到85%。（普遍服务处）", [UNIVERSAL], [], [
        ("taken", "85%", "快递网点“防雨、防潮、防晒”设施配备率", 85, "%", "ratio", "≥")]),
    # Time limits, shares per mille or per million, units the dashboard has no entry for (#23, held-out check)
    ("i_time_limit", ITEM, "快递业务经营许可审批时限缩短至10个工作日。（办公室）", [OFFICE], [], [
        ("not", "10个工作日", "date")]),
    ("i_time_limit_hours", ITEM, "重点区域快件投递时长压缩至24小时以内。（普遍服务处）", [UNIVERSAL], [], [
        ("not", "24小时", "date")]),
    ("i_hours_in_name", ITEM, "重点城市间快递72小时准时率达到80%。（市场监管处）", [MARKET], [], [
        ("not", "72小时", "name"), ("taken", "80%", "重点城市间快递72小时准时率", 80, "%", "ratio", "≥")]),
    ("i_months", ITEM, "用3个月时间完成网点备案核查。（市场监管处）", [MARKET], [], [("not", "3个月", "date")]),
    ("i_per_million", ITEM, "快递服务有效申诉率控制在百万分之2以内。（市场监管处）", [MARKET], [], [
        ("not", "百万分之2", "unknown_unit")]),
    ("i_per_mille", ITEM, "邮件快件损毁率控制在千分之0.5以内。（市场监管处）", [MARKET], [], [
        ("not", "千分之0.5", "unknown_unit")]),
    ("i_points", ITEM, "快递业务量占全省比重提高1个百分点。（市场监管处）", [MARKET], [], [
        ("not", "1个百分点", "unknown_unit")]),
    # Targets without a number, read and decided like figures: what must not happen (zero tolerance) and what must
    # not fall (not below last year); a wording no rule takes is listed with its reason (#23, held-out check)
    ("g_zero_happen", GOAL, "全年较大以上安全生产事故零发生", [], [], [
        ("taken", "零发生", "较大以上安全生产事故", None, "", "zero_tolerance", "≤")]),
    ("g_zero_quoted", GOAL, "邮件快件寄递实现“零延误”", [], [], [
        ("taken", "“零延误”", "零延误", None, "", "zero_tolerance", "≤")]),
    ("g_zero_inner_quote", GOAL, "从业人员因工“零”死亡", [], [], [
        ("taken", "“零”死亡", "零死亡", None, "", "zero_tolerance", "≤")]),
    ("g_only_rises", GOAL, "邮政普遍服务满意度只升不降", [], [], [
        ("taken", "只升不降", "邮政普遍服务满意度", None, "", "not_below_last_year", "≥")]),
    ("g_keeps_rising", GOAL, "寄递服务公众满意度持续提升", [], [], [
        ("taken", "持续提升", "寄递服务公众满意度", None, "", "not_below_last_year", "≥")]),
    ("g_province_rises", GOAL, "全省快递服务满意度稳中有升", [], [], [("not", "稳中有升", "context")]),
    ("g_zero_last_year", GOAL, "2022年全市寄递渠道安全事故零发生", [], [], [
        ("not", "2022年", "date"), ("not", "零发生", "last_year")]),
    ("i_never", ITEM, "坚决杜绝重特大寄递安全事故。（市场监管处）", [MARKET], [], [
        ("taken", "杜绝重特大寄递安全事故", "重特大寄递安全事故", None, "", "zero_tolerance", "≤")]),
    ("i_avoid", ITEM, "落实安全生产责任，避免发生较大涉邮涉枪案件。（市场监管处）", [MARKET], [], [
        ("taken", "避免发生较大涉邮涉枪案件", "较大涉邮涉枪案件", None, "", "zero_tolerance", "≤")]),
    ("i_never_unmeasured", ITEM, "杜绝野蛮分拣行为。（市场监管处）", [MARKET], [], [("not", "杜绝", "no_measure")]),
    ("i_zero_alone", ITEM, "寄递安全生产实现零发生。（市场监管处）", [MARKET], [], [("not", "零发生", "no_measure")]),
    ("n_zero_tolerance", ITEM, "对寄递渠道违法违规行为零容忍。（市场监管处）", [MARKET], [], [
        ("not", "零容忍", "idiom")]),
    ("n_rise_unmeasured", ITEM, "持续提升末端服务能力。（普遍服务处）", [UNIVERSAL], [], []),
    ("l_steady_outside", LINE, "全市快递服务满意度稳中有升", [], [], [("not", "稳中有升", "outside_items")]),
    # Lines of the document outside the lists
    ("l_parts", LINE, "具体抓好以下5个方面、30项工作：", [], [], [
        ("not", "5个", "plan_part"), ("not", "30项", "plan_part")]),
    ("l_key_works", LINE, "着力抓好8项重点工作：", [], [], [("not", "8项", "plan_part")]),
    ("l_doc_number", LINE, "锡邮管〔2023〕5号", [], [], [("not", "〔2023〕5号", "document")]),
    ("l_date", LINE, "2023年3月20日", [], [], [("not", "2023年3月20日", "date")]),
    ("l_livelihood", LINE, "2023年邮政快递业更贴近民生七件实事", [], [], [
        ("not", "2023年", "date"), ("not", "七件", "plan_part")]),
]


def read(kind: str, text: str, year: int = 2023):
    """Return (readings of the text, its item) as the plan reader sees it in its place: the 主要目标, an item of a
    list, or a line of the document outside the lists."""
    if kind == GOAL:
        plan = f"无锡市邮政管理局{year}年工作要点\n全市邮政快递业发展的主要目标是：{text}\n"
    elif kind == ITEM:
        plan = f"无锡市邮政管理局{year}年工作要点\n着力抓好重点工作：\n1. {text}\n"
    else:
        plan = f"{text}\n"
    parse = parse_plan(plan)
    item = (parse.goals + parse.tasks or [None])[0] if kind != LINE else None
    readings = [r for r in read_figures(parse, year)
                if (r.passage.item is item if kind != LINE else r.passage.text == text)]
    return readings, item


def outcome(reading) -> tuple:
    """Return a reading as the corpus writes it."""
    if not reading.taken:
        return "not", reading.figure.text, reading.reason
    if reading.statements:  # a target without a number: what must not happen, or must not fall
        kinds = {s.kind for s in reading.statements}
        assert len(kinds) == 1
        kind = kinds.pop()
        return ("taken", reading.figure.text, "、".join(s.subject for s in reading.statements), None, "", kind,
                "≤" if kind == "zero_tolerance" else "≥")
    c = reading.candidate
    if c.growth_span == reading.span and c.span != reading.span:
        return "growth", reading.figure.text, c.phrase
    kind, _ = guess_kind(Mention(reading.passage.item, c.phrase, c.value, c.unit, c.comparator, c.growth_pct,
                                 c.clause, verb=c.verb))
    return "taken", reading.figure.text, c.phrase, c.value, c.unit, kind, c.comparator


def test_the_corpus_is_large_and_covers_every_form():
    assert len(CORPUS) >= 60 and len({case[0] for case in CORPUS}) == len(CORPUS)
    texts = " ".join(case[2] for case in CORPUS)
    for form in ("牵头处室：", "牵头，", "配合", "责任单位：", "新增", "新建", "建成", "培育", "打造", "创建", "完成",
                 "达到", "不低于", "超过", "力争", "确保", "控制在", "以内", "万无一失", "一以贯之", "一网通办"):
        assert form in texts, form


@pytest.mark.parametrize("name, kind, text, lead, supporting, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_reading(name, kind, text, lead, supporting, expected):
    readings, item = read(kind, text)
    assert [outcome(r) for r in readings] == expected
    if kind == ITEM:
        assert (item.departments, item.supporting) == (lead, supporting)
        assert "（" not in item.text[-1:] and not item.text.endswith(("牵头）", "处）", "室）"))


IDIOMS = ["万无一失", "一以贯之", "一网通办", "一网统管", "一件事一次办", "最多跑一次", "一站式", "一盘棋", "一把手",
          "千方百计", "千家万户", "三令五申", "四通八达", "两手抓", "一岗双责", "一视同仁", "一丝不苟", "一抓到底",
          "五位一体", "十四五", "两个维护", "四个意识", "两进一出", "三不一直", "八项规定", "零容忍", "零距离"]


@pytest.mark.parametrize("idiom", IDIOMS)
@pytest.mark.parametrize("frame", ["确保{}。（办公室）", "坚持{}，推动工作落实。（市场监管处）", "全年实现{}。（普遍服务处）"])
def test_an_idiom_or_a_name_never_yields_a_target(idiom, frame):
    import pandas as pd

    from lib.catalog import TARGET_COLUMNS
    from lib.plan import draft_targets

    text = frame.format(idiom)
    readings, _ = read(ITEM, text)
    assert readings and not [r for r in readings if r.taken]
    assert {r.reason for r in readings} <= {"idiom", "name"}
    drafted = draft_targets(parse_plan(f"无锡市邮政管理局2023年工作要点\n着力抓好重点工作：\n1. {text}\n"), 2023,
                            pd.DataFrame(columns=TARGET_COLUMNS))
    assert drafted.taken_rows.empty
