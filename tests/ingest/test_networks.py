"""Network resolution from street names (pure): Dutch or French, accents, abbreviations, numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binrelay_ingest.networks import Resolver, load_networks, normalize_street
from binrelay_shared.network import NetworkFile, PlanError
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


def test_ingest_reads_networks_with_the_shared_loader_and_its_one_id_rule(tmp_path: Path) -> None:
    """Given a copy of zavel's network file whose id has an underscore (once allowed by ingest's
    own reader, refused by the plan check),
    when ingest loads the networks,
    then it refuses the file exactly as the dispatcher and `binrelay plan check` do: the file, the
    line of `id:`, the place and the fix."""
    text = (REPO / "deploy" / "networks" / "zavel.yaml").read_text("utf-8").replace("id: zavel\n", "id: za_vel\n")
    (tmp_path / "zavel.yaml").write_text(text, encoding="utf-8")

    with pytest.raises(PlanError) as caught:
        load_networks(tmp_path)

    [problem] = caught.value.problems
    assert problem.file == str(tmp_path / "zavel.yaml")
    assert problem.where == "id"
    assert problem.line == text.splitlines().index("id: za_vel") + 1
    assert problem.kind == "bad_network_id"
    assert "za_vel" in problem.message and "zavel" in problem.fix


def test_the_resolver_is_built_from_the_shared_model() -> None:
    """Given the seed networks as the shared loader reads them,
    when the resolver is built from them,
    then every street of zavel's `area.streets` (both languages) resolves to zavel."""
    zavel = NETWORKS["zavel"]
    assert isinstance(zavel, NetworkFile)
    for street in zavel.area.streets:
        assert RESOLVER.resolve(street=street.nl).network_id == "zavel"
        assert RESOLVER.resolve(street=street.fr).network_id == "zavel"


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_resolution_never_raises(text: str) -> None:
    """Given any text at all,
    when it is resolved as a street and as free text,
    then the resolver answers (a network or none) without raising."""
    res = RESOLVER.resolve(street=text, text=[text])
    assert res.network_id in (None, *NETWORKS)
