"""Errors the core raises; each message is one line a user can act on."""


class AnnotatorError(Exception):
    """Base for every error we expect and report as one line."""


class InputError(AnnotatorError):
    """A file or record that cannot be imported (the batch goes on without it)."""


class ValidationError(AnnotatorError):
    """Annotations that break an invariant: span outside the text, unknown label, zones not tiling."""


class SchemaError(AnnotatorError):
    """A label schema file that is not valid."""


class ProjectError(AnnotatorError):
    """A project file that cannot be opened or used (newer format, not a project, …)."""
