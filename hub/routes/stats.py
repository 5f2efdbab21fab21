"""The supervisors' figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from core import contract, stats, voice_figures
from core.errors import Forbidden
from hub.routes.common import Hub, Who, read_answer, require_session

router = APIRouter(prefix="/api/v1")


@router.get("/stats", response_model=contract.Stats, response_model_exclude_unset=True)
async def get_stats(
    who: Who,
    hub: Hub,
    from_: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    to: Annotated[str | None, Query(max_length=40)] = None,
    group_by: Annotated[str, Query(max_length=200)] = "service,counter,clerk,hour,day",
    include_simulated: Annotated[bool, Query()] = False,
) -> Response:
    if not who.is_supervisor:
        raise Forbidden("Statistics are for supervisors.", "الإحصاءات للمشرفين فقط.")
    groups = stats.parse_group_by(group_by)
    first_given, last_given = stats.parse_day(from_, "from"), stats.parse_day(to, "to")
    today = hub.store.today()
    first = first_given or last_given or today
    last = last_given or first_given or today
    stats.check_period(first, last)
    return await read_answer(contract.Stats, voice_figures.compute_stats, hub.store, first, last, groups, include_simulated=include_simulated)


@router.get("/stats/league", response_model=contract.League)
async def get_league(
    who: Who,
    hub: Hub,
    month: Annotated[str | None, Query(max_length=40)] = None,
    include_simulated: Annotated[bool, Query()] = False,
) -> Response:
    """The month's clerk league with the employee-of-the-month rule (docs/decisions/employee-of-the-month.md)."""
    if not who.is_supervisor:
        raise Forbidden("The league is for supervisors.", "جدول ترتيب الموظفين للمشرفين فقط.")
    label, first, last = voice_figures.parse_month(month, hub.store.today())
    return await read_answer(contract.League, voice_figures.compute_league, hub.store, label, first, last,
                             include_simulated=include_simulated)


@router.get("/sessions/current/scorecard", response_model=contract.MyScorecard)
async def get_my_scorecard(
    who: Who,
    hub: Hub,
    month: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The logged-in clerk's own scorecard for a month (default: this one); nobody else's."""
    require_session(who)
    label, first, last = voice_figures.parse_month(month, hub.store.today())
    return await read_answer(contract.MyScorecard, voice_figures.compute_scorecard, hub.store, who.clerk_id, label, first, last)
