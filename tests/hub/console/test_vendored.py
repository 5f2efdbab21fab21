"""The console's vendored scripts are the pinned files, and its pages load nothing from elsewhere."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from hub.console import STATIC, _env

VENDOR = STATIC / "vendor"


def test_vendored_files_match_their_recorded_checksums_and_licences():
    table = (VENDOR / "VENDORED.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S+\.js) \| (\S+) \| (\S+) \| [^|]+ \| ([0-9a-f]{64}) \|$", table, re.M)
    assert {name for name, *_ in rows} == {path.name for path in VENDOR.glob("*.js")}
    for name, package, version, digest in rows:
        assert version in name
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert (VENDOR / "htmx-LICENSE").exists() and (VENDOR / "htmx-ext-sse-LICENSE").exists()


def test_templates_reference_only_the_hubs_own_files():
    # The console's own folder and the page skeleton it shares with the central (core/templates).
    folders = [Path(path) for loader in _env.loader.loaders for path in loader.searchpath]
    assert len(folders) == 2
    for template in (found for folder in folders for found in folder.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        for url in re.findall(r'(?:src|href|action|sse-connect)="([^"{]+)', text):
            # The hub's own paths only (a link to its /join poster is the hub too), never another host.
            same_hub = url.startswith("/") and not url.startswith("//")
            assert same_hub or url.startswith("#"), (template.name, url)
            if not url.startswith("/console"):
                assert 'href="%s"' % url in text, (template.name, url)  # a link to follow, nothing loaded
        assert "style=" not in text, template.name  # the Content-Security-Policy allows no inline style
        scripts = re.findall(r'<script src="/console/static/([^"]+)"', text)
        for script in scripts:
            assert (STATIC / script).exists(), script
