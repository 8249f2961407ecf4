# Generated from openapi/customers.yaml by `nox -s codegen`
# (datamodel-code-generator with the attrs template in codegen/templates).
# Do not edit: change the OpenAPI document and regenerate.

"""Codat's customers and push operations as keyword-only attrs classes, and their enums."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import attrs

__all__ = [
    "Address",
    "AddressType",
    "Contact",
    "CreateCustomerResponse",
    "Customer",
    "CustomerStatus",
    "Customers",
    "DataType",
    "ErrorMessage",
    "HalRef",
    "Links",
    "Metadata",
    "PhoneNumber",
    "PhoneNumberType",
    "PushChangeType",
    "PushOperation",
    "PushOperationChange",
    "PushOperationRef",
    "PushOperationStatus",
    "PushOperations",
    "SupplementalData",
    "UpdateCustomerResponse",
    "Validation",
    "ValidationItem",
]


class CustomerStatus(str, Enum):
    """
    Whether the customer is in use.
    """

    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"


class AddressType(str, Enum):
    """
    What the address is used for.
    """

    UNKNOWN = "Unknown"
    BILLING = "Billing"
    DELIVERY = "Delivery"


class PhoneNumberType(str, Enum):
    """
    The kind of phone number.
    """

    PRIMARY = "Primary"
    LANDLINE = "Landline"
    MOBILE = "Mobile"
    FAX = "Fax"
    UNKNOWN = "Unknown"


@attrs.define(kw_only=True)
class Metadata:
    """Codat's bookkeeping about a record.

    :ivar is_deleted: True when the record was deleted in the accounting software.
    """

    is_deleted: bool | None = attrs.field(default=None, metadata={"json": "isDeleted"})
    """True when the record was deleted in the accounting software."""


@attrs.define(kw_only=True)
class SupplementalData:
    """Extra fields pulled from the accounting software on request.

    :ivar content: Supplemental fields by data source, then by field name.
    """

    content: dict[str, dict[str, Any]] | None = None
    """Supplemental fields by data source, then by field name."""


@attrs.define(kw_only=True)
class HalRef:
    """A hypertext reference.

    :ivar href: The address.
    """

    href: str | None = None
    """The address."""


class PushOperationStatus(str, Enum):
    """
    Where the push operation stands.
    """

    PENDING = "Pending"
    FAILED = "Failed"
    SUCCESS = "Success"
    TIMED_OUT = "TimedOut"


class PushChangeType(str, Enum):
    """
    What happened to the record.
    """

    UNKNOWN = "Unknown"
    CREATED = "Created"
    MODIFIED = "Modified"
    DELETED = "Deleted"
    ATTACHMENT_UPLOADED = "AttachmentUploaded"


@attrs.define(kw_only=True)
class ValidationItem:
    """One validation message.

    :ivar item_id: The record the message is about.
    :ivar message: The message.
    :ivar validator_name: The check that raised it.
    """

    item_id: str | None = attrs.field(default=None, metadata={"json": "itemId"})
    """The record the message is about."""
    message: str | None = None
    """The message."""
    validator_name: str | None = attrs.field(default=None, metadata={"json": "validatorName"})
    """The check that raised it."""


class DataType(str, Enum):
    """
    A Codat data type.
    """

    ACCOUNT_TRANSACTIONS = "accountTransactions"
    BALANCE_SHEET = "balanceSheet"
    BANK_ACCOUNTS = "bankAccounts"
    BANK_TRANSACTIONS = "bankTransactions"
    BILL_CREDIT_NOTES = "billCreditNotes"
    BILL_PAYMENTS = "billPayments"
    BILLS = "bills"
    CASH_FLOW_STATEMENT = "cashFlowStatement"
    CHART_OF_ACCOUNTS = "chartOfAccounts"
    COMPANY = "company"
    CREDIT_NOTES = "creditNotes"
    CUSTOMERS = "customers"
    DIRECT_COSTS = "directCosts"
    DIRECT_INCOMES = "directIncomes"
    INVOICES = "invoices"
    ITEM_RECEIPTS = "itemReceipts"
    ITEMS = "items"
    JOURNAL_ENTRIES = "journalEntries"
    JOURNALS = "journals"
    PAYMENT_METHODS = "paymentMethods"
    PAYMENTS = "payments"
    PROFIT_AND_LOSS = "profitAndLoss"
    PURCHASE_ORDERS = "purchaseOrders"
    SALES_ORDERS = "salesOrders"
    SUPPLIERS = "suppliers"
    TAX_RATES = "taxRates"
    TRACKING_CATEGORIES = "trackingCategories"
    TRANSFERS = "transfers"
    BANKING_ACCOUNT_BALANCES = "banking-accountBalances"
    BANKING_ACCOUNTS = "banking-accounts"
    BANKING_TRANSACTION_CATEGORIES = "banking-transactionCategories"
    BANKING_TRANSACTIONS = "banking-transactions"
    COMMERCE_COMPANY_INFO = "commerce-companyInfo"
    COMMERCE_CUSTOMERS = "commerce-customers"
    COMMERCE_DISPUTES = "commerce-disputes"
    COMMERCE_LOCATIONS = "commerce-locations"
    COMMERCE_ORDERS = "commerce-orders"
    COMMERCE_PAYMENT_METHODS = "commerce-paymentMethods"
    COMMERCE_PAYMENTS = "commerce-payments"
    COMMERCE_PRODUCT_CATEGORIES = "commerce-productCategories"
    COMMERCE_PRODUCTS = "commerce-products"
    COMMERCE_TAX_COMPONENTS = "commerce-taxComponents"
    COMMERCE_TRANSACTIONS = "commerce-transactions"


@attrs.define(kw_only=True)
class Address:
    """A postal address.

    :ivar type: What the address is used for.
    :ivar line1: First line.
    :ivar line2: Second line.
    :ivar city: City or town.
    :ivar region: Region, state or county.
    :ivar country: Country.
    :ivar postal_code: Postal or ZIP code.
    """

    type: AddressType
    """What the address is used for."""
    line1: str | None = None
    """First line."""
    line2: str | None = None
    """Second line."""
    city: str | None = None
    """City or town."""
    region: str | None = None
    """Region, state or county."""
    country: str | None = None
    """Country."""
    postal_code: str | None = attrs.field(default=None, metadata={"json": "postalCode"})
    """Postal or ZIP code."""


@attrs.define(kw_only=True)
class PhoneNumber:
    """A phone number and its kind.

    :ivar type: The kind of number.
    :ivar number: The number as written.
    """

    type: PhoneNumberType
    """The kind of number."""
    number: str | None = None
    """The number as written."""


@attrs.define(kw_only=True)
class Links:
    """Links to this page and its neighbours.

    :ivar self_: This page.
    :ivar current: This page.
    :ivar next: The next page, if any.
    :ivar previous: The previous page, if any.
    """

    self_: HalRef = attrs.field(metadata={"json": "self"})
    """This page."""
    current: HalRef
    """This page."""
    next: HalRef | None = None
    """The next page, if any."""
    previous: HalRef | None = None
    """The previous page, if any."""


@attrs.define(kw_only=True)
class PushOperationRef:
    """A reference to the record a push changed.

    :ivar id: The record's id.
    :ivar data_type: The record's data type.
    """

    id: str | None = None
    """The record's id."""
    data_type: DataType | None = attrs.field(default=None, metadata={"json": "dataType"})
    """The record's data type."""


@attrs.define(kw_only=True)
class Validation:
    """Validation errors and warnings on a push or an error.

    :ivar errors: What stopped the push.
    :ivar warnings: What did not stop it.
    """

    errors: list[ValidationItem] | None = None
    """What stopped the push."""
    warnings: list[ValidationItem] | None = None
    """What did not stop it."""


@attrs.define(kw_only=True)
class ErrorMessage:
    """The body Codat sends with every error status.

    :ivar status_code: The HTTP status.
    :ivar service: The Codat service that answered.
    :ivar error: What went wrong.
    :ivar correlation_id: Codat's id for the request, for its support.
    :ivar validation: Validation errors and warnings.
    :ivar can_be_retried: Whether a retry may succeed.
    :ivar detailed_error_code: Codat's finer-grained error code.
    """

    status_code: int | None = attrs.field(default=None, metadata={"json": "statusCode"})
    """The HTTP status."""
    service: str | None = None
    """The Codat service that answered."""
    error: str | None = None
    """What went wrong."""
    correlation_id: str | None = attrs.field(default=None, metadata={"json": "correlationId"})
    """Codat's id for the request, for its support."""
    validation: Validation | None = None
    """Validation errors and warnings."""
    can_be_retried: str | None = attrs.field(default=None, metadata={"json": "canBeRetried"})
    """Whether a retry may succeed."""
    detailed_error_code: int | None = attrs.field(
        default=None, metadata={"json": "detailedErrorCode"}
    )
    """Codat's finer-grained error code."""


@attrs.define(kw_only=True)
class Contact:
    """A person to contact at a customer.

    :ivar status: Whether the contact is in use.
    :ivar name: The contact's name.
    :ivar email: Email address.
    :ivar phone: Phone numbers.
    :ivar address: Postal address.
    :ivar modified_date: When Codat last saw the contact change.
    """

    status: CustomerStatus
    """Whether the contact is in use."""
    name: str | None = None
    """The contact's name."""
    email: str | None = None
    """Email address."""
    phone: list[PhoneNumber] | None = None
    """Phone numbers."""
    address: Address | None = None
    """Postal address."""
    modified_date: datetime | None = attrs.field(default=None, metadata={"json": "modifiedDate"})
    """When Codat last saw the contact change."""


@attrs.define(kw_only=True)
class PushOperationChange:
    """One record that a push operation changed.

    :ivar type: What happened to the record.
    :ivar record_ref: The record changed.
    :ivar attachment_id: The attachment uploaded, for an attachment change.
    """

    type: PushChangeType | None = None
    """What happened to the record."""
    record_ref: PushOperationRef | None = attrs.field(default=None, metadata={"json": "recordRef"})
    """The record changed."""
    attachment_id: str | None = attrs.field(default=None, metadata={"json": "attachmentId"})
    """The attachment uploaded, for an attachment change."""


@attrs.define(kw_only=True)
class Customer:
    """A customer as Codat stores it for a company.

    :ivar status: Whether the customer is in use.
    :ivar id: Identifier in the accounting software.
    :ivar customer_name: Display name.
    :ivar contact_name: Name of the main contact.
    :ivar email_address: Main email address.
    :ivar default_currency: ISO 4217 currency code. Format: ISO4217.
    :ivar phone: Main phone number.
    :ivar addresses: Postal addresses.
    :ivar contacts: People to contact at the customer.
    :ivar registration_number: Company registration number.
    :ivar tax_number: Tax number, e.g. VAT.
    :ivar metadata: Codat's bookkeeping about the record.
    :ivar supplemental_data: Extra fields from the accounting software, when asked for.
    :ivar modified_date: When Codat last saw the record change.
    :ivar source_modified_date: When the accounting software last changed the record.
    """

    status: CustomerStatus
    """Whether the customer is in use."""
    id: str | None = None
    """Identifier in the accounting software."""
    customer_name: str | None = attrs.field(default=None, metadata={"json": "customerName"})
    """Display name."""
    contact_name: str | None = attrs.field(default=None, metadata={"json": "contactName"})
    """Name of the main contact."""
    email_address: str | None = attrs.field(default=None, metadata={"json": "emailAddress"})
    """Main email address."""
    default_currency: str | None = attrs.field(default=None, metadata={"json": "defaultCurrency"})
    """ISO 4217 currency code. Format: ISO4217."""
    phone: str | None = None
    """Main phone number."""
    addresses: list[Address] | None = None
    """Postal addresses."""
    contacts: list[Contact] | None = None
    """People to contact at the customer."""
    registration_number: str | None = attrs.field(
        default=None, metadata={"json": "registrationNumber"}
    )
    """Company registration number."""
    tax_number: str | None = attrs.field(default=None, metadata={"json": "taxNumber"})
    """Tax number, e.g. VAT."""
    metadata: Metadata | None = None
    """Codat's bookkeeping about the record."""
    supplemental_data: SupplementalData | None = attrs.field(
        default=None, metadata={"json": "supplementalData"}
    )
    """Extra fields from the accounting software, when asked for."""
    modified_date: datetime | None = attrs.field(default=None, metadata={"json": "modifiedDate"})
    """When Codat last saw the record change."""
    source_modified_date: datetime | None = attrs.field(
        default=None, metadata={"json": "sourceModifiedDate"}
    )
    """When the accounting software last changed the record."""


@attrs.define(kw_only=True)
class Customers:
    """One page of customers.

    :ivar page_number: This page, from 1.
    :ivar page_size: Records per page. At most 2000.
    :ivar total_results: Records across all pages.
    :ivar links: Links to this page and its neighbours.
    :ivar results: The customers on this page.
    """

    page_number: int = attrs.field(metadata={"json": "pageNumber"})
    """This page, from 1."""
    page_size: int = attrs.field(metadata={"json": "pageSize"})
    """Records per page. At most 2000."""
    total_results: int = attrs.field(metadata={"json": "totalResults"})
    """Records across all pages."""
    links: Links = attrs.field(metadata={"json": "_links"})
    """Links to this page and its neighbours."""
    results: list[Customer] | None = None
    """The customers on this page."""


@attrs.define(kw_only=True)
class PushOperation:
    """The state of a write that Codat pushes to the accounting software.

    :ivar company_id: The company's id. Format: uuid.
    :ivar push_operation_key: The push's key, to look it up again. Format: uuid.
    :ivar data_connection_key: The connection the push went through. Format: uuid.
    :ivar requested_on_utc: When the push was asked for.
    :ivar status: Where the push stands.
    :ivar status_code: The HTTP status Codat gave the push.
    :ivar changes: The records the push changed.
    :ivar data_type: The data type pushed.
    :ivar completed_on_utc: When the push settled.
    :ivar timeout_in_minutes: How long the push may stay pending. A 32-bit integer.
    :ivar error_message: Why the push failed, when it did.
    :ivar validation: Validation errors and warnings on the push.
    """

    company_id: str = attrs.field(metadata={"json": "companyId"})
    """The company's id. Format: uuid."""
    push_operation_key: str = attrs.field(metadata={"json": "pushOperationKey"})
    """The push's key, to look it up again. Format: uuid."""
    data_connection_key: str = attrs.field(metadata={"json": "dataConnectionKey"})
    """The connection the push went through. Format: uuid."""
    requested_on_utc: datetime = attrs.field(metadata={"json": "requestedOnUtc"})
    """When the push was asked for."""
    status: PushOperationStatus
    """Where the push stands."""
    status_code: int = attrs.field(metadata={"json": "statusCode"})
    """The HTTP status Codat gave the push."""
    changes: list[PushOperationChange] | None = None
    """The records the push changed."""
    data_type: DataType | None = attrs.field(default=None, metadata={"json": "dataType"})
    """The data type pushed."""
    completed_on_utc: datetime | None = attrs.field(
        default=None, metadata={"json": "completedOnUtc"}
    )
    """When the push settled."""
    timeout_in_minutes: int | None = attrs.field(
        default=None, metadata={"json": "timeoutInMinutes"}
    )
    """How long the push may stay pending. A 32-bit integer."""
    error_message: str | None = attrs.field(default=None, metadata={"json": "errorMessage"})
    """Why the push failed, when it did."""
    validation: Validation | None = None
    """Validation errors and warnings on the push."""


@attrs.define(kw_only=True)
class PushOperations:
    """One page of push operations.

    :ivar page_number: This page, from 1.
    :ivar page_size: Records per page. At most 2000.
    :ivar total_results: Records across all pages.
    :ivar links: Links to this page and its neighbours.
    :ivar results: The push operations on this page.
    """

    page_number: int = attrs.field(metadata={"json": "pageNumber"})
    """This page, from 1."""
    page_size: int = attrs.field(metadata={"json": "pageSize"})
    """Records per page. At most 2000."""
    total_results: int = attrs.field(metadata={"json": "totalResults"})
    """Records across all pages."""
    links: Links = attrs.field(metadata={"json": "_links"})
    """Links to this page and its neighbours."""
    results: list[PushOperation] | None = None
    """The push operations on this page."""


@attrs.define(kw_only=True)
class CreateCustomerResponse(PushOperation):
    """The push operation that creates a customer.

    :ivar data: The customer as pushed.
    """

    data: Customer | None = None
    """The customer as pushed."""


@attrs.define(kw_only=True)
class UpdateCustomerResponse(PushOperation):
    """The push operation that updates a customer.

    :ivar data: The customer as pushed.
    """

    data: Customer | None = None
    """The customer as pushed."""
