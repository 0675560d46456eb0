"""schemathesis over the web server's own OpenAPI description: every route, with generated
parameters and bodies, never answers with a server error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from bot.switchboard import Switchboard
from bot.web.app import create_app
from knowledge.db import migrate
from orienta.settings import Settings

from .fakes import EchoCore


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('schema')) / 'api.db'}"
    migrate(url)
    unlimited = "1000000/minute"
    config = Settings(  # type: ignore[call-arg]
        database_url=url,
        rate_limit_address=unlimited,
        rate_limit_messages=unlimited,
        rate_limit_polls=unlimited,
    )
    app = create_app(Switchboard(EchoCore(), config), config)  # type: ignore[arg-type]
    app.add_api_route("/openapi.json", app.openapi, include_in_schema=False)  # tests only
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_route_answers_with_a_server_error(case: Any) -> None:
    response = case.call(headers={"content-type": "application/json"})
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
