"""One redaction point: a key with '+', '/' and '=' never shows, however a server echoes it.

A hand-written HTTP server echoes the Authorization header back in every way
an adversary found: in a JSON error body with '+' escaped as \\u002B (as
System.Text.Json writes it) and '/' as \\/, in response headers, in a redirect's
Location, percent-encoded, and in a malformed response head that aiohttp's parse
error quotes. Every error path is swept: messages, reprs, fields, headers, the
cause chain, a pickle, and ``traceback.TracebackException(capture_locals=True)``
(what Sentry and rich tracebacks capture).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import pickle
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses._redact import Redactor
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer, PushOutcome, virtual_time

KEY = "sk+live/?aa>=key"
ENCODED = base64.b64encode(KEY.encode()).decode()
URL_SAFE = base64.urlsafe_b64encode(KEY.encode()).decode().rstrip("=")


def _json_escaped(text: str) -> str:
    # What System.Text.Json writes by default: '+' as \u002B; '/' as JSON may.
    return text.replace("+", "\\u002B").replace("/", "\\/")


def _forms() -> list[str]:
    forms = []
    for secret in (KEY, ENCODED, ENCODED.rstrip("="), URL_SAFE):
        forms += [secret, _json_escaped(secret), quote(secret, safe="")]
    return forms


def test_the_key_and_its_base64_hold_plus_slash_and_equals() -> None:
    assert {"+", "/", "="} <= set(KEY)
    assert {"+", "/", "="} <= set(ENCODED)
    assert {"-", "_"} <= set(URL_SAFE)


def _answer(scenario: str, authorization: str) -> bytes:
    """The raw HTTP answer for a scenario, echoing ``authorization`` (and the key in it)."""
    raw = base64.b64decode(authorization.removeprefix("Basic ")).decode()
    echo_headers = (
        f"X-Echo: {authorization}\r\nX-Echo-Key: {raw}\r\nX-Echo-Quoted: {quote(raw, safe='')}\r\n"
        f"X-Echo-Url-Safe: {base64.urlsafe_b64encode(raw.encode()).decode().rstrip('=')}\r\n"
    )
    if scenario == "head":
        # A response line aiohttp refuses, quoting it in its parse error.
        return f"HTTP/1.1 200 OK\r\nX Echo{authorization}\r\nContent-Length: 2\r\n\r\n{{}}".encode()
    if scenario == "large":
        return (f"HTTP/1.1 200 OK\r\n{echo_headers}Content-Length: 4096\r\n\r\n").encode() + (
            b"x" * 4096
        )
    if scenario == "redirect":
        location = f"https://elsewhere.example/?key={quote(raw, safe='')}&auth={authorization}"
        head = f"HTTP/1.1 302 Found\r\nLocation: {location}\r\n{echo_headers}"
        return (head + "Content-Length: 0\r\n\r\n").encode()
    if scenario == "not-json":
        status, body = "200 OK", f"<html>you sent {authorization} ({raw})</html>"
    else:
        status = "401 Unauthorized" if scenario == "status" else "400 Bad Request"
        error = {
            "statusCode": int(status[:3]),
            "service": "PublicApi",
            "error": f"bad key {raw} in {authorization}",
            "correlationId": "corr-1",
            "validation": {"errors": [{"itemId": raw, "message": authorization}]},
        }
        # json.dumps writes '/' as is; escape '+' and '/' as .NET and others do.
        body = _json_escaped(json.dumps(error))
        assert raw not in body
        assert ENCODED not in body
    data = body.encode()
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{echo_headers}"
    return (head + f"Content-Length: {len(data)}\r\n\r\n").encode() + data


@contextlib.asynccontextmanager
async def echo_server() -> AsyncIterator[str]:
    """A server whose last path segment (or a push) chooses how it echoes the key."""

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            lines = head.split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            await reader.readexactly(int(fields.get("Content-Length", "0")))
            scenario = "push" if method == "POST" else target.rsplit("/", 1)[-1]
            if scenario == "drop":
                return  # closed unanswered
            if scenario == "hang":
                await reader.read()  # until the client gives up and closes
                return
            writer.write(_answer(scenario, fields["Authorization"]))
            await writer.drain()
        finally:
            writer.close()

    server = await asyncio.start_server(connection, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


def _texts(error: BaseException) -> str:
    """Everything an error can show: the whole chain's messages, reprs and fields, its
    headers, a pickle of it, and a traceback with every frame's locals."""
    texts = []
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen), repr(vars(seen)), repr(seen.args)]
        seen = seen.__cause__ or seen.__context__
    headers = getattr(error, "headers", None)
    if headers is not None:
        texts.append(repr(list(headers.items())))
    texts.append(pickle.dumps(error).decode("latin-1"))
    captured = traceback.TracebackException.from_exception(error, capture_locals=True)
    texts += list(captured.format())
    return "\n".join(texts)


Call = Callable[[CodatSyncExpenses], Awaitable[object]]


def _get(scenario: str) -> Call:
    return lambda codat: codat.customers.get_async(company_id="c", customer_id=scenario)


async def _push(codat: CodatSyncExpenses) -> object:
    return await codat.customers.create_async(
        company_id="c", connection_id="d", customer=Customer(status=CustomerStatus.ACTIVE)
    )


async def _walk(codat: CodatSyncExpenses) -> object:
    return [c async for c in codat.customers.list_async(company_id="c", query="status")]


async def _error_of(url: str, call: Call, timeout: float = 10.0) -> BaseException:
    # Caught here, not in the test: the test's own frame holds the key in its locals.
    async with CodatSyncExpenses(
        api_key=KEY, base_url=url, max_retries=0, max_response_bytes=1024, timeout=timeout
    ) as codat:
        try:
            await call(codat)
        except errors.CodatError as exc:
            return exc
    raise AssertionError("no error was raised")


PATHS: dict[str, tuple[Call, type[errors.CodatError]]] = {
    "an error body with \\u002B escapes": (_get("status"), errors.UnauthorizedError),
    "a push's error body": (_push, errors.BadRequestError),
    "a listing's error body": (_walk, errors.APIStatusError),
    "a 2xx body that is not JSON": (_get("not-json"), errors.ResponseDecodeError),
    "a body over max_response_bytes": (_get("large"), errors.ResponseTooLargeError),
    "a redirect to a URL holding the key": (_get("redirect"), errors.RedirectError),
    "a malformed head echoing the header": (_get("head"), errors.APIConnectionError),
    "a connection dropped unanswered": (_get("drop"), errors.APIConnectionError),
    "a timeout": (_get("hang"), errors.APITimeoutError),
}


NO_ECHO = {"a connection dropped unanswered", "a timeout"}


@pytest.mark.parametrize("path", list(PATHS))
async def test_no_error_path_shows_the_key_in_any_form(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    call, error_class = PATHS[path]
    # Only the hang waits out its timeout; a short one elsewhere fails on a loaded machine.
    async with echo_server() as url:
        error = await _error_of(url, call, timeout=0.2 if path == "a timeout" else 10.0)
    assert isinstance(error, error_class)
    text = _texts(error) + caplog.text
    if path not in NO_ECHO:
        assert "<redacted>" in text  # the echo arrived, and was redacted
    for form in _forms():
        assert form not in text, f"{form!r} shows"


async def test_codats_decoded_error_text_is_redacted_but_kept() -> None:
    async with echo_server() as url:
        error = await _error_of(url, _get("status"))
    assert isinstance(error, errors.UnauthorizedError)
    assert error.error == "bad key <redacted> in <redacted>"
    assert error.correlation_id == "corr-1"
    assert error.validation is not None
    assert error.validation.errors is not None
    assert error.validation.errors[0].item_id == "<redacted>"
    assert "bad key <redacted> in <redacted> (correlation id corr-1)" in str(error)


async def test_an_error_keeps_its_response_headers_redacted() -> None:
    async with echo_server() as url:
        error = await _error_of(url, _get("status"))
    assert isinstance(error, errors.UnauthorizedError)
    assert error.headers["X-Echo"] == "<redacted>"  # the header value, whole
    assert error.headers["X-Echo-Key"] == "<redacted>"
    assert error.headers["X-Echo-Quoted"] == "<redacted>"
    assert error.headers["X-Echo-Url-Safe"] == "<redacted>"
    assert error.headers["content-type"] == "application/json"


async def test_a_malformed_head_is_a_connection_error_quoting_aiohttp_without_the_key() -> None:
    async with echo_server() as url:
        error = await _error_of(url, _get("head"))
    assert isinstance(error, errors.APIConnectionError)
    assert "Invalid header token" in str(error)  # aiohttp's own words stay, redacted
    assert "X Echo<redacted>" in str(error)
    assert error.__cause__ is not None
    assert "<redacted>" in str(error.__cause__)


def _spellings(char: str) -> list[str]:
    """Ways an echo may write one character of the key: as is, JSON-escaped, URL-escaped."""
    code = ord(char)
    spellings = [char, f"\\u{code:04x}", f"\\u{code:04X}"]
    if char == "/":
        spellings.append("\\/")
    if not char.isalnum():
        spellings += [f"%{code:02x}", f"%{code:02X}"]
    return spellings


PRINTABLE = st.characters(min_codepoint=0x21, max_codepoint=0x7E)


@settings(max_examples=150, deadline=None)
@given(key=st.text(PRINTABLE, min_size=4, max_size=40), data=st.data())
def test_the_key_is_redacted_however_an_echo_escapes_each_of_its_characters(
    key: str, data: st.DataObject
) -> None:
    redactor = Redactor([key])
    echoed = "".join(data.draw(st.sampled_from(_spellings(char))) for char in key)
    assert redactor.text(f"before {echoed} after") == "before <redacted> after"
    assert redactor.bytes(f"[{echoed}]".encode()) == b"[<redacted>]"


async def test_a_settled_push_that_echoes_the_key_raises_it_redacted() -> None:
    # Codat's errorMessage and validation messages are the accounting software's words,
    # and may quote what it was sent; wait_async builds its error from them.
    async with FakeCodatServer(api_key=KEY) as fake:
        company = fake.add_company()
        connection = fake.add_connection(company)
        outcome = PushOutcome.failed(f"token {KEY} refused", f"see {ENCODED}", after_polls=1)
        fake.settle_next_push(outcome)
        error = await _error_of(fake.url, _push_and_wait(company, connection))
    assert isinstance(error, errors.PushOperationFailedError)
    text = _texts(error)
    assert "token <redacted> refused" in str(error)
    assert error.push_operation.validation is not None
    assert error.push_operation.validation.errors is not None
    messages = [item.message or "" for item in error.push_operation.validation.errors]
    assert messages[0] == "token <redacted> refused"
    assert messages[1].startswith("see <redacted>")
    for form in _forms():
        assert form not in text, f"{form!r} shows"


def _push_and_wait(company: str, connection: str) -> Call:
    async def call(codat: CodatSyncExpenses) -> object:
        created = await codat.customers.create_async(
            company_id=company,
            connection_id=connection,
            customer=Customer(status=CustomerStatus.ACTIVE),
        )
        with virtual_time():
            return await codat.push_operations.wait_async(created)

    return call
