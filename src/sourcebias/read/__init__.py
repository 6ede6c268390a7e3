"""Read a batch: list its inputs, decode them, remove site furniture, flag duplicates."""
