"""Run one step (train.py or serve.py) of many truth cases in one Python process.

    python _batch.py STEP RESULTS.json CASE_FOLDER...

Starting TensorFlow takes longer than most cases, so the test runs each step of
every case of one Keras version in a single fresh process, and resets between
cases what a fresh process would not have:

- the case's own modules (train, layers, ...) are dropped from sys.modules, and
  only the case's folder is on sys.path, so `import layers` finds its own file;
- the working directory is the case's folder;
- the custom-object registries of Keras 3 and of tf_keras are put back as they
  were before the first case, so a class one case registers is unknown to the
  next (a serving script that forgets an import must still fail);
- the Keras session (layer name counters, global state) is cleared, and the
  global settings a script may change (floatx, safe mode) are restored.

Each case gets an entry in RESULTS.json: {"failed": bool, "error": the
exception's text, "output": what the script printed, "seconds": how long it
ran}. The step ends with exit status 0 even when cases fail.
"""

import contextlib
import importlib
import io
import json
import os
import runpy
import sys
import time
import traceback
from pathlib import Path


def keras_libraries() -> list:
    """The Keras libraries a case may use in this process: Keras 3, and tf_keras under Keras 2."""
    import keras

    libraries = [keras]
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        import tf_keras

        libraries.append(tf_keras)
    return libraries


def registries(library) -> list[dict]:
    """The dicts that register_keras_serializable writes to."""
    if library.__name__ == "keras":
        from keras.src.saving import object_registration
        return [object_registration.GLOBAL_CUSTOM_OBJECTS, object_registration.GLOBAL_CUSTOM_NAMES]
    from tf_keras.src.saving import object_registration
    return [object_registration._GLOBAL_CUSTOM_OBJECTS, object_registration._GLOBAL_CUSTOM_NAMES]


class FreshState:
    """What one case may change in the process, and how to put it back."""

    def __init__(self, libraries: list) -> None:
        self.libraries = libraries
        self.saved_registries = [(table, dict(table)) for library in libraries for table in registries(library)]
        self.floatx = [(library, library.backend.floatx()) for library in libraries]
        self.sys_path = list(sys.path)

    def restore(self) -> None:
        for table, content in self.saved_registries:
            table.clear()
            table.update(content)
        for library, floatx in self.floatx:
            library.backend.set_floatx(floatx)
            # No garbage collection: it takes longer than most cases, and a
            # fresh process would not have the old objects either way.
            if library.__name__ == "keras":
                library.backend.clear_session(free_memory=False)
            else:
                library.backend.clear_session()
        if any(library.__name__ == "tf_keras" for library in self.libraries):
            from tf_keras.src.saving import serialization_lib

            # enable_unsafe_deserialization() in tf_keras sets a thread-local flag.
            if hasattr(serialization_lib.SAFE_MODE, "safe_mode"):
                del serialization_lib.SAFE_MODE.safe_mode
        sys.path[:] = self.sys_path


def drop_case_modules(folder: Path) -> None:
    """Forget every module imported from a case folder (each case has its own train, layers, ...)."""
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and Path(path).resolve().is_relative_to(folder):
            del sys.modules[name]


def run_script(folder: Path, step: str) -> dict:
    """Run folder/step.py as __main__, the way `python step.py` does in that folder."""
    script = folder / f"{step}.py"
    output = io.StringIO()
    os.chdir(folder)
    sys.path.insert(0, str(folder))
    sys.argv = [str(script)]
    importlib.invalidate_caches()
    failed, error = False, ""
    started = time.perf_counter()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            runpy.run_path(str(script), run_name="__main__")
        except SystemExit as exit_:
            if exit_.code not in (None, 0):
                failed, error = True, f"SystemExit: {exit_.code}"
        except BaseException as exception:  # noqa: B036 - a case's failure is the result we record
            failed = True
            error = "".join(traceback.format_exception_only(exception)).strip()
            print(traceback.format_exc(), file=output)
    seconds = round(time.perf_counter() - started, 2)
    return {"failed": failed, "error": error, "output": output.getvalue()[-4000:], "seconds": seconds}


def main() -> None:
    step, results_path, *folders = sys.argv[1:]
    libraries = keras_libraries()
    fresh = FreshState(libraries)
    results = {}
    for folder in map(lambda name: Path(name).resolve(), folders):
        fresh.restore()
        drop_case_modules(folder)
        results[folder.name] = run_script(folder, step)
        drop_case_modules(folder)
    fresh.restore()
    Path(results_path).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
