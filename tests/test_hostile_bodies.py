"""Bodies built to hurt: compression bombs, hostile JSON, and pages that echo the key."""

from __future__ import annotations

import base64
import gzip
import tracemalloc
import zlib
from typing import Any

import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, errors

from .conftest import API_KEY, serve
from .test_secrets import ENCODED_KEY, _assert_clean, _every_text_of

LIMIT = 1024 * 1024
# 16 times the limit once decoded, twice the peak memory the test allows.
BOMB = b'{"status": "Active", "customerName": "' + b"A" * (16 * LIMIT) + b'"}'
COMPRESSED = {"gzip": gzip.compress(BOMB, 9), "deflate": zlib.compress(BOMB, 9)}


async def _get(url: str, **kwargs: Any) -> object:
    kwargs.setdefault("max_retries", 0)
    if "auth_header" not in kwargs:
        kwargs.setdefault("api_key", API_KEY)
    async with CodatSyncExpenses(base_url=url, **kwargs) as codat:
        return await codat.customers.get_async(company_id="c", customer_id="x")


# -- 5. max_response_bytes caps the decoded body --------------------------------------------


@pytest.mark.parametrize("encoding", list(COMPRESSED))
async def test_a_compression_bomb_is_refused_once_decoded_past_the_limit(encoding: str) -> None:
    sent: list[str | None] = []

    async def bomb(request: web.Request) -> web.Response:
        sent.append(request.headers.get("Accept-Encoding"))
        body = COMPRESSED[encoding]
        assert len(body) < 100 * 1024  # 16 MiB behind a body far under the limit
        return web.Response(
            body=body, headers={"Content-Encoding": encoding, "Content-Type": "application/json"}
        )

    async with serve(bomb) as url:
        tracemalloc.start()
        try:
            with pytest.raises(errors.ResponseTooLargeError) as caught:
                await _get(url, max_response_bytes=LIMIT)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert f"max_response_bytes={LIMIT} once decoded from {encoding}" in str(caught.value)
    assert peak < 8 * LIMIT
    assert sent == ["gzip, deflate"]


@pytest.mark.parametrize("encoding", list(COMPRESSED))
async def test_a_compressed_body_within_the_limit_is_decoded(encoding: str) -> None:
    plain = b'{"status": "Active", "customerName": "' + b"A" * 500_000 + b'"}'
    body = gzip.compress(plain) if encoding == "gzip" else zlib.compress(plain)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Encoding": encoding})

    async with serve(handler) as url:
        customer = await _get(url, max_response_bytes=LIMIT)
    assert customer.customer_name == "A" * 500_000  # type: ignore[attr-defined]


async def test_an_encoding_that_was_not_asked_for_is_a_decode_error() -> None:
    async def brotli(request: web.Request) -> web.Response:
        return web.Response(body=b"\x1b\x00\x00", headers={"Content-Encoding": "br"})

    async with serve(brotli) as url:
        with pytest.raises(errors.ResponseDecodeError, match="unsupported Content-Encoding 'br'"):
            await _get(url)


# -- 6. hostile JSON, with either JSON backend ---------------------------------------------------

HOSTILE = {
    "100,000-deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "a 5,000-digit integer": b'{"status": "Active", "customerName": 1' + b"0" * 5000 + b"}",
}


@pytest.mark.parametrize("body", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize(
    ("status", "error"), [(200, errors.ResponseDecodeError), (404, errors.NotFoundError)]
)
async def test_hostile_json_is_a_typed_error_on_success_and_on_error_answers(
    body: bytes, status: int, error: type[errors.CodatError]
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, status=status, content_type="application/json")

    async with serve(handler) as url:
        with pytest.raises(error) as caught:
            await _get(url)
    assert type(caught.value) is error
    assert caught.value.status_code == status  # type: ignore[attr-defined]


# -- 8. an error page that echoes the request ---------------------------------------------------


@pytest.mark.parametrize("status", [200, 400, 502])
@pytest.mark.parametrize("key_form", ["api_key", "auth_header"])
async def test_a_page_echoing_the_key_has_it_redacted_from_message_and_body(
    status: int, key_form: str
) -> None:
    async def echo(request: web.Request) -> web.Response:
        header = request.headers["Authorization"]
        raw = base64.b64decode(header.removeprefix("Basic ")).decode()
        page = f"<html>Bad gateway. You sent: Authorization: {header} (key {raw})</html>"
        return web.Response(text=page, status=status)

    credential = {"auth_header": f"Basic {ENCODED_KEY}"} if key_form == "auth_header" else {}
    async with serve(echo) as url:
        with pytest.raises(errors.CodatError) as caught:
            await _get(url, **credential)
    text = _every_text_of(caught.value)
    _assert_clean(text)
    assert "Authorization: <redacted> (key <redacted>)" in caught.value.body  # type: ignore[attr-defined]


async def test_a_json_echo_that_escapes_slashes_has_the_key_redacted_too() -> None:
    key = "echo-key???-0123456789"  # its base64 holds "/", which JSON may write as "\/"
    encoded = base64.b64encode(key.encode()).decode()
    assert "/" in encoded

    async def echo(request: web.Request) -> web.Response:
        header = request.headers["Authorization"].replace("/", "\\/")
        return web.Response(text=f'{{"error": "bad key {header}"}}', status=401)

    async with serve(echo) as url:
        with pytest.raises(errors.UnauthorizedError) as caught:
            await _get(url, api_key=key)
    text = str(caught.value) + caught.value.body + str(caught.value.error)
    assert encoded not in text
    assert encoded.replace("/", "\\/") not in text
    assert "bad key <redacted>" in text
