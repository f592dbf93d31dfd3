"""Work-group robots (群机器人) of 企业微信 / 政务微信 and 钉钉: where a union office's day is run.

A robot is a webhook: POST a JSON message to its address and it appears in the group. Both APIs
are used with their plain **text** message, never markdown, because ledger titles come from the
internet and markdown would turn a hostile title into a link in a government work group. The
responsible officers are @-mentioned by mobile number where the API allows it (企业微信
`mentioned_mobile_list`; 钉钉 `at.atMobiles` with "@mobile" in the text, which 钉钉 needs to
highlight the mention).

Robots are listed per unit (or for the province) in the officers file, `[[groups]]` tables:

    [[groups]]
    unit = "440300"                 # a reporting unit (code or name), or "province"
    name = "深圳市总工会舆情工作群"
    kind = "wecom"                  # wecom (企业微信/政务微信) | dingtalk (钉钉)
    base_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"   # an intranet 政务微信 has its own host
    key_env = "SENTINEL_ROBOT_SZ"   # the robot's key (wecom) or access token (dingtalk), from the environment
    secret_env = "SENTINEL_ROBOT_SZ_SECRET"   # 钉钉 加签 secret (optional; wecom has none)
    subscribe = ["reminders", "serious", "events", "hazards"]

`key`/`secret` may be written in the file instead of `*_env` (the demo's fictitious robots do;
the file is kept out of git like the phone numbers). The key and secret are secrets: anyone who
has them can post to the group, so they are never logged, printed or shown (`Group.label` is what
logs and pages name).

Limits (the robots' documentation): 企业微信 text content at most 2048 bytes of UTF-8; each robot
at most 20 messages a minute (both APIs; 钉钉 then blocks the robot for 10 minutes). 钉钉 states
no text limit in the sources we could reach, so the same conservative 2048 bytes is used for it.
A long message is split at line ends into several that each fit.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from ledger.i18n import Both, Refusal, t

KINDS = {"wecom": t("send.robots.kind.wecom"), "dingtalk": t("send.robots.kind.dingtalk")}
DEFAULT_BASE_URL = {"wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
                    "dingtalk": "https://oapi.dingtalk.com/robot/send"}
# The topics a group subscribes to, by code, with the names its messages' headers (and the admin page) show.
TOPICS = {"reminders": t("admin.topic.reminders"), "serious": t("admin.topic.serious"), "events": t("admin.topic.events"),
          "hazards": t("admin.topic.hazards")}
TEXT_LIMIT_BYTES = 2048
MESSAGES_PER_MINUTE = 20
PROVINCE = "province"
_CUT_MARK = "……"


class RobotError(Refusal):
    """A [[groups]] entry that cannot be used as written; the sentence says what to fix."""


class PostError(RuntimeError):
    """A message the robot did not accept; it is tried again in the next round."""


@dataclass(frozen=True)
class Group:
    unit_code: str | None  # None: the province's group
    name: str
    kind: str
    base_url: str
    key: str
    secret: str
    subscribe: frozenset[str]

    @property
    def label(self) -> str:
        """How logs and pages name the group: never its key or secret."""
        return f"{KINDS[self.kind]}·{self.name}"

    @property
    def log_key(self) -> str:
        return f"{self.kind}:{self.unit_code or PROVINCE}:{self.name}"

    def hears(self, topic: str, unit_code: str | None) -> bool:
        """Whether this group is told about `topic` for an item of `unit_code` (the province's
        groups hear every unit, and the items whose place is still undetermined)."""
        return topic in self.subscribe and (self.unit_code is None or self.unit_code == unit_code)


def parse_groups(entries: list[dict], unit_code_of, source: str = "officers.toml") -> list[Group]:
    """The `[[groups]]` tables of the officers file; `unit_code_of(value, where)` reads a unit."""
    groups = []
    for number, entry in enumerate(entries, start=1):
        where = Both.of("msg.officers.where_group", source=source, n=number)
        kind = str(entry.get("kind", ""))
        if kind not in KINDS:
            raise RobotError("msg.robots.bad_kind", where=where, kind=kind)
        if not entry.get("name"):
            raise RobotError("msg.robots.no_name", where=where)
        unit = str(entry.get("unit", ""))
        key = entry.get("key") or os.environ.get(str(entry.get("key_env", "")), "")
        if not key:
            raise RobotError("msg.robots.no_key", where=where, env=entry.get("key_env") or Both.of("msg.robots.no_key_env"))
        topics = frozenset(entry.get("subscribe", ["reminders"]))
        if unknown := topics - TOPICS.keys():
            raise RobotError("msg.robots.bad_topics", where=where, unknown="、".join(sorted(unknown)), known="、".join(TOPICS))
        base_url = str(entry.get("base_url") or DEFAULT_BASE_URL[kind])
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise RobotError("msg.robots.bad_url", where=where)
        groups.append(Group(None if unit == PROVINCE else unit_code_of(unit, where), str(entry["name"]), kind,
                            base_url, str(key), str(entry.get("secret") or os.environ.get(str(entry.get("secret_env", "")), "")),
                            topics))
    return groups


# ---- messages ------------------------------------------------------------------------------------

def split_text(lines: list[str], header: str, limit: int = TEXT_LIMIT_BYTES, reserve: int = 0) -> list[str]:
    """`header` and `lines` as texts of at most `limit` UTF-8 bytes (less `reserve` for mentions),
    each starting with the header; a single line too long on its own is cut with "……"."""
    budget = limit - reserve
    texts, current = [], header
    for line in lines:
        line = _fit(line, budget - len(header.encode("utf-8")) - 1)
        candidate = f"{current}\n{line}"
        if len(candidate.encode("utf-8")) > budget and current != header:
            texts.append(current)
            candidate = f"{header}\n{line}"
        current = candidate
    if current != header or not texts:
        texts.append(current)
    return texts


def _fit(text: str, budget: int) -> str:
    if len(text.encode("utf-8")) <= budget:
        return text
    cut = text.encode("utf-8")[:max(budget - len(_CUT_MARK.encode("utf-8")), 0)].decode("utf-8", errors="ignore")
    return cut + _CUT_MARK


def mention_bytes(kind: str, mobiles: list[str]) -> int:
    """What @-mentions add to the text itself (钉钉 wants "@mobile" in the content)."""
    return sum(len(f" @{m}".encode("utf-8")) for m in mobiles) if kind == "dingtalk" else 0


def payload(kind: str, text: str, mobiles: list[str]) -> dict:
    """The API's documented text message, with the officers to @-mention."""
    if kind == "wecom":
        body = {"content": text}
        if mobiles:
            body["mentioned_mobile_list"] = list(mobiles)
        return {"msgtype": "text", "text": body}
    content = text + "".join(f" @{m}" for m in mobiles)
    return {"msgtype": "text", "text": {"content": content}, "at": {"atMobiles": list(mobiles), "isAtAll": False}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: Base64 of HMAC-SHA256(secret, "timestamp\\nsecret"), to be URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def webhook_url(group: Group, timestamp_ms: int) -> str:
    if group.kind == "wecom":
        query = {"key": group.key}
    else:
        query = {"access_token": group.key}
        if group.secret:
            query |= {"timestamp": str(timestamp_ms), "sign": dingtalk_sign(group.secret, timestamp_ms)}
    separator = "&" if urllib.parse.urlsplit(group.base_url).query else "?"
    return group.base_url + separator + urllib.parse.urlencode(query)


def post(group: Group, message: dict, timestamp_ms: int, timeout: float = 10.0) -> None:
    """Send one message; PostError (without the key in it) unless the robot answers errcode 0."""
    request = urllib.request.Request(webhook_url(group, timestamp_ms), method="POST",
                                     data=json.dumps(message, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as error:
        raise PostError(t("send.robots.http_status", group=group.label, code=error.code)) from None
    except (OSError, ValueError) as error:  # unreachable, timed out, or not JSON
        reason = getattr(error, "reason", None) or type(error).__name__
        raise PostError(t("send.robots.unreachable", group=group.label, reason=reason)) from None
    if answer.get("errcode", 0) != 0:
        raise PostError(t("send.robots.refused", group=group.label, errcode=answer.get("errcode"),
                          errmsg=str(answer.get("errmsg", ""))[:80]))
