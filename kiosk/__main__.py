"""`python -m kiosk --hub URL --printer URI`: the kiosk on its own (see kiosk.cli)."""

import sys

from kiosk.cli import main

sys.exit(main())
