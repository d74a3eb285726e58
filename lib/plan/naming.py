"""What a new indicator is guessed to be: its kind from the words around its figure, its unit, category, readable id
and a draft English name (a word table: pinyin is not available). Every guess is named in the row's review note."""

from __future__ import annotations

import re

from lib.kinds import KINDS, UNKNOWN_KIND
from lib.plan.candidates import NEW_THIS_YEAR, NOT_BELOW, RATE_NOUN, ZERO
from lib.plan.model import Mention

FLOW_UNITS = {"亿件", "万件", "件", "亿元", "万元", "元", "人次", "万人次", "次", "起", "吨", "名", "人", "万人"}
LEVEL_UNITS = {"个", "万个", "家", "组", "座", "所", "处", "台", "套", "辆", "条", "户", "名", "项", "批", "场"}
YEARLY_AMOUNT = re.compile(r"年度?[\u4e00-\u9fff]{0,3}量$")  # 年投放量, 年度处理量: what the year adds up to
CATEGORY_WORDS = [  # first match wins
    ("culture_security", ("扫黄打非",)),
    ("green", ("绿色", "包装", "可循环", "回收", "新能源", "减量")),
    ("workforce", ("培训", "从业人员", "技能", "人才", "职称", "快递员")),
    ("rural", ("建制村", "农村", "乡镇", "进村", "下乡")),
    ("safety", ("安全", "事故", "感染", "违规", "实名", "机要")),
    ("quality", ("满意", "申诉", "投诉", "准时", "及时", "正确率")),
    ("headline", ("业务总量", "业务收入", "业务量")),
]
# Words for readable ids and draft English names; longest match first, '' drops a word.
WORDS = {
    "邮政": "postal", "快递": "express", "业务总量": "business volume", "业务收入": "revenue", "业务量": "volume",
    "收入": "revenue", "总量": "volume", "新建": "new", "新增": "new", "小区": "residential",
    "智能信报箱": "smart mailboxes", "信报箱": "mailboxes", "智能快件箱": "parcel lockers", "快件箱": "parcel lockers",
    "综合服务站": "service stations", "服务站": "service stations", "末端": "last mile", "驿站": "stations",
    "制造业": "manufacturing", "重点项目": "key projects", "项目": "projects", "新能源": "new energy",
    "车辆": "vehicles", "占比": "share", "比重": "share", "比例": "share", "违规": "violation", "事件": "incidents",
    "事故": "accidents", "重大": "major", "安全": "safety", "寄递": "delivery", "培训": "training",
    "从业人员": "practitioners", "快递员": "couriers", "覆盖率": "coverage", "通达率": "coverage",
    "满意度": "satisfaction", "满意率": "satisfaction", "率": "rate", "建制村": "villages", "农村": "rural",
    "乡镇": "township", "绿色": "green", "网点": "outlets", "分拨中心": "sorting centres", "包装": "packaging",
    "可循环": "reusable", "快递箱": "boxes", "回收": "recycling", "装置": "devices", "电商": "ecommerce",
    "快件": "parcels", "申诉": "complaint", "投诉": "complaints", "执法检查": "inspections", "检查": "inspections",
    "执法": "enforcement", "扫黄打非": "sbdf", "工作站": "workstations", "工作点": "points", "感染": "infections",
    "机要通信": "confidential mail", "标准化": "standardised", "标杆": "benchmark", "统计": "statistics",
    "公开": "disclosure", "及时": "timely", "准时": "on time", "正确": "correct", "答复": "replies",
    "处理": "handling", "跨境": "cross border", "国际": "international", "航空": "air", "冷链": "cold chain",
    "仓储": "warehousing", "无人机": "drones", "投递": "delivery", "揽收": "pickup", "时限": "time limit",
    "党建": "party building", "技能": "skills", "大赛": "contest", "设施": "facilities", "平台": "platforms",
    "中心": "centres", "园区": "parks", "示范": "model", "品牌": "brands", "村级": "village", "站点": "sites",
    "寄递物流": "delivery logistics", "物流": "logistics", "共配": "shared delivery", "集约": "consolidated",
    "案件": "cases", "涉枪涉爆": "firearms and explosives",
    "主要": "", "配套": "", "建设": "", "的": "", "企业": "", "服务": "", "工作": "", "全市": "",
    "全年": "", "累计": "",
}
WORD_PATTERN = re.compile("|".join(sorted(map(re.escape, WORDS), key=len, reverse=True)))
STOP_TOKENS = {"", "rate"}


def guess_kind(mention: Mention) -> tuple[str, str]:
    """Return (kind, the words it was guessed from) for a new indicator: a count of new things this year (新增, 新建,
    培育…) is a flow toward the year's number, a count reached (建成…个) a level, a rate a ratio."""
    if mention.statement_kind:
        return mention.statement_kind, mention.wording
    if mention.value == 0:
        return ZERO, "0"
    if found := re.search(r"零|不发生", mention.clause):
        return ZERO, found.group(0)
    if mention.unit in ("%", "个百分点") or RATE_NOUN.search(mention.phrase):
        found = RATE_NOUN.search(mention.phrase)
        return "ratio", found.group(0) if found else mention.unit
    if mention.value is None:
        return "flow", "同比增长"
    if (yearly := YEARLY_AMOUNT.search(mention.phrase)) and mention.unit in LEVEL_UNITS | FLOW_UNITS | {"万个"}:
        return "flow", yearly.group(0)  # 可循环快递箱年投放量: an amount over the year
    new = next((v for v in NEW_THIS_YEAR if v in mention.verb or mention.phrase.startswith(v)), None)
    if new and mention.unit in LEVEL_UNITS | {"万个", "人次"}:
        return "flow", new + "…" + mention.unit
    if mention.unit in FLOW_UNITS:
        return "flow", mention.unit
    if mention.unit in LEVEL_UNITS:
        built = re.search(r"建成|建设", mention.clause)
        return "level", (built.group(0) + "…" if built else "") + mention.unit
    return "level", "（无法判断）"


def unit_for(mention: Mention, kind: str) -> str:
    """Return a new indicator's unit: the figure's, else one its kind and name imply (例, 起, %, 分)."""
    if mention.unit:
        return mention.unit
    if kind == ZERO:
        return "例" if re.search(r"感染|病例|伤亡|死亡", mention.phrase) else "起"
    if re.search(r"(?:率|比例|占比|比重)$", mention.phrase):
        return "%"
    if mention.value is None and KINDS.get(kind, UNKNOWN_KIND).sums_months:  # a growth rate alone: its name's unit
        if re.search(r"收入|总量|金额", mention.phrase):
            return "亿元"
        return "亿件" if re.search(r"业务量|件量", mention.phrase) else ""
    return "分" if re.search(r"满意度|指数", mention.phrase) or kind == NOT_BELOW else ""


def guess_category(phrase: str) -> str:
    """Return the category a name's words suggest ('' when none)."""
    return next((name for name, words in CATEGORY_WORDS if any(w in phrase for w in words)), "")


def english_words(phrase: str) -> list[str]:
    """Return the English words of a Chinese name from the word table, in order, each once."""
    words: list[str] = []
    for match in WORD_PATTERN.finditer(phrase):
        for word in WORDS[match.group(0)].split():
            if word not in words:
                words.append(word)
    return words


def new_id(phrase: str, taken: set[str], fallback: str = "new") -> str:
    """Return a readable id for a new indicator (new_residential_smart_mailboxes), unique among taken."""
    words = [w for w in english_words(phrase) if w not in STOP_TOKENS] or english_words(phrase)
    base = re.sub(r"[^a-z0-9_]", "", "_".join(words[:5]).replace(" ", "_")) or fallback
    if not base[0].isalpha():
        base = "new_" + base
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate
