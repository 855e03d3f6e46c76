/*
 * An outside program using libhv through its installed headers and
 * pkg-config (or as a Meson subproject). It checks a few results itself and
 * exits non-zero if anything is off, so the install test can rely on it.
 */
#include <hv/base.h>
#include <stdio.h>

int main(void)
{
    char buf[64];
    HV_BITMAP_DECLARE(map, 100) = {0};
    int n;

    n = hv_snprintf(buf, sizeof(buf), "libhv %d.%d.%d", HV_VERSION_MAJOR,
                    HV_VERSION_MINOR, HV_VERSION_PATCH);
    hv_bitmap_set_range(map, 60, 10);
    if (n <= 0 || hv_bitmap_weight(map, 100) != 10 ||
        hv_bitmap_find_first_set(map, 100) != 60 ||
        hv_strcmp(hv_strerror(HV_EINVAL), "EINVAL: invalid argument") != 0) {
        printf("consumer: FAIL\n");
        return 1;
    }
    printf("consumer: %s ok\n", buf);
    return 0;
}
