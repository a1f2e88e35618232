"""States as the text names them: pycountry's names plus the table in `states.tsv` (everyday
names, demonyms, capitals), matched with spaCy's PhraseMatcher, case-sensitive so that "turkey"
or "chad" as common words are not states."""

import functools
from dataclasses import dataclass
from pathlib import Path

import pycountry
from spacy.matcher import PhraseMatcher

from agreements.intake.nlp import nlp

TABLE = Path(__file__).with_name("states.tsv")

NAME, DEMONYM, CAPITAL = "name", "demonym", "capital"


@dataclass(frozen=True)
class StateMention:
    code: str
    how: str  # NAME, DEMONYM or CAPITAL
    start: int  # character offsets in the sentence
    end: int
    text: str


@functools.cache
def table() -> dict[str, list[tuple[str, str]]]:
    """phrase -> [(code, how)], from pycountry and the data table."""
    phrases: dict[str, set[tuple[str, str]]] = {}

    def add(phrase, code, how):
        phrase = phrase.strip()
        if phrase:
            phrases.setdefault(phrase, set()).add((code, how))

    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                add(value, country.alpha_2, NAME)
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, names, demonyms, capitals = line.split("\t")
        for value in names.split("|"):
            add(value, code, NAME)
        for value in demonyms.split("|"):
            add(value, code, DEMONYM)
        for value in capitals.split("|"):
            add(value, code, CAPITAL)
    return {phrase: sorted(found) for phrase, found in phrases.items()}


@functools.cache
def matcher() -> PhraseMatcher:
    phrase_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    for phrase in table():
        phrase_matcher.add(phrase, [nlp.make_doc(phrase)])
    return phrase_matcher


@functools.cache
def everyday_names() -> dict[str, str]:
    """code -> the first name the data table gives ("South Korea", not "Korea, Republic of")."""
    names = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, others, *_ = line.split("\t")
            names[code] = others.split("|")[0]
    return names


def name(code: str) -> str:
    if code in everyday_names():
        return everyday_names()[code]
    country = pycountry.countries.get(alpha_2=code)
    return (getattr(country, "common_name", None) or country.name) if country else code


def capital_of(place: str) -> str | None:
    for code, how in table().get(place, []):
        if how == CAPITAL:
            return code
    return None


def mentions(doc) -> list[StateMention]:
    """Every state named in a spaCy doc (a sentence), longest match first where they overlap."""
    from spacy.util import filter_spans

    spans = [doc[start:end] for _, start, end in matcher()(doc)]
    found = []
    for span in filter_spans(spans):
        text = span.text
        # "Georgian" and "Washington" stay ambiguous; the table lists each phrase's one state.
        for code, how in table()[text][:1]:
            found.append(StateMention(code, how, span.start_char, span.end_char, text))
    return found
