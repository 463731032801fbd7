"""Feedback: a reader's thumbs up or down on an answer or a claim check, with a note, kept beside
the index versions (never inside one, so no rebuild loses it) and turned into evaluation lines
for the people who keep the corpus.

Owns: records.
May import: rag.answers, rag.index, rag.text, rag.limits, rag.errors, rag.jsonl.
"""
