"""The rates behind the demo ledger's patterns (ledger.demo): who reports what, where, about
whom, when, how crowds and demands are spread, and how verification goes.
"""
from __future__ import annotations

import numpy as np


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

