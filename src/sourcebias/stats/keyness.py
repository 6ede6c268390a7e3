"""Distinctive vocabulary: keyness of each outlet against the others, with the measure named.

Every function takes the tidy tables of :mod:`sourcebias.tables` and returns a
tidy :class:`pandas.DataFrame`.

Text is tokenised once per call with scikit-learn's ``CountVectorizer`` using
:data:`sourcebias.tables.WORD_PATTERN` (so "self-proclaimed" and "Guaidó's"
are one token each), lower-cased, with no stop words and no frequency cut-off
unless asked. By default only the outlet's narrator voice is counted: the narrator
spans of the ``voice`` table, with quotations cut out (see ``voice_filter``).
Each kept stretch of text is its own tokenisation unit, so an n-gram never
bridges a cut-out quotation. Articles whose ``duplicate_of`` is set are left out
unless ``include_duplicates=True``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourcebias.checks import NotComputable, as_list, choice, first_bad, require_columns
from sourcebias.stats import measures as _keyness
from sourcebias.tables import OWN

MEASURES = ("chi2", "lr", "pmi", "logodds")


VARIANCES = ("two-term", "four-term")


#: Which spans of the ``voice`` table each ``voice_filter`` keeps.
VOICE_FILTERS = ("narrator", "narrator+scare", "quote", OWN, None)


KEYNESS_COLUMNS = (
    "term", "statistic", "p", "p_adjusted", "n_target", "n_reference", "log_ratio",
    "measure", "correction",
)


#: Pairs of candidate articles verified at once by :func:`near_duplicates`.
_PAIR_CHUNK = 20_000


#: Rows of the prefix matrix multiplied at once by :func:`near_duplicates`.
_ROW_BLOCK = 2_000


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
    choice(measure, MEASURES, "measure")
    allowed = _keyness.CORRECTIONS[measure]
    if correction not in allowed:
        raise ValueError(
            f"correction {correction!r} does not apply to measure {measure!r}; "
            f"use one of {', '.join(map(repr, allowed))}"
        )
    choice(variance, VARIANCES, "variance")
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
        require_columns(counts, "counts", ("group", "term", "count"))
        values = pd.to_numeric(counts["count"], errors="coerce").to_numpy(dtype="float64")
        first_bad(counts, np.isnan(values), "counts", "has no numeric count: give a count >= 0")
        first_bad(counts, values < 0, "counts", "has a negative count: counts must be >= 0")
        first_bad(counts, counts["term"].isna().to_numpy(), "counts", "has no term")
        first_bad(counts, counts["group"].isna().to_numpy(), "counts", "has no group")
        group_codes, groups = pd.factorize(counts["group"], sort=True)
        term_codes, terms = pd.factorize(counts["term"], sort=True)
        matrix = sp.csr_matrix((values, (group_codes, term_codes)),
                               shape=(len(groups), len(terms)))  # repeated rows add up
        return cls(np.asarray(groups, dtype=object), np.asarray(terms, dtype=object), matrix)

    def sides(self, target, reference) -> tuple[list[str], list[str]]:
        """The target and reference group names, checked; None means all other groups."""
        known = set(self.groups)
        targets = as_list(target)
        self._check_known(targets, "target")
        if reference is None:
            references = [g for g in self.groups if g not in set(targets)]
        else:
            references = as_list(reference)
            self._check_known(references, "reference")
            overlap = sorted(set(references) & set(targets))
            if overlap:
                raise ValueError(f"group(s) {', '.join(map(repr, overlap))} are both target "
                                 "and reference")
        if not references:
            raise NotComputable(f"no reference group: counts has no group besides the target "
                                f"({', '.join(map(repr, sorted(known)))}), so nothing to "
                                "compare it with")
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
