"""The remote queue's settings in the centre file: defaults, and clear loader messages for bad values."""

from __future__ import annotations

import pytest

from core.config import parse_config
from core.errors import ConfigError
from tests.support import demo_config_text


def test_defaults_leave_the_remote_queue_off():
    """A centre file without [remote] or service keys offers no remote tickets."""
    text = demo_config_text().replace("enabled = true\nper_client_waiting = 3\njoin_per_minute = 6\n", "").replace("[remote]\n", "")
    config = parse_config(text.replace("remote = true                 # visitors may also take it from their phone at /join\n", "")
                          .replace("remote = true\n", ""))
    assert config.remote.enabled is False and not any(service.remote for service in config.services)
    assert {(s.remote_cap, s.remote_warn_places) for s in config.services} == {(20, 3)}


@pytest.mark.parametrize(("old", "new", "says"), [
    ("per_client_waiting = 3", "per_client_waiting = 0", "remote.per_client_waiting: Input should be greater than or equal to 1"),
    ("join_per_minute = 6", 'join_per_minute = "many"', "remote.join_per_minute: Input should be a valid integer"),
    ("enabled = true\nper_client", "enabled = true\nwarn_everyone = true\nper_client", "remote.warn_everyone: unknown key"),
    ('name_en = "Municipal licences"\n', 'name_en = "Municipal licences"\nremote_cap = -5\n',
     "services[1].remote_cap: Input should be greater than or equal to 1"),
    ('name_en = "Municipal licences"\n', 'name_en = "Municipal licences"\nremote_warn_places = 1000\n',
     "services[1].remote_warn_places: Input should be less than or equal to 100"),
    ('name_en = "Municipal licences"\nremote = true\n', 'name_en = "Municipal licences"\nremote = "yes please"\n',
     "services[1].remote: Input should be a valid boolean"),
])
def test_bad_remote_settings_are_named_by_file_and_key(old: str, new: str, says: str):
    """Each fault names the file, the key and what is wrong."""
    text = demo_config_text()
    assert old in text
    with pytest.raises(ConfigError) as refused:
        parse_config(text.replace(old, new, 1), "centre.toml")
    assert f"centre.toml: {says}" in str(refused.value)
