"""Tone toward each actor mention: the target-dependent model run over the ``mentions`` table.

``analyze`` adds the four columns of :data:`sourcebias.tables.TONE_COLUMNS` to every
mention, so
that tone toward an actor is read from the words around each mention
(:func:`sourcebias.annotate.targets.score_targets`) without scoring again in
the notebooks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourcebias.annotate.targets import mention_targets, score_targets, whole_sentence
from sourcebias.checks import require_columns
from sourcebias.tables import TONE_COLUMNS, sentence_codes


def score_mentions(mentions: pd.DataFrame, sentences: pd.DataFrame,
                   sentiment: pd.DataFrame) -> pd.DataFrame:
    """The tone toward each mention's actor in its sentence, one row per mention.

    Each mention is a target of :func:`sourcebias.annotate.targets.score_targets`
    in its sentence (:func:`sourcebias.annotate.targets.mention_targets`),
    quoted or not. A mention in a sentence without a whole-sentence VADER score
    (a sentence not in English, see :func:`sourcebias.annotate.sentiment.score_sentiment`)
    is not scored: the model reads English words only.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The ``mentions`` table (``doc_id``, ``sent_id``, ``start``, ``end``,
        ``actor``, ``voice``).
    sentences : pandas.DataFrame
        The ``sentences`` table with its texts.
    sentiment : pandas.DataFrame
        The ``sentiment`` table of the same sentences.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TONE_COLUMNS`, in the order and with the index of
        ``mentions``: ``polarity`` (``negative``, ``neutral``, ``positive``,
        or null when not scored) and the three class probabilities (NaN then).

    Examples
    --------
    >>> tone = score_mentions(tables["mentions"], tables["sentences"],
    ...                       tables["sentiment"])  # doctest: +SKIP
    """
    require_columns(sentiment, "sentiment", ("doc_id", "sent_id", "lexicon", "compound"))
    whole = whole_sentence(sentiment) & sentiment["compound"].notna().to_numpy()
    at, scored = sentence_codes(mentions, sentiment.loc[whole, ["doc_id", "sent_id"]])
    english = np.isin(at, scored)
    polarity = np.full(len(mentions), None, dtype=object)
    probabilities = np.full((len(mentions), len(TONE_COLUMNS) - 1), np.nan)
    if english.any():
        tone = score_targets(mention_targets(mentions[english], sentences, sentiment))
        polarity[english] = tone["polarity"].to_numpy(object)
        probabilities[english] = tone[list(TONE_COLUMNS[1:])].to_numpy(np.float64)
    result = pd.DataFrame({"polarity": pd.Series(polarity, index=mentions.index, dtype="object")})
    for k, name in enumerate(TONE_COLUMNS[1:]):
        result[name] = probabilities[:, k]
    return result
