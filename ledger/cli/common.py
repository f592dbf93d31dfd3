"""What the command groups share: the one-line errors, the parser, the progress bar, the argument
types, and finding a reporting unit, the current snapshot and the acting user."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date
from typing import Callable

from tqdm import tqdm

from ledger import access, geo
from ledger.config import Settings
from ledger.i18n import Both, t
from ledger.ingest.places import gazetteer
from ledger.store import current_snapshot


class CliError(Exception):
    """A one-line reason the command could not do what was asked."""

    exit_code = 1


class UsageError(CliError):
    """The arguments are well-formed but cannot be used (exit 2, as argparse's own usage errors)."""

    exit_code = 2


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and name --help."""

    def error(self, message: str):
        self.exit(2, t("cli.usage", prog=self.prog, error=message) + "\n")


@dataclass(frozen=True)
class Command:
    """A subcommand: its --help line, what adds its arguments to its parser, and what runs it
    (returning the exit code)."""

    help: str
    arguments: Callable[[Parser], None]
    run: Callable[[Settings, argparse.Namespace], int]


def progress_bar(description: str, disable: bool = False):
    # delay: quick work (and a quick failure) prints no bar, only its result or its one-line reason
    bar = tqdm(total=100, desc=description, unit="%", delay=0.5, disable=disable,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")

    def update(step: Both, fraction: float) -> None:
        bar.set_postfix_str(step.zh)
        bar.n = round(fraction * 100)
        bar.refresh()

    return bar, update


def positive_int(text: str) -> int:
    """A count of at least 1 (1,000 and 1_000 too); refused in English, the words scripts and tests
    look for."""
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.not_whole_number", "en", text=text)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(t("cli.below_one", "en", text=text))
    return value


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.bad_date", text=text)) from None


def unit_code(name: str) -> str:
    """A reporting unit's code from its code, Chinese name, pinyin or English name."""
    wanted = name.strip().lower()
    for unit in geo.units():
        if wanted in (unit.code, unit.name_zh, unit.short_zh, unit.pinyin, unit.name_en.lower()):
            return unit.code
    found = gazetteer().resolve([name], whole_cell=True)
    if not found.unit_code or found.county_code:
        raise CliError(t("cli.not_a_unit", name=name))
    return found.unit_code


def current(settings: Settings):
    snapshot = current_snapshot(settings)
    if snapshot is None:
        raise CliError(t("cli.no_snapshot", data_dir=settings.data_dir))
    return snapshot


def cli_user(settings: Settings, name: str) -> access.User:
    """The users file's entry for `name` (with its role and unit), else `name` acting with the
    administrator's rights that a shell on the ledger's machine has anyway."""
    return access.load_directory(settings).find(name) or access.User(f"cli:{name}", access.ROLES["admin"], name)
