"""The notice's targets evaluated on a result: value, target, unit, met, probability of meeting it and its error.

"met" for an outcome means: the probability over draws of meeting the target is at least the scenario's
``targets.required_probability``. Money rules and programme inputs are deterministic (probability 0 or 1).
The probability carries its Monte Carlo standard error (draws are independent, so binomial), computed with the
Laplace-smoothed share p̃ = (k + 1) / (n + 2): a result met in 0 of n draws does not claim zero error.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from model.engine.plan import industry_funds_10k_yuan, total_funds_10k_yuan
from model.engine.reference import TERMS
from model.engine.result import SimulationResult
from model.schema import calibration, fieldspec

OUTCOME_KEYS = ("N1", "N2", "N3", "N4", "below_line")
ASSESSMENT_YEAR = 2023  # the notice's year; a run from another base year is judged on its own first year
# The channels of the decomposition: every term of the engine's components but the trend, each once, in the
# engine's order (production's, then wage's, property's and transfer's own) — derived, so the two cannot drift.
CHANNELS: tuple[str, ...] = tuple(dict.fromkeys(term for terms in TERMS.values() for term in terms if term != "trend"))


def p_met_standard_error(probability: float, draws: int) -> float:
    """Monte Carlo standard error of a share of ``draws`` independent draws, Laplace-smoothed (never 0)."""
    smoothed = (probability * draws + 1) / (draws + 2)
    return float(np.sqrt(smoothed * (1 - smoothed) / max(draws, 1)))


def assessment_year(result: SimulationResult) -> int:
    """The year the notice's outcome targets are about: the first projected year (2023 from a 2022 table)."""
    return result.base_year + 1


CHECK_KEYS = (*OUTCOME_KEYS, "N5", "N6", "N7", "N9", "N11", "N15", "N18")  # every check, in the notice's order


@dataclass(frozen=True)
class TargetCheck:
    """One target of the notice, checked on one scenario."""

    key: str
    label_zh: str
    label_en: str
    kind: str  # "result" or "input"
    value: float | None
    target: float | None
    comparison: str  # ">=", "<=" or "=="
    unit: str
    met: bool | None
    probability: float | None = None
    p10: float | None = None
    p90: float | None = None
    period: str = ""
    detail: dict | None = None
    p_met_se: float | None = None
    draws: int | None = None
    sd: float | None = None  # standard deviation of the value over draws (an outcome's Monte Carlo spread)

    def label(self, lang: str) -> str:
        """The target's label in ``lang``."""
        return self.label_zh if lang == "zh" else self.label_en

    @property
    def value_se(self) -> float | None:
        """Monte Carlo standard error of the mean ``value`` (an outcome over draws; None for a rule)."""
        if self.sd is None or not self.draws:
            return None
        return self.sd / math.sqrt(self.draws)

    def as_dict(self) -> dict:
        """Plain JSON-ready dict; ``p_met`` repeats ``probability`` under the name the brief and sweeps use."""
        out = {k: v for k, v in asdict(self).items() if v is not None or k in ("value", "met")}
        if self.probability is not None:
            out["p_met"] = self.probability
        if self.value_se is not None:
            out["value_se"] = self.value_se
        return out


def p_met_se(check: TargetCheck) -> float | None:
    """The standard error of ``check.probability``: binomial for a check made per draw, 0 for a deterministic one.

    None for a check without a probability (no target).
    """
    if check.probability is None:
        return None
    return check.p_met_se if check.p_met_se is not None else 0.0


def p_met_text(check: TargetCheck) -> str:
    """P(met) as "22% ± 4%" with its Monte Carlo standard error ("± 0.3%" below one point), "100%" for a rule.

    One form for the page's cards, the brief and the command line; "—" for a check without a probability.
    """
    if check.probability is None:
        return "—"
    if check.p_met_se is None:
        return f"{check.probability:.0%}"
    se = check.p_met_se
    return f"{check.probability:.0%} ± {se:.1%}" if se < 0.01 else f"{check.probability:.0%} ± {se:.0%}"


def _outcome(
    key,
    zh,
    en,
    draws: np.ndarray,
    target: float,
    comparison: str,
    unit: str,
    required: float,
    period: str,
    detail: dict | None = None,
) -> TargetCheck:
    ok = draws >= target - 1e-12 if comparison == ">=" else draws <= target + 1e-12
    probability = float(ok.mean())
    return TargetCheck(
        p_met_se=p_met_standard_error(probability, len(draws)),
        draws=len(draws),
        sd=float(np.std(draws, ddof=1)) if len(draws) > 1 else 0.0,
        key=key,
        label_zh=zh,
        label_en=en,
        kind="result",
        value=float(draws.mean()),
        target=target,
        comparison=comparison,
        unit=unit,
        met=probability >= required,
        probability=probability,
        p10=float(np.percentile(draws, 10)),
        p90=float(np.percentile(draws, 90)),
        period=period,
        detail=detail,
    )


def _rule(key: str, path: str, value: float, comparison: str = ">=") -> TargetCheck:
    spec = fieldspec.by_path()[path]
    target = spec.floor if spec.floor is not None else spec.target
    met = None if target is None else bool(value >= target - 1e-9 if comparison == ">=" else value == target)
    return TargetCheck(
        key=key,
        label_zh=spec.label_zh,
        label_en=spec.label_en,
        kind="input",
        value=float(value),
        target=target,
        comparison=comparison,
        unit=spec.unit,
        met=met,
        probability=None if met is None else float(met),
        period="每年 / per year",
    )


def growth_decomposition(result: SimulationResult, component: str, year: int) -> dict[str, float]:
    """Growth of a component's city total in ``year`` split into organic growth and each channel (shares).

    The parts add up to the mean growth over draws: organic = the trend term's growth over the previous year's
    level (with the shocks' and clamping's share), each channel its expected yuan over that level.
    """
    terms = result.decomposition(component, year)
    before = max(result.ytd_income(component, f"{year - 1}Q4").sum(axis=0).mean(), 1e-9)  # as ytd_growth
    out = {"organic": (terms.pop("trend") - before) / before}
    out.update({name: value / before for name, value in terms.items()})
    return out


def _if_2022_repeats(result: SimulationResult, component: str, year: int) -> dict:
    """N1/N2 if the year's organic growth were 2022's fitted rate instead of the projection's (≈, linear).

    The trend term grows with (1 + g); shifting g from the scenario's value m to 2022's rate moves the growth by
    (g₂₀₂₂ − m)/(1 + m) × (1 + organic share). Only production and wage have a fitted 2022 rate of their own.
    """
    key = f"fitted.organic_growth_{component}_{year - 1}"
    if key not in calibration.figures():
        return {}
    rate_2022 = calibration.value(key)
    m = getattr(result.scenario.assumptions, f"organic_growth_{component}")
    organic = growth_decomposition(result, component, year)["organic"]
    value = float(result.growth(component, year).mean() + (rate_2022 - m) / (1 + m) * (1 + organic))
    return {"if_2022_repeats": {"organic_rate": rate_2022, "value": value}}


def evaluate_targets(result: SimulationResult) -> dict[str, TargetCheck]:
    """Every target of the notice the model can check, keyed ``N1``, ``N2`` ... plus ``below_line``."""
    s = result.scenario
    required = s.targets.required_probability
    out: dict[str, TargetCheck] = {}
    year = assessment_year(result)
    q4 = f"{year}Q4"
    counties = result.counties
    if year in result.years:
        for key, component, floor, zh, en in (
            ("N1", "production", 0.20, "生产经营性收入增幅", "growth of production/operating income"),
            ("N2", "property", 0.18, "财产性收入增幅", "growth of property income"),
        ):
            out[key] = _outcome(
                key,
                f"{year}年{zh}",
                f"{year} {en}",
                result.growth(component, year),
                floor,
                ">=",
                "share, year on year",
                required,
                f"{year} vs {year - 1}",
                detail={
                    "decomposition": growth_decomposition(result, component, year),
                    **_if_2022_repeats(result, component, year),
                },
            )
        i = result.quarters.index(q4)
        points = result.points_lost[:, i]
        year_quarters = [result.quarters.index(f"{year}Q{k}") for k in range(1, 5)]
        by_quarter = result.city_falling[year_quarters]  # quarter × draw
        scope_zh, scope_en = result.total_name
        out["N3"] = _outcome(
            "N3",
            f"{scope_zh}生产经营收入下降户占比（年内最高季度，年度累计）",
            f"{scope_en.capitalize()} share of households whose production income fell"
            " (worst quarter of the year, year to date)",
            by_quarter.max(axis=0),
            s.targets.falling_share_max,
            "<=",
            "share 0–1 of households",
            required,
            str(year),
            detail={
                "share_by_quarter": {f"{year}Q{k + 1}": float(by_quarter[k].mean()) for k in range(4)},
                "points_lost_by_county": {c: float(points[k].mean()) for k, c in enumerate(counties)},
                "points_per_percentage_point": 0.5,
            },
        )
        flagged_draws = result.wudan_over([f"{year}Q{k}" for k in range(1, 5)])  # county × draw
        flag_probability = flagged_draws.mean(axis=1)
        out["N4"] = _outcome(
            "N4",
            "纳入“五单式”管理的县数（期望值）",
            "Counties under “five-list” management (expected number)",
            flagged_draws.sum(axis=0).astype(float),
            0.0,
            "<=",
            "counties",
            required,
            str(year),
            detail={
                "rule": "average points lost per quarter in the year ≥ targets.wudan_points_threshold; "
                "counties: flagged in at least half of the draws",
                "counties": [c for k, c in enumerate(counties) if flag_probability[k] >= 0.5],
                "probability_by_county": {c: float(flag_probability[k]) for k, c in enumerate(counties)},
            },
        )
        yi = result.years.index(year)
        households = result.households.sum()
        out["below_line"] = _outcome(
            "below_line",
            "人均纯收入低于监测线的户占比（帮扶后）",
            "Share of households below the monitoring line (after assistance)",
            result.below[:, yi].sum(axis=0) / households,
            s.targets.below_line_share_max,
            "<=",
            "share 0–1 of households",
            required,
            str(year),
            detail={
                "monitoring_line_yuan_per_capita": s.simulation.monitoring_line_yuan,
                "share_before_assistance": float((result.below_before[:, yi].sum(axis=0) / households).mean()),
                "assistance_cost_10k_yuan": float(result.annual(result.assistance, year).sum(axis=0).mean() / 1e4),
                "assistance_cost_10k_yuan_p90": float(
                    np.percentile(result.annual(result.assistance, year).sum(axis=0) / 1e4, 90)
                ),
            },
        )
    f = s.funds
    out["N5"] = _rule("N5", "funds.industry_share_central", f.industry_share_central)
    out["N6"] = _rule("N6", "funds.industry_share_provincial", f.industry_share_provincial)
    industry_million = industry_funds_10k_yuan(s) * result.programme_scale / 100
    linked = float(result.linked_by_county.sum())
    asset_linked = float(result.asset_linked_by_county.sum())
    n7 = _rule("N7", "linking.households_per_million_yuan", linked / industry_million if industry_million > 0 else 0.0)
    out["N7"] = TargetCheck(
        **{
            **asdict(n7),
            "kind": "result",
            "detail": {
                "linked_households": linked,
                # the notice names linking through industry, land transfer and contract farming: the asset links;
                # support packages reach households directly. Both count in the value; the split says which is which.
                "support_households": linked - asset_linked,
                "asset_linked_households": asset_linked,
                "asset_linked_per_million_yuan": asset_linked / industry_million if industry_million > 0 else 0.0,
                "industry_funds_10k_yuan": industry_funds_10k_yuan(s) * result.programme_scale,
                "households_per_million_yuan_set": s.linking.households_per_million_yuan,
            },
        }
    )
    coverage_q = q4 if q4 in result.quarters else result.quarters[-1]
    n11 = _rule("N11", "dual_binding.coverage_target", result.coverage_city(coverage_q))
    out["N11"] = TargetCheck(
        **{
            **asdict(n11),
            "kind": "result",
            "period": coverage_q,
            "detail": {
                "coverage_base_year": float((result.coverage_base * result.willing).sum() / result.willing.sum())
                if result.willing.sum() > 0
                else 1.0
            },
        }
    )
    out["N9"] = _rule("N9", "microcredit.new_lending_10k_yuan", s.microcredit.new_lending_10k_yuan)
    out["N15"] = _rule("N15", "tourism.households_reached", s.tourism.households_reached)
    out["N18"] = _rule("N18", "training.person_times", s.training.person_times)
    return out


def targets_table(checks: dict[str, TargetCheck], lang: str = "zh") -> pd.DataFrame:
    """The checks as a table (one row per target)."""
    return pd.DataFrame(
        [
            {
                "key": c.key,
                "label": c.label(lang),
                "kind": c.kind,
                "value": c.value,
                "comparison": c.comparison,
                "target": c.target,
                "unit": c.unit,
                "met": c.met,
                "probability": c.probability,
                "p10": c.p10,
                "p90": c.p90,
                "period": c.period,
            }
            for c in checks.values()
        ]
    )


def contributions_table(result: SimulationResult) -> pd.DataFrame:
    """Per year and channel: expected yuan per capita added over the previous year's level, and yuan per 万元.

    ``organic`` is the trend's growth over the previous year; the channels are the decomposition's terms of every
    component (they add up with ``organic`` to the growth of net income). Yuan per 万元: every channel's gain of the
    year over all connection funds, and the industry channels' (support, assets, land) over the industry funds.
    """
    s = result.scenario
    persons = result.persons.sum()
    rows = []
    industry_channels = ("household_support", "industry_assets", "land_transfer")
    for y in result.years:
        by_channel = dict.fromkeys(("organic", *CHANNELS), 0.0)
        for component in TERMS:
            terms = result.decomposition(component, y)
            before = result.ytd_income(component, f"{y - 1}Q4").sum(axis=0).mean()
            by_channel["organic"] += terms.pop("trend") - before
            for name, value in terms.items():
                by_channel[name] += value
        for name, total in by_channel.items():
            rows.append({"year": y, "channel": name, "value": total / persons, "unit": "元/人/年"})
        policy = sum(v for k, v in by_channel.items() if k != "organic")
        industry = sum(by_channel[k] for k in industry_channels)
        rows.append(
            {
                "year": y,
                "channel": "per_10k_yuan_all_funds",
                "value": policy / max(total_funds_10k_yuan(s) * result.programme_scale, 1e-9),
                "unit": "元/万元 (all measures' gain per 万元 of connection funds)",
            }
        )
        rows.append(
            {
                "year": y,
                "channel": "per_10k_yuan_industry_funds",
                "value": industry / max(industry_funds_10k_yuan(s) * result.programme_scale, 1e-9),
                "unit": "元/万元 (industry funds' gain per 万元 of industry funds)",
            }
        )
    return pd.DataFrame(rows)
