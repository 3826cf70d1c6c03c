"""`binrelay plan check`: the seed plans pass; broken plans are refused with a clear message."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from binrelay.cli import app
from binrelay_shared.network import PlanError, load_members, load_network

from .helpers import HERE, MEMBERS_FILE, NETWORKS_DIR

CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "plan_check_cases.yaml").read_text("utf-8"))
runner = CliRunner()


def _patched(case: dict[str, Any], tmp_path: Path) -> tuple[Path, str]:
    text = (NETWORKS_DIR / f"{case['base']}.yaml").read_text("utf-8")
    old, new = case["replace"]
    assert old in text, f"case {case['name']!r}: the text to replace is not in the seed plan"
    text = text.replace(old, new, 1)
    path = tmp_path / f"{case['base']}.yaml"
    path.write_text(text, "utf-8")
    return path, text


def test_seed_plans_pass() -> None:
    """Given the seed plans and the example members,
    when `binrelay plan check` runs on them,
    then it says ok for each and exits 0."""
    files = sorted(str(p) for p in NETWORKS_DIR.glob("*.yaml"))
    result = runner.invoke(app, ["plan", "check", "--members", str(MEMBERS_FILE), *files])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok: ") == 3


def test_at_least_ten_kinds_of_broken_plan() -> None:
    assert len({c["kind"] for c in CASES}) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_plan_is_refused(case: dict[str, Any], tmp_path: Path) -> None:
    """Given a seed plan with one thing broken,
    when it is loaded (as the dispatcher does) and checked with `binrelay plan check`,
    then it is refused with a problem of the expected kind that names the file, the line, the place
    and the fix, and the command exits non-zero."""
    path, text = _patched(case, tmp_path)
    with pytest.raises(PlanError) as caught:
        load_network(path, load_members(MEMBERS_FILE))
    problems = [p for p in caught.value.problems if p.kind == case["kind"]]
    assert problems, f"expected a {case['kind']} problem, got: {caught.value}"
    problem = next((p for p in problems if case["message"] in p.message), None)
    assert problem is not None, f"no {case['kind']} problem mentions {case['message']!r}: {caught.value}"
    assert problem.file == str(path)
    assert problem.fix
    assert problem.line is not None
    if "line_of" in case:
        want = next(i for i, line in enumerate(text.splitlines(), 1) if case["line_of"] in line)
        assert problem.line == want, str(problem)

    result = runner.invoke(app, ["plan", "check", "--members", str(MEMBERS_FILE), str(path)])
    assert result.exit_code == 1
    out = result.output
    assert re.search(re.escape(str(path)) + r":\d+", out), out
    assert "fix:" in out and f"[{case['kind']}]" in out


def test_privacy_section_is_part_of_the_plan(tmp_path: Path) -> None:
    """Given zavel's plan with the privacy options the privacy filter's README documents
    (`privacy: {group_photos: blur, coordinator_sees: [plate]}`),
    when `binrelay plan check` runs on it and the dispatcher loads it,
    then it is accepted and the loaded network carries that policy (the rest at their defaults)."""
    text = (NETWORKS_DIR / "zavel.yaml").read_text("utf-8")
    path = tmp_path / "zavel.yaml"
    path.write_text(text + "\nprivacy: {group_photos: blur, coordinator_sees: [plate]}\n", "utf-8")

    result = runner.invoke(app, ["plan", "check", "--members", str(MEMBERS_FILE), str(path)])

    assert result.exit_code == 0, result.output
    assert "ok: " in result.output
    privacy = load_network(path, load_members(MEMBERS_FILE)).file.privacy
    assert privacy.group_photos == "blur"
    assert privacy.coordinator_sees == {"plate"}
    assert privacy.group_sees == frozenset()
    assert privacy.coordinator_photos == "strip"
    assert privacy.coordinator_gets_reporter is True
    assert privacy.police_text_verbatim is False
