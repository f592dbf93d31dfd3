"""`python -m ledger`: the command line, whose subcommands (demo, ingest, export, assign, verify,
remind, reconcile, scores, event, report and the rest) live in ledger.cli."""
import sys

from ledger.cli import main

if __name__ == "__main__":
    sys.exit(main())
