"""One rendering per audience of a classified report: a pure function (plus the attachment store).

``clear_report`` finds the personal data in the report's text (:mod:`binrelay_privacy.detectors`)
and renders it for each audience:

- **police**: the complete text, the original attachments, the reporter;
- **coordinator**: the text with every kind not in ``policy.coordinator_sees`` replaced by a
  placeholder in the report's language, the reporter (for the contact) unless the plan says
  otherwise, photos without metadata (or blurred / withheld, per plan);
- **group**: the text with every kind not in ``policy.group_sees`` replaced, no reporter, photos
  withheld (default) or with faces and plates blurred and metadata stripped.

Attachments that cannot be cleaned (not an image, missing from the store, undecodable) are
withheld from everyone but the police: the filter fails closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from binrelay_privacy.detectors import Hit, find
from binrelay_privacy.policy import DEFAULT_POLICY, PrivacyPolicy
from binrelay_privacy.redact import redact_text
from binrelay_shared.attachments import AttachmentNotFound, AttachmentStore
from binrelay_shared.events import Attachment, Audience, Classification, Finding, Origin, Rendering, Report

PhotoMode = Literal["original", "strip", "blur", "withhold"]


def visible_kinds(audience: Audience | str, policy: PrivacyPolicy = DEFAULT_POLICY) -> frozenset[str] | None:
    """Kinds an audience may read; ``None`` means everything (the police)."""
    audience = Audience(audience)
    if audience is Audience.police:
        return None
    if audience is Audience.coordinator:
        return policy.coordinator_sees
    return policy.group_sees


def render_text(
    text: str,
    audience: Audience | str,
    language: str,
    hits: Sequence[Hit],
    policy: PrivacyPolicy = DEFAULT_POLICY,
) -> tuple[str, tuple[str, ...]]:
    """(text for the audience, kinds redacted in it)."""
    visible = visible_kinds(audience, policy)
    if visible is None:
        return text, ()
    redacted = sorted({h.kind for h in hits} - visible)
    if not redacted:
        return text, ()
    return redact_text(text, hits, redacted, language), tuple(redacted)


def _derive(
    attachments: Iterable[Attachment], mode: PhotoMode, store: AttachmentStore | None
) -> tuple[tuple[Attachment, ...], int]:
    """The attachments one audience gets, and how many were withheld."""
    items = tuple(attachments)
    if mode == "original":
        return items, 0
    if mode == "withhold" or not items:
        return (), len(items)
    from binrelay_privacy import photos  # OpenCV and Pillow only when there is something to clean

    store = store if store is not None else AttachmentStore.from_env()
    kept: list[Attachment] = []
    withheld = 0
    for att in items:
        if not photos.is_image(att.content_type):
            withheld += 1
            continue
        try:
            data = store.get(att.ref)
            if mode == "blur":
                cleaned, content_type, _ = photos.blur_faces_and_plates(data)
            else:
                cleaned, content_type = photos.strip_metadata(data)
        except (AttachmentNotFound, photos.PhotoError, OSError):
            withheld += 1  # fail closed: what cannot be cleaned is not shown
            continue
        kept.append(store.put(cleaned, content_type, filename=None))
    return tuple(kept), withheld


def clear_report(
    report: Report,
    classification: Classification,
    *,
    policy: PrivacyPolicy | None = None,
    store: AttachmentStore | None = None,
) -> tuple[tuple[Finding, ...], dict[Audience, Rendering], bool]:
    """Return (findings, renderings per audience, computed).

    ``store`` holds the attachment bytes (default: the store at ``$BINRELAY_ATTACHMENTS_DIR``,
    opened only when the report has attachments). Derived versions are stored as new refs.
    """
    policy = policy or DEFAULT_POLICY
    language = classification.language
    known_names = [report.reporter.name] if report.reporter.name else []
    hits = find(report.text, known_names=known_names)
    findings = tuple(Finding(kind=h.kind, start=h.start, end=h.end) for h in hits)

    coordinator_redacted: tuple[str, ...]
    group_redacted: tuple[str, ...]
    if policy.police_text_verbatim and report.origin is Origin.police:
        coordinator_text, coordinator_redacted = report.text, ()
        group_text, group_redacted = report.text, ()
    else:
        coordinator_text, coordinator_redacted = render_text(report.text, Audience.coordinator, language, hits, policy)
        if policy.group_sees == policy.coordinator_sees:  # the default: both see the same kinds
            group_text, group_redacted = coordinator_text, coordinator_redacted
        else:
            group_text, group_redacted = render_text(report.text, Audience.group, language, hits, policy)
    coordinator_atts, coordinator_withheld = _derive(report.attachments, policy.coordinator_photos, store)
    group_atts, group_withheld = _derive(report.attachments, policy.group_photos, store)

    renderings = {
        Audience.police: Rendering(
            audience=Audience.police,
            text=report.text,
            attachments=report.attachments,
            reporter=report.reporter,
        ),
        Audience.coordinator: Rendering(
            audience=Audience.coordinator,
            text=coordinator_text,
            attachments=coordinator_atts,
            withheld_attachments=coordinator_withheld,
            reporter=report.reporter if policy.coordinator_gets_reporter else None,
            redacted=coordinator_redacted,
        ),
        Audience.group: Rendering(
            audience=Audience.group,
            text=group_text,
            attachments=group_atts,
            withheld_attachments=group_withheld,
            reporter=None,
            redacted=group_redacted,
        ),
    }
    return findings, renderings, True
