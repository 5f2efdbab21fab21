"""The speech part of one call in one language: recorded clips if they can say it, else synthesis."""

from __future__ import annotations

import logging
from pathlib import Path

from display_board.announcer.calls import Call
from display_board.announcer.clips import ClipError, build_from_clips
from display_board.announcer.phrases import phrase_for
from display_board.announcer.settings import AnnouncerSettings
from qt_common.speech.synthesis import synthesise

logger = logging.getLogger(__name__)


def produce_speech(call: Call, language: str, settings: AnnouncerSettings) -> Path:
    """A WAV saying `call` in `language`. Blocking; runs on the announcer's worker."""
    if settings.clips_dir is not None:
        try:
            return build_from_clips(call, language, settings.clips_dir, settings.resolved_cache_dir)
        except ClipError as error:
            logger.warning(
                "recorded clips cannot say %s in %s, synthesising instead: %s",
                call.ticket_number,
                language,
                error,
            )
    return synthesise(phrase_for(call, language), language, settings)
