/*
 * The hypervisor console on an ARM PL011 UART, polled, at the address the
 * device tree gives (/chosen/stdout-path, or the first "arm,pl011").
 *
 * Firmware (or QEMU) has already set the line up (QEMU's model ignores
 * the baud rate); the port only makes sure the UART, its transmitter and
 * receiver are enabled. Output waits, boundedly, while the transmit FIFO
 * is full (FR.TXFF), so a wedged UART slows the console down but never
 * hangs it; a line feed goes out as CR LF. Input (arch_console_getc) reads
 * one byte when the receive FIFO is not empty (FR.RXFE clear). Until
 * a64_uart_init() has run (no UART known yet) output is dropped.
 */
#include "a64.h"

#define UART_DR   0x00
#define UART_FR   0x18
#define UART_CR   0x30
#define UART_IMSC 0x38
#define FR_RXFE   (1u << 4)
#define FR_TXFF   (1u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE    (1u << 8)
#define CR_RXE    (1u << 9)

static uint64_t uart;

void a64_uart_init(uint64_t base)
{
    uart = base;
    if (uart == 0)
        return;
    mmio_write32(uart + UART_IMSC, 0); /* no interrupts: polled */
    mmio_write32(uart + UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
}

static void uart_putc(char c)
{
    for (unsigned int spin = 0; spin < 100000; spin++) {
        if (!(mmio_read32(uart + UART_FR) & FR_TXFF))
            break;
    }
    mmio_write32(uart + UART_DR, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
    if (uart == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart_putc('\r');
        uart_putc(s[i]);
    }
}

int arch_console_getc(void)
{
    if (uart == 0 || (mmio_read32(uart + UART_FR) & FR_RXFE))
        return -1;
    return (int)(mmio_read32(uart + UART_DR) & 0xff);
}

void a64_printf(const char *fmt, ...)
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
