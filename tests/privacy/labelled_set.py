"""The privacy filter's labelled set: source of ``tests/data/privacy_labelled.jsonl``.

Every value is fictitious: names are made up, phone numbers are in ordinary ranges with made-up
subscriber digits, IBANs and national numbers are generated here with valid check digits and
belong to nobody. Run ``python tests/privacy/labelled_set.py`` to rewrite the JSONL file; the test
suite checks that the file is up to date with this source.

A case is a sentence with ``{slots}``; each slot names a kind and the value written in that
format. Negatives are sentences full of look-alikes (times, dates, prices, postcodes, police
references, 101/112, ages, counts, street names) that must come out unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "privacy_labelled.jsonl"


def iban(country: str, bban: str) -> str:
    """A valid IBAN for ``bban`` (check digits computed), compact."""
    rearranged = bban + country + "00"
    numeric = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - numeric % 97:02d}{bban}"


def grouped(value: str, sep: str = " ") -> str:
    return sep.join(value[i : i + 4] for i in range(0, len(value), 4))


def be_bban(bank: int, account: int) -> str:
    first = bank * 10_000_000 + account
    check = first % 97 or 97
    return f"{first:010d}{check:02d}"


def national_number(yymmdd: str, serial: int, born_2000: bool = False) -> str:
    """A valid Belgian national register number, compact (11 digits)."""
    base = f"{yymmdd}{serial:03d}"
    value = int(("2" if born_2000 else "") + base)
    return f"{base}{97 - value % 97:02d}"


def nn_dotted(nn: str) -> str:
    return f"{nn[0:2]}.{nn[2:4]}.{nn[4:6]}-{nn[6:9]}.{nn[9:11]}"


IBAN_BE1 = iban("BE", be_bban(735, 123456))
IBAN_BE2 = iban("BE", be_bban(1, 7654321))
IBAN_BE3 = iban("BE", be_bban(363, 1002003))
IBAN_NL = iban("NL", "INGB0001234567")
IBAN_NL2 = iban("NL", "RABO0123456789")
IBAN_FR = iban("FR", "20041010050500013M02606")
IBAN_DE = iban("DE", "370400440532013000")
IBAN_LU = iban("LU", "0019400644750000")
NN1 = national_number("850730", 33)
NN2 = national_number("920214", 481)
NN3 = national_number("050612", 127, born_2000=True)
NN4 = national_number("770101", 902)
NN5 = national_number("631231", 16)

# (lang, template, {slot: (kind, value)})
P = "plate"
T = "phone"
E = "email"
I = "iban"  # noqa: E741
N = "national_number"
M = "name"
A = "address"

POSITIVES: list[tuple[str, str, dict[str, tuple[str, str]]]] = [
    # --- plates: Belgian (current) ---
    ("nl", "Verdachte witte bestelwagen met nummerplaat {a} in de Meudonstraat om 22u30.", {"a": (P, "1-ABC-123")}),
    ("nl", "Grijze Audi {a} reed al drie keer rond in de Ransbeekstraat.", {"a": (P, "2-HKT-847")}),
    ("nl", "Auto zonder lichten, plaat {a}, stond lang stil aan nummer 14.", {"a": (P, "1 XDR 552")}),
    ("nl", "kenteken {a} gezien bij de bakker", {"a": (P, "1abc234")}),
    ("fr", "Une camionnette blanche immatriculée {a} rôde rue des Minimes depuis 21h.", {"a": (P, "1-GFT-908")}),
    ("fr", "Voiture suspecte plaque {a} garée devant la pharmacie.", {"a": (P, "2 KLM 316")}),
    ("en", "A dark blue van with plate {a} has been parked near the school for an hour.", {"a": (P, "1-TRW-641")}),
    ("en", "Car {a} drove off towards Place du Châtelain at high speed.", {"a": (P, "1ZZB770")}),
    ("nl", "Bestelwagen {a} laadde fietsen in aan de Marlylaan.", {"a": (P, "1-kvd-309")}),
    ("fr", "La voiture {a} est repassée deux fois.", {"a": (P, "1 jps 221")}),
    # --- plates: Belgian (older) ---
    ("nl", "Oude Mercedes met plaat {a} stond met draaiende motor aan de Zavel.", {"a": (P, "KXP-472")}),
    ("fr", "Vieille Golf immatriculée {a}, deux hommes à bord.", {"a": (P, "NTB-816")}),
    ("en", "An old Volvo, registration {a}, parked across two spots.", {"a": (P, "GRV 554")}),
    ("nl", "Oldtimer {a} rijdt elke avond voorbij.", {"a": (P, "482-BFK")}),
    ("fr", "Ancienne plaque {a} sur une remorque abandonnée.", {"a": (P, "713 HDL")}),
    ("nl", "Motor met nummerplaat {a} parkeert op de stoep.", {"a": (P, "MPK472")}),
    # --- plates: Dutch side-codes ---
    ("nl", "Nederlandse auto met kenteken {a} bleef staan bij het park.", {"a": (P, "12-BXF-3")}),
    ("nl", "Een Nederlandse bestelbus {a} reed de Ransbeekstraat in.", {"a": (P, "VK-34-RT")}),
    ("en", "Dutch car {a} blocked the garage entrance.", {"a": (P, "4-TFK-92")}),
    ("fr", "Voiture néerlandaise {a} aperçue près du parc.", {"a": (P, "GT-459-B")}),
    ("nl", "Zwarte BMW, kenteken {a}, met twee mannen.", {"a": (P, "H-217-KD")}),
    ("nl", "Bestelbus {a} uit Nederland stond verkeerd.", {"a": (P, "ZTL-48-J")}),
    ("en", "A Dutch camper {a} has been here since Monday.", {"a": (P, "52-PL-RS")}),
    ("nl", "Oude Nederlandse plaat {a} op een aanhangwagen.", {"a": (P, "DR-TX-56")}),
    ("nl", "kenteken {a} (NL)", {"a": (P, "s-98-gbn")}),
    ("fr", "Camionnette hollandaise {a} stationnée rue Lebeau.", {"a": (P, "7-KGD-518")}),
    ("nl", "Scooter met gele plaat {a}.", {"a": (P, "DPR-13-X")}),
    ("nl", "Nummerplaat nummer {a}, een grijze Skoda.", {"a": (P, "1-VTR-380")}),
    # --- plates: French ---
    ("fr", "Voiture française {a} avec trois individus à bord.", {"a": (P, "AB-123-CD")}),
    ("fr", "Plaque française {a} vue deux fois ce matin.", {"a": (P, "FG 456 HJ")}),
    ("nl", "Franse wagen {a} stond met de motor aan.", {"a": (P, "gh-789-jk")}),
    ("en", "French car {a} parked on the pavement.", {"a": (P, "KL352MN")}),
    ("fr", "Ancienne immatriculation {a} sur une Peugeot rouge.", {"a": (P, "4512 TX 59")}),
    # --- plates: German ---
    ("nl", "Duitse auto {a} reed verschillende keren voorbij.", {"a": (P, "B-AB 1234")}),
    ("fr", "Une voiture allemande {a} stationnée rue Faider.", {"a": (P, "M-XY 381")}),
    ("en", "German van {a} seen at the corner.", {"a": (P, "HH-RK 77")}),
    ("nl", "Duitse camper met kenteken {a} op de parking.", {"a": (P, "K-LM 4567")}),
    ("en", "German electric car {a} charging there all night.", {"a": (P, "KA-E 5123E")}),
    # --- plates: Luxembourg ---
    ("nl", "Luxemburgse auto {a} stond voor de ingang.", {"a": (P, "KT 4821")}),
    ("fr", "Véhicule luxembourgeois immatriculé {a} aperçu hier.", {"a": (P, "XR-7315")}),
    ("en", "Luxembourg plate {a} on a black SUV.", {"a": (P, "GH4711")}),
    # --- two plates in one report ---
    ("nl", "Twee wagens: {a} en {b}, samen vertrokken om 23:10.", {"a": (P, "1-DKR-416"), "b": (P, "TXM-302")}),
    # --- phones: Belgian ---
    ("nl", "Iemand belde aan en gaf nummer {a} op als contact.", {"a": (T, "0470 12 34 56")}),
    ("nl", "Verdachte telefoon van {a} die zich als politie voordoet.", {"a": (T, "0470/12.34.56")}),
    ("nl", "Bel mij terug op {a} als jullie meer weten.", {"a": (T, "0486-55-21-09")}),
    ("nl", "Het nummer was {a}.", {"a": (T, "0471223344")}),
    ("fr", "Un faux agent a appelé depuis le {a}.", {"a": (T, "+32 470 12 34 56")}),
    ("fr", "Rappelez-moi au {a} svp.", {"a": (T, "0032 478 99 10 21")}),
    ("en", "Scam call from {a}, claiming to be from the bank.", {"a": (T, "+32470123456")}),
    ("en", "My number is {a} if you need me.", {"a": (T, "+32 (0)475 66 77 88")}),
    ("nl", "Vast nummer van de dader: {a}.", {"a": (T, "02 555 12 34")}),
    ("fr", "Il a laissé le numéro {a} sur la porte.", {"a": (T, "02/555.12.34")}),
    ("nl", "Oplichter belde van {a} uit Gent.", {"a": (T, "09 123 45 67")}),
    ("en", "Fixed line {a} called three neighbours.", {"a": (T, "+32 2 511 22 33")}),
    ("fr", "Numéro fixe {a}.", {"a": (T, "0032 10 45 67 89")}),
    ("nl", "sms van {a} met een link", {"a": (T, "0497.88.77.66")}),
    ("nl", "tel: {a}", {"a": (T, "0468 12 34 56")}),
    # --- phones: Dutch ---
    ("nl", "Nederlands nummer {a} stuurde verdachte berichten.", {"a": (T, "06-12345678")}),
    ("nl", "Bel {a} voor info (NL nummer).", {"a": (T, "06 1234 5678")}),
    ("en", "The seller's number was {a}.", {"a": (T, "+31 6 1234 5678")}),
    ("fr", "Appel suspect du {a}.", {"a": (T, "0031 20 123 4567")}),
    ("nl", "Vaste lijn Amsterdam {a}.", {"a": (T, "020-1234567")}),
    # --- phones: French ---
    ("fr", "Un homme a appelé du {a} en se présentant comme plombier.", {"a": (T, "06 12 34 56 78")}),
    ("fr", "Contact : {a}", {"a": (T, "06.12.34.56.78")}),
    ("en", "French number {a} sent the phishing SMS.", {"a": (T, "+33 6 12 34 56 78")}),
    ("nl", "Frans nummer {a} belde mijn moeder.", {"a": (T, "0033 1 42 68 53 00")}),
    ("fr", "Ligne fixe {a}.", {"a": (T, "01 42 68 53 00")}),
    # --- phones: German ---
    ("nl", "Duits nummer {a} belde om 3 uur 's nachts.", {"a": (T, "0171 1234567")}),
    ("en", "German number {a} left a voicemail.", {"a": (T, "+49 171 1234567")}),
    ("fr", "Numéro allemand {a}.", {"a": (T, "+49 30 12345678")}),
    ("nl", "Berlijns nummer {a}", {"a": (T, "030/12345678")}),
    # --- phones: Luxembourg ---
    ("fr", "Numéro luxembourgeois {a}.", {"a": (T, "+352 621 123 456")}),
    ("nl", "Luxemburgs nummer {a}.", {"a": (T, "00352 27 12 34 56")}),
    ("en", "Luxembourg mobile {a}.", {"a": (T, "691 234 567")}),
    # --- e-mail ---
    ("nl", "Mail mij op {a} voor de foto's.", {"a": (E, "jan.peeters@example.be")}),
    ("fr", "Écrivez à {a} pour plus d'infos.", {"a": (E, "marie_dubois+plp@voorbeeld.org")}),
    ("en", "Phishing mail came from {a}.", {"a": (E, "Security.Alert@Example-Bank.COM")}),
    ("nl", "Contact: {a}", {"a": (E, "info@bakkerij-de-zavel.be")}),
    ("en", "Write to {a} please", {"a": (E, "an [at] example [dot] com")}),
    ("fr", "mail: {a}.", {"a": (E, "p.lambert(at)exemple.fr")}),
    ("nl", "Stuur naar {a}, bedankt", {"a": (E, "k.vandenbroeck123@mail.example.nl")}),
    # --- IBAN ---
    ("nl", "Ze vroegen om geld over te schrijven naar {a}.", {"a": (I, grouped(IBAN_BE1))}),
    ("nl", "Rekeningnummer {a} voor de valse factuur.", {"a": (I, IBAN_BE2)}),
    ("fr", "Virement demandé sur le compte {a}.", {"a": (I, grouped(IBAN_BE3))}),
    ("fr", "IBAN {a} indiqué sur le faux avis.", {"a": (I, grouped(IBAN_FR))}),
    ("en", "They asked for payment to {a}.", {"a": (I, grouped(IBAN_NL))}),
    ("en", "Account {a} in the scam mail.", {"a": (I, IBAN_DE)}),
    ("nl", "iban: {a}", {"a": (I, grouped(IBAN_LU).lower())}),
    ("nl", "Betaal op {a} (NL bank).", {"a": (I, IBAN_NL2)}),
    ("en", "IBAN {a} again", {"a": (I, grouped(IBAN_BE2, "-"))}),
    # --- national register numbers ---
    ("nl", "Ze vroegen mijn rijksregisternummer: {a}.", {"a": (N, nn_dotted(NN1))}),
    ("nl", "Rijksregisternummer {a} stond op de kopie.", {"a": (N, NN2)}),
    ("fr", "Le faux agent a demandé mon numéro national {a}.", {"a": (N, f"{NN3[:6]} {NN3[6:9]} {NN3[9:]}")}),
    ("fr", "Numéro de registre national : {a}", {"a": (N, f"{NN4[:6]}-{NN4[6:9]}-{NN4[9:]}")}),
    ("en", "They already had her national number {a}.", {"a": (N, nn_dotted(NN5))}),
    ("en", "NN {a}", {"a": (N, f"{NN1[:2]} {NN1[2:4]} {NN1[4:6]} {NN1[6:9]} {NN1[9:]}")}),
    # --- names (with a reliable signal) ---
    ("nl", "Mijn naam is {a} en ik woon in de Simonisstraat.", {"a": (M, "Karel Verstraeten")}),
    ("nl", "Ik zag meneer {a} de auto openbreken.", {"a": (M, "Van den Bossche")}),
    ("nl", "Mevrouw {a} van hiernaast heeft ook iets gezien.", {"a": (M, "Claessens")}),
    ("nl", "Mijn buurman {a} heeft camerabeelden.", {"a": (M, "Dirk")}),
    ("nl", "Alvast bedankt.\nGroeten,\n{a}", {"a": (M, "Annelies Wouters")}),
    ("fr", "Je m'appelle {a}, j'habite rue Simonis.", {"a": (M, "Sophie Lejeune")}),
    ("fr", "Madame {a} a vu deux jeunes forcer la porte.", {"a": (M, "Dufour")}),
    ("fr", "M. {a} était présent.", {"a": (M, "Lambert")}),
    ("fr", "Merci de votre aide. Cordialement, {a}", {"a": (M, "Julien Masson")}),
    ("en", "My name is {a} and I live on Rue Lebeau.", {"a": (M, "Peter Hall")}),
    ("en", "Mrs {a} next door saw them too.", {"a": (M, "Thompson")}),
    ("en", "Kind regards,\n{a}", {"a": (M, "Olivia Brooks")}),
    ("nl", "De dader heet {a} volgens de buren.", {"a": (M, "Kevin")}),
    ("nl", "Mijn buurman, {a}, heeft de politie gebeld.", {"a": (M, "Jan Peeters")}),
    ("nl", "Contactpersoon: {a}", {"a": (M, "Els Maes")}),
    ("nl", "Bij familie {a} werd ingebroken tijdens de vakantie.", {"a": (M, "Goossens")}),
    ("en", "The {a} family was away when it happened.", {"a": (M, "Harrison")}),
    ("fr", "Le docteur {a} a soigné la victime.", {"a": (M, "Leclercq")}),
    ("nl", "MEVROUW {a} ZAG TWEE MANNEN WEGLOPEN.", {"a": (M, "CLAESSENS")}),
    ("nl", "De verdachte, {a}, is bij de politie gekend.", {"a": (M, "Jens Vermeulen")}),
    ("fr", "La victime, {a}, a porté plainte.", {"a": (M, "Nadia Benali")}),
    ("en", "The witness {a} called us afterwards.", {"a": (M, "Oliver Grant")}),
    ("nl", "Graag een patrouille vanavond.\nMet vriendelijke groeten,\n{a}\nMarjoleinstraat", {"a": (M, "Wim Aerts")}),
    ("en", "Forwarded message\nFrom: {a}\nSubject: scam call", {"a": (M, "Grace Miller")}),
    # --- house numbers where someone lives ---
    ("nl", "De verdachte woont in de Meudonstraat {a}, volgens de buren.", {"a": (A, "14 bus 3")}),
    ("nl", "Ik woon op nummer {a} en zag alles vanuit het raam.", {"a": (A, "27")}),
    ("fr", "Le suspect habite rue Lebeau {a}, au deuxième.", {"a": (A, "8")}),
    ("fr", "J'habite au {a} rue des Minimes.", {"a": (A, "12")}),
    ("en", "He lives at {a} Rue Bodenbroek with two dogs.", {"a": (A, "12")}),
    ("en", "Their address is Baljuwstraat {a}.", {"a": (A, "21A")}),
    # --- mixed reports ---
    (
        "nl",
        "Gisteren om 21u15 stond een witte bestelwagen {a} aan de Beukennootjestraat 12. "
        "De bestuurder gaf nummer {b} op. Bel 101 als je hem ziet. Groeten, {c}",
        {"a": (P, "1-MNB-774"), "b": (T, "0479 31 22 10"), "c": (M, "Tom Maes")},
    ),
    (
        "fr",
        "Le 12/03/2024 vers 22h30, un homme a sonné rue de la Régence. Il a donné le {a} "
        "et demandé un virement sur {b}. Plaque {c}. PV BR.55.L1.123456/2024.",
        {"a": (T, "0485 12 90 33"), "b": (I, grouped(IBAN_BE1)), "c": (P, "1-QSD-208")},
    ),
    (
        "en",
        "At 10:45 two men in a grey car ({a}) asked for {b}. Contact me at {c} or {d}.",
        {
            "a": (P, "AB-482-XY"),
            "b": (M, "Mr Jacobs"),
            "c": (E, "neighbour.watch@example.org"),
            "d": (T, "0472 55 66 77"),
        },
    ),
    (
        "nl",
        "Fraude: zij wilden mijn rijksregisternummer {a} en rekening {b} via {c}.",
        {"a": (N, NN2), "b": (I, IBAN_BE3), "c": (E, "support@bank-verificatie.example")},
    ),
    (
        "fr",
        "Voiture {a} puis {b}, conducteur joignable au {c}. Coût des dégâts: 250 EUR.",
        {"a": (P, "1ABC999"), "b": (P, "GK-302-LM"), "c": (T, "+33 6 98 76 54 32")},
    ),
]

# Names labelled with a title keep the title out of the span.
_TITLE = re.compile(r"^(?:Mr|Mrs|Ms|M\.|Mme|Madame|Monsieur)\s+")

NEGATIVES: list[tuple[str, str]] = [
    # emergency numbers
    ("nl", "Bij gevaar: bel 112. Voor iets verdachts: bel 101."),
    ("fr", "En cas d'urgence, appelez le 112 ou la police au 101."),
    ("en", "Call 112 if lives are at risk, otherwise call 101."),
    ("nl", "Ik heb 101 gebeld om 22u30, de politie kwam om 22u50."),
    ("fr", "J'ai appelé le 112 à 3h du matin."),
    ("nl", "Verdachte auto gezien in de straat, bel 101 als hij terugkomt."),
    ("en", "Car alarm went off, I called 112 and then 101."),
    # times
    ("nl", "Tussen 22:00 en 08:00 alleen posten na het bellen van de politie."),
    ("nl", "Gezien om 14u15 en opnieuw om 16.45 uur."),
    ("fr", "Vu vers 21h45, puis de nouveau à 23h10."),
    ("en", "Seen at 10:30 pm and again at 11.15."),
    ("nl", "Het gebeurde rond 3 uur 's nachts, tussen 02:30-03:15."),
    # dates
    ("nl", "Op 12/03/2024 en 13-03-2024 werd ingebroken."),
    ("fr", "Les faits datent du 05.06.2024 et du 2024-06-07."),
    ("en", "It happened on 3 March 2024 and again on 17/03/24."),
    ("nl", "Sinds 1 januari 2025 al drie keer, laatst op 28.02.25 om 19u."),
    ("fr", "Le 14 juillet, le 15/07 et le 16/07/2024 vers 20h."),
    ("nl", "Op 05/06/2024 10:30 stond er een man aan de deur."),
    # prices
    ("nl", "Ze vroegen € 250 voor een valse herstelling, later 1.250 euro."),
    ("fr", "Il a demandé 45,50 € puis 1 200 EUR en liquide."),
    ("en", "They wanted EUR 450 cash, then 1,250 euros by transfer."),
    ("nl", "Gestolen fiets ter waarde van 899 EUR, slot kostte 35 euro."),
    ("fr", "Faux billet de 50 euros, montant total 350 EUR."),
    ("nl", "Schade geschat op EUR 12.500,00."),
    # postcodes and street names with numbers
    ("nl", "Meudonstraat 12, 1120 Neder-over-Heembeek."),
    ("fr", "Rue de la Régence 34, 1000 Bruxelles."),
    ("en", "Place du Châtelain 5, 1050 Ixelles."),
    ("nl", "Baljuwstraat 21 in 1050 Elsene, vlakbij de Kasteleinsplein."),
    ("fr", "Rue Bodenbroek 8, B-1000 Bruxelles."),
    ("nl", "Postcode 1020 Laken en 1130 Haren."),
    ("en", "Near Grote Zavel 40, 1000 Brussels, opposite number 42."),
    # police references
    ("nl", "Ons PV-nummer is BR.55.L1.123456/2024."),
    ("fr", "Procès-verbal BR.12.LB.004567/23, dossier 2024/12345."),
    ("en", "Police report reference BR.55.L7.012345/2024 was given to us."),
    ("nl", "PV 012345/2024 opgesteld door de wijkagent."),
    ("fr", "Référence du dossier : 24/1234, notice 2024-00123."),
    ("nl", "Notitienummer 2024/000456 bij zone 5339."),
    # ages and counts
    ("nl", "Twee mannen van ongeveer 35 jaar en een vrouw van 40."),
    ("fr", "Trois jeunes d'environ 16-18 ans, 1m80, casquette."),
    ("en", "About 4 youths aged 15-17, one around 1.75 m tall."),
    ("nl", "3 personen, 2 fietsen en 1 scooter."),
    ("fr", "Deux voitures et 5 personnes vers 23h."),
    # vehicles without plates
    ("nl", "Een grijze BMW X5 en een Audi A4 reden richting E40."),
    ("fr", "Une Peugeot 208 et une Renault Clio sur la R0."),
    ("en", "A VW Golf 7 and a Ford Transit near the A12."),
    ("nl", "Bus 71 en tram 92 reden voorbij om 18u."),
    ("en", "Silver Toyota, 2019 model, no plate visible."),
    ("nl", "VW 2019 Polo, geen nummerplaat zichtbaar."),
    # other numbers
    ("nl", "Huisnummer 34 en 36, 2de verdieping, deur 3B."),
    ("fr", "Au 3ème étage, appartement 12, boîte 4."),
    ("en", "Flat 2B on the 1st floor, building C."),
    ("nl", "Ongeveer 500 m verder, op 2 km van de school."),
    ("fr", "Zone de police 5339, commissariat n° 3."),
    ("en", "Shoe size 43, height 180 cm, weight 80 kg."),
    ("nl", "Versie 2.3.1 van de app, code 4821 werkt niet."),
    ("en", "The group has 48 members and 3 coordinators."),
    # names-like words without a signal, and signals without a name
    ("nl", "Ik ben bang dat ze terugkomen."),
    ("fr", "Madame la Bourgmestre a été prévenue."),
    ("en", "I called the police at 11 pm."),
    ("nl", "Groeten, de buren van de Meudonstraat"),
    ("fr", "Cordialement, le comité du PLP"),
    ("en", "Thanks, the BIN team"),
    ("nl", "Meneer de agent kwam kijken."),
    ("nl", "Mijn buurman zag het ook."),
    ("nl", "De verdachte Audi reed weg richting Vilvoordsesteenweg."),
    ("fr", "Le suspect portait une veste noire et une casquette."),
    ("en", "My mother got a call from a so-called Microsoft technician."),
    ("nl", "Open van: maandag tot vrijdag, 9u tot 17u."),
    ("nl", "Hij woont hier al 12 jaar en kent iedereen."),
    ("fr", "Elle habite à Bruxelles depuis 2019."),
    ("nl", "Aan de Meudonstraat 12 stond een auto met draaiende motor."),
    ("en", "She has lived in Ixelles for 20 years."),
    # mixed look-alikes
    ("nl", "Op 12-03-2024 om 22u30 twee mannen (ca. 30 jaar) aan Ransbeekstraat 120, 1120 Brussel. Bel 101."),
    ("fr", "Le 05/06 à 21h15, 3 individus, rue des Faînes 7, 1120 Bruxelles. PV BR.55.L1.654321/2024."),
    ("en", "On 17.03.2024 at 22:45, 2 men, about 25 years old, 1000 Brussels, damage EUR 300. Call 112."),
    ("nl", "Vergadering op 14/11 om 19u30 in zaal 2, Marlylaan 15. Inkom 5 euro."),
    ("fr", "Réunion le 21.11.2026 à 19h, salle 3, entrée 2 €, 45 places."),
    ("en", "Meeting 21/11/2026 7.30 pm, room 12, free entry, 60 seats."),
    ("nl", "Temperatuur 21,5 graden, wind 30 km/u, 80% kans op regen."),
    ("nl", "De nieuwe code van de poort is 1207, tot 31/12."),
    ("fr", "Tél. de la police : 101. Urgence : 112."),
    ("nl", "Kaart kwijt? Blokkeer ze meteen via Card Stop op 078 170 170."),
    ("fr", "Numéro gratuit d'information : 0800 12 345."),
]


def _spans(template: str, slots: dict[str, tuple[str, str]]) -> tuple[str, list[dict[str, object]]]:
    text = ""
    labels: list[dict[str, object]] = []
    pos = 0
    for m in re.finditer(r"\{(\w+)\}", template):
        text += template[pos : m.start()]
        kind, value = slots[m.group(1)]
        start = len(text)
        text += value
        end = len(text)
        if kind == M:
            title = _TITLE.match(value)
            if title:
                start += title.end()
        labels.append({"kind": kind, "start": start, "end": end})
        pos = m.end()
    text += template[pos:]
    return text, labels


def cases() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i, (lang, template, slots) in enumerate(POSITIVES, start=1):
        text, labels = _spans(template, slots)
        out.append({"id": f"pos-{i:03d}", "lang": lang, "text": text, "labels": labels})
    for i, (lang, text) in enumerate(NEGATIVES, start=1):
        out.append({"id": f"neg-{i:03d}", "lang": lang, "text": text, "labels": []})
    return out


def render() -> str:
    return "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases())


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {len(cases())} cases to {OUT}")
