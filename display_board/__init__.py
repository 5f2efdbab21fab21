"""The display board: the hall's TV showing and announcing every call.

- `app.build_board_window(client, board=..., language=..., sink=..., announce=...)`: the
  board as a widget for any host.
- `cli.register(subparsers)`: the `display` role (`python main.py display --hub URL`).
- `model`: which calls are shown and which are spoken (no widgets).
- `announcer`: chime and speech.
"""
