"""The i18n table's parts that belong to one package each (its documents, its messages, the
command line's output), kept beside one another so that a translator finds every sentence under
ledger/i18n.py and here. Plain dictionaries, no imports: ledger.i18n gathers them into one
TEXT, and its tests check every key of every part (both languages, the same placeholders, no
key defined twice)."""
