"""The fake's world: companies and their connections, looked up as Codat answers."""

from __future__ import annotations

import uuid
from collections import deque

from aiohttp import web

from . import _seed
from ._customers import CustomerStore
from ._push import PushOutcome, PushStore
from ._responses import CodatHTTPError

# Ids the fake makes are stable across runs: uuid5 of a per-server counter.
_NAMESPACE = uuid.UUID("1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed")


class Company:
    """One company: its connections and its records, generated from a seed of its id."""

    def __init__(self, company_id: str) -> None:
        self.id = company_id
        self.connections: list[str] = []
        self.customers = CustomerStore(_seed.company_seed(company_id))
        self.pushes = PushStore()

    def add_connection(self, connection_id: str | None = None) -> str:
        """Create a connection (with a stable id unless one is given); returns its id."""
        if connection_id is None:
            connection_id = str(
                uuid.uuid5(_NAMESPACE, f"{self.id}/connection/{len(self.connections)}")
            )
        self.connections.append(connection_id)
        return connection_id


class World:
    """Every company on one fake server."""

    def __init__(self, push_outcome: PushOutcome) -> None:
        self.companies: dict[str, Company] = {}
        self.push_outcome = push_outcome
        self.next_push_outcomes: deque[PushOutcome] = deque()

    def take_push_outcome(self) -> PushOutcome:
        """The outcome for a new push: the next one queued, else the default."""
        return self.next_push_outcomes.popleft() if self.next_push_outcomes else self.push_outcome

    def add_company(self, company_id: str | None = None) -> Company:
        """Create an empty company; unless given, its id depends only on how many came
        before it."""
        if company_id is None:
            company_id = str(uuid.uuid5(_NAMESPACE, f"company/{len(self.companies)}"))
        company = Company(company_id)
        self.companies[company.id] = company
        return company

    def company(self, request: web.Request) -> Company:
        """The request's company, or Codat's 404."""
        company_id = request.match_info["companyId"]
        company = self.companies.get(company_id)
        if company is None:
            raise CodatHTTPError(404, f"No company was found with ID {company_id}")
        company.pushes.settle_due()
        return company

    def connection(self, request: web.Request, company: Company) -> str:
        """The request's connection of ``company``, or Codat's 404."""
        connection_id = request.match_info["connectionId"]
        if connection_id not in company.connections:
            raise CodatHTTPError(404, f"Data connection {connection_id} not found")
        return connection_id
