"""Query understanding without an LLM: authorities, periods, document kinds and follow-up context."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Iterable, Sequence

from index.types import DocumentMeta

MONTH_NAMES = "january february march april may june july august september october november december".split()
MONTH_NUMBERS = {m: i for i, m in enumerate(MONTH_NAMES, 1)}
MONTH_NUMBERS.update({m[:3]: i for m, i in list(MONTH_NUMBERS.items())})
#: (pattern, kinds, named): named kinds are the document itself ("the May 2022 focused visit said…"),
#: and a sentence from another kind of document does not fit the question. A full inspection, a
#: visit, or what "Ofsted" said is also reported in letters and the news: those only steer retrieval.
_KINDS = [
    (r"\bmonitoring (?:visits?|letters?)\b", ("monitoring visit letter",), True),
    (r"\bfocus(?:s)?ed (?:visits?|letters?)\b", ("focused visit letter",), True),
    (r"\bself[- ]?(?:evaluat\w*|evals?|assess\w*)\b|\bSEF\b|\bslide deck\b|\bthe slides\b|\bour own (?:view|assessment)",
     ("self-evaluation",), True),
    # "bad news" and "good news" are not the news article; nor is the press release or the
    # journalist the question is being answered for ("a journalist is asking…").
    (r"(?<!bad )(?<!good )\bnews\b(?!\s+(?:is|was)\b)|\barticle\b|\bpress\b(?!\s+(?:release|statement|office|officer|team|lines?|enquir))|"
     r"\bCYP ?N(?:ow)?\b|\b(?:the|which|what) journalist|\bbyline\b|"
     r"\breport(?:ed|ing) in the media", ("news article",), True),
    (r"\bJTAI\b|\bjoint targeted", ("joint targeted area inspection",), True),
    # "the 2018 letter", "Ofsted's letter to Barnet": the inspectorate's letters.
    (r"\b(?:the|our|their|that|this|ofsted['’]s|\w+['’]s)\s+(?:(?:19|20)\d\d\s+|(?:january|february|march|april|may|june|"
     r"july|august|september|october|november|december)\s+)*(?:ofsted\s+)?letters?\b",
     ("focused visit letter", "monitoring visit letter"), True),
    (r"\bILACS (?:inspection|report)\b|\bfull inspection\b|\bgraded inspection\b|\binspection report\b",
     ("ILACS inspection report",), False),
    # "the permanence visit", "our front door visit": a visit named by what it looked at (not a
    # social worker's home or statutory visit).
    (r"\b(?:the|our|their|this|that)\s+(?:(?:19|20)\d\d\s+)?(?!(?:home|statutory|social|direct|school|joint|regular|timely|child|"
     r"children|family|families|first|purposeful|face|unannounced|weekly|monthly|planned|focus(?:s)?ed|monitoring)\b)[\w'’-]+(?:\s+door)?\s+"
     r"visits?\b(?!\s+(?:to|with)\s+(?:children|families|the child|young|homes?))",
     ("focused visit letter", "monitoring visit letter"), False),
    # "the 2022 visit", "our March 2018 visit", "Barnet's visit" (not social workers' visits to children).
    (r"\b(?:the|our|their|this|that|last|latest|recent|\w+'s|\w+’s)\s+(?:(?:19|20)\d\d\s+|(?:january|february|march|"
     r"april|may|june|july|august|september|october|november|december)\s+(?:(?:19|20)\d\d\s+)?)?(?:ofsted\s+)?"
     r"visits?\b(?!\s+(?:to|with)\s+(?:children|families|the child|young|homes?))",
     ("focused visit letter", "monitoring visit letter"), False),
]
#: "What did the May 2022 Ofsted visit find?": the visit is the source that speaks, so its letter.
_VISIT_SPEAKS = re.compile(r"\bvisits?\s+(?:find|found|say|said|tell|told|conclude|concluded|note|noted|think|thought|"
                           r"report|reported|flag|flagged|highlight|highlighted|pick|picked)\b", re.I)
#: Which of several documents by its order: "the first of our two focused visits", "the latest
#: letter", "our most recent visit". It names a document, not a subject.
DOCUMENT_ORDER = re.compile(
    r"\b(?:(?P<first>first|earliest)|(?P<latest>latest|most recent|newest|last))(?:\s+of\s+(?:our|the|their)"
    r"(?:\s+(?:two|three|four|\d))?)?(?=\s+(?:(?:focus(?:s)?ed|monitoring|ofsted|ilacs|full)\s+)*"
    r"(?:visits?|letters?|inspections?|reports?)\b)", re.I)
#: Every one of several documents: "between the two Ofsted visits", "across both our visits".
BOTH_DOCUMENTS = re.compile(
    r"\b(?:both|the two|our two|(?:each|all) of (?:our|the)(?: two)?|either)(?:\s+(?:of\s+)?(?:our|the))?"
    r"(?=\s+(?:(?:focus(?:s)?ed|monitoring|ofsted|ilacs|full)\s+)*(?:visits|letters|inspections)\b)", re.I)
#: A question about which council, or about more than one, names no authority by leaving it out.
_OTHER_AUTHORITY_Q = re.compile(r"\b(?:which|what|another|other|both|either|each|two|any|all|those|these|neighbouring)\s+"
                                r"(?:[\w'’-]+\s+)?(?:councils?|authorit(?:y|ies)|boroughs?|LAs?|places?|areas?)\b|"
                                r"\b(?:anywhere|somewhere|elsewhere)\b|\bwho\s+(?:else\s+)?(?:was|got|were)\s+(?:judged|rated|graded)\b", re.I)
_HOME = re.compile(r"\b(?:we|us|our|ours|ourselves)\b|"
                   # "the visit here", "kids round here": the place the person asking works in.
                   r"\b(?:visits?|visited|came|come|comes|been|inspect\w*|work\w*|live[sd]?|living|children|kids|families|"
                   r"staff|round|around)\s+here\b|\bhere in (?:the |this )?(?:borough|council|authority)\b|"
                   # "both here and over in Barnet", "in Barnet and here": here beside another place.
                   r"\bhere\s+(?:and|or|as well as|versus|vs\.?|compared (?:with|to))\s+(?:over\s+)?(?:in|at)\b|"
                   r"\b(?:and|or|versus|vs\.?|than)\s+(?:over\s+)?here\b", re.I)
_INSPECTORATE = re.compile(r"\b(?:ofsted|inspectors?|inspection|HMI|inspected)\b", re.I)
INSPECTION_KINDS = ("focused visit letter", "monitoring visit letter", "ILACS inspection report",
                    "SIF inspection report", "joint targeted area inspection")

#: The sector's abbreviations, expanded in the search query so "EDT" finds "emergency duty team".
#: (PLO, the Public Law Outline, is what staff call its pre-proceedings stage: "PLO work".)
ABBREVIATIONS = {
    "mash": "multi-agency safeguarding hub", "edt": "emergency duty team", "eha": "early help assessment",
    "cp": "child protection", "cpp": "child protection plan", "cin": "child in need", "lac": "looked after children",
    "cla": "children looked after", "iro": "independent reviewing officer", "iros": "independent reviewing officers", "resi": "residential",
    "rhi": "return home interview", "rhis": "return home interviews", "pep": "personal education plan",
    "taf": "team around the family", "icpc": "initial child protection conference", "qa": "quality assurance",
    "da": "domestic abuse", "cse": "child sexual exploitation", "csa": "child sexual abuse",
    "eet": "education employment training", "neet": "not in education employment or training",
    "sgo": "special guardianship order", "ico": "interim care order", "fco": "full care order",
    "s47": "section 47", "s20": "section 20", "uasc": "unaccompanied asylum-seeking children",
    "avs": "virtual school", "hmi": "inspector", "lbbd": "Barking and Dagenham", "sw": "social worker",
    "sws": "social workers", "ilacs": "inspection of local authority children's services",
    "jtai": "joint targeted area inspection", "ifd": "integrated front door", "sen": "special educational needs",
    "eh": "early help", "cic": "children in care", "cwd": "children with disabilities", "lado": "designated officer",
    "iha": "initial health assessment", "ihas": "initial health assessments", "plo": "pre-proceedings",
    "fgc": "family group conference", "fgcs": "family group conferences", "yos": "youth offending service",
    "yot": "youth offending team", "camhs": "child and adolescent mental health services",
    "dfe": "Department for Education", "csc": "children's social care", "dcs": "director of children's services", "tm": "team manager",
    "tms": "team managers", "sgos": "special guardianship orders", "peps": "personal education plans",
    "ehas": "early help assessments", "cpps": "child protection plans",
    "send": "special educational needs and disabilities", "nfa": "no further action", "pp": "police protection",
    # Partner agencies' own: schools, police, health, housing.
    "dsl": "designated safeguarding lead", "dsls": "designated safeguarding leads", "ppu": "public protection unit",
    "nrpf": "no recourse to public funds", "raa": "regional adoption agency", "ehcp": "education health and care plan",
    "ehcps": "education health and care plans", "marac": "multi-agency risk assessment conference",
    "mappa": "multi-agency public protection arrangements", "cme": "children missing education",
    "ehe": "elective home education", "asye": "assessed and supported year in employment",
    "nqsw": "newly qualified social worker", "nqsws": "newly qualified social workers", "hv": "health visitor",
    "hvs": "health visitors", "yjs": "youth justice service", "pru": "pupil referral unit",
    "idva": "independent domestic violence adviser", "sdq": "strengths and difficulties questionnaire",
}


#: Abbreviations with an ampersand, which word-based matching cannot see: spelled out before
#: anything else reads the question ("A&I caseloads" → "assessment and intervention caseloads").
_AMPERSANDS = {"a&i": "assessment and intervention", "b&d": "Barking and Dagenham", "lb b&d": "Barking and Dagenham",
               "lbbd": "Barking and Dagenham"}
_AMPERSAND = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in sorted(_AMPERSANDS, key=len, reverse=True)) + r")\b", re.I)


#: Shorthand staff write for everyday words, in any case ("mgmt oversight", "SW visits").
_WORD_SHORTHAND = {"mgmt": "management", "mgt": "management", "mngt": "management", "mgr": "manager",
                   "mgrs": "managers", "dept": "department", "govt": "government", "yr": "year", "yrs": "years",
                   # "Strats": strategy discussions (or meetings), in frontline shorthand.
                   "strat": "strategy discussion", "strats": "strategy discussions"}
_WORD_SHORT = re.compile(r"\b(?:" + "|".join(_WORD_SHORTHAND) + r")\b", re.I)


#: Staff shorthand for the kinds of document, in capitals only ("the 2022 FV", "our SE").
_KIND_SHORTHAND = {"FV": "focused visit", "FVs": "focused visits", "MV": "monitoring visit", "MVs": "monitoring visits",
                   "SE": "self-evaluation", "SEs": "self-evaluations"}
_SHORTHAND = re.compile(r"\b(?:" + "|".join(_KIND_SHORTHAND) + r")\b")
_MONTH_NAME = "|".join(MONTH_NAMES)


def _letter_date(first: str, joiner: str | None, second: str | None, month: str) -> str:
    """A day or two days and their month as the letters write them: "27 and 28 March", "4 May"."""
    return f"{first} {joiner} {second} {month}" if joiner else f"{first} {month}"


#: Idioms for what the documents say plainly.
_IDIOMS = [(re.compile(r"\bkeep(?:ing)? an eye on\b", re.I), "monitor"),
           # "How does the out-of-hours team hand over to the daytime service?": the emergency duty
           # team's transitional arrangements with the day service.
           (re.compile(r"\bout[- ]of[- ]hours (?:team|service|duty)\b", re.I), "emergency duty team"),
           (re.compile(r"\b(?:hands?|handing|handed) (?:over|on)\b", re.I), "handover"),
           (re.compile(r"\bdaytime\b", re.I), "day"),
           # "Did people in our MASH have too much on?": were their workloads manageable.
           (re.compile(r"\b(?:had|have|has|having) too much on(?: (?:their|my|our|his|her) plates?)?", re.I),
            "had workloads too high"),
           (re.compile(r"\bwhich no\.?(?=\s|\?|$)", re.I), "which number"),
           (re.compile(r"\b(?:at|by) (?:the )?last count\b", re.I), "latest"),
           # "Any hold-ups for families?": delays.
           (re.compile(r"\bhold[- ]?ups\b", re.I), "delays"),
           (re.compile(r"\bhold[- ]?up\b(?!\s+(?:the|a|an|our|their|this|that|it|them)\b)", re.I), "delay"),
           # A young person staying on with their foster carers past 18 is "staying put".
           (re.compile(r"\b(?:stay(?:s|ing|ed)?|liv(?:e|es|ing)|remain(?:s|ing|ed)?) on with (?:their|his|her|our|the) "
                       r"(?:foster )?carers\b|\bcarry(?:ing)? on living with (?:us|their (?:foster )?carers)\b", re.I), "staying put"),
           # "When kids come back after going missing": they return home from missing.
           (re.compile(r"\b(?:come|comes|came|coming|get|gets|got) (?:back|home)(?: home)? (?:after|from) "
                       r"(?:going |being |they(?:['’]ve| have)? (?:go|gone|been) )?missing\b", re.I), "return home after missing"),
           # "How many times had Ofsted been back to Barnet?"
           (re.compile(r"\b(?:been|come|gone|went|came) back (?:to|in)\b", re.I), "visited"),
           # "Does our SEF line up with what the inspectors said?", "How did ours stack up against Barnet's?"
           (re.compile(r"\b(?:lines?|lined|lining|match(?:es|ed)?|squares?|squared|tall(?:y|ies|ied)|stacks?|stacked|"
                       r"measures?|measured) up (?:with|against|to)\b", re.I), "compare with"),
           # "How were we checking our own work?": quality assurance.
           (re.compile(r"\bcheck(?:ing|s|ed)?[- ](?:on[- ])?(?:our|its|their|your)[- ]own[- ](?:work|practice)\b", re.I),
            "quality assurance and auditing"),
           # "Pull together what we know on police protection": about police protection.
           (re.compile(r"\bwhat (?:do |did )?(?:we|you) know (?:on|about|of)\b", re.I), "about"),
           # "What did the letter say about how we handle S47s?": about S47s.
           (re.compile(r"\bhow (we|they|you|the council) (?:handle[sd]?|deal(?:s|t)? with)\s+", re.I),
            lambda m: {"we": "our ", "they": "their "}.get(m.group(1).lower(), "")),
           # "How did Ofsted's view of our MASH compare…": what Ofsted made of it (a verdict: see VERDICT_Q).
           (re.compile(r"\b(ofsted|inspectors?|hmis?|their|its|the letter|the visit)(['’]s|['’])?\s+(?:view|views|take|"
                       r"opinion|verdict|impression)\s+(?:of|on)\b", re.I), r"what \1 made of"),
           # "Did they say what was being done about it?": what action is taken.
           (re.compile(r"\bwhat (?:is|was|are|were|has been|had been) (?:being )?done (?=about|on|to)", re.I),
            "what action was taken "),
           # "back in 2018", "back in the 2018 visit" is in 2018.
           (re.compile(r"\bback in (?=(?:the |that |our |their )?(?:19|20)\d\d\b)", re.I), "in "),
           # "the nov 18 visit", "Sept '22": a month and two digits are a month and year, as staff write
           # them ("18 Nov" would be a day).
           (re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|january|february|march|april|may|june|"
                       r"july|august|september|october|november|december)(?:\s+|\s*['’-]\s*)([12]\d)\b"
                       r"(?!\s*(?:st|nd|rd|th)\b|\s*[:.%]\s*\d|\s*(?:am|pm|%)\b)", re.I), r"\1 20\2"),
           # "the 27th and 28th of March", "March 27th-28th": days as the letters write them ("27 and 28 March").
           (re.compile(rf"\b(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)(?:\s*(and|to|-|–)\s*(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th))?"
                       rf"(?:\s+of)?\s+({_MONTH_NAME})\b", re.I),
            lambda m: _letter_date(*m.groups())),
           (re.compile(rf"\b({_MONTH_NAME})\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)(?:\s*(and|to|-|–)\s*(?:the\s+)?(\d{{1,2}})"
                       rf"(?:st|nd|rd|th))?,?", re.I),
            lambda m: _letter_date(*m.groups()[1:], m.group(1))),
           # "Is it right that…" asks whether it is true, of nothing right.
           (re.compile(r"\b(is it|isn['’]t it|was it|am I) (?:right|correct) (?:that|in (?:saying|thinking)(?: that)?)\b", re.I),
            "is it true that"),
           # "When did Barnet get the failing rating…?"
           (re.compile(r"\b(?:get|got|given|receive|received) (?:a|the|its|their|an) (?:failing|inadequate) "
                       r"(?:rating|grade|judgement|judgment)\b", re.I), "get judged inadequate")]


#: What the answer is for, which says nothing of where it is: "so I can use it in the SEF", "for
#: the ILACS pack", "for the director's briefing".
_PURPOSE = re.compile(
    r"[,;]?\s*\bso (?:that )?(?:I|we) (?:can|could|may)\b[^.?!;]*|"
    r"\bfor (?:the|our|a|my|an)\s+(?:[\w'’-]+\s+){0,3}?(?:pack|briefing|brief|slides?|meeting|log|timeline|paper|"
    r"presentation|committee|report to \w+|board|panel)\b|\bfor (?:my|our) (?:piece|story|column|write-up|blog)\b|"
    # "For scrutiny committee: how did…"
    r"^\s*for\s+(?:[\w'’-]+\s+){0,2}?(?:pack|briefing|meeting|committee|board|panel|presentation)\s*[:,–-]", re.I)


#: Who is asking, which says nothing of what is asked: "Journalist here -", "As a NQSW in the FSS
#: team", and how they put that they want to know ("I'd like to know what…"). Left in, a journalist
#: would ask about the news piece, and "NQSW" would be a name no document uses. (The service someone
#: works in may be the subject: "I'm in foster carer recruitment - did they say we need more carers?")
_ASKER = re.compile(
    r"^\s*(?:(?:hi|hello|hiya)\b[,!]?\s*)?(?:[\w'’/&-]+\s+){1,4}?(?:here|speaking)\s*[-–—:,.!]+\s*|"
    # "I'm a DSL." (a role of a few words, said as a sentence of its own)
    r"^\s*(?:(?:hi|hello|hiya)\b[,!]?\s*)?(?:I['’]?m|I am)\s+(?:an?|the)\s+(?:[\w'’/&-]+\s+){0,3}[\w'’/&-]+[.!]\s+(?=[A-Z])|"
    r"^\s*(?:(?:hi|hello|hiya)\b[,!]?\s*)?(?:as|I['’]?m|I am)\s+(?:an?|the)\s+[^,;:?.!–—]{1,60}?"
    r"(?:\s*(?:[,;:–—]|\s-)\s*|\s+(?=(?:i|i['’]d|i['’]m|can|could|please|what|how|who|when|which|why|where|did|does|do|"
    r"is|are|was|were|tell)\b))|"
    # "I sit on the scrutiny committee and would like to know…" (not "I'm in the fostering team - do
    # we need more carers?": the service someone works in may be the subject)
    r"^\s*(?:(?:hi|hello|hiya)\b[,!]?\s*)?I\s+(?:sit|serve|work|am|['’]m)\s+(?:on|in|with|for)\s+(?:the|a|an|our)\s+"
    r"[^,;:?.!–—]{1,50}?\s+and\s+(?=(?:i\s+)?(?:would|['’]d|want|need|wanted)\b)|"
    r"(?:\b(?:i['’]?d|i would|i|we['’]?d|we would|we)\s+|^\s*(?:would|['’]d)\s+)"
    r"(?:really\s+)?(?:like|want|need|wanted|needed)\s+to\s+"
    r"(?:know|understand|find out|hear|learn)\b(?:\s+(?:about|of)\b)?", re.I)


#: A statement of five words or more after the question, however it starts ("…? The school got a call
#: around then.", "…? A few of us were spoken to and I want the dates right."), not a clarification of
#: it ("…? The 2022 one.", "…? I mean the MASH.", "…? Something about schools and GPs.") nor a further
#: request ("…? Compare their view with the SEF.").
_AFTERWORD = re.compile(r"(?<=\?)\s+(?!I mean\b|(?:that|this) is\b|i\.e\.|(?:especially|specifically|particularly|mainly|"
                        r"only|not|including|in particular|looking at|both|either|for|about|re|regarding|on|as|"
                        r"and|or|but|also|what|how|why|which|who|whom|whose|when|where|is|are|was|were|do|does|did|"
                        r"has|have|had|can|could|will|would|should|give|list|tell|show|name|please|compare|contrast|set|"
                        r"something|anything|stuff|summari[sz]e|explain|describe|pull|find|remind|include)\b)"
                        r"[A-Z][\w'’]*\b(?=(?:[^?.!]*?\s){4})[^?]*$", re.I)


def spell_out(question: str) -> str:
    """The question with ampersand abbreviations (A&I, B&D) and the shorthand for kinds of document
    (FV, MV) spelled out, a few idioms said plainly ("keep an eye on": monitor), and what the answer
    is for left out ("…so I can use it in the SEF")."""
    question = _PURPOSE.sub(" ", question).strip()
    # "Which days were the inspectors in? The school got a call around then.": what follows the
    # question is context.
    question = _AFTERWORD.sub("", question)
    for _ in range(2):  # "I sit on the committee and" leaves "would like to know…"
        question = _ASKER.sub(" ", question).strip().lstrip(":;,-–— ")
    question = _AMPERSAND.sub(lambda m: _AMPERSANDS[m.group(0).lower()], question)
    question = _SHORTHAND.sub(lambda m: _KIND_SHORTHAND[m.group(0)], question)
    question = _WORD_SHORT.sub(lambda m: _WORD_SHORTHAND[m.group(0).lower()], question)
    for pattern, plain in _IDIOMS:
        question = pattern.sub(plain, question)
    return question


#: Abbreviations that are no ordinary word, so expanded however they are written ("s47s", "resi").
_ANY_CASE = {"s47", "s20", "resi"}


def expand(question: str) -> str:
    """The question with known abbreviations followed by their expansions, for searching."""
    def key(word: str) -> str:  # a plural is the abbreviation's: "S47s", "IROs"
        low = word.lower()
        return low[:-1] if low not in ABBREVIATIONS and low.endswith("s") else low

    keyed = ((w, key(w)) for w in re.findall(r"\b[A-Za-z0-9]{2,6}\b", question))
    extra = [ABBREVIATIONS[k] for w, k in keyed if k in ABBREVIATIONS and (w.rstrip("s").isupper() or k in _ANY_CASE)]
    return question + (" (" + "; ".join(dict.fromkeys(extra)) + ")" if extra else "")


@cache
def _spelled_out() -> list[tuple[re.Pattern, str]]:
    """Each abbreviation of two words or more, found by its expansion ("independent reviewing
    officers" → IRO), longest first."""
    found: dict[str, list[str]] = {}
    for abbr, expansion in ABBREVIATIONS.items():
        words = expansion.lower().split()
        if len(words) >= 2 and expansion[0].islower():
            key = " ".join(w.rstrip("s") for w in words)
            found.setdefault(key, []).append(abbr)
    out = []
    for key, abbrs in sorted(found.items(), key=lambda kv: -len(kv[0])):
        words = [re.escape(w) + r"s?" for w in key.replace("-", " ").split()]
        out.append((re.compile(r"\b" + r"[\s-]+".join(words) + r"\b", re.I), " ".join(sorted(set(abbrs)))))
    return out


def abbreviate(question: str) -> list[str]:
    """The abbreviations whose expansions the question spells out ("What did they say about the
    independent reviewing officers?" → IRO, IROs): the documents often use only the abbreviation
    ("This delay is insufficiently escalated by IROs")."""
    return [abbrs for pattern, abbrs in _spelled_out() if pattern.search(question)]


@dataclass(frozen=True)
class Filters:
    """Hard restrictions chosen by the user; documents outside them are never returned."""

    authorities: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    since: str | None = None  # ISO date, inclusive
    until: str | None = None
    docs: tuple[str, ...] = ()

    @classmethod
    def of(cls, value: "Filters | dict | None") -> "Filters":
        if value is None:
            return cls()
        if isinstance(value, Filters):
            return value
        def tup(v):
            if not v:
                return ()
            return (v,) if isinstance(v, str) else tuple(v)
        return cls(authorities=tup(value.get("authority") or value.get("authorities")),
                   doc_types=tup(value.get("doc_type") or value.get("doc_types")),
                   since=value.get("since") or None, until=value.get("until") or None,
                   docs=tup(value.get("docs")))

    def __bool__(self) -> bool:
        return bool(self.authorities or self.doc_types or self.since or self.until or self.docs)

    def admits(self, meta: DocumentMeta) -> bool:
        if self.docs and meta.doc not in self.docs:
            return False
        if self.authorities and not {_norm(a) for a in self.authorities} & {_norm(meta.authority or "")}:
            return False
        if self.doc_types and meta.doc_type not in self.doc_types:
            return False
        when = meta.date or meta.visit_start
        if (self.since or self.until) and not when:
            return False
        if self.since and when < self.since:
            return False
        if self.until and when > self.until:
            return False
        return True

    def to_json(self) -> dict:
        return {k: v for k, v in (("authority", list(self.authorities)), ("doc_type", list(self.doc_types)),
                                   ("since", self.since), ("until", self.until)) if v}


@dataclass(frozen=True)
class Hints:
    """What the question itself says about where the answer lies; used as soft boosts."""

    authorities: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    doc_types: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    named_kinds: tuple[str, ...] = ()  # the kinds named as documents: a sentence from another kind does not fit
    elsewhere: tuple[str, ...] = ()  # "anywhere else": authorities the conversation has already covered
    home: bool = False
    topic: str = ""
    reported: tuple[str, ...] = ()  # authorities named that have no document of their own, only mentions
    carried: bool = False  # filled in from the previous turn

    def matches(self, meta: DocumentMeta) -> float:
        """How many of the hints this document satisfies, 0..1 per kind (summed)."""
        score = 0.0
        if self.elsewhere and _norm(meta.authority or "") in {_norm(a) for a in self.elsewhere}:
            score -= 1.0
        if self.authorities:
            names = {_norm(meta.authority or "")}
            mentioned = {_norm(a) for a in meta.authorities}
            wanted = {_norm(a) for a in self.authorities}
            score += 1.0 if names & wanted else (0.3 if mentioned & wanted else 0.0)
        if self.years:
            score += 1.0 if document_years(meta) & set(self.years) else 0.0
        if self.doc_types:
            score += 1.0 if meta.doc_type in self.doc_types else 0.0
        if self.people:
            inspectors = {_norm(p) for p in meta.inspectors}
            score += 0.5 if inspectors & {_norm(p) for p in self.people} else 0.0
        return score

    def fits(self, meta: DocumentMeta, text: str = "") -> bool:
        """Whether a document (or a sentence ``text`` of it) fits the authority, year and kind named.

        A document fits an authority it is about, or one it mentions when ``text`` names it; a year
        when it is dated or visited then, or when ``text`` mentions the year; a kind when it is of
        that kind ("what did Ofsted say" names the inspectorate's documents, not the news).
        """
        if self.named_kinds and meta.doc_type not in self.named_kinds:
            return False
        if self.elsewhere and _norm(meta.authority or "") in {_norm(a) for a in self.elsewhere}:
            return False
        if self.authorities:
            wanted = {_norm(a) for a in self.authorities}
            if _norm(meta.authority or "") not in wanted and not (
                    wanted & {_norm(a) for a in meta.authorities}
                    and (not text or any(_norm(a) in _norm(text) for a in self.authorities))):
                return False
        if self.years:
            years = document_years(meta)
            if years and not years & set(self.years) and not any(str(y) in text for y in self.years):
                return False
        return True

    @property
    def kinds(self) -> int:
        return sum(bool(x) for x in (self.authorities, self.years, self.doc_types))


def document_years(meta: DocumentMeta) -> set[int]:
    """The years a document is dated in or its visit took place in."""
    return {int(d[:4]) for d in (meta.date, meta.visit_start, meta.visit_end) if d}


def document_months(meta: DocumentMeta) -> set[int]:
    """The months (1–12) a document is dated in or its visit took place in."""
    return {int(d[5:7]) for d in (meta.date, meta.visit_start, meta.visit_end) if d and len(d) >= 7}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower().replace("&", "and"))


class QueryAnalyzer:
    """Finds authorities, years, months, kinds and people in a question, given the corpus's metadata."""

    def __init__(self, metas: Iterable[DocumentMeta], home_authority: str | None = None):
        metas = list(metas)
        self.metas = metas
        self.home = home_authority
        names: set[str] = set()
        people: set[str] = set()
        for m in metas:
            names.update(a for a in (m.authority, *m.authorities) if a)
            people.update(m.inspectors)
        if home_authority:
            names.add(home_authority)
        self.authorities = sorted(names, key=len, reverse=True)
        self._authority_res = [(a, _name_pattern(a)) for a in self.authorities]
        self.people = sorted(people)
        self.known_people = frozenset(people)
        # The latest year each authority's documents are dated (None: any authority's).
        self._latest: dict[str | None, int] = {}
        for m in metas:
            year = int((m.date or m.visit_start or "0")[:4] or 0)
            for key in (None, m.authority):
                self._latest[key] = max(self._latest.get(key, 0), year)
        self._people_res = [(p, re.compile(r"\b" + re.escape(p.split()[-1]) + r"\b", re.I)) for p in self.people]
        # The authorities with documents of their own (others are only mentioned in them).
        self._own = {_norm(m.authority or "") for m in metas}

    def analyze(self, question: str, assume_home: bool = True) -> Hints:
        found: list[str] = []
        text = question
        for name, pattern in self._authority_res:
            if pattern.search(text):
                found.append(name)
                text = pattern.sub(" ", text)
        home = bool(_HOME.search(question)) and bool(self.home)
        if home and self.home not in found:
            found.append(self.home)
        years = tuple(sorted({int(y) for y in re.findall(r"\b(20[0-4]\d|19[89]\d)\b", question)}))
        since = _SINCE.search(question)
        if since and since.group(0).lower().startswith("after") and _SAID.search(question):
            # "What did Ofsted say we needed to improve after the 2018 visit?" asks what that visit said.
            since = None
        if since and years == (int(since.group(1)),):
            # "Has it improved since the 2018 visit?" sets that year against the latest documents.
            latest = max((self._latest.get(a, 0) for a in found), default=self._latest.get(None, 0))
            if latest > years[0]:
                years = (years[0], latest)
        months = tuple(sorted({MONTH_NUMBERS[m.lower()] for m in re.findall(
            r"\b(" + "|".join(MONTH_NUMBERS) + r")\b", question, re.I) if m.lower() != "may" or re.search(
            r"\bmay\s+20\d\d|\bin\s+may\b", question, re.I)}))
        found_kinds = [(kinds, named) for pattern, kinds, named in _KINDS if re.search(pattern, question, re.I)]
        kinds = tuple(dict.fromkeys(k for ks, _ in found_kinds for k in ks))
        named = tuple(dict.fromkeys(k for ks, is_named in found_kinds if is_named for k in ks))
        if _VISIT_SPEAKS.search(question) or any(k.endswith("visit letter") for k in named):
            # "Did the same inspector do our front door visit and Barnet's monitoring visit?": each
            # visit the question names is a letter it asks about.
            named = tuple(dict.fromkeys((*named, *(k for k in kinds if k.endswith("visit letter")))))
        if not named and _INSPECTORATE.search(question) and all(k.endswith("visit letter") for k in kinds) \
                and not _asks_what_we_did(question):
            # "What did Ofsted say…", "what did inspectors find in the permanence visit?" points at the
            # inspectorate's own documents rather than the news, and is never answered by the
            # council's own view of itself (the news may report it).
            kinds = kinds or INSPECTION_KINDS
            # The news reporting the inspectors speaks for them only where no letter of theirs is
            # here: on an authority only the news covers ("what did Ofsted say about Waltham Forest?").
            inspected = {_norm(m.authority or "") for m in self.metas if m.doc_type in INSPECTION_KINDS}
            # So it does for a year none of their letters here is of ("its last full Ofsted inspection
            # in 2014", which the news piece reports).
            reported = not found or any(_norm(a) not in inspected for a in found) or bool(years) and not any(
                m.doc_type in INSPECTION_KINDS and _norm(m.authority or "") in {_norm(a) for a in found}
                and document_years(m) & set(years) for m in self.metas)
            named = (*INSPECTION_KINDS, "news article") if reported else INSPECTION_KINDS
        order = DOCUMENT_ORDER.search(question)
        if order and not years:
            # "When was the first of our two focused visits?": the year of the earliest (or latest)
            # document of the kind and authority asked about, when they span more than one.
            dated = self._years_of(kinds, found)
            if len(dated) > 1:
                years = (dated[0],) if order.group("first") else (dated[-1],)
        elif not years and BOTH_DOCUMENTS.search(question):
            # "Has morale held up between the two Ofsted visits?": each visit's year, to set side by side.
            dated = self._years_of(kinds, found)
            if 1 < len(dated) <= 3:
                years = tuple(dated)
        if assume_home and not found and self.home and (years or months) and not _OTHER_AUTHORITY_Q.search(question) \
                and self._home_has(years, months, kinds):
            # Staff asking about "the 2018 visit" mean their own when their council had one then:
            # Barnet's monitoring visit of the same year is not what they ask about. (Not when the
            # home authority has no document of that time or kind: "the November 2018 monitoring
            # visit" is Barnet's.)
            found.append(self.home)
        people = tuple(p for p, pattern in self._people_res if pattern.search(question))
        return Hints(authorities=tuple(found), years=years, months=months, doc_types=kinds, people=people,
                     named_kinds=named, home=home, topic=question,
                     reported=tuple(a for a in found if _norm(a) not in self._own))

    def _home_has(self, years: Sequence[int], months: Sequence[int], kinds: Sequence[str]) -> bool:
        """Whether the home authority has a document of these years, months and kinds (each, when given)."""
        home = _norm(self.home or "")
        for m in self.metas:
            if _norm(m.authority or "") != home or (kinds and m.doc_type not in kinds):
                continue
            if years and not document_years(m) & set(years):
                continue
            if months and not document_months(m) & set(months):
                continue
            return True
        return False

    def _years_of(self, kinds: Sequence[str], authorities: Sequence[str]) -> list[int]:
        """The years, in order, of the documents of these kinds on these authorities (any, when
        none is given), each dated by its visit or else by its own date."""
        wanted = {_norm(a) for a in authorities}
        return sorted({int((m.visit_start or m.date)[:4]) for m in self.metas if (m.visit_start or m.date)
                       and (not kinds or m.doc_type in kinds)
                       and (not wanted or _norm(m.authority or "") in wanted)})

    def with_history(self, question: str, history: Sequence[str]) -> tuple[str, Hints]:
        """Resolve a follow-up ("and in 2022?", "what about Barnet?") against the previous turns.

        Returns the question to search with (the follow-up joined to the last full question when it
        is elliptical) and its hints, with the earlier turn's authority, period and kind carried over
        where the follow-up does not replace them.
        """
        from index.question import subject_words

        if not history:
            return question, self.analyze(question)
        hints = self.analyze(question)
        # (A question whose only subject word is an aspect of some subject, "what trend did the 2022
        # inspectors note?", is about the earlier question's subject however it starts; "what did
        # inspectors find about thresholds?" has a subject of its own.)
        own_words = subject_words(question, hints).lower().split()
        if not (is_followup(question) or all(w in _ASPECT_WORDS for w in own_words)):
            return question, hints
        # (A follow-up's authority is the earlier turn's unless it names one: "And in 2022?" after a
        # question on Barnet is still about Barnet.)
        return self._carry(question, self.analyze(question, assume_home=False), *self._resolve(history))

    def _resolve(self, history: Sequence[str]) -> tuple[str, Hints]:
        """The last turn of a conversation resolved through every earlier follow-up."""
        query, hints = history[0], self.analyze(history[0])
        for turn in history[1:]:
            query, hints = self._carry(turn, self.analyze(turn, assume_home=False), query, hints) if is_followup(turn) \
                else (turn, self.analyze(turn))
        return query, hints

    def _carry(self, question: str, hints: Hints, previous: str, prev_hints: Hints) -> tuple[str, Hints]:
        from index.question import EXPLICIT_COMPARE_Q, subject_words

        elsewhere = bool(ELSEWHERE.search(question))
        own = asks_its_own(question)
        # "How does that compare with Barnet's?" sets the new authority or year beside the earlier one.
        beside = bool(EXPLICIT_COMPARE_Q.search(question))
        # "Which of those have we put in our priorities?" asks about our own documents, whatever the
        # earlier question's source was; "what did it say about…" still means that source.
        own_source = own and hints.home and not _REFERS_TO_SOURCE.search(question)
        # "What did they tell us to fix?" names us as the earlier question did: no new authority.
        new_authorities = [a for a in hints.authorities if a not in prev_hints.authorities]
        carried = replace(
            hints,
            authorities=_union(prev_hints.authorities, hints.authorities) if beside else
            hints.authorities or (() if elsewhere else prev_hints.authorities),
            elsewhere=prev_hints.authorities if elsewhere and not hints.authorities else (),
            years=_union(prev_hints.years, hints.years) if beside else hints.years or prev_hints.years,
            doc_types=hints.doc_types or (() if hints.years or new_authorities or elsewhere or own_source
                                          else prev_hints.doc_types),
            # What the earlier question said the answer is (the inspectors' view, a focused visit) holds
            # for "and in 2022?" too.
            # A follow-up that names a kind of its own ("in the 2022 visit") replaces it.
            named_kinds=hints.named_kinds or (() if elsewhere or hints.doc_types or own_source
                                              else prev_hints.named_kinds),
            carried=True,
        )
        if carried.named_kinds and self.metas and not any(carried.fits(m) for m in self.metas):
            # "And the Barnet one?" after a question on our focused visit: Barnet's letter, whatever
            # its kind.
            carried = replace(carried, named_kinds=(), doc_types=())
        # A follow-up asking its own question ("and how many went to uni?") keeps the earlier subject
        # but not the earlier question's own words ("what % … are in EET"); an elliptical one ("and
        # in 2022?") is the earlier question, with the authority, year or kind it replaces.
        # "What does our self-evaluation say about them?" names its own source: the earlier question's
        # ("What did the 2022 visit say…") no longer applies.
        if own and not beside:
            # (The earlier question's kind of document stays in the words searched: "When did it take
            # place?" after "Who led the Barnet monitoring visit?" is about the monitoring visit.)
            earlier = _strip_followup(previous, prev_hints, self, kinds=bool(hints.doc_types or hints.named_kinds))
            topic = f"{question} {subject_words(earlier, Hints())}".strip()
        else:
            topic = _strip_followup(previous, prev_hints, self, kinds=bool(hints.doc_types or hints.named_kinds)) \
                + " " + question
        return topic, replace(carried, topic=topic)


#: A follow-up that points at the earlier answer's source ("what did it say", "did they look at").
_REFERS_TO_SOURCE = re.compile(r"\b(?:it|its|they|them|their|the letter|the visit|the report|that visit|that letter)\b",
                               re.I)
_OWN_QUESTION = re.compile(r"\b(?:who|whom|when|what|which|where|why|how)\b|^\s*(?:\w+[,\s]+){0,2}?(?:did|does|do|was|"
                           r"were|is|are|has|have|had|can|could)\b|"
                           # "Give me the lead inspector for each of them."
                           r"^\s*(?:(?:and|so|then|also|now)[,\s]+)?(?:please\s+)?(?:give|tell|list|show|name|send)\b", re.I)
_ABOUT = re.compile(r"^\s*(?:ok(?:ay)?[,\s]+|right[,\s]+)?(?:and\s+)?(?:what|how) about\b|^\s*(?:and\s+)?(?:what|how)\s+of\b",
                    re.I)


#: Words that name an aspect of a subject rather than a subject ("what trend…", "what was the rate…").
_ASPECT_WORDS = frozenset(
    "trend trends change changes figure figures number numbers rate rates proportion percentage total totals count "
    "picture position direction progress level levels".split())


def asks_its_own(question: str) -> bool:
    """Whether a follow-up asks a question of its own ("and how many went to uni?") rather than the
    earlier one again about something else ("and in 2022?", "what about Barnet?")."""
    return bool(_OWN_QUESTION.search(question)) and not _ABOUT.match(question) and not _SAME_POINT.search(question) \
        and not _SAME_FIGURE.search(question)


#: "…say on the same point?", "about the same thing?": the earlier question, asked of another source.
_SAME_POINT = re.compile(r"\b(?:on|about|regarding|re)\s+(?:the\s+)?(?:same|that|this)\s+(?:point|thing|issue|topic|subject|area|"
                         r"question|matter|front)\b|\bthe same (?:point|thing|issue|topic|subject)\b", re.I)


#: "And what was it down to by the self-evaluation?", "where was it at in 2022?", "and by the
#: self-eval, where had that got to?": the earlier figure
#: again, at another time or in another source ("what was it about / for?" asks something new).
_SAME_FIGURE = re.compile(r"(?:^|[,;:–—]\s*|\s-\s*)\s*(?:(?:and|so|but|ok(?:ay)?|then)[,\s]+)*(?:what|where)\s+(?:was|is|were|are|had|has)\s+"
                          r"(?:it|that|this|they|the (?:figure|number|total|rate|proportion|percentage|count))\s+"
                          r"(?:(?:got|gone|fallen|dropped|risen|rose|fell|come|climbed)\s+)?(?:(?:down|up|back)\s+)?"
                          r"(?:to|at|by|then|now|in|according|under|over)\b", re.I)


def _union(first: tuple, second: tuple) -> tuple:
    return tuple(dict.fromkeys((*first, *second)))


_FOLLOWUP = re.compile(
    r"^\s*(?:and|what about|how about|and what about|what of|same for|and for|and in|in|for|then|also|"
    r"did they|was it|were they|is that|did it|how did that|how does that|what did they)\b", re.I)


ELSEWHERE = re.compile(r"\b(?:anywhere else|elsewhere|somewhere else|any other (?:authorit(?:y|ies)|councils?|boroughs?|"
                        r"places?)|other (?:authorities|councils|boroughs|places))\b", re.I)


_SINCE = re.compile(r"\b(?:since|after)\s+(?:(?:the|our|their|its|last)\s+)?(?:[A-Za-z]+\s+){0,2}?(20[0-4]\d|19[89]\d)\b",
                    re.I)
def _asks_what_we_did(question: str) -> bool:
    """"What have we put in place since Ofsted flagged…?" asks what we did: Ofsted, named only in the
    clause saying since when, is not the source asked about."""
    main = _SUBORDINATE.sub(" ", question)
    return bool(_WE_DID.search(main)) and not _INSPECTORATE.search(main)


_SUBORDINATE = re.compile(r"\b(?:since|after|following|because|now that|given that)\b[^,?;]*", re.I)
_WE_DID = re.compile(r"\b(?:have|has|had|did|do|are|were|will)\s+we\b|\bwe(?:['’]ve|['’]re| have| are| did| do)\b",
                     re.I)
_SAID = re.compile(r"\b(?:ofsted|inspectors?|they|it|letter|visit)\s+(?:say|said|tell|told|recommend\w*|ask\w*|want\w*|"
                   r"find|found|flag\w*|pick\w*)\b", re.I)
_KIND_NAMES = re.compile(r"\b(?:(?:focused|monitoring)\s+visits?|visits?|inspections?|letters?|reports?|self[- ]?"
                         r"(?:evaluation|assessment)s?|news(?:\s+(?:article|piece|story))?|articles?|ofsted|inspectors?|"
                         r"hmis?)\b", re.I)


def is_followup(question: str) -> bool:
    words = re.findall(r"\w+", question)
    # "…what have we put in place for them since Ofsted flagged it?": "them" points back however
    # long the question; "it" and "they" only in a short one ("what did they say?").
    return bool(_FOLLOWUP.match(question)) or len(words) <= 4 or bool(ELSEWHERE.search(question)) or bool(
        re.search(r"\b(?:they|that|it|this|those|these|them|there|she|he|their|its)\b", question, re.I) and len(words) <= 12
    ) or bool(re.search(r"\b(?:for|of|to|about|with|on) them\b", question, re.I)) or bool(
        # "…inspect Barnet later that year?": the year of the earlier question.
        re.search(r"\b(?:that|the same|that same) (?:year|month|visit|inspection|letter)\b", question, re.I))


def _strip_followup(previous: str, hints: Hints, analyzer: QueryAnalyzer, kinds: bool = False) -> str:
    """The previous question without the authority and year it named, so new ones can replace them,
    and without the kind of document it named when ``kinds`` (the follow-up names its own)."""
    text = previous
    for name, pattern in analyzer._authority_res:
        text = pattern.sub(" ", text)
    # A month dates the document with its year ("the June 2022 letter"): it goes with it.
    text = re.sub(r"\b(?:" + "|".join(m for m in MONTH_NUMBERS if m != "may") + r"|may(?=\s+(?:19|20)\d\d))\.?\s+(?=(?:19|20)\d\d\b)",
                  " ", text, flags=re.I)
    text = re.sub(r"\b(?:19|20)\d\d\b", " ", text)
    if kinds:
        text = _KIND_NAMES.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _name_pattern(name: str) -> re.Pattern:
    words = [re.escape(w) for w in re.split(r"\s+", name.replace("&", "and"))]
    body = r"\s+".join(w if w.lower() != "and" else r"(?:and|&)" for w in words)
    return re.compile(r"\b" + body + r"(?:'s|’s)?\b", re.I)
