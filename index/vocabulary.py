"""How a question's words match the documents' words: the sector's abbreviations both ways ("EDT"
is the emergency duty team; "conference" is part of "ICPC"), a short thesaurus of staff words for
the documents' own ("permission": consent), plurals and adverbs the light stemmer leaves alone."""

from __future__ import annotations

import re
from functools import cache

from index.text import _STOPWORDS, stem, terms


@cache
def _abbreviations() -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """The abbreviations' terms -> the terms they stand for, and a word of an expansion -> the
    abbreviations it is part of (read from index.query on first use)."""
    from index.query import ABBREVIATIONS

    expansions = {stem_term: terms(expansion) for abbr, expansion in ABBREVIATIONS.items() for stem_term in terms(abbr)}
    part_of: dict[str, set[str]] = {}
    for abbr, words in expansions.items():
        for word in words:
            part_of.setdefault(word, set()).add(abbr)
    return expansions, part_of


#: Words the documents use for what staff ask about in other words ("reorganised" / "re-configured",
#: "waiting" / "delays"): a question's word matches any word of its class.
_CLASSES = [set(terms(words)) for words in (
    # (A restructure is put as "the recent changes to early help services".)
    "reorganise reorganised reorganisation restructure restructured reconfigure reconfigured configured redesign "
    "redesigned remodel remodelled change changes",
    "wait waiting waits delay delays delayed",
    # What staff call a criticism, inspectors put as a concern or a weakness.
    "criticise criticised criticism criticisms weakness weaknesses worry worries worried concern concerns concerned",
    "praise praised strength strengths",
    "faith faiths mosque mosques church churches temple synagogue religious",
    # Everyday words for the documents' own (a short thesaurus of how staff and councillors put it).
    "permission permissions consent consented consenting",
    "failing failed inadequate",
    # The light stemmer leaves "judged" and "judgement" apart.
    "judge judged judgement judgements judgment judgments",
    "permanent permanence permanency",
    "assurance audit audits auditing audited",
    "quality qualitative",
    "ended ending cease ceased ceasing",
    "theme themed themes focus",
    "mum mums mother mothers women",
    "schooling education educational",
    "court courts proceedings",
    "workload workloads caseload caseloads",
    "overseeing oversight oversee",
    "handover handovers transition transitional",
    "homeless homelessness housing",
    "absence absences absent attendance",
    "morale motivation mood",
    # "The inspection that preceded the 2018 visit" is the last one ("since the last Ofsted inspection").
    "previous preceding preceded prior last",
    "speed pace timeliness slow slowly slower",
    "reach scale extent",
    # Someone who came on a visit without inspecting "observed" it.
    "observe observed observer observing watch watched watching shadow shadowed shadowing",
    # The light stemmer leaves "inaccurate" and "inaccuracies" apart.
    "accurate accuracy accurately inaccurate inaccuracy inaccuracies",
    "jobless joblessness unemployment unemployed",
    # A strategy discussion is also called a strategy meeting.
    "discussion discussions meeting meetings",
    # A case still being worked is open, or ongoing.
    "open ongoing",
    # A return home interview is a chat or a debrief with the child, in staff's words.
    "interview interviews chat chats debrief debriefs",
    # The sector's three abbreviations for the children the council looks after.
    "lac cla cic",
)]
CLASS_OF = {t: c for c in _CLASSES for t in c}


#: Children the council looks after, as the documents and staff put it ("looked after", "children in
#: care", "coming into care", "in our care"), which is not care proceedings, a care plan or a care
#: leaver: the term LAC, whichever words say it (see with_phrases).
LOOKED_AFTER = re.compile(
    r"\blooked[- ]after\b|\b(?:in|into|entering|enters?|entered) (?:the council['’]s |the local authority['’]s |"
    r"the authority['’]s |our |its |their |local authority )?care\b(?![- ]?(?:leav|proceed|order|plan|home|experienc))",
    re.I)


#: How a question names them: "looked after", "children in care", "in our care" ("coming into care"
#: is about entering care, and keeps its words).
ASKS_LOOKED_AFTER = re.compile(
    r"\blooked[- ]after\b|\b(?:children|kids|young people) in care\b(?![- ]?(?:leav|proceed|order|plan|home|experienc))|"
    r"\bin (?:the council['’]s|the local authority['’]s|the authority['’]s|our|its|their) care\b", re.I)


def with_phrases(text: str, found: set[str]) -> set[str]:
    """``found`` (the terms of ``text``) with the term of each sector phrase ``text`` holds: "lac"
    for "children in care" or "looked after", so that it matches a question on LAC."""
    return found | {"lac"} if LOOKED_AFTER.search(text) else found


def term_match(term: str, present: set[str]) -> bool:
    """``term``, its expansion when it is an abbreviation (EDT: emergency duty team), or a word
    that one begins with the other, six letters at least (invest/investment)."""
    if term in present or term + "s" in present or (term.endswith("s") and term[:-1] in present):
        return True  # a plural the stemmer leaves alone ("GP" / "GPs")
    if term + "ly" in present or (term.endswith("ly") and term[:-2] in present):
        return True  # "a month" / "monthly", "year" / "yearly"
    if term in CLASS_OF and CLASS_OF[term] & present:
        return True
    expansions, part_of = _abbreviations()
    expansion = expansions.get(term)
    if expansion and all(t in present for t in expansion):
        return True
    if any(a in present or a + "s" in present for a in part_of.get(term, ())):
        return True  # "conference" in "ICPC", "section" in "S47s"
    if len(term) >= 6:
        return any(p.startswith(term) or (len(p) >= 6 and term.startswith(p)) for p in present)
    return False


def seen_term(term: str, known) -> bool:
    """Whether the documents hold ``term`` in any form ``term_match`` accepts: ``known(t)`` says
    whether an indexed chunk holds the exact term ``t``. (A prefix match is not looked for: it
    would mean scanning the whole vocabulary.)"""
    if known(term) or known(term + "s") or (term.endswith("s") and known(term[:-1])):
        return True
    if term in CLASS_OF and any(known(t) for t in CLASS_OF[term]):
        return True
    expansions, part_of = _abbreviations()
    expansion = expansions.get(term)
    if expansion and all(known(t) for t in expansion):
        return True
    return any(known(a) for a in part_of.get(term, ()))


def abbreviation_terms(term: str) -> list[str]:
    """The terms an abbreviation stands for ("eha" → early, help, assessment); [] for other words."""
    return _abbreviations()[0].get(term, [])


#: The sector's names for a kind of child or of work whose words mean something else apart: "young
#: carers" are not young people with foster carers, nor "private fostering" any fostering. A passage
#: speaks of one only when it holds the whole phrase.
SECTOR_PHRASES = re.compile(
    r"\b(?:young carers?|private(?:ly)? fostering|privately fostered|forced marriages?|county lines|"
    r"children missing (?:from )?education|elective(?:ly)? home[- ]educat(?:ion|ed)|home[- ]educated|modern slavery|"
    r"kinship care|youth justice|short breaks?|corporate parent(?:s|ing)?|family hubs?|staying put|special guardianship|"
    # A plan or a figure of its own: "how many have an EHCP?" is not answered by a care plan, nor
    # "CAMHS waiting times" by children waiting for something else, nor an overspend by spending.
    r"education,? health and care plans?|ehcps?|waiting (?:times?|lists?)|overspen(?:d|ds|t)|underspen(?:d|ds|t))\b", re.I)


def unspoken_phrases(question: str, texts) -> list[str]:
    """The sector phrases of ``question`` (see SECTOR_PHRASES) that none of ``texts`` holds, in
    either number ("young carer" / "young carers")."""
    def phrases(text: str) -> dict[str, str]:  # singular form -> the phrase as written, in one line
        found = (" ".join(m.group(0).lower().split()) for m in SECTOR_PHRASES.finditer(" ".join(text.split())))
        return {p.rstrip("s"): p for p in found}

    asked = phrases(question)
    if not asked:
        return []
    held = set().union(*(phrases(t) for t in texts))
    return sorted(p for key, p in asked.items() if key not in held)


#: A word whose term is short of this many letters is left as typed: a slip in it may as well make
#: another word ("moan" / "mean").
SLIP_MIN = 6


def _common_word(word: str) -> bool:
    """Whether ``word`` is a word of ordinary English: one token of tiktoken's cl100k_base, whose
    vocabulary holds the common words whole ("compare", "wording") and splits slips and rare words
    ("assesments", "safegaurding")."""
    from index.text import _encoding

    return len(_encoding().encode(" " + word, disallowed_special=())) == 1


def respelled(question: str, nearest, framing=None) -> str:
    """``question`` with each word the documents never use, and that is one typing slip from a word
    they do, spelled as they spell it ("how many assesments were open?" → "assessments");
    ``nearest(term)`` gives that word's term (see KeywordIndex.nearest). Words of ordinary English
    are no slips, though the documents never use them ("compare" is not "compared", "rather" not
    "gather"); nor are names and acronyms (any capital after a word's first letter, or a capital past
    the question's start): "Redbridge" is no slip for a word of the documents, and a question about
    it is about something they do not hold.

    ``framing(word)`` says whether a word of ordinary English only frames a question ("actually",
    "specifically"): a slip of such a word ("what was the visit actualy looking at") is spelled
    right, so that it frames the question rather than become a subject no document holds."""
    def fix(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        term = stem(low)
        if len(term) < SLIP_MIN or low in _STOPWORDS or (word[0].isupper() and m.start() > 0) \
                or not word[1:].islower() or _common_word(low):
            return word
        right = nearest(term)
        if right is None:
            from index.keyword import _one_slip

            if framing is None or framing(low):  # "summarise" frames the question as it is
                return word
            framed = sorted(w for w in _one_slip(low) if framing(w) and _common_word(w))
            return max(framed, key=len) if framed else word
        # The word's own ending is kept on the corrected term ("assesments" → "assessment" + "s").
        fixed = right + low[len(term):] if low.startswith(term) else right
        return fixed.capitalize() if word[0].isupper() else fixed

    return re.sub(r"(?<![\w'’-])[A-Za-z]+(?![\w'’-])", fix, question)
