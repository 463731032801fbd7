"""What the browser shows: source cards, the article view and verdict badges as escaped HTML,
and answers as Markdown. The Gradio app itself is app.py at the repository's root.

Owns: cards, markdown.
May import: everything but rag.cli and rag.devtools.
"""
