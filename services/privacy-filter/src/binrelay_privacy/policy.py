"""Per-network privacy options: the ``privacy:`` section of a network file.

The schema, its defaults (the strict reading of the privacy rules) and its checks live in the
shared network contract (:class:`binrelay_shared.network.Privacy`): a network file is read once,
by the shared loader, and ``binrelay plan check`` refuses a bad section with its line and fix.
"""

from __future__ import annotations

from binrelay_shared.network import CoordinatorPhotoMode, GroupPhotoMode
from binrelay_shared.network import Privacy as PrivacyPolicy
from binrelay_shared.pii import PiiKind

ALL_KINDS = frozenset(PiiKind)

DEFAULT_POLICY = PrivacyPolicy()

__all__ = ["ALL_KINDS", "DEFAULT_POLICY", "CoordinatorPhotoMode", "GroupPhotoMode", "PrivacyPolicy"]
