"""Language, not articles: sentence spans, the question's language, dates and numbers as both
languages write them, the kinds of answer a question asks for (and whether it asks for a list),
the lexicon of words a question may use for an article's (learned, rag/devtools/lexicon.py), and every
text the product shows a reader (messages).

Owns: sentences, language, dates, numbers, answer_kinds, lexicon, messages.
May import: rag.errors and rag.jsonl only. Everything else may import it.
"""
