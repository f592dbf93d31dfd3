"""The command line's own output (python -m ledger …): what a command prints, its errors and its
progress bars' names. The command line prints the Chinese (`t(key)`); an English column is kept
for the day an operator asks for it."""

TEXT: dict[str, tuple[str, str]] = {
}
