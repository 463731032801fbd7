"""The Gradio app: the chat, the fact check, the partnership register and the /ask, /check and
/partnerships API, as one class whose handlers are its methods.

It holds no logic of its own: every answer comes from `Assistant`, every piece of HTML or Markdown
from `rag.web.cards` and `rag.web.markdown`, every word from `rag.text.messages`.
"""

from __future__ import annotations

import contextlib
import functools
import html
import inspect

import gradio as gr

from rag.answers.claims import check_to_json
from rag.answers.extractive import answer_to_json
from rag.assistant import Assistant, Request, validate_question
from rag.errors import FilterError, RagError
from rag.register import queries as register
from rag.register.timeline import timeline_svg
from rag.search.filters import Filters
from rag.text.language import detect_language
from rag.text.messages import UI, UI_LANGUAGES, in_language
from rag.web.cards import CSS, SCROLL_TO_CITATION_JS, citations_html, sources_html, verdict_html
from rag.web.guard import RequestGuard, SecurityHeaders
from rag.web.markdown import answer_pieces, escape, story_markdown

EXAMPLES = [
    "Siapa Wali Kota Kisarazu?",
    "Kota luar negeri mana saja yang menjalin kerja sama dengan Kota Bogor?",
    "Sejak kapan Kota Bogor resmi bergabung dengan UCLG ASPAC?",
    "Which professor did the Ministry of Home Affairs explore cooperation with?",
]
CONCURRENT_QUESTIONS = 8
# The components whose words change with the interface language, each named as its text in
# rag.text.messages.UI: a label, a button's caption, and a box's hint (the text "<name>_hint").
# The language switch walks these, so a new labelled component is one word here.
LABELLED = ("language", "ask_tab", "check_tab", "register_tab", "chat", "question", "filters", "since", "until",
            "outlet", "examples", "story", "claim", "partner", "field", "year", "register_table")
BUTTONS = ("send", "new", "verify")
HINTED = ("question", "claim")


def shows_errors(render_error):
    """A handler's `RagError` becomes what the user sees, `render_error(app, error, *inputs)`,
    instead of Gradio's generic "Error" toast (or `{"error": null}` from the API)."""

    def decorate(handler):
        if inspect.isgeneratorfunction(handler):
            @functools.wraps(handler)
            def stream(self, *args, **kwargs):
                try:
                    yield from handler(self, *args, **kwargs)
                except RagError as error:
                    yield render_error(self, error, *args, **kwargs)
            return stream

        @functools.wraps(handler)
        def call(self, *args, **kwargs):
            try:
                return handler(self, *args, **kwargs)
            except RagError as error:
                return render_error(self, error, *args, **kwargs)
        return call

    return decorate


def _chat_error(app, error, question, messages, asked, *_):
    """The conversation as it was, the error as the assistant's reply, the question kept to fix."""
    said = _form_wording(error, detect_language(question) if isinstance(question, str) else "id")
    return question, list(messages or []) + [{"role": "assistant", "content": escape(said)}], list(asked or []), "", ""


def _form_wording(error: RagError, language: str) -> str:
    """A date filter's error names the form's field, as the user sees it, not the CLI's flag."""
    if not isinstance(error, FilterError):
        return str(error)
    words = in_language(UI, language)
    key = "dates_swapped" if error.other is not None else "bad_date"
    return words[key].format(field=words[f"{error.bound}_field"], value=error.value, other=error.other)


class NewsroomApp:
    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.components: dict[str, gr.components.Component] = {}
        self.demo: gr.Blocks | None = None

    # The header ---------------------------------------------------------------------------

    def status(self, language: str) -> str:
        """What the index being served holds, and a failed reload if there was one."""
        manifest, words = self.assistant.index.manifest, in_language(UI, language)
        counts = {"articles": manifest.counts["articles"], "chunks": manifest.counts["chunks"], "built": escape(manifest.built_at)}
        trouble = f"\n\n**{escape(self.assistant.reload_error)}**" if self.assistant.reload_error else ""
        return f"## {words['title']}\n" + words["status"].format(**counts) + trouble

    def refreshed_status(self, choice: str) -> str:
        """Between questions the assistant switches to a newer index version; the header follows."""
        self.assistant.refresh()
        return self.status(UI_LANGUAGES.get(choice, "id"))

    def switch_language(self, choice: str) -> dict:
        code = UI_LANGUAGES.get(choice, "id")
        words = in_language(UI, code)
        updates = {self.components["header"]: self.status(code)}
        for name in LABELLED:
            hint = {"placeholder": words[f"{name}_hint"]} if name in HINTED else {}
            updates[self.components[name]] = gr.update(label=words[name], **hint)
        for name in BUTTONS:
            updates[self.components[name]] = gr.update(value=words[name])
        return updates

    # The chat -----------------------------------------------------------------------------

    @shows_errors(_chat_error)
    def respond(self, question: str, messages: list, asked: list[str], since: str, until: str, outlets: list[str]):
        """One chat turn, streamed; `asked` holds the conversation's earlier questions, as typed.

        Yields (question box, messages, asked, sources, story Markdown) as the answer grows.
        """
        messages, asked = list(messages or []), list(asked or [])
        request = Request(validate_question(question), Filters.from_form(since, until, outlets), history=tuple(asked))
        words = in_language(UI, detect_language(request.question))
        messages += [{"role": "user", "content": escape(request.question)},
                     {"role": "assistant", "content": f"_{words['searching']}_"}]
        yield "", messages, asked, "", ""
        for reply in self.assistant.run(request):
            answer = reply.answer
            sources = sources_html(answer, self.assistant.index.articles)
            shown = "" if reply.final else f"_{words['generating']}_\n\n"
            for piece in answer_pieces(answer):
                shown += piece
                messages = messages[:-1] + [{"role": "assistant", "content": shown}]
                yield "", messages, asked, sources, ""
        yield "", messages, asked + [request.question], sources, story_markdown(answer)

    @staticmethod
    def new_conversation() -> tuple:
        return [], [], "", "", ""

    @shows_errors(lambda app, error, question, *_, **__: {"question": question, "error": str(error)})
    def ask(self, question: str, history: list[str] | None = None, since: str | None = None, until: str | None = None,
            outlets: list[str] | None = None, request: gr.Request = None) -> dict:
        """The same object as `rag ask --json`. `history`: earlier questions of the conversation;
        `since`/`until`: YYYY, YYYY-MM or YYYY-MM-DD; `outlets`: outlet names (or parts of them)."""
        with self._stateless(request):
            filters = Filters.from_form(since, until, outlets)
            return answer_to_json(self.assistant.ask(question, filters, history=history))

    # The fact check -----------------------------------------------------------------------

    @shows_errors(lambda app, error, claim: f"<p>{html.escape(str(error))}</p>")
    def check_claim(self, claim: str) -> str:
        return verdict_html(self.assistant.check(claim), self.assistant.index.articles, detect_language(claim))

    @shows_errors(lambda app, error, claim, *_, **__: {"claim": claim, "error": str(error)})
    def check(self, claim: str, request: gr.Request = None) -> dict:
        """The same object as `rag check --json`."""
        with self._stateless(request):
            return check_to_json(self.assistant.check(claim))

    # The register -------------------------------------------------------------------------

    @shows_errors(lambda app, error, *_: (gr.update(), gr.update(), f"<p>{html.escape(str(error))}</p>"))
    def register_view(self, partner: str, field: str | None, year: str | None) -> tuple:
        """Table and timeline of the partnerships the filters admit."""
        chosen = self.assistant.partnerships(register.RegisterFilter.from_form(partner, field, year))
        return register.table_rows(chosen), timeline_svg(chosen), ""

    def register_choices(self) -> tuple:
        """The field and year choices of the index being served (a reload may bring new ones)."""
        records = self.assistant.partnerships()
        return (gr.update(choices=sorted({f for r in records for f in r.fields})),
                gr.update(choices=sorted({str(r.year_or_reported) for r in records if r.year_or_reported})))

    def register_sources(self, choice: str, event: gr.SelectData) -> str:
        """The cards of the partnership whose row was clicked (found by its values: the table sorts)."""
        values = event.row_value or []
        found = [r for r in self.assistant.partnerships() if [r.partner, r.partner_type, r.local_party] == values[:3]]
        if not found:
            return ""
        citations, _ = register.citations_for(found[0], self.assistant.index.articles)
        return citations_html(citations, self.assistant.index.articles, UI_LANGUAGES.get(choice, "id"))

    @shows_errors(lambda app, error, *_, **__: {"error": str(error)})
    def partnerships(self, partner: str | None = None, field: str | None = None, year: int | None = None,
                     request: gr.Request = None) -> list[dict]:
        """The same list as `rag partnerships --json`, filtered by partner (part of a name), field and year."""
        with self._stateless(request):
            chosen = self.assistant.partnerships(register.RegisterFilter.from_form(partner, field, year))
            return register.rows(chosen, self.assistant.index.articles, self.assistant.index.copies)

    @contextlib.contextmanager
    def _stateless(self, request: gr.Request | None):
        """An API call carries all it needs, yet Gradio keeps each call's session, with its inputs
        and output, for the next 10,000 sessions: 91 KB a question, a megabyte for a large history.
        The session is dropped when the call ends."""
        try:
            yield
        finally:
            holder = getattr(self.demo, "state_holder", None)
            if request is not None and holder is not None:
                holder.session_data.pop(request.session_hash, None)
                holder.time_last_used.pop(request.session_hash, None)

    # The page -----------------------------------------------------------------------------

    def blocks(self) -> gr.Blocks:
        """The page, its events and its API, in the interface's default language (Indonesian)."""
        words = UI["id"]
        outlets = sorted({a.outlet for a in self.assistant.index.articles.values() if a.outlet})
        records = self.assistant.partnerships()
        c = self.components
        with gr.Blocks(title="Kerja sama luar negeri — asisten") as demo:
            with gr.Row():
                c["header"] = gr.Markdown(self.status("id"))
                c["language"] = gr.Radio(list(UI_LANGUAGES), value="Bahasa Indonesia", label=words["language"],
                                         scale=0, min_width=260)
            with gr.Tab(words["ask_tab"]) as c["ask_tab"]:
                with gr.Row():
                    with gr.Column(scale=3):
                        c["chat"] = gr.Chatbot(label=words["chat"], height=520, buttons=["copy", "copy_all"])
                        c["asked"] = gr.State([])
                        c["question"] = gr.Textbox(label=words["question"], placeholder=words["question_hint"], max_lines=4)
                        with gr.Row():
                            c["send"] = gr.Button(words["send"], variant="primary")
                            c["new"] = gr.Button(words["new"])
                        with gr.Accordion(words["filters"], open=False) as c["filters"]:
                            c["since"] = gr.Textbox(label=words["since"], max_lines=1)
                            c["until"] = gr.Textbox(label=words["until"], max_lines=1)
                            c["outlet"] = gr.Dropdown(outlets, multiselect=True, label=words["outlet"])
                        c["examples"] = gr.Examples(EXAMPLES, inputs=c["question"], label=words["examples"]).dataset
                    with gr.Column(scale=2):
                        c["sources"] = gr.HTML(elem_id="sources", js_on_load=SCROLL_TO_CITATION_JS)
                        c["story"] = gr.Textbox(label=words["story"], elem_id="story", lines=4, max_lines=12,
                                                interactive=False, buttons=["copy"])
            with gr.Tab(words["check_tab"]) as c["check_tab"]:
                c["claim"] = gr.Textbox(label=words["claim"], placeholder=words["claim_hint"], max_lines=6)
                c["verify"] = gr.Button(words["verify"], variant="primary")
                c["verdict"] = gr.HTML(elem_id="verdict", js_on_load=SCROLL_TO_CITATION_JS)
            with gr.Tab(words["register_tab"]) as c["register_tab"]:
                with gr.Row():
                    c["partner"] = gr.Textbox(label=words["partner"], max_lines=1)
                    c["field"] = gr.Dropdown([], value=None, label=words["field"])
                    c["year"] = gr.Dropdown([], value=None, label=words["year"])
                with gr.Row():
                    with gr.Column(scale=3):
                        c["register_table"] = gr.Dataframe(register.table_rows(records), headers=list(register.TABLE_COLUMNS),
                                                  label=words["register_table"], interactive=False, show_search="filter",
                                                  elem_id="register", wrap=True)
                        c["timeline"] = gr.HTML(timeline_svg(records), label=words["timeline"], elem_id="timeline")
                    with gr.Column(scale=2):
                        c["register_cards"] = gr.HTML(elem_id="register-sources", js_on_load=SCROLL_TO_CITATION_JS)
            self._wire(demo)
        self.demo = demo
        return demo

    def _wire(self, demo: gr.Blocks) -> None:
        c, private = self.components, {"api_visibility": "private"}
        relabelled = [c["header"], *(c[name] for name in LABELLED + BUTTONS)]
        c["language"].change(self.switch_language, c["language"], relabelled, **private)
        demo.load(self.refreshed_status, c["language"], c["header"], **private)
        register_inputs = [c["partner"], c["field"], c["year"]]
        register_outputs = [c["register_table"], c["timeline"], c["register_cards"]]
        demo.load(self.register_choices, None, [c["field"], c["year"]], **private)
        demo.load(self.register_view, register_inputs, register_outputs, **private)
        chat_outputs = [c["question"], c["chat"], c["asked"], c["sources"], c["story"]]
        for trigger in (c["question"].submit, c["send"].click):
            trigger(self.respond, [c["question"], c["chat"], c["asked"], c["since"], c["until"], c["outlet"]],
                    chat_outputs, **private).then(self.refreshed_status, c["language"], c["header"], **private)
        c["new"].click(self.new_conversation, None, [c["chat"], c["asked"], c["question"], c["sources"], c["story"]],
                       **private)
        for trigger in (c["claim"].submit, c["verify"].click):
            trigger(self.check_claim, c["claim"], c["verdict"], **private)
        for trigger in (c["partner"].submit, c["field"].change, c["year"].change):
            trigger(self.register_view, register_inputs, register_outputs, **private)
        c["register_table"].select(self.register_sources, c["language"], c["register_cards"], **private)
        for name, method in API.items():
            gr.api(getattr(self, method.__name__), api_name=name)


# The HTTP API: name → handler, each the same object as the CLI's --json.
API = {"ask": NewsroomApp.ask, "check": NewsroomApp.check, "partnerships": NewsroomApp.partnerships}


def launch_options() -> dict:
    """What every launch passes: the HTTP wall (rag.web.guard), the footer without outside links, the
    cards' style, and no run history (Gradio would keep every question asked in the browser's local
    storage, where the next user of a shared newsroom computer could read them)."""
    from starlette.middleware import Middleware

    api_parameters = {name: [p for p in inspect.signature(method).parameters if p not in ("self", "request")]
                      for name, method in API.items()}
    middleware = [Middleware(SecurityHeaders), Middleware(RequestGuard, api_parameters=api_parameters)]
    # max_file_size: a second wall, should a Gradio version add an upload route under another name.
    return {"app_kwargs": {"middleware": middleware}, "footer_links": ["api"], "css": CSS,
            "max_file_size": "1kb", "run_history": False}

