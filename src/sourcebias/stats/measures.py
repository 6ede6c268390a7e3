"""Keyness statistics on 2x2 tables, vectorised over every term at once.

For one term the table is::

                 target   reference
    term           a          b
    other words    c          d

with ``c = n_target - a``, ``d = n_reference - b`` and ``N = a + b + c + d``.
Each function takes numpy arrays ``a`` and ``b`` (one entry per term) and the
two totals, and returns one value per term. The public entry point is
:func:`sourcebias.keyness`, whose docstring names every variant.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

#: Offset that quanteda.textstats adds inside every logarithm (src/keyness.cpp).
QUANTEDA_EPSILON = 1e-9


CORRECTIONS = {
    "chi2": ("default", "none", "yates", "williams"),
    "lr": ("default", "none", "williams"),
    "pmi": ("default", "none"),
    "logodds": ("default", "none"),
}


CORRECTION_LABELS = {
    ("chi2", "default"): "Yates if an expected count < 5 and |ad-bc| >= N/2 (quanteda)",
    ("chi2", "yates"): "Yates, always (as R chisq.test)",
    ("chi2", "williams"): "Williams q, none when a cell is 0",
    ("lr", "default"): "0.5 cell shift if an expected count < 5 and |ad-bc| >= N/2 (quanteda)",
    ("lr", "williams"): "Williams q, none when a cell is 0",
}


def correction_label(measure: str, correction: str) -> str:
    """The exact name of a correction, for the ``correction`` output column."""
    return CORRECTION_LABELS.get((measure, correction), "none")


def _table(a: np.ndarray, b: np.ndarray, n_target: float, n_reference: float):
    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    return a, b, n_target - a, n_reference - b, n_target + n_reference


def _direction(a, b, c, d, n):
    """+1 where the target count exceeds its expected value, else -1 (as quanteda)."""
    expected = (a + b) * (a + c) / n
    return np.where(a > expected, 1.0, -1.0)


def _yates_applies(a, b, c, d, n):
    """quanteda's condition: some expected count < 5 and ``|ad - bc| >= N/2``."""
    small = (
        ((a + b) * (a + c) / n < 5)
        | ((a + b) * (b + d) / n < 5)
        | ((a + c) * (c + d) / n < 5)
        | ((c + d) * (b + d) / n < 5)
    )
    return small & (np.abs(a * d - b * c) >= n / 2)


def williams_q(a, b, c, d, n):
    """Williams' (1976) q for a 2x2 table; 1 where any cell is 0 (as quanteda)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
    return np.where(a * b * c * d == 0, 1.0, q)


def chi2_signed(a, b, n_target, n_reference, *, correction: str) -> np.ndarray:
    """Signed Pearson chi-squared, ``N (|ad - bc| - shift)^2 / ((a+b)(c+d)(a+c)(b+d))``."""
    a, b, c, d, n = _table(a, b, n_target, n_reference)
    excess = np.abs(a * d - b * c)
    if correction == "default":
        excess = excess - np.where(_yates_applies(a, b, c, d, n), n / 2, 0.0)
    elif correction == "yates":
        excess = np.maximum(excess - n / 2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = n * excess**2 / ((a + b) * (c + d) * (a + c) * (b + d))
    if correction == "williams":
        value = value / williams_q(a, b, c, d, n)
    return value * _direction(a, b, c, d, n)


def g2_signed(a, b, n_target, n_reference, *, correction: str) -> np.ndarray:
    """Signed likelihood-ratio ``G2 = 2 sum O ln(O/E + 1e-9)`` over the four cells."""
    a, b, c, d, n = _table(a, b, n_target, n_reference)
    sign = _direction(a, b, c, d, n)
    if correction == "default":
        shift = np.where(_yates_applies(a, b, c, d, n), 0.5, 0.0)
        shift = np.where(a * d - b * c > 0, shift, -shift)
        a, b, c, d = a - shift, b + shift, c + shift, d - shift
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * sum(
            observed * np.log(observed / (row * column / n) + QUANTEDA_EPSILON)
            for observed, row, column in (
                (a, a + b, a + c), (b, a + b, b + d), (c, c + d, a + c), (d, c + d, b + d),
            )
        )
    if correction == "williams":
        g2 = g2 / williams_q(a, b, c, d, n)
    return g2 * sign


def pmi(a, b, n_target, n_reference) -> np.ndarray:
    """quanteda's pointwise mutual information ``ln(a / E + 1e-9)``, ``E = (a+b)(a+c)/N``."""
    a, b, c, _, n = _table(a, b, n_target, n_reference)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(a / ((a + b) * (a + c) / n) + QUANTEDA_EPSILON)


def logodds_z(a, b, n_target, n_reference, *, alpha, variance: str) -> np.ndarray:
    """Monroe, Colaresi & Quinn (2008) log-odds ratio with Dirichlet prior ``alpha``, as z.

    ``delta = ln((a+al)/(nt+a0-a-al)) - ln((b+al)/(nr+a0-b-al))`` (their eq. 16) over
    its standard error: ``1/(a+al) + 1/(b+al)`` (eq. 20, ``"two-term"``) or the
    variance with all four cells (``"four-term"``).
    """
    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    alpha = np.broadcast_to(np.asarray(alpha, dtype="float64"), a.shape)
    a0 = alpha.sum()
    rest_target = n_target + a0 - a - alpha
    rest_reference = n_reference + a0 - b - alpha
    delta = np.log((a + alpha) / rest_target) - np.log((b + alpha) / rest_reference)
    var = 1 / (a + alpha) + 1 / (b + alpha)
    if variance == "four-term":
        var = var + 1 / rest_target + 1 / rest_reference
    return delta / np.sqrt(var)


def hardie_log_ratio(a, b, n_target, n_reference) -> np.ndarray:
    """Hardie's (2014) Log Ratio: ``log2((a/nt) / (b/nr))`` with a zero count read as 0.5."""
    a = np.where(np.asarray(a) == 0, 0.5, a)
    b = np.where(np.asarray(b) == 0, 0.5, b)
    return np.log2((a / n_target) / (b / n_reference))


def p_value(statistic: np.ndarray, measure: str) -> np.ndarray:
    """Chi-squared (1 df) tail of ``|statistic|``, two-sided normal tail for z, else NaN."""
    if measure in ("chi2", "lr"):
        return stats.chi2.sf(np.abs(statistic), df=1)
    if measure == "logodds":
        return 2 * stats.norm.sf(np.abs(statistic))
    return np.full(len(statistic), np.nan)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (scipy), over the entries that are not NaN."""
    adjusted = np.full(len(p), np.nan)
    finite = ~np.isnan(p)
    if finite.any():
        adjusted[finite] = stats.false_discovery_control(p[finite], method="bh")
    return adjusted
