"""Display names of outlets, terms, actors and categories."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from sourcebias.annotate.lexicon import Entry, Lexicon, read_actors, read_terms
from sourcebias.figures.style import _WWW, current_style

#: Names a plot function takes: ``name(value)`` is the text shown for a table value.
Namer = Callable[[Any], str]


def display_names(
    *, terms: Lexicon | None = None, actors: Lexicon | None = None
) -> dict[str, str]:
    """The words figures show for the ids that tables carry.

    Built from, in increasing priority: the ``name`` of each category of
    ``terms`` and group of ``actors`` that declares one (``loyalty_betrayal`` ->
    "loyalty and betrayal"); each term of ``terms`` under the pattern that
    spells its id, ignoring case, accents, spaces, hyphens, apostrophes and a
    final ``*`` (``self_proclaimed`` -> "self-proclaimed", ``coup_detat`` ->
    "coup d'état"; a term without one keeps its id with spaces); each actor of
    ``actors`` under its ``name`` (``us_government`` -> "US government", which
    wins over a group of the same id); the ``labels`` of the figure style
    (voices, lexicons, and any outlet a researcher renames there).

    Parameters
    ----------
    terms : Lexicon, optional
        The term lexicon; default :func:`sourcebias.read_terms`.
    actors : Lexicon, optional
        The actor lexicon; default :func:`sourcebias.read_actors`.

    Returns
    -------
    dict of str to str
        Id (or outlet, voice, lexicon) to display name. Pass it, changed or
        extended, as ``names=`` to any plot function (a notebook passes
        ``ws.names``); without ``names=`` a plot function shows the style's
        ``labels`` and ids with spaces for underscores.

    Examples
    --------
    >>> display_names()["us_government"]  # doctest: +SKIP
    'US government'
    """
    terms = read_terms() if terms is None else terms
    actors = read_actors() if actors is None else actors
    names = dict(terms.category_names + actors.category_names)
    names.update({entry.id: _spelled(entry) for entry in terms.entries})
    names.update({entry.id: entry.name for entry in actors.entries if entry.name})
    names.update({str(key): str(value) for key, value in current_style()["labels"].items()})
    return names


def _spelled(entry: Entry) -> str:
    """The entry's pattern that spells its id, else the id with spaces for underscores."""
    key = _letters(entry.id)
    for pattern in entry.patterns:
        text = pattern.text.rstrip("*")
        if _letters(text) == key:
            return text
    return entry.id.replace("_", " ")


def _letters(text: str) -> str:
    """Letters and digits of ``text``, case-folded and without accents."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(char for char in decomposed if char.isalnum())


def _namer(names: Mapping[str, str] | None) -> Namer:
    """``name(value)``: ``names``, else the style's ``labels``, else the value tidied.

    Plot functions never read lexicons: the names of terms and actors come in
    through ``names`` (``ws.names``, or :func:`display_names` of the lexicons).
    """
    known = {**{str(k): str(v) for k, v in current_style()["labels"].items()},
             **{str(k): str(v) for k, v in (names or {}).items()}}

    def name(value: Any) -> str:
        text = str(value)
        return known.get(text) or _WWW.sub("", text).replace("_", " ")

    return name


def _outlet_order(outlets: Iterable[str], name: Namer) -> list[str]:
    """The distinct outlets in the alphabetical order of their shown names."""
    distinct = {o for o in outlets if not pd.isna(o)}
    return sorted(distinct, key=lambda o: (name(o).casefold(), str(o)))


def _n_labels(names: Iterable[str], n: Iterable[Any], *, sep: str = " ") -> list[str]:
    """``"name (n=1,234)"`` for each name."""
    return [f"{name}{sep}(n={int(count):,})" for name, count in zip(names, n, strict=True)]
