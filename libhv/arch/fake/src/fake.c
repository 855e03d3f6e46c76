/*
 * The fake arch port: the core on the host, single-threaded.
 *
 * Nothing here touches hardware. Time is a variable the test sets; the
 * one-shot timer is a recorded deadline the test may "fire" by calling
 * hv_timer_interrupt() itself; the console is a buffer. Context switches
 * are recorded, not performed: the host thread simply continues, so tests
 * check the core's decisions (which vCPU is current, what the scheduler
 * was told) rather than running vCPU code.
 */
#include <hv/arch_fake.h>
#include <stdlib.h>

struct arch_fake_state arch_fake = {.poweroff_status = -1};
void (*arch_fake_stop_hook)(int status);

void arch_fake_reset(void)
{
    hv_memset(&arch_fake, 0, sizeof(arch_fake));
    arch_fake.poweroff_status = -1;
    arch_fake.timer = HV_TIME_MAX;
}

hv_time_t arch_time_now(void)
{
    return arch_fake.now;
}

void arch_timer_set(hv_time_t deadline)
{
    arch_fake.timer = deadline;
}

void arch_console_write(const char *s, size_t n)
{
    size_t room = sizeof(arch_fake.console) - 1 - arch_fake.console_len;

    if (n > room)
        n = room;
    hv_memcpy(arch_fake.console + arch_fake.console_len, s, n);
    arch_fake.console_len += n;
    arch_fake.console[arch_fake.console_len] = '\0';
}

unsigned long arch_irq_save(void)
{
    unsigned long old = arch_fake.irq_disabled;

    arch_fake.irq_disabled = 1;
    return old;
}

void arch_irq_restore(unsigned long flags)
{
    arch_fake.irq_disabled = flags;
}

void arch_irq_enable(void)
{
    arch_fake.irq_disabled = 0;
}

void arch_irq_disable(void)
{
    arch_fake.irq_disabled = 1;
}

void arch_wait_for_interrupt(void)
{
    /* Nothing can interrupt a fake CPU; the test drives time instead. */
}

void arch_vcpu_init_thread(struct arch_vcpu *a, void *stack, size_t size,
                           void (*entry)(void *), void *arg)
{
    a->entry = entry;
    a->arg = arg;
    a->stack = stack;
    a->stack_size = size;
    a->switched_in = 0;
}

void arch_context_switch(struct arch_vcpu *prev, struct arch_vcpu *next)
{
    arch_fake.switches++;
    arch_fake.last_prev = prev;
    arch_fake.last_next = next;
    next->switched_in++;
}

int arch_console_getc(void)
{
    if (arch_fake.input == NULL || *arch_fake.input == '\0')
        return -1;
    return (unsigned char)*arch_fake.input++;
}

void arch_backtrace(void)
{
    arch_console_write("(fake backtrace)\n", 17);
}

bool arch_virt_to_phys(uintptr_t va, uint64_t *pa)
{
    if (va < arch_fake.mapped_lo || va >= arch_fake.mapped_hi)
        return false;
    *pa = (uint64_t)va;
    return true;
}

void arch_dump_state(void)
{
    arch_fake.dump_count++;
    arch_console_write("(fake registers)\n", 17);
}

static HV_NORETURN void stop(int status)
{
    arch_fake.poweroff_status = status;
    if (arch_fake_stop_hook != NULL)
        arch_fake_stop_hook(status);
    abort();
}

HV_NORETURN void arch_poweroff(int status)
{
    stop(status);
}

HV_NORETURN void arch_halt(void)
{
    stop(-2);
}

HV_NORETURN void arch_reboot(void)
{
    stop(ARCH_FAKE_REBOOT);
}
