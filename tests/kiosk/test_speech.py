"""Spoken guidance at the kiosk: real WAVs from the boards' synthesiser (espeak-ng) for every
screen and for the issued ticket, in order and interruptible; only the sound card is replaced
(by a RecordingSink, the outermost edge)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.speech import SpeechKeyError, parse_toggle_keys
from qt_common.i18n import Language, tr_in
from qt_common.sound import RecordingSink
from qt_common.speech.settings import SpeechSettings
from qt_common.speech.synthesis import synthesise
from qt_common.wav import read_frames, rms_16bit
from tests.kiosk.conftest import SCREEN_SIZE, WAIT_MS
from tests.support import LiveHub

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng program not installed")

AUDIBLE_RMS = 500


@pytest.fixture(scope="module")
def speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One speech cache for the module: each phrase is synthesised once."""
    return tmp_path_factory.mktemp("kiosk-speech-cache")


def speaking_kiosk(make_kiosk, hub: LiveHub, cache: Path, *, realtime: bool = False, **options):
    sink = RecordingSink(realtime=realtime)
    settings = SpeechSettings(cache_dir=cache, rate=160)
    window = make_kiosk(hub, speech_settings=settings, speech_sink=sink, **options)
    said: list = []
    window.guidance.active_changed.connect(lambda active: active and window.guidance.player.speaking.connect(said.append))
    return window, sink, settings, said


def wait_quiet(qtbot, window) -> None:
    """Until the guidance has said everything it was given."""
    qtbot.waitUntil(lambda: window.guidance.player is not None and not window.guidance.player.busy(), timeout=WAIT_MS)


def assert_real_speech(path: str) -> None:
    """A WAV of real speech: some length and not silence."""
    wav_format, frames = read_frames(Path(path))
    seconds = len(frames) / (wav_format.frame_rate * wav_format.channels * wav_format.sample_width)
    assert 0.3 <= seconds <= 30, seconds
    assert rms_16bit(frames) > AUDIBLE_RMS


def test_the_speech_button_reads_the_screen_and_the_ticket_in_order(make_kiosk, demo_hub: LiveHub, speech_cache, qtbot) -> None:
    """The speech button says the guidance, the screen's title, how many choices and the first
    one; Next says the next; Choose takes it and the ticket's number, people ahead and wait are
    said; Repeat says them again; each a real espeak-ng WAV, handed to the sound card in order."""
    window, sink, settings, said = speaking_kiosk(make_kiosk, demo_hub, speech_cache)
    button = window.guidance.button
    assert button.accessibleName() == "استمع" and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.guidance.active and window.guidance.bar.isVisible()
    wait_quiet(qtbot, window)
    assert [u.label for u in said] == ["greeting", "title", "count", "choice"]
    assert said[0].text == tr_in(Language.AR, "kiosk.speech.on")
    assert said[1].text == "اختر الخدمة"
    choices = window.guidance.choices()
    first, second = (window.guidance.name_of(b) for b in choices[:2])
    assert said[2].language == "ar" and said[3].text == f"1 من {len(choices)}: {first}"
    assert sink.paths == [str(synthesise(u.text, "ar", settings)) for u in said]
    for path in sink.paths:
        assert_real_speech(path)
    assert window.guidance.focused is choices[0] and choices[0].hasFocus()

    qtbot.mouseClick(window.guidance.bar.buttons["next"], Qt.MouseButton.LeftButton)
    wait_quiet(qtbot, window)
    assert said[-1].text == f"2 من {len(choices)}: {second}" and window.guidance.focused is choices[1]

    cards = set(window.home.service_cards.values())
    while window.guidance.focused not in cards:  # past the buttons above the cards (e.g. "I have an appointment")
        qtbot.mouseClick(window.guidance.bar.buttons["next"], Qt.MouseButton.LeftButton)
        wait_quiet(qtbot, window)
    handed = len(sink.paths)
    service = next(s for s in window.services if window.home.service_cards.get(s.id) is window.guidance.focused)
    qtbot.mouseClick(window.guidance.bar.buttons["choose"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    wait_quiet(qtbot, window)
    ticket = window.current_ticket
    assert ticket is not None and ticket.service_id == service.id
    spoken = said[-4:]
    assert [u.label for u in spoken] == ["ticket", "ahead", "eta", "hint"] or [u.label for u in spoken[1:]] == ["ticket", "ahead", "hint"]
    ticket_words = [u for u in said if u.label == "ticket"][-1].text
    assert ticket_words.startswith("رقمك ") and str(int(ticket.number.split("-")[-1])) in ticket_words
    assert "A" not in ticket_words and "-" not in ticket_words  # letters by their Arabic names
    ahead = [u for u in said if u.label == "ahead"][-1].text
    assert ahead == " ".join(ticket.ahead_text(Language.AR).replace("\u2066", "").replace("\u2069", "").split())
    after_choice = sink.paths[handed:]
    ticket_round = [str(synthesise(u.text, "ar", settings)) for u in said if u.label in ("ticket", "ahead", "eta", "hint")]
    assert after_choice == ticket_round  # nothing of the home screen after the choice, the ticket in order
    for path in after_choice:
        assert_real_speech(path)

    handed = len(sink.paths)
    qtbot.mouseClick(window.guidance.bar.buttons["repeat"], Qt.MouseButton.LeftButton)
    wait_quiet(qtbot, window)
    assert sink.paths[handed:] == ticket_round

    window._return_home_after_ticket()  # the visitor is done
    assert not window.guidance.active and not window.guidance.bar.isVisible() and window.screen_name == "home"
    assert window.guidance.button.accessibleName() == "استمع"


def test_next_cuts_the_phrase_short_and_drops_the_rest(make_kiosk, demo_hub: LiveHub, speech_cache, qtbot) -> None:
    """With the sound card playing at its real pace, Next while the greeting is heard stops it
    at once; the title and count queued behind it are never heard; the next choice is."""
    window, sink, settings, said = speaking_kiosk(make_kiosk, demo_hub, speech_cache, realtime=True)
    window.guidance.set_active(True)
    qtbot.waitUntil(lambda: len(sink.handed) >= 1, timeout=WAIT_MS)
    greeting = sink.handed[0]
    assert greeting.path == str(synthesise(tr_in(Language.AR, "kiosk.speech.on"), "ar", settings))
    window.guidance.next()
    wait_quiet(qtbot, window)
    cut = sink.handed[0]
    assert cut.finished_at is not None and cut.finished_at - cut.handed_at < cut.duration_seconds * 0.8
    assert [u.label for u in said] == ["greeting", "choice"]
    assert len(sink.handed) == 2 and sink.overlaps == 0
    assert said[-1].text.startswith("2 من ")


def test_every_screen_is_read_from_its_own_buttons(make_kiosk, many_hub: LiveHub, speech_cache, qtbot) -> None:
    """Groups, a group's services, priority, the supervisor's PIN, enrollment and unavailable:
    each screen's title and its choices are said, in Arabic and then in English, each a real WAV."""
    window, sink, settings, said = speaking_kiosk(make_kiosk, many_hub, speech_cache)
    qtbot.waitUntil(lambda: window.groups is not None, timeout=WAIT_MS)
    guidance = window.guidance
    guidance.set_active(True)
    wait_quiet(qtbot, window)
    views = {
        "groups": window.go_home,
        "a group": lambda: window.open_group(window.groups[0].key),
        "priority": lambda: window.show_screen("priority"),
        "supervisor pin": window.open_supervisor,
        "enrollment": lambda: window.show_screen("enroll"),
        "unavailable": lambda: window.show_screen("unavailable"),
    }
    for language in (Language.AR, Language.EN):
        window.set_language(language)
        for view, show in views.items():
            window.go_home()
            wait_quiet(qtbot, window)
            show()
            guidance.focus_index = 0
            guidance.read_screen()
            start = len(said)
            wait_quiet(qtbot, window)
            heard = said[start:]
            assert [u.label for u in heard][:2] == ["title", "count"], (view, heard)
            assert all(u.language == language.value for u in heard), view
            choices = guidance.choices()
            if choices:
                assert heard[-1].label == "choice" and guidance.name_of(choices[0]) in heard[-1].text, view
            for utterance in heard:
                path = str(synthesise(utterance.text, language.value, settings))
                assert path in sink.paths, (view, utterance)
                assert_real_speech(path)
    window.set_language(Language.AR)


def test_a_screen_added_later_is_read_without_code_of_its_own(make_kiosk, demo_hub: LiveHub, speech_cache, qtbot) -> None:
    """A new screen (as an appointment check-in would be) is read from its title and its named
    buttons, in reading order, with nothing added to the speech code."""
    window, sink, settings, said = speaking_kiosk(make_kiosk, demo_hub, speech_cache)
    screen = QWidget()
    column = QVBoxLayout(screen)
    column.addWidget(QLabel("تسجيل الحضور للموعد"))
    for text in ("امسح رمز الموعد", "أدخل رقم الحجز"):
        button = QPushButton(text)
        button.setMinimumHeight(80)
        column.addWidget(button)
    chosen: list[str] = []
    screen.findChildren(QPushButton)[1].clicked.connect(lambda: chosen.append("code"))
    window.screens["checkin"] = screen
    window.stack.addWidget(screen)
    window.guidance.set_active(True)
    wait_quiet(qtbot, window)
    window.show_screen("checkin")
    start = len(said)
    wait_quiet(qtbot, window)
    heard = said[start:]
    assert [u.text for u in heard[:1]] == ["تسجيل الحضور للموعد"]
    assert heard[-1].text.startswith("1 من ") and "امسح رمز الموعد" in heard[-1].text
    window.guidance.next()
    wait_quiet(qtbot, window)
    assert "أدخل رقم الحجز" in said[-1].text
    window.guidance.choose()
    assert chosen == ["code"]
    for utterance in said[start:]:
        assert str(synthesise(utterance.text, "ar", settings)) in sink.paths


def test_keys_turn_it_on_move_and_choose(make_kiosk, demo_hub: LiveHub, speech_cache, qtbot) -> None:
    """F1 (or the keypad's *) turns spoken guidance on and off; the arrow keys move (the left
    arrow is forward in Arabic), Enter chooses; a kiosk given other keys ignores F1."""
    window, sink, settings, said = speaking_kiosk(make_kiosk, demo_hub, speech_cache)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.guidance.active
    wait_quiet(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    wait_quiet(qtbot, window)
    assert said[-1].text.startswith("2 من ")
    qtbot.keyClick(window, Qt.Key.Key_Up)
    wait_quiet(qtbot, window)
    assert said[-1].text.startswith("1 من ")
    for _ in range(3):  # past the buttons of the title row (the text switch, "I have an appointment")
        qtbot.keyClick(window, Qt.Key.Key_Down)
        wait_quiet(qtbot, window)
        if window.guidance.focused in window.home.service_cards.values():
            break
    assert window.guidance.focused in window.home.service_cards.values()  # the first service
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    wait_quiet(qtbot, window)
    assert said[-1].label == "hint"
    qtbot.keyClick(window, Qt.Key.Key_Asterisk, Qt.KeyboardModifier.KeypadModifier)
    assert not window.guidance.active
    other, _, _, _ = speaking_kiosk(make_kiosk, demo_hub, speech_cache, name="kiosk-keys", speech_keys="F9")
    qtbot.keyClick(other, Qt.Key.Key_F1)
    assert not other.guidance.active
    qtbot.keyClick(other, Qt.Key.Key_F9)
    assert other.guidance.active


def test_the_idle_reset_silences_it_for_the_next_visitor(make_kiosk, demo_hub: LiveHub, speech_cache, qtbot) -> None:
    """A visitor who turned speech on and walked away: the idle reset stops it and turns it off."""
    window, sink, settings, said = speaking_kiosk(make_kiosk, demo_hub, speech_cache, realtime=True)
    window._idle_timer.setInterval(300)
    window.guidance.set_active(True)
    assert window._idle_timer.isActive()
    qtbot.waitUntil(lambda: not window.guidance.active, timeout=WAIT_MS)
    assert not window.guidance.player.busy() and not window.guidance.bar.isVisible()


@pytest.mark.parametrize("keys", ["", " , ", "Ctrl+X", "Alt+F1", "nonsense-key", "F1,F2,F3,F4,F5,F6,F7,F8,F9", "x" * 5000, "F1\x00"])
def test_unusable_speech_keys_are_refused(keys: str) -> None:
    """Empty, combined with Ctrl/Alt, unknown, too many, huge or hostile key names are refused in both languages."""
    with pytest.raises(SpeechKeyError) as refused:
        parse_toggle_keys(keys)
    assert refused.value.message_ar and refused.value.message_en


def test_speech_keys_are_read_from_their_names() -> None:
    """"F1,*" is F1 and the star; a key named twice counts once."""
    assert parse_toggle_keys("F1, *") == (int(Qt.Key.Key_F1.value), int(Qt.Key.Key_Asterisk.value))
    assert parse_toggle_keys(["F12", "F12"]) == (int(Qt.Key.Key_F12.value),)


@pytest.mark.parametrize(
    ("option", "value"),
    [("--speech-keys", ""), ("--speech-keys", "Ctrl+Q"), ("--speech-keys", "x" * 3000), ("--speech-volume", "2"),
     ("--speech-volume", "nan"), ("--speech-rate", "5"), ("--speech-rate", "100000"), ("--speech-clips", "/no/such/folder")],
)
def test_the_kiosks_speech_options_are_checked_before_it_starts(option: str, value: str, capsys) -> None:
    """A wrong speech key, loudness or speed stops `kiosk` with 2 and says what is wrong."""
    import argparse

    from kiosk import cli

    root = argparse.ArgumentParser(prog="tabour")
    cli.register(root.add_subparsers(dest="role"))
    args = root.parse_args(["kiosk", "--hub", "http://127.0.0.1:9", option, value])
    assert cli.run(args) == 2
    error = capsys.readouterr().err
    assert error.startswith("kiosk: ") and len(error) < 400


SHOTS = Path(__file__).resolve().parents[2] / "shots"


def shoot(window, qtbot, name: str) -> Path:
    """The window as it is drawn, into the git-ignored shots/ folder, to be looked at."""
    SHOTS.mkdir(exist_ok=True)
    qtbot.wait(50)
    path = SHOTS / f"{name}.png"
    assert window.grab().save(str(path)), path
    return path


def test_screenshots_in_speech_mode(make_kiosk, demo_hub: LiveHub, speech_cache, qtbot) -> None:
    """Speech mode in Arabic and English, also with the clearer text: the switch is marked, the
    large controls sit under the screen inside the window (which stays the screen's size), the
    choice in focus is ringed."""
    window, sink, settings, said = speaking_kiosk(make_kiosk, demo_hub, speech_cache)
    for language in (Language.AR, Language.EN):
        window.set_language(language)
        window.guidance.set_active(True)
        window.guidance.next()
        wait_quiet(qtbot, window)
        bar = window.guidance.bar
        assert bar.isVisible() and window.rect().contains(bar.geometry())
        assert window.guidance.focused is not None and window.guidance.focused.property("speechFocus")
        shoot(window, qtbot, f"kiosk-speech-{language.value}")
        assert window.size().toTuple() == SCREEN_SIZE  # the controls fit: the window stays its screen's size
        window.set_larger_look(True)
        shoot(window, qtbot, f"kiosk-speech-high-contrast-{language.value}")
        assert window.size().toTuple() == SCREEN_SIZE
        window.set_larger_look(False)
        window.guidance.set_active(False)
        assert not bar.isVisible()


def test_every_registered_screen_is_spoken(make_kiosk, demo_hub: LiveHub, speech_cache, qtbot) -> None:
    """Each screen the kiosk holds (window.screens, with those other features added: check-in,
    the visitor's voice), in Arabic and English: a title and the count are said, each a real WAV."""
    window, sink, settings, said = speaking_kiosk(make_kiosk, demo_hub, speech_cache)
    window.guidance.set_active(True)
    wait_quiet(qtbot, window)
    read: set[str] = set()
    for language in (Language.AR, Language.EN):
        window.set_language(language)
        for name in [n for n in window.screens if n != "issued"]:  # the number screen: the ticket test
            window.show_screen(name)
            window.guidance.read_screen()
            start = len(said)
            wait_quiet(qtbot, window)
            labels = [u.label for u in said[start:]]
            assert "count" in labels and all(u.language == language.value for u in said[start:]), (name, labels)
            assert labels[0] == "title", (name, labels)
            for utterance in said[start:]:
                path = str(synthesise(utterance.text, language.value, settings))
                assert path in sink.paths
                assert_real_speech(path)
            read.add(name)
    assert len(read) == len(window.screens) - 1


def test_the_ticket_number_comes_from_the_boards_recorded_clips(make_kiosk, demo_hub: LiveHub, speech_cache, tmp_path, qtbot) -> None:
    """With a folder of recorded clips (the boards' layout: number, letter_A, digits), the number
    is said in that voice, joined by the same clip machinery; what no clip says is synthesised."""
    from tests.display_board.test_announcer_audio import make_clips

    clips = make_clips(tmp_path / "clips")
    sink = RecordingSink()
    settings = SpeechSettings(cache_dir=speech_cache, clips_dir=clips)
    window = make_kiosk(demo_hub, speech_settings=settings, speech_sink=sink, touch_guard_ms=0)
    said: list = []
    window.guidance.set_active(True)
    window.guidance.player.speaking.connect(said.append)
    wait_quiet(qtbot, window)
    card = next(c for c in window.home.service_cards.values() if c.isEnabled())
    window.guidance._choices = window.guidance.choices()
    window.guidance.focus_index = window.guidance._choices.index(card)
    window.guidance.choose()
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    wait_quiet(qtbot, window)
    ticket_path = next(p for p, u in zip(sink.paths[-len(said):], said) if u.label == "ticket")
    assert Path(ticket_path).parent == speech_cache / "clips"  # joined from the clips, not synthesised
    value = int(window.current_ticket.number.split("-")[-1])
    wav_format, frames = read_frames(Path(ticket_path))
    clip_format, one_clip = read_frames(clips / "ar" / "number.wav")
    assert wav_format == clip_format and len(frames) > len(one_clip) * (1 + len(str(value)))
    hint = next(p for p, u in zip(sink.paths[-len(said):], said) if u.label == "hint")
    assert hint == str(synthesise(said[-1].text, "ar", settings))  # no clip says it: synthesised
