"""Every failure becomes a typed error carrying status, correlation id and message."""

from __future__ import annotations

import pydoc
import re

import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, _converter, errors
from codat_sync_expenses._constants import BODY_EXCERPT_CHARS
from codat_sync_expenses.models import Customer
from codat_sync_expenses.testing import FakeCodatServer, Fault

from .conftest import API_KEY, Company, closed_port, serve

DOCUMENTED = [
    (400, errors.BadRequestError),
    (401, errors.UnauthorizedError),
    (402, errors.PaymentRequiredError),
    (403, errors.ForbiddenError),
    (404, errors.NotFoundError),
    (409, errors.ConflictError),
    (429, errors.TooManyRequestsError),
    (500, errors.InternalServerError),
    (502, errors.BadGatewayError),
    (503, errors.ServiceUnavailableError),
    (504, errors.GatewayTimeoutError),
]


@pytest.mark.parametrize(("status", "error_class"), DOCUMENTED)
async def test_documented_status_maps_to_its_class_with_codat_fields(
    fake: FakeCodatServer,
    company: Company,
    codat: CodatSyncExpenses,
    status: int,
    error_class: type[errors.APIStatusError],
) -> None:
    fake.inject("get-customer", Fault.status(status))
    with pytest.raises(error_class) as caught:
        await codat.customers.get_async(company_id=company.id, customer_id="c-1")
    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, errors.APIStatusError)
    assert error.status_code == status
    assert error.correlation_id is not None
    assert len(error.correlation_id) == 32
    assert error.service == "PublicApi"
    assert error.error == "Injected fault"
    assert error.can_be_retried == "Unknown"
    assert error.detailed_error_code == 0
    assert error.error_message is not None
    assert error.error_message.status_code == status
    assert error.correlation_id in error.body
    assert str(error) == (
        f"GET /companies/{company.id}/data/customers/c-1 returned {status}: Injected fault"
        f" (correlation id {error.correlation_id})"
    )


async def test_undocumented_status_is_the_base_status_error(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.inject("get-customer", Fault.status(418))
    with pytest.raises(errors.APIStatusError) as caught:
        await codat.customers.get_async(company_id=company.id, customer_id="c-1")
    assert type(caught.value) is errors.APIStatusError
    assert caught.value.status_code == 418


async def test_unknown_company_is_not_found_with_codats_message(
    codat: CodatSyncExpenses,
) -> None:
    with pytest.raises(errors.NotFoundError, match="No company was found with ID nope"):
        await codat.customers.list_async(company_id="nope")


async def test_wrong_key_is_unauthorized(fake: FakeCodatServer, company: Company) -> None:
    async with CodatSyncExpenses(api_key="wrong", base_url=fake.url) as codat:
        with pytest.raises(errors.UnauthorizedError) as caught:
            await codat.customers.list_async(company_id=company.id)
    assert caught.value.error == "Unauthorized"


async def test_rejected_body_is_bad_request_with_validation_items(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    unlisted_status = _converter.structure({"status": "Dormant"}, Customer)
    with pytest.raises(errors.BadRequestError) as caught:
        await codat.customers.create_async(
            company_id=company.id, connection_id=company.connection_id, customer=unlisted_status
        )
    validation = caught.value.validation
    assert validation is not None
    assert validation.errors is not None
    assert "status must be one of" in (validation.errors[0].message or "")
    assert validation.errors[0].validator_name == "Customer"
    assert fake.customers(company.id)[-1]["status"] != "Dormant"


async def test_malformed_query_is_bad_request(company: Company, codat: CodatSyncExpenses) -> None:
    with pytest.raises(errors.BadRequestError, match="Error parsing query - expected an operator"):
        await codat.customers.list_async(company_id=company.id, query="status")


async def test_rate_limit_error_carries_retry_after(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.inject("list-customers", Fault.status(429, retry_after="7"))
    with pytest.raises(errors.TooManyRequestsError) as caught:
        await codat.customers.list_async(company_id=company.id)
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", "text/html", "not JSON"),
        (b"", "application/json", "not JSON"),
        (b'{"id": "c-1", "status": "Act', "application/json", "not JSON"),
        (b'{"id": 5}', "application/json", "required field missing @ $.status"),
        (b"[]", "application/json", "does not fit Customer"),
    ],
)
async def test_2xx_body_that_is_not_a_customer_is_a_decode_error(
    body: bytes, content_type: str, problem: str
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type=content_type)

    async with serve(handler) as url, CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat:
        with pytest.raises(errors.ResponseDecodeError) as caught:
            await codat.customers.get_async(company_id="co", customer_id="c-1")
    assert problem in str(caught.value)
    assert caught.value.status_code == 200
    assert caught.value.body == body.decode()


async def test_decode_error_keeps_a_truncated_body() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="x" * 100_000)

    async with serve(handler) as url, CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat:
        with pytest.raises(errors.ResponseDecodeError) as caught:
            await codat.customers.get_async(company_id="co", customer_id="c-1")
    assert caught.value.body == "x" * BODY_EXCERPT_CHARS + "…"


async def test_proxy_html_error_page_is_a_status_error_with_the_text() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            status=502, text="<html><h1>502 Bad Gateway</h1></html>", content_type="text/html"
        )

    async with (
        serve(handler) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0) as codat,
    ):
        with pytest.raises(errors.APIStatusError) as caught:
            await codat.customers.get_async(company_id="co", customer_id="c-1")
    assert caught.value.status_code == 502
    assert caught.value.error_message is None
    assert caught.value.correlation_id is None
    assert "502 Bad Gateway" in str(caught.value)


async def test_connection_refused_is_a_connection_error_that_was_not_sent() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    async with CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0) as codat:
        with pytest.raises(errors.APIConnectionError) as caught:
            await codat.customers.get_async(company_id="co", customer_id="c-1")
    assert not isinstance(caught.value, errors.APITimeoutError)
    assert caught.value.request_sent is False
    assert "could not connect" in str(caught.value)
    assert caught.value.method == "GET"
    assert caught.value.path == "/companies/co/data/customers/c-1"


def _error_of(cls: type[errors.CodatError]) -> errors.CodatError:
    if issubclass(cls, errors.APIStatusError):
        return cls("m", method="GET", path="/p", status_code=400, body="", error_message=None)
    assert issubclass(cls, errors._ResponseError)
    return cls("m", method="GET", path="/p", status_code=200, body="")


@pytest.mark.parametrize(
    "error_class",
    [
        *errors.STATUS_ERRORS.values(),
        errors.RedirectError,
        errors.ResponseDecodeError,
        errors.ResponseTooLargeError,
    ],
)
def test_help_on_each_response_error_lists_every_field_it_carries(
    error_class: type[errors.CodatError],
) -> None:
    documented = re.findall(r"^:ivar (\w+):", pydoc.getdoc(error_class), flags=re.MULTILINE)
    fields = {name for name in vars(_error_of(error_class)) if not name.startswith("_")}
    fields |= {"location"} if error_class is errors.RedirectError else set()
    assert sorted(documented) == sorted(fields)
    assert "correlation_id" in pydoc.render_doc(error_class)
