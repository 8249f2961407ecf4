"""A fake Codat server for tests and demos: real HTTP on 127.0.0.1, no API key needed.

async with FakeCodatServer() as fake:
    company_id = fake.add_company()
    fake.add_customers(company_id, 250)
    async with CodatSyncExpenses(api_key="any", base_url=fake.url) as codat:
        ...
"""

from ._faults import Fault, UnusedFaultsError
from ._harness import FakeCodatServer, Operation, RecordedRequest
from ._retries import skip_retry_waits

__all__ = [
    "FakeCodatServer",
    "Fault",
    "Operation",
    "RecordedRequest",
    "UnusedFaultsError",
    "skip_retry_waits",
]
