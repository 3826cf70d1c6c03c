"""Which provider delivers a channel: the one table to edit when adding a provider.

A provider is a module under ``providers/`` that defines ``PROVIDER``, a :class:`Provider`: its
channel and name, its own settings class, and a factory that builds its :class:`Receiver`.
:data:`PROVIDERS` maps each channel's transport names to those modules; the process picks one
with ``BINRELAY_<CHANNEL>_TRANSPORT`` (the first name is the default) and imports only that one.

Adding an SMS provider: write ``providers/<name>.py`` (a receiver, a settings class, ``PROVIDER``),
add ``"<name>": "binrelay_senders.providers.<name>"`` under ``Channel.sms`` below, add its test.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic_settings import BaseSettings

from binrelay_shared.events import Channel

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from .base import Receiver
    from .settings import SenderSettings

S = TypeVar("S", bound=BaseSettings)

#: channel → transport name → module defining ``PROVIDER`` (the first name is the default).
PROVIDERS: dict[Channel, dict[str, str]] = {
    Channel.email: {"smtp": "binrelay_senders.providers.smtp"},
    Channel.sms: {"http": "binrelay_senders.providers.sms_http", "smpp": "binrelay_senders.providers.smpp"},
    Channel.chat: {"matrix": "binrelay_senders.providers.matrix"},
}


@dataclass(frozen=True)
class Provider(Generic[S]):
    """One way to deliver a channel: its settings (read at start) and how to build its receiver."""

    channel: Channel
    name: str
    settings: type[S]
    #: ``create(own_settings, sender_settings, redis)``
    create: Callable[[S, SenderSettings, Redis | None], Receiver]


def load(channel: Channel, name: str) -> Provider[Any]:
    """The provider registered as ``name`` for ``channel`` (its module imported now)."""
    try:
        path = PROVIDERS[channel][name]
    except KeyError:
        raise ValueError(f"no {channel.value} transport {name!r}; allowed: {', '.join(PROVIDERS[channel])}") from None
    provider: Provider[Any] = importlib.import_module(path).PROVIDER
    if (provider.channel, provider.name) != (channel, name):
        raise RuntimeError(
            f"{path} defines {provider.channel.value}/{provider.name}, registered as {channel.value}/{name}"
        )
    return provider


def make_receiver(
    channel: Channel, settings: SenderSettings, redis: Redis | None = None, **overrides: Any
) -> Receiver:
    """The receiver of ``channel``'s configured transport; its settings from the environment, with
    ``overrides`` (field names) on top."""
    provider = load(channel, settings.transport(channel))
    return provider.create(provider.settings(**overrides), settings, redis)
