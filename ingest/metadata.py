"""Document metadata from cleaned text: kind, authority, dates, inspectors and judgement grades.

Only regular expressions over the text ``ingest.clean.clean`` produces (well under a millisecond a
document), so the same function serves ingestion, filters and the benchmark. Every pattern allows
its words to be split across lines, curly or straight apostrophes, and "His" or "Her" Majesty.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from index.types import GRADE_AREAS, DocumentMeta

# English children's services authorities, past and present; "Name = alias, alias". Canonical names
# drop titles ("London Borough of", "City of", "Council", "County"), but keep words that are the
# name itself: "City of London" (plain "London" would mean the whole capital), "Isle of Wight",
# "Isles of Scilly". Hull is "Kingston upon Hull", its legal name, which is also what Ofsted's data
# uses; Ofsted's recent reports say "Hull".
_AUTHORITIES = """
Barking and Dagenham; Barnet; Bexley; Brent; Bromley; Camden; City of London; Croydon; Ealing;
Enfield; Greenwich; Hackney; Hammersmith and Fulham; Haringey; Harrow; Havering; Hillingdon;
Hounslow; Islington; Kensington and Chelsea; Kingston upon Thames; Lambeth; Lewisham; Merton;
Newham; Redbridge; Richmond upon Thames; Southwark; Sutton; Tower Hamlets; Waltham Forest;
Wandsworth; Westminster; Barnsley; Birmingham; Bolton; Bradford; Bury; Calderdale; Coventry;
Doncaster; Dudley; Gateshead; Kirklees; Knowsley; Leeds; Liverpool; Manchester;
Newcastle upon Tyne = Newcastle; North Tyneside; Oldham; Rochdale; Rotherham; St Helens = Saint Helens;
Salford; Sandwell; Sefton; Sheffield; Solihull; South Tyneside; Stockport; Sunderland; Tameside;
Trafford; Wakefield; Walsall; Wigan; Wirral; Wolverhampton; Cambridgeshire; Derbyshire; Devon;
East Sussex; Essex; Gloucestershire; Hampshire; Hertfordshire; Kent; Lancashire; Leicestershire;
Lincolnshire; Norfolk; Nottinghamshire; Oxfordshire; Staffordshire; Suffolk; Surrey; Warwickshire;
West Sussex; Worcestershire; Northamptonshire; Cumbria; Bath and North East Somerset;
Bedford; Blackburn with Darwen; Blackpool; Bournemouth, Christchurch and Poole = BCP; Bournemouth;
Poole; Bracknell Forest; Brighton and Hove; Bristol; Buckinghamshire; Central Bedfordshire;
Cheshire East; Cheshire West and Chester; Cornwall; Cumberland; Westmorland and Furness;
Darlington; Derby; Dorset; Durham = County Durham; East Riding of Yorkshire; Halton; Hartlepool;
Herefordshire; Isle of Wight; Isles of Scilly; Kingston upon Hull = Hull; Leicester; Luton; Medway;
Middlesbrough; Milton Keynes; North East Lincolnshire; North Lincolnshire; North Northamptonshire;
West Northamptonshire; North Somerset; North Yorkshire; Northumberland; Nottingham; Peterborough;
Plymouth; Portsmouth; Reading; Redcar and Cleveland; Rutland; Shropshire; Slough; Somerset;
South Gloucestershire; Southampton; Southend-on-Sea = Southend; Stockton-on-Tees; Stoke-on-Trent;
Swindon; Telford and Wrekin; Thurrock; Torbay; Warrington; West Berkshire; Wiltshire;
Windsor and Maidenhead; Wokingham; York
"""

_LOWER_WORDS = {"and", "upon", "on", "of", "with"}


def _key(name: str) -> str:
    """Comparison key of an authority name: lower case, '&' read as 'and', punctuation dropped."""
    return " ".join(re.sub(r"[^a-z]+", " ", name.lower().replace("&", " and ")).split())


def _name_regex(name: str) -> str:
    words = re.split(r"[\s,-]+", name)
    parts = [r"(?:[Aa]nd|&)" if w == "and" else r"St\.?" if w == "St" else
             f"(?i:{w})" if w in _LOWER_WORDS else re.escape(w) for w in words]
    return r",?[\s-]+".join(parts)


_CANONICAL: dict[str, str] = {}
for _entry in _AUTHORITIES.split(";"):
    _canon, _, _aliases = (part.strip() for part in _entry.partition("="))
    for _variant in [_canon, *filter(None, (a.strip() for a in _aliases.split(",")))]:
        _CANONICAL[_key(_variant)] = _canon
# Longest first, so "North Northamptonshire" wins over "Northamptonshire". "Greater Manchester"
# (police, combined authority) is not Manchester; "Newcastle-under-Lyme" is not Newcastle.
_AUTHORITY_RE = re.compile(
    r"(?<![\w-])(?<!Greater )(?:"
    + "|".join(_name_regex(n) for n in sorted({*_CANONICAL.values(), "Hull", "Newcastle", "BCP",
                                               "County Durham", "Southend", "Saint Helens"},
                                              key=len, reverse=True))
    + r")(?![\w‐]|-\w)")
_OFSTED_ADDRESS = re.compile(r"Piccadilly Gate[\s,]+Store St(?:reet)?[\s,]+Manchester")

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b")
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_DAY_MONTH_YEAR = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}}"
_NUMERIC_DATE = r"\d{1,2}/\d{1,2}/\d{2,4}"
# One step of a date range: "28 February to 11 March 2022", "9–24 November 2017", "1/06/2015 – …".
_RANGE_TOKEN = re.compile(rf"[\s,]*(?:({_NUMERIC_DATE})|(\d{{4}})\b|(\d{{1,2}})(?:st|nd|rd|th)?\b|({_MONTH})"
                          r"|(?:to|and|until|till|[-–—─])(?=[\s\d]))")
_APOS = "['’]"
_GRADE = r"((?i:outstanding|good|inadequate|requires?\s+improvement(?:\s+to\s+be\s+good)?))\b"

_TYPE_PATTERNS = [  # the earliest match in the document's head decides its kind
    ("SIF inspection report", r"(?:Re-)?[Ii]nspection\s+of\s+services\s+for\s+children\s+in\s+need\s+of\s+help"),
    ("ILACS inspection report", rf"Inspection\s+of\s+(?:[^.:]{{0,80}}?\s+)?(?:local\s+authority\s+)?children{_APOS}s"
                                r"\s+(?:social\s+care\s+)?services"),
    ("joint targeted area inspection", r"(?:^|\n)[\s#*]*Joint\s+targeted\s+area\s+inspection\s+of"
                                       r"|findings\s+of\s+the\s+joint\s+targeted\s+area\s+inspection"),
    ("focused visit letter", r"(?:^|\n)[\s#*]*Focused\s+visit\s+(?:to|of)\b|findings\s+of\s+(?:a|the|your)\s+focused\s+visit"),
    ("monitoring visit letter", r"(?:^|\n)[\s#*]*Monitoring\s+visit\s+(?:to|of)\b"
                                r"|findings\s+of\s+(?:a|the|your)\s+(?:\w+\s+)?monitoring\s+visit"),
    # A deck's title line, not a report's passing mention of "their self-evaluation".
    ("self-evaluation", r"(?:^|\n)[^\n]{0,60}\b[Ss]elf[\s-]?[Ee]valuation\b[^\n]{0,80}(?=\n)"),
    ("news article", r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:\d{1,2}\s+)?" + _MONTH),
]
_TYPE_RES = [(kind, re.compile(p)) for kind, p in _TYPE_PATTERNS]
_HEAD = 5000  # titles, dates and the inspection team all sit in the first pages

# Where the subject authority is named: "Inspection of X local authority children's services",
# "Focused visit to the London Borough of X children's services", "… area inspection of … in X".
_SUBJECT_RES = [re.compile(p) for p in (
    rf"(?:Inspection|[Vv]isit)\s+(?:of|to)\s+([^.:]{{2,90}}?)\s+children{_APOS}s\s+services",
    r"Joint\s+targeted\s+area\s+inspection\s+of\s+([^:]{0,200})",
    r"\A((?:(?!\n\s*\n)[^:])*?)(?:Re-)?Inspection\s+of",  # 2013–2020 reports: name above the title
)]

_NAME = r"[A-ZÀ-ÖØ-Þ][\w’'-]*\.?(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w’'-]*\.?|de|van|von|der|le|la))+"
_NAME_RE = re.compile(rf"{_NAME}")
_ROLE_RE = re.compile(
    rf"\(?\b(?:(?:Senior|Deputy)\s+)?(?:HMI|SHMI|OI|AI|Ofsted\s+[Ii]nspector|(?:His|Her)\s+Majesty{_APOS}s"
    r"\s+[Ii]nspectors?|(?:lead|team|seconded|social\s+care\s+regulatory)\s+inspector|designate)\b\)?\.?", re.I)
_OBSERVER_RE = re.compile(rf"{_NAME},?\s+(?:who\s+)?(?:observed|shadowed|was\s+observing|observing|as\s+an?\s+observer)[^,.;]*")
# Labelled team lists in reports. Observers, shadow and supernumerary inspectors and data analysts
# took no part in the judgements, so they are read only to know where the previous value ends.
_LABEL_RE = re.compile(
    r"(?P<keep>(?:Lead|Deputy\s+lead|Team|Associate|Additional|Reporting|Seconded)\s+[Ii]nspectors?"
    r"|Quality\s+assurance\s+managers?)\s*:?"
    r"|(?:Shadow|Supernumerary|Observing)\s+[Ii]nspectors?\s*:?|Senior\s+(?:data|analytical)\s+\w+\s*:?"
    r"|(?P<stop>Judgement|Inspection\s+dates?|Report\s+published|Age\s+group|Information\s+about|The\s+impact"
    r"|\n\s*\n)")
# Letters name the team in prose; the quality assurance manager is a senior HMI who signs off the
# findings, so counts as one of the visit's inspectors (an observer, who has no say, does not).
_PROSE_RE = re.compile(
    r"(?:[Ii]nspectors?(?:\s+for\s+(?:this|the)\s+(?:visit|inspection))?\s+(?:were|was)"
    r"|(?:visit|inspection)\s+was\s+(?:carried\s+out|conducted|undertaken|led)\s+by"
    r"|[Qq]uality\s+assurance\s+manager(?:\s+for\s+(?:this|the)\s+visit)?\s+was)\s+([^.]{0,300})")
_LEAD_IN_PROSE = re.compile(rf"({_NAME}),?\s+(?:\(?the\s+)?lead\s+inspector")
_SIGNATURE_RE = re.compile(rf"Yours\s+(?:sincerely|faithfully)\W+({_NAME})")

_ILACS_AREAS = {
    "impact_of_leaders": r"impact\s+of\s+leaders\s+on\s+(?:social\s+work\s+)?practice\s+with\s+children\s+and\s+families",
    "help_and_protection": r"experiences\s+and\s+progress\s+of\s+children\s+who\s+need\s+help\s+and\s+protection",
    # Before 2023 one judgement covered "children in care and care leavers"; it is the in-care
    # judgement (Ofsted's own data leaves care leavers ungraded for those years), so no copy is made.
    "in_care": r"experiences\s+and\s+progress\s+of\s+children\s+in\s+care(?:\s+and\s+care\s+leavers)?",
    "care_leavers": r"experiences\s+and\s+progress\s+of\s+care\s+leavers",
    "overall_effectiveness": r"Overall\s+effectiveness",
}
_SIF_AREAS = {  # 2013–2018 single inspection framework: its areas mapped onto today's
    "overall_effectiveness": rf"(?:overall\s+judgement\s+is(?:\s+that)?(?:\s+children{_APOS}s\s+services)?"
                             rf"|Children{_APOS}s\s+services\s+in\s+(?:the\s+)?[A-Z][^.:\n]{{0,60}}?)\s+(?:(?:are|is)\s+)?",
    "help_and_protection": r"Children\s+who\s+need\s+help\s+and\s+protection",
    "in_care": r"Children\s+looked\s+after\s+and\s+achieving\s+permanence",
    "care_leavers": r"Experiences\s+and\s+progress\s+of\s+care\s+leavers",
    "impact_of_leaders": r"Leadership,?\s+management\s+and\s+governance",
}
_GRADE_RES = {kind: {area: re.compile(label + r"[\s:|–—-]*" + _GRADE, re.I if kind == "ILACS inspection report" else 0)
                     for area, label in areas.items()}
              for kind, areas in (("ILACS inspection report", _ILACS_AREAS), ("SIF inspection report", _SIF_AREAS))}
_STANDALONE_DATE = re.compile(rf"(?m)^[ \t*#]*({_DAY_MONTH_YEAR})[ \t*]*$")
_STANDALONE_MONTH = re.compile(rf"(?m)^[ \t*#]*({_MONTH}\s+\d{{4}})[ \t*]*$")
_PUBLISHED = re.compile(rf"(?:Report\s+)?[Pp]ublished:?\s+({_DAY_MONTH_YEAR}|{_NUMERIC_DATE})")
_ARTICLE_DATE = re.compile(rf"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+"
                           rf"({_DAY_MONTH_YEAR}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})")
_DATES_LABEL = re.compile(r"Inspection\s+dates?\s*:?\s*")
_VISIT_PROSE = re.compile(r"(?:visit|inspection)\b[^.]{0,300}?\b(?:on|between|from|during)\s+(?=\d)")
_REPORTS = ("ILACS inspection report", "SIF inspection report")
_LETTERS = ("focused visit letter", "monitoring visit letter", "joint targeted area inspection")


def extract_metadata(text: str, *, doc: str, hash: str) -> DocumentMeta:
    """Read a document's kind, subject authority, dates, inspectors and grades from its text.

    Args:
        text: the cleaned text, ``ingest.clean.clean(raw).text``.
        doc: the document's path relative to the corpus, stored as given.
        hash: sha256 of the file's bytes, stored as given.

    Returns:
        The DocumentMeta; what the text does not state stays empty (None, () or {}).
    """
    head = text[:_HEAD]
    kind = _doc_type(head)
    inspectors = () if kind == "self-evaluation" else _inspectors(head, text)
    found = _authorities_named(text, inspectors)
    authority = _subject(head, kind, found)
    start, end = _visit_dates(head, kind)
    return DocumentMeta(
        doc=doc, hash=hash, title=_title(head, kind, authority), doc_type=kind, authority=authority,
        authorities=tuple(dict.fromkeys([authority, *found] if authority else found)),
        date=_doc_date(head, kind), visit_start=start, visit_end=end, inspectors=inspectors,
        grades=_grades(head, kind))


def canonical_authority(name: str) -> str | None:
    """The canonical name of an authority written any way we know ("LB of Barnet" is not one)."""
    hit = _AUTHORITY_RE.search(name)
    return _CANONICAL.get(_key(hit.group())) if hit else None


def _doc_type(head: str) -> str:
    hits = [(m.start(), i) for i, (_, rx) in enumerate(_TYPE_RES) if (m := rx.search(head))]
    return _TYPE_RES[min(hits)[1]][0] if hits else "other"


def _authorities_named(text: str, inspectors: tuple[str, ...]) -> Counter[str]:
    """Every authority the text names, counted, in order of first mention."""
    # Ofsted's own address is on every report, and an inspector called "Dudley …" is no authority.
    text = _OFSTED_ADDRESS.sub(" ", text)
    for name in inspectors:
        text = text.replace(name, " ")
    return Counter(_CANONICAL[_key(m.group())] for m in _AUTHORITY_RE.finditer(text))


def _subject(head: str, kind: str, found: Counter[str]) -> str | None:
    """The authority a document is about: the one its title names, else the one it names most."""
    if kind in _REPORTS or kind in _LETTERS or kind == "other":
        spans = sorted((m.start(), m.group(1)) for rx in _SUBJECT_RES if (m := rx.search(head)))
        for _, span in spans:
            if name := canonical_authority(span):
                return name
    # A news story or a deck about several authorities: the most mentioned; on a tie, the first.
    return found.most_common(1)[0][0] if found else None


def _title(head: str, kind: str, authority: str | None) -> str:
    if authority and kind in _REPORTS or authority and kind in _LETTERS:
        return {
            "focused visit letter": f"Focused visit to {authority} children's services",
            "monitoring visit letter": f"Monitoring visit to {authority} children's services",
            "joint targeted area inspection": f"Joint targeted area inspection of {authority}",
            "ILACS inspection report": f"Inspection of {authority} local authority children's services",
            "SIF inspection report": ("Re-inspection" if re.search(r"Re-inspection\s+of\s+services", head)
                                      else "Inspection") + f" of {authority} children's services"
                                     " (single inspection framework)",
        }[kind]
    if kind == "self-evaluation":
        line = _TYPE_RES[5][1].search(head).group()
    else:  # the first line with words; a wrapped title continues on a line starting in lower case
        m = re.search(r"(?m)^[ \t*#]*([A-Za-z][^\n]{11,})(?:\n[ \t]*([a-z][^\n]*))?", head)
        line = " ".join(p for p in m.groups() if p) if m else ""
    line = " ".join(line.replace("*", " ").split())
    if authority and kind != "news article" and _key(authority) not in _key(line):
        line = f"{line} ({authority})"
    return line


def _doc_date(head: str, kind: str) -> str | None:
    """The letter's date, the report's publication date, the article's date or the deck's month."""
    if m := _PUBLISHED.search(head):
        return _iso(m.group(1))
    if kind in _REPORTS:
        return None
    if kind == "news article" and (m := _ARTICLE_DATE.search(head)):
        return _iso(m.group(1))
    if m := _STANDALONE_DATE.search(head):
        return _iso(m.group(1))
    # A deck dated "December 2022" is given the first of the month: the earliest day it can mean.
    m = _STANDALONE_MONTH.search(head)
    return _iso(m.group(1)) if m else None


def _iso(s: str) -> str | None:
    """ISO form of '3 April 2018', 'April 3, 2018', '10/08/2015' or 'December 2022' (the 1st)."""
    numbers = [int(n) for n in re.findall(r"\d+", s)]
    month = re.search(_MONTH, s)
    if month:
        day, year = (numbers[0], numbers[-1]) if len(numbers) == 2 else (1, numbers[0])
        parts = [year, _MONTHS[month.group()[:3].lower()], day]
    else:
        parts = [numbers[2] + (2000 if numbers[2] < 100 else 0), numbers[1], numbers[0]]
    try:
        return date(*parts).isoformat()
    except (ValueError, TypeError):
        return None


def _visit_dates(head: str, kind: str) -> tuple[str | None, str | None]:
    """First and last day of the inspection or visit, from its label or the letter's opening."""
    m = _DATES_LABEL.search(head)
    if not m and kind not in _REPORTS:
        m = _VISIT_PROSE.search(head)
    return _date_range(head, m.end()) if m else (None, None)


def _date_range(text: str, pos: int) -> tuple[str | None, str | None]:
    """Parse "7 and 8 March 2018", "28 February to 11 March 2022", "2 June 2014 – 25 June 2014" at pos."""
    parts: list[list[int | None]] = []
    while (m := _RANGE_TOKEN.match(text, pos)) and m.end() > pos:
        numeric, year, day, month = m.groups()
        if numeric:
            d, mo, y = (int(n) for n in numeric.split("/"))
            parts.append([d, mo, y + (2000 if y < 100 else 0)])
        elif day:
            parts.append([int(day), None, None])
        elif month or year:
            k = 1 if month else 2
            if not parts or parts[-1][k] is not None:
                break
            parts[-1][k] = _MONTHS[month[:3].lower()] if month else int(year)
        pos = m.end()
    while parts and parts[-1][1] is None:  # a trailing page number or the next clause's number
        parts.pop()
    if not parts or parts[-1][2] is None:
        return None, None
    explicit_year = parts[0][2] is not None
    for earlier, later in zip(parts[-2::-1], parts[::-1]):  # "7 and 8 March 2018": 7 is in March 2018
        earlier[1] = earlier[1] or later[1]
        earlier[2] = earlier[2] or later[2]
    first, last = parts[0], parts[-1]
    if not explicit_year and (first[1], first[0]) > (last[1], last[0]):
        first[2] -= 1  # "30 December to 3 January 2020" starts in 2019
    try:
        return date(first[2], first[1], first[0]).isoformat(), date(last[2], last[1], last[0]).isoformat()
    except ValueError:
        return None, None


def _inspectors(head: str, text: str) -> tuple[str, ...]:
    """The inspectors named as the inspection's team, lead first."""
    return tuple(dict.fromkeys(_labelled_team(text) or _prose_team(head, text)))


def _labelled_team(text: str) -> list[str]:
    first = re.search(r"(?:Lead|Reporting)\s+[Ii]nspectors?\b", text)
    if not first:
        return []
    names: list[str] = []
    labels = list(_LABEL_RE.finditer(text, first.start(), first.start() + 1500))
    for m, after in zip(labels, labels[1:] + [None]):
        if m.group("keep"):
            names += _names_in(text[m.end():after.start() if after else m.end() + 300])
        elif m.group("stop"):
            break
    return names


def _prose_team(head: str, text: str) -> list[str]:
    names, lead = [], None
    for m in _PROSE_RE.finditer(head):
        names += _names_in(m.group(1))
        if named := _LEAD_IN_PROSE.search(m.group(1)):
            lead = lead or " ".join(named.group(1).split())
    if not lead and (signed := _SIGNATURE_RE.search(text)):
        lead = " ".join(signed.group(1).split())  # a letter is signed by its lead inspector
    if lead in names:
        names.remove(lead)
        names.insert(0, lead)
    return names or ([lead] if lead else [])


def _names_in(value: str) -> list[str]:
    """Full names in a list such as 'Louise Warren, HMI, and John Roughton, HMI'."""
    value = _ROLE_RE.sub(",", _OBSERVER_RE.sub(",", value))
    pieces = (" ".join(p.split()).rstrip(".") for p in re.split(r"[,;&()]|\band\b|\n\s*\n", value))
    return [p for p in pieces if _NAME_RE.fullmatch(p)]


def _grades(head: str, kind: str) -> dict[str, str]:
    """The judgement table's grades, lower case; "requires improvement to be good" shortened."""
    found = {area: rx.search(head) for area, rx in _GRADE_RES.get(kind, {}).items()}
    grades = {area: " ".join(m.group(1).lower().split()) for area, m in found.items() if m}
    return {area: "requires improvement" if g.startswith("requir") else g
            for area, g in sorted(grades.items(), key=lambda kv: GRADE_AREAS.index(kv[0]))}
