"""What the browser shows: the Gradio app (NewsroomApp, whose methods are its handlers), source
cards, the article view and verdict badges as escaped HTML, and answers as Markdown. app.py at the
repository's root only parses flags and launches it.

Owns: app, cards, markdown.
May import: everything but rag.cli and rag.devtools.
"""
