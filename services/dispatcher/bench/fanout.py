"""Fan-out of one police alarm to N members through the dispatcher's pure core (no Kafka, no Redis).

    .venv/bin/python services/dispatcher/bench/fanout.py [N]

Prints the time to plan the deliveries, build the DeliveryJobs and encode them, and the time per
ordinary member report (coordinators + reporter) with N members in the file.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

from binrelay_dispatcher.jobs import job_of
from binrelay_dispatcher.routing import plan_deliveries
from binrelay_shared.codec import encode
from binrelay_shared.events import (
    Audience,
    Category,
    Classification,
    Kind,
    Origin,
    Rendering,
    Report,
    ReportCleared,
    Reporter,
    Stamps,
    Urgency,
    new_id,
)
from binrelay_shared.network import Address, Member, MembersFile, load_members, load_networks

REPO = Path(__file__).resolve().parents[3]


def cleared(at: datetime, origin: Origin, kind: Kind) -> ReportCleared:
    report = Report(origin=origin, kind=kind, text="Vermiste man, blauwe jas", reporter=Reporter(ref="x"))
    renderings = {a: Rendering(audience=a, text=report.text) for a in Audience}
    return ReportCleared(
        report_id=new_id(), network_id="zavel", zone_id="5339", trace_id=new_id(),
        stamps=Stamps(received=at), report=report, renderings=renderings,
        classification=Classification(urgency=Urgency.urgent, category=Category.missing_person, language="nl",
                                      confidence=1.0),
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    base = load_members(REPO / "deploy" / "members.example.yaml")
    extra = [
        Member(id=f"bench-{i}", networks=["zavel"], language=("nl", "fr", "en")[i % 3], consent=True,
               channels=[Address(channel=("sms", "email", "chat")[i % 3], address=f"bench-{i}@example.org")])
        for i in range(n)
    ]
    networks = load_networks(REPO / "deploy" / "networks", MembersFile(members=[*base.members, *extra]))
    at = datetime.fromisoformat("2026-03-04T03:00:00+01:00")
    alarm = cleared(at, Origin.police, Kind.alarm)
    t0 = time.perf_counter()
    decision = plan_deliveries(networks["zavel"], alarm, at)
    t1 = time.perf_counter()
    jobs = [job_of(d, alarm, at, alarm.stamps) for d in decision.deliveries if d.recipient_id]
    t2 = time.perf_counter()
    payload = sum(len(encode(j)) for j in jobs)
    t3 = time.perf_counter()
    print(f"alarm to {len(jobs)} members: plan {t1 - t0:.3f} s, jobs {t2 - t1:.3f} s, "
          f"encode {t3 - t2:.3f} s ({payload / len(jobs):.0f} bytes/job)")
    report = cleared(at, Origin.member, Kind.report)
    t0 = time.perf_counter()
    for _ in range(200):
        plan_deliveries(networks["zavel"], report, at)
    print(f"member report: {(time.perf_counter() - t0) / 200 * 1000:.2f} ms each")


if __name__ == "__main__":
    main()
