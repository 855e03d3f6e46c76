/*
 * Embedding one policy from outside the tree: built by the 'install'
 * suite against an installed libhv with only
 *     cc embed_bvt.c $(pkg-config --cflags --libs hv-sched-bvt)
 * A CPU hog and an interactive task (1 ms of work every 20 ms) share a
 * CPU under BVT for 2 s, with and without warp; the program prints the
 * interactive task's worst wake-to-run latency in each case.
 * Exit status 0 when warp gives a lower latency than no warp.
 */
#include <stdio.h>
#include <string.h>

#include <hv/sched_bvt.h>

static hv_time_t worst_latency(bool warp)
{
    struct hv_sched s;
    struct hv_sched_entity hog, ia;
    struct hv_sched_bvt_entity_params p = {10, warp, 1000, HV_MSEC(2),
                                           HV_MSEC(10)};
    struct hv_sched_decision d;
    struct hv_sched_stats st;
    hv_time_t now = 0, until, ia_left = 0, ia_wake = HV_MSEC(1);

    memset(&hog, 0, sizeof(hog));
    memset(&ia, 0, sizeof(ia));
    hv_sched_create(&s, &hv_sched_policy_bvt, NULL, 0, 0);
    hv_sched_add(&s, &hog, 1, NULL, 0, 0);
    hv_sched_add(&s, &ia, 2, &p, sizeof(p), 0);
    hv_sched_wake(&s, &hog, 0);
    hv_sched_pick(&s, 0, &d);
    until = d.run_for;
    while (now < HV_SEC(2)) {
        hv_time_t next = until;
        bool repick = false;

        if (d.entity == &ia && now + ia_left < next)
            next = now + ia_left;
        if (hv_sched_entity_state(&ia) == HV_SCHED_BLOCKED && ia_wake < next)
            next = ia_wake;
        if (d.entity == &ia)
            ia_left -= next - now;
        now = next;
        if (d.entity == &ia && ia_left == 0) {
            hv_sched_block(&s, &ia, now);
            ia_wake = now + HV_MSEC(19);
            repick = true;
        }
        if (hv_sched_entity_state(&ia) == HV_SCHED_BLOCKED && now >= ia_wake) {
            ia_left = HV_MSEC(1);
            repick |= hv_sched_wake(&s, &ia, now) == 1;
        }
        if (repick || now >= until) {
            hv_sched_pick(&s, now, &d);
            until = now + d.run_for;
        }
    }
    hv_sched_get_stats(&s, &ia, &st);
    return st.latency_max;
}

int main(void)
{
    hv_time_t with = worst_latency(true);
    hv_time_t without = worst_latency(false);

    printf("BVT, interactive task beside a CPU hog, 2 s:\n");
    printf("  worst wake-to-run latency with warp:    %lld ns\n",
           (long long)with);
    printf("  worst wake-to-run latency without warp: %lld ns\n",
           (long long)without);
    return with < without ? 0 : 1;
}
