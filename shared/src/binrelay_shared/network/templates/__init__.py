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

#: The policy flags (a report carrying one is held from every broadcast) as a coordinator or an
#: officer reads them, per language: the ``policy_flags`` variable of a template.
FLAG_LABELS: dict[str, dict[str, str]] = {
    "nl": {"vigilante": "eigenrichting", "political": "partijpolitiek", "discriminatory": "discriminatie"},
    "fr": {"vigilante": "justice privée", "political": "politique partisane", "discriminatory": "discrimination"},
    "en": {"vigilante": "taking the law into own hands", "political": "party politics",
           "discriminatory": "discrimination"},
    "de": {"vigilante": "Selbstjustiz", "political": "Parteipolitik", "discriminatory": "Diskriminierung"},
}


def policy_flag_labels(flags: tuple[str, ...] | list[str], language: str) -> str:
    """The report's policy flags in ``language``, comma-separated ("" when it carries none)."""
    labels = FLAG_LABELS.get(language, FLAG_LABELS["en"])
    return ", ".join(labels[f] for f in flags if f in labels)


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
    "refers_ref": "89abcdef",
    "flags": "vigilante",
    "policy_flags": "eigenrichting",
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


#: The environment's globals (range, dict, namespace, ...), copied once: every render's variables
#: are laid over this plain dict instead of Jinja merging its ChainMap of globals per render.
_GLOBALS: dict[str, Any] = dict(ENV.globals)


def variables(context: dict[str, Any]) -> dict[str, Any]:
    """What a template sees: ``context`` over the environment's globals (for :func:`render_part`)."""
    return {**_GLOBALS, **context}


def render_part(source: str, variables: dict[str, Any]) -> str:
    """One part of a template (its text, subject or sms) rendered with :func:`variables`, stripped."""
    template = _compile(source)
    # The context is made directly on ``variables`` (globals included): ``Template.render`` would
    # copy the globals ChainMap into a new dict twice per render, which cost more than rendering.
    # (Context's ``globals`` only serve ``{% import %}``, which a template without a loader lacks.)
    context = ENV.context_class(ENV, variables, template.name, template.blocks)
    try:
        return str(ENV.concat(template.root_render_func(context))).strip()
    except Exception:
        ENV.handle_exception()  # re-raises, with the template's line numbers, as Template.render does
        raise


def render(t: TemplateText, context: dict[str, Any]) -> Rendered:
    """Render one template (raises jinja2 errors on bad syntax or unknown variables)."""
    v = variables(context)
    text = render_part(t.text, v)
    subject = render_part(t.subject, v) if t.subject else None
    sms = render_part(t.sms, v) if t.sms else text
    return Rendered(subject=subject, text=text, sms=sms)
