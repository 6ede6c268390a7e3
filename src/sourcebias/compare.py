"""Compare outlets: distinctive vocabulary (keyness), similarity and attribution.

Every function takes the tidy tables of :mod:`sourcebias.tables` and returns a
tidy :class:`pandas.DataFrame` (or, for :func:`attribution`, a small result
object of DataFrames).

Text is tokenised once per call with scikit-learn's ``CountVectorizer``. The
keyness counts (:func:`term_counts`) use :class:`sourcebias._tokens.Tokenizer`:
folded as the lexicons fold ("Guaidó" = "Guaido"), abbreviations whole
("u.s.", "fbi"), no numbers or single letters, and house style (honorifics,
outlets' own names) left out unless ``house_style=False``. Similarity and
attribution use :data:`sourcebias.tables.WORD_PATTERN` (so "self-proclaimed" and
"Guaidó's" are one token each), lower-cased. No frequency cut-off unless asked.
By default only the outlet's own voice is counted: the narrator spans of the
``voice`` table, with quotations cut out (see ``voice_filter``).
Each kept stretch of text is its own tokenisation unit, so an n-gram never
bridges a cut-out quotation. Articles whose ``duplicate_of`` is set are left out
unless ``include_duplicates=True``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from sourcebias import _keyness
from sourcebias._tokens import Tokenizer
from sourcebias._tokens import house_style as _house_style
from sourcebias.tables import WORD_PATTERN

MEASURES = ("chi2", "lr", "pmi", "logodds")
VARIANCES = ("two-term", "four-term")

#: Which spans of the ``voice`` table each ``voice_filter`` keeps.
VOICE_FILTERS = ("narrator", "narrator+scare", "quote", None)

KEYNESS_COLUMNS = (
    "term", "statistic", "p", "p_adjusted", "n_target", "n_reference", "log_ratio",
    "measure", "correction",
)

#: Pairs of candidate articles verified at once by :func:`near_duplicates`.
_PAIR_CHUNK = 20_000
#: Rows of the prefix matrix multiplied at once by :func:`near_duplicates`.
_ROW_BLOCK = 2_000


# --------------------------------------------------------------------------- checks


def _require(table: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"{name} table lacks column(s) {', '.join(missing)}; it has {', '.join(table.columns)}"
        )


def _first_bad(table: pd.DataFrame, bad: np.ndarray, name: str, what: str) -> None:
    """Raise naming the first flagged row (0-based position) and how many there are."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        more = f" ({int(bad.sum())} rows like it)" if bad.sum() > 1 else ""
        doc = f" (doc_id {table['doc_id'].iloc[row]!r})" if "doc_id" in table.columns else ""
        raise ValueError(f"{name} row {row}{doc}{more} {what}")


def _choice(value, options: Iterable, name: str):
    options = tuple(options)
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def _as_list(value) -> list:
    """A group name (str, number) or a list of them, as a list."""
    return [value] if isinstance(value, str) or not isinstance(value, Iterable) else list(value)


# --------------------------------------------------------------------------- keyness


def keyness(
    counts: pd.DataFrame,
    *,
    target: str | Iterable[str],
    reference: str | Iterable[str] | None = None,
    measure: str = "chi2",
    correction: str = "default",
    prior: float | str = 0.01,
    prior_scale: float | None = None,
    variance: str = "two-term",
    min_count: int = 0,
) -> pd.DataFrame:
    """Score how much more (or less) often each term occurs in a target group.

    For every term, the 2x2 table of its count and the count of all other
    words in the target (``a``, ``c``) and in the reference (``b``, ``d``),
    ``N = a + b + c + d``, is scored with one of these measures:

    ``"chi2"``
        Pearson's chi-squared, ``N (|ad - bc| - s)^2 / ((a+b)(c+d)(a+c)(b+d))``,
        signed positive when the target count ``a`` exceeds its expected
        value ``(a+b)(a+c)/N`` (as quanteda's ``textstat_keyness``). The shift
        ``s`` is set by ``correction``:

        - ``"default"``: quanteda's conditional Yates correction, ``s = N/2``
          only when some expected count is below 5 and ``|ad - bc| >= N/2``,
          else 0 (quanteda.textstats ``src/keyness.cpp``, ``yates_correction``;
          matched on quanteda's own test table, 2.632438);
        - ``"yates"``: Yates (1934) always, ``max(|ad - bc| - N/2, 0)`` as R's
          ``chisq.test(correct = TRUE)``;
        - ``"williams"``: the uncorrected statistic divided by Williams' (1976)
          ``q = 1 + (N/(a+b) + N/(c+d) - 1)(N/(a+c) + N/(b+d) - 1) / (6N)``,
          ``q = 1`` when a cell is 0 (quanteda's rule). quanteda.textstats'
          C++ code multiplies by ``q`` instead; quanteda's earlier R code and
          Williams divide, as here;
        - ``"none"``: ``s = 0``.

    ``"lr"``
        The likelihood-ratio statistic ``G2 = 2 sum_cells O ln(O/E + 1e-9)``
        (Dunning 1993), signed as ``chi2``; the ``1e-9`` is quanteda's.
        ``"default"`` first moves each cell 0.5 toward independence under the
        same condition as the chi-squared ``"default"`` (quanteda.textstats
        ``lr_lambda``; its docs call this Williams, its code shifts cells);
        ``"williams"`` divides the uncorrected ``G2`` by ``q``; ``"none"``.

    ``"pmi"``
        Pointwise mutual information as quanteda computes it,
        ``ln(a / E + 1e-9)`` with ``E = (a+b)(a+c)/N``, natural log. It is not
        a test statistic, so ``p`` is empty (quanteda reads it as a
        chi-squared value, which has no meaning).

    ``"logodds"``
        Monroe, Colaresi & Quinn (2008, "Fightin' Words", *Political
        Analysis* 16(4)) log-odds ratio with a Dirichlet prior, as a z-score:
        ``delta = ln((a+al)/(nt+a0-a-al)) - ln((b+al)/(nr+a0-b-al))`` (their
        eq. 16, ``al`` the term's pseudo-count, ``a0`` their sum over the
        terms compared) over the square root of ``1/(a+al) + 1/(b+al)``
        (eq. 20, ``variance="two-term"``) or, with ``"four-term"``, of that
        plus ``1/(nt+a0-a-al) + 1/(nr+a0-b-al)``.

    ``p`` is the upper tail of chi-squared with 1 df at ``|statistic|`` for
    chi2 and lr, and the two-sided normal tail for logodds; ``p_adjusted`` is
    Benjamini-Hochberg over the terms in the table
    (:func:`scipy.stats.false_discovery_control`).

    ``log_ratio`` is Hardie's (2014) Log Ratio, the binary log of the ratio of
    relative frequencies, ``log2((a/nt) / (b/nr))``, with a zero count read as
    0.5 (Hardie's rule); +1 means twice as frequent in the target.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with ``group``, ``term`` and ``count`` (see
        :func:`term_counts`); a missing (group, term) row means 0, repeated
        rows are added up.
    target : str or list of str
        The group(s) whose vocabulary is scored, pooled.
    reference : str, list of str or None
        The group(s) to compare with, pooled; None means every other group.
    measure : {"chi2", "lr", "pmi", "logodds"}
    correction : str
        ``"default"``, ``"none"``, ``"yates"`` (chi2 only) or ``"williams"``
        (chi2 and lr); pmi and logodds take ``"default"`` or ``"none"``, which
        are the same.
    prior : float or "corpus"
        logodds only: the pseudo-count ``al`` of every term (uniform prior), or
        ``"corpus"`` for Monroe et al.'s informative prior, ``al = a0 * pi``
        with ``pi`` the term's share of all groups in ``counts``.
    prior_scale : float, optional
        ``a0`` of the corpus prior; by default 0.01 times the number of terms
        compared (the same total as the default uniform prior).
    variance : {"two-term", "four-term"}
        logodds only, see above.
    min_count : int
        Leave out terms with fewer occurrences in target and reference
        together. Statistics of the other terms do not change (totals include
        every term), but the Benjamini-Hochberg family is only the terms kept.
        ``result.attrs["dropped"]`` says how many terms were left out.

    Returns
    -------
    pandas.DataFrame
        One row per term that occurs in the target or the reference, sorted by
        ``statistic`` (largest first, then ``term``), with ``term``,
        ``statistic``, ``p``, ``p_adjusted``, ``n_target``, ``n_reference``,
        ``log_ratio``, and ``measure`` and ``correction`` naming the exact
        variant. Terms that occur only in groups outside the comparison are
        not part of it.

    Examples
    --------
    >>> counts = pd.DataFrame({"group": ["t", "t", "r", "r"], "term": ["b", "a", "b", "a"],
    ...                        "count": [7, 3, 2, 7]})
    >>> keyness(counts, target="t")[["term", "statistic"]].round(6).values.tolist()
    [['b', 2.632438], ['a', -2.632438]]
    """
    _check_keyness_options(measure, correction, prior, prior_scale, variance, min_count)
    table = _CountTable.of(counts)
    targets, references = table.sides(target, reference)
    return _score(table, targets, references, measure=measure, correction=correction,
                  prior=prior, prior_scale=prior_scale, variance=variance, min_count=min_count)


def keyness_pairwise(
    counts: pd.DataFrame,
    *,
    target: str | Iterable[str],
    measure: str = "chi2",
    correction: str = "default",
    prior: float | str = 0.01,
    prior_scale: float | None = None,
    variance: str = "two-term",
    min_count: int = 0,
) -> pd.DataFrame:
    """Compare the target with each other group on its own.

    Each comparison is :func:`keyness` with that group as reference (same
    options); Benjamini-Hochberg adjustment is within each comparison.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy ``group``, ``term``, ``count`` table.
    target : str or list of str
        The group(s) scored, pooled.
    measure, correction, prior, prior_scale, variance, min_count
        As in :func:`keyness`.

    Returns
    -------
    pandas.DataFrame
        The :func:`keyness` columns with ``reference`` first, one block of
        rows per other group (in sorted order).
    """
    _check_keyness_options(measure, correction, prior, prior_scale, variance, min_count)
    table = _CountTable.of(counts)
    targets, others = table.sides(target, None)
    blocks = [
        _score(table, targets, [other], measure=measure, correction=correction, prior=prior,
               prior_scale=prior_scale, variance=variance, min_count=min_count)
        .assign(reference=other)
        for other in others
    ]
    return pd.concat(blocks, ignore_index=True)[["reference", *KEYNESS_COLUMNS]]


def _check_keyness_options(measure, correction, prior, prior_scale, variance, min_count) -> None:
    _choice(measure, MEASURES, "measure")
    allowed = _keyness.CORRECTIONS[measure]
    if correction not in allowed:
        raise ValueError(
            f"correction {correction!r} does not apply to measure {measure!r}; "
            f"use one of {', '.join(map(repr, allowed))}"
        )
    _choice(variance, VARIANCES, "variance")
    if not (prior == "corpus" or (isinstance(prior, int | float) and prior > 0)):
        raise ValueError(f"prior must be a positive pseudo-count or 'corpus', got {prior!r}")
    if prior_scale is not None and not prior_scale > 0:
        raise ValueError(f"prior_scale must be positive, got {prior_scale!r}")
    if min_count < 0:
        raise ValueError(f"min_count must be 0 or more, got {min_count!r}")


@dataclass(frozen=True)
class _CountTable:
    """Tidy counts as a groups x terms matrix, built once per call."""

    groups: np.ndarray
    terms: np.ndarray
    matrix: sp.csr_matrix

    @classmethod
    def of(cls, counts: pd.DataFrame) -> _CountTable:
        _require(counts, "counts", ("group", "term", "count"))
        values = pd.to_numeric(counts["count"], errors="coerce").to_numpy(dtype="float64")
        _first_bad(counts, np.isnan(values), "counts", "has no numeric count: give a count >= 0")
        _first_bad(counts, values < 0, "counts", "has a negative count: counts must be >= 0")
        _first_bad(counts, counts["term"].isna().to_numpy(), "counts", "has no term")
        _first_bad(counts, counts["group"].isna().to_numpy(), "counts", "has no group")
        group_codes, groups = pd.factorize(counts["group"], sort=True)
        term_codes, terms = pd.factorize(counts["term"], sort=True)
        matrix = sp.csr_matrix((values, (group_codes, term_codes)),
                               shape=(len(groups), len(terms)))  # repeated rows add up
        return cls(np.asarray(groups, dtype=object), np.asarray(terms, dtype=object), matrix)

    def sides(self, target, reference) -> tuple[list[str], list[str]]:
        """The target and reference group names, checked; None means all other groups."""
        known = set(self.groups)
        targets = _as_list(target)
        self._check_known(targets, "target")
        if reference is None:
            references = [g for g in self.groups if g not in set(targets)]
        else:
            references = _as_list(reference)
            self._check_known(references, "reference")
            overlap = sorted(set(references) & set(targets))
            if overlap:
                raise ValueError(f"group(s) {', '.join(map(repr, overlap))} are both target "
                                 "and reference")
        if not references:
            raise ValueError(f"no reference group: counts has no group besides the target "
                             f"({', '.join(map(repr, sorted(known)))})")
        return targets, references

    def _check_known(self, names: list[str], side: str) -> None:
        unknown = [g for g in names if g not in set(self.groups)]
        if unknown:
            raise ValueError(
                f"{side} group(s) {', '.join(map(repr, unknown))} not in counts; "
                f"its groups are {', '.join(map(repr, self.groups))}"
            )

    def total(self, names: list[str]) -> np.ndarray:
        """Each term's count summed over the named groups."""
        rows = pd.Index(self.groups).get_indexer(names)
        return np.asarray(self.matrix[rows].sum(axis=0)).ravel()


def _score(table: _CountTable, targets: list[str], references: list[str], *, measure: str,
           correction: str, prior, prior_scale, variance: str, min_count: int) -> pd.DataFrame:
    """The keyness table of one comparison (see :func:`keyness`)."""
    a, b = table.total(targets), table.total(references)
    n_target, n_reference = float(a.sum()), float(b.sum())
    if n_target == 0 or n_reference == 0:
        empty_side = "target" if n_target == 0 else "reference"
        raise ValueError(f"the {empty_side} group(s) have no words in counts: nothing to compare")
    compared = (a + b) > 0
    everywhere = np.asarray(table.matrix.sum(axis=0)).ravel()[compared]
    terms, a, b = table.terms[compared], a[compared], b[compared]
    alpha, a0 = _logodds_prior(prior, prior_scale, everywhere)
    statistic = _statistic(measure, correction, a, b, n_target, n_reference, alpha, variance)
    result = pd.DataFrame({
        "term": terms,
        "statistic": statistic,
        "p": _keyness.p_value(statistic, measure),
        "n_target": _whole(a),
        "n_reference": _whole(b),
        "log_ratio": _keyness.hardie_log_ratio(a, b, n_target, n_reference),
        "measure": _measure_label(measure, prior, a0, variance),
        "correction": _keyness.correction_label(measure, correction),
    })
    kept = (a + b) >= min_count
    result = result[kept].reset_index(drop=True)
    result.insert(3, "p_adjusted", _keyness.benjamini_hochberg(result["p"].to_numpy()))
    result = result.sort_values(
        ["statistic", "term"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)
    result.attrs["dropped"] = (
        f"min_count={min_count} left out {int((~kept).sum())} of {len(kept)} terms"
        if min_count > 0 else "no term left out"
    )
    return result


def _logodds_prior(prior, prior_scale, everywhere: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-term pseudo-counts and their sum ``a0``."""
    if prior == "corpus":
        a0 = prior_scale if prior_scale is not None else 0.01 * len(everywhere)
        alpha = a0 * everywhere / everywhere.sum()
    else:
        alpha = np.full(len(everywhere), float(prior))
    return alpha, float(alpha.sum())


def _statistic(measure, correction, a, b, n_target, n_reference, alpha, variance) -> np.ndarray:
    if measure == "chi2":
        return _keyness.chi2_signed(a, b, n_target, n_reference, correction=correction)
    if measure == "lr":
        return _keyness.g2_signed(a, b, n_target, n_reference, correction=correction)
    if measure == "pmi":
        return _keyness.pmi(a, b, n_target, n_reference)
    return _keyness.logodds_z(a, b, n_target, n_reference, alpha=alpha, variance=variance)


def _measure_label(measure: str, prior, a0: float, variance: str) -> str:
    if measure == "chi2":
        return "Pearson chi2, signed"
    if measure == "lr":
        return "log-likelihood G2, signed"
    if measure == "pmi":
        return "PMI ln(a/E) (quanteda)"
    kind = f"uniform prior {prior:g}" if prior != "corpus" else f"corpus prior a0={a0:.4g}"
    return f"Monroe et al. 2008 log-odds z, {kind}, {variance} variance"


def _whole(values: np.ndarray) -> np.ndarray:
    """Counts as int64 when they are whole numbers, else as they are."""
    return values.astype("int64") if np.all(values == np.round(values)) else values


# --------------------------------------------------------------------------- counts


def term_counts(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    by: str = "outlet",
    voice_filter: str | None = "narrator",
    include_titles: bool = True,
    ngram_range: tuple[int, int] = (1, 1),
    include_duplicates: bool = False,
    stop_words: str | list[str] | None = None,
    house_style: bool = True,
) -> pd.DataFrame:
    """Count every term in each group's text (the input of :func:`keyness`).

    The articles are tokenised once into a document-term matrix, whose rows are
    summed per group with one sparse product.

    Parameters
    ----------
    articles : pandas.DataFrame
        ``doc_id``, ``text``, ``duplicate_of`` and the ``by`` column.
    sentences : pandas.DataFrame
        The ``sentences`` table (used to cut headlines when
        ``include_titles=False``).
    voice : pandas.DataFrame
        The ``voice`` table; its spans must cover every article counted.
    by : str
        The articles column that names the groups (``outlet``, ``outlet_group``).
    voice_filter : {"narrator", "narrator+scare", "quote", None}
        Which text is counted: ``"narrator"`` the narrator spans only (the
        outlet's own voice); ``"narrator+scare"`` also scare-quoted labels
        (``scare=True`` quote spans, with their marks); ``"quote"`` quoted
        speech only (no scare quotes); None the whole text.
    include_titles : bool
        Count headline sentences (``is_title``) too.
    ngram_range : (int, int)
        Smallest and largest n-gram length, as in ``CountVectorizer``.
    include_duplicates : bool
        Count articles whose ``duplicate_of`` is set too.
    stop_words : "english", list of str or None
        Further words not counted: scikit-learn's English stop words, or the words.
    house_style : bool
        Leave out honorifics and the outlets' own names (see
        :func:`sourcebias._tokens.house_style`; its ``caption()`` says what).

    Returns
    -------
    pandas.DataFrame
        ``group``, ``term``, ``count`` (int64), one row per group and term that
        occurs in it, ordered by group and term.
    """
    kept = _kept_articles(articles, by=by, include_duplicates=include_duplicates)
    tokenizer = _house_style(kept, ngram_range=ngram_range, stop_words=stop_words, on=house_style)
    matrix, terms = _document_terms(
        kept, sentences=sentences, voice=voice, voice_filter=voice_filter,
        include_titles=include_titles, tokenizer=tokenizer,
    )
    groups, per_group = _group_sums(kept[by], matrix)
    cells = per_group.tocoo()
    return pd.DataFrame({
        "group": groups[cells.row],
        "term": terms[cells.col],
        "count": cells.data.astype("int64"),
    })


def keyness_table(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    target: str | Iterable[str],
    reference: str | Iterable[str] | None = None,
    by: str = "outlet",
    measure: str = "chi2",
    correction: str = "default",
    prior: float | str = 0.01,
    prior_scale: float | None = None,
    variance: str = "two-term",
    min_count: int = 0,
    voice_filter: str | None = "narrator",
    include_titles: bool = True,
    ngram_range: tuple[int, int] = (1, 1),
    include_duplicates: bool = False,
    stop_words: str | list[str] | None = None,
    house_style: bool = True,
) -> pd.DataFrame:
    """:func:`term_counts` then :func:`keyness`, in one call.

    Parameters
    ----------
    articles, sentences, voice, by, voice_filter, include_titles, ngram_range, \
include_duplicates, stop_words, house_style
        As in :func:`term_counts`.
    target, reference, measure, correction, prior, prior_scale, variance, min_count
        As in :func:`keyness`.

    Returns
    -------
    pandas.DataFrame
        The :func:`keyness` table.

    Examples
    --------
    >>> from sourcebias.batch import read_batch
    >>> from sourcebias.segment import segment
    >>> articles = read_batch("data/batches/seed").articles  # doctest: +SKIP
    >>> sentences, voice = segment(articles)  # doctest: +SKIP
    >>> keyness_table(articles, sentences=sentences, voice=voice,
    ...               target="Sputnik", measure="logodds").head()  # doctest: +SKIP
    """
    counts = term_counts(
        articles, sentences=sentences, voice=voice, by=by, voice_filter=voice_filter,
        include_titles=include_titles, ngram_range=ngram_range,
        include_duplicates=include_duplicates, stop_words=stop_words, house_style=house_style,
    )
    return keyness(
        counts, target=target, reference=reference, measure=measure, correction=correction,
        prior=prior, prior_scale=prior_scale, variance=variance, min_count=min_count,
    )


def _kept_articles(articles: pd.DataFrame, *, by: str, include_duplicates: bool) -> pd.DataFrame:
    """The articles to count, in batch order, after checking ids, text and groups."""
    _require(articles, "articles", ("doc_id", "text", "duplicate_of", by))
    _first_bad(articles, articles["doc_id"].duplicated().to_numpy(), "articles",
               "repeats a doc_id: doc_id must be unique in a batch")
    _first_bad(articles, articles[by].isna().to_numpy(), "articles",
               f"has no {by}: fill it in the manifest or input table")
    _first_bad(articles, articles["text"].isna().to_numpy(), "articles",
               "has no text: read the batch with sourcebias.batch.read_batch")
    kept = articles if include_duplicates else articles[articles["duplicate_of"].isna()]
    return kept.reset_index(drop=True)


def _document_terms(
    articles: pd.DataFrame, *, sentences: pd.DataFrame, voice: pd.DataFrame,
    voice_filter: str | None, include_titles: bool, ngram_range: tuple[int, int] = (1, 1),
    stop_words: str | list[str] | None = None, min_df: int = 1,
    tokenizer: Tokenizer | None = None,
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Articles x terms count matrix (rows in ``articles`` order) and the sorted terms.

    With a ``tokenizer`` the pieces are prepared by it (folded, dropped words marked)
    and it makes the terms; ``ngram_range`` and ``stop_words`` are then its own.
    """
    spans = _kept_spans(articles, sentences=sentences, voice=voice,
                        voice_filter=voice_filter, include_titles=include_titles)
    texts = articles["text"].to_numpy(dtype=object)
    row = spans["row"].to_numpy()
    pieces = [
        texts[r][s:e] for r, s, e in zip(row, spans["start"].to_numpy(), spans["end"].to_numpy(),
                                         strict=True)
    ]
    if tokenizer is None:
        vectorizer = CountVectorizer(
            token_pattern=WORD_PATTERN, lowercase=True, ngram_range=ngram_range,
            stop_words=stop_words, min_df=min_df, dtype=np.int64,
        )
    else:
        pieces = tokenizer.prepare(pieces)
        vectorizer = CountVectorizer(analyzer=tokenizer, min_df=min_df, dtype=np.int64)
    try:
        by_piece = vectorizer.fit_transform(pieces)
    except ValueError as error:  # scikit-learn's "empty vocabulary"
        raise ValueError(
            f"no words to count in {len(articles)} article(s) with voice_filter={voice_filter!r}: "
            "check the voice table or choose another voice_filter"
        ) from error
    to_article = sp.csr_matrix(
        (np.ones(len(row), dtype=np.int64), (row, np.arange(len(row)))),
        shape=(len(articles), len(row)),
    )
    return (to_article @ by_piece).tocsr(), vectorizer.get_feature_names_out().astype(object)


def _kept_spans(
    articles: pd.DataFrame, *, sentences: pd.DataFrame, voice: pd.DataFrame,
    voice_filter: str | None, include_titles: bool,
) -> pd.DataFrame:
    """The stretches of text to count: ``row`` (article position), ``start``, ``end``.

    Adjacent kept spans are merged, so a stretch is a maximal run of kept text.
    """
    _choice(voice_filter, VOICE_FILTERS, "voice_filter")
    position = pd.Index(articles["doc_id"])
    if voice_filter is None:
        spans = pd.DataFrame({"row": np.arange(len(articles)), "start": 0,
                              "end": articles["text"].str.len().to_numpy()})
    else:
        spans = _voice_spans(articles, voice, voice_filter, position)
    if not include_titles:
        _require(sentences, "sentences", ("doc_id", "is_title", "end"))
        titles = sentences[sentences["is_title"].astype(bool)]
        title_end = titles.groupby("doc_id")["end"].max()
        cut = title_end.reindex(articles["doc_id"]).fillna(0).to_numpy()[spans["row"].to_numpy()]
        spans = spans.assign(start=np.maximum(spans["start"].to_numpy(), cut))
        spans = spans[spans["start"] < spans["end"]]
    return _merge_adjacent(spans)


def _voice_spans(articles: pd.DataFrame, voice: pd.DataFrame, voice_filter: str,
                 position: pd.Index) -> pd.DataFrame:
    _require(voice, "voice", ("doc_id", "start", "end", "voice", "scare"))
    row = position.get_indexer(voice["doc_id"])
    covered = np.zeros(len(articles), dtype=bool)
    covered[row[row >= 0]] = True
    _first_bad(articles, ~covered & (articles["text"].str.len().to_numpy() > 0), "articles",
               "has no spans in the voice table: pass the voice table made from these "
               "articles (sourcebias.segment.segment)")
    is_quote = voice["voice"].to_numpy() == "quote"
    scare = voice["scare"].fillna(False).to_numpy(dtype=bool)
    keep = {
        "narrator": ~is_quote,
        "narrator+scare": ~is_quote | scare,
        "quote": is_quote & ~scare,
    }[voice_filter] & (row >= 0)
    return pd.DataFrame({"row": row[keep], "start": voice["start"].to_numpy()[keep],
                         "end": voice["end"].to_numpy()[keep]})


def _merge_adjacent(spans: pd.DataFrame) -> pd.DataFrame:
    spans = spans.sort_values(["row", "start"], kind="stable")
    row, start, end = (spans[c].to_numpy(dtype=np.int64) for c in ("row", "start", "end"))
    new = np.ones(len(spans), dtype=bool)
    new[1:] = (row[1:] != row[:-1]) | (start[1:] != end[:-1])
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(spans)) - 1
    return pd.DataFrame({"row": row[first], "start": start[first], "end": end[last]})


def _group_sums(labels: pd.Series, matrix: sp.csr_matrix) -> tuple[np.ndarray, sp.csr_matrix]:
    """Sorted group names and the rows of ``matrix`` summed per group (one sparse product)."""
    codes, groups = pd.factorize(labels, sort=True)
    indicator = sp.csr_matrix(
        (np.ones(len(codes), dtype=matrix.dtype), (codes, np.arange(len(codes)))),
        shape=(len(groups), len(codes)),
    )
    summed = (indicator @ matrix).tocsr()
    summed.sort_indices()
    return np.asarray(groups, dtype=object), summed


# --------------------------------------------------------------------------- similarity


def outlet_similarity(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    by: str = "outlet",
    voice_filter: str | None = "narrator",
    include_titles: bool = True,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Cosine similarity of the outlets' vocabularies.

    Each outlet's counted text (as in :func:`term_counts`) is one document. Its
    TF-IDF vector is scikit-learn's ``TfidfTransformer(sublinear_tf=True)``:
    ``1 + ln(count)`` times the smoothed idf ``ln((1 + n) / (1 + df)) + 1``
    over the ``n`` outlets, L2-normalised; the sublinear count keeps a few very
    frequent function words from dominating. The cosine of two outlets is the
    dot product of their vectors (1 for the same word use, 0 for no shared
    word). With few outlets the idf is coarse: a word used by every outlet
    still counts, with the smallest weight.

    Parameters
    ----------
    articles, sentences, voice, by, voice_filter, include_titles, include_duplicates
        As in :func:`term_counts`.

    Returns
    -------
    pandas.DataFrame
        ``outlet_a``, ``outlet_b``, ``cosine``, every ordered pair of outlets
        including each outlet with itself (so the table pivots into a square).
    """
    kept = _kept_articles(articles, by=by, include_duplicates=include_duplicates)
    matrix, _ = _document_terms(kept, sentences=sentences, voice=voice,
                                voice_filter=voice_filter, include_titles=include_titles)
    groups, per_group = _group_sums(kept[by], matrix)
    weighted = TfidfTransformer(sublinear_tf=True).fit_transform(per_group)
    cosine = (weighted @ weighted.T).toarray()
    n = len(groups)
    return pd.DataFrame({
        "outlet_a": np.repeat(groups, n),
        "outlet_b": np.tile(groups, n),
        "cosine": np.clip(cosine.ravel(), 0.0, 1.0),
    })


def near_duplicates(articles: pd.DataFrame, *, threshold: float = 0.8) -> pd.DataFrame:
    """Pairs of articles whose texts are nearly the same, by TF-IDF cosine.

    Each article's whole ``text`` is a TF-IDF vector: sublinear term frequency
    ``1 + ln(tf)`` times the smoothed idf ``ln((1 + n) / (1 + df)) + 1`` over
    all ``n`` articles, L2-normalised (scikit-learn's ``TfidfVectorizer`` with
    ``sublinear_tf=True``; same tokens as :func:`term_counts`). Every pair with
    cosine >= ``threshold`` is found exactly, without comparing all pairs:
    with terms ordered rarest first, a pair can only reach the threshold if it
    shares a term in both articles' *prefixes* (the rarest terms holding more
    than ``1 - threshold**2`` of the squared norm; Bayardo, Ma & Srikant 2007,
    "Scaling up all pairs similarity search", WWW). Candidates from a sparse
    product of the prefixes are pruned by the Cauchy-Schwarz bound on the rest
    and the survivors' cosines computed exactly.

    Parameters
    ----------
    articles : pandas.DataFrame
        ``doc_id``, ``outlet``, ``text`` (and ``duplicate_of`` if present).
        Declared duplicates are compared too.
    threshold : float
        Smallest cosine reported, in (0, 1].

    Returns
    -------
    pandas.DataFrame
        ``doc_a``, ``doc_b`` (``doc_a`` earlier in ``articles``), ``outlet_a``,
        ``outlet_b``, ``cosine``, ``declared`` (one is the other's
        ``duplicate_of``), most similar first.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    _require(articles, "articles", ("doc_id", "outlet", "text"))
    _first_bad(articles, articles["text"].isna().to_numpy(), "articles",
               "has no text: read the batch with sourcebias.batch.read_batch")
    vectors = _sublinear_tfidf(articles["text"])
    first, second, cosine = _cosine_pairs(vectors, threshold)
    ids = articles["doc_id"].to_numpy(dtype=object)
    outlets = articles["outlet"].to_numpy(dtype=object)
    if "duplicate_of" in articles.columns:
        of = articles["duplicate_of"].to_numpy(dtype=object)
        declared = (of[second] == ids[first]) | (of[first] == ids[second])
    else:
        declared = np.zeros(len(first), dtype=bool)
    pairs = pd.DataFrame({
        "doc_a": ids[first], "doc_b": ids[second],
        "outlet_a": outlets[first], "outlet_b": outlets[second],
        "cosine": cosine, "declared": declared,
    })
    return pairs.sort_values(["cosine", "doc_a", "doc_b"], ascending=[False, True, True],
                             kind="stable").reset_index(drop=True)


def _sublinear_tfidf(texts: pd.Series) -> sp.csr_matrix:
    if len(texts) == 0:
        return sp.csr_matrix((0, 0))
    vectorizer = TfidfVectorizer(token_pattern=WORD_PATTERN, lowercase=True, sublinear_tf=True,
                                 dtype=np.float64)
    try:
        return vectorizer.fit_transform(texts.tolist()).tocsr()
    except ValueError:  # no word in any text
        return sp.csr_matrix((len(texts), 0))


def _cosine_pairs(vectors: sp.csr_matrix, threshold: float):
    """All pairs ``i < j`` of L2-normalised rows with dot product >= ``threshold``.

    See :func:`near_duplicates` for the method. Returns ``i``, ``j``, cosine.
    """
    n, n_terms = vectors.shape
    nothing = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if n < 2 or vectors.nnz == 0:
        return nothing
    vectors = vectors.tocsr()
    lengths = np.diff(vectors.indptr)
    row = np.repeat(np.arange(n, dtype=np.int64), lengths)
    doc_freq = np.bincount(vectors.indices, minlength=n_terms)
    rank = np.empty(n_terms, dtype=np.int64)
    rank[np.argsort(doc_freq, kind="stable")] = np.arange(n_terms)
    order = np.lexsort((rank[vectors.indices], row))
    term_rank = rank[vectors.indices][order]
    squared = vectors.data[order].astype(np.float64) ** 2
    running = np.cumsum(squared)
    mass_through = running - np.repeat(np.concatenate([[0.0], running])[vectors.indptr[:-1]],
                                       lengths)
    in_prefix = mass_through - squared <= 1 - threshold**2 + 1e-12
    last_rank = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_rank, row[in_prefix], term_rank[in_prefix])
    rest_norm = np.sqrt(np.maximum(
        0.0, 1 - np.bincount(row[in_prefix], weights=squared[in_prefix], minlength=n)))
    prefix = sp.csr_matrix(
        (vectors.data[order][in_prefix], (row[in_prefix], vectors.indices[order][in_prefix])),
        shape=vectors.shape,
    )
    prefix_t = prefix.T.tocsr()
    keys = row * n_terms + term_rank  # sorted: rows ascending, ranks ascending within a row
    found = []
    for block in range(0, n, _ROW_BLOCK):
        shared = (prefix[block:block + _ROW_BLOCK] @ prefix_t).tocoo()
        i = shared.row.astype(np.int64) + block
        j = shared.col.astype(np.int64)
        upper = j > i
        i, j, partial = i[upper], j[upper], shared.data[upper]
        # x: the article whose prefix ends at the rarer term. Terms of x past its prefix
        # meet y only where y's terms rank past x's prefix too: bound them by Cauchy-Schwarz.
        swap = last_rank[i] > last_rank[j]
        x, y = np.where(swap, j, i), np.where(swap, i, j)
        at = np.searchsorted(keys, y * n_terms + last_rank[x], side="right") - 1
        valid = at >= 0
        valid[valid] = row[at[valid]] == y[valid]
        y_mass = np.where(valid, mass_through[np.maximum(at, 0)], 0.0)
        bound = partial + rest_norm[x] * np.sqrt(np.maximum(0.0, 1 - y_mass))
        keep = bound >= threshold - 1e-9
        found.extend(_exact_pairs(vectors, i[keep], j[keep], threshold))
    if not found:
        return nothing
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))


def _exact_pairs(vectors: sp.csr_matrix, i: np.ndarray, j: np.ndarray, threshold: float):
    for start in range(0, len(i), _PAIR_CHUNK):
        a, b = i[start:start + _PAIR_CHUNK], j[start:start + _PAIR_CHUNK]
        cosine = np.asarray(vectors[a].multiply(vectors[b]).sum(axis=1)).ravel()
        hit = cosine >= threshold - 1e-9
        yield a[hit], b[hit], np.minimum(cosine[hit], 1.0)


# --------------------------------------------------------------------------- attribution


@dataclass(frozen=True)
class AttributionResult:
    """How well an article's own wording tells which outlet (or group) wrote it.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per cross-validation fold: ``fold``, ``n_train``, ``n_test``,
        ``accuracy``, ``baseline`` (accuracy of always predicting the
        training fold's most common class). Empty when nothing was fitted.
    summary : dict
        ``mean_accuracy``, ``sd_accuracy``, ``mean_baseline``,
        ``majority_baseline`` (share of the largest class overall),
        ``n_articles``, ``n_groups`` (clusters kept on one side of every
        split), ``n_per_class`` (dict) and ``method``; only the last three
        when nothing was fitted.
    top_terms : pandas.DataFrame
        ``class``, ``rank``, ``term``, ``weight``: the largest weights of a
        model fitted on all articles, per class. Empty when nothing was fitted.
    message : str
        One plain sentence: the result, or why nothing was fitted.
    fitted : bool
        Whether a model was fitted.
    """

    scores: pd.DataFrame
    summary: dict
    top_terms: pd.DataFrame
    message: str
    fitted: bool = field(default=True)


def attribution(
    articles: pd.DataFrame,
    *,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    by: str = "outlet",
    n_splits: int = 5,
    random_state: int = 0,
    voice_filter: str | None = "narrator",
    include_titles: bool = True,
    near_duplicate_threshold: float | None = 0.8,
    n_top_terms: int = 20,
) -> AttributionResult:
    """Cross-validated accuracy of telling the outlet from its articles' own words.

    The classifier is a linear support vector machine (scikit-learn
    ``LinearSVC``, squared hinge loss, C=1, one-vs-rest) on TF-IDF vectors of
    the counted text (as :func:`term_counts`, terms in at least 2 articles;
    ``TfidfTransformer(sublinear_tf=True)`` refitted on each training fold, so
    no idf is learnt from test articles). Folds are
    ``StratifiedGroupKFold(shuffle=True)``. Articles whose ``duplicate_of`` is
    set are left out, and the others are grouped with every article whose
    TF-IDF cosine (as :func:`near_duplicates`, on the counted text) is at
    least ``near_duplicate_threshold``, so no copy of a story sits on both
    sides of a split.

    Nothing is fitted (``message`` says why, ``scores`` is empty) when there
    are fewer than two classes or a class has fewer than ``n_splits``
    articles.

    Parameters
    ----------
    articles, sentences, voice, by, voice_filter, include_titles
        As in :func:`term_counts`; ``by`` names the classes.
    n_splits : int
        Number of cross-validation folds.
    random_state : int
        Seed of the fold shuffle and of the classifier.
    near_duplicate_threshold : float or None
        Cosine from which articles are kept in one fold; None splits articles
        freely.
    n_top_terms : int
        Terms listed per class in ``top_terms``.

    Returns
    -------
    AttributionResult
    """
    if n_splits < 2:
        raise ValueError(f"n_splits must be at least 2, got {n_splits!r}")
    kept = _kept_articles(articles, by=by, include_duplicates=False)
    labels = kept[by].to_numpy(dtype=object)
    classes, n_per_class = np.unique(labels, return_counts=True)
    per_class = {str(c): int(k) for c, k in zip(classes, n_per_class, strict=True)}
    reason = _not_fittable(per_class, n_splits, by)
    method = (f"LinearSVC on sublinear TF-IDF of {voice_filter or 'all'} text, "
              f"{n_splits}-fold StratifiedGroupKFold")
    if reason:
        return AttributionResult(
            scores=pd.DataFrame(columns=["fold", "n_train", "n_test", "accuracy", "baseline"]),
            summary={"n_articles": len(kept), "n_per_class": per_class, "method": method},
            top_terms=pd.DataFrame(columns=["class", "rank", "term", "weight"]),
            message=reason,
            fitted=False,
        )
    counts, terms = _document_terms(kept, sentences=sentences, voice=voice,
                                    voice_filter=voice_filter, include_titles=include_titles,
                                    min_df=2)
    groups = _story_groups(counts, near_duplicate_threshold)

    def model():
        return make_pipeline(TfidfTransformer(sublinear_tf=True),
                             LinearSVC(random_state=random_state))

    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    rows = []
    for fold, (train, test) in enumerate(folds.split(counts, labels, groups)):
        classifier = model().fit(counts[train], labels[train])
        majority = pd.Series(labels[train]).value_counts().index[0]
        rows.append({
            "fold": fold, "n_train": len(train), "n_test": len(test),
            "accuracy": float(np.mean(classifier.predict(counts[test]) == labels[test])),
            "baseline": float(np.mean(labels[test] == majority)),
        })
    scores = pd.DataFrame(rows)
    top_terms = _top_terms(model().fit(counts, labels)[-1], terms, n_top_terms)
    summary = {
        "mean_accuracy": float(scores["accuracy"].mean()),
        "sd_accuracy": float(scores["accuracy"].std(ddof=1)),
        "mean_baseline": float(scores["baseline"].mean()),
        "majority_baseline": float(n_per_class.max() / n_per_class.sum()),
        "n_articles": len(kept),
        "n_groups": len(np.unique(groups)),
        "n_per_class": per_class,
        "method": method,
    }
    message = (
        f"{n_splits}-fold grouped cross-validation on {len(kept)} articles from "
        f"{len(classes)} {by} values: mean accuracy {summary['mean_accuracy']:.3f} "
        f"(sd {summary['sd_accuracy']:.3f}) against a majority-class baseline of "
        f"{summary['mean_baseline']:.3f}."
    )
    return AttributionResult(scores=scores, summary=summary, top_terms=top_terms,
                             message=message)


def _not_fittable(per_class: dict[str, int], n_splits: int, by: str) -> str:
    if len(per_class) < 2:
        return (f"Not fitted: attribution needs at least two {by} values, and the articles "
                f"have {len(per_class)}.")
    small = {c: k for c, k in per_class.items() if k < n_splits}
    if small:
        listed = ", ".join(f"{c!r} ({k})" for c, k in sorted(small.items()))
        return (f"Not fitted: {n_splits}-fold cross-validation needs at least {n_splits} "
                f"articles per {by}, and {len(small)} of {len(per_class)} have fewer: "
                f"{listed}. Add articles, merge classes (by='outlet_group') or lower n_splits.")
    return ""


def _story_groups(counts: sp.csr_matrix, threshold: float | None) -> np.ndarray:
    """Connected components of the articles linked by near-duplicate cosine."""
    n = counts.shape[0]
    if threshold is None:
        return np.arange(n)
    vectors = normalize(TfidfTransformer(sublinear_tf=True).fit_transform(counts)).tocsr()
    first, second, _ = _cosine_pairs(vectors, threshold)
    graph = sp.csr_matrix((np.ones(len(first)), (first, second)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _top_terms(classifier: LinearSVC, terms: np.ndarray, n_top: int) -> pd.DataFrame:
    weights = classifier.coef_
    classes = classifier.classes_
    if len(classes) == 2:  # one weight vector: positive for classes_[1]
        weights = np.vstack([-weights[0], weights[0]])
    top = np.argsort(-weights, axis=1, kind="stable")[:, :n_top]
    return pd.DataFrame({
        "class": np.repeat(classes, top.shape[1]),
        "rank": np.tile(np.arange(1, top.shape[1] + 1), len(classes)),
        "term": terms[top].ravel(),
        "weight": np.take_along_axis(weights, top, axis=1).ravel(),
    })
