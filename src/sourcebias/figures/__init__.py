"""Paper-ready figures: style, outlet colours, one module per kind of figure, and export."""
