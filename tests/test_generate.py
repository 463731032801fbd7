"""Generative answers against a local stand-in endpoint: verified markers, removals, fallbacks."""

import re
from dataclasses import replace

import pytest

from rag.answers.generative import keep_supported_sentences
from rag.answers.settings import LLMSettings
from rag.assistant import Assistant
from tests.fake_llm import FakeChatServer

QUESTION = "Siapa Wali Kota Kisarazu?"


def passages_of(request: dict) -> dict[int, str]:
    text = request["messages"][-1]["content"]
    return {int(n): p.strip() for n, p in re.findall(r"\[(\d+)\] (.*?)(?=\n\n\[\d+\] |\n\nQuestion:)", text, re.S)}


def with_llm(assistant: Assistant, server: FakeChatServer, timeout: float = 5.0) -> Assistant:
    settings = replace(assistant.settings, llm=LLMSettings(server.url, "stand-in", "secret-key", timeout))
    return replace(assistant, settings=settings)


def test_supported_sentences_are_kept_and_inventions_removed(assistant):
    def reply(request):
        passages = passages_of(request)
        number = next(n for n, p in passages.items() if "Yushikuni Watanabe" in p)
        return (
            f"Wali Kota Kisarazu adalah Yushikuni Watanabe, yang berkunjung ke Bogor pada 6 Oktober 2016 [{number}]. "
            f"Ia juga menjabat sebagai gubernur Chiba sejak 1999 [{number}]. "
            "Kisarazu adalah kota pelabuhan terbesar di Jepang [42]. "
            "Kota itu terkenal dengan pertanian organik."
        )

    with FakeChatServer(reply) as server:
        answer = with_llm(assistant, server).ask(QUESTION)
    assert answer.mode == "generative" and answer.notice is None
    assert len(answer.parts) == 1 and "Yushikuni Watanabe" in answer.parts[0].text
    assert answer.answer.endswith("[1]") and len(answer.citations) == 1
    assert answer.citations[0].article_id == "003_fcff50e6fce6b534"
    reasons = [r["reason"] for r in answer.removed]
    assert any("not supported" in r for r in reasons)  # the invented governorship (and its year)
    assert any("does not exist" in r for r in reasons)  # marker [42]
    assert any("no citation marker" in r for r in reasons)
    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["Authorization"] == "Bearer secret-key"
    assert sent["body"]["model"] == "stand-in"


@pytest.mark.parametrize(("server_args", "reason"), [
    ({"status": 500}, "HTTP 500"),
    ({"delay": 2.0}, "did not answer"),
    ({"reply": lambda request: "Semua kalimat ini tanpa sumber sama sekali [1]."}, "didukung"),
])
def test_any_failure_returns_the_extractive_answer_with_a_notice(assistant, server_args, reason):
    extractive = assistant.ask(QUESTION)
    with FakeChatServer(**server_args) as server:
        answer = with_llm(assistant, server, timeout=0.5).ask(QUESTION)
    assert answer.mode == "extractive"
    assert answer.answer == extractive.answer
    assert reason in answer.notice


def test_no_model_call_when_the_corpus_cannot_answer(assistant):
    with FakeChatServer() as server:
        answer = with_llm(assistant, server).ask("Siapa pemenang Piala Dunia sepak bola 2018?")
    assert answer.abstained and server.requests == []


def test_verify_checks_numbers_and_marker_ranges(assistant):
    terms = assistant.index.lexical.analyzer.terms
    passages = ["Kota Bogor bergabung dengan UCLG ASPAC sejak April 2016 bersama 15 pemerintah daerah."]
    result = keep_supported_sentences(
        "Kota Bogor bergabung dengan UCLG ASPAC sejak April 2016 [1]. "
        "Kota Bogor bergabung dengan UCLG ASPAC bersama 20 pemerintah daerah [1]. "
        "Kota Bogor bergabung [2].",
        passages, terms,
    )
    assert [s.text for s in result.sentences] == ["Kota Bogor bergabung dengan UCLG ASPAC sejak April 2016."]
    assert [r["reason"].split(" (")[0] for r in result.removed] == [
        "not supported by the passage it cites", "cites a passage that does not exist",
    ]


def test_the_app_streams_the_quoted_answer_first_then_the_verified_model_answer(assistant):
    from rag.web.app import NewsroomApp
    from tests.test_app import turn

    def reply(request):
        number = next(n for n, p in passages_of(request).items() if "Yushikuni Watanabe" in p)
        return f"Wali Kota Kisarazu adalah Yushikuni Watanabe [{number}]."

    with FakeChatServer(reply) as server:
        updates = turn(NewsroomApp(with_llm(assistant, server)), QUESTION, [], [], "", "", [])
    shown = [update.chat[-1]["content"] for update in updates]
    quoted = [s for s in shown if s.startswith("_Model bahasa sedang menyusun")]
    assert quoted and "Yushikuni Watanabe" in quoted[-1]  # the quotes, while the model writes
    assert shown[-1] == "Wali Kota Kisarazu adalah Yushikuni Watanabe. **\\[1\\]**"
