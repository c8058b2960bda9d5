from decimal import Decimal

from django import forms


class ReceiveForm(forms.Form):
    actual_landed_cost = forms.DecimalField(
        required=False, min_value=Decimal("0"), max_digits=12, decimal_places=2,
        label="Actual landed cost", widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01"}),
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )
