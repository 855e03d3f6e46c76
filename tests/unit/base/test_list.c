/* Intrusive lists: order after every kind of insertion and removal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <hv/list.h>

struct item {
    int value;
    struct hv_list node;
};

/* Check the list holds exactly `expected` front to back, and back to front. */
static void expect_order(struct hv_list *head, const int *expected, size_t n)
{
    struct item *it;
    struct hv_list *pos;
    size_t i = 0;

    hv_list_for_each_entry (it, head, node) {
        assert_true(i < n);
        assert_int_equal(it->value, expected[i]);
        i++;
    }
    assert_int_equal(i, n);
    assert_int_equal(hv_list_count(head), n);

    i = n;
    for (pos = head->prev; pos != head; pos = pos->prev) {
        assert_true(i > 0);
        i--;
        assert_int_equal(hv_list_entry(pos, struct item, node)->value,
                         expected[i]);
    }
    assert_int_equal(i, 0);
}

static void test_empty(void **state)
{
    struct hv_list head = HV_LIST_INIT(head);

    (void)state;
    assert_true(hv_list_is_empty(&head));
    assert_null(hv_list_first(&head));
    assert_null(hv_list_last(&head));
    assert_null(hv_list_pop_front(&head));
    assert_int_equal(hv_list_count(&head), 0);
}

static void test_push_and_iterate(void **state)
{
    struct hv_list head;
    struct item items[5];
    const int order[] = {3, 2, 1, 4, 5};

    (void)state;
    hv_list_init(&head);
    for (int i = 0; i < 5; i++) {
        items[i].value = i + 1;
        hv_list_init(&items[i].node);
    }
    hv_list_push_back(&head, &items[3].node);  /* 4 */
    hv_list_push_back(&head, &items[4].node);  /* 4 5 */
    hv_list_push_front(&head, &items[0].node); /* 1 4 5 */
    hv_list_push_front(&head, &items[1].node); /* 2 1 4 5 */
    hv_list_push_front(&head, &items[2].node); /* 3 2 1 4 5 */
    expect_order(&head, order, 5);
    assert_ptr_equal(hv_list_first(&head), &items[2].node);
    assert_ptr_equal(hv_list_last(&head), &items[4].node);
}

static void test_insert_relative(void **state)
{
    struct hv_list head;
    struct item a = {1, {0}}, b = {2, {0}}, c = {3, {0}}, d = {4, {0}};
    const int order[] = {1, 2, 3, 4};

    (void)state;
    hv_list_init(&head);
    hv_list_push_back(&head, &a.node);
    hv_list_push_back(&head, &d.node);
    hv_list_insert_after(&a.node, &b.node);
    hv_list_insert_before(&d.node, &c.node);
    expect_order(&head, order, 4);
}

static void test_remove(void **state)
{
    struct hv_list head;
    struct item items[4];
    const int after_middle[] = {0, 2, 3};
    const int after_ends[] = {2};

    (void)state;
    hv_list_init(&head);
    for (int i = 0; i < 4; i++) {
        items[i].value = i;
        hv_list_push_back(&head, &items[i].node);
        assert_true(hv_list_is_linked(&items[i].node));
    }
    hv_list_remove(&items[1].node);
    assert_false(hv_list_is_linked(&items[1].node));
    expect_order(&head, after_middle, 3);

    /* Removing an already removed node changes nothing. */
    hv_list_remove(&items[1].node);
    expect_order(&head, after_middle, 3);

    hv_list_remove(&items[0].node);
    hv_list_remove(&items[3].node);
    expect_order(&head, after_ends, 1);

    assert_ptr_equal(hv_list_pop_front(&head), &items[2].node);
    assert_true(hv_list_is_empty(&head));
    assert_false(hv_list_is_linked(&items[2].node));
}

static void test_safe_iteration_removes(void **state)
{
    struct hv_list head;
    struct item items[6];
    struct item *it, *tmp;
    struct hv_list *pos, *next;
    const int odd[] = {1, 3, 5};

    (void)state;
    hv_list_init(&head);
    for (int i = 0; i < 6; i++) {
        items[i].value = i;
        hv_list_push_back(&head, &items[i].node);
    }
    hv_list_for_each_entry_safe (it, tmp, &head, node) {
        if (it->value % 2 == 0)
            hv_list_remove(&it->node);
    }
    expect_order(&head, odd, 3);

    hv_list_for_each_safe (pos, next, &head) {
        hv_list_remove(pos);
    }
    assert_true(hv_list_is_empty(&head));
}

static void test_splice(void **state)
{
    struct hv_list to, from;
    struct item items[5];
    const int all[] = {0, 1, 2, 3, 4};
    const int two[] = {0, 1};

    (void)state;
    hv_list_init(&to);
    hv_list_init(&from);
    for (int i = 0; i < 5; i++)
        items[i].value = i;
    hv_list_push_back(&to, &items[0].node);
    hv_list_push_back(&to, &items[1].node);

    hv_list_splice_back(&to, &from); /* empty source: no change */
    expect_order(&to, two, 2);

    for (int i = 2; i < 5; i++)
        hv_list_push_back(&from, &items[i].node);
    hv_list_splice_back(&to, &from);
    expect_order(&to, all, 5);
    assert_true(hv_list_is_empty(&from));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_push_and_iterate),
        cmocka_unit_test(test_insert_relative),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_safe_iteration_removes),
        cmocka_unit_test(test_splice),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
