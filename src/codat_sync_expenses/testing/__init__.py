"""A fake Codat server for tests and demos: real HTTP on 127.0.0.1, no API key needed.

async with FakeCodatServer() as fake:
    company_id = fake.add_company()
    fake.add_customers(company_id, 250)
    async with CodatSyncExpenses(api_key="any", base_url=fake.url) as codat:
        ...

Faults (``Fault``) and push outcomes (``PushOutcome``) shape its answers;
``virtual_time()`` makes the SDK's retry waits and push polls return at once.
Names are imported on first use, so that the pytest plugin costs nothing until
a test asks for one of its fixtures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from ._clock import VirtualClock, virtual_time
    from ._faults import Fault, UnusedFaultsError
    from ._harness import CompanyTraffic, RecordedRequest
    from ._push import PushOutcome
    from ._server import FakeCodatServer, Operation
    from ._thread import serve_in_thread

__all__ = [
    "CompanyTraffic",
    "FakeCodatServer",
    "Fault",
    "Operation",
    "PushOutcome",
    "RecordedRequest",
    "UnusedFaultsError",
    "VirtualClock",
    "serve_in_thread",
    "virtual_time",
]

_HOMES = {
    "CompanyTraffic": "._harness",
    "FakeCodatServer": "._server",
    "Fault": "._faults",
    "Operation": "._server",
    "PushOutcome": "._push",
    "RecordedRequest": "._harness",
    "UnusedFaultsError": "._faults",
    "VirtualClock": "._clock",
    "serve_in_thread": "._thread",
    "virtual_time": "._clock",
}


__getattr__ = _lazy.loader(__name__, _HOMES)


def __dir__() -> list[str]:
    return sorted(__all__)
