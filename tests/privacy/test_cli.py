"""``binrelay redact``: the JSON-lines contract used for evaluation."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from binrelay_privacy.cli import run

BINRELAY = Path(sys.executable).parent / "binrelay"


def _run(lines: list[bytes], audience: str = "group") -> list[dict[str, object]]:
    out = io.BytesIO()
    run(io.BytesIO(b"".join(line + b"\n" for line in lines)), out, audience)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_output_line_per_input_line_in_order() -> None:
    """Given valid and invalid lines mixed,
    When redact runs,
    Then each input line gives one output line in order, invalid ones an error, and the run goes on."""
    results = _run(
        [
            b'{"text": "Auto 1-ABC-123 gezien", "id": "a"}',
            b"not json",
            b"",
            b'{"txt": "x"}',
            b'["text"]',
            b'{"text": "Bel 112", "lang": "xx"}',
            '{"text": "Voiture AB-123-CD vue à 22h30", "lang": "fr"}'.encode(),
        ]
    )
    assert len(results) == 7
    assert results[0] == {
        "id": "a",
        "text": "Auto [kenteken] gezien",
        "findings": [{"kind": "plate", "start": 5, "end": 14}],
    }
    assert all("error" in r for r in results[1:6])
    assert results[6]["text"] == "Voiture [plaque] vue à 22h30"


def test_errors_never_echo_content() -> None:
    """Given an invalid line that contains personal data,
    When redact reports the error,
    Then the message names the line and the fix but not the content."""
    [result] = _run([b'{"text": 0470123456}'])
    assert "line 1" in str(result["error"]) and "0470123456" not in str(result["error"])


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("group", "Call [phone] now, not 112"),
        ("coordinator", "Call [phone] now, not 112"),
        ("police", "Call +32 470 12 34 56 now, not 112"),
    ],
)
def test_audiences(audience: str, expected: str) -> None:
    """Given a text with a phone number,
    When redacted for each audience,
    Then the police get it complete and the others a placeholder; findings are the same."""
    [result] = _run([b'{"text": "Call +32 470 12 34 56 now, not 112"}'], audience)
    assert result["text"] == expected
    assert result["findings"] == [{"kind": "phone", "start": 5, "end": 21}]


@pytest.mark.skipif(not BINRELAY.exists(), reason="binrelay script not installed in this environment")
def test_installed_command() -> None:
    """Given the installed binrelay command,
    When JSON lines are piped through `binrelay redact --audience group`,
    Then it answers one line per input line and exits 0."""
    proc = subprocess.run(
        [str(BINRELAY), "redact", "--audience", "group"],
        input=b'{"text": "mail jan@example.be"}\nbroken\n',
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines[0]["text"] == "mail [e-mailadres]" and "error" in lines[1]
