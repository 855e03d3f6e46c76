/*
 * <hv/arch.h>: what an architecture port provides to the libhv core, and
 * the few core entry points a port calls.
 *
 * A port lives in libhv/arch/<name>/ and provides:
 *  - <hv/arch_types.h>: struct arch_vcpu (the saved context of a vCPU,
 *    embedded in struct hv_vcpu) and HV_ARCH_NAME;
 *  - the functions declared below, in its own static library.
 * The core includes only this header and <hv/arch_types.h>; the include
 * path of the image decides which port answers. libhv/arch/fake is the
 * port that runs the core on the host for unit tests.
 *
 * Boot: the port's entry code sets up what it must (stack, MMU, exception
 * vectors, console, clock and timer), fills a struct hv_boot_info and calls
 * hv_main(), which never returns.
 *
 * Context: everything here runs in the hypervisor on the current physical
 * CPU. Functions marked "irqs off" must be called with interrupts disabled.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <hv/arch_types.h>
#include <hv/base.h>

HV_EXTERN_C_BEGIN

/* ---- what the port hands the core at boot ---- */

enum hv_mem_type {
    HV_MEM_RAM = 1,      /* usable RAM */
    HV_MEM_RESERVED = 2, /* never hand out */
};

struct hv_mem_range {
    uint64_t base; /* physical address, bytes */
    uint64_t size; /* bytes */
    uint32_t type; /* enum hv_mem_type */
};

struct hv_boot_module {
    uint64_t base; /* physical address of the module's first byte */
    uint64_t size; /* bytes */
    const char *cmdline;
};

#define HV_BOOT_MAX_RANGES  64
#define HV_BOOT_MAX_MODULES 8

struct hv_boot_info {
    const char *loader;  /* "multiboot1", "multiboot2", "fdt", "host" */
    const char *cmdline; /* the hypervisor's command line, never NULL */
    struct hv_mem_range ranges[HV_BOOT_MAX_RANGES];
    unsigned int range_count;
    struct hv_boot_module modules[HV_BOOT_MAX_MODULES];
    unsigned int module_count;
    /* Physical range the image itself occupies (never handed out). */
    uint64_t image_start;
    uint64_t image_end;
    /* Virtual address of physical address 0 in the hypervisor's map, so
     * that a physical address pa is reachable at directmap + pa. */
    uintptr_t directmap;
};

/* The core's entry point: called once by the port on the boot CPU. */
HV_NORETURN void hv_main(const struct hv_boot_info *bi);

/* Called by the port's timer interrupt handler (irqs off). */
void hv_timer_interrupt(void);

/*
 * hv_fault_contain() - an exception the port cannot handle happened on the
 * current CPU (the port has printed the trap state). If the code that
 * faulted is a vCPU of a domain, the core halts that vCPU with a clear
 * line on the console and switches to another: the call does not return,
 * and the hypervisor and the other domains run on. It returns when the
 * fault cannot be contained (the idle vCPU, boot code, a fault inside the
 * scheduler); the port then panics. Irqs off, on the faulting stack.
 */
void hv_fault_contain(const char *what);

/*
 * Stop the hypervisor with a message: prints it, arch_dump_state(), the
 * console's last lines, then arch_halt(). Ports call it for exceptions
 * they cannot handle, after printing the trap frame.
 */
HV_NORETURN void hv_panic(const char *fmt, ...) HV_PRINTF(1, 2);

/* ---- what the port provides ---- */

/* Nanoseconds since boot, monotonic, from the CPU's counter. */
hv_time_t arch_time_now(void);

/*
 * Program the one-shot timer to interrupt at `deadline` (absolute, in
 * arch_time_now() time); a deadline in the past fires as soon as possible;
 * HV_TIME_MAX cancels. Replaces any earlier setting. Irqs off.
 */
void arch_timer_set(hv_time_t deadline);

/* Write raw bytes to the hypervisor console (serial line). Any context. */
void arch_console_write(const char *s, size_t n);

/* One byte of console input, or -1 if none is waiting. Never blocks. */
int arch_console_getc(void);

/* Interrupt state of the current CPU. */
unsigned long arch_irq_save(void); /* disable, return the old state */
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);

/*
 * Enable interrupts and wait for one, atomically (no wake-up lost between
 * the two); returns with interrupts disabled again after the handler ran.
 */
void arch_wait_for_interrupt(void);

/*
 * Prepare `a` to run `entry(arg)` on the stack [stack, stack + size) when
 * first switched to, with interrupts enabled. `entry` must not return.
 */
void arch_vcpu_init_thread(struct arch_vcpu *a, void *stack, size_t size,
                           void (*entry)(void *), void *arg);

/*
 * Save the current CPU state into `prev` and continue in `next`; returns
 * when something switches back to `prev`. Irqs off; they stay off across
 * the switch (a thread's first run enables them in its trampoline).
 */
void arch_context_switch(struct arch_vcpu *prev, struct arch_vcpu *next);

/* Print the registers and a backtrace of the current CPU to the console. */
void arch_dump_state(void);

/* Print a backtrace of the caller (frame pointers) to the console. */
void arch_backtrace(void);

/*
 * Translate a hypervisor virtual address through the current page tables.
 * Return: true and *pa when `va` is mapped (readable); false otherwise.
 * Never faults, whatever `va` is.
 */
bool arch_virt_to_phys(uintptr_t va, uint64_t *pa);

/* Reset the machine (the debugger's `reset`). */
HV_NORETURN void arch_reboot(void);

/* Stop the machine: status 0 means success (QEMU exits with it). */
HV_NORETURN void arch_poweroff(int status);

/* Stop this CPU for good, interrupts off (after a panic). */
HV_NORETURN void arch_halt(void);

HV_EXTERN_C_END

#endif /* HV_ARCH_H */
