"""What the feedback screen says, in Arabic and English."""

from __future__ import annotations

FACES = ("😣", "😞", "😐", "😊", "😄")

TEXT = {
    "ar": {
        "question": "كيف كانت خدمتك اليوم؟",
        "faces": ("سيئة جداً", "سيئة", "مقبولة", "جيدة", "ممتازة"),
        "thanks": "شكراً لك! رأيك يساعدنا على خدمتك بشكل أفضل.",
        "idle": "مرحباً بك",
        "idle_note": "بعد انتهاء خدمتك يمكنك تقييمها هنا",
        "failed": "تعذّر حفظ التقييم، شكراً لك على كل حال.",
        "switch": "English",
    },
    "en": {
        "question": "How was your service today?",
        "faces": ("Very bad", "Bad", "Okay", "Good", "Excellent"),
        "thanks": "Thank you! Your opinion helps us serve you better.",
        "idle": "Welcome",
        "idle_note": "When your service ends you can rate it here",
        "failed": "The rating could not be saved; thank you all the same.",
        "switch": "العربية",
    },
}
