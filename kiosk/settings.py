"""Plain values the kiosk's command line needs; no Qt here, so `main.py --help` stays light."""

#: printer widths in dots: 80 mm paper, 58 mm paper
PRINTER_WIDTHS = (576, 384)

#: while its printer needs staff (out of paper, cover open, silent…) the kiosk asks it again this
#: often, so the staff badge and the supervisors' alert clear by themselves once it is fixed
PRINTER_RECHECK_SECONDS = 60
