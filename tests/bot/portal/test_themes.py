from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Sequence

import pytest

from bot.anonymise import anonymise
from bot.content.schema import Pack
from bot.portal.model import NO_TEAM, Scope
from bot.portal.themes import (
    MIN_MATCH,
    QUOTE_CHARS,
    QuoteCandidate,
    RecommendationText,
    ThemeCache,
    ThemeCacheKey,
    ThemeDoc,
    ThemeModel,
    fit_themes,
    recommendation_texts,
    select_quotes,
    theme_count,
)

K = 10

#: Planted topics, each with its own vocabulary, three of them written to match one of the
#: Child Z pack's recommendations (1 information sharing, 2 domestic abuse, 3 fathers) and one
#: (the procedures manual) matching none.
TOPICS: dict[str, tuple[str, ...]] = {
    "sharing": tuple(
        "information sharing parents consent disclosure framework details shared told chain "
        "command".split()
    ),
    "abuse": tuple(
        "domestic abuse separation contact arrangements victims perpetrator protect mother "
        "training".split()
    ),
    "fathers": tuple(
        "fathers engaged assessment significant adults background household checks involved".split()
    ),
    "manual": tuple("procedures manual online chapter bookmarked updated link searched".split()),
}
PLANTED_RECOMMENDATION = {"sharing": 1, "abuse": 2, "fathers": 3, "manual": None}
FILLER = tuple("we the team think really case about it was this and that in our when with".split())
AGENCIES = ("police", "health", "education", "not_said")


def corpus(
    size: int, *, topics: Sequence[str] = tuple(TOPICS), seed: int = 1
) -> list[tuple[str, ThemeDoc]]:
    """Synthetic reflections, each from one planted topic, with its topic name."""
    rnd = random.Random(seed)
    docs = []
    for number in range(size):
        topic = topics[number % len(topics)]
        words = rnd.sample(TOPICS[topic], 5) + rnd.sample(FILLER, 6)
        rnd.shuffle(words)
        if rnd.random() < 0.3:
            words.insert(2, "[NAME 1]")
        docs.append(
            (
                topic,
                ThemeDoc(
                    id=number + 1,
                    iso_week=f"2026-W{1 + number % 6:02d}",
                    agency=AGENCIES[(number // len(topics)) % len(AGENCIES)],
                    team=NO_TEAM if number % 5 else "T-ALPHA",
                    point=f"dp-{1 + number % 4}",
                    text=" ".join(words)[:1].upper() + " ".join(words)[1:] + ".",
                ),
            )
        )
    return docs


def docs_of(planted: list[tuple[str, ThemeDoc]]) -> list[ThemeDoc]:
    return [doc for _, doc in planted]


@pytest.fixture(scope="module")
def recommendations(pack: Pack) -> tuple[RecommendationText, ...]:
    return recommendation_texts(pack)


@pytest.fixture(scope="module")
def planted() -> list[tuple[str, ThemeDoc]]:
    return corpus(240)


@pytest.fixture(scope="module")
def model(
    planted: list[tuple[str, ThemeDoc]], recommendations: tuple[RecommendationText, ...]
) -> ThemeModel:
    return fit_themes(docs_of(planted), recommendations, k=K)


def _theme_of(model: ThemeModel) -> dict[int, str]:
    """Each document id's theme, from the candidates (every document of a theme is one here)."""
    return {c.doc_id: theme for theme, cands in model.candidates.items() for c in cands}


def _sizes(model: ThemeModel) -> Counter[str]:
    sizes: Counter[str] = Counter()
    for (_week, _agency, _team, theme), count in model.counts:
        sizes[theme] += count
    return sizes


def test_recommendation_texts_carry_the_learning_words(pack: Pack) -> None:
    texts = recommendation_texts(pack)

    assert [item.number for item in texts] == [r.number for r in pack.recommendations]
    assert "Information sharing" in texts[0].text
    assert texts[0].title == pack.recommendations[0].title
    # Bullets are part of the text.
    assert pack.recommendations[1].bullets[0] in texts[1].text


@pytest.mark.parametrize(
    ("documents", "expected"),
    [(0, 0), (19, 0), (20, 2), (50, 2), (160, 4), (1_000, 8), (1_000_000, 8)],
)
def test_theme_count_follows_the_corpus_size(documents: int, expected: int) -> None:
    assert theme_count(documents, k=K) == expected


def test_finds_the_planted_themes(model: ThemeModel, planted: list[tuple[str, ThemeDoc]]) -> None:
    assert [theme.id for theme in model.themes] == ["t1", "t2", "t3", "t4"]
    assert model.documents == 240
    assert model.fitted_on == 240
    # Every theme is one planted topic: its documents all come from it, and its terms are
    # that topic's words.
    topic_of = {doc.id: topic for topic, doc in planted}
    members: dict[str, set[str]] = {}
    for (_w, _a, _t, theme), _count in model.counts:
        members.setdefault(theme, set())
    for doc_id, theme in _theme_of(model).items():
        members.setdefault(theme, set()).add(topic_of[doc_id])
    found = {}
    for theme in model.themes:
        (topic,) = members[theme.id]
        found[topic] = theme
        words = {word for term in theme.terms for word in term.split()}
        assert words <= set(TOPICS[topic]), (theme.label, topic)
        assert len(theme.terms) == 6
        assert theme.label == " · ".join(theme.terms[:3])
    assert set(found) == set(TOPICS)
    assert sum(_sizes(model).values()) + model.unthemed == 240
    assert all(size == 60 for size in _sizes(model).values())


def test_each_planted_theme_maps_to_its_recommendation(
    model: ThemeModel, planted: list[tuple[str, ThemeDoc]]
) -> None:
    topic_of = {doc.id: topic for topic, doc in planted}
    theme_of = _theme_of(model)
    for theme in model.themes:
        topic = next(topic_of[d] for d, t in theme_of.items() if t == theme.id)
        expected = PLANTED_RECOMMENDATION[topic]
        if expected is None:
            assert theme.recommendation is None, theme
        else:
            assert theme.recommendation is not None, theme
            assert theme.recommendation.number == expected
            assert theme.recommendation.score >= MIN_MATCH
            assert (
                theme.recommendation.title
                == f"Recommendation {('one', 'two', 'three')[expected - 1]}"
            )


def test_no_recommendations_means_no_match(planted: list[tuple[str, ThemeDoc]]) -> None:
    model = fit_themes(docs_of(planted), (), k=K)
    assert model.themes
    assert all(theme.recommendation is None for theme in model.themes)


def test_placeholders_and_filler_never_become_terms(model: ThemeModel) -> None:
    words = {word for theme in model.themes for term in theme.terms for word in term.split()}
    assert not words & {"name", "think", "team", "case", "really"}


def test_counts_are_by_week_agency_team_and_theme(
    model: ThemeModel, planted: list[tuple[str, ThemeDoc]]
) -> None:
    # Each topic's 60 documents are spread evenly over the four agencies (15 each), and every
    # fifth document of the corpus was written in team T-ALPHA.
    by_agency: Counter[tuple[str, str]] = Counter()
    by_team: Counter[str] = Counter()
    for (week, agency, team, theme), count in model.counts:
        assert week.startswith("2026-W")
        by_agency[(theme, agency)] += count
        by_team[team] += count
    assert list(model.counts) == sorted(model.counts)
    assert all(count > 0 for _, count in model.counts)
    assert set(by_agency.values()) == {15}
    assert len(by_agency) == 4 * len(AGENCIES)
    assert by_team == {"T-ALPHA": 48, NO_TEAM: 192}


def test_candidates_are_ranked_and_capped(model: ThemeModel) -> None:
    for theme in model.themes:
        candidates = model.candidates[theme.id]
        assert 0 < len(candidates) <= 40
        weights = [c.weight for c in candidates]
        assert weights == sorted(weights, reverse=True)
        assert all(w > 0 for w in weights)


def test_deterministic_twice_and_in_any_order(
    planted: list[tuple[str, ThemeDoc]], recommendations: tuple[RecommendationText, ...]
) -> None:
    docs = docs_of(planted)
    first = fit_themes(docs, recommendations, k=K)
    again = fit_themes(docs, recommendations, k=K)
    shuffled = list(docs)
    random.Random(7).shuffle(shuffled)
    reordered = fit_themes(reversed(shuffled), recommendations, k=K)

    assert first == again
    assert first == reordered


def test_sampled_fit_is_deterministic_and_still_assigns_every_document(
    recommendations: tuple[RecommendationText, ...],
) -> None:
    # The corpus cycles through its topics by id, as a group answering points in turn does:
    # a sample of every 4th id would see one topic only.
    docs = docs_of(corpus(1_200, seed=3))
    model = fit_themes(docs, recommendations, k=K, sample_limit=300)
    shuffled = list(docs)
    random.Random(5).shuffle(shuffled)

    assert model.fitted_on == 300
    assert model.documents == 1_200
    assert sum(_sizes(model).values()) + model.unthemed == 1_200
    assert model.unthemed < 60
    assert fit_themes(shuffled, recommendations, k=K, sample_limit=300) == model


def test_fewer_than_two_k_documents_give_no_themes(
    recommendations: tuple[RecommendationText, ...],
) -> None:
    docs = docs_of(corpus(2 * K - 1))
    model = fit_themes(docs, recommendations, k=K)

    assert model.themes == ()
    assert model.counts == ()
    assert dict(model.candidates) == {}
    assert model.documents == 2 * K - 1
    assert model.unthemed == 2 * K - 1


def test_a_corpus_where_nothing_recurs_gives_no_themes(
    recommendations: tuple[RecommendationText, ...],
) -> None:
    docs = [
        ThemeDoc(i, "2026-W01", "police", NO_TEAM, "dp-1", "We think it was really about this.")
        for i in range(40)
    ]
    assert fit_themes(docs, recommendations, k=K).themes == ()


def test_a_document_with_no_theme_words_joins_no_theme(
    planted: list[tuple[str, ThemeDoc]], recommendations: tuple[RecommendationText, ...]
) -> None:
    docs = docs_of(planted)
    stray = ThemeDoc(9_999, "2026-W01", "police", NO_TEAM, "dp-1", "We think it was about this.")
    model = fit_themes([*docs, stray], recommendations, k=K)

    assert model.unthemed == 1
    assert 9_999 not in _theme_of(model)


# --- quotes -----------------------------------------------------------------------------------


def _texts(planted: list[tuple[str, ThemeDoc]]) -> dict[int, str]:
    return {doc.id: doc.text for _, doc in planted}


def test_quotes_only_from_safe_atoms(
    model: ThemeModel, planted: list[tuple[str, ThemeDoc]]
) -> None:
    texts = _texts(planted)
    by_text = {text: doc_id for doc_id, text in texts.items()}
    docs = {doc.id: doc for _, doc in planted}
    asked: list[tuple[str, str, str]] = []

    def only_police(week: str, agency: str, team: str) -> bool:
        asked.append((week, agency, team))
        return agency == "police"

    for theme in model.themes:
        quotes = select_quotes(
            model, theme.id, is_safe=only_police, texts=texts, anonymise=lambda t: t
        )
        assert len(quotes) == 3
        for quote in quotes:
            assert docs[by_text[quote]].agency == "police"
    assert asked


def test_no_safe_atom_means_no_quote(
    model: ThemeModel, planted: list[tuple[str, ThemeDoc]]
) -> None:
    theme = model.themes[0].id
    quotes = select_quotes(
        model, theme, is_safe=lambda *_: False, texts=_texts(planted), anonymise=lambda t: t
    )
    assert quotes == ()
    assert (
        select_quotes(
            model, "t99", is_safe=lambda *_: True, texts=_texts(planted), anonymise=lambda t: t
        )
        == ()
    )


def test_quotes_are_re_anonymised_at_output(
    model: ThemeModel, planted: list[tuple[str, ThemeDoc]]
) -> None:
    seen: list[str] = []

    def fake_anonymiser(text: str) -> str:
        seen.append(text)
        return "REANONYMISED " + text

    quotes = select_quotes(
        model,
        model.themes[0].id,
        is_safe=lambda *_: True,
        texts=_texts(planted),
        anonymise=fake_anonymiser,
    )
    assert quotes
    assert all(quote.startswith("REANONYMISED ") for quote in quotes)
    assert len(seen) >= len(quotes)


def test_the_real_anonymiser_catches_a_name_a_later_version_finds(
    model: ThemeModel,
) -> None:
    theme = model.themes[0].id
    doc_id = model.candidates[theme][0].doc_id
    texts = {doc_id: "We spoke to mum Sarah Jones about the household checks and the assessment."}

    quotes = select_quotes(
        model,
        theme,
        is_safe=lambda *_: True,
        texts=texts,
        anonymise=lambda text: anonymise(text).text,
    )
    assert len(quotes) == 1
    assert "Sarah" not in quotes[0]
    assert "[NAME 1]" in quotes[0]


def _one_theme_model(*texts: str) -> tuple[ThemeModel, dict[int, str]]:
    candidates = tuple(
        QuoteCandidate(
            doc_id=i, iso_week="2026-W01", agency="police", team=NO_TEAM, weight=1 - i / 100
        )
        for i in range(len(texts))
    )
    model = ThemeModel(
        themes=(),
        counts=(),
        candidates={"t1": candidates},
        documents=len(texts),
        unthemed=0,
        fitted_on=len(texts),
    )
    return model, dict(enumerate(texts))


def _quotes(*texts: str, limit: int = 3) -> tuple[str, ...]:
    model, by_id = _one_theme_model(*texts)
    return select_quotes(
        model, "t1", is_safe=lambda *_: True, texts=by_id, anonymise=lambda t: t, limit=limit
    )


def test_long_quotes_are_cut_at_a_word_boundary() -> None:
    long = " ".join(["safeguarding"] * 40) + " end"
    (quote,) = _quotes(long)

    assert quote.endswith("…")
    assert len(quote) <= QUOTE_CHARS
    assert quote[:-1].split() == ["safeguarding"] * len(quote[:-1].split())
    assert _quotes("Short and   complete\nacross two lines, as written.") == (
        "Short and complete across two lines, as written.",
    )


def test_near_duplicates_and_placeholder_quotes_are_skipped() -> None:
    quotes = _quotes(
        "[NAME 1] and [NAME 2] met [NAME 3] at [PLACE 1] with [NAME 4].",
        "We did not check who else lived in the household before the visit.",
        "We did not check who else lived in the household before the visit!",
        "Too short.",
        "[REDACTED]",
        "The fathers were never invited to the strategy meeting, which we regret.",
        "A third distinct point about bookmarking the procedures manual chapter.",
        "A fourth quote that the limit leaves out of the result entirely.",
    )
    assert quotes == (
        "We did not check who else lived in the household before the visit.",
        "The fathers were never invited to the strategy meeting, which we regret.",
        "A third distinct point about bookmarking the procedures manual chapter.",
    )


def test_a_quote_carries_no_attribution(
    model: ThemeModel, planted: list[tuple[str, ThemeDoc]]
) -> None:
    quotes = select_quotes(
        model, model.themes[0].id, is_safe=lambda *_: True, texts=_texts(planted), anonymise=str
    )
    for quote in quotes:
        assert "2026-W" not in quote
        assert not any(agency in quote for agency in AGENCIES)


# --- cache ------------------------------------------------------------------------------------


ESSCP = Scope(partnership="ESSCP")


def _key(version: int, scope: Scope = ESSCP) -> ThemeCacheKey:
    return ThemeCacheKey("esscp-child-z", "1.0.0", scope, version)


def test_cache_fits_once_per_data_version() -> None:
    cache = ThemeCache()
    fits: list[int] = []

    def fit(n: int) -> ThemeModel:
        fits.append(n)
        return ThemeModel((), (), {}, n, n, 0)

    assert cache.get(_key(1), lambda: fit(1)).documents == 1
    assert cache.get(_key(1), lambda: fit(99)).documents == 1
    assert cache.get(_key(2), lambda: fit(2)).documents == 2
    # The old data version of the same pack and scope is dropped.
    assert len(cache) == 1
    assert cache.get(_key(2, Scope(partnership="ESSCP", agency="police")), lambda: fit(3))
    assert fits == [1, 2, 3]
    cache.clear()
    assert len(cache) == 0


def test_cache_is_bounded() -> None:
    cache = ThemeCache(max_entries=2)
    for n in range(4):
        cache.get(_key(1, Scope(partnership=f"P{n}")), lambda: ThemeModel((), (), {}, 0, 0, 0))
    assert len(cache) == 2


def test_cache_fits_once_when_threads_race() -> None:
    cache = ThemeCache()
    calls: list[int] = []
    gate = threading.Event()

    def slow_fit() -> ThemeModel:
        calls.append(1)
        gate.wait(2)
        return ThemeModel((), (), {}, 7, 7, 0)

    results: list[ThemeModel] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(_key(1), slow_fit)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    gate.set()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(results) == 8
    assert all(result is results[0] for result in results)


def test_cache_lets_a_failed_fit_be_retried() -> None:
    cache = ThemeCache()

    def broken() -> ThemeModel:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get(_key(1), broken)
    assert cache.get(_key(1), lambda: ThemeModel((), (), {}, 1, 1, 0)).documents == 1


# --- timing -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_report_fit_and_assign_time_for_100000(
    recommendations: tuple[RecommendationText, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    docs = docs_of(corpus(100_000, seed=11))
    start = time.perf_counter()
    model = fit_themes(docs, recommendations, k=K)
    elapsed = time.perf_counter() - start
    with capsys.disabled():
        print(
            f"\nthemes: fit on {model.fitted_on:,} and assigned {model.documents:,} documents "
            f"in {elapsed:.2f} s ({len(model.themes)} themes, {model.unthemed:,} unthemed)"
        )
    assert model.documents == 100_000
