/*
 * <hv/debugger.h>: the serial debugger shell (as in the Xen ARM port).
 *
 * Enabled by an image (hv_debugger_enable); then pressing Ctrl-A on the
 * serial line, or booting with `debug`, stops the domains and opens a
 * prompt. Commands:
 *   help  ver  doms  vcpus  sched  regs  bt  mem  log [N]
 *   hexdump SIZE@ADDR   v2p ADDR   evtchn DOMID
 *   pause DOMID   resume DOMID   continue   reset
 * Numbers are decimal or 0x-prefixed hex; ADDR is hex with or without 0x.
 * A bad command or argument prints the usage line; memory is read only
 * where the page tables map it. While the prompt is open, interrupts are
 * off and no domain runs; the time spent is charged to the vCPU that was
 * running when the debugger was entered.
 */
#ifndef HV_DEBUGGER_H
#define HV_DEBUGGER_H

#include <hv/base.h>

HV_EXTERN_C_BEGIN

/* The key that opens the debugger: Ctrl-A. */
#define HV_DEBUGGER_KEY 0x01

/* How often the serial line is polled for the key. */
#define HV_DEBUGGER_POLL HV_MSEC(50)

/* Let the debugger be entered (polls the serial line for the key). */
void hv_debugger_enable(void);

/* Open the prompt now; returns after `continue`. Irqs off. */
void hv_debugger_enter(void);

/*
 * hv_debugger_command() - run one command line, as typed at the prompt.
 * Return: false for `continue`, true otherwise.
 */
bool hv_debugger_command(const char *line);

HV_EXTERN_C_END

#endif /* HV_DEBUGGER_H */
