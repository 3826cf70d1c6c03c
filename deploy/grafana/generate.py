"""BIN Relay's Grafana dashboards as code (grafanalib).

    .venv/bin/python deploy/grafana/generate.py          # (re)write deploy/grafana/dashboards/*.json
    .venv/bin/python deploy/grafana/generate.py --check  # exit 1 if the committed JSON is stale

Dashboards: an overview (traffic, urgent latency, deliveries, errors, lag), one per network (from
deploy/networks/*.yaml) and one per delivery channel. Every panel's query is evaluated against a
real Prometheus by tests/observability/test_prometheus.py, which fails on an error or no series.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grafanalib._gen import DashboardEncoder
from grafanalib.core import (
    Dashboard,
    GridPos,
    Stat,
    Target,
    Templating,
    TimeSeries,
)

from binrelay_shared.network import load_networks

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = HERE / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
CHANNELS = ("sms", "email", "chat")


def q(expr: str, legend: str = "", ref: str = "A") -> Target:
    return Target(expr=expr, legendFormat=legend, refId=ref, datasource=DATASOURCE)


class Layout:
    """Places panels left to right on a 24-column grid."""

    def __init__(self) -> None:
        self.x = 0
        self.y = 0
        self.row_h = 0

    def pos(self, w: int, h: int = 8) -> GridPos:
        if self.x + w > 24:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        p = GridPos(h=h, w=w, x=self.x, y=self.y)
        self.x += w
        self.row_h = max(self.row_h, h)
        return p


def ts(layout: Layout, title: str, targets: list[Target], unit: str = "short", w: int = 12, desc: str = "") -> TimeSeries:
    return TimeSeries(
        title=title, description=desc, dataSource=DATASOURCE, targets=targets, unit=unit, gridPos=layout.pos(w)
    )


def stat(layout: Layout, title: str, targets: list[Target], unit: str = "short", w: int = 6, desc: str = "") -> Stat:
    return Stat(
        title=title, description=desc, dataSource=DATASOURCE, targets=targets, format=unit, gridPos=layout.pos(w, 4),
        # grafanalib's default is "" where Grafana's schema wants a list of steps (one base step here)
        thresholds=[{"color": "green", "value": None}],
    )


def dashboard(uid: str, title: str, panels: list[object], tags: list[str]) -> Dashboard:
    return Dashboard(
        uid=uid, title=title, tags=["binrelay", *tags], panels=panels, timezone="browser",
        refresh="10s", templating=Templating(list=[]),
    ).auto_panel_ids()


def overview() -> Dashboard:
    lay = Layout()
    panels = [
        stat(lay, "Urgent reports awaiting delivery", [q("sum(binrelay_urgent_awaiting_delivery)")],
             desc="Urgent reports dispatched, not yet delivered to anyone"),
        stat(lay, "Urgent undelivered > 60 s", [q("sum(binrelay_urgent_undelivered_over_deadline)")],
             desc="The alert UrgentReportNotDelivered fires when this is above 0"),
        stat(lay, "Urgent awaiting acknowledgement", [q("sum(binrelay_urgent_awaiting_ack)")]),
        stat(lay, "Services up", [q('sum(up{job="binrelay"})')], desc="Scraped services answering"),
        ts(lay, "Traffic: messages consumed per stage", [q("sum by (stage) (rate(binrelay_messages_in_total[1m]))", "{{stage}}")], "ops"),
        ts(lay, "Reports accepted by ingest, per channel",
           [q("sum by (channel) (rate(binrelay_ingest_reports_total[1m]))", "{{channel}}")], "ops"),
        ts(lay, "Urgent latency: received → dispatched",
           [q('histogram_quantile(0.5, sum by (le) (rate(binrelay_report_latency_seconds_bucket{stage="dispatcher",urgency="urgent"}[5m])))', "p50"),
            q('histogram_quantile(0.99, sum by (le) (rate(binrelay_report_latency_seconds_bucket{stage="dispatcher",urgency="urgent"}[5m])))', "p99", "B")], "s"),
        ts(lay, "Latency: received → first delivery, p99 by urgency",
           [q("histogram_quantile(0.99, sum by (le, urgency) (rate(binrelay_delivered_latency_seconds_bucket[5m])))", "{{urgency}}")], "s"),
        ts(lay, "Deliveries by channel and outcome",
           [q("sum by (channel, outcome) (rate(binrelay_deliveries_total[5m]))", "{{channel}} {{outcome}}")], "ops"),
        ts(lay, "Dead letters by stage and reason (10 min)",
           [q("sum by (stage, reason) (increase(binrelay_dead_letters_total[10m]))", "{{stage}} {{reason}}")]),
        ts(lay, "Consumer lag by group", [q("sum by (group) (binrelay_consumer_lag)", "{{group}}")],
           desc="Unread messages per consumer group (committed offsets)"),
        ts(lay, "Rejected requests by status", [q("sum by (status) (rate(binrelay_ingest_rejected_total[5m]))", "{{status}}")], "ops"),
        ts(lay, "Classifications by category", [q("sum by (category) (rate(binrelay_classifications_total[5m]))", "{{category}}")], "ops"),
        ts(lay, "Redactions by kind", [q("sum by (kind) (rate(binrelay_redactions_total[5m]))", "{{kind}}")], "ops"),
        ts(lay, "Batch processing time p99 per stage",
           [q("histogram_quantile(0.99, sum by (le, stage) (rate(binrelay_batch_processing_seconds_bucket[5m])))", "{{stage}}")], "s"),
        ts(lay, "Records per batch (mean) per stage",
           [q("sum by (stage) (rate(binrelay_batch_size_sum[5m])) / sum by (stage) (rate(binrelay_batch_size_count[5m]))", "{{stage}}")]),
    ]
    return dashboard("binrelay-overview", "BIN Relay — overview", panels, ["overview"])


def network(net_id: str, name: str) -> Dashboard:
    lay = Layout()
    sel = f'network="{net_id}"'
    panels = [
        stat(lay, "Reports (24 h)", [q(f"sum(increase(binrelay_network_reports_total{{{sel}}}[24h]))")], w=8),
        stat(lay, "Urgent reports (24 h)", [q(f'sum(increase(binrelay_network_reports_total{{{sel},urgency="urgent"}}[24h]))')], w=8),
        stat(lay, "Held for a human (24 h)", [q(f'sum(increase(binrelay_network_reports_total{{{sel},held!="no"}}[24h])) or vector(0)')], w=8,
             desc="Policy-flagged reports and messages awaiting approval"),
        ts(lay, "Reports by urgency", [q(f"sum by (urgency) (rate(binrelay_network_reports_total{{{sel}}}[5m]))", "{{urgency}}")], "ops"),
        ts(lay, "Reports by category", [q(f"sum by (category) (rate(binrelay_network_reports_total{{{sel}}}[5m]))", "{{category}}")], "ops"),
        ts(lay, "Held reports by reason", [q(f"sum by (held) (rate(binrelay_network_reports_total{{{sel}}}[5m]))", "{{held}}")], "ops"),
        ts(lay, "Deliveries by channel and outcome",
           [q(f"sum by (channel, outcome) (rate(binrelay_network_deliveries_total{{{sel}}}[5m]))", "{{channel}} {{outcome}}")], "ops"),
    ]
    return dashboard(f"binrelay-network-{net_id}", f"BIN Relay — {name}", panels, ["network"])


def channel(ch: str) -> Dashboard:
    lay = Layout()
    sel = f'channel="{ch}"'
    panels = [
        stat(lay, "Delivered (1 h)", [q(f'sum(increase(binrelay_deliveries_total{{{sel},outcome="delivered"}}[1h]))')], w=6),
        stat(lay, "Failed (1 h)", [q(f'sum(increase(binrelay_deliveries_total{{{sel},outcome="failed"}}[1h]))')], w=6),
        stat(lay, "Fell back to another channel (1 h)", [q(f'sum(increase(binrelay_deliveries_total{{{sel},outcome="fell_back"}}[1h]))')], w=6),
        stat(lay, "Outbox lag", [q(f'sum(binrelay_consumer_lag{{topic="bin.outbox.{ch}.v1"}}) or vector(0)')], w=6,
             desc="Delivery jobs waiting on the outbox topic"),
        ts(lay, "Outcomes", [q(f"sum by (outcome) (rate(binrelay_deliveries_total{{{sel}}}[5m]))", "{{outcome}}")], "ops"),
        ts(lay, "Deliveries by audience", [q(f"sum by (audience) (rate(binrelay_deliveries_total{{{sel}}}[5m]))", "{{audience}}")], "ops"),
        ts(lay, "Retries", [q(f'sum(rate(binrelay_deliveries_total{{{sel},outcome="retrying"}}[5m]))', "retrying")], "ops"),
        ts(lay, "Failure ratio", [q(
            f'sum(rate(binrelay_deliveries_total{{{sel},outcome="failed"}}[10m])) / '
            f'clamp_min(sum(rate(binrelay_deliveries_total{{{sel},outcome=~"delivered|failed|fell_back"}}[10m])), 1e-9)',
            "failed / attempted")], "percentunit"),
    ]
    return dashboard(f"binrelay-channel-{ch}", f"BIN Relay — channel {ch}", panels, ["channel"])


def networks() -> list[tuple[str, str]]:
    """(id, name) of every network, read by the shared loader (a bad file stops the generator)."""
    loaded = load_networks(REPO / "deploy" / "networks", None)
    return [(net_id, net.file.name) for net_id, net in sorted(loaded.items())]


def all_dashboards() -> dict[str, Dashboard]:
    out = {"overview.json": overview()}
    for net_id, name in networks():
        out[f"network-{net_id}.json"] = network(net_id, name)
    for ch in CHANNELS:
        out[f"channel-{ch}.json"] = channel(ch)
    return out


def render(d: Dashboard) -> str:
    return json.dumps(d.to_json_data(), cls=DashboardEncoder, indent=2, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if the committed JSON is not current")
    args = parser.parse_args()
    wanted = {name: render(d) for name, d in all_dashboards().items()}
    existing = {p.name for p in OUT.glob("*.json")}
    if args.check:
        stale = [n for n, text in wanted.items() if not (OUT / n).exists() or (OUT / n).read_text() != text]
        extra = sorted(existing - set(wanted))
        if stale or extra:
            print(f"dashboards out of date: {stale + extra}; run: .venv/bin/python deploy/grafana/generate.py",
                  file=sys.stderr)
            return 1
        return 0
    OUT.mkdir(exist_ok=True)
    for name in existing - set(wanted):
        (OUT / name).unlink()
    for name, text in wanted.items():
        (OUT / name).write_text(text)
    print(f"{len(wanted)} dashboards written to {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
