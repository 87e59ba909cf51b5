"""The demo seeder: clearly synthetic, deterministic, identifier-free, and removable."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from random import Random

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker

from bot.anonymise import anonymise
from bot.content.schema import Pack
from bot.group.minutes import Minutes
from bot.portal import demo
from bot.portal.demo import (
    DEMO_CHANNEL,
    DEMO_TEAMS,
    phrase_bank,
    purge_demo,
    seed_demo,
    vacuum_after_seeding,
)
from bot.storage.models import AGENCIES, GroupMinutes, Reflection
from bot.storage.session import transaction
from tests.bot.portal.test_figures import minutes_row, reflection
from tests.bot.storage.databases import BACKENDS, migrated_sessions

TODAY = date(2026, 12, 9)  # a Wednesday in 2026-W50


@pytest.fixture(params=BACKENDS)
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sessions(request.param, tmp_path) as sessions:
        yield sessions


def reflections_of(factory: sessionmaker) -> list[tuple[object, ...]]:
    with transaction(factory) as session:
        return [
            tuple(row)
            for row in session.execute(
                select(
                    Reflection.iso_week,
                    Reflection.agency,
                    Reflection.point_id,
                    Reflection.text,
                    Reflection.group_ref.is_not(None),
                    Reflection.created_week_start,
                ).order_by(Reflection.id)
            )
        ]


def minutes_of(factory: sessionmaker) -> list[tuple[str, str, str]]:
    with transaction(factory) as session:
        return [
            (week, team, body)
            for week, team, body in session.execute(
                select(GroupMinutes.iso_week, GroupMinutes.team_code, GroupMinutes.body).order_by(
                    GroupMinutes.id
                )
            )
        ]


def test_the_counts_weeks_and_categories_are_right(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as session:
        summary = seed_demo(session, pack=pack, reflections=1500, seed=3, weeks=10, today=TODAY)

    rows = reflections_of(factory)
    assert summary.reflections == len(rows) == 1500
    assert (summary.first_week, summary.last_week) == ("2026-W40", "2026-W49")
    assert {row[0] for row in rows} <= {f"2026-W{n}" for n in range(40, 50)}
    assert {row[5].isocalendar()[1] for row in rows} == {int(row[0][-2:]) for row in rows}
    agencies = Counter(row[1] for row in rows)
    assert set(agencies) <= {*AGENCIES, None} and agencies["health"] > agencies["other"] > 0
    assert {row[2] for row in rows} == {point.id for point in pack.discussion_points}
    weeks = Counter(row[0] for row in rows)
    assert weeks["2026-W40"] > weeks["2026-W49"]  # the burst after publication
    assert summary.tagged == sum(row[4] for row in rows) > 0
    with transaction(factory) as session:
        assert (
            session.execute(
                select(func.count()).where(Reflection.channel_kind != DEMO_CHANNEL)
            ).scalar_one()
            == 0
        )
        hashes = session.execute(select(Reflection.receipt_hash)).scalars().all()
        refs = set(session.execute(select(GroupMinutes.group_ref)).scalars())
        tagged = set(
            session.execute(
                select(Reflection.group_ref).where(Reflection.group_ref.is_not(None))
            ).scalars()
        )
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in hashes)
    assert tagged <= refs  # members' reflections point at a filed session

    minutes = minutes_of(factory)
    assert summary.minutes == len(minutes) == 30
    for week, team, body in minutes:
        filed = Minutes.from_dict(json.loads(body))
        assert team in DEMO_TEAMS and filed.team_code == team and filed.iso_week == week
        assert filed.attendance_total > 0
        assert [point.point_id for point in filed.points] == [
            point.id for point in pack.discussion_points
        ]


def test_the_same_seed_gives_the_same_data(tmp_path: Path, pack: Pack) -> None:
    seen = []
    for run in range(2):
        with migrated_sessions("sqlite", tmp_path / str(run)) as factory:
            with transaction(factory) as session:
                seed_demo(session, pack=pack, reflections=400, seed=11, today=TODAY)
            with transaction(factory) as session:
                hashes = set(session.execute(select(Reflection.receipt_hash)).scalars())
            seen.append((reflections_of(factory), minutes_of(factory), hashes))

    assert seen[0][0] == seen[1][0]
    assert seen[0][1] == seen[1][1]
    assert not seen[0][2] & seen[1][2]  # receipt hashes are random: no code withdraws them


def test_both_backends_store_the_same_rows(tmp_path: Path, pack: Pack) -> None:
    """PostgreSQL takes the rows by COPY, SQLite by executemany: the stored data is the same."""
    seen = []
    for backend in BACKENDS:
        with migrated_sessions(backend, tmp_path / backend) as factory:
            with transaction(factory) as session:
                seed_demo(session, pack=pack, reflections=300, seed=4, today=TODAY)
            vacuum_after_seeding(factory.kw["bind"])
            seen.append((reflections_of(factory), minutes_of(factory)))

    assert seen[0] == seen[1]
    assert any(row[1] is None for row in seen[0][0])  # "prefer not to say" stays NULL
    assert any(row[4] for row in seen[0][0]) and not all(row[4] for row in seen[0][0])


def test_seeding_twice_adds_to_what_is_there(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as session:
        seed_demo(session, pack=pack, reflections=100, seed=1, today=TODAY)
        seed_demo(session, pack=pack, reflections=100, seed=1, today=TODAY)

    assert len(reflections_of(factory)) == 200


def test_a_different_seed_gives_different_texts(pack: Pack) -> None:
    bank = phrase_bank()
    one = [demo.demo_text(Random(1), bank, theme) for theme in bank.themes]
    two = [demo.demo_text(Random(2), bank, theme) for theme in bank.themes]
    assert one != two


def test_purge_removes_demo_rows_and_nothing_else(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as session:
        session.execute(insert(Reflection.__table__), [reflection("2026-W45", "police", "p1")])
        session.execute(
            insert(GroupMinutes.__table__),
            [minutes_row("2026-W45", "DEMO-A", {"police": 3}, group_ref="demo-not-really")],
        )
        summary = seed_demo(session, pack=pack, reflections=300, seed=5, today=TODAY)
    with transaction(factory) as session:
        removed = purge_demo(session)

    assert removed == summary.reflections + summary.minutes
    assert reflections_of(factory) == [
        ("2026-W45", "police", "p1", "A reflection.", False, date(2026, 11, 2))
    ]
    assert len(minutes_of(factory)) == 1  # a real team's minutes, even named like a demo team
    with transaction(factory) as session:
        assert purge_demo(session) == 0


def test_follow_up_answers_come_later_about_every_point_and_purge_with_the_rest(
    factory: sessionmaker, pack: Pack
) -> None:
    with transaction(factory) as session:
        without = seed_demo(session, pack=pack, reflections=300, seed=6, weeks=26, today=TODAY)
    before = reflections_of(factory)
    with transaction(factory) as session:
        purge_demo(session)
        summary = seed_demo(
            session, pack=pack, reflections=300, seed=6, weeks=26, today=TODAY, followups=250
        )
    with transaction(factory) as session:
        answers = session.execute(
            select(
                Reflection.iso_week, Reflection.point_id, Reflection.text, Reflection.agency
            ).where(Reflection.kind == "followup")
        ).all()
        kept = session.execute(
            select(Reflection.iso_week, Reflection.point_id, Reflection.text)
            .where(Reflection.kind == "reflection")
            .order_by(Reflection.id)
        ).all()

    assert (without.followups, summary.followups, len(answers)) == (0, 250, 250)
    # The reflections are the same with or without follow-ups (their own random stream).
    assert [tuple(row) for row in kept] == [row[0:1] + row[2:4] for row in before]
    assert min(week for week, *_ in answers) >= "2026-W37"  # 13 weeks after the first week
    assert {point for _, point, *_ in answers} == {
        *(point.id for point in pack.discussion_points),
        "general",
    }
    assert all(text.startswith("Demo follow-up: ") for _, _, text, _ in answers)
    assert all(anonymise(text).text == text for _, _, text, _ in answers)
    with transaction(factory) as session:
        assert purge_demo(session) == 300 + 250 + summary.minutes


def test_seeding_nothing_still_files_a_few_minutes(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as session:
        summary = seed_demo(session, pack=pack, reflections=0, today=TODAY)
        with pytest.raises(ValueError):
            seed_demo(session, pack=pack, reflections=-1, today=TODAY)
        with pytest.raises(ValueError):
            seed_demo(session, pack=pack, reflections=10, weeks=0, today=TODAY)

    assert (summary.reflections, summary.minutes, summary.tagged) == (0, 4, 0)


# --- the texts --------------------------------------------------------------------------------


def every_sentence() -> Iterator[str]:
    """Every sentence the bank can make, with every filler (a few thousand)."""
    bank = phrase_bank()
    for sentence in itertools.chain(*bank.themes.values()):
        keys = re.findall(r"\{(\w+)\}", sentence)
        for values in itertools.product(*(bank.fillers[key] for key in keys)):
            yield sentence.format_map(dict(zip(keys, values, strict=True)))
    yield from bank.openers
    yield from bank.closers
    for action in bank.actions:
        yield from (action.what, action.owner_role, action.by_when, action.measure)


def test_no_demo_sentence_holds_anything_the_anonymiser_would_remove() -> None:
    changed = [
        (sentence, result.text)
        for sentence in every_sentence()
        if (result := anonymise(sentence)).text != sentence
    ]
    assert changed == []


def test_stored_demo_texts_pass_the_anonymiser_unchanged(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as session:
        seed_demo(session, pack=pack, reflections=200, seed=9, today=TODAY)

    texts = [row[3] for row in reflections_of(factory)]
    notes = [
        note
        for _, _, body in minutes_of(factory)
        for point in Minutes.from_dict(json.loads(body)).points
        for note in point.notes
    ]
    assert all(text.startswith("Demo reflection: ") for text in texts)
    assert notes and all(note.startswith("Demo note: ") for note in notes)
    assert [text for text in [*texts, *notes] if anonymise(text).text != text] == []


def test_every_theme_is_written_about(pack: Pack) -> None:
    bank = phrase_bank()
    covered = set(bank.cross_cutting)
    for point in pack.discussion_points:
        names, weights = demo.point_themes(point, bank)
        assert sum(weights) == pytest.approx(1)
        covered |= set(names)
    assert covered == set(bank.themes)


def test_topic_models_find_the_themes_again() -> None:
    """TF-IDF + NMF, as the portal's themes use, separates the bank's themes from each other."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    bank = phrase_bank()
    rng = Random(0)
    themes = [rng.choice(list(bank.themes)) for _ in range(2000)]
    texts = [demo.demo_text(rng, bank, theme) for theme in themes]
    vectors = TfidfVectorizer(stop_words="english", min_df=3).fit_transform(texts)
    topics = NMF(n_components=len(bank.themes), random_state=0, max_iter=400).fit_transform(vectors)
    found = topics.argmax(axis=1)

    majority = {}
    pure = 0
    for theme in bank.themes:
        counts = Counter(int(c) for c, t in zip(found, themes, strict=True) if t == theme)
        topic, size = counts.most_common(1)[0]
        majority[theme] = topic
        pure += size
    assert len(set(majority.values())) >= 7  # nearly every theme gets a topic of its own
    assert pure / len(texts) > 0.8
