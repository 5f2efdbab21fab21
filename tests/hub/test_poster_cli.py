"""`python main.py poster`: the /join poster written to a file, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

import main


def test_poster_file_holds_the_join_address_and_its_qr(tmp_path: Path, capsys):
    """The file is the bilingual poster, Arabic first, with the QR code and address of /join."""
    out = tmp_path / "poster.html"
    assert main.main(["poster", "--url", "https://queue.example.sa/", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "https://queue.example.sa/join" in text and "<svg" in text and 'lang="ar" dir="rtl"' in text
    assert text.index("انتظر دورك من جوالك") < text.index("Wait for your turn on your phone")
    assert "مركز خدمات الأعمال" in text
    assert "https://queue.example.sa/join" in capsys.readouterr().out


@pytest.mark.parametrize("url", ["queue.example.sa", "ftp://queue.example.sa", "https://", "javascript:alert(1)",
                                 "https://" + "a" * 300 + ".sa", "https://queue.example.sa/\u202e\n"])
def test_poster_refuses_addresses_phones_cannot_open(tmp_path: Path, capsys, url: str):
    """Not http(s) with a host, too long, or with control characters: exit 2, said plainly, no file."""
    out = tmp_path / "poster.html"
    assert main.main(["poster", "--url", url, "--out", str(out)]) == 2
    assert "is not an address phones can open" in capsys.readouterr().err
    assert not out.exists()


def test_poster_into_a_missing_folder_says_so(tmp_path: Path, capsys):
    """A folder that does not exist: exit 1 and the reason."""
    assert main.main(["poster", "--url", "https://queue.example.sa", "--out", str(tmp_path / "no" / "poster.html")]) == 1
    assert "cannot write" in capsys.readouterr().err
