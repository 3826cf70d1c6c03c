"""The privacy-filter service: ReportClassified → renderings per audience → ReportCleared.

Thin shell around the pure :func:`binrelay_privacy.clear.clear_report`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel

from binrelay_shared import topics
from binrelay_shared.attachments import AttachmentStore
from binrelay_shared.events import ReportClassified, ReportCleared, utcnow
from binrelay_shared.network import Network
from binrelay_shared.pii import PiiKind
from binrelay_shared.runtime import Runtime, run_stage_service
from binrelay_shared.settings import Settings, networks_or_exit, settings_or_exit
from binrelay_shared.stage import Out, Stage, observed

from .clear import clear_report
from .policy import PrivacyPolicy

NAME = "privacy-filter"


def load_policies(networks: Mapping[str, Network]) -> dict[str, PrivacyPolicy]:
    """Each network's privacy policy: the ``privacy:`` section of its file, as the shared loader
    read and checked it (a network without one has the defaults)."""
    return {net_id: net.file.privacy for net_id, net in networks.items()}


def make_process(
    policies: dict[str, PrivacyPolicy], store: AttachmentStore | None
) -> Callable[[list[ReportClassified]], Awaitable[list[list[Out]]]]:
    """The stage's work with each network's policy; the default policy for unknown networks."""
    default = PrivacyPolicy()

    async def process(events: list[ReportClassified]) -> list[list[Out]]:
        return _clear_all(events, policies, default, store)

    return process


async def process(events: list[ReportClassified]) -> list[list[Out]]:
    """Clear a batch with default policies and no attachment store (tests, dry runs)."""
    return _clear_all(events, {}, PrivacyPolicy(), None)


def _clear_all(
    events: list[ReportClassified],
    policies: dict[str, PrivacyPolicy],
    default: PrivacyPolicy,
    store: AttachmentStore | None,
) -> list[list[Out]]:
    """Clear a batch; one ReportCleared per report."""
    now = utcnow()
    result: list[list[Out]] = []
    for e in events:
        policy = policies.get(e.network_id or "", default)
        findings, renderings, computed = clear_report(e.report, e.classification, policy=policy, store=store)
        cleared = ReportCleared(
            **e.envelope("cleared", now),
            report=e.report,
            classification=e.classification,
            findings=findings,
            renderings=renderings,
            computed=computed,
        )
        result.append([Out(topics.REPORTS_CLEARED, cleared)])
    return result




def redaction_counter(registry: CollectorRegistry) -> Counter:
    """Personal data found in reports, by kind (the values are never recorded anywhere)."""
    counter = Counter(
        "binrelay_redactions",
        "Pieces of personal data found in reports, by kind",
        ["kind"],
        registry=registry,
    )
    for kind in PiiKind:  # a bounded label set, created at zero
        counter.labels(kind.value)
    return counter


def build(runtime: Runtime, policies: dict[str, PrivacyPolicy] | None = None) -> Stage[ReportClassified]:
    counter = redaction_counter(runtime.registry)
    if policies is None:
        policies = load_policies(networks_or_exit(runtime.settings))  # a bad network file stops the start
    work = make_process(policies, AttachmentStore(runtime.settings.attachments_dir))

    def count(event: BaseModel) -> None:
        if isinstance(event, ReportCleared):
            for finding in event.findings:
                counter.labels(finding.kind.value).inc()

    return runtime.stage(topics.REPORTS_CLASSIFIED, ReportClassified, observed(work, count))


def main() -> None:
    settings = settings_or_exit(Settings)
    # The network files first: a bad one stops the service with its problems, before any connection.
    policies = load_policies(networks_or_exit(settings))
    run_stage_service(NAME, lambda runtime: build(runtime, policies), settings)


if __name__ == "__main__":
    main()
