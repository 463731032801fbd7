"""The dossier: the record of how one fact was checked, as a file to attach to a story.

Owns: files.
May import: rag.text, rag.errors.
"""
