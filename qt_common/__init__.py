"""What the kiosk, the counter and the display board share.

- `hub_client`: `HubClient` (requests, enrollment, the live state), `HubError`, `HubState`,
  `HubEventHandlers`.
- `i18n`: the Arabic/English catalogue, `tr`, `set_language`, direction marks, durations.
- `dates`: Gregorian and Hijri (Umm al-Qura) dates, clock times.
- `theme`: palette, stylesheet, fonts with Arabic coverage.
- `widgets`: clock, offline banner, ticket number, status badge, language toggle, message bar.
- `tasks`: background work with results on the GUI thread.
- `app`: `create_app`.
"""
