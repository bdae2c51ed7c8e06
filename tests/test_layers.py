"""The layering of crm/ (issue 16): entry points above features above the kernel, no feature importing
another feature's views, no two packages importing each other. The contracts are in pyproject.toml
([tool.importlinter]); the debt they tolerate is listed there, import by import."""
import subprocess
import sys
from pathlib import Path

from crm.access import GUEST_SCOPE

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    # Through the command line, exactly as a developer runs it; no cache, so the graph is today's code.
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_new_mutual_import_breaks_the_pairs_contract():
    """The project's own contract type finds a pair, and names both directions."""
    import grimp

    from tests.import_contracts import MutualImportsContract

    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.a.models", "pkg.b", "pkg.b.views"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a.models", imported="pkg.b.views", line_number=3, line_contents="import")
    contract = MutualImportsContract(name="pairs", session_options={}, contract_options={"containers": ["pkg"]})
    assert contract.check(graph, verbose=False).kept
    graph.add_import(importer="pkg.b.views", imported="pkg.a", line_number=7, line_contents="import")
    check = contract.check(graph, verbose=False)
    assert not check.kept
    assert check.metadata["pairs"] == [{"pair": ("pkg.a", "pkg.b"), "imports": [
        ("pkg.a.models", "pkg.b.views", 3), ("pkg.b.views", "pkg.a", 7)]}]


def test_the_guest_scope_hook_is_registered_at_start(app):
    from crm.guests.scope import start_guest_request

    assert app.extensions[GUEST_SCOPE] is start_guest_request


def test_without_the_guest_scope_hook_a_guest_is_refused(app, client, login, make, monkeypatch):
    """access.py knows the hook only by name: were the guests package not to register it, a guest
    would see nothing rather than everything."""
    monkeypatch.delitem(app.extensions, GUEST_SCOPE)
    login(make.user("guest"))
    assert client.get("/portal/").status_code == 403
