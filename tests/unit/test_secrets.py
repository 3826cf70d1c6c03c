"""Secrets come from a value or a file, are generated private, and never show their value."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from binrelay_shared.secrets import MissingSecret, ensure_secret, load_secret


def test_a_given_value_wins_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "s").write_text("from-file\n")
    assert load_secret("BINRELAY_X", SecretStr("given"), tmp_path / "s").get_secret_value() == "given"
    assert load_secret("BINRELAY_X", None, tmp_path / "s").get_secret_value() == "from-file"


def test_a_missing_secret_names_the_setting_and_the_file_not_a_value(tmp_path: Path) -> None:
    with pytest.raises(MissingSecret) as err:
        load_secret("BINRELAY_KAFKA_PASSWORD", None, tmp_path / "kafka" / "ingest")
    assert "BINRELAY_KAFKA_PASSWORD" in str(err.value)
    assert str(tmp_path / "kafka" / "ingest") in str(err.value)
    (tmp_path / "empty").write_text("")
    with pytest.raises(MissingSecret, match="is empty"):
        load_secret("BINRELAY_X", SecretStr(""), tmp_path / "empty")


def test_a_generated_secret_is_private_stable_and_hidden(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "redis" / "dispatcher"
    first = ensure_secret(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert ensure_secret(path) == first  # generated once, then read
    assert len(first.get_secret_value()) >= 40
    assert first.get_secret_value() not in repr(first) and first.get_secret_value() not in str(first)
