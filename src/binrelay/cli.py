"""``binrelay``: the operators' and coordinators' command line.

Each service package contributes its own commands through a ``register(app)`` function in its
``cli`` module, so the command line grows with the services without one file owning them all.
"""

from __future__ import annotations

import sys

import typer

from binrelay_classifier import cli as classifier_cli
from binrelay_dispatcher import cli as dispatcher_cli
from binrelay_ingest import cli as ingest_cli
from binrelay_privacy import cli as privacy_cli
from binrelay_shared import cli as shared_cli

app = typer.Typer(
    name="binrelay",
    help="BIN Relay: message router for neighbourhood information networks (BIN / PLP / BIN-Z).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (shared_cli, ingest_cli, classifier_cli, privacy_cli, dispatcher_cli):
    module.register(app)


def main() -> None:
    """Entry point of the ``binrelay`` script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
