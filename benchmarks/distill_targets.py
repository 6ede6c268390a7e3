"""Teacher-labelled targets for training the fast target-sentiment model (distillation).

Unlabelled text: the AllSides articles (Ramy Baly, Giovanni Da San Martino,
James Glass and Preslav Nakov. We Can Detect Your Bias: Predicting the
Political Ideology of News Articles. EMNLP 2020; Apache-2.0), read from
``../shared/data/allsides``, ONLY the articles whose ``ID`` is in the
training list of the paper's random split (``splits/random/train.tsv``), so
no held-out article is read. The articles are taken in a fixed pseudo-random
order (``numpy.random.default_rng(SEED).permutation`` of the sorted ids) and
split into sentences by :func:`sourcebias.segment.sentences.segment_articles`.

Targets (:func:`name_targets`), NewsMTSC-like person mentions: in each
article, a *full name* is a run of 2 or 3 name words not opening its
sentence and holding none of :data:`_NOT_NAMES` (titles, days, months,
parties, institutions), where a name word is a capitalised word (``Mike``, ``McConnell``,
``O'Rourke``, ``Ocasio-Cortez``) that the articles read write capitalised in
at least :data:`NAME_SHARE` of the places where it does not open a sentence
(so ``New``, ``House``, ``States``, ``President`` or ``Senate``, common
lower-case words too, split or end a run). Every mention of a full name, and
of its last word alone (the surname, as NewsMTSC's targets mostly are: 68 %
of its training targets are one word, 23 % open their sentence), in a
sentence of 6 to 60 words of the same article is a target; a surname inside
a full name's mention is that mention. At most :data:`PER_ARTICLE` targets
are kept per article (the sentences in text order until that many are
reached), so that the sample spans
many articles and stories. Some runs are places or organisations ("Hong
Kong", "Goldman Sachs"): NewsMTSC's targets are people, but the teacher rates
the tone toward any target, so these are kept as noise of the sample.

Teacher (:func:`teacher_proba`): the optional encoder scorer
(:func:`sourcebias.annotate.target_encoder.encoder_proba`, frozen
all-MiniLM-L6-v2 + logistic head trained on NewsMTSC train), run on the CPU
with one thread and deterministic algorithms, so the probabilities are the
same on every run (and rounded to 4 decimals). It needs the ``models``
extra. Its output can be cached in a folder outside the repository
(``--cache``).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from sourcebias.segment.sentences import segment_articles

ALLSIDES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides"
#: The article list read (the random split's training ids only).
SPLIT = ALLSIDES / "splits" / "random" / "train.tsv"
#: Seed of the article order.
SEED = 0
#: A name word is written capitalised in at least this share of its non-initial places.
NAME_SHARE = 0.95
#: Targets kept per article (the first ones in text order).
PER_ARTICLE = 6
#: Sentences of fewer or more words hold no target.
MIN_WORDS, MAX_WORDS = 6, 60
#: Articles segmented at a time.
BATCH_ARTICLES = 500
#: Decimals the teacher's probabilities are rounded to.
DECIMALS = 4
#: Threads of the teacher (one: the same floats on every run).
THREADS = 1

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
#: Capitalised words that are no part of a person's name (titles, days, months, parties).
_NOT_NAMES = frozenset("""Mr Mrs Ms Dr Sen Rep Gov Gen Lt Col Sgt Rev Jr Sr President Senator
    Governor Congressman Congresswoman Secretary Justice Judge Chief Speaker Minister Prince King
    Queen Pope Saint St Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
    March April May June July August September October November December Republican Republicans
    Democrat Democrats Democratic American Americans Senate House Congress Party Street
    University College Court Committee Department Agency Council Association Institute Center
    Foundation County City State States Island Islands North South East West New Fox CNN""".split())
_PUNCTUATION = ".,;:!?\"“”()[]'’"
_POSSESSIVE = re.compile(r"['’]s$")
_CAPITAL = re.compile(r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*$")


def training_articles() -> pd.DataFrame:
    """The AllSides training-split articles in the fixed order: ``doc_id``, ``title``, ``text``."""
    ids = pd.read_csv(SPLIT, sep="\t", dtype={"ID": str})["ID"]
    raw = pd.read_json(ALLSIDES / "articles.jsonl.gz", lines=True, dtype={"ID": "str"})
    raw = raw[raw["ID"].isin(set(ids))].drop_duplicates("ID").sort_values("ID")
    order = np.random.default_rng(SEED).permutation(len(raw))
    raw = raw.iloc[order]
    body = raw["content_original"].fillna("").str.replace(r"\s*\n\s*", "\n\n", regex=True)
    return pd.DataFrame({"doc_id": raw["ID"].to_numpy(), "title": None,
                         "text": body.str.strip().to_numpy()})


def name_words(sentences: pd.DataFrame) -> frozenset[str]:
    """Words written capitalised in at least :data:`NAME_SHARE` of their non-initial places."""
    upper, lower = Counter(), Counter()
    for text in sentences["text"]:
        for word in _WORD.findall(text)[1:]:
            if _CAPITAL.match(word):
                upper[word] += 1
            elif word.islower():
                lower[word.capitalize()] += 1
    return frozenset(w for w, n in upper.items() if n >= NAME_SHARE * (n + lower[w]))


def name_targets(sentences: pd.DataFrame, names: frozenset[str]) -> pd.DataFrame:
    """Full names and surnames of each article as targets (see the module docstring).

    Returns ``doc_id``, ``text`` (the sentence), ``start``, ``end``.
    """
    rows = []
    for doc_id, article in sentences.groupby("doc_id", sort=False):
        texts = [t for t in article["text"] if MIN_WORDS <= len(t.split()) <= MAX_WORDS]
        full: set[str] = set()
        for text in texts:
            run: list[str] = []
            for k, match in enumerate(re.finditer(r"\S+", text)):
                token = match.group()
                core = _POSSESSIVE.sub("", token.strip(_PUNCTUATION))
                if token[0] in _PUNCTUATION or not (k > 0 and core in names):
                    _add_run(full, run)
                    run = []
                if k > 0 and core in names:
                    run.append(core)
                if token[-1] in _PUNCTUATION or core != token.strip(_PUNCTUATION):
                    _add_run(full, run)
                    run = []
            _add_run(full, run)
        if not full:
            continue
        full = {n for n in full if not _NOT_NAMES.intersection(n.split())}
        if not full:
            continue
        surnames = {n.split()[-1] for n in full}
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(full, key=len,
                                                                        reverse=True)))
                             + r"|" + "|".join(map(re.escape, sorted(surnames))) + r")\b")
        kept = 0
        for text in texts:
            for match in pattern.finditer(text):
                rows.append((doc_id, text, match.start(), match.end()))
                kept += 1
            if kept >= PER_ARTICLE:
                break
    return pd.DataFrame(rows, columns=["doc_id", "text", "start", "end"])


def _add_run(full: set[str], run: list[str]) -> None:
    """Add a run of 2 or 3 name words to the full names."""
    if 2 <= len(run) <= 3:
        full.add(" ".join(run))


def pseudo_targets(n_articles: int) -> pd.DataFrame:
    """The targets of the first ``n_articles`` training articles, in article order.

    The name words are counted over all the sentences of those articles.
    """
    articles = training_articles().iloc[:n_articles]
    sentences = pd.concat([segment_articles(articles.iloc[lo:lo + BATCH_ARTICLES])[0]
                           for lo in range(0, len(articles), BATCH_ARTICLES)],
                          ignore_index=True)
    return name_targets(sentences, name_words(sentences))


def teacher_proba(targets: pd.DataFrame, cache: Path | None = None) -> np.ndarray:
    """The encoder scorer's class probabilities of each target, rounded to :data:`DECIMALS`.

    The rounding absorbs the last-bit differences that the batch a sentence
    is padded in can make. With ``cache`` (a folder), the probabilities of
    targets scored before are read from ``cache/teacher.pkl`` and only the
    others run through the encoder; the file is then updated.

    Returns
    -------
    numpy.ndarray
        ``n x 3`` (negative, neutral, positive), float64.
    """
    keys = ["text", "start", "end"]
    table = targets[keys].reset_index(drop=True)
    stored = pd.DataFrame(columns=[*keys, *_P])
    path = cache / "teacher.pkl" if cache else None
    if path is not None and path.is_file():
        stored = pd.read_pickle(path)
    found = table.merge(stored, on=keys, how="left")
    missing = table[found[_P[0]].isna().to_numpy()].drop_duplicates()
    if len(missing):
        import torch

        from sourcebias.annotate.target_encoder import encoder_proba

        torch.set_num_threads(THREADS)
        cpu = time.process_time()
        proba = encoder_proba(missing["text"].tolist(), missing["start"].to_numpy(),
                              missing["end"].to_numpy()).round(DECIMALS)
        print(f"teacher: {len(missing):,} targets, {missing['text'].nunique():,} sentences, "
              f"{time.process_time() - cpu:.0f} CPU s", flush=True)
        scored = missing.assign(**{p: proba[:, k] for k, p in enumerate(_P)})
        stored = pd.concat([stored, scored], ignore_index=True)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            stored.to_pickle(path)
        found = table.merge(stored, on=keys, how="left")
    return found[list(_P)].to_numpy(np.float64)


_P = ("p_negative", "p_neutral", "p_positive")
