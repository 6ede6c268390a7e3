"""How alike outlets are, and near-duplicate articles across outlets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from sourcebias.checks import first_bad, kept_articles, require_columns
from sourcebias.stats.counts import _document_terms, _group_sums
from sourcebias.stats.keyness import _PAIR_CHUNK, _ROW_BLOCK
from sourcebias.tables import WORD_PATTERN


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
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates, need_text=True)
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
    require_columns(articles, "articles", ("doc_id", "outlet", "text"))
    first_bad(articles, articles["text"].isna().to_numpy(), "articles",
               "has no text: read the batch with sourcebias.read_batch")
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
