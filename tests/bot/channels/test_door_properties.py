"""Property tests of the door, as an attacker and a hurried practitioner would type.

Identifiers come from generators (names, including names that are ordinary words and names in
capitals, phones, NHS and NI numbers, postcodes, emails, references), are planted in reflection
templates, and are then disguised the way pasted text disguises them: Unicode spaces,
invisible characters, soft hyphens, full-width forms, combining accents, look-alike letters,
upper and lower case. Whatever the disguise, no part of the identifier may come out of the door.

Issue 10 asks for at least 10,000 examples with none surviving: the tests below run 11,000
(4,000 names, 1,000 of each other kind, 1,000 mixed messages), derandomised so CI is repeatable;
set ``derandomize=False`` locally to explore new ground.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.anonymise.lexicon import lexicon
from bot.anonymise.names import CONTEXT_WORDS
from bot.anonymise.normalise import normalise
from bot.channels.door import Door

SECRET = b"property-test-secret-0123456789abcd"
DOOR = Door.create(secret=SECRET, payload_values=(), intents=())

EXAMPLES = 1_000
NAME_EXAMPLES = 4_000  # names are where rules, not shapes, decide
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- disguises ------------------------------------------------------------------------------

SPACES = ["\u00a0", "\u202f", "\u2009", "\u2002", "\u2003", "\u3000", "\u2007", " "]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u2063"]
ACCENTS = ["\u0301", "\u0300", "\u0308", "\u0302", "\u0327"]
LOOKALIKE = str.maketrans("AaEeOoPpCcXxSsIi", "АаЕеОоРрСсХхЅѕІі")


def _full_width(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else "\u3000" if ch == " " else ch


@st.composite
def disguised(draw: st.DrawFn, plain: str) -> str:
    """``plain`` as it may arrive: case, spaces, invisible marks, full width, accents."""
    text = draw(st.sampled_from([plain, plain, plain.upper(), plain.lower(), plain.title()]))
    out = []
    for ch in text:
        kind = draw(st.integers(0, 19))
        if ch == " ":
            out.append(draw(st.sampled_from(SPACES)))
            continue
        if kind == 0:
            out.append(_full_width(ch))
        elif kind == 1:
            out.append(ch + draw(st.sampled_from(INVISIBLE)))
        elif kind == 2 and ch.isalpha():
            out.append(ch + draw(st.sampled_from(ACCENTS)))
        elif kind == 3 and ch.isalpha():
            out.append(ch.translate(LOOKALIKE))
        else:
            out.append(ch)
    return "".join(out)


# --- identifiers ----------------------------------------------------------------------------

ROLE_WORDS = CONTEXT_WORDS | {"nan", "nana", "nanny", "gran", "granny"}
SYLLABLES = "ka ze lo mi ru ta vo nia shan dre ley kai ron bel tra zan qui fer mo lu dex".split()


def _names(kind: str) -> list[str]:
    """Names from the lists, less those that are also role words ("Nana", "Guardian")."""
    lex = lexicon()
    source = lex.first_names if kind == "first" else lex.surnames
    return sorted(n for n in source if len(n) >= 3 and n.isalpha() and n not in ROLE_WORDS)


def _ambiguous() -> list[str]:
    return sorted(n for n in lexicon().ambiguous if len(n) >= 3)


invented = (
    st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=3)
    .map(lambda parts: "".join(parts).capitalize())
    .filter(lambda w: w.lower() not in lexicon().english and len(w) >= 4)
)
first_name = st.one_of(
    st.sampled_from(_names("first")).map(str.capitalize),
    st.sampled_from(_ambiguous()).map(str.capitalize),  # Hope, Will, Sky, Amber ...
    invented,
)
surname = st.one_of(st.sampled_from(_names("sur")).map(str.capitalize), invented)


@st.composite
def full_name(draw: st.DrawFn) -> str:
    first = draw(first_name)
    if draw(st.booleans()):
        first = f"{first}-{draw(first_name)}"  # Amber-Rose, Lily-Mae
    last = draw(surname)
    style = draw(st.integers(0, 2))
    if style == 1:
        last = last.upper()  # case-recording habit: Kelly ADAMS
    return f"{first} {last}" if style != 2 else f"{first.upper()} {last.upper()}"


digits = st.integers(0, 9).map(str)


@st.composite
def phone(draw: st.DrawFn) -> str:
    body = "7" + "".join(draw(st.lists(digits, min_size=9, max_size=9)))
    lead = draw(st.sampled_from(["0", "+44 ", "+44", "0044 ", "+44 (0)"]))
    groups = draw(st.sampled_from([(4, 6), (4, 3, 3), (3, 3, 4), (10,), (2, 4, 4)]))
    sep = draw(st.sampled_from([" ", "-", ".", ""]))
    parts, i = [], 0
    for size in groups:
        parts.append(body[i : i + size])
        i += size
    return lead + sep.join(parts)


@st.composite
def nhs_number(draw: st.DrawFn) -> str:
    d = "".join(draw(st.lists(digits, min_size=10, max_size=10)))
    sep = draw(st.sampled_from([" ", "-", ""]))
    return f"{d[:3]}{sep}{d[3:6]}{sep}{d[6:]}"


@st.composite
def ni_number(draw: st.DrawFn) -> str:
    first = draw(st.sampled_from("ABCEGHJKLMNOPRSTWXYZ"))
    second = draw(st.sampled_from("ABCEGHJKLMNPRSTWXYZ"))
    d = "".join(draw(st.lists(digits, min_size=6, max_size=6)))
    suffix = draw(st.sampled_from("ABCD"))
    if draw(st.booleans()):
        return f"{first}{second} {d[:2]} {d[2:4]} {d[4:]} {suffix}"
    return f"{first}{second}{d}{suffix}"


@st.composite
def postcode(draw: st.DrawFn) -> str:
    letters = "ABCDEFGHJKLMNOPRSTUWYZ"
    area = draw(st.text(letters, min_size=1, max_size=2))
    district = str(draw(st.integers(1, 99)))
    inward = draw(digits) + draw(st.text("ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2))
    return f"{area}{district}{draw(st.sampled_from([' ', '']))}{inward}"


@st.composite
def email(draw: st.DrawFn) -> str:
    local = draw(first_name).lower()
    local += draw(st.sampled_from(["", ".", "_"])) + draw(st.sampled_from(["", "x", "88"]))
    local += draw(surname).lower() if draw(st.booleans()) else str(draw(st.integers(1, 99999)))
    return f"{local}@{draw(st.sampled_from(['example.com', 'example.org', 'nhs.net']))}"


@st.composite
def reference(draw: st.DrawFn) -> str:
    number = str(draw(st.integers(100, 99999999)))
    style = draw(st.integers(0, 3))
    if style == 0:
        return f"{draw(st.sampled_from(['RAE', 'CP', 'LCS', 'MRN']))}{number.zfill(7)}"
    if style == 1:
        return f"{draw(st.sampled_from(['AB', 'CS', 'DA']))}/{number}/2{draw(digits)}"
    if style == 2:
        return f"{number[:2]}-{number.zfill(6)}"
    return number.zfill(6)


# Where people put which kind of name: a first name after "mum" or "my colleague", a surname
# after a title, anything before "said" or in a form ("mum Bull" or "nan is barber" are not how
# anyone writes; "Mrs Bull" and "nan is Pat" are).
FIRST_NAME_TEMPLATES = [
    "Spoke to mum {x} about the new partner.",
    "My colleague {x} and I reflected on the review.",
    "Nan is {x} and she has the children most weekends.",
]
SURNAME_TEMPLATES = [
    "Mr {x} attended the strategy meeting.",
    "Spoke to Mrs {x} on the doorstep.",
]
ANY_NAME_TEMPLATES = [
    "{x} said she was frightened of him.",
    "I met {x} at the core group.",
    "Dad ({x}) rang to ask about contact.",
    "The referral named {x} as the carer.",
    "We never checked who {x} was before he moved in.",
    "Mother: {x}. Father unknown.",
]


NUMBER_TEMPLATES = {
    "phone": ["Mum's number is {x} if you need it.", "He rang from {x} twice.", "call {x}"],
    "nhs": ["NHS number {x} was on the letter.", "Baby's NHS no {x} did not match."],
    "ni": ["His NI number is {x}.", "NI {x} on the housing form."],
    "postcode": ["They moved to {x} last month.", "address ends {x}"],
    "email": ["Send the minutes to {x} please.", "her email is {x}"],
    "reference": ["Crime ref {x} was closed.", "hospital number {x} on the notes", "case no {x}"],
}


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", normalise(text).text)}


def _survivors_of_name(name: str, template: str, out: str) -> set[str]:
    """Words of the name still in the output (words the template itself has don't count)."""
    name_words = {w for w in _words(name) if len(w) >= 2}
    return (name_words - _words(template)) & _words(out)


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", normalise(text).text.upper())


@st.composite
def name_in_template(draw: st.DrawFn) -> tuple[str, str]:
    """A template and a name of a kind people write there."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        template = draw(st.sampled_from(FIRST_NAME_TEMPLATES))
        name = draw(st.one_of(first_name, full_name()))
    elif kind == 1:
        template = draw(st.sampled_from(SURNAME_TEMPLATES))
        name = draw(surname)
    else:
        template = draw(st.sampled_from(ANY_NAME_TEMPLATES))
        name = draw(st.one_of(full_name(), first_name, surname))
    return template, name


@given(data=st.data())
@settings(PROPERTY, max_examples=NAME_EXAMPLES)
def test_no_name_survives(data: st.DataObject) -> None:
    template, name = data.draw(name_in_template())
    typed = template.format(x=data.draw(disguised(name)))

    out = DOOR.clean(typed).text

    assert not _survivors_of_name(name, template, out), (typed, out)


def _number_property(kind: str, strategy: st.SearchStrategy[str]) -> None:
    @given(data=st.data())
    @PROPERTY
    def check(data: st.DataObject) -> None:
        template = data.draw(st.sampled_from(NUMBER_TEMPLATES[kind]))
        value = data.draw(strategy)
        typed = template.format(x=data.draw(disguised(value)))

        out = DOOR.clean(typed).text

        canonical = _alnum(value)
        if kind == "email":
            local = normalise(value).text.split("@")[0].lower()
            assert local not in out.lower(), (typed, out)
        else:
            digits_only = re.sub(r"\D", "", canonical)
            assert canonical not in _alnum(out), (typed, out)
            if len(digits_only) >= 4:
                assert digits_only[-4:] not in re.sub(r"\D", "", out), (typed, out)

    check()


def test_no_phone_survives() -> None:
    _number_property("phone", phone())


def test_no_nhs_number_survives() -> None:
    _number_property("nhs", nhs_number())


def test_no_ni_number_survives() -> None:
    _number_property("ni", ni_number())


def test_no_postcode_survives() -> None:
    _number_property("postcode", postcode())


def test_no_email_survives() -> None:
    _number_property("email", email())


def test_no_reference_survives() -> None:
    _number_property("reference", reference())


@given(data=st.data())
@PROPERTY
def test_no_identifier_survives_in_a_mixed_message(data: st.DataObject) -> None:
    """Several identifiers in one message, each disguised differently."""
    name = data.draw(full_name())
    number = data.draw(phone())
    code = data.draw(postcode())
    typed = (
        f"Visited mum {data.draw(disguised(name))} at home ({data.draw(disguised(code))}); "
        f"she asked me to ring {data.draw(disguised(number))} next week."
    )

    out = DOOR.clean(typed).text

    assert not _survivors_of_name(name, "Visited mum at home she asked me to ring next week", out)
    assert _alnum(number)[-6:] not in _alnum(out), (typed, out)
    assert _alnum(code) not in _alnum(out), (typed, out)


def test_the_disguises_really_disguise() -> None:
    """A guard: without normalisation the disguised forms would not even look like the values."""
    disguised_value = "07700\u00a0900\u200b123"
    assert "07700 900123" not in disguised_value
    assert unicodedata.normalize("NFC", "ＢＮ２１") != "BN21"
