# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab run` as a user and outside tools call it."""

import json
import subprocess
import sys

from lab.cli import main

MAP8K = "p = mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)"


def _json(capsys, *args):
    assert main(["run", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_the_shape_of_design_section_5(capsys):
    doc = _json(capsys, "-e", 'fd = open("data.bin", O_RDWR, size=10000); '
                "p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)")
    assert doc["kernel"] == "6.1.192"
    assert doc["initial_maps"] and all(set(r) == {"start", "end", "perms", "offset", "path",
                                                  "rss", "locked", "present", "hugetlb",
                                                  "vmflags"} for r in doc["initial_maps"])
    first, second = doc["events"]
    assert (first["line"], first["ret"], first["errno"], first["signal"]) == (1, 3, None, None)
    assert second["stmt"].startswith("p = mmap(NULL, 3 * 4096")
    row = next(r for r in second["maps"] if r["start"] == second["ret"])
    assert row["end"] - row["start"] == 3 * 4096
    assert (row["perms"], row["offset"], row["path"], row["rss"], row["present"]) == \
        ("rw-s", 0, "data.bin", 0, 0)
    assert row["vmflags"] == ["rd", "wr", "sh", "mr", "mw", "me", "ms", "sd"]
    starts = [r["start"] for r in second["maps"]]
    assert starts == sorted(starts)


def test_failures_report_signed_errno(capsys):
    doc = _json(capsys, "-e", "mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
    assert (doc["events"][0]["ret"], doc["events"][0]["errno"]) == (-22, "EINVAL")


def test_statements_split_on_newlines_and_semicolons(capsys):
    doc = _json(capsys, "-e", f"{MAP8K}\nq = mmap(p, 4096, PROT_READ, MAP_PRIVATE | "
                "MAP_ANONYMOUS | MAP_FIXED, -1, 0); close(3)")
    assert [e["line"] for e in doc["events"]] == [1, 2, 3]


def test_scenario_file_runs(tmp_path, capsys):
    f = tmp_path / "s.scn"
    f.write_text(f"# a comment\n{MAP8K}\n")
    doc = _json(capsys, str(f))
    assert doc["events"][0]["line"] == 2


def test_readable_report_reads_like_proc_maps(capsys):
    assert main(["run", "-e", MAP8K + "; mmap(NULL, 0, PROT_READ, MAP_PRIVATE, -1, 0)"]) == 0
    out = capsys.readouterr().out
    assert "= 0x7ffff7de1000" in out
    assert "+ 7ffff7de1000-7ffff7de3000" in out and "rw-p" in out
    assert "MAP_FAILED, errno EBADF (9)" in out


def test_scenario_error_is_located_and_exits_2(capsys):
    assert main(["run", "-e", "mmap(NULL, 4096, PROT_RAED, MAP_PRIVATE, -1, 0)"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("-e:1:18: unknown name 'PROT_RAED' (did you mean PROT_READ?)")


def test_not_yet_modelled_statement_is_a_clear_error(capsys, monkeypatch):
    # Every statement of the language runs now; the mechanism stays for the next one.
    from lab import runner

    monkeypatch.setitem(runner.NOT_YET, "munmap", "munmap")
    assert main(["run", "-e", MAP8K + "; munmap(p, 4096)"]) == 2
    err = capsys.readouterr().err
    assert "-e:2:" in err and "munmap is not modelled yet" in err


def test_missing_file_is_a_clear_error(capsys):
    assert main(["run", "/no/such/scenario.scn"]) == 2
    assert "cannot read /no/such/scenario.scn" in capsys.readouterr().err


def test_steps_walk_from_the_syscall_to_the_last_populated_page():
    out = subprocess.run([sys.executable, "-m", "lab", "run", "-e",
                          "p = mmap(NULL, 8192, PROT_READ|PROT_WRITE, "
                          "MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE, -1, 0)", "--steps"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[1].strip().startswith("arch/x86/kernel/sys_x86_64.c:90")
    text = out.stdout
    for fn_line in ("mm/mmap.c:1269", "mm/util.c:", "mm/gup.c:", "mm/memory.c:"):
        assert fn_line.split(":")[0] in text
    assert text.count("PTE 0x7ffff7de") == 2  # both pages faulted, each shown


def test_json_trace_adds_steps(capsys):
    assert main(["run", "-e", MAP8K, "--json", "--trace"]) == 0
    doc = json.loads(capsys.readouterr().out)
    steps = doc["events"][0]["steps"]
    assert steps[0] == {"c": "arch/x86/kernel/sys_x86_64.c:90", "fn": "SYSCALL_DEFINE6(mmap)",
                        "py": steps[0]["py"], "depth": 1}
    assert steps[0]["py"].startswith("lab/kernel/arch/x86/kernel/sys_x86_64.py:")
    assert any(s["fn"] == "do_mmap" and s["c"] == "mm/mmap.c:1281" for s in steps)


def test_real_shows_the_model_beside_this_machines_kernel(capsys):
    from lab.realkernel import available

    ok, why = available()
    assert main(["run", "-e", 'fd = open("d.bin", O_RDONLY, size=8192); '
                 "mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)", "--real",
                 "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    if not ok:
        assert doc["real"]["skipped"] == why
        return
    assert [e["errno"] for e in doc["real"]["events"]] == [None, "EACCES"]
    assert [e["errno"] for e in doc["events"]] == [None, "EACCES"]
    assert main(["run", "-e", "mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)",
                 "--real"]) == 0
    out = capsys.readouterr().out
    assert "beside this machine's kernel" in out and out.count("EINVAL") >= 2
