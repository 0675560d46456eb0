"""Property-based fuzzing (hypothesis) of what a stranger or a careless edit can send:
``orienta ask --jsonl`` lines, web chat and webhook bodies, and knowledge YAML. Thousands of
cases; never a crash, never a 500."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import _read_jsonl
from bot.switchboard import Switchboard
from bot.web.app import create_app
from knowledge.db import migrate
from knowledge.loader import load
from orienta.settings import Settings
from orienta.topics import Topic, TopicMap

from .bot.fakes import EchoCore

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)
FIELDS = ["session", "text", "payload", "language", "latitude", "longitude", "turns"]
BODY = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), JSON, max_size=6)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.binary(max_size=200).filter(lambda b: b"\n" not in b), max_size=8))
def test_every_ask_line_is_a_row_or_an_error_naming_its_line(lines: list[bytes]) -> None:
    for number, row, error in _read_jsonl(lines):
        if row is None:
            assert error is not None and error.startswith(f"line {number}:")
        else:
            assert isinstance(row["text"], str) and error is None


@settings(max_examples=1000, deadline=None)
@given(st.lists(JSON.map(lambda v: json.dumps(v, allow_nan=True)), max_size=6))
def test_any_json_value_on_a_line_is_answered_or_refused(lines: list[str]) -> None:
    assert len(list(_read_jsonl(lines))) == sum(1 for line in lines if line.strip())


_clients: dict[str, TestClient] = {}


def web(tmp: Path) -> TestClient:
    if "web" not in _clients:
        url = f"sqlite:///{tmp / 'fuzz.db'}"
        migrate(url)
        config = Settings(
            database_url=url, rate_limit_address="1000000/minute",
            rate_limit_messages="1000000/minute", whatsapp_verify_token="v",
            whatsapp_app_secret="s", whatsapp_access_token="a", whatsapp_phone_number_id="1",
        )  # fmt: skip
        from bot.whatsapp import WhatsAppChannel

        switchboard = Switchboard(EchoCore(), config)  # type: ignore[arg-type]
        app = create_app(switchboard, config, whatsapp=WhatsAppChannel(switchboard, config))
        _clients["web"] = TestClient(
            app, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 5000),
            raise_server_exceptions=False,
        )  # fmt: skip
    return _clients["web"]


ROUTES = [
    "/api/message", "/api/forget", "/api/staff/handoffs/1/reply", "/api/staff/handoffs/1/close",
    "/whatsapp/webhook",
]  # fmt: skip


@settings(
    max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(ROUTES), BODY | JSON, st.sampled_from(["application/json", "text/plain", ""])
)
def test_no_body_on_any_route_gives_a_server_error(
    tmp_path_factory: Any, route: str, body: Any, content_type: str
) -> None:
    client = web(tmp_path_factory.getbasetemp())
    data = json.dumps(body, allow_nan=True).encode()
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(route, content=data, headers=headers)
    assert response.status_code < 500, (route, data[:200], response.text[:300])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.text(max_size=30), st.integers(min_value=-(2**70), max_value=2**70))
def test_no_update_query_gives_a_server_error(
    tmp_path_factory: Any, session: str, after: int
) -> None:
    client = web(tmp_path_factory.getbasetemp())
    response = client.get("/api/updates", params={"session": session, "after": after})
    assert response.status_code < 500


MINI = TopicMap(
    areas={"documents": "Documents", "conversation": "Talk"},
    topics={"permit_renewal": Topic("permit_renewal", "documents", ""),
            "greet": Topic("greet", "conversation", "")},
)  # fmt: skip
DATA = Path(__file__).parent / "data" / "knowledge"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["topics/documents/permit_renewal.yml", "comuni.yml"]),
    JSON.map(lambda v: yaml.safe_dump(v, allow_unicode=True)) | st.text(max_size=300),
)
def test_any_knowledge_file_is_loaded_or_its_problems_named(
    tmp_path_factory: Any, name: str, content: str
) -> None:
    root = tmp_path_factory.mktemp("kb")
    shutil.copytree(DATA, root / "knowledge")
    (root / "knowledge" / name).write_text(content, encoding="utf-8")
    kb = load(root / "knowledge", MINI, ("it", "en"))
    assert all(str(p).split(":")[0].endswith(".yml") for p in kb.problems)
