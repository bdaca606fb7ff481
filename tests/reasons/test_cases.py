"""Business-case arithmetic against hand-computed examples."""

from __future__ import annotations

import pytest

from supportops.errors import InputError
from supportops.reasons import ActionAssumptions, CaseInputs, Pareto, ParetoRow, build_case, top_cases
from supportops.reasons.cases import default_assumptions


def _inputs(lever: str, volume: float, aht_s: float, cpm: float, a: ActionAssumptions) -> CaseInputs:
    return CaseInputs(reason="r", lever=lever, annual_volume=volume, aht_s=aht_s, cost_per_minute=cpm, assumptions=a)  # type: ignore[arg-type]


def test_automation_case_by_hand() -> None:
    # 12,000 contacts/yr of 5 min at 1.00/min = 5.00 each; a bot contains 40 % at 0.50 each.
    a = ActionAssumptions(
        removed_share=0.4,
        residual_cost_per_contact=0.5,
        aht_cut_share=0.0,
        implementation_cost=25_000,
        running_cost_per_year=5_000,
    )
    case = build_case(_inputs("bot", 12_000, 300, 1.0, a))
    assert case.inputs.cost_per_contact == pytest.approx(5.0)
    assert case.contacts_removed == pytest.approx(4_800)
    assert case.gross_saving == pytest.approx(21_600)  # 4,800 x (5.00 - 0.50)
    assert case.net_saving == pytest.approx(16_600)  # less 5,000 running
    assert case.payback_months == pytest.approx(25_000 / (16_600 / 12))  # 18.07 months
    assert case.payback_months == pytest.approx(18.0723, abs=1e-4)
    assert case.first_year == pytest.approx(-8_400)


def test_optimization_case_cuts_handle_time() -> None:
    # 10,000 contacts of 6 min at 1.00/min; better knowledge cuts 15 % of handle time: 9,000 a year.
    a = ActionAssumptions(
        removed_share=0.0,
        residual_cost_per_contact=0.0,
        aht_cut_share=0.15,
        implementation_cost=25_000,
        running_cost_per_year=5_000,
    )
    case = build_case(_inputs("knowledge", 10_000, 360, 1.0, a))
    assert case.contacts_removed == 0
    assert case.gross_saving == pytest.approx(9_000)
    assert case.net_saving == pytest.approx(4_000)
    assert case.payback_months == pytest.approx(75.0)


def test_case_that_never_pays_back() -> None:
    a = ActionAssumptions(
        removed_share=0.5,
        residual_cost_per_contact=0.0,
        aht_cut_share=0.0,
        implementation_cost=10_000,
        running_cost_per_year=5_000,
    )
    case = build_case(_inputs("process_fix", 1_000, 120, 0.5, a))  # 1.00 per contact, 500 saved a year
    assert case.gross_saving == pytest.approx(500)
    assert case.net_saving == pytest.approx(-4_500)
    assert case.payback_months is None


def test_assumptions_are_validated() -> None:
    with pytest.raises(InputError, match="removed_share"):
        ActionAssumptions(
            removed_share=1.5,
            residual_cost_per_contact=0,
            aht_cut_share=0,
            implementation_cost=0,
            running_cost_per_year=0,
        )
    with pytest.raises(InputError, match="implementation_cost"):
        ActionAssumptions(
            removed_share=0.5,
            residual_cost_per_contact=0,
            aht_cut_share=0,
            implementation_cost=-1,
            running_cost_per_year=0,
        )


def test_top_cases_annualise_and_rank_by_net_saving() -> None:
    rows = (
        ParetoRow(
            rank=1,
            reason="orders › where is my order",
            volume=3000,
            share=0.6,
            cumulative_share=0.6,
            aht_s=240.0,
            handle_hours=200.0,
            cost=None,
        ),
        ParetoRow(
            rank=2,
            reason="account › password reset",
            volume=1500,
            share=0.3,
            cumulative_share=0.9,
            aht_s=180.0,
            handle_hours=75.0,
            cost=None,
        ),
        ParetoRow(
            rank=3,
            reason="product › how to use",
            volume=500,
            share=0.1,
            cumulative_share=1.0,
            aht_s=600.0,
            handle_hours=83.3,
            cost=None,
        ),
    )
    ranking = Pareto(total=5000, reasons=3, rows=rows, top10_share=1.0, cost_per_minute=1.0)
    cases = top_cases(ranking, period_days=73.0, assumptions=default_assumptions(), top=3)  # x5 to a year
    assert [c.inputs.reason for c in cases] == [
        "orders › where is my order",
        "product › how to use",
        "account › password reset",
    ]
    first = cases[0]
    assert first.inputs.lever == "proactive_notice" and first.inputs.action == "avoidable"
    assert first.inputs.annual_volume == pytest.approx(15_000)
    # 15,000 x 50 % avoided x 4.00 per contact = 30,000, less 5,000 running
    assert first.net_saving == pytest.approx(25_000)
    assert cases[1].inputs.lever == "bot"
    # 2,500 x 40 % contained x (10.00 - 0.50) = 9,500, less 5,000
    assert cases[1].net_saving == pytest.approx(4_500)
    assert cases[2].inputs.action == "automatable"
    # 7,500 x 40 % x (3.00 - 0.50) = 7,500, less 5,000
    assert cases[2].net_saving == pytest.approx(2_500)
    assert len(top_cases(ranking, period_days=73.0, assumptions=default_assumptions(), top=1)) == 1
    with pytest.raises(InputError, match="cost per minute"):
        top_cases(
            Pareto(total=5000, reasons=3, rows=rows, top10_share=1.0, cost_per_minute=None),
            period_days=73.0,
            assumptions=default_assumptions(),
        )
