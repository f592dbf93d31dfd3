"""Who may see and do what: roles, the users file, password checks with lock-out, wall tokens.

Roles (the union's own): the wall screen (read-only, no personal data, signs in with a long
random token in its URL that an administrator can revoke), leaders (every page, read-only),
analysts (every page and downloads), city officers (only their unit's items; they verify their
queue) and administrators (users, officers, configuration, imports, the audit log).

What a role may see is turned into a `queries.Scope` that the query door enforces in DuckDB, so
hiding a button is never the only protection. Users live in a TOML file (`users.toml` beside
`sentinel.toml`, or `[auth] users_file`); passwords are stored as Argon2id hashes (argon2-cffi,
the reference implementation's binding), wall tokens as SHA-256 digests (they are long random
values, so a fast hash is enough and a stolen file does not reveal them).

Beside it: the audit log (`audit`), masking of personal data for roles without it (`masking`)
and the lock-out after wrong passwords (`lockout`).
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ledger.access import lockout
from ledger.config import REPO_ROOT, Settings
from ledger.i18n import Refusal
from ledger.geo import unit_by_code
from ledger.store import now_shanghai

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Role:
    code: str
    zh: str
    en: str
    pages: frozenset[str]  # page keys (app.py) this role may open
    download: bool  # may download slices of the ledger
    personal: bool  # may see phone numbers, ID numbers and names unmasked
    all_units: bool  # sees every unit (else only its own)
    verify: bool = False
    admin: bool = False

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


MONITORING = frozenset({"overview", "map", "verification", "trends", "explorer", "hazards", "events"})
ROLES: dict[str, Role] = {r.code: r for r in (
    Role("wall", "指挥大屏", "Wall screen", frozenset({"wall"}), download=False, personal=False, all_units=True),
    Role("leader", "领导", "Leader", MONITORING | {"reconcile", "scores", "grades"}, download=False, personal=False, all_units=True),
    Role("analyst", "分析员", "Analyst", MONITORING | {"import", "triage", "reconcile", "scores"}, download=True, personal=False,
         all_units=True),
    Role("officer", "地市信息员", "City officer", MONITORING | {"verify", "reconcile", "scores"}, download=True, personal=True,
         all_units=False, verify=True),
    Role("admin", "管理员", "Administrator", MONITORING | {"import", "verify", "triage", "reconcile", "scores", "grades",
                                                          "admin"},
         download=True, personal=True, all_units=True, verify=True, admin=True),
)}


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    name: str = ""
    unit_code: str | None = None  # required for officers: the unit whose items they see
    email: str = ""

    @property
    def units(self) -> frozenset[str] | None:
        """The units this user may see; None means all of them."""
        return None if self.role.all_units else frozenset({self.unit_code or ""})


class AccessError(Refusal):
    """A users file that cannot be used as it is; the sentence, in both languages, says what to fix."""


@dataclass
class Directory:
    """The users file, read once; `path` None means there is no users file."""

    path: Path | None
    users: dict[str, tuple[User, str]] = field(default_factory=dict)  # username -> (user, hash)
    wall_tokens: dict[str, str] = field(default_factory=dict)  # sha256 digest -> note

    def find(self, username: str) -> User | None:
        entry = self.users.get(username)
        return entry[0] if entry else None

    def by_email(self, email: str) -> User | None:
        return next((u for u, _ in self.users.values() if u.email and u.email.lower() == email.lower()), None)

    def wall_user(self, token: str | None) -> User | None:
        """The wall screen's user for a valid, unrevoked token in its URL."""
        if not token:
            return None
        digest = _token_digest(token)
        for known in self.wall_tokens:
            if hmac.compare_digest(known, digest):
                return User(username=f"wall:{digest[:8]}", role=ROLES["wall"], name=self.wall_tokens[known])
        return None


def users_file(settings: Settings) -> Path:
    """SENTINEL_USERS, else `[auth] users_file`, else users.toml in the project folder."""
    return Path(os.environ.get("SENTINEL_USERS") or settings.users_file or REPO_ROOT / "users.toml")


def load_directory(settings: Settings) -> Directory:
    path = users_file(settings)
    if not path.exists():
        return Directory(path=None)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise AccessError("msg.access.bad_file", file=path.name, error=e) from None
    directory = Directory(path=path)
    for entry in raw.get("users", []):
        role = ROLES.get(entry.get("role", ""))
        if role is None:
            raise AccessError("msg.access.bad_role", user=repr(entry.get("username")), role=repr(entry.get("role")),
                              roles=", ".join(ROLES))
        unit = entry.get("unit")
        if role.code == "officer" and unit not in unit_by_code():
            raise AccessError("msg.access.officer_unit", user=repr(entry.get("username")))
        user = User(entry["username"], role, entry.get("name", ""), unit, entry.get("email", ""))
        directory.users[user.username] = (user, entry.get("password_hash", ""))
    directory.wall_tokens = {t["sha256"]: t.get("note", "") for t in raw.get("wall_tokens", []) if not t.get("revoked")}
    return directory


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise AccessError("msg.access.short_password")
    return _hasher.hash(password)


def new_wall_token() -> tuple[str, str]:
    """A fresh token (to put in the wall screen's URL once) and the digest to store."""
    token = secrets.token_urlsafe(32)
    return token, _token_digest(token)


# ---- sign-in with lock-out -------------------------------------------------------------------

@dataclass(frozen=True)
class SignInResult:
    user: User | None
    reason: str = ""  # "bad_credentials", "locked" (the account) or "address_locked"; empty on success
    locked_until: datetime | None = None


_dummy_hash: list[str] = []  # checked against for names that are no account, made once


class SignInGuard:
    """Checks passwords within the limits of ledger.access.lockout: per account and per client address,
    with locks that grow, kept across restarts. A locked account or address is refused even with
    the right password, and its password is not checked at all."""

    def __init__(self, settings: Settings, directory: Directory):
        self.settings = settings
        self.directory = directory

    def sign_in(self, username: str, password: str, now: datetime | None = None,
                address: str | None = None) -> SignInResult:
        """`address` is the browser's (client_address; None: this machine)."""
        now = now or now_shanghai()
        username = username.strip()[:64]
        entry = self.directory.users.get(username)
        known = entry is not None
        with lockout.held(self.settings) as book:
            lock = book.locked(now, username, known, address)
            if lock is None:  # counted before the check, so parallel attempts see each other
                reserved_lock = book.fail(now, username, known, address)
        if lock is not None:
            return SignInResult(None, lock.reason, lock.until)
        if _password_matches(entry[1] if known else None, password):
            with lockout.held(self.settings) as book:
                book.succeeded(now, username, known, address)
            return SignInResult(entry[0])
        if reserved_lock is not None:
            return SignInResult(None, reserved_lock.reason, reserved_lock.until)
        return SignInResult(None, "bad_credentials")


def _password_matches(stored_hash: str | None, password: str) -> bool:
    """One Argon2 check either way: a name that is no account costs the same time as one that
    is, so names cannot be probed by timing."""
    known = stored_hash is not None
    if not known:
        if not _dummy_hash:
            _dummy_hash.append(_hasher.hash(secrets.token_urlsafe(16)))
        stored_hash = _dummy_hash[0]
    try:
        return _hasher.verify(stored_hash, password) and known
    except (VerificationError, InvalidHashError):
        return False


# ---- running without a users file -------------------------------------------------------------

DEMO_USER = User("demo", ROLES["admin"], "演示用户")
CLOSED_NETWORK_USER = User("closed-network", ROLES["admin"], "封闭网络")


def is_demo_ledger(settings: Settings) -> bool:
    """True when every item in the journal comes from the generated demo (no real data). Changes
    recorded on it (verifications tried out on the demo, assignments) keep it a demo."""
    metas = (json.loads(b.read_text(encoding="utf-8")) for b in settings.journal_dir.glob("*/batch.json"))
    return all(meta.get("source") == "demo" for meta in metas if meta.get("kind") == "items")


def _ip(text: str | None):
    """`text` as an address (IPv4-mapped IPv6 as its IPv4 form; `host:port` and `[v6]:port` as
    the host), or None when it is no address."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    return ip.ipv4_mapped if getattr(ip, "ipv4_mapped", None) else ip


def trusted_networks(settings: Settings) -> tuple:
    """The `trusted_proxies` setting as networks (a single address is a network of one)."""
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in settings.trusted_proxies)


UNKNOWN_ADDRESS = "unknown"  # a forwarded address that is no address: never this machine
# The environment Streamlit is started with: uvicorn then leaves X-Forwarded-For to client_address.
SERVER_ENV = {"FORWARDED_ALLOW_IPS": ""}


def client_address(peer: str | None, forwarded_for: str | None, proxies: tuple) -> str | None:
    """The browser's address, for the demo's local-only check, the audit log and the sign-in
    limits alike. `peer` is the connection's own address (None: this machine, as Streamlit
    reports it); `forwarded_for` the X-Forwarded-For header; `proxies` trusted_networks().

    X-Forwarded-For is read only when the peer is a trusted proxy, since anyone else can write
    it. Each proxy appends the address it was reached from, so the entries are read from the
    right, past those of trusted proxies, to the first one that is not: what is left of it was
    written by the browser and proves nothing. Loopback is no proxy unless it is listed."""
    peer_ip = _ip(peer) if peer is not None else ipaddress.ip_address("127.0.0.1")
    if peer_ip is None or not forwarded_for or not any(peer_ip in net for net in proxies):
        return peer
    entries = [entry for entry in forwarded_for.split(",") if entry.strip()]
    for entry in reversed(entries):
        ip = _ip(entry)
        if ip is None:
            return UNKNOWN_ADDRESS
        if not any(ip in net for net in proxies):
            return str(ip)
    return str(_ip(entries[0])) if entries else peer  # every hop a trusted proxy: the first one


def is_loopback(address: str | None) -> bool:
    """Streamlit reports a browser on this machine as no address at all (None) when it came by
    `localhost`; by `127.0.0.1` to a server listening on both IPv4 and IPv6 (`make run`) the
    address is IPv4-mapped, `::ffff:127.0.0.1`."""
    if address is None or address == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_loopback or bool(getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback)


# ---- editing the users file (the CLI's `users` and `wall-token`) ------------------------------

def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def save_directory(path: Path, users: list[dict], wall_tokens: list[dict]) -> None:
    """Write the users file whole (temp file, then rename), readable only by its owner."""
    lines = ["# Sentinel users: edit with `python -m ledger users` and `python -m ledger wall-token`.", ""]
    for entry in users:
        lines.append("[[users]]")
        lines += [f"{key} = {_toml_string(str(value))}" for key, value in entry.items() if value not in (None, "")]
        lines.append("")
    for entry in wall_tokens:
        lines.append("[[wall_tokens]]")
        lines += [f"{key} = {str(value).lower() if isinstance(value, bool) else _toml_string(str(value))}"
                  for key, value in entry.items()]
        lines.append("")
    temp = path.with_name(f".{path.name}.tmp")  # a killed write's leftover is cleaned (store.remove_leftovers)
    temp.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(temp, 0o600)
    os.replace(temp, path)


def raw_entries(path: Path) -> tuple[list[dict], list[dict]]:
    if not path.exists():
        return [], []
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return raw.get("users", []), raw.get("wall_tokens", [])
