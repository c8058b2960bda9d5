"""Customer value: expected purchases and spend over a horizon, by BG/NBD and Gamma-Gamma.

Pure numpy / scipy, fitted by maximum likelihood (L-BFGS-B on the log of the
parameters, analytic gradients).

- BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way",
  Marketing Science 24(2)): while alive a customer buys at a Poisson rate
  λ ~ Gamma(r, α); after each repeat purchase they drop out with probability
  p ~ Beta(a, b). :func:`bgnbd_fit` maximises eq. (6) of the paper;
  :func:`bgnbd_expected_purchases` is eq. (10), the expected purchases in the
  next ``t`` time units of a customer with history (x, t_x, T);
  :func:`bgnbd_p_alive` the probability they are still a customer.
- Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value
  curves", Journal of Marketing Research 42(4)): a customer's purchase values
  are Gamma(p, ν) with ν ~ Gamma(q, γ); fitted on the customers with at least
  one repeat purchase and a positive mean repeat value;
  :func:`gamma_gamma_expected_spend` is the conditional expected value of a
  purchase, ``p (γ + x m) / (p x + q - 1)`` (the population mean ``p γ /
  (q - 1)`` for customers with no repeat purchase).

Checked against the paper on the CDNOW sample (see
``portraits/tests/data/README.md``): r 0.243, α 4.414, a 0.793, b 2.426 and
p 6.25, q 3.74, γ 15.44.

Input contract
--------------
:func:`purchase_summary` reads the ``orders`` frame of
:mod:`portraits.features` (``customer_id``, ``placed_at``, ``amount``,
optional ``refunded``; guest orders left out). A *purchase* is a customer's
UTC calendar day with at least one order (two orders on one day are one
purchase, valued at their net sum). Per customer, in time units of
``unit_days`` days:

- ``x``: repeat purchases (purchase days after the first),
- ``t_x``: time from the first to the last purchase,
- ``T``: time from the first purchase to the as-of date (calendar days, as
  ``recency_days`` in features),
- ``m_x``: mean net value of the repeat purchases (NaN when ``x`` is 0).

:func:`customer_value` returns, per customer, ``expected_purchases`` and
``expected_value`` (base currency, not discounted, before margin) over the
next ``horizon_days``, ``p_alive`` and ``expected_spend`` per purchase.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import digamma, gammaln, hyp2f1

from .errors import PortraitError
from .features import customer_index, identified, numbers, require_columns, utc_days, utc_nanoseconds, utc_timestamp

HORIZON_DAYS = 365
# The four (and three) population parameters are estimated on at most this many customers, drawn with
# FIT_SEED; every customer is then valued with them. 50,000 histories pin the parameters far more tightly
# than the models fit any real shop.
FIT_SAMPLE = 50_000
FIT_SEED = 0
SUMMARY_COLUMNS = ("x", "t_x", "T", "m_x")


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int

    def params(self) -> dict:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int

    def params(self) -> dict:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}

    @property
    def mean_spend(self) -> float:
        """Population mean value of a purchase, ``p γ / (q - 1)`` (needs q > 1)."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")


@dataclass
class CustomerValue:
    table: pd.DataFrame  # index customer_id: expected_purchases, expected_value, p_alive, expected_spend
    bgnbd: BgNbd
    gamma_gamma: GammaGamma
    horizon_days: int
    unit_days: float

    def metrics(self) -> dict:
        return {
            "horizon_days": self.horizon_days,
            "unit_days": self.unit_days,
            "bgnbd": {**{k: round(v, 6) for k, v in self.bgnbd.params().items()},
                      "log_likelihood": round(self.bgnbd.log_likelihood, 3), "customers": self.bgnbd.n_customers},
            "gamma_gamma": {**{k: round(v, 6) for k, v in self.gamma_gamma.params().items()},
                            "log_likelihood": round(self.gamma_gamma.log_likelihood, 3),
                            "customers": self.gamma_gamma.n_customers},
        }


def purchase_summary(orders: pd.DataFrame, *, as_of, unit_days: float = 1.0) -> pd.DataFrame:
    """(x, t_x, T, m_x) per identified customer, from one row per order (see the module docstring)."""
    require_columns(orders, ("customer_id", "placed_at", "amount"), what="orders")
    orders = identified(orders)
    if orders.empty:
        raise PortraitError("no orders of identified customers: there is no purchase history to model")
    codes, customers = customer_index(orders["customer_id"])
    n = len(customers)
    stamps = utc_nanoseconds(orders["placed_at"])
    as_of = utc_timestamp(as_of)
    if (stamps > as_of.value).any():
        raise PortraitError(f"{int((stamps > as_of.value).sum())} order(s) are placed after the 'as of' date")
    days = utc_days(stamps)
    as_of_day = int(utc_days(np.array([as_of.value]))[0])
    net = numbers(orders, "amount", what="orders") - numbers(orders, "refunded", what="orders", default=0.0)

    span = int(days.max() - days.min()) + 1
    keys, inverse = np.unique(codes * span + (days - days.min()), return_inverse=True)
    day_value = np.bincount(inverse, weights=net, minlength=len(keys))
    day_customer = keys // span
    day_number = keys % span + days.min()
    purchases = np.bincount(day_customer, minlength=n)
    first_index = np.r_[0, np.cumsum(purchases)[:-1]]
    last_index = first_index + purchases - 1
    first_day, last_day = day_number[first_index], day_number[last_index]
    x = purchases - 1
    repeat_value = np.bincount(day_customer, weights=day_value, minlength=n) - day_value[first_index]
    with np.errstate(invalid="ignore", divide="ignore"):
        m_x = np.where(x > 0, repeat_value / np.maximum(x, 1), np.nan)
    return pd.DataFrame(
        {
            "x": x.astype(np.int64),
            "t_x": (last_day - first_day) / unit_days,
            "T": (as_of_day - first_day) / unit_days,
            "m_x": m_x,
        },
        index=customers,
    )


def _check_history(x, t_x, T):
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    if len(x) == 0:
        raise PortraitError("no customers to fit the purchase model on")
    if (x < 0).any() or (t_x < 0).any() or (t_x > T + 1e-9).any() or ((x == 0) & (t_x > 0)).any():
        raise PortraitError("purchase histories must have x >= 0 and 0 <= t_x <= T (t_x = 0 when x = 0)")
    return x, t_x, T


def _bgnbd_loglik_and_grad(params, x, t_x, T, weights, ux, xi):
    r, alpha, a, b = params
    has = x > 0
    rx = r + x
    log_a_T, log_a_t = np.log(alpha + T), np.log(alpha + t_x)
    a1 = (gammaln(r + ux) - gammaln(r))[xi] + r * np.log(alpha)
    a2 = (gammaln(a + b) + gammaln(b + ux) - gammaln(b) - gammaln(a + b + ux))[xi]
    l3 = -rx * log_a_T
    b_x = np.where(has, b + x - 1, 1.0)
    l4 = np.where(has, np.log(a) - np.log(b_x) - rx * log_a_t, -np.inf)
    mixed = np.logaddexp(l3, l4)
    ll = a1 + a2 + mixed
    w = np.exp(l4 - mixed)  # weight of the "dropped out after the last purchase" term
    d_r = (digamma(r + ux) - digamma(r))[xi] + np.log(alpha) - (1 - w) * log_a_T - w * log_a_t
    d_alpha = r / alpha - (1 - w) * rx / (alpha + T) - w * rx / (alpha + t_x)
    d_a = (digamma(a + b) - digamma(a + b + ux))[xi] + w / a
    d_b = (digamma(a + b) + digamma(b + ux) - digamma(b) - digamma(a + b + ux))[xi] - np.where(has, w / b_x, 0.0)
    grad = np.array([weights @ d_r, weights @ d_alpha, weights @ d_a, weights @ d_b])
    return float(weights @ ll), grad


def bgnbd_log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood of BG/NBD ``params`` = (r, α, a, b) (FHL 2005, eq. 6)."""
    x, t_x, T = _check_history(x, t_x, T)
    ux, xi = np.unique(x, return_inverse=True)
    r, alpha, a, b = params
    has = x > 0
    rx = r + x
    a1 = (gammaln(r + ux) - gammaln(r))[xi] + r * np.log(alpha)
    a2 = (gammaln(a + b) + gammaln(b + ux) - gammaln(b) - gammaln(a + b + ux))[xi]
    l3 = -rx * np.log(alpha + T)
    l4 = np.where(has, np.log(a) - np.log(np.where(has, b + x - 1, 1.0)) - rx * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(l3, l4)


def _maximise(objective, start: np.ndarray, what: str) -> tuple[np.ndarray, float]:
    def negative(log_params):
        params = np.exp(log_params)
        value, grad = objective(params)
        return -value, -grad * params

    result = optimize.minimize(
        negative, np.log(start), jac=True, method="L-BFGS-B",
        bounds=[(-12.0, 12.0)] * len(start), options={"maxiter": 1000, "gtol": 1e-6},
    )
    if not np.isfinite(result.fun):
        raise PortraitError(f"the {what} model could not be fitted: {result.message}")
    return np.exp(result.x), -float(result.fun)


def bgnbd_fit(x, t_x, T, *, weights=None) -> BgNbd:
    """Maximum-likelihood BG/NBD parameters for histories (x, t_x, T); ``weights`` counts identical histories."""
    x, t_x, T = _check_history(x, t_x, T)
    weights = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    ux, xi = np.unique(x, return_inverse=True)
    rate = (weights @ (x + 1)) / max(float(weights @ T), 1e-9)
    start = np.array([1.0, 1.0 / max(rate, 1e-9), 1.0, 1.0])
    params, ll = _maximise(lambda p: _bgnbd_loglik_and_grad(p, x, t_x, T, weights, ux, xi), start, "purchase (BG/NBD)")
    r, alpha, a, b = (float(v) for v in params)
    return BgNbd(r=r, alpha=alpha, a=a, b=b, log_likelihood=ll, n_customers=int(round(weights.sum())))


def bgnbd_p_alive(model: BgNbd, x, t_x, T) -> np.ndarray:
    """Probability that each customer is still a customer at T (FHL 2005, eq. 13)."""
    x, t_x, T = _check_history(x, t_x, T)
    has = x > 0
    log_ratio = (model.r + x) * (np.log(model.alpha + T) - np.log(model.alpha + t_x))
    odds = np.where(has, model.a / np.where(has, model.b + x - 1, 1.0) * np.exp(np.minimum(log_ratio, 700)), 0.0)
    return 1.0 / (1.0 + odds)


def bgnbd_expected_purchases(model: BgNbd, t: float, x, t_x, T) -> np.ndarray:
    """Expected purchases in (T, T + t] of customers with histories (x, t_x, T) (FHL 2005, eq. 10).

    The hypergeometric term depends only on (x, T): it is computed once per
    distinct pair.
    """
    x, t_x, T = _check_history(x, t_x, T)
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    t_codes, t_values = pd.factorize(T)
    keys = x.astype(np.int64) * len(t_values) + t_codes
    inverse, pair_keys = pd.factorize(keys)
    px = (pair_keys // len(t_values)).astype(float)
    pT = np.asarray(t_values, dtype=float)[pair_keys % len(t_values)]
    z = t / (alpha + pT + t)
    hyper = hyp2f1(r + px, b + px, a + b + px - 1, z)
    head = (a + b + px - 1) / (a - 1)
    tail = 1 - np.exp((r + px) * (np.log(alpha + pT) - np.log(alpha + pT + t))) * hyper
    numerator = (head * tail)[inverse]
    return numerator * bgnbd_p_alive(model, x, t_x, T)


def _gamma_gamma_loglik_and_grad(params, x, m, log_m, log_x, weights, ux, xi):
    p, q, g = params
    px = p * x
    log_gxm = np.log(g + x * m)
    lgamma_pxq, lgamma_px = gammaln(p * ux + q)[xi], gammaln(p * ux)[xi]
    psi_pxq, psi_px = digamma(p * ux + q)[xi], digamma(p * ux)[xi]
    ll = lgamma_pxq - lgamma_px - gammaln(q) + q * np.log(g) + (px - 1) * log_m + px * log_x - (px + q) * log_gxm
    d_p = x * (psi_pxq - psi_px + log_m + log_x - log_gxm)
    d_q = psi_pxq - digamma(q) + np.log(g) - log_gxm
    d_g = q / g - (px + q) / (g + x * m)
    return float(weights @ ll), np.array([weights @ d_p, weights @ d_q, weights @ d_g])


def gamma_gamma_fit(x, m_x, *, weights=None) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma (p, q, γ) on customers with x >= 1 repeat purchases of mean value m_x > 0."""
    x, m = np.asarray(x, dtype=float), np.asarray(m_x, dtype=float)
    weights = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    keep = (x > 0) & np.isfinite(m) & (m > 0)
    x, m, weights = x[keep], m[keep], weights[keep]
    if len(x) < 3:
        raise PortraitError(f"too few customers with repeat purchases to model spend (found {len(x)}, need 3)")
    mean, var = float(m.mean()), float(m.var())
    start = np.array([max(mean**2 / var, 0.5) if var > 0 else 1.0, 3.0, max(mean, 1e-6)])
    ux, xi = np.unique(x, return_inverse=True)
    log_m, log_x = np.log(m), np.log(x)
    params, ll = _maximise(
        lambda prm: _gamma_gamma_loglik_and_grad(prm, x, m, log_m, log_x, weights, ux, xi), start, "spend (Gamma-Gamma)"
    )
    p, q, g = (float(v) for v in params)
    return GammaGamma(p=p, q=q, gamma=g, log_likelihood=ll, n_customers=int(round(weights.sum())))


def gamma_gamma_expected_spend(model: GammaGamma, x, m_x) -> np.ndarray:
    """Expected value of a customer's next purchase given x repeat purchases of mean value m_x."""
    if model.q <= 1:
        raise PortraitError(
            f"purchase values are too spread out to give a mean (Gamma-Gamma q = {model.q:.3f} <= 1)"
        )
    x, m = np.asarray(x, dtype=float), np.asarray(m_x, dtype=float)
    usable = (x > 0) & np.isfinite(m) & (m > 0)
    conditional = model.p * (model.gamma + x * np.where(usable, m, 0.0)) / (model.p * x + model.q - 1)
    return np.where(usable, conditional, model.mean_spend)


def customer_value(
    orders: pd.DataFrame, *, as_of, horizon_days: int = HORIZON_DAYS, unit_days: float = 1.0,
    fit_sample: int | None = FIT_SAMPLE, seed: int = FIT_SEED,
) -> CustomerValue:
    """Fit both models on ``orders`` and value every identified customer over ``horizon_days``."""
    summary = purchase_summary(orders, as_of=as_of, unit_days=unit_days)
    return customer_value_from_summary(
        summary, horizon_days=horizon_days, unit_days=unit_days, fit_sample=fit_sample, seed=seed
    )


def customer_value_from_summary(
    summary: pd.DataFrame, *, horizon_days: int = HORIZON_DAYS, unit_days: float = 1.0,
    fit_sample: int | None = FIT_SAMPLE, seed: int = FIT_SEED,
) -> CustomerValue:
    """Fit both models on (a fixed sample of) ``summary`` and value every customer in it."""
    x, t_x, T, m_x = (summary[c].to_numpy(dtype=float) for c in SUMMARY_COLUMNS)
    fit = np.arange(len(x))
    if fit_sample is not None and len(x) > fit_sample:
        fit = np.sort(np.random.default_rng(seed).choice(len(x), size=fit_sample, replace=False))
    bgnbd = bgnbd_fit(x[fit], t_x[fit], T[fit])
    gamma_gamma = gamma_gamma_fit(x[fit], m_x[fit])
    purchases = bgnbd_expected_purchases(bgnbd, horizon_days / unit_days, x, t_x, T)
    spend = gamma_gamma_expected_spend(gamma_gamma, x, m_x)
    table = pd.DataFrame(
        {
            "expected_purchases": purchases,
            "expected_value": purchases * spend,
            "p_alive": bgnbd_p_alive(bgnbd, x, t_x, T),
            "expected_spend": spend,
        },
        index=summary.index,
    )
    return CustomerValue(table=table, bgnbd=bgnbd, gamma_gamma=gamma_gamma, horizon_days=horizon_days, unit_days=unit_days)
