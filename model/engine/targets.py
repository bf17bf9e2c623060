"""The notice's targets evaluated on a result: value, target, unit, met, probability of meeting it.

"met" for an outcome means: the probability over draws of meeting the target is at least the scenario's
``targets.required_probability``. Money rules and programme inputs are deterministic (probability 0 or 1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from model.engine.channels import CHANNELS, industry_funds_10k_yuan, total_funds_10k_yuan
from model.engine.result import SimulationResult
from model.schema import fieldspec
from model.schema.fieldspec import COUNTIES

ASSESSMENT_YEAR = 2023
OUTCOME_KEYS = ("N1", "N2", "N3", "N4", "below_line")
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

    def label(self, lang: str) -> str:
        """The target's label in ``lang``."""
        return self.label_zh if lang == "zh" else self.label_en

    def as_dict(self) -> dict:
        """Plain JSON-ready dict."""
        return {k: v for k, v in asdict(self).items() if v is not None or k in ("value", "met")}


def p_met_standard_error(probability: float, draws: int) -> float:
    """Monte Carlo standard error of a probability of meeting estimated from ``draws`` draws.

    Binomial, with the Laplace-smoothed estimate p̃ = (k + 1) / (n + 2) so that 0 of n or n of n does not claim
    zero error: se = sqrt(p̃ (1 − p̃) / n).
    """
    k = probability * draws
    smoothed = (k + 1) / (draws + 2)
    return float(np.sqrt(smoothed * (1 - smoothed) / draws))


def p_met_se(check: TargetCheck, draws: int) -> float | None:
    """The standard error of ``check.probability`` estimated from ``draws`` draws.

    Binomial for a check made per draw (it has P10/P90), 0 for a deterministic check (money rules, programme
    inputs), None for a check without a probability.
    """
    if check.probability is None:
        return None
    if check.p10 is None:
        return 0.0
    return p_met_standard_error(check.probability, draws)


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


def evaluate_targets(result: SimulationResult) -> dict[str, TargetCheck]:
    """Every target of the notice the model can check, keyed ``N1``, ``N2`` ... plus ``below_line``."""
    s = result.scenario
    required = s.targets.required_probability
    out: dict[str, TargetCheck] = {}
    year = ASSESSMENT_YEAR
    q4 = f"{year}Q4"
    if year in result.years:
        out["N1"] = _outcome(
            "N1",
            "2023年生产经营性收入增幅",
            "2023 growth of production/operating income",
            result.growth("production", year),
            0.20,
            ">=",
            "share, year on year",
            required,
            f"{year} vs {year - 1}",
        )
        out["N2"] = _outcome(
            "N2",
            "2023年财产性收入增幅",
            "2023 growth of property income",
            result.growth("property", year),
            0.18,
            ">=",
            "share, year on year",
            required,
            f"{year} vs {year - 1}",
        )
        i = result.quarters.index(q4)
        points = result.points_lost[:, i]
        out["N3"] = _outcome(
            "N3",
            "全市生产经营收入下降户占比（年度累计）",
            "City share of households whose production income fell (year to date)",
            result.city_falling[i],
            s.targets.falling_share_max,
            "<=",
            "share 0–1 of households",
            required,
            q4,
            detail={
                "points_lost_by_county": {c: float(points[k].mean()) for k, c in enumerate(COUNTIES)},
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
                "counties": [c for k, c in enumerate(COUNTIES) if flag_probability[k] >= 0.5],
                "probability_by_county": {c: float(flag_probability[k]) for k, c in enumerate(COUNTIES)},
            },
        )
        yi = result.years.index(year)
        below_share = result.below[:, yi].sum(axis=0) / result.households.sum()
        out["below_line"] = _outcome(
            "below_line",
            "人均纯收入低于监测线的户占比",
            "Share of households below the monitoring line",
            below_share,
            s.targets.below_line_share_max,
            "<=",
            "share 0–1 of households",
            required,
            str(year),
            detail={"monitoring_line_yuan_per_capita": s.simulation.monitoring_line_yuan},
        )
    f = s.funds
    out["N5"] = _rule("N5", "funds.industry_share_central", f.industry_share_central)
    out["N6"] = _rule("N6", "funds.industry_share_provincial", f.industry_share_provincial)
    industry_million = industry_funds_10k_yuan(s) / 100
    linked = float(result.linked_by_county.sum())
    n7 = _rule("N7", "linking.households_per_million_yuan", linked / industry_million if industry_million > 0 else 0.0)
    out["N7"] = TargetCheck(
        **{
            **asdict(n7),
            "kind": "result",
            "detail": {
                "linked_households": linked,
                "industry_funds_10k_yuan": industry_funds_10k_yuan(s),
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
                "coverage_2022": float((result.coverage_2022 * result.willing).sum() / result.willing.sum())
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
    """Per year and channel: expected yuan per capita added, and yuan gained per 万元 of funds."""
    s = result.scenario
    persons = result.persons.sum()
    rows = []
    for y in result.years:
        idx = [i for i, q in enumerate(result.quarters) if q.startswith(str(y))]
        policy_total = 0.0
        for name, arr in result.contributions.items():
            total = float(arr[:, idx].sum())
            if name in CHANNELS:
                policy_total += total
            rows.append({"year": y, "channel": name, "value": total / persons, "unit": "元/人/年"})
        industry = float(result.contributions["industry"][:, idx].sum())
        rows.append(
            {
                "year": y,
                "channel": "per_10k_yuan_all_funds",
                "value": policy_total / max(total_funds_10k_yuan(s), 1e-9),
                "unit": "元/万元 (all measures' gain per 万元 of connection funds)",
            }
        )
        rows.append(
            {
                "year": y,
                "channel": "per_10k_yuan_industry_funds",
                "value": industry / max(industry_funds_10k_yuan(s), 1e-9),
                "unit": "元/万元 (industry assets' gain per 万元 of industry funds)",
            }
        )
    return pd.DataFrame(rows)
