"""Evaluation: grounding and retrieval quality measured on gold questions."""
