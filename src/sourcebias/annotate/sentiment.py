"""Sentence-level sentiment with VADER, plain and with domain valence entries.

VADER (Hutto & Gilbert, "VADER: A Parsimonious Rule-based Model for Sentiment
Analysis of Social Media Text", ICWSM 2014) scores a short text from a lexicon
of word valences (-4..+4) adjusted by rules for negation, boosters, "but", ALL
CAPS and "!"/"?". It is meant for sentences, so every sentence is scored on its
own, never a whole article.

What a user should know:

* Scores equal those of ``vaderSentiment.SentimentIntensityAnalyzer
  .polarity_scores`` (version 3.3.2) on the same text, to the last bit; they
  are computed by an exact, faster re-implementation (``sourcebias.annotate.vader``).
* Before scoring, typographic quotes, apostrophes, dashes and ellipses are
  folded to ASCII (``ascii_punctuation=True``): VADER strips only ASCII
  punctuation from a token, so it would not see “traitors” as traitors, nor
  don’t as a negation.
* With ``voice`` and ``articles``, each sentence is scored twice: as written
  (``scope="sentence"``) and with its quote spans blanked out
  (``scope="narrator"``), so that a quoted insult does not count as the
  outlet's tone. Scare quotes are removed too unless ``scare_as_narrator``.
  A sentence with no word outside quotation marks gets NaN narrator scores
  (the row is kept, so every sentence has one row per scope).
* ``domain=True`` adds the entries of ``data/lexicons/valence.yaml`` to VADER's
  lexicon and reports both lexicons side by side. VADER looks words up one
  whitespace-separated token at a time, so entries are single words
  (``self-proclaimed`` is one token); phrases such as "interim president"
  cannot be entries.
* Speed: identical texts (wire copy repeated across outlets, and the narrator
  text of a sentence without quotes) are scored once, all at once with arrays
  (:func:`sourcebias.annotate.vader_batch.score_texts`); with ``domain=True``
  the texts are split into tokens once and only texts that contain a domain
  word are scored a second time; ``n_jobs`` spreads the scoring over processes
  without changing the result.
"""

from __future__ import annotations

import logging
import math
import os
import re
import string
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from itertools import groupby, repeat
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from vaderSentiment.vaderSentiment import BOOSTER_DICT

from sourcebias.annotate.vader import SCORES, FastVader
from sourcebias.annotate.vader_batch import score_texts
from sourcebias.checks import require_columns
from sourcebias.config import DEFAULT_VALENCE
from sourcebias.tables import (
    byte_to_character_offsets,
    character_to_byte_offsets,
    ranges,
    utf8_buffers,
    utf8_code_points,
)

LOG = logging.getLogger("sourcebias.annotate.sentiment")

#: Typographic punctuation folded to ASCII before scoring: VADER strips only
#: ASCII punctuation from a token's ends and spots negations by "n't", so
#: “traitors” or don’t would otherwise not be recognised.
ASCII_PUNCTUATION = {
    **dict.fromkeys("‘’‚‛′", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―", "-"),
    "…": "...",
}


_VALENCE_KEYS = ("word", "valence", "why")

#: A word character, as the narrator text of a sentence needs one to be scored.
_WORD = re.compile(r"\w")


#: Fewer distinct texts than this are scored in-process whatever ``n_jobs`` says:
#: starting processes would take longer than scoring them.
_PARALLEL_FROM = 10_000


def read_valence(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read and check a file of domain valence entries.

    Parameters
    ----------
    path : str or path-like, optional
        A YAML list of ``{word, valence, why}`` entries; by default
        ``data/lexicons/valence.yaml``.

    Returns
    -------
    pandas.DataFrame
        ``word``, ``valence``, ``why`` and ``line`` (1-based line in the file),
        one row per entry, in file order.

    Raises
    ------
    ValueError
        Naming the file, the line and the entry, when the file is not a YAML
        list, or an entry lacks a key or has an unknown one, or its word is not a
        single lower-case token that VADER could look up, is already in VADER's
        lexicon or repeats an earlier entry, or its valence is not a non-zero
        number within VADER's -4..+4 scale, or it has no justification.

    Examples
    --------
    >>> entries = read_valence()
    >>> entries.set_index("word").loc["traitors", "valence"]
    np.float64(-2.8)
    """
    path = Path(DEFAULT_VALENCE if path is None else path)
    stat = path.stat()
    return _read_valence(path.resolve(), stat.st_mtime_ns, stat.st_size).copy()


@cache
def _read_valence(path: Path, mtime_ns: int, size: int) -> pd.DataFrame:
    """:func:`read_valence` of ``path``, read once per version of the file (its
    modification time and size) in a process."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        line = error.problem_mark.line + 1 if getattr(error, "problem_mark", None) else "?"
        raise ValueError(f"{path}, line {line}: not valid YAML ({error}); fix the syntax") from None
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of {{word, valence, why}} entries")
    vader = _analyzer(()).lexicon
    rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for node, entry in zip(root.value, data, strict=True):
        line = node.start_mark.line + 1
        _check_entry(entry, node, vader, seen, where=f"{path}, line {line}")
        seen[entry["word"]] = line
        rows.append({**entry, "valence": float(entry["valence"]), "line": line})
    return pd.DataFrame(rows, columns=[*_VALENCE_KEYS, "line"])


def _check_entry(
    entry: object,
    node: yaml.Node,
    vader: Mapping[str, float],
    seen: Mapping[str, int],
    *,
    where: str,
) -> None:
    """Raise ``ValueError`` at ``where`` unless ``entry`` is a usable valence entry."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected {{word: ..., valence: ..., why: ...}}, got {entry!r}")
    keys = [key.value for key, _ in node.value]
    word = entry.get("word")
    label = f"{where}, entry {word!r}"
    if sorted(keys) != sorted(_VALENCE_KEYS):
        raise ValueError(f"{label}: has keys {keys}; give exactly word, valence and why")
    problem = _word_problem(word, vader, seen) or _valence_problem(entry["valence"])
    if problem is None and not (isinstance(entry["why"], str) and entry["why"].strip()):
        problem = "has no justification; say in `why` what the valence rests on"
    if problem:
        raise ValueError(f"{label}: {problem}")


def _word_problem(word: object, vader: Mapping[str, float], seen: Mapping[str, int]) -> str | None:
    """Why VADER could not use ``word`` as a lexicon entry, or None."""
    if not isinstance(word, str) or not word:
        return "word must be a non-empty string"
    if word.split() != [word]:
        return "VADER looks up one whitespace-free token at a time; use a single word"
    if word != word.lower():
        return f"VADER lower-cases tokens before look-up; write it as {word.lower()!r}"
    if word != word.strip(string.punctuation):
        return "VADER strips punctuation from token ends; remove it from the word"
    if word in BOOSTER_DICT:
        return "VADER treats it as an intensifier and never looks up its valence; remove it"
    if word in vader:
        return f"already in VADER's lexicon with valence {vader[word]}; remove the entry"
    if word in seen:
        return f"repeats the entry on line {seen[word]}; keep one"
    return None


def _valence_problem(valence: object) -> str | None:
    """Why ``valence`` is not a usable VADER valence, or None."""
    if isinstance(valence, bool) or not isinstance(valence, int | float):
        return f"valence {valence!r} is not a number; give one between -4 and 4"
    if not math.isfinite(valence) or not -4 <= valence <= 4:
        return f"valence {valence} is outside VADER's -4..+4 scale"
    if valence == 0:
        return "valence 0 carries no sentiment; remove the entry"
    return None


def score_sentiment(
    sentences: pd.DataFrame,
    *,
    voice: pd.DataFrame | None = None,
    articles: pd.DataFrame | None = None,
    domain: bool = False,
    valence: str | os.PathLike[str] | None = None,
    scare_as_narrator: bool = False,
    ascii_punctuation: bool = True,
    n_jobs: int = 1,
    warn_languages: bool = True,
) -> pd.DataFrame:
    """Score every sentence with VADER, optionally also its narrator-only text.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The ``sentences`` table (``doc_id``, ``sent_id``, ``text``; with
        ``voice``, also ``start`` and ``end``).
    voice : pandas.DataFrame, optional
        The ``voice`` table of the same articles. With ``articles``, each
        sentence is also scored with its quote spans removed (``scope`` =
        ``narrator``), so that a quoted insult does not count as the outlet's
        own tone.
    articles : pandas.DataFrame, optional
        The ``articles`` table (``doc_id``, ``text``); needed with ``voice``.
    domain : bool, default False
        Also score with VADER's lexicon plus the domain valence entries, and
        return both (``lexicon`` = ``vader`` and ``vader+domain``).
    valence : str or path-like, optional
        The domain valence file (see :func:`read_valence`); only with
        ``domain=True``. By default ``data/lexicons/valence.yaml``.
    scare_as_narrator : bool, default False
        Keep scare quotes (``voice.scare``, a short quoted label such as
        "legitimate") in the narrator text, as the outlet's own wording. By
        default every quote span is removed.
    ascii_punctuation : bool, default True
        Fold typographic quotes, apostrophes, dashes and ellipses to ASCII
        before scoring (see :data:`ASCII_PUNCTUATION`). VADER strips only ASCII
        punctuation from tokens, so without this “traitors” is not the word
        traitors and don’t is not a negation.
    n_jobs : int, default 1
        Processes to score with; ``-1`` uses every core. Output does not
        depend on it.
    warn_languages : bool, default True
        Log a warning naming the languages of the sentences left unscored
        (``analyze`` turns it off per chunk and warns once per run).

    Returns
    -------
    pandas.DataFrame
        One row per sentence, lexicon and scope, in the order of ``sentences``:
        ``doc_id``, ``sent_id``, ``lexicon``, then ``scope`` (only with
        ``voice``), then VADER's ``neg``, ``neu``, ``pos`` (shares of the
        text's words that are negative, neutral, positive) and ``compound``
        (the sum of word valences after VADER's rules, normalised as
        ``x / sqrt(x**2 + 15)`` into -1..1). A sentence whose narrator text
        has no word (it is all quotation) has NaN narrator scores, and the
        sentences of an article whose ``language`` (a column of ``articles``)
        is known and not ``en`` have NaN scores, with a warning.
        ``attrs["unique_texts"]`` counts the distinct texts scored and
        ``attrs["stock_fallbacks"]`` those (texts with an emoji) scored by
        vaderSentiment itself rather than its faster exact equivalent.

    Raises
    ------
    ValueError
        When a column is missing, a sentence has no text, ``voice`` or
        ``articles`` lacks an article of ``sentences``, only one of them is
        given, ``valence`` is given without ``domain`` or the valence file has a
        bad entry (see :func:`read_valence`).

    Examples
    --------
    >>> sentences = pd.DataFrame(
    ...     {"doc_id": ["a", "b"], "sent_id": [0, 0],
    ...      "text": ["The armed forces remain firm.", "Traitors led the coup."]}
    ... )
    >>> score_sentiment(sentences, domain=True)[["doc_id", "lexicon", "compound"]]
      doc_id       lexicon  compound
    0      a         vader    0.0000
    1      a  vader+domain    0.0000
    2      b         vader    0.0000
    3      b  vader+domain   -0.7845
    """
    require_columns(sentences, "sentences", ("doc_id", "sent_id", "text"))
    if (voice is None) != (articles is None):
        raise ValueError("give both voice= and articles= to score narrator-only text, or neither")
    if valence is not None and not domain:
        raise ValueError("valence= is only used with domain=True; add domain=True or drop it")
    sentences = sentences.reset_index(drop=True)
    texts = {"sentence": _arrow_strings(_sentence_texts(sentences))}
    if voice is not None:
        texts["narrator"] = _narrator_texts(
            sentences, texts["sentence"], voice=voice, articles=articles,
            scare_as_narrator=scare_as_narrator
        )
    unscored = _not_english(sentences, articles, warn=warn_languages).to_numpy(bool)
    empty = pa.scalar(None, pa.large_string())
    encoded = pc.dictionary_encode(pa.concat_arrays(
        [pc.if_else(pa.array(unscored), empty, text) for text in texts.values()]))
    codes = pc.fill_null(encoded.indices, -1).to_numpy()
    unique_texts = _folded(encoded.dictionary) if ascii_punctuation else encoded.dictionary
    lexicons = {"vader": ()}
    if domain:
        entries = read_valence(valence)
        lexicons["vader+domain"] = tuple(sorted(zip(entries["word"], entries["valence"],
                                                    strict=True)))
    scores, fallbacks = _score_unique(unique_texts, lexicons=tuple(lexicons.values()),
                                      n_jobs=n_jobs)
    blocks = dict(zip(lexicons, scores, strict=True))
    per_text = [_per_text(block, codes) for block in blocks.values()]
    out = _long_table(sentences, per_text, lexicons=list(blocks), scopes=list(texts))
    if voice is None:
        out = out.drop(columns="scope")
    out.attrs.update(unique_texts=len(unique_texts), stock_fallbacks=fallbacks,
                     not_english=int(unscored.sum()))
    return out


def _per_text(block: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The scores of each text (a row of ``block`` by its code), NaN for code -1 (no text,
    or a text left unscored), even when no text was scored."""
    out = np.full((len(codes), block.shape[1]), np.nan)
    known = codes >= 0
    out[known] = block[codes[known]]
    return out


def _not_english(sentences: pd.DataFrame, articles: pd.DataFrame | None, *,
                 warn: bool) -> pd.Series:
    """Which sentences belong to an article whose ``language`` is known and not English
    (VADER's lexicon and rules are English only); with ``warn``, each batch of them is
    logged once."""
    if articles is None or "language" not in articles.columns:
        return pd.Series(False, index=sentences.index)
    language = articles.set_index("doc_id")["language"]
    other = language[language.notna() & (language != "en")]
    unscored = sentences["doc_id"].isin(other.index)
    if warn and unscored.any():
        found = other[other.index.isin(sentences["doc_id"])].value_counts()
        LOG.warning(
            f"sentiment: {int(unscored.sum())} sentence(s) of {int(found.sum())} article(s) "
            f"not in English ({', '.join(f'{code}: {n}' for code, n in found.items())}) are "
            "left unscored (NaN): VADER is English only")
    return unscored


def _sentence_texts(sentences: pd.DataFrame) -> pd.Series:
    """The sentence texts, checked to be strings."""
    texts = sentences["text"]
    kind = pd.api.types.infer_dtype(texts, skipna=False)
    if kind not in ("string", "empty") or texts.isna().any():
        not_text = ~texts.map(lambda text: isinstance(text, str), na_action=None) | texts.isna()
        row = int(not_text.to_numpy().argmax())
        raise ValueError(
            f"sentences row {row} (doc_id {sentences['doc_id'][row]!r}, "
            f"sent_id {sentences['sent_id'][row]}) has no text ({not_text.sum()} such rows); "
            "drop or fill them"
        )
    return texts


def _narrator_texts(
    sentences: pd.DataFrame,
    texts: pa.Array,
    *,
    voice: pd.DataFrame,
    articles: pd.DataFrame,
    scare_as_narrator: bool,
) -> pa.Array:
    """Each sentence's text with its quote spans blanked out (an Arrow array); null where no
    word is left.

    A removed quote becomes white space, so the words on either side stay
    separate tokens and the offsets of the sentence still hold. ``texts`` are the
    sentence texts: as they are the article's text between the sentence's offsets,
    only the sentences a quote reaches are cut (:func:`_blank_sentences`). The
    sentences of an article whose tables do not line up so (a text's length is not
    ``end - start``, or two of its sentences or two of its spans overlap) are cut
    from its blanked text instead (:func:`_blank_articles`); the choice is made per
    article, so a sentence's text never depends on the other articles scored with it.
    """
    require_columns(sentences, "sentences", ("start", "end"))
    require_columns(voice, "voice", ("doc_id", "start", "end", "voice", "scare"))
    require_columns(articles, "articles", ("doc_id", "text"))
    for table, name in ((voice, "voice"), (articles, "articles")):
        absent = pd.Index(sentences["doc_id"].unique()).difference(table["doc_id"].unique())
        if len(absent):
            raise ValueError(
                f"{name} table lacks article {absent[0]!r} ({len(absent)} article(s) of the "
                f"sentences are missing); pass the {name} table of the same articles"
            )
    removed = voice["voice"].eq("quote") & _among(voice["doc_id"], sentences["doc_id"])
    if scare_as_narrator:
        removed &= ~voice["scare"].astype(bool)
    spans = voice[removed]
    aligned = _aligned(sentences, texts, spans)
    if aligned.all():
        narrator = _blank_sentences(sentences, texts, spans)
    else:
        mask = pa.array(aligned)
        kept = _blank_sentences(sentences[aligned], texts.filter(mask),
                                spans[spans["doc_id"].isin(sentences["doc_id"][aligned])])
        cut = _blank_articles(sentences[~aligned], articles, spans)
        narrator = pc.replace_with_mask(pc.replace_with_mask(texts, mask, kept.cast(texts.type)),
                                        pc.invert(mask), cut.cast(texts.type))
    return pc.if_else(_has_word(narrator), narrator, pa.scalar(None, pa.large_string()))


def _aligned(sentences: pd.DataFrame, texts: pa.Array, spans: pd.DataFrame) -> np.ndarray:
    """Whether the sentence ``texts`` of each sentence's article can stand for the article's
    text: each is ``end - start`` long, and no two sentences and no two ``spans`` of the
    article overlap."""
    start, end = (sentences[name].to_numpy(np.int64) for name in ("start", "end"))
    doc = pd.factorize(pd.concat([sentences["doc_id"], spans["doc_id"]], ignore_index=True))[0]
    n = len(start)
    unaligned = np.zeros(int(doc.max(initial=-1)) + 1, dtype=bool)
    length = pc.utf8_length(texts).to_numpy(zero_copy_only=False)
    unaligned[doc[:n][length != end - start]] = True
    for at, lo, hi in ((doc[:n], start, end),
                       (doc[n:], *(spans[name].to_numpy(np.int64) for name in ("start", "end")))):
        order = np.lexsort((lo, at))
        at, lo, hi = at[order], lo[order], hi[order]
        unaligned[at[:-1][(at[:-1] == at[1:]) & (hi[:-1] > lo[1:])]] = True
    return ~unaligned[doc[:n]]


def _blank_sentences(sentences: pd.DataFrame, texts: pa.Array, spans: pd.DataFrame) -> pa.Array:
    """The sentence ``texts`` with the parts inside ``spans`` replaced by spaces; the
    texts and spans line up with their articles (:func:`_aligned`).

    Sentences and spans are placed on one line by ``article * (longest end + 1) +
    offset`` and sorted; each span reaches the sentences from the first ending after
    its start to the last starting before its end (:func:`_blank_cuts`).
    """
    start, end = (sentences[name].to_numpy(np.int64) for name in ("start", "end"))
    doc = pd.factorize(pd.concat([sentences["doc_id"], spans["doc_id"]], ignore_index=True))[0]
    span_start, span_end = (spans[name].to_numpy(np.int64) for name in ("start", "end"))
    width = int(max(end.max(initial=0), span_end.max(initial=0))) + 1
    lines = []
    for at, lo, hi in ((doc[:len(start)] * width, start, end),
                       (doc[len(start):] * width, span_start, span_end)):
        order = np.argsort(at + lo, kind="stable")
        lines.append((order, (at + lo)[order], (at + hi)[order]))
    (order, lo, hi), (_, span_lo, span_hi) = lines
    first = np.searchsorted(hi, span_lo, side="right")
    span, place = ranges(first, np.searchsorted(lo, span_hi))
    return _blank_cuts(texts, order[place], np.maximum(span_lo[span], lo[place]) - lo[place],
                       np.minimum(span_hi[span], hi[place]) - lo[place])


def _blank_cuts(texts: pa.Array, rows: np.ndarray, start: np.ndarray,
                end: np.ndarray) -> pa.Array:
    """``texts`` with the characters ``start[i]`` to ``end[i]`` of text ``rows[i]`` (cuts that
    do not overlap) replaced by spaces, one per character.

    Done on the UTF-8 bytes of the texts cut, taken together: within a cut, the
    first byte of each character becomes a space and its continuation bytes
    (``10xxxxxx``) are dropped; the texts' byte offsets move back by the bytes
    dropped before them.
    """
    if not len(rows):
        return texts
    cut = np.unique(rows)
    data, bounds = utf8_buffers(texts.take(pa.array(cut)))
    data = data.copy()
    at = byte_to_character_offsets(data, bounds)[np.searchsorted(cut, rows)]
    lo, hi = (character_to_byte_offsets(data, at + offset) for offset in (start, end))
    lo, hi = lo[hi > lo], hi[hi > lo]
    edges = np.zeros(len(data) + 1, dtype=np.int8)
    edges[lo] += 1
    edges[hi] -= 1
    inside = np.cumsum(edges[:-1], dtype=np.int8).view(bool)
    continuation = (data & 0xC0) == 0x80
    data[inside & ~continuation] = ord(" ")
    mask = np.zeros(len(texts), dtype=bool)
    mask[cut] = True
    return pc.replace_with_mask(texts, pa.array(mask),
                                _from_utf8(data, bounds, inside & continuation))


def _from_utf8(data: np.ndarray, bounds: np.ndarray, dropped: np.ndarray) -> pa.Array:
    """The texts of :func:`sourcebias.tables.utf8_buffers`'s ``data`` and ``bounds`` with
    the ``dropped`` bytes taken out (each text's offsets move back by the bytes dropped
    before them)."""
    bounds = bounds - np.searchsorted(np.flatnonzero(dropped), bounds)
    return pa.LargeStringArray.from_buffers(len(bounds) - 1, pa.py_buffer(bounds),
                                            pa.py_buffer(data[~dropped]))


def _blank_articles(sentences: pd.DataFrame, articles: pd.DataFrame,
                    spans: pd.DataFrame) -> pa.Array:
    """The sentences' offsets cut from the articles' texts with ``spans`` replaced by spaces."""
    texts = dict(zip(articles["doc_id"].tolist(), articles["text"].tolist(), strict=True))
    blanked = _blank_spans(texts, spans)
    columns = (sentences[column].tolist() for column in ("doc_id", "start", "end"))
    return pa.array([blanked[doc][start:end] for doc, start, end in zip(*columns, strict=True)],
                    pa.large_string())


def _among(values: pd.Series, chosen: pd.Series) -> pd.Series:
    """``values.isin(chosen)``, by Arrow when both are string columns."""
    if not (isinstance(values.dtype, pd.StringDtype) and isinstance(chosen.dtype, pd.StringDtype)):
        return values.isin(chosen.unique())
    found = pc.is_in(_arrow_strings(values), pc.unique(_arrow_strings(chosen)))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def _has_word(texts: pa.Array) -> pa.Array:
    """Whether each text holds a word character (Python's ``\\w``): by Arrow, whose ``\\w``
    is Python's on ASCII characters, and by Python's ``re`` for the texts with other
    characters where Arrow found none."""
    found = pc.match_substring_regex(texts, r"\w").to_numpy(zero_copy_only=False)
    other = np.flatnonzero(~found & ~pc.string_is_ascii(texts).to_numpy(zero_copy_only=False))
    if len(other):
        found[other] = [_WORD.search(text) is not None
                        for text in texts.take(pa.array(other)).to_pylist()]
    return pa.array(found)


def _blank_spans(texts: dict[str, str], spans: pd.DataFrame) -> dict[str, str]:
    """``texts`` with every span (``doc_id``, ``start``, ``end``) replaced by spaces."""
    blanked = dict(texts)
    spans = spans.sort_values(["doc_id", "start"], kind="stable")
    rows = zip(*(spans[column].tolist() for column in ("doc_id", "start", "end")), strict=True)
    for doc, doc_spans in groupby(rows, key=itemgetter(0)):
        text, parts, done = texts[doc], [], 0
        for _, start, end in doc_spans:
            parts += (text[done:start], " " * (end - start))
            done = end
        parts.append(text[done:])
        blanked[doc] = "".join(parts)
    return blanked


@cache
def _analyzer(extra: tuple[tuple[str, float], ...]) -> FastVader:
    """One scorer per lexicon, built once per process."""
    return FastVader(dict(extra))


def _arrow_strings(texts: pd.Series) -> pa.Array:
    """``texts`` as one Arrow array of large strings."""
    array = pa.array(texts.array, pa.large_string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _folded(texts: pa.Array) -> pa.Array:
    """``texts`` with :data:`ASCII_PUNCTUATION` applied (only texts that are not ASCII can
    hold such a mark).

    Done on the UTF-8 bytes of those texts, taken together: the code point of each
    character of two bytes or more is read from its bytes, and where it is a mark
    its bytes are overwritten with the ASCII replacement (never longer) and the rest
    dropped; the texts' byte offsets move back by the bytes dropped before them.
    """
    other = pc.invert(pc.string_is_ascii(texts))
    if not pc.any(other).as_py():
        return texts
    data, bounds = utf8_buffers(texts.filter(other))
    data = data.copy()
    lead = np.flatnonzero(data >= 0xC0)
    point = utf8_code_points(data, lead)
    dropped = np.zeros(len(data), dtype=bool)
    for mark, ascii_mark in ASCII_PUNCTUATION.items():
        at = lead[point == ord(mark)]
        width, replacement = len(mark.encode("utf-8")), ascii_mark.encode("ascii")
        for k in range(width):
            if k < len(replacement):
                data[at + k] = replacement[k]
            else:
                dropped[at + k] = True
    return pc.replace_with_mask(texts, other, _from_utf8(data, bounds, dropped).cast(texts.type))


def _score_chunk(
    texts: pa.Array, lexicons: tuple[tuple[tuple[str, float], ...], ...]
) -> tuple[list[np.ndarray], int]:
    """Scores of ``texts`` as an (n, 4) array per lexicon (VADER's plus extra entries), and
    how many went to the stock method."""
    return score_texts(texts, [_analyzer(extra) for extra in lexicons])


def _score_unique(
    texts: pa.Array, *, lexicons: tuple[tuple[tuple[str, float], ...], ...], n_jobs: int
) -> tuple[list[np.ndarray], int]:
    """Score distinct texts with each lexicon, in ``n_jobs`` processes when asked, in input
    order."""
    workers = _workers(n_jobs)
    if workers == 1 or len(texts) < _PARALLEL_FROM:
        return _score_chunk(texts, lexicons)
    size = math.ceil(len(texts) / (workers * 4))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    with ProcessPoolExecutor(workers) as pool:
        parts = list(pool.map(_score_chunk, chunks, repeat(lexicons)))
    blocks = [np.vstack([scores[k] for scores, _ in parts]) for k in range(len(lexicons))]
    return blocks, sum(stock for _, stock in parts)


def _workers(n_jobs: int) -> int:
    """The number of processes ``n_jobs`` asks for."""
    if n_jobs == -1:
        return os.cpu_count() or 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"n_jobs={n_jobs!r}: give a positive number of processes, or -1 for all")
    return n_jobs


def _long_table(
    sentences: pd.DataFrame, blocks: list[np.ndarray], *, lexicons: list[str], scopes: list[str]
) -> pd.DataFrame:
    """Arrange per-lexicon blocks (rows scope-major) as one row per sentence, lexicon, scope.

    The string columns are built in Arrow (a take of string ids, the labels decoded
    from codes), never as Python objects per row.
    """
    n, n_lex, n_scope = len(sentences), len(lexicons), len(scopes)
    scores = np.stack(blocks).reshape(n_lex, n_scope, n, len(SCORES)).transpose(2, 0, 1, 3)
    per_sentence = n_lex * n_scope
    row = np.repeat(np.arange(n), per_sentence)
    labels = np.arange(per_sentence, dtype=np.int32)
    ids = sentences["doc_id"]
    table = pd.DataFrame(
        {
            "doc_id": (_arrow_strings(ids).take(pa.array(row)).to_pandas()
                       if isinstance(ids.dtype, pd.StringDtype) else ids.to_numpy()[row]),
            "sent_id": sentences["sent_id"].to_numpy()[row],
            "lexicon": _labels(np.tile(labels // n_scope, n), lexicons),
            "scope": _labels(np.tile(labels % n_scope, n), scopes),
        }
    )
    values = pd.DataFrame(scores.reshape(-1, len(SCORES)), columns=list(SCORES))
    return pd.concat([table, values], axis=1)


def _labels(codes: np.ndarray, labels: list[str]) -> pd.Series:
    """The ``labels`` at ``codes``, as a string column."""
    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(labels)).cast(
        pa.large_string()).to_pandas()
