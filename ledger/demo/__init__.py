"""A seeded, realistic synthetic ledger (演示台账), so that Sentinel can be shown, tested and
benchmarked without real monitoring data, which names people and may not leave the union.

An analyst should find it believable, and the charts, hazard detectors and tests should find in
it what they would find in the real ledger: Shenzhen, Dongguan and Guangzhou busiest; a surge of
wage-arrears disputes on building sites and in factories in the eight weeks before the Spring
Festival and a lull after it; relocations and closures in manufacturing; Hong Kong, Macau and
Taiwan owned factories in Dongguan and Shenzhen; crowds whose size is heavy-tailed and reported
as "约200人" or "数百人"; a few enterprises with dispute after dispute; most items verified on
time, some late, what was left open caught by the next monthly reconciliation, and the newest
still open. The rates behind these patterns are the constants below.

How it scales: rows are made in blocks of BLOCK_ROWS, each from its own random stream derived
from (seed, block number) and each spread over the whole period. Numbers are drawn with numpy
and texts assembled column-wise with Arrow compute from small phrase pools, so no Python code
runs per row. Because every block has the same size, the output depends only on (n_items, seed,
years, end), never on chunk_rows, and the first n items of a larger demo are the smaller demo:
a later demo batch extends an earlier one instead of contradicting it.

`demo.events` turns the demo's serious disputes into staged event reports.
"""
from __future__ import annotations

import math
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ledger import geo, reference
from ledger.schema import (
    ACTION_FORM,
    DEMAND,
    ITEMS_SCHEMA,
    OWNERSHIP,
    GUANGDONG_LAT,
    GUANGDONG_LON,
    SOURCE,
    STATUS,
    VERIFICATION_RESULT,
)
from ledger.ingest.places import NO_PLACE_ZH, PENDING_PLACE_ZH
from ledger.store import now_shanghai

BLOCK_ROWS = 16_384  # large enough for numpy to pay off, small enough that a tiny demo is instant
DAY_US = 86_400_000_000

# ---- what the monitoring platforms deliver ----------------------------------------------------

# A third of the items are collective disputes; the rest are what the keyword filters also
# catch: one worker's complaint, union news, labour policy.
KINDS = ("collective", "complaint", "news", "policy")
COLLECTIVE, COMPLAINT, NEWS, POLICY = range(len(KINDS))
KIND_SHARES = (0.335, 0.30, 0.22, 0.145)

# The delta is the busiest (Shenzhen, Dongguan and Guangzhou on top); the eastern, western and
# northern cities together bring about a tenth of the items (11 of 111 here).
UNIT_SHARES = {"440300": 24, "441900": 22, "440100": 18, "440600": 9, "441300": 6, "442000": 6,
               "440606": 4, "440700": 4, "440400": 4, "441200": 3,
               "440500": 2, "445200": 1.2, "445100": 0.7, "441500": 0.5,  # 粤东
               "440800": 1.5, "440900": 1, "441700": 0.6,  # 粤西
               "441800": 1, "440200": 0.8, "441400": 0.8, "441600": 0.7, "445300": 0.4}  # 粤北

# Where in a unit items come from: the factory and migrant-worker districts and towns weigh
# more; a place not named here weighs 1. Keyed by unit, then the place's short name.
PLACE_WEIGHTS = {
    "440100": {"白云": 4, "番禺": 3.5, "花都": 3, "增城": 2.5, "黄埔": 2, "天河": 1.5, "海珠": 1.2,
               "南沙": 1.5, "从化": 0.8, "荔湾": 0.8, "越秀": 0.5},
    "440300": {"宝安": 5, "龙岗": 4.5, "龙华": 3.5, "光明": 2, "坪山": 1.5, "南山": 1.2, "福田": 0.7,
               "罗湖": 0.7, "盐田": 0.4},
    "441900": {"长安": 3, "虎门": 3, "塘厦": 2.5, "厚街": 2, "大朗": 2, "常平": 2, "凤岗": 2, "寮步": 1.8,
               "清溪": 1.8, "樟木头": 1.5, "黄江": 1.5, "大岭山": 1.5, "石碣": 1.3, "东城": 1.3, "莞城": 0.6,
               "东莞港": 0.2, "生态园": 0.2},
    "440600": {"南海": 4, "禅城": 2, "三水": 1.5, "高明": 1.2},
    "440606": {"容桂": 2, "北滘": 2, "大良": 1.5, "伦教": 1.5, "乐从": 1.5, "龙江": 1.5, "陈村": 1.2, "勒流": 1.2,
               "杏坛": 0.8, "均安": 0.8},
    "441300": {"惠阳": 2.5, "惠城": 2, "博罗": 2, "惠东": 1.5, "龙门": 0.5},
    "442000": {"小榄": 2.5, "古镇": 2, "火炬": 2, "坦洲": 1.5, "三乡": 1.5, "横栏": 1.2, "黄圃": 1.2, "五桂山": 0.5},
    "440700": {"蓬江": 2, "新会": 2, "江海": 1.5, "鹤山": 1.5, "开平": 1.5, "台山": 1.2, "恩平": 0.8},
    "440400": {"香洲": 2.5, "金湾": 1.5, "斗门": 1.5},
    "441200": {"端州": 1.5, "高要": 1.5, "四会": 1.5, "鼎湖": 1, "怀集": 0.6, "广宁": 0.6, "封开": 0.5,
               "德庆": 0.5},
}
# Share of items for which only the city is known (a city-wide news item rarely names a district).
CITY_ONLY = np.array([0.03, 0.06, 0.2, 0.3])  # by kind
APPROXIMATE = 0.07  # of the other items, placed at a centroid exactly rather than on the spot
# Complaints whose text names no place at all: accepted as 属地待定 and left for the province to
# assign (ledger/workflow/assign.py), never given a unit by the demo.
PLACE_UNKNOWN = 0.033  # of complaints: about 1% of all items
# Old verifications copied from a ledger that recorded the result without its time (核实时间不详).
TIME_UNKNOWN, TIME_UNKNOWN_BEFORE_DAYS = 0.05, 730  # of the items verified, captured that long before the end

# ---- who the disputes are with ----------------------------------------------------------------

# GB/T 4754 sections of the enterprises involved, and how much more (or less) manufacturing a
# unit has than the delta as a whole.
SECTION_SHARES = {"C": 45, "E": 20, "G": 8, "H": 5, "F": 4, "K": 3, "L": 3, "O": 3, "N": 2, "M": 2,
                  "P": 2, "I": 1, "Q": 1, "R": 1}
MANUFACTURING_TILT = {"441900": 1.3, "440606": 1.3, "440600": 1.2, "442000": 1.2, "440100": 0.7,
                      "440400": 0.9}
# Divisions within a section; a division not named weighs OTHER_DIVISION (a long thin tail).
DIVISION_WEIGHTS = {
    "C": {"39": 10, "33": 6, "38": 6, "18": 6, "19": 5, "21": 5, "29": 5, "17": 2, "24": 2, "34": 2,
          "30": 1.5, "35": 1.5, "36": 1.5, "22": 1.5, "23": 1, "26": 1, "40": 1, "13": 1, "14": 1},
    "E": {"47": 6, "48": 3, "50": 2, "49": 1},
    "G": {"54": 5, "60": 3, "59": 2},
    "H": {"62": 2, "61": 1},
    "F": {"52": 2, "51": 1},
    "K": {"70": 1},
    "L": {"72": 3, "71": 0.5},
    "O": {"80": 2, "81": 1, "82": 1},
    "N": {"78": 3, "77": 1},
    "M": {"74": 2, "73": 1, "75": 1},
    "P": {"83": 1},
    "I": {"64": 2, "65": 2, "63": 1},
    "Q": {"84": 3, "85": 1},
    "R": {"87": 2, "89": 1, "90": 1},
}
OTHER_DIVISION = 0.2

# The three sectors the phrase and rate tables below distinguish.
SECTORS = ("manufacturing", "construction", "service")
MANUFACTURING, CONSTRUCTION, SERVICE = range(len(SECTORS))

# Ownership by kind of employer: Hong Kong, Macau and Taiwan capital built the export factories
# of Dongguan and Shenzhen; building sites are private subcontractors under state groups;
# sanitation, schools and hospitals are often public. Overall about 50/22/10/6/2/10.
OWNERSHIP_SHARES = {  # by kind of employer
    "factory_sz_dg": {"private": 42, "hmt": 38, "foreign": 13, "other": 4, "collective": 2, "state": 1},
    "factory": {"private": 52, "hmt": 26, "foreign": 13, "other": 4, "collective": 3, "state": 2},
    "construction": {"private": 62, "hmt": 5, "foreign": 2, "other": 15, "collective": 2, "state": 14},
    "public_service": {"private": 35, "hmt": 2, "foreign": 2, "other": 25, "collective": 6, "state": 30},
    "service": {"private": 52, "hmt": 14, "foreign": 10, "other": 18, "collective": 1, "state": 5},
}
EMPLOYERS = tuple(OWNERSHIP_SHARES)
HMT_FACTORY_UNITS = ("440300", "441900")
PUBLIC_SECTIONS = ("N", "P", "Q", "R")
UNION_RATE = {"state": 0.75, "collective": 0.5, "foreign": 0.55, "hmt": 0.4, "private": 0.3,
              "other": 0.2}
UNION_UNKNOWN = 0.1
COMPLAINT_KNOWN = {"enterprise": 0.6, "ownership": 0.5, "union": 0.2}  # what a complaint tells

# A few enterprises are repeat offenders: one in OFFENDER_EVERY disputing enterprises has more
# disputes, which together make REPEAT_SHARE of all disputes.
OFFENDER_EVERY = 40
REPEAT_SHARE = 0.08

# ---- what they want and do --------------------------------------------------------------------

PRIMARY_DEMAND = {  # the main demand, by sector; complaints have their own mix
    "manufacturing": {"wage_arrears": 39, "severance": 16, "relocation": 14, "social_insurance": 10,
                      "overtime": 8, "wage_increase": 5, "contract": 3, "injury": 2, "other": 3},
    "construction": {"wage_arrears": 86, "injury": 4, "social_insurance": 2, "severance": 2,
                     "contract": 2, "overtime": 1, "wage_increase": 1, "other": 2},
    "service": {"wage_arrears": 52, "severance": 9, "social_insurance": 12, "overtime": 7,
                "wage_increase": 6, "contract": 5, "relocation": 2, "injury": 2, "other": 5},
    "complaint": {"wage_arrears": 35, "social_insurance": 18, "severance": 12, "overtime": 12,
                  "injury": 8, "contract": 8, "relocation": 2, "wage_increase": 2, "other": 3},
}
# How likely a further demand comes along, and pairs that go together more than that.
DEMAND_AFFINITY = {"social_insurance": 3, "severance": 3, "overtime": 2, "wage_arrears": 2,
                   "contract": 1.5, "wage_increase": 1, "injury": 0.5, "other": 0.5, "relocation": 0.3}
DEMAND_PAIRS = {("relocation", "severance"): 6, ("relocation", "social_insurance"): 2,
                ("severance", "social_insurance"): 2, ("severance", "wage_arrears"): 2,
                ("wage_arrears", "severance"): 1.5}
EXTRA_DEMANDS = (0.55, 0.33, 0.12)  # a dispute states 1, 2 or 3 demands

PRIMARY_ACTION = {
    "manufacturing": {"strike": 42, "gathering": 36, "online": 7, "petition": 6, "road_block": 5,
                      "other": 3, "march": 1},
    "construction": {"gathering": 55, "strike": 12, "road_block": 10, "petition": 10, "online": 6,
                     "other": 6, "march": 1},
    "service": {"gathering": 45, "strike": 25, "online": 12, "petition": 8, "road_block": 4,
                "other": 4, "march": 2},
}
ACTION_AFFINITY = {"gathering": 3, "strike": 2, "online": 1.5, "petition": 1, "road_block": 0.8,
                   "other": 0.5, "march": 0.2}
SECOND_ACTION = 0.3
COMPLAINT_ACTION = {"online": 0.5, "petition": 0.1}  # the rest: no action, only the complaint

# Crowd size of a dispute: lognormal, so that the reported lower bound has a median near 40 and
# a thousand or more is rare.
CROWD_MEDIAN, CROWD_SIGMA, CROWD_MAX = 50, 1.05, 8000
# How the number is reported: "85", "约200人", "200余人", "100-300人", "数百人", or not at all.
PLAIN, ABOUT, OVER, RANGE, VAGUE, UNKNOWN = range(6)
CROWD_FORMS = np.array([  # by kind
    [22, 25, 20, 10, 15, 8],
    [35, 0, 0, 0, 0, 65],
    [0, 0, 0, 0, 0, 100],
    [0, 0, 0, 0, 0, 100],
])
CROWD_TEXTS = {PLAIN: "{n}", ABOUT: "约{n}人", OVER: "{n}余人", RANGE: "{low}-{high}人", VAGUE: "{vague}"}
VAGUE_WORDS = (  # (smallest crowd, text, low, high)
    (10, "十余人", 10, 19), (20, "数十人", 20, 90), (100, "上百人", 100, 199), (200, "数百人", 200, 900),
    (800, "近千人", 800, 999), (1000, "上千人", 1000, 1999), (2000, "数千人", 2000, 9000),
)

# ---- when -------------------------------------------------------------------------------------

GROWTH = 0.3  # items per day grow by this much over the period (wider monitoring, more disputes)
WEEKDAY_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.65, 0.55])  # Monday first
HOUR_WEIGHTS = np.array([0.15, 0.1, 0.08, 0.06, 0.06, 0.08, 0.2, 0.5, 1.3, 1.6, 1.7, 1.5,
                         1.0, 1.0, 1.4, 1.5, 1.5, 1.3, 1.0, 1.0, 1.1, 1.0, 0.6, 0.3])
# Wage arrears on sites and in factories peak one to three weeks before the Spring Festival,
# when migrant workers want their pay to go home: a factor by days before the festival.
SURGE_DAYS, SURGE_FACTORS = (2, 7, 21, 56), (4.0, 8.0, 8.0, 1.5)
FESTIVAL_LULL = 0.3  # festival eve to two weeks after: factories shut, workers at home
LULL_BEFORE, LULL_AFTER = 1, 13
OCCURRED_LAG = (0.45, 0.3, 0.15, 0.1)  # days between the dispute and its capture: 0, 1, 2, 3
OCCURRED_UNKNOWN = np.array([0.1, 0.3, 0.6, 0.8])  # by kind

# ---- where the item came from -----------------------------------------------------------------

SOURCE_SHARES = {  # by kind; officers report disputes themselves, news hardly ever
    "collective": {"people": 42, "southcn": 36, "proactive": 12, "wechat": 5, "qq": 2, "email": 2,
                   "other": 1},
    "complaint": {"people": 46, "southcn": 40, "proactive": 3, "wechat": 6, "qq": 2, "email": 2,
                  "other": 1},
    "news": {"people": 47, "southcn": 45, "wechat": 4, "other": 4},
    "policy": {"people": 48, "southcn": 46, "wechat": 3, "other": 3},
}
PLATFORMS = ("people", "southcn")  # the monitoring platforms: their items have a link
MESSAGE_SOURCES = ("wechat", "qq", "email")
MESSAGE_PROACTIVE = 0.3  # of messages: an officer's, before the platforms saw the dispute
URL = "https://yuqing.example.cn/item/{source}/{number}"
PROACTIVE_TITLE = "关于{title}的情况报告"

# ---- verification -----------------------------------------------------------------------------

DUE_HOURS = {"I": 2, "II": 12}  # grade I within two hours, II within twelve
OTHER_DUE_HOURS = 72
ASSIGN_MINUTES = (5, 60)
LATE, STILL_OPEN = 0.09, 0.03
RECENT_DAYS, RECENT_OPEN = 14, 0.45  # of items a day old, 48% still open; two weeks old, 3%
LATE_MEDIAN_HOURS, LATE_SIGMA, LATE_MAX_HOURS = 8, 1.5, 720
RESULT_SHARES = {"true": 80, "partly": 12, "false": 4, "duplicate": 4}
CLOSE_MEDIAN_DAYS, CLOSE_SIGMA, CLOSE_DAYS = 4, 0.9, (1, 30)
NEVER_CLOSED = 0.07  # long-running disputes the union keeps open after verifying them
RECONCILED_DAYS = (35, 62)  # an item left open is found by the next monthly reconciliation and verified then
PENDING = 0.3  # of open items, not started yet; twice as many in their first two days

# ---- words ------------------------------------------------------------------------------------
# A pool lists the phrases one row picks from at random; a phrase listed twice is twice as likely.

BRANDS = ("宏达 恒信 永盛 鑫源 华辉 金利源 联兴 伟业 泰丰 裕丰 隆兴 广盛 昌盛 德信 嘉宏 锦程 通达 立信 宏图 "
          "兴业 新亚 美达 精诚 华盛 东升 福临 源丰 万利 合力 志远 信达 宝利 星辉 明辉 富源 顺发 汇通 国兴 "
          "盈丰 建业 荣达 安捷 博创 科达 益友 和美 天润 润达 金辉 百利 佳美 康达 诚信 海宏 鸿运 大成 永利 "
          "兆丰 雅致 骏业 誉辉 威达 锐丰 华展 凯旋 联创 卓越 恒通 金源 丰泽 鼎盛 瑞丰 正达 三和 宏昌 日昇 "
          "宏发 利成 永佳 创富 海鑫 德润 鹏达 升华 新宏 金峰 嘉利 合兴 美联 金满 华源 永兴").split()
PROJECTS = ("某花园", "某商住楼", "某安置房", "某产业园", "某学校", "某商业广场", "某城市更新", "某厂房",
            "某住宅小区", "某综合体")

# Business words of a registered name ("宏达五金制品有限公司"), by division, else by section.
TRADES = {
    "13": ["食品"], "14": ["食品"], "17": ["纺织"], "18": ["服装", "制衣", "时装"], "19": ["鞋业", "皮具"],
    "21": ["家具", "家私"], "22": ["纸品", "包装"], "23": ["印刷", "彩印"], "24": ["玩具", "工艺品"],
    "26": ["化工", "涂料"], "29": ["塑胶制品", "塑料制品", "橡塑"], "30": ["陶瓷", "建材"],
    "33": ["五金制品", "金属制品", "五金"], "34": ["机械", "机械设备"], "35": ["精密机械", "设备"],
    "36": ["汽车配件"], "38": ["电器", "电气", "照明", "电线电缆"], "39": ["电子", "电子科技", "光电科技", "精密电子"],
    "40": ["仪器仪表"], "47": ["建筑工程", "建设工程", "建筑劳务分包"], "48": ["市政工程", "路桥工程"],
    "49": ["机电安装工程"], "50": ["装饰工程", "装饰设计工程"], "54": ["物流", "运输", "客运"],
    "59": ["仓储", "物流"], "60": ["快递", "速递"], "61": ["酒店管理", "酒店"], "62": ["餐饮管理", "餐饮服务"],
    "51": ["贸易", "商贸", "进出口"], "52": ["百货", "商业连锁"], "70": ["物业管理", "房地产开发"],
    "71": ["设备租赁"], "72": ["保安服务", "人力资源", "劳务派遣", "企业管理"], "80": ["家政服务", "洗涤"],
    "81": ["汽车维修"], "82": ["保洁服务", "美容美发"], "77": ["环保科技"], "78": ["环卫", "园林绿化"],
    "73": ["科技"], "74": ["检测", "工程设计"], "75": ["科技"], "83": ["教育科技", "培训"],
    "84": ["医院管理", "医疗"], "85": ["养老服务"], "87": ["文化传媒"], "89": ["体育", "健身"], "90": ["娱乐"],
    "63": ["通信"], "64": ["网络科技"], "65": ["软件", "信息技术"],
}
SECTION_TRADES = {"C": ["实业", "制品"], "E": ["建筑工程"], "G": ["物流"], "H": ["餐饮"], "F": ["贸易"],
                  "K": ["物业管理"], "L": ["企业管理"], "O": ["服务"], "N": ["环境"], "M": ["科技"],
                  "P": ["教育"], "Q": ["医疗"], "R": ["文化"], "I": ["信息技术"]}
OTHER_TRADES = ["实业"]
# The workplace as a news title names it ("一电子厂", "某工地"). A factory's is always a 厂, so
# that "{地名}{字号}{workplace}" is also a plausible registered name ("金利源电子厂").
WORKPLACES = {
    "13": ["食品厂"], "14": ["食品厂"], "17": ["纺织厂"], "18": ["制衣厂", "服装厂"], "19": ["鞋厂"],
    "21": ["家具厂"], "22": ["纸品厂", "包装厂"], "23": ["印刷厂"], "24": ["玩具厂", "工艺品厂"],
    "26": ["化工厂"], "29": ["塑胶厂", "塑料厂"], "30": ["陶瓷厂", "建材厂"], "33": ["五金厂"], "34": ["机械厂"],
    "35": ["设备厂"], "36": ["汽配厂"], "38": ["电器厂", "灯饰厂", "电线厂"], "39": ["电子厂"], "40": ["仪表厂"],
    "47": ["工地", "建筑工地", "在建楼盘工地"], "48": ["道路施工工地", "市政工程工地"], "49": ["安装工程工地"],
    "50": ["装修工地", "装饰工程工地"], "54": ["物流公司", "运输公司", "公交公司"], "59": ["物流仓库", "仓储公司"],
    "60": ["快递网点", "快递公司"], "61": ["酒店"], "62": ["餐饮公司", "酒楼", "餐厅"], "51": ["贸易公司"],
    "52": ["商场", "超市", "百货商场"], "70": ["物业公司", "小区物业"], "71": ["租赁公司"],
    "72": ["保安公司", "劳务派遣公司", "人力资源公司"], "80": ["家政公司", "洗衣厂"], "81": ["汽修厂", "维修公司"],
    "82": ["美容院", "保洁公司"], "77": ["环保公司"], "78": ["环卫公司", "环卫站", "绿化公司"],
    "83": ["培训机构", "民办学校", "幼儿园"], "84": ["民营医院", "诊所"], "85": ["养老院"], "87": ["文化传媒公司"],
    "89": ["健身房"], "90": ["娱乐场所"],
}
SECTION_WORKPLACES = {"C": ["工厂", "制造厂"], "E": ["工地"], "G": ["物流公司"], "H": ["餐饮公司"],
                      "F": ["商贸公司"], "K": ["物业公司"], "L": ["服务公司"], "O": ["服务公司"], "N": ["环卫公司"],
                      "M": ["科技公司"], "P": ["培训机构"], "Q": ["医院"], "R": ["文化公司"],
                      "I": ["科技公司", "网络公司"]}
OTHER_WORKPLACES = ["公司"]
WORKERS = {"54": ["司机", "员工"], "60": ["快递员"], "62": ["员工", "服务员"], "70": ["物业员工", "保安"],
           "72": ["保安", "员工"], "78": ["环卫工人"], "83": ["教师", "教职工"], "84": ["医护人员", "职工"]}
SECTION_WORKERS = {"C": ["工人", "员工"], "E": ["农民工", "工人", "建筑工人"]}
OTHER_WORKERS = ["员工", "职工"]
SUFFIXES = (["有限公司"] * 8 + ["集团有限公司", "股份有限公司"],  # by sector
            ["有限公司"] * 6 + ["集团有限公司"],
            ["有限公司"] * 9 + ["集团有限公司"])
ENTERPRISE_NAMES = (  # by sector: (weight, template)
    [(35, "{city}{county}{brand}{trade}{suffix}"), (20, "{city}{brand}{trade}{suffix}"),
     (8, "广东{brand}{trade}{suffix}"), (12, "{city_short}某{trade}公司"), (25, "{city}{county}{brand}{workplace}")],
    [(20, "{city}{county}{brand}{trade}{suffix}"), (15, "{city}{brand}{trade}{suffix}"),
     (5, "广东{brand}{trade}{suffix}"), (15, "{city_short}某{trade}公司"),
     (45, "广东{brand}建设集团{county_short}{project}项目部")],  # a building site is a contractor's project
    [(40, "{city}{county}{brand}{trade}{suffix}"), (30, "{city}{brand}{trade}{suffix}"),
     (10, "广东{brand}{trade}{suffix}"), (20, "{city_short}某{trade}公司")],
)

DETERMINERS = (["一", "某", "一家"], ["某", "一"], ["一", "某", "一家"])  # by sector: "一家工地" is wrong
CROWD_WORDS = (  # (smallest crowd, words for a title: "数百名工人")
    (1, ["多名"]), (10, ["十余名", "十多名"]), (20, ["数十名", "几十名"]), (100, ["上百名", "百余名"]),
    (200, ["数百名", "几百名"]), (800, ["近千名", "数百名"]), (1000, ["上千名", "逾千名"]),
)
TITLE_CROWD_SHOWN = 0.65
COUNTY_IN_TITLE = 0.85
ACTION_WORDS = {  # short, for titles: by action, then by sector
    "strike": [["停工", "集体停工"]] * 3,
    "gathering": [["聚集", "厂门口聚集", "在厂区聚集"], ["聚集", "工地聚集", "项目部门口聚集"], ["聚集", "门口聚集"]],
    "road_block": [["堵路", "拦路"]] * 3,
    "petition": [["集体上访", "到镇政府上访", "到人社部门上访"]] * 3,
    "online": [["网上发帖", "网络发帖"]] * 3,
    "march": [["上街游行"]] * 3,
    "other": [["拉横幅", "拉横幅维权"]] * 3,
}
ACTION_SENTENCES = {  # for summaries: "……工人因欠薪{在厂区门口聚集}。"
    "strike": [["集体停工", "停工"]] * 3,
    "gathering": [["在厂区门口聚集", "在厂内聚集"], ["在工地聚集", "在项目部门口聚集"],
                  ["在公司门口聚集", "在门店外聚集"]],
    "road_block": [["在附近路段堵路", "到附近路口拦路"]] * 3,
    "petition": [["到当地人社部门上访", "到镇街信访部门上访"]] * 3,
    "online": [["在网上发帖维权", "在社交媒体发帖维权"]] * 3,
    "march": [["上街游行"]] * 3,
    "other": [["拉横幅维权", "拉起横幅维权"]] * 3,
}
DEMAND_VERBS = {"wage_arrears": ["讨薪", "讨要工资", "追讨欠薪", "讨要拖欠工资"],
                "social_insurance": ["要求补缴社保", "讨要社保"], "severance": ["索要经济补偿", "要求经济补偿", "讨说法"],
                "relocation": ["要求搬迁补偿", "反对搬迁", "就搬迁讨说法"], "overtime": ["讨要加班费", "要求支付加班费"],
                "injury": ["讨要工伤赔偿", "为工友讨说法"], "wage_increase": ["要求加薪", "要求提高工资"],
                "contract": ["要求签订劳动合同", "反对转签派遣合同"], "other": ["讨说法", "维权"]}
DEMAND_NOUNS = {"wage_arrears": ["拖欠工资", "工资迟发", "欠薪"], "social_insurance": ["社保缴纳", "社保断缴", "未缴社保"],
                "severance": ["补偿方案", "裁员补偿标准"], "relocation": ["搬迁安置方案", "工厂搬迁"],
                "overtime": ["加班费计算", "加班工资"], "injury": ["工伤赔偿", "工伤处理"],
                "wage_increase": ["降薪", "工资待遇"], "contract": ["合同变更", "转签派遣合同"],
                "other": ["管理制度", "考勤规定"]}
CAUSES = {"wage_arrears": ["欠薪", "拖欠工资", "停发工资"], "social_insurance": ["社保断缴", "少缴社保"],
          "severance": ["关停", "倒闭", "裁员"], "relocation": ["搬迁", "外迁", "整体搬迁"],
          "overtime": ["加班费纠纷"], "injury": ["工伤赔偿纠纷"], "wage_increase": ["降薪", "调薪"],
          "contract": ["合同变更", "改制"], "other": ["管理纠纷", "劳资纠纷"]}
COMPLAINTS = {"wage_arrears": ["拖欠工资", "拖欠工资数月"], "social_insurance": ["未缴社保", "不给员工买社保"],
              "severance": ["辞退员工不给补偿", "违法解除劳动合同"], "relocation": ["搬迁后逼员工离职"],
              "overtime": ["克扣加班费", "不付加班费"], "injury": ["工伤赔偿不到位", "拒认工伤"],
              "wage_increase": ["工资低于最低工资标准"], "contract": ["不签劳动合同"], "other": ["随意罚款", "强制加班"]}
DETAILS = {"wage_arrears": ["据反映，企业已拖欠工资两个多月。", "据反映，工人已有一个多月未领到工资。",
                            "据了解，涉及欠薪金额数十万元。"],
           "social_insurance": ["员工反映企业长期未足额缴纳社会保险。", "员工要求企业补缴社保。"],
           "severance": ["企业拟停产关闭，员工要求依法支付经济补偿。", "企业突然宣布裁员，员工对补偿标准有异议。"],
           "relocation": ["企业计划整体搬迁至外市，员工对安置方案不满。", "工厂拟搬迁，员工要求依法支付经济补偿。"],
           "overtime": ["员工反映加班费长期未按规定计发。"], "injury": ["起因是一名工友受伤后赔偿迟迟未落实。"],
           "wage_increase": ["员工反映近期被变相降薪。"], "contract": ["企业要求员工转签劳务派遣合同，员工不同意。"],
           "other": ["员工对企业新出台的管理规定不满。"]}
RESPONSES = ("当地工会已介入，正协调处理。", "属地镇街、人社部门和工会已介入调处。", "目前现场秩序平稳，当地工会已介入。",
             "区总工会已派员到场了解情况。")
COMPLAINT_REPLIES = ("当地工会已联系当事人了解情况。", "工会已引导其通过劳动仲裁依法维权。")
ACTIVITIES = ("开展“送温暖”活动走访困难职工", "举办劳动法律知识讲座", "开展欠薪隐患排查", "召开劳资纠纷预警工作会议",
              "推进新就业形态劳动者入会", "开展集体协商要约行动", "组织职工技能竞赛", "开展普法宣传进企业活动",
              "设立户外劳动者服务站点", "开展夏季送清凉活动", "举办职工法律援助开放日", "开展工会会员实名制登记")
NEWS_ENDINGS = ("活动覆盖职工数百人次。", "此举旨在进一步维护职工合法权益。", "相关负责人表示将持续推进此项工作。")
POLICIES = ("发布企业工资指导线", "调整最低工资标准", "出台根治欠薪工作方案", "开展劳动保障监察专项行动",
            "推行工程建设领域农民工工资专用账户管理", "发布新就业形态劳动者权益保障措施", "启动冬季根治欠薪专项行动",
            "召开构建和谐劳动关系工作会议", "发布劳动争议典型案例", "推进劳动争议调解中心建设")
POLICY_ENDINGS = ("进一步保障劳动者合法权益。", "着力构建和谐稳定的劳动关系。", "推动劳动者权益保障工作落实落细。")
DETAIL_SHOWN, RESPONSE_SHOWN, REPLY_SHOWN, ENDING_SHOWN = 0.6, 0.75, 0.5, 0.6
UNION_NAMES = ("{city}总工会", "{county}总工会")
VERIFIERS = ("{city}总工会信息员", "{city}总工会权益保障部", "{county}总工会")  # roles, never a person
NOTES = {  # by result: (for disputes, for other items)
    "true": (["经核实，情况属实，当地工会已介入协调。", "经核实属实，企业已承诺限期解决。",
              "情况属实，人社部门和工会已联合调处，现场秩序平稳。"],
             ["经核实，情况属实。", "已核实，情况属实，已按程序处理。"]),
    "partly": (["部分属实，实际涉及人数少于网传。", "经核实部分属实，欠薪金额与网传不符。", "部分属实，企业已于当日补发部分工资。"],
               ["部分属实，细节与报道有出入。"]),
    "false": (["经核实，该企业未发生聚集情况，网传信息不实。", "经核实不实，系旧闻重发。"], ["经核实，反映情况与事实不符。"]),
    "duplicate": (["与此前报送信息重复，已合并处理。", "重复信息，已并入原台账。"], ["与此前报送信息重复。"]),
}

TITLES = {  # by kind: (weight, template); the fields are filled per row in _texts
    COLLECTIVE: [(30, "{place}{det}{workplace}{crowd}{action}{demand_verb}"),
                 (15, "{place}{det}{workplace}{crowd}{demand_verb}"),
                 (20, "{place}{det}{workplace}{cause}引发{worker}集体维权"),
                 (20, "{place}{det}{workplace}{worker}不满{demand_noun}{action}"),
                 (15, "{place}{det}{workplace}{cause}，{crowd}{action}{demand_verb}")],
    COMPLAINT: [(40, "{place}一{worker}反映所在{workplace}{complaint}"),
                (35, "网友投诉{place}某{workplace}{complaint}"),
                (25, "{place}某{workplace}被指{complaint}")],
    NEWS: [(1, "{union}{activity}")],
    POLICY: [(1, "{city_short}{policy}")],
}
SUMMARIES = {
    COLLECTIVE: [(1, "{date}，{enterprise}{worker}因{cause}{action_sentence}。{scale}{detail}{response}")],
    COMPLAINT: [(1, "网友反映{employer}{complaint}，希望有关部门帮助解决。{reply}"),
                (1, "一名{worker}反映{employer}{complaint}，希望有关部门帮助解决。{reply}")],
    NEWS: [(1, "近日，{title}。{news_ending}")],
    POLICY: [(1, "近日，{title}，{policy_ending}")],
}


def generate(n_items: int = 9000, seed: int = 42, years: int = 3, end: date | None = None,
             chunk_rows: int = 200_000) -> Iterator[pa.Table]:
    """Yield chunks (each ≤ chunk_rows rows, each conforming exactly to schema.ITEMS_SCHEMA, column
    order too) of a seeded, reproducible synthetic ledger covering `years` years ending on `end`
    (default: today in Asia/Shanghai).

    Item ids are "D" and the item's running number ("D00000001"), the same for every seed, so a
    larger demo's batch replaces a smaller one's items instead of adding to them.
    """
    if n_items < 0 or years < 1 or chunk_rows < 1:
        raise ValueError("n_items must be at least 0, years and chunk_rows at least 1")
    world = _world()
    now = now_shanghai()
    calendar = _calendar(end or now.date(), years, world.festivals, now)
    blocks = (_block(world, calendar, seed, number).slice(0, n_items - number * BLOCK_ROWS)
              for number in range(math.ceil(n_items / BLOCK_ROWS)))
    return _rechunk(blocks, chunk_rows)


def _rechunk(tables: Iterable[pa.Table], rows: int) -> Iterator[pa.Table]:
    """The same rows, cut into tables of `rows` rows (the last may be shorter)."""
    pending: list[pa.Table] = []
    pending_rows = 0
    for table in tables:
        pending.append(table)
        pending_rows += table.num_rows
        while pending_rows >= rows:
            merged = pa.concat_tables(pending)
            yield merged.slice(0, rows)
            pending, pending_rows = [merged.slice(rows)], pending_rows - rows
    if pending_rows:
        yield pa.concat_tables(pending)


# ---- small tools ------------------------------------------------------------------------------

def _normalised(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _per_code(codes: Sequence[str], values: dict[str, float]) -> np.ndarray:
    """Values keyed by code, in the order of `codes` (0 for a code not named). Naming a code that
    is not among `codes` is an error, so that the demo can never invent an enum code."""
    unknown = set(values) - set(codes)
    if unknown:
        raise ValueError(f"unknown codes {sorted(unknown)}; known: {list(codes)}")
    return np.array([values.get(code, 0.0) for code in codes], dtype=float)


def _aligned(codes: Sequence[str], weights: dict[str, float]) -> np.ndarray:
    """Weights keyed by code as a probability vector in the order of `codes`."""
    return _normalised(_per_code(codes, weights))


def _draw_given(rng: np.random.Generator, probs: np.ndarray, given: np.ndarray) -> np.ndarray:
    """One category per row, drawn from the row of `probs` that `given` picks (a conditional)."""
    drawn = np.zeros(len(given), dtype=np.int64)
    for group in np.unique(given):
        rows = np.flatnonzero(given == group)
        drawn[rows] = rng.choice(probs.shape[1], size=len(rows), p=probs[group])
    return drawn


def _take(values: pa.Array, index: np.ndarray) -> pa.Array:
    """values[index] per row, null where the index is -1."""
    return values.take(pa.array(index, mask=index < 0))


def _null_unless(keep: np.ndarray, values: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(keep), values, pa.scalar(None, values.type))


def _as_text(numbers: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(numbers), pa.string())


class _Pools:
    """Phrase pools keyed by a category: per row, a phrase picked at random from its key's pool."""

    def __init__(self, pools: Sequence[Sequence[str]]):
        self._sizes = np.array([len(p) for p in pools])
        self._starts = np.concatenate([[0], np.cumsum(self._sizes)[:-1]])
        self._phrases = pa.array([phrase for pool in pools for phrase in pool], pa.string())

    @classmethod
    def keyed(cls, codes: Sequence[str], pools: dict[str, Sequence[str]]) -> _Pools:
        """One pool per enum code, keyed by the code's position."""
        _per_code(codes, dict.fromkeys(pools, 1))
        return cls([pools[code] for code in codes])

    @classmethod
    def keyed_by_sector(cls, codes: Sequence[str], pools: dict[str, Sequence[Sequence[str]]]) -> _Pools:
        """One pool per (enum code, sector), keyed by code position * len(SECTORS) + sector."""
        _per_code(codes, dict.fromkeys(pools, 1))
        return cls([pool for code in codes for pool in pools[code]])

    def pick(self, rng: np.random.Generator, keys: np.ndarray) -> pa.Array:
        keys = np.maximum(keys, 0)  # a row without a key gets a phrase its template never uses
        index = self._starts[keys] + (rng.random(len(keys)) * self._sizes[keys]).astype(np.int64)
        return self._phrases.take(index)


def _any_of(rng: np.random.Generator, phrases: Sequence[str], n: int) -> pa.Array:
    return _Pools([phrases]).pick(rng, np.zeros(n, dtype=np.int64))


def _render(templates: Sequence[str], choice: np.ndarray, parts: dict[str, pa.Array]) -> pa.Array:
    """Row i filled in from templates[choice[i]] ("{place}一{workplace}…") with row i of each part;
    a null part reads as empty."""
    texts, rows_in_order = [], []
    for number, template in enumerate(templates):
        rows = np.flatnonzero(choice == number)
        if len(rows) == 0:
            continue
        taken = None if len(rows) == len(choice) else pa.array(rows)
        pieces: list = []
        for literal, field, _, _ in string.Formatter().parse(template):
            if literal:
                pieces.append(pa.scalar(literal))
            if field:
                pieces.append(parts[field] if taken is None else parts[field].take(taken))
        texts.append(pc.binary_join_element_wise(*pieces, "", null_handling="replace", null_replacement=""))
        rows_in_order.append(rows)
    if len(texts) == 1:
        return texts[0]
    return pa.concat_arrays(texts).take(np.argsort(np.concatenate(rows_in_order), kind="stable"))


def _fill(template: str, parts: dict[str, pa.Array]) -> pa.Array:
    """Every row from the one template."""
    return _render([template], np.zeros(len(next(iter(parts.values()))), dtype=np.int64), parts)


def _templates(table: dict[int, list] | Sequence[list]) -> tuple[list[str], np.ndarray]:
    """All (weight, template) options of a table keyed 0, 1, … (by kind or by sector) in one list,
    and per key the chance of each template, zero for other keys': for _draw_given, then _render."""
    options_by_key = [table[key] for key in range(len(table))]
    templates = [template for options in options_by_key for _, template in options]
    probs = np.zeros((len(options_by_key), len(templates)))
    start = 0
    for key, options in enumerate(options_by_key):
        probs[key, start:start + len(options)] = _normalised([weight for weight, _ in options])
        start += len(options)
    return templates, probs


def _us(seconds) -> np.ndarray:
    """Whole seconds (as the platforms record times) in microseconds, the ledger's unit."""
    return np.rint(seconds).astype(np.int64) * 1_000_000


def _timestamps(us: np.ndarray, known: np.ndarray | None = None) -> pa.Array:
    return pa.array(us, pa.timestamp("us"), mask=None if known is None else ~known)


# ---- reference data, as arrays ----------------------------------------------------------------

@dataclass(frozen=True)
class _World:
    """The reference data the demo draws from, indexed by position, and the pools built on it."""

    unit_codes: pa.Array
    unit_p: np.ndarray  # share of items per unit
    city_names: pa.Array  # for enterprise and union names: 东莞市, 佛山市顺德区
    city_short: pa.Array  # for titles: 东莞, 顺德
    unit_lonlat: np.ndarray
    has_counties: np.ndarray  # per unit: the gazetteer lists its counties (else items are placed at city level)
    hmt_factory_units: np.ndarray  # positions of HMT_FACTORY_UNITS
    county_codes: pa.Array
    county_names: pa.Array
    county_short: pa.Array
    county_lonlat: np.ndarray
    county_p: np.ndarray  # (unit, county)
    sections: tuple[str, ...]
    section_p: np.ndarray  # (unit, section)
    divisions: pa.Array
    division_p: np.ndarray  # (section, division)
    trades: _Pools  # by division
    workplaces: _Pools
    workers: _Pools
    grade_codes: pa.Array  # most serious first
    grade_minimums: np.ndarray
    grade_due_hours: np.ndarray
    festivals: tuple[date, ...]

    def section(self, code: str) -> int:
        return self.sections.index(code)

    def sector(self, section: np.ndarray) -> np.ndarray:
        return np.select([section == self.section("C"), section == self.section("E")],
                         [MANUFACTURING, CONSTRUCTION], SERVICE)


def _world() -> _World:
    units, counties = geo.units(), geo.counties()
    unit_codes = [u.code for u in units]
    county_p = np.array([[PLACE_WEIGHTS.get(u.code, {}).get(c.short_zh, 1.0) if c.unit_code == u.code else 0.0
                          for c in counties] for u in units])
    has_counties = county_p.sum(axis=1) > 0
    county_p[~has_counties] = 1.0  # never drawn from (_firms places their items at city level)
    sections = tuple(s.code for s in reference.sections())
    tilt = np.array([[MANUFACTURING_TILT.get(u.code, 1.0) if s == "C" else 1.0 for s in sections] for u in units])
    section_p = _aligned(sections, SECTION_SHARES) * tilt
    divisions = [i for i in reference.industries() if i.level == "division"]
    division_p = np.array([[DIVISION_WEIGHTS.get(s, {}).get(d.code, OTHER_DIVISION) if d.section == s else 0.0
                            for d in divisions] for s in sections])
    division_p[division_p.sum(axis=1) == 0] = 1.0  # a section without divisions is never drawn
    grades = reference.grades()

    def by_division(pools: dict[str, list[str]], by_section: dict[str, list[str]], other: list[str]) -> _Pools:
        return _Pools([pools.get(d.code) or by_section.get(d.section) or other for d in divisions])

    return _World(
        unit_codes=pa.array(unit_codes),
        unit_p=_aligned(unit_codes, UNIT_SHARES),
        city_names=pa.array([_city_name(u, units) for u in units]),
        city_short=pa.array([u.short_zh for u in units]),
        unit_lonlat=np.array([(u.lon, u.lat) for u in units]),
        hmt_factory_units=np.array([unit_codes.index(code) for code in HMT_FACTORY_UNITS]),
        county_codes=pa.array([c.code for c in counties]),
        county_names=pa.array([c.name_zh for c in counties]),
        county_short=pa.array([c.short_zh for c in counties]),
        county_lonlat=np.array([(c.lon, c.lat) for c in counties]),
        has_counties=has_counties,
        county_p=county_p / county_p.sum(axis=1, keepdims=True),
        sections=sections,
        section_p=section_p / section_p.sum(axis=1, keepdims=True),
        divisions=pa.array([d.code for d in divisions]),
        division_p=division_p / division_p.sum(axis=1, keepdims=True),
        trades=by_division(TRADES, SECTION_TRADES, OTHER_TRADES),
        workplaces=by_division(WORKPLACES, SECTION_WORKPLACES, OTHER_WORKPLACES),
        workers=by_division(WORKERS, SECTION_WORKERS, OTHER_WORKERS),
        grade_codes=pa.array([g.grade for g in grades]),
        grade_minimums=np.array([g.min_participants for g in grades]),
        grade_due_hours=np.array([DUE_HOURS.get(g.grade, OTHER_DUE_HOURS) for g in grades]),
        festivals=tuple(sorted(reference.spring_festivals().values())),
    )


def _city_name(unit: geo.Place, units: Sequence[geo.Place]) -> str:
    """The name an enterprise registers under: a district that reports on its own (Shunde) is
    named inside its city, "佛山市顺德区"."""
    city = next((u for u in units if u.code == unit.code[:4] + "00"), unit)
    return unit.name_zh if city is unit or unit.name_zh.startswith(city.name_zh) else city.name_zh + unit.name_zh


# ---- the calendar -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Calendar:
    first_day: int  # days since 1970-01-01
    limit: int  # microseconds since 1970 at the end of the last day, or now: nothing is later
    ordinary_p: np.ndarray  # per day: chance that an item falls on it
    wage_p: np.ndarray  # the same for wage-arrears disputes in construction and manufacturing


def _calendar(end: date, years: int, festivals: Sequence[date], now: datetime) -> _Calendar:
    try:
        first = end.replace(year=end.year - years) + timedelta(days=1)
    except ValueError:  # 29 February
        first = date(end.year - years, 3, 1)
    days = np.arange((end - first).days + 1)
    growth = 1 + GROWTH * days / max(len(days) - 1, 1)
    weekday = WEEKDAY_WEIGHTS[(first.weekday() + days) % 7]
    before, after = _days_from_festivals(first.toordinal() + days, festivals)
    lull = np.where((before <= LULL_BEFORE) | (after <= LULL_AFTER), FESTIVAL_LULL, 1.0)
    surge = np.where((before > LULL_BEFORE) & (before <= SURGE_DAYS[-1]),
                     np.interp(before, SURGE_DAYS, SURGE_FACTORS), 1.0)
    ordinary = growth * weekday * lull
    epoch = datetime(1970, 1, 1)
    return _Calendar(first_day=(first - epoch.date()).days,
                     limit=(min(datetime.combine(end, time.max), now) - epoch) // timedelta(microseconds=1),
                     ordinary_p=_normalised(ordinary), wage_p=_normalised(ordinary * surge))


def _days_from_festivals(ordinals: np.ndarray, festivals: Sequence[date]) -> tuple[np.ndarray, np.ndarray]:
    """Per day: days until the next Spring Festival and since the last one (a large number where
    the reference table has none)."""
    known = np.array([f.toordinal() for f in festivals] or [0])
    far = 10 ** 6
    following = np.searchsorted(known, ordinals, side="left")
    before = np.where(following < len(known), known[np.minimum(following, len(known) - 1)] - ordinals, far)
    preceding = np.searchsorted(known, ordinals, side="right") - 1
    after = np.where(preceding >= 0, ordinals - known[np.maximum(preceding, 0)], far)
    return before, after


# ---- one block of items -----------------------------------------------------------------------

def _block(world: _World, calendar: _Calendar, seed: int, number: int) -> pa.Table:
    rng = np.random.default_rng(np.random.SeedSequence(seed % 2 ** 64, spawn_key=(number,)))
    kind = rng.choice(len(KINDS), size=BLOCK_ROWS, p=KIND_SHARES)
    firms = _firms(rng, world, kind)
    claims = _claims(rng, world, kind, firms.section)
    captured, occurred = _times(rng, calendar, kind, world.sector(firms.section), claims.demand)
    crowd = _crowd(rng, world, kind)
    source, proactive, url = _sources(rng, kind)
    title, summary = _texts(rng, world, kind, firms, claims, crowd, captured, occurred, source)
    numbers = _as_text(number * BLOCK_ROWS + 1 + np.arange(BLOCK_ROWS))
    columns = {
        "item_id": pc.binary_join_element_wise("D", pc.utf8_lpad(numbers, 8, "0"), ""),
        "source": pa.array(SOURCE.codes).take(source),
        "url": url,
        "title": title,
        "summary": summary,
        "captured_at": _timestamps(captured),
        "occurred_on": pa.array(occurred, pa.date32(), mask=occurred < 0),
        **firms.columns(world),
        **_location(rng, world, firms.unit, firms.county),
        "participants_low": crowd.low,
        "participants_high": crowd.high,
        "participants_text": crowd.text,
        "demands": claims.demands,
        "action_forms": claims.action_forms,
        "grade": _take(world.grade_codes, crowd.grade),
        "is_collective": pa.array(kind == COLLECTIVE),
        "proactive": pa.array(proactive),
        **_workflow(rng, world, calendar, kind, firms.unit, firms.county, crowd.grade, captured),
        "place_reason": pa.nulls(BLOCK_ROWS, pa.string()),
        "warnings": pa.nulls(BLOCK_ROWS, pa.list_(pa.string())),
    }
    # Drawn from a child stream of their own, so that every other column stays as it was.
    details = rng.spawn(1)[0]
    columns = _without_place(details, world, columns, (kind == COMPLAINT) & (source != SOURCE.codes.index("proactive"))
                             & (details.random(BLOCK_ROWS) < PLACE_UNKNOWN))
    columns = _without_time(details, calendar, columns, captured)
    columns.update(_grade_reviews(columns["grade"], columns["captured_at"], calendar))
    columns["updated_at"] = pc.max_element_wise(*(columns[name] for name in ("captured_at", "assigned_at", "verified_at",
                                                                         "closed_at")), skip_nulls=True)
    return pa.Table.from_arrays([columns[name] for name in ITEMS_SCHEMA.names], schema=ITEMS_SCHEMA)



def _grade_reviews(grades: pa.Array, captured: pa.Array, calendar: _Calendar) -> dict[str, pa.Array]:
    """Grade I and II disputes older than two days were confirmed by the province the day after
    capture; newer ones still wait (ledger/workflow/grade_review.py)."""
    grade = np.array(grades.to_pylist(), dtype=object)
    moment = pc.cast(captured, pa.int64()).to_numpy(zero_copy_only=False)
    serious = np.isin(grade, ["I", "II"])
    recent = moment > calendar.limit - 2 * 86_400_000_000
    review = np.where(serious, np.where(recent, "pending", "confirmed"), None)
    confirmed = serious & ~recent
    at = pa.array(np.where(confirmed, moment + 86_400_000_000, 0), pa.int64()).cast(pa.timestamp("us"))
    return {"grade_review": pa.array(review, pa.string()), "grade_review_note": pa.nulls(len(grade), pa.string()),
            "grade_reviewed_by": pa.array(np.where(confirmed, "省总工会应急处置分队", None), pa.string()),
            "grade_reviewed_at": pc.if_else(pa.array(confirmed), at, pa.scalar(None, pa.timestamp("us")))}


def _without_place(rng: np.random.Generator, world: _World, columns: dict[str, pa.Array],
                   chosen: np.ndarray) -> dict[str, pa.Array]:
    """The `chosen` items as 属地待定: the place's names taken out of their texts, no unit, county or
    point, and therefore not assigned, not due and not verified (the province assigns them)."""
    rows = np.flatnonzero(chosen)
    names = sorted({*world.city_names.to_pylist(), *world.city_short.to_pylist(), *world.county_names.to_pylist(),
                    *world.county_short.to_pylist()}, key=len, reverse=True)

    def placeless(text: str | None) -> str | None:
        for name in names:
            text = text.replace(name, "") if text else text
        return text

    out = dict(columns)
    for name in ("title", "summary", "enterprise"):
        values = columns[name].to_pylist()
        for row in rows:
            values[row] = placeless(values[row])
        out[name] = pa.array(values, pa.string())
    keep = pa.array(~chosen)
    for name in ("unit_code", "county_code", "lon", "lat", "assigned_unit", "assigned_at", "verify_due_at",
                 "verified_at", "verified_by", "verification_result", "verification_notes", "closed_at"):
        out[name] = _null_unless(~chosen, columns[name])
    out["status"] = pc.if_else(keep, columns["status"], "pending")
    out["place_precision"] = pc.if_else(keep, columns["place_precision"], "unknown")
    out["place_reason"] = pc.if_else(keep, columns["place_reason"], NO_PLACE_ZH)  # as ingest says it
    out["warnings"] = pa.array([[PENDING_PLACE_ZH.format(NO_PLACE_ZH)] if c else None for c in chosen],
                               pa.list_(pa.string()))
    return out


def _without_time(rng: np.random.Generator, calendar: _Calendar, columns: dict[str, pa.Array],
                  captured: np.ndarray) -> dict[str, pa.Array]:
    """A few old verifications keep their result but not their time (核实时间不详)."""
    old = captured < calendar.limit - _us(86_400 * TIME_UNKNOWN_BEFORE_DAYS)
    chosen = old & columns["verified_at"].is_valid().to_numpy(zero_copy_only=False) \
        & (rng.random(len(captured)) < TIME_UNKNOWN)
    return {**columns, "verified_at": _null_unless(~chosen, columns["verified_at"])}


@dataclass(frozen=True)
class _Firms:
    """Where each item happened and, for disputes and complaints, the enterprise involved."""

    unit: np.ndarray  # position in world units
    county: np.ndarray  # position in world counties; -1 where only the city is known
    section: np.ndarray  # position in world sections; -1 for news and policy
    division: np.ndarray
    ownership: np.ndarray  # position in OWNERSHIP codes; -1 unknown
    union: np.ndarray  # 1 has a union, 0 has none, -1 unknown
    enterprise: pa.Array

    def columns(self, world: _World) -> dict[str, pa.Array]:
        return {
            "unit_code": world.unit_codes.take(self.unit),
            "county_code": _take(world.county_codes, self.county),
            "enterprise": self.enterprise,
            "ownership": _take(pa.array(OWNERSHIP.codes), self.ownership),
            "industry": _take(pa.array(world.sections), self.section),
            "sub_industry": _take(world.divisions, self.division),
            "union_present": pa.array(self.union == 1, mask=self.union < 0),
        }


def _firms(rng: np.random.Generator, world: _World, kind: np.ndarray) -> _Firms:
    n = len(kind)
    unit = rng.choice(len(world.unit_p), size=n, p=world.unit_p)
    city_only = (rng.random(n) < CITY_ONLY[kind]) | ~world.has_counties[unit]
    county = np.where(city_only, -1, _draw_given(rng, world.county_p, unit))
    section = _draw_given(rng, world.section_p, unit)
    division = _draw_given(rng, world.division_p, section)
    owner_p = np.array([_aligned(OWNERSHIP.codes, OWNERSHIP_SHARES[employer]) for employer in EMPLOYERS])
    ownership = _draw_given(rng, owner_p, _employer_kind(world, unit, section))
    union_rate = _per_code(OWNERSHIP.codes, UNION_RATE)[ownership]
    union = np.where(rng.random(n) < UNION_UNKNOWN, -1, rng.random(n) < union_rate)
    enterprise = _enterprise_names(rng, world, unit, county, section, division)

    same = _repeat_offenders(rng, kind)
    unit, county, section, division, ownership, union = (
        a[same] for a in (unit, county, section, division, ownership, union))
    enterprise = enterprise.take(same)

    # News and policy items name no enterprise; a complaint often leaves out what a report says.
    no_firm = kind >= NEWS

    def unknown(what: str) -> np.ndarray:
        return no_firm | ((kind == COMPLAINT) & (rng.random(n) >= COMPLAINT_KNOWN[what]))

    return _Firms(unit=unit, county=county,
                  section=np.where(no_firm, -1, section), division=np.where(no_firm, -1, division),
                  ownership=np.where(unknown("ownership"), -1, ownership),
                  union=np.where(unknown("union"), -1, union),
                  enterprise=_null_unless(~unknown("enterprise"), enterprise))


def _employer_kind(world: _World, unit: np.ndarray, section: np.ndarray) -> np.ndarray:
    """Row -> position in EMPLOYERS."""
    factory = section == world.section("C")
    public = np.isin(section, [world.section(s) for s in PUBLIC_SECTIONS])
    return np.select([factory & np.isin(unit, world.hmt_factory_units), factory, section == world.section("E"), public],
                     [EMPLOYERS.index(e) for e in ("factory_sz_dg", "factory", "construction", "public_service")],
                     EMPLOYERS.index("service"))


def _repeat_offenders(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    """Row -> the row whose enterprise (and place, industry, ownership) it is: a few enterprises
    have several disputes, usually months apart since each dispute's date is drawn on its own."""
    same = np.arange(len(kind))
    disputes = np.flatnonzero(kind == COLLECTIVE)
    offenders = disputes[:max(1, len(disputes) // OFFENDER_EVERY)]  # rows are in random order
    others = disputes[len(offenders):]
    repeats = others[rng.random(len(others)) < REPEAT_SHARE]
    same[repeats] = rng.choice(offenders, size=len(repeats))
    return same


def _enterprise_names(rng: np.random.Generator, world: _World, unit: np.ndarray, county: np.ndarray,
                      section: np.ndarray, division: np.ndarray) -> pa.Array:
    """"东莞市长安镇宏达五金制品有限公司", "深圳市宝安区金利源电子厂", "广州某物流公司",
    "广东恒信建设集团龙岗某安置房项目部"."""
    n = len(unit)
    sector = world.sector(section)
    templates, probs = _templates(ENTERPRISE_NAMES)
    parts = {
        "city": world.city_names.take(unit),
        "city_short": world.city_short.take(unit),
        "county": _take(world.county_names, county),
        "county_short": _take(world.county_short, county),
        "brand": _any_of(rng, BRANDS, n),
        "trade": world.trades.pick(rng, division),
        "workplace": world.workplaces.pick(rng, division),
        "suffix": _Pools(SUFFIXES).pick(rng, sector),
        "project": _any_of(rng, PROJECTS, n),
    }
    return _render(templates, _draw_given(rng, probs, sector), parts)


def _location(rng: np.random.Generator, world: _World, unit: np.ndarray, county: np.ndarray) -> dict[str, pa.Array]:
    """The county's centroid moved 0.3–3 km; or, flagged as approximate, a centroid exactly: the
    city's where only the city is known, else the city's or the county's for a few items."""
    n = len(unit)
    at_city = (county < 0) | (rng.random(n) < APPROXIMATE / 2)
    approx = at_city | (rng.random(n) < APPROXIMATE / 2)
    lonlat = np.where(at_city[:, None], world.unit_lonlat[unit], world.county_lonlat[np.maximum(county, 0)])
    km = np.where(approx, 0.0, rng.uniform(0.3, 3.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    lat = lonlat[:, 1] + km * np.sin(angle) / 111.0
    lon = lonlat[:, 0] + km * np.cos(angle) / (111.0 * np.cos(np.radians(lat)))
    precision = np.where(at_city, "city", np.where(approx, "county", "point"))
    return {"lon": pa.array(np.round(np.clip(lon, *GUANGDONG_LON), 6)),
            "lat": pa.array(np.round(np.clip(lat, *GUANGDONG_LAT), 6)),
            "place_precision": pa.array(precision)}


@dataclass(frozen=True)
class _Claims:
    demand: np.ndarray  # the main demand (position in DEMAND codes); -1 none
    action: np.ndarray  # the main form of action (position in ACTION_FORM codes); -1 none
    demands: pa.Array
    action_forms: pa.Array


def _claims(rng: np.random.Generator, world: _World, kind: np.ndarray, section: np.ndarray) -> _Claims:
    n = len(kind)
    sector = world.sector(section)
    demand_p = np.array([_aligned(DEMAND.codes, PRIMARY_DEMAND[s]) for s in (*SECTORS, "complaint")])
    demand = _draw_given(rng, demand_p, np.where(kind == COMPLAINT, len(SECTORS), sector))
    demand[kind >= NEWS] = -1
    extra_demands = np.where(kind == COLLECTIVE, rng.choice(len(EXTRA_DEMANDS), size=n, p=EXTRA_DEMANDS), 0)

    action = _draw_given(rng, np.array([_aligned(ACTION_FORM.codes, PRIMARY_ACTION[s]) for s in SECTORS]), sector)
    complaint_p = _per_code(ACTION_FORM.codes, COMPLAINT_ACTION)
    complaint_action = rng.choice(len(complaint_p) + 1, size=n, p=[*complaint_p, 1 - complaint_p.sum()])
    complaint_action[complaint_action == len(complaint_p)] = -1
    action = np.where(kind == COMPLAINT, complaint_action, action)
    action[kind >= NEWS] = -1
    extra_actions = ((kind == COLLECTIVE) & (rng.random(n) < SECOND_ACTION)).astype(np.int64)

    return _Claims(
        demand, action,
        _code_lists(rng, DEMAND.codes, demand, extra_demands, _affinity(DEMAND.codes, DEMAND_AFFINITY, DEMAND_PAIRS)),
        _code_lists(rng, ACTION_FORM.codes, action, extra_actions, _affinity(ACTION_FORM.codes, ACTION_AFFINITY, {})),
    )


def _affinity(codes: Sequence[str], weights: dict[str, float], pairs: dict[tuple[str, str], float]) -> np.ndarray:
    """(first code, other code) -> how likely the other comes along with the first."""
    base = _aligned(codes, weights)
    return np.array([[base[j] * pairs.get((first, other), 1.0) for j, other in enumerate(codes)] for first in codes])


def _code_lists(rng: np.random.Generator, codes: Sequence[str], first: np.ndarray, extra: np.ndarray,
                affinity: np.ndarray) -> pa.Array:
    """Per row, `first` and then `extra` (0–2) more distinct codes drawn by their affinity with
    it; null where first is -1. (Without repeats: Gumbel noise on the log weights, best first.)"""
    chosen = np.column_stack([np.maximum(first, 0), np.zeros((len(first), 2), dtype=np.int64)])
    more = np.flatnonzero(extra > 0)
    keys = np.log(affinity[chosen[more, 0]]) + rng.gumbel(size=(len(more), len(codes)))
    for column in (1, 2):
        keys[np.arange(len(more)), chosen[more, column - 1]] = -np.inf
        chosen[more, column] = keys.argmax(axis=1)
    lengths = np.where(first < 0, 0, 1 + extra)
    values = pa.array(codes).take(chosen[np.arange(3) < lengths[:, None]])
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]), pa.int32())
    return pa.ListArray.from_arrays(offsets, values, mask=pa.array(first < 0))


def _times(rng: np.random.Generator, calendar: _Calendar, kind: np.ndarray, sector: np.ndarray,
           demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Capture times (microseconds since 1970) and the days the disputes happened (days since
    1970; -1 unknown)."""
    n = len(kind)
    seasonal = (kind == COLLECTIVE) & (sector != SERVICE) & (demand == DEMAND.codes.index("wage_arrears"))
    days = len(calendar.ordinary_p)
    day = calendar.first_day + np.where(seasonal, rng.choice(days, size=n, p=calendar.wage_p),
                                        rng.choice(days, size=n, p=calendar.ordinary_p))
    hour = rng.choice(24, size=n, p=_normalised(HOUR_WEIGHTS))
    time_of_day = _us(hour * 3600 + rng.integers(0, 3600, n))
    # When the demo ends today, an item drawn for an hour still to come happened at that hour
    # yesterday: today fills up hour by hour as a real day does (just after midnight it is nearly
    # empty), and the number of items stays what was asked.
    day = np.where(day * DAY_US + time_of_day > calendar.limit, day - 1, day)
    captured = day * DAY_US + time_of_day
    lag = rng.choice(len(OCCURRED_LAG), size=n, p=OCCURRED_LAG)
    occurred = np.where(rng.random(n) < OCCURRED_UNKNOWN[kind], -1, day - lag)
    return captured, occurred.astype(np.int32)


@dataclass(frozen=True)
class _Crowd:
    size: np.ndarray  # the best estimate of the crowd; 0 unknown
    low: pa.Array
    high: pa.Array
    text: pa.Array  # as reported: "约200人", "85"
    people: pa.Array  # as a summary says it: "约200人", "85人"
    grade: np.ndarray  # position in world grades; -1 none


def _crowd(rng: np.random.Generator, world: _World, kind: np.ndarray) -> _Crowd:
    """How many took part, as reported, with the low and high it implies and the grade of the low."""
    n = len(kind)
    dispute = np.clip(np.rint(np.exp(rng.normal(np.log(CROWD_MEDIAN), CROWD_SIGMA, n))), 3, CROWD_MAX)
    size = np.where(kind == COLLECTIVE, dispute, 1 + rng.poisson(0.4, n)).astype(np.int64)
    form = _draw_given(rng, CROWD_FORMS / CROWD_FORMS.sum(axis=1, keepdims=True), kind)
    form[(size < 10) & (form != UNKNOWN)] = PLAIN  # nobody writes "约5人"

    step = np.select([size < 100, size < 1000], [10, 50], 100)
    about = np.maximum(step, np.rint(size / step).astype(np.int64) * step)
    over_step = np.select([size < 100, size < 1000], [10, 100], 1000)
    over = size // over_step * over_step
    range_low = np.maximum(step, (0.75 * size // step).astype(np.int64) * step)
    range_high = np.ceil(1.3 * size / step).astype(np.int64) * step
    vague = np.maximum(np.searchsorted([w[0] for w in VAGUE_WORDS], size, side="right") - 1, 0)
    vague_low, vague_high = (np.array([w[i] for w in VAGUE_WORDS])[vague] for i in (2, 3))

    by_form = {  # (low, high, the number the text shows)
        PLAIN: (size, size, size), ABOUT: (about, about, about), OVER: (over, over + over_step - 1, over),
        RANGE: (range_low, range_high, size), VAGUE: (vague_low, vague_high, size), UNKNOWN: (size, size, size),
    }
    low, high, shown = (np.choose(form, [by_form[f][i] for f in range(len(by_form))]) for i in range(3))
    parts = {"n": _as_text(shown), "low": _as_text(range_low), "high": _as_text(range_high),
             "vague": pa.array([w[1] for w in VAGUE_WORDS]).take(vague)}
    text = _render([CROWD_TEXTS[f] for f in range(len(CROWD_TEXTS))], np.minimum(form, VAGUE), parts)
    people = _render(["{text}人", "{text}"], (form != PLAIN).astype(np.int64), {"text": text})

    known = form != UNKNOWN
    reaches = low[:, None] >= world.grade_minimums[None, :]
    graded = (kind == COLLECTIVE) & known & reaches.any(axis=1)
    return _Crowd(size=np.where(known, size, 0),
                  low=pa.array(low.astype(np.int32), mask=~known), high=pa.array(high.astype(np.int32), mask=~known),
                  text=_null_unless(known, text), people=_null_unless(known, people),
                  grade=np.where(graded, reaches.argmax(axis=1), -1))


def _sources(rng: np.random.Generator, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Where each item came from, whether an officer reported it first, and its link."""
    n = len(kind)
    source = _draw_given(rng, np.array([_aligned(SOURCE.codes, SOURCE_SHARES[k]) for k in KINDS]), kind)
    code = np.array(SOURCE.codes)[source]
    proactive = (code == "proactive") | (np.isin(code, MESSAGE_SOURCES) & (rng.random(n) < MESSAGE_PROACTIVE))
    url = _fill(URL, {"source": pa.array(code), "number": _as_text(rng.integers(10 ** 11, 10 ** 12, n))})
    return source, proactive, _null_unless(np.isin(code, PLATFORMS), url)


def _texts(rng: np.random.Generator, world: _World, kind: np.ndarray, firms: _Firms, claims: _Claims,
           crowd: _Crowd, captured: np.ndarray, occurred: np.ndarray, source: np.ndarray
           ) -> tuple[pa.Array, pa.Array]:
    """News-style titles and one-to-three-sentence summaries, from templates by kind of item."""
    n = len(kind)
    sector = world.sector(firms.section)
    action_key = np.maximum(claims.action, 0) * len(SECTORS) + sector
    quantity = _Pools([words for _, words in CROWD_WORDS]).pick(
        rng, np.searchsorted([smallest for smallest, _ in CROWD_WORDS], crowd.size, side="right") - 1)
    worker = world.workers.pick(rng, firms.division)
    city = world.city_names.take(firms.unit)
    county = _take(world.county_names, firms.county)
    parts = {
        "place": _fill("{city}{county}", {
            "city": world.city_short.take(firms.unit),
            "county": _take(world.county_short, np.where(rng.random(n) < COUNTY_IN_TITLE, firms.county, -1))}),
        "city_short": world.city_short.take(firms.unit),
        "det": _Pools(DETERMINERS).pick(rng, sector),
        "workplace": world.workplaces.pick(rng, firms.division),
        "worker": worker,
        "crowd": _fill("{quantity}{worker}", {
            "quantity": _null_unless((crowd.size > 0) & (rng.random(n) < TITLE_CROWD_SHOWN), quantity),
            "worker": worker}),
        "action": _Pools.keyed_by_sector(ACTION_FORM.codes, ACTION_WORDS).pick(rng, action_key),
        "demand_verb": _Pools.keyed(DEMAND.codes, DEMAND_VERBS).pick(rng, claims.demand),
        "demand_noun": _Pools.keyed(DEMAND.codes, DEMAND_NOUNS).pick(rng, claims.demand),
        "cause": _Pools.keyed(DEMAND.codes, CAUSES).pick(rng, claims.demand),
        "complaint": _Pools.keyed(DEMAND.codes, COMPLAINTS).pick(rng, claims.demand),
        "union": _render(UNION_NAMES, ((firms.county >= 0) & (rng.random(n) < 0.5)).astype(np.int64),
                         {"city": city, "county": county}),
        "activity": _any_of(rng, ACTIVITIES, n),
        "policy": _any_of(rng, POLICIES, n),
    }
    templates, probs = _templates(TITLES)
    title = _render(templates, _draw_given(rng, probs, kind), parts)
    reported = np.array(SOURCE.codes)[source] == "proactive"
    title = pc.if_else(pa.array(reported), _fill(PROACTIVE_TITLE, {"title": title}), title)

    day = np.where(occurred >= 0, occurred, captured // DAY_US).astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    parts |= {
        "title": title,
        "date": _fill("{month}月{day}日", {"month": _as_text(month.astype(np.int64) % 12 + 1),
                                          "day": _as_text((day - month).astype(np.int64) + 1)}),
        "enterprise": firms.enterprise,
        "employer": pc.coalesce(firms.enterprise, _fill("{place}某{workplace}", parts)),
        "action_sentence": _Pools.keyed_by_sector(ACTION_FORM.codes, ACTION_SENTENCES).pick(rng, action_key),
        "scale": pc.binary_join_element_wise("涉及", worker, crowd.people, "。", "", null_handling="emit_null"),
        "detail": _null_unless(rng.random(n) < DETAIL_SHOWN,
                               _Pools.keyed(DEMAND.codes, DETAILS).pick(rng, claims.demand)),
        "response": _null_unless(rng.random(n) < RESPONSE_SHOWN, _any_of(rng, RESPONSES, n)),
        "reply": _null_unless(rng.random(n) < REPLY_SHOWN, _any_of(rng, COMPLAINT_REPLIES, n)),
        "news_ending": _null_unless(rng.random(n) < ENDING_SHOWN, _any_of(rng, NEWS_ENDINGS, n)),
        "policy_ending": _any_of(rng, POLICY_ENDINGS, n),
    }
    templates, probs = _templates(SUMMARIES)
    return title, _render(templates, _draw_given(rng, probs, kind), parts)


def _workflow(rng: np.random.Generator, world: _World, calendar: _Calendar, kind: np.ndarray, unit: np.ndarray,
              county: np.ndarray, grade: np.ndarray, captured: np.ndarray) -> dict[str, pa.Array]:
    """Assignment, deadline, verification and closing, as they stood at the end of the demo's
    last day: nothing happens after it, and the newest items are more often still open."""
    n = len(kind)
    assigned = captured + _us(60 * rng.uniform(*ASSIGN_MINUTES, n))
    is_assigned = assigned <= calendar.limit
    due = assigned + _us(3600 * np.where(grade >= 0, world.grade_due_hours[grade], OTHER_DUE_HOURS))

    age_days = (calendar.limit - captured) / DAY_US
    left_open = rng.random(n) < STILL_OPEN + RECENT_OPEN * np.clip(1 - age_days / RECENT_DAYS, 0, 1)
    late = rng.random(n) < LATE / (1 - STILL_OPEN)
    on_time_at = assigned + _us((due - assigned) / 1e6 * rng.beta(1.6, 3.0, n))
    late_hours = np.clip(np.exp(rng.normal(np.log(LATE_MEDIAN_HOURS), LATE_SIGMA, n)), 0.25, LATE_MAX_HOURS)
    verified = np.where(late, due + _us(3600 * late_hours), on_time_at)
    # The month-end reconciliation chases what was left open (a child stream, so that every other
    # column of the demo stays as it was): only the last weeks' items are still unverified.
    reconciled_at = captured + _us(86_400 * rng.spawn(1)[0].uniform(*RECONCILED_DAYS, n))
    reconciled = left_open & (reconciled_at <= calendar.limit)
    verified = np.where(reconciled, reconciled_at, verified)
    is_verified = is_assigned & (~left_open | reconciled) & (verified <= calendar.limit)

    close_days = np.clip(np.exp(rng.normal(np.log(CLOSE_MEDIAN_DAYS), CLOSE_SIGMA, n)), *CLOSE_DAYS)
    closed = verified + _us(86_400 * close_days)
    is_closed = is_verified & (rng.random(n) >= NEVER_CLOSED) & (closed <= calendar.limit)

    pending = rng.random(n) < np.where(age_days < 2, 2 * PENDING, PENDING)
    status = np.select([is_closed, is_verified, pending | ~is_assigned],
                       [STATUS.codes.index(code) for code in ("closed", "verified", "pending")],
                       STATUS.codes.index("verifying"))
    result = rng.choice(len(RESULT_SHARES), size=n, p=_aligned(VERIFICATION_RESULT.codes, RESULT_SHARES))
    verifier = rng.integers(0, np.where(county >= 0, len(VERIFIERS), len(VERIFIERS) - 1))
    verified_by = _render(VERIFIERS, verifier, {"city": world.city_names.take(unit),
                                                "county": _take(world.county_names, county)})
    notes = _Pools([pool for code in VERIFICATION_RESULT.codes for pool in NOTES[code]]).pick(
        rng, 2 * result + (kind != COLLECTIVE))
    updated = np.max([captured, np.where(is_assigned, assigned, 0), np.where(is_verified, verified, 0),
                      np.where(is_closed, closed, 0)], axis=0)
    return {
        "assigned_unit": _null_unless(is_assigned, world.unit_codes.take(unit)),
        "assigned_at": _timestamps(assigned, is_assigned),
        "verify_due_at": _timestamps(due, is_assigned),
        "verified_at": _timestamps(verified, is_verified),
        "verified_by": _null_unless(is_verified, verified_by),
        "verification_result": _null_unless(is_verified, pa.array(VERIFICATION_RESULT.codes).take(result)),
        "verification_notes": _null_unless(is_verified, notes),
        "duplicate_of": pa.nulls(n, pa.string()),  # the demo does not say which item it repeats
        "disposition": pa.nulls(n, pa.string()),
        "status": pa.array(STATUS.codes).take(status),
        "closed_at": _timestamps(closed, is_closed),
        "updated_at": _timestamps(updated),
    }
