"""The recogniser's heuristics, each on a small hand-built Document (no reader involved)."""

from __future__ import annotations

from bot.importer.blocks import Block, Document, Link
from bot.importer.recognise import recognise


def h(text: str, level: int = 2) -> Block:
    return Block("heading", text, level=level)


def p(text: str, **kw: object) -> Block:
    return Block("paragraph", text, **kw)  # type: ignore[arg-type]


def li(text: str, marker: str = "-", level: int = 0, **kw: object) -> Block:
    return Block("item", text, marker=marker, level=level, **kw)  # type: ignore[arg-type]


def doc(*blocks: Block, fmt: str = "md", hint: str = "") -> Document:
    return Document(fmt, tuple(blocks), title_hint=hint)  # type: ignore[arg-type]


LONG = "Practitioners recorded what parents said but did not test it against what they saw. " * 2


def test_titled_learning_under_sub_headings() -> None:
    draft = recognise(
        doc(
            h("Learning from Child A", 1),
            h("Key learning"),
            h("Professional curiosity", 3),
            p(LONG),
            h("Information sharing", 3),
            p(LONG),
        )
    )
    assert [item.title for item in draft.learning] == [
        "Professional curiosity",
        "Information sharing",
    ]
    assert draft.title == "Learning from Child A"


def test_untitled_learning_items_are_marked() -> None:
    draft = recognise(
        doc(
            h("What we learned"),
            li("Nobody asked the child what a normal day was like, on any visit", "1."),
            li(
                "Health and school held different parts of the picture, and nobody joined them",
                "2.",
            ),
        )
    )
    assert len(draft.learning) == 2
    assert all(item.title is None for item in draft.learning)
    assert "learning[0].title" in draft.unsure


def test_short_first_sentence_becomes_a_marked_title() -> None:
    draft = recognise(
        doc(h("Findings"), li("Housing moves are a point of risk. " + LONG, "\u2022"))
    )
    assert draft.learning[0].title == "Housing moves are a point of risk"
    assert "first sentence" in draft.unsure["learning[0].title"]


def test_seven_minute_sections_are_sections_not_learning() -> None:
    draft = recognise(
        doc(
            h("7 Minute Briefing: Baby T", 1),
            h("1. Background"),
            p("Baby T was found unresponsive. " + LONG),
            h("2. Why it matters"),
            p(LONG),
            h("3. What we learned"),
            li("Advice must be repeated. " + LONG, "\u2022"),
            h("4. Questions to consider"),
            li("How do you check where the baby sleeps?", "1."),
        )
    )
    assert len(draft.learning) == 1
    assert [q.text for q in draft.questions] == ["How do you check where the baby sleeps?"]
    assert draft.case_summary.startswith("Baby T was found")


def test_ask_yourself_lines_link_questions_to_their_theme() -> None:
    draft = recognise(
        doc(
            h("Learning themes"),
            h("Think family", 3),
            p(LONG),
            p("Ask yourself:", alone=True),
            li("Who else lives in this house?", "\u2022"),
            h("Voice of the child", 3),
            p(LONG),
            h("Questions for practitioners", 4),
            li("When did you last see the child alone?", "\u2022"),
        )
    )
    assert [(q.text, q.learning) for q in draft.questions] == [
        ("Who else lives in this house?", 0),
        ("When did you last see the child alone?", 1),
    ]
    assert len(draft.learning) == 2


def test_footnote_links_resolve_to_the_listed_url() -> None:
    draft = recognise(
        doc(
            h("Key learning"),
            h("Escalation", 3),
            p("Practitioners did not use the escalation policy [1] when plans drifted. " + LONG),
            h("References"),
            p("[1] https://procedures.example.org/escalation"),
        )
    )
    assert [(link.title, link.url) for link in draft.links] == [
        (
            "Practitioners did not use the escalation policy",
            "https://procedures.example.org/escalation",
        )
    ]
    assert "[1]" not in draft.learning[0].text


def test_r1_and_roman_prefixes_make_recommendations_with_sub_points() -> None:
    draft = recognise(
        doc(
            h("Recommendations"),
            p("The review made three recommendations:"),
            li("Partners should agree an escalation route.", "R1"),
            li("named managers", "a)"),
            li("a time limit", "b)"),
            li("Schools should hold a safety meeting before exclusion.", "R2"),
        )
    )
    assert [(r.text, r.bullets) for r in draft.recommendations] == [
        ("Partners should agree an escalation route.", ("named managers", "a time limit")),
        ("Schools should hold a safety meeting before exclusion.", ()),
    ]
    assert draft.recommendations_intro == "The review made three recommendations:"


def test_roman_list_with_nested_bullets() -> None:
    draft = recognise(
        doc(
            h("Recommendations"),
            li("Guidance on language in records.", "i)"),
            li("with examples", "\u2022", level=1),
            li("A safety meeting before any exclusion.", "ii)"),
        )
    )
    assert [len(r.bullets) for r in draft.recommendations] == [1, 0]


def test_breadcrumb_and_partnership_are_not_the_title() -> None:
    draft = recognise(
        doc(
            p("Home > Professionals > Learning from reviews", alone=True),
            p("Northmoor Safeguarding Children Partnership", alone=True, bold=True),
            p("Child P: online harm", alone=True, bold=True, size=18.0),
            p(LONG, size=11.0),
            fmt="pdf",
        )
    )
    assert draft.title == "Child P: online harm"
    assert draft.partnership == "Northmoor Safeguarding Children Partnership"


def test_partnership_from_a_phrase_in_the_text() -> None:
    draft = recognise(
        doc(h("Child M", 1), p("The Westvale Safeguarding Children Partnership met."))
    )
    assert draft.partnership == "Westvale Safeguarding Children Partnership"


def test_questions_in_a_case_summary_are_rhetorical() -> None:
    draft = recognise(
        doc(
            h("What happened"),
            p("Why did nobody ask? " + LONG),
            h("Points for discussion"),
            li("What would you have asked?"),
        )
    )
    assert [q.text for q in draft.questions] == ["What would you have asked?"]


def test_links_anchor_bare_and_without_url() -> None:
    draft = recognise(
        doc(
            h("Useful links"),
            li(
                "Safe sleep guidance",
                links=(Link("Safe sleep guidance", "https://a.example.org/"),),
            ),
            p("Neglect toolkit: www.b.example.org/toolkit"),
            h("Escalation policy", 3),
            p("Ask your safeguarding lead for a copy."),
        )
    )
    assert [(link.title, link.url) for link in draft.links] == [
        ("Safe sleep guidance", "https://a.example.org/"),
        ("Neglect toolkit", "www.b.example.org/toolkit"),
        ("Escalation policy", None),
    ]
    assert "links[2].url" in draft.unsure


def test_contacts_with_labels_and_the_front_door_first() -> None:
    draft = recognise(
        doc(
            h("Contacts"),
            p("Business support: 0113 496 0111"),
            p("Children's Front Door: 0113 496 0000 (Monday to Friday)"),
            p("If a child is in immediate danger call 999."),
        )
    )
    assert draft.contacts[0].label == "Children's Front Door"
    assert draft.contacts[0].when == "Monday to Friday"
    assert {c.number for c in draft.contacts} == {"0113 496 0111", "0113 496 0000", "999"}
    assert "urgent_help" not in draft.unsure


def test_no_front_door_is_marked() -> None:
    draft = recognise(doc(h("Child B", 1), p(LONG)))
    assert "urgent_help" in draft.unsure
    assert draft.contacts == ()


def test_a_section_heading_glued_to_a_paragraph_is_split() -> None:
    draft = recognise(
        doc(
            h("Recommendations"),
            p("Partners should meet monthly to review plans. Useful links:"),
            p("Procedures", alone=True),
            p("See the manual at https://procedures.example.org/"),
        )
    )
    assert len(draft.recommendations) == 1
    assert draft.links[0].url == "https://procedures.example.org/"


def test_a_lead_in_names_the_list_after_it() -> None:
    draft = recognise(
        doc(
            h("6. What the partnership is doing"),
            p("The partnership has agreed two recommendations:"),
            li("Relaunch the safe sleep tool."),
            li("Offer fathers safe sleep advice."),
        )
    )
    assert len(draft.recommendations) == 2


def test_what_you_should_do_is_not_recommendations() -> None:
    draft = recognise(doc(h("What you should do"), li("Always see the baby undressed.")))
    assert draft.recommendations == ()


def test_an_inline_ask_yourself_is_a_question_anywhere() -> None:
    draft = recognise(
        doc(h("What should I do?"), p("Ask yourself: Would you know who to tell about it?"))
    )
    assert [q.text for q in draft.questions] == ["Would you know who to tell about it?"]


def test_action_taken_as_a_table_takes_the_last_column() -> None:
    draft = recognise(
        doc(
            h("Action taken: what has changed"),
            p("What we found | What has changed"),
            p("Nobody asked who lived there. | A household question is now mandatory."),
            p("Records were not requested. | Records are requested within five days."),
        )
    )
    assert draft.action_taken == (
        "A household question is now mandatory.",
        "Records are requested within five days.",
    )


def test_a_pasted_page_title_is_a_link_without_address() -> None:
    draft = recognise(
        doc(
            h("Action taken"),
            p("A working group wrote guidance, available here: Sharing risk | County manual"),
        )
    )
    assert [(link.title, link.url) for link in draft.links] == [
        ("Sharing risk | County manual", None)
    ]


def test_a_line_that_stops_mid_sentence_joins_the_next() -> None:
    draft = recognise(
        doc(
            h("Contacts"),
            p("If you are worried about a child, contact the Integrated Front Door on"),
            p("0113 496 0214 at any time."),
        )
    )
    assert draft.contacts[0].label == "Integrated Front Door"


def test_labelled_learning_titles_are_the_words_after_the_label() -> None:
    draft = recognise(
        doc(
            p("WHAT WE FOUND", alone=True),
            p("Finding 1: Exclusion from school removed a key protective factor for him"),
            p(LONG),
            p(
                "Key message 2 - Care experienced parents may need more, not less, support",
                alone=True,
            ),
            p(LONG),
            p("Lesson three: Records did not follow the family", alone=True),
            p(LONG),
            fmt="txt",
        )
    )
    assert [item.title for item in draft.learning] == [
        "Exclusion from school removed a key protective factor for him",
        "Care experienced parents may need more, not less, support",
        "Records did not follow the family",
    ]


def test_metadata_and_logo_lines_are_not_the_title() -> None:
    draft = recognise(
        doc(
            p("[Northwick Child Protection Committee logo]", alone=True),
            p("Version 1.1 | Published January 2024", alone=True),
            p("Learning Review: Baby K", alone=True),
            p("Key messages for practitioners and managers"),
            p(LONG),
            fmt="txt",
        )
    )
    assert draft.title == "Learning Review: Baby K"
    assert draft.partnership == "Northwick Child Protection Committee"


def test_a_larger_line_is_a_title_even_when_long() -> None:
    draft = recognise(
        doc(
            p("Version 1.1 | Published January 2024", size=11.0, alone=True),
            p(
                "7 Minute Briefing: Siblings C - parental mental health and hidden carers",
                size=16.0,
                bold=True,
                alone=True,
            ),
            p(LONG, size=11.0),
            fmt="docx",
            hint="KSCP template",
        )
    )
    assert draft.title.startswith("7 Minute Briefing: Siblings C")


def test_team_discussion_bullets_at_the_end_are_questions() -> None:
    draft = recognise(
        doc(
            p("TEAM DISCUSSION", alone=True),
            li("How would you spot a pattern in a child's missing episodes?", "*"),
            li("Look at your notes. Does the language describe the child as a victim?", "*"),
            fmt="txt",
        )
    )
    assert len(draft.questions) == 2


def test_a_numbered_title_worded_like_questions_is_the_next_learning_item() -> None:
    draft = recognise(
        doc(
            h("Learning themes", 1),
            h("1. Bruising is never normal"),
            p(LONG),
            h("2. Records do not follow families"),
            p(LONG),
            h("3. Think about the whole household"),
            p(LONG),
        )
    )
    assert [item.title for item in draft.learning][-1] == "Think about the whole household"


def test_a_recommendations_table_starts_its_section_and_gives_one_item_a_row() -> None:
    draft = recognise(
        doc(
            h("Learning themes", 1),
            h("Fathers"),
            p(LONG),
            p("No. | Recommendation | Agency | Progress"),
            p("1 | The Partnership should relaunch the protocol. | HSCP | Complete"),
            p("2 | Health visitors should ask about previous areas. | NHS | In progress"),
        )
    )
    assert [rec.text for rec in draft.recommendations] == [
        "The Partnership should relaunch the protocol.",
        "Health visitors should ask about previous areas.",
    ]
    assert draft.action_taken == ()


def test_a_named_page_loses_its_note_on_where_to_find_it() -> None:
    draft = recognise(
        doc(
            h("Further reading"),
            li("Full Learning Review report: available on request from the lead officer"),
            li("Working Together to Safeguard Children (on the GOV.UK website)"),
        )
    )
    assert [link.title for link in draft.links] == [
        "Full Learning Review report",
        "Working Together to Safeguard Children",
    ]


def test_question_worded_headings_are_sections_not_discussion_questions() -> None:
    draft = recognise(
        doc(
            p("What did the review find?", alone=True),
            p("Lesson 1: Seeing the baby", alone=True),
            p(LONG),
            p("What is the Partnership recommending?", alone=True),
            li("Partners should relaunch the bruising protocol with training.", "*"),
            li("Agencies should record every adult in the household.", "*"),
            p("Where can I find out more?", alone=True),
            p("Bruising protocol: https://p.example.org/bruising"),
            fmt="txt",
        )
    )
    assert draft.questions == ()
    assert [item.title for item in draft.learning] == ["Seeing the baby"]
    assert len(draft.recommendations) == 2
    assert [link.title for link in draft.links] == ["Bruising protocol"]


def test_a_reflective_practice_box_before_the_learning_holds_questions() -> None:
    draft = recognise(
        doc(
            h("Child J's story"),
            p(LONG),
            h("Reflective practice", 3),
            p("Pause here and talk about these with a colleague:"),
            li("How do you make sure a child found with cash is seen as a victim?"),
            h("What we learned"),
            h("Theme 1: Language shaped the response", 3),
            p(LONG),
        )
    )
    assert [q.text for q in draft.questions] == [
        "How do you make sure a child found with cash is seen as a victim?"
    ]
    assert [item.title for item in draft.learning] == ["Language shaped the response"]


def test_a_summary_of_one_liners_before_the_learning_is_not_learning() -> None:
    draft = recognise(
        doc(
            h("Key messages"),
            li("Exploited children are victims first."),
            li("A move is a moment of risk."),
            h("At a glance"),
            li("Plans drifted without outcomes."),
            li("Use the contacts below."),
            h("What we learned"),
            h("Theme 1: Language shaped the response", 3),
            p(LONG),
        )
    )
    assert [item.title for item in draft.learning] == ["Language shaped the response"]


def test_a_one_liner_key_messages_section_alone_is_the_learning() -> None:
    draft = recognise(
        doc(h("Key messages"), li("Children are victims first."), li("Moves are risky."))
    )
    assert len(draft.learning) == 2


def test_a_run_in_finding_after_a_paragraph_number_titles_the_item() -> None:
    draft = recognise(
        doc(
            h("FINDINGS", 1),
            p(
                '2.1 Finding one - "Did not attend" hid the child. Across the five children, '
                + LONG.strip()
            ),
            p(
                "2.2 Finding two - Plans without outcomes. Child in need plans [3] listed "
                + LONG.strip()
            ),
            fmt="txt",
        )
    )
    assert [item.title for item in draft.learning] == [
        '"Did not attend" hid the child',
        "Plans without outcomes",
    ]
    assert draft.learning[0].text.startswith("Across the five children")
    assert draft.learning[1].text.startswith("Child in need plans listed")


def test_a_closing_paragraph_after_the_action_list_is_not_an_action() -> None:
    draft = recognise(
        doc(
            h("What has changed since the review"),
            li("A Was Not Brought policy was published."),
            li("A chronology template was added."),
            p("Progress will be audited in the autumn and reported to the Executive."),
        )
    )
    assert len(draft.action_taken) == 2


def test_a_link_title_wrapped_over_two_lines_is_one_title() -> None:
    draft = recognise(
        doc(
            h("Useful links"),
            p("Operation Encompass guidance", bold=True, alone=True),
            p("for schools", bold=True, alone=True),
            p("https://a.example.org/encompass"),
            p("Full report: Child J", bold=True, alone=True),
            p("https://a.example.org/child-j"),
        )
    )
    assert [(link.title, link.url) for link in draft.links] == [
        ("Operation Encompass guidance for schools", "https://a.example.org/encompass"),
        ("Full report: Child J", "https://a.example.org/child-j"),
    ]
