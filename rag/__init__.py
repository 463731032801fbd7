"""Cited answers about the international partnerships of Indonesian cities, from news articles.

One subpackage per stage, lowest first: text → ingest → index → search → answers → register; then
config, build, assistant and integrity, which tie the stages together; web and devtools on top;
cli last. errors and jsonl serve every floor. A stage imports only the stages below it
(tests/test_layers.py). `rag.assistant.Assistant.run` is the one ask path the CLI, the app and
`rag eval` take.
"""

__version__ = "0.1.0"
