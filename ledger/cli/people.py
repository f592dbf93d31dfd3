"""Who may sign in: the people of the users file and the wall screen's tokens, every change
recorded in the audit log."""
from __future__ import annotations

import argparse
import getpass
import sys

from ledger import access, geo
from ledger.access import audit
from ledger.cli.common import CliError, Command, Parser
from ledger.config import Settings
from ledger.i18n import t


def _save_users(settings: Settings, users: list[dict], tokens: list[dict], change: str) -> None:
    """Write the users file and record the change in the audit log."""
    access.save_directory(access.users_file(settings), users, tokens)
    audit.record(settings, "config_change", "cli", change=change)


def users_arguments(parser: Parser) -> None:
    parser.add_argument("action", choices=["list", "add", "remove"])
    parser.add_argument("username", nargs="?")
    parser.add_argument("--role", default="analyst", help="wall, leader, analyst, officer or admin (default analyst)")
    parser.add_argument("--unit", help="a city officer's reporting-unit code, e.g. 440300")
    parser.add_argument("--name", default="", help="the person's name, shown when signed in")
    parser.add_argument("--email", default="", help="for sign-in through the identity provider")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    path = access.users_file(settings)
    users, tokens = access.raw_entries(path)
    if args.action == "list":
        for entry in users:
            print(f"{entry['username']:<20} {entry['role']:<8} {entry.get('unit', ''):<7} {entry.get('name', '')}")
        return 0
    if not args.username:
        raise CliError(t("cli.users.needs_name", action=args.action))
    others = [u for u in users if u["username"] != args.username]
    if args.action == "remove":
        if len(others) == len(users):
            raise CliError(t("cli.users.unknown", username=args.username, path=path))
        _save_users(settings, others, tokens, f"removed user {args.username}")
        print(t("cli.users.removed", username=args.username))
        return 0
    if args.role not in access.ROLES:
        raise CliError(t("cli.users.bad_role", roles=t("list.separator").join(access.ROLES)))
    if args.role == "officer" and args.unit not in geo.unit_by_code():
        raise CliError(t("cli.users.officer_unit", units=t("list.separator").join(geo.unit_by_code())))
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(t("cli.users.password"))
    entry = {"username": args.username, "role": args.role, "unit": args.unit, "name": args.name,
             "email": args.email, "password_hash": access.hash_password(password)}  # a short one is refused
    _save_users(settings, others + [entry], tokens, f"set user {args.username} ({args.role})")
    print(t("cli.users.updated" if len(others) < len(users) else "cli.users.added", username=args.username,
            role=args.role, path=path))
    return 0


def wall_token_arguments(parser: Parser) -> None:
    parser.add_argument("action", choices=["new", "revoke"])
    parser.add_argument("prefix", nargs="?", help="revoke: the first characters of the token's sha256")
    parser.add_argument("--note", default="", help="new: where the screen is, e.g. 省总应急指挥室")


def cmd_wall_token(settings: Settings, args: argparse.Namespace) -> int:
    users, tokens = access.raw_entries(access.users_file(settings))
    if args.action == "new":
        token, digest = access.new_wall_token()
        _save_users(settings, users, tokens + [{"sha256": digest, "note": args.note, "revoked": False}],
                    f"new wall token {digest[:8]}")
        print(t("cli.wall.address", token=token))
        return 0
    matches = [entry for entry in tokens if entry["sha256"].startswith(args.prefix or "?")]
    if len(matches) != 1:
        raise CliError(t("cli.wall.which"))
    if args.action == "revoke":  # the only other action
        matches[0]["revoked"] = True
        _save_users(settings, users, tokens, f"revoked wall token {args.prefix}")
        print(t("cli.wall.revoked", digest=matches[0]["sha256"][:8]))
    return 0


COMMANDS = {
    "users": Command("list, add or remove the people who may sign in (users file)", users_arguments, cmd_users),
    "wall-token": Command("create or revoke the wall screen's sign-in token", wall_token_arguments, cmd_wall_token),
}
