"""The VCL compiles, keeps the page cache's query parameters, and its site part is exact."""

import re
import shutil
import subprocess
import sys

import pytest

from edge.pagecache import QUERY_PARAMS
from tests.worker_process import ROOT

VCL = ROOT / "deploy" / "varnish" / "kopij.vcl"
sys.path.insert(0, str(VCL.parent))
from site_vcl import host_pattern, site_vcl  # noqa: E402


def test_the_vcl_keeps_exactly_the_query_parameters_of_the_page_cache():
    kept = re.search(r"\(\?!\(\?:([a-z|]+)\)=\)", VCL.read_text())[1]
    assert set(kept.split("|")) == set(QUERY_PARAMS)


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("www.example.nl", True),
        ("www.example.nl:6081", True),
        ("nieuws.kopij.test", True),
        ("kopij.test", True),
        ("www.example.nl.evil.test", False),
        ("wwwXexample.nl", False),
        ("evil.test", False),
        ("", False),
    ],
)
def test_only_hosts_django_allows_match_the_host_pattern(host, allowed):
    pattern = host_pattern(["www.example.nl", ".kopij.test"])
    assert bool(re.match(pattern, host)) is allowed


def test_a_wildcard_host_list_is_refused():
    with pytest.raises(SystemExit):
        host_pattern(["*"])


@pytest.mark.skipif(shutil.which("varnishd") is None, reason="Varnish is not installed")
def test_the_vcl_compiles_with_two_app_nodes(tmp_path):
    (tmp_path / "site.vcl").write_text(
        site_vcl(
            backends=["10.0.0.11:8000", "10.0.0.12:8000"],
            allowed_hosts=["www.example.nl"],
            purgers=["10.0.0.0/24", "127.0.0.1"],
        )
    )
    done = subprocess.run(
        [
            *("varnishd", "-C", "-j", "none", "-n", str(tmp_path / "n")),
            *("-p", f"vcl_path={tmp_path}:{VCL.parent}", "-f", str(VCL)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
