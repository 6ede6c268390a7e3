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

__version__ = "0.1.0"

from .actors import find_actors
from .aggregate import (
    actor_sentiment,
    article_sentiment,
    kwic,
    label_table,
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
from .segment import segment
from .sentiment import load_valence, score_sentiment
from .terms import find_terms
from .workspace import Workspace, browse, open_workspace

__all__ = [
    "Analysis",
    "AttributionResult",
    "Batch",
    "Lexicon",
    "LexiconError",
    "Workspace",
    "actor_sentiment",
    "analyze",
    "article_sentiment",
    "attribution",
    "browse",
    "display_names",
    "figure_style",
    "find_actors",
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
    "read_batch",
    "save_figure",
    "save_table",
    "score_sentiment",
    "segment",
    "term_counts",
    "term_rates",
    "term_voice_counts",
    "voice_words",
    "write_provenance",
]
