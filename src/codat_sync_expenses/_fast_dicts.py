# Generated from src/codat_sync_expenses/models.py by `nox -s codegen`
# (codegen/fast_decoders.py). Do not edit: change the OpenAPI document and regenerate.

"""Straight-line builders of the models from decoded JSON, one per model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import models as _m
from ._converter import structure_hook as _hook

__all__ = ["BUILDERS", "SLICED"]

_new = object.__new__
_bool_hook = _hook(bool)
_dict_str_dict_str_any_hook = _hook(dict[str, dict[str, Any]])
_str_hook = _hook(str)
_address_type_members = {m.value: m for m in _m.AddressType}
_address_type_hook = _hook(_m.AddressType)
_phone_number_type_members = {m.value: m for m in _m.PhoneNumberType}
_phone_number_type_hook = _hook(_m.PhoneNumberType)
_data_type_members = {m.value: m for m in _m.DataType}
_data_type_hook = _hook(_m.DataType)
_int_hook = _hook(int)
_customer_status_members = {m.value: m for m in _m.CustomerStatus}
_customer_status_hook = _hook(_m.CustomerStatus)
_datetime_hook = _hook(datetime)
_push_change_type_members = {m.value: m for m in _m.PushChangeType}
_push_change_type_hook = _hook(_m.PushChangeType)
_push_operation_status_members = {m.value: m for m in _m.PushOperationStatus}
_push_operation_status_hook = _hook(_m.PushOperationStatus)


def _as_list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise TypeError("not a list")
    return value


def _metadata(d: Any) -> _m.Metadata:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.Metadata)
    v = get("isDeleted")
    o.is_deleted = v if v is None or type(v) is bool else _bool_hook(v, bool)
    return o


def _supplemental_data(d: Any) -> _m.SupplementalData:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.SupplementalData)
    v = get("content")
    o.content = None if v is None else _dict_str_dict_str_any_hook(v, dict[str, dict[str, Any]])
    return o


def _hal_ref(d: Any) -> _m.HalRef:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.HalRef)
    v = get("href")
    o.href = v if v is None or type(v) is str else _str_hook(v, str)
    return o


def _validation_item(d: Any) -> _m.ValidationItem:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.ValidationItem)
    v = get("itemId")
    o.item_id = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("message")
    o.message = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("validatorName")
    o.validator_name = v if v is None or type(v) is str else _str_hook(v, str)
    return o


def _address(d: Any) -> _m.Address:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.Address)
    v = d["type"]
    o.type = (
        _address_type_members[v]
        if v in _address_type_members
        else _address_type_hook(v, _m.AddressType)
    )
    v = get("line1")
    o.line1 = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("line2")
    o.line2 = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("city")
    o.city = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("region")
    o.region = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("country")
    o.country = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("postalCode")
    o.postal_code = v if v is None or type(v) is str else _str_hook(v, str)
    return o


def _phone_number(d: Any) -> _m.PhoneNumber:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.PhoneNumber)
    v = d["type"]
    o.type = (
        _phone_number_type_members[v]
        if v in _phone_number_type_members
        else _phone_number_type_hook(v, _m.PhoneNumberType)
    )
    v = get("number")
    o.number = v if v is None or type(v) is str else _str_hook(v, str)
    return o


def _links(d: Any) -> _m.Links:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.Links)
    v = d["self"]
    o.self_ = _hal_ref(v)
    v = d["current"]
    o.current = _hal_ref(v)
    v = get("next")
    o.next = None if v is None else _hal_ref(v)
    v = get("previous")
    o.previous = None if v is None else _hal_ref(v)
    return o


def _push_operation_ref(d: Any) -> _m.PushOperationRef:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.PushOperationRef)
    v = get("id")
    o.id = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("dataType")
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    return o


def _validation(d: Any) -> _m.Validation:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.Validation)
    v = get("errors")
    o.errors = None if v is None else [_validation_item(x0) for x0 in _as_list(v)]
    v = get("warnings")
    o.warnings = None if v is None else [_validation_item(x0) for x0 in _as_list(v)]
    return o


def _error_message(d: Any) -> _m.ErrorMessage:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.ErrorMessage)
    v = get("statusCode")
    o.status_code = v if v is None or type(v) is int else _int_hook(v, int)
    v = get("service")
    o.service = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("error")
    o.error = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("correlationId")
    o.correlation_id = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("validation")
    o.validation = None if v is None else _validation(v)
    v = get("canBeRetried")
    o.can_be_retried = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("detailedErrorCode")
    o.detailed_error_code = v if v is None or type(v) is int else _int_hook(v, int)
    return o


def _contact(d: Any) -> _m.Contact:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.Contact)
    v = d["status"]
    o.status = (
        _customer_status_members[v]
        if v in _customer_status_members
        else _customer_status_hook(v, _m.CustomerStatus)
    )
    v = get("name")
    o.name = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("email")
    o.email = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("phone")
    o.phone = None if v is None else [_phone_number(x0) for x0 in _as_list(v)]
    v = get("address")
    o.address = None if v is None else _address(v)
    v = get("modifiedDate")
    o.modified_date = None if v is None else _datetime_hook(v, datetime)
    return o


def _push_operation_change(d: Any) -> _m.PushOperationChange:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.PushOperationChange)
    v = get("type")
    o.type = (
        None
        if v is None
        else _push_change_type_members[v]
        if v in _push_change_type_members
        else _push_change_type_hook(v, _m.PushChangeType)
    )
    v = get("recordRef")
    o.record_ref = None if v is None else _push_operation_ref(v)
    v = get("attachmentId")
    o.attachment_id = v if v is None or type(v) is str else _str_hook(v, str)
    return o


def _customer(d: Any) -> _m.Customer:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.Customer)
    v = d["status"]
    o.status = (
        _customer_status_members[v]
        if v in _customer_status_members
        else _customer_status_hook(v, _m.CustomerStatus)
    )
    v = get("id")
    o.id = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("customerName")
    o.customer_name = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("contactName")
    o.contact_name = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("emailAddress")
    o.email_address = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("defaultCurrency")
    o.default_currency = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("phone")
    o.phone = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("addresses")
    o.addresses = None if v is None else [_address(x0) for x0 in _as_list(v)]
    v = get("contacts")
    o.contacts = None if v is None else [_contact(x0) for x0 in _as_list(v)]
    v = get("registrationNumber")
    o.registration_number = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("taxNumber")
    o.tax_number = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("metadata")
    o.metadata = None if v is None else _metadata(v)
    v = get("supplementalData")
    o.supplemental_data = None if v is None else _supplemental_data(v)
    v = get("modifiedDate")
    o.modified_date = None if v is None else _datetime_hook(v, datetime)
    v = get("sourceModifiedDate")
    o.source_modified_date = None if v is None else _datetime_hook(v, datetime)
    return o


def _customers(d: Any) -> _m.Customers:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.Customers)
    v = d["pageNumber"]
    o.page_number = v if type(v) is int else _int_hook(v, int)
    v = d["pageSize"]
    o.page_size = v if type(v) is int else _int_hook(v, int)
    v = d["totalResults"]
    o.total_results = v if type(v) is int else _int_hook(v, int)
    v = d["_links"]
    o.links = _links(v)
    v = get("results")
    o.results = None if v is None else [_customer(x0) for x0 in _as_list(v)]
    return o


def _customers_with_items(d: Any, items: Any) -> _m.Customers:
    if type(d) is not dict:
        raise TypeError("not an object")
    o = _new(_m.Customers)
    v = d["pageNumber"]
    o.page_number = v if type(v) is int else _int_hook(v, int)
    v = d["pageSize"]
    o.page_size = v if type(v) is int else _int_hook(v, int)
    v = d["totalResults"]
    o.total_results = v if type(v) is int else _int_hook(v, int)
    v = d["_links"]
    o.links = _links(v)
    o.results = items
    return o


def _customers_items(d: Any) -> tuple[Any, Any]:
    return d, d.get("results")


def _push_operation(d: Any) -> _m.PushOperation:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.PushOperation)
    v = d["companyId"]
    o.company_id = v if type(v) is str else _str_hook(v, str)
    v = d["pushOperationKey"]
    o.push_operation_key = v if type(v) is str else _str_hook(v, str)
    v = d["dataConnectionKey"]
    o.data_connection_key = v if type(v) is str else _str_hook(v, str)
    v = d["requestedOnUtc"]
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = d["status"]
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    v = d["statusCode"]
    o.status_code = v if type(v) is int else _int_hook(v, int)
    v = get("changes")
    o.changes = None if v is None else [_push_operation_change(x0) for x0 in _as_list(v)]
    v = get("dataType")
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = get("completedOnUtc")
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    v = get("timeoutInMinutes")
    o.timeout_in_minutes = v if v is None or type(v) is int else _int_hook(v, int)
    v = get("errorMessage")
    o.error_message = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("validation")
    o.validation = None if v is None else _validation(v)
    return o


def _push_operations(d: Any) -> _m.PushOperations:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.PushOperations)
    v = d["pageNumber"]
    o.page_number = v if type(v) is int else _int_hook(v, int)
    v = d["pageSize"]
    o.page_size = v if type(v) is int else _int_hook(v, int)
    v = d["totalResults"]
    o.total_results = v if type(v) is int else _int_hook(v, int)
    v = d["_links"]
    o.links = _links(v)
    v = get("results")
    o.results = None if v is None else [_push_operation(x0) for x0 in _as_list(v)]
    return o


def _push_operations_with_items(d: Any, items: Any) -> _m.PushOperations:
    if type(d) is not dict:
        raise TypeError("not an object")
    o = _new(_m.PushOperations)
    v = d["pageNumber"]
    o.page_number = v if type(v) is int else _int_hook(v, int)
    v = d["pageSize"]
    o.page_size = v if type(v) is int else _int_hook(v, int)
    v = d["totalResults"]
    o.total_results = v if type(v) is int else _int_hook(v, int)
    v = d["_links"]
    o.links = _links(v)
    o.results = items
    return o


def _push_operations_items(d: Any) -> tuple[Any, Any]:
    return d, d.get("results")


def _create_customer_response(d: Any) -> _m.CreateCustomerResponse:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.CreateCustomerResponse)
    v = d["companyId"]
    o.company_id = v if type(v) is str else _str_hook(v, str)
    v = d["pushOperationKey"]
    o.push_operation_key = v if type(v) is str else _str_hook(v, str)
    v = d["dataConnectionKey"]
    o.data_connection_key = v if type(v) is str else _str_hook(v, str)
    v = d["requestedOnUtc"]
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = d["status"]
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    v = d["statusCode"]
    o.status_code = v if type(v) is int else _int_hook(v, int)
    v = get("changes")
    o.changes = None if v is None else [_push_operation_change(x0) for x0 in _as_list(v)]
    v = get("dataType")
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = get("completedOnUtc")
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    v = get("timeoutInMinutes")
    o.timeout_in_minutes = v if v is None or type(v) is int else _int_hook(v, int)
    v = get("errorMessage")
    o.error_message = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("validation")
    o.validation = None if v is None else _validation(v)
    v = get("data")
    o.data = None if v is None else _customer(v)
    return o


def _create_customer_response_with_items(d: Any, items: Any) -> _m.CreateCustomerResponse:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.CreateCustomerResponse)
    v = d["companyId"]
    o.company_id = v if type(v) is str else _str_hook(v, str)
    v = d["pushOperationKey"]
    o.push_operation_key = v if type(v) is str else _str_hook(v, str)
    v = d["dataConnectionKey"]
    o.data_connection_key = v if type(v) is str else _str_hook(v, str)
    v = d["requestedOnUtc"]
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = d["status"]
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    v = d["statusCode"]
    o.status_code = v if type(v) is int else _int_hook(v, int)
    o.changes = items
    v = get("dataType")
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = get("completedOnUtc")
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    v = get("timeoutInMinutes")
    o.timeout_in_minutes = v if v is None or type(v) is int else _int_hook(v, int)
    v = get("errorMessage")
    o.error_message = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("validation")
    o.validation = None if v is None else _validation(v)
    v = get("data")
    o.data = None if v is None else _customer(v)
    return o


def _create_customer_response_items(d: Any) -> tuple[Any, Any]:
    return d, d.get("changes")


def _update_customer_response(d: Any) -> _m.UpdateCustomerResponse:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.UpdateCustomerResponse)
    v = d["companyId"]
    o.company_id = v if type(v) is str else _str_hook(v, str)
    v = d["pushOperationKey"]
    o.push_operation_key = v if type(v) is str else _str_hook(v, str)
    v = d["dataConnectionKey"]
    o.data_connection_key = v if type(v) is str else _str_hook(v, str)
    v = d["requestedOnUtc"]
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = d["status"]
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    v = d["statusCode"]
    o.status_code = v if type(v) is int else _int_hook(v, int)
    v = get("changes")
    o.changes = None if v is None else [_push_operation_change(x0) for x0 in _as_list(v)]
    v = get("dataType")
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = get("completedOnUtc")
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    v = get("timeoutInMinutes")
    o.timeout_in_minutes = v if v is None or type(v) is int else _int_hook(v, int)
    v = get("errorMessage")
    o.error_message = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("validation")
    o.validation = None if v is None else _validation(v)
    v = get("data")
    o.data = None if v is None else _customer(v)
    return o


def _update_customer_response_with_items(d: Any, items: Any) -> _m.UpdateCustomerResponse:
    if type(d) is not dict:
        raise TypeError("not an object")
    get = d.get
    o = _new(_m.UpdateCustomerResponse)
    v = d["companyId"]
    o.company_id = v if type(v) is str else _str_hook(v, str)
    v = d["pushOperationKey"]
    o.push_operation_key = v if type(v) is str else _str_hook(v, str)
    v = d["dataConnectionKey"]
    o.data_connection_key = v if type(v) is str else _str_hook(v, str)
    v = d["requestedOnUtc"]
    o.requested_on_utc = _datetime_hook(v, datetime)
    v = d["status"]
    o.status = (
        _push_operation_status_members[v]
        if v in _push_operation_status_members
        else _push_operation_status_hook(v, _m.PushOperationStatus)
    )
    v = d["statusCode"]
    o.status_code = v if type(v) is int else _int_hook(v, int)
    o.changes = items
    v = get("dataType")
    o.data_type = (
        None
        if v is None
        else _data_type_members[v]
        if v in _data_type_members
        else _data_type_hook(v, _m.DataType)
    )
    v = get("completedOnUtc")
    o.completed_on_utc = None if v is None else _datetime_hook(v, datetime)
    v = get("timeoutInMinutes")
    o.timeout_in_minutes = v if v is None or type(v) is int else _int_hook(v, int)
    v = get("errorMessage")
    o.error_message = v if v is None or type(v) is str else _str_hook(v, str)
    v = get("validation")
    o.validation = None if v is None else _validation(v)
    v = get("data")
    o.data = None if v is None else _customer(v)
    return o


def _update_customer_response_items(d: Any) -> tuple[Any, Any]:
    return d, d.get("changes")


# Model class -> builder from decoded JSON.
BUILDERS: dict[type, Callable[[Any], Any]] = {
    _m.Metadata: _metadata,
    _m.SupplementalData: _supplemental_data,
    _m.HalRef: _hal_ref,
    _m.ValidationItem: _validation_item,
    _m.Address: _address,
    _m.PhoneNumber: _phone_number,
    _m.Links: _links,
    _m.PushOperationRef: _push_operation_ref,
    _m.Validation: _validation,
    _m.ErrorMessage: _error_message,
    _m.Contact: _contact,
    _m.PushOperationChange: _push_operation_change,
    _m.Customer: _customer,
    _m.Customers: _customers,
    _m.PushOperation: _push_operation,
    _m.PushOperations: _push_operations,
    _m.CreateCustomerResponse: _create_customer_response,
    _m.UpdateCustomerResponse: _update_customer_response,
}
# Model class -> (split into the whole and its item list, item builder,
# builder of the whole from its built items): for building big pages in slices.
SLICED: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any, Any], Any]]] = {
    _m.Customers: (_customers_items, _customer, _customers_with_items),
    _m.PushOperations: (_push_operations_items, _push_operation, _push_operations_with_items),
    _m.CreateCustomerResponse: (
        _create_customer_response_items,
        _push_operation_change,
        _create_customer_response_with_items,
    ),
    _m.UpdateCustomerResponse: (
        _update_customer_response_items,
        _push_operation_change,
        _update_customer_response_with_items,
    ),
}
