"""The receiver interface every channel implements, and the two kinds of failure.

In the spirit of Alertmanager's ``Notifier`` (``Notify(ctx, alerts) (retry bool, err error)``): a
receiver delivers one job and, when it cannot, says whether trying again may help:

* :class:`Retryable` — a transient failure (connection refused, timeout, 4xx SMTP reply, HTTP
  429/5xx, Matrix rate limit): the worker retries with exponential backoff and jitter;
* :class:`Permanent` — retrying cannot help (5xx SMTP reply, unknown number, no such room,
  refused credentials): the worker falls back to the member's next channel, or gives up.

Any other exception is treated as retryable (the safe side: it is bounded by the retry budget).
Errors carry a short ``reason`` made of codes and classes only — never an address or a text —
because it goes into ``DeliveryOutcome.reason``, the logs and metric labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from binrelay_shared.events import Channel, DeliveryJob


class DeliveryError(Exception):
    """A delivery failed; ``reason`` is safe to log (no personal data)."""

    retryable: bool = True

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Retryable(DeliveryError):
    """A transient failure: the same job may succeed later."""

    retryable = True


class Permanent(DeliveryError):
    """A permanent failure: the same job will fail again on this channel."""

    retryable = False


def is_retryable(exc: BaseException) -> bool:
    """Whether a failure may succeed on retry (unknown exceptions: yes, bounded by the budget)."""
    if isinstance(exc, DeliveryError):
        return exc.retryable
    return True


def reason_of(exc: BaseException) -> str:
    """A loggable reason for any failure: the receiver's reason, or the exception class."""
    if isinstance(exc, DeliveryError):
        return exc.reason
    return type(exc).__name__


@runtime_checkable
class Receiver(Protocol):
    """Delivers jobs over one channel."""

    channel: Channel

    async def send(self, job: DeliveryJob) -> str | None:
        """Deliver ``job``; return the provider's message id if it gives one.

        Raises :class:`Retryable` or :class:`Permanent`. Must be safe to call again for the same
        job after a crash: receivers pass the job's idempotency key to the provider where the
        protocol allows (Matrix transaction id, the SMS gateway's ``Idempotency-Key``, the e-mail
        ``Message-ID``).
        """
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


@runtime_checkable
class BatchReceiver(Receiver, Protocol):
    """A receiver whose provider takes several recipients per request (a bulk API).

    The worker still claims, retries, marks and publishes each job on its own; only the wire
    calls are grouped (:class:`~binrelay_senders.batcher.Batcher`). Used when ``batch_size`` > 1.
    """

    batch_size: int

    async def send_batch(self, jobs: Sequence[DeliveryJob]) -> list[str | DeliveryError | None]:
        """Deliver ``jobs`` in one request; one answer per job, in order: the provider's message
        id (or None) when accepted, else that job's :class:`Retryable` or :class:`Permanent`.

        Raises (:class:`Retryable`/:class:`Permanent`) only when the request as a whole failed:
        then every job of it failed that way. Safe to call again with the same jobs (each carries
        its idempotency key).
        """
        ...
