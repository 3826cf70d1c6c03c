"""Responses (``bin.responses.v1``): an acknowledgement stops the escalation, an approval releases
the held deliveries (quiet hours judged at the time of approval), a rejection drops them.

A response changes the pending state in Redis and claims the jobs it releases within the batch's
:class:`~.claims.Claims`: undone if what follows is not published. The same response redelivered
(same responder, same time) is applied again, so a process killed before publishing loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from binrelay_shared.events import Response, ResponseKind
from binrelay_shared.logging import bind_report, get_logger
from binrelay_shared.stage import Out

from . import state
from .routing import plan_deliveries

if TYPE_CHECKING:
    from .dispatcher import Dispatcher

log = get_logger(__name__)


async def process_responses(d: Dispatcher, events: list[Response]) -> list[list[Out]]:
    """What each Response leads to: what to publish (approved deliveries), often nothing."""
    results: list[list[Out]] = []
    for r in events:
        with bind_report(r.report_id):
            results.append(await respond(d, r))
    return results


async def respond(d: Dispatcher, r: Response) -> list[Out]:
    """Apply one Response to the pending acknowledgement or approval it answers."""
    key = state.ack_key(r.report_id) if r.kind is ResponseKind.acknowledge else state.approval_key(r.report_id)
    raw = await d.redis.get(key)
    if raw is None:
        log.info("response to nothing pending", kind=r.kind.value)
        d.metrics.responses.labels(r.kind.value, "nothing_pending").inc()
        return []
    pending = orjson.loads(raw)
    new_state = {"acknowledge": "acknowledged", "approve": "approved", "reject": "rejected"}[r.kind.value]
    # The same response again (same responder, same time): a redelivery after the process that
    # applied it died before publishing what followed. Apply it again — what was published is
    # confirmed and taken for duplicates, the rest goes out.
    fingerprint = f"{r.responder_id}@{r.at.isoformat()}"
    again = pending["s"] == new_state and pending.get("r") == fingerprint
    if pending["s"] != "pending" and not again:
        log.info("response to a settled report", kind=r.kind.value, state=pending["s"])
        d.metrics.responses.labels(r.kind.value, "settled").inc()
        return []
    if r.via != "cli" and r.responder_id not in pending["by"]:
        log.warning("response from someone not entitled to it: ignored", kind=r.kind.value)
        d.metrics.responses.labels(r.kind.value, "not_entitled").inc()
        return []
    if not again:
        await d.redis.set(key, orjson.dumps({**pending, "s": new_state, "r": fingerprint}), keepttl=True)
        d.claims.current().undo.append((key, raw))  # pending again if what follows is not published
        d.metrics.responses.labels(r.kind.value, "applied").inc()
    if r.kind is ResponseKind.acknowledge:
        await d.redis.zrem(state.TIMERS, state.timer("escalate", r=r.report_id, n=pending["n"]))
        log.info("acknowledged: escalation stopped")
        return []
    if r.kind is ResponseKind.reject:
        log.info("rejected: held deliveries dropped")
        return []
    cleared = await d.stored(r.report_id)
    network = d.networks.get(pending["n"] or "")
    if cleared is None or network is None:
        log.warning("approved, but the report or its plan is gone")
        return []
    decision = plan_deliveries(network, cleared, cleared.stamps.received, phase="approved", now=r.at)
    log.info("approved: releasing", deliveries=len(decision.deliveries))
    # Stamped with the approval's time, not the clock's: applied again, the held jobs are
    # the same timer members, not new ones.
    return await d.emit(cleared, decision, now=r.at)
