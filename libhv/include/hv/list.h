/*
 * Intrusive, circular, doubly linked lists.
 *
 * A list is a `struct hv_list` head; each element embeds a `struct
 * hv_list` node and is found again with hv_list_entry(). The head's next
 * and prev point to itself when the list is empty, so insertion and
 * removal never test for NULL. Nothing here allocates or locks: the caller
 * owns the memory and whatever lock guards the list.
 *
 * A removed node is reset to point to itself, so hv_list_is_linked() tells
 * whether a node is on some list, and removing it twice is harmless.
 */
#ifndef HV_LIST_H
#define HV_LIST_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

struct hv_list {
    struct hv_list *next;
    struct hv_list *prev;
};

/* Static initialiser: struct hv_list l = HV_LIST_INIT(l); */
#define HV_LIST_INIT(name) \
    {                      \
        &(name), &(name)   \
    }

static inline void hv_list_init(struct hv_list *head)
{
    head->next = head;
    head->prev = head;
}

static inline bool hv_list_is_empty(const struct hv_list *head)
{
    return head->next == head;
}

/* True if `node` is on a list (was inserted and not removed since). */
static inline bool hv_list_is_linked(const struct hv_list *node)
{
    return node->next != node;
}

static inline void hv_list_insert_between_(struct hv_list *node,
                                           struct hv_list *prev,
                                           struct hv_list *next)
{
    node->prev = prev;
    node->next = next;
    prev->next = node;
    next->prev = node;
}

/* Insert `node` right after `pos` (at the front when pos is the head). */
static inline void hv_list_insert_after(struct hv_list *pos,
                                        struct hv_list *node)
{
    hv_list_insert_between_(node, pos, pos->next);
}

/* Insert `node` right before `pos` (at the back when pos is the head). */
static inline void hv_list_insert_before(struct hv_list *pos,
                                         struct hv_list *node)
{
    hv_list_insert_between_(node, pos->prev, pos);
}

static inline void hv_list_push_front(struct hv_list *head,
                                      struct hv_list *node)
{
    hv_list_insert_after(head, node);
}

static inline void hv_list_push_back(struct hv_list *head, struct hv_list *node)
{
    hv_list_insert_before(head, node);
}

/* Unlink `node` from its list and make it self-linked again. */
static inline void hv_list_remove(struct hv_list *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    hv_list_init(node);
}

/* First / last node, or NULL for an empty list. */
static inline struct hv_list *hv_list_first(const struct hv_list *head)
{
    return hv_list_is_empty(head) ? NULL : head->next;
}

static inline struct hv_list *hv_list_last(const struct hv_list *head)
{
    return hv_list_is_empty(head) ? NULL : head->prev;
}

/* Remove and return the first node, or NULL for an empty list. */
static inline struct hv_list *hv_list_pop_front(struct hv_list *head)
{
    struct hv_list *node = hv_list_first(head);

    if (node)
        hv_list_remove(node);
    return node;
}

/* Move every node of `from` to the back of `to`; `from` ends empty. */
static inline void hv_list_splice_back(struct hv_list *to, struct hv_list *from)
{
    if (hv_list_is_empty(from))
        return;
    from->next->prev = to->prev;
    to->prev->next = from->next;
    from->prev->next = to;
    to->prev = from->prev;
    hv_list_init(from);
}

/* Number of nodes: walks the list, O(n). */
static inline size_t hv_list_count(const struct hv_list *head)
{
    size_t n = 0;
    const struct hv_list *it;

    for (it = head->next; it != head; it = it->next)
        n++;
    return n;
}

#define hv_list_entry(node, type, member) HV_CONTAINER_OF(node, type, member)

/* Iterate over nodes; the body must not remove `it`. */
#define hv_list_for_each(it, head) \
    for ((it) = (head)->next; (it) != (head); (it) = (it)->next)

/* Iterate over nodes; the body may remove `it` (and only `it`). */
#define hv_list_for_each_safe(it, tmp, head)                      \
    for ((it) = (head)->next, (tmp) = (it)->next; (it) != (head); \
         (it) = (tmp), (tmp) = (it)->next)

/* Iterate over the elements containing the nodes. */
#define hv_list_for_each_entry(pos, head, member)                         \
    for ((pos) = hv_list_entry((head)->next, __typeof__(*(pos)), member); \
         &(pos)->member != (head);                                        \
         (pos) =                                                          \
             hv_list_entry((pos)->member.next, __typeof__(*(pos)), member))

#define hv_list_for_each_entry_safe(pos, tmp, head, member)                    \
    for ((pos) = hv_list_entry((head)->next, __typeof__(*(pos)), member),      \
        (tmp) = hv_list_entry((pos)->member.next, __typeof__(*(pos)), member); \
         &(pos)->member != (head); (pos) = (tmp),                              \
        (tmp) = hv_list_entry((tmp)->member.next, __typeof__(*(tmp)), member))

HV_EXTERN_C_END

#endif /* HV_LIST_H */
