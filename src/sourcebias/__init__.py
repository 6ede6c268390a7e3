"""sourcebias: compare how news outlets frame the same event.

The layers, each a module of functions over tidy tables (see
:mod:`sourcebias.tables`): read a batch (:mod:`~sourcebias.batch`), segment it
into sentences and voice (:mod:`~sourcebias.segment`), annotate terms, actors
and sentiment (:mod:`~sourcebias.terms`, :mod:`~sourcebias.actors`,
:mod:`~sourcebias.sentiment`), aggregate per outlet
(:mod:`~sourcebias.aggregate`), compare outlets (:mod:`~sourcebias.compare`),
then plot and export (:mod:`~sourcebias.plots`, :mod:`~sourcebias.export`).

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
    "Analysis": "pipeline",
    "AttributionResult": "compare",
    "Batch": "batch",
    "Lexicon": "lexicon",
    "LexiconError": "lexicon",
    "Workspace": "workspace",
    "actor_sentiment": "aggregate",
    "analyze": "pipeline",
    "around_markers": "_timeline",
    "article_sentiment": "aggregate",
    "attribution": "compare",
    "before_after": "_timeline",
    "browse": "workspace",
    "date_summary": "_timeline",
    "display_names": "plots",
    "event_markers": "_timeline",
    "figure_style": "plots",
    "find_actors": "actors",
    "find_stories": "_stories",
    "find_terms": "terms",
    "keyness": "compare",
    "keyness_pairwise": "compare",
    "keyness_table": "compare",
    "kwic": "aggregate",
    "label_table": "aggregate",
    "load_actors": "lexicon",
    "load_tables": "pipeline",
    "load_terms": "lexicon",
    "load_valence": "sentiment",
    "near_duplicates": "compare",
    "open_workspace": "workspace",
    "outlet_groups": "aggregate",
    "outlet_palette": "plots",
    "outlet_sentiment": "aggregate",
    "outlet_similarity": "compare",
    "outlet_summary": "aggregate",
    "paired_differences": "_stories",
    "plot_actor_sentiment": "plots",
    "plot_coverage": "_plots_time",
    "plot_keyness": "plots",
    "plot_label_matrix": "plots",
    "plot_paired_differences": "_plots_time",
    "plot_sentiment": "plots",
    "plot_similarity": "plots",
    "plot_term_heatmap": "plots",
    "plot_term_rates": "plots",
    "plot_timeline": "_plots_time",
    "plot_voice_share": "plots",
    "read_batch": "batch",
    "save_figure": "export",
    "save_table": "export",
    "score_sentiment": "sentiment",
    "smooth": "_timeline",
    "story_coverage": "_stories",
    "story_labels": "_stories",
    "story_summary": "_stories",
    "story_table": "_stories",
    "story_terms": "_stories",
    "term_counts": "compare",
    "term_rates": "aggregate",
    "term_voice_counts": "aggregate",
    "timeline": "_timeline",
    "top_keys": "_timeline",
    "undated_articles": "_timeline",
    "voice_words": "aggregate",
    "write_provenance": "export",
}

__all__ = [
    "Analysis",
    "AttributionResult",
    "Batch",
    "Lexicon",
    "LexiconError",
    "Workspace",
    "actor_sentiment",
    "analyze",
    "around_markers",
    "article_sentiment",
    "attribution",
    "before_after",
    "browse",
    "date_summary",
    "display_names",
    "event_markers",
    "figure_style",
    "find_actors",
    "find_stories",
    "find_terms",
    "keyness",
    "keyness_pairwise",
    "keyness_table",
    "kwic",
    "label_table",
    "load_actors",
    "load_tables",
    "load_terms",
    "load_valence",
    "near_duplicates",
    "open_workspace",
    "outlet_groups",
    "outlet_palette",
    "outlet_sentiment",
    "outlet_similarity",
    "outlet_summary",
    "paired_differences",
    "plot_actor_sentiment",
    "plot_coverage",
    "plot_keyness",
    "plot_label_matrix",
    "plot_paired_differences",
    "plot_sentiment",
    "plot_similarity",
    "plot_term_heatmap",
    "plot_term_rates",
    "plot_timeline",
    "plot_voice_share",
    "read_batch",
    "save_figure",
    "save_table",
    "score_sentiment",
    "segment",
    "smooth",
    "story_coverage",
    "story_labels",
    "story_summary",
    "story_table",
    "story_terms",
    "term_counts",
    "term_rates",
    "term_voice_counts",
    "timeline",
    "top_keys",
    "undated_articles",
    "voice_words",
    "write_provenance",
]

# The function ``segment`` shares its module's name: importing the module would bind
# ``sourcebias.segment`` to the module, so the function is bound here once and for all.
from .segment import segment  # noqa: E402


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
    from .actors import find_actors
    from .aggregate import (
        actor_sentiment,
        article_sentiment,
        kwic,
        label_table,
        outlet_groups,
        outlet_sentiment,
        outlet_summary,
        term_rates,
        term_voice_counts,
        voice_words,
    )
    from .batch import Batch, read_batch
    from .compare import (
        AttributionResult,
        attribution,
        keyness,
        keyness_pairwise,
        keyness_table,
        near_duplicates,
        outlet_similarity,
        term_counts,
    )
    from .export import save_figure, save_table, write_provenance
    from .lexicon import Lexicon, LexiconError, load_actors, load_terms
    from .pipeline import Analysis, analyze, load_tables
    from .plots import (
        display_names,
        figure_style,
        outlet_palette,
        plot_actor_sentiment,
        plot_keyness,
        plot_label_matrix,
        plot_sentiment,
        plot_similarity,
        plot_term_heatmap,
        plot_term_rates,
        plot_voice_share,
    )
    from .sentiment import load_valence, score_sentiment
    from .terms import find_terms
    from .workspace import Workspace, browse, open_workspace
