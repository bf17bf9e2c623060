"""The page server's settings (.streamlit/config.toml) that the page's safety and speed rely on."""

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_server_settings_the_page_relies_on():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"  # no traceback (server paths, values) reaches a browser
    assert config["browser"]["gatherUsageStats"] is False  # nothing leaves the intranet
    # no full garbage collection after every rerun and poll: twenty polling pages starved the full runs
    assert config["runner"]["postScriptGC"] is False
