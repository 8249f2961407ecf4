# Generated from src/codat_sync_expenses/models.py by `nox -s codegen`
# (codegen/fast_decoders.py). Do not edit: change the OpenAPI document and regenerate.

"""A msgspec mirror of the models (enums and datetimes as str) and builders from it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import msgspec

from . import models as _m
from ._converter import decode_json as _json
from ._converter import structure_hook as _hook

__all__ = ["DECODERS", "SLICED"]

# orjson reads integers beyond 64 bits as floats, which the converter refuses:
# such a body is left to the reference path.
_Int = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
_new = object.__new__
_dict_str_dict_str_any_none_hook = _hook(dict[str, dict[str, Any]] | None)
_address_type_members = {m.value: m for m in _m.AddressType}
_address_type_hook = _hook(_m.AddressType)
_phone_number_type_members = {m.value: m for m in _m.PhoneNumberType}
_phone_number_type_hook = _hook(_m.PhoneNumberType)
_data_type_members = {m.value: m for m in _m.DataType}
_data_type_hook = _hook(_m.DataType)
_customer_status_members = {m.value: m for m in _m.CustomerStatus}
_customer_status_hook = _hook(_m.CustomerStatus)
_datetime_hook = _hook(datetime)
_push_change_type_members = {m.value: m for m in _m.PushChangeType}
_push_change_type_hook = _hook(_m.PushChangeType)
_push_operation_status_members = {m.value: m for m in _m.PushOperationStatus}
_push_operation_status_hook = _hook(_m.PushOperationStatus)


class MetadataJSON(msgspec.Struct, kw_only=True, gc=False):
    is_deleted: bool | None = msgspec.field(default=None, name="isDeleted")


class SupplementalDataJSON(msgspec.Struct, kw_only=True, gc=False):
    content: msgspec.Raw = msgspec.Raw(b"null")


class HalRefJSON(msgspec.Struct, kw_only=True, gc=False):
    href: str | None = None


class ValidationItemJSON(msgspec.Struct, kw_only=True, gc=False):
    item_id: str | None = msgspec.field(default=None, name="itemId")
    message: str | None = None
    validator_name: str | None = msgspec.field(default=None, name="validatorName")


class AddressJSON(msgspec.Struct, kw_only=True, gc=False):
    type: str
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = msgspec.field(default=None, name="postalCode")


class PhoneNumberJSON(msgspec.Struct, kw_only=True, gc=False):
    type: str
    number: str | None = None


class LinksJSON(msgspec.Struct, kw_only=True, gc=False):
    self_: HalRefJSON = msgspec.field(name="self")
    current: HalRefJSON
    next: HalRefJSON | None = None
    previous: HalRefJSON | None = None


class PushOperationRefJSON(msgspec.Struct, kw_only=True, gc=False):
    id: str | None = None
    data_type: str | None = msgspec.field(default=None, name="dataType")


class ValidationJSON(msgspec.Struct, kw_only=True, gc=False):
    errors: list[ValidationItemJSON] | None = None
    warnings: list[ValidationItemJSON] | None = None


class ErrorMessageJSON(msgspec.Struct, kw_only=True, gc=False):
    status_code: _Int | None = msgspec.field(default=None, name="statusCode")
    service: str | None = None
    error: str | None = None
    correlation_id: str | None = msgspec.field(default=None, name="correlationId")
    validation: ValidationJSON | None = None
    can_be_retried: str | None = msgspec.field(default=None, name="canBeRetried")
    detailed_error_code: _Int | None = msgspec.field(default=None, name="detailedErrorCode")


class ContactJSON(msgspec.Struct, kw_only=True, gc=False):
    status: str
    name: str | None = None
    email: str | None = None
    phone: list[PhoneNumberJSON] | None = None
    address: AddressJSON | None = None
    modified_date: str | None = msgspec.field(default=None, name="modifiedDate")


class PushOperationChangeJSON(msgspec.Struct, kw_only=True, gc=False):
    type: str | None = None
    record_ref: PushOperationRefJSON | None = msgspec.field(default=None, name="recordRef")
    attachment_id: str | None = msgspec.field(default=None, name="attachmentId")


class CustomerJSON(msgspec.Struct, kw_only=True, gc=False):
    status: str
    id: str | None = None
    customer_name: str | None = msgspec.field(default=None, name="customerName")
    contact_name: str | None = msgspec.field(default=None, name="contactName")
    email_address: str | None = msgspec.field(default=None, name="emailAddress")
    default_currency: str | None = msgspec.field(default=None, name="defaultCurrency")
    phone: str | None = None
    addresses: list[AddressJSON] | None = None
    contacts: list[ContactJSON] | None = None
    registration_number: str | None = msgspec.field(default=None, name="registrationNumber")
    tax_number: str | None = msgspec.field(default=None, name="taxNumber")
    metadata: MetadataJSON | None = None
    supplemental_data: SupplementalDataJSON | None = msgspec.field(
        default=None, name="supplementalData"
    )
    modified_date: str | None = msgspec.field(default=None, name="modifiedDate")
    source_modified_date: str | None = msgspec.field(default=None, name="sourceModifiedDate")


class CustomersJSON(msgspec.Struct, kw_only=True, gc=False):
    page_number: _Int = msgspec.field(name="pageNumber")
    page_size: _Int = msgspec.field(name="pageSize")
    total_results: _Int = msgspec.field(name="totalResults")
    links: LinksJSON = msgspec.field(name="_links")
    results: list[CustomerJSON] | None = None


class CustomersRawItemsJSON(msgspec.Struct, kw_only=True, gc=False):
    page_number: _Int = msgspec.field(name="pageNumber")
    page_size: _Int = msgspec.field(name="pageSize")
    total_results: _Int = msgspec.field(name="totalResults")
    links: LinksJSON = msgspec.field(name="_links")
    results: list[msgspec.Raw] | None = None


class PushOperationJSON(msgspec.Struct, kw_only=True, gc=False):
    company_id: str = msgspec.field(name="companyId")
    push_operation_key: str = msgspec.field(name="pushOperationKey")
    data_connection_key: str = msgspec.field(name="dataConnectionKey")
    requested_on_utc: str = msgspec.field(name="requestedOnUtc")
    status: str
    status_code: _Int = msgspec.field(name="statusCode")
    changes: list[PushOperationChangeJSON] | None = None
    data_type: str | None = msgspec.field(default=None, name="dataType")
    completed_on_utc: str | None = msgspec.field(default=None, name="completedOnUtc")
    timeout_in_minutes: _Int | None = msgspec.field(default=None, name="timeoutInMinutes")
    error_message: str | None = msgspec.field(default=None, name="errorMessage")
    validation: ValidationJSON | None = None


class PushOperationsJSON(msgspec.Struct, kw_only=True, gc=False):
    page_number: _Int = msgspec.field(name="pageNumber")
    page_size: _Int = msgspec.field(name="pageSize")
    total_results: _Int = msgspec.field(name="totalResults")
    links: LinksJSON = msgspec.field(name="_links")
    results: list[PushOperationJSON] | None = None


class PushOperationsRawItemsJSON(msgspec.Struct, kw_only=True, gc=False):
    page_number: _Int = msgspec.field(name="pageNumber")
    page_size: _Int = msgspec.field(name="pageSize")
    total_results: _Int = msgspec.field(name="totalResults")
    links: LinksJSON = msgspec.field(name="_links")
    results: list[msgspec.Raw] | None = None


class CreateCustomerResponseJSON(msgspec.Struct, kw_only=True, gc=False):
    company_id: str = msgspec.field(name="companyId")
    push_operation_key: str = msgspec.field(name="pushOperationKey")
    data_connection_key: str = msgspec.field(name="dataConnectionKey")
    requested_on_utc: str = msgspec.field(name="requestedOnUtc")
    status: str
    status_code: _Int = msgspec.field(name="statusCode")
    changes: list[PushOperationChangeJSON] | None = None
    data_type: str | None = msgspec.field(default=None, name="dataType")
    completed_on_utc: str | None = msgspec.field(default=None, name="completedOnUtc")
    timeout_in_minutes: _Int | None = msgspec.field(default=None, name="timeoutInMinutes")
    error_message: str | None = msgspec.field(default=None, name="errorMessage")
    validation: ValidationJSON | None = None
    data: CustomerJSON | None = None


class CreateCustomerResponseRawItemsJSON(msgspec.Struct, kw_only=True, gc=False):
    company_id: str = msgspec.field(name="companyId")
    push_operation_key: str = msgspec.field(name="pushOperationKey")
    data_connection_key: str = msgspec.field(name="dataConnectionKey")
    requested_on_utc: str = msgspec.field(name="requestedOnUtc")
    status: str
    status_code: _Int = msgspec.field(name="statusCode")
    changes: list[msgspec.Raw] | None = None
    data_type: str | None = msgspec.field(default=None, name="dataType")
    completed_on_utc: str | None = msgspec.field(default=None, name="completedOnUtc")
    timeout_in_minutes: _Int | None = msgspec.field(default=None, name="timeoutInMinutes")
    error_message: str | None = msgspec.field(default=None, name="errorMessage")
    validation: ValidationJSON | None = None
    data: CustomerJSON | None = None


class UpdateCustomerResponseJSON(msgspec.Struct, kw_only=True, gc=False):
    company_id: str = msgspec.field(name="companyId")
    push_operation_key: str = msgspec.field(name="pushOperationKey")
    data_connection_key: str = msgspec.field(name="dataConnectionKey")
    requested_on_utc: str = msgspec.field(name="requestedOnUtc")
    status: str
    status_code: _Int = msgspec.field(name="statusCode")
    changes: list[PushOperationChangeJSON] | None = None
    data_type: str | None = msgspec.field(default=None, name="dataType")
    completed_on_utc: str | None = msgspec.field(default=None, name="completedOnUtc")
    timeout_in_minutes: _Int | None = msgspec.field(default=None, name="timeoutInMinutes")
    error_message: str | None = msgspec.field(default=None, name="errorMessage")
    validation: ValidationJSON | None = None
    data: CustomerJSON | None = None


class UpdateCustomerResponseRawItemsJSON(msgspec.Struct, kw_only=True, gc=False):
    company_id: str = msgspec.field(name="companyId")
    push_operation_key: str = msgspec.field(name="pushOperationKey")
    data_connection_key: str = msgspec.field(name="dataConnectionKey")
    requested_on_utc: str = msgspec.field(name="requestedOnUtc")
    status: str
    status_code: _Int = msgspec.field(name="statusCode")
    changes: list[msgspec.Raw] | None = None
    data_type: str | None = msgspec.field(default=None, name="dataType")
    completed_on_utc: str | None = msgspec.field(default=None, name="completedOnUtc")
    timeout_in_minutes: _Int | None = msgspec.field(default=None, name="timeoutInMinutes")
    error_message: str | None = msgspec.field(default=None, name="errorMessage")
    validation: ValidationJSON | None = None
    data: CustomerJSON | None = None


_metadata_decoder = msgspec.json.Decoder(MetadataJSON)
_supplemental_data_decoder = msgspec.json.Decoder(SupplementalDataJSON)
_hal_ref_decoder = msgspec.json.Decoder(HalRefJSON)
_validation_item_decoder = msgspec.json.Decoder(ValidationItemJSON)
_address_decoder = msgspec.json.Decoder(AddressJSON)
_phone_number_decoder = msgspec.json.Decoder(PhoneNumberJSON)
_links_decoder = msgspec.json.Decoder(LinksJSON)
_push_operation_ref_decoder = msgspec.json.Decoder(PushOperationRefJSON)
_validation_decoder = msgspec.json.Decoder(ValidationJSON)
_error_message_decoder = msgspec.json.Decoder(ErrorMessageJSON)
_contact_decoder = msgspec.json.Decoder(ContactJSON)
_push_operation_change_decoder = msgspec.json.Decoder(PushOperationChangeJSON)
_customer_decoder = msgspec.json.Decoder(CustomerJSON)
_customers_decoder = msgspec.json.Decoder(CustomersJSON)
_customers_raw_items_decoder = msgspec.json.Decoder(CustomersRawItemsJSON)
_push_operation_decoder = msgspec.json.Decoder(PushOperationJSON)
_push_operations_decoder = msgspec.json.Decoder(PushOperationsJSON)
_push_operations_raw_items_decoder = msgspec.json.Decoder(PushOperationsRawItemsJSON)
_create_customer_response_decoder = msgspec.json.Decoder(CreateCustomerResponseJSON)
_create_customer_response_raw_items_decoder = msgspec.json.Decoder(
    CreateCustomerResponseRawItemsJSON
)
_update_customer_response_decoder = msgspec.json.Decoder(UpdateCustomerResponseJSON)
_update_customer_response_raw_items_decoder = msgspec.json.Decoder(
    UpdateCustomerResponseRawItemsJSON
)


def _metadata(s: MetadataJSON) -> _m.Metadata:
    o = _new(_m.Metadata)
    o.is_deleted = s.is_deleted
    return o


def _metadata_from_json(body: bytes) -> _m.Metadata:
    return _metadata(_metadata_decoder.decode(body))


def _supplemental_data(s: SupplementalDataJSON) -> _m.SupplementalData:
    v: Any
    o = _new(_m.SupplementalData)
    v = s.content
    o.content = _dict_str_dict_str_any_none_hook(_json(bytes(v)), dict[str, dict[str, Any]] | None)
    return o


def _supplemental_data_from_json(body: bytes) -> _m.SupplementalData:
    return _supplemental_data(_supplemental_data_decoder.decode(body))


def _hal_ref(s: HalRefJSON) -> _m.HalRef:
    o = _new(_m.HalRef)
    o.href = s.href
    return o


def _hal_ref_from_json(body: bytes) -> _m.HalRef:
    return _hal_ref(_hal_ref_decoder.decode(body))


def _validation_item(s: ValidationItemJSON) -> _m.ValidationItem:
    o = _new(_m.ValidationItem)
    o.item_id = s.item_id
    o.message = s.message
    o.validator_name = s.validator_name
    return o


def _validation_item_from_json(body: bytes) -> _m.ValidationItem:
    return _validation_item(_validation_item_decoder.decode(body))


def _address(s: AddressJSON) -> _m.Address:
    v: Any
    o = _new(_m.Address)
    v = s.type
    o.type = (
        _address_type_members[v]
        if v in _address_type_members
        else _address_type_hook(v, _m.AddressType)
    )
    o.line1 = s.line1
    o.line2 = s.line2
    o.city = s.city
    o.region = s.region
    o.country = s.country
    o.postal_code = s.postal_code
    return o


def _address_from_json(body: bytes) -> _m.Address:
    return _address(_address_decoder.decode(body))


def _phone_number(s: PhoneNumberJSON) -> _m.PhoneNumber:
    v: Any
    o = _new(_m.PhoneNumber)
    v = s.type
    o.type = (
        _phone_number_type_members[v]
        if v in _phone_number_type_members
        else _phone_number_type_hook(v, _m.PhoneNumberType)
    )
    o.number = s.number
    return o


def _phone_number_from_json(body: bytes) -> _m.PhoneNumber:
    return _phone_number(_phone_number_decoder.decode(body))


def _links(s: LinksJSON) -> _m.Links:
    v: Any
    o = _new(_m.Links)
    v = s.self_
    o.self_ = _hal_ref(v)
    v = s.current
    o.current = _hal_ref(v)
    v = s.next
    o.next = None if v is None else _hal_ref(v)
    v = s.previous
    o.previous = None if v is None else _hal_ref(v)
    return o


def _links_from_json(body: bytes) -> _m.Links:
    return _links(_links_decoder.decode(body))


def _push_operation_ref(s: PushOperationRefJSON) -> _m.PushOperationRef:
    v: Any
    o = _new(_m.PushOperationRef)
    o.id = s.id
    v = s.data_type
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    return o


def _push_operation_ref_from_json(body: bytes) -> _m.PushOperationRef:
    return _push_operation_ref(_push_operation_ref_decoder.decode(body))


def _validation(s: ValidationJSON) -> _m.Validation:
    v: Any
    o = _new(_m.Validation)
    v = s.errors
    o.errors = None if v is None else [_validation_item(x0) for x0 in v]
    v = s.warnings
    o.warnings = None if v is None else [_validation_item(x0) for x0 in v]
    return o


def _validation_from_json(body: bytes) -> _m.Validation:
    return _validation(_validation_decoder.decode(body))


def _error_message(s: ErrorMessageJSON) -> _m.ErrorMessage:
    v: Any
    o = _new(_m.ErrorMessage)
    o.status_code = s.status_code
    o.service = s.service
    o.error = s.error
    o.correlation_id = s.correlation_id
    v = s.validation
    o.validation = None if v is None else _validation(v)
    o.can_be_retried = s.can_be_retried
    o.detailed_error_code = s.detailed_error_code
    return o


def _error_message_from_json(body: bytes) -> _m.ErrorMessage:
    return _error_message(_error_message_decoder.decode(body))


def _contact(s: ContactJSON) -> _m.Contact:
    v: Any
    o = _new(_m.Contact)
    v = s.status
    o.status = (
        _customer_status_members[v]
        if v in _customer_status_members
        else _customer_status_hook(v, _m.CustomerStatus)
    )
    o.name = s.name
    o.email = s.email
    v = s.phone
    o.phone = None if v is None else [_phone_number(x0) for x0 in v]
    v = s.address
    o.address = None if v is None else _address(v)
    v = s.modified_date
    o.modified_date = None if v is None else _datetime_hook(v, datetime)
    return o


def _contact_from_json(body: bytes) -> _m.Contact:
    return _contact(_contact_decoder.decode(body))


def _push_operation_change(s: PushOperationChangeJSON) -> _m.PushOperationChange:
    v: Any
    o = _new(_m.PushOperationChange)
    v = s.type
    o.type = (
        None
        if v is None
        else _push_change_type_members[v]
        if v in _push_change_type_members
        else _push_change_type_hook(v, _m.PushChangeType)
    )
    v = s.record_ref
    o.record_ref = None if v is None else _push_operation_ref(v)
    o.attachment_id = s.attachment_id
    return o


def _push_operation_change_from_json(body: bytes) -> _m.PushOperationChange:
    return _push_operation_change(_push_operation_change_decoder.decode(body))


def _customer(s: CustomerJSON) -> _m.Customer:
    v: Any
    o = _new(_m.Customer)
    v = s.status
    o.status = (
        _customer_status_members[v]
        if v in _customer_status_members
        else _customer_status_hook(v, _m.CustomerStatus)
    )
    o.id = s.id
    o.customer_name = s.customer_name
    o.contact_name = s.contact_name
    o.email_address = s.email_address
    o.default_currency = s.default_currency
    o.phone = s.phone
    v = s.addresses
    o.addresses = None if v is None else [_address(x0) for x0 in v]
    v = s.contacts
    o.contacts = None if v is None else [_contact(x0) for x0 in v]
    o.registration_number = s.registration_number
    o.tax_number = s.tax_number
    v = s.metadata
    o.metadata = None if v is None else _metadata(v)
    v = s.supplemental_data
    o.supplemental_data = None if v is None else _supplemental_data(v)
    v = s.modified_date
    o.modified_date = None if v is None else _datetime_hook(v, datetime)
    v = s.source_modified_date
    o.source_modified_date = None if v is None else _datetime_hook(v, datetime)
    return o


def _customer_from_json(body: bytes) -> _m.Customer:
    return _customer(_customer_decoder.decode(body))


def _customers(s: CustomersJSON) -> _m.Customers:
    v: Any
    o = _new(_m.Customers)
    o.page_number = s.page_number
    o.page_size = s.page_size
    o.total_results = s.total_results
    v = s.links
    o.links = _links(v)
    v = s.results
    o.results = None if v is None else [_customer(x0) for x0 in v]
    return o


def _customers_from_json(body: bytes) -> _m.Customers:
    return _customers(_customers_decoder.decode(body))


def _customers_with_items(s: CustomersJSON, items: Any) -> _m.Customers:
    v: Any
    o = _new(_m.Customers)
    o.page_number = s.page_number
    o.page_size = s.page_size
    o.total_results = s.total_results
    v = s.links
    o.links = _links(v)
    o.results = items
    return o


def _customers_items(body: bytes) -> tuple[Any, Any]:
    s = _customers_raw_items_decoder.decode(body)
    return s, s.results


def _push_operation(s: PushOperationJSON) -> _m.PushOperation:
    v: Any
    o = _new(_m.PushOperation)
    o.company_id = s.company_id
    o.push_operation_key = s.push_operation_key
    o.data_connection_key = s.data_connection_key
    v = s.requested_on_utc
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = s.status
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    o.status_code = s.status_code
    v = s.changes
    o.changes = None if v is None else [_push_operation_change(x0) for x0 in v]
    v = s.data_type
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = s.completed_on_utc
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    o.timeout_in_minutes = s.timeout_in_minutes
    o.error_message = s.error_message
    v = s.validation
    o.validation = None if v is None else _validation(v)
    return o


def _push_operation_from_json(body: bytes) -> _m.PushOperation:
    return _push_operation(_push_operation_decoder.decode(body))


def _push_operations(s: PushOperationsJSON) -> _m.PushOperations:
    v: Any
    o = _new(_m.PushOperations)
    o.page_number = s.page_number
    o.page_size = s.page_size
    o.total_results = s.total_results
    v = s.links
    o.links = _links(v)
    v = s.results
    o.results = None if v is None else [_push_operation(x0) for x0 in v]
    return o


def _push_operations_from_json(body: bytes) -> _m.PushOperations:
    return _push_operations(_push_operations_decoder.decode(body))


def _push_operations_with_items(s: PushOperationsJSON, items: Any) -> _m.PushOperations:
    v: Any
    o = _new(_m.PushOperations)
    o.page_number = s.page_number
    o.page_size = s.page_size
    o.total_results = s.total_results
    v = s.links
    o.links = _links(v)
    o.results = items
    return o


def _push_operations_items(body: bytes) -> tuple[Any, Any]:
    s = _push_operations_raw_items_decoder.decode(body)
    return s, s.results


def _create_customer_response(s: CreateCustomerResponseJSON) -> _m.CreateCustomerResponse:
    v: Any
    o = _new(_m.CreateCustomerResponse)
    o.company_id = s.company_id
    o.push_operation_key = s.push_operation_key
    o.data_connection_key = s.data_connection_key
    v = s.requested_on_utc
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = s.status
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    o.status_code = s.status_code
    v = s.changes
    o.changes = None if v is None else [_push_operation_change(x0) for x0 in v]
    v = s.data_type
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = s.completed_on_utc
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    o.timeout_in_minutes = s.timeout_in_minutes
    o.error_message = s.error_message
    v = s.validation
    o.validation = None if v is None else _validation(v)
    v = s.data
    o.data = None if v is None else _customer(v)
    return o


def _create_customer_response_from_json(body: bytes) -> _m.CreateCustomerResponse:
    return _create_customer_response(_create_customer_response_decoder.decode(body))


def _create_customer_response_with_items(
    s: CreateCustomerResponseJSON, items: Any
) -> _m.CreateCustomerResponse:
    v: Any
    o = _new(_m.CreateCustomerResponse)
    o.company_id = s.company_id
    o.push_operation_key = s.push_operation_key
    o.data_connection_key = s.data_connection_key
    v = s.requested_on_utc
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = s.status
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    o.status_code = s.status_code
    o.changes = items
    v = s.data_type
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = s.completed_on_utc
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    o.timeout_in_minutes = s.timeout_in_minutes
    o.error_message = s.error_message
    v = s.validation
    o.validation = None if v is None else _validation(v)
    v = s.data
    o.data = None if v is None else _customer(v)
    return o


def _create_customer_response_items(body: bytes) -> tuple[Any, Any]:
    s = _create_customer_response_raw_items_decoder.decode(body)
    return s, s.changes


def _update_customer_response(s: UpdateCustomerResponseJSON) -> _m.UpdateCustomerResponse:
    v: Any
    o = _new(_m.UpdateCustomerResponse)
    o.company_id = s.company_id
    o.push_operation_key = s.push_operation_key
    o.data_connection_key = s.data_connection_key
    v = s.requested_on_utc
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = s.status
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    o.status_code = s.status_code
    v = s.changes
    o.changes = None if v is None else [_push_operation_change(x0) for x0 in v]
    v = s.data_type
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = s.completed_on_utc
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    o.timeout_in_minutes = s.timeout_in_minutes
    o.error_message = s.error_message
    v = s.validation
    o.validation = None if v is None else _validation(v)
    v = s.data
    o.data = None if v is None else _customer(v)
    return o


def _update_customer_response_from_json(body: bytes) -> _m.UpdateCustomerResponse:
    return _update_customer_response(_update_customer_response_decoder.decode(body))


def _update_customer_response_with_items(
    s: UpdateCustomerResponseJSON, items: Any
) -> _m.UpdateCustomerResponse:
    v: Any
    o = _new(_m.UpdateCustomerResponse)
    o.company_id = s.company_id
    o.push_operation_key = s.push_operation_key
    o.data_connection_key = s.data_connection_key
    v = s.requested_on_utc
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = s.status
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    o.status_code = s.status_code
    o.changes = items
    v = s.data_type
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = s.completed_on_utc
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    o.timeout_in_minutes = s.timeout_in_minutes
    o.error_message = s.error_message
    v = s.validation
    o.validation = None if v is None else _validation(v)
    v = s.data
    o.data = None if v is None else _customer(v)
    return o


def _update_customer_response_items(body: bytes) -> tuple[Any, Any]:
    s = _update_customer_response_raw_items_decoder.decode(body)
    return s, s.changes


# Model class -> decoder of a JSON body into it.
DECODERS: dict[type, Callable[[bytes], Any]] = {
    _m.Metadata: _metadata_from_json,
    _m.SupplementalData: _supplemental_data_from_json,
    _m.HalRef: _hal_ref_from_json,
    _m.ValidationItem: _validation_item_from_json,
    _m.Address: _address_from_json,
    _m.PhoneNumber: _phone_number_from_json,
    _m.Links: _links_from_json,
    _m.PushOperationRef: _push_operation_ref_from_json,
    _m.Validation: _validation_from_json,
    _m.ErrorMessage: _error_message_from_json,
    _m.Contact: _contact_from_json,
    _m.PushOperationChange: _push_operation_change_from_json,
    _m.Customer: _customer_from_json,
    _m.Customers: _customers_from_json,
    _m.PushOperation: _push_operation_from_json,
    _m.PushOperations: _push_operations_from_json,
    _m.CreateCustomerResponse: _create_customer_response_from_json,
    _m.UpdateCustomerResponse: _update_customer_response_from_json,
}
# Model class -> (split a body into the whole and its raw items, item decoder,
# builder of the whole from its built items): for building big pages in slices.
SLICED: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any, Any], Any]]] = {
    _m.Customers: (_customers_items, _customer_from_json, _customers_with_items),
    _m.PushOperations: (
        _push_operations_items,
        _push_operation_from_json,
        _push_operations_with_items,
    ),
    _m.CreateCustomerResponse: (
        _create_customer_response_items,
        _push_operation_change_from_json,
        _create_customer_response_with_items,
    ),
    _m.UpdateCustomerResponse: (
        _update_customer_response_items,
        _push_operation_change_from_json,
        _update_customer_response_with_items,
    ),
}
