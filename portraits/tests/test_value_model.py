"""The value model against the published CDNOW results, a simulated population, and a real holdout."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import check_grad

from portraits import value_model as vm
from portraits.errors import PortraitError

from .population import bgnbd_histories

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cdnow_orders():
    raw = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "cds", "amount"])
    raw["placed_at"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d", utc=True)
    return raw


@pytest.fixture(scope="module")
def online_retail():
    invoices = pd.read_csv(DATA / "online_retail_invoices.csv.gz", dtype={"InvoiceNo": str, "CustomerID": str})
    kept = invoices[(invoices["CustomerID"] != "(blank)") & ~invoices["InvoiceNo"].str.startswith("C")
                    & (invoices["Quantity"] > 0)]
    return pd.DataFrame({
        "customer_id": kept["CustomerID"].astype(int).to_numpy(),
        "placed_at": pd.to_datetime(kept["InvoiceDate"], format="%m/%d/%Y %H:%M", utc=True).to_numpy(),
        "amount": (kept["Quantity"] * kept["UnitPrice"]).to_numpy(),
    })


def test_bgnbd_reproduces_the_published_cdnow_fit():
    summary = pd.read_csv(DATA / "cdnow_customers_summary.csv")
    model = vm.bgnbd_fit(summary["frequency"], summary["recency"], summary["T"])
    # Fader, Hardie & Lee (2005), published to three decimals: within half a unit of the third decimal plus
    # what the summary's two-decimal rounding of t_x and T moves.
    assert model.r == pytest.approx(0.243, abs=1e-3)
    assert model.alpha == pytest.approx(4.414, abs=1e-3)
    assert model.a == pytest.approx(0.793, abs=1e-3)
    assert model.b == pytest.approx(2.426, abs=1e-3)
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    assert model.n_customers == 2357


def test_gamma_gamma_reproduces_the_published_cdnow_fit():
    summary = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    model = vm.gamma_gamma_fit(summary["x"], summary["zbar"])
    assert model.n_customers == 946
    # Published p 6.25, q 3.74, γ 15.44: within 0.1%; the fit is at least as likely as the published values.
    assert model.p == pytest.approx(6.25, rel=1e-3)
    assert model.q == pytest.approx(3.74, rel=2e-3)
    assert model.gamma == pytest.approx(15.44, rel=1e-3)
    repeaters = summary[summary["x"] > 0]
    x, m = repeaters["x"].to_numpy(float), repeaters["zbar"].to_numpy(float)
    published, _ = vm._gamma_gamma_loglik_and_grad(
        np.array([6.25, 3.74, 15.44]), x, m, np.log(m), np.log(x), np.ones(len(x)), *np.unique(x, return_inverse=True)
    )
    assert model.log_likelihood >= published - 1e-6


def test_summary_of_the_raw_cdnow_transactions_is_the_published_summary(cdnow_orders):
    calibration = cdnow_orders[cdnow_orders["placed_at"] <= "1997-09-30"]
    summary = vm.purchase_summary(calibration, as_of="1997-09-30", unit_days=7)
    published = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv").set_index("ID")
    assert summary.index.tolist() == published.index.tolist()
    assert summary["x"].tolist() == published["x"].tolist()
    # The published file rounds weeks and dollars to two decimals (half a cent, plus float noise).
    half = 0.005 + 1e-9
    assert np.abs(summary["t_x"] - published["t_x"]).max() <= half
    assert np.abs(summary["T"] - published["T"]).max() <= half
    assert np.abs(summary["m_x"].fillna(0) - published["zbar"]).max() <= half


def test_known_parameters_are_recovered_from_a_simulated_population():
    true = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    histories = bgnbd_histories(60_000, **true, p=6.0, q=4.0, gamma=15.0, T_range=(26, 52), seed=11)
    model = vm.bgnbd_fit(histories["x"], histories["t_x"], histories["T"])
    spend = vm.gamma_gamma_fit(histories["x"], histories["m_x"])
    # Tolerances about three standard errors at this size (from repeated simulations): the rate and the
    # mean drop-out probability are pinned tightly, their shapes a and b less so.
    assert model.r == pytest.approx(true["r"], rel=0.08)
    assert model.alpha == pytest.approx(true["alpha"], rel=0.10)
    assert model.a == pytest.approx(true["a"], rel=0.20)
    assert model.b == pytest.approx(true["b"], rel=0.25)
    assert model.r / model.alpha == pytest.approx(true["r"] / true["alpha"], rel=0.04)
    assert model.a / (model.a + model.b) == pytest.approx(true["a"] / (true["a"] + true["b"]), rel=0.05)
    assert spend.p == pytest.approx(6.0, rel=0.08)
    assert spend.q == pytest.approx(4.0, rel=0.08)
    assert spend.gamma == pytest.approx(15.0, rel=0.12)
    assert spend.mean_spend == pytest.approx(6.0 * 15.0 / 3.0, rel=0.05)


def test_expected_purchases_match_a_simulated_holdout():
    true = vm.BgNbd(r=0.25, alpha=4.0, a=0.8, b=2.5, log_likelihood=0.0, n_customers=0)
    histories = bgnbd_histories(60_000, **true.params(), p=6.0, q=4.0, gamma=15.0, T_range=(26, 52), holdout=39,
                                seed=12)
    expected = vm.bgnbd_expected_purchases(true, 39, histories["x"], histories["t_x"], histories["T"])
    # Eq. (10) with the true parameters against what the simulated customers then did.
    assert expected.sum() == pytest.approx(histories["holdout_x"].sum(), rel=0.04)
    by_frequency = pd.DataFrame({"x": np.minimum(histories["x"], 5), "expected": expected,
                                 "actual": histories["holdout_x"]}).groupby("x").mean()
    assert np.allclose(by_frequency["expected"], by_frequency["actual"], rtol=0.08)


def test_online_retail_holdout_is_predicted_within_tolerance(online_retail):
    calibration_end = pd.Timestamp("2011-06-08 23:59", tz="UTC")
    calibration = online_retail[online_retail["placed_at"] <= calibration_end]
    summary = vm.purchase_summary(calibration, as_of=calibration_end)
    model = vm.bgnbd_fit(summary["x"], summary["t_x"], summary["T"])
    horizon = 184  # 2011-06-09 .. 2011-12-09
    predicted = vm.bgnbd_expected_purchases(model, horizon, summary["x"], summary["t_x"], summary["T"])
    later = online_retail[(online_retail["placed_at"] > calibration_end) & online_retail["customer_id"].isin(summary.index)]
    actual = (
        later.assign(day=later["placed_at"].dt.floor("D")).drop_duplicates(["customer_id", "day"])
        .groupby("customer_id").size().reindex(summary.index, fill_value=0)
    )
    assert len(summary) == 2787 and actual.sum() == 6867

    # Over all customers: within 15% (the model has no seasonality and the holdout ends with Christmas;
    # it predicts 10% fewer purchases than were made).
    assert predicted.sum() == pytest.approx(actual.sum(), rel=0.15)
    # By calibration frequency (0..6, 7+), each group of 30 customers or more: the mean within 30%.
    table = pd.DataFrame({"group": np.minimum(summary["x"], 7), "predicted": predicted, "actual": actual})
    groups = table.groupby("group").agg(n=("actual", "size"), predicted=("predicted", "mean"), actual=("actual", "mean"))
    groups = groups[groups["n"] >= 30]
    assert len(groups) == 8
    assert ((groups["predicted"] - groups["actual"]).abs() <= 0.30 * groups["actual"]).all(), groups
    # And per customer it beats extrapolating each customer's own calibration rate.
    naive = summary["x"] / summary["T"].clip(lower=1) * horizon
    assert np.abs(predicted - actual).mean() < np.abs(naive - actual).mean()


def test_analytic_gradients_agree_with_finite_differences():
    histories = bgnbd_histories(500, r=0.3, alpha=5.0, a=0.9, b=2.0, p=5.0, q=3.0, gamma=10.0, T_range=(20, 40), seed=3)
    x, t_x, T = (histories[c].to_numpy(float) for c in ("x", "t_x", "T"))
    ux, xi = np.unique(x, return_inverse=True)
    weights = np.ones(len(x))
    point = np.array([0.4, 6.0, 1.2, 2.5])
    error = check_grad(lambda p: vm._bgnbd_loglik_and_grad(p, x, t_x, T, weights, ux, xi)[0],
                       lambda p: vm._bgnbd_loglik_and_grad(p, x, t_x, T, weights, ux, xi)[1], point)
    assert error < 1e-4 * np.abs(vm._bgnbd_loglik_and_grad(point, x, t_x, T, weights, ux, xi)[1]).max()
    keep = x > 0
    xs, m = x[keep], histories["m_x"].to_numpy(float)[keep]
    uxs, xis = np.unique(xs, return_inverse=True)
    args = (xs, m, np.log(m), np.log(xs), np.ones(len(xs)), uxs, xis)
    spot = np.array([4.0, 3.5, 12.0])
    error = check_grad(lambda p: vm._gamma_gamma_loglik_and_grad(p, *args)[0],
                       lambda p: vm._gamma_gamma_loglik_and_grad(p, *args)[1], spot)
    assert error < 1e-4 * np.abs(vm._gamma_gamma_loglik_and_grad(spot, *args)[1]).max()
    assert vm.bgnbd_log_likelihood(point, x, t_x, T).sum() == pytest.approx(
        vm._bgnbd_loglik_and_grad(point, x, t_x, T, weights, ux, xi)[0])


def test_customer_value_on_cdnow_orders(cdnow_orders):
    calibration = cdnow_orders[cdnow_orders["placed_at"] <= "1997-09-30"]
    value = vm.customer_value(calibration, as_of="1997-09-30", horizon_days=365)
    table = value.table
    assert len(table) == 2357 and (table["expected_purchases"] >= 0).all()
    assert table["p_alive"].between(0, 1).all()
    # A customer with no repeat purchase is worth the population's mean purchase value.
    summary = vm.purchase_summary(calibration, as_of="1997-09-30")
    one_time = summary.index[summary["x"] == 0]
    assert np.allclose(table.loc[one_time, "expected_spend"], value.gamma_gamma.mean_spend)
    # Fitted in days, the parameters are the weekly ones rescaled: α in days is 7 × α in weeks.
    weekly = vm.customer_value(calibration, as_of="1997-09-30", horizon_days=365, unit_days=7)
    assert value.bgnbd.alpha == pytest.approx(7 * weekly.bgnbd.alpha, rel=1e-3)
    assert value.bgnbd.r == pytest.approx(weekly.bgnbd.r, rel=1e-3)
    assert np.allclose(table["expected_value"], weekly.table["expected_value"], rtol=1e-3)


def test_expected_spend_formula_on_a_hand_example():
    model = vm.GammaGamma(p=6.0, q=4.0, gamma=15.0, log_likelihood=0.0, n_customers=0)
    # p (γ + x m) / (p x + q - 1): 6 (15 + 2 × 40) / (12 + 3) = 38; no repeat: p γ / (q - 1) = 30.
    assert vm.gamma_gamma_expected_spend(model, [2, 0], [40.0, np.nan]).tolist() == pytest.approx([38.0, 30.0])
    with pytest.raises(PortraitError, match="too spread out"):
        vm.gamma_gamma_expected_spend(vm.GammaGamma(1.0, 0.9, 1.0, 0.0, 0), [1], [1.0])


def test_histories_that_cannot_be_modelled_are_clear_errors():
    with pytest.raises(PortraitError, match="too few customers with repeat purchases"):
        vm.gamma_gamma_fit([0, 0, 1], [np.nan, np.nan, 5.0])
    with pytest.raises(PortraitError, match="t_x <= T"):
        vm.bgnbd_fit([1], [5.0], [3.0])
