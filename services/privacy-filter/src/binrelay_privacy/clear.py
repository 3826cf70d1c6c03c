"""One rendering per audience of a classified report: a pure function.

WALKING SKELETON: the text is not yet redacted; the group and coordinator renderings are withheld
(``[niet gefilterd]``) so that nothing unredacted reaches them, and the event says
``computed=False``. Issue #5 replaces this with the real detectors.
"""

from __future__ import annotations

from binrelay_shared.events import Audience, Classification, Finding, Rendering, Report

WITHHELD = "[niet gefilterd / non filtré / not filtered]"


def clear_report(
    report: Report, classification: Classification
) -> tuple[tuple[Finding, ...], dict[Audience, Rendering], bool]:
    """Return (findings, renderings per audience, computed)."""
    renderings = {
        Audience.police: Rendering(
            audience=Audience.police,
            text=report.text,
            attachments=report.attachments,
            reporter=report.reporter,
        ),
        Audience.coordinator: Rendering(
            audience=Audience.coordinator,
            text=WITHHELD,
            withheld_attachments=len(report.attachments),
        ),
        Audience.group: Rendering(
            audience=Audience.group,
            text=WITHHELD,
            withheld_attachments=len(report.attachments),
        ),
    }
    return (), renderings, False
