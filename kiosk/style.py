"""The kiosk's additions to the shared theme, set on the kiosk window only."""

from __future__ import annotations

from qt_common.theme import COLOURS, Colours


def kiosk_stylesheet(colours: Colours = COLOURS) -> str:
    C = colours  # noqa: N806 — reads like the rules below
    return f"""
QWidget#KioskWindow {{ background: {C.window}; }}
QLabel#CentreName {{ color: {C.primary}; }}
QLabel#Muted, QLabel#CardSubtitle {{ color: {C.text_muted}; }}
QPushButton#ServiceCard, QPushButton#GroupCard {{
    background: {C.surface}; border: 2px solid {C.border}; border-radius: 18px; padding: 0;
}}
QPushButton#ServiceCard:pressed, QPushButton#GroupCard:pressed {{ background: {C.surface_alt}; border-color: {C.primary}; }}
QPushButton#ServiceCard:focus, QPushButton#GroupCard:focus {{ border: 3px solid {C.focus}; }}
QPushButton#ServiceCard:disabled, QPushButton#GroupCard:disabled {{
    background: {C.disabled_surface}; border: 2px dashed {C.border};
}}
QLabel#CodeBadge {{ background: {C.primary}; color: {C.on_primary}; border-radius: 14px; }}
QLabel#CardStatus {{ color: {C.status_waiting}; }}
QPushButton[closed="true"] QLabel {{ color: {C.disabled_text}; }}
QPushButton[closed="true"] QLabel#CardStatus {{ color: {C.status_error}; }}
QPushButton[closed="true"] QLabel#CodeBadge {{ background: {C.status_closed}; color: {C.on_primary}; }}
QWidget[priorityMode="true"] QPushButton[closed="false"] QLabel#CodeBadge {{ background: {C.status_priority}; }}
QWidget[priorityMode="true"] QPushButton#ServiceCard {{ border-color: {C.status_priority}; }}
QPushButton#PriorityButton {{
    background: {C.status_priority}; color: {C.on_primary}; border: 3px solid {C.status_priority};
    border-radius: 18px; padding: 12px 24px;
}}
QPushButton#PriorityButton:focus {{ border: 4px solid {C.focus}; }}
QPushButton#PriorityKind {{
    background: {C.surface}; color: {C.text}; border: 3px solid {C.status_priority}; border-radius: 18px;
}}
QPushButton#PriorityKind:pressed {{ background: {C.surface_alt}; }}
QPushButton#PriorityKind QLabel#CardTitle {{ color: {C.status_priority}; }}
QLabel#PriorityBadge {{ color: {C.on_primary}; background: {C.status_priority}; border-radius: 10px; padding: 6px 18px; }}
QFrame#PriorityBanner {{ background: {C.status_priority}; border-radius: 12px; }}
QFrame#PriorityBanner QLabel {{ color: {C.on_primary}; }}
QPushButton#BigButton {{ min-width: 120px; min-height: 64px; }}
QPushButton#BannerButton {{ background: {C.surface}; color: {C.status_priority}; border-color: {C.surface}; }}
QPushButton#LanguageButton {{ font-weight: bold; border-color: {C.primary}; color: {C.primary}; }}
QPushButton#LookButton {{ font-weight: bold; border-color: {C.text}; color: {C.text}; }}
QPushButton#LookButton:checked {{ background: {C.text}; color: {C.surface}; border-color: {C.text}; }}
QLabel#BigNumber {{ color: {C.primary}; }}
QFrame#NumberCard {{ background: {C.surface}; border: 3px solid {C.primary}; border-radius: 24px; }}
QLabel#PrintStatus[kind="working"] {{ color: {C.text}; }}
QLabel#PrintStatus[kind="done"] {{ color: {C.on_primary}; background: {C.status_open}; border-radius: 12px; padding: 8px 24px; }}
QLabel#PrintStatus[kind="failed"] {{ color: {C.on_primary}; background: {C.status_error}; border-radius: 12px; padding: 8px 24px; }}
QLabel#PrintStatus[kind="note"] {{ color: {C.on_primary}; background: {C.status_waiting}; border-radius: 12px; padding: 8px 24px; }}
QLabel#Notice {{ color: {C.on_primary}; background: {C.status_error}; border-radius: 10px; padding: 8px 18px; }}
QLabel#Notice[kind="info"] {{ background: {C.status_waiting}; }}
QFrame#UnavailablePanel {{ background: {C.surface}; border: 3px solid {C.banner_offline}; border-radius: 24px; }}
QLabel#UnavailableTitle {{ color: {C.banner_offline}; }}
QLabel#StaffProblem {{ color: {C.banner_offline}; }}
QLineEdit#PinField {{ font-size: 30pt; min-height: 70px; }}
QLineEdit#CodeField {{ font-size: 24pt; min-height: 52px; }}
QScrollArea#CodeScroller, QScrollArea#CodeScroller > QWidget > QWidget {{ background: transparent; }}
QPushButton#PadKey {{ padding: 0 6px; min-width: 44px; min-height: 46px; }}
QPushButton#VoiceButton {{
    background: {C.surface}; color: {C.primary}; border: 3px solid {C.primary}; border-radius: 18px; padding: 8px 24px;
}}
QPushButton#VoiceButton:focus {{ border: 4px solid {C.focus}; }}
QPushButton#VoiceKind {{ background: {C.surface}; color: {C.text}; border: 3px solid {C.border}; border-radius: 14px; }}
QPushButton#VoiceKind:checked {{ background: {C.primary}; color: {C.on_primary}; border-color: {C.primary}; }}
QPushButton#VoiceKind:focus {{ border: 3px solid {C.focus}; }}
QPlainTextEdit#VoiceText {{ background: {C.surface}; border: 2px solid {C.border}; border-radius: 10px; padding: 6px; }}
QPlainTextEdit#VoiceText:focus {{ border: 3px solid {C.focus}; }}
QPushButton#AppointmentButton {{
    background: {C.primary}; color: {C.on_primary}; border: 3px solid {C.primary}; border-radius: 18px; padding: 12px 24px;
}}
QPushButton#AppointmentButton:focus {{ border: 4px solid {C.focus}; }}
QPushButton#CheckInButton {{ min-width: 120px; min-height: 64px; font-size: 20pt; font-weight: bold; }}
QLabel#CheckInTitle[kind="welcome"] {{ color: {C.status_open}; }}
QLabel#CheckInTitle[kind="refused"] {{ color: {C.primary}; }}
QPushButton#SpeechButton {{ border: 3px solid {C.primary}; background: {C.surface}; }}
QPushButton#SpeechButton QLabel {{ color: {C.primary}; background: {C.surface}; }}
QPushButton#SpeechButton[active="true"] {{ background: {C.primary}; border-color: {C.primary}; }}
QPushButton#SpeechButton[active="true"] QLabel {{ color: {C.on_primary}; background: {C.primary}; }}
QFrame#SpeechBar {{ background: {C.surface}; border-top: 3px solid {C.primary}; }}
QPushButton#SpeechBarButton {{
    background: {C.primary}; color: {C.on_primary}; border: 3px solid {C.primary}; border-radius: 18px; padding: 8px 20px;
}}
QPushButton#SpeechBarButton:pressed {{ background: {C.primary_pressed}; }}
QPushButton[speechFocus="true"] {{ border: 6px solid {C.focus}; }}
QFrame#ReachBar {{ background: {C.surface}; border-top: 2px solid {C.border}; }}
QPushButton#LowLayoutButton {{ font-weight: bold; border: 3px solid {C.text}; color: {C.text}; padding: 6px 24px; }}
QPushButton#LowLayoutButton:checked {{ background: {C.text}; color: {C.surface}; border-color: {C.text}; }}
QLabel#ReachGap {{ color: {C.text_muted}; font-size: 18pt; }}
QLabel#StaffBadge {{ color: {C.on_primary}; background: {C.status_paused}; border-radius: 8px; padding: 4px 12px; }}
"""
