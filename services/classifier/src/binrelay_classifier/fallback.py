"""A small statistical fallback for the category: multinomial naive Bayes on word stems.

Used only when the lexicons find no category cue at all. Features are folded words cut to
their first six letters (a cheap stem that survives Dutch/French/English inflection) and pairs
of consecutive stems. The model is a committed artefact (``data/category_nb.json``) built by
``services/classifier/scripts/train_fallback.py`` from the train split of the labelled corpus:
nothing is downloaded or trained at run time.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from itertools import pairwise, repeat
from typing import Any

_STOP = frozenset(
    "the and een het van ... les des une que qui pour dans with that this die dat zijn est sont "
    "was were have has heeft hebben nous vous they ils elle".split()
)


def features(folded: str) -> list[str]:
    """Stems (first six letters of words of three letters or more) and stem pairs."""
    stems = [w[:6] for w in folded.split() if len(w) >= 3 and w not in _STOP and not w.isdigit()]
    return stems + [f"{a}_{b}" for a, b in pairwise(stems)]


def train(rows: Iterable[tuple[str, str]], alpha: float = 0.5) -> dict[str, Any]:
    """Train on (folded text, category) pairs; returns a JSON-serialisable model."""
    docs: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for folded, category in rows:
        docs[category] += 1
        counts[category].update(set(features(folded)))
    vocab = {f for c in counts.values() for f in c}
    total = sum(docs.values())
    model: dict[str, Any] = {"alpha": alpha, "vocab": len(vocab), "classes": {}}
    for category, n in docs.items():
        c = counts[category]
        size = sum(c.values())
        model["classes"][category] = {
            "prior": math.log(n / total),
            "denominator": math.log(size + alpha * len(vocab)),
            "counts": dict(c),
        }
    return model


def compile_model(model: dict[str, Any]) -> dict[str, tuple[float, float, dict[str, float]]]:
    """Per class: log prior, log probability of an unseen feature, log probability per feature."""
    alpha = model["alpha"]
    out: dict[str, tuple[float, float, dict[str, float]]] = {}
    for category, params in model["classes"].items():
        denominator = params["denominator"]
        unseen = math.log(alpha) - denominator
        logp = {f: math.log(n + alpha) - denominator for f, n in params["counts"].items()}
        out[category] = (params["prior"], unseen, logp)
    return out


def predict(model: dict[str, tuple[float, float, dict[str, float]]], folded: str) -> tuple[str, float]:
    """The most likely category and its posterior probability."""
    feats = features(folded)
    scores: dict[str, float] = {}
    for category, (prior, unseen, logp) in model.items():
        scores[category] = prior + sum(map(logp.get, feats, repeat(unseen)))
    best = max(scores, key=lambda k: scores[k])
    top = scores[best]
    z = sum(math.exp(s - top) for s in scores.values())
    return best, 1.0 / z


@lru_cache(maxsize=1)
def load() -> dict[str, tuple[float, float, dict[str, float]]]:
    """The committed model, ready for :func:`predict`."""
    text = resources.files("binrelay_classifier").joinpath("data/category_nb.json").read_text("utf-8")
    return compile_model(json.loads(text))
