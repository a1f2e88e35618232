"""The rule-based extractor: a report's text in, a draft out.

Every rule is a pattern a reader can check against the sentence it fired on (the item's
`evidence`); no trained model is involved. Sentences come from spaCy's blank English pipeline,
states from the PhraseMatcher in `states`, dates from `dates`, and merging of repeated mentions
from rapidfuzz's token-set similarity.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz

from agreements.intake import dates, states
from agreements.intake.draft import (
    Draft,
    FollowUpItem,
    IndicatorItem,
    InstrumentItem,
    MeetingItem,
    PersonItem,
    SourceInfo,
)
from agreements.intake.nlp import nlp

MIN_WORDS = 12


class NotAReport(ValueError):
    """The text cannot be drafted from; the message says why, for the analyst."""


@dataclass
class Sentence:
    text: str
    index: int
    mentions: list = field(default_factory=list)
    days: list = field(default_factory=list)
    is_list_line: bool = False
    list_context: str = ""  # the line that introduced a list ("The following were signed:")


# --- Sentences and states ---------------------------------------------------------------------

BULLET_RE = re.compile(r"^\s*(?:[-–•*·]|\d{1,2}[.)]|[a-z][.)])\s+")


def split_sentences(text: str, base: datetime.date) -> list[Sentence]:
    """Lines first (titles, list items and datelines stand alone), then spaCy's sentencizer."""
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    is_list = [bool(BULLET_RE.match(line)) for line in lines]
    lines = [
        BULLET_RE.sub("", line).strip() if bullet else line
        for line, bullet in zip(lines, is_list, strict=True)
    ]
    sentences: list[Sentence] = []
    introduction = ""
    for doc, line, is_list_line in zip(
        nlp.pipe(lines, batch_size=256), lines, is_list, strict=True
    ):
        if not is_list_line:
            introduction = line if line.rstrip().endswith(":") else ""
        line_mentions = states.mentions(doc)
        for span in doc.sents:
            sentence_text = span.text.strip()
            if not sentence_text:
                continue
            offset = span.start_char + (len(span.text) - len(span.text.lstrip()))
            sentence = Sentence(
                text=sentence_text,
                index=len(sentences),
                is_list_line=is_list_line,
                list_context=introduction if is_list_line else "",
            )
            sentence.mentions = [
                states.StateMention(m.code, m.how, m.start - offset, m.end - offset, m.text)
                for m in line_mentions
                if offset <= m.start < offset + len(sentence_text)
            ]
            sentence.days = dates.days_in(sentence.text, base)
            dateline = DATELINE_RE.match(sentence.text) or DATELINE_DATE_RE.match(sentence.text)
            if dateline and sentence.days:
                # "ANKARA, March 4 (Wire) - … on Tuesday signed": the dateline is when it was
                # written; the events are dated in the sentence itself.
                head = (
                    sentence.text[: DATELINE_END_RE.search(sentence.text).end()]
                    if (DATELINE_END_RE.search(sentence.text))
                    else ""
                )
                sentence.days = [d for d in sentence.days if d.start >= len(head)] or (
                    sentence.days if not head else []
                )
            sentences.append(sentence)
    return sentences


PLACE_PREFIX_RE = re.compile(r"\b(?:in|to|at|from|near|of)\s+$")


def find_pair(sentences: list[Sentence]) -> list[str]:
    """The states the report is about, in order of first mention: names and demonyms count in
    full, a capital only where it acts ("Ankara and Baku agreed"), not as a place ("in Ankara")."""
    scores: dict[str, float] = {}
    first_seen: dict[str, int] = {}
    for sentence in sentences:
        weight = 2.0 if sentence.index == 0 else 1.0
        for mention in sentence.mentions:
            counts = 1.0
            if mention.how == states.CAPITAL:
                before = sentence.text[: mention.start]
                counts = 0.3 if PLACE_PREFIX_RE.search(before) or not before else 1.0
            scores[mention.code] = scores.get(mention.code, 0) + counts * weight
            first_seen.setdefault(mention.code, sentence.index * 1000 + mention.start)
    if not scores:
        return []
    top = max(scores.values())
    kept = [code for code, score in scores.items() if score >= max(2.0, top * 0.25)]
    if len(kept) < 2:
        kept = sorted(scores, key=lambda code: -scores[code])[:2]
    return sorted(kept, key=lambda code: first_seen[code])[:6]


# --- Meetings ---------------------------------------------------------------------------------

MEETING_KINDS = [
    ("state_visit", r"\bstate visit\b"),
    ("official_visit", r"\bofficial visit\b"),
    ("working_visit", r"\bworking visit\b"),
    (
        "political_consultations",
        r"\bpolitical consultations\b|\bconsultations between the (?:two )?(?:foreign "
        r"ministries|ministries of foreign affairs)\b|\binter-?ministerial consultations\b",
    ),
    (
        "joint_commission",
        r"\b(?:joint|intergovernmental|inter-governmental)\s+(?:[A-Za-z-]+\s+){0,4}"
        r"(?:commission|committee)\b|\b(?:high-level |strategic )*cooperation council\b",
    ),
    ("business_forum", r"\b(?:business|investment) forum\b"),
    ("summit", r"\bsummit\b"),
    (
        "call",
        r"\b(?:tele)?phone (?:call|conversation|talks)\b|\bspoke (?:by|on the) "
        r"(?:tele)?phone\b|\bvideo ?(?:call|conference)\b",
    ),
    ("ceremony", r"\b(?<!signing )(?<!signature )ceremony\b"),
    (
        "other",
        r"\b(?:trilateral|quadrilateral|bilateral) meeting\b|\bmeeting of (?:the )?(?:foreign|"
        r"economy|trade|defence|defense) ministers\b",
    ),
]
MEETING_KIND_RES = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in MEETING_KINDS]
PROPOSED_MEETING_RE = re.compile(
    r"\bto (?:convene|hold|organi[sz]e|set up|establish|launch|reconvene)\b|\b(?:w"
    r"ill|would|is to|are to|shall) "
    r"(?:be )?(?:held|convened|convene|meet|take place)\b|\bnext (?:round|session|meeting)\b",
    re.IGNORECASE,
)
ROUND_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
}
ROUND_RE = re.compile(
    r"\b(?:(\d{1,3})(?:st|nd|rd|th)|("
    + "|".join(ROUND_WORDS)
    + r"))\s+(?:[a-z]+\s+)?(?:round|session|"
    r"meeting|sitting)\b|\b(?:round|session)\s+(\d{1,3})\b|\bin their\s+(\d{1,3}(?:st|nd|rd|th)|"
    + "|".join(ROUND_WORDS)
    + r")\s+round\b",
    re.IGNORECASE,
)
NAME_WORD = r"[A-Z][\w’'\-.]*"
TITLE_WORDS = (
    r"president|prime minister|foreign minister|minister|king|emir|crown prince|chancellor"
)
WHO = rf"(?:the )?{NAME_WORD}(?: (?:{NAME_WORD}|of|the|{TITLE_WORDS})){{0,6}}"
POSSESSOR_VISIT_RE = re.compile(
    rf"(?P<who>{NAME_WORD}(?: {NAME_WORD}){{0,6}})[’']s (?P<kind>official|state|working) visit"
)
VISIT_OF_RE = re.compile(
    rf"\b(?P<kind>[Oo]fficial|[Ss]tate|[Ww]orking) [Vv]isit (?:of|by) (?P<who>{WHO})"
)
WHO_VISIT_RE = re.compile(
    rf"(?P<who>{NAME_WORD}(?: {NAME_WORD}){{0,6}}),?(?: [a-z]+){{0,3}} (?:paid|pays|made|makes|"
    rf"began|begins|is on|was on|arrived (?:in \w+ )?(?:on|for)) an? (?P<kind>official|state|"
    rf"working) visit"
)
INVITED_RE = re.compile(
    rf"\b(?:invited|invitation to) (?P<who>{WHO}|his counterpart|her counterpart) to (?:pay an? "
    rf"(?P<kind>official |state |working )?visit to|visit) (?P<where>{NAME_WORD}(?: {NAME_WORD})?)"
    rf"|(?P<who2>{WHO}) accepted an invitation to (?:pay an? (?P<kind2>official |state |working )?"
    rf"visit to|visit) (?P<where2>{NAME_WORD}(?: {NAME_WORD})?)"
    rf"|\b(?:during|at the time of) (?:the )?(?P<kind3>official |state |working )?visit of "
    rf"(?P<who3>{WHO}) to (?P<where3>{NAME_WORD}(?: {NAME_WORD})?)(?= (?:in|later|next) )"
    rf"|\b(?:during|at the time of) (?:the )?(?P<who4>{WHO})[’']s (?P<kind4>official |state |"
    rf"working )?visit to (?P<where4>{NAME_WORD}(?: {NAME_WORD})?)(?= (?:in|later|next) )"
)
NAMED_MEETING_RE = re.compile(
    r"(?P<name>(?:[A-Z][\w’'\-–]*\s+){0,4}(?:High-Level\s+)?(?:Strategic\s+)?Cooperation Council)|"
    r"(?P<name2>(?:(?:[A-Z][\w’'\-–]*|of|on|and|the)\s+){0,8}(?:Joint|Intergovernmental|"
    r"Inter-Governmental)(?:\s+[A-Z][\w\-]*){0,4}\s+(?:Commission|Committee)(?:\s+(?:on|for)"
    r"(?:\s+[A-Z][\w\-]*|\s+and){1,5})?)"
)
FORUM_NAME_RE = re.compile(
    r"(?P<name>(?:[A-Z][\w’'\-–]*\s+){0,3}(?:[Bb]usiness|[Ii]nvestment) [Ff]orum)"
)
HEAD_OF_STATE_RE = re.compile(
    r"\b(?:President|King|Queen|Emir|Sultan|Crown Prince)\b", re.IGNORECASE
)
CAPITAL_PLACE_RE = re.compile(r"\b(?:in|to|at)\s+$")
DATELINE_DATE_RE = re.compile(r"^[A-Z][A-Za-z .'-]{2,30}, [^.]{4,25}? [–—-] ")
DATELINE_END_RE = re.compile(r"^[^.]{4,60}? [–—-] ")
DATELINE_RE = re.compile(r"^([A-Z][A-Z .'-]{2,30})(?:,|\s[–—-])")


# --- Instruments ------------------------------------------------------------------------------

INSTRUMENT_TERMS = [
    (
        "memorandum",
        r"memorand(?:um|a|ums) of (?:understanding|cooperation)|memorand(?:um|a|ums)"
        r"|MoUs?|MOUs?",
    ),
    ("joint_statement", r"joint (?:press )?statement|joint communiqu[ée]"),
    (
        "declaration",
        r"(?:joint )?declarations? of intent|statements? of intent|letters? of "
        r"intent|(?:joint )?declarations?",
    ),
    ("exchange_of_notes", r"exchanges? of notes"),
    (
        "programme",
        r"road ?maps?|action plans?|plans? of action|(?:cooperation |work )?"
        r"programmes?|(?:cooperation |work )?programs?",
    ),
    ("commercial", r"commercial (?:agreements?|contracts?|documents?)|contracts?|deals?"),
    ("treaty", r"treat(?:y|ies)"),
    ("convention", r"conventions?"),
    ("protocol", r"protocols?"),
    ("agreement", r"agreements?"),
    ("other", r"arrangements?"),
    ("", r"documents?|instruments?|items?"),
]
TERM_RE = re.compile(
    "|".join(
        rf"(?P<k{index}>\b(?:{pattern})\b)" for index, (_, pattern) in enumerate(INSTRUMENT_TERMS)
    ),
    re.IGNORECASE,
)
PLURAL_RE = re.compile(r"(?:s|memoranda)$", re.IGNORECASE)
STATUS_CUES = [
    (
        "in_force",
        r"\b(?:entered|enters|came|comes) into force\b|\btook effect\b|\bentry into "
        r"force of\b",
    ),
    (
        "proposed",
        r"\b(?:statements? of intent|declarations? of intent) to conclude\b|\bagreed to "
        r"(?:work towards|pursue|conclude|prepare|draft|develop|explore)\b|\b(?:begin|start|launch|"
        r"open) negotiations\b|\bintends? to sign\b|\b(?:needs?|has|have|remains?|yet|still) to be "
        r"(?:signed|ratified)\b|\b(?:will|would|plan to|"
        r"intend to|expect to|are expected to|is expected to|agreed to) sign\b|\bproposed\b",
    ),
    ("text_agreed", r"\binitial(?:l)?ed\b|\bfinali[sz]ed the text\b|\bagreed (?:on )?the text\b"),
    (
        "under_negotiation",
        r"(?<!begin )(?<!start )(?<!launch )(?<!open )\bnegotiat(?:ing|ions?|e)\b",
    ),
    (
        "signed",
        r"\bsign(?:ed|ing)\b|\bconcluded\b|\binked\b|\bexchanged\b|\badopted\b|"
        r"\bratified\b",
    ),
]
STATUS_CUE_RES = [(status, re.compile(pattern, re.IGNORECASE)) for status, pattern in STATUS_CUES]
TOPIC_RE = re.compile(
    r"^\s*(?:(?:between|among)\s+[^;:]{1,200}?\s+(?=on\b|concerning\b|regarding\b))?(?P<prep>"
    r"on|concerning|regarding|in the (?:fields?|areas?|spheres?) of|for|to conclude|to|covering)"
    r"\s+(?P<topic>[^,;:()]+)"
)
TOPIC_STOP_RE = re.compile(
    r"\s+(?:which|that|and (?:agreed|signed|the|a|an|also|discussed|to)|were|was|signed|in "
    r"(?:Astana|the presence)|during|at the|on (?:the sidelines|\w+day)|providing|as|while|with "
    r"the aim)\b.*$|\s+(?:on|in) (?:\d|January|February|March|April|May|June|July|August|"
    r"September|October|November|December).*$|\s+(?:provides?|sets?|establish(?:es)?|aims?|"
    r"covers?|will|would|is|are|has|have|had|calls?|commits?|envisages?|foresees?|lays?|"
    r"opens?|allows?|enables?|came|comes|entered|enters)\b.*$"
)
PREMODIFIER_RE = re.compile(
    r"(?:\b(?:[A-Z][\w’'\-–]*|[a-z]+-[a-z\-]+|free|trade|investment|"
    r"framework|strategic|partnership|comprehensive|extradition|tax|air|"
    r"services|transport|visa|bilateral|intergovernmental|cooperation)\s+)+$"
)
COUNT_BEFORE_RE = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,4})\s+(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)
SIGN_LATER_RE = re.compile(
    r"\b(?:is|are) (?:expected |due |scheduled |set )?to be signed\b(?P<rest>[^;.]*)"
)
COUNT_RE = re.compile(
    r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,4})\s+(?:(?:signed|"
    r"new|bilateral|commercial|business|intergovernmental|cooperation|investment|other|"
    r"quasi-commercial|and)\s+){0,4}(?P<what>documents|items|agreements|memoranda|memorandums|"
    r"contracts|deals|instruments|MoUs|protocols)\b",
    re.IGNORECASE,
)
COMMERCIAL_CONTEXT_RE = re.compile(
    r"\bcommercial\b|\bcompan(?:y|ies)\b|\bbusiness(?:es)?\b|\binvestment agency\b|\bfirms?\b|"
    r"\bcontracts?\b|\bdeals?\b",
    re.IGNORECASE,
)
MONEY_RE = re.compile(
    r"(?P<cur>US\$|USD|\$|€|EUR|£|GBP)\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>million|billion|"
    r"mn|bn|m|b)?\b|(?P<num2>\d[\d,]*(?:\.\d+)?)\s*(?P<mult2>million|billion)\s+(?P<cur2>US "
    r"dollars|dollars|euros|USD|EUR)",
)
CURRENCIES = {
    "US$": "USD",
    "USD": "USD",
    "$": "USD",
    "€": "EUR",
    "EUR": "EUR",
    "£": "GBP",
    "GBP": "GBP",
    "US dollars": "USD",
    "dollars": "USD",
    "euros": "EUR",
}
METRICS = [
    ("trade_turnover", r"\btrade\b|\bturnover\b"),
    ("exports", r"\bexports?\b"),
    ("imports", r"\bimports?\b"),
    ("investment", r"\binvest(?:ment|ments|ed)\b"),
]
METRIC_RES = [(metric, re.compile(pattern, re.IGNORECASE)) for metric, pattern in METRICS]


# --- Follow-ups and people --------------------------------------------------------------------

AGREED_TO_RE = re.compile(
    r"\b(?:agreed|decided|resolved|undertook|pledged|committed(?: themselves)?|promised|vowed|"
    r"intends?|plans?)"
    r" to (?P<what>[^;]+)",
    re.IGNORECASE,
)
INSTRUCTED_RE = re.compile(
    r"\b(?:instructed|tasked|asked|charged) (?P<who>[^.;]+?) to (?P<what>[^;]+)", re.IGNORECASE
)
WILL_RE = re.compile(
    r"(?P<who>\b(?:the )?[A-Z][\w’'\-]+(?: side)?) (?:will|is to|undertook to) (?P<what>(?:host|"
    r"send|open|prepare|submit|organi[sz]e|hold|draft|present|provide)\b[^;]+)"
)
NEXT_ROUND_RE = re.compile(
    r"\b(?:the )?next (?P<what>round|session|meeting)(?: of (?P<of>[^,;]+?))? (?:will|would|is "
    r"(?:to|expected to|scheduled to)|are to|shall) (?:be held|take place|convene|meet)"
    r"(?P<rest>[^;]*)",
    re.IGNORECASE,
)
FEEDER_RE = re.compile(
    r"(?P<subject>(?:the |The )?[\w’'\-– ]+?) (?:was|is|were|are) (?:framed|seen|intended|"
    r"designed|presented) as the (?:practical |main )?(?:feeder|basis|vehicle|input) for "
    r"(?P<target>[^,;.]+)"
)
# Where a promise's clause ends ("…, and tasked their ministers to…" is another promise).
CLAUSE_STOP_RE = re.compile(
    r",?\s+and (?!to\b)[a-z]+ed\b.*$|,\s*(?:which|while|as|with|where|and (?:the|both|they|he|"
    r"she|it))\b.*$|\s+(?:so that|in order to|as (?:part|a)\b).*$|\.\s*$"
)
# What a title leaves to the due date ("before the end of the year", "in 2027").
DUE_STOP_RE = re.compile(
    r"\s+(?:by|before|no later than|within|until|at a convenient time|later this year)\b.*$|"
    r"\s+in (?:the (?:first|second) half of |spring |summer |autumn |winter )?(?:January|"
    r"February|March|April|May|June|July|August|September|October|November|December)? ?"
    r"\d{4}\b.*$"
)


def _clean_promise(what: str) -> str:
    return DUE_STOP_RE.sub("", CLAUSE_STOP_RE.sub("", what.strip()).strip()).strip().rstrip(".")


PERSON_TITLE = (
    r"(?:(?:First )?(?:Deputy |Vice )?(?:Prime Minister|Foreign Minister|President|Chancellor|"
    r"Foreign Secretary|Secretary of State|Speaker)|(?:Deputy |Vice )?Minister (?:of|for) "
    r"(?:Foreign Affairs|[A-Z][a-z]+(?:(?:,| and| of) [A-Z][a-z]+)*)|(?:Deputy )?(?:[A-Z][a-z]+ )?"
    r"Minister|King|Queen|Emir|Crown Prince|Sultan|Ambassador|Governor)"
)
PERSON_RE = re.compile(
    rf"\b(?P<title>{PERSON_TITLE})(?: of (?P<of>[A-Z][\w ]+?))?,? (?P<name>(?:[A-Z][\w’'\-]+"
    rf"|al-[A-Z][\w’'\-]+)(?: (?:[A-Z][\w’'\-]+|bin|al-[A-Z][\w’'\-]+|de|van|von)){{0,3}})"
)
NOT_NAMES = {
    "The",
    "This",
    "That",
    "On",
    "In",
    "At",
    "Both",
    "They",
    "He",
    "She",
    "It",
    "And",
    "Foreign",
    "Minister",
    "Ministry",
    "Affairs",
    "Economy",
    "Trade",
    "Agriculture",
    "Energy",
    "Joint",
    "Prime",
    "President",
    "Republic",
    "Arab",
    "Kingdom",
    "Federal",
    "Government",
    "State",
    "Hellenic",
    "Industry",
    "Development",
    "Deputy",
    "Vice",
    "Council",
    "Commission",
}


@dataclass
class Extraction:
    sentences: list[Sentence]
    pair: list[str]
    base: datetime.date
    event_on: datetime.date
    place: str = ""
    draft: Draft | None = None


def extract(
    text: str,
    *,
    published_on: datetime.date | None = None,
    title: str = "",
    publisher: str = "",
    url: str = "",
) -> Draft:
    """Propose the meetings, instruments, follow-ups, figures and people a report tells of.

    Raises NotAReport when there is no text, no state, or nothing a report of relations holds.
    """
    text = (text or "").strip()
    if not text:
        raise NotAReport("The report is empty: paste its text or choose a file.")
    if len(text.split()) < MIN_WORDS:
        raise NotAReport(
            f"The text has {len(text.split())} words; a report tells of at least one meeting, "
            "signature or promise in a few sentences. Paste the whole report."
        )
    base = published_on or datetime.date.today()
    sentences = split_sentences(text, base)
    pair = find_pair(sentences)
    if not pair:
        raise NotAReport(
            "No state is named in the text (by name, demonym such as “Kazakh”, or capital), so "
            "there is no pair to record it for."
        )
    if len(pair) < 2:
        raise NotAReport(
            f"Only one state is named ({states.name(pair[0])}); a report of relations names the "
            "other one too."
        )
    run = Extraction(sentences, pair, base, _event_day(sentences, base))
    run.place = _main_place(sentences)
    source_title = title or _title(sentences)
    run.draft = Draft(
        source=SourceInfo(
            title=source_title, publisher=publisher, published_on=published_on, url=url
        ),
        pair=pair,
    )
    for sentence in sentences:
        _meetings(run, sentence)
        _instruments(run, sentence)
        _indicators(run, sentence)
        _people(run, sentence)
    for sentence in sentences:
        _follow_ups(run, sentence)
    _finish(run)
    draft = run.draft
    if not (draft.meetings or draft.instruments or draft.follow_ups or draft.indicators):
        raise NotAReport(
            "The text names "
            + " and ".join(states.name(code) for code in pair)
            + " but tells of no meeting, signed or planned document, promise or figure: it does "
            "not read as a report of relations between them."
        )
    return draft


def _event_day(sentences: list[Sentence], base: datetime.date) -> datetime.date:
    """The day the report is about: the first date written with its day in a sentence about a
    meeting or a signature, else the first such date anywhere, else the publication date."""
    cue = re.compile(
        r"visit|talks|met|meeting|signed|held|call|spoke|summit|forum|consultations", re.IGNORECASE
    )
    for sentence in sentences:
        if sentence.days and cue.search(sentence.text):
            return sentence.days[0].on
    for sentence in sentences:
        if sentence.days:
            return sentence.days[0].on
    return base


def _main_place(sentences: list[Sentence]) -> str:
    for sentence in sentences[:3]:
        match = DATELINE_RE.match(sentence.text)
        if match and states.capital_of(match.group(1).strip().title()):
            return match.group(1).strip().title()
    for sentence in sentences:
        for mention in sentence.mentions:
            if mention.how == states.CAPITAL and CAPITAL_PLACE_RE.search(
                sentence.text[: mention.start]
            ):
                return mention.text
    return ""


def _title(sentences: list[Sentence]) -> str:
    first = sentences[0].text
    if len(first) <= 200:
        return first.rstrip(".")
    return first[:197].rsplit(" ", 1)[0] + "…"


def _place_in(run: Extraction, sentence: Sentence) -> str:
    for mention in sentence.mentions:
        if mention.how == states.CAPITAL and CAPITAL_PLACE_RE.search(
            sentence.text[: mention.start]
        ):
            return mention.text
    return ""


def _pair_label(run: Extraction, joiner: str = "–") -> str:
    return joiner.join(states.name(code) for code in run.pair)


def _and_pair(run: Extraction) -> str:
    names = [states.name(code) for code in run.pair]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _day_in(sentence: Sentence, run: Extraction) -> datetime.date | None:
    return sentence.days[0].on if sentence.days else None


def _cap(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


# --- Meetings ---------------------------------------------------------------------------------


def _meetings(run: Extraction, sentence: Sentence) -> None:
    text = sentence.text
    invitation = INVITED_RE.search(text)
    if invitation:
        _invited_visit(run, sentence, invitation)
    for kind, pattern in MEETING_KIND_RES:
        match = pattern.search(text)
        if not match:
            continue
        if kind == "ceremony" and re.search(
            r"\bsign", text[max(0, match.start() - 30) : match.start()], re.I
        ):
            continue
        if invitation and kind.endswith("visit") and match.start() > invitation.start():
            continue
        proposed = PROPOSED_MEETING_RE.search(text)
        day = _day_in(sentence, run)
        status = "held"
        if proposed and (
            proposed.start() < match.start() + 60 and proposed.end() > match.start() - 80
        ):
            # Only a date right after the meeting's name is its date ("… will meet on 3 May").
            soon = [d for d in sentence.days if 0 <= d.start - match.end() <= 40]
            day = soon[0].on if soon else None
            status = "scheduled" if day and day > run.base else "proposed"
        if status == "held":
            if day and day > run.base:
                status = "scheduled"
            day = day or run.event_on
        elif status == "proposed":
            day = None
        meeting = MeetingItem(
            evidence=text,
            confidence=0.85,
            kind=kind,
            title=_meeting_title(run, kind, sentence, match),
            status=status,
            starts_on=day,
            place=_place_in(run, sentence) or (run.place if status == "held" else ""),
            round=_round(text),
        )
        meeting.host = states.capital_of(meeting.place) if meeting.place else None
        _add_meeting(run, meeting)


def _round(text: str) -> int | None:
    match = ROUND_RE.search(text)
    if not match:
        return None
    for group in match.groups():
        if group:
            word = re.sub(r"(st|nd|rd|th)$", "", group.lower()) if group[0].isdigit() else group
            return int(word) if word.isdigit() else ROUND_WORDS.get(word.lower())
    return None


def _meeting_title(run: Extraction, kind: str, sentence: Sentence, match: re.Match) -> str:
    text = sentence.text
    if kind.endswith("visit"):
        label = {"state_visit": "State", "official_visit": "Official", "working_visit": "Working"}[
            kind
        ]
        who = None
        for pattern in (POSSESSOR_VISIT_RE, VISIT_OF_RE, WHO_VISIT_RE):
            found = pattern.search(text)
            if found:
                who = found.group("who").strip()
                break
        place = _place_in(run, sentence) or run.place
        host = states.capital_of(place) if place else None
        where = f" to {states.name(host)}" if host else ""
        if who:
            return f"{label} visit of {who}{where}"
        return f"{label} visit{where}" if where else f"{label} visit: {_pair_label(run)}"
    if kind == "political_consultations":
        return f"Political consultations between the foreign ministries of {_and_pair(run)}"
    if kind == "joint_commission":
        found = NAMED_MEETING_RE.search(text)
        if found:
            name = found.group("name") or found.group("name2")
            name = re.sub(r"^(?:(?:the|The|of|on|and)\s+)+", "", name).strip()
            return name if len(name.split()) > 2 else f"{_pair_label(run)} {name}"
        return f"{_pair_label(run)} intergovernmental commission"
    if kind == "business_forum":
        found = FORUM_NAME_RE.search(text)
        name = found.group("name").strip() if found else "business forum"
        name = re.sub(r"^(?:The|A|An)\s+", "", name)
        if not any(
            mention.start < match.end() and mention.end > match.start() - 40
            for mention in sentence.mentions
        ):
            name = f"{_pair_label(run)} {name[:1].lower() + name[1:]}"
        return name
    if kind == "summit":
        found = re.search(r"((?:[A-Z][\w\-–]*\s+){1,4})[Ss]ummit", text)
        return (found.group(1).strip() + " summit") if found else f"{_pair_label(run)} summit"
    if kind == "call":
        people = [match.group("name") for match in PERSON_RE.finditer(text)]
        if len(people) >= 2:
            return f"Telephone call between {people[0]} and {people[1]}"
        return f"Telephone call between the leaders of {_and_pair(run)}"
    if kind == "ceremony":
        found = re.search(r"((?:[a-zA-Z\-]+\s+){0,2})ceremony", text)
        words = (found.group(1).strip().split() if found else [])[-1:]
        words = [word for word in words if word.lower() not in {"a", "the", "an"}]
        place = _place_in(run, sentence)
        return _cap(" ".join([*words, "ceremony"])) + (f" in {place}" if place else "")
    return _cap(match.group(0))


def _invited_visit(run: Extraction, sentence: Sentence, match: re.Match) -> None:
    """An invitation, or a visit still to come: a proposed meeting and a follow-up."""
    groups = match.groupdict()
    suffix = next(s for s in ("", "2", "3", "4") if groups.get(f"who{s}"))
    who = groups[f"who{suffix}"].strip()
    where_text = groups[f"where{suffix}"].strip()
    stated = (groups.get(f"kind{suffix}") or "").strip()
    host = _state_named(where_text) or states.capital_of(where_text)
    if stated:
        kind = f"{stated}_visit"
    else:
        kind = "state_visit" if HEAD_OF_STATE_RE.search(who) else "official_visit"
    where = states.name(host) if host else where_text
    visitor = _state_named(who)
    _add_meeting(
        run,
        MeetingItem(
            evidence=sentence.text,
            confidence=0.75,
            kind=kind,
            title=f"Visit of {who} to {where}",
            status="proposed",
            host=host,
            place=where_text if states.capital_of(where_text) else "",
        ),
    )
    if suffix in ("3", "4"):
        return  # a visit mentioned as the occasion of something else: that is the promise
    responsible = visitor
    others = [code for code in run.pair if code != host]
    if not responsible and host and len(others) == 1:
        responsible = others[0]
    _add_follow_up(
        run,
        FollowUpItem(
            evidence=sentence.text,
            confidence=0.8,
            title=f"{_cap(who)} to visit {where_text}",
            responsible_state=responsible,
            due_on=dates.due_in(sentence.text[match.end() :], run.base),
        ),
    )


def _state_named(text: str) -> str | None:
    for mention in states.mentions(nlp.make_doc(text)):
        return mention.code
    return None


def _add_meeting(run: Extraction, meeting: MeetingItem) -> None:
    """A second mention of the same meeting fills what the first left out."""
    for existing in run.draft.meetings:
        same_kind = existing.kind == meeting.kind
        same_state = (existing.status == "held") == (meeting.status == "held")
        dates_agree = not (existing.starts_on and meeting.starts_on) or (
            existing.starts_on == meeting.starts_on
        )
        rounds_agree = not (existing.round and meeting.round) or existing.round == meeting.round
        if same_kind and same_state and dates_agree and rounds_agree:
            existing.round = existing.round or meeting.round
            existing.place = existing.place or meeting.place
            existing.host = existing.host or meeting.host
            if (
                meeting.title.count(" ") > existing.title.count(" ")
                and (existing.kind not in ("political_consultations",))
                and not existing.title.startswith(("Official visit of", "State visit of"))
            ):
                existing.title = meeting.title
            return
    run.draft.meetings.append(meeting)


# --- Instruments ------------------------------------------------------------------------------


def _kind_of(match: re.Match) -> str:
    for index, (kind, _) in enumerate(INSTRUMENT_TERMS):
        if match.group(f"k{index}"):
            return kind
    return ""


def _clause_status(text: str, start: int, end: int, context: str = "") -> str | None:
    """The status the words nearest an instrument's mention give it, within its clause: "signed
    documents on X, and agreed to pursue Y" gives X signed and Y proposed."""
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^;]+", text)]
    first, last = next(((a, b) for a, b in clauses if a <= start < b), (0, len(text)))
    nearest = None
    for status, pattern in STATUS_CUE_RES:
        for cue in pattern.finditer(text, first, last):
            distance = start - cue.end() if cue.end() <= start else cue.start() - end + 15
            key = (abs(distance), -(cue.end() - cue.start()))
            if distance >= -15 and (nearest is None or key < nearest[0]):
                nearest = (key, status)
    if nearest:
        return nearest[1]
    for status, pattern in STATUS_CUE_RES:
        if context and pattern.search(context):
            return status
    return None


def _topic(text: str, end: int) -> tuple[str, str]:
    found = TOPIC_RE.match(text[end:])
    if not found:
        return "", ""
    topic = TOPIC_STOP_RE.sub("", found.group("topic")).strip()
    topic = re.sub(r"\s+(?:and|or)$", "", topic).rstrip(".")
    return found.group("prep"), topic


def _premodifiers(text: str, start: int, sentence: Sentence) -> str:
    before = text[:start]
    determined = re.search(r"\b(?:an?|the|new|its|their)\s+((?:[\w’'\-]+\s+){1,4})$", before)
    if determined and not re.search(
        r"\b(?:of|on|and|to|in|by|with|signed|which)\s", determined.group(1)
    ):
        return determined.group(1).strip()
    found = PREMODIFIER_RE.search(before)
    if not found:
        return ""
    words = found.group(0).split()
    # A sentence's first word is capitalized whatever it is; states stay ("Kazakh–Israeli").
    while words and words[0] in {"The", "A", "An", "Two", "Three", "Both", "In", "On", "Signed"}:
        words.pop(0)
    return " ".join(words)


def _parties(run: Extraction, sentence: Sentence) -> list[dict]:
    named = []
    for mention in sentence.mentions:
        if mention.code in run.pair and mention.code not in named:
            named.append(mention.code)
    codes = named if len(run.pair) > 2 and len(named) >= 2 else run.pair
    foreign_ministries = re.search(
        r"\b(?:two|both) foreign ministries\b|\bforeign ministries\b", sentence.text, re.I
    )
    return [
        {
            "state": code,
            "organization": f"Ministry of Foreign Affairs of {states.name(code)}"
            if foreign_ministries
            else "",
        }
        for code in codes
    ]


def _instruments(run: Extraction, sentence: Sentence) -> None:
    text = sentence.text
    context = sentence.list_context
    intent = " intent " in text and re.search(
        r"\b(?:statement|declaration|letter)s? of intent (?:to conclude|on) (?:an? |the )?(?P<t>"
        r"[^,;.]+?(?:agreement|treaty|convention|protocol))(?P<rest>[^,;.]*)",
        text,
        re.IGNORECASE,
    )
    covered: list[tuple[int, int]] = []
    if intent:
        kind_word = intent.group("t").split()[-1].lower()
        kind = (
            kind_word
            if kind_word in ("agreement", "treaty", "convention", "protocol")
            else ("agreement")
        )
        title = _cap(intent.group("t") + TOPIC_STOP_RE.sub("", intent.group("rest")))
        item = InstrumentItem(
            evidence=text,
            confidence=0.8,
            kind=kind,
            title=title,
            status="proposed",
            parties=_parties(run, sentence),
        )
        _add_instrument(run, item, derive_follow_up=True)
        covered.append((intent.start(), intent.end()))
    named_here = 0
    for match in TERM_RE.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            continue
        kind = _kind_of(match)
        word = match.group(0)
        prep, topic = _topic(text, match.end())
        status = _clause_status(text, match.start(), match.end(), context)
        before = text[max(0, match.start() - 40) : match.start()].lower()
        if re.search(
            r"\b(?:under|of) the\s+$|\bexisting\s+$|\bprevious\s+$|\b(?:19|20)\d\d\s+$", before
        ):
            continue  # a reference to an instrument already recorded, not a new one
        if kind == "declaration" and re.search(r"statements? of intent", word, re.I):
            continue
        if kind == "" and not topic:
            continue
        if kind == "commercial" and not topic and not status:
            continue
        modifiers = _premodifiers(text, match.start(), sentence)
        counted = COUNT_BEFORE_RE.search(text, max(0, match.start() - 60), match.start())
        if counted and not topic:
            continue  # "three documents were signed": counted by _counted_instruments
        if kind == "commercial" and re.search(r"\bworth\b|\bvalued\b|\btotal", text, re.I):
            continue  # a figure: handled by _indicators
        topics = [topic]
        if PLURAL_RE.search(word) and topic and re.search(r",| and ", topic):
            topics = [t.strip() for t in re.split(r",\s*(?:and\s+)?|\s+and\s+", topic) if t.strip()]
        for one in topics:
            if not one and not modifiers:
                continue
            label = _singular(word) if PLURAL_RE.search(word) else word
            title = " ".join(part for part in (modifiers, label, prep if one else "", one) if part)
            item = InstrumentItem(
                evidence=text,
                confidence=0.85 if kind else 0.6,
                kind=kind,
                title=_cap(title),
                status=status or "",
                parties=_parties(run, sentence),
            )
            if status == "signed":
                item.signed_on = _day_in(sentence, run) or run.event_on
            if status:
                _add_instrument(run, item)
                named_here += 1
                later = SIGN_LATER_RE.search(text, match.end())
                if later and status in ("proposed", "text_agreed"):
                    rest = later.group("rest")
                    _add_follow_up(
                        run,
                        FollowUpItem(
                            evidence=text,
                            confidence=0.65,
                            title=f"Sign the {item.title[:1].lower()}{item.title[1:]} "
                            + _clean_promise(rest),
                            due_on=dates.due_in(rest, run.base),
                        ),
                    )
            else:
                _enrich_instrument(run, item)
    _counted_instruments(run, sentence, named_here)


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in ("memoranda", "memorandums"):
        return "memorandum"
    if lower.endswith("ies"):
        return word[:-3] + "y"
    if lower.endswith("s") and not lower.endswith("ss"):
        return word[:-1]
    return word


def _counted_instruments(run: Extraction, sentence: Sentence, named_here: int) -> None:
    """ "Three documents were signed": an item per document; dozens: a figure, not items."""
    text = sentence.text
    match = COUNT_RE.search(text)
    if not match or not re.search(r"\bsign(?:ed|ing)\b|\bconcluded\b|\binked\b", text, re.I):
        return
    raw = match.group("n").lower()
    count = dates.SMALL_NUMBERS.get(raw) or (int(raw) if raw.isdigit() else 0)
    if count > 12:
        return  # a figure: _indicators records it
    remaining = count - named_here
    if (
        remaining <= 0
        or text.rstrip().endswith(":")
        and remaining == count
        and "items" not in (match.group("what").lower())
    ):
        return
    what = match.group("what").lower()
    previous = run.sentences[sentence.index - 1].text if sentence.index else ""
    if what in ("contracts", "deals") or COMMERCIAL_CONTEXT_RE.search(text + " " + previous):
        kind, label = "commercial", "Commercial item"
    elif what in ("memoranda", "memorandums", "mous"):
        kind, label = "memorandum", "Memorandum"
    elif what == "agreements":
        kind, label = "agreement", "Agreement"
    elif what == "protocols":
        kind, label = "protocol", "Protocol"
    else:
        kind, label = "other", "Document"
    forum = next((m for m in run.draft.meetings if m.kind == "business_forum"), None)
    where = f" at the {forum.title}" if forum and kind == "commercial" else ""
    for number in range(1, remaining + 1):
        item = InstrumentItem(
            evidence=text,
            confidence=0.6,
            kind=kind,
            title=f"{label} {number} of {remaining} reported signed{where} (not named in the "
            "report)",
            status="signed",
            signed_on=_day_in(sentence, run) or run.event_on,
            parties=[{"state": code, "organization": ""} for code in run.pair],
        )
        run.draft.instruments.append(item)


@functools.lru_cache(maxsize=8192)
def _topic_key(title: str) -> str:
    return re.sub(
        r"^(?:\S+\s+){0,6}?(?:memorandum(?: of understanding)?|documents?|agreement|protocol|"
        r"roadmap|programme|declaration|treaty|convention|item)\s+(?:on|concerning|regarding|for|"
        r"between)\s+",
        "",
        title.lower(),
    )


STATUS_ORDER = [
    "proposed",
    "under_negotiation",
    "text_agreed",
    "signed",
    "provisionally_applied",
    "in_force",
]


def _add_instrument(run: Extraction, item: InstrumentItem, derive_follow_up: bool = False):
    for existing in run.draft.instruments:
        if fuzz.token_set_ratio(_topic_key(existing.title), _topic_key(item.title)) >= 90 and (
            not existing.kind or not item.kind or existing.kind == item.kind
        ):
            if STATUS_ORDER.index(item.status) > STATUS_ORDER.index(existing.status or "proposed"):
                existing.status = item.status
                existing.signed_on = existing.signed_on or item.signed_on
            if not existing.kind and item.kind:
                existing.kind, existing.title = item.kind, item.title
            return
    run.draft.instruments.append(item)
    if derive_follow_up:
        _add_follow_up(
            run,
            FollowUpItem(
                evidence=item.evidence,
                confidence=0.75,
                title=f"Conclude an {item.title[:1].lower() + item.title[1:]}"
                if item.title[:1].lower() in "aeiou"
                else f"Conclude a {item.title[:1].lower() + item.title[1:]}",
            ),
            replaces_similar=True,
        )


def _enrich_instrument(run: Extraction, item: InstrumentItem) -> None:
    """A later sentence names a document more precisely ("the memorandum on diplomatic training"
    after "documents on diplomatic training"): take its kind and title."""
    for existing in run.draft.instruments:
        if existing.kind and existing.kind != "other":
            continue
        if (
            item.kind
            and fuzz.token_set_ratio(_topic_key(existing.title), _topic_key(item.title)) >= 90
        ):
            existing.kind = item.kind
            existing.title = item.title
            existing.confidence = max(existing.confidence, 0.8)
            return


# --- Indicators -------------------------------------------------------------------------------


def _indicators(run: Extraction, sentence: Sentence) -> None:
    text = sentence.text
    for match in MONEY_RE.finditer(text):
        currency = CURRENCIES.get(match.group("cur") or match.group("cur2") or "", "USD")
        number = (match.group("num") or match.group("num2")).replace(",", "")
        multiplier = (match.group("mult") or match.group("mult2") or "").lower()
        value = Decimal(number)
        if multiplier in ("billion", "bn", "b"):
            value *= 1000
        elif multiplier not in ("million", "mn", "m"):
            value /= Decimal(1_000_000)
        window = text[max(0, match.start() - 120) : match.end() + 60]
        count = COUNT_RE.search(text)
        metric = next((m for m, pattern in METRIC_RES if pattern.search(window)), None)
        note = ""
        if count and re.search(r"\bworth\b|\bvalued\b|\btotal", text, re.I):
            raw = count.group("n").lower()
            number_of = dates.SMALL_NUMBERS.get(raw) or (int(raw) if raw.isdigit() else 0)
            if number_of > 0:
                metric = "investment" if re.search(r"invest", window, re.I) else "other"
                note = f"{number_of} {count.group('what').lower()} signed"
        if not metric:
            continue
        period = dates.period_in(text, run.base)
        if note and not period:
            period = (run.event_on, run.event_on)
        if not period:
            continue
        run.draft.indicators.append(
            IndicatorItem(
                evidence=text,
                confidence=0.8 if not note else 0.65,
                metric=metric,
                value=f"{value.normalize():f}",
                unit=f"{currency} million",
                period_start=period[0],
                period_end=period[1],
                note=note,
            )
        )
        return


# --- Follow-ups -------------------------------------------------------------------------------


FOLLOW_UP_WORDS = (
    "agreed",
    "decided",
    "resolved",
    "undertook",
    "pledged",
    "committed",
    "promised",
    "vowed",
    "intend",
    "plan",
    "instructed",
    "tasked",
    "asked",
    "charged",
    " will ",
    " is to ",
    "next ",
    "as the ",
)


def _follow_ups(run: Extraction, sentence: Sentence) -> None:
    text = sentence.text
    lowered = text.lower()
    # Cheap word tests first: most sentences of a long report promise nothing.
    if not any(word in lowered for word in FOLLOW_UP_WORDS):
        return
    for match in AGREED_TO_RE.finditer(text):
        for what in re.split(r",? and (?:to|also to) ", match.group("what")):
            _promise(run, sentence, what, match.start())
    for match in INSTRUCTED_RE.finditer(text):
        who = _state_named(match.group("who"))
        _promise(run, sentence, match.group("what"), match.start(), responsible=who)
    for match in WILL_RE.finditer(text):
        who = _state_named(match.group("who"))
        if who:
            _promise(
                run,
                sentence,
                match.group("what"),
                match.start(),
                responsible=who,
                prefix=f"{states.name(who)} to ",
            )
    for match in NEXT_ROUND_RE.finditer(text):
        _next_round(run, sentence, match)
    for match in FEEDER_RE.finditer(text) if " as the " in text else ():
        _feeder(run, sentence, match)


def _promise(run, sentence, what: str, at: int, responsible=None, prefix="") -> None:
    what = CLAUSE_STOP_RE.sub("", what.strip()).strip()
    due_on = dates.due_in(what, run.base)
    place = next((m for m in states.mentions(nlp.make_doc(what)) if m.how == states.CAPITAL), None)
    if responsible is None and place and re.match(r"(?:hold|convene|host|organi[sz]e)\b", what):
        responsible = place.code  # the host of a meeting to be held answers for it
    what = _clean_promise(what)
    if (
        len(what.split()) < 2
        or re.match(
            r"(?:sign|work on|continue|strengthen|deepen|develop "
            r"(?:cooperation|relations)|expand cooperation)\b",
            what,
            re.I,
        )
        and not due_on
    ):
        return
    if responsible is None:
        subject = sentence.text[max(0, at - 60) : at]
        named = {m.code for m in states.mentions(nlp.make_doc(subject))}
        if len(named) == 1 and not re.search(r"\band\b|\bboth\b|\btwo\b|\bsides\b", subject):
            responsible = named.pop()
    title = _cap(prefix + what) if prefix else _cap(what)
    if len(title) > 200:
        title = title[:197].rsplit(" ", 1)[0] + "…"
    _add_follow_up(
        run,
        FollowUpItem(
            evidence=sentence.text,
            confidence=0.7,
            title=title,
            responsible_state=responsible,
            due_on=due_on,
        ),
    )
    # "Agreed to convene the commission": the commission is also a meeting still to happen.
    for kind, pattern in MEETING_KIND_RES:
        if kind in (
            "joint_commission",
            "political_consultations",
            "business_forum",
            "summit",
            "other",
        ) and (
            re.match(r"(?:convene|hold|reconvene|organi[sz]e|establish|set up)\b", what, re.I)
            and pattern.search(what)
        ):
            _add_meeting(
                run,
                MeetingItem(
                    evidence=sentence.text,
                    confidence=0.7,
                    kind=kind,
                    title=_meeting_title(run, kind, sentence, pattern.search(what)),
                    status="proposed",
                    round=_round(what),
                ),
            )


def _next_round(run: Extraction, sentence: Sentence, match: re.Match) -> None:
    of = (match.group("of") or "").strip()
    held = [
        m
        for m in run.draft.meetings
        if m.status == "held"
        and m.kind in ("political_consultations", "joint_commission", "summit", "business_forum")
    ]
    recurring = held[-1] if held else None
    if not of and recurring:
        of = recurring.title
    rest = match.group("rest")
    day = None
    found = dates.days_in(rest, run.base)
    if found:
        day = found[0].on
    due = day or dates.due_in(rest, run.base)
    place = ""
    for mention in states.mentions(nlp.make_doc(rest)):
        if mention.how == states.CAPITAL:
            place = mention.text
    title = f"Hold the next {match.group('what').lower()}" + (f" of the {of}" if of else "")
    title = re.sub(r"of the the ", "of the ", title)
    _add_follow_up(
        run,
        FollowUpItem(
            evidence=sentence.text,
            confidence=0.75,
            title=title,
            responsible_state=states.capital_of(place) if place else None,
            due_on=due,
        ),
    )
    if recurring:
        run.draft.meetings.append(
            MeetingItem(
                evidence=sentence.text,
                confidence=0.7,
                kind=recurring.kind,
                title=recurring.title,
                status="scheduled" if day else "proposed",
                starts_on=day,
                place=place,
                host=states.capital_of(place) if place else None,
                round=(recurring.round + 1) if recurring.round else None,
            )
        )


def _feeder(run: Extraction, sentence: Sentence, match: re.Match) -> None:
    subject = re.sub(r"^(?:The|the)\s+", "", match.group("subject").strip())
    target = match.group("target").strip()
    if re.match(r"(?:that|this|the) process", target):
        commission = next((m for m in run.draft.meetings if m.kind == "joint_commission"), None)
        target = f"{commission.title} workstreams" if commission else target
    output = "project map" if "project map" in sentence.text else "results"
    _add_follow_up(
        run,
        FollowUpItem(
            evidence=sentence.text,
            confidence=0.55,
            title=f"Turn the {subject}’s {output} into {target}",
        ),
    )


def _add_follow_up(run: Extraction, item: FollowUpItem, replaces_similar: bool = False) -> None:
    """One promise told twice is one follow-up. A promise derived from a statement of intent
    ("conclude a visa-exemption agreement") stands for the vaguer wording of the same promise
    ("pursue visa-free travel") wherever either comes first."""
    for index, existing in enumerate(run.draft.follow_ups):
        close = fuzz.token_sort_ratio(_content(existing.title), _content(item.title)) >= 85
        related = fuzz.token_set_ratio(_content(existing.title), _content(item.title)) >= 70
        derived = getattr(existing, "_derived", False)
        if close or (related and (replaces_similar or derived)):
            if replaces_similar and not derived:
                item.due_on = item.due_on or existing.due_on
                item.responsible_state = item.responsible_state or existing.responsible_state
                item._derived = True
                run.draft.follow_ups[index] = item
            return
    if replaces_similar:
        item._derived = True
    run.draft.follow_ups.append(item)


STOPWORDS = {"a", "an", "the", "of", "to", "for", "and", "in", "on", "at", "by", "with"}


@functools.lru_cache(maxsize=8192)
def _content(title: str) -> str:
    words = re.findall(r"[\w’'-]+", title.lower())
    return " ".join(word for word in words[1:] if word not in STOPWORDS)


# --- People -----------------------------------------------------------------------------------


def _people(run: Extraction, sentence: Sentence) -> None:
    text = sentence.text
    for match in PERSON_RE.finditer(text):
        words = match.group("name").split()
        while words and words[-1] in NOT_NAMES:
            words.pop()
        if not words or any(w in NOT_NAMES or states.table().get(w) for w in words):
            continue
        if any(
            m.start < match.end("name") and m.end > match.start("name") for m in sentence.mentions
        ):
            continue  # "President of Viet Nam": the "name" is part of a state's
        name = re.sub(r"[’']s$", "", " ".join(words))
        title = match.group("title")
        state = _state_named(match.group("of") or "") if match.group("of") else None
        if not state:
            before = text[max(0, match.start() - 25) : match.start()]
            found = states.mentions(nlp.make_doc(before))
            if found and found[-1].end >= len(before) - 4:
                state = found[-1].code
        _add_person(
            run,
            PersonItem(
                evidence=text,
                confidence=0.8 if state else 0.65,
                name=name,
                role=f"{title} of {states.name(state)}" if state else title,
                state=state,
            ),
        )


def _add_person(run: Extraction, person: PersonItem) -> None:
    surname = person.name.split()[-1]
    for existing in run.draft.people:
        if existing.name.split()[-1] == surname:
            if len(person.name) > len(existing.name):
                existing.name = person.name
            if person.state and not existing.state:
                existing.state, existing.role = person.state, person.role
            return
    run.draft.people.append(person)


# --- Last pass --------------------------------------------------------------------------------


def _finish(run: Extraction) -> None:
    """Documents whose kind no sentence named become `other`; dates of held meetings default to
    the day of the report's events."""
    known = {p.name.split()[-1]: p.state for p in run.draft.people if p.state}
    for person in run.draft.people:
        # "Tokayev received Sa’ar and Kosherbayev": in a report of two states, someone named
        # beside a person of one state without a state of their own is likely of the other.
        if person.state or len(run.pair) != 2:
            continue
        beside = {state for surname, state in known.items() if surname in person.evidence}
        if len(beside) == 1:
            person.state = next(code for code in run.pair if code not in beside)
            person.role = f"{person.role} of {states.name(person.state)}"
            person.confidence = 0.5
    for item in run.draft.instruments:
        if not item.kind:
            item.kind = "other"
            item.title = item.title
        if not item.status:
            item.status = "proposed"
