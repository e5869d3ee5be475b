"""Turn what happened in the subprocesses into KS codes, and hold the static
findings against them.

A class "round-trips" only when it was saved, loaded in each fresh process,
and its outputs compared equal; a class with a failure is "failing"; anything
else is "not tested", with the reason. A static finding is "confirmed" when
the run failed with its code, "refuted" when the step that would show it ran
and passed, and otherwise "not tested" (or "static only" for what no save and
load can show).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ..rules.base import Finding
from .plan import Case

LOAD_VARIANTS = ("isolated", "imported", "custom_objects")

# Static codes a round trip can refute: if the model saves and loads with the
# same outputs, these were wrong about it.
REFUTABLE = frozenset({"KS101", "KS104", "KS105", "KS106"})

# What can make a loaded model silently compute something else when its config
# rebuilds it faithfully (a config that does not is KS102 or KS203): weights.
_SILENT_CODES = ("KS202", "KS201", "KS204", "KS205", "KS106", "KS107", "KS101")

_VARIANT_WORDS = {
    "isolated": "load in a fresh process that does not import the module",
    "imported": "load after importing the module, without custom_objects",
    "custom_objects": "load with the module's classes in custom_objects",
}

ROUND_TRIP, FAILING, NOT_TESTED = "round-trip", "failing", "not tested"


@dataclass
class RuntimeFinding:
    code: str
    where: str  # which step, in words
    error: str  # "Type: message", or the silent symptom
    classes: list[str] = field(default_factory=list)  # the classes the error names, innermost first


@dataclass
class CaseReport:
    file: str
    class_name: str
    line: int
    how: str
    verdict: str = NOT_TESTED
    runtime: list[RuntimeFinding] = field(default_factory=list)
    static: dict[str, str] = field(default_factory=dict)  # code -> confirmed / refuted / not tested / static only
    note: str = ""  # why it is not (fully) tested
    serving: str = ""  # what a separate serving process (module not imported) saw

    @property
    def failed(self) -> bool:
        return self.verdict == FAILING

    @property
    def tested(self) -> bool:
        return self.verdict != NOT_TESTED

    def to_json(self) -> dict:
        return {**asdict(self), "tested": self.tested}


def _cause(error: dict) -> str:
    """Keras wraps a layer's failure inside a Functional model as "...could not
    be deserialized properly... Exception encountered: <cause>": keep the cause
    (the worker keeps the wrapped parts apart: a long model config before them
    would push them past the length of the message it keeps)."""
    if error.get("chain"):
        return error["chain"][-1]
    message, marker = error["message"], "Exception encountered:"
    return message.rsplit(marker, 1)[1].strip() if marker in message else message


def _whole(error: dict) -> str:
    return " ".join([error["message"], *error.get("chain", [])])


# How Keras and Python name the class a load failed on, in the error's chain.
_CLASS_NAMED = re.compile(
    r"Could not locate class '(\w+)'|Error when deserializing class '(\w+)'|<class '(?:[\w.]*\.)?(\w+)'>"
    r"|\b(\w+)\.__init__\(\)|Unknown (?:layer|object|class)(?: type)?:? '?(\w+)"
)


def named_classes(error: dict) -> list[str]:
    """The classes the error names, innermost first."""
    names: list[str] = []
    for part in reversed([error["message"], *error.get("chain", [])]):
        for match in reversed(list(_CLASS_NAMED.finditer(part))):
            name = next(group for group in match.groups() if group)
            if name not in names:
                names.append(name)
    return names


_TERMINAL_COLOURS = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _text(error: dict) -> str:
    """One line, the cause first: Keras's messages span many."""
    # Keras colours some messages for a terminal (rich): the escape codes are not text.
    plain = _TERMINAL_COLOURS.sub("", _cause(error))
    message = " ".join(line.strip() for line in plain.splitlines() if line.strip())
    if len(message) > 300:
        message = message[:297] + "..."
    return f"{error['type']}: {message}"


_UNRESOLVED = (
    "Could not locate class",
    "Unknown layer",
    "Unknown object",
    "Could not deserialize class",
    "must be an instance of class Layer",
    "'str' object is not callable",
    "Cannot deserialize object of type",  # Keras 2, a class the script defined in __main__
)


def classify_load_error(error: dict, variant: str, file_format: str, case: Case) -> str:
    """The KS code a load error shows, read from the error itself."""
    whole = _whole(error)
    message = _cause(error)
    if "Requested the deserialization of a" in whole and "Lambda" in whole:
        return "KS305"  # safe mode refuses the Lambda's Python code
    if "Could not locate function" in message:
        if "Lambda" in whole:
            return "KS305"
        if "loss" in whole.lower() or "metric" in whole.lower():
            return "KS306"
    if file_format in ("h5", "hdf5") and case.subclassed and (
        "Unknown layer" in message or "Layer count mismatch" in message
    ):
        return "KS302"  # a subclassed model's HDF5 file holds no architecture Keras can rebuild
    if "unexpected keyword argument" in message:
        return "KS104"
    if "required positional argument" in message:
        return "KS102"
    if "TrackedDict" in message or "__numpy__" in message or "when calling" in message and "not callable" in message:
        return "KS106"
    if "'dict' object has no attribute" in message or "'dict' object is not callable" in message:
        # A layer that get_config() returned raw: the .keras save wrote its config, and the
        # constructor is handed that dict because no from_config() deserializes it.
        return "KS106"
    if any(phrase in message for phrase in _UNRESOLVED):
        return "KS301" if variant == "isolated" else "KS105"
    return "KS902"


def classify_save_error(error: dict) -> str:
    message = error["message"]
    if error["type"] == "NotImplementedError" and "HDF5" in message:
        return "KS302"
    if "Invalid filepath extension" in message or "save_format" in message:
        return "KS307"
    if "custom_objects" in message:
        return "KS303"
    if error["type"] == "NotImplementedError":
        return "KS101"
    return "KS902"


# Codes whose static finding is on a call (a save, a load), not in the class.
_CALL_SITE_CODES = frozenset({"KS301", "KS302", "KS305", "KS306", "KS307"})


def judge(case: Case, run, static: list[Finding], module_shown: str = "", classes: dict | None = None) -> CaseReport:
    """`run` is the RunOutcome of the steps this case went through; `classes`
    (--run-script) maps the file's class names to their (first, last) lines."""
    report = CaseReport(case.file, case.class_name, case.line, case.how)
    in_class = [finding for finding in static if (case.first_line or case.line) <= finding.line <= case.end_line]
    first_step = "script" if "script" in run.steps else "make"
    result = run.made.get(case.case_id)
    gaps: list[str] = []
    shown = _Shown()
    if run.steps.get(first_step):
        gaps.append(run.steps[first_step])
    elif result is None:
        gaps.append(f"the {first_step} step gave no result for it")
    elif "make" in result:
        gaps.append(f"could not build it: {_text(result['make'])}")
    else:
        held = _findings_in(static, classes or {}, result.get("contains", []))
        _judge_runtime(case, result, run, report, in_class + [f for f in held if f not in in_class], gaps, shown,
                       module_shown or case.module)
        _attribute(case, report, static, classes or {}, held)
    if report.runtime:
        report.verdict = FAILING
    elif not gaps:
        report.verdict = ROUND_TRIP
    report.note = "; ".join(dict.fromkeys(gaps))
    _judge_static(report, in_class, static, shown)
    return report


@dataclass
class _Shown:
    """Which refutable claims the run really put to the test, and passed."""

    config: bool = False  # from_config(get_config()) and every save ran without error
    imported: bool = False  # every saved file loaded with the module imported
    custom_objects: bool = False  # ... and with custom_objects, outputs equal

    def passed(self, code: str) -> bool:
        return {
            "KS101": self.config,
            "KS104": self.config and self.custom_objects,
            "KS105": self.imported,
            "KS106": self.custom_objects,
        }.get(code, False)


def _judge_runtime(case, result, run, report, static, gaps, shown, module_shown) -> None:
    seen: set[str] = set()

    def add(code: str, where: str, error: str, named: list[str] | None = None) -> None:
        if code not in seen:
            seen.add(code)
            report.runtime.append(RuntimeFinding(code, where, error, named or []))

    if "config_roundtrip" in result:
        error = result["config_roundtrip"]
        code = classify_load_error(error, "custom_objects", "keras", case)
        add("KS101" if error["type"] == "NotImplementedError" else code, "from_config(get_config())", _text(error))
    saved_paths = {}
    for file_format, saved in result.get("saved", {}).items():
        if "error" in saved:
            add(classify_save_error(saved["error"]), f"model.save('.{file_format}')", _text(saved["error"]))
        else:
            saved_paths[file_format] = saved["path"]
    shown.config = "config_roundtrip" not in result and len(saved_paths) == len(result.get("saved", {}))
    if not saved_paths:
        gaps.append("nothing was saved")
        return
    comparable = _comparable(result)
    if comparable is not None:
        gaps.append(comparable)
    silent = _silent_code(result, static)
    for variant in ("custom_objects", "imported"):
        loaded_all, compared_all = True, True
        step_error = run.steps.get(variant, "the load steps did not run")
        case_result = run.loads.get(variant, {}).get(case.case_id)
        if step_error or case_result is None:
            gaps.append(step_error or f"the {variant} load step gave no result for it")
            continue
        if "import" in case_result:
            gaps.append(f"its module could not be imported to load it: {_text(case_result['import'])}")
            continue
        for file_format in saved_paths:
            outcome = case_result.get(file_format, {})
            where = f"{_VARIANT_WORDS[variant]} (.{file_format})"
            if "error" in outcome:
                loaded_all = compared_all = False
                code = classify_load_error(outcome["error"], variant, file_format, case)
                if code == "KS902" and _default_sizes_a_weight(outcome["error"], static):
                    code = "KS102"
                add(code, where, _text(outcome["error"]), named_classes(outcome["error"]))
            elif not outcome.get("loaded"):
                loaded_all = compared_all = False
                gaps.append(f"no load result for the .{file_format} file")
            elif outcome.get("same_outputs") is False:
                compared_all = False
                add(silent, where, "loads without error but gives different outputs" + _missing_words(result))
            elif "weights" in result and outcome.get("weights") != result["weights"]:
                compared_all = False
                add(silent, where, f"loads with {outcome['weights']} weights instead of {result['weights']}")
            elif outcome.get("same_outputs") is not True:
                compared_all = False
        if variant == "imported":
            shown.imported = loaded_all
        else:
            shown.custom_objects = loaded_all and compared_all
    _judge_serving(case, saved_paths, run, report, gaps, module_shown)


def _default_sizes_a_weight(error: dict, static: list[Finding]) -> bool:
    """A load that finds the saved weights do not fit, in a class whose get_config()
    omits a defaulted parameter: rebuilt with the default, the layer it sizes has other
    weights (measured: num_classes reloaded as 10 where 5 was trained). KS205 gives the
    same error, so with a KS205 finding the cause is not told apart."""
    codes = {finding.code for finding in static}
    defaulted = any(finding.code == "KS102" and "default value" in finding.message for finding in static)
    return defaulted and "KS205" not in codes and "variables during loading" in _whole(error)


def _findings_in(static: list[Finding], classes: dict, names: list[str]) -> list[Finding]:
    """The static findings inside the named classes, in the order of the names."""
    found = []
    for name in names:
        if name in classes:
            first, last = classes[name]
            found += [finding for finding in static if first <= finding.line <= last and finding not in found]
    return found


def _attribute(case: Case, report: CaseReport, static: list[Finding], classes: dict, held: list[Finding]) -> None:
    """--run-script: a Functional or Sequential model failed because of a
    class it holds. The failure goes to that class's static finding of the
    same code: first in a class the error names, else in one the model holds.
    The report then stands on that finding's line, named after that class."""
    if not classes or case.class_name in classes:
        return
    for runtime in report.runtime:
        candidates = [f for f in _findings_in(static, classes, runtime.classes) + held if f.code == runtime.code]
        if candidates:
            finding = candidates[0]
            name = min(
                (name for name, (first, last) in classes.items() if first <= finding.line <= last),
                key=lambda name: classes[name][1] - classes[name][0],  # the innermost class holding the line
            )
            report.class_name, report.line = name, finding.line
            report.how = f"in the {case.class_name} model {case.how}" if case.how else f"in the {case.class_name} model"
            return


def _comparable(result: dict) -> str | None:
    """Why outputs cannot be compared, or None when they can."""
    if result.get("random"):
        return "outputs cannot be compared: two calls before saving already differ (random by design, " \
               "such as noise or dropout that is always on)"
    if result.get("probe"):
        return None
    if "probe_error" in result:
        return f"outputs not compared: calling it on a probe input failed: {_text(result['probe_error'])}"
    return f"outputs not compared: {result.get('probe_from') or 'no probe input'}"


def _silent_code(result: dict, static: list[Finding]) -> str:
    """The code of a silent change: KS102 when the config measurably drops a
    value the constructor got; else the class's own static finding that
    explains silent changes; else KS901."""
    codes = {finding.code for finding in static}
    if result.get("config_missing"):
        return "KS102"
    config_code = next((code for code in ("KS102", "KS203") if code in codes), None)
    weight_code = next((code for code in _SILENT_CODES if code in codes), None)
    if result.get("rebuild_differs"):  # measured: the config alone rebuilds something else
        return config_code or weight_code or "KS901"
    return weight_code or config_code or "KS901"


def _missing_words(result: dict) -> str:
    missing = result.get("config_missing")
    return f" (get_config() has no {', '.join(repr(name) for name in missing)})" if missing else ""


def _judge_serving(case, saved_paths, run, report, gaps, module_shown) -> None:
    """A serving process that does not import the module: that the class is
    not found there is what KS301 checks at load calls, not a fault of the class."""
    if run.steps.get("isolated", "the load steps did not run"):
        gaps.append(run.steps.get("isolated") or "the serving load step did not run")
        return
    outcomes = run.loads.get("isolated", {}).get(case.case_id, {})
    for file_format in saved_paths:
        outcome = outcomes.get(file_format)
        if not isinstance(outcome, dict) or not ("error" in outcome or outcome.get("loaded")):
            gaps.append(f"no serving load result for the .{file_format} file")
        elif "error" in outcome and not report.serving:
            if classify_load_error(outcome["error"], "isolated", file_format, case) != "KS301":
                continue  # the same failure the other loads report, not a serving matter
            report.serving = (
                f"a process that does not import {module_shown} cannot load the .{file_format} file "
                f"(KS301 at such load calls): {_text(outcome['error'])}"
            )


def _judge_static(report: CaseReport, in_class: list[Finding], in_file: list[Finding], shown: _Shown) -> None:
    """A run failure of code X confirms X wherever the static check put it in
    the file (a KS105 on the layer a saved Functional model holds); a claim
    about the class is refuted only when the step that would show it passed."""
    runtime_codes = {finding.code for finding in report.runtime}
    for finding in in_file:
        if finding.code in runtime_codes:
            report.static[finding.code] = "confirmed"
    for finding in in_class:
        if finding.code in runtime_codes:
            continue
        if finding.code in REFUTABLE:
            report.static[finding.code] = "refuted" if shown.passed(finding.code) else "not tested"
        else:
            report.static.setdefault(finding.code, "static only")
