"""HELP of the container commands (COMMAND, CLIENT): Redis 7.0.15's own text.

Redis's addReplyHelp() sends a heading naming the command, the lines of
help, then HELP itself, each one a status reply in one array, in RESP3 as
in RESP2. The text is Redis's as it is, so it names subcommands a step
may not have yet (CLIENT PAUSE, COMMAND GETKEYS).
"""

from support.replies import arity

COMMAND_HELP = [
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
]

CLIENT_HELP = [
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "HELP",
    "    Prints this help.",
]


def statuses(lines: list[str]) -> bytes:
    """An array of status replies, one per line."""
    return b"*%d\r\n" % len(lines) + b"".join(b"+%s\r\n" % line.encode() for line in lines)


def test_command_help_is_redis_text_as_status_lines(raw):
    assert raw.call("COMMAND", "HELP") == statuses(COMMAND_HELP)


def test_client_help_is_redis_text_as_status_lines(raw):
    assert raw.call("CLIENT", "HELP") == statuses(CLIENT_HELP)


def test_help_is_the_same_array_of_statuses_in_resp3(raw):
    assert raw.call("HELLO", "3").startswith(b"%7\r\n")
    assert raw.call("CLIENT", "HELP") == statuses(CLIENT_HELP)
    assert raw.call("COMMAND", "HELP") == statuses(COMMAND_HELP)


def test_help_heading_names_the_command_in_upper_case_however_it_was_typed(raw):
    assert raw.call("cOmMaNd", "help") == statuses(COMMAND_HELP)


def test_help_takes_no_argument(raw):
    assert raw.call("CLIENT", "HELP", "KILL") == arity("client|help")
    assert raw.call("COMMAND", "HELP", "INFO") == arity("command|help")


def test_redis_py_reads_help_as_a_list_of_lines(r):
    lines = r.execute_command("CLIENT", "HELP")
    assert [line if isinstance(line, str) else line.decode() for line in lines] == CLIENT_HELP
