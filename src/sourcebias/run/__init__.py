"""Run the layers on a batch: analysis in chunks, the cache, tables on disk, notebooks, reports."""
