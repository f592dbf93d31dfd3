"""One place for configuration: `sentinel.toml` (or the file named by SENTINEL_CONFIG) and
SENTINEL_* environment variables, with the embedded demo as the default.

Environment variables win over the file so that tests and deployments can override a single
value without editing anything.
"""
from __future__ import annotations

import csv
import ipaddress
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# China Labour Bulletin's real strike-map exports, beside the project and never copied into it:
# the ingest tests and the hazard evaluation read them where they exist.
CLB_EXPORTS = REPO_ROOT.parent / "shared" / "data" / "clb"
REFERENCE_DIR = REPO_ROOT / "data" / "reference"


def read_reference_csv(name: str) -> list[dict[str, str]]:
    """Rows of data/reference/NAME as dicts of strings (codes such as 440300 stay strings)."""
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    snapshot_retention_days: int = 40  # long enough to compare with last month's snapshot
    default_window_days: int = 183  # the global filter's default: about six months
    duckdb_memory_limit: str = "3GB"
    query_cache_mb: int = 256  # the query door's result cache, in MB (results larger than it are not kept)
    grade_thresholds: dict[str, int] = field(default_factory=dict)  # overrides of grades.csv
    grades_to_confirm: tuple[str, ...] = ("I", "II")  # [grade_review] grades: confirmed by the province
    # on-time verification rate (%) at or above which a unit's gauge is green, and amber
    verification_green_pct: float = 95.0
    verification_amber_pct: float = 85.0
    # the wall screen: how often it re-reads the ledger, how long each rotating panel stays, when
    # the data counts as stale (the ingest has stopped), how long a new serious dispute is flagged
    wall_refresh_seconds: int = 30
    wall_rotate_seconds: int = 20
    wall_stale_minutes: int = 180
    wall_banner_minutes: int = 60
    # staged event reports ([events]): the first report is due this many hours after the earliest
    # linked item was captured, each next report this many hours after the last one
    events_first_report_hours: int = 2
    events_followup_hours: int = 24
    # sign-in ([auth]): where the users file is, lock-out after N failures within M minutes, how
    # long a session lasts, a closed network that runs without sign-in, a reverse proxy's header
    deadline_config: dict = field(default_factory=dict)  # [deadlines]; see ledger/workflow/deadlines.py
    reminder_config: dict = field(default_factory=dict)  # [reminders]; see ledger/workflow/remind.py
    scoring_config: dict = field(default_factory=dict)  # [scoring]: overrides of data/reference/scoring.toml
    users_file: str | None = None
    lockout_attempts: int = 5  # per account; the lock lasts lockout_first_minutes, doubling up to lockout_minutes
    lockout_minutes: int = 15
    lockout_first_minutes: int = 1
    lockout_address_attempts: int = 20  # per client address, across every name it tries
    session_hours: int = 8
    closed_network: bool = False
    trusted_header: str | None = None
    # reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the browser; none by
    # default, and loopback is no proxy unless listed (ledger.access.client_address)
    trusted_proxies: tuple[str, ...] = ()

    @property
    def journal_dir(self) -> Path:
        return self.data_dir / "journal"

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"

    @property
    def duckdb_temp_dir(self) -> Path:
        """Where DuckDB spills what does not fit its memory limit: inside the data folder, not
        the working directory of whoever started the process."""
        return self.data_dir / ".duckdb-tmp"


_AUTH_KEYS = ("users_file", "lockout_attempts", "lockout_minutes", "lockout_first_minutes", "lockout_address_attempts",
              "session_hours", "closed_network", "trusted_header")


def _config_file() -> Path:
    return Path(os.environ.get("SENTINEL_CONFIG", REPO_ROOT / "sentinel.toml"))


def load_settings(data_dir: str | Path | None = None) -> Settings:
    """Read settings; `data_dir` (e.g. the CLI's --data-dir) wins over everything else."""
    path = _config_file()
    file_values = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    chosen_dir = data_dir or os.environ.get("SENTINEL_DATA_DIR") or file_values.get("data_dir")
    resolved = Path(chosen_dir) if chosen_dir else REPO_ROOT / "data"
    if not resolved.is_absolute():
        resolved = Path.cwd() / resolved
    env_days = os.environ.get("SENTINEL_SNAPSHOT_RETENTION_DAYS")
    auth = file_values.get("auth", {})
    env_proxies = os.environ.get("SENTINEL_TRUSTED_PROXIES")
    proxies = tuple(p.strip() for p in env_proxies.split(",") if p.strip()) if env_proxies is not None else \
        tuple(auth.get("trusted_proxies", ()))
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ValueError(f"{path}: [auth] trusted_proxies: {proxy!r} is not an address or CIDR range") from None
    bands = file_values.get("verification", {})
    if float(bands.get("green_pct", 95.0)) < float(bands.get("amber_pct", 85.0)):
        raise ValueError(f"{path}: [verification] green_pct must not be below amber_pct")
    return Settings(
        data_dir=resolved,
        snapshot_retention_days=int(env_days or file_values.get("snapshot_retention_days", 40)),
        default_window_days=int(file_values.get("default_window_days", 183)),
        duckdb_memory_limit=os.environ.get(
            "SENTINEL_DUCKDB_MEMORY_LIMIT", file_values.get("duckdb_memory_limit", "3GB")
        ),
        query_cache_mb=int(os.environ.get("SENTINEL_QUERY_CACHE_MB", file_values.get("query_cache_mb", 256))),
        grade_thresholds={k: int(v) for k, v in file_values.get("grades", {}).items()},
        grades_to_confirm=tuple(file_values.get("grade_review", {}).get("grades", ("I", "II"))),
        deadline_config=file_values.get("deadlines", {}),
        reminder_config=file_values.get("reminders", {}),
        scoring_config=file_values.get("scoring", {}),
        verification_green_pct=float(bands.get("green_pct", 95.0)),
        verification_amber_pct=float(bands.get("amber_pct", 85.0)),
        **{f"wall_{key}": int(value) for key, value in file_values.get("wall", {}).items()
           if f"wall_{key}" in Settings.__dataclass_fields__},
        **{f"events_{key}": int(value) for key, value in file_values.get("events", {}).items()
           if f"events_{key}" in Settings.__dataclass_fields__},
        **{key: value for key, value in auth.items() if key in _AUTH_KEYS},
        trusted_proxies=proxies,
    )
