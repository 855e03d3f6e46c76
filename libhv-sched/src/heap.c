/*
 * The policies' priority queue: an intrusive pairing heap.
 *
 * Why a pairing heap: the scheduler's nodes live inside the caller's
 * entities, so the queue may not own an array sized in advance; a
 * pointer-linked heap needs nothing but the three pointers in each node.
 * Of the pointer heaps, the pairing heap is the simplest with good
 * constants (Fredman, Sedgewick, Sleator, Tarjan 1986): insert and find-min
 * are O(1), delete-min and delete are O(log n) amortised.
 *
 * Shape: each node has a list of children (child, then next along the
 * siblings); `prev` points to the previous sibling, or to the parent for a
 * first child, so any node can be unlinked in O(1). Merging two heaps makes
 * the larger root the first child of the smaller. Deleting the root merges
 * its children in two passes: pairs left to right, then the pairs right to
 * left into one tree -- the pass that gives the logarithmic bound.
 *
 * Order is (key, seq): seq is a per-heap insertion counter, so equal keys
 * come out in insertion order and every result is deterministic whatever
 * the shape of the tree.
 */
#include <hv/sched_impl.h>

static inline bool before(const struct hv_sched_heap_node *a,
                          const struct hv_sched_heap_node *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

/* Merge two detached trees (either may be NULL); return the new root. */
static struct hv_sched_heap_node *meld(struct hv_sched_heap_node *a,
                                       struct hv_sched_heap_node *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (before(b, a)) {
        struct hv_sched_heap_node *t = a;
        a = b;
        b = t;
    }
    /* b becomes a's first child. */
    b->prev = a;
    b->next = a->child;
    if (a->child)
        a->child->prev = b;
    a->child = b;
    a->next = NULL;
    a->prev = NULL;
    return a;
}

/* Two-pass merge of a sibling list starting at `first`. */
static struct hv_sched_heap_node *merge_pairs(struct hv_sched_heap_node *first)
{
    struct hv_sched_heap_node *pairs = NULL; /* merged pairs, reversed */
    struct hv_sched_heap_node *result = NULL;

    while (first) {
        struct hv_sched_heap_node *a = first;
        struct hv_sched_heap_node *b = a->next;
        struct hv_sched_heap_node *m;

        first = b ? b->next : NULL;
        a->next = a->prev = NULL;
        if (b)
            b->next = b->prev = NULL;
        m = meld(a, b);
        m->next = pairs; /* push onto the reversed list */
        pairs = m;
    }
    while (pairs) {
        struct hv_sched_heap_node *m = pairs;

        pairs = m->next;
        m->next = NULL;
        result = meld(result, m);
    }
    return result;
}

void hv_sched_heap_init(struct hv_sched_heap *h)
{
    h->root = NULL;
    h->count = 0;
    h->next_seq = 0;
}

void hv_sched_heap_insert_seq(struct hv_sched_heap *h,
                              struct hv_sched_heap_node *n, int64_t key,
                              uint64_t seq)
{
    HV_CHECK(!n->queued);
    n->child = n->next = n->prev = NULL;
    n->key = key;
    n->seq = seq;
    n->queued = true;
    h->root = meld(h->root, n);
    h->count++;
}

void hv_sched_heap_insert(struct hv_sched_heap *h, struct hv_sched_heap_node *n,
                          int64_t key)
{
    hv_sched_heap_insert_seq(h, n, key, h->next_seq++);
}

struct hv_sched_heap_node *hv_sched_heap_pop(struct hv_sched_heap *h)
{
    struct hv_sched_heap_node *n = h->root;

    if (!n)
        return NULL;
    h->root = merge_pairs(n->child);
    if (h->root)
        h->root->prev = NULL;
    n->child = n->next = n->prev = NULL;
    n->queued = false;
    h->count--;
    return n;
}

void hv_sched_heap_remove(struct hv_sched_heap *h, struct hv_sched_heap_node *n)
{
    struct hv_sched_heap_node *sub;

    HV_CHECK(n->queued && h->count > 0);
    if (n == h->root) {
        hv_sched_heap_pop(h);
        return;
    }
    /* Unlink n (and its subtree) from its parent's child list. */
    if (n->prev->child == n)
        n->prev->child = n->next;
    else
        n->prev->next = n->next;
    if (n->next)
        n->next->prev = n->prev;
    sub = merge_pairs(n->child);
    h->root = meld(h->root, sub);
    n->child = n->next = n->prev = NULL;
    n->queued = false;
    h->count--;
}
