"""The per-company limit shared through a real redis-server on 127.0.0.1, by several processes."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as redis
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.limits import longest_wait
from codat_sync_expenses.redis_limits import DEFAULT_LEASE, RedisCompanyLimiter

from . import redis_worker
from .conftest import closed_port, serve
from .redis_proxy import RedisProxy

LEASE = 1.0  # seconds; short so that the kill test is quick


class RedisServer:
    """A private redis-server on 127.0.0.1: no persistence, stopped by the test."""

    def __init__(self, directory: Path, *, tls: bool = False) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            reason = "redis-server not found on PATH (apt-get install redis-server)"
            if os.environ.get("CI"):
                pytest.fail(f"{reason}; .ci/run installs it, so CI must have it")
            pytest.skip(reason)
        port = closed_port()
        self._command = [
            executable,
            *("--bind", "127.0.0.1", "--port", str(port)),
            *("--save", "", "--appendonly", "no", "--dir", str(directory)),
        ]
        self.url = f"redis://127.0.0.1:{port}/0"
        if tls:  # TLS only, with a certificate of its own for 127.0.0.1
            cert, key = self_signed_certificate(directory)
            self._command[4] = "0"
            self._command += ["--tls-port", str(port), "--tls-auth-clients", "no"]
            self._command += ["--tls-cert-file", str(cert), "--tls-key-file", str(key)]
            self.url = f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={cert}"
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start the server and return once it accepts connections."""
        self._process = subprocess.Popen(  # noqa: S603 - our own command line
            self._command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert self._process.stdout is not None
        output = []
        for line in self._process.stdout:
            output.append(line)
            if "Ready to accept connections" in line:
                return
        pytest.fail("redis-server did not start:\n" + "".join(output))

    def pause(self, paused: bool) -> None:
        """Freeze the server (SIGSTOP): connections stay open, nothing answers; or thaw it."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP if paused else signal.SIGCONT)

    def stop(self) -> None:
        """Stop the server (SIGTERM, thawed first) and wait for it to exit."""
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)
            self._process.terminate()
            self._process.communicate()
            self._process = None

    def kill(self) -> None:
        """Kill the server (SIGKILL), as a crash or an out-of-memory kill would."""
        if self._process is not None:
            self._process.kill()
            self._process.communicate()
            self._process = None


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not found on PATH")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # noqa: S603 - our own command line
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def prefix() -> str:
    """Keys of one test, apart from every other test's on the shared server."""
    return f"test-{uuid.uuid4().hex}"


@asynccontextmanager
async def limiter(
    url: str,
    prefix: str,
    *,
    max_in_flight: int = 10,
    lease: float = LEASE,
    redis_timeout: float = 5,
) -> AsyncIterator[RedisCompanyLimiter]:
    shared = RedisCompanyLimiter(
        url,
        max_in_flight=max_in_flight,
        key_prefix=prefix,
        lease=lease,
        redis_timeout=redis_timeout,
    )
    try:
        yield shared
    finally:
        await shared.aclose()


class InFlightServer:
    """Answers get-customer after 50 ms; counts requests in flight per company, 429 above 10."""

    def __init__(self, limit: int = 10) -> None:
        self.limit = limit
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.rejected = 0

    async def handle(self, request: web.Request) -> web.Response:
        company = request.path.split("/")[2]
        self.in_flight[company] += 1
        try:
            self.peak[company] = max(self.peak[company], self.in_flight[company])
            if self.in_flight[company] > self.limit:
                self.rejected += 1
                body = {"statusCode": 429, "error": "Too many concurrent requests"}
                return web.json_response(body, status=429)
            await asyncio.sleep(0.05)  # the request's work, so that requests overlap
            return web.json_response({"id": request.path.split("/")[-1], "status": "Active"})
        finally:
            self.in_flight[company] -= 1


async def four_workers_call(server_url: str, redis_url: str, prefix: str) -> Counter[str]:
    """Four processes, each 25 concurrent calls for one company, started together."""
    # The default lease: this test is about the limit, not about leases.
    options = {"redis": redis_url, "prefix": prefix, "lease": DEFAULT_LEASE}
    workers = [
        redis_worker.start("calls", **options, company="acme", url=server_url) for _ in range(4)
    ]
    for worker in workers:
        assert await worker.receive() == "ready"
    for worker in workers:
        worker.send("go")
    outcomes: Counter[str] = Counter()
    for worker in workers:
        outcomes.update(await worker.receive())
        assert await worker.exitcode() == 0
    return outcomes


async def test_four_worker_processes_never_have_more_than_ten_calls_in_flight(
    redis_url: str, prefix: str
) -> None:
    server = InFlightServer(limit=10)
    async with serve(server.handle) as url:
        outcomes = await four_workers_call(url, redis_url, prefix)
    print(f"\nshared limit: peak in flight {server.peak['acme']}, 429s {server.rejected}")
    assert outcomes == {"ok": 100}
    assert server.rejected == 0
    assert server.peak["acme"] == 10


async def test_four_workers_each_limiting_itself_overrun_the_company() -> None:
    # What the shared limit prevents: four clients with their own default limit of 10,
    # like four processes.
    server = InFlightServer(limit=10)
    async with serve(server.handle) as url, AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                CodatSyncExpenses(api_key="any", base_url=url, max_retries=0)
            )
            for _ in range(4)
        ]
        outcomes = await asyncio.gather(
            *(
                codat.customers.get_async(company_id="acme", customer_id=f"c-{number}")
                for codat in clients
                for number in range(25)
            ),
            return_exceptions=True,
        )
    print(f"\nper-process limits: peak in flight {server.peak['acme']}, 429s {server.rejected}")
    assert server.peak["acme"] > 10
    rejected = [o for o in outcomes if isinstance(o, errors.TooManyRequestsError)]
    assert len(rejected) == server.rejected > 0


async def test_a_killed_workers_slots_come_back_within_the_lease(
    redis_url: str, prefix: str
) -> None:
    holder = redis_worker.start(
        "hold", redis=redis_url, prefix=prefix, lease=LEASE, company="acme", slots=10
    )
    assert await holder.receive() == "holding"
    async with limiter(redis_url, prefix) as shared:
        with pytest.raises(errors.PoolTimeoutError) as raised:
            async with shared.slot("acme", timeout=0.05):
                pass
        assert raised.value.request_sent is False
        holder.process.kill()
        await holder.exitcode()
        killed = time.monotonic()
        async with AsyncExitStack() as stack:
            for _ in range(10):
                await stack.enter_async_context(shared.slot("acme", timeout=LEASE + 1))
            recovered = time.monotonic() - killed
    print(f"\n10 slots of a SIGKILLed worker back after {recovered:.3f}s (lease {LEASE}s)")
    assert recovered <= LEASE + 0.3


async def test_a_slot_held_longer_than_its_lease_is_renewed_not_lost(
    redis_url: str, prefix: str
) -> None:
    lease = 0.5  # renewed every 0.17 s; unrenewed, it would lapse halfway through the wait
    async with (
        limiter(redis_url, prefix, max_in_flight=1, lease=lease) as first,
        limiter(redis_url, prefix, max_in_flight=1, lease=lease) as second,
        first.slot("acme", timeout=1),
    ):
        started = time.monotonic()
        with pytest.raises(errors.PoolTimeoutError):
            async with second.slot("acme", timeout=2 * lease):
                pass
        # It waited until only the request's share of the timeout was left.
        assert time.monotonic() - started >= longest_wait(2 * lease)


async def test_waiters_from_several_workers_are_served_first_come_first_served(
    redis_url: str, prefix: str
) -> None:
    # A long lease: only a release's grant message can wake the waiters in time.
    async with AsyncExitStack() as stack:
        workers = [
            await stack.enter_async_context(limiter(redis_url, prefix, max_in_flight=1, lease=30))
            for _ in range(3)
        ]
        order: list[int] = []

        async def wait_turn(number: int) -> None:
            async with workers[number % 3].slot("acme", timeout=5):
                order.append(number)

        async with workers[0].slot("acme", timeout=1):
            waiters = []
            for number in range(6):
                waiters.append(asyncio.create_task(wait_turn(number)))
                await queued(redis_url, prefix, "acme", count=number + 1)
            started = time.monotonic()
        await asyncio.gather(*waiters)
    assert order == [0, 1, 2, 3, 4, 5]
    assert time.monotonic() - started < 1


async def queued(url: str, prefix: str, company: str, *, count: int) -> None:
    """Return once ``count`` tokens wait in the company's queue on the server."""
    await counted(url, f"{prefix}:{{{company}}}:queue", count)


async def counted(url: str, key: str, count: int) -> None:
    """Return once the sorted set ``key`` on the server has ``count`` members (5 s at most)."""
    client = redis.Redis.from_url(url)

    async def poll() -> None:
        while await client.zcard(key) != count:
            pass  # each check is a round trip to the server, which lets the limiters run

    try:
        await asyncio.wait_for(poll(), 5)
    finally:
        await client.aclose()


async def test_a_waiter_that_gives_up_leaves_the_queue(redis_url: str, prefix: str) -> None:
    # A 30 s lease and redis_timeout: a waiter left in the queue would hold up the next
    # one for 30 s, and a grant gone unheard for 10 s (until its next ask).
    options: dict[str, Any] = {"max_in_flight": 1, "lease": 30, "redis_timeout": 30}
    async with (
        limiter(redis_url, prefix, **options) as first,
        limiter(redis_url, prefix, **options) as second,
    ):
        async with first.slot("acme", timeout=1):
            with pytest.raises(errors.PoolTimeoutError):
                async with second.slot("acme", timeout=0.1):
                    pass
            cancelled = asyncio.create_task(second.slot("acme", timeout=None).__aenter__())
            await queued(redis_url, prefix, "acme", count=1)
            cancelled.cancel()
            with pytest.raises(asyncio.CancelledError):
                await cancelled
        # Neither the timed-out nor the cancelled waiter holds up the next one. (A loaded
        # CI machine can take most of a second to grant it.)
        started = time.monotonic()
        async with second.slot("acme", timeout=40):
            assert time.monotonic() - started < 5


async def test_a_grant_published_before_the_waiter_reads_its_answer_is_heard(
    redis_url: str, prefix: str
) -> None:
    # Redis queues the waiter, then publishes its grant while the answer to its acquire
    # is still on the way: the listener reads the grant first. Heard then, the slot is
    # the waiter's at once; unheard, it waits until its next ask (5 s here).
    proxy = RedisProxy(redis_url)
    async with (
        proxy.serving(),
        limiter(redis_url, prefix, max_in_flight=1, lease=30) as first,
        limiter(proxy.url, prefix, max_in_flight=1, lease=30) as second,
    ):
        holding = first.slot("acme", timeout=1)
        await holding.__aenter__()
        with pytest.raises(errors.PoolTimeoutError):  # second now listens for grants
            async with second.slot("acme", timeout=0.1):
                pass
        await queued(redis_url, prefix, "acme", count=0)
        with proxy.holding_answers():
            started = time.monotonic()
            waiter = asyncio.ensure_future(enter_and_leave(second.slot("acme", timeout=10)))
            await queued(redis_url, prefix, "acme", count=1)
            await holding.__aexit__(None, None, None)
            await asyncio.wait_for(proxy.published.wait(), 5)
            # Loopback bytes are readable at once: within a few turns of the event loop
            # the listener reads the grant, before the answer is sent on. Else this test
            # would prove nothing: it fails unless the waiter's wake-up was set by then.
            for _ in range(100):
                if heard(second):
                    break
                await asyncio.sleep(0)
            assert heard(second)
        await asyncio.wait_for(waiter, 10)
        granted_after = time.monotonic() - started
    print(f"\na grant read before the acquire's answer: slot held after {granted_after:.3f}s")
    assert granted_after < 2


async def test_back_to_back_slots_get_back_the_slot_they_released(
    redis_url: str, prefix: str
) -> None:
    # One slot and a long lease: a release that went missing would time the next one out.
    async with limiter(redis_url, prefix, max_in_flight=1, lease=30) as shared:
        async with shared.slot("acme", timeout=0.5), shared.slot("globex", timeout=0.5):
            pass  # two releases in one turn of the event loop
        for company in ("acme", "acme", "globex", "acme", "globex", "globex"):
            async with shared.slot(company, timeout=0.5):
                assert await holders(redis_url, prefix, company) == 1
    assert await holders(redis_url, prefix, "acme") == 0
    assert await holders(redis_url, prefix, "globex") == 0


async def test_two_companies_never_share_a_budget(redis_url: str, prefix: str) -> None:
    async with (
        limiter(redis_url, prefix, max_in_flight=2) as first,
        limiter(redis_url, prefix, max_in_flight=2) as second,
        first.slot("acme", timeout=1),
        second.slot("acme", timeout=1),
    ):
        async with first.slot("globex", timeout=0.5), second.slot("globex", timeout=0.5):
            pass
        with pytest.raises(errors.PoolTimeoutError, match="acme"):
            async with second.slot("acme", timeout=0.1):
                pass


async def test_redis_stopped_mid_run_falls_back_to_a_limit_per_process_and_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="codat_sync_expenses")
    server = RedisServer(tmp_path)
    server.start()
    try:
        async with limiter(server.url, "outage", max_in_flight=2) as shared:
            async with shared.slot("acme", timeout=1):
                server.stop()
            # The lost release did not raise; the limit is now this process's own.
            async with shared.slot("acme", timeout=1), shared.slot("acme", timeout=1):
                with pytest.raises(errors.PoolTimeoutError):
                    async with shared.slot("acme", timeout=0.1):
                        pass
            warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 1, warnings
            assert "Redis is unreachable" in warnings[0]
            assert "2 requests in flight per company" in warnings[0]
            server.start()
            # Redis is tried again a second after it failed; until then the local limit holds.
            deadline = time.monotonic() + 5
            while "reachable again" not in caplog.text and time.monotonic() < deadline:
                async with shared.slot("acme", timeout=1):
                    await asyncio.sleep(0.05)
            other = RedisCompanyLimiter(server.url, max_in_flight=2, key_prefix="outage")
            try:
                async with shared.slot("acme", timeout=1), shared.slot("acme", timeout=1):
                    with pytest.raises(errors.PoolTimeoutError):
                        async with other.slot("acme", timeout=0.1):
                            pass
            finally:
                await other.aclose()
    finally:
        server.stop()


async def test_a_redis_that_stops_answering_counts_as_unreachable_after_redis_timeout(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = RedisServer(tmp_path)
    server.start()
    try:
        async with limiter(server.url, "frozen", max_in_flight=1, redis_timeout=0.5) as shared:
            async with shared.slot("acme", timeout=1):
                pass
            await counted(server.url, "frozen:{acme}:holders", 0)  # the release is answered
            server.pause(True)
            started = time.monotonic()
            async with shared.slot("acme", timeout=5):
                waited = time.monotonic() - started
            server.pause(False)
        assert 0.5 <= waited < 1.5
        assert "Redis is unreachable (Redis did not answer within 0.5 s)" in caplog.text
    finally:
        server.stop()


async def test_a_release_does_not_wait_for_redis_and_aclose_waits_for_its_answer(
    tmp_path: Path,
) -> None:
    server = RedisServer(tmp_path)
    server.start()
    try:
        async with limiter(server.url, "release", max_in_flight=1) as shared:
            async with shared.slot("acme", timeout=1):
                server.pause(True)  # from here on, no answer comes
                started = time.monotonic()
            left_after = time.monotonic() - started
            server.pause(False)
        # Redis would have taken redis_timeout (5 s) to count as unreachable.
        assert left_after < 1
        assert await holders(server.url, "release", "acme") == 0
    finally:
        server.stop()


async def test_a_loop_with_eager_tasks_shares_the_slot_and_closes(
    redis_url: str, prefix: str
) -> None:
    if sys.version_info < (3, 12):
        pytest.skip("eager tasks came in Python 3.12")
    # An app may set asyncio.eager_task_factory: a task then runs at once, up to its first
    # await, so the limiter's releases and grant listener start inside the caller's step.
    loop = asyncio.get_running_loop()
    previous = loop.get_task_factory()
    loop.set_task_factory(asyncio.eager_task_factory)
    try:
        async with (
            limiter(redis_url, prefix, max_in_flight=1, lease=30) as first,
            limiter(redis_url, prefix, max_in_flight=1, lease=30) as second,
        ):
            holding = first.slot("acme", timeout=1)
            await holding.__aenter__()
            waiter = asyncio.ensure_future(enter_and_leave(second.slot("acme", timeout=10)))
            await queued(redis_url, prefix, "acme", count=1)
            released = time.monotonic()
            await holding.__aexit__(None, None, None)
            await asyncio.wait_for(waiter, 10)
            granted_after = time.monotonic() - released
    finally:
        loop.set_task_factory(previous)
    assert granted_after < 2  # heard, not found at the next ask 5 s later
    assert await holders(redis_url, prefix, "acme") == 0  # both closes sent their releases


_CLOSE_RIGHT_AFTER_A_RELEASE = """
import asyncio, sys
from codat_sync_expenses.redis_limits import RedisCompanyLimiter

async def main():
    limiter = RedisCompanyLimiter(sys.argv[1], key_prefix=sys.argv[2])
    async with limiter.slot("acme", timeout=5):
        pass
    await asyncio.sleep(0)  # the held-back release starts in a task of its own
    background = set(limiter._background)
    await asyncio.wait(background)
    # The state a close finds when it runs in the same turn of the loop as the release's
    # last step: the task is done, but its done callbacks (which forget it) have not run.
    limiter._background |= background
    await limiter.aclose()
    print("closed")

asyncio.run(main())
"""


def test_aclose_right_after_a_release_finished_returns(redis_url: str, prefix: str) -> None:
    # A close that found a finished release not yet forgotten gathered it again and
    # again: on Python 3.12 and later, gathering finished tasks completes without
    # yielding, so the callbacks that forget it never ran, and the loop spun for good.
    # A subprocess: a spinning loop cannot be timed out from within.
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _CLOSE_RIGHT_AFTER_A_RELEASE, redis_url, prefix],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("aclose() did not return within 20 s")
    assert (done.returncode, done.stdout, done.stderr) == (0, "closed\n", "")


async def test_a_release_reaches_a_redis_that_lost_the_scripts(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        async with (
            limiter(redis_url, prefix, max_in_flight=1) as shared,
            shared.slot("acme", timeout=1),
        ):
            await client.script_flush()
        # The release's EVALSHA failed (NOSCRIPT), the scripts were loaded, it went again.
        assert await holders(redis_url, prefix, "acme") == 0
    finally:
        await client.aclose()


async def test_a_release_that_redis_refuses_is_logged_not_raised(
    redis_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        async with limiter(redis_url, prefix) as shared, shared.slot("acme", timeout=1):
            await client.set(f"{prefix}:{{acme}}:holders", "not a sorted set")
    finally:
        await client.aclose()
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "slot's release failed" in warning
    assert "WRONGTYPE" in warning


async def test_a_url_that_sets_a_socket_timeout_is_served_all_the_same(
    redis_url: str, prefix: str
) -> None:
    # The limiter bounds each command by redis_timeout itself.
    url = f"{redis_url}?socket_timeout=5"
    async with (
        limiter(url, prefix, max_in_flight=2) as shared,
        shared.slot("acme", timeout=1),
        shared.slot("acme", timeout=1),
    ):
        assert await holders(redis_url, prefix, "acme") == 2


async def test_a_redis_still_loading_its_data_counts_as_unreachable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A restarted Redis answers -LOADING until its data is in memory: redis-py's class for
    # that error is a ConnectionError, so the process limits itself meanwhile.
    scripts: list[bytes] = []
    handlers: set[asyncio.Task[Any]] = set()

    async def loading(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handler = asyncio.current_task()
        assert handler is not None
        handlers.add(handler)
        try:
            # Each command is an array of bulk strings: *<count>, then $<length> and the bytes.
            while line := await reader.readline():
                words = []
                for _ in range(int(line[1:])):
                    length = int((await reader.readline())[1:])
                    words.append((await reader.readexactly(length + 2))[:-2])
                if words[0].upper() == b"EVALSHA":
                    scripts.append(words[1])
                    writer.write(b"-LOADING Redis is loading the dataset in memory\r\n")
                elif words[0].upper() == b"HELLO":
                    # As Redis answers it, a map of server facts in the protocol asked for
                    # (redis-py 8.2 reads "proto" from it and fails on a bare +OK).
                    protocol = int(words[1]) if len(words) > 1 else 2
                    writer.write(
                        b"%1\r\n+proto\r\n:3\r\n"
                        if protocol == 3
                        else b"*2\r\n$5\r\nproto\r\n:2\r\n"
                    )
                else:  # the rest of the connection's setup: CLIENT SETINFO and the like
                    writer.write(b"+OK\r\n")
        finally:
            writer.close()

    server = await asyncio.start_server(loading, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with (
            limiter(f"redis://127.0.0.1:{port}/0", "loading", max_in_flight=1) as shared,
            shared.slot("acme", timeout=1),
        ):
            entered = True
        # The limiter closed its connections, so each handler has its end of file.
        await asyncio.wait_for(asyncio.gather(*handlers), 5)
    finally:
        server.close()
        await server.wait_closed()
    assert entered
    assert scripts  # Redis was asked, and answered LOADING
    assert "Redis is unreachable (Redis is loading the dataset in memory)" in caplog.text


async def test_a_tls_redis_shares_the_budget_like_a_plain_one(tmp_path: Path) -> None:
    server = RedisServer(tmp_path, tls=True)
    server.start()
    try:
        async with (
            limiter(server.url, "tls", max_in_flight=2) as first,
            limiter(server.url, "tls", max_in_flight=2) as second,
        ):
            for _ in range(3):
                async with first.slot("acme", timeout=1), second.slot("acme", timeout=1):
                    with pytest.raises(errors.PoolTimeoutError):
                        async with second.slot("acme", timeout=0.1):
                            pass
        assert await holders(server.url, "tls", "acme") == 0
    finally:
        server.stop()


# -- Redis faults: frozen past redis_timeout, restarted, and a slot at the deadline ----------

FAULT_REDIS_TIMEOUT = 0.3  # seconds; short, so that the fault tests are quick


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own, which it may freeze, kill and restart."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


async def test_fault_a_frozen_redis_leaves_no_slot_to_the_acquires_that_timed_out(
    private_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = private_redis.url
    async with (
        limiter(
            url, "frozen", max_in_flight=2, lease=30, redis_timeout=FAULT_REDIS_TIMEOUT
        ) as gave_up,
        limiter(url, "frozen", max_in_flight=2, lease=30) as other,
    ):
        # Two connections to Redis, in gave_up's pool, and the releases answered.
        await asyncio.gather(*(enter_and_leave(gave_up.slot("acme", timeout=1)) for _ in "ab"))
        await counted(url, "frozen:{acme}:holders", 0)
        private_redis.pause(True)
        try:
            # The acquires are written but time out on the client, and the local limit
            # serves the calls; Redis runs them when it wakes, for callers that are gone.
            await asyncio.gather(*(enter_and_leave(gave_up.slot("acme", timeout=5)) for _ in "ab"))
            # The fault's length, not a wait for something: frozen past the releases' own
            # redis_timeout too, so that they are lost as well.
            await asyncio.sleep(3 * FAULT_REDIS_TIMEOUT)
        finally:
            private_redis.pause(False)
        thawed = time.monotonic()
        # `other` never saw the outage: it asks Redis, which must not keep the two slots
        # for a whole lease (30 s) for callers that gave up.
        async with other.slot("acme", timeout=5), other.slot("acme", timeout=5):
            shared_again = time.monotonic() - thawed
            assert await holders(url, "frozen", "acme") == 2
    print(f"\nafter a freeze, the company's 2 slots were free again in {shared_again:.3f}s")
    assert shared_again < FAULT_REDIS_TIMEOUT + 0.5
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(
        f"Redis is unreachable (Redis did not answer within {FAULT_REDIS_TIMEOUT:g} s)"
    )


async def test_fault_while_redis_is_out_each_process_keeps_to_its_share_of_the_budget(
    private_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = private_redis.url
    async with (
        limiter(url, "share", max_in_flight=4, redis_timeout=FAULT_REDIS_TIMEOUT) as first,
        limiter(url, "share", max_in_flight=4, redis_timeout=FAULT_REDIS_TIMEOUT) as second,
    ):
        async with first.slot("acme", timeout=1), second.slot("acme", timeout=1):
            await counted(url, "share:workers", 2)  # second checked in after first
        private_redis.stop()
        # Two processes were seen holding slots: each keeps to 2 of the 4, not 4 of them.
        async with second.slot("acme", timeout=1), second.slot("acme", timeout=1):
            with pytest.raises(errors.PoolTimeoutError):
                async with second.slot("acme", timeout=0.1):
                    pass
    assert (
        "this process now limits itself to 2 requests in flight per company, its share of 4 "
        "among the 2 processes seen" in caplog.text
    )


async def test_fault_callers_all_waiting_when_redis_freezes_fall_back_with_one_warning(
    private_redis: RedisServer, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = private_redis.url
    holder = redis_worker.start("hold", redis=url, prefix=prefix, lease=30, company="acme", slots=1)
    assert await holder.receive() == "holding"
    try:
        async with limiter(
            url, prefix, max_in_flight=1, lease=30, redis_timeout=FAULT_REDIS_TIMEOUT
        ) as waiting:

            async def call(timeout: float = 5) -> None:
                async with waiting.slot("acme", timeout=timeout):
                    pass

            # A first wait gives up, and leaves the grant listener subscribed: the
            # calls below go straight to waiting for their grants.
            with pytest.raises(errors.PoolTimeoutError):
                await call(timeout=0.2)
            calls = [asyncio.create_task(call()) for _ in range(3)]
            await queued(url, prefix, "acme", count=3)
            private_redis.pause(True)
            try:
                frozen = time.monotonic()
                await asyncio.gather(*calls)  # served by the local limit, one at a time
                served = time.monotonic() - frozen
            finally:
                private_redis.pause(False)
    finally:
        holder.process.kill()
        await holder.exitcode()
    print(f"\nwaiters of a frozen Redis fell back in {served:.3f}s")
    # One ask of Redis, after redis_timeout at most, and its timeout.
    assert served < 2 * FAULT_REDIS_TIMEOUT + 0.5
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("Redis is unreachable")


async def test_fault_waiters_across_a_redis_restart_are_served_and_share_again(
    private_redis: RedisServer,
) -> None:
    # A long lease and redis_timeout: the waiter's own asks of Redis come every 5 s, so
    # only the grant listener's loss, which wakes it, serves it soon.
    url = private_redis.url
    async with (
        limiter(url, "restart", max_in_flight=1, lease=30, redis_timeout=5) as first,
        limiter(url, "restart", max_in_flight=1, lease=30, redis_timeout=5) as second,
    ):
        holding = first.slot("acme", timeout=1)
        await holding.__aenter__()
        # A first wait gives up, and leaves second's grant listener subscribed: the
        # waiter below goes straight to waiting for its grant.
        with pytest.raises(errors.PoolTimeoutError):
            await enter_and_leave(second.slot("acme", timeout=0.2))
        waiter = asyncio.create_task(enter_and_leave(second.slot("acme", timeout=3)))
        await queued(url, "restart", "acme", count=1)
        private_redis.kill()
        private_redis.start()  # the same port, and no data: the queue is gone
        restarted = time.monotonic()
        await holding.__aexit__(None, None, None)  # a release with no one to grant
        await waiter
        served = time.monotonic() - restarted
        # And the budget is shared again: a slot of one limiter is the other's too.
        await shared(first, second, "acme")
        shared_again = time.monotonic() - restarted
    print(f"\nafter a restart: waiter served in {served:.3f}s, shared in {shared_again:.3f}s")
    assert served < 1
    assert shared_again < 2


async def shared(first: RedisCompanyLimiter, second: RedisCompanyLimiter, company: str) -> None:
    """Return once ``first`` holding the company's only slot keeps ``second`` out (5 s at most).

    A limiter that found Redis unreachable keeps to its own limit until it finds it back.
    """

    async def poll() -> None:
        while True:
            async with first.slot(company, timeout=1):
                try:
                    async with second.slot(company, timeout=0.2):
                        pass  # second's own limit: each try is a round trip of first's
                except errors.PoolTimeoutError:
                    return

    await asyncio.wait_for(poll(), 5)


async def enter_and_leave(slot: AbstractAsyncContextManager[None]) -> None:
    async with slot:
        pass


async def leave_when(slot: AbstractAsyncContextManager[None], done: Awaitable[None]) -> None:
    await done
    await slot.__aexit__(None, None, None)


def heard(limiter: RedisCompanyLimiter) -> bool:
    """Whether the limiter's grant listener woke a waiter with its grant (private state)."""
    wake_ups = limiter._grants._wake_ups.values()
    return any(w.done() and not w.cancelled() and w.result() for w in wake_ups)


async def test_fault_a_slot_freed_too_close_to_the_deadline_is_handed_back_unsent(
    redis_url: str, prefix: str
) -> None:
    server = InFlightServer(limit=1)
    async with (
        serve(server.handle) as url,
        limiter(redis_url, prefix, max_in_flight=1, lease=30) as other,
        limiter(redis_url, prefix, max_in_flight=1, lease=30) as shared,
        CodatSyncExpenses(
            api_key="any", base_url=url, max_retries=0, company_limit=shared, timeout=0.5
        ) as codat,
    ):
        holding = other.slot("acme", timeout=1)
        await holding.__aenter__()
        # Freed 20 ms before the call's deadline: its request would time out on the
        # client while the server works on it, and its slot go to the next call early.
        released = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_later(0.48, released.set_result, None)
        leave = asyncio.ensure_future(leave_when(holding, released))
        with pytest.raises(errors.PoolTimeoutError) as raised:
            await codat.customers.get_async(company_id="acme", customer_id="c-1")
        await leave
    assert "too little of the 0.5 s timeout was left for the request" in str(raised.value)
    assert raised.value.request_sent is False
    assert server.peak["acme"] == 0  # nothing was sent
    assert await holders(redis_url, prefix, "acme") == 0


async def holders(url: str, prefix: str, company: str) -> int:
    """How many of the company's slots the server counts as held."""
    client = redis.Redis.from_url(url)
    try:
        return int(await client.zcard(f"{prefix}:{{{company}}}:holders"))
    finally:
        await client.aclose()


async def test_the_limiter_shows_no_password_in_its_repr_or_warnings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"redis://:hunter2-secret@127.0.0.1:{closed_port()}/0"
    async with limiter(url, "repr") as shared:
        async with shared.slot("acme", timeout=1):
            pass
        assert "hunter2" not in repr(shared)
    assert "Redis is unreachable" in caplog.text
    assert "hunter2" not in caplog.text


def test_a_url_that_redis_py_cannot_parse_is_refused_without_quoting_it() -> None:
    # urllib reads an unescaped '#' in a password as the start of a fragment, and
    # redis-py's own error then quotes what it took for the port: the password.
    with pytest.raises(ValueError, match="url is not a valid Redis URL") as caught:
        RedisCompanyLimiter("redis://user:hunter2#secret@127.0.0.1:6379/0")
    assert "hunter2" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("max_in_flight", 0, "max_in_flight must be at least 1"),
        ("lease", 0, "lease must be a positive number"),
        ("key_prefix", "", "key_prefix must not be empty"),
        ("redis_timeout", -1, "redis_timeout must be a positive number"),
    ],
)
def test_bad_options_are_refused_before_connecting(
    option: str, value: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        RedisCompanyLimiter("redis://127.0.0.1:1/0", **{option: value})  # type: ignore[arg-type]
