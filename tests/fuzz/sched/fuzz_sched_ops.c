/*
 * libFuzzer target: an attacker-chosen sequence of operations, with
 * attacker-chosen parameters, on one instance of rr, bvt or sedf.
 *
 * Input: byte 0 picks the policy; then records of 12 bytes: op, entity,
 * a 16-bit time step, and 8 bytes that become parameters. Parameters are
 * raw values (any sign, any size): the library must refuse the bad ones
 * with an error and accept the good ones. After every call the framework's
 * invariants must hold, or the target traps:
 *  - results are 0/1 or negative hv_err codes; the model's states match;
 *  - pick returns a runnable entity of the instance, and run_for > 0;
 *  - cpu_time of every entity ever attached + idle time = elapsed time.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <hv/sched_bvt.h>
#include <hv/sched_rr.h>
#include <hv/sched_sedf.h>

#define N 8

#define REQUIRE(c)            \
    do {                      \
        if (!(c))             \
            __builtin_trap(); \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t get64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return (int64_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct hv_sched_policy *const pols[3] = {
        &hv_sched_policy_rr, &hv_sched_policy_bvt, &hv_sched_policy_sedf};
    const struct hv_sched_policy *pol;
    struct hv_sched s;
    struct hv_sched_entity e[N];
    hv_time_t removed = 0, now = 0;
    size_t off;
    int i;

    if (size < 1)
        return 0;
    pol = pols[data[0] % 3];
    memset(e, 0, sizeof(e));
    REQUIRE(hv_sched_create(&s, pol, NULL, 0, 0) == HV_OK);

    for (off = 1; off + 12 <= size; off += 12) {
        const uint8_t *r = data + off;
        struct hv_sched_entity *x = &e[r[1] % N];
        int64_t raw = get64(r + 4);
        struct hv_sched_decision d;
        struct hv_sched_bvt_entity_params bp;
        struct hv_sched_sedf_entity_params sp;
        const void *params = NULL;
        size_t psize = 0;
        enum hv_sched_state before = hv_sched_entity_state(x);
        int rc;

        now += (hv_time_t)(r[2] | r[3] << 8) * (r[0] & 0x80 ? 1000 : 1);
        if (pol == &hv_sched_policy_bvt) {
            bp.mcu_advance = (uint32_t)raw;
            bp.warp = raw & 1;
            bp.warp_value = raw >> 8;
            bp.warpl = (raw >> 16) * 1000;
            bp.warpu = (raw >> 24) * 1000;
            params = &bp;
            psize = sizeof(bp);
        } else if (pol == &hv_sched_policy_sedf) {
            sp.period = (raw & 0xffffff) * 100;
            sp.slice = ((raw >> 24) & 0xffffff) * 10;
            sp.latency = (raw >> 48 & 1) ? sp.period / 2 : 0;
            sp.extra = raw >> 49 & 1;
            sp.weight = (uint32_t)(raw >> 50 & 0x7ff);
            params = &sp;
            psize = sizeof(sp);
        }

        switch (r[0] & 7) {
        case 0:
            if (before == HV_SCHED_DETACHED) {
                rc = hv_sched_add(&s, x, r[1], params, psize, now);
                REQUIRE(rc == HV_OK || rc == HV_EINVAL || rc == HV_ENOSPC);
                REQUIRE(hv_sched_entity_state(x) ==
                        (rc ? HV_SCHED_DETACHED : HV_SCHED_BLOCKED));
            } else {
                struct hv_sched_stats st;

                /* Its final figures include the last interval it ran. */
                REQUIRE(hv_sched_remove(&s, x, now) == HV_OK);
                REQUIRE(hv_sched_get_stats(NULL, x, &st) == HV_OK);
                removed += st.cpu_time;
            }
            break;
        case 1:
        case 2:
            rc = hv_sched_wake(&s, x, now);
            REQUIRE(before == HV_SCHED_BLOCKED    ? (rc == 0 || rc == 1)
                    : before == HV_SCHED_DETACHED ? rc == HV_ENOENT
                                                  : rc == HV_EBUSY);
            break;
        case 3:
            rc = hv_sched_block(&s, x, now);
            REQUIRE(before == HV_SCHED_DETACHED  ? rc == HV_ENOENT
                    : before == HV_SCHED_BLOCKED ? rc == HV_EBUSY
                                                 : rc == HV_OK);
            break;
        case 4:
            rc = hv_sched_yield(&s, x, now);
            REQUIRE(before == HV_SCHED_RUNNING    ? rc == HV_OK
                    : before == HV_SCHED_DETACHED ? rc == HV_ENOENT
                                                  : rc == HV_EBUSY);
            break;
        case 5:
            rc = hv_sched_adjust(&s, x, params, psize, now);
            REQUIRE(rc == HV_OK || rc == HV_EINVAL || rc == HV_ENOSPC ||
                    rc == HV_ENOENT || rc == HV_EOPNOTSUPP);
            break;
        default:
            REQUIRE(hv_sched_pick(&s, now, &d) == HV_OK);
            REQUIRE(d.run_for > 0);
            if (d.entity) {
                REQUIRE(d.entity >= e && d.entity < e + N);
                REQUIRE(hv_sched_entity_state(d.entity) == HV_SCHED_RUNNING);
            }
            REQUIRE(hv_sched_current(&s) == d.entity);
            break;
        }
        {
            hv_time_t sum = removed;
            size_t runnable = 0;

            for (i = 0; i < N; i++) {
                struct hv_sched_stats st;
                enum hv_sched_state stt = hv_sched_entity_state(&e[i]);

                if (stt == HV_SCHED_DETACHED)
                    continue;
                REQUIRE(hv_sched_get_stats(&s, &e[i], &st) == HV_OK);
                sum += st.cpu_time;
                if (stt == HV_SCHED_RUNNABLE || stt == HV_SCHED_RUNNING)
                    runnable++;
                REQUIRE(stt != HV_SCHED_RUNNING ||
                        hv_sched_current(&s) == &e[i]);
            }
            REQUIRE(runnable == hv_sched_runnable_count(&s));
            REQUIRE(sum + hv_sched_idle_time(&s) == hv_sched_now(&s));
        }
    }
    {
        char buf[256];

        REQUIRE(hv_sched_dump(&s, buf, sizeof(buf)) > 0);
    }
    for (i = 0; i < N; i++)
        if (hv_sched_entity_state(&e[i]) != HV_SCHED_DETACHED)
            REQUIRE(hv_sched_remove(&s, &e[i], now) == HV_OK);
    REQUIRE(hv_sched_destroy(&s) == HV_OK);
    return 0;
}
