"""The committed contracts, checked by validators this project did not write.

- docs/asyncapi.json by the official AsyncAPI parser (npm ``@asyncapi/parser``, run by Node from
  tests/contracts/node_modules, which ``make sysdeps`` installs from the committed lock file);
- docs/openapi.json by ``openapi-spec-validator``;
- deploy/grafana/dashboards/*.json against what Grafana's dashboard schema requires of a
  dashboard and its panels (grafana/grafana ``kinds/dashboard``: title, uid of at most 40
  characters, panels with a unique id, a type, a gridPos inside the 24-column grid, targets with
  a refId and a datasource that is provisioned, thresholds whose steps are a list).

Each validator is also shown a broken copy, so a validator that accepts anything fails here.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tests.conftest import REPO

HERE = Path(__file__).parent
PARSER = HERE / "asyncapi_parse.mjs"
DASHBOARDS = sorted((REPO / "deploy" / "grafana" / "dashboards").glob("*.json"))


def _parse_asyncapi(document: dict[str, Any], tmp_path: Path) -> tuple[int, list[dict[str, Any]]]:
    node = shutil.which("node")
    assert node, "Node is missing: run make sysdeps"
    assert (HERE / "node_modules" / "@asyncapi" / "parser").is_dir(), "the AsyncAPI parser is missing: run make sysdeps"
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(document), "utf-8")
    done = subprocess.run([node, str(PARSER), str(path)], cwd=HERE, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_the_official_asyncapi_parser_accepts_the_committed_document(tmp_path: Path) -> None:
    """Given docs/asyncapi.json,
    when the official AsyncAPI parser reads it,
    then it parses with no error and no warning, and finds every channel the document names."""
    document = json.loads((REPO / "docs" / "asyncapi.json").read_text("utf-8"))
    rc, lines = _parse_asyncapi(document, tmp_path)
    problems = [d for d in lines if d.get("severity") in (0, 1)]
    assert rc == 0 and problems == [], problems
    [parsed] = [d for d in lines if d.get("parsed")]
    assert sorted(parsed["channels"]) == sorted(c["address"] for c in document["channels"].values())


@pytest.mark.parametrize("breakage", ["dangling message ref", "payload not a schema", "operation on no channel"])
def test_the_asyncapi_parser_refuses_a_broken_copy(breakage: str, tmp_path: Path) -> None:
    """Given a copy of docs/asyncapi.json with one mistake,
    when the official parser reads it,
    then it reports an error (the check above can fail)."""
    document = json.loads((REPO / "docs" / "asyncapi.json").read_text("utf-8"))
    broken = copy.deepcopy(document)
    if breakage == "dangling message ref":
        channel = next(iter(broken["channels"].values()))
        name = next(iter(channel["messages"]))
        channel["messages"][name] = {"$ref": "#/components/messages/NoSuchMessage"}
    elif breakage == "payload not a schema":
        next(iter(broken["components"]["messages"].values()))["payload"] = {"type": "no-such-type"}
    else:
        next(iter(broken["operations"].values()))["channel"] = {"$ref": "#/channels/noSuchChannel"}
    rc, lines = _parse_asyncapi(broken, tmp_path)
    assert rc == 1 and any(d.get("severity") == 0 for d in lines), lines


def test_openapi_spec_validator_accepts_the_committed_document() -> None:
    """Given docs/openapi.json, when openapi-spec-validator checks it, then it is valid OpenAPI;
    and a copy with a response lacking its required description is refused."""
    document = json.loads((REPO / "docs" / "openapi.json").read_text("utf-8"))
    validate_openapi(document)
    broken = copy.deepcopy(document)
    path = next(iter(broken["paths"].values()))
    operation = next(iter(path.values()))
    operation["responses"] = {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}
    with pytest.raises(OpenAPIValidationError):
        validate_openapi(broken)


# -- Grafana ------------------------------------------------------------------------------------

_UID = re.compile(r"^[a-zA-Z0-9_-]{1,40}$")
_PANEL_TYPES = {"stat", "timeseries", "table", "gauge", "bargauge", "text", "row", "graph", "logs", "piechart",
                "state-timeline", "status-history", "heatmap", "barchart", "histogram", "alertlist"}


def _datasource_uids() -> set[str]:
    found: set[str] = set()
    for f in (REPO / "deploy" / "grafana" / "provisioning" / "datasources").glob("*.yaml"):
        found |= {d["uid"] for d in yaml.safe_load(f.read_text("utf-8"))["datasources"]}
    return found


def dashboard_problems(board: dict[str, Any], datasources: set[str]) -> list[str]:
    """What Grafana's dashboard schema requires and ``board`` lacks, one line per problem."""
    problems = []
    if not isinstance(board.get("title"), str) or not board["title"]:
        problems.append("title: a non-empty string")
    if not isinstance(board.get("uid"), str) or not _UID.match(board["uid"]):
        problems.append("uid: at most 40 letters, digits, - or _")
    if not isinstance(board.get("schemaVersion"), int):
        problems.append("schemaVersion: an integer")
    panels = board.get("panels")
    if not isinstance(panels, list) or not panels:
        return [*problems, "panels: a non-empty list"]
    ids = [p.get("id") for p in panels]
    if len(set(ids)) != len(ids) or not all(isinstance(i, int) and i > 0 for i in ids):
        problems.append("panels[].id: unique positive integers")
    cells: dict[tuple[int, int], Any] = {}
    for p in panels:
        where = f"panel {p.get('id')} ({p.get('title')!r})"
        if p.get("type") not in _PANEL_TYPES:
            problems.append(f"{where}: type {p.get('type')!r} is no panel Grafana ships")
        g = p.get("gridPos") or {}
        if not all(isinstance(g.get(k), int) for k in ("h", "w", "x", "y")) or not (
            1 <= g["w"] <= 24 and g["x"] >= 0 and g["x"] + g["w"] <= 24 and g["h"] >= 1
        ):
            problems.append(f"{where}: gridPos needs integer h, w, x, y inside the 24-column grid")
            continue
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                if (x, y) in cells:
                    problems.append(f"{where}: overlaps panel {cells[x, y]}")
                    break
                cells[x, y] = p.get("id")
            else:
                continue
            break
        if p.get("type") == "row":
            continue
        if (p.get("datasource") or {}).get("uid") not in datasources:
            problems.append(f"{where}: datasource uid is not a provisioned datasource")
        targets = p.get("targets") or []
        refs = [t.get("refId") for t in targets]
        if not targets or len(set(refs)) != len(refs) or not all(isinstance(r, str) and r for r in refs):
            problems.append(f"{where}: targets need unique refIds")
        if not all(isinstance(t.get("expr"), str) and t["expr"].strip() for t in targets):
            problems.append(f"{where}: every Prometheus target needs an expr")
        thresholds = ((p.get("fieldConfig") or {}).get("defaults") or {}).get("thresholds")
        if thresholds is not None and (
            thresholds.get("mode") not in ("absolute", "percentage") or not isinstance(thresholds.get("steps"), list)
            or not all(isinstance(s, dict) and "color" in s and "value" in s for s in thresholds["steps"])
        ):
            problems.append(f"{where}: thresholds need a mode and a list of steps {{color, value}}")
    return problems


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_each_dashboard_has_what_grafana_requires(path: Path) -> None:
    """Given a committed dashboard, when it is checked against Grafana's dashboard schema's required
    fields, then nothing is missing or malformed."""
    assert dashboard_problems(json.loads(path.read_text("utf-8")), _datasource_uids()) == []


def test_the_dashboard_check_finds_what_grafana_would_refuse() -> None:
    """Given copies of the overview dashboard, each broken in one way,
    when they are checked, then each breakage is named."""
    board = json.loads((REPO / "deploy" / "grafana" / "dashboards" / "overview.json").read_text("utf-8"))
    datasources = _datasource_uids()
    assert dashboard_problems(board, datasources) == []
    cases = {
        "uid": lambda b: b.update(uid="x" * 41),
        "id": lambda b: b["panels"][1].update(id=b["panels"][0]["id"]),
        "overlaps": lambda b: b["panels"][1].update(gridPos=dict(b["panels"][0]["gridPos"])),
        "datasource": lambda b: b["panels"][0].update(datasource={"type": "prometheus", "uid": "nope"}),
        "thresholds": lambda b: b["panels"][0]["fieldConfig"]["defaults"].update(thresholds={"mode": "absolute",
                                                                                            "steps": ""}),
        "type": lambda b: b["panels"][0].update(type="no-such-panel"),
    }
    for name, breaks in cases.items():
        broken = copy.deepcopy(board)
        breaks(broken)
        found = dashboard_problems(broken, datasources)
        assert found and any(name in line for line in found), (name, found)
