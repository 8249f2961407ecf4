"""``BlockingPage``: what a blocking ``list`` returns, a page that a plain ``for`` walks on from.

It wraps the async ``Page`` and fetches the pages after it through the client's
private loop, with the async paginator's checks (wrong page, runaway listing).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

from ._blocking import BlockingLoop
from ._pagination import AsyncPaginator, Page

T = TypeVar("T")


class BlockingPage(Generic[T]):
    """One page of a listing; ``for item in page`` yields every item from it to the end.

    ``items`` is this page's items only; the pages after it are fetched as the
    loop reaches them (one ahead with ``prefetch=True``), never all at once.
    """

    __slots__ = ("_blocking", "_name", "_page", "_prefetch")

    def __init__(self, page: Page[T], *, blocking: BlockingLoop, name: str, prefetch: bool) -> None:
        self._page = page
        self._blocking = blocking
        self._name = name
        self._prefetch = prefetch

    @classmethod
    def first(
        cls, paginator: AsyncPaginator[T], *, blocking: BlockingLoop, name: str, prefetch: bool
    ) -> BlockingPage[T]:
        """Fetch the paginator's first page; ``name`` is the blocking ``list`` method's."""
        page = blocking.run(name, _awaited, paginator)
        return cls(page, blocking=blocking, name=name, prefetch=prefetch)

    def __repr__(self) -> str:
        return f"Blocking{self._page!r}"

    @property
    def items(self) -> Sequence[T]:
        """This page's items."""
        return self._page.items

    @property
    def page_number(self) -> int:
        """The page's number, from 1."""
        return self._page.page_number

    @property
    def page_size(self) -> int:
        """The page size the listing asked for."""
        return self._page.page_size

    @property
    def total_results(self) -> int:
        """How many items the whole listing has, by Codat's count."""
        return self._page.total_results

    def has_next_page(self) -> bool:
        """Whether Codat signals a page after this one (an empty page ends the listing)."""
        return self._page.has_next_page()

    def next_page(self) -> BlockingPage[T]:
        """Fetch the page after this one."""
        return self._wrap(self._blocking.run(self._name, self._page.next_page))

    def pages(self) -> Iterator[BlockingPage[T]]:
        """This page and every page after it, each fetched when the loop reaches it."""
        page: BlockingPage[T] = self
        while True:
            if not (self._prefetch and page.has_next_page()):
                yield page
                if not page.has_next_page():
                    return
                page = page.next_page()
                continue
            ahead = self._blocking.submit(self._name, page._page.next_page)
            try:
                yield page
            except BaseException:
                ahead.cancel()  # the loop stopped early: so does the read-ahead
                raise
            page = self._wrap(self._blocking.wait(ahead))

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def _wrap(self, page: Page[T]) -> BlockingPage[T]:
        return BlockingPage(page, blocking=self._blocking, name=self._name, prefetch=self._prefetch)


async def _awaited(paginator: AsyncPaginator[T]) -> Page[T]:
    return await paginator
