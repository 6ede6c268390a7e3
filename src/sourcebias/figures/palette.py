"""One colour per outlet, or per outlet group, across every figure."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch

from sourcebias.figures.names import Namer
from sourcebias.figures.style import current_style


class OutletPalette(dict[str, str]):
    """Outlet name to colour, as :func:`outlet_palette` makes it.

    A plain ``dict`` for every use; in addition, :attr:`groups` says when the
    colours stand for outlet groups rather than outlets, and plot functions
    then name the groups in their legend.

    Parameters
    ----------
    colours : mapping of str to str
        Outlet name to colour.
    groups : mapping of str to str, optional
        Group name to colour, when outlets take their group's colour.

    Attributes
    ----------
    groups : dict of str to str
        Group name to colour, sorted by group name; empty when each outlet has
        its own colour or all share the neutral one.
    """

    def __init__(
        self, colours: Mapping[str, str], *, groups: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(colours)
        self.groups = dict(groups or {})


def outlet_palette(
    outlets: Iterable[str],
    *,
    groups: Mapping[str, Any] | pd.Series | None = None,
    palette: str | None = None,
) -> OutletPalette:
    """Give each outlet one colour, the same in every figure.

    Outlets are de-duplicated and sorted by name, then take the palette's
    colours in order, so the same set of outlets always gets the same colours.
    Build the mapping over all outlets of a batch and pass it to every plot
    function as ``palette=``.

    When there are more outlets than colours and ``groups`` gives them at most
    as many groups as colours, the groups, sorted by name, take the colours in
    order and each outlet takes its group's colour; an outlet without a group
    takes the style's neutral colour (``neutral_colors.target``). The result's
    ``groups`` then maps each group to its colour, and the plot functions name
    the groups in their legends. When the groups do not fit either (or none is
    given), every outlet takes the neutral colour and a warning says so:
    repeated colours would suggest groups that do not exist. Any mapping of
    outlet to colour also works as ``palette=``.

    Parameters
    ----------
    outlets : iterable of str
        Outlet names, e.g. ``articles["outlet"]``; repeats and nulls are ignored.
    groups : mapping of str to str, optional
        Each outlet's group: a dict or a Series indexed by outlet, e.g.
        :func:`sourcebias.outlet_groups`; outlets absent or null have no group.
        Used only when the outlets outnumber the colours.
    palette : str, optional
        A seaborn palette name; default the style's ``palette`` (``colorblind``).

    Returns
    -------
    OutletPalette
        Outlet name to hex colour, in sorted outlet order, with ``groups``.

    Examples
    --------
    >>> palette = outlet_palette(articles["outlet"],  # doctest: +SKIP
    ...                          groups=outlet_groups(articles))
    >>> palette.groups  # doctest: +SKIP
    {'center': '#0173b2', 'left': '#de8f05', 'right': '#029e73'}
    """
    names = sorted({str(o) for o in outlets if not pd.isna(o)})
    style = current_style()
    colours = sns.color_palette(palette or style["palette"]).as_hex()
    if len(names) <= len(colours):
        return OutletPalette(dict(zip(names, colours, strict=False)))
    neutral = style["neutral_colors"]["target"]
    group_of = _group_of(names, groups)
    kinds = sorted(set(group_of.values()))
    if 0 < len(kinds) <= len(colours):
        group_colours = dict(zip(kinds, colours, strict=False))
        return OutletPalette({o: group_colours[group_of[o]] if o in group_of else neutral
                              for o in names}, groups=group_colours)
    counted = f"{len(names)} outlets" + (f" in {len(kinds)} outlet groups" if kinds else "")
    warnings.warn(
        f"{counted} but the palette has {len(colours)} colours, so every outlet is drawn in "
        f"one colour; give the outlets at most {len(colours)} groups (the articles' "
        "outlet_group, as groups=sourcebias.outlet_groups(articles)) to colour them by "
        "group, or pass palette= a mapping of outlet to colour",
        stacklevel=2,
    )
    return OutletPalette(dict.fromkeys(names, neutral))


def _colours(outlets: pd.Series, palette: Mapping[str, Any] | None) -> OutletPalette:
    """The outlet colours to use, checking that ``palette`` covers every outlet.

    The groups of an :class:`OutletPalette` are kept; any other mapping has none.
    When the rows are the groups of an :class:`OutletPalette` (a figure drawn
    ``by="outlet_group"`` with the batch palette), each takes its group's colour.
    """
    if palette is None:
        return outlet_palette(outlets)
    groups = getattr(palette, "groups", None)
    if groups and set(outlets) <= set(groups) and not set(outlets) <= set(palette):
        return OutletPalette(groups)
    missing = sorted(set(outlets) - set(palette))
    if missing:
        raise ValueError(
            f"palette has no colour for outlet(s) {', '.join(missing)}; "
            "build it with outlet_palette(<all outlets of the batch>)"
        )
    return OutletPalette(palette,
                         groups=palette.groups if isinstance(palette, OutletPalette) else None)


def _group_of(outlets: Sequence[str], groups: Mapping[str, Any] | pd.Series | None
              ) -> dict[str, str]:
    """The group, as text, of each of ``outlets`` that ``groups`` names."""
    if groups is None:
        return {}
    if isinstance(groups, pd.Series) and not groups.index.is_unique:
        raise ValueError("groups: the Series repeats outlets in its index; pass one group per "
                         "outlet, e.g. sourcebias.outlet_groups(articles)")
    named = {outlet: groups.get(outlet) for outlet in outlets}
    return {outlet: str(group) for outlet, group in named.items() if not pd.isna(group)}


def _group_handles(colours: OutletPalette, outlets: Sequence[str], name: Namer) -> list[Patch]:
    """Legend entries for the groups whose colours ``outlets`` are drawn in.

    No entry when the colours stand for outlets; else one patch per group
    drawn, in group order, then one for the outlets without a group.
    """
    if not colours.groups:
        return []
    drawn = [colours[o] for o in outlets]
    handles = [Patch(color=colour, label=name(group))
               for group, colour in colours.groups.items() if colour in drawn]
    ungrouped = [c for c in drawn if c not in colours.groups.values()]
    if ungrouped:
        handles.append(Patch(color=ungrouped[0], label="no outlet group"))
    return handles
