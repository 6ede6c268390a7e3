"""Paper-ready figures: tidy tables in, matplotlib objects out.

Every ``plot_*`` function takes the table a statistic returned as its first
argument and keyword-only options after it, and returns what it drew: an
:class:`~matplotlib.axes.Axes` for a single panel (``ax=`` in), or a
:class:`~matplotlib.figure.Figure` for figures of several panels (``fig=`` in).

Conventions shared by every figure:

* **One colour per outlet, or per outlet group.** :func:`outlet_palette`
  gives each outlet a colour-blind-safe colour over the sorted outlet names.
  Build it once for the whole batch and pass it as ``palette=``, so that an
  outlet keeps its colour in a figure where other outlets are absent. Without
  ``palette=`` the colours are assigned over the outlets of the table being
  drawn. A batch with more outlets than the palette has colours takes one
  colour per outlet group when given its groups
  (:func:`sourcebias.outlet_groups` reads the articles'
  ``outlet_group``) and they fit: outlets without a group take
  the neutral colour, and every figure drawing outlets in group colours names
  the groups in its legend. When the groups do not fit either, every outlet is
  drawn in one neutral colour (repeated colours would suggest groups that do
  not exist) and a warning says so.
* **Words, not ids.** Tables keep lexicon ids (``us_government``,
  ``self_proclaimed``, ``loyalty_betrayal``); figures show names. Every
  function takes ``names=``, a mapping from id or outlet to the text to show:
  a notebook passes ``ws.names``, and :func:`display_names` builds it from
  lexicons (an actor's ``name``, the pattern that spells a term's id). Plot
  functions never open lexicon files themselves: without ``names=`` they show
  the ``labels`` of the style file. A value named nowhere is shown with spaces
  for underscores, and an outlet without a leading ``www.``. The CSV beside a
  saved figure keeps the ids.
* **One signature.** Data first, then keyword-only options, as in seaborn.
  A single-panel figure takes ``ax=None`` and returns the Axes it drew on. A
  figure of several panels laid out together (heatmaps per voice, small
  multiples, the clustered matrix with its tree) takes ``fig=None`` (an empty
  Figure to draw into) and returns the Figure.
* **Outlets or groups.** Functions over aggregate tables take ``by=`` (default
  ``outlet``), the column naming the groups, e.g. ``outlet_group``. Outlets
  are listed in the alphabetical order of their shown names.
* **n where an outlet is named.** Tick labels and legend entries read
  ``Outlet (n=12)``; the axis label says what n counts (articles, mentions).
* **What the marks mean** (error bars, boxes, hollow markers, hollow bars) is
  written in the value-axis label and the legend. A point without an interval
  is drawn hollow and the legend gives the reason; there are no zero-width bars.
  A row without an estimate shows a dash, and the legend says why.
* **Small multiples that fit a page.** Interval plots draw one panel per term,
  category or actor, with the outlets as shared rows, as many panels side by
  side as fit the width; heatmaps run the longer of their two lists down the
  page and write numbers in the cells only where they fit.
* **Style only on request.** Importing this module changes nothing; sizes,
  fonts and colour maps come from ``data/style.yaml`` and rcParams apply inside
  ``with figure_style(): ...``.
* **The numbers travel with the figure.** Each function records the table it
  drew on its Axes; :func:`plotted_data` returns it and
  :func:`sourcebias.write_figure` writes it as CSV beside the figure.
"""
