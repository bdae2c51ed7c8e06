"""An import-linter contract type: no two packages import each other.

import-linter's own acyclic_siblings contract forbids every cycle, however long; this one forbids
the short, visible kind the project has promised to end: package A importing package B while B
imports A. It is used by the "mutual_imports" contract in pyproject.toml and run by tests/test_layers.py.
"""
from itertools import combinations

from grimp import ImportGraph
from importlinter.application import contract_utils, output
from importlinter.application.contract_utils import AlertLevel
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class MutualImportsContract(Contract):
    """The children of each container (its modules and subpackages, with everything inside them) are
    checked in pairs; a pair that imports both ways breaks the contract.

    Configuration options:
        - containers:     the packages whose children are checked.
        - ignore_imports: imports left out of the check (debt); one that no longer exists is an error.
    """

    type_name = "mutual_imports"

    containers = fields.ListField(subfield=fields.ModuleField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph, ignore_imports=self.ignore_imports,
            unmatched_alerting=self.unmatched_ignore_imports_alerting)
        pairs = []
        for container in self.containers:
            children = sorted(graph.find_children(container.name))
            for first, second in combinations(children, 2):
                one_way = _imports(graph, first, second)
                other_way = _imports(graph, second, first)
                if one_way and other_way:
                    pairs.append({"pair": (first, second), "imports": one_way + other_way})
        return ContractCheck(kept=not pairs, warnings=list(removal.warnings), metadata={"pairs": pairs})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for pair in check.metadata["pairs"]:
            output.print_error("{} and {} import each other:".format(*pair["pair"]), bold=True)
            output.new_line()
            for importer, imported, line in pair["imports"]:
                output.indent_cursor()
                output.print_error(f"- {importer} -> {imported} (l.{line})", bold=False)
            output.new_line()


def _imports(graph: ImportGraph, importer: str, imported: str) -> list[tuple[str, str, int]]:
    """Every direct import from the package importer (or inside it) of the package imported (or inside it)."""
    if not graph.direct_import_exists(importer=importer, imported=imported, as_packages=True):
        return []
    found = []
    for source in sorted({importer} | graph.find_descendants(importer)):
        for target in sorted(graph.find_modules_directly_imported_by(source)):
            if target == imported or target.startswith(imported + "."):
                for detail in graph.get_import_details(importer=source, imported=target):
                    found.append((source, target, detail["line_number"]))
    return found
