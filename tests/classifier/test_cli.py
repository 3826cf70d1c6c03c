"""The ``binrelay classify`` command line contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from binrelay_classifier.cli import classify_line, register


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps typer in multi-command mode
        """Nothing."""

    return app


@pytest.mark.parametrize(
    ("line", "error_part"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"lang": "nl"}', "'text'"),
        ('{"text": ""}', "'text'"),
        ('{"text": "hallo", "lang": "es"}', "'lang'"),
        ('{"text": "hallo", "kind": "gossip"}', "gossip"),
    ],
)
def test_invalid_line_yields_error(line: str, error_part: str) -> None:
    """Given an invalid input line,
    When it is classified,
    Then the answer is {"error": ...} naming the problem."""
    answer = classify_line(line)
    assert list(answer) == ["error"]
    assert error_part in answer["error"]


def test_valid_line_yields_verdict() -> None:
    """Given a line with text, lang and id,
    When it is classified,
    Then the answer carries the id and at least urgency, category, language, confidence and flags."""
    answer = classify_line('{"id": 7, "text": "Rook uit het dak van nummer 4!", "lang": "nl"}')
    assert answer["id"] == 7
    assert {"urgency", "category", "language", "confidence", "flags", "signals"} <= set(answer)
    assert answer["urgency"] == "urgent" and answer["category"] == "fire_or_hazard"


def test_stdin_to_stdout_one_line_per_line_in_order(app: typer.Typer) -> None:
    """Given three input lines, one of them invalid and one empty,
    When `binrelay classify` runs,
    Then three JSON lines come out in order and the run goes on after the bad ones."""
    stdin = '{"text": "Brand! vlammen uit het raam"}\n{oops\n\n{"text": "Mon vélo a été volé hier"}\n'
    result = CliRunner().invoke(app, ["classify"], input=stdin)
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert len(lines) == 4
    assert lines[0]["category"] == "fire_or_hazard"
    assert "error" in lines[1] and "error" in lines[2]
    assert lines[3]["category"] == "theft" and lines[3]["language"] == "fr"


def test_evaluate_prints_per_class_and_language(app: typer.Typer, tmp_path: Path) -> None:
    """Given a small labelled file,
    When `binrelay classify --evaluate FILE` runs,
    Then precision, recall and F1 are printed per class, overall and per language."""
    rows = [
        {"text": "Inbraak bezig bij de buren!", "lang": "nl", "urgency": "urgent", "category": "burglary"},
        {"text": "Mijn fiets werd gisteren gestolen", "lang": "nl", "urgency": "non_urgent", "category": "theft"},
        {"text": "Au feu ! La cuisine brûle", "lang": "fr", "urgency": "urgent", "category": "fire_or_hazard"},
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", "--evaluate", str(path)])
    assert result.exit_code == 0, result.output
    for part in ("== all", "== nl", "== fr", "precision", "recall", "f1", "macro-F1", "burglary"):
        assert part in result.output


def test_evaluate_bad_file_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    """Given a labelled file with a line missing its category,
    When it is evaluated,
    Then the command exits 2 with the file, the line and the fix, and no stack trace."""
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "urgency": "urgent"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", "--evaluate", str(path)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output and "category" in result.output
    assert "Traceback" not in result.output


def test_evaluate_prints_flags_per_flag_and_language(app: typer.Typer, tmp_path: Path) -> None:
    """Given a labelled file with flag labels (and an urgency on one line),
    When `binrelay classify --evaluate FILE` runs,
    Then precision, recall and F1 are printed per policy flag, for all lines and per language,
    with the urgency figures of the lines that carry one."""
    rows = [
        {"text": "On va le choper ce voleur et lui donner une leçon", "lang": "fr", "flags": ["vigilante"]},
        {"text": "Votez Ecolo aux élections pour un quartier plus sûr", "lang": "fr", "flags": ["political"]},
        {"text": "The police caught them at the corner", "lang": "en", "flags": [], "urgency": "non_urgent"},
    ]
    path = tmp_path / "flags.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", "--evaluate", str(path)])
    assert result.exit_code == 0, result.output
    for part in ("== flags: all", "== flags: fr", "== flags: en", "vigilante", "political", "discriminatory",
                 "precision", "recall", "urgency on the 1 lines"):
        assert part in result.output
    assert "macro-F1" not in result.output  # no urgency + category lines: no such table


def test_evaluate_bad_flags_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    """Given a flags line naming an unknown flag,
    When it is evaluated,
    Then the command exits 2 naming the line and the flags it may use."""
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "flags": ["rude"]}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", "--evaluate", str(path)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output and "vigilante" in result.output
