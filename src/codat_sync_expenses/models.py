# Generated from openapi/customers.yaml by `nox -s codegen`
# (datamodel-code-generator with the attrs template in codegen/templates).
# Do not edit: change the OpenAPI document and regenerate.

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import attrs


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
    """Codat's bookkeeping about a record."""

    is_deleted: bool | None = attrs.field(default=None, metadata={"json": "isDeleted"})


@attrs.define(kw_only=True)
class SupplementalData:
    """Extra fields pulled from the accounting software on request."""

    content: dict[str, dict[str, Any]] | None = None


@attrs.define(kw_only=True)
class HalRef:
    """A hypertext reference."""

    href: str | None = None


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
    """One validation message."""

    item_id: str | None = attrs.field(default=None, metadata={"json": "itemId"})
    message: str | None = None
    validator_name: str | None = attrs.field(default=None, metadata={"json": "validatorName"})


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
    """A postal address."""

    type: AddressType
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = attrs.field(default=None, metadata={"json": "postalCode"})


@attrs.define(kw_only=True)
class PhoneNumber:
    """A phone number and its kind."""

    type: PhoneNumberType
    number: str | None = None


@attrs.define(kw_only=True)
class Links:
    """Links to this page and its neighbours."""

    self_: HalRef = attrs.field(metadata={"json": "self"})
    current: HalRef
    next: HalRef | None = None
    previous: HalRef | None = None


@attrs.define(kw_only=True)
class PushOperationRef:
    """A reference to the record a push changed."""

    id: str | None = None
    data_type: DataType | None = attrs.field(default=None, metadata={"json": "dataType"})


@attrs.define(kw_only=True)
class Validation:
    """Validation errors and warnings on a push or an error."""

    errors: list[ValidationItem] | None = None
    warnings: list[ValidationItem] | None = None


@attrs.define(kw_only=True)
class ErrorMessage:
    """The body Codat sends with every error status."""

    status_code: int | None = attrs.field(default=None, metadata={"json": "statusCode"})
    service: str | None = None
    error: str | None = None
    correlation_id: str | None = attrs.field(default=None, metadata={"json": "correlationId"})
    validation: Validation | None = None
    can_be_retried: str | None = attrs.field(default=None, metadata={"json": "canBeRetried"})
    detailed_error_code: int | None = attrs.field(
        default=None, metadata={"json": "detailedErrorCode"}
    )


@attrs.define(kw_only=True)
class Contact:
    """A person to contact at a customer."""

    status: CustomerStatus
    name: str | None = None
    email: str | None = None
    phone: list[PhoneNumber] | None = None
    address: Address | None = None
    modified_date: datetime | None = attrs.field(default=None, metadata={"json": "modifiedDate"})


@attrs.define(kw_only=True)
class PushOperationChange:
    """One record that a push operation changed."""

    type: PushChangeType | None = None
    record_ref: PushOperationRef | None = attrs.field(default=None, metadata={"json": "recordRef"})
    attachment_id: str | None = attrs.field(default=None, metadata={"json": "attachmentId"})


@attrs.define(kw_only=True)
class Customer:
    """A customer as Codat stores it for a company."""

    status: CustomerStatus
    id: str | None = None
    customer_name: str | None = attrs.field(default=None, metadata={"json": "customerName"})
    contact_name: str | None = attrs.field(default=None, metadata={"json": "contactName"})
    email_address: str | None = attrs.field(default=None, metadata={"json": "emailAddress"})
    default_currency: str | None = attrs.field(default=None, metadata={"json": "defaultCurrency"})
    phone: str | None = None
    addresses: list[Address] | None = None
    contacts: list[Contact] | None = None
    registration_number: str | None = attrs.field(
        default=None, metadata={"json": "registrationNumber"}
    )
    tax_number: str | None = attrs.field(default=None, metadata={"json": "taxNumber"})
    metadata: Metadata | None = None
    supplemental_data: SupplementalData | None = attrs.field(
        default=None, metadata={"json": "supplementalData"}
    )
    modified_date: datetime | None = attrs.field(default=None, metadata={"json": "modifiedDate"})
    source_modified_date: datetime | None = attrs.field(
        default=None, metadata={"json": "sourceModifiedDate"}
    )


@attrs.define(kw_only=True)
class Customers:
    """One page of customers."""

    page_number: int = attrs.field(metadata={"json": "pageNumber"})
    page_size: int = attrs.field(metadata={"json": "pageSize"})
    total_results: int = attrs.field(metadata={"json": "totalResults"})
    links: Links = attrs.field(metadata={"json": "_links"})
    results: list[Customer] | None = None


@attrs.define(kw_only=True)
class PushOperation:
    """The state of a write that Codat pushes to the accounting software."""

    company_id: str = attrs.field(metadata={"json": "companyId"})
    push_operation_key: str = attrs.field(metadata={"json": "pushOperationKey"})
    data_connection_key: str = attrs.field(metadata={"json": "dataConnectionKey"})
    requested_on_utc: datetime = attrs.field(metadata={"json": "requestedOnUtc"})
    status: PushOperationStatus
    status_code: int = attrs.field(metadata={"json": "statusCode"})
    changes: list[PushOperationChange] | None = None
    data_type: DataType | None = attrs.field(default=None, metadata={"json": "dataType"})
    completed_on_utc: datetime | None = attrs.field(
        default=None, metadata={"json": "completedOnUtc"}
    )
    timeout_in_minutes: int | None = attrs.field(
        default=None, metadata={"json": "timeoutInMinutes"}
    )
    error_message: str | None = attrs.field(default=None, metadata={"json": "errorMessage"})
    validation: Validation | None = None


@attrs.define(kw_only=True)
class PushOperations:
    """One page of push operations."""

    page_number: int = attrs.field(metadata={"json": "pageNumber"})
    page_size: int = attrs.field(metadata={"json": "pageSize"})
    total_results: int = attrs.field(metadata={"json": "totalResults"})
    links: Links = attrs.field(metadata={"json": "_links"})
    results: list[PushOperation] | None = None


@attrs.define(kw_only=True)
class CreateCustomerResponse(PushOperation):
    """The push operation that creates a customer."""

    data: Customer | None = None


@attrs.define(kw_only=True)
class UpdateCustomerResponse(PushOperation):
    """The push operation that updates a customer."""

    data: Customer | None = None
