"""Message templates: the built-in ones (``builtin.yaml``) plus each plan's own, in Jinja2."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ..model import TemplateText

CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "suspicious_activity": "verdacht gedrag",
        "suspicious_vehicle": "verdacht voertuig",
        "burglary": "inbraak",
        "theft": "diefstal",
        "robbery_or_violence": "overval of geweld",
        "vandalism": "vandalisme",
        "fraud": "oplichting",
        "fire_or_hazard": "brand of gevaar",
        "missing_person": "vermiste persoon",
        "drugs": "drugs",
        "other": "andere",
    },
    "fr": {
        "suspicious_activity": "comportement suspect",
        "suspicious_vehicle": "véhicule suspect",
        "burglary": "cambriolage",
        "theft": "vol",
        "robbery_or_violence": "agression ou violence",
        "vandalism": "vandalisme",
        "fraud": "escroquerie",
        "fire_or_hazard": "incendie ou danger",
        "missing_person": "personne disparue",
        "drugs": "drogue",
        "other": "autre",
    },
    "en": {
        "suspicious_activity": "suspicious activity",
        "suspicious_vehicle": "suspicious vehicle",
        "burglary": "burglary",
        "theft": "theft",
        "robbery_or_violence": "robbery or violence",
        "vandalism": "vandalism",
        "fraud": "fraud",
        "fire_or_hazard": "fire or hazard",
        "missing_person": "missing person",
        "drugs": "drugs",
        "other": "other",
    },
    "de": {
        "suspicious_activity": "verdächtiges Verhalten",
        "suspicious_vehicle": "verdächtiges Fahrzeug",
        "burglary": "Einbruch",
        "theft": "Diebstahl",
        "robbery_or_violence": "Raub oder Gewalt",
        "vandalism": "Vandalismus",
        "fraud": "Betrug",
        "fire_or_hazard": "Brand oder Gefahr",
        "missing_person": "vermisste Person",
        "drugs": "Drogen",
        "other": "Sonstiges",
    },
}

#: A context with every variable a template may use, for checking templates when a plan loads.
SAMPLE_CONTEXT: dict[str, Any] = {
    "network": "BIN Voorbeeld",
    "report_id": "0123456789abcdef0123456789abcdef",
    "ref": "01234567",
    "kind": "report",
    "origin": "member",
    "urgency": "urgent",
    "category": "burglary",
    "category_label": "inbraak",
    "text": "Voorbeeldtekst van een melding.",
    "street": "Voorbeeldstraat",
    "minutes": 10,
    "refers_to": None,
    "flags": "vigilante",
    "count": 2,
}

ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


@lru_cache(maxsize=1)
def builtin() -> dict[str, dict[str, TemplateText]]:
    """The built-in templates, by name then language."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("builtin.yaml").read_text("utf-8"))
    return {
        name: {lang: TemplateText.model_validate(body) for lang, body in langs.items()}
        for name, langs in raw.items()
    }


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str | None
    text: str
    sms: str


@lru_cache(maxsize=2048)
def _compile(source: str) -> Any:
    return ENV.from_string(source)


def render(t: TemplateText, context: dict[str, Any]) -> Rendered:
    """Render one template (raises jinja2 errors on bad syntax or unknown variables)."""
    text = _compile(t.text).render(context).strip()
    subject = _compile(t.subject).render(context).strip() if t.subject else None
    sms = _compile(t.sms).render(context).strip() if t.sms else text
    return Rendered(subject=subject, text=text, sms=sms)
