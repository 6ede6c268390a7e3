"""Attributions: who says (or thinks, or reports) what, with cue, source and content spans.

:func:`find_attributions` returns the ``attributions`` table: one row per
content piece of each attribution found. Candidate places come from one pass
of the cue lexicon over all texts; only sentences holding a cue, and quotation
spans of the ``voice`` table, get further work. The rules, tuned on the train
and dev splits of PolNeAR (Newell, Margolin and Ruths, LREC 2018):

1. *Cues* are word forms of the cue lexicon (``resources/models/attribution.json``,
   built by ``benchmarks/build_attribution_model.py`` from PolNeAR train: the
   forms annotated as a cue at least ``min_count`` times and in at least the
   model's ``min_precision`` of their occurrences, and the inflections of those
   verbs that train never shows, such as "repeats" or "yells"), plus the phrase
   "according to", that pass the learned cue filter (a logistic regression over
   the form, its lemma, so that an unseen inflection takes its verb's weight, and
   its neighbouring words, :mod:`sourcebias.segment.cue_features`).
2. *Source before the cue* ("Padrino said", "the ministry has also said",
   "who told"): after skipping auxiliaries, adverbs, words of degree, verb forms
   ("have all but stopped confirming", "were far less divided") and a verb or
   adjective with "to" ("has to remind", "is likely to argue"), a pronoun, a
   relative pronoun, a run of capitalised words, or a noun phrase back to its
   determiner; after "and" or "but" ("appeared on a show and defended himself"),
   the subject that opens the sentence; or the name before an
   appositive ("Revesz, director of ..., said"), read up to 300 characters back,
   past an opening time or linking phrase ("On Wednesday, the director of the
   FBI, James Comey, said") and from a dash, semicolon or closing quotation
   (:mod:`sourcebias.segment.cues`).
3. *Source after the cue* ("said Padrino.", "according to the ministry,"): a
   noun phrase right after the cue that ends its clause; after "according to",
   the words up to the end of its clause ("according to the Bureau of Labor
   Statistics."); after a closing quotation ('", said former congressman Barney
   Frank', '", said he'), any noun phrase of up to seven words, and only there a
   pronoun.
4. *Content after the cue* ("Padrino said (that) the coup had failed."): from
   after the cue and its object, at a "that" or after a colon, to the end of
   the sentence; a preposition that opens it belongs to the cue ("called for",
   "spoke about"); a quotation that starts there and runs on is followed to its end.
5. *Content before the cue* ('"We stand firm," he said.', "The coup failed,
   Padrino said."): from the sentence start, or the start of a quotation that
   reaches into the sentence, to the comma before the source. With the cue
   in the middle ("The coup, he said, failed.") both sides are content. An
   opening phrase before the comma is not content when more than a time or
   place follows the cue ("After the meeting, the ministry said that ...").
6. *Quotations without a cue* (quote voice spans that are not scare quotes and
   hold no attribution yet) are direct content; their source is that of the
   nearest attribution before them in the same or the previous paragraph.
7. *Participles after a comma or "by", "while", "after", "before", "when", "in"*
   ('"...," the mayor said, adding that ...', "keeping a lid on his appeal by
   touting her record"): the content after the cue has the source of the cue
   before it in the sentence, or else the subject that opens the sentence. A
   participle that opens the sentence ("Conceding that the deal was dead, the
   senator called ...") takes the subject after its comma, its content running
   to that comma.

``kind`` is ``direct`` when the content lies within quotation spans,
``mixed`` when it holds quoted and unquoted words, ``indirect`` otherwise.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from importlib.resources import files

import numpy as np
import pandas as pd

from sourcebias.segment import cues as rules
from sourcebias.segment.cue_features import encode, scores
from sourcebias.tables import code_points

#: Columns of the ``attributions`` table.
COLUMNS = (
    "doc_id", "attribution_id", "kind", "content_start", "content_end", "cue_start",
    "cue_end", "cue", "source_start", "source_end", "source_text", "source_actor",
    "source_name",
)

_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class CueModel:
    """The cue lexicon, the automaton that finds its forms, and the learned cue filter.

    ``weights``, ``bias`` and ``threshold`` are those of the logistic
    regression of :mod:`sourcebias.segment.cue_features` (weights per feature
    family and value). With no weights every candidate is kept.
    """

    forms: tuple[str, ...]
    finder: rules.CueFinder
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.0

    @classmethod
    def from_forms(cls, forms: list[str], **filter_) -> CueModel:
        """Compile a lexicon of lower-case cue word forms ("according to" is always one)."""
        forms = tuple(sorted({*forms, "according to"}))
        return cls(forms=forms, finder=rules.CueFinder(forms), **filter_)

    def keep(self, corpus: str, layout: rules.Layout, cues: np.ndarray, sentence: np.ndarray,
             code: np.ndarray | None = None) -> np.ndarray:
        """Whether each cue candidate passes the filter (its score reaches the threshold);
        ``code``: the :func:`~sourcebias.tables.code_points` of ``corpus``, if at hand."""
        if not self.weights or len(cues) == 0:
            return np.ones(len(cues), dtype=bool)
        values = encode(corpus, cues, layout.sent_start[sentence], layout.sent_end[sentence],
                          rules.quoted(cues[:, 0], layout),
                          rules.quote_in_sentence(sentence, layout), code)
        return scores(values, self.weights, self.bias) >= self.threshold


@functools.cache
def load_model() -> CueModel:
    """The cue lexicon and filter shipped in ``resources/models/attribution.json``."""
    path = files("sourcebias") / "resources" / "models" / "attribution.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    found = data.get("filter", {})
    return CueModel.from_forms(
        [row[0] for row in data["cues"]], weights=found.get("weights", {}),
        bias=found.get("bias", 0.0), threshold=found.get("threshold", 0.0))


def corpus_layout(articles: pd.DataFrame, sentences: pd.DataFrame, voice: pd.DataFrame
                  ) -> tuple[str, np.ndarray, rules.Layout]:
    """The corpus string of all texts, each article's start offset in it, and the layout.

    The texts are joined by blank lines, behind one; the layout holds the
    sentences (sorted; a sentence that opens with a dateline starts after it),
    paragraphs and quotation spans in global offsets.
    """
    texts = articles["text"].tolist()
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    doc_start = np.cumsum(np.concatenate([[len(_SEPARATOR)], lengths + len(_SEPARATOR)]))[:-1]
    corpus = _SEPARATOR + _SEPARATOR.join(texts)
    index = pd.Index(articles["doc_id"])
    s_doc = index.get_indexer(sentences["doc_id"])
    v_doc = index.get_indexer(voice["doc_id"])
    quotes = voice["voice"].to_numpy() == "quote"
    layout = rules.Layout(
        sent_start=sentences["start"].to_numpy(np.int64) + doc_start[s_doc],
        sent_end=sentences["end"].to_numpy(np.int64) + doc_start[s_doc],
        para=sentences["para_id"].to_numpy(np.int64) + 100_000 * s_doc,
        quote_start=voice["start"].to_numpy(np.int64)[quotes] + doc_start[v_doc[quotes]],
        quote_end=voice["end"].to_numpy(np.int64)[quotes] + doc_start[v_doc[quotes]],
        quote_scare=voice["scare"].to_numpy(bool)[quotes],
    )
    order = np.argsort(layout.sent_start, kind="stable")
    layout = layout.sorted(order)
    return corpus, doc_start, replace(
        layout, sent_start=rules.after_datelines(corpus, layout.sent_start))


def find_attributions(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    voice: pd.DataFrame,
    *,
    model: CueModel | None = None,
) -> pd.DataFrame:
    """Find the attributions of each article: cue, source and content spans.

    Parameters
    ----------
    articles : pandas.DataFrame
        An ``articles`` table (``doc_id``, ``text``).
    sentences, voice : pandas.DataFrame
        The tables :func:`sourcebias.segment.segment` returns for ``articles``.
    model : CueModel, optional
        The cue lexicon (default: :func:`load_model`).

    Returns
    -------
    pandas.DataFrame
        The ``attributions`` table, columns :data:`COLUMNS`: one row per
        content piece; offsets into ``articles.text``; ``attribution_id``
        numbers the attributions of an article from 0; ``source_start``,
        ``source_end`` are -1 and ``source_text`` is empty when no source was
        found; ``source_actor`` and ``source_name`` are empty (filled by
        :func:`sourcebias.annotate.sources.resolve_sources`).

    Examples
    --------
    >>> import pandas as pd
    >>> from sourcebias.segment.sentences import segment_articles
    >>> articles = pd.DataFrame({"doc_id": ["a"], "title": [None],
    ...                          "text": ["Padrino said the coup had failed."]})
    >>> found = find_attributions(articles, *segment_articles(articles))
    >>> found[["kind", "cue", "source_text"]].values.tolist()
    [['indirect', 'said', 'Padrino']]
    >>> articles["text"][0][found["content_start"][0]:found["content_end"][0]]
    'the coup had failed'
    """
    steps = list(attribution_steps(articles, sentences, voice, model or load_model()))
    return steps[-1][1]  # the table, yielded by the last step


def attribution_steps(articles: pd.DataFrame, sentences: pd.DataFrame, voice: pd.DataFrame,
                      model: CueModel) -> Iterator[tuple[str, pd.DataFrame | None]]:
    """The steps of :func:`find_attributions`, run one at a time.

    The steps are the corpus string and its layout (:func:`corpus_layout`), the cue
    candidates (:func:`~sourcebias.segment.cues.candidates`), the cue filter
    (:meth:`CueModel.keep`), the span rules (:func:`~sourcebias.segment.cues.attributions`)
    and the table in article offsets; ``benchmarks/bench_attribution.py`` times each.

    Parameters
    ----------
    articles, sentences, voice : pandas.DataFrame
        As for :func:`find_attributions`.
    model : CueModel
        The cue lexicon and filter.

    Yields
    ------
    tuple of (str, pandas.DataFrame or None)
        Each step's name once it has run, with ``None``; the last step
        (``"attributions table"``) with the table.
    """
    corpus, doc_start, layout = corpus_layout(articles, sentences, voice)
    code = code_points(corpus)
    yield "corpus and layout", None
    cues, sentence = rules.candidates(corpus, layout, model.finder, code)
    yield "cue candidates", None
    keep = model.keep(corpus, layout, cues, sentence, code)
    yield "cue filter", None
    found = rules.attributions(corpus, layout, cues[keep], sentence[keep], code)
    yield "span rules", None
    yield "attributions table", _table(found, corpus, doc_start, articles["doc_id"].to_numpy(),
                                       layout)


def _table(
    found: pd.DataFrame,
    corpus: str,
    doc_start: np.ndarray,
    doc_ids: np.ndarray,
    layout: rules.Layout,
) -> pd.DataFrame:
    """The ``attributions`` table from global offsets."""
    if found.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    anchor = np.where(found["cue_start"] >= 0, found["cue_start"], found["content_start"])
    found = found.assign(anchor=anchor).sort_values(
        ["anchor", "attribution", "content_start"], kind="stable", ignore_index=True)
    doc = np.searchsorted(doc_start, found["anchor"].to_numpy(), side="right") - 1
    base = doc_start[doc]
    has_source = found["source_start"].to_numpy() >= 0
    has_cue = found["cue_start"].to_numpy() >= 0
    first = np.r_[True, doc[1:] != doc[:-1]]
    attribution = found["attribution"].to_numpy()
    new = np.r_[True, attribution[1:] != attribution[:-1]]
    counter = np.cumsum(new) - 1
    attribution_id = counter - np.maximum.accumulate(np.where(first, counter, 0))
    kind = rules.kinds(found, layout)
    return pd.DataFrame({
        "doc_id": doc_ids[doc],
        "attribution_id": attribution_id.astype(np.int64),
        "kind": kind,
        "content_start": found["content_start"].to_numpy() - base,
        "content_end": found["content_end"].to_numpy() - base,
        "cue_start": np.where(has_cue, found["cue_start"].to_numpy() - base, -1),
        "cue_end": np.where(has_cue, found["cue_end"].to_numpy() - base, -1),
        "cue": [corpus[a:b] if a >= 0 else "" for a, b in
                zip(found["cue_start"].tolist(), found["cue_end"].tolist(), strict=True)],
        "source_start": np.where(has_source, found["source_start"].to_numpy() - base, -1),
        "source_end": np.where(has_source, found["source_end"].to_numpy() - base, -1),
        "source_text": [corpus[a:b] if a >= 0 else "" for a, b in zip(
            found["source_start"].tolist(), found["source_end"].tolist(), strict=True)],
        "source_actor": "",
        "source_name": "",
    })
