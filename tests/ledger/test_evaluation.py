"""``binrelay evaluation`` on a year of synthetic traffic, fed through the ledger's own ingestion
path, looked at in headless Chromium: every chart's title is on the page and every chart is drawn
where it stands (a screenshot's pixels there are not blank and carry the bars' colours)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from binrelay.cli import app
from binrelay.evaluation import chromium, headless
from binrelay_shared.db.engine import engine
from binrelay_shared.ledger import store
from binrelay_shared.ledger.rows import rows_of
from tests.conftest import REPO
from tests.ledger.synthetic import member_counts, year_of_events

#: The figures issue #17 asks for, each a chart of its own.
TITLES = (
    "Reports per month by category",
    "Reports per month by urgency",
    "Time from report to first delivery (median, p90) by urgency",
    "Acknowledgements and escalations of urgent reports per month",
    "Police messages per month by kind",
    "Approval of police messages and approval times",
    "Feedback given to reporters per month",
    "Members and consent by channel",
    "Deliveries per channel with failure ratio",
)
WINDOW = (1000, 6400)
#: Appended to a copy of the page: each chart's title and where its drawing is, for dump-dom.
PROBE = """<pre id="probe"></pre><script>
document.getElementById("probe").textContent = JSON.stringify(
  [...document.querySelectorAll("section.chart")].map(s => {
    const r = s.querySelector("svg").getBoundingClientRect();
    return {title: s.querySelector("h2").textContent, x: r.x, y: r.y, w: r.width, h: r.height};
  }));
</script>"""


def browser() -> str:
    found = chromium()
    assert found, "Chromium is not installed: run deploy/local/sysdeps.sh (make sysdeps)"
    return found


def charts_on_screen(page: Path, shot: Path) -> dict[str, tuple[float, float]]:
    """Each chart of ``page`` as Chromium shows it: (share of non-white pixels, share of coloured
    pixels) in its drawing's box on a screenshot; and the titles found in the DOM."""
    probe = page.with_name(page.stem + "-probe.html")
    probe.write_text(page.read_text("utf-8").replace("</body>", PROBE + "</body>"), "utf-8")
    size = f"--window-size={WINDOW[0]},{WINDOW[1]}"
    dom = headless(browser(), [size, "--dump-dom"], probe.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout.decode()
    boxes = json.loads(re.search(r'<pre id="probe">(.*?)</pre>', text, re.S).group(1).replace("&quot;", '"'))  # type: ignore[union-attr]
    done = headless(browser(), [size, "--force-device-scale-factor=1", f"--screenshot={shot}"], probe.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == WINDOW
    seen: dict[str, tuple[float, float]] = {}
    for box in boxes:
        assert box["y"] + box["h"] <= WINDOW[1], f"{box['title']} is below the screenshot"
        crop = image.crop((int(box["x"]), int(box["y"]), int(box["x"] + box["w"]), int(box["y"] + box["h"])))
        pixels = list(crop.get_flattened_data())
        inked = sum(1 for p in pixels if min(p) < 235) / len(pixels)
        coloured = sum(1 for p in pixels if max(p) - min(p) > 80) / len(pixels)
        seen[box["title"]] = (inked, coloured)
    return seen


@pytest.fixture
async def a_year(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """2026 of network zavel in the ledger, every event through :func:`rows_of`, read twice."""
    rows = [r for e in year_of_events(2026) for r in rows_of(e)] + member_counts(2026)
    eng = engine(database_url)
    await store.write(eng, rows)
    await store.write(eng, rows[: len(rows) // 2])  # a consumer re-reading half of it changes nothing
    await eng.dispose()
    monkeypatch.setenv("BINRELAY_DATABASE_URL", database_url)
    monkeypatch.setenv("BINRELAY_NETWORKS_DIR", str(REPO / "deploy" / "networks"))
    return database_url


def test_the_evaluation_of_a_year_shows_every_chart(a_year: str, tmp_path: Path) -> None:
    """Given a year of synthetic traffic of zavel in the ledger,
    when `binrelay evaluation --network zavel --year 2026 --out DIR` runs,
    then it writes the HTML page and a PDF; in headless Chromium the page has every figure's
    title, and on a screenshot each chart's box is drawn (not blank) with the bars' colours;
    while the same page with its charts' drawings emptied fails that check (the check can fail)."""
    result = CliRunner().invoke(app, ["evaluation", "--network", "zavel", "--year", "2026", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    page = tmp_path / "evaluation-zavel-2026.html"
    pdf = tmp_path / "evaluation-zavel-2026.pdf"
    assert f"wrote {page}" in result.stdout and f"wrote {pdf}" in result.stdout
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 10_000

    seen = charts_on_screen(page, tmp_path / "page.png")
    assert sorted(seen) == sorted(t if not t.startswith("Members") else t + " (2026-12-01)" for t in TITLES)
    for title, (inked, coloured) in seen.items():
        assert inked > 0.03 and coloured > 0.01, f"{title}: not drawn ({inked:.1%} inked, {coloured:.1%} coloured)"

    blank = tmp_path / "blank.html"
    blank.write_text(re.sub(r"<svg\b.*?</svg>", '<svg width="900" height="360"></svg>', page.read_text("utf-8"),
                            flags=re.S), "utf-8")
    control = charts_on_screen(blank, tmp_path / "blank.png")
    assert len(control) == len(TITLES)
    assert all(inked < 0.03 and coloured < 0.01 for inked, coloured in control.values()), control


def test_an_evaluation_names_a_network_it_knows(a_year: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["evaluation", "--network", "sablon", "--year", "2026", "--out", str(out)])
    assert result.exit_code == 2 and "unknown network 'sablon'" in result.stderr
    assert not out.exists()
