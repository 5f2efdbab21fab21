"""Health, the snapshot, the services and the centre's logo."""

from __future__ import annotations

import pathlib

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

import core
from core import contract, queries
from core.images import MEDIA_TYPES, media_type
from core.errors import NotFound
from hub.routes.common import Hub, Who, answer, read_answer

router = APIRouter(prefix="/api/v1")

LOGO_ANSWER: dict[int | str, dict] = {
    200: {
        "description": "The logo file as it is (Cache-Control: max-age=300)",
        "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in MEDIA_TYPES.values()},
    }
}


@router.get("/health", response_model=contract.Health)
async def health(hub: Hub) -> Response:
    store = hub.store
    return answer({
        "status": "ok", "version": core.__version__, "seq": store.last_seq, "business_day": store.current_business_day,
        "central": hub.shipper.lag() if hub.shipper is not None else None, "snapshot_reads": hub.snapshot_reads,
    }, contract.Health)


@router.get("/state", response_model=contract.State)
async def state(who: Who, hub: Hub) -> Response:
    hub.snapshot_reads += 1
    return await read_answer(contract.State, queries.state_snapshot, hub.store)


@router.get("/services", response_model=list[contract.Service])
async def services(who: Who, hub: Hub) -> Response:
    return await read_answer(list[contract.Service], queries.get_services, hub.store)


@router.get("/centre/logo", response_class=Response, responses=LOGO_ANSWER)
async def centre_logo(who: Who, hub: Hub) -> Response:
    """The ticket logo from the centre's config, for kiosks to print (checked when the config loads)."""
    logo = hub.store.catalogue.config.centre.logo
    if not logo:
        raise NotFound("This centre has no logo.", "لا يوجد شعار لهذا المركز.")
    try:
        data = await run_in_threadpool(pathlib.Path(logo).read_bytes)
    except OSError:
        raise NotFound("The centre's logo file is gone.", "ملف شعار المركز غير موجود.") from None
    return Response(data, media_type=media_type(data), headers={"Cache-Control": "max-age=300"})
