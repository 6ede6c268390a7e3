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
    "NotComputable": "checks",
    "OutletClassification": "stats.classify",
    "Pack": "annotate.lexicon",
    "PackFit": "stats.fit",
    "TooFewMentions": "figures.labels",
    "Workspace": "run.workspace",
    "actor_sentiment": "stats.tone",
    "actor_tone": "stats.tone",
    "analyze": "run.analysis",
    "around_markers": "stats.timeline",
    "article_sentiment": "stats.tone",
    "attribute": "annotate.attributed",
    "attributed_words": "stats.sources",
    "attribution_validation": "stats.sources",
    "before_after": "stats.timeline",
    "browse": "run.workspace",
    "classify_outlets": "stats.classify",
    "date_summary": "stats.timeline",
    "display_names": "figures.names",
    "event_markers": "stats.timeline",
    "figure_style": "figures.style",
    "find_actors": "annotate.actors",
    "find_attributions": "segment.attribution",
    "find_stories": "stats.stories",
    "find_terms": "annotate.terms",
    "fit_summary": "stats.fit",
    "keyness": "stats.keyness",
    "keyness_pairwise": "stats.keyness",
    "keyness_table": "stats.counts",
    "kwic": "stats.kwic",
    "label_table": "stats.labels",
    "mark_attributed": "annotate.sources",
    "mention_targets": "annotate.targets",
    "near_duplicates": "stats.similarity",
    "open_workspace": "run.workspace",
    "outlet_groups": "stats.overview",
    "outlet_palette": "figures.palette",
    "outlet_sentiment": "stats.tone",
    "outlet_similarity": "stats.similarity",
    "outlet_summary": "stats.overview",
    "pack_fit": "stats.fit",
    "paired_differences": "stats.stories",
    "plot_actor_sentiment": "figures.sentiment",
    "plot_actor_tone": "figures.tone",
    "plot_coverage": "figures.time",
    "plot_keyness": "figures.keyness",
    "plot_label_matrix": "figures.labels",
    "plot_paired_differences": "figures.time",
    "plot_sentiment": "figures.sentiment",
    "plot_similarity": "figures.similarity",
    "plot_source_share": "figures.sources",
    "plot_source_shares": "figures.sources",
    "source_palette": "figures.sources",
    "plot_term_heatmap": "figures.terms",
    "plot_term_rates": "figures.terms",
    "plot_timeline": "figures.time",
    "plot_voice_rates": "figures.sources",
    "plot_voice_share": "figures.voice",
    "read_actors": "annotate.lexicon",
    "read_batch": "read.batch",
    "read_pack": "annotate.lexicon",
    "read_tables": "run.store",
    "read_terms": "annotate.lexicon",
    "read_valence": "annotate.sentiment",
    "resolve_sources": "annotate.sources",
    "score_mentions": "annotate.mention_tone",
    "score_sentiment": "annotate.sentiment",
    "score_targets": "annotate.targets",
    "segment_articles": "segment.sentences",
    "smooth": "stats.timeline",
    "source_shares": "stats.sources",
    "source_terms": "stats.sources",
    "story_coverage": "stats.stories",
    "story_labels": "stats.stories",
    "story_summary": "stats.stories",
    "story_table": "stats.stories",
    "story_terms": "stats.stories",
    "target_model_validation": "annotate.targets",
    "term_counts": "stats.counts",
    "term_rates": "stats.rates",
    "term_voice_counts": "stats.rates",
    "timeline": "stats.timeline",
    "top_keys": "stats.timeline",
    "undated_articles": "stats.timeline",
    "voice_rates": "stats.sources",
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
    "NotComputable",
    "OutletClassification",
    "Pack",
    "PackFit",
    "TooFewMentions",
    "Workspace",
    "actor_sentiment",
    "actor_tone",
    "analyze",
    "around_markers",
    "article_sentiment",
    "attribute",
    "attributed_words",
    "attribution_validation",
    "before_after",
    "browse",
    "classify_outlets",
    "date_summary",
    "display_names",
    "event_markers",
    "figure_style",
    "find_actors",
    "find_attributions",
    "find_stories",
    "find_terms",
    "fit_summary",
    "keyness",
    "keyness_pairwise",
    "keyness_table",
    "kwic",
    "label_table",
    "mark_attributed",
    "mention_targets",
    "near_duplicates",
    "open_workspace",
    "outlet_groups",
    "outlet_palette",
    "outlet_sentiment",
    "outlet_similarity",
    "outlet_summary",
    "pack_fit",
    "paired_differences",
    "plot_actor_sentiment",
    "plot_actor_tone",
    "plot_coverage",
    "plot_keyness",
    "plot_label_matrix",
    "plot_paired_differences",
    "plot_sentiment",
    "plot_similarity",
    "plot_source_share",
    "plot_source_shares",
    "plot_term_heatmap",
    "plot_term_rates",
    "plot_timeline",
    "plot_voice_rates",
    "plot_voice_share",
    "read_actors",
    "read_batch",
    "read_pack",
    "read_tables",
    "read_terms",
    "read_valence",
    "resolve_sources",
    "score_mentions",
    "score_sentiment",
    "score_targets",
    "segment_articles",
    "smooth",
    "source_palette",
    "source_shares",
    "source_terms",
    "story_coverage",
    "story_labels",
    "story_summary",
    "story_table",
    "story_terms",
    "target_model_validation",
    "term_counts",
    "term_rates",
    "term_voice_counts",
    "timeline",
    "top_keys",
    "undated_articles",
    "voice_rates",
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
    from sourcebias.annotate.attributed import attribute
    from sourcebias.annotate.lexicon import (
        Lexicon,
        LexiconError,
        Pack,
        read_actors,
        read_pack,
        read_terms,
    )
    from sourcebias.annotate.mention_tone import score_mentions
    from sourcebias.annotate.sentiment import read_valence, score_sentiment
    from sourcebias.annotate.sources import mark_attributed, resolve_sources
    from sourcebias.annotate.targets import mention_targets, score_targets, target_model_validation
    from sourcebias.annotate.terms import find_terms
    from sourcebias.checks import NotComputable
    from sourcebias.figures.export import write_figure, write_provenance, write_table
    from sourcebias.figures.keyness import plot_keyness
    from sourcebias.figures.labels import TooFewMentions, plot_label_matrix
    from sourcebias.figures.names import display_names
    from sourcebias.figures.palette import outlet_palette
    from sourcebias.figures.sentiment import plot_actor_sentiment, plot_sentiment
    from sourcebias.figures.similarity import plot_similarity
    from sourcebias.figures.sources import (
        plot_source_share,
        plot_source_shares,
        plot_voice_rates,
        source_palette,
    )
    from sourcebias.figures.style import figure_style
    from sourcebias.figures.terms import plot_term_heatmap, plot_term_rates
    from sourcebias.figures.time import plot_coverage, plot_paired_differences, plot_timeline
    from sourcebias.figures.tone import plot_actor_tone
    from sourcebias.figures.voice import plot_voice_share
    from sourcebias.read.batch import Batch, read_batch
    from sourcebias.run.analysis import analyze
    from sourcebias.run.store import Analysis, read_tables
    from sourcebias.run.workspace import Workspace, browse, open_workspace
    from sourcebias.segment.attribution import find_attributions
    from sourcebias.segment.sentences import segment_articles
    from sourcebias.stats.classify import OutletClassification, classify_outlets
    from sourcebias.stats.counts import keyness_table, term_counts
    from sourcebias.stats.fit import PackFit, fit_summary, pack_fit
    from sourcebias.stats.keyness import keyness, keyness_pairwise
    from sourcebias.stats.kwic import kwic
    from sourcebias.stats.labels import label_table
    from sourcebias.stats.overview import outlet_groups, outlet_summary
    from sourcebias.stats.rates import term_rates, term_voice_counts, voice_words
    from sourcebias.stats.similarity import near_duplicates, outlet_similarity
    from sourcebias.stats.sources import (
        attributed_words,
        attribution_validation,
        source_shares,
        source_terms,
        voice_rates,
    )
    from sourcebias.stats.stories import (
        find_stories,
        paired_differences,
        story_coverage,
        story_labels,
        story_summary,
        story_table,
        story_terms,
    )
    from sourcebias.stats.timeline import (
        around_markers,
        before_after,
        date_summary,
        event_markers,
        smooth,
        timeline,
        top_keys,
        undated_articles,
    )
    from sourcebias.stats.tone import (
        actor_sentiment,
        actor_tone,
        article_sentiment,
        outlet_sentiment,
    )
