"""Language, not articles: sentence spans, the question's language, the calendar's words,
the kinds of answer a question asks for, and the English→Indonesian glossary.

Owns: sentences, language, dates, answer_kinds, glossary.
May import: rag.errors only. Everything else may import it.
"""
