"""What the city can absorb: a lever beyond it is allowed, saturates in the model, and is flagged like a floor.

Capacities are worked out at the scenario's own assumption values (the model's ceilings use each draw's). Each
flag names the lever, the amount asked and the capacity in the lever's unit, so the page and the command line can
say "tourism: 100,000 farmers asked, the market saturates near 36,400".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from model.engine.plan import WAN, Plan
from model.schema import calibration as cal
from model.schema import fieldspec


@dataclass(frozen=True)
class CapacityFlag:
    """One lever against what the city can absorb over the horizon."""

    path: str
    value: float
    capacity: float
    unit: str
    note_zh: str
    note_en: str
    measure: str = ""  # which of a lever's capacities, when it has more than one

    @property
    def key(self) -> str:
        """The flag's key in a scenario's flags: the lever's path, with the measure when there is one."""
        return f"{self.path}:{self.measure}" if self.measure else self.path

    @property
    def exceeded(self) -> bool:
        """True when the lever asks for more than the capacity."""
        return self.value > self.capacity

    def label(self, lang: str) -> str:
        """The lever's label in ``lang``."""
        return fieldspec.by_path()[self.path].label(lang)

    def note(self, lang: str) -> str:
        """What the capacity is, in ``lang``."""
        return self.note_zh if lang == "zh" else self.note_en

    def as_dict(self) -> dict:
        """JSON-ready, with ``exceeded``."""
        return {**asdict(self), "exceeded": self.exceeded}


# Tourism, purchases, collective payouts and lending against the published borrower share are flagged in their
# lever's unit: the value is the scenario's city-wide amount and the capacity is what the table's households can
# absorb, scaled up by the region's programme scale (of which the region receives that share). The other flags count
# households and loans of the region. Flags are keyed by :attr:`CapacityFlag.key`.
BORROWER_SHARE = "microcredit.new_lending_10k_yuan:borrower_share"
IN_LEVER_UNITS = frozenset(
    {"tourism.households_reached", "consumption.purchases_10k_yuan", "collective.dividends_10k_yuan", BORROWER_SHARE}
)
VALUE_FROM_TABLE = frozenset({"linking.households_per_million_yuan"})  # households linked depend on the table
CAPACITY_OF_REGION = frozenset({"tourism.households_reached"})  # the tourism market is the region's, not a table's


def merge_flags(
    parts: Sequence[dict[str, CapacityFlag]], same_region: bool, scales: Sequence[float] | None = None
) -> dict[str, CapacityFlag]:
    """The flags of several results at once: disjoint tables of one region, or regions side by side.

    ``same_region``: the parts are tables of one region; otherwise regions whose programme scales are ``scales``.
    Within one region, what is the region's is counted once and what is a table's is added; regions' counts add up,
    and a capacity in lever units is the regions' capacities weighted by their programme scales.
    """
    weights = np.ones(len(parts)) if scales is None else np.asarray(scales, dtype=np.float64)
    out = {}
    for key, first in parts[0].items():
        values = np.array([p[key].value for p in parts])
        capacities = np.array([p[key].capacity for p in parts])
        if key in IN_LEVER_UNITS:
            value = first.value
            if same_region:
                capacity = first.capacity if key in CAPACITY_OF_REGION else capacities.sum()
            else:
                capacity = (capacities * weights).sum() / weights.sum() if weights.sum() > 0 else np.inf
        else:
            value = values.sum() if not same_region or key in VALUE_FROM_TABLE else first.value
            capacity = capacities.sum()
        out[key] = replace(first, value=float(value), capacity=float(capacity))
    return out


def capacity_flags(plan: Plan) -> dict[str, CapacityFlag]:
    """Every lever with a capacity, keyed by its path (see :data:`IN_LEVER_UNITS` for the units)."""
    s, pop = plan.scenario, plan.pop
    a = s.assumptions
    scale = pop.region.programme_scale
    years = plan.n_vintages
    willing = float((pop.weight * pop.industry_willing).sum())
    workers = float((pop.weight * (pop.workers > 0)).sum())
    households = float(plan.households_c.sum())
    per_farmer = a.tourism_gain_yuan * a.tourism_poverty_share
    tourism_cap = a.tourism_market_cap_10k_yuan * WAN / per_farmer if per_farmer > 0 else np.inf

    def in_lever_units(amount: float) -> float:
        """A region's own capacity as the city-wide amount of which it receives ``programme_scale``."""
        return amount / scale if scale > 0 else np.inf

    consumption_cap = in_lever_units(a.consumption_cap_share * float(plan.willing_production_c.sum()) / WAN)
    collective_cap = in_lever_units(
        float(plan.villages_c.sum()) * a.collective_income_per_village_yuan * a.collective_payout_share_max / WAN
    )
    loans_per_year = s.microcredit.new_lending_10k_yuan * WAN / s.microcredit.average_loan_yuan * scale
    # Lending whose steady stock (a year's loans × the average term) gives the published share of borrowers.
    borrower_share = cal.value("population.microcredit_borrower_share_published")
    borrower_cap = in_lever_units(
        borrower_share
        * households
        * s.microcredit.average_loan_yuan
        / cal.value("population.microcredit_term_years")
        / WAN
    )
    flags = [
        CapacityFlag(
            "tourism.households_reached",
            float(s.tourism.households_reached),
            float(tourism_cap),
            "户/年",
            "乡村旅游市场规模上限(行为假设)除以户均增收和脱贫户占比",
            "the tourism market cap (an assumption) over the gain per household and the poverty-alleviated share",
        ),
        CapacityFlag(
            "consumption.purchases_10k_yuan",
            float(s.consumption.purchases_10k_yuan),
            consumption_cap,
            "万元/年",
            "有意愿户生产经营收入中可由消费帮扶购买的部分",
            "the part of willing households' output assistance buyers can take",
        ),
        CapacityFlag(
            "collective.dividends_10k_yuan",
            float(s.collective.dividends_10k_yuan),
            collective_cap,
            "万元/年",
            "各村集体年收入乘以可分配比例",
            "villages' collective income times the share that can be paid out",
        ),
        CapacityFlag(
            "linking.households_per_million_yuan",
            float(plan.asset_households_c.sum() * years),
            households,
            "户(预测期内累计)",
            "预测期内资产联结户数超过总户数后，再联结的户收益递减",
            "beyond all households over the horizon, households are linked again, with diminishing returns",
        ),
        CapacityFlag(
            "industry.support_per_household_yuan",
            float(
                WAN
                * s.industry.household_support_share
                * sum(plan.industry_funds_c)
                / s.industry.support_per_household_yuan
            ),
            willing,
            "户/年",
            "每年到户补助户数不能超过有产业发展条件和意愿的户数（超出部分资金未用）",
            "support packages a year cannot exceed the households with the will and conditions for industry "
            "(the rest of the money is not spent)",
        ),
        CapacityFlag(
            "microcredit.new_lending_10k_yuan",
            float(loans_per_year * years),
            willing,
            "笔(预测期内累计新增贷款)",
            "预测期内新增贷款笔数不超过有产业发展条件和意愿的户数",
            "new loans over the horizon cannot exceed the households with the will and conditions for industry",
        ),
        CapacityFlag(
            "microcredit.new_lending_10k_yuan",
            float(s.microcredit.new_lending_10k_yuan),
            borrower_cap,
            "万元/年",
            f"年新增贷款形成的稳定贷款余额使借款户占比超过云南2023年实际覆盖面{borrower_share:.0%}"
            "（公开的实际水平，不是上限；模型中新增借款户的收益随覆盖面扩大而递减）",
            "the loan stock this lending keeps outstanding would put more households in debt than Yunnan's 2023 "
            f"take-up of {borrower_share:.0%} (a realised level, not a ceiling; in the model, new borrowers' "
            "returns fade as the share grows)",
            measure="borrower_share",
        ),
        CapacityFlag(
            "training.person_times",
            float(s.training.person_times * scale * a.training_poverty_share * years),
            workers,
            "人(预测期内累计脱贫户学员)",
            "预测期内脱贫户学员不超过有劳动力的户数",
            "poverty-alleviated trainees over the horizon cannot exceed the households with a worker",
        ),
    ]
    return {f.key: f for f in flags}
