"""The centre's configuration: one TOML file, declared once here with types, defaults and help.

Every fault is reported as a ConfigError naming the file, the key and what is wrong, e.g.
`centre.toml: services[2].range: the range end (50) is below its start (100)`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import ConfigError
from core.appointments import AppointmentsConfig
from core.hours import Calendar, OpeningHours, SpecialDays, WEEKDAYS, parse_day, parse_span
from core.images import image_kind
from core.models import CallMode
from core.numbering import NumberRange

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "assets" / "demo-centre.toml"
MAX_CONFIG_BYTES = 1_000_000

Name = Annotated[str, Field(min_length=1, max_length=120)]
LongText = Annotated[str, Field(max_length=500)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SpecialDaysConfig(_Strict):
    name: Name = Field(description="What the dates are, e.g. 'Ramadan' or 'Eid al-Fitr'.")
    start: str = Field(alias="from", description="First day, YYYY-MM-DD.")
    end: str = Field(alias="to", description="Last day (inclusive), YYYY-MM-DD.")
    calendar: Calendar = Field(Calendar.GREGORIAN, description="'gregorian' or 'hijri' (Umm al-Qura).")
    hours: list[str] = Field(default_factory=list, description="Spans like '10:00-15:00'; empty with closed = true.")
    closed: bool = Field(False, description="Closed on these days (a holiday).")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _check(self) -> "SpecialDaysConfig":
        if self.closed and self.hours:
            raise ValueError("give either hours or closed = true, not both")
        if not self.closed and not self.hours:
            raise ValueError("give hours (e.g. ['10:00-15:00']) or closed = true")
        first, last = parse_day(self.start, self.calendar), parse_day(self.end, self.calendar)
        if last < first:
            raise ValueError(f"'to' ({self.end}) is before 'from' ({self.start})")
        for span in self.hours:
            parse_span(span)
        return self

    def build(self) -> SpecialDays:
        return SpecialDays(
            name=self.name,
            first=parse_day(self.start, self.calendar),
            last=parse_day(self.end, self.calendar),
            spans=tuple(parse_span(s) for s in self.hours),
        )


HoursValue = Literal["always"] | dict[str, list[str]]


def _check_hours(value: HoursValue | None) -> HoursValue | None:
    if value is None or value == "always":
        return value
    assert isinstance(value, dict)
    for day, spans in value.items():
        if day not in WEEKDAYS:
            raise ValueError(f"'{day}' is not a weekday; use {', '.join(WEEKDAYS)}")
        for span in spans:
            parse_span(span)
    return value


def build_hours(value: HoursValue | None, special: list[SpecialDaysConfig]) -> OpeningHours:
    built_special = tuple(s.build() for s in special)
    if value is None or value == "always":
        return OpeningHours(always_open=True, special=built_special)
    weekly = {WEEKDAYS.index(day): tuple(parse_span(s) for s in spans) for day, spans in value.items()}
    return OpeningHours(always_open=False, weekly=weekly, special=built_special)


class CentreConfig(_Strict):
    name_ar: Name
    name_en: Name
    time_zone: str = Field("Asia/Riyadh", description="IANA time zone of the centre.")
    rollover_hour: int = Field(3, ge=0, le=23, description="Local hour at which the business day (and numbering) restarts.")
    hours: HoursValue = Field("always", description="'always', or weekday → spans, e.g. sun = ['07:30-14:30'].")
    special_days: list[SpecialDaysConfig] = Field(default_factory=list)
    ticker_ar: LongText = ""
    ticker_en: LongText = ""
    footer_ar: LongText = ""
    footer_en: LongText = ""
    logo: str | None = Field(None, description="Path of a logo image for tickets, relative to the config file.")

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: HoursValue | None) -> HoursValue | None:
        return _check_hours(value)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a known time zone (e.g. Asia/Riyadh)") from None
        return value


class GroupConfig(_Strict):
    key: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,40}$")]
    name_ar: Name
    name_en: Name


class ServiceConfig(_Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z]{1,2}$", description="Letter(s) printed before the number.")]
    name_ar: Name
    name_en: Name
    group: str | None = Field(None, description="Key of a [[groups]] entry.")
    range: tuple[int, int] = Field((1, 999), description="First and last number, e.g. [1, 999].")
    wrap_around: bool = Field(False, description="Start the range again when it runs out the same day.")
    daily_cap: int = Field(999, ge=1, le=100_000)
    target_wait_minutes: float = Field(15, gt=0, le=24 * 60, description="The wait the centre promises.")
    max_wait_minutes: float | None = Field(30, gt=0, le=24 * 60, description="Past this a normal ticket is promoted.")
    average_service_minutes: float = Field(5, gt=0, le=24 * 60, description="Estimate until real service times exist.")
    enabled: bool = True
    hours: HoursValue | None = Field(None, description="Overrides the centre's hours.")
    special_days: list[SpecialDaysConfig] = Field(default_factory=list)
    appointments: AppointmentsConfig | None = Field(None, description="Appointment slots; absent: walk-ins only.")
    remote: bool = Field(False, description="Visitors may take this service's ticket from their phone (GET /join), where [remote] enabled allows it.")
    remote_cap: int = Field(
        20, ge=1, le=10_000, description="Remote tickets of this service waiting at once before their visitor arrives; /join offers it no more past this."
    )
    remote_warn_places: int = Field(
        3, ge=1, le=100, description="A remote ticket's phone page warns its visitor when this many or fewer wait ahead of them."
    )

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: HoursValue | None) -> HoursValue | None:
        return _check_hours(value)

    @field_validator("range")
    @classmethod
    def _range(cls, value: tuple[int, int]) -> tuple[int, int]:
        start, end = value
        if start < 0 or end > 99_999:
            raise ValueError("numbers must lie between 0 and 99999")
        if end < start:
            raise ValueError(f"the range end ({end}) is below its start ({start})")
        return value

    @property
    def number_range(self) -> NumberRange:
        return NumberRange(self.range[0], self.range[1], self.wrap_around)


#: a screen's colours (qt_common.looks.THEME_NAMES): the usual ones, or high contrast (7:1 and more)
ThemeName = Literal["standard", "high-contrast"]


class CounterConfig(_Strict):
    number: int = Field(ge=1, le=9999)
    name_ar: str | None = Field(None, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    services: list[str] = Field(description="Service codes in order of preference, or ['*'] for every service.")
    mode: CallMode = CallMode.FIFO
    theme: ThemeName = Field("standard", description="The counter screen's colours; `--theme` overrides it.")
    large_text: bool = Field(False, strict=True, description="Every text of the counter screen larger; `--large-text` overrides it.")

    @field_validator("services")
    @classmethod
    def _services(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("a counter must serve at least one service (or '*')")
        if len(set(value)) != len(value):
            raise ValueError("a service is listed twice")
        return value


class BoardConfig(_Strict):
    name_ar: str | None = None
    name_en: str | None = None
    counters: list[int] = Field(default_factory=list, description="Counter numbers shown; empty: all.")
    services: list[str] = Field(default_factory=list, description="Service codes shown; empty: all.")
    theme: ThemeName = Field("standard", description="The board's colours; `--theme` overrides it.")
    flash: int = Field(0, ge=0, le=10, strict=True, description="Blink a new call's row this many times; `--flash` overrides it.")
    highlight_until_next: bool = Field(
        False, strict=True, description="Keep the newest number lit until the next call; `--highlight-until-next` overrides it."
    )
    chime_volume: float = Field(
        1.0, ge=0, le=1, allow_inf_nan=False, strict=True, description="The chime's loudness against the speech, 0 to 1."
    )
    chime_repeats: int = Field(1, ge=1, le=5, strict=True, description="How many times the chime sounds before each call.")


class KioskConfig(_Strict):
    """Where the centre's kiosk screens are, for a seated visitor's reach (kiosk/reach.py): the
    visible bottom edge above the floor and the visible size, in mm. A kiosk's --screen-bottom-mm
    and --screen-size-mm override it."""

    screen_bottom_mm: float | None = Field(
        None, ge=0, le=2500, allow_inf_nan=False, strict=True, description="The screen's visible bottom edge above the floor, mm."
    )
    screen_width_mm: float | None = Field(None, ge=50, le=3000, allow_inf_nan=False, strict=True, description="Visible width, mm.")
    screen_height_mm: float | None = Field(None, ge=50, le=3000, allow_inf_nan=False, strict=True, description="Visible height, mm.")

    @model_validator(mode="after")
    def _together(self) -> "KioskConfig":
        given = [self.screen_bottom_mm is not None, self.screen_width_mm is not None, self.screen_height_mm is not None]
        if any(given) and not all(given):
            raise ValueError("give screen_bottom_mm, screen_width_mm and screen_height_mm together")
        return self


class RulesConfig(_Strict):
    priority_streak_limit: int = Field(2, ge=0, le=100, description="Priority calls in a row before a normal one (0: no limit).")
    recent_service_window: int = Field(20, ge=1, le=1000, description="Finished tickets the ETA averages over.")


class HubConfig(_Strict):
    kiosk_issue_per_minute: int = Field(30, ge=1, le=1_000_000, description="Tickets one kiosk may issue per minute.")
    pin_attempts: int = Field(5, ge=1, le=100, description="Wrong PINs before a clerk is locked out.")
    lockout_minutes: float = Field(5, gt=0, le=24 * 60)
    session_hours: float = Field(12, gt=0, le=24 * 7, description="A clerk session ends after this long.")
    max_body_bytes: int = Field(65_536, ge=1024, le=10_000_000)
    offline_after_seconds: float = Field(
        30, ge=1, le=3600, description="A device whose last event socket closed is announced offline after this long."
    )
    console_idle_minutes: float = Field(
        15, gt=0, le=24 * 60, description="A console login ends after this long without a request from it."
    )
    pause_alert_minutes: float = Field(
        20, gt=0, le=24 * 60, description="The console raises an alert for a counter paused longer than this."
    )
    bookings_per_minute: int = Field(10, ge=1, le=1_000_000, description="Appointments one address may book per minute.")
    booking_lookups_per_minute: int = Field(
        30, ge=1, le=1_000_000, description="Bookings one address may look up, move or cancel by code per minute."
    )
    portal_requests_per_minute: int = Field(
        600, ge=1, le=1_000_000, description="Booking requests one integration token (a ministry portal) may make per minute."
    )


class FeedbackConfig(_Strict):
    """The visitor's voice: how long what visitors wrote is kept, and how soon the centre answers."""

    retention_days: int = Field(
        90, ge=1, le=3650,
        description="Days a rating's comment, a complaint's text and a mobile number are kept; the figures stay.",
    )
    answer_target_working_days: int = Field(
        3, ge=1, le=60, description="Working days (the centre's opening weekdays) the centre gives itself to answer.",
    )


class RemoteConfig(_Strict):
    """The remote queue: a walk-in ticket taken from a phone, confirmed at the kiosk on arrival
    (each service also says whether it offers it: `remote`, `remote_cap`, `remote_warn_places`)."""

    enabled: bool = Field(False, description="The centre-wide switch: whether GET /join offers any service at all.")
    per_client_waiting: int = Field(
        3, ge=1, le=1000,
        description="Remote tickets waiting at once that one network address may hold (docs/decisions/remote-join-limits.md).",
    )
    join_per_minute: int = Field(6, ge=1, le=10_000, description="Remote tickets one network address may take per minute.")


class CentreFile(_Strict):
    centre: CentreConfig
    groups: list[GroupConfig] = Field(default_factory=list)
    services: list[ServiceConfig] = Field(min_length=1)
    counters: list[CounterConfig] = Field(min_length=1)
    boards: dict[str, BoardConfig] = Field(default_factory=dict)
    kiosk: KioskConfig = KioskConfig()
    rules: RulesConfig = RulesConfig()
    hub: HubConfig = HubConfig()
    feedback: FeedbackConfig = FeedbackConfig()
    remote: RemoteConfig = RemoteConfig()

    @model_validator(mode="after")
    def _cross_check(self) -> "CentreFile":
        codes = [s.code for s in self.services]
        duplicate = _first_duplicate(codes)
        if duplicate:
            raise ValueError(f"services: the code '{duplicate}' is used twice")
        group_keys = {g.key for g in self.groups}
        for index, service in enumerate(self.services):
            if service.group is not None and service.group not in group_keys:
                raise ValueError(f"services[{index}].group: '{service.group}' is not a [[groups]] key")
        duplicate_number = _first_duplicate([c.number for c in self.counters])
        if duplicate_number is not None:
            raise ValueError(f"counters: the number {duplicate_number} is used twice")
        known = set(codes)
        for index, counter in enumerate(self.counters):
            if counter.services != ["*"]:
                unknown = [code for code in counter.services if code not in known]
                if unknown:
                    raise ValueError(f"counters[{index}].services: unknown service code(s) {', '.join(unknown)}")
        numbers = {c.number for c in self.counters}
        for name, board in self.boards.items():
            bad = [n for n in board.counters if n not in numbers]
            if bad:
                raise ValueError(f"boards.{name}.counters: no counter numbered {', '.join(map(str, bad))}")
            bad_codes = [c for c in board.services if c not in known]
            if bad_codes:
                raise ValueError(f"boards.{name}.services: unknown service code(s) {', '.join(bad_codes)}")
        return self

    def counter_service_codes(self, counter: CounterConfig) -> list[str]:
        return [s.code for s in self.services] if counter.services == ["*"] else list(counter.services)


def _first_duplicate(values: list) -> object | None:
    seen: set = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


def load_config(path: str | Path) -> CentreFile:
    """Read and validate a centre file; every fault becomes a ConfigError naming file and key."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: the file is larger than {MAX_CONFIG_BYTES} bytes; is it the right file?")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a TOML file") from None
    except PermissionError:
        raise ConfigError(f"{path}: cannot be read (permission denied)") from None
    return parse_config(raw, str(path), base_dir=path.resolve().parent)


MAX_LOGO_BYTES = 1_000_000


def resolve_logo(config: CentreFile, source: str, base_dir: Path) -> CentreFile:
    """The logo's path made absolute (relative to the config file) and checked to be a small image."""
    logo = config.centre.logo
    if not logo:
        return config
    path = Path(logo) if Path(logo).is_absolute() else base_dir / logo
    where = f"{source}: centre.logo"
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ConfigError(f"{where}: '{logo}' is a folder, not an image file")
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise ConfigError(f"{where}: no file '{logo}' (looked for {path})") from None
    except PermissionError:
        raise ConfigError(f"{where}: '{logo}' cannot be read (permission denied)") from None
    except OSError as error:
        raise ConfigError(f"{where}: '{logo}' cannot be read ({error.strerror or error})") from None
    if size > MAX_LOGO_BYTES:
        raise ConfigError(f"{where}: '{logo}' is {size} bytes; a ticket logo must be under {MAX_LOGO_BYTES} bytes")
    if image_kind(head) is None:
        raise ConfigError(f"{where}: '{logo}' is not a PNG, JPEG, GIF or BMP image")
    centre = config.centre.model_copy(update={"logo": str(path)})
    return config.model_copy(update={"centre": centre})


def parse_config(raw: bytes | str, source: str = "<config>", *, base_dir: Path | None = None) -> CentreFile:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as error:
        raise ConfigError(f"{source}: not UTF-8 text (byte {error.start}); save the file as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from None
    try:
        config = CentreFile.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_describe(source, error)) from None
    return resolve_logo(config, source, base_dir or Path.cwd())


def describe_items(error: ValidationError) -> list[tuple[tuple, str, str]]:
    """Each fault as (location, key as the file spells it, message): the loader's own words."""
    items = []
    for item in error.errors():
        key = ""
        for part in item["loc"]:
            key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (check its spelling)"
        elif item["type"] == "missing":
            message = "is required but missing"
        items.append((tuple(item["loc"]), key or "(top level)", message))
    return items


def _describe(source: str, error: ValidationError) -> str:
    return "\n".join(f"{source}: {key}: {message}" for _, key, message in describe_items(error))
