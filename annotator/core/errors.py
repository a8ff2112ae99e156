"""Errors the core raises; each message is one line a user can act on. And the exit statuses
of the `annotator` commands, which the window reads from the processes it starts."""

EXIT_REJECTED = 1  # done, with some input left out (each said in one line on stderr)
EXIT_ERROR = 2     # nothing done: the input or the project cannot be used (one line)
EXIT_INTERNAL = 3  # the tool itself failed (a bug): distinct from bad input


class AnnotatorError(Exception):
    """Base for every error we expect and report as one line."""


class InputError(AnnotatorError):
    """A file or record that cannot be imported (the batch goes on without it)."""


class ValidationError(AnnotatorError):
    """Annotations that break an invariant: span outside the text, unknown label, zones not tiling."""


class DamagedLayerError(ValidationError):
    """A stored layer that does not hold (edited by hand, damaged): shown read-only, never
    edited, never written over unless a person chooses to start it afresh. `problem` is what
    core.model.layer_problem found."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"the stored layer {name!r} is damaged, so nothing is written over "
                         f"it: {problem}")
        self.name, self.problem = name, problem


class SchemaError(AnnotatorError):
    """A label schema file that is not valid."""


class ProjectError(AnnotatorError):
    """A project file that cannot be opened or used (newer format, not a project, …)."""


class NotSavedError(AnnotatorError):
    """An edit that could not reach the disk (disk full, read-only file, lock held too long).

    Nothing was written; `reason` is one of "disk_full", "read_only", "locked", "damaged",
    "io" so the window can say why and try again when the cause is gone."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason
