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
a one-off poll hardly moves the centre. Partisan and internal polls (the frame's optional
``partisan`` / ``internal`` columns) never define the centre: :math:`n_j` counts the
pollster's other polls only (``KalmanParams.exclude_partisan`` drops them altogether). The
line is the opinion the *average pollster* would measure, not the truth, which polls cannot
identify.

Computation
-----------
House effects are kept out of the state vector (its cost would grow with the square of the
number of pollsters). The polls of one day are combined into one inverse-variance weighted
observation :math:`\\tilde y_t` with variance :math:`R_t = 1 / \\sum_p V_p^{-1}`, giving a
local-level model with time-varying observation variance, and the fit alternates:

1. The house effects given the variances, exactly: the generalised least-squares / BLUP
   solution under the random walk, computed by running the filter over each pollster's
   daily share (an augmented Kalman filter, de Jong 1991) plus the within-day contrasts,
   with the centring constraint imposed through a bordered system. This gives their
   posterior covariance too. Pollsters with one or two polls are shrunk towards zero by
   the prior, whose spread :math:`\\tau` maximises the marginal likelihood of the polls
   given the variances (the house effects integrated out; the fixed point of the EM
   update, reached in one step), kept within ``house_sd_bounds``.
2. :math:`\\sigma_w` and :math:`\\sigma_{ns}` by maximum likelihood with statsmodels'
   state-space machinery (:class:`PollLevelModel`, an ``MLEModel`` subclass), given the
   house effects. The likelihood is the exact likelihood of all polls: the Kalman-filter
   likelihood of the daily combinations plus the closed-form likelihood of the polls'
   deviations from their day's combination.

A few rounds (warm-started) converge. The daily-change variance is then replaced by its
posterior mean (:func:`_walk_posterior_mean`): on a short series the likelihood of
:math:`\\sigma_w` is flat over a factor of two or more and its maximum sits on the lower
bound in half the fits of 30-70 polls, and a band from that plug-in value covered the truth
on 88 % of real-time days in simulations; averaging :math:`\\sigma_w^2` over its posterior
(flat prior on :math:`\\log \\sigma_w` within the bounds) carries that uncertainty into the
band. The house effects are then solved once more at the final variances. The line is
then the statsmodels smoother (retrospective) or the filtered state (real time) of the
house-adjusted daily observations, and its variance is the smoother's (or filter's)
variance **plus**
:math:`a_t^\\top \\operatorname{Cov}(\\hat\\delta) a_t`, where :math:`a_t` is the weight of each
pollster's house effect in the day's estimate: the uncertainty of the house effects enters
the band (law of total variance; exact for given variances).

Real time: each day's value is the filtered state from the polls that ended by that day,
with house effects solved from those polls alone. The variances
(:math:`\\sigma_w, \\sigma_{ns}, \\tau`) are refitted on the polls known on the first day
the number of known polls has grown by the factor ``realtime_refit_growth`` (default 1.25)
since the last refit, so there are few refits and their cost, like the rest, grows
linearly with the number of polls. Between refits one filter pass gives every day: the
filter over the days whose polls are all known is shared, and its running normal
equations of the house effects are extended by the few recent days whose polls are still
arriving (a poll is dated at its field midpoint but known only at its end). The house
effects' system is not factorised anew each day: its inverse starts from one batch of the
days before a segment and takes each later day in as a low-rank update (a day adds the
within-day contrasts of its ``k`` pollsters and one innovation, rank ``k + 1``; Woodbury
identity), the days still arriving as a low-rank correction at the solve, and pollsters
with too few polls are held at 0 by conditioning; a day costs ``O(J^2 k)`` for ``J``
pollsters, not ``O(J^3)``. The real-time line is centred on the pollsters known that
day, so when a pollster that differs from the rest appears later, the retrospective line
(centred on all pollsters) moves by its share of the centre; the real-time band (and the
average as of a day) adds the variance of that move, :func:`centre_drift_variance`.

Fits are not remembered here: :func:`pollservice.stats.fit` fits once and its results
object hands the :class:`KalmanFit` of all polls to the trend, the average, the
contributions and the house effects (the ``model_fit`` argument below), so one series needs
one fit.

References
----------
Jackman, S. (2005). Pooling the polls over an election campaign. Australian Journal of
Political Science, 40(4), 499-517.

de Jong, P. (1991). The diffuse Kalman filter. Annals of Statistics, 19(2), 1073-1083.

Durbin, J. and Koopman, S. J. (2012). Time Series Analysis by State Space Methods, 2nd ed.
Oxford University Press.

MacKay, D. J. C. (1992). Bayesian interpolation. Neural Computation, 4(3), 415-447.

Chao, A. (1984). Nonparametric estimation of the number of classes in a population.
Scandinavian Journal of Statistics, 11(4), 265-270.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.linalg import block_diag, cho_factor, cho_solve
from scipy.optimize import minimize_scalar
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.statespace.mlemodel import MLEModel

from .intervals import DEFAULT_ALPHA, PointEstimate, z_value
from .outliers import outlier_variance
from .validation import PollTable, line_levels

__all__ = [
    "MIN_POLLS_FOR_HOUSE",
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
        The estimates are kept inside these bounds (L-BFGS-B's box constraints; an
        estimate may sit on a bound, and then the search stops there at once rather than
        chasing a transformed parameter towards infinity). Defaults (0.1, 2.0) and
        (0.0, 8.0). The maximum-likelihood estimate of
        a random-walk variance piles up near zero on sparse series (it did so on simulated
        series with 0.2 true, leaving the real-time band too narrow); a floor of 0.1 point
        per day (about 1 point per 100 days) keeps the band honest across gaps and early on.
    house_sd_start, house_sd_bounds : float, tuple of float
        Prior standard deviation of house effects, tau: the value used before the first
        estimate, and the bounds of its marginal-likelihood estimate. Defaults 2.0 and
        (0.5, 6.0); equal bounds fix it.
    house_effects : bool
        Estimate house effects (default True); False fits the random walk alone.
    max_rounds : int
        Maximum rounds of (house effects, variances) alternation. Default 6.
    tolerance : float
        Stop when no house effect or standard deviation moves by more than this. Default
        0.01 points.
    min_polls_for_mle : int
        Fewest polls for which the variances are estimated. Default 30.
    realtime_refit_growth : float
        The real-time line refits the variances on the first day the number of known
        polls has grown by this factor since the last refit (> 1). Default 1.25.
    refit_on_pollsters : bool
        The real-time line also refits on the first day the number of pollsters with enough
        polls for a house effect has grown by ``realtime_refit_growth`` (from none: the
        first one), as the fit on all polls estimates the spread of the house effects from
        them. Default True.
    warm_rounds : int
        Rounds of a refit that starts from the previous refit (real-time line). Default 2.
    centre_half_count : float
        House effects are centred to a weighted sum of zero with pollster weights
        ``n / (n + centre_half_count)`` (see :func:`centring_weights`). Default 5. ``n``
        counts the pollster's polls that are neither partisan nor internal (the frame's
        optional ``partisan`` / ``internal`` columns): such polls never define the centre,
        though their pollsters' effects are estimated like any other.
    exclude_partisan : bool
        Leave partisan and internal polls out of the fit entirely (default False: fit
        them, outside the centre). Their weight in an average is then 0.
    outlier_cutoff : float or None
        A poll more than this many standard deviations from the polls before it counts
        for less (:mod:`pollservice.stats.outliers`; default 2.5); None weighs every poll
        by its variance alone.
    walk_posterior_mean : bool
        Use the posterior mean of the daily-change variance rather than its maximum
        likelihood (default True; see the module docstring). Has no effect when
        ``walk_sd`` is fixed or too few polls estimate it.
    centre_drift : bool
        The real-time line and the average as of a day add to their band the variance of
        the house-effect centre's move from the pollsters known that day to the whole field
        (:func:`centre_drift_variance`; default True). The retrospective line is centred on
        the pollsters of all its polls and never adds it.
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
    realtime_refit_growth: float = 1.25
    refit_on_pollsters: bool = True
    warm_rounds: int = 2
    centre_half_count: float = 5.0
    exclude_partisan: bool = False
    outlier_cutoff: float | None = 2.5
    walk_posterior_mean: bool = True
    centre_drift: bool = True


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
    v: np.ndarray  # error variance: sampling plus extra_var (PollTable.error_var)
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
        v=table.error_var[order],
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

    @property
    def bounds(self) -> list[tuple[float, float]]:
        """Bounds of (walk_sd, nonsampling_sd) for L-BFGS-B, which keeps to them itself
        (so the parameters are not transformed)."""
        return list(self._bounds)

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


#: Fewest polls of a pollster for its house effect to be estimated. One poll cannot tell a
#: house effect (a lasting lean) from that poll's own non-sampling error: the model could
#: only split the poll's deviation between them by the ratio of two variances that one
#: poll does not inform, and with a wide prior it called SurveyUSA's single Calexit poll a
#: significant -8.1. Below this count the effect is held at 0 (the deviation is the
#: poll's error) and reported with the prior's interval.
MIN_POLLS_FOR_HOUSE = 2


def centring_weights(n_polls: np.ndarray, half_count: float,
                     n_centre: np.ndarray | None = None) -> np.ndarray:
    """Weights of the pollsters in the house-effect centring, summing to one.

    Pollster ``j`` with ``n_j`` polls weighs ``n_j / (n_j + half_count)``: every
    established pollster counts once, while one with few polls, whose effect is barely
    known, hardly moves where "the average pollster" is. ``half_count = 0`` gives every
    pollster with polls the same weight. Pollsters with fewer than
    :data:`MIN_POLLS_FOR_HOUSE` polls have no estimated effect and weigh 0 (all weights
    are 0 when no pollster has that many).

    ``n_centre``, if given, counts each pollster's polls that may define the centre (not
    partisan, not internal): the weights are those of these counts, so a pollster whose
    polls are all partisan weighs 0 although its effect is estimated from ``n_polls``.
    """
    n_polls = np.asarray(n_polls, dtype=float)
    counted = n_polls if n_centre is None else np.asarray(n_centre, dtype=float)
    weights = counted / (counted + half_count) if half_count > 0 else (counted > 0) * 1.0
    weights = np.where(n_polls >= MIN_POLLS_FOR_HOUSE, weights, 0.0)
    total = weights.sum()
    return weights / total if total > 0 else weights


def centre_drift_variance(n_centre: np.ndarray, centre: np.ndarray, house_sd: float) -> float:
    """Variance of the move of the house-effect centre from the pollsters seen so far to the
    whole field (points squared): what a line centred today does not know about its target.

    ``n_centre`` counts each pollster's polls that may define the centre, ``centre`` is
    their centring weights (:func:`centring_weights`). As pollsters keep polling, each
    weight ``n / (n + half_count)`` tends to 1: the centre tends to the plain mean of the
    lean of the whole field of pollsters, the ``k`` seen so far and an estimated ``u`` not
    yet seen (the bias-corrected Chao1 estimate ``f1 (f1 - 1) / (2 (f2 + 1))``, ``f1`` and
    ``f2`` the pollsters seen with one poll and with two; Chao 1984). With house effects
    drawn independently with spread ``tau``, the move from ``centre`` to equal weights
    ``1 / K`` over ``K = k + u`` pollsters has variance
    ``tau^2 (|centre - 1/k|^2 + 1/k - 1/K)``: the reweighting of the pollsters seen, and
    the pollsters to come. 0 without a centre.

    On simulated series (365 days, 300 polls, 8 pollsters, 60 seeds) the squared error of
    the centre of the pollsters known against the year's centre averaged 2.80, 0.85, 0.34
    and 0.10 with up to 10, 20, 40 and 80 polls known; this variance averaged 1.68, 0.65,
    0.33 and 0.20 there (and 0.07 once all 300 were known, where the year's centre, of
    finite counts, is reached exactly).
    """
    n_centre = np.asarray(n_centre)
    seen = n_centre > 0
    k = int(np.count_nonzero(seen))
    if k == 0 or not np.any(centre > 0):
        return 0.0
    f1, f2 = int(np.count_nonzero(n_centre == 1)), int(np.count_nonzero(n_centre == 2))
    unseen = f1 * (f1 - 1) / (2.0 * (f2 + 1))
    reweighting = float(np.sum((centre - seen / k) ** 2))
    return house_sd**2 * (reweighting + 1.0 / k - 1.0 / (k + unseen))


def _house_normal(dp: _DayPolls, walk_var: float, nonsampling_var: float):
    """Normal equations of the house effects from the polls (prior not included).

    Returns the matrix and right-hand side whose solution, once the prior precision
    ``1 / tau^2`` is added to the diagonal and the centring imposed, is the GLS / BLUP
    estimate under the random walk (:func:`_house_solve`).
    """
    normal, rhs, _ = _house_normal_state(dp, walk_var, nonsampling_var)
    return normal, rhs


def _house_normal_state(dp: _DayPolls, walk_var: float, nonsampling_var: float):
    """:func:`_house_normal` and the filter's state on the last observed day: the filtered
    mean of the daily means, each pollster's filtered share and the filtered variance."""
    w, precision, mean = _combine(dp, nonsampling_var)
    shares = _shares(dp, w, precision)
    gain, innov_var, filt_var = _gains(dp.obs_day, 1.0 / precision, walk_var)
    columns = np.column_stack([mean, shares])
    # Filtered state of every column (the daily means and each pollster's share series)
    # with the common gains; innovations are observation minus the previous state.
    state = _first_order_recursion(1.0 - gain, gain[:, None] * columns)
    scaled = (columns[1:] - state[:-1]) / np.sqrt(innov_var[1:, None])
    e_share = scaled[:, 1:]
    e_y = scaled[:, 0]
    n_j = dp.n_pollsters
    by_pollster = np.bincount(dp.pollster, weights=w, minlength=n_j)
    normal = np.diag(by_pollster) - (shares * precision[:, None]).T @ shares
    normal += e_share.T @ e_share
    rhs = np.bincount(dp.pollster, weights=w * dp.y, minlength=n_j)
    rhs -= shares.T @ (precision * mean)
    rhs += e_share.T @ e_y
    return normal, rhs, (float(state[-1, 0]), state[-1, 1:].copy(), float(filt_var[-1]))


def _free(centre: np.ndarray, free: np.ndarray | None) -> np.ndarray:
    """Positions of the pollsters with an estimated effect (default: centring weight > 0)."""
    return np.flatnonzero(centre > 0 if free is None else free)


def _house_solve(normal: np.ndarray, rhs: np.ndarray, house_var: float, centre: np.ndarray,
                 free: np.ndarray | None = None):
    """House effects with ``centre @ delta = 0`` and their covariance (bordered system).

    Only pollsters with an estimated effect (``free``, a mask; default those with a
    positive centring weight, i.e. enough polls, :data:`MIN_POLLS_FOR_HOUSE`) have a free
    effect; the others' effects are 0 with variance 0, which drops their rows and columns
    from the system. When no free pollster may define the centre (every weight 0: all
    partisan or internal), the effects are not centred, only shrunk by the prior.
    """
    n_j = rhs.shape[0]
    free = _free(centre, free)
    delta_all, cov_all = np.zeros(n_j), np.zeros((n_j, n_j))
    if free.size < 2:
        return delta_all, cov_all
    k = free.size
    centred = bool(np.any(centre[free] > 0))
    bordered = np.zeros((k + 1, k + 1)) if centred else np.zeros((k, k))
    bordered[:k, :k] = normal[np.ix_(free, free)]
    bordered[np.arange(k), np.arange(k)] += 1.0 / house_var
    if centred:
        bordered[:k, k] = centre[free]
        bordered[k, :k] = centre[free]
    inverse = np.linalg.inv(bordered)
    cov = inverse[:k, :k]
    cov = 0.5 * (cov + cov.T)
    delta = cov @ rhs[free]
    delta_all[free] = delta - centre[free] @ delta
    cov_all[np.ix_(free, free)] = cov
    return delta_all, cov_all


def _house_sd(normal: np.ndarray, rhs: np.ndarray, centre: np.ndarray,
              bounds: tuple[float, float], free: np.ndarray | None = None) -> float | None:
    """Prior sd of the house effects that maximises the marginal likelihood of the polls.

    With ``delta = B z`` for an orthonormal basis ``B`` of the effects that satisfy the
    centring, ``z ~ N(0, tau^2 I)``, and the eigenvalues ``lam`` of ``B' normal B`` with the
    right-hand side ``b`` in their eigenvectors' coordinates, minus twice the log marginal
    likelihood is, up to a constant, ``sum(log(1 + lam tau^2) - b^2 / (lam + 1 / tau^2))``
    (MacKay 1992). It is minimised over ``log tau`` within ``bounds``. Only the pollsters
    with a free effect (``free``, default: positive centring weight) inform it; None when
    fewer than two do. Without a centring (no weight), the basis is the identity.
    """
    lo, hi = bounds
    if hi <= lo:
        return float(lo)
    free = _free(centre, free)
    if free.size < 2:
        return None
    normal, rhs, centre = normal[np.ix_(free, free)], rhs[free], centre[free]
    if np.any(centre > 0):
        # The projection P = I - u u' (u = centre / |centre|) in place of the basis B:
        # P normal P has the eigenvalues of B' normal B and one 0 (eigenvector u, along
        # which P rhs has no component, so it adds nothing), at O(J^2) instead of O(J^3).
        u = centre / np.linalg.norm(centre)
        normal_u = normal @ u
        projected = (normal - np.outer(u, normal_u) - np.outer(normal_u, u)
                     + float(u @ normal_u) * np.outer(u, u))
        rhs = rhs - u * float(u @ rhs)
    else:
        projected = normal
    lam, vectors = np.linalg.eigh(0.5 * (projected + projected.T))
    lam = np.maximum(lam, 0.0)
    b2 = (vectors.T @ rhs) ** 2

    def objective(log_sd: float) -> float:
        tau2 = np.exp(2.0 * log_sd)
        return float(np.sum(np.log1p(lam * tau2) - b2 / (lam + 1.0 / tau2)))

    result = minimize_scalar(objective, bounds=(np.log(lo), np.log(hi)), method="bounded",
                             options={"xatol": 1e-4})
    return float(np.clip(np.exp(result.x), lo, hi))


def _house_gls(dp: _DayPolls, walk_var: float, nonsampling_var: float, house_var: float,
               centre: np.ndarray, free: np.ndarray | None = None):
    """House effects (``centre @ delta = 0``) and their covariance given the variances."""
    normal, rhs = _house_normal(dp, walk_var, nonsampling_var)
    return _house_solve(normal, rhs, house_var, centre, free)


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
    """Fitted variances and house effects (internal, reusable as a warm start), and
    ``polls``: the polls they were fitted on (:func:`_counted` of the caller's table, so
    the estimates that reuse the fit need not count them again)."""

    walk_sd: float
    nonsampling_sd: float
    house_sd: float
    pollster_names: np.ndarray
    delta: np.ndarray
    delta_cov: np.ndarray
    n_polls: np.ndarray
    polls: PollTable | None = None


def _mle(dp: _DayPolls, adjusted, params: KalmanParams, start) -> tuple[float, float]:
    fixed = {}
    if params.walk_sd is not None:
        fixed["walk_sd"] = float(params.walk_sd)
    if params.nonsampling_sd is not None:
        fixed["nonsampling_sd"] = float(params.nonsampling_sd)
    if len(fixed) == 2 or not _enough_for_mle(dp, params):
        return (fixed.get("walk_sd", start[0]), fixed.get("nonsampling_sd", start[1]))
    bounds = (params.walk_sd_bounds, params.nonsampling_sd_bounds)
    start = tuple(float(np.clip(x, lo, hi)) for x, (lo, hi) in zip(start, bounds, strict=True))
    model = PollLevelModel(dp, adjusted, *bounds, start)
    free = [b for name, b in zip(model.param_names, bounds, strict=True) if name not in fixed]
    with warnings.catch_warnings():
        # An L-BFGS run that stops at maxiter is still an improvement on its warm start;
        # the outer rounds refine it, so a ConvergenceWarning carries no information here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        # statsmodels returns the full parameter vector, fixed values included.
        with model.fix_params(fixed):
            result = model.fit(disp=False, maxiter=50, return_params=True, cov_type="none",
                               bounds=free)
    return float(result[0]), float(result[1])


def _house_delta(normal: np.ndarray, rhs: np.ndarray, house_var: float, centre: np.ndarray,
                 free: np.ndarray) -> np.ndarray:
    """The effects of :func:`_house_solve` without their covariance: one Cholesky factor of
    ``normal + I / tau^2`` and the centring by its Schur complement."""
    delta_all = np.zeros(rhs.shape[0])
    free = _free(centre, free)
    if free.size < 2:
        return delta_all
    matrix = normal[np.ix_(free, free)]
    matrix[np.diag_indices(free.size)] += 1.0 / house_var
    c = centre[free]
    solved = cho_solve(cho_factor(matrix, check_finite=False),
                       np.column_stack([rhs[free], c]), check_finite=False)
    delta = solved[:, 0]
    if np.any(c > 0):
        delta = delta - solved[:, 1] * (float(c @ delta) / float(c @ solved[:, 1]))
    delta_all[free] = delta - c @ delta
    return delta_all


def _solve_house(dp: _DayPolls, walk: float, ns: float, house_sd: float, centre: np.ndarray,
                 free: np.ndarray, params: KalmanParams, estimate_tau: bool,
                 use_house: bool, want: str = "cov"):
    """House effects, their covariance and tau at the variances ``walk``, ``ns`` (tau
    re-estimated if ``estimate_tau``, else ``house_sd``); zeros without house effects.
    ``want="effects"`` leaves out the covariance (None), ``"tau"`` the effects too."""
    n_j = dp.n_pollsters
    if not use_house:
        return np.zeros(n_j), np.zeros((n_j, n_j)), house_sd
    normal, rhs = _house_normal(dp, walk**2, ns**2)
    tau = (_house_sd(normal, rhs, centre, params.house_sd_bounds, free) if estimate_tau
           else None)
    tau = house_sd if tau is None else tau
    if want == "tau":
        return None, None, tau
    if want == "effects":
        return _house_delta(normal, rhs, tau**2, centre, free), None, tau
    return (*_house_solve(normal, rhs, tau**2, centre, free), tau)


def _centre(table: PollTable, n_polls: np.ndarray, params: KalmanParams) -> np.ndarray:
    """Centring weights of ``table``'s pollsters: partisan and internal polls do not count
    towards a pollster's weight (:func:`centring_weights`)."""
    counted = np.bincount(table.pollster[~table.flagged], minlength=n_polls.shape[0])
    return centring_weights(n_polls, params.centre_half_count, counted)


def _counted(table: PollTable, params: KalmanParams) -> PollTable:
    """The polls the model fits: ``table`` without its partisan and internal polls if
    ``params.exclude_partisan``, each with its outlier variance (``params.outlier_cutoff``,
    :func:`~pollservice.stats.outliers.outlier_variance`) added to its ``extra_var``."""
    if params.exclude_partisan and table.flagged.any():
        if table.flagged.all():
            raise ValueError("every poll is partisan or internal, and exclude_partisan leaves "
                             "none to fit")
        kept = table.take(~table.flagged)
        # The line's level for the sampling variances from the kept polls alone, so the
        # excluded ones leave no trace.
        table = replace(kept, line_pct=line_levels(kept.end, kept.pct))
    if params.outlier_cutoff is not None:
        table = replace(table, extra_var=table.extra_var + outlier_variance(table, params.outlier_cutoff))
    return table


def _fitted_polls(table: PollTable, params: KalmanParams, fit: KalmanFit | None) -> PollTable:
    """:func:`_counted` of ``table``: the polls ``fit`` was fitted on when it is the fit of
    ``table`` (the callers' contract for ``model_fit``), else counted here."""
    if fit is not None and fit.polls is not None:
        return fit.polls
    return _counted(table, params)


def fit_kalman(table: PollTable, params: KalmanParams,
               warm: KalmanFit | _Variances | None = None) -> KalmanFit:
    """Estimate variances and house effects on all polls of ``table``.

    Parameters
    ----------
    table : PollTable
        Validated polls.
    params : KalmanParams
        Settings.
    warm : KalmanFit, optional
        An earlier fit (e.g. on fewer polls) whose variances start the search (or the
        real-time line's variances, :func:`_fit_variances`).

    Returns
    -------
    KalmanFit
        The house effects are the exact GLS solution at the returned variances.

    Notes
    -----
    Each round solves the house effects (and their prior spread) at the current
    variances, then the variances by maximum likelihood given the house effects; the
    first round therefore already works on house-adjusted polls. With
    ``params.exclude_partisan`` the partisan and internal polls are left out.
    """
    table = _counted(table, params)
    dp, n_polls, centre, free, use_house, (walk_sd, ns_sd, house_sd) = _fit_rounds(
        table, params, warm)
    delta, cov, house_sd = _solve_house(dp, walk_sd, ns_sd, house_sd, centre, free, params,
                                        True, use_house)
    return KalmanFit(
        walk_sd=walk_sd,
        nonsampling_sd=ns_sd,
        house_sd=house_sd,
        pollster_names=table.pollster_names.copy(),
        delta=delta,
        delta_cov=cov,
        n_polls=n_polls,
        polls=table,
    )


@dataclass(frozen=True)
class _Variances:
    """The variances of a fit without its house effects (what the real-time line needs)."""

    walk_sd: float
    nonsampling_sd: float
    house_sd: float


def _fit_variances(table: PollTable, params: KalmanParams,
                   warm: KalmanFit | _Variances | None) -> _Variances:
    """The variances of :func:`fit_kalman` (the same rounds), without solving the final
    house effects and their covariance: only their spread tau is estimated at the end."""
    dp, _, centre, free, use_house, (walk_sd, ns_sd, house_sd) = _fit_rounds(
        table, params, warm)
    _, _, house_sd = _solve_house(dp, walk_sd, ns_sd, house_sd, centre, free, params, True,
                                  use_house, want="tau")
    return _Variances(walk_sd, ns_sd, house_sd)


def _fit_rounds(table: PollTable, params: KalmanParams,
                warm: KalmanFit | _Variances | None):
    """The alternation of :func:`fit_kalman`: house effects at the current variances, then
    the variances by maximum likelihood given them, until they settle."""
    dp = _arrange(table)
    n_j = table.n_pollsters
    walk_sd, ns_sd, house_sd = ((warm.walk_sd, warm.nonsampling_sd, warm.house_sd)
                                if warm is not None else
                                (params.walk_sd_start, params.nonsampling_sd_start,
                                 params.house_sd_start))
    n_polls = np.bincount(table.pollster, minlength=n_j)
    centre = _centre(table, n_polls, params)
    free = n_polls >= MIN_POLLS_FOR_HOUSE
    use_house = params.house_effects and n_j > 1
    delta = np.zeros(n_j)
    rounds = params.max_rounds if warm is None else params.warm_rounds
    for _ in range(max(rounds, 1)):
        # A warm refit (the real-time line's) keeps tau through its rounds and estimates
        # it once, at the end (an eigendecomposition, cubic in the number of pollsters).
        new_delta, _, house_sd = _solve_house(dp, walk_sd, ns_sd, house_sd, centre, free,
                                              params, warm is None, use_house, "effects")
        new_walk, new_ns = _mle(dp, dp.y - new_delta[dp.pollster], params, (walk_sd, ns_sd))
        change = max(abs(new_walk - walk_sd), abs(new_ns - ns_sd),
                     float(np.max(np.abs(new_delta - delta))) if n_j else 0.0)
        walk_sd, ns_sd, delta = new_walk, new_ns, new_delta
        if change < params.tolerance:
            break
    if params.walk_posterior_mean and params.walk_sd is None and _enough_for_mle(dp, params):
        walk_sd = _walk_posterior_mean(dp, dp.y - delta[dp.pollster], params, walk_sd, ns_sd)
    return dp, n_polls, centre, free, use_house, (walk_sd, ns_sd, house_sd)


def _enough_for_mle(dp: _DayPolls, params: KalmanParams) -> bool:
    """Whether these polls are enough to estimate the variances (:func:`_mle`): at least
    ``min_polls_for_mle`` polls on at least 3 days."""
    return dp.y.shape[0] >= params.min_polls_for_mle and dp.obs_day.shape[0] >= 3


#: Steps of the posterior grid of ``log walk_sd``: the points are ``mode + k * step`` for
#: these ``k`` (within the bounds), ``step`` half the posterior's sd at the mode from its
#: curvature, at most 0.25 (so the grid reaches at least 1.5 below the mode and 2 above).
_WALK_GRID = np.arange(-6, 9)
#: A posterior narrower than this sd of ``log walk_sd`` changes ``E[walk_sd^2]`` by under
#: 0.5 % (``exp(2 s^2)``): the maximum stands, and the grid is not computed.
_WALK_POSTERIOR_MIN_SD = 0.05


def _walk_posterior_mean(dp: _DayPolls, adjusted: np.ndarray, params: KalmanParams,
                         walk_sd: float, ns_sd: float) -> float:
    """``sqrt(E[walk_sd^2])`` under the likelihood of :class:`PollLevelModel` at ``ns_sd``
    with a flat prior on ``log walk_sd`` within ``params.walk_sd_bounds``, by quadrature on a
    grid around the maximum ``walk_sd`` whose step follows the curvature there."""
    lo, hi = np.log(params.walk_sd_bounds)
    model = PollLevelModel(dp, adjusted, params.walk_sd_bounds, params.nonsampling_sd_bounds,
                           (walk_sd, ns_sd))

    def loglike(log_walk: np.ndarray) -> np.ndarray:
        return np.array([model.loglike([np.exp(x), ns_sd]) for x in log_walk])

    mode = float(np.clip(np.log(walk_sd), lo, hi))
    h = 0.1
    around = loglike(np.array([mode - h, mode, mode + h]))
    curvature = (around[0] - 2.0 * around[1] + around[2]) / h**2
    # On the lower bound the curve may still rise below it (no curvature there): the grid
    # then takes its widest step.
    sd = 1.0 / np.sqrt(-curvature) if curvature < 0 else np.inf
    if sd < _WALK_POSTERIOR_MIN_SD:
        return walk_sd
    points = np.unique(np.clip(mode + min(sd / 2.0, 0.25) * _WALK_GRID, lo, hi))
    ll = loglike(points)
    finite = np.isfinite(ll)
    if not finite.any():  # no likelihood to average over: the maximum stands
        return walk_sd
    weight = np.exp(ll[finite] - ll[finite].max())
    return float(np.sqrt(weight @ np.exp(2.0 * points[finite]) / weight.sum()))


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


def _centre_drift(table: PollTable, fit: KalmanFit, params: KalmanParams) -> float:
    """:func:`centre_drift_variance` of the fit of ``table`` (its polls: ``fit.polls``)."""
    if not (params.centre_drift and params.house_effects and table.n_pollsters > 1):
        return 0.0
    counted = np.bincount(table.pollster[~table.flagged], minlength=fit.n_polls.shape[0])
    return centre_drift_variance(counted, _centre(table, fit.n_polls, params), fit.house_sd)


def kalman_at(table: PollTable, day: int, params: KalmanParams | None = None,
              model_fit: KalmanFit | None = None, alpha: float = DEFAULT_ALPHA) -> PointEstimate:
    """Filtered ``kalman`` estimate on ``day`` from the polls of ``table`` (ended by then),
    with a ``1 - alpha`` band.

    The model is fitted on these polls only: ``model_fit`` is :func:`fit_kalman` of
    ``table`` if the caller has it already, else None (fitted here).
    """
    params = params or KalmanParams()
    fit = model_fit if model_fit is not None else fit_kalman(table, params)
    fitted = _fitted_polls(table, params, fit)
    estimate, variance, weights, adjustment = _filtered(fitted, fit, day)
    variance += _centre_drift(fitted, fit, params)
    if fitted.n_polls != table.n_polls:  # excluded polls: weight and adjustment 0
        kept = np.flatnonzero(~table.flagged)
        full_weights, full_adjustment = np.zeros(table.n_polls), np.zeros(table.n_polls)
        full_weights[kept], full_adjustment[kept] = weights, adjustment
        weights, adjustment = full_weights, full_adjustment
    half = z_value(alpha) * np.sqrt(variance)
    return PointEstimate(estimate, estimate - half, estimate + half, weights, adjustment,
                         fitted.n_polls)


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
    table: PollTable, days: np.ndarray, realtime: bool, params: KalmanParams | None = None,
    model_fit: KalmanFit | None = None, alpha: float = DEFAULT_ALPHA,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``kalman`` estimate, lower and upper (``1 - alpha`` band) on each of ``days``.

    ``model_fit`` is :func:`fit_kalman` of ``table`` if the caller has it (else fitted
    here); the retrospective line uses it, the real-time line refits on the polls known
    each day (see the module docstring) and does not.
    """
    params = params or KalmanParams()
    if realtime:
        est, var = _realtime(_fitted_polls(table, params, model_fit), days, params)
    else:
        fit = model_fit if model_fit is not None else fit_kalman(table, params)
        first, mean, variance = _smoothed(_fitted_polls(table, params, fit), fit)
        idx = days - first
        inside = np.clip(idx, 0, mean.shape[0] - 1)
        distance = np.abs(idx - inside)
        est = mean[inside]
        var = variance[inside] + fit.walk_sd**2 * distance
    half = z_value(alpha) * np.sqrt(var)
    return est, est - half, est + half


# --------------------------------------------------------------------------------------
# Real time
# --------------------------------------------------------------------------------------


def _refit_counts(table: PollTable, growth: float, on_pollsters: bool = True) -> np.ndarray:
    """Numbers of known polls at which the real-time line refits the variances.

    A refit happens on the first end day on which the number of polls ended by then is at
    least ``growth`` times the number at the previous refit (the first on the first end
    day), or, with ``on_pollsters``, the number of pollsters with enough of them for a house
    effect of their own (``MIN_POLLS_FOR_HOUSE``: what the house-effect spread is estimated
    from) is (from none: the first one). So the day the first pollsters can be told apart is
    refitted, as the fit on all polls would be, and there are still few refits (logarithmic
    in polls and in pollsters). It depends only on the polls known by that day.
    """
    if growth <= 1.0:
        raise ValueError("realtime_refit_growth must be greater than 1")
    known = np.searchsorted(table.end, np.unique(table.end), side="right")
    order = np.argsort(table.pollster, kind="stable")  # rows are in end order within a pollster
    run_start = np.r_[0, np.flatnonzero(np.diff(table.pollster[order])) + 1]
    rank = np.arange(order.size) - np.repeat(run_start, np.diff(np.r_[run_start, order.size]))
    freed = np.sort(order[rank == MIN_POLLS_FOR_HOUSE - 1])  # the poll that frees each pollster
    free = np.searchsorted(freed, known, side="left")  # pollsters freed among the known polls
    if not on_pollsters:
        free = np.zeros_like(free)
    counts: list[int] = []
    last_free = 0
    for n, f in zip(known, free, strict=True):
        if not counts or n >= growth * counts[-1] or f >= max(growth * last_free, 1.0):
            counts.append(int(n))
            last_free = int(f)
    return np.array(counts, dtype=np.int64)


def _realtime(table: PollTable, days: np.ndarray, params: KalmanParams):
    """Real-time estimate and variance on each of ``days`` (NaN before the first end)."""
    est = np.full(days.shape[0], np.nan)
    var = np.full(days.shape[0], np.nan)
    n_known = np.searchsorted(table.end, days, side="right")
    refits = _refit_counts(table, params.realtime_refit_growth, params.refit_on_pollsters)
    segment = np.searchsorted(refits, n_known, side="right") - 1
    fit: _Variances | None = None
    for k in range(int(segment.max()) + 1):
        # Every refit up to the last needed one, whichever days were asked for: each
        # starts from the one before, so the line does not depend on the days requested.
        fit = _fit_variances(table.take(np.arange(refits[k])), params, fit)
        rows = np.flatnonzero(segment == k)
        if rows.size:
            est[rows], var[rows] = _realtime_segment(table, days[rows], n_known[rows], fit,
                                                     params)
    return est, var


@dataclass
class _DayTerm:
    """One day's addition to the house-effect normal equations, as a low-rank term
    ``V C V'``: the day's pollsters' unit columns with the within-day contrast block
    ``diag(b) - b b' / P`` (``b``: their inverse-variance weights, ``P`` their sum), and the
    innovation's share vector with ``1 / F`` (absent on the first, diffuse day)."""

    seen: np.ndarray
    block: np.ndarray
    innovation: np.ndarray | None
    innov_var: float


class _RunningFilter:
    """Filter of the daily means and pollster shares (the augmented filter of
    :func:`_house_normal`) with the right-hand side of the house-effect normal equations.

    The normal matrix itself is not kept: each :meth:`step` returns the day's low-rank
    term of it (:class:`_DayTerm`), which :class:`_HouseInverse` folds into the inverse.
    """

    def __init__(self, n_pollsters: int):
        self.started = False
        self.day = 0
        self.mean = 0.0
        self.share = np.zeros(n_pollsters)
        self.var = np.inf
        self.rhs = np.zeros(n_pollsters)

    def copy(self) -> _RunningFilter:
        other = _RunningFilter.__new__(_RunningFilter)
        other.__dict__.update(self.__dict__)
        other.share = self.share.copy()
        other.rhs = self.rhs.copy()
        return other

    def start_from(self, day: int, state: tuple[float, np.ndarray, float],
                   rhs: np.ndarray) -> None:
        """Take the state of a batch filter (:func:`_house_normal_state`) on ``day``."""
        self.started = True
        self.day = day
        self.mean, self.share, self.var = state
        self.rhs = rhs.copy()

    def step(self, day: int, y, w, pollster, walk_var: float) -> _DayTerm:
        """Take in one day's polls (values, inverse-variance weights, pollster codes)."""
        seen, local = np.unique(pollster, return_inverse=True)
        by_pollster = np.bincount(local, weights=w)
        precision = float(by_pollster.sum())
        day_share = by_pollster / precision
        mean = float(w @ y) / precision
        block = np.diag(by_pollster) - precision * np.outer(day_share, day_share)
        self.rhs[seen] += np.bincount(local, weights=w * y) - day_share * (precision * mean)
        share = np.zeros_like(self.share)
        share[seen] = day_share
        term = _DayTerm(seen, block, None, np.inf)
        if not self.started:  # diffuse start: the first day sets the state
            self.started = True
            self.mean, self.share, self.var = mean, share, 1.0 / precision
        else:
            pred = self.var + walk_var * (day - self.day)
            innov_var = pred + 1.0 / precision
            e_y, e_share = mean - self.mean, share - self.share
            self.rhs += e_share * (e_y / innov_var)
            gain = pred / innov_var
            self.mean += gain * e_y
            self.share = self.share + gain * e_share
            self.var = pred * (1.0 - gain)
            term = _DayTerm(seen, block, e_share, innov_var)
        self.day = day
        return term


class _HouseInverse:
    """``(normal + I / tau^2)^{-1}`` of the house effects with the low-rank terms of new
    days (Woodbury identity), so a day costs ``O(J^2 k)`` for ``J`` pollsters and ``k``
    pollsters that day instead of a new ``O(J^3)`` factorisation.

    New days' terms could wait in ``pending`` (applied through the identity at each
    solve) until their rank passes :attr:`FOLD_RANK`; measured at 30,000 polls from 500
    pollsters, the larger small systems of every solve cost more than the passes over the
    ``J x J`` inverse they save, so every day is folded in at once (rank 0).
    """

    FOLD_RANK = 0

    def __init__(self, normal: np.ndarray, house_var: float):
        matrix = normal.copy()
        matrix[np.diag_indices(matrix.shape[0])] += 1.0 / house_var
        self.cov = np.linalg.inv(matrix)
        self.pending: list[_DayTerm] = []
        self.rank = 0

    def _parts(self, terms: list[_DayTerm], cov_innovations: np.ndarray):
        """``W = cov V`` and ``X = C (I + V' cov V C)^{-1}`` of the terms' ``V C V'``;
        ``cov_innovations`` is ``cov`` times the terms' innovation vectors, in order."""
        columns, blocks, sources = [], [], []
        innovations: list[np.ndarray] = []
        for term in terms:
            columns.append(self.cov[:, term.seen])
            blocks.append(term.block)
            sources.append(term.seen)
            if term.innovation is not None:
                columns.append(cov_innovations[:, [len(innovations)]])
                blocks.append(np.array([[1.0 / term.innov_var]]))
                sources.append(np.array([-1 - len(innovations)]))
                innovations.append(term.innovation)
        cov_v = np.hstack(columns)
        source = np.concatenate(sources)
        gram = np.empty((source.size, source.size))
        picked = source >= 0
        gram[picked] = cov_v[source[picked]]
        if innovations:
            gram[~picked] = np.vstack(innovations)[-1 - source[~picked]] @ cov_v
        c = block_diag(*blocks)
        x = np.linalg.solve(np.eye(c.shape[0]) + c @ gram, c)
        return cov_v, 0.5 * (x + x.T)

    @staticmethod
    def _innovations(terms: list[_DayTerm]) -> list[np.ndarray]:
        return [term.innovation for term in terms if term.innovation is not None]

    def add(self, terms: list[_DayTerm]) -> None:
        """Take in the terms of completed days (folded in once enough have gathered)."""
        self.pending.extend(terms)
        self.rank += sum(term.seen.size + 1 for term in terms)
        if self.rank > self.FOLD_RANK:
            innovations = self._innovations(self.pending)
            cov_innovations = (self.cov @ np.column_stack(innovations) if innovations
                               else np.empty((self.cov.shape[0], 0)))
            cov_v, x = self._parts(self.pending, cov_innovations)
            self.cov -= (cov_v @ x) @ cov_v.T
            self.pending, self.rank = [], 0

    def solve(self, rhs: np.ndarray, columns: np.ndarray,
              terms: list[_DayTerm]) -> tuple[np.ndarray, np.ndarray]:
        """``S rhs`` and the ``columns`` of ``S``, for ``S`` the inverse with the pending
        terms and ``terms`` added; neither is kept."""
        terms = self.pending + terms
        innovations = self._innovations(terms)
        product = self.cov @ np.column_stack([rhs, *innovations])
        solved, picked = product[:, : rhs.shape[1]], self.cov[:, columns]
        if terms:
            cov_v, x = self._parts(terms, product[:, rhs.shape[1]:])
            solved -= cov_v @ (x @ (cov_v.T @ rhs))
            picked -= cov_v @ (x @ cov_v[columns].T)
        return solved, picked


def _house_readout(inverse: _HouseInverse, terms: list[_DayTerm], running: _RunningFilter,
                   counts: np.ndarray, centre: np.ndarray) -> tuple[float, float]:
    """``share @ delta`` and ``share @ Cov(delta) @ share`` of the house effects of the
    running filter (the completed days in ``inverse``, the days still arriving in
    ``terms``), solved as :func:`_house_solve` does (centred by the Schur complement of
    ``centre``) on the pollsters with an estimated effect.

    Holding the effect of a pollster with too few polls at 0 is conditioning the Gaussian
    on it: the free pollsters' inverse is ``S_ff - S_fU S_UU^{-1} S_Uf`` of the full one
    ``S``. Pollsters without a known poll are uncoupled and have zero right-hand side,
    share and centring weight, so they change nothing.
    """
    if np.count_nonzero(counts >= MIN_POLLS_FOR_HOUSE) < 2:
        return 0.0, 0.0
    held = np.flatnonzero((counts > 0) & (counts < MIN_POLLS_FOR_HOUSE))
    keep = np.ones(counts.shape[0])
    keep[held] = 0.0
    share = running.share * keep
    solved, to_held = inverse.solve(np.column_stack([running.rhs * keep, centre, share]),
                                    held, terms)
    if held.size:
        solved = solved - to_held @ np.linalg.solve(to_held[held], solved[held])
    m_rhs, m_c, m_s = solved[:, 0], solved[:, 1], solved[:, 2]
    c_m_c = float(centre @ m_c)
    if c_m_c <= 0:  # no pollster may define the centre: the prior alone anchors
        return float(share @ m_rhs), float(share @ m_s)
    delta = m_rhs - m_c * (float(centre @ m_rhs) / c_m_c)
    return float(share @ delta), float(share @ m_s - float(share @ m_c) ** 2 / c_m_c)


def _start_filter(sorted_mid: np.ndarray, day_starts: np.ndarray, stop: int, y, v, pollster,
                  n_j: int, fit: _Variances) -> tuple[_RunningFilter, _HouseInverse]:
    """The running filter and house inverse after the first ``stop`` poll days, in one
    batch (:func:`_house_normal_state`) rather than day by day."""
    complete = _RunningFilter(n_j)
    if stop == 0:
        return complete, _HouseInverse(np.zeros((n_j, n_j)), fit.house_sd**2)
    end = int(day_starts[stop]) if stop < day_starts.size else sorted_mid.size
    day = (sorted_mid[:end] - sorted_mid[0]).astype(np.int64)
    new_day = np.r_[True, day[1:] != day[:-1]]
    starts = day_starts[:stop]
    dp = _DayPolls(first_day=int(sorted_mid[0]), n_days=int(day[-1]) + 1, day=day,
                   starts=starts, obs_day=day[starts], day_of_poll=np.cumsum(new_day) - 1,
                   y=y[:end], v=v[:end], pollster=pollster[:end], n_pollsters=n_j,
                   rows=np.arange(end))
    normal, rhs, state = _house_normal_state(dp, fit.walk_sd**2, fit.nonsampling_sd**2)
    complete.start_from(int(sorted_mid[starts[-1]]), state, rhs)
    return complete, _HouseInverse(normal, fit.house_sd**2)


def _segment_polls(table: PollTable, n_known: np.ndarray):
    """The polls a segment knows by its last day, in midpoint order: the midpoint of the
    earliest-midpoint poll among those ended after each number of polls, pollster codes
    (in table order), the order, and the sorted midpoints, values, variances, codes."""
    mid = table.mid_day
    pending_mid = np.r_[np.minimum.accumulate(mid[::-1])[::-1], np.iinfo(np.int64).max]
    codes = np.unique(table.pollster[: int(n_known.max())], return_inverse=True)[1]
    order = np.argsort(mid[: codes.size], kind="stable")
    return (pending_mid, codes, order, mid[order], table.pct[order],
            table.error_var[order], codes[order])


def _count_known(counts: np.ndarray, counted: np.ndarray, codes: np.ndarray,
                 centre_codes: np.ndarray, new: slice, params: KalmanParams) -> np.ndarray:
    """Add the polls ``new`` to each pollster's ``counts`` and ``counted`` (its polls that
    may define the centre: ``centre_codes`` -1 for the others), in place; the centring
    weights of the polls known now."""
    counts += np.bincount(codes[new], minlength=counts.shape[0])
    new_codes = centre_codes[new]
    counted += np.bincount(new_codes[new_codes >= 0], minlength=counts.shape[0])
    return centring_weights(counts, params.centre_half_count, counted)


def _realtime_segment(table: PollTable, days: np.ndarray, n_known: np.ndarray,
                      fit: _Variances, params: KalmanParams):
    """Real-time values on ``days`` (ascending) with the variances of ``fit``.

    ``n_known[i]`` polls (the first rows of ``table``) ended by ``days[i]``. One filter pass
    in midpoint order serves every day: the days whose polls are all known come from the
    pass (low-rank updates of the house inverse), the later ones are filtered again with the
    polls known that day (a low-rank correction); see the module docstring.
    """
    walk_var = fit.walk_sd**2
    pending_mid, codes, order, sorted_mid, y, v, pollster = _segment_polls(table, n_known)
    n_j = int(codes.max()) + 1
    w = 1.0 / (v + fit.nonsampling_sd**2)
    day_starts = np.flatnonzero(np.r_[True, sorted_mid[1:] != sorted_mid[:-1]])
    day_ends = np.r_[day_starts[1:], sorted_mid.size]
    day_mids = sorted_mid[day_starts]

    def step(running: _RunningFilter, rows) -> _DayTerm:
        return running.step(int(sorted_mid[rows[0]]), y[rows], w[rows], pollster[rows],
                            walk_var)

    complete: _RunningFilter | None = None
    next_day = 0  # first day (in day_starts) not yet taken into ``complete``
    out_est, out_var = np.empty(days.shape[0]), np.empty(days.shape[0])
    counts, counted = np.zeros(n_j, dtype=np.int64), np.zeros(n_j, dtype=np.int64)
    centre_codes = np.where(table.flagged[: codes.size], -1, codes)
    last_n, estimate, variance, last_day = -1, np.nan, np.nan, 0
    for i, (day, n) in enumerate(zip(days.tolist(), n_known.tolist(), strict=True)):
        if n != last_n:  # otherwise no poll ended since the previous day: same filter
            # Days before ``settled`` hold all their polls.
            stop = int(np.searchsorted(day_mids, pending_mid[n], side="left"))
            if complete is None:
                complete, inverse = _start_filter(sorted_mid, day_starts, stop, y, v,
                                                  pollster, n_j, fit)
            else:
                terms = [step(complete, np.arange(day_starts[d], day_ends[d]))
                         for d in range(next_day, stop)]
                if params.house_effects and n_j > 1:
                    inverse.add(terms)
            next_day = stop
            running, tail_terms = complete, []
            first_tail = day_starts[next_day] if next_day < day_starts.size else y.size
            tail = first_tail + np.flatnonzero(order[first_tail:] < n)
            if tail.size:
                running = complete.copy()
                for same_day in np.split(tail, np.flatnonzero(np.diff(sorted_mid[tail])) + 1):
                    tail_terms.append(step(running, same_day))
            estimate, variance, last_day = running.mean, running.var, running.day
            if params.house_effects and n_j > 1:
                centre = _count_known(counts, counted, codes, centre_codes,
                                      slice(max(last_n, 0), n), params)
                shift, house_variance = _house_readout(inverse, tail_terms, running, counts,
                                                       centre)
                if params.centre_drift:
                    house_variance += centre_drift_variance(counted, centre, fit.house_sd)
                estimate, variance = estimate - shift, variance + house_variance
            last_n = n
        out_est[i] = estimate
        out_var[i] = variance + walk_var * max(day - last_day, 0)
    return out_est, out_var


def kalman_house_effects(table: PollTable, params: KalmanParams | None = None,
                         model_fit: KalmanFit | None = None,
                         alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """House effects with ``1 - alpha`` intervals from a fit on all polls of ``table``
    (``model_fit`` if the caller has it, else fitted here)."""
    params = params or KalmanParams()
    fit = model_fit if model_fit is not None else fit_kalman(table, params)
    sd = np.sqrt(np.clip(np.diag(fit.delta_cov), 0.0, None))
    # A pollster with too few polls has no estimated effect (0): its interval is the
    # prior's, as for any pollster about whom the polls say nothing.
    sd = np.where(fit.n_polls >= MIN_POLLS_FOR_HOUSE, sd, fit.house_sd)
    z = z_value(alpha)
    return pd.DataFrame(
        {
            "pollster": fit.pollster_names.astype(object),
            "effect": fit.delta,
            "lower": fit.delta - z * sd,
            "upper": fit.delta + z * sd,
            "n_polls": fit.n_polls.astype(np.int64),
        }
    )
