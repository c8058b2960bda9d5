"""Schemathesis against /api/schema/, in-process through the WSGI app: no 5xx, and every answer matches the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from c2f.wsgi import application
from production.api.permissions import FactoryKeyThrottle
from production.models import ProductionEvent, ProductionOrder
from production.services import factory_create

from .factories import ProductionOrderFactory, ProductionOrderLineFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]


@pytest.fixture
def api_key(django_db_blocker, monkeypatch):
    monkeypatch.setattr(FactoryKeyThrottle, "THROTTLE_RATES", {"factory": "100000/min"})
    with django_db_blocker.unblock():
        factory, raw_key = factory_create(name="Fuzz Mill")
        for status in (ProductionOrder.Status.RELEASED, ProductionOrder.Status.IN_PRODUCTION, ProductionOrder.Status.QC_PASSED):
            order = ProductionOrderFactory(factory=factory, status=status)
            ProductionOrderLineFactory(order=order, quantity=120)
            ProductionEvent.objects.create(order=order, from_status="draft", to_status="released", actor="fuzz")
    return raw_key


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_within_its_schema(case, api_key):
    case.call_and_validate(headers={"Authorization": f"Api-Key {api_key}"}, checks=CHECKS)
