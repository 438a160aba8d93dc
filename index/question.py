"""What a question asks for: its kind, the type of answer it expects, its subject words, its premise."""

from __future__ import annotations

import re

from index.query import DOCUMENT_ORDER, INSPECTION_KINDS, MONTH_NUMBERS, Hints
from index.text import stem, terms
from index.vocabulary import ASKS_LOOKED_AFTER, CLASS_OF

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_GENERIC = set(terms(
    "say said says tell kpi kpis cover covered covers covering find found finding findings mention mentioned according document documents ofsted "
    "inspector inspectors inspection letter report think thought note noted describe described explain "
    "give gave given show shows showed about anything something much many main key council local authority "
    "children's services happen happened get got us did do does done come look make run go going went "
    "currently now moment latest recent recently carried carry carrying pick picked raise raised place "
    "tell told make made take took doing running need needs change changes changed around time percentage proportion share number figure level "
    "specifically specific particular particularly exactly actually actual really anywhere else elsewhere somewhere year years "
    "what which how why when where who whom whose compare compared comparison vs versus between both each "
    "either differ difference contrast contrasting contrasted picture one ones list things thing six five four three two anything agree disagree "
    # What a list of findings is asked for as ("the main positives about our MASH").
    "positive positives negative negatives strength strengths highlight highlights "
    # How staff talk around a question ("Quick one:", "for the briefing pack", "rings a bell").
    "quick someone briefing pack remember recall vaguely ring rings bell sure pull together everything summarise "
    "summarize summary wording exact quote citation slide please ok okay just bit stuff wonder wondering confirm "
    "true correct prepping preparing prep remind apparently basically roughly hearing heard per via "
    "alongside among amongst towards upon onto beside throughout whether "
    "may mr mrs ms miss dr anyone anybody question questions councillor councillors sit sits draft drafting line "
    "later earlier afterwards subsequently came comes coming also still equivalent corresponding comparable claim "
    "claims claimed happy unhappy pleased satisfied dissatisfied impressed "
    # Who the answer is for ("press release draft:", "a journalist is asking…", "my supervisor said").
    "press release media publicly statement enquiry query journalist reporter casework supervisor tutor educator "
    "ask asks asking asked part re "
    # "How big is…", "their big worries", "the headcount at the last count": how a figure or a finding
    # is asked for.
    "big headcount count "
    # A season dates something as a month does, and no document is dated by one.
    "spring summer autumn winter"))
_KIND_WORDS = set(terms("visit visits focused monitoring letter letters self evaluation eval assessment sef news article piece "
                        "report reports inspection inspections ofsted inspectors inspector hmi council authority borough "
                        "ilacs jtai published publication cyp cypn byline press coverage media story journalist")) | {"hmis"}
#: Words that only say a name is wanted ("who led…", "who was it addressed to"): the expected type
#: carries them, and no sentence need repeat them.
_PERSON_REQUEST = set(terms("lead led addressed address send sent written wrote write recipient received receive "
                            "go went signed sign name names named senior officer officers director directors "
                            # "…name and role please", "including their job title"
                            "job title role roles position addressee addressees recipient recipients"))
#: Words that only ask for a date ("what were the dates of…").
_DATE_REQUEST = set(terms("date dates dated day days month months year years time times spent spend"))
#: Words that only ask for what needs to improve; the list under such a heading answers them.
_IMPROVE_REQUEST = set(terms("improve improvement improvements improving must should need needs recommendation "
                             "recommendations area areas weakness weaknesses priority priorities fix fixing want wanted wanting "
                             "ask asked tell told act"))
#: ("The pace of improvement" is how fast things improve, not what must; "areas of improvement" are.)
_IMPROVE_Q = re.compile(r"\b(?:improve(?!ments?\b)|(?<!\bof )improvements?|areas? of improvement|improving|recommendations?|areas? for|weakness|must|"
                        r"should|needs? to|priorit|fix|put right|sort out|work on|act on|"
                        # "the areas the inspectors asked us to act on", "what they told us to do"
                        r"(?:ask(?:ed|ing)?|tell(?:ing)?|told|want(?:ed|ing)?) (?:us|the council|the local authority|them) to\b)", re.I)
#: A question for a verdict on something ("What did Ofsted make of our MASH?", "How was our hub
#: doing?", "Ofsted's view of our leadership"): a letter's overview gives it.
VERDICT_Q = re.compile(r"\b(?:make|made) of\b|\bview (?:of|on)\b|\bverdict\b|\bimpression\b|"
                       r"\bhow (?:was|were|is|are) (?:[\w'’-]+\s+){1,6}?doing\b|\bhow (?:well|good)\b|"
                       r"\b(?:think|thought) (?:of|about)\b|\bhow did (?:ofsted|inspectors|they) (?:think|rate|see|find)\b|"
                       # "Were they happy with it or not?"
                       r"\b(?:happy|pleased|satisfied|impressed|content|unhappy|dissatisfied) (?:with|about|by)\b",
                       re.I)
_SYNONYMS = {"led": "lead", "inspected": "inspector", "inspect": "inspector", "rated": "rating",
             "judged": "judgement", "kid": "children", "kids": "children", "uni": "university",
             "avg": "average", "jan": "january", "feb": "february", "sept": "september", "sep": "september", "oct": "october",
             "nov": "november", "dec": "december", "aug": "august", "apr": "april"}
# (Terms are stemmed: the words are looked up as terms() gives them.)
_SYNONYMS = {stem(k): stem(v) for k, v in _SYNONYMS.items()}

#: Who quality-assured a visit, in staff's words: "someone checking the quality of their work".
_QA_ROLE = r"\bcheck\w* (?:on )?(?:the )?quality of (?:their|the inspectors['’]?|the|its) (?:work|inspection|visit)\b"
_PERSON_Q = re.compile(r"\b(?:who|whom|whose|which (?:inspectors?|hmis?))\b|"
                       r"\b(?:someone|somebody|anyone|anybody)\b[^?]{0,20}(?:" + _QA_ROLE + ")|"
                       r"\bnamed?\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?(?:inspectors?|hmis?|officers?|author|journalist|"
                       r"reporter|lead|director|manager|person|chief|deputy|head)\b|"
                       # "Which two inspectors…", "which Ofsted inspectors…"
                       r"\bwhich (?:of (?:our|the|their) )?(?:two |three |four |ofsted |senior |lead |other )*(?:officers?|managers?|directors?|people|person|"
                       r"staff members?|inspectors?|hmis?)\b|^\s*(?:please\s+)?name\b|"
                       r"\b(?:his|her|their)\s+names?\b|\bwhat(?:'s|’s| is| was| were)\s+(?:the\s+)?names?\b(?!\s+of)|"
                       r"\b(?:the|its|their)\s+(?:addressee|recipient)s?\b|"  # "I need the addressee for the June letter"
                       # "Give me the lead inspector for each visit."
                       r"\b(?:give|tell|send|show|list)\s+(?:me|us)\s+(?:the\s+)?(?:names?\s+of\s+the\s+)?(?:lead\s+|team\s+)?(?:inspectors?|hmis?)\b|"
                       # "was anyone else from Ofsted involved?"
                       r"\b(?:anyone|anybody|someone|somebody)(?:\s+else)?\s+(?:from|at)\s+(?:ofsted|the inspectorate)\b|"
                       # "Was anyone else present on the visit in a non-inspecting capacity?"
                       r"\b(?:was|were) (?:there )?(?:anyone|anybody|someone|somebody)(?:\s+else)?\s+(?:present|there|on|at|with)\b",
                       re.I)
_ADDRESSEE_Q = re.compile(r"\b(?:addressed|sent|send|written|wrote|write|go|went)\b.*\bto\b|\brecipient|\baddressee|"
                          r"\bwho (?:else )?(?:received|got)\b|\b(?:a copy|copied|cc'?d)\b", re.I)
_SCOPE_Q = re.compile(
    r"\b(?:what|which) (?:areas?|aspects?|parts?|topics?|services?|themes?)\b.*\b(?:look(?:ing|ed)? at|focus(?:ed|ing)? on|"
    r"cover(?:ed|ing)?|consider(?:ed|ing)?|examin\w+|review(?:ed|ing)?)\b|"
    r"\bwhat (?:was|were|did) (?:(?:each|both|either) (?:of )?)?(?:the|our|their|that|this)\b.*\b(?:visit|inspection)s? (?:[a-z]+ly )?(?:about|look(?:ing)? at|"
    r"focus(?:ed|ing)? on|cover|consider|examine)\b|"
    # "…the 2018 one and the 2022 one: what was each one actually looking at?"
    r"\bwhat (?:was|were|did) (?:each|both)(?: one| of them)? (?:[a-z]+ly )?(?:about|look(?:ing)? at|focus(?:ed|ing)? on|cover|consider)\b|"
    # "Remind me what the focused visit in June 2022 looked at" (asked within a sentence).
    r"\bwhat (?:the|our|their|that|this)\b[^?]*\b(?:visit|inspection|inspectors)s?\s+(?:[\w'’-]+\s+){0,3}?"
    r"(?:looked at|focused on|covered|considered|examined|was about)\b|"
    # "What was Ofsted looking at on the March 2018 visit?", "what did they look at?"
    r"\bwhat (?:was|were|did|is) (?:ofsted|inspectors|the inspectors|they|it|she|he)\s+(?:look(?:ing)? at|"
    r"focus(?:ed|ing)? on|cover(?:ing)?|consider(?:ing)?|examin\w+|review(?:ing)?)\b(?!\s+(?:in|about)\b)", re.I)
#: A visit's remit as letters state it: "Inspectors considered the local authority's arrangements for…".
SCOPE = re.compile(r"\b(?:inspectors|they|the visit|this visit|the inspection|this inspection)\s+(?:also\s+)?(?:considered|looked at|"
                    r"evaluated|reviewed|examined|focused on)\b|\bareas? covered by the visit\b", re.I)
_SCOPE_WORDS = set(terms("area areas aspect part topic theme service services practice look looking looked focus "
                         "focused cover covered consider considered examine examined review reviewed about"))
_INSPECTOR_Q = re.compile(r"\b(?:led|lead|inspect\w*|HMIs?|carried out|visited|on the visit)\b|"
                          # "…and who did the Barnet one later that year?"
                          r"\bwho (?:did|does|conducted|undertook|ran)\s+(?:the|that|this|our|their|its|[A-Z][\w-]*(?:['’]s)?)\s+"
                          r"(?:[\w'’-]+\s+){0,3}?(?:one|visit|inspection)s?\b", re.I)
_DATE_Q = re.compile(r"\b(?:when|what date|which date|what day|which month|what month|how long ago|dated)\b|"
                     r"\b(?:give|tell|send|show|list)\s+(?:me|us)\s+(?:the\s+)?(?:exact\s+)?dates?\b|"
                     # (Not "what did they say last year…": a time it is asked of, not for.)
                     r"\b(?:what|which)\b[^?]{0,30}\b(?<!last )(?<!this )(?<!next )(?<!that )(?<!each )(?<!per )(?<!a )"
                     r"(?:dates?|month|year|day)\b|\b(?:what|which) days\b|^\s*(?:the\s+)?(?:exact\s+|actual\s+)?dates?\b",
                     re.I)
_NUMBER_Q = re.compile(
    r"\b(?:how many|how much|how (?:high|big|large|busy)|head ?counts?|what (?:percentage|proportion|share|number|figure|rate|level)|"
    r"(?:compare|comparison)\b.*\b(?:numbers?|figures?)|(?:numbers?|figures?)\b.*\bcompare|"
    r"which (?:percentage|figure|number)|per ?cent|how often|average|avg|caseloads? (?:were|was|are|is)(?!\s+(?:\w+ly\s+)?(?:manageable|unmanageable|reasonable|high|low|too|ok|okay|fine|safe|good)\b)|"
    r"\bwhich (?:\w+ )?visit (?:was|is)\b|"
    # "what actually is the target percentage", "what's the actual figure"
    r"\bwhat(?:'s|’s| is| was| are| were)?\s+(?:actually\s+)?(?:is\s+|was\s+)?(?:the\s+|our\s+|their\s+)?"
    r"(?:(?:actual|exact|current|latest|target|real)\s+)+(?:percentage|proportion|share|number|figure|rate|level|"
    r"total|count)|"
    r"what(?:'s| is| was| are| were) (?:our|the|their|[\w\s-]{2,30}?['’]s) [\w\s-]{0,30}(?:rate|timeliness|figure|number|"
    r"total|count|percentage|proportion|share))\b|%",
    re.I)
#: How many of a group: answered by a count or by a share of it.
_SHARE_OF_Q = re.compile(r"\bhow many of (?:the|our|those|these|them|all)\b|"
                         r"\bof (?:the|our|those|these|all)\b[^?]{0,60},\s*how many\b", re.I)
#: A question that states a share, or a count of people or cases, to be checked ("Is it true that
#: we had 443 children on CP plans?"): group 1 is the share, group 2 the count.
_STATED_FIGURE = re.compile(r"^\s*(?:[\w'’-]+[,\s]+){0,3}?(?:is it|isn['’]t it|was it|wasn['’]t it)\s+"
                            r"(?:right|true|correct|the case)\b[^?]*?(?<![\d.])(?:(\d+(?:\.\d+)?%)|(\d+)(?![\d/.%])\s+"
                            r"(?:[\w'’-]+\s+){0,3}?(?:children|kids|young people|families|care leavers|referrals|cases|"
                            r"plans|visits|contacts|assessments|staff|social workers|carers|placements)\b)", re.I)
#: "Did she inspect anywhere else that year?": the answer is another visit, named with its dates.
_ELSEWHERE_Q = re.compile(r"\b(?:inspect\w*|visit\w*|lead|led)\b.*\b(?:anywhere else|elsewhere|somewhere else|"
                          r"other (?:authorities|councils|boroughs))\b", re.I)
_VISIT = re.compile(r"\b(?:visit|inspection)\b", re.I)
_PERCENT_Q = re.compile(r"\b(?:percentage|proportion|per ?cent|share|rate|timeliness|compliance)\b|%", re.I)
_PERCENT = re.compile(r"\d\s*%|\bper ?cent\b", re.I)
_RATIO = re.compile(r"\d+(?:\.\d+)?\s*%|\b\d+\s+(?:out of|in)\s+\d+\b|\b\d+/\d+\b|"
                    r"\b\d+\s+(?:working\s+)?(?:years?|months?|weeks?|days?|hours?)\b", re.I)
_GRADE_Q = re.compile(r"\b(?:what|which)\s+(?:(?:was|is|were|did)\s+)?(?:(?:the|their|our|its)\s+)?(?:overall\s+)?"
                      r"(?:ofsted\s+)?(?:effectiveness\s+)?(?:grade|rating|judgement|judgment)\b|"
                      r"\bhow did (?:ofsted|inspectors|the inspection)\b.*\b(?:judge|grade)\b|"
                      r"\b(?:grade|rating|judgement|judgment)\s+did\b|\bhow was .* (?:graded|judged)\b|"
                      r"\bwhat (?:was|were|is|are) [\w\s'’]{1,40}?\b(?:judged|graded|rated)\b(?!\s+(?:as\s+)?(?:outstanding|good|"
                      r"inadequate|requires))", re.I)
_LIST_Q = re.compile(
    r"\b(?:what needs to improve|improve(?!ments?\b)|(?<!\bof )improvements?|areas? of improvement|recommendations?|areas? (?:for|requiring)|"
    r"weakness(?:es)?|strengths?|priorit(?:y|ies)|concerns?|findings|list|actions?|worries|issues|problems|"
    r"praised?|things|activit(?:y|ies)|measures|steps|initiatives|arrangements|fix|put right|sort out|act on|"
    r"summari[sz]e)\b|(?:ask(?:ed|ing)?|tell(?:ing)?|told|want(?:ed|ing)?) (?:us|the council|the local authority|them) to\b|"
    # "What do we run / offer / provide…" asks for what is in place: usually more than one thing.
    r"\bwhat\b.*\b(?:do|does) (?:we|they|the council)\s+(?:run|offer|provide|do|have in place)\b|"
    # "What did the visit say about…" asks for the findings on a subject, not a single fact.
    r"\bwhat (?:did|do|does)\b.*\b(?:say|said|find|found|make of|think|note|noted|report|raise|conclude|pick out)\b",
    re.I)
_COMPARE_Q = re.compile(
    r"\b(?:compare[sd]?|comparison|versus|vs\.?|difference|differ|changed?|both|between|"
    r"than|still|again|recurr\w*|repeat(?:ed)?|agree|contrast|each|same)\b", re.I)
EXPLICIT_COMPARE_Q = re.compile(r"\b(?:compare[sd]?|comparison|versus|vs\.?|difference|differ|contrast)\b", re.I)
_PREMISE = re.compile(
    r"^\s*(?:why|since|given that|as)\b|\b(?:told us|said that|says|say that|stated|found that|claims?|"
    r"according to .* (?:we|our|they))\b|"
    # "The self-evaluation says we have 443 on CP plans - why is that rising?" (a dash alone is only
    # punctuation: "Summarise police protection - the 2018 letter and our 2022 data").
    r"\s[-–—]\s+(?:so\s+|but\s+)?(?:why|how come|what did (?:they|it|inspectors|ofsted) base|is (?:that|it|this) "
    r"(?:right|true|correct)|can you confirm|what else)\b|"
    # "Is it true our visit took place in April?", "Can you confirm…", "…didn't she?"
    r"\bis it (?:true|right|correct|the case)\b|\b(?:can|could) you confirm\b|\bplease confirm\b|\bconfirm that\b|"
    # "Barnet got judged inadequate back in 2014, is that right?"
    r"[,;]\s*(?:is|was|isn['’]t|wasn['’]t) (?:that|this|it) (?:right|true|correct|accurate|so)\s*\?|,\s*right\s*\?\s*$|"
    r"\b(?:didn't|did not|wasn't|isn't|weren't|hasn't|haven't) (?:it|she|he|they|we|that|there)\?|"
    r"\bI (?:remember|recall|think|thought|believe|understand|heard|was told)\b|"
    # "In the 2018 letter Ofsted praised our BRAG system…": a statement of what a document said.
    r"\b(?:ofsted|inspectors?|they|it|(?:letter|visit|report|article|piece|self[- ]evaluation|sef))"
    r"(?:\s+[\w'’-]+){0,4}?\s+(?:praised|criticised|criticized|singled|flagged|highlighted|picked up|noted|said|says|"
    r"found|recommended|rated|judged|told|quoted|mentioned|gave|described|called|stated)\b", re.I)
_COUNCIL_VS_INSPECTORS = re.compile(
    r"(?=.*\b(?:ofsted|inspectors?|letters?|visits?)\b)(?=.*\b(?:self[- ]?(?:evaluat\w*|evals?|assess\w*)|SEF|our own|"
    r"we say|we claim|we(?:'ve| have) said|we(?:'re| are) (?:doing|saying)|what we(?:'re| are) doing|"
    r"own (?:view|assessment)|own improvement|we and|and we|and us|(?:do|did|would) we (?:agree|disagree|accept)|"
    r"we (?:agree|disagree)|our (?:own |latest |current |most recent |recent )?(?:numbers|figures|data|stats|statistics))\b)",
    re.I | re.S)

#: A full date or date range as letters state visits: "7 and 8 March 2018", "27 to 28 November 2018".
DAY_DATE = re.compile(rf"\b\d{{1,2}}(?:\s*(?:and|to|-|–)\s*\d{{1,2}})?\s+{_MONTH}\s+\d{{4}}\b")
_DATE = re.compile(rf"{DAY_DATE.pattern}|\b{_MONTH}\s+\d{{4}}\b|\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"\d")
_GRADE = re.compile(r"\b(?:judged|rated|graded|judgement|grade|effectiveness)\b[^.]{0,60}\b(?:outstanding|good|"
                    r"requires improvement|inadequate)\b|:\s*(?:outstanding|good|requires improvement(?: to be good)?|"
                    r"inadequate)\s*$", re.I)
_QUESTION_DATE = re.compile(rf"\b\d{{1,2}}(?:\s*(?:and|to|-|–)\s*\d{{1,2}})?\s+{_MONTH}\b", re.I)


def question_kind(question: str, hints: Hints) -> str:
    """compare, list or fact: how many sentences an answer takes and how it is laid out."""
    # Two years or authorities set sides against each other, unless the question states something
    # and asks about it ("The 2022 visit found our hubs were re-configured in October 2018 - why?"):
    # then one of them is part of the claim.
    several = len(hints.authorities) > 1 or len(hints.years) > 1
    # "Who wrote the piece on our visit and Waltham Forest's?": the authorities describe the one
    # document a name or date is asked of, unless the question sets them side by side.
    if several and expected_type(question) in ("person", "inspector", "addressee", "visit", "date") \
            and not EXPLICIT_COMPARE_Q.search(question) and not re.search(r"\b(?:each|both|either|same)\b", question, re.I):
        several = False
    # With one side named, only a word that sets things side by side makes a comparison: "What did
    # we say still needed sorting?" asks for findings.
    if (several and (_COMPARE_Q.search(question) or not has_premise(question))) or _COUNCIL_VS_INSPECTORS.search(question) \
            or (EXPLICIT_COMPARE_Q.search(question) and (hints.authorities or hints.years or hints.home)):
        return "compare"
    if _LIST_Q.search(question) and not expected_type(question):
        return "list"
    return "fact"


def compare_sides(question: str, hints: Hints) -> list[Hints]:
    """The sides a comparison sets against each other (two authorities, two years, or the council's
    self-evaluation against the inspectors), each as hints of its own; [] when there are none."""
    from dataclasses import replace

    if len(hints.authorities) > 1:
        return [replace(hints, authorities=(a,)) for a in hints.authorities]
    if len(hints.years) > 1:
        if _COUNCIL_VS_INSPECTORS.search(question) and len(hints.years) == 2:
            # "What Ofsted said in 2018 and what our 2022 self-eval shows": each year is the source
            # named nearest to it.
            sides = [(y, _nearest_source(question, y)) for y in hints.years]
            if {kinds for _, kinds in sides} == {INSPECTION_KINDS, ("self-evaluation",)}:
                return [replace(hints, years=(y,), doc_types=kinds, named_kinds=kinds) for y, kinds in sides]
        # "Our two focused visits, 2018 vs 2022": the one kind of visit named is each side's. (The
        # self-evaluation "since the 2018 visit" is one side; two kinds named may each be one side's.)
        kinds = hints.named_kinds if len(hints.named_kinds) == 1 and hints.named_kinds[0].endswith("visit letter") else ()
        return [replace(hints, years=(y,), named_kinds=kinds) for y in hints.years]
    if _COUNCIL_VS_INSPECTORS.search(question):
        return [replace(hints, doc_types=INSPECTION_KINDS, years=(), named_kinds=INSPECTION_KINDS),
                replace(hints, doc_types=("self-evaluation",), years=(), named_kinds=("self-evaluation",))]
    return []


_INSPECTORS_SOURCE = re.compile(r"\b(?:ofsted|inspectors?|letters?|visits?|HMI)\b", re.I)
_COUNCIL_SOURCE = re.compile(r"\bself[- ]?(?:evaluat\w*|evals?|assess\w*)|\bSEF\b|\bour own\b|\bwe (?:say|claim)\b", re.I)


def _nearest_source(question: str, year: int) -> tuple[str, ...]:
    """The kinds of document named nearest to ``year`` in the question: the inspectors' or the
    council's own."""
    # The clause holding the year ("what Ofsted said in 2018", "what our 2022 self-eval shows"), or
    # failing a source there, the whole question by distance.
    for clause in _CLAUSE_BREAK.split(question):
        if str(year) in clause:
            inspectors, council = _INSPECTORS_SOURCE.search(clause), _COUNCIL_SOURCE.search(clause)
            if bool(inspectors) != bool(council):
                return INSPECTION_KINDS if inspectors else ("self-evaluation",)
    at = question.find(str(year))
    def distance(pattern: re.Pattern) -> int:
        return min((abs(m.start() - at) for m in pattern.finditer(question)), default=10 ** 6)
    return INSPECTION_KINDS if distance(_INSPECTORS_SOURCE) <= distance(_COUNCIL_SOURCE) else ("self-evaluation",)


_CLAUSE_BREAK = re.compile(r"\s+(?:and|plus|but|while|whereas|vs\.?|versus|compared (?:with|to))\s+|[;,?]\s*|\s+[-–—]\s+",
                           re.I)


_VISIT_DATE_Q = re.compile(
    r"\bwhen (?:exactly |precisely )?(?:were|was) (?:ofsted|the inspectors?|inspectors|they|hmis?) (?:\w+ )?in\b|"
    r"\bwhen (?:did|was|were) (?:ofsted|the inspectors?|inspectors|they|hmis?|the visit|it)\b[^?]*\b(?:come|came|visit\w*|"
    r"arrive|on site|take place|happen)|\b(?:dates?|days?) (?:of|for) the (?:[\w'’-]+ ){0,3}(?:visit|inspection)|"
    r"\bon[- ]site\b|\bwhen was the (?:[\w'’-]+ ){0,4}(?:visit|inspection)\b|\b(?:dates|days)\b[^?]*\b(?:visit|inspect\w*|came|was in|"
    r"were in)\b",
    re.I)
_RELATIVE_WHO = re.compile(r"\b(children|kids|families|parents|mums|mothers|fathers|carers|people|staff|workers|leavers|"
                           r"ones|women|men|those|others)\s+who(?:['’]ve|['’]d)?\b", re.I)
_TRAILING_CLAUSE = re.compile(r"^(\s*(?:[^:?]{0,80}:\s*|[^?]{0,80}?\s[-–]\s+|[^,?]{0,40},\s*)?"  # "Out-of-hours question for the pack: …", "In short, …"
                              r"(?:how|what|why|which|who|did|does|do|is|are|was|were|has|have|can|could)\b[^?]*?)"
                              # (Not "Can you tell me when Ofsted visited Barnet?": that asks when.)
                              r"(?<!\bme)(?<!\bus)(?<!know)(?<!\bsay)(?<!said)(?<!tell)(?<!\bask)(?<!sure)(?<!clear)"
                              r"(?<!confirm)(?<!check)"
                              r"\s+(?:back\s+)?when\s+(?:they|ofsted|inspectors|the inspectors|hmis?|we|it)\b[^?]*", re.I)
#: "What support did they find for young people leaving care who are struggling…?": within a question
#: another word asks, a "who" after a noun opens a relative clause; after "and", "know" or "tell me"
#: it asks, and before "led" or "was the lead" it names the person the question is about.
_OTHER_ASKS = re.compile(r"^\s*(?:(?:and|so|but|also|then|ok(?:ay)?)[,\s]+)*(?:what|how|why|where|which|did|does|do|is|are|was|were|has|have|had|can|could|should|"
                         r"would|will)\b", re.I)
_NOUN_WHO = re.compile(r"\b(?!(?:and|or|but|me|us|them|know|knew|tell|told|ask|asked|wonder|wondering|say|said|see|"
                       r"check|out|sure|clear|about|on|to|of|exactly|confirm|remind|show|find|identify|note|list|"
                       r"explain|state|record|mention|as|than|anyone|someone|one|person|people|inspectors?|hmis?|"
                       r"managers?|officers?|directors?|staff|member)\b)([a-z]+)\s+who\b"
                       r"(?!\s+(?:led|lead|inspected|wrote|signed|observed|was (?:the|our|their)|were (?:the|our|their)))", re.I)
#: "What does the self eval say about RHIs when kids go missing from care?": so too a "when" after a
#: noun or verb puts a condition, and asks for no date (after "say", "know" or "tell me" it does).
_CLAUSE_WHEN = re.compile(r"\b(?!(?:and|or|but|me|us|them|know|known|knew|tell|told|ask|asked|say|said|says|see|check|"
                          r"out|sure|clear|about|on|to|of|for|from|since|until|exactly|confirm|remind|show|find|"
                          r"identify|note|record|recorded|mention|mentioned|date|dates|day|days|year|years|month|"
                          r"months|time|is|was|were|are|it|that|then|wonder|wondering|precisely|roughly)\b)([a-z]+)\s+when\b",
                          re.I)
#: "Who sits in our MASH?", "who is involved in strategy discussions?": the agencies that take part,
#: not a named person.
_WHO_TAKES_PART = re.compile(r"\bwho (?:sits?|works?|is|are)\s+(?:in|on|at|part of|involved|represented|co-located)\b"
                             r"(?!\s+charge\b)|"
                             r"\bwho (?:attends?|makes? up|takes? part)\b", re.I)
#: A question for what something is called: an organisation, a council, a service by its name.
_NAME_Q = re.compile(r"\bwhat(?:['’]s| is| was| were)\s+(?:the\s+)?names?\s+of\b|\bwhat (?:is|was|are|were) (?:it|they) called\b|"
                     r"\bwhich (?:other\s+)?(?:[\w'’-]+\s+){0,2}?(?:councils?|organi[sz]ations?|agency|agencies|charity|charities|"
                     r"provider|company|firm|partner|borough|local authority|mosques?|church(?:es)?|schools?|academ(?:y|ies)|hospitals?|"
                     r"universit(?:y|ies)|colleges?)\b(?:\s+or\s+[\w-]+)?"
                     r"(?=\s+(?:was|is|were|are|did|does|do|had|has|worked|works|visited|covered|got)\b)", re.I)
#: "Which agencies are part of our MASH?" asks who takes part, as a list of services, not for a name.
_MEMBERS_Q = re.compile(r"\bwhich (?:[\w'’-]+\s+)?(?:agencies|organi[sz]ations|services|partners|professionals)\s+(?:and\s+\w+\s+)?"
                        r"(?:are|were)\s+(?:all\s+)?(?:part of|in|on|represented|involved|co-located|based|included)\b", re.I)
_WHO_ORGANISATION_Q = re.compile(r"\bwho (?:is|was|are|were) (?:[\w'’]+\s+){0,3}?(?:improvement )?(?:partners?|agency|agencies|"
                                 r"organi[sz]ations?|provider|charity|company|firm)\b|"
                                 # "Who is the council partnering with on its CSA work?"
                                 r"\bwho (?:is|are|was|were|has|have|had|did|does|do) (?:[\w'’]+\s+){0,3}?(?:partner(?:ing|ed)?|"
                                 r"collaborat(?:e|ing|ed)|team(?:ing|ed) up) with\b", re.I)
#: Capitalised words that name no organisation or place a "name" question asks for.
_NOT_A_NAME = set("Ofsted Her His Majesty Majesty's Majesty’s Inspector Inspectors HMI SHMI Mr Mrs Ms Dr Council "
                  "January February March April May June July August September October November December "
                  "Monday Tuesday Wednesday Thursday Friday Saturday Sunday English British COVID".split())
_SAME_PEOPLE_Q = re.compile(r"\b(?:same|different) (?:inspectors?|hmis?|lead inspector|inspection team|people)\b", re.I)
#: "Is there any cohort for whom…", "were there any children who…": whether there is one, not who.
_THERE_ANY_WHO = re.compile(r"^(\s*(?:is|are|was|were)\s+there\s+(?:any|an?|some)\s+[\w'’-]+(?:\s+[\w'’-]+)?)\s+(?:for|to|with|of)?\s*(?:who|whom)\b",
                            re.I)
#: "Which one?", "Which was it?": a question that says what it asks for only with what came before it.
_BARE_WHICH = re.compile(r"^\s*which(?:\s+one|\s+ones)?(?:\s+(?:was|is|were|are)\s+(?:it|that|they))?\s*\?\s*$", re.I)
#: A statement (a sentence ending in a full stop) and then the question.
_STATEMENT_THEN_QUESTION = re.compile(r"^([^?]*?[a-z0-9)'’\"”]\.)\s+([A-Z][^.]*\?)\s*$")
_QUESTION_THEN_STATEMENT = re.compile(r"^([^?]+\?)\s+([^?]+)$")
_LEADING_CLAUSE = re.compile(r"^\s*(?:in (?:19|20)\d\d,\s*)?(?:when|since|as|after|before|while|if|now that)\b[^,?]*,\s*(?=(?:what|who|how|why|which|"
                             r"where|when|did|does|do|is|are|was|were|can)\b)", re.I)


def expected_type(question: str) -> str | None:
    """grade, scope (what a visit looked at), visit (another visit, with its dates), percent, count,
    number, inspector, addressee, person or date when the question asks for one; None otherwise."""
    # "When Ofsted came in June 2022, what did they say about…?" and "How did Ofsted think our hub
    # was doing when they came in 2018?" ask what they said.
    # "Ofsted quoted a record number when they visited in spring 2022. Have our figures come down
    # since?": what the question says before it asks is context; what it asks is in its question.
    stated = _STATEMENT_THEN_QUESTION.match(question)
    if stated:
        asked = expected_type(stated.group(2))
        if asked or not _BARE_WHICH.match(stated.group(2)):
            return asked
        # "The article covered us and one other borough's visit. Which one?": what "which one"
        # is, the statement says.
        other = re.search(r"\b(?:one|another|other)\s+(?:other\s+)?([a-z][\w-]*?)(?:['’]s)?\b", stated.group(1))
        if not other:
            return None
        question = f"Which {other.group(1)} was it?"
    # "When did we bring in the QA framework? Trying to work out how much of a track record it
    # has.": what follows the question only says why it is asked.
    after = _QUESTION_THEN_STATEMENT.match(question)
    if after and not _INTERROGATIVE.match(after.group(2)):
        question = after.group(1)
    question = _TRAILING_CLAUSE.sub(r"\1", _LEADING_CLAUSE.sub("", question))
    # "…our work with mums who've had several children removed?" asks for no person.
    question = _RELATIVE_WHO.sub(r"\1 that", question)
    # "Was there any cohort for whom support fell short?" asks whether there was one, not who.
    question = _THERE_ANY_WHO.sub(r"\1 that", question)
    if _OTHER_ASKS.match(question):
        question = _CLAUSE_WHEN.sub(r"\1 if", _NOUN_WHO.sub(r"\1 that", question))
    if _GRADE_Q.search(question):
        return "grade"
    if _ELSEWHERE_Q.search(question):
        return "visit"
    if _SCOPE_Q.search(question):
        return "scope"
    stated = _STATED_FIGURE.search(question)
    if stated:
        # "Is it right that we had 443 children on CP plans…?": the figure is the claim to check.
        return "percent" if stated.group(1) else "count"
    if _NUMBER_Q.search(question):
        # "What's our EHA timeliness running at?" wants a percentage, not any figure near the words.
        if _PERCENT_Q.search(question):
            return "percent"
        if _SHARE_OF_Q.search(question):
            # "Of the kids coming into care, how many come in on police protection?": a count or a share.
            return "number"
        return "count" if re.search(r"\b(?:how many|numbers?|figures?|head ?counts?)\b|\bwhich (?:\w+ )?visit\b", question, re.I) \
            else "number"
    if _WHO_ORGANISATION_Q.search(question):
        # "Who was Barnet's improvement partner?": an organisation, by its name.
        return "name"
    if _SAME_PEOPLE_Q.search(question):
        # "Same inspectors did our 2018 visit and the Barnet one?": each visit's inspectors.
        return "inspector"
    if _PERSON_Q.search(question) and not _WHO_TAKES_PART.search(question):
        # "Who led/inspected…" wants an inspector; "who was it sent to" the officer a letter is
        # addressed to; any other "who" any named person.
        if _ADDRESSEE_Q.search(question):
            return "addressee"
        return "inspector" if _INSPECTOR_Q.search(question) else "person"
    if _NAME_Q.search(question) and not _MEMBERS_Q.search(question):
        # "What is the name of the regional adoption agency?", "which council was Barnet's partner?"
        return "name"
    if _DATE_Q.search(question):
        # "When did inspectors come in?", "what dates were they on site?": the visit's own dates.
        return "visit" if _VISIT_DATE_Q.search(question) else "date"
    return None


OFFICER = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z][\w'’-]+)+,?\s+(?:Director|Deputy|"
                      r"Chief Executive|Strategic Director|Executive Director|Corporate Director|Interim|Acting|Head of)")
_COPIED_TO = re.compile(r"\b(?:copying|copied) (?:this letter )?to\b|^cc:?\s", re.I)
_ROLE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z]+|\b[A-Z][a-z]+\s+[A-Z][a-zA-Z'’-]+,?\s+"
                        r"(?:HMI|SHMI|Her Majesty|His Majesty|lead inspector|team inspector|Ofsted Inspector|Director|"
                        r"Deputy|Chief Executive|Strategic Director|Executive Director)")


#: A news piece's byline: its author and date ("Joe Lepper Tuesday, April 3, 2018").
BYLINE = re.compile(rf"^(?:By\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){{1,3}},?\s+(?:(?:Monday|Tuesday|Wednesday|Thursday|"
                    rf"Friday|Saturday|Sunday),?\s+)?(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}},?)\s+\d{{4}}$")
#: The roles a "who" question may ask for, and how a sentence names each.
ROLES = [(re.compile(r"\bSHMI\b|\bsenior (?:HMI|inspector|ofsted)\b|\bquality assurance manager\b|\bQA manager\b|" + _QA_ROLE + "|"
                     r"\bquality of (?:the|our|that|this) (?:(?:19|20)\d\d )?(?:visit|inspection)\b", re.I),
          re.compile(r"quality assurance manager|\bSHMI\b")),
         (re.compile(r"\bobserv\w*|\bsitting in\b|\bsat in\b|\bshadow\w*|\bwatch\w*|\b(?:non-?|not )inspecting\b", re.I), re.compile(r"\bobserv", re.I)),
         # (Not the journalist a question is answered for: "a reporter wants the number".)
         (re.compile(r"\bauthor\b|\b(?:the|which|what|its|whose) (?:journalist|reporter)\b|\bwho wrote\b|\bwritten by\b|\bbyline\b",
                     re.I), BYLINE)]

#: "The fifth monitoring visit": an ordinal counts what came before. (Cardinal words are left out:
#: "two London boroughs" answers no "how many" a reader would ask.)
_COUNT_WORD = re.compile(r"\b(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b", re.I)
ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
#: An ordinal that says which visit a document is ("the fifth monitoring visit").
ORDINAL_VISIT = re.compile(rf"\b({ORDINALS})\s+(?:\w+\s+)?(?:visit|inspection)", re.I)


def has_type(text: str, expect: str | None, people: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` holds an answer of the expected type (a figure, a name, a date, a grade).

    A name is one of ``people`` (the inspectors the index knows), a titled name, or a name given
    with an inspector's or officer's role — not any pair of capitalised words ("Waltham Forest").
    """
    if expect == "visit":
        return bool(DAY_DATE.search(text) and _VISIT.search(text))
    if expect == "percent":
        return bool(_PERCENT.search(text))
    if expect in ("count", "number"):
        # A date's day ("on 27 and 28 November 2018"), a year, COVID-19, a section of an Act
        # ("section 47 enquiries", "S20") and an age ("aged 17-plus", "16/17 year olds") are not figures.
        text = NOT_FIGURE.sub(" ", _QUESTION_DATE.sub(" ", text))
    if expect == "count":
        # A count, not a share: "8 out of 10 children", "(6%)" and "2021/22" say how many of what;
        # "the fifth monitoring visit" does.
        return bool(_NUMBER.search(_RATIO.sub(" ", text)) or _COUNT_WORD.search(text))
    if expect == "number":
        return bool(_NUMBER.search(text))
    if expect == "date":
        return bool(_DATE.search(text))
    if expect == "inspector":
        return any(p in text for p in people) or bool(re.search(
            r"\b[A-Z][a-z]+\s+[A-Z][a-zA-Z'’-]+,?\s+(?:HMI|SHMI|Her Majesty|His Majesty|lead inspector|team inspector|"
            r"Ofsted Inspector)", text))
    if expect == "person":
        return any(p in text for p in people) or bool(_ROLE_NAME.search(text)) or bool(BYLINE.match(text)) or bool(
            re.match(r"^(?:Mr|Mrs|Ms|Miss|Dr)?\.?\s*[A-Z][a-z]+\s+[A-Z][\w'’-]+\s+(?:Director|Deputy|Chief|Strategic|Executive|Head)",
                     text))
    if expect == "scope":
        return bool(SCOPE.search(text))
    if expect == "addressee":
        return bool(OFFICER.match(text) or _COPIED_TO.search(text))
    if expect == "grade":
        return bool(_GRADE.search(text))
    if expect == "name":
        return bool(names_in(text))
    return True


def names_in(text: str) -> set[str]:
    """The capitalised words of ``text`` that may name an organisation, a council or a place:
    not the first of a sentence, a month or day, or Ofsted's own titles; an acronym only where the
    text gives it as the name of what it describes ("comprehensive resource bank developed (TREE)")."""
    given = set(re.findall(r"\(([A-Z][\w&'’-]+)\)", text))
    return {w for w in proper_names(text) if w not in _NOT_A_NAME and not w.isupper()} | given


NOT_FIGURE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}},|\b(?:19|20)\d\d(?:/\d\d)?\b|\bCOVID-19\b|\bsection\s+\d+\w*|\bS\d+s?\b|"
                         r"\baged?\s+\d+\s*(?:\+|-?\s*plus\b)?|\b\d+\s*(?:\+|-?\s*plus\b)|"
                         r"\b\d+\s*/\s*\d+\s*years?|\b\d+[- ]years?[- ]olds?\b", re.I)


#: The months' names as terms: when a document was written, not what it says.
MONTH_TERMS = frozenset(terms(_MONTH.strip("(?:)").replace("|", " ")))
#: The expected types that are figures.
FIGURES = frozenset({"count", "number", "percent"})


def new_value(text: str, expect: str | None, stated: set[str]) -> bool:
    """Whether ``text`` gives a figure of the expected kind the question has not stated itself:
    "the 68% now" in a question is not the answer to what the figure was before."""
    if expect not in FIGURES or not stated:
        return True
    found = set(re.findall(r"\d+(?:\.\d+)?%?", NOT_FIGURE.sub(" ", _QUESTION_DATE.sub(" ", text))))
    if expect == "percent":
        found = {f for f in found if f.endswith("%")}
    bare = {n.rstrip("%") for n in stated}
    return any(f.rstrip("%") not in bare for f in found)


def visit_owner(question: str, authorities) -> str | None:
    """The one authority of ``authorities`` whose visit the question names ("the Waltham Forest
    focused visit that the piece reports alongside B&D", "Barnet's monitoring visit"), if only one."""
    from index.query import _name_pattern

    if re.search(r"\b(?:our|my)\s+(?:[\w'’-]+\s+){0,3}?(?:visit|inspection|letter)s?\b", question, re.I):
        return None  # "our 2018 visit and the Barnet monitoring visit": two visits
    owners = [a for a in authorities
              if re.search(_name_pattern(a).pattern + r"\s+(?:(?:19|20)\d\d\s+)?(?:focused\s+|monitoring\s+|front[- ]door\s+)?"
                           r"(?:visit|inspection|letter)s?\b", question, re.I)]
    return owners[0] if len(owners) == 1 else None


#: "Before the 2018 visit, when had Ofsted last inspected us?" asks for a time before the year it names.
_EARLIER_Q = re.compile(r"\b(?:before|prior to|previous|preceding|preceded|earlier)\b", re.I)


def earlier_date(text: str, question: str, hints: Hints) -> bool:
    """Whether ``text`` gives a date before the one ``question`` names, when the question asks for
    a date before it ("the previous inspection, before the 2018 visit": May 2014, not March 2018;
    "before their November 2018 visit": February 2018). Any text does when the question asks no
    such thing."""
    if len(hints.years) != 1 or not _EARLIER_Q.search(question) or str(hints.years[0]) not in question:
        return True  # (a year carried from an earlier question comes without its month)
    bound = (hints.years[0], hints.months[0] if len(hints.months) == 1 else 0)
    dated = [(int(y), MONTH_NUMBERS[m.lower()]) for m, y in re.findall(rf"\b({_MONTH})\s+((?:19|20)\d\d)\b", text)]
    dated += [(int(y), 0) for y in re.findall(r"\b(?:19|20)\d\d\b", text)]
    return any(d < bound for d in dated)


_PARTS = re.compile(r",?\s+and\s+(?=(?:what|how|why|who|when|where|which)\b)", re.I)
_SENTENCES = re.compile(r"(?<=[?!])\s+|(?<=\.)\s+(?=[A-Z])")
_INTERROGATIVE = re.compile(r"^\s*(?:(?:and|so|but|also|then|ok|okay|right)[,\s]+)*(?:what|how|why|who|whom|whose|when|where|"
                            r"which|is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|give|list|"
                            r"tell|show|summari[sz]e|name|remind|pull|find|explain|describe|compare)\b", re.I)


#: "Give me the dates and the lead inspector for each visit": two things asked of one subject.
_NOUN_PAIR = re.compile(r"^(?P<lead>\s*(?:(?:can you |could you |please )?(?:give|tell|send|show) (?:me|us) |list |"
                        r"(?:what|which) (?:are|were|was|is) )(?:the |their |our )?)(?P<a>[\w'’ -]{2,40}?),? and "
                        r"(?:the |their |our )?(?P<b>[\w'’ -]{2,40}?) (?P<rest>(?:for|of|on|from) .+)$", re.I)


def _noun_pair(sentence: str) -> list[str]:
    """"Give me the dates and the lead inspector for each of our visits" as the two questions it
    asks, when each of the two things asks for its own type of answer (a date, an inspector)."""
    m = _NOUN_PAIR.match(sentence)
    if not m:
        return [sentence]
    parts = [f"{m['lead']}{m['a']} {m['rest']}", f"{m['lead']}{m['b']} {m['rest']}"]
    types = [expected_type(p) for p in parts]
    return parts if None not in types and types[0] != types[1] else [sentence]


def question_parts(question: str) -> list[str]:
    """The questions a question asks: "How high has demand been, and what is driving it?" is two.
    A sentence that asks nothing ("Demand keeps coming up.") is context for the question after it."""
    pieces, context = [], ""
    for sentence in (s.strip() for s in _SENTENCES.split(question.strip())):
        if not sentence:
            continue
        if not (sentence.endswith("?") or _INTERROGATIVE.match(sentence)):
            context = f"{context} {sentence}".strip()
            continue
        parts: list[str] = []
        for part in (p.strip(" ,?.") for piece in _PARTS.split(sentence) for p in _noun_pair(piece.strip(" ,?."))):
            if parts and len(parts[-1].split()) < 3:
                parts[-1] = f"{parts[-1]} and {part}"  # "When and how did they visit?"
            elif parts and len(part.split()) < 3:
                parts[-1] = f"{parts[-1]} and {part}"
            else:
                parts.append(part)
        parts[0] = f"{context} {parts[0]}".strip()
        pieces.extend(parts)
        context = ""
    if context and pieces:
        pieces[-1] = f"{pieces[-1]}. {context}"
    return pieces or [question.strip()]


def keyword_query(question: str) -> str:
    """The question for keyword search: words that only say a name is wanted ("who led…", "who was
    it sent to") name no subject, and would find "led by skilled managers" before the inspectors."""
    if expected_type(question) in ("person", "inspector", "addressee"):
        question = re.sub(r"\b(?:lead|led|leading|addressed|sent|send|written|wrote|signed)\b", " ", question, flags=re.I)
    # The documents' words for what the question asks in its own ("faith groups": a mosque).
    extra = [w for t in dict.fromkeys(terms(question)) for w in sorted(CLASS_OF.get(t, ())) if w != t]
    return question + (" " + " ".join(dict.fromkeys(extra)) if extra else "")


def frames_question(word: str) -> bool:
    """Whether ``word`` only frames a question ("actually", "say", "specifically"): it names no subject."""
    found = terms(word)
    return len(found) == 1 and found[0] in _GENERIC


def asks_to_improve(question: str) -> bool:
    """Whether the question asks what needs to improve (recommendations, priorities, weaknesses)."""
    return bool(_IMPROVE_Q.search(question))


def has_premise(question: str) -> bool:
    """Whether the question asserts something ("Why did…", "X says… – why…") that may need correcting."""
    return bool(_PREMISE.search(question))


def question_dates(question: str) -> list[str]:
    """Day-and-month dates the question states ("7 and 8 March")."""
    return [m.group(0) for m in _QUESTION_DATE.finditer(question)]


def question_numbers(question: str) -> set[str]:
    """Figures the question states, years excepted ("443", "92%")."""
    return {n for n in re.findall(r"\b\d+(?:\.\d+)?%?", question) if not re.fullmatch(r"(?:19|20)\d\d", n)}


_MONTHS_SHORT = r"(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
_DOCUMENT_MONTH = re.compile(rf"\b(?:{_MONTH}|{_MONTHS_SHORT})\s+(?:19|20)\d\d\b|"
                             rf"\b(?:the|our|their|its|that|this)\s+(?:{_MONTH}|{_MONTHS_SHORT})(?=\s+(?:\w+\s+)?"
                             rf"(?:visit|letter|inspection|report|self|article|news))", re.I)
_SET_ASIDE = re.compile(r"\b(?:apart from|other than|besides|except(?: for)?|excluding|aside from)\s+[^,;:?.]+", re.I)


def content_terms(question: str, hints: Hints) -> list[str]:
    """The question's subject words. Generic words, and words the document metadata already
    satisfies (its authority, year, kind), are left out: a sentence need not repeat them."""
    dropped = set(_GENERIC) | {str(y) for y in hints.years} | {str(y)[2:] for y in hints.years}
    for name in (*hints.authorities, *hints.people):
        dropped.update(terms(name))
    if hints.years or hints.doc_types or hints.authorities:
        dropped.update(_KIND_WORDS)
    expect = expected_type(question)
    if expect in ("person", "inspector", "addressee"):
        dropped.update(_PERSON_REQUEST)
    elif expect == "scope":
        dropped.update(_SCOPE_WORDS)
    elif expect == "name":
        dropped.update(terms("name names named called"))
    elif expect in ("date", "visit"):
        # "Dates of the 2018 visit?" asks when the visit was, as "When was the 2018 visit?" does.
        dropped.update(_DATE_REQUEST)
    if _IMPROVE_Q.search(question):
        dropped.update(_IMPROVE_REQUEST)
    out = []
    # "2021/22" is a period, like a year: the metadata or the sentence's own figures place it.
    question = re.sub(r"\b(?:19|20)\d\d\s*/\s*\d\d\b", " ", question)
    # "Apart from Mr Munday, was it copied to anyone else?": what is set aside is not the subject.
    question = _SET_ASIDE.sub(" ", question)
    # "How many children were in the council's care?" asks about LAC (see vocabulary.ASKS_LOOKED_AFTER).
    question = ASKS_LOOKED_AFTER.sub(" LAC ", question)
    # So is "children in need" CIN, hyphenated or not ("a children-in-need plan").
    question = re.sub(r"\bchild(?:ren)?[- ]in[- ]need\b", " CIN ", question, flags=re.I)
    # A month that dates a document ("the May 2022 visit", "our March visit") names no subject; one
    # that dates a figure ("where had it got to by Sept?") does.
    question = _DOCUMENT_MONTH.sub(" ", question)
    # So does a part of a year: "that late-2018 monitoring visit" (not "early help").
    question = re.sub(r"\b(?:late|early|mid)[- ]?(?=(?:19|20)\d\d\b)", " ", question, flags=re.I)
    # "Barnet's fourth monitoring visit" says which visit (rightly or not: see index/premise.py).
    question = ORDINAL_VISIT.sub(lambda m: m.group(0)[len(m.group(1)):], question)
    # So does "the first of our two focused visits" once the year it means is known (not "the last
    # full inspection before the 2018 visit", which is another document).
    if hints.years and not re.search(r"\b(?:19|20)\d\d\b", question):
        question = DOCUMENT_ORDER.sub(" ", question)
    # "Since the close of last financial year" is a period, as "2021/22" is; whether something "held
    # up" asks how it moved, and what is "holding back" something what affects it, which the
    # sentences say in their own words.
    question = re.sub(r"\b(?:since\s+|at\s+|by\s+)?(?:the\s+)?(?:close|end|start|beginning)\s+of\s+(?:the\s+)?(?:last\s+|this\s+|previous\s+)?"
                      r"(?:(?:financial\s+|fiscal\s+)?year\b|(?=(?:19|20)\d\d\b))|\b(?:last|this|previous)\s+(?:financial|fiscal)\s+year\b|"
                      r"\b(?:held|hold|holding|kept|keeping)\s+up\b|"
                      # What is "holding back" improvement is what the documents say affects or limits it.
                      r"\b(?:held|hold|holds|holding)\s+(?:\w+\s+)?back\b", " ", question, flags=re.I)
    # "The letter keeps comparing things with 'the last inspection'": how it is put, not what is asked.
    question = re.sub(r"\bkeeps?\s+(?:on\s+)?(?:comparing\s+(?:things\s+|it\s+|us\s+)?(?:with|to)|mentioning|referring\s+to|"
                      r"talking\s+about|bringing\s+up|going\s+on\s+about|citing|quoting|saying)\b|"
                      # "…the letter refers back to…": a document pointing to another, not a referral.
                      r"\b(?:refers?|referring|referred)\s+back\s+to\b", " ", question, flags=re.I)
    question = re.sub(r"\b(letter|report|article|piece|sef|evaluation|it)\s+(?:refers?|referred)\s+to\b", r"\1", question, flags=re.I)
    # "…How have we addressed that?" asks what was done about what the question has said.
    question = re.sub(r"\b(?:how|what)\s+(?:have|has|did|do|does|are|is|were|was)\s+(?:we|they|the council|you|managers|leaders)\s+"
                      r"(?:been\s+|now\s+)?(?:address(?:ed|ing)?|tackl(?:ed|ing)|respond(?:ed|ing)\s+to|deal(?:t|ing)\s+with|"
                      r"done\s+about|doing\s+about)\s+(?:that|this|it|them|those|these)\b", " ", question, flags=re.I)
    # "A councillor wants to know if…" says who asks.
    question = re.sub(r"\b(?:wants?|wanted|would like|needs?|needed|asked|asking|asks)\s+to\s+know\b", " ", question, flags=re.I)
    # "…, is that right?" asks for the claim to be checked, and names no subject.
    question = re.sub(r"\b(?:is|was|isn['’]t|wasn['’]t) (?:that|this|it) (?:right|correct|true|accurate|so)\b|"
                      r"\bam i (?:right|correct)\b|,\s*right\s*\?\s*$", " ", question, flags=re.I)
    # "The target the council has set" is the target: documents say "above target of 90%".
    question = re.sub(r"\b(targets?\b[^?.]{0,30}?)\bset\b", r"\1", question, flags=re.I)
    # "Section 47" is a name, S47, not the figure 47.
    question = re.sub(r"\bsection\s+(\d+)s?\b", r"s\1", question, flags=re.I)
    for t in dict.fromkeys(terms(question)):
        t = _SYNONYMS.get(t, t)
        if t not in dropped and len(t) > 1:
            out.append(t)
    return out


def asked_part(question: str) -> str:
    """The sentences of ``question`` that ask something, without the scene it sets before them
    ("Our HV team works with mums… Did the 2022 visit mention the Pause work?" → the second);
    the whole question when none ends in a question mark."""
    return " ".join(s for s in re.split(r"(?<=[.!?])\s+", question.strip()) if s.endswith("?")) or question


def subject_words(question: str, hints: Hints) -> str:
    """The question's subject as it is written: its words whose terms are all subject terms
    ("How did attendance at strategy meetings compare between us and Barnet?" → "attendance strategy
    meetings")."""
    keep = set(content_terms(question, hints))
    return " ".join(w for w in re.findall(r"[\w'’%-]+", question) if terms(w) and set(terms(w)) <= keep)


_NAME_WORD = re.compile(r"(?<![.?!:]\s)(?<!^)\b[A-Z][\w&'’-]*")


def proper_names(question: str) -> list[str]:
    """Capitalised words of the question that are not the first of a sentence ("Redbridge", "FGM").
    The first words of sentences, "I" and its contractions are left out."""
    out = []
    for m in _NAME_WORD.finditer(question.strip()):
        word = m.group(0)
        before = question.strip()[:m.start()].rstrip()
        if not before or before[-1] in ".?!:-–—" or re.fullmatch(r"I(?:['’]\w+)?", word):
            continue
        out.append(word)
    return out
