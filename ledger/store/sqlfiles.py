"""Load SQL kept in `.sql` files, named after what they do, with their documented parameters.

Every file starts with a comment block: what it returns, then one line per parameter
(`-- $since: first day of the window`). Keeping SQL in files (not Python strings) lets a
reader go from a page to a query in two hops, and lets a test check that every parameter a
query uses is documented.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEDGER_SQL_DIR = Path(__file__).resolve().parent / "sql"
_PARAM_DOC = re.compile(r"^--\s*\$([a-z_][a-z0-9_]*)\s*:", re.MULTILINE)
_PARAM_USE = re.compile(r"\$([a-z_][a-z0-9_]*)")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class SqlFile:
    name: str
    text: str
    header: str  # the leading comment block
    documented: frozenset[str]  # parameters described in the header
    used: frozenset[str]  # parameters the statement refers to


def parse_sql(name: str, text: str) -> SqlFile:
    lines = text.splitlines()
    header_lines = []
    for line in lines:
        if not line.startswith("--"):
            break
        header_lines.append(line)
    header = "\n".join(header_lines)
    body = "\n".join(line.split("--", 1)[0] for line in lines[len(header_lines):])
    return SqlFile(name, text, header, frozenset(_PARAM_DOC.findall(header)),
                   frozenset(_PARAM_USE.findall(body)))


@lru_cache(maxsize=None)
def load_sql(folder: Path, name: str) -> SqlFile:
    """The SQL file `folder/name.sql`; `name` must be a plain identifier (no paths)."""
    if not _NAME.match(name):
        raise ValueError(f"not a query name: {name!r}")
    path = folder / f"{name}.sql"
    if not path.exists():
        raise KeyError(f"no SQL file named {name!r} in {folder.name}/")
    return parse_sql(name, path.read_text(encoding="utf-8"))


def sql(name: str) -> str:
    """The text of one of the ledger package's own SQL files (ledger/store/sql/NAME.sql)."""
    return load_sql(LEDGER_SQL_DIR, name).text
