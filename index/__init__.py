"""Retrieval and answering over the ingested inspection documents."""
