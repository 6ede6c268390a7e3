"""How each outlet labels each actor: label tables with counts and shares."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from sourcebias.checks import (
    as_list,
    check_voices,
    choice,
    first_bad,
    kept_articles,
    of_kept,
    own_voice,
    require_columns,
)
from sourcebias.stats.kwic import _collapse
from sourcebias.tables import OWN


def label_table(
    mentions: pd.DataFrame,
    *,
    articles: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
    voice: str = "narrator",
    actors: Iterable[str] | None = None,
    by: str = "outlet",
    min_count: int = 1,
    examples: int = 1,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """How each outlet labels each actor: counts and shares of label phrases.

    Labels are grouped case-insensitively with whitespace collapsed and
    British and American spellings folded together (:func:`spelling_key`:
    "adviser" and "advisor", "defence" and "defense"), and shown in their most
    frequent written form in the whole batch (the earliest on ties), so that a
    label reads the same in every outlet.
    ``share = count / n_labelled``, the label's share of the outlet's labelled
    mentions of that actor in the voice.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The ``mentions`` table (``doc_id``, ``sent_id``, ``start``, ``actor``,
        ``voice``, ``label``).
    articles : pandas.DataFrame
        The ``articles`` table the mentions were found in.
    sentences : pandas.DataFrame, optional
        The ``sentences`` table; needed for example sentences (``examples > 0``).
    voice : {"narrator", "quote", "own", "all"}
        Which mentions count: those in the outlet's narrator voice, in quotation,
        in its own voice in the strict sense (``own``: narrator text not
        attributed to a source; needs the ``attributed`` column), or all.
    actors : list of str, optional
        Actor ids to keep; default all.
    by : str
        The articles column that defines the groups.
    min_count : int
        Leave out labels used fewer times than this by the outlet.
    examples : int
        Example sentences per row: the earliest in batch order, whitespace
        collapsed, joined by newlines in the ``examples`` column.
    include_duplicates : bool
        Keep articles whose ``duplicate_of`` is set.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``actor``, ``label``, ``count``, ``share``, ``n_labelled``,
        ``n_mentions`` (all the outlet's mentions of the actor in the voice,
        labelled or not) and ``examples`` (when ``examples > 0``), sorted by
        outlet, actor and falling count.

    Examples
    --------
    >>> label_table(mentions, articles=articles, sentences=sentences, actors=["guaido"])
    """
    choice(voice, ("narrator", "quote", OWN, "all"), "voice")
    if examples > 0 and sentences is None:
        raise ValueError("label_table(examples>0) needs sentences=...; or pass examples=0")
    kept = kept_articles(articles, by=by, include_duplicates=include_duplicates)
    require_columns(mentions, "mentions", ("doc_id", "sent_id", "start", "actor", "voice", "label"))
    if voice != "all":
        check_voices(mentions, "mentions")
    found = of_kept(mentions, "mentions", articles=articles, kept=kept)
    if voice == OWN:
        found = found[own_voice(found, "mentions")]
    elif voice != "all":
        found = found[found["voice"] == voice]
    if actors is not None:
        found = found[found["actor"].isin(as_list(actors))]
    order = pd.Series(np.arange(len(kept)), index=kept["doc_id"])
    found = found.assign(**{by: found["doc_id"].map(kept.set_index("doc_id")[by]),
                            "_doc": found["doc_id"].map(order)})
    found = found.sort_values(["_doc", "start"], kind="stable")
    n_mentions = found.groupby([by, "actor"]).size().rename("n_mentions")

    labelled = found[found["label"].notna()]
    form = _collapse(labelled["label"].astype("str"))
    labelled = labelled.assign(_form=form, _key=spelling_key(form), _pos=np.arange(len(form)))
    keys = [by, "actor", "_key"]
    count = labelled.groupby(keys).size().rename("count")
    spelled = ["actor", "_key"]  # one written form per label in the whole batch
    written = (labelled.groupby([*spelled, "_form"]).agg(n=("_pos", "size"), first=("_pos", "min"))
               .reset_index()
               .sort_values([*spelled, "n", "first"], ascending=[True, True, False, True])
               .drop_duplicates(spelled).set_index(spelled)["_form"].rename("label"))
    table = count.reset_index().join(written, on=spelled)
    table = table.merge(n_mentions.reset_index(), on=[by, "actor"])
    table["n_labelled"] = table.groupby([by, "actor"])["count"].transform("sum")
    table["share"] = table["count"] / table["n_labelled"]
    table = table[table["count"] >= min_count]
    columns = [by, "actor", "label", "count", "share", "n_labelled", "n_mentions"]
    if examples > 0:
        table = table.merge(_label_examples(labelled, sentences, keys, examples), on=keys,
                            how="left")
        columns.append("examples")
    table = table.sort_values([by, "actor", "count", "label"],
                              ascending=[True, True, False, True], kind="stable")
    return table[columns].reset_index(drop=True)


#: Spelling rules of :func:`spelling_key`: (pattern, replacement), applied in order
#: to case-folded text. A stem of three letters or more before the ending keeps
#: short words ("four", "rise", "metre" aside) out of the rules.
_SPELLING_RULES = (
    (r"\b(\w{2,})i[sz](?:e|o)r(s?)\b", r"\1izer\2"),  # adviser, advisor, organiser
    (r"\b(\w{3,})our(s|ed|ing)?\b", r"\1or\2"),  # honour, labour, favour
    (r"\b(\w{3,})is(e|es|ed|ing|ation|ations)\b", r"\1iz\2"),  # recognise, organisation
    (r"\b(\w{2,})ys(e|es|ed|ing)\b", r"\1yz\2"),  # analyse, paralyse
    (r"\b(\w{3,})tre(s?)\b", r"\1ter\2"),  # centre, theatre
    (r"\b(def|off|pret)ence\b", r"\1ense"),  # defence, offence, pretence
)


def spelling_key(labels: pd.Series) -> pd.Series:
    """A key under which British and American spellings of a label coincide.

    Case-folds the text, then rewrites endings by a small set of rules, in
    order: ``-iser``/``-isor``/``-izor`` to ``-izer`` ("adviser", "advisor"),
    ``-our`` to ``-or`` ("labour"), ``-ise``/``-isation`` to ``-ize``/``-ization``
    ("recognised"), ``-yse`` to ``-yze`` ("analyse"), ``-tre`` to ``-ter``
    ("centre") and ``-ence`` to ``-ense`` in "defence", "offence", "pretence".
    Each rule needs a stem of two or three letters before the ending, so that
    short words ("four", "hour", "rise") stay as they are. The key only groups
    labels; a group is shown in its most frequent written form.

    Parameters
    ----------
    labels : pandas.Series of str

    Returns
    -------
    pandas.Series of str

    Examples
    --------
    >>> spelling_key(pd.Series(["National Security Adviser", "national security advisor"]))
    0    national security advizer
    1    national security advizer
    dtype: object
    """
    key = labels.str.casefold()
    for pattern, replacement in _SPELLING_RULES:
        key = key.str.replace(pattern, replacement, regex=True)
    return key


def _label_examples(labelled: pd.DataFrame, sentences: pd.DataFrame, keys: list[str],
                    examples: int) -> pd.DataFrame:
    """The first ``examples`` distinct sentences of each label, newline-joined."""
    require_columns(sentences, "sentences", ("doc_id", "sent_id", "text"))
    first = labelled.drop_duplicates([*keys, "doc_id", "sent_id"]).groupby(keys).head(examples)
    first = first.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"],
                        how="left")
    first_bad(first, first["text"].isna(), "mentions",
               "points to a sentence that is not in sentences: pass the sentences of the "
               "same articles")
    first["text"] = _collapse(first["text"])
    return first.groupby(keys, sort=False)["text"].agg("\n".join).rename("examples").reset_index()
