"""The ticket lifecycle: which step is allowed from which status, and the refusal for the rest.

    waiting → called → serving → done
    called → no_show, called → called (recall), serving → transferred,
    no_show → called (call back: an absent visitor turns up and is served by number),
    waiting → transferred (move: a supervisor sends a waiting visitor to another service),
    waiting → cancelled, waiting → expired (at the end of the business day)
"""

from __future__ import annotations

from enum import Enum

from core.errors import ImpossibleStep
from core.models import TicketStatus as S


class Step(str, Enum):
    CALL = "call"
    CALL_BACK = "call-back"  # a visitor marked absent who turns up: served by their number
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no-show"
    TRANSFER = "transfer"
    MOVE = "move"  # a supervisor moves a waiting ticket to another service (the centre console)
    CANCEL = "cancel"
    EXPIRE = "expire"


# step → (statuses it may start from, status it leads to)
TRANSITIONS: dict[Step, tuple[frozenset[S], S]] = {
    Step.CALL: (frozenset({S.WAITING}), S.CALLED),
    Step.CALL_BACK: (frozenset({S.NO_SHOW}), S.CALLED),
    Step.RECALL: (frozenset({S.CALLED}), S.CALLED),
    Step.START: (frozenset({S.CALLED}), S.SERVING),
    Step.FINISH: (frozenset({S.SERVING}), S.DONE),
    Step.NO_SHOW: (frozenset({S.CALLED}), S.NO_SHOW),
    Step.TRANSFER: (frozenset({S.SERVING}), S.TRANSFERRED),
    Step.MOVE: (frozenset({S.WAITING}), S.TRANSFERRED),
    Step.CANCEL: (frozenset({S.WAITING}), S.CANCELLED),
    Step.EXPIRE: (frozenset({S.WAITING}), S.EXPIRED),
}

_STEP_NAMES = {
    Step.CALL: ("call", "نداء"),
    Step.CALL_BACK: ("call back", "إعادة استدعاء"),
    Step.RECALL: ("recall", "إعادة النداء على"),
    Step.START: ("start serving", "بدء خدمة"),
    Step.FINISH: ("finish", "إنهاء"),
    Step.NO_SHOW: ("mark as not present", "تسجيل عدم حضور"),
    Step.TRANSFER: ("transfer", "تحويل"),
    Step.MOVE: ("move", "نقل"),
    Step.CANCEL: ("cancel", "إلغاء"),
    Step.EXPIRE: ("expire", "إنهاء صلاحية"),
}

STATUS_NAMES: dict[S, tuple[str, str]] = {
    S.WAITING: ("waiting", "في الانتظار"),
    S.CALLED: ("called", "تم النداء عليها"),
    S.SERVING: ("being served", "قيد الخدمة"),
    S.DONE: ("finished", "منتهية"),
    S.NO_SHOW: ("marked as not present", "لم يحضر صاحبها"),
    S.TRANSFERRED: ("transferred", "محوّلة"),
    S.CANCELLED: ("cancelled", "ملغاة"),
    S.EXPIRED: ("expired", "منتهية الصلاحية"),
}

_HINTS: dict[tuple[Step, S], tuple[str, str]] = {
    (Step.FINISH, S.CALLED): ("Start serving it first.", "ابدأ خدمتها أولاً."),
    (Step.TRANSFER, S.CALLED): ("Start serving it first.", "ابدأ خدمتها أولاً."),
    (Step.NO_SHOW, S.SERVING): ("The visitor is being served; finish instead.", "الزائر قيد الخدمة؛ أنهِ الخدمة بدلاً من ذلك."),
}


def next_status(current: S, step: Step, label: str = "") -> S:
    """The status `step` leads to from `current`, or ImpossibleStep naming both."""
    allowed_from, target = TRANSITIONS[step]
    if current in allowed_from:
        return target
    step_en, step_ar = _STEP_NAMES[step]
    status_en, status_ar = STATUS_NAMES[current]
    hint_en, hint_ar = _HINTS.get((step, current), ("", ""))
    # The label is wrapped in direction isolates so it is not reordered in Arabic text.
    label_ar = f"\u2066{label}\u2069 " if label else ""
    message_en = f"Cannot {step_en} ticket {label} because it is {status_en}. {hint_en}".replace("  ", " ").strip()
    message_ar = f"لا يمكن {step_ar} التذكرة {label_ar}لأنها {status_ar}. {hint_ar}".strip()
    raise ImpossibleStep(message_en, message_ar)
