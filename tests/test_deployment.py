"""The deployment files say what the README says: the same commands for the web, worker and scheduler processes
in the Procfile, the systemd units and the Containerfile (which cannot be built here: no container engine)."""
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def normalised(command: str) -> str:
    """One spelling of a command: the virtualenv's programs by their project-relative path."""
    return " ".join(shlex.split(command.replace("/srv/crm/.venv/", ".venv/")))


def readme_commands() -> dict[str, str]:
    section = ROOT.joinpath("README.md").read_text().split("## Running in production", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = {}
    for line in block.splitlines():
        if "gunicorn" in line:
            commands["web"] = normalised(line)
        elif line.endswith("crm worker"):
            commands["worker"] = normalised(line)
        elif line.endswith("crm scheduler"):
            commands["scheduler"] = normalised(line)
        elif line.endswith("db upgrade"):
            commands["release"] = normalised(line)
    return commands


def test_the_readme_names_every_process():
    assert set(readme_commands()) == {"web", "worker", "scheduler", "release"}


def test_the_procfile_runs_what_the_readme_says():
    procfile = dict(line.split(": ", 1) for line in ROOT.joinpath("Procfile").read_text().splitlines() if line)
    assert {name: normalised(command) for name, command in procfile.items()} == readme_commands()


def test_the_systemd_units_run_what_the_readme_says():
    expected = readme_commands()
    for unit, process in (("crm-web", "web"), ("crm-worker", "worker"), ("crm-scheduler", "scheduler")):
        text = ROOT.joinpath("docs/deploy/systemd", f"{unit}.service").read_text()
        assert normalised(re.search(r"^ExecStart=(.+)$", text, re.M).group(1)) == expected[process]
    web = ROOT.joinpath("docs/deploy/systemd/crm-web.service").read_text()
    assert normalised(re.search(r"^ExecStartPre=(.+)$", web, re.M).group(1)) == expected["release"]


def test_the_container_runs_what_the_readme_says():
    text = ROOT.joinpath("Containerfile").read_text()
    command = " ".join(eval(re.search(r"^CMD (\[.+\])$", text, re.M).group(1)))  # noqa: S307  (our own file)
    assert normalised(command) == readme_commands()["web"]
    for process in ("worker", "scheduler", "release"):  # the other processes, as its comment shows them
        assert readme_commands()[process] in {normalised(line.split("crm ", 1)[1].split("  ")[0])
                                               for line in text.splitlines() if line.startswith("#   podman run")}
