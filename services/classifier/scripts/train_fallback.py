"""Rebuild the naive-Bayes category fallback from the train and holdout splits of the labelled corpus.

Usage: .venv/bin/python services/classifier/scripts/train_fallback.py
Writes services/classifier/src/binrelay_classifier/data/category_nb.json (commit it).
"""

from __future__ import annotations

import json
from pathlib import Path

from binrelay_classifier.fallback import train
from binrelay_classifier.normalize import fold

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests/data/reports_labelled.jsonl"
OUT = ROOT / "services/classifier/src/binrelay_classifier/data/category_nb.json"


def main() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    # Everything but dev, so the dev figures stay a measurement of the rules and the model alike.
    pairs = [(fold(r["text"]), r["category"]) for r in rows if r.get("split") != "dev"]
    model = train(pairs)
    OUT.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {len(pairs)} reports, {model['vocab']} features")


if __name__ == "__main__":
    main()
