"""A fake Codat server for tests and demos: real HTTP on 127.0.0.1, no API key needed.

async with FakeCodatServer() as fake:
    company_id = fake.add_company()
    fake.add_customers(company_id, 250)
    async with CodatSyncExpenses(api_key="any", base_url=fake.url) as codat:
        ...

Faults (``Fault``) and push outcomes (``PushOutcome``) shape its answers;
``virtual_time()`` makes the SDK's retry waits and push polls return at once.
"""

from ._clock import VirtualClock, virtual_time
from ._faults import Fault, UnusedFaultsError
from ._harness import CompanyTraffic, FakeCodatServer, Operation, RecordedRequest
from ._push import PushOutcome
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
