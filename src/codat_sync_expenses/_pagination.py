"""Lazy, typed pagination over any page-numbered listing.

``AsyncPaginator`` is what a ``list_async`` call returns: await it for the
first page, ``async for`` over it for every item, or over ``.pages()`` for
every page. A page is fetched only when the consumer needs it (or, with
``prefetch=True``, while the consumer works on the page before it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterator, Sequence
from typing import Any, Generic, TypeVar

import attrs

from .errors import CodatError, PaginationError

T = TypeVar("T")


@attrs.frozen
class PageContents(Generic[T]):
    """What a resource reads from one page's answer; the paginator does the rest."""

    items: Sequence[T]
    page_number: int
    page_size: int
    total_results: int
    has_next_link: bool


class Page(Generic[T]):
    """One page of a listing: its items and where it stands in the whole."""

    __slots__ = ("_fetch", "_has_next_link", "items", "page_number", "page_size", "total_results")

    def __init__(
        self,
        contents: PageContents[T],
        *,
        page_number: int,
        fetch: Callable[[int], Awaitable[Page[T]]],
    ) -> None:
        self.items = contents.items
        self.page_number = page_number
        self.page_size = contents.page_size
        self.total_results = contents.total_results
        self._has_next_link = contents.has_next_link
        self._fetch = fetch

    def __repr__(self) -> str:
        return (
            f"Page(page_number={self.page_number}, page_size={self.page_size}, "
            f"total_results={self.total_results}, items=<{len(self.items)} items>)"
        )

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def has_next_page(self) -> bool:
        """Whether Codat signals a further page: a next link, or results beyond this page.

        An empty page always ends the listing.
        """
        if not self.items:
            return False
        return self._has_next_link or self.page_number * self.page_size < self.total_results

    async def next_page(self) -> Page[T]:
        """Fetch the page after this one."""
        if not self.has_next_page():
            raise RuntimeError("this is the last page; check has_next_page() first")
        return await self._fetch(self.page_number + 1)


class AsyncPaginator(Generic[T]):
    """Awaitable for the first page; async-iterable over every item of every page.

    ``fetch(n)`` requests page ``n`` of ``page_size`` items and returns its
    contents. An error it raises gets ``page = n``, so the caller can resume with
    that page; so does a PaginationError for a page that is not the one asked for.
    A walk left early should be closed, which stops its read-ahead at once:
    ``async with contextlib.aclosing(codat.customers.list_async(...)) as customers``.
    """

    def __init__(
        self,
        fetch: Callable[[int], Awaitable[PageContents[T]]],
        *,
        first_page: int,
        page_size: int,
        prefetch: bool,
    ) -> None:
        self._fetch_contents = fetch
        self._first_page = first_page
        self._page_size = page_size
        self._prefetch = prefetch
        self._walks: list[AsyncGenerator[T, None]] = []

    async def _fetch(self, number: int) -> Page[T]:
        try:
            contents = await self._fetch_contents(number)
            _check_page(contents, number, self._page_size)
        except CodatError as exc:
            exc.page = number
            raise
        return Page(contents, page_number=number, fetch=self._fetch)

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(self._first_page).__await__()

    def __aiter__(self) -> AsyncGenerator[T, None]:
        walk = self._items()
        self._walks.append(walk)
        return walk

    async def aclose(self) -> None:
        """Close every walk ``async for`` started on this paginator: a read-ahead in flight
        is cancelled, and no further page is fetched. Safe to call more than once."""
        while self._walks:
            await self._walks.pop().aclose()

    async def _items(self) -> AsyncGenerator[T, None]:
        async for page in self.pages():
            for item in page.items:
                yield item
            # Let go of the page before the next one is built: a walk then holds one
            # page of objects, not two, and the garbage collector's passes stay short.
            del page

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Every page from the first, fetched lazily (or one ahead with ``prefetch``).

        To stop early with a read-ahead in flight, close it: ``contextlib.aclosing``.
        """
        page = await self._fetch(self._first_page)
        while True:
            ahead: asyncio.Task[Page[T]] | None = None
            if self._prefetch and page.has_next_page():
                ahead = asyncio.ensure_future(page.next_page())
            try:
                yield page
            except BaseException:
                if ahead is not None:
                    _discard(ahead)
                raise
            if ahead is not None:
                page = await ahead
            elif page.has_next_page():
                number = page.page_number + 1
                del page  # as in _items: not alive while the next page is built
                page = await self._fetch(number)
            else:
                return


def _check_page(contents: PageContents[Any], number: int, page_size: int) -> None:
    # A server that answers another page, or pages of another size, would make the
    # walk loop forever, or skip or repeat items without a word.
    # A smaller page than asked is Codat's to serve (its pages hold at most 2,000
    # whatever pageSize asks, up to 5,000): the walk goes by the size it answered.
    served = contents.page_size
    if contents.page_number != number:
        problem = f"asked for page {number}, got page {contents.page_number}"
    elif not 1 <= served <= page_size:
        problem = f"asked for pages of {page_size}, got pageSize {served}"
    elif len(contents.items) > served:
        problem = f"asked for pages of {served}, got {len(contents.items)} items"
    elif contents.items and (number - 2) * served >= contents.total_results:
        # A walk may run one page past totalResults (results added while it walks),
        # not more: a server that always links a next page would be walked forever.
        problem = (
            f"page {number} of {served} has items, but totalResults is "
            f"{contents.total_results}: the listing goes on past its end"
        )
    else:
        return
    raise PaginationError(f"the listing answered a page that cannot be right: {problem}")


def _discard(task: asyncio.Task[Any]) -> None:
    # The consumer stopped early: stop the read-ahead, and mark a failure of a
    # finished one as seen so that asyncio does not warn about it.
    if task.done():
        if not task.cancelled():
            task.exception()
    else:
        task.cancel()
