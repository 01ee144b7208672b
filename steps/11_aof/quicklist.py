"""quicklist.py: a list of listpacks, the body of every list. Redis:
src/quicklist.c.

A list is a chain of nodes, each a listpack of a few elements. Pushing
and popping touch only the end node; a node never grows past the fill
factor, list-max-listpack-size, read when the list is created:

    fill < 0   a byte limit: -1 4 KB, -2 8 KB (the default), -3 16 KB,
               -4 32 KB, -5 64 KB per node
    fill >= 0  an element limit, and never past 8 KB (SIZE_SAFETY_LIMIT)
               unless one element alone is that large

Whether an element fits is an estimate, as in Redis: the node's size
plus the element's length as a string plus 8 bytes of encoding
overhead (SIZE_ESTIMATE_OVERHEAD). Inserting in the middle of a full
node puts the element in a neighbour, in a new node, or splits the
node in two and then tries to merge the nodes around the split. These
rules decide where one node ends and the next begins, and an RDB file
records those boundaries, so they follow Redis's code exactly.

Positions inside a node are listpack byte offsets (listpack.py); a
node is found by its index in Quicklist.nodes.

Steps:
  06_encodings  push, pop, index, iterate, insert, replace, delete

Simplified: Redis links the nodes in a doubly linked list (prev, next);
here they sit in a Python list, so a node's neighbours are the items
beside it and an iterator holds a node's index, not a pointer. Adding
or removing a node moves the pointers after it (a C memmove).
Simplified: list-compress-depth is kept but not applied: Redis
LZF-compresses the nodes more than `compress` nodes from either end.
Simplified: no PLAIN nodes. Redis stores an element of 1 GB or more
(packed_threshold) alone in a PLAIN node, outside any listpack. No
element can be that large under the default proto-max-bulk-len of
512 MB; here such an element would go alone into a listpack node.
Simplified: no bookmarks (Redis: for defragmenting huge lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from listpack import (
    LP_AFTER,
    LP_BEFORE,
    Element,
    lp_append,
    lp_compare,
    lp_delete,
    lp_delete_range,
    lp_entries,
    lp_first,
    lp_get,
    lp_insert_string,
    lp_last,
    lp_length,
    lp_merge,
    lp_new,
    lp_next,
    lp_prepend,
    lp_prev,
    lp_replace,
    lp_seek,
)

QUICKLIST_HEAD, QUICKLIST_TAIL = 0, -1  # quicklist_push()'s `where`
AL_START_HEAD, AL_START_TAIL = 0, 1  # an iterator's direction

# Bytes per node for fill -1 .. -5. The largest keeps the count of
# elements, at least a byte each, under the node's 16-bit count field.
OPTIMIZATION_LEVEL = (4096, 8192, 16384, 32768, 65536)
SIZE_SAFETY_LIMIT = 8192  # the byte limit when fill counts elements
SIZE_ESTIMATE_OVERHEAD = 8  # guessed encoding bytes of a new element
# A merged listpack drops one header and end byte; Redis subtracts 11,
# the size of a ziplist's, which quicklists held before Redis 7.
MERGE_OVERHEAD = 11
FILL_MAX = (1 << 15) - 1  # fill is a 16-bit signed field
COMPRESS_MAX = (1 << 16) - 1


# --8<-- [start:quicklist]
@dataclass(slots=True, eq=False)
class QuicklistNode:
    """One listpack of the list and how many elements it holds.

    Mirrors struct quicklistNode in quicklist.h (without its links,
    compression flags and container: every node here is PACKED).
    """

    lp: bytes
    count: int

    @property
    def sz(self) -> int:
        """The listpack's size in bytes (quicklistNodeUpdateSz())."""
        return len(self.lp)


@dataclass(slots=True, eq=False)
class Quicklist:
    """The list: its nodes, head first, and its total element count.

    Mirrors struct quicklist in quicklist.h. `len` there is
    len(nodes) here; `fill` is list-max-listpack-size and `compress`
    list-compress-depth, both fixed when the list is created.
    """

    nodes: list[QuicklistNode] = field(default_factory=list)
    count: int = 0
    fill: int = -2
    compress: int = 0
# --8<-- [end:quicklist]


@dataclass(slots=True, eq=False)
class QuicklistIter:
    """Where an iteration stands. Mirrors struct quicklistIter.

    `current` is the index of the node in quicklist.nodes (None when
    the iteration is over or was reset), `zi` the byte offset of the
    current element in its listpack (None: seek `offset` next time),
    and `offset` that element's index in the node, negative when it
    counts from the node's tail.
    """

    quicklist: Quicklist
    current: int | None
    zi: int | None
    offset: int
    direction: int


@dataclass(slots=True, eq=False)
class QuicklistEntry:
    """One element as quicklist_next() found it. Mirrors quicklistEntry.

    `value` is bytes, or an int for an element the listpack holds as an
    integer (Redis: `value` and `sz`, or `longval`).
    """

    node: QuicklistNode
    zi: int
    offset: int
    value: Element


def quicklist_create() -> Quicklist:
    """An empty list with fill -2 and no compression. quicklistCreate()."""
    return Quicklist()


def quicklist_set_compress_depth(ql: Quicklist, compress: int) -> None:
    """Clamp and store the compress depth. quicklistSetCompressDepth()."""
    ql.compress = min(max(compress, 0), COMPRESS_MAX)


def quicklist_set_fill(ql: Quicklist, fill: int) -> None:
    """Clamp the fill factor to -5 .. 32767. Mirrors quicklistSetFill()."""
    ql.fill = min(max(fill, -5), FILL_MAX)


def quicklist_set_options(ql: Quicklist, fill: int, compress: int) -> None:
    """Set both options. Mirrors quicklistSetOptions() in quicklist.c."""
    quicklist_set_fill(ql, fill)
    quicklist_set_compress_depth(ql, compress)


def quicklist_new(fill: int, compress: int) -> Quicklist:
    """An empty list with these options. Mirrors quicklistNew()."""
    ql = quicklist_create()
    quicklist_set_options(ql, fill, compress)
    return ql


# --8<-- [start:fill]
def _quicklist_node_size_meets_optimization_requirement(sz: int,
                                                        fill: int) -> bool:
    """Whether `sz` bytes are within a negative fill's byte limit.

    Mirrors _quicklistNodeSizeMeetsOptimizationRequirement(). A
    positive fill has no byte level of its own: always False.
    """
    return fill < 0 and sz <= OPTIMIZATION_LEVEL[-fill - 1]


def _quicklist_node_allow_insert(node: QuicklistNode | None, fill: int,
                                 sz: int) -> bool:
    """Whether an element of `sz` bytes (as a string) may join `node`.

    Mirrors _quicklistNodeAllowInsert() in quicklist.c. The new size is
    an estimate that errs high: the element's string length plus 8,
    though an integer or a short string takes fewer bytes encoded.
    """
    if node is None:
        return False
    new_sz = len(node.lp) + sz + SIZE_ESTIMATE_OVERHEAD
    if _quicklist_node_size_meets_optimization_requirement(new_sz, fill):
        return True
    if new_sz > SIZE_SAFETY_LIMIT:
        return False
    return node.count < fill


def _quicklist_node_allow_merge(a: QuicklistNode | None,
                                b: QuicklistNode | None, fill: int) -> bool:
    """Whether nodes `a` and `b` fit in one node.

    Mirrors _quicklistNodeAllowMerge() in quicklist.c.
    """
    if a is None or b is None:
        return False
    merge_sz = a.sz + b.sz - MERGE_OVERHEAD
    if _quicklist_node_size_meets_optimization_requirement(merge_sz, fill):
        return True
    if merge_sz > SIZE_SAFETY_LIMIT:
        return False
    return a.count + b.count <= fill
# --8<-- [end:fill]


def _node_at(ql: Quicklist, index: int) -> QuicklistNode | None:
    """The node at `index`, None past either end (Redis: a NULL link)."""
    return ql.nodes[index] if 0 <= index < len(ql.nodes) else None


# --8<-- [start:quicklist_push_head]
def quicklist_push_head(ql: Quicklist, value: bytes) -> bool:
    """Add `value` before the first element; True if a node was added.

    Mirrors quicklistPushHead() in quicklist.c: into the head node if
    it allows it, else into a new head node of its own.
    """
    head = ql.nodes[0] if ql.nodes else None
    ql.count += 1
    if _quicklist_node_allow_insert(head, ql.fill, len(value)):
        head.lp = lp_prepend(head.lp, value)
        head.count += 1
        return False
    ql.nodes.insert(0, QuicklistNode(lp_prepend(lp_new(), value), 1))
    return True
# --8<-- [end:quicklist_push_head]


def quicklist_push_tail(ql: Quicklist, value: bytes) -> bool:
    """Add `value` after the last element; True if a node was added.

    Mirrors quicklistPushTail() in quicklist.c.
    """
    tail = ql.nodes[-1] if ql.nodes else None
    ql.count += 1
    if _quicklist_node_allow_insert(tail, ql.fill, len(value)):
        tail.lp = lp_append(tail.lp, value)
        tail.count += 1
        return False
    ql.nodes.append(QuicklistNode(lp_append(lp_new(), value), 1))
    return True


def quicklist_push(ql: Quicklist, value: bytes, where: int) -> None:
    """Push at QUICKLIST_HEAD or QUICKLIST_TAIL. Mirrors quicklistPush().

    `value` is bytes: a caller holding an integer passes its decimal
    string, as listTypePush() in t_list.c does.
    """
    if where == QUICKLIST_HEAD:
        quicklist_push_head(ql, value)
    else:
        quicklist_push_tail(ql, value)


def _quicklist_del_node(ql: Quicklist, index: int) -> None:
    """Unlink the node at `index`. Mirrors __quicklistDelNode()."""
    ql.count -= ql.nodes.pop(index).count


def quicklist_del_index(ql: Quicklist, index: int, p: int) -> bool:
    """Delete the element at `p` in node `index`; True if the node went.

    Mirrors quicklistDelIndex() in quicklist.c. A node that empties is
    removed; neighbours are not merged after a deletion, in Redis too.
    """
    node = ql.nodes[index]
    node.lp = lp_delete(node.lp, p)
    node.count -= 1
    ql.count -= 1
    if node.count == 0:
        _quicklist_del_node(ql, index)
        return True
    return False


def _reset_iterator(it: QuicklistIter) -> None:
    """Forbid further use of `it` after a write. Redis: resetIterator."""
    it.current = None
    it.zi = None


def quicklist_del_entry(it: QuicklistIter, entry: QuicklistEntry) -> None:
    """Delete the element `entry`, which `it` just returned.

    Mirrors quicklistDelEntry() in quicklist.c. The iterator may go on:
    the next quicklist_next() seeks the same offset, where the next
    element now is, or moves on to the neighbour if the node went.
    """
    index = it.current
    gone = quicklist_del_index(it.quicklist, index, entry.zi)
    it.zi = None
    if not gone:
        return
    if it.direction == AL_START_HEAD:
        # The next node now sits at the deleted one's index.
        it.current = index if index < len(it.quicklist.nodes) else None
        it.offset = 0
    else:
        it.current = index - 1 if index > 0 else None
        it.offset = -1


def quicklist_replace_entry(it: QuicklistIter, entry: QuicklistEntry,
                            value: bytes) -> None:
    """Put `value` in place of `entry`, in the same node.

    Mirrors quicklistReplaceEntry() in quicklist.c. Redis 7.0 does not
    check the fill factor here: a long value can push a node past its
    limit, and the node stays so until it is split or emptied.
    """
    node = entry.node
    node.lp = lp_replace(node.lp, entry.zi, value)
    _reset_iterator(it)


def quicklist_replace_at_index(ql: Quicklist, index: int,
                               value: bytes) -> bool:
    """Replace the element at `index` (negative: from the tail).

    Mirrors quicklistReplaceAtIndex() in quicklist.c (LSET): False if
    there is no such element.
    """
    found = quicklist_get_iterator_entry_at_idx(ql, index)
    if found is None:
        return False
    quicklist_replace_entry(*found, value)
    return True


# --8<-- [start:merge]
def _quicklist_list_pack_merge(ql: Quicklist, a: int) -> int:
    """Merge node `a` and the node after it into one; return its index.

    Mirrors _quicklistListpackMerge() in quicklist.c (lpMerge() keeps
    the larger listpack and copies the smaller into it; the bytes are
    the same either way).
    """
    left, right = ql.nodes[a], ql.nodes[a + 1]
    left.lp = lp_merge(left.lp, right.lp)
    left.count = lp_length(left.lp)
    del ql.nodes[a + 1]
    return a


def _quicklist_merge_nodes(ql: Quicklist, center: int) -> None:
    """Merge what fits around node `center`, after a split.

    Mirrors _quicklistMergeNodes() in quicklist.c, in Redis's order:
    the two nodes before center, the two after it, center with the one
    before, then that result with the one after.
    """
    fill = ql.fill
    if _quicklist_node_allow_merge(_node_at(ql, center - 1),
                                   _node_at(ql, center - 2), fill):
        _quicklist_list_pack_merge(ql, center - 2)
        center -= 1
    if _quicklist_node_allow_merge(_node_at(ql, center + 1),
                                   _node_at(ql, center + 2), fill):
        _quicklist_list_pack_merge(ql, center + 1)
    target = center
    if _quicklist_node_allow_merge(ql.nodes[center],
                                   _node_at(ql, center - 1), fill):
        target = _quicklist_list_pack_merge(ql, center - 1)
    if _quicklist_node_allow_merge(ql.nodes[target],
                                   _node_at(ql, target + 1), fill):
        _quicklist_list_pack_merge(ql, target)
# --8<-- [end:merge]


# --8<-- [start:split]
def _quicklist_split_node(node: QuicklistNode, offset: int,
                          after: bool) -> QuicklistNode:
    """Cut `node` at `offset`; return the new node holding one side.

    Mirrors _quicklistSplitNode() in quicklist.c. After: `node` keeps
    elements [0, offset] and the new node gets the rest. Before: the
    new node gets [0, offset - 1] and `node` keeps [offset, end].
    """
    if offset < 0:
        offset += node.count
    whole = node.lp
    to_end = node.count  # Redis passes -1: "to the end"
    if after:
        node.lp = lp_delete_range(whole, offset + 1, to_end)
        new_lp = lp_delete_range(whole, 0, offset + 1)
    else:
        node.lp = lp_delete_range(whole, 0, offset)
        new_lp = lp_delete_range(whole, offset, to_end)
    node.count = lp_length(node.lp)
    return QuicklistNode(new_lp, lp_length(new_lp))
# --8<-- [end:split]


# --8<-- [start:quicklist_insert]
def _quicklist_insert(it: QuicklistIter, entry: QuicklistEntry,
                      value: bytes, after: bool) -> None:
    """Insert `value` next to `entry`, which `it` just returned.

    Mirrors _quicklistInsert() in quicklist.c. If the node has room,
    the value goes in beside the entry. If not, and the entry is the
    node's last (inserting after) or first (before), the value goes
    to the neighbour's near end if that has room, else into a new node
    between them. Otherwise the node is split at the entry, the value
    joins the new half, and the nodes around are merged where they fit.
    """
    ql = it.quicklist
    fill = ql.fill
    index = it.current
    node = entry.node
    sz = len(value)
    full = not _quicklist_node_allow_insert(node, fill, sz)
    at_tail = after and entry.offset in (node.count - 1, -1)
    at_head = not after and entry.offset in (0, -node.count)
    neighbour = _node_at(ql, index + 1 if after else index - 1)
    ql.count += 1
    _reset_iterator(it)
    if not full:
        where = LP_AFTER if after else LP_BEFORE
        node.lp = lp_insert_string(node.lp, value, entry.zi, where)
        node.count += 1
    elif (at_tail or at_head) and _quicklist_node_allow_insert(
            neighbour, fill, sz):
        if after:
            neighbour.lp = lp_prepend(neighbour.lp, value)
        else:
            neighbour.lp = lp_append(neighbour.lp, value)
        neighbour.count += 1
    elif at_tail or at_head:
        new_node = QuicklistNode(lp_prepend(lp_new(), value), 1)
        ql.nodes.insert(index + 1 if after else index, new_node)
    else:
        new_node = _quicklist_split_node(node, entry.offset, after)
        if after:
            new_node.lp = lp_prepend(new_node.lp, value)
        else:
            new_node.lp = lp_append(new_node.lp, value)
        new_node.count += 1
        ql.nodes.insert(index + 1 if after else index, new_node)
        _quicklist_merge_nodes(ql, index if after else index + 1)
# --8<-- [end:quicklist_insert]


def quicklist_insert_before(it: QuicklistIter, entry: QuicklistEntry,
                            value: bytes) -> None:
    """Insert `value` before `entry`. Mirrors quicklistInsertBefore()."""
    _quicklist_insert(it, entry, value, False)


def quicklist_insert_after(it: QuicklistIter, entry: QuicklistEntry,
                           value: bytes) -> None:
    """Insert `value` after `entry`. Mirrors quicklistInsertAfter()."""
    _quicklist_insert(it, entry, value, True)


# --8<-- [start:quicklist_del_range]
def quicklist_del_range(ql: Quicklist, start: int, count: int) -> bool:
    """Delete `count` elements from index `start` (negative: from the
    tail) on, fewer if the list ends first; False if none were deleted.

    Mirrors quicklistDelRange() in quicklist.c: whole nodes go without
    touching their listpacks, the first and last nodes lose a range.
    Emptied nodes are removed; nothing is merged.
    """
    if count <= 0:
        return False
    extent = count
    if start >= 0:
        extent = min(extent, ql.count - start)
    else:
        extent = min(extent, -start)  # from start to the tail at most
    found = quicklist_get_iterator_at_idx(ql, AL_START_TAIL, start)
    if found is None:
        return False
    index, offset = found.current, found.offset
    while extent:
        node = ql.nodes[index]
        if offset == 0 and extent >= node.count:
            delete = node.count
            _quicklist_del_node(ql, index)
        else:
            if offset >= 0:
                delete = min(extent, node.count - offset)
            else:  # the first node, counted from its tail
                delete = min(extent, -offset)
            node.lp = lp_delete_range(node.lp, offset, delete)
            node.count -= delete
            ql.count -= delete
            if node.count == 0:
                _quicklist_del_node(ql, index)
            else:
                index += 1
        extent -= delete
        offset = 0
    return True
# --8<-- [end:quicklist_del_range]


def quicklist_compare(entry: QuicklistEntry, s: bytes) -> bool:
    """Whether `entry` equals the string `s`. Mirrors quicklistCompare().

    An integer element equals the canonical decimal string of its value
    only, as lpCompare() decides.
    """
    return lp_compare(entry.node.lp, entry.zi, s)


def quicklist_get_iterator(ql: Quicklist, direction: int) -> QuicklistIter:
    """An iterator from the head (AL_START_HEAD) or the tail.

    Mirrors quicklistGetIterator() in quicklist.c.
    """
    if direction == AL_START_HEAD:
        current, offset = 0, 0
    else:
        current, offset = len(ql.nodes) - 1, -1
    if not ql.nodes:
        current = None
    return QuicklistIter(ql, current, None, offset, direction)


def _quicklist_find_node(ql: Quicklist, index: int) -> tuple[int, int]:
    """The node holding element `index` (0 <= index < count) and the
    number of elements before that node.

    The node walk of quicklistGetIteratorAtIdx(): node counts only,
    from whichever end is nearer.
    """
    nodes = ql.nodes
    if index <= (ql.count - 1) // 2:
        before = 0
        for i, node in enumerate(nodes):
            if before + node.count > index:
                return i, before
            before += node.count
    before = ql.count
    for i in range(len(nodes) - 1, -1, -1):
        before -= nodes[i].count
        if before <= index:
            return i, before
    raise IndexError(index)


def quicklist_get_iterator_at_idx(ql: Quicklist, direction: int,
                                  idx: int) -> QuicklistIter | None:
    """An iterator whose first quicklist_next() returns element `idx`.

    Mirrors quicklistGetIteratorAtIdx() in quicklist.c; None if there
    is no such element. A negative `idx` counts from the tail, and so
    does the offset inside the node that the iterator starts at.
    """
    pos = idx if idx >= 0 else ql.count + idx
    if not 0 <= pos < ql.count:
        return None
    index, before = _quicklist_find_node(ql, pos)
    it = quicklist_get_iterator(ql, direction)
    it.current = index
    it.offset = pos - before
    if idx < 0:
        it.offset -= ql.nodes[index].count
    return it


# --8<-- [start:quicklist_next]
def quicklist_next(it: QuicklistIter) -> QuicklistEntry | None:
    """The next element in the iterator's direction; None at the end.

    Mirrors quicklistNext() in quicklist.c: step within the node's
    listpack (or seek `offset` after a reset or a deletion), and when
    the node runs out, move to the next node in the direction.
    """
    nodes = it.quicklist.nodes
    while it.current is not None:
        node = nodes[it.current]
        if it.zi is None:
            it.zi = lp_seek(node.lp, it.offset)
        elif it.direction == AL_START_HEAD:
            it.zi = lp_next(node.lp, it.zi)
            it.offset += 1
        else:
            it.zi = lp_prev(node.lp, it.zi)
            it.offset -= 1
        if it.zi is not None:
            return QuicklistEntry(node, it.zi, it.offset,
                                  lp_get(node.lp, it.zi))
        if it.direction == AL_START_HEAD:
            following = it.current + 1
            it.current = following if following < len(nodes) else None
            it.offset = 0
        else:
            it.current = it.current - 1 if it.current > 0 else None
            it.offset = -1
    return None
# --8<-- [end:quicklist_next]


def quicklist_get_iterator_entry_at_idx(
    ql: Quicklist, idx: int,
) -> tuple[QuicklistIter, QuicklistEntry] | None:
    """The element at `idx` and an iterator on it (towards the head).

    Mirrors quicklistGetIteratorEntryAtIdx() in quicklist.c (LINDEX,
    LSET); None if there is no such element.
    """
    it = quicklist_get_iterator_at_idx(ql, AL_START_TAIL, idx)
    if it is None:
        return None
    return it, quicklist_next(it)


def quicklist_node_ranges(ql: Quicklist, start: int,
                          count: int) -> list[tuple[bytes, int, int]]:
    """Where the `count` elements from index `start` are (0 <= start,
    and start + count <= ql.count): for each node that holds some, head
    to tail, its listpack, the index of the first of them in it, and
    how many it holds.

    A Python convenience for addListRangeReply() in t_list.c, which
    steps through these elements with quicklistNext(): the caller reads
    each node's share in one pass instead of an entry at a time.
    """
    ranges = []
    if count <= 0:
        return ranges
    index, before = _quicklist_find_node(ql, start)
    first = start - before
    while count:
        node = ql.nodes[index]
        taken = min(count, node.count - first)
        ranges.append((node.lp, first, taken))
        count -= taken
        index += 1
        first = 0
    return ranges


def quicklist_range(ql: Quicklist, start: int, count: int,
                    strings: bool = False) -> list[Element]:
    """The `count` elements from index `start` (0 <= start, and
    start + count <= ql.count), head to tail; with `strings`, integer
    elements as their decimal strings.

    A Python convenience: each node on the way is decoded in one pass
    (lp_entries()), cheaper than an entry at a time.
    """
    out: list[Element] = []
    for lp, first, taken in quicklist_node_ranges(ql, start, count):
        out += lp_entries(lp, strings)[first:first + taken]
    return out


def quicklist_dup(ql: Quicklist) -> Quicklist:
    """A copy of the list with the same nodes. Mirrors quicklistDup().

    The listpacks are immutable bytes, so the copy shares them where
    Redis copies each one.
    """
    copy = quicklist_new(ql.fill, ql.compress)
    copy.nodes = [QuicklistNode(node.lp, node.count) for node in ql.nodes]
    copy.count = ql.count
    return copy


def quicklist_pop(ql: Quicklist, where: int) -> Element | None:
    """Remove and return the first (QUICKLIST_HEAD) or last element.

    Mirrors quicklistPopCustom() and quicklistPop() in quicklist.c: the
    value is bytes, or an int for an element held as an integer (Redis:
    `data` made by the `saver`, or `sval`); None if the list is empty.
    """
    if ql.count == 0:
        return None
    index = 0 if where == QUICKLIST_HEAD else len(ql.nodes) - 1
    lp = ql.nodes[index].lp
    p = lp_first(lp) if where == QUICKLIST_HEAD else lp_last(lp)
    value = lp_get(lp, p)
    quicklist_del_index(ql, index, p)
    return value
