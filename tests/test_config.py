"""Configuration: the CLI's --data-dir beats SENTINEL_* variables, which beat sentinel.toml,
which beats the demo defaults."""
from __future__ import annotations

from ledger.config import REPO_ROOT, load_settings


def test_defaults_point_at_the_repo_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("SENTINEL_DATA_DIR", raising=False)
    monkeypatch.setenv("SENTINEL_CONFIG", str(tmp_path / "absent.toml"))
    settings = load_settings()
    assert settings.data_dir == REPO_ROOT / "data"
    assert settings.snapshots_dir == REPO_ROOT / "data" / "snapshots"
    assert settings.snapshot_retention_days == 40


def test_file_then_environment_then_argument(monkeypatch, tmp_path):
    config = tmp_path / "sentinel.toml"
    config.write_text('data_dir = "/srv/from-file"\nsnapshot_retention_days = 90\n'
                      'default_window_days = 30\n[grades]\nI = 500\n', encoding="utf-8")
    monkeypatch.setenv("SENTINEL_CONFIG", str(config))
    monkeypatch.delenv("SENTINEL_DATA_DIR", raising=False)
    from_file = load_settings()
    assert str(from_file.data_dir) == "/srv/from-file"
    assert (from_file.snapshot_retention_days, from_file.default_window_days) == (90, 30)
    assert from_file.grade_thresholds == {"I": 500}
    monkeypatch.setenv("SENTINEL_DATA_DIR", "/srv/from-env")
    monkeypatch.setenv("SENTINEL_SNAPSHOT_RETENTION_DAYS", "7")
    from_env = load_settings()
    assert str(from_env.data_dir) == "/srv/from-env" and from_env.snapshot_retention_days == 7
    assert str(load_settings("/srv/from-argument").data_dir) == "/srv/from-argument"


def test_the_example_configuration_is_valid(monkeypatch):
    monkeypatch.setenv("SENTINEL_CONFIG", str(REPO_ROOT / "sentinel.example.toml"))
    monkeypatch.delenv("SENTINEL_DATA_DIR", raising=False)
    settings = load_settings()
    assert settings.grade_thresholds == {"I": 1000, "II": 300, "III": 100, "IV": 30}
