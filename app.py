"""`python app.py`: the newsroom chat in the browser, on 127.0.0.1:7860 unless told otherwise.

A thin adapter: it parses flags, opens the assistant (building the index first when there is
none), and shows answers rendered by `rag.render`. Nothing is fetched from outside: analytics and
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

from rag.answer import answer_to_json  # noqa: E402
from rag.check import check_to_json  # noqa: E402
from rag.config import Settings, load_settings  # noqa: E402
from rag.errors import RagError  # noqa: E402
from rag.pipeline import Assistant  # noqa: E402
from rag.filters import Filters  # noqa: E402
from rag.language import detect_language  # noqa: E402
from rag.render import answer_markdown, check_markdown, escape, sources_markdown  # noqa: E402
from rag.store import manifest_exists  # noqa: E402

EXAMPLES = [
    "Siapa Wali Kota Kisarazu?",
    "Kota luar negeri mana saja yang menjalin kerja sama dengan Kota Bogor?",
    "Sejak kapan Kota Bogor resmi bergabung dengan UCLG ASPAC?",
    "Which professor did the Ministry of Home Affairs explore cooperation with?",
]
CONCURRENT_QUESTIONS = 8
# Article text comes from the web. Everything rendered is escaped, and as a second wall the
# browser is told to load images only from here, post forms only here, and frame nothing: a
# remote image cannot carry data out even if some markup slipped through. (A strict script-src
# would also block Gradio's own inline scripts.)
CONTENT_SECURITY_POLICY = (
    "img-src 'self' data: blob:; form-action 'self'; frame-src 'none'; frame-ancestors 'self'; "
    "object-src 'none'; base-uri 'self'"
)


class SecurityHeaders:
    """ASGI middleware adding the Content-Security-Policy (and nosniff) to every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def launch_options() -> dict:
    """What every launch passes: the security headers, the footer without outside links."""
    from starlette.middleware import Middleware

    return {"app_kwargs": {"middleware": [Middleware(SecurityHeaders)]}, "footer_links": ["api"]}


def build_app(assistant: Assistant):
    import gradio as gr

    manifest = assistant.index.manifest

    def respond(question: str, messages: list, asked: list[str], since: str, until: str, outlets: list[str]):
        """One chat turn; `asked` holds the conversation's earlier questions, as typed."""
        messages, asked = list(messages or []), list(asked or [])
        try:
            filters = Filters(since=(since or "").strip() or None, until=(until or "").strip() or None,
                              outlets=tuple(outlets or ()))
            answer = assistant.ask(question, filters, history=asked)
        except RagError as error:
            messages.append({"role": "assistant", "content": escape(str(error))})
            return question, messages, asked, ""
        messages.append({"role": "user", "content": escape(answer.question)})
        messages.append({"role": "assistant", "content": answer_markdown(answer)})
        return "", messages, asked + [answer.question], sources_markdown(answer)

    def ask(question: str, history: list[str] | None = None) -> dict:
        """The same object as `rag ask --json`; `history`: earlier questions of the conversation."""
        try:
            return answer_to_json(assistant.ask(question, history=history or []))
        except RagError as error:
            return {"question": question, "error": str(error)}

    def check_claim(claim: str) -> str:
        try:
            return check_markdown(assistant.check(claim), detect_language(claim))
        except RagError as error:
            return escape(str(error))

    def check(claim: str) -> dict:
        """The same object as `rag check --json`."""
        try:
            return check_to_json(assistant.check(claim))
        except RagError as error:
            return {"claim": claim, "error": str(error)}

    with gr.Blocks(title="Kerja sama luar negeri — asisten") as demo:
        gr.Markdown(
            "## Kerja sama luar negeri kota-kota Indonesia\n"
            f"Jawaban dikutip dari {manifest.counts['articles']} artikel "
            f"({manifest.counts['chunks']} potongan), indeks dibuat {escape(manifest.built_at)}."
        )
        outlets = sorted({a.outlet for a in assistant.index.articles.values() if a.outlet})
        with gr.Tab("Tanya jawab"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Percakapan", height=520, buttons=["copy", "copy_all"])
                    asked = gr.State([])
                    question = gr.Textbox(label="Pertanyaan", placeholder="Tulis pertanyaan…", max_lines=4)
                    with gr.Row():
                        send = gr.Button("Tanya", variant="primary")
                        new = gr.Button("Percakapan baru")
                    with gr.Accordion("Saring artikel", open=False):
                        since = gr.Textbox(label="Sejak (YYYY, YYYY-MM atau YYYY-MM-DD)", max_lines=1)
                        until = gr.Textbox(label="Sampai (YYYY, YYYY-MM atau YYYY-MM-DD)", max_lines=1)
                        outlet = gr.Dropdown(outlets, multiselect=True, label="Media")
                    gr.Examples(EXAMPLES, inputs=question)
                with gr.Column(scale=2):
                    sources = gr.Markdown(label="Sumber")
        with gr.Tab("Cek fakta"):
            claim = gr.Textbox(label="Klaim", placeholder="Tempel klaim yang ingin dicek…", max_lines=6)
            verify = gr.Button("Cek", variant="primary")
            verdict = gr.Markdown()
        for trigger in (question.submit, send.click):
            trigger(respond, [question, chat, asked, since, until, outlet], [question, chat, asked, sources],
                    api_visibility="private")
        new.click(lambda: ([], [], "", ""), None, [chat, asked, question, sources], api_visibility="private")
        for trigger in (claim.submit, verify.click):
            trigger(check_claim, claim, verdict, api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(check, api_name="check")
    return demo


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Start the newsroom chat in the browser.")
    parser.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1: this machine only).")
    parser.add_argument("--port", type=int, default=7860, help="Port (default 7860).")
    parser.add_argument("--index", default=None, help="Index folder (default ./index, built when missing).")
    parser.add_argument("--corpus", default=None, help="Corpus to build the index from (default ./corpus).")
    parser.add_argument("--model", default=None, help="Embedding model (default: bundled all-MiniLM-L6-v2).")
    parser.add_argument("--llm-url", default=None, help="OpenAI-compatible chat endpoint for generative answers (env RAG_LLM_URL).")
    parser.add_argument("--llm-model", default=None, help="Model the endpoint serves (env RAG_LLM_MODEL).")
    parser.add_argument("--llm-key", default=None, help="API key for the endpoint (env RAG_LLM_KEY).")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings: Settings = load_settings(args.corpus, args.index, args.model, llm_url=args.llm_url,
                                           llm_model=args.llm_model, llm_key=args.llm_key)
    except RagError as error:
        sys.exit(f"Error: {error}")
    if not manifest_exists(settings.index):
        print(f"No index at {settings.index}: building it from {settings.corpus} first …", flush=True)
    try:
        assistant = Assistant.open(settings, build_if_missing=True)
    except RagError as error:
        sys.exit(f"Error: {error}")
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=CONCURRENT_QUESTIONS)
    demo.launch(server_name=args.host, server_port=args.port, **launch_options())


if __name__ == "__main__":
    main()
