"""From files to articles: formats read into text, site furniture told from content, title,
outlet and date derived, problems reported instead of raised.

Owns: formats, corpus (Article, ArticleInfo), cleaning, metadata.
May import: rag.text, rag.errors.
"""
