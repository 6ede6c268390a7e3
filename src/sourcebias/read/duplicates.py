"""Exact and near-duplicate articles across a batch, by MinHash and locality-sensitive hashing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json

from sourcebias.read.furniture import as_arrow
from sourcebias.tables import utf8_buffers, utf8_code_points

if TYPE_CHECKING:
    from sourcebias.read.batch import PartRead

_SHINGLE_WORDS = 5

_N_HASHES = 32

_MIN_RECALL = 0.99

_MIX = np.uint64(0x9E3779B97F4A7C15)

_PAIR_CHUNK = 5000

_TEXT_CHUNK = 10_000

#: ``duplicate_kind`` by the code :class:`_Links` keeps.
_KINDS = np.array([None, "exact", "near"], dtype=object)

_EXACT, _NEAR = 1, 2



def _duplicates(doc_ids: pa.Array, dates: np.ndarray, fingerprints: dict[str, np.ndarray],
                shingles: _ShingleStore, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """For each article (see :meth:`BatchReader.duplicates`), the position of the
    earliest article it repeats (-1 for none) and the kind of repeat (a code of
    :data:`_KINDS`), from the articles' ``doc_id``, :func:`_date_ticks` and
    :func:`_fingerprints`. Earliest: by date, then ``doc_id``."""
    by_id = pc.rank(doc_ids, sort_keys="ascending", tiebreaker="first").to_numpy()
    order = np.lexsort((by_id, dates))
    del by_id
    _, first, inverse = np.unique(fingerprints["same_words"][order], return_index=True,
                                  return_inverse=True)
    first = first[inverse]
    del inverse
    exact = first != np.arange(len(order))
    of = np.full(len(order), -1, dtype=np.int64)
    kind = np.zeros(len(order), dtype=np.int8)
    of[order[exact]] = order[first[exact]]
    kind[order[exact]] = _EXACT
    del first
    candidates = np.flatnonzero(~exact & fingerprints["has_shingles"][order])
    pairs = _candidate_pairs(fingerprints["band_keys"][order[candidates]], candidates)
    pairs = pairs[_jaccard(shingles, order[pairs]) >= threshold]
    if len(pairs):
        earliest = pd.Series(pairs[:, 1]).groupby(pairs[:, 0]).min()
        later = order[earliest.index.to_numpy()]
        of[later] = order[earliest.to_numpy()]
        kind[later] = _NEAR
    return of, kind


def _plain_words(texts: pd.Series) -> pa.ListArray:
    r"""Each text as its list of lower-cased words of letters and digits (with an empty
    string where the text starts or ends with another character, or is empty).

    The same list as ``pc.split_pattern_regex(pc.utf8_lower(texts), r"[^\pL\pN]+")``
    (one split at each run of other characters), found with numpy over the UTF-8
    bytes: each character is a letter or digit as RE2 (the engine of that split)
    decides, asked once per distinct character, and the words are the bytes of the
    letters and digits, cut where a run of other characters was.
    """
    lowered = pc.utf8_lower(as_arrow(texts))
    data, offsets = utf8_buffers(lowered)
    other = ~_word_bytes(data)
    # the runs of other characters, each within one text: where one starts, where one
    # stops, and at a text's first byte, a run stops (the last text's) and one starts
    change = np.diff(other.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    inner = np.unique(offsets[(offsets > 0) & (offsets < len(data))])
    joint = inner[other[inner - 1] & other[inner]]
    run_start = np.sort(np.r_[np.flatnonzero(change == 1), joint], kind="stable")
    run_stop = np.sort(np.r_[np.flatnonzero(change == -1), joint], kind="stable")
    # where each run cuts the letters and digits once the other characters are taken out
    dropped = np.cumsum(run_stop - run_start)
    cuts = run_stop - dropped
    runs_before = np.searchsorted(run_start, offsets)
    starts = offsets - np.r_[0, dropped][runs_before]
    valid = lowered.is_valid().to_numpy(zero_copy_only=False)
    pieces = np.where(valid, np.diff(runs_before) + 1, 0)
    value_offsets = np.r_[np.insert(cuts, runs_before[:-1][valid], starts[:-1][valid]),
                          starts[-1]]
    values = pa.LargeStringArray.from_buffers(
        len(value_offsets) - 1, pa.py_buffer(value_offsets.astype(np.int64)),
        pa.py_buffer(data[~other].tobytes()))
    return pa.ListArray.from_arrays(pa.array(np.r_[0, np.cumsum(pieces)], pa.int32()), values,
                                    mask=None if valid.all() else pa.array(~valid))


#: Whether each ASCII character is a letter or digit (``[\pL\pN]``).
_ASCII_WORD = np.array([chr(c).isascii() and chr(c).isalnum() for c in range(128)])


def _word_bytes(data: np.ndarray) -> np.ndarray:
    r"""For each byte of UTF-8 text, whether it belongs to a letter or digit
    (``[\pL\pN]`` as RE2 matches it: each distinct non-ASCII character is asked of RE2)."""
    word = _ASCII_WORD[np.minimum(data, 127)]
    wide = np.flatnonzero(data >= 0xC0)  # the first bytes of the non-ASCII characters
    if not len(wide):
        return word
    code = utf8_code_points(data, wide)
    first = data[wide]
    distinct, which = np.unique(code, return_inverse=True)
    letters = pc.match_substring_regex(pa.array([chr(c) for c in distinct.tolist()]),
                                       r"^[\pL\pN]$").to_numpy(zero_copy_only=False)
    size = np.where(first < 0xE0, 2, np.where(first < 0xF0, 3, 4))
    word[np.repeat(wide, size) + (np.arange(size.sum()) - np.repeat(np.cumsum(size) - size,
                                                                     size))] = \
        np.repeat(letters[which], size)
    return word


#: The fingerprints of every article that :meth:`BatchReader` keeps.
_FINGERPRINTS = ("same_words", "band_keys", "has_shingles")


def _no_fingerprints(threshold: float) -> dict[str, np.ndarray]:
    """The :data:`_FINGERPRINTS` of no article, each with its type and shape."""
    return {"same_words": np.empty(0, np.uint64),
            "band_keys": np.empty((0, _N_HASHES // _band_rows(threshold)), np.uint64),
            "has_shingles": np.empty(0, bool)}


def _fingerprints(texts: pd.Series, threshold: float
                  ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """For each text: a hash of its words (``same_words``), the keys of the LSH bands
    of its MinHash signature (``band_keys``, banded for ``threshold``) and whether it
    has at least one shingle (``has_shingles``: its signature means something); and
    the shingle hashes of all texts with the offsets where each text's start (plus
    the end)."""
    rows = _band_rows(threshold)
    same_words, band_keys, has_shingles, shingles, offsets = [], [], [], [], [[0]]
    for start in range(0, len(texts), _TEXT_CHUNK):
        words = _plain_words(texts.iloc[start:start + _TEXT_CHUNK])
        joined = pc.binary_join(words, pa.scalar(" ", pa.large_string()))
        # texts (never null) are nearly all distinct: hashed as they are, not first
        # factorised (which hashes each once more, for the same values)
        same_words.append(pd.util.hash_array(joined.to_numpy(zero_copy_only=False),
                                             categorize=False))
        hashes, starts = _shingle_hashes(words)
        has = np.diff(starts) > 0
        chunk = np.zeros((len(has), _N_HASHES), dtype=np.uint32)
        chunk[has] = _minhash(hashes, starts[:-1][has])
        band_keys.append(_band_keys(chunk, rows))
        has_shingles.append(has)
        offsets.append(starts[1:] + sum(len(h) for h in shingles))
        shingles.append(hashes)
    none = _no_fingerprints(threshold)
    found = {
        "same_words": np.concatenate([none["same_words"], *same_words]),
        "band_keys": np.concatenate([none["band_keys"], *band_keys]),
        "has_shingles": np.concatenate([none["has_shingles"], *has_shingles]),
    }
    return (found, np.concatenate([np.empty(0, np.uint64), *shingles]),
            np.concatenate(offsets).astype(np.int64))


class _ShingleStore:
    """The shingle hashes of every article of a batch, part by part: the offsets where
    each article's hashes start, and the hashes themselves, in memory or in the file
    :func:`read_part` wrote. Articles are numbered in input order."""

    def __init__(self) -> None:
        self._offsets: list[np.ndarray] = []
        self._hashes: list[np.ndarray | Path] = []
        self._starts = [0]

    def add(self, read: PartRead) -> None:
        """Keep where a part's shingle hashes are (its offsets, and the file or the hashes)."""
        offsets = read.fingerprints["shingle_offsets"]
        self._offsets.append(offsets)
        self._hashes.append(read.fingerprints.get("shingles", read.shingle_file))
        self._starts.append(self._starts[-1] + len(offsets) - 1)

    def sets(self, articles: np.ndarray) -> dict[int, np.ndarray]:
        """The set of shingle hashes of each of these articles, as a sorted array."""
        found = {}
        parts = np.searchsorted(self._starts, articles, side="right") - 1
        for part in np.unique(parts).tolist():
            hashes = self._hashes[part]
            if not isinstance(hashes, np.ndarray):
                hashes = np.load(hashes, mmap_mode="r")
            offsets = self._offsets[part]
            for article in articles[parts == part].tolist():
                local = article - self._starts[part]
                found[article] = _sorted_set(hashes[offsets[local]:offsets[local + 1]])
            del hashes
        return found


def _sorted_set(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: :func:`numpy.unique` of one small array, without its
    overhead (a sort and a comparison of neighbours, about a quarter of the time)."""
    ordered = np.sort(values)
    distinct = np.empty(len(ordered), dtype=bool)
    distinct[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=distinct[1:])
    return ordered[distinct]


def _common(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted arrays of distinct values share (the size of
    :func:`numpy.intersect1d`, by a binary search of each of ``a`` in ``b``)."""
    if not len(a) or not len(b):
        return 0
    at = np.searchsorted(b, a)
    np.minimum(at, len(b) - 1, out=at)
    return int(np.count_nonzero(b[at] == a))


def _shingle_hashes(words: pa.ListArray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of five words of each text, and the offset where each
    text's hashes start (plus the end)."""
    codes = pc.dictionary_encode(words.flatten())
    vocabulary = pd.util.hash_array(codes.dictionary.to_numpy(zero_copy_only=False),
                                    categorize=False)  # distinct words: no factorising
    token = vocabulary[codes.indices.to_numpy()]
    word_offsets = words.offsets.to_numpy() - words.offsets[0].as_py()
    n_shingles = np.maximum(np.diff(word_offsets) - (_SHINGLE_WORDS - 1), 0)
    offsets = np.concatenate([[0], np.cumsum(n_shingles)])
    first_word = (np.repeat(word_offsets[:-1] - offsets[:-1], n_shingles)
                  + np.arange(offsets[-1]))
    # every run of five consecutive words of all the texts is hashed, in place over
    # contiguous slices; those within one text are kept
    runs = max(len(token) - (_SHINGLE_WORDS - 1), 0)
    hashes = np.zeros(runs, dtype=np.uint64)
    for shift in range(_SHINGLE_WORDS):
        np.bitwise_xor(hashes, token[shift:shift + runs], out=hashes)
        np.multiply(hashes, _MIX, out=hashes)
    hashes = hashes[first_word]
    return hashes ^ (hashes >> np.uint64(29)), offsets


def _minhash(hashes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """MinHash signatures, one row per text and ``_N_HASHES`` columns, of texts
    whose shingle hashes start at ``starts`` (each text has at least one)."""
    rng = np.random.default_rng(20190430)
    multipliers = rng.integers(0, np.iinfo(np.uint64).max, _N_HASHES, dtype=np.uint64) | 1
    increments = rng.integers(0, np.iinfo(np.uint64).max, _N_HASHES, dtype=np.uint64)
    signatures = np.empty((len(starts), _N_HASHES), dtype=np.uint32)
    permuted = np.empty_like(hashes, dtype=np.uint64)
    # the upper 32 bits of each permuted hash, read in place: (h * a + b) >> 32
    high = permuted.view(np.uint32)[1::2] if np.little_endian else permuted.view(np.uint32)[::2]
    for k in range(_N_HASHES):
        np.multiply(hashes, multipliers[k], out=permuted)
        permuted += increments[k]
        signatures[:, k] = np.minimum.reduceat(high, starts)
    return signatures


def _band_rows(threshold: float) -> int:
    """Rows per LSH band: the most that still finds a pair at the threshold with
    probability >= 0.99, i.e. 1 - (1 - t**r)**(k/r) >= 0.99."""
    return max((r for r in (1, 2, 4, 8, 16)
                if 1 - (1 - threshold**r) ** (_N_HASHES // r) >= _MIN_RECALL), default=1)


def _band_keys(signatures: np.ndarray, rows: int) -> np.ndarray:
    """One key per LSH band of ``rows`` signature columns: texts share a band's key
    when their signatures agree on its rows (or, rarely, by chance)."""
    keys = np.zeros((len(signatures), _N_HASHES // rows), dtype=np.uint64)
    for band in range(_N_HASHES // rows):
        for column in signatures[:, band * rows:(band + 1) * rows].T:
            keys[:, band] = (keys[:, band] ^ column.astype(np.uint64)) * _MIX
    return keys


def _candidate_pairs(band_keys: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """(later, earlier) pairs that share a band: each text is paired with the
    first and the previous text of every bucket it falls in."""
    pairs = [np.empty((0, 2), dtype=np.int64)]
    for key in band_keys.T:
        order = np.lexsort((positions, key))
        bucket, position = key[order], positions[order]
        same = np.r_[False, bucket[1:] == bucket[:-1]]
        first = np.maximum.accumulate(np.where(same, 0, np.arange(len(bucket))))
        later = np.flatnonzero(same)
        pairs += [np.c_[position[later], position[first[later]]],
                  np.c_[position[later], position[later - 1]]]
    return np.unique(np.concatenate(pairs), axis=0)


def _jaccard(shingles: _ShingleStore, pairs: np.ndarray) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of each pair of articles."""
    similarity = np.empty(len(pairs))
    for start in range(0, len(pairs), _PAIR_CHUNK):
        chunk = pairs[start:start + _PAIR_CHUNK]
        sets = shingles.sets(np.unique(chunk))
        for row, (a, b) in enumerate(chunk.tolist(), start=start):
            common = _common(sets[a], sets[b])
            similarity[row] = common / (len(sets[a]) + len(sets[b]) - common)
    return similarity
