"""The stack's process list with two instances of each stage and sender (``make chaos``)."""

from __future__ import annotations

import pytest

from binrelay_devservers.stack import processes

ENV = {"BINRELAY_SYNAPSE": "0", "BINRELAY_PROMETHEUS": "0", "BINRELAY_METRICS_PORT_BASE": "9100"}


def test_each_stage_and_sender_twice_each_instance_numbered_with_its_own_metrics_port() -> None:
    one = processes(ENV)
    two = processes({**ENV, "BINRELAY_STACK_INSTANCES": "2"})
    doubled = [p for p in one if p.lanes is not None]
    assert {p.name for p in two} == {p.name for p in one} | {f"{p.name}-1" for p in doubled}
    by_name = {p.name: p for p in two}
    for p in doubled:
        assert by_name[p.name].environment()["BINRELAY_INSTANCE"] == "0"
        assert by_name[f"{p.name}-1"].environment()["BINRELAY_INSTANCE"] == "1"
        assert by_name[f"{p.name}-1"].environment()["BINRELAY_LANES"] == p.lanes
    ports = [p.metrics_port for p in two if p.metrics_port is not None]
    assert len(ports) == len(set(ports)), "two processes share a metrics port"
    assert "BINRELAY_INSTANCE" not in by_name["ingest"].environment()


def test_zero_instances_is_refused() -> None:
    with pytest.raises(ValueError, match="BINRELAY_STACK_INSTANCES"):
        processes({**ENV, "BINRELAY_STACK_INSTANCES": "0"})
