"""The fake's harness with a resource and a fault it has never heard of, each written
here as a contributor would write a new one: it serves, records and faults them alike."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp
import attrs
import pytest
from aiohttp import web

from codat_sync_expenses.testing import Fault, UnusedFaultsError
from codat_sync_expenses.testing._faults import Answer
from codat_sync_expenses.testing._harness import Harness
from codat_sync_expenses.testing._resource import Route

AUTH = {"Authorization": "Basic " + base64.b64encode(b"any-key").decode()}


class Suppliers:
    """A resource the fake does not have: one list operation, and nothing queued."""

    def __init__(self) -> None:
        self.names = ["Acme", "Globex"]

    def routes(self) -> list[Route]:
        async def list_suppliers(request: web.Request) -> web.Response:
            return web.json_response({"results": [{"supplierName": n} for n in self.names]})

        path = "/companies/{companyId}/data/suppliers"
        return [Route("GET", path, "list-suppliers", list_suppliers, frozenset({"page"}))]

    def unused(self) -> dict[str, list[Any]]:
        return {}

    def forget_unused(self) -> None:
        pass


@attrs.frozen(kw_only=True)
class Teapot(Fault):
    """A fault the fake does not have: the request takes effect, then 418 replaces it."""

    async def respond(
        self, request: web.Request, answer: Answer, stopping: asyncio.Event
    ) -> web.StreamResponse:
        await answer()
        return web.Response(status=418, text="short and stout")


def _harness() -> Harness[str]:
    return Harness(resources=[Suppliers()], api_key=None, port=0, max_in_flight_per_company=None)


async def test_a_new_resource_is_served_recorded_and_faulted_like_codats_own() -> None:
    async with _harness() as harness, aiohttp.ClientSession(headers=AUTH) as http:
        assert harness.operations == ("list-suppliers",)
        url = f"{harness.url}/companies/c1/data/suppliers?page=2"
        harness.inject("list-suppliers", Fault.status(503, retry_after="3"))
        async with http.get(url) as refused:
            assert (refused.status, refused.headers["Retry-After"]) == (503, "3")
        async with http.get(url) as listed:
            body = await listed.json()
        assert body == {"results": [{"supplierName": "Acme"}, {"supplierName": "Globex"}]}
        recorded = harness.requests_for("list-suppliers")
        assert [(r.path_params["companyId"], r.query["page"]) for r in recorded] == [
            ("c1", "2")
        ] * 2
        async with aiohttp.ClientSession() as anonymous, anonymous.get(url) as unauthorized:
            assert unauthorized.status == 401


async def test_a_new_fault_is_applied_by_the_harness_without_knowing_its_kind() -> None:
    async with _harness() as harness, aiohttp.ClientSession(headers=AUTH) as http:
        harness.inject("list-suppliers", Teapot())
        async with http.get(f"{harness.url}/companies/c1/data/suppliers") as answered:
            assert (answered.status, await answered.text()) == (418, "short and stout")


async def test_a_fault_for_an_operation_no_resource_serves_is_refused_at_once() -> None:
    async with _harness() as harness:
        with pytest.raises(ValueError, match="operation must be one of list-suppliers"):
            harness.inject("list-customers", Teapot())


async def test_a_new_fault_that_never_fired_fails_the_block() -> None:
    harness = _harness()
    await harness.start()
    harness.inject("list-suppliers", Teapot(), times=2)
    with pytest.raises(UnusedFaultsError, match="list-suppliers"):
        await harness.stop()
