/*
 * Spinlocks: ticket locks built on the compiler's atomic builtins.
 *
 * A ticket lock hands the lock out in arrival order, so no CPU starves
 * under contention (Xen moved to ticket locks for this reason). `next` is
 * the ticket the next arrival takes; `owner` is the ticket now served.
 * Both are 16-bit halves of one 32-bit word so the lock is small enough to
 * embed in every domain, vCPU and table.
 *
 * This is the whole interface subsystem libraries use. They take locks
 * only around their own state and never with interrupts in mind: the core
 * disables interrupts around calls that need it (see docs/ARCHITECTURE.md).
 * On the host, the same lock works between POSIX threads. A ticket lock
 * suffers when there are more threads than CPUs: the thread whose turn it
 * is may be descheduled while the others spin. So a waiter that has spun
 * HV_SPIN_BACKOFF_SPINS times calls hv_spin_backoff(), which yields the
 * CPU to the OS in hosted builds and is a plain pause on bare metal, where
 * every CPU runs one thing and nothing can be descheduled under a lock.
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

struct hv_spinlock {
    uint16_t owner; /* ticket now holding the lock */
    uint16_t next;  /* ticket the next locker takes */
};

#define HV_SPINLOCK_INIT \
    {                    \
        0, 0             \
    }

/* Tell the CPU we are spinning (saves power, helps the sibling thread). */
static inline void hv_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

#define HV_SPIN_BACKOFF_SPINS 1024u

/* Called by a waiter after HV_SPIN_BACKOFF_SPINS spins (spinlock.c). */
void hv_spin_backoff(void);

static inline void hv_spin_init(struct hv_spinlock *lock)
{
    __atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&lock->next, 0, __ATOMIC_RELAXED);
}

static inline void hv_spin_lock(struct hv_spinlock *lock)
{
    uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);
    unsigned int spins = 0;

    while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket) {
        if (++spins % HV_SPIN_BACKOFF_SPINS == 0)
            hv_spin_backoff();
        else
            hv_cpu_relax();
    }
}

/* Take the lock only if nobody holds or waits for it. Return: taken. */
static inline bool hv_spin_trylock(struct hv_spinlock *lock)
{
    /* Acquire pairs with the release in the last hv_spin_unlock(). */
    uint16_t owner = __atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE);
    uint16_t expect = owner;

    /* Free means next == owner: claim ticket `owner` by bumping next. */
    return __atomic_compare_exchange_n(&lock->next, &expect,
                                       (uint16_t)(owner + 1), false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void hv_spin_unlock(struct hv_spinlock *lock)
{
    uint16_t owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);

    __atomic_store_n(&lock->owner, (uint16_t)(owner + 1), __ATOMIC_RELEASE);
}

/*
 * Take two locks at once, lower address first, so that two CPUs taking
 * the same pair in either order cannot deadlock. Either may be NULL, and
 * both may be the same lock (it is then taken once).
 */
static inline void hv_spin_lock_two(struct hv_spinlock *a,
                                    struct hv_spinlock *b)
{
    if (a == b || b == NULL) {
        hv_spin_lock(a);
    } else if (a == NULL) {
        hv_spin_lock(b);
    } else if ((uintptr_t)a < (uintptr_t)b) {
        hv_spin_lock(a);
        hv_spin_lock(b);
    } else {
        hv_spin_lock(b);
        hv_spin_lock(a);
    }
}

/* Release what hv_spin_lock_two(a, b) took. */
static inline void hv_spin_unlock_two(struct hv_spinlock *a,
                                      struct hv_spinlock *b)
{
    if (a != NULL)
        hv_spin_unlock(a);
    if (b != NULL && b != a)
        hv_spin_unlock(b);
}

/* True while some CPU holds the lock (a hint for checks, racy by nature). */
static inline bool hv_spin_is_locked(const struct hv_spinlock *lock)
{
    return __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) !=
           __atomic_load_n(&lock->next, __ATOMIC_RELAXED);
}

HV_EXTERN_C_END

#endif /* HV_SPINLOCK_H */
