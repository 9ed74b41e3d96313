"""The JSON twins of the network explorer: access, the one error shape, data, OpenAPI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from onevoice.web.audit.models import AuditEvent
from onevoice.web.explorer.data import load_detail, load_list
from tests.web.test_explorer import _store, demo, demo_store  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

URLS = ["/api/networks", "/api/networks/run1/1", "/api/networks/run1/1/graph"]


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"]
    return body


@pytest.mark.parametrize("url", URLS)
def test_anonymous_gets_401(url: str, web_store: Path, settings: Any) -> None:
    settings.ONEVOICE_STORE = web_store
    _error(Client().get(url), 401, "not_authenticated")


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("role", ["liaison", "member"])
def test_wrong_roles_get_403(
    client_as: Callable[..., Client], web_store: Path, settings: Any, url: str, role: str
) -> None:
    settings.ONEVOICE_STORE = web_store
    _error(client_as(role).get(url), 403, "forbidden")
    assert not AuditEvent.objects.filter(action="view").exists()


@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "communicator"])
def test_staff_roles_get_200(
    client_as: Callable[..., Client], web_store: Path, settings: Any, role: str
) -> None:
    settings.ONEVOICE_STORE = web_store
    client = client_as(role)
    for url in URLS:
        assert client.get(url).status_code == 200, url


def test_list_twin_has_the_page_data(
    client_as: Callable[..., Client], web_store: Path, settings: Any
) -> None:
    settings.ONEVOICE_STORE = web_store
    body = client_as("analyst").get("/api/networks?sort=id").json()
    assert body["status"] == "ok" and body["run"]["run_id"] == "run1"
    assert [r["run_id"] for r in body["runs"]] == ["run1"] and body["runs"][0]["networks"] == 2
    assert [n["network_id"] for n in body["networks"]] == [1, 2]
    assert body["networks"][0]["hubs"] == ["hub1"] and body["kinds"] == ["co-link"]
    assert body == load_list(web_store, sort="id").model_dump(mode="json")
    body = client_as("reviewer").get("/api/networks?kind=co-hashtag").json()
    assert body["networks"] == [] and body["kind"] == "co-hashtag"


def test_errors_have_the_one_shape(
    client_as: Callable[..., Client], web_store: Path, settings: Any
) -> None:
    settings.ONEVOICE_STORE = web_store
    client = client_as("analyst")
    assert (
        "nope" in _error(client.get("/api/networks?run=nope"), 404, "not_found")["error"]["message"]
    )
    _error(client.get("/api/networks/run1/99"), 404, "not_found")
    _error(client.get("/api/networks/nope/1/graph"), 404, "not_found")
    _error(client.get("/api/networks/run1/x"), 422, "invalid_input")


def test_without_store(client_as: Callable[..., Client]) -> None:
    client = client_as("analyst")
    assert client.get("/api/networks").json()["status"] == "no_store"
    _error(client.get("/api/networks/run1/1"), 404, "not_found")
    _error(client.get("/api/networks/run1/1/graph"), 404, "not_found")


def test_api_calls_are_audited(
    client_as: Callable[..., Client], web_store: Path, settings: Any
) -> None:
    settings.ONEVOICE_STORE = web_store
    client = client_as("communicator")
    for url in URLS:
        client.get(url)
    events = AuditEvent.objects.filter(action="view").order_by("id")
    assert [(e.object_type, e.object_id, e.detail.get("via")) for e in events] == [
        ("network_list", "run1", "api"),
        ("network", "run1/1", "api"),
        ("network_graph", "run1/1", "api"),
    ]


def test_detail_twin_on_the_demo_store(client_as: Callable[..., Client], demo: str) -> None:  # noqa: F811
    body = client_as("analyst").get(f"/api/networks/{demo}/3").json()
    expected = load_detail(_store(demo), demo, 3).model_dump(mode="json")
    # Django's JSON encoder keeps milliseconds of times, pydantic microseconds
    assert body.pop("run")["run_id"] == expected.pop("run")["run_id"] == demo
    assert body == expected
    assert body["members_total"] == body["network"]["size"] == len(body["members"])
    assert {m["account_id"] for m in body["hubs"]} == set(body["network"]["hubs"])
    assert all(m["is_hub"] for m in body["hubs"])
    assert body["edges"][0]["weight"] >= body["edges"][-1]["weight"]
    assert body["timeline"]["posts"] > 0 and body["items"][0]["kind"] in body["network"]["kinds"]
    assert body["items"][0]["posts"] >= body["items"][-1]["posts"]


def test_graph_on_the_demo_store(client_as: Callable[..., Client], demo: str) -> None:  # noqa: F811
    body = client_as("reviewer").get(f"/api/networks/{demo}/1/graph").json()
    ids = {n["id"] for n in body["nodes"]}
    size = next(n.size for n in load_list(_store(demo)).networks if n.network_id == 1)
    assert len(ids) == len(body["nodes"]) == body["nodes_total"] == size
    assert body["nodes"][0]["is_hub"] and sum(n["is_hub"] for n in body["nodes"]) == 2
    assert body["edges"] and len(body["edges"]) == body["edges_total"]
    assert all(e["source"] in ids and e["target"] in ids for e in body["edges"])
    assert all(e["source"] < e["target"] for e in body["edges"])  # one row per pair
    kinds = next(n.kinds for n in load_list(_store(demo)).networks if n.network_id == 1)
    assert {k for e in body["edges"] for k in e["kinds"]} <= set(kinds)


def test_graph_is_capped(demo: str) -> None:  # noqa: F811
    from onevoice.web.explorer.graph import load_graph

    graph = load_graph(_store(demo), demo, 1, max_nodes=5, max_edges=4)
    assert len(graph.nodes) == 5 and graph.nodes_total > 5
    assert len(graph.edges) == 4 and graph.edges_total > 4
    kept = {n.id for n in graph.nodes}
    assert all(e.source in kept and e.target in kept for e in graph.edges)


def test_openapi_documents_the_endpoints(client_as: Callable[..., Client]) -> None:
    doc = client_as("analyst").get("/api/openapi.json").json()
    for path in (
        "/api/networks",
        "/api/networks/{run_id}/{network_id}",
        "/api/networks/{run_id}/{network_id}/graph",
    ):
        op = doc["paths"][path]["get"]
        assert op["summary"] and "networks" in op["tags"]
        for status in ("200", "401", "403", "404"):
            assert status in op["responses"], (path, status)
        schema = op["responses"]["403"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/ErrorBody")
