"""Shared fixtures: one small, real demo ledger (journal + snapshot on disk) built once per test
session, which the query, page and browser tests all read."""
from __future__ import annotations

import pytest

from ledger.config import Settings
from ledger.store import now_shanghai
from tests.helpers import build_demo


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory) -> Settings:
    return build_demo(tmp_path_factory.mktemp("ledger"))


@pytest.fixture
def sentinel_env(demo_settings, monkeypatch) -> Settings:
    """Point the app and the query door at the shared demo ledger."""
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(demo_settings.data_dir))
    return demo_settings


@pytest.fixture
def now():
    return now_shanghai()
