from django.urls import path

from .views import factories, orders, planning, pre_orders

app_name = "production"

urlpatterns = [
    path("", orders.ProductionOrderListView.as_view(), name="list"),
    path("board/", orders.ProductionBoardView.as_view(), name="board"),
    path("payments/", orders.PaymentsDueView.as_view(), name="payments"),
    path("<int:pk>/", orders.ProductionOrderDetailView.as_view(), name="detail"),
    path("<int:pk>/receive/", orders.ProductionOrderReceiveView.as_view(), name="receive"),
    path("<int:pk>/release/", orders.ProductionOrderReleaseView.as_view(), name="release"),
    path("<int:pk>/cancel/", orders.ProductionOrderCancelView.as_view(), name="cancel"),
    path("<int:pk>/reorder-rule/", orders.ProductionOrderReorderRuleView.as_view(), name="reorder_rule"),
    path("plan/<int:sample_id>/", planning.ProductionPlanView.as_view(), name="plan"),
    path("factories/", factories.FactoryListView.as_view(), name="factories"),
    path("factories/new/", factories.FactoryCreateView.as_view(), name="factory_create"),
    path("factories/<int:pk>/", factories.FactoryDetailView.as_view(), name="factory"),
    path("factories/<int:pk>/edit/", factories.FactoryEditView.as_view(), name="factory_edit"),
    path("factories/<int:pk>/keys/", factories.FactoryKeyIssueView.as_view(), name="factory_key_issue"),
    path(
        "factories/<int:pk>/keys/<int:key_pk>/revoke/",
        factories.FactoryKeyRevokeView.as_view(),
        name="factory_key_revoke",
    ),
    path("pre-orders/", pre_orders.PreOrderListView.as_view(), name="pre_orders"),
    path("pre-orders/import/", pre_orders.PreOrderImportView.as_view(), name="pre_orders_import"),
    path("pre-orders/new/", pre_orders.PreOrderCreateView.as_view(), name="pre_order_create"),
    path("pre-orders/<int:pk>/cancel/", pre_orders.PreOrderCancelView.as_view(), name="pre_order_cancel"),
]
