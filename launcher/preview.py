"""An on-screen stand-in for the thermal printer: shows each ticket exactly as it would print.

The all-in-one demo uses it so a newcomer sees the printed ticket without owning a printer.
The image is the same one the printer package renders and encodes for a real printer.
"""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from qt_common.i18n import register_catalogue, tr

register_catalogue(
    {
        "preview.title": ("معاينة الطابعة", "Printer preview"),
        "preview.none": ("لم تُطبع تذكرة بعد", "No ticket printed yet"),
        "preview.printed": ("طُبعت التذكرة", "Ticket printed"),
    }
)


def pixmap_from_image(image: Image.Image) -> QPixmap:
    """A Pillow image (any mode) as a QPixmap, copied so Pillow's buffer may go."""
    grey = image.convert("L")
    data = grey.tobytes()
    qimage = QImage(data, grey.width, grey.height, grey.width, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimage.copy())


class TicketPreview(QWidget):
    """A window holding the last printed ticket, scaled to fit, like paper coming out of a slot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("preview.title"))
        self.setObjectName("ticketPreview")
        self.caption = QLabel(tr("preview.none"))
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        self.paper = QLabel()
        self.paper.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.paper.setStyleSheet("background: white; border: 1px solid #bbb;")
        self.paper.setMinimumSize(1, 1)
        self.paper.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.paper, 1)
        self.printed = 0
        self._ticket: QPixmap | None = None
        self.resize(340, 720)

    def show_ticket(self, image: Image.Image, outcome: object = None) -> None:
        """Show `image` whole, scaled to the window; `outcome` (a PrintOutcome) is summarised."""
        self.printed += 1
        self._ticket = pixmap_from_image(image)
        self._fit_ticket()
        from qt_common.i18n import Language, current_language

        own = getattr(outcome, "message_ar" if current_language() is Language.AR else "message_en", "")
        self.caption.setText(own or tr("preview.printed"))

    @property
    def ticket(self) -> QPixmap | None:
        """The last ticket at its printed size (the window shows it scaled)."""
        return self._ticket

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 — Qt's name
        super().resizeEvent(event)
        self._fit_ticket()

    def _fit_ticket(self) -> None:
        """The whole ticket in the room there is, never larger than printed (a tall strip of paper)."""
        if self._ticket is None:
            return
        room = self.paper.contentsRect().size().shrunkBy(QMargins(4, 4, 4, 4))
        size = self._ticket.size()
        if size.width() > room.width() or size.height() > room.height():
            size = size.scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
        self.paper.setPixmap(self._ticket.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
