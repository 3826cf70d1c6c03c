"""Attachment bytes, stored by content: a small content-addressed filesystem store.

Events carry only :class:`~binrelay_shared.events.Attachment` metadata; the bytes live here,
under ``sha256:<hex>`` references, so identical bytes are stored once and a reference can never
point at different content. The root is ``BINRELAY_ATTACHMENTS_DIR`` (default
``.run/attachments`` under the working directory); files are laid out as ``ab/cd/<hex>`` and
written atomically (temporary file + rename), so concurrent writers of the same bytes are safe.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from binrelay_shared.events import Attachment

ENV_VAR = "BINRELAY_ATTACHMENTS_DIR"
DEFAULT_DIR = Path(".run") / "attachments"
_REF = re.compile(r"sha256:([0-9a-f]{64})")


class AttachmentNotFound(KeyError):
    """No bytes are stored under this reference (or the reference is malformed)."""


class AttachmentStore:
    """Put and get attachment bytes by content reference."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    @classmethod
    def from_env(cls) -> AttachmentStore:
        """The store at ``$BINRELAY_ATTACHMENTS_DIR``, else ``./.run/attachments``."""
        root = os.environ.get(ENV_VAR)
        return cls(Path(root) if root else Path.cwd() / DEFAULT_DIR)

    def _path(self, ref: str) -> Path:
        m = _REF.fullmatch(ref)
        if m is None:
            raise AttachmentNotFound("malformed attachment reference (expected sha256:<64 hex digits>)")
        digest = m.group(1)
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes, content_type: str, filename: str | None = None) -> Attachment:
        """Store ``data`` (idempotent) and return its metadata."""
        digest = hashlib.sha256(data).hexdigest()
        ref = f"sha256:{digest}"
        path = self._path(ref)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return Attachment(ref=ref, content_type=content_type, size=len(data), filename=filename)

    def get(self, ref: str) -> bytes:
        """The bytes stored under ``ref``; :class:`AttachmentNotFound` if there are none."""
        path = self._path(ref)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise AttachmentNotFound("no attachment stored under this reference") from None

    def exists(self, ref: str) -> bool:
        """Whether bytes are stored under ``ref``."""
        try:
            return self._path(ref).exists()
        except AttachmentNotFound:
            return False
