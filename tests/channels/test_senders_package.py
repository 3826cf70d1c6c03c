"""The senders as their own package: the provider registry, the settings checked at start, and an
environment that holds nothing of the other services (no OpenCV, numpy or lingua in a sender)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from binrelay_senders.base import Receiver
from binrelay_senders.registry import PROVIDERS, load, make_receiver
from binrelay_senders.settings import ProviderSettings, SenderSettings
from binrelay_shared.events import Channel
from tests.conftest import REPO

SENDER = str(REPO / ".venv" / "bin" / "binrelay-sender")


def run_sender(channel: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``binrelay-sender --channel <channel>`` with nothing to connect to: it must stop before."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("BINRELAY_")}
    full.update({"BINRELAY_KAFKA": "127.0.0.1:1", "BINRELAY_REDIS_URL": "redis://127.0.0.1:1/0", **env})
    return subprocess.run([SENDER, "--channel", channel], env=full, capture_output=True, text=True, timeout=60)


def test_an_unknown_transport_stops_the_sender_naming_the_variable() -> None:
    """Given BINRELAY_SMS_TRANSPORT with a typo (which used to fall back to HTTP silently),
    when the SMS sender starts, then it exits 2 naming the variable and the allowed values,
    without a traceback."""
    done = run_sender("sms", BINRELAY_SMS_TRANSPORT="smppp")
    assert done.returncode == 2, done.stderr
    assert "BINRELAY_SMS_TRANSPORT='smppp'" in done.stderr
    assert "allowed: http, smpp" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_provider_setting_stops_the_sender_naming_the_variable() -> None:
    """Given the SMPP transport chosen and BINRELAY_SMPP_PORT not a number,
    when the SMS sender starts, then it exits 2 naming BINRELAY_SMPP_PORT (its provider's own setting)."""
    done = run_sender("sms", BINRELAY_SMS_TRANSPORT="SMPP", BINRELAY_SMPP_PORT="twenty")
    assert done.returncode == 2, done.stderr
    assert "BINRELAY_SMPP_PORT='twenty'" in done.stderr
    assert "Traceback" not in done.stderr


def test_transport_names_are_checked_in_the_settings() -> None:
    """Given the transport settings, then a known name is accepted in any case, an unknown one refused."""
    assert SenderSettings(sms_transport=" SMPP ").transport(Channel.sms) == "smpp"  # type: ignore[call-arg]
    assert SenderSettings().transport(Channel.email) == "smtp"  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="allowed: smtp"):
        SenderSettings(email_transport="sendmail")  # type: ignore[call-arg]


async def test_every_registered_provider_loads_and_matches_its_registration() -> None:
    """Given the registry, then each entry's module defines a PROVIDER for that channel and name,
    with its own settings class, and builds a receiver for that channel; every outbox has one."""
    assert set(PROVIDERS) == {Channel.email, Channel.sms, Channel.chat}
    settings = SenderSettings()  # type: ignore[call-arg]
    for channel, names in PROVIDERS.items():
        for name in names:
            provider = load(channel, name)
            assert (provider.channel, provider.name) == (channel, name)
            assert issubclass(provider.settings, ProviderSettings)
            assert provider.settings is not ProviderSettings
    for channel in PROVIDERS:
        receiver = make_receiver(channel, settings)
        assert isinstance(receiver, Receiver) and receiver.channel is channel
        await receiver.close()


#: What a sender process must not load: other services, and the heavy libraries they bring.
FORBIDDEN = ("cv2", "numpy", "lingua", "PIL", "binrelay_dispatcher", "binrelay_classifier", "binrelay_privacy",
             "binrelay_ingest", "binrelay_devservers")


def test_the_sender_imports_nothing_of_the_other_services() -> None:
    """Given a fresh interpreter, when it imports the sender worker and every provider, then none
    of the other services' packages (nor OpenCV, numpy, lingua, Pillow) is loaded."""
    modules = ["binrelay_senders.worker"] + [m for names in PROVIDERS.values() for m in names.values()]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted({{n.split('.')[0] for n in sys.modules}} & set({FORBIDDEN!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
