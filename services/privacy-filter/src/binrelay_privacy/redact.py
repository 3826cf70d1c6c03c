"""Text renderings: findings replaced by their kind's placeholder (``binrelay_shared.pii``) in the text's language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from binrelay_privacy.detectors import Hit
from binrelay_shared.pii import PiiKind, placeholder


def redact_text(text: str, hits: Sequence[Hit], kinds: Iterable[PiiKind], language: str) -> str:
    """``text`` with every hit whose kind is in ``kinds`` replaced; ``hits`` must not overlap."""
    wanted = frozenset(kinds)
    out: list[str] = []
    pos = 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.kind not in wanted or hit.start < pos:
            continue
        out.append(text[pos : hit.start])
        out.append(placeholder(hit.kind, language))
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)
