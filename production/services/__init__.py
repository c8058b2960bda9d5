"""Every write of link 5, re-exported from its modules: factories, API keys, planning, orders, reporting,
ledger, pre-orders, reorder rules, and the demo factory."""

from .api_keys import KEY_TOUCH_INTERVAL, factory_api_key_create, factory_api_key_mark_used, factory_api_key_revoke
from .demo import production_order_demo_play
from .factories import factory_create, factory_update
from .ledger import (
    factory_payment_adjust,
    factory_payment_due_record,
    factory_payment_record,
    production_order_value,
)
from .orders import (
    MAX_NOTE_LENGTH,
    TransitionNotAllowed,
    actor_name,
    idempotency_records_prune,
    production_order_accept,
    production_order_cancel,
    production_order_create,
    production_order_decline,
    production_order_gate,
    production_order_lines_clean,
    production_order_release,
    production_order_transition,
)
from .planning import production_order_create_from_plan, production_order_plan
from .pre_orders import (
    PreOrderImportReport,
    pre_order_cancel,
    pre_order_create,
    pre_order_fulfil,
    pre_orders_import,
)
from .reporting import (
    production_order_progress,
    production_order_qc_report,
    production_order_receive,
    production_order_ship,
    shipment_event_add,
    shipment_landed_cost_set,
)
from .reorder_rules import (
    RULE_FIELDS,
    RuleCheckReport,
    reorder_decision_accept,
    reorder_decision_dismiss,
    reorder_rule_set,
    reorder_rules_check,
    reorder_rules_ensure,
)
from .sizing import sizing_money_for_concept

__all__ = [
    "KEY_TOUCH_INTERVAL",
    "RULE_FIELDS",
    "RuleCheckReport",
    "MAX_NOTE_LENGTH",
    "PreOrderImportReport",
    "TransitionNotAllowed",
    "actor_name",
    "factory_api_key_create",
    "factory_api_key_mark_used",
    "factory_api_key_revoke",
    "factory_create",
    "factory_payment_adjust",
    "factory_payment_due_record",
    "factory_payment_record",
    "factory_update",
    "idempotency_records_prune",
    "pre_order_cancel",
    "pre_order_create",
    "pre_order_fulfil",
    "pre_orders_import",
    "production_order_accept",
    "production_order_cancel",
    "production_order_create",
    "production_order_create_from_plan",
    "production_order_decline",
    "production_order_demo_play",
    "production_order_gate",
    "production_order_lines_clean",
    "production_order_plan",
    "production_order_progress",
    "production_order_qc_report",
    "production_order_receive",
    "production_order_release",
    "production_order_ship",
    "production_order_transition",
    "production_order_value",
    "reorder_decision_accept",
    "reorder_decision_dismiss",
    "reorder_rule_set",
    "reorder_rules_check",
    "reorder_rules_ensure",
    "shipment_event_add",
    "shipment_landed_cost_set",
    "sizing_money_for_concept",
]
