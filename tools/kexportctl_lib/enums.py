"""Enum values as operators read and type them: `UNDER_REVIEW` or
`under-review` for kexport.applications.v1.APPLICATION_STATE_UNDER_REVIEW."""

from .errors import UsageError


def prefix(descriptor):
    """`APPLICATION_STATE_` for ApplicationState; '' when value 0 is not
    named `..._UNSPECIFIED`."""
    zero = descriptor.values_by_number[0].name
    return zero[:-len("UNSPECIFIED")] if zero.endswith("UNSPECIFIED") else ""


def value_label(descriptor, number):
    value = descriptor.values_by_number.get(number)
    return value.name[len(prefix(descriptor)):] if value else str(number)


def label(message, field):
    """An enum field's value without its type prefix, e.g. `UNDER_REVIEW`;
    a repeated field's values joined by `,`."""
    descriptor = message.DESCRIPTOR.fields_by_name[field]
    value = getattr(message, field)
    if descriptor.label == descriptor.LABEL_REPEATED:
        return ",".join(value_label(descriptor.enum_type, number) for number in value)
    return value_label(descriptor.enum_type, value)


def parse(descriptor, text):
    """`under-review`, `UNDER_REVIEW` or the full name -> the full name.
    ValueError naming the choices otherwise."""
    cut = len(prefix(descriptor))
    wanted = text.strip().upper().replace("-", "_")
    for value in descriptor.values:
        if value.number and wanted in (value.name, value.name[cut:]):
            return value.name
    choices = ", ".join(value.name[cut:].lower().replace("_", "-")
                        for value in descriptor.values if value.number)
    raise ValueError(f"{text!r} is not one of {choices}")


def option(client, type_name, text, option_name):
    """An enum given on the command line; UsageError when unknown."""
    try:
        return parse(client.contracts.pool.FindEnumTypeByName(type_name), text)
    except ValueError as error:
        raise UsageError(f"{option_name}: {error}")
