"""Commands for a team's project on a PostgreSQL server: `server-init`, `users add`, and
`copy` (any project, either backend, both ways)."""
from __future__ import annotations

import click

from ..core.errors import AnnotatorError
from ..core.schema import Schema
from . import fail, main, open_project_or_fail


@main.command()
@click.argument("source")
@click.argument("destination")
def copy(source: str, destination: str) -> None:
    """Copy a whole project, history included, between a file and a postgresql:// URL (either
    way, or file to file). DESTINATION must be new: no file, or a database without a
    project."""
    from ..store.copying import copy_project

    with open_project_or_fail(source) as src:
        try:
            counts = copy_project(src, destination)
        except AnnotatorError as exc:
            fail(str(exc))
    click.echo(f"copied {source} to {destination}: " + ", ".join(
        f"{n} {table}" for table, n in counts.items()), err=True)


PASSWORD_VARIABLE = "ANNOTATOR_PASSWORD"


def password_options(command):
    """--password / ANNOTATOR_PASSWORD / --ask-password: the initial password of the users a
    command creates. A command line is visible to every user of the machine (ps), so the
    variable or the prompt are the ways to give it that the README shows."""
    command = click.option(
        "--ask-password", is_flag=True,
        help="Ask for the initial password (typed twice, not shown).")(command)
    return click.option(
        "--password", envvar=PASSWORD_VARIABLE, show_envvar=True,
        help="Initial password for the users created (else they log in as the server's "
             "authentication allows). On the command line it is visible to other users of "
             f"this machine: prefer {PASSWORD_VARIABLE} or --ask-password.")(command)


def _password(given: str | None, ask: bool) -> str | None:
    if ask:
        if given is not None:
            fail(f"give the password one way: --ask-password, or --password / {PASSWORD_VARIABLE}")
        given = click.prompt("Initial password", hide_input=True, confirmation_prompt=True,
                             err=True)
    if given is not None and not given:
        fail("the initial password is empty")
    return given


def _add_users(conn, users: list[tuple[str, str]], password: str | None) -> None:
    from ..store.pg_schema import add_user

    for name, role in users:
        add_user(conn, name, role, password)
        click.echo(f"user {name}: {role}", err=True)


@main.command("server-init")
@click.argument("url")
@click.option("--schema", "schema_path", type=click.Path(exists=True, dir_okay=False),
              help="Label schema (TOML); the default is resources/schema.toml.")
@click.option("--labeler", "labelers", multiple=True, metavar="NAME",
              help="A labeler to create (repeat for each).")
@click.option("--reviewer", "reviewers", multiple=True, metavar="NAME",
              help="A reviewer to create (repeat for each).")
@click.option("--admin", "admins", multiple=True, metavar="NAME", help="An admin to create.")
@click.option("--blind", is_flag=True,
              help="Blind annotation: each labeler reads only their own layer (see "
                   "`annotator blind`).")
@password_options
def server_init(url: str, schema_path: str | None, labelers, reviewers, admins, blind: bool,
                password: str | None, ask_password: bool) -> None:
    """Create a team's project on a PostgreSQL server in one command: the database (if
    missing), the project's tables, roles and row-level security, and its users. Run it as
    an admin of the server (a role with CREATEDB and CREATEROLE)."""
    from ..store import Project
    from ..store.pg_schema import create_database
    from ..store.project import is_url

    if not is_url(url):
        fail(f"{url}: not a postgresql:// URL")
    password = _password(password, ask_password)
    try:
        schema = Schema.load(schema_path) if schema_path else Schema.default()
        if create_database(url):
            click.echo(f"created the database of {url}", err=True)
        project = Project.create(url, schema)
    except AnnotatorError as exc:
        fail(str(exc))
    with project:
        _add_users(project.conn, [*((n, "labeler") for n in labelers),
                                  *((n, "reviewer") for n in reviewers),
                                  *((n, "admin") for n in admins)], password)
        if blind:
            _set_blind(project, True)
    click.echo(f"created the project at {url}", err=True)


def _set_blind(project, on: bool) -> None:
    import psycopg

    from ..store.pg_schema import set_blind

    try:
        set_blind(project.conn, on)
    except psycopg.Error as exc:  # e.g. not the project's owner: one line
        fail(f"{project.location}: blind annotation not turned {'on' if on else 'off'}: "
             f"{' '.join(str(exc).split())}")
    click.echo("blind annotation " + ("on: each labeler reads only their own layer"
                                      if on else "off: everyone reads every layer"), err=True)


@main.command()
@click.argument("url")
@click.argument("state", type=click.Choice(["on", "off"]))
def blind(url: str, state: str) -> None:
    """Blind annotation on a PostgreSQL project: with it on, each labeler reads only their
    own layer and the shared suggestions (not the other labelers', not gold, not the
    agreement counts or review decisions), so no one's labels sway another's; reviewers
    read everything. Enforced by the database. Run as the project's owner."""
    with open_project_or_fail(url) as project:
        if project.backend != "postgresql":
            fail(f"{url}: blind annotation is for a project on a PostgreSQL server (on a "
                 "file, give each labeler their own file: `annotator pack`)")
        _set_blind(project, state == "on")


@main.group()
def users() -> None:
    """The people of a project on a PostgreSQL server."""


@users.command("add")
@click.argument("url")
@click.argument("names", nargs=-1, required=True)
@click.option("--role", type=click.Choice(["labeler", "reviewer", "admin"]), required=True)
@password_options
def users_add(url: str, names: tuple[str, ...], role: str, password: str | None,
              ask_password: bool) -> None:
    """Create people (login roles) with a role, or change their role. Run as an admin."""
    password = _password(password, ask_password)
    with open_project_or_fail(url) as project:
        if project.backend != "postgresql":
            fail(f"{url}: users and roles are for a project on a PostgreSQL server")
        _add_users(project.conn, [(n, role) for n in names], password)
