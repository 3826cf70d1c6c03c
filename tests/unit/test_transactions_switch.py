"""``BINRELAY_TRANSACTIONS``: the stages run in Kafka transactions unless the bench's comparison
column turns them off (``make bench``'s "plain" configuration; never a deployment)."""

from __future__ import annotations

from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry

from binrelay_shared import topics
from binrelay_shared.events import ReportReceived
from binrelay_shared.kafka_security import KafkaClientConfig
from binrelay_shared.metrics import StageMetrics
from binrelay_shared.runtime import Runtime, wire_stages
from binrelay_shared.settings import Settings
from binrelay_shared.stage import Out, Stage


async def _nothing(events: list[ReportReceived]) -> list[list[Out]]:
    return [[] for _ in events]


def _wired(settings: Settings) -> Stage[Any]:
    registry = CollectorRegistry()
    runtime = Runtime(name="classifier", settings=settings, registry=registry, broker=KafkaBroker(),
                      redis=None,  # type: ignore[arg-type]  # not used before the app starts
                      kafka=KafkaClientConfig(bootstrap="127.0.0.1:9", security="plaintext"))
    stage: Stage[Any] = Stage(name="classifier", input_topic=topics.REPORTS_RECEIVED, model=ReportReceived,
                              process=_nothing, metrics=StageMetrics(registry, "classifier"))
    wire_stages(runtime, [stage])
    return stage


def test_stages_run_in_transactions_by_default() -> None:
    stage = _wired(Settings())
    assert Settings().transactions == "on"
    assert {t.transactional_id.split(".")[-2] for t in stage.transactors} == {"ordinary", "urgent"}
    assert stage.committers == []


def test_the_bench_switch_leaves_the_transactions_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BINRELAY_TRANSACTIONS", "off")
    stage = _wired(Settings())
    assert stage.transactors == []
    assert len(stage.committers) == 2  # at least once: offsets committed after publishing


def test_a_wrong_value_is_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv("BINRELAY_TRANSACTIONS", "no")
    with pytest.raises(ValidationError, match="transactions"):
        Settings()
