"""The API key never shows: not in errors, their causes, tracebacks with locals, reprs or logs."""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer, Fault, VirtualClock

from .conftest import API_KEY, Company, closed_port, serve

TESTS = str(Path(__file__).parent)
ENCODED_KEY = base64.b64encode(API_KEY.encode()).decode()
SECRETS = (API_KEY, ENCODED_KEY, "9f1c2e7a")


def _every_text_of(error: BaseException) -> str:
    """Messages, reprs, and the traceback with every frame's locals, of the whole chain.

    The test's own frames are left out: their locals hold the key on purpose.
    """
    texts = []
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen), repr(vars(seen))]
        frames = [f for f, _ in traceback.walk_tb(seen.__traceback__)]
        sdk_frames = [f for f in frames if not f.f_code.co_filename.startswith(TESTS)]
        texts += [repr(f.f_locals) for f in sdk_frames]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(texts)


def _assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


Scenario = Callable[[CodatSyncExpenses, FakeCodatServer, Company], Awaitable[object]]


async def _not_found(codat: CodatSyncExpenses, fake: FakeCodatServer, company: Company) -> object:
    return await codat.customers.get_async(company_id=company.id, customer_id="missing")


async def _server_error_after_retries(
    codat: CodatSyncExpenses, fake: FakeCodatServer, company: Company
) -> object:
    fake.inject("list-customers", Fault.status(500), times=3)
    return await codat.customers.list_async(company_id=company.id, max_retries=2)


async def _bad_request(codat: CodatSyncExpenses, fake: FakeCodatServer, company: Company) -> object:
    return await codat.customers.list_async(company_id=company.id, query="broken")


async def _timeout(codat: CodatSyncExpenses, fake: FakeCodatServer, company: Company) -> object:
    fake.inject("get-customer", Fault.hang())
    return await codat.customers.get_async(
        company_id=company.id, customer_id="c", timeout=0.05, max_retries=0
    )


async def _reset(codat: CodatSyncExpenses, fake: FakeCodatServer, company: Company) -> object:
    fake.inject("create-customer", Fault.reset())
    return await codat.customers.create_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer=Customer(status=CustomerStatus.ACTIVE),
    )


async def _cut_body(codat: CodatSyncExpenses, fake: FakeCodatServer, company: Company) -> object:
    fake.inject("list-customers", Fault.cut(), times=3)
    return await codat.customers.list_async(company_id=company.id)


async def _not_json(codat: CodatSyncExpenses, fake: FakeCodatServer, company: Company) -> object:
    fake.inject("get-customer", Fault.status(502, body=b"<html>bad gateway</html>"), times=3)
    return await codat.customers.get_async(company_id=company.id, customer_id="c")


async def _bad_argument(
    codat: CodatSyncExpenses, fake: FakeCodatServer, company: Company
) -> object:
    return await codat.customers.list_async(company_id=company.id, page_size=0)


async def _closed(codat: CodatSyncExpenses, fake: FakeCodatServer, company: Company) -> object:
    await codat.aclose()
    return await codat.customers.list_async(company_id=company.id)


SCENARIOS = [
    _not_found,
    _server_error_after_retries,
    _bad_request,
    _timeout,
    _reset,
    _cut_body,
    _not_json,
    _bad_argument,
    _closed,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__.strip("_"))
async def test_no_error_path_shows_the_key(
    clock: VirtualClock,
    fake: FakeCodatServer,
    company: Company,
    caplog: pytest.LogCaptureFixture,
    scenario: Scenario,
) -> None:
    caplog.set_level(logging.DEBUG)

    codat = CodatSyncExpenses(api_key=API_KEY, base_url=fake.url)
    async with codat:
        with pytest.raises(Exception) as caught:  # noqa: PT011 - every kind is under test
            await scenario(codat, fake, company)
        _assert_clean(_every_text_of(caught.value))
        _assert_clean(repr(codat) + repr(codat.customers))
    logged = [r for r in caplog.records if r.name == "codat_sync_expenses" and "->" in r.msg]
    assert len(logged) == len(fake.requests), "each request is logged once at DEBUG"
    _assert_clean(caplog.text)
    _assert_clean(repr([r.__dict__ for r in caplog.records]))


async def test_connection_refused_shows_no_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"http://127.0.0.1:{closed_port()}"
    async with CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0) as codat:
        with pytest.raises(Exception) as caught:  # noqa: PT011
            await codat.customers.get_async(company_id="co", customer_id="c")
    _assert_clean(_every_text_of(caught.value))
    _assert_clean(caplog.text)


async def test_an_oversized_answer_shows_no_key() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 2048)

    async with (
        serve(handler) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url, max_response_bytes=1024) as codat,
    ):
        with pytest.raises(Exception) as caught:  # noqa: PT011
            await codat.customers.get_async(company_id="co", customer_id="c")
    _assert_clean(_every_text_of(caught.value))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"api_key": API_KEY + "\r\nX-Evil: 1"}, "api_key contains a control character"),
        ({"auth_header": f"Basic {ENCODED_KEY}\nX-Evil: 1"}, "auth_header contains a control"),
        ({"api_key": API_KEY, "base_url": "http://api.codat.io"}, "refusing to send the API"),
    ],
)
def test_refused_configuration_does_not_echo_the_key(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        CodatSyncExpenses(**kwargs)  # type: ignore[arg-type]
    _assert_clean(_every_text_of(caught.value))


@pytest.mark.parametrize(
    "base_url",
    [f"https://user:{API_KEY}@api.codat.io", f"https://{API_KEY}@api.codat.io", "https://:pw@h"],
)
def test_a_base_url_with_a_user_or_password_is_refused_without_echoing_it(base_url: str) -> None:
    with pytest.raises(ValueError, match="must not contain a user or password") as caught:
        CodatSyncExpenses(api_key="another-key", base_url=base_url)
    _assert_clean(_every_text_of(caught.value))
    assert "pw" not in str(caught.value)


def test_plain_http_is_allowed_to_loopback_and_by_opt_in() -> None:
    for url in ("http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9", "http://127.8.0.1"):
        CodatSyncExpenses(api_key=API_KEY, base_url=url)
    CodatSyncExpenses(api_key=API_KEY, base_url="http://proxy.internal", allow_insecure_http=True)
