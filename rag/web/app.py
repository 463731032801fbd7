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
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from rag.answers.claims import check_to_json
from rag.answers.extractive import answer_to_json
from rag.assistant import Assistant, Request, validate_question
from rag.dossier.files import Provenance, write_dossier
from rag.errors import FilterError, RagError
from rag.register import queries as register
from rag.register.timeline import timeline_svg
from rag.search.filters import Filters
from rag.text.language import detect_language
from rag.text.messages import REGISTER, UI, UI_LANGUAGES, in_language
from rag.web.cards import CSS, SCROLL_TO_CITATION_JS, citations_html, detail_html, sources_html, verdict_html
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
            "outlet", "examples", "story", "claim", "partner", "field", "year", "register_table", "answer_note",
            "claim_note")
BUTTONS = ("send", "new", "verify", "no_time", "answer_up", "answer_down", "claim_up", "claim_down")
# Download buttons: their text is their label (their value is the file).
DOWNLOADS = ("answer_dossier", "answer_dossier_md", "claim_dossier", "claim_dossier_md")
HINTED = ("question", "claim")


@dataclass(frozen=True)
class ChatTurn:
    """What the chat shows at one moment of a turn: each field is the value of the component of the
    same name (the question box, the conversation, the questions asked, the source cards, the
    story's Markdown, and what feedback and the dossier are about), so that no handler and no
    wiring has to keep six values in one order."""

    question: str = ""
    chat: list = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    sources: str = ""
    story: str = ""
    answered: dict | None = None

    @classmethod
    def components(cls, named: dict) -> list:
        return [named[f.name] for f in fields(cls)]

    def values(self) -> tuple:
        """The values in the order of `components`, as Gradio takes a handler's outputs."""
        return tuple(getattr(self, f.name) for f in fields(self))


def as_outputs(turns):
    """A handler that yields ChatTurns, as Gradio calls it: each turn's values in components' order."""

    @functools.wraps(turns)
    def stream(*args, **kwargs) -> Iterator[tuple]:
        for turn in turns(*args, **kwargs):
            yield turn.values()
    return stream


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
    return ChatTurn(question, list(messages or []) + [{"role": "assistant", "content": escape(said)}], list(asked or []))


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
        self.components: dict[str, Any] = {}  # Gradio components by name; each event method is its own class's
        self.demo: gr.Blocks | None = None
        self._dossier_root: Path | None = None

    # The header ---------------------------------------------------------------------------

    def status(self, language: str) -> str:
        """What the index being served holds, and a failed reload if there was one."""
        manifest, words = self.assistant.index.manifest, in_language(UI, language)
        counts = {"articles": manifest.counts.articles, "chunks": manifest.counts.chunks, "built": escape(manifest.built_at)}
        trouble = f"\n\n**{escape(self.assistant.reload_error)}**" if self.assistant.reload_error else ""
        return f"## {words['title']}\n" + words["status"].format(**counts) + trouble

    def refreshed_status(self, choice: str) -> str:
        """Between questions the assistant switches to a newer index version; the header follows."""
        language = UI_LANGUAGES.get(choice, "id")
        try:
            self.assistant.refresh()
        except RagError as error:  # Milvus gone away: the version serving stays, the header says why
            return self.status(language) + f"\n\n**{escape(str(error))}**"
        return self.status(language)

    def switch_language(self, choice: str) -> dict:
        code = UI_LANGUAGES.get(choice, "id")
        words = in_language(UI, code)
        updates: dict[Any, Any] = {self.components["header"]: self.status(code)}
        for name in LABELLED:
            hint: dict[str, Any] = {"placeholder": words[f"{name}_hint"]} if name in HINTED else {}
            updates[self.components[name]] = gr.update(label=words[name], **hint)
        for name in BUTTONS:
            updates[self.components[name]] = gr.update(value=words[name])
        for name in DOWNLOADS:
            updates[self.components[name]] = gr.update(label=words[name])
        return updates

    # The chat -----------------------------------------------------------------------------

    @shows_errors(_chat_error)
    def respond(self, question: str, messages: list, asked: list[str], since: str, until: str, outlets: list[str],
                infer_time: bool = True) -> Iterator[ChatTurn]:
        """One chat turn, streamed; `asked` holds the conversation's earlier questions, as typed.

        Yields what the chat shows as the answer grows; `answered` is, at the end, what feedback
        and the dossier are about: the answer's JSON, the conversation before it and the index
        version that answered.
        """
        messages, asked = list(messages or []), list(asked or [])
        request = Request(validate_question(question), Filters.from_form(since, until, outlets), history=tuple(asked),
                          infer_time=infer_time)
        words = in_language(UI, detect_language(request.question))
        messages += [{"role": "user", "content": escape(request.question)},
                     {"role": "assistant", "content": f"_{words['searching']}_"}]
        yield ChatTurn(chat=messages, asked=asked)
        for reply in self.assistant.run(request):
            answer = reply.answer
            sources = sources_html(answer, self.assistant.index.articles)
            shown = "" if reply.final else f"_{words['generating']}_\n\n"
            for piece in answer_pieces(answer):
                shown += piece
                messages = messages[:-1] + [{"role": "assistant", "content": shown}]
                yield ChatTurn(chat=messages, asked=asked, sources=sources)
        answered = {"kind": "answer", "judged": answer_to_json(answer), "history": asked,
                    "provenance": asdict(self.assistant.provenance())}
        yield ChatTurn("", messages, asked + [request.question], sources, story_markdown(answer), answered)

    def ask_without_time(self, messages: list, asked: list[str], since: str, until: str, outlets: list[str]) -> Iterator[ChatTurn]:
        """The last question again, its last turn replaced, without the time read from it."""
        messages, asked = list(messages or []), list(asked or [])
        if not asked:
            yield ChatTurn(chat=messages, asked=asked)
            return
        yield from self.respond(asked[-1], messages[:-2], asked[:-1], since, until, outlets, infer_time=False)

    @staticmethod
    def time_button(answered: dict | None):
        """The button that removes the time read from the question, shown only when one was."""
        return gr.update(visible=bool(answered and answered["judged"].get("inferred_filters")))

    @staticmethod
    def new_conversation() -> tuple:
        return ChatTurn().values()

    @shows_errors(lambda app, error, question, *_, **__: {"question": question, "error": str(error)})
    def ask(self, question: str, history: list[str] | None = None, since: str | None = None, until: str | None = None,
            outlets: list[str] | None = None, infer_time: bool = True, request: gr.Request | None = None) -> dict:
        """The same object as `rag ask --json`. `history`: earlier questions of the conversation;
        `since`/`until`: YYYY, YYYY-MM or YYYY-MM-DD; `outlets`: outlet names (or parts of them);
        `infer_time`: read the time the question names into filters (`inferred_filters`)."""
        with self._stateless(request):
            filters = Filters.from_form(since, until, outlets)
            return answer_to_json(self.assistant.ask(question, filters, history=history, infer_time=infer_time is not False))

    # The fact check -----------------------------------------------------------------------

    @shows_errors(lambda app, error, claim: (f"<p>{html.escape(str(error))}</p>", None))
    def check_claim(self, claim: str) -> tuple[str, dict]:
        """The verdict's HTML, and what feedback and the dossier are about (the check's JSON)."""
        result = self.assistant.check(claim)
        checked = {"kind": "claim", "judged": check_to_json(result), "history": [],
                   "provenance": asdict(self.assistant.provenance())}
        return verdict_html(result, self.assistant.index.articles, detect_language(claim)), checked

    # The dossier ---------------------------------------------------------------------------

    def dossier_files(self, judged: dict | None, choice: str) -> tuple:
        """The dossier of the last answer or check, HTML and Markdown, for the two download buttons."""
        if not judged:
            return gr.update(value=None, interactive=False), gr.update(value=None, interactive=False)
        folder = Path(tempfile.mkdtemp(prefix="dossier-", dir=self._dossiers()))
        page, twin = write_dossier(folder / "dosir", judged["judged"], Provenance(**judged["provenance"]),
                                   UI_LANGUAGES.get(choice, "id"))
        return gr.update(value=str(page), interactive=True), gr.update(value=str(twin), interactive=True)

    def _dossiers(self) -> Path:
        """The app's folder of dossiers; those over an hour old are removed as new ones are made."""
        if self._dossier_root is None:
            self._dossier_root = Path(tempfile.mkdtemp(prefix="rag-dossiers-"))
        cutoff = time.time() - 3600
        for old in self._dossier_root.iterdir():
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        return self._dossier_root

    # Feedback -----------------------------------------------------------------------------

    @shows_errors(lambda app, error, *_: (f"**{escape(str(error))}**", gr.update()))
    def thumbs(self, rating: str, note: str, judged: dict | None, choice: str) -> tuple[str, Any]:
        """Record the reader's judgement of the last answer or check; the note box empties."""
        words = in_language(UI, UI_LANGUAGES.get(choice, "id"))
        if not judged:
            return words["feedback_nothing"], gr.update()
        self.assistant.feedback(judged["kind"], judged["judged"], rating, note, judged.get("history"))
        return words["feedback_saved"], ""

    @shows_errors(lambda app, error, *_, **__: {"error": str(error)})
    def feedback(self, kind: str, text: str, rating: str, note: str | None = None, history: list[str] | None = None,
                 request: gr.Request | None = None) -> dict:
        """Thumbs `rating` ("up" or "down") on the answer to a question (`kind` "answer") or the
        check of a claim ("claim"), as this index answers it now; `note` optional. Returns the
        record as stored (`rag feedback --json`)."""
        with self._stateless(request):
            if kind == "claim":
                judged = check_to_json(self.assistant.check(text))
            else:
                judged = answer_to_json(self.assistant.ask(text, history=history))
            return self.assistant.feedback(kind, judged, rating, note, history).to_json()

    @shows_errors(lambda app, error, claim, *_, **__: {"claim": claim, "error": str(error)})
    def check(self, claim: str, request: gr.Request | None = None) -> dict:
        """The same object as `rag check --json`."""
        with self._stateless(request):
            return check_to_json(self.assistant.check(claim))

    # The register -------------------------------------------------------------------------

    @shows_errors(lambda app, error, *_: (gr.update(), gr.update(), f"<p>{html.escape(str(error))}</p>"))
    def register_view(self, partner: str, field: str | None, year: str | None, choice: str = "Bahasa Indonesia") -> tuple:
        """Table and timeline of the partnerships the filters admit, in the interface language."""
        language = UI_LANGUAGES.get(choice, "id")
        chosen = self.assistant.partnerships(register.RegisterFilter.from_form(partner, field, year))
        table = pd.DataFrame(register.table_rows(chosen, language), columns=register.table_headers(language))
        return table, timeline_svg(chosen, language=language), ""

    def register_choices(self, choice: str = "Bahasa Indonesia") -> tuple:
        """The field and year choices of the index being served (a reload may bring new ones), the
        fields named in the interface language."""
        records, language = self.assistant.partnerships(), UI_LANGUAGES.get(choice, "id")
        fields = sorted({f for r in records for f in r.fields})
        return (gr.update(choices=[(register.shown("field", f, language), f) for f in fields]),
                gr.update(choices=sorted({str(r.year_or_reported) for r in records if r.year_or_reported})))

    def register_sources(self, choice: str, event: gr.SelectData) -> str:
        """The partnership whose row was clicked, every column one under another (all a phone shows
        of a wide row), then its sources' cards. Found by its names: the table sorts."""
        row, language = dict(zip(register.TABLE_COLUMNS, event.row_value or [])), UI_LANGUAGES.get(choice, "id")
        found = [r for r in self.assistant.partnerships() if (r.partner, r.local_party) == (row.get("partner"), row.get("local_party"))]
        if not found:
            return ""
        record, words = found[0], in_language(REGISTER, language)
        rows = list(zip(register.table_headers(language), register.table_rows([record], language)[0]))
        rows.append((words["col_people"], "; ".join(f"{p.name} ({p.role})" for p in record.people)))
        citations, _ = register.citations_for(record, self.assistant.index.articles)
        return (detail_html(f"{words['detail']}: {record.local_party} — {record.partner}", rows)
                + citations_html(citations, self.assistant.index.articles, language))

    @shows_errors(lambda app, error, *_, **__: {"error": str(error)})
    def partnerships(self, partner: str | None = None, field: str | None = None, year: int | None = None,
                     request: gr.Request | None = None) -> list[dict]:
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
            with gr.Row():  # on a phone the language switch goes under the title, not beside it
                with gr.Column(scale=3, min_width=320):
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
                            c["no_time"] = gr.Button(words["no_time"], visible=False, elem_id="no-time")
                        with gr.Accordion(words["filters"], open=False) as c["filters"]:
                            c["since"] = gr.Textbox(label=words["since"], max_lines=1)
                            c["until"] = gr.Textbox(label=words["until"], max_lines=1)
                            c["outlet"] = gr.Dropdown(outlets, multiselect=True, label=words["outlet"])
                        c["examples"] = gr.Examples(EXAMPLES, inputs=c["question"], label=words["examples"]).dataset
                        c["answered"] = gr.State(None)
                    with gr.Column(scale=2):
                        c["sources"] = gr.HTML(elem_id="sources", js_on_load=SCROLL_TO_CITATION_JS)
                        c["story"] = gr.Textbox(label=words["story"], elem_id="story", lines=4, max_lines=12,
                                                interactive=False, buttons=["copy"])
                        self._feedback_row("answer", words)
                        self._dossier_buttons("answer", words)
            with gr.Tab(words["check_tab"]) as c["check_tab"]:
                c["claim"] = gr.Textbox(label=words["claim"], placeholder=words["claim_hint"], max_lines=6)
                c["verify"] = gr.Button(words["verify"], variant="primary")
                c["verdict"] = gr.HTML(elem_id="verdict", js_on_load=SCROLL_TO_CITATION_JS)
                self._feedback_row("claim", words)
                self._dossier_buttons("claim", words)
            with gr.Tab(words["register_tab"]) as c["register_tab"]:
                with gr.Row():
                    c["partner"] = gr.Textbox(label=words["partner"], max_lines=1)
                    c["field"] = gr.Dropdown([], value=None, label=words["field"])
                    c["year"] = gr.Dropdown([], value=None, label=words["year"])
                # The table and the timeline take the page's width; a clicked row's details and
                # sources follow below (on a phone, the details show every column).
                c["register_table"] = gr.Dataframe(
                    pd.DataFrame(register.table_rows(records), columns=register.table_headers()),
                    label=words["register_table"], interactive=False, show_search="filter", elem_id="register",
                    wrap=True, max_height=520, column_widths=list(register.TABLE_WIDTHS))
                c["timeline"] = gr.HTML(timeline_svg(records), label=words["timeline"], elem_id="timeline")
                c["register_cards"] = gr.HTML(elem_id="register-sources", js_on_load=SCROLL_TO_CITATION_JS)
            self._wire(demo)
        self.demo = demo
        return demo

    def _feedback_row(self, kind: str, words: dict) -> None:
        """👍 / 👎 and a note, under an answer (`kind` "answer") or a verdict ("claim")."""
        c = self.components
        with gr.Row(elem_id=f"feedback-{kind}"):
            c[f"{kind}_note"] = gr.Textbox(label=words[f"{kind}_note"], max_lines=3, scale=3)
            c[f"{kind}_up"] = gr.Button(words[f"{kind}_up"], scale=0, min_width=120)
            c[f"{kind}_down"] = gr.Button(words[f"{kind}_down"], scale=0, min_width=120)
        c[f"{kind}_feedback_said"] = gr.Markdown(elem_id=f"feedback-{kind}-said")
        if kind == "claim":
            c["checked"] = gr.State(None)

    def _dossier_buttons(self, kind: str, words: dict) -> None:
        c = self.components
        with gr.Row(elem_id=f"dossier-{kind}"):
            c[f"{kind}_dossier"] = gr.DownloadButton(words[f"{kind}_dossier"], value=None, interactive=False,
                                                     scale=0, min_width=220)
            c[f"{kind}_dossier_md"] = gr.DownloadButton(words[f"{kind}_dossier_md"], value=None, interactive=False,
                                                        scale=0, min_width=220)

    def _wire(self, demo: gr.Blocks) -> None:
        c = self.components
        private: dict[str, Any] = {"api_visibility": "private"}
        relabelled = [c["header"], *(c[name] for name in LABELLED + BUTTONS + DOWNLOADS)]
        c["language"].change(self.switch_language, c["language"], relabelled, **private)
        c["language"].change(self.register_view, [c["partner"], c["field"], c["year"], c["language"]],
                             [c["register_table"], c["timeline"], c["register_cards"]], **private)
        demo.load(self.refreshed_status, c["language"], c["header"], **private)
        register_inputs = [c["partner"], c["field"], c["year"], c["language"]]
        register_outputs = [c["register_table"], c["timeline"], c["register_cards"]]
        demo.load(self.register_choices, c["language"], [c["field"], c["year"]], **private)
        c["language"].change(self.register_choices, c["language"], [c["field"], c["year"]], **private)
        demo.load(self.register_view, register_inputs, register_outputs, **private)
        chat_outputs = ChatTurn.components(c)
        form = [c["since"], c["until"], c["outlet"]]
        asks = [(c["question"].submit, self.respond, [c["question"], c["chat"], c["asked"], *form]),
                (c["send"].click, self.respond, [c["question"], c["chat"], c["asked"], *form]),
                (c["no_time"].click, self.ask_without_time, [c["chat"], c["asked"], *form])]
        for trigger, handler, inputs in asks:
            trigger(as_outputs(handler), inputs, chat_outputs, **private).then(
                self.refreshed_status, c["language"], c["header"], **private).then(
                self.dossier_files, [c["answered"], c["language"]], [c["answer_dossier"], c["answer_dossier_md"]],
                **private).then(self.time_button, c["answered"], c["no_time"], **private)
        c["new"].click(self.new_conversation, None, chat_outputs, **private)
        for trigger in (c["claim"].submit, c["verify"].click):
            trigger(self.check_claim, c["claim"], [c["verdict"], c["checked"]], **private).then(
                self.dossier_files, [c["checked"], c["language"]], [c["claim_dossier"], c["claim_dossier_md"]],
                **private)
        for kind, judged in (("answer", c["answered"]), ("claim", c["checked"])):
            for rating in ("up", "down"):
                c[f"{kind}_{rating}"].click(functools.partial(self.thumbs, rating),
                                            [c[f"{kind}_note"], judged, c["language"]],
                                            [c[f"{kind}_feedback_said"], c[f"{kind}_note"]], **private)
        for trigger in (c["partner"].submit, c["field"].change, c["year"].change):
            trigger(self.register_view, register_inputs, register_outputs, **private)
        c["register_table"].select(self.register_sources, c["language"], c["register_cards"], **private)
        for name, method in API.items():
            gr.api(getattr(self, method.__name__), api_name=name)


# The HTTP API: name → handler, each the same object as the CLI's --json.
API = {"ask": NewsroomApp.ask, "check": NewsroomApp.check, "partnerships": NewsroomApp.partnerships,
       "feedback": NewsroomApp.feedback}


def launch_options() -> dict:
    """What every launch passes: the HTTP wall (rag.web.guard), the footer without outside links, the
    cards' style, and no run history (Gradio would keep every question asked in the browser's local
    storage, where the next user of a shared newsroom computer could read them)."""
    from starlette.middleware import Middleware

    api_parameters = {name: [(p.name, p.default is inspect.Parameter.empty)
                             for p in inspect.signature(method).parameters.values() if p.name not in ("self", "request")]
                      for name, method in API.items()}
    middleware = [Middleware(SecurityHeaders), Middleware(RequestGuard, api_parameters=api_parameters)]
    # max_file_size: a second wall, should a Gradio version add an upload route under another name.
    return {"app_kwargs": {"middleware": middleware}, "footer_links": ["api"], "css": CSS,
            "max_file_size": "1kb", "run_history": False}

