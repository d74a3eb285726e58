"""Reading for recall: every quantified statement in a text, with where it stands, before anything is decided.

A figure is a number with what follows it: digits (540, 13.8, 1,200, ５０), a range (2018-2020年), Chinese numerals
with a measure word (三千人次, 两个, 十五家) or on their own when longer than one character (十四五), a percentage
written out (百分之九十五), the idioms and names that carry number characters (万无一失, 一网通办), and the wordings of
targets without a number (零事故, 重大安全事故零发生, 不发生…事故, 稳中有升, 进一步提升…满意率). Nothing here
says whether a figure is a target: lib/plan/classify.py does, so a rule that does not match there never loses a
figure here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")  # one character for one: spans hold

# Longest first, so 万人次 wins over 万人 and 个百分点 over 个.
UNITS = sorted([
    "个百分点", "百分点", "%", "‰", "个工作日", "工作日", "个小时", "个月", "分钟",
    "亿元", "万元", "千元", "元", "亿件", "万件", "件", "万个", "个", "万人次", "人次",
    "万人", "人", "家", "组", "处", "条", "项", "次", "起", "例", "座", "所", "批", "场", "辆", "台", "套", "名", "户",
    "位", "期", "轮", "公里", "千米", "平方米", "米", "吨", "小时", "天", "日", "月", "年", "周年", "倍", "分", "号",
    "届", "种", "类", "张", "支", "箱", "只", "票", "架", "班", "级", "方面", "大", "亿", "万",
], key=len, reverse=True)
UNIT = "|".join(map(re.escape, UNITS))
CN_DIGITS = "零〇一二三四五六七八九两"
CN_NUMBER = rf"[{CN_DIGITS}十百千万亿]+(?:点[{CN_DIGITS}]+)?"
# Measure words after a Chinese numeral that make it a count (一步, 一体化 and 统一 are words, not counts).
CN_MEASURES = sorted([u for u in UNITS if u not in ("%", "‰", "亿", "万", "大", "分", "日", "月")]
                     + ["中全会", "大类", "类", "进", "出", "不"], key=len, reverse=True)

DATE = re.compile(r"(?:19|20)\d{2}\s*(?:[-—–~～至到]\s*(?:19|20)?\d{2}\s*)?年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?"
                  r"|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|〔(?:19|20)\d{2}〕\s*\d{1,4}\s*号")
DIGITS = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*[-—–~～至到]\s*(\d+(?:\.\d+)?))?"
                    rf"\s*([十百千万亿]?)\s*({UNIT})?")
CHINESE = re.compile(rf"(?<![{CN_DIGITS}十百千万亿])({CN_NUMBER})({'|'.join(map(re.escape, CN_MEASURES))})?")
# A share written out: 百分之九十五 is 95%, 千分之3 is 3‰, 百万分之1 one per million (its own unit, as written).
PERCENT_WORDS = re.compile(rf"(百万|十万|万|千|百)分之\s*({CN_NUMBER}|\d+(?:\.\d+)?)")
SHARE_UNIT = {"百": "%", "千": "‰", "万": "万分之", "十万": "十万分之", "百万": "百万分之"}

# Words and names written with number characters: found so that they are listed, never read as counts.
NUMBER_WORDS = sorted([
    "万无一失", "一以贯之", "一网通办", "一网统管", "一件事一次办", "最多跑一次", "一次办", "一站式", "一盘棋",
    "一把手", "一张网", "一体化", "一揽子", "一系列", "一批", "一线", "一流", "第一时间", "千方百计", "千家万户",
    "三令五申", "四通八达", "一以贯之", "两手抓", "一岗双责", "万众一心", "一心一意", "百尺竿头", "十全十美",
    "一视同仁", "一丝不苟", "一鼓作气", "一抓到底", "五位一体", "四个全面", "零容忍", "零距离", "零门槛",
], key=len, reverse=True)
# Terms and names written with number characters: 二次包装 is a kind of packaging, 三轮车 a vehicle, not counts.
NAME_WORDS = sorted([
    "十四五", "十三五", "十五五", "二十大", "十九大", "八项规定", "两个维护", "两个确立", "四个意识", "四个自信",
    "两个责任", "三项制度", "两进一出", "三不一直", "三关合一", "二次包装", "三轮车", "新一轮", "上一轮", "一级",
    "八五普法", "两会", "五一", "十一", "双十一", "双11", "618", "5G", "一带一路", "放管服", "最后一公里",
], key=len, reverse=True)
NUMBER_WORD = re.compile("|".join(map(re.escape, NUMBER_WORDS + NAME_WORDS)))

# Targets written without a number: something that must not happen (零事故, “零”感染, 重大安全事故零发生,
# 不发生…事故, 杜绝…) or a rate that must not fall (稳中有升, 进一步提升…满意率). Found like figures, so each is read
# and then decided (lib/plan/classify.py): a wording no rule takes is listed with its reason, never lost.
INCIDENTS = ("事故|事件|案件|伤亡|死亡|感染|病例|差错|投诉|延误|积压|丢失|损毁|失泄密|泄密|违规|违章|超时|滞留|爆仓"
             "|积压件|责任事故")
MEASURED = r"(?:率|满意度|指数|比例|占比|比重)"
WORDINGS = re.compile(
    rf"[“\"]?零[”\"]?(?:{INCIDENTS})[”\"]?"  # 零事故, “零”事故, “零感染”
    r"|[“\"]?零发生[”\"]?"  # 重大安全事故零发生: what must not happen stands before
    rf"|(?:不发生|杜绝|避免发生)(?:[^，,。；;！!？?]{{1,20}}?(?:{INCIDENTS}))?"  # 不发生重大寄递安全事故, 杜绝…
    r"|稳中有升|只升不降|只增不减|不低于上年|(?:稳步|持续|逐步|有所|明显)(?:提升|提高)(?=[，,。；;！!？?]|$)"
    rf"|(?:进一步|切实|持续|不断|稳步|全面|努力)(?:提升|提高)(?=[^，,。；;]{{0,30}}?{MEASURED}(?:[，,。；;、和]|$))")

MAGNITUDE = {"十": 10, "百": 100, "千": 1000, "万": 1e4, "亿": 1e8}
KNOWN_SCALED_UNITS = {"万件", "亿件", "万元", "亿元", "万个", "万人次", "万人"}


@dataclass(frozen=True)
class Figure:
    """A quantified statement as written, where it stands in its text, and its value and unit as read."""

    start: int
    end: int
    text: str  # as written: 10万个, 95%, 三千人次, 2018-2020年, 十四五, 万无一失
    value: float | None  # None for a word or a name (十四五, 万无一失) and a date
    unit: str  # 万个, %, 人次, 年…; '' when nothing follows
    form: str  # digits, chinese, percent_words, date, word (an idiom), name (a term with numerals), wording (a target
    # without a number: 零事故, 不发生…事故, 稳中有升)

    @property
    def span(self) -> tuple[int, int]:
        """Return (start, end) in the text."""
        return self.start, self.end


def chinese_number(text: str) -> float | None:
    """Return a number written in Chinese numerals (三千 → 3000, 两万 → 20000, 一百零五 → 105, 三点五 → 3.5),
    or None when it is not one (十四五, 八五: names, not numbers)."""
    whole, _, fraction = text.partition("点")
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    value: float | None = _chinese_integer(whole)
    if value is None:
        return None
    if fraction:
        if not all(c in digits for c in fraction):
            return None
        value += float("0." + "".join(str(digits[c]) for c in fraction))
    return value


def _chinese_integer(text: str) -> int | None:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    total, section, digit, last_unit = 0, 0, None, None
    for char in text:
        if char in digits:
            if digit is not None and digit != 0 and char != "零":
                return None  # two digits in a row (十四五)
            digit = digits[char]
        elif char in "十百千":
            unit = MAGNITUDE[char]
            if last_unit is not None and unit >= last_unit and last_unit < 10000 and digit is None:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif char in "万亿":
            section += digit or 0
            if section == 0:
                section = 1
            total += section * int(MAGNITUDE[char])
            section, digit, last_unit = 0, None, None
        else:
            return None
    if not text:
        return None
    return total + section + (digit or 0)


def _scaled(value: float, magnitude: str, unit: str) -> tuple[float, str]:
    """Return (value, unit) with a magnitude character folded in: 3千人次 → 3000人次; 2万个 stays 2万个."""
    if not magnitude:
        return value, unit
    if magnitude + unit in KNOWN_SCALED_UNITS:
        return value, magnitude + unit
    return value * MAGNITUDE[magnitude], unit


def find_figures(text: str) -> list[Figure]:
    """Return every quantified statement in a text, in order: dates, digits, Chinese numerals, written-out
    percentages, and words or names with number characters."""
    normal = text.translate(FULL_WIDTH_DIGITS)
    found: list[Figure] = []
    taken = [False] * len(normal)

    def add(start: int, end: int, value: float | None, unit: str, form: str) -> None:
        if any(taken[start:end]):
            return
        for i in range(start, end):
            taken[i] = True
        found.append(Figure(start, end, text[start:end], value, unit, form))

    for match in NUMBER_WORD.finditer(normal):
        add(match.start(), match.end(), None, "", "name" if match.group(0) in NAME_WORDS else "word")
    for match in DATE.finditer(normal):
        unit = "号" if "〔" in match.group(0) else "年" if "年" in match.group(0) else "月"
        add(match.start(), match.end(), None, unit, "date")
    for match in PERCENT_WORDS.finditer(normal):
        per, number = match.groups()
        value = float(number) if number[0].isdigit() else chinese_number(number)
        add(match.start(), match.end(), value, SHARE_UNIT[per], "percent_words")
    for match in DIGITS.finditer(normal):
        number, upper, magnitude, unit = match.groups()
        if magnitude and not unit and magnitude in "十百千":
            magnitude_end = match.start(3) + 1
            add(match.start(), magnitude_end, float(number.replace(",", "")) * MAGNITUDE[magnitude], "", "digits")
            continue
        value = float((upper or number).replace(",", ""))
        value, unit = _scaled(value, magnitude or "", (unit or "").replace("％", "%"))
        end = match.end() if unit or magnitude else match.end(2) if upper else match.end(1)
        add(match.start(), end, value, unit, "digits")
    for match in CHINESE.finditer(normal):
        number, measure = match.group(1), match.group(2) or ""
        if not measure and len(number) < 2:
            continue  # 统一, 一体: a word, not a count
        value = chinese_number(number)
        scaled_unit = measure
        if value is not None and number[-1] in "万亿" and number[-1] + measure in KNOWN_SCALED_UNITS:
            value, scaled_unit = value / MAGNITUDE[number[-1]], number[-1] + measure
        add(match.start(), match.end(), value, scaled_unit, "chinese")
    for match in WORDINGS.finditer(normal):
        add(match.start(), match.end(), None, "", "wording")
    return sorted(found, key=lambda f: f.start)
