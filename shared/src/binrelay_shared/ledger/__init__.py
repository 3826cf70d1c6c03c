"""The ledger: the coordinator's log and the statistics store, kept durably in the database.

The BIN charter asks the coordinator to keep a log of the police messages and their follow-up,
and every network to evaluate the year with the police. Delivery outcomes and traces expire after
days, so the pipeline's events are turned into rows here as they pass (:mod:`.rows`, pure), written
idempotently (:mod:`.store`: a record read twice counts once) by the ``binrelay-ledger`` process
(:mod:`.consumer`); the year's figures are pure functions over those rows (:mod:`.figures`).

Two kinds of row, neither holding a report's text or anyone's address:

* the **log** (``ledger_log``): police and coordinator messages, reports, approvals and rejections,
  acknowledgements, escalations, feedback to reporters and closings — with the member id of who
  approved, acknowledged or was escalated to (the only personal reference it keeps);
* the **statistics** (``ledger_reports``, ``ledger_deliveries``, ``ledger_responses``,
  ``ledger_members``): categories, urgencies, channels, outcomes, times and counts, no member ids.
"""
