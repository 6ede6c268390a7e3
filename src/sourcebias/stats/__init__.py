"""Aggregate and compare outlets: rates, labels, tone, keyness and similarity, with intervals."""
