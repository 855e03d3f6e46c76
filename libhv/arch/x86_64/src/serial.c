/*
 * The hypervisor console on the first 16550 UART (COM1, I/O port 0x3f8),
 * 115200 baud, 8 data bits, no parity, 1 stop bit, polled.
 *
 * Polled output needs no interrupt and works from any context, including
 * an exception handler that runs while the rest of the machine is broken;
 * that is what a hypervisor console is for. A line feed goes out as CR LF
 * so a terminal shows lines. The wait for the transmitter is bounded, so
 * a machine without a UART at 0x3f8 (LSR reads 0xff) never hangs here.
 *
 * Input is polled too (arch_console_getc): the core's debugger asks for a
 * byte from its idle loop or its prompt. An absent UART reads as 0xff in
 * every register, which would look like an endless stream of 0xff bytes;
 * the init probes the scratch register to tell, and input is then off.
 */
#include "x86.h"

#define COM1     0x3f8
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define LSR_DR   0x01 /* a received byte is waiting */
#define LSR_THRE 0x20

static bool uart_present;

void x86_serial_init(void)
{
    outb(COM1 + UART_SCR, 0x5a);
    uart_present = inb(COM1 + UART_SCR) == 0x5a;
    outb(COM1 + UART_IER, 0x00); /* no interrupts */
    outb(COM1 + UART_LCR, 0x80); /* DLAB: divisor follows */
    outb(COM1 + UART_DLL, 1);    /* 115200 / 1 */
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
    outb(COM1 + UART_FCR, 0xc7); /* FIFOs on, cleared, 14-byte */
    outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
    for (unsigned int spin = 0; spin < 100000; spin++) {
        if (inb(COM1 + UART_LSR) & LSR_THRE)
            break;
    }
    outb(COM1 + UART_THR, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int arch_console_getc(void)
{
    if (!uart_present || !(inb(COM1 + UART_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + UART_THR); /* the receive buffer, same offset */
}

void x86_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    arch_console_write(buf, HV_MIN((size_t)n, sizeof(buf) - 1));
}
