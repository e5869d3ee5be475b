"""Turn what happened in the subprocesses into KS codes, and hold the static
findings against them: confirmed, refuted, or not checkable at run time."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..rules.base import Finding
from .plan import Case

# Static codes a round trip can refute: if the model saves and loads with the
# same outputs, these were wrong about it.
REFUTABLE = frozenset({"KS101", "KS104", "KS105", "KS106"})

_VARIANT_WORDS = {
    "isolated": "load in a fresh process that does not import the module",
    "imported": "load after importing the module, without custom_objects",
    "custom_objects": "load with the module's classes in custom_objects",
}


@dataclass
class RuntimeFinding:
    code: str
    where: str  # which step, in words
    error: str  # "Type: message", or the silent symptom


@dataclass
class CaseReport:
    file: str
    class_name: str
    line: int
    how: str
    tested: bool
    runtime: list[RuntimeFinding] = field(default_factory=list)
    static: dict[str, str] = field(default_factory=dict)  # code -> confirmed / refuted / static only
    note: str = ""
    serving: str = ""  # what a separate serving process (module not imported) saw

    @property
    def failed(self) -> bool:
        return bool(self.runtime)

    def to_json(self) -> dict:
        return asdict(self)


def _cause(message: str) -> str:
    """Keras wraps a layer's failure inside a Functional model as "...could not
    be deserialized properly... Exception encountered: <cause>": keep the cause."""
    marker = "Exception encountered:"
    return message.rsplit(marker, 1)[1].strip() if marker in message else message


def _text(error: dict) -> str:
    """One line, the cause first: Keras's messages span many."""
    message = " ".join(line.strip() for line in _cause(error["message"]).splitlines() if line.strip())
    if len(message) > 300:
        message = message[:297] + "..."
    return f"{error['type']}: {message}"


def classify_load_error(error: dict, variant: str, file_format: str, case: Case) -> str:
    message = _cause(error["message"])
    if file_format == "h5" and case.kind == "model":
        return "KS302"  # no subclassed model saved as .h5 loads back, registered or not
    if "unexpected keyword argument" in message:
        return "KS104"
    if "required positional argument" in message:
        return "KS102"
    if "TrackedDict" in message or "__numpy__" in message or "when calling" in message and "not callable" in message:
        return "KS106"
    if "Layer count mismatch" in message:
        return "KS302"
    unresolved = (
        "Could not locate class" in message
        or "Unknown layer" in message
        or "Unknown object" in message
        or "Could not deserialize class" in message
        or "must be an instance of class Layer" in message
        or "'str' object is not callable" in message
    )
    if unresolved:
        return "KS301" if variant == "isolated" else "KS105"
    return "KS902"


# Codes whose static finding is on a call (a save, a load), not in the class.
_CALL_SITE_CODES = frozenset({"KS301", "KS302", "KS305", "KS306", "KS307"})


def judge(case: Case, made: dict, loads: dict[str, dict], static: list[Finding], end_line: int) -> CaseReport:
    report = CaseReport(case.file, case.class_name, case.line, case.how, tested=False)
    in_class = [finding for finding in static if (case.first_line or case.line) <= finding.line <= end_line]
    on_calls = [finding for finding in static if finding.code in _CALL_SITE_CODES]
    result = made.get(case.case_id, {})
    if "make" in result:
        report.note = f"could not build it: {_text(result['make'])}"
    else:
        report.tested = True
        _judge_runtime(case, result, loads, report, in_class)
    _judge_static(report, in_class, on_calls)
    return report


def _judge_runtime(case: Case, result: dict, loads: dict[str, dict], report: CaseReport, static: list[Finding]) -> None:
    seen: set[str] = set()

    def add(code: str, where: str, error: str) -> None:
        if code not in seen:
            seen.add(code)
            report.runtime.append(RuntimeFinding(code, where, error))

    if "config_roundtrip" in result:
        error = result["config_roundtrip"]
        code = classify_load_error(error, "custom_objects", "keras", case)
        add("KS101" if error["type"] == "NotImplementedError" else code, "from_config(get_config())", _text(error))
    for file_format, saved in result.get("saved", {}).items():
        if "error" in saved:
            error = saved["error"]
            if error["type"] == "NotImplementedError" and "HDF5" in error["message"]:
                add("KS302", f"model.save('.{file_format}')", _text(error))
            elif "Invalid filepath extension" in error["message"] or "save_format" in error["message"]:
                add("KS307", f"model.save('.{file_format}')", _text(error))
            elif "custom_objects" in error["message"]:
                add("KS303", f"model.save('.{file_format}')", _text(error))
            elif error["type"] == "NotImplementedError":
                add("KS101", f"model.save('.{file_format}')", _text(error))
            else:
                add("KS902", f"model.save('.{file_format}')", _text(error))
    silent_codes = [
        finding.code for finding in static if finding.code in ("KS102", "KS202", "KS203", "KS106", "KS107", "KS101")
    ]
    for variant in ("custom_objects", "imported"):
        for file_format, outcome in loads.get(variant, {}).get(case.case_id, {}).items():
            if not isinstance(outcome, dict):
                continue
            where = f"{_VARIANT_WORDS[variant]} (.{file_format})"
            if "error" in outcome:
                add(classify_load_error(outcome["error"], variant, file_format, case), where, _text(outcome["error"]))
            elif outcome.get("same_outputs") is False:
                code = silent_codes[0] if silent_codes else "KS901"
                add(code, where, "loads without error but gives different outputs")
            elif "weights" in result and outcome.get("weights") not in (None, result["weights"]):
                code = silent_codes[0] if silent_codes else "KS901"
                add(code, where, f"loads with {outcome['weights']} weights instead of {result['weights']}")
    # A serving process that does not import the module: that the class is
    # not found there is what KS301 checks at load calls, not a fault of the class.
    for file_format, outcome in loads.get("isolated", {}).get(case.case_id, {}).items():
        if isinstance(outcome, dict) and "error" in outcome:
            report.serving = f"a process that does not import {case.module} cannot load the .{file_format} file " \
                f"(KS301 at such load calls): {_text(outcome['error'])}"
            break


def _judge_static(report: CaseReport, in_class: list[Finding], on_calls: list[Finding]) -> None:
    runtime_codes = {finding.code for finding in report.runtime}
    loaded = report.tested and not any(finding.code in ("KS101", "KS902") for finding in report.runtime)
    for finding in on_calls:
        if finding.code in runtime_codes:
            report.static[finding.code] = "confirmed"
    for finding in in_class:
        if finding.code in runtime_codes:
            report.static[finding.code] = "confirmed"
        elif finding.code in REFUTABLE and loaded:
            report.static[finding.code] = "refuted"
        else:
            report.static.setdefault(finding.code, "static only")
