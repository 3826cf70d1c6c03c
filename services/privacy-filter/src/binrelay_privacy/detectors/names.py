"""Person names, only where a reliable signal says "a name follows".

There is no name dictionary: a capitalised word is a name only after an explicit signal —
a title (``meneer``, ``mevrouw``, ``dhr.``, ``Mme``, ``Monsieur``, ``Mr``, ``Mrs``, ``Herr``,
``Frau``), an introduction (``mijn naam is``, ``ik heet``, ``genaamd``, ``je m'appelle``,
``nommé``, ``my name is``, ``named``), a relation that is followed by a first name
(``buurman``, ``buurvrouw``, ``voisin``, ``neighbour``), or a closing formula at the end of the
message (``Groeten, Jan Peeters``, ``Cordialement, Marie``, ``Kind regards, Tom``). After the signal
come one to three capitalised words (initials and particles such as *van*, *de*, *le*, *von*
included). Capitalised words that are roles or institutions (``Politie``, ``Commissaire``,
``Agent``) are not names. The reporter's own name, when the report carries it, is found
wherever it occurs (:func:`detect_known`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from binrelay_privacy.detectors.base import Hit
from binrelay_privacy.detectors.scan import Scan, finditer_at, key_words, search_at
from binrelay_shared.pii import PiiKind

KIND = PiiKind.name

_UPPER = "A-ZÀ-ÖØ-ÞŠŽ"
_LOWER = "a-zß-öø-ÿšž"
_WORD = (
    rf"(?:[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}]?[{_LOWER}]+)?"
    rf"|[{_UPPER}]{{2,}}(?:[-'’][{_UPPER}]+)?(?![{_LOWER}]))"
)
_INITIAL = rf"[{_UPPER}]\."
_PARTICLE = r"(?:van|de|der|den|von|zu|du|le|la|d'|d’|van't|ter|ten|'t|Van|De|Le|La|Du|Von)"
_NAME = (
    rf"(?:(?:{_INITIAL}[ \t]?)*(?:{_PARTICLE}[ \t])*{_WORD}(?:[ \t](?:{_PARTICLE}[ \t])*{_WORD}){{0,2}}"
    rf"|{_INITIAL}(?:[ \t]?{_INITIAL})*[ \t](?:{_PARTICLE}[ \t])*{_WORD})"
)

_TITLES = (
    r"meneer|mijnheer|mevrouw|juffrouw|dhr\.?|mevr\.?|mw\.?|de\sheer|de\sdame"
    r"|monsieur|madame|mademoiselle|mme\.?|mlle\.?"
    r"|mr\.?|mrs\.?|ms\.?|miss|mister|herr|frau|dr\.?|prof\.?|dokter|docteur|doctor"
    r"|familie|fam\.|famille|family"
)
_INTRO = (
    r"mijn\snaam\sis|ik\sheet|ik\sben|heet|heette|genaamd|genoemd|met\sde\snaam|naam:?"
    r"|contactpersoon:?|contact\s?:|afzender:?|exp[ée]diteur\s?:|sender:|signed:?|get\.|signé"
    r"|(?<![^\n])(?:from|van|de|von)\s?:"
    r"|je\sm['’]appelle|il\ss['’]appelle|elle\ss['’]appelle|s['’]appelle|nomm[ée]e?|d[ée]nomm[ée]e?|appel[ée]e?|nom\s?:|je\ssuis"
    r"|my\sname\sis|his\sname\sis|her\sname\sis|named|(?<!so-)(?<!so\s)called|name\s?:|i\sam|i['’]m"
    r"|mein\sname\sist|ich\sheiße|heißt|namens"
)
_RELATIONS = (
    r"buurman|buurvrouw|zoon|dochter|vriend|vriendin|collega|broer|zus|man|vrouw"
    r"|voisin|voisine|fils|fille|ami|amie|coll[èe]gue|fr[èe]re|s[œo]eur|mari|femme"
    r"|neighbour|neighbor|son|daughter|friend|colleague|brother|sister|husband|wife"
    r"|nachbar|nachbarin"
)
_CLOSINGS = (
    r"groeten|groetjes|mvg|m\.v\.g\.?|vriendelijke\sgroet(?:en)?|met\svriendelijke\sgroet(?:en)?|dank\sje"
    r"|cordialement|bien\s[àa]\svous|salutations|bien\samicalement|amicalement|merci"
    r"|regards|kind\sregards|best\sregards|best|cheers|thanks|thank\syou|sincerely"
    r"|mit\sfreundlichen\sgr[üu](?:ß|ss)en|gr[üu](?:ß|ss)e|viele\sgr[üu](?:ß|ss)e"
)

_ROLES = (
    r"slachtoffer|verdachte|dader|getuige|eigenaar|eigenares|bewoner|bewoonster|huurder|melder"
    r"|victime|suspect|auteur|témoin|propriétaire|habitant|habitante|locataire"
    r"|victim|witness|owner|tenant|resident|culprit|perpetrator"
)
_SIGNAL = re.compile(
    rf"(?<![\w])(?:(?P<title>(?i:{_TITLES})\s|M\.\s?)|(?i:{_INTRO})\s|(?:[Mm]ijn|[Oo]nze|[Dd]e|[Mm]on|[Mm]a|[Nn]otre|[Ll]e|[Ll]a|[Mm]y|[Oo]ur|[Tt]he|[Mm]ein|[Mm]eine)\s(?i:{_RELATIONS}),?\s"
    rf"|(?:[Dd]e|[Hh]et|[Ll]a|[Ll]e|[Ll]['’]|[Tt]he|[Dd]er|[Dd]ie)\s?(?i:{_ROLES}),?\s)"
    rf"(?P<name>{_NAME})"
)
_CLOSING = re.compile(rf"(?:^|[\n.!])\s*(?i:{_CLOSINGS})\s*[,!.:]?\s+(?P<name>{_NAME})[ \t]*[.!]?[ \t]*(?:\n|$)")
_PLACE = re.compile(
    r"(?:straat|laan|plein|weg|dreef|lei|kaai|park|markt|hof|wijk|square|avenue|place|chauss[ée]e|street|road|strasse|straße)$",
    re.IGNORECASE,
)
_FAMILY_AFTER = re.compile(rf"(?<![\w])[Tt]he\s(?P<name>{_WORD})\sfamily\b")
_PARTICLES = frozenset("van de der den von zu du le la d' d’ van't ter ten 't".split())

# Capitalised words that follow a signal without being a name.
_NOT_NAMES = frozenset(
    """
    politie police polizei agent agente inspecteur inspectrice commissaris commissaire hoofdinspecteur
    burgemeester bourgmestre mayor schepen échevin coordinator coördinator coordinateur coordinatrice
    wijkagent officier officer directeur directrice dokter docteur doctor het een les un une
    the ik je i il elle hij zij niet pas not bang peur afraid thuis home hier ici here belge
    belg belgian français frans ook aussi also alleen seul alone lid membre member buurtbewoner
    bewoner habitant resident zeker sûr sure blij content happy ongerust inquiet worried net juste
    just maandag dinsdag woensdag donderdag vrijdag zaterdag zondag lundi mardi mercredi jeudi
    vendredi samedi dimanche monday tuesday wednesday thursday friday saturday sunday
    brussel bruxelles brussels elsene ixelles laken laeken zavel sablon team iedereen tous all
    bin plp info informatie information buren bewoners voisins habitants neighbours neighbors residents
    belg belgen nederlander fransman française franse française marokkaan turk duitser allemand
    german dutch english anglais engelsman europeaan européen european vlaming waal wallon flamand
    audi bmw volkswagen vw mercedes opel peugeot renault citroën citroen ford toyota fiat skoda seat
    volvo kia hyundai nissan tesla dacia mini porsche honda mazda suzuki jeep lexus smart cupra
    golf polo clio transit sprinter vito kangoo berlingo
    comité committee stuurgroep wijkteam uw votre your onbekend inconnu unknown
    """.split()
)


def _name_hits(match: re.Match[str]) -> Hit | None:
    start, _end = match.span("name")
    words = match.group("name").split()
    core = [w for w in words if w.lower() not in _PARTICLES]
    if any(_PLACE.search(w) for w in core):
        return None  # "de buren van de Meudonstraat": a street, not a person
    # "Monsieur le Commissaire", "ik ben Belg": not names
    if not core or core[0].strip(".").lower() in _NOT_NAMES:
        return None
    # cut the span at the first word that is not a name ("Jan Politie")
    offset = start
    kept_end = start
    shouted = all(w.isupper() for w in core)
    after_title = "title" in match.re.groupindex and match.group("title") is not None
    kept = 0
    for n, w in enumerate(words):
        idx = match.string.index(w, offset)
        offset = idx + len(w)
        bare = w.strip(".,").lower()
        if bare in _PARTICLES:
            continue
        if bare in _NOT_NAMES and w[0].isupper():
            break
        if n > 0 and w.isupper() and bare in _FUNCTION_WORDS:
            break
        if shouted and after_title and kept == 1:
            break  # "MEVROUW CLAESSENS ZAG": in capitals, one surname after a title
        kept_end = offset
        kept += 1
    if kept_end <= start:
        return None
    return Hit(KIND, start, kept_end)


# After an unmistakable introduction, a name may be written in lower case ("mijn naam is jan").
_STRONG_INTRO = re.compile(
    r"(?<![\w])(?i:mijn\snaam\sis|ik\sheet|je\sm['’]appelle|my\sname\sis|mein\sname\sist|ich\shei(?:ß|ss)e)\s"
    rf"(?P<name>[{_LOWER}]{{2,}}(?:[-'’][{_LOWER}]+)?(?:\s(?:van\s|de\s|der\s|den\s|le\s|la\s|du\s)*[{_LOWER}]{{2,}})?)"
)
_FUNCTION_WORDS = frozenset(
    """
    niet geen wel ook nog maar en of is was de het een van voor op in te met zo heel erg
    pas ne plus et ou est le la les un une de du des pour sur dans très
    not no and or is was the a an of for on in to with so very unknown secret private
    nicht kein und oder ist der die das ein eine von für auf mit sehr
    onbelangrijk onbekend geheim privé inconnu important unimportant
    """.split()
)


def _lower_intro_hits(text: str, scan: Scan) -> list[Hit]:
    hits: list[Hit] = []
    for m in finditer_at(_STRONG_INTRO, text, scan.word_starts(_STRONG_FIRST)):
        start = m.start("name")
        words = m.group("name").split()
        if words[0] in _FUNCTION_WORDS or words[0] in _NOT_NAMES:
            continue
        end = start + len(words[0])
        if len(words) > 1 and words[-1] not in _FUNCTION_WORDS and words[-1] not in _NOT_NAMES:
            end = m.end("name")
        hits.append(Hit(KIND, start, end))
    return hits


# Where a match of each pattern can start. Every alternative of _SIGNAL, _STRONG_INTRO and
# _FAMILY_AFTER begins, after "no word character before", with one of these words (lower-case,
# ASCII spellings; a non-ASCII word is always tried). A determiner may be glued to a role
# ("deverdachte").
_DETERMINERS = ("de", "het", "la", "le", "the", "der", "die")
_SIGNAL_FIRST = key_words(
    """
    meneer mijnheer mevrouw juffrouw dhr mevr mw de monsieur madame mademoiselle mme mlle mr mrs ms
    miss mister herr frau dr prof dokter docteur doctor familie fam famille family m
    mijn ik heet heette genaamd genoemd met naam contactpersoon contact afzender expediteur sender
    signed get signe from van von je il elle s nomme nommee denomme denommee appele appelee nom
    my his her named called name i mein ich heisse heiss heisst namens
    onze mon ma notre le la our the meine het l der die
    """.split()
    + [det + role for det in _DETERMINERS for role in _ROLES.split("|") if role.isascii()]
)
_STRONG_FIRST = key_words("mijn ik je my mein ich".split())
_FAMILY_FIRST = key_words(["the"])
# a closing formula follows the start of the text, a newline, "." or "!"
_CLOSING_START = re.compile(r"[\n.!]")


def detect(text: str, scan: Scan | None = None) -> list[Hit]:
    """Names that follow an explicit signal in ``text``."""
    scan = scan or Scan(text)
    hits: list[Hit] = _lower_intro_hits(text, scan)
    for m in finditer_at(_SIGNAL, text, scan.word_starts(_SIGNAL_FIRST)):
        hit = _name_hits(m)
        if hit is not None:
            hits.append(hit)
    for m in finditer_at(_FAMILY_AFTER, text, scan.word_starts(_FAMILY_FIRST)):
        hit = _name_hits(m)
        if hit is not None:
            hits.append(hit)
    closing = search_at(_CLOSING, text, 0, [0, *(m.start() for m in _CLOSING_START.finditer(text))])
    if closing is not None:
        hit = _name_hits(closing)
        if hit is not None:
            hits.append(hit)
    return hits


@lru_cache(maxsize=256)
def _literal(part: str) -> re.Pattern[str]:
    # the bare literal: a pattern that starts with a look-behind is tried at every position
    return re.compile(re.escape(part), re.IGNORECASE)


_WORD_CHAR = re.compile(r"\w")


def detect_known(text: str, names: list[str]) -> list[Hit]:
    """Occurrences of known names (the reporter's), as whole words, any case."""
    hits: list[Hit] = []
    end_of_text = len(text)
    for name in names:
        for part in {name, *name.split()}:
            if len(part) < 3:
                continue
            # the matches of (?<!\w)part(?!\w), left to right, not overlapping
            literal = _literal(part)
            pos = 0
            while (m := literal.search(text, pos)) is not None:
                start, end = m.span()
                if (start == 0 or _WORD_CHAR.match(text, start - 1) is None) and (
                    end == end_of_text or _WORD_CHAR.match(text, end) is None
                ):
                    hits.append(Hit(KIND, start, end))
                    pos = end
                else:
                    pos = start + 1
    return hits
