"""The content-addressed attachment store."""

from __future__ import annotations

from pathlib import Path

import pytest

from binrelay_shared.attachments import ENV_VAR, AttachmentNotFound, AttachmentStore


def test_put_get_roundtrip(tmp_path: Path) -> None:
    """Given bytes put in the store,
    When they are read back by reference,
    Then the same bytes come back and putting them again gives the same reference."""
    store = AttachmentStore(tmp_path)
    att = store.put(b"fictitious photo", "image/jpeg", "a.jpg")
    assert att.ref.startswith("sha256:") and att.size == 16 and att.filename == "a.jpg"
    assert store.get(att.ref) == b"fictitious photo"
    assert store.put(b"fictitious photo", "image/jpeg").ref == att.ref
    assert store.exists(att.ref)


@pytest.mark.parametrize("ref", ["sha256:" + "0" * 64, "../../etc/passwd", "sha256:xyz", ""])
def test_unknown_or_malformed_ref(tmp_path: Path, ref: str) -> None:
    """Given a reference that is unknown or malformed (path traversal included),
    When it is read,
    Then AttachmentNotFound is raised and nothing outside the root is touched."""
    store = AttachmentStore(tmp_path)
    with pytest.raises(AttachmentNotFound):
        store.get(ref)
    assert not store.exists(ref)


def test_root_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given BINRELAY_ATTACHMENTS_DIR, or not,
    When the store is opened from the environment,
    Then its root is that directory, else .run/attachments under the working directory."""
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "att"))
    assert AttachmentStore.from_env().root == tmp_path / "att"
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.chdir(tmp_path)
    assert AttachmentStore.from_env().root == tmp_path / ".run" / "attachments"
