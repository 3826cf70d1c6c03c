"""The texts of a report's deliveries: the variables a template sees, each text rendered once.

Pure: the network's templates and the report in, strings out.
"""

from __future__ import annotations

from typing import Any

from binrelay_shared.events import Audience, Language, ReportCleared
from binrelay_shared.network import AudienceName, Network
from binrelay_shared.network.templates import CATEGORY_LABELS, policy_flag_labels, render_part, variables
from binrelay_shared.replies import short_ref
from binrelay_shared.sms_segments import fit_sms, sms_size

#: Which rendering each audience sees. The reporter sees the group's (their own words, redacted).
RENDERING_FOR = {
    AudienceName.reporter: Audience.group,
    AudienceName.coordinators: Audience.coordinator,
    AudienceName.steering_group: Audience.coordinator,
    AudienceName.officer: Audience.police,
    AudienceName.group: Audience.group,
}


def _report_context(network: Network, cleared: ReportCleared) -> dict[str, Any]:
    """The variables that depend on the report alone (computed once per report)."""
    cls = cleared.classification
    loc = cleared.report.location
    return {
        "network": network.file.name,
        "report_id": cleared.report_id,
        "ref": short_ref(cleared.report_id),  # what a reply quotes (binrelay_shared.replies)
        "kind": cleared.report.kind.value,
        "origin": cleared.report.origin.value,
        "urgency": cls.urgency.value,
        "category": cls.category.value,
        "category_label": None,
        "text": "",
        "street": loc.street if loc and loc.street else None,
        "minutes": 0,
        "refers_to": cleared.report.refers_to,
        "refers_ref": cleared.report.refers_to[:8] if cleared.report.refers_to else None,
        "flags": ", ".join(f.value for f in cls.flags) or "-",
        "policy_flags": tuple(f.value for f in cls.flags),  # labelled per language below
        "count": 1,
    }


def _audience_context(base: dict[str, Any], cleared: ReportCleared, audience: AudienceName, language: str,
                      extra: dict[str, Any] | None) -> dict[str, Any]:
    rendering = cleared.renderings.get(RENDERING_FOR.get(audience, Audience.group))
    return {
        **base,
        "category_label": CATEGORY_LABELS.get(language, CATEGORY_LABELS["en"])[base["category"]],
        "text": rendering.text if rendering else "",
        "policy_flags": policy_flag_labels(base["policy_flags"], language),
        **(extra or {}),
    }


def context(network: Network, cleared: ReportCleared, audience: AudienceName, language: str,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The variables a template sees for one audience and language."""
    return _audience_context(_report_context(network, cleared), cleared, audience, language, extra)


#: A delivery's texts: (text, subject, SMS segments).
Texts = tuple[str, str | None, int | None]


class ReportTexts:
    """The texts of one report's deliveries, each rendered once per report.

    A template is rendered once per (template, language, audience, extra variables) — not per
    recipient, nor per route that names the same audience — and only the parts a channel uses:
    an SMS needs the ``sms`` variant alone; an email or chat message its text and subject (and
    the ``sms`` variant only to count the segments of a fallback to SMS).
    """

    def __init__(self, network: Network, cleared: ReportCleared) -> None:
        self.network = network
        self.cleared = cleared
        self._texts: dict[tuple[Any, ...], Texts] = {}
        self._variables: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._parts: dict[tuple[Any, ...], str] = {}
        self._base: dict[str, Any] | None = None

    def get(self, template: str, language: Language, audience: AudienceName, extra: dict[str, Any] | None,
            sms: bool, has_sms: bool) -> Texts:
        """Text, subject and segments for a delivery on SMS (``sms``) or another channel."""
        which = (template, language, audience, tuple(extra.items()) if extra else ())
        key = (*which, sms, has_sms)
        texts = self._texts.get(key)
        if texts is None:
            body = self.network.templates[template][language]
            if sms:
                text, segments = fit_sms(self._part(which, body.sms or body.text, extra),
                                         self.network.file.plan.sms_max_segments)
                texts = (text, None, segments)
            else:
                texts = (
                    self._part(which, body.text, extra),
                    self._part(which, body.subject, extra) if body.subject else None,
                    sms_size(self._part(which, body.sms or body.text, extra)).segments if has_sms else None,
                )
            self._texts[key] = texts
        return texts

    def _part(self, which: tuple[Any, ...], source: str, extra: dict[str, Any] | None) -> str:
        key = (*which, source)
        part = self._parts.get(key)
        if part is None:
            v = self._variables.get(which)
            if v is None:
                _, language, audience, _ = which
                if self._base is None:
                    self._base = variables(_report_context(self.network, self.cleared))
                v = self._variables[which] = _audience_context(self._base, self.cleared, audience, language, extra)
            part = self._parts[key] = render_part(source, v)
        return part
