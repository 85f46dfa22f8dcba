"""Import every instructor feature module so its routes attach to the blueprint."""

import importlib
import importlib.util

FEATURES = ("bank", "imports", "insight", "authoring")

for _name in FEATURES:
    _module = f"course.instructor.{_name}"
    if importlib.util.find_spec(_module) is not None:
        importlib.import_module(_module)
