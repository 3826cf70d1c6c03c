"""The dispatcher's own settings (the shared ones are :class:`binrelay_shared.settings.Settings`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

NAME = "dispatcher"


class DispatcherSettings(BaseSettings):
    """Settings of the dispatcher alone (prefix ``BINRELAY_DISPATCHER_``)."""

    model_config = SettingsConfigDict(env_prefix="BINRELAY_DISPATCHER_", extra="ignore")

    tick_seconds: float = Field(1.0, description="How often the scheduler looks for due timers")
    name: str = Field(NAME, description="Stage name = consumer group suffix (tests run a second one)")
