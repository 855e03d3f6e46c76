/* The pairing heap: order, ties, arbitrary removal, against a reference. */
#include "sched_test.h"

#include <hv/sched_impl.h>

#define N 2000

struct item {
    struct hv_sched_heap_node node;
    int64_t key;
    uint64_t order; /* insertion order, the tie-break */
    bool in;
};

static void test_empty(void **state)
{
    struct hv_sched_heap h;

    (void)state;
    hv_sched_heap_init(&h);
    assert_true(hv_sched_heap_is_empty(&h));
    assert_null(hv_sched_heap_min(&h));
    assert_null(hv_sched_heap_pop(&h));
}

static void test_order_and_ties(void **state)
{
    static const int64_t keys[] = {5, 3, 9, 3, 1, 5, 3};
    /* Expected pop order (index into keys): by key, then insertion. */
    static const int expect[] = {4, 1, 3, 6, 0, 5, 2};
    struct item it[7];
    struct hv_sched_heap h;
    size_t i;

    (void)state;
    memset(it, 0, sizeof(it));
    hv_sched_heap_init(&h);
    for (i = 0; i < 7; i++)
        hv_sched_heap_insert(&h, &it[i].node, keys[i]);
    assert_int_equal(h.count, 7);
    for (i = 0; i < 7; i++) {
        struct hv_sched_heap_node *n = hv_sched_heap_pop(&h);

        assert_ptr_equal(n, &it[expect[i]].node);
        assert_false(n->queued);
    }
    assert_true(hv_sched_heap_is_empty(&h));
}

static struct item *ref_min(struct item *it, size_t n)
{
    struct item *best = NULL;
    size_t i;

    for (i = 0; i < n; i++)
        if (it[i].in && (!best || it[i].key < best->key ||
                         (it[i].key == best->key && it[i].order < best->order)))
            best = &it[i];
    return best;
}

static void test_random_against_reference(void **state)
{
    static struct item it[N];
    struct hv_sched_heap h;
    uint64_t rng = 0x1234567;
    uint64_t order = 0;
    size_t in = 0;
    int step;

    (void)state;
    memset(it, 0, sizeof(it));
    hv_sched_heap_init(&h);
    for (step = 0; step < 60000; step++) {
        size_t i = test_rand(&rng) % N;
        unsigned op = test_rand(&rng) % 4;
        struct item *m;

        if (!it[i].in) {
            it[i].key = (int64_t)(test_rand(&rng) % 500) - 250;
            it[i].order = order++;
            it[i].in = true;
            hv_sched_heap_insert(&h, &it[i].node, it[i].key);
            in++;
        } else if (op == 0) {
            hv_sched_heap_remove(&h, &it[i].node);
            it[i].in = false;
            in--;
        } else if (op == 1) {
            struct hv_sched_heap_node *n = hv_sched_heap_pop(&h);

            m = ref_min(it, N);
            assert_non_null(m);
            assert_ptr_equal(n, &m->node);
            m->in = false;
            in--;
        }
        assert_int_equal(h.count, in);
        m = ref_min(it, N);
        if (m)
            assert_ptr_equal(hv_sched_heap_min(&h), &m->node);
        else
            assert_null(hv_sched_heap_min(&h));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_order_and_ties),
        cmocka_unit_test(test_random_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
