"""Recurring themes in what practitioners wrote: TF-IDF + NMF, offline and deterministic.

The lead asks "what are teams saying?"; reading thousands of reflections is not an answer, and a
hosted language model is not allowed near them. So themes come from scikit-learn on this machine,
with no model download and no randomness:

* **Vectorise**: TF-IDF over letters-only words and word pairs (sublinear term frequency), with
  English stop words plus words that appear in every reflection and carry no theme ("think",
  "team", "case"...). The anonymiser's placeholders (``[NAME 1]``, ``[PLACE 2]``) are removed as
  whole tokens first, so a redacted name never becomes a theme while the word "school" written as
  a word still can.
* **Factorise**: NMF with ``init="nndsvd"`` (an SVD start, no random draw) and
  ``random_state=0``. The number of themes follows from the corpus size and ``k`` alone, and the
  documents are sorted by id first, so the same reflections give the same themes whatever order
  the database returned them in.
* **Scale**: the model is fitted on at most ``sample_limit`` documents (chosen by a fixed hash
  of their id), then *every* document is assigned in batches to its dominant theme, or to none
  when no theme explains it well. A theme's size is therefore a count over all reflections, as
  the disclosure engine needs.
* **Map**: each theme is matched to the review recommendation nearest to it (cosine similarity
  in the same TF-IDF space), or to none below :data:`MIN_MATCH`.

Nothing here decides what may be shown: :attr:`ThemeModel.counts` are handed to the disclosure
engine (bot.portal.disclosure) as atoms, and :func:`select_quotes` takes quotes only from
documents whose atom the engine has said is safe.
"""

from __future__ import annotations

import math
import re
import threading
import warnings
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from bot.content.schema import Pack
from bot.portal.model import RecommendationMatch

__all__ = [
    "DOMAIN_STOP_WORDS",
    "MIN_MATCH",
    "MIN_WEIGHT",
    "QuoteCandidate",
    "RecommendationText",
    "ThemeCache",
    "ThemeCacheKey",
    "ThemeDef",
    "ThemeDoc",
    "ThemeModel",
    "choose_quotes",
    "fit_themes",
    "recommendation_texts",
    "select_quotes",
    "theme_count",
]

#: Words common to nearly every reflection, or left by the anonymiser, that name no theme.
#: Placeholders are removed as whole tokens before this list applies (see :func:`_prepare`);
#: the placeholder words here are only those that never carry a theme as ordinary words.
DOMAIN_STOP_WORDS: frozenset[str] = frozenset(
    """
    think thinking thought thoughts team teams case cases really just also would could should
    feel feels felt like need needs needed know knew good bit lot lots things thing way ways
    time times maybe sure actually probably quite yes yeah okay ok think

    discussed discuss discussion reflect reflection reflections point points briefing review
    practitioner practitioners colleague colleagues agree agreed said say says going

    name names postcode phone email url handle redacted
    """.split()
)

#: A document joins its dominant theme only when that theme explains at least this much of it:
#: the theme's weight times the norm of its term vector, against the document's unit TF-IDF
#: vector (so 1.0 would be the whole document). Below it, the reflection is in no theme.
MIN_WEIGHT = 0.08
#: A theme names a recommendation only when their cosine similarity reaches this; below it the
#: words they share are incidental. On the planted corpus in the tests, each planted match
#: scores 0.49 to 0.58 against the Child Z pack and the theme written to match nothing scores 0.
MIN_MATCH = 0.1
#: Terms kept per theme, and how many of them make its label.
TERMS_PER_THEME = 6
LABEL_TERMS = 3
#: Quote candidates kept per theme, best first.
CANDIDATES_PER_THEME = 40
#: Documents transformed at once when assigning every document to a theme.
BATCH_SIZE = 10_000
#: Vocabulary cap: the fit stays fast on 20,000 documents and rare terms never head a theme.
MAX_FEATURES = 10_000
#: A term in more than this share of the documents is everywhere, so it is no theme.
MAX_DF = 0.6

_PLACEHOLDER = re.compile(r"\[[A-Z_]+(?: \d+)?\]")
_TOKEN_PATTERN = r"(?u)\b[a-z][a-z]+\b"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ThemeDoc:
    """One anonymised reflection, with the atom it belongs to (week, agency, team)."""

    id: int
    iso_week: str
    agency: str
    team: str
    point: str
    text: str


@dataclass(frozen=True)
class RecommendationText:
    """A review recommendation as words to match themes against."""

    number: int
    title: str
    text: str


@dataclass(frozen=True)
class ThemeDef:
    """A theme as fitted: its id, a readable label, its top terms and its recommendation."""

    id: str
    label: str
    terms: tuple[str, ...]
    recommendation: RecommendationMatch | None


@dataclass(frozen=True)
class QuoteCandidate:
    """A document that could be quoted for a theme, with its atom; the text stays elsewhere."""

    doc_id: int
    iso_week: str
    agency: str
    team: str
    weight: float


@dataclass(frozen=True)
class ThemeModel:
    """The themes of one corpus, their counts by atom and their quote candidates.

    ``counts`` holds ``((iso_week, agency, team, theme_id), count)`` pairs, sorted, for the
    disclosure engine (bot.portal.model.THEME_DIMS, with the week later replaced by its
    release block). ``candidates`` maps a theme id to up to :data:`CANDIDATES_PER_THEME`
    candidates ranked by weight. ``documents`` is every document seen; ``unthemed`` those that
    joined no theme; ``fitted_on`` the size of the sample the model was fitted on.
    """

    themes: tuple[ThemeDef, ...]
    counts: tuple[tuple[tuple[str, str, str, str], int], ...]
    candidates: Mapping[str, tuple[QuoteCandidate, ...]]
    documents: int
    unthemed: int
    fitted_on: int

    def theme(self, theme_id: str) -> ThemeDef | None:
        """The theme with this id, if any."""
        return next((theme for theme in self.themes if theme.id == theme_id), None)


def empty_model(documents: int = 0) -> ThemeModel:
    """A model with no themes (too few documents, or none fitted yet)."""
    return ThemeModel(
        themes=(),
        counts=(),
        candidates=MappingProxyType({}),
        documents=documents,
        unthemed=documents,
        fitted_on=0,
    )


def recommendation_texts(pack: Pack) -> tuple[RecommendationText, ...]:
    """The pack's recommendations as text: title, text, bullets and the learning they answer.

    The learning titles add the words practitioners actually use ("information sharing",
    "domestic abuse") to recommendations whose own title is only a number.
    """
    return tuple(
        RecommendationText(
            number=recommendation.number,
            title=recommendation.title,
            text=" ".join(
                (
                    recommendation.title,
                    recommendation.text,
                    *recommendation.bullets,
                    *(learning.title for learning in recommendation.learning),
                )
            ),
        )
        for recommendation in pack.recommendations
    )


def theme_count(documents: int, *, k: int, max_themes: int = 8) -> int:
    """How many themes to fit: none below ``2 * k`` documents, then about sqrt(documents / k).

    Deterministic from the corpus size alone. A theme can only be shown with at least ``k``
    reflections, so there are never more themes than ``documents // k``; the square root keeps
    a few hundred reflections to a handful of themes and stops at ``max_themes``.
    """
    if k < 1 or documents < 2 * k:
        return 0
    return max(0, min(max_themes, documents // k, max(2, math.isqrt(documents // k))))


def _prepare(text: str) -> str:
    """Lower-case text with the anonymiser's placeholders removed as whole tokens."""
    return _PLACEHOLDER.sub(" ", text).lower()


def _vectorizer(documents: int) -> Any:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    # A term must recur: in 2 documents of a small corpus, 1 in 2,000 of a large one.
    min_df = max(2, documents // 2_000)
    return TfidfVectorizer(
        preprocessor=_prepare,
        token_pattern=_TOKEN_PATTERN,
        stop_words=sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS),
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=min_df,
        max_df=MAX_DF,
        max_features=MAX_FEATURES,
    )


def _sample(docs: Sequence[ThemeDoc], limit: int) -> Sequence[ThemeDoc]:
    """At most ``limit`` documents, chosen by a hash of their id (splitmix64).

    Not every n-th document: reflections arrive in cycles (a group answers point 1, 2, 3, 4 in
    turn), and a stride can alias with such a cycle and sample a single point. A fixed hash of
    the id is as deterministic and as independent of arrival order, without the aliasing.
    """
    if len(docs) <= limit:
        return docs
    import numpy

    mixed = numpy.array([doc.id for doc in docs], dtype=numpy.uint64)
    mixed += numpy.uint64(0x9E3779B97F4A7C15)
    mixed = (mixed ^ (mixed >> numpy.uint64(30))) * numpy.uint64(0xBF58476D1CE4E5B9)
    mixed = (mixed ^ (mixed >> numpy.uint64(27))) * numpy.uint64(0x94D049BB133111EB)
    mixed ^= mixed >> numpy.uint64(31)
    chosen = numpy.sort(numpy.argsort(mixed, kind="stable")[:limit])
    return [docs[index] for index in chosen.tolist()]


@dataclass(frozen=True)
class _Fitted:
    vectorizer: Any
    nmf: Any
    terms: Any  # numpy array of feature names
    components: Any  # H, themes x terms
    norms: Any  # per theme, the norm of its row of H


def _fit(sample: Sequence[ThemeDoc], themes: int) -> _Fitted | None:
    import numpy
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    vectorizer = _vectorizer(len(sample))
    try:
        matrix = vectorizer.fit_transform([doc.text for doc in sample])
    except ValueError:  # no term left after pruning: nothing recurs, so there is no theme
        return None
    themes = min(themes, matrix.shape[0], matrix.shape[1])
    if themes < 1:
        return None
    nmf = NMF(n_components=themes, init="nndsvd", random_state=0, max_iter=400)
    with warnings.catch_warnings():
        # An NMF that stops at max_iter is still a usable, deterministic factorisation.
        warnings.simplefilter("ignore", ConvergenceWarning)
        nmf.fit(matrix)
    components = nmf.components_
    return _Fitted(
        vectorizer=vectorizer,
        nmf=nmf,
        terms=vectorizer.get_feature_names_out(),
        components=components,
        norms=numpy.linalg.norm(components, axis=1),
    )


@dataclass
class _Assignment:
    """Each document's theme (component index, or -1 for none) and weight."""

    component: list[int]
    weight: list[float]


def _assign(fitted: _Fitted, docs: Sequence[ThemeDoc]) -> _Assignment:
    """Every document's dominant component, in batches so memory stays bounded."""
    import numpy
    from sklearn.exceptions import ConvergenceWarning

    component: list[int] = []
    weight: list[float] = []
    for start in range(0, len(docs), BATCH_SIZE):
        batch = docs[start : start + BATCH_SIZE]
        matrix = fitted.vectorizer.transform([doc.text for doc in batch])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            loadings = fitted.nmf.transform(matrix) * fitted.norms
        best = numpy.argmax(loadings, axis=1)
        strength = loadings[numpy.arange(len(batch)), best]
        for index, value in zip(best.tolist(), strength.tolist(), strict=True):
            strong = value >= MIN_WEIGHT
            component.append(index if strong else -1)
            weight.append(round(value, 6) if strong else 0.0)
    return _Assignment(component=component, weight=weight)


def _top_terms(fitted: _Fitted, index: int, count: int) -> tuple[str, ...]:
    """The theme's strongest terms, each word said once.

    A pair replaces the single words it contains ("information", then "information sharing",
    gives "information sharing"); a single word inside a chosen pair, or a pair sharing a word
    with a chosen pair, is skipped, so a label never reads "procedures · procedures manual".
    """
    row = fitted.components[index]
    order = sorted(range(len(row)), key=lambda term: (-row[term], fitted.terms[term]))
    chosen: list[str] = []
    for term_index in order:
        if row[term_index] <= 0 or len(chosen) == count:
            break
        _add_term(chosen, str(fitted.terms[term_index]))
    return tuple(chosen)


def _add_term(chosen: list[str], term: str) -> None:
    parts = term.split()
    pairs = [other for other in chosen if " " in other]
    if any(part in other.split() for other in pairs for part in parts):
        return
    singles = [other for other in chosen if other in parts]
    if not singles:
        chosen.append(term)
        return
    chosen[chosen.index(singles[0])] = term
    for other in singles[1:]:
        chosen.remove(other)


def _match(
    fitted: _Fitted, recommendations: Sequence[RecommendationText]
) -> list[RecommendationMatch | None]:
    """Per component, the recommendation with the highest cosine similarity, or None."""
    if not recommendations:
        return [None] * len(fitted.components)
    from sklearn.metrics.pairwise import cosine_similarity

    matrix = fitted.vectorizer.transform([item.text for item in recommendations])
    scores = cosine_similarity(fitted.components, matrix)
    matches: list[RecommendationMatch | None] = []
    for row in scores:
        best = max(range(len(recommendations)), key=lambda r: (round(float(row[r]), 6), -r))
        score = round(float(row[best]), 4)
        item = recommendations[best]
        matches.append(
            RecommendationMatch(number=item.number, title=item.title, score=score)
            if score >= MIN_MATCH
            else None
        )
    return matches


def fit_themes(
    docs: Iterable[ThemeDoc],
    recommendations: Sequence[RecommendationText],
    *,
    k: int,
    max_themes: int = 8,
    sample_limit: int = 20_000,
) -> ThemeModel:
    """Fit themes to one corpus (one pack version, one scope) and assign every document.

    Args:
        docs: Anonymised reflections; their order does not matter (sorted by id here).
        recommendations: The pack's recommendations (:func:`recommendation_texts`).
        k: The disclosure threshold: fewer than ``2 * k`` documents give no themes.
        max_themes: The most themes to fit.
        sample_limit: Fit on at most this many documents (chosen by a hash of the id).

    Returns:
        The :class:`ThemeModel`; empty (no themes) when the corpus is too small or nothing
        in it recurs.
    """
    ordered = sorted(docs, key=lambda doc: doc.id)
    themes = theme_count(len(ordered), k=k, max_themes=max_themes)
    if themes == 0:
        return empty_model(len(ordered))
    sample = _sample(ordered, sample_limit)
    fitted = _fit(sample, themes)
    if fitted is None:
        return empty_model(len(ordered))
    assignment = _assign(fitted, ordered)
    return _model(fitted, ordered, assignment, recommendations, fitted_on=len(sample))


def _model(
    fitted: _Fitted,
    docs: Sequence[ThemeDoc],
    assignment: _Assignment,
    recommendations: Sequence[RecommendationText],
    *,
    fitted_on: int,
) -> ThemeModel:
    """Number the components that won documents t1, t2... by size and collect their counts."""
    sizes = Counter(index for index in assignment.component if index >= 0)
    terms = {index: _top_terms(fitted, index, TERMS_PER_THEME) for index in sizes}
    order = sorted(sizes, key=lambda index: (-sizes[index], terms[index], index))
    ids = {index: f"t{rank}" for rank, index in enumerate(order, start=1)}
    matches = _match(fitted, recommendations)
    themes = tuple(
        ThemeDef(
            id=ids[index],
            label=" · ".join(terms[index][:LABEL_TERMS]),
            terms=terms[index],
            recommendation=matches[index],
        )
        for index in order
    )
    counts: Counter[tuple[str, str, str, str]] = Counter()
    ranked: dict[str, list[QuoteCandidate]] = {ids[index]: [] for index in order}
    for doc, index, weight in zip(docs, assignment.component, assignment.weight, strict=True):
        if index < 0:
            continue
        theme_id = ids[index]
        counts[(doc.iso_week, doc.agency, doc.team, theme_id)] += 1
        ranked[theme_id].append(QuoteCandidate(doc.id, doc.iso_week, doc.agency, doc.team, weight))
    candidates = {
        theme_id: tuple(sorted(items, key=lambda c: (-c.weight, c.doc_id))[:CANDIDATES_PER_THEME])
        for theme_id, items in ranked.items()
    }
    return ThemeModel(
        themes=themes,
        counts=tuple(sorted(counts.items())),
        candidates=MappingProxyType(candidates),
        documents=len(docs),
        unthemed=len(docs) - sum(sizes.values()),
        fitted_on=fitted_on,
    )


# --- quotes -------------------------------------------------------------------------------

#: A quote is cut at a word boundary near this many characters, with an ellipsis.
QUOTE_CHARS = 280
#: Two quotes sharing this share of their words (Jaccard) say the same thing: keep the first.
NEAR_DUPLICATE = 0.7
#: A quote needs this many words of its own, and placeholders may be at most this share of
#: its words: "[NAME 1] and [NAME 2] at [PLACE 1]" says nothing a lead can use.
MIN_QUOTE_WORDS = 5
MAX_PLACEHOLDER_SHARE = 0.25


def _trim(text: str, limit: int = QUOTE_CHARS) -> str:
    """The text on one line, cut at the last word boundary before ``limit`` with "…"."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if not flat[limit - 1].isspace():
        space = cut.rfind(" ")
        if space > limit // 2:  # else one very long word: cut inside it
            cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def _mostly_placeholders(text: str) -> bool:
    placeholders = len(_PLACEHOLDER.findall(text))
    words = len(_WORD.findall(_PLACEHOLDER.sub(" ", text)))
    if words < MIN_QUOTE_WORDS:
        return True
    return placeholders > MAX_PLACEHOLDER_SHARE * (placeholders + words)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _WORD.findall(_PLACEHOLDER.sub(" ", text)))


def _near_duplicate(words: frozenset[str], chosen: list[frozenset[str]]) -> bool:
    for other in chosen:
        union = len(words | other)
        if union and len(words & other) / union >= NEAR_DUPLICATE:
            return True
    return False


def choose_quotes(
    texts: Iterable[str], *, anonymise: Callable[[str], str], limit: int = 3
) -> tuple[str, ...]:
    """Up to ``limit`` quotes from ``texts``, which the caller has already cleared for release.

    Read in order and lazily (a generator stops being read once ``limit`` are chosen). Each
    text is anonymised again with ``anonymise``, then skipped when it is mostly placeholders or
    nearly repeats a quote already chosen; the rest are trimmed to one line. Shared by the
    themes' quotes and the impact view's (bot.portal.dashboard), so both follow one rule.
    """
    chosen: list[str] = []
    seen: list[frozenset[str]] = []
    for raw in texts:
        if len(chosen) >= limit:
            break
        text = anonymise(raw)
        if _mostly_placeholders(text):
            continue
        words = _word_set(text)
        if _near_duplicate(words, seen):
            continue
        chosen.append(_trim(text))
        seen.append(words)
    return tuple(chosen)


def select_quotes(
    model: ThemeModel,
    theme_id: str,
    *,
    is_safe: Callable[[str, str, str], bool],
    texts: Mapping[int, str],
    anonymise: Callable[[str], str],
    limit: int = 3,
) -> tuple[str, ...]:
    """Up to ``limit`` representative quotes for a theme, only from atoms the engine released.

    Candidates are taken best first; one is skipped when its (iso_week, agency, team) atom is
    not safe, when its text is missing, when it is mostly placeholders, or when it nearly
    repeats a quote already chosen. Each text is anonymised again with ``anonymise`` (the
    current anonymiser, e.g. ``lambda text: bot.anonymise.anonymise(text).text``), so an
    identifier a later anonymiser catches never reaches the lead. A quote is plain text: no
    agency, week or team travels with it.
    """

    def cleared() -> Iterator[str]:
        for candidate in model.candidates.get(theme_id, ()):
            if not is_safe(candidate.iso_week, candidate.agency, candidate.team):
                continue
            raw = texts.get(candidate.doc_id)
            if raw is not None:
                yield raw

    return choose_quotes(cleared(), anonymise=anonymise, limit=limit)


# --- cache --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeCacheKey:
    """What a fitted model depends on.

    ``data_version`` is whatever changes when the reflections do (e.g. the count and the
    highest id in scope); ``scope`` is the account's bot.portal.model.Scope (hashable).
    """

    pack_id: str
    pack_version: str
    scope: Hashable
    data_version: Hashable


class ThemeCache:
    """Fitted models kept in this process, so a dashboard request refits only on new data.

    Thread-safe: a request that finds another thread fitting the same key waits for that fit
    rather than starting its own. At most ``max_entries`` models are kept, least recently used
    dropped first; an old data version of a key is dropped as soon as a new one is fitted.
    """

    def __init__(self, *, max_entries: int = 32) -> None:
        self._max_entries = max_entries
        self._models: OrderedDict[ThemeCacheKey, ThemeModel] = OrderedDict()
        self._lock = threading.Lock()
        self._fitting: dict[ThemeCacheKey, threading.Lock] = {}

    def get(self, key: ThemeCacheKey, fit: Callable[[], ThemeModel]) -> ThemeModel:
        """The model for ``key``, calling ``fit`` only when it is not cached yet."""
        with self._lock:
            cached = self._cached(key)
            if cached is not None:
                return cached
            key_lock = self._fitting.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                cached = self._cached(key)
                if cached is not None:
                    return cached
            try:
                model = fit()
                with self._lock:
                    self._store(key, model)
            finally:
                with self._lock:
                    self._fitting.pop(key, None)
            return model

    def has(self, key: ThemeCacheKey) -> bool:
        """Whether a model for ``key`` is cached (so :meth:`get` would not fit)."""
        with self._lock:
            return key in self._models

    def clear(self) -> None:
        """Forget every model (e.g. after a purge)."""
        with self._lock:
            self._models.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._models)

    def _cached(self, key: ThemeCacheKey) -> ThemeModel | None:
        model = self._models.get(key)
        if model is not None:
            self._models.move_to_end(key)
        return model

    def _store(self, key: ThemeCacheKey, model: ThemeModel) -> None:
        stale = [
            other
            for other in self._models
            if (other.pack_id, other.pack_version, other.scope)
            == (key.pack_id, key.pack_version, key.scope)
        ]
        for other in stale:
            del self._models[other]
        self._models[key] = model
        while len(self._models) > self._max_entries:
            self._models.popitem(last=False)
