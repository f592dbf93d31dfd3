"""The information officers (信息员) who verify items and receive reminders, with their contacts.

They live in `officers.toml` beside sentinel.toml (or `[reminders] officers_file`, or
SENTINEL_OFFICERS), one `[[officers]]` table each:

    [[officers]]
    unit = "440300"          # the reporting unit (or its name: 深圳)
    county = "440306"        # optional: a county officer receives only that county's items
    name = "陈晓"
    email = "chenxiao@example.org"
    mobile = "13800000000"
    head = false             # true: the unit's head (负责人), who receives escalations

A unit's items go to its county's officers when the county has any, else to the unit's officers
without a county; escalations go to the unit's heads. Phone numbers are read here and by the
reminder sender only: no page shows them (the admin page says whether one is on file).
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ledger.config import REPO_ROOT, Settings
from ledger.i18n import Both, Refusal
from ledger.geo import county_by_code, unit_by_code

_MOBILE = re.compile(r"^1\d{10}$")


class OfficersError(Refusal):
    """An officers file that cannot be used as it is; the sentence says what to fix."""


@dataclass(frozen=True)
class Officer:
    unit_code: str
    name: str
    email: str = ""
    mobile: str = ""
    county_code: str | None = None
    head: bool = False

    @property
    def key(self) -> str:
        """Stable identity in the reminder log (a name may repeat across units)."""
        return f"{self.unit_code}:{self.county_code or ''}:{self.name}"


DEMO_ROSTER = REPO_ROOT / "data" / "reference" / "demo_officers.toml"


def officers_file(settings: Settings) -> Path:
    """The configured officers file, else officers.toml beside the code; on the generated demo
    without either, the demo's fictitious roster (whose robots point at a closed loopback port)."""
    configured = os.environ.get("SENTINEL_OFFICERS") or settings.reminder_config.get("officers_file")
    if configured:
        return Path(configured)
    own = REPO_ROOT / "officers.toml"
    from ledger.access import is_demo_ledger
    return DEMO_ROSTER if not own.exists() and is_demo_ledger(settings) else own


def unit_code_of(value: str, where: Both) -> str:
    """The unit code `value` names (a code, 深圳市, 深圳 or Shenzhen); OfficersError naming `where` if none."""
    units = unit_by_code()
    if value in units:
        return value
    for code, unit in units.items():
        if value in (unit.name_zh, unit.name_zh.removesuffix("市"), unit.name_zh.removesuffix("区"), unit.name_en):
            return code
    raise OfficersError("msg.officers.not_a_unit", where=where, value=value)


def parse_officers(text: str, source: str = "officers.toml") -> list[Officer]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise OfficersError("msg.officers.bad_file", source=source, error=e) from None
    officers = []
    for number, entry in enumerate(raw.get("officers", []), start=1):
        where = Both.of("msg.officers.where_officer", source=source, n=number)
        if not entry.get("name"):
            raise OfficersError("msg.officers.no_name", where=where)
        unit = unit_code_of(str(entry.get("unit", "")), where)
        county = entry.get("county")
        if county is not None and county_by_code().get(str(county)) is None:
            raise OfficersError("msg.officers.bad_county", where=where, county=county)
        mobile = str(entry.get("mobile", "")).replace(" ", "").replace("-", "")
        if mobile and not _MOBILE.match(mobile):
            raise OfficersError("msg.officers.bad_mobile", where=where)
        officers.append(Officer(unit, entry["name"], entry.get("email", ""), mobile,
                                str(county) if county is not None else None, bool(entry.get("head", False))))
    return officers


def load_officers(settings: Settings) -> list[Officer]:
    """The officers file's entries; an empty list when there is no file."""
    path = officers_file(settings)
    return parse_officers(path.read_text(encoding="utf-8"), path.name) if path.exists() else []


def responsible(officers: list[Officer], unit_code: str, county_code: str | None, escalated: bool) -> list[Officer]:
    """Who is told about an item of `unit_code`/`county_code`: the unit's heads for an escalation,
    else the county's officers, else the unit's officers without a county."""
    of_unit = [o for o in officers if o.unit_code == unit_code]
    if escalated:
        return [o for o in of_unit if o.head]
    county = [o for o in of_unit if not o.head and county_code and o.county_code == county_code]
    return county or [o for o in of_unit if not o.head and o.county_code is None]
