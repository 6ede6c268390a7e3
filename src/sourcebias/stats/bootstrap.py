"""Percentile bootstrap of ratio estimators, resampling whole articles within groups.

A ratio estimator is ``sum(numerator) / sum(denominator)`` over the articles of
a group (hits per word, summed compound per sentence).  The article is the
resampling unit because loaded words and sentences cluster within articles
(case resampling of clusters: Davison & Hinkley 1997, *Bootstrap Methods and
their Application*, section 3.8).  The interval is the percentile interval of
Efron & Tibshirani (1993, *An Introduction to the Bootstrap*, chapter 13).

All columns of a group share one matrix of resampling counts, so a group costs
one sparse-by-dense product per block of resamples, whatever the number of
columns (terms, voices).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: Resampling counts held in memory at once (resamples x articles), about 32 MB.
_BLOCK_CELLS = 2**22


@dataclass(frozen=True)
class RatioIntervals:
    """Estimates and percentile intervals of a ratio for each group and column.

    Attributes
    ----------
    estimate, low, high : numpy.ndarray of float, shape (groups, columns)
        ``sum(num) / sum(den)`` and its interval; NaN where not estimable.
    n_defined : numpy.ndarray of int, shape (groups, columns)
        Resamples whose denominator was positive (the interval uses only these).
    """

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n_defined: np.ndarray


def check_bootstrap_options(n_boot: int, ci: float) -> None:
    """Raise a clear error for a resample count or coverage that cannot work."""
    if int(n_boot) != n_boot or n_boot < 1:
        raise ValueError(f"n_boot must be a positive whole number of resamples, got {n_boot!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be a coverage between 0 and 1 (e.g. 0.95), got {ci!r}")


def seed_entropy(random_state: int | None) -> int:
    """The integer seed to use: ``random_state`` itself, or fresh entropy when None."""
    if random_state is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(random_state, bool | np.bool_) or int(random_state) != random_state:
        raise ValueError(f"random_state must be an integer or None, got {random_state!r}")
    if random_state < 0:
        raise ValueError(f"random_state must be a non-negative integer, got {random_state!r}")
    return int(random_state)


def group_rng(seed: int, group: str) -> np.random.Generator:
    """A generator seeded by ``seed`` and the group's name.

    Seeding by name means a group's resamples do not depend on which other
    groups are in the batch or on their order.
    """
    return np.random.default_rng([seed, zlib.crc32(group.encode("utf-8"))])


def resample_counts(n: int, *, n_boot: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Yield blocks of resampling counts.

    Row ``b`` of a block says how often each of the ``n`` articles was drawn in
    resample ``b`` (``n`` draws with replacement, so each row sums to ``n``).
    Blocks hold at most :data:`_BLOCK_CELLS` cells.
    """
    rows_per_block = max(1, _BLOCK_CELLS // n)
    for first in range(0, n_boot, rows_per_block):
        rows = min(rows_per_block, n_boot - first)
        drawn = rng.integers(0, n, size=(rows, n))
        drawn += np.arange(rows)[:, None] * n
        yield np.bincount(drawn.ravel(), minlength=rows * n).reshape(rows, n)


def resampled_sums(
    num: sp.csr_array | np.ndarray,
    den: np.ndarray,
    *,
    n_boot: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Column sums of ``num`` and ``den`` in each of ``n_boot`` resamples of the rows.

    Parameters
    ----------
    num : sparse or dense array, shape (articles, columns)
    den : numpy.ndarray, shape (articles, denominators)
    n_boot : int
    rng : numpy.random.Generator

    Returns
    -------
    tuple of numpy.ndarray
        Shapes (n_boot, columns) and (n_boot, denominators): the resampled sums,
        ``counts @ num`` and ``counts @ den`` for a matrix of resampling counts.
    """
    num = sp.csr_array(num)
    boot_num, boot_den = [], []
    for counts in resample_counts(num.shape[0], n_boot=n_boot, rng=rng):
        weights = counts.astype(np.float64)
        boot_num.append(np.asarray((num.T @ weights.T).T))
        boot_den.append(weights @ den)
    return np.vstack(boot_num), np.vstack(boot_den)


def percentile_interval(replicates: np.ndarray, *, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per column (Efron & Tibshirani 1993, ch. 13).

    The bounds are the ``B * alpha``-th and ``B * (1 - alpha)``-th ordered
    replicates, ``alpha = (1 - ci) / 2`` (numpy's ``inverted_cdf`` quantile).
    NaN bounds when there are no replicates.
    """
    if replicates.shape[0] == 0:
        nan = np.full(replicates.shape[1], np.nan)
        return nan, nan.copy()
    alpha = (1 - ci) / 2
    low, high = np.quantile(replicates, [alpha, 1 - alpha], axis=0, method="inverted_cdf")
    return low, high


def grouped_ratio_intervals(
    num: sp.csr_array | np.ndarray,
    den: np.ndarray,
    den_col: np.ndarray,
    *,
    groups: np.ndarray,
    names: list[str],
    n_boot: int,
    ci: float,
    random_state: int | None,
) -> RatioIntervals:
    """Ratio estimate and percentile interval for every group and column.

    Rows are articles; ``groups[i]`` is the group code (``0 .. len(names) - 1``)
    of row ``i``.  Articles are resampled with replacement within their group,
    ``n_g`` draws from the ``n_g`` articles of group ``g``.  Resamples whose
    denominator is 0 are left out of that column's interval.  Groups with fewer
    than two articles get NaN bounds (their variance cannot be estimated).
    """
    num = sp.csr_array(num)
    den = np.asarray(den, dtype=np.float64)
    den_col = np.asarray(den_col, dtype=np.intp)
    shape = (len(names), num.shape[1])
    estimate, low, high = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    n_defined = np.zeros(shape, dtype=np.int64)
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(len(names) + 1))
    seed = seed_entropy(random_state)
    for g, name in enumerate(names):
        rows = order[bounds[g] : bounds[g + 1]]
        if rows.size == 0:
            continue
        g_num, g_den = num[rows], den[rows]
        total_den = g_den.sum(axis=0)[den_col]
        with np.errstate(invalid="ignore", divide="ignore"):
            estimate[g] = np.where(total_den > 0, g_num.sum(axis=0) / total_den, np.nan)
        if rows.size < 2:
            continue
        boot_num, boot_den = resampled_sums(g_num, g_den, n_boot=n_boot,
                                            rng=group_rng(seed, name))
        for d in np.unique(den_col):
            columns = den_col == d
            defined = boot_den[:, d] > 0
            ratios = boot_num[defined][:, columns] / boot_den[defined, d][:, None]
            low[g, columns], high[g, columns] = percentile_interval(ratios, ci=ci)
            n_defined[g, columns] = np.count_nonzero(defined)
    return RatioIntervals(estimate=estimate, low=low, high=high, n_defined=n_defined)
