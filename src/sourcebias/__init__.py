"""sourcebias: compare how news outlets frame the same event.

The package is a stack of layers, one folder each, over tidy tables (see
:mod:`sourcebias.tables`): read a batch (:mod:`sourcebias.read`), segment it
into sentences and voice (:mod:`sourcebias.segment.sentences`), annotate terms, actors
and tone (:mod:`sourcebias.annotate`), aggregate and compare outlets
(:mod:`sourcebias.stats`), draw and export figures (:mod:`sourcebias.figures`),
and run it all on a batch (:mod:`sourcebias.run`). Every public function is
named here.

Examples
--------
>>> import sourcebias as sb
>>> analysis = sb.analyze("data/batches/seed")            # doctest: +SKIP
>>> sb.term_rates(analysis.hits, articles=analysis.articles)  # doctest: +SKIP
"""

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: Where each public name lives; the module is imported when the name is first used,
#: so that ``import sourcebias`` (and every worker process) loads only what it needs.
_PUBLIC = {
    "Analysis": "run.store",
    "Batch": "read.batch",
    "Lexicon": "annotate.lexicon",
    "LexiconError": "annotate.lexicon",
    "OutletClassification": "stats.classify",
    "TooFewMentions": "figures.labels",
    "Workspace": "run.workspace",
    "actor_sentiment": "stats.tone",
    "analyze": "run.analysis",
    "article_sentiment": "stats.tone",
    "browse": "run.workspace",
    "classify_outlets": "stats.classify",
    "display_names": "figures.names",
    "figure_style": "figures.style",
    "find_actors": "annotate.actors",
    "find_terms": "annotate.terms",
    "keyness": "stats.keyness",
    "keyness_pairwise": "stats.keyness",
    "keyness_table": "stats.counts",
    "kwic": "stats.kwic",
    "label_table": "stats.labels",
    "near_duplicates": "stats.similarity",
    "open_workspace": "run.workspace",
    "outlet_groups": "stats.overview",
    "outlet_palette": "figures.palette",
    "outlet_sentiment": "stats.tone",
    "outlet_similarity": "stats.similarity",
    "outlet_summary": "stats.overview",
    "plot_actor_sentiment": "figures.sentiment",
    "plot_keyness": "figures.keyness",
    "plot_label_matrix": "figures.labels",
    "plot_sentiment": "figures.sentiment",
    "plot_similarity": "figures.similarity",
    "plot_term_heatmap": "figures.terms",
    "plot_term_rates": "figures.terms",
    "plot_voice_share": "figures.voice",
    "read_actors": "annotate.lexicon",
    "read_batch": "read.batch",
    "read_tables": "run.store",
    "read_terms": "annotate.lexicon",
    "read_valence": "annotate.sentiment",
    "score_sentiment": "annotate.sentiment",
    "segment_articles": "segment.sentences",
    "term_counts": "stats.counts",
    "term_rates": "stats.rates",
    "term_voice_counts": "stats.rates",
    "voice_words": "stats.rates",
    "write_figure": "figures.export",
    "write_provenance": "figures.export",
    "write_table": "figures.export",
}

__all__ = [
    "Analysis",
    "Batch",
    "Lexicon",
    "LexiconError",
    "OutletClassification",
    "TooFewMentions",
    "Workspace",
    "actor_sentiment",
    "analyze",
    "article_sentiment",
    "browse",
    "classify_outlets",
    "display_names",
    "figure_style",
    "find_actors",
    "find_terms",
    "keyness",
    "keyness_pairwise",
    "keyness_table",
    "kwic",
    "label_table",
    "near_duplicates",
    "open_workspace",
    "outlet_groups",
    "outlet_palette",
    "outlet_sentiment",
    "outlet_similarity",
    "outlet_summary",
    "plot_actor_sentiment",
    "plot_keyness",
    "plot_label_matrix",
    "plot_sentiment",
    "plot_similarity",
    "plot_term_heatmap",
    "plot_term_rates",
    "plot_voice_share",
    "read_actors",
    "read_batch",
    "read_tables",
    "read_terms",
    "read_valence",
    "score_sentiment",
    "segment_articles",
    "term_counts",
    "term_rates",
    "term_voice_counts",
    "voice_words",
    "write_figure",
    "write_provenance",
    "write_table",
]


def __getattr__(name: str) -> object:
    """Import a public name's module on first use (PEP 562)."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'sourcebias' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


if TYPE_CHECKING:  # the names as static type checkers and editors see them
    from sourcebias.annotate.actors import find_actors
    from sourcebias.annotate.lexicon import Lexicon, LexiconError, read_actors, read_terms
    from sourcebias.annotate.sentiment import read_valence, score_sentiment
    from sourcebias.annotate.terms import find_terms
    from sourcebias.figures.export import write_figure, write_provenance, write_table
    from sourcebias.figures.keyness import plot_keyness
    from sourcebias.figures.labels import TooFewMentions, plot_label_matrix
    from sourcebias.figures.names import display_names
    from sourcebias.figures.palette import outlet_palette
    from sourcebias.figures.sentiment import plot_actor_sentiment, plot_sentiment
    from sourcebias.figures.similarity import plot_similarity
    from sourcebias.figures.style import figure_style
    from sourcebias.figures.terms import plot_term_heatmap, plot_term_rates
    from sourcebias.figures.voice import plot_voice_share
    from sourcebias.read.batch import Batch, read_batch
    from sourcebias.run.analysis import analyze
    from sourcebias.run.store import Analysis, read_tables
    from sourcebias.run.workspace import Workspace, browse, open_workspace
    from sourcebias.segment.sentences import segment_articles
    from sourcebias.stats.classify import OutletClassification, classify_outlets
    from sourcebias.stats.counts import keyness_table, term_counts
    from sourcebias.stats.keyness import keyness, keyness_pairwise
    from sourcebias.stats.kwic import kwic
    from sourcebias.stats.labels import label_table
    from sourcebias.stats.overview import outlet_groups, outlet_summary
    from sourcebias.stats.rates import term_rates, term_voice_counts, voice_words
    from sourcebias.stats.similarity import near_duplicates, outlet_similarity
    from sourcebias.stats.tone import actor_sentiment, article_sentiment, outlet_sentiment
