"""Spoken guidance: the kiosk reads its screens aloud for a visitor who cannot read them.

A visitor turns it on with the speech button (a loudspeaker, «إرشاد صوتي» / "Spoken
guidance") or a key (F1 and the keypad's `*` unless configured otherwise). From then on the
kiosk says each screen's title and how many choices it holds, then the choice in focus; the
large Previous / Next / Choose / Repeat controls at the bottom (or the arrow keys, Enter and
the keypad's + - 0) move through the choices and take one. After a ticket it says the number,
the people ahead and the estimated wait, and Repeat says it again. It speaks the kiosk's
language at the moment (Arabic, or English once the visitor switched).

The choices are read from the screen itself: every visible, enabled button of the screen in
sight, in reading order, by its accessible name (the words a screen reader would say), then
the header's language switch. A screen added to the kiosk is read with no code here, as
long as its buttons are named (`qt_common.widgets.name_buttons` names them by their text).

Speech is made by the boards' own synthesiser (`qt_common.speech`: espeak-ng on Linux, SAPI5
on Windows) on a worker thread and played through an `AudioSink`; nothing here waits for it.
It stops when the visitor leaves (the idle reset, the ticket done) and is off for the next one.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QWidget

from qt_common import theme
from qt_common.i18n import Language, register_catalogue, strip_bidi, tr_in
from qt_common.sound import AudioSink
from qt_common.speech.player import SpeechPlayer, Utterance
from qt_common.speech.settings import SpeechSettings
from qt_common.speech.words import spoken_ticket_number
from qt_common.widgets import TextButton

log = logging.getLogger(__name__)

SPEECH_STRINGS: dict[str, tuple[str, str]] = {
    # Short: the header is full (a loudspeaker beside the word marks it).
    "kiosk.speech.button": ("استمع", "Listen"),
    "kiosk.speech.button_off": ("أوقف", "Stop"),
    "kiosk.speech.previous": ("السابق", "Previous"),
    "kiosk.speech.next": ("التالي", "Next"),
    "kiosk.speech.choose": ("اختيار", "Choose"),
    "kiosk.speech.repeat": ("إعادة", "Repeat"),
    "kiosk.speech.on": (
        "الإرشاد الصوتي يعمل. للتنقل استخدم زر التالي وزر السابق، وللاختيار زر اختيار.",
        "Spoken guidance is on. Use Next and Previous to move, and Choose to select.",
    ),
    "kiosk.speech.choices.zero": ("لا خيارات في هذه الشاشة", "There is nothing to choose on this screen"),
    "kiosk.speech.choices.one": ("خيار واحد", "One choice"),
    "kiosk.speech.choices.two": ("خياران", "Two choices"),
    "kiosk.speech.choices.few": ("{n} خيارات", "{n} choices"),
    "kiosk.speech.choices.many": ("{n} خيارًا", "{n} choices"),
    "kiosk.speech.choices.other": ("{n} خيار", "{n} choices"),
    "kiosk.speech.choice": ("{index} من {count}: {name}", "{index} of {count}: {name}"),
    "kiosk.speech.unavailable": ("{name}، غير متاح", "{name}, not available"),
    "kiosk.speech.ticket": ("رقمك {number}", "Your number is {number}"),
    "kiosk.speech.ticket_repeat": (
        "لسماع الرقم مرة أخرى اختر زر الإعادة.", "To hear your number again, choose Repeat.",
    ),
}
register_catalogue(SPEECH_STRINGS)

#: the keys that turn spoken guidance on and off: a keyboard's F1 and a keypad's star
DEFAULT_TOGGLE_KEYS: tuple[str, ...] = ("F1", "*")
MAX_TOGGLE_KEYS = 8
#: a row of buttons: tops closer than this (px) are read as one line
ROW_TOLERANCE_PX = 24
SPEECH_ICON = Path(__file__).resolve().parent.parent / "assets" / "pictograms" / "speech.svg"


class SpeechKeyError(ValueError):
    """A speech key that cannot be used, said in both languages."""

    def __init__(self, message_en: str, message_ar: str) -> None:
        super().__init__(message_en)
        self.message_en, self.message_ar = message_en, message_ar


def parse_toggle_keys(keys: Iterable[str] | str) -> tuple[int, ...]:
    """Qt key codes from names such as "F1", "*", "F12" (a comma-separated string or a list);
    SpeechKeyError for an empty list, an unknown name or a key with Ctrl/Alt (a visitor's keypad has none)."""
    names = [part.strip() for part in keys.split(",")] if isinstance(keys, str) else [str(key).strip() for key in keys]
    names = [name for name in names if name]
    if not names:
        raise SpeechKeyError("give at least one speech key, e.g. F1", "حدّد مفتاحًا واحدًا للصوت على الأقل، مثل F1")
    if len(names) > MAX_TOGGLE_KEYS:
        raise SpeechKeyError(f"at most {MAX_TOGGLE_KEYS} speech keys", f"لا أكثر من {MAX_TOGGLE_KEYS} مفاتيح للصوت")
    codes: list[int] = []
    for name in names:
        if len(name) > 20 or not name.isprintable():
            raise SpeechKeyError(f"{name[:20]!r} is not a key name", "اسم المفتاح غير صالح")
        sequence = QKeySequence(name)
        if sequence.count() != 1:
            raise SpeechKeyError(f"{name!r} is not one key (use names such as F1, F12, *, +)", f"«{name}» ليس مفتاحًا واحدًا")
        combined = sequence[0]
        if combined.keyboardModifiers() & ~Qt.KeyboardModifier.KeypadModifier & ~Qt.KeyboardModifier.ShiftModifier:
            raise SpeechKeyError(f"{name!r} needs Ctrl or Alt; a visitor's keypad has neither", f"«{name}» يحتاج إلى Ctrl أو Alt")
        code = int(combined.key().value) if hasattr(combined.key(), "value") else int(combined.key())
        if code == int(Qt.Key.Key_unknown.value) or code == 0:
            raise SpeechKeyError(f"{name!r} is not a key name", "اسم المفتاح غير معروف")
        codes.append(code)
    return tuple(dict.fromkeys(codes))


def _key(event_key: object) -> int:
    return int(event_key.value) if hasattr(event_key, "value") else int(event_key)  # type: ignore[arg-type]


K = Qt.Key
NEXT_KEYS = {_key(k) for k in (K.Key_Down, K.Key_Tab, K.Key_Plus)}
PREVIOUS_KEYS = {_key(k) for k in (K.Key_Up, K.Key_Backtab, K.Key_Minus)}
CHOOSE_KEYS = {_key(k) for k in (K.Key_Return, K.Key_Enter, K.Key_Space)}
REPEAT_KEYS = {_key(k) for k in (K.Key_0, K.Key_F2)}


def ticket_clip_plan(number: str, language: str, clips_dir: Path | None) -> tuple:
    """The boards' clips that say a ticket number ("number", its letters, its value), for the
    voice of the centre's recordings; () without a clips folder or for an unusual number."""
    import re

    from qt_common.speech.clips import WORD_GAP_SECONDS, Gap, number_clips

    match = re.match(r"^\s*([A-Za-z]{0,3})[-\s]?0*(\d{1,6})\s*$", number or "")
    if clips_dir is None or match is None:
        return ()
    folder = Path(clips_dir) / language
    pieces: list = [folder / "number.wav"]
    for letter in match.group(1).upper():
        pieces += [Gap(WORD_GAP_SECONDS), folder / f"letter_{letter}.wav"]
    pieces.append(Gap(WORD_GAP_SECONDS))
    pieces += number_clips(folder, int(match.group(2)))
    return tuple(pieces)


def _clean(text: str) -> str:
    """Words for the synthesiser: no direction marks (it refuses them), one space between words,
    no longer than a phrase may be."""
    return " ".join(strip_bidi(text).split())[:480]


@functools.cache
def speech_icon_svg() -> str:
    return SPEECH_ICON.read_text(encoding="utf-8")


class SpeechIcon(QWidget):
    """The loudspeaker of the speech button, drawn from its SVG in the button's text colour."""

    def __init__(self, parent: QWidget | None = None, size_px: int = 40) -> None:
        super().__init__(parent)
        self.setFixedSize(size_px, size_px)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._renderers: dict[str, QSvgRenderer] = {}

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt's name
        # The button's own text colour from the kiosk's sheet (the palette does not carry it).
        kiosk = self.window()
        colours = theme.HIGH_CONTRAST if getattr(kiosk, "larger_look", False) else theme.applied_colours()
        button = self.parentWidget()
        colour = colours.on_primary if isinstance(button, QAbstractButton) and button.isChecked() else colours.primary
        renderer = self._renderers.get(colour)
        if renderer is None:
            source = speech_icon_svg().replace("currentColor", colour)
            renderer = self._renderers[colour] = QSvgRenderer(QByteArray(source.encode("utf-8")), self)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(self.rect()))
        painter.end()


class SpeechButton(QPushButton):
    """The clearly marked switch: a loudspeaker and «إرشاد صوتي» / "Spoken guidance"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SpeechButton")
        self.setCheckable(True)
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # may shrink below its hint
        self.icon_widget = SpeechIcon(self, size_px=34)
        self.label = QLabel(self)
        self.label.setObjectName("SpeechButtonText")
        self.label.setFont(theme.app_font(18, bold=True))
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 16, 4)
        row.setSpacing(10)
        row.addWidget(self.icon_widget, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.label, 1, Qt.AlignmentFlag.AlignVCenter)

    def retranslate(self, language: Language, active: bool) -> None:
        self.setChecked(active)
        self.setProperty("active", "true" if active else "false")
        theme._repolish(self)
        theme._repolish(self.label)
        text = tr_in(language, "kiosk.speech.button_off" if active else "kiosk.speech.button")
        self.label.setText(text)
        self.setAccessibleName(text)
        self.icon_widget.update()

    def sizeHint(self):  # noqa: N802, ANN201 — Qt's name
        # As wide as its wider word, so turning speech on never moves the header.
        metrics = self.label.fontMetrics()
        words = max(metrics.horizontalAdvance(tr_in(lang, key)) for lang in Language for key in ("kiosk.speech.button", "kiosk.speech.button_off"))
        margins = self.layout().contentsMargins()
        width = margins.left() + self.icon_widget.width() + self.layout().spacing() + words + margins.right() + 8
        return self.layout().sizeHint().expandedTo(self.minimumSize()).expandedTo(QSize(width, 0))

    def minimumSizeHint(self):  # noqa: N802, ANN201 — Qt's name
        # A window being made small (the all-in-one demo) may squeeze it on the way to its
        # compact header, which has no speech switch; any kiosk screen has room for its size hint.
        return QSize(0, self.minimumHeight())


class VisitorSwitches(QWidget):
    """The header's corner for the visitor's switches: speech, then the language.

    Its smallest size is the language switch's alone: a window on its way to the compact
    header (which hides the speech switch) may squeeze the speech switch, never the rest.
    """

    def __init__(self, speech: QWidget, language: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addWidget(speech, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(language, 0, Qt.AlignmentFlag.AlignVCenter)

    def minimumSizeHint(self):  # noqa: N802, ANN201 — Qt's name
        return self.language.minimumSizeHint().expandedTo(QSize(0, self.layout().minimumSize().height()))


class SpeechBar(QFrame):
    """Large Previous / Next / Choose / Repeat controls, shown while spoken guidance is on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SpeechBar")
        self.buttons: dict[str, TextButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 4, 24, 6)
        row.setSpacing(16)
        for action in ("previous", "next", "choose", "repeat"):
            button = TextButton(self)
            button.setObjectName("SpeechBarButton")
            button.setFont(theme.app_font(20, bold=True))
            # 64 px is 20 mm and more on a kiosk's glass (9 mm is the least we allow): large for a
            # hand that searches, yet the screen above keeps room with large text on.
            button.setMinimumHeight(64)
            # The bar is one row of controls the visitor cannot miss: they hold the keyboard focus, not the cards.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button, 2 if action in ("next", "choose") else 1)
            self.buttons[action] = button
        self.hide()

    def retranslate(self, language: Language) -> None:
        for action, button in self.buttons.items():
            text = tr_in(language, f"kiosk.speech.{action}")
            button.setText(text)
            button.setAccessibleName(text)


class SpokenGuidance(QObject):
    """Speech mode of one kiosk window; see the module's docstring."""

    active_changed = Signal(bool)
    focus_changed = Signal(object)  # the button now in focus (QAbstractButton) or None

    def __init__(
        self,
        window: QWidget,
        *,
        settings: SpeechSettings | None = None,
        sink: AudioSink | None = None,
        toggle_keys: Sequence[str] | str = DEFAULT_TOGGLE_KEYS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings if settings is not None else SpeechSettings(rate=140)
        self._sink = sink
        self.toggle_keys = parse_toggle_keys(toggle_keys)
        self.player: SpeechPlayer | None = None  # made on first use: most visitors never turn it on
        self.active = False
        self.focus_index = 0
        self._choices: list[QAbstractButton] = []
        self._last: list[Utterance] = []
        self._reading_ticket = False
        self.button = SpeechButton()
        self.button.clicked.connect(self.toggle)
        self.bar = SpeechBar()
        self.bar.buttons["previous"].clicked.connect(self.previous)
        self.bar.buttons["next"].clicked.connect(self.next)
        self.bar.buttons["choose"].clicked.connect(self.choose)
        self.bar.buttons["repeat"].clicked.connect(self.repeat)
        # After a choice the screen redraws (a group opens, a new screen shows); read it once it has.
        self._reread = QTimer(self)
        self._reread.setSingleShot(True)
        self._reread.setInterval(0)
        self._reread.timeout.connect(self._after_choice)
        self._names_before_choice: list[str] = []

    # ---- switching ---------------------------------------------------------------------

    def toggle(self) -> None:
        self.set_active(not self.active)

    def set_active(self, active: bool) -> None:
        active = bool(active)
        if active == self.active:
            self.button.setChecked(active)
            return
        self.active = active
        # The window makes room first, then the bar shows (and hides before the room goes back),
        # so the window never grows past its screen in between.
        prepare = getattr(self.window, "prepare_for_speech", None)
        if active and callable(prepare):
            prepare(True)
        self.bar.setVisible(active)
        if not active and callable(prepare):
            prepare(False)
        self.retranslate()
        if active:
            self._ensure_player()
            self.focus_index = 0
            self.read_screen(greeting=True)
        else:
            if self.player is not None:
                self.player.stop()
            self._clear_focus()
            self._last = []
        self.active_changed.emit(active)

    def reset(self) -> None:
        """The visitor left (idle, or the ticket is done): quiet, and off for the next one."""
        self.set_active(False)

    def retranslate(self) -> None:
        language = self.language
        self.button.retranslate(language, self.active)
        self.bar.retranslate(language)

    @property
    def language(self) -> Language:
        return getattr(self.window, "language", Language.AR)

    def _ensure_player(self) -> SpeechPlayer:
        if self.player is None:
            self.player = SpeechPlayer(self.settings, self._sink, parent=self)
            self.player.finished.connect(self._on_spoken)
        return self.player

    # ---- what is on the screen ---------------------------------------------------------

    def choices(self) -> list[QAbstractButton]:
        """The buttons a visitor can take on the screen in sight, in reading order, then the
        header's (the language switch); never the speech controls themselves."""
        window = self.window
        screen = window.stack.currentWidget() if hasattr(window, "stack") else window
        own = {self.button, *self.bar.buttons.values()}
        found = [b for b in screen.findChildren(QAbstractButton) if self._usable(b, own)]
        header = getattr(window, "header", None)
        after = [b for b in header.findChildren(QAbstractButton) if self._usable(b, own)] if header is not None else []
        return self._reading_order(found) + self._reading_order(after)

    def _usable(self, button: QAbstractButton, own: set) -> bool:
        return button not in own and button.isVisibleTo(self.window) and button.isEnabled() and bool(self.name_of(button))

    def _reading_order(self, buttons: list[QAbstractButton]) -> list[QAbstractButton]:
        rtl = self.language.is_rtl
        placed = []
        for button in buttons:
            corner = button.mapTo(self.window, QPoint(0, 0))
            placed.append((corner.y(), corner.x() + button.width() / 2, button))
        placed.sort(key=lambda item: item[0])
        rows: list[list[tuple[float, float, QAbstractButton]]] = []
        for item in placed:
            if rows and abs(item[0] - rows[-1][0][0]) <= ROW_TOLERANCE_PX:
                rows[-1].append(item)
            else:
                rows.append([item])
        ordered: list[QAbstractButton] = []
        for row in rows:
            ordered += [item[2] for item in sorted(row, key=lambda item: -item[1] if rtl else item[1])]
        return ordered

    @staticmethod
    def name_of(button: QAbstractButton) -> str:
        """What the button is called aloud: its accessible name, else its words; no direction marks."""
        return _clean((button.accessibleName() or button.text()).replace("&", ""))

    def screen_title(self) -> str:
        """The screen's own spoken title (`spoken_title(language)` if it has one, else its
        accessible name, else its first line of text from the top)."""
        window = self.window
        screen = window.stack.currentWidget() if hasattr(window, "stack") else window
        spoken = getattr(screen, "spoken_title", None)
        if callable(spoken):
            return _clean(str(spoken(self.language)))
        if screen.accessibleName():
            return _clean(screen.accessibleName())
        labels = [
            label for label in screen.findChildren(QLabel)
            if label.isVisibleTo(window) and " ".join(label.text().split()) and not label.text().startswith("<")
        ]
        labels.sort(key=lambda label: (label.mapTo(window, QPoint(0, 0)).y(), label.mapTo(window, QPoint(0, 0)).x()))
        return _clean(labels[0].text()) if labels else ""

    # ---- speaking ----------------------------------------------------------------------

    def _utter(self, key_or_text: str, label: str, **fields: object) -> Utterance:
        text = tr_in(self.language, key_or_text, **fields) if key_or_text.startswith("kiosk.") else key_or_text
        return Utterance(_clean(text), self.language.value, label)

    def _say(self, utterances: list[Utterance]) -> None:
        utterances = [u for u in utterances if u.text]
        self._last = utterances
        self._ensure_player().say(utterances)
        self._keep_visitor()

    def read_screen(self, *, greeting: bool = False) -> None:
        """Says the screen's title, how many choices it holds and the one in focus."""
        if not self.active:
            return
        self._reading_ticket = False
        self._choices = self.choices()
        self.focus_index = min(self.focus_index, max(0, len(self._choices) - 1))
        count = len(self._choices)
        from qt_common.i18n import tr_plural_in

        said: list[Utterance] = []
        if greeting:
            said.append(self._utter("kiosk.speech.on", "greeting"))
        title = self.screen_title()
        if title:
            said.append(self._utter(title, "title"))
        said.append(Utterance(_clean(tr_plural_in(self.language, "kiosk.speech.choices", count)), self.language.value, "count"))
        if count:
            said.append(self._choice_utterance())
        self._show_focus()
        self._say(said)

    def _choice_utterance(self) -> Utterance:
        button = self._choices[self.focus_index]
        name = self.name_of(button)
        return self._utter(
            "kiosk.speech.choice", "choice", index=self.focus_index + 1, count=len(self._choices), name=name
        )

    def move(self, step: int) -> None:
        if not self.active:
            return
        self._choices = self.choices()
        if not self._choices:
            self.read_screen()
            return
        self.focus_index = (self.focus_index + step) % len(self._choices)
        self._show_focus()
        self._say([self._choice_utterance()])

    def next(self) -> None:
        self.move(1)

    def previous(self) -> None:
        self.move(-1)

    def choose(self) -> None:
        """Takes the choice in focus, as a touch on it would."""
        if not self.active:
            return
        self._choices = self.choices()
        if not self._choices:
            self.read_screen()
            return
        button = self._choices[min(self.focus_index, len(self._choices) - 1)]
        self._names_before_choice = [self.name_of(b) for b in self._choices]
        self._screen_before_choice = self.window.stack.currentWidget() if hasattr(self.window, "stack") else None
        if self.player is not None:
            self.player.stop()
        button.click()
        if self.active and not self._reading_ticket:
            self._reread.start()

    def _after_choice(self) -> None:
        if not self.active or self._reading_ticket or getattr(self.window, "issuing", False):
            return  # a ticket on its way: its number is what comes next
        choices = self.choices()
        screen = self.window.stack.currentWidget() if hasattr(self.window, "stack") else None
        if screen is not self._screen_before_choice or [self.name_of(b) for b in choices] != self._names_before_choice:
            if screen is not self._screen_before_choice or len(choices) != len(self._names_before_choice):
                self.focus_index = 0
            self.read_screen()  # a new screen, a group opened, a switch that now says the opposite
        else:
            self._choices = choices
            self._say([self._choice_utterance()])

    def repeat(self) -> None:
        """Says the last thing again (the ticket, after issuing)."""
        if not self.active:
            return
        if self._last:
            self._say(list(self._last))
        else:
            self.read_screen()

    def on_screen_changed(self, name: str) -> None:
        if name == "issued":
            return  # read_ticket says what matters there
        if self.active and not self._reread.isActive():
            self._reading_ticket = False
            self.focus_index = 0
            self.read_screen()

    def on_language_changed(self, _language: str) -> None:
        self.retranslate()
        if self.active and not self._reading_ticket:
            self._reread.stop()
            self.read_screen()

    def read_ticket(self, ticket: object, language: Language | None = None) -> None:
        """After issuing: the number, the people ahead and the estimated wait, then how to hear it again."""
        if not self.active:
            return
        self._reread.stop()
        self._reading_ticket = True
        self._clear_focus()
        lang = language or self.language
        number = spoken_ticket_number(getattr(ticket, "number", ""), lang.value)
        said = [Utterance(
            _clean(tr_in(lang, "kiosk.speech.ticket", number=number)), lang.value, "ticket",
            clips=ticket_clip_plan(getattr(ticket, "number", ""), lang.value, self.settings.clips_dir),
        )]
        ahead = ticket.ahead_text(lang) if hasattr(ticket, "ahead_text") else None
        if ahead:
            said.append(Utterance(_clean(ahead), lang.value, "ahead"))
        eta = ticket.eta_text(lang) if hasattr(ticket, "eta_text") else None
        if eta:
            said.append(Utterance(_clean(eta), lang.value, "eta"))
        said.append(Utterance(_clean(tr_in(lang, "kiosk.speech.ticket_repeat")), lang.value, "hint"))
        self._last = said
        self._ensure_player().say(said)

    # ---- focus -------------------------------------------------------------------------

    def _show_focus(self) -> None:
        self._clear_focus()
        if not self._choices:
            return
        button = self._choices[self.focus_index]
        button.setProperty("speechFocus", True)
        theme._repolish(button)
        button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focused = button
        self.focus_changed.emit(button)

    def _clear_focus(self) -> None:
        previous = getattr(self, "_focused", None)
        if previous is not None:
            try:
                previous.setProperty("speechFocus", False)
                theme._repolish(previous)
            except RuntimeError:
                pass  # the card was rebuilt and deleted
        self._focused = None

    @property
    def focused(self) -> QAbstractButton | None:
        return getattr(self, "_focused", None)

    def _keep_visitor(self) -> None:
        """A visitor listening is not idle: the kiosk's idle reset waits."""
        keep = getattr(self.window, "note_activity", None)
        if callable(keep):
            keep()

    def _on_spoken(self) -> None:
        hold = getattr(self.window, "hold_issued_screen", None)
        if self._reading_ticket and callable(hold):
            hold()

    # ---- keys --------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        """Handles a key press of the kiosk window; True if it was a speech key."""
        key = _key(event.key())
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        typing = isinstance(self.window.focusWidget(), QLineEdit)
        if key in self.toggle_keys and not (typing and key < int(Qt.Key.Key_Escape.value)):
            self.toggle()
            return True
        if not self.active:
            return False
        rtl = self.language.is_rtl
        forward = _key(K.Key_Left if rtl else K.Key_Right)
        backward = _key(K.Key_Right if rtl else K.Key_Left)
        if key in NEXT_KEYS or key == forward:
            self.next()
        elif key in PREVIOUS_KEYS or key == backward:
            self.previous()
        elif key in CHOOSE_KEYS:
            self.choose()
        elif key in REPEAT_KEYS and not typing:
            self.repeat()
        else:
            return False
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QWidget):
            if watched is self.window or self.window.isAncestorOf(watched):
                if self.handle_key(event):  # type: ignore[arg-type]
                    return True
        return False

    def shutdown(self) -> None:
        self._reread.stop()
        if self.player is not None:
            self.player.shutdown(wait=False)
