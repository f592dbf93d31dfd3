"""Sentinel's ledger (台账) core: schema, journal, snapshots and the rules around them.

Nothing in this package imports Streamlit: it is usable from a notebook, from the CLI
(`python -m ledger`) and from the pages alike.
"""
