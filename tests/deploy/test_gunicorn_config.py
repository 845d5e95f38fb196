"""deploy/gunicorn.conf.py read as gunicorn reads it: preloading and the access log."""

import json
import logging
import runpy
from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.deploy.conftest import ROOT

CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


@pytest.mark.parametrize(("value", "preload"), [(None, False), ("false", False), ("true", True), ("1", True)])
def test_the_application_is_not_preloaded_unless_asked(monkeypatch, value, preload):
    """Without preloading, `systemctl reload` (HUP) starts workers that import the new code."""
    if value is None:
        monkeypatch.delenv("GUNICORN_PRELOAD", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_PRELOAD", value)
    assert runpy.run_path(str(CONFIG))["preload_app"] is preload


def test_post_fork_leaves_a_worker_of_a_master_that_never_loaded_the_application_alone():
    post_fork = runpy.run_path(str(CONFIG))["post_fork"]
    server = SimpleNamespace(cfg=SimpleNamespace(preload_app=False))
    assert post_fork(server, worker=None) is None


def test_access_log_escapes_whatever_the_client_sent(caplog):
    from gunicorn.config import Config

    config = runpy.run_path(str(CONFIG))
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = config["JsonAccessLogger"](cfg)
    logger.access_log.propagate = True
    nasty = 'a "b" \\ c \\" \n\x00 d é'
    request = SimpleNamespace(headers=[("USER-AGENT", nasty), ("X-REQUEST-ID", nasty)])
    response = SimpleNamespace(status="200 OK", sent=12, headers=[])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/it/search/?q=secret",
        "PATH_INFO": "/it/search/",
        "QUERY_STRING": "q=secret",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": nasty,
    }
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access(response, request, environ, timedelta(milliseconds=7))
    (line,) = [record.getMessage() for record in caplog.records if record.name == "gunicorn.access"]
    assert "\n" not in line and "secret" not in line
    record = json.loads(line)
    assert record["user_agent"] == nasty and record["request_id"] == nasty
    assert record["path"] == "/it/search/" and record["status"] == "200" and record["bytes"] == "12"
    assert record["remote"] == "-"
