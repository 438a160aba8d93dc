"""Document metadata from cleaned text: kind, subject authority, dates, inspectors, judgement grades.

Regular expressions over the text ``ingest.clean.clean`` produces, about 1 ms a document. Every
pattern lets its words be split across lines and takes curly or straight apostrophes and "His" or
"Her" Majesty's Inspector. Decisions stated once here: the quality assurance manager counts as
one of the inspectors (a senior HMI who signs the findings off); observers and shadow inspectors
do not (no say in the findings); a deck dated "December 2022" is dated the 1st of the month.

Longer than the house's 300 lines because the pattern tables (a third of it) and the code reading
them change together; split, a fix to one would be a hunt through two files.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from index.types import GRADE_AREAS, DocumentMeta

# English children's services authorities, past and present: "Name = alias, alias". Names drop
# titles ("London Borough of", "City of", "Council", "County") but keep what is the name itself:
# "City of London" (plain "London" is the capital), "Isle of Wight", "Isles of Scilly". Hull is
# "Kingston upon Hull", its legal name and the one Ofsted's data uses; recent reports say "Hull".
# Councils' own abbreviations count: a self-evaluation deck may name its council only as "LBBD".
_AUTHORITIES = """
Barking and Dagenham = LBBD; Barnet; Bexley; Brent; Bromley; Camden; City of London; Croydon; Ealing; Enfield;
Greenwich; Hackney; Hammersmith and Fulham; Haringey; Harrow; Havering; Hillingdon; Hounslow; Islington;
Kensington and Chelsea = RBKC; Kingston upon Thames; Lambeth; Lewisham; Merton; Newham; Redbridge;
Richmond upon Thames; Southwark; Sutton; Tower Hamlets; Waltham Forest; Wandsworth; Westminster; Barnsley;
Birmingham; Bolton; Bradford; Bury; Calderdale; Coventry; Doncaster; Dudley; Gateshead; Kirklees; Knowsley;
Leeds; Liverpool; Manchester; Newcastle upon Tyne = Newcastle; North Tyneside; Oldham; Rochdale; Rotherham;
St Helens = Saint Helens; Salford; Sandwell; Sefton; Sheffield; Solihull; South Tyneside; Stockport;
Sunderland; Tameside; Trafford; Wakefield; Walsall; Wigan; Wirral; Wolverhampton; Cambridgeshire;
Derbyshire; Devon; East Sussex; Essex; Gloucestershire; Hampshire; Hertfordshire; Kent; Lancashire;
Leicestershire; Lincolnshire; Norfolk; Nottinghamshire; Oxfordshire; Staffordshire; Suffolk; Surrey;
Warwickshire; West Sussex; Worcestershire; Northamptonshire; Cumbria; Bath and North East Somerset; Bedford;
Blackburn with Darwen; Blackpool; Bournemouth, Christchurch and Poole = BCP; Bournemouth; Poole;
Bracknell Forest; Brighton and Hove; Bristol; Buckinghamshire; Central Bedfordshire; Cheshire East;
Cheshire West and Chester; Cornwall; Cumberland; Westmorland and Furness; Darlington; Derby; Dorset;
Durham = County Durham; East Riding of Yorkshire; Halton; Hartlepool; Herefordshire; Isle of Wight;
Isles of Scilly; Kingston upon Hull = Hull; Leicester; Luton; Medway; Middlesbrough; Milton Keynes;
North East Lincolnshire; North Lincolnshire; North Northamptonshire; West Northamptonshire; North Somerset;
North Yorkshire; Northumberland; Nottingham; Peterborough; Plymouth; Portsmouth; Reading;
Redcar and Cleveland; Rutland; Shropshire; Slough; Somerset; South Gloucestershire; Southampton;
Southend-on-Sea = Southend; Stockton-on-Tees; Stoke-on-Trent; Swindon; Telford and Wrekin; Thurrock;
Torbay; Warrington; West Berkshire; Wiltshire; Windsor and Maidenhead; Wokingham; York
"""


def _key(name: str) -> str:
    """An authority name's comparison key: lower case, '&' read as 'and', punctuation dropped."""
    return " ".join(re.sub(r"[^a-z]+", " ", name.lower().replace("&", " and ")).split())


def _name_regex(name: str) -> str:
    words = re.split(r"[\s,-]+", name)
    return r",?[\s-]+".join(r"(?:[Aa]nd|&)" if w == "and" else r"St\.?" if w == "St" else f"(?i:{w})"
                            if w in ("upon", "on", "of", "with") else re.escape(w) for w in words)


_SPELLINGS = {variant.strip(): canon.strip() for entry in _AUTHORITIES.split(";")
              for canon, _, aliases in [entry.partition("=")] for variant in [canon, *aliases.split(",")]
              if variant.strip()}
_CANONICAL = {_key(spelling): canon for spelling, canon in _SPELLINGS.items()}
# Longest first ("North Northamptonshire" before "Northamptonshire"), grouped by first letter, which
# halves a scan's time. No lookbehind: it would stop the engine skipping ahead by first letter (ten
# times slower), so _named looks at what precedes a match instead.
_BY_LETTER: dict[str, list[str]] = {}
for _spelling in sorted(_SPELLINGS, key=len, reverse=True):
    _BY_LETTER.setdefault(_spelling[0], []).append(_name_regex(_spelling)[1:])
_AUTHORITY_RE = re.compile("(?:" + "|".join(f"{c}(?:{'|'.join(rest)})" for c, rest in _BY_LETTER.items())
                           + r")(?![\w‐]|-\w)")  # "Newcastle-under-Lyme" is not Newcastle
# Not the authority: "Greater Manchester" (police, combined authority), "Bournemouth University", "the
# Southwark judgment" (a House of Lords case), "Reading and writing"; nor Ofsted's own address.
_NOT_BEFORE = re.compile(r"(?:Greater|University\s+of)\s+$")
_NOT_AFTER = re.compile(r"\s+(?:University|[Jj]udge?ment|and\s+(?:writing|maths))\b")
_OFSTED_ADDRESS = re.compile(r"Piccadilly Gate[\s,]+Store St(?:reet)?[\s,]+Manchester")

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b")
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_DMY = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}}"
_NUMERIC = r"\d{1,2}/\d{1,2}/\d{2,4}"
_RANGE_TOKEN = re.compile(rf"[\s,]*(?:({_NUMERIC})|(\d{{4}})\b|(\d{{1,2}})(?:st|nd|rd|th)?\b|({_MONTH})"
                          r"|(?:to|and|until|till|[-–—─])(?=[\s\d]))")
_DATES_LABEL = re.compile(r"Inspection\s+dates?\s*:?\s*")
_VISIT_PROSE = re.compile(r"(?:visit|inspection)\b[^.]{0,300}?\b(?:on|between|from|during)\s+(?=\d)")
_PUBLISHED = re.compile(rf"[Pp]ublished:?\s+({_DMY}|{_NUMERIC})")
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+"
_ARTICLE_DATE = re.compile(rf"{_WEEKDAY}({_DMY}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})")
_DATE_LINE = re.compile(rf"(?m)^[ \t*#]*({_DMY}|{_MONTH}\s+\d{{4}})[ \t*\r]*$")
_ANY_DATE = re.compile(rf"\b({_DMY}|{_MONTH}\s+\d{{4}})")
_APOS = "['’]"

_HEAD, _TITLE_PAGE = 5000, 1200  # titles, dates and teams are in the first pages; a deck's on its first
_KINDS = {  # the earliest match decides; capitalised, so never a report's "since a focused visit of …"
    "SIF inspection report": r"[Ii]nspection\s+of\s+services\s+for\s+children\s+in\s+need\s+of\s+help",
    "ILACS inspection report": rf"Inspection\s+of\s+(?:[^.:]{{0,80}}?\s+)?(?:local\s+authority\s+)?"
                               rf"children{_APOS}s\s+(?:social\s+care\s+)?services",
    "joint targeted area inspection": r"Joint\s+targeted\s+area\s+inspection\s+of"
                                      r"|findings\s+of\s+the\s+joint\s+targeted\s+area\s+inspection",
    "focused visit letter": r"Focused\s+visit\s+(?:to|of)\b|findings\s+of\s+(?:a|the|your)\s+focused\s+visit",
    "monitoring visit letter": r"Monitoring\s+visit\s+(?:to|of)\b"
                               r"|findings\s+of\s+(?:a|the|your)\s+(?:\w+\s+)?monitoring\s+visit",
    # A deck's title line, not a report's "as shown by their recent self-evaluation".
    "self-evaluation": r"(?:^|\n)[^\n]{0,60}\b[Ss]elf[\s-]?[Ee]valuation\b[^\n]{0,80}(?=\r?\n)",
    "news article": _WEEKDAY + r"(?:\d{1,2}\s+)?" + _MONTH,
}
_KIND_RES = {kind: re.compile(p) for kind, p in _KINDS.items()}
_ON_TITLE_PAGE = ("self-evaluation", "news article")
_REPORTS = ("ILACS inspection report", "SIF inspection report")
_LETTERS = ("focused visit letter", "monitoring visit letter", "joint targeted area inspection")
_SUBJECT_RES = [re.compile(p) for p in (  # where a title names the authority the document is about
    rf"(?:Inspection|[Vv]isit)\s+(?:of|to)\s+([^.:]{{2,90}}?)\s+children{_APOS}s\s+services",
    r"Joint\s+targeted\s+area\s+inspection\s+of\s+([^:]{0,200})",
    r"\A((?:(?!\n\s*\n)[^:])*?)(?:Re-)?Inspection\s+of",  # 2013–2020 reports: the name above the title
)]

_NAME = r"[A-ZÀ-ÖØ-Þ][\w’'-]*\.?(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w’'-]*\.?|de|van|von|der|le|la))+"
_NAME_RE = re.compile(_NAME)
_ROLE_RE = re.compile(
    rf"\(?\b(?:(?:Senior|Deputy)\s+)?(?:HMI|SHMI|SCRI|OI|AI|Ofsted\s+inspector|(?:His|Her)\s+Majesty{_APOS}s"
    r"\s+inspectors?|(?:lead|team|seconded|associate|additional|contracted|social\s+care\s+regulatory)"
    r"\s+inspector|designate)\b\)?\.?", re.I)
_NOT_A_NAME = re.compile(r"\b(?:inspectors?|inspection|director|manager|analyst|officer)\b", re.I)
_OBSERVER_RE = re.compile(rf"{_NAME},?\s+(?:who\s+)?(?:observed|shadowed|was\s+observing|observing"
                          r"|as\s+an?\s+observer)[^,.;]*")
# A report's team, one label a role; shadows and data analysts are read only to end the value before,
# and a heading or the judgement table ends the team.
_LABEL_RE = re.compile(
    r"(?P<keep>(?:Lead|Deputy\s+[Ll]ead|Team|Associate|Additional|Reporting|Seconded)\s+[Ii]nspectors?"
    r"|Quality\s+assurance\s+managers?)\s*:?"
    r"|(?:Shadow|Supernumerary|Observing)\s+[Ii]nspectors?\s*:?|Senior\s+(?:[Dd]ata|[Aa]nalytical)\s+\w+\s*:?"
    r"|(?P<stop>Judgement|Inspection\s+dates?|Report\s+published|Age\s+group|Information\s+about"
    r"|The\s+impact|Any\s+complaints)")
_TEAM_RE = re.compile(r"(?:Lead|Reporting)\s+[Ii]nspectors?\b")
_PROSE_RE = re.compile(  # a letter's "The inspectors were …", "The quality assurance manager was …"
    r"(?:[Ii]nspectors?(?:\s+for\s+(?:this|the)\s+(?:visit|inspection))?\s+(?:were|was)"
    r"|(?:visit|inspection)\s+was\s+(?:carried\s+out|conducted|undertaken|led)\s+by"
    r"|[Qq]uality\s+assurance\s+manager(?:\s+for\s+(?:this|the)\s+visit)?\s+was)\s+([^.]{0,300})")
_LEAD_IN_PROSE = re.compile(rf"({_NAME}),?\s+(?:\(?the\s+)?lead\s+inspector")
_SIGNATURE_RE = re.compile(r"Yours\s+(?:sincerely|faithfully)[\s,*]+([^\n]+)((?:\n[^\n]*){0,3})")

_GRADE = r"((?i:outstanding|good|inadequate|requires?\s+improvement(?:\s+to\s+be\s+good)?))\b"
_AREAS = {
    "ILACS inspection report": {
        "overall_effectiveness": r"Overall\s+effectiveness",
        "impact_of_leaders": r"impact\s+of\s+leaders\s+on\s+(?:social\s+work\s+)?practice\s+with\s+children"
                             r"\s+and\s+families",
        "help_and_protection": r"experiences\s+and\s+progress\s+of\s+children\s+who\s+need\s+help"
                               r"\s+and\s+protection",
        # Until 2023 one judgement covered "children in care and care leavers": the in-care one, as in
        # Ofsted's own data, which leaves care leavers ungraded for those years.
        "in_care": r"experiences\s+and\s+progress\s+of\s+children\s+in\s+care(?:\s+and\s+care\s+leavers)?",
        "care_leavers": r"experiences\s+and\s+progress\s+of\s+(?:children\s+)?care\s+leavers",  # sic, 2025
    },
    "SIF inspection report": {  # 2013–2018 single inspection framework, mapped onto today's areas
        "overall_effectiveness": r"(?:overall\s+judgement\s+is(?:\s+that)?"
                                 rf"(?:\s+children{_APOS}s\s+services)?|Overall\s+(?:judgement|effectiveness)"
                                 rf"|Children{_APOS}s\s+services\s+in\s+(?:the\s+)?(?-i:[A-Z])[^.:]{{0,80}}?)"
                                 r"\s+(?:(?:are|is)\s+)?",
        "impact_of_leaders": r"Leadership,?\s+management\s+and\s+governance",
        "help_and_protection": r"Children\s+who\s+need\s+help\s+and\s+protection",
        "in_care": r"Children\s+looked\s+after\s+and\s+achieving\s+permanence",
        "care_leavers": r"Experiences\s+and\s+progress\s+of\s+care\s+leavers",
    },
}
_GRADE_RES = {kind: {area: re.compile(label + r"[\s:|–—-]*" + _GRADE, re.I) for area, label in areas.items()}
              for kind, areas in _AREAS.items()}


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
    """The canonical name of the first authority in ``name`` ("Telford & Wrekin Council"), or None."""
    return next(_named(name), None)


def _named(text: str):
    """Canonical names of the authorities in text, in order, once per mention."""
    for m in _AUTHORITY_RE.finditer(text):
        before, after = text[max(0, m.start() - 16):m.start()], text[m.end():m.end() + 16]
        if not (before[-1:].isalnum() or before[-1:] in ("-", "_") or _NOT_BEFORE.search(before)
                or _NOT_AFTER.match(after)):
            yield _CANONICAL[_key(m.group())]


def _doc_type(head: str) -> str:
    hits = [(m.start(), kind) for kind, rx in _KIND_RES.items()
            if (m := rx.search(head, 0, _TITLE_PAGE if kind in _ON_TITLE_PAGE else _HEAD))]
    return min(hits, key=lambda hit: hit[0])[1] if hits else "other"


def _authorities_named(text: str, inspectors: tuple[str, ...]) -> Counter[str]:
    """Every authority the text names, counted, in order of first mention."""
    text = _OFSTED_ADDRESS.sub(" ", text)
    for name in inspectors:  # an inspector called "Dudley …" or "… Sutton" is no authority
        if _AUTHORITY_RE.search(name):  # (a copy of the whole text each; only when it matters)
            text = text.replace(name, " ")
    return Counter(_named(text))


def _subject(head: str, kind: str, found: Counter[str]) -> str | None:
    """The authority a document is about: the one its title names, else the one it names most."""
    if kind not in _ON_TITLE_PAGE:
        for _, span in sorted((m.start(), m.group(1)) for rx in _SUBJECT_RES if (m := rx.search(head))):
            if name := canonical_authority(span):
                return name
    # An article or a deck about several authorities: the most mentioned; on a tie, the first named.
    return found.most_common(1)[0][0] if found else None


def _title(head: str, kind: str, authority: str | None) -> str:
    """A title built from kind and authority for Ofsted's documents; the title line for the rest."""
    if authority and (kind in _REPORTS or kind in _LETTERS):
        again = "Re-inspection" if re.search(r"Re-inspection\s+of\s+services", head) else "Inspection"
        return {"focused visit letter": f"Focused visit to {authority} children's services",
                "monitoring visit letter": f"Monitoring visit to {authority} children's services",
                "joint targeted area inspection": f"Joint targeted area inspection of {authority}",
                "ILACS inspection report": f"Inspection of {authority} local authority children's services",
                "SIF inspection report":
                    f"{again} of {authority} children's services (single inspection framework)"}[kind]
    if kind == "self-evaluation":
        line = _KIND_RES[kind].search(head).group()
    else:  # the first line with words; a wrapped title continues on a line starting in lower case
        m = re.search(r"(?m)^[ \t*#]*([A-Za-z][^\n]{11,})(?:\n[ \t]*([a-z][^\n]*))?", head)
        line = " ".join(p for p in m.groups() if p) if m else ""
        line = re.split(r"\s(?:Inspection\s+dates?|Lead\s+inspector|Reporting\s+inspector|Published)\b",
                        line)[0]
    line = " ".join(line.replace("*", " ").replace("’", "'").split())[:200]
    if authority and kind != "news article" and _key(authority) not in _key(line):
        line = f"{line} ({authority})"
    return line


def _doc_date(head: str, kind: str) -> str | None:
    """The report's publication date, the article's date, the letter's date or the deck's month."""
    if m := _PUBLISHED.search(head):
        return _iso(m.group(1))
    if kind in _REPORTS:
        return None  # an ILACS report does not print its publication date
    if kind == "news article" and (m := _ARTICLE_DATE.search(head)):
        return _iso(m.group(1))
    # A letter's date stands on a line of its own; failing that, the first date on the title page.
    m = _DATE_LINE.search(head) or _ANY_DATE.search(head, 0, _TITLE_PAGE)
    return _iso(m.group(1)) if m else None


def _iso(s: str) -> str | None:
    """ISO form of '3 April 2018', 'April 3, 2018', '10/08/2015' or 'December 2022' (the 1st)."""
    numbers = [int(n) for n in re.findall(r"\d+", s)]
    if month := re.search(_MONTH, s):
        day, year = (numbers[0], numbers[-1]) if len(numbers) == 2 else (1, numbers[0])
        parts = [year, _MONTHS[month.group()[:3].lower()], day]
    else:
        parts = [numbers[2] + (2000 if numbers[2] < 100 else 0), numbers[1], numbers[0]]
    try:
        return date(*parts).isoformat()
    except ValueError:
        return None


def _visit_dates(head: str, kind: str) -> tuple[str | None, str | None]:
    """First and last day of the inspection or visit: after its label, or in a letter's opening."""
    m = _DATES_LABEL.search(head) or (None if kind in _REPORTS else _VISIT_PROSE.search(head))
    return _date_range(head, m.end()) if m else (None, None)


def _date_range(text: str, pos: int) -> tuple[str | None, str | None]:
    """Parse "7 and 8 March 2018", "28 February to 11 March 2022", "2 June 2014 – 25 June 2014" at pos."""
    parts: list[list[int | None]] = []  # [day, month, year] as written, gaps filled from later dates
    while m := _RANGE_TOKEN.match(text, pos):
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
    while parts and parts[-1][1] is None:  # a trailing page number, or the next clause's number
        parts.pop()
    if not parts or parts[-1][2] is None:
        return None, None
    year_given = parts[0][2] is not None
    for earlier, later in zip(parts[-2::-1], parts[::-1]):  # "7 and 8 March 2018": 7 is in March 2018
        earlier[1], earlier[2] = earlier[1] or later[1], earlier[2] or later[2]
    first, last = parts[0], parts[-1]
    if not year_given and (first[1], first[0]) > (last[1], last[0]):
        first[2] -= 1  # "30 December to 3 January 2020" starts in 2019
    try:
        return date(first[2], first[1], first[0]).isoformat(), date(last[2], last[1], last[0]).isoformat()
    except ValueError:
        return None, None


def _inspectors(head: str, text: str) -> tuple[str, ...]:
    """The inspection's team as named, lead first: a report's labelled list, or a letter's prose."""
    return tuple(dict.fromkeys(_labelled_team(text) or _prose_team(head, text)))


def _labelled_team(text: str) -> list[str]:
    # str.find first: a regex scan of a 150 kB report for the team list costs a millisecond.
    found = [i for label in ("Lead inspector", "Lead Inspector", "Reporting inspector")
             if (i := text.find(label)) >= 0]
    first = min(found) if found else (m.start() if (m := _TEAM_RE.search(text)) else None)
    if first is None:
        return []
    names: list[str] = []
    labels = list(_LABEL_RE.finditer(text, first, first + 1500))
    for m, after in zip(labels, labels[1:] + [None]):
        if m.group("stop"):
            break
        if m.group("keep"):  # the value runs to the next label or the end of its paragraph
            value = text[m.end():after.start() if after else m.end() + 300]
            names += _names_in(re.split(r"(?<![,\s])(?<!\band)\s*\n\s*\n", value, maxsplit=1)[0])
    return names


def _prose_team(head: str, text: str) -> list[str]:
    names, lead = [], None
    for m in _PROSE_RE.finditer(head):
        names += _names_in(m.group(1))
        if named := _LEAD_IN_PROSE.search(m.group(1)):
            lead = lead or _tidy(named.group(1))
    # The letter is signed by its lead inspector, unless a director signs it instead.
    if not lead and (signed := _SIGNATURE_RE.search(text)) and re.search(r"Inspector|HMI", signed.group()):
        lead = next(iter(_names_in(signed.group(1))), None)
    if lead in names:
        names.remove(lead)
    return [lead, *names] if lead else names


def _names_in(value: str) -> list[str]:
    """Full names in a list such as 'Louise Warren, HMI, and John Roughton, HMI'."""
    value = _ROLE_RE.sub(",", _OBSERVER_RE.sub(",", value))
    # Pieces end at a comma, "and", a blank line, or a full stop before a sentence ("… Moore. Children
    # living in this area"), never at an initial ("Fiona J. Millns").
    pieces = re.split(r"[,;&()*]|\band\b|\n\s*\n|\.\s+(?=[A-Z]\w+\s+[a-z])", value)
    names = (_tidy(p) for p in pieces)
    return [p for p in names if _NAME_RE.fullmatch(p) and not _NOT_A_NAME.search(p)]


def _tidy(name: str) -> str:
    """One spelling per person: straight apostrophe, no "Dr", no full stop or page number after."""
    return re.sub(r"^(?:Dr|Mrs?|Ms|Miss)\.?\s+|[\s.\d]+$", "", " ".join(name.replace("’", "'").split()))


def _grades(head: str, kind: str) -> dict[str, str]:
    """The judgement table's grades, lower case; "requires improvement to be good" shortened."""
    found = {area: m for area, rx in _GRADE_RES.get(kind, {}).items() if (m := rx.search(head))}
    grades = {area: " ".join(m.group(1).lower().split()) for area, m in found.items()}
    return {area: "requires improvement" if grades[area].startswith("requir") else grades[area]
            for area in GRADE_AREAS if area in grades}
