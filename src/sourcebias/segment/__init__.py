"""Segment articles: sentences, paragraphs and voice (own voice or quotation), and span look-up."""
