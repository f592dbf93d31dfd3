"""The detection methods, each over a matrix of weekly counts `Y[cell, week]`, returning for every
week t the expected count, a score and a flag computed only from weeks up to t (no peeking).

All are vectorised over cells so that the evaluation can replay a year of weeks many times.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
from scipy import special

from ledger.hazards.flags import HISTORY_WEEKS

# ---- shared ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """Per cell and week: what was expected, how unusual the count is, and whether it fired."""

    expected: np.ndarray  # float [cells, weeks]
    score: np.ndarray  # method-specific: z-score or -log10(p)
    flag: np.ndarray  # bool [cells, weeks]


def _lagged_window_sum(Y: np.ndarray, start_lag: int, length: int) -> np.ndarray:
    """For each week t, the sum of Y over weeks t-start_lag-length+1 … t-start_lag (0 where the
    window runs off the start)."""
    padded = np.concatenate([np.zeros((Y.shape[0], start_lag + length)), Y], axis=1)
    cumulative = np.cumsum(padded, axis=1)
    end = np.arange(Y.shape[1]) + length  # index in padded of week t-start_lag
    return cumulative[:, end] - cumulative[:, end - length]


# ---- 1. EARS C2/C3 --------------------------------------------------------------------------

EARS_BASELINE, EARS_GUARD, EARS_THRESHOLD, EARS_MIN_SIGMA = 7, 2, 3.0, 0.5


def ears(Y: np.ndarray) -> Result:
    """EARS C2 (Hutwagner et al. 2003): mean and SD of the 7 weeks before a 2-week guard band;
    z = (y - mean) / max(SD, 0.5). Fires on C2 > 3, never on fewer than 2 disputes in the week.
    (C3, the sum of three weeks' excesses, was tried and dropped: on this data it doubled the
    false alarms for no gain in detection.)"""
    lag = EARS_GUARD + 1
    total = _lagged_window_sum(Y, lag, EARS_BASELINE)
    squares = _lagged_window_sum(Y ** 2, lag, EARS_BASELINE)
    mean = total / EARS_BASELINE
    var = np.maximum(squares - EARS_BASELINE * mean ** 2, 0) / (EARS_BASELINE - 1)
    sigma = np.maximum(np.sqrt(var), EARS_MIN_SIGMA)
    c2 = (Y - mean) / sigma
    flag = (c2 > EARS_THRESHOLD) & (Y >= 2)
    flag[:, :EARS_GUARD + EARS_BASELINE + 1] = False  # no full baseline yet
    return Result(mean, c2, flag)


# ---- 2. seasonal model (the improved Farrington method, Noufaily et al. 2013, in spirit) --------

SEASON_BINS = ((-12, -9), (-8, -5), (-4, -1), (0, 2), (3, 8))  # weeks from the Spring Festival
TREND_MIN_WEEKS = 78  # a trend is fitted only on a year and a half of history or more
TREND_MIN_DISPUTES = 20  # and, for a cell's own trend, on at least this many disputes
RECENT_GUARD = 3  # weeks before t left out of the fit, so that a rise under way cannot raise its own baseline
REWEIGHT_LIMIT = 2.58  # Anscombe residual above which a past week is down-weighted (Noufaily et al.)
SEASON_PRIOR = 10.0  # pseudo-disputes pulling an industry's festival effect toward the province's
WINDOWS = (1, 2, 4)  # the week, and the sums of the last two and four weeks (rises spread over weeks)
MIN_EVIDENCE = 3  # disputes (size-weighted) in the window that fires: "2 against 0.05" is not evidence
ALARM_BUDGET = 1.0  # expected false flags a week for the whole province (all cells, all windows)
ALPHA_MAX = 0.005  # and never a looser p-value than this in any one cell and window (set on demo seed 42 and CLB 2013)
HALF_LIFE = 52  # weeks: a week a year older weighs half as much in the level and trend (growth slows and turns)
LEVEL_FLOOR = 0.5  # a cell that never had a dispute is expected half a dispute over its history


def festival_bins(weeks: list[date], festivals: list[date]) -> np.ndarray:
    """For each week (a Monday), its seasonal bin: 0 for ordinary weeks, 1… for the bins of weeks
    relative to the nearest Spring Festival (a moving date, not a calendar month)."""
    bins = np.zeros(len(weeks), dtype=int)
    for i, monday in enumerate(weeks):
        nearest = min(festivals, key=lambda f: abs((f - monday).days))
        offset = (monday - (nearest - timedelta(days=nearest.weekday()))).days // 7
        for b, (low, high) in enumerate(SEASON_BINS, start=1):
            if low <= offset <= high:
                bins[i] = b
    return bins


@dataclass(frozen=True)
class Baseline:
    """What the seasonal model expects of week t, per cell: the level and trend of its fit, the
    festival factors of its group and its over-dispersion."""

    level: np.ndarray  # expected disputes in week t outside festival bins [cells]
    slope: np.ndarray  # log-linear trend per year [cells] (0 where none is supported)
    season: np.ndarray  # festival factor per cell and bin [cells, bins]
    phi: np.ndarray  # over-dispersion [cells]

    def expected(self, bins: np.ndarray, t: int, weeks: int) -> np.ndarray:
        """The expected sum over weeks t-weeks+1 … t."""
        back = np.arange(weeks)
        factor = np.exp(-self.slope[:, None] * back[None, :] / 52.0) * self.season[:, bins[t - back]]
        return self.level * factor.sum(axis=1)


def _seasons(H: np.ndarray, hb: np.ndarray, groups: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """Festival factor per group and bin: the group's count in the bin's weeks against its
    ordinary weekly rate times the weeks' exposure (the province's trend, so that growth is not
    taken for a season), shrunk toward the province's factor by SEASON_PRIOR pseudo-disputes: an
    industry with few disputes keeps the province's shape and a busy one gets its own."""
    n_bins = len(SEASON_BINS) + 1
    in_bin = (hb[:, None] == np.arange(n_bins)[None, :]).astype(float)  # [weeks, bins]
    weeks_in, exposed = in_bin.sum(axis=0), exposure @ in_bin
    observed = np.zeros((groups.max() + 1, n_bins))
    np.add.at(observed, groups, H @ in_bin)
    ordinary = observed[:, 0] / max(exposed[0], 1e-9)
    province = observed.sum(axis=0) / np.maximum(exposed, 1e-9) / max(ordinary.sum(), 1e-9)
    shrunk = (observed + SEASON_PRIOR * province) / (ordinary[:, None] * exposed + SEASON_PRIOR)
    season = np.where(weeks_in >= 2, np.maximum(shrunk, 0.2), 1.0)
    season[:, 0] = 1.0
    return season


def _loglinear(H: np.ndarray, tau: np.ndarray, offset: np.ndarray, w: np.ndarray, iterations: int = 10):
    """Weighted Poisson fits of log mu = a + b·tau + offset, one per row, by Newton's method on
    the two parameters (vectorised over rows). Returns a, b, the fitted mu and var(b)."""
    e = np.exp(offset)
    a = np.log(np.maximum((w * H).sum(axis=1), 1e-3) / np.maximum((w * e).sum(axis=1), 1e-12))
    b = np.zeros(H.shape[0])
    for step in range(iterations + 1):
        mu = np.exp(a[:, None] + b[:, None] * tau[None, :]) * e
        i_aa, i_ab, i_bb = (w * mu).sum(axis=1), (w * mu * tau).sum(axis=1), (w * mu * tau ** 2).sum(axis=1)
        det = np.maximum(i_aa * i_bb - i_ab ** 2, 1e-12)
        if step == iterations:
            return a, b, mu, i_aa / det
        r = w * (H - mu)
        u_a, u_b = r.sum(axis=1), (r * tau).sum(axis=1)
        a = a + np.clip((i_bb * u_a - i_ab * u_b) / det, -3, 3)
        b = b + np.clip((i_aa * u_b - i_ab * u_a) / det, -3, 3)


def _recency(tau: np.ndarray) -> np.ndarray:
    """Weights of past weeks (tau in years before t) halving every HALF_LIFE weeks, mean 1."""
    weights = 0.5 ** (-tau * 52 / HALF_LIFE)
    return weights / weights.mean()


def _dispersion(H: np.ndarray, mu: np.ndarray, w: np.ndarray, parameters: int) -> np.ndarray:
    dof = np.maximum(H.shape[1] - parameters, 1)
    return np.clip((w * (H - mu) ** 2 / np.maximum(mu, 1e-9)).sum(axis=1) / dof, 1.0, 10.0)


def fit_baseline(Y: np.ndarray, bins: np.ndarray, t: int, groups: np.ndarray | None = None) -> Baseline:
    """The seasonal model's baseline for week t, from the HISTORY_WEEKS before it less the guard:

    log E[y(c, w)] = a(c) + b(c)·(w − t)/52 + log season(group(c), bin(w))

    - season: festival-relative factors per group (industry), shrunk toward the province's;
    - trend: the province's log-linear trend where it is significant (|z| > 1.96, quasi-Poisson)
      on TREND_MIN_WEEKS or more, replaced by a cell's own where that differs significantly and
      rests on TREND_MIN_DISPUTES disputes: coverage and real change both grow the counts;
    - recent weeks count more (weights halving every HALF_LIFE weeks back), so that a trend that
      slows or turns is followed (China Labour Bulletin's Guangdong counts tripled in 2012 and
      grew by half in 2013);
    - past outbreaks are down-weighted, not dropped: weeks whose Anscombe residual exceeds 2.58
      get weight ∝ residual⁻² (Farrington; Noufaily et al. 2013), and the model is refitted;
    - over-dispersion φ from the weighted Pearson residuals, at least 1.
    """
    groups = np.zeros(Y.shape[0], dtype=int) if groups is None else groups
    hist = slice(max(0, t - HISTORY_WEEKS), max(1, t - RECENT_GUARD))
    H, hb = Y[:, hist], bins[hist]
    n = H.shape[1]
    tau = (np.arange(hist.start, hist.stop) - t) / 52.0
    trended = n >= TREND_MIN_WEEKS
    province = 0.0
    season = _seasons(H, hb, groups, np.ones(n))[groups]
    if trended:  # the province's trend given the seasons, then the seasons given the trend
        total = H.sum(axis=0, keepdims=True)
        shape = np.log(np.maximum((season[:, hb] * H.sum(axis=1, keepdims=True)).sum(axis=0) / max(H.sum(), 1e-9), 1e-9))
        recency = _recency(tau)[None, :]
        _, b, mu, var_b = _loglinear(total, tau, shape[None, :], recency)
        if abs(b[0]) > 1.96 * np.sqrt(_dispersion(total, mu, recency, 2)[0] * var_b[0]):
            province = float(b[0])
            season = _seasons(H, hb, groups, np.exp(province * tau))[groups]
    offset = np.log(season[:, hb])
    seen = H.sum(axis=1) > 0
    with_province = offset + province * tau[None, :]
    level = LEVEL_FLOOR / np.exp(with_province).sum(axis=1)  # cells without history: the floor
    slope, phi = np.full(len(level), province), np.ones(len(level))
    level[seen], slope[seen], phi[seen] = _cell_levels(H[seen], tau, offset[seen], with_province[seen], province, trended)
    return Baseline(level, slope, season, phi)


def _cell_levels(H: np.ndarray, tau: np.ndarray, offset: np.ndarray, with_province: np.ndarray, province: float,
                 trended: bool):
    """Level, slope and over-dispersion of cells with history (fit_baseline): the province's trend
    (`with_province` is the offset with it), or a cell's own where it differs significantly;
    fitted, down-weighted and refitted."""
    n = H.shape[1]
    w = np.ones_like(H) * _recency(tau)[None, :]
    busy = np.nonzero(H.sum(axis=1) >= TREND_MIN_DISPUTES)[0] if trended else np.array([], dtype=int)
    for refit in (False, True):
        a0 = np.log(np.maximum((w * H).sum(axis=1), LEVEL_FLOOR) / np.maximum((w * np.exp(with_province)).sum(axis=1), 1e-12))
        mu = np.exp(a0[:, None] + with_province)
        slope, level = np.full(len(a0), province), np.exp(a0)
        if busy.size:
            a, b, mu_own, var_b = _loglinear(H[busy], tau, offset[busy], w[busy])
            own = np.abs(b - province) > 1.96 * np.sqrt(_dispersion(H[busy], mu_own, w[busy], 2) * var_b)
            rows = busy[own]
            mu[rows], slope[rows], level[rows] = mu_own[own], b[own], np.exp(a[own])
        phi = _dispersion(H, mu, w, 2 if trended else 1)
        if not refit:
            anscombe = 1.5 * (np.cbrt(H ** 2) - np.cbrt(mu ** 2)) / (np.maximum(mu, 1e-9) ** (1 / 6) * np.sqrt(phi)[:, None])
            down = np.where(anscombe > REWEIGHT_LIMIT, 1 / np.maximum(anscombe, 1e-9) ** 2, 1.0)
            w = w * down * (n / (w * down).sum(axis=1, keepdims=True))
    return level, slope, phi


def nb_tail(y: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """P(Y ≥ y) for a negative binomial with mean mu and variance phi·mu (Poisson when phi = 1),
    by the regularised incomplete beta and gamma functions; a size-weighted count is taken at its
    whole part (conservative)."""
    y, mu, phi = np.broadcast_arrays(np.floor(y), np.maximum(mu, 1e-12), phi)
    size = mu / np.maximum(phi - 1, 1e-9)
    tail = np.where(phi > 1.0001, special.betainc(np.maximum(y, 1), size, mu / (size + mu)),
                    special.gammainc(np.maximum(y, 1), mu))
    return np.where(y <= 0, 1.0, tail)


def _first_below(mu: np.ndarray, phi: np.ndarray, alpha: np.ndarray, lowest: int, highest: int) -> np.ndarray:
    """The smallest count y in lowest … highest with P(Y ≥ y) < alpha, for every (alpha, cell)
    pair the arrays broadcast to (highest + 1 where there is none), by bisection: the tail falls
    with y, so a few dozen tail evaluations per pair do what a table of every count would, which
    at ten million items is thousands of counts per cell."""
    shape = np.broadcast_shapes(mu.shape, alpha.shape)
    low, high = np.full(shape, lowest), np.full(shape, highest + 1)
    while (open_ := low < high).any():
        mid = (low + high) // 2
        below = open_ & (nb_tail(mid, mu, phi) < alpha)
        high = np.where(below, mid, high)
        low = np.where(open_ & ~below, mid + 1, low)
    return low


def budget_alpha(mus: list[np.ndarray], phi: np.ndarray) -> float:
    """The loosest p-value threshold (≤ ALPHA_MAX) at which the province's expected false flags
    in a week, summed over every cell and window under the model, stay within ALARM_BUDGET.

    Counts are discrete: a cell expecting 0.05 cannot reach a small p-value with fewer than
    MIN_EVIDENCE disputes, so its real chance of a false flag is far below the threshold; summing
    the attainable sizes (not the threshold) spends the budget where a flag is possible."""
    alphas = np.logspace(-8, np.log10(ALPHA_MAX), 33)
    spent = np.zeros(len(alphas))
    for mu in mus:
        possible = mu > 1e-4  # below, even MIN_EVIDENCE disputes have a chance under 1e-8
        if not possible.any():
            continue
        m, f = mu[possible][None, :], phi[possible][None, :]
        highest = max(MIN_EVIDENCE, int(np.ceil((m + 8 * np.sqrt(f * m)).max())) + 5)
        y = _first_below(m, f, alphas[:, None], MIN_EVIDENCE, highest)  # [alphas, cells]
        spent += np.where(y <= highest, nb_tail(y, m, f), 0.0).sum(axis=1)
    within = np.nonzero(spent <= ALARM_BUDGET)[0]
    return float(alphas[within[-1]]) if within.size else float(alphas[0])


@dataclass(frozen=True)
class SeasonalResult(Result):
    """The seasonal model's result, with the window of weeks whose count was the least probable
    (1, 2 or 4) and what was expected over it, and the week's threshold (set by the alarm budget)."""

    window: np.ndarray  # int [cells, weeks]
    window_expected: np.ndarray  # float [cells, weeks]
    alpha: np.ndarray  # float [weeks]


def seasonal(Y: np.ndarray, bins: np.ndarray, first: int = 0, last: int | None = None,
             groups: np.ndarray | None = None) -> SeasonalResult:
    """The seasonal model (fit_baseline) for every week t from `first` to `last`: a cell is flagged
    when the count of the week, or of the last two or four weeks, is improbable under its
    negative-binomial baseline: p below the week's threshold (budget_alpha), with at least
    MIN_EVIDENCE disputes in that window and one in the week itself. The score is −log10 of the
    smallest p, multiplied by the number of windows (Bonferroni).

    `Y` may weigh disputes by size (Series.W): one dispute of ten thousand workers then counts for
    more than one of twenty; `groups` (a cell's industry) gives festival effects per group."""
    cells, n_weeks = Y.shape
    expected, score = np.zeros((cells, n_weeks)), np.zeros((cells, n_weeks))
    window, window_expected = np.ones((cells, n_weeks), dtype=int), np.zeros((cells, n_weeks))
    flag = np.zeros((cells, n_weeks), dtype=bool)
    alpha = np.full(n_weeks, np.nan)
    for t in range(max(first, 8), n_weeks if last is None else min(last + 1, n_weeks)):
        baseline = fit_baseline(Y, bins, t, groups)
        windows = [w for w in WINDOWS if w <= t]
        mus = [baseline.expected(bins, t, w) for w in windows]
        alpha[t] = budget_alpha(mus, baseline.phi)
        best = np.full(cells, np.inf)  # the smallest p, fired windows first
        for w, mu in zip(windows, mus):
            observed = Y[:, t - w + 1:t + 1].sum(axis=1)
            p = nb_tail(observed, mu, baseline.phi)
            fires = (p < alpha[t]) & (observed >= MIN_EVIDENCE)
            rank = np.where(fires, p - 1.0, p)  # a fired window ranks before any that did not fire
            better = rank < best
            best = np.where(better, rank, best)
            window[better, t], window_expected[better, t] = w, mu[better]
            flag[:, t] |= fires
        expected[:, t] = mus[0]
        p_best = np.where(best < 0, best + 1.0, best)
        score[:, t] = -np.log10(np.clip(p_best * len(windows), 1e-300, 1.0))
        flag[:, t] &= Y[:, t] >= 1
    return SeasonalResult(expected, score, flag, window, window_expected, alpha)


# ---- 3. naive reference ---------------------------------------------------------------------

def naive(Y: np.ndarray) -> Result:
    """ACLED's surge rule: more than twice the mean of the previous four weeks, where that mean
    is at least one dispute per four weeks. The yardstick the other methods must beat."""
    mean = _lagged_window_sum(Y, 1, 4) / 4
    flag = (Y > 2 * mean) & (mean >= 0.25)
    flag[:, :4] = False  # no four weeks before yet
    return Result(mean, Y / np.maximum(mean, 1e-9), flag)


# ---- 4. Getis-Ord Gi* hot spots tracked over time (emerging hot spot analysis) ---------------

HOT_Z, TREND_WEEKS, ROLLING = 1.96, 12, 4


@lru_cache(maxsize=4)
def _knn_weights(coordinates: tuple[tuple[float, float], ...], neighbours: int):
    from libpysal.weights import KNN

    weights = KNN.from_array(np.array(coordinates), k=neighbours)
    weights.transform = "B"
    return weights


def gi_star(Y: np.ndarray, coordinates: np.ndarray, first: int = 0, last: int | None = None,
            neighbours: int = 6) -> Result:
    """Local Gi* (Getis & Ord 1992; esda.G_Local with star=True and binary weights on the k
    nearest counties: Dongguan's and Zhongshan's towns have no polygons for contiguity) on 4-week
    rolling sums, for weeks `first` to `last`. A county is hot when z > 1.96 on at least 3 disputes."""
    from esda.getisord import G_Local

    weights = _knn_weights(tuple(map(tuple, coordinates)), neighbours)
    rolling = _lagged_window_sum(Y, 0, ROLLING)
    z = np.zeros(Y.shape)
    for t in range(first, Y.shape[1] if last is None else last + 1):
        if rolling[:, t].sum() > 0:
            z[:, t] = G_Local(rolling[:, t], weights, star=True, transform="B", permutations=0).Zs
    expected = rolling.mean(axis=0, keepdims=True).repeat(Y.shape[0], axis=0)
    return Result(expected, z, (z > HOT_Z) & (rolling >= 3))


def emerging_categories(result: Result, t: int) -> dict[int, str]:
    """For each county hot in week t, its category over the last 12 weeks, as in ArcGIS's emerging
    hot spot analysis with a Mann-Kendall trend test on the Gi* z-scores (pymannkendall): new,
    consecutive, intensifying, persistent, diminishing or sporadic. `result` must cover those weeks."""
    import pymannkendall

    window = slice(max(0, t - TREND_WEEKS + 1), t + 1)
    categories = {}
    for c in np.nonzero(result.flag[:, t])[0]:
        history = result.flag[c, window]
        trend = pymannkendall.original_test(result.score[c, window]).trend if history.size >= 4 else "no trend"
        if history[:-1].sum() == 0:
            categories[int(c)] = "new"
        elif history.mean() >= 0.9:
            categories[int(c)] = {"increasing": "intensifying", "decreasing": "diminishing"}.get(trend, "persistent")
        elif history[-2]:
            categories[int(c)] = "consecutive"
        else:
            categories[int(c)] = "sporadic"
    return categories
