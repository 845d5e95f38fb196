"""Who runs a data-protection command: recorded in the audit trail and in the log of reads."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def add_operator_argument(parser) -> None:
    parser.add_argument(
        "--by",
        required=True,
        metavar="USERNAME",
        help="The staff account answering the request (e.g. the data protection officer); recorded.",
    )


def operator(username: str):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}: --by names the staff account answering the request.")
    return user
