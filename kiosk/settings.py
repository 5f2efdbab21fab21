"""Plain values the kiosk's command line needs; no Qt here, so `main.py --help` stays light."""

#: printer widths in dots: 80 mm paper, 58 mm paper
PRINTER_WIDTHS = (576, 384)
