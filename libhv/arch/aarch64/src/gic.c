/*
 * The GIC: only what the hypervisor needs today, one CPU taking the EL2
 * physical timer's PPI. The version is what the device tree says
 * (a64_platform.gic_version): QEMU virt has a GICv2 by default and a
 * GICv3 with `-M virt,gic-version=3`.
 *
 * GICv2: memory-mapped distributor (GICD) and CPU interface (GICC). With
 * no security extensions visible (QEMU virt, secure=off) every interrupt
 * stays in group 0, which the CPU interface signals as IRQ (FIQEn clear).
 * Init: distributor off, every interrupt disabled, PPIs/SGIs of this CPU
 * too, then distributor and CPU interface on (both groups), priority mask
 * 0xf0. Acknowledge by reading GICC_IAR, end by writing GICC_EOIR.
 *
 * GICv3: distributor with affinity routing (ARE), this CPU's
 * redistributor (found by walking the region's 128 KiB frames until
 * GICR_TYPER's affinity matches MPIDR_EL1, bounded by the region's size
 * and the Last bit), and the CPU interface through system registers
 * (ICC_SRE_EL2.SRE turns that on). PPIs live in the redistributor's SGI
 * frame and are put in group 1 (signalled as IRQ). Acknowledge with
 * ICC_IAR1_EL1, end with ICC_EOIR1_EL1 (EOImode 0: priority drop and
 * deactivation at once).
 *
 * An INTID of 1020-1023 from the acknowledge is spurious: nothing to end.
 */
#include "a64.h"

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IGROUPR    0x080
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_IPRIORITYR 0x400
#define GICD_CTLR_RWP   (1u << 31)

#define GICC_CTLR 0x00
#define GICC_PMR  0x04
#define GICC_IAR  0x0c
#define GICC_EOIR 0x10

#define GICR_WAKER       0x014
#define GICR_TYPER       0x008
#define GICR_FRAME       0x20000
#define GICR_SGI         0x10000
#define GICR_IGROUPR0    (GICR_SGI + 0x080)
#define GICR_ISENABLER0  (GICR_SGI + 0x100)
#define GICR_ICENABLER0  (GICR_SGI + 0x180)
#define GICR_IPRIORITYR0 (GICR_SGI + 0x400)

#define IRQ_PRIORITY 0xa0u

static unsigned int version;
static uint64_t gicd, gicc, gicr_cpu;

static void gicd_wait_rwp(void)
{
    for (unsigned int i = 0; i < 1000000; i++) {
        if (!(mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_RWP))
            return;
    }
}

static int gicv2_init(void)
{
    uint32_t lines = ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1) * 32;

    mmio_write32(gicd + GICD_CTLR, 0);
    for (uint32_t i = 0; i < lines; i += 32) {
        mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
        mmio_write32(gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
    }
    mmio_write32(gicd + GICD_CTLR, 3);
    mmio_write32(gicc + GICC_PMR, 0xf0);
    mmio_write32(gicc + GICC_CTLR, 3);
    return HV_OK;
}

static int gicv3_init(const struct a64_platform *p)
{
    uint64_t mpidr = read_sysreg(mpidr_el1);
    uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;

    mmio_write32(gicd + GICD_CTLR, 0);
    gicd_wait_rwp();
    mmio_write32(gicd + GICD_CTLR, 1u << 4); /* ARE */
    gicd_wait_rwp();
    mmio_write32(gicd + GICD_CTLR, 1u << 4 | 3); /* ARE, Grp0, Grp1 */
    gicd_wait_rwp();

    gicr_cpu = 0;
    for (uint64_t off = 0; off + GICR_FRAME <= p->gicr_size;
         off += GICR_FRAME) {
        uint64_t typer = mmio_read64(p->gicr + off + GICR_TYPER);
        if ((typer >> 32) == aff) {
            gicr_cpu = p->gicr + off;
            break;
        }
        if (typer & (1u << 4)) /* Last */
            break;
    }
    if (gicr_cpu == 0)
        return HV_ENODEV;
    /* Wake the redistributor: clear ProcessorSleep, wait ChildrenAsleep. */
    mmio_write32(gicr_cpu + GICR_WAKER,
                 mmio_read32(gicr_cpu + GICR_WAKER) & ~2u);
    for (unsigned int i = 0; i < 1000000; i++) {
        if (!(mmio_read32(gicr_cpu + GICR_WAKER) & 4u))
            break;
    }
    mmio_write32(gicr_cpu + GICR_ICENABLER0, 0xffffffffu);
    mmio_write32(gicr_cpu + GICR_IGROUPR0, 0xffffffffu); /* group 1 */

    /* ICC_SRE_EL2: SRE | Enable (lower ELs may use the sysregs too). */
    write_sysreg(s3_4_c12_c9_5, read_sysreg(s3_4_c12_c9_5) | 0x9);
    isb();
    write_sysreg(s3_0_c4_c6_0, 0xf0); /* ICC_PMR_EL1 */
    write_sysreg(s3_0_c12_c12_3, 0);  /* ICC_BPR1_EL1 */
    write_sysreg(s3_0_c12_c12_4, 0);  /* ICC_CTLR_EL1: EOImode 0 */
    write_sysreg(s3_0_c12_c12_7, 1);  /* ICC_IGRPEN1_EL1 */
    isb();
    return HV_OK;
}

int a64_gic_init(const struct a64_platform *p)
{
    version = p->gic_version;
    gicd = p->gicd;
    gicc = p->gicc;
    if (version == 2)
        return gicv2_init();
    if (version == 3)
        return gicv3_init(p);
    return HV_ENODEV;
}

static void set_priority(uint64_t reg_base, unsigned int intid)
{
    uint64_t reg = reg_base + (intid & ~3u);
    unsigned int shift = (intid & 3) * 8;
    uint32_t v = mmio_read32(reg);

    v = (v & ~(0xffu << shift)) | IRQ_PRIORITY << shift;
    mmio_write32(reg, v);
}

void a64_gic_enable_ppi(unsigned int intid)
{
    if (intid < 16 || intid >= 32)
        return;
    if (version == 2) {
        set_priority(gicd + GICD_IPRIORITYR, intid);
        mmio_write32(gicd + 0x100, 1u << intid); /* GICD_ISENABLER0 */
    } else if (version == 3) {
        set_priority(gicr_cpu + GICR_IPRIORITYR0, intid);
        mmio_write32(gicr_cpu + GICR_ISENABLER0, 1u << intid);
    }
}

unsigned int a64_gic_ack(void)
{
    if (version == 2)
        return mmio_read32(gicc + GICC_IAR) & 0x3ff;
    if (version == 3)
        return (unsigned int)(read_sysreg(s3_0_c12_c12_0) & 0xffffff);
    return 1023;
}

void a64_gic_eoi(unsigned int intid)
{
    if (intid >= 1020)
        return;
    if (version == 2)
        mmio_write32(gicc + GICC_EOIR, intid);
    else if (version == 3) {
        write_sysreg(s3_0_c12_c12_1, intid);
        isb();
    }
}
