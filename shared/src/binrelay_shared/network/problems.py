"""Problems with a network or members file, each naming the file, the line, the place and the fix.

Loading collects problems rather than raising the first, so a coordinator sees everything wrong at
once; :class:`PlanError` carries them. YAML is read here with the line of every key kept at hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from binrelay_shared.pii import PiiKind

from .model import NETWORK_ID_HELP, AudienceName
from .privacy import KIND_FIELDS, PHOTO_MODES

AUDIENCES = ", ".join(a.value for a in AudienceName)

TreePath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan: where, what, and how to fix it."""

    file: str
    line: int | None
    where: str
    kind: str
    message: str
    fix: str

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line else self.file
        at = f" at {self.where}" if self.where else ""
        return f"{loc}{at}: {self.message} [{self.kind}]\n  fix: {self.fix}"


class PlanError(Exception):
    """A plan (or members file) that cannot be used; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---------------------------------------------------------------------------------------------
# YAML with line numbers
# ---------------------------------------------------------------------------------------------


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Lines:
    """Maps a path in a YAML document (keys and list indices) to its line number.

    The node tree is composed only when a line is asked for (a problem is being reported): a
    valid 10,000-member file is then parsed once, not twice.
    """

    def __init__(self, text: str | None) -> None:
        self.text = text
        self._root: yaml.Node | None = None

    @property
    def root(self) -> yaml.Node | None:
        if self._root is None and self.text is not None:
            self._root = yaml.compose(self.text, Loader=_Loader)
        return self._root

    def line(self, path: Iterable[str | int]) -> int | None:
        node = self.root
        best = node.start_mark.line + 1 if node is not None else None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                        nxt = v
                        best = k.start_mark.line + 1
                        break
                if nxt is None:
                    return best
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                best = node.start_mark.line + 1
            else:
                return best
        return best


def place(path: TreePath) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def read_yaml(path: Path, problems: list[Problem]) -> tuple[Any, Lines]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        problems.append(Problem(str(path), None, "", "unreadable", f"cannot read the file ({exc.strerror})",
                                "check the path and the file's permissions"))
        return None, Lines(None)
    try:
        # libyaml's C parser when present (a 10,000-member file: ~5x faster than pure Python).
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(
            str(path), mark.line + 1 if mark else None, "", "yaml_syntax",
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            "fix the YAML syntax at that line (indentation, a missing ':' or an unclosed quote)",
        ))
        return None, Lines(None)
    return data, Lines(text)


def schema_problems(file: str, lines: Lines, exc: ValidationError, prefix: TreePath = ()) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc: TreePath = prefix + tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        loc = tuple(p for p in loc if p not in ("list[str]", "str"))
        etype = err["type"]
        field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
        if etype == "extra_forbidden":
            kind, msg = "unknown_key", f"unknown key {field_name!r}"
            fix = "remove it or correct its spelling (see the plan schema in docs or an example plan)"
        elif etype == "missing":
            kind, msg = "missing_key", f"required key {field_name!r} is missing"
            fix = f"add {field_name!r}"
        elif loc == ("id",) and etype == "string_pattern_mismatch":
            kind, msg = "bad_network_id", f"network id {err.get('input')!r} is not a short lower-case name"
            fix = f"use lower-case letters, digits and '-' ({NETWORK_ID_HELP}), e.g. 'zavel'"
        elif field_name == "audience" and etype == "enum":
            kind, msg = "unknown_audience", f"unknown audience: {err.get('input')!r}"
            fix = f"use one of: {AUDIENCES}"
        elif field_name in ("channels", "channel") or (len(loc) > 1 and loc[-2] == "channels"):
            kind, msg = "unknown_channel", f"unknown channel: {err.get('input')!r}"
            fix = "use sms, email or chat"
        elif field_name in ("time", "quiet_hours", "digest_at") and etype == "value_error":
            kind, msg = "bad_time_window", str(err["msg"]).removeprefix("Value error, ")
            fix = "write a daily window as \"22:00-07:00\" (24-hour clock, Europe/Brussels) or a time as \"08:00\""
        elif field_name in ("timeout", "dedup_window") and etype == "value_error":
            kind, msg = "bad_duration", str(err["msg"]).removeprefix("Value error, ")
            fix = "write a duration as 30s, 10m, 2h or 1d"
        elif field_name in KIND_FIELDS or (len(loc) > 1 and loc[-2] in KIND_FIELDS):
            kinds = ", ".join(k.value for k in PiiKind)
            if etype == "enum":
                kind, msg = "unknown_pii_kind", f"unknown kind of personal data: {err.get('input')!r}"
                fix = f"use one of: {kinds}"
            else:
                name = field_name if field_name in KIND_FIELDS else str(loc[-2])
                kind, msg = "invalid_value", f"{name}: expected a list of kinds of personal data"
                fix = f"write a list, e.g. `{name}: [plate]` (kinds: {kinds})"
        elif field_name in PHOTO_MODES:
            kind, msg = "bad_photo_mode", f"unknown photo mode for {field_name}: {err.get('input')!r}"
            fix = f"use one of: {', '.join(PHOTO_MODES[field_name])}"
        elif field_name == "languages" or (len(loc) > 1 and loc[-2] == "languages") or field_name == "language":
            kind, msg = "unknown_language", f"unknown language: {err.get('input')!r}"
            fix = "use nl, fr, en or de"
        else:
            kind, msg = "invalid_value", f"{field_name or 'value'}: {err['msg']}"
            fix = "correct the value (allowed values are in the message)"
        out.append(Problem(file, lines.line(loc), place(loc), kind, msg, fix))
    return out

