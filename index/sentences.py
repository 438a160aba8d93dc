"""A question's candidate sentences: every sentence, bullet and table row of the retrieved passages,
scored for how much of the question's subject it carries, how close it is in meaning, how well its
passage was retrieved, and whether it holds the kind of answer asked for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.query import Hints
from index.question import (BYLINE, DAY_DATE, FIGURES, OFFICER, SCOPE, asked_part, content_terms, earlier_date, has_type,
                            names_in, new_value, proper_names, question_numbers)
from index.text import sentence_spans, terms
from index.types import Passage
from index.vocabulary import abbreviation_terms, seen_term, term_match, with_phrases

# How a sentence's relevance is weighed: its share of the question's subject words (idf-weighted),
# its embedding similarity to the question, the retrieval score of its passage, subject words
# found only in its section title, and whether it holds the type of answer asked for.
W_LEXICAL, W_DENSE, W_PRIOR, W_SECTION, W_TYPE = 0.35, 0.35, 0.2, 0.1, 0.15
#: A sentence supports an answer for a name, date, figure or grade when it carries this share of the
#: subject, or the lower share with this embedding similarity; a question with no subject words of
#: its own may be answered on similarity alone (D_HIGH). For findings the bars are F_MIN, or F_LOW
#: with that similarity or with two subject words each above PAIR_SHARE of the weight. Calibrated on
#: the development gold sets so that unanswerable questions abstain and answerable ones do not
#: (`python -m eval.ci` reports both).
L_MIN, L_LOW, D_MIN, D_HIGH = 0.5, 0.25, 0.5, 0.62
F_MIN, F_LOW, PAIR_SHARE = 0.4, 0.1, 0.05
#: How many candidate sentences are embedded, and how many of their first words (see score()).
DENSE_CANDIDATES, DENSE_WORDS = 6, 16
#: A question word that no document uses weighs this share of its idf: it cannot tell sentences
#: apart, and is more often how the question is put ("a caveat", "rings a bell") than what it asks.
UNSEEN_WEIGHT = 0.3
#: A follow-up's words carried from the earlier question weigh this share of its own.
CARRIED_WEIGHT = 0.5
#: A word of what the visit the question names looked at ("consent at the front door" of the 2018
#: front door visit) says which visit, more than what is asked about it: it weighs this share.
REMIT_WEIGHT = 0.3


@dataclass
class Candidate:
    passage: int
    start: int
    end: int
    text: str
    lexical: float = 0.0
    dense: float = 0.0
    section: float = 0.0
    prior: float = 0.0
    typed: bool = True
    consistent: bool = True
    bullet: bool = False
    score: float = 0.0
    bare: bool = False  # the question has no subject words of its own (they are all hints or generic)
    finding: bool = False  # the question asks for findings, not a name, date, figure or grade
    holds: dict = field(default_factory=dict)  # subject term -> its share of the question's weight, held here
    own: float = 0.0  # the share of the subject the sentence's own words hold (not its neighbours')
    quoted: bool = False  # words a news piece quotes from someone other than the inspectorate

    @property
    def supported(self) -> bool:
        # Similarity alone is no support: "This letter summarises the findings of the monitoring
        # visit to Barnet…" is close to every question about what that visit found.
        subject = self.lexical + self.section
        if self.finding:
            # A question for findings ("What did they say about consent at the front door?") is
            # answered by a sentence on two of its subject words or on most of them; one for a name,
            # a date or a figure needs the figure's own subject (calibrated on the gold sets:
            # `python -m eval.ci`, and the held-out questions in eval/gold/).
            pair = sum(w > PAIR_SHARE for w in self.holds.values()) >= 2
            return subject >= F_MIN or (subject >= F_LOW and (self.dense >= D_MIN or pair)) or (
                self.bare and self.dense >= D_HIGH)
        # On the lower share, a word only the section title holds counts half: "In 2021/22, 89% of
        # children in care had an up-to-date PEP" under "Children in Care and Care Leavers" is not
        # about care leavers in EET.
        return subject >= L_MIN or (self.lexical + 0.5 * self.section >= L_LOW and self.dense >= D_MIN) or (
            self.bare and self.dense >= D_HIGH)


#: A quotation (to the paragraph's end when it is carried on in the next one); who is quoted, by the
#: words left outside the quotes; and the verbs that say someone is quoted.
_QUOTED = re.compile(r"[\"“][^\"”]*(?:[\"”]|$)")
_INSPECTORATE = re.compile(r"\b(?:ofsted|inspectorate|inspectors?|hmis?|letter|report|inspection|visit)\b", re.I)
_ATTRIBUTION = re.compile(r"\b(?:said|says|states?|stated|adds?|added|told|explained|according to|commented)\b", re.I)


def other_voices(text: str) -> list[tuple[int, int]]:
    """The paragraphs of a news piece that quote someone other than the inspectorate: "A spokesman
    for Barking and Dagenham Council said: "We have worked hard…"", and the quoted paragraphs that
    carry on what they said. What the piece quotes from Ofsted's letter ("…," states the
    inspectorate) and its own reporting are not among them."""
    out, voice = [], None
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        para = m.group(0)
        opens = para.lstrip()[:1] in "\"“"
        rest = _QUOTED.sub(" ", para)
        if _ATTRIBUTION.search(rest):
            voice = "inspectorate" if _INSPECTORATE.search(rest) else "other"
        elif not opens:
            voice = None
        if voice == "other":
            out.append((m.start(), m.end()))
    return out


def candidates(passages: list[Passage], text_of=None) -> list[Candidate]:
    """Every sentence, bullet and table row of ``passages`` that can be evidence, in passage order.

    ``text_of`` (doc -> its whole text) tells whose words a news passage quotes when the paragraph
    saying so is outside the passage (see other_voices)."""
    out = []
    voices: dict[str, tuple[str | None, list[tuple[int, int]]]] = {}  # doc -> its text and other voices
    for i, p in enumerate(passages):
        others: list[tuple[int, int]] = []
        if p.meta is not None and p.meta.doc_type == "news article":
            if p.doc not in voices:
                whole = text_of(p.doc) if text_of is not None else None
                voices[p.doc] = (whole, other_voices(whole) if whole else [])
            whole, spans = voices[p.doc]
            if whole and whole[p.start:p.end] == p.text:
                others = [(a - p.start, b - p.start) for a, b in spans if b > p.start and a < p.end]
            else:
                others = other_voices(p.text)
        for a, b in _rows(p.text, sentence_spans(p.text)):
            text = " ".join(p.text[a:b].split())
            bullet = bool(re.match(r"^[-•◼▪]\s", text))
            text = re.sub(r"^(?:[-•◼▪]\s+)", "", text)
            # A heading carried inside a passage ("Children in Care and Care Leavers (cont.)") is not
            # evidence; a table row ("Lead inspector: Sarah Canto", "Overall effectiveness: Good") is.
            row = _ROW.match(text)
            if len(text.split()) < (3 if row else 4):
                continue
            standalone = p.text[b:b + 2] in ("\n\n", "") and (a == 0 or p.text[a - 2:a] == "\n\n")
            if standalone and not bullet and not row and not BYLINE.match(text) and len(text.split()) <= 10 and (
                    text[-1] not in ".!?:;\"”’)" or re.search(r"\((?:cont(?:inued|'d)?\.?)\)$", text, re.I)):
                continue
            out.append(Candidate(i, a, b, text, bullet=bullet, quoted=any(x <= a < y for x, y in others)))
    return out


#: A letter's or report's line naming its inspection team.
_TEAM_LINE = re.compile(r"^(?:The\s+)?(?:(?:lead\s+|team\s+|other\s+)?inspectors?|quality assurance manager|"
                        r"(?:lead|team|deputy lead|shadow|observing) inspectors?)(?:\s+for\s+(?:this|the)\s+\w+)?"
                        r"\s*(?:were|was|:)\s", re.I)
_ROW = re.compile(r"^[^\n.!?]{2,80}:\s+\S[^\n]*$")


def _rows(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans with a table of "Label: value" lines (a judgement table) split into its rows."""
    out = []
    for a, b in spans:
        lines = text[a:b].split("\n")
        if len(lines) > 1 and sum(bool(_ROW.match(line.strip())) for line in lines) >= 2:
            start = a
            for line in lines:
                if line.strip():
                    lead = len(line) - len(line.lstrip())
                    out.append((start + lead, start + len(line.rstrip())))
                start += len(line) + 1
        else:
            out.append((a, b))
    return out


#: What a "which …" question asks the name of, and the words a sentence may call it by.
_NAMED_KINDS = [(re.compile(r"\b(?:councils?|boroughs?|local authorit(?:y|ies))\b", re.I),
                 {"council", "borough", "authority", "authoriti", "lb", "london"}),
                (re.compile(r"\bmosques?\b", re.I), {"mosque"}),
                (re.compile(r"\bchurch(?:es)?\b", re.I), {"church"}),
                (re.compile(r"\b(?:schools?|academ(?:y|ies))\b", re.I), {"school", "academy", "academi"}),
                (re.compile(r"\bhospitals?\b", re.I), {"hospital"}),
                (re.compile(r"\b(?:universit(?:y|ies)|colleges?)\b", re.I), {"university", "universiti", "college"})]


def named_kind(question: str) -> set[str]:
    """The terms a sentence naming what a "which mosque / which council" question asks for holds
    (empty when the question asks the name of something else: an agency, a partner)."""
    m = re.search(r"\bwhich\s+(?:other\s+)?([\w'’-]+)(?:\s+([\w'’-]+))?", question, re.I)
    for word in (m.groups() if m else ()):
        for pattern, words in _NAMED_KINDS:
            if word and pattern.fullmatch(word):
                return {t for w in words for t in terms(w)} | words
    return set()


def strangers(question: str, q_terms: list[str], known) -> list[str]:
    """The question's subject terms that come from a name or acronym no document uses (not one the
    question spells out itself: "the police public protection unit … the PPU")."""
    # (Only the question's own sentences: an acronym in the scene it sets, "Our perinatal HV team
    # works with mums… Did the 2022 visit mention the Pause work?", is not what it asks about.)
    names = set(terms(" ".join(proper_names(asked_part(question))))) - set(terms(" ".join(spelled_out_acronyms(question))))
    return [t for t in q_terms if t in names and not seen_term(t, known)]


_LINKING = {"of", "and", "to", "for", "the", "in", "on", "&"}


def spelled_out_acronyms(question: str) -> list[str]:
    """The acronyms of ``question`` whose letters are the initials of words it also writes out, in
    order (linking words such as "of" and "to" may be skipped): "PPU" in "the police public
    protection unit (PPU)"."""
    words = re.findall(r"[A-Za-z][\w'’-]*|&", question)
    out = []
    for acronym in dict.fromkeys(re.findall(r"\b[A-Z]{2,6}(?=s?\b)", question)):
        letters = acronym.lower()
        for i, w in enumerate(words):
            if w == acronym or w[0].lower() != letters[0]:
                continue
            j, k = i, 0
            while j < len(words) and k < len(letters):
                if words[j] != acronym and words[j][0].lower() == letters[k]:
                    k += 1
                elif words[j].lower() not in _LINKING or k == 0:
                    break
                j += 1
            if k == len(letters):
                out.append(acronym)
                break
    return out


#: "CP plans", "CIN plans", "EHC plans": a plan named by the abbreviation of what it is for.
_ABBREVIATED_PLAN = re.compile(r"\b([A-Z]{2,5})\s+plans?\b")


def other_plan(question: str, text: str) -> bool:
    """Whether ``text`` speaks of another kind of plan than the one ``question`` names, and of none
    the question names ("CIN plans" to a question on "CP plans")."""
    asked = {m.group(1).lower() for m in _ABBREVIATED_PLAN.finditer(question)}
    found = {m.group(1).lower() for m in _ABBREVIATED_PLAN.finditer(text)}
    # ("…And on CP plans? What about CIN?" names CIN too.)
    return bool(asked and found and not found & set(re.findall(r"[a-z]+", question.lower())))


def _weight(term: str, idf, known, names: set[str]) -> float:
    """A subject word's weight: its idf (an abbreviation's, that of the words it stands for); a
    word no document uses weighs UNSEEN_WEIGHT of that, unless it is a name or an acronym ("FGM",
    "Redbridge"): then it is what the question is about, and no sentence holds it."""
    if not idf:
        return 1.0
    expansion = abbreviation_terms(term)
    weight = sum(idf(t) for t in expansion) / len(expansion) if expansion and known and not known(term) else idf(term)
    if known is not None and term not in names and not seen_term(term, known):
        weight *= UNSEEN_WEIGHT
    return weight


#: Answers that are facts about a document (its inspectors, dates, addressee, remit, judgement),
#: as against figures, which must sit with the words that say what they count.
DOCUMENT_FACTS = ("person", "inspector", "addressee", "date", "visit", "scope", "grade")


_ASKS_TARGET = re.compile(r"\bwhat(?:'s|’s| is| was| are| were)?\s+(?:actually\s+)?(?:is\s+)?(?:the\s+|our\s+|their\s+)?"
                          r"(?:actual\s+|exact\s+)?targets?\b|\btargets?\s+(?:figure|percentage|rate|level|number)\b|"
                          r"\bmeasured against\b", re.I)

#: "Who else was it copied to?": a question about a letter's copies, not its addressee.
_ASKS_COPIES = re.compile(r"\b(?:else|copy|copies|copied|copying|cc'?d?|also)\b", re.I)


_TARGET_FIGURE = re.compile(r"\btargets?\s+(?:of\s+)?(?:at least\s+|over\s+)?\d|\d+(?:\.\d+)?%?\s+targets?\b|"
                            r"\baim(?:ing)?\s+(?:of|for|to reach)\s+\d|\bat least\s+\d", re.I)


def score(question: str, hints: Hints, cands: list[Candidate], passages: list[Passage], embedder, idf,
           expect: str | None, people: frozenset[str] = frozenset(), known=None,
           own_terms: frozenset[str] | None = None, premise: bool = False,
           remit: frozenset[str] = frozenset()) -> list[str]:
    q_terms = content_terms(question, hints)
    names = set(terms(" ".join(proper_names(question))))
    weights = {t: _weight(t, idf, known, names) * (REMIT_WEIGHT if remit and term_match(t, remit) else 1.0)
               for t in q_terms}
    if own_terms is not None:
        # Words carried from the earlier question weigh CARRIED_WEIGHT of their own, and together no
        # more than the follow-up's own words: "And university – how many?" after a question on care
        # leavers in education, employment or training asks about university, which one sentence
        # holds without those four words.
        own = sum(w for t, w in weights.items() if t in own_terms)
        carried = sum(w for t, w in weights.items() if t not in own_terms)
        share = CARRIED_WEIGHT * (min(1.0, own / carried) if own and carried else 1.0)
        weights = {t: w if t in own_terms else w * share for t, w in weights.items()}
    total = sum(weights.values()) or 1.0
    top = max((p.score for p in passages), default=1.0) or 1.0
    # A figure the question states is not its answer, unless the question states it to be checked.
    stated = set() if premise else question_numbers(question)
    # "What is the target figure?" is answered by a figure stated as a target, not by the figure
    # that is below it.
    target = expect in FIGURES and bool(_ASKS_TARGET.search(question))
    lead = expect == "inspector" and bool(re.search(r"\b(?:led|lead|leading|in charge)\b", question, re.I))
    copies = bool(_ASKS_COPIES.search(question))
    named = named_kind(question) if expect == "name" else set()
    sentence_terms = [with_phrases(c.text, set(terms(c.text))) for c in cands]
    for i, c in enumerate(cands):
        p = passages[c.passage]
        present = sentence_terms[i]
        # The sentences either side count too, at a discount: "This letter summarises … 7 and 8 March
        # 2018." answers "when did they look at our front door?" though only the next one says "front door".
        around = set().union(*(sentence_terms[j] for j in (i - 1, i + 1)
                               if 0 <= j < len(cands) and cands[j].passage == c.passage))
        section = with_phrases(p.section, set(terms(p.section)))
        matched = [t for t in q_terms if term_match(t, present)]
        if expect in DOCUMENT_FACTS:
            # Who inspected, when, for whom: the question's other words describe the visit ("our
            # front door visit"), which the passage around the sentence naming them describes.
            # A letter's address block is a passage of its own: its letter's other passages describe it.
            around |= set().union(*(sentence_terms[j] for j in range(len(cands)) if cands[j].passage == c.passage
                                    or expect == "addressee" and passages[cands[j].passage].doc == p.doc))
            around |= set(terms(f"{p.meta.title} {p.section}"))
        near = [t for t in q_terms if t not in matched and term_match(t, around)]
        c.holds = {t: weights[t] / total for t in matched} | {t: 0.6 * weights[t] / total for t in near}
        c.own = sum(weights[t] for t in matched) / total if q_terms else 0.0
        c.lexical = sum(c.holds.values()) if q_terms else 0.0
        c.section = sum(weights[t] for t in q_terms if t not in matched and term_match(t, section)) / total \
            if q_terms else 0.0
        c.prior = p.score / top
        c.typed = (has_type(c.text, expect, people) and new_value(c.text, expect, stated)
                   and (not target or bool(_TARGET_FIGURE.search(c.text)))) if expect else True
        if c.typed and expect == "date" and not earlier_date(c.text, question, hints):
            c.typed = False
        if c.typed and expect == "name" and not names_in(c.text) - set(proper_names(question)):
            # "Which council was Barnet's improvement partner?" is not answered by "Barnet".
            c.typed = False
        if c.typed and expect in FIGURES and other_plan(question, c.text):
            # "443 children on CP plans" is not counted by "613 on CIN plans".
            c.typed = False
        if c.typed and named and not named & present:
            # "Which mosque was it?" is answered by a sentence naming a mosque, not by any name.
            c.typed = False
        if c.typed and expect == "addressee" and not copies and not OFFICER.match(c.text):
            # "Who was the letter addressed to?" is answered by whom it is addressed to, not by whom
            # it was copied to ("I am copying this letter to the Department for Education").
            c.typed = False
        if expect not in ("person", "inspector") and _TEAM_LINE.match(c.text):
            # "The quality assurance manager was Sean Tarpey, SHMI." says who inspected, not what
            # they found about quality assurance.
            c.typed = False
        if expect != "scope" and (SCOPE.search(c.text) or SCOPE.search(p.section)):
            # What a visit set out to look at ("Inspectors considered…", "Areas covered by the visit")
            # shares every word of a question about what it found, and says nothing of it.
            c.typed = False
        c.consistent = fits(c, p, hints) and (
            # A figure of another period than the one asked about ("what was it in 2021/22?") does not
            # answer, though its slide mentions that year elsewhere.
            not (hints.years and expect in FIGURES) or hints.fits(p.meta, c.text))
        if hints.elsewhere and hints.people:
            # "Did she inspect anywhere else?": only the visits she was on.
            c.consistent = c.consistent and bool(set(hints.people) & set(p.meta.inspectors))
    if embedder is not None and cands:
        # Embedding every sentence of five passages is most of an answer's cost; the sentences that
        # carry the most of the question's subject (and hold the type of answer asked for) are the
        # ones that can win, so only the best DENSE_CANDIDATES are embedded (the rest score 0 on
        # similarity). On the 448 development questions (eval/gold/seeds.jsonl and dev.jsonl) 6
        # answer almost as 8, 12 and 20 do (key strings 0.804 against 0.805–0.807; 4: 0.799) at a
        # third of the cost of 20, which kept the ILACS benchmark's p95 above 150 ms (bench/query.py:
        # the encoder is nine tenths of an answer's time). Each is cut to its first 16 words (14
        # words: 0.794; 12: 0.789).
        # A sentence that holds the subject itself comes before one whose slide title or neighbours
        # hold it ("Children in Care and Care Leavers" titles every sentence of its slide).
        q = set(terms(question))
        order = sorted(range(len(cands)), key=lambda i: (
            -(cands[i].own + 0.5 * cands[i].typed), -(cands[i].lexical + cands[i].section),
            -len(q & sentence_terms[i]), i))
        keep = order[:DENSE_CANDIDATES]
        # A sentence's first DENSE_WORDS words carry its meaning; the tail of a long one costs as much
        # to embed as the rest of the answer (bench/query.py).
        vectors = embedder.embed([question] + [" ".join(cands[i].text.split()[:DENSE_WORDS]) for i in keep],
                                 batch_size=16)
        for i, sim in zip(keep, vectors[1:] @ vectors[0]):
            cands[i].dense = float(sim)
    for c in cands:
        p = passages[c.passage]
        c.bare = not q_terms
        c.finding = not expect
        c.score = (W_LEXICAL * c.lexical + W_DENSE * c.dense + W_PRIOR * c.prior + W_SECTION * c.section
                   + (W_TYPE if c.typed else -W_TYPE) * bool(expect))
        if expect == "date" and c.typed and DAY_DATE.search(c.text):
            c.score += W_TYPE / 2  # "on 27 and 28 November 2018" answers "when" better than "(November 2018)"
        if lead and p.meta.inspectors and p.meta.inspectors[0] in c.text:
            c.score += W_TYPE  # "who led…": the sentence naming the lead, whom the metadata lists first
    return q_terms


def fits(c: Candidate, p: Passage, hints: Hints) -> bool:
    """Whether a sentence of ``p`` fits the authority, year and kind the hints name, and is not
    about another authority than the one asked about: by name, or in a news piece on several, as
    the one its passage named last before it ("However, despite the praise, inspectors said…"
    after a paragraph on Waltham Forest)."""
    if not hints.fits(p.meta, p.text) or about_another(c.text, p.meta, hints):
        return False
    covered = {a for a in (p.meta.authority, *p.meta.authorities) if a}
    if hints.authorities and len(covered) > 1 and p.meta.doc_type == "news article":
        about = spoken_of(c, p, covered)
        return not about or bool(about & set(hints.authorities))
    return True


def spoken_of(c: Candidate, p: Passage, among) -> set[str]:
    """The authorities of ``among`` a sentence of a document on several speaks of: those it names,
    else the one named last before it in its passage; none when none is."""
    from index.query import _name_pattern

    named = {a for a in among if _name_pattern(a).search(c.text)}
    if named:
        return named
    last, at = None, -1
    for a in among:
        for m in _name_pattern(a).finditer(p.text, 0, c.start):
            if m.start() > at:
                last, at = a, m.start()
    return {last} if last else set()


def about_another(text: str, meta, hints: Hints) -> bool:
    """Whether a sentence is about another authority than the one asked about: "Waltham Forest's Mash
    was found to…" in a news piece on Barking and Dagenham answers nothing about Barking and Dagenham."""
    from index.query import _name_pattern

    if not hints.authorities:
        return False
    others = [a for a in meta.authorities if a not in hints.authorities]
    return any(_name_pattern(a).search(text) for a in others) and not any(
        _name_pattern(a).search(text) for a in hints.authorities)
