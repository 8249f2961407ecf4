"""The blocking twins: the async methods run for code without an event loop.

Sync tests against the plugin's fake (on its own thread) and against purpose-built
servers on threads of their own, since a blocking call blocks the test's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import re
import select
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from codat_sync_expenses import BlockingPage, CodatSyncExpenses, errors
from codat_sync_expenses.models import Customer, CustomerStatus, PushOperationStatus
from codat_sync_expenses.testing import FakeCodatServer, Fault, VirtualClock
from codat_sync_expenses.testing.pytest_plugin import CodatCompany

from .conftest import API_KEY, serve_app

LIMIT = 4  # the company limit of the threaded tests: below their 8 threads


@pytest.fixture
def codat(codat_blocking_client: CodatSyncExpenses) -> CodatSyncExpenses:
    """The plugin's fixture for blocking code, which apps' own tests use too."""
    return codat_blocking_client


# -- the twins do what their async methods do ----------------------------------------------


def test_each_twin_returns_what_its_async_method_does(
    codat: CodatSyncExpenses, codat_company: CodatCompany, codat_clock: VirtualClock
) -> None:
    created = codat.customers.create(
        company_id=codat_company.id,
        connection_id=codat_company.connection_id,
        customer=Customer(status=CustomerStatus.ACTIVE, customer_name="Acme Ltd"),
    )
    done = codat.push_operations.wait(created)
    assert done.status is PushOperationStatus.SUCCESS
    assert created.data is not None
    customer_id = created.data.id
    assert customer_id is not None
    fetched = codat.customers.get(company_id=codat_company.id, customer_id=customer_id)
    assert fetched.customer_name == "Acme Ltd"

    updated = codat.customers.update(
        company_id=codat_company.id,
        connection_id=codat_company.connection_id,
        customer_id=customer_id,
        customer=Customer(status=CustomerStatus.ARCHIVED, customer_name="Acme Ltd"),
    )
    key = updated.push_operation_key
    assert codat.push_operations.get(company_id=codat_company.id, push_operation_key=key).status
    operations = codat.push_operations.list(company_id=codat_company.id)
    assert {o.push_operation_key for o in operations} == {created.push_operation_key, key}


def test_list_returns_a_page_and_a_for_loop_walks_every_customer_lazily(
    codat: CodatSyncExpenses, codat_company: CodatCompany, codat_fake: FakeCodatServer
) -> None:
    page = codat.customers.list(company_id=codat_company.id, page_size=10)
    assert isinstance(page, BlockingPage)
    assert (len(page.items), page.page_number, page.total_results) == (10, 1, 25)
    assert len(codat_fake.requests_for("list-customers")) == 1  # the first page only, so far

    walked = iter(page)
    assert [next(walked) for _ in range(11)][-1] not in page.items  # into page 2 ...
    assert len(codat_fake.requests_for("list-customers")) == 2  # ... fetched when reached
    everything = [c.id for c in page]
    assert len(everything) == len(set(everything)) == 25
    assert [c.id for c in codat.customers.list(company_id=codat_company.id, prefetch=True)] == [
        c.id for c in codat.customers.list(company_id=codat_company.id, page_size=100)
    ]
    assert page.next_page().page_number == 2


def test_errors_retries_and_argument_checks_are_the_async_methods(
    codat: CodatSyncExpenses,
    codat_company: CodatCompany,
    codat_fake: FakeCodatServer,
    codat_clock: VirtualClock,
) -> None:
    with pytest.raises(errors.NotFoundError) as missing:
        codat.customers.get(company_id=codat_company.id, customer_id="missing")
    assert missing.value.status_code == 404

    codat_fake.inject("get-customer", Fault.status(503), times=1)
    first = codat.customers.list(company_id=codat_company.id).items[0]
    assert first.id is not None
    assert codat.customers.get(company_id=codat_company.id, customer_id=first.id) == first
    # The retry's wait ran on the test's virtual clock: the caller's context reached the call.
    assert len(codat_clock.sleeps) == 1

    sent = len(codat_fake.requests_for("list-customers"))
    with pytest.raises(ValueError, match="page_size"):
        codat.customers.list(company_id=codat_company.id, page_size=0)
    with pytest.raises(TypeError, match="push operation"):
        codat.push_operations.wait(company_id=codat_company.id)  # type: ignore[call-overload]
    assert len(codat_fake.requests_for("list-customers")) == sent


# -- threads, processes, event loops and closing ---------------------------------------------


class CountingServer:
    """Answers any GET with a customer after 2 ms; counts requests in flight and client ports."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self.ports: list[int] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.ports.append(request.transport.get_extra_info("peername")[1])  # type: ignore[union-attr]
        self.in_flight += 1
        try:
            self.peak = max(self.peak, self.in_flight)
            await asyncio.sleep(0.002)  # the request's work, so that requests overlap
            return web.json_response({"id": request.path.rsplit("/", 1)[1], "status": "Active"})
        finally:
            self.in_flight -= 1


@pytest.fixture
def counting() -> Iterator[tuple[CountingServer, str]]:
    server = CountingServer()
    app = web.Application()
    app.router.add_get("/{tail:.*}", server.handle)
    with serving_in_thread(app) as url:
        yield server, url


@contextlib.contextmanager
def serving_in_thread(app: web.Application) -> Iterator[str]:
    """``app`` on 127.0.0.1, on a thread and loop of its own: it answers while tests block."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    served = serve_app(app)
    try:
        yield asyncio.run_coroutine_threadsafe(served.__aenter__(), loop).result()
        asyncio.run_coroutine_threadsafe(served.__aexit__(None, None, None), loop).result()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def test_eight_threads_share_one_pool_and_never_exceed_the_company_limit(
    counting: tuple[CountingServer, str],
) -> None:
    server, url = counting
    codat = CodatSyncExpenses(api_key=API_KEY, base_url=url, company_limit=LIMIT)

    def hundred_gets(thread: int) -> list[str | None]:
        return [
            codat.customers.get(company_id="c-1", customer_id=f"t{thread}-{n}").id
            for n in range(100)
        ]

    try:
        results: dict[int, list[str | None]] = {}
        threads = [
            threading.Thread(target=lambda t=t: results.__setitem__(t, hundred_gets(t)))
            for t in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        codat.close()
    assert sorted(results) == list(range(8))
    assert all(results[t] == [f"t{t}-{n}" for n in range(100)] for t in range(8))
    assert 1 < server.peak <= LIMIT
    # One keep-alive pool for every thread: at most LIMIT connections were ever opened.
    assert len(set(server.ports)) <= LIMIT


CELERY_CLIENT: CodatSyncExpenses | None = None  # a tasks module's client, made at import


def celery_shaped_task(customer_id: str) -> str | None:
    """A Celery task's body: it runs in a forked worker, on the client its parent made."""
    assert CELERY_CLIENT is not None
    return CELERY_CLIENT.customers.get(company_id="c-1", customer_id=customer_id).id


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_worker_uses_the_client_its_parent_made_and_shares_nothing(
    counting: tuple[CountingServer, str],
) -> None:
    global CELERY_CLIENT
    server, url = counting
    CELERY_CLIENT = codat = CodatSyncExpenses(api_key=API_KEY, base_url=url)
    try:
        assert celery_shaped_task("before") == "before"  # the parent has a pooled connection
        parents = set(server.ports)
        # Celery's prefork pool: workers forked from the parent after it made the client.
        with multiprocessing.get_context("fork").Pool(2) as workers:
            tasks = workers.map_async(celery_shaped_task, ["a", "b", "c", "d"])
            assert tasks.get(timeout=30) == ["a", "b", "c", "d"]  # a child that hangs fails
        children = set(server.ports) - parents
        assert celery_shaped_task("after") == "after"
    finally:
        CELERY_CLIENT = None
        codat.close()
    assert children  # the workers opened connections of their own ...
    assert not children & parents
    assert set(server.ports) == parents | children  # ... and the parent kept its own


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_child_of_a_bare_fork_uses_the_client_while_the_parent_uses_it_too(
    counting: tuple[CountingServer, str],
) -> None:
    server, url = counting
    codat = CodatSyncExpenses(api_key=API_KEY, base_url=url)
    try:
        codat.customers.get(company_id="c-1", customer_id="parent")
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            try:
                got = codat.customers.get(company_id="c-1", customer_id="child").id
                os.write(write, str(got).encode())
            finally:
                os._exit(0)
        os.close(write)
        assert codat.customers.get(company_id="c-1", customer_id="parent again").id
        assert select.select([read], [], [], 30)[0], "the child hangs"
        with os.fdopen(read) as pipe:
            assert pipe.read() == "child"
        assert os.waitpid(pid, 0)[1] == 0
    finally:
        codat.close()
    assert len(set(server.ports)) == 2  # the parent's connection and the child's


async def test_a_twin_inside_a_running_event_loop_refuses_and_names_the_async_method(
    codat: CodatSyncExpenses, codat_company: CodatCompany, codat_fake: FakeCodatServer
) -> None:
    with pytest.raises(errors.EventLoopError, match=r"await customers\.get_async\(") as refused:
        codat.customers.get(company_id=codat_company.id, customer_id="x")
    assert "customers.get() blocks" in str(refused.value)
    with pytest.raises(errors.EventLoopError, match=r"await push_operations\.list_async\("):
        codat.push_operations.list(company_id=codat_company.id)
    with pytest.raises(errors.EventLoopError, match=r"await aclose\("):
        codat.close()
    assert codat_fake.requests_for("get-customer") == []


def test_close_closes_the_client_and_stops_its_thread(
    codat_fake: FakeCodatServer, codat_company: CodatCompany
) -> None:
    codat = CodatSyncExpenses(api_key=API_KEY, base_url=codat_fake.url)
    codat.customers.list(company_id=codat_company.id)
    assert "codat-blocking" in {t.name for t in threading.enumerate()}
    codat.close()
    codat.close()  # twice is fine
    assert "closed" in repr(codat)
    assert "codat-blocking" not in {t.name for t in threading.enumerate()}
    with pytest.raises(errors.ClientClosedError):
        codat.customers.get(company_id=codat_company.id, customer_id="x")


def test_a_script_that_never_closes_the_client_exits_without_warnings(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        "from codat_sync_expenses import CodatSyncExpenses\n"
        "from codat_sync_expenses.testing import serve_in_thread\n"
        "with serve_in_thread() as fake:\n"
        "    company = fake.add_company()\n"
        "    fake.add_customers(company, 3)\n"
        "    codat = CodatSyncExpenses(api_key='any', base_url=fake.url)\n"
        "    print(sum(1 for _ in codat.customers.list(company_id=company, page_size=2)))\n"
    )
    done = subprocess.run(  # noqa: S603 - our own script, by our own interpreter
        [sys.executable, "-X", "dev", "-W", "error", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # -X dev also turns on asyncio's debug log of slow callbacks: on a loaded machine the
    # first call (decoders imported, bytecode compiled) can pass 0.1 s. That is timing, not
    # a warning; every other line of stderr (ResourceWarning, unclosed session) fails.
    stderr = re.sub(r"(?m)^Executing <.*> took \d+\.\d+ seconds\n", "", done.stderr)
    assert (done.returncode, done.stdout, stderr) == (0, "3\n", "")


def test_the_redis_limiter_serves_blocking_threads_and_close_closes_it(
    counting: tuple[CountingServer, str], tmp_path: Path
) -> None:
    from codat_sync_expenses.redis_limits import RedisCompanyLimiter

    from .test_redis_limits import RedisServer

    redis = RedisServer(tmp_path)
    redis.start()
    server, url = counting
    try:
        limiter = RedisCompanyLimiter(redis.url, max_in_flight=2, key_prefix="blocking")
        codat = CodatSyncExpenses(api_key=API_KEY, base_url=url, company_limit=limiter)

        def ten_gets(thread: int) -> None:
            for n in range(10):
                codat.customers.get(company_id="c-1", customer_id=f"t{thread}-{n}")

        threads = [threading.Thread(target=ten_gets, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        codat.close()  # the limiter's connections too: no "Unclosed" warning fails the suite
    finally:
        redis.stop()
    assert len(server.ports) == 40
    assert 1 < server.peak <= 2


def test_the_readmes_blocking_block_runs_as_pasted() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = re.search(r"<!-- blocking:[^>]*-->\n```python\n(.*?)```", readme, re.S)
    assert block is not None, "the README lost its blocking block"
    done = subprocess.run(  # noqa: S603 - our own README, by our own interpreter
        [sys.executable, "-X", "dev", "-W", "error", "-c", block[1]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "first page: 100 of 250",
        "every customer: 250",
        "not found: 404",
    ]
