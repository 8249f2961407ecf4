"""The fake's world: companies and their connections, looked up as Codat answers.

It knows no resource: each keeps its own records per company id, and may ask to
hear of every company looked up (push operations settle what is due then).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from aiohttp import web

from ._responses import CodatHTTPError

# Ids the fake makes are stable across runs: uuid5 of a per-server counter.
_NAMESPACE = uuid.UUID("1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed")


class Company:
    """One company and its connections (to accounting software)."""

    def __init__(self, company_id: str) -> None:
        self.id = company_id
        self.connections: list[str] = []

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

    def __init__(self) -> None:
        self.companies: dict[str, Company] = {}
        self.on_lookup: list[Callable[[Company], None]] = []

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
        for hook in self.on_lookup:
            hook(company)
        return company

    def connection(self, request: web.Request, company: Company) -> str:
        """The request's connection of ``company``, or Codat's 404."""
        connection_id = request.match_info["connectionId"]
        if connection_id not in company.connections:
            raise CodatHTTPError(404, f"Data connection {connection_id} not found")
        return connection_id
