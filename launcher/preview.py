"""An on-screen stand-in for the thermal printer: shows each ticket exactly as it would print.

The all-in-one demo uses it so a newcomer sees the printed ticket without owning a printer.
The image is the same one the printer package renders and encodes for a real printer.
"""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

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
        scroll = QScrollArea()
        scroll.setWidget(self.paper)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(scroll, 1)
        self.printed = 0
        self.resize(340, 720)

    def show_ticket(self, image: Image.Image, outcome: object = None) -> None:
        """Show `image`, scaled to the window's width; `outcome` (a PrintOutcome) is summarised."""
        self.printed += 1
        pixmap = pixmap_from_image(image)
        width = max(200, self.width() - 40)
        self.paper.setPixmap(
            pixmap.scaledToWidth(min(width, pixmap.width()), Qt.TransformationMode.SmoothTransformation)
        )
        from qt_common.i18n import Language, current_language

        own = getattr(outcome, "message_ar" if current_language() is Language.AR else "message_en", "")
        self.caption.setText(own or tr("preview.printed"))
