"""Responses (``bin.responses.v1``): an acknowledgement stops the escalation, an approval releases
the held deliveries (quiet hours judged at the time of approval), a rejection drops them (its
reason kept with the decision).

Only the people the plan names may answer: the members of the route's ``ack.by`` /
``approval.by`` audiences, stored with the pending state when the report was dispatched. Anyone
else's answer is refused (``not_entitled``), counted and logged without the responder. Every
decision — applied, refused, too late, nothing pending — is in the report's trace as
``response:<kind>:<result>`` (``binrelay trace``, ``GET /v1/reports/{id}``).

A response changes the pending state in Redis and claims the jobs it releases within the batch's
:class:`~.claims.Claims`: undone if what follows is not published. The same response redelivered
(same responder, same time) is applied again, so a process killed before publishing loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import orjson

from binrelay_shared import replies, trace
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
    decided: list[tuple[str, str, datetime]] = []
    for r in events:
        with bind_report(r.report_id):
            outs, result = await respond(d, r)
        results.append(outs)
        decided.append((r.report_id, f"response:{r.kind.value}:{result}", d.clock()))
    try:
        await trace.record(d.redis, decided, d.trace_ttl_seconds)
    except Exception as exc:  # the trace is a convenience
        log.warning("responses not traced", error=type(exc).__name__)
    return results


async def respond(d: Dispatcher, r: Response) -> tuple[list[Out], str]:
    """Apply one Response to the pending acknowledgement or approval it answers: what to publish,
    and what was decided (``applied``, ``not_entitled``, ``settled``, ``nothing_pending``)."""
    key = state.ack_key(r.report_id) if r.kind is ResponseKind.acknowledge else state.approval_key(r.report_id)
    raw = await d.redis.get(key)
    if raw is None:
        log.info("response to nothing pending", kind=r.kind.value)
        d.metrics.responses.labels(r.kind.value, "nothing_pending").inc()
        return [], "nothing_pending"
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
        return [], "settled"
    if r.via != "cli" and r.responder_id not in pending["by"]:
        # who it was stays out of the log (a member id is the members file's business)
        log.warning("response from someone the plan does not name for it: refused", kind=r.kind.value,
                    via=str(r.via))
        d.metrics.responses.labels(r.kind.value, "not_entitled").inc()
        return [], "not_entitled"
    if not again:
        settled = {**pending, "s": new_state, "r": fingerprint}
        if r.reason:
            settled["why"] = r.reason  # a rejection's reason stays with the decision
        await d.redis.set(key, orjson.dumps(settled), keepttl=True)
        # decided, whoever answered: the others' copies of the request no longer wait for them
        answered = ResponseKind.acknowledge if r.kind is ResponseKind.acknowledge else ResponseKind.approve
        await d.redis.set(replies.settled_key(r.report_id, answered), "1", ex=replies.KEEP_SECONDS)
        d.claims.current().undo.append((key, raw))  # pending again if what follows is not published
        d.metrics.responses.labels(r.kind.value, "applied").inc()
    if r.kind is ResponseKind.acknowledge:
        await d.redis.zrem(state.TIMERS, state.timer("escalate", r=r.report_id, n=pending["n"]))
        log.info("acknowledged: escalation stopped", via=str(r.via))
        return [], "applied"
    if r.kind is ResponseKind.reject:
        log.info("rejected: held deliveries dropped", via=str(r.via), with_reason=bool(r.reason))
        return [], "applied"
    cleared = await d.stored(r.report_id)
    network = (await d.current_networks()).get(pending["n"] or "")
    if cleared is None or network is None:
        log.warning("approved, but the report or its plan is gone")
        return [], "applied"
    decision = plan_deliveries(network, cleared, cleared.stamps.received, phase="approved", now=r.at)
    log.info("approved: releasing", deliveries=len(decision.deliveries), via=str(r.via))
    # Stamped with the approval's time, not the clock's: applied again, the held jobs are
    # the same timer members, not new ones.
    return await d.emit(cleared, decision, now=r.at), "applied"
