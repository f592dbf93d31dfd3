"""Staged events for the demo ledger (事件跟踪), so the events page has something true to its
purpose to show: three of the demo's latest grade I or II disputes, reported in stages through
ledger/workflow/events.py like any officer's reports — one followed up on time, one that went quiet
after its first follow-up (overdue), and one closed with its causes and 案例剖析.

Texts are written from each dispute's own enterprise, place, crowd and demands; times follow
from the dispute's capture time, and ids and reporters from the seed, so the same demo built on
the same day gets the same events.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from queries import ALL, read

from ledger import geo
from ledger.config import Settings
from ledger.workflow.events import Report, add_report, open_event
from ledger.schema import ACTION_FORM, DEMAND
from ledger.store import current_snapshot

REPORTERS = ("陈敏", "李志强", "黄丽华", "张伟", "梁少芬")
CAUSES = {
    "relocation": "企业整体搬迁，事前未就经济补偿方案与员工充分协商，员工担心补偿不到位。",
    "social_insurance": "企业长期按最低基数缴纳社保，员工临近退休或离职时发现待遇受影响。",
    "severance": "企业关停部分生产线，裁员补偿标准低于法定标准，且未履行提前告知程序。",
}
DEFAULT_CAUSE = "企业订单下滑、资金周转困难，连续两个月延期发放工资，且事前未与员工沟通，员工担心欠薪扩大。"
LESSONS = ("一是欠薪、搬迁等苗头要早发现，对延期发薪、准备搬迁的企业提前介入；二是企业工会要在劳资之间搭建常态化沟通"
           "渠道，员工诉求有处可说；三是坚持快报事实、慎报原因，原因核实后再报，避免误判。")


def journal_demo_events(settings: Settings, seed: int, now: datetime) -> int:
    """File the demo's events into the journal (as source "demo"); return how many were opened.
    The caller rebuilds the snapshot. A demo too small to have suitable disputes gets none."""
    rng = random.Random(seed)
    candidates = _candidates(settings, before=now - timedelta(hours=3))
    plans = [(_on_time, timedelta(0)), (_gone_quiet, timedelta(hours=40)), (_closed, timedelta(days=5))]
    used: set[str] = set()
    opened = 0
    for plan, age in plans:
        item = next((c for c in candidates if c["item_id"] not in used and c["captured_at"] < now - timedelta(hours=3) - age),
                    None)
        if item is None:
            continue
        used.add(item["item_id"])
        reporter = rng.choice(REPORTERS)
        first_at = item["captured_at"] + timedelta(minutes=rng.randint(50, 110))
        event_id = open_event(settings, _first_report(item), unit_code=item["unit_code"], by=reporter, at=first_at,
                              source="demo", event_id=f"E{first_at:%Y%m%d}-{rng.getrandbits(16):04x}", rebuild=False)
        for stage_report, at in plan(item, first_at, now):
            add_report(settings, event_id, stage_report, by=reporter, at=at, source="demo", rebuild=False)
        opened += 1
    return opened


def _candidates(settings: Settings, before: datetime) -> list[dict]:
    return read(current_snapshot(settings), "demo_event_candidates", ALL, before=before, limit=50).to_dicts()


def _words(item: dict) -> dict:
    county = geo.county_by_code().get(item["county_code"] or "")
    demand = (item["demands"] or ["wage_arrears"])[0]
    return {"place": county.name_zh if county else geo.unit_by_code()[item["unit_code"]].name_zh,
            "firm": item["enterprise"], "people": item["participants_text"] or "数十名",
            "demand": DEMAND.label(demand), "demand_code": demand,
            "action": ACTION_FORM.label((item["action_forms"] or ["gathering"])[0])}


def _first_report(item: dict) -> Report:
    w = _words(item)
    return Report(
        "first", title=f"{w['firm']}{w['demand']}{w['action']}事件", item_ids=(item["item_id"],),
        facts=f"{item['captured_at']:%m月%d日%H时}许，{w['place']}{w['firm']}员工{w['people']}因{w['demand']}问题"
              f"{w['action']}。属地工会已派员到场了解情况，现场秩序总体平稳，原因正在核实。")


def _followup(item: dict) -> Report:
    return Report("followup", facts="人社、镇街和工会组成工作组进驻企业，组织劳资双方协商；企业同意提交支付方案，"
                                    "部分员工已返回岗位，现场人数明显减少。",
                  handling="工作组约谈企业负责人，督促其制定方案；工会派员向员工解释政策、收集诉求。")


def _on_time(item: dict, first_at: datetime, now: datetime):
    """Follow-ups every 18 hours or so while they fit before now: the latest is within the limit."""
    at, reports = first_at + timedelta(hours=18), []
    while at < now - timedelta(hours=1) and len(reports) < 3:
        reports.append((_followup(item), at))
        at += timedelta(hours=18)
    return reports


def _gone_quiet(item: dict, first_at: datetime, now: datetime):
    """One follow-up eight hours after the first report, then nothing: overdue."""
    return [(_followup(item), first_at + timedelta(hours=8))]


def _closed(item: dict, first_at: datetime, now: datetime):
    w = _words(item)
    closing = Report("closing", facts=f"{w['firm']}已按协商方案兑现员工诉求，员工全部复工，事件平息。",
                     causes=CAUSES.get(w["demand_code"], DEFAULT_CAUSE),
                     handling="工作组进驻协调，企业分两期兑现；属地工会跟踪兑现进度并回访员工，未出现反复。",
                     lessons=LESSONS)
    return [(_followup(item), first_at + timedelta(hours=20)), (closing, first_at + timedelta(hours=52))]
