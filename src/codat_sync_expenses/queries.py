# Generated from src/codat_sync_expenses/models.py by `nox -s codegen`
# (codegen/queries.py). Do not edit: change the OpenAPI document and regenerate.

"""Typed fields of each listed model, for ``list_async(query=...)``.

``from codat_sync_expenses.queries import customers``, then e.g.
``query=(customers.modified_date >= since) & (customers.status == ACTIVE)``.
"""

from __future__ import annotations

from . import models
from .query import BoolField, DateField, EnumField, NumberField, TextField

__all__ = ["CustomerFields", "PushOperationFields", "customers", "push_operations"]


class CustomerFields:
    """Customer's fields to filter a listing by (``&`` and ``|`` combine)."""

    status: EnumField[models.CustomerStatus]
    id: TextField
    customer_name: TextField
    contact_name: TextField
    email_address: TextField
    default_currency: TextField
    phone: TextField
    registration_number: TextField
    tax_number: TextField
    metadata: MetadataFields
    modified_date: DateField
    source_modified_date: DateField

    def __init__(self, prefix: str = "") -> None:
        self.status = EnumField[models.CustomerStatus](prefix + "status")
        self.id = TextField(prefix + "id")
        self.customer_name = TextField(prefix + "customerName")
        self.contact_name = TextField(prefix + "contactName")
        self.email_address = TextField(prefix + "emailAddress")
        self.default_currency = TextField(prefix + "defaultCurrency")
        self.phone = TextField(prefix + "phone")
        self.registration_number = TextField(prefix + "registrationNumber")
        self.tax_number = TextField(prefix + "taxNumber")
        self.metadata = MetadataFields(prefix + "metadata.")
        self.modified_date = DateField(prefix + "modifiedDate")
        self.source_modified_date = DateField(prefix + "sourceModifiedDate")


class MetadataFields:
    """Metadata's fields to filter a listing by (``&`` and ``|`` combine)."""

    is_deleted: BoolField

    def __init__(self, prefix: str = "") -> None:
        self.is_deleted = BoolField(prefix + "isDeleted")


class PushOperationFields:
    """PushOperation's fields to filter a listing by (``&`` and ``|`` combine)."""

    company_id: TextField
    push_operation_key: TextField
    data_connection_key: TextField
    requested_on_utc: DateField
    status: EnumField[models.PushOperationStatus]
    status_code: NumberField
    data_type: EnumField[models.DataType]
    completed_on_utc: DateField
    timeout_in_minutes: NumberField
    error_message: TextField

    def __init__(self, prefix: str = "") -> None:
        self.company_id = TextField(prefix + "companyId")
        self.push_operation_key = TextField(prefix + "pushOperationKey")
        self.data_connection_key = TextField(prefix + "dataConnectionKey")
        self.requested_on_utc = DateField(prefix + "requestedOnUtc")
        self.status = EnumField[models.PushOperationStatus](prefix + "status")
        self.status_code = NumberField(prefix + "statusCode")
        self.data_type = EnumField[models.DataType](prefix + "dataType")
        self.completed_on_utc = DateField(prefix + "completedOnUtc")
        self.timeout_in_minutes = NumberField(prefix + "timeoutInMinutes")
        self.error_message = TextField(prefix + "errorMessage")


customers = CustomerFields()
"""The fields of customers, to filter their listing by."""

push_operations = PushOperationFields()
"""The fields of push operations, to filter their listing by."""
