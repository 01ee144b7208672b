"""pubsub.py: publish/subscribe, channels and patterns. Redis: src/pubsub.c.

A client SUBSCRIBEs to channels, or PSUBSCRIBEs to glob patterns; a
PUBLISH to a channel sends the message to every client subscribed to
it, and to every client with a pattern that matches it, once per
pattern. Nothing is stored: a message nobody listens to is gone, and
PUBLISH replies how many clients it reached.

Each subscription is kept twice, as in Redis: the server maps each
channel (and each pattern) to the list of its subscribers, which is
what PUBLISH reads; the client keeps its own channels and patterns,
which is what UNSUBSCRIBE with no argument, RESET and freeing the
client read. The sharded forms (SSUBSCRIBE, SPUBLISH) have a third
table of their own; without cluster mode they behave as channels that
patterns never match.

A subscriber is flagged CLIENT_PUBSUB. In RESP2 it may then only
(un)subscribe, PING, QUIT or RESET, for the messages arrive as replies
nobody asked for; in RESP3 they arrive as push frames (">"), which a
client tells apart from replies, so any command may come in between.

Steps:
  09_pubsub     SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE, PUBLISH,
                PUBSUB, SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH

Simplified: Redis propagates PUBLISH to replicas and to the other nodes
of a cluster; we have neither. Its tables of channels and patterns are
hash tables, so UNSUBSCRIBE with no argument, PUBSUB CHANNELS and the
patterns a message is matched against go in hash order (a random seed
per run); Python's dicts keep the order of subscription.
"""

from collections.abc import Callable
from dataclasses import dataclass

import resp
from commands import (
    CLIENT_DENY_BLOCKING,
    CLIENT_MULTI,
    CLIENT_PUBSUB,
    command,
    container,
)
from networking import Client, add_reply_subcommand_syntax_error
from util import stringmatchlen


@dataclass(frozen=True, slots=True)
class PubSubType:
    """Plain or sharded channels: where each kind keeps its tables, and
    the words of its frames. Mirrors struct pubsubtype."""

    shard: bool
    client_channels: Callable  # Client -> its dict of channels
    subscription_count: Callable  # Client -> the count its frames show
    server_channels: Callable  # Server -> channel -> subscribed clients
    subscribe_msg: bytes  # the first word of a confirmation...
    unsubscribe_msg: bytes
    message_bulk: bytes  # ...and of a message


def client_subscriptions_count(c: Client) -> int:
    """Channels and patterns: what (P)SUBSCRIBE's frames count. Mirrors
    clientSubscriptionsCount()."""
    return len(c.pubsub_channels) + len(c.pubsub_patterns)


def client_shard_subscriptions_count(c: Client) -> int:
    """Mirrors clientShardSubscriptionsCount()."""
    return len(c.pubsubshard_channels)


def client_total_pubsub_subscription_count(c: Client) -> int:
    """Mirrors clientTotalPubSubSubscriptionCount()."""
    return (client_subscriptions_count(c)
            + client_shard_subscriptions_count(c))


PUBSUB_TYPE = PubSubType(
    False, lambda c: c.pubsub_channels, client_subscriptions_count,
    lambda server: server.pubsub_channels,
    resp.bulk(b"subscribe"), resp.bulk(b"unsubscribe"),
    resp.bulk(b"message"))
PUBSUB_SHARD_TYPE = PubSubType(
    True, lambda c: c.pubsubshard_channels,
    client_shard_subscriptions_count,
    lambda server: server.pubsubshard_channels,
    resp.bulk(b"ssubscribe"), resp.bulk(b"sunsubscribe"),
    resp.bulk(b"smessage"))
PSUBSCRIBE_BULK = resp.bulk(b"psubscribe")
PUNSUBSCRIBE_BULK = resp.bulk(b"punsubscribe")
PMESSAGE_BULK = resp.bulk(b"pmessage")


# Frames. In RESP2 each is a plain array; in RESP3 a push, which the
# client knows is no reply to a command. Each is built whole and queued
# with one add_reply(), which checks the output buffer limit once.

def push_header(c: Client, count: int) -> bytes:
    return resp.array_len(count) if c.resp == 2 else resp.push_len(count)


def add_reply_pubsub_message(c: Client, channel: bytes, msg: bytes,
                             message_bulk: bytes) -> None:
    """Mirrors addReplyPubsubMessage()."""
    c.add_reply(push_header(c, 3) + message_bulk + resp.bulk(channel)
                + resp.bulk(msg))


def add_reply_pubsub_pat_message(c: Client, pattern: bytes, channel: bytes,
                                 msg: bytes) -> None:
    """Mirrors addReplyPubsubPatMessage(): the pattern comes first."""
    c.add_reply(push_header(c, 4) + PMESSAGE_BULK + resp.bulk(pattern)
                + resp.bulk(channel) + resp.bulk(msg))


def add_reply_pubsub_subscribed(c: Client, channel: bytes,
                                kind: PubSubType) -> None:
    """Mirrors addReplyPubsubSubscribed()."""
    c.add_reply(push_header(c, 3) + kind.subscribe_msg + resp.bulk(channel)
                + resp.integer(kind.subscription_count(c)))


def add_reply_pubsub_unsubscribed(c: Client, channel: bytes | None,
                                  kind: PubSubType) -> None:
    """Mirrors addReplyPubsubUnsubscribed(): a null channel when there
    was nothing to unsubscribe from."""
    name = resp.bulk(channel) if channel is not None else resp.null(c.resp)
    c.add_reply(push_header(c, 3) + kind.unsubscribe_msg + name
                + resp.integer(kind.subscription_count(c)))


def add_reply_pubsub_pat_subscribed(c: Client, pattern: bytes) -> None:
    """Mirrors addReplyPubsubPatSubscribed()."""
    c.add_reply(push_header(c, 3) + PSUBSCRIBE_BULK + resp.bulk(pattern)
                + resp.integer(client_subscriptions_count(c)))


def add_reply_pubsub_pat_unsubscribed(c: Client,
                                      pattern: bytes | None) -> None:
    """Mirrors addReplyPubsubPatUnsubscribed()."""
    name = resp.bulk(pattern) if pattern is not None else resp.null(c.resp)
    c.add_reply(push_header(c, 3) + PUNSUBSCRIBE_BULK + name
                + resp.integer(client_subscriptions_count(c)))


# --8<-- [start:pubsub_subscribe_channel]
def pubsub_subscribe_channel(c: Client, channel: bytes,
                             kind: PubSubType) -> bool:
    """Subscribe the client to `channel`; False if it already was.

    Mirrors pubsubSubscribeChannel(). The subscription goes in both
    tables: the client's, and the server's list of the channel's
    subscribers. The client is told either way.
    """
    # BEGIN EXERCISE 09-subscribe-channel
    channels = kind.client_channels(c)
    added = channel not in channels
    if added:
        channels[channel] = None
        kind.server_channels(c.server).setdefault(channel, []).append(c)
    add_reply_pubsub_subscribed(c, channel, kind)
    return added
    # END EXERCISE 09-subscribe-channel
# --8<-- [end:pubsub_subscribe_channel]


def pubsub_unsubscribe_channel(c: Client, channel: bytes, notify: bool,
                               kind: PubSubType) -> bool:
    """Unsubscribe the client from `channel`; False if it was not.
    Mirrors pubsubUnsubscribeChannel(): a channel left with no
    subscriber leaves the server's table."""
    channels = kind.client_channels(c)
    removed = channel in channels
    if removed:
        del channels[channel]
        server_channels = kind.server_channels(c.server)
        clients = server_channels[channel]
        clients.remove(c)
        if not clients:
            del server_channels[channel]
    if notify:
        add_reply_pubsub_unsubscribed(c, channel, kind)
    return removed


def pubsub_subscribe_pattern(c: Client, pattern: bytes) -> bool:
    """Mirrors pubsubSubscribePattern(): as for a channel, but the
    client keeps its patterns in a list, in the order it gave them."""
    added = pattern not in c.pubsub_patterns
    if added:
        c.pubsub_patterns.append(pattern)
        c.server.pubsub_patterns.setdefault(pattern, []).append(c)
    add_reply_pubsub_pat_subscribed(c, pattern)
    return added


def pubsub_unsubscribe_pattern(c: Client, pattern: bytes,
                               notify: bool) -> bool:
    """Mirrors pubsubUnsubscribePattern()."""
    removed = pattern in c.pubsub_patterns
    if removed:
        c.pubsub_patterns.remove(pattern)
        clients = c.server.pubsub_patterns[pattern]
        clients.remove(c)
        if not clients:
            del c.server.pubsub_patterns[pattern]
    if notify:
        add_reply_pubsub_pat_unsubscribed(c, pattern)
    return removed


def pubsub_unsubscribe_all_channels_internal(c: Client, notify: bool,
                                             kind: PubSubType) -> int:
    """Unsubscribe from every channel of the type; return how many.

    Mirrors pubsubUnsubscribeAllChannelsInternal(). A client subscribed
    to nothing still gets one frame, with a null channel.
    """
    count = 0
    for channel in list(kind.client_channels(c)):
        count += pubsub_unsubscribe_channel(c, channel, notify, kind)
    if notify and count == 0:
        add_reply_pubsub_unsubscribed(c, None, kind)
    return count


def pubsub_unsubscribe_all_channels(c: Client, notify: bool) -> int:
    """Mirrors pubsubUnsubscribeAllChannels()."""
    return pubsub_unsubscribe_all_channels_internal(c, notify, PUBSUB_TYPE)


def pubsub_unsubscribe_shard_all_channels(c: Client, notify: bool) -> int:
    """Mirrors pubsubUnsubscribeShardAllChannels()."""
    return pubsub_unsubscribe_all_channels_internal(c, notify,
                                                    PUBSUB_SHARD_TYPE)


def pubsub_unsubscribe_all_patterns(c: Client, notify: bool) -> int:
    """Mirrors pubsubUnsubscribeAllPatterns()."""
    count = 0
    for pattern in list(c.pubsub_patterns):
        count += pubsub_unsubscribe_pattern(c, pattern, notify)
    if notify and count == 0:
        add_reply_pubsub_pat_unsubscribed(c, None)
    return count


# --8<-- [start:pubsub_publish_message]
def pubsub_publish_message(server, channel: bytes, message: bytes,
                           sharded: bool = False) -> int:
    """Send `message` to the subscribers of `channel`; return how many
    frames went out. Mirrors pubsubPublishMessage().

    First every client subscribed to the channel, then, for each
    pattern that matches it, every client subscribed to that pattern:
    a client with two matching patterns gets the message twice (and
    counts twice). Shard channels ignore patterns.
    """
    # BEGIN EXERCISE 09-publish-message
    kind = PUBSUB_SHARD_TYPE if sharded else PUBSUB_TYPE
    receivers = 0
    for c in kind.server_channels(server).get(channel, ()):
        add_reply_pubsub_message(c, channel, message, kind.message_bulk)
        receivers += 1
    if sharded:
        return receivers
    for pattern, clients in server.pubsub_patterns.items():
        if not stringmatchlen(pattern, channel):
            continue
        for c in clients:
            add_reply_pubsub_pat_message(c, pattern, channel, message)
            receivers += 1
    return receivers
    # END EXERCISE 09-publish-message
# --8<-- [end:pubsub_publish_message]


def mark_subscriber(c: Client) -> None:
    c.flags |= CLIENT_PUBSUB


def unmark_if_unsubscribed(c: Client) -> None:
    """A client left with no subscription of any kind is an ordinary
    client again (the end of Redis's unsubscribe commands)."""
    if client_total_pubsub_subscription_count(c) == 0:
        c.flags &= ~CLIENT_PUBSUB


def deny_blocking_error(c: Client, name: str) -> bool:
    """Refuse to subscribe a client that must not block (Redis: a
    script, a module, a MULTI run by EXEC), which could never read
    its messages. True after replying the error."""
    if c.flags & CLIENT_DENY_BLOCKING and not c.flags & CLIENT_MULTI:
        c.add_reply(resp.error(
            f"{name} isn't allowed for a DENY BLOCKING client"))
        return True
    return False


# --8<-- [start:subscribe_command]
@command("subscribe", -2, "pubsub noscript loading stale", acl="pubsub",
         group="pubsub", since="2.0.0", synopsis="channel [channel ...]",
         complexity="O(N) where N is the number of channels to subscribe "
                    "to.",
         summary="Listen for messages published to the channels given")
def subscribe_command(c: Client) -> None:
    """Mirrors subscribeCommand(): a confirmation per channel, each with
    the client's count of channels and patterns so far. Inside MULTI it
    is allowed: EXEC's reply is then followed by the messages."""
    if deny_blocking_error(c, "SUBSCRIBE"):
        return
    for channel in c.argv[1:]:
        pubsub_subscribe_channel(c, channel, PUBSUB_TYPE)
    mark_subscriber(c)
# --8<-- [end:subscribe_command]


@command("unsubscribe", -1, "pubsub noscript loading stale", acl="pubsub",
         group="pubsub", since="2.0.0", synopsis="[channel [channel ...]]",
         complexity="O(N) where N is the number of clients already "
                    "subscribed to a channel.",
         summary="Stop listening to the channels given, or to all")
def unsubscribe_command(c: Client) -> None:
    """Mirrors unsubscribeCommand()."""
    if len(c.argv) == 1:
        pubsub_unsubscribe_all_channels(c, True)
    else:
        for channel in c.argv[1:]:
            pubsub_unsubscribe_channel(c, channel, True, PUBSUB_TYPE)
    unmark_if_unsubscribed(c)


@command("psubscribe", -2, "pubsub noscript loading stale", acl="pubsub",
         group="pubsub", since="2.0.0", synopsis="pattern [pattern ...]",
         complexity="O(N) where N is the number of patterns the client is "
                    "already subscribed to.",
         summary="Listen for messages published to channels matching "
                 "the patterns given")
def psubscribe_command(c: Client) -> None:
    """Mirrors psubscribeCommand()."""
    if deny_blocking_error(c, "PSUBSCRIBE"):
        return
    for pattern in c.argv[1:]:
        pubsub_subscribe_pattern(c, pattern)
    mark_subscriber(c)


@command("punsubscribe", -1, "pubsub noscript loading stale", acl="pubsub",
         group="pubsub", since="2.0.0", synopsis="[pattern [pattern ...]]",
         complexity="O(N+M) where N is the number of patterns the client "
                    "is already subscribed and M is the number of total "
                    "patterns subscribed in the system (by any client).",
         summary="Stop listening to the patterns given, or to all")
def punsubscribe_command(c: Client) -> None:
    """Mirrors punsubscribeCommand()."""
    if len(c.argv) == 1:
        pubsub_unsubscribe_all_patterns(c, True)
    else:
        for pattern in c.argv[1:]:
            pubsub_unsubscribe_pattern(c, pattern, True)
    unmark_if_unsubscribed(c)


@command("publish", 3, "pubsub loading stale fast", acl="pubsub",
         group="pubsub", since="2.0.0", synopsis="channel message",
         complexity="O(N+M) where N is the number of clients subscribed to "
                    "the receiving channel and M is the total number of "
                    "subscribed patterns (by any client).",
         summary="Send a message to the subscribers of a channel")
def publish_command(c: Client) -> None:
    """Mirrors publishCommand(): the reply counts the frames sent.

    A message is no change to the dataset: it is not written to the AOF.
    Simplified: Redis forces its propagation to replicas (so that their
    subscribers get it too); there are no replicas here.
    """
    receivers = pubsub_publish_message(c.server, c.argv[1], c.argv[2])
    c.add_reply(resp.integer(receivers))


# The sharded forms (Redis 7.0). In a cluster a shard channel lives in
# the hash slot of its name, so only the nodes of that shard carry its
# messages; standing alone, a shard channel is a channel of a table of
# its own, that patterns never match.

@command("ssubscribe", -2, "pubsub noscript loading stale", acl="pubsub",
         group="pubsub", since="7.0.0",
         synopsis="shardchannel [shardchannel ...]", keys=(1, -1, 1),
         complexity="O(N) where N is the number of shard channels to "
                    "subscribe to.",
         summary="Listen for messages published to the shard channels "
                 "given")
def ssubscribe_command(c: Client) -> None:
    """Mirrors ssubscribeCommand(). Unlike SUBSCRIBE, it is refused
    inside MULTI too: EXEC runs it as a client that must not block."""
    if c.flags & CLIENT_DENY_BLOCKING:
        c.add_reply(resp.error(
            "SSUBSCRIBE isn't allowed for a DENY BLOCKING client"))
        return
    for channel in c.argv[1:]:
        pubsub_subscribe_channel(c, channel, PUBSUB_SHARD_TYPE)
    mark_subscriber(c)


@command("sunsubscribe", -1, "pubsub noscript loading stale", acl="pubsub",
         group="pubsub", since="7.0.0",
         synopsis="[shardchannel [shardchannel ...]]", keys=(1, -1, 1),
         complexity="O(N) where N is the number of clients already "
                    "subscribed to a shard channel.",
         summary="Stop listening to the shard channels given, or to all")
def sunsubscribe_command(c: Client) -> None:
    """Mirrors sunsubscribeCommand()."""
    if len(c.argv) == 1:
        pubsub_unsubscribe_shard_all_channels(c, True)
    else:
        for channel in c.argv[1:]:
            pubsub_unsubscribe_channel(c, channel, True, PUBSUB_SHARD_TYPE)
    unmark_if_unsubscribed(c)


@command("spublish", 3, "pubsub loading stale fast", acl="pubsub",
         group="pubsub", since="7.0.0", synopsis="shardchannel message",
         keys=(1, 1, 1),
         complexity="O(N) where N is the number of clients subscribed to "
                    "the receiving shard channel.",
         summary="Send a message to the subscribers of a shard channel")
def spublish_command(c: Client) -> None:
    """Mirrors spublishCommand()."""
    receivers = pubsub_publish_message(c.server, c.argv[1], c.argv[2],
                                       sharded=True)
    c.add_reply(resp.integer(receivers))


# PUBSUB: what is subscribed, server-wide. Mirrors pubsubCommand().

container("pubsub", -2, group="pubsub", since="2.8.0",
          complexity="Depends on subcommand.",
          summary="Inspect the state of publish/subscribe")


def channel_list(c: Client, channels: dict[bytes, list[Client]]) -> None:
    """The channels with a subscriber, those matching the pattern if the
    command gives one (PUBSUB CHANNELS / SHARDCHANNELS [pattern]).
    Mirrors channelList()."""
    if len(c.argv) > 3:
        add_reply_subcommand_syntax_error(c)
        return
    pattern = c.argv[2] if len(c.argv) == 3 else None
    names = [channel for channel in channels
             if pattern is None or stringmatchlen(pattern, channel)]
    c.add_reply(resp.bulk_array(names))


def subscriber_counts(c: Client, channels: dict[bytes, list[Client]]) -> None:
    """Each channel named, then its number of subscribers (patterns not
    counted), as one flat array in RESP3 too."""
    out = [resp.array_len(2 * len(c.argv[2:]))]
    for channel in c.argv[2:]:
        out += [resp.bulk(channel), resp.integer(len(channels.get(channel,
                                                                   ())))]
    c.add_reply(b"".join(out))


@command("pubsub|channels", -2, "pubsub loading stale", acl="pubsub",
         group="pubsub", since="2.8.0", synopsis="[pattern]",
         complexity="O(N) where N is the number of active channels, and "
                    "assuming constant time pattern matching (relatively "
                    "short channels and patterns)",
         summary="List the channels that have subscribers")
def pubsub_channels_command(c: Client) -> None:
    channel_list(c, c.server.pubsub_channels)


@command("pubsub|numsub", -2, "pubsub loading stale", acl="pubsub",
         group="pubsub", since="2.8.0", synopsis="[channel [channel ...]]",
         complexity="O(N) for the NUMSUB subcommand, where N is the number "
                    "of requested channels",
         summary="Count the subscribers of the channels given")
def pubsub_numsub_command(c: Client) -> None:
    subscriber_counts(c, c.server.pubsub_channels)


@command("pubsub|numpat", 2, "pubsub loading stale", acl="pubsub",
         group="pubsub", since="2.8.0",
         summary="Count the patterns that have subscribers")
def pubsub_numpat_command(c: Client) -> None:
    c.add_reply(resp.integer(len(c.server.pubsub_patterns)))


@command("pubsub|shardchannels", -2, "pubsub loading stale", acl="pubsub",
         group="pubsub", since="7.0.0", synopsis="[pattern]",
         complexity="O(N) where N is the number of active shard channels, "
                    "and assuming constant time pattern matching "
                    "(relatively short shard channels).",
         summary="List the shard channels that have subscribers")
def pubsub_shardchannels_command(c: Client) -> None:
    channel_list(c, c.server.pubsubshard_channels)


@command("pubsub|shardnumsub", -2, "pubsub loading stale", acl="pubsub",
         group="pubsub", since="7.0.0",
         synopsis="[shardchannel [shardchannel ...]]",
         complexity="O(N) for the SHARDNUMSUB subcommand, where N is the "
                    "number of requested shard channels",
         summary="Count the subscribers of the shard channels given")
def pubsub_shardnumsub_command(c: Client) -> None:
    subscriber_counts(c, c.server.pubsubshard_channels)


PUBSUB_HELP = (
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> "
    "(default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, "
    "excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a "
    "<pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level "
    "channel(s)",
)


@command("pubsub|help", 2, "loading stale", group="pubsub", since="6.2.0",
         summary="Show helpful text about the different subcommands")
def pubsub_help_command(c: Client) -> None:
    """Redis's text as it is."""
    c.add_reply(resp.help_reply(c.argv[0], PUBSUB_HELP))
