"""The announcer's queue: calls become chime + speech, in order, never overlapping, never lost."""

from __future__ import annotations

import array
import logging
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from display_board.announcer import (
    Announcer,
    AnnouncerSettings,
    Call,
    QtAudioSink,
    RecordingSink,
    SettingsError,
    arabic_phrase,
    english_phrase,
    synthesise,
)
from qt_common.speech import synthesis as synthesis_module
from display_board.announcer.chime import CHIME_FILE_NAME
from qt_common.wav import read_info
from tests.display_board.test_announcer_audio import make_clips

MakeAnnouncer = Callable[..., tuple[Announcer, RecordingSink]]
QUEUE_TIMEOUT_MS = 30_000


@pytest.fixture
def make_announcer(qtbot: QtBot, tmp_path: Path) -> Iterator[MakeAnnouncer]:
    """Builds announcers on a recording sink, and shuts them down after the test."""
    created: list[Announcer] = []

    def make(
        sink: RecordingSink | None = None, **changes: object
    ) -> tuple[Announcer, RecordingSink]:
        sink = sink if sink is not None else RecordingSink()
        settings = AnnouncerSettings(cache_dir=tmp_path / "cache", **changes)  # type: ignore[arg-type]
        announcer = Announcer(settings, sink)
        created.append(announcer)
        return announcer, sink

    yield make
    for announcer in created:
        announcer.shutdown(wait=True)


def record_signals(announcer: Announcer) -> list[tuple[str, str]]:
    """Every started/finished/failed/audio_handed signal, in the order emitted."""
    events: list[tuple[str, str]] = []
    announcer.started.connect(lambda call: events.append(("started", call.ticket_number)))
    announcer.finished.connect(lambda call: events.append(("finished", call.ticket_number)))
    announcer.failed.connect(lambda call, message: events.append(("failed", message)))
    announcer.audio_handed.connect(lambda path: events.append(("audio", path)))
    return events


def wait_until_idle(qtbot: QtBot, announcer: Announcer) -> None:
    """Runs the event loop until every queued call has been announced."""
    qtbot.waitUntil(lambda: announcer.pending() == 0, timeout=QUEUE_TIMEOUT_MS)


def speech_path(call: Call, language: str, announcer: Announcer) -> str:
    """Where the announcer's speech for this call is cached (a cache hit, not a new synthesis)."""
    text = arabic_phrase(call) if language == "ar" else english_phrase(call)
    return str(synthesise(text, language, announcer.settings))


@pytest.mark.parametrize("engine", ["auto", "pyttsx3"])
def test_three_calls_at_once_play_in_order_without_overlap(
    qtbot: QtBot, make_announcer: MakeAnnouncer, engine: str
) -> None:
    """Three calls announced within a millisecond are all played, in arrival order, one file at a time."""
    announcer, sink = make_announcer(engine=engine)
    events = record_signals(announcer)
    calls = [Call("A-105", 3), Call("B-7", 1), Call("C-42", 12)]
    for call in calls:
        announcer.announce(call)
    assert announcer.pending() == 3
    wait_until_idle(qtbot, announcer)

    chime = str(announcer.settings.resolved_cache_dir / CHIME_FILE_NAME)
    expected: list[str] = []
    for call in calls:
        expected += [chime, speech_path(call, "ar", announcer), speech_path(call, "en", announcer)]
    assert sink.paths == expected
    assert sink.overlaps == 0
    for before, after in zip(sink.handed, sink.handed[1:]):
        assert before.finished_at is not None and after.handed_at >= before.finished_at
    assert [event for event in events if event[0] != "audio"] == [
        ("started", "A-105"),
        ("finished", "A-105"),
        ("started", "B-7"),
        ("finished", "B-7"),
        ("started", "C-42"),
        ("finished", "C-42"),
    ]
    assert [path for kind, path in events if kind == "audio"] == expected


def test_each_file_is_announced_as_handed_before_the_next(
    qtbot: QtBot, make_announcer: MakeAnnouncer
) -> None:
    """audio_handed fires once per file, between the call's started and finished."""
    announcer, sink = make_announcer()
    events = record_signals(announcer)
    announcer.announce(Call("D-1", 2))
    wait_until_idle(qtbot, announcer)
    assert [kind for kind, _ in events] == ["started", "audio", "audio", "audio", "finished"]
    assert all(
        Path(path).is_file() and read_info(Path(path)).frame_count > 0 for path in sink.paths
    )


def test_recall_repeats_the_announcement_with_reminder(
    qtbot: QtBot, make_announcer: MakeAnnouncer
) -> None:
    """A recall is announced again in full: chime, then the reminder phrase in each language."""
    announcer, sink = make_announcer()
    call = Call("A-105", 3)
    recall = Call("A-105", 3, recall=True)
    announcer.announce(call)
    announcer.announce(recall)
    wait_until_idle(qtbot, announcer)
    assert len(sink.paths) == 6
    assert sink.paths[3] == sink.paths[0]  # the chime again
    assert sink.paths[4:] == [
        speech_path(recall, "ar", announcer),
        speech_path(recall, "en", announcer),
    ]
    assert sink.paths[4] != sink.paths[1]


def test_same_call_twice_is_played_twice(qtbot: QtBot, make_announcer: MakeAnnouncer) -> None:
    """Two identical calls are both announced; nothing is merged or dropped."""
    announcer, sink = make_announcer(languages=["ar"])
    announcer.announce(Call("A-1", 1))
    announcer.announce(Call("A-1", 1))
    wait_until_idle(qtbot, announcer)
    assert len(sink.paths) == 4
    assert sink.paths[:2] == sink.paths[2:]


@pytest.mark.parametrize(
    ("changes", "parts"),
    [
        ({"english": False}, ["chime", "ar"]),
        ({"chime": False}, ["ar", "en"]),
        ({"languages": ["en"]}, ["chime", "en"]),
        ({"languages": ["en", "ar"]}, ["chime", "en", "ar"]),
    ],
)
def test_settings_choose_the_parts(
    qtbot: QtBot, make_announcer: MakeAnnouncer, changes: dict[str, object], parts: list[str]
) -> None:
    """The chime switch, the English switch and the language list decide what is played, in order."""
    announcer, sink = make_announcer(**changes)
    call = Call("E-3", 4)
    announcer.announce(call)
    wait_until_idle(qtbot, announcer)
    chime = str(announcer.settings.resolved_cache_dir / CHIME_FILE_NAME)
    by_part = {
        "chime": chime,
        "ar": speech_path(call, "ar", announcer),
        "en": speech_path(call, "en", announcer),
    }
    assert sink.paths == [by_part[part] for part in parts]


def peak(path: str) -> int:
    """The loudest sample of a 16-bit mono WAV."""
    with wave.open(path, "rb") as wav:
        assert wav.getsampwidth() == 2
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return max(abs(sample) for sample in samples)


def test_chime_sounds_as_many_times_as_set_and_at_its_own_loudness(
    qtbot: QtBot, make_announcer: MakeAnnouncer
) -> None:
    """chime_repeats=3 plays the chime three times before the speech; chime_volume=0.25 makes a
    chime file whose peak is a quarter of the full one, while the speech keeps its loudness."""
    full, full_sink = make_announcer()
    soft, sink = make_announcer(chime_volume=0.25, chime_repeats=3)
    call = Call("A-12", 2)
    for announcer in (full, soft):
        announcer.announce(call)
    wait_until_idle(qtbot, full)
    wait_until_idle(qtbot, soft)
    full_chime = full_sink.paths[0]
    chime = sink.paths[0]
    assert chime != full_chime
    assert sink.paths == [chime] * 3 + [speech_path(call, "ar", soft), speech_path(call, "en", soft)]
    assert full_sink.paths.count(full_chime) == 1
    assert sink.overlaps == 0
    assert peak(chime) / peak(full_chime) == pytest.approx(0.25, abs=0.01)
    assert peak(sink.paths[3]) == peak(full_sink.paths[1])  # the speech is not made softer


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"chime_volume": -0.1}, "chime_volume"),
        ({"chime_volume": 1.5}, "chime_volume"),
        ({"chime_volume": float("nan")}, "chime_volume"),
        ({"chime_volume": "loud"}, "chime_volume"),
        ({"chime_volume": True}, "chime_volume"),
        ({"chime_repeats": 0}, "chime_repeats"),
        ({"chime_repeats": 6}, "chime_repeats"),
        ({"chime_repeats": 10**9}, "chime_repeats"),
        ({"chime_repeats": 2.0}, "chime_repeats"),
        ({"chime_repeats": "3"}, "chime_repeats"),
    ],
)
def test_wrong_chime_settings_are_refused_by_name(changes: dict[str, object], name: str) -> None:
    """A chime loudness outside 0-1 or a repeat count outside 1-5 is refused, naming the setting."""
    with pytest.raises(SettingsError) as refused:
        AnnouncerSettings(**changes)  # type: ignore[arg-type]
    assert refused.value.name == name


def test_volume_reaches_the_sink(make_announcer: MakeAnnouncer) -> None:
    """The configured volume is handed to the audio output."""
    _, sink = make_announcer(volume=0.4)
    assert sink.volume == 0.4


def test_clips_replace_the_synthesiser_and_missing_ones_fall_back(
    qtbot: QtBot, make_announcer: MakeAnnouncer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Arabic comes from the recorded clips; English (no clips) and a letter without a clip are synthesised."""
    clips = make_clips(tmp_path / "clips", "ar")
    (clips / "ar" / "letter_Z.wav").unlink()
    announcer, sink = make_announcer(clips_dir=clips)
    events = record_signals(announcer)
    announcer.announce(Call("A-12", 3))
    announcer.announce(Call("Z-12", 3))
    wait_until_idle(qtbot, announcer)
    cache = announcer.settings.resolved_cache_dir
    assert Path(sink.paths[1]).parent == cache / "clips"
    assert sink.paths[2] == speech_path(Call("A-12", 3), "en", announcer)
    assert sink.paths[4] == speech_path(Call("Z-12", 3), "ar", announcer)
    assert Path(sink.paths[4]).parent == cache / "speech"
    assert "letter_Z.wav" in caplog.text
    assert not [event for event in events if event[0] == "failed"]


@pytest.mark.parametrize(
    "not_a_call", [None, "A-105", {"ticket_number": "A-105", "counter_number": 3}, 105]
)
def test_announce_refuses_what_is_not_a_call(
    qtbot: QtBot, make_announcer: MakeAnnouncer, not_a_call: object
) -> None:
    """Anything but a Call is refused with TypeError, and the queue keeps working."""
    announcer, sink = make_announcer(languages=["en"])
    with pytest.raises(TypeError, match="Call"):
        announcer.announce(not_a_call)  # type: ignore[arg-type]
    assert announcer.pending() == 0
    announcer.announce(Call("A-1", 1))
    wait_until_idle(qtbot, announcer)
    assert len(sink.paths) == 2


def test_failed_speech_is_skipped_and_the_queue_goes_on(
    qtbot: QtBot, make_announcer: MakeAnnouncer
) -> None:
    """When Arabic speech cannot be made, failed() says why, the rest is played, and later calls still play."""
    announcer, sink = make_announcer(voices={"ar": "nosuchvoice"})
    events = record_signals(announcer)
    announcer.announce(Call("A-1", 1))
    announcer.announce(Call("B-2", 2))
    wait_until_idle(qtbot, announcer)
    failures = [message for kind, message in events if kind == "failed"]
    assert len(failures) == 2 and all(message.startswith("ar:") for message in failures)
    assert len(sink.paths) == 4  # chime + English, twice
    assert [kind for kind, _ in events if kind in ("started", "finished")] == [
        "started",
        "finished",
    ] * 2


def test_speech_that_is_too_slow_is_skipped(qtbot: QtBot, make_announcer: MakeAnnouncer) -> None:
    """If the synthesiser is busy past the timeout, the part is skipped and the call still finishes."""
    announcer, sink = make_announcer(synthesis_timeout_seconds=0.5, languages=["ar"])
    events = record_signals(announcer)
    # Hold the synthesiser's own lock, as a long synthesis would.
    with synthesis_module._synthesis_lock:
        announcer.announce(Call("F-9", 9))
        qtbot.waitUntil(lambda: announcer.pending() == 0, timeout=10_000)
    assert [kind for kind, _ in events] == ["started", "audio", "failed", "finished"]
    assert "not ready after 0.5 s" in events[2][1]
    announcer.announce(Call("F-10", 9))
    wait_until_idle(qtbot, announcer)
    assert len(sink.paths) == 3


def test_shut_down_announcer_refuses_new_calls(make_announcer: MakeAnnouncer) -> None:
    """After shutdown nothing is pending and announce() raises instead of queueing silently."""
    announcer, _ = make_announcer()
    announcer.announce(Call("A-1", 1))
    announcer.shutdown(wait=True)
    assert announcer.pending() == 0
    with pytest.raises(RuntimeError, match="shut down"):
        announcer.announce(Call("A-2", 1))


def test_many_calls_are_all_announced(qtbot: QtBot, make_announcer: MakeAnnouncer) -> None:
    """A burst of 40 calls (a busy hall after a pause) loses none and keeps their order."""
    announcer, sink = make_announcer(languages=["ar"], chime=False)
    calls = [Call(f"A-{number:03d}", number % 7 + 1) for number in range(1, 41)]
    for call in calls:
        announcer.announce(call)
    wait_until_idle(qtbot, announcer)
    assert sink.paths == [speech_path(call, "ar", announcer) for call in calls]
    assert sink.overlaps == 0


# --- the real Qt Multimedia output ----------------------------------------------------------


@pytest.fixture
def qt_sink(qtbot: QtBot) -> Iterator[QtAudioSink]:
    """The production sink; on a machine without a sound card it plays to nothing at real speed."""
    sink = QtAudioSink()
    yield sink
    sink.stop()
    sink.deleteLater()


def test_qt_sink_finishes_each_file_even_without_a_sound_card(
    qtbot: QtBot, qt_sink: QtAudioSink, tmp_path: Path
) -> None:
    """QMediaPlayer plays the chime twice in a row and reports the end of each, device or not."""
    from display_board.announcer import make_chime

    chime = str(make_chime(tmp_path / "chime.wav"))
    finished: list[str] = []
    qt_sink.finished.connect(finished.append)
    qt_sink.set_volume(0.5)
    for expected in (1, 2):
        qt_sink.play(chime)
        qtbot.waitUntil(lambda expected=expected: len(finished) == expected, timeout=10_000)
    assert finished == [chime, chime]


@pytest.mark.parametrize("content", [None, b"not a wav at all"])
def test_qt_sink_finishes_a_file_it_cannot_play(
    qtbot: QtBot, qt_sink: QtAudioSink, tmp_path: Path, content: bytes | None
) -> None:
    """A missing or broken file still gets its finished signal, so the queue never stalls."""
    path = tmp_path / "broken.wav"
    if content is not None:
        path.write_bytes(content)
    with qtbot.waitSignal(qt_sink.finished, timeout=5000) as blocker:
        qt_sink.play(str(path))
    assert blocker.args == [str(path)]


def test_qt_sink_warns_once_when_there_is_no_audio_device(
    qtbot: QtBot, qt_sink: QtAudioSink, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Without an audio device one warning is logged, not one per file."""
    if qt_sink.has_audio_device():
        pytest.skip("this machine has an audio output")
    path = tmp_path / "broken.wav"
    with caplog.at_level(logging.WARNING, logger="qt_common.sound"):
        for _ in range(3):
            with qtbot.waitSignal(qt_sink.finished, timeout=5000):
                qt_sink.play(str(path))
    assert sum("no audio output device" in record.getMessage() for record in caplog.records) == 1


def test_qt_sink_refuses_a_second_file_while_playing(qt_sink: QtAudioSink, tmp_path: Path) -> None:
    """The sink never mixes two files: a second play() before finished is an error."""
    from display_board.announcer import make_chime

    chime = str(make_chime(tmp_path / "chime.wav"))
    qt_sink.play(chime)
    with pytest.raises(RuntimeError, match="already playing"):
        qt_sink.play(chime)


def test_announcer_plays_through_qt_multimedia(qtbot: QtBot, tmp_path: Path) -> None:
    """End to end with the real Qt output: one English call is handed over and finishes."""
    announcer = Announcer(
        AnnouncerSettings(cache_dir=tmp_path / "cache", languages=["en"], chime=False)
    )
    try:
        with (
            qtbot.waitSignal(announcer.finished, timeout=QUEUE_TIMEOUT_MS) as blocker,
            qtbot.waitSignal(announcer.audio_handed, timeout=QUEUE_TIMEOUT_MS) as handed,
        ):
            announcer.announce(Call("A-1", 1))
        assert blocker.args[0] == Call("A-1", 1)
        assert handed.args[0].endswith(".wav")
    finally:
        announcer.shutdown(wait=True)


def test_unwritable_cache_skips_sound_but_keeps_the_queue_moving(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A cache path that is a file: no chime, each speech part fails clearly, every call still finishes."""
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("occupied")
    announcer = Announcer(AnnouncerSettings(cache_dir=blocker_file), RecordingSink())
    try:
        events = record_signals(announcer)
        announcer.announce(Call("A-1", 1))
        announcer.announce(Call("A-2", 1))
        wait_until_idle(qtbot, announcer)
        assert [kind for kind, _ in events] == ["started", "failed", "failed", "finished"] * 2
    finally:
        announcer.shutdown(wait=True)


@pytest.mark.parametrize(
    ("settings", "sink"), [("ar", None), ({"languages": ["ar"]}, None), (None, "speaker")]
)
def test_announcer_refuses_wrong_settings_or_sink(
    qtbot: QtBot, settings: object, sink: object
) -> None:
    """Settings that are not AnnouncerSettings, or a sink that is not an AudioSink, raise TypeError."""
    with pytest.raises(TypeError):
        Announcer(settings, sink)  # type: ignore[arg-type]
