"""Ingestion: corpus files become cleaned, chunked, embedded passages in the index."""
