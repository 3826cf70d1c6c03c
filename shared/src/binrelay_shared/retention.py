"""How long every store of BIN Relay keeps what it holds: ONE table (``binrelay retention show``).

Kafka topics get their ``retention.ms`` from :class:`Retention` when ``binrelay topics create``
makes them (``make up``); the registry's history is purged of changes older than
``BINRELAY_RETENTION_REGISTRY_HISTORY_DAYS`` at every service's start and by
``binrelay retention apply``; Redis entries carry their TTL when written (the constants and
settings named in :func:`stores`, read from where they are enforced, so this table cannot drift).
The member registry itself keeps a member until they are removed or erased; the statistics
store (the coordinator's ledger, issue 17 items 5-6) keeps ``BINRELAY_RETENTION_LEDGER_YEARS``
calendar years: older rows are deleted at ``binrelay-ledger``'s start and by
``binrelay retention apply``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from . import topics

HOUR = 3600 * 1000
DAY = 24 * HOUR


class Retention(BaseSettings):
    """The retention settings, ``BINRELAY_RETENTION_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="BINRELAY_RETENTION_", extra="ignore")

    raw_reports_hours: int = Field(48, ge=1, description="Report topics (received, classified, cleared, urgent twins)"
                                   ": raw reports with personal data")
    outbox_hours: int = Field(48, ge=1, description="Outbox topics: delivery jobs with the recipient's address")
    dispatch_days: int = Field(7, ge=1, description="Police zones' dispatch topics (the police rendering)")
    deliveries_days: int = Field(30, ge=1, description="bin.deliveries.v1: delivery outcomes (member ids, no "
                                 "address); a member's access request reads them")
    responses_days: int = Field(30, ge=1, description="bin.responses.v1: acknowledgements and approvals")
    dlq_days: int = Field(14, ge=1, description="bin.dlq.v1: dead letters (raw bytes, may hold personal data)")
    members_changed_hours: int = Field(24, ge=1, description="bin.members.changed.v1: member ids that changed")
    registry_history_days: int = Field(400, ge=1, description="member_changes: who changed which fields of a "
                                       "member (names only)")
    ledger_years: int = Field(5, ge=1, description="The ledger and statistics (items 5-6): no personal data")

    def topic_ms(self, topic: str) -> int:
        """``retention.ms`` of ``topic``."""
        if topic in (topics.REPORTS_RECEIVED, topics.REPORTS_CLASSIFIED, topics.REPORTS_CLEARED) or (
                topic in topics.URGENT_LANE.values() and not topic.startswith("bin.outbox.")):
            return self.raw_reports_hours * HOUR
        if topic.startswith("bin.outbox."):
            return self.outbox_hours * HOUR
        if topic.startswith("bin.dispatch."):
            return self.dispatch_days * DAY
        return {
            topics.DELIVERIES: self.deliveries_days * DAY,
            topics.RESPONSES: self.responses_days * DAY,
            topics.DLQ: self.dlq_days * DAY,
            topics.MEMBERS_CHANGED: self.members_changed_hours * HOUR,
        }[topic]

    @property
    def registry_history(self) -> timedelta:
        return timedelta(days=self.registry_history_days)

    def ledger_cutoff(self, now: datetime) -> datetime:
        """The ledger keeps what is dated from this moment on: ``ledger_years`` calendar years before ``now``."""
        try:
            return now.replace(year=now.year - self.ledger_years)
        except ValueError:  # 29 February, in a year that has none
            return now.replace(year=now.year - self.ledger_years, day=28)


@dataclass(frozen=True)
class Store:
    store: str
    keeps: str
    how_long: str
    setting: str


def _span(seconds: float) -> str:
    return f"{seconds / 86400:g} d" if seconds >= 86400 else f"{seconds / 3600:g} h"


def stores(retention: Retention | None = None) -> list[Store]:
    """Every store and how long it keeps what it holds (values from where each is enforced)."""
    from .consent import FAST_PATH_SECONDS
    from .replies import KEEP_SECONDS as REPLY_SECONDS
    from .settings import Settings

    r = retention or Retention()
    s = Settings()

    def topic(name: str, what: str, setting: str) -> Store:
        return Store(name, f"Kafka: {what}", _span(r.topic_ms(name.replace("<channel>", "sms").replace(
            "<zone>", s.zone_id)) / 1000), "BINRELAY_RETENTION_" + setting)

    out = [
        Store("bin.reports.*.v1 (and urgent twins)", "Kafka: raw reports", f"{r.raw_reports_hours} h",
              "BINRELAY_RETENTION_RAW_REPORTS_HOURS"),
        topic("bin.outbox.<channel>.v1", "delivery jobs with addresses (and urgent twins)", "OUTBOX_HOURS"),
        topic("bin.dispatch.<zone>.v1", "the police zones' feed", "DISPATCH_DAYS"),
        topic(topics.DELIVERIES, "delivery outcomes (ids only)", "DELIVERIES_DAYS"),
        topic(topics.RESPONSES, "acknowledgements, approvals", "RESPONSES_DAYS"),
        topic(topics.DLQ, "dead letters", "DLQ_DAYS"),
        topic(topics.MEMBERS_CHANGED, "member ids that changed", "MEMBERS_CHANGED_HOURS"),
        Store("bin:trace:<report>", "Redis: report traces", _span(s.trace_ttl_seconds), "BINRELAY_TRACE_TTL_SECONDS"),
        Store("binrelay:dispatcher:*", "Redis: dispatcher claims, acks, approvals, timers", "7 d",
              "binrelay_dispatcher.state.KEEP_SECONDS"),
        Store("binrelay:dispatcher:reporter:*", "Redis: who posted a report (feedback to them)", "60 d",
              "binrelay_dispatcher.state.REPORTER_KEEP_SECONDS"),
        Store("bin:reply:*", "Redis: answers awaited (address hashes)", _span(REPLY_SECONDS),
              "binrelay_shared.replies.ANSWER_SECONDS"),
        Store("bin:delivery:*", "Redis: senders' sent keys", "30 d", "BINRELAY_SENDER_DONE_TTL_SECONDS"),
        Store("bin:consent:sms", "Redis: SMS STOPs, the dispatcher's fast path (the registry keeps the consent)",
              _span(FAST_PATH_SECONDS), "binrelay_shared.consent.FAST_PATH_SECONDS"),
        Store("members (registry)", "database: the members", "until removed or erased", "-"),
        Store("member_changes (registry)", "database: the registry's history", f"{r.registry_history_days} d",
              "BINRELAY_RETENTION_REGISTRY_HISTORY_DAYS"),
        Store("ledger (statistics)", "database: coordinator's log, yearly figures", f"{r.ledger_years} y",
              "BINRELAY_RETENTION_LEDGER_YEARS"),
    ]
    return out
