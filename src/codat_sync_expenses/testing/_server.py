"""``FakeCodatServer``: the harness with Codat's resources, and the calls that seed them.

Adding a resource to the fake: its module (routes, store, seed, rules; see
``_customers.py``), building it in ``__init__`` below and adding it to the resources,
its operation ids in ``Operation``, and here any seeding call its tests want.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from aiohttp import web

from . import _control
from ._counts import MAX_TIMES, count
from ._customers import MAX_CUSTOMERS, CustomerOperation, Customers
from ._harness import Harness, on_own_thread
from ._push import PENDING_THEN_SUCCESS, PushOperationName, PushOperations, PushOutcome
from ._world import World

Operation = Literal[CustomerOperation, PushOperationName]
"""The operation ids ``inject`` and ``requests_for`` take."""


class FakeCodatServer(Harness[Operation]):
    """An aiohttp.web server that answers like Codat for the operations this SDK binds.

    ``async with FakeCodatServer() as fake:`` starts it on a free port of
    127.0.0.1; ``fake.url`` is its base URL. Any ``Basic`` key is accepted
    unless ``api_key`` is given. Leaving the block with injected faults or push
    outcomes that never came into play raises ``UnusedFaultsError``.

    Every create or update answers with a push operation settled by
    ``push_outcome``: by default Pending, then Success on the first poll of
    get-push-operation; ``PushOutcome.success()`` settles it at once.

    With ``max_in_flight_per_company`` it enforces Codat's concurrency limit:
    a request for a company that already has that many in flight gets 429
    with ``Retry-After: 1``, unprocessed; ``traffic(company_id)`` tells.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        port: int = 0,
        push_outcome: PushOutcome = PENDING_THEN_SUCCESS,
        max_in_flight_per_company: int | None = None,
    ) -> None:
        self._world = World()
        self._pushes = PushOperations(self._world, push_outcome)
        self._customers = Customers(self._world, self._pushes)
        super().__init__(
            resources=[self._customers, self._pushes],
            api_key=api_key,
            port=port,
            max_in_flight_per_company=max_in_flight_per_company,
        )

    def _control_routes(self) -> list[web.RouteDef]:
        return _control.routes(self)

    @on_own_thread
    def add_company(self, company_id: str | None = None) -> str:
        """Create an empty company; returns its id (by default the same on every run)."""
        return self._world.add_company(company_id).id

    @on_own_thread
    def add_connection(self, company_id: str, connection_id: str | None = None) -> str:
        """Create a connection (to accounting software) for a company; returns its id."""
        return self._world.companies[company_id].add_connection(connection_id)

    @on_own_thread
    def add_customers(
        self, company_id: str, customers: int | list[dict[str, Any]]
    ) -> list[str] | None:
        """Seed a company with ``n`` realistic customers (made on demand from the company
        id, so 1,000,000 is cheap), or with the given Codat-shaped customer dicts (their
        ids are returned)."""
        store = self._customers.of(self._world.companies[company_id])
        if isinstance(customers, int):
            store.generate(count("customers", customers, minimum=0, maximum=MAX_CUSTOMERS))
            return None
        ids = []
        for customer in customers:
            stored = {"id": str(uuid.uuid4()), **customer}
            store.put(stored)
            ids.append(stored["id"])
        return ids

    @on_own_thread
    def customer(self, company_id: str, customer_id: str) -> dict[str, Any] | None:
        """The JSON of one customer, as a later get would return it."""
        return self._customers.of(self._world.companies[company_id]).get(customer_id)

    @on_own_thread
    def customers(self, company_id: str) -> list[dict[str, Any]]:
        """The JSON of every customer of a company, in listing order."""
        store = self._customers.of(self._world.companies[company_id])
        return [store.record(i) for i in range(len(store))]

    @on_own_thread
    def push_operations(self, company_id: str) -> list[dict[str, Any]]:
        """The JSON of every push operation of a company, oldest first, as listed."""
        pushes = self._pushes.of(self._world.companies[company_id])
        return [pushes.record(i) for i in range(len(pushes))]

    @on_own_thread
    def settle_next_push(self, outcome: PushOutcome, *, times: int = 1) -> None:
        """Settle the next ``times`` pushes (creates or updates) with ``outcome``."""
        count("times", times, minimum=1, maximum=MAX_TIMES)
        self._pushes.next_outcomes.extend([outcome] * times)
