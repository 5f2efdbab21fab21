"""The hub's contract as code: a model for every answer of every route and one per event type.

This module is the source of truth for the JSON the hub sends (docs/api.md describes it in
prose; `/openapi.json` is generated from these models). The hub builds its answers and events
from these models; clients parse each answer and each event once into them
(`parse_event`) and dispatch events by type to `on_<name>` handlers (`Event.handler_name`).

Rules, so old and new devices keep talking (docs/decisions/typed-contract.md):

- names never change: a field is added, never renamed or removed;
- parsing is forward compatible: fields a model does not know are kept (`model_extra`), and an
  event type a model does not know parses as `UnknownEvent` (its `seq` still counts);
- what the hub sends carries no field the models lack: tests check every answer and event with
  `unknown_fields`.

Qt-free, and free of the store: core/views.py builds these from the database.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter

from core.models import CallMode, CounterStatus, DeviceKind, EventType, Priority, Role, TicketStatus

IsoTime = Annotated[str, Field(description="ISO 8601 with the centre's offset, e.g. 2026-11-24T09:15:02.123+03:00")]
Day = Annotated[str, Field(description="a business day, YYYY-MM-DD")]
Seconds = Annotated[int, Field(description="a duration in whole seconds")]


class Wire(BaseModel):
    """Base of every contract model: extra fields are kept on parse (a newer hub may send more)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, use_enum_values=False)

    def to_json(self) -> str:
        """The model as the hub sends it (by alias: `Stats.from_` is `from`)."""
        return self.model_dump_json(by_alias=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-shaped dict of the model, as `json.loads(self.to_json())` would give."""
        return self.model_dump(mode="json", by_alias=True)


def unknown_fields(value: Any, path: str = "") -> list[str]:
    """Every field of `value` (a parsed model, list or dict of them) that no model declares.

    Parsing keeps such fields for forward compatibility; the hub's own output must have none.
    """
    found: list[str] = []
    if isinstance(value, BaseModel):
        for name in value.model_extra or {}:
            found.append(f"{path}.{name}" if path else name)
        for name in type(value).model_fields:
            found.extend(unknown_fields(getattr(value, name), f"{path}.{name}" if path else name))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found.extend(unknown_fields(item, f"{path}[{index}]"))
    elif isinstance(value, dict):
        for key, item in value.items():
            found.extend(unknown_fields(item, f"{path}.{key}" if path else str(key)))
    return found


class ClosedReason(str, Enum):
    """Why a service issues no ticket now (Service.closed_reason)."""

    DISABLED = "disabled"
    OUTSIDE_HOURS = "outside_hours"
    HOLIDAY = "holiday"
    DAILY_CAP_REACHED = "daily_cap_reached"
    RANGE_EXHAUSTED = "range_exhausted"


# ── the hall: services, tickets, counters ────────────────────────────────────────────────


class ServiceBrief(Wire):
    """What names a service wherever the hub lists it: its id, its letter and its two names."""

    id: int
    code: str
    name_ar: str
    name_en: str


class Service(ServiceBrief):
    """A service with its queue now: the row of `/state`'s `services` and of ticket events."""

    group: str | None
    group_ar: str | None
    group_en: str | None
    enabled: bool
    open_now: bool = Field(description="issues tickets now (closed_reason is null)")
    closed_reason: ClosedReason | None
    closed_message_en: str | None
    closed_message_ar: str | None
    target_wait_seconds: Seconds
    average_service_seconds: Seconds = Field(description="recent real mean, the configured estimate until there is history")
    configured_service_seconds: Seconds
    daily_cap: int
    issued_today: int
    waiting: int
    eta_seconds: Seconds | None = Field(description="the wait of a newcomer; null when no open counter serves it")
    open_counters: int | None = Field(None, description="open counters serving it (null from a hub older than this field)")


class Ticket(Wire):
    """One entry in a service's queue (a transfer makes a new entry with the same number and code)."""

    id: int
    number: str = Field(description='e.g. "A-105": code, hyphen, zero-padded Western digits')
    service_id: int
    business_day: Day
    priority: Priority
    status: TicketStatus
    code: str = Field(description="the unguessable code of the visitor's phone page")
    issued_at: IsoTime
    first_issued_at: IsoTime
    called_at: IsoTime | None
    started_at: IsoTime | None
    finished_at: IsoTime | None
    counter_id: int | None
    counter_number: int | None
    clerk: str | None
    recalls: int
    transferred_from_service_id: int | None
    ahead: int | None = Field(description="waiting entries called before it; non-null only while waiting")
    eta_seconds: Seconds | None = Field(description="non-null only while waiting and a counter serves it")
    simulated: bool = Field(False, description="issued by the day simulator: left out of every figure, here and at the central")
    remote: bool = Field(False, description="taken from a phone (GET /join) rather than at the kiosk")
    arrived_at: IsoTime | None = Field(None, description="remote tickets: when the visitor confirmed at the kiosk that they are here")
    remote_skips: int = Field(0, description="remote tickets: times it went to the back because its visitor had not arrived (at most 1)")
    booking_id: int | None = Field(None, description="the booking it was checked in for at the kiosk; null for a walk-in")
    slot_start: IsoTime | None = Field(
        None, description="an appointment ticket's slot: called at this time ahead of walk-ins; null for a walk-in"
    )


class CheckIn(Wire):
    """`POST /check-in`: what a code scanned or typed at the kiosk became (core/checkin.py)."""

    outcome: Literal["ticket", "too_early", "late", "walk_in", "already", "arrived"] = Field(
        description="ticket: an appointment ticket was issued; too_early: check-in opens at opens_at; late: past "
        "closes_at, a normal ticket is offered (ask again with walk_in); walk_in: that normal ticket was issued; "
        "already: the booking has its ticket; arrived: a remote ticket's visitor is here"
    )
    ticket: Ticket | None = Field(description="the ticket issued, held or confirmed; null for too_early and late")
    service_id: int
    slot_start: IsoTime | None = Field(description="the booking's slot; null for a remote ticket")
    opens_at: IsoTime | None = Field(description="when check-in opens for the slot")
    closes_at: IsoTime | None = Field(description="the end of the grace period: later, a normal ticket instead")


class HistoryEntry(Wire):
    seq: int
    type: str
    at: IsoTime


class TicketWithHistory(Ticket):
    """`GET /tickets/{id}`: the ticket and every event of its visit (the transfer chain's too)."""

    history: list[HistoryEntry]


class CounterBrief(Wire):
    """A counter as a call names it (`ticket.called`, `ticket.recalled`, `/state`'s recent calls)."""

    id: int
    number: int
    name: str = Field(description="English name")
    name_ar: str


class Counter(CounterBrief):
    """A counter with its services, its state and its clerk (`/state`'s `counters`, a session's counter, counter events)."""

    service_ids: list[int] = Field(description="the services it serves, in its order")
    mode: CallMode
    status: CounterStatus
    pause_reason: str | None
    clerk: str | None = Field(description="user name of the clerk logged in")
    current_ticket: Ticket | None
    theme: Literal["standard", "high-contrast"] = Field("standard", description="the counter screen's colours (centre file)")
    large_text: bool = Field(False, description="the counter screen's text larger (centre file)")


class RecentCall(Wire):
    seq: int
    at: IsoTime
    ticket: Ticket
    counter: CounterBrief | None


class Centre(Wire):
    name_ar: str
    name_en: str
    ticker_ar: str
    ticker_en: str
    footer_ar: str
    footer_en: str
    time_zone: str
    rollover_hour: int
    logo_url: str | None


class Board(Wire):
    """A named board of the config: which counters and services it shows (empty: all)."""

    name_ar: str | None
    name_en: str | None
    counters: list[int]
    services: list[str]
    theme: Literal["standard", "high-contrast"] = Field("standard", description="the board's colours")
    flash: int = Field(0, description="times a new call's row blinks")
    highlight_until_next: bool = Field(False, description="the newest number stays lit until the next call")
    chime_volume: float = Field(1.0, description="the chime's loudness against the speech, 0 to 1")
    chime_repeats: int = Field(1, description="times the chime sounds before each call")


class KioskPlacement(Wire):
    """Where the centre's kiosk screens are (the centre file's `[kiosk]`), in mm; null: not given."""

    screen_bottom_mm: float | None = Field(None, description="the visible bottom edge above the floor")
    screen_width_mm: float | None = None
    screen_height_mm: float | None = None


class Rules(Wire):
    priority_streak_limit: int
    recent_service_window: int


class State(Wire):
    """`GET /state`: everything a device draws, exact as of `seq`."""

    seq: int
    business_day: Day
    centre: Centre
    services: list[Service]
    counters: list[Counter]
    recent_calls: list[RecentCall]
    boards: dict[str, Board]
    rules: Rules
    kiosk: KioskPlacement = Field(default_factory=KioskPlacement, description="where the kiosk screens are")


# ── devices, clerks, sessions ────────────────────────────────────────────────────────────


class Device(Wire):
    id: int
    name: str
    kind: DeviceKind
    enrolled_at: IsoTime
    last_seen_at: IsoTime | None
    online: bool
    revoked_at: IsoTime | None
    status: dict[str, Any] | None = Field(description="the last POST /devices/status body's status")
    status_at: IsoTime | None
    printer: Literal["ok", "paper_near_end", "paper_out", "cover_open", "silent", "offline"] | None
    certificate_fingerprint: str | None


class Enrollment(Wire):
    """`POST /devices/enroll`: the token, shown once."""

    token: str
    device_id: int
    kind: DeviceKind
    device: Device


class ClerkBrief(Wire):
    username: str
    role: Role | None


class Session(Wire):
    """`POST /sessions`: a clerk logged in at a counter."""

    token: str
    clerk: ClerkBrief
    counter: Counter


class CurrentSession(Wire):
    """`GET /sessions/current`."""

    clerk: ClerkBrief
    counter_id: int | None


class PinCheck(Wire):
    """`POST /supervisor/check-pin`: whose PIN it was."""

    clerk: ClerkBrief


class Clerk(Wire):
    id: int
    username: str
    role: Role
    active: bool


class EnlistedClerk(Clerk):
    """`POST /clerks`: `restored` when a removed clerk's name brought that account back."""

    restored: bool


# ── the visitor's phone ──────────────────────────────────────────────────────────────────


class PublicService(Wire):
    code: str
    name_ar: str
    name_en: str


class PublicCentre(Wire):
    name_ar: str
    name_en: str


class PublicTicket(Wire):
    """What a phone may see of a ticket: no clerk, no ids."""

    number: str
    status: TicketStatus
    priority: Priority
    ahead: int | None
    eta_seconds: Seconds | None
    issued_at: IsoTime
    called_at: IsoTime | None
    counter_number: int | None
    counter_name_ar: str | None
    counter_name_en: str | None
    service: PublicService
    centre: PublicCentre
    remote: bool = Field(False, description="taken from a phone: the visitor confirms at the kiosk that they are here")
    arrived: bool = Field(False, description="remote tickets: the visitor confirmed at the kiosk")
    skipped: bool = Field(False, description="remote tickets: its turn came before the visitor arrived, so it went to the back once")
    warn_places: int | None = Field(None, description="remote tickets: the page warns its visitor once `ahead` is this or fewer")


class JoinService(ServiceBrief):
    """A service as `GET /join` offers it: whether a phone may take its ticket now, and why not."""

    waiting: int
    eta_seconds: Seconds | None
    offered: bool = Field(description="a phone may take a ticket now (open, and under its remote cap)")
    reason: Literal["closed", "full"] | None = Field(description="why not: closed now, or as many remote visitors wait as it takes")


class RemoteTicket(Wire):
    """`POST /public/remote-tickets`: the new ticket as its visitor's phone sees it, and its page."""

    code: str = Field(description="the ticket's phone-page code, also in its QR for the kiosk's arrival scan")
    page: str = Field(description='the phone page, "/t/{code}"')
    ticket: PublicTicket


# ── health ───────────────────────────────────────────────────────────────────────────────


class CentralLag(Wire):
    """How far the central is behind this hub's log (docs/api.md, *Shipping to the central*)."""

    central: str
    branch: str
    state: Literal["starting", "ok", "catching_up", "unreachable", "refused", "diverged"]
    held: int | None
    local: int
    behind: int | None
    behind_seconds: float | None
    last_ok_at: IsoTime | None
    error: str | None


class Health(Wire):
    status: Literal["ok"]
    version: str
    seq: int
    business_day: Day | Literal[""]
    central: CentralLag | None
    snapshot_reads: int | None = Field(
        None, description="`GET /state` answers since the hub started: clients that follow the events read it only to resync"
    )


class HomeCentre(PublicCentre):
    footer_ar: str | None = None
    footer_en: str | None = None


class HubHome(Wire):
    """`GET /` with `Accept: application/json`: what runs at this address (`main.py doctor` reads it)."""

    service: Literal["tabour-hub"]
    version: str
    centre: HomeCentre
    phone_address: str | None = Field(description="the address in each ticket's code for phones (--public-url)")
    phone_address_problem: Literal["unset", "loopback"] | None = Field(description="why phones could not open it")
    api: str
    phone_pages: str
    console: str


# ── statistics ───────────────────────────────────────────────────────────────────────────


class Durations(Wire):
    count: int
    mean: float | None
    median: float | None
    p90: float | None


class WaitBand(Wire):
    from_seconds: int
    to_seconds: int | None
    count: int


class Satisfaction(Wire):
    """The visitors' ratings of a bucket's visits (core/voice_figures.py)."""

    ratings: int
    satisfied_share: float | None = Field(description="share of ratings of 4 or 5; null without ratings")
    mean_score: float | None = Field(description="1 to 5; null without ratings")
    response_rate: float | None = Field(description="ratings ÷ entries served in the bucket; null when none served")
    score_counts: list[int] = Field(min_length=5, max_length=5, description="how many ratings of 1, 2, 3, 4 and 5")


class Figures(Wire):
    issued: int
    served: int
    no_show: int
    cancelled: int
    expired: int
    transferred: int
    waiting: int
    in_service: int
    wait_seconds: Durations
    service_seconds: Durations
    service_seconds_total: int
    within_target_share: float | None
    satisfaction: Satisfaction | None = None  # the visitors' ratings of these entries


class TotalFigures(Figures):
    wait_distribution: list[WaitBand]


class ServiceFigures(Figures):
    service_id: int
    code: str | None
    name_ar: str | None
    name_en: str | None
    target_wait_seconds: int | None


class CounterFigures(Figures):
    counter_id: int
    number: int | None
    name_ar: str | None
    name_en: str | None


class ClerkFigures(Figures):
    clerk_id: int
    clerk: str


class HourFigures(Figures):
    hour: int


class DayFigures(Figures):
    day: Day


class StatsDays(Wire):
    summarised: int
    live: int


class Precision(Wire):
    quantile_step_seconds: int
    quantile_step_below_seconds: int
    coarse_step_seconds: int
    coarse_step_below_seconds: int
    quantile_rule: str


class FeedbackKindFigures(Wire):
    kind: Literal["complaint", "suggestion", "thanks"]
    filed: int
    new: int
    in_progress: int
    answered: int
    closed: int


class FeedbackStatusCounts(Wire):
    new: int
    in_progress: int
    answered: int
    closed: int


class FeedbackFigures(Wire):
    """Complaints, suggestions and thanks filed on the period's days (no text, no numbers)."""

    filed: int
    by_kind: list[FeedbackKindFigures]
    by_status: FeedbackStatusCounts
    response_seconds: Durations = Field(description="filing to answer (or to closing) of complaints and suggestions")
    target_working_days: int = Field(description="the centre's target for answering, in working days")
    answered_within_target_share: float | None = Field(
        description="of complaints and suggestions answered or past their due day, the share answered by it")
    overdue: int = Field(description="complaints and suggestions past their due day without an answer")


class SignedDurations(Wire):
    """Like Durations, in seconds that may be negative (before the time they are measured from)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


class VisitFigures(Wire):
    """How visitors came and how it went: appointments, walk-ins and the remote queue (core/visit_figures.py)."""

    booked: int = Field(description="bookings whose slot falls on these days, whatever became of them")
    checked_in: int
    cancelled: int
    no_show: int = Field(description="bookings never checked in by the slot's start plus the service's grace")
    pending: int = Field(description="bookings not yet due")
    no_show_rate: float | None = Field(description="no_show ÷ (checked_in + no_show)")
    punctuality_seconds: SignedDurations = Field(description="call time − slot time of appointment tickets called (negative: early)")
    appointment_wait_seconds: Durations = Field(description="check-in to call, appointment tickets")
    walk_in_wait_seconds: Durations = Field(description="issue to call, tickets taken at the kiosk")
    remote_wait_seconds: Durations = Field(description="issue to call, tickets taken from a phone")
    remote_issued: int
    remote_arrived: int = Field(description="remote tickets whose visitor confirmed at the kiosk")
    remote_no_show: int = Field(description="remote tickets that ended absent")
    remote_no_show_rate: float | None = Field(description="remote_no_show ÷ remote_issued")


class ServiceVisitFigures(VisitFigures):
    service_id: int
    code: str | None
    name_ar: str | None
    name_en: str | None


class DayVisitFigures(VisitFigures):
    day: Day


class ServiceDayVisitFigures(ServiceVisitFigures):
    day: Day


class VisitsFigures(Wire):
    """`GET /stats`'s `visits`: the period's totals, and per service, per day, per service and day."""

    totals: VisitFigures
    by_service: list[ServiceVisitFigures]
    by_day: list[DayVisitFigures]
    by_service_day: list[ServiceDayVisitFigures]


class Stats(Wire):
    """`GET /stats`: a `by_…` list is present only for the groupings asked for."""

    from_: Day = Field(alias="from")
    to: Day
    totals: TotalFigures
    by_service: list[ServiceFigures] | None = None
    by_counter: list[CounterFigures] | None = None
    by_clerk: list[ClerkFigures] | None = None
    by_hour: list[HourFigures] | None = None
    by_day: list[DayFigures] | None = None
    days: StatsDays
    precision: Precision
    include_simulated: bool = False  # whether the day simulator's tickets are counted
    feedback: FeedbackFigures | None = None  # complaints and suggestions of the period
    visits: VisitsFigures | None = None  # appointments, walk-ins and the remote queue of the period



class Scorecard(Wire):
    """One clerk's month (core/voice_figures.py `scorecards`): no comment, text or mobile number."""

    clerk_id: int
    clerk: str
    rank: int | None = Field(description="place in the league; null when not ranked")
    ranked: bool = Field(description="has at least `min_ratings` ratings this month")
    served: int
    called: int = Field(description="entries the clerk called (the base of the no-show and recall rates)")
    mean_service_seconds: float | None
    median_service_seconds: float | None
    within_target_share: float | None = Field(description="of the entries the clerk called, the share called within the service's target wait")
    no_show_rate: float | None = Field(description="entries called that ended absent ÷ entries called")
    recall_rate: float | None = Field(description="entries called that were called again at least once ÷ entries called")
    satisfaction: Satisfaction
    score_vs_service: float | None = Field(description="mean of (score − that service's centre-wide mean score); the ranking figure")
    time_vs_service: float | None = Field(description="mean of (service time ÷ that service's centre-wide mean); below 1 is quicker")
    complaints: int = Field(description="complaints that name one of the clerk's visits")


class League(Wire):
    """`GET /stats/league`: the month's clerks, ranked ones first (best first), then the unranked."""

    month: str = Field(description="YYYY-MM")
    from_: Day = Field(alias="from")
    to: Day
    min_ratings: int = Field(description="ratings a clerk needs in the month to be ranked")
    ranked: int = Field(description="how many clerks are ranked")
    include_simulated: bool = False
    rows: list[Scorecard]


class CentreMonth(Wire):
    served: int
    mean_service_seconds: float | None
    within_target_share: float | None
    satisfaction: Satisfaction


class NamedVisit(Wire):
    """A complaint about one of the clerk's visits: which visit and where it stands, never its text."""

    number: str
    business_day: Day
    status: Literal["new", "in_progress", "answered", "closed"]


class MyScorecard(Wire):
    """`GET /sessions/current/scorecard`: the logged-in clerk's own month beside the centre's."""

    month: str
    from_: Day = Field(alias="from")
    to: Day
    min_ratings: int
    ranked: int
    card: Scorecard
    centre: CentreMonth
    complaints: list[NamedVisit]

# ── errors ───────────────────────────────────────────────────────────────────────────────


class ErrorDetail(Wire):
    field: str
    problem: str


class Error(Wire):
    """Every refusal of the hub: a stable code and the message in both languages."""

    error: str = Field(description="stable code a client may switch on, e.g. impossible_step, disk_full")
    message: str = Field(description="English text, for a person")
    message_ar: str = Field(description="Arabic text, for a person")
    details: list[ErrorDetail] | None = Field(default=None, description="422 only: the fields at fault")


# ── events ───────────────────────────────────────────────────────────────────────────────


class EventBase(Wire):
    """What every event frame carries. `handler_name` is the client's handler: `on_ticket_called`.

    An event's model names its type once, as its `type` field (`type: Literal["ticket.called"]`);
    its `event_type`, `type_name` and `handler_name` are read from that, and a name that is no
    EventType is refused when the class is made.
    """

    event_type: ClassVar[EventType | None] = None
    type_name: ClassVar[str] = ""
    handler_name: ClassVar[str] = ""

    seq: int = Field(ge=1)
    type: str
    at: IsoTime

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        annotation = cls.model_fields["type"].annotation
        if get_origin(annotation) is not Literal:
            return  # a family of events (TicketEvent), or the unknown event: no one type
        (name,) = get_args(annotation)
        try:
            kind = EventType(name)
        except ValueError:
            raise TypeError(f"{cls.__name__}: {name!r} is no EventType") from None
        cls.event_type, cls.type_name, cls.handler_name = kind, kind.value, kind.handler_name


class TicketEvent(EventBase):
    """A ticket's step: the ticket after it, and the row of its service after it (so nobody
    refetches `/state` for the waiting count or the estimate)."""

    ticket: Ticket
    service: Service | None = Field(None, description="the ticket's service after the change (null in events logged before it was added)")


class TicketIssued(TicketEvent):
    type: Literal["ticket.issued"]


class TicketCalled(TicketEvent):
    type: Literal["ticket.called"]
    counter: CounterBrief


class TicketRecalled(TicketEvent):
    type: Literal["ticket.recalled"]
    counter: CounterBrief | None = None


class TicketStarted(TicketEvent):
    type: Literal["ticket.started"]


class TicketFinished(TicketEvent):
    type: Literal["ticket.finished"]
    closed_at_rollover: bool = Field(False, description="closed by the business day's end, not by a clerk")


class TicketNoShow(TicketEvent):
    type: Literal["ticket.no_show"]
    closed_at_rollover: bool = Field(False, description="closed by the business day's end, not by a clerk")


class TicketTransferred(TicketEvent):
    type: Literal["ticket.transferred"]
    new_ticket: Ticket = Field(description="the new waiting entry in the other service")
    new_service: Service | None = Field(None, description="the other service after the change")


class TicketCancelled(TicketEvent):
    type: Literal["ticket.cancelled"]


class TicketExpired(TicketEvent):
    type: Literal["ticket.expired"]


class TicketArrived(TicketEvent):
    """A remote ticket's visitor confirmed at the kiosk that they are here."""

    type: Literal["ticket.arrived"]


class TicketSkipped(TicketEvent):
    """A remote ticket came up before its visitor arrived: it went to the back of its queue
    (its `first_issued_at` is the moment it was skipped); the next time it is marked no-show."""

    type: Literal["ticket.skipped"]


class CounterEvent(EventBase):
    """A counter's status changed: the counter after it, and the rows of the services it serves
    (their open counters and estimates changed with it)."""

    counter: Counter
    services: list[Service] = Field(default_factory=list, description="the services it serves, after the change")


class CounterOpened(CounterEvent):
    type: Literal["counter.opened"]


class CounterPaused(CounterEvent):
    type: Literal["counter.paused"]


class CounterResumed(CounterEvent):
    type: Literal["counter.resumed"]


class CounterClosed(CounterEvent):
    type: Literal["counter.closed"]


class DayRolled(EventBase):
    """A new business day: clients reload `/state`."""

    type: Literal["day.rolled"]
    business_day: Day
    previous_business_day: Day
    expired: int
    closed_at_rollover: int


class ConfigChanged(EventBase):
    """The centre's configuration changed: clients reload `/state`."""

    type: Literal["config.changed"]


class DeviceEvent(EventBase):
    device: Device


class DeviceStatus(DeviceEvent):
    type: Literal["device.status"]
    status: dict[str, Any]


class DeviceEnrolled(DeviceEvent):
    type: Literal["device.enrolled"]


class DeviceRenamed(DeviceEvent):
    type: Literal["device.renamed"]
    previous_name: str


class DeviceRevoked(DeviceEvent):
    type: Literal["device.revoked"]


class DeviceOnline(DeviceEvent):
    type: Literal["device.online"]


class DeviceOffline(DeviceEvent):
    type: Literal["device.offline"]


class UnknownEvent(EventBase):
    """An event type this version does not know (from a newer hub): skip it, but count its seq."""

    handler_name: ClassVar[str] = "on_unknown_event"


EVENT_MODELS: dict[str, type[EventBase]] = {
    model.type_name: model
    for model in (
        TicketIssued, TicketCalled, TicketRecalled, TicketStarted, TicketFinished, TicketNoShow,
        TicketTransferred, TicketCancelled, TicketExpired, TicketArrived, TicketSkipped,
        CounterOpened, CounterPaused, CounterResumed, CounterClosed,
        DayRolled, ConfigChanged,
        DeviceStatus, DeviceEnrolled, DeviceRenamed, DeviceRevoked, DeviceOnline, DeviceOffline,
    )
}
#: every event type the hub sends, e.g. "ticket.called"
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_MODELS)
UNKNOWN_TAG = "unknown"


def _event_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if kind in EVENT_MODELS else UNKNOWN_TAG


Event = Annotated[
    Union[tuple(Annotated[model, Tag(name)] for name, model in EVENT_MODELS.items()) + (Annotated[UnknownEvent, Tag(UNKNOWN_TAG)],)],  # type: ignore[valid-type]
    Discriminator(_event_tag),
]
"""Any event frame, by its `type` (unknown types: `UnknownEvent`)."""

_EVENT = TypeAdapter(Event)


def parse_event(frame: dict[str, Any] | str | bytes) -> EventBase:
    """One event frame (decoded, or the WebSocket's text) as its model; ValidationError if malformed."""
    if isinstance(frame, (str, bytes)):
        return _EVENT.validate_json(frame)
    return _EVENT.validate_python(frame)


def handler_for(event: EventBase) -> str:
    """The name of the method a client's handler object gives this event: `on_ticket_called`."""
    return type(event).handler_name


# ── the centre console (hub/console/): its audit log ─────────────────────────────────────


class AuditEntry(Wire):
    """One change made from the centre console (core/audit.py)."""

    id: int
    at: IsoTime
    actor: str = Field(description="the supervisor's or admin's user name")
    role: Role
    action: str = Field(description="what was done, e.g. counter.pause, ticket.move, clerk.add, device.revoke")
    target: str = Field(description="what it was done to, e.g. 'counter 3', 'A-012', a user or device name")
    before: Any = Field(None, description="the changed part before (null: nothing before)")
    after: Any = Field(None, description="the changed part after (null: nothing left)")


class AuditRecorded(EventBase):
    """A console change was made: its audit entry (the change itself has its own event too)."""

    type: Literal["audit.recorded"]
    entry: AuditEntry


EVENT_MODELS[AuditRecorded.type_name] = AuditRecorded
EVENT_TYPES = tuple(EVENT_MODELS)
Event = Annotated[  # type: ignore[misc]
    Union[tuple(Annotated[model, Tag(name)] for name, model in EVENT_MODELS.items()) + (Annotated[UnknownEvent, Tag(UNKNOWN_TAG)],)],  # type: ignore[valid-type]
    Discriminator(_event_tag),
]
_EVENT = TypeAdapter(Event)



# ── the visitor's voice (core/voice.py): ratings, complaints and suggestions ─────────────

FeedbackKind = Literal["complaint", "suggestion", "thanks"]
FeedbackStatus = Literal["new", "in_progress", "answered", "closed"]


class Rating(Wire):
    """A visitor's rating of one finished visit (one per ticket; the first wins)."""

    number: str = Field(description="the ticket's number, e.g. A-105")
    score: int = Field(ge=1, le=5, description="1 (very unhappy) to 5 (very happy)")
    comment: str | None = Field(description="up to 500 characters; null when none, or once the retention period is over")
    source: Literal["phone", "feedback"]
    at: IsoTime


class RatingState(Wire):
    """Under a visit on the phone page: may it be rated now, and the rating once given."""

    number: str
    can_rate: bool = Field(description="the visit ended with a service less than 24 h ago and has no rating yet")
    closes_at: IsoTime | None = Field(description="24 h after the visit ended; null while it has not ended with a service")
    rating: Rating | None


class PublicFeedback(Wire):
    """What a visitor following a reference sees: the state and the centre's answer."""

    reference: str = Field(description="ten letters and digits the visitor keeps to follow it")
    kind: FeedbackKind
    status: FeedbackStatus
    created_at: IsoTime
    answered_at: IsoTime | None
    answer: str | None


class FeedbackSummary(Wire):
    """A complaint, suggestion or thanks without what the visitor wrote (events, shared screens)."""

    reference: str
    kind: FeedbackKind
    status: FeedbackStatus
    source: Literal["phone", "kiosk", "api"]
    business_day: Day
    created_at: IsoTime
    updated_at: IsoTime
    answered_at: IsoTime | None
    closed_at: IsoTime | None
    assignee: str | None = Field(description="the supervisor it is assigned to")
    answer: str | None
    redacted: bool = Field(description="the text and mobile number were removed (retention or the visitor's request)")


class Feedback(FeedbackSummary):
    """The whole entry, for supervisors (the console's inbox, the export of one visitor's feedback)."""

    text: str | None = Field(description="null once removed")
    mobile: str | None = Field(description="for a reply; null when not given or once removed")


class RatingRecord(Wire):
    ticket_id: int
    number: str
    service_id: int
    counter_id: int | None
    score: int = Field(ge=1, le=5)
    source: Literal["phone", "feedback"]
    business_day: Day


class RatingRecorded(EventBase):
    """A visit was rated (the comment is not in the event: it is personal and removed in time)."""

    type: Literal["rating.recorded"]
    rating: RatingRecord


class FeedbackFiled(EventBase):
    """A visitor filed a complaint, suggestion or thanks (without its text or number)."""

    type: Literal["feedback.filed"]
    feedback: FeedbackSummary


class FeedbackChanged(EventBase):
    """A supervisor assigned, answered or moved an entry, or its personal data was removed."""

    type: Literal["feedback.changed"]
    feedback: FeedbackSummary


for _model in (RatingRecorded, FeedbackFiled, FeedbackChanged):
    EVENT_MODELS[_model.type_name] = _model
EVENT_TYPES = tuple(EVENT_MODELS)
Event = Annotated[  # type: ignore[misc]
    Union[tuple(Annotated[model, Tag(name)] for name, model in EVENT_MODELS.items()) + (Annotated[UnknownEvent, Tag(UNKNOWN_TAG)],)],  # type: ignore[valid-type]
    Discriminator(_event_tag),
]
_EVENT = TypeAdapter(Event)



# ── appointments (core/bookings.py) ──────────────────────────────────────────────────────

BookingStatus = Literal["booked", "checked_in", "cancelled", "no_show"]
BookingSource = Literal["web", "portal", "console"]


class BookingSummary(Wire):
    """A booking without its code or mobile number (events, screens others see)."""

    id: int
    service_id: int
    service_code: str | None = Field(description="the service's letter, e.g. F; null if it left the centre file")
    slot_day: Day = Field(description="the slot's day in the centre's calendar")
    slot_start: IsoTime
    slot_minutes: int = Field(ge=1)
    status: BookingStatus
    source: BookingSource = Field(description="web: the /book page; portal: an integration token; console")
    created_at: IsoTime
    updated_at: IsoTime


class Booking(BookingSummary):
    """A booking as its holder sees it, found by its code."""

    code: str = Field(description="ten letters and digits (no 0, O, 1, I or L); also in the booking's QR code")
    mobile: str = Field(description="the mobile number, masked: 05•••••567")


class FreeSlot(Wire):
    start: str = Field(description="the slot's start with the centre's offset, e.g. 2026-11-25T09:15:00+03:00")
    minutes: int = Field(ge=1)
    free: int = Field(ge=0, description="places that can still be booked (0: full)")


class DaySlots(Wire):
    """A service's slots of one day still to come, with their free places."""

    service_id: int
    day: Day
    hijri_day: str = Field(description="the same day in the Hijri calendar (Umm al-Qura), YYYY-MM-DD")
    slots: list[FreeSlot]


class BookingMade(EventBase):
    """A visitor (or a portal on their behalf) booked a place in a slot."""

    type: Literal["booking.made"]
    booking: BookingSummary


class BookingChanged(EventBase):
    """A booking moved to another slot, was cancelled, or was checked in at the kiosk."""

    type: Literal["booking.changed"]
    booking: BookingSummary
    change: Literal["rescheduled", "cancelled", "checked_in", "no_show"]
    previous_slot_start: IsoTime | None = Field(None, description="rescheduled: the slot it left")


for _model in (BookingMade, BookingChanged):
    EVENT_MODELS[_model.type_name] = _model
EVENT_TYPES = tuple(EVENT_MODELS)
Event = Annotated[  # type: ignore[misc]
    Union[tuple(Annotated[model, Tag(name)] for name, model in EVENT_MODELS.items()) + (Annotated[UnknownEvent, Tag(UNKNOWN_TAG)],)],  # type: ignore[valid-type]
    Discriminator(_event_tag),
]
_EVENT = TypeAdapter(Event)

assert set(EVENT_TYPES) == {kind.value for kind in EventType}, "every EventType has its model"
