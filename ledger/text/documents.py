"""The official documents Sentinel writes: the daily, weekly and monthly briefs, the early-warning
brief and the ranking notice. They are issued in Chinese (公文); the English is a reading aid."""

TEXT: dict[str, tuple[str, str]] = {
}
