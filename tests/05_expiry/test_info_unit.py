"""INFO's figures as our server computes them: memory without /proc (as on
macOS), and usec_per_call in C's single precision. Not run against Redis."""

from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.internal

# What INFO memory reads of the server from step 06 on (maxmemory-policy
# noeviction); step 05 reads nothing.
SERVER = SimpleNamespace(maxmemory=0, maxmemory_policy=7 << 8)


def memory_fields(server_module) -> dict[str, str]:
    text = server_module.info_memory(SERVER)
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)


def test_memory_is_the_resident_size_from_proc(step_module):
    server = step_module("server")
    fields = memory_fields(server)
    assert int(fields["used_memory"]) == int(fields["used_memory_rss"]) > 0
    assert int(fields["used_memory_peak"]) >= int(fields["used_memory"])
    assert fields["mem_fragmentation_ratio"] == "1.00"


def test_memory_without_proc_falls_back_on_the_peak_from_getrusage(step_module,
                                                                     monkeypatch, tmp_path):
    server = step_module("server")
    monkeypatch.setattr(server, "PROC_STATM", str(tmp_path / "no-such-statm"))
    fields = memory_fields(server)
    assert int(fields["used_memory_rss"]) == int(fields["used_memory_peak"]) > 1024 * 1024
    assert fields["used_memory_rss_human"].endswith("M")


@pytest.mark.parametrize(("usec", "calls", "shown"), [
    (0, 0, "0.00"), (1000, 3, "333.33"), (5, 2, "2.50"),
    # 123456789 / 7 is 17636684.14 in a double; as C floats, which are 2
    # apart at that size, the dividend is 123456792 and the quotient 17636684.
    (123456789, 7, "17636684.00"),
])
def test_usec_per_call_is_divided_as_a_c_float(step_module, usec, calls, shown):
    server = step_module("server")
    cmd = step_module("commands").COMMAND_TABLE[b"ping"]
    cmd.microseconds, cmd.calls = usec, calls
    assert f"{server.usec_per_call(cmd):.2f}" == shown
