"""Annotate segmented articles: loaded terms, actor mentions and labels, sentence tone."""
