"""Sound files the announcer makes: synthesised speech, its cache, the chime, recorded clips."""

from __future__ import annotations

import array
import math
import os
import shutil
import sys
import threading
import wave
from pathlib import Path

import pytest
from pyttsx3.voice import Voice

from display_board.announcer import (
    AnnouncerSettings,
    Call,
    ClipError,
    InvalidPhraseError,
    SettingsError,
    SpeechEngine,
    SynthesisError,
    arabic_phrase,
    build_from_clips,
    english_phrase,
    make_chime,
    synthesise,
)
from display_board.announcer.chime import CHIME_FILE_NAME, cached_chime
from display_board.announcer.clips import COMMA_GAP_SECONDS, WORD_GAP_SECONDS, clip_plan
from display_board.announcer.settings import settings_help
from display_board.announcer.speech import produce_speech
from qt_common.speech.synthesis import (
    cache_path,
    choose_voice_id,
    prefers_espeak_program,
    prune_cache,
    speech_cache_dir,
)
from qt_common.wav import (
    WavFormat,
    read_frames,
    read_info,
    rms_16bit,
    write_atomically,
)

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng program not installed"
)

# Speech by espeak-ng measures an RMS of about 2600-3300; silence is 0.
AUDIBLE_RMS = 500


def settings_in(tmp_path: Path, **changes: object) -> AnnouncerSettings:
    """Settings whose cache lives in the test's own folder."""
    return AnnouncerSettings(cache_dir=tmp_path / "cache", **changes)  # type: ignore[arg-type]


def assert_plausible_speech(path: Path, longest: float = 8.0) -> None:
    """A real mono/stereo 16-bit WAV of phrase length that is not silence."""
    wav_format, frames = read_frames(path)
    duration = len(frames) / (wav_format.frame_rate * wav_format.channels * wav_format.sample_width)
    assert 8000 <= wav_format.frame_rate <= 48000
    assert wav_format.channels in (1, 2)
    assert wav_format.sample_width == 2
    assert 1.0 <= duration <= longest, duration
    assert rms_16bit(frames) > AUDIBLE_RMS


def tone_level(samples: array.array, frame_rate: int, frequency: float) -> float:
    """Strength of one frequency in a block of samples (Goertzel), normalised to the block."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / frame_rate)
    previous = before_previous = 0.0
    for sample in samples:
        previous, before_previous = sample + coefficient * previous - before_previous, previous
    power = (
        previous * previous
        + before_previous * before_previous
        - coefficient * previous * before_previous
    )
    return math.sqrt(max(power, 0.0)) / len(samples)


def write_tone(
    path: Path, frequency: float, seconds: float = 0.2, frame_rate: int = 16000, channels: int = 1
) -> Path:
    """A short sine WAV standing in for one recorded word."""
    count = round(seconds * frame_rate)
    samples = array.array(
        "h",
        (
            round(8000 * math.sin(2 * math.pi * frequency * i / frame_rate))
            for i in range(count)
            for _ in range(channels)
        ),
    )
    return write_atomically(path, WavFormat(channels, 2, frame_rate), samples.tobytes())


def make_clips(root: Path, language: str = "ar", frame_rate: int = 16000) -> Path:
    """A complete clips folder for one language, every clip a different tone."""
    folder = root / language
    words = (
        ["number", "counter", "reminder"]
        + [f"letter_{chr(c)}" for c in range(65, 91)]
        + [str(d) for d in range(10)]
    )
    for index, word in enumerate(words):
        write_tone(folder / f"{word}.wav", 300 + 20 * index, frame_rate=frame_rate)
    return root


# --- synthesis -------------------------------------------------------------------------


def test_arabic_phrase_is_synthesised_to_real_speech(tmp_path: Path) -> None:
    """The Arabic phrase comes out as a WAV of phrase length that is not silence."""
    path = synthesise(arabic_phrase(Call("A-105", 3)), "ar", settings_in(tmp_path))
    assert path.parent == tmp_path / "cache" / "speech"
    assert_plausible_speech(path)


def test_english_phrase_is_synthesised_to_real_speech(tmp_path: Path) -> None:
    """The English phrase comes out as a WAV of phrase length that is not silence."""
    path = synthesise(english_phrase(Call("A-105", 3)), "en", settings_in(tmp_path))
    assert_plausible_speech(path)


def test_recall_with_names_is_still_a_phrase_length(tmp_path: Path) -> None:
    """The longest usual phrase (recall, three letters, a named counter) stays under 12 s."""
    call = Call(
        "ABC-999", 12, counter_name_ar="كبار السن", counter_name_en="Priority desk", recall=True
    )
    assert_plausible_speech(
        synthesise(arabic_phrase(call), "ar", settings_in(tmp_path)), longest=12.0
    )
    assert_plausible_speech(
        synthesise(english_phrase(call), "en", settings_in(tmp_path)), longest=12.0
    )


def test_second_request_is_served_from_the_cache(tmp_path: Path) -> None:
    """A cached phrase is returned as the same file, untouched, without synthesising again."""
    settings = settings_in(tmp_path)
    text = arabic_phrase(Call("B-17", 4))
    first = synthesise(text, "ar", settings)
    # Put a different, recognisable sound in the cached file: if the second
    # call synthesised again, the speech would replace it.
    make_chime(first)
    marker = first.stat()
    second = synthesise(text, "ar", settings)
    assert second == first
    assert (second.stat().st_mtime_ns, second.stat().st_ino) == (marker.st_mtime_ns, marker.st_ino)
    assert read_info(second).duration_seconds == pytest.approx(1.35, abs=0.01)  # still the chime
    assert sorted(p.name for p in speech_cache_dir(settings).iterdir()) == [first.name]


def test_cache_file_name_depends_on_voice_rate_and_text(tmp_path: Path) -> None:
    """Changing the text, the rate or the voice gives a different cache file."""
    base = settings_in(tmp_path)
    names = {
        cache_path("الرقم 1", "ar", base),
        cache_path("الرقم 2", "ar", base),
        cache_path("الرقم 1", "ar", settings_in(tmp_path, rate=120)),
        cache_path("الرقم 1", "ar", settings_in(tmp_path, voices={"ar": "ar+f2"})),
        cache_path("الرقم 1", "en", base),
    }
    assert len(names) == 5
    assert cache_path("الرقم 1", "ar", base) == cache_path("الرقم 1", "ar", settings_in(tmp_path))


def test_damaged_cache_file_is_made_again(tmp_path: Path) -> None:
    """A cache file that is not a WAV (e.g. cut off by a power failure) is replaced by real speech."""
    settings = settings_in(tmp_path)
    text = english_phrase(Call("A-2", 1))
    path = cache_path(text, "en", settings)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"RIFF\x00\x00")
    assert synthesise(text, "en", settings) == path
    assert_plausible_speech(path)


def loudness_envelope(path: Path, window_seconds: float = 0.02) -> list[float]:
    """RMS of consecutive short windows: the shape of the speech over time."""
    wav_format, frames = read_frames(path)
    step = round(window_seconds * wav_format.frame_rate) * 2
    return [rms_16bit(frames[start : start + step]) for start in range(0, len(frames) - step, step)]


def correlation(a: list[float], b: list[float]) -> float:
    """Pearson correlation of two equally long series."""
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    mean_a, mean_b = sum(a) / n, sum(b) / n
    covariance = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b))
    spread = math.sqrt(sum((x - mean_a) ** 2 for x in a) * sum((y - mean_b) ** 2 for y in b))
    return covariance / spread


@needs_espeak
def test_pyttsx3_and_the_espeak_program_say_the_same(tmp_path: Path) -> None:
    """pyttsx3 really uses the chosen Arabic voice: its speech has the shape and length of espeak-ng's own."""
    text = arabic_phrase(Call("D-40", 2))
    by_pyttsx3 = synthesise(text, "ar", settings_in(tmp_path / "a", engine=SpeechEngine.PYTTSX3))
    by_program = synthesise(text, "ar", settings_in(tmp_path / "b", engine=SpeechEngine.ESPEAK_NG))
    by_english_voice = synthesise(
        text, "ar", settings_in(tmp_path / "c", engine=SpeechEngine.ESPEAK_NG, voices={"ar": "en"})
    )
    assert_plausible_speech(by_program)
    # The library keeps its oscillators' phase from one phrase to the next,
    # so samples differ slightly; the loudness over time does not.
    assert read_info(by_pyttsx3).duration_seconds == pytest.approx(
        read_info(by_program).duration_seconds, rel=0.01
    )
    assert correlation(loudness_envelope(by_pyttsx3), loudness_envelope(by_program)) > 0.95
    assert correlation(loudness_envelope(by_pyttsx3), loudness_envelope(by_english_voice)) < 0.9


def test_synthesis_works_from_a_worker_thread(tmp_path: Path) -> None:
    """Synthesis runs off the main thread, as the announcer runs it."""
    results: list[Path] = []
    worker = threading.Thread(
        target=lambda: results.append(
            synthesise("Number E-7, counter 9", "en", settings_in(tmp_path))
        )
    )
    worker.start()
    worker.join(60)
    assert not worker.is_alive()
    assert_plausible_speech(results[0])


def test_unknown_voice_is_a_clear_error(tmp_path: Path) -> None:
    """A voice that does not exist raises SynthesisError naming it, and leaves no file behind."""
    settings = settings_in(tmp_path, voices={"ar": "nosuchvoice"})
    with pytest.raises(SynthesisError, match="nosuchvoice|does not exist"):
        synthesise("مرحبا", "ar", settings)
    assert list(speech_cache_dir(settings).iterdir()) == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("", "ar"),
        ("   ", "en"),
        ("x" * 501, "en"),
        ("hello\x00", "en"),
        ("\ud800", "en"),
        (None, "ar"),
        ("hi", "fr"),
        ("hi", None),
    ],
)
def test_bad_phrases_are_refused_before_synthesis(
    tmp_path: Path, text: object, language: object
) -> None:
    """Empty, huge, control-character and non-text phrases or unknown languages raise InvalidPhraseError."""
    with pytest.raises(InvalidPhraseError):
        synthesise(text, language, settings_in(tmp_path))  # type: ignore[arg-type]


def test_engine_choice_follows_the_setting() -> None:
    """auto prefers the espeak-ng program on Linux (when installed); explicit choices are kept."""
    assert prefers_espeak_program(AnnouncerSettings(engine="espeak-ng"))
    assert not prefers_espeak_program(AnnouncerSettings(engine="pyttsx3"))
    expected = sys.platform.startswith("linux") and shutil.which("espeak-ng") is not None
    assert prefers_espeak_program(AnnouncerSettings()) == expected


def test_sapi_style_voices_are_chosen_by_language() -> None:
    """Voices are found by language tag, by id (SAPI5 style) or by name."""
    voices = [
        Voice(
            r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_EN-US_ZIRA_11.0",
            "Microsoft Zira Desktop - English (United States)",
        ),
        Voice(
            r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_AR-SA_NAAYF_11.0",
            "Microsoft Naayf - Arabic (Saudi Arabia)",
        ),
    ]
    assert choose_voice_id(voices, "ar") == voices[1].id
    assert choose_voice_id(voices, "en") == voices[0].id
    assert choose_voice_id([Voice("x1", "Hoda", languages=["ar_SA"])], "ar") == "x1"
    assert choose_voice_id([Voice("x2", "Some Arabic voice")], "ar") == "x2"
    assert choose_voice_id(voices[:1], "ar") is None


def test_prune_keeps_the_newest_files_within_the_limit(tmp_path: Path) -> None:
    """Trimming the cache deletes the oldest files first until it fits."""
    for index in range(5):
        file = tmp_path / f"{index}.wav"
        file.write_bytes(b"x" * 1000)
        os.utime(file, ns=(index * 10**9, index * 10**9))
    assert prune_cache(tmp_path, limit_bytes=2500) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3.wav", "4.wav"]


# --- chime -----------------------------------------------------------------------------


def test_chime_is_a_real_two_tone_ding_dong(tmp_path: Path) -> None:
    """The generated chime lasts about 1.35 s, is audible, and rings E5 first and C5 second."""
    path = make_chime(tmp_path / "chime.wav")
    wav_format, frames = read_frames(path)
    assert wav_format == WavFormat(1, 2, 22050)
    assert 0.8 <= len(frames) / 2 / 22050 <= 2.0
    assert rms_16bit(frames) > AUDIBLE_RMS
    samples = array.array("h")
    samples.frombytes(frames)
    ding = samples[0:8000]  # before the second note starts at 0.42 s
    dong = samples[11000:19000]
    assert tone_level(ding, 22050, 659.25) > 5 * tone_level(ding, 22050, 523.25)
    assert tone_level(dong, 22050, 523.25) > 2 * tone_level(dong, 22050, 659.25)
    assert max(abs(s) for s in samples) < 32767  # no clipping
    assert abs(samples[-1]) < 50  # fades out, no click at the end


def test_chime_is_cached_and_a_damaged_one_is_rebuilt(tmp_path: Path) -> None:
    """The chime is generated once into the cache folder, and again if the file is broken."""
    path = cached_chime(tmp_path)
    assert path == tmp_path / CHIME_FILE_NAME
    stamp = path.stat().st_mtime_ns
    assert cached_chime(tmp_path).stat().st_mtime_ns == stamp
    path.write_bytes(b"not a wav")
    assert read_info(cached_chime(tmp_path)).duration_seconds > 1.0


# --- recorded clips ---------------------------------------------------------------------


def test_clips_are_joined_into_the_phrase(tmp_path: Path) -> None:
    """With a full clips folder, a call is the clips in order with short pauses between them."""
    clips = make_clips(tmp_path / "clips")
    call = Call("A-105", 3)
    path = build_from_clips(call, "ar", clips, tmp_path / "cache")
    folder = clips / "ar"
    expected = [
        folder / name
        for name in [
            "number.wav",
            "letter_A.wav",
            "1.wav",
            "0.wav",
            "5.wav",
            "counter.wav",
            "3.wav",
        ]
    ]
    assert [piece for piece in clip_plan(call, "ar", clips) if isinstance(piece, Path)] == expected
    joined_format, joined = read_frames(path)
    assert joined_format == WavFormat(1, 2, 16000)
    gaps = 5 * WORD_GAP_SECONDS + COMMA_GAP_SECONDS  # number|A|1|0|5, counter|3
    assert len(joined) / 2 / 16000 == pytest.approx(7 * 0.2 + gaps, abs=0.01)
    assert joined.startswith(read_frames(expected[0])[1])
    assert joined.endswith(read_frames(expected[-1])[1])


def test_whole_number_and_whole_counter_clips_are_preferred(tmp_path: Path) -> None:
    """A recorded "105" and "counter 3" are used instead of digits and words."""
    clips = make_clips(tmp_path / "clips")
    write_tone(clips / "ar" / "105.wav", 1500)
    write_tone(clips / "ar" / "counter_3.wav", 1600)
    pieces = [p.name for p in clip_plan(Call("A-105", 3), "ar", clips) if isinstance(p, Path)]
    assert pieces == ["number.wav", "letter_A.wav", "105.wav", "counter_3.wav"]


def test_recall_from_clips_starts_with_reminder(tmp_path: Path) -> None:
    """A recall built from clips opens with reminder.wav."""
    clips = make_clips(tmp_path / "clips")
    pieces = [
        p.name for p in clip_plan(Call("A-1", 3, recall=True), "ar", clips) if isinstance(p, Path)
    ]
    assert pieces[0] == "reminder.wav"


def test_missing_clip_is_named_in_the_error(tmp_path: Path) -> None:
    """A phrase needing a clip that is not there raises ClipError naming the file."""
    clips = make_clips(tmp_path / "clips")
    (clips / "ar" / "letter_Q.wav").unlink()
    with pytest.raises(ClipError, match="letter_Q.wav"):
        build_from_clips(Call("Q-1", 3), "ar", clips, tmp_path / "cache")
    with pytest.raises(ClipError, match="no clips folder"):
        build_from_clips(Call("A-1", 3), "en", clips, tmp_path / "cache")


def test_clips_of_different_formats_are_refused(tmp_path: Path) -> None:
    """Clips that do not share one format raise ClipError naming both files and formats."""
    clips = make_clips(tmp_path / "clips")
    write_tone(clips / "ar" / "3.wav", 700, frame_rate=22050)
    with pytest.raises(ClipError, match=r"3\.wav is 22050 Hz.*one format"):
        build_from_clips(Call("A-1", 3), "ar", clips, tmp_path / "cache")


def test_broken_clip_is_refused(tmp_path: Path) -> None:
    """A clip that is not a WAV raises ClipError instead of producing noise."""
    clips = make_clips(tmp_path / "clips")
    (clips / "ar" / "number.wav").write_bytes(b"ID3 not a wav")
    with pytest.raises(ClipError, match="number.wav"):
        build_from_clips(Call("A-1", 3), "ar", clips, tmp_path / "cache")


def test_named_counter_needs_a_whole_counter_clip(tmp_path: Path) -> None:
    """A counter name only a recording can say needs counter_N.wav; the error says so."""
    clips = make_clips(tmp_path / "clips")
    with pytest.raises(ClipError, match="counter_13.wav"):
        clip_plan(Call("A-1", 13, counter_name_ar="كبار السن"), "ar", clips)
    assert clip_plan(Call("A-1", 3, counter_name_ar="الشباك 3"), "ar", clips)


def test_speech_uses_clips_and_falls_back_to_synthesis(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Clips say what they can; a call they cannot say is synthesised, with a warning."""
    clips = make_clips(tmp_path / "clips")
    settings = settings_in(tmp_path, clips_dir=clips)
    from_clips = produce_speech(Call("A-1", 3), "ar", settings)
    assert from_clips.parent.name == "clips"
    (clips / "ar" / "letter_Z.wav").unlink()
    synthesised = produce_speech(Call("Z-1", 3), "ar", settings)
    assert synthesised.parent == speech_cache_dir(settings)
    assert_plausible_speech(synthesised)
    assert "letter_Z.wav" in caplog.text


# --- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"languages": []},
        {"languages": "ar"},
        {"languages": ["ar", "fr"]},
        {"languages": ["ar", "ar"]},
        {"languages": ["en"], "english": False},
        {"volume": 1.5},
        {"volume": -0.1},
        {"volume": float("nan")},
        {"volume": True},
        {"rate": 10},
        {"rate": 150.5},
        {"voices": {"fr": "x"}},
        {"voices": {"ar": "x" * 400}},
        {"voices": "ar"},
        {"cache_dir": ""},
        {"cache_dir": "a\x00b"},
        {"engine": "festival"},
        {"chime": "yes"},
        {"synthesis_timeout_seconds": 0},
        {"cache_limit_mb": 0},
    ],
)
def test_bad_settings_are_refused_clearly(changes: dict[str, object]) -> None:
    """Every setting refuses wrong values with an English and an Arabic message."""
    with pytest.raises(SettingsError) as raised:
        AnnouncerSettings(**changes)  # type: ignore[arg-type]
    assert raised.value.message_en and raised.value.message_ar


def test_english_switch_drops_english_only() -> None:
    """english=False keeps Arabic and drops English; the order of languages is kept."""
    assert AnnouncerSettings(languages=["en", "ar"]).spoken_languages == ("en", "ar")
    assert AnnouncerSettings(languages=["ar", "en"], english=False).spoken_languages == ("ar",)
    assert AnnouncerSettings(languages=["en"]).spoken_languages == ("en",)


def test_every_setting_has_help_in_both_languages() -> None:
    """Each setting is declared with English and Arabic help."""
    for name, help_en, help_ar in settings_help():
        assert help_en and help_ar, name
        assert any("\u0600" <= c <= "\u06ff" for c in help_ar), name


def test_wav_reader_refuses_non_wav(tmp_path: Path) -> None:
    """The WAV reader gives a clear error for a file that is not a WAV."""
    bogus = tmp_path / "x.wav"
    bogus.write_bytes(b"hello")
    with pytest.raises(ValueError, match="not a PCM WAV"):
        read_info(bogus)
    with wave.open(str(tmp_path / "empty.wav"), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
    assert read_info(tmp_path / "empty.wav").frame_count == 0


def test_pyttsx3_long_phrases_are_complete(tmp_path: Path) -> None:
    """pyttsx3's WAV is the whole phrase even when synthesis outlasts its runAndWait (espeak driver)."""
    for number in range(1, 9):
        call = Call(
            f"W-{number}", number, counter_name_ar="قسم خدمات المراجعين والاستفسارات", recall=True
        )
        text = arabic_phrase(call)
        by_pyttsx3 = synthesise(
            text, "ar", settings_in(tmp_path / "a", engine=SpeechEngine.PYTTSX3)
        )
        if shutil.which("espeak-ng") is None:
            assert_plausible_speech(by_pyttsx3, longest=15.0)
            continue
        by_program = synthesise(
            text, "ar", settings_in(tmp_path / "b", engine=SpeechEngine.ESPEAK_NG)
        )
        assert read_info(by_pyttsx3).duration_seconds == pytest.approx(
            read_info(by_program).duration_seconds, rel=0.02
        )
