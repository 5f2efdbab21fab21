"""The staff's page skeleton and log-in page, shared by the centre console and the central (core/templates)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from central.dashboard import TEXT as CENTRAL_TEXT
from central.dashboard import _env as central_env
from hub.console import _env as console_env
from hub.console.text import TEXT as CONSOLE_TEXT


def _render(env, text, lang: str, template: str, **context) -> str:
    return env.get_template(template).render(
        lang=lang, dir="rtl" if lang == "ar" else "ltr", t=text[lang], switch_url="/here?lang=x", **context
    )


def _nav_links(page: str) -> list[str]:
    nav = re.search(r"<nav [^>]*>(.*?)</nav>", page, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_each_login_page_fills_the_shared_form_with_its_own_secret(lang):
    console = _render(console_env, CONSOLE_TEXT, lang, "login.html", session=None, here="/console/login", login_csrf="c1")
    central = _render(central_env, CENTRAL_TEXT, lang, "login.html", staff=None, next="/trends")
    for page, text in ((console, CONSOLE_TEXT[lang]), (central, CENTRAL_TEXT[lang])):
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
        assert f"<title>{text['login']} — {text['product']}</title>" in page
        assert page.count('class="skip"') == 1 and page.count('id="username"') == 1
        assert _nav_links(page) == ["/here?lang=x"]  # nobody signed in: only the language switch
    assert '<form method="post" action="/console/login">' in console and 'name="csrf" value="c1"' in console
    assert 'name="pin" type="password" inputmode="numeric"' in console and 'name="password"' not in console
    assert '<form method="post" action="/login">' in central and 'name="next" value="/trends"' in central
    assert 'name="password" type="password"' in central and 'name="pin"' not in central


def test_a_signed_in_user_gets_their_own_links_and_log_out_inside_the_shared_header():
    session = SimpleNamespace(is_admin=False, csrf="t", username="sup", role="supervisor")
    console = _render(console_env, CONSOLE_TEXT, "en", "base.html", session=session, here="/console/today")
    central = _render(central_env, CENTRAL_TEXT, "en", "base.html", staff=SimpleNamespace(username="ministry"))
    links = _nav_links(console)
    assert links[-1] == "/here?lang=x" and "/console/today" in links and "/console/people" not in links
    assert '<a href="/console/today" aria-current="page">' in console and 'action="/console/logout"' in console
    assert _nav_links(central) == ["/", "/trends", "/here?lang=x"] and 'action="/logout"' in central
    assert "htmx" in console and "<script" not in central  # the console's scripts are its own
