"""Can a classifier tell the outlets apart? Cross-validated accuracy and the words it uses."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from sourcebias.checks import kept_articles
from sourcebias.stats.counts import _document_terms
from sourcebias.stats.similarity import _cosine_pairs
from sourcebias.stats.tokens import house_style


@dataclass(frozen=True)
class OutletClassification:
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


def classify_outlets(
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
) -> OutletClassification:
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
    OutletClassification
    """
    if n_splits < 2:
        raise ValueError(f"n_splits must be at least 2, got {n_splits!r}")
    kept = kept_articles(articles, by=by, include_duplicates=False, need_text=True)
    labels = kept[by].to_numpy(dtype=object)
    classes, n_per_class = np.unique(labels, return_counts=True)
    per_class = {str(c): int(k) for c, k in zip(classes, n_per_class, strict=True)}
    reason = _not_fittable(per_class, n_splits, by)
    tokenizer = house_style(kept)
    method = (f"LinearSVC on sublinear TF-IDF of {voice_filter or 'all'} text, "
              f"{n_splits}-fold StratifiedGroupKFold; {tokenizer.caption()}")
    if reason:
        return OutletClassification(
            scores=pd.DataFrame(columns=["fold", "n_train", "n_test", "accuracy", "baseline"]),
            summary={"n_articles": len(kept), "n_per_class": per_class, "method": method},
            top_terms=pd.DataFrame(columns=["class", "rank", "term", "weight"]),
            message=reason,
            fitted=False,
        )
    # the outlets' own names and honorifics would tell the outlets apart without framing
    counts, terms = _document_terms(kept, sentences=sentences, voice=voice,
                                    voice_filter=voice_filter, include_titles=include_titles,
                                    min_df=2, tokenizer=tokenizer)
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
    return OutletClassification(scores=scores, summary=summary, top_terms=top_terms,
                             message=message)


def _not_fittable(per_class: dict[str, int], n_splits: int, by: str) -> str:
    if len(per_class) < 2:
        return (f"Not fitted: the classifier needs at least two {by} values, and the articles "
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
