"""Word counts per outlet and voice, the input of keyness and similarity."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from sourcebias.checks import choice, first_bad, kept_articles, own_voice, require_columns
from sourcebias.stats.keyness import VOICE_FILTERS, keyness
from sourcebias.stats.tokens import Tokenizer
from sourcebias.stats.tokens import house_style as _house_style
from sourcebias.tables import OWN, WORD_PATTERN


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
    voice_filter : {"narrator", "narrator+scare", "quote", "own", None}
        Which text is counted: ``"narrator"`` the narrator spans only (the
        outlet's narrator voice); ``"narrator+scare"`` also scare-quoted labels
        (``scare=True`` quote spans, with their marks); ``"quote"`` quoted
        speech only (no scare quotes); ``"own"`` the narrator spans that are
        not attributed to a source (needs the ``attributed`` column that
        ``analyze`` writes); None the whole text.
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
        :func:`sourcebias.stats.tokens.house_style`; its ``caption()`` says what).

    Returns
    -------
    pandas.DataFrame
        ``group``, ``term``, ``count`` (int64), one row per group and term that
        occurs in it, ordered by group and term.
    """
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates, need_text=True)
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
    >>> from sourcebias import read_batch
    >>> from sourcebias.segment.sentences import segment_articles
    >>> articles = read_batch("data/batches/seed").articles  # doctest: +SKIP
    >>> sentences, voice = segment_articles(articles)  # doctest: +SKIP
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
    choice(voice_filter, VOICE_FILTERS, "voice_filter")
    position = pd.Index(articles["doc_id"])
    if voice_filter is None:
        spans = pd.DataFrame({"row": np.arange(len(articles)), "start": 0,
                              "end": articles["text"].str.len().to_numpy()})
    else:
        spans = _voice_spans(articles, voice, voice_filter, position)
    if not include_titles:
        require_columns(sentences, "sentences", ("doc_id", "is_title", "end"))
        titles = sentences[sentences["is_title"].astype(bool)]
        title_end = titles.groupby("doc_id")["end"].max()
        cut = title_end.reindex(articles["doc_id"]).fillna(0).to_numpy()[spans["row"].to_numpy()]
        spans = spans.assign(start=np.maximum(spans["start"].to_numpy(), cut))
        spans = spans[spans["start"] < spans["end"]]
    return _merge_adjacent(spans)


def _voice_spans(articles: pd.DataFrame, voice: pd.DataFrame, voice_filter: str,
                 position: pd.Index) -> pd.DataFrame:
    require_columns(voice, "voice", ("doc_id", "start", "end", "voice", "scare"))
    row = position.get_indexer(voice["doc_id"])
    covered = np.zeros(len(articles), dtype=bool)
    covered[row[row >= 0]] = True
    first_bad(articles, ~covered & (articles["text"].str.len().to_numpy() > 0), "articles",
               "has no spans in the voice table: pass the voice table made from these "
               "articles (sourcebias.segment_articles)")
    is_quote = voice["voice"].to_numpy() == "quote"
    scare = voice["scare"].fillna(False).to_numpy(dtype=bool)
    if voice_filter == OWN:
        keep = own_voice(voice, "voice") & (row >= 0)
    else:
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
