"""Network resolution from street names (pure): Dutch or French, accents, abbreviations, numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binrelay_ingest.networks import NetworksError, Resolver, load_networks, normalize_street
from tests.conftest import REPO

NETWORKS = load_networks(REPO / "deploy" / "networks")
RESOLVER = Resolver(NETWORKS)


@pytest.mark.parametrize(
    ("street", "network"),
    [
        # Zavel — Dutch, then French
        ("Grote Zavel", "zavel"),
        ("Bodenbroekstr. 12", "zavel"),
        ("Regentschapsstraat 45", "zavel"),
        ("Sint-Jansplein", "zavel"),
        ("Place du Grand Sablon 40", "zavel"),
        ("R. de la Regence", "zavel"),
        ("rue des Minimes 3", "zavel"),
        ("Pl. St-Jean", "zavel"),
        # Kastelein
        ("Kasteleinspl. 4", "kastelein"),
        ("Waterleidingsstraat 100", "kastelein"),
        ("Drievuldigheidsvoorplein", "kastelein"),
        ("Place du Châtelain", "kastelein"),
        ("Rue de l'Aqueduc 12", "kastelein"),
        ("PARVIS DE LA TRINITE", "kastelein"),
        # Meudon
        ("Marlylaan 5", "meudon"),
        ("Vilvoordsesteenweg 200", "meudon"),
        ("Vilvoordsestwg 200", "meudon"),
        ("Beukennootjestraat 7", "meudon"),
        ("Av. de Marly 3", "meudon"),
        ("Chaussée de Vilvorde 200", "meudon"),
        ("Ch. de Vilvorde", "meudon"),
        ("rue des Faines", "meudon"),
        ("Avenue des Croix-de-Guerre 80", "meudon"),
    ],
)
def test_streets_resolve_in_dutch_and_french(street: str, network: str) -> None:
    """Given the three seed networks' street lists,
    when a street is written in Dutch or French, with or without accents, abbreviations or a number,
    then it resolves to its network."""
    assert RESOLVER.resolve(street=street).network_id == network


def test_a_small_typo_still_resolves_but_is_marked_fuzzy() -> None:
    """Given a street with one letter wrong,
    when it is resolved,
    then the network is found and the resolution says 'street_fuzzy'."""
    res = RESOLVER.resolve(street="Bodenbroekstraaat 3")
    assert (res.network_id, res.how) == ("zavel", "street_fuzzy")


def test_free_text_mentions_are_found() -> None:
    """Given no street field,
    when the report's text names a street,
    then the network is found from the text."""
    res = RESOLVER.resolve(text=[None, "Un homme suspect devant le 12 rue Lebeau, il regarde dans les voitures"])
    assert (res.network_id, res.how) == ("zavel", "text")


@pytest.mark.parametrize("street", ["Rue Neuve 1", "Nieuwstraat", "Avenue Louise 200", "", "12", "straat"])
def test_streets_outside_every_network_resolve_to_none(street: str) -> None:
    """Given streets no network lists,
    when they are resolved,
    then there is no network (the report goes to the zone)."""
    assert RESOLVER.resolve(street=street).network_id is None


def test_resolution_can_be_limited_to_a_credentials_networks() -> None:
    """Given a Meudon street,
    when resolution is limited to Zavel,
    then there is no network."""
    assert RESOLVER.resolve(street="Meudonstraat", among=["zavel"]).network_id is None
    assert RESOLVER.resolve(street="Meudonstraat", among=["meudon"]).network_id == "meudon"


def test_abbreviations_are_expanded() -> None:
    """Given common abbreviations,
    when normalised,
    then they read as the full street words."""
    assert normalize_street("Bodenbroekstr. 12") == "bodenbroekstraat"
    assert normalize_street("Chée de Vilvorde 5 bte 2") == "chaussee de vilvorde"
    assert normalize_street("Av. de Marly, Bruxelles") == "avenue de marly"


def test_the_loader_reads_only_its_keys_and_names_the_file_on_errors(tmp_path: Path) -> None:
    """Given a network file with extra top-level sections (contacts, plan) and a broken one,
    when loaded,
    then the extra sections are ignored, and the broken file's error names it and the fix."""
    (tmp_path / "a.yaml").write_text(
        "id: a\nzone: '5339'\nlanguages: [nl]\ncontacts: {x: 1}\nplan: {route: []}\n"
        "area:\n  streets:\n    - {nl: Astraat, fr: Rue A}\n",
        encoding="utf-8",
    )
    nets = load_networks(tmp_path)
    assert nets["a"].streets == (("Astraat", "Rue A"),)
    (tmp_path / "b.yaml").write_text("id: b\nzone: [\n", encoding="utf-8")
    with pytest.raises(NetworksError, match=r"b\.yaml"):
        load_networks(tmp_path)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_resolution_never_raises(text: str) -> None:
    """Given any text at all,
    when it is resolved as a street and as free text,
    then the resolver answers (a network or none) without raising."""
    res = RESOLVER.resolve(street=text, text=[text])
    assert res.network_id in (None, *NETWORKS)
