"""State-space poll model with house effects, after Jackman (2005).

Model
-----
True opinion :math:`\\xi_t` is a random walk over days,
:math:`\\xi_t = \\xi_{t-1} + \\eta_t`, :math:`\\eta_t \\sim N(0, \\sigma_w^2)`. Poll
:math:`p` of pollster :math:`j` observes it on its field-period midpoint :math:`t`:

.. math:: y_p = \\xi_t + \\delta_j + e_p, \\qquad
          \\operatorname{Var}(e_p) = V_p = \\frac{y_p (100 - y_p)}{n_p} + \\sigma_{ns}^2 ,

with the binomial sampling variance in percent units (unknown sizes: the stand-in
:data:`~pollservice.stats.validation.UNKNOWN_SAMPLE_SIZE`) plus non-sampling error
:math:`\\sigma_{ns}`. House effects :math:`\\delta_j \\sim N(0, \\tau^2)` are centred:
:math:`\\sum_j c_j \\delta_j = 0` with :math:`c_j \\propto n_j / (n_j + 5)` for a pollster with
:math:`n_j` polls (:func:`centring_weights`), so every established pollster counts once and
a one-off poll hardly moves the centre. The line is the opinion the *average pollster*
would measure, not the truth, which polls cannot identify.

Computation
-----------
House effects are kept out of the state vector (its cost would grow with the square of the
number of pollsters). The polls of one day are combined into one inverse-variance weighted
observation :math:`\\tilde y_t` with variance :math:`R_t = 1 / \\sum_p V_p^{-1}`, giving a
local-level model with time-varying observation variance, and the fit alternates:

1. :math:`\\sigma_w` and :math:`\\sigma_{ns}` by maximum likelihood with statsmodels'
   state-space machinery (:class:`PollLevelModel`, an ``MLEModel`` subclass), given the
   house effects. The likelihood is the exact likelihood of all polls: the Kalman-filter
   likelihood of the daily combinations plus the closed-form likelihood of the polls'
   deviations from their day's combination.
2. The house effects given the variances, exactly: the generalised least-squares / BLUP
   solution under the random walk, computed by running the filter over each pollster's
   daily share (an augmented Kalman filter, de Jong 1991) plus the within-day contrasts,
   with the centring constraint imposed through a bordered system. This gives their
   posterior covariance too. Pollsters with one or two polls are shrunk towards zero by
   the prior; :math:`\\tau` is updated by an EM step and kept within ``house_sd_bounds``.

A few rounds (warm-started) converge. The line is then the statsmodels smoother
(retrospective) or the filtered state (real time) of the house-adjusted daily
observations, and its variance is the smoother's (or filter's) variance **plus**
:math:`a_t^\\top \\operatorname{Cov}(\\hat\\delta) a_t`, where :math:`a_t` is the weight of each
pollster's house effect in the day's estimate: the uncertainty of the house effects enters
the band (law of total variance; exact for given variances).

Real time: each day's value is the filtered state from the polls that ended by that day.
Variances and house effects are refitted on the polls ended by each refit day, every
``realtime_refit_days`` (default 7) days; between refits the day's polls are filtered with
the last refit's parameters, and a pollster first seen after the refit gets house effect 0
with variance :math:`\\tau^2`. The real-time line is centred on the pollsters known that
day, so when a pollster that differs from the rest appears later, the retrospective line
(centred on all pollsters) moves by its share of the centre.

References
----------
Jackman, S. (2005). Pooling the polls over an election campaign. Australian Journal of
Political Science, 40(4), 499-517.

de Jong, P. (1991). The diffuse Kalman filter. Annals of Statistics, 19(2), 1073-1083.

Durbin, J. and Koopman, S. J. (2012). Time Series Analysis by State Space Methods, 2nd ed.
Oxford University Press.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.statespace.mlemodel import MLEModel

from .intervals import Z95, PointEstimate
from .validation import PollTable

__all__ = [
    "KalmanFit",
    "KalmanParams",
    "PollLevelModel",
    "fit_kalman",
    "kalman_at",
    "kalman_house_effects",
    "kalman_trend",
]


@dataclass(frozen=True)
class KalmanParams:
    """Parameters of the ``kalman`` method.

    Attributes
    ----------
    walk_sd, nonsampling_sd : float or None
        Fix the daily random-walk standard deviation or the non-sampling error (points)
        instead of estimating them by maximum likelihood (default None: estimate).
    walk_sd_start, nonsampling_sd_start : float
        Starting values of the maximum-likelihood search, and the values used when there
        are too few polls to estimate them (fewer than ``min_polls_for_mle`` polls or
        fewer than 3 poll days). Defaults 0.2 and 1.5.
    walk_sd_bounds, nonsampling_sd_bounds : tuple of float
        The estimates are kept inside these bounds (the optimiser works on a logistic
        transform). Defaults (0.1, 2.0) and (0.0, 8.0). The maximum-likelihood estimate of
        a random-walk variance piles up near zero on sparse series (it did so on simulated
        series with 0.2 true, leaving the real-time band too narrow); a floor of 0.1 point
        per day (about 1 point per 100 days) keeps the band honest across gaps and early on.
    house_sd_start, house_sd_bounds : float, tuple of float
        Prior standard deviation of house effects, tau: start and bounds of its EM
        estimate. Defaults 2.0 and (0.5, 6.0).
    house_effects : bool
        Estimate house effects (default True); False fits the random walk alone.
    max_rounds : int
        Maximum rounds of (variances, house effects) alternation. Default 6.
    tolerance : float
        Stop when no house effect or standard deviation moves by more than this. Default
        0.01 points.
    min_polls_for_mle : int
        Fewest polls for which the variances are estimated. Default 30.
    realtime_refit_days : int
        Refit cadence of the real-time line, days. Default 7.
    warm_rounds : int
        Rounds of a refit that starts from the previous refit (real-time line). Default 2.
    centre_half_count : float
        House effects are centred to a weighted sum of zero with pollster weights
        ``n / (n + centre_half_count)`` (see :func:`centring_weights`). Default 5.
    """

    walk_sd: float | None = None
    nonsampling_sd: float | None = None
    walk_sd_start: float = 0.2
    nonsampling_sd_start: float = 1.5
    walk_sd_bounds: tuple[float, float] = (0.1, 2.0)
    nonsampling_sd_bounds: tuple[float, float] = (0.0, 8.0)
    house_sd_start: float = 2.0
    house_sd_bounds: tuple[float, float] = (0.5, 6.0)
    house_effects: bool = True
    max_rounds: int = 6
    tolerance: float = 0.01
    min_polls_for_mle: int = 30
    realtime_refit_days: int = 7
    warm_rounds: int = 2
    centre_half_count: float = 5.0


# --------------------------------------------------------------------------------------
# Polls arranged by day
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DayPolls:
    """Polls sorted by midpoint day, with segment starts for per-day sums."""

    first_day: int
    n_days: int
    day: np.ndarray  # 0-based grid day of each poll, sorted
    starts: np.ndarray  # index of the first poll of each observed day
    obs_day: np.ndarray  # grid day of each observed day
    day_of_poll: np.ndarray  # observed-day number of each poll
    y: np.ndarray
    v: np.ndarray  # sampling variance
    pollster: np.ndarray
    n_pollsters: int
    rows: np.ndarray  # row of each sorted poll in the PollTable


def _arrange(table: PollTable) -> _DayPolls:
    mid = table.mid_day
    order = np.argsort(mid, kind="stable")
    first = int(mid[order[0]])
    day = (mid[order] - first).astype(np.int64)
    new_day = np.r_[True, day[1:] != day[:-1]]
    starts = np.flatnonzero(new_day)
    return _DayPolls(
        first_day=first,
        n_days=int(day[-1]) + 1,
        day=day,
        starts=starts,
        obs_day=day[starts],
        day_of_poll=np.cumsum(new_day) - 1,
        y=table.pct[order],
        v=table.sampling_var[order],
        pollster=table.pollster[order],
        n_pollsters=table.n_pollsters,
        rows=order,
    )


def _combine_values(dp: _DayPolls, adjusted, nonsampling_var):
    """Inverse-variance weights, daily precision and daily weighted means of ``adjusted``.

    Written with ufuncs only, so it also works on complex values (complex-step
    derivatives in the likelihood maximisation).
    """
    w = 1.0 / (dp.v + nonsampling_var)
    precision = np.add.reduceat(w, dp.starts)
    mean = np.add.reduceat(w * adjusted, dp.starts) / precision
    return w, precision, mean


def _combine(dp: _DayPolls, nonsampling_var, delta: np.ndarray | None = None):
    """As :func:`_combine_values` for the polls minus house effects ``delta``."""
    y = dp.y if delta is None else dp.y - delta[dp.pollster]
    return _combine_values(dp, y, nonsampling_var)


# --------------------------------------------------------------------------------------
# statsmodels model for the variances
# --------------------------------------------------------------------------------------


def _to_bounded(u, bounds):
    lo, hi = bounds
    return lo + (hi - lo) / (1.0 + np.exp(-u))


def _from_bounded(x, bounds):
    lo, hi = bounds
    frac = np.clip((x - lo) / (hi - lo), 1e-6, 1.0 - 1e-6)
    return np.log(frac / (1.0 - frac))


class PollLevelModel(MLEModel):
    """Local-level model of daily combined polls, for maximum likelihood of the variances.

    Parameters
    ----------
    day_polls : _DayPolls
        Polls sorted by day (internal).
    adjusted : ndarray
        Poll values with house effects already subtracted, in ``day_polls`` order.
    walk_sd_bounds, nonsampling_sd_bounds : tuple of float
        Bounds of the two parameters.
    start : tuple of float
        Starting values (walk_sd, nonsampling_sd).

    Notes
    -----
    Parameters are ``walk_sd`` (daily random-walk sd) and ``nonsampling_sd``. The daily
    observation :math:`\\tilde y_t` is the inverse-variance weighted mean of the day's polls;
    its weights depend on ``nonsampling_sd``. statsmodels keeps one compiled copy of the
    data, so ``endog`` holds the daily means at the starting value and the time-varying
    ``obs_intercept`` carries the shift to the current value: the model is
    ``endog_t = (endog_t - ytilde_t) + xi_t + eps_t`` with ``Var(eps_t) = R_t``
    (time-varying ``obs_cov``), which is exactly ``ytilde_t = xi_t + eps_t``.
    :meth:`loglike` adds the closed-form likelihood of the polls' deviations from their
    day's mean, so the total is the likelihood of every poll, not only of the daily
    means. The state is initialised diffuse.
    """

    def __init__(self, day_polls: _DayPolls, adjusted, walk_sd_bounds, nonsampling_sd_bounds,
                 start):
        self._dp = day_polls
        self._adjusted = np.asarray(adjusted, dtype=float)
        self._bounds = (walk_sd_bounds, nonsampling_sd_bounds)
        self._start = np.asarray(start, dtype=float)
        _, _, reference = _combine_values(day_polls, self._adjusted, self._start[1] ** 2)
        endog = np.full(day_polls.n_days, np.nan)
        endog[day_polls.obs_day] = reference
        self._reference = reference
        super().__init__(endog, k_states=1, initialization="diffuse")
        self["design", 0, 0] = 1.0
        self["transition", 0, 0] = 1.0
        self["selection", 0, 0] = 1.0
        self["obs_cov"] = np.ones((1, 1, day_polls.n_days))
        self["obs_intercept"] = np.zeros((1, day_polls.n_days))
        self._contrast = 0.0

    @property
    def param_names(self):
        return ["walk_sd", "nonsampling_sd"]

    @property
    def start_params(self):
        return self._start.copy()

    def transform_params(self, unconstrained):
        unconstrained = np.asarray(unconstrained)
        return np.array(
            [_to_bounded(unconstrained[0], self._bounds[0]),
             _to_bounded(unconstrained[1], self._bounds[1])]
        )

    def untransform_params(self, constrained):
        constrained = np.asarray(constrained)
        return np.array(
            [_from_bounded(constrained[0], self._bounds[0]),
             _from_bounded(constrained[1], self._bounds[1])]
        )

    def update(self, params, **kwargs):
        params = super().update(params, **kwargs)
        dp = self._dp
        walk_var = params[0] ** 2
        w, precision, mean = _combine_values(dp, self._adjusted, params[1] ** 2)
        dtype = np.result_type(mean.dtype, float)
        obs_cov = np.ones(dp.n_days, dtype=dtype)
        obs_cov[dp.obs_day] = 1.0 / precision
        intercept = np.zeros(dp.n_days, dtype=dtype)
        intercept[dp.obs_day] = self._reference - mean
        self["state_cov", 0, 0] = walk_var
        self["obs_cov"] = obs_cov.reshape(1, 1, -1)
        self["obs_intercept"] = intercept.reshape(1, -1)
        # Log-likelihood of the polls' deviations from their day's weighted mean:
        # sum_p log N(y_p; ., V_p) minus the day's log N(ytilde; ., R) terms.
        resid = self._adjusted - mean[dp.day_of_poll]
        n_polls, n_obs_days = w.shape[0], precision.shape[0]
        self._contrast = 0.5 * (
            np.sum(np.log(w))
            - np.sum(np.log(precision))
            - np.sum(w * resid * resid)
            - (n_polls - n_obs_days) * np.log(2.0 * np.pi)
        )
        return params

    def loglike(self, params, *args, **kwargs):
        return super().loglike(params, *args, **kwargs) + self._contrast


# --------------------------------------------------------------------------------------
# Filter gains, house effects by GLS, weights
# --------------------------------------------------------------------------------------


def _gains(obs_day: np.ndarray, obs_var: np.ndarray, walk_var: float):
    """Kalman gains, innovation variances and filtered variances on the observed days.

    The first observed day has gain 1 and infinite innovation variance (diffuse start).
    """
    n = obs_day.shape[0]
    gain = np.empty(n)
    innov_var = np.empty(n)
    filt_var = np.empty(n)
    gain[0], innov_var[0], filt_var[0] = 1.0, np.inf, obs_var[0]
    gaps = np.diff(obs_day).astype(float) * walk_var
    p = obs_var[0]
    for i in range(1, n):
        pred = p + gaps[i - 1]
        f = pred + obs_var[i]
        k = pred / f
        p = pred * obs_var[i] / f
        gain[i], innov_var[i], filt_var[i] = k, f, p
    return gain, innov_var, filt_var


_BLOCK = 32


def _first_order_recursion(decay: np.ndarray, drive: np.ndarray) -> np.ndarray:
    """Solve ``a[i] = decay[i] * a[i - 1] + drive[i]`` (``a[-1] = 0``) without a day loop.

    ``decay`` holds values in [0, 1]; ``drive`` is (n,) or (n, m). Within blocks of
    :data:`_BLOCK` steps the solution is a lower-triangular matrix of products of
    ``decay``, formed from differences of cumulative log-sums so it neither overflows nor
    divides by zero; a short loop carries the state from block to block.
    """
    drive = np.asarray(drive, dtype=float)
    out = np.empty_like(drive)
    log_decay = np.log(np.maximum(decay, 1e-300))
    carry = np.zeros(drive.shape[1:])
    for lo in range(0, decay.shape[0], _BLOCK):
        hi = min(lo + _BLOCK, decay.shape[0])
        cum = np.cumsum(log_decay[lo:hi])
        diff = cum[:, None] - cum[None, :]
        weights = np.where(np.tri(hi - lo, dtype=bool), np.exp(np.minimum(diff, 0.0)), 0.0)
        block = weights @ drive[lo:hi]
        from_carry = np.exp(cum)
        if drive.ndim == 2:
            block += from_carry[:, None] * carry[None, :]
        else:
            block += from_carry * carry
        out[lo:hi] = block
        carry = block[-1]
    return out


def _shares(dp: _DayPolls, w: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Dense (observed days x pollsters) matrix of each pollster's share of the day."""
    shares = np.zeros((precision.shape[0], dp.n_pollsters))
    np.add.at(shares, (dp.day_of_poll, dp.pollster), w / precision[dp.day_of_poll])
    return shares


def centring_weights(n_polls: np.ndarray, half_count: float) -> np.ndarray:
    """Weights of the pollsters in the house-effect centring, summing to one.

    Pollster ``j`` with ``n_j`` polls weighs ``n_j / (n_j + half_count)``: every
    established pollster counts once, while one with a single poll, whose effect is barely
    known, hardly moves where "the average pollster" is. ``half_count = 0`` gives every
    pollster with polls the same weight.
    """
    n_polls = np.asarray(n_polls, dtype=float)
    weights = n_polls / (n_polls + half_count) if half_count > 0 else (n_polls > 0) * 1.0
    return weights / weights.sum()


def _house_gls(dp: _DayPolls, walk_var: float, nonsampling_var: float, house_var: float,
               centre: np.ndarray):
    """House effects (``centre @ delta = 0``) and their covariance given the variances."""
    w, precision, mean = _combine(dp, nonsampling_var)
    shares = _shares(dp, w, precision)
    gain, innov_var, _ = _gains(dp.obs_day, 1.0 / precision, walk_var)
    columns = np.column_stack([mean, shares])
    # Filtered state of every column (the daily means and each pollster's share series)
    # with the common gains; innovations are observation minus the previous state.
    state = _first_order_recursion(1.0 - gain, gain[:, None] * columns)
    innov = np.zeros_like(columns)
    innov[1:] = columns[1:] - state[:-1]
    scaled = innov[1:] / np.sqrt(innov_var[1:, None])
    e_share = scaled[:, 1:]
    e_y = scaled[:, 0]
    n_j = dp.n_pollsters
    by_pollster = np.bincount(dp.pollster, weights=w, minlength=n_j)
    normal = np.diag(by_pollster) - (shares * precision[:, None]).T @ shares
    normal += e_share.T @ e_share + np.eye(n_j) / house_var
    rhs = np.bincount(dp.pollster, weights=w * dp.y, minlength=n_j)
    rhs -= shares.T @ (precision * mean)
    rhs += e_share.T @ e_y
    bordered = np.zeros((n_j + 1, n_j + 1))
    bordered[:n_j, :n_j] = normal
    bordered[:n_j, n_j] = centre
    bordered[n_j, :n_j] = centre
    inverse = np.linalg.inv(bordered)
    cov = inverse[:n_j, :n_j]
    cov = 0.5 * (cov + cov.T)
    delta = cov @ rhs
    return delta - centre @ delta, cov


def _filter_weights(gain: np.ndarray) -> np.ndarray:
    """Weight of each observed day's observation in the filtered state of the last day."""
    # weight_i = K_i * prod_{l > i} (1 - K_l); the reverse cumulative product underflows
    # harmlessly to zero for long-past days.
    keep = np.cumprod(1.0 - gain[::-1])[::-1]
    later = np.r_[keep[1:], 1.0]
    return gain * later


# --------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KalmanFit:
    """Fitted variances and house effects (internal, reusable as a warm start)."""

    walk_sd: float
    nonsampling_sd: float
    house_sd: float
    pollster_names: np.ndarray
    delta: np.ndarray
    delta_cov: np.ndarray
    n_polls: np.ndarray


def _mle(dp: _DayPolls, adjusted, params: KalmanParams, start) -> tuple[float, float]:
    fixed = {}
    if params.walk_sd is not None:
        fixed["walk_sd"] = float(params.walk_sd)
    if params.nonsampling_sd is not None:
        fixed["nonsampling_sd"] = float(params.nonsampling_sd)
    enough = dp.y.shape[0] >= params.min_polls_for_mle and dp.obs_day.shape[0] >= 3
    if len(fixed) == 2 or not enough:
        return (fixed.get("walk_sd", start[0]), fixed.get("nonsampling_sd", start[1]))
    lo_w, hi_w = params.walk_sd_bounds
    lo_n, hi_n = params.nonsampling_sd_bounds
    start = (float(np.clip(start[0], lo_w * 1.01, hi_w * 0.99)),
             float(np.clip(start[1], lo_n + 1e-3, hi_n * 0.99)))
    model = PollLevelModel(dp, adjusted, params.walk_sd_bounds, params.nonsampling_sd_bounds,
                           start)
    with warnings.catch_warnings():
        # An L-BFGS run that stops at maxiter is still an improvement on its warm start;
        # the outer rounds refine it, so a ConvergenceWarning carries no information here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if fixed:
            with model.fix_params(fixed):
                # statsmodels returns the full parameter vector, fixed values included.
                result = model.fit(disp=False, maxiter=50, return_params=True,
                                   cov_type="none")
            return float(result[0]), float(result[1])
        result = model.fit(disp=False, maxiter=50, return_params=True, cov_type="none")
    return float(result[0]), float(result[1])


def fit_kalman(table: PollTable, params: KalmanParams, warm: KalmanFit | None = None) -> KalmanFit:
    """Estimate variances and house effects on all polls of ``table``.

    Parameters
    ----------
    table : PollTable
        Validated polls.
    params : KalmanParams
        Settings.
    warm : KalmanFit, optional
        An earlier fit (e.g. on fewer polls) to start from.

    Returns
    -------
    KalmanFit
    """
    dp = _arrange(table)
    n_j = table.n_pollsters
    names = table.pollster_names
    delta = np.zeros(n_j)
    walk_sd, ns_sd, house_sd = params.walk_sd_start, params.nonsampling_sd_start, \
        params.house_sd_start
    if warm is not None:
        walk_sd, ns_sd, house_sd = warm.walk_sd, warm.nonsampling_sd, warm.house_sd
        known = np.searchsorted(warm.pollster_names, names)
        known = np.clip(known, 0, max(warm.pollster_names.size - 1, 0))
        found = warm.pollster_names.size > 0
        hit = found & (warm.pollster_names[known] == names) if found else np.zeros(n_j, bool)
        delta[hit] = warm.delta[known[hit]]
    cov = np.zeros((n_j, n_j))
    centre = centring_weights(np.bincount(table.pollster, minlength=n_j),
                              params.centre_half_count)
    delta -= centre @ delta
    use_house = params.house_effects and n_j > 1
    lo_h, hi_h = params.house_sd_bounds
    rounds = params.max_rounds if warm is None else params.warm_rounds
    for _ in range(max(rounds, 1)):
        adjusted = dp.y - delta[dp.pollster]
        new_walk, new_ns = _mle(dp, adjusted, params, (walk_sd, ns_sd))
        if use_house:
            new_delta, cov = _house_gls(dp, new_walk**2, new_ns**2, house_sd**2, centre)
            # EM update of the prior variance of the house effects (n_j - 1 free effects).
            tau2 = (new_delta @ new_delta + np.trace(cov)) / (n_j - 1)
            new_house = float(np.clip(np.sqrt(tau2), lo_h, hi_h))
        else:
            new_delta, new_house = delta, house_sd
        change = max(
            abs(new_walk - walk_sd),
            abs(new_ns - ns_sd),
            abs(new_house - house_sd),
            float(np.max(np.abs(new_delta - delta))) if n_j else 0.0,
        )
        walk_sd, ns_sd, delta, house_sd = new_walk, new_ns, new_delta, new_house
        if change < params.tolerance:
            break
    return KalmanFit(
        walk_sd=walk_sd,
        nonsampling_sd=ns_sd,
        house_sd=house_sd,
        pollster_names=names,
        delta=delta,
        delta_cov=cov,
        n_polls=np.bincount(table.pollster, minlength=n_j),
    )


def _align(fit: KalmanFit, table: PollTable) -> tuple[np.ndarray, np.ndarray]:
    """House effects and covariance for ``table``'s pollsters (unseen ones: 0, tau^2)."""
    names = table.pollster_names
    n_j = names.size
    delta = np.zeros(n_j)
    cov = np.zeros((n_j, n_j))
    if fit.pollster_names.size:
        pos = np.clip(np.searchsorted(fit.pollster_names, names), 0,
                      fit.pollster_names.size - 1)
        hit = fit.pollster_names[pos] == names
    else:
        pos = np.zeros(n_j, dtype=np.int64)
        hit = np.zeros(n_j, dtype=bool)
    delta[hit] = fit.delta[pos[hit]]
    cov[np.ix_(hit, hit)] = fit.delta_cov[np.ix_(pos[hit], pos[hit])]
    unseen = np.flatnonzero(~hit)
    if fit.pollster_names.size > 1:
        cov[unseen, unseen] = fit.house_sd**2
    return delta, cov


# --------------------------------------------------------------------------------------
# Estimates
# --------------------------------------------------------------------------------------


def _filtered(table: PollTable, fit: KalmanFit, day: int):
    """Filtered estimate on ``day`` from all polls of ``table`` (all ended by ``day``)."""
    dp = _arrange(table)
    delta, cov = _align(fit, table)
    ns_var, walk_var = fit.nonsampling_sd**2, fit.walk_sd**2
    w, precision, mean = _combine(dp, ns_var, delta)
    gain, _, filt_var = _gains(dp.obs_day, 1.0 / precision, walk_var)
    day_weight = _filter_weights(gain)
    poll_weight = day_weight[dp.day_of_poll] * w / precision[dp.day_of_poll]
    estimate = float(day_weight @ mean)
    ahead = day - (dp.first_day + int(dp.obs_day[-1]))
    variance = filt_var[-1] + walk_var * max(ahead, 0)
    house_weight = np.bincount(dp.pollster, weights=poll_weight, minlength=dp.n_pollsters)
    variance += float(house_weight @ cov @ house_weight)
    weights = np.zeros(table.n_polls)
    weights[dp.rows] = poll_weight
    return estimate, variance, weights, delta[table.pollster]


def kalman_at(table: PollTable, day: int, params: KalmanParams | None = None) -> PointEstimate:
    """Filtered ``kalman`` estimate on ``day`` from the polls of ``table`` (ended by then).

    The model is fitted on these polls only.
    """
    params = params or KalmanParams()
    fit = fit_kalman(table, params)
    estimate, variance, weights, adjustment = _filtered(table, fit, day)
    half = Z95 * np.sqrt(variance)
    return PointEstimate(estimate, estimate - half, estimate + half, weights, adjustment,
                         table.n_polls)


def _smoothed(table: PollTable, fit: KalmanFit):
    """Smoothed mean and variance on every grid day (statsmodels smoother + house term)."""
    dp = _arrange(table)
    delta, cov = _align(fit, table)
    adjusted = dp.y - delta[dp.pollster]
    bounds = (
        (min(fit.walk_sd, 1e-3), max(fit.walk_sd, 1e-3) + 1.0),
        (0.0, fit.nonsampling_sd + 1.0),
    )
    model = PollLevelModel(dp, adjusted, bounds[0], bounds[1],
                           (fit.walk_sd, fit.nonsampling_sd))
    result = model.smooth([fit.walk_sd, fit.nonsampling_sd], return_ssm=True)
    mean = np.asarray(result.smoothed_state[0], dtype=float)
    variance = np.asarray(result.smoothed_state_cov[0, 0], dtype=float).copy()
    if dp.n_pollsters > 1 and np.any(cov):
        variance += _house_variance_smoothed(dp, fit, cov)
    return dp.first_day, mean, variance


def _house_variance_smoothed(dp: _DayPolls, fit: KalmanFit, cov: np.ndarray) -> np.ndarray:
    """a_t' Cov(delta) a_t for the smoothed state on every grid day."""
    walk_var = fit.walk_sd**2
    w, precision, _ = _combine(dp, fit.nonsampling_sd**2)
    shares = _shares(dp, w, precision)
    obs_var = np.full(dp.n_days, np.inf)
    obs_var[dp.obs_day] = 1.0 / precision
    full_shares = np.zeros((dp.n_days, dp.n_pollsters))
    full_shares[dp.obs_day] = shares
    # Scalar filter variances over the whole grid (days without polls only add variance),
    # then the filter and the Rauch-Tung-Striebel smoother applied to the share series.
    gain_obs, _, filt_obs = _gains(dp.obs_day, 1.0 / precision, walk_var)
    gain = np.zeros(dp.n_days)
    gain[dp.obs_day] = gain_obs
    last_obs = np.maximum.accumulate(np.where(np.isfinite(obs_var), np.arange(dp.n_days), 0))
    filt_var = filt_obs[np.searchsorted(dp.obs_day, last_obs)] + walk_var * (
        np.arange(dp.n_days) - last_obs
    )
    filt_state = _first_order_recursion(1.0 - gain, gain[:, None] * full_shares)
    back = filt_var / (filt_var + walk_var)
    back[-1] = 0.0
    smooth = _first_order_recursion(
        back[::-1], (1.0 - back[::-1])[:, None] * filt_state[::-1]
    )[::-1]
    return np.einsum("tj,jk,tk->t", smooth, cov, smooth)


def kalman_trend(
    table: PollTable, days: np.ndarray, realtime: bool, params: KalmanParams | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``kalman`` estimate, lower and upper on each of ``days``."""
    params = params or KalmanParams()
    if realtime:
        return _realtime(table, days, params)
    fit = fit_kalman(table, params)
    first, mean, variance = _smoothed(table, fit)
    idx = days - first
    inside = np.clip(idx, 0, mean.shape[0] - 1)
    distance = np.abs(idx - inside)
    est = mean[inside]
    var = variance[inside] + fit.walk_sd**2 * distance
    half = Z95 * np.sqrt(var)
    return est, est - half, est + half


def _realtime(table: PollTable, days: np.ndarray, params: KalmanParams):
    est = np.full(days.shape[0], np.nan)
    var = np.full(days.shape[0], np.nan)
    first_end = int(table.end.min())
    cadence = max(int(params.realtime_refit_days), 1)
    fit: KalmanFit | None = None
    fit_day = None
    n_fitted = -1
    for i, day in enumerate(days):
        day = int(day)
        if day < first_end:
            continue
        refit_day = first_end + ((day - first_end) // cadence) * cadence
        if refit_day != fit_day:
            known_at_refit = int(np.searchsorted(table.end, refit_day, side="right"))
            if known_at_refit != n_fitted:
                fit = fit_kalman(table.ended_by(refit_day), params, warm=fit)
                n_fitted = known_at_refit
            fit_day = refit_day
        known = table.ended_by(day)
        est[i], var[i], _, _ = _filtered(known, fit, day)
    half = Z95 * np.sqrt(var)
    return est, est - half, est + half


def kalman_house_effects(table: PollTable, params: KalmanParams | None = None) -> pd.DataFrame:
    """House effects with 95 % intervals from a fit on all polls."""
    params = params or KalmanParams()
    fit = fit_kalman(table, params)
    sd = np.sqrt(np.clip(np.diag(fit.delta_cov), 0.0, None))
    return pd.DataFrame(
        {
            "pollster": fit.pollster_names.astype(object),
            "effect": fit.delta,
            "lower": fit.delta - Z95 * sd,
            "upper": fit.delta + Z95 * sd,
            "n_polls": fit.n_polls.astype(np.int64),
        }
    )
