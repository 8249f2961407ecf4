"""Reading a response body: decompressed as it streams, and refused as soon as it
grows past the size limit, so a small gzip bomb never inflates in memory."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import hdrs

from .errors import ResponseDecodeError, ResponseTooLargeError

ACCEPT_ENCODING = "gzip, deflate"
"""Only encodings the SDK can decode within ``max_response_bytes`` (zlib streams)."""


async def read_body(response: aiohttp.ClientResponse, method: str, path: str, limit: int) -> bytes:
    """The decoded body, refused as soon as it grows past ``limit`` (``max_response_bytes``)."""
    encoding = response.headers.get(hdrs.CONTENT_ENCODING)
    encoding = "identity" if encoding is None else encoding.strip().lower() or "identity"
    try:
        if encoding == "identity" and (length := response.content_length) is not None:
            if length > limit:
                raise _TooLargeError  # refused unread
            return await response.read()
        decoded = _decoded(response.content.iter_any(), encoding, limit)
        chunks = [chunk async for chunk in decoded]
    except _TooLargeError:
        kind: type[ResponseTooLargeError | ResponseDecodeError] = ResponseTooLargeError
        problem = f"response body is larger than max_response_bytes={limit}" + (
            "" if encoding == "identity" else f" once decoded from {encoding}"
        )
    except (_UndecodableError, zlib.error) as exc:
        kind, problem = ResponseDecodeError, f"response body could not be decoded: {exc}"
    else:
        return b"".join(chunks)
    raise kind(
        f"{method} {path}: {problem}",
        method=method,
        path=path,
        status_code=response.status,
        body="",
        headers=response.headers,
    ) from None


class _TooLargeError(Exception):
    pass


class _UndecodableError(Exception):
    pass


async def _decoded(chunks: AsyncIterator[bytes], encoding: str, limit: int) -> AsyncIterator[bytes]:
    # zlib is told how much it may produce, so a small bomb never inflates past the limit.
    if encoding == "identity":
        inflate = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflate = zlib.decompressobj(wbits=47)  # 32+15: a gzip or zlib header, detected
    else:
        raise _UndecodableError(f"unsupported Content-Encoding {encoding!r}")
    size = 0
    async for chunk in chunks:
        out = chunk if inflate is None else inflate.decompress(chunk, limit - size + 1)
        size += len(out)
        if size > limit:
            raise _TooLargeError
        yield out
    if inflate is not None:
        tail = inflate.flush()
        if size + len(tail) > limit:
            raise _TooLargeError
        if not inflate.eof:
            raise _UndecodableError(f"truncated {encoding} stream")
        yield tail
