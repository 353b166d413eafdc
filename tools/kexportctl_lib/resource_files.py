"""Resources read from files for create commands: JSON, or YAML for files
named *.yaml / *.yml, in the protobuf JSON shape (the shape `get --json`
prints; output-only fields are ignored by the services)."""

import json

from .errors import UsageError


def load(path):
    """The file's top-level object, a dict. UsageError when unreadable."""
    try:
        with open(path, encoding="utf-8") as source:
            text = source.read()
        value = from_yaml(text) if path.endswith((".yaml", ".yml")) else json.loads(text)
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: {error}")
    if not isinstance(value, dict):
        raise UsageError(f"{path}: expected an object")
    return value


def from_yaml(text):
    import yaml  # only here: nothing else needs python3-yaml
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(str(error)) from None


def resource_id(given, resource, path):
    """--id, else the last segment of the file's `name`."""
    name = resource.get("name", "")
    if given or name:
        return given or name.rstrip("/").rpartition("/")[2]
    raise UsageError(f"{path} has no `name`: give --id")
