"""Command line: `python -m ledger [--data-dir DIR] <subcommand>`.

A thin face over the library: each subcommand parses its arguments, calls ledger functions and
prints the result. The subcommands live in one module per group (data, people, hazards,
workflow, documents), each declaring its arguments beside its handler; this module gathers them.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ledger.cli import data, documents, hazards, people, workflow
from ledger.cli.common import CliError, Parser
from ledger.config import load_settings
from ledger.store import remove_leftovers

# By group, in the order `python -m ledger --help` lists them: a command a group defines is listed.
SUBCOMMANDS = {**data.COMMANDS, **people.COMMANDS, **hazards.COMMANDS, **workflow.COMMANDS, **documents.COMMANDS}


def build_parser() -> Parser:
    parser = Parser(prog="python -m ledger",
                    description="Sentinel ledger tools: build the demo, ingest and export, snapshots, and inspect them.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="ledger data folder (default: $SENTINEL_DATA_DIR, else data/)")
    sub = parser.add_subparsers(dest="command", metavar="<subcommand>", parser_class=Parser, required=True)
    for name, command in SUBCOMMANDS.items():
        command.arguments(sub.add_parser(name, help=command.help, description=command.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings(args.data_dir)
    handler = SUBCOMMANDS[args.command].run
    remove_leftovers(settings)  # what a killed run left behind
    try:
        return handler(settings, args)
    except (CliError, ValueError) as e:  # every Refusal (a file refused with its limit, a store problem) is a ValueError
        print(f"python -m ledger {args.command}: {e}", file=sys.stderr)
        return e.exit_code if isinstance(e, CliError) else 1
